"""Delta: every numeric dtype in both byte orders, lengths 1..257, extremes (wrapping), astype.

Left out (numcodecs fails or is wrong there; tested in Rust): empty input (IndexError), a
first element that does not fit astype (numcodecs raises OverflowError, we wrap like the rest)
and bool data with more than one change of value (numcodecs' decode loses data).
"""

import numpy as np

from . import Case
from ._filterdata import FLOATS, INTS, LENGTHS, extremes, rand, tag


def cases(rng):
    out = []

    def add(name, dtype, data, astype=None):
        cfg = {"id": "delta", "dtype": dtype}
        if astype is not None:
            cfg["astype"] = astype
        out.append(Case("delta", name, cfg, np.asarray(data).astype(dtype)))

    for dt in INTS + FLOATS:
        x = rand(rng, dt, 40)
        x = np.concatenate([x[:20], extremes(dt), x[20:]]).astype(dt)
        add(f"{tag(dt)}_extremes", dt, x)
    for n in LENGTHS:
        add(f"lei4_n{n}", "<i4", rand(rng, "<i4", n))
        add(f"bef8_n{n}", ">f8", rand(rng, ">f8", n))
    # Floats whose differences are exact (lossless), in each float type.
    for dt in FLOATS:
        add(f"{tag(dt)}_smooth", dt, (100.0 + np.cumsum(rng.integers(-3, 4, 100) * 0.25)).astype(dt))
    # astype variants (narrowing ints wrap; float -> float rounds; int -> float; float -> int).
    for dt, at in [("<i4", "|i1"), ("<i8", "<i2"), (">i4", "<i4"), ("<u2", ">u4"), ("<i2", "<f4"),
                   ("<f8", "<f4"), ("<f4", ">f8"), ("<f8", "<f2"), ("<f8", "<i4"), ("|u1", "<i2")]:
        lo, hi = (-1000, 1000) if np.dtype(at).kind == "f" or np.dtype(dt).kind == "f" else (None, None)
        if np.dtype(dt).kind == "u":
            lo = 0 if lo is not None else None
        x = rand(rng, dt, 257, lo, hi)
        x[0] = 5  # numcodecs assigns the first element with a range check (OverflowError)
        add(f"{tag(dt)}_as_{tag(at)}", dt, x, at)
    add("float_to_int_trunc", "<f8", np.array([1.7, -1.7, 2.5, 1e9, -3.25, 0.0]), "<i4")
    # bool: numcodecs round-trips only data with at most one change of value.
    add("bool_false", "|b1", np.zeros(20, dtype=bool))
    add("bool_one_step", "|b1", np.arange(20) >= 7)
    add("bool_as_u1", "|b1", np.arange(9) >= 3, "|u1")
    # complex: the float delta of the real and imaginary parts (no NaN here: where two NaNs
    # meet in a running sum numpy's kept payload depends on length and type; see README).
    for dt, at in [("<c8", "<c8"), (">c16", ">c16"), ("<c8", ">c16"), ("<c16", "<c8")]:
        x = (rng.normal(size=65) * 100 + 1j * rng.normal(size=65)).astype(dt)
        add(f"{tag(dt)}_as_{tag(at)}", dt, x, at)
    # timedelta64: i64 with NaT absorbing and wrapping sums.
    t = rng.integers(-2**40, 2**40, size=50)
    t[7] = np.iinfo(np.int64).min
    add("m8s", "<m8[s]", t.view("m8[s]"))
    add("m8ns_be_as_le", ">m8[ns]", (np.cumsum(rng.integers(0, 1000, 30))).view("m8[ns]"), "<m8[ns]")
    return out
