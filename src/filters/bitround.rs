//! numcodecs `BitRound`: keeps `keepbits` mantissa bits of f2/f4/f8 values, rounding half to
//! even on the bit pattern (a carry may reach the exponent: the largest values can become inf).
//! Config `{"id": "bitround", "keepbits": 10}`.
//!
//! Encode works on the same-width signed-int view `b` with `m = mantissa_bits - keepbits`:
//! `b += ((b >> m) & 1) + (1 << (m - 1)) - 1` (wrapping), then the low `m` bits are cleared.
//! `keepbits == mantissa_bits` returns the input unchanged. Decode is the identity (numcodecs
//! returns a view). As in numcodecs, keepbits 0 turns a quiet NaN into -0.0.
//!
//! Differences from numcodecs (deliberate): big-endian floats are rounded in their own byte
//! order (numcodecs raises `KeyError: '>f4'`); empty input is fine.
//!
//! Native-order aligned buffers run the SIMD kernel (`chunkcodec_kernels::quantize::bitround`);
//! byte-swapped or unaligned ones the generic loop below.

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

use super::num::decoded_size;
use crate::codec::{check_output_size, Codec, ConfigReader};
use crate::dtype::{ByteOrder, DType, Kind};
use crate::error::{Error, Result};
use bytemuck::{try_cast_slice, try_cast_slice_mut};
use chunkcodec_kernels::quantize as kq;
use serde_json::{json, Value};

/// numcodecs' `BitRound(keepbits)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitRound {
    keepbits: u32,
}

macro_rules! bitround_fn {
    ($name:ident, $t:ty, $n:expr) => {
        /// Rounds every element of `data` (native-order bytes when `!swap`) in place.
        #[inline(never)]
        fn $name(data: &mut [u8], m: u32, swap: bool) {
            let half: $t = (1 << (m - 1)) - 1;
            let mask: $t = (-1 as $t) >> m << m;
            let round = |b: $t| {
                let b = b.wrapping_add((b >> m) & 1).wrapping_add(half);
                b & mask
            };
            for c in data.chunks_exact_mut($n) {
                if let Ok(a) = <[u8; $n]>::try_from(&*c) {
                    let v = if swap {
                        round(<$t>::from_ne_bytes(a).swap_bytes()).swap_bytes()
                    } else {
                        round(<$t>::from_ne_bytes(a))
                    };
                    c.copy_from_slice(&v.to_ne_bytes());
                }
            }
        }
    };
}

bitround_fn!(bitround_i16, i16, 2);
bitround_fn!(bitround_i32, i32, 4);
bitround_fn!(bitround_i64, i64, 8);

impl BitRound {
    pub const ID: &'static str = "bitround";

    /// Keeps `keepbits` mantissa bits.
    pub fn new(keepbits: u32) -> Self {
        BitRound { keepbits }
    }

    /// Builds from `{"id": "bitround", "keepbits": N}` (N >= 0, required).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let k = r
            .optional_int_in("keepbits", 0, 64)?
            .ok_or_else(|| Error::config(Self::ID, "keepbits", "missing required key"))?;
        r.finish()?;
        Ok(BitRound::new(k as u32))
    }

    fn mantissa_bits(dtype: DType) -> Result<u32> {
        match (dtype.kind(), dtype.itemsize()) {
            (Kind::Float, 2) => Ok(10),
            (Kind::Float, 4) => Ok(23),
            (Kind::Float, 8) => Ok(52),
            _ => Err(Error::invalid_input(
                Self::ID,
                format!("only float arrays (16-64bit) can be bit-rounded, got {dtype}"),
            )),
        }
    }
}

impl Codec for BitRound {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "keepbits": self.keepbits})
    }

    /// The same-width signed int (what numcodecs returns), or `dtype` itself when nothing is
    /// rounded away or `dtype` is not a float.
    fn encoded_dtype(&self, dtype: DType) -> DType {
        match Self::mantissa_bits(dtype) {
            Ok(mb) if self.keepbits < mb => {
                let order = match dtype.byte_order() {
                    ByteOrder::Big => ByteOrder::Big,
                    _ => ByteOrder::Little,
                };
                DType::new(Kind::Int, dtype.itemsize(), order).unwrap_or(dtype)
            }
            _ => dtype,
        }
    }

    fn encode(&self, input: &[u8], dtype: DType) -> Result<Vec<u8>> {
        let mb = Self::mantissa_bits(dtype)?;
        if self.keepbits > mb {
            return Err(Error::invalid_input(
                Self::ID,
                format!(
                    "keepbits {} too large for {dtype} ({mb} mantissa bits)",
                    self.keepbits
                ),
            ));
        }
        super::num::count(Self::ID, input.len(), dtype, false)?;
        if self.keepbits == mb {
            return Ok(input.to_vec());
        }
        if dtype.is_native() {
            let mut out = vec![0u8; input.len()];
            macro_rules! go {
                ($t:ty) => {
                    match (
                        try_cast_slice::<u8, $t>(input),
                        try_cast_slice_mut::<u8, $t>(&mut out),
                    ) {
                        (Ok(s), Ok(d)) if s.len() == d.len() => {
                            kq::bitround::<$t>(self.keepbits, s, d);
                            true
                        }
                        _ => false,
                    }
                };
            }
            let done = match dtype.itemsize() {
                2 => go!(u16),
                4 => go!(u32),
                _ => go!(u64),
            };
            if done {
                return Ok(out);
            }
        }
        let mut out = input.to_vec();
        let m = mb - self.keepbits;
        let swap = !dtype.is_native();
        match dtype.itemsize() {
            2 => bitround_i16(&mut out, m, swap),
            4 => bitround_i32(&mut out, m, swap),
            _ => bitround_i64(&mut out, m, swap),
        }
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        decoded_size(Self::ID, input.len(), DType::U1, limit)?;
        Ok(input.to_vec())
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        check_output_size(Self::ID, input.len(), out)?;
        out.copy_from_slice(input);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f4(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn numcodecs_vectors() {
        let enc = BitRound::new(10)
            .encode(&f4(&[std::f32::consts::PI, 1.0, -0.0025]), DType::F4)
            .unwrap();
        assert_eq!(hex(&enc), "000049400000803f00e023bb");
        let enc = BitRound::new(0)
            .encode(
                &f4(&[std::f32::consts::PI, 1.5, f32::NAN, f32::INFINITY]),
                DType::F4,
            )
            .unwrap();
        assert_eq!(hex(&enc), "0000804000000040000000800000807f");
        let want = f4(&[4.0, 2.0, -0.0, f32::INFINITY]);
        assert_eq!(enc, want);
        // Half-even on the mantissa, with keepbits 1.
        let enc = BitRound::new(1)
            .encode(&f4(&[1.25, 1.75, 1.375]), DType::F4)
            .unwrap();
        assert_eq!(enc, f4(&[1.0, 2.0, 1.5]));
        let enc = BitRound::new(3).encode(&f4(&[3.4e38]), DType::F4).unwrap();
        assert_eq!(enc, f4(&[f32::INFINITY]));
    }

    #[test]
    fn big_endian_rounds_like_little_endian() {
        let vals = [1.2345678901f64, -9.87e-300, 3.0e300, 0.1];
        let le: Vec<u8> = vals.iter().flat_map(|x| x.to_le_bytes()).collect();
        let be: Vec<u8> = vals.iter().flat_map(|x| x.to_be_bytes()).collect();
        let c = BitRound::new(7);
        let a = c.encode(&le, DType::F8).unwrap();
        let b = c.encode(&be, DType::parse(">f8").unwrap()).unwrap();
        let b_as_le: Vec<u8> = b.chunks(8).flat_map(|c| c.iter().rev().copied()).collect();
        assert_eq!(a, b_as_le);
        assert_ne!(a, le);
        assert_eq!(
            c.encoded_dtype(DType::parse(">f8").unwrap()).to_string(),
            ">i8"
        );
        // f16 too.
        let h = half::f16::from_f32(1.2345).to_le_bytes();
        let r = BitRound::new(3).encode(&h, DType::F2).unwrap();
        assert_eq!(half::f16::from_le_bytes([r[0], r[1]]).to_f32(), 1.25);
    }

    #[test]
    fn errors_and_identity() {
        let c = BitRound::new(23);
        let data = f4(&[0.1, f32::NAN]);
        assert_eq!(c.encode(&data, DType::F4).unwrap(), data);
        assert_eq!(c.encoded_dtype(DType::F4), DType::F4);
        assert_eq!(BitRound::new(5).encoded_dtype(DType::F4), DType::I4);
        assert!(BitRound::new(24).encode(&data, DType::F4).is_err());
        assert!(c.encode(&data, DType::I4).is_err());
        assert!(c.encode(&[0; 3], DType::F4).is_err());
        assert!(BitRound::from_config(&json!({"id": "bitround", "keepbits": -1})).is_err());
        assert!(BitRound::from_config(&json!({"id": "bitround"})).is_err());
        assert_eq!(c.decode(&data).unwrap(), data);
        assert!(c.decode_limited(&data, 7).is_err());
        assert!(BitRound::new(2).encode(&[], DType::F8).unwrap().is_empty());
    }
}
