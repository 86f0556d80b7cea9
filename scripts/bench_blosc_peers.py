#!/usr/bin/env python3
"""Times the C Blosc libraries on the arrays benches/blosc.rs uses, and writes both.

  numcodecs 0.16.6 Blosc (c-blosc 1.21): 1 thread = blosc.use_threads False (ctx path);
      2 threads = use_threads True + blosc.set_nthreads(2).
  python-blosc2 4.14.1 (c-blosc2): blosc2.compress2/decompress2 with nthreads 1 and 2.

Writes target/blosc-bench/{f32_signal,i32_counter}.bin (8 MiB each; the bench reads them so
both sides see the same bytes) and target/blosc-bench/peers.json (median GB/s and ratios),
which `cargo bench --bench blosc` prints its ratios against.

Usage: .venv/bin/python scripts/bench_blosc_peers.py [--reps N]
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import blosc2
import numcodecs
import numpy as np
from numcodecs import Blosc, blosc

OUT = Path(__file__).resolve().parent.parent / "target" / "blosc-bench"
N = 8 * 1024 * 1024


def arrays():
    rng = np.random.default_rng(42)
    t = np.arange(N // 4)
    f32 = (280 + 15 * np.sin(t / 1000.0) + 3 * np.cos(5.1 * t / 1000.0)
           + rng.normal(0, 0.05, t.size)).astype("<f4")
    i32 = np.cumsum(rng.poisson(3, N // 4)).astype("<i4")
    return {"f32_signal": f32, "i32_counter": i32}


def median_time(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def gbs(nbytes, secs):
    return nbytes / secs / 1e9


def time_numcodecs(arr, cname, threads, reps):
    blosc.use_threads = threads > 1
    blosc.set_nthreads(threads)
    c = Blosc(cname, 5, Blosc.SHUFFLE)
    enc = c.encode(arr)
    out = np.empty_like(arr)
    te = median_time(lambda: c.encode(arr), reps)
    td = median_time(lambda: c.decode(enc, out=out), reps)
    return {"enc_gbs": gbs(arr.nbytes, te), "dec_gbs": gbs(arr.nbytes, td),
            "ratio": arr.nbytes / len(enc)}


def time_blosc2(arr, cname, threads, reps):
    codec = {"lz4": blosc2.Codec.LZ4, "blosclz": blosc2.Codec.BLOSCLZ,
             "zstd": blosc2.Codec.ZSTD}[cname]
    cp = {"codec": codec, "clevel": 5, "filters": [blosc2.Filter.SHUFFLE],
          "typesize": arr.itemsize, "nthreads": threads}
    dp = {"nthreads": threads}
    src = arr.tobytes()
    enc = blosc2.compress2(src, **cp)
    te = median_time(lambda: blosc2.compress2(src, **cp), reps)
    td = median_time(lambda: blosc2.decompress2(enc, **dp), reps)
    return {"enc_gbs": gbs(arr.nbytes, te), "dec_gbs": gbs(arr.nbytes, td),
            "ratio": arr.nbytes / len(enc)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"numcodecs": numcodecs.__version__, "blosc2": blosc2.__version__,
               "c_blosc": blosc.VERSION_STRING, "arrays": {}}
    for name, arr in arrays().items():
        (OUT / f"{name}.bin").write_bytes(arr.tobytes())
        r = {}
        for threads in (1, 2):
            r[f"c-blosc lz4 t{threads}"] = time_numcodecs(arr, "lz4", threads, args.reps)
            r[f"c-blosc2 lz4 t{threads}"] = time_blosc2(arr, "lz4", threads, args.reps)
        for cname in ("blosclz", "zstd"):
            r[f"c-blosc {cname} t1"] = time_numcodecs(arr, cname, 1, max(3, args.reps // 3))
        results["arrays"][name] = r
        for k, v in r.items():
            print(f"{name:12} {k:22} enc {v['enc_gbs']:6.2f} GB/s  dec {v['dec_gbs']:6.2f} GB/s"
                  f"  ratio {v['ratio']:.3f}")
    (OUT / "peers.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {OUT / 'peers.json'}")


if __name__ == "__main__":
    main()
