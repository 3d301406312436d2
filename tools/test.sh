#!/usr/bin/env bash
# The README's test command: installs what it needs, then builds and runs the whole suite with
#   g++ 12, C++17, AddressSanitizer + UndefinedBehaviorSanitizer;
#   clang 14, C++20.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
install_packages "${core_packages[@]}" "${test_packages[@]}"

jobs=$(nproc)
started=$SECONDS

run_suite() { # run_suite NAME cmake-args...
  local name=$1
  shift
  echo "== $name"
  cmake -S . -B "build/$name" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTCCHAT_BUILD_EXAMPLES=ON "$@" >/dev/null
  cmake --build "build/$name" -j "$jobs"
  (cd "build/$name" && ctest --output-on-failure -j "$jobs")
}

run_suite gcc-cxx17-asan -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=17 -DTCCHAT_SANITIZE=address,undefined
run_suite clang-cxx20 -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_STANDARD=20

# ThreadSanitizer over the tests tagged [concurrency] (emulator, limiter, UserSig provider).
echo "== gcc-tsan"
cmake -S . -B build/gcc-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=g++ -DTCCHAT_SANITIZE=thread \
  -DTCCHAT_BUILD_EXAMPLES=OFF -DTCCHAT_BUILD_TOOLS=OFF >/dev/null
cmake --build build/gcc-tsan -j "$jobs" --target tcchat_tests
./build/gcc-tsan/tests/tcchat_tests "[concurrency]"

echo "all suites passed in $((SECONDS - started)) s"
