#!/bin/sh
# bench/ab.sh — times two commands in turn (A B A B ...) and prints each
# one's median, minimum and maximum wall time and the median of the
# pairwise ratios A/B.  On a shared machine whose speed drifts from minute
# to minute, a ratio of neighbouring runs holds where two separate series
# do not.  See bench/README.
#
#     sh bench/ab.sh [-n RUNS] 'COMMAND A' 'COMMAND B'
#
# Each command is run by sh -c with its output thrown away, after one
# warm-up run each that is not counted.  A time includes starting sh
# (about 5 ms here), the same for both commands.
set -u
LC_ALL=C
export LC_ALL

usage() {
	echo "usage: sh bench/ab.sh [-n RUNS] 'COMMAND A' 'COMMAND B'" >&2
	exit 2
}

runs=11
if [ "${1:-}" = "-n" ]; then
	[ $# -ge 2 ] || usage
	runs=$2
	shift 2
fi
case $runs in
'' | *[!0-9]*) usage ;;
esac
[ "$runs" -gt 0 ] || usage
[ $# -eq 2 ] || usage
cmd_a=$1
cmd_b=$2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/footfall-ab.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

now() {
	date +%s.%N
}

# Prints the run's wall seconds; a command that fails stops the script,
# since its time would measure nothing.
run_once() {
	start=$(now)
	if ! sh -c "$1" >/dev/null 2>"$tmp/err"; then
		echo "ab: '$1' failed:" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
	end=$(now)
	echo "$start $end" | awk '{ printf "%.4f\n", $2 - $1 }'
}

run_once "$cmd_a" >/dev/null
run_once "$cmd_b" >/dev/null
i=0
while [ "$i" -lt "$runs" ]; do
	a=$(run_once "$cmd_a")
	b=$(run_once "$cmd_b")
	echo "$a $b" >>"$tmp/pairs"
	i=$((i + 1))
done

# median of the numbers on stdin, one a line
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
stats() {
	sorted=$(sort -n)
	printf '%s\n' "$sorted" | median | tr '\n' ' '
	printf '%s\n' "$sorted" | sed -n '1p' | tr '\n' ' '
	printf '%s\n' "$sorted" | sed -n '$p'
}

echo "A: $cmd_a"
echo "B: $cmd_b"
echo "runs: $runs of each, in turn, after one warm-up run each"
printf '%-6s %10s %10s %10s\n' "" median min max
awk '{ print $1 }' "$tmp/pairs" | stats | awk '{ printf "%-6s %10.3f %10.3f %10.3f  s\n", "A", $1, $2, $3 }'
awk '{ print $2 }' "$tmp/pairs" | stats | awk '{ printf "%-6s %10.3f %10.3f %10.3f  s\n", "B", $1, $2, $3 }'
awk '{ printf "%.4f\n", ($2 > 0 ? $1 / $2 : 0) }' "$tmp/pairs" | stats |
	awk '{ printf "%-6s %10.3f %10.3f %10.3f  pairwise\n", "A/B", $1, $2, $3 }'
