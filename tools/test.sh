#!/usr/bin/env bash
# The README's test command: installs what it needs, then
#   1. checks that single_include/ is what tools/amalgamate.py generates from include/, and builds the API
#      reference (Doxygen, warnings are errors: tools/api_reference.py);
#   2. g++ 12, C++17, AddressSanitizer + UndefinedBehaviorSanitizer: the suite, the CLI, the examples,
#      the consumer projects and the fuzz corpus replay;
#   3. clang 14, C++20, Release (-O2, as most packagers build): the whole suite built against the single header;
#   4. ThreadSanitizer over the tests tagged [concurrency] (the transports' against the ASan build's serve) and the
#      Redis limiter's tests;
#   5. every fuzz harness for a short libFuzzer smoke run.
# Each build compiles the suite once, so each adds minutes on 2 cores: a build earns its place by what only it
# can catch. Steps 3 and 4 compile the test files in unity groups (TCCHAT_UNITY_TESTS, 40% less compile time);
# step 2 compiles them one by one, as a developer does, so the suite also runs exactly as written. The header
# check, the examples and the documentation's code run in step 2 only; in step 3 every header is a shim for the
# single header, so the header check would compile that one header 57 times.
# Warnings are errors in every build here (TCCHAT_WARNINGS_AS_ERRORS); a user's build only warns.
# Run with CI=true, a test that cannot run here (missing tool, corpus or build feature) fails instead of skipping.
# Not run here (one rebuild per mutation is too slow for CI): tools/mutate.py applies the hand-picked mutations of
# tools/mutations.json one at a time and reports which the suite kills; add one for each new piece of logic.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
install_packages "${core_packages[@]}" "${test_packages[@]}"
install_node

jobs=$(nproc)
started=$SECONDS
step() { echo "== $1 ($((SECONDS - started)) s)"; }

step "single header is current"
python3 tools/amalgamate.py --check

run_suite() { # run_suite NAME cmake-args...
  local name=$1
  shift
  step "$name"
  cmake -S . -B "build/$name" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTCCHAT_BUILD_EXAMPLES=ON -DTCCHAT_WARNINGS_AS_ERRORS=ON "$@" >/dev/null
  cmake --build "build/$name" -j "$jobs"
  (cd "build/$name" && ctest --output-on-failure -j "$jobs")
}

step "API reference (Doxygen, warnings are errors)"
python3 tools/api_reference.py build/api-reference

run_suite gcc-cxx17-asan -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=17 -DTCCHAT_SANITIZE=address,undefined \
  -DTCCHAT_CONSUMER_TESTS=ON -DTCCHAT_BUILD_FUZZERS=ON
# The last -D CMAKE_BUILD_TYPE wins: Release, at -O2.
run_suite clang-cxx20-single-header-release -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_STANDARD=20 \
  -DTCCHAT_USE_SINGLE_INCLUDE=ON -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" -DTCCHAT_UNITY_TESTS=ON \
  -DTCCHAT_BUILD_EXAMPLES=OFF -DTCCHAT_DOCUMENTATION_TESTS=OFF -DTCCHAT_HEADER_CHECK=OFF

step "gcc-tsan [concurrency] and [redis]"
# The transports' concurrent tests run their client side under TSan against the ASan build's `tcchat serve`.
cmake -S . -B build/gcc-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=g++ -DTCCHAT_SANITIZE=thread \
  -DTCCHAT_BUILD_EXAMPLES=OFF -DTCCHAT_BUILD_TOOLS=OFF -DTCCHAT_WARNINGS_AS_ERRORS=ON -DTCCHAT_UNITY_TESTS=ON \
  "-DTCCHAT_TEST_SERVE_BINARY=$PWD/build/gcc-cxx17-asan/tools/tcchat" >/dev/null
cmake --build build/gcc-tsan -j "$jobs" --target tcchat_tests tcchat_redis_tests tcchat_serve_tests
# No suppressions: Catch2 v2 is not thread-safe, so the tests assert only on the main thread (workers record).
./build/gcc-tsan/tests/tcchat_tests "[concurrency]" --warn NoTests
./build/gcc-tsan/tests/redis/tcchat_redis_tests "[redis]" --warn NoTests
./build/gcc-tsan/tests/serve/tcchat_serve_tests "[concurrency]" --warn NoTests

if [ -f fuzz/smoke.sh ]; then
  step "fuzz smoke"
  TCCHAT_FUZZ_BUILD_JOBS=$jobs bash fuzz/smoke.sh "${TCCHAT_FUZZ_SMOKE_SECONDS:-20}"
fi

echo "all suites passed in $((SECONDS - started)) s"
