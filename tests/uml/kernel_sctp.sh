#!/bin/bash
# Kernel SCTP and osmo-stp interop, inside user-mode Linux (doc/testing-uml.md).
#
# This machine's kernel has no SCTP; the Debian UML kernel has it as a module.  The test boots
# UML with the host's / as its read-only root, and runs tests/uml/lab_kernel_sctp.sh inside:
# osmo-stp (Debian's, kernel SCTP) against python ASPs as an oracle check, the project's SCTP
# transport test on the kernel backend, then sgd with `transport: kernel` as the ASP of
# osmo-stp, carrying an ISUP call between a python ASP and a simulated switch on sgd's SS7 link.
# Exit 77 (skipped) only when linux.uml is not installed.
. "$(dirname "$0")/lib.sh"

uml_init
for t in osmo-stp python3 curl jq; do
	command -v $t >/dev/null || { echo "FAIL: $t is not installed (tools/setup.sh deps)"; exit 1; }
done

PARTS="oracle sctp sgd"
targets="tests/uml/test_sctp_kernel sg/sgd tools/sg-simswitch"
# UML_PARTS="oracle sctp" (say) runs only those parts, e.g. while debugging
if [ -n "${UML_PARTS-}" ]; then
	PARTS=$UML_PARTS
	[[ $PARTS == *sgd* ]] || targets="tests/uml/test_sctp_kernel"
fi
t0=$(date +%s)
sg_uml_bindir $targets || exit 1
echo "uml: programs from $SG_BIN (ready in $(( $(date +%s) - t0 )) s)"
if [[ $PARTS == *sgd* ]] && ! "$SG_BIN/sg/sgd" --check-config "$top_srcdir/tests/uml/sgd.json"; then
	echo "FAIL: sgd refuses tests/uml/sgd.json"
	exit 1
fi

cat >"$WD/env.sh" <<EOF
SRC=$top_srcdir
BIN=$SG_BIN
PARTS="$PARTS"
EOF
out=$WD/lab.out
uml_run "$top_srcdir/tests/uml/lab_kernel_sctp.sh" 100 | tee "$out"
rc=${PIPESTATUS[0]}

# Every PASS/FAIL line of the guest counts here; a part that printed nothing counts as failed.
PASSES=$(grep -c '^PASS:' "$out")
FAILS=$(grep -c '^FAIL:' "$out")
for p in $PARTS; do
	grep -q "^== $p:" "$out" || nok "part $p did not run"
done
[ "$rc" -eq 0 ] || [ "$FAILS" -gt 0 ] || nok "the guest lab exited $rc"
finish
