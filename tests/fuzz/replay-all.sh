#!/bin/sh
# make check's fuzz regression test: runs each replay program (replay.c
# linked with one fuzz target) over that target's corpus, so every input
# that once crashed or reached new code is run again without libFuzzer.
#   REPLAY_DIR   where the replay programs are (default: tests/fuzz of the
#                build tree, i.e. this script's directory)
#   SRCDIR       the source tree (corpora are in tests/fuzz/corpus)
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SRCDIR:=$(cd "$here/../.." && pwd)}"
: "${REPLAY_DIR:=$here}"
corpus=$SRCDIR/tests/fuzz/corpus
passed=0 failed=0
for t in logline jsonline logformat time gzip config pipeline state; do
	bin=$REPLAY_DIR/replay_$t
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: $bin not built"
		failed=$((failed + 1))
		continue
	fi
	if "$bin" "$corpus/$t"; then
		passed=$((passed + 1))
	else
		echo "FAIL $t: rerun with REPLAY_VERBOSE=1 $bin $corpus/$t to see the input"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
