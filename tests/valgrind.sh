#!/bin/sh
# The command-line cases (tests/cli/run.sh) with footfall run under
# valgrind's memcheck: an invalid read or write, a use of uninitialised
# memory or a definite leak makes valgrind exit 99, and the case fails on
# its exit status (and on valgrind's report in its stderr).
#   sh tests/valgrind.sh [CASE...]     (default: every case)
# Needs a build without sanitizers (valgrind cannot run an ASan binary).
# VALGRIND_SKIP names cases left out (default: hostile-gzip-bomb,
# hostile-same-instant-memory, hostile-distinct-paths-memory,
# hostile-overlong-lines-memory and the
# memory-budget-* cases, which
# measure peak memory, meaningless under valgrind, and
# overlapping-inputs-few-descriptors, whose limit on descriptors valgrind
# shares, and
# output-kept-out-of-memory and out-of-memory-stdin, which run under an
# address-space limit valgrind cannot start in, closed-std-fds, which
# closes the descriptors valgrind itself writes to, and stdin-pieces-late,
# whose TMPDIR=/nonexistent valgrind needs for its own files); VALGRIND_OPTS adds options.  The cmd files use $FOOTFALL unquoted, so the valgrind command
# line splits into words as it should.
# VALGRIND_JOBS cases run at once (default: the number of processors): each
# job takes the next case no other job has taken, and the cases' reports
# are printed in the order of the list once all are done.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
: "${FOOTFALL:=$top/src/footfall}"
: "${VALGRIND_SKIP=hostile-gzip-bomb hostile-same-instant-memory hostile-distinct-paths-memory hostile-overlong-lines-memory memory-budget-8k-paths memory-budget-1mb-paths overlapping-inputs-few-descriptors output-kept-out-of-memory out-of-memory-stdin closed-std-fds stdin-pieces-late}"
: "${VALGRIND_JOBS:=$(nproc 2>/dev/null || echo 1)}"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind: not installed (apt-get install valgrind): skipped"
	exit 77
fi
if nm "$FOOTFALL" 2>/dev/null | grep -q __asan_init; then
	echo "valgrind: $FOOTFALL is built with AddressSanitizer: skipped (build without --enable-sanitizers)"
	exit 77
fi
case $VALGRIND_JOBS in
'' | *[!0-9]* | 0) echo "valgrind: VALGRIND_JOBS must be a number of jobs, not '$VALGRIND_JOBS'"; exit 2 ;;
esac
list=
for c in ${*:-$(ls "$top/tests/cli/cases")}; do
	case " $VALGRIND_SKIP " in *" $c "*) echo "valgrind: $c skipped"; continue ;; esac
	list="$list $c"
done
FOOTFALL="valgrind --quiet --error-exitcode=99 --leak-check=full \
--suppressions=$top/tests/valgrind.supp \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
${VALGRIND_OPTS:-} $FOOTFALL"
export FOOTFALL
work=$(mktemp -d "${TMPDIR:-/tmp}/footfall-valgrind.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# One job: walks the whole list and runs each case it is first to claim
# (mkdir is atomic), keeping the case's output and exit status apart.
job() {
	for c in $list; do
		mkdir "$work/$c" 2>/dev/null || continue
		sh "$top/tests/cli/run.sh" "$c" >"$work/$c/out" 2>&1
		echo $? >"$work/$c/status"
	done
}
i=0
while [ "$i" -lt "$VALGRIND_JOBS" ]; do
	job &
	i=$((i + 1))
done
wait

passed=0 failed=0
for c in $list; do
	# run.sh's own closing line counts one case; the total follows below.
	grep -v '^cli: [0-9]* passed, [0-9]* failed$' "$work/$c/out" 2>/dev/null
	status=$(cat "$work/$c/status" 2>/dev/null)
	if [ "$status" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		grep -q "^FAIL $c" "$work/$c/out" 2>/dev/null || echo "FAIL $c: run.sh exit status ${status:-(not run)}"
	fi
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
