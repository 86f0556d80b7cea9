//! numcodecs `BZ2`: one bzip2 stream (Python's `bz2.compress`, block size = level, work factor
//! 30), made by the `bzip2` crate's libbzip2 port. Config `{"id": "bz2", "level": 1}` (1..=9).
//!
//! Decode follows Python's `bz2.decompress`: empty input is empty output; streams are decoded
//! one after another; once at least one stream has been decoded, bytes that are not a valid
//! stream are ignored (with whatever that broken stream produced), but a stream that is merely
//! cut short is an error.

use super::stream::{self, run_concatenated, Sink, Space, Step};
use crate::codec::{Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use bzip2::{Compress, Compression, Decompress, Status};
use serde_json::{json, Value};

/// numcodecs' `BZ2(level)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bz2 {
    level: u32,
}

impl Bz2 {
    pub const ID: &'static str = "bz2";

    /// A bz2 codec at `level` (1..=9).
    pub fn new(level: i64) -> Result<Self> {
        if !(1..=9).contains(&level) {
            return Err(Error::config(
                Self::ID,
                "level",
                format!("{level} is out of range 1..=9"),
            ));
        }
        Ok(Bz2 {
            level: level as u32,
        })
    }

    /// Builds from `{"id": "bz2", "level": N}` (default 1).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let level = r.optional_int_in("level", 1, 9)?.unwrap_or(1);
        r.finish()?;
        Bz2::new(level)
    }

    fn decode_to(&self, input: &[u8], sink: &mut Sink<'_>) -> Result<()> {
        if input.is_empty() {
            return Ok(());
        }
        let new = || Ok(Decompress::new(false));
        run_concatenated(Self::ID, input, sink, new, |d, i, o| {
            let (in0, out0) = (d.total_in(), d.total_out());
            let status = match o {
                Space::Slice(o) => d.decompress(i, o),
                Space::Vec(v) => d.decompress_vec(i, v),
            }
            .map_err(|e| Error::corrupt(Self::ID, format!("invalid bzip2 data: {e}")))?;
            Ok(Step {
                consumed: (d.total_in() - in0) as usize,
                produced: (d.total_out() - out0) as usize,
                done: status == Status::StreamEnd,
            })
        })
    }
}

impl Codec for Bz2 {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "level": self.level})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let mut c = Compress::new(Compression::new(self.level), 30);
        let mut out = Vec::with_capacity(input.len() + input.len() / 100 + 600);
        loop {
            let rest = input.get(c.total_in() as usize..).unwrap_or_default();
            let status = c
                .compress_vec(rest, &mut out, bzip2::Action::Finish)
                .map_err(|e| {
                    Error::invalid_input(Self::ID, format!("bzip2 compression failed: {e}"))
                })?;
            if status == Status::StreamEnd {
                return Ok(out);
            }
            out.reserve(out.capacity().max(1024));
        }
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        stream::decode_limited(Self::ID, input, limit, |s| self.decode_to(input, s))
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        stream::decode_into(Self::ID, out, |s| self.decode_to(input, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<u8> {
        (0..10_000u32).flat_map(|v| (v / 7).to_le_bytes()).collect()
    }

    #[test]
    fn numcodecs_example_bytes() {
        let input: Vec<u8> = (0..8i32).flat_map(|v| v.to_le_bytes()).collect();
        let enc = Bz2::new(1).unwrap().encode(&input, DType::I4).unwrap();
        assert_eq!(enc.len(), 46);
        assert_eq!(
            enc[..14],
            [0x42, 0x5a, 0x68, 0x31, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0x22, 0xf7, 0x3e, 0x4b]
        );
    }

    #[test]
    fn multi_stream_trailing_and_empty() {
        let c = Bz2::new(9).unwrap();
        let d = data();
        let mut two = c.encode(&d, DType::U1).unwrap();
        two.extend(c.encode(b"more", DType::U1).unwrap());
        let mut want = d.clone();
        want.extend_from_slice(b"more");
        assert_eq!(c.decode(&two).unwrap(), want);
        let mut out = vec![0u8; want.len()];
        c.decode_into(&two, &mut out).unwrap();
        assert_eq!(out, want);
        // Trailing garbage after a stream is ignored (Python does the same) ...
        let mut garbage = two.clone();
        garbage.extend_from_slice(b"garbage bytes");
        assert_eq!(c.decode(&garbage).unwrap(), want);
        // ... but a truncated trailing stream is an error.
        let mut cut = two.clone();
        cut.extend_from_slice(&c.encode(b"third", DType::U1).unwrap()[..20]);
        assert!(matches!(c.decode(&cut).unwrap_err(), Error::Corrupt { .. }));
        assert!(c.decode(b"").unwrap().is_empty());
        let enc = c.encode(b"", DType::U1).unwrap();
        assert!(c.decode(&enc).unwrap().is_empty());
    }

    #[test]
    fn bad_inputs_bomb_and_out_size() {
        let c = Bz2::new(1).unwrap();
        let d = data();
        let enc = c.encode(&d, DType::U1).unwrap();
        for cut in [1, 3, 10, enc.len() / 2, enc.len() - 1] {
            let e = c.decode(&enc[..cut]).unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "cut {cut}: {e}");
        }
        assert!(matches!(
            c.decode(b"not bzip2").unwrap_err(),
            Error::Corrupt { .. }
        ));
        let mut flipped = enc.clone();
        flipped[20] ^= 0x10;
        assert!(c.decode(&flipped).is_err());
        let bomb = Bz2::new(9)
            .unwrap()
            .encode(&vec![0u8; 32 << 20], DType::U1)
            .unwrap();
        assert!(bomb.len() < 1000);
        assert!(matches!(
            c.decode_limited(&bomb, 1 << 20).unwrap_err(),
            Error::TooLarge { .. }
        ));
        let mut buf = vec![0x11u8; d.len() + 1];
        let e = c.decode_into(&enc, &mut buf[..d.len() - 1]).unwrap_err();
        assert!(matches!(e, Error::OutputSize { .. }), "{e}");
        assert_eq!(buf[d.len() - 1..], [0x11, 0x11]);
        assert!(matches!(
            c.decode_into(&enc, &mut buf).unwrap_err(),
            Error::OutputSize { .. }
        ));
    }

    #[test]
    fn config() {
        assert_eq!(
            Bz2::from_config(&json!({})).unwrap().get_config(),
            json!({"id": "bz2", "level": 1})
        );
        for bad in [
            json!({"level": 0}),
            json!({"level": 10}),
            json!({"level": true}),
        ] {
            assert!(Bz2::from_config(&bad)
                .unwrap_err()
                .to_string()
                .contains("level"));
        }
    }
}
