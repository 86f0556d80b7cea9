#!/usr/bin/env bash
# Creates (or reuses) a pinned Python venv and prints its python path on the last line.
#   scripts/setup_venv.sh          numcodecs 0.16.6 (fixtures, interop, speed scripts) -> .venv
#   scripts/setup_venv.sh zarr     zarr-python 2.18.7 + numcodecs 0.15.2 (zarr interop) -> .venv-zarr
# zarr 2.18 requires numcodecs < 0.16, hence two venvs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
case "${1:-numcodecs}" in
  numcodecs) venv="$root/.venv"; req="$here/requirements.txt" ;;
  zarr) venv="$root/.venv-zarr"; req="$here/requirements-zarr.txt" ;;
  *) echo "usage: $0 [numcodecs|zarr]" >&2; exit 2 ;;
esac
stamp="$venv/.chunkcodec-requirements"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$req"; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
  cp "$req" "$stamp"
fi
echo "$venv/bin/python"
