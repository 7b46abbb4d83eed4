#!/bin/sh
# Builds each fuzz target with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (clang) and runs it for a while, starting from
# its seed corpus.  New inputs that reach new code are merged into
# tests/fuzz/corpus/TARGET; crashes are minimised and kept in
# $FUZZ_OUT/crashes/TARGET.  See tests/fuzz/README.
#
#   sh tests/fuzz/run-fuzzers.sh [TARGET...]     (default: every target)
#
# Environment: FUZZ_SECONDS (600) per target, FUZZ_JOBS (1) targets run at
# once, FUZZ_OUT (build/fuzz) for the binaries, logs and crashes, FUZZ_SRC
# (the tree's src/) for the library sources, FUZZ_INC (the top of the
# tree) where configure's autoconf.h is, CC (clang), FUZZ_MERGE (1; 0
# leaves the corpus alone), FUZZ_BUILD_ONLY (0).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${FUZZ_SECONDS:=600}"
: "${FUZZ_JOBS:=1}"
: "${FUZZ_OUT:=$top/build/fuzz}"
: "${FUZZ_SRC:=$top/src}"
: "${FUZZ_MERGE:=1}"
: "${FUZZ_BUILD_ONLY:=0}"
: "${CC:=clang}"
ALL="logline jsonline logformat time gzip config pipeline state"
targets=${*:-$ALL}

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "run-fuzzers: $CC not found: apt-get install clang libclang-rt-dev" >&2
	exit 2
fi

# Longest input per target: enough for its grammar, short enough to stay
# fast (a gzip input of 16 kB can still inflate to 16 MB).
max_len() {
	case $1 in
	time) echo 64 ;;
	gzip) echo 16384 ;;
	config | pipeline) echo 8192 ;;
	state) echo 32768 ;;
	*) echo 4096 ;;
	esac
}

mkdir -p "$FUZZ_OUT/obj" "$FUZZ_OUT/bin" "$FUZZ_OUT/logs" || exit 2
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE -fno-sanitize-recover=all"
DEPS=$(pkg-config --cflags libpcre2-8 zlib yaml-0.1) || {
	echo "run-fuzzers: pkg-config cannot find libpcre2-8, zlib or yaml-0.1" >&2
	exit 2
}
LIBS="$(pkg-config --libs libpcre2-8 zlib yaml-0.1) -lm"
# run.c includes the configure-made autoconf.h (FUZZ_INC: the build tree
# that holds it); without one a minimal one will do.
inc=${FUZZ_INC:-$top}
if [ ! -f "$inc/autoconf.h" ]; then
	inc=$FUZZ_OUT
	printf '#define FF_UAP_REGEXES "/usr/share/uap-core/regexes.yaml"\n#define PACKAGE_VERSION "fuzz"\n#define VERSION "fuzz"\n' >"$inc/autoconf.h"
fi
# A configured tree built with libmaxminddb compiles geoip.c against it.
if grep -q '^#define FF_HAVE_MAXMINDDB 1' "$inc/autoconf.h"; then
	LIBS="$LIBS $(pkg-config --libs libmaxminddb 2>/dev/null || echo -lmaxminddb)"
fi

# The library once, instrumented for coverage but without libFuzzer's main.
objs=
for c in "$FUZZ_SRC"/*.c; do
	case $(basename "$c") in main.c) continue ;; esac
	o=$FUZZ_OUT/obj/$(basename "$c" .c).o
	"$CC" $CFLAGS -fsanitize=fuzzer-no-link,address,undefined -I"$FUZZ_SRC" -I"$inc" $DEPS -c "$c" -o "$o" || {
		echo "run-fuzzers: cannot compile $c" >&2
		exit 2
	}
	objs="$objs $o"
done
for t in $targets; do
	"$CC" $CFLAGS -fsanitize=fuzzer,address,undefined -I"$FUZZ_SRC" -I"$inc" $DEPS \
		"$here/fuzz_$t.c" $objs $LIBS -o "$FUZZ_OUT/bin/fuzz_$t" || {
		echo "run-fuzzers: cannot build fuzz_$t" >&2
		exit 2
	}
done
[ "$FUZZ_BUILD_ONLY" = 1 ] && { echo "run-fuzzers: built in $FUZZ_OUT/bin"; exit 0; }

# libFuzzer ends with _exit, so fuzz_pipeline's scratch directory is not
# always removed: keep such leftovers under FUZZ_OUT.
mkdir -p "$FUZZ_OUT/tmp" && export TMPDIR="$FUZZ_OUT/tmp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# One target: fuzz into a scratch corpus, merge what is new into the seed
# corpus, minimise each crash.  Prints one summary line.
fuzz_one() {
	t=$1
	bin=$FUZZ_OUT/bin/fuzz_$t
	seeds=$here/corpus/$t
	work=$FUZZ_OUT/work/$t
	crashes=$FUZZ_OUT/crashes/$t
	log=$FUZZ_OUT/logs/$t.log
	mkdir -p "$seeds" "$work" "$crashes"
	"$bin" -max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$t")" -timeout=25 \
		-rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$crashes/" \
		"$work" "$seeds" >"$log" 2>&1
	rc=$?
	if [ "$FUZZ_MERGE" = 1 ]; then
		"$bin" -merge=1 -max_len="$(max_len "$t")" -timeout=25 "$seeds" "$work" \
			>"$FUZZ_OUT/logs/$t.merge.log" 2>&1 ||
			echo "run-fuzzers: $t: merge failed, see $FUZZ_OUT/logs/$t.merge.log" >&2
	fi
	for c in "$crashes"/crash-* "$crashes"/leak-* "$crashes"/timeout-* "$crashes"/oom-*; do
		[ -f "$c" ] || continue
		case $c in *.min) continue ;; esac
		[ -f "$c.min" ] && continue
		"$bin" -minimize_crash=1 -max_total_time=60 -exact_artifact_path="$c.min" "$c" \
			>"$c.minimize.log" 2>&1
	done
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	ncorpus=$(find "$seeds" -type f | wc -l)
	size=$(du -sk "$seeds" | cut -f1)
	ncrash=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) ! -name '*.min' ! -name '*.log' | wc -l)
	echo "$t: exit $rc, ${runs:-?} runs, cov ${cov:-?}, ft ${ft:-?}, corpus $ncorpus files ${size} kB, crashes $ncrash"
}

summary=$FUZZ_OUT/summary.txt
: >"$summary"
running=0
for t in $targets; do
	fuzz_one "$t" >>"$summary" &
	running=$((running + 1))
	if [ "$running" -ge "$FUZZ_JOBS" ]; then
		wait
		running=0
	fi
done
wait
cat "$summary"
! grep -q 'crashes [1-9]' "$summary"
