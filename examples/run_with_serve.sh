#!/usr/bin/env bash
# Runs an example against `tcchat serve` and compares its output with the expected file, as
# compare_output.cmake does for the in-process examples. The server's clock is fixed, so answers are stable.
# usage: run_with_serve.sh PATH/TO/tcchat PROGRAM EXPECTED WORK_DIR
set -euo pipefail
tcchat=$1 program=$2 expected=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
"$tcchat" serve --port 0 --fixed-time 1764000000 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
endpoint=$(sed -n 's/^listening on //p' "$work/serve.out" | head -1)
[ -n "$endpoint" ] || { echo "tcchat serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
"$program" "$endpoint" >"$work/actual.txt"
if ! diff -u "$expected" "$work/actual.txt"; then
  echo "output differs from $expected (the whole output is in $work/actual.txt)" >&2
  exit 1
fi
