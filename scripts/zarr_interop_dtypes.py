#!/usr/bin/env python3
"""Interop of chunkcodec with numcodecs / zarr-python 2.18 on non-numeric numpy dtypes.

    .venv-zarr/bin/python scripts/zarr_interop_dtypes.py PATH_TO_CHUNKCODEC_BINARY

Dtypes: complex (<c8 >c8 <c16 >c16), datetime64 / timedelta64 (<M8[ns] >M8[s] <M8[D]
<m8[us] >m8[ms], generic <M8 for the raw codecs only: zarr-python refuses generic units),
fixed bytes (|S1 |S5 |S17), void (|V3 |V16), fixed unicode (<U1 <U5 >U3).

  1. raw codecs: `chunkcodec encode --config CFG --dtype DT` must be byte-identical to
     numcodecs' `get_codec(CFG).encode(arr)` (single-threaded Blosc) for Blosc lz4/lz4hc/zlib/
     zstd x shuffle 0/1/2/-1 x clevel 5/1, zstd, lz4, zlib, crc32 and shuffle(elementsize=
     itemsize); Blosc blosclz is checked in both decode directions; `chunkcodec decode` must
     decode numcodecs' bytes of the other codecs too.
  2. zarr -> ours: zarr-python writes stores (shapes 1-3 d, chunks not dividing the shape,
     order C/F, separators . and /, default Blosc / zstd / no compressor, missing chunks,
     fill values); `chunkcodec decompress` must give a .npy with z[...]'s dtype and bytes.
  3. ours -> zarr: `chunkcodec compress` (with --fill-value in zarr's JSON encoding) must
     give a store zarr-python reads back equal to the input, whose fill value zarr decodes to
     what it decodes from the JSON we passed; `chunkcodec info` must succeed.
  4. bad .zarray dtypes (<c32, structured, |O, |S0): `chunkcodec decompress` must fail with
     one line `chunkcodec: error: ...` and no panic.
  5. filters on these dtypes inside arrays (complex / timedelta Delta, AsType to and from
     them, Shuffle of bytes), both ways, C and F order.

Every comparison is on bytes (NaN-safe). Exit status 1 on any failure.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import numcodecs
import zarr
from numcodecs import get_codec
from numcodecs.compat import ensure_bytes
from zarr.meta import Metadata2
from zarr.util import normalize_fill_value

BIN = None
FAILED = []
PASSED = 0

RAW_DTYPES = ["<c8", ">c8", "<c16", ">c16",
              "<M8[ns]", ">M8[s]", "<M8[D]", "<m8[us]", ">m8[ms]", "<M8",
              "|S1", "|S5", "|S17", "|V3", "|V16",
              "<U1", "<U5", ">U3"]
ARRAY_DTYPES = [d for d in RAW_DTYPES if d != "<M8"]
LENGTHS = (0, 1, 7, 1000, 70001)
NAT = np.iinfo(np.int64).min


def run_raw(args, data=b""):
    """Run the binary; return (returncode, stdout bytes, stderr text)."""
    p = subprocess.run([BIN, *map(str, args)], input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace").strip()


def run(*args):
    rc, out, err = run_raw(args)
    if rc != 0:
        raise RuntimeError(f"chunkcodec {' '.join(map(str, args))}: rc={rc}: {err}")
    return out.decode("utf-8", "replace")


def check(name, ok, detail=""):
    global PASSED
    if ok:
        PASSED += 1
    else:
        FAILED.append(f"{name}: {detail}")
        print(f"FAIL {name}: {detail}", flush=True)


def first_diff(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def diff_detail(ours, theirs):
    return (f"bytes differ: ours {len(ours)} B, numcodecs {len(theirs)} B, "
            f"first difference at offset {first_diff(ours, theirs)}")


# ---------------------------------------------------------------------------------- data

def make_data(dt, n, rng):
    """n elements of dtype dt: mostly drawn from a small pool (compressible), 1/8 random."""
    dt = np.dtype(dt)
    pool_n = 40
    idx = rng.integers(0, pool_n, size=n)
    rand = rng.random(n) < 0.125
    if dt.kind == "c":
        ft = np.dtype(dt.byteorder.replace("=", "<") + f"f{dt.itemsize // 2}")
        pool = np.round(rng.normal(size=(pool_n, 2)) * 100, 2)
        pool[0] = [np.nan, 1.0]
        pool[1] = [np.inf, -np.inf]
        pool[2] = [0.0, -0.0]
        parts = pool[idx]
        parts[rand] = rng.normal(size=(int(rand.sum()), 2)) * 1e6
        out = np.empty(n, dtype=dt)
        out.real = parts[:, 0].astype(ft)
        out.imag = parts[:, 1].astype(ft)
        return out
    if dt.kind in "Mm":
        base = 981158400 if dt.kind == "M" else 0
        steps = rng.integers(0, 4, size=n)
        vals = base + np.cumsum(steps).astype(np.int64)
        vals[rand] = rng.integers(-2**62, 2**62, size=int(rand.sum()))
        if n:
            vals[rng.random(n) < 0.02] = NAT
            vals[0] = NAT if n > 1 else vals[0]
            vals[-1] = NAT
        return vals.astype(dt.byteorder.replace("=", "<").replace("|", "<") + "i8").view(dt)
    if dt.kind in "SV":
        k = dt.itemsize
        pool = rng.integers(0, 256, size=(pool_n, k), dtype=np.uint8)
        if dt.kind == "S":
            pool = rng.choice(np.frombuffer(b"abcxyz01 \xff\x80", dtype=np.uint8), size=(pool_n, k))
            # trailing NULs of various lengths (numpy strips them on access; the bytes stay)
            for j in range(pool_n):
                pool[j, rng.integers(0, k + 1):] = 0
        b = pool[idx]
        b[rand] = rng.integers(0, 256, size=(int(rand.sum()), k), dtype=np.uint8)
        return np.ascontiguousarray(b).view(dt).reshape(n)
    if dt.kind == "U":
        chars = dt.itemsize // 4
        alphabet = np.array([ord(c) for c in "abcXYZ019 \u00e9\u20ac\u4e2d"] + [0x1D11E, 0x10FFFF],
                            dtype=np.uint32)
        pool = rng.choice(alphabet, size=(pool_n, chars))
        for j in range(pool_n):
            pool[j, rng.integers(0, chars + 1):] = 0
        cp = pool[idx]
        cp[rand] = rng.integers(1, 0xD7FF, size=(int(rand.sum()), chars), dtype=np.uint32)
        order = "<" if dt.byteorder in "<=|" else ">"
        return np.ascontiguousarray(cp.astype(order + "u4")).view(dt).reshape(n)
    raise ValueError(dt)


# ---------------------------------------------------------------------------- 1. raw codecs

def blosc(cname, shuffle, clevel=5):
    return {"id": "blosc", "cname": cname, "clevel": clevel, "shuffle": shuffle, "blocksize": 0}


def raw_configs(itemsize):
    """(config, mode): mode 'ident' = byte-identical encode + our decode of numcodecs' bytes,
    'ident-enc' = byte-identical encode only, 'both-dec' = decode in both directions."""
    out = []
    # LZ4HC levels 1 and 2 are lz4 1.10's new "mid" match finder; numcodecs < 0.16 (what
    # zarr-python 2.18 installs) bundles lz4 1.9.4, whose levels 1-2 write other streams.
    # chunkcodec links lz4 1.10 (numcodecs 0.16's), so there only both-way decoding holds.
    old_lz4 = tuple(int(x) for x in numcodecs.__version__.split(".")[:2]) < (0, 16)
    for cname in ("lz4", "lz4hc", "zlib", "zstd"):
        for shuffle in (0, 1, 2, -1):
            out.append((blosc(cname, shuffle, 5), "ident"))
            low = "both-dec" if (cname == "lz4hc" and old_lz4) else "ident-enc"
            out.append((blosc(cname, shuffle, 1), low))
    for shuffle in (0, 1, 2, -1):
        for clevel in (5, 1):
            out.append((blosc("blosclz", shuffle, clevel), "both-dec"))
    out += [
        ({"id": "zstd", "level": 1}, "ident"),
        ({"id": "zstd", "level": 5}, "ident"),
        ({"id": "lz4", "acceleration": 1}, "ident"),
        ({"id": "zlib", "level": 5}, "ident"),
        ({"id": "crc32"}, "ident"),
        ({"id": "shuffle", "elementsize": itemsize}, "ident"),
    ]
    return out


def nc_decodes(cfg, buf, raw):
    try:
        back = ensure_bytes(get_codec(dict(cfg)).decode(buf))
    except Exception as e:  # noqa: BLE001
        return f"no ({e})"
    return "yes" if back == raw else "no (different bytes)"


def raw_case(dt, n, arr, cfg, mode):
    raw = arr.tobytes()
    cfg_s = json.dumps(cfg, separators=(",", ":"))
    label = f"raw {dt} n={n} {cfg_s}"
    try:
        theirs = ensure_bytes(get_codec(dict(cfg)).encode(arr))
        rc, ours, err = run_raw(["encode", "--config", cfg_s, "--dtype", dt], raw)
        if rc != 0:
            check(label + " encode", False, f"rc={rc}: {err}")
            return
        if mode in ("ident", "ident-enc"):
            detail = ""
            if ours != theirs:
                detail = diff_detail(ours, theirs) + f"; numcodecs decodes ours: {nc_decodes(cfg, ours, raw)}"
            check(label + " encode byte-identical", ours == theirs, detail)
        if mode == "both-dec":
            try:
                back = ensure_bytes(get_codec(dict(cfg)).decode(ours))
                check(label + " numcodecs decodes ours", back == raw,
                      f"decoded {len(back)} B != raw {len(raw)} B")
            except Exception as e:  # noqa: BLE001
                if nc_decodes(cfg, theirs, raw) != "yes":
                    # numcodecs cannot decode its own frame either (Blosc of 0 bytes: "error
                    # during blosc decompression: 0"), so compare the frames instead
                    check(label + " (numcodecs cannot decode its own frame) same bytes",
                          ours == theirs, diff_detail(ours, theirs))
                else:
                    check(label + " numcodecs decodes ours", False, f"numcodecs raised {e!r}")
        if mode in ("ident", "both-dec"):
            rc, back, err = run_raw(["decode", "--config", cfg_s, "--dtype", dt], theirs)
            check(label + " ours decodes numcodecs'", rc == 0 and back == raw,
                  f"rc={rc}: {err}" if rc else f"decoded {len(back)} B != raw {len(raw)} B")
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        check(label, False, repr(e))


def raw_section(rng):
    numcodecs.blosc.use_threads = False
    for dt in RAW_DTYPES:
        for n in LENGTHS:
            arr = make_data(dt, n, rng)
            assert arr.dtype == np.dtype(dt), (arr.dtype, dt)
            for cfg, mode in raw_configs(arr.dtype.itemsize):
                raw_case(dt, n, arr, cfg, mode)


# ------------------------------------------------------------------------------ 2./3. arrays

def as_dtype(v, dt):
    dt = np.dtype(dt)
    if dt.kind == "V" and isinstance(v, bytes):
        return np.array(v, dtype=dt.str).view(dt)
    return np.array(v, dtype=dt)


def complex_value(dt, re, im):
    a = np.zeros((), dtype=dt)
    a.real = re
    a.imag = im
    return a[()]


def fills(dt):
    """Special fill values (as passed to zarr-python) for dtype dt: two per dtype."""
    dt = np.dtype(dt)
    k = dt.kind
    if k == "c":
        return [complex_value(dt, 1.5, np.nan), complex_value(dt, np.nan, -np.inf)]
    if k == "M":
        unit = np.datetime_data(dt)[0]
        return [np.datetime64("2001-02-03", unit), np.datetime64("NaT", unit)]
    if k == "m":
        unit = np.datetime_data(dt)[0]
        return [np.timedelta64(-7, unit), np.timedelta64("NaT", unit)]
    if k == "S":
        return [b"ab"[: dt.itemsize], b"\xff\x00z"[: dt.itemsize]]
    if k == "V":
        return [bytes(range(1, dt.itemsize + 1)), b"\xff" * dt.itemsize]
    if k == "U":
        return ["h\u00e9"[: dt.itemsize // 4], "\u20ac\U0001D11E"[: dt.itemsize // 4]]
    raise ValueError(dt)


def zero_fill(dt):
    # zarr-python turns a fill of 0 into "0" for U (not zeros), and open_array rejects 0 for V
    # ("a bytes-like object is required"): use "" and NUL bytes there
    dt = np.dtype(dt)
    return {"U": "", "V": bytes(dt.itemsize)}.get(dt.kind, 0)


SHAPES = [((37,), (10,)), ((9, 11), (4, 5)), ((5, 6, 7), (2, 4, 3))]
ZSTD = {"id": "zstd", "level": 1}
BLOSC_ZSTD_BIT = blosc("zstd", 2, 3)
DEFAULT = "default"  # zarr's default compressor (Blosc lz4 shuffle) / chunkcodec's default


def variants(dt):
    """(shape, chunks, order, sep, compressor, fill, partial)."""
    f1, f2 = fills(dt)
    return [
        (SHAPES[0], "C", ".", DEFAULT, None, False),
        (SHAPES[1], "F", "/", ZSTD, zero_fill(dt), True),
        (SHAPES[2], "C", "/", None, f1, True),
        (SHAPES[1], "C", ".", BLOSC_ZSTD_BIT, f2, True),
        (SHAPES[0], "F", ".", None, f1, True),
        (SHAPES[2], "F", "/", DEFAULT, f2, True),
        (SHAPES[0], "C", "/", blosc("lz4", 1), f2, False),
    ]


def describe(dt, shape, chunks, order, sep, comp, fill):
    c = comp if isinstance(comp, str) or comp is None else comp["id"] + (
        f"/{comp['cname']}" if comp["id"] == "blosc" else "")
    return (f"{dt} shape={shape} chunks={chunks} order={order} sep={sep!r} comp={c} "
            f"fill={fill!r}")


def same(got, want):
    """(ok, detail): same dtype string, shape and bytes."""
    if got.dtype.str != want.dtype.str:
        return False, f"dtype {got.dtype.str} != {want.dtype.str}"
    if got.shape != want.shape:
        return False, f"shape {got.shape} != {want.shape}"
    a, b = got.tobytes(), want.tobytes()
    if a != b:
        flat_g, flat_w = got.reshape(-1), want.reshape(-1)
        bad = [i for i in range(flat_g.size) if flat_g[i:i + 1].tobytes() != flat_w[i:i + 1].tobytes()]
        return False, (f"{len(bad)} of {flat_g.size} elements differ, first at flat index {bad[0]}: "
                       f"got {flat_g[bad[0]]!r} want {flat_w[bad[0]]!r}")
    return True, ""


def zarr_to_ours(tmp, case_no, dt, data, shape, chunks, order, sep, comp, fill, partial):
    label = "zarr->ours " + describe(dt, shape, chunks, order, sep, comp, fill) + f" partial={partial}"
    store = os.path.join(tmp, f"z{case_no}")
    try:
        kw = {}
        if comp != DEFAULT:
            kw["compressor"] = None if comp is None else get_codec(dict(comp))
        z = zarr.open_array(store, mode="w", shape=shape, chunks=chunks, dtype=dt, order=order,
                            dimension_separator=sep, fill_value=fill, **kw)
        if partial:
            c0 = chunks[0]
            z[:c0] = data[:c0]
            z[-1:] = data[-1:]  # part of the last chunk row: padded with the fill value
        else:
            z[...] = data  # fill None: zarr leaves missing chunks uninitialised, so write all
        want = z[...]
        out = os.path.join(tmp, f"z{case_no}.npy")
        run("decompress", store, out, "--threads", "2")
        got = np.load(out)
        ok, detail = same(got, want)
        check(label, ok, detail)
    except Exception as e:  # noqa: BLE001
        check(label, False, str(e))


def ours_to_zarr(tmp, case_no, dt, data, shape, chunks, order, sep, comp, fill, partial):
    label = "ours->zarr " + describe(dt, shape, chunks, order, sep, comp, fill)
    store = os.path.join(tmp, f"o{case_no}")
    src = os.path.join(tmp, f"o{case_no}.npy")
    try:
        dtype = np.dtype(dt)
        data = data.copy()
        fill_json = None
        if fill is not None:
            # zarr's JSON encoding of the fill value, e.g. [1.5, "NaN"], base64, a string, an int
            fill_json = Metadata2.encode_fill_value(normalize_fill_value(fill, dtype), dtype)
            # chunks equal to the fill value (a writer may leave them out): the literal value
            # in the first chunk row, zarr's decoding of the JSON in the last
            data[: chunks[0]] = as_dtype(fill, dtype)
            data[-1:] = as_dtype(Metadata2.decode_fill_value(fill_json, dtype), dtype)
        np.save(src, data)
        args = ["compress", src, store, "--chunks", ",".join(map(str, chunks)),
                "--separator", sep, "--order", order, "--threads", "2"]
        if comp != DEFAULT:
            args += ["--compressor", "none" if comp is None else json.dumps(comp)]
        if fill_json is not None:
            args += ["--fill-value", json.dumps(fill_json, allow_nan=False)]
        label += f" --fill-value {json.dumps(fill_json)}" if fill_json is not None else ""
        run(*args)
        z = zarr.open_array(store, mode="r")
        got = z[...]
        ok, detail = same(got, data)
        check(label, ok, detail)
        if fill_json is not None:
            want_fill = as_dtype(Metadata2.decode_fill_value(fill_json, dtype), dtype)
            with open(os.path.join(store, ".zarray")) as f:
                stored = json.load(f).get("fill_value")
            if z.fill_value is None:
                check(label + " fill_value", False, f".zarray fill_value is {stored!r}")
            else:
                got_fill = as_dtype(z.fill_value, dtype)
                check(label + " fill_value", got_fill.tobytes() == want_fill.tobytes(),
                      f".zarray fill_value {stored!r} decodes in zarr to {z.fill_value!r}, "
                      f"want {want_fill[()]!r}")
        info = run("info", store)
        check(label + " info", str(list(shape)) in info, info.strip()[:200])
    except Exception as e:  # noqa: BLE001
        check(label, False, str(e))


def array_section(tmp, rng):
    case_no = 0
    for dt in ARRAY_DTYPES:
        for (shape, chunks), order, sep, comp, fill, partial in variants(dt):
            data = make_data(dt, int(np.prod(shape)), rng).reshape(shape)
            case_no += 1
            zarr_to_ours(tmp, case_no, dt, data, shape, chunks, order, sep, comp, fill,
                         partial and fill is not None)
            ours_to_zarr(tmp, case_no, dt, data, shape, chunks, order, sep, comp, fill, partial)


# ------------------------------------------------------------------------------ 4. bad input

BAD_DTYPES = [
    ("complex256", "<c32"),
    ("structured", [["a", "<i4"], ["b", "<f8"]]),
    ("object", "|O"),
    ("zero-size bytes", "|S0"),
]


def bad_section(tmp):
    for i, (name, dtype_json) in enumerate(BAD_DTYPES):
        label = f"bad dtype {name} {json.dumps(dtype_json)}"
        store = os.path.join(tmp, f"bad{i}")
        try:
            z = zarr.open_array(store, mode="w", shape=(10,), chunks=(4,), dtype="<i4",
                                fill_value=0)
            z[...] = np.arange(10, dtype="<i4")
            meta_path = os.path.join(store, ".zarray")
            with open(meta_path) as f:
                meta = json.load(f)
            meta["dtype"] = dtype_json
            if name == "object":
                meta["filters"] = [{"id": "vlen-utf8"}]
            with open(meta_path, "w") as f:
                json.dump(meta, f, indent=4)
            out = os.path.join(tmp, f"bad{i}.npy")
            rc, _, err = run_raw(["decompress", store, out])
            lines = err.splitlines()
            ok = (rc not in (0, 101) and len(lines) == 1 and lines[0].startswith("chunkcodec: error: ")
                  and "panicked" not in err)
            check(label, ok, f"rc={rc} stderr={err!r}")
        except Exception as e:  # noqa: BLE001
            check(label, False, repr(e))


FILTER_CASES = [
    ("<c16", [{"id": "delta", "dtype": "<c16"}]),
    (">c8", [{"id": "delta", "dtype": ">c8", "astype": "<c16"}]),
    ("<m8[s]", [{"id": "delta", "dtype": "<m8[s]"}]),
    ("<M8[ns]", [{"id": "astype", "encode_dtype": "<i8", "decode_dtype": "<M8[ns]"}]),
    ("<c16", [{"id": "astype", "encode_dtype": "<c8", "decode_dtype": "<c16"}]),
    ("|S5", [{"id": "shuffle", "elementsize": 5}]),
]


def filter_section(tmp, rng):
    """5. Filters on these dtypes (complex / timedelta delta, astype to and from them,
    shuffle of bytes) inside arrays, both ways, C and F order."""
    shape, chunks = (13, 7), (5, 4)
    comp = {"id": "zstd", "level": 1}
    for case_no, (dt, filters) in enumerate(FILTER_CASES):
        d = np.dtype(dt)
        if d.kind == "c":
            data = (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dt)
        elif d.kind in "mM":
            unit = np.datetime_data(d)[0]
            data = rng.integers(0, 10**6, size=shape).astype("<i8").view(f"{d.kind}8[{unit}]").astype(dt)
        else:
            data = rng.integers(97, 100, size=shape + (d.itemsize,), dtype=np.uint8).view(dt).reshape(shape)
        for order in "CF":
            label = f"filters {dt} {json.dumps(filters)} order={order}"
            try:
                store = os.path.join(tmp, f"filt-z-{case_no}-{order}")
                z = zarr.open_array(store, mode="w", shape=shape, chunks=chunks, dtype=dt,
                                    order=order, compressor=get_codec(dict(comp)),
                                    filters=[get_codec(dict(f)) for f in filters])
                z[...] = data
                want = z[...]
                out = os.path.join(tmp, "filt.npy")
                rc, _, err = run_raw(["decompress", store, out])
                got = np.load(out) if rc == 0 else None
                check(label + " zarr->ours", rc == 0 and got.tobytes() == want.tobytes()
                      and got.dtype == want.dtype, f"rc={rc} {err}")
                src = os.path.join(tmp, "filt-in.npy")
                np.save(src, data)
                ours = os.path.join(tmp, f"filt-o-{case_no}-{order}")
                rc, _, err = run_raw(["compress", src, ours, "--chunks", "5,4", "--order", order,
                                      "--filters", json.dumps(filters),
                                      "--compressor", json.dumps(comp)])
                back = zarr.open_array(ours, mode="r")[...] if rc == 0 else None
                check(label + " ours->zarr", rc == 0 and back.tobytes() == want.tobytes(),
                      f"rc={rc} {err}")
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                check(label, False, repr(e))


def main():
    global BIN
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    BIN = os.path.abspath(sys.argv[1])
    rng = np.random.default_rng(20261206)
    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="cc-dtypes-")
    try:
        raw_section(rng)
        t1 = time.time()
        array_section(tmp, rng)
        t2 = time.time()
        bad_section(tmp)
        filter_section(tmp, rng)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("note: generic <M8 is checked with the raw codecs only (zarr-python refuses "
          "datetime64 without units)")
    print(f"zarr interop dtypes: {PASSED} passed, {len(FAILED)} failed "
          f"(raw {t1 - t0:.1f} s, arrays {t2 - t1:.1f} s; zarr {zarr.__version__}, "
          f"numcodecs {numcodecs.__version__}, numpy {np.__version__})")
    if FAILED:
        sys.exit(1)


if __name__ == "__main__":
    main()
