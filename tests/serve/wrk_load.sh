#!/usr/bin/env bash
# Throughput of `tcchat serve` under wrk, for numbers beyond what the ctest load test's own client can drive.
# Optional and not run by ctest: skipped when wrk is not installed.
# usage: wrk_load.sh PATH/TO/tcchat [SECONDS] [CONNECTIONS]
# Prints wrk's summary (requests/s, latency percentiles) and the server's VmRSS after a warm-up and at the end.
set -euo pipefail
tcchat=$1
seconds=${2:-10}
connections=${3:-16}
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed: skipped"
  exit 0
fi

workdir=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" || true
  fi
  rm -rf "$workdir"
}
trap stop_server EXIT

"$tcchat" serve --port 0 --quiet >"$workdir/stdout" 2>"$workdir/stderr" &
server_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$workdir/stdout" && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$workdir/stdout")
[ -n "$url" ] || { echo "tcchat serve did not start:"; cat "$workdir/stderr"; exit 1; }

resident_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }

wrk -t 2 -c "$connections" -d 2s -s "$here/wrk_mix.lua" "$url" >/dev/null # warm-up
before=$(resident_kib)
wrk -t 2 -c "$connections" -d "${seconds}s" --latency -s "$here/wrk_mix.lua" "$url"
after=$(resident_kib)
echo "server VmRSS: ${before} KiB after warm-up, ${after} KiB at the end"
