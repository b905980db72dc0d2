#!/bin/bash
# The SCTP side of sgd on the wire, decoded by Wireshark (RFC 4960, RFC 6951, RFC 4666).
#
# For ITU and for ANSI: capture on lo (dumpcap, UDP encapsulation ports only) while
# tests/interop/test_libss7_e2e runs an ISUP call from libss7 through sgd (its M3UA SGP) to the
# test's M3UA ASP (usrsctp over UDP), then decode the capture with tshark and check:
#  - SCTP: every packet's CRC32c is good; the association is set up (INIT, INIT ACK, COOKIE
#    ECHO, COOKIE ACK) and shut down gracefully (SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE);
#  - M3UA: at least the expected number of each kind (ASPUP/ACK, ASPAC/ACK, NTFY, DATA, DAUD,
#    DAVA, BEAT/ACK, ASPIA/ACK, ASPDN/ACK);
#  - in the DATA messages, Wireshark's ISUP decoder finds IAM, ACM, ANM, REL and RLC, and the
#    IAM's protocol data carries the translated (IP) point codes and network indicator;
#  - no frame is malformed or carries an expert error.
# Needs root (capture) and tshark/dumpcap: exit 77 (skipped) otherwise.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: not applicable: capturing on lo needs root"; exit 77
fi
need tshark dumpcap
E2E="$top_builddir/tests/interop/test_libss7_e2e"
[ -x "$E2E" ] || { echo "SKIP: $E2E not built (libss7 missing?)"; exit 77; }
[ -x "$SGD" ] || { echo "FAIL: no sgd at $SGD"; exit 1; }

# ports from our PID, away from the ones test_libss7_e2e picks from its own
BASE=$(( 20000 + ($$ % 3000) * 3 ))
SGD_UDP=$BASE
ASP_UDP=$((BASE + 1))

# tshark FILE OPTS ARGS...: decode FILE with the UDP ports as SCTP, CRC32c checked
ts() {
	local f=$1 o=$2
	shift 2
	tshark -r "$f" -d "udp.port==$SGD_UDP,sctp" -d "udp.port==$ASP_UDP,sctp" \
		-o "sctp.checksum:CRC 32c" $o "$@" 2>/dev/null
}

# The fields the checks need, one line per packet (one decode per capture; a field that
# occurs several times in a packet, e.g. bundled chunks, is a comma-separated list):
FIELDS="frame.number sctp.checksum.status sctp.chunk_type sctp.data_payload_proto_id
	m3ua.message_class m3ua.message_type isup.message_type
	m3ua.protocol_data_opc m3ua.protocol_data_dpc m3ua.protocol_data_ni"

# count FIELDS-FILE WHAT [ARGS]: occurrences in the decoded fields
#   packets | crc_good | chunk T | ppid_not_m3ua | m3ua CLASS TYPE | isup T |
#   label ISUP-TYPE OPC DPC NI
count() {
	awk -F'\t' -v what="$2" -v a="${3-}" -v b="${4-}" -v c="${5-}" -v d="${6-}" '
	{
		nc = split($3, ck, ","); np = split($4, pp, ",")
		nm = split($5, mc, ","); split($6, mt, ",")
		ni = split($7, it, ","); split($8, op, ","); split($9, dp, ","); split($10, nw, ",")
	}
	what == "packets" { n++ }
	what == "crc_good" && $2 == "1" { n++ }
	what == "chunk" { for (i = 1; i <= nc; i++) if (ck[i] == a) n++ }
	what == "ppid_not_m3ua" { for (i = 1; i <= np; i++) if (pp[i] != "3") n++ }
	what == "m3ua" { for (i = 1; i <= nm; i++) if (mc[i] == a && mt[i] == b) n++ }
	what == "isup" { for (i = 1; i <= ni; i++) if (it[i] == a) n++ }
	what == "label" {
		for (i = 1; i <= ni; i++)
			if (it[i] == a && op[i] == b && dp[i] == c && nw[i] == d) n++
	}
	END { print n + 0 }' "$1"
}

# at_least N DESCRIPTION FIELDS-FILE WHAT [ARGS]
at_least() {
	local n=$1 d=$2 c
	shift 2
	c=$(count "$@")
	if [ "$c" -ge "$n" ]; then ok "$d: $c (>= $n)"; else nok "$d: $c, expected >= $n"; fi
}

# exactly N DESCRIPTION FIELDS-FILE WHAT [ARGS]
exactly() {
	local n=$1 d=$2 c
	shift 2
	c=$(count "$@")
	if [ "$c" -eq "$n" ]; then ok "$d: $c"; else nok "$d: $c, expected $n"; fi
}

# run_variant NAME TSHARK-OPTS SWITCH-IP-PC AS-IP-PC IP-NI
run_variant() {
	local v=$1 opts=$2 sw=$3 as=$4 ni=$5 pcap="$TMP/$1.pcapng" t0 dp rc
	local total good bad f

	dumpcap -i lo -f "udp port $SGD_UDP or udp port $ASP_UDP" -w "$pcap" -q \
		2>"$TMP/dumpcap-$v.err" &
	dp=$!
	PIDS="$PIDS $dp"
	t0=$(now_ms)
	until grep -q "Capturing on" "$TMP/dumpcap-$v.err"; do
		if ! kill -0 $dp 2>/dev/null || timed_out $t0 10000; then
			nok "$v: dumpcap did not start: $(cat "$TMP/dumpcap-$v.err")"
			return
		fi
		sleep 0.02
	done

	SG_E2E_PORT_BASE=$BASE SG_E2E_VARIANTS=$v "$E2E" "$SGD" >"$TMP/e2e-$v.out" 2>&1
	rc=$?
	sleep 0.2	# the last packets reach dumpcap
	kill -INT $dp
	wait $dp
	if [ $rc -eq 0 ]; then
		ok "$v: test_libss7_e2e passed (the ISUP call through sgd, sgd exit 0)"
	else
		nok "$v: test_libss7_e2e failed ($rc):"; cat "$TMP/e2e-$v.out"
	fi

	f="$TMP/$v.fields"
	ts "$pcap" "$opts" -T fields $(for x in $FIELDS; do echo "-e $x"; done) >"$f"
	echo "$v: $(count "$f" packets) packets captured; M3UA messages as Wireshark decodes them:"
	ts "$pcap" "$opts" -Y m3ua -T fields -e _ws.col.Info | sed 's/SACK ([^)]*) //' |
		sort | uniq -c | sed 's/^/    /'

	# SCTP: checksums and the association's life (RFC 4960 §6.8, §5.1, §9.2)
	total=$(count "$f" packets)
	good=$(count "$f" crc_good)
	if [ "$total" -gt 0 ] && [ "$good" -eq "$total" ]; then
		ok "$v: SCTP CRC32c good in all $total packets"
	else
		nok "$v: SCTP CRC32c good in $good of $total packets"
	fi
	at_least 1 "$v: INIT" "$f" chunk 1
	exactly 1 "$v: INIT ACK" "$f" chunk 2
	exactly 1 "$v: COOKIE ECHO" "$f" chunk 10
	exactly 1 "$v: COOKIE ACK" "$f" chunk 11
	exactly 1 "$v: SHUTDOWN" "$f" chunk 7
	exactly 1 "$v: SHUTDOWN ACK" "$f" chunk 8
	exactly 1 "$v: SHUTDOWN COMPLETE" "$f" chunk 14
	exactly 0 "$v: ABORT" "$f" chunk 6
	exactly 0 "$v: DATA chunks with a PPID other than M3UA's (3)" "$f" ppid_not_m3ua

	# M3UA kinds (class, type: RFC 4666 §3.1.2)
	exactly 1 "$v: ASPUP" "$f" m3ua 3 1
	exactly 1 "$v: ASPUP ACK" "$f" m3ua 3 4
	exactly 1 "$v: ASPAC" "$f" m3ua 4 1
	exactly 1 "$v: ASPAC ACK" "$f" m3ua 4 3
	at_least 1 "$v: NTFY" "$f" m3ua 0 1
	exactly 0 "$v: ERR" "$f" m3ua 0 0
	at_least 5 "$v: DATA" "$f" m3ua 1 1
	exactly 1 "$v: DAUD" "$f" m3ua 2 3
	at_least 1 "$v: DAVA" "$f" m3ua 2 2
	exactly 1 "$v: BEAT" "$f" m3ua 3 3
	exactly 1 "$v: BEAT ACK" "$f" m3ua 3 6
	exactly 1 "$v: ASPIA" "$f" m3ua 4 2
	exactly 1 "$v: ASPIA ACK" "$f" m3ua 4 4
	exactly 1 "$v: ASPDN" "$f" m3ua 3 2
	exactly 1 "$v: ASPDN ACK" "$f" m3ua 3 5

	# the ISUP call inside DATA (Q.763 message types), labels in IP numbering
	exactly 1 "$v: IAM in DATA" "$f" isup 1
	exactly 1 "$v: ACM in DATA" "$f" isup 6
	exactly 1 "$v: ANM in DATA" "$f" isup 9
	exactly 1 "$v: REL in DATA" "$f" isup 12
	exactly 1 "$v: RLC in DATA" "$f" isup 16
	exactly 1 "$v: IAM with OPC $sw DPC $as NI $ni (translated)" "$f" label 1 "$sw" "$as" "$ni"
	exactly 1 "$v: REL with OPC $sw DPC $as NI $ni (translated)" "$f" label 12 "$sw" "$as" "$ni"
	exactly 1 "$v: ACM with OPC $as DPC $sw NI $ni" "$f" label 6 "$as" "$sw" "$ni"
	exactly 1 "$v: RLC with OPC $as DPC $sw NI $ni" "$f" label 16 "$as" "$sw" "$ni"

	bad=$(ts "$pcap" "$opts" -Y "_ws.malformed || _ws.expert.severity >= error" | wc -l)
	if [ "$bad" -eq 0 ]; then
		ok "$v: no malformed frame, no expert error"
	else
		nok "$v: $bad frames malformed or with an expert error:"
		ts "$pcap" "$opts" -Y "_ws.malformed || _ws.expert.severity >= error" | head -20
	fi
}

# ITU: switch 3-0-2 = 6146, AS 3-0-5 = 6149, IP NI international (0)
run_variant itu "" 6146 6149 0
# ANSI: switch 7-7-2 = 460546, AS 7-7-5 = 460549, IP NI national spare (3)
run_variant ansi "-o mtp3.standard:ANSI" 460546 460549 3

finish
