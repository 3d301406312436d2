# Sourced by the shell tests. skip_or_fail WHAT: a part of a test that cannot run here (a tool or a build
# feature is missing). Under CI (CI=true) it is a failure, counted in $checks and $failures; anywhere else it
# is announced on stderr with the word SKIPPED, so that a pass never hides it. tests/ci_skip.hpp is the C++ twin.
skip_or_fail() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL $1 (under CI=true a skip is a failure)"
    checks=$((checks + 1))
    failures=$((failures + 1))
  else
    echo "SKIPPED: $1" >&2
  fi
}
