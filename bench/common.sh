# bench/common.sh — what bench/run.sh and bench/state.sh share, sourced by
# both: messages, argument checks, quoting for sh -c, file ages, medians.
# The caller sets bench_name (the prefix of its messages).

die() {
	echo "$bench_name: $*" >&2
	exit 2
}

# is_count WORD: a positive whole number
is_count() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ "$1" -gt 0 ]
}

# Quotes a word for sh -c.
q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# newer A B: A was modified after B
newer() {
	[ -n "$(find "$1" -prune -newer "$2" 2>/dev/null)" ]
}

# median FILE: the median of the numbers in FILE, one a line
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) print "";
		else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
