# Host-side helpers of the user-mode Linux tests (sourced; see doc/testing-uml.md).
#
# uml_init             checks for linux.uml (exit 77 without it), makes the work directory
#                      $WD (shared read-write with the guest, same path on both sides) and
#                      builds the ptrace shim (uml_xstate.c) that this host's CPU needs
# uml_run LAB SECONDS  boots the guest, runs LAB (a shell script) inside, copies the lab's
#                      lines to stdout and returns the lab's exit status (124: no status,
#                      the guest hung or crashed)
# sg_uml_bindir        sets SG_BIN to a build of sgd and the tools that runs inside the guest
#                      (AddressSanitizer cannot: see doc/testing-uml.md)
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
UML_DIR=$top_srcdir/tests/uml
UML_MEM=${UML_MEM:-384M}
PASSES=0
FAILS=0

ok() { PASSES=$((PASSES + 1)); echo "PASS: $*"; }
nok() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ] && [ "$PASSES" -gt 0 ]
}

uml_cleanup() {
	[ -n "${WD-}" ] || return 0
	if [ -n "${KEEP_TMP-}" ]; then echo "kept $WD"; else rm -rf "$WD"; fi
}

uml_init() {
	UML=$(command -v linux.uml || true)
	if [ -z "$UML" ]; then
		echo "SKIP: linux.uml is not installed (apt-get install user-mode-linux)"
		exit 77
	fi
	# no spaces: the path travels on the guest's kernel command line
	WD=$(mktemp -d "${TMPDIR:-/tmp}/sg-uml.XXXXXX")
	case $WD in *" "*) echo "FAIL: work directory $WD has a space"; exit 1 ;; esac
	trap uml_cleanup EXIT
	cp "$UML_DIR/guest_init.sh" "$WD/guest_init.sh"
	chmod +x "$WD/guest_init.sh"
	if ! ${CC:-cc} -shared -fPIC -O2 -o "$WD/uml_xstate.so" "$UML_DIR/uml_xstate.c" -ldl \
		>"$WD/shim.log" 2>&1; then
		echo "FAIL: cannot build the ptrace shim:"; cat "$WD/shim.log"; exit 1
	fi
}

# uml_run LAB SECONDS
uml_run() {
	local lab=$1 secs=$2 rc t0
	cp "$lab" "$WD/lab.sh"
	t0=$(date +%s%N)
	# timeout(1) runs UML in a process group of its own and signals the whole group
	timeout -k 5 "$secs" env LD_PRELOAD="$WD/uml_xstate.so" "$UML" \
		mem="$UML_MEM" root=/dev/root rootfstype=hostfs rootflags=/ ro quiet \
		init="$WD/guest_init.sh" con=null con0=null,fd:1 \
		uml_dir="$WD" umid=sg-uml \
		UMLWD="$WD" UMLLAB="$WD/lab.sh" </dev/null >"$WD/console.log" 2>&1
	rc=$?
	echo "uml: guest ran $(( ($(date +%s%N) - t0) / 1000000 )) ms, linux.uml exit $rc"
	# the lab's own lines (the kernel's messages before init are left out)
	sed -n '/^uml-lab: /,$p' "$WD/console.log" | grep -v '^reboot: '
	rc=$(sed -n 's/^uml-lab: exit \([0-9]*\).*/\1/p' "$WD/console.log" | tail -1)
	if [ -z "$rc" ]; then
		echo "uml: no exit status from the guest; its console:"
		tail -40 "$WD/console.log"
		return 124
	fi
	return "$rc"
}

# True if the program was built with AddressSanitizer.
uses_asan() {
	readelf -d "$1" 2>/dev/null | grep -q 'NEEDED.*libasan' ||
		nm "$1" 2>/dev/null | grep -q ' __asan_init'
}

# sg_uml_bindir TARGET...: sets SG_BIN to a build directory holding TARGETs without ASan.
# If the project's build has no ASan, that is the project's build itself.  Otherwise a second
# build (UBSan kept, ASan left out) is configured once in tests/uml/nosan/build and
# brought up to date on each run (from a copy of the sources if they are configured in place).
sg_uml_bindir() {
	local t need=0 nb flags
	for t in "$@"; do
		[ -x "$top_builddir/$t" ] && ! uses_asan "$top_builddir/$t" || need=1
	done
	if [ $need -eq 0 ]; then
		SG_BIN=$top_builddir
		return 0
	fi
	nb=$top_builddir/tests/uml/nosan
	mkdir -p "$nb/build"
	flags="-g -O1 -fno-omit-frame-pointer -fsanitize=undefined -fno-sanitize-recover=undefined"
	(
		# the outer make's jobserver does not reach this make
		unset MAKEFLAGS MFLAGS MAKELEVEL
		cd "$nb/build" || exit 1
		exec 9>"$nb/.lock"
		flock 9
		src=$(cd "$top_srcdir" && pwd)
		if [ -f "$src/config.status" ]; then
			# the source tree is configured in place, which rules out a second build
			# from it: build from a copy (distdir keeps the files' times, so make
			# only redoes what changed)
			make -C "$top_builddir" distdir distdir="$nb/src" >"$nb/distdir.log" 2>&1 ||
				{ tail -20 "$nb/distdir.log"; exit 1; }
			src=$nb/src
		fi
		if [ ! -f config.status ]; then
			"$src/configure" --disable-sanitize CFLAGS="$flags" LDFLAGS="-fsanitize=undefined" \
				>"$nb/configure.log" 2>&1 || { tail -20 "$nb/configure.log"; exit 1; }
		fi
		make -j2 "$@" >"$nb/make.log" 2>&1 || { tail -30 "$nb/make.log"; exit 1; }
	) || { echo "FAIL: cannot build $* without ASan in $nb"; return 1; }
	SG_BIN=$nb/build
}
