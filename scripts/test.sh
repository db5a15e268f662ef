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
# A layer run in the background: its output goes to a log, printed (with its
# summary line) when it is joined.
declare -A bg_pids
bg_start() {  # bg_start LAYER
	local log=build/check-$1.log
	( step "$1" 1800 make SANITIZE=1 "check-$1" > "$log" 2>&1
	  echo "${results[-1]}" > "$log.result" ) &
	bg_pids[$1]=$!
}
bg_join() {  # bg_join LAYER
	local log=build/check-$1.log
	[[ -n ${bg_pids[$1]:-} ]] || return 0
	wait "${bg_pids[$1]}"
	unset "bg_pids[$1]"
	echo; echo "=============== $1 (ran in the background):"; cat "$log"
	names+=("$1")
	results+=("$(cat "$log.result" 2>/dev/null || echo "FAIL  no result")")
	[[ ${results[-1]} == PASS* ]] || fail=1
}

if step build 1200 make -j"$(nproc)" SANITIZE=1; then
	export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} -rfE --durations=5"
	# The layers `make check` runs, one by one so each gets a line in the
	# summary. Two run beside the light ones to save wall time: check-deb
	# (a build in a copy of the tree) and check-bpf (packet tests through
	# BPF_PROG_TEST_RUN, no timing). Both are joined before check-cli, which
	# lists every pinned instance, and before the timing-sensitive e2e tests.
	bg_start deb
	for target in $(sed -n 's/^check: *//p' Makefile); do
		layer=${target#check-}
		case $layer in
		deb|bpf) continue ;;
		cli|e2e|bench) bg_join deb; bg_join bpf ;;
		esac
		step "$layer" 1800 make SANITIZE=1 "$target"
		# check-bpf starts after the unit layer, whose build it would race.
		[[ $layer == unit ]] && bg_start bpf
	done
	bg_join deb; bg_join bpf
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
