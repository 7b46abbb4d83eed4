#!/bin/sh
# tests/geo/run.sh — the geography cases (SPEC §14): countries, cities and
# the records field country, against small databases that the cases make
# with tests/geo/mmdbwrite.py from tests/geo/networks.txt.  The cases under
# tests/geo/cases/ have the layout of tests/cli/cases/ and run with its
# runner (FOOTFALL_REGEN=1 rewrites them the same way).
# Skipped (77) when footfall was built without libmaxminddb (FF_MAXMINDDB=no
# from make check; by hand, the binary is asked) or python3 is missing.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"
export SRCDIR FOOTFALL

if [ -z "${FF_MAXMINDDB:-}" ]; then
	if "$FOOTFALL" --geoip /nonexistent.mmdb /dev/null 2>&1 | grep -q 'libmaxminddb-dev'; then
		FF_MAXMINDDB=no
	else
		FF_MAXMINDDB=yes
	fi
fi
if [ "$FF_MAXMINDDB" != yes ]; then
	echo "skipped: footfall was built without libmaxminddb (configure found no 'libmaxminddb-dev', or --without-maxminddb)"
	exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "skipped: python3 is not installed (the test databases are written by tests/geo/mmdbwrite.py)"
	exit 77
fi
CASES_DIR=$SRCDIR/tests/geo/cases exec sh "$SRCDIR/tests/cli/run.sh" "$@"
