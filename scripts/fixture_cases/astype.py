"""AsType: float/int/bool pairs in both byte orders, with numpy's rounding and truncation.

Left out: float -> int casts of NaN/inf/out-of-range values for u8 and from half floats (the
result is platform-specific C behaviour; our documented x86-64 emulation is tested in Rust).
"""

import numpy as np

from . import Case
from ._filterdata import extremes, rand, tag


def cases(rng):
    out = []

    def add(name, data, enc, dec):
        cfg = {"id": "astype", "encode_dtype": enc, "decode_dtype": dec}
        out.append(Case("astype", name, cfg, np.asarray(data).astype(dec)))

    # float -> narrower float (rounding, overflow to inf, subnormals), and back.
    for dec, enc in [("<f8", "<f4"), ("<f8", ">f2"), (">f4", "<f2"), ("<f4", ">f8"), ("<f2", "<f4"),
                     (">f8", "<f8")]:
        x = np.concatenate([rand(rng, "<f8", 60, -1e5, 1e5), rng.standard_normal(20) * 1e-6,
                            np.array([1 + 2**-10, 1 + 2**-11, 65520, 1e40, -1e40]).astype(dec),
                            extremes(dec)])
        add(f"{tag(dec)}_to_{tag(enc)}", x.astype(dec), enc, dec)
    # int -> int (truncation, sign changes, byte order) and int -> float.
    for dec, enc in [("<i4", "|i1"), ("<i8", "<u2"), (">u4", "<i8"), ("<i2", ">u8"), ("|u1", ">i2"),
                     ("<i8", "<f8"), ("<u8", "<f4"), ("<i4", "<f2"), (">i2", ">f4")]:
        add(f"{tag(dec)}_to_{tag(enc)}", np.concatenate([rand(rng, dec, 60), extremes(dec)]), enc, dec)
    # float -> int: truncation toward zero, in range.
    for dec, enc in [("<f8", "<i2"), ("<f4", "|u1"), ("<f8", ">i8"), ("<f2", "<i4"), (">f8", "<u4")]:
        info = np.iinfo(enc)
        lo, hi = max(float(info.min), -6e4), min(float(info.max), 6e4)
        x = np.concatenate([rand(rng, "<f8", 60, lo, hi), [1.7, -1.7 if lo < 0 else 1.2, 2.5]])
        add(f"{tag(dec)}_to_{tag(enc)}", x.astype(dec), enc, dec)
    # float -> small ints: NaN/inf/out of range go through int32 on x86-64 (numcodecs.md 2.1.1).
    odd = np.array([-1, 256, np.nan, 1e10, np.inf, -np.inf, 70000, -70000, 128, 3e9, 2147483647.9])
    for enc in ("|u1", "|i1", "<u2", ">i2", "<i4"):
        add(f"lef8_to_{tag(enc)}_invalid", odd, enc, "<f8")
    # bool both ways.
    add("i4_to_bool", rand(rng, "<i4", 40, -2, 2), "|b1", "<i4")
    add("f8_to_bool", np.array([0.0, -0.0, np.nan, 1e-300, 2.0]), "|b1", "<f8")
    add("bool_to_f4", rng.integers(0, 2, 17).astype(bool), ">f4", "|b1")
    for n in (0, 1, 7, 8, 9):
        add(f"f8_to_f4_n{n}", rand(rng, "<f8", n), "<f4", "<f8")
    # complex: part by part; real numbers as the real part; complex to real keeps the real part,
    # to bool either part.
    z = rng.standard_normal(30) * 1e3 + 1j * rng.standard_normal(30)
    z[:5] = [complex(np.nan, 0), complex(0, np.inf), 0, complex(0, -0.0), complex(1e39, 2)]
    for dec, enc in [("<c16", "<c8"), (">c8", "<c16"), ("<c16", ">c16"), ("<c8", "<f8"),
                     ("<c16", "<i4"), ("<c8", "|b1"), ("<f4", "<c8"), (">i2", "<c16"), ("|b1", ">c8")]:
        x = z if np.dtype(dec).kind == "c" else rand(rng, dec, 30)
        if dec == "<c16" and enc == "<i4":
            x = (rng.standard_normal(30) * 1e5 + 1j * rng.standard_normal(30))
        add(f"{tag(dec)}_to_{tag(enc)}", np.asarray(x).astype(dec), enc, dec)
    # datetime64 / timedelta64: the i64 count (NaT is i64 min), one unit.
    t = rng.integers(-2**40, 2**40, 30)
    t[3] = np.iinfo(np.int64).min
    for dec, enc in [("<M8[s]", "<i8"), (">m8[ns]", "<i4"), ("<i8", ">M8[ms]"), ("<M8[s]", ">m8[s]")]:
        kind = np.dtype(dec).kind
        x = t.view(np.dtype(dec).newbyteorder("=")) if kind in "Mm" else t
        name = f"{tag(dec)}_to_{tag(enc)}".replace("[", "_").replace("]", "")
        add(name, x, enc, dec)
    return out
