// The browser tests: node tests/browser/run.mjs [TALLY_FILE]
// Runs the real `cerberus serve` ($CERBERUS_BIN) on a store filled by
// synth | log | feedback, drives Debian's Chromium headless, saves
// screenshots under build/screenshots/, prints "browser: N passed, N failed"
// and writes "N M" to TALLY_FILE. Exit 0 when all passed, 3 when Chromium is
// missing (skipped), 1 otherwise.
import { writeFileSync } from 'node:fs';
import { tally, group, makeStore, createKey, startServer, launch, chromiumPresent, CHROMIUM, SHOTS } from './lib.mjs';
import { dashboardTests, publicDashboardTests } from './dashboard.mjs';
import { widgetClickTest, widgetKeyboardTest, widgetErrorTest, widgetCrossOriginTest } from './widget.mjs';

if (!chromiumPresent()) {
	console.log(`browser: skipped, no Chromium at ${CHROMIUM} (scripts/install-deps installs Debian's chromium)`);
	process.exit(3);
}

const st = makeStore();
const keys = { admin: createKey(st.store, 'admin'), ingest: createKey(st.store, 'ingest') };
let browser, srv;
try {
	browser = await launch();
	srv = await startServer(st.store);
	await group('dashboard', () => dashboardTests(browser, srv, keys));
	await group('widget click', () => widgetClickTest(browser, srv, keys));
	await group('widget keyboard', () => widgetKeyboardTest(browser, srv, keys));
	await group('widget error', async () => { srv = await widgetErrorTest(browser, srv, keys, st.store); });
	if (srv) await srv.stop();
	srv = null;
	await group('public dashboard', () => publicDashboardTests(browser, st.store));
	await group('widget cross-origin', () => widgetCrossOriginTest(browser, st.store, keys));
} catch (e) {
	tally.failed++;
	console.log('  FAIL [browser] ' + (e.stack || e.message));
} finally {
	if (srv) await srv.stop();
	if (browser) await browser.close();
	st.remove();
}
console.log(`browser: ${tally.passed} passed, ${tally.failed} failed (screenshots in ${SHOTS})`);
if (process.argv[2]) writeFileSync(process.argv[2], `${tally.passed} ${tally.failed}\n`);
process.exit(tally.failed ? 1 : 0);
