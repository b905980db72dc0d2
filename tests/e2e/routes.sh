#!/bin/bash
# Three sgd in a row, A - B - C, joined by TDM pseudowires; B is an STP.
# When C becomes unreachable B sends TFP and A's API shows the route to C
# prohibited; when C comes back B sends TFA and the route is available again
# (Q.704 §13.2, §13.3).
# A is sg-simswitch (sgd with a traffic generator) sending SCCP UDTs to 1-1-7,
# a DPC B has no route to: B (unknown_dpc_tfp) discards them, counts them on
# its linkset toA and answers with TFP(1-1-7), so A's route to it becomes
# prohibited (Q.704 §13.2.2 response method).
. "$(dirname "$0")/lib.sh"

need curl jq
SIM="$top_builddir/tools/sg-simswitch"
base=$(( 10000 + ($$ % 2000) * 4 ))	# below the ephemeral ports; links.sh uses 20000+

span() { # name local remote
	echo "{ \"name\": \"$1\", \"driver\": \"pw\", \"pw\": { \"local\": \"127.0.0.1:$2\", \"remote\": \"127.0.0.1:$3\", \"jitter_ms\": 40 } }"
}
linkset() { # name adjacent span
	echo "{ \"name\": \"$1\", \"sp\": \"sp\", \"adjacent_pc\": \"$2\", \"links\": [ { \"name\": \"$1-l0\", \"slc\": 0, \"span\": \"$3\", \"timeslot\": 16 } ] }"
}
node() { # name pc stp spans linksets routes [more signalling point keys]
	cat <<JSON
{ "node": { "name": "$1" }, "log": { "level": "notice", "categories": { "mtp3": "info" } },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sp", "pc": "$2", "stp": $3 ${7-} } ],
  "spans": [ $4 ], "linksets": [ $5 ], "routes": [ $6 ] }
JSON
}
node A 1-1-1 false "$(span e1 $base $((base + 1)))" "$(linkset toB 1-1-2 e1)" \
	'{ "dpc": "1-1-3", "linkset": "toB" }, { "dpc": "1-1-7", "linkset": "toB" }' > "$TMP/a.json"
node B 1-1-2 true "$(span e1a $((base + 1)) $base), $(span e1c $((base + 2)) $((base + 3)))" \
	"$(linkset toA 1-1-1 e1a), $(linkset toC 1-1-3 e1c)" "" ', "unknown_dpc_tfp": true' \
	> "$TMP/b.json"
node C 1-1-3 false "$(span e1 $((base + 3)) $((base + 2)))" "$(linkset toB 1-1-2 e1)" \
	'{ "dpc": "1-1-1", "linkset": "toB" }' > "$TMP/c.json"

for n in a b c; do
	"$SGD" --check-config "$TMP/$n.json" >/dev/null || { echo "bad config $n"; cat "$TMP/$n.json"; exit 1; }
done
# A: sgd with UDTs to 1-1-7 while that destination is accessible (the start_sgd of lib.sh with
# sg-simswitch and its traffic options)
SGD_SAVE=$SGD
SGD=$TMP/sim-a.sh
printf '#!/bin/sh\nexec "%s" "$@" --dpc 1-1-7 --si sccp --rate 20 --stats-interval 0 >"%s"\n' \
	"$SIM" "$TMP/a.out" > "$SGD"
chmod +x "$SGD"
start_sgd "$TMP/a.json" "$TMP/a.log" || exit 1
SGD=$SGD_SAVE
PID_A=$SGD_PID PORT_A=$SGD_PORT
start_sgd "$TMP/b.json" "$TMP/b.log" || exit 1
PID_B=$SGD_PID PORT_B=$SGD_PORT
start_sgd "$TMP/c.json" "$TMP/c.log" || exit 1
PID_C=$SGD_PID PORT_C=$SGD_PORT

route() { # port dpc -> "accessible status"
	SGD_PORT=$1 api GET /api/v1/routes
	jq -r ".[] | select(.dpc == \"$2\") | \"\\(.accessible) \\(.routes[0].status)\"" "$BODY_FILE"
}
wait_route() { wait_output "$3" "$4" route "$1" "$2"; } # port dpc expected timeout_ms

check "A: route to C (1-1-3) via B available" wait_route $PORT_A 1-1-3 "true available" 60000
check "C: route to A (1-1-1) via B available" wait_route $PORT_C 1-1-1 "true available" 60000

# A's UDTs to 1-1-7: B has no route to it, answers with TFP (unknown_dpc_tfp) and counts them
check "A: after B's TFP the route to 1-1-7 (unknown at B) is prohibited" \
	wait_route $PORT_A 1-1-7 "false prohibited" 30000
ls_counter() { # port linkset counter -> value, from the linkset list
	SGD_PORT=$1 api GET /api/v1/linksets
	jq -r "[.[] | select(.name == \"$2\") | .counters[] | select(.name == \"$3\") | .value]
	       | add // 0" "$BODY_FILE"
}
unknown=$(ls_counter $PORT_B toA routing:unknown_dpc)
check "B: GET /api/v1/linksets shows toA routing:unknown_dpc = $unknown >= 1" [ "$unknown" -ge 1 ]
n=$(ls_counter $PORT_B toC routing:unknown_dpc)
check "B: linkset toC routing:unknown_dpc = $n (nothing came from C)" [ "$n" -eq 0 ]
n=$(ls_counter $PORT_B toA tx:tfp_response)
check "B: linkset toA tx:tfp_response = $n >= 1" [ "$n" -ge 1 ]
SGD_PORT=$PORT_B api GET /api/v1/linksets/toA
desc=$(jq -r '.counters[] | select(.name == "routing:unknown_dpc") | .description' "$BODY_FILE")
check "B: the counter is described ($desc)" [ -n "$desc" ]

# (the waits are generous for loaded machines: the links align in real time
# over the pseudowire; each returns as soon as the state is reached)

# C's only link to B goes down: C is inaccessible from B, which tells A (TFP)
SGD_PORT=$PORT_C api POST /api/v1/linksets/toB/deactivate
check "C deactivates its linkset to B -> 200" [ "$HTTP_CODE" = 200 ]
check "A: after B's TFP the route to C is prohibited" wait_route $PORT_A 1-1-3 "false prohibited" 10000
SGD_PORT=$PORT_B api GET /api/v1/linksets/toA
tfp=$(jq '[.counters[] | select(.name == "tx:tfp") | .value] | add // 0' "$BODY_FILE")
check "B: TFP sent towards A (linkset toA counter tx:tfp = $tfp)" [ "$tfp" -ge 1 ]

# C comes back: B sends TFA, the route is available again
SGD_PORT=$PORT_C api POST /api/v1/linksets/toB/activate
check "A: after B's TFA the route to C is available again" wait_route $PORT_A 1-1-3 "true available" 60000

for p in A B C; do
	eval "SGD_PID=\$PID_$p"
	stop_sgd; rc=$?
	check "$p exits 0 on SIGTERM (exit $rc)" [ $rc -eq 0 ]
done
for n in a b c; do
	check "no sanitizer report ($n)" no_sanitizer_report "$TMP/$n.log"
done
finish
