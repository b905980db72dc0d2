#!/bin/bash
# sgd --check-config: good configs pass; each broken config exits 2 naming the fault's JSON path.
. "$(dirname "$0")/lib.sh"

for good in "$top_srcdir/etc/sgd.json" "$top_srcdir/etc/demo.json" "$top_srcdir/etc/demo-switch.json" "$top_srcdir/tests/configs/good.json"; do
	out=$("$SGD" --check-config "$good" 2>&1); rc=$?
	check "valid: $(basename "$good") (exit $rc)" [ $rc -eq 0 ]
done

cd "$top_srcdir/tests/configs/bad"
n=0
while IFS=$'\t' read -r file expected; do
	n=$((n + 1))
	out=$("$SGD" --check-config "$file" 2>&1); rc=$?
	if [ $rc -eq 2 ] && [[ "$out" == "sgd: $expected"* ]]; then
		ok "$file -> exit 2: $out"
	else
		nok "$file: expected exit 2 and 'sgd: $expected...', got exit $rc: $out"
	fi
done < expected.tsv
check "at least 10 broken configs were tried ($n)" [ $n -ge 10 ]
check "every .json in tests/configs/bad has an expectation" \
	[ "$(ls *.json | wc -l)" -eq "$n" ]

# sgd refuses to run (not only to check) a broken config, before starting anything
out=$("$SGD" -c slc-range.json 2>&1); rc=$?
check "sgd -c with a broken config exits 2 ($out)" [ $rc -eq 2 ]
out=$("$SGD" -c /nonexistent.json 2>&1); rc=$?
check "missing config file exits 2 ($out)" [ $rc -eq 2 ]
# only regular files are read: a FIFO without a writer must not hang the loader (the
# timeout only ends a broken run: exit 124 fails the check), a directory is named as such
mkfifo "$TMP/fifo.json"
out=$(timeout $((10 * SG_TEST_TIMEOUT_SCALE)) "$SGD" --check-config "$TMP/fifo.json" 2>&1); rc=$?
check "a FIFO exits 2 naming it ($out)" \
	[ $rc -eq 2 -a "$out" = "sgd: $TMP/fifo.json: not a regular file (a FIFO)" ]
out=$(timeout $((10 * SG_TEST_TIMEOUT_SCALE)) "$SGD" -c "$TMP/fifo.json" 2>&1); rc=$?
check "sgd -c with a FIFO exits 2 ($out)" [ $rc -eq 2 ]
mkdir "$TMP/dir.json"
out=$("$SGD" --check-config "$TMP/dir.json" 2>&1); rc=$?
check "a directory exits 2 naming it ($out)" \
	[ $rc -eq 2 -a "$out" = "sgd: $TMP/dir.json: not a regular file (a directory)" ]
out=$("$SGD" --no-such-option 2>&1); rc=$?
check "unknown option exits 2" [ $rc -eq 2 ]
finish
