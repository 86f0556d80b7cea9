"""Checksums: crc32, crc32c, adler32 (every location spelling), fletcher32, jenkins_lookup3.

Left out (tested in Rust): empty fletcher32 input (numcodecs raises IndexError) and a
jenkins_lookup3 prefix (numcodecs' get_config is then not JSON-serialisable).
"""

import numpy as np

from . import Case

LENGTHS = (0, 1, 3, 7, 8, 9, 12, 13, 31, 64, 1000, 5552, 5553, 70001)


def cases(rng):
    out = []
    for cid in ("crc32", "crc32c", "adler32"):
        for loc in (None, "start", "end"):
            cfg = {"id": cid}
            if loc:
                cfg["location"] = loc
            for n in ((0, 1, 9, 1000) if loc else LENGTHS):
                out.append(Case(cid, f"{loc or 'default'}_n{n}", cfg,
                                rng.integers(0, 256, n, dtype=np.uint8)))
    out.append(Case("adler32", "all_ff_70001", {"id": "adler32"}, np.full(70001, 255, np.uint8)))
    out.append(Case("crc32", "typed_i4", {"id": "crc32"}, np.arange(50, dtype="<i4")))
    for n in LENGTHS[1:] + (719, 720, 721):
        out.append(Case("fletcher32", f"n{n}", {"id": "fletcher32"},
                        rng.integers(0, 256, n, dtype=np.uint8)))
    out.append(Case("fletcher32", "all_ff_1441", {"id": "fletcher32"}, np.full(1441, 255, np.uint8)))
    for init in (0, 1230, 0xDEADBEEF):
        for n in (0, 1, 11, 12, 13, 24, 25, 100):
            out.append(Case("jenkins_lookup3", f"init{init}_n{n}",
                            {"id": "jenkins_lookup3", "initval": init},
                            rng.integers(0, 256, n, dtype=np.uint8)))
    return out
