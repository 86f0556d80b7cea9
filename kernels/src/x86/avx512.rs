//! AVX-512 (F + BW): four 16-byte lanes. Compiled everywhere, run only where the CPU has it.

use super::{Pshufb, Vector};
use core::arch::x86_64::*;

#[derive(Clone, Copy)]
pub(crate) struct V512(__m512i);

macro_rules! binop {
    ($name:ident, $intr:ident) => {
        #[inline(always)]
        unsafe fn $name(a: Self, b: Self) -> Self {
            // SAFETY: the trait contract: the caller guarantees AVX-512 F+BW; no pointer arguments.
            let r = unsafe { $intr(a.0, b.0) };
            Self(r)
        }
    };
}

impl Vector for V512 {
    const LANES: usize = 4;
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW.
        Self(unsafe { _mm512_setzero_si512() })
    }
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW and 64 readable bytes at p (unaligned).
        Self(unsafe { _mm512_loadu_si512(p.cast()) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut u8) {
        // SAFETY: the caller guarantees AVX-512 F+BW and 64 writable bytes at p (unaligned).
        unsafe { _mm512_storeu_si512(p.cast(), self.0) }
    }
    #[inline(always)]
    unsafe fn load_rows(p: *const u8, stride: usize) -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW and 16 readable bytes at p + l * stride
        // for l in 0..4.
        unsafe {
            let l0 = _mm_loadu_si128(p.cast());
            let l1 = _mm_loadu_si128(p.add(stride).cast());
            let l2 = _mm_loadu_si128(p.add(2 * stride).cast());
            let l3 = _mm_loadu_si128(p.add(3 * stride).cast());
            let v = _mm512_castsi128_si512(l0);
            let v = _mm512_inserti32x4::<1>(v, l1);
            let v = _mm512_inserti32x4::<2>(v, l2);
            Self(_mm512_inserti32x4::<3>(v, l3))
        }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut u8, stride: usize) {
        // SAFETY: the caller guarantees AVX-512 F+BW and 16 writable bytes at p + l * stride
        // for l in 0..4.
        unsafe {
            _mm_storeu_si128(p.cast(), _mm512_castsi512_si128(self.0));
            _mm_storeu_si128(p.add(stride).cast(), _mm512_extracti32x4_epi32::<1>(self.0));
            _mm_storeu_si128(
                p.add(2 * stride).cast(),
                _mm512_extracti32x4_epi32::<2>(self.0),
            );
            _mm_storeu_si128(
                p.add(3 * stride).cast(),
                _mm512_extracti32x4_epi32::<3>(self.0),
            );
        }
    }
    #[inline(always)]
    unsafe fn store_lane(self, l: usize, p: *mut u8) {
        // SAFETY: the caller guarantees AVX-512 F+BW and 16 writable bytes at p.
        unsafe {
            let v = match l {
                0 => _mm512_castsi512_si128(self.0),
                1 => _mm512_extracti32x4_epi32::<1>(self.0),
                2 => _mm512_extracti32x4_epi32::<2>(self.0),
                _ => _mm512_extracti32x4_epi32::<3>(self.0),
            };
            _mm_storeu_si128(p.cast(), v);
        }
    }
    binop!(lo8, _mm512_unpacklo_epi8);
    binop!(hi8, _mm512_unpackhi_epi8);
    binop!(lo16, _mm512_unpacklo_epi16);
    binop!(hi16, _mm512_unpackhi_epi16);
    binop!(lo32, _mm512_unpacklo_epi32);
    binop!(hi32, _mm512_unpackhi_epi32);
    binop!(lo64, _mm512_unpacklo_epi64);
    binop!(hi64, _mm512_unpackhi_epi64);
}

impl Pshufb for V512 {
    #[inline(always)]
    unsafe fn splat_lane(m: &[u8; 16]) -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW; m is 16 readable bytes.
        unsafe { Self(_mm512_broadcast_i32x4(_mm_loadu_si128(m.as_ptr().cast()))) }
    }
    #[inline(always)]
    unsafe fn pshufb(self, m: Self) -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW.
        Self(unsafe { _mm512_shuffle_epi8(self.0, m.0) })
    }
    #[inline(always)]
    unsafe fn or(self, b: Self) -> Self {
        // SAFETY: the caller guarantees the ISA; no pointer arguments.
        Self(unsafe { _mm512_or_si512(self.0, b.0) })
    }
}

impl super::Bits for V512 {
    #[inline(always)]
    unsafe fn splat8(b: u8) -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW; no pointer arguments.
        Self(unsafe { _mm512_set1_epi8(b as i8) })
    }
    #[inline(always)]
    unsafe fn and(self, b: Self) -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW; no pointer arguments.
        Self(unsafe { _mm512_and_si512(self.0, b.0) })
    }
    #[inline(always)]
    unsafe fn xor(self, b: Self) -> Self {
        // SAFETY: the caller guarantees AVX-512 F+BW; no pointer arguments.
        Self(unsafe { _mm512_xor_si512(self.0, b.0) })
    }
    #[inline(always)]
    unsafe fn srl16<const S: i32>(self) -> Self {
        // The AVX-512 intrinsic takes a u32 immediate; the kernels shift by 1, 2 or 4 only.
        // SAFETY: the caller guarantees AVX-512 F+BW; no pointer arguments.
        Self(unsafe {
            match S {
                1 => _mm512_srli_epi16::<1>(self.0),
                2 => _mm512_srli_epi16::<2>(self.0),
                4 => _mm512_srli_epi16::<4>(self.0),
                _ => unreachable!("shift {S}"),
            }
        })
    }
    #[inline(always)]
    unsafe fn sll16<const S: i32>(self) -> Self {
        // The AVX-512 intrinsic takes a u32 immediate; the kernels shift by 1, 2 or 4 only.
        // SAFETY: the caller guarantees AVX-512 F+BW; no pointer arguments.
        Self(unsafe {
            match S {
                1 => _mm512_slli_epi16::<1>(self.0),
                2 => _mm512_slli_epi16::<2>(self.0),
                4 => _mm512_slli_epi16::<4>(self.0),
                _ => unreachable!("shift {S}"),
            }
        })
    }
}

/// AVX-512 shuffle of `count` elements into streams `stride` apart.
///
/// Only element sizes 5 to 8 use 512-bit vectors: on Zen 4 (512-bit ops split into two 256-bit
/// halves) the 512-bit form of the other sizes measured slower than the AVX2 kernel (es 2: 0.89
/// vs 0.98 of memcpy, es 4: 0.71 vs 0.95, es 16: 0.08 vs 0.39 at 256 KiB), so they run the AVX2
/// kernel (AVX-512 F implies AVX2).
///
/// Element sizes 2, 4 and 8 run the VBMI kernel where [`super::vbmi::usable`] says so (Intel
/// CPUs with VBMI).
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) fn shuffle_strided(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
    match es {
        // SAFETY: usable() has checked VBMI; F and BW are this function's features.
        2 | 4 | 8 if super::vbmi::usable() => unsafe {
            super::vbmi::shuffle(es, count, src, dst, stride)
        },
        // SAFETY: this function is compiled for, and only callable (unsafely) on, AVX-512 F+BW CPUs.
        8 => unsafe { super::shuffle_pow2::<V512>(es, count, src, dst, stride) },
        // SAFETY: as above.
        5..=7 => unsafe { super::shuffle_gather::<V512>(es, count, src, dst, stride) },
        // avx512f implies avx2, so this call needs no `unsafe`.
        _ => super::avx2::shuffle_strided(es, count, src, dst, stride),
    }
}

/// AVX-512 unshuffle of `count` elements from streams `stride` apart: the AVX2 kernel, which
/// measured faster than the 512-bit form of the same algorithms at every element size on Zen 4
/// (es 3: 0.98 vs 0.67 of memcpy, es 8: 0.90 vs 0.73, es 16: 0.40 vs 0.15 at 256 KiB).
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) fn unshuffle_strided(
    es: usize,
    count: usize,
    src: &[u8],
    stride: usize,
    dst: &mut [u8],
) {
    // avx512f implies avx2, so this call needs no `unsafe`.
    super::avx2::unshuffle_strided(es, count, src, stride, dst)
}

/// AVX-512 unshuffle of byte planes at independent addresses: the AVX2 kernel, as
/// [`unshuffle_strided`].
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) fn unshuffle_planes(count: usize, planes: &[&[u8]], dst: &mut [u8]) {
    // avx512f implies avx2, so this call needs no `unsafe`.
    super::avx2::unshuffle_planes(count, planes, dst)
}

/// 8x8 bit transpose of each word (AVX-512 codegen of the portable loop).
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) fn bit_transpose(words: &mut [u64]) {
    super::bit_transpose_u64(words)
}

/// Bit rows of a byte plane (see [`super::bit_rows`]).
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) fn bit_rows(w: usize, plane: &[u8], rows: &mut [u8], stride: usize) {
    // SAFETY: this function is compiled for, and only callable (unsafely) on, AVX-512 F+BW CPUs.
    unsafe { super::bit_rows::<V512>(w, plane, rows, stride) }
}

/// Inverse of [`bit_rows`].
#[target_feature(enable = "avx512f,avx512bw")]
pub(crate) fn bit_unrows(w: usize, rows: &[u8], stride: usize, plane: &mut [u8]) {
    // SAFETY: this function is compiled for, and only callable (unsafely) on, AVX-512 F+BW CPUs.
    unsafe { super::bit_unrows::<V512>(w, rows, stride, plane) }
}
