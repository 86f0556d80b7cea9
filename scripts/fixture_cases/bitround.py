"""BitRound: f2/f4/f8 (little-endian: numcodecs crashes on big-endian), every keepbits edge."""

import numpy as np

from . import Case
from ._filterdata import extremes, rand, tag


def cases(rng):
    out = []
    for dt, keeps in [("<f2", (0, 1, 3, 9, 10)), ("<f4", (0, 1, 5, 10, 22, 23)),
                      ("<f8", (0, 1, 7, 23, 51, 52))]:
        x = np.concatenate([rand(rng, dt, 50, -1e3, 1e3), extremes(dt),
                            (rng.standard_normal(30) * 1e-5)]).astype(dt)
        for k in keeps:
            out.append(Case("bitround", f"{tag(dt)}_k{k}", {"id": "bitround", "keepbits": k}, x))
    for n in (0, 1, 7, 8, 9, 33):
        out.append(Case("bitround", f"lef4_n{n}", {"id": "bitround", "keepbits": 4},
                        rand(rng, "<f4", n)))
    return out
