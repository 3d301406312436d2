#!/usr/bin/env bash
# The contract tests (docs/contract.md): the document `tcchat schema` prints is the committed docs/openapi.json,
# `tcchat serve` answers GET /openapi.json with the same bytes, python3-jsonschema accepts it (check_contract.py)
# and so does swagger-parser from npm (installed into NPM_PREFIX when it is not there yet).
# usage: run_contract_tests.sh TCCHAT REPOSITORY WORK_DIR NPM_PREFIX
set -euo pipefail
tcchat=$1 repository=$2 work=$3 npm_prefix=$4
mkdir -p "$work"
checks=0 failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
source "$repository/tests/ci_skip.sh"

"$tcchat" schema >"$work/openapi.json"
"$tcchat" schema --strict >"$work/openapi.strict.json"
"$tcchat" endpoints >"$work/endpoints.json"
cmp -s "$work/openapi.json" "$repository/docs/openapi.json" ||
  fail "docs/openapi.json is not what tcchat schema prints; regenerate it: tcchat schema > docs/openapi.json"
cmp -s "$work/openapi.json" "$work/openapi.strict.json" && fail "--strict changes nothing"

# GET /openapi.json from a real tcchat serve.
"$tcchat" serve --port 0 --quiet >"$work/serve.out" 2>"$work/serve.err" &
serve=$!
trap 'kill $serve 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$url" ] || { cat "$work/serve.err"; fail "tcchat serve did not start"; exit 1; }
curl -sS --fail -o "$work/served.json" "$url/openapi.json"
cmp -s "$work/served.json" "$work/openapi.json" || fail "GET /openapi.json differs from tcchat schema"
# Only GET and HEAD read the document; a POST there is a call to a path outside the eight commands (60009).
curl -s -X POST "$url/openapi.json" -d '{}' | grep -q '"ErrorCode":60009' || fail "POST /openapi.json is not answered 60009"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v4/recentcontact/get_list")" = 405 ] || fail "GET of a command is not 405"

# Debian's python3 with Debian's python3-jsonschema, whatever python3 comes first on PATH.
if /usr/bin/python3 -c "import jsonschema" 2>/dev/null; then
  /usr/bin/python3 "$repository/tests/contract/check_contract.py" "$work/openapi.json" "$work/openapi.strict.json" "$repository" \
    "$work/endpoints.json" ||
    fail "check_contract.py"
else
  skip_or_fail "the JSON Schema checks need Debian's python3-jsonschema"
fi

modules="$npm_prefix/node_modules"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  skip_or_fail "the OpenAPI check needs node and npm"
else
  if [ ! -d "$modules/@apidevtools/swagger-parser" ]; then
    npm install --prefix "$npm_prefix" --no-save --no-audit --no-fund --silent @apidevtools/swagger-parser@10 >/dev/null ||
      fail "npm could not install @apidevtools/swagger-parser"
  fi
  for document in "$work/openapi.json" "$work/openapi.strict.json"; do
    TCCHAT_NPM_MODULES="$modules" node "$repository/tests/contract/swagger_parser.mjs" "$document" || fail "swagger-parser: $document"
  done
fi

[ "$failures" -eq 0 ] && echo "contract: all checks passed"
exit "$failures"
