//! numcodecs `GZip`: one gzip member (RFC 1952) as Python's `gzip.GzipFile` writes it:
//! `1f 8b 08`, FLG 0, MTIME = the current time, XFL (2 at level 9, 4 at level 1, else 0),
//! OS `ff`, raw deflate (real zlib, window bits 15, memLevel 8), CRC-32 and ISIZE (LE).
//! Config `{"id": "gzip", "level": 1}`.
//!
//! Only MTIME makes the output differ from numcodecs' (it writes the time too).
//!
//! Decode follows Python's `GzipFile.read`: any number of members; zero bytes after a member
//! are padding; empty input is empty output; anything else after a member must be another
//! member. FEXTRA/FNAME/FCOMMENT/FHCRC header fields are skipped (the header CRC is not
//! checked, as in Python); the CRC-32 and ISIZE of every member are.

use super::stream::{self, run_stream, Sink};
use super::zlib::{deflate_gzip_body, flate_level, inflate_step};
use crate::codec::{Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use flate2::{Compress, Decompress};
use serde_json::{json, Value};

/// numcodecs' `GZip(level)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GZip {
    level: i64,
}

const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

impl GZip {
    pub const ID: &'static str = "gzip";

    /// A gzip codec at `level` (-1..=9).
    pub fn new(level: i64) -> Result<Self> {
        if !(-1..=9).contains(&level) {
            return Err(Error::config(
                Self::ID,
                "level",
                format!("{level} is out of range -1..=9"),
            ));
        }
        Ok(GZip { level })
    }

    /// Builds from `{"id": "gzip", "level": N}` (default 1).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let level = r.optional_int_in("level", -1, 9)?.unwrap_or(1);
        r.finish()?;
        GZip::new(level)
    }

    /// Encodes with an explicit MTIME (`encode` uses the current time).
    pub fn encode_with_mtime(&self, input: &[u8], mtime: u32) -> Result<Vec<u8>> {
        let xfl = match self.level {
            9 => 2,
            1 => 4,
            _ => 0,
        };
        let mut out = Vec::with_capacity(super::zlib::deflate_bound(input.len()) + 18);
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0]);
        out.extend_from_slice(&mtime.to_le_bytes());
        out.extend_from_slice(&[xfl, 0xff]);
        let mut c = Compress::new(flate_level(self.level), false);
        deflate_gzip_body(Self::ID, &mut c, input, &mut out)?;
        out.extend_from_slice(&crc32fast::hash(input).to_le_bytes());
        out.extend_from_slice(&(input.len() as u32).to_le_bytes());
        Ok(out)
    }

    fn decode_to(&self, input: &[u8], sink: &mut Sink<'_>) -> Result<()> {
        let mut pos = 0usize;
        while pos < input.len() {
            let start = sink.len();
            pos += member_header_len(input.get(pos..).unwrap_or_default())?;
            let mut d = Decompress::new(false);
            pos += run_stream(
                Self::ID,
                input.get(pos..).unwrap_or_default(),
                sink,
                |i, o| inflate_step(Self::ID, &mut d, i, o),
            )?;
            let &[c0, c1, c2, c3, s0, s1, s2, s3] = input
                .get(pos..)
                .and_then(<[u8]>::first_chunk::<8>)
                .ok_or_else(|| {
                    Error::corrupt(Self::ID, "member ends before its CRC-32 and ISIZE trailer")
                })?;
            let stored_crc = u32::from_le_bytes([c0, c1, c2, c3]);
            let stored_size = u32::from_le_bytes([s0, s1, s2, s3]);
            pos += 8;
            let produced = sink.len() - start;
            let computed = crc32fast::hash(sink.decoded_from(start));
            if computed != stored_crc {
                return Err(Error::ChecksumMismatch {
                    codec: Self::ID.to_string(),
                    stored: stored_crc,
                    computed,
                });
            }
            if produced as u32 != stored_size {
                return Err(Error::corrupt(
                    Self::ID,
                    format!("member ISIZE {stored_size} does not match its {produced} decoded bytes (mod 2^32)"),
                ));
            }
            // Zero padding after a member is skipped.
            while input.get(pos) == Some(&0) {
                pos += 1;
            }
        }
        Ok(())
    }
}

/// The length of the gzip member header at the start of `b`.
fn member_header_len(b: &[u8]) -> Result<usize> {
    let truncated = || Error::corrupt(GZip::ID, "truncated gzip header");
    let &[id1, id2, method, flags, ..] = b.first_chunk::<10>().ok_or_else(truncated)?;
    if id1 != 0x1f || id2 != 0x8b {
        return Err(Error::corrupt(
            GZip::ID,
            "not a gzip member (bad magic bytes)",
        ));
    }
    if method != 8 {
        return Err(Error::corrupt(
            GZip::ID,
            format!("unknown compression method {method}"),
        ));
    }
    let mut pos = 10usize;
    if flags & FEXTRA != 0 {
        let xlen = b
            .get(pos..)
            .and_then(<[u8]>::first_chunk::<2>)
            .ok_or_else(truncated)?;
        pos += 2 + usize::from(u16::from_le_bytes(*xlen));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let rest = b.get(pos..).ok_or_else(truncated)?;
            let nul = rest.iter().position(|&c| c == 0).ok_or_else(truncated)?;
            pos += nul + 1;
        }
    }
    if flags & FHCRC != 0 {
        pos += 2;
    }
    if pos > b.len() {
        return Err(truncated());
    }
    Ok(pos)
}

impl Codec for GZip {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "level": self.level})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(0);
        self.encode_with_mtime(input, now)
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
    use std::path::Path;

    fn data() -> Vec<u8> {
        (0..10_000u32).flat_map(|v| (v / 7).to_le_bytes()).collect()
    }

    #[test]
    fn numcodecs_example_header_and_trailer() {
        let input: Vec<u8> = (0..8i32).flat_map(|v| v.to_le_bytes()).collect();
        let enc = GZip::new(1)
            .unwrap()
            .encode_with_mtime(&input, 0x01020304)
            .unwrap();
        assert_eq!(enc[..10], [0x1f, 0x8b, 8, 0, 4, 3, 2, 1, 4, 0xff]);
        assert_eq!(enc[10..12], [0x63, 0x60]);
        assert_eq!(
            enc[enc.len() - 8..],
            [0xdc, 0x23, 0x07, 0x79, 0x20, 0, 0, 0]
        );
    }

    /// numcodecs' bytes with their MTIME are ours with the same MTIME (the fixtures are marked
    /// inexact only because of the time).
    #[test]
    fn fixtures_equal_ours_but_for_mtime() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gzip");
        let Ok(dirs) = std::fs::read_dir(&root) else {
            panic!("no gzip fixtures under {}", root.display());
        };
        let mut n = 0;
        for d in dirs {
            let d = d.unwrap().path();
            let cfg: Value =
                serde_json::from_slice(&std::fs::read(d.join("config.json")).unwrap()).unwrap();
            let input = std::fs::read(d.join("input.bin")).unwrap();
            let theirs = std::fs::read(d.join("encoded.bin")).unwrap();
            let mtime = u32::from_le_bytes(theirs[4..8].try_into().unwrap());
            let ours = GZip::from_config(&cfg)
                .unwrap()
                .encode_with_mtime(&input, mtime)
                .unwrap();
            assert_eq!(ours, theirs, "{}", d.display());
            n += 1;
        }
        assert!(n > 10, "only {n} gzip fixtures");
    }

    #[test]
    fn multi_member_padding_and_empty() {
        let c = GZip::new(5).unwrap();
        let a = data();
        let b = b"second member".to_vec();
        let mut enc = c.encode(&a, DType::U1).unwrap();
        enc.extend_from_slice(&[0, 0, 0]);
        enc.extend(c.encode(&b, DType::U1).unwrap());
        enc.extend_from_slice(&[0]);
        let mut joined = a.clone();
        joined.extend_from_slice(&b);
        assert_eq!(c.decode(&enc).unwrap(), joined);
        let mut out = vec![0u8; joined.len()];
        c.decode_into(&enc, &mut out).unwrap();
        assert_eq!(out, joined);
        assert!(c.decode(b"").unwrap().is_empty());
        let mut out: [u8; 0] = [];
        c.decode_into(b"", &mut out).unwrap();
        // Optional header fields are skipped.
        let mut named = c.encode_with_mtime(b"xyz", 0).unwrap();
        named[3] = FNAME | FEXTRA | FCOMMENT | FHCRC;
        let mut with_fields = named[..10].to_vec();
        with_fields.extend_from_slice(&[3, 0, b'a', b'b', b'c']);
        with_fields.extend_from_slice(b"name\0comment\0\x12\x34");
        with_fields.extend_from_slice(&named[10..]);
        assert_eq!(c.decode(&with_fields).unwrap(), b"xyz");
    }

    #[test]
    fn bad_inputs() {
        let c = GZip::new(1).unwrap();
        let input = data();
        let enc = c.encode(&input, DType::U1).unwrap();
        for cut in [1, 5, 10, 12, enc.len() / 2, enc.len() - 8, enc.len() - 1] {
            let e = c.decode(&enc[..cut]).unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "cut {cut}: {e}");
        }
        let mut trailing = enc.clone();
        trailing.extend_from_slice(b"junk");
        assert!(matches!(
            c.decode(&trailing).unwrap_err(),
            Error::Corrupt { .. }
        ));
        let mut bad_crc = enc.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 1;
        assert!(matches!(
            c.decode(&bad_crc).unwrap_err(),
            Error::ChecksumMismatch { .. }
        ));
        let mut bad_size = enc.clone();
        bad_size[n - 4] ^= 1;
        assert!(matches!(
            c.decode(&bad_size).unwrap_err(),
            Error::Corrupt { .. }
        ));
        let mut bad_method = enc.clone();
        bad_method[2] = 7;
        assert!(matches!(
            c.decode(&bad_method).unwrap_err(),
            Error::Corrupt { .. }
        ));
        assert!(matches!(
            c.decode(b"\0\0\0").unwrap_err(),
            Error::Corrupt { .. }
        ));
    }

    #[test]
    fn bomb_and_out_size() {
        let c = GZip::new(9).unwrap();
        let bomb = c.encode(&vec![0u8; 32 << 20], DType::U1).unwrap();
        let e = c.decode_limited(&bomb, 1000).unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }), "{e}");
        let input = data();
        let enc = c.encode(&input, DType::U1).unwrap();
        let mut buf = vec![0x5au8; input.len() + 4];
        let e = c
            .decode_into(&enc, &mut buf[..input.len() - 3])
            .unwrap_err();
        assert!(matches!(e, Error::OutputSize { .. }), "{e}");
        assert!(buf[input.len() - 3..].iter().all(|&b| b == 0x5a));
        let e = c
            .decode_into(&enc, &mut buf[..input.len() + 4])
            .unwrap_err();
        assert!(matches!(e, Error::OutputSize { .. }), "{e}");
    }

    #[test]
    fn config() {
        assert_eq!(
            GZip::from_config(&json!({})).unwrap().get_config(),
            json!({"id": "gzip", "level": 1})
        );
        assert!(GZip::from_config(&json!({"level": 11}))
            .unwrap_err()
            .to_string()
            .contains("level"));
        assert!(GZip::from_config(&json!({"mtime": 0}))
            .unwrap_err()
            .to_string()
            .contains("mtime"));
    }
}
