#!/usr/bin/env bash
# Reproduces bench/results.md: builds the Google Benchmark suite (-O2) and writes the ratio table, with the anchors
# (simdjson, RapidJSON, and serde_json when cargo is on PATH: bench/CMakeLists.txt) measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
install_packages "${core_packages[@]}" libbenchmark-dev nlohmann-json3-dev python3 redis-server libhiredis-dev wrk \
  libsimdjson-dev rapidjson-dev librust-serde-json-dev librust-serde-derive-dev
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DTCCHAT_BUILD_BENCHMARKS=ON -DTCCHAT_BUILD_TESTS=OFF \
  -DTCCHAT_BUILD_TOOLS=ON -DTCCHAT_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/bench --target tcchat_bench_report
cmake --build build/bench --target tcchat_bench_limiter
python3 bench/limiter_report.py --binary build/bench/bench/tcchat_bench_limiter --output bench/limiter_results.md
# End to end: async and pooled sync calls against `tcchat serve` (Release), next to wrk on the same server.
cmake --build build/bench --target tcchat_bench_network tcchat_cli
python3 bench/network_report.py --tcchat build/bench/tools/tcchat --binary build/bench/bench/tcchat_bench_network \
  --output bench/network_results.md
