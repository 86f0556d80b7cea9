//! AVX2 fixed scale-offset encode to 32-bit: `vroundpd`/`vroundps` (round to nearest, ties to
//! even) and the truncating `vcvttpd2dq`/`vcvttps2dq`, whose out-of-range and NaN result is
//! exactly the `0x80000000` of the documented policy.

use core::arch::x86_64::*;

/// `dst[i] = via_i32(round_half_even((src[i] - offset) * scale))` for f64 input.
#[target_feature(enable = "avx2")]
pub(crate) fn f64_to_i32(src: &[f64], offset: f64, scale: f64, dst: &mut [i32]) {
    let n = src.len().min(dst.len());
    let vo = _mm256_set1_pd(offset);
    let vs = _mm256_set1_pd(scale);
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 4 <= n {
        // SAFETY: reads src[i..i+4], i + 4 <= n <= src.len().
        let x = unsafe { _mm256_loadu_pd(s.add(i)) };
        let r = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_pd(_mm256_sub_pd(x, vo), vs),
        );
        // SAFETY: writes dst[i..i+4], i + 4 <= n <= dst.len().
        unsafe { _mm_storeu_si128(d.add(i).cast(), _mm256_cvttpd_epi32(r)) };
        i += 4;
    }
    for (o, &x) in dst[i..n].iter_mut().zip(&src[i..n]) {
        *o = crate::fixedscaleoffset::via_i32(((x - offset) * scale).round_ties_even());
    }
}

/// The f32 twin of [`f64_to_i32`] (arithmetic in f32).
#[target_feature(enable = "avx2")]
pub(crate) fn f32_to_i32(src: &[f32], offset: f32, scale: f32, dst: &mut [i32]) {
    let n = src.len().min(dst.len());
    let vo = _mm256_set1_ps(offset);
    let vs = _mm256_set1_ps(scale);
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: reads src[i..i+8], i + 8 <= n <= src.len().
        let x = unsafe { _mm256_loadu_ps(s.add(i)) };
        let r = _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_ps(_mm256_sub_ps(x, vo), vs),
        );
        // SAFETY: writes dst[i..i+8], i + 8 <= n <= dst.len().
        unsafe { _mm256_storeu_si256(d.add(i).cast(), _mm256_cvttps_epi32(r)) };
        i += 8;
    }
    for (o, &x) in dst[i..n].iter_mut().zip(&src[i..n]) {
        *o = crate::fixedscaleoffset::via_i32(((x - offset) * scale).round_ties_even() as f64);
    }
}
