#!/bin/sh
# The SCTP transport's unit tests (tests/unit/test_sctp) again, with usrsctp in raw mode:
# SCTP directly over IP on raw sockets instead of UDP encapsulation.  Needs root; skipped
# (77) otherwise, and where the kernel has SCTP (it would answer the raw packets itself).
[ "$(id -u)" = 0 ] || { echo "SKIP: not applicable: usrsctp raw mode needs root"; exit 77; }
if [ -r /proc/net/sctp/eps ] || grep -qs '^sctp ' /proc/modules; then
	echo "SKIP: not applicable: the kernel has SCTP"
	exit 77
fi
TEST_SCTP_USRSCTP_MODE=raw exec "${top_builddir:-.}/tests/unit/test_sctp"
