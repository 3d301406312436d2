# Sourced by run.sh: the libFuzzer build and one campaign per target. The machine is shared, so the build
# uses one job and every fuzzer runs alone under nice -n 19.

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$fuzz_dir")
build_dir=$repo_dir/build/fuzz-libfuzzer

# Debug keeps BOOST_ASSERT and the library's own checks on; -O1 keeps the fuzzers fast enough. Boost.JSON is
# compiled into each target (header-only mode) so that its parser is instrumented too. C++20 as in the clang
# test suite: in C++17, clang's -Wpedantic rejects BOOST_DESCRIBE_STRUCT's empty base list under -Werror.
build_fuzzers() {
  echo "== building the libFuzzer targets in $build_dir"
  nice -n 19 cmake -S "$repo_dir" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_STANDARD=20 \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DTCCHAT_BOOST_JSON_HEADER_ONLY=ON \
    -DTCCHAT_FUZZ_ENGINE=libfuzzer -DTCCHAT_BUILD_FUZZERS=ON -DTCCHAT_BUILD_TESTS=OFF \
    -DTCCHAT_BUILD_TOOLS=OFF -DTCCHAT_BUILD_EXAMPLES=OFF >/dev/null
  nice -n 19 cmake --build "$build_dir" -j "${TCCHAT_FUZZ_BUILD_JOBS:-1}"
}

# The harnesses this build has: fuzz/CMakeLists.txt decides (usersig_verify needs tcchat::usersig).
built_targets() {
  local program
  for program in "$build_dir"/fuzz/fuzz_*; do
    if [ -f "$program" ] && [ -x "$program" ]; then basename "$program" | sed 's/^fuzz_//'; fi
  done
}

# run_campaign TARGET SECONDS: one libFuzzer run on a copy of corpus/TARGET, so new inputs stay in the build
# tree until someone merges them; regressions/TARGET is replayed first. Prints the executions and the cov
# edges of libFuzzer's final status line; returns 1 on a crash, leak, timeout or out-of-memory.
run_campaign() {
  local target=$1 seconds=$2
  local work=$build_dir/campaigns/$target
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -R "$fuzz_dir/corpus/$target/." "$work/corpus/"
  local inputs=("$work/corpus")
  if [ -d "$fuzz_dir/regressions/$target" ]; then inputs+=("$fuzz_dir/regressions/$target"); fi

  local status=0
  nice -n 19 "$build_dir/fuzz/fuzz_$target" "${inputs[@]}" -max_total_time="$seconds" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -dict="$fuzz_dir/recentcontact.dict" -artifact_prefix="$work/artifacts/" \
    -print_final_stats=1 >"$work/fuzz.log" 2>&1 || status=$?

  # The final status line reads e.g. "#1234567  DONE   cov: 1234 ft: 5678 corp: 150/20Kb ... exec/s: 4100".
  local final executions edges findings
  final=$(grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n 1 || true)
  executions=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$final")
  edges=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$final")
  findings=$(find "$work/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' \) | wc -l)
  if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
    printf '%-18s FAILED: exit %s after %s executions\n' "$target" "$status" "${executions:-0}"
    tail -n 40 "$work/fuzz.log"
    printf 'log: %s\nartifacts: %s\n' "$work/fuzz.log" "$work/artifacts"
    return 1
  fi
  printf '%-18s %11s executions  cov: %-6s corpus %s -> %s files\n' "$target" "${executions:-?}" "${edges:-?}" \
    "$(find "$fuzz_dir/corpus/$target" -type f | wc -l)" "$(find "$work/corpus" -type f | wc -l)"
}

# run_campaigns SECONDS TARGET...: every campaign in turn, never two at once; returns 1 if any found something.
run_campaigns() {
  local seconds=$1
  shift
  local target failed=()
  for target in "$@"; do
    run_campaign "$target" "$seconds" || failed+=("$target")
  done
  if [ ${#failed[@]} -ne 0 ]; then
    echo "findings in: ${failed[*]} (see fuzz/README.md: turning a finding into a regression)"
    return 1
  fi
  echo "no findings in $# target(s), ${seconds} s each"
}
