#!/bin/sh
# The SCTP transport's unit tests (tests/unit/test_sctp) again, with usrsctp in raw mode:
# SCTP directly over IP on raw sockets instead of UDP encapsulation.  Needs root; skipped
# (77) otherwise, and where the kernel has SCTP (it would answer the raw packets itself).
[ "$(id -u)" = 0 ] || { echo "SKIP: not applicable: usrsctp raw mode needs root"; exit 77; }
if [ -r /proc/net/sctp/eps ] || grep -qs '^sctp ' /proc/modules; then
	echo "SKIP: not applicable: the kernel has SCTP"
	exit 77
fi
# Raw sockets of protocol 132 see every SCTP packet of the network namespace: another
# raw-mode SCTP stack running beside this test (a second test suite on the same machine)
# would take our packets as out of the blue and abort our associations. So the test runs
# in a network namespace of its own, with only its loopback, where the machine allows it.
prog=${top_builddir:-.}/tests/unit/test_sctp
export TEST_SCTP_USRSCTP_MODE=raw
if unshare -n true 2>/dev/null; then
	exec unshare -n sh -c 'ip link set lo up && exec "$0"' "$prog"
fi
echo "note: no network namespace here (unshare -n refused): sharing the machine's"
exec "$prog"
