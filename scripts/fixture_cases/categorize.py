"""Categorize: fixed-width unicode (U1, U3, U10, both byte orders) to integer, float and bool
codes; unknown values (code 0), empty input, non-ASCII labels (2-, 3- and 4-byte UTF-8), values
that extend a label ("abc" vs label "ab"), labels longer than the width (never match, decode
truncated), duplicate labels (the later wins), the empty-string label, embedded NULs.

Left out: object dtype ("|O"; we support only fixed-width unicode) and label lists whose codes
the astype cannot hold exactly (numcodecs raises for ints and writes wrong codes for floats/bool;
we refuse both at encode: tested in Rust).
"""

import numpy as np

from . import Case
from ._filterdata import tag

LABELS = ["ab", "é", "😀x", "水", "", "a\x00b", "abcdef"]
OTHERS = ["abc", "b", "a", "zz", "😀", "x", "éé"]


def pick(rng, pool, n, dt):
    return np.array([pool[i] for i in rng.integers(0, len(pool), n)], dtype=dt)


def cases(rng):
    out = []

    def add(name, labels, dt, data, astype=None):
        cfg = {"id": "categorize", "labels": labels, "dtype": dt}
        if astype is not None:
            cfg["astype"] = astype
        out.append(Case("categorize", name, cfg, np.asarray(data, dtype=dt)))

    # Widths and byte orders with the default astype; labels and unknown values mixed.
    for dt in ("<U1", ">U1", "<U3", ">U3", "<U10", ">U10"):
        for n in (0, 1, 7, 8, 9, 257):
            add(f"{tag(dt)}_n{n}", LABELS, dt, pick(rng, LABELS + OTHERS, n, dt))
    # Every integer and float astype in both byte orders, and bool with one label.
    for astype in ("|u1", "|i1", "<u2", ">u2", "<i2", ">i4", "<u4", "<i8", ">u8",
                   "<f2", ">f2", "<f4", ">f8"):
        for dt in ("<U3", ">U3"):
            add(f"{tag(dt)}_as_{tag(astype)}", LABELS, dt, pick(rng, LABELS + OTHERS, 33, dt), astype)
    add("leU2_as_bool", ["ok"], "<U2", pick(rng, ["ok", "no", ""], 17, "<U2"), "|b1")
    # No labels at all: everything is code 0 and decodes to "".
    add("leU4_no_labels", [], "<U4", pick(rng, OTHERS, 9, "<U4"))
    # Duplicates: the later label's code wins on encode.
    add("beU2_duplicates", ["x", "y", "x"], ">U2", pick(rng, ["x", "y", "z"], 20, ">U2"), "<u2")
    # Many labels (255 fit u1 exactly; 1000 in <u2).
    many = [f"L{i}" for i in range(1000)]
    add("leU5_255_labels", many[:255], "<U5", pick(rng, many[:300], 300, "<U5"))
    add("beU5_1000_labels_u2", many, ">U5", pick(rng, many + OTHERS, 300, ">U5"), ">u2")
    # Labels of every UTF-8 length, values that only share a prefix with a label.
    add("leU10_unicode", ["ß", "€uro", "𝄞clef", "ab"], "<U10",
        ["ß", "€uro", "𝄞clef", "ab", "abc", "a", "€", "𝄞", "ßß", "", "€uro "], "<i4")
    return out
