//! AVX2 fixed scale-offset encode to 32-bit: `vroundpd`/`vroundps` (round to nearest, ties to
//! even) and the truncating `vcvttpd2dq`/`vcvttps2dq`, whose out-of-range and NaN result is
//! exactly the `0x80000000` of the documented policy. Both also report whether every rounded
//! value lay in `[lo, hi)` (ordered compares: NaN is out of range).

use core::arch::x86_64::*;

/// Stores the low `W` bytes (4, 2 or 1) of each of the 8 i32 lanes of `v` at `d`.
///
/// # Safety
/// `d` must be valid for writing `8 * W` bytes; AVX2 must be available.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn store_low<const W: usize>(v: __m256i, d: *mut u8) {
    match W {
        // SAFETY: the caller guarantees 8 * W = 32 writable bytes at d.
        4 => unsafe { _mm256_storeu_si256(d.cast(), v) },
        2 => {
            let m = _mm256_set1_epi32(0xffff);
            let v = _mm256_and_si256(v, m);
            // Values are 0..=0xffff, so the unsigned saturating pack is a truncation.
            let p = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
            // SAFETY: the caller guarantees 8 * W = 16 writable bytes at d.
            unsafe { _mm_storeu_si128(d.cast(), p) }
        }
        _ => {
            let m = _mm256_set1_epi32(0xff);
            let v = _mm256_and_si256(v, m);
            let p = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
            let p = _mm_packus_epi16(p, p);
            // SAFETY: the caller guarantees 8 * W = 8 writable bytes at d.
            unsafe { _mm_storel_epi64(d.cast(), p) }
        }
    }
}

/// `dst[i] = low W bytes of via_i32(round_half_even((src[i] - offset) * scale))` for f64
/// input (`dst` holds `W`-byte little-endian integers); true when every rounded value is in
/// `[lo, hi)`.
#[target_feature(enable = "avx2")]
pub(crate) fn f64_to_int<const W: usize>(
    src: &[f64],
    offset: f64,
    scale: f64,
    (lo, hi): (f64, f64),
    dst: &mut [u8],
) -> bool {
    let n = src.len().min(dst.len() / W);
    let vo = _mm256_set1_pd(offset);
    let vs = _mm256_set1_pd(scale);
    let (vlo, vhi) = (_mm256_set1_pd(lo), _mm256_set1_pd(hi));
    let mut ok = _mm256_castsi256_pd(_mm256_set1_epi8(-1));
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    macro_rules! one {
        ($j:expr) => {{
            // SAFETY: reads src[i+j..i+j+4], i + 8 <= n <= src.len() (j is 0 or 4).
            let x = unsafe { _mm256_loadu_pd(s.add(i + $j)) };
            let r = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
                _mm256_mul_pd(_mm256_sub_pd(x, vo), vs),
            );
            let inr = _mm256_and_pd(
                _mm256_cmp_pd::<_CMP_GE_OQ>(r, vlo),
                _mm256_cmp_pd::<_CMP_LT_OQ>(r, vhi),
            );
            (_mm256_cvttpd_epi32(r), inr)
        }};
    }
    while i + 8 <= n {
        let (a, ia) = one!(0);
        let (b, ib) = one!(4);
        ok = _mm256_and_pd(ok, _mm256_and_pd(ia, ib));
        let v = _mm256_inserti128_si256::<1>(_mm256_castsi128_si256(a), b);
        // SAFETY: writes dst[i*W..(i+8)*W], i + 8 <= n <= dst.len() / W.
        unsafe { store_low::<W>(v, d.add(i * W)) };
        i += 8;
    }
    let mut all = _mm256_movemask_pd(ok) == 0xf;
    for (o, &x) in dst[i * W..n * W].chunks_exact_mut(W).zip(&src[i..n]) {
        let r = ((x - offset) * scale).round_ties_even();
        all &= r >= lo && r < hi;
        let v = crate::fixedscaleoffset::via_i32(r).to_le_bytes();
        o.copy_from_slice(&v[..W]);
    }
    all
}

/// The f32 twin of [`f64_to_int`] (arithmetic in f32; `lo`/`hi` are exact in f32 for every
/// 1-, 2- and 4-byte integer range bound).
#[target_feature(enable = "avx2")]
pub(crate) fn f32_to_int<const W: usize>(
    src: &[f32],
    offset: f32,
    scale: f32,
    (lo, hi): (f32, f32),
    dst: &mut [u8],
) -> bool {
    let n = src.len().min(dst.len() / W);
    let vo = _mm256_set1_ps(offset);
    let vs = _mm256_set1_ps(scale);
    let (vlo, vhi) = (_mm256_set1_ps(lo), _mm256_set1_ps(hi));
    let mut ok = _mm256_castsi256_ps(_mm256_set1_epi8(-1));
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: reads src[i..i+8], i + 8 <= n <= src.len().
        let x = unsafe { _mm256_loadu_ps(s.add(i)) };
        let r = _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_ps(_mm256_sub_ps(x, vo), vs),
        );
        ok = _mm256_and_ps(
            ok,
            _mm256_and_ps(
                _mm256_cmp_ps::<_CMP_GE_OQ>(r, vlo),
                _mm256_cmp_ps::<_CMP_LT_OQ>(r, vhi),
            ),
        );
        // SAFETY: writes dst[i*W..(i+8)*W], i + 8 <= n <= dst.len() / W.
        unsafe { store_low::<W>(_mm256_cvttps_epi32(r), d.add(i * W)) };
        i += 8;
    }
    let mut all = _mm256_movemask_ps(ok) == 0xff;
    for (o, &x) in dst[i * W..n * W].chunks_exact_mut(W).zip(&src[i..n]) {
        let r = ((x - offset) * scale).round_ties_even();
        all &= r >= lo && r < hi;
        let v = crate::fixedscaleoffset::via_i32(r as f64).to_le_bytes();
        o.copy_from_slice(&v[..W]);
    }
    all
}

/// AVX2 bit rounding of `m` low mantissa bits (`1 <= m < bits`): per vector one uniform shift
/// (`vpsrl` by a register count, the same for every lane), and, two adds and an and.
macro_rules! bitround_avx2 {
    ($name:ident, $ty:ty, $sty:ty, $srl:ident, $add:ident, $set1:ident) => {
        #[target_feature(enable = "avx2")]
        pub(crate) fn $name(m: u32, src: &[$ty], dst: &mut [$ty]) {
            let n = src.len().min(dst.len());
            let per = 32 / core::mem::size_of::<$ty>();
            let half: $ty = ((1 as $ty) << (m - 1)) - 1;
            let mask: $ty = !0 << m;
            let cnt = _mm_cvtsi32_si128(m as i32);
            let one = $set1(1);
            let vh = $set1(half as $sty);
            let vm = $set1(mask as $sty);
            let s = src.as_ptr();
            let d = dst.as_mut_ptr();
            let mut i = 0;
            macro_rules! one {
                ($k:expr) => {{
                    let j = i + $k * per;
                    // SAFETY: reads src[j..j+per], writes dst[j..j+per]; the loop conditions
                    // keep j + per <= n <= min(src.len(), dst.len()).
                    unsafe {
                        let x = _mm256_loadu_si256(s.add(j).cast());
                        let odd = _mm256_and_si256($srl(x, cnt), one);
                        let r = _mm256_and_si256($add($add(x, vh), odd), vm);
                        _mm256_storeu_si256(d.add(j).cast(), r);
                    }
                }};
            }
            while i + 2 * per <= n {
                one!(0);
                one!(1);
                i += 2 * per;
            }
            while i + per <= n {
                one!(0);
                i += per;
            }
            for (o, &b) in dst[i..n].iter_mut().zip(&src[i..n]) {
                let odd = (b >> m) & 1;
                *o = b.wrapping_add(half).wrapping_add(odd) & mask;
            }
        }
    };
}
bitround_avx2!(
    bitround16,
    u16,
    i16,
    _mm256_srl_epi16,
    _mm256_add_epi16,
    _mm256_set1_epi16
);
bitround_avx2!(
    bitround32,
    u32,
    i32,
    _mm256_srl_epi32,
    _mm256_add_epi32,
    _mm256_set1_epi32
);
bitround_avx2!(
    bitround64,
    u64,
    i64,
    _mm256_srl_epi64,
    _mm256_add_epi64,
    _mm256_set1_epi64x
);
