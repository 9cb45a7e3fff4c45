# Helpers for end-to-end tests: each test file is sourced by run.sh with
# $CERBERUS (the binary), $T (a fresh temp dir) and $ROOT set.
ok() { E2E_PASS=$((E2E_PASS + 1)); }
not_ok() { E2E_FAIL=$((E2E_FAIL + 1)); printf '  FAIL [%s] %s\n' "$E2E_FILE" "$*"; }
# check DESC CMD...: CMD must exit 0
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok; else not_ok "$d"; fi; }
# status N DESC CMD...: CMD must exit N
status() { local n=$1 d=$2; shift 2; "$@" >/dev/null 2>&1; local s=$?; if [ $s -eq "$n" ]; then ok; else not_ok "$d (exit $s, want $n)"; fi; }
# contains DESC FILE TEXT
contains() { if grep -qF -- "$3" "$2"; then ok; else not_ok "$1: '$3' not in $2"; head -c 600 "$2" | sed 's/^/    | /'; fi; }
lacks() { if grep -qaF -- "$3" "$2"; then not_ok "$1: '$3' found in $2"; else ok; fi; }
eq() { if [ "$2" = "$3" ]; then ok; else not_ok "$1: got '$2', want '$3'"; fi; }
jget() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: v=v[int(k)] if isinstance(v,list) else v[k]
print(json.dumps(v) if isinstance(v,(dict,list)) or v is None else v)' "$@"; }
# near DESC GOT WANT: numbers equal within 1e-6
near() { if python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) < 1e-6 else 1)' "$2" "$3" 2>/dev/null; then ok; else not_ok "$1: got '$2', want '$3'"; fi; }
