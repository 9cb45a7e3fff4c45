# init: store and key, idempotence, CERBERUS_KEY, missing and corrupt stores.
status 1 "log before init" "$CERBERUS" log --store x.db /dev/null
"$CERBERUS" log --store x.db /dev/null 2> err.txt
contains "says to run init" err.txt "cerberus init"
eq "one error line" "$(wc -l < err.txt)" 1
check "init" "$CERBERUS" init
eq "key mode" "$(stat -c %a cerberus.key)" 600
eq "key is 64 hex" "$(tr -d '\n' < cerberus.key | grep -cE '^[0-9a-f]{64}$')" 1
lacks "key not in store" cerberus.db "$(cat cerberus.key)"
"$CERBERUS" init > again.txt; contains "init is idempotent" again.txt "already initialized"
mkdir sub; check "init --store" "$CERBERUS" init --store sub/prod.db
check "key beside it" test -f sub/prod.key
CERBERUS_KEY=$(printf 'ab%.0s' $(seq 32)) "$CERBERUS" init --store env.db > env.txt
contains "env key used" env.txt "CERBERUS_KEY"
check "no key file with env key" test ! -e env.key
status 1 "env store without key" "$CERBERUS" stats --store env.db
CERBERUS_KEY=$(printf 'cd%.0s' $(seq 32)) "$CERBERUS" stats --store env.db 2> wrong.txt
contains "wrong key detected" wrong.txt "fingerprint"
CERBERUS_KEY=$(printf 'ab%.0s' $(seq 32)) "$CERBERUS" stats --store env.db > /dev/null; eq "right env key" $? 0
CERBERUS_STORE=sub/prod.db "$CERBERUS" stats --json > s.json; eq "CERBERUS_STORE" "$(jget s.json conversations)" 0
head -c 5000 /dev/urandom > junk.db
"$CERBERUS" stats --store junk.db 2> junk.txt; eq "corrupt store exit" $? 1
contains "corrupt store named" junk.txt "junk.db"
eq "corrupt store: one line" "$(wc -l < junk.txt)" 1
"$CERBERUS" init --store newer.db > /dev/null
sqlite3 newer.db 'PRAGMA user_version = 99'
"$CERBERUS" stats --store newer.db 2> newer.txt; eq "newer schema exit" $? 1
contains "newer schema said" newer.txt "newer than this cerberus"
sqlite3 foreign.db 'CREATE TABLE t(x)'
: > foreign.key
"$CERBERUS" stats --store foreign.db 2> foreign.txt; eq "foreign db exit" $? 1
contains "not ours" foreign.txt "not a cerberus store"
