#!/bin/sh
# tests/dist/dask.sh — footfall map, reduce and merge on a local Dask
# cluster (two worker processes, a real shuffle) must give the one-machine
# run's JSON report byte for byte (tests/dist/dask_mapreduce.py).  Skipped
# (77) without dask.distributed (Debian package python3-distributed) unless
# FOOTFALL_REQUIRE_DASK is set, as scripts/dev check sets it.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FOOTFALL:=$SRCDIR/src/footfall}"
: "${LOGGEN:=$SRCDIR/tests/gen/loggen}"
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

# At most five minutes, whatever hangs: a cluster that does not stop fails.
if command -v timeout >/dev/null 2>&1; then
	limit="timeout -k 10 300"
else
	limit=
fi
$limit "$python" "$SRCDIR/tests/dist/dask_mapreduce.py" --footfall "$footfall" --loggen "$LOGGEN" \
	--config "$SRCDIR/config.example.yaml"
