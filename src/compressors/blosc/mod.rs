//! numcodecs `Blosc` (c-blosc 1.x frames), in Rust: our shuffle and bitshuffle kernels, our
//! BloscLZ, and C lz4 / zlib / zstd inside. Config
//! `{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}`.
//!
//! - `typesize` is not in the config: it is the input dtype's itemsize, as in numcodecs. A
//!   `typesize` key (numcodecs' constructor takes one) is accepted as an override and, like
//!   numcodecs, not written back by `get_config`.
//! - Output is c-blosc 1.21's single-threaded frame (numcodecs with `blosc.use_threads =
//!   False`), byte for byte for lz4, lz4hc and zlib; blocks are compressed in parallel on the
//!   caller's rayon pool and written in block order, so the bytes never depend on threads.
//! - Decoding accepts every frame c-blosc 1.x writes (any block order, other blocksizes, split
//!   or not, raw streams, memcpyed) and checks every field against the real buffer and the
//!   expected size. Empty input round-trips (numcodecs cannot decode its own empty frame).

mod blocksize;
mod blosclz;
mod frame;
mod inner;

pub use inner::Cname;

use crate::codec::{check_output_size, Codec, ConfigReader};
use crate::dtype::DType;
use crate::error::Result;
use frame::{EncodeParams, Filter, Header};
use serde_json::{json, Value};

/// numcodecs' `Blosc(cname, clevel, shuffle, blocksize)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blosc {
    cname: Cname,
    clevel: u8,
    shuffle: i8,
    blocksize: usize,
    typesize: Option<usize>,
}

impl Blosc {
    pub const ID: &'static str = "blosc";
    /// `NOSHUFFLE`.
    pub const NOSHUFFLE: i8 = 0;
    /// `SHUFFLE` (byte shuffle), the default.
    pub const SHUFFLE: i8 = 1;
    /// `BITSHUFFLE`.
    pub const BITSHUFFLE: i8 = 2;
    /// `AUTOSHUFFLE`: bitshuffle for 1-byte items, byte shuffle otherwise.
    pub const AUTOSHUFFLE: i8 = -1;

    /// A Blosc codec. `clevel` is 0..=9, `shuffle` one of -1, 0, 1, 2, `blocksize` 0 for
    /// automatic.
    pub fn new(cname: Cname, clevel: u8, shuffle: i8, blocksize: usize) -> Result<Self> {
        let cfg = json!({"cname": cname.name(), "clevel": clevel, "shuffle": shuffle,
                         "blocksize": blocksize});
        Self::from_config(&cfg)
    }

    /// Builds from numcodecs' config; unknown keys, unknown cnames (case-sensitive), clevel
    /// outside 0..=9, shuffle outside {-1, 0, 1, 2} and a negative blocksize are errors.
    pub fn from_config(config: &Value) -> Result<Self> {
        let mut r = ConfigReader::new(Self::ID, config)?;
        let cname = match r.optional_str("cname")? {
            None => Cname::Lz4,
            Some(s) => Cname::from_name(s).ok_or_else(|| {
                r.error(
                    "cname",
                    format!("unknown compressor {s:?} (blosclz, lz4, lz4hc, zlib, zstd)"),
                )
            })?,
        };
        let clevel = r.optional_int_in("clevel", 0, 9)?.unwrap_or(5) as u8;
        let shuffle = r.optional_int_in("shuffle", -1, 2)?.unwrap_or(1) as i8;
        let blocksize = r.optional_uint("blocksize")?.unwrap_or(0);
        if blocksize > i32::MAX as usize {
            return Err(r.error("blocksize", format!("{blocksize} does not fit an int32")));
        }
        let typesize = r
            .optional_int_in("typesize", 1, i64::from(i32::MAX))?
            .map(|t| t as usize);
        r.finish()?;
        Ok(Blosc {
            cname,
            clevel,
            shuffle,
            blocksize,
            typesize,
        })
    }

    /// The inner compressor.
    pub fn cname(&self) -> Cname {
        self.cname
    }

    /// The filter and the typesize written for input of `dtype`. The typesize asked for is the
    /// explicit override, else the itemsize; AUTOSHUFFLE picks bitshuffle only when that is 1,
    /// and only then is a size over 255 written as 1, as numcodecs and c-blosc do (so an
    /// item of 256+ bytes gets byte shuffle with typesize 1, a no-op, not bitshuffle).
    fn filter_and_typesize(&self, dtype: DType) -> (Filter, usize) {
        let asked = self.typesize.unwrap_or(dtype.itemsize());
        let filter = match self.shuffle {
            Self::NOSHUFFLE => Filter::None,
            Self::BITSHUFFLE => Filter::Bit,
            Self::AUTOSHUFFLE if asked == 1 => Filter::Bit,
            _ => Filter::Byte,
        };
        (filter, if asked > 255 { 1 } else { asked })
    }

    fn params(&self, dtype: DType) -> EncodeParams {
        let (filter, typesize) = self.filter_and_typesize(dtype);
        EncodeParams {
            cname: self.cname,
            clevel: self.clevel,
            filter,
            typesize,
            blocksize: self.blocksize,
        }
    }
}

impl Codec for Blosc {
    fn codec_id(&self) -> &'static str {
        Self::ID
    }

    fn get_config(&self) -> Value {
        json!({"id": Self::ID, "cname": self.cname.name(), "clevel": self.clevel,
               "shuffle": self.shuffle, "blocksize": self.blocksize})
    }

    fn encode(&self, input: &[u8], dtype: DType) -> Result<Vec<u8>> {
        frame::encode(&self.params(dtype), input)
    }

    /// Writes the frame into `out`'s capacity (no allocation once it is large enough).
    fn encode_into(&self, input: &[u8], dtype: DType, out: &mut Vec<u8>) -> Result<()> {
        frame::encode_into(&self.params(dtype), input, out)
    }

    fn decode_limited(&self, input: &[u8], limit: usize) -> Result<Vec<u8>> {
        let h = Header::parse(input, limit)?;
        // No inner codec expands a byte to more than 32768 bytes (a 4-byte zstd RLE block
        // makes 128 KiB; LZ4, BloscLZ and deflate stay under 1100x), so a frame claiming more
        // than 65536 x cbytes is corrupt: refuse it before allocating `nbytes` (a 25-byte frame
        // could otherwise make `decode` allocate 2 GiB before failing).
        if h.nbytes as u64 > (h.cbytes as u64).saturating_mul(65_536) {
            return Err(crate::error::Error::corrupt(
                Self::ID,
                format!(
                    "nbytes (offset 4) {} is more than any codec can expand cbytes {} to",
                    h.nbytes, h.cbytes
                ),
            ));
        }
        let mut out = vec![0u8; h.nbytes];
        frame::decode_into(input, &h, &mut out)?;
        Ok(out)
    }

    fn decode_into(&self, input: &[u8], out: &mut [u8]) -> Result<()> {
        let h = Header::parse(input, usize::MAX)?;
        check_output_size(Self::ID, h.nbytes, out)?;
        frame::decode_into(input, &h, out)
    }
}

#[cfg(test)]
mod tests;
