//! SSE2 (the x86-64 baseline): one 16-byte lane, no `pshufb`.

use super::Vector;
use crate::shuffle::{with_plane_ptrs, Planes, Strided};
use core::arch::x86_64::*;

#[derive(Clone, Copy)]
pub(crate) struct V128(__m128i);

macro_rules! binop {
    ($name:ident, $intr:ident) => {
        #[inline(always)]
        unsafe fn $name(a: Self, b: Self) -> Self {
            // SAFETY: SSE2 is part of x86-64; the intrinsic has no pointer arguments.
            let r = unsafe { $intr(a.0, b.0) };
            Self(r)
        }
    };
}

impl Vector for V128 {
    const LANES: usize = 1;
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: SSE2 is part of x86-64.
        Self(unsafe { _mm_setzero_si128() })
    }
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees 16 readable bytes at p (unaligned load).
        Self(unsafe { _mm_loadu_si128(p.cast()) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut u8) {
        // SAFETY: the caller guarantees 16 writable bytes at p (unaligned store).
        unsafe { _mm_storeu_si128(p.cast(), self.0) }
    }
    #[inline(always)]
    unsafe fn load_rows(p: *const u8, _stride: usize) -> Self {
        // SAFETY: one lane: the caller's contract for lane 0.
        unsafe { Self::load(p) }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut u8, _stride: usize) {
        // SAFETY: one lane: the caller's contract for lane 0.
        unsafe { self.store(p) }
    }
    #[inline(always)]
    unsafe fn store_lane(self, _l: usize, p: *mut u8) {
        // SAFETY: one lane: the caller's contract.
        unsafe { self.store(p) }
    }
    binop!(lo8, _mm_unpacklo_epi8);
    binop!(hi8, _mm_unpackhi_epi8);
    binop!(lo16, _mm_unpacklo_epi16);
    binop!(hi16, _mm_unpackhi_epi16);
    binop!(lo32, _mm_unpacklo_epi32);
    binop!(hi32, _mm_unpackhi_epi32);
    binop!(lo64, _mm_unpacklo_epi64);
    binop!(hi64, _mm_unpackhi_epi64);
}

impl super::Bits for V128 {
    #[inline(always)]
    unsafe fn splat8(b: u8) -> Self {
        // SAFETY: SSE2 is part of x86-64; no pointer arguments.
        Self(unsafe { _mm_set1_epi8(b as i8) })
    }
    #[inline(always)]
    unsafe fn and(self, b: Self) -> Self {
        // SAFETY: SSE2 is part of x86-64; no pointer arguments.
        Self(unsafe { _mm_and_si128(self.0, b.0) })
    }
    #[inline(always)]
    unsafe fn xor(self, b: Self) -> Self {
        // SAFETY: SSE2 is part of x86-64; no pointer arguments.
        Self(unsafe { _mm_xor_si128(self.0, b.0) })
    }
    #[inline(always)]
    unsafe fn srl16<const S: i32>(self) -> Self {
        // SAFETY: SSE2 is part of x86-64; no pointer arguments.
        Self(unsafe { _mm_srli_epi16::<S>(self.0) })
    }
    #[inline(always)]
    unsafe fn sll16<const S: i32>(self) -> Self {
        // SAFETY: SSE2 is part of x86-64; no pointer arguments.
        Self(unsafe { _mm_slli_epi16::<S>(self.0) })
    }
}

/// Splits 16 elements of 2 bytes (two vectors) into their even and odd bytes with SSE2 packs.
#[inline]
#[target_feature(enable = "sse2")]
fn split2(a: __m128i, b: __m128i) -> (__m128i, __m128i) {
    let m = _mm_set1_epi16(0xff);
    let ev = _mm_packus_epi16(_mm_and_si128(a, m), _mm_and_si128(b, m));
    let od = _mm_packus_epi16(_mm_srli_epi16::<8>(a), _mm_srli_epi16::<8>(b));
    (ev, od)
}

/// Shuffle for element sizes 2, 4 and 8 without `pshufb`: log2(es) rounds of even/odd byte
/// splits over 16 elements (each round halves the interleave of the byte planes).
#[target_feature(enable = "sse2")]
fn shuffle_split(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
    super::check_streams(es, count, src.len(), dst.len(), stride);
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= count {
        let mut x = [_mm_setzero_si128(); 8];
        for (k, v) in x.iter_mut().take(es).enumerate() {
            // SAFETY: reads src[i*es + 16k ..+16] with k < es: ends at (i+16)*es <= src.len().
            *v = unsafe { _mm_loadu_si128(s.add(i * es + 16 * k).cast()) };
        }
        let mut n = es;
        while n > 1 {
            let mut y = [_mm_setzero_si128(); 8];
            for j in 0..es / 2 {
                let (ev, od) = split2(x[2 * j], x[2 * j + 1]);
                y[j] = ev;
                y[es / 2 + j] = od;
            }
            x = y;
            n /= 2;
        }
        for (j, v) in x.iter().take(es).enumerate() {
            // SAFETY: writes dst[j*stride + i ..+16], j < es, i + 16 <= count.
            unsafe { _mm_storeu_si128(d.add(j * stride + i).cast(), *v) };
        }
        i += 16;
    }
    crate::shuffle::shuffle_tail(es, count, i, src, dst, stride);
}

/// SSE2 shuffle of `count` elements into streams `stride` apart.
pub(crate) fn shuffle_strided(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
    match es {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        2 | 4 | 8 => unsafe { shuffle_split(es, count, src, dst, stride) },
        // SAFETY: SSE2 is part of every x86-64 CPU.
        _ => unsafe { super::shuffle_tiled_any::<V128>(es, count, src, dst, stride) },
    }
}

/// SSE2 unshuffle of `count` elements from streams `stride` apart.
pub(crate) fn unshuffle_strided(
    es: usize,
    count: usize,
    src: &[u8],
    stride: usize,
    dst: &mut [u8],
) {
    super::check_streams(es, count, dst.len(), src.len(), stride);
    let p = Strided {
        base: src.as_ptr(),
        stride,
    };
    // SAFETY: check_streams has checked that stream j < es, src[j * stride..][..count], lies
    // inside src.
    unsafe { unshuffle_from(es, count, p, dst) }
}

/// SSE2 unshuffle of `count` elements from byte planes at independent addresses.
pub(crate) fn unshuffle_planes(count: usize, planes: &[&[u8]], dst: &mut [u8]) {
    with_plane_ptrs(count, planes, |p| {
        // SAFETY: with_plane_ptrs has checked that every plane has count bytes.
        unsafe { unshuffle_from(planes.len(), count, p, dst) }
    })
}

/// SSE2 unshuffle of `count` elements from `p`'s planes.
///
/// # Safety
/// Each plane `j < es` of `p` must have `count` readable bytes.
unsafe fn unshuffle_from<P: Planes>(es: usize, count: usize, p: P, dst: &mut [u8]) {
    match es {
        // SAFETY: SSE2 is part of every x86-64 CPU; the plane contract is forwarded.
        2 | 4 | 8 => unsafe { super::unshuffle_pow2::<V128, P>(es, count, p, dst) },
        // SAFETY: as above.
        _ => unsafe { super::unshuffle_tiled_any::<V128, P>(es, count, p, dst) },
    }
}

/// 8x8 bit transpose of each word (SSE2 codegen of the portable loop).
pub(crate) fn bit_transpose(words: &mut [u64]) {
    super::bit_transpose_u64(words)
}

/// Bit rows of a byte plane (see [`super::bit_rows`]).
pub(crate) fn bit_rows(w: usize, plane: &[u8], rows: &mut [u8], stride: usize) {
    // SAFETY: SSE2 is part of every x86-64 CPU.
    unsafe { super::bit_rows::<V128>(w, plane, rows, stride) }
}

/// Inverse of [`bit_rows`].
pub(crate) fn bit_unrows(w: usize, rows: &[u8], stride: usize, plane: &mut [u8]) {
    // SAFETY: SSE2 is part of every x86-64 CPU.
    unsafe { super::bit_unrows::<V128>(w, rows, stride, plane) }
}
