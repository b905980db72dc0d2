#!/bin/sh
# make check: a short libFuzzer run of every target in fuzz/targets.list (fuzz/run.sh);
# skipped (exit 77) when clang or its libFuzzer runtime is not installed.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
command -v "${CLANG:-clang}" >/dev/null 2>&1 || { echo "SKIP: clang not installed"; exit 77; }
exec "${CONFIG_SHELL:-/bin/sh}" "$top/fuzz/run.sh" "${FUZZ_SECONDS:-5}"
