#!/bin/bash
# tools/setup.sh build reuses ./build when it is configured with the same arguments (the
# demo's second start goes straight to make), and reconfigures, cleaning the objects, when
# the arguments differ (the test build's sanitizer objects never mix with the demo's).
# Runs setup.sh in a scratch tree whose configure and make only record their calls.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sg-setup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passes=0 fails=0
check() { local d=$1; shift; if "$@"; then passes=$((passes + 1)); echo "PASS: $d"; else
	fails=$((fails + 1)); echo "FAIL: $d"; fi; }

mkdir -p "$tmp/tree/tools" "$tmp/bin"
cp "$top/tools/setup.sh" "$tmp/tree/tools/"
touch "$tmp/tree/configure.ac"
# configure: logs its arguments, leaves a Makefile and a config.status that reports them
cat > "$tmp/tree/configure" <<'SH'
#!/bin/bash
echo "configure $*" >> "$CALLS"
echo "all:" > Makefile
printf '#!/bin/sh\n[ "$1" = --config ] && echo "%s"\n' "$*" > config.status
chmod +x config.status
SH
chmod +x "$tmp/tree/configure"
touch -d '+1 minute' "$tmp/tree/configure"	# newer than configure.ac: no autoreconf
printf '#!/bin/sh\necho "make $*" >> "$CALLS"\n' > "$tmp/bin/make"
chmod +x "$tmp/bin/make"
export CALLS=$tmp/calls PATH="$tmp/bin:$PATH" SETUP_NO_DEPS=1

run() { : > "$CALLS"; (unset RECONFIGURE; "$@" "$tmp/tree/tools/setup.sh" build "${ARGS[@]}") \
	>/dev/null 2>&1; }
calls() { grep -c "^$1" "$CALLS"; }

ARGS=(--enable-sanitize)
run env
check "first build: configure runs once" [ "$(calls 'configure --enable-sanitize')" = 1 ]
check "first build: make builds" [ "$(calls 'make -j')" = 1 ]
run env
check "same arguments: configure does not run" [ "$(calls configure)" = 0 ]
check "same arguments: make builds" [ "$(calls 'make -j')" = 1 ]
ARGS=()
run env
check "other arguments: configure runs" [ "$(calls configure)" = 1 ]
check "other arguments: the old objects are cleaned" [ "$(calls 'make clean')" = 1 ]
run env
check "again (no arguments): configure does not run" [ "$(calls configure)" = 0 ]
run env RECONFIGURE=1
check "RECONFIGURE=1: configure runs" [ "$(calls configure)" = 1 ]
check "RECONFIGURE=1 with the same arguments: no clean" [ "$(calls 'make clean')" = 0 ]
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
