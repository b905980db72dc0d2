#!/bin/bash
# Run the README's commands in a minimal Debian 12 root, as a user's fresh machine (a
# container or cloud image) may be: `debootstrap --variant=minbase bookworm`, no iproute2,
# procps, xxd, git... Each run starts from a pristine copy of the root, with a fresh clone of
# this repository's HEAD in /root (named as this checkout), and the host's /proc, /sys, /dev.
#
#   tools/minbase.sh test             tools/test.sh (the test command) in the root
#   tools/minbase.sh demo [SECONDS]   tools/demo.sh (the demo command) for SECONDS (default 30),
#                                     then checks that calls were placed and answered
#   tools/minbase.sh packages         the root's packages, for tools/minbase.packages
#
# Needs root, debootstrap (installed when missing) and git on the host, and the network
# to Debian's package registry. MINBASE_DIR (default /var/tmp/sg-minbase) holds the pristine
# root (made on first use, kept) and the run's copy (removed afterwards unless KEEP=1).
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "$0: run as root (debootstrap, chroot, mounts)" >&2; exit 2; }
dir=${MINBASE_DIR:-/var/tmp/sg-minbase}
base=$dir/base
mirror=${MINBASE_MIRROR:-http://deb.debian.org/debian}

if [ ! -x "$base/bin/bash" ]; then
	command -v debootstrap >/dev/null || tools/setup.sh extra-deps
	rm -rf "$base"
	mkdir -p "$dir"
	debootstrap --variant=minbase bookworm "$base" "$mirror"
fi
if [ "${1-}" = packages ]; then
	chroot "$base" dpkg-query -W -f='${Package}\n' | sort
	exit 0
fi

run=$dir/run.$$
# the clone's path in the root, made up at run time: the tree names no path of a machine
# (tests/tree/no_abs_paths.sh, which runs in there too)
guest=/root/$(basename "$(pwd)")
cleanup() {
	for m in dev sys proc; do umount -R "$run/$m" 2>/dev/null || umount -lR "$run/$m" 2>/dev/null || true; done
	[ "${KEEP:-0}" = 1 ] && echo "kept $run" || rm -rf --one-file-system "$run"
}
trap cleanup EXIT
cp -a "$base" "$run"
mount -t proc proc "$run/proc"
mount --rbind /sys "$run/sys" && mount --make-rslave "$run/sys"
mount --rbind /dev "$run/dev" && mount --make-rslave "$run/dev"
cp /etc/resolv.conf "$run/etc/resolv.conf"
git clone -q "$(pwd)" "$run$guest"
echo "== minbase root $run: $(chroot "$run" dpkg-query -W | wc -l) packages, clone of $(git rev-parse --short HEAD)"

in_root() { chroot "$run" /usr/bin/env -i HOME=/root TERM=dumb \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$1"; }

case "${1-}" in
test)
	in_root "cd $guest && tools/test.sh"
	;;
demo)
	secs=${2:-30}
	in_root "cd $guest && DEMO_SECONDS=$secs tools/demo.sh </dev/null" | tee "$run/demo.out"
	# the switch's totals: calls placed and answered
	total=$(grep '^== switch:' "$run/demo.out" | tail -1)
	placed=$(echo "$total" | sed -n 's/.*attempts=\([0-9]*\).*/\1/p')
	answered=$(echo "$total" | sed -n 's/.*answered=\([0-9]*\).*/\1/p')
	echo "== demo in the minbase root: ${placed:-0} calls placed, ${answered:-0} answered"
	[ "${placed:-0}" -gt 0 ] && [ "${answered:-0}" -gt 0 ]
	;;
*)
	sed -n '6,10p' "$0" >&2
	exit 2
	;;
esac
