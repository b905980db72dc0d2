#!/bin/sh
# Guest side of tests/uml/kernel_sctp.sh: runs inside user-mode Linux (guest_init.sh), in the
# shared work directory, on the guest's own loopback with the guest kernel's SCTP.
# env.sh (written by the host) sets SRC (source tree), BIN (build without ASan), PARTS.
#   oracle  osmo-stp with two python ASPs (tests/uml/m3ua_peer.py): the harness, the
#           osmo-stp configuration and the python ASP checked against each other
#   sctp    the project's SCTP transport on its kernel backend (tests/uml/test_sctp_kernel)
#   sgd     sgd (transport kernel) as the ASP of osmo-stp, a simulated switch behind sgd on an
#           SS7 link (frame driver), the python ASP calling the switch through osmo-stp and sgd
# Prints PASS:/FAIL: lines; exits 0 when every part run passed.
. ./env.sh
FAILS=0
ok() { echo "PASS: $*"; }
nok() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ms() { echo $(( $(cut -d' ' -f1 /proc/uptime | tr -d .) * 10 )); }

PEER="python3 $SRC/tests/uml/m3ua_peer.py"
VTY="python3 $SRC/tests/uml/osmo_vty.py 4239"
PY_PC=4901	# 2-100-5
SW_PC=4898	# 2-100-2

# wait_for SECONDS COMMAND...: polls every 100 ms until COMMAND succeeds
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

start_stp() {
	osmo-stp -c "$SRC/tests/uml/osmo-stp.cfg" >"stp-$1.log" 2>&1 &
	STP=$!
	wait_for 10 $VTY "show cs7 instance 0 asp" && return 0
	nok "osmo-stp did not start:"
	cat "stp-$1.log"
	return 1
}

stop() { # stop PID...: SIGTERM, then wait
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
}

stp_asp_state() { # the state osmo-stp shows for ASP $1
	$VTY "show cs7 instance 0 asp" 2>/dev/null |
		awk -v a="$1" '$1 == a { for (i = 2; i <= NF; i++) if ($i ~ /^ASP_/) print $i }'
}

part_oracle() {
	echo "== oracle: osmo-stp between two python ASPs over kernel SCTP"
	start_stp oracle || return
	rm -f fake.ready
	# a python ASP in sgd's place (127.0.0.3, routing context 1) plays the called switch
	$PEER --connect 127.0.0.1:2905 --bind 127.0.0.3 --rc 1 --name "fake-sgd" --reply \
		--ready fake.ready --hold 30 >fake.log 2>&1 &
	local fake=$!
	wait_for 10 test -f fake.ready || nok "the python ASP in sgd's place did not become active"
	$PEER --connect 127.0.0.1:2905 --bind 127.0.0.2 --rc 2 --name "python ASP" \
		--iam $PY_PC:$SW_PC:5:4455 --timeout 15 || nok "oracle: python ASP to python ASP"
	stop $fake
	grep -E '^(PASS|FAIL):' fake.log
	grep -q '^FAIL' fake.log && FAILS=$((FAILS + 1))
	stop $STP
}

part_sctp() {
	echo "== sctp: the SCTP transport's kernel backend (tests/uml/test_sctp_kernel)"
	local t0=$(ms) rc
	"$BIN/tests/uml/test_sctp_kernel" >test_sctp_kernel.log 2>&1
	rc=$?
	sed -n '/^  Test: /p; /^Run Summary/,/^$/p' test_sctp_kernel.log | sed 's/^/  /'
	if [ $rc -eq 0 ]; then
		ok "test_sctp_kernel passed on the guest's kernel SCTP ($(( $(ms) - t0 )) ms)"
	else
		nok "test_sctp_kernel exit $rc; its log:"
		tail -60 test_sctp_kernel.log
	fi
}

api() { curl -s --max-time 5 "http://127.0.0.1:$1/api/v1$2"; }
nif_counter() { jq -r --arg n "$1" '.[0].counters[] | select(.name == $n) | .value' nif.json; }

part_sgd() {
	echo "== sgd: sgd (transport kernel) as the ASP of osmo-stp, a switch behind it"
	local t0=$(ms) sw sgd st
	start_stp sgd || return
	"$BIN/tools/sg-simswitch" -c "$SRC/tests/uml/switch.json" --answer --stats-interval 0 \
		>switch.log 2>&1 &
	sw=$!
	"$BIN/sg/sgd" -c "$SRC/tests/uml/sgd.json" >sgd.log 2>&1 &
	sgd=$!
	sleep 0.5
	for p in $sw $sgd; do
		kill -0 $p 2>/dev/null && continue
		nok "sgd or sg-simswitch exited at start:"
		tail -20 sgd.log switch.log
		stop $sw $sgd $STP
		return
	done
	# ASP-ACTIVE on sgd's side: its peer "stp" (osmo-stp) ...
	if wait_for 30 sh -c "curl -s --max-time 2 http://127.0.0.1:8080/api/v1/asps/stp |
			jq -e '.local_state == \"ASP-ACTIVE\" and .as[0].state == \"ASP-ACTIVE\"'"; then
		ok "sgd: ASP-ACTIVE towards osmo-stp over kernel SCTP ($(( $(ms) - t0 )) ms)"
	else
		nok "sgd did not reach ASP-ACTIVE towards osmo-stp"
		api 8080 /asps/stp
	fi
	# ... and on osmo-stp's
	st=$(stp_asp_state asp-sgd)
	[ "$st" = ASP_ACTIVE ] && ok "osmo-stp: asp-sgd is $st" || nok "osmo-stp: asp-sgd is '$st'"
	# the link to the switch in service
	if wait_for 30 sh -c "curl -s --max-time 2 http://127.0.0.1:8080/api/v1/linksets/to-switch |
			jq -e '.available == true'"; then
		ok "sgd: linkset to the switch available"
	else
		nok "sgd: linkset to the switch not available"
		api 8080 /linksets/to-switch
	fi
	# DATA both ways: IAM python -> osmo-stp -> sgd -> switch, ACM/ANM back the same way
	$PEER --connect 127.0.0.1:2905 --bind 127.0.0.2 --rc 2 --name "python ASP" \
		--iam $PY_PC:$SW_PC:7:4455 --timeout 20 || nok "call through osmo-stp and sgd"
	# sgd's interworking counters: exactly the IAM went IP -> TDM, the ACM and ANM TDM -> IP
	api 8080 /interworking >nif.json
	n_in=$(nif_counter ip_to_tdm)
	n_out=$(nif_counter tdm_to_ip)
	[ "$n_in" = 1 ] && ok "sgd: 1 M3UA DATA sent on to SS7 (ip_to_tdm)" ||
		nok "sgd: ip_to_tdm is '$n_in', expected 1"
	[ "$n_out" = 2 ] && ok "sgd: 2 MSUs from SS7 sent as M3UA DATA (tdm_to_ip)" ||
		nok "sgd: tdm_to_ip is '$n_out', expected 2"
	echo "  osmo-stp asp list:"
	$VTY "show cs7 instance 0 asp" | grep -v '^OsmoSTP' | sed 's/^/    /'
	stop $sgd
	st=$?
	[ $st -eq 0 ] && ok "sgd: orderly shutdown on SIGTERM (exit 0)" || nok "sgd exit $st on SIGTERM"
	stop $sw $STP
	if grep -q 'runtime error' sgd.log switch.log; then
		nok "UBSan reported errors:"; grep -h -A3 'runtime error' sgd.log switch.log
	fi
	echo "  sgd log (last lines):"; tail -15 sgd.log | sed 's/^/    /'
}

for p in $PARTS; do "part_$p"; done
echo "lab: $FAILS failed"
[ $FAILS -eq 0 ]
