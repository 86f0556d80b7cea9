"""Fixture case families. Each module defines ``cases(rng)`` returning a list of ``Case``.

A module per codec family, so each family's owner edits only its own file. ``make_fixtures.py``
writes every case with numcodecs' output; ``interop.py`` reuses the same generators with other
seeds to check both directions live.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Case:
    codec: str  # numcodecs codec id; the fixture folder
    name: str  # unique within the codec; the case folder
    config: dict  # passed to numcodecs.get_codec
    data: np.ndarray  # the input array (its dtype is the input dtype)
    # False where numcodecs' encoded bytes are not reproducible (gzip mtime, threaded blosc,
    # zstd library versions): the tests then only decode them.
    exact: bool = True
    # Extra keyword arguments for the numcodecs constructor that are not part of the config
    # (e.g. Blosc's typesize). Rarely needed.
    extra: dict = field(default_factory=dict)


def all_cases(rng_seed: int = 0):
    """Every case from every module in this package, deterministic for a seed."""
    out = []
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        module = importlib.import_module(f"{__name__}.{mod}")
        rng = np.random.default_rng([rng_seed, sum(map(ord, mod))])
        out.extend(module.cases(rng))
    seen = set()
    for c in out:
        key = (c.codec, c.name)
        if key in seen:
            raise SystemExit(f"duplicate fixture case {key}")
        seen.add(key)
    return out


def random_array(rng, dtype, n):
    """n random elements of dtype covering its whole range (floats: mixed magnitudes)."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(dt)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, n, dtype=dt.newbyteorder("=")).astype(dt, copy=False)
    vals = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)
    return vals.astype(dt)
