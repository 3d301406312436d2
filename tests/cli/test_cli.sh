#!/usr/bin/env bash
# CLI contract tests: exit codes and JSON output of `tcchat` (README "Command-line tool").
# usage: test_cli.sh PATH/TO/tcchat SAMPLES_DIR
set -u
tcchat=$1
samples=$2
failures=0
checks=0

expect() { # expect NAME EXPECTED_EXIT EXPECTED_STDOUT_SUBSTRING -- command...
  local name=$1 want_exit=$2 want_out=$3
  shift 4
  local out status
  out=$("$@" 2>/dev/null)
  status=$?
  checks=$((checks + 1))
  if [ "$status" != "$want_exit" ] || [[ "$out" != *"$want_out"* ]]; then
    echo "FAIL $name: exit $status (want $want_exit), stdout: $out (want to contain: $want_out)"
    failures=$((failures + 1))
  fi
}

# Every documented sample decodes and exits 0.
for file in "$samples"/*.request*.json; do
  base=$(basename "$file")
  expect "decode $base" 0 '"From_Account":' -- "$tcchat" decode "${base%%.*}" request "$file"
done
for file in "$samples"/*.response*.json; do
  base=$(basename "$file")
  expect "decode $base" 0 '"ActionStatus":"OK"' -- "$tcchat" decode "${base%%.*}" response "$file"
done

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
expect "explain unknown" 1 '' -- "$tcchat" explain 12345
expect "usage" 64 '' -- "$tcchat" frobnicate
expect "usage decode" 64 '' -- "$tcchat" decode get_list sideways
expect "unknown endpoint" 64 '' -- "$tcchat" decode nope request /dev/null
expect "help" 0 'usage: tcchat' -- "$tcchat" --help
expect "version" 0 'tcchat 0.' -- "$tcchat" --version

# usersig gen/verify (docs/protocol.md §5.2 vector V1); the key only ever comes from the environment.
key=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e
v1='eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__'
if "$tcchat" usersig 2>&1 | grep -q "no UserSig support"; then
  echo "usersig: skipped (built without OpenSSL/zlib)"
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
  expect "usersig without key" 64 '' -- env -u TCCHAT_SECRET_KEY "$tcchat" usersig gen --sdkappid 1 --identifier a
  out=$(env TCCHAT_SECRET_KEY=$key "$tcchat" usersig verify --sdkappid 1400000000 --identifier xiaojun --now 1 "x$v1" 2>&1)
  checks=$((checks + 1))
  if [[ "$out" == *"$key"* ]]; then echo "FAIL usersig output leaks the key"; failures=$((failures + 1)); fi
fi

# call: validation happens before anything is sent; a dead endpoint is a transport failure.
dead=http://127.0.0.1:9
expect "call without usersig" 64 '' -- env -u TCCHAT_USERSIG -u TCCHAT_SECRET_KEY "$tcchat" call get_list /dev/null --sdkappid 1 --identifier admin --endpoint $dead
expect "call rejected locally" 1 '{"error":{"code":50002,"pointer":"/From_Account"' -- \
  bash -c "echo '{\"From_Account\":\"\",\"StartIndex\":0}' | TCCHAT_USERSIG=sig '$tcchat' call get_contact_group --sdkappid 1 --identifier admin --endpoint $dead"
expect "call transport failure" 4 '{"error":{"code":90001' -- \
  bash -c "echo '{\"From_Account\":\"u\",\"StartIndex\":0}' | TCCHAT_USERSIG=sig '$tcchat' call get_contact_group --sdkappid 1 --identifier admin --endpoint $dead"
expect "call unknown region" 64 '' -- env TCCHAT_USERSIG=sig "$tcchat" call get_list /dev/null --sdkappid 1 --identifier admin --region atlantis

echo "cli: $((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
