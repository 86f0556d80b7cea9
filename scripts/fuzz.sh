#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60). Needs the nightly toolchain
# (installed with rustup here); installs cargo-fuzz if missing. Seeds each corpus from the
# numcodecs fixtures so the fuzzer starts from valid encodings.
#   scripts/fuzz.sh 20            smoke test (CI)
#   scripts/fuzz.sh 300 blosc_frame
set -euo pipefail
secs=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
# Seed corpora: encoded fixtures, prefixed with the 3 selector/limit bytes the targets read.
for t in decode_codec decode_prefilled roundtrip blosc_frame; do
  mkdir -p "corpus/$t"
  if [ -z "$(ls -A "corpus/$t")" ]; then
    i=0
    for f in "$root"/tests/fixtures/*/*/encoded.bin; do
      [ "$(stat -c %s "$f")" -le 65536 ] || continue
      { printf "\\x$(printf %02x $((i % 256)))\\xff\\x7f"; cat "$f"; } > "corpus/$t/fixture-$i"
      i=$((i + 1))
    done
  fi
done
cargo +nightly fuzz build -O
total=0
for t in "${targets[@]}"; do
  log=$(mktemp)
  if ! cargo +nightly fuzz run -O "$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: target $t FAILED (artifacts under fuzz/artifacts/$t)"
    exit 1
  fi
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | tail -n 1)
  echo "fuzz: $t: ${runs:-?} executions in ${secs}s, no finding"
  total=$((total + ${runs:-0}))
  rm -f "$log"
done
echo "fuzz: ${#targets[@]} targets, $total executions, 0 findings"
