#!/bin/sh
# tests/tree/includes.sh fails on each kind of violation and passes on the tree as it is:
# it runs on a scratch copy of the rooms, doc/architecture.md and the exceptions, with one
# include injected (or one exception made stale) per case, and looks for the file, the line
# and the rule in what it says.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
check_sh=$top/tests/tree/includes.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sg-includes-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
passes=0 fails=0
check() {
	d=$1
	shift
	if "$@"; then
		passes=$((passes + 1))
		echo "PASS: $d"
	else
		fails=$((fails + 1))
		echo "FAIL: $d"
		sed 's/^/	| /' "$tmp/out"
	fi
}

# the pristine copy: what includes.sh reads
mkdir -p "$tmp/orig/doc" "$tmp/orig/tests/tree"
cp "$top/doc/architecture.md" "$tmp/orig/doc/"
cp "$top/tests/tree/includes.allow" "$tmp/orig/tests/tree/"
for d in $(sh "$check_sh" --folders "$top" | cut -d/ -f1 | sort -u); do
	cp -R "$top/$d" "$tmp/orig/"
done
chmod -R u+w "$tmp/orig"	# make distcheck's source tree is read-only
t=$tmp/tree
fresh() { rm -rf "$t" && cp -R "$tmp/orig" "$t"; }
run() { sh "$check_sh" "$t" > "$tmp/out" 2>&1; echo $? > "$tmp/rc"; }
failed() { [ "$(cat "$tmp/rc")" = 1 ]; }
says() { grep -qF -- "$1" "$tmp/out"; }
# the check failed (exit status 1) and said $1
fails_with() { failed && says "$1"; }
# inject FILE LINE: append an include line to FILE; its line number goes to $line
inject() { printf '%s\n' "$2" >> "$t/$1"; line=$(wc -l < "$t/$1" | tr -d ' '); }

fresh
run
check "the tree as it is passes" [ "$(cat "$tmp/rc")" = 0 ]
n_allow=$(grep -cv '^[[:space:]]*\(#\|$\)' "$tmp/orig/tests/tree/includes.allow")
check "... and uses every exception ($n_allow)" says "$n_allow exceptions used"

# violation DESCRIPTION FILE INCLUDE WHY: with the line INCLUDE appended to FILE the check
# fails and says "FAIL: FILE:LINE: includes " and WHY
violation() {
	fresh
	inject "$2" "$3"
	run
	check "$1" fails_with "FAIL: $2:$line: includes $4"
}
cfg="the configuration is the daemon's: only the daemon's rooms (sg/config/, sg/tdm/, sg/)"

violation "mtp/ including <sg/config.h> fails, naming the file, the line and the rule" \
	mtp/mtp2_lsc.c '#include <sg/config.h>' "include/sg/config.h: $cfg"
violation "a layer's header including \"config.h\" beside it fails" \
	include/sg/mtp3.h '#include "config.h"' "include/sg/config.h: $cfg"
violation "a relative path to config.h fails" \
	sg/iwf/nif.c '#  include "../../include/sg/../sg/config.h"' "include/sg/config.h: $cfg"
violation "mgmt/ including config_schema.h fails" \
	mgmt/registry.c '#include "../sg/config/config_schema.h"' "sg/config/config_schema.h: $cfg"
violation "config_schema.h by a name that resolves nowhere fails" \
	sg/rt/pc.c '#include "config_schema.h"' "config_schema.h: $cfg"
violation "mtp/ including mgmt's interface fails (may use: rt)" \
	mtp/mtp3.c '#include <sg/mgmt.h>' "include/sg/mgmt.h: room mtp may use rt ("
violation "sg/iwf/ including a private header of sg/sigtran/ fails" \
	sg/iwf/nif.c '#include "../sigtran/m3ua_int.h"' \
	"sg/sigtran/m3ua_int.h: sg/sigtran/m3ua_int.h is private to room sigtran"
violation "sg/tdm/ including the daemon's private header fails" \
	sg/tdm/tdm.c '#include "../daemon.h"' "sg/daemon.h: room tdm may use rt, config,"

fresh
inject sg/sigtran.c '#include "tdm/core.h"'
inject sg/tdm/core.c '#include <sg/config.h>'
inject include/sg/mtp3.h '#include <sg/mtp_sap.h>'
run
check "the daemon's rooms and the service access points stay allowed" [ "$(cat "$tmp/rc")" = 0 ]

fresh
printf '#pragma once\n' > "$t/include/sg/orphan.h"
run
check "a header of include/sg/ no room has as its interface fails" \
	fails_with "FAIL: include/sg/orphan.h: no room of doc/architecture.md has it as its interface"

fresh
echo "adapters/span.c include/sg/config.h an exception for an include the file does not have" \
	>> "$t/tests/tree/includes.allow"
run
check "an exception that matches no include any more fails" \
	fails_with "adapters/span.c include/sg/config.h: it excuses no include any more"

fresh
sed 's/^| `mgmt\/` \(.*\) | rt |$/| `mgmt\/` \1 | rt, nosuch |/' "$tmp/orig/doc/architecture.md" \
	> "$t/doc/architecture.md"
run
check "a \"may use\" naming no room fails" fails_with "room mgmt/ may use \"nosuch\", which is no room"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
