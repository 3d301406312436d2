#!/usr/bin/env bash
# fuzz/smoke.sh [SECONDS]: the CI smoke test. One build, then every target for SECONDS (default 20) in turn,
# printing each target's executions and cov edges; exits non-zero on any crash, leak or timeout.
set -euo pipefail
exec bash "$(dirname "$0")/run.sh" all "${1:-20}"
