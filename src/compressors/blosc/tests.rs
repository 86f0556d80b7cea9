//! Frame-level tests: numcodecs vectors, round trips, and every bad-input class.

use super::*;
use crate::error::Error;
use proptest::prelude::*;

fn i32s(v: impl IntoIterator<Item = i32>) -> Vec<u8> {
    v.into_iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn codec(cname: &str, clevel: u8, shuffle: i8) -> Blosc {
    Blosc::new(Cname::from_name(cname).unwrap(), clevel, shuffle, 0).unwrap()
}

fn corrupt_msg(r: Result<Vec<u8>>) -> String {
    match r {
        Err(e @ Error::Corrupt { .. }) => e.to_string(),
        other => panic!("expected a Corrupt error, got {other:?}"),
    }
}

/// A multi-block, split, shuffled lz4 frame with some raw streams.
fn sample() -> (Vec<u8>, Vec<u8>) {
    let data = i32s((0..300_000).map(|i| i / 3 + (i % 7) * 1000));
    let enc = codec("lz4", 5, 1).encode(&data, DType::I4).unwrap();
    (data, enc)
}

#[test]
fn numcodecs_vectors() {
    // numcodecs 0.16.6, Blosc('lz4', 5, 1) on arange(8, '<i4'): memcpyed.
    let data = i32s(0..8);
    let enc = codec("lz4", 5, 1).encode(&data, DType::I4).unwrap();
    let mut want = vec![2, 1, 0x33, 4, 32, 0, 0, 0, 32, 0, 0, 0, 48, 0, 0, 0];
    want.extend_from_slice(&data);
    assert_eq!(enc, want);
    // arange(256, '<i4'): four split streams, the first stored raw.
    let data = i32s(0..256);
    let enc = codec("lz4", 5, 1).encode(&data, DType::I4).unwrap();
    assert_eq!(enc.len(), 325);
    assert_eq!(
        enc[..20],
        [2, 1, 0x21, 4, 0, 4, 0, 0, 0, 4, 0, 0, 0x45, 1, 0, 0, 20, 0, 0, 0]
    );
    assert_eq!(enc[20..24], 256i32.to_le_bytes());
    let stream = [11, 0, 0, 0, 0x1f, 0, 1, 0, 0xe7, 0x50, 0, 0, 0, 0, 0];
    for k in 0..3 {
        let at = 24 + 256 + 15 * k;
        assert_eq!(enc[at..at + 15], stream);
    }
    assert_eq!(codec("lz4", 5, 1).decode(&enc).unwrap(), data);
    // Empty input: numcodecs writes this frame (and then cannot decode it); we round-trip.
    let enc = codec("lz4", 5, 1).encode(&[], DType::I4).unwrap();
    assert_eq!(enc, [2, 1, 0x33, 4, 0, 0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0]);
    assert!(codec("lz4", 5, 1).decode(&enc).unwrap().is_empty());
}

#[test]
fn round_trips_every_mode() {
    let data: Vec<u8> = (0..300_001u32)
        .map(|i| ((i / 5) ^ (i % 11)) as u8)
        .collect();
    for cname in ["blosclz", "lz4", "lz4hc", "zlib", "zstd"] {
        for shuffle in [-1, 0, 1, 2] {
            for (clevel, dtype, n) in [
                (5, DType::U1, 300_001),
                (1, DType::U2, 300_000),
                (9, DType::F8, 8_000),
                (0, DType::I4, 1000),
                (5, DType::I4, 100),
            ] {
                let c = codec(cname, clevel, shuffle);
                let enc = c.encode(&data[..n], dtype).unwrap();
                assert_eq!(
                    c.decode(&enc).unwrap(),
                    &data[..n],
                    "{cname} {shuffle} {clevel}"
                );
                let mut out = vec![0u8; n];
                c.decode_into(&enc, &mut out).unwrap();
                assert_eq!(out, &data[..n]);
            }
        }
    }
}

#[test]
fn encode_is_the_same_on_any_pool() {
    let (data, enc) = sample();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let e = pool.install(|| codec("lz4", 5, 1).encode(&data, DType::I4).unwrap());
        assert_eq!(e, enc);
    }
}

#[test]
fn encode_into_reuses_the_buffer_with_encode_bytes() {
    // Serial and parallel paths, one large block, memcpyed (clevel 0, tiny, incompressible
    // under the budget) and empty input, into one buffer that keeps the previous case's bytes
    // and capacity.
    let (data, _) = sample();
    let big_block: Vec<u8> = (0..131_072)
        .flat_map(|i| (f64::from(i) * 0.25).sin().to_le_bytes())
        .collect();
    let noise: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: Vec<(Blosc, &[u8], DType)> = vec![
        (codec("lz4", 5, 1), &data, DType::I4),
        (codec("lz4", 5, 1), &big_block, DType::F8),
        (codec("zstd", 3, 2), &data, DType::I4),
        (codec("blosclz", 9, 0), &noise, DType::U1),
        (codec("lz4", 0, 1), &data, DType::I4),
        (codec("lz4", 5, 1), &data[..100], DType::I4),
        (codec("zlib", 1, 1), &[], DType::U1),
        (codec("lz4", 5, 1), &data, DType::I4),
    ];
    let mut out = vec![0xAB; 3];
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for (i, (c, input, dtype)) in cases.iter().enumerate() {
            let expect = pool.install(|| c.encode(input, *dtype).unwrap());
            let cap_before = out.capacity();
            pool.install(|| c.encode_into(input, *dtype, &mut out))
                .unwrap();
            assert_eq!(out, expect, "case {i}, {threads} threads");
            if i + 1 == cases.len() && threads == 2 {
                // The same input again: the buffer is large enough and is kept.
                assert_eq!(out.capacity(), cap_before, "case {i}");
            }
        }
    }
}

#[test]
fn one_large_block_uses_stream_parallelism_with_the_same_bytes() {
    // 1 MiB of f8 at lz4 clevel 5 is a single 1 MiB block of 8 streams.
    let data: Vec<u8> = (0..131_072)
        .flat_map(|i| (f64::from(i) * 0.25).sin().to_le_bytes())
        .collect();
    let c = codec("lz4", 5, 1);
    let encs: Vec<Vec<u8>> = [1, 2]
        .iter()
        .map(|&t| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap();
            pool.install(|| c.encode(&data, DType::F8).unwrap())
        })
        .collect();
    assert_eq!(encs[0], encs[1]);
    let h = Header::parse(&encs[0], usize::MAX).unwrap();
    assert_eq!((h.nblocks(), h.blocksize), (1, 1 << 20));
    let mut out = vec![0u8; data.len()];
    c.decode_into(&encs[0], &mut out).unwrap();
    assert_eq!(out, data);
    let e = c.decode(&encs[0][..encs[0].len() - 1]).unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }), "{e}");
}

#[test]
fn decodes_any_block_order() {
    // Rewrite the sample with its blocks in reverse order and bstarts pointing at them.
    let (data, enc) = sample();
    let h = Header::parse(&enc, usize::MAX).unwrap();
    let n = h.nblocks();
    assert!(n > 1);
    let start =
        |i: usize| i32::from_le_bytes(enc[16 + 4 * i..20 + 4 * i].try_into().unwrap()) as usize;
    let ends: Vec<usize> = (0..n)
        .map(|i| if i + 1 < n { start(i + 1) } else { enc.len() })
        .collect();
    let mut out = enc[..16 + 4 * n].to_vec();
    for i in (0..n).rev() {
        let at = out.len() as i32;
        out[16 + 4 * i..20 + 4 * i].copy_from_slice(&at.to_le_bytes());
        let chunk = enc[start(i)..ends[i]].to_vec();
        out.extend_from_slice(&chunk);
    }
    assert_eq!(codec("lz4", 5, 1).decode(&out).unwrap(), data);
}

#[test]
fn trailing_bytes_after_cbytes_are_ignored() {
    let (data, mut enc) = sample();
    enc.extend_from_slice(b"xyz");
    assert_eq!(codec("lz4", 5, 1).decode(&enc).unwrap(), data);
}

#[test]
fn every_truncation_is_an_error() {
    let (_, enc) = sample();
    let c = codec("lz4", 5, 1);
    for cut in (0..enc.len()).step_by(97).chain(enc.len() - 20..enc.len()) {
        let e = c.decode(&enc[..cut]).unwrap_err();
        assert!(matches!(e, Error::Corrupt { .. }), "cut {cut}: {e}");
    }
    // Memcpyed frames too, even by one byte (c-blosc reads past the buffer here).
    let enc = c.encode(&[7u8; 100], DType::U1).unwrap();
    let e = corrupt_msg(c.decode(&enc[..enc.len() - 1]));
    assert!(e.contains("truncated"), "{e}");
}

#[test]
fn bad_header_fields() {
    let (_, enc) = sample();
    let c = codec("lz4", 5, 1);
    let with = |at: usize, bytes: &[u8]| {
        let mut f = enc.clone();
        f[at..at + bytes.len()].copy_from_slice(bytes);
        f
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (with(0, &[1]), "format version"),
        (with(0, &[3]), "format version"),
        (with(1, &[2]), "compressor format version"),
        (with(2, &[0x29]), "reserved"),
        (with(2, &[0x25]), "both byte shuffle and bitshuffle"),
        (with(2, &[0x41]), "snappy"),
        (with(2, &[0xe1]), "unknown compressor format code 7"),
        (with(3, &[0]), "typesize"),
        (
            with(4, &(-1i32).to_le_bytes()),
            "nbytes at offset 4 is negative",
        ),
        (with(8, &0i32.to_le_bytes()), "blocksize"),
        (
            with(8, &(-5i32).to_le_bytes()),
            "blocksize at offset 8 is negative",
        ),
        (with(8, &i32::MAX.to_le_bytes()), "blocksize"),
        (with(8, &1i32.to_le_bytes()), "block starts do not fit"),
        (
            with(12, &8i32.to_le_bytes()),
            "less than the 16-byte header",
        ),
        (with(12, &i32::MAX.to_le_bytes()), "truncated"),
        (with(16, &0i32.to_le_bytes()), "outside the stream area"),
        (
            with(16, &(enc.len() as i32).to_le_bytes()),
            "outside the stream area",
        ),
        (
            with(20, &(enc.len() as i32 - 2).to_le_bytes()),
            "past the frame end",
        ),
    ];
    for (f, want) in cases {
        let e = corrupt_msg(c.decode(&f));
        assert!(e.contains(want), "want {want:?} in {e}");
    }
    // Forged stream sizes: negative, zero, past the end, and one byte short of the data.
    let h = Header::parse(&enc, usize::MAX).unwrap();
    let s0 = 16 + 4 * h.nblocks();
    for cs in [-1i32, 0, enc.len() as i32] {
        let e = corrupt_msg(c.decode(&with(s0, &cs.to_le_bytes())));
        assert!(e.contains("does not fit in the frame"), "{e}");
    }
    let cs = i32::from_le_bytes(enc[s0..s0 + 4].try_into().unwrap());
    let e = c.decode(&with(s0, &(cs - 1).to_le_bytes())).unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }), "{e}");
    // nbytes grown: a block or stream cannot fill it.
    let e = c
        .decode(&with(4, &(h.nbytes as i32 + 1).to_le_bytes()))
        .unwrap_err();
    assert!(matches!(e, Error::Corrupt { .. }), "{e}");
    // Memcpyed flag with the wrong cbytes.
    let mut m = c.encode(&[1u8; 50], DType::U1).unwrap();
    m[12] = 17;
    let e = corrupt_msg(c.decode(&m));
    assert!(e.contains("memcpyed"), "{e}");
    // Too short for a header, and empty.
    assert!(corrupt_msg(c.decode(&enc[..15])).contains("shorter than the 16-byte header"));
    assert!(corrupt_msg(c.decode(&[])).contains("shorter than the 16-byte header"));
}

#[test]
fn sizes_are_bounded_by_the_caller() {
    let (data, enc) = sample();
    let c = codec("lz4", 5, 1);
    let e = c.decode_limited(&enc, data.len() - 1).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
    let mut small = vec![0u8; data.len() - 1];
    let e = c.decode_into(&enc, &mut small).unwrap_err();
    assert!(matches!(e, Error::OutputSize { .. }), "{e}");
    // A header claiming 2 GiB in a 40-byte frame fails before any allocation.
    let mut f = enc[..40].to_vec();
    f[4..8].copy_from_slice(&i32::MAX.to_le_bytes());
    f[12..16].copy_from_slice(&40i32.to_le_bytes());
    let e = c.decode_limited(&f, 1 << 20).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
    assert!(c.decode(&f).is_err());
}

#[test]
fn bad_stream_bytes_are_errors_not_garbage() {
    // Flip bytes inside each compressed stream; every result is an error or the right data.
    for cname in ["blosclz", "lz4", "zlib", "zstd"] {
        let data = i32s((0..20_000).map(|i| i / 3));
        let c = codec(cname, 5, 1);
        let enc = c.encode(&data, DType::I4).unwrap();
        for at in (40..enc.len()).step_by(13) {
            let mut f = enc.clone();
            f[at] ^= 0x5a;
            if let Ok(d) = c.decode(&f) {
                // A flipped raw byte or an equivalent stream: same length, possibly different
                // data only where the stream was stored raw (the frame has no checksum).
                assert_eq!(d.len(), data.len());
            }
        }
    }
}

#[test]
fn config() {
    let c = Blosc::from_config(&json!({"id": "blosc"})).unwrap();
    assert_eq!(
        c.get_config(),
        json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})
    );
    let c = Blosc::from_config(&json!({"id": "blosc", "cname": "zstd", "typesize": 16})).unwrap();
    assert_eq!(c.get_config()["cname"], "zstd");
    assert!(c.get_config().get("typesize").is_none());
    for bad in [
        json!({"cname": "LZ4"}),
        json!({"cname": "snappy"}),
        json!({"clevel": 10}),
        json!({"clevel": -1}),
        json!({"shuffle": 3}),
        json!({"shuffle": -2}),
        json!({"blocksize": -1}),
        json!({"typesize": 0}),
        json!({"level": 1}),
    ] {
        assert!(Blosc::from_config(&bad).is_err(), "{bad}");
    }
}

#[test]
fn typesize_from_dtype_and_override() {
    let data = i32s(0..1000);
    let enc = codec("lz4", 5, 1).encode(&data, DType::F8).unwrap();
    assert_eq!(enc[3], 8);
    let c = Blosc::from_config(&json!({"typesize": 300})).unwrap();
    assert_eq!(c.encode(&data, DType::F8).unwrap()[3], 1);
    let c = Blosc::from_config(&json!({"typesize": 16})).unwrap();
    let enc = c.encode(&data, DType::U1).unwrap();
    assert_eq!(enc[3], 16);
    assert_eq!(c.decode(&enc).unwrap(), data);
}

/// AUTOSHUFFLE decides on the typesize asked for, before c-blosc writes a size over 255 as 1:
/// numcodecs' `Blosc('lz4', 5, -1, typesize=300)` writes byte shuffle (flags 0x21), not
/// bitshuffle. The fixture holds numcodecs' frame (decode-only there: the fixture config has
/// no typesize).
#[test]
fn autoshuffle_decides_on_the_asked_typesize() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/blosc/lz4_shauto_u1_typesize300");
    let input = std::fs::read(dir.join("input.bin")).unwrap();
    let want = std::fs::read(dir.join("encoded.bin")).unwrap();
    let c = Blosc::from_config(&json!({"cname": "lz4", "shuffle": -1, "typesize": 300})).unwrap();
    let enc = c.encode(&input, DType::U1).unwrap();
    assert_eq!(enc[2..4], [0x21, 1]);
    assert_eq!(enc, want);
    // Asked for 1 (the itemsize, or an override of 1): bitshuffle.
    let enc = codec("lz4", 5, -1).encode(&input, DType::U1).unwrap();
    assert_eq!(enc[2] & 0x05, 0x04);
}

#[test]
fn incompressible_input_is_memcpyed() {
    let mut x = 1u64;
    let data: Vec<u8> = (0..100_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for cname in ["blosclz", "lz4", "zstd", "zlib"] {
        let c = codec(cname, 5, 1);
        let enc = c.encode(&data, DType::I4).unwrap();
        assert_eq!(enc[2] & 0x02, 0x02, "{cname}");
        assert_eq!(enc.len(), data.len() + 16);
        assert_eq!(c.decode(&enc).unwrap(), data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn mutated_frames_never_panic(
        seed in 0usize..4,
        muts in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let cname = ["lz4", "blosclz", "zlib", "zstd"][seed];
        let data = i32s((0..3000).map(|i| i / 5 + (i % 3)));
        let c = codec(cname, 5, (seed % 3) as i8);
        let original = c.encode(&data, DType::I4).unwrap();
        let mut f = original.clone();
        for (at, v) in muts {
            let n = f.len();
            f[at % n] = v;
        }
        if let Some(k) = cut {
            let n = f.len();
            f.truncate(k % (n + 1));
        }
        // No panic; a success has the header's size within the limit, and an intact frame
        // decodes to the data. (A changed byte inside a raw-stored stream cannot be detected:
        // the frame has no checksum.)
        if let Ok(d) = c.decode_limited(&f, 1 << 20) {
            prop_assert!(d.len() <= 1 << 20);
            if f[..] == original[..] {
                prop_assert_eq!(&d, &data);
            }
        }
        let mut out = vec![0u8; data.len()];
        let _ = c.decode_into(&f, &mut out);
    }
}

#[test]
fn parallel_encode_equals_serial_near_and_over_the_budget() {
    // Large enough for the parallel encoder; mostly random bytes so the nbytes + 16 budget
    // binds (or nearly) and the parallel path must hand over to the serial one.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let n = 600_000;
    let cases: Vec<Vec<u8>> = [0usize, 1, 8, 64]
        .iter()
        .map(|&every| {
            (0..n)
                .map(|i| {
                    if every > 0 && (i / 4096) % every == 0 {
                        (i / 4096) as u8
                    } else {
                        rnd() as u8
                    }
                })
                .collect()
        })
        .collect();
    for data in &cases {
        for (cname, shuffle) in [("lz4", 1), ("lz4", 0), ("blosclz", 1), ("zstd", 2)] {
            let c = codec(cname, 5, shuffle);
            let encs: Vec<Vec<u8>> = [1, 2, 3]
                .iter()
                .map(|&t| {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(t)
                        .build()
                        .unwrap();
                    pool.install(|| c.encode(data, DType::I4).unwrap())
                })
                .collect();
            assert_eq!(encs[0], encs[1], "{cname} sh{shuffle}");
            assert_eq!(encs[0], encs[2], "{cname} sh{shuffle}");
            assert!(encs[0].len() <= data.len() + 16);
            assert_eq!(&c.decode(&encs[0]).unwrap(), data, "{cname} sh{shuffle}");
        }
    }
}

#[test]
fn parallel_encode_appends_many_runs_in_block_order() {
    // Many blocks (forced 4 KiB and 16 KiB blocks, a leftover block) so the parallel encoder
    // has many runs appended out of completion order; every thread count and repeat must give
    // the serial bytes.
    let data: Vec<u8> = (0..(1 << 20) + 1234u32)
        .map(|i| {
            if i % 3000 < 2000 {
                (i / 16 % 7) as u8
            } else {
                (i.wrapping_mul(2_654_435_761) >> 13) as u8
            }
        })
        .collect();
    for blocksize in [4096usize, 16384, 0] {
        let c = Blosc::new(Cname::Lz4, 5, Blosc::SHUFFLE, blocksize).unwrap();
        let serial = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| c.encode(&data, DType::I4).unwrap());
        assert_eq!(c.decode(&serial).unwrap(), data);
        for t in [2, 3, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap();
            for _ in 0..3 {
                let e = pool.install(|| c.encode(&data, DType::I4).unwrap());
                assert!(e == serial, "blocksize {blocksize} threads {t}");
            }
        }
    }
}

/// Byte-shuffled split blocks whose planes are partly stored raw (noise bytes) and partly
/// compressed (constant bytes): the decoder reads the raw planes from the frame in place and
/// the compressed ones from its buffer; the result must be the input, for every typesize the
/// kernels special-case, across several blocks and a leftover block, serial and with the
/// single-block stream parallelism.
#[test]
fn raw_and_compressed_planes_decode_in_place() {
    let mut x = 7u64;
    let mut noise = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    };
    for typesize in [2usize, 3, 4, 8, 12, 16, 17, 24] {
        for (n_elems, blocksize) in [
            (70_001usize, 0usize),
            (5_000, 4096),
            (300_000 / typesize, 0),
        ] {
            // Even bytes of each element are noise, odd bytes a slow ramp.
            let data: Vec<u8> = (0..n_elems * typesize + typesize / 2)
                .map(|k| {
                    if (k % typesize) % 2 == 0 {
                        noise()
                    } else {
                        (k / 4096) as u8
                    }
                })
                .collect();
            let c = Blosc::from_config(&json!({
                "cname": "lz4", "clevel": 5, "shuffle": 1,
                "typesize": typesize, "blocksize": blocksize,
            }))
            .unwrap();
            let enc = c.encode(&data, DType::U1).unwrap();
            let h = Header::parse(&enc, usize::MAX).unwrap();
            assert_eq!(h.typesize, typesize);
            assert!(!h.memcpyed(), "typesize {typesize}: frame memcpyed");
            assert_eq!(
                c.decode(&enc).unwrap(),
                data,
                "typesize {typesize} n {n_elems}"
            );
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let mut out = vec![0u8; data.len()];
                pool.install(|| c.decode_into(&enc, &mut out)).unwrap();
                assert_eq!(out, data, "typesize {typesize} threads {threads}");
            }
        }
    }
}

/// Split byte-shuffled blocks whose planes are not a multiple of 64 bytes long: the encoder
/// shuffles them into cache-line-aligned streams of its buffer. The frame must decode to the
/// input and be the same on one and two threads, for split typesizes of every kernel family
/// (gather 3-7, tiled 9-16, 12's own), with a leftover block.
#[test]
fn misaligned_planes_round_trip_on_any_pool() {
    for typesize in [3usize, 5, 6, 7, 9, 12, 15, 16] {
        let n = (600_000 / typesize) * typesize;
        let data: Vec<u8> = (0..n)
            .map(|i| {
                let e = i / typesize;
                let b = i % typesize;
                if b % 3 == 0 {
                    (e / 7) as u8
                } else {
                    (e.wrapping_mul(2_654_435_761) >> (b % 13)) as u8
                }
            })
            .collect();
        // Forced blocks of 20,000 elements (planes of 20,000 bytes: 32 past a multiple of 64)
        // and the automatic size.
        for (cname, blocksize) in [("lz4", typesize * 20_000), ("blosclz", 0), ("lz4", 0)] {
            let c = Blosc::from_config(&json!({"id": "blosc", "cname": cname, "clevel": 5,
                "shuffle": 1, "blocksize": blocksize, "typesize": typesize}))
            .unwrap();
            let dtype = DType::U1;
            let encs: Vec<Vec<u8>> = [1, 2]
                .iter()
                .map(|&t| {
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(t)
                        .build()
                        .unwrap()
                        .install(|| c.encode(&data, dtype).unwrap())
                })
                .collect();
            assert_eq!(encs[0], encs[1], "typesize {typesize} {cname} {blocksize}");
            // Compressed, not the memcpyed frame a failed block falls back to.
            assert_eq!(
                encs[0][2] & 0x02,
                0,
                "typesize {typesize} {cname} {blocksize}"
            );
            assert!(encs[0].len() < data.len() * 3 / 4);
            assert_eq!(
                c.decode(&encs[0]).unwrap(),
                data,
                "typesize {typesize} {cname} {blocksize}"
            );
        }
    }
}
