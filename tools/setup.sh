#!/bin/bash
# Install what sigtran-sg needs on Debian 12 (only what is missing), then build it.
#   tools/setup.sh deps            install packages only
#   tools/setup.sh extra-deps      install also what only the benchmarks and tools/minbase.sh use
#   tools/setup.sh build [ARGS]    install, then configure (with ARGS, unless ./build already is)
#                                  and build in ./build (RECONFIGURE=1: configure anyway)
#   tools/setup.sh packages        the packages `deps` installs, one a line
#   tools/setup.sh package-of CMD  the package that brings program CMD (COMMANDS below)
#
# A fresh Debian 12 may be a minimal root (debootstrap --variant=minbase: no iproute2,
# procps, xxd...). Every program the tests, tools and benchmarks run must come with such a
# root (tools/minbase.packages) or from a package listed here: tests/tree/commands.sh checks
# it in `make check`, and tools/minbase.sh runs the README's commands in a minimal root.
set -eu
cd "$(dirname "$0")/.."

PACKAGES=(
	build-essential autoconf automake pkg-config ca-certificates
	libosmocore-dev libtalloc-dev libjson-c-dev libcunit1-dev libmicrohttpd-dev
	libsctp-dev libusrsctp-dev dahdi-source
	curl jq clang libclang-rt-14-dev
	libss7-dev tshark libosmo-sigtran-dev libosmo-sccp-dev
	user-mode-linux busybox-static kmod iproute2 osmo-stp python3
)
# what only the benchmarks (bench/m3ua_instr.sh) and tools/minbase.sh use
EXTRA_PACKAGES=(valgrind debootstrap git)

# Programs the scripts run that a minbase root lacks, and the package that brings each
# (a package of PACKAGES or EXTRA_PACKAGES, or one they depend on).
COMMANDS=(
	make:build-essential nm:build-essential readelf:build-essential cc:build-essential
	autoreconf:autoconf automake:automake pkg-config:pkg-config
	curl:curl jq:jq clang:clang
	tshark:tshark dumpcap:tshark text2pcap:tshark
	linux.uml:user-mode-linux busybox:busybox-static insmod:kmod ip:iproute2
	osmo-stp:osmo-stp python3:python3
	valgrind:valgrind debootstrap:debootstrap git:git
)

package_of() {
	local c
	for c in "${COMMANDS[@]}"; do
		[ "${c%%:*}" = "$1" ] && { echo "${c#*:}"; return 0; }
	done
	return 1
}

install_deps() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "== installing: ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages and not root: run as root (or install them): ${missing[*]}" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Configure ./build only when it is not configured with exactly these arguments (config.status
# records them: `config.status --config`), so that a second run (the demo's) goes straight to
# make, which rebuilds what changed and reruns configure or automake itself when configure.ac
# or a Makefile.am changed.  RECONFIGURE=1 forces configure.  A tree configured with other
# arguments (the sanitizers of tools/test.sh, or none for the demo) is cleaned after
# configure: its objects must not be linked with these.
build() {
	[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi
	mkdir -p build
	cd build
	local configured=0 have=""
	if [ -f Makefile ] && [ -x config.status ]; then
		configured=1
		have=$(./config.status --config 2>/dev/null) || have="?"
	fi
	if [ $configured = 0 ] || [ "$have" != "$*" ] || [ "${RECONFIGURE:-0}" = 1 ]; then
		../configure "$@"
		if [ $configured = 1 ] && [ "$have" != "$*" ]; then
			echo "== ./build was configured with other arguments ($have): make clean"
			make clean >/dev/null
		fi
	else
		echo "== ./build is configured with these arguments (${*:-none}): reusing it"
	fi
	make -j"$(nproc)"
}

case "${1:-build}" in
deps) install_deps "${PACKAGES[@]}" ;;
extra-deps) install_deps "${PACKAGES[@]}" "${EXTRA_PACKAGES[@]}" ;;
build)
	shift || true
	# SETUP_NO_DEPS=1: build only (tests/tree/setup_build.sh)
	[ "${SETUP_NO_DEPS:-0}" = 1 ] || install_deps "${PACKAGES[@]}"
	build "$@"
	;;
packages) printf '%s\n' "${PACKAGES[@]}" "${EXTRA_PACKAGES[@]}" ;;
package-of) package_of "${2-}" ;;
*) sed -n '3,8p' "$0" >&2; exit 2 ;;
esac
