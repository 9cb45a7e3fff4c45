# kill -9 in the middle of an import: the store stays consistent and every
# committed batch is there; a rerun completes the import.
"$CERBERUS" init > /dev/null
"$CERBERUS" synth --count 40000 --seed 3 > big.jsonl
"$CERBERUS" log -q --batch 500 big.jsonl 2>/dev/null &
pid=$!
sleep 0.6
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
n=$(sqlite3 cerberus.db 'select count(*) from conversations')
eq "integrity" "$(sqlite3 cerberus.db 'pragma integrity_check')" ok
eq "whole batches only" "$(( n % 500 ))" 0
eq "bodies match rows" "$(sqlite3 cerberus.db 'select count(*) from bodies')" "$n"
"$CERBERUS" log -q big.jsonl 2>/dev/null
eq "rerun completes" "$(sqlite3 cerberus.db 'select count(*) from conversations')" 40000
