#!/usr/bin/env bash
# Benchmarks of issue #6 (dashboard and widget). Not a test: run by hand and
# copy the figures into BENCHMARKS.md with the machine they ran on.
#   the web build step (node web/build.mjs) and the embedded asset sizes
#   GET /widget.js, /assets/dashboard.js (plain and gzip) and a 304
#   revalidation of / with wrk
#   (64 connections), the server's resident memory after it
#   the dashboard in headless Chromium: load to first full render and one
#   in-place refresh, on stores of BENCH_WEB_SIZES conversations
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/cerberus
work=${BENCH_DIR:-bench/out}/web
SIZES=${BENCH_WEB_SIZES:-"1000 100000"}
DUR=${BENCH_WEB_SECONDS:-10}
rm -rf "$work"; mkdir -p "$work"
unset CERBERUS_KEY CERBERUS_STORE
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  date: $(date -u +%FT%TZ)"

# the build step
best=999
for _ in 1 2 3; do
	s=$(date +%s.%N); node web/build.mjs "$work/assets.c" 2> /dev/null; e=$(date +%s.%N)
	best=$(awk -v a="$best" -v b="$(awk -v s="$s" -v e="$e" 'BEGIN{print e-s}')" 'BEGIN{print (b<a)?b:a}')
done
printf '| web build (esbuild bundle + C table) | best of 3: %.2f s | generated C %d KB |\n' "$best" "$(( $(stat -c %s "$work/assets.c") / 1024 ))"

port_of() { sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1"; }
start() {
	"$bin" serve --store "$1" --listen 127.0.0.1:0 2> "$work/serve.log" &
	spid=$!
	for _ in $(seq 100); do port=$(port_of "$work/serve.log"); [ -n "$port" ] && break; sleep 0.05; done
	base=http://127.0.0.1:$port
}

for n in $SIZES; do
	db=$work/s$n.db
	"$bin" init --store "$db" > /dev/null
	"$bin" synth --count "$n" --seed 6 --feedback "$work/fb.jsonl" | "$bin" log -q --store "$db"
	"$bin" feedback --store "$db" --file "$work/fb.jsonl" > /dev/null
	key=$("$bin" apikey create --store "$db" --scope admin 2> /dev/null)
	start "$db"
	if [ "$n" = "${SIZES%% *}" ]; then
		for p in /widget.js /assets/dashboard.js /; do
			printf '| %s | %d bytes | gzip -9 %d bytes |\n' "$p" "$(curl -s "$base$p" | wc -c)" "$(curl -s "$base$p" | gzip -9 | wc -c)"
		done
	fi
	if [ "$n" = "${SIZES%% *}" ] && command -v wrk > /dev/null; then
		etag=$(curl -sI "$base/" | tr -d '\r' | sed -n 's/^ETag: //Ip')
		for p in /widget.js /assets/dashboard.js; do
			wrk -t2 -c64 -d"${DUR}s" --latency "$base$p" > "$work/wrk.txt"
			printf '| wrk GET %s (64 conn, %ss) | %s req/s | p99 %s | %s |\n' "$p" "$DUR" \
				"$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")" "$(awk '$1=="99%"{print $2}' "$work/wrk.txt")" \
				"$(awk '/Transfer\/sec/{print $2}' "$work/wrk.txt")/s"
		done
		wrk -t2 -c64 -d"${DUR}s" --latency -H 'Accept-Encoding: gzip' "$base/assets/dashboard.js" > "$work/wrk.txt"
		printf '| wrk GET /assets/dashboard.js gzipped | %s req/s | p99 %s | %s |\n' \
			"$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")" "$(awk '$1=="99%"{print $2}' "$work/wrk.txt")" \
			"$(awk '/Transfer\/sec/{print $2}' "$work/wrk.txt")/s"
		wrk -t2 -c64 -d"${DUR}s" --latency -H "If-None-Match: $etag" "$base/" > "$work/wrk.txt"
		printf '| wrk GET / revalidated (304) | %s req/s | p99 %s | |\n' \
			"$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")" "$(awk '$1=="99%"{print $2}' "$work/wrk.txt")"
		echo "| server RSS after the wrk runs | $(awk '/VmRSS/{print $2, $3}' /proc/$spid/status) | |"
	fi
	printf '| dashboard, %s conversations | %s |\n' "$n" "$(node bench/web-render.mjs "$base" "$key" 5 | paste -sd ';')"
	kill -TERM "$spid"; wait "$spid" || true
done
