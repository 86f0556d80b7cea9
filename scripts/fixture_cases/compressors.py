"""Compressors zstd, lz4, zlib, gzip, bz2, lzma (Blosc has its own module).

Inputs: numcodecs' fixture array family (i4 arange, f8 linspace, f8 normal 2-D, bool, u1
random, a smooth f4 signal with noise) at a few lengths, then every config key at non-default
values on a couple of inputs. Big inputs (~100 KiB) are kept to a few cases.
"""

from . import Case

import numpy as np

# numcodecs cannot decode its own empty zstd frame or lz4 block: those ids skip length 0
# (our behaviour for them is tested in Rust).
NO_EMPTY = {"zstd", "lz4"}

# Keys: {"id": ...} configs per codec; the first one is the default config (no keys).
CONFIGS = {
    "zstd": [{"id": "zstd"}]
    + [{"id": "zstd", "level": lv} for lv in (-1, 0, 1, 10, 22, 100)]
    + [{"id": "zstd", "level": 0, "checksum": True}, {"id": "zstd", "level": 22, "checksum": True},
       {"id": "zstd", "level": -5, "checksum": False}],
    "lz4": [{"id": "lz4"}] + [{"id": "lz4", "acceleration": a} for a in (-1, 0, 1, 10, 100, 1000000)],
    "zlib": [{"id": "zlib"}] + [{"id": "zlib", "level": lv} for lv in (-1, 0, 1, 5, 9)],
    "gzip": [{"id": "gzip"}] + [{"id": "gzip", "level": lv} for lv in (-1, 0, 1, 5, 9)],
    "bz2": [{"id": "bz2"}] + [{"id": "bz2", "level": lv} for lv in (1, 5, 9)],
    "lzma": [
        {"id": "lzma"},
        {"id": "lzma", "preset": 1},
        {"id": "lzma", "preset": 5},
        {"id": "lzma", "preset": 9},
        {"id": "lzma", "preset": 6 | 0x80000000},
        {"id": "lzma", "format": 3, "filters": [{"id": 33, "preset": 1}]},
        {"id": "lzma", "format": 3, "filters": [{"id": 3, "dist": 4}, {"id": 33, "preset": 2, "dict_size": 65536, "lc": 1, "lp": 1, "pb": 1, "mode": 1, "nice_len": 64, "mf": 4, "depth": 10}]},
        {"id": "lzma", "format": 3, "filters": [{"id": 0x4000000000000001, "preset": 1}]},
        {"id": "lzma", "format": 3, "filters": [{"id": 4, "start_offset": 8}, {"id": 33, "preset": 0}]},
        {"id": "lzma", "format": 2},
        {"id": "lzma", "format": 2, "preset": 1, "check": 0},
        # (format 2 or 1 with filters: numcodecs cannot decode its own output; tested in Rust.)
        {"id": "lzma", "check": 0},
        {"id": "lzma", "check": 1},
        {"id": "lzma", "check": 10, "preset": 0},
    ],
}


def family(rng, n):
    """The numcodecs fixture array family at n elements."""
    t = np.linspace(0, 20, n)
    return {
        "i4_arange": np.arange(n, dtype="<i4"),
        "f8_linspace": np.linspace(1000, 1001, n, dtype="<f8"),
        "f8_normal2d": rng.normal(size=(max(n // 10, 0), 10)).astype("<f8") if n >= 10 else rng.normal(size=n).astype("<f8"),
        "b1": rng.integers(0, 2, n).astype("|b1"),
        "u1_random": rng.integers(0, 256, n, dtype=np.uint8),
        "f4_signal": (280 + 15 * np.sin(t) + 3 * np.cos(5.1 * t) + rng.normal(0, 0.05, n)).astype("<f4"),
    }


def exact(codec, config):
    # gzip writes the current time into its header.
    return codec != "gzip"


def cases(rng):
    out = []
    for codec, configs in CONFIGS.items():
        default = configs[0]
        # Default config: the whole array family at lengths 0, 1, 7, 1000.
        for n in (0, 1, 7, 1000):
            if n == 0 and codec in NO_EMPTY:
                continue
            for name, arr in family(rng, n).items():
                if n in (0, 1, 7) and name not in ("i4_arange", "u1_random", "f4_signal"):
                    continue
                out.append(Case(codec, f"default_{name}_n{n}", default, arr, exact(codec, default)))
        # ~100 KiB inputs (two arrays) at the default config.
        big = family(rng, 25600)
        for name in ("f4_signal", "i4_arange") if codec in ("zstd", "lz4", "zlib") else ("f4_signal",):
            out.append(Case(codec, f"default_{name}_big", default, big[name], exact(codec, default)))
        if codec == "zstd":
            # > 128 KiB: libzstd 1.5.7 (ours) pre-splits blocks by default, 1.5.6 (numcodecs
            # 0.16.6) does not; our encoder turns the pre-splitting off, so the bytes must match.
            sig = family(rng, 65536)["f4_signal"]
            out.append(Case(codec, "default_f4_signal_256k", default, sig, exact=True))
        # Every non-default config on a mixed pair of inputs.
        fam = family(rng, 1000)
        for k, cfg in enumerate(configs[1:]):
            tag = "_".join(f"{key}{val}" for key, val in cfg.items() if key not in ("id", "filters"))
            if "filters" in cfg:
                tag += "_filters" + "-".join(str(f["id"] % 1000) for f in cfg["filters"])
            tag = tag.replace("-", "m") or "cfg"
            for name in ("f4_signal", "f8_normal2d", "u1_random"):
                out.append(Case(codec, f"c{k:02d}_{tag}_{name}", cfg, fam[name], exact(codec, cfg)))
    # Level 0 (stored blocks) over 64 KiB: the stored-block sizes follow the output space
    # CPython's zlib module gives deflate (32 KiB, then 64 KiB, 256 KiB, ...).
    stored = rng.integers(0, 256, 100_000, dtype=np.uint8)
    for codec in ("zlib", "gzip"):
        cfg = {"id": codec, "level": 0}
        out.append(Case(codec, "level0_u1_random_n100000", cfg, stored, exact(codec, cfg)))
    return out
