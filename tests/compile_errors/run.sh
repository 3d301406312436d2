#!/usr/bin/env bash
# A mistake that must not compile: compiles CASE.cpp and passes only when the compiler refuses it with the
# message the case's first line names ("// expect: TEXT"). A refusal for another reason fails, so that a typo
# in the case cannot pass for the library's check.
# usage: run.sh CASE_FILE INCLUDE_DIR CXX [FLAGS...]
set -euo pipefail
case_file=$1 include_dir=$2 cxx=$3
shift 3
expected=$(sed -n '1s|^// expect: ||p' "$case_file")
if [ -z "$expected" ]; then
  echo "$case_file: the first line must be // expect: TEXT" >&2
  exit 2
fi
if output=$("$cxx" -std=c++17 -fsyntax-only -I"$include_dir" "$@" "$case_file" 2>&1); then
  echo "$case_file compiled; it must be refused with: $expected" >&2
  exit 1
fi
if ! grep -qF -- "$expected" <<<"$output"; then
  echo "$case_file was refused, but not with: $expected" >&2
  echo "$output" | head -20 >&2
  exit 1
fi
echo "refused as expected: $expected"
