# log --scrub-mode: what replaces PII in stored text (placeholder, hash, mask)
"$CERBERUS" init > /dev/null 2>&1
rec='{"conversation_id":"m1","user_id":"u","question":"Mail bob@acme-corp.io or call +44 20 7946 0958: how do I configure CORS in FastAPI?","answer":"Tell bob@acme-corp.io to add CORSMiddleware with allow_origins set to the frontend origin, then restart uvicorn."}'
rec2='{"conversation_id":"m2","user_id":"u","question":"Is bob@acme-corp.io the right contact for the CORS issue in FastAPI?","answer":"Yes, bob@acme-corp.io owns the gateway; ask him to add the frontend origin to allow_origins and redeploy."}'
printf '%s\n%s\n' "$rec" "$rec2" > in.jsonl

"$CERBERUS" log -q in.jsonl > /dev/null 2>&1; eq "default mode" $? 0
"$CERBERUS" show m1 > p.json
contains "numbered placeholder" p.json "<EMAIL_1>"
lacks "raw address gone (placeholder)" p.json "bob@acme-corp.io"

"$CERBERUS" log -q --scrub-mode hash in.jsonl > /dev/null 2>&1; eq "hash mode" $? 0
"$CERBERUS" show m1 > h1.json; "$CERBERUS" show m2 > h2.json
lacks "raw address gone (hash)" h1.json "bob@acme-corp.io"
t1=$(grep -o '<EMAIL_[0-9a-f]\{8\}>' h1.json | head -1)
t2=$(grep -o '<EMAIL_[0-9a-f]\{8\}>' h2.json | head -1)
[ -n "$t1" ] && ok || not_ok "hash placeholder present"
eq "hash stable across conversations" "$t2" "$t1"

"$CERBERUS" log -q --scrub-mode mask in.jsonl > /dev/null 2>&1; eq "mask mode" $? 0
"$CERBERUS" show m1 > k.json
lacks "raw address gone (mask)" k.json "bob@acme-corp.io"
contains "masked" k.json "****"
lacks "no placeholder in mask mode" k.json "<EMAIL"

status 2 "unknown mode" "$CERBERUS" log --scrub-mode rot13 in.jsonl
status 2 "serve: unknown mode" "$CERBERUS" serve --scrub-mode rot13
