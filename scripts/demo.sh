#!/usr/bin/env bash
# The xmip demo: install what is missing, build, run the handover demo.
# Usage: scripts/demo.sh (as root, or as a user with sudo: it asks for it)
set -euo pipefail
. "$(dirname "$0")/need-root.sh" "$@"
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make -j"$(nproc)"
XMIP_BUILD=build/opt /usr/bin/python3 selftests/e2e/demo.py
