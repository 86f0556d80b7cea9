//! numcodecs `Zstd`: one standard Zstandard frame from `ZSTD_compress2` with the content size
//! always in the header. Config `{"id": "zstd", "level": 0, "checksum": false}`; level 0 is
//! zstd's default (3), levels above 22 are clamped to 22 and negative levels are zstd's fast
//! levels, as in numcodecs.
//!
//! Decode: any number of concatenated frames (skippable frames included), frames with or
//! without a content size. The declared content sizes are checked against the caller's limit
//! before anything is allocated; frames without one are decoded in steps into a buffer that
//! never grows past the limit. Unlike numcodecs we also decode frames whose content size is 0
//! (numcodecs' own `encode(b"")` output, which numcodecs cannot decode).
//!
//! Frames without a content size need a window buffer of the frame's declared window size:
//! we accept windows up to `max(8 MiB, limit)` (and never above zstd's default maximum of
//! 128 MiB), so a tiny malicious frame cannot make us allocate more than that.
//!
//! Bytes: libzstd 1.5.7 (zstd-sys) here, 1.5.6 in numcodecs 0.16.6. 1.5.7 pre-splits blocks
//! by default, which changed the frames of inputs over 128 KiB; the encoder turns that off
//! (`src/ffi/zstd.rs`), and the frames are numcodecs' byte for byte (fixtures, including one
//! of 256 KiB; checked on 8 MiB arrays at levels -5 to 22 with and without checksum).

use super::stream::{self, run_stream, Sink, Space, Step};
use crate::codec::{Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::{Error, Result};
use serde_json::{json, Value};
use zstd::zstd_safe::{self, DCtx, DParameter, InBuffer, OutBuffer};

/// numcodecs' `Zstd(level, checksum)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zstd {
    level: i32,
    checksum: bool,
}

/// zstd's largest level; numcodecs clamps larger ones to it.
const MAX_LEVEL: i32 = 22;
/// Window logs always accepted for frames without a content size (8 MiB covers the
/// default windows of levels up to 19).
const MIN_WINDOW_LOG_MAX: u32 = 23;
/// zstd's own default maximum (128 MiB), which numcodecs uses.
const DEFAULT_WINDOW_LOG_MAX: u32 = 27;

fn zstd_error(code: usize) -> Error {
    Error::corrupt(Zstd::ID, zstd_safe::get_error_name(code))
}

/// What a walk over the frames found: the sum of the declared content sizes and whether some
/// frame has none.
struct Frames {
    known: u64,
    any_unknown: bool,
}

fn scan_frames(input: &[u8]) -> Result<Frames> {
    if input.is_empty() {
        return Err(Error::corrupt(Zstd::ID, "empty input is not a zstd frame"));
    }
    let mut pos = 0usize;
    let mut f = Frames {
        known: 0,
        any_unknown: false,
    };
    while pos < input.len() {
        let rest = input.get(pos..).unwrap_or_default();
        let size = zstd_safe::find_frame_compressed_size(rest).map_err(zstd_error)?;
        if size == 0 || size > rest.len() {
            return Err(Error::corrupt(Zstd::ID, "truncated frame"));
        }
        match zstd_safe::get_frame_content_size(rest) {
            Ok(Some(n)) => f.known = f.known.saturating_add(n),
            Ok(None) => f.any_unknown = true,
            Err(_) => return Err(Error::corrupt(Zstd::ID, "invalid frame header")),
        }
        pos += size;
    }
    Ok(f)
}

impl Zstd {
    pub const ID: &'static str = "zstd";

    /// A zstd codec at `level` (any i32; > 22 is clamped when encoding), with or without the
    /// frame checksum.
    pub fn new(level: i32, checksum: bool) -> Self {
        Zstd { level, checksum }
    }

    /// Builds from `{"id": "zstd", "level": N, "checksum": B}` (defaults 0 and false).
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let level = r
            .optional_int_in("level", i32::MIN as i64, i32::MAX as i64)?
            .unwrap_or(0) as i32;
        let checksum = r.optional_bool("checksum")?.unwrap_or(false);
        r.finish()?;
        Ok(Zstd::new(level, checksum))
    }

    fn decode_to(&self, input: &[u8], sink: &mut Sink<'_>, limit: usize) -> Result<()> {
        let mut d = DCtx::create();
        let log = (usize::BITS - limit.saturating_sub(1).leading_zeros())
            .clamp(MIN_WINDOW_LOG_MAX, DEFAULT_WINDOW_LOG_MAX);
        d.set_parameter(DParameter::WindowLogMax(log))
            .map_err(zstd_error)?;
        let mut pos = 0usize;
        while pos < input.len() {
            let rest = input.get(pos..).unwrap_or_default();
            let used = run_stream(Self::ID, rest, sink, |i, o| {
                let mut ib = InBuffer::around(i);
                let (hint, produced) = match o {
                    Space::Slice(o) => {
                        let mut ob = OutBuffer::around(o);
                        let hint = d.decompress_stream(&mut ob, &mut ib).map_err(zstd_error)?;
                        (hint, ob.pos())
                    }
                    Space::Vec(v) => {
                        let start = v.len();
                        let mut ob = OutBuffer::around_pos(v, start);
                        let hint = d.decompress_stream(&mut ob, &mut ib).map_err(zstd_error)?;
                        let end = ob.pos();
                        (hint, end - start)
                    }
                };
                Ok(Step {
                    consumed: ib.pos(),
                    produced,
                    done: hint == 0,
                })
            })?;
            pos += used;
        }
        Ok(())
    }
}

impl Codec for Zstd {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "level": self.level, "checksum": self.checksum})
    }

    fn encode(&self, input: &[u8], _dtype: DType) -> Result<Vec<u8>> {
        // Through src/ffi/zstd.rs: without libzstd 1.5.7's block pre-splitting, so the frames
        // are numcodecs' (libzstd 1.5.6) byte for byte.
        let mut out = Vec::new();
        crate::ffi::zstd::compress_append(
            input,
            self.level.min(MAX_LEVEL),
            self.checksum,
            &mut out,
        )
        .map_err(|e| Error::invalid_input(Self::ID, e))?;
        Ok(out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let frames = scan_frames(input)?;
        if frames.known > limit as u64 {
            return Err(Error::too_large(Self::ID, frames.known, limit));
        }
        // A block holds at most 128 KiB and takes at least 4 bytes (an RLE block), so frames
        // cannot hold more than 32768 bytes per input byte: larger declared content sizes are
        // corrupt, refused before they are allocated.
        if frames.known > (input.len() as u64).saturating_mul(32_768) {
            return Err(Error::corrupt(
                Self::ID,
                format!(
                    "declared content size {} is more than {} bytes of frames can hold",
                    frames.known,
                    input.len()
                ),
            ));
        }
        let known = frames.known as usize;
        let mut sink = if frames.any_unknown {
            Sink::grow(
                Self::ID,
                limit,
                known.max(input.len().saturating_mul(4)),
                false,
            )
        } else {
            Sink::grow(Self::ID, limit, known, true)
        };
        self.decode_to(input, &mut sink, limit)?;
        sink.finish()
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let frames = scan_frames(input)?;
        if frames.known > out.len() as u64
            || (!frames.any_unknown && frames.known != out.len() as u64)
        {
            return Err(Error::output_size(
                Self::ID,
                frames.known.min(usize::MAX as u64) as usize,
                out.len(),
            ));
        }
        let limit = out.len();
        stream::decode_into(Self::ID, out, |s| self.decode_to(input, s, limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::DEFAULT_DECODE_LIMIT;

    fn data() -> Vec<u8> {
        (0..20_000u32).flat_map(|v| (v / 3).to_le_bytes()).collect()
    }

    /// A frame without a content size (as streaming writers make), via zstd's stream encoder.
    fn streaming_frame(input: &[u8], level: i32) -> Vec<u8> {
        let mut enc = zstd::stream::write::Encoder::new(Vec::new(), level).unwrap();
        enc.include_contentsize(false).unwrap();
        std::io::Write::write_all(&mut enc, input).unwrap();
        let out = enc.finish().unwrap();
        assert_eq!(zstd_safe::get_frame_content_size(&out).unwrap(), None);
        out
    }

    #[test]
    fn numcodecs_example_bytes() {
        let input: Vec<u8> = (0..8i32).flat_map(|v| v.to_le_bytes()).collect();
        let enc = Zstd::new(3, false).encode(&input, DType::I4).unwrap();
        assert_eq!(
            enc[..9],
            [0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x20, 0x01, 0x01, 0x00]
        );
        assert_eq!(enc[9..], input[..]);
        let enc = Zstd::new(3, true).encode(&input, DType::I4).unwrap();
        assert_eq!(enc[4], 0x24);
        assert_eq!(enc[enc.len() - 4..], [0xdf, 0x0f, 0xf4, 0xaf]);
        // Clamping: 100 is 22, 0 is 3.
        let d = data();
        assert_eq!(
            Zstd::new(100, false).encode(&d, DType::U1).unwrap(),
            Zstd::new(22, false).encode(&d, DType::U1).unwrap()
        );
        assert_eq!(
            Zstd::new(0, false).encode(&d, DType::U1).unwrap(),
            Zstd::new(3, false).encode(&d, DType::U1).unwrap()
        );
    }

    #[test]
    fn round_trips_multi_frame_streaming_and_empty() {
        let d = data();
        for level in [-5, -1, 0, 1, 3, 19] {
            let c = Zstd::new(level, level == 1);
            let enc = c.encode(&d, DType::U1).unwrap();
            assert_eq!(c.decode(&enc).unwrap(), d);
        }
        let c = Zstd::new(3, false);
        let mut multi = c.encode(&d, DType::U1).unwrap();
        multi.extend(streaming_frame(b"tail", 3));
        multi.extend(c.encode(b"", DType::U1).unwrap());
        // A skippable frame decodes to nothing.
        multi.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
        multi.extend(c.encode(b"end", DType::U1).unwrap());
        let mut want = d.clone();
        want.extend_from_slice(b"tailend");
        assert_eq!(c.decode(&multi).unwrap(), want);
        let mut out = vec![0u8; want.len()];
        c.decode_into(&multi, &mut out).unwrap();
        assert_eq!(out, want);
        // Empty frames (content size 0), which numcodecs rejects, decode to nothing.
        let empty = c.encode(b"", DType::U1).unwrap();
        assert!(c.decode(&empty).unwrap().is_empty());
        let big_stream = streaming_frame(&d, 3);
        assert_eq!(c.decode(&big_stream).unwrap(), d);
        assert_eq!(c.decode_limited(&big_stream, d.len()).unwrap(), d);
    }

    #[test]
    fn bad_inputs() {
        let c = Zstd::new(3, true);
        let d = data();
        let enc = c.encode(&d, DType::U1).unwrap();
        for cut in [0, 1, 4, 6, enc.len() / 2, enc.len() - 1] {
            let e = c.decode(&enc[..cut]).unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "cut {cut}: {e}");
        }
        let mut trailing = enc.clone();
        trailing.extend_from_slice(b"xyz");
        assert!(matches!(
            c.decode(&trailing).unwrap_err(),
            Error::Corrupt { .. }
        ));
        let mut flipped = enc.clone();
        let n = flipped.len();
        flipped[n - 2] ^= 0xff; // the checksum
        assert!(matches!(
            c.decode(&flipped).unwrap_err(),
            Error::Corrupt { .. }
        ));
        assert!(matches!(
            c.decode(b"garbage!").unwrap_err(),
            Error::Corrupt { .. }
        ));
        // Truncated streaming frame.
        let s = streaming_frame(&d, 3);
        assert!(matches!(
            c.decode(&s[..s.len() - 3]).unwrap_err(),
            Error::Corrupt { .. }
        ));
    }

    #[test]
    fn bombs_stop_at_the_limit() {
        let c = Zstd::new(19, false);
        let zeros = vec![0u8; 64 << 20];
        let bomb = c.encode(&zeros, DType::U1).unwrap();
        assert!(bomb.len() < 10_000);
        let e = c.decode_limited(&bomb, 1 << 20).unwrap_err();
        assert!(
            matches!(e, Error::TooLarge { claimed, .. } if claimed == 64 << 20),
            "{e}"
        );
        // Without a content size the decoder stops once it passes the limit.
        let sbomb = streaming_frame(&zeros, 3);
        let e = c.decode_limited(&sbomb, 1 << 20).unwrap_err();
        assert!(matches!(e, Error::TooLarge { limit: 1048576, .. }), "{e}");
        assert_eq!(
            c.decode_limited(&sbomb, DEFAULT_DECODE_LIMIT)
                .unwrap()
                .len(),
            64 << 20
        );
        // A content size that lies (claims 2^40 bytes).
        let mut liar = vec![0x28, 0xb5, 0x2f, 0xfd, 0xe0];
        liar.extend_from_slice(&(1u64 << 40).to_le_bytes());
        liar.extend_from_slice(&[1, 0, 0]);
        assert!(matches!(
            c.decode(&liar).unwrap_err(),
            Error::TooLarge { .. } | Error::Corrupt { .. }
        ));
    }

    #[test]
    fn huge_declared_window_is_refused_without_allocating() {
        // No content size, window 2^30 (descriptor exponent 20), one raw last block of 1 byte.
        let frame = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3, 0x09, 0, 0, b'x'];
        let e = Zstd::new(3, false)
            .decode_limited(&frame, 1 << 20)
            .unwrap_err();
        assert!(matches!(e, Error::Corrupt { .. }), "{e}");
        // The same frame with an 8 MiB window decodes.
        let ok = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 13 << 3, 0x09, 0, 0, b'x'];
        assert_eq!(Zstd::new(3, false).decode_limited(&ok, 1).unwrap(), b"x");
    }

    /// numcodecs 0.16.6 bundles libzstd 1.5.6; we link 1.5.7 and switch its block pre-splitting
    /// off (`ZSTD_c_experimentalParam20`, an experimental parameter: if this fails, check that
    /// src/ffi/zstd.rs still names the right one and that the zstd fixtures stay exact).
    #[test]
    fn libzstd_version_is_1_5_7() {
        assert_eq!(zstd_safe::version_number(), 10507);
    }

    #[test]
    fn out_size_errors_write_nothing_past_the_end() {
        let c = Zstd::new(3, false);
        let d = data();
        for enc in [c.encode(&d, DType::U1).unwrap(), streaming_frame(&d, 3)] {
            let mut buf = vec![0x77u8; d.len() + 10];
            let e = c.decode_into(&enc, &mut buf[..d.len() - 1]).unwrap_err();
            assert!(matches!(e, Error::OutputSize { .. }), "{e}");
            assert!(buf[d.len() - 1..].iter().all(|&b| b == 0x77));
            let e = c.decode_into(&enc, &mut buf[..d.len() + 1]).unwrap_err();
            assert!(matches!(e, Error::OutputSize { .. }), "{e}");
        }
    }

    #[test]
    fn config() {
        let c = Zstd::from_config(&json!({"id": "zstd"})).unwrap();
        assert_eq!(
            c.get_config(),
            json!({"id": "zstd", "level": 0, "checksum": false})
        );
        let c = Zstd::from_config(&json!({"id": "zstd", "level": -7})).unwrap();
        assert_eq!(
            c.get_config(),
            json!({"id": "zstd", "level": -7, "checksum": false})
        );
        for bad in [
            json!({"level": 1.5}),
            json!({"checksum": 1}),
            json!({"level": 1u64 << 40}),
            json!({"x": 1}),
        ] {
            assert!(Zstd::from_config(&bad).is_err(), "{bad}");
        }
    }
}
