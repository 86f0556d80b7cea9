//! zstd (level 3), lz4 (acceleration 1) and zlib (level 1): encode, decode (allocating, with the
//! default limit) and decode_into, on the issue's 8 MiB arrays: a smooth float32 signal with
//! noise and int32 counters. A memcpy baseline runs in the same process.
//!
//! The arrays are read from `target/bench-data/{f32_signal,i32_counter}.bin`, which
//! `scripts/bench_numcodecs_compressors.py` writes with numpy (so both sides time the very same
//! bytes); without them the bench makes arrays of the same distributions itself.
//! The script then prints ours/numcodecs ratios from criterion's medians:
//!
//! ```text
//! scripts/bench_numcodecs_compressors.py --run-bench
//! ```
//!
//! With `--run-bench` the script runs this bench once per (codec, array) pair between two
//! numcodecs timings of the same pair, so both sides see the same machine load.
//!
//! lz4 is C liblz4 1.10 (lz4-sys): lz4_flex 0.14 decompresses shuffled numeric data 3-13x
//! slower (`shared/reference/simd-anchors.md` §7), so it is not a candidate.

use chunkcodec::{get_codec, Codec, DType};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::json;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// mimalloc: keeps freed chunk-sized buffers for reuse instead of returning them to the OS
/// (glibc's malloc maps and unmaps them, and the page faults dominated parallel encoding).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const N: usize = 8 << 20;

/// splitmix64: a small deterministic generator for the fallback arrays.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn poisson3(&mut self) -> i32 {
        let (l, mut k, mut p) = ((-3.0f64).exp(), 0, 1.0);
        loop {
            p *= self.uniform();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
}

fn array(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{name}.bin"));
    if let Ok(b) = std::fs::read(&path) {
        if b.len() == N {
            return b;
        }
    }
    eprintln!("{} missing: generating {name} here", path.display());
    let mut rng = Rng(42);
    let n = N / 4;
    match name {
        // 280 + 15 sin(t) + 3 cos(5.1 t) + N(0, 0.05), t = linspace(0, 200, n)
        "f32_signal" => (0..n)
            .flat_map(|i| {
                let t = 200.0 * i as f64 / (n - 1) as f64;
                let v = 280.0 + 15.0 * t.sin() + 3.0 * (5.1 * t).cos() + 0.05 * rng.normal();
                (v as f32).to_le_bytes()
            })
            .collect(),
        _ => {
            let mut acc = 0i32;
            (0..n)
                .flat_map(|_| {
                    acc = acc.wrapping_add(rng.poisson3());
                    acc.to_le_bytes()
                })
                .collect()
        }
    }
}

/// The LZ4 streams Blosc writes for `data` (lz4, clevel 5, byte shuffle, typesize 4): each
/// block (c-blosc's automatic size, read back from our frame's header) shuffled and split into
/// 4 streams, each one liblz4 block at acceleration 5, as `blosc::inner` compresses them.
fn blosc_lz4_streams(data: &[u8]) -> Vec<(Vec<u8>, usize)> {
    let frame = get_codec(&json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1}))
        .unwrap()
        .encode(data, DType::F4)
        .unwrap();
    let blocksize = u32::from_le_bytes(frame[8..12].try_into().unwrap()) as usize;
    let mut streams = Vec::new();
    for block in data.chunks(blocksize) {
        let mut sh = vec![0u8; block.len()];
        chunkcodec::kernels::shuffle::shuffle(4, block, &mut sh);
        for s in sh.chunks(block.len() / 4) {
            let mut c = Vec::new();
            let n = chunkcodec::ffi::lz4::compress_fast_append(s, &mut c, s.len(), 5);
            if n > 0 {
                streams.push((c, s.len()));
            }
        }
    }
    streams
}

/// The offset-0 pre-pass the Blosc and lz4 decoders ran before liblz4 until our own decoder
/// (kept here to time liblz4 + pre-pass, the old decode path).
fn offset0_prepass(block: &[u8]) -> bool {
    let run = |mut i: usize, mut n: usize| -> Option<(usize, usize)> {
        loop {
            let b = *block.get(i)?;
            i += 1;
            n = n.saturating_add(usize::from(b));
            if b != 255 {
                return Some((i, n));
            }
        }
    };
    let mut i = 0usize;
    while let Some(&token) = block.get(i) {
        let mut lit = usize::from(token >> 4);
        i += 1;
        if lit == 15 {
            let Some((j, n)) = run(i, lit) else {
                return true;
            };
            (i, lit) = (j, n);
        }
        i = i.saturating_add(lit);
        let Some(off) = block.get(i..i.saturating_add(2)) else {
            return true;
        };
        if off == [0, 0] {
            return false;
        }
        i += 2;
        if token & 15 == 15 {
            let Some((j, _)) = run(i, 0) else {
                return true;
            };
            i = j;
        }
    }
    true
}

/// Our LZ4 block decoder vs liblz4's `LZ4_decompress_safe` (alone and with the offset-0
/// pre-pass) on the Blosc streams of both arrays (the blosc bench's arrays from
/// target/blosc-bench/ when `scripts/bench_blosc_peers.py` has written them), and on each whole
/// array as one block (what the `lz4` codec decodes), in one run. `CHUNKCODEC_BENCH_ONLY=lz4_block`
/// runs only this group.
fn bench_lz4_block(c: &mut Criterion, arrays: &[(&str, DType, Vec<u8>)]) {
    let mut g = c.benchmark_group("lz4_block_decode");
    g.throughput(Throughput::Bytes(N as u64));
    for (name, _, data) in arrays {
        // The whole array as one block, as the `lz4` codec stores it (bench-data arrays).
        let mut whole = Vec::new();
        let bound = chunkcodec::ffi::lz4::compress_bound(data.len());
        assert!(chunkcodec::ffi::lz4::compress_fast_append(data, &mut whole, bound, 1) > 0);
        let mut out = vec![0u8; data.len()];
        g.bench_function(BenchmarkId::new("ours_whole", name), |b| {
            b.iter(|| {
                let r = chunkcodec::kernels::lz4::decompress_into(black_box(&whole), &mut out);
                assert_eq!(r, Ok(data.len()));
            })
        });
        g.bench_function(BenchmarkId::new("liblz4_whole", name), |b| {
            b.iter(|| {
                let r = chunkcodec::ffi::lz4::decompress_safe(black_box(&whole), &mut out);
                assert_eq!(r, Some(data.len()));
            })
        });
    }
    for (name, _, data) in arrays {
        // The blosc bench's arrays (scripts/bench_blosc_peers.py) when present.
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/blosc-bench/{name}.bin"));
        let data = std::fs::read(path).unwrap_or_else(|_| data.clone());
        let streams = blosc_lz4_streams(&data);
        let total: usize = streams.iter().map(|s| s.1).sum();
        let csize: usize = streams.iter().map(|s| s.0.len()).sum();
        eprintln!(
            "lz4_block {name}: {} streams, {total} bytes, ratio {:.3}",
            streams.len(),
            total as f64 / csize as f64
        );
        let mut out = vec![0u8; streams.iter().map(|s| s.1).max().unwrap_or(0)];
        g.bench_function(BenchmarkId::new("ours", name), |b| {
            b.iter(|| {
                for (s, n) in &streams {
                    let r = chunkcodec::kernels::lz4::decompress_into(black_box(s), &mut out[..*n]);
                    assert_eq!(r, Ok(*n));
                }
            })
        });
        g.bench_function(BenchmarkId::new("liblz4", name), |b| {
            b.iter(|| {
                for (s, n) in &streams {
                    let r = chunkcodec::ffi::lz4::decompress_safe(black_box(s), &mut out[..*n]);
                    assert_eq!(r, Some(*n));
                }
            })
        });
        g.bench_function(BenchmarkId::new("liblz4+prepass", name), |b| {
            b.iter(|| {
                for (s, n) in &streams {
                    assert!(offset0_prepass(black_box(s)));
                    let r = chunkcodec::ffi::lz4::decompress_safe(black_box(s), &mut out[..*n]);
                    assert_eq!(r, Some(*n));
                }
            })
        });
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    let arrays = [
        ("f32_signal", DType::F4, array("f32_signal")),
        ("i32_counter", DType::I4, array("i32_counter")),
    ];
    let codecs: Vec<(&str, Box<dyn Codec>)> = vec![
        (
            "lz4",
            get_codec(&json!({"id": "lz4", "acceleration": 1})).unwrap(),
        ),
        (
            "zstd",
            get_codec(&json!({"id": "zstd", "level": 3})).unwrap(),
        ),
        (
            "zlib",
            get_codec(&json!({"id": "zlib", "level": 1})).unwrap(),
        ),
    ];
    let only = std::env::var("CHUNKCODEC_BENCH_ONLY").ok();
    if only.as_deref() == Some("lz4_block") {
        return bench_lz4_block(c, &arrays);
    }
    {
        let mut g = c.benchmark_group("memcpy");
        g.throughput(Throughput::Bytes(N as u64));
        for (name, _, data) in &arrays {
            let mut out = vec![0u8; N];
            g.bench_with_input(BenchmarkId::from_parameter(name), data, |b, d| {
                b.iter(|| out.copy_from_slice(black_box(d)))
            });
        }
        g.finish();
    }
    // CHUNKCODEC_BENCH_ONLY=codec:array limits the setup work (encoding) to one pair; the
    // numcodecs script uses it to interleave its timings with ours.
    for (cname, codec) in &codecs {
        for (name, dtype, data) in &arrays {
            if only
                .as_ref()
                .is_some_and(|o| *o != format!("{cname}:{name}"))
            {
                continue;
            }
            let enc = codec.encode(data, *dtype).unwrap();
            eprintln!(
                "{cname} {name}: ratio {:.3}",
                data.len() as f64 / enc.len() as f64
            );
            let mut g = c.benchmark_group(format!("{cname}_encode"));
            g.throughput(Throughput::Bytes(N as u64));
            g.bench_with_input(BenchmarkId::from_parameter(name), data, |b, d| {
                b.iter(|| codec.encode(black_box(d), *dtype).unwrap())
            });
            g.finish();
            let mut g = c.benchmark_group(format!("{cname}_decode"));
            g.throughput(Throughput::Bytes(N as u64));
            g.bench_with_input(BenchmarkId::from_parameter(name), &enc, |b, e| {
                b.iter(|| codec.decode(black_box(e)).unwrap())
            });
            g.finish();
            let mut g = c.benchmark_group(format!("{cname}_decode_into"));
            g.throughput(Throughput::Bytes(N as u64));
            let mut out = vec![0u8; N];
            g.bench_with_input(BenchmarkId::from_parameter(name), &enc, |b, e| {
                b.iter(|| codec.decode_into(black_box(e), &mut out).unwrap())
            });
            g.finish();
        }
    }
    if only.is_none() {
        bench_lz4_block(c, &arrays);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
