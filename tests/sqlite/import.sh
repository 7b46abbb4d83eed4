#!/bin/sh
# `-o DIR/` gives one rectangular CSV per report: each file loads with
# sqlite3's .import into a table of its own, every row with as many fields
# as the header (sqlite3 warns on stderr otherwise, which fails the test),
# and the row counts match the JSON report's.  Skipped (exit 77) without
# sqlite3.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "sqlite-import: SKIP: sqlite3 is not installed (Debian package sqlite3)"
	exit 77
fi
export LC_ALL=C TZ=UTC XDG_CONFIG_HOME=/nonexistent HOME=/nonexistent
work=$(mktemp -d "${TMPDIR:-/tmp}/footfall-sqlite.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
fx=$SRCDIR/tests/fixtures
cd "$work" || exit 99

"$FOOTFALL" -q --config "$fx/footfall.yaml" -o out/ "$fx/sample-access.log" "$fx/sample-access.log.1" || exit 1
"$FOOTFALL" -q --config "$fx/footfall.yaml" --format json "$fx/sample-access.log" "$fx/sample-access.log.1" > report.json || exit 1

failed=0 n=0
for f in out/*.csv; do
	t=$(basename "$f" .csv)
	n=$((n + 1))
	if ! sqlite3 db ".import --csv $f $t" 2> err || [ -s err ]; then
		echo "FAIL $f: sqlite3 .import: $(cat err)"
		failed=$((failed + 1))
		continue
	fi
	rows=$(sqlite3 db "SELECT count(*) FROM \"$t\"")
	header=$(head -1 "$f" | tr ',' '\n' | wc -l)
	cols=$(sqlite3 db "SELECT count(*) FROM pragma_table_info('$t')")
	if [ "$header" -ne "$cols" ]; then
		echo "FAIL $f: $cols columns in sqlite, $header in the header"
		failed=$((failed + 1))
	fi
	# the JSON report's row count: summary is one row; a report's rows
	# are the objects of its array
	if [ "$t" = summary ]; then
		want=1
	else
		want=$(python3 -c "import json,sys; print(len(json.load(open('report.json'))['reports']['$t']))" 2>/dev/null || echo "$rows")
	fi
	if [ "$rows" -ne "$want" ]; then
		echo "FAIL $f: $rows rows in sqlite, $want in the JSON report"
		failed=$((failed + 1))
	fi
done
# a number stays a number: pages.hits sums to the summary's hits of pages
[ "$n" -ge 20 ] || { echo "FAIL: only $n files in out/"; failed=$((failed + 1)); }
hits=$(sqlite3 db "SELECT hits FROM summary")
sum=$(sqlite3 db "SELECT sum(hits) FROM status")
if [ "$hits" != "$sum" ]; then
	echo "FAIL: status hits add up to $sum, the summary says $hits"
	failed=$((failed + 1))
fi
echo "sqlite-import: $n files imported, $failed failed"
[ "$failed" -eq 0 ]
