#!/bin/sh
# The command-line cases (tests/cli/run.sh) with footfall run under
# valgrind's memcheck: an invalid read or write, a use of uninitialised
# memory or a definite leak makes valgrind exit 99, and the case fails on
# its exit status (and on valgrind's report in its stderr).
#   sh tests/valgrind.sh [CASE...]     (default: every case)
# Needs a build without sanitizers (valgrind cannot run an ASan binary).
# VALGRIND_SKIP names cases left out (default: hostile-gzip-bomb,
# hostile-same-instant-memory and hostile-distinct-paths-memory, which
# measure peak memory, meaningless under valgrind); VALGRIND_OPTS adds options.  The cmd files use $FOOTFALL unquoted, so the valgrind command
# line splits into words as it should.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
: "${FOOTFALL:=$top/src/footfall}"
: "${VALGRIND_SKIP=hostile-gzip-bomb hostile-same-instant-memory hostile-distinct-paths-memory}"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind: not installed (apt-get install valgrind): skipped"
	exit 77
fi
if nm "$FOOTFALL" 2>/dev/null | grep -q __asan_init; then
	echo "valgrind: $FOOTFALL is built with AddressSanitizer: skipped (build without --enable-sanitizers)"
	exit 77
fi
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
# shellcheck disable=SC2086 # one word per case name
exec sh "$top/tests/cli/run.sh" $list
