# erase, purge and apikey from the CLI: the same pipeline functions as the
# server's DELETE /v1/users/{id}.
"$CERBERUS" init > /dev/null
LONG="Use a composite index on (user_id, created_at) so the query can seek instead of scanning the table."
cat > c.jsonl <<JSON
{"conversation_id":"e1","user_id":"zoe@corp.example.com","created_at":"2026-11-20T10:00:00Z","question":"q1","answer":"$LONG"}
{"conversation_id":"e2","user_id":"zoe@corp.example.com","created_at":"2026-06-01T10:00:00Z","question":"q2","answer":"$LONG"}
{"conversation_id":"e3","user_id":"yann","created_at":"2026-06-01T10:00:00Z","question":"q3","answer":"$LONG"}
{"conversation_id":"e4","user_id":"yann","created_at":"2026-11-24T10:00:00Z","question":"q4","answer":"$LONG"}
JSON
"$CERBERUS" log -q c.jsonl 2>/dev/null
"$CERBERUS" feedback e1 5 --user yann > /dev/null
"$CERBERUS" feedback e4 1 --user zoe@corp.example.com > /dev/null
"$CERBERUS" feedback e4 5 --user xavier > /dev/null
"$CERBERUS" erase --user zoe@corp.example.com --json > out.json; eq "erase exit" $? 0
eq "erase conversations" "$(jget out.json conversations_deleted)" 2
eq "erase ratings: of her conversations and by her" "$(jget out.json ratings_deleted)" 2
eq "rows left" "$(sqlite3 cerberus.db 'select group_concat(conversation_id) from conversations')" "e3,e4"
eq "e4 totals recomputed" "$(sqlite3 cerberus.db "select rating_sum || '/' || rating_count from conversations where conversation_id='e4'")" "5/1"
"$CERBERUS" show e4 > show.json
eq "e4 verdict follows" "$(jget show.json verdict high_quality)" True
"$CERBERUS" erase --user zoe@corp.example.com > out.txt
contains "erase again" out.txt "erased 0 conversations and 0 ratings"
status 2 "erase needs --user" "$CERBERUS" erase
status 2 "erase extra argument" "$CERBERUS" erase --user a b
status 1 "erase empty id" "$CERBERUS" erase --user ""
cat cerberus.db* > all.bin
lacks "raw id not stored" all.bin "zoe@corp"

# purge: --now is 2026-11-25T18:00:00Z; 90 days before is 2026-08-27
"$CERBERUS" purge --older-than 90d --json > out.json; eq "purge exit" $? 0
eq "purge conversations" "$(jget out.json conversations_deleted)" 1
eq "purge cutoff" "$(jget out.json cutoff)" "2026-08-27T18:00:00Z"
eq "purge kept the recent" "$(sqlite3 cerberus.db 'select group_concat(conversation_id) from conversations')" "e4"
"$CERBERUS" purge --older-than 1h > out.txt
contains "purge all" out.txt "purged 1 conversations and 1 ratings"
eq "histogram consistent" "$(sqlite3 cerberus.db 'select sum(n) from rating_counts')" 0
status 2 "purge needs a unit" "$CERBERUS" purge --older-than 90
status 2 "purge bad unit" "$CERBERUS" purge --older-than 9y
status 2 "purge missing" "$CERBERUS" purge

# apikey
status 2 "apikey no action" "$CERBERUS" apikey
status 2 "apikey bad scope" "$CERBERUS" apikey create --scope root
status 2 "apikey create needs scope" "$CERBERUS" apikey create
status 2 "apikey unknown action" "$CERBERUS" apikey delete 1
status 2 "apikey revoke needs id" "$CERBERUS" apikey revoke
"$CERBERUS" apikey create --scope ingest --name "ci runner" > key.txt 2> err.txt
contains "shown once" err.txt "shown only now"
"$CERBERUS" apikey list > list.txt
contains "list name" list.txt "ci runner"
contains "list prefix" list.txt "$(head -c 12 key.txt)"
lacks "list has no secret" list.txt "$(cat key.txt)"
"$CERBERUS" apikey revoke 1 2>/dev/null; eq "revoke" $? 0
status 1 "revoke twice" "$CERBERUS" apikey revoke 1
status 1 "revoke unknown" "$CERBERUS" apikey revoke 99
eq "list json revoked" "$("$CERBERUS" apikey list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["revoked_at"] is not None)')" True
