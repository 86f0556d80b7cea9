//! numcodecs `Quantize`: keeps `digits` decimal digits by rounding to a power-of-two grid.
//! Config `{"id": "quantize", "digits": 3, "dtype": "<f8", "astype": "<f8"}` (`astype`
//! defaults to `dtype`; both must be float types).
//!
//! `scale = 2**ceil(log2(10**-e))` with `e = log10(10**-digits)` rounded away from zero;
//! encode is `rint(scale * x) / scale` in `dtype` (half floats through f32), cast to `astype`;
//! decode casts `astype` back to `dtype` (lossy by design). Empty input is fine.
//!
//! Native-order `<f4`/`<f8` with `astype == dtype` on aligned buffers runs the SIMD kernel
//! (`chunkcodec_kernels::quantize`); every other pair runs the generic loop.

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

use super::num::{cast_slice, count, decoded_size, ld, st, swapped, with_num, with_swaps, Num};
use crate::codec::{check_output_size, Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use bytemuck::{try_cast_slice, try_cast_slice_mut};
use chunkcodec_kernels::quantize as kq;
use serde_json::{json, Value};

/// numcodecs' `Quantize(digits, dtype, astype)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantize {
    digits: i64,
    dtype: DType,
    astype: DType,
    scale: f64,
}

/// numcodecs' scale factor for `digits`, computed with the same libm calls as Python.
pub(crate) fn quantize_scale(digits: i64) -> Option<f64> {
    let precision = 10f64.powf(-(digits as f64));
    let e = precision.log10();
    if !e.is_finite() {
        return None;
    }
    let e = if e < 0.0 { e.floor() } else { e.ceil() };
    let bits = 10f64.powf(-e).log2().ceil();
    let scale = 2f64.powf(bits);
    (scale.is_finite() && scale > 0.0).then_some(scale)
}

impl Quantize {
    pub const ID: &'static str = "quantize";

    /// Builds from `{"id": "quantize", "digits": ..., "dtype": ..., "astype": ...}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let digits = r
            .optional_int("digits")?
            .ok_or_else(|| Error::config(Self::ID, "digits", "missing required key"))?;
        let dtype = r.required_dtype("dtype")?;
        let astype = r.optional_dtype("astype")?.unwrap_or(dtype);
        r.finish()?;
        for (k, d) in [("dtype", dtype), ("astype", astype)] {
            if !d.is_float() {
                return Err(Error::config(
                    Self::ID,
                    k,
                    format!("only floating point data types are supported, got {d}"),
                ));
            }
        }
        let scale = quantize_scale(digits).ok_or_else(|| {
            Error::config(Self::ID, "digits", format!("{digits} is out of range"))
        })?;
        Ok(Quantize {
            digits,
            dtype,
            astype,
            scale,
        })
    }
}

/// `dst = cast(rint(s * x) / s)`, computed in `S`.
#[inline(never)]
fn quantize_encode<S: Num, A: Num, const SS: bool, const AS: bool>(
    src: &[u8],
    dst: &mut [u8],
    s: S,
) {
    for (x, d) in src.chunks_exact(S::SIZE).zip(dst.chunks_exact_mut(A::SIZE)) {
        let v = s.mul(ld::<S, SS>(x)).rint().div(s);
        st::<A, AS>(super::num::cast::<S, A>(v), d);
    }
}

impl Quantize {
    /// The kernel for native f4/f8 with `astype == dtype`; false when there is none (or the
    /// buffers are not aligned for it).
    fn encode_kernel(&self, src: &[u8], dst: &mut [u8]) -> bool {
        if self.dtype != self.astype || !self.dtype.is_native() {
            return false;
        }
        match self.dtype.itemsize() {
            4 => match (
                try_cast_slice::<u8, f32>(src),
                try_cast_slice_mut::<u8, f32>(dst),
            ) {
                (Ok(s), Ok(d)) if s.len() == d.len() => {
                    kq::quantize_f32(s, self.scale as f32, d);
                    true
                }
                _ => false,
            },
            8 => match (
                try_cast_slice::<u8, f64>(src),
                try_cast_slice_mut::<u8, f64>(dst),
            ) {
                (Ok(s), Ok(d)) if s.len() == d.len() => {
                    kq::quantize_f64(s, self.scale, d);
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }
}

impl Codec for Quantize {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "digits": self.digits, "dtype": self.dtype.to_string(),
               "astype": self.astype.to_string()})
    }

    fn encoded_dtype(&self, _dtype: DType) -> DType {
        self.astype
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.dtype, false)?;
        let mut out = vec![0u8; n * self.astype.itemsize()];
        if self.encode_kernel(input, &mut out) {
            return Ok(out);
        }
        with_num!(self.dtype, S => with_num!(self.astype, A => {
            with_swaps!(swapped(self.dtype), swapped(self.astype), SS, AS => {
                quantize_encode::<S, A, SS, AS>(input, &mut out, S::from_f64(self.scale))
            })
        }));
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let n = count(Self::ID, input.len(), self.astype, true)?;
        let size = decoded_size(Self::ID, n, self.dtype, limit)?;
        let mut out = vec![0u8; size];
        cast_slice(input, self.astype, &mut out, self.dtype);
        Ok(out)
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let n = count(Self::ID, input.len(), self.astype, true)?;
        check_output_size(Self::ID, n * self.dtype.itemsize(), out)?;
        cast_slice(input, self.astype, out, self.dtype);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_table_matches_numcodecs() {
        let bits = [
            -9, -6, -3, 0, 4, 7, 10, 14, 17, 20, 24, 27, 30, 34, 37, 40, 44, 47, 50, 54,
        ];
        for (digits, b) in (-3..=16).zip(bits) {
            assert_eq!(
                quantize_scale(digits),
                Some(2f64.powi(b)),
                "digits {digits}"
            );
        }
        assert!(
            Quantize::from_config(&json!({"id": "quantize", "digits": 400, "dtype": "<f8"}))
                .is_err()
        );
    }

    #[test]
    fn numcodecs_vectors() {
        let input: Vec<u8> = [0.1f64, 1.0 / 3.0, 2.0005]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let c =
            Quantize::from_config(&json!({"id": "quantize", "digits": 3, "dtype": "<f8"})).unwrap();
        let enc = c.encode(&input, DType::F8).unwrap();
        let vals: Vec<f64> = enc
            .chunks(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
            .collect();
        assert_eq!(vals, [0.099609375, 0.3330078125, 2.0009765625]);
        assert_eq!(c.decode(&enc).unwrap(), enc);
        let c = Quantize::from_config(
            &json!({"id": "quantize", "digits": 1, "dtype": "<f8", "astype": "<f2"}),
        )
        .unwrap();
        assert_eq!(
            c.encode(&input, DType::F8).unwrap(),
            [0, 0x30, 0, 0x35, 0, 0x40]
        );
        assert_eq!(c.encoded_dtype(DType::F8), DType::F2);
        assert_eq!(
            c.get_config(),
            json!({"id": "quantize", "digits": 1, "dtype": "<f8", "astype": "<f2"})
        );
        assert!(
            Quantize::from_config(&json!({"id": "quantize", "digits": 1, "dtype": "<i4"})).is_err()
        );
        assert!(Quantize::from_config(&json!({"id": "quantize", "dtype": "<f4"})).is_err());
        assert!(c.encode(&[], DType::F8).unwrap().is_empty());
        assert!(c.decode(&[1]).is_err());
    }
}
