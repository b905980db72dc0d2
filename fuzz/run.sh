#!/bin/sh
# Build every libFuzzer target listed in fuzz/targets.list with clang and run each one
# for a number of seconds; fail on any crash, leak, sanitizer report or build error.
#
#   fuzz/run.sh [SECONDS [TARGET...]]   (default 10 seconds per target, all targets)
#
# Environment: CLANG (default: clang), FUZZ_OUT (build and artifact directory, default: a
# temporary directory, kept only when something failed), FUZZ_JOBS (unused, one job),
# FUZZ_RUNS (run each target for this many executions instead; SECONDS, if not 0, then caps
# the time), FUZZ_SUMMARY (append one Markdown table row per target to this file: executions,
# exec/s, coverage, corpus, crashes, sanitizer reports; fuzz/long.sh writes the header).
# Exit status: 0 all ran clean, 1 a target failed, 77 clang or libFuzzer not available
# (Debian: apt-get install clang libclang-rt-14-dev; clang-14 ships the sanitizer and
# fuzzer runtimes in libclang-rt-14-dev).

secs=${1:-10}
case $secs in
	''|*[!0-9]*) echo "usage: $0 [seconds [target...]]" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && shift
only=" $* "

top=$(cd "$(dirname "$0")/.." && pwd)
clang=${CLANG:-clang}

if ! command -v "$clang" >/dev/null 2>&1; then
	echo "SKIP: $clang not found (apt-get install clang libclang-rt-14-dev)"
	exit 77
fi
if ! pkg-config --exists libosmocore talloc; then
	echo "SKIP: libosmocore/talloc development files not found"
	exit 77
fi

if [ -n "$FUZZ_OUT" ]; then
	out=$FUZZ_OUT
	mkdir -p "$out" || exit 1
	keep=1
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/sg-fuzz.XXXXXX") || exit 1
	keep=0
fi

pkgs="libosmocore talloc"
# shellcheck disable=SC2086 # $pkgs is a list
pkg-config --exists json-c && pkgs="$pkgs json-c"
# shellcheck disable=SC2086
CFLAGS_FUZZ="-D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
-fno-omit-frame-pointer -Wall -I$top/include -I$top $(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
LIBS_FUZZ="$(pkg-config --libs $pkgs)"

# Can clang link a libFuzzer binary at all?
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
	'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' \
	> "$out/probe.c"
if ! $clang -fsanitize=fuzzer,address,undefined -o "$out/probe" "$out/probe.c" \
	>"$out/probe.log" 2>&1; then
	cat "$out/probe.log"
	echo "SKIP: $clang cannot link libFuzzer binaries (apt-get install libclang-rt-14-dev)"
	[ $keep = 1 ] || rm -rf "$out"
	exit 77
fi

# One Markdown row for target $1 (exit status $2, $3 seconds) from its log and artifacts:
# | target | executions | exec/s | cov | ft | corpus (files/bytes) | crashes | sanitizer reports | time | result |
summary_row() {
	log="$out/$1.log"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
	crashes=$(find "$out" -maxdepth 1 -name "$1-*" -type f | wc -l)
	reports=$(grep -cE '^(==[0-9]+==ERROR|SUMMARY: [A-Za-z]*Sanitizer|.*: runtime error: )' "$log")
	result=ok
	[ "$2" != 0 ] && result="FAILED (exit $2)"
	# libFuzzer's exit status when stopped by SIGINT/SIGTERM: not a failure, a shortfall
	[ "$2" = 72 ] && result="interrupted, short of ${FUZZ_RUNS:-its time}"
	if [ "$2" = 0 ] && [ -n "$FUZZ_RUNS" ] && [ "${execs:-0}" -lt "$FUZZ_RUNS" ]; then
		result="short of $FUZZ_RUNS: time cap"
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s s | %s |\n' "$1" "${execs:-?}" \
		"${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes" "$reports" "$3" \
		"$result" >>"$FUZZ_SUMMARY"
}

# read once: the list may be edited while a long campaign runs
targets=$(cat "$top/fuzz/targets.list") || exit 1
failed=0
ran=0
while IFS= read -r line; do
	case $line in
		''|'#'*) continue ;;
	esac
	name=${line%%:*}
	srcs=${line#*:}
	if [ "$only" != "  " ]; then
		case $only in
			*" $name "*) ;;
			*) continue ;;
		esac
	fi
	files=
	extra=
	for s in $srcs; do
		case $s in
			@*) extra="$extra $top/${s#@}" ;;	# a further seed directory
			-l*) files="$files $s" ;;		# a library
			*) files="$files $top/$s" ;;
		esac
	done
	echo "=== $name: build"
	# shellcheck disable=SC2086
	if ! $clang $CFLAGS_FUZZ -o "$out/$name" $files $LIBS_FUZZ; then
		echo "FAIL: $name does not build"
		failed=1
		continue
	fi
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	seeds="$top/fuzz/corpus/${name#fuzz_}"
	[ -d "$seeds" ] || seeds=
	if [ -n "$FUZZ_RUNS" ]; then
		limit="-runs=$FUZZ_RUNS"
		[ "$secs" -gt 0 ] && limit="$limit -max_total_time=$secs"
		echo "=== $name: run $FUZZ_RUNS executions$([ "$secs" -gt 0 ] && echo " (at most ${secs}s)")"
	else
		limit="-max_total_time=$secs"
		echo "=== $name: run ${secs}s"
	fi
	start=$(date +%s)
	rc=0
	# shellcheck disable=SC2086
	"$out/$name" $limit -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" $seeds $extra \
		>"$out/$name.log" 2>&1 || rc=$?
	[ -n "$FUZZ_SUMMARY" ] && summary_row "$name" "$rc" $(($(date +%s) - start))
	if [ $rc = 72 ]; then
		echo "=== $name: interrupted"
		ran=$((ran + 1))
		continue
	fi
	if [ $rc != 0 ]; then
		tail -n 60 "$out/$name.log"
		echo "FAIL: $name (artifacts and log in $out)"
		failed=1
		keep=1
		continue
	fi
	grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' "$out/$name.log" | tail -n 2
	ran=$((ran + 1))
done <<EOF
$targets
EOF

echo "=== $ran target(s) ran clean, failed=$failed"
[ $keep = 1 ] || rm -rf "$out"
exit $failed
