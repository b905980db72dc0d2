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

# forget PID: a process the test has reaped itself, no longer to be killed at exit
forget() { PIDS=$(echo "$PIDS" | sed "s/ $1//"); }
# stop_pid SIGNAL PID: signals a process the test started and waits for it; its exit status
stop_pid() {
	local rc
	kill "-$1" "$2"
	wait "$2" 2>/dev/null
	rc=$?
	forget "$2"
	return $rc
}
# wait_exit PID TIMEOUT_MS: waits for a process to end by itself; its exit status in RC
# (RC=timeout and false when it did not end in time)
wait_exit() {
	local t0
	t0=$(now_ms)
	while kill -0 "$1" 2>/dev/null; do
		timed_out "$t0" "$2" && { RC=timeout; return 1; }
		sleep 0.05
	done
	wait "$1"; RC=$?
	forget "$1"
}
# field FILE TAG KEY: the value of KEY=value in the last line of FILE that starts with TAG
field() { sed -n "/^$2 /h; \${x;p}" "$1" | tr ' ' '\n' | sed -n "s/^$3=//p"; }

# The chain of flood.sh, dead_peer.sh and simswitch.sh: a switch 2-100-2 on a pseudowire
# (UDP ports BASE and BASE+1; 8 ms packets and an 80 ms jitter buffer, so that a loaded machine
# does not take the links down), two links to sgd 2-100-1, the SGP (SCTP over UDP port BASE+2,
# M3UA port BASE+3) of the IP core's AS, 3-0-5 on the IP side and 2-100-5 on the TDM side,
# where the switch is 3-0-2.
# chain_sw_json BASE: the switch's configuration
chain_sw_json() {
	cat <<JSON
{ "node": { "name": "sw" }, "log": { "level": "notice" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sp", "pc": "2-100-2", "ni": "national" } ],
$(chain_pw_links "$1" $(($1 + 1)) ls sp 2-100-1),
  "routes": [ { "dpc": "2-100-5", "linkset": "ls" } ] }
JSON
}
# chain_sg_json BASE M3UA: sgd's configuration, with M3UA as its "m3ua" object
chain_sg_json() {
	cat <<JSON
{ "node": { "name": "sg" }, "log": { "level": "notice" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sg", "pc": "2-100-1", "ni": "national", "stp": true } ],
$(chain_pw_links $(($1 + 1)) "$1" to-switch sg 2-100-2),
  "sctp": { "transport": "auto", "udp_port": $(($1 + 2)) },
  "m3ua": $2,
  "translations": [ { "name": "core-as", "tdm": { "pc": "2-100-5" }, "ip": { "pc": "3-0-5" } },
                    { "name": "switch", "tdm": { "pc": "2-100-2" }, "ip": { "pc": "3-0-2" } } ] }
JSON
}
# chain_m3ua_one_asp BASE SI...: the "m3ua" of an SGP for one ASP, core-asp (ASP Identifier 1),
# of the AS core (routing context 100, override), key: DPC 3-0-5 and the SIs given
chain_m3ua_one_asp() {
	local base=$1 si
	shift
	si=$(echo "$*" | sed 's/ /, /g')
	cat <<JSON
{ "sp": "sg", "listen": { "addresses": ["127.0.0.1"], "port": $((base + 3)) },
    "asps": [ { "name": "core-asp", "role": "sgp", "asp_id": 1,
                "remote": { "addresses": ["127.0.0.1"] } } ],
    "as": [ { "name": "core", "routing_context": 100, "traffic_mode": "override",
              "asps": ["core-asp"], "routing_key": { "dpc": ["3-0-5"], "si": [$si] } } ] }
JSON
}
# chain_pw_links LOCAL REMOTE LINKSET SP ADJACENT: the span and the linkset of two links
chain_pw_links() {
	cat <<JSON
  "spans": [ { "name": "e1", "driver": "pw",
               "pw": { "local": "127.0.0.1:$1", "remote": "127.0.0.1:$2",
                       "frames_per_packet": 64, "jitter_ms": 80 } } ],
  "linksets": [ { "name": "$3", "sp": "$4", "adjacent_pc": "$5",
                  "links": [ { "name": "l0", "slc": 0, "span": "e1", "timeslot": 16 },
                             { "name": "l1", "slc": 1, "span": "e1", "timeslot": 17 } ] } ]
JSON
}
# wait_output EXPECTED BOUND_MS COMMAND...: runs COMMAND every 50 ms until what it prints is
# EXPECTED (0) or BOUND_MS (scaled) have passed (1, and the last output is shown)
wait_output() {
	local want=$1 bound=$2 t0 got
	shift 2
	t0=$(now_ms)
	while :; do
		got=$("$@")
		[ "$got" = "$want" ] && return 0
		timed_out "$t0" "$bound" && { echo "  ($*: $got)"; return 1; }
		sleep 0.05
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
	forget "$SGD_PID"
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

# api_field_is PATH FILTER VALUE: GET PATH answers a body whose jq FILTER (raw) is VALUE
api_field_is() { api GET "$1"; [ "$(jq -r "$2" "$BODY_FILE")" = "$3" ]; }

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
