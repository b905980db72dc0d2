#!/bin/bash
# No file of the tree names an absolute path of the machine it sits on, nor a directory beside
# the checkout: a user's clone (or the release tarball) must be self-contained.
#
# Fails when a file names
#  - the checkout's own directory or its parent directory (both as given and with symlinks
#    resolved). The checkout is the directory two levels above this script; when that
#    directory has no .git but one above it has (make distcheck unpacks the tarball inside a
#    build directory of a clone), that clone and its parent are looked for as well. A parent
#    that is a system-wide directory (/, /home, /tmp, /usr/src, ...) is not looked for: every
#    machine has those, and naming one (a mktemp template in /tmp) says nothing about this one.
#  - a file of the sibling "shared" directory by a relative path (dot-dot, slash, shared).
#
# The files: `git ls-files` when the checkout is a git work tree, else every file under the
# checkout except what a build adds (a directory holding a config.status, distcheck's _build
# and _inst, Makefile, config.log, *.log, *.trs, .deps, object files). Binary files are skipped.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)

system_dirs=" / /bin /boot /build /dev /etc /home /lib /lib64 /media /mnt /opt /proc /root /run 
 /sbin /src /srv /sys /tmp /usr /usr/local /usr/local/src /usr/src /var /var/lib /var/tmp "

# the directories to look for
dirs=()
add_dir() {
	local d=$1 x
	for x in "${dirs[@]}"; do [ "$x" = "$d" ] && return; done
	dirs+=("$d")
}
add_checkout() {
	local d p
	for d in "$1" "$(cd "$1" && pwd -P)"; do
		add_dir "$d"
		p=$(dirname "$d")
		case "$system_dirs" in *" $p "*) ;; *) add_dir "$p" ;; esac
	done
}
add_checkout "$top"
if [ ! -e "$top/.git" ]; then
	d=$(dirname "$top")
	while [ "$d" != / ]; do
		if [ -e "$d/.git" ]; then
			add_checkout "$d"
			break
		fi
		d=$(dirname "$d")
	done
fi

# the files, NUL-separated, relative to $top
use_git=false
if [ -e "$top/.git" ] && command -v git >/dev/null 2>&1 &&
	git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	use_git=true
fi
list_files() {
	if $use_git; then
		git -C "$top" ls-files -z
		return
	fi
	(cd "$top" && find . \
		\( -type d \( -name .git -o -name _build -o -name _inst -o -name .deps \
			-o -name autom4te.cache \) -prune \) -o \
		\( -type d ! -path . -exec test -e '{}/config.status' ';' -prune \) -o \
		\( -type f ! -name Makefile ! -name config.status ! -name config.log \
			! -name config.h ! -name 'stamp-h*' ! -name '*.log' ! -name '*.trs' \
			! -name '*.o' ! -name '*.a' ! -name '.dirstamp' -print0 \) |
		sed -z 's|^\./||')
}

# an extended regular expression for a path at a word boundary: not preceded by a character
# that could continue a path or a name, and followed by the end of the path or a "/"
esc() { printf '%s' "$1" | sed 's/[][\.*^$(){}+?|]/\\&/g'; }
pat=""
for d in "${dirs[@]}"; do
	pat="$pat|(^|[^[:alnum:]._~/-])$(esc "$d")(/|[^[:alnum:]._-]|\$)"
done
# (the bracket keeps this script from naming the sibling directory itself)
pat="${pat#|}|\.\./s[h]ared(/|[^[:alnum:]._-]|\$)"

echo "looking for: ${dirs[*]} and the sibling \"shared\" directory"
if $use_git; then
	echo "in: the files git ls-files lists"
else
	echo "in: every file under $top but what a build adds (no git work tree)"
fi
tmp=$(mktemp "${TMPDIR:-/tmp}/sg-abs.XXXXXX")
trap 'rm -f "$tmp"' EXIT
list_files > "$tmp"
nfiles=$(tr -cd '\0' < "$tmp" | wc -c)
if [ "$nfiles" -eq 0 ]; then
	echo "SKIP: no file list under $top"
	exit 77
fi
hits=$(cd "$top" && xargs -0 -r grep -HnIE -- "$pat" < "$tmp" 2>/dev/null)
if [ -n "$hits" ]; then
	printf '%s\n' "$hits" | sed 's/^/FAIL: /'
	echo "$nfiles files checked, $(printf '%s\n' "$hits" | wc -l) lines name a path of this machine"
	exit 1
fi
echo "PASS: $nfiles files checked, none names a path of this machine"
exit 0
