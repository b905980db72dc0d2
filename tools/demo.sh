#!/bin/bash
# The built-in demo: install what is missing, build, and run the whole chain on this machine
#
#   sg-simswitch (etc/demo-switch.json, PC 2-100-2): places ISUP calls to 2-100-5
#     <-> E1 over a TDM pseudowire on loopback UDP (2 signalling links, MTP2/MTP3)
#     <-> sgd (etc/demo.json, PC 2-100-1, management API on 127.0.0.1:8080)
#     <-> M3UA over SCTP (usrsctp over UDP here, kernel SCTP where the kernel has it)
#     <-> sg-simasp (ASP of AS "core", PC 3-0-5 on the IP side): answers IAM with ACM+ANM,
#         REL with RLC
#
# Point codes are translated by sgd: the switch 2-100-2 is 3-0-2 on the IP side, the AS
# 3-0-5 is 2-100-5 on the TDM side.  The terminal shows live status (links, ASP and AS
# states, MSU/s each way, calls) until Ctrl-C (or for DEMO_SECONDS seconds).
set -eu
cd "$(dirname "$0")/.."
tools/setup.sh build
SGD=build/sg/sgd
SW=build/tools/sg-simswitch
ASP=build/tools/sg-simasp
API="http://127.0.0.1:8080/api/v1"
RATE=${DEMO_RATE:-20}
LOGDIR=$(mktemp -d /tmp/sgd-demo.XXXXXX)

for c in etc/demo.json etc/demo-switch.json; do "$SGD" --check-config "$c"; done
pids=()
stop() {
	trap - INT TERM
	echo
	# the switch first (its totals), then the ASP (ASPIA/ASPDN), then sgd
	kill -TERM "${pids[1]}" 2>/dev/null || true
	wait "${pids[1]}" 2>/dev/null || true
	kill -TERM "${pids[2]}" 2>/dev/null || true
	wait "${pids[2]}" 2>/dev/null || true
	kill -TERM "${pids[0]}" 2>/dev/null || true
	wait "${pids[0]}"; rc=$?
	echo "== switch: $(grep '^total' "$LOGDIR/switch.out" | tail -1 | cut -c1-160)"
	echo "== ASP:    $(grep '^total' "$LOGDIR/asp.out" | tail -1 | cut -c1-160)"
	echo "== sgd stopped (exit $rc); logs in $LOGDIR"
	exit $rc
}
trap stop INT TERM

echo "== starting sgd (log: $LOGDIR/sgd.log), management API on $API"
"$SGD" -c etc/demo.json 2>"$LOGDIR/sgd.log" &
pids+=($!)
for _ in $(seq 200); do
	curl -sf "$API/asps" >/dev/null 2>&1 && break
	kill -0 "${pids[0]}" 2>/dev/null || { cat "$LOGDIR/sgd.log"; exit 1; }
	sleep 0.05
done
echo "== starting the simulated switch: $RATE calls/s to 2-100-5 (log: $LOGDIR/switch.log)"
"$SW" -c etc/demo-switch.json --dpc 2-100-5 --rate "$RATE" --hold-ms 1000 \
	>"$LOGDIR/switch.out" 2>"$LOGDIR/switch.log" &
pids+=($!)
echo "== starting the simulated ASP (log: $LOGDIR/asp.log)"
"$ASP" --opc 3-0-5 --dpc 3-0-2 --asp-id 1 --rc 100 --answer --udp-port 9900 \
	--remote-udp-port 9899 >"$LOGDIR/asp.out" 2>"$LOGDIR/asp.log" &
pids+=($!)

# The pseudowire's 1 ms clock runs on each process's TDM thread at SCHED_FIFO priority
# (threads.tdm_rt_priority in etc/demo*.json); without it a loaded machine delays the clock and
# the links fail (doc/adapters.md, "Timing under load").  Linux refuses it to a user without
# CAP_SYS_NICE or an rtprio limit: say so, the log alone is easy to miss.
sleep 0.5
for f in sgd switch; do
	if grep -q 'real-time priority .* refused' "$LOGDIR/$f.log"; then
		why=$(grep -o 'refused ([^)]*)' "$LOGDIR/$f.log" | head -1)
		echo "!! $f: real-time priority $why: its pseudowire clock runs with"
		echo "!! normal scheduling, and under load the links will fail;"
		echo "!! run the demo as root, or allow it: sudo setcap cap_sys_nice+ep $SGD $SW"
		echo "!! (until the next build), or an rtprio limit >= 50 (/etc/security/limits.conf)"
	fi
done
echo "== live status (Ctrl-C to stop; try: curl -s $API/asps | jq . , $API/as, $API/associations)"
end=$(( $(date +%s) + ${DEMO_SECONDS:-1000000000} ))
prev_t=$(date +%s%N) prev_up=0 prev_down=0
while [ "$(date +%s)" -lt "$end" ]; do
	sleep 2
	# a link out of service says why MTP2 took it out (doc/api.md: SUERM, alarm, T2, ...)
	links=$(curl -s "$API/links" | jq -r '[.[] | "\(.name) \(.state)" +
		(if .state != "IN_SERVICE" and .out_of_service != null then
			" (\(.out_of_service.text)" +
			(if (.out_of_service.alarms | length) > 0 then
				": \(.out_of_service.alarms | join("+"))" else "" end) + ")"
		 else "" end)] | join(", ")')
	asps=$(curl -s "$API/asps" | jq -r '[.[] | "\(.name) \(.state)"] | join(", ")')
	as=$(curl -s "$API/as" | jq -r '[.[] | "\(.name) \(.state)"] | join(", ")')
	read -r up down < <(curl -s "$API/interworking" |
		jq -r '.[0].counters | map({(.name): .value}) | add | "\(.tdm_to_ip) \(.ip_to_tdm)"')
	now=$(date +%s%N)
	dt=$(( (now - prev_t) / 1000000 ))
	[ "$dt" -gt 0 ] || dt=1
	calls=$(grep '^stats' "$LOGDIR/switch.out" 2>/dev/null | tail -1 |
		sed -n 's/.*attempts=\([0-9]*\) answered=\([0-9]*\).*failed=\([0-9]*\).*setup_p50_ms=\([0-9.]*\).*/calls \1, answered \2, failed \3, setup p50 \4 ms/p')
	# packet periods the pseudowire clocks missed ("thread late"), sgd and switch together
	late=$(cat "$LOGDIR/sgd.log" "$LOGDIR/switch.log" 2>/dev/null |
		sed -n 's/.*thread late, \([0-9]*\) packet periods skipped.*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }')
	skipped=""
	[ "$late" -gt 0 ] && skipped=" | pw periods skipped: $late"
	printf '%s  links: %s | ASP: %s | AS: %s | MSU/s TDM->IP %d, IP->TDM %d | %s%s\n' \
		"$(date +%T)" "$links" "$asps" "$as" \
		$(( (up - prev_up) * 1000 / dt )) $(( (down - prev_down) * 1000 / dt )) \
		"${calls:-calls: -}" "$skipped"
	prev_t=$now prev_up=$up prev_down=$down
done
stop
