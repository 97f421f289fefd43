#!/usr/bin/env bash
# The one test command: installs its tools, starts moto on loopback, runs
# formatting, clippy, every Rust test (unit + integration against moto and a
# mock Slack API), lints the SAM template, and always stops moto.
#
#   bash tests/run.sh            # everything
#   SAM_BUILD=1 bash tests/run.sh  # also `sam build` the three Lambda binaries (release, slow)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
REQ="$ROOT/tests/requirements.txt"
started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

# The Python tools install (about 2 min on a clean clone, mostly download and
# unpacking) runs in the background while fmt and clippy use the CPU; moto is
# the first thing that needs them.
step "python tools (.venv), in the background"
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
TOOLS_LOG="$(mktemp)"
install_tools() {
  if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
    echo "$want" > "$stamp"
    echo "installed $VENV"
  else
    echo "reusing $VENV"
  fi
}
install_tools >"$TOOLS_LOG" 2>&1 &
TOOLS_PID=$!
MOTO_PID=""
MOTO_LOG=""
cleanup() {
  kill "$TOOLS_PID" 2>/dev/null || true
  if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
  rm -f "$MOTO_LOG" "$TOOLS_LOG"
}
trap cleanup EXIT

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "python tools (.venv)"
if ! wait "$TOOLS_PID"; then
  cat "$TOOLS_LOG"
  echo "installing the Python tools into $VENV failed" >&2
  exit 1
fi
cat "$TOOLS_LOG"

step "moto server"
PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
MOTO_LOG="$(mktemp)"
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$MOTO_LOG" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/moto-api/')" 2>/dev/null; then break; fi
  if ! kill -0 "$MOTO_PID" 2>/dev/null; then cat "$MOTO_LOG"; echo "moto server failed to start" >&2; exit 1; fi
  sleep 0.2
done
echo "moto on 127.0.0.1:$PORT"
export MOTO_ENDPOINT="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_EC2_METADATA_DISABLED=true

step "cargo test"
cargo test --workspace --locked

step "template lint"
bash infra/lint.sh "$VENV/bin"

if [ "${SAM_BUILD:-0}" = "1" ]; then
  step "sam build (cargo lambda, release)"
  PATH="$VENV/bin:$PATH" SAM_CLI_TELEMETRY=0 sam build
fi

step "done"
