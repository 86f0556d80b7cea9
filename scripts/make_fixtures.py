#!/usr/bin/env python3
"""Writes golden vectors made by numcodecs itself into tests/fixtures/<codec>/<case>/.

Run through scripts/make_fixtures.sh (which makes the pinned venv). Each case folder holds:
  config.json   numcodecs' get_config() of the codec (what we must print too)
  meta.json     {"dtype": input dtype str, "shape": [...], "exact": bool, "numcodecs": version}
  input.bin     the input array's bytes
  encoded.bin   numcodecs' encode(input)
  decoded.bin   numcodecs' decode(encoded)

Usage: make_fixtures.py [CODEC_ID ...]   (default: every codec; only those folders are rewritten)
"""

import json
import shutil
import sys
from pathlib import Path

import numcodecs
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_cases import all_cases  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def to_bytes(x):
    return np.ascontiguousarray(np.asarray(memoryview(x) if isinstance(x, (bytes, bytearray)) else x)).tobytes()


def main(argv):
    only = set(argv[1:])
    cases = [c for c in all_cases(0) if not only or c.codec in only]
    for codec_id in sorted({c.codec for c in cases}):
        shutil.rmtree(ROOT / codec_id, ignore_errors=True)
    for c in cases:
        codec = numcodecs.get_codec(dict(c.config, **c.extra))
        enc = to_bytes(codec.encode(c.data))
        dec = to_bytes(codec.decode(enc))
        d = ROOT / c.codec / c.name
        d.mkdir(parents=True, exist_ok=True)
        cfg = codec.get_config()
        (d / "config.json").write_text(json.dumps(cfg, sort_keys=True, indent=1) + "\n")
        meta = {
            "dtype": c.data.dtype.str,
            "shape": list(c.data.shape),
            "exact": c.exact,
            "numcodecs": numcodecs.__version__,
        }
        (d / "meta.json").write_text(json.dumps(meta, sort_keys=True) + "\n")
        (d / "input.bin").write_bytes(c.data.tobytes())
        (d / "encoded.bin").write_bytes(enc)
        (d / "decoded.bin").write_bytes(dec)
    print(f"wrote {len(cases)} fixture cases under {ROOT}")


if __name__ == "__main__":
    main(sys.argv)
