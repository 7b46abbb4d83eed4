#!/bin/sh
# tests/geo/without.sh — a footfall built without libmaxminddb: asked for a
# GeoIP database (--geoip, geoip.database) it names the package to install
# and exits 2, writing nothing on standard output; the rest works as ever.
# Skipped (77) in a build with libmaxminddb, where tests/geo/run.sh runs.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"
export XDG_CONFIG_HOME=/nonexistent HOME=/nonexistent LC_ALL=C TZ=UTC

if [ "${FF_MAXMINDDB:-}" = yes ]; then
	echo "skipped: footfall was built with libmaxminddb (tests/geo/run.sh tests geography)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/footfall-nogeo.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
cd "$tmp" || exit 99
printf '192.0.2.1 - - [02/Mar/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 10 "-" "curl/8.0"\n' > a.log
: > any.mmdb
failed=0

# expect WHAT STATUS STDERR-PATTERN COMMAND...
expect() {
	what=$1 want=$2 pattern=$3
	shift 3
	"$@" >out 2>err
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL $what: exit status $got, want $want"; cat err; failed=1
	elif ! grep -q -- "$pattern" err; then
		echo "FAIL $what: standard error lacks '$pattern':"; cat err; failed=1
	elif [ "$want" -ne 0 ] && [ -s out ]; then
		echo "FAIL $what: wrote to standard output"; failed=1
	else
		echo "ok $what"
	fi
}

expect "--geoip names the package" 2 \
	"footfall: --geoip: footfall was built without libmaxminddb: install the Debian package 'libmaxminddb-dev' and build again" \
	"$FOOTFALL" --geoip any.mmdb a.log
expect "records --geoip names the package" 2 "'libmaxminddb-dev'" \
	"$FOOTFALL" records --geoip any.mmdb --fields client,country a.log
printf 'geoip:\n  database: any.mmdb\n' > footfall.yaml
expect "geoip.database names the package" 2 \
	"footfall: footfall.yaml: geoip.database: footfall was built without libmaxminddb" \
	"$FOOTFALL" --config footfall.yaml a.log
rm footfall.yaml
# --report countries without a database: left out, with a note
"$FOOTFALL" --report countries,hosts --format json a.log >out 2>err
if [ $? -ne 0 ] || grep -q '"countries"' out || ! grep -q 'countries and cities not shown' out; then
	echo "FAIL --report countries: want status 0, no countries report and a note"; failed=1
else
	echo "ok --report countries left out with a note"
fi
expect "records field country needs a database" 2 "the records field country needs a GeoIP database" \
	"$FOOTFALL" records --fields country a.log
# without the option: no countries report, the rest as ever
"$FOOTFALL" --format json a.log >out 2>err
if [ $? -ne 0 ] || grep -q '"countries"' out || ! grep -q '"hosts"' out; then
	echo "FAIL a run without --geoip: want status 0, a hosts report and no countries report"; failed=1
else
	echo "ok no countries report without --geoip"
fi
if ! "$FOOTFALL" --list-reports | grep -q '^countries '; then
	echo "FAIL --list-reports does not list countries"; failed=1
else
	echo "ok --list-reports lists countries"
fi
exit $failed
