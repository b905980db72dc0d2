#!/bin/sh
# The rooms keep their rules, read from their include lines: doc/architecture.md, "Folders
# (rooms)", is the map, and this check reads it from there.
#
# Rules, for every .c and .h under a room's folder and every header of include/sg/:
#  - the configuration is the daemon's: only the daemon's rooms (the configuration's own
#    room, and the rooms that may use it or every room) include include/sg/config.h or a
#    config_schema.h, by any spelling or relative path;
#  - a room includes only its own files, the headers of the rooms of its "may use" column,
#    and the service access points (the headers the include/sg/ row names, which belong to
#    no room);
#  - a room's private headers (the headers in its folder) are for its own files and for the
#    rooms that may use every room (the daemon's wiring);
#  - the map is whole: every header of include/sg/ is some room's interface, and every
#    header and room the map names exists.
# A room is a row of the table whose "room" cell is one folder (`sg/rt/`); a file belongs to
# the room of the longest folder holding it.  Its "interface" cell lists the room's headers in
# include/sg/; its "may use" cell lists rooms by their last folder name (rt, mtp, sigtran, ...)
# or says "every room" or "nothing" (a parenthesis is a comment).  An include resolves as the
# compiler finds it: "x" beside the including file, then <x> and "x" in include/, then at the
# top of the tree (-I$(top_builddir) in a build inside the source tree); what resolves
# nowhere is the system's or the build's (autoconf's "config.h") and is not checked.
#
# Exceptions stand in tests/tree/includes.allow, each with its reason; one that no longer
# matches an include fails, so the list only shrinks.
#
# Usage: includes.sh [--folders] [TREE] (default: the tree this script is in); --folders
# only lists the rooms' folders.
set -u
folders=false
if [ "${1:-}" = --folders ]; then
	folders=true
	shift
fi
top=${1:-${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}}
doc=doc/architecture.md
allow=tests/tree/includes.allow
cd "$top" || exit 1
for f in "$doc" "$allow"; do
	if [ ! -f "$f" ]; then
		echo "SKIP: no $f under $top"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sg-includes.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# the rooms' folders, from the table: the first cell of its rows when it is one folder
awk '/^\| *room *\|/ { t = 1; next } t && !/^\|/ { exit }
	t && /^\| *`[^`]*\/` *\|/ { sub(/^\| *`/, ""); sub(/`.*/, ""); print }' "$doc" > "$tmp/dirs"
if [ ! -s "$tmp/dirs" ]; then
	echo "FAIL: $doc: no table of rooms (a header row \"| room | ...\")"
	exit 1
fi
if $folders; then
	cat "$tmp/dirs"
	exit 0
fi
missing=0	# rooms the table names that are not there
: > "$tmp/files"
while read -r d; do
	if [ -d "$d" ]; then
		find "$d" -type f \( -name '*.c' -o -name '*.h' \) >> "$tmp/files"
	else
		echo "FAIL: $doc: room $d does not exist"
		missing=1
	fi
done < "$tmp/dirs"
sort -u "$tmp/files" -o "$tmp/files"
# include lines as FILE:LINE:TEXT (/dev/null: grep names the file even for one)
xargs grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' /dev/null \
	< "$tmp/files" > "$tmp/includes"

awk -v fails="$missing" -v docf="$doc" -v allowf="$allow" -v filesf="$tmp/files" -v incf="$tmp/includes" '
function trim(s) { sub(/^[[:space:]]+/, "", s); sub(/[[:space:]]+$/, "", s); return s }
function exists(p,    l, r) { r = (getline l < p); if (r >= 0) close(p); return r >= 0 }
function dirname(p) { if (p !~ /\//) return ""; sub(/\/[^\/]*$/, "", p); return p "/" }
function basename(p) { sub(/.*\//, "", p); return p }
# a path without "." and ".." parts ("" when it leaves the tree)
function normal(p,    n, a, i, k, out, st) {
	n = split(p, a, "/"); k = 0
	for (i = 1; i <= n; i++) {
		if (a[i] == "" || a[i] == ".") continue
		if (a[i] == "..") { if (k == 0) return ""; k--; continue }
		st[++k] = a[i]
	}
	out = ""
	for (i = 1; i <= k; i++) out = out (i > 1 ? "/" : "") st[i]
	return out
}
# the room of a file of the tree: for a header of include/sg/ the room whose interface it is
# ("-": a service access point), else the longest room folder holding it ("" for none)
function room_of(p,    i, best, bl) {
	if (p ~ /^include\/sg\//) return (p in owner) ? owner[p] : ""
	best = ""; bl = 0
	for (i = 1; i <= nrooms; i++)
		if (index(p, rdir[i]) == 1 && length(rdir[i]) > bl) { best = rname[i]; bl = length(rdir[i]) }
	return best
}
function uncomment(s) {
	while (match(s, /\([^()]*\)/)) s = substr(s, 1, RSTART - 1) substr(s, RSTART + RLENGTH)
	return s
}
function fail(msg) { print "FAIL: " msg; fails++ }
function may(a, b) { return may_use[a] == "*" || index(may_use[a], " " b " ") > 0 }
function list(s) { s = trim(s); gsub(/ +/, ", ", s); return s == "" ? "nothing" : s }

FILENAME == docf {
	if (!intable && $0 ~ /^\| *room *\|/) {
		intable = 1
		n = split($0, c, "|")
		for (i = 2; i < n; i++) {
			h = trim(c[i])
			if (h == "room") col_room = i
			else if (h ~ /^interface/) col_if = i
			else if (h ~ /^may use/) col_may = i
		}
		if (!col_if || !col_may) { fail(docf ": the rooms table has no \"interface\" or \"may use\" column"); exit }
		next
	}
	if (!intable || tabledone) next
	if ($0 !~ /^\|/) { tabledone = 1; next }
	if ($0 ~ /^\|[- :|]+$/) next
	n = split($0, c, "|")
	cell = trim(c[col_room])
	if (cell !~ /^`[^`]*\/`$/) next
	dir = substr(cell, 2, length(cell) - 2)
	if (dir == "include/sg/") name = "-"		# the service access points: no room
	else { name = dir; sub(/\/$/, "", name); sub(/.*\//, "", name) }
	if (name != "-") { rdir[++nrooms] = dir; rname[nrooms] = name; isroom[name] = 1 }
	rowdir[name] = dir
	# interface headers (a parenthesis is a comment)
	s = uncomment(c[col_if])
	while (match(s, /`[^`]*`/)) {
		h = substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH)
		if (h !~ /\.h$/) continue
		if (h ~ /\//) { fail(docf ": room " dir ": interface `" h "`: a header of include/sg/ by its file name"); continue }
		h = "include/sg/" h
		if (h in owner) fail(docf ": " h " is the interface of both " owner[h] " and " name)
		owner[h] = name
	}
	# may use: room names, "every room" or "nothing"; parentheses are comments
	s = trim(uncomment(c[col_may]))
	if (s == "every room") { may_use[name] = "*"; next }
	may_use[name] = " "
	if (s == "nothing") next
	m = split(s, w, ",")
	for (i = 1; i <= m; i++) { u = trim(w[i]); may_raw[name, i] = u; if (u != "") may_use[name] = may_use[name] u " " }
	may_n[name] = m
	next
}
FILENAME == allowf {
	if ($0 ~ /^[[:space:]]*(#|$)/) next
	if (NF < 3) { fail(allowf ":" FNR ": not \"FILE HEADER REASON\""); next }
	key = $1 " " $2
	allowed[key] = FNR; used[key] = 0
	next
}
FILENAME == filesf { nfiles++; next }
FILENAME == incf {
	if (!checked_map) check_map()
	# FILE:LINE:TEXT
	f = $0; sub(/:.*/, "", f)
	rest = substr($0, length(f) + 2); line = rest; sub(/:.*/, "", line)
	text = substr(rest, length(line) + 2)
	if (!match(text, /[<"][^>"]*[>"]/)) next
	quoted = substr(text, RSTART, 1) == "\""
	inc = substr(text, RSTART + 1, RLENGTH - 2)
	nincs++
	h = ""
	if (quoted && (p = normal(dirname(f) inc)) != "" && exists(p)) h = p
	else if ((p = normal("include/" inc)) != "" && exists(p)) h = p
	else if ((p = normal(inc)) != "" && exists(p)) h = p
	if (h == "" && basename(inc) != "config_schema.h") next	# the system or the build
	if (h == "") h = inc
	a = room_of(f)
	if (a == "") next
	b = room_of(h)
	why = ""
	if ((h == "include/sg/config.h" || basename(h) == "config_schema.h") && !daemon[a]) {
		why = "the configuration is the daemon'"'"'s: only the daemon'"'"'s rooms (" daemons ") include it (" docf ")"
	} else if (b == "" || b == a || b == "-") {
		next
	} else if (!may(a, b)) {
		why = "room " a " may use " (may_use[a] == " " ? "nothing" : list(may_use[a])) " (" docf ")"
	} else if (h !~ /^include\/sg\// && may_use[a] != "*") {
		why = h " is private to room " b " and the rooms that may use every room (" docf ")"
	}
	if (why == "") next
	key = f " " h
	if (key in allowed) { used[key]++; excepted++; next }
	fail(f ":" line ": includes " h ": " why)
	next
}
function check_map(    h, i, n, k) {
	checked_map = 1
	if (!("-" in rowdir)) fail(docf ": the rooms table has no row `include/sg/` naming the service access points")
	cfgroom = owner["include/sg/config.h"]
	if (cfgroom == "") fail(docf ": no room has include/sg/config.h as its interface")
	for (i = 1; i <= nrooms; i++) {
		n = rname[i]
		if (cfgroom != "" && (n == cfgroom || may(n, cfgroom))) {
			daemon[n] = 1; daemons = daemons (daemons == "" ? "" : ", ") rdir[i]
		}
		for (k = 1; k <= may_n[n]; k++)
			if (!(may_raw[n, k] in isroom))
				fail(docf ": room " rdir[i] " may use \"" may_raw[n, k] "\", which is no room")
	}
	for (h in owner) if (!exists(h)) fail(docf ": " h ", an interface in the rooms table, does not exist")
	while ((getline h < filesf) > 0)
		if (h ~ /^include\/sg\/[^\/]*\.h$/ && !(h in owner))
			fail(h ": no room of " docf " has it as its interface")
	close(filesf)
}
END {
	if (!checked_map) check_map()
	for (k in allowed) if (!used[k])
		fail(allowf ":" allowed[k] ": " k ": it excuses no include any more: delete it")
	printf "%d files, %d include lines, %d rooms, %d exceptions used (%s)\n", nfiles, nincs, nrooms, excepted, allowf
	if (fails) { printf "%d failed\n", fails; exit 1 }
	print "PASS: the rooms keep the include rules of " docf
}
' "$doc" "$allow" "$tmp/files" "$tmp/includes"
