#!/bin/sh
# The long fuzzing campaign (make fuzz-long): every target of fuzz/targets.list, or those
# named, for FUZZ_LONG_RUNS executions each (default 10,000,000), one after the other, niced.
# Writes FUZZ_OUT/summary.md (default ./fuzz-long/summary.md): per target executions, exec/s,
# coverage (cov: edges, ft: features), corpus size, crashes (artifacts), sanitizer reports,
# time, and whether the target fell short (FUZZ_LONG_MAX_TIME: a time cap per target in
# seconds, 0 = none).  The table is meant to be pasted into doc/testing.md.
#
#   fuzz/long.sh [TARGET...]
# Exit status: 0 every target ran clean (shortfalls are reported, not failures), 1 otherwise,
# 77 clang or libFuzzer missing.

top=$(cd "$(dirname "$0")/.." && pwd)
runs=${FUZZ_LONG_RUNS:-10000000}
cap=${FUZZ_LONG_MAX_TIME:-0}
out=${FUZZ_OUT:-$PWD/fuzz-long}
mkdir -p "$out" || exit 1
summary=$out/summary.md
commit=$(cd "$top" && git rev-parse --short HEAD 2>/dev/null) || commit=unknown
{
	echo "Fuzzing campaign of $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(${CLANG:-clang} --version | head -n 1)"
	echo "($runs executions per target$([ "$cap" -gt 0 ] && echo ", at most $cap s each"); ASan+UBSan, leak detection; $(nproc) CPUs)"
	echo
	echo "| target | executions | exec/s | cov | ft | corpus (files/size) | crashes | sanitizer reports | time | result |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$summary"
FUZZ_RUNS=$runs FUZZ_OUT=$out FUZZ_SUMMARY=$summary nice -n 10 "${CONFIG_SHELL:-/bin/sh}" \
	"$top/fuzz/run.sh" "$cap" "$@"
rc=$?
echo
cat "$summary"
exit $rc
