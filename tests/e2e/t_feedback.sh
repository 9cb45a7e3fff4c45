# feedback: single ratings, files with bad lines, replacement per user.
"$CERBERUS" init > /dev/null
LONG="Use a composite index on (user_id, created_at) so the query can seek instead of scanning the table."
for i in 1 2 3; do echo "{\"conversation_id\":\"f$i\",\"user_id\":\"u$i\",\"question\":\"q$i\",\"answer\":\"$LONG\"}"; done > c.jsonl
"$CERBERUS" log c.jsonl 2>/dev/null
"$CERBERUS" feedback f1 5 --comment "perfect" --user rater-raw-77 > out.txt; eq "rate exit" $? 0
contains "recorded" out.txt "recorded rating 5 for f1"
"$CERBERUS" feedback f1 2 --user rater-raw-77 > out.txt
contains "same user replaces" out.txt "replaced rating 2"
"$CERBERUS" feedback f1 4 > out.txt
contains "anonymous is another rater" out.txt "mean 3.00 over 2 ratings"
lacks "rater id not stored" cerberus.db "rater-raw-77"
status 2 "rating 6" "$CERBERUS" feedback f1 6
status 2 "rating 4.5" "$CERBERUS" feedback f1 4.5
status 2 "rating x" "$CERBERUS" feedback f1 x
status 2 "missing rating" "$CERBERUS" feedback f1
"$CERBERUS" feedback nope 4 2> nf.txt; eq "unknown conversation exit" $? 1
contains "unknown conversation" nf.txt "unknown conversation 'nope'"
cat > fb.jsonl <<'JSON'
{"conversation_id":"f2","rating":5,"user_id":"a"}
{"conversation_id":"f2","rating":0}
{"conversation_id":"zzz","rating":3}
{"conversation_id":"f3","rating":"4"}
oops
{"conversation_id":"f3","rating":1,"comment":"wrong answer"}
JSON
"$CERBERUS" feedback --file fb.jsonl 2> fb.txt; eq "file with bad lines exit 1" $? 1
contains "line 2" fb.txt "fb.jsonl:2: field 'rating': must be an integer from 1 to 5"
contains "line 3" fb.txt "fb.jsonl:3: unknown conversation 'zzz'"
contains "line 4" fb.txt "fb.jsonl:4:"
contains "line 5" fb.txt "fb.jsonl:5: malformed JSON"
contains "summary" fb.txt "recorded 2 ratings (0 replaced), 4 bad lines"
"$CERBERUS" stats --json > s.json
eq "ratings stored" "$(jget s.json ratings_total)" 4
eq "histogram 1" "$(jget s.json ratings 1)" 1
eq "histogram 5" "$(jget s.json ratings 5)" 1
eq "with feedback" "$(jget s.json with_feedback)" 3
eq "low rating rejected" "$(jget s.json rejected low_rating)" 2
