#!/bin/sh
# Command-line tests: each directory under tests/cli/cases/ is one case.
#   cmd     a shell command run in a fresh empty directory; $FOOTFALL is the
#           binary, $FIXTURES the fixture directory, $CASE the case directory,
#           $PTYRUN COLUMNS CMD... runs CMD with its output on a terminal
#   stdout  expected standard output (absent: must be empty)
#   stderr  expected standard error (absent: must be empty)
#   status  expected exit status (absent: 0)
# FOOTFALL_REGEN=1 rewrites the expectations from what the binary does now;
# review the diff before committing it.
# Optional arguments name the cases to run; CASES_DIR names another
# directory of cases.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"
: "${LOGGEN:=$SRCDIR/tests/gen/loggen}"
# runs a command with its standard output on a terminal (tests/pty)
: "${PTYRUN:=$(dirname "$LOGGEN")/../pty/ptyrun}"
FIXTURES=$SRCDIR/tests/fixtures
export FOOTFALL LOGGEN FIXTURES SRCDIR PTYRUN
# No user or site configuration may leak into a test.
export XDG_CONFIG_HOME=/nonexistent HOME=/nonexistent LC_ALL=C TZ=UTC
# The HTML header's generation time, fixed so expected pages are exact.
export SOURCE_DATE_EPOCH=1767225600
unset NO_COLOR

# CASES_DIR: another directory of cases (tests/geo/run.sh)
cases_dir=${CASES_DIR:-$SRCDIR/tests/cli/cases}
work=$(mktemp -d "${TMPDIR:-/tmp}/footfall-cli.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

passed=0 failed=0
if [ $# -gt 0 ]; then list=$*; else list=$(ls "$cases_dir"); fi
for name in $list; do
	case=$cases_dir/$name
	[ -f "$case/cmd" ] || continue
	dir=$work/$name
	mkdir -p "$dir"
	(cd "$dir" && CASE=$case sh "$case/cmd" >"$work/$name.out" 2>"$work/$name.err")
	got_status=$?
	want_status=0
	[ -f "$case/status" ] && want_status=$(cat "$case/status")
	if [ "${FOOTFALL_REGEN:-}" = 1 ]; then
		cp "$work/$name.out" "$case/stdout"
		cp "$work/$name.err" "$case/stderr"
		[ -s "$case/stdout" ] || rm -f "$case/stdout"
		[ -s "$case/stderr" ] || rm -f "$case/stderr"
		if [ "$got_status" -ne 0 ]; then echo "$got_status" >"$case/status"; else rm -f "$case/status"; fi
		echo "rewrote $name"
		passed=$((passed + 1))
		continue
	fi
	ok=1
	if [ "$got_status" -ne "$want_status" ]; then
		echo "FAIL $name: exit status $got_status, want $want_status"
		ok=0
	fi
	for stream in stdout stderr; do
		ext=out; [ $stream = stderr ] && ext=err
		want=$case/$stream
		[ -f "$want" ] || want=/dev/null
		if ! cmp -s "$work/$name.$ext" "$want"; then
			echo "FAIL $name: $stream differs:"
			diff -u "$want" "$work/$name.$ext" | head -40
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
