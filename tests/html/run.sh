#!/bin/sh
# tests/html/run.sh — the HTML report in a real browser (make check).
#
# Renders the sample logs with `footfall -o report.html` and hands the page
# to check.js in headless Chromium: no request may leave the file, no
# console error or CSP violation, the sorting script runs, no table is
# wider than its box at 1280 and 390 px and the page never scrolls
# sideways.  Then a deliberately bad page must fail the same checks, so we
# know they can fail.  Needs Debian's chromium and node; without them the
# test is skipped (exit 77).
#
# FOOTFALL_SCREENSHOTS=1 writes doc/report-desktop.png and
# doc/report-phone.png into the source tree; otherwise the screenshots go
# to a temporary directory and are thrown away.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"

for tool in "${CHROMIUM:-chromium}" node; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skipped: $tool is not installed"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/footfall-html.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# Every report on, with the shop's goals, funnel and experiment, so each
# table the page can hold is laid out; a fixed generation time
# (SOURCE_DATE_EPOCH) keeps the screenshots reproducible.
reports=$("$FOOTFALL" --list-reports | awk '{ printf "%s%s", sep, $1; sep = "," }')
if ! SOURCE_DATE_EPOCH=1773014400 "$FOOTFALL" -c "$SRCDIR/examples/shop.yaml" --report "$reports" \
	-o "$tmp/report.html" "$SRCDIR"/tests/fixtures/sample-access.log*; then
	echo "FAIL: footfall -o report.html failed"
	exit 1
fi

shots=$tmp
if [ "${FOOTFALL_SCREENSHOTS:-}" = 1 ]; then
	shots=$SRCDIR/doc
	mkdir -p "$shots" || exit 99
fi

status=0
echo "report: $tmp/report.html"
node "$SRCDIR/tests/html/check.js" "$tmp/report.html" "$shots" || status=1

# The negative control: no CSP, an image from the loopback address (where
# nothing listens) and an inline script.  The checks must see the request.
cat >"$tmp/bad.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>bad</title></head>
<body><p>bad</p><img src="http://127.0.0.1:9/pixel.gif" alt=""><script>document.title = 'x';</script></body></html>
EOF
out=$(node "$SRCDIR/tests/html/check.js" "$tmp/bad.html" "$tmp" --expect-fail) || status=1
case $out in
*"the only request is the file itself"*) echo "negative control: the outside request was caught" ;;
*)
	echo "FAIL: negative control: $out"
	status=1
	;;
esac

if [ "$status" -eq 0 ] && [ "$shots" != "$tmp" ]; then
	echo "screenshots: $shots/report-desktop.png $shots/report-phone.png"
fi
exit "$status"
