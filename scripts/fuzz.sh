#!/usr/bin/env bash
# `make fuzz`: schemathesis (from PyPI) against a real server on a fresh demo database, as the
# system administrator and as a community officer, within a time budget per account
# (FUZZ_SECONDS, default 90). Fails on any 5xx or any answer the OpenAPI document does not allow.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-90}"
PORT="${FUZZ_PORT:-18931}"
VENV="${ZONGGUAN_FUZZ_VENV:-/opt/zongguan-fuzz}"
PW='Zongguan@2026'
BIN=target/debug/zongguan

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis==4.32.5'
fi
[ -x "$BIN" ] || cargo build

DIR="$(mktemp -d /tmp/zongguan-fuzz.XXXXXX)"
cat > "$DIR/config.toml" <<TOML
listen = "127.0.0.1:$PORT"
data_dir = "$DIR"
database_url = "sqlite://$DIR/fuzz.db?mode=rwc"
[security]
require_totp_for_admins = false
TOML
"$BIN" --config "$DIR/config.toml" demo --scale small --password "$PW" >"$DIR/demo.log" 2>&1
"$BIN" --config "$DIR/config.toml" serve >"$DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# A session for an account: its cookie and CSRF token, sent with every request.
session() {
  local jar="$DIR/$1.cookies" csrf
  csrf=$(curl -sf -c "$jar" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "http://127.0.0.1:$PORT/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  echo "zg_session=$(awk '$6 == "zg_session" {print $7}' "$jar")" "$csrf"
}

status=0
for who in community_003002 admin; do
  read -r cookie csrf < <(session "$who")
  echo "== schemathesis as $who, ${SECONDS_EACH}s"
  # Routes that end or lock the fuzzer's own session would spend the budget on 401/423: they are
  # left to the API tests.
  "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/openapi.json" \
    -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
    --exclude-path-regex '^/api/v1/(auth/(logout|password|totp)|users/\{id\}/(lock|password|roles))' \
    --phases examples,coverage,fuzzing \
    --max-time "$SECONDS_EACH" --seed 2026 --workers 1 --request-timeout 30 \
    --report junit --report-dir "$DIR/report-$who" || status=1
done
if grep -q "panicked" "$DIR/serve.log"; then
  echo "the server panicked:"; grep -m5 "panicked" "$DIR/serve.log"; status=1
fi
echo "reports and the server log: $DIR"
exit $status
