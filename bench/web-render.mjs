// Dashboard timings in headless Chromium against a running server:
//   node bench/web-render.mjs URL ADMIN_KEY [RUNS]
// Prints the median and max of: load to first full render (page, bundle,
// /dashboard.json, /v1/stats + /v1/progress, six charts), and one
// in-place refresh (fetch both + redraw).
import { launch, newPage } from '../tests/browser/lib.mjs';

const [url, key, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const browser = await launch();
const first = [], again = [];
for (let i = 0; i < runs; i++) {
	const page = await newPage(browser, { width: 1366, height: 900 });
	await page.addInitScript((k) => sessionStorage.setItem('cerberus.admin_key', k), key);
	const t0 = Date.now();
	await page.goto(url + '/?refresh=3600');
	await page.waitForFunction(() => window.cerberusDashboard.refreshes > 0, null, { timeout: 60000 });
	first.push(Date.now() - t0);
	await page.click('#refresh');
	await page.waitForFunction(() => window.cerberusDashboard.refreshes > 1, null, { timeout: 60000 });
	again.push(await page.evaluate(() => window.cerberusDashboard.lastRefreshMs));
	if (page.problems.length) console.error('console errors:', page.problems);
	await page.close();
}
await browser.close();
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`first_render_ms median ${med(first).toFixed(0)} max ${Math.max(...first).toFixed(0)}`);
console.log(`refresh_ms median ${med(again).toFixed(0)} max ${Math.max(...again).toFixed(0)}`);
