#!/usr/bin/env python3
"""Time zarr-python 2.18 against chunkcodec writing and reading the same array, in one run.

    .venv-zarr/bin/python scripts/bench_zarr.py PATH_TO_CHUNKCODEC_BINARY [--mib 256] [--repeat 3]

The array: float32, a smooth field with a little noise, MIB MiB as (MIB*4, 256, 256), in 1 MiB
chunks (4, 256, 256), Blosc lz4 clevel 5 + shuffle (zarr's default compressor). If the binary
does not register "blosc", both sides use the shuffle filter with no compressor instead (noted).

Timed, each the median of --repeat runs, on directory stores in one temporary directory, with
the array already in memory on both sides (no .npy I/O in the timed part):
  zarr write   z[...] = data           (zarr.open_array(..., mode="w"); store removed first)
  zarr read    z[...]                  (a new numpy array)
  ours write   chunkcodec compress IN.npy STORE --time-repeat N: the .npy is loaded once,
               untimed; then the store is removed, created and written N times in-process
  ours read    the same process then opens the store and reads it into a new array N times
No fsync on either side by default (zarr-python's DirectoryStore never fsyncs; chunkcodec's
default does, so the comparison passes --no-fsync unless --fsync is given). The CLI end to end
(`compress` / `decompress` including .npy read/write) is timed too, for reference.
The goal is ours >= 3x faster than zarr-python for both.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

import numcodecs
import numpy as np
import zarr


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="chunkcodec --threads")
    ap.add_argument("--fsync", action="store_true",
                    help="let chunkcodec fsync each chunk (its default; zarr-python never does, so "
                         "the comparison passes --no-fsync unless this is given)")
    a = ap.parse_args()

    known = set(subprocess.run([a.binary, "list-codecs"], capture_output=True, text=True,
                               check=True).stdout.split())
    if "blosc" in known:
        comp_cfg = {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}
        filt_cfg = []
        label = "blosc lz4 clevel 5 + shuffle"
    else:
        comp_cfg = None
        filt_cfg = [{"id": "shuffle", "elementsize": 4}]
        label = "shuffle filter, no compressor (note: codec id 'blosc' is not registered)"

    shape = (a.mib * 4, 256, 256)
    chunks = (4, 256, 256)
    rng = np.random.default_rng(7)
    t = np.arange(shape[0], dtype=np.float32)[:, None, None]
    y = np.arange(256, dtype=np.float32)[None, :, None]
    x = np.arange(256, dtype=np.float32)[None, None, :]
    data = 15 + 10 * np.sin(y * 0.0245) * np.cos(x * 0.0123 + t * 0.01)
    data = data + 0.05 * (rng.random(shape, dtype=np.float32) - 0.5)
    data = (np.round(data * 100) / 100).astype(np.float32)
    nbytes = data.nbytes

    tmp = tempfile.mkdtemp(prefix="chunkcodec-bench-")
    try:
        npy = os.path.join(tmp, "in.npy")
        out = os.path.join(tmp, "out.npy")
        zstore = os.path.join(tmp, "zarr")
        ostore = os.path.join(tmp, "ours")
        thread_args = ["--threads", str(a.threads)] if a.threads else []

        t_save = median_time(lambda: np.save(npy, data), a.repeat)
        t_load = median_time(lambda: np.load(npy), a.repeat)

        def zarr_write():
            shutil.rmtree(zstore, ignore_errors=True)
            z = zarr.open_array(
                zstore, mode="w", shape=shape, chunks=chunks, dtype="<f4",
                compressor=numcodecs.get_codec(dict(comp_cfg)) if comp_cfg else None,
                filters=[numcodecs.get_codec(dict(f)) for f in filt_cfg] or None)
            z[...] = data

        def zarr_read():
            return zarr.open_array(zstore, mode="r")[...]

        def ours_write():
            shutil.rmtree(ostore, ignore_errors=True)
            args = [a.binary, "compress", npy, ostore, "--chunks", ",".join(map(str, chunks)),
                    "--compressor", json.dumps(comp_cfg) if comp_cfg else "none"] + thread_args
            if not a.fsync:
                args.append("--no-fsync")
            if filt_cfg:
                args += ["--filters", json.dumps(filt_cfg)]
            subprocess.run(args, check=True, capture_output=True)

        def ours_read():
            subprocess.run([a.binary, "decompress", ostore, out] + thread_args, check=True,
                           capture_output=True)

        def ours_in_memory():
            shutil.rmtree(ostore, ignore_errors=True)
            args = [a.binary, "compress", npy, ostore, "--chunks", ",".join(map(str, chunks)),
                    "--compressor", json.dumps(comp_cfg) if comp_cfg else "none",
                    "--time-repeat", str(a.repeat)] + thread_args
            if not a.fsync:
                args.append("--no-fsync")
            if filt_cfg:
                args += ["--filters", json.dumps(filt_cfg)]
            r = subprocess.run(args, check=True, capture_output=True, text=True)
            return json.loads(r.stdout.strip().splitlines()[-1])

        tw_z = median_time(zarr_write, a.repeat)
        tr_z = median_time(zarr_read, a.repeat)
        mem = ours_in_memory()
        tw_m = statistics.median(mem["write_s"])
        tr_m = statistics.median(mem["read_s"])
        tw_o = median_time(ours_write, a.repeat)
        tr_o = median_time(ours_read, a.repeat)

        back = np.load(out)
        assert np.array_equal(back, data), "chunkcodec's round trip differs"
        assert np.array_equal(zarr_read(), data), "zarr's round trip differs"
        assert np.array_equal(zarr.open_array(ostore, mode="r")[...], data), \
            "zarr reading our store differs"

        def size(d):
            return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)

        mbs = lambda s: nbytes / s / 1e6  # noqa: E731
        print(f"array: float32 {shape} ({a.mib} MiB), chunks {chunks}, {label}")
        print(f"zarr {zarr.__version__} / numcodecs {numcodecs.__version__}; "
              f"median of {a.repeat}; stored: zarr {size(zstore)} B, ours {size(ostore)} B")
        print(f"{'':24}{'zarr-python':>14}{'chunkcodec':>14}{'speed-up':>10}")
        print(f"{'write, in memory (s)':24}{tw_z:>14.3f}{tw_m:>14.3f}{tw_z / tw_m:>9.2f}x"
              f"   ({mbs(tw_z):.0f} vs {mbs(tw_m):.0f} MB/s)")
        print(f"{'read, in memory (s)':24}{tr_z:>14.3f}{tr_m:>14.3f}{tr_z / tr_m:>9.2f}x"
              f"   ({mbs(tr_z):.0f} vs {mbs(tr_m):.0f} MB/s)")
        print(f"{'CLI compress (s)':24}{'':>14}{tw_o:>14.3f}{tw_z / tw_o:>9.2f}x"
              "   (includes reading the .npy)")
        print(f"{'CLI decompress (s)':24}{'':>14}{tr_o:>14.3f}{tr_z / tr_o:>9.2f}x"
              "   (includes writing the .npy)")
        print(f"(.npy I/O for reference: np.load {t_load:.3f} s, np.save {t_save:.3f} s; "
              f"fsync: {'on' if a.fsync else 'off'} for chunkcodec, never in zarr-python)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
