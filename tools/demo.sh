#!/usr/bin/env bash
# The README's demo command: builds the tcchat tool and walks through every documented sample.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
install_packages "${core_packages[@]}"
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DTCCHAT_BUILD_TESTS=OFF -DTCCHAT_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo --target tcchat_demo >/dev/null
./build/demo/examples/tcchat_demo
