# Regressions for the findings of the code review of the foundation.
"$CERBERUS" init > /dev/null
LONG="Sure, here is a long enough answer that exceeds fifty code points easily."
# free text in finish_reason is never stored
echo "{\"conversation_id\":\"r1\",\"user_id\":\"u\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"$LONG\",\"finish_reason\":\"stop alice.smith@corp-mail.com 4111111111111111\"}]}" > r1.jsonl
"$CERBERUS" log r1.jsonl 2>/dev/null
"$CERBERUS" show r1 > r1.json
lacks "finish_reason text not stored" cerberus.db "alice.smith"
[ -f cerberus.db-wal ] && lacks "nor in the WAL" cerberus.db-wal "alice.smith"
contains "finish_reason kept as a word" r1.json '"other"'
# numbers in metadata are scrubbed too
echo "{\"conversation_id\":\"r2\",\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"$LONG\",\"metadata\":{\"card\":4539148803436467,\"n\":42}}" | "$CERBERUS" log - 2>/dev/null
"$CERBERUS" show r2 > r2.json
contains "card number in metadata replaced" r2.json '"card": "<CREDIT_CARD_1>"'
contains "plain number kept" r2.json '"n": 42'
lacks "card not stored" cerberus.db "4539148803436467"
# an id that is personal data is refused
echo '{"conversation_id":"4539148803436467","user_id":"u","question":"q","answer":"a"}' | "$CERBERUS" log - 2> id.txt; eq "pii id refused" $? 1
contains "pii id reason" id.txt "looks like personal data (CREDIT_CARD)"
# a single rating and the totals commit together
sqlite3 cerberus.db "CREATE TRIGGER boom BEFORE UPDATE OF rating_sum ON conversations BEGIN SELECT RAISE(ABORT,'x'); END;"
"$CERBERUS" feedback r2 5 --user bob 2>/dev/null; eq "failed rating exit" $? 1
sqlite3 cerberus.db "DROP TRIGGER boom"
eq "no half-written rating" "$(sqlite3 cerberus.db 'select count(*) from ratings')" 0
eq "histogram untouched" "$(sqlite3 cerberus.db 'select sum(n) from rating_counts')" 0
# a failed export leaves the previous dataset as it was
"$CERBERUS" export --out ax > /dev/null
old=$(sha256sum ax/train.jsonl | cut -d' ' -f1)
echo "{\"conversation_id\":\"r3\",\"user_id\":\"u\",\"question\":\"q3\",\"answer\":\"$LONG\"}" | "$CERBERUS" log - 2>/dev/null
mkdir ax/.manifest.json.tmp
"$CERBERUS" export --out ax 2> ax.txt; eq "export fails" $? 1
eq "old train kept" "$(sha256sum ax/train.jsonl | cut -d' ' -f1)" "$old"
eq "old manifest still matches" "$(jget ax/manifest.json files train.jsonl sha256)" "$old"
rmdir ax/.manifest.json.tmp
# numbers jansson cannot hold still show
echo "{\"conversation_id\":\"r4\",\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"$LONG\",\"metadata\":{\"trace\":18446744073709551615,\"x\":1e999}}" | "$CERBERUS" log - 2>/dev/null
check "show with huge numbers" "$CERBERUS" show r4
# planning arithmetic stays in range
status 2 "absurd quality rate" "$CERBERUS" progress --plan --users 1 --per-user-per-day 1 --quality-rate 1e-20
# blank lines only: nothing to log
printf '\n  \n\r\n' | "$CERBERUS" log - 2> blank.txt; eq "blank-only input exit" $? 1
contains "blank-only said" blank.txt "empty input"
