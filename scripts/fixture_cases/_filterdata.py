"""Shared test data for the typed filter fixture families (not a case module: no ``cases``)."""

import numpy as np

INTS = ["|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8"]
FLOATS = ["<f2", ">f2", "<f4", ">f4", "<f8", ">f8"]
LENGTHS = (1, 7, 8, 9, 31, 33, 257)


def tag(dt):
    return dt.replace("<", "le").replace(">", "be").replace("|", "")


def extremes(dt):
    """min, max, zero and (floats) NaN, ±inf, subnormals, -0.0 of dt."""
    d = np.dtype(dt)
    if d.kind == "b":
        return np.array([False, True], dtype=d)
    if d.kind in "iu":
        info = np.iinfo(d)
        vals = [info.min, info.max, 0, 1, info.max - 1]
        if d.kind == "i":
            vals += [-1, info.min + 1]
        return np.array(vals, dtype=d)
    info = np.finfo(d)
    vals = [info.min, info.max, 0.0, -0.0, np.nan, np.inf, -np.inf, info.smallest_subnormal,
            -info.smallest_subnormal, info.smallest_normal, 1.0, -1.5]
    return np.array(vals, dtype=d)


def rand(rng, dt, n, lo=None, hi=None):
    d = np.dtype(dt)
    if d.kind == "b":
        return rng.integers(0, 2, n).astype(d)
    if d.kind in "iu":
        info = np.iinfo(d)
        lo = info.min if lo is None else lo
        hi = info.max if hi is None else hi
        return rng.integers(lo, hi, n, endpoint=True, dtype=d.newbyteorder("=")).astype(d)
    lo = -1000.0 if lo is None else lo
    hi = 1000.0 if hi is None else hi
    return rng.uniform(lo, hi, n).astype(d)


def cases(rng):
    """Not a codec family: fixture_cases.all_cases loads every module, so this adds nothing."""
    return []
