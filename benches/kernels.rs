//! Criterion benches of every kernel and memcpy on the same buffers at 64 KiB, 256 KiB and
//! 16 MiB, on the active ISA (`CHUNKCODEC_ISA=scalar|sse2|avx2|avx512` picks another one).
//!
//! `cargo bench --bench kernels -- --warm-up-time 1 --measurement-time 2` (compare each
//! kernel's throughput with `memcpy` in the same group). `chunkcodec bench` prints the same
//! comparison as ratios in one table.

use chunkcodec::kernels::{bitshuffle, delta, fixedscaleoffset as fso, quantize, shuffle, Isa};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

const SIZES: [usize; 3] = [64 << 10, 256 << 10, 16 << 20];

fn bytes(len: usize) -> Vec<u64> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len.div_ceil(8))
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Smooth f64 values around 1000 in the even words, noise in the odd ones.
            if i % 2 == 0 {
                (1000.0 + (i as f64 * 0.001).sin()).to_bits()
            } else {
                x
            }
        })
        .collect()
}

fn floats64(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 1000.0 + 50.0 * (i as f64 * 0.001).sin())
        .collect()
}

fn kernels(c: &mut Criterion) {
    let isa = Isa::active();
    for &size in &SIZES {
        let mut g = c.benchmark_group(format!("kernels/{isa}/{}KiB", size >> 10));
        g.throughput(Throughput::Bytes(size as u64));
        if size > 1 << 20 {
            g.sample_size(10);
        }
        let src_w = bytes(size);
        let mut dst_w = vec![0u64; size / 8 + 136];
        let src: &[u8] = bytemuck::cast_slice(&src_w);
        // dst skewed by 1 KiB + 64 B (no 4K aliasing with src).
        let dst: &mut [u8] = &mut bytemuck::cast_slice_mut(&mut dst_w)[1088..][..size];
        g.bench_function("memcpy", |b| {
            b.iter(|| black_box(&mut *dst).copy_from_slice(black_box(src)))
        });
        for es in [2usize, 3, 4, 8, 16, 24] {
            let n = size / es * es;
            g.bench_function(BenchmarkId::new("shuffle", es), |b| {
                b.iter(|| shuffle::shuffle(es, black_box(&src[..n]), &mut dst[..n]))
            });
            g.bench_function(BenchmarkId::new("unshuffle", es), |b| {
                b.iter(|| shuffle::unshuffle(es, black_box(&src[..n]), &mut dst[..n]))
            });
        }
        for es in [1usize, 2, 4, 8] {
            g.bench_function(BenchmarkId::new("bitshuffle", es), |b| {
                b.iter(|| bitshuffle::bitshuffle(es, black_box(src), dst))
            });
            g.bench_function(BenchmarkId::new("bitunshuffle", es), |b| {
                b.iter(|| bitshuffle::bitunshuffle(es, black_box(src), dst))
            });
        }
        let s32: &[i32] = bytemuck::cast_slice(src);
        let d32: &mut [i32] = bytemuck::cast_slice_mut(&mut dst_w[136..][..size / 8]);
        g.bench_function(BenchmarkId::new("delta_encode", 4), |b| {
            b.iter(|| delta::encode(black_box(s32), &mut *d32))
        });
        g.bench_function(BenchmarkId::new("delta_decode", 4), |b| {
            b.iter(|| delta::decode(black_box(s32), &mut *d32))
        });
        let s64: &[i64] = bytemuck::cast_slice(src);
        let d64: &mut [i64] = bytemuck::cast_slice_mut(&mut dst_w[136..][..size / 8]);
        g.bench_function(BenchmarkId::new("delta_decode", 8), |b| {
            b.iter(|| delta::decode(black_box(s64), &mut *d64))
        });
        let f = floats64(size / 8);
        let df: &mut [f64] = bytemuck::cast_slice_mut(&mut dst_w[136..][..size / 8]);
        g.bench_function(BenchmarkId::new("delta_decode_float", 8), |b| {
            b.iter(|| delta::decode(black_box(&f[..]), &mut *df))
        });
        g.bench_function(BenchmarkId::new("quantize_encode", 8), |b| {
            b.iter(|| quantize::quantize_f64(black_box(&f[..]), 1024.0, &mut *df))
        });
        let fb: &[u64] = bytemuck::cast_slice(&f);
        let db: &mut [u64] = &mut dst_w[136..][..size / 8];
        g.bench_function(BenchmarkId::new("bitround_encode", 8), |b| {
            b.iter(|| quantize::bitround(20, black_box(fb), &mut *db))
        });
        let mut enc = vec![0i16; size / 8];
        g.bench_function(BenchmarkId::new("fixedscaleoffset_encode", 8), |b| {
            b.iter(|| fso::encode_f64(black_box(&f[..]), 1000.0, 10.0, &mut enc))
        });
        let df: &mut [f64] = bytemuck::cast_slice_mut(&mut dst_w[136..][..size / 8]);
        g.bench_function(BenchmarkId::new("fixedscaleoffset_decode", 8), |b| {
            b.iter(|| fso::decode_f64(black_box(&enc[..]), 1000.0, 10.0, &mut *df))
        });
        g.finish();
    }
}

criterion_group!(benches, kernels);
criterion_main!(benches);
