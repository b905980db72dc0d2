#!/bin/bash
# End-to-end benchmark of the gateway: a simulated switch (tools/sg-simswitch) sends SCCP UDTs
# over Q.703 Annex A links (E1 unframed, whole span, TDM pseudowire on loopback UDP) to sgd,
# which hands them to an M3UA ASP (tools/sg-simasp, over usrsctp) that echoes each one back
# the same way.  The switch counts what it sent, what came back and the round-trip times.
#
# The baseline, measured in the same run with the same switch, links and load: the switch's
# UDTs go over the same Annex A links to a second simulated switch that echoes them (no sgd,
# no M3UA, no SCTP).  "Added by sgd" = round trip through sgd minus the baseline round trip:
# what sgd (MTP2, MTP3, interworking, M3UA, SCTP, its thread hops) and the ASP add, less what
# the second switch's MTP2/MTP3 costs, which sgd's side has as well.
#
#   bench/e2e_bench.sh [-b BUILD_DIR] [-d SECONDS] [-l LINKS] [-r "RATE ..."] [-p PAYLOAD] [-j MS]
#                      [-t PRIO]
#
#   -b  build directory holding sg/sgd, tools/sg-simswitch, tools/sg-simasp (default: .)
#   -d  seconds of load per step (default 10)
#   -l  Annex A links (one E1 span each, one linkset; 1..16, default 2)
#   -r  UDTs per second the switch generates, one step per value (default "500 2000 4000")
#   -p  UDT data octets (default 32)
#   -j  pseudowire jitter buffer, ms (default 4; the same on every path)
#   -t  real-time priority of every process's TDM thread (threads.tdm_rt_priority;
#       default 0 = normal scheduling; needs root)
# Output: one line per step and path: rate, UDTs sent, echoes, lost, MSU/s through the
# gateway (both directions), RTT p50/p99/max; then the added latency per rate.
set -u

build=.
dur=10
links=2
rates="500 2000 4000"
payload=32
jitter=4
RTPRIO=0
while getopts "b:d:l:r:p:j:t:" o; do
	case $o in
	b) build=$OPTARG ;;
	d) dur=$OPTARG ;;
	l) links=$OPTARG ;;
	r) rates=$OPTARG ;;
	p) payload=$OPTARG ;;
	j) jitter=$OPTARG ;;
	t) RTPRIO=$OPTARG ;;
	*) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 2 ;;
	esac
done
SGD=$build/sg/sgd
SW=$build/tools/sg-simswitch
ASP=$build/tools/sg-simasp
for b in "$SGD" "$SW" "$ASP"; do
	[ -x "$b" ] || { echo "$b not built (make sg/sgd tools/sg-simswitch tools/sg-simasp)"; exit 2; }
done
[ "$links" -ge 1 ] && [ "$links" -le 16 ] || { echo "-l 1..16"; exit 2; }
command -v curl >/dev/null && command -v jq >/dev/null || { echo "curl and jq needed"; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sg-e2e-bench.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	[ -n "${KEEP_TMP-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

# ports derived from the PID: 2 UDP ports per link, then SCTP/UDP ports
base=$(( 20000 + ($$ % 500) * 40 ))
SW_PC=2-100-2 SG_PC=2-100-1 AS_PC=2-100-5

# spans_and_links SIDE: the "spans" and "links" JSON of the switch (a) or its peer (b)
spans() {
	local side=$1 i lp rp sep=""
	for ((i = 0; i < links; i++)); do
		lp=$((base + 2 * i)) rp=$((base + 2 * i + 1))
		[ "$side" = b ] && { local t=$lp; lp=$rp; rp=$t; }
		printf '%s{ "name": "e1-%d", "driver": "pw", "pw": { "local": "127.0.0.1:%d", ' \
			"$sep" "$i" "$lp"
		printf '"remote": "127.0.0.1:%d", "unframed": true, "jitter_ms": %d } }' "$rp" "$jitter"
		sep=", "
	done
}
links_json() {
	local i sep=""
	for ((i = 0; i < links; i++)); do
		printf '%s{ "name": "l%d", "slc": %d, "span": "e1-%d", "timeslot": 0 }' \
			"$sep" "$i" "$i" "$i"
		sep=", "
	done
}
tdm_cfg() { # name own-pc adjacent-pc side extra-json
	cat <<JSON
{ "node": { "name": "$1" }, "log": { "level": "notice" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "threads": { "tdm": 1, "tdm_rt_priority": $RTPRIO },
  "signalling_points": [ { "name": "sp", "pc": "$2", "ni": "national" } ],
  "spans": [ $(spans "$4") ],
  "linksets": [ { "name": "ls", "sp": "sp", "adjacent_pc": "$3", "links": [ $(links_json) ] } ]$5
}
JSON
}
SCTP_UDP=$((base + 36)) M3UA_PORT=$((base + 37)) ASP_UDP=$((base + 38))
tdm_cfg switch $SW_PC $SG_PC a ',
  "routes": [ { "dpc": "'$AS_PC'", "linkset": "ls" } ]' > "$TMP/switch.json"
tdm_cfg echo-switch $SG_PC $SW_PC b '' > "$TMP/echo.json"
tdm_cfg sgd $SG_PC $SW_PC b ',
  "sctp": { "transport": "usrsctp", "udp_port": '$SCTP_UDP' },
  "m3ua": { "listen": { "addresses": ["127.0.0.1"], "port": '$M3UA_PORT' },
            "asps": [ { "name": "asp1", "role": "sgp",
                        "remote": { "addresses": ["127.0.0.1"], "udp_port": '$ASP_UDP' } } ],
            "as": [ { "name": "as1", "routing_context": 1, "asps": ["asp1"],
                      "routing_key": { "dpc": ["'$AS_PC'"], "si": [3] } } ] }' > "$TMP/sgd.json"
"$SGD" --check-config "$TMP/sgd.json" >/dev/null || { echo "bad sgd config"; cat "$TMP/sgd.json"; exit 1; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
field() { sed -n "/^$2 /h; \${x;p}" "$1" | tr ' ' '\n' | sed -n "s/^$3=//p"; }
wait_exit() { # pid timeout_s
	local t0
	t0=$(now_ms)
	while kill -0 "$1" 2>/dev/null; do
		[ $(( $(now_ms) - t0 )) -gt $(( $2 * 1000 )) ] && return 1
		sleep 0.1
	done
	wait "$1"
}
stop() { # pids...: SIGTERM, wait, forget (so that cleanup never signals a reused PID)
	local p
	for p in "$@"; do kill "$p" 2>/dev/null; done
	for p in "$@"; do
		wait_exit "$p" 10 || { kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; }
		PIDS=$(echo " $PIDS " | sed "s/ $p / /")
	done
}

api() { # METHOD PATH: the switch's management API; the body on stdout
	curl -s -m 5 -X "$1" "http://127.0.0.1:$MPORT$2"
}
ctr() { jq -r ".counters[] | select(.name == \"$2\") | .value" "$1"; }
HZ=$(getconf CLK_TCK)
cpu_ms() { # pid: user + system CPU time so far, ms
	awk -v hz="$HZ" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# run_gen PATH RATE DPC: the switch generates RATE UDTs/s towards DPC.  Once echoes come back
# (links aligned, routes up) and after a second of warm-up, generation stops, 1.5 s let the
# echoes in flight come back, the counters and histograms are zeroed and generation restarts
# (all through the switch's API); the load runs $dur s, generation stops, 1.5 s let the last
# echoes come back (or time out after 1 s: lost), then the counters are read.  Prints the
# step's line.
run_gen() {
	local path=$1 rate=$2 dpc=$3 out=$TMP/gen.$1.$2 pid t0 t1 tx rx lost el lf
	local c0_gen c0_p1 c0_p2 c1_gen c1_p1 c1_p2
	"$SW" -c "$TMP/switch.json" --dpc "$dpc" --si sccp --rate "$rate" --payload "$payload" \
		--answer-timeout-ms 1000 --stats-interval 1 >"$out" 2>"$out.log" &
	pid=$!
	PIDS="$PIDS $pid"
	MPORT="" t0=$(now_ms)
	while :; do
		[ -z "$MPORT" ] && MPORT=$(sed -n 's/.*management API on [^ ]* port \([0-9]*\)$/\1/p' "$out.log" | head -1)
		rx=$(field "$out" stats udt_echo_rx)
		[ -n "$MPORT" ] && [ "${rx:-0}" -gt 0 ] && break
		if ! kill -0 $pid 2>/dev/null || [ $(( $(now_ms) - t0 )) -gt 60000 ]; then
			echo "$path $rate: no echo within 60 s (logs in $TMP, KEEP_TMP=1 keeps them)"
			stop $pid
			return 1
		fi
		sleep 0.2
	done
	# warm-up, then a clean window: stop, let the echoes in flight come back, zero, restart
	sleep 1
	api POST /api/v1/traffic/sim/stop >/dev/null
	sleep 1.5
	api POST /api/v1/traffic/sim/reset >/dev/null
	api POST /api/v1/traffic/sim/start >/dev/null
	t0=$(now_ms)
	c0_gen=$(cpu_ms $pid) c0_p1=$(cpu_ms $P1) c0_p2=$(cpu_ms ${P2:-$P1})
	sleep "$dur"
	api POST /api/v1/traffic/sim/stop >/dev/null
	t1=$(now_ms)
	c1_gen=$(cpu_ms $pid) c1_p1=$(cpu_ms $P1) c1_p2=$(cpu_ms ${P2:-$P1})
	sleep 1.5
	api GET /api/v1/traffic/sim >"$out.json"
	stop $pid
	tx=$(ctr "$out.json" udt_tx) rx=$(ctr "$out.json" udt_echo_rx) lost=$(ctr "$out.json" udt_lost)
	el=$(( t1 - t0 ))
	# link failures after traffic started (a loaded machine starves the pw threads)
	lf=$(awk '/destination reachable/ { on = 1 } on && /out of service/ { n++ } END { print n + 0 }' \
		"$out.log")
	printf '%-9s rate %6s/s  udt_tx %8s  echoed %8s  lost %6s  gw_msu_per_s %8.0f  rtt_ms p50 %s p99 %s max %s  link_failures %s  load %s\n' \
		"$path" "$rate" "$tx" "$rx" "$lost" \
		"$(awk -v a="${tx:-0}" -v b="${rx:-0}" -v d="$el" 'BEGIN { print (a + b) * 1000 / d }')" \
		"$(jq -r .rtt_ms.p50 "$out.json")" "$(jq -r .rtt_ms.p99 "$out.json")" \
		"$(jq -r .rtt_ms.max "$out.json")" "$lf" "$(cut -d' ' -f1 /proc/loadavg)"
	# CPU per MSU crossing the far end (each UDT and its echo: 2 MSUs), in microseconds
	awk -v n=$(( ${tx:-0} + ${rx:-0} )) -v g=$((c1_gen - c0_gen)) -v a=$((c1_p1 - c0_p1)) \
		-v b=$((c1_p2 - c0_p2)) -v el="$el" -v p="$path" -v two="${P2:+1}" 'BEGIN {
		if (!n) exit
		printf "          cpu over %.1f s: switch %.0f%%", el / 1000, g * 100 / el
		if (two) printf ", sgd %.0f%% (%.1f us per MSU, idle work included), asp %.0f%%\n", a * 100 / el, a * 1000 / n, b * 100 / el
		else printf ", echo switch %.0f%% (%.1f us per MSU, idle work included)\n", a * 100 / el, a * 1000 / n }'
	# a step without echoes has no latency to compare
	if [ "${rx:-0}" -gt 0 ]; then
		eval "P50_${path//-/_}_$rate=$(jq -r .rtt_ms.p50 "$out.json")"
		eval "P99_${path//-/_}_$rate=$(jq -r .rtt_ms.p99 "$out.json")"
	fi
}

echo "e2e_bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $links Annex A link(s) (E1 unframed over pw, 2.048 Mbit/s each, jitter buffer $jitter ms), SCCP UDT with $payload data octets, $dur s per step"
for rate in $rates; do
	# baseline: switch <-> echo switch
	"$SW" -c "$TMP/echo.json" --answer --stats-interval 0 >"$TMP/echo.$rate" 2>"$TMP/echo.$rate.log" &
	e=$!
	PIDS="$PIDS $e"
	P1=$e P2=""
	run_gen baseline "$rate" "$SG_PC"
	stop $e

	# through sgd: switch <-> sgd <-> M3UA/usrsctp <-> ASP (echo)
	"$SGD" -c "$TMP/sgd.json" 2>"$TMP/sgd.$rate.log" &
	g=$!
	"$ASP" --transport usrsctp --port $M3UA_PORT --udp-port $ASP_UDP --remote-udp-port $SCTP_UDP \
		--rc 1 --opc $AS_PC --dpc $SW_PC --answer --stats-interval 0 \
		>"$TMP/asp.$rate" 2>"$TMP/asp.$rate.log" &
	a=$!
	PIDS="$PIDS $g $a"
	P1=$g P2=$a
	run_gen via-sgd "$rate" "$AS_PC"
	stop $a $g
	grep -h "total\|^asp " "$TMP/asp.$rate" | sed 's/^/  asp: /' | cut -c1-200
done
echo "added round-trip latency through sgd (via-sgd minus baseline), ms:"
for rate in $rates; do
	eval "b50=\${P50_baseline_$rate:-} b99=\${P99_baseline_$rate:-} s50=\${P50_via_sgd_$rate:-} s99=\${P99_via_sgd_$rate:-}"
	awk -v r="$rate" -v b50="$b50" -v b99="$b99" -v s50="$s50" -v s99="$s99" 'BEGIN {
		if (b50 == "" || s50 == "") { printf "  rate %s: not measured\n", r; exit }
		printf "  rate %6s/s: p50 %.3f  p99 %.3f\n", r, s50 - b50, s99 - b99 }'
done
