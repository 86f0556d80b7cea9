//! numcodecs `FixedScaleOffset`: `round((x - offset) * scale)` stored as `astype`.
//! Config `{"id": "fixedscaleoffset", "scale": 10, "offset": 1000, "dtype": "<f8",
//! "astype": "<u2"}`; `scale` and `offset` are kept exactly as given (an integer stays an
//! integer), `astype` defaults to `dtype`.
//!
//! Arithmetic types follow numpy 2 (NEP 50: the parameters are "weak" Python scalars):
//! - float `dtype`: everything is computed in `dtype` (half floats through f32);
//! - integer `dtype`: `x - offset` is integer arithmetic in `dtype` (wrapping) when `offset` is
//!   an integer, else float64; `* scale` stays integer (wrapping, no rounding needed) when both
//!   the difference and `scale` are integers, else float64.
//!
//! Rounding is half to even; the result is cast to `astype` with numpy's casts.
//! Decode is `enc / scale + offset` (a true division), in `astype` when it is a float type, else
//! in float64, then cast to `dtype`.
//!
//! Differences from numcodecs (deliberate):
//! - a NaN, infinite or out-of-range value that would be cast from a float to an integer
//!   `astype` is an [`Error::InvalidInput`] naming the value (numcodecs silently stores
//!   platform-dependent garbage, e.g. NaN -> 0 for `|u1`); decoding never fails on values;
//! - an integer `offset`/`scale` that does not fit an integer `dtype` is an error at encode
//!   (numcodecs raises OverflowError too);
//! - empty input is fine; a bool `dtype` is rejected: not implemented (numcodecs computes it,
//!   `bool - offset` promoting to int64 or float64 and the decode cast back to bool).
//!
//! Hot loops run on the SIMD kernels (`chunkcodec_kernels::fixedscaleoffset`) for native-order
//! `<f4`/`<f8` data with a native integer `astype` on aligned buffers; the generic loops below
//! cover every other pair (integer `dtype`, float `astype`, float16, byte-swapped types).

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
use crate::dtype::{DType, Kind};
use crate::error::{Error, Result};
use bytemuck::{try_cast_slice, try_cast_slice_mut};
use chunkcodec_kernels::fixedscaleoffset as kf;
use serde_json::{Map, Number, Value};

/// A `scale` or `offset` parameter: a Python int or float.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Param {
    Int(i128),
    Float(f64),
}

impl Param {
    fn from_number(n: &Number) -> Option<Param> {
        if let Some(i) = n.as_i64() {
            Some(Param::Int(i as i128))
        } else if let Some(u) = n.as_u64() {
            Some(Param::Int(u as i128))
        } else {
            n.as_f64().filter(|f| f.is_finite()).map(Param::Float)
        }
    }

    fn f64(self) -> f64 {
        match self {
            Param::Int(i) => i as f64,
            Param::Float(f) => f,
        }
    }

    /// The weak scalar converted to `T` (a float type).
    fn to<T: Num>(self) -> T {
        match self {
            Param::Int(i) => T::from_int(i),
            Param::Float(f) => T::from_f64(f),
        }
    }
}

/// numcodecs' `FixedScaleOffset(offset, scale, dtype, astype)`.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedScaleOffset {
    scale_json: Number,
    offset_json: Number,
    scale: Param,
    offset: Param,
    dtype: DType,
    astype: DType,
    recip: RecipCache,
}

/// `1 / scale` when the division-free decode is exact for every value of `astype`
/// (`kf::exact_reciprocal`, found once per codec on first decode). A cache of a
/// function of the other fields, so it takes no part in equality.
#[derive(Debug, Clone, Default)]
struct RecipCache(std::sync::OnceLock<Option<f64>>);

impl PartialEq for RecipCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl FixedScaleOffset {
    pub const ID: &'static str = "fixedscaleoffset";

    /// Builds from `{"id", "scale", "offset", "dtype", "astype"}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let mut num = |key: &str| -> Result<(Number, Param)> {
            match r.required_raw(key)? {
                Value::Number(n) => Param::from_number(n)
                    .map(|p| (n.clone(), p))
                    .ok_or_else(|| Error::config(Self::ID, key, format!("bad number {n}"))),
                v => Err(Error::config(
                    Self::ID,
                    key,
                    format!("expected a number, got {v}"),
                )),
            }
        };
        let (scale_json, scale) = num("scale")?;
        if scale.f64() == 0.0 {
            // Deliberate difference: numcodecs accepts scale 0, encodes everything to 0 and
            // decodes 0/0 to NaN; we refuse the config instead of losing the data.
            return Err(Error::config(
                Self::ID,
                "scale",
                "scale 0 would lose every value",
            ));
        }
        let (offset_json, offset) = num("offset")?;
        let dtype = r.required_dtype("dtype")?;
        let astype = r.optional_dtype("astype")?.unwrap_or(dtype);
        r.finish()?;
        if dtype.kind() == Kind::Bool {
            return Err(Error::config(
                Self::ID,
                "dtype",
                "bool is not supported (not implemented here; numcodecs promotes bool - offset to \
                 int64 or float64)",
            ));
        }
        Ok(FixedScaleOffset {
            scale_json,
            offset_json,
            scale,
            offset,
            dtype,
            astype,
            recip: RecipCache::default(),
        })
    }

    /// A codec with float parameters.
    pub fn new(offset: f64, scale: f64, dtype: DType, astype: DType) -> Result<Self> {
        let n = |x: f64| {
            Number::from_f64(x).ok_or_else(|| Error::config(Self::ID, "scale", "not finite"))
        };
        Self::from_config(&Value::Object(Map::from_iter([
            ("id".to_string(), Value::from(Self::ID)),
            ("scale".to_string(), Value::Number(n(scale)?)),
            ("offset".to_string(), Value::Number(n(offset)?)),
            ("dtype".to_string(), Value::from(dtype.to_string())),
            ("astype".to_string(), Value::from(astype.to_string())),
        ])))
    }

    /// The integer parameter as a `T`, or an error if it does not fit (numpy's OverflowError).
    fn int_param<T: Num>(&self, key: &str, v: i128) -> Result<T> {
        let t = T::from_int(v);
        if t.to_int() != v {
            return Err(Error::invalid_input(
                Self::ID,
                format!("{key} {v} is out of bounds for {}", self.dtype),
            ));
        }
        Ok(t)
    }

    fn encode_typed<S: Num, A: Num, const SS: bool, const AS: bool>(
        &self,
        src: &[u8],
        dst: &mut [u8],
    ) -> Result<()> {
        let ok = if S::FLOAT {
            fso_encode_float::<S, A, SS, AS>(src, dst, self.offset.to(), self.scale.to())
        } else {
            match (self.offset, self.scale) {
                (Param::Int(o), Param::Int(s)) => {
                    let o: S = self.int_param("offset", o)?;
                    let s: S = self.int_param("scale", s)?;
                    fso_encode_int::<S, A, SS, AS>(src, dst, o, s);
                    true
                }
                (Param::Int(o), Param::Float(s)) => {
                    let o: S = self.int_param("offset", o)?;
                    fso_encode_int_f64::<S, A, SS, AS>(src, dst, o, s)
                }
                (Param::Float(o), s) => fso_encode_f64::<S, A, SS, AS>(src, dst, o, s.f64()),
            }
        };
        if ok {
            return Ok(());
        }
        // Find the first offending element for the message (cold path).
        let n = src.len() / S::SIZE;
        let mut tmp = vec![0u8; A::SIZE];
        for i in 0..n {
            let one = src.get(i * S::SIZE..(i + 1) * S::SIZE).unwrap_or_default();
            let good = if S::FLOAT {
                fso_encode_float::<S, A, SS, AS>(one, &mut tmp, self.offset.to(), self.scale.to())
            } else {
                match (self.offset, self.scale) {
                    (Param::Int(o), Param::Float(s)) => {
                        let o: S = self.int_param("offset", o)?;
                        fso_encode_int_f64::<S, A, SS, AS>(one, &mut tmp, o, s)
                    }
                    (o, s) => fso_encode_f64::<S, A, SS, AS>(one, &mut tmp, o.f64(), s.f64()),
                }
            };
            if !good {
                let x = ld::<S, SS>(one);
                return Err(Error::invalid_input(
                    Self::ID,
                    format!(
                        "element {i} ({:?}) does not fit {} after scaling: \
                         NaN, infinite or out of range",
                        x, self.astype
                    ),
                ));
            }
        }
        Err(Error::invalid_input(Self::ID, "value out of range"))
    }

    /// The kernels' float -> integer encode: `Some(all values fit)`, or `None` when this pair
    /// or these buffers' alignment has no kernel.
    fn encode_kernel(&self, src: &[u8], dst: &mut [u8]) -> Option<bool> {
        let (dt, at) = (self.dtype, self.astype);
        if !dt.is_native() || !at.is_native() || dt.kind() != Kind::Float {
            return None;
        }
        macro_rules! go {
            ($f:ty, $a:ty, $enc:ident) => {
                match (
                    try_cast_slice::<u8, $f>(src),
                    try_cast_slice_mut::<u8, $a>(dst),
                ) {
                    (Ok(s), Ok(d)) if s.len() == d.len() => {
                        Some(kf::$enc::<$a>(s, self.offset.to(), self.scale.to(), d))
                    }
                    _ => None,
                }
            };
        }
        macro_rules! by_astype {
            ($f:ty, $enc:ident) => {
                match (at.kind(), at.itemsize()) {
                    (Kind::Int, 1) => go!($f, i8, $enc),
                    (Kind::UInt, 1) => go!($f, u8, $enc),
                    (Kind::Int, 2) => go!($f, i16, $enc),
                    (Kind::UInt, 2) => go!($f, u16, $enc),
                    (Kind::Int, 4) => go!($f, i32, $enc),
                    (Kind::UInt, 4) => go!($f, u32, $enc),
                    (Kind::Int, 8) => go!($f, i64, $enc),
                    (Kind::UInt, 8) => go!($f, u64, $enc),
                    _ => None,
                }
            };
        }
        match dt.itemsize() {
            4 => by_astype!(f32, encode_f32_checked),
            8 => by_astype!(f64, encode_f64_checked),
            _ => None,
        }
    }

    /// The kernels' integer -> float decode; false when there is none for this pair/alignment.
    fn decode_kernel(&self, src: &[u8], dst: &mut [u8]) -> bool {
        let (dt, at) = (self.dtype, self.astype);
        if !dt.is_native() || !at.is_native() || dt.kind() != Kind::Float {
            return false;
        }
        let (o, s) = (self.offset.f64(), self.scale.f64());
        // Codes decode without a division when that gives the same bits for every code
        // (kf::exact_reciprocal): checked code by code for 1- and 2-byte codes, proven for
        // integral scales (odd part below 2^48) for wider ones; otherwise they divide.
        let recip = |exact: fn(f64) -> Option<f64>| *self.recip.0.get_or_init(|| exact(s));
        macro_rules! go {
            ($a:ty, $f:ty, $dec:ident, $rdec:ident) => {
                match (
                    try_cast_slice::<u8, $a>(src),
                    try_cast_slice_mut::<u8, $f>(dst),
                ) {
                    (Ok(x), Ok(d)) if x.len() == d.len() => {
                        match recip(kf::exact_reciprocal::<$a>) {
                            Some(r) => kf::$rdec::<$a>(x, o, s, r, d),
                            None => kf::$dec::<$a>(x, o, s, d),
                        }
                        true
                    }
                    _ => false,
                }
            };
        }
        macro_rules! by_astype {
            ($f:ty, $dec:ident, $rdec:ident) => {
                match (at.kind(), at.itemsize()) {
                    (Kind::Int, 1) => go!(i8, $f, $dec, $rdec),
                    (Kind::UInt, 1) => go!(u8, $f, $dec, $rdec),
                    (Kind::Int, 2) => go!(i16, $f, $dec, $rdec),
                    (Kind::UInt, 2) => go!(u16, $f, $dec, $rdec),
                    (Kind::Int, 4) => go!(i32, $f, $dec, $rdec),
                    (Kind::UInt, 4) => go!(u32, $f, $dec, $rdec),
                    (Kind::Int, 8) => go!(i64, $f, $dec, $rdec),
                    (Kind::UInt, 8) => go!(u64, $f, $dec, $rdec),
                    _ => false,
                }
            };
        }
        match dt.itemsize() {
            4 => by_astype!(f32, decode_to_f32, decode_to_f32_recip),
            8 => by_astype!(f64, decode_f64, decode_f64_recip),
            _ => false,
        }
    }

    fn decode_to(&self, input: &[u8], out: &mut [u8]) {
        if self.decode_kernel(input, out) {
            return;
        }
        with_num!(self.astype, A => with_num!(self.dtype, S => {
            with_swaps!(swapped(self.astype), swapped(self.dtype), AS, SS => {
                if A::FLOAT {
                    fso_decode_float::<A, S, AS, SS>(input, out, self.offset.to(), self.scale.to())
                } else {
                    fso_decode_f64::<A, S, AS, SS>(input, out, self.offset.f64(), self.scale.f64())
                }
            })
        }))
    }
}

/// Float `dtype`: `rint((x - o) * s)` in `S`, cast to `A`. False if a value does not fit `A`.
#[inline(never)]
fn fso_encode_float<S: Num, A: Num, const SS: bool, const AS: bool>(
    src: &[u8],
    dst: &mut [u8],
    o: S,
    s: S,
) -> bool {
    let mut ok = true;
    for (x, d) in src.chunks_exact(S::SIZE).zip(dst.chunks_exact_mut(A::SIZE)) {
        let e = ld::<S, SS>(x).sub(o).mul(s).rint();
        ok &= A::holds(e.to_f64());
        st::<A, AS>(cast::<S, A>(e), d);
    }
    ok
}

/// Integer `dtype`, integer parameters: `(x - o) * s` wrapping in `S`, cast to `A`.
#[inline(never)]
fn fso_encode_int<S: Num, A: Num, const SS: bool, const AS: bool>(
    src: &[u8],
    dst: &mut [u8],
    o: S,
    s: S,
) {
    for (x, d) in src.chunks_exact(S::SIZE).zip(dst.chunks_exact_mut(A::SIZE)) {
        let e = ld::<S, SS>(x).sub(o).mul(s);
        st::<A, AS>(cast::<S, A>(e), d);
    }
}

/// Integer `dtype`, integer offset, float scale: `(x - o)` in `S`, `* s` in f64.
#[inline(never)]
fn fso_encode_int_f64<S: Num, A: Num, const SS: bool, const AS: bool>(
    src: &[u8],
    dst: &mut [u8],
    o: S,
    s: f64,
) -> bool {
    let mut ok = true;
    for (x, d) in src.chunks_exact(S::SIZE).zip(dst.chunks_exact_mut(A::SIZE)) {
        let e = Num::rint(ld::<S, SS>(x).sub(o).to_f64() * s);
        ok &= A::holds(e);
        st::<A, AS>(A::from_f64(e), d);
    }
    ok
}

/// Integer `dtype`, float offset: everything in f64.
#[inline(never)]
fn fso_encode_f64<S: Num, A: Num, const SS: bool, const AS: bool>(
    src: &[u8],
    dst: &mut [u8],
    o: f64,
    s: f64,
) -> bool {
    let mut ok = true;
    for (x, d) in src.chunks_exact(S::SIZE).zip(dst.chunks_exact_mut(A::SIZE)) {
        let e = Num::rint((ld::<S, SS>(x).to_f64() - o) * s);
        ok &= A::holds(e);
        st::<A, AS>(A::from_f64(e), d);
    }
    ok
}

/// Float `astype`: `enc / s + o` in `A`, cast to `S`.
#[inline(never)]
fn fso_decode_float<A: Num, S: Num, const AS: bool, const SS: bool>(
    src: &[u8],
    dst: &mut [u8],
    o: A,
    s: A,
) {
    for (e, d) in src.chunks_exact(A::SIZE).zip(dst.chunks_exact_mut(S::SIZE)) {
        let v = ld::<A, AS>(e).div(s).add(o);
        st::<S, SS>(cast::<A, S>(v), d);
    }
}

/// Integer `astype`: `enc / s + o` in f64, cast to `S`.
#[inline(never)]
fn fso_decode_f64<A: Num, S: Num, const AS: bool, const SS: bool>(
    src: &[u8],
    dst: &mut [u8],
    o: f64,
    s: f64,
) {
    for (e, d) in src.chunks_exact(A::SIZE).zip(dst.chunks_exact_mut(S::SIZE)) {
        let v = ld::<A, AS>(e).to_f64() / s + o;
        st::<S, SS>(S::from_f64(v), d);
    }
}

impl Codec for FixedScaleOffset {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        Value::Object(Map::from_iter([
            ("id".to_string(), Value::from(Self::ID)),
            ("scale".to_string(), Value::Number(self.scale_json.clone())),
            (
                "offset".to_string(),
                Value::Number(self.offset_json.clone()),
            ),
            ("dtype".to_string(), Value::from(self.dtype.to_string())),
            ("astype".to_string(), Value::from(self.astype.to_string())),
        ]))
    }

    fn encoded_dtype(&self, _dtype: DType) -> DType {
        self.astype
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.dtype, false)?;
        let mut out = vec![0u8; n * self.astype.itemsize()];
        // A value that does not fit falls through: the generic loop finds it and says which.
        if self.encode_kernel(input, &mut out) == Some(true) {
            return Ok(out);
        }
        with_num!(self.dtype, S => with_num!(self.astype, A => {
            with_swaps!(swapped(self.dtype), swapped(self.astype), SS, AS => {
                self.encode_typed::<S, A, SS, AS>(input, &mut out)
            })
        }))?;
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.astype, true)?;
        let size = decoded_size(Self::ID, n, self.dtype, limit)?;
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
    use serde_json::json;

    fn f8(v: &[f64]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    fn codec(cfg: Value) -> FixedScaleOffset {
        FixedScaleOffset::from_config(&cfg).unwrap()
    }

    #[test]
    fn numcodecs_vectors() {
        let c = codec(
            json!({"id": "fixedscaleoffset", "offset": 1000, "scale": 10, "dtype": "<f8", "astype": "<u2"}),
        );
        let enc = c
            .encode(
                &f8(&[1000.0, 1000.04, 1000.05, 1000.15, 1000.25, 1001.0]),
                DType::F8,
            )
            .unwrap();
        assert_eq!(enc, [0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 10, 0]);
        assert_eq!(
            c.decode(&enc).unwrap(),
            f8(&[1000.0, 1000.0, 1000.0, 1000.1, 1000.2, 1001.0])
        );
        // linspace(1000, 1005, 10) with three parameter sets.
        let xs: Vec<f64> = (0..10).map(|i| 1000.0 + 5.0 * i as f64 / 9.0).collect();
        for (o, s, want) in [
            (
                json!(1000),
                json!(10),
                vec![0i64, 6, 11, 17, 22, 28, 33, 39, 44, 50],
            ),
            (
                json!(1002.5),
                json!(10),
                vec![-25, -19, -14, -8, -3, 3, 8, 14, 19, 25],
            ),
            (json!(1000), json!(0.5), vec![0, 0, 1, 1, 1, 1, 2, 2, 2, 2]),
        ] {
            let c = codec(
                json!({"id": "fixedscaleoffset", "offset": o, "scale": s, "dtype": "<f8", "astype": "<i8"}),
            );
            let enc = c.encode(&f8(&xs), DType::F8).unwrap();
            let got: Vec<i64> = enc
                .chunks(8)
                .map(|b| i64::from_le_bytes(b.try_into().unwrap()))
                .collect();
            assert_eq!(got, want);
        }
        // Integer arithmetic wraps in dtype: <i4 2**30, offset 10, scale 3 -> <i2 0xffe2.
        let c = codec(
            json!({"id": "fixedscaleoffset", "offset": 10, "scale": 3, "dtype": "<i4", "astype": "<i2"}),
        );
        let enc = c.encode(&(1i32 << 30).to_le_bytes(), DType::I4).unwrap();
        assert_eq!(enc, [0xe2, 0xff]);
    }

    #[test]
    fn true_division_on_decode() {
        let c = codec(
            json!({"id": "fixedscaleoffset", "offset": 0, "scale": 10, "dtype": "<f8", "astype": "<i4"}),
        );
        let dec = c.decode(&3i32.to_le_bytes()).unwrap();
        assert_eq!(f64::from_le_bytes(dec.try_into().unwrap()), 3.0 / 10.0);
        assert_ne!(3.0 / 10.0, 3.0 * (1.0 / 10.0));
    }

    #[test]
    fn nan_and_out_of_range_are_errors() {
        let c = codec(
            json!({"id": "fixedscaleoffset", "offset": 1000, "scale": 10, "dtype": "<f8", "astype": "|u1"}),
        );
        for bad in [999.9, 1025.6, f64::NAN, f64::INFINITY] {
            let e = c.encode(&f8(&[1000.0, bad]), DType::F8).unwrap_err();
            let msg = e.to_string();
            assert!(
                matches!(e, Error::InvalidInput { .. }) && msg.contains("element 1"),
                "{msg}"
            );
        }
        assert_eq!(
            c.encode(&f8(&[1025.5, 1000.0]), DType::F8).unwrap(),
            [255, 0]
        );
        // Integer parameters that do not fit an integer dtype.
        let c =
            codec(json!({"id": "fixedscaleoffset", "offset": 1000, "scale": 1, "dtype": "|u1"}));
        assert!(c
            .encode(&[1], DType::U1)
            .unwrap_err()
            .to_string()
            .contains("offset"));
        // Float -> float never fails.
        let c = codec(
            json!({"id": "fixedscaleoffset", "offset": 0, "scale": 1, "dtype": "<f8", "astype": "<f2"}),
        );
        assert_eq!(c.encode(&f8(&[1e10]), DType::F8).unwrap(), [0x00, 0x7c]);
        assert!(FixedScaleOffset::from_config(
            &json!({"id": "fixedscaleoffset", "offset": 0, "scale": 1, "dtype": "|b1"})
        )
        .is_err());
    }

    #[test]
    fn config_keeps_numbers_as_given() {
        let cfg = json!({"id": "fixedscaleoffset", "scale": 10, "offset": 2.5, "dtype": "<f4", "astype": "<i2"});
        assert_eq!(codec(cfg.clone()).get_config(), cfg);
        let c =
            codec(json!({"id": "fixedscaleoffset", "scale": 10.0, "offset": 0, "dtype": "<f4"}));
        assert_eq!(
            c.get_config(),
            json!({"id": "fixedscaleoffset", "scale": 10.0, "offset": 0, "dtype": "<f4", "astype": "<f4"})
        );
        assert_ne!(c.get_config()["scale"], json!(10));
        assert!(FixedScaleOffset::from_config(
            &json!({"id": "fixedscaleoffset", "scale": 1, "dtype": "<f4"})
        )
        .is_err());
        let c = FixedScaleOffset::new(1.0, 2.0, DType::F8, DType::I2).unwrap();
        assert_eq!(c.encoded_dtype(DType::F8), DType::I2);
        assert!(c.encode(&[], DType::F8).unwrap().is_empty());
    }
}
