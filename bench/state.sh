#!/bin/sh
# bench/state.sh — what state files cost: a run with and without
# --state-out, the state's size, reading it back with footfall merge, and
# merging a month of daily states (chained with --state-in).  Run from the
# build tree's root (`make bench-state` does); bench/README lists the
# environment variables, shared with bench/run.sh.
set -u
LC_ALL=C
export LC_ALL

bench_name=bench-state
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"

FOOTFALL=${FOOTFALL:-./src/footfall}
LOGGEN=${LOGGEN:-./tests/gen/loggen}
lines=${BENCH_LINES:-1000000}
runs=${BENCH_RUNS:-5}
seed=${BENCH_SEED:-1}
data=${BENCH_DATA:-bench/data}

is_count "$lines" || die "BENCH_LINES must be a positive number of lines, not '$lines'"
is_count "$runs" || die "BENCH_RUNS must be a positive number of runs, not '$runs'"
[ -x "$LOGGEN" ] || die "no log generator at '$LOGGEN': run 'make tests/gen/loggen' (or set LOGGEN)"
[ -x "$FOOTFALL" ] || die "no footfall at '$FOOTFALL': run 'make' (or set FOOTFALL)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package time)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/footfall-bench-state.XXXXXX") || die "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# --- the data: the logs of bench/run.sh, kept in the build tree ----------

mkdir -p "$data" || die "cannot create '$data'"
[ -f "$data/.gitignore" ] || echo '*' >"$data/.gitignore"
# log DAYS: the path of the generated log of BENCH_LINES lines over DAYS days
log() {
	f=$data/combined-$lines-d$1-s$seed.log
	if [ ! -s "$f" ] || newer "$LOGGEN" "$f"; then
		echo "bench-state: generating $f ($lines lines over $1 days)..." >&2
		"$LOGGEN" --lines "$lines" --days "$1" --seed "$seed" >"$f.tmp" && mv "$f.tmp" "$f" ||
			die "cannot generate '$f'"
	fi
	printf '%s\n' "$f"
}
week=$(log 7)
month=$(log 31)
# The month cut into one file per day (day-01 ... day-31, in date order).
days=$month.daily
if [ ! -f "$days/done" ] || newer "$month" "$days/done"; then
	echo "bench-state: cutting $month into days..." >&2
	rm -rf "$days"
	mkdir -p "$days" || die "cannot create '$days'"
	awk -v dir="$days" '{
		d = substr($4, 2, 11)
		if (!(d in n)) { n[d] = ++k; if (f) close(f) }
		f = sprintf("%s/day-%02d", dir, n[d])
		print >> f
	}' "$month" || die "cannot cut '$month' into days"
	: >"$days/done"
fi
ndays=$(ls "$days"/day-* | wc -l | tr -d ' ')

# --- timing ----------------------------------------------------------------

have_hyperfine=false
if [ "${BENCH_HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null 2>&1; then
	have_hyperfine=true
fi

# run_once CMD: runs CMD under sh once with /usr/bin/time -v; sets elapsed
# (seconds), rss (KiB, the largest process) and status; stderr in $tmp/err.
run_once() {
	/usr/bin/time -v -o "$tmp/time" sh -c "$1" </dev/null >/dev/null 2>"$tmp/err"
	status=$?
	elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($2, t, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + t[i]
		print s }' "$tmp/time")
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
	[ -n "$elapsed" ] || elapsed=0
	[ -n "$rss" ] || rss=-
}

# measure LABEL N CMD: one warm-up run (which gives the peak RSS and
# catches failures), then the median of N timed runs (hyperfine when
# installed).  Appends a row: label, seconds, RSS KiB, note.
measure() {
	echo "bench-state: $1" >&2
	secs=- note=
	run_once "$3"
	if [ "$status" -ne 0 ]; then
		note="failed (exit $status): $(grep -v '^Command exited' "$tmp/err" | head -n 1 | cut -c1-60)"
	elif $have_hyperfine &&
		hyperfine --runs "$2" --style none --export-csv "$tmp/hf.csv" "$3" >/dev/null 2>&1; then
		secs=$(awk -F, 'NR == 2 { printf "%.4f", $4 }' "$tmp/hf.csv")
	else
		: >"$tmp/times"
		i=0
		while [ "$i" -lt "$2" ]; do
			run_once "$3"
			if [ "$status" -ne 0 ]; then
				note="failed (exit $status): $(head -n 1 "$tmp/err" | cut -c1-60)"
				break
			fi
			echo "$elapsed" >>"$tmp/times"
			i=$((i + 1))
		done
		[ -z "$note" ] && secs=$(median "$tmp/times")
	fi
	printf '%s\t%s\t%s\t%s\n' "$1" "$secs" "$rss" "$note" >>"$tmp/rows"
}

# once LABEL CMD: a single timed run, for the long chains.
once() {
	echo "bench-state: $1" >&2
	run_once "$2"
	if [ "$status" -ne 0 ]; then
		printf '%s\t-\t-\tfailed (exit %s): %s\n' "$1" "$status" "$(head -n 1 "$tmp/err" | cut -c1-60)" >>"$tmp/rows"
	else
		printf '%s\t%s\t%s\t\n' "$1" "$elapsed" "$rss" >>"$tmp/rows"
	fi
}

# same A B: whether two reports are byte for byte equal
same() {
	if [ ! -s "$1" ] || [ ! -s "$2" ]; then
		echo "not compared (a run failed)"
	elif cmp -s "$1" "$2"; then
		echo "equal"
	else
		echo "DIFFERENT ($(diff "$1" "$2" | grep -c '^[<>]') lines differ)"
	fi
}

# --- the runs ------------------------------------------------------------

ff=$(q "$FOOTFALL")
qweek=$(q "$week")
state=$tmp/week.state
: >"$tmp/rows"

# (a) the run without and with the state written
measure "footfall FILE" "$runs" "$ff $qweek"
measure "footfall --state-out S FILE" "$runs" "$ff --state-out $(q "$state") $qweek"
# (b) the state's size, from a run of its own so a failed timing leaves none
rm -f "$state"
"$FOOTFALL" --state-out "$state" --format json --top 0 "$week" >"$tmp/run.json" 2>"$tmp/state.err" </dev/null
state_bytes=$(wc -c <"$state" 2>/dev/null | tr -d ' ')
# (c) the state read back
measure "footfall merge S" "$runs" "$ff merge $(q "$state") --format json --top 0"
"$FOOTFALL" merge "$state" --format json --top 0 >"$tmp/merge.json" 2>/dev/null </dev/null
check_one=$(same "$tmp/run.json" "$tmp/merge.json")

# (d) a month: one run over it, 31 runs chained by --state-in, their merge
once "footfall MONTH (one run)" "$ff --format json --top 0 $(q "$month") > $(q "$tmp/month.json")"
chain=$tmp/chain.sh
prev=
for d in "$days"/day-*; do
	n=$(basename "$d")
	printf '%s %s--state-out %s %s || exit $?\n' "$ff" "${prev:+--state-in $(q "$prev") }" \
		"$(q "$tmp/$n.state")" "$(q "$d")" >>"$chain"
	prev=$tmp/$n.state
done
once "footfall --state-in --state-out DAY ($ndays)" "sh $(q "$chain")"
states=$(for d in "$days"/day-*; do printf '%s ' "$(q "$tmp/$(basename "$d").state")"; done)
measure "footfall merge $ndays daily states" "$runs" "$ff merge $states --format json"
"$FOOTFALL" merge $(for d in "$days"/day-*; do printf '%s ' "$tmp/$(basename "$d").state"; done) \
	--format json --top 0 >"$tmp/month-merge.json" 2>/dev/null </dev/null
# the same lines as the 31 daily files given at once: the inputs a merge
# lists are those files, not the month's one
"$FOOTFALL" "$days"/day-* --format json --top 0 >"$tmp/month-days.json" 2>/dev/null </dev/null
check_month=$(same "$tmp/month-days.json" "$tmp/month-merge.json")
daily_bytes=$(cat "$tmp"/day-*.state 2>/dev/null | wc -c | tr -d ' ')

# --- the report ----------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu" ] || cpu=$(uname -m)
ncpu=$(nproc 2>/dev/null || echo '?')
if $have_hyperfine; then
	how="median of $runs runs (hyperfine), peak RSS from /usr/bin/time -v; chains: one run"
else
	how="median of $runs runs (/usr/bin/time -v, 10 ms resolution); chains: one run"
fi
echo "footfall state benchmark"
echo "machine:  $ncpu CPUs (nproc), $cpu"
echo "footfall: $FOOTFALL ($("$FOOTFALL" --version 2>/dev/null | head -n 1))"
awk -v w="$week" -v m="$month" -v l="$lines" -v n="$ndays" -v wb="$(wc -c <"$week")" -v mb="$(wc -c <"$month")" 'BEGIN {
	printf "logs:     %s: %d lines over 7 days, %.1f MB\n", w, l, wb / 1e6
	printf "          %s: %d lines over 31 days, %.1f MB, cut into %d daily files\n", m, l, mb / 1e6, n }'
echo "timing:   $how"
echo
awk -F'\t' -v lines="$lines" '
{ label[NR] = $1; secs[NR] = $2; rss[NR] = $3; note[NR] = $4 }
$1 == "footfall FILE" && $2 != "-" { plain = $2 }
$1 == "footfall MONTH (one run)" && $2 != "-" { whole = $2 }
END {
	printf "%-44s %9s %10s %9s %16s\n", "command", "seconds", "lines/s", "RSS MiB", "ratio"
	for (i = 1; i <= NR; i++) {
		if (secs[i] == "-" || secs[i] == "") { printf "%-44s %s\n", label[i], note[i]; continue }
		s = secs[i] + 0
		lps = (s > 0 && label[i] !~ /merge/) ? sprintf("%.2fM", lines / s / 1e6) : "-"
		m = rss[i] == "-" ? "-" : sprintf("%.1f", rss[i] / 1024)
		r = "-"
		if (label[i] == "footfall --state-out S FILE" && plain > 0) r = sprintf("%.2fx no state", s / plain)
		if (label[i] ~ /^footfall --state-in/ && whole > 0) r = sprintf("%.2fx one run", s / whole)
		if (label[i] ~ /^footfall merge/ && plain > 0) r = sprintf("%.3fx FILE run", s / plain)
		printf "%-44s %9.3f %10s %9s %16s\n", label[i], s, lps, m, r
	}
}' "$tmp/rows"
echo
if [ -n "$state_bytes" ]; then
	awk -v b="$state_bytes" -v l="$lines" 'BEGIN {
		printf "state of the week (S): %d bytes (%.2f MiB, %.1f bytes a line)\n", b, b / 1048576, b / l }'
else
	echo "state of the week (S): not written ($(head -n 1 "$tmp/state.err" | cut -c1-60))"
fi
[ -n "$daily_bytes" ] && [ "$daily_bytes" -gt 0 ] &&
	awk -v b="$daily_bytes" -v n="$ndays" 'BEGIN {
		printf "daily states of the month: %d bytes in all (%.2f MiB, %.2f MiB a day)\n", b, b / 1048576, b / n / 1048576 }'
echo "check: merge S = the run (json, --top 0): $check_one"
echo "check: merge of the $ndays daily states = one run over the $ndays daily files (json, --top 0): $check_month"
