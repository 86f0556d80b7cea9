//! The c-blosc 1.x frame: a 16-byte header, block starts, and per block one stream or
//! `typesize` split streams (int32 size + data; size == stream length means stored raw).
//!
//! Decoding treats the frame as untrusted: every field is checked against the real buffer
//! length and the expected output size before it is used.
//!
//! No indexing or slicing that can panic (`clippy::indexing_slicing` is denied; `unwrap_used`,
//! `expect_used` and `panic` are denied by `compressors`): fields are read with `get` and
//! fixed-size array patterns, blocks and streams are checked slices taken once per block or
//! stream, never per byte.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::blocksize::{compute_blocksize, decoder_splits, split_block, MIN_BUFFERSIZE};
use super::inner::{self, Cname};
use crate::error::{Error, Result};
use chunkcodec_kernels::bitshuffle::{bitshuffle, bitunshuffle};
// Big copies go through the kernels' vector copy: glibc's `rep movsb` memcpy measured up to
// 2x slower here on AMD Zen 4 with two threads (see `chunkcodec_kernels::copy::extend`).
use chunkcodec_kernels::copy;
use chunkcodec_kernels::shuffle::{shuffle, shuffle_streams, unshuffle, unshuffle_planes};
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
    let b = buf.get(at..at.checked_add(4)?)?;
    Some(i32::from_le_bytes(b.try_into().ok()?))
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
        let Some(&[version, version_codec, flags, typesize, ..]) = input.first_chunk::<HEADER>()
        else {
            return Err(corrupt(format!(
                "frame of {} bytes is shorter than the 16-byte header",
                input.len()
            )));
        };
        if version != VERSION {
            return Err(corrupt(format!(
                "format version (offset 0) is {version}, expected {VERSION}"
            )));
        }
        let typesize = usize::from(typesize);
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
        // c-blosc checks the blocksize before it looks at the memcpyed flag, so a memcpyed
        // frame with a blocksize outside 1..=nbytes is refused too. The empty frame (nbytes 0)
        // is the exception: c-blosc refuses it whatever its blocksize, we decode it.
        if nbytes > 0 && (blocksize == 0 || blocksize > nbytes) {
            return Err(corrupt(format!(
                "blocksize (offset 8) {blocksize} is not in 1..=nbytes ({nbytes})"
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
        if version_codec != VERSION_CODEC {
            return Err(corrupt(format!(
                "compressor format version (offset 1) is {version_codec}, expected {VERSION_CODEC}"
            )));
        }
        if nbytes == 0 {
            return Err(corrupt("nbytes is 0 but the frame is not memcpyed"));
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

/// Applies `filter` (`forward`: shuffle, else unshuffle) to one block: whole elements
/// transposed, trailing bytes copied. `src` and `dst` must have the same length (one check per
/// block; the kernels then run on exact slices).
fn apply_filter(
    filter: Filter,
    forward: bool,
    typesize: usize,
    src: &[u8],
    dst: &mut [u8],
) -> Result<()> {
    let whole = src.len().checked_div(typesize).map_or(0, |n| n * typesize);
    let (Some((s, s_tail)), Some((d, d_tail))) =
        (src.split_at_checked(whole), dst.split_at_mut_checked(whole))
    else {
        return Err(corrupt(format!(
            "block of {} bytes does not fit the {}-byte filter buffer",
            src.len(),
            dst.len()
        )));
    };
    if s_tail.len() != d_tail.len() {
        return Err(corrupt(format!(
            "block of {} bytes does not match the {}-byte filter buffer",
            src.len(),
            dst.len()
        )));
    }
    match (filter, forward) {
        (Filter::Byte, true) => shuffle(typesize, s, d),
        (Filter::Byte, false) => unshuffle(typesize, s, d),
        (Filter::Bit, true) => bitshuffle(typesize, s, d),
        (Filter::Bit, false) => bitunshuffle(typesize, s, d),
        (Filter::None, _) => d.copy_from_slice(s),
    }
    d_tail.copy_from_slice(s_tail);
    Ok(())
}

/// Decodes a frame whose header `h` was parsed from `input` into `out` (exactly `h.nbytes`).
pub(crate) fn decode_into(input: &[u8], h: &Header, out: &mut [u8]) -> Result<()> {
    if out.len() != h.nbytes {
        return Err(Error::output_size(ID, h.nbytes, out.len()));
    }
    let frame = input.get(..h.cbytes).ok_or_else(|| {
        corrupt(format!(
            "frame is truncated: cbytes says {} bytes, the buffer has {}",
            h.cbytes,
            input.len()
        ))
    })?;
    if h.memcpyed() {
        // Header::parse checked cbytes == nbytes + 16 == out.len() + 16.
        let data = frame
            .get(HEADER..)
            .filter(|d| d.len() == out.len())
            .ok_or_else(|| {
                corrupt(format!(
                    "memcpyed frame: {} data bytes, expected nbytes {}",
                    frame.len().saturating_sub(HEADER),
                    out.len()
                ))
            })?;
        copy::vector_copy(data, out);
        return Ok(());
    }
    let code = h.flags >> 5;
    let one_big_block =
        h.nblocks() == 1 && h.nbytes >= PARALLEL_MIN_BYTES && crate::parallel::inner_parallelism();
    let work = |(i, block): (usize, &mut [u8])| -> Result<()> {
        decode_block(frame, h, code, i, block, one_big_block)
    };
    let parallel = crate::parallel::inner_parallelism();
    if h.nbytes >= PARALLEL_MIN_BYTES && h.nblocks() > 1 && parallel {
        out.par_chunks_mut(h.blocksize)
            .enumerate()
            .try_for_each(work)
    } else {
        out.chunks_mut(h.blocksize).enumerate().try_for_each(work)
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
    if filter == Filter::Byte && nsplits == h.typesize && filter_applies(filter, h.typesize, bsize)
    {
        // Each stream is one byte plane: the unshuffle reads raw-stored planes straight from
        // the frame and only the compressed ones go through the thread-local buffer.
        return with_shuf(bsize, |tmp| {
            decode_planes(
                frame,
                i,
                bstart,
                nsplits,
                neblock,
                code,
                tmp,
                block,
                parallel_streams,
            )
        });
    }
    if filter_applies(filter, h.typesize, bsize) {
        // One codec pass into a thread-local buffer, then one unshuffle pass into `block`.
        return with_shuf(bsize, |tmp| {
            decode_streams(
                frame,
                i,
                bstart,
                nsplits,
                neblock,
                code,
                tmp,
                parallel_streams,
                true,
            )?;
            apply_filter(filter, false, h.typesize, tmp, block)
        });
    }
    decode_streams(
        frame,
        i,
        bstart,
        nsplits,
        neblock,
        code,
        block,
        parallel_streams,
        true,
    )
    .map(drop)
}

/// Locates and bounds-checks block `i`'s `nsplits` streams (starting at `bstart`).
fn locate_streams(
    frame: &[u8],
    i: usize,
    bstart: usize,
    nsplits: usize,
) -> Result<Vec<Stream<'_>>> {
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
    Ok(streams)
}

/// Locates, bounds-checks and decodes block `i`'s `nsplits` streams (starting at `bstart`)
/// into `target` (the block's size), stream `j` at `j * neblock`. Raw-stored streams are
/// copied there too unless `copy_raw` is false (then their part of `target` is left as it
/// was). Returns the located streams.
#[allow(clippy::too_many_arguments)]
fn decode_streams<'f>(
    frame: &'f [u8],
    i: usize,
    bstart: usize,
    nsplits: usize,
    neblock: usize,
    code: u8,
    target: &mut [u8],
    parallel_streams: bool,
    copy_raw: bool,
) -> Result<Vec<Stream<'f>>> {
    // Locate and bounds-check every stream first, then decompress them (in parallel for a
    // large single-block frame, where blocks alone would leave a thread idle).
    let streams = locate_streams(frame, i, bstart, nsplits)?;
    let run = |(j, (dst, &(at, data))): (usize, (&mut [u8], &Stream))| -> Result<()> {
        if data.len() == neblock {
            if copy_raw {
                copy::vector_copy(data, dst);
            }
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
    Ok(streams)
}

/// Decodes byte-shuffled block `i` whose `nsplits` streams are its byte planes (`nsplits` is
/// the typesize, each stream `neblock` bytes once decoded) into `block`: compressed streams are
/// decoded into `tmp` (the block's size, plane `j` at `j * neblock`), raw-stored ones are left
/// in the frame, and one unshuffle reads every plane from where it is (saves copying the raw
/// streams, which are the incompressible mantissa bytes of float data).
#[allow(clippy::too_many_arguments)]
fn decode_planes(
    frame: &[u8],
    i: usize,
    bstart: usize,
    nsplits: usize,
    neblock: usize,
    code: u8,
    tmp: &mut [u8],
    block: &mut [u8],
    parallel_streams: bool,
) -> Result<()> {
    let streams = decode_streams(
        frame,
        i,
        bstart,
        nsplits,
        neblock,
        code,
        tmp,
        parallel_streams,
        false,
    )?;
    let planes: Vec<&[u8]> = tmp
        .chunks(neblock)
        .zip(streams.iter())
        .map(|(t, &(_, data))| if data.len() == neblock { data } else { t })
        .collect();
    // unshuffle_planes panics unless there are nsplits planes of neblock bytes each and the
    // block is nsplits * neblock bytes: the caller checked the block's split and `tmp` has
    // the block's size, but a mismatch is reported rather than trusted.
    if planes.len() != nsplits
        || planes.iter().any(|p| p.len() != neblock)
        || block.len() != nsplits * neblock
    {
        return Err(corrupt(format!(
            "block {i}: {} bytes do not split into {nsplits} planes of {neblock} bytes",
            block.len()
        )));
    }
    unshuffle_planes(&planes, block);
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

thread_local! {
    /// Per-thread shuffle buffer (grown, never shrunk or re-zeroed). Taken out while in use,
    /// so a nested use on the same thread (rayon work stealing) gets a fresh one.
    static SHUF: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Reusable per-run output buffers of the parallel encoder (returned after assembly, so
/// repeated encodes do not map, fault in and unmap fresh pages for every run).
static PARTS: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
/// At most this many pooled buffers, each at most `PART_MAX_KEEP` bytes.
const PARTS_KEEP: usize = 64;
const PART_MAX_KEEP: usize = 8 << 20;

fn take_part(cap: usize) -> Vec<u8> {
    let mut v = PARTS
        .lock()
        .ok()
        .and_then(|mut p| p.pop())
        .unwrap_or_default();
    v.clear();
    v.reserve(cap);
    v
}

fn give_back(parts: impl Iterator<Item = Vec<u8>>) {
    if let Ok(mut pool) = PARTS.lock() {
        for v in parts {
            if pool.len() < PARTS_KEEP && v.capacity() <= PART_MAX_KEEP {
                pool.push(v);
            }
        }
    }
}

/// Runs `f` on a thread-local buffer of at least `len` bytes.
fn with_shuf<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    let mut tmp = SHUF.take();
    if tmp.len() < len {
        tmp.resize(len, 0);
    }
    // `tmp` has at least `len` bytes; an empty slice (impossible) fails the callers' length
    // checks instead of panicking.
    let r = f(tmp.get_mut(..len).unwrap_or_default());
    SHUF.set(tmp);
    r
}

/// Appends one stream `[int32 size][data]` to `out`, following c-blosc: `maxout` is `neblock`,
/// or the room left under `maxbytes` (when given: `out` is then the frame itself) when
/// `ntbytes + neblock` would pass it. Returns false when the frame must become memcpyed.
fn append_stream(
    p: &EncodeParams,
    stream: &[u8],
    out: &mut Vec<u8>,
    maxbytes: Option<usize>,
) -> bool {
    let neblock = stream.len();
    let at = out.len();
    let ntbytes = at + 4;
    let mut maxout = neblock;
    let bound = maxbytes.filter(|&m| ntbytes + neblock > m);
    if let Some(m) = bound {
        maxout = m.saturating_sub(ntbytes);
        if maxout == 0 {
            return false;
        }
    }
    out.extend_from_slice(&[0; 4]);
    let mut cs = inner::compress_append(p.cname, p.clevel, stream, out, maxout);
    if cs == 0 || cs >= neblock {
        if bound.is_some() {
            return false;
        }
        out.truncate(ntbytes);
        copy::extend(out, stream);
        cs = neblock;
    }
    // `cs` < `neblock` <= i32::MAX (blocks are at most MAX_BUFFERSIZE bytes).
    match out.get_mut(at..ntbytes) {
        Some(size) => size.copy_from_slice(&(cs as i32).to_le_bytes()),
        None => return false,
    }
    true
}

/// Appends one block's streams to `out` (one shuffle pass into a thread-local buffer, then one
/// codec pass per stream straight into `out`). False when the frame must become memcpyed.
fn append_block(
    p: &EncodeParams,
    nsplits: usize,
    src: &[u8],
    out: &mut Vec<u8>,
    maxbytes: Option<usize>,
) -> Result<bool> {
    let bsize = src.len();
    let neblock = bsize / nsplits.max(1);
    if neblock == 0 {
        return Ok(false);
    }
    if p.filter == Filter::Byte
        && nsplits > 1
        && nsplits == p.typesize
        && nsplits * neblock == bsize
    {
        // Split byte-shuffled block: shuffled into streams that start on 64-byte boundaries
        // of the buffer (planes of a multiple of 64 bytes are contiguous there; others get a
        // gap), which the kernels write about 1.5x as fast as streams that straddle cache
        // lines; the streams' bytes, and so the frame, are those of the contiguous shuffle.
        let s64 = neblock.next_multiple_of(64);
        return Ok(with_shuf(nsplits * s64 + 64, |tmp| {
            let at = tmp.as_ptr().align_offset(64).min(64);
            let Some(streams) = tmp.get_mut(at..at + nsplits * s64) else {
                return false;
            };
            shuffle_streams(p.typesize, src, streams, s64);
            streams.chunks(s64).all(|s| {
                s.get(..neblock)
                    .is_some_and(|s| append_stream(p, s, out, maxbytes))
            })
        }));
    }
    if filter_applies(p.filter, p.typesize, bsize) {
        with_shuf(bsize, |tmp| {
            apply_filter(p.filter, true, p.typesize, src, tmp)?;
            Ok(tmp
                .chunks(neblock)
                .all(|s| append_stream(p, s, out, maxbytes)))
        })
    } else {
        Ok(src
            .chunks(neblock)
            .all(|s| append_stream(p, s, out, maxbytes)))
    }
}

/// The 16-byte header. Sizes are at most `MAX_BUFFERSIZE + HEADER` = i32::MAX (checked by
/// `encode`), so the casts keep every value.
fn header_bytes(
    flags: u8,
    typesize: usize,
    nbytes: usize,
    blocksize: usize,
    cbytes: usize,
) -> [u8; HEADER] {
    bytemuck::cast([
        [VERSION, VERSION_CODEC, flags, typesize as u8],
        (nbytes as i32).to_le_bytes(),
        (blocksize as i32).to_le_bytes(),
        (cbytes as i32).to_le_bytes(),
    ])
}

/// Writes `header` and the block-start table (`starts`) over the first bytes of `out`, which
/// the encoder reserved for them. False (the caller then writes a memcpyed frame) if they do
/// not fit, which cannot happen for a frame the encoder built.
fn write_head(out: &mut [u8], header: [u8; HEADER], starts: &[usize]) -> bool {
    let Some((head, rest)) = out.split_first_chunk_mut::<HEADER>() else {
        return false;
    };
    *head = header;
    let Some(table) = rest.get_mut(..4 * starts.len()) else {
        return false;
    };
    for (slot, &s) in table.chunks_exact_mut(4).zip(starts) {
        slot.copy_from_slice(&(s as i32).to_le_bytes());
    }
    true
}

/// Encodes `input` as c-blosc 1.21 does single-threaded; blocks are compressed in parallel on
/// the current rayon pool and written in block order.
pub(crate) fn encode(p: &EncodeParams, input: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    encode_into(p, input, &mut out)?;
    Ok(out)
}

/// [`encode`] into `out`, replacing its contents and reusing its capacity (a caller that keeps
/// one buffer for many chunks allocates, and faults in fresh pages, once). On error `out` is
/// left empty.
pub(crate) fn encode_into(p: &EncodeParams, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
    out.clear();
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
    let header = |flags: u8, cbytes: usize| header_bytes(flags, ts, nbytes, blocksize, cbytes);
    let memcpyed = |out: &mut Vec<u8>| {
        out.clear();
        out.reserve(HEADER + nbytes);
        out.extend_from_slice(&header(flags | FLAG_MEMCPYED, nbytes + HEADER));
        copy::extend(out, input);
        Ok(())
    };
    if p.clevel == 0 || nbytes < MIN_BUFFERSIZE {
        return memcpyed(out);
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
    // c-blosc's output budget: nbytes + 16; a frame that cannot stay under it is memcpyed.
    let maxbytes = nbytes + HEADER;
    let table_end = HEADER + 4 * nblocks;
    if table_end > maxbytes {
        return memcpyed(out);
    }
    let threads = rayon::current_num_threads();
    if crate::parallel::inner_parallelism() && nbytes >= PARALLEL_MIN_BYTES {
        let buf = std::mem::take(out);
        if let Some((frame, starts)) =
            encode_parallel(p, input, blocksize, &splits_of, threads, maxbytes, buf)
        {
            // Kept either way: the serial encoder below reuses the buffer.
            *out = frame;
            let cbytes = out.len();
            if write_head(out, header(flags, cbytes), &starts) {
                return Ok(());
            }
        }
    }
    // Serial: every stream goes straight into the frame, under c-blosc's budget.
    out.clear();
    out.reserve(maxbytes);
    out.resize(table_end, 0);
    let mut starts = Vec::with_capacity(nblocks);
    for (i, b) in input.chunks(blocksize).enumerate() {
        starts.push(out.len());
        let appended = append_block(p, splits_of(i), b, out, Some(maxbytes));
        if !appended.inspect_err(|_| out.clear())? {
            return memcpyed(out);
        }
    }
    let cbytes = out.len();
    if !write_head(out, header(flags, cbytes), &starts) {
        return memcpyed(out);
    }
    Ok(())
}

/// The parallel encoder. The input is cut into contiguous runs of blocks (or, for a single
/// block, into its streams). The first task to start becomes the *front writer*: it takes runs
/// from the front, in order, and compresses them straight into the frame. The other tasks take
/// runs from the back, each into its own buffer, until the two ends meet; those buffers are
/// then appended to the frame in order by a copy split between the pool's threads. So only the
/// back runs' output is copied once more, and that copy is shared (the serial encoder copies
/// nothing; an earlier design here compressed every run into a buffer and appended each in
/// turn: a second pass over all of the output). Returns None (the caller then runs the serial
/// encoder, which applies c-blosc's budget stream by stream) unless the result is clearly
/// under the budget, in which case no stream's `maxout` was bound and the bytes equal the
/// serial encoder's. The header and the block-start table are left zero for the caller, with
/// the block starts returned beside them.
fn encode_parallel(
    p: &EncodeParams,
    input: &[u8],
    blocksize: usize,
    splits_of: &(dyn Fn(usize) -> usize + Sync),
    threads: usize,
    maxbytes: usize,
    mut frame: Vec<u8>,
) -> Option<(Vec<u8>, Vec<usize>)> {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    use std::sync::{Mutex, MutexGuard};
    fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
        match m.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
    let nblocks = input.len().div_ceil(blocksize);
    let table_end = HEADER + 4 * nblocks;
    if nblocks == 1 {
        return encode_one_block_parallel(p, input, splits_of(0), table_end, maxbytes, frame);
    }
    // Runs of about 64 KiB or more (one claim per run), and at least eight per thread so the
    // two ends meet with little work left on any thread.
    let per = nblocks
        .div_ceil(threads.max(1) * 8)
        .max((64 << 10) / blocksize)
        .max(1);
    let run_bytes = per * blocksize;
    let nruns = input.len().div_ceil(run_bytes);
    let run = |g: usize| {
        input
            .get(g * run_bytes..)
            .map(|r| r.get(..run_bytes).unwrap_or(r))
    };
    // Appends run `g`'s blocks to `out`, recording their starts. False on failure.
    let append_run = |g: usize, out: &mut Vec<u8>, starts: &mut Vec<usize>| -> bool {
        let Some(r) = run(g) else {
            return false;
        };
        r.chunks(blocksize).enumerate().all(|(k, b)| {
            starts.push(out.len());
            matches!(
                append_block(p, splits_of(g * per + k), b, out, None),
                Ok(true)
            )
        })
    };
    frame.clear();
    frame.reserve(maxbytes);
    frame.resize(table_end, 0);
    // The frame, its block starts and how many runs it holds (`0..k`).
    let front = Mutex::new(Some((frame, Vec::with_capacity(nblocks), 0usize)));
    // Unclaimed runs: `lo..hi`.
    let unclaimed = Mutex::new(0..nruns);
    let back: Vec<Mutex<Option<Part>>> = (0..nruns).map(|_| Mutex::new(None)).collect();
    // (Through functions, so the lock is released before the run is compressed: a guard in a
    // `while let` scrutinee would live through the loop body.)
    let claim_front = || lock(&unclaimed).next();
    let claim_back = || lock(&unclaimed).next_back();
    let failed = AtomicBool::new(false);
    (0..threads.max(1))
        .into_par_iter()
        .with_max_len(1)
        .for_each(|_| {
            let head = lock(&front).take();
            if let Some((mut out, mut starts, mut k)) = head {
                while let Some(g) = claim_front() {
                    if failed.load(Relaxed) || !append_run(g, &mut out, &mut starts) {
                        failed.store(true, Relaxed);
                        break;
                    }
                    k = g + 1;
                }
                *lock(&front) = Some((out, starts, k));
            } else {
                while let Some(g) = claim_back() {
                    let Some(r) = run(g) else { break };
                    let mut v = take_part(r.len() + 4 * r.len().div_ceil(blocksize) * p.typesize);
                    let mut s = Vec::with_capacity(per);
                    if failed.load(Relaxed) || !append_run(g, &mut v, &mut s) {
                        failed.store(true, Relaxed);
                        give_back(std::iter::once(v));
                        break;
                    }
                    if let Some(slot) = back.get(g) {
                        *lock(slot) = Some((v, s));
                    }
                }
            }
        });
    let (mut out, mut starts, k) = lock(&front).take()?;
    if failed.into_inner() {
        return None;
    }
    // The front writer took runs 0..k; the back runs k.. are all in their buffers (a missing
    // one fails the collect below).
    let parts: Vec<Part> = back
        .into_iter()
        .skip(k)
        .map(|m| match m.into_inner() {
            Ok(v) => v,
            Err(poisoned) => poisoned.into_inner(),
        })
        .collect::<Option<_>>()?;
    let mut at = out.len();
    for (v, s) in &parts {
        starts.extend(s.iter().map(|&b| at + b));
        at += v.len();
    }
    let slices: Vec<&[u8]> = parts.iter().map(|(v, _)| v.as_slice()).collect();
    copy::extend_concat(&mut out, &slices, |copy_part| {
        (0..slices.len())
            .into_par_iter()
            .with_max_len(1)
            .for_each(copy_part)
    });
    give_back(parts.into_iter().map(|(v, _)| v));
    // Equal to the serial encoder only when no stream's maxout could have been bound.
    (out.len() + blocksize <= maxbytes && starts.len() == nblocks).then_some((out, starts))
}

/// A compressed run: its bytes, and the offsets in them of the blocks it holds.
type Part = (Vec<u8>, Vec<usize>);

/// A single block split into streams: the streams are compressed in parallel, then appended.
fn encode_one_block_parallel(
    p: &EncodeParams,
    input: &[u8],
    nsplits: usize,
    table_end: usize,
    maxbytes: usize,
    mut out: Vec<u8>,
) -> Option<(Vec<u8>, Vec<usize>)> {
    if nsplits < 2 {
        return None;
    }
    let neblock = input.len() / nsplits;
    let one = |data: &[u8]| -> Option<Vec<Vec<u8>>> {
        data.par_chunks(neblock)
            .map(|s| {
                let mut v = take_part(neblock + 4);
                append_stream(p, s, &mut v, None).then_some(v)
            })
            .collect()
    };
    let parts = if filter_applies(p.filter, p.typesize, input.len()) {
        let mut tmp = vec![0u8; input.len()];
        apply_filter(p.filter, true, p.typesize, input, &mut tmp).ok()?;
        one(&tmp)?
    } else {
        one(input)?
    };
    let total = table_end + parts.iter().map(Vec::len).sum::<usize>();
    if total + input.len() > maxbytes {
        return None;
    }
    out.clear();
    out.reserve(total);
    out.resize(table_end, 0);
    for v in &parts {
        copy::extend(&mut out, v);
    }
    give_back(parts.into_iter());
    Some((out, vec![table_end]))
}
