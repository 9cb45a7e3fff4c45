#!/usr/bin/env bash
# The main job on the bundled sample data: init a store, log the sample
# conversations, add the sample ratings, print stats and progress, export.
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
printf '\nDone: store %s, dataset in %s/dataset/\n' "$CERBERUS_STORE" "$out"
