#!/usr/bin/env bash
# The CLI's input boundary: FILE or stdin is read only up to the body limit (an endless stdin ends in 90005
# and exit 2 at once, not in an out-of-memory abort), and a FILE that cannot be read, a directory among them,
# is an I/O error with its reason, not a JSON syntax error.
# usage: test_cli_input.sh PATH/TO/tcchat
set -u
tcchat=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

check() { # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if ! "$@"; then
    echo "FAIL $name"
    failures=$((failures + 1))
  fi
}

run() { # run STDIN-FILE ARGS...: sets status, out and err; stops a command that does not end within 20 s
  local input=$1
  shift
  out=$(timeout 20 "$tcchat" "$@" <"$input" 2>"$work/err")
  status=$?
  err=$(cat "$work/err")
}

# An over-limit regular file: refused by size, like stdin.
head -c $((8 * 1024 * 1024 + 1)) /dev/zero >"$work/big.json"
# call fails on its input before it needs a server or a valid signature.
call_args=(--sdkappid 1400000000 --identifier admin --endpoint http://127.0.0.1:9)
export TCCHAT_USERSIG=x

for cmd in "decode get_list request" "validate get_list" "call get_list"; do
  read -r -a words <<<"$cmd"
  extra=()
  [ "${words[0]}" = call ] && extra=("${call_args[@]}")

  run /dev/zero "${words[@]}" - "${extra[@]}"
  check "$cmd on endless stdin exits 2 (got $status)" [ "$status" = 2 ]
  check "$cmd on endless stdin answers 90005: $out" grep -q '"code":90005' <<<"$out"
  check "$cmd on endless stdin names the limit: $out" grep -q 'larger than 8388608 bytes' <<<"$out"

  run /dev/null "${words[@]}" "$work/big.json" "${extra[@]}"
  check "$cmd on an oversized file exits 2 (got $status)" [ "$status" = 2 ]
  check "$cmd on an oversized file answers 90005: $out" grep -q '"code":90005' <<<"$out"

  run /dev/null "${words[@]}" "$work" "${extra[@]}"
  check "$cmd on a directory exits 64 (got $status)" [ "$status" = 64 ]
  check "$cmd on a directory says so: $err" grep -q "cannot read $work: Is a directory" <<<"$err"
  check "$cmd on a directory prints no decode error: $out" [ -z "$out" ]

  run /dev/null "${words[@]}" "$work/missing.json" "${extra[@]}"
  check "$cmd on a missing file exits 64 (got $status)" [ "$status" = 64 ]
  check "$cmd on a missing file says why: $err" grep -q "cannot read $work/missing.json: No such file or directory" <<<"$err"
done

# Within the limit, stdin still works.
echo '{"From_Account":"u","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":7}' >"$work/ok.json"
run "$work/ok.json" decode get_list request -
check "decode from stdin exits 0 (got $status)" [ "$status" = 0 ]

# Both sides of the body limit (TCCHAT_MAX_BODY_BYTES, 8 MiB): a request of exactly the limit, padded with JSON
# whitespace, is read and decoded; one byte more is refused with 90005.
limit=$((8 * 1024 * 1024))
pad_to() { # pad_to SIZE OUT: ok.json preceded by spaces, SIZE bytes in all
  { head -c $(($1 - $(stat -c %s "$work/ok.json"))) /dev/zero | tr '\0' ' '; cat "$work/ok.json"; } >"$2"
}
pad_to "$limit" "$work/exact.json"
pad_to $((limit + 1)) "$work/over.json"
check "the exact-limit file is $limit bytes" [ "$(stat -c %s "$work/exact.json")" = "$limit" ]
for source in file stdin; do
  if [ $source = file ]; then run /dev/null decode get_list request "$work/exact.json"; else run "$work/exact.json" decode get_list request -; fi
  check "a $source of exactly $limit bytes exits 0 (got $status): $out" [ "$status" = 0 ]
  check "a $source of exactly $limit bytes decodes: $out" grep -q '"From_Account":"u"' <<<"$out"
  if [ $source = file ]; then run /dev/null decode get_list request "$work/over.json"; else run "$work/over.json" decode get_list request -; fi
  check "a $source of $limit + 1 bytes exits 2 (got $status)" [ "$status" = 2 ]
  check "a $source of $limit + 1 bytes answers 90005: $out" grep -q '"code":90005' <<<"$out"
done

if [ "$failures" -ne 0 ]; then
  echo "$failures CLI input checks failed"
  exit 1
fi
echo "all CLI input checks passed"
