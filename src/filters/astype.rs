//! numcodecs `AsType`: numpy's unsafe cast from `decode_dtype` to `encode_dtype` and back.
//! Config `{"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}` (both required).
//!
//! Casts are numpy's (see the `num` module): float narrowing rounds to nearest even and
//! overflows to ±inf, integer narrowing keeps the low bits, float -> int truncates toward zero
//! (NaN and out-of-range values give what numpy gives on x86-64), byte order changes keep the
//! values. Empty input is fine.
//!
//! Complex: complex <-> complex casts each part; a real number becomes the real part (imaginary
//! +0); complex to a real number keeps the real part (numpy's ComplexWarning cast), and to
//! bool is true when either part is non-zero. datetime64 / timedelta64 <-> integers go through
//! their i64 count (NaT is i64::MIN); between two of them of one unit (datetime64 and
//! timedelta64 alike, as numpy's unsafe cast) the count is kept. Other pairs with those kinds
//! (unit conversions, floats, bytes, unicode) are config errors naming the pair.

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

use super::num::{cast_slice, count, decoded_size};
use crate::codec::{check_output_size, Codec, ConfigReader};
use crate::dtype::{DType, Kind};
use crate::error::Result;
use serde_json::{json, Value};

/// numcodecs' `AsType(encode_dtype, decode_dtype)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsType {
    encode_dtype: DType,
    decode_dtype: DType,
}

impl AsType {
    pub const ID: &'static str = "astype";

    /// Stores `decode_dtype` data as `encode_dtype`: any two numeric dtypes; complex with
    /// numbers or complex; datetime64 / timedelta64 with integers or their own kind and unit.
    pub fn new(encode_dtype: DType, decode_dtype: DType) -> Result<Self> {
        let opaque = |d: DType| matches!(d.kind(), Kind::Bytes | Kind::Void | Kind::Unicode);
        let key = if opaque(decode_dtype) && !opaque(encode_dtype) {
            "decode_dtype"
        } else {
            "encode_dtype"
        };
        if !castable(decode_dtype, encode_dtype) {
            return Err(crate::error::Error::config(
                Self::ID,
                key,
                format!(
                    "no cast between {decode_dtype} and {encode_dtype} here (numbers, complex, \
                     and datetime64 / timedelta64 with integers or their own unit)"
                ),
            ));
        }
        Ok(AsType {
            encode_dtype,
            decode_dtype,
        })
    }

    /// Builds from `{"id": "astype", "encode_dtype": ..., "decode_dtype": ...}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let encode_dtype = r.required_any_dtype("encode_dtype")?;
        let decode_dtype = r.required_any_dtype("decode_dtype")?;
        r.finish()?;
        AsType::new(encode_dtype, decode_dtype)
    }
}

fn is_time(d: DType) -> bool {
    matches!(d.kind(), Kind::DateTime | Kind::TimeDelta)
}

/// The pairs [`convert`] casts, in either direction (the relation is symmetric: AsType casts
/// both ways).
fn castable(from: DType, to: DType) -> bool {
    let (f, t) = (from.kind(), to.kind());
    let num = |k: Kind| k.is_numeric();
    let int = |k: Kind| matches!(k, Kind::Int | Kind::UInt);
    (num(f) && num(t))
        || (f == Kind::Complex && (t == Kind::Complex || num(t)))
        || (t == Kind::Complex && num(f))
        || (is_time(from) && is_time(to) && from.time_unit() == to.time_unit())
        || (is_time(from) && int(t))
        || (int(f) && is_time(to))
}

/// numpy's unsafe cast of `src` (elements of `from`) into `dst` (elements of `to`), for the
/// pairs [`castable`] accepts; `dst` holds as many elements.
fn convert(src: &[u8], from: DType, dst: &mut [u8], to: DType) {
    match (from.kind(), to.kind()) {
        (Kind::Complex, Kind::Complex) => {
            if let (Ok(a), Ok(b)) = (from.complex_part(), to.complex_part()) {
                // Parts interleave the same way on both sides: a float cast of 2n values.
                cast_slice(src, a, dst, b);
            }
        }
        (Kind::Complex, _) | (_, Kind::Complex) => {
            // These go through scratch: a block at a time, so it stays small whatever the
            // input size (decoders allocate one output buffer plus bounded scratch).
            const BLOCK: usize = 1 << 14;
            let (fs, ts) = (from.itemsize(), to.itemsize());
            for (s, d) in src.chunks(BLOCK * fs).zip(dst.chunks_mut(BLOCK * ts)) {
                convert_complex(s, from, d, to);
            }
        }
        _ if is_time(from) && is_time(to) => {
            if let (Ok(a), Ok(b)) = (from.time_count(), to.time_count()) {
                cast_slice(src, a, dst, b);
            }
        }
        _ if is_time(from) => {
            if let Ok(a) = from.time_count() {
                cast_slice(src, a, dst, to);
            }
        }
        _ if is_time(to) => {
            if let Ok(b) = to.time_count() {
                cast_slice(src, from, dst, b);
            }
        }
        _ => cast_slice(src, from, dst, to),
    }
}

/// [`convert`] between complex and a number (either way), one block.
fn convert_complex(src: &[u8], from: DType, dst: &mut [u8], to: DType) {
    if from.kind() == Kind::Complex {
        let Ok(h) = from.complex_part() else { return };
        if to.kind() == Kind::Bool {
            // numpy: true when either part is non-zero.
            let mut parts = vec![0u8; src.len() / h.itemsize()];
            cast_slice(src, h, &mut parts, DType::BOOL);
            for (d, p) in dst.iter_mut().zip(parts.chunks_exact(2)) {
                *d = u8::from(p.iter().any(|&b| b != 0));
            }
        } else {
            // numpy's ComplexWarning cast: the real part.
            let real: Vec<u8> = src
                .chunks_exact(from.itemsize())
                .flat_map(|e| e.get(..h.itemsize()).unwrap_or_default().iter().copied())
                .collect();
            cast_slice(&real, h, dst, to);
        }
    } else {
        let Ok(h) = to.complex_part() else { return };
        let mut real = vec![0u8; dst.len() / 2];
        cast_slice(src, from, &mut real, h);
        for (d, r) in dst
            .chunks_exact_mut(to.itemsize())
            .zip(real.chunks_exact(h.itemsize()))
        {
            let (re, im) = d.split_at_mut(h.itemsize());
            re.copy_from_slice(r);
            im.fill(0);
        }
    }
}

impl Codec for AsType {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "encode_dtype": self.encode_dtype.to_string(),
               "decode_dtype": self.decode_dtype.to_string()})
    }

    fn encoded_dtype(&self, _dtype: DType) -> DType {
        self.encode_dtype
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.decode_dtype, false)?;
        let mut out = vec![0u8; n * self.encode_dtype.itemsize()];
        convert(input, self.decode_dtype, &mut out, self.encode_dtype);
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.encode_dtype, true)?;
        let size = decoded_size(Self::ID, n, self.decode_dtype, limit)?;
        let mut out = vec![0u8; size];
        convert(input, self.encode_dtype, &mut out, self.decode_dtype);
        Ok(out)
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let n = count(Self::ID, input.len(), self.encode_dtype, true)?;
        check_output_size(Self::ID, n * self.decode_dtype.itemsize(), out)?;
        convert(input, self.encode_dtype, out, self.decode_dtype);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> DType {
        DType::parse(s).unwrap()
    }

    #[test]
    fn numcodecs_vectors() {
        let c = AsType::new(d("<f4"), d("<f8")).unwrap();
        let input: Vec<u8> = [0.1f64, 1e40, -2.5]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let enc = c.encode(&input, DType::F8).unwrap();
        assert_eq!(
            enc,
            [0xcd, 0xcc, 0xcc, 0x3d, 0, 0, 0x80, 0x7f, 0, 0, 0x20, 0xc0]
        );
        let dec = c.decode(&enc).unwrap();
        assert_eq!(&dec[16..], &(-2.5f64).to_le_bytes());
        assert_eq!(
            f64::from_le_bytes(dec[8..16].try_into().unwrap()),
            f64::INFINITY
        );
        let c = AsType::new(d("|i1"), d("<i4")).unwrap();
        let input: Vec<u8> = [1i32, 200, -129]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        assert_eq!(c.encode(&input, DType::I4).unwrap(), [1, 0xc8, 0x7f]);
        assert_eq!(
            c.get_config(),
            json!({"id": "astype", "encode_dtype": "|i1", "decode_dtype": "<i4"})
        );
        assert_eq!(c.encoded_dtype(DType::I4), DType::I1);
    }

    #[test]
    fn errors_and_empty() {
        assert!(AsType::from_config(&json!({"id": "astype", "encode_dtype": "<f4"})).is_err());
        let c = AsType::new(d(">u2"), d("<f8")).unwrap();
        assert!(c.encode(&[], DType::F8).unwrap().is_empty());
        assert!(c.encode(&[0; 7], DType::F8).is_err());
        assert!(c.decode(&[0; 3]).is_err());
        let mut out = [0u8; 9];
        assert!(c.decode_into(&[0; 2], &mut out).is_err());
        let enc = c.encode(&3.0f64.to_le_bytes(), DType::F8).unwrap();
        assert_eq!(enc, [0, 3]);
        let mut out = [0u8; 8];
        c.decode_into(&enc, &mut out).unwrap();
        assert_eq!(out, 3.0f64.to_le_bytes());
    }
}
