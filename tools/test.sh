#!/bin/bash
# The whole test suite on a fresh Debian 12 machine: install what is missing,
# build with ASan+UBSan and -Werror, run `make check`, then `make distcheck`.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

tools/setup.sh build --enable-sanitize --enable-werror
cd build
rc=0
make -j"$(nproc)" check || rc=$?
# show every test's log: the CUnit summaries and the suites' own summary lines
for log in $(find . -name '*.log' -path './tests/*' | sort); do
	echo "===== ${log#./}"
	cat "$log"
done
grep -h -E '^(# )?(TOTAL|PASS|FAIL|XFAIL|ERROR|SKIP):' test-suite.log 2>/dev/null || true
sed -n '/^# TOTAL/,/^# ERROR/p' test-suite.log 2>/dev/null || true
[ $rc -eq 0 ] || { echo "make check failed"; exit $rc; }

if [ "${SKIP_DISTCHECK:-0}" != 1 ]; then
	make -j"$(nproc)" distcheck DISTCHECK_CONFIGURE_FLAGS="--enable-werror"
fi
echo "== all tests passed"
