//! numpy element types for the typed filters: byte-order aware loads and stores, numpy's
//! arithmetic in each type, and numpy's unsafe casts between every pair of numeric dtypes.
//!
//! Casting rules (numpy's `astype(..., casting="unsafe")` on x86-64):
//! - int -> int: keep the low bits (two's complement wrap);
//! - int -> float: round to nearest, ties to even (one rounding);
//! - float -> float: round to nearest, ties to even; overflow gives ±inf;
//! - float -> int: truncation toward zero. Out-of-range values, NaN and ±inf are C undefined
//!   behaviour; we reproduce what numpy produces on x86-64 (numcodecs.md §2.1.1) so the bytes
//!   are equal: targets `i1 u1 i2 u2 i4` go through a 32-bit conversion whose invalid result is
//!   `0x80000000` and keep its low bits; `i8` gives `i64::MIN`; `u4` and `u8` convert values
//!   `>= 2**31` (`2**63`) after subtracting that power of two and flipping the top bit back
//!   (so NaN -> `0x80000000`, `+inf` -> 0, `5e9` -> 0), with NaN -> `0x8000000000000000` for `u8`.
//!   One known difference: numpy converts half-float ±inf to `u4` as 0 (we give `0x80000000`
//!   for `-inf`); these non-finite casts are kept out of the exact fixtures;
//! - anything -> bool: `x != 0` (NaN is true); bool -> anything: 0 or 1.
//!
//! Half floats compute as numpy does: convert to f32, operate, round back to f16.

// Decode paths must not panic on any input: no unwrap/expect/panic, and no indexing that can
// fail (slices are taken with get()/chunks or from lengths checked just before).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use crate::dtype::{DType, Kind};
use half::f16;

/// numpy's one-byte bool, stored as 0 or 1 (any nonzero byte reads as true).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bool(pub u8);

/// A numpy element type in native byte order.
pub(crate) trait Num:
    Copy + Default + PartialEq + Send + Sync + std::fmt::Debug + 'static
{
    const SIZE: usize;
    const FLOAT: bool;
    /// Reads one element from exactly `SIZE` native-order bytes.
    fn load(b: &[u8]) -> Self;
    /// Writes one element as `SIZE` native-order bytes.
    fn store(self, b: &mut [u8]);
    /// Reverses the byte order.
    fn swap(self) -> Self;
    /// The exact value of an integer or bool (floats: truncated, unused).
    fn to_int(self) -> i128;
    /// The value as f64 (exact for floats; ints round like numpy's int -> f64 cast).
    fn to_f64(self) -> f64;
    /// numpy's cast from an integer value.
    fn from_int(v: i128) -> Self;
    /// numpy's cast from a float value (x86-64 semantics for out-of-range -> int).
    fn from_f64(v: f64) -> Self;
    /// The value as f32, for the float casts numpy makes without f64 (f2 <-> f4, and f4 to
    /// itself, which keep a signalling NaN as it is; through f64 the CPU would quieten it).
    /// Floats of at most 4 bytes only.
    fn to_f32(self) -> f32 {
        self.to_f64() as f32
    }
    /// numpy's cast from an f32 value (see [`Num::to_f32`]).
    fn from_f32(v: f32) -> Self {
        Self::from_f64(f64::from(v))
    }
    /// numpy's `a - b` in this type (ints wrap; bool: xor).
    fn sub(self, o: Self) -> Self;
    /// The inverse of [`Num::sub`]: numpy's `a + b` (ints wrap; bool: xor, see Delta).
    fn add(self, o: Self) -> Self;
    /// numpy's `a * b` in this type (ints wrap; bool: and).
    fn mul(self, o: Self) -> Self;
    /// numpy's true division for floats (ints/bool: unused, returns self).
    fn div(self, o: Self) -> Self;
    /// numpy's `around`/`rint`: round half to even for floats, identity for ints.
    fn rint(self) -> Self;
    /// True if the integral float `v` is a value of this type (ints: in range, NaN is not;
    /// floats and bool: always).
    fn holds(v: f64) -> bool;
}

/// `cvttsd2si` with a 32-bit destination: truncation, `i32::MIN` when invalid.
#[inline(always)]
fn cvt32(v: f64) -> i32 {
    if v > -2147483649.0 && v < 2147483648.0 {
        v as i32
    } else {
        i32::MIN
    }
}

/// 2**63 as f64.
const TWO63: f64 = 9_223_372_036_854_775_808.0;

/// `cvttsd2si` with a 64-bit destination: truncation, `i64::MIN` when invalid.
#[inline(always)]
fn cvt64(v: f64) -> i64 {
    if (-TWO63..TWO63).contains(&v) {
        v as i64
    } else {
        i64::MIN
    }
}

/// numpy's f64/f32 -> u32 on x86-64: values `>= 2**31` are converted after subtracting `2**31`.
#[inline(always)]
fn cvtu32(v: f64) -> u32 {
    if v >= 2147483648.0 {
        (cvt32(v - 2147483648.0) as u32) ^ (1 << 31)
    } else {
        cvt32(v) as u32
    }
}

/// The compiler's f64 -> u64 sequence on x86-64.
#[inline(always)]
fn cvtu64(v: f64) -> u64 {
    if v.is_nan() {
        1 << 63
    } else if v < TWO63 {
        cvt64(v) as u64
    } else {
        (cvt64(v - TWO63) as u64) ^ (1 << 63)
    }
}

macro_rules! int_num {
    ($($t:ty => $from_f:expr),* $(,)?) => {$(
        impl Num for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            const FLOAT: bool = false;
            #[inline(always)]
            fn load(b: &[u8]) -> Self {
                match <[u8; std::mem::size_of::<$t>()]>::try_from(b) {
                    Ok(a) => <$t>::from_ne_bytes(a),
                    Err(_) => 0,
                }
            }
            #[inline(always)]
            fn store(self, b: &mut [u8]) {
                b.copy_from_slice(&self.to_ne_bytes());
            }
            #[inline(always)]
            fn swap(self) -> Self { self.swap_bytes() }
            #[inline(always)]
            fn to_int(self) -> i128 { self as i128 }
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_int(v: i128) -> Self { v as $t }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { ($from_f)(v) }
            #[inline(always)]
            fn sub(self, o: Self) -> Self { self.wrapping_sub(o) }
            #[inline(always)]
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
            #[inline(always)]
            fn div(self, _o: Self) -> Self { self }
            #[inline(always)]
            fn rint(self) -> Self { self }
            #[inline(always)]
            fn holds(v: f64) -> bool {
                // MIN is 0 or -2**k, MAX + 1 is 2**k: both exact in f64.
                v >= <$t>::MIN as f64 && v < (<$t>::MAX as f64 + 1.0)
            }
        }
    )*};
}

int_num! {
    i8 => |v| cvt32(v) as i8,
    u8 => |v| cvt32(v) as u8,
    i16 => |v| cvt32(v) as i16,
    u16 => |v| cvt32(v) as u16,
    i32 => cvt32,
    u32 => cvtu32,
    i64 => cvt64,
    u64 => cvtu64,
}

/// Round half to even without SSE4.1: adding and subtracting 2**(mantissa bits) rounds in the
/// default rounding mode (ties to even); larger magnitudes, NaN and inf are already integral.
/// Plain SSE2 arithmetic, so loops over it vectorize on baseline x86-64.
macro_rules! rint {
    ($t:ty, $x:expr) => {{
        let x: $t = $x;
        let big: $t = if <$t>::MANTISSA_DIGITS == 24 {
            8388608.0
        } else {
            4503599627370496.0
        };
        let a = x.abs();
        if a < big {
            ((a + big) - big).copysign(x)
        } else {
            x
        }
    }};
}

macro_rules! float_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            const FLOAT: bool = true;
            #[inline(always)]
            fn load(b: &[u8]) -> Self {
                match <[u8; std::mem::size_of::<$t>()]>::try_from(b) {
                    Ok(a) => <$t>::from_ne_bytes(a),
                    Err(_) => 0.0,
                }
            }
            #[inline(always)]
            fn store(self, b: &mut [u8]) {
                b.copy_from_slice(&self.to_ne_bytes());
            }
            #[inline(always)]
            fn swap(self) -> Self { <$t>::from_bits(self.to_bits().swap_bytes()) }
            #[inline(always)]
            fn to_int(self) -> i128 { self as i128 }
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn from_int(v: i128) -> Self { v as $t }
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            #[allow(clippy::unnecessary_cast)]
            fn to_f32(self) -> f32 { self as f32 }
            #[inline(always)]
            #[allow(clippy::unnecessary_cast)]
            fn from_f32(v: f32) -> Self { v as $t }
            #[inline(always)]
            fn sub(self, o: Self) -> Self { self - o }
            #[inline(always)]
            fn add(self, o: Self) -> Self { self + o }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self * o }
            #[inline(always)]
            fn div(self, o: Self) -> Self { self / o }
            #[inline(always)]
            fn rint(self) -> Self { rint!($t, self) }
            #[inline(always)]
            fn holds(_v: f64) -> bool { true }
        }
    )*};
}

float_num!(f32, f64);

/// f32 -> f16 as numpy's `npy_float_to_half`: round half to even, and a NaN keeps its sign and
/// the top 10 bits of its payload without being quietened (the `half` crate, and F16C's
/// `vcvtps2ph`, set the quiet bit), made a NaN again if those bits are all zero.
#[inline(always)]
fn h(v: f32) -> f16 {
    if v.is_nan() {
        let b = v.to_bits();
        let payload = ((b & 0x007f_ffff) >> 13) as u16;
        let sign = ((b >> 16) & 0x8000) as u16;
        return f16::from_bits(sign | 0x7c00 | payload.max(1));
    }
    f16::from_f32(v)
}

/// f64 -> f16 as numpy's `npy_double_to_half` (see [`h`] for NaNs).
#[inline(always)]
fn h64(v: f64) -> f16 {
    if v.is_nan() {
        let b = v.to_bits();
        let payload = ((b & 0x000f_ffff_ffff_ffff) >> 42) as u16;
        let sign = ((b >> 48) & 0x8000) as u16;
        return f16::from_bits(sign | 0x7c00 | payload.max(1));
    }
    f16::from_f64(v)
}

/// f16 -> f32 as numpy's `npy_half_to_float`: exact, and a NaN keeps its payload unquietened.
#[inline(always)]
fn narrow_wide(v: f16) -> f32 {
    if v.is_nan() {
        let b = u32::from(v.to_bits());
        return f32::from_bits(((b & 0x8000) << 16) | 0x7f80_0000 | ((b & 0x03ff) << 13));
    }
    v.to_f32()
}

/// f16 -> f64 as numpy's `npy_half_to_double`: exact, and a NaN keeps its payload unquietened.
#[inline(always)]
fn wide(v: f16) -> f64 {
    if v.is_nan() {
        let b = u64::from(v.to_bits());
        return f64::from_bits(((b & 0x8000) << 48) | 0x7ff0_0000_0000_0000 | ((b & 0x03ff) << 42));
    }
    v.to_f64()
}

impl Num for f16 {
    const SIZE: usize = 2;
    const FLOAT: bool = true;
    #[inline(always)]
    fn load(b: &[u8]) -> Self {
        match <[u8; 2]>::try_from(b) {
            Ok(a) => f16::from_ne_bytes(a),
            Err(_) => f16::ZERO,
        }
    }
    #[inline(always)]
    fn store(self, b: &mut [u8]) {
        b.copy_from_slice(&self.to_ne_bytes());
    }
    #[inline(always)]
    fn swap(self) -> Self {
        f16::from_bits(self.to_bits().swap_bytes())
    }
    #[inline(always)]
    fn to_int(self) -> i128 {
        self.to_f32() as i128
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        wide(self)
    }
    #[inline(always)]
    fn from_int(v: i128) -> Self {
        // Every integer that f64 rounds is far beyond f16's range, so this rounds once.
        f16::from_f64(v as f64)
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        h64(v)
    }
    #[inline(always)]
    fn to_f32(self) -> f32 {
        narrow_wide(self)
    }
    #[inline(always)]
    fn from_f32(v: f32) -> Self {
        h(v)
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        h(self.to_f32() - o.to_f32())
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // numpy's compiled half add returns the second operand's NaN when both are NaN.
        h(o.to_f32() + self.to_f32())
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        h(self.to_f32() * o.to_f32())
    }
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        h(self.to_f32() / o.to_f32())
    }
    #[inline(always)]
    fn rint(self) -> Self {
        h(self.to_f32().round_ties_even())
    }
    #[inline(always)]
    fn holds(_v: f64) -> bool {
        true
    }
}

impl Num for Bool {
    const SIZE: usize = 1;
    const FLOAT: bool = false;
    #[inline(always)]
    fn load(b: &[u8]) -> Self {
        Bool(b.first().copied().unwrap_or(0))
    }
    #[inline(always)]
    fn store(self, b: &mut [u8]) {
        if let Some(x) = b.first_mut() {
            *x = self.0;
        }
    }
    #[inline(always)]
    fn swap(self) -> Self {
        self
    }
    #[inline(always)]
    fn to_int(self) -> i128 {
        (self.0 != 0) as i128
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        (self.0 != 0) as u8 as f64
    }
    #[inline(always)]
    fn from_int(v: i128) -> Self {
        Bool((v != 0) as u8)
    }
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        Bool((v != 0.0) as u8)
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Bool(((self.0 != 0) ^ (o.0 != 0)) as u8)
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Bool(((self.0 != 0) ^ (o.0 != 0)) as u8)
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Bool(((self.0 != 0) & (o.0 != 0)) as u8)
    }
    #[inline(always)]
    fn div(self, _o: Self) -> Self {
        self
    }
    #[inline(always)]
    fn rint(self) -> Self {
        self
    }
    #[inline(always)]
    fn holds(_v: f64) -> bool {
        true
    }
}

/// numpy's unsafe cast of one element from `S` to `D`.
#[inline(always)]
pub(crate) fn cast<S: Num, D: Num>(x: S) -> D {
    if S::FLOAT && D::FLOAT && S::SIZE <= 4 && D::SIZE <= 4 {
        // f2 <-> f4 and same-type copies: numpy converts half floats in software and copies
        // same-type elements, so NaN payloads (signalling ones too) pass unchanged.
        D::from_f32(x.to_f32())
    } else if S::FLOAT {
        D::from_f64(x.to_f64())
    } else {
        D::from_int(x.to_int())
    }
}

/// True when elements of `dt` must be byte-swapped to native order.
#[inline]
pub(crate) fn swapped(dt: DType) -> bool {
    !dt.is_native()
}

/// Loads element `T` from `b` (exactly `T::SIZE` bytes), swapping when `SWAP`.
#[inline(always)]
pub(crate) fn ld<T: Num, const SWAP: bool>(b: &[u8]) -> T {
    let v = T::load(b);
    if SWAP {
        v.swap()
    } else {
        v
    }
}

/// Stores `v` into `b` (exactly `T::SIZE` bytes), swapping when `SWAP`.
#[inline(always)]
pub(crate) fn st<T: Num, const SWAP: bool>(v: T, b: &mut [u8]) {
    if SWAP {
        v.swap().store(b)
    } else {
        v.store(b)
    }
}

/// Runs `$body` with `$T` bound to the Rust element type of numpy dtype `$dt`.
macro_rules! with_num {
    ($dt:expr, $T:ident => $body:expr) => {{
        use $crate::dtype::Kind as __K;
        match ($dt.kind(), $dt.itemsize()) {
            (__K::Bool, _) => {
                type $T = $crate::filters::num::Bool;
                $body
            }
            (__K::Int, 1) => {
                type $T = i8;
                $body
            }
            (__K::Int, 2) => {
                type $T = i16;
                $body
            }
            (__K::Int, 4) => {
                type $T = i32;
                $body
            }
            (__K::Int, _) => {
                type $T = i64;
                $body
            }
            (__K::UInt, 1) => {
                type $T = u8;
                $body
            }
            (__K::UInt, 2) => {
                type $T = u16;
                $body
            }
            (__K::UInt, 4) => {
                type $T = u32;
                $body
            }
            (__K::UInt, _) => {
                type $T = u64;
                $body
            }
            (__K::Float, 2) => {
                type $T = half::f16;
                $body
            }
            (__K::Float, 4) => {
                type $T = f32;
                $body
            }
            (__K::Float, _) => {
                type $T = f64;
                $body
            }
            // Not reached: numeric filters read their dtypes with `DType::parse`, which refuses
            // every non-numeric dtype. Bytes stand for them (no numeric reading exists).
            (
                __K::Unicode
                | __K::Complex
                | __K::DateTime
                | __K::TimeDelta
                | __K::Bytes
                | __K::Void,
                _,
            ) => {
                type $T = u8;
                $body
            }
        }
    }};
}
pub(crate) use with_num;

/// Runs `$body` with const bools `$A`, `$B` bound to the runtime values `$a`, `$b`.
macro_rules! with_swaps {
    ($a:expr, $b:expr, $A:ident, $B:ident => $body:expr) => {{
        match ($a, $b) {
            (false, false) => {
                const $A: bool = false;
                const $B: bool = false;
                $body
            }
            (false, true) => {
                const $A: bool = false;
                const $B: bool = true;
                $body
            }
            (true, false) => {
                const $A: bool = true;
                const $B: bool = false;
                $body
            }
            (true, true) => {
                const $A: bool = true;
                const $B: bool = true;
                $body
            }
        }
    }};
}
pub(crate) use with_swaps;

/// Element-wise `dst[i] = f(src[i])` for `S` -> `D` with byte-order swaps. `src` and `dst`
/// hold the same number of elements.
#[inline(always)]
pub(crate) fn map<S: Num, D: Num, const SS: bool, const DS: bool>(
    src: &[u8],
    dst: &mut [u8],
    f: impl Fn(S) -> D,
) {
    for (s, d) in src.chunks_exact(S::SIZE).zip(dst.chunks_exact_mut(D::SIZE)) {
        st::<D, DS>(f(ld::<S, SS>(s)), d);
    }
}

/// Casts `src` (elements of `sdt`) into `dst` (elements of `ddt`) with numpy's unsafe cast.
/// `dst.len() / ddt.itemsize()` must equal `src.len() / sdt.itemsize()`.
pub(crate) fn cast_slice(src: &[u8], sdt: DType, dst: &mut [u8], ddt: DType) {
    if sdt.kind() == ddt.kind() && sdt.itemsize() == ddt.itemsize() {
        if sdt.kind() == Kind::Bool {
            for (d, s) in dst.iter_mut().zip(src) {
                *d = (*s != 0) as u8;
            }
        } else if swapped(sdt) == swapped(ddt) || sdt.itemsize() == 1 {
            dst.copy_from_slice(src);
        } else {
            let n = sdt.itemsize();
            for (s, d) in src.chunks_exact(n).zip(dst.chunks_exact_mut(n)) {
                for (x, y) in s.iter().rev().zip(d.iter_mut()) {
                    *y = *x;
                }
            }
        }
        return;
    }
    with_num!(sdt, S => with_num!(ddt, D => with_swaps!(swapped(sdt), swapped(ddt), SS, DS => {
        map::<S, D, SS, DS>(src, dst, cast::<S, D>)
    })))
}

/// Number of `dt` elements in `len` bytes; a remainder is an error (`corrupt` for decode input,
/// invalid input for encode input).
pub(crate) fn count(id: &str, len: usize, dt: DType, corrupt: bool) -> crate::error::Result<usize> {
    let n = dt.itemsize();
    if !len.is_multiple_of(n) {
        let msg = format!("buffer of {len} bytes is not a multiple of the {dt} item size {n}");
        return Err(if corrupt {
            crate::error::Error::corrupt(id, msg)
        } else {
            crate::error::Error::invalid_input(id, msg)
        });
    }
    Ok(len / n)
}

/// The byte size of `n` elements of `dt`, checked against `limit`.
pub(crate) fn decoded_size(
    id: &str,
    n: usize,
    dt: DType,
    limit: usize,
) -> crate::error::Result<usize> {
    let size = (n as u64).saturating_mul(dt.itemsize() as u64);
    crate::codec::check_limit(id, size, limit)?;
    Ok(size as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(dt: &str, vals: &[f64]) -> Vec<u8> {
        let d = DType::parse(dt).unwrap();
        let mut out = vec![0u8; vals.len() * d.itemsize()];
        with_num!(d, T => with_swaps!(false, swapped(d), _A, B => {
            for (v, o) in vals.iter().zip(out.chunks_exact_mut(T::SIZE)) {
                st::<T, B>(T::from_f64(*v), o);
            }
        }));
        out
    }

    fn cast_to(from: &str, vals: &[f64], to: &str) -> Vec<u8> {
        let s = DType::parse(from).unwrap();
        let d = DType::parse(to).unwrap();
        let src = bytes_of(from, vals);
        let mut dst = vec![0u8; vals.len() * d.itemsize()];
        cast_slice(&src, s, &mut dst, d);
        dst
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// Half-float NaNs as numpy 2.4 converts them (software `npy_half_to_float` and friends,
    /// which keep signalling NaNs; numcodecs' astype output for these bit patterns).
    #[test]
    fn half_float_nans_convert_as_numpy() {
        let h = |b: u16| half::f16::from_bits(b);
        let f = cast::<half::f16, f32>;
        assert_eq!(f(h(0x7d98)).to_bits(), 0x7fb3_0000);
        assert_eq!(f(h(0xfd98)).to_bits(), 0xffb3_0000);
        assert_eq!(f(h(0x7c01)).to_bits(), 0x7f80_2000);
        assert_eq!(f(h(0x3c00)), 1.0);
        let d = cast::<half::f16, f64>;
        assert_eq!(d(h(0x7d98)).to_bits(), 0x7ff6_6000_0000_0000);
        let back = |v: f32| cast::<f32, half::f16>(v).to_bits();
        assert_eq!(back(f32::from_bits(0x7f80_0001)), 0x7c01);
        assert_eq!(back(f32::from_bits(0x7fa0_0000)), 0x7d00);
        assert_eq!(back(f32::from_bits(0xffc0_0001)), 0xfe00);
        assert_eq!(back(f32::from_bits(0x7fc0_0000)), 0x7e00);
        let back64 = |v: f64| cast::<f64, half::f16>(v).to_bits();
        assert_eq!(back64(f64::from_bits(0x7ff0_0000_0000_0001)), 0x7c01);
        assert_eq!(back64(f64::from_bits(0xfff8_0000_0000_0001)), 0xfe00);
        // Same-type float copies keep a signalling NaN.
        let s = f32::from_bits(0x7fa0_0000);
        assert_eq!(cast::<f32, f32>(s).to_bits(), 0x7fa0_0000);
    }

    #[test]
    fn float_to_int_matches_numpy_on_x86_64() {
        // numcodecs.md §2.1.1 (numpy 2.4 on x86-64).
        let nan = f64::NAN;
        assert_eq!(
            hex(&cast_to("<f8", &[-1.0, 256.0, nan, 1e10], "|u1")),
            "ff000000"
        );
        assert_eq!(
            hex(&cast_to(
                "<f8",
                &[nan, f64::INFINITY, 70000.0, -70000.0],
                "<u2"
            )),
            "00000000701190ee"
        );
        assert_eq!(
            hex(&cast_to(
                "<f8",
                &[128.0, 255.0, 256.0, 1000.0, -129.0, 3e9],
                "|i1"
            )),
            "80ff00e87f00"
        );
        assert_eq!(
            hex(&cast_to(
                "<f8",
                &[2147483647.9, -2147483648.9, nan, 3e9],
                ">i4"
            )),
            "7fffffff800000008000000080000000"
        );
        assert_eq!(
            hex(&cast_to("<f8", &[nan, 1e19, -1e19], "<i8")),
            "0000000000000080".repeat(3)
        );
        assert_eq!(
            hex(&cast_to("<f8", &[-1.0, 1.8e19], "<u8")),
            format!("ffffffffffffffff{}", hex(&(1.8e19f64 as u64).to_le_bytes()))
        );
        assert_eq!(
            hex(&cast_to(
                "<f8",
                &[-1.0, 5e9, nan, 4294967295.0, 1e19, 3e9, f64::NEG_INFINITY],
                "<u4"
            )),
            "ffffffff0000000000000080ffffffff00000000005ed0b200000080"
        );
        assert_eq!(
            hex(&cast_to("<f8", &[nan, 1e20, -1e20, -1.0], "<u8")),
            "000000000000008000000000000000000000000000000080ffffffffffffffff"
        );
        assert_eq!(
            hex(&cast_to("<f8", &[1.7, -1.7, 2.5], "<i2")),
            "0100ffff0200"
        );
    }

    #[test]
    fn float_narrowing_and_int_truncation() {
        assert_eq!(
            hex(&cast_to(
                "<f8",
                &[1.0 + 2f64.powi(-10), 1.0 + 2f64.powi(-11), 65520.0],
                "<f2"
            )),
            "013c003c007c"
        );
        assert_eq!(hex(&cast_to("<i4", &[1.0, 200.0, -129.0], "|i1")), "01c87f");
        assert_eq!(
            hex(&cast_to("<f8", &[0.1, 1e40, -2.5], "<f4")),
            "cdcccc3d0000807f000020c0"
        );
        // Byte order changes keep values; bool is nonzero.
        assert_eq!(
            hex(&cast_to("<i4", &[1.0, -2.0], ">i4")),
            "00000001fffffffe"
        );
        assert_eq!(hex(&cast_to("<f8", &[0.0, nan(), -3.0], "|b1")), "000101");
        assert_eq!(hex(&cast_to("|b1", &[0.0, 1.0], ">f4")), "000000003f800000");
        // int64 -> float32 rounds once (not through f64).
        let v = (1i64 << 40) + (1 << 16) + 1;
        let src = v.to_le_bytes();
        let mut dst = [0u8; 4];
        cast_slice(&src, DType::I8, &mut dst, DType::F4);
        assert_eq!(f32::from_le_bytes(dst), v as f32);
    }

    #[test]
    fn rint_is_half_even() {
        for (x, want) in [
            (0.5f64, 0.0f64),
            (1.5, 2.0),
            (2.5, 2.0),
            (-2.5, -2.0),
            (-0.4, -0.0),
            (4503599627370497.0, 4503599627370497.0),
            (0.49999999999999994, 0.0),
        ] {
            assert_eq!(Num::rint(x).to_bits(), want.to_bits(), "{x}");
            assert_eq!(Num::rint(x as f32), (x as f32).round_ties_even(), "{x}");
        }
        assert!(Num::rint(f64::NAN).is_nan());
        assert_eq!(Num::rint(f64::INFINITY), f64::INFINITY);
        assert!(<u8 as Num>::holds(255.0) && !<u8 as Num>::holds(256.0));
        assert!(!<i8 as Num>::holds(f64::NAN) && <i8 as Num>::holds(-128.0));
        assert!(!<i64 as Num>::holds(TWO63));
        assert!(<u64 as Num>::holds(1.8e19) && !<u64 as Num>::holds(-1.0));
    }

    fn nan() -> f64 {
        f64::NAN
    }
}
