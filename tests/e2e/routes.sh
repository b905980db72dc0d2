#!/bin/bash
# Three sgd in a row, A - B - C, joined by TDM pseudowires; B is an STP.
# When C becomes unreachable B sends TFP and A's API shows the route to C
# prohibited; when C comes back B sends TFA and the route is available again
# (Q.704 §13.2, §13.3).
. "$(dirname "$0")/lib.sh"

need curl jq
base=$(( 10000 + ($$ % 2000) * 4 ))	# below the ephemeral ports; links.sh uses 20000+

span() { # name local remote
	echo "{ \"name\": \"$1\", \"driver\": \"pw\", \"pw\": { \"local\": \"127.0.0.1:$2\", \"remote\": \"127.0.0.1:$3\", \"jitter_ms\": 40 } }"
}
linkset() { # name adjacent span
	echo "{ \"name\": \"$1\", \"sp\": \"sp\", \"adjacent_pc\": \"$2\", \"links\": [ { \"name\": \"$1-l0\", \"slc\": 0, \"span\": \"$3\", \"timeslot\": 16 } ] }"
}
node() { # name pc stp spans linksets routes
	cat <<JSON
{ "node": { "name": "$1" }, "log": { "level": "notice", "categories": { "mtp3": "info" } },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "signalling_points": [ { "name": "sp", "pc": "$2", "stp": $3 } ],
  "spans": [ $4 ], "linksets": [ $5 ], "routes": [ $6 ] }
JSON
}
node A 1-1-1 false "$(span e1 $base $((base + 1)))" "$(linkset toB 1-1-2 e1)" \
	'{ "dpc": "1-1-3", "linkset": "toB" }' > "$TMP/a.json"
node B 1-1-2 true "$(span e1a $((base + 1)) $base), $(span e1c $((base + 2)) $((base + 3)))" \
	"$(linkset toA 1-1-1 e1a), $(linkset toC 1-1-3 e1c)" "" > "$TMP/b.json"
node C 1-1-3 false "$(span e1 $((base + 3)) $((base + 2)))" "$(linkset toB 1-1-2 e1)" \
	'{ "dpc": "1-1-1", "linkset": "toB" }' > "$TMP/c.json"

for n in a b c; do
	"$SGD" --check-config "$TMP/$n.json" >/dev/null || { echo "bad config $n"; cat "$TMP/$n.json"; exit 1; }
done
start_sgd "$TMP/a.json" "$TMP/a.log" || exit 1
PID_A=$SGD_PID PORT_A=$SGD_PORT
start_sgd "$TMP/b.json" "$TMP/b.log" || exit 1
PID_B=$SGD_PID PORT_B=$SGD_PORT
start_sgd "$TMP/c.json" "$TMP/c.log" || exit 1
PID_C=$SGD_PID PORT_C=$SGD_PORT

route() { # port dpc -> "accessible status"
	SGD_PORT=$1 api GET /api/v1/routes
	jq -r ".[] | select(.dpc == \"$2\") | \"\\(.accessible) \\(.routes[0].status)\"" "$BODY_FILE"
}
wait_route() { # port dpc expected timeout_ms
	local t0=$(now_ms) r
	while :; do
		r=$(route "$1" "$2")
		[ "$r" = "$3" ] && return 0
		timed_out $t0 "$4" && { echo "  (route to $2: $r)"; return 1; }
		sleep 0.05
	done
}

check "A: route to C (1-1-3) via B available" wait_route $PORT_A 1-1-3 "true available" 60000
check "C: route to A (1-1-1) via B available" wait_route $PORT_C 1-1-1 "true available" 60000

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
