#!/bin/bash
# sgd end to end: answers its API once started, rejects bad requests, stops cleanly on SIGTERM.
# (How fast it starts is measured by bench/startup_bench.sh, not asserted here.)
. "$(dirname "$0")/lib.sh"

need curl jq

cat > "$TMP/sgd.json" <<JSON
{
  "node": { "name": "e2e" },
  "log": { "level": "info" },
  "management": { "listen": "127.0.0.1", "port": 0 },
  "threads": { "tdm": 2 },
  "signalling_points": [ { "name": "sp0", "pc": "1-1-1" } ]
}
JSON

start_sgd "$TMP/sgd.json" "$TMP/sgd.log" || exit 1
# ready: the API answers once sgd has logged its address (no bound on how soon)
t0=$(now_ms)
code=000
until [ "$code" = 200 ] || timed_out "$t0" 10000; do
	code=$(curl -s -o "$TMP/status.json" -w '%{http_code}' "http://127.0.0.1:$SGD_PORT/api/v1/status")
	[ "$code" = 200 ] || sleep 0.01
done
check "GET /api/v1/status answers 200 once sgd is up" [ "$code" = 200 ]

api GET /api/v1/status
check "status: version" [ "$(jq -r .version "$BODY_FILE")" = "$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")" ]
check "status: config file" [ "$(jq -r .config_file "$BODY_FILE")" = "$TMP/sgd.json" ]
check "status: uptime" [ "$(jq -r '.uptime_s | type' "$BODY_FILE")" = number ]
check "status: the default connection limits and deadlines (doc/config.md)" \
	[ "$(jq -c '.connections | del(.open)' "$BODY_FILE")" = \
	  '{"max_connections":64,"max_connections_per_address":16,"header_timeout_ms":5000,"request_timeout_ms":10000}' ]
check "status: threads core, sctp, tdm0, tdm1, mgmt" \
	[ "$(jq -r '[.threads[].name] | sort | join(",")' "$BODY_FILE")" = "core,mgmt,sctp,tdm0,tdm1" ]

api GET /api/v1/config
check "config: the running config is served" [ "$HTTP_CODE" = 200 -a "$(jq -r .node.name "$BODY_FILE")" = e2e ]

api GET /api/v1
has_threads=$(jq -r '[.. | objects | select(.name? == "threads")] | length' "$BODY_FILE")
check "index lists the threads collection" [ "$HTTP_CODE" = 200 -a "$has_threads" -ge 1 ]

api GET /api/v1/threads
check "threads collection lists 5 threads" [ "$HTTP_CODE" = 200 -a "$(jq length "$BODY_FILE")" = 5 ]
api GET /api/v1/threads/core
check "thread item has described counters" \
	[ "$HTTP_CODE" = 200 -a "$(jq -r '.counters[] | select(.name == "mailbox:handled") | .description' "$BODY_FILE")" != "" ]

# log levels change at runtime
api PUT /api/v1/log/mtp3 '{"level":"debug"}'
check "PUT /api/v1/log/mtp3 level debug -> 200" [ "$HTTP_CODE" = 200 ]
api GET /api/v1/log
check "GET /api/v1/log shows mtp3 at debug" \
	[ "$(jq -r '.. | objects | select(.name? == "mtp3") | .level' "$BODY_FILE")" = debug ]
check "GET /api/v1/log counts the lines the rate limit held back, per category" \
	[ "$(jq -r '[.[] | .held_back | type] | unique | join(",")' "$BODY_FILE")" = number ]

# bad requests: each a 4xx with a JSON reason, and nothing changes
expect_error 404 "unknown collection" GET /api/v1/nonesuch
expect_error 404 "unknown item" GET /api/v1/threads/nonesuch
expect_error 404 "unknown route" GET /nonesuch
expect_error 405 "method not allowed" DELETE /api/v1/status
# a percent-encoded control character is a bad path (400), not a shorter name (%00
# once ended the name: /api/v1/threads/core%00x was served as .../core)
expect_error 400 "%00 in a path" GET /api/v1/threads/core%00x
expect_error 400 "%00 at the end of a path" GET /api/v1/threads/core%00
expect_error 400 "%01 in a path" GET /api/v1/threads/core%01
expect_error 400 "%7F in a path" GET /api/v1/threads/core%7F
api GET /api/v1/threads/%63ore
check "an escaped ordinary character still works (%63ore = core)" [ "$HTTP_CODE" = 200 ]
expect_error 400 "malformed JSON body" PUT /api/v1/log/mtp3 '{"level": '
expect_error 400 "body not an object" PUT /api/v1/log/mtp3 '["debug"]'
expect_error 400 "unknown log level" PUT /api/v1/log/mtp3 '{"level":"loud"}'
expect_error 404 "unknown log category" PUT /api/v1/log/mtp9 '{"level":"debug"}'
expect_error 415 "wrong content type" PUT /api/v1/log/mtp3 'level=debug' 'application/x-www-form-urlencoded'
big=$(head -c 70000 /dev/zero | tr '\0' 'a')
expect_error 413 "body over 64 KiB" PUT /api/v1/log/mtp3 "{\"level\":\"$big\"}"
api GET /api/v1/log
check "failed requests changed nothing (mtp3 still debug)" \
	[ "$(jq -r '.. | objects | select(.name? == "mtp3") | .level' "$BODY_FILE")" = debug ]

stop_sgd; rc=$?
check "SIGTERM: sgd exits 0 (exit $rc)" [ $rc -eq 0 ]
check "no sanitizer report in sgd's log" no_sanitizer_report "$TMP/sgd.log"
check "shutdown is logged" grep -q "shutting down" "$TMP/sgd.log"

lacks() { ! grep -qF -- "$1" "$2"; }	# lacks STRING FILE

# a token is enforced when configured (required off loopback, see config tests)
TOKEN_VALUE=0123456789abcdef0123
# (at debug level: no log line, however verbose, shows it)
jq --arg t "$TOKEN_VALUE" '.management.token = $t | .log.level = "debug"' "$TMP/sgd.json" > "$TMP/tok.json"
start_sgd "$TMP/tok.json" "$TMP/tok.log" || exit 1
expect_error 401 "no bearer token" GET /api/v1/status
TOKEN=wrong-token-wrong-token expect_error 401 "wrong bearer token" GET /api/v1/status
TOKEN=$TOKEN_VALUE api GET /api/v1/status
check "right bearer token -> 200" [ "$HTTP_CODE" = 200 ]
# the config is served with the token shown as set, never its value
TOKEN=$TOKEN_VALUE api GET /api/v1/config
check "config: management.token shown as set" \
	[ "$HTTP_CODE" = 200 -a "$(jq -r .management.token "$BODY_FILE")" = "(set)" ]
check "config: the token's value appears nowhere in the answer" lacks "$TOKEN_VALUE" "$BODY_FILE"
check "config: the rest is served (node name)" [ "$(jq -r .node.name "$BODY_FILE")" = e2e ]
TOKEN=$TOKEN_VALUE expect_error 404 "unknown collection (token run)" GET /api/v1/nonesuch
TOKEN=$TOKEN_VALUE api PUT /api/v1/log/mgmt '{"level":"debug"}'
check "PUT log level with the token -> 200" [ "$HTTP_CODE" = 200 ]
stop_sgd; rc=$?
check "the log was at debug level (requests logged)" grep -qF "GET /api/v1/config -> 200" "$TMP/tok.log"
check "sgd's log (debug level) never contains the token" lacks "$TOKEN_VALUE" "$TMP/tok.log"
check "SIGINT-free stop with token config exits 0 (exit $rc)" [ $rc -eq 0 ]
check "no sanitizer report (token run)" no_sanitizer_report "$TMP/tok.log"

# a non-loopback listen address without a token is refused before start
jq '.management.listen = "0.0.0.0"' "$TMP/sgd.json" > "$TMP/open.json"
out=$("$SGD" -c "$TMP/open.json" 2>&1); rc=$?
check "non-loopback without token refused: exit 2 ($out)" [ $rc -eq 2 ]

# SIGINT stops it too
start_sgd "$TMP/sgd.json" "$TMP/int.log" || exit 1
kill -INT "$SGD_PID"; wait "$SGD_PID"; rc=$?
PIDS=""
check "SIGINT: sgd exits 0 (exit $rc)" [ $rc -eq 0 ]
check "no sanitizer report (SIGINT run)" no_sanitizer_report "$TMP/int.log"
finish
