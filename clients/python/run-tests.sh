#!/usr/bin/env bash
# Creates .build/venv-python with the pinned test packages from PyPI, installs agent-dedup into it, and runs
# the Python tests against the built `dedup` binary (DEDUP_BINARY, else .build/release, else .build/debug).
# Exits non-zero on any failure, and also when pytest collects no tests (exit 5).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/.build/venv-python"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements-test.txt"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -e "$here"
cd "$here"
set +e
"$venv/bin/python" -m pytest -q "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "python tests: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
