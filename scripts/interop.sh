#!/usr/bin/env bash
# Live interop against numcodecs (and zarr-python where scripts/zarr_interop.py exists).
# Builds the release CLI, makes the pinned venvs, runs both directions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin chunkcodec
bin="$root/target/release/chunkcodec"
py=$("$here/setup_venv.sh" | tail -n 1)
"$py" "$here/interop.py" "$bin" "$@"
if [ -f "$here/zarr_interop.py" ]; then
  zpy=$("$here/setup_venv.sh" zarr | tail -n 1)
  "$zpy" "$here/zarr_interop.py" "$bin"
  "$zpy" "$here/zarr_interop_dtypes.py" "$bin"
fi
