#!/bin/bash
# Every program the tests, tools and benchmarks run is installed by tools/setup.sh, or
# comes with a minimal Debian 12 (a `debootstrap --variant=minbase bookworm` root).
#
# A user's fresh Debian may have nothing beyond minbase (no iproute2, procps, xxd...), and
# the README's commands must still work there. This check reads the shell scripts (words in
# command position) and the C and Python sources (string literals holding a command line,
# as given to system() or popen()) of tests/, tools/, bench/ and
# fuzz/. Each word that names a program on this machine must either belong to a package of
# the minbase root (tools/minbase.packages) or be listed in tools/setup.sh's COMMANDS map,
# whose package tools/setup.sh installs. tools/minbase.sh runs the README's commands in
# such a root for real.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
setup=$top/tools/setup.sh
minbase=$top/tools/minbase.packages
fails=0 passes=0

# candidate words: shell command positions, then in C/Python string literals the program of a
# command line ("tshark -r ...", "command -v text2pcap ...")
words() {
	find "$top/tests" "$top/tools" "$top/bench" "$top/fuzz" -type f \
		\( -name '*.sh' -o -name 'dahdi-emu-run' \) -print0 |
		xargs -0 sed -e 's/#.*$//' |
		grep -oE '(^|[|;&(`]|\$\(|[A-Z_]+=["'"'"']|\b(then|do|else|exec|command -v|timeout( -k [0-9]+)? [^ ]+|env( [A-Z_]+=[^ ]*)*))[[:space:]]*[A-Za-z][A-Za-z0-9_.+-]*([[:space:]]|$)' |
		sed -E 's/[[:space:]]+$//; s/.*[[:space:]|;&(`="'"'"']//; s/^\$\(//'
	find "$top/tests" "$top/tools" "$top/bench" "$top/fuzz" -type f \
		\( -name '*.c' -o -name '*.py' \) -print0 |
		xargs -0 grep -ohE '"(command -v )?[a-z][a-z0-9_.+-]* -' |
		sed -E 's/^"(command -v )?//; s/ -$//'
}

# functions the scripts define are not programs
funcs=$(find "$top/tests" "$top/tools" "$top/bench" "$top/fuzz" -type f -name '*.sh' -print0 |
	xargs -0 sed -nE 's/^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\(\)[[:space:]]*\{?.*/\1/p' |
	sort -u | tr '\n' ' ')

# COMMAND -> package, from tools/setup.sh (the one list the installer uses)
pkg_of() { "$setup" package-of "$1" 2>/dev/null; }
in_packages() { "$setup" packages | grep -qx "$1"; }

checked=""
for w in $(words | sort -u); do
	case " $funcs " in *" $w "*) continue ;; esac
	# builtins and keywords need nothing
	[ "$(type -t "$w" 2>/dev/null)" = file ] || continue
	path=$(command -v "$w")
	checked="$checked $w"
	pkg=$(pkg_of "$w")
	if [ -n "$pkg" ]; then
		if in_packages "$pkg"; then
			passes=$((passes + 1))
		else
			echo "FAIL: $w: COMMANDS maps it to $pkg, which tools/setup.sh does not install"
			fails=$((fails + 1))
		fi
		continue
	fi
	owner=""
	# usr-merged: dpkg may know the file under /bin or /sbin
	for f in "$(readlink -f "$path")" "$path" "/bin/$w" "/sbin/$w" "/usr/bin/$w" "/usr/sbin/$w"; do
		owner=$(dpkg -S "$f" 2>/dev/null | grep -v '^diversion' | head -1 | cut -d: -f1)
		[ -n "$owner" ] && break
	done
	if [ -n "$owner" ] && grep -qx "$owner" "$minbase"; then
		passes=$((passes + 1))
	else
		echo "FAIL: $w ($path, package ${owner:-unknown}) is not in a minbase root:" \
			"add it to COMMANDS and PACKAGES in tools/setup.sh"
		fails=$((fails + 1))
	fi
done
echo "programs checked:$checked"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
