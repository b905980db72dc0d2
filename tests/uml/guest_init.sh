#!/bin/sh
# PID 1 of the user-mode Linux guest used by the tests in tests/uml/ (see doc/testing-uml.md).
#
# The guest's root is the host's / through hostfs, read-only, /tmp included.  The kernel
# command line passes UMLWD (a host directory, mounted read-write at the same path so that both
# sides share files) and UMLLAB (the lab script to run).  This script loads the kernel's SCTP
# module and its dependencies, brings up loopback, runs the lab, prints the lab's exit status
# as the line "uml-lab: exit N" (the host looks for it) and powers the guest off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /run
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
# the host's /tmp stays visible (read-only, like the rest: build trees may live there);
# scratch space is on tmpfs
mkdir -p /run/tmp /run/home
export TMPDIR=/run/tmp HOME=/run/home

fail() {
	echo "uml-lab: setup failed: $*"
	echo "uml-lab: exit 99"
	busybox poweroff -f
}

[ -n "${UMLWD-}" ] || fail "no UMLWD= on the kernel command line"
[ -n "${UMLLAB-}" ] || fail "no UMLLAB= on the kernel command line"
# the host's directory, writable, at the same path as on the host
mkdir -p "$UMLWD" && mount -t hostfs -o "$UMLWD" hostfs "$UMLWD" || fail "mount hostfs $UMLWD"

ip link set lo up || fail "loopback"

# SCTP: its dependencies from modules.dep (last one first), then the module itself.
# hmac is no dependency in modules.dep, but listen() on SCTP allocates the cookie HMAC
# (hmac(sha1) by default) and fails with ENOSYS without it.
MODDIR=/usr/lib/uml/modules/$(uname -r)
deps=$(sed -n 's|^kernel/net/sctp/sctp.ko:||p' "$MODDIR/modules.dep")
rev=""
for d in $deps; do rev="$d $rev"; done
for m in kernel/crypto/hmac.ko $rev kernel/net/sctp/sctp.ko; do
	insmod "$MODDIR/$m" 2>/dev/null || grep -q "^$(basename "$m" .ko | tr - _) " /proc/modules ||
		fail "insmod $m"
done
grep -q '^sctp ' /proc/modules || fail "sctp module not loaded"
echo "uml-lab: kernel $(uname -r), sctp loaded, $(nproc) cpu, up $(cut -d' ' -f1 /proc/uptime) s"

cd "$UMLWD" || fail "cd $UMLWD"
sh "$UMLLAB"
echo "uml-lab: exit $? (up $(cut -d' ' -f1 /proc/uptime) s)"
sync
busybox poweroff -f
