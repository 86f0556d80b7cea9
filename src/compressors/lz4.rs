//! numcodecs `LZ4`: a 4-byte little-endian original size, then one raw LZ4 block from
//! `LZ4_compress_fast` (C liblz4 1.10 through the `lz4` crate: the library and version numcodecs
//! bundles, so the bytes are identical). Not the LZ4 frame format.
//! Config `{"id": "lz4", "acceleration": 1}`; values <= 0 mean 1, as in numcodecs.
//!
//! Decode: the size header is checked (negative sizes are corrupt) against the caller's limit
//! or `out` before anything is allocated; the block must decode to exactly that size with no
//! bytes left over. Blocks are decoded by our own LZ4 block decoder (`kernels::lz4`), which
//! accepts exactly what liblz4's `LZ4_decompress_safe` accepts except match offset 0 (liblz4
//! then copies output bytes never written; we report it as corrupt). Unlike numcodecs, a header of 0 followed by the empty block (`00`) decodes to
//! nothing, so `decode(encode(b""))` round-trips here (numcodecs rejects it).
//! The format has no checksum: a corrupted block may decode to wrong bytes without an error,
//! in numcodecs too.

use crate::codec::{check_limit, Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ffi::lz4::{compress_bound, compress_fast_append};
use chunkcodec_kernels::lz4::{decompress_append, decompress_into, Lz4Error};
use serde_json::{json, Value};

/// numcodecs' `LZ4(acceleration)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lz4 {
    acceleration: i64,
}

/// numcodecs' `max_buffer_size` for LZ4 (encode input and decode input).
pub const MAX_BUFFER_SIZE: usize = 0x7E00_0000;

impl Lz4 {
    pub const ID: &'static str = "lz4";

    /// An LZ4 codec with `acceleration` (<= 0 means 1).
    pub fn new(acceleration: i64) -> Self {
        Lz4 { acceleration }
    }

    /// Builds from `{"id": "lz4", "acceleration": N}` (default 1).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let acceleration = r
            .optional_int_in("acceleration", i32::MIN as i64, i32::MAX as i64)?
            .unwrap_or(1);
        r.finish()?;
        Ok(Lz4::new(acceleration))
    }

    /// The decoded size from the header, and the block.
    fn header(input: &[u8]) -> Result<(usize, &[u8])> {
        if input.len() > MAX_BUFFER_SIZE {
            return Err(Error::corrupt(
                Self::ID,
                format!(
                    "encoded buffer of {} bytes is over the {MAX_BUFFER_SIZE}-byte maximum",
                    input.len()
                ),
            ));
        }
        let (head, block) = input.split_first_chunk::<4>().ok_or_else(|| {
            Error::corrupt(
                Self::ID,
                format!(
                    "{} bytes is too short for the 4-byte size header",
                    input.len()
                ),
            )
        })?;
        let size = i32::from_le_bytes(*head);
        if size < 0 {
            return Err(Error::corrupt(
                Self::ID,
                format!("negative decoded size {size} in the header"),
            ));
        }
        Ok((size as usize, block))
    }

    fn decode_block(block: &[u8], out: &mut [u8]) -> Result<()> {
        let size = out.len();
        match decompress_into(block, out) {
            Ok(n) if n == size => Ok(()),
            Ok(n) => Err(Self::short(n, size)),
            Err(e) => Err(Self::invalid(e)),
        }
    }

    fn short(n: usize, size: usize) -> Error {
        Error::corrupt(
            Self::ID,
            format!("block decoded to {n} bytes but the header says {size}"),
        )
    }

    fn invalid(e: Lz4Error) -> Error {
        Error::corrupt(Self::ID, format!("invalid LZ4 block: {e}"))
    }
}

impl Codec for Lz4 {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "acceleration": self.acceleration})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        if input.len() > MAX_BUFFER_SIZE {
            return Err(Error::invalid_input(
                Self::ID,
                format!(
                    "buffer of {} bytes is over the {MAX_BUFFER_SIZE}-byte maximum",
                    input.len()
                ),
            ));
        }
        let accel = self.acceleration.clamp(1, i32::MAX as i64) as i32;
        // LZ4_COMPRESSBOUND; liblz4 writes straight into the spare capacity (no zero-fill).
        let bound = compress_bound(input.len());
        let mut out = Vec::with_capacity(bound + 4);
        out.extend_from_slice(&(input.len() as u32).to_le_bytes());
        if input.is_empty() {
            out.push(0);
        } else if compress_fast_append(input, &mut out, bound, accel) == 0 {
            return Err(Error::invalid_input(
                Self::ID,
                "liblz4 failed to compress within its bound",
            ));
        }
        if out.capacity() - out.len() > 4096 {
            out.shrink_to_fit();
        }
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let (size, block) = Self::header(input)?;
        check_limit(Self::ID, size as u64, limit)?;
        // LZ4's largest ratio is 255:1 (each 0xFF length byte adds 255 bytes), so a header
        // claiming more is corrupt: refused before `size` bytes are allocated.
        if size > block.len().saturating_mul(255).saturating_add(16) {
            return Err(Error::corrupt(
                Self::ID,
                format!(
                    "decoded size {size} in the header is more than a {}-byte LZ4 block can hold",
                    block.len()
                ),
            ));
        }
        // Decoded straight into the spare capacity (no zero-fill first); the decoder reads
        // only output bytes it wrote (an offset-0 match is an error).
        let mut out = Vec::new();
        match decompress_append(block, &mut out, size) {
            Ok(n) if n == size => Ok(out),
            Ok(n) => Err(Self::short(n, size)),
            Err(e) => Err(Self::invalid(e)),
        }
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let (size, block) = Self::header(input)?;
        if size != out.len() {
            return Err(Error::output_size(Self::ID, size, out.len()));
        }
        Self::decode_block(block, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<u8> {
        (0..20_000u32).flat_map(|v| (v / 5).to_le_bytes()).collect()
    }

    #[test]
    fn numcodecs_example_bytes() {
        let input: Vec<u8> = (0..8i32).flat_map(|v| v.to_le_bytes()).collect();
        let enc = Lz4::new(1).encode(&input, DType::I4).unwrap();
        assert_eq!(enc[..6], [0x20, 0, 0, 0, 0xf0, 0x11]);
        assert_eq!(enc[6..], input[..]);
        assert_eq!(Lz4::new(1).encode(b"", DType::U1).unwrap(), [0, 0, 0, 0, 0]);
    }

    #[test]
    fn round_trips_and_acceleration() {
        let d = data();
        let plain = Lz4::new(1).encode(&d, DType::U1).unwrap();
        for acc in [-5, 0, 1] {
            assert_eq!(
                Lz4::new(acc).encode(&d, DType::U1).unwrap(),
                plain,
                "acc {acc} is 1"
            );
        }
        for acc in [1, 10, 100, 1 << 20] {
            let c = Lz4::new(acc);
            let enc = c.encode(&d, DType::U1).unwrap();
            assert_eq!(c.decode(&enc).unwrap(), d);
        }
        let c = Lz4::new(1);
        for input in [&b""[..], b"x"] {
            let enc = c.encode(input, DType::U1).unwrap();
            assert_eq!(c.decode(&enc).unwrap(), input);
            let mut out = vec![0u8; input.len()];
            c.decode_into(&enc, &mut out).unwrap();
        }
    }

    #[test]
    fn bad_inputs() {
        let c = Lz4::new(1);
        let d = data();
        let enc = c.encode(&d, DType::U1).unwrap();
        for cut in [0, 3, 4, 5, enc.len() / 2, enc.len() - 1] {
            let e = c.decode(&enc[..cut]).unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "cut {cut}: {e}");
        }
        let mut trailing = enc.clone();
        trailing.extend_from_slice(&[0, 0, 0]);
        assert!(matches!(
            c.decode(&trailing).unwrap_err(),
            Error::Corrupt { .. }
        ));
        let mut neg = enc.clone();
        neg[3] = 0x80;
        assert!(matches!(c.decode(&neg).unwrap_err(), Error::Corrupt { .. }));
        // A header that lies about the size: too big is refused before allocating, too small
        // fails in the block decoder.
        let mut big = enc.clone();
        big[..4].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        assert!(matches!(
            c.decode_limited(&big, 1 << 20).unwrap_err(),
            Error::TooLarge { .. }
        ));
        let mut small = enc.clone();
        small[..4].copy_from_slice(&((d.len() - 1) as u32).to_le_bytes());
        assert!(matches!(
            c.decode(&small).unwrap_err(),
            Error::Corrupt { .. }
        ));
        let mut bigger = enc.clone();
        bigger[..4].copy_from_slice(&((d.len() + 1) as u32).to_le_bytes());
        assert!(matches!(
            c.decode(&bigger).unwrap_err(),
            Error::Corrupt { .. }
        ));
        assert!(matches!(
            c.decode(&[0, 0, 0, 0]).unwrap_err(),
            Error::Corrupt { .. }
        ));
        assert!(matches!(
            c.decode(&[0, 0, 0, 0, 0, 0]).unwrap_err(),
            Error::Corrupt { .. }
        ));
    }

    #[test]
    fn bomb_and_out_size() {
        let c = Lz4::new(1);
        let bomb = c.encode(&vec![0u8; 16 << 20], DType::U1).unwrap();
        let e = c.decode_limited(&bomb, 1 << 20).unwrap_err();
        assert!(
            matches!(e, Error::TooLarge { claimed, .. } if claimed == 16 << 20),
            "{e}"
        );
        let d = data();
        let enc = c.encode(&d, DType::U1).unwrap();
        let mut buf = vec![0x33u8; d.len() + 2];
        let e = c.decode_into(&enc, &mut buf[..d.len() - 1]).unwrap_err();
        assert!(
            matches!(e, Error::OutputSize { expected, .. } if expected == d.len()),
            "{e}"
        );
        let e = c.decode_into(&enc, &mut buf[..d.len() + 1]).unwrap_err();
        assert!(matches!(e, Error::OutputSize { .. }), "{e}");
        assert!(
            buf.iter().all(|&b| b == 0x33),
            "nothing written on a size error"
        );
    }

    #[test]
    fn config() {
        assert_eq!(
            Lz4::from_config(&json!({})).unwrap().get_config(),
            json!({"id": "lz4", "acceleration": 1})
        );
        assert_eq!(
            Lz4::from_config(&json!({"acceleration": -1}))
                .unwrap()
                .get_config()["acceleration"],
            -1
        );
        assert!(Lz4::from_config(&json!({"acceleration": "fast"}))
            .unwrap_err()
            .to_string()
            .contains("acceleration"));
        assert!(Lz4::from_config(&json!({"level": 1}))
            .unwrap_err()
            .to_string()
            .contains("level"));
    }
}
