#!/usr/bin/env bash
# Installs what the build and the tests need and is missing. Idempotent; run as root on Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v cc >/dev/null || need_apt+=(build-essential)
if [ "${WITH_BROWSER:-0}" = 1 ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  # Without CJK fonts every 汉字 in a screenshot is an empty box.
  fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need_apt+=(fonts-noto-cjk)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo (Rust 1.88 or newer) is required: https://rustup.rs" >&2; exit 1; }

npm_ci() {
  # Re-install only when the lock file changed since the last install.
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci web
[ "${WITH_BROWSER:-0}" = 1 ] && npm_ci e2e
exit 0
