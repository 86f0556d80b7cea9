#!/usr/bin/env bash
# Regenerates tests/fixtures/ with the pinned numcodecs (see scripts/requirements.txt).
#   scripts/make_fixtures.sh            every codec
#   scripts/make_fixtures.sh shuffle    only these codec ids
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=$("$here/setup_venv.sh" | tail -n 1)
exec "$py" "$here/make_fixtures.py" "$@"
