# Disk full, simulated with a file-size limit (writes past it fail with
# EFBIG): log stops with one clear error, the store stays consistent and
# keeps every committed batch; export leaves no partial dataset behind.
"$CERBERUS" init > /dev/null
"$CERBERUS" synth --count 6000 --seed 21 > c.jsonl
(ulimit -f 4096; trap '' XFSZ; "$CERBERUS" log -q --batch 500 c.jsonl) 2> full.txt; eq "log exit on full disk" $? 1
contains "store error named" full.txt "cerberus.db"
n=$(sqlite3 cerberus.db 'select count(*) from conversations')
eq "integrity after full disk" "$(sqlite3 cerberus.db 'pragma integrity_check')" ok
eq "whole batches only" "$(( n % 500 ))" 0
eq "bodies match" "$(sqlite3 cerberus.db 'select count(*) from bodies')" "$n"
if [ "$n" -lt 6000 ]; then ok; else not_ok "the limit did not bite ($n stored)"; fi
"$CERBERUS" log -q c.jsonl 2>/dev/null; eq "room again: the import completes" "$(sqlite3 cerberus.db 'select count(*) from conversations')" 6000
(ulimit -f 1024; trap '' XFSZ; "$CERBERUS" export --out ds) > /dev/null 2> ex.txt; eq "export exit on full disk" $? 1
contains "export error" ex.txt "cannot write"
check "no partial train file" test ! -e ds/train.jsonl
check "no temporary files left" test -z "$(ls -A ds 2>/dev/null)"
"$CERBERUS" export --out ds > /dev/null; eq "export then succeeds" $? 0
