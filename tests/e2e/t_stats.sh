# stats and progress: keys, numbers on a known data set, planning arithmetic.
"$CERBERUS" init > /dev/null
LONG="Run the migration with --fake-initial only when the tables already exist; otherwise squash the two branches."
{
	# today is 2026-11-25 (CERBERUS_NOW): 3 today, 2 six days ago, 1 twenty days ago
	for i in 1 2 3; do echo "{\"conversation_id\":\"t$i\",\"user_id\":\"u\",\"created_at\":\"2026-11-25T0$i:00:00Z\",\"question\":\"q\",\"answer\":\"$LONG\",\"language\":\"python\"}"; done
	for i in 4 5; do echo "{\"conversation_id\":\"t$i\",\"user_id\":\"u\",\"created_at\":\"2026-11-19T12:00:00Z\",\"question\":\"q\",\"answer\":\"short\"}"; done
	echo "{\"conversation_id\":\"t6\",\"user_id\":\"u\",\"created_at\":\"2026-11-05T12:00:00Z\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"$LONG\",\"finish_reason\":\"length\"}]}"
	echo "{\"conversation_id\":\"t7\",\"user_id\":\"u\",\"created_at\":\"2026-11-24T12:00:00Z\",\"question\":\"\`\`\`go\npackage main\n\`\`\`\",\"answer\":\"$LONG call +1 415 555 2671\"}"
} > s.jsonl
"$CERBERUS" log s.jsonl 2>/dev/null
"$CERBERUS" feedback t1 5 > /dev/null
"$CERBERUS" feedback t2 1 > /dev/null
"$CERBERUS" stats --json > s.json; eq "stats exit" $? 0
for k in conversations with_feedback feedback_rate avg_rating ratings high_quality quality_rate rejected languages frameworks redactions per_day; do
	python3 -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1])) else 1)' s.json $k && ok || not_ok "key $k"
done
eq "total" "$(jget s.json conversations)" 7
eq "today" "$(jget s.json collection today)" 3
near "7-day average" "$(jget s.json collection avg_7d)" 0.857142857142857
eq "high quality" "$(jget s.json high_quality)" 3
eq "short" "$(jget s.json rejected short_response)" 2
eq "incomplete" "$(jget s.json rejected incomplete)" 1
eq "low rating" "$(jget s.json rejected low_rating)" 1
near "avg rating" "$(jget s.json avg_rating)" 3.0
eq "python" "$(jget s.json languages python)" 3
eq "go" "$(jget s.json languages go)" 1
eq "phone redactions" "$(jget s.json redactions PHONE)" 1
eq "per_day length" "$(python3 -c 'import json;print(len(json.load(open("s.json"))["per_day"]))')" 30
eq "per_day last" "$(jget s.json per_day 29 date)" 2026-11-25
eq "per_day last count" "$(jget s.json per_day 29 conversations)" 3
"$CERBERUS" stats --json --min-response-chars 3 > s2.json
eq "threshold option" "$(jget s2.json high_quality)" 5
"$CERBERUS" stats > human.txt; eq "human exit" $? 0
contains "human table" human.txt "high-quality"
contains "human bars" human.txt "█"

"$CERBERUS" progress --json --goal 10 > p.json; eq "progress exit" $? 0
eq "goal" "$(jget p.json goal)" 10
eq "hq" "$(jget p.json high_quality)" 3
near "percent" "$(jget p.json percent)" 30.0
near "rate (3 hq in 7 days)" "$(jget p.json rate_per_day)" 0.42857142857142855
near "eta days" "$(jget p.json eta_days)" 16.333333333333332
eq "eta date" "$(jget p.json eta_date)" 2026-12-12
"$CERBERUS" progress --json --now 2027-03-01T00:00:00Z > p0.json
eq "no rate, no eta" "$(jget p0.json eta_days)" null
"$CERBERUS" progress > ph.txt; contains "progress bar" ph.txt "%"
"$CERBERUS" progress --plan --users 100 --per-user-per-day 10 --quality-rate 0.6 > plan.txt
contains "83,334 conversations" plan.txt "83334"
contains "about 83 days" plan.txt "about 83 days"
"$CERBERUS" progress --plan --users 100 --per-user-per-day 10 --quality-rate 0.6 --json > plan.json
eq "plan json" "$(jget plan.json conversations_needed)" 83334
status 2 "plan without users" "$CERBERUS" progress --plan --quality-rate 0.6
status 2 "plan rate > 1" "$CERBERUS" progress --plan --users 1 --per-user-per-day 1 --quality-rate 1.5
