//! numcodecs `AsType`: numpy's unsafe cast from `decode_dtype` to `encode_dtype` and back.
//! Config `{"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}` (both required).
//!
//! Casts are numpy's (see the `num` module): float narrowing rounds to nearest even and
//! overflows to ±inf, integer narrowing keeps the low bits, float -> int truncates toward zero
//! (NaN and out-of-range values give what numpy gives on x86-64), byte order changes keep the
//! values. Empty input is fine.

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
use crate::dtype::DType;
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

    /// Stores `decode_dtype` data as `encode_dtype`.
    pub fn new(encode_dtype: DType, decode_dtype: DType) -> Self {
        AsType {
            encode_dtype,
            decode_dtype,
        }
    }

    /// Builds from `{"id": "astype", "encode_dtype": ..., "decode_dtype": ...}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let encode_dtype = r.required_dtype("encode_dtype")?;
        let decode_dtype = r.required_dtype("decode_dtype")?;
        r.finish()?;
        Ok(AsType::new(encode_dtype, decode_dtype))
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
        cast_slice(input, self.decode_dtype, &mut out, self.encode_dtype);
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.encode_dtype, true)?;
        let size = decoded_size(Self::ID, n, self.decode_dtype, limit)?;
        let mut out = vec![0u8; size];
        cast_slice(input, self.encode_dtype, &mut out, self.decode_dtype);
        Ok(out)
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let n = count(Self::ID, input.len(), self.encode_dtype, true)?;
        check_output_size(Self::ID, n * self.decode_dtype.itemsize(), out)?;
        cast_slice(input, self.encode_dtype, out, self.decode_dtype);
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
        let c = AsType::new(d("<f4"), d("<f8"));
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
        let c = AsType::new(d("|i1"), d("<i4"));
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
        let c = AsType::new(d(">u2"), d("<f8"));
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
