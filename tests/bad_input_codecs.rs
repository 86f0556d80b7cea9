//! The bad-input suite, codec half: one named test per row of the checklist in
//! `shared/reference/reliability.md` §3.1 (framing and sizes), §3.2 (Blosc container), §3.3
//! (inner compressors), §3.4 (shuffle rows only) and §3.5 (codec config JSON). Each test forges
//! its input by hand from the format facts and asserts the specific error variant and that the
//! message names what was wrong. Rows about the array/store layer are in `bad_input_array.rs`.
//! `tests/BAD_INPUTS.md` maps all 66 rows to their tests (checked by
//! `checklist_table_names_real_tests` below).
//!
//! Allocation rows (F4, F5, F9, C6) also measure the peak bytes allocated by the decoding
//! thread with a thread-local counting allocator, so parallel tests do not disturb it.

use chunkcodec::{get_codec, Codec, DType, Error, Pipeline};
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

// ---------------------------------------------------------------------------------------------
// A per-thread peak-allocation counter.

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn add(n: usize) {
    let _ = LIVE.try_with(|l| {
        let v = l.get().saturating_add(n);
        l.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

fn sub(n: usize) {
    let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(n)));
}

// SAFETY: every call forwards to the system allocator with the caller's arguments; the
// bookkeeping only touches const-initialised thread-locals (no allocation, no reentrancy).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        sub(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size);
        sub(layout.size());
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result and the peak bytes this thread held beyond what it held
/// before.
fn peak<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let r = f();
    let top = PEAK.with(Cell::get);
    (r, top.saturating_sub(base))
}

/// Allocation allowance on top of the expected size (scratch, error strings, codec contexts).
const SLACK: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Helpers.

fn codec(cfg: serde_json::Value) -> Box<dyn Codec> {
    get_codec(&cfg).unwrap()
}

/// Asserts `r` is an error matching `pat` whose message contains every needle.
macro_rules! assert_err {
    ($r:expr, $pat:pat, $($needle:expr),* $(,)?) => {{
        match $r {
            Ok(_) => panic!("expected an error, got Ok"),
            Err(e) => {
                let msg = e.to_string();
                assert!(matches!(e, $pat), "wrong error kind: {e:?}");
                $( assert!(msg.contains($needle), "message {msg:?} lacks {:?}", $needle); )*
                msg
            }
        }
    }};
}

/// A c-blosc 1.x header: version, versionlz, flags, typesize, nbytes, blocksize, cbytes.
fn blosc_header(
    version: u8,
    vcodec: u8,
    flags: u8,
    typesize: u8,
    nbytes: i32,
    blocksize: i32,
    cbytes: i32,
) -> Vec<u8> {
    let mut h = vec![version, vcodec, flags, typesize];
    h.extend_from_slice(&nbytes.to_le_bytes());
    h.extend_from_slice(&blocksize.to_le_bytes());
    h.extend_from_slice(&cbytes.to_le_bytes());
    h
}

/// A memcpyed Blosc frame holding `data` (flags 0x02, typesize 1).
fn blosc_memcpyed(data: &[u8]) -> Vec<u8> {
    let n = data.len() as i32;
    let mut f = blosc_header(2, 1, 0x02, 1, n, n, n + 16);
    f.extend_from_slice(data);
    f
}

/// A one-block, one-stream (flags: lz4 code 1 << 5 | DONT_SPLIT 0x10) Blosc frame whose only
/// stream is `stream` and whose decoded size is `nbytes`.
fn blosc_lz4_one_stream(nbytes: i32, stream: &[u8]) -> Vec<u8> {
    let cbytes = 16 + 4 + 4 + stream.len() as i32;
    let mut f = blosc_header(2, 1, (1 << 5) | 0x10, 1, nbytes, nbytes, cbytes);
    f.extend_from_slice(&20i32.to_le_bytes());
    f.extend_from_slice(&(stream.len() as i32).to_le_bytes());
    f.extend_from_slice(stream);
    f
}

/// Offsets of the forged fields: header `nbytes` and `blocksize`, and in a
/// [`blosc_lz4_one_stream`] frame the first block start and the first stream's size.
const NBYTES: usize = 4;
const BLOCKSIZE: usize = 8;
const BSTART0: usize = 16;
const CSIZE0: usize = 20;

/// `frame` with the little-endian i32 at `at` replaced by `v`: one forged field.
fn forge(frame: &[u8], at: usize, v: i32) -> Vec<u8> {
    let mut f = frame.to_vec();
    f[at..at + 4].copy_from_slice(&v.to_le_bytes());
    f
}

/// `frame` with byte `at` (version, flags, typesize) replaced by `v`.
fn forge_byte(frame: &[u8], at: usize, v: u8) -> Vec<u8> {
    let mut f = frame.to_vec();
    f[at] = v;
    f
}

/// A raw LZ4 block of 16 literals 0..16 (token 0xF0, one extra length byte 0x01).
fn lz4_literals16() -> Vec<u8> {
    let mut b = vec![0xF0, 0x01];
    b.extend(0u8..16);
    b
}

/// numcodecs' LZ4 framing: a little-endian i32 size, then the block.
fn nc_lz4(size: i32, block: &[u8]) -> Vec<u8> {
    let mut v = size.to_le_bytes().to_vec();
    v.extend_from_slice(block);
    v
}

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// A zstd frame with no content size (FHD 0x00, single-segment off), window descriptor `wd`,
/// and `blocks` RLE blocks of `block_len` copies of `value`.
fn zstd_rle_frame(wd: u8, blocks: usize, block_len: u32, value: u8) -> Vec<u8> {
    let mut f = ZSTD_MAGIC.to_vec();
    f.extend_from_slice(&[0x00, wd]);
    for i in 0..blocks {
        let last = u32::from(i + 1 == blocks);
        let h = last | (1 << 1) | (block_len << 3);
        f.extend_from_slice(&h.to_le_bytes()[..3]);
        f.push(value);
    }
    f
}

fn sample_data() -> Vec<u8> {
    (0..10_000u32).flat_map(|v| (v / 7).to_le_bytes()).collect()
}

// ---------------------------------------------------------------------------------------------
// §3.1 Framing and sizes (all codecs)

/// F1: empty input (0 bytes) to a codec that has a header -> Err(Truncated{needed, got:0}).
#[test]
fn row_3_1_01_empty_input() {
    assert_err!(
        codec(json!({"id": "blosc"})).decode(&[]),
        Error::Corrupt { .. },
        "blosc",
        "0 bytes",
        "16-byte header"
    );
    assert_err!(
        codec(json!({"id": "lz4"})).decode(&[]),
        Error::Corrupt { .. },
        "lz4",
        "0 bytes",
        "4-byte size header"
    );
    assert_err!(
        codec(json!({"id": "zstd"})).decode(&[]),
        Error::Corrupt { .. },
        "zstd",
        "empty"
    );
    assert_err!(
        codec(json!({"id": "zlib"})).decode(&[]),
        Error::Corrupt { .. },
        "zlib",
        "empty"
    );
    // lzma follows Python's lzma.decompress(b""): an error (no stream), not empty output.
    assert_err!(
        codec(json!({"id": "lzma"})).decode(&[]),
        Error::Corrupt { .. },
        "lzma"
    );
    // Checksum codecs: no room for the 4-byte checksum.
    for id in [
        "crc32",
        "crc32c",
        "adler32",
        "fletcher32",
        "jenkins_lookup3",
    ] {
        assert_err!(
            codec(json!({ "id": id })).decode(&[]),
            Error::Corrupt { .. },
            id,
            "0 bytes"
        );
    }
    // gzip and bz2 follow Python: empty input is an empty result (numcodecs returns b"").
    assert_eq!(codec(json!({"id": "gzip"})).decode(&[]).unwrap(), b"");
    assert_eq!(codec(json!({"id": "bz2"})).decode(&[]).unwrap(), b"");
    // decode_into with an empty out: the same errors, not OutputSize.
    assert_err!(
        codec(json!({"id": "blosc"})).decode_into(&[], &mut []),
        Error::Corrupt { .. },
        "16-byte header"
    );
}

/// F2: input shorter than the fixed header (blosc < 16 B, numcodecs LZ4 < 4 B, zstd < frame
/// header) -> Err(Truncated) before reading any field.
#[test]
fn row_3_1_02_shorter_than_header() {
    let blosc = codec(json!({"id": "blosc"}));
    let frame = blosc.encode(&sample_data(), DType::U4).unwrap();
    for n in 1..16 {
        assert_err!(
            blosc.decode(&frame[..n]),
            Error::Corrupt { .. },
            &format!("frame of {n} bytes"),
            "16-byte header"
        );
    }
    let lz4 = codec(json!({"id": "lz4"}));
    for n in 1..4 {
        assert_err!(
            lz4.decode(&[0xff; 3][..n]),
            Error::Corrupt { .. },
            &format!("{n} bytes is too short"),
            "4-byte size header"
        );
    }
    let zstd = codec(json!({"id": "zstd"}));
    for n in 1..6 {
        assert_err!(
            zstd.decode(&[0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x10][..n]),
            Error::Corrupt { .. },
            "zstd"
        );
    }
}

/// F3: header-declared compressed length != actual input length (shorter -> truncated;
/// longer -> trailing bytes).
#[test]
fn row_3_1_03_declared_length_disagrees_with_buffer() {
    let blosc = codec(json!({"id": "blosc"}));
    let data = sample_data();
    let frame = blosc.encode(&data, DType::U4).unwrap();
    // Shorter: cbytes says more than the buffer holds.
    let msg = assert_err!(
        blosc.decode(&frame[..frame.len() - 1]),
        Error::Corrupt { .. },
        "cbytes (offset 12)",
        "truncated"
    );
    assert!(msg.contains(&format!("{}", frame.len())), "{msg}");
    // Longer: c-blosc ignores bytes after cbytes (zarr stores may pad); the data is exact.
    let mut longer = frame.clone();
    longer.extend_from_slice(&[0xAB; 7]);
    assert_eq!(blosc.decode(&longer).unwrap(), data);
    // numcodecs LZ4: the block must end exactly at the buffer end.
    let ok = nc_lz4(16, &lz4_literals16());
    assert_eq!(
        codec(json!({"id": "lz4"})).decode(&ok).unwrap(),
        (0u8..16).collect::<Vec<_>>()
    );
    let mut trailing = ok.clone();
    trailing.push(0);
    assert_err!(
        codec(json!({"id": "lz4"})).decode(&trailing),
        Error::Corrupt { .. },
        "lz4",
        "trailing"
    );
    // zstd: trailing bytes that are not a frame.
    let z = codec(json!({"id": "zstd"}));
    let mut zf = z.encode(&data, DType::U1).unwrap();
    zf.extend_from_slice(b"junk");
    assert_err!(z.decode(&zf), Error::Corrupt { .. }, "zstd");
}

/// F4: header-declared decoded size != expected size (including huge: 2 GiB, 2^40) ->
/// Err(DecodedSizeMismatch{declared, expected}) before allocating.
#[test]
fn row_3_1_04_declared_size_huge_or_wrong_before_allocating() {
    // Blosc nbytes 2^31-1 with a 20-byte buffer.
    let mut blosc_huge = blosc_header(2, 1, 0x21, 4, i32::MAX, 1 << 16, 20);
    blosc_huge.extend_from_slice(&[0; 4]);
    // numcodecs LZ4 size prefix 0x7fffffff.
    let lz4_huge = nc_lz4(0x7fff_ffff, &[0x00]);
    // zstd: single segment, 8-byte frame content size 2^40, then a 3-byte header of a last
    // raw block of 0 bytes.
    let mut zstd_huge = ZSTD_MAGIC.to_vec();
    zstd_huge.push(0xE0);
    zstd_huge.extend_from_slice(&(1u64 << 40).to_le_bytes());
    zstd_huge.extend_from_slice(&[0x01, 0, 0]);
    let cases: [(&str, &Vec<u8>, u64); 3] = [
        ("blosc", &blosc_huge, i32::MAX as u64),
        ("lz4", &lz4_huge, 0x7fff_ffff),
        ("zstd", &zstd_huge, 1 << 40),
    ];
    for (id, input, claimed) in cases {
        let c = codec(json!({ "id": id }));
        let (r, p) = peak(|| c.decode_limited(input, 1 << 20));
        let msg = assert_err!(
            r,
            Error::TooLarge { .. },
            id,
            &claimed.to_string(),
            "1048576"
        );
        assert!(p < SLACK, "{id}: {p} bytes allocated ({msg})");
        let mut out = vec![0u8; 4096];
        let (r, p) = peak(|| c.decode_into(input, &mut out));
        if id == "blosc" {
            // The block-start table of 2^31-1 bytes in 64 KiB blocks cannot fit 20 bytes: the
            // frame is corrupt before its size is compared with `out`.
            assert_err!(
                r,
                Error::Corrupt { .. },
                "32768 block starts do not fit in cbytes 20"
            );
        } else {
            assert_err!(r, Error::OutputSize { found: 4096, .. }, id, "4096");
        }
        assert!(p < SLACK, "{id}: decode_into allocated {p} bytes");
        assert!(out.iter().all(|&b| b == 0), "{id}: out was written");
    }
    // A plausible but wrong size: the frame says 40000 bytes, the caller expects 40004.
    let blosc = codec(json!({"id": "blosc"}));
    let frame = blosc.encode(&sample_data(), DType::U4).unwrap();
    let mut out = vec![0u8; 40_004];
    assert_err!(
        blosc.decode_into(&frame, &mut out),
        Error::OutputSize {
            expected: 40_000,
            found: 40_004,
            ..
        },
        "40000",
        "40004"
    );
}

/// F5: decoded size exceeds engine hard cap (2^31-1 like BLOSC_MAX_BUFFERSIZE) -> Err(TooLarge).
#[test]
fn row_3_1_05_over_the_default_hard_cap() {
    // zstd can claim more than i32::MAX; `decode` (default limit 2^31-1) refuses it.
    let mut zstd_huge = ZSTD_MAGIC.to_vec();
    zstd_huge.push(0xE0);
    zstd_huge.extend_from_slice(&(1u64 << 31).to_le_bytes());
    zstd_huge.extend_from_slice(&[0x01, 0, 0]);
    let (r, p) = peak(|| codec(json!({"id": "zstd"})).decode(&zstd_huge));
    assert_err!(
        r,
        Error::TooLarge {
            claimed: 2_147_483_648,
            limit: 2_147_483_647,
            ..
        },
        "zstd",
        "2147483648",
        "2147483647"
    );
    assert!(p < SLACK, "{p} bytes allocated");
    // Two frames whose content sizes only exceed the cap together.
    let mut two = zstd_huge.clone();
    two[5..13].copy_from_slice(&(1u64 << 30).to_le_bytes());
    let one = two.clone();
    two.extend_from_slice(&one);
    two.extend_from_slice(&one);
    let (r, p) = peak(|| codec(json!({"id": "zstd"})).decode(&two));
    assert_err!(r, Error::TooLarge { .. }, "3221225472");
    assert!(p < SLACK, "{p} bytes allocated");
}

/// F6: output buffer provided by caller is smaller than expected -> Err(OutputTooSmall);
/// nothing written.
#[test]
fn row_3_1_06_out_too_small_nothing_written() {
    let data = sample_data();
    for cfg in [
        json!({"id": "blosc"}),
        json!({"id": "lz4"}),
        json!({"id": "zstd"}),
        json!({"id": "zlib"}),
        json!({"id": "gzip"}),
        json!({"id": "bz2"}),
        json!({"id": "lzma"}),
    ] {
        let c = codec(cfg.clone());
        let enc = c.encode(&data, DType::U4).unwrap();
        let mut buf = vec![0xA5u8; data.len()];
        let (small, rest) = buf.split_at_mut(data.len() - 1);
        let r = c.decode_into(&enc, small);
        assert_err!(r, Error::OutputSize { found: 39_999, .. }, "39999");
        assert_eq!(rest, [0xA5], "{cfg}: wrote past out");
        // Header-framed codecs check before writing anything at all.
        if ["blosc", "lz4", "zstd"].contains(&cfg["id"].as_str().unwrap()) {
            assert!(small.iter().all(|&b| b == 0xA5), "{cfg}: out was written");
        }
    }
}

/// F7: output buffer larger than expected: not an error in c-blosc (#261). Here `decode_into`
/// takes the exact size (a larger `out` is OutputSize naming both sizes, nothing written past
/// the decoded size), and `decode_limited` with a larger limit returns exactly the decoded bytes.
#[test]
fn row_3_1_07_out_larger_than_expected() {
    let data = sample_data();
    for cfg in [
        json!({"id": "blosc"}),
        json!({"id": "lz4"}),
        json!({"id": "zstd"}),
        json!({"id": "zlib"}),
        json!({"id": "gzip"}),
    ] {
        let c = codec(cfg.clone());
        let enc = c.encode(&data, DType::U4).unwrap();
        assert_eq!(c.decode_limited(&enc, data.len() + 100).unwrap(), data);
        let mut big = vec![0u8; data.len() + 100];
        assert_err!(
            c.decode_into(&enc, &mut big),
            Error::OutputSize { found: 40_100, .. },
            "40100"
        );
    }
}

/// F8: stream decodes to fewer bytes than expected -> Err(TooShort{got, expected}), never
/// zero-fill silently.
#[test]
fn row_3_1_08_stream_shorter_than_declared() {
    // LZ4: header says 20, block holds 16 literals.
    let lz4 = codec(json!({"id": "lz4"}));
    let input = nc_lz4(20, &lz4_literals16());
    assert_err!(lz4.decode(&input), Error::Corrupt { .. }, "lz4");
    let mut out = [0u8; 20];
    assert_err!(
        lz4.decode_into(&input, &mut out),
        Error::Corrupt { .. },
        "lz4"
    );
    // Blosc: the single stream holds 16 bytes of a 20-byte block.
    let blosc = codec(json!({"id": "blosc"}));
    assert_err!(
        blosc.decode(&blosc_lz4_one_stream(20, &lz4_literals16())),
        Error::Corrupt { .. },
        "block 0 stream 0 at offset 24"
    );
    // zstd without a content size: 100 bytes into an out of 101.
    let z = codec(json!({"id": "zstd"}));
    let f = zstd_rle_frame(0x38, 1, 100, 7);
    let mut out = vec![0u8; 101];
    assert_err!(
        z.decode_into(&f, &mut out),
        Error::OutputSize {
            expected: 100,
            found: 101,
            ..
        },
        "zstd"
    );
    // Streaming codecs: a stream shorter than the caller's out.
    for id in ["zlib", "gzip", "bz2", "lzma"] {
        let c = codec(json!({ "id": id }));
        let enc = c.encode(b"0123456789", DType::U1).unwrap();
        let mut out = [0u8; 11];
        assert_err!(
            c.decode_into(&enc, &mut out),
            Error::OutputSize {
                expected: 10,
                found: 11,
                ..
            },
            id
        );
    }
}

/// F9: stream would produce more bytes than expected (bomb, missing content size) -> stop at
/// expected+1 -> Err(TooLong).
#[test]
fn row_3_1_09_bomb_stops_at_the_limit() {
    // The N6 probe: 4096 RLE blocks of 128 KiB with no content size = 512 MiB from 16 KiB.
    let bomb = zstd_rle_frame(0x38, 4096, 131_072, 0x5a);
    assert!(bomb.len() < 20_000);
    let z = codec(json!({"id": "zstd"}));
    let (r, p) = peak(|| z.decode_limited(&bomb, 1 << 20));
    assert_err!(
        r,
        Error::TooLarge {
            limit: 1_048_576,
            ..
        },
        "zstd",
        "1048576"
    );
    assert!(p < (1 << 20) + 2 * SLACK, "{p} bytes allocated");
    let mut out = vec![0u8; 1 << 20];
    let (r, p) = peak(|| z.decode_into(&bomb, &mut out));
    assert_err!(
        r,
        Error::OutputSize {
            found: 1_048_576,
            ..
        },
        "zstd"
    );
    assert!(p < 2 * SLACK, "{p} bytes allocated");
    // Deflate, bzip2 and xz bombs: 16 MiB of zeros against a 64 KiB limit.
    let zeros = vec![0u8; 16 << 20];
    for id in ["zlib", "gzip", "bz2", "lzma"] {
        let c = codec(json!({ "id": id }));
        let enc = c.encode(&zeros, DType::U1).unwrap();
        let (r, p) = peak(|| c.decode_limited(&enc, 65_536));
        assert_err!(r, Error::TooLarge { limit: 65_536, .. }, id, "65536");
        assert!(p < 65_536 + 8 * SLACK, "{id}: {p} bytes allocated");
    }
}

/// F10: size arithmetic overflow (offset+len, n x itemsize, 0xFF length runs) -> Err via
/// checked ops.
#[test]
fn row_3_1_10_size_arithmetic_overflow() {
    let blosc = codec(json!({"id": "blosc"}));
    // Blosc: a stream size of i32::MAX at the end of the frame (offset + 4 + size overflows i32).
    let one = blosc_lz4_one_stream(16, &lz4_literals16());
    assert_err!(
        blosc.decode(&forge(&one, CSIZE0, i32::MAX)),
        Error::Corrupt { .. },
        "size 2147483647 at offset 20",
        "does not fit"
    );
    // Blosc: a block start of i32::MAX.
    assert_err!(
        blosc.decode(&forge(&one, BSTART0, i32::MAX)),
        Error::Corrupt { .. },
        "block 0",
        "2147483647",
        "outside the stream area"
    );
    // LZ4: a literal length run of 0xFF bytes to the end of the input.
    let mut block = vec![0xF0];
    block.extend_from_slice(&[0xFF; 64]);
    assert_err!(
        codec(json!({"id": "lz4"})).decode(&nc_lz4(100, &block)),
        Error::Corrupt { .. },
        "lz4"
    );
    // Shape products that overflow are array errors (see bad_input_array.rs row A8).
}

/// F11: same input decoded into a buffer pre-filled with 0x00 vs 0xFF -> byte-identical result
/// (or identical error).
#[test]
fn row_3_1_11_prefilled_out_does_not_leak() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let data = sample_data();
    let mut oks = 0;
    for cfg in [
        json!({"id": "blosc", "cname": "blosclz"}),
        json!({"id": "blosc", "cname": "lz4", "shuffle": 2}),
        json!({"id": "lz4"}),
        json!({"id": "zstd"}),
        json!({"id": "zlib"}),
        json!({"id": "gzip"}),
        json!({"id": "bz2"}),
        json!({"id": "lzma"}),
        json!({"id": "crc32"}),
        json!({"id": "fletcher32"}),
    ] {
        oks += prefill_differential(&cfg, &data, 60, &mut next);
    }
    // The lz4-format codecs have no checksum: some flips decode, which is what this row checks.
    assert!(oks > 0);
    // Blosc frames of 1 MiB decode their blocks (and streams) in parallel into `out`.
    let big: Vec<u8> = (0..262_144u32)
        .flat_map(|v| (v / 9).to_le_bytes())
        .collect();
    for cfg in [
        json!({"id": "blosc", "cname": "lz4", "blocksize": 65536}),
        json!({"id": "blosc", "cname": "blosclz", "blocksize": 0}),
    ] {
        prefill_differential(&cfg, &big, 20, &mut next);
    }
}

/// Flips one random bit past the first 16 bytes of `cfg`'s encoding of `data`, `flips` times;
/// decodes each into outs pre-filled with 0x00 and with 0xFF and asserts the same result
/// (same bytes, or the same error). Returns how many flipped inputs decoded.
fn prefill_differential(
    cfg: &serde_json::Value,
    data: &[u8],
    flips: usize,
    next: &mut impl FnMut() -> u64,
) -> usize {
    let c = codec(cfg.clone());
    let enc = c.encode(data, DType::U4).unwrap();
    let mut oks = 0;
    for _ in 0..flips {
        let mut bad = enc.clone();
        let i = 16 + (next() as usize) % (bad.len() - 16);
        bad[i] ^= 1 << (next() % 8);
        let mut a = vec![0x00u8; data.len()];
        let mut b = vec![0xFFu8; data.len()];
        let ra = c.decode_into(&bad, &mut a).map_err(|e| e.to_string());
        let rb = c.decode_into(&bad, &mut b).map_err(|e| e.to_string());
        assert_eq!(ra, rb, "{cfg}: flip at {i}");
        if ra.is_ok() {
            assert!(
                a == b,
                "{cfg}: flip at {i}: output depends on the old contents"
            );
            oks += 1;
        }
    }
    oks
}

// ---------------------------------------------------------------------------------------------
// §3.2 Blosc-like container

/// B1: version byte unknown / from the future; flags bit 0x08 (reserved) set.
#[test]
fn row_3_2_01_blosc_unknown_version_and_reserved_flag() {
    let blosc = codec(json!({"id": "blosc"}));
    for v in [0u8, 1, 3, 0xff] {
        assert_err!(
            blosc.decode(&forge_byte(&blosc_memcpyed(&[1, 2, 3, 4]), 0, v)),
            Error::Corrupt { .. },
            "format version (offset 0)",
            &format!("is {v}")
        );
    }
    let f = forge_byte(&blosc_lz4_one_stream(16, &lz4_literals16()), 1, 2);
    assert_err!(
        blosc.decode(&f),
        Error::Corrupt { .. },
        "compressor format version (offset 1) is 2"
    );
    let f = forge_byte(&blosc_memcpyed(&[1, 2, 3, 4]), 2, 0x02 | 0x08);
    assert_err!(
        blosc.decode(&f),
        Error::Corrupt { .. },
        "flags (offset 2)",
        "reserved bit 0x08"
    );
}

/// B2: unknown compressor code in flags -> Err(UnknownCompressor(code)).
#[test]
fn row_3_2_02_blosc_unknown_compressor_code() {
    let blosc = codec(json!({"id": "blosc"}));
    // Control: code 1 (lz4) decodes.
    let good = blosc_lz4_one_stream(16, &lz4_literals16());
    assert_eq!(blosc.decode(&good).unwrap(), (0u8..16).collect::<Vec<_>>());
    for (code, needle) in [(2u8, "snappy"), (5, "code 5"), (6, "code 6"), (7, "code 7")] {
        let f = forge_byte(&good, 2, (code << 5) | 0x10);
        assert_err!(blosc.decode(&f), Error::Corrupt { .. }, needle);
    }
}

/// B3: typesize == 0 -> Err(InvalidHeader("typesize")).
#[test]
fn row_3_2_03_blosc_typesize_zero() {
    let blosc = codec(json!({"id": "blosc"}));
    for f in [
        blosc_memcpyed(&[1, 2, 3, 4]),
        blosc_lz4_one_stream(16, &lz4_literals16()),
    ] {
        assert_err!(
            blosc.decode(&forge_byte(&f, 3, 0)),
            Error::Corrupt { .. },
            "typesize (offset 3) is 0"
        );
    }
}

/// B4: typesize != array itemsize. Policy (as c-blosc and numcodecs): the header's typesize
/// wins; decode needs no dtype, so a frame written with another typesize decodes exactly.
#[test]
fn row_3_2_04_blosc_typesize_differs_from_itemsize() {
    let data = sample_data();
    for ts in [1, 2, 3, 8] {
        let enc = codec(json!({"id": "blosc", "typesize": ts, "shuffle": 1}))
            .encode(&data, DType::U4)
            .unwrap();
        assert_eq!(enc[3], ts as u8);
        assert_eq!(codec(json!({"id": "blosc"})).decode(&enc).unwrap(), data);
    }
}

/// B5: blocksize == 0, > nbytes, > MAX_BLOCKSIZE, or not a multiple of typesize.
#[test]
fn row_3_2_05_blosc_bad_blocksize() {
    let blosc = codec(json!({"id": "blosc"}));
    let good = blosc_lz4_one_stream(16, &lz4_literals16());
    for (bs, needle) in [
        (0i32, "blocksize (offset 8) 0 is not in 1..=nbytes (16)"),
        (17, "blocksize (offset 8) 17 is not in 1..=nbytes (16)"),
        (i32::MAX, "blocksize (offset 8) 2147483647"),
        (-1, "blocksize at offset 8 is negative"),
    ] {
        let f = forge(&good, BLOCKSIZE, bs);
        assert_err!(blosc.decode(&f), Error::Corrupt { .. }, needle);
        // c-blosc checks the blocksize before the memcpyed flag: memcpyed frames too.
        let f = forge(&blosc_memcpyed(&[7; 16]), BLOCKSIZE, bs);
        assert_err!(blosc.decode(&f), Error::Corrupt { .. }, needle);
    }
    assert_eq!(blosc.decode(&blosc_memcpyed(&[7; 16])).unwrap(), [7; 16]);
    // The empty frame (nbytes 0, which c-blosc refuses whatever its blocksize) still decodes.
    for bs in [0, 1, 4096] {
        let f = forge(&blosc_memcpyed(&[]), BLOCKSIZE, bs);
        assert_eq!(
            blosc.decode(&f).unwrap(),
            Vec::<u8>::new(),
            "blocksize {bs}"
        );
    }
    // Not a multiple of typesize: typesize 3, blocksize 16, split streams. A split block of
    // 16 bytes cannot be three equal streams; c-blosc's encoder never writes it.
    let f = forge_byte(&forge_byte(&good, 2, 1 << 5), 3, 3); // lz4, split allowed, typesize 3
    let r = blosc.decode(&f);
    match r {
        Err(Error::Corrupt { .. }) => {}
        // If the decoder treats it as one stream (no split for this blocksize), the data is
        // the 16 literals.
        Ok(d) => assert_eq!(d, (0u8..16).collect::<Vec<_>>()),
        Err(e) => panic!("wrong error kind: {e:?}"),
    }
}

/// B6: nblocks x 4 > cbytes - 16 (block-start table doesn't fit) -> Err.
#[test]
fn row_3_2_06_blosc_block_table_does_not_fit() {
    let blosc = codec(json!({"id": "blosc"}));
    // blocksize 1: 16 blocks need a 64-byte table in a 42-byte frame.
    let f = forge(&blosc_lz4_one_stream(16, &lz4_literals16()), BLOCKSIZE, 1);
    assert_err!(
        blosc.decode(&f),
        Error::Corrupt { .. },
        "16 block starts do not fit in cbytes 42"
    );
    // The Blosc nbytes 2^31-1 / 20-byte buffer probe, with no limit: the table check fires
    // before any allocation.
    let mut f = blosc_header(2, 1, 0x21, 4, i32::MAX, 1 << 16, 20);
    f.extend_from_slice(&[0; 4]);
    let mut out = [0u8; 0];
    let (r, p) = peak(|| blosc.decode_into(&f, &mut out));
    assert_err!(
        r,
        Error::Corrupt { .. },
        "block starts do not fit in cbytes 20"
    );
    assert!(p < SLACK, "{p} bytes allocated");
}

/// B7: block start offset < header end or >= cbytes; split length negative or past end ->
/// Err(BadOffset{block}).
#[test]
fn row_3_2_07_blosc_bstarts_and_stream_sizes_out_of_range() {
    let blosc = codec(json!({"id": "blosc"}));
    let good = blosc_lz4_one_stream(16, &lz4_literals16());
    for bstart in [0i32, 15, 19, 42, 1000, -1] {
        let f = forge(&good, BSTART0, bstart);
        let needle = if bstart < 0 {
            "block start at offset 16 is negative".to_string()
        } else {
            format!("block 0: start {bstart} is outside the stream area 20..42")
        };
        assert_err!(blosc.decode(&f), Error::Corrupt { .. }, &needle);
    }
    // A start in range whose 4-byte stream size runs past the end.
    assert_err!(
        blosc.decode(&forge(&good, BSTART0, 40)),
        Error::Corrupt { .. },
        "block 0 stream 0: size at offset 40 is past the frame end"
    );
    for cs in [-1i32, 0, 19, 1 << 20] {
        assert_err!(
            blosc.decode(&forge(&good, CSIZE0, cs)),
            Error::Corrupt { .. },
            &format!(
                "block 0 stream 0: size {cs} at offset 20 does not fit in the frame (42 bytes)"
            )
        );
    }
}

/// B8: MEMCPYED flag but cbytes != nbytes + 16 -> Err.
#[test]
fn row_3_2_08_blosc_memcpyed_size_mismatch() {
    let blosc = codec(json!({"id": "blosc"}));
    // Blocksize 1, so that a smaller forged nbytes still passes the blocksize check (which
    // c-blosc makes first) and the size check is what refuses it.
    let good = forge(&blosc_memcpyed(&[9; 10]), BLOCKSIZE, 1);
    assert_eq!(blosc.decode(&good).unwrap(), [9; 10]);
    assert_err!(
        blosc.decode(&forge(&good, NBYTES, 9)),
        Error::Corrupt { .. },
        "memcpyed frame: cbytes 26 != nbytes 9 + 16"
    );
    assert_err!(
        blosc.decode(&forge(&good, NBYTES, 11)),
        Error::Corrupt { .. },
        "memcpyed frame: cbytes 26 != nbytes 11 + 16"
    );
    // nbytes i32::MAX in a memcpyed frame: i32::MAX + 16 overflows c-blosc's int arithmetic.
    assert_err!(
        blosc.decode(&forge(&good, NBYTES, i32::MAX)),
        Error::Corrupt { .. },
        "memcpyed frame: cbytes 26 != nbytes 2147483647 + 16"
    );
}

/// B9: a split/block decompresses to != its expected size -> Err(BlockSizeMismatch).
#[test]
fn row_3_2_09_blosc_stream_decodes_to_wrong_size() {
    let blosc = codec(json!({"id": "blosc"}));
    // 16 literals in a block declared as 24 bytes: short.
    assert_err!(
        blosc.decode(&blosc_lz4_one_stream(24, &lz4_literals16())),
        Error::Corrupt { .. },
        "block 0 stream 0 at offset 24"
    );
    // 16 literals in a block declared as 12 bytes: the stream is longer than the block.
    assert_err!(
        blosc.decode(&blosc_lz4_one_stream(12, &lz4_literals16())),
        Error::Corrupt { .. },
        "block 0 stream 0 at offset 24"
    );
    // Every cname's streams: an encoded frame with nbytes grown by one typesize.
    for cname in ["blosclz", "lz4", "lz4hc", "zlib", "zstd"] {
        let c = codec(json!({"id": "blosc", "cname": cname, "shuffle": 0, "blocksize": 4096}));
        let data = sample_data();
        let f = c.encode(&data, DType::U4).unwrap();
        assert_eq!(f[2] & 0x02, 0, "{cname}: frame is memcpyed");
        let f = forge(&f, NBYTES, data.len() as i32 + 4);
        assert_err!(c.decode(&f), Error::Corrupt { .. }, "block");
    }
}

/// B11: shuffle/bitshuffle with block_len % typesize != 0 -> defined remainder handling (copy
/// tail verbatim), verified by round-trip.
#[test]
fn row_3_2_11_blosc_shuffle_with_partial_elements() {
    let data: Vec<u8> = (0..100_003u32).map(|i| (i / 13) as u8).collect();
    for shuffle in [1, 2] {
        for typesize in [2, 3, 4, 8, 16] {
            for blocksize in [0, 1000, 4099] {
                let c = codec(json!({"id": "blosc", "cname": "lz4", "shuffle": shuffle,
                                     "blocksize": blocksize, "typesize": typesize}));
                let enc = c.encode(&data, DType::U1).unwrap();
                assert_eq!(
                    c.decode(&enc).unwrap(),
                    data,
                    "shuffle {shuffle} typesize {typesize} blocksize {blocksize}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §3.3 Inner compressors

/// C1: zstd frame content size absent -> stream into the expected-size buffer; extra output ->
/// Err(TooLong).
#[test]
fn row_3_3_01_zstd_no_content_size() {
    let z = codec(json!({"id": "zstd"}));
    let f = zstd_rle_frame(0x38, 1, 100, 7);
    assert_eq!(z.decode_limited(&f, 100).unwrap(), [7; 100]);
    let mut out = [0u8; 100];
    z.decode_into(&f, &mut out).unwrap();
    assert_eq!(out, [7; 100]);
    assert_err!(
        z.decode_limited(&f, 99),
        Error::TooLarge { limit: 99, .. },
        "zstd",
        "99"
    );
    let mut out = [0u8; 99];
    assert_err!(
        z.decode_into(&f, &mut out),
        Error::OutputSize { found: 99, .. },
        "zstd"
    );
}

/// C2: zstd window > limit (default log 27) -> Err(WindowTooLarge).
#[test]
fn row_3_3_02_zstd_window_too_large() {
    let z = codec(json!({"id": "zstd"}));
    // Window descriptor 0xA0: window log 10 + 20 = 30 (1 GiB), over the 2^27 maximum.
    let f = zstd_rle_frame(0xA0, 1, 100, 7);
    let (r, p) = peak(|| z.decode_limited(&f, 1000));
    assert_err!(r, Error::Corrupt { .. }, "zstd", "memory");
    assert!(p < SLACK, "{p} bytes allocated");
    let mut out = [0u8; 100];
    assert_err!(z.decode_into(&f, &mut out), Error::Corrupt { .. }, "zstd");
}

/// C3: zstd multiple frames / skippable frames / trailing garbage -> accept concatenated frames
/// whose total == expected; trailing non-frame bytes -> Err.
#[test]
fn row_3_3_03_zstd_multiple_skippable_and_trailing() {
    let z = codec(json!({"id": "zstd"}));
    let a = z.encode(b"hello ", DType::U1).unwrap();
    let b = z.encode(b"world", DType::U1).unwrap();
    let mut skippable = vec![0x50, 0x2a, 0x4d, 0x18];
    skippable.extend_from_slice(&3u32.to_le_bytes());
    skippable.extend_from_slice(b"xyz");
    let mut all = a.clone();
    all.extend_from_slice(&skippable);
    all.extend_from_slice(&b);
    assert_eq!(z.decode(&all).unwrap(), b"hello world");
    let mut out = [0u8; 11];
    z.decode_into(&all, &mut out).unwrap();
    assert_eq!(&out, b"hello world");
    let mut out = [0u8; 12];
    assert_err!(
        z.decode_into(&all, &mut out),
        Error::OutputSize {
            expected: 11,
            found: 12,
            ..
        },
        "zstd"
    );
    // Trailing garbage and a truncated skippable frame.
    for tail in [
        &b"\x00"[..],
        b"garbage!",
        &skippable[..6],
        &[0x50, 0x2a, 0x4d, 0x18, 9, 0, 0, 0],
    ] {
        let mut bad = all.clone();
        bad.extend_from_slice(tail);
        assert_err!(z.decode(&bad), Error::Corrupt { .. }, "zstd");
    }
}

/// C4: zstd frame checksum mismatch -> Err(ChecksumMismatch). zstd's API reports the mismatch
/// without the two values, so it is a Corrupt error whose message says checksum.
#[test]
fn row_3_3_04_zstd_checksum_mismatch() {
    let z = codec(json!({"id": "zstd", "checksum": true}));
    let mut f = z.encode(&sample_data(), DType::U1).unwrap();
    let n = f.len();
    f[n - 1] ^= 0x01;
    let msg = assert_err!(z.decode(&f), Error::Corrupt { .. }, "zstd");
    assert!(msg.to_lowercase().contains("checksum"), "{msg}");
    let mut out = vec![0u8; 40_000];
    assert_err!(z.decode_into(&f, &mut out), Error::Corrupt { .. }, "zstd");
}

/// C5: zstd dictionary id present but no dictionary configured -> Err. (numcodecs' LZ4 block
/// format has no dictionary id.)
#[test]
fn row_3_3_05_zstd_dictionary_id_without_dictionary() {
    let z = codec(json!({"id": "zstd"}));
    // FHD 0x01: 1-byte dictionary id; window descriptor 0x38; dict id 7; one RLE block.
    let mut f = ZSTD_MAGIC.to_vec();
    f.extend_from_slice(&[0x01, 0x38, 0x07]);
    f.extend_from_slice(&(1u32 | (1 << 1) | (100 << 3)).to_le_bytes()[..3]);
    f.push(7);
    let msg = assert_err!(z.decode(&f), Error::Corrupt { .. }, "zstd");
    assert!(msg.to_lowercase().contains("dictionary"), "{msg}");
}

/// C6: numcodecs-LZ4 4-byte prefix != expected, or <= 0 / > i32::MAX -> Err before allocation.
#[test]
fn row_3_3_06_lz4_size_prefix() {
    let lz4 = codec(json!({"id": "lz4"}));
    let block = lz4_literals16();
    // Negative (> i32::MAX as an unsigned prefix).
    for size in [-1i32, i32::MIN] {
        assert_err!(
            lz4.decode(&nc_lz4(size, &block)),
            Error::Corrupt { .. },
            &format!("negative decoded size {size}")
        );
    }
    // Zero with a non-empty block.
    assert_err!(
        lz4.decode(&nc_lz4(0, &block)),
        Error::Corrupt { .. },
        "decoded size of 0"
    );
    // The N3 probe: 0x7fffffff + one byte, bounded by the caller, no allocation.
    let (r, p) = peak(|| lz4.decode_limited(&nc_lz4(0x7fff_ffff, &[0]), 16));
    assert_err!(r, Error::TooLarge { .. }, "2147483647", "16");
    assert!(p < SLACK, "{p} bytes allocated");
    // Differs from the caller's out.
    let mut out = [0u8; 15];
    assert_err!(
        lz4.decode_into(&nc_lz4(16, &block), &mut out),
        Error::OutputSize {
            expected: 16,
            found: 15,
            ..
        },
        "lz4"
    );
}

/// C7: LZ4 match offset 0 or beyond bytes produced -> Err(InvalidOffset).
#[test]
fn row_3_3_07_lz4_bad_match_offset() {
    let lz4 = codec(json!({"id": "lz4"}));
    // Control: 'a', match offset 1 length 4, then 12 final literals (the format's end rules)
    // -> 17 bytes.
    let block = |offset: u16| {
        let mut b = vec![0x10, b'a'];
        b.extend_from_slice(&offset.to_le_bytes());
        b.push(0xC0);
        b.extend_from_slice(b"bcdefghijklm");
        b
    };
    assert_eq!(
        lz4.decode(&nc_lz4(17, &block(1))).unwrap(),
        b"aaaaabcdefghijklm"
    );
    for off in [0u16, 2, 0xffff] {
        assert_err!(
            lz4.decode(&nc_lz4(17, &block(off))),
            Error::Corrupt { .. },
            "lz4",
            "invalid LZ4 block"
        );
    }
    // Offset 0 used to decode Ok (liblz4 accepts it) with the match copied from bytes of `out`
    // not yet written: a leak of the caller's old buffer contents. Now named as offset 0, also
    // inside a Blosc frame, and never dependent on `out`'s old contents.
    assert_err!(
        lz4.decode(&nc_lz4(17, &block(0))),
        Error::Corrupt { .. },
        "match offset 0 at block byte 2"
    );
    for fill in [0x00u8, 0xFF] {
        let mut out = [fill; 17];
        assert_err!(
            lz4.decode_into(&nc_lz4(17, &block(0)), &mut out),
            Error::Corrupt { .. },
            "match offset 0"
        );
    }
    // In Blosc, with a match of 5 (token 0x11) so that the 17-byte stream is not stored raw.
    let blosc = codec(json!({"id": "blosc"}));
    let long = |offset: u16| {
        let mut b = block(offset);
        b[0] = 0x11;
        b
    };
    assert_eq!(
        blosc.decode(&blosc_lz4_one_stream(18, &long(1))).unwrap(),
        b"aaaaaabcdefghijklm"
    );
    assert_err!(
        blosc.decode(&blosc_lz4_one_stream(18, &long(0))),
        Error::Corrupt { .. },
        "block 0 stream 0 at offset 24",
        "match offset 0"
    );
}

/// C8: LZ4 literal/match length run of 0xFF bytes past end of input or overflowing -> Err.
#[test]
fn row_3_3_08_lz4_length_runs_past_end() {
    let lz4 = codec(json!({"id": "lz4"}));
    // Literal-length run to the end of input.
    let mut lit = vec![0xF0];
    lit.extend_from_slice(&[0xFF; 200]);
    // Match-length run to the end of input: 1 literal, offset 1, match length 15 + run.
    let mut mat = vec![0x1F, b'a', 0x01, 0x00];
    mat.extend_from_slice(&[0xFF; 200]);
    for block in [lit, mat] {
        assert_err!(
            lz4.decode(&nc_lz4(1000, &block)),
            Error::Corrupt { .. },
            "invalid LZ4 block"
        );
        let mut out = vec![0u8; 1000];
        assert_err!(
            lz4.decode_into(&nc_lz4(1000, &block), &mut out),
            Error::Corrupt { .. },
            "lz4"
        );
    }
}

/// C9: zlib/gzip truncated stream, bad header (FEXTRA/FNAME longer than input), trailer
/// Adler-32/CRC-32 mismatch -> Err; header fields bounded.
#[test]
fn row_3_3_09_deflate_truncated_bad_header_bad_trailer() {
    let data = sample_data();
    for id in ["zlib", "gzip"] {
        let c = codec(json!({ "id": id }));
        let enc = c.encode(&data, DType::U1).unwrap();
        for cut in [1, 2, 5, 10, enc.len() / 2, enc.len() - 1] {
            assert_err!(c.decode(&enc[..cut]), Error::Corrupt { .. }, id);
        }
        // Trailer: the last byte is part of Adler-32 (zlib) / ISIZE (gzip); CRC-32 for gzip is
        // at len-8.
        let at = if id == "zlib" {
            enc.len() - 1
        } else {
            enc.len() - 8
        };
        let mut bad = enc.clone();
        bad[at] ^= 0x01;
        let r = c.decode(&bad);
        assert!(
            matches!(
                r,
                Err(Error::Corrupt { .. } | Error::ChecksumMismatch { .. })
            ),
            "{id}: {r:?}"
        );
        let msg = r.unwrap_err().to_string().to_lowercase();
        assert!(
            msg.contains(id) && (msg.contains("check") || msg.contains("crc")),
            "{msg}"
        );
    }
    let gzip = codec(json!({"id": "gzip"}));
    // FEXTRA with XLEN 0xFFFF and 3 bytes of it.
    let mut fextra = vec![
        0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 1, 2, 3,
    ];
    let (r, p) = peak(|| gzip.decode(&fextra));
    assert_err!(r, Error::Corrupt { .. }, "gzip");
    assert!(p < SLACK);
    // FNAME with no terminating zero.
    fextra[3] = 0x08;
    fextra.truncate(10);
    fextra.extend_from_slice(b"name-without-end");
    assert_err!(gzip.decode(&fextra), Error::Corrupt { .. }, "gzip");
    // Wrong magic and wrong method.
    for bad in [
        vec![
            0x1f, 0x8c, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
        vec![
            0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
    ] {
        assert_err!(gzip.decode(&bad), Error::Corrupt { .. }, "gzip");
    }
}

/// C10: deflate stream decoding beyond expected size -> Err(TooLong) (bounded inflate).
#[test]
fn row_3_3_10_deflate_beyond_expected_size() {
    let data = sample_data();
    for id in ["zlib", "gzip"] {
        let c = codec(json!({ "id": id }));
        let enc = c.encode(&data, DType::U1).unwrap();
        assert_err!(
            c.decode_limited(&enc, data.len() - 1),
            Error::TooLarge { limit: 39_999, .. },
            id,
            "39999"
        );
        let mut buf = vec![0x11u8; data.len()];
        let (out, tail) = buf.split_at_mut(data.len() - 1);
        assert_err!(
            c.decode_into(&enc, out),
            Error::OutputSize { found: 39_999, .. },
            id
        );
        assert_eq!(tail, [0x11]);
    }
}

/// C11: deeply nested/long-running inputs (many empty blocks) -> linear time, no recursion.
#[test]
fn row_3_3_11_many_empty_deflate_blocks() {
    // zlib header 78 01, 200,000 empty stored blocks (BFINAL 0), one final empty stored block,
    // Adler-32 of nothing (1).
    let mut z = vec![0x78, 0x01];
    for _ in 0..200_000 {
        z.extend_from_slice(&[0x00, 0x00, 0x00, 0xff, 0xff]);
    }
    z.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    z.extend_from_slice(&1u32.to_be_bytes());
    let c = codec(json!({"id": "zlib"}));
    assert_eq!(c.decode(&z).unwrap(), b"");
    // The same blocks that never end: truncated.
    let n = z.len();
    assert_err!(c.decode(&z[..n - 9]), Error::Corrupt { .. }, "zlib");
    // zstd: 100,000 empty raw blocks then a last one.
    let mut f = ZSTD_MAGIC.to_vec();
    f.extend_from_slice(&[0x00, 0x38]);
    for _ in 0..100_000 {
        f.extend_from_slice(&[0x00, 0x00, 0x00]);
    }
    f.extend_from_slice(&[0x01, 0x00, 0x00]);
    assert_eq!(codec(json!({"id": "zstd"})).decode(&f).unwrap(), b"");
}

// ---------------------------------------------------------------------------------------------
// §3.4 Filters (shuffle only; delta, fixedscaleoffset and the checksums are not merged here)

/// S1: shuffle elementsize 0 or negative -> Err(InvalidConfig) at parse. Negative and
/// non-integer values are errors; 0 (like 1) is numcodecs' identity (`elementsize <= 1`
/// returns the buffer), so it is accepted and decodes as a copy.
#[test]
fn row_3_4_s1_shuffle_bad_elementsize() {
    for bad in [json!(-1), json!(-8), json!(2.5), json!("4"), json!(true)] {
        assert_err!(
            get_codec(&json!({"id": "shuffle", "elementsize": bad})),
            Error::Config { .. },
            "shuffle",
            "\"elementsize\""
        );
    }
    let zero = codec(json!({"id": "shuffle", "elementsize": 0}));
    assert_eq!(zero.decode(&[1, 2, 3]).unwrap(), [1, 2, 3]);
}

/// S2: shuffle input length % elementsize != 0 -> numcodecs' shuffle id: Err.
#[test]
fn row_3_4_s2_shuffle_length_not_multiple() {
    let s = codec(json!({"id": "shuffle", "elementsize": 4}));
    assert_err!(
        s.decode(&[0; 10]),
        Error::Corrupt { .. },
        "10 bytes",
        "elementsize 4"
    );
    let mut out = [0u8; 10];
    assert_err!(
        s.decode_into(&[0; 10], &mut out),
        Error::Corrupt { .. },
        "elementsize 4"
    );
    assert_err!(
        s.encode(&[0; 10], DType::U1),
        Error::InvalidInput { .. },
        "10 bytes",
        "elementsize 4"
    );
}

/// S3: shuffle/unshuffle out length != input length -> Err (the N1 probe wrote past out).
#[test]
fn row_3_4_s3_shuffle_out_length() {
    let s = codec(json!({"id": "shuffle", "elementsize": 4}));
    let enc = s.encode(&sample_data(), DType::U4).unwrap();
    let mut big = vec![0x77u8; 4096];
    let (out, rest) = big.split_at_mut(16);
    assert_err!(
        s.decode_into(&enc, out),
        Error::OutputSize {
            expected: 40_000,
            found: 16,
            ..
        },
        "shuffle"
    );
    assert!(out.iter().chain(rest.iter()).all(|&b| b == 0x77));
    let mut bigger = vec![0u8; 40_004];
    assert_err!(
        s.decode_into(&enc, &mut bigger),
        Error::OutputSize { found: 40_004, .. },
        "shuffle"
    );
}

// ---------------------------------------------------------------------------------------------
// §3.5 Codec config JSON

/// J1: not JSON / truncated JSON -> Err(Json{line, column}).
#[test]
fn row_3_5_01_not_json() {
    for text in [
        "",
        "{",
        "{\"id\": \"zlib\"",
        "zlib",
        "[{\"id\": \"zlib\"},]",
        "{'id': 'zlib'}",
    ] {
        assert_err!(
            Pipeline::from_json(text),
            Error::ConfigShape(_),
            "not valid JSON",
            "line 1 column"
        );
    }
}

/// J2: missing id, unknown id -> Err(UnknownCodec(id)).
#[test]
fn row_3_5_02_missing_or_unknown_id() {
    assert_err!(
        get_codec(&json!({"level": 1})),
        Error::ConfigShape(_),
        "no \"id\" key"
    );
    assert_err!(
        get_codec(&json!({"id": null})),
        Error::ConfigShape(_),
        "\"id\" must be a string"
    );
    for id in ["nope", "Zlib", "ZSTD", "", "blosc2"] {
        let msg = assert_err!(
            get_codec(&json!({ "id": id })),
            Error::UnknownCodec { .. },
            &format!("{id:?}"),
            "registered"
        );
        assert!(msg.contains("zlib"), "the message lists known ids: {msg}");
    }
    assert_err!(
        Pipeline::from_json(r#"[{"id": "zlib"}, {"id": "nope"}]"#),
        Error::UnknownCodec { .. },
        "\"nope\""
    );
}

/// J3: wrong types ("clevel":"x", elementsize 2.5, negative levels, level 1e9) ->
/// Err(InvalidConfig{field, reason}); ranges checked.
#[test]
fn row_3_5_03_wrong_types_and_ranges() {
    let cases = [
        (
            json!({"id": "blosc", "clevel": "x"}),
            "clevel",
            "expected an integer",
        ),
        (
            json!({"id": "blosc", "clevel": -1}),
            "clevel",
            "out of range 0..=9",
        ),
        (
            json!({"id": "blosc", "clevel": 10}),
            "clevel",
            "out of range 0..=9",
        ),
        (
            json!({"id": "blosc", "clevel": 5.5}),
            "clevel",
            "expected an integer",
        ),
        (
            json!({"id": "blosc", "shuffle": 3}),
            "shuffle",
            "out of range -1..=2",
        ),
        (
            json!({"id": "blosc", "blocksize": -1}),
            "blocksize",
            "non-negative",
        ),
        (
            json!({"id": "blosc", "blocksize": 4_294_967_296u64}),
            "blocksize",
            "int32",
        ),
        (
            json!({"id": "blosc", "cname": 1}),
            "cname",
            "expected a string",
        ),
        (
            json!({"id": "blosc", "typesize": 0}),
            "typesize",
            "out of range",
        ),
        (
            json!({"id": "shuffle", "elementsize": 2.5}),
            "elementsize",
            "expected an integer",
        ),
        (
            json!({"id": "zstd", "level": 1e9}),
            "level",
            "expected an integer",
        ),
        (
            json!({"id": "zstd", "level": 10_000_000_000i64}),
            "level",
            "out of range",
        ),
        (
            json!({"id": "zstd", "checksum": 1}),
            "checksum",
            "true or false",
        ),
        (json!({"id": "zlib", "level": 10}), "level", "out of range"),
        (
            json!({"id": "zlib", "level": "9"}),
            "level",
            "expected an integer",
        ),
        (json!({"id": "gzip", "level": -2}), "level", "out of range"),
        (json!({"id": "bz2", "level": 0}), "level", ""),
        (
            json!({"id": "lz4", "acceleration": "1"}),
            "acceleration",
            "expected an integer",
        ),
        (json!({"id": "lzma", "preset": 10}), "preset", ""),
    ];
    for (cfg, key, reason) in cases {
        let msg = assert_err!(
            get_codec(&cfg),
            Error::Config { .. },
            &format!("{key:?}"),
            reason
        );
        assert!(msg.contains(cfg["id"].as_str().unwrap()), "{msg}");
    }
}

/// J4: unknown fields -> Err (deny_unknown_fields).
#[test]
fn row_3_5_04_unknown_fields() {
    for id in [
        "blosc", "zstd", "lz4", "zlib", "gzip", "bz2", "lzma", "shuffle",
    ] {
        assert_err!(
            get_codec(&json!({"id": id, "levle": 1})),
            Error::Config { .. },
            id,
            "\"levle\"",
            "unknown key"
        );
    }
}

/// J5: unknown blosc cname -> Err at parse (numcodecs defers to encode time).
#[test]
fn row_3_5_05_unknown_blosc_cname() {
    for cname in ["snappy", "LZ4", "lz5", "", "zstd "] {
        assert_err!(
            get_codec(&json!({"id": "blosc", "cname": cname})),
            Error::Config { .. },
            "\"cname\"",
            &format!("unknown compressor {cname:?}")
        );
    }
}

/// J6: nesting deeper than 128 -> Err (serde_json recursion limit), never stack overflow.
#[test]
fn row_3_5_06_deep_nesting() {
    for depth in [129, 100_000] {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_err!(
            Pipeline::from_json(&text),
            Error::ConfigShape(_),
            "recursion limit"
        );
    }
    // Deep but within the limit: parses, then is rejected for its shape.
    let text = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
    assert_err!(
        Pipeline::from_json(&text),
        Error::ConfigShape(_),
        "JSON object"
    );
}

/// J7: integers beyond 2^53/i64, NaN/Infinity literals -> explicit parse rules per field.
#[test]
fn row_3_5_07_big_integers_and_nan() {
    // NaN / Infinity are not JSON.
    for text in [
        r#"{"id": "zstd", "level": NaN}"#,
        r#"{"id": "zstd", "level": Infinity}"#,
        r#"{"id": "zstd", "level": -Infinity}"#,
    ] {
        assert_err!(
            Pipeline::from_json(text),
            Error::ConfigShape(_),
            "not valid JSON"
        );
    }
    // Beyond i64 and u64: read as a float by serde_json, so not an integer.
    for text in [
        r#"{"id": "blosc", "blocksize": 18446744073709551616}"#,
        r#"{"id": "blosc", "blocksize": 9223372036854775808}"#,
        r#"{"id": "zstd", "level": 1e400}"#,
    ] {
        let r = Pipeline::from_json(text);
        assert!(
            matches!(r, Err(Error::Config { .. } | Error::ConfigShape(_))),
            "{text}: {r:?}"
        );
    }
    // Strings where numbers are wanted ("NaN" is how zarr spells NaN fill values).
    assert_err!(
        get_codec(&json!({"id": "zstd", "level": "NaN"})),
        Error::Config { .. },
        "\"level\"",
        "expected an integer"
    );
    // 2^53 + 1 is an exact integer: out of range for zstd's int level.
    assert_err!(
        get_codec(&json!({"id": "zstd", "level": 9_007_199_254_740_993i64})),
        Error::Config { .. },
        "9007199254740993",
        "out of range"
    );
}

/// J8: duplicate keys -> documented last-wins (serde_json).
#[test]
fn row_3_5_08_duplicate_keys_last_wins() {
    let p = Pipeline::from_json(r#"{"id": "zlib", "level": 1, "level": 9}"#).unwrap();
    assert_eq!(p.get_config(), json!([{"id": "zlib", "level": 9}]));
    assert_err!(
        Pipeline::from_json(r#"{"id": "zlib", "id": "nope"}"#),
        Error::UnknownCodec { .. },
        "\"nope\""
    );
}

/// J9: chain shape invalid. Zarr v2 chains are lists of bytes->bytes codecs, so the only
/// invalid shapes are non-objects: a scalar, a list holding a non-object.
#[test]
fn row_3_5_09_chain_shape() {
    for text in ["42", "\"zlib\"", "null", "true"] {
        assert_err!(
            Pipeline::from_json(text),
            Error::ConfigShape(_),
            "codec object or a list"
        );
    }
    for text in ["[1]", "[[]]", r#"[{"id": "zlib"}, "zstd"]"#] {
        assert_err!(
            Pipeline::from_json(text),
            Error::ConfigShape(_),
            "JSON object"
        );
    }
    assert!(Pipeline::from_json("[]").unwrap().is_empty());
}

/// F4 (G5 probe): a 25-byte Blosc frame whose header claims 2^31-1 bytes in one block, decoded
/// with the default limit (`decode`), fails before allocating the claimed size: no inner codec
/// expands a byte to more than 32768 bytes, so nbytes over 65536 x cbytes is corrupt.
#[test]
fn row_3_1_04b_blosc_tiny_frame_claiming_2gib_with_default_limit() {
    let blosc = codec(json!({"id": "blosc"}));
    for code in [0u8, 1, 3, 4] {
        let mut f = blosc_header(2, 1, (code << 5) | 0x10, 1, i32::MAX, i32::MAX, 25);
        f.extend_from_slice(&20i32.to_le_bytes());
        f.extend_from_slice(&1i32.to_le_bytes());
        f.push(0);
        let (r, p) = peak(|| blosc.decode(&f));
        assert_err!(
            r,
            Error::Corrupt { .. },
            "nbytes",
            "2147483647",
            "cbytes 25"
        );
        assert!(p < SLACK, "code {code}: {p} bytes allocated");
    }
    // Real frames near the largest ratio still decode: 64 MiB of zeros in one zstd block
    // (measured 2089 bytes, 32124x) and in default blocks.
    let zeros = vec![0u8; 64 << 20];
    for cfg in [
        json!({"id": "blosc", "cname": "zstd", "clevel": 9, "shuffle": 0, "blocksize": 64 << 20}),
        json!({"id": "blosc", "cname": "zstd", "clevel": 9, "shuffle": 0}),
    ] {
        let c = codec(cfg.clone());
        let enc = c.encode(&zeros, DType::U1).unwrap();
        assert!(
            zeros.len() / enc.len() > 10_000,
            "{cfg}: ratio {}",
            zeros.len() / enc.len()
        );
        assert!(c.decode(&enc).unwrap() == zeros, "{cfg}");
    }
}

/// F4 (G5 probe): tiny LZ4 and zstd inputs whose headers claim up to 2^31-1 bytes, decoded
/// with the default limit, fail before the claimed size is allocated (LZ4 expands at most
/// 255:1, a zstd block at most 32768:1).
#[test]
fn row_3_1_04c_lz4_zstd_tiny_inputs_claiming_gigabytes_with_default_limit() {
    let lz4 = codec(json!({"id": "lz4"}));
    let (r, p) = peak(|| lz4.decode(&nc_lz4(0x7fff_ffff, &[0])));
    assert_err!(
        r,
        Error::Corrupt { .. },
        "decoded size 2147483647",
        "1-byte LZ4 block"
    );
    assert!(p < SLACK, "lz4: {p} bytes allocated");
    let mut z = ZSTD_MAGIC.to_vec();
    z.push(0xE0);
    z.extend_from_slice(&(1u64 << 30).to_le_bytes());
    z.extend_from_slice(&[0x01, 0, 0]);
    let zstd = codec(json!({"id": "zstd"}));
    let (r, p) = peak(|| zstd.decode(&z));
    assert_err!(
        r,
        Error::Corrupt { .. },
        "content size 1073741824",
        "16 bytes"
    );
    assert!(p < SLACK, "zstd: {p} bytes allocated");
    // Highest-ratio real encodings still decode: 16 MiB of zeros.
    let zeros = vec![0u8; 16 << 20];
    for c in [lz4, zstd] {
        let enc = c.encode(&zeros, DType::U1).unwrap();
        assert!(c.decode(&enc).unwrap() == zeros, "{}", c.codec_id());
    }
}

// ---------------------------------------------------------------------------------------------
// The coverage table.

/// tests/BAD_INPUTS.md maps each of the 66 checklist rows to its tests: every row id appears
/// once, and every named test is a `#[test] fn` in the file the table names.
#[test]
fn checklist_table_names_real_tests() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let table = std::fs::read_to_string(dir.join("BAD_INPUTS.md")).unwrap();
    let mut ids = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (row, file, tests) = (cells[1], cells[2], cells[3]);
        if row == "row" {
            continue;
        }
        ids.push(row.to_string());
        if file == "n/a" {
            assert!(tests.starts_with("not applicable: "), "{row}: {tests}");
            continue;
        }
        let src = std::fs::read_to_string(dir.join(file)).unwrap();
        let names: Vec<&str> = tests.split(", ").map(|t| t.trim_matches('`')).collect();
        assert!(!names.is_empty(), "{row}: no test");
        for name in names {
            assert!(
                src.contains(&format!("#[test]\nfn {name}() {{")),
                "{row}: no test {name} in {file}"
            );
        }
    }
    let mut expected = Vec::new();
    for (prefix, n) in [
        ("F", 11),
        ("B", 11),
        ("C", 11),
        ("S", 3),
        ("D", 4),
        ("Q", 5),
        ("K", 3),
        ("J", 9),
        ("A", 9),
    ] {
        expected.extend((1..=n).map(|i| format!("{prefix}{i}")));
    }
    assert_eq!(expected.len(), 66);
    assert_eq!(ids, expected, "rows missing, repeated or out of order");
}
