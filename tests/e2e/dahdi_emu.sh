#!/bin/sh
# The dahdi adapter driver over the DAHDI emulation: tests/unit/test_dahdi under libdahdiemu.so,
# then the emulation's control socket through tests/dahdi_emu/dahdi-emu-ctl.
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
DAHDI_EMU_LIB=$top_builddir/tests/dahdi_emu/libdahdiemu.so
export DAHDI_EMU_LIB
run=$top_srcdir/tests/dahdi_emu/dahdi-emu-run
ctl=$top_builddir/tests/dahdi_emu/dahdi-emu-ctl
sock=${TMPDIR:-/tmp}/dahdi-emu-test-$$.sock
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -f "$sock"
}
trap cleanup EXIT

rc=0
DAHDI_EMU_CTL=$sock "$run" "$top_builddir/tests/unit/test_dahdi" || rc=$?
[ $rc -eq 0 ] || exit $rc
rm -f "$sock"

# the control socket of another process, as an e2e test of sgd would use it
DAHDI_EMU_CTL=$sock "$run" sleep 30 &
pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
out=$("$ctl" "$sock" stats 1)
echo "stats 1: $out"
case $out in
*open=0*) ;;
*) echo "FAIL: unexpected stats reply" >&2; exit 1 ;;
esac
"$ctl" "$sock" alarm 1 red
if "$ctl" "$sock" alarm 1 purple; then
	echo "FAIL: a bad command was accepted" >&2
	exit 1
fi
# the kernel's shapes of channels and devices, as a test of sgd would set them up
"$ctl" "$sock" sig 3 dchan
"$ctl" "$sock" bundle 4 6
"$ctl" "$sock" remove 2
out=$("$ctl" "$sock" nodev 2)
echo "nodev 2: $out"
case $out in
*fds=0*) ;;
*) echo "FAIL: unexpected nodev reply" >&2; exit 1 ;;
esac
"$ctl" "$sock" restore 2
if "$ctl" "$sock" sig 3 bchan; then
	echo "FAIL: an unknown signalling was accepted" >&2
	exit 1
fi
echo "PASS: control socket"
