# The generator records what it put in each conversation (metadata.synth);
# check that ingest found it: PII types redacted, languages and frameworks
# detected, short answers and incomplete turns judged.
"$CERBERUS" init > /dev/null
"$CERBERUS" synth --count 4000 --seed 11 > c.jsonl
"$CERBERUS" log -q c.jsonl 2>/dev/null
sqlite3 -separator $'\t' cerberus.db \
	"select conversation_id, redactions, langs, frameworks, flags, response_chars from conversations" > rows.tsv
python3 - <<'PY' > report.txt; eq "synth properties found" $? 0
import json, sys
rows = {}
for line in open("rows.tsv", encoding="utf-8"):
    cid, red, langs, fws, flags, rc = line.rstrip("\n").split("\t")
    rows[cid] = (dict(x.split("=") for x in red.split(",") if x), langs.split(","), fws.split(","), int(flags), int(rc))
# the frameworks the issue names; the generator also labels tools (docker, cron...)
FRAMEWORKS = {"fastapi", "django", "flask", "react", "vue", "angular", "express", "next.js", "spring", "rails",
              "laravel", ".net"}
ALIASES = {"asp.net": ".net", "asp.net core": ".net"}
PLAIN = {"EMAIL", "PHONE", "IP_ADDRESS", "CREDIT_CARD"}
missed = {}
n = pii_n = pii_hit = lang_n = lang_hit = fw_n = fw_hit = 0
short_bad = inc_bad = clean_flagged = 0
for line in open("c.jsonl", encoding="utf-8"):
    rec = json.loads(line)
    syn = rec["metadata"]["synth"] if "metadata" in rec else None
    if syn is None:
        continue
    red, langs, fws, flags, rc = rows[rec["conversation_id"]]
    n += 1
    for t in syn.get("pii", []):
        pii_n += 1
        # the generator labels every token API_KEY; the scrubber types it
        # by provider (GITHUB_TOKEN, AWS_ACCESS_KEY, ...)
        hit = t in red or (t == "API_KEY" and any(k not in PLAIN for k in red))
        pii_hit += hit
        if not hit:
            missed[t] = missed.get(t, 0) + 1
    if not syn.get("pii") and red:
        clean_flagged += 1
    if syn.get("lang"):
        lang_n += 1
        lang_hit += syn["lang"] in langs
    fw = ALIASES.get(syn.get("framework", ""), syn.get("framework", ""))
    if fw in FRAMEWORKS:
        fw_n += 1
        fw_hit += fw in [f.lower() for f in fws]
    if not syn.get("incomplete"):
        short_bad += (rc < 50) != bool(syn.get("short"))
    inc_bad += bool(flags & 1) != bool(syn.get("incomplete"))
print(f"records {n}; pii {pii_hit}/{pii_n}; clean records with a redaction {clean_flagged}; "
      f"missed {missed}; lang {lang_hit}/{lang_n}; framework {fw_hit}/{fw_n}; short mismatches {short_bad}; incomplete mismatches {inc_bad}")
ok = n > 1000 and pii_n > 100 and pii_hit == pii_n and clean_flagged <= n * 0.002 and short_bad == 0 and inc_bad == 0 \
     and lang_hit >= 0.95 * lang_n and fw_hit >= 0.90 * fw_n
sys.exit(0 if ok else 1)
PY
cat report.txt | sed 's/^/    /'
