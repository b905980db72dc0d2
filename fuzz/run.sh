#!/bin/sh
# Build every libFuzzer target listed in fuzz/targets.list with clang and run each one
# for a number of seconds; fail on any crash, leak, sanitizer report or build error.
#
#   fuzz/run.sh [SECONDS [TARGET...]]   (default 10 seconds per target, all targets)
#
# Environment: CLANG (default: clang), FUZZ_OUT (build and artifact directory, default: a
# temporary directory, kept only when something failed), FUZZ_JOBS (unused, one job).
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
CFLAGS_FUZZ="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
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
	for s in $srcs; do
		files="$files $top/$s"
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
	echo "=== $name: run ${secs}s"
	# shellcheck disable=SC2086
	if ! "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" $seeds \
		>"$out/$name.log" 2>&1; then
		tail -n 60 "$out/$name.log"
		echo "FAIL: $name (artifacts and log in $out)"
		failed=1
		keep=1
		continue
	fi
	grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' "$out/$name.log" | tail -n 2
	ran=$((ran + 1))
done < "$top/fuzz/targets.list"

echo "=== $ran target(s) ran clean, failed=$failed"
[ $keep = 1 ] || rm -rf "$out"
exit $failed
