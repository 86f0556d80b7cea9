//! numcodecs `PackBits`: a bool array packed 8 per byte, MSB first, after one byte holding the
//! number of padding bits in the last byte. Config `{"id": "packbits"}`.
//!
//! Encode treats every input byte as a bool (nonzero is true). Decode produces one byte per
//! element, 0 or 1.
//!
//! Differences from numcodecs (deliberate): a padding count above 7, or a nonzero one with no
//! data byte, is [`Error::Corrupt`] (numcodecs silently truncates more); an empty encoded
//! buffer is [`Error::Corrupt`] (numcodecs raises IndexError).

use crate::codec::{check_limit, check_output_size, Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use serde_json::{json, Value};

/// numcodecs' `PackBits()`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackBits;

impl PackBits {
    pub const ID: &'static str = "packbits";

    /// Builds from `{"id": "packbits"}`.
    pub fn from_config(config: &Value) -> Result<Self> {
        ConfigReader::new(Self::ID, config)?.finish()?;
        Ok(PackBits)
    }

    /// The decoded element count of `input`, validated.
    fn decoded_len(input: &[u8]) -> Result<(usize, &[u8])> {
        let Some((&pad, data)) = input.split_first() else {
            return Err(Error::corrupt(Self::ID, "empty input: no padding byte"));
        };
        if pad > 7 || (data.is_empty() && pad != 0) {
            return Err(Error::corrupt(
                Self::ID,
                format!(
                    "padding byte {pad} is invalid for {} data bytes",
                    data.len()
                ),
            ));
        }
        Ok((data.len() * 8 - pad as usize, data))
    }
}

/// Packs bools MSB-first into `dst` (`ceil(src.len()/8)` bytes).
#[inline(never)]
fn pack_bits(src: &[u8], dst: &mut [u8]) {
    for (s, d) in src.chunks(8).zip(dst.iter_mut()) {
        let mut b = 0u8;
        for (i, &x) in s.iter().enumerate() {
            b |= ((x != 0) as u8) << (7 - i);
        }
        *d = b;
    }
}

/// Unpacks MSB-first bits into one 0/1 byte per element (`dst.len()` elements).
#[inline(never)]
fn unpack_bits(src: &[u8], dst: &mut [u8]) {
    for (d, &s) in dst.chunks_mut(8).zip(src) {
        for (i, o) in d.iter_mut().enumerate() {
            *o = (s >> (7 - i)) & 1;
        }
    }
}

impl Codec for PackBits {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let nbytes = input.len().div_ceil(8);
        let mut out = vec![0u8; 1 + nbytes];
        if let Some((pad, data)) = out.split_first_mut() {
            *pad = ((8 - input.len() % 8) % 8) as u8;
            pack_bits(input, data);
        }
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let (n, data) = Self::decoded_len(input)?;
        check_limit(Self::ID, n as u64, limit)?;
        let mut out = vec![0u8; n];
        unpack_bits(data, &mut out);
        Ok(out)
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let (n, data) = Self::decoded_len(input)?;
        check_output_size(Self::ID, n, out)?;
        unpack_bits(data, out);
        Ok(())
    }

    fn encoded_dtype(&self, _dtype: DType) -> DType {
        DType::U1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numcodecs_vectors() {
        let c = PackBits;
        assert_eq!(c.encode(&[1, 0, 0, 1], DType::BOOL).unwrap(), [4, 0x90]);
        assert_eq!(c.encode(&[1; 9], DType::BOOL).unwrap(), [7, 0xff, 0x80]);
        assert_eq!(
            c.encode(&[1, 0, 1, 0, 1, 0, 1, 0], DType::BOOL).unwrap(),
            [0, 0xaa]
        );
        assert_eq!(c.encode(&[0, 2, 1], DType::U1).unwrap(), [5, 0x60]);
        assert_eq!(c.encode(&[], DType::BOOL).unwrap(), [0]);
        assert_eq!(c.decode(&[4, 0x90]).unwrap(), [1, 0, 0, 1]);
        assert_eq!(c.decode(&[7, 0xff, 0x80]).unwrap(), [1; 9]);
        assert!(c.decode(&[0]).unwrap().is_empty());
    }

    #[test]
    fn invalid_padding_is_corrupt() {
        let c = PackBits;
        for bad in [&[][..], &[8, 0xff], &[3]] {
            assert!(
                matches!(c.decode(bad), Err(Error::Corrupt { .. })),
                "{bad:?}"
            );
        }
        let mut out = [0u8; 3];
        assert!(matches!(
            c.decode_into(&[4, 0x90], &mut out),
            Err(Error::OutputSize { expected: 4, .. })
        ));
        assert!(c.decode_limited(&[0, 1, 2], 15).is_err());
    }
}
