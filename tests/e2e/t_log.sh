# log: ingest, anonymization on disk, bad lines, replace, limits.
"$CERBERUS" init > /dev/null
LONG="Wrap the app with CORSMiddleware and list the exact origins your frontend uses; avoid the wildcard with credentials."
cat > good.jsonl <<JSON
{"conversation_id":"g1","user_id":"alice.raw@acme-corp.com","session_id":"raw-session-991","created_at":"2026-11-25T09:00:00Z","messages":[{"role":"user","content":"CORS fails, my key is AKIAZ3MHQ2TXK7RPWQ4N and mail is dan.raw@acme-corp.com"},{"role":"assistant","content":"$LONG"}]}
{"user_id":"u2","question":"How do I add CORS in FastAPI?","answer":"$LONG","language":"python","framework":"fastapi","context":"from fastapi import FastAPI"}
JSON
"$CERBERUS" log good.jsonl 2> log.txt; eq "good file exit" $? 0
contains "summary" log.txt "logged 2 conversations"
contains "redaction counted" log.txt "EMAIL 1"
for s in alice.raw@acme-corp.com raw-session-991 AKIAZ3MHQ2TXK7RPWQ4N dan.raw@acme-corp.com; do
	lacks "raw '$s' not in store" cerberus.db "$s"
	[ -f cerberus.db-wal ] && lacks "raw '$s' not in WAL" cerberus.db-wal "$s"
done
"$CERBERUS" show g1 > g1.json; eq "show exit" $? 0
contains "email placeholder" g1.json "<EMAIL_1>"
contains "key placeholder" g1.json "<AWS_ACCESS_KEY_1>"
lacks "no raw user in show" g1.json "alice"
eq "user is a pseudonym" "$(jget g1.json user | grep -cE '^[0-9a-f]{64}$')" 1
"$CERBERUS" log good.jsonl 2> again.txt
contains "replace is said" again.txt "replaced existing conversation 'g1'"
"$CERBERUS" stats --json > s.json
eq "no duplicate on re-ingest" "$(jget s.json conversations)" 3

# a file of bad lines around good ones: every good line stored, every bad one named
{
	echo '{"conversation_id":"ok1","user_id":"u","question":"q","answer":"a"}'
	echo '{not json'
	printf '{"user_id":"u","question":"caf\xe9","answer":"a"}\n'
	echo '{"user_id":7,"question":"q","answer":"a"}'
	echo '{"question":"q","answer":"a"}'
	echo '[1,2,3]'
	echo ''
	echo '{"conversation_id":"ok2","user_id":"u","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}'
	printf '{"user_id":"u","question":"%s","answer":"a"}\n' "$(head -c 3000 /dev/zero | tr '\0' x)"
	echo '{"conversation_id":"ok3","user_id":"u","question":"q","answer":"a"}'
	printf '{"conversation_id":"ok4","user_id":"u","question":"no newline at end","answer":"a"}'
} > mixed.jsonl
"$CERBERUS" log --max-line-bytes 2K mixed.jsonl 2> mixed.txt; eq "bad lines exit 1" $? 1
for n in 2 3 4 5 6 9; do contains "line $n reported" mixed.txt "mixed.jsonl:$n:"; done
contains "utf-8 reason" mixed.txt "invalid UTF-8"
contains "type reason" mixed.txt "field 'user_id': expected a string"
contains "missing reason" mixed.txt "missing required field 'user_id'"
contains "size reason" mixed.txt "longer than 2048 bytes"
contains "summary counts" mixed.txt "logged 4 conversations (0 replaced), 6 bad lines"
for id in ok1 ok2 ok3 ok4; do check "$id stored" "$CERBERUS" show $id; done

: > empty.jsonl
"$CERBERUS" log empty.jsonl 2> empty.txt; eq "empty exit" $? 1
contains "empty said" empty.txt "empty input"
status 1 "missing file" "$CERBERUS" log nope.jsonl
status 2 "two files" "$CERBERUS" log a b
echo '{"user_id":"stdin-user","question":"from stdin","answer":"a"}' | "$CERBERUS" log - 2> stdin.txt
contains "stdin" stdin.txt "logged 1 conversation"

# a 20 MB single line is refused without reading it into memory
{ printf '{"user_id":"u","question":"'; head -c 20000000 /dev/zero | tr '\0' a; printf '","answer":"a"}\n'; } > huge.jsonl
# (under ASan, freed memory sits in a quarantine: compiling the scrubber's
# rules churns through ~250 MB of it, so keep the quarantine small here)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" \
	/usr/bin/time -f '%M' -o mem.txt "$CERBERUS" log huge.jsonl 2> huge.txt; eq "huge line exit" $? 1
contains "huge named" huge.txt "huge.jsonl:1: line longer than"
eq "huge line: memory stays small" "$(tail -1 mem.txt | awk '{print ($1 < 60000)}')" 1
printf '\xEF\xBB\xBF{"conversation_id":"bom1","user_id":"u","question":"q","answer":"a"}\r\n' > bom.jsonl
"$CERBERUS" log bom.jsonl 2> bom.txt; eq "a file with a byte order mark and CRLF" $? 0
check "bom record stored" "$CERBERUS" show bom1
mkdir adir; "$CERBERUS" log adir 2> dir.txt; eq "a directory as input" $? 1
contains "directory said" dir.txt "Is a directory"
