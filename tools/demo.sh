#!/bin/bash
# The built-in demo: install what is missing, build, and run
#   simulated switch (a second sgd, etc/demo-switch.json)
#     <-> E1 over a TDM pseudowire on loopback UDP (2 signalling links)
#     <-> sgd (etc/demo.json, management API on 127.0.0.1:8080)
# showing the links' live status until Ctrl-C (or for DEMO_SECONDS seconds).
# (The IP side, M3UA to a simulated IP core, comes with issue 5.)
set -eu
cd "$(dirname "$0")/.."
tools/setup.sh build
SGD=build/sg/sgd
API="http://127.0.0.1:8080/api/v1"
LOGDIR=$(mktemp -d /tmp/sgd-demo.XXXXXX)

for c in etc/demo.json etc/demo-switch.json; do "$SGD" --check-config "$c"; done
echo "== starting the simulated switch (log: $LOGDIR/switch.log)"
"$SGD" -c etc/demo-switch.json 2>"$LOGDIR/switch.log" &
sw=$!
echo "== starting sgd (log: $LOGDIR/sgd.log), management API on $API"
"$SGD" -c etc/demo.json 2>"$LOGDIR/sgd.log" &
sg=$!
stop() {
	trap - INT TERM
	kill -TERM "$sg" "$sw" 2>/dev/null || true
	wait "$sg"; rc=$?
	wait "$sw" || true
	echo; echo "== sgd stopped (exit $rc); last lines of its log:"; tail -4 "$LOGDIR/sgd.log"
	exit $rc
}
trap stop INT TERM
for _ in $(seq 100); do
	curl -sf "$API/status" >/dev/null && break
	kill -0 "$sg" 2>/dev/null || { cat "$LOGDIR/sgd.log"; exit 1; }
	sleep 0.05
done
echo "== GET $API/status"
curl -s "$API/status" | jq -c '{name, version, threads: [.threads[].name]}'
echo "== live link status (Ctrl-C to stop; try: curl -s $API/links/sw-l0 | jq .)"
end=$(( $(date +%s) + ${DEMO_SECONDS:-1000000000} ))
while [ "$(date +%s)" -lt "$end" ]; do
	line=$(curl -s "$API/links" | jq -r '.[] | "\(.name) \(.state)"' | paste -sd' ')
	ls=$(curl -s "$API/linksets" | jq -r '.[] | "\(.name) \(if .available then "available" else "unavailable" end), adjacent SP \(if .adjacent_accessible then "accessible" else "inaccessible" end)"' | paste -sd' ')
	su=$(curl -s "$API/links/sw-l0" | jq -r '[.counters[] | select(.name=="rx:su" or .name=="tx:su") | .value] | "rx \(.[0]) tx \(.[1]) SUs"')
	printf '%s  links: %s  sw-l0: %s  linkset %s\n' "$(date +%T)" "$line" "$su" "$ls"
	sleep 2
done
stop
