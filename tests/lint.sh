#!/bin/sh
# Static analysis of src/: cppcheck and clang-tidy (checks in .clang-tidy).
# Prints each finding as FILE:LINE: message [check] and exits 0 only when
# nothing is left once the known false findings of tests/lint.supp are set
# aside; 77 (skipped, for make check) when neither tool is installed.
#   sh tests/lint.sh [FILE.c...]       (default: src/*.c)
# LINT_JOBS (2) files analysed at once by clang-tidy.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${LINT_JOBS:=2}"
files=${*:-$(ls src/*.c)}
supp=tests/lint.supp
out=$(mktemp "${TMPDIR:-/tmp}/footfall-lint.XXXXXX") || exit 2
trap 'rm -f "$out" "$out.raw"' EXIT INT TERM
ran=0

# autoconf.h comes from configure; its absence must not stop the analysis.
inc="-Isrc -I."
if [ ! -f autoconf.h ]; then
	mkdir -p "${TMPDIR:-/tmp}/footfall-lint-inc"
	printf '#define FF_UAP_REGEXES "/usr/share/uap-core/regexes.yaml"\n#define PACKAGE_VERSION "0"\n#define VERSION "0"\n' \
		>"${TMPDIR:-/tmp}/footfall-lint-inc/autoconf.h"
	# geoip.c's libmaxminddb half, when the library is there to check against
	if pkg-config --exists libmaxminddb 2>/dev/null; then
		echo '#define FF_HAVE_MAXMINDDB 1' >>"${TMPDIR:-/tmp}/footfall-lint-inc/autoconf.h"
	fi
	inc="$inc -I${TMPDIR:-/tmp}/footfall-lint-inc"
fi
deps="$(pkg-config --cflags libpcre2-8 zlib yaml-0.1 2>/dev/null) $(pkg-config --cflags libmaxminddb 2>/dev/null)"

: >"$out.raw"
if command -v cppcheck >/dev/null 2>&1; then
	ran=1
	# --template gives the same FILE:LINE: message [check] shape as
	# clang-tidy, so one suppression list serves both.
	cppcheck --enable=warning,performance,portability --std=c11 --inline-suppr -q \
		-D_GNU_SOURCE $inc --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
		$files 2>>"$out.raw"
else
	echo "lint: cppcheck not installed (apt-get install cppcheck): skipped"
fi
if command -v clang-tidy >/dev/null 2>&1; then
	ran=1
	# One process per file, LINT_JOBS at a time; only the findings are kept.
	printf '%s\n' $files | xargs -P "$LINT_JOBS" -I{} \
		clang-tidy --quiet {} -- -std=c11 -D_GNU_SOURCE $inc $deps 2>/dev/null |
		grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' >>"$out.raw"
else
	echo "lint: clang-tidy not installed (apt-get install clang-tidy): skipped"
fi
[ "$ran" = 1 ] || exit 77

# Paths relative to the tree, each finding once, known false ones dropped.
sed "s|^$top/||" "$out.raw" | sort -u | while IFS= read -r finding; do
	file=${finding%%:*}
	check=$(printf '%s\n' "$finding" | sed -n 's/.*\[\([^]]*\)\]$/\1/p')
	if grep -v '^#' "$supp" | cut -d' ' -f1 | grep -q -x -F "$file:$check"; then
		continue
	fi
	printf '%s\n' "$finding"
done >"$out"
if [ -s "$out" ]; then
	cat "$out"
	echo "lint: $(wc -l <"$out") findings (false ones go to tests/lint.supp with the reason)"
	exit 1
fi
echo "lint: clean"
