# serve: no acknowledged write is lost. Several concurrent curl clients
# post conversations; the server is killed with SIGKILL in the middle;
# after a restart every conversation that got a 201 is in the store.
source "$ROOT/tests/e2e/serve_lib.sh"
"$CERBERUS" init > /dev/null
KEY=$("$CERBERUS" apikey create --scope admin 2>/dev/null)
"$CERBERUS" synth --count 2000 --seed 5 > all.jsonl
split -n l/4 -d all.jsonl part.
serve_start --threads 2 || return 0
client() {
	while IFS= read -r line; do
		code=$(printf '%s' "$line" | curl -s -o "resp.$1" -w '%{http_code}' --max-time 5 \
			-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
			--data-binary @- "$BASE/v1/conversations")
		case "$code" in
		201) sed -n 's/.*"conversation_id":"\([^"]*\)".*/\1/p' "resp.$1" >> "acked.$1" ;;
		000) break ;;   # the server is gone
		*) echo "$code" >> "other.$1" ;;
		esac
	done < "part.0$1"
}
for c in 0 1 2 3; do client $c & done
# kill once some writes were acknowledged (at most 10 s in)
for _ in $(seq 1 200); do
	[ "$(cat acked.* 2>/dev/null | wc -l)" -ge 50 ] && break
	sleep 0.05
done
{ kill -9 "$SPID"; wait "$SPID"; } 2>/dev/null
wait
cat acked.* > acked.txt 2>/dev/null
n=$(wc -l < acked.txt)
[ "$n" -gt 20 ] && ok || not_ok "too few acknowledged writes before the kill ($n)"
[ "$n" -lt 2000 ] && ok || not_ok "the kill came after every write ($n); the test proves nothing"
eq "no other statuses" "$(cat other.* 2>/dev/null | wc -l)" 0
serve_start || return 0
eq "restarted" "$(req GET /healthz)" 200
# a sample through the API, all of them through the store
for id in $(head -5 acked.txt); do
	eq "acked $id readable" "$(req GET "/v1/conversations/$id" -H "Authorization: Bearer $KEY")" 200
done
serve_stop
eq "integrity" "$(sqlite3 cerberus.db 'pragma integrity_check')" ok
sqlite3 cerberus.db 'select conversation_id from conversations' | sort > stored.txt
eq "every acknowledged conversation stored" "$(sort acked.txt | comm -23 - stored.txt | wc -l)" 0
