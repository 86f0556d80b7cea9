//! The c-blosc 1.x frame: a 16-byte header, block starts, and per block one stream or
//! `typesize` split streams (int32 size + data; size == stream length means stored raw).
//!
//! Decoding treats the frame as untrusted: every field is checked against the real buffer
//! length and the expected output size before it is used.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::blocksize::{compute_blocksize, decoder_splits, split_block, MIN_BUFFERSIZE};
use super::inner::{self, Cname};
use crate::error::{Error, Result};
use chunkcodec_kernels::bitshuffle::{bitshuffle, bitunshuffle};
use chunkcodec_kernels::shuffle::{shuffle, unshuffle};
use rayon::prelude::*;

const ID: &str = "blosc";
/// Header length.
pub(crate) const HEADER: usize = 16;
/// `BLOSC_VERSION_FORMAT` for c-blosc 1.x; numcodecs rejects every other value.
const VERSION: u8 = 2;
/// Compressor format version for every codec c-blosc 1.x writes.
const VERSION_CODEC: u8 = 1;
/// Largest input c-blosc 1.x accepts (`BLOSC_MAX_BUFFERSIZE`).
pub(crate) const MAX_BUFFERSIZE: usize = i32::MAX as usize - HEADER;

pub(crate) const FLAG_SHUFFLE: u8 = 0x01;
pub(crate) const FLAG_MEMCPYED: u8 = 0x02;
pub(crate) const FLAG_BITSHUFFLE: u8 = 0x04;
pub(crate) const FLAG_RESERVED: u8 = 0x08;
pub(crate) const FLAG_DONT_SPLIT: u8 = 0x10;

/// Frames at least this large decode their blocks in parallel.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// Which shuffle the frame applies to each block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    None,
    Byte,
    Bit,
}

/// A parsed, validated header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub flags: u8,
    pub typesize: usize,
    pub nbytes: usize,
    pub blocksize: usize,
    pub cbytes: usize,
}

fn corrupt(msg: impl std::fmt::Display) -> Error {
    Error::corrupt(ID, msg)
}

fn read_i32(buf: &[u8], at: usize) -> Option<i32> {
    let b: [u8; 4] = buf.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(i32::from_le_bytes(b))
}

fn field(buf: &[u8], at: usize, name: &str) -> Result<usize> {
    let v =
        read_i32(buf, at).ok_or_else(|| corrupt(format!("{name} at offset {at}: truncated")))?;
    usize::try_from(v).map_err(|_| corrupt(format!("{name} at offset {at} is negative ({v})")))
}

impl Header {
    /// Parses and checks the header of `input`: `nbytes` against the caller's `limit` first,
    /// then lengths against the real buffer, version bytes, flags, typesize, and (for
    /// non-memcpyed frames) blocksize and the block-start table.
    pub(crate) fn parse(input: &[u8], limit: usize) -> Result<Header> {
        let head: &[u8; HEADER] = input.first_chunk().ok_or_else(|| {
            corrupt(format!(
                "frame of {} bytes is shorter than the 16-byte header",
                input.len()
            ))
        })?;
        if head[0] != VERSION {
            return Err(corrupt(format!(
                "format version (offset 0) is {}, expected {VERSION}",
                head[0]
            )));
        }
        let flags = head[2];
        let typesize = usize::from(head[3]);
        let nbytes = field(input, 4, "nbytes")?;
        let blocksize = field(input, 8, "blocksize")?;
        let cbytes = field(input, 12, "cbytes")?;
        crate::codec::check_limit(ID, nbytes as u64, limit)?;
        let h = Header {
            flags,
            typesize,
            nbytes,
            blocksize,
            cbytes,
        };
        if flags & FLAG_RESERVED != 0 {
            return Err(corrupt(format!(
                "flags (offset 2) {flags:#04x} set the reserved bit 0x08"
            )));
        }
        if flags & FLAG_SHUFFLE != 0 && flags & FLAG_BITSHUFFLE != 0 {
            return Err(corrupt(format!(
                "flags (offset 2) {flags:#04x} ask for both byte shuffle and bitshuffle"
            )));
        }
        if typesize == 0 {
            return Err(corrupt("typesize (offset 3) is 0"));
        }
        if cbytes < HEADER {
            return Err(corrupt(format!(
                "cbytes (offset 12) is {cbytes}, less than the 16-byte header"
            )));
        }
        if cbytes > input.len() {
            return Err(corrupt(format!(
                "frame is truncated: cbytes (offset 12) says {cbytes} bytes, the buffer has {}",
                input.len()
            )));
        }
        if flags & FLAG_MEMCPYED != 0 {
            if nbytes.checked_add(HEADER) != Some(cbytes) {
                return Err(corrupt(format!(
                    "memcpyed frame: cbytes {cbytes} != nbytes {nbytes} + 16"
                )));
            }
            return Ok(h);
        }
        if head[1] != VERSION_CODEC {
            return Err(corrupt(format!(
                "compressor format version (offset 1) is {}, expected {VERSION_CODEC}",
                head[1]
            )));
        }
        if nbytes == 0 {
            return Err(corrupt("nbytes is 0 but the frame is not memcpyed"));
        }
        if blocksize == 0 || blocksize > nbytes {
            return Err(corrupt(format!(
                "blocksize (offset 8) {blocksize} is not in 1..=nbytes ({nbytes})"
            )));
        }
        let nblocks = h.nblocks();
        let fits = nblocks
            .checked_mul(4)
            .and_then(|t| t.checked_add(HEADER))
            .is_some_and(|end| end <= cbytes);
        if !fits {
            return Err(corrupt(format!(
                "{nblocks} block starts do not fit in cbytes {cbytes}"
            )));
        }
        Ok(h)
    }

    pub(crate) fn memcpyed(&self) -> bool {
        self.flags & FLAG_MEMCPYED != 0
    }

    pub(crate) fn nblocks(&self) -> usize {
        self.nbytes.div_ceil(self.blocksize.max(1))
    }

    fn filter(&self) -> Filter {
        if self.flags & FLAG_SHUFFLE != 0 {
            Filter::Byte
        } else if self.flags & FLAG_BITSHUFFLE != 0 {
            Filter::Bit
        } else {
            Filter::None
        }
    }
}

/// Whether `filter` changes a block of `bsize` bytes (c-blosc 1.x: byte shuffle needs
/// typesize > 1; bitshuffle needs a non-zero element count that is a multiple of 8, else the
/// block is copied unchanged).
fn filter_applies(filter: Filter, typesize: usize, bsize: usize) -> bool {
    match filter {
        Filter::None => false,
        Filter::Byte => typesize > 1 && bsize >= typesize,
        Filter::Bit => {
            let n = bsize / typesize;
            n > 0 && n.is_multiple_of(8)
        }
    }
}

/// Applies `filter` to one block: whole elements transposed, trailing bytes copied.
// Encode path: `src` and `dst` are the caller's block and a scratch buffer of its length.
#[allow(clippy::indexing_slicing)]
fn forward_filter(filter: Filter, typesize: usize, src: &[u8], dst: &mut [u8]) {
    let whole = src.len() / typesize * typesize;
    match filter {
        Filter::Byte => shuffle(typesize, &src[..whole], &mut dst[..whole]),
        Filter::Bit => bitshuffle(typesize, &src[..whole], &mut dst[..whole]),
        Filter::None => dst[..whole].copy_from_slice(&src[..whole]),
    }
    dst[whole..].copy_from_slice(&src[whole..]);
}

/// Undoes `filter` on one block; `src` and `dst` have the same length (the block's).
fn inverse_filter(filter: Filter, typesize: usize, src: &[u8], dst: &mut [u8]) -> Result<()> {
    let whole = src.len() / typesize.max(1) * typesize;
    let (Some((src_whole, src_tail)), Some((dst_whole, dst_tail))) =
        (src.split_at_checked(whole), dst.split_at_mut_checked(whole))
    else {
        return Err(corrupt("block and filter buffer sizes differ"));
    };
    match filter {
        Filter::Byte => unshuffle(typesize, src_whole, dst_whole),
        Filter::Bit => bitunshuffle(typesize, src_whole, dst_whole),
        Filter::None => dst_whole.copy_from_slice(src_whole),
    }
    dst_tail.copy_from_slice(src_tail);
    Ok(())
}

/// Decodes a frame whose header `h` was parsed from `input` into `out` (exactly `h.nbytes`).
pub(crate) fn decode_into(input: &[u8], h: &Header, out: &mut [u8]) -> Result<()> {
    if out.len() != h.nbytes {
        return Err(Error::output_size(ID, h.nbytes, out.len()));
    }
    let frame = input
        .get(..h.cbytes)
        .ok_or_else(|| corrupt(format!("frame is truncated: cbytes {} bytes", h.cbytes)))?;
    if h.memcpyed() {
        let data = frame.get(HEADER..).unwrap_or_default();
        if data.len() != out.len() {
            return Err(corrupt(format!(
                "memcpyed frame: cbytes {} != nbytes {} + 16",
                h.cbytes, h.nbytes
            )));
        }
        out.copy_from_slice(data);
        return Ok(());
    }
    let code = h.flags >> 5;
    let one_big_block = h.nblocks() == 1 && h.nbytes >= PARALLEL_MIN_BYTES;
    let work = |tmp: &mut Vec<u8>, (i, block): (usize, &mut [u8])| -> Result<()> {
        decode_block(frame, h, code, i, block, tmp, one_big_block)
    };
    if h.nbytes >= PARALLEL_MIN_BYTES && h.nblocks() > 1 {
        out.par_chunks_mut(h.blocksize)
            .enumerate()
            .try_for_each_init(Vec::new, work)
    } else {
        let mut tmp = Vec::new();
        out.chunks_mut(h.blocksize)
            .enumerate()
            .try_for_each(|x| work(&mut tmp, x))
    }
}

/// A located stream: its data's offset in the frame, and the data.
type Stream<'a> = (usize, &'a [u8]);

fn decode_block(
    frame: &[u8],
    h: &Header,
    code: u8,
    i: usize,
    block: &mut [u8],
    tmp: &mut Vec<u8>,
    parallel_streams: bool,
) -> Result<()> {
    let nblocks = h.nblocks();
    let table_end = HEADER + 4 * nblocks;
    let bstart = field(frame, HEADER + 4 * i, "block start")?;
    if bstart < table_end || bstart >= frame.len() {
        return Err(corrupt(format!(
            "block {i}: start {bstart} is outside the stream area {table_end}..{}",
            frame.len()
        )));
    }
    let bsize = block.len();
    let leftover = i + 1 == nblocks && !h.nbytes.is_multiple_of(h.blocksize);
    let nsplits = decoder_splits(
        h.flags & FLAG_DONT_SPLIT != 0,
        h.typesize,
        h.blocksize,
        leftover,
    );
    let neblock = bsize / nsplits;
    if neblock * nsplits != bsize {
        return Err(corrupt(format!(
            "block {i}: {bsize} bytes do not split into {nsplits} equal streams"
        )));
    }
    let filter = h.filter();
    let filtered = filter_applies(filter, h.typesize, bsize);
    let target: &mut [u8] = if filtered {
        tmp.resize(bsize, 0);
        &mut tmp[..]
    } else {
        &mut *block
    };
    // Locate and bounds-check every stream first, then decompress them (in parallel for a
    // large single-block frame, where blocks alone would leave a thread idle).
    let mut streams: Vec<Stream> = Vec::with_capacity(nsplits);
    let mut pos = bstart;
    for j in 0..nsplits {
        let cs = read_i32(frame, pos).ok_or_else(|| {
            corrupt(format!(
                "block {i} stream {j}: size at offset {pos} is past the frame end"
            ))
        })?;
        let data = usize::try_from(cs)
            .ok()
            .filter(|&c| c > 0)
            .and_then(|c| frame.get(pos + 4..pos + 4 + c))
            .ok_or_else(|| {
                corrupt(format!(
                    "block {i} stream {j}: size {cs} at offset {pos} does not fit in the frame ({} bytes)",
                    frame.len()
                ))
            })?;
        streams.push((pos + 4, data));
        pos += 4 + data.len();
    }
    let run = |(j, (dst, &(at, data))): (usize, (&mut [u8], &Stream))| -> Result<()> {
        if data.len() == neblock {
            dst.copy_from_slice(data);
            Ok(())
        } else {
            inner::decompress(code, data, dst)
                .map_err(|m| corrupt(format!("block {i} stream {j} at offset {at}: {m}")))
        }
    };
    if parallel_streams && nsplits > 1 {
        target
            .par_chunks_mut(neblock)
            .zip(streams.par_iter())
            .enumerate()
            .try_for_each(run)?;
    } else {
        target
            .chunks_mut(neblock)
            .zip(streams.iter())
            .enumerate()
            .try_for_each(run)?;
    }
    if filtered {
        inverse_filter(filter, h.typesize, tmp, block)?;
    }
    Ok(())
}

/// Encoder settings, resolved (auto shuffle already mapped, typesize from the dtype).
#[derive(Debug, Clone, Copy)]
pub(crate) struct EncodeParams {
    pub cname: Cname,
    pub clevel: u8,
    pub filter: Filter,
    pub typesize: usize,
    pub blocksize: usize,
}

/// One compressed block: its streams, each `[int32 size][data]`, concatenated.
struct BlockOut {
    bytes: Vec<u8>,
    neblock: usize,
}

// Encode path: every index is computed from our own input's length and the block layout we
// chose, not from bytes we read.
#[allow(clippy::indexing_slicing)]
fn compress_block(
    p: &EncodeParams,
    nsplits: usize,
    src: &[u8],
    tmp: &mut Vec<u8>,
    parallel_streams: bool,
) -> BlockOut {
    let bsize = src.len();
    let data: &[u8] = if filter_applies(p.filter, p.typesize, bsize) {
        tmp.resize(bsize, 0);
        forward_filter(p.filter, p.typesize, src, tmp);
        tmp
    } else {
        src
    };
    let neblock = bsize / nsplits;
    let mut bytes = vec![0u8; bsize + 4 * nsplits];
    let mut pos = 0;
    if parallel_streams && nsplits > 1 {
        // A large single block: compress its streams in parallel, then lay them out in order.
        let parts: Vec<(usize, Vec<u8>)> = data
            .par_chunks(neblock)
            .map(|stream| {
                let mut buf = vec![0u8; neblock];
                let cs = inner::compress(p.cname, p.clevel, stream, &mut buf);
                if cs == 0 || cs >= neblock {
                    (neblock, stream.to_vec())
                } else {
                    (cs, buf)
                }
            })
            .collect();
        for (cs, buf) in parts {
            bytes[pos..pos + 4].copy_from_slice(&(cs as i32).to_le_bytes());
            bytes[pos + 4..pos + 4 + cs].copy_from_slice(&buf[..cs]);
            pos += 4 + cs;
        }
        bytes.truncate(pos);
        return BlockOut { bytes, neblock };
    }
    for stream in data.chunks(neblock) {
        let dst = &mut bytes[pos + 4..pos + 4 + neblock];
        let mut cs = inner::compress(p.cname, p.clevel, stream, dst);
        if cs == 0 || cs >= neblock {
            dst.copy_from_slice(stream);
            cs = neblock;
        }
        bytes[pos..pos + 4].copy_from_slice(&(cs as i32).to_le_bytes());
        pos += 4 + cs;
    }
    bytes.truncate(pos);
    BlockOut { bytes, neblock }
}

/// Encodes `input` as c-blosc 1.21 does single-threaded; blocks are compressed in parallel on
/// the current rayon pool and written in block order.
// Encode path: indices come from our own input's length and the frame we are writing.
#[allow(clippy::indexing_slicing)]
pub(crate) fn encode(p: &EncodeParams, input: &[u8]) -> Result<Vec<u8>> {
    let nbytes = input.len();
    if nbytes > MAX_BUFFERSIZE {
        return Err(Error::invalid_input(
            ID,
            format!("input of {nbytes} bytes exceeds Blosc's limit of {MAX_BUFFERSIZE}"),
        ));
    }
    let ts = p.typesize;
    let blocksize = compute_blocksize(p.cname, p.clevel, ts, nbytes, p.blocksize);
    let split = split_block(p.cname, ts, blocksize);
    let mut flags = p.cname.format_code() << 5;
    flags |= match p.filter {
        Filter::None => 0,
        Filter::Byte => FLAG_SHUFFLE,
        Filter::Bit => FLAG_BITSHUFFLE,
    };
    if !split {
        flags |= FLAG_DONT_SPLIT;
    }
    let header = |flags: u8, cbytes: usize| {
        let mut out = Vec::with_capacity(cbytes);
        out.extend_from_slice(&[VERSION, VERSION_CODEC, flags, ts as u8]);
        out.extend_from_slice(&(nbytes as i32).to_le_bytes());
        out.extend_from_slice(&(blocksize as i32).to_le_bytes());
        out.extend_from_slice(&(cbytes as i32).to_le_bytes());
        out
    };
    let memcpyed = || {
        let mut out = header(flags | FLAG_MEMCPYED, nbytes + HEADER);
        out.extend_from_slice(input);
        out
    };
    if p.clevel == 0 || nbytes < MIN_BUFFERSIZE {
        return Ok(memcpyed());
    }
    let nblocks = nbytes.div_ceil(blocksize);
    let leftover = !nbytes.is_multiple_of(blocksize);
    let splits_of = |i: usize| {
        if split && !(leftover && i + 1 == nblocks) {
            ts
        } else {
            1
        }
    };
    let blocks: Vec<BlockOut> = if nblocks > 1 {
        input
            .par_chunks(blocksize)
            .enumerate()
            .map_init(Vec::new, |tmp, (i, b)| {
                compress_block(p, splits_of(i), b, tmp, false)
            })
            .collect()
    } else {
        let big = nbytes >= PARALLEL_MIN_BYTES;
        vec![compress_block(p, splits_of(0), input, &mut Vec::new(), big)]
    };
    // Assemble in order under c-blosc's output budget of nbytes + 16. c-blosc gives each
    // stream `maxout = neblock`, or the room left when `ntbytes + neblock` would pass the
    // budget; only those streams are recompressed here, and one that cannot fit (or would have
    // to be stored raw) turns the frame into a memcpyed one, as in c-blosc.
    let maxbytes = nbytes + HEADER;
    let table_end = HEADER + 4 * nblocks;
    if table_end > maxbytes {
        return Ok(memcpyed());
    }
    let total: usize = table_end + blocks.iter().map(|b| b.bytes.len()).sum::<usize>();
    let mut out = header(flags, 0);
    out.reserve(total.min(maxbytes).saturating_sub(HEADER));
    out.resize(table_end, 0);
    let mut tmp = Vec::new();
    for (i, (b, src)) in blocks.iter().zip(input.chunks(blocksize)).enumerate() {
        let at = out.len() as i32;
        out[HEADER + 4 * i..HEADER + 4 * i + 4].copy_from_slice(&at.to_le_bytes());
        let mut pos = 0;
        let mut j = 0;
        while let Some(cs) = read_i32(&b.bytes, pos) {
            let cs = cs as usize;
            let ntbytes = out.len() + 4;
            if ntbytes + b.neblock <= maxbytes {
                out.extend_from_slice(&b.bytes[pos..pos + 4 + cs]);
            } else {
                let room = maxbytes - ntbytes.min(maxbytes);
                if room == 0 {
                    return Ok(memcpyed());
                }
                let data: &[u8] = if filter_applies(p.filter, ts, src.len()) {
                    tmp.resize(src.len(), 0);
                    forward_filter(p.filter, ts, src, &mut tmp);
                    &tmp
                } else {
                    src
                };
                let stream = &data[j * b.neblock..(j + 1) * b.neblock];
                let mut buf = vec![0u8; room];
                let c = inner::compress(p.cname, p.clevel, stream, &mut buf);
                if c == 0 || c >= b.neblock {
                    return Ok(memcpyed());
                }
                out.extend_from_slice(&(c as i32).to_le_bytes());
                out.extend_from_slice(&buf[..c]);
            }
            pos += 4 + cs;
            j += 1;
        }
    }
    let cbytes = out.len() as i32;
    out[12..16].copy_from_slice(&cbytes.to_le_bytes());
    Ok(out)
}
