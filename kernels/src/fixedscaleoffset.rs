//! Fixed scale-offset (numcodecs' `FixedScaleOffset`) arithmetic.
//!
//! * Encode: `enc = round_half_even((x - offset) * scale)`, computed in the input float type
//!   (f64 for `<f8`, f32 for `<f4`), then cast to the integer type `T` by [`Encoded`]'s rule.
//! * Decode: `dec = (enc as f64) / scale + offset` -- a true division, not a multiply by
//!   `1/scale` (they differ in the last ulp) -- in f64; [`decode_to_f32`] rounds that to f32.
//!
//! **NaN and out-of-range policy** (numpy leaves it to the C cast, so the bytes are
//! platform-dependent there; we pick the x86-64 result numcodecs produces on the CI machine):
//! * targets of 1, 2 and 4 bytes: the rounded value goes through a 32-bit signed conversion;
//!   NaN, infinities and values outside `[-2^31, 2^31)` become `0x80000000`; then the low bytes
//!   are kept (`i8`/`u8`/`i16`/`u16`/`i32` all share this, so an f8 -> u1 of 256 is 0 and
//!   of -1 is 0xff, as in numcodecs);
//! * `u32`: values in `[0, 2^32)` convert exactly (numpy's result), everything else as above;
//! * `i64`: NaN, infinities and values outside `[-2^63, 2^63)` become `0x8000000000000000`;
//! * `u64`: values in `[2^63, 2^64)` convert exactly, everything else as `i64`.
//!
//! The `*_checked` encoders also return whether every rounded value was a value of `T` (in its
//! range, not NaN), so a caller can refuse such input instead of storing the policy's bytes.
//!
//! All loops are plain Rust compiled per ISA ([`crate::dispatch`]'s multiversioning): LLVM
//! turns them into `vroundpd` + `vcvttpd2dq` + blends on AVX2.

use crate::dispatch::{self, Isa};

mod sealed {
    pub trait Sealed {}
}

/// Integer types a scale-offset encode can produce.
pub trait Encoded: Copy + sealed::Sealed {
    /// The cast of an already rounded f64 (see the module docs for NaN/out of range).
    fn from_rounded(r: f64) -> Self;
    /// Exact widening to f64 for decode (`i64`/`u64` round to nearest, as numpy does).
    fn to_f64(self) -> f64;
    /// Whether the cast goes through the 32-bit conversion (1-, 2- and 4-byte targets).
    #[doc(hidden)]
    const NARROW: bool;
    /// Low bits of the 32-bit conversion (only used when `NARROW`).
    #[doc(hidden)]
    fn from_i32(v: i32) -> Self;
    /// The type's range as `[LO, HI)` (both exact powers of two or 0 in f64 and f32).
    const LO: f64;
    /// See [`Encoded::LO`].
    const HI: f64;
    /// Whether a rounded value is a value of this type (NaN is not).
    #[inline(always)]
    fn holds(r: f64) -> bool {
        r >= Self::LO && r < Self::HI
    }
}

#[inline(always)]
pub(crate) fn via_i32(r: f64) -> i32 {
    if (-2147483648.0..2147483648.0).contains(&r) {
        r as i32
    } else {
        i32::MIN
    }
}

#[inline(always)]
fn via_i64(r: f64) -> i64 {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&r) {
        r as i64
    } else {
        i64::MIN
    }
}

macro_rules! narrow {
    ($($t:ty)*) => {$(
        impl sealed::Sealed for $t {}
        impl Encoded for $t {
            #[inline(always)]
            fn from_rounded(r: f64) -> Self {
                via_i32(r) as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            const NARROW: bool = true;
            #[inline(always)]
            fn from_i32(v: i32) -> Self {
                v as $t
            }
            const LO: f64 = <$t>::MIN as f64;
            const HI: f64 = <$t>::MAX as f64 + 1.0;
        }
    )*};
}
narrow!(i8 u8 i16 u16 i32);

impl sealed::Sealed for u32 {}
impl Encoded for u32 {
    // Values in [2^31, 2^32) convert exactly, so not through the 32-bit signed conversion.
    const NARROW: bool = false;
    fn from_i32(v: i32) -> Self {
        v as u32
    }
    #[inline(always)]
    fn from_rounded(r: f64) -> Self {
        if (0.0..4294967296.0).contains(&r) {
            r as u32
        } else {
            via_i32(r) as u32
        }
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    const LO: f64 = 0.0;
    const HI: f64 = 4294967296.0;
}

impl sealed::Sealed for i64 {}
impl Encoded for i64 {
    const NARROW: bool = false;
    const LO: f64 = -9223372036854775808.0;
    const HI: f64 = 9223372036854775808.0;
    fn from_i32(v: i32) -> Self {
        v as i64
    }
    #[inline(always)]
    fn from_rounded(r: f64) -> Self {
        via_i64(r)
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl sealed::Sealed for u64 {}
impl Encoded for u64 {
    const NARROW: bool = false;
    const LO: f64 = 0.0;
    const HI: f64 = 18446744073709551616.0;
    fn from_i32(v: i32) -> Self {
        v as u64
    }
    #[inline(always)]
    fn from_rounded(r: f64) -> Self {
        if (9223372036854775808.0..18446744073709551616.0).contains(&r) {
            r as u64
        } else {
            via_i64(r) as u64
        }
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

/// The bytes of an integer slice (little-endian on x86-64, where this is used).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn as_bytes_mut<T: Encoded>(s: &mut [T]) -> &mut [u8] {
    // SAFETY: every Encoded type is a primitive integer (sealed): no padding, any byte pattern
    // is valid; the byte slice covers exactly the same memory for the same lifetime.
    unsafe { core::slice::from_raw_parts_mut(s.as_mut_ptr().cast(), core::mem::size_of_val(s)) }
}

/// Encodes f64 values (numcodecs `dtype='<f8'`) on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn encode_f64<T: Encoded>(src: &[f64], offset: f64, scale: f64, dst: &mut [T]) {
    encode_f64_with(Isa::active(), src, offset, scale, dst)
}

/// [`encode_f64`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn encode_f64_with<T: Encoded>(isa: Isa, src: &[f64], offset: f64, scale: f64, dst: &mut [T]) {
    encode_f64_checked_with(isa, src, offset, scale, dst);
}

/// [`encode_f64`], returning whether every rounded value was a value of `T` (false when one
/// was NaN, infinite or out of `T`'s range; `dst` then holds the policy's bytes for those).
///
/// # Panics
/// If the lengths differ.
pub fn encode_f64_checked<T: Encoded>(src: &[f64], offset: f64, scale: f64, dst: &mut [T]) -> bool {
    encode_f64_checked_with(Isa::active(), src, offset, scale, dst)
}

/// [`encode_f64_checked`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn encode_f64_checked_with<T: Encoded>(
    isa: Isa,
    src: &[f64],
    offset: f64,
    scale: f64,
    dst: &mut [T],
) -> bool {
    assert_eq!(
        src.len(),
        dst.len(),
        "fixedscaleoffset: src and dst lengths differ"
    );
    #[cfg(target_arch = "x86_64")]
    if T::NARROW && matches!(isa, Isa::Avx2 | Isa::Avx512) {
        return dispatch::vectorize(
            isa,
            #[inline(always)]
            || {
                let d = as_bytes_mut(dst);
                let r = (T::LO, T::HI);
                // SAFETY: `vectorize` asserted that isa (AVX2, or AVX-512 which implies it) is
                // available.
                unsafe {
                    use crate::x86::fso::f64_to_narrow_fast as fast;
                    let done = match (core::mem::size_of::<T>(), T::LO < 0.0) {
                        (4, _) => fast::<4, true>(src, offset, scale, d),
                        (2, true) => fast::<2, true>(src, offset, scale, d),
                        (2, false) => fast::<2, false>(src, offset, scale, d),
                        (_, true) => fast::<1, true>(src, offset, scale, d),
                        (_, false) => fast::<1, false>(src, offset, scale, d),
                    };
                    if done {
                        return true;
                    }
                    // A value outside T (or -2^31 for i32): the exact path, with the policy's
                    // bytes and the exact answer.
                    match core::mem::size_of::<T>() {
                        4 => crate::x86::fso::f64_to_int::<4>(src, offset, scale, r, d),
                        2 => crate::x86::fso::f64_to_int::<2>(src, offset, scale, r, d),
                        _ => crate::x86::fso::f64_to_int::<1>(src, offset, scale, r, d),
                    }
                }
            },
        );
    }
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            let mut ok = true;
            for (d, &x) in dst.iter_mut().zip(src) {
                let r = ((x - offset) * scale).round_ties_even();
                ok &= T::holds(r);
                *d = T::from_rounded(r);
            }
            ok
        },
    )
}

/// Encodes f32 values (numcodecs `dtype='<f4'`: the arithmetic is in f32) on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn encode_f32<T: Encoded>(src: &[f32], offset: f32, scale: f32, dst: &mut [T]) {
    encode_f32_with(Isa::active(), src, offset, scale, dst)
}

/// [`encode_f32`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn encode_f32_with<T: Encoded>(isa: Isa, src: &[f32], offset: f32, scale: f32, dst: &mut [T]) {
    encode_f32_checked_with(isa, src, offset, scale, dst);
}

/// [`encode_f32`], returning whether every rounded value was a value of `T`.
///
/// # Panics
/// If the lengths differ.
pub fn encode_f32_checked<T: Encoded>(src: &[f32], offset: f32, scale: f32, dst: &mut [T]) -> bool {
    encode_f32_checked_with(Isa::active(), src, offset, scale, dst)
}

/// [`encode_f32_checked`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn encode_f32_checked_with<T: Encoded>(
    isa: Isa,
    src: &[f32],
    offset: f32,
    scale: f32,
    dst: &mut [T],
) -> bool {
    assert_eq!(
        src.len(),
        dst.len(),
        "fixedscaleoffset: src and dst lengths differ"
    );
    #[cfg(target_arch = "x86_64")]
    if T::NARROW && matches!(isa, Isa::Avx2 | Isa::Avx512) {
        return dispatch::vectorize(
            isa,
            #[inline(always)]
            || {
                let d = as_bytes_mut(dst);
                let r = (T::LO as f32, T::HI as f32);
                // SAFETY: `vectorize` asserted that isa (AVX2, or AVX-512 which implies it) is
                // available.
                unsafe {
                    use crate::x86::fso::f32_to_narrow_fast as fast;
                    let done = match (core::mem::size_of::<T>(), T::LO < 0.0) {
                        (4, _) => fast::<4, true>(src, offset, scale, d),
                        (2, true) => fast::<2, true>(src, offset, scale, d),
                        (2, false) => fast::<2, false>(src, offset, scale, d),
                        (_, true) => fast::<1, true>(src, offset, scale, d),
                        (_, false) => fast::<1, false>(src, offset, scale, d),
                    };
                    if done {
                        return true;
                    }
                    // A value outside T (or -2^31 for i32): the exact path, with the policy's
                    // bytes and the exact answer.
                    match core::mem::size_of::<T>() {
                        4 => crate::x86::fso::f32_to_int::<4>(src, offset, scale, r, d),
                        2 => crate::x86::fso::f32_to_int::<2>(src, offset, scale, r, d),
                        _ => crate::x86::fso::f32_to_int::<1>(src, offset, scale, r, d),
                    }
                }
            },
        );
    }
    dispatch::vectorize(
        isa,
        #[inline(always)]
        || {
            let mut ok = true;
            for (d, &x) in dst.iter_mut().zip(src) {
                let r = ((x - offset) * scale).round_ties_even() as f64;
                ok &= T::holds(r);
                *d = T::from_rounded(r);
            }
            ok
        },
    )
}

/// Decodes to f64: `(enc as f64) / scale + offset`, on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn decode_f64<T: Encoded>(src: &[T], offset: f64, scale: f64, dst: &mut [f64]) {
    decode_f64_with(Isa::active(), src, offset, scale, dst)
}

/// [`decode_f64`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn decode_f64_with<T: Encoded>(isa: Isa, src: &[T], offset: f64, scale: f64, dst: &mut [f64]) {
    decode_with(isa, src, offset, scale, None, dst, |v| v)
}

/// Decodes to f32 (numcodecs `dtype='<f4'` with an integer `astype`: computed in f64, then
/// rounded to f32 by `astype`), on the active ISA.
///
/// # Panics
/// If the lengths differ.
pub fn decode_to_f32<T: Encoded>(src: &[T], offset: f64, scale: f64, dst: &mut [f32]) {
    decode_to_f32_with(Isa::active(), src, offset, scale, dst)
}

/// [`decode_to_f32`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn decode_to_f32_with<T: Encoded>(
    isa: Isa,
    src: &[T],
    offset: f64,
    scale: f64,
    dst: &mut [f32],
) {
    decode_with(isa, src, offset, scale, None, dst, |v| v as f32)
}

/// The decode loop of every form: `out(x / scale + offset)` for each code `x`, computed in f64
/// by division or, with `recip` on an ISA with FMA, by [`corrected_quotient`] (the caller
/// vouches that `recip` gives the division's bits; see [`exact_reciprocal`]).
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
#[inline(always)]
fn decode_with<T: Encoded, D>(
    isa: Isa,
    src: &[T],
    offset: f64,
    scale: f64,
    recip: Option<f64>,
    dst: &mut [D],
    out: impl Fn(f64) -> D,
) {
    assert_eq!(
        src.len(),
        dst.len(),
        "fixedscaleoffset: src and dst lengths differ"
    );
    match recip {
        Some(recip) if has_fma(isa) => dispatch::vectorize(
            isa,
            #[inline(always)]
            || {
                for (d, &e) in dst.iter_mut().zip(src) {
                    *d = out(corrected_quotient(e.to_f64(), scale, recip) + offset);
                }
            },
        ),
        _ => dispatch::vectorize(
            isa,
            #[inline(always)]
            || {
                for (d, &e) in dst.iter_mut().zip(src) {
                    *d = out(e.to_f64() / scale + offset);
                }
            },
        ),
    }
}

/// The division-free quotient: `q = x * recip`, then one correction step with the exact
/// remainder `x - q * scale` (an FMA, exact). For a correctly rounded `recip` this is the
/// correctly rounded `x / scale` for almost every `x`; [`exact_reciprocal`] checks "almost" away.
#[inline(always)]
fn corrected_quotient(x: f64, scale: f64, recip: f64) -> f64 {
    let q = x * recip;
    let rem = (-q).mul_add(scale, x);
    rem.mul_add(recip, q)
}

/// `Some(1 / scale)` when the division-free decode (see [`decode_f64_recip`]) gives `x / scale`
/// bit for bit for **every** value `x` of `T`. For types of at most 16 bits this is checked
/// value by value (65,536 at most), so any scale can qualify, and `None` whenever one value
/// differs (a subnormal or overflowing quotient, say); it costs about as much as decoding 65,536
/// values by division: call it once per scale, not per chunk. For wider types it is
/// [`proven_reciprocal`]: the scales for which the exactness is proven for every integer up to
/// 2^64 (integral scales such as 10, 100 or 1e6, and their power-of-two multiples).
pub fn exact_reciprocal<T: Encoded>(scale: f64) -> Option<f64> {
    let bits = 8 * core::mem::size_of::<T>();
    if bits > 16 {
        return proven_reciprocal(scale);
    }
    if !scale.is_finite() || scale == 0.0 {
        return None;
    }
    let recip = 1.0 / scale;
    let values: Vec<f64> = (0..1i32 << bits).map(|v| T::from_i32(v).to_f64()).collect();
    // `mul_add` is the exactly rounded FMA on every target (an instruction or libm's `fma`),
    // so this check holds for every ISA's decode loop.
    let same = dispatch::vectorize(
        Isa::active(),
        #[inline(always)]
        || {
            values.iter().fold(true, |ok, &x| {
                ok & (corrected_quotient(x, scale, recip).to_bits() == (x / scale).to_bits())
            })
        },
    );
    same.then_some(recip)
}

/// `Some(1 / scale)` when the division-free quotient ([`decode_f64_recip`]'s multiply and two
/// FMAs) is proven to equal the correctly rounded `x / scale` for every integer `x` with
/// `|x| <= 2^64` (every code of every [`Encoded`] type): when `|scale| = M * 2^E` with `M` odd
/// and below 2^48, and `2^-900 <= |scale| <= 2^900`. That holds for 10, 100, 1000, ... up to 1e20
/// (odd part `5^k`), for 0.5, 3, 12345, and not for 0.1 or 1/3 (53-bit odd parts). Otherwise
/// `None`.
///
/// Proof. Let `z = x / scale` (exact), `u = 2^-53`, `y = RN(1 / scale) = (1 + h) / scale` with
/// `|h| <= u`. The code computes `q0 = RN(x * y)`, `r0 = RN(x - q0 * scale)` (one FMA) and
/// returns `q1 = RN(q0 + r0 * y)` (one FMA). The range bounds keep every quantity normal and
/// finite (`|x| >= 1` makes `z`, `q0` and a non-zero `r0` far from the subnormal range; `x = 0`
/// gives `q1 = 0 * y`, the zero of `scale`'s sign, as `0 / scale`).
/// * `|x * y - z| <= |z| u < ulp(z)` and `|q0 - x * y| <= ulp(x * y) / 2 <= ulp(z)`, so
///   `|q0 - z| <= 2 ulp(z)`.
/// * `r0 = (x - q0 * scale)(1 + t)` with `|t| <= u`, so `v = q0 + r0 * y` satisfies
///   `v - z = (z - q0)((1 + t)(1 + h) - 1)` and `|v - z| <= 2 ulp(z)(2u + u^2) < 4.01 u ulp(z)`.
/// * `q1 = RN(v)` equals `RN(z)` when no rounding boundary (midpoint between adjacent doubles)
///   lies within `|v - z|` of `z`. Write `x = X * 2^F` (integer `X`, `F >= 0`) and let `z` be in
///   `[2^e, 2^(e+1))`. The boundaries near `z` are odd multiples of `2^(e-53)` (`z`'s binade)
///   and of `2^(e-54)` (the one below), and `z / 2^(e-54) = X * 2^G / M` with an integer
///   `G = F + 54 - e - E > 0` (as `e <= log2(X / M) + F - E` and `X < 2^53`): a fraction with
///   denominator `M`, so it is an odd integer (impossible: that would make `x = scale * z` need
///   more than 53 significant bits) or at least `1 / M` away from each one. So every boundary
///   is at least `2^(e-54) / M = ulp(z) / (4M)` from `z`, more than `4.01 u ulp(z)` when
///   `M < 2^49`.
///
/// The 16-bit codes' value-by-value check in [`exact_reciprocal`] agrees with this on every
/// scale it accepts, and the tests compare both paths on random and edge codes of every width.
pub fn proven_reciprocal(scale: f64) -> Option<f64> {
    let a = scale.abs();
    // Also rejects NaN, infinities, zero and subnormals.
    if !((-900f64).exp2()..=900f64.exp2()).contains(&a) {
        return None;
    }
    let significand = (a.to_bits() & ((1u64 << 52) - 1)) | (1u64 << 52);
    let odd = significand >> significand.trailing_zeros();
    (odd < 1u64 << 48).then(|| 1.0 / scale)
}

/// Whether `isa` runs `mul_add` as an instruction (else the division is the faster loop).
fn has_fma(isa: Isa) -> bool {
    matches!(isa, Isa::Avx2 | Isa::Avx512 | Isa::Neon)
}

/// [`decode_f64`] with `recip` from [`exact_reciprocal::<T>(scale)`](exact_reciprocal): the
/// same bytes, with a multiply and two FMAs instead of a division (on ISAs with FMA; the
/// division elsewhere). A `recip` that did not come from `exact_reciprocal` for this `T` and
/// `scale` can give different bytes (never undefined behaviour).
///
/// # Panics
/// If the lengths differ.
pub fn decode_f64_recip<T: Encoded>(
    src: &[T],
    offset: f64,
    scale: f64,
    recip: f64,
    dst: &mut [f64],
) {
    decode_f64_recip_with(Isa::active(), src, offset, scale, recip, dst)
}

/// [`decode_f64_recip`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn decode_f64_recip_with<T: Encoded>(
    isa: Isa,
    src: &[T],
    offset: f64,
    scale: f64,
    recip: f64,
    dst: &mut [f64],
) {
    decode_with(isa, src, offset, scale, Some(recip), dst, |v| v)
}

/// [`decode_to_f32`] with `recip` from [`exact_reciprocal`] (see [`decode_f64_recip`]).
///
/// # Panics
/// If the lengths differ.
pub fn decode_to_f32_recip<T: Encoded>(
    src: &[T],
    offset: f64,
    scale: f64,
    recip: f64,
    dst: &mut [f32],
) {
    decode_to_f32_recip_with(Isa::active(), src, offset, scale, recip, dst)
}

/// [`decode_to_f32_recip`] on the given ISA.
///
/// # Panics
/// If the lengths differ or `isa` is not available on this CPU.
pub fn decode_to_f32_recip_with<T: Encoded>(
    isa: Isa,
    src: &[T],
    offset: f64,
    scale: f64,
    recip: f64,
    dst: &mut [f32],
) {
    decode_with(isa, src, offset, scale, Some(recip), dst, |v| v as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numcodecs_vectors() {
        // linspace(1000, 1005, 10) with (offset 1000, scale 10), (1002.5, 10), (1000, 0.5).
        let x: Vec<f64> = (0..10).map(|i| 1000.0 + 5.0 * i as f64 / 9.0).collect();
        for isa in Isa::available() {
            let mut out = vec![0i64; 10];
            encode_f64_with(isa, &x, 1000.0, 10.0, &mut out);
            assert_eq!(out, [0, 6, 11, 17, 22, 28, 33, 39, 44, 50]);
            encode_f64_with(isa, &x, 1002.5, 10.0, &mut out);
            assert_eq!(out, [-25, -19, -14, -8, -3, 3, 8, 14, 19, 25]);
            encode_f64_with(isa, &x, 1000.0, 0.5, &mut out);
            assert_eq!(out, [0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
            // FSO(1000, 10, <f8, <u2) on [1000.0, 1000.04, 1000.05, 1000.15, 1000.25, 1001.0].
            let mut u2 = vec![0u16; 6];
            encode_f64_with(
                isa,
                &[1000.0, 1000.04, 1000.05, 1000.15, 1000.25, 1001.0],
                1000.0,
                10.0,
                &mut u2,
            );
            assert_eq!(u2, [0, 0, 0, 1, 2, 10]);
            // astype |u1 on [999.9, 1025.6, 1030.0] -> ff 00 2c.
            let mut u1 = vec![0u8; 3];
            encode_f64_with(isa, &[999.9, 1025.6, 1030.0], 1000.0, 10.0, &mut u1);
            assert_eq!(u1, [0xff, 0x00, 0x2c]);
        }
    }

    #[test]
    fn x86_cast_policy() {
        for isa in Isa::available() {
            // f8 -> u1 of [-1, 256, nan, 1e10] = ff 00 00 00.
            let mut u1 = vec![0u8; 4];
            encode_f64_with(isa, &[-1.0, 256.0, f64::NAN, 1e10], 0.0, 1.0, &mut u1);
            assert_eq!(u1, [0xff, 0, 0, 0]);
            // f8 -> u2 of [nan, inf, 70000, -70000] = 0000 0000 1170 ee90 (LE bytes).
            let mut u2 = vec![0u16; 4];
            encode_f64_with(
                isa,
                &[f64::NAN, f64::INFINITY, 70000.0, -70000.0],
                0.0,
                1.0,
                &mut u2,
            );
            assert_eq!(u2, [0, 0, 0x1170, 0xee90]);
            // f8 -> i1 of [128, 255, 256, 1000, -129, 3e9] = 80 ff 00 e8 7f 00.
            let mut i1 = vec![0i8; 6];
            encode_f64_with(
                isa,
                &[128.0, 255.0, 256.0, 1000.0, -129.0, 3e9],
                0.0,
                1.0,
                &mut i1,
            );
            assert_eq!(
                i1.iter().map(|&v| v as u8).collect::<Vec<_>>(),
                [0x80, 0xff, 0, 0xe8, 0x7f, 0]
            );
            // i4: 2147483647.9 rounds to 2^31 (out of range) -> 0x80000000 here.
            let mut i4 = vec![0i32; 4];
            encode_f64_with(
                isa,
                &[2147483647.0, -2147483648.0, f64::NAN, 3e9],
                0.0,
                1.0,
                &mut i4,
            );
            assert_eq!(i4, [i32::MAX, i32::MIN, i32::MIN, i32::MIN]);
            let mut i8_ = vec![0i64; 3];
            encode_f64_with(isa, &[f64::NAN, 1e19, -1e19], 0.0, 1.0, &mut i8_);
            assert_eq!(i8_, [i64::MIN; 3]);
            let mut u8_ = vec![0u64; 2];
            encode_f64_with(isa, &[-1.0, 1.8e19], 0.0, 1.0, &mut u8_);
            assert_eq!(u8_, [u64::MAX, 18_000_000_000_000_000_000]);
            // Half to even.
            let mut h = vec![0i32; 5];
            encode_f64_with(isa, &[0.5, 1.5, 2.5, -0.5, -2.5], 0.0, 1.0, &mut h);
            assert_eq!(h, [0, 2, 2, 0, -2]);
        }
    }

    #[test]
    fn checked_reports_values_outside_the_type() {
        for isa in Isa::available() {
            // Long enough for the vector loops and their tails.
            for len in [1usize, 7, 8, 9, 33, 1030] {
                for bad in [f64::NAN, f64::INFINITY, 300.0, -1.0] {
                    for at in [0, len / 2, len - 1] {
                        let mut v = vec![12.0f64; len];
                        v[at] = bad;
                        let mut o = vec![0u8; len];
                        assert!(!encode_f64_checked_with(isa, &v, 0.0, 1.0, &mut o));
                        let v32: Vec<f32> = v.iter().map(|&x| x as f32).collect();
                        assert!(!encode_f32_checked_with(isa, &v32, 0.0, 1.0, &mut o));
                    }
                }
                let v = vec![255.4f64; len];
                let mut o = vec![0u8; len];
                assert!(encode_f64_checked_with(isa, &v, 0.0, 1.0, &mut o));
                assert!(o.iter().all(|&x| x == 255));
                // 255.5 rounds to 256: out of range for u8; -0.5 rounds to -0: in range.
                let v = vec![255.5f64; len];
                assert!(!encode_f64_checked_with(isa, &v, 0.0, 1.0, &mut o));
                let v = vec![-0.5f64; len];
                assert!(encode_f64_checked_with(isa, &v, 0.0, 1.0, &mut o));
                let v = vec![3e9f64; len];
                let mut o = vec![0u32; len];
                assert!(encode_f64_checked_with(isa, &v, 0.0, 1.0, &mut o));
                assert!(o.iter().all(|&x| x == 3_000_000_000));
                let mut o = vec![0i32; len];
                assert!(!encode_f64_checked_with(isa, &v, 0.0, 1.0, &mut o));
            }
        }
    }

    #[test]
    fn in_range_values_take_the_fast_path_exactly() {
        // Every value in range (the vector fast path's case), every length around the 8-wide
        // blocks, a few misalignments; ties included (x.5 after scaling).
        let mut x = 7u64;
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for isa in Isa::available() {
            macro_rules! one {
                ($t:ty) => {{
                    let (lo, hi) = (<$t>::MIN as f64, <$t>::MAX as f64);
                    let vals: Vec<f64> = (0..300)
                        .map(|i| match i % 5 {
                            0 => lo,
                            1 => hi + 0.49,
                            2 => ((lo + (hi - lo) * next()) * 2.0).round() / 2.0,
                            _ => lo - 0.5 + (hi - lo + 0.9) * next(),
                        })
                        .map(|v: f64| v.clamp(lo - 0.5, hi + 0.49))
                        .collect();
                    for len in (0..40).chain([255, 299]) {
                        for off in 0..3 {
                            let v = &vals[off..off + len.min(297)];
                            let mut got = vec![<$t>::default(); v.len() + 3];
                            let ok = encode_f64_checked_with(
                                isa,
                                v,
                                0.0,
                                1.0,
                                &mut got[off..off + v.len()],
                            );
                            let want: Vec<$t> = v
                                .iter()
                                .map(|&x| <$t>::from_rounded(x.round_ties_even()))
                                .collect();
                            assert_eq!(&got[off..off + v.len()], &want[..], "{isa} {len} {off}");
                            assert!(ok, "{isa} {len} {off}");
                            let v32: Vec<f32> = v.iter().map(|&x| x as f32).collect();
                            let ok = encode_f32_checked_with(
                                isa,
                                &v32,
                                0.0,
                                1.0,
                                &mut got[off..off + v.len()],
                            );
                            let mut all = true;
                            for (g, &x) in got[off..].iter().zip(&v32) {
                                let r = x.round_ties_even() as f64;
                                all &= <$t>::holds(r);
                                assert_eq!(*g, <$t>::from_rounded(r), "{isa} {len} {off} {x}");
                            }
                            assert_eq!(ok, all);
                        }
                    }
                }};
            }
            one!(i8);
            one!(u8);
            one!(i16);
            one!(u16);
            one!(i32);
        }
    }

    /// The f32 fast path works on blocks of 16 values: one value outside the target (or NaN,
    /// or -2^31 for i32) at every position of lengths around one and two blocks, with the
    /// destination at every byte offset the element size allows, must give the exact path's
    /// bytes and `false`; the same input without it must give `true` and the reference.
    #[test]
    fn f32_fast_path_blocks_and_fallback() {
        for isa in Isa::available() {
            macro_rules! one {
                ($t:ty, $bad:expr) => {{
                    for len in [15usize, 16, 17, 31, 32, 33, 47, 48, 49] {
                        let base: Vec<f32> =
                            (0..len).map(|i| 1000.0 + (i % 23) as f32 * 0.55).collect();
                        let reference = |v: &[f32]| -> (Vec<$t>, bool) {
                            let mut all = true;
                            let out = v
                                .iter()
                                .map(|&x| {
                                    let r = ((x - 1000.0f32) * 10.0f32).round_ties_even() as f64;
                                    all &= <$t>::holds(r);
                                    <$t>::from_rounded(r)
                                })
                                .collect();
                            (out, all)
                        };
                        for off in 0..2 {
                            let mut buf = vec![<$t>::default(); len + 2];
                            let ok = encode_f32_checked_with(
                                isa,
                                &base,
                                1000.0,
                                10.0,
                                &mut buf[off..off + len],
                            );
                            let (want, all) = reference(&base);
                            assert_eq!(&buf[off..off + len], &want[..], "{isa} {len} {off}");
                            assert_eq!(ok, all, "{isa} {len} {off}");
                            for at in 0..len {
                                let mut v = base.clone();
                                v[at] = $bad;
                                let ok = encode_f32_checked_with(
                                    isa,
                                    &v,
                                    1000.0,
                                    10.0,
                                    &mut buf[off..off + len],
                                );
                                let (want, all) = reference(&v);
                                assert_eq!(&buf[off..off + len], &want[..], "{isa} {len} {at}");
                                assert_eq!(ok, all, "{isa} {len} {at}");
                            }
                        }
                    }
                }};
            }
            // The base values scale to 0..=121: in range for every narrow type.
            one!(i8, 1012.8);
            one!(u8, 999.9);
            one!(i16, 4277.0);
            one!(u16, f32::NAN);
            one!(i32, -214_747_360.0);
            one!(i32, f32::INFINITY);
        }
    }

    /// Decoding `src` with `recip` gives the division's bits, to f64 (offset `off64`) and to
    /// f32 (offset `off32`), on `isa`.
    fn assert_recip_decodes_as_division<T: Encoded>(
        isa: Isa,
        src: &[T],
        scale: f64,
        recip: f64,
        off64: f64,
        off32: f64,
    ) {
        let mut want = vec![0f64; src.len()];
        decode_f64_with(isa, src, off64, scale, &mut want);
        let mut got = vec![0f64; src.len()];
        decode_f64_recip_with(isa, src, off64, scale, recip, &mut got);
        assert!(
            want.iter()
                .zip(&got)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{isa} scale {scale} offset {off64}"
        );
        let mut want = vec![0f32; src.len()];
        decode_to_f32_with(isa, src, off32, scale, &mut want);
        let mut got = vec![0f32; src.len()];
        decode_to_f32_recip_with(isa, src, off32, scale, recip, &mut got);
        assert!(
            want.iter()
                .zip(&got)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "f32 {isa} scale {scale} offset {off32}"
        );
    }

    /// Scales of every kind: powers of ten and two, awkward reciprocals, negative, tiny and
    /// huge (where the check must refuse), for every narrow type; the recip decode must equal
    /// the division decode bit for bit wherever `exact_reciprocal` says yes, and a scale that
    /// makes the plain `x * (1 / scale)` differ must exist (so the correction step matters).
    #[test]
    fn recip_decode_equals_division_when_checked() {
        fn all<T: Encoded>() -> Vec<T> {
            let bits = 8 * core::mem::size_of::<T>();
            (0..1i32 << bits).map(T::from_i32).collect()
        }
        fn run<T: Encoded>(scales: &[f64]) -> (usize, usize) {
            let src = all::<T>();
            let (mut exact, mut plain_differs) = (0, 0);
            for &scale in scales {
                let Some(r) = exact_reciprocal::<T>(scale) else {
                    continue;
                };
                exact += 1;
                if src
                    .iter()
                    .any(|&e| (e.to_f64() * r).to_bits() != (e.to_f64() / scale).to_bits())
                {
                    plain_differs += 1;
                }
                for isa in Isa::available() {
                    for offset in [0.0, 1000.0, -3.25] {
                        assert_recip_decodes_as_division(isa, &src, scale, r, offset, offset);
                    }
                }
            }
            (exact, plain_differs)
        }
        let scales = [
            1.0,
            2.0,
            3.0,
            7.0,
            10.0,
            100.0,
            1000.0,
            0.1,
            0.3,
            1e-3,
            12345.678,
            1.0 / 3.0,
            -10.0,
            -0.7,
            655.36,
            1e300,
            1e-300,
            5e-324,
            f64::MAX,
            49.0,
            98.0,
        ];
        let (e1, d1) = run::<u16>(&scales);
        let (e2, d2) = run::<i16>(&scales);
        let (e3, d3) = run::<u8>(&scales);
        let (e4, d4) = run::<i8>(&scales);
        assert!(
            e1 >= 18 && e2 >= 18 && e3 >= 18 && e4 >= 18,
            "{e1} {e2} {e3} {e4}"
        );
        assert!(d1 + d2 + d3 + d4 > 0, "no scale needed the correction step");
        // Wider codes: the proven scales only.
        assert_eq!(exact_reciprocal::<u32>(10.0), Some(0.1));
        assert_eq!(exact_reciprocal::<i64>(10.0), Some(0.1));
        assert_eq!(exact_reciprocal::<i32>(0.1), None);
        assert_eq!(exact_reciprocal::<u16>(0.0), None);
        assert_eq!(exact_reciprocal::<u16>(f64::NAN), None);
        // Quotients of 5e-324 overflow: refused.
        assert_eq!(exact_reciprocal::<u16>(5e-324), None);
    }

    #[test]
    fn proven_reciprocal_accepts_small_odd_parts_in_range() {
        let yes = [
            1.0,
            2.0,
            3.0,
            7.0,
            10.0,
            100.0,
            1e3,
            1e6,
            1e14,
            1e20,
            0.5,
            0.25,
            12345.0,
            -10.0,
            -1e4,
            5.0 * (-800f64).exp2(),
            ((1u64 << 48) - 1) as f64,
            (-900f64).exp2(),
            900f64.exp2(),
        ];
        for s in yes {
            assert_eq!(proven_reciprocal(s), Some(1.0 / s), "{s}");
        }
        let no = [
            0.1,
            1.0 / 3.0,
            0.3,
            1e21, // odd part 5^21 > 2^48
            ((1u64 << 48) + 1) as f64,
            1e300,
            1e-300,
            5e-324,
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::MAX,
            (-901f64).exp2(),
            901f64.exp2(),
        ];
        for s in no {
            assert_eq!(proven_reciprocal(s), None, "{s}");
        }
    }

    /// The proof behind `proven_reciprocal`, checked where it can be: every 16-bit code for
    /// many scales it accepts (random odd parts of 1 to 48 bits, exponents -60..60, both signs);
    /// and random and extreme codes of every wider type through both decode paths on every ISA.
    #[test]
    fn proven_reciprocal_decodes_equal_division() {
        let mut s = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut scales = vec![10.0, 100.0, 1e6, 1e20, -3.0, 0.5];
        while scales.len() < 64 {
            let bits = 1 + next() % 48;
            let m = (next() >> (64 - bits)) | 1;
            let e = (next() % 121) as f64 - 60.0;
            let sign = if next() % 2 == 0 { 1.0 } else { -1.0 };
            scales.push(sign * m as f64 * e.exp2());
        }
        let all16: Vec<f64> = (0..=u16::MAX)
            .map(|v| v as f64)
            .chain((i16::MIN..0).map(f64::from))
            .collect();
        for &scale in &scales {
            let r = proven_reciprocal(scale).expect("an accepted scale");
            assert!(
                all16
                    .iter()
                    .all(|&x| corrected_quotient(x, scale, r).to_bits() == (x / scale).to_bits()),
                "scale {scale}"
            );
        }
        fn wide<T: Encoded>(codes: &[T], scales: &[f64]) {
            for &scale in scales {
                let r = exact_reciprocal::<T>(scale).expect("a proven scale");
                for isa in Isa::available() {
                    assert_recip_decodes_as_division(isa, codes, scale, r, 1000.0, -2.5);
                }
            }
        }
        let raw: Vec<u64> = (0..20_000).map(|_| next()).collect();
        let ends = [
            0u64,
            1,
            2,
            3,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
            (1 << 63) - 1,
        ];
        let raw: Vec<u64> = raw.iter().copied().chain(ends).collect();
        // Random codes of every magnitude (shifted right by 0..63) plus the extremes.
        let mixed: Vec<u64> = raw.iter().map(|&v| v >> (v % 64)).chain(ends).collect();
        wide(
            &mixed.iter().map(|&v| v as i64).collect::<Vec<_>>(),
            &scales,
        );
        wide(&mixed, &scales);
        wide(
            &mixed.iter().map(|&v| v as i32).collect::<Vec<_>>(),
            &scales,
        );
        wide(
            &mixed.iter().map(|&v| v as u32).collect::<Vec<_>>(),
            &scales,
        );
    }

    #[test]
    fn decode_is_a_true_division() {
        for isa in Isa::available() {
            let mut d = vec![0f64; 1];
            decode_f64_with(isa, &[3i32], 0.0, 10.0, &mut d);
            assert_eq!(d[0].to_bits(), (3.0f64 / 10.0).to_bits());
            assert_ne!(d[0].to_bits(), (3.0f64 * (1.0 / 10.0)).to_bits());
        }
    }

    #[test]
    fn every_isa_matches_the_reference_on_many_values() {
        let mut x = 0x1234_5678_u64;
        let vals: Vec<f64> = (0..5000)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                match i % 50 {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => -1e300,
                    _ => ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2e5 + 1000.0,
                }
            })
            .collect();
        let (off, sc) = (1000.0, 37.5);
        for isa in Isa::available() {
            macro_rules! one {
                ($t:ty) => {{
                    let mut got = vec![<$t>::default(); vals.len()];
                    encode_f64_with(isa, &vals, off, sc, &mut got);
                    for (g, &v) in got.iter().zip(&vals) {
                        assert_eq!(*g, <$t>::from_rounded(((v - off) * sc).round_ties_even()));
                    }
                    let mut dec = vec![0f64; vals.len()];
                    decode_f64_with(isa, &got, off, sc, &mut dec);
                    for (d, g) in dec.iter().zip(&got) {
                        assert_eq!(d.to_bits(), (g.to_f64() / sc + off).to_bits());
                    }
                    let f32s: Vec<f32> = vals.iter().map(|&v| v as f32).collect();
                    encode_f32_with(isa, &f32s, off as f32, sc as f32, &mut got);
                    for (g, &v) in got.iter().zip(&f32s) {
                        let r = ((v - off as f32) * sc as f32).round_ties_even();
                        assert_eq!(*g, <$t>::from_rounded(r as f64));
                    }
                }};
            }
            one!(i8);
            one!(u8);
            one!(i16);
            one!(u16);
            one!(i32);
            one!(u32);
            one!(i64);
            one!(u64);
        }
    }
}
