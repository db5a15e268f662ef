#!/usr/bin/env bash
# Every test layer on a sanitizer build: unit (CMocka), BPF packet tests
# (BPF_PROG_TEST_RUN), end-to-end (network namespaces). Prints a summary and
# exits non-zero if anything failed. Usage: scripts/test.sh (as root, or as
# a user with sudo: it asks for it)
set -uo pipefail
. "$(dirname "$0")/need-root.sh" "$@"
cd "$(dirname "$0")/.."

start=$(date +%s)
declare -a names results
fail=0

step() {  # step NAME TIMEOUT_S COMMAND...
	local name=$1 limit=$2 t0 rc
	shift 2
	echo
	echo "=============== $name: $*"
	t0=$(date +%s)
	timeout --kill-after=30 "$limit" "$@"
	rc=$?
	names+=("$name")
	if ((rc == 0)); then
		results+=("PASS  ($(($(date +%s) - t0)) s)")
	else
		[[ $rc -eq 124 ]] && results+=("FAIL  timed out after $limit s") \
			|| results+=("FAIL  exit $rc ($(($(date +%s) - t0)) s)")
		fail=1
	fi
	return $rc
}

step deps 900 bash scripts/deps.sh || { echo "test.sh: dependencies missing" >&2; exit 1; }
if step build 1200 make -j"$(nproc)" SANITIZE=1; then
	export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} -rfE --durations=5"
	# check-deb builds in a copy of the tree and needs no network timing:
	# it runs beside the first, light layers and is joined before check-bpf.
	bg_log=build/check-deb.log bg_pid=
	( step deb 900 make SANITIZE=1 check-deb > "$bg_log" 2>&1
	  echo "${results[-1]}" > "$bg_log.result" ) &
	bg_pid=$!
	# The layers `make check` runs, one by one so each gets a line in the summary.
	for target in $(sed -n 's/^check: *//p' Makefile); do
		[[ $target == check-deb ]] && continue
		if [[ $target == check-bpf && -n $bg_pid ]]; then
			wait "$bg_pid"
			bg_pid=
			echo; echo "=============== deb (ran in the background):"; cat "$bg_log"
			names+=("deb")
			results+=("$(cat "$bg_log.result" 2>/dev/null || echo "FAIL  no result")")
			[[ ${results[-1]} == PASS* ]] || fail=1
		fi
		step "${target#check-}" 1800 make SANITIZE=1 "$target"
	done
fi

echo
echo "=============== summary ($(($(date +%s) - start)) s)"
for i in "${!names[@]}"; do
	printf '  %-6s %s\n' "${names[$i]}" "${results[$i]}"
done
if ((fail)); then
	echo "RESULT: FAIL (e2e logs and captures: selftests/e2e/artifacts/)"
	exit 1
fi
echo "RESULT: PASS"
