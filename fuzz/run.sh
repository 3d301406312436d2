#!/usr/bin/env bash
# fuzz/run.sh TARGET|all SECONDS: builds the libFuzzer targets (clang++-14, ASan + UBSan) into
# build/fuzz-libfuzzer and runs one campaign of SECONDS per target, one target after the other.
# Exits 1 on any crash, leak, timeout or out-of-memory; the input is kept under build/fuzz-libfuzzer/campaigns.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET|all SECONDS" >&2
  exit 2
fi
build_fuzzers
mapfile -t available < <(built_targets)
if [ ${#available[@]} -eq 0 ]; then
  echo "the build produced no fuzz_* programs" >&2
  exit 2
fi
if [ "$1" = all ]; then
  targets=("${available[@]}")
elif printf '%s\n' "${available[@]}" | grep -qx -- "$1"; then
  targets=("$1")
else
  echo "unknown target '$1'; this build has: ${available[*]}" >&2
  exit 2
fi
run_campaigns "$2" "${targets[@]}" || exit 1
