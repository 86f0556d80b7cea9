//! `chunkcodec bench`: every kernel on every available ISA, as GB/s and as a ratio to memcpy of
//! the same bytes timed in the same run, plus c-blosc2's own filter functions as a peer.
//!
//! Stable contract (scripts depend on it): `--json` prints one JSON list of objects with exactly
//! the keys `kernel`, `isa`, `elementsize`, `bytes`, `gbps`, `memcpy_gbps`, `ratio`. Peer rows
//! use the kernel names `blosc2_shuffle`, `blosc2_unshuffle`, `blosc2_bitshuffle`,
//! `blosc2_bitunshuffle`, with `isa` = the best ISA of this CPU (c-blosc2 picks its own path).
//!
//! Method: per (kernel, element size, bytes, ISA), `trials` trials; each trial times `reps`
//! memcpy calls and then `reps` kernel calls on the same buffers (`reps` calibrated so that a
//! trial takes about `--trial-ms`). Reported GB/s are `bytes / median time per call`, for the
//! kernel and memcpy alike, and `ratio = gbps / memcpy_gbps`.
//!
//! The memcpy baseline is the faster (by median) of glibc's memcpy (`copy_from_slice`) and a
//! 32-byte vector copy loop ([`chunkcodec_kernels::copy::vector_copy`]), both timed in every
//! trial: glibc's `rep movsb` path runs at about 38 or 57 GB/s at 256 KiB on AMD Zen 4
//! depending on the buffers' placement, and an unlucky draw would flatter every ratio.

use crate::error::{Error, Result};
use chunkcodec_kernels::copy::vector_copy;
use chunkcodec_kernels::peer::{Blosc2, Blosc2Filter};
use chunkcodec_kernels::{bitshuffle, delta, fixedscaleoffset as fso, quantize, shuffle, Isa};
use clap::Args;
use std::hint::black_box;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Buffer sizes (bytes; K/M suffixes = KiB/MiB), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "64K,256K,16M", value_parser = parse_size)]
    pub sizes: Vec<usize>,
    /// Kernels to run, comma-separated (default: all). See `--list`.
    #[arg(long, value_delimiter = ',')]
    pub kernels: Vec<String>,
    /// ISAs to run, comma-separated (default: every ISA this CPU has).
    #[arg(long = "isa", value_delimiter = ',')]
    pub isas: Vec<String>,
    /// Element sizes (default: per kernel), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub elementsizes: Vec<usize>,
    /// Quick run: 256 KiB only, fewer element sizes and trials.
    #[arg(long)]
    pub quick: bool,
    /// Trials per measurement (the median is reported).
    #[arg(long)]
    pub trials: Option<usize>,
    /// Target time of one trial, in milliseconds.
    #[arg(long, default_value_t = 1.0)]
    pub trial_ms: f64,
    /// Skip the c-blosc2 peer.
    #[arg(long)]
    pub no_peer: bool,
    /// Print a JSON list instead of the table.
    #[arg(long)]
    pub json: bool,
    /// List the kernels and their default element sizes, then exit.
    #[arg(long)]
    pub list: bool,
}

fn parse_size(s: &str) -> std::result::Result<usize, String> {
    let s = s.trim();
    let (num, mul) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 1024),
        Some('M' | 'm') => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    let n: usize = num.parse().map_err(|_| format!("bad size {s:?}"))?;
    n.checked_mul(mul)
        .filter(|&b| b > 0 && b <= 1 << 30)
        .ok_or_else(|| format!("size {s:?} must be 1 byte to 1 GiB"))
}

/// Offset of the destination past a cache-line boundary of its allocation (see `bench`).
const DST_SKEW: usize = 1024 + 64;

/// Bytes to skip from `addr` to the next 64-byte boundary.
fn line_offset(addr: usize) -> usize {
    (64 - addr % 64) % 64
}

type RunFn = fn(Isa, usize, &[u8], &mut [u8]);

/// One benchmarked kernel: bytes in, bytes out, for an element size.
struct Kernel {
    name: &'static str,
    elementsizes: &'static [usize],
    quick: &'static [usize],
    run: RunFn,
    peer: Option<Blosc2Filter>,
    /// Whether the buffer must be a multiple of 8 elements.
    groups_of_8: bool,
    /// Input data: floats of `elementsize` bytes (else pseudo-random bytes).
    floats: bool,
}

fn bytes_of<T: bytemuck::Pod>(s: &[u8]) -> &[T] {
    bytemuck::cast_slice(s)
}

fn bytes_of_mut<T: bytemuck::Pod>(s: &mut [u8]) -> &mut [T] {
    bytemuck::cast_slice_mut(s)
}

fn run_delta(isa: Isa, es: usize, s: &[u8], d: &mut [u8], enc: bool) {
    macro_rules! go {
        ($t:ty) => {
            if enc {
                delta::encode_with::<$t>(isa, bytes_of(s), bytes_of_mut(d))
            } else {
                delta::decode_with::<$t>(isa, bytes_of(s), bytes_of_mut(d))
            }
        };
    }
    match es {
        1 => go!(i8),
        2 => go!(i16),
        4 => go!(i32),
        _ => go!(i64),
    }
}

fn run_delta_float(isa: Isa, es: usize, s: &[u8], d: &mut [u8], enc: bool) {
    match (es, enc) {
        (4, true) => delta::encode_with::<f32>(isa, bytes_of(s), bytes_of_mut(d)),
        (4, false) => delta::decode_with::<f32>(isa, bytes_of(s), bytes_of_mut(d)),
        (_, true) => delta::encode_with::<f64>(isa, bytes_of(s), bytes_of_mut(d)),
        (_, false) => delta::decode_with::<f64>(isa, bytes_of(s), bytes_of_mut(d)),
    }
}

/// The add-latency bound of `delta_decode_float`: the same floats summed in order, one
/// dependent add per element as in numpy's `cumsum`, without the stores (the ISA is
/// irrelevant: an ordered float sum does not vectorize).
fn run_add_chain(_isa: Isa, es: usize, s: &[u8], d: &mut [u8]) {
    if es == 4 {
        let acc = bytes_of::<f32>(s).iter().fold(0f32, |a, &x| a + x);
        d[..4].copy_from_slice(&acc.to_le_bytes());
    } else {
        let acc = bytes_of::<f64>(s).iter().fold(0f64, |a, &x| a + x);
        d[..8].copy_from_slice(&acc.to_le_bytes());
    }
}

/// FSO encode: f64 (es 8) or f32 (es 4) around 1000 -> i16 with offset 1000, scale 10.
fn run_fso_encode(isa: Isa, es: usize, s: &[u8], d: &mut [u8]) {
    let n = s.len() / es;
    let out: &mut [i16] = bytes_of_mut(&mut d[..2 * n]);
    if es == 4 {
        fso::encode_f32_with(isa, bytes_of::<f32>(s), 1000.0, 10.0, out)
    } else {
        fso::encode_f64_with(isa, bytes_of::<f64>(s), 1000.0, 10.0, out)
    }
}

/// FSO decode: i16 -> f64 (es 8) or f32 (es 4); `bytes` counts the float side.
fn run_fso_decode(isa: Isa, es: usize, s: &[u8], d: &mut [u8]) {
    fso_decode(isa, es, s, d, None)
}

/// [`run_fso_decode`] through the division-free path the `fixedscaleoffset` codec takes when
/// `exact_reciprocal` says it is exact (checked code by code for 1- and 2-byte codes, proven for
/// integral scales of wider ones; scale 10 with i16 codes is).
fn run_fso_decode_recip(isa: Isa, es: usize, s: &[u8], d: &mut [u8]) {
    static RECIP: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    let recip = *RECIP.get_or_init(|| {
        fso::exact_reciprocal::<i16>(10.0).expect("scale 10 has an exact reciprocal for i16")
    });
    fso_decode(isa, es, s, d, Some(recip))
}

/// FSO decode of the i16 codes at the start of `s` (offset 1000, scale 10), dividing or,
/// with `recip`, through the division-free path.
fn fso_decode(isa: Isa, es: usize, s: &[u8], d: &mut [u8], recip: Option<f64>) {
    let n = s.len() / es;
    let enc: &[i16] = bytes_of(&s[..2 * n]);
    match (es, recip) {
        (4, None) => fso::decode_to_f32_with(isa, enc, 1000.0, 10.0, bytes_of_mut(d)),
        (4, Some(r)) => fso::decode_to_f32_recip_with(isa, enc, 1000.0, 10.0, r, bytes_of_mut(d)),
        (_, None) => fso::decode_f64_with(isa, enc, 1000.0, 10.0, bytes_of_mut(d)),
        (_, Some(r)) => fso::decode_f64_recip_with(isa, enc, 1000.0, 10.0, r, bytes_of_mut(d)),
    }
}

fn run_quantize(isa: Isa, es: usize, s: &[u8], d: &mut [u8]) {
    if es == 4 {
        quantize::quantize_f32_with(isa, bytes_of(s), 1024.0, bytes_of_mut(d))
    } else {
        quantize::quantize_f64_with(isa, bytes_of(s), 1024.0, bytes_of_mut(d))
    }
}

fn run_bitround(isa: Isa, es: usize, s: &[u8], d: &mut [u8]) {
    match es {
        2 => quantize::bitround_with::<u16>(isa, 5, bytes_of(s), bytes_of_mut(d)),
        4 => quantize::bitround_with::<u32>(isa, 10, bytes_of(s), bytes_of_mut(d)),
        _ => quantize::bitround_with::<u64>(isa, 20, bytes_of(s), bytes_of_mut(d)),
    }
}

/// `unshuffle_planes` on the planes `unshuffle` reads (plane `j` at `src[j * n..]`, one
/// pointer per plane instead of a stride); the trailing `len % es` bytes are copied as
/// `unshuffle` does.
fn run_unshuffle_planes(isa: Isa, es: usize, s: &[u8], d: &mut [u8]) {
    let es = es.max(1);
    let n = s.len() / es;
    let body = n * es;
    // A stack array up to 64 planes, so that the timing has no allocation in it.
    let mut small: [&[u8]; 64] = [&[]; 64];
    let heap: Vec<&[u8]>;
    let planes: &[&[u8]] = if es <= small.len() {
        for (j, p) in small.iter_mut().take(es).enumerate() {
            *p = &s[j * n..(j + 1) * n];
        }
        &small[..es]
    } else {
        heap = (0..es).map(|j| &s[j * n..(j + 1) * n]).collect();
        &heap
    };
    shuffle::unshuffle_planes_with(isa, planes, &mut d[..body]);
    d[body..].copy_from_slice(&s[body..]);
}

fn kernels() -> Vec<Kernel> {
    const SHUF: &[usize] = &[2, 3, 4, 5, 6, 7, 8, 12, 16, 24, 32];
    const SHUF_Q: &[usize] = &[2, 3, 4, 8, 16, 24];
    const BIT: &[usize] = &[1, 2, 4, 8, 16];
    const BIT_Q: &[usize] = &[4, 8];
    const INT: &[usize] = &[1, 2, 4, 8];
    const INT_Q: &[usize] = &[1, 2, 4, 8];
    const FLT: &[usize] = &[4, 8];
    const FLT16: &[usize] = &[2, 4, 8];
    let k = |name, elementsizes, quick, run: RunFn, floats| Kernel {
        name,
        elementsizes,
        quick,
        run,
        peer: None,
        groups_of_8: false,
        floats,
    };
    let mut v = vec![
        Kernel {
            name: "shuffle",
            elementsizes: SHUF,
            quick: SHUF_Q,
            run: shuffle::shuffle_with,
            peer: Some(Blosc2Filter::Shuffle),
            groups_of_8: false,
            floats: false,
        },
        Kernel {
            name: "unshuffle",
            elementsizes: SHUF,
            quick: SHUF_Q,
            run: shuffle::unshuffle_with,
            peer: Some(Blosc2Filter::Unshuffle),
            groups_of_8: false,
            floats: false,
        },
        Kernel {
            name: "unshuffle_planes",
            elementsizes: SHUF,
            quick: SHUF_Q,
            run: run_unshuffle_planes,
            peer: None,
            groups_of_8: false,
            floats: false,
        },
        Kernel {
            name: "bitshuffle",
            elementsizes: BIT,
            quick: BIT_Q,
            run: bitshuffle::bitshuffle_with,
            peer: Some(Blosc2Filter::Bitshuffle),
            groups_of_8: true,
            floats: false,
        },
        Kernel {
            name: "bitunshuffle",
            elementsizes: BIT,
            quick: BIT_Q,
            run: bitshuffle::bitunshuffle_with,
            peer: Some(Blosc2Filter::Bitunshuffle),
            groups_of_8: true,
            floats: false,
        },
    ];
    v.extend([
        k(
            "delta_encode",
            INT,
            INT_Q,
            |i, e, s, d| run_delta(i, e, s, d, true),
            false,
        ),
        k(
            "delta_decode",
            INT,
            INT_Q,
            |i, e, s, d| run_delta(i, e, s, d, false),
            false,
        ),
        k(
            "delta_encode_float",
            FLT,
            FLT,
            |i, e, s, d| run_delta_float(i, e, s, d, true),
            true,
        ),
        k(
            "delta_decode_float",
            FLT,
            FLT,
            |i, e, s, d| run_delta_float(i, e, s, d, false),
            true,
        ),
        k("float_add_chain", FLT, FLT, run_add_chain, true),
        k("fixedscaleoffset_encode", FLT, FLT, run_fso_encode, true),
        k("fixedscaleoffset_decode", FLT, FLT, run_fso_decode, false),
        k(
            "fixedscaleoffset_decode_recip",
            FLT,
            FLT,
            run_fso_decode_recip,
            false,
        ),
        k("quantize_encode", FLT, FLT, run_quantize, true),
        k("bitround_encode", FLT16, FLT, run_bitround, true),
    ]);
    v
}

/// One output row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub kernel: String,
    pub isa: String,
    pub elementsize: usize,
    pub bytes: usize,
    pub gbps: f64,
    pub memcpy_gbps: f64,
    pub ratio: f64,
}

struct Timer {
    trials: usize,
    trial_s: f64,
}

impl Timer {
    /// Median seconds per call of `f` and of the faster copy baseline (glibc memcpy or the vector
    /// copy loop) over the same buffers, measured alternately.
    fn measure(
        &self,
        src: &[u8],
        dst: &mut [u8],
        mut f: impl FnMut(&[u8], &mut [u8]),
    ) -> (f64, f64) {
        f(src, dst);
        // Calibrate on the kernel (the slower of the two).
        let t0 = Instant::now();
        f(black_box(src), black_box(&mut *dst));
        let one = t0.elapsed().as_secs_f64().max(1e-9);
        let reps = ((self.trial_s / one) as usize).clamp(1, 100_000);
        let mut tk = Vec::with_capacity(self.trials);
        let mut tm = Vec::with_capacity(self.trials);
        let mut tv = Vec::with_capacity(self.trials);
        for _ in 0..self.trials {
            let t = Instant::now();
            for _ in 0..reps {
                black_box(&mut *dst).copy_from_slice(black_box(src));
            }
            tm.push(t.elapsed().as_secs_f64() / reps as f64);
            let t = Instant::now();
            for _ in 0..reps {
                vector_copy(black_box(src), black_box(&mut *dst));
            }
            tv.push(t.elapsed().as_secs_f64() / reps as f64);
            let t = Instant::now();
            for _ in 0..reps {
                f(black_box(src), black_box(&mut *dst));
            }
            tk.push(t.elapsed().as_secs_f64() / reps as f64);
        }
        let tm = median(&mut tm).min(median(&mut tv));
        (median(&mut tk), tm)
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Deterministic pseudo-random bytes (the byte kernels' speed does not depend on the data).
fn data(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Fills `buf` with the benchmark input: pseudo-random bytes, or smooth floats around 1000
/// (`es` = 4: f32, 2 or 8: the bytes of f64s / halves of them).
fn fill(buf: &mut [u8], floats: bool, es: usize) {
    if !floats {
        buf.copy_from_slice(&data(buf.len()));
        return;
    }
    let val = |i: usize| 1000.0 + 50.0 * (i as f64 * 0.001).sin() + (i % 7) as f64 * 0.01;
    if es == 4 {
        for (i, c) in buf.chunks_exact_mut(4).enumerate() {
            c.copy_from_slice(&(val(i) as f32).to_le_bytes());
        }
    } else {
        for (i, c) in buf.chunks_exact_mut(8).enumerate() {
            c.copy_from_slice(&val(i).to_le_bytes());
        }
    }
}

/// `chunkcodec bench`.
pub fn bench(args: &BenchArgs) -> Result<()> {
    let all = kernels();
    if args.list {
        for k in &all {
            println!("{} (element sizes {:?})", k.name, k.elementsizes);
        }
        return Ok(());
    }
    let bad = |m: String| Error::invalid_input("bench", m);
    for name in &args.kernels {
        if !all.iter().any(|k| k.name == name) {
            let known: Vec<_> = all.iter().map(|k| k.name).collect();
            return Err(bad(format!(
                "unknown kernel {name:?} (known: {})",
                known.join(", ")
            )));
        }
    }
    let isas: Vec<Isa> = if args.isas.is_empty() {
        Isa::available()
    } else {
        let mut v = Vec::new();
        for s in &args.isas {
            let isa = Isa::parse(s).ok_or_else(|| bad(format!("unknown ISA {s:?}")))?;
            if !isa.is_available() {
                return Err(bad(format!("ISA {isa} is not available on this CPU")));
            }
            v.push(isa);
        }
        v
    };
    let sizes: Vec<usize> = if args.quick && args.sizes == [65536, 262144, 16 << 20] {
        vec![256 * 1024]
    } else {
        args.sizes.clone()
    };
    let timer = Timer {
        trials: args
            .trials
            .unwrap_or(if args.quick { 5 } else { 11 })
            .max(1),
        trial_s: args.trial_ms.max(0.01) / 1000.0 * if args.quick { 0.5 } else { 1.0 },
    };
    let peer = if args.no_peer {
        Err("disabled by --no-peer".to_string())
    } else {
        Blosc2::find()
    };
    if !args.json {
        match &peer {
            Ok(b) => println!(
                "peer: c-blosc2 {} from {} (its exported blosc2_shuffle / blosc2_unshuffle / blosc2_bitshuffle / blosc2_bitunshuffle on the same buffers)",
                b.version(),
                b.path().display()
            ),
            Err(e) => println!("peer: c-blosc2 skipped: {e}"),
        }
        println!(
            "single thread; median of {} trials of ~{:.2} ms; memcpy = the faster of glibc memcpy and a vector copy loop on the same bytes, both timed in each trial",
            timer.trials,
            timer.trial_s * 1e3
        );
        if peer.is_ok() {
            println!(
                "ours/c2 = our ratio to memcpy / c-blosc2's ratio to memcpy (each against the memcpy of its own trials)"
            );
        }
        println!(
            "{:<29} {:<8} {:>4} {:>9} {:>8} {:>8} {:>6} {:>9} {:>8}",
            "kernel", "isa", "es", "bytes", "GB/s", "memcpy", "ratio", "c-blosc2", "ours/c2"
        );
    }
    let mut rows = Vec::new();
    for k in all
        .iter()
        .filter(|k| args.kernels.is_empty() || args.kernels.iter().any(|n| n == k.name))
    {
        let ess: Vec<usize> = if !args.elementsizes.is_empty() {
            // Byte kernels take any element size; typed kernels only their own.
            let any = k.peer.is_some();
            args.elementsizes
                .iter()
                .copied()
                .filter(|e| any || k.elementsizes.contains(e))
                .collect()
        } else if args.quick {
            k.quick.to_vec()
        } else {
            k.elementsizes.to_vec()
        };
        for &es in &ess {
            if es == 0 {
                return Err(bad("element size 0".into()));
            }
            for &size in &sizes {
                let unit = if k.groups_of_8 { 8 * es } else { es };
                let bytes = size / unit * unit;
                if bytes == 0 {
                    continue;
                }
                // Both buffers start on a 64-byte (cache line) boundary, as array allocators
                // give; dst sits 1 KiB + 64 B further into its page than src, so src and dst
                // do not share their address bits mod 4 KiB (large buffers are page-aligned
                // mmaps; equal low bits make every store alias the next loads: "4K aliasing").
                let mut src_buf = vec![0u64; bytes.div_ceil(8) + 8];
                let mut dst_buf = vec![0u64; bytes.div_ceil(8) + 8 + DST_SKEW / 8];
                let src_all: &mut [u8] = bytemuck::cast_slice_mut(&mut src_buf);
                let src_off = line_offset(src_all.as_ptr() as usize);
                let src_all = &mut src_all[src_off..][..bytes];
                fill(src_all, k.floats, es);
                let src = &*src_all;
                let dst_all: &mut [u8] = bytemuck::cast_slice_mut(&mut dst_buf);
                let dst_off = line_offset(dst_all.as_ptr() as usize) + DST_SKEW;
                let dst = &mut dst_all[dst_off..][..bytes];
                // The c-blosc2 peer on the same buffers, once per (kernel, es, bytes).
                let peer_row = match (&peer, k.peer) {
                    (Ok(b), Some(f)) if (2..=255).contains(&es) && bytes <= i32::MAX as usize => {
                        b.run(f, es, src, dst).map_err(bad)?;
                        let (t, tm) = timer.measure(src, dst, |s, d| {
                            let _ = b.run(f, es, s, d);
                        });
                        Some(row(
                            &format!("blosc2_{}", k.name),
                            Isa::detected(),
                            es,
                            bytes,
                            t,
                            tm,
                        ))
                    }
                    _ => None,
                };
                for &isa in &isas {
                    let (t, tm) = timer.measure(src, dst, |s, d| (k.run)(isa, es, s, d));
                    let r = row(k.name, isa, es, bytes, t, tm);
                    if !args.json {
                        let (pg, pr) = match &peer_row {
                            Some(p) => {
                                // Each side over the memcpy timed in its own trials: the
                                // two are measured one after the other, and dividing by
                                // memcpy takes out a slow or fast phase of the machine
                                // that falls on one of them.
                                (
                                    format!("{:.2}", p.gbps),
                                    format!("{:.2}", r.ratio / p.ratio),
                                )
                            }
                            None => ("-".into(), "-".into()),
                        };
                        println!(
                            "{:<29} {:<8} {:>4} {:>9} {:>8.2} {:>8.2} {:>6.2} {:>9} {:>8}",
                            r.kernel, r.isa, es, bytes, r.gbps, r.memcpy_gbps, r.ratio, pg, pr
                        );
                    }
                    rows.push(r);
                }
                if let Some(p) = peer_row {
                    if !args.json {
                        println!(
                            "{:<29} {:<8} {:>4} {:>9} {:>8.2} {:>8.2} {:>6.2}",
                            p.kernel, "c-blosc2", es, bytes, p.gbps, p.memcpy_gbps, p.ratio
                        );
                    }
                    rows.push(p);
                }
            }
        }
    }
    if args.json {
        let text = serde_json::to_string_pretty(&rows)
            .map_err(|e| bad(format!("serialising the results: {e}")))?;
        println!("{text}");
    }
    Ok(())
}

fn row(kernel: &str, isa: Isa, es: usize, bytes: usize, t: f64, tm: f64) -> Row {
    let gbps = bytes as f64 / t / 1e9;
    let memcpy_gbps = bytes as f64 / tm / 1e9;
    Row {
        kernel: kernel.to_string(),
        isa: isa.name().to_string(),
        elementsize: es,
        bytes,
        gbps,
        memcpy_gbps,
        ratio: gbps / memcpy_gbps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("0").is_err());
        assert!(parse_size("x").is_err());
    }

    #[test]
    fn every_kernel_runs_on_every_isa_and_rows_have_the_contract_keys() {
        for k in kernels() {
            for isa in Isa::available() {
                for &es in k.elementsizes {
                    let n = 8 * es * 10;
                    let mut src = vec![0u64; n / 8];
                    let mut dst = vec![0u64; n / 8];
                    fill(bytemuck::cast_slice_mut(&mut src), k.floats, es);
                    (k.run)(
                        isa,
                        es,
                        bytemuck::cast_slice(&src),
                        bytemuck::cast_slice_mut(&mut dst),
                    );
                }
            }
        }
        let r = row("shuffle", Isa::Scalar, 4, 1024, 1e-6, 5e-7);
        let v = serde_json::to_value(vec![r]).unwrap();
        let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "kernel",
                "isa",
                "elementsize",
                "bytes",
                "gbps",
                "memcpy_gbps",
                "ratio"
            ]
        );
        assert!((v[0]["ratio"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    }
}
