#!/usr/bin/env bash
# CLI contract tests: exit codes and JSON output of `tcchat` (README "Command-line tool").
# usage: test_cli.sh PATH/TO/tcchat SAMPLES_DIR
set -u
tcchat=$1
samples=$2
failures=0
checks=0
source "$(dirname "${BASH_SOURCE[0]}")/../ci_skip.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

run() { # run command...: sets out, err (stderr) and status
  out=$("$@" 2>"$scratch/stderr")
  status=$?
  err=$(cat "$scratch/stderr")
}

verdict() { # verdict NAME OK DETAILS: counts one check; reports it when OK is not 0
  checks=$((checks + 1))
  if [ "$2" != 0 ]; then
    echo "FAIL $1: $3"
    failures=$((failures + 1))
  fi
}

# expect NAME EXPECTED_EXIT EXPECTED_STDOUT_SUBSTRING [EXPECTED_STDERR_SUBSTRING] -- command...
expect() {
  local name=$1 want_exit=$2 want_out=$3 want_err=""
  shift 3
  if [ "$1" != "--" ]; then want_err=$1 && shift; fi
  shift
  run "$@"
  local ok=0
  { [ "$status" = "$want_exit" ] && [[ "$out" == *"$want_out"* ]] && [[ "$err" == *"$want_err"* ]]; } || ok=1
  verdict "$name" $ok "exit $status (want $want_exit), stdout: $out (want to contain: $want_out), stderr: $err (want to contain: $want_err)"
}

# expect_usage NAME STDERR_SUBSTRING -- command...: exit 64, nothing on stdout, the reason and the usage on stderr.
expect_usage() {
  local name=$1 want_err=$2
  shift 3
  run "$@"
  local ok=0
  { [ "$status" = 64 ] && [ -z "$out" ] && [[ "$err" == *"$want_err"* ]] && [[ "$err" == *"usage: tcchat"* ]]; } || ok=1
  verdict "$name" $ok "exit $status (want 64), stdout: $out (want none), stderr: $err (want to contain: $want_err and the usage)"
}

# The compact JSON of a sample with its keys in the model's documented order, computed without tcchat: the
# spec's samples list a response's own keys in that order but the envelope last, and the model writes the
# envelope first. The second argument overrides the top-level order (for the live answer, whose keys are in
# the order the live server sent them).
compact_sample() { # compact_sample FILE [KEY,KEY,...]
  python3 - "$1" "${2:-}" <<'PY'
import json, sys
envelope = ["ActionStatus", "ErrorCode", "ErrorInfo", "ErrorDisplay"]
value = json.load(open(sys.argv[1], encoding="utf-8"))
order = sys.argv[2].split(",") if sys.argv[2] else envelope
value = {**{k: value[k] for k in order if k in value}, **{k: v for k, v in value.items() if k not in order}}
print(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
PY
}

# Every documented sample decodes, exits 0, and is written back as exactly its compact form.
if command -v python3 >/dev/null; then
  live_order=ActionStatus,ErrorCode,ErrorInfo,ErrorDisplay,ContactItem,GroupItem,CompleteFlag,NextStartIndex,CompleteTime
  decoded=0
  for file in "$samples"/*.json; do
    base=$(basename "$file")
    direction=request
    [[ "$base" == *.response* ]] && direction=response
    order=""
    [ "$base" = get_contact_group.response.live.json ] && order=$live_order
    want=$(compact_sample "$file" "$order")
    run "$tcchat" decode "${base%%.*}" "$direction" "$file"
    ok=0
    { [ "$status" = 0 ] && [ "$out" = "$want" ] && [ -z "$err" ]; } || ok=1
    verdict "decode $base" $ok "exit $status (want 0), stderr: $err
  stdout: $out
  want:   $want"
    decoded=$((decoded + 1))
  done
  verdict "samples found" $((decoded < 24)) "decoded $decoded samples in $samples (want all 24)"
else
  skip_or_fail "cli: exact output of every sample (python3 is not installed)"
fi

expect "stdin" 0 '{"From_Account":"u","StartIndex":0}' -- bash -c "echo '{\"From_Account\":\"u\",\"StartIndex\":0}' | '$tcchat' decode get_contact_group request -"
expect "syntax error is 60003" 2 '{"error":{"code":60003,"pointer":"","message":"JSON syntax error' -- \
  bash -c "echo '{\"From_Account\":' | '$tcchat' decode get_contact_group request"
expect "wrong type is 50002 with pointer" 2 '{"error":{"code":50002,"pointer":"/StartIndex","message":"expected an integer, found a string"}}' -- \
  bash -c "echo '{\"From_Account\":\"u\",\"StartIndex\":\"x\"}' | '$tcchat' decode get_contact_group request"
for file in "$samples"/*.request*.json; do
  base=$(basename "$file")
  expect "validate $base" 0 '{"valid":true}' -- "$tcchat" validate "${base%%.*}" "$file"
  expect "validate --strict $base" 0 '{"valid":true}' -- "$tcchat" validate "${base%%.*}" --strict "$file"
done
expect "validate violations" 1 '{"valid":false,"violations":[{"code":50002,"rule":"del_contact_group.from_account.non_empty","pointer":"/From_Account","message":"From_Account must not be empty"},{"code":50002,"rule":"del_contact_group.group_name.count","pointer":"/GroupName","message":"GroupName holds 2 items; allowed exactly 1"}]}' -- \
  bash -c "echo '{\"From_Account\":\"\",\"GroupName\":[\"a\",\"b\"]}' | '$tcchat' validate del_contact_group"
expect "validate strict only" 1 '"rule":"update_contact_group.new_group_name.max_bytes"' -- \
  bash -c "echo '{\"From_Account\":\"u\",\"UpdateType\":1,\"UpdateGroup\":{\"UpdateGroupType\":1,\"OldGroupName\":\"a\",\"NewGroupName\":\"$(printf 'n%.0s' {1..40})\"}}' | '$tcchat' validate update_contact_group --strict -"
expect "validate undecodable" 2 '{"error":{"code":50002,"pointer":"/MarkItem","message":"required key is missing"}}' -- \
  bash -c "echo '{\"From_Account\":\"u\"}' | '$tcchat' validate mark_contact"
expect "endpoints" 0 '"command":"get_list","path":"v4/recentcontact/get_list","read":true' -- "$tcchat" endpoints
expect "endpoints batch" 0 '"command":"mark_contact","path":"v4/recentcontact/mark_contact","read":false,"batch_limit":100' -- "$tcchat" endpoints
expect "explain" 0 '{"code":51009,"name":"conversation_group_not_found","message":"The conversation group does not exist.","retry":"never"}' -- "$tcchat" explain 51009
expect "explain retry" 0 '"retry":"after_new_usersig"' -- "$tcchat" explain 70001
expect "explain unknown" 1 '' 'tcchat: no documented code 12345' -- "$tcchat" explain 12345
expect_usage "usage" "unknown command 'frobnicate'" -- "$tcchat" frobnicate
expect_usage "usage decode" "decode takes 'request' or 'response', not 'sideways'" -- "$tcchat" decode get_list sideways
expect_usage "unknown endpoint" "unknown command 'nope'" -- "$tcchat" decode nope request /dev/null
expect "help" 0 'usage: tcchat' -- "$tcchat" --help
expect "version" 0 'tcchat 0.' -- "$tcchat" --version
expect "version lists the features built in" 0 'features: usersig curl' -- "$tcchat" --version

# usersig gen/verify (docs/protocol.md §5.2 vector V1); the key only ever comes from the environment.
key=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e
v1='eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__'
if "$tcchat" usersig 2>&1 | grep -q "no UserSig support"; then
  skip_or_fail "cli usersig gen/verify: tcchat was built without UserSig support (OpenSSL/zlib)"
else
  expect "usersig verify V1" 0 '"sdkappid":1400000000,"identifier":"xiaojun","time":1700000000,"expire":15552000,"expires_at":1715552000,"valid":true' -- \
    env TCCHAT_SECRET_KEY=$key "$tcchat" usersig verify --sdkappid 1400000000 --identifier xiaojun --now 1700000000 "$v1"
  expect "usersig verify expired" 1 '{"valid":false,"error":{"code":70001' -- \
    env TCCHAT_SECRET_KEY=$key "$tcchat" usersig verify --sdkappid 1400000000 --identifier xiaojun --now 1715552001 "$v1"
  expect "usersig verify identifier" 1 '"code":70013' -- \
    env TCCHAT_SECRET_KEY=$key "$tcchat" usersig verify --sdkappid 1400000000 --identifier someone --now 1700000000 "$v1"
  generated=$(env TCCHAT_SECRET_KEY=$key "$tcchat" usersig gen --sdkappid 1400000000 --identifier admin --expire 600 | sed -n 's/.*"usersig":"\([^"]*\)".*/\1/p')
  expect "usersig gen then verify" 0 '"identifier":"admin"' -- \
    env TCCHAT_SECRET_KEY=$key "$tcchat" usersig verify --sdkappid 1400000000 --identifier admin "$generated"
  expect "usersig verify - reads the signature from stdin" 0 '"identifier":"xiaojun","time":1700000000' -- \
    bash -c 'printf "%s\n" "$1" | env TCCHAT_SECRET_KEY="$2" "$3" usersig verify --sdkappid 1400000000 --identifier xiaojun --now 1700000000 -' \
    check "$v1" "$key" "$tcchat"
  expect_usage "usersig without key" "set TCCHAT_SECRET_KEY" -- env -u TCCHAT_SECRET_KEY "$tcchat" usersig gen --sdkappid 1 --identifier a
  expect_usage "usersig gen refuses an unknown option" "has no option --bogus" -- \
    env TCCHAT_SECRET_KEY=$key "$tcchat" usersig gen --sdkappid 1 --identifier a --bogus
  out=$(env TCCHAT_SECRET_KEY=$key "$tcchat" usersig verify --sdkappid 1400000000 --identifier xiaojun --now 1 "x$v1" 2>&1)
  checks=$((checks + 1))
  if [[ "$out" == *"$key"* ]]; then echo "FAIL usersig output leaks the key"; failures=$((failures + 1)); fi
fi

# call: validation happens before anything is sent; a dead endpoint is a transport failure.
dead=http://127.0.0.1:9
expect_usage "call refuses an unknown option" "call has no option --sdkapid" -- \
  env TCCHAT_USERSIG=x "$tcchat" call get_list /dev/null --sdkapid 1 --sdkappid 1 --identifier admin --endpoint http://127.0.0.1:9
expect_usage "call without usersig" "set TCCHAT_USERSIG" -- env -u TCCHAT_USERSIG -u TCCHAT_SECRET_KEY "$tcchat" call get_list /dev/null --sdkappid 1 --identifier admin --endpoint $dead
expect "call rejected locally" 1 '{"error":{"code":50002,"pointer":"/From_Account"' -- \
  bash -c "echo '{\"From_Account\":\"\",\"StartIndex\":0}' | TCCHAT_USERSIG=sig '$tcchat' call get_contact_group --sdkappid 1 --identifier admin --endpoint $dead"
expect "call transport failure" 4 '{"error":{"code":90001' -- \
  bash -c "echo '{\"From_Account\":\"u\",\"StartIndex\":0}' | TCCHAT_USERSIG=sig '$tcchat' call get_contact_group --sdkappid 1 --identifier admin --endpoint $dead"
expect_usage "call unknown region" "unknown region 'atlantis'" -- env TCCHAT_USERSIG=sig "$tcchat" call get_list /dev/null --sdkappid 1 --identifier admin --region atlantis

echo "cli: $((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
