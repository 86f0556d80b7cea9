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

/// The in-range fast path of the narrow scale-offset encode: `cvtpd2dq`/`cvtps2dq` round with
/// the MXCSR mode, which Rust code always runs with the default round-to-nearest-even (so one
/// instruction is `round_half_even` + the 32-bit conversion, NaN and out-of-range giving
/// `0x80000000` as `vcvtt*` does); a saturating pack is then exact for every in-range value.
///
/// The range check is on the 32-bit integers: `v + bias` (bias `2^(8W-1)` for a signed target,
/// 0 for an unsigned one) is OR-ed into an accumulator, which has a bit at or above `8 * W` iff
/// some value was outside the target's range (NaN and out of range give `0x80000000`, outside
/// every 1- and 2-byte range). For `W == 4` (`i32`) the accumulator collects lanes equal to
/// `i32::MIN` instead (NaN, out of range, or a genuine `-2^31`).
///
/// Returns false when the check failed: `dst` then holds unspecified bytes and the caller must
/// run the exact path ([`f64_to_int`] / [`f32_to_int`]), which writes the policy's bytes.
macro_rules! narrow_fast {
    ($name:ident, $f:ty, $wide:path, $doc:literal, |$s:ident, $i:ident, $vo:ident, $vs:ident| $conv:block) => {
        #[doc = $doc]
        #[target_feature(enable = "avx2")]
        pub(crate) fn $name<const W: usize, const SIGNED: bool>(
            src: &[$f],
            offset: $f,
            scale: $f,
            dst: &mut [u8],
        ) -> bool {
            let n = src.len().min(dst.len() / W);
            let bits = 8 * W as u32;
            let (bias, hi_mask) = if W == 4 {
                (0, i32::MIN)
            } else if SIGNED {
                (1i32 << (bits - 1), !((1i32 << bits) - 1))
            } else {
                (0, !((1i32 << bits) - 1))
            };
            let vbias = _mm_set1_epi32(bias);
            let vmin = _mm_set1_epi32(i32::MIN);
            let mut acc = _mm_setzero_si128();
            let $vo = offset;
            let $vs = scale;
            let $s = src.as_ptr();
            let d = dst.as_mut_ptr();
            let mut $i = 0;
            while $i + 8 <= n {
                let (a, b): (__m128i, __m128i) = $conv;
                if W == 4 {
                    acc = _mm_or_si128(
                        acc,
                        _mm_or_si128(_mm_cmpeq_epi32(a, vmin), _mm_cmpeq_epi32(b, vmin)),
                    );
                    // SAFETY: writes dst[i*4..(i+8)*4], i + 8 <= n <= dst.len() / 4.
                    unsafe {
                        _mm_storeu_si128(d.add($i * 4).cast(), a);
                        _mm_storeu_si128(d.add($i * 4 + 16).cast(), b);
                    }
                } else {
                    if SIGNED {
                        acc = _mm_or_si128(
                            acc,
                            _mm_or_si128(_mm_add_epi32(a, vbias), _mm_add_epi32(b, vbias)),
                        );
                    } else {
                        acc = _mm_or_si128(acc, _mm_or_si128(a, b));
                    }
                    let p = if SIGNED {
                        _mm_packs_epi32(a, b)
                    } else {
                        _mm_packus_epi32(a, b)
                    };
                    if W == 2 {
                        // SAFETY: writes dst[i*2..(i+8)*2], i + 8 <= n <= dst.len() / 2.
                        unsafe { _mm_storeu_si128(d.add($i * 2).cast(), p) };
                    } else {
                        let q = if SIGNED {
                            _mm_packs_epi16(p, p)
                        } else {
                            _mm_packus_epi16(p, p)
                        };
                        // SAFETY: writes dst[i..i+8], i + 8 <= n <= dst.len().
                        unsafe { _mm_storel_epi64(d.add($i).cast(), q) };
                    }
                }
                $i += 8;
            }
            if _mm_testz_si128(acc, _mm_set1_epi32(hi_mask)) == 0 {
                return false;
            }
            let (lo, hi) = if W == 4 {
                (-2147483648.0, 2147483648.0)
            } else if SIGNED {
                (-((1u32 << (bits - 1)) as f64), (1u32 << (bits - 1)) as f64)
            } else {
                (0.0, (1u32 << bits) as f64)
            };
            let mut all = true;
            for (o, &x) in dst[$i * W..n * W].chunks_exact_mut(W).zip(&src[$i..n]) {
                let r = $wide(((x - offset) * scale).round_ties_even());
                all &= r >= lo && r < hi;
                let v = crate::fixedscaleoffset::via_i32(r).to_le_bytes();
                o.copy_from_slice(&v[..W]);
            }
            all
        }
    };
}

narrow_fast!(
    f64_to_narrow_fast,
    f64,
    core::convert::identity,
    "The fast path for f64 input (4 lanes per `vcvtpd2dq`).",
    |s, i, offset, scale| {
        let vo = _mm256_set1_pd(offset);
        let vs = _mm256_set1_pd(scale);
        // SAFETY: reads src[i..i+8], i + 8 <= n <= src.len().
        let (x0, x1) = unsafe { (_mm256_loadu_pd(s.add(i)), _mm256_loadu_pd(s.add(i + 4))) };
        (
            _mm256_cvtpd_epi32(_mm256_mul_pd(_mm256_sub_pd(x0, vo), vs)),
            _mm256_cvtpd_epi32(_mm256_mul_pd(_mm256_sub_pd(x1, vo), vs)),
        )
    }
);

/// The fast path for f32 input: arithmetic in f32, 16 values per iteration in 256-bit
/// registers (`vsubps`, `vmulps`, `vcvtps2dq`, range check, one saturating pack and one
/// `vpermq` to undo the pack's in-lane order). Same contract as the f64 twin (see
/// `narrow_fast!`): false when some value was outside the target's range, and then `dst`
/// holds unspecified bytes.
///
/// The former 128-bit body (two `cvtps2dq` of 4 lanes per 8 values) ran 34.7 GB/s for
/// f32 -> i16 at 256 KiB (0.61 of memcpy); this one is the same arithmetic on twice the lanes.
#[target_feature(enable = "avx2")]
pub(crate) fn f32_to_narrow_fast<const W: usize, const SIGNED: bool>(
    src: &[f32],
    offset: f32,
    scale: f32,
    dst: &mut [u8],
) -> bool {
    let n = src.len().min(dst.len() / W);
    let bits = 8 * W as u32;
    let (bias, hi_mask) = if W == 4 {
        (0, i32::MIN)
    } else if SIGNED {
        (1i32 << (bits - 1), !((1i32 << bits) - 1))
    } else {
        (0, !((1i32 << bits) - 1))
    };
    let vbias = _mm256_set1_epi32(bias);
    let vmin = _mm256_set1_epi32(i32::MIN);
    let vo = _mm256_set1_ps(offset);
    let vs = _mm256_set1_ps(scale);
    // vpermd order that undoes `packs_epi16(packs_epi32(a, b), ..)`'s lane interleave for W = 1.
    let perm1 = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    let mut acc = _mm256_setzero_si256();
    let s = src.as_ptr();
    let d = dst.as_mut_ptr();
    let mut i = 0;
    while i + 16 <= n {
        // SAFETY: reads src[i..i+16], i + 16 <= n <= src.len().
        let (x0, x1) = unsafe { (_mm256_loadu_ps(s.add(i)), _mm256_loadu_ps(s.add(i + 8))) };
        let a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_sub_ps(x0, vo), vs));
        let b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_sub_ps(x1, vo), vs));
        if W == 4 {
            acc = _mm256_or_si256(
                acc,
                _mm256_or_si256(_mm256_cmpeq_epi32(a, vmin), _mm256_cmpeq_epi32(b, vmin)),
            );
            // SAFETY: writes dst[i*4..(i+16)*4], i + 16 <= n <= dst.len() / 4.
            unsafe {
                _mm256_storeu_si256(d.add(i * 4).cast(), a);
                _mm256_storeu_si256(d.add(i * 4 + 32).cast(), b);
            }
        } else {
            if SIGNED {
                acc = _mm256_or_si256(
                    acc,
                    _mm256_or_si256(_mm256_add_epi32(a, vbias), _mm256_add_epi32(b, vbias)),
                );
            } else {
                acc = _mm256_or_si256(acc, _mm256_or_si256(a, b));
            }
            // In-lane pack: [a0..3 b0..3 | a4..7 b4..7] as 16-bit values.
            let p = if SIGNED {
                _mm256_packs_epi32(a, b)
            } else {
                _mm256_packus_epi32(a, b)
            };
            if W == 2 {
                // Qwords 0 2 1 3 give a0..7 b0..7.
                let p = _mm256_permute4x64_epi64::<0b11_01_10_00>(p);
                // SAFETY: writes dst[i*2..(i+16)*2], i + 16 <= n <= dst.len() / 2.
                unsafe { _mm256_storeu_si256(d.add(i * 2).cast(), p) };
            } else {
                // Bytes, dwords: [a0..3 b0..3 a0..3 b0..3 | a4..7 b4..7 a4..7 b4..7].
                let q = if SIGNED {
                    _mm256_packs_epi16(p, p)
                } else {
                    _mm256_packus_epi16(p, p)
                };
                let q = _mm256_permutevar8x32_epi32(q, perm1);
                // SAFETY: writes dst[i..i+16], i + 16 <= n <= dst.len().
                unsafe { _mm_storeu_si128(d.add(i).cast(), _mm256_castsi256_si128(q)) };
            }
        }
        i += 16;
    }
    if _mm256_testz_si256(acc, _mm256_set1_epi32(hi_mask)) == 0 {
        return false;
    }
    let (lo, hi) = if W == 4 {
        (-2147483648.0, 2147483648.0)
    } else if SIGNED {
        (-((1u32 << (bits - 1)) as f64), (1u32 << (bits - 1)) as f64)
    } else {
        (0.0, (1u32 << bits) as f64)
    };
    let mut all = true;
    for (o, &x) in dst[i * W..n * W].chunks_exact_mut(W).zip(&src[i..n]) {
        let r = f64::from(((x - offset) * scale).round_ties_even());
        all &= r >= lo && r < hi;
        let v = crate::fixedscaleoffset::via_i32(r).to_le_bytes();
        o.copy_from_slice(&v[..W]);
    }
    all
}

/// AVX2 bit rounding of `m` low mantissa bits (`1 <= m < bits`): `(b + half + odd) & mask`
/// with `odd` bit `m` of `b`. Two forms of `odd` alternate, one per vector: a uniform shift
/// (`vpsrl` by a register count) and an `and` + `cmpeq` (giving -1 for even, added to `half + 1`).
/// Both are five ops, but on Zen 1 vector shifts issue on the one FP pipe that also carries the
/// store data, while and/add/cmpeq issue on the others: alternating balances the pipes (the
/// shift-only loop was bound by that pipe).
macro_rules! bitround_avx2 {
    ($name:ident, $ty:ty, $sty:ty, $srl:ident, $add:ident, $cmpeq:ident, $set1:ident) => {
        #[target_feature(enable = "avx2")]
        pub(crate) fn $name(m: u32, src: &[$ty], dst: &mut [$ty]) {
            let n = src.len().min(dst.len());
            let per = 32 / core::mem::size_of::<$ty>();
            let half: $ty = ((1 as $ty) << (m - 1)) - 1;
            let mask: $ty = !0 << m;
            let cnt = _mm_cvtsi32_si128(m as i32);
            let one = $set1(1);
            let vh = $set1(half as $sty);
            let vh1 = $set1((half + 1) as $sty);
            let vbit = $set1(((1 as $ty) << m) as $sty);
            let zero = _mm256_setzero_si256();
            let vm = $set1(mask as $sty);
            let s = src.as_ptr();
            let d = dst.as_mut_ptr();
            let mut i = 0;
            macro_rules! shift {
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
            macro_rules! cmp {
                ($k:expr) => {{
                    let j = i + $k * per;
                    // SAFETY: as in `shift!`.
                    unsafe {
                        let x = _mm256_loadu_si256(s.add(j).cast());
                        // -1 when bit m is clear: half + 1 - 1 = half; else half + 1.
                        let even = $cmpeq(_mm256_and_si256(x, vbit), zero);
                        let r = _mm256_and_si256($add($add(x, vh1), even), vm);
                        _mm256_storeu_si256(d.add(j).cast(), r);
                    }
                }};
            }
            while i + 2 * per <= n {
                shift!(0);
                cmp!(1);
                i += 2 * per;
            }
            while i + per <= n {
                shift!(0);
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
    _mm256_cmpeq_epi16,
    _mm256_set1_epi16
);
bitround_avx2!(
    bitround32,
    u32,
    i32,
    _mm256_srl_epi32,
    _mm256_add_epi32,
    _mm256_cmpeq_epi32,
    _mm256_set1_epi32
);
bitround_avx2!(
    bitround64,
    u64,
    i64,
    _mm256_srl_epi64,
    _mm256_add_epi64,
    _mm256_cmpeq_epi64,
    _mm256_set1_epi64x
);
