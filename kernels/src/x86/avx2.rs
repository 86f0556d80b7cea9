//! AVX2: two 16-byte lanes.

use super::{Pshufb, Vector};
use crate::shuffle::{with_plane_ptrs, Planes, Strided};
use core::arch::x86_64::*;

#[derive(Clone, Copy)]
pub(crate) struct V256(__m256i);

macro_rules! binop {
    ($name:ident, $intr:ident) => {
        #[inline(always)]
        unsafe fn $name(a: Self, b: Self) -> Self {
            // SAFETY: the trait contract: the caller guarantees AVX2; no pointer arguments.
            let r = unsafe { $intr(a.0, b.0) };
            Self(r)
        }
    };
}

impl Vector for V256 {
    const LANES: usize = 2;
    #[inline(always)]
    unsafe fn zero() -> Self {
        // SAFETY: the caller guarantees AVX2.
        Self(unsafe { _mm256_setzero_si256() })
    }
    #[inline(always)]
    unsafe fn load(p: *const u8) -> Self {
        // SAFETY: the caller guarantees AVX2 and 32 readable bytes at p (unaligned load).
        Self(unsafe { _mm256_loadu_si256(p.cast()) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut u8) {
        // SAFETY: the caller guarantees AVX2 and 32 writable bytes at p (unaligned store).
        unsafe { _mm256_storeu_si256(p.cast(), self.0) }
    }
    #[inline(always)]
    unsafe fn load_rows(p: *const u8, stride: usize) -> Self {
        // SAFETY: the caller guarantees AVX2 and 16 readable bytes at p and at p + stride.
        unsafe {
            let a = _mm_loadu_si128(p.cast());
            let b = _mm_loadu_si128(p.add(stride).cast());
            Self(_mm256_inserti128_si256::<1>(_mm256_castsi128_si256(a), b))
        }
    }
    #[inline(always)]
    unsafe fn store_rows(self, p: *mut u8, stride: usize) {
        // SAFETY: the caller guarantees AVX2 and 16 writable bytes at p and at p + stride.
        unsafe {
            _mm_storeu_si128(p.cast(), _mm256_castsi256_si128(self.0));
            _mm_storeu_si128(p.add(stride).cast(), _mm256_extracti128_si256::<1>(self.0));
        }
    }
    #[inline(always)]
    unsafe fn store_lane(self, l: usize, p: *mut u8) {
        // SAFETY: the caller guarantees AVX2 and 16 writable bytes at p.
        unsafe {
            let v = if l == 0 {
                _mm256_castsi256_si128(self.0)
            } else {
                _mm256_extracti128_si256::<1>(self.0)
            };
            _mm_storeu_si128(p.cast(), v);
        }
    }
    #[inline(always)]
    unsafe fn store_pair_rows(a: Self, b: Self, p: *mut u8, stride: usize) {
        // SAFETY: the caller guarantees AVX2 and 32 writable bytes at p and at p + stride.
        unsafe {
            let lo = _mm256_permute2x128_si256::<0x20>(a.0, b.0);
            let hi = _mm256_permute2x128_si256::<0x31>(a.0, b.0);
            _mm256_storeu_si256(p.cast(), lo);
            _mm256_storeu_si256(p.add(stride).cast(), hi);
        }
    }
    #[inline(always)]
    unsafe fn store_pairs_rows<const K: usize>(
        pairs: [(Self, Self); K],
        p: *mut u8,
        stride: usize,
    ) {
        // SAFETY: the caller guarantees AVX2 and 32 writable bytes at p + 32 k and at
        // p + 32 k + stride for every pair k.
        unsafe {
            for (k, &(a, b)) in pairs.iter().enumerate() {
                let lo = _mm256_permute2x128_si256::<0x20>(a.0, b.0);
                _mm256_storeu_si256(p.add(32 * k).cast(), lo);
            }
            for (k, &(a, b)) in pairs.iter().enumerate() {
                let hi = _mm256_permute2x128_si256::<0x31>(a.0, b.0);
                _mm256_storeu_si256(p.add(stride + 32 * k).cast(), hi);
            }
        }
    }
    binop!(lo8, _mm256_unpacklo_epi8);
    binop!(hi8, _mm256_unpackhi_epi8);
    binop!(lo16, _mm256_unpacklo_epi16);
    binop!(hi16, _mm256_unpackhi_epi16);
    binop!(lo32, _mm256_unpacklo_epi32);
    binop!(hi32, _mm256_unpackhi_epi32);
    binop!(lo64, _mm256_unpacklo_epi64);
    binop!(hi64, _mm256_unpackhi_epi64);
}

impl Pshufb for V256 {
    #[inline(always)]
    unsafe fn splat_lane(m: &[u8; 16]) -> Self {
        // SAFETY: the caller guarantees AVX2; m is 16 readable bytes.
        unsafe {
            Self(_mm256_broadcastsi128_si256(_mm_loadu_si128(
                m.as_ptr().cast(),
            )))
        }
    }
    #[inline(always)]
    unsafe fn pshufb(self, m: Self) -> Self {
        // SAFETY: the caller guarantees AVX2.
        Self(unsafe { _mm256_shuffle_epi8(self.0, m.0) })
    }
    #[inline(always)]
    unsafe fn or(self, b: Self) -> Self {
        // SAFETY: the caller guarantees the ISA; no pointer arguments.
        Self(unsafe { _mm256_or_si256(self.0, b.0) })
    }
}

impl super::Bits for V256 {
    #[inline(always)]
    unsafe fn splat8(b: u8) -> Self {
        // SAFETY: the caller guarantees AVX2; no pointer arguments.
        Self(unsafe { _mm256_set1_epi8(b as i8) })
    }
    #[inline(always)]
    unsafe fn and(self, b: Self) -> Self {
        // SAFETY: the caller guarantees AVX2; no pointer arguments.
        Self(unsafe { _mm256_and_si256(self.0, b.0) })
    }
    #[inline(always)]
    unsafe fn xor(self, b: Self) -> Self {
        // SAFETY: the caller guarantees AVX2; no pointer arguments.
        Self(unsafe { _mm256_xor_si256(self.0, b.0) })
    }
    #[inline(always)]
    unsafe fn srl16<const S: i32>(self) -> Self {
        // SAFETY: the caller guarantees AVX2; no pointer arguments.
        Self(unsafe { _mm256_srli_epi16::<S>(self.0) })
    }
    #[inline(always)]
    unsafe fn sll16<const S: i32>(self) -> Self {
        // SAFETY: the caller guarantees AVX2; no pointer arguments.
        Self(unsafe { _mm256_slli_epi16::<S>(self.0) })
    }
}

/// AVX2 shuffle of `count` elements into streams `stride` apart.
#[target_feature(enable = "avx2")]
pub(crate) fn shuffle_strided(es: usize, count: usize, src: &[u8], dst: &mut [u8], stride: usize) {
    match es {
        // SAFETY: this function is compiled for, and only callable (unsafely) on, AVX2 CPUs.
        2 | 4 | 8 => unsafe { super::shuffle_pow2::<V256>(es, count, src, dst, stride) },
        // SAFETY: as above.
        3 | 5 | 6 | 7 => unsafe { super::shuffle_gather::<V256>(es, count, src, dst, stride) },
        // SAFETY: as above.
        _ => unsafe { super::shuffle_tiled_any::<V256>(es, count, src, dst, stride) },
    }
}

/// AVX2 unshuffle of `count` elements from streams `stride` apart.
#[target_feature(enable = "avx2")]
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
    // SAFETY: AVX2 is enabled here; check_streams has checked that stream j < es,
    // src[j * stride..][..count], lies inside src.
    unsafe { unshuffle_from(es, count, p, dst) }
}

/// AVX2 unshuffle of `count` elements from byte planes at independent addresses.
#[target_feature(enable = "avx2")]
pub(crate) fn unshuffle_planes(count: usize, planes: &[&[u8]], dst: &mut [u8]) {
    with_plane_ptrs(count, planes, |p| {
        // SAFETY: the enclosing function runs on AVX2 CPUs only; with_plane_ptrs has checked
        // that every plane has count bytes.
        unsafe { unshuffle_from(planes.len(), count, p, dst) }
    })
}

/// AVX2 unshuffle of `count` elements from `p`'s planes.
///
/// # Safety
/// The CPU must support AVX2; each plane `j < es` of `p` must have `count` readable bytes.
#[target_feature(enable = "avx2")]
unsafe fn unshuffle_from<P: Planes>(es: usize, count: usize, p: P, dst: &mut [u8]) {
    match es {
        // SAFETY: AVX2 is enabled here; the plane contract is forwarded.
        2 | 4 | 8 => unsafe { super::unshuffle_pow2::<V256, P>(es, count, p, dst) },
        // SAFETY: as above.
        3 | 5 | 6 | 7 => unsafe { super::unshuffle_gather::<V256, P>(es, count, p, dst) },
        // SAFETY: as above.
        12 => unsafe { unshuffle12(count, p, dst) },
        // SAFETY: as above.
        _ => unsafe { super::unshuffle_tiled_any::<V256, P>(es, count, p, dst) },
    }
}

/// Unshuffle of 12-byte elements, 32 per step (lane `l`: elements `i + 16 l ..`): an element is
/// three 4-byte groups, so the es-4 unpack cascade runs on planes `4g..4g + 4` for each group
/// `g` (giving, per 4 elements, a vector of their 4-byte group `g`), then every 4 elements'
/// three group vectors `A`, `B`, `C` are rotated (`pshufd`) and blended (`vpblendd`) into the
/// 48 output bytes `A0 B0 C0 A1 | B1 C1 A2 B2 | C2 A3 B3 C3`. About half the shuffle work of
/// the 16x16 tile (which also wrote 16 overlapping bytes per 12-byte element).
///
/// # Safety
/// The CPU must support AVX2; each plane `j < 12` of `p` must have `count` readable bytes.
#[target_feature(enable = "avx2")]
unsafe fn unshuffle12<P: Planes>(count: usize, p: P, dst: &mut [u8]) {
    super::check_elems(12, count, dst.len());
    // SAFETY: j < 12, the number of planes.
    let base: [*const u8; 12] = core::array::from_fn(|j| unsafe { p.plane(j) });
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 32 <= count {
        // SAFETY: reads plane j at i .. i + 32, j < 12 and i + 32 <= count.
        let ld = |j: usize| unsafe { _mm256_loadu_si256(base[j].add(i).cast()) };
        let z = _mm256_setzero_si256();
        let mut w = [[z; 4]; 3];
        for (g, wg) in w.iter_mut().enumerate() {
            let (s0, s1, s2, s3) = (ld(4 * g), ld(4 * g + 1), ld(4 * g + 2), ld(4 * g + 3));
            let a0 = _mm256_unpacklo_epi8(s0, s1);
            let a1 = _mm256_unpackhi_epi8(s0, s1);
            let a2 = _mm256_unpacklo_epi8(s2, s3);
            let a3 = _mm256_unpackhi_epi8(s2, s3);
            // Element groups of elements 4q .. 4q + 4 (per lane) in wg[q].
            *wg = [
                _mm256_unpacklo_epi16(a0, a2),
                _mm256_unpackhi_epi16(a0, a2),
                _mm256_unpacklo_epi16(a1, a3),
                _mm256_unpackhi_epi16(a1, a3),
            ];
        }
        let mut out = [z; 12];
        for q in 0..4 {
            // A' = [A0 A3 A2 A1], B' = [B1 B0 B3 B2], C' = [C2 C1 C0 C3]: each output dword
            // then sits at its final position in one of them.
            let a = _mm256_shuffle_epi32::<0b01_10_11_00>(w[0][q]);
            let b = _mm256_shuffle_epi32::<0b10_11_00_01>(w[1][q]);
            let c = _mm256_shuffle_epi32::<0b11_00_01_10>(w[2][q]);
            // Dword 1 from the second operand, then dword 2 from the third.
            let mix = |x, y, z| {
                _mm256_blend_epi32::<0b0100_0100>(_mm256_blend_epi32::<0b0010_0010>(x, y), z)
            };
            out[3 * q] = mix(a, b, c);
            out[3 * q + 1] = mix(b, c, a);
            out[3 * q + 2] = mix(c, a, b);
        }
        let o = d.wrapping_add(i * 12);
        for k in (0..12).step_by(2) {
            // SAFETY: lane 0 of out[k], out[k+1] goes to dst[12i + 16k .. + 32], lane 1 to
            // dst[12i + 192 + 16k .. + 32]: the largest end is 12i + 192 + 16*10 + 32 =
            // 12(i + 32) <= 12 * count <= dst.len() (check_elems); AVX2 is enabled here.
            unsafe { V256::store_pair_rows(V256(out[k]), V256(out[k + 1]), o.add(16 * k), 192) };
        }
        i += 32;
    }
    // SAFETY: forwarded plane contract; dst holds 12 * count bytes (check_elems).
    unsafe { crate::shuffle::unshuffle_tail_planes(12, count, i, p, dst) };
}

/// 8x8 bit transpose of each word (AVX2 codegen of the portable loop).
#[target_feature(enable = "avx2")]
pub(crate) fn bit_transpose(words: &mut [u64]) {
    super::bit_transpose_u64(words)
}

/// Bit rows of a byte plane (see [`super::bit_rows`]).
#[target_feature(enable = "avx2")]
pub(crate) fn bit_rows(w: usize, plane: &[u8], rows: &mut [u8], stride: usize) {
    // SAFETY: this function is compiled for, and only callable (unsafely) on, AVX2 CPUs.
    unsafe { super::bit_rows::<V256>(w, plane, rows, stride) }
}

/// Inverse of [`bit_rows`].
#[target_feature(enable = "avx2")]
pub(crate) fn bit_unrows(w: usize, rows: &[u8], stride: usize, plane: &mut [u8]) {
    // SAFETY: this function is compiled for, and only callable (unsafely) on, AVX2 CPUs.
    unsafe { super::bit_unrows::<V256>(w, rows, stride, plane) }
}
