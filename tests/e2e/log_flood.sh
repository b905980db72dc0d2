#!/bin/bash
# Log flood (issue 10 item 7, end to end).  A configured ASP (sg-simasp) sends 3000 malformed
# DATA messages (a parameter length of 0: ERR Parameter Field Error, RFC 4666 §3.8.1), and a
# client from a port no peer is configured for is refused again and again (every 20 ms).  Each
# message and each refusal is a cause a peer repeats at will: sgd must write at most
# SG_LOG_LIMIT_BURST (5) lines per SG_LOG_LIMIT_WINDOW_MS (10 s) per cause and object
# (include/sg/log.h, doc/security.md) and count every line it holds back in the "held_back"
# of GET /api/v1/log, exactly: lines written + lines held back = events.
. "$(dirname "$0")/lib.sh"

need curl jq
ASP="$top_builddir/tools/sg-simasp"
# ports from the PID, clear of the other e2e tests (dead_peer.sh 1100-1499, simswitch.sh 2000+)
base=$(( 1500 + ($$ % 60) * 8 ))
N=3000
BURST=5 WINDOW_MS=10000

cat > "$TMP/sg.json" <<JSON
{ "node": { "name": "sg" }, "log": { "level": "notice" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sp", "pc": "1-1-1", "ni": "national" } ],
  "sctp": { "transport": "auto", "udp_port": $((base + 2)) },
  "m3ua": { "listen": { "addresses": ["127.0.0.1"], "port": $((base + 3)) },
            "asps": [ { "name": "asp1", "role": "sgp",
                        "remote": { "addresses": ["127.0.0.1"], "port": $((base + 4)) } } ],
            "as": [ { "name": "as1", "routing_context": 10, "asps": ["asp1"],
                      "routing_key": { "dpc": ["2-0-5"] } } ] } }
JSON
"$SGD" --check-config "$TMP/sg.json" >/dev/null || { echo "bad config"; exit 1; }
start_sgd "$TMP/sg.json" "$TMP/sg.log" || exit 1
asps_served() { api GET /api/v1/asps; [ "$HTTP_CODE" = 200 ]; }
poll 4000 asps_served
asp_ctr() { # NAME COUNTER
	api GET "/api/v1/asps/$1"
	jq -r ".counters[] | select(.name == \"$2\") | .value" "$BODY_FILE"
}
held_back() { # CATEGORY
	api GET /api/v1/log
	jq -r ".[] | select(.name == \"$1\") | .held_back" "$BODY_FILE"
}
refused() {
	api GET /api/v1/sctp
	jq -r '.[0].endpoints[0].counters[] | select(.name == "assoc_refused") | .value' "$BODY_FILE"
}
# allowed LINES ELAPSED_MS: at most BURST lines in each window the flood touched
allowed() { echo $(( BURST * (ELAPSED / WINDOW_MS + 2) )); }

# ---- 3000 malformed messages from a configured, active ASP ----
t0=$(now_ms)
"$ASP" --opc 2-0-5 --dpc 1-1-1 --rc 10 --local 127.0.0.1 --local-port $((base + 4)) \
	--port $((base + 3)) --udp-port $((base + 5)) --remote-udp-port $((base + 2)) \
	--stats-interval 0 --malformed $N >"$TMP/asp.out" 2>"$TMP/asp.log" &
ASP1=$!; PIDS="$PIDS $ASP1"
all_answered() { [ "$(asp_ctr asp1 tx:err)" = $N ]; }
check "asp1's $N malformed messages all answered with ERR" poll 30000 all_answered
ELAPSED=$(( $(now_ms) - t0 ))
api GET /api/v1/asps/asp1
check "  sgd counted $N malformed messages (rx:malformed)" \
	[ "$(jq -r '.counters[] | select(.name == "rx:malformed") | .value' "$BODY_FILE")" = $N ]
api GET /api/v1/interworking
check "  each an ERR Parameter Field Error (tx:err:0x12 = $N)" \
	[ "$(jq -r '.[0].m3ua_counters[] | select(.name == "tx:err:0x12") | .value' "$BODY_FILE")" = $N ]
rx_lines=$(grep -c "m3ua/asp1: rx malformed message" "$TMP/sg.log")
err_lines=$(grep -c "m3ua/asp1: tx ERR" "$TMP/sg.log")
max=$(allowed)
echo "log flood: $N malformed messages in $ELAPSED ms -> $rx_lines 'rx malformed' and $err_lines 'tx ERR' lines (at most $max each)"
check "  'rx malformed' lines rate-limited: $rx_lines <= $max" [ "$rx_lines" -ge 1 -a "$rx_lines" -le "$max" ]
check "  'tx ERR' lines rate-limited: $err_lines <= $max" [ "$err_lines" -ge 1 -a "$err_lines" -le "$max" ]
hb=$(held_back m3ua)
check "  held_back (m3ua) counts the rest exactly: $hb = 2 x $N - $rx_lines - $err_lines" \
	[ "$hb" = $(( 2 * N - rx_lines - err_lines )) ]
api GET /api/v1/asps/asp1
check "  asp1 still ASP-ACTIVE: a malformed message costs the peer nothing else" \
	[ "$(jq -r .state "$BODY_FILE")" = ASP-ACTIVE ]

# ---- refused associations: a client from a port no peer is configured for ----
t0=$(now_ms)
"$ASP" --opc 2-0-5 --dpc 1-1-1 --rc 10 --local 127.0.0.1 --port $((base + 3)) \
	--udp-port $((base + 6)) --remote-udp-port $((base + 2)) --stats-interval 0 \
	--reconnect-ms 20 >"$TMP/intruder.out" 2>"$TMP/intruder.log" &
INTR=$!; PIDS="$PIDS $INTR"
many_refused() { [ "$(refused)" -ge 100 ]; }
check "100 associations from an unconfigured port refused" poll 30000 many_refused
stop_pid KILL "$INTR"
ELAPSED=$(( $(now_ms) - t0 ))
# a consistent snapshot: the refusal count unchanged around the read of held_back
until r1=$(refused); hb=$(held_back sctp); r2=$(refused); [ "$r1" = "$r2" ]; do :; done
ep_lines=$(grep -c "endpoint m3ua: association [0-9]* from .* refused" "$TMP/sg.log")
peer_lines=$(grep -c "refused: no configured peer" "$TMP/sg.log")
max=$(allowed)
echo "log flood: $r1 refused associations in $ELAPSED ms -> $ep_lines + $peer_lines lines (at most $max each)"
check "  refusal lines rate-limited: $ep_lines and $peer_lines <= $max" \
	[ "$ep_lines" -ge 1 -a "$ep_lines" -le "$max" -a "$peer_lines" -ge 1 -a "$peer_lines" -le "$max" ]
check "  held_back (sctp) counts the rest exactly: $hb = 2 x $r1 - $ep_lines - $peer_lines" \
	[ "$hb" = $(( 2 * r1 - ep_lines - peer_lines )) ]

stop_pid TERM "$ASP1"
check "asp1 sent $N malformed messages and got $N ERRs back" \
	grep -q "err_rx=$N .*malformed_tx=$N" "$TMP/asp.out"
stop_sgd
check "sgd exits 0" [ $? -eq 0 ]
check "no sanitizer report" no_sanitizer_report "$TMP/sg.log"
finish
