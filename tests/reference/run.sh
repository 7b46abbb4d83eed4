#!/bin/sh
# run.sh — checks that footfall's streaming visits give exactly the results
# of a plain in-memory implementation of SPEC §4 (reference_report.c): on a
# generated log of REFERENCE_LINES (default 1,000,000) lines written out of
# order by up to 120 s (inside the default 300 s reorder window), on a
# smaller in-order log with another seed and UTC offset (also with
# --timeout 600), and on a small hand-written log of awkward keys and visit
# boundaries.  Each compares summary, pages, entry_pages and hours: the
# reference reads `footfall records`, footfall makes the reports.
# Environment: FOOTFALL, LOGGEN, REFERENCE_REPORT (defaults: the build
# tree's paths relative to the current directory), REFERENCE_LINES.
set -u

FOOTFALL=${FOOTFALL:-./src/footfall}
LOGGEN=${LOGGEN:-./tests/gen/loggen}
REFERENCE_REPORT=${REFERENCE_REPORT:-./tests/reference/reference_report}
REFERENCE_LINES=${REFERENCE_LINES:-1000000}
# No user or site configuration may change the results (timeout!).
XDG_CONFIG_HOME=/nonexistent HOME=/nonexistent LC_ALL=C TZ=UTC
export XDG_CONFIG_HOME HOME LC_ALL TZ

abspath() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}
FOOTFALL=$(abspath "$FOOTFALL")
LOGGEN=$(abspath "$LOGGEN")
REFERENCE_REPORT=$(abspath "$REFERENCE_REPORT")
for prog in "$FOOTFALL" "$LOGGEN" "$REFERENCE_REPORT"; do
	if [ ! -x "$prog" ]; then
		echo "reference: no program at '$prog': build it or set FOOTFALL, LOGGEN, REFERENCE_REPORT"
		echo "reference: 0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/footfall-reference.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
cd "$tmp" || exit 1 # no ./footfall.yaml can be picked up here

passed=0
failed=0
pass() {
	passed=$((passed + 1))
	echo "ok   $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
}

reports=summary,pages,entry_pages,hours
fields=client,user_agent,time,path,status,bytes,pageview

# split_tables CSV DIR: table N of a multi-report csv (tables separated by
# one empty line) into DIR/N; the summary (table 1) keeps only the columns
# the reference computes, found by name in its header.  Keys of the tables
# never hold a raw LF (a log line cannot), so an empty line is a separator.
split_tables() {
	mkdir -p "$2"
	awk -v dir="$2" '
		BEGIN { t = 1 }
		/^$/ { t++; next }
		{ print > (dir "/" t) }
	' "$1"
	awk -F, -v want="report,hits,bytes,pageviews,visits,unique_visitors,bounces,bounce_rate,duration_mean,duration_median,pages_per_visit,returning_visits" '
		NR == 1 {
			n = split(want, w, ",")
			for (i = 1; i <= NF; i++) col[$i] = i
			for (i = 1; i <= n; i++) if (!(w[i] in col)) { print "missing column " w[i]; exit 1 }
		}
		{
			line = ""
			for (i = 1; i <= n; i++) line = line (i > 1 ? "," : "") $(col[w[i]])
			print line
		}
	' "$2/1" >"$2/1.projected" && mv "$2/1.projected" "$2/1"
}

# compare NAME LOG [FOOTFALL OPTIONS...]: the four reports of LOG by footfall
# and by the reference, one check per report.
compare() {
	name=$1 log=$2
	shift 2
	timeout=1800
	if [ "${1:-}" = --timeout ]; then timeout=$2; fi
	dir=$tmp/$name
	mkdir -p "$dir"
	if ! "$FOOTFALL" --quiet "$@" --format csv --top 0 --report $reports "$log" >"$dir/footfall.csv" 2>"$dir/footfall.err"; then
		fail "$name: footfall failed: $(head -3 "$dir/footfall.err")"
		return
	fi
	if ! "$FOOTFALL" records --quiet --no-header --fields $fields "$log" >"$dir/records.tsv" 2>"$dir/records.err"; then
		fail "$name: footfall records failed: $(head -3 "$dir/records.err")"
		return
	fi
	if ! "$REFERENCE_REPORT" --timeout "$timeout" "$dir/records.tsv" >"$dir/reference.csv" 2>"$dir/reference.err"; then
		fail "$name: reference_report failed: $(head -3 "$dir/reference.err")"
		return
	fi
	split_tables "$dir/footfall.csv" "$dir/f"
	split_tables "$dir/reference.csv" "$dir/r"
	i=1
	for report in summary pages entry_pages hours; do
		if [ ! -s "$dir/r/$i" ] || [ ! -s "$dir/f/$i" ]; then
			fail "$name $report: table missing (reference $(test -s "$dir/r/$i" && echo present || echo missing), footfall $(test -s "$dir/f/$i" && echo present || echo missing))"
		elif cmp -s "$dir/r/$i" "$dir/f/$i"; then
			pass "$name $report ($(($(wc -l <"$dir/f/$i") - 1)) rows)"
		else
			fail "$name $report differs (- reference, + footfall):"
			diff "$dir/r/$i" "$dir/f/$i" | head -20
		fi
		i=$((i + 1))
	done
}

# late_is_zero NAME: the jitter stays inside the reorder window, so no line
# may be late (else the comparison would not be of the same thing).
late_is_zero() {
	late=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "late") c = i } NR == 2 { print $c }' "$tmp/$1/footfall.csv")
	if [ "$late" = 0 ]; then
		pass "$1 late = 0"
	else
		fail "$1 late = '$late', want 0"
	fi
}

# 1. A large log, out of order within the reorder window.
"$LOGGEN" --lines "$REFERENCE_LINES" --seed 11 --days 3 --jitter 120 -o big.log || exit 1
compare jitter big.log
late_is_zero jitter
rm -f big.log

# 2. A smaller in-order log: another seed, a negative UTC offset across a
# DST-free span, and a shorter timeout on the same lines.
small=$((REFERENCE_LINES / 5))
"$LOGGEN" --lines "$small" --seed 29 --days 2 --start 2026-06-13T00:00:00-04:00 -o small.log || exit 1
compare in-order small.log
compare in-order-timeout-600 small.log --timeout 600
rm -f small.log

# 3. Hand-written: awkward keys (comma, quote, leading = and -, tab, CR,
# control bytes, DEL, C1, invalid and valid UTF-8, a backslash), gaps of
# exactly the timeout and one second more, equal instants, one visitor's
# lines written with different UTC offsets, two visitors behind one address,
# and automated agents (curl, an empty agent, a monitor) that SPEC §3 makes
# bots: reference_report refuses them as pageviews.
ua='Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0'
ua2='Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15'
ua3='Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36'
{
	printf '10.0.0.1 - - [02/Mar/2026:10:00:00 +0000] "GET /a,b HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:10:30:00 +0000] "GET /q\\"x HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:00:01 +0000] "GET =cmd HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:00:01 +0000] "GET -dash HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:12:00:01 +0100] "GET /tab\there HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:10:00 +0000] "GET /cr\rx HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:10:30 +0000] "GET /ctl\001\177 HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:11:00 +0000] "GET /utf8-\303\251-\302\205-\377-\300\257 HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:11:30 +0000] "GET /back\\\\slash HTTP/1.1" 200 10 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:11:30 +0000] "GET /a,b HTTP/1.1" 304 0 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:12:00 +0000] "GET /a,b HTTP/1.1" 404 0 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:12:00 +0000] "GET /style.css HTTP/1.1" 200 99 "-" "%s"\n' "$ua"
	printf '10.0.0.1 - - [02/Mar/2026:11:12:00 +0000] "GET /a,b HTTP/1.1" 200 10 "-" "%s"\n' "$ua2"
	printf '10.0.0.1 - - [02/Mar/2026:11:13:00 +0000] "POST /a,b HTTP/1.1" 200 10 "-" "%s"\n' "$ua2"
	printf '10.0.0.1 - - [02/Mar/2026:11:13:00 +0000] "HEAD /a,b HTTP/1.1" 200 0 "-" "%s"\n' "$ua2"
	printf '10.0.0.1 - - [02/Mar/2026:11:14:00 +0000] "GET /a,b HTTP/1.1" 200 10 "-" "curl/8.5.0"\n'
	printf '10.0.0.2 - - [02/Mar/2026:11:43:00 +0000] "GET /a,b HTTP/1.1" 200 10 "-" "%s"\n' "$ua3"
	printf '10.0.0.2 - - [02/Mar/2026:11:44:00 +0000] "GET /a,b HTTP/1.1" 200 10 "-" "-"\n'
	printf '10.0.0.2 - - [02/Mar/2026:11:45:00 +0000] "GET /a,b HTTP/1.1" 200 10 "-" "Mozilla/5.0 (compatible; UptimeRobot/2.0)"\n'
	printf '10.0.0.2 - - [02/Mar/2026:23:59:00 +0000] "GET /late-night HTTP/1.1" 200 10 "-" "%s"\n' "$ua3"
	printf '10.0.0.2 - - [03/Mar/2026:00:01:00 +0000] "GET /after-midnight HTTP/1.1" 200 10 "-" "%s"\n' "$ua3"
} >edge.log
compare edge edge.log
compare edge-timeout-60 edge.log --timeout 60

echo "reference: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
