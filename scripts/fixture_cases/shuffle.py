"""Shuffle: every element size 0..33 plus 64 and 128, several element counts, typed inputs."""

from . import Case, random_array

import numpy as np


def cases(rng):
    out = []
    for es in list(range(0, 34)) + [64, 128]:
        for count in (0, 1, 9, 100):
            n = max(es, 1) * count
            data = rng.integers(0, 256, n, dtype=np.uint8)
            out.append(Case("shuffle", f"es{es}_n{count}", {"id": "shuffle", "elementsize": es}, data))
    for es in (2, 4, 8, 16):
        n = es * 1037
        out.append(Case("shuffle", f"es{es}_n1037", {"id": "shuffle", "elementsize": es},
                        rng.integers(0, 256, n, dtype=np.uint8)))
    for dt in ("<i4", ">i4", "<f8", ">f8", "<f2", "<u2", "|b1"):
        arr = random_array(rng, dt, 257)
        es = np.dtype(dt).itemsize
        tag = dt.replace("<", "le_").replace(">", "be_").replace("|", "")
        out.append(Case("shuffle", f"typed_{tag}", {"id": "shuffle", "elementsize": es}, arr))
    # Default config (elementsize 4) spelled without the key.
    out.append(Case("shuffle", "default_config", {"id": "shuffle"},
                    np.arange(50, dtype="<i4")))
    return out
