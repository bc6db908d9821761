#!/usr/bin/env bash
# `make bench-http`: authenticated reads over HTTP with Debian's wrk at concurrency 16 and 64 —
# a community's residents page, an ID lookup, the inbox — beside /healthz, against `zongguan serve`
# on the database in DATA_DIR (default data/, where `zongguan demo --scale district` put it).
# Prints one `name req/s p99_ms errors` line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/zongguan}
DATA_DIR=${DATA_DIR:-data}
PORT=${PORT:-18181}
SECS=${SECS:-10}
PASSWORD=${DEMO_PASSWORD:-Zongguan@2026}
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
CONFIG=()
[ -f "$DATA_DIR/demo.toml" ] && CONFIG=(--config "$DATA_DIR/demo.toml")
"$BIN" "${CONFIG[@]}" serve --listen "127.0.0.1:$PORT" >/tmp/zongguan-bench-http.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 1; done
login() {
  curl -sf -c - -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" | awk '$6=="zg_session"{print $7}'
}
SESSION=$(login community_003002)
[ -n "$SESSION" ] || { echo "login failed" >&2; exit 1; }
COOKIE="Cookie: zg_session=$SESSION"
# A real identity number to look up, read in full by the district officer.
OFFICER=$(login district_officer)
RID=$(curl -sf -H "Cookie: zg_session=$SESSION" "$BASE/api/v1/residents?page_size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
NUMBER=$(curl -sf -H "Cookie: zg_session=$OFFICER" "$BASE/api/v1/residents/$RID?unmasked=true" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id_number"])')
run() {
  local name=$1 conc=$2 url=$3
  local out
  out=$(wrk -t2 -c"$conc" -d"${SECS}s" --latency -H "$COOKIE" "$url")
  local rps p99 errs
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{v=$2; if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  errs=$(awk '/Non-2xx/{print $5} /Socket errors/{print $0}' <<<"$out" | tr '\n' ' ')
  echo "$name c=$conc ${rps} req/s p99 ${p99} ms errors: ${errs:-0}"
}
for c in 16 64; do
  run healthz "$c" "$BASE/healthz"
  run residents_page "$c" "$BASE/api/v1/residents?page=1&page_size=20"
  run id_lookup "$c" "$BASE/api/v1/residents?id_number=$NUMBER"
  run inbox "$c" "$BASE/api/v1/cases/inbox?page=1&page_size=20"
done
