"""Blosc (c-blosc 1.21 through numcodecs): every cname x shuffle x typesize, clevels, small
(memcpyed), odd and multi-block sizes, forced blocksizes, typesize 16, incompressible input.

numcodecs' threaded Blosc writes blocks in completion order, so fixtures are made with
``blosc.use_threads = False`` (c-blosc's single-thread ctx path), whose output is the serial
layout our encoder reproduces. BloscLZ is our own encoder (decode parity only): exact=False.
zstd streams depend on the libzstd version (numcodecs 1.5.6, ours 1.5.7): exact where equal.
"""

import numpy as np
from numcodecs import blosc as _blosc

from . import Case

_blosc.use_threads = False

CNAMES = ("blosclz", "lz4", "lz4hc", "zlib", "zstd")
SHUFFLES = (0, 1, 2, -1)
DTYPES = ("|u1", "<u2", "<f4", "<f8")


def signal(rng, dtype, n):
    """Compressible data of dtype: a smooth signal with a little noise, or counters."""
    dt = np.dtype(dtype)
    t = np.arange(n)
    if dt.kind == "f":
        v = 280 + 15 * np.sin(t / 50.0) + rng.normal(0, 0.05, n)
        return v.astype(dt)
    if dt.itemsize == 1:
        return ((t // 7) % 13 + rng.integers(0, 2, n)).astype(dt)
    return np.cumsum(rng.poisson(3, n)).astype(dt)


def exact_for(cname, clevel, n_bytes):
    # Memcpyed frames hold no stream, so they are exact for every cname.
    if clevel == 0 or n_bytes < 128:
        return True
    return cname != "blosclz"


def cfg(cname, clevel, shuffle, blocksize=0):
    return {"id": "blosc", "cname": cname, "clevel": clevel, "shuffle": shuffle,
            "blocksize": blocksize}


def tag(dtype):
    return dtype.replace("<", "").replace("|", "")


def cases(rng):
    out = []
    # Every cname x shuffle x typesize 1, 2, 4, 8 at clevel 5, an odd element count.
    for cname in CNAMES:
        for sh in SHUFFLES:
            for dt in DTYPES:
                data = signal(rng, dt, 3001)
                out.append(Case("blosc", f"{cname}_sh{sh}_{tag(dt)}_cl5_n3001",
                                cfg(cname, 5, sh), data, exact=exact_for(cname, 5, data.nbytes)))
    # clevels 0, 1, 9 with byte shuffle on f4, and bitshuffle on u1.
    for cname in CNAMES:
        for cl in (0, 1, 9):
            data = signal(rng, "<f4", 1237)
            out.append(Case("blosc", f"{cname}_sh1_f4_cl{cl}_n1237", cfg(cname, cl, 1), data,
                            exact=exact_for(cname, cl, data.nbytes)))
            data = signal(rng, "|u1", 5000)
            out.append(Case("blosc", f"{cname}_sh2_u1_cl{cl}_n5000", cfg(cname, cl, 2), data,
                            exact=exact_for(cname, cl, data.nbytes)))
    # Small buffers: memcpyed (< 128 bytes), and the edges 127 / 128 / 129.
    for cname in CNAMES:
        out.append(Case("blosc", f"{cname}_small_u1_n20", cfg(cname, 5, 1),
                        signal(rng, "|u1", 20)))
        out.append(Case("blosc", f"{cname}_small_f8_n7", cfg(cname, 5, 2),
                        signal(rng, "<f8", 7)))
    for n in (127, 128, 129):
        data = np.zeros(n, dtype="|u1")
        out.append(Case("blosc", f"lz4_edge_u1_n{n}", cfg("lz4", 5, 1), data))
    # Forced blocksizes: multi-block with a leftover block; bitshuffle blocks whose element
    # count is not a multiple of 8 (copied unchanged).
    for cname in CNAMES:
        for bs in (256, 4096):
            data = signal(rng, "<i4", 5003)
            out.append(Case("blosc", f"{cname}_sh1_i4_bs{bs}_n5003", cfg(cname, 5, 1, bs), data,
                            exact=exact_for(cname, 5, data.nbytes)))
        data = signal(rng, "<u2", 1100)
        out.append(Case("blosc", f"{cname}_sh2_u2_bs200_n1100", cfg(cname, 1, 2, 200), data,
                        exact=exact_for(cname, 1, data.nbytes)))
    # typesize 16 (no numeric dtype has it): bytes with an explicit typesize. Our encode sees
    # |u1 and writes typesize 1, so these are decode-only.
    for cname in ("lz4", "zstd"):
        for sh in (1, 2):
            data = signal(rng, "|u1", 16 * 700)
            out.append(Case("blosc", f"{cname}_sh{sh}_ts16_n11200", cfg(cname, 5, sh), data,
                            exact=False, extra={"typesize": 16}))
    # Incompressible: the frame falls back to memcpyed; nearly incompressible: streams near the
    # nbytes + 16 budget.
    noise = rng.integers(0, 256, 40000, dtype=np.uint8)
    out.append(Case("blosc", "lz4_random_u1_n40000", cfg("lz4", 5, 1), noise))
    out.append(Case("blosc", "zstd_random_f8_n5000", cfg("zstd", 5, 1),
                    rng.integers(0, 2**63, 5000, dtype=np.int64).view("<f8")))
    near = rng.integers(0, 256, 40000, dtype=np.uint8)
    near[::50] = 0
    near[-3000:] = 0
    out.append(Case("blosc", "lz4_nearly_random_u1_n40000", cfg("lz4", 5, 0, 4096), near))
    near4 = near.copy()
    near4[-3000:] = rng.integers(0, 256, 3000, dtype=np.uint8)
    near4[:600] = 0
    out.append(Case("blosc", "lz4_nearly_random2_u1_n40000", cfg("lz4", 9, 0, 4096), near4))
    # The nbytes + 16 budget binding mid-frame: raw-stored blocks, then a last block that
    # either still fits in the room left (zeros) or does not (half random: memcpyed).
    for cname in ("lz4", "zstd"):
        for tail, zeros in (("zeros", 256), ("halfrandom", 128), ("mostlyrandom", 72)):
            raw = rng.integers(0, 256, 256 * 9, dtype=np.uint8)
            raw[-zeros:] = 0
            out.append(Case("blosc", f"{cname}_budget_{tail}_f8_bs256", cfg(cname, 5, 0, 256),
                            raw.view("<f8")))
    # Two multi-block ~300 KiB inputs.
    out.append(Case("blosc", "lz4_sh1_i4_cl1_n75001", cfg("lz4", 1, 1), signal(rng, "<i4", 75001)))
    out.append(Case("blosc", "zstd_sh2_u2_cl3_n150001", cfg("zstd", 3, 2),
                    signal(rng, "<u2", 150001)))
    # One large split block (264,000 bytes of <f8: 8 streams), compressed and decoded with
    # stream-level parallelism on our side.
    out.append(Case("blosc", "lz4_sh1_f8_cl5_n33000_oneblock", cfg("lz4", 5, 1),
                    signal(rng, "<f8", 33000)))
    # Default config spelled without keys.
    out.append(Case("blosc", "default_config", {"id": "blosc"}, signal(rng, "<f4", 2000)))
    # zstd blocks over 128 KiB (libzstd 1.5.7 pre-splits such blocks unless told not to; c-blosc's
    # 1.5.6 does not): 256 KiB blocks of counters, and 300,000-byte blocks of a constant.
    out.append(Case("blosc", "zstd_sh1_i4_cl5_n75001_bigblocks", cfg("zstd", 5, 1),
                    signal(rng, "<i4", 75001)))
    out.append(Case("blosc", "zstd_sh1_f2const_cl9_n150000", cfg("zstd", 9, 1),
                    np.full(150000, 1.5, "<f2")))
    # Items over 255 bytes: c-blosc writes typesize 1, but AUTOSHUFFLE picks byte shuffle (not
    # bitshuffle) from the item size asked for.
    words = np.array(["chunk", "codec", "", "numcodecs" * 7, "zarr"] * 13, dtype="<U64")
    out.append(Case("blosc", "lz4_shauto_U64_n65", cfg("lz4", 5, -1), words))
    out.append(Case("blosc", "lz4_shauto_u1_typesize300", cfg("lz4", 5, -1),
                    signal(rng, "|u1", 4096), exact=False, extra={"typesize": 300}))
    return out
