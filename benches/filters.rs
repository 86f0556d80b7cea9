//! Filters and checksums vs memcpy of the same bytes (8 MiB, single thread, criterion medians).
//!
//!   cargo bench --bench filters -- --warm-up-time 1 --measurement-time 2
//!   scripts/bench_numcodecs_filters.py     # numcodecs on the same data, prints all ratios
//!
//! The inputs are written to target/bench-data/ so the numcodecs script times the same bytes;
//! at the end this prints each median and its ratio to memcpy (throughput ours / memcpy).

use chunkcodec::checksums::Algorithm;
use chunkcodec::{get_codec, Codec, DType};
use criterion::{criterion_group, Criterion, Throughput};
use serde_json::json;
use std::hint::black_box;
use std::path::PathBuf;

const N: usize = 8 << 20;

/// Deterministic xorshift bytes.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect()
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

struct Inputs {
    bytes: Vec<u8>,
    i4: Vec<u8>,
    f8: Vec<u8>,
}

fn inputs() -> Inputs {
    let bytes = noise(N, 1);
    // A random walk (what delta is for).
    let mut acc = 0i32;
    let i4: Vec<u8> = noise(N / 4, 2)
        .iter()
        .flat_map(|&b| {
            acc = acc.wrapping_add(b as i32 - 128);
            acc.to_le_bytes()
        })
        .collect();
    // Values in 1000..1100 (fit <u2 with offset 1000, scale 100).
    let f8: Vec<u8> = noise(N / 8 * 2, 3)
        .chunks(2)
        .flat_map(|c| (1000.0 + (c[0] as f64 * 256.0 + c[1] as f64) / 655.36).to_le_bytes())
        .collect();
    let dir = data_dir();
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    for (name, d) in [("bytes", &bytes), ("i4", &i4), ("f8", &f8)] {
        std::fs::write(dir.join(format!("{name}.bin")), d).expect("write bench data");
    }
    Inputs { bytes, i4, f8 }
}

fn codec_pair(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    codec: &dyn Codec,
    input: &[u8],
    dtype: DType,
) {
    c.bench_function(format!("{name}_encode"), |b| {
        b.iter(|| codec.encode(black_box(input), dtype).unwrap())
    });
    let enc = codec.encode(input, dtype).unwrap();
    let mut out = vec![0u8; input.len()];
    c.bench_function(format!("{name}_decode"), |b| {
        b.iter(|| codec.decode_into(black_box(&enc), &mut out).unwrap())
    });
}

fn benches(c: &mut Criterion) {
    let inp = inputs();
    let mut g = c.benchmark_group("filters");
    g.throughput(Throughput::Bytes(N as u64));
    let mut dst = vec![0u8; N];
    g.bench_function("memcpy", |b| {
        b.iter(|| dst.copy_from_slice(black_box(&inp.bytes)))
    });
    // The second copy baseline (as in `chunkcodec bench`): at 8 MiB glibc's memcpy takes its
    // non-temporal or `rep movsb` path, which on AMD Zen 4 measured well behind a plain vector
    // copy of the same bytes; the ratios use the faster of the two.
    g.bench_function("vector_copy", |b| {
        b.iter(|| chunkcodec::kernels::copy::vector_copy(black_box(&inp.bytes), &mut dst))
    });
    for es in [4, 8] {
        let codec = get_codec(&json!({"id": "shuffle", "elementsize": es})).unwrap();
        codec_pair(
            &mut g,
            &format!("shuffle{es}"),
            codec.as_ref(),
            &inp.bytes,
            DType::U1,
        );
    }
    let delta = get_codec(&json!({"id": "delta", "dtype": "<i4"})).unwrap();
    codec_pair(&mut g, "delta_i4", delta.as_ref(), &inp.i4, DType::I4);
    let fso = get_codec(
        &json!({"id": "fixedscaleoffset", "offset": 1000, "scale": 100,
                                "dtype": "<f8", "astype": "<u2"}),
    )
    .unwrap();
    codec_pair(&mut g, "fso_f8_u2", fso.as_ref(), &inp.f8, DType::F8);
    for (name, alg) in [
        ("crc32", Algorithm::Crc32),
        ("crc32c", Algorithm::Crc32c),
        ("adler32", Algorithm::Adler32),
    ] {
        g.bench_function(format!("{name}_sum"), |b| {
            b.iter(|| alg.checksum(black_box(&inp.bytes)))
        });
        let codec = get_codec(&json!({ "id": name })).unwrap();
        g.bench_function(format!("{name}_encode"), |b| {
            b.iter(|| codec.encode(black_box(&inp.bytes), DType::U1).unwrap())
        });
    }
    g.finish();
}

/// Median nanoseconds of every bench in the "filters" group, from criterion's estimates.
fn medians() -> Vec<(String, f64)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/criterion/filters");
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&root) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path().join("new/estimates.json");
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if let Some(m) = v["median"]["point_estimate"].as_f64() {
            out.push((e.file_name().to_string_lossy().to_string(), m));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = benches
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    let m = medians();
    let copy = |name: &str| m.iter().find(|(n, _)| n == name).map(|x| x.1);
    let memcpy = match (copy("memcpy"), copy("vector_copy")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    println!(
        "\nmedians (8 MiB, single thread), throughput ratio to memcpy of the same bytes \
         (the faster of glibc memcpy and vector_copy):"
    );
    for (name, ns) in &m {
        let gbs = N as f64 / ns;
        match memcpy {
            Some(mc) => println!("  {name:<18} {gbs:7.2} GB/s   ours/memcpy {:.2}", mc / ns),
            None => println!("  {name:<18} {gbs:7.2} GB/s"),
        }
    }
    let json: serde_json::Map<String, serde_json::Value> = m
        .iter()
        .map(|(n, v)| (n.clone(), serde_json::Value::from(*v)))
        .collect();
    let _ = std::fs::write(
        data_dir().join("medians.json"),
        serde_json::Value::Object(json).to_string(),
    );
}
