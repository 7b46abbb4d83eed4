#!/bin/sh
# tests/dist/dask.sh — footfall map, reduce and merge on a local Dask
# cluster (two worker processes, a real shuffle) must give the one-machine
# run's JSON report byte for byte (tests/dist/dask_mapreduce.py).  Skipped
# (77) without dask.distributed (Debian package python3-distributed) unless
# FOOTFALL_REQUIRE_DASK is set, as scripts/dev check sets it.
#
# FOOTFALL_DIST_STANDIN=1 runs it with tests/dist/standin.py in place of
# footfall's map, reduce and merge (the real footfall still makes both
# reports), which checks the Dask plumbing alone; 0 runs footfall's own.
# The stand-in is the default only until footfall has those commands: once
# `footfall map` works, the stand-in refuses to run, so that the default
# is turned to 0 below and the test checks footfall itself.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"
: "${LOGGEN:=$SRCDIR/tests/gen/loggen}"
: "${FOOTFALL_DIST_STANDIN:=0}"
export XDG_CONFIG_HOME=/nonexistent HOME=/nonexistent LC_ALL=C TZ=UTC
# Dask's own configuration and temporary files stay out of the way.
export DASK_CONFIG=/nonexistent DASK_TEMPORARY_DIRECTORY="${TMPDIR:-/tmp}"

# The first Python that has dask.distributed: Debian's package installs it
# for /usr/bin/python3, which another python3 on PATH may not see.
python=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import dask.distributed' >/dev/null 2>&1; then
		python=$p
		break
	fi
done
if [ -z "$python" ]; then
	if [ -n "${FOOTFALL_REQUIRE_DASK:-}" ]; then
		echo "dask: FAIL: no python3 can import dask.distributed (Debian package python3-distributed), and FOOTFALL_REQUIRE_DASK is set"
		exit 1
	fi
	echo "dask: SKIP: no python3 can import dask.distributed (Debian package python3-distributed)"
	exit 77
fi

footfall=$FOOTFALL
if [ "$FOOTFALL_DIST_STANDIN" = 1 ]; then
	if "$FOOTFALL" map --site www.example.com </dev/null >/dev/null 2>&1; then
		echo "dask: FAIL: footfall has a map command now: set FOOTFALL_DIST_STANDIN's default to 0 in tests/dist/dask.sh"
		exit 1
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/footfall-standin.XXXXXX") || exit 99
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' INT TERM
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$python" "$SRCDIR/tests/dist/standin.py" >"$tmp/footfall"
	chmod +x "$tmp/footfall"
	FOOTFALL_REAL=$FOOTFALL
	export FOOTFALL_REAL
	footfall=$tmp/footfall
	echo "dask: footfall's map, reduce and merge stood in for by tests/dist/standin.py"
fi

# At most five minutes, whatever hangs: a cluster that does not stop fails.
if command -v timeout >/dev/null 2>&1; then
	limit="timeout -k 10 300"
else
	limit=
fi
$limit "$python" "$SRCDIR/tests/dist/dask_mapreduce.py" --footfall "$footfall" --loggen "$LOGGEN" \
	--config "$SRCDIR/config.example.yaml"
