#!/usr/bin/env python3
"""Times numcodecs on the bytes benches/filters.rs wrote (target/bench-data/) and prints, for
each case, ours/numcodecs (speedup: numcodecs median time / our median time), ours/memcpy, and
the ceiling: numcodecs time / memcpy time of the same 8 MiB (memcpy: the faster of glibc's
memcpy and a plain vector copy, both timed by the bench), i.e. the speed-up a kernel moving
its bytes at memcpy speed would get (a goal above the ceiling cannot be met on this machine).

Run right after `cargo bench --bench filters` in the same session:
  .venv/bin/python scripts/bench_numcodecs_filters.py [--repeat 7]
Single thread: numcodecs' filters and checksums here are single-threaded numpy/zlib code.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import numcodecs
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "target" / "bench-data"


def median_ns(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    ours = json.loads((DATA / "medians.json").read_text())
    raw = np.frombuffer((DATA / "bytes.bin").read_bytes(), dtype=np.uint8)
    i4 = np.frombuffer((DATA / "i4.bin").read_bytes(), dtype="<i4")
    f8 = np.frombuffer((DATA / "f8.bin").read_bytes(), dtype="<f8")
    cases = {}

    def pair(name, codec, arr):
        enc = codec.encode(arr)
        cases[f"{name}_encode"] = lambda: codec.encode(arr)
        cases[f"{name}_decode"] = lambda: codec.decode(enc)

    pair("shuffle4", numcodecs.Shuffle(4), raw)
    pair("shuffle8", numcodecs.Shuffle(8), raw)
    pair("delta_i4", numcodecs.Delta("<i4"), i4)
    pair("fso_f8_u2", numcodecs.FixedScaleOffset(offset=1000, scale=100, dtype="<f8", astype="<u2"), f8)
    for name, cls in [("crc32", numcodecs.CRC32), ("crc32c", numcodecs.CRC32C),
                      ("adler32", numcodecs.Adler32)]:
        codec = cls()
        cases[f"{name}_encode"] = lambda codec=codec: codec.encode(raw)
    # The faster of glibc's memcpy and the plain vector copy (see benches/filters.rs).
    copies = [t for t in (ours.get("memcpy"), ours.get("vector_copy")) if t]
    memcpy = min(copies) if copies else None
    print(f"numcodecs {numcodecs.__version__}, numpy {np.__version__}; 8 MiB inputs; medians")
    print(f"{'case':<18} {'ours ms':>8} {'numcodecs ms':>13} {'ours/numcodecs':>15} {'ours/memcpy':>12} {'ceiling':>8}")
    for name, fn in cases.items():
        nc = median_ns(fn, args.repeat)
        o = ours.get(name)
        if o is None:
            print(f"{name:<18} (no criterion result)")
            continue
        sum_name = name.replace("_encode", "_sum")
        extra = ""
        if sum_name != name and sum_name in ours and memcpy:
            extra = f"  (checksum only: ours/memcpy {memcpy / ours[sum_name]:.2f})"
        print(f"{name:<18} {o / 1e6:8.3f} {nc / 1e6:13.3f} {nc / o:14.1f}x {memcpy / o if memcpy else 0:12.2f} {nc / memcpy if memcpy else 0:7.1f}x{extra}")


if __name__ == "__main__":
    main()
