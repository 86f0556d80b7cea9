//! The codecs inside a Blosc frame: BloscLZ (ours), LZ4 / LZ4HC (C liblz4 for compression;
//! decompression by our own LZ4 block decoder, `kernels::lz4`), zlib (`flate2` on zlib) and zstd (the `zstd` crate's bulk API),
//! with c-blosc 1.x's clevel mappings.

use super::blosclz;
use std::cell::RefCell;

/// A compressor Blosc can run inside its frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cname {
    BloscLz,
    Lz4,
    Lz4Hc,
    Zlib,
    Zstd,
}

/// Compressor format codes (flags bits 5-7).
pub(crate) const FORMAT_BLOSCLZ: u8 = 0;
pub(crate) const FORMAT_LZ4: u8 = 1;
pub(crate) const FORMAT_SNAPPY: u8 = 2;
pub(crate) const FORMAT_ZLIB: u8 = 3;
pub(crate) const FORMAT_ZSTD: u8 = 4;

impl Cname {
    /// Every name numcodecs' c-blosc has compiled in.
    pub const ALL: [Cname; 5] = [
        Cname::BloscLz,
        Cname::Lz4,
        Cname::Lz4Hc,
        Cname::Zlib,
        Cname::Zstd,
    ];

    /// The config name (`"lz4"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Cname::BloscLz => "blosclz",
            Cname::Lz4 => "lz4",
            Cname::Lz4Hc => "lz4hc",
            Cname::Zlib => "zlib",
            Cname::Zstd => "zstd",
        }
    }

    /// Parses a config name; case-sensitive like numcodecs.
    pub fn from_name(s: &str) -> Option<Cname> {
        Cname::ALL.into_iter().find(|c| c.name() == s)
    }

    /// The format code written in the flags.
    pub(crate) fn format_code(self) -> u8 {
        match self {
            Cname::BloscLz => FORMAT_BLOSCLZ,
            Cname::Lz4 | Cname::Lz4Hc => FORMAT_LZ4,
            Cname::Zlib => FORMAT_ZLIB,
            Cname::Zstd => FORMAT_ZSTD,
        }
    }

    /// c-blosc's "high compression ratio" codecs, which get larger automatic blocks.
    pub(crate) fn is_hcr(self) -> bool {
        matches!(self, Cname::Lz4Hc | Cname::Zlib | Cname::Zstd)
    }
}

/// c-blosc 1.x's zstd level for a clevel: `2 * clevel - 1`, and the maximum (22) at 9.
pub(crate) fn zstd_level(clevel: u8) -> i32 {
    if clevel >= 9 {
        22
    } else {
        2 * i32::from(clevel) - 1
    }
}

thread_local! {
    static ZSTD_D: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

thread_local! {
    /// Scratch output for the codecs that write into a slice (reused, grown only).
    static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Compresses `src` and appends the result to `out`, using at most `max_out` bytes (c-blosc's
/// `maxout`); returns the compressed size, or 0 (nothing appended) when it does not fit (the
/// caller then stores the stream raw). LZ4 writes straight into `out`'s spare capacity.
pub(crate) fn compress_append(
    cname: Cname,
    clevel: u8,
    src: &[u8],
    out: &mut Vec<u8>,
    max_out: usize,
) -> usize {
    if max_out == 0 || src.is_empty() {
        return 0;
    }
    match cname {
        Cname::Lz4 => {
            crate::ffi::lz4::compress_fast_append(src, out, max_out, 10 - i32::from(clevel))
        }
        Cname::Lz4Hc => crate::ffi::lz4::compress_hc_append(src, out, max_out, i32::from(clevel)),
        _ => {
            // Taken out of the thread-local (not borrowed), so a nested call on this thread
            // (rayon work stealing) just gets a fresh buffer.
            let mut buf = SCRATCH.take();
            if buf.len() < max_out {
                buf.resize(max_out, 0);
            }
            let n = buf
                .get_mut(..max_out)
                .map_or(0, |dst| compress(cname, clevel, src, dst));
            if let Some(compressed) = buf.get(..n).filter(|_| n > 0) {
                out.extend_from_slice(compressed);
            }
            SCRATCH.set(buf);
            n
        }
    }
}

/// Compresses `src` into `dst` (whose length is c-blosc's `maxout`) and returns the compressed
/// size, or 0 when the result does not fit (the caller then stores the stream raw).
pub(crate) fn compress(cname: Cname, clevel: u8, src: &[u8], dst: &mut [u8]) -> usize {
    if dst.is_empty() || src.is_empty() {
        return 0;
    }
    match cname {
        Cname::BloscLz => blosclz::compress(clevel, src, dst),
        Cname::Lz4 => {
            let mode = lz4::block::CompressionMode::FAST(10 - i32::from(clevel));
            lz4::block::compress_to_buffer(src, Some(mode), false, dst).unwrap_or(0)
        }
        Cname::Lz4Hc => {
            let mode = lz4::block::CompressionMode::HIGHCOMPRESSION(i32::from(clevel));
            lz4::block::compress_to_buffer(src, Some(mode), false, dst).unwrap_or(0)
        }
        Cname::Zlib => {
            let mut c = flate2::Compress::new(flate2::Compression::new(u32::from(clevel)), true);
            match c.compress(src, dst, flate2::FlushCompress::Finish) {
                Ok(flate2::Status::StreamEnd) => usize::try_from(c.total_out()).unwrap_or(0),
                _ => 0,
            }
        }
        Cname::Zstd => {
            // One pass into `dst` (c-blosc's `ZSTD_compressCCtx` with `maxout`), without
            // libzstd 1.5.7's block pre-splitting, which c-blosc's 1.5.6 does not do: blocks
            // over 128 KiB otherwise get other (and a few bytes longer) streams.
            crate::ffi::zstd::compress_into(src, zstd_level(clevel), dst).unwrap_or(0)
        }
    }
}

/// Decompresses one stream of format `code` into exactly `dst.len()` bytes; anything else
/// (a decoder error, fewer or more bytes) is an error message.
pub(crate) fn decompress(code: u8, src: &[u8], dst: &mut [u8]) -> Result<(), String> {
    let n = match code {
        FORMAT_BLOSCLZ => blosclz::decompress(src, dst)?,
        FORMAT_LZ4 => {
            // Our decoder: liblz4's accept/reject rules, plus offset 0 is an error.
            chunkcodec_kernels::lz4::decompress_into(src, dst)
                .map_err(|e| format!("lz4: invalid block: {e}"))?
        }
        FORMAT_ZLIB => {
            let mut d = flate2::Decompress::new(true);
            match d.decompress(src, dst, flate2::FlushDecompress::Finish) {
                Ok(flate2::Status::StreamEnd) => usize::try_from(d.total_out()).unwrap_or(0),
                Ok(_) => return Err("zlib: stream does not end within the block size".into()),
                Err(e) => return Err(format!("zlib: {e}")),
            }
        }
        FORMAT_ZSTD => ZSTD_D.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = zstd::bulk::Decompressor::new().ok();
            }
            match slot.as_mut() {
                Some(d) => d
                    .decompress_to_buffer(src, dst)
                    .map_err(|e| format!("zstd: {e}")),
                None => Err("zstd: cannot create a decompression context".to_string()),
            }
        })?,
        FORMAT_SNAPPY => return Err("snappy streams are not supported".into()),
        other => return Err(format!("unknown compressor format code {other}")),
    };
    if n != dst.len() {
        return Err(format!(
            "stream decoded to {n} bytes, expected {}",
            dst.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_levels() {
        for c in Cname::ALL {
            assert_eq!(Cname::from_name(c.name()), Some(c));
        }
        assert_eq!(Cname::from_name("LZ4"), None);
        assert_eq!(Cname::from_name("snappy"), None);
        let levels: Vec<i32> = (1..=9).map(zstd_level).collect();
        assert_eq!(levels, [1, 3, 5, 7, 9, 11, 13, 15, 22]);
    }

    #[test]
    fn every_codec_round_trips_and_rejects_short_output() {
        let src: Vec<u8> = (0..4096u32).map(|i| (i / 7 % 13) as u8).collect();
        for c in Cname::ALL {
            let mut dst = vec![0u8; src.len()];
            let n = compress(c, 5, &src, &mut dst);
            assert!(n > 0 && n < src.len(), "{c:?}");
            let mut out = vec![0u8; src.len()];
            decompress(c.format_code(), &dst[..n], &mut out).unwrap();
            assert_eq!(out, src, "{c:?}");
            let mut short = vec![0u8; src.len() - 1];
            assert!(decompress(c.format_code(), &dst[..n], &mut short).is_err());
            let mut long = vec![0u8; src.len() + 1];
            assert!(decompress(c.format_code(), &dst[..n], &mut long).is_err());
            // A maxout too small for the result gives 0, not a partial stream.
            let mut tiny = vec![0u8; 8];
            assert_eq!(compress(c, 5, &src, &mut tiny), 0, "{c:?}");
            // The appending form gives the same bytes after what `out` held, or nothing.
            let mut app = vec![9u8];
            assert_eq!(compress_append(c, 5, &src, &mut app, src.len()), n, "{c:?}");
            assert_eq!((app[0], &app[1..]), (9, &dst[..n]), "{c:?}");
            assert_eq!(compress_append(c, 5, &src, &mut app, 8), 0, "{c:?}");
            assert_eq!(app.len(), n + 1, "{c:?}");
        }
        assert!(decompress(FORMAT_SNAPPY, &[1], &mut [0]).is_err());
        assert!(decompress(7, &[1], &mut [0]).is_err());
    }
}
