# Browser tests (tests/browser/*.mjs): the dashboard and the rating widget
# served by the real `cerberus serve`, driven in Debian's Chromium headless
# through playwright-core. Their pass/fail counts join this run's tally.
# Skipped, with a message, only when Chromium is not installed.
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "  skip [t_browser.sh] no Chromium at ${CHROMIUM:-/usr/bin/chromium}: browser tests not run (scripts/install-deps installs it)"
elif ! command -v node > /dev/null || [ ! -d "$ROOT/web/node_modules/playwright-core" ]; then
	not_ok "node or web/node_modules/playwright-core missing: run scripts/install-deps"
else
	CERBERUS_BIN=$CERBERUS CERBERUS_SCREENSHOTS="$(dirname "$CERBERUS")/screenshots" \
		timeout 300 node "$ROOT/tests/browser/run.mjs" "$T/browser.tally" > "$T/browser.out" 2>&1
	rc=$?
	grep -E '^(browser|  FAIL|  skip)' "$T/browser.out" | sed 's/^/  /'
	if [ -s "$T/browser.tally" ]; then
		read -r bp bf < "$T/browser.tally"
		E2E_PASS=$((E2E_PASS + bp)); E2E_FAIL=$((E2E_FAIL + bf))
		[ "$rc" -ne 0 ] && [ "$bf" -eq 0 ] && not_ok "browser tests exited $rc"
	elif [ "$rc" -eq 3 ]; then
		echo "  skip [t_browser.sh] $(tail -1 "$T/browser.out")"
	else
		not_ok "browser tests exited $rc without a tally"; tail -30 "$T/browser.out" | sed 's/^/    | /'
	fi
fi
