#!/usr/bin/env bash
# libcurl transport end to end, through `tcchat call`, which uses tcchat::curl_transport:
#   1. against `tcchat serve` on loopback: every endpoint answers as the emulator does;
#   2. against a loopback HTTPS server with a self-signed certificate: fails without the CA, connects with it.
# usage: test_curl_e2e.sh PATH/TO/tcchat WORK_DIR
set -u
tcchat=$1
work=$2
rm -rf "$work" && mkdir -p "$work"
failures=0
checks=0
source "$(dirname "${BASH_SOURCE[0]}")/../ci_skip.sh"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done; }
trap cleanup EXIT

check() { # check NAME WANT_EXIT WANT_SUBSTRING ACTUAL_EXIT ACTUAL_OUTPUT
  checks=$((checks + 1))
  if [ "$4" != "$2" ] || [[ "$5" != *"$3"* ]]; then
    echo "FAIL $1: exit $4 (want $2), output: $5 (want to contain: $3)"
    failures=$((failures + 1))
  fi
}

# 1. tcchat serve
"$tcchat" serve --port 0 --page-size 2 >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
for _ in $(seq 100); do grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
endpoint=$(sed -n 's/^listening on //p' "$work/serve.out" | head -1)
[ -n "$endpoint" ] || { echo "FAIL: tcchat serve did not start: $(cat "$work/serve.err")"; exit 1; }

call() { # call COMMAND BODY -> sets out, status
  out=$(echo "$2" | TCCHAT_USERSIG=any "$tcchat" call "$1" - --sdkappid 1400000000 --identifier admin --endpoint "$endpoint" 2>&1)
  status=$?
}
call create_contact_group '{"From_Account":"u","GroupContactItem":[{"GroupName":"g","ContactItem":[{"Type":1,"To_Account":"a"},{"Type":1,"To_Account":"b"},{"Type":2,"ToGroupId":"@G"}]}]}'
check "create over HTTP" 0 '"GroupItem":{"GroupName":"g","GroupId":1}' "$status" "$out"
call mark_contact '{"From_Account":"u","MarkItem":[{"OptType":1,"ContactItem":{"Type":1,"To_Account":"a"},"SetMark":[0,34]}]}'
check "mark over HTTP" 0 '"ResultCode":0' "$status" "$out"
call search_contact_group '{"From_Account":"u","ContactItem":[{"Type":1,"To_Account":"a"}]}'
check "search over HTTP" 0 '"StandardMark":"10000000000000000000000000000000001"' "$status" "$out"
call get_contact_group '{"From_Account":"u","StartIndex":0}'
check "get_contact_group page 1 over HTTP" 0 '"NextStartIndex":2' "$status" "$out"
call update_contact_group '{"From_Account":"u","UpdateType":1,"UpdateGroup":{"UpdateGroupType":1,"OldGroupName":"g","NewGroupName":"h"}}'
check "update over HTTP" 0 '"GroupName":"h","GroupId":1,"OldGroupName":"g"' "$status" "$out"
call del_contact_group '{"From_Account":"u","GroupName":["nope"]}'
check "server error code over HTTP" 3 '{"error":{"code":51009' "$status" "$out"
call get_list '{"From_Account":"u","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":63}'
check "get_list over HTTP" 0 '"CompleteFlag":1' "$status" "$out"
call delete '{"From_Account":"u","Type":2,"ToGroupid":"@G","ClearRamble":1}'
check "delete over HTTP" 0 '"ActionStatus":"OK"' "$status" "$out"

# 2. HTTPS with a self-signed certificate, served by a few lines of Python that answer every POST with an
#    empty get_contact_group page.
if command -v openssl >/dev/null && command -v python3 >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
  cat >"$work/https_server.py" <<'PY'
import http.server, ssl, sys
class Answer(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ContactItem":[],"CompleteFlag":1}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
  python3 "$work/https_server.py" "$work/cert.pem" "$work/key.pem" >"$work/https.port" 2>"$work/https.err" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/https.port" ] && break; sleep 0.1; done
  port=$(head -1 "$work/https.port")
  body='{"From_Account":"u","StartIndex":0}'
  out=$(echo "$body" | TCCHAT_USERSIG=any "$tcchat" call get_contact_group - --sdkappid 1 --identifier admin --endpoint "https://127.0.0.1:$port" 2>&1)
  check "HTTPS without the CA is refused" 4 '"code":90001' $? "$out"
  checks=$((checks + 1))
  if [[ "$out" != *"certificate"* ]]; then echo "FAIL: the TLS failure should name the certificate: $out"; failures=$((failures + 1)); fi
  out=$(echo "$body" | TCCHAT_USERSIG=any "$tcchat" call get_contact_group - --sdkappid 1 --identifier admin --endpoint "https://127.0.0.1:$port" --ca-file "$work/cert.pem" 2>&1)
  check "HTTPS with the CA succeeds" 0 '"CompleteFlag":1' $? "$out"
else
  skip_or_fail "curl e2e over HTTPS: openssl or python3 is not installed"
fi

echo "curl e2e: $((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
