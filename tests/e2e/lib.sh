# Shared helpers of the end-to-end tests (sourced).
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
SGD="$top_builddir/sg/sgd"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sg-e2e.XXXXXX")
PIDS=""
FAILS=0
PASSES=0

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	[ -n "${KEEP_TMP-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

ok() { PASSES=$((PASSES + 1)); echo "PASS: $*"; }
nok() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# need PROGRAM...: skips the test (exit 77) naming the Debian package of a missing program.
# tools/test.sh, the README's test command and CI's, fails on any skipped test.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 && continue
		echo "SKIP: $c is not installed (Debian package" \
			"$("$top_srcdir/tools/setup.sh" package-of "$c" || echo "?"); tools/setup.sh deps)"
		exit 77
	done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# A test waits for a condition, never for a time, and asserts nothing about how
# long the wait took: its bound only ends a run that is broken. On a loaded
# machine everything is slower, so every bound is multiplied by
# SG_TEST_TIMEOUT_SCALE (default 5). Start-up time is measured in bench/.
: "${SG_TEST_TIMEOUT_SCALE:=5}"
# timed_out T0_MS BOUND_MS: true once BOUND_MS (scaled) have passed since T0_MS
timed_out() { [ $(( $(now_ms) - $1 )) -gt $(( $2 * SG_TEST_TIMEOUT_SCALE )) ]; }
# poll BOUND_MS COMMAND...: runs COMMAND every 20 ms until it succeeds (0) or BOUND_MS (scaled)
# have passed (1)
poll() {
	local t0 bound=$1
	shift
	t0=$(now_ms)
	until "$@"; do
		timed_out "$t0" "$bound" && return 1
		sleep 0.02
	done
}

# start_sgd CONFIG LOG: starts sgd, sets SGD_PID and SGD_PORT (from its log)
start_sgd() {
	local cfg=$1 log=$2 t0
	"$SGD" -c "$cfg" 2>"$log" &
	SGD_PID=$!
	PIDS="$PIDS $SGD_PID"
	SGD_PORT=""
	t0=$(now_ms)
	while [ -z "$SGD_PORT" ]; do
		SGD_PORT=$(sed -n 's/.*management API on [^ ]*:\([0-9]*\)$/\1/p' "$log" | head -1)
		if ! kill -0 "$SGD_PID" 2>/dev/null; then
			echo "sgd exited early:"; cat "$log"; return 1
		fi
		timed_out $t0 10000 && { echo "sgd did not start"; cat "$log"; return 1; }
		[ -z "$SGD_PORT" ] && sleep 0.005
	done
	return 0
}

# stop_sgd: SIGTERM, wait, and return sgd's exit status
stop_sgd() {
	local rc
	kill -TERM "$SGD_PID"
	wait "$SGD_PID"
	rc=$?
	PIDS=$(echo "$PIDS" | sed "s/ $SGD_PID//")
	return $rc
}

# api METHOD PATH [BODY [CONTENT-TYPE]] -> sets HTTP_CODE and BODY_FILE
api() {
	local method=$1 path=$2 body=${3-} ctype=${4-application/json}
	BODY_FILE="$TMP/body.json"
	local args=(-s -o "$BODY_FILE" -w '%{http_code}' -X "$method" --max-time $((5 * SG_TEST_TIMEOUT_SCALE)))
	[ -n "${TOKEN-}" ] && args+=(-H "Authorization: Bearer $TOKEN")
	if [ -n "$body" ]; then
		args+=(-H "Content-Type: $ctype" --data-binary "$body")
	fi
	HTTP_CODE=$(curl "${args[@]}" "http://127.0.0.1:$SGD_PORT$path")
}

# expect_error CODE DESCRIPTION METHOD PATH [BODY [CTYPE]]
expect_error() {
	local code=$1 d=$2; shift 2
	api "$@"
	if [ "$HTTP_CODE" = "$code" ] &&
	   [ "$(jq -r '.error.status' "$BODY_FILE" 2>/dev/null)" = "$code" ] &&
	   [ -n "$(jq -r '.error.reason // empty' "$BODY_FILE" 2>/dev/null)" ]; then
		ok "$d -> $code: $(jq -r '.error.reason' "$BODY_FILE")"
	else
		nok "$d: expected $code with a JSON reason, got $HTTP_CODE: $(head -c 300 "$BODY_FILE")"
	fi
}

no_sanitizer_report() {
	! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$1"
}
