//! Blosc speed vs the C libraries, on the same 8 MiB arrays (a smooth float32 signal with noise,
//! int32 counters). Run `scripts/bench_blosc_peers.py` first: it writes the arrays and the
//! median C timings (numcodecs' c-blosc 1.21 and python-blosc2) to target/blosc-bench/; this
//! bench then prints ours, memcpy, and ours / C for each. Without those files it makes its own
//! arrays and prints only our numbers.
//!
//! `cargo bench --bench blosc` (env BLOSC_BENCH_REPS, default 9: medians of that many runs).
//! Threads: a rayon ThreadPool of 1 and of 2 threads, the caller's pool as in production.

use chunkcodec::compressors::blosc::{Blosc, Cname};
use chunkcodec::{Codec, DType};
use chunkcodec_kernels::peer::{Blosc2, CBlosc, Params};
use serde_json::Value;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

/// mimalloc: keeps freed chunk-sized buffers for reuse instead of returning them to the OS
/// (glibc's malloc maps and unmaps them, and the page faults dominated parallel encoding).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const N: usize = 8 * 1024 * 1024;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/blosc-bench")
}

fn arrays() -> Vec<(&'static str, Vec<u8>)> {
    let load = |name: &str| std::fs::read(dir().join(format!("{name}.bin"))).ok();
    if let (Some(f), Some(i)) = (load("f32_signal"), load("i32_counter")) {
        return vec![("f32_signal", f), ("i32_counter", i)];
    }
    eprintln!(
        "target/blosc-bench/*.bin missing: run scripts/bench_blosc_peers.py for the shared arrays"
    );
    let mut x = 42u64;
    let mut noise = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let f: Vec<u8> = (0..N / 4)
        .flat_map(|t| {
            let t = t as f64;
            let v =
                280.0 + 15.0 * (t / 1000.0).sin() + 3.0 * (5.1 * t / 1000.0).cos() + 0.17 * noise();
            (v as f32).to_le_bytes()
        })
        .collect();
    let mut acc = 0i32;
    let i: Vec<u8> = (0..N / 4)
        .flat_map(|_| {
            acc += (3.0 + 6.0 * noise()).round().max(0.0) as i32;
            acc.to_le_bytes()
        })
        .collect();
    vec![("f32_signal", f), ("i32_counter", i)]
}

fn median_secs(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut ts: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    ts.sort_by(|a, b| a.total_cmp(b));
    ts[ts.len() / 2]
}

/// Times `a` and `b` in alternation, `reps` rounds after one warm-up of each: the median
/// seconds of each and the median of the rounds' `time(b) / time(a)` (a's speed over b's).
/// Alternating puts both sides in the same phases of a noisy machine.
fn alternating(reps: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64, f64) {
    a();
    b();
    let (mut ta, mut tb, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps {
        let t = Instant::now();
        a();
        let x = t.elapsed().as_secs_f64();
        let t = Instant::now();
        b();
        let y = t.elapsed().as_secs_f64();
        ta.push(x);
        tb.push(y);
        r.push(y / x);
    }
    let med = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    (med(ta), med(tb), med(r))
}

/// The C libraries in this process, when `.venv` has them (see `chunkcodec_kernels::peer`).
struct InProcess {
    cblosc: Option<CBlosc>,
    blosc2: Option<Blosc2>,
}

impl InProcess {
    fn load() -> InProcess {
        let cblosc = CBlosc::find()
            .map_err(|e| println!("in-process c-blosc skipped: {e}"))
            .ok();
        let blosc2 = Blosc2::find()
            .map_err(|e| println!("in-process c-blosc2 skipped: {e}"))
            .ok();
        if let Some(c) = &cblosc {
            println!(
                "in process: c-blosc {} ({})",
                c.version(),
                c.path().display()
            );
        }
        if let Some(b) = &blosc2 {
            println!(
                "in process: c-blosc2 {} ({})",
                b.version(),
                b.path().display()
            );
        }
        InProcess { cblosc, blosc2 }
    }
}

/// Ours against the C libraries loaded in this process, timed in alternation on the same
/// buffers (c-blosc 1.x as numcodecs calls it: the `_ctx` functions on one thread, the global
/// API's pool on two; c-blosc2 through its global API, lz4 only).
#[allow(clippy::too_many_arguments)]
fn compare_in_process(
    peers: &InProcess,
    reps: usize,
    pool: &rayon::ThreadPool,
    codec: &Blosc,
    (cname, blocksize): (Cname, usize),
    threads: usize,
    data: &[u8],
    enc: &[u8],
) {
    let t = threads as i32;
    if let Some(c) = &peers.cblosc {
        let p = Params {
            clevel: 5,
            doshuffle: 1,
            typesize: 4,
            cname: cname.name(),
            blocksize,
            threads: t,
        };
        let lib = format!(
            "c-blosc {} t{threads}",
            c.version().split(' ').next().unwrap_or("")
        );
        vs_peer(
            &lib,
            (reps, pool, codec, data, enc),
            |dst| {
                if threads == 1 {
                    c.compress_ctx(&p, data, dst)
                } else {
                    c.compress_pooled(&p, data, dst)
                }
            },
            |frame, dst| {
                if threads == 1 {
                    c.decompress_ctx(frame, dst, 1)
                } else {
                    c.decompress_pooled(frame, dst, t)
                }
            },
        );
    }
    if let (Some(b), Cname::Lz4) = (&peers.blosc2, cname) {
        let lib = format!(
            "c-blosc2 {} t{threads}",
            b.version().split(' ').next().unwrap_or("")
        );
        vs_peer(
            &lib,
            (reps, pool, codec, data, enc),
            |dst| b.compress(5, 1, 4, "lz4", t as i16, data, dst),
            |chunk, dst| b.decompress(chunk, dst, t as i16),
        );
    }
}

/// One peer against ours: `compress` writes the peer's frame of `data` into its argument,
/// `decompress` decodes a frame; both are timed in alternation with our `encode_into` (both
/// sides writing into an output buffer they keep between calls: the libraries' speed, not
/// the allocator's) and our `decode_into`.
fn vs_peer(
    lib: &str,
    (reps, pool, codec, data, enc): (usize, &rayon::ThreadPool, &Blosc, &[u8], &[u8]),
    mut compress: impl FnMut(&mut [u8]) -> Result<usize, String>,
    mut decompress: impl FnMut(&[u8], &mut [u8]) -> Result<usize, String>,
) {
    let mut theirs = vec![0u8; data.len() + 64];
    let n = match compress(&mut theirs) {
        Ok(n) => n,
        Err(e) => return println!("    in-process {lib} skipped: {e}"),
    };
    let frame = theirs[..n].to_vec();
    let mut ours = Vec::new();
    let e = alternating(
        reps,
        || {
            pool.install(|| codec.encode_into(black_box(data), DType::I4, &mut ours))
                .unwrap();
            black_box(&ours);
        },
        || {
            black_box(compress(&mut theirs).unwrap());
        },
    );
    let (mut out, mut back) = (vec![0u8; data.len()], vec![0u8; data.len()]);
    let d = alternating(
        reps,
        || pool.install(|| codec.decode_into(black_box(enc), &mut out).unwrap()),
        || {
            decompress(black_box(&frame), &mut back).unwrap();
        },
    );
    assert_eq!(back, data);
    let gbs = |s: f64| data.len() as f64 / s / 1e9;
    let ((to, tt, re), (uo, ut, rd)) = (e, d);
    println!(
        "    in process vs {lib:21}: ours enc {:6.2} dec {:6.2} GB/s, theirs enc {:6.2} dec {:6.2} GB/s, ratio {:.3} => ours/theirs enc {re:.2}x dec {rd:.2}x (medians of per-round ratios)",
        gbs(to), gbs(uo), gbs(tt), gbs(ut), data.len() as f64 / n as f64
    );
}

fn main() {
    let reps: usize = std::env::var("BLOSC_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9);
    let peers: Option<Value> = std::fs::read(dir().join("peers.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let gbs = |n: usize, s: f64| n as f64 / s / 1e9;
    if let Ok(spec) = std::env::var("BLOSC_PROFILE") {
        profile(&spec, reps);
        return;
    }
    let in_process = InProcess::load();
    // BLOSC_BLOCKSIZE (default 0, automatic): ours and in-process c-blosc at another blocksize.
    let blocksize: usize = std::env::var("BLOSC_BLOCKSIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for (name, data) in arrays() {
        let mut dst = vec![0u8; data.len()];
        let memcpy = gbs(
            data.len(),
            median_secs(reps, || dst.copy_from_slice(black_box(&data))),
        );
        println!("{name}: memcpy {memcpy:.2} GB/s");
        // The shuffle kernels on the whole array (blosc runs them per block): while they are
        // the scalar reference, they bound every shuffled figure below.
        let ks = gbs(
            data.len(),
            median_secs(reps, || {
                chunkcodec::kernels::shuffle::shuffle(4, black_box(&data), &mut dst)
            }),
        );
        let ku = gbs(
            data.len(),
            median_secs(reps, || {
                chunkcodec::kernels::shuffle::unshuffle(4, black_box(&data), &mut dst)
            }),
        );
        println!("  kernel shuffle ts4 {ks:.2} GB/s, unshuffle ts4 {ku:.2} GB/s");
        let peer = |key: &str, field: &str| peers.as_ref()?["arrays"][name][key][field].as_f64();
        for (cname, shuffle, threads_list) in [
            (Cname::Lz4, Blosc::SHUFFLE, &[1usize, 2][..]),
            (Cname::Lz4, Blosc::NOSHUFFLE, &[1][..]),
            (Cname::BloscLz, Blosc::SHUFFLE, &[1][..]),
            (Cname::Zstd, Blosc::SHUFFLE, &[1][..]),
        ] {
            let codec = Blosc::new(cname, 5, shuffle, blocksize).unwrap();
            for &threads in threads_list {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let r = if cname == Cname::Zstd {
                    reps.div_ceil(3).max(3)
                } else {
                    reps
                };
                let enc = pool.install(|| codec.encode(&data, DType::I4).unwrap());
                let te = median_secs(r, || {
                    black_box(pool.install(|| codec.encode(black_box(&data), DType::I4).unwrap()));
                });
                let mut out = vec![0u8; data.len()];
                let td = median_secs(r, || {
                    pool.install(|| codec.decode_into(black_box(&enc), &mut out).unwrap());
                });
                assert_eq!(out, data);
                let (e, d) = (gbs(data.len(), te), gbs(data.len(), td));
                let ratio = data.len() as f64 / enc.len() as f64;
                println!(
                    "  ours {:7} sh{shuffle} t{threads}: enc {e:6.2} GB/s  dec {d:6.2} GB/s  ratio {ratio:.3}  ({:.2} / {:.2} of memcpy)",
                    cname.name(),
                    e / memcpy,
                    d / memcpy
                );
                if shuffle != Blosc::NOSHUFFLE {
                    compare_in_process(
                        &in_process,
                        r,
                        &pool,
                        &codec,
                        (cname, blocksize),
                        threads,
                        &data,
                        &enc,
                    );
                }
                let lib_keys: Vec<String> = if shuffle == Blosc::NOSHUFFLE {
                    vec![]
                } else if cname == Cname::Lz4 {
                    vec![
                        format!("c-blosc lz4 t{threads}"),
                        format!("c-blosc2 lz4 t{threads}"),
                    ]
                } else {
                    vec![format!("c-blosc {} t1", cname.name())]
                };
                for key in lib_keys {
                    if let (Some(pe), Some(pd), Some(pr)) = (
                        peer(&key, "enc_gbs"),
                        peer(&key, "dec_gbs"),
                        peer(&key, "ratio"),
                    ) {
                        println!(
                            "    vs {key:17}: enc {pe:6.2} GB/s  dec {pd:6.2} GB/s  ratio {pr:.3}  => ours/theirs enc {:.2}x  dec {:.2}x  ratio {:+.2}%",
                            e / pe,
                            d / pd,
                            (ratio / pr - 1.0) * 100.0
                        );
                    }
                }
            }
        }
    }
}

/// `BLOSC_PROFILE=ARRAY,CNAME,enc|dec` (e.g. `i32_counter,lz4,dec`): runs only that operation
/// `BLOSC_BENCH_REPS` times on one thread, for `valgrind --tool=callgrind` instruction counts
/// (`BLOSC_THREADS`, `BLOSC_BLOCKSIZE` and `BLOSC_TYPESIZE` change the setup, see below).
fn profile(spec: &str, reps: usize) {
    let parts: Vec<&str> = spec.split(',').collect();
    let [array, cname, op] = parts[..] else {
        panic!("BLOSC_PROFILE=ARRAY,CNAME,enc|dec");
    };
    let data = arrays()
        .into_iter()
        .find(|(n, _)| *n == array)
        .expect("array name: f32_signal or i32_counter")
        .1;
    let cname = Cname::from_name(cname).expect("cname");
    // BLOSC_BLOCKSIZE (default 0, automatic) and BLOSC_THREADS (default 1) for experiments.
    let env_num = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    // BLOSC_TYPESIZE (default: the dtype's 4) writes the frame for another element size, as
    // numcodecs' `typesize` argument does: a way to time odd typesizes on the same bytes.
    let mut config = serde_json::json!({
        "id": "blosc", "cname": cname.name(), "clevel": 5, "shuffle": Blosc::SHUFFLE,
        "blocksize": env_num("BLOSC_BLOCKSIZE", 0),
    });
    if let Some(t) = std::env::var("BLOSC_TYPESIZE")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        config["typesize"] = t.into();
    }
    let codec = Blosc::from_config(&config).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(env_num("BLOSC_THREADS", 1))
        .build()
        .unwrap();
    let enc = pool.install(|| codec.encode(&data, DType::I4).unwrap());
    let mut out = vec![0u8; data.len()];
    let secs = median_secs(reps, || match op {
        "enc" => {
            black_box(pool.install(|| codec.encode(black_box(&data), DType::I4).unwrap()));
        }
        _ => pool.install(|| codec.decode_into(black_box(&enc), &mut out).unwrap()),
    });
    println!(
        "{array} {} {op}: ratio {:.4}, median {:.2} GB/s",
        cname.name(),
        data.len() as f64 / enc.len() as f64,
        data.len() as f64 / secs / 1e9
    );
}
