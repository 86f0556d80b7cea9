//! `chunkcodec demo`: the README's main job. Makes a realistic multi-dimensional dataset (a
//! smooth temperature-like float32 field with noise, and an int32 counter array), writes it to
//! a temporary directory store with several pipelines, reads it back, verifies it (bit-exact for
//! lossless pipelines, within a stated tolerance for lossy ones) and prints ratio and speed per
//! pipeline. Pipelines naming a codec id this build does not register are skipped with a note.

use super::array::with_pool;
use crate::array::{ArrayMeta, ZarrArray};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::registry::registered_ids;
use crate::store::DirectoryStore;
use clap::Args;
use ndarray::{Array2, Array3, ArrayD, IxDyn};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Keep the stores in this directory instead of a temporary one.
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// An eighth of the data (for quick checks and tests).
    #[arg(long)]
    pub small: bool,
}

/// How a pipeline's round trip is checked.
#[derive(Debug, Clone, Copy)]
enum Check {
    Exact,
    /// Largest allowed absolute difference.
    Within(f64),
}

struct Case {
    name: &'static str,
    dataset: &'static str,
    filters: Vec<Value>,
    compressor: Option<Value>,
    check: Check,
}

fn blosc(cname: &str, shuffle: u8) -> Value {
    json!({"id": "blosc", "cname": cname, "clevel": 5, "shuffle": shuffle, "blocksize": 0})
}

fn cases() -> Vec<Case> {
    let c = |name, dataset, filters, compressor, check| Case {
        name,
        dataset,
        filters,
        compressor,
        check,
    };
    use Check::*;
    vec![
        c(
            "blosc lz4 + shuffle",
            "temperature",
            vec![],
            Some(blosc("lz4", 1)),
            Exact,
        ),
        c(
            "blosc zstd + bitshuffle",
            "temperature",
            vec![],
            Some(blosc("zstd", 2)),
            Exact,
        ),
        c(
            "zstd",
            "temperature",
            vec![],
            Some(json!({"id": "zstd", "level": 3})),
            Exact,
        ),
        c(
            "lz4",
            "temperature",
            vec![],
            Some(json!({"id": "lz4", "acceleration": 1})),
            Exact,
        ),
        c(
            "zlib",
            "temperature",
            vec![],
            Some(json!({"id": "zlib", "level": 1})),
            Exact,
        ),
        c(
            "shuffle + zstd",
            "temperature",
            vec![json!({"id": "shuffle", "elementsize": 4})],
            Some(json!({"id": "zstd", "level": 3})),
            Exact,
        ),
        c(
            "zstd + crc32",
            "temperature",
            vec![json!({"id": "zstd", "level": 3})],
            Some(json!({"id": "crc32"})),
            Exact,
        ),
        c(
            "fixedscaleoffset + zlib",
            "temperature",
            vec![
                json!({"id": "fixedscaleoffset", "offset": 15, "scale": 100, "dtype": "<f4", "astype": "<i2"}),
            ],
            Some(json!({"id": "zlib", "level": 1})),
            Within(0.5 / 100.0 + 1e-4),
        ),
        c(
            "quantize + blosc zstd",
            "temperature",
            vec![json!({"id": "quantize", "digits": 2, "dtype": "<f4"})],
            Some(blosc("zstd", 1)),
            Within(0.01),
        ),
        c(
            "bitround + zstd",
            "temperature",
            vec![json!({"id": "bitround", "keepbits": 10})],
            Some(json!({"id": "zstd", "level": 3})),
            Within(64.0 / 1024.0),
        ),
        c(
            "blosc lz4 + shuffle",
            "counter",
            vec![],
            Some(blosc("lz4", 1)),
            Exact,
        ),
        c(
            "delta + blosc lz4",
            "counter",
            vec![json!({"id": "delta", "dtype": "<i4"})],
            Some(blosc("lz4", 1)),
            Exact,
        ),
        c(
            "delta + zstd",
            "counter",
            vec![json!({"id": "delta", "dtype": "<i4"})],
            Some(json!({"id": "zstd", "level": 3})),
            Exact,
        ),
        c(
            "shuffle only",
            "temperature",
            vec![json!({"id": "shuffle", "elementsize": 4})],
            None,
            Exact,
        ),
        c("none (raw chunks)", "counter", vec![], None, Exact),
    ]
}

/// A small deterministic generator (xorshift64*), so the demo needs no download and no seed.
struct Rng(u64);

impl Rng {
    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (v >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// A temperature-like field over (time, lat, lon): a smooth pattern plus small noise.
fn temperature(t: usize, ny: usize, nx: usize) -> Array3<f32> {
    let tau = std::f32::consts::TAU;
    let lat: Vec<f32> = (0..ny)
        .map(|y| (tau * 0.5 * y as f32 / ny as f32).sin())
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut a = Array3::<f32>::zeros((t, ny, nx));
    for ((k, y, x), v) in a.indexed_iter_mut() {
        let season = (tau * k as f32 / t as f32).cos();
        let wave = (tau * 3.0 * x as f32 / nx as f32 + 0.2 * k as f32).sin();
        *v = 2.0
            + 25.0 * lat[y]
            + 4.0 * season * lat[y]
            + 3.0 * wave * lat[y]
            + 0.25 * (rng.next_f32() - 0.5);
        // Keep two decimals of "instrument precision", as real data often has.
        *v = (*v * 100.0).round() / 100.0;
    }
    a
}

/// Monotone event counters per (sensor, sample).
fn counter(rows: usize, cols: usize) -> Array2<i32> {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut a = Array2::<i32>::zeros((rows, cols));
    for mut row in a.rows_mut() {
        let mut c = 1_000_000i32;
        for v in row.iter_mut() {
            c = c.wrapping_add((rng.next_f32() * 7.0) as i32);
            *v = c;
        }
    }
    a
}

struct Row {
    dataset: &'static str,
    name: &'static str,
    ratio: f64,
    enc: f64,
    dec: f64,
    verified: String,
    ok: bool,
}

fn run_case<T>(
    case: &Case,
    data: &ArrayD<T>,
    dtype: DType,
    chunks: &[usize],
    dir: &std::path::Path,
    max_diff: impl Fn(&ArrayD<T>, &ArrayD<T>) -> f64,
) -> Result<Row>
where
    T: bytemuck::Pod + Send + Sync + PartialEq,
{
    let meta = ArrayMeta::new(data.shape(), chunks, dtype)?
        .with_filters(case.filters.clone())
        .with_compressor(case.compressor.clone());
    // A scratch store: skip the per-chunk fsync (writes stay atomic for readers).
    let store = DirectoryStore::create(dir)?.with_fsync(false);
    let arr = ZarrArray::create(store, "", meta)?;
    let raw = std::mem::size_of_val(data.as_slice().unwrap_or(&[])) as f64;
    let t = Instant::now();
    arr.write(data.view())?;
    let enc = t.elapsed().as_secs_f64();
    let mut back = ArrayD::from_elem(IxDyn(data.shape()), T::zeroed());
    let t = Instant::now();
    arr.read_into(back.view_mut())?;
    let dec = t.elapsed().as_secs_f64();
    let stats = arr.stats()?;
    let (verified, ok) = match case.check {
        Check::Exact if back == *data => ("bit-exact".to_string(), true),
        Check::Exact => ("MISMATCH".to_string(), false),
        Check::Within(tol) => {
            let d = max_diff(data, &back);
            if d <= tol {
                (format!("max err {d:.4} <= {tol:.4}"), true)
            } else {
                (format!("max err {d:.4} > {tol:.4} FAILED"), false)
            }
        }
    };
    Ok(Row {
        dataset: case.dataset,
        name: case.name,
        ratio: raw / stats.stored_bytes.max(1) as f64,
        enc: raw / enc.max(1e-9) / 1e6,
        dec: raw / dec.max(1e-9) / 1e6,
        verified,
        ok,
    })
}

fn codec_ids(case: &Case) -> Vec<String> {
    case.filters
        .iter()
        .chain(case.compressor.iter())
        .filter_map(|c| c.get("id").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// `chunkcodec demo`.
pub fn demo(args: &DemoArgs) -> Result<()> {
    let (root, temp) = match &args.keep {
        Some(p) => (p.clone(), false),
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let p = std::env::temp_dir()
                .join(format!("chunkcodec-demo-{}-{nanos}", std::process::id()));
            (p, true)
        }
    };
    let result = with_pool(args.threads, || run_all(&root, args.small));
    if temp {
        let _ = std::fs::remove_dir_all(&root);
    }
    result
}

fn run_all(root: &std::path::Path, small: bool) -> Result<()> {
    let f = if small { 8 } else { 1 };
    let t0 = Instant::now();
    let temp = temperature(32 / f, 256, 512).into_dyn();
    let count = counter(1024 / f, 2048).into_dyn();
    println!(
        "dataset: temperature float32 {:?} ({} MiB, chunks [8, 128, 256]), counter int32 {:?} ({} MiB, chunks [128, 2048]); {} threads; made in {:.2} s",
        temp.shape(),
        (temp.len() * 4) >> 20,
        count.shape(),
        (count.len() * 4) >> 20,
        rayon::current_num_threads(),
        t0.elapsed().as_secs_f64()
    );
    let known = registered_ids();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (i, case) in cases().iter().enumerate() {
        if let Some(missing) = codec_ids(case).into_iter().find(|id| !known.contains(id)) {
            notes.push(format!(
                "skipped {} / {}: codec id {missing:?} is not registered in this build",
                case.dataset, case.name
            ));
            continue;
        }
        let dir = root.join(format!("{i:02}-{}", case.dataset));
        let row = if case.dataset == "temperature" {
            run_case(case, &temp, DType::F4, &[8, 128, 256], &dir, |a, b| {
                a.iter()
                    .zip(b)
                    .map(|(x, y)| (f64::from(*x) - f64::from(*y)).abs())
                    .fold(0.0, f64::max)
            })
        } else {
            run_case(case, &count, DType::I4, &[128, 2048], &dir, |a, b| {
                a.iter()
                    .zip(b)
                    .map(|(x, y)| (f64::from(*x) - f64::from(*y)).abs())
                    .fold(0.0, f64::max)
            })
        };
        rows.push(row.unwrap_or_else(|e| Row {
            dataset: case.dataset,
            name: case.name,
            ratio: 0.0,
            enc: 0.0,
            dec: 0.0,
            verified: format!("ERROR: {e}"),
            ok: false,
        }));
    }
    println!(
        "\n{:<12} {:<26} {:>7} {:>12} {:>12}  verified",
        "dataset", "pipeline", "ratio", "encode MB/s", "decode MB/s"
    );
    for r in &rows {
        println!(
            "{:<12} {:<26} {:>7.2} {:>12.0} {:>12.0}  {}",
            r.dataset, r.name, r.ratio, r.enc, r.dec, r.verified
        );
    }
    for n in &notes {
        println!("note: {n}");
    }
    println!(
        "\n{} pipelines run, {} skipped, total {:.2} s",
        rows.len(),
        notes.len(),
        t0.elapsed().as_secs_f64()
    );
    let failed = rows.iter().filter(|r| !r.ok).count();
    if failed > 0 {
        return Err(Error::Array(format!(
            "demo: {failed} pipeline(s) failed verification"
        )));
    }
    Ok(())
}
