# serve: SIGTERM drains. Requests in flight when the signal comes are
# answered (and committed) before the server exits 0; none is cut off.
source "$ROOT/tests/e2e/serve_lib.sh"
"$CERBERUS" init > /dev/null
KEY=$("$CERBERUS" apikey create --scope ingest 2>/dev/null)
"$CERBERUS" synth --count 3200 --seed 9 > all.jsonl
split -l 400 -d all.jsonl part.
for f in part.*; do
	python3 -c 'import json,sys; print(json.dumps({"conversations":[json.loads(l) for l in open(sys.argv[1])]}))' "$f" > "$f.json"
done
serve_start --threads 1 --drain 120 || return 0
for f in part.*.json; do
	curl -s -o "$f.out" -w '%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
		--data-binary @"$f" "$BASE/v1/conversations" > "$f.code" 2>/dev/null &
done
# SIGTERM as soon as a POST is in flight (the metrics request counts itself)
for _ in $(seq 1 250); do
	n=$(curl -s -H "Authorization: Bearer $KEY" "$BASE/metrics" | sed -n 's/^cerberus_http_requests_in_flight //p')
	[ "${n:-0}" -ge 2 ] && break
	sleep 0.02
done
serve_stop
wait
eq "exit 0 after SIGTERM" "$SSTATUS" 0
contains "drain logged" serve.log "draining"
answered=0
for f in part.*.json; do
	code=$(cat "$f.code")
	case "$code" in
	207) answered=$((answered + 1)); ok ;;
	000) ok ;;   # not connected before the listener closed: refused, nothing lost
	*) not_ok "$f: status $code" ;;
	esac
done
[ "$answered" -gt 0 ] && ok || not_ok "no request was in flight"
python3 - > acked.txt <<'PY'
import glob, json
for f in glob.glob("part.*.json.out"):
    try:
        d = json.load(open(f))
    except ValueError:
        continue
    for r in d["results"]:
        if r["status"] == 201:
            print(r["conversation_id"])
PY
sqlite3 cerberus.db 'select conversation_id from conversations' | sort > stored.txt
eq "answered items stored" "$(sort acked.txt | comm -23 - stored.txt | wc -l)" 0
eq "answered = stored" "$(wc -l < acked.txt)" "$(wc -l < stored.txt)"
