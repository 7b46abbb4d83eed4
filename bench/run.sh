#!/bin/sh
# bench/run.sh — measures footfall's throughput against cat, zcat and, when
# it is installed, GoAccess, on a large log made by tests/gen/loggen.  Run
# from the build tree's root (`make bench` does); see bench/README for the
# environment variables.
set -u
LC_ALL=C
export LC_ALL

bench_name=bench
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"

FOOTFALL=${FOOTFALL:-./src/footfall}
LOGGEN=${LOGGEN:-./tests/gen/loggen}
FOOTFALL_ARGS=${FOOTFALL_ARGS:-}
lines=${BENCH_LINES:-1000000}
runs=${BENCH_RUNS:-5}
days=${BENCH_DAYS:-7}
seed=${BENCH_SEED:-1}
data=${BENCH_DATA:-bench/data}
goaccess_runs=${BENCH_GOACCESS_RUNS:-3}

is_count "$lines" || die "BENCH_LINES must be a positive number of lines, not '$lines'"
is_count "$runs" || die "BENCH_RUNS must be a positive number of runs, not '$runs'"
is_count "$days" || die "BENCH_DAYS must be a positive number of days, not '$days'"
is_count "$goaccess_runs" || die "BENCH_GOACCESS_RUNS must be a positive number, not '$goaccess_runs'"
[ "$goaccess_runs" -gt "$runs" ] && goaccess_runs=$runs
[ -x "$LOGGEN" ] || die "no log generator at '$LOGGEN': run 'make tests/gen/loggen' (or set LOGGEN)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/footfall-bench.XXXXXX") || die "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' HUP INT TERM

# --- the data: generated once, kept in the build tree -------------------

mkdir -p "$data" || die "cannot create '$data'"
[ -f "$data/.gitignore" ] || echo '*' >"$data/.gitignore"
log=$data/combined-$lines-d$days-s$seed.log
gz=$log.gz
if [ ! -s "$log" ] || newer "$LOGGEN" "$log"; then
	echo "bench: generating $log ($lines lines)..." >&2
	if ! "$LOGGEN" --lines "$lines" --days "$days" --seed "$seed" >"$log.tmp" || ! mv "$log.tmp" "$log"; then
		die "cannot generate '$log'"
	fi
	rm -f "$gz"
fi
if [ ! -s "$gz" ] || newer "$log" "$gz"; then
	echo "bench: compressing $gz..." >&2
	if ! gzip -n -6 -c "$log" >"$gz.tmp" || ! mv "$gz.tmp" "$gz"; then
		die "cannot write '$gz'"
	fi
fi
# The same log cut into one file per day, for standard input in pieces
# (rotated logs catenated newest first, as `zcat access.log.*` lists them).
pieces=$log.days
if [ ! -f "$pieces/done" ] || newer "$log" "$pieces/done"; then
	echo "bench: cutting $log into days..." >&2
	rm -rf "$pieces"
	mkdir -p "$pieces" || die "cannot create '$pieces'"
	awk -v dir="$pieces" '{
		day = substr($4, 2, 11)
		if (day != last) { n++; last = day; if (f) close(f); f = sprintf("%s/day-%03d", dir, n) }
		print > f
	}' "$log" || die "cannot cut '$log' into days"
	: >"$pieces/done"
fi
bytes=$(wc -c <"$log" | tr -d ' ')
gzbytes=$(wc -c <"$gz" | tr -d ' ')

# --- timing --------------------------------------------------------------

have_time=false
[ -x /usr/bin/time ] && /usr/bin/time -f '%e %M' -o "$tmp/probe" true 2>/dev/null && have_time=true
have_hyperfine=false
if [ "${BENCH_HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null 2>&1; then
	have_hyperfine=true
fi

now_ns() {
	date +%s%N
}

# run_once CMD: runs CMD under sh once; sets elapsed (s), rss (KiB or -),
# status, and leaves stderr in $tmp/err.
run_once() {
	if $have_time; then
		/usr/bin/time -f 'TIME %e %M' -o "$tmp/time" sh -c "$1" </dev/null >/dev/null 2>"$tmp/err"
		status=$?
		# shellcheck disable=SC2046 # split "TIME secs kib" into words
		set -- $(grep '^TIME ' "$tmp/time" | tail -n 1)
		elapsed=${2:-0}
		rss=${3:--}
	else
		t0=$(now_ns)
		sh -c "$1" </dev/null >/dev/null 2>"$tmp/err"
		status=$?
		t1=$(now_ns)
		elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		rss=-
	fi
}

# measure LABEL N CMD [slow]: one warm-up run (which also gives the peak
# RSS and catches failures), then the median time of N runs (hyperfine
# when installed, else /usr/bin/time).  A slow command's warm-up run counts
# as its first timed run, under /usr/bin/time.  Sets m_secs, m_rss, m_note.
measure() {
	label=$1
	n=$2
	cmd=$3
	slow=${4:-}
	m_secs=
	m_rss=-
	m_note=
	echo "bench: $label" >&2
	run_once "$cmd"
	if [ "$status" -ne 0 ]; then
		m_note="failed (exit $status): $(head -n 1 "$tmp/err" | cut -c1-60)"
		return
	fi
	m_rss=$rss
	: >"$tmp/times"
	i=0
	if [ -n "$slow" ]; then
		echo "$elapsed" >>"$tmp/times"
		i=1
	elif $have_hyperfine; then
		if hyperfine --runs "$n" --style none --export-csv "$tmp/hf.csv" "$cmd" >/dev/null 2>"$tmp/hf.err"; then
			m_secs=$(awk -F, 'NR == 2 { printf "%.4f", $4 }' "$tmp/hf.csv")
			return
		fi
	fi
	while [ "$i" -lt "$n" ]; do
		run_once "$cmd"
		if [ "$status" -ne 0 ]; then
			m_note="failed (exit $status): $(head -n 1 "$tmp/err" | cut -c1-60)"
			return
		fi
		echo "$elapsed" >>"$tmp/times"
		[ "$rss" != - ] && [ "$m_rss" != - ] && [ "$rss" -gt "$m_rss" ] && m_rss=$rss
		i=$((i + 1))
	done
	m_secs=$(median "$tmp/times")
}

# --- the runs ------------------------------------------------------------

qlog=$(q "$log")
qgz=$(q "$gz")
qff=$(q "$FOOTFALL")
: >"$tmp/rows"

# row LABEL KIND N CMD [slow]  (KIND: plain or gzip, for the ratio column)
row() {
	measure "$1" "$3" "$4" "${5:-}"
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${m_secs:--}" "$m_rss" "$m_note" >>"$tmp/rows"
}

skip() {
	printf '%s\t%s\t-\t-\t%s\n' "$1" "$2" "$3" >>"$tmp/rows"
}

row "cat FILE" plain "$runs" "cat $qlog >/dev/null"
row "zcat FILE.gz" gzip "$runs" "gzip -dc $qgz >/dev/null"

if [ -x "$FOOTFALL" ]; then
	ffa=${FOOTFALL_ARGS:+$FOOTFALL_ARGS }
	row "footfall ${ffa}FILE" plain "$runs" "$qff $FOOTFALL_ARGS $qlog >/dev/null"
	# the summary alone: classification and visits, but none of the
	# other reports' counts
	row "footfall --report summary ${ffa}FILE" plain "$runs" "$qff --report summary $FOOTFALL_ARGS $qlog >/dev/null"
	row "footfall --threads 1 ${ffa}FILE" plain "$runs" "$qff --threads 1 $FOOTFALL_ARGS $qlog >/dev/null"
	row "footfall ${ffa}FILE.gz" gzip "$runs" "$qff $FOOTFALL_ARGS $qgz >/dev/null"
	row "zcat FILE.gz | footfall ${FOOTFALL_ARGS}" gzip "$runs" "gzip -dc $qgz | $qff $FOOTFALL_ARGS >/dev/null"
	# standard input: a regular file, a pipe, and the days newest first
	# (a second, time-sorted pass over a copy in TMPDIR)
	row "footfall ${ffa}< FILE" plain "$runs" "$qff $FOOTFALL_ARGS < $qlog >/dev/null"
	row "cat FILE | footfall ${FOOTFALL_ARGS}" plain "$runs" "cat $qlog | $qff $FOOTFALL_ARGS >/dev/null"
	qdays=$(for f in $(ls -r "$pieces"/day-*); do printf '%s ' "$(q "$f")"; done)
	row "cat DAYS newest first | footfall ${FOOTFALL_ARGS}" plain "$runs" "cat $qdays| $qff $FOOTFALL_ARGS >/dev/null"
else
	skip "footfall FILE" plain "not built ($FOOTFALL)"
	skip "footfall FILE.gz" gzip "not built ($FOOTFALL)"
	skip "zcat FILE.gz | footfall" gzip "not built ($FOOTFALL)"
fi

if [ "${BENCH_GOACCESS:-1}" != 0 ] && command -v goaccess >/dev/null 2>&1; then
	ga="--log-format=COMBINED --no-global-config --no-ip-validation --no-progress -o $(q "$tmp/goaccess.json")"
	row "goaccess FILE -o json" plain "$goaccess_runs" "goaccess $qlog $ga" slow
fi

# A benchmark of a program that skips lines measures nothing: check the
# count footfall reports (its JSON summary) against the generator's.
json_lines() {
	# shellcheck disable=SC2086,SC2020 # FOOTFALL_ARGS is a list of options
	"$FOOTFALL" $FOOTFALL_ARGS --format json "$@" "$log" 2>/dev/null </dev/null |
		tr ',{' '\n\n' | sed -n 's/^ *"lines": *\([0-9][0-9]*\).*/\1/p' | head -n 1
}
ff_check=
if [ -x "$FOOTFALL" ]; then
	counted=$(json_lines --report summary)
	[ -n "$counted" ] || counted=$(json_lines)
	if [ -z "$counted" ]; then
		ff_check="footfall's line count: could not read it from its --format json summary"
	elif [ "$counted" = "$lines" ]; then
		ff_check="footfall's line count: $counted (as generated)"
	else
		ff_check="footfall's line count: $counted, but the log has $lines lines"
	fi
fi

# --- the report ----------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
[ -n "$cpu" ] || cpu=$(uname -m)
ncpu=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
if $have_hyperfine; then
	how="median of $runs runs (hyperfine; GoAccess $goaccess_runs, /usr/bin/time), peak RSS from /usr/bin/time"
elif $have_time; then
	how="median of $runs runs (/usr/bin/time; GoAccess $goaccess_runs)"
else
	how="median of $runs runs (date; no /usr/bin/time, so no RSS)"
fi
ffversion=$("$FOOTFALL" --version 2>/dev/null | head -n 1)

echo "footfall benchmark"
echo "machine:  $ncpu CPUs (nproc), $cpu"
echo "footfall: $FOOTFALL ${ffversion:+($ffversion)} ${FOOTFALL_ARGS:+args: $FOOTFALL_ARGS}"
awk -v l="$lines" -v b="$bytes" -v g="$gzbytes" -v f="$log" 'BEGIN {
	printf "log:      %s: %d lines, %.1f MB; .gz %.1f MB\n", f, l, b / 1e6, g / 1e6 }'
echo "timing:   $how"
[ -n "$ff_check" ] && echo "check:    $ff_check"
echo
awk -F'\t' -v lines="$lines" -v bytes="$bytes" '
{ label[NR] = $1; kind[NR] = $2; secs[NR] = $3; rss[NR] = $4; note[NR] = $5 }
$1 == "cat FILE" && $3 != "-" { cat = $3 }
$1 == "zcat FILE.gz" && $3 != "-" { zcat = $3 }
END {
	printf "%-40s %9s %10s %9s %9s %12s\n", "command", "seconds", "lines/s", "MB/s", "RSS MiB", "ratio"
	for (i = 1; i <= NR; i++) {
		if (secs[i] == "-" || secs[i] == "") {
			printf "%-40s %s\n", label[i], note[i]
			continue
		}
		s = secs[i] + 0
		base = kind[i] == "gzip" ? zcat : cat
		lps = s > 0 ? sprintf("%.2fM", lines / s / 1e6) : "-"
		mbs = s > 0 ? sprintf("%.1f", bytes / s / 1e6) : "-"
		r = (s > 0 && base > 0) ? sprintf("%.1fx %s", s / base, kind[i] == "gzip" ? "zcat" : "cat") : "-"
		m = rss[i] == "-" ? "-" : sprintf("%.1f", rss[i] / 1024)
		printf "%-40s %9.3f %10s %9s %9s %12s\n", label[i], s, lps, mbs, m, r
	}
}' "$tmp/rows"
echo
echo "MB/s counts the uncompressed log (10^6 bytes); ratio: time over cat's for plain input, over zcat's for gzip input."

# --- memory against the number of lines --------------------------------
# The same visitors, paths and agents five times over (one seed, five
# consecutive periods): memory must follow the keys, not the lines.
if [ "${BENCH_MEMORY:-1}" != 0 ] && [ -x "$FOOTFALL" ] && $have_time; then
	five="$data/five-periods-$lines.log"
	if [ ! -s "$five" ] || newer "$LOGGEN" "$five"; then
		: >"$five.tmp"
		for start in 2026-03-02 2026-04-06 2026-05-11 2026-06-15 2026-07-20; do
			"$LOGGEN" --seed "$seed" --lines "$lines" --days 30 --start "${start}T00:00:00+01:00" >>"$five.tmp"
		done
		head -n "$lines" "$five.tmp" >"$five.one"
		mv "$five.tmp" "$five"
		mv "$five.one" "$five.first"
	fi
	peak() {
		/usr/bin/time -f '%M' -o "$tmp/peak" "$FOOTFALL" $FOOTFALL_ARGS "$1" >/dev/null 2>&1 </dev/null
		awk '{ printf "%.1f", $1 / 1024 }' "$tmp/peak"
	}
	echo
	echo "peak memory, the same visitors over 1 and 5 periods:"
	printf '  %d lines: %s MiB
' "$lines" "$(peak "$five.first")"
	printf '  %d lines: %s MiB
' "$((lines * 5))" "$(peak "$five")"
fi
