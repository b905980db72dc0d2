#!/bin/bash
# Start-up benchmark of sgd: how long from exec until the management API answers
# GET /api/v1/status with 200, against a baseline taken in the same run: the time sgd
# takes to start, read and validate the same configuration and exit
# (`sgd --check-config`). The ratio says what bringing up the threads, the layers and
# the HTTP server costs beyond loading the program and its configuration.
#
#   bench/startup_bench.sh [-b BUILD_DIR] [-n RUNS] [-c CONFIG]
#
#   -b  build directory holding sg/sgd (default: .)
#   -n  runs of each (default 20)
#   -c  configuration (default: a node with one signalling point and 2 TDM threads, as
#       tests/e2e/api.sh uses); its management port is replaced by an ephemeral one
# Output: median and 90th percentile of both, in ms, and the ratio of the medians.
# Needs curl and jq. Moved here from tests/e2e/api.sh, which asserts no time.
set -u

build=.
runs=20
cfg=""
while getopts "b:n:c:" o; do
	case $o in
	b) build=$OPTARG ;;
	n) runs=$OPTARG ;;
	c) cfg=$OPTARG ;;
	*) sed -n '2,16p' "$0" >&2; exit 2 ;;
	esac
done
SGD=$build/sg/sgd
[ -x "$SGD" ] || { echo "no $SGD (build first, or give -b)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sg-startup.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

if [ -n "$cfg" ]; then
	jq '.management.port = 0 | .management.listen = "127.0.0.1"' "$cfg" > "$tmp/sgd.json" || exit 2
else
	cat > "$tmp/sgd.json" <<JSON
{
  "node": { "name": "startup-bench" },
  "log": { "level": "notice" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "threads": { "tdm": 2 },
  "signalling_points": [ { "name": "sp0", "pc": "1-1-1" } ]
}
JSON
fi
# the log line giving the API's address is written at notice level or above
jq '.log.level = "notice"' "$tmp/sgd.json" > "$tmp/c.json" && mv "$tmp/c.json" "$tmp/sgd.json"

now_ns() { date +%s%N; }

ready_ms() { # one start: ms from exec to the first 200
	local t0 port="" code=000
	: > "$tmp/sgd.log"
	t0=$(now_ns)
	"$SGD" -c "$tmp/sgd.json" 2>>"$tmp/sgd.log" &
	pid=$!
	while [ -z "$port" ]; do
		port=$(sed -n 's/.*management API on [^ ]*:\([0-9]*\)$/\1/p' "$tmp/sgd.log" | head -1)
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/sgd.log" >&2; exit 1; }
	done
	until [ "$code" = 200 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/status")
	done
	echo $(( ($(now_ns) - t0) / 1000 ))
	kill -TERM "$pid"; wait "$pid"; pid=""
}

check_ms() { # one --check-config run
	local t0
	t0=$(now_ns)
	"$SGD" --check-config "$tmp/sgd.json" >/dev/null 2>&1 || { echo "config invalid" >&2; exit 1; }
	echo $(( ($(now_ns) - t0) / 1000 ))
}

# interleave the two, so that load changes hit both alike
: > "$tmp/ready"; : > "$tmp/check"
for _ in $(seq "$runs"); do
	check_ms >> "$tmp/check"
	ready_ms >> "$tmp/ready"
done

stats() { # file -> "median p90" in ms with one decimal
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.9 + 0.999)]
		printf "%.1f %.1f\n", m / 1000, p / 1000 }'
}
read -r rm rp < <(stats "$tmp/ready")
read -r cm cp < <(stats "$tmp/check")
echo "runs: $runs each, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-34s median %7s ms   p90 %7s ms\n" "exec -> API answers 200:" "$rm" "$rp"
printf "%-34s median %7s ms   p90 %7s ms\n" "baseline: sgd --check-config:" "$cm" "$cp"
awk -v r="$rm" -v c="$cm" 'BEGIN { printf "ratio of medians (start-up / check): %.2f\n", r / c }'
