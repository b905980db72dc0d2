#!/bin/bash
# The built-in demo: install what is missing, build, run sgd on etc/demo.json
# and show its live status until Ctrl-C (or for DEMO_SECONDS seconds).
set -eu
cd "$(dirname "$0")/.."
tools/setup.sh build
SGD=build/sg/sgd
CFG=etc/demo.json
PORT=$(jq -r '.management.port' "$CFG")
URL="http://127.0.0.1:$PORT/api/v1"
LOG=$(mktemp /tmp/sgd-demo.XXXXXX.log)

"$SGD" --check-config "$CFG"
echo "== starting sgd on $CFG (log: $LOG), management API on $URL"
"$SGD" -c "$CFG" 2>"$LOG" &
pid=$!
stop() {
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid"; rc=$?
	echo; echo "== sgd stopped (exit $rc); last log lines:"; tail -5 "$LOG"
	exit $rc
}
trap stop INT TERM
for _ in $(seq 100); do
	curl -sf "$URL/status" >/dev/null && break
	kill -0 "$pid" 2>/dev/null || { cat "$LOG"; exit 1; }
	sleep 0.05
done
echo "== GET $URL/status"
curl -s "$URL/status"
end=$(( $(date +%s) + ${DEMO_SECONDS:-1000000000} ))
echo "== live status (Ctrl-C to stop)"
while [ "$(date +%s)" -lt "$end" ]; do
	curl -s "$URL/status" | jq -r '"uptime \(.uptime_s|floor)s  threads: \([.threads[].name]|join(" "))"' |
		tr -d '\n'
	curl -s "$URL/threads" >/dev/null
	printf '  mailbox handled: %s\r' "$(for t in core sctp tdm0 mgmt; do
		curl -s "$URL/threads/$t" | jq -r '.counters[]|select(.name=="mailbox:handled")|.value'
	done | paste -sd/)"
	sleep 2
done
stop
