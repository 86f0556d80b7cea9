"""Quantize: f2/f4/f8 in both byte orders, digits -3..12, astype, extremes."""

import numpy as np

from . import Case
from ._filterdata import FLOATS, extremes, rand, tag


def cases(rng):
    out = []

    def add(name, data, digits, dtype, astype=None):
        cfg = {"id": "quantize", "digits": digits, "dtype": dtype}
        if astype is not None:
            cfg["astype"] = astype
        out.append(Case("quantize", name, cfg, np.asarray(data).astype(dtype)))

    for dt in FLOATS:
        x = np.concatenate([rand(rng, dt, 60, -100, 100), extremes(dt),
                            rng.standard_normal(20) * 1e-3]).astype(dt)
        for digits in (-3, 0, 1, 3, 6, 12):
            add(f"{tag(dt)}_d{digits}", x, digits, dt)
    for dt, at in [("<f8", "<f4"), ("<f8", ">f2"), (">f4", "<f2"), ("<f2", "<f8"), ("<f4", ">f4")]:
        add(f"{tag(dt)}_as_{tag(at)}", rand(rng, dt, 257, -50, 50), 2, dt, at)
    add("doc_example", [0.1, 1 / 3, 2.0005], 3, "<f8")
    add("empty", np.zeros(0), 2, "<f8")
    return out
