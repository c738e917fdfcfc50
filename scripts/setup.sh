#!/usr/bin/env bash
# Create .venv with a Python 3.12+ interpreter and install the project. Idempotent and quick
# when nothing changed (the install is skipped while pyproject.toml is unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.14 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    # pyenv shims exist for every version but fail unless that version is selected: ask it.
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  if ! PY=$(find_python); then
    echo "error: Provenance needs Python 3.12 or newer, and none was found on the PATH." >&2
    echo "       Install python3.12 (or newer), or set PYTHON=/path/to/python3.12, and try again." >&2
    exit 1
  fi
  echo "Using $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
  rm -rf .venv
  "$PY" -m venv .venv
fi

stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
