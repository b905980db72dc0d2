#!/bin/bash
# Install what sigtran-sg needs on Debian 12 (only what is missing), then build it.
#   tools/setup.sh deps            install packages only
#   tools/setup.sh build [ARGS]    install, then configure (with ARGS) and build in ./build
set -eu
cd "$(dirname "$0")/.."

PACKAGES=(
	build-essential autoconf automake pkg-config ca-certificates
	libosmocore-dev libtalloc-dev libjson-c-dev libcunit1-dev libmicrohttpd-dev
	libsctp-dev libusrsctp-dev dahdi-source
	curl jq clang libclang-rt-14-dev
	libss7-dev tshark libosmo-sigtran-dev libosmo-sccp-dev
	user-mode-linux busybox-static kmod osmo-stp python3
)

install_deps() {
	local missing=()
	for p in "${PACKAGES[@]}"; do
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

build() {
	[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi
	mkdir -p build
	cd build
	if [ ! -f Makefile ] || [ "${RECONFIGURE:-1}" = 1 ]; then
		../configure "$@"
		# objects built with other flags (e.g. the sanitizers of the test build) must
		# not be linked with these
		if [ -f .configure-args ] && [ "$(cat .configure-args)" != "$*" ]; then
			make clean >/dev/null
		fi
		echo "$*" > .configure-args
	fi
	make -j"$(nproc)"
}

case "${1:-build}" in
deps) install_deps ;;
build) shift || true; install_deps; build "$@" ;;
*) echo "usage: $0 deps | build [configure args]" >&2; exit 2 ;;
esac
