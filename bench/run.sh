#!/usr/bin/env bash
# The benchmark in one command, from any folder: bash bench/run.sh [run.py options]
# Uses the `lianta` of the active environment; without one, the checkout's .venv (created, with
# lianta installed into it, if it does not exist yet).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v lianta >/dev/null 2>&1; then
    if [ ! -x "$root/.venv/bin/lianta" ]; then
        python3 -m venv "$root/.venv"
        "$root/.venv/bin/python" -m pip install --quiet -e "$root"
    fi
    # shellcheck disable=SC1091
    . "$root/.venv/bin/activate"
fi
exec python "$root/bench/run.py" "$@"
