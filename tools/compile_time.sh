#!/usr/bin/env bash
# Compile-time budget (README, "Compile time"): a TU that includes <tcchat.hpp> and encodes, validates and decodes
# all eight endpoints, against a TU that includes boost/json.hpp and boost/describe.hpp and parses one
# document. Both with g++ -O0, best of N runs each, measured in one run of this script. The consumer TU is
# timed twice: header-only, and with TCCHAT_SEPARATE_COMPILATION (the codec compiled once, in the TU that
# includes <tcchat/src.hpp>, whose own time is reported too).
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

{ echo '#define TCCHAT_SEPARATE_COMPILATION'; cat "$work/tcchat_all.cpp"; } >"$work/tcchat_all_separate.cpp"
echo '#include <tcchat/src.hpp>' >"$work/tcchat_src.cpp"

best_time() { # best_time FILE -> seconds of the fastest of $runs compilations
  local best=""
  for _ in $(seq "$runs"); do
    local start end elapsed
    start=$(date +%s.%N)
    g++ -std=c++17 -O0 -I include -c "$1" -o "$work/$(basename "$1" .cpp).o"
    end=$(date +%s.%N)
    elapsed=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || (($(echo "$elapsed < $best" | bc -l))); then best=$elapsed; fi
  done
  echo "$best"
}

baseline=$(best_time "$work/baseline.cpp")
header_only=$(best_time "$work/tcchat_all.cpp")
separate=$(best_time "$work/tcchat_all_separate.cpp")
source_tu=$(best_time "$work/tcchat_src.cpp")
# The two halves of separate compilation must link into a program that runs.
g++ "$work/tcchat_all_separate.o" "$work/tcchat_src.o" -o "$work/separate" -lboost_json && "$work/separate"
printf 'baseline (boost/json.hpp + boost/describe.hpp, one parse): %.2f s\n' "$baseline"
printf 'tcchat.hpp, all eight endpoints encoded, validated, decoded, header-only: %.2f s, ratio %.2fx\n' \
  "$header_only" "$(echo "$header_only / $baseline" | bc -l)"
printf 'the same with TCCHAT_SEPARATE_COMPILATION: %.2f s, ratio %.2fx (target <= 3x)\n' \
  "$separate" "$(echo "$separate / $baseline" | bc -l)"
printf 'the one TU that includes <tcchat/src.hpp>: %.2f s, once per program\n' "$source_tu"
