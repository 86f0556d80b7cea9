//! The array engine's thread scaling: a float32 array (256 MiB by default;
//! `CHUNKCODEC_BENCH_MIB` changes it) in 1 MiB chunks, encoded and decoded on a pool of one
//! thread and on a pool of two, with Blosc lz4 + shuffle (zarr's default compressor) and, as a
//! codec-light baseline, the shuffle filter alone. Goal: two threads >= 1.8x one thread.
//!
//! Criterion reports each time; after the groups a summary prints the 2-thread / 1-thread
//! speed-up from medians measured in the same run.
//!
//!     cargo bench --bench array -- --warm-up-time 1 --measurement-time 2

use chunkcodec::array::{encode_chunks_with, ArrayMeta, ZarrArray};
use chunkcodec::store::MemoryStore;
use chunkcodec::DType;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{Array3, ArrayD, IxDyn};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// mimalloc: keeps freed chunk-sized buffers for reuse instead of returning them to the OS
/// (glibc's malloc maps and unmaps them, and the page faults dominated parallel encoding).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn mib() -> usize {
    std::env::var("CHUNKCODEC_BENCH_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

/// A smooth field with a little noise, `mib` MiB of float32 as (mib * 4, 256, 256).
fn field() -> ArrayD<f32> {
    let n0 = mib() * 4;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    Array3::from_shape_fn((n0, 256, 256), |(t, y, x)| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let noise = (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
        let v = 15.0
            + 10.0 * ((y as f32) * 0.0245).sin() * ((x as f32) * 0.0123 + t as f32 * 0.01).cos()
            + 0.05 * noise;
        (v * 100.0).round() / 100.0
    })
    .into_dyn()
}

fn pipelines() -> Vec<(&'static str, Vec<Value>, Option<Value>)> {
    let known = chunkcodec::registered_ids();
    let mut out = Vec::new();
    if known.iter().any(|id| id == "blosc") {
        out.push((
            "blosc_lz4_shuffle",
            vec![],
            Some(json!({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})),
        ));
    } else {
        eprintln!("note: codec id \"blosc\" is not registered; benching the shuffle filter only");
    }
    out.push((
        "shuffle",
        vec![json!({"id": "shuffle", "elementsize": 4})],
        None,
    ));
    out
}

fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .expect("thread pool")
}

fn median_secs(mut f: impl FnMut()) -> f64 {
    let mut v: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[2]
}

fn bench(c: &mut Criterion) {
    let data = field();
    let bytes = (data.len() * 4) as u64;
    let mut summary = Vec::new();
    for (name, filters, compressor) in pipelines() {
        let meta = ArrayMeta::new(data.shape(), &[4, 256, 256], DType::F4)
            .unwrap()
            .with_filters(filters)
            .with_compressor(compressor);
        let store = MemoryStore::new();
        let arr = ZarrArray::create(&store, "", meta.clone()).unwrap();
        arr.write(data.view()).unwrap();
        let mut out = ArrayD::<f32>::zeros(IxDyn(data.shape()));
        let encode = |threads: usize| {
            let p = pool(threads);
            let meta = &meta;
            let data = &data;
            move || {
                let sum = AtomicU64::new(0);
                p.install(|| {
                    encode_chunks_with(meta, data.view(), &|r| {
                        sum.fetch_add(r.bytes.len() as u64, Ordering::Relaxed);
                        Ok(())
                    })
                })
                .unwrap();
                sum.into_inner()
            }
        };
        let mut g = c.benchmark_group(format!("array_{name}"));
        g.sample_size(10).throughput(Throughput::Bytes(bytes));
        let mut secs = Vec::new();
        for threads in [1, 2] {
            let mut enc = encode(threads);
            g.bench_function(format!("encode_{threads}t"), |b| b.iter(&mut enc));
            let p = pool(threads);
            g.bench_function(format!("decode_{threads}t"), |b| {
                b.iter(|| p.install(|| arr.read_into(out.view_mut())).unwrap())
            });
            let e = median_secs(|| {
                enc();
            });
            let d = median_secs(|| p.install(|| arr.read_into(out.view_mut())).unwrap());
            secs.push((e, d));
        }
        g.finish();
        assert_eq!(out, data, "{name}: decoded array differs");
        let ratio = bytes as f64 / store.total_bytes() as f64;
        summary.push(format!(
            "{name}: ratio {ratio:.2}; encode 1t {:.0} MB/s, 2t {:.0} MB/s, speed-up {:.2}x; decode 1t {:.0} MB/s, 2t {:.0} MB/s, speed-up {:.2}x",
            bytes as f64 / secs[0].0 / 1e6,
            bytes as f64 / secs[1].0 / 1e6,
            secs[0].0 / secs[1].0,
            bytes as f64 / secs[0].1 / 1e6,
            bytes as f64 / secs[1].1 / 1e6,
            secs[0].1 / secs[1].1,
        ));
    }
    for s in summary {
        eprintln!("summary ({} MiB, 1 MiB chunks): {s}", mib());
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
