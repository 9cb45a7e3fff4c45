# Helpers for the t_serve*.sh tests: a real `cerberus serve` on a free
# loopback port, driven with curl.
# serve_start [ARGS...]: start it in the background (log in serve.log), set
# $SPID and $BASE, wait until it listens.
serve_start() {
	: > serve.log
	"$CERBERUS" serve --listen 127.0.0.1:0 "$@" 2> serve.log &
	SPID=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' serve.log)
		[ -n "$PORT" ] && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
	done
	BASE="http://127.0.0.1:${PORT:-0}"
	[ -n "$PORT" ] || { not_ok "server did not start: $(cat serve.log)"; return 1; }
}
# serve_stop: SIGTERM and wait; sets $SSTATUS.
serve_stop() { kill -TERM "$SPID" 2>/dev/null; wait "$SPID"; SSTATUS=$?; }
# req METHOD PATH [CURL ARGS...]: body to out.json, headers to hdr.txt; prints the status.
req() {
	local m=$1 p=$2; shift 2
	curl -s -o out.json -D hdr.txt -w '%{http_code}' -X "$m" "$@" "$BASE$p"
}
# post PATH KEY FILE: POST a JSON file with a bearer key ("" for none).
post() {
	local p=$1 k=$2 f=$3
	if [ -n "$k" ]; then
		req POST "$p" -H "Authorization: Bearer $k" -H 'Content-Type: application/json' --data-binary @"$f"
	else
		req POST "$p" -H 'Content-Type: application/json' --data-binary @"$f"
	fi
}
