#!/bin/bash
# Dead peers (issue 10 item 4).  sgd is the SGP of an AS with two ASPs (loadshare), both
# sg-simasp over usrsctp; a simulated switch (sg-simswitch) on the TDM side calls the AS, so
# SS7 -> IP traffic flows to both.  One ASP is killed with SIGKILL: its SCTP stack dies with it
# and sends nothing (no ABORT, no SHUTDOWN), exactly a dead host.  sgd must notice with its
# shipped defaults (M3UA BEAT, SCTP heartbeat and RTO; doc/m3ua.md "Dead peers") and move the
# traffic to the other ASP; the time from the kill to ASP-DOWN is measured and printed, and
# must stay below the documented bound (scaled like every bound here by SG_TEST_TIMEOUT_SCALE:
# a loaded machine is slower, and the figure of an idle one is in doc/m3ua.md).  The killed
# ASP then comes back and must be accepted and ACTIVE again.
# Second sgd, with the old slow supervision (no BEAT, the stack's SCTP defaults), so that only
# the liveness probe can free the slot: an ASP killed and restarted at once from new ports is
# accepted after its old association fails the probe; one restarted from the same ports is an
# SCTP restart of the same association (RFC 4960 §5.2.4), after which it is ACTIVE again.
. "$(dirname "$0")/lib.sh"

need curl jq
SIM="$top_builddir/tools/sg-simswitch"
ASP="$top_builddir/tools/sg-simasp"
# ports from the PID, clear of the other e2e tests (simswitch.sh 2000-9199, routes.sh 10000+,
# links.sh 20000+, sigtran_api.sh 28000+, log_flood.sh 1500-1979) and of the ephemeral range
base=$(( 1100 + ($$ % 50) * 8 ))
# the documented worst case with the shipped defaults (doc/m3ua.md "Dead peers"): BEAT every
# 1000 ms, the association closed at the 4th tick without an answer
BOUND_MS=4000

# the switch 2-100-2 on a pseudowire (large packets and jitter buffer, as in simswitch.sh, so
# that a loaded machine does not take the links down)
chain_sw_json $base > "$TMP/sw.json"
# sgd: no "timers" and no SCTP timer keys: the shipped defaults
m3ua=$(cat <<JSON
{ "sp": "sg", "listen": { "addresses": ["127.0.0.1"], "port": $((base + 3)) },
            "asps": [ { "name": "asp2", "role": "sgp",
                        "remote": { "addresses": ["127.0.0.1"], "port": $((base + 6)) } },
                      { "name": "asp1", "role": "sgp", "remote": { "addresses": ["127.0.0.1"] } } ],
            "as": [ { "name": "core", "routing_context": 100, "traffic_mode": "loadshare",
                      "asps": ["asp1", "asp2"], "routing_key": { "dpc": ["3-0-5"], "si": [5] } } ] }
JSON
)
chain_sg_json $base "$m3ua" > "$TMP/sg.json"
"$SGD" --check-config "$TMP/sg.json" >/dev/null || { echo "bad config"; exit 1; }

# Both ASPs on 127.0.0.1 (usrsctp binds only interface addresses): asp2 from SCTP port
# base+6, configured with it and listed first, asp1 from any other port (a new one at each
# start).  start_asp N ARGS...: sg-simasp as aspN (UDP port base+3+N), answering calls
start_asp() {
	local n=$1; shift
	[ "$n" = 2 ] && set -- --local-port $((base + 6)) "$@"
	"$ASP" --opc 3-0-5 --dpc 3-0-2 --rc 100 --traffic-mode loadshare --answer \
		--local 127.0.0.1 --port $((base + 3)) --udp-port $((base + 3 + n)) \
		--remote-udp-port $((base + 2)) --stats-interval 0 "$@" \
		>>"$TMP/asp$n.out" 2>>"$TMP/asp$n.log" &
	eval "ASP$n=$!"
	PIDS="$PIDS $!"
}
asp_state_is() { api GET "/api/v1/asps/$1"; [ "$(jq -r .state "$BODY_FILE")" = "$2" ]; }
asp_state_not() { ! asp_state_is "$@"; }
as_state() { api GET /api/v1/as/core; jq -r .state "$BODY_FILE"; }
# asp_ctr NAME COUNTER: a counter of sgd's peer NAME
asp_ctr() {
	api GET "/api/v1/asps/$1"
	jq -r ".counters[] | select(.name == \"$2\") | .value" "$BODY_FILE"
}
data_to() { asp_ctr "$1" tx:data:msgs; }
grows() { [ "$(data_to "$1")" -gt "$2" ]; }
linkset_up() {
	api GET /api/v1/linksets/to-switch
	[ "$(jq -r '"\(.available) \(.adjacent_accessible)"' "$BODY_FILE")" = "true true" ]
}

start_sgd "$TMP/sg.json" "$TMP/sg.log" || exit 1
start_asp 1
start_asp 2
check "asp1 ASP-ACTIVE" poll 10000 asp_state_is asp1 ASP-ACTIVE
check "asp2 ASP-ACTIVE" poll 10000 asp_state_is asp2 ASP-ACTIVE
"$SIM" -c "$TMP/sw.json" --dpc 2-100-5 --rate 40 --hold-ms 100 --cic 1-200 \
	--answer-timeout-ms 2000 --stats-interval 0 >"$TMP/sw.out" 2>"$TMP/sw.log" &
SW=$!; PIDS="$PIDS $SW"
check "sgd's linkset to the switch available" poll 20000 linkset_up
d1=$(data_to asp1); d2=$(data_to asp2)
check "SS7 -> IP traffic reaches asp1" poll 10000 grows asp1 "$d1"
check "SS7 -> IP traffic reaches asp2 (loadshare)" poll 10000 grows asp2 "$d2"

# kill_asp1 [idle]: SIGKILL asp1, check that sgd finds it ASP-DOWN within the documented bound,
# print the time it took and the log line that says how (the first such line, or with idle
# the last)
kill_asp1() {
	local t_kill det pick=head
	t_kill=$(now_ms)
	stop_pid KILL "$ASP1"
	poll "$BOUND_MS" asp_state_not asp1 ASP-ACTIVE
	det=$(( $(now_ms) - t_kill ))
	[ $# -gt 0 ] && pick=tail
	check "${1:+$1: }SIGKILLed asp1 detected: ASP-DOWN after $det ms (documented bound $BOUND_MS ms, scaled x$SG_TEST_TIMEOUT_SCALE)" \
		[ "$(jq -r .state "$BODY_FILE")" = ASP-DOWN ]
	echo "dead-peer detection${1:+, $1}: $det ms from SIGKILL to ASP-DOWN, by:"
	grep -E "asp1.*(BEATs unanswered|association [0-9]+ down)" "$TMP/sg.log" | $pick -1
}

# ---- SIGKILL asp1: detected within the documented bound, traffic moves to asp2 ----
kill_asp1
check "  closed by BEAT supervision (log: BEATs unanswered) or SCTP (association down)" \
	grep -qE "asp1.*(BEATs unanswered|association [0-9]+ down)" "$TMP/sg.log"
check "  the AS stays AS-ACTIVE with asp2" [ "$(as_state)" = AS-ACTIVE ]
d2=$(data_to asp2); d1=$(data_to asp1)
check "  SS7 -> IP traffic goes on to asp2" poll 10000 grows asp2 "$d2"
check "  and no more to asp1 ($d1 DATA before and after)" [ "$(data_to asp1)" = "$d1" ]

# ---- asp1 comes back: accepted, ACTIVE, takes its share again ----
start_asp 1
check "restarted asp1 accepted and ASP-ACTIVE again" poll 10000 asp_state_is asp1 ASP-ACTIVE
d1=$(data_to asp1)
check "  SS7 -> IP traffic reaches asp1 again" poll 10000 grows asp1 "$d1"

stop_pid TERM "$SW"

# ---- the same without traffic: only BEAT and SCTP's own messages are in flight ----
kill_asp1 idle
check "  the AS stays AS-ACTIVE with asp2" [ "$(as_state)" = AS-ACTIVE ]
start_asp 1
check "  asp1 back, ASP-ACTIVE" poll 10000 asp_state_is asp1 ASP-ACTIVE
for n in 1 2; do
	eval "pid=\$ASP$n"
	stop_pid TERM "$pid"
done
stop_sgd
check "sgd exits 0" [ $? -eq 0 ]
check "no sanitizer report (sgd)" no_sanitizer_report "$TMP/sg.log"

# ---- without BEAT and with the stack's slow SCTP timers: the liveness probe ----
jq '.m3ua.timers = { "beat_ms": 0 } |
    .sctp += { "heartbeat_ms": 30000, "rto_initial_ms": 3000, "rto_min_ms": 1000,
               "rto_max_ms": 60000, "path_max_retrans": 5, "assoc_max_retrans": 10 } |
    del(.spans, .linksets, .translations) |
    .m3ua.as[0].routing_key.dpc = ["2-100-5"]' "$TMP/sg.json" > "$TMP/slow.json"
"$SGD" --check-config "$TMP/slow.json" >/dev/null || { echo "bad config (slow)"; exit 1; }
start_sgd "$TMP/slow.json" "$TMP/slow.log" || exit 1
: >"$TMP/asp1.out"
start_asp 1
check "slow sgd: asp1 ASP-ACTIVE" poll 10000 asp_state_is asp1 ASP-ACTIVE
old=$(jq -r .association "$BODY_FILE")
t_kill=$(now_ms)
stop_pid KILL "$ASP1"
start_asp 1
# the new association is refused while the old one is up; it is probed (BEAT), does not answer
# within T(ack) (2000 ms), is closed, and the ASP's next attempt (1 s later) gets the slot
assoc_changed() {
	asp_state_is asp1 ASP-ACTIVE && [ "$(jq -r .association "$BODY_FILE")" != "$old" ]
}
poll 8000 assoc_changed
t=$(( $(now_ms) - t_kill ))
check "asp1 killed and restarted at once (new ports): accepted on a new association, ACTIVE after $t ms" \
	assoc_changed
check "  its old association failed the liveness probe (probes $(jq -r .probes "$BODY_FILE"), dead_closed $(jq -r .dead_closed "$BODY_FILE"))" \
	[ "$(jq -r .dead_closed "$BODY_FILE")" = 1 ]
check "  logged" grep -q "asp1: association $old closed: no answer to a liveness probe" "$TMP/slow.log"

# a live ASP keeps its association: another association from its address is refused, the
# probe is answered
cur=$(jq -r .association "$BODY_FILE")
"$ASP" --opc 3-0-5 --dpc 3-0-2 --rc 100 --local 127.0.0.1 --port $((base + 3)) \
	--udp-port $((base + 7)) --remote-udp-port $((base + 2)) --stats-interval 0 \
	>"$TMP/intruder.out" 2>"$TMP/intruder.log" &
INTR=$!; PIDS="$PIDS $INTR"
probed() { api GET /api/v1/asps/asp1; [ "$(jq -r .probes "$BODY_FILE")" -ge 2 ]; }
probe_over() { api GET /api/v1/asps/asp1; [ "$(jq -r .probing "$BODY_FILE")" = false ]; }
check "a second client from asp1's address makes sgd probe asp1" poll 5000 probed
stop_pid TERM "$INTR"
check "  the probe ends" poll 5000 probe_over
check "  asp1 answered: same association ($cur), ASP-ACTIVE, dead_closed still 1" \
	[ "$(jq -r '"\(.association) \(.state) \(.dead_closed)"' "$BODY_FILE")" = "$cur ASP-ACTIVE 1" ]

# SCTP restart: asp1 killed and restarted from the same address and ports
stop_pid TERM "$ASP1"
check "asp1 stopped (ASPDN)" poll 5000 asp_state_is asp1 ASP-DOWN
start_asp 1 --local-port $((base + 7))
check "asp1 ACTIVE from a fixed port" poll 10000 asp_state_is asp1 ASP-ACTIVE
old=$(jq -r .association "$BODY_FILE")
stop_pid KILL "$ASP1"
start_asp 1 --local-port $((base + 7))
restarted() { grep -q "asp1: association $old restarted by the peer" "$TMP/slow.log"; }
check "the same ports again: sgd sees an SCTP restart of association $old" poll 10000 restarted
check "  asp1 ASP-ACTIVE again" poll 10000 asp_state_is asp1 ASP-ACTIVE
stop_pid TERM "$ASP1"
stop_sgd
check "slow sgd exits 0" [ $? -eq 0 ]
for f in slow.log asp1.log asp2.log sw.log; do
	check "no sanitizer report ($f)" no_sanitizer_report "$TMP/$f"
done
finish
