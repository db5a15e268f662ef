# Sourced by the scripts that need root (namespaces, XDP, bpffs):
#   . "$(dirname "$0")/need-root.sh" "$@"
# Root goes on. Anyone else is run again through sudo when it is installed
# (keeping the XMIP_* settings); without sudo, says to use a root shell.
if [[ $(id -u) -ne 0 ]]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo --preserve-env=XMIP_E2E_PREFIX,XMIP_TEST_PREFIX,XMIP_BUILD,XMIP_DEMO_DIR,PYTEST_ADDOPTS \
			-- "$0" "$@"
	fi
	echo "$(basename "$0"): needs root (network namespaces, XDP, bpffs), and sudo is not" \
	     "installed: run it from a root shell (su -, then $0)" >&2
	exit 1
fi
