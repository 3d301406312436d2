#!/usr/bin/env bash
# Embedding checks that need a compiler of their own (docs/architecture.md, "Two copies in one program").
# usage: run.sh two_copies|visibility|abi_name SOURCE_DIR WORK_DIR CXX
#   two_copies  two static libraries, each built against its own copy of the headers (different version, one
#               different error text), linked into one program: each must see its own text, at -O0 and, with
#               g++, under -flto -Werror=odr. A control pair with the same version must collide, or the check
#               could not see a collision at all.
#   visibility  a shared library built with -fvisibility=hidden that embeds tcchat exports none of its symbols.
#   abi_name    the inline namespace's name follows exceptions and TCCHAT_ABI_TAG, and an overridden limit
#               without a tag does not compile.
set -euo pipefail
check=$1 source=$2 work=$3 cxx=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work/$check"
mkdir -p "$work/$check"
cd "$work/$check"

# copy DIR PATCH TEXT: the headers with version 0.1.PATCH and TEXT as the deadline_exceeded meaning.
copy() {
  cp -r "$source/include" "$1"
  sed -i "s/^#define TCCHAT_VERSION_PATCH 0$/#define TCCHAT_VERSION_PATCH $2/" "$1/tcchat/version.hpp"
  sed -i "s/\"The call's overall deadline passed.\"/\"$3\"/" "$1/tcchat/error.hpp"
  grep -q "TCCHAT_VERSION_PATCH $2\$" "$1/tcchat/version.hpp"
  grep -qF "\"$3\"" "$1/tcchat/error.hpp"
}

# link A_DIR B_DIR AR FLAGS...: builds both libraries and the program; answers the program's exit status.
link() {
  local a=$1 b=$2 ar=$3
  shift 3
  "$cxx" -std=c++17 "$@" -I "$a" -DLIBRARY_FUNCTION=sdk_a_text -c "$here/two_copies_lib.cpp" -o a.o
  "$cxx" -std=c++17 "$@" -I "$b" -DLIBRARY_FUNCTION=sdk_b_text -c "$here/two_copies_lib.cpp" -o b.o
  rm -f liba.a libb.a
  "$ar" rcs liba.a a.o
  "$ar" rcs libb.a b.o
  if ! "$cxx" -std=c++17 "$@" "$here/two_copies_main.cpp" liba.a libb.a -o two_copies 2>link.log; then
    cat link.log
    return 1
  fi
  ./two_copies
}

case "$check" in
  two_copies)
    copy a 0 "The call's overall deadline passed."
    copy b 1 "COPY B: the call's overall deadline passed."
    copy same_version_b 0 "COPY B: the call's overall deadline passed."
    lto=false
    if "$cxx" --version | grep -q "Free Software Foundation"; then lto=true; fi
    echo "== two versions, -O0"
    link a b ar -O0
    if $lto; then
      echo "== two versions, -O2 -flto -Werror=odr"
      link a b gcc-ar -O2 -flto -Werror=odr
    fi
    echo "== control: the same version twice, -O0 (must collide)"
    if link a same_version_b ar -O0; then
      echo "the control pair did not collide: this check cannot see a collision" >&2
      exit 1
    fi
    echo "collided, as expected"
    ;;
  visibility)
    "$cxx" -std=c++17 -O1 -fPIC -shared -fvisibility=hidden -fvisibility-inlines-hidden -I "$source/include" \
      "$here/visible_sdk.cpp" -lboost_json -o libsdk.so
    nm -D --defined-only libsdk.so | grep -q ' sdk_entry_point$' || { echo "sdk_entry_point is not exported" >&2; exit 1; }
    if nm -D --defined-only -C libsdk.so | grep -i 'tcchat'; then
      echo "tcchat symbols above are exported by an SDK built with -fvisibility=hidden" >&2
      exit 1
    fi
    echo "libsdk.so exports $(nm -D --defined-only libsdk.so | wc -l) symbols, none of them tcchat's"
    ;;
  abi_name)
    printf '#include <tcchat/config.hpp>\n#include <tcchat/error.hpp>\nint main() { return tcchat::make_error_code(tcchat::code::ok).value(); }\n' >program.cpp
    namespace_of() { # FLAGS...: the inline namespace a program built with FLAGS uses
      "$cxx" -std=c++17 "$@" -I "$source/include" program.cpp -o program
      nm -C program | grep -o 'tcchat::v[0-9a-z_]*::error_category' | head -n 1
    }
    [ "$(namespace_of)" = "tcchat::v0_1_0_e::error_category" ]
    [ "$(namespace_of -fno-exceptions)" = "tcchat::v0_1_0_ne::error_category" ]
    [ "$(namespace_of -DTCCHAT_ABI_TAG=acme_sdk)" = "tcchat::v0_1_0_e_acme_sdk::error_category" ]
    if "$cxx" -std=c++17 -DTCCHAT_MAX_DEPTH=16 -I "$source/include" -fsyntax-only program.cpp 2>refused.log; then
      echo "an overridden TCCHAT_MAX_DEPTH compiled without TCCHAT_ABI_TAG" >&2
      exit 1
    fi
    grep -q "also define TCCHAT_ABI_TAG" refused.log
    "$cxx" -std=c++17 -DTCCHAT_MAX_DEPTH=16 -DTCCHAT_ABI_TAG=depth16 -I "$source/include" -fsyntax-only program.cpp
    echo "v0_1_0_e, v0_1_0_ne, v0_1_0_e_acme_sdk; an untagged limit refused"
    ;;
  *)
    echo "unknown check $check" >&2
    exit 64
    ;;
esac
