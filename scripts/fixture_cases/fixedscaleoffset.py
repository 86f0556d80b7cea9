"""FixedScaleOffset: float and int dtypes in both byte orders, every astype, int/float params.

Left out (tested in Rust): NaN/inf/out-of-range values for an integer astype (numcodecs
stores platform garbage, we raise), empty input, bool dtype.
"""

import numpy as np

from . import Case
from ._filterdata import FLOATS, INTS, LENGTHS, rand, tag


def fso(name, data, offset, scale, dtype, astype=None):
    cfg = {"id": "fixedscaleoffset", "offset": offset, "scale": scale, "dtype": dtype}
    if astype is not None:
        cfg["astype"] = astype
    return Case("fixedscaleoffset", name, cfg, np.asarray(data).astype(dtype))


def cases(rng):
    out = []
    out.append(fso("doc_example", [1000.0, 1000.04, 1000.05, 1000.15, 1000.25, 1001.0],
                   1000, 10, "<f8", "<u2"))
    lin = np.linspace(1000, 1005, 10)
    out.append(fso("linspace_int", lin, 1000, 10, "<f8", "<i8"))
    out.append(fso("linspace_half_offset", lin, 1002.5, 10, "<f8", "<i2"))
    out.append(fso("linspace_half_scale", lin, 1000, 0.5, "<f8", "|i1"))
    # Float dtype -> every int astype, values that fit.
    for dt in FLOATS:
        for at in INTS:
            info = np.iinfo(at)
            lo = max(float(info.min), -3e4) / 10 + 6
            hi = min(float(info.max), 3e4) / 10 + 4
            x = rand(rng, "<f8", 33, lo, hi)
            if np.dtype(dt).itemsize == 2:
                x = np.round(x)  # keep within f16's exact integers
            if at in ("|i1", "|u1", "<i2", "<u4", ">u8", "<i8") or dt in ("<f8", ">f2"):
                out.append(fso(f"{tag(dt)}_to_{tag(at)}", x, 5, 10, dt, at))
    # Float -> float astype with NaN/inf/subnormals (float casts are defined).
    special = np.array([np.nan, np.inf, -np.inf, 5e-324, -0.0, 1e300, 3.14159, -2.5])
    for dt, at in [("<f8", "<f4"), ("<f8", ">f2"), (">f4", "<f8"), ("<f4", "<f4"), ("<f2", "<f2")]:
        out.append(fso(f"{tag(dt)}_to_{tag(at)}_special", special, 0.5, 3, dt, at))
    # Integer dtypes: int params (wrapping, narrowing), float scale, float offset.
    for dt in INTS:
        x = rand(rng, dt, 33)
        signed = np.dtype(dt).kind == "i"
        out.append(fso(f"{tag(dt)}_intparams", x, -3 if signed else 3, 3, dt))
        at = "<i8" if dt != ">u8" else ">u8"
        x2 = rand(rng, dt, 33, 10, 100)
        out.append(fso(f"{tag(dt)}_floatscale", x2, 7, 0.25, dt, "<f8"))
        out.append(fso(f"{tag(dt)}_floatoffset", x2, 7.5, 2, dt, at))
    out.append(fso("lei4_wrap_narrow", np.array([2**30, -5, 7, 2**31 - 1], dtype="<i4"), 10, 3,
                   "<i4", "<i2"))
    for n in LENGTHS:
        out.append(fso(f"f8_u2_n{n}", rand(rng, "<f8", n, 1000, 1100), 1000, 100, "<f8", "<u2"))
    out.append(fso("float_params_f4", rand(rng, "<f4", 100, -10, 10), -0.1, 1000.5, "<f4", ">i4"))
    out.append(fso("int_astype_float", rand(rng, "<f8", 50, -10, 10), 1, 1e3, "<f8", "<f2"))
    return out
