#!/bin/bash
# The SIGTRAN side of sgd's management API: ASPs, ASs, routing keys, associations,
# translations and the interworking counters; runtime routing keys and translation rules;
# ASP blocking; bad requests answered 4xx with a JSON reason and no state change.  (At first no peer
# connects here: the M3UA state machines are tested by tests/conformance/m3ua_test, the
# association handling by tests/unit/test_sctp and the end-to-end tests.)  Then sg-simasp
# connects as asp1 (accepted, ASP-ACTIVE), a second association from the same address is
# refused and counted, and asp1 is blocked while active and re-activates once unblocked.
. "$(dirname "$0")/lib.sh"

need curl jq
base=$(( 28000 + ($$ % 1000) * 4 ))	# below the ephemeral ports (32768-); links.sh: 20000+

cat > "$TMP/sg.json" <<JSON
{ "node": { "name": "sg" }, "log": { "level": "notice" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sp", "pc": "1-1-1", "ni": "national", "stp": true } ],
  "spans": [ { "name": "e1", "driver": "pw",
               "pw": { "local": "127.0.0.1:$base", "remote": "127.0.0.1:$((base + 1))" } } ],
  "linksets": [ { "name": "sw", "sp": "sp", "adjacent_pc": "1-1-2",
                  "links": [ { "name": "sw-l0", "slc": 0, "span": "e1", "timeslot": 16 } ] } ],
  "sctp": { "transport": "auto", "udp_port": $((base + 2)) },
  "m3ua": { "listen": { "addresses": ["127.0.0.1"], "port": $((base + 3)) },
            "asps": [ { "name": "asp1", "role": "sgp", "asp_id": 7,
                        "remote": { "addresses": ["127.0.0.1"] } },
                      { "name": "asp2", "role": "sgp", "remote": { "addresses": ["127.0.0.2"] } } ],
            "as": [ { "name": "as1", "routing_context": 10, "traffic_mode": "loadshare",
                      "asps": ["asp1", "asp2"],
                      "routing_key": { "dpc": ["2-0-5"], "si": [5] } } ] },
  "translations": [ { "name": "as1", "tdm": { "pc": "1-1-5" }, "ip": { "pc": "2-0-5" } } ] }
JSON
"$SGD" --check-config "$TMP/sg.json" >/dev/null || { echo "bad config"; exit 1; }
start_sgd "$TMP/sg.json" "$TMP/sg.log" || exit 1

# the SIGTRAN side starts on the core thread once MTP3 runs: wait for it
asps_served() { api GET /api/v1/asps; [ "$HTTP_CODE" = 200 ]; }
# asp_state_is NAME STATE: GET asps/NAME (left in BODY_FILE) shows STATE
asp_state_is() { api GET "/api/v1/asps/$1"; [ "$(jq -r .state "$BODY_FILE")" = "$2" ]; }
asp_state_not() { ! asp_state_is "$@"; }
poll 4000 asps_served
check "GET asps lists both peers, ASP-DOWN" \
	test "$(jq -r '[.[] | "\(.name):\(.state)"] | join(",")' "$BODY_FILE")" = "asp1:ASP-DOWN,asp2:ASP-DOWN"
api GET /api/v1/asps/asp1
check "GET asps/asp1: ASP-ID 7, no association" \
	test "$(jq -r '"\(.asp_id) \(.association)"' "$BODY_FILE")" = "7 null"
api GET /api/v1/as
check "GET as: as1 AS-DOWN, loadshare, RC 10" \
	test "$(jq -r '.[0] | "\(.name) \(.state) \(.traffic_mode) \(.routing_context)"' "$BODY_FILE")" = "as1 AS-DOWN loadshare 10"
api GET /api/v1/associations
check "GET associations: none yet" test "$HTTP_CODE:$(jq length "$BODY_FILE")" = "200:0"
api GET /api/v1/interworking
check "GET interworking: the AS's PC 1-1-5 is a local point code, inaccessible" \
	test "$(jq -r '.[0].as_point_codes[0] | "\(.pc) \(.as) \(.accessible)"' "$BODY_FILE")" = "1-1-5 as1 false"

# routing keys at runtime
api PUT /api/v1/routing-keys/as2 '{ "routing_context": 20, "traffic_mode": "override", "asps": ["asp2"], "routing_key": { "dpc": ["2-0-6"], "si": [3] } }'
check "PUT routing-keys/as2 adds an AS" test "$HTTP_CODE:$(jq -r .name "$BODY_FILE")" = "200:as2"
check "GET routing-keys lists 2 keys" api_field_is /api/v1/routing-keys length 2
expect_error 409 "PUT an AS that exists" PUT /api/v1/routing-keys/as2 '{ "routing_context": 21, "asps": ["asp2"], "routing_key": { "dpc": ["2-0-7"] } }'
expect_error 409 "PUT a routing context in use" PUT /api/v1/routing-keys/as3 '{ "routing_context": 10, "asps": ["asp2"], "routing_key": { "dpc": ["2-0-7"] } }'
expect_error 400 "PUT without a DPC (names the key)" PUT /api/v1/routing-keys/as3 '{ "routing_context": 30, "asps": ["asp2"], "routing_key": { "si": [5] } }'
grep -q 'routing_key.dpc' "$BODY_FILE" && ok "  reason names routing_key.dpc" || nok "  reason does not name routing_key.dpc: $(cat "$BODY_FILE")"
expect_error 400 "PUT with a bad point code" PUT /api/v1/routing-keys/as3 '{ "routing_context": 30, "asps": ["asp2"], "routing_key": { "dpc": ["9-9-9"] } }'
expect_error 400 "PUT with an unknown ASP" PUT /api/v1/routing-keys/as3 '{ "routing_context": 30, "asps": ["nobody"], "routing_key": { "dpc": ["2-0-7"] } }'
expect_error 400 "PUT with an unknown key" PUT /api/v1/routing-keys/as3 '{ "colour": "red", "asps": ["asp2"], "routing_key": { "dpc": ["2-0-7"] } }'
expect_error 400 "PUT with T(r) out of the xUA timer table's range" PUT /api/v1/routing-keys/as3 '{ "routing_context": 30, "recovery_ms": 5, "asps": ["asp2"], "routing_key": { "dpc": ["2-0-7"] } }'
check "... the reason names the timer and its range" \
	[ "$(jq -r '.error.reason' "$BODY_FILE")" = "recovery_ms: 5 is out of range 10..60000 (ms)" ]
check "the refused requests changed nothing" api_field_is /api/v1/routing-keys length 2
api POST /api/v1/routing-keys/as2/delete
check "POST routing-keys/as2/delete" test "$HTTP_CODE" = 200
check "one key left" api_field_is /api/v1/routing-keys length 1
expect_error 404 "delete an AS that does not exist" POST /api/v1/routing-keys/as2/delete

# translations at runtime
api PUT /api/v1/translations/sw '{ "tdm": { "pc": "1-1-2" }, "ip": { "ni": "national", "pc": "2-0-2" } }'
check "PUT translations/sw" test "$HTTP_CODE:$(jq length "$BODY_FILE")" = "200:2"
expect_error 409 "PUT a rule whose TDM side is taken" PUT /api/v1/translations/sw2 '{ "tdm": { "pc": "1-1-2" }, "ip": { "pc": "2-0-3" } }'
expect_error 400 "PUT a rule without ip" PUT /api/v1/translations/sw3 '{ "tdm": { "pc": "1-1-3" } }'
api POST /api/v1/translations/sw/delete
check "POST translations/sw/delete" test "$HTTP_CODE:$(jq length "$BODY_FILE")" = "200:1"

# a configured ASP connects (usrsctp over UDP on loopback) and becomes active
SIMASP="$top_builddir/tools/sg-simasp"
asp_args=(--opc 2-0-5 --dpc 1-1-2 --asp-id 7 --rc 10 --traffic-mode loadshare --answer
	  --port $((base + 3)) --remote-udp-port $((base + 2)) --stats-interval 0)
# first a client from asp1's address that brings an association up and never sends ASPUP: it
# takes asp1's slot, but only until a new association comes from that address (issue 10)
asp1_held() { api GET /api/v1/asps/asp1; [ "$(jq -r .association "$BODY_FILE")" != null ]; }
"$SIMASP" "${asp_args[@]}" --udp-port $((base + 6)) --silent \
	>"$TMP/silent.out" 2>"$TMP/silent.log" &
SILENT=$!
PIDS="$PIDS $SILENT"
poll 5000 asp1_held
check "a silent client holds asp1's slot, ASP-DOWN" \
	test "$(jq -r '"\(.state) \(.association != null)"' "$BODY_FILE")" = "ASP-DOWN true"
"$SIMASP" "${asp_args[@]}" --udp-port $((base + 4)) --ack-ms 300 \
	>"$TMP/asp1.out" 2>"$TMP/asp1.log" &
ASP1=$!
PIDS="$PIDS $ASP1"
poll 5000 asp_state_is asp1 ASP-ACTIVE
check "asp1 connects from its configured address and is ASP-ACTIVE" \
	test "$(jq -r '"\(.state) \(.association != null)"' "$BODY_FILE")" = "ASP-ACTIVE true"
check "  the silent association was replaced and counted (silent_closed 1)" \
	test "$(jq -r .silent_closed "$BODY_FILE")" = 1
check "  and logged" grep -q "closed: replaced by a new association" "$TMP/sg.log"
stop_pid TERM "$SILENT"
check "as1 is AS-ACTIVE" api_field_is /api/v1/as/as1 .state AS-ACTIVE
check "one association, established" api_field_is /api/v1/associations length 1

# a second association from the same address: no configured peer is free for it: refused
assoc_refused() {
	api GET /api/v1/sctp
	refused=$(jq -r '.[0].endpoints[0].counters[] | select(.name == "assoc_refused") | .value' \
		"$BODY_FILE" 2>/dev/null)
	[ "${refused:-0}" -ge 1 ]
}
"$SIMASP" "${asp_args[@]}" --udp-port $((base + 5)) >"$TMP/asp2.out" 2>"$TMP/asp2.log" &
ASP2=$!
PIDS="$PIDS $ASP2"
poll 5000 assoc_refused
stop_pid TERM "$ASP2"
check "an association no configured peer can take is refused and counted ($refused)" \
	test "${refused:-0}" -ge 1
check "  the refused ASP never got further (no ASPUP-ACK)" \
	grep -q "asp state=ASP-DOWN .*err_rx=0 ntfy_rx=0" "$TMP/asp2.out"
check "  asp1 still ASP-ACTIVE" api_field_is /api/v1/asps/asp1 .state ASP-ACTIVE

# blocking an active ASP makes it inactive (unsolicited ASPIA-ACK); sg-simasp, as RFC 4666
# §4.3.4.4 asks of an ASP that was active, sends ASPAC again, which is refused (ERR Refused -
# Management Blocking) and repeated every T(ack) (--ack-ms 300) until the block is lifted;
# then asp1 is ASP-ACTIVE again
# asp1_post ACTION BLOCKED: POST asps/asp1/ACTION answers 200 with "blocked": BLOCKED
asp1_post() {
	api POST "/api/v1/asps/asp1/$1"
	[ "$HTTP_CODE:$(jq -r .blocked "$BODY_FILE")" = "200:$2" ]
}
check "POST asps/asp1/block" asp1_post block true
poll 5000 asp_state_not asp1 ASP-ACTIVE
check "  blocked asp1 is not ASP-ACTIVE any more" test "$(jq -r .state "$BODY_FILE")" != ASP-ACTIVE
poll 5000 grep -q "blocked by the SGP's management; repeating ASPAC" "$TMP/asp1.log"
check "  sg-simasp tried ASPAC again and was refused (Management Blocking)" \
	grep -q "ERR from the SGP: Refused - Management Blocking" "$TMP/asp1.log"
check "  asp1 stays ASP-INACTIVE while blocked" api_field_is /api/v1/asps/asp1 .state ASP-INACTIVE
check "POST asps/asp1/unblock" asp1_post unblock false
poll 10000 asp_state_is asp1 ASP-ACTIVE
check "  unblocked asp1 re-activates by itself: ASP-ACTIVE" \
	test "$(jq -r .state "$BODY_FILE")" = ASP-ACTIVE
check "  as1 is AS-ACTIVE again" api_field_is /api/v1/as/as1 .state AS-ACTIVE
expect_error 404 "block an unknown ASP" POST /api/v1/asps/nobody/block
expect_error 404 "unknown command" POST /api/v1/asps/asp1/explode
stop_pid TERM "$ASP1"
poll 2000 asp_state_is asp1 ASP-DOWN
check "asp1 gone: ASP-DOWN" test "$(jq -r .state "$BODY_FILE")" = ASP-DOWN

stop_sgd
rc=$?
check "sgd exits 0 on SIGTERM" test "$rc" = 0
check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$TMP/sg.log'"

# an association that never sends ASPUP is closed after m3ua.timers.aspup_ms
jq '.m3ua.timers = { "aspup_ms": 500 }' "$TMP/sg.json" > "$TMP/sg2.json"
start_sgd "$TMP/sg2.json" "$TMP/sg2.log" || exit 1
poll 4000 asps_served
"$SIMASP" "${asp_args[@]}" --udp-port $((base + 6)) --silent \
	>"$TMP/silent2.out" 2>"$TMP/silent2.log" &
SILENT=$!
PIDS="$PIDS $SILENT"
silent_closed() { api GET /api/v1/asps/asp1; [ "$(jq -r .silent_closed "$BODY_FILE")" -ge 1 ]; }
poll 10000 silent_closed
check "a client without ASPUP is closed after aspup_ms (silent_closed $(jq -r .silent_closed "$BODY_FILE"))" \
	test "$(jq -r .silent_closed "$BODY_FILE")" -ge 1
check "  and logged" grep -q "closed: no ASPUP in time" "$TMP/sg2.log"
stop_pid TERM "$SILENT"
stop_sgd
check "sgd exits 0 (aspup_ms run)" test "$?" = 0
check "no sanitizer report (aspup_ms run)" bash -c "! grep -q 'Sanitizer' '$TMP/sg2.log'"
finish
