#!/usr/bin/env bash
# The xmip demo: install what is missing, build, run the handover demo.
# Usage: sudo scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make -j"$(nproc)"
XMIP_BUILD=build/opt /usr/bin/python3 selftests/e2e/demo.py
