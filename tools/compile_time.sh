#!/usr/bin/env bash
# Compile-time budget (issue: integration): a TU that includes <tcchat.hpp> and encodes, validates and decodes
# all eight endpoints, against a TU that includes boost/json.hpp and boost/describe.hpp and parses one
# document. Both with g++ -O0, best of N runs each, measured in one run of this script.
# usage: tools/compile_time.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/baseline.cpp" <<'CPP'
#include <boost/describe.hpp>
#include <boost/json.hpp>
int main() { return boost::json::parse(R"({"a":[1,2,3]})").as_object().size() == 1 ? 0 : 1; }
CPP

cat >"$work/tcchat_all.cpp" <<'CPP'
#include <tcchat.hpp>
template <class Endpoint>
int exercise() {
    typename Endpoint::request request{};
    const std::string body = tcchat::encode(request);
    auto decoded = tcchat::decode<typename Endpoint::request>(body);
    auto report = tcchat::validate(request);
    auto response = tcchat::decode<typename Endpoint::response>(R"({"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""})");
    return (decoded ? 1 : 0) + (report.ok() ? 1 : 0) + (response ? 1 : 0) + static_cast<int>(tcchat::encode(*response).size());
}
int main() {
    int total = 0;
    boost::mp11::mp_for_each<tcchat::all_endpoints>([&](auto endpoint) { total += exercise<decltype(endpoint)>(); });
    return total > 0 ? 0 : 1;
}
CPP

best_time() { # best_time FILE -> seconds of the fastest of $runs compilations
  local best=""
  for _ in $(seq "$runs"); do
    local start end elapsed
    start=$(date +%s.%N)
    g++ -std=c++17 -O0 -I include -c "$1" -o "$work/out.o"
    end=$(date +%s.%N)
    elapsed=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || (($(echo "$elapsed < $best" | bc -l))); then best=$elapsed; fi
  done
  echo "$best"
}

baseline=$(best_time "$work/baseline.cpp")
ours=$(best_time "$work/tcchat_all.cpp")
ratio=$(echo "$ours / $baseline" | bc -l)
printf 'baseline (boost/json.hpp + boost/describe.hpp, one parse): %.2f s\n' "$baseline"
printf 'tcchat.hpp, all eight endpoints encoded, validated, decoded: %.2f s\n' "$ours"
printf 'ratio: %.2fx (target <= 3x)\n' "$ratio"
