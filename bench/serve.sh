#!/usr/bin/env bash
# Benchmark of issue #4 (`cerberus serve`): wrk with 64 connections against
# a server on loopback, durable commits and the full scrubber.
#   POST /v1/conversations with generated ~2 KB conversations (target >= 10,000/s, p99 < 20 ms)
#   POST /v1/feedback (target >= 20,000/s)
#   the server's resident memory sampled every 5 s over a BENCH_SECS run (must stay flat)
# Not a test: run by hand and copy the figures into BENCHMARKS.md.
# BENCH_SECS (60): length of the memory run; BENCH_SHORT (10): the other runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/cerberus
work=${BENCH_DIR:-bench/out/serve}
SECS=${BENCH_SECS:-60}
SHORT=${BENCH_SHORT:-10}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-64}
rm -rf "$work"; mkdir -p "$work"
unset CERBERUS_KEY CERBERUS_STORE CERBERUS_NOW
export CERBERUS_STORE=$work/serve.db

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  date: $(date -u +%FT%TZ)"
"$bin" init > /dev/null
KEY=$("$bin" apikey create --scope ingest 2>/dev/null)
export KEY
# conversations without ids: every POST is a new row (the server makes the id)
"$bin" synth --count 20000 --seed 11 | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line); d.pop("conversation_id", None); print(json.dumps(d))' > "$work/conv.jsonl"
echo "# bodies: $(wc -l < "$work/conv.jsonl") conversations, mean $(( $(stat -c %s "$work/conv.jsonl") / $(wc -l < "$work/conv.jsonl") )) bytes"

"$bin" serve --listen 127.0.0.1:0 --threads "$THREADS" 2> "$work/serve.log" &
spid=$!
trap 'kill $spid 2>/dev/null' EXIT
for _ in $(seq 1 100); do
	port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log"); [ -n "$port" ] && break; sleep 0.05
done
url=http://127.0.0.1:$port

# run NAME SECONDS BODIES PATH: wrk, then req/s and latency percentiles
run() {
	local c0 c1
	c0=$(awk '{print $14 + $15}' /proc/$spid/stat)
	BODIES=$3 BENCH_PATH=$4 wrk -t2 -c"$CONNS" -d"$2"s --latency -s bench/serve_post.lua "$url" > "$work/$1.txt" 2>&1
	c1=$(awk '{print $14 + $15}' /proc/$spid/stat)
	local rps p50 p99 errs n
	rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
	p50=$(awk '$1 == "50%" {print $2}' "$work/$1.txt")
	p99=$(awk '$1 == "99%" {print $2}' "$work/$1.txt")
	errs=$(awk '/Non-2xx/ {print $5}' "$work/$1.txt")
	n=$(awk '/requests in/ {print $1}' "$work/$1.txt")
	# server CPU time per request: what the load of other processes does not change much
	printf '| %s | %s s | %s req/s | p50 %s | p99 %s | non-2xx: %s | server CPU %s us/request | load %s |\n' "$1" "$2" \
		"$rps" "$p50" "$p99" "${errs:-0}" "$(awk "BEGIN { printf \"%.0f\", ($c1 - $c0) * 1e6 / $(getconf CLK_TCK) / $n }")" \
		"$(cut -d' ' -f1 /proc/loadavg)"
}

run conversations "$SHORT" "$work/conv.jsonl" /v1/conversations
# ratings of stored conversations by many users
sqlite3 "$CERBERUS_STORE" 'select conversation_id from conversations limit 20000' | python3 -c '
import json, sys, random
r = random.Random(3)
ids = [l.strip() for l in sys.stdin]
for i in range(20000):
    print(json.dumps({"conversation_id": r.choice(ids), "rating": r.randint(1, 5), "user_id": "rater-%d" % i}))' > "$work/fb.jsonl"
run feedback "$SHORT" "$work/fb.jsonl" /v1/feedback

# memory over a long run of conversations
(
	for t in $(seq 0 5 "$SECS"); do
		echo "$t $(awk '/VmRSS/ {print $2}' /proc/$spid/status)"
		sleep 5
	done
) > "$work/rss.txt" &
rpid=$!
run conversations-${SECS}s "$SECS" "$work/conv.jsonl" /v1/conversations
wait $rpid || true
echo "# server RSS (KiB) every 5 s: $(awk '{printf "%s ", $2}' "$work/rss.txt")"
curl -s -H "Authorization: Bearer $KEY" "$url/metrics" | grep -E '^cerberus_(store_commits|store_writes|conversations_stored|ratings_stored|store_size)' | sed 's/^/# /'
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM $spid; wait $spid || true
