# curation: dedup recall/precision on planted duplicates, filters, every
# format, preference pairs, leak-free split, decontamination (and its bad
# input), contamination report, manifest, curate --report, progress bar.
X() { "$CERBERUS" "$@"; }
X init > /dev/null

# --- duplicates: exact and near (J ~0.9 and ~0.6) planted by the generator
X synth --count 2500 --seed 11 --dup-rate 0.05 --near-dup-rate 0.08 --near-dup-sim 0.9 --pii-rate 0 \
	--incomplete-rate 0 --short-rate 0 --feedback-rate 0 > hi.jsonl
X synth --count 1500 --start 2500 --seed 11 --near-dup-rate 0.08 --near-dup-sim 0.6 --pii-rate 0 \
	--incomplete-rate 0 --short-rate 0 --feedback-rate 0 > lo.jsonl
cat hi.jsonl lo.jsonl > all.jsonl
X log -q all.jsonl 2>/dev/null
X export --out dd --format sharegpt --overlap-ngram 0 --max-per-prompt 0 > /dev/null; eq "dedup export" $? 0
python3 - all.jsonl dd <<'PY' && ok || not_ok "dedup recall and precision"
import json, sys, unicodedata
def norm(t):
    t = unicodedata.normalize("NFC", t).casefold()
    return "".join("0" if c.isdigit() else c if c.isalpha() or unicodedata.category(c)[0] == "M" else " " for c in t).split()
def words(r):
    if "messages" in r:
        ms = r["messages"]; last = max(i for i, m in enumerate(ms) if m["role"] == "assistant")
        return norm("\n".join(m["content"] for m in ms[:last] if m["role"] == "user")) + norm(ms[last]["content"])
    q = r["question"] + ("\n\n" + r["context"] if r.get("context") else "")
    return norm(q) + norm(r["answer"])
def sh(w):
    return {tuple(w[i:i+5]) for i in range(max(1, len(w) - 4))}
def jac(a, b):
    return len(a & b) / len(a | b)
recs = [json.loads(l) for l in open(sys.argv[1])]
byid = {r["conversation_id"]: r for r in recs}
S = {i: sh(words(r)) for i, r in byid.items()}
kept = set()
for f in ("train.jsonl", "validation.jsonl"):
    kept |= {json.loads(l)["id"] for l in open(f"{sys.argv[2]}/{f}")}
m = json.load(open(f"{sys.argv[2]}/manifest.json"))
# exact duplicates: one copy of each planted group stays at most, and the
# count removed is what was planted
root = {}
for r in recs:
    s = r["metadata"]["synth"]; root[r["conversation_id"]] = s.get("dup_of", r["conversation_id"])
groups = {}
for i, g in root.items():
    while root.get(g, g) != g: g = root[g]
    groups.setdefault(g, []).append(i)
for g, ids in groups.items():
    assert sum(i in kept for i in ids) <= 1, ("exact group kept twice", ids)
def key(r):
    if "messages" in r:
        ms = r["messages"]; last = max(i for i, m in enumerate(ms) if m["role"] == "assistant")
        return (tuple(norm("\n".join(m["content"] for m in ms[:last] if m["role"] == "user"))), tuple(norm(ms[last]["content"])))
    return (tuple(norm(r["question"] + ("\n\n" + r["context"] if r.get("context") else ""))), tuple(norm(r["answer"])))
# every planted copy, plus near duplicates too short to get a word replaced
truth = len(recs) - len({key(r) for r in recs})
assert truth >= sum(len(v) - 1 for v in groups.values())
assert m["counts"]["removed"]["exact_duplicates"] == truth, (m["counts"]["removed"], truth)
# near duplicates: recall over planted pairs at J >= 0.8, none joined below 0.7
hi = lo_joined = found = 0
for r in recs:
    s = r["metadata"]["synth"]
    if "near_dup_of" not in s: continue
    a, b = r["conversation_id"], s["near_dup_of"]
    if a not in S or b not in S: continue
    j = jac(S[a], S[b])
    both = a in kept and b in kept
    if j >= 0.82:
        hi += 1; found += not both
    elif j < 0.7 and not both:
        # not joined unless one of them went as an exact duplicate or through another row
        other = [k for k in byid if k not in (a, b) and k in kept and (jac(S[k], S[a]) >= 0.8 or jac(S[k], S[b]) >= 0.8)]
        if not other and root[a] == a and root[b] == b: lo_joined += 1
assert hi >= 100, hi
assert found / hi >= 0.95, f"near-dup recall {found}/{hi}"
assert lo_joined == 0, f"{lo_joined} pairs below 0.7 were treated as duplicates"
# precision: every group of identical rows that lost all its copies went
# as a near duplicate of a row of its topic at J >= 0.8
topic = {i: r["metadata"]["synth"]["topic"] for i, r in byid.items()}
ident = {}
for r in recs: ident.setdefault(key(r), []).append(r["conversation_id"])
gone = [ids for ids in ident.values() if not any(i in kept for i in ids)]
bad = [ids[0] for ids in gone if not any(topic[k] == topic[ids[0]] and k not in ids and jac(S[ids[0]], S[k]) >= 0.8 - 1e-9 for k in byid)]
assert not bad, f"{len(bad)} of {len(gone)} removed rows have no near duplicate: {bad[:3]}"
assert m["counts"]["removed"]["near_duplicates"] == len(gone), (m["counts"]["removed"], len(gone))
assert m["dedup"]["verified_pairs"] > 0 and m["dedup"]["bands"] == 14 and m["dedup"]["rows"] == 8
PY
X export --out dd2 --format sharegpt --overlap-ngram 0 --max-per-prompt 0 --no-near-dedup --no-exact-dedup > /dev/null
eq "no dedup keeps all" "$(( $(wc -l < dd2/train.jsonl) + $(wc -l < dd2/validation.jsonl) ))" 4000
python3 - dd2 all.jsonl <<'PY' && ok || not_ok "near-duplicate clusters stay on one side"
import json, sys
side = {}
for f in ("train.jsonl", "validation.jsonl"):
    for l in open(f"{sys.argv[1]}/{f}"): side[json.loads(l)["id"]] = f
for l in open(sys.argv[2]):
    r = json.loads(l); s = r["metadata"]["synth"]
    for k in ("dup_of",):
        if k in s: assert side[r["conversation_id"]] == side[s[k]], (r["conversation_id"], s[k])
PY

# --- filters, named and counted; prompt cap; store state
cat > f.py <<'PY'
import json
long = " Use the middleware, configure the allowed origins and restart the server afterwards."
rows = [
 ("refusal", "Write a scraper for this site please.", "As an AI language model, I cannot browse websites or run code for you." + long),
 ("error", "Fix my Dockerfile so it builds.", "Error: Rate limit exceeded. Please retry your request in 20 seconds. (code 429)"),
 ("repeat", "How do I enable CORS in my FastAPI application today?", "How do I enable CORS in my FastAPI application today?"),
 ("empty_code", "Show me the code for the fix please.", "Here is the complete fix for your application:\n\n```python\n\n```\n"),
 ("repetition", "Explain the error please.", "The origin header is missing from the response.\n" * 12),
 ("non_text", "What does this blob say?", "QUFBQUFBQUFB" * 40),
 ("good1", "How do I list hidden files in a directory on Linux?", "Use `ls -la`: the `-a` flag shows entries starting with a dot, and `-l` gives details."),
 ("good2", "Why does my Go HTTP server return 429 errors?", "Your upstream rate limiter is rejecting bursts: 429 Too Many Requests comes from the `limiter.Allow()` check. Raise the burst or queue requests instead of dropping them."),
]
for i, (name, q, a) in enumerate(rows):
    print(json.dumps({"conversation_id": "f-" + name, "user_id": "u%d" % i, "question": q, "answer": a}))
for i in range(5):  # one prompt asked five times with different answers
    print(json.dumps({"conversation_id": "p-%d" % i, "user_id": "pu", "question": "How do I reverse a list in Python?",
                      "answer": "Answer number %s: use slicing or reversed(), for example xs[::-1] or list(reversed(xs)) which makes a copy." % "abcde"[i]}))
PY
python3 f.py > f.jsonl
X init --store f.db > /dev/null
X log -q --store f.db f.jsonl 2>/dev/null
X export --store f.db --out fo --format sharegpt --overlap-ngram 0 --max-per-prompt 2 --val-fraction 0 > /dev/null
python3 - fo <<'PY' && ok || not_ok "filters fire, are counted, and keep good answers"
import json, sys
d = sys.argv[1]; m = json.load(open(f"{d}/manifest.json"))
kept = {json.loads(l)["id"] for l in open(f"{d}/train.jsonl")}
h = m["counts"]["filter_hits"]
for name, f in (("refusal", "refusal"), ("error", "error_message"), ("repeat", "repeats_question"),
                ("empty_code", "empty_code_block"), ("repetition", "repetition"), ("non_text", "non_text")):
    assert "f-" + name not in kept, name
    assert h[f] >= 1, (f, h)
assert {"f-good1", "f-good2"} <= kept, kept
assert m["counts"]["removed"]["filters"] == 6, m["counts"]["removed"]
assert m["counts"]["removed"]["prompt_cap"] == 3 and m["counts"]["prompt_duplicates"]["prompts"] == 1
assert m["counts"]["prompt_duplicates"]["rows"] == 5
assert sum(i.startswith("p-") for i in kept) == 2
assert m["options"]["filters"] == ["refusal", "error_message", "repeats_question", "empty_code_block", "repetition", "non_text"]
PY
X export --store f.db --out fn --format sharegpt --overlap-ngram 0 --filters none --max-per-prompt 0 --val-fraction 0 > /dev/null
eq "--filters none keeps all" "$(wc -l < fn/train.jsonl)" 13
X export --store f.db --out fr --format sharegpt --overlap-ngram 0 --filters=-refusal --val-fraction 0 > /dev/null
contains "turned-off filter keeps its row" fr/train.jsonl '"f-refusal"'
st1=$(jget fo/manifest.json store_state sha256)
X export --store f.db --out fo2 --format sharegpt --overlap-ngram 0 --max-per-prompt 2 --val-fraction 0 > /dev/null
eq "store state is deterministic" "$(jget fo2/manifest.json store_state sha256)" "$st1"
check "same dataset twice" cmp fo/train.jsonl fo2/train.jsonl
X feedback --store f.db f-good1 5 > /dev/null
X export --store f.db --out fo3 --format sharegpt --overlap-ngram 0 --val-fraction 0 > /dev/null
if [ "$(jget fo3/manifest.json store_state sha256)" != "$st1" ]; then ok; else not_ok "a rating changes the store state"; fi

# --- every format on the synthetic store, self-checked
for fmt in openai messages sharegpt alpaca completion; do
	X export --out "x-$fmt" --format "$fmt" --overlap-ngram 0 > "x-$fmt.txt"; eq "export $fmt" $? 0
done
X export --out x-w --format openai --last-turn-only --overlap-ngram 0 > /dev/null; eq "export weights" $? 0
python3 - <<'PY' && ok || not_ok "format schemas"
import json
def lines(d):
    for f in ("train.jsonl", "validation.jsonl"):
        for l in open(f"{d}/{f}", encoding="utf-8"): yield json.loads(l)
n = 0
for ex in lines("x-openai"):
    assert list(ex) == ["messages"] and ex["messages"][-1]["role"] == "assistant"
    assert all(set(m) == {"role", "content"} and m["content"] for m in ex["messages"]); n += 1
for ex in lines("x-w"):
    a = [m for m in ex["messages"] if m["role"] == "assistant"]
    assert a[-1]["weight"] == 1 and all(m["weight"] == 0 for m in a[:-1])
    assert all("weight" not in m for m in ex["messages"] if m["role"] != "assistant")
for ex in lines("x-messages"):
    assert list(ex) == ["messages"]
for ex in lines("x-sharegpt"):
    assert set(ex) == {"id", "conversations"} and ex["conversations"][-1]["from"] == "gpt"
    assert all(c["from"] in ("system", "human", "gpt", "observation") for c in ex["conversations"])
for ex in lines("x-alpaca"):
    assert {"instruction", "input", "output"} <= set(ex) <= {"instruction", "input", "output", "system", "history"}
    assert ex["instruction"] and ex["output"]
for ex in lines("x-completion"):
    assert set(ex) == {"prompt", "completion"} and ex["prompt"].endswith("Assistant:") and ex["completion"].startswith(" ")
for d in ("x-openai", "x-messages", "x-sharegpt", "x-alpaca", "x-completion"):
    m = json.load(open(f"{d}/manifest.json"))
    assert m["counts"]["exported"] == n, (d, m["counts"]["exported"], n)
m = json.load(open("x-openai/manifest.json"))
assert m["checks"]["error_total"] == 0 and m["checks"]["checked"] == n
assert m["tokens"]["examples"] == n and 0 < m["tokens"]["p50"] <= m["tokens"]["p95"] <= m["tokens"]["max"]
assert m["tokens"]["over_max_tokens"] == 0
PY
for f in train.jsonl validation.jsonl contamination.json; do
	eq "sha256 $f" "$(sha256sum "x-alpaca/$f" | cut -d' ' -f1)" "$(jget x-alpaca/manifest.json files "$f" sha256)"
done
X export --out x-t --overlap-ngram 0 --max-tokens 300 > /dev/null
if [ "$(jget x-t/manifest.json tokens over_max_tokens)" -gt 0 ]; then ok; else not_ok "examples over --max-tokens counted"; fi

# --- preference pairs from ratings
cat > p.py <<'PY'
import json
q = "How should I paginate a large SQL table without OFFSET getting slower on every page of the admin dashboard we built last year?"
ans = {"A": "Use keyset pagination: remember the last id and query WHERE id > :last ORDER BY id LIMIT 50, which stays fast on every page.",
       "B": "You can add an index on the sort column; OFFSET still reads the skipped rows, so deep pages remain somewhat slow.",
       "C": "Just use OFFSET with a bigger LIMIT, it will be fine for any size of table and there is nothing else to do here."}
for k, a in ans.items():
    print(json.dumps({"conversation_id": "q1-" + k, "user_id": "u" + k, "question": q, "answer": a}))
# the same question, one word changed (prompt 5-gram Jaccard ~0.89): answers to it pair with the ones above
print(json.dumps({"conversation_id": "q1-E", "user_id": "uE", "question": q.replace("last year", "last month"),
                  "answer": "Keyset (seek) pagination: ORDER BY id and filter id > the last id you returned; an index on id makes every page cost the same."}))
# the same answer twice with different ratings is no preference
same = "Set the header in the middleware of your framework so that every response carries it, then restart the service."
for k in ("x", "y"):
    print(json.dumps({"conversation_id": "q2-" + k, "user_id": "v" + k, "question": "Where do I set the CORS header?", "answer": same}))
# a gap of one star is not enough
for k, a in (("s", "Use a window function with ROW_NUMBER() over the partition and filter on it in an outer query."),
             ("t", "Group by the key and join back to the table on the maximum timestamp of each group of rows.")):
    print(json.dumps({"conversation_id": "q3-" + k, "user_id": "w" + k, "question": "Latest row per group in SQL?", "answer": a}))
PY
python3 p.py > p.jsonl
X init --store p.db > /dev/null
X log -q --store p.db p.jsonl 2>/dev/null
for r in "q1-A 5" "q1-B 2" "q1-C 1" "q1-E 5" "q2-x 5" "q2-y 1" "q3-s 5" "q3-t 4"; do set -- $r; X feedback --store p.db "$1" "$2" > /dev/null; done
X export --store p.db --out po --format dpo-openai --overlap-ngram 0 --val-fraction 0 > po.txt; eq "dpo-openai" $? 0
X export --store p.db --out pt --format dpo-trl --overlap-ngram 0 --val-fraction 0 > /dev/null; eq "dpo-trl" $? 0
python3 - <<'PY' && ok || not_ok "preference pairs"
import json
o = [json.loads(l) for l in open("po/train.jsonl")]
t = [json.loads(l) for l in open("pt/train.jsonl")]
# best with worst over the near-duplicate prompts: the newer of A and E
# (both 5 stars) with C (1 star), the other with B (2 stars)
assert len(o) == 2 and len(t) == 2, (len(o), len(t))
assert all(set(p) == {"input", "preferred_output", "non_preferred_output"} for p in o)
assert all(p["input"]["messages"][-1]["role"] == "user" for p in o)
got = {(p["preferred_output"][0]["content"][:8], p["non_preferred_output"][0]["content"][:8]) for p in o}
assert got == {("Keyset (", "Just use"), ("Use keys", "You can ")}, got
assert all(set(p) == {"prompt", "chosen", "rejected"} and p["chosen"][0]["role"] == "assistant" for p in t)
assert {p["rejected"][0]["content"][:8] for p in t} == {"Just use", "You can "}
m = json.load(open("po/manifest.json"))
assert m["counts"]["pairs"] == 2 and m["checks"]["error_total"] == 0
PY
contains "pairs summary" po.txt "2 preference pairs"
X export --store p.db --out p1 --format dpo-trl --overlap-ngram 0 --val-fraction 0 --min-rating-gap 1 > /dev/null
eq "gap 1 pairs more" "$(wc -l < p1/train.jsonl)" 3

# --- split: groups by user never straddle; stable when rows are added
X export --out s1 --format sharegpt --split-by-user --overlap-ngram 0 --val-fraction 0.3 > /dev/null
python3 - s1 all.jsonl <<'PY' && ok || not_ok "a user's examples stay on one side"
import json, sys
user = {json.loads(l)["conversation_id"]: json.loads(l)["user_id"] for l in open(sys.argv[2])}
side = {}
for f in ("train.jsonl", "validation.jsonl"):
    for l in open(f"{sys.argv[1]}/{f}"):
        u = user[json.loads(l)["id"]]
        assert side.setdefault(u, f) == f, u
assert len(set(side.values())) == 2
PY
X export --out s2 --format sharegpt --overlap-ngram 0 --val-fraction 0.3 > /dev/null
X synth --count 800 --start 4000 --seed 11 --pii-rate 0 | sed 's/"syn-11-/"new-11-/' | X log -q - 2>/dev/null
X export --out s3 --format sharegpt --overlap-ngram 0 --val-fraction 0.3 > /dev/null
python3 - <<'PY' && ok || not_ok "no example moves when rows are added"
import json
def sides(d):
    s = {}
    for f in ("train.jsonl", "validation.jsonl"):
        for l in open(f"{d}/{f}"): s[json.loads(l)["id"]] = f
    return s
a, b = sides("s2"), sides("s3")
moved = [i for i in a if i in b and a[i] != b[i]]
assert not moved, moved[:5]
assert len(b) > len(a)
PY

# --- overlap of validation with train, and decontamination
X export --out o1 > /dev/null; eq "overlap export" $? 0
python3 - <<'PY' && ok || not_ok "contamination report"
import json
c = json.load(open("o1/contamination.json")); m = json.load(open("o1/manifest.json"))
v = c["validation_vs_train"]
assert c["ngram"] == 13 and v["checked"] > 0 and v["dropped"] == len(v["examples"]) > 0
assert m["counts"]["removed"]["validation_overlap"] == v["dropped"]
assert all(e["overlap"] >= 0.5 for e in v["examples"])
val = sum(1 for _ in open("o1/validation.jsonl"))
assert val + v["dropped"] == v["checked"]
PY
python3 - all.jsonl > eval.jsonl <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
# three answers of the store, quoted in an "evaluation set", plus unrelated items
for r in recs[100:103]:
    a = r["answer"] if "answer" in r else r["messages"][-1]["content"]
    print(json.dumps({"task": "qa", "reference": a}))
print(json.dumps({"task": "qa", "reference": "completely unrelated text about gardening tomatoes and watering them every morning before work"}))
print("plain text line about knitting socks with four needles on a cold winter evening in the mountains")
PY
X export --out e1 --format sharegpt --overlap-ngram 13 --overlap-threshold 1 --decontaminate eval.jsonl --no-near-dedup --no-exact-dedup --max-per-prompt 0 > /dev/null
eq "decontaminate export" $? 0
python3 - all.jsonl <<'PY' && ok || not_ok "evaluation-set rows dropped"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
kept = set()
for f in ("train.jsonl", "validation.jsonl"):
    kept |= {json.loads(l)["id"] for l in open(f"e1/{f}")}
for r in recs[100:103]:
    assert r["conversation_id"] not in kept, r["conversation_id"]
c = json.load(open("e1/contamination.json"))
assert c["eval_set"]["items"] == 5 and c["eval_set"]["dropped"] >= 3
PY
mkdir -p keep && cp e1/train.jsonl keep/
: > empty.txt
X export --out e1 --decontaminate empty.txt 2> err1.txt; eq "empty eval set" $? 1
contains "empty named" err1.txt "is empty"
check "failed export leaves the dataset" cmp keep/train.jsonl e1/train.jsonl
printf 'good line one\n\xff\xfe broken\n' > bad.txt
X export --out e2 --decontaminate bad.txt 2> err2.txt; eq "invalid UTF-8 eval set" $? 1
contains "line named" err2.txt "line 2: not valid UTF-8"
if [ -e e2/train.jsonl ]; then not_ok "no dataset after a bad eval set"; else ok; fi
python3 -c 'import sys; sys.stdout.write("x" * (17 << 20) + "\n")' > huge.txt
X export --out e3 --decontaminate huge.txt 2> err3.txt; eq "huge line" $? 1
contains "huge named" err3.txt "longer than 16 MiB"
echo "too short" > short.txt
X export --out e4 --decontaminate short.txt 2> err4.txt; eq "short eval set" $? 1
contains "short named" err4.txt "no text of 13 words"
X export --out e5 --decontaminate missing.txt 2> err5.txt; eq "missing eval set" $? 1
contains "missing named" err5.txt "missing.txt"
status 2 "empty --decontaminate" X export --out e6 --decontaminate ""
ls -a e1 | grep -q '\.tmp' && not_ok "temporary files left" || ok

# --- curate --report writes nothing and agrees with export
X curate --report --overlap-ngram 0 > rep.txt; eq "curate report" $? 0
contains "report removed" rep.txt "removed, by the first step"
contains "report dedup" rep.txt "near-dup clusters"
X curate --report --json --overlap-ngram 0 --seed 3 > rep.json
X export --out r1 --overlap-ngram 0 --seed 3 > /dev/null
python3 -c 'import json; a=json.load(open("rep.json")); b=json.load(open("r1/manifest.json")); assert a["counts"] == b["counts"], (a["counts"], b["counts"]); assert "files" not in a' && ok || not_ok "report = manifest counts"
status 2 "curate without --report" X curate
ls | grep -q '^curate' && not_ok "curate wrote something" || ok

# --- progress bar: only on a terminal
X export --out pg --overlap-ngram 0 2> pg.err > /dev/null
eq "no bar when stderr is a file" "$(wc -c < pg.err)" 0
python3 - "$CERBERUS" <<'PY' && ok || not_ok "bar on a terminal"
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "export", "--out", "pty", "--overlap-ngram", "0"])
out = b""
while True:
    try: chunk = os.read(fd, 65536)
    except OSError: break
    if not chunk: break
    out += chunk
os.waitpid(pid, 0)
assert b"\r" in out and b"%" in out and "█".encode() in out, out[:200]
PY
