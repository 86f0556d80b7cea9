//! numcodecs `Zlib`: an RFC 1950 zlib stream (window bits 15, memLevel 8, default strategy) made
//! by real zlib (flate2 on libz-sys), so the bytes equal Python's `zlib.compress`.
//! Config `{"id": "zlib", "level": 1}`; level -1 is zlib's default (6), 0 is stored.
//!
//! Decode: one zlib stream; bytes after the end of the stream are ignored, as numcodecs does.

use super::stream::{self, run_stream, Sink, Space, Step};
use crate::codec::{Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use serde_json::{json, Value};

/// numcodecs' `Zlib(level)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zlib {
    level: i64,
}

/// zlib's `compressBound`.
pub(crate) fn deflate_bound(n: usize) -> usize {
    n + (n >> 12) + (n >> 14) + (n >> 25) + 13
}

/// A flate2 level from a numcodecs level in -1..=9 (-1 is zlib's default, 6).
pub(crate) fn flate_level(level: i64) -> Compression {
    Compression::new(u32::try_from(level).unwrap_or(6))
}

/// The output sizes CPython's zlib module hands to `deflate`, one after another, each time the
/// previous one filled up (`BUFFER_BLOCK_SIZE` of its blocks output buffer: 32 KiB, 64 KiB,
/// 256 KiB, 1 MiB, ..., then 256 MiB for good).
fn python_output_blocks() -> impl Iterator<Item = usize> {
    const KB: usize = 1024;
    const MB: usize = 1024 * KB;
    [
        32 * KB,
        64 * KB,
        256 * KB,
        MB,
        4 * MB,
        8 * MB,
        16 * MB,
        16 * MB,
        32 * MB,
        32 * MB,
        32 * MB,
        32 * MB,
        64 * MB,
        64 * MB,
        128 * MB,
        128 * MB,
    ]
    .into_iter()
    .chain(std::iter::repeat(256 * MB))
}

/// Runs `deflate(flush)` on the rest of `input` the way CPython's zlib module does, appending
/// to `out`: into a fresh 32 KiB output block, then into each next block of
/// [`python_output_blocks`] while the last one came back full. The output of level 0 depends on
/// these sizes (a stored block ends where the output space does), so this is what gives
/// numcodecs' stored blocks; for other levels the bytes are the same either way.
fn deflate_python(
    codec: &'static str,
    c: &mut Compress,
    input: &[u8],
    flush: FlushCompress,
    out: &mut Vec<u8>,
) -> Result<()> {
    for block in python_output_blocks() {
        let rest = input.get(c.total_in() as usize..).unwrap_or_default();
        let start = out.len();
        out.resize(start + block, 0);
        let before = c.total_out();
        let window = out.get_mut(start..).unwrap_or_default();
        let status = c
            .compress(rest, window, flush)
            .map_err(|e| Error::invalid_input(codec, format!("deflate failed: {e}")))?;
        let written = (c.total_out() - before) as usize;
        out.truncate(start + written);
        if written < block || status == Status::StreamEnd {
            return Ok(());
        }
    }
    Ok(())
}

/// A zlib stream of `input`, as CPython's `zlib.compress(input, level)` (numcodecs' Zlib)
/// writes it: one `deflate(Z_FINISH)` call sequence (see [`deflate_python`]).
pub(crate) fn deflate_all(
    codec: &'static str,
    c: &mut Compress,
    input: &[u8],
    out: &mut Vec<u8>,
) -> Result<()> {
    out.reserve(deflate_bound(input.len()));
    deflate_python(codec, c, input, FlushCompress::Finish, out)
}

/// A raw deflate stream of `input` as CPython's `gzip.GzipFile.write` + `close` write it
/// (numcodecs' GZip): `compressobj.compress(input)` (`deflate(Z_NO_FLUSH)`, skipped for empty
/// input), then `flush()` (`deflate(Z_FINISH)`), each with its own output blocks.
pub(crate) fn deflate_gzip_body(
    codec: &'static str,
    c: &mut Compress,
    input: &[u8],
    out: &mut Vec<u8>,
) -> Result<()> {
    out.reserve(deflate_bound(input.len()));
    if !input.is_empty() {
        deflate_python(codec, c, input, FlushCompress::None, out)?;
    }
    deflate_python(codec, c, input, FlushCompress::Finish, out)
}

/// One inflate step (zlib or raw deflate) for [`run_stream`].
pub(crate) fn inflate_step(
    codec: &'static str,
    d: &mut Decompress,
    input: &[u8],
    output: Space<'_>,
) -> Result<Step> {
    let (in0, out0) = (d.total_in(), d.total_out());
    let status = match output {
        Space::Slice(o) => d.decompress(input, o, FlushDecompress::None),
        Space::Vec(v) => d.decompress_vec(input, v, FlushDecompress::None),
    }
    .map_err(|e| Error::corrupt(codec, format!("inflate failed: {e}")))?;
    Ok(Step {
        consumed: (d.total_in() - in0) as usize,
        produced: (d.total_out() - out0) as usize,
        done: status == Status::StreamEnd,
    })
}

impl Zlib {
    pub const ID: &'static str = "zlib";

    /// A zlib codec at `level` (-1..=9).
    pub fn new(level: i64) -> Result<Self> {
        if !(-1..=9).contains(&level) {
            return Err(Error::config(
                Self::ID,
                "level",
                format!("{level} is out of range -1..=9"),
            ));
        }
        Ok(Zlib { level })
    }

    /// Builds from `{"id": "zlib", "level": N}` (default 1).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let level = r.optional_int_in("level", -1, 9)?.unwrap_or(1);
        r.finish()?;
        Zlib::new(level)
    }

    fn decode_to(&self, input: &[u8], sink: &mut Sink<'_>) -> Result<()> {
        if input.is_empty() {
            return Err(Error::corrupt(Self::ID, "empty input is not a zlib stream"));
        }
        let mut d = Decompress::new(true);
        // Bytes after the end of the stream are ignored (as Python's zlib.decompress does).
        run_stream(Self::ID, input, sink, |i, o| {
            inflate_step(Self::ID, &mut d, i, o)
        })?;
        Ok(())
    }
}

impl Codec for Zlib {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "level": self.level})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let mut c = Compress::new(flate_level(self.level), true);
        let mut out = Vec::new();
        deflate_all(Self::ID, &mut c, input, &mut out)?;
        Ok(out)
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
    use crate::codec::DEFAULT_DECODE_LIMIT;

    fn data() -> Vec<u8> {
        (0..10_000u32).flat_map(|v| (v / 7).to_le_bytes()).collect()
    }

    #[test]
    fn numcodecs_example_bytes() {
        let input: Vec<u8> = (0..8i32).flat_map(|v| v.to_le_bytes()).collect();
        let enc = Zlib::new(1).unwrap().encode(&input, DType::I4).unwrap();
        assert_eq!(
            enc,
            [
                0x78, 0x01, 0x63, 0x60, 0x60, 0x60, 0x60, 0x04, 0x62, 0x26, 0x20, 0x66, 0x06, 0x62,
                0x16, 0x20, 0x66, 0x05, 0x62, 0x36, 0x20, 0x66, 0x07, 0x62, 0x00, 0x01, 0x70, 0x00,
                0x1d
            ]
        );
    }

    #[test]
    fn round_trip_every_level_and_empty() {
        for level in -1..=9 {
            let c = Zlib::new(level).unwrap();
            for input in [Vec::new(), vec![7u8], data()] {
                let enc = c.encode(&input, DType::U1).unwrap();
                assert_eq!(c.decode(&enc).unwrap(), input, "level {level}");
                let mut out = vec![0u8; input.len()];
                c.decode_into(&enc, &mut out).unwrap();
                assert_eq!(out, input);
            }
        }
    }

    #[test]
    fn trailing_garbage_is_ignored_truncation_is_not() {
        let c = Zlib::new(5).unwrap();
        let input = data();
        let mut enc = c.encode(&input, DType::U1).unwrap();
        for cut in [1, 2, 5, enc.len() / 2, enc.len() - 1] {
            let e = c.decode(&enc[..cut]).unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "cut {cut}: {e}");
        }
        enc.extend_from_slice(b"garbage");
        assert_eq!(c.decode(&enc).unwrap(), input);
        assert!(matches!(
            c.decode(b"not zlib").unwrap_err(),
            Error::Corrupt { .. }
        ));
        assert!(matches!(c.decode(b"").unwrap_err(), Error::Corrupt { .. }));
        // A flipped bit in the payload fails the Adler-32 check or the inflate itself.
        let mut bad = c.encode(&input, DType::U1).unwrap();
        let n = bad.len();
        bad[n - 2] ^= 0x40;
        assert!(matches!(c.decode(&bad).unwrap_err(), Error::Corrupt { .. }));
    }

    #[test]
    fn bomb_stops_at_the_limit_and_wrong_out_size_is_an_error() {
        let c = Zlib::new(9).unwrap();
        let zeros = vec![0u8; 64 << 20];
        let bomb = c.encode(&zeros, DType::U1).unwrap();
        assert!(bomb.len() < 100_000);
        let e = c.decode_limited(&bomb, 1 << 20).unwrap_err();
        assert!(matches!(e, Error::TooLarge { limit: 1048576, .. }), "{e}");
        assert_eq!(c.decode_limited(&bomb, 64 << 20).unwrap().len(), 64 << 20);
        assert_eq!(
            c.decode_limited(&bomb, DEFAULT_DECODE_LIMIT).unwrap().len(),
            64 << 20
        );

        let input = data();
        let enc = c.encode(&input, DType::U1).unwrap();
        let mut small = vec![0xa5u8; input.len() + 8];
        let e = c
            .decode_into(&enc, &mut small[..input.len() - 1])
            .unwrap_err();
        assert!(matches!(e, Error::OutputSize { .. }), "{e}");
        assert!(
            small[input.len() - 1..].iter().all(|&b| b == 0xa5),
            "nothing written past out"
        );
        let e = c
            .decode_into(&enc, &mut small[..input.len() + 1])
            .unwrap_err();
        assert!(
            matches!(e, Error::OutputSize { expected, found, .. } if expected == input.len() && found == input.len() + 1),
            "{e}"
        );
    }

    #[test]
    fn config() {
        assert_eq!(
            Zlib::from_config(&json!({"id": "zlib"}))
                .unwrap()
                .get_config(),
            json!({"id": "zlib", "level": 1})
        );
        for bad in [
            json!({"level": 10}),
            json!({"level": -2}),
            json!({"level": "1"}),
            json!({"lvl": 1}),
        ] {
            let e = Zlib::from_config(&bad).unwrap_err().to_string();
            assert!(e.contains("level") || e.contains("lvl"), "{e}");
        }
    }
}
