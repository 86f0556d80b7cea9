"""PackBits: bool arrays of every padding (lengths 0..17, odd and long), nonzero u1 bytes."""

import numpy as np

from . import Case


def cases(rng):
    out = []
    for n in list(range(0, 18)) + [31, 33, 64, 1000, 1003]:
        out.append(Case("packbits", f"n{n}", {"id": "packbits"}, rng.integers(0, 2, n).astype(bool)))
    out.append(Case("packbits", "u1_nonzero", {"id": "packbits"},
                    rng.integers(0, 4, 29).astype("|u1")))
    return out
