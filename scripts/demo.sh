#!/usr/bin/env bash
# The main job on the bundled sample data: init a store, log the sample
# conversations, add the sample ratings, print stats and progress, report
# and export the curated dataset, score sample model outputs (BLEU, chrF,
# CodeBLEU), then log and rate one conversation through the HTTP server.
# Everything goes to demo-out/ (recreated each run).
set -euo pipefail
bin=${1:-build/cerberus}
cd "$(dirname "$0")/.."
out=demo-out
rm -rf "$out"
mkdir -p "$out"
# the sample covers 2026-10-28 .. 2026-11-25; pin the clock to the day after
export CERBERUS_NOW=${CERBERUS_NOW:-2026-11-26T12:00:00Z}
export CERBERUS_STORE=$out/cerberus.db
unset CERBERUS_KEY CERBERUS_KEY_FILE

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }

step cerberus init
"$bin" init
step cerberus log data/sample/conversations.jsonl
"$bin" log data/sample/conversations.jsonl || true   # the sample has no bad lines; keep going regardless
step cerberus feedback --file data/sample/feedback.jsonl
"$bin" feedback --file data/sample/feedback.jsonl || true
step cerberus stats
"$bin" stats --days 14
step cerberus progress --goal 50000
"$bin" progress --goal 50000
step cerberus progress --plan --users 100 --per-user-per-day 10 --quality-rate 0.6
"$bin" progress --plan --users 100 --per-user-per-day 10 --quality-rate 0.6
step cerberus export --out $out/dataset
"$bin" export --out "$out/dataset"
step "head -c 400 $out/dataset/train.jsonl"
head -c 400 "$out/dataset/train.jsonl"; echo " ..."
step cerberus curate --report
"$bin" curate --report
step cerberus export --out $out/sharegpt --format sharegpt
"$bin" export --out "$out/sharegpt" --format sharegpt

# Evaluation of model outputs against references (sacreBLEU, CodeXGLUE).
step cerberus eval bleu --hyp data/sample/eval/hyp.txt --ref data/sample/eval/ref.txt
"$bin" eval bleu --hyp data/sample/eval/hyp.txt --ref data/sample/eval/ref.txt
step cerberus eval chrf --hyp data/sample/eval/hyp.txt --ref data/sample/eval/ref.txt
"$bin" eval chrf --hyp data/sample/eval/hyp.txt --ref data/sample/eval/ref.txt
step cerberus eval codebleu --lang python --hyp data/sample/eval/hyp.py --ref data/sample/eval/ref.py
"$bin" eval codebleu --lang python --hyp data/sample/eval/hyp.py --ref data/sample/eval/ref.py

# The HTTP API on a free loopback port: the backend logs one answered
# question, the browser rates it with the feedback token, stats follow.
step cerberus serve --listen 127.0.0.1:0
key=$("$bin" apikey create --scope ingest --name demo 2>/dev/null)
"$bin" serve --listen 127.0.0.1:0 2> "$out/serve.log" &
spid=$!
trap 'kill $spid 2>/dev/null || true' EXIT
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's/.*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$out/serve.log" | head -1)
	[ -n "$port" ] && break; sleep 0.05
done
url=http://127.0.0.1:$port
echo "listening on $url (dashboard: $url/ , widget demo: $url/demo)"
step "curl -X POST $url/v1/conversations"
resp=$(curl -sS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
	-d '{"user_id":"dana@example.com","question":"How do I undo the last git commit but keep the changes?","answer":"Run `git reset --soft HEAD~1`: the commit is undone and its changes stay staged, ready to be committed again."}' \
	"$url/v1/conversations")
echo "$resp"
cid=$(printf '%s' "$resp" | python3 -c 'import json,sys; print(json.load(sys.stdin)["conversation_id"])')
tok=$(printf '%s' "$resp" | python3 -c 'import json,sys; print(json.load(sys.stdin)["feedback_token"])')
step "curl -X POST $url/v1/feedback   (with the feedback token, no API key)"
curl -sS -H 'Content-Type: application/json' \
	-d "{\"conversation_id\":\"$cid\",\"rating\":5,\"feedback_token\":\"$tok\"}" "$url/v1/feedback"
kill -TERM $spid; wait $spid 2>/dev/null || true
trap - EXIT
step cerberus show "$cid"
"$bin" show "$cid" | head -12

printf '\nDone: store %s, dataset in %s/dataset/\n' "$CERBERUS_STORE" "$out"
