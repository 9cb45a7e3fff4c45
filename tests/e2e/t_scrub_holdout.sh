# scrub on the held-out corpus (tools/scrub_holdout.py, written apart from
# the rules): the issue's targets on three seeds, that the check can fail,
# and the exact spans of cases the holdout found missing or partial.
for seed in 20261127 1 2; do
	python3 "$ROOT/tools/scrub_holdout.py" "$CERBERUS" --seed $seed --check > ho$seed.txt
	eq "holdout targets, seed $seed (recall >= 0.97, precision >= 0.95, every type >= 0.90)" $? 0
done
sed 's/^/    /' ho20261127.txt | tail -2
# the check is real: an unreachable per-type target fails it
python3 "$ROOT/tools/scrub_holdout.py" "$CERBERUS" --min-type-recall 1.01 --check > /dev/null 2>&1
eq "holdout check fails on an unmet target" $? 1
{
	printf 'WhatsApp (11) 91234-5678 and +91-98635-37102, call me on 03-1461-4674\n'
	printf "ALTER USER app WITH PASSWORD 'eRDBzwIcToy2awd';\n"
	printf 'mysql -u root -pz8yPa6udI0L orders\n'
	printf '{"auths": {"ghcr.io": {"auth": "ZGVwbG95OlhrOW1RMnZMcDNUbjhW"}}}\n'
	printf "Cc: sean.o'brien@corp.ie\n"
	printf 'snowflake 1672012977494097042, released 2024-11-26, +33 2024-11-26\n'
}> ho.txt
"$CERBERUS" scrub --json ho.txt > ho.json; eq "holdout cases exit" $? 0
python3 - <<'PY' && ok || not_ok "holdout cases: exact spans"
import json
raw = open("ho.txt", "rb").read()
got = [(f["type"], raw[f["start"]:f["end"]].decode()) for f in json.load(open("ho.json"))["findings"]]
want = [("PHONE", "(11) 91234-5678"), ("PHONE", "+91-98635-37102"), ("PHONE", "03-1461-4674"),
        ("PASSWORD", "eRDBzwIcToy2awd"), ("PASSWORD", "z8yPa6udI0L"),
        ("BASIC_AUTH", "ZGVwbG95OlhrOW1RMnZMcDNUbjhW"), ("EMAIL", "sean.o'brien@corp.ie")]
assert got == want, got
PY
