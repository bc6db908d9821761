#!/usr/bin/env bash
# Every test: Rust unit and API integration (SQLite always, PostgreSQL when reachable),
# front-end unit tests and type check, and browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=1 bash scripts/deps.sh

if [ -z "${ZONGGUAN_TEST_POSTGRES_URL:-}" ]; then
  if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    export ZONGGUAN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
  else
    echo "!! PostgreSQL is not reachable on 127.0.0.1:5432: Rust tests run on SQLite only" >&2
  fi
fi
if [ -n "${ZONGGUAN_TEST_POSTGRES_URL:-}" ] && command -v psql >/dev/null; then
  # Drop the schemas that earlier runs left behind.
  psql "$ZONGGUAN_TEST_POSTGRES_URL" -qAt -c "SELECT 'DROP SCHEMA ' || nspname || ' CASCADE;' FROM pg_namespace WHERE nspname LIKE 't\_%'" \
    | psql "$ZONGGUAN_TEST_POSTGRES_URL" -q >/dev/null 2>&1 || true
fi

echo "==> lint: rustfmt, clippy -D warnings, vue-tsc"
make --no-print-directory lint

echo "==> front end: type check, build, unit tests"
(cd web && npm run build && npm test)

echo "==> Rust: unit and API integration tests (database: sqlite${ZONGGUAN_TEST_POSTGRES_URL:+ + postgres})"
cargo test --workspace

echo "==> browser tests (Playwright + /usr/bin/chromium)"
cargo build
(cd e2e && npm test)

echo "==> fuzz: schemathesis over the OpenAPI document (${FUZZ_SECONDS:-60}s per account)"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}" bash scripts/fuzz.sh
