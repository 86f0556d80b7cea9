//! numcodecs `Shuffle`: the byte transpose of the whole buffer (no blocks), on the SIMD shuffle
//! kernel. Config `{"id": "shuffle", "elementsize": 4}`.

use crate::codec::{check_limit, check_output_size, Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use chunkcodec_kernels::shuffle::{shuffle_to_vec, unshuffle, unshuffle_to_vec};
use serde_json::{json, Value};

/// numcodecs' `Shuffle(elementsize)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shuffle {
    elementsize: usize,
}

impl Shuffle {
    pub const ID: &'static str = "shuffle";

    /// A shuffle of `elementsize`-byte elements. 0 and 1 are a plain copy, as in numcodecs.
    pub fn new(elementsize: usize) -> Self {
        Shuffle { elementsize }
    }

    /// The element size in bytes.
    pub fn elementsize(&self) -> usize {
        self.elementsize
    }

    /// Builds from `{"id": "shuffle", "elementsize": N}` (default 4).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let elementsize = r.optional_uint("elementsize")?.unwrap_or(4);
        r.finish()?;
        Ok(Shuffle::new(elementsize))
    }

    fn check_len(&self, len: usize) -> Result<()> {
        if self.elementsize > 1 && !len.is_multiple_of(self.elementsize) {
            return Err(Error::invalid_input(
                Self::ID,
                format!(
                    "buffer of {len} bytes is not a multiple of elementsize {}",
                    self.elementsize
                ),
            ));
        }
        Ok(())
    }
}

impl Codec for Shuffle {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "elementsize": self.elementsize})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        self.check_len(input.len())?;
        Ok(shuffle_to_vec(self.elementsize, input))
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        check_limit(Self::ID, input.len() as u64, limit)?;
        self.check_len(input.len()).map_err(|_| {
            Error::corrupt(
                Self::ID,
                format!(
                    "encoded buffer of {} bytes is not a multiple of elementsize {}",
                    input.len(),
                    self.elementsize
                ),
            )
        })?;
        Ok(unshuffle_to_vec(self.elementsize, input))
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        check_output_size(Self::ID, input.len(), out)?;
        self.check_len(input.len())
            .map_err(|e| Error::corrupt(Self::ID, e))?;
        unshuffle(self.elementsize, input, out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numcodecs_vectors() {
        let s = Shuffle::new(8);
        let input: Vec<u8> = [0x0102030405060708u64, 0x1112131415161718]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let enc = s.encode(&input, DType::U8).unwrap();
        assert_eq!(
            enc,
            [8, 0x18, 7, 0x17, 6, 0x16, 5, 0x15, 4, 0x14, 3, 0x13, 2, 0x12, 1, 0x11]
        );
        assert_eq!(s.decode(&enc).unwrap(), input);
    }

    #[test]
    fn errors() {
        let s = Shuffle::new(4);
        let e = s.encode(&[0; 6], DType::U1).unwrap_err().to_string();
        assert!(e.contains("not a multiple of elementsize 4"), "{e}");
        let mut out = [0u8; 7];
        let e = s.decode_into(&[0; 8], &mut out).unwrap_err();
        assert!(
            matches!(
                e,
                Error::OutputSize {
                    expected: 8,
                    found: 7,
                    ..
                }
            ),
            "{e}"
        );
        let e = s.decode_limited(&[0; 8], 4).unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }), "{e}");
        let e = Shuffle::from_config(&json!({"id": "shuffle", "elementsize": -1}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("elementsize"), "{e}");
    }

    #[test]
    fn zero_and_one_are_copies_and_empty_is_fine() {
        for n in [0, 1] {
            let s = Shuffle::new(n);
            assert_eq!(s.encode(b"abc", DType::U1).unwrap(), b"abc");
        }
        assert!(Shuffle::new(4).encode(&[], DType::U1).unwrap().is_empty());
        assert!(Shuffle::new(4).decode(&[]).unwrap().is_empty());
    }
}
