#!/bin/sh
# Instructions per message of each bench/m3ua_bench variant, counted by callgrind (a
# machine-independent figure; perf's hardware counters are not available in every VM).
# Only the timed loop is counted (--toggle-collect=loop_*), set-up and checks are not.
#
#   bench/m3ua_instr.sh [BUILD_DIR] [MESSAGES]     (default: the current directory, 20000)
set -eu
build=${1:-.}
n=${2:-20000}
bin=$build/bench/m3ua_bench
[ -x "$bin" ] || { echo "$bin not built (make bench/m3ua_bench)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "instructions per message (callgrind, $n messages, loop only)"
for v in ours ours-8k ours-layer ours-codec osmo; do
	fn=loop_$(echo "$v" | sed 's/^ours-//')
	valgrind --tool=callgrind --callgrind-out-file="$out/cg.$v" --collect-atstart=no \
		--toggle-collect="$fn" "$bin" -n "$n" -v "$v" >/dev/null 2>"$out/log.$v" || {
		echo "$v: failed, see below" >&2; cat "$out/log.$v" >&2; exit 1; }
	ir=$(sed -n 's/^summary: //p' "$out/cg.$v")
	awk -v v="$v" -v ir="$ir" -v n="$n" 'BEGIN { printf "%-11s %8.0f Ir/msg\n", v, ir / n }'
done
