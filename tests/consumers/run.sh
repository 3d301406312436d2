#!/usr/bin/env bash
# Builds and runs tests/consumers/consumer.cpp in one integration style.
# usage: run.sh add_subdirectory|fetchcontent|find_package|single_header|pkg_config SOURCE_DIR WORK_DIR CXX [PREFIX]
set -euo pipefail
style=$1 source=$2 work=$3 cxx=$4 prefix=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work/$style"
mkdir -p "$work/$style"
cd "$work/$style"
case "$style" in
  add_subdirectory | fetchcontent | find_package)
    cmake -S "$here/$style" -B build -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DTCCHAT_SOURCE_DIR="$source" \
      -DCMAKE_PREFIX_PATH="$prefix" >configure.log
    cmake --build build >build.log
    ./build/consumer
    ;;
  single_header)
    "$cxx" -std=c++17 -I "$source/single_include" "$here/consumer.cpp" -lboost_json -o consumer
    ./consumer
    ;;
  pkg_config)
    export PKG_CONFIG_PATH="$prefix/share/pkgconfig"
    # shellcheck disable=SC2046 # pkg-config prints several words on purpose
    "$cxx" $(pkg-config --cflags tcchat) "$here/consumer.cpp" $(pkg-config --libs tcchat) -o consumer
    ./consumer
    ;;
  *)
    echo "unknown style $style" >&2
    exit 64
    ;;
esac
