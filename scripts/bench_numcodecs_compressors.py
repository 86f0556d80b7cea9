#!/usr/bin/env python3
"""numcodecs' LZ4(1), Zstd(3) and Zlib(1) timed on the same 8 MiB arrays as benches/compressors.rs,
then ours/numcodecs speed ratios from criterion's medians.

  1. writes target/bench-data/{f32_signal,i32_counter}.bin (numpy; the bench reads them);
  2. times numcodecs (median of --repeat timeit repeats, each >= ~0.2 s) for encode, decode
     and decode into a preallocated out, plus a memcpy (np.copyto) baseline;
  3. with --run-bench, runs `cargo bench --bench compressors` for each (codec, array) pair
     between two numcodecs timings of that pair (averaged), so both see about the same load;
  4. prints GB/s for both and ours/numcodecs (> 1 means we are faster), reading
     target/criterion/<codec>_<op>/<array>/new/estimates.json.

Run with the pinned venv: scripts/bench_numcodecs_compressors.py (re-execs itself in .venv).
"""

import argparse
import json
import os
import subprocess
import sys
import timeit
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
N = 8 << 20

if "numcodecs" not in sys.modules and not os.environ.get("CHUNKCODEC_IN_VENV"):
    py = subprocess.run([str(HERE / "setup_venv.sh")], capture_output=True, text=True, check=True).stdout.split()[-1]
    os.environ["CHUNKCODEC_IN_VENV"] = "1"
    os.execv(py, [py, __file__] + sys.argv[1:])

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402


def arrays():
    rng = np.random.default_rng(42)
    n = N // 4
    t = np.linspace(0, 200, n)
    sig = (280 + 15 * np.sin(t) + 3 * np.cos(5.1 * t) + rng.normal(0, 0.05, n)).astype("<f4")
    cnt = np.cumsum(rng.poisson(3, n)).astype("<i4")
    return {"f32_signal": sig, "i32_counter": cnt}


def median_time(fn, repeat):
    t = timeit.Timer(fn)
    number, _ = t.autorange()  # >= 0.2 s per repeat
    times = sorted(x / number for x in t.repeat(repeat=repeat, number=number))
    return times[len(times) // 2]


def criterion_median(group, name):
    p = ROOT / "target" / "criterion" / group / name / "new" / "estimates.json"
    try:
        return json.loads(p.read_text())["median"]["point_estimate"] * 1e-9
    except (OSError, KeyError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-bench", action="store_true",
                    help="run our criterion bench for each pair between two numcodecs timings")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    data = arrays()
    out_dir = ROOT / "target" / "bench-data"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, arr in data.items():
        (out_dir / f"{name}.bin").write_bytes(arr.tobytes())
    if args.run_bench:  # build once, quietly
        subprocess.run(["cargo", "bench", "--quiet", "--bench", "compressors", "--no-run"], cwd=ROOT, check=True)

    def run_ours(only, bench_filter):
        if args.run_bench:
            env = dict(os.environ, CHUNKCODEC_BENCH_ONLY=only)
            subprocess.run(["cargo", "bench", "--quiet", "--bench", "compressors", "--", bench_filter],
                           cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL)

    def interleaved(ops, only, bench_filter):
        # numcodecs before and after ours, averaged: both sides see about the same load.
        before = {op: median_time(fn, args.repeat) for op, fn in ops}
        run_ours(only, bench_filter)
        after = {op: median_time(fn, args.repeat) for op, fn in ops}
        return {op: (before[op] + after[op]) / 2 for op, _ in ops}

    codecs = {
        "lz4": numcodecs.LZ4(acceleration=1),
        "zstd": numcodecs.Zstd(level=3),
        "zlib": numcodecs.Zlib(level=1),
    }
    rows = []
    for name, arr in data.items():
        dst = np.empty_like(arr)
        t = interleaved([("copy", lambda: np.copyto(dst, arr))], "none", f"^memcpy/{name}$")
        rows.append(("memcpy", name, "copy", t["copy"], criterion_median("memcpy", name), 1.0))
    for cname, codec in codecs.items():
        for name, arr in data.items():
            enc = codec.encode(arr)
            ratio = arr.nbytes / len(enc)
            out = np.empty_like(arr)
            ops = [
                ("encode", lambda: codec.encode(arr)),
                ("decode", lambda: codec.decode(enc)),
                ("decode_into", lambda: codec.decode(enc, out=out)),
            ]
            t = interleaved(ops, f"{cname}:{name}", f"^{cname}_.*/{name}$")
            for op, _ in ops:
                rows.append((cname, name, op, t[op], criterion_median(f"{cname}_{op}", name), ratio))

    gbs = lambda s: N / s / 1e9 if s else float("nan")  # noqa: E731
    print(f"numcodecs {numcodecs.__version__}, 8 MiB arrays, medians of {args.repeat} repeats")
    print(f"{'codec':6} {'array':12} {'op':12} {'numcodecs GB/s':>15} {'ours GB/s':>10} {'ours/nc':>8} {'nc ratio':>9}")
    for cname, name, op, s, ours, ratio in rows:
        speedup = f"{s / ours:8.2f}" if ours else "     n/a"
        print(f"{cname:6} {name:12} {op:12} {gbs(s):15.3f} {gbs(ours):10.3f} {speedup} {ratio:9.3f}")
    print("ours/nc = numcodecs median time / our criterion median time (> 1: we are faster).")
    print("nc ratio = numcodecs' compression ratio; the bench prints ours to stderr.")


if __name__ == "__main__":
    main()
