#!/usr/bin/env bash
# Lints and tests the kernels crate for aarch64 (the NEON paths) on an x86-64 host: cross-builds
# with aarch64-linux-gnu-gcc as the linker and runs the test binaries under qemu-aarch64
# (user mode). Installs what is missing: the rustup target, clippy, and the apt packages
# qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross (needs apt-get and root or sudo; exits
# non-zero with a message otherwise).
#   scripts/check_neon.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=aarch64-unknown-linux-gnu
sysroot=/usr/aarch64-linux-gnu
say() { printf 'check_neon: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx "$target"; then
  say "adding rust target $target"
  rustup target add "$target"
fi
if ! cargo clippy --version >/dev/null 2>&1; then
  say "adding the clippy component"
  rustup component add clippy
fi

missing=()
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
[ -e "$sysroot/lib/libc.so" ] || missing+=(libc6-dev-arm64-cross)
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing ${missing[*]} and apt-get is not available: install the equivalents of" \
      "qemu-user (qemu-aarch64), gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (sysroot" \
      "$sysroot) with this system's package manager" >&2
    exit 2
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      say "missing ${missing[*]}: apt-get needs root and sudo is not available" >&2
      exit 2
    fi
  fi
  say "installing ${missing[*]} with apt-get"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L $sysroot"

say "cargo clippy (aarch64)"
cargo clippy -p chunkcodec-kernels --all-targets --target "$target" -- -D warnings
say "cargo test (aarch64, under qemu-aarch64)"
cargo test -p chunkcodec-kernels --release --target "$target"
say "ok"
