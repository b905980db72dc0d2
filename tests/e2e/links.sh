#!/bin/bash
# Two sgd processes joined by a TDM pseudowire on loopback: their MTP2 links
# come into service, and link state, counters, commands and traces work
# through the management API.
. "$(dirname "$0")/lib.sh"

need curl jq

# ports from the PID, so parallel runs of the suite do not collide
base=$(( 20000 + ($$ % 2000) * 4 ))
mkcfg() { # name own-pc adj-pc local remote
	cat <<JSON
{
  "node": { "name": "$1" },
  "log": { "level": "notice", "categories": { "mtp2": "info" } },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sp", "pc": "$2" } ],
  "spans": [ { "name": "e1", "driver": "pw",
               "pw": { "local": "127.0.0.1:$4", "remote": "127.0.0.1:$5",
                       "jitter_ms": 40 } } ],
  "linksets": [ { "name": "ls", "sp": "sp", "adjacent_pc": "$3",
                  "links": [ { "name": "l0", "slc": 0, "span": "e1", "timeslot": 16,
                               "timers": { "t7": 1200 } },
                             { "name": "l1", "slc": 1, "span": "e1", "timeslot": 17 } ] } ]
}
JSON
}
# A writes traces to its trace directory only (l1's from the start, by the config);
# B has none: its traces are off
mkdir "$TMP/traces"
mkcfg sg-a 1-1-1 1-1-2 $base $((base + 1)) |
	jq --arg d "$TMP/traces" '.management.trace_dir = $d |
		.linksets[0].links[1].trace = "l1-boot.pcap"' > "$TMP/a.json"
mkcfg sg-b 1-1-2 1-1-1 $((base + 1)) $base > "$TMP/b.json"

# the config names trace files inside an absolute, existing trace directory only
bad_cfg() { # description expected-error-text jq-filter
	jq --arg d "$TMP/traces" "$3" "$TMP/a.json" > "$TMP/bad.json"
	local out rc
	out=$("$SGD" --check-config "$TMP/bad.json" 2>&1); rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$2" <<<"$out"; then
		ok "config: $1 refused, path named ($out)"
	else
		nok "config: $1: expected exit 2 naming $2, got $rc: $out"
	fi
}
bad_cfg "relative trace_dir" "management.trace_dir" '.management.trace_dir = "traces"'
bad_cfg "missing trace_dir" "management.trace_dir" '.management.trace_dir = ($d + "/nonesuch")'
bad_cfg "trace_dir not a directory" "management.trace_dir" '.management.trace_dir = "/dev/null"'
bad_cfg "link trace with '/'" "linksets[0].links[1].trace" '.linksets[0].links[1].trace = "/etc/passwd"'
bad_cfg "link trace with '..'" "linksets[0].links[1].trace" '.linksets[0].links[1].trace = "..x.pcap"'
bad_cfg "link trace without trace_dir" "linksets[0].links[1].trace" 'del(.management.trace_dir)'

start_sgd "$TMP/a.json" "$TMP/a.log" || exit 1
PID_A=$SGD_PID PORT_A=$SGD_PORT
start_sgd "$TMP/b.json" "$TMP/b.log" || exit 1
PID_B=$SGD_PID PORT_B=$SGD_PORT

link_state() { # port link
	SGD_PORT=$1 api GET "/api/v1/links/$2"
	jq -r .state "$BODY_FILE"
}
wait_state() { wait_output "$3" "$4" link_state "$1" "$2"; } # port link state timeout_ms

# first link of a linkset aligns with emergency proving (Pe 0.5 s), the
# second then with normal proving (Pn 8.2 s)
check "A l0 in service (emergency alignment)" wait_state $PORT_A l0 IN_SERVICE 5000
check "B l0 in service" wait_state $PORT_B l0 IN_SERVICE 5000
check "A l1 in service (normal proving)" wait_state $PORT_A l1 IN_SERVICE 15000

# MTP3 on the core thread: signalling link test passed, TRA exchanged, the
# adjacent SP is accessible and its route available
wait_linkset() { # port
	local t0=$(now_ms)
	while :; do
		SGD_PORT=$1 api GET /api/v1/linksets/ls
		[ "$(jq -r '"\(.available) \(.adjacent_accessible)"' "$BODY_FILE")" = "true true" ] && return 0
		timed_out $t0 15000 && { head -c 400 "$BODY_FILE"; return 1; }
		sleep 0.05
	done
}
check "A: linkset available, adjacent SP accessible (SLT passed, TRA received)" wait_linkset $PORT_A
check "B: linkset available, adjacent SP accessible" wait_linkset $PORT_B
SGD_PORT=$PORT_A api GET /api/v1/routes
check "A: route to 1-1-2 ($(jq -c . "$BODY_FILE" | head -c 200)) accessible" \
	[ "$(jq -r '.[] | select(.dpc == "1-1-2" or .dpc == 2058) | .accessible' "$BODY_FILE")" = true ]

# MTP3 management through the API: inhibiting (Q.704 §10), a link test now
# (Q.707), deactivating and activating a linkset
mtp3_link() { # port link field
	SGD_PORT=$1 api GET /api/v1/linksets/ls
	jq -r ".links[] | select(.name == \"$2\") | .$3" "$BODY_FILE"
}
wait_mtp3() { # port link field value
	local t0=$(now_ms)
	while [ "$(mtp3_link "$1" "$2" "$3")" != "$4" ]; do
		timed_out $t0 15000 && return 1
		sleep 0.05
	done
}
SGD_PORT=$PORT_A api POST /api/v1/links/l1/inhibit
check "inhibit -> 200" [ "$HTTP_CODE" = 200 ]
check "A l1 inhibited locally (LIN/LIA)" wait_mtp3 $PORT_A l1 inhibited_local true
check "B l1 inhibited remotely" wait_mtp3 $PORT_B l1 inhibited_remote true
SGD_PORT=$PORT_A api POST /api/v1/links/l1/uninhibit
check "A l1 uninhibited (LUN/LUA)" wait_mtp3 $PORT_A l1 inhibited false
SGD_PORT=$PORT_A api POST /api/v1/links/l0/test
check "test (SLTM now) -> 200, link stays available" \
	[ "$HTTP_CODE" = 200 -a "$(mtp3_link $PORT_A l0 state)" = AVAILABLE ]
SGD_PORT=$PORT_A api POST /api/v1/linksets/ls/deactivate
check "linkset deactivate -> 200" [ "$HTTP_CODE" = 200 ]
check "A l0 and l1 inactive" wait_mtp3 $PORT_A l1 state INACTIVE
SGD_PORT=$PORT_A api GET /api/v1/linksets/ls
check "linkset unavailable" [ "$(jq -r .available "$BODY_FILE")" = false ]
SGD_PORT=$PORT_A api POST /api/v1/linksets/ls/activate
check "linkset activate: l0 available again" wait_mtp3 $PORT_A l0 state AVAILABLE
check "linkset activate: l1 available again" wait_mtp3 $PORT_A l1 state AVAILABLE
SGD_PORT=$PORT_A expect_error 404 "unknown linkset command" POST /api/v1/linksets/ls/explode
SGD_PORT=$PORT_A expect_error 404 "unknown linkset" POST /api/v1/linksets/nope/activate

SGD_PORT=$PORT_A api GET /api/v1/links
check "links list has l0 and l1" [ "$(jq -r '[.[].name] | sort | join(",")' "$BODY_FILE")" = "l0,l1" ]
SGD_PORT=$PORT_A api GET /api/v1/links/l0
check "l0 counters: SUs received and sent" \
	[ "$(jq '[.counters[] | select(.name == "rx:su" or .name == "tx:su") | .value] | min' "$BODY_FILE")" -gt 100 ]
check "l0 details: pw span, bitstream, timers (t7 from the config)" \
	[ "$(jq -r '"\(.span) \(.mode) \(.timers_ms.t2) \(.timers_ms.t7)"' "$BODY_FILE")" = "e1 bitstream 11500 1200" ]

# the config's trace of l1 runs from the start, in the trace directory
SGD_PORT=$PORT_A api GET /api/v1/links/l1
check "l1 traced from the start to the trace directory" \
	[ "$(jq -r .trace "$BODY_FILE")" = "$TMP/traces/l1-boot.pcap" -a -s "$TMP/traces/l1-boot.pcap" ]

# trace-start writes a new file in the trace directory, never an existing one
echo precious > "$TMP/traces/exists.pcap"
echo precious > "$TMP/victim"
ln -s "$TMP/victim" "$TMP/traces/symlink.pcap"
SGD_PORT=$PORT_A expect_error 409 "trace-start to an existing file" \
	POST /api/v1/links/l0/trace-start '{"file": "exists.pcap"}'
check "the existing file is left as it was" [ "$(cat "$TMP/traces/exists.pcap")" = precious ]
SGD_PORT=$PORT_A expect_error 409 "trace-start to a symlink" \
	POST /api/v1/links/l0/trace-start '{"file": "symlink.pcap"}'
check "the symlink's target is left as it was" [ "$(cat "$TMP/victim")" = precious ]
# file names refused (400): WHAT|BODY
while IFS='|' read -r what body; do
	SGD_PORT=$PORT_A expect_error 400 "trace-start $what" POST /api/v1/links/l0/trace-start "$body"
done <<EOF
to an absolute path|{"file": "$TMP/abs.pcap"}
to a name with '/'|{"file": "sub/x.pcap"}
to a name with '..'|{"file": "../x.pcap"}
to a name containing '..'|{"file": "l0..pcap"}
to /proc/self/mem|{"file": "/proc/self/mem"}
to a name with a control character|{"file": "a\u0001b.pcap"}
to an empty name|{"file": ""}
with a file that is not a string|{"file": 7}
EOF
check "no file written outside the trace directory" [ ! -e "$TMP/abs.pcap" -a ! -e "$TMP/x.pcap" ]
SGD_PORT=$PORT_B expect_error 403 "trace-start without a trace directory (traces off)" \
	POST /api/v1/links/l0/trace-start '{"file": "l0.pcap"}'

# trace, then take it through tshark if there is one
SGD_PORT=$PORT_A api POST /api/v1/links/l0/trace-start '{"file": "l0.pcap"}'
check "trace-start -> 200, the answer names the full path" \
	[ "$HTTP_CODE" = 200 -a "$(jq -r .trace "$BODY_FILE")" = "$TMP/traces/l0.pcap" ]
SGD_PORT=$PORT_A expect_error 409 "a second trace-start while one runs" \
	POST /api/v1/links/l0/trace-start '{"file": "second.pcap"}'
SGD_PORT=$PORT_A api GET /api/v1/links/l0
check "the running trace goes on to its file, no second file" \
	[ "$(jq -r .trace "$BODY_FILE")" = "$TMP/traces/l0.pcap" -a ! -e "$TMP/traces/second.pcap" ]

# processor outage: A sends SIPO, its link goes to PROCESSOR_OUTAGE
SGD_PORT=$PORT_A api POST /api/v1/links/l0/lpo
check "lpo -> 200" [ "$HTTP_CODE" = 200 ]
check "A l0 in PROCESSOR_OUTAGE" wait_state $PORT_A l0 PROCESSOR_OUTAGE 2000
SGD_PORT=$PORT_A api POST /api/v1/links/l0/lpr
check "lpr: A l0 back in service" wait_state $PORT_A l0 IN_SERVICE 3000

# stop: out of service and stays there; start: back in service
oos() { # port link: the link's "out_of_service" as "reason|text|from|count"
	SGD_PORT=$1 api GET "/api/v1/links/$2"
	jq -r '.out_of_service | if . == null then "null" else
		"\(.reason)|\(.text)|\(.from)|\(.count)" end' "$BODY_FILE"
}
oos_by() { # port link reason: how often the link went out of service for that reason
	SGD_PORT=$1 api GET "/api/v1/links/$2"
	jq -r --arg r "$3" '.out_of_service.by_reason[$r] // 0' "$BODY_FILE"
}
# B may fail again (alignment against a stopped A) before this script looks, so the
# far end's SIOS is checked in B's count by reason, not in its last reason alone
# B must be in service for the SIOS to take it out of service (in alignment, SIOS is an
# alignment failure); on a loaded machine B may still be realigning after lpo/lpr
check "B l0 in service before the stop" wait_state $PORT_B l0 IN_SERVICE 30000
b_sios=$(oos_by $PORT_B l0 remote-sios)
SGD_PORT=$PORT_A api POST /api/v1/links/l0/stop
check "stop -> 200" [ "$HTTP_CODE" = 200 ]
t0=$(now_ms)
while n=$(oos_by $PORT_B l0 remote-sios); [ "$n" -le "$b_sios" ]; do
	timed_out $t0 10000 && break
	sleep 0.02
done
check "B l0 out_of_service: the far end's SIOS, counted by reason ($n, was $b_sios)" \
	[ "$n" -eq $((b_sios + 1)) ]
check "A l0 out of service" wait_state $PORT_A l0 OUT_OF_SERVICE 2000
sleep 1.6	# longer than T17: a stopped link is not restarted
check "A l0 stays out of service (not restarted)" [ "$(link_state $PORT_A l0)" = OUT_OF_SERVICE ]
# and A's: stopped by MTP3 (on the operator's request); a stopped link does not leave it
r=$(oos $PORT_A l0)
check "A l0 out_of_service: stopped by MTP3 ($r)" \
	[ "$(echo "$r" | cut -d'|' -f1,2)" = "stop|stopped by MTP3" ]
SGD_PORT=$PORT_A api GET /api/v1/links
check "the links list carries out_of_service too" \
	[ "$(jq -r '.[] | select(.name == "l0") | .out_of_service.reason' "$BODY_FILE")" = stop ]
SGD_PORT=$PORT_A api POST /api/v1/links/l0/start
# normal proving (Pn 8.2 s) after B's T17; a loaded machine can abort a proving period
check "start: A l0 in service again" wait_state $PORT_A l0 IN_SERVICE 30000

SGD_PORT=$PORT_A api POST /api/v1/links/l0/trace-stop
check "trace-stop -> 200" [ "$HTTP_CODE" = 200 ]
check "trace file written" [ -s "$TMP/traces/l0.pcap" ]
if command -v tshark >/dev/null; then
	n=$(tshark -r "$TMP/traces/l0.pcap" -Y mtp2 2>/dev/null | wc -l)
	bad=$(tshark -r "$TMP/traces/l0.pcap" -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null | wc -l)
	check "tshark decodes $n MTP2 SUs of the trace, $bad malformed" [ "$n" -gt 5 -a "$bad" -eq 0 ]
	sf=$(tshark -r "$TMP/traces/l0.pcap" -T fields -e mtp2.sf 2>/dev/null | sort -u | tr '\n' ' ')
	# status field values (Q.703 §11.1): 3 = SIOS (stop), 4 = SIPO (lpo)
	check "trace shows SIPO and SIOS (status fields seen: $sf)" \
		[ -n "$(echo " $sf" | grep -w 4)" -a -n "$(echo " $sf" | grep -w 3)" ]
fi

# timers at runtime, within Q.703's ranges
SGD_PORT=$PORT_A api PUT /api/v1/links/l0 '{"timers_ms": {"t2": 20000, "t7": 1500}}'
check "PUT timers -> 200 and applied" \
	[ "$HTTP_CODE" = 200 -a "$(jq -r '"\(.timers_ms.t2) \(.timers_ms.t7)"' "$BODY_FILE")" = "20000 1500" ]
SGD_PORT=$PORT_A expect_error 400 "timer out of range" PUT /api/v1/links/l0 '{"timers_ms": {"t7": 10}}'
SGD_PORT=$PORT_A expect_error 400 "unknown timer" PUT /api/v1/links/l0 '{"timers_ms": {"t99": 10}}'
SGD_PORT=$PORT_A api GET /api/v1/links/l0
check "failed PUTs changed nothing" [ "$(jq -r .timers_ms.t7 "$BODY_FILE")" = 1500 ]
SGD_PORT=$PORT_A expect_error 404 "unknown link" GET /api/v1/links/l9
SGD_PORT=$PORT_A expect_error 404 "unknown command" POST /api/v1/links/l0/explode
# without a name, sgd picks <link>-<UTC time>.pcap in the trace directory
SGD_PORT=$PORT_A api POST /api/v1/links/l0/trace-start '{}'
auto=$(jq -r .trace "$BODY_FILE")
check "trace-start without a name -> 200, sgd's name in the trace directory ($auto)" \
	[ "$HTTP_CODE" = 200 ] && [[ "$auto" =~ ^$TMP/traces/l0-[0-9]{8}T[0-9]{6}Z\.pcap$ ]] && [ -s "$auto" ]
SGD_PORT=$PORT_A api POST /api/v1/links/l0/trace-stop
check "trace-stop -> 200, no trace running" [ "$HTTP_CODE" = 200 -a "$(jq -r .trace "$BODY_FILE")" = null ]

SGD_PID=$PID_A; stop_sgd; rc=$?
check "A exits 0 on SIGTERM (exit $rc)" [ $rc -eq 0 ]
SGD_PID=$PID_B; stop_sgd; rc=$?
check "B exits 0 on SIGTERM (exit $rc)" [ $rc -eq 0 ]
check "no sanitizer report (A)" no_sanitizer_report "$TMP/a.log"
check "no sanitizer report (B)" no_sanitizer_report "$TMP/b.log"
finish
