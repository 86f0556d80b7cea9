//! numcodecs `Delta`: differences between consecutive elements.
//! Config `{"id": "delta", "dtype": "<i4", "astype": "<i4"}` (`astype` defaults to `dtype`).
//!
//! Encode: `out[0] = x[0]`, `out[i] = x[i] - x[i-1]` computed in `dtype` (ints wrap, floats are
//! IEEE subtraction, half floats go through f32), then numpy's unsafe cast to `astype`.
//! Decode: numpy's `cumsum(enc, out=dec)`: a running sum in `dtype`, except that when either
//! type is a float the sum runs in numpy's promotion of the two (e.g. `<f4` data with a `>f8`
//! astype sums in f64, `<i4` with `<f4` in f64) and each element is cast to `dtype` on output;
//! `u8` with a signed integer also sums in f64 (numpy's promotion of the pair), losing
//! precision above 2^53 exactly as numcodecs does.
//!
//! Complex dtypes (`<c8`, `>c16`, with a complex `astype`) are two float streams, real and
//! imaginary parts, each delta-coded as the float pair of their halves (numpy's complex
//! subtraction, cast and cumsum work part by part). timedelta64 (`<m8[s]`, same unit for both)
//! is i64 arithmetic with numpy's NaT rule: a difference or running sum with NaT is NaT (so
//! numcodecs' own decode loses everything after a NaT; mirrored), and sums wrap.
//!
//! Differences from numcodecs (deliberate):
//! - empty input encodes to empty output (numcodecs raises IndexError);
//! - bool: the difference is XOR (numcodecs' bytes, so what we write decodes in numcodecs exactly
//!   as numcodecs' own encoding does), but our decode is a running XOR, which inverts it.
//!   numcodecs decodes with a running OR and loses data (`[T,T,F,T]` -> `[T,T,T,T]`); for the
//!   inputs numcodecs round-trips correctly (at most one change of value) both agree.
//!
//! Hot loops run on the SIMD kernels (`chunkcodec_kernels::delta`): integer pairs of one width
//! and float pairs of one type in either (shared) byte order, and native-order narrowing integer
//! pairs (e.g. `<i8` as `<i2`) on aligned buffers. Everything else (mixed byte orders, bool,
//! float16, widening or float/int casts, unaligned narrowing buffers) runs the generic loops.

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

use super::num::{cast, count, decoded_size, ld, st, swapped, with_num, with_swaps, Num};
use crate::codec::{check_output_size, Codec, ConfigReader};
use crate::dtype::{ByteOrder, DType, Kind};
use crate::error::Result;
use bytemuck::{try_cast_slice, try_cast_slice_mut};
use chunkcodec_kernels::delta::{self as kd, narrow as kn, DeltaType};
use serde_json::{json, Value};

/// numcodecs' `Delta(dtype, astype)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    dtype: DType,
    astype: DType,
    mode: Mode,
}

/// How the elements are read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// Bool, integers and floats.
    Numbers,
    /// Complex: the float delta of the halves (`dtype`, `astype` of the parts), on the real
    /// and the imaginary parts apart (a lag of two floats).
    Complex(DType, DType),
    /// timedelta64: i64 with NaT (i64::MIN) absorbing.
    TimeDelta,
}

impl Delta {
    pub const ID: &'static str = "delta";

    /// Delta of `dtype` elements, encoded as `astype`: both numeric (bool, int, float), both
    /// complex, or both timedelta64 of one unit. Anything else is a config error naming why.
    pub fn new(dtype: DType, astype: DType) -> Result<Self> {
        // The key named is the one whose kind delta cannot take, else `astype` (a pair that
        // does not go together).
        let usable =
            |d: DType| d.is_numeric() || matches!(d.kind(), Kind::Complex | Kind::TimeDelta);
        let key = if usable(dtype) { "astype" } else { "dtype" };
        let bad = |why: String| crate::error::Error::config(Self::ID, key, why);
        let mode = match (dtype.kind(), astype.kind()) {
            (a, b) if a.is_numeric() && b.is_numeric() => Mode::Numbers,
            (Kind::Complex, Kind::Complex) => {
                Mode::Complex(dtype.complex_part()?, astype.complex_part()?)
            }
            (Kind::TimeDelta, Kind::TimeDelta) if dtype.time_unit() == astype.time_unit() => {
                Mode::TimeDelta
            }
            (Kind::TimeDelta, Kind::TimeDelta) => {
                return Err(bad(format!(
                    "timedelta delta needs one unit for dtype and astype ({dtype} vs {astype})"
                )))
            }
            (Kind::Complex, _) | (_, Kind::Complex) => {
                return Err(bad(format!(
                    "delta of {dtype} as {astype}: complex needs complex on both sides \
                     (numcodecs drops the imaginary part)"
                )))
            }
            (Kind::DateTime, _) | (_, Kind::DateTime) => {
                return Err(bad(format!(
                    "delta of {dtype} as {astype}: datetime64 cannot be summed back (numcodecs' \
                     decode fails: numpy does not add datetimes); use timedelta64 or int64"
                )))
            }
            _ => {
                return Err(bad(format!(
                    "delta of {dtype} as {astype}: delta works on numbers, complex and \
                     timedelta64 (one kind on both sides)"
                )))
            }
        };
        Ok(Delta {
            dtype,
            astype,
            mode,
        })
    }

    /// Builds from `{"id": "delta", "dtype": ..., "astype": ...}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let dtype = r.required_any_dtype("dtype")?;
        let astype = r.optional_any_dtype("astype")?.unwrap_or(dtype);
        r.finish()?;
        Delta::new(dtype, astype)
    }

    /// Complex: the delta of the parts with a lag of two (real with real, imaginary with
    /// imaginary), in place of the element-wise loops; no temporary buffers. `pdt` and `pat`
    /// are the parts' float types (4 or 8 bytes).
    fn complex(enc: bool, pdt: DType, pat: DType, src: &[u8], dst: &mut [u8]) {
        let via = float_accumulator(pdt, pat);
        // Which NaN survives when two meet (x86 keeps the first operand's): numpy's complex
        // add loop puts the new element first for complex64 loops over 3+ elements and for
        // complex128 loops over 2, the running sum first otherwise (numpy 2.4 on this Intel
        // CPU; its loops are chosen per CPU, so other machines may differ in NaN payloads).
        // The loop type is the promotion of the two (c8 data with a c16 astype sums in c16).
        let src_part = if enc { pdt } else { pat };
        let elems = src.len() / (2 * src_part.itemsize());
        let loop_size = via.unwrap_or(pdt.itemsize());
        let x_first = (loop_size == 4) == (elems >= 3);
        macro_rules! go {
            ($S:ty, $D:ty) => {
                with_swaps!(swapped(pdt), swapped(pat), SS, DS => {
                    if enc {
                        pairs_encode::<$S, $D, SS, DS>(src, dst)
                    } else if via == Some(8) {
                        pairs_decode::<$S, $D, f64, SS, DS>(src, dst, x_first)
                    } else {
                        // No promotion (the sum runs in the data's type), or both f32.
                        pairs_decode::<$S, $D, $S, SS, DS>(src, dst, x_first)
                    }
                })
            };
        }
        match (pdt.itemsize(), pat.itemsize()) {
            (4, 4) => go!(f32, f32),
            (4, _) => go!(f32, f64),
            (_, 4) => go!(f64, f32),
            _ => go!(f64, f64),
        }
    }

    /// timedelta64: `dst[i] = src[i] - src[i-1]` (encode) or the running sum (decode), with
    /// NaT absorbing and wrapping arithmetic, as numpy computes `diff` / `cumsum`.
    fn timedelta(&self, enc: bool, src: &[u8], dst: &mut [u8]) {
        let (from, to) = if enc {
            (self.dtype, self.astype)
        } else {
            (self.astype, self.dtype)
        };
        with_swaps!(swapped(from), swapped(to), SS, DS => timedelta_delta::<SS, DS>(enc, src, dst))
    }

    /// The same-width kernel's element type and byte order (true: big-endian), when `dtype`
    /// and `astype` have one (same itemsize, same byte order, both integers or both floats).
    fn same_width(&self) -> Option<(DeltaType, bool)> {
        let (dt, at) = (self.dtype, self.astype);
        if dt.byte_order() != at.byte_order() || dt.itemsize() != at.itemsize() {
            return None;
        }
        let be = dt.byte_order() == ByteOrder::Big;
        let ty = match (dt.kind(), at.kind(), dt.itemsize()) {
            (Kind::Int | Kind::UInt, Kind::Int | Kind::UInt, 1) => DeltaType::U8,
            (Kind::Int | Kind::UInt, Kind::Int | Kind::UInt, 2) => DeltaType::U16,
            (Kind::Int | Kind::UInt, Kind::Int | Kind::UInt, 4) => DeltaType::U32,
            (Kind::Int | Kind::UInt, Kind::Int | Kind::UInt, 8) => DeltaType::U64,
            (Kind::Float, Kind::Float, 4) => DeltaType::F32,
            (Kind::Float, Kind::Float, 8) => DeltaType::F64,
            _ => return None,
        };
        Some((ty, be))
    }

    /// Runs the kernel for this pair if there is one; false when the generic loops must run.
    /// `src` and `dst` hold the same number of elements (checked by the callers).
    fn kernel(&self, enc: bool, src: &[u8], dst: &mut [u8]) -> bool {
        let (dt, at) = (self.dtype, self.astype);
        if !enc && float_accumulator(dt, at).is_some() {
            // numpy sums these pairs in a float type (u8 with a signed int): the generic loop.
            return false;
        }
        let int = |d: DType| matches!(d.kind(), Kind::Int | Kind::UInt);
        if int(dt) && int(at) && dt.itemsize() > at.itemsize() {
            return dt.is_native() && at.is_native() && self.narrow_kernel(enc, src, dst);
        }
        let Some((ty, be)) = self.same_width() else {
            return false;
        };
        if enc {
            kd::encode_bytes(ty, be, src, dst);
        } else {
            kd::decode_bytes(ty, be, src, dst);
        }
        true
    }

    /// Native-order narrowing (`dtype` a wider integer than `astype`): the difference in the
    /// wide type stored truncated; decode extends by `astype`'s signedness and sums in `dtype`.
    /// False when a buffer is not aligned for its element type.
    fn narrow_kernel(&self, enc: bool, src: &[u8], dst: &mut [u8]) -> bool {
        macro_rules! go {
            ($w:ty, $n:ty) => {
                if enc {
                    match (
                        try_cast_slice::<u8, $w>(src),
                        try_cast_slice_mut::<u8, $n>(dst),
                    ) {
                        (Ok(s), Ok(d)) if s.len() == d.len() => {
                            kn::encode::<$w, $n>(s, d);
                            true
                        }
                        _ => false,
                    }
                } else {
                    match (
                        try_cast_slice::<u8, $n>(src),
                        try_cast_slice_mut::<u8, $w>(dst),
                    ) {
                        (Ok(s), Ok(d)) if s.len() == d.len() => {
                            kn::decode::<$w, $n>(s, d);
                            true
                        }
                        _ => false,
                    }
                }
            };
        }
        let signed = self.astype.kind() == Kind::Int;
        match (self.dtype.itemsize(), self.astype.itemsize(), signed) {
            (2, 1, false) => go!(u16, u8),
            (2, 1, true) => go!(u16, i8),
            (4, 1, false) => go!(u32, u8),
            (4, 1, true) => go!(u32, i8),
            (4, 2, false) => go!(u32, u16),
            (4, 2, true) => go!(u32, i16),
            (8, 1, false) => go!(u64, u8),
            (8, 1, true) => go!(u64, i8),
            (8, 2, false) => go!(u64, u16),
            (8, 2, true) => go!(u64, i16),
            (8, 4, false) => go!(u64, u32),
            (8, 4, true) => go!(u64, i32),
            _ => false,
        }
    }

    fn decode_to(&self, input: &[u8], out: &mut [u8]) {
        match &self.mode {
            Mode::Numbers => {}
            Mode::Complex(pdt, pat) => return Self::complex(false, *pdt, *pat, input, out),
            Mode::TimeDelta => return self.timedelta(false, input, out),
        }
        if self.kernel(false, input, out) {
            return;
        }
        let via = float_accumulator(self.dtype, self.astype);
        with_num!(self.dtype, S => with_num!(self.astype, D => {
            with_swaps!(swapped(self.dtype), swapped(self.astype), SS, DS => match via {
                None => delta_decode::<S, D, SS, DS>(input, out),
                Some(2) => delta_decode_via::<S, D, half::f16, SS, DS>(input, out),
                Some(4) => delta_decode_via::<S, D, f32, SS, DS>(input, out),
                Some(_) => delta_decode_via::<S, D, f64, SS, DS>(input, out),
            })
        }))
    }
}

/// The float size numpy's `cumsum(enc, out=dec)` accumulates in when that is not `dtype`
/// itself: the promotion of `astype` and `dtype` when either is a float (ints of 1, 2, 4+
/// bytes promote to f2, f4, f8), and f64 for `u8` with a signed integer (numpy has no integer
/// type holding both, so it sums in float64, each element cast back to `dtype`: lossy, and
/// mirrored). Other integer promotions need no emulation: any wider integer accumulation
/// truncated to `dtype` equals wrapping accumulation in `dtype`.
fn float_accumulator(dtype: DType, astype: DType) -> Option<usize> {
    if !dtype.is_float() && !astype.is_float() {
        let u8_with_signed = |a: DType, b: DType| {
            (a.kind(), a.itemsize()) == (Kind::UInt, 8) && b.kind() == Kind::Int
        };
        return (u8_with_signed(dtype, astype) || u8_with_signed(astype, dtype)).then_some(8);
    }
    let need = |d: DType| match (d.kind(), d.itemsize()) {
        (Kind::Float, n) => n,
        (Kind::Bool, _) => 0,
        (_, 1) => 2,
        (_, 2) => 4,
        _ => 8,
    };
    let size = need(dtype).max(need(astype));
    (!(dtype.is_float() && dtype.itemsize() == size)).then_some(size)
}

/// `dst[i] = cast(src[i] - src[i-1])`, `dst[0] = cast(src[0])`.
#[inline(never)]
fn delta_encode<S: Num, D: Num, const SS: bool, const DS: bool>(src: &[u8], dst: &mut [u8]) {
    let (Some(first), Some(d0)) = (src.get(..S::SIZE), dst.get_mut(..D::SIZE)) else {
        return;
    };
    st::<D, DS>(cast::<S, D>(ld::<S, SS>(first)), d0);
    let cur = src.get(S::SIZE..).unwrap_or_default();
    let out = dst.get_mut(D::SIZE..).unwrap_or_default();
    for ((c, p), o) in cur
        .chunks_exact(S::SIZE)
        .zip(src.chunks_exact(S::SIZE))
        .zip(out.chunks_exact_mut(D::SIZE))
    {
        let d = ld::<S, SS>(c).sub(ld::<S, SS>(p));
        st::<D, DS>(cast::<S, D>(d), o);
    }
}

/// Running sum in `S` of the `D` elements of `src`, each cast to `S` first.
#[inline(never)]
fn delta_decode<S: Num, D: Num, const SS: bool, const DS: bool>(src: &[u8], dst: &mut [u8]) {
    let mut it = src.chunks_exact(D::SIZE).zip(dst.chunks_exact_mut(S::SIZE));
    let Some((s0, o0)) = it.next() else {
        return;
    };
    let mut acc: S = cast::<D, S>(ld::<D, DS>(s0));
    st::<S, SS>(acc, o0);
    for (s, o) in it {
        acc = acc.add(cast::<D, S>(ld::<D, DS>(s)));
        st::<S, SS>(acc, o);
    }
}

/// Running sum in `L` (numpy's promoted loop type) of the `D` elements, each stored cast to `S`.
#[inline(never)]
fn delta_decode_via<S: Num, D: Num, L: Num, const SS: bool, const DS: bool>(
    src: &[u8],
    dst: &mut [u8],
) {
    let mut it = src.chunks_exact(D::SIZE).zip(dst.chunks_exact_mut(S::SIZE));
    let Some((s0, o0)) = it.next() else {
        return;
    };
    let mut acc: L = cast::<D, L>(ld::<D, DS>(s0));
    st::<S, SS>(cast::<L, S>(acc), o0);
    for (s, o) in it {
        acc = acc.add(cast::<D, L>(ld::<D, DS>(s)));
        st::<S, SS>(cast::<L, S>(acc), o);
    }
}

/// timedelta64 counts: the difference (`enc`) or running sum of i64s, NaT (i64::MIN)
/// absorbing, wrapping otherwise.
fn timedelta_delta<const SS: bool, const DS: bool>(enc: bool, src: &[u8], dst: &mut [u8]) {
    const NAT: i64 = i64::MIN;
    let mut prev: Option<i64> = None;
    for (c, o) in src.chunks_exact(8).zip(dst.chunks_exact_mut(8)) {
        let x = ld::<i64, SS>(c);
        let v = match prev {
            None => x,
            Some(p) if p == NAT || x == NAT => NAT,
            Some(p) if enc => x.sub(p),
            Some(p) => p.add(x),
        };
        st::<i64, DS>(v, o);
        prev = Some(if enc { x } else { v });
    }
}

/// Complex parts (floats `S`, stored as `D`): `dst[j] = cast(src[j] - src[j-2])`, the first
/// two (one complex element) cast as they are.
#[inline(never)]
fn pairs_encode<S: Num, D: Num, const SS: bool, const DS: bool>(src: &[u8], dst: &mut [u8]) {
    let parts = src.chunks_exact(S::SIZE);
    let prev = std::iter::repeat_n(None, 2).chain(src.chunks_exact(S::SIZE).map(Some));
    for ((c, p), o) in parts.zip(prev).zip(dst.chunks_exact_mut(D::SIZE)) {
        let x = ld::<S, SS>(c);
        let v = match p {
            None => x,
            Some(p) => x.sub(ld::<S, SS>(p)),
        };
        st::<D, DS>(cast::<S, D>(v), o);
    }
}

/// Complex parts: a running sum in `L` (numpy's loop type) for the real and the imaginary
/// parts apart, each stored cast to `S`.
#[inline(never)]
fn pairs_decode<S: Num, D: Num, L: Num, const SS: bool, const DS: bool>(
    src: &[u8],
    dst: &mut [u8],
    x_first: bool,
) {
    let (mut re, mut im): (Option<L>, Option<L>) = (None, None);
    // (`x_first`: which of two NaNs meeting in the sum numpy keeps; see `Delta::complex`.)
    for (j, (s, o)) in src
        .chunks_exact(D::SIZE)
        .zip(dst.chunks_exact_mut(S::SIZE))
        .enumerate()
    {
        let x = cast::<D, L>(ld::<D, DS>(s));
        let acc = if j % 2 == 0 { &mut re } else { &mut im };
        // `a + x` alone does not say which NaN survives (the compiler may swap the operands
        // of a commutative add), so two NaNs are resolved explicitly: `n + n` is `n` quieted,
        // as x86 would give for that operand first.
        let v = match *acc {
            None => x,
            Some(a) if a.to_f64().is_nan() && x.to_f64().is_nan() => {
                if x_first {
                    x.add(x)
                } else {
                    a.add(a)
                }
            }
            Some(a) => a.add(x),
        };
        *acc = Some(v);
        st::<S, SS>(cast::<L, S>(v), o);
    }
}

impl Codec for Delta {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "dtype": self.dtype.to_string(), "astype": self.astype.to_string()})
    }

    fn encoded_dtype(&self, _dtype: DType) -> DType {
        self.astype
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.dtype, false)?;
        match &self.mode {
            Mode::Numbers => {}
            Mode::Complex(pdt, pat) => {
                let mut out = vec![0u8; n * self.astype.itemsize()];
                Self::complex(true, *pdt, *pat, input, &mut out);
                return Ok(out);
            }
            Mode::TimeDelta => {
                let mut out = vec![0u8; n * 8];
                self.timedelta(true, input, &mut out);
                return Ok(out);
            }
        }
        if let Some((ty, be)) = self.same_width() {
            // Written once into a new Vec (no zeroed 8 MiB of fresh pages first).
            return Ok(kd::encode_bytes_to_vec(ty, be, input));
        }
        let mut out = vec![0u8; n * self.astype.itemsize()];
        if self.kernel(true, input, &mut out) {
            return Ok(out);
        }
        with_num!(self.dtype, S => with_num!(self.astype, D => {
            with_swaps!(swapped(self.dtype), swapped(self.astype), SS, DS => {
                delta_encode::<S, D, SS, DS>(input, &mut out)
            })
        }));
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.astype, true)?;
        let size = decoded_size(Self::ID, n, self.dtype, limit)?;
        let wrapping = float_accumulator(self.dtype, self.astype).is_none();
        if let Some((ty, be)) = self.same_width().filter(|_| wrapping) {
            return Ok(kd::decode_bytes_to_vec(ty, be, input));
        }
        let mut out = vec![0u8; size];
        self.decode_to(input, &mut out);
        Ok(out)
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let n = count(Self::ID, input.len(), self.astype, true)?;
        check_output_size(Self::ID, n * self.dtype.itemsize(), out)?;
        self.decode_to(input, out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn d(s: &str) -> DType {
        DType::parse(s).unwrap()
    }

    /// Bytes from hex text (numcodecs' vectors as Python printed them).
    fn hex(h: &str) -> Vec<u8> {
        (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
            .collect()
    }

    fn le_i4(v: &[i32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn complex_and_timedelta_as_numcodecs() {
        let any = |s: &str| DType::parse_any(s).unwrap();
        // numcodecs 0.16.6: Delta(dtype='>c8', astype='<c16') on [1.5+2j, -3+0.25j, 7-1j].
        let c =
            Delta::from_config(&json!({"id": "delta", "dtype": ">c8", "astype": "<c16"})).unwrap();
        let raw = hex("3fc0000040000000c04000003e80000040e00000bf800000");
        let enc = hex(
            "000000000000f83f000000000000004000000000000012c0000000000000fcbf\
             0000000000002440000000000000f4bf",
        );
        assert_eq!(c.encode(&raw, any(">c8")).unwrap(), enc);
        assert_eq!(c.decode(&enc).unwrap(), raw);
        // Delta(dtype='>m8[s]', astype='<m8[s]'): NaT absorbs, sums wrap (2^62 + 2^62 is
        // i64::MIN, NaT), exactly numcodecs' lossy decode.
        let c = Delta::from_config(&json!({"id": "delta", "dtype": ">m8[s]", "astype": "<m8[s]"}))
            .unwrap();
        let nat = i64::MIN;
        let v = [5, nat, 7, 1 << 62, 1 << 62, -3];
        let raw: Vec<u8> = v.iter().flat_map(|x: &i64| x.to_be_bytes()).collect();
        let want_enc = [5, nat, nat, (1i64 << 62) - 7, 0, -(1i64 << 62) - 3];
        let enc = c.encode(&raw, any(">m8[s]")).unwrap();
        assert_eq!(
            enc,
            want_enc
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect::<Vec<_>>()
        );
        let want_dec = [5, nat, nat, nat, nat, nat];
        assert_eq!(
            c.decode(&enc).unwrap(),
            want_dec
                .iter()
                .flat_map(|x| x.to_be_bytes())
                .collect::<Vec<_>>()
        );
        // Refused pairs name the reason.
        for (dt, at, needle) in [
            ("<c8", "<f4", "complex needs complex"),
            ("<f8", "<c16", "complex needs complex"),
            ("<M8[s]", "<M8[s]", "datetime64"),
            ("<m8[s]", "<m8[ms]", "one unit"),
            ("|S4", "|S4", "delta works on numbers"),
            ("<m8[s]", "<i8", "one kind"),
        ] {
            let e = Delta::from_config(&json!({"id": "delta", "dtype": dt, "astype": at}))
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{dt} {at}: {e}");
        }
    }

    #[test]
    fn complex_nan_payloads_as_numpy_keeps_them() {
        // numcodecs 0.16.6 Delta(dtype).decode of streams whose parts are all NaNs with
        // distinct payloads and signs: which one a running sum keeps depends on the loop type
        // and length (see `Delta::complex`). A plain `+` fails some of these.
        for (dt, enc, dec) in [
            (
                "<c8",
                "0100c07f0200c07f0300c0ff0400c0ff",
                "0100c07f0200c07f0100c07f0200c07f",
            ),
            (
                "<c8",
                "0100c07f0200c07f0300c0ff0400c0ff0500c07f0600c07f",
                "0100c07f0200c07f0300c0ff0400c0ff0500c07f0600c07f",
            ),
            (
                "<c16",
                "010000000000f87f020000000000f87f030000000000f8ff040000000000f8ff",
                "010000000000f87f020000000000f87f030000000000f8ff040000000000f8ff",
            ),
            (
                "<c16",
                "010000000000f87f020000000000f87f030000000000f8ff040000000000f8ff\
                 050000000000f87f060000000000f87f",
                "010000000000f87f020000000000f87f010000000000f87f020000000000f87f\
                 010000000000f87f020000000000f87f",
            ),
        ] {
            let c = Delta::from_config(&json!({"id": "delta", "dtype": dt})).unwrap();
            assert_eq!(c.decode(&hex(enc)).unwrap(), hex(dec), "{dt} {enc}");
        }
    }

    #[test]
    fn numcodecs_vectors() {
        let c = Delta::new(DType::I4, DType::I4).unwrap();
        let input = le_i4(&[10, 12, 15, 11]);
        let enc = c.encode(&input, DType::I4).unwrap();
        assert_eq!(enc, le_i4(&[10, 2, 3, -4]));
        assert_eq!(c.decode(&enc).unwrap(), input);

        let c = Delta::new(DType::I4, DType::I1).unwrap();
        let enc = c.encode(&le_i4(&[100, 300, 301]), DType::I4).unwrap();
        assert_eq!(enc, [0x64, 0xc8, 0x01]);
        assert_eq!(c.decode(&enc).unwrap(), le_i4(&[100, 44, 45]));

        let c = Delta::new(DType::U1, DType::U1).unwrap();
        assert_eq!(
            c.encode(&[250, 3, 10], DType::U1).unwrap(),
            [0xfa, 0x09, 0x07]
        );

        // Wrapping accumulation in dtype.
        let c = Delta::new(d("<i2"), d("<i2")).unwrap();
        let dec = c.decode(&[0xff, 0x7f, 1, 0]).unwrap();
        assert_eq!(dec, [0xff, 0x7f, 0x00, 0x80]);

        // Sequential float sums in dtype precision: f4 [16777216, 1, 1] stays 16777216.
        let c = Delta::new(DType::F4, DType::F4).unwrap();
        let enc: Vec<u8> = [16777216f32, 1.0, 1.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let dec = c.decode(&enc).unwrap();
        assert!(dec
            .chunks(4)
            .all(|b| f32::from_le_bytes(b.try_into().unwrap()) == 16777216.0));
    }

    #[test]
    fn big_endian_equals_little_endian_swapped() {
        let le = Delta::new(d("<i8"), d("<i2")).unwrap();
        let be = Delta::new(d(">i8"), d(">i2")).unwrap();
        let v: Vec<i64> = vec![5, -7, 1 << 40, 3, i64::MIN, i64::MAX];
        let li: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        let bi: Vec<u8> = v.iter().flat_map(|x| x.to_be_bytes()).collect();
        let le_enc = le.encode(&li, DType::I8).unwrap();
        let be_enc = be.encode(&bi, DType::I8).unwrap();
        let swapped: Vec<u8> = le_enc.chunks(2).flat_map(|c| [c[1], c[0]]).collect();
        assert_eq!(be_enc, swapped);
        let full = Delta::new(d(">i8"), d(">i8")).unwrap();
        assert_eq!(
            full.decode(&full.encode(&bi, DType::I8).unwrap()).unwrap(),
            bi
        );
    }

    #[test]
    fn u8_with_a_signed_int_sums_in_f64_as_numpy() {
        let le_u8 = |v: &[u64]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
        let le_i8 = |v: &[i64]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
        // numcodecs 0.16.6 / numpy 2.4: Delta('<i2', '<u8').decode([5, 2**64-8, 10]) ->
        // [5, 0, 0] (the f64 sum 2^64 and then 2^64 + 10 cast to i2 give 0).
        let c = Delta::new(DType::I2, DType::U8).unwrap();
        let dec = c.decode(&le_u8(&[5, u64::MAX - 7, 10])).unwrap();
        assert_eq!(
            dec,
            [5i16, 0, 0]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect::<Vec<_>>()
        );
        // Delta('<u8', '<i8'): encode [5, 2**63+5, 2**64-1, 3] -> [5, -2**63, 2**63-6, 4],
        // decode -> [5, 9223372036854775808, 0, 4] (the f64 sum reaches 2^64: cast gives 0).
        let c = Delta::new(DType::U8, DType::I8).unwrap();
        let x = le_u8(&[5, (1 << 63) + 5, u64::MAX, 3]);
        let enc = c.encode(&x, DType::U8).unwrap();
        assert_eq!(enc, le_i8(&[5, i64::MIN, i64::MAX - 5, 4]));
        assert_eq!(c.decode(&enc).unwrap(), le_u8(&[5, 1 << 63, 0, 4]));
        // Delta('<i8', '<u8').decode([2**53+1, 1, 2**64-1]) -> [2**53, 2**53, -2**63].
        let c = Delta::new(DType::I8, DType::U8).unwrap();
        let dec = c.decode(&le_u8(&[(1 << 53) + 1, 1, u64::MAX])).unwrap();
        assert_eq!(dec, le_i8(&[1 << 53, 1 << 53, i64::MIN]));
    }

    #[test]
    fn float_sums_run_in_the_promoted_type() {
        assert_eq!(float_accumulator(DType::F4, DType::F8), Some(8));
        assert_eq!(float_accumulator(DType::F4, DType::F4), None);
        assert_eq!(float_accumulator(DType::F8, DType::F4), None);
        assert_eq!(float_accumulator(DType::I4, DType::F4), Some(8));
        assert_eq!(float_accumulator(DType::F2, DType::I2), Some(4));
        assert_eq!(float_accumulator(DType::I1, DType::F2), Some(2));
        assert_eq!(float_accumulator(DType::I4, DType::I8), None);
        assert_eq!(float_accumulator(DType::U8, DType::U1), None);
        assert_eq!(float_accumulator(DType::I2, DType::U8), Some(8));
        assert_eq!(float_accumulator(DType::U8, DType::I8), Some(8));
        // <f2 encoded [2048, 1, 1] decoded to <f4 sums in f4: 2048, 2049, 2050.
        let c = Delta::new(DType::F4, DType::F2).unwrap();
        let enc: Vec<u8> = [2048.0f32, 1.0, 1.0]
            .iter()
            .flat_map(|x| half::f16::from_f32(*x).to_le_bytes())
            .collect();
        let dec = c.decode(&enc).unwrap();
        let want: Vec<u8> = [2048.0f32, 2049.0, 2050.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        assert_eq!(dec, want);
        // f4 data, f8 astype: the f8 sum is rounded to f4 only on output.
        let c = Delta::new(DType::F4, DType::F8).unwrap();
        let enc: Vec<u8> = [1.0f64, 1e-8, 1e-8]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let dec = c.decode(&enc).unwrap();
        assert_eq!(&dec[8..], &((1.0f64 + 1e-8 + 1e-8) as f32).to_le_bytes());
    }

    #[test]
    fn bool_is_lossless_unlike_numcodecs() {
        let c = Delta::new(DType::BOOL, DType::BOOL).unwrap();
        let input = [1u8, 1, 0, 1, 0, 0, 1];
        let enc = c.encode(&input, DType::BOOL).unwrap();
        // numcodecs' bytes: XOR of neighbours.
        assert_eq!(enc, [1, 0, 1, 1, 1, 0, 1]);
        assert_eq!(c.decode(&enc).unwrap(), input);
    }

    #[test]
    fn empty_and_errors() {
        let c = Delta::new(DType::I4, DType::I2).unwrap();
        assert!(c.encode(&[], DType::I4).unwrap().is_empty());
        assert!(c.decode(&[]).unwrap().is_empty());
        let mut out = [];
        c.decode_into(&[], &mut out).unwrap();
        assert!(matches!(
            c.encode(&[0; 5], DType::I4),
            Err(Error::InvalidInput { .. })
        ));
        assert!(matches!(c.decode(&[0; 3]), Err(Error::Corrupt { .. })));
        let mut out = [0u8; 7];
        assert!(matches!(
            c.decode_into(&[0; 4], &mut out),
            Err(Error::OutputSize {
                expected: 8,
                found: 7,
                ..
            })
        ));
        assert!(matches!(
            c.decode_limited(&[0; 4], 7),
            Err(Error::TooLarge { .. })
        ));
        assert!(Delta::from_config(&json!({"id": "delta"})).is_err());
        assert!(Delta::from_config(&json!({"id": "delta", "dtype": "|O"})).is_err());
        assert!(Delta::from_config(&json!({"id": "delta", "dtype": "<i4", "x": 1})).is_err());
        let c = Delta::from_config(&json!({"id": "delta", "dtype": "i4"})).unwrap();
        assert_eq!(
            c.get_config(),
            json!({"id": "delta", "dtype": "<i4", "astype": "<i4"})
        );
        assert_eq!(c.encoded_dtype(DType::U1), DType::I4);
    }
}
