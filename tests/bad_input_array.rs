//! The bad-input suite, array half: one named test per row of `shared/reference/reliability.md`
//! §3.6 (array / store layer) that applies to a Zarr v2 engine, plus corrupt `.zarray` files,
//! missing and extra chunks, and bad input through the CLI's `decode` (a non-zero exit with one
//! stderr line). Codec rows are in `bad_input_codecs.rs`.

use chunkcodec::array::{
    decode_chunks_into, encode_chunks, ArrayMeta, ChunkGrid, Separator, ZarrArray,
};
use chunkcodec::store::{DirectoryStore, MemoryStore, Store};
use chunkcodec::{DType, Error};
use ndarray::{s, Array2, ArrayD, IxDyn};
use serde_json::json;
use std::io::Write;
use std::process::{Command, Output, Stdio};

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

fn data() -> Array2<i32> {
    Array2::from_shape_fn((10, 7), |(i, j)| (i * 7 + j) as i32 - 20)
}

/// A 10x7 `<i4` array in 4x4 chunks (3x2 grid) with zlib, written to a memory store.
fn written(compressor: Option<serde_json::Value>) -> ZarrArray<MemoryStore> {
    let meta = ArrayMeta::new(&[10, 7], &[4, 4], DType::I4)
        .unwrap()
        .with_compressor(compressor);
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    arr.write(data().view()).unwrap();
    arr
}

// ---------------------------------------------------------------------------------------------
// §3.6 Array / store layer

/// A1: non-contiguous (strided) input array -> copy to contiguous, never reinterpret raw memory.
#[test]
fn row_3_6_01_strided_input_is_copied_not_reinterpreted() {
    let big = Array2::from_shape_fn((20, 14), |(i, j)| (i * 100 + j) as i32);
    // Every other row and column, and a transposed view: neither is C-contiguous.
    let strided = big.slice(s![..;2, ..;2]);
    let transposed = big.t();
    for view in [strided, transposed.slice(s![..10, ..7])] {
        assert!(!view.is_standard_layout());
        let owned = view.to_owned();
        let meta = ArrayMeta::new(&[10, 7], &[4, 4], DType::I4)
            .unwrap()
            .with_compressor(Some(json!({"id": "zstd"})));
        let records = encode_chunks(&meta, view).unwrap();
        let from_owned = encode_chunks(&meta, owned.view()).unwrap();
        assert_eq!(
            records, from_owned,
            "strided and owned give the same chunks"
        );
        let mut back = Array2::<i32>::zeros((10, 7));
        decode_chunks_into(&meta, &records, &[0..10, 0..7], back.view_mut()).unwrap();
        assert_eq!(back, owned);
        // Reading into a strided destination too.
        let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
        arr.write(view).unwrap();
        let mut dst = Array2::<i32>::zeros((7, 10));
        arr.read_into(dst.view_mut().reversed_axes()).unwrap();
        assert_eq!(dst.t(), owned);
    }
}

/// A2: decoded byte length != n_elements x itemsize (dtype mismatch) -> Err(DtypeMismatch).
#[test]
fn row_3_6_02_decoded_length_or_element_type_mismatch() {
    let arr = written(Some(json!({"id": "zlib", "level": 1})));
    // A chunk that decodes to 60 bytes where a 4x4 <i4 chunk has 64.
    let short = chunkcodec::get_codec(&json!({"id": "zlib", "level": 1}))
        .unwrap()
        .encode(&[0u8; 60], DType::U1)
        .unwrap();
    arr.store().set("1.0", &short).unwrap();
    assert_err!(
        arr.read::<i32>(),
        Error::Array(_),
        "chunk \"1.0\"",
        "zlib",
        "64"
    );
    // Reading with an element type of the wrong size.
    let arr = written(None);
    assert_err!(
        arr.read::<i16>(),
        Error::Array(_),
        "element type of 2 bytes",
        "<i4"
    );
    assert_err!(arr.read::<f64>(), Error::Array(_), "8 bytes", "<i4");
    // Without a compressor, a stored chunk of the wrong length.
    arr.store().set("0.1", &[0u8; 63]).unwrap();
    assert_err!(
        arr.read::<i32>(),
        Error::Array(_),
        "chunk \"0.1\"",
        "63",
        "64"
    );
}

/// A3: chunk index rank != array rank, or index >= grid shape -> Err(ChunkIndexOutOfRange).
#[test]
fn row_3_6_03_chunk_index_out_of_range() {
    let grid = ChunkGrid::new(&[10, 7], &[4, 4]).unwrap();
    assert_eq!(grid.grid_shape(), [3, 2]);
    grid.check_index(&[2, 1]).unwrap();
    for bad in [
        &[3usize, 0][..],
        &[0, 2],
        &[0],
        &[0, 0, 0],
        &[usize::MAX, 0],
    ] {
        assert_err!(
            grid.check_index(bad),
            Error::Array(_),
            &format!("chunk index {bad:?}"),
            "outside the chunk grid [3, 2]"
        );
    }
    // Regions outside the array, or of the wrong rank.
    let arr = written(None);
    assert_err!(
        arr.read_region::<i32>(&[0..11, 0..7]),
        Error::Array(_),
        "0..11"
    );
    assert_err!(
        arr.read_region::<i32>(std::slice::from_ref(&(0..10))),
        Error::Array(_),
        "region has 1 ranges but the array has 2 dimensions"
    );
    // A record whose index is outside the grid is never used (decode reads only grid chunks).
    let meta = arr.meta().clone();
    let mut records = encode_chunks(&meta, data().view()).unwrap();
    let mut stray = records[0].clone();
    stray.index = vec![7, 7];
    stray.bytes = vec![0xff; 3];
    records.push(stray);
    let mut back = Array2::<i32>::zeros((10, 7));
    decode_chunks_into(&meta, &records, &[0..10, 0..7], back.view_mut()).unwrap();
    assert_eq!(back, data());
}

/// A4: malformed chunk key -> Err.
#[test]
fn row_3_6_04_malformed_keys() {
    let dir = tempfile::tempdir().unwrap();
    let dstore = DirectoryStore::create(dir.path()).unwrap();
    let mstore = MemoryStore::new();
    let stores: [&dyn Store; 2] = [&dstore, &mstore];
    for store in stores {
        for key in [
            "",
            "/0.0",
            "0.0/",
            "a//0",
            "../0.0",
            "a/../../x",
            "./0",
            "a\\b",
            "a\0b",
        ] {
            assert_err!(
                store.set(key, b"x"),
                Error::Store(_),
                "invalid key",
                &format!("{key:?}")
            );
            assert_err!(store.get(key), Error::Store(_), "invalid key");
        }
    }
    // Nothing was written outside the store's directory.
    assert!(!dir.path().parent().unwrap().join("0.0").exists());
}

/// A5: missing chunk -> Ok(fill_value chunk); distinguish NotFound from I/O error.
#[test]
fn row_3_6_05_missing_chunk_is_fill_io_error_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let meta = ArrayMeta::new(&[10, 7], &[4, 4], DType::I4)
        .unwrap()
        .with_fill_value(&json!(-5))
        .unwrap()
        .with_separator(Separator::Slash);
    let arr = ZarrArray::create(DirectoryStore::create(dir.path()).unwrap(), "", meta).unwrap();
    arr.write(data().view()).unwrap();
    // Missing: the fill value.
    arr.store().delete("1/1").unwrap();
    let got = arr.read::<i32>().unwrap();
    let mut want = data().into_dyn();
    want.slice_mut(s![4..8, 4..7]).fill(-5);
    assert_eq!(got, want);
    // Unreadable (a file where the directory "1" of chunks 1/0 and 1/1 should be: reading
    // "1/0" fails with ENOTDIR): an I/O error naming the path, not the fill value.
    std::fs::remove_dir_all(dir.path().join("1")).unwrap();
    std::fs::write(dir.path().join("1"), b"x").unwrap();
    assert_err!(
        arr.read::<i32>(),
        Error::Io { .. },
        "reading",
        "/1/",
        "Not a directory"
    );
    // Chunks outside row 1 still read.
    assert_eq!(
        arr.read_region::<i32>(&[0..4, 0..7]).unwrap(),
        data().slice(s![0..4, ..]).into_dyn()
    );
}

/// A8: array/chunk shape with 0-length dims -> valid empty; product overflowing usize -> Err.
#[test]
fn row_3_6_08_zero_dims_and_shape_overflow() {
    let meta = ArrayMeta::new(&[0, 7], &[4, 4], DType::F8).unwrap();
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    let empty = ArrayD::<f64>::zeros(IxDyn(&[0, 7]));
    arr.write(empty.view()).unwrap();
    assert_eq!(arr.read::<f64>().unwrap().shape(), [0, 7]);
    assert_eq!(arr.stats().unwrap().chunks_total, 0);
    for (shape, chunks, needle) in [
        (vec![usize::MAX, 2], vec![1, 1], "is too large"),
        (vec![1 << 40, 1 << 40], vec![1, 1], "is too large"),
        (vec![4, 4], vec![1 << 40, 1 << 40], "a chunk is too large"),
        (vec![4, 4], vec![0, 4], "chunk length on axis 0 is 0"),
        (vec![4, 4], vec![4], "has 2 dimensions but chunks [4] has 1"),
        (vec![1; 33], vec![1; 33], "33 dimensions"),
    ] {
        assert_err!(
            ArrayMeta::new(&shape, &chunks, DType::U1),
            Error::Array(_),
            needle
        );
    }
}

/// Chunk shapes whose buffers cannot exist (4e18 bytes: under `usize::MAX`, so the metadata
/// is valid) are an error naming the size on write and on read, never an allocation abort.
#[test]
fn chunks_too_large_to_allocate_are_an_error() {
    let meta = ArrayMeta::new(&[10, 7], &[1_000_000_000, 1_000_000_000], DType::F4).unwrap();
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    let data = Array2::<f32>::zeros((10, 7));
    assert_err!(
        arr.write(data.view()),
        Error::Array(_),
        "cannot allocate a chunk of [1000000000, 1000000000] elements (4000000000000000000 bytes)"
    );
    assert_err!(
        arr.read::<f32>(),
        Error::Array(_),
        "cannot allocate a chunk"
    );
    // Through the CLI: `decompress` of such a store, and of an array larger than this
    // machine's memory, exit with one line.
    let dir = tempfile::tempdir().unwrap();
    for (name, shape, chunks, needle) in [
        (
            "huge_chunks",
            "[10, 7]",
            "[1000000000, 1000000000]",
            "cannot allocate a chunk",
        ),
        (
            "huge_array",
            "[1000000000, 1000000000]",
            "[4, 3]",
            "cannot allocate the decompressed array",
        ),
        // 400 GB chunks of a one-element array: allocatable on paper (overcommit), so refused
        // against memory + swap before the buffer exists (it used to be filled, and time out).
        (
            "chunk_over_memory",
            "[1, 1]",
            "[1000000, 100000]",
            "cannot allocate a chunk",
        ),
    ] {
        let store = dir.path().join(name);
        std::fs::create_dir(&store).unwrap();
        let zarray = format!(
            r#"{{"chunks": {chunks}, "compressor": null, "dtype": "<f4", "fill_value": 0.0,
                "filters": null, "order": "C", "shape": {shape}, "zarr_format": 2}}"#
        );
        std::fs::write(store.join(".zarray"), zarray).unwrap();
        let out_npy = dir.path().join(format!("{name}.npy"));
        let out = cli(
            &[
                "decompress",
                store.to_str().unwrap(),
                out_npy.to_str().unwrap(),
            ],
            b"",
        );
        assert_one_line_error(&out, &[needle]);
    }
}

/// `stats` (the CLI's `info`) counts stored chunks from the store's listing: a sparse array of
/// 10^8 possible chunks with one stored is counted without looking up 10^8 keys, and keys that
/// are not this array's chunk keys (other spellings, out of the grid) are not counted.
#[test]
fn stats_of_a_sparse_array_come_from_the_listing() {
    let meta = ArrayMeta::new(&[100_000, 100_000], &[10, 10], DType::U1).unwrap();
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    let store = arr.store();
    store.set("0.0", &[1; 100]).unwrap();
    store.set("9999.9999", &[2; 100]).unwrap();
    for junk in ["0.0.0", "00.0", "10000.0", "0/0", "a.b", "0", ".zattrs"] {
        store.set(junk, b"x").unwrap();
    }
    let s = arr.stats().unwrap();
    assert_eq!((s.chunks_stored, s.chunks_total), (2, 100_000_000));
    assert_eq!(s.stored_bytes, 200);
    assert_eq!(s.raw_bytes, 10_000_000_000);
}

/// A9: endianness marker vs itemsize (>i4 vs <i4, |u1) -> byte-swap correctly; unknown marker
/// -> Err.
#[test]
fn row_3_6_09_byte_order_markers() {
    let be = DType::parse(">i4").unwrap();
    let meta = ArrayMeta::new(&[10, 7], &[4, 4], be).unwrap();
    let arr = ZarrArray::create(MemoryStore::new(), "", meta).unwrap();
    arr.write(data().view()).unwrap();
    // The stored chunk 0.0 holds element [0, 0] = -20 big-endian first.
    let raw = arr.store().get("0.0").unwrap().unwrap();
    assert_eq!(raw[..4], (-20i32).to_be_bytes());
    assert_eq!(arr.read::<i32>().unwrap(), data().into_dyn());
    for bad in ["^i4", "<i3", "<u16", "<O", "<U8", ">c8", "<q9", "", "<"] {
        assert_err!(DType::parse(bad), Error::DType { .. }, &format!("{bad:?}"));
    }
    // Non-numeric dtypes parse through parse_any, and arrays take them (stored as bytes; see
    // tests/array_opaque_dtypes.rs), but not numpy's generic datetime unit.
    let unicode = DType::parse_any(">U8").unwrap();
    assert!(ArrayMeta::new(&[4], &[2], unicode).is_ok());
    let generic = DType::parse_any(">M8").unwrap();
    let e = ArrayMeta::new(&[4], &[2], generic).unwrap_err().to_string();
    assert!(e.contains(">M8") && e.contains("unit"), "{e}");
    // numpy's spellings without an explicit order are accepted as native.
    for ok in ["i4", "|i4", "=i4", "int32", "i"] {
        assert_eq!(
            DType::parse(ok).unwrap().to_native(),
            DType::I4.to_native(),
            "{ok}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Corrupt .zarray files, missing and extra chunks

/// `.zarray` bytes that are not a valid Zarr v2 array: each an Array error naming the file and
/// the field.
#[test]
fn corrupt_zarray_files() {
    let good = json!({"zarr_format": 2, "shape": [10, 7], "chunks": [4, 4], "dtype": "<i4",
                      "compressor": null, "fill_value": 0, "filters": null, "order": "C"});
    let with = |k: &str, v: serde_json::Value| {
        let mut m = good.clone();
        m[k] = v;
        serde_json::to_vec(&m).unwrap()
    };
    let without = |k: &str| {
        let mut m = good.clone();
        m.as_object_mut().unwrap().remove(k);
        serde_json::to_vec(&m).unwrap()
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "not valid JSON"),
        (b"{\"zarr_format\": 2,".to_vec(), "not valid JSON"),
        (b"[2]".to_vec(), "not a JSON object"),
        (without("zarr_format"), "missing \"zarr_format\""),
        (
            with("zarr_format", json!(3)),
            "\"zarr_format\" is 3, expected 2",
        ),
        (with("zarr_format", json!("2")), "\"zarr_format\""),
        (without("shape"), "missing \"shape\""),
        (
            with("shape", json!([10, -7])),
            "\"shape\" must be a list of non-negative integers",
        ),
        (with("shape", json!([10, 7.5])), "\"shape\""),
        (with("shape", json!("10,7")), "\"shape\""),
        (with("chunks", json!([4, 0])), "chunk length on axis 1 is 0"),
        (
            with("chunks", json!([4])),
            "has 2 dimensions but chunks [4] has 1",
        ),
        (without("chunks"), "missing \"chunks\""),
        (without("dtype"), "missing \"dtype\""),
        (with("dtype", json!("|O")), "\"dtype\""),
        (with("dtype", json!("<c32")), "complex256"),
        (with("dtype", json!([["a", "<i4"]])), "\"dtype\""),
        (
            with("compressor", json!([{"id": "zlib"}])),
            "\"compressor\" must be an object or null",
        ),
        (
            with("filters", json!({"id": "zlib"})),
            "\"filters\" must be a list of objects",
        ),
        (
            with("filters", json!([1])),
            "\"filters\" must be a list of objects",
        ),
        (
            with("order", json!("X")),
            "\"order\" must be \"C\" or \"F\"",
        ),
        (
            with("dimension_separator", json!("-")),
            "\"dimension_separator\"",
        ),
        (with("fill_value", json!("abc")), "fill"),
        (with("fill_value", json!("1.5")), "fill"),
        (without("fill_value"), "missing \"fill_value\""),
        (without("order"), "missing \"order\""),
        (with("order", json!(1)), "\"order\" must be"),
        (with("fill_value", json!(1u64 << 40)), "fill"),
    ];
    for (bytes, needle) in cases {
        let store = MemoryStore::new();
        store.set("a/.zarray", &bytes).unwrap();
        let msg = assert_err!(
            ZarrArray::open(&store, "a"),
            Error::Array(_),
            "\"a/.zarray\""
        );
        assert!(
            msg.to_lowercase().contains(&needle.to_lowercase()),
            "{msg:?} lacks {needle:?}"
        );
    }
    // Codecs that do not build: unknown id, bad key, bad value.
    for (comp, needle) in [
        (json!({"id": "nope"}), "unknown codec id \"nope\""),
        (json!({"id": "zlib", "levle": 1}), "\"levle\""),
        (json!({"id": "blosc", "cname": "snappy"}), "\"cname\""),
    ] {
        let store = MemoryStore::new();
        store.set(".zarray", &with("compressor", comp)).unwrap();
        assert_err!(
            ZarrArray::open(&store, ""),
            Error::Array(_),
            "\".zarray\"",
            "codecs",
            needle
        );
    }
    // No .zarray at all.
    assert_err!(
        ZarrArray::open(MemoryStore::new(), "x"),
        Error::Array(_),
        "no array at \"x\"",
        "\"x/.zarray\" is missing"
    );
}

/// Missing chunks read as the fill value; chunks that are corrupt fail with the chunk's key and
/// the codec's own error; chunk keys outside the grid (extra chunks) are ignored by reads and
/// not counted as stored.
#[test]
fn missing_corrupt_and_extra_chunks() {
    let arr = written(Some(json!({"id": "blosc", "cname": "lz4"})));
    for key in ["0.0", "2.1"] {
        arr.store().delete(key).unwrap();
    }
    let got = arr.read::<i32>().unwrap();
    let mut want = data().into_dyn();
    want.slice_mut(s![0..4, 0..4]).fill(0);
    want.slice_mut(s![8..10, 4..7]).fill(0);
    assert_eq!(got, want);
    // Extra keys: outside the grid, and not chunk keys at all.
    for key in ["3.0", "0.2", "0.0.0", "x", "0/0"] {
        arr.store().set(key, b"not a chunk").unwrap();
    }
    assert_eq!(arr.read::<i32>().unwrap(), want);
    let stats = arr.stats().unwrap();
    assert_eq!((stats.chunks_stored, stats.chunks_total), (4, 6));
    // A corrupt chunk: the Blosc error with the chunk key in front.
    let mut bad = arr.store().get("1.0").unwrap().unwrap();
    bad[0] = 9;
    arr.store().set("1.0", &bad).unwrap();
    assert_err!(
        arr.read::<i32>(),
        Error::Array(_),
        "chunk \"1.0\"",
        "blosc",
        "format version (offset 0) is 9"
    );
    // A region that avoids the corrupt chunk still reads.
    assert_eq!(
        arr.read_region::<i32>(&[0..4, 4..7]).unwrap(),
        data().slice(s![0..4, 4..7]).into_dyn()
    );
}

// ---------------------------------------------------------------------------------------------
// The CLI: bad input to `chunkcodec decode` is a non-zero exit with one stderr line.

fn cli(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chunkcodec"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The CLI may fail before reading stdin (a bad config): a broken pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn assert_one_line_error(out: &Output, needles: &[&str]) {
    assert!(!out.status.success(), "expected failure");
    assert!(
        out.stdout.is_empty(),
        "wrote {} bytes to stdout",
        out.stdout.len()
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "stderr is not one line: {err}"
    );
    assert!(err.starts_with("chunkcodec: error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "stderr {err:?} lacks {n:?}");
    }
}

#[test]
fn cli_decode_bad_input_is_one_line_and_nonzero() {
    // Blosc nbytes 2^31-1 in a 20-byte buffer.
    let mut blosc = vec![2u8, 1, 0x21, 4];
    blosc.extend_from_slice(&i32::MAX.to_le_bytes());
    blosc.extend_from_slice(&(1i32 << 16).to_le_bytes());
    blosc.extend_from_slice(&20i32.to_le_bytes());
    blosc.extend_from_slice(&[0; 4]);
    let mut lz4 = 0x7fff_ffffi32.to_le_bytes().to_vec();
    lz4.push(0);
    let mut zstd = vec![0x28, 0xb5, 0x2f, 0xfd, 0xE0];
    zstd.extend_from_slice(&(1u64 << 40).to_le_bytes());
    zstd.extend_from_slice(&[1, 0, 0]);
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            r#"{"id":"blosc"}"#,
            blosc,
            vec!["blosc", "block starts do not fit in cbytes 20"],
        ),
        (
            r#"{"id":"blosc"}"#,
            vec![2, 1, 0x21],
            vec!["blosc", "16-byte header"],
        ),
        (r#"{"id":"lz4"}"#, lz4, vec!["lz4"]),
        (
            r#"{"id":"lz4"}"#,
            vec![1, 0],
            vec!["lz4", "4-byte size header"],
        ),
        (r#"{"id":"zstd"}"#, zstd, vec!["zstd", "1099511627776"]),
        (r#"{"id":"zlib"}"#, b"not zlib".to_vec(), vec!["zlib"]),
        (
            r#"{"id":"gzip"}"#,
            vec![0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff],
            vec!["gzip"],
        ),
        (
            r#"{"id":"shuffle","elementsize":4}"#,
            vec![0; 7],
            vec!["shuffle", "elementsize 4"],
        ),
        (
            r#"[{"id":"shuffle"},{"id":"zlib"}]"#,
            vec![0x78],
            vec!["zlib"],
        ),
        (
            r#"{"id":"nope"}"#,
            vec![],
            vec!["unknown codec id \"nope\""],
        ),
        (r#"{"id":"zlib","level":"x"}"#, vec![], vec!["\"level\""]),
        (r#"{"id":"zlib""#, vec![], vec!["not valid JSON"]),
        (
            r#"{"id":"zstd","level":NaN}"#,
            vec![],
            vec!["not valid JSON"],
        ),
    ];
    for (config, input, needles) in cases {
        let out = cli(&["decode", "--config", config], &input);
        assert_one_line_error(&out, &needles);
    }
    // A bad dtype and a missing input file.
    let out = cli(
        &["decode", "--config", r#"{"id":"zlib"}"#, "--dtype", "<q9"],
        b"",
    );
    assert_one_line_error(&out, &["\"<q9\""]);
    let out = cli(
        &[
            "decode",
            "--config",
            r#"{"id":"zlib"}"#,
            "-i",
            "/nonexistent/in.bin",
        ],
        b"",
    );
    assert_one_line_error(&out, &["/nonexistent/in.bin"]);
}
