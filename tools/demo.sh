#!/usr/bin/env bash
# The README's demo command: every endpoint through tcchat::client against the embedded emulator.
# No account and no network are needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
install_packages "${core_packages[@]}"
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DTCCHAT_BUILD_TESTS=OFF -DTCCHAT_BUILD_TOOLS=OFF \
  -DTCCHAT_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo --target example_quickstart >/dev/null
./build/demo/examples/example_quickstart
