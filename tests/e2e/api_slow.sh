#!/bin/bash
# Slow clients cannot lock the management API out (issue 10 item 5). 200 connections that trickle
# a header line now and then, and never end their headers, once made a normal request wait 60 s,
# with or without a token (they never get as far as authenticating). Now each client address has
# at most management.max_connections_per_address connections (more are refused at once), and a
# connection whose request headers (the whole request) are not complete within
# management.header_timeout_ms (request_timeout_ms) is closed. Shown here for a server without
# and with a token, with tests/e2e/slowclient as the slow clients; every wait is a poll on a
# condition (lib.sh), no time is asserted.
. "$(dirname "$0")/lib.sh"

need curl jq

SLOW="$top_builddir/tests/e2e/slowclient"
PER_ADDR=8
MAX_CONNS=64
TOKEN_VALUE=0123456789abcdef0123
BOUND=$((120000 * SG_TEST_TIMEOUT_SCALE))	# ends a broken slowclient run only

# ctr NAME: a server counter from the last answer (GET /api/v1/status in $BODY_FILE)
ctr() { jq -r --arg n "$1" '.counters[] | select(.name == $n) | .value' "$BODY_FILE"; }
# ctr_at_least NAME N: GET /api/v1/status answers 200 and counter NAME is at least N
ctr_at_least() { api GET /api/v1/status && [ "$HTTP_CODE" = 200 ] && [ "$(ctr "$1")" -ge "$2" ]; }
# slow_start OUT ARGS...: slowclient in the background (SLOW_PID), its output in OUT
slow_start() {
	local out=$1; shift
	"$SLOW" "$@" >"$out" 2>&1 &
	SLOW_PID=$!
	PIDS="$PIDS $SLOW_PID"
}
slow_stop() {
	stop_pid TERM "$SLOW_PID"
}
ready() { grep -qx ready "$1"; }
# slow_done RC OUT TEXT: a slowclient run ended well (RC 0) and its counts read TEXT
slow_done() { [ "$1" -eq 0 ] && grep -qF "$3" "$2"; }

# three_closed STEP MODE ADDRESS WHAT ANSWERED DEADLINE DEADLINES: within run(), 3 slowclient
# connections in MODE from ADDRESS (with the token) are all closed by the server after
# ANSWERED answers, counted by http:connections:DEADLINE
three_closed() {
	local out="$TMP/$name-$1.out" c0 rc
	api GET /api/v1/status; c0=$(ctr "http:connections:$6")
	SLOW_TOKEN=$tok "$SLOW" -m "$2" -i 300 -w $BOUND "$SGD_PORT" "3@$3" >"$out" 2>&1; rc=$?
	check "$name: $4: $(tail -1 "$out")" \
		slow_done $rc "$out" "3 connections: 3 closed by the server, 0 open, $5 answered,"
	api GET /api/v1/status
	check "$name: counted as $7" [ $(($(ctr "http:connections:$6") - c0)) -eq 3 ]
}

# run NAME TOKEN: the scenarios against one sgd (TOKEN empty: none configured)
run() {
	local name=$1 tok=$2 out a0 r0 h0 addrs i rc
	local cfg="$TMP/$name.json" log="$TMP/$name.log"

	jq --arg t "$tok" --argjson pa $PER_ADDR '.management += {
		max_connections_per_address: $pa, header_timeout_ms: 1000, request_timeout_ms: 2000 }
		| if $t != "" then .management.token = $t else . end' "$TMP/base.json" > "$cfg"
	start_sgd "$cfg" "$log" || exit 1
	TOKEN=$tok
	poll 10000 ctr_at_least http:requests:total 0
	check "$name: status shows the connection limits and deadlines in force" \
		[ "$(jq -c .connections "$BODY_FILE" | jq -c 'del(.open)')" = \
		  "{\"max_connections\":$MAX_CONNS,\"max_connections_per_address\":$PER_ADDR,\"header_timeout_ms\":1000,\"request_timeout_ms\":2000}" ]

	# 1. per-address limit: 200 slow connections from 127.0.0.2, each reopened when closed
	out="$TMP/$name-a.out"
	api GET /api/v1/status; r0=$(ctr http:connections:refused); h0=$(ctr http:connections:header_timeout)
	slow_start "$out" -r -i 300 -w $BOUND "$SGD_PORT" 200@127.0.0.2
	check "$name: 200 slow connections from 127.0.0.2 are open (client side)" poll 20000 ready "$out"
	check "$name: 127.0.0.2 beyond $PER_ADDR connections is refused (192 at least)" \
		poll 20000 ctr_at_least http:connections:refused $((r0 + 200 - PER_ADDR))
	api GET /api/v1/status
	check "$name: a normal request from 127.0.0.1 is answered 200 while they trickle" \
		[ "$HTTP_CODE" = 200 ]
	check "$name: at most $PER_ADDR of them are open, and this request ($(jq .connections.open "$BODY_FILE") open)" \
		[ "$(jq .connections.open "$BODY_FILE")" -le $((PER_ADDR + 1)) ]
	check "$name: the $PER_ADDR accepted ones are closed by the header deadline, though they trickle" \
		poll 20000 ctr_at_least http:connections:header_timeout $((h0 + PER_ADDR))
	api GET /api/v1/status
	check "$name: and a normal request is still answered 200" [ "$HTTP_CODE" = 200 ]
	slow_stop
	check "$name: none of the slow requests got an answer: $(tail -1 "$out")" \
		grep -q " 0 answered," "$out"

	# 2. the same address: 200 slow connections from 127.0.0.1 (not reopened) take its slots
	# until the header deadline frees them
	out="$TMP/$name-b.out"
	api GET /api/v1/status; r0=$(ctr http:connections:refused); h0=$(ctr http:connections:header_timeout)
	"$SLOW" -i 300 -w $BOUND "$SGD_PORT" 200@127.0.0.1 >"$out" 2>&1; rc=$?
	check "$name: 200 slow connections from 127.0.0.1 all closed by the server: $(tail -1 "$out")" \
		slow_done $rc "$out" "200 connections: 200 closed by the server, 0 open, 0 answered,"
	api GET /api/v1/status
	check "$name: then a normal request from 127.0.0.1 is answered 200" [ "$HTTP_CODE" = 200 ]
	check "$name: each was refused or closed by the header deadline ($(($(ctr http:connections:refused) - r0)) + $(($(ctr http:connections:header_timeout) - h0)) = 200)" \
		[ $(($(ctr http:connections:refused) - r0 + $(ctr http:connections:header_timeout) - h0)) -eq 200 ]
	check "$name: $PER_ADDR at least were accepted and closed by the deadline" \
		[ $(($(ctr http:connections:header_timeout) - h0)) -ge $PER_ADDR ]

	# 3. the server full: 200 slow connections from 25 addresses (8 each, reopened when closed)
	# against its $MAX_CONNS connections; a normal request waits in the listen backlog, behind
	# those 200 (accepted in order), and is answered once the deadline has closed enough of them
	out="$TMP/$name-c.out"
	addrs=""
	for i in $(seq 3 27); do addrs="$addrs $PER_ADDR@127.0.0.$i"; done
	api GET /api/v1/status; a0=$(ctr http:connections:accepted); h0=$(ctr http:connections:header_timeout)
	slow_start "$out" -r -i 300 -w $BOUND "$SGD_PORT" $addrs
	check "$name: 200 slow connections from 25 addresses are open (client side)" poll 20000 ready "$out"
	api GET /api/v1/status
	check "$name: a normal request from 127.0.0.1 is answered 200 while they keep the server full" \
		[ "$HTTP_CODE" = 200 ]
	check "$name: the 200 were accepted before it ($(($(ctr http:connections:accepted) - a0)) accepted)" \
		[ $(($(ctr http:connections:accepted) - a0)) -gt 200 ]
	check "$name: $((200 - MAX_CONNS)) at least closed by the deadline to make room ($(($(ctr http:connections:header_timeout) - h0)))" \
		[ $(($(ctr http:connections:header_timeout) - h0)) -ge $((200 - MAX_CONNS)) ]
	check "$name: at most $MAX_CONNS connections open when it was answered ($(jq .connections.open "$BODY_FILE"))" \
		[ "$(jq .connections.open "$BODY_FILE")" -le $MAX_CONNS ]
	slow_stop
	check "$name: none of them got an answer: $(tail -1 "$out")" grep -q " 0 answered," "$out"

	# 4. a body trickling after complete headers (authenticated when there is a token): the
	# whole request has request_timeout_ms
	three_closed d body 127.0.0.30 "3 requests trickling their body all closed by the server" 0 \
		request_timeout "request deadlines"
	# 5. a keep-alive connection idling after its answer: its next request's headers have
	# header_timeout_ms too
	three_closed e idle 127.0.0.31 "3 idle keep-alive connections answered, then closed" 3 \
		header_timeout "header deadlines"

	# the log: refusals and closures are rate limited, the rest counted as held back
	local lines refused
	lines=$(grep -c "refused: .* open from that address" "$log")
	refused=$(ctr http:connections:refused)
	check "$name: $refused refusals, $lines log lines about them" [ "$lines" -ge 1 -a "$lines" -lt "$refused" ]
	api GET /api/v1/log/mgmt
	check "$name: the mgmt lines held back are counted ($(jq .held_back "$BODY_FILE"))" \
		[ "$(jq .held_back "$BODY_FILE")" -gt 0 ]
	stop_sgd; rc=$?
	check "$name: sgd exits 0 (exit $rc)" [ $rc -eq 0 ]
	check "$name: no sanitizer report" no_sanitizer_report "$log"
	TOKEN=
}

cat > "$TMP/base.json" <<JSON
{
  "node": { "name": "e2e-slow" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sp0", "pc": "1-1-1" } ]
}
JSON

run open ""
run token "$TOKEN_VALUE"
finish
