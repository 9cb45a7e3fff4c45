// Dashboard tests: sign-in (keyboard only), every chart drawn with the
// numbers /v1/stats and /v1/progress return, refresh in place, sign-out,
// the phone layout, and --public-dashboard.
import { ok, eq, api, newPage, cerberus, LAPTOP, PHONE, SHOTS, startServer, axeProblems } from './lib.mjs';
import { join } from 'node:path';

const REJECT_LABELS = { low_rating: 'Low rating', short_response: 'Short answer', pii: 'Personal data', incomplete: 'Incomplete' };

// What each chart must show, as {label: value}, from the API's objects.
function expected(stats) {
	const rename = (obj, names) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [names ? names[k] : k, v]));
	return {
		perDay: {
			labels: stats.per_day.map((d) => d.date),
			series: [stats.per_day.map((d) => d.conversations), stats.per_day.map((d) => d.high_quality)],
		},
		ratings: Object.fromEntries(['1', '2', '3', '4', '5'].map((k) => [k + ' ★', stats.ratings[k]])),
		rejected: rename(stats.rejected, REJECT_LABELS),
		languages: rename(stats.languages),
		frameworks: rename(stats.frameworks),
		redactions: rename(stats.redactions),
	};
}

// The charts' data and whether their canvases hold drawn pixels.
function readCharts(page) {
	return page.evaluate(() => {
		const out = {};
		for (const [name, ch] of Object.entries(window.cerberusDashboard.charts)) {
			const cv = ch.canvas, ctx = cv.getContext('2d');
			const px = ctx.getImageData(0, 0, cv.width, cv.height).data;
			let inked = 0;
			for (let i = 3; i < px.length; i += 4 * 7) if (px[i]) inked++;
			out[name] = {
				labels: ch.data.labels, series: ch.data.datasets.map((d) => d.data),
				width: cv.clientWidth, height: cv.clientHeight, inked,
			};
		}
		return out;
	});
}

const byLabel = (c) => Object.fromEntries(c.labels.map((l, i) => [l, c.series[0][i]]));
const sorted = (o) => Object.fromEntries(Object.entries(o).sort());

async function checkCharts(page, stats, progress, tag) {
	const got = await readCharts(page);
	const want = expected(stats);
	eq(Object.keys(got).sort(), ['frameworks', 'languages', 'perDay', 'ratings', 'redactions', 'rejected'], `${tag}: six charts`);
	for (const [name, c] of Object.entries(got)) {
		ok(c.width > 100 && c.height > 100, `${tag}: chart ${name} has a size`, `${c.width}x${c.height}`);
		ok(c.inked > 200, `${tag}: chart ${name} is drawn`, `${c.inked} inked samples`);
	}
	eq(got.perDay.labels, want.perDay.labels, `${tag}: per-day dates`);
	eq(got.perDay.series, want.perDay.series, `${tag}: per-day conversations and high-quality`);
	for (const name of ['ratings', 'rejected', 'languages', 'frameworks', 'redactions'])
		eq(sorted(byLabel(got[name])), sorted(want[name]), `${tag}: chart ${name} values`);
	// bars read biggest first
	const langs = got.languages.series[0];
	ok(langs.every((v, i) => i === 0 || langs[i - 1] >= v), `${tag}: languages sorted`, JSON.stringify(langs));

	const text = async (id) => (await page.textContent('#' + id)).trim();
	const nf = new Intl.NumberFormat('en-US');
	eq(await text('p-hq'), nf.format(progress.high_quality), `${tag}: progress high-quality`);
	eq(await text('p-goal'), nf.format(progress.goal), `${tag}: progress goal`);
	eq(await text('p-percent'), progress.percent.toFixed(2) + ' %', `${tag}: progress percent`);
	eq(await text('p-eta'), progress.eta_date || 'not yet known', `${tag}: ETA date`);
	eq(await page.getAttribute('#progress-bar', 'aria-valuenow'), Math.min(100, progress.percent).toFixed(2), `${tag}: progress bar value`);
	eq(await text('t-conversations'), nf.format(stats.conversations), `${tag}: conversations tile`);
	eq(await text('t-feedback-rate'), (stats.feedback_rate * 100).toFixed(1) + ' %', `${tag}: feedback rate`);
	eq(await text('t-quality-rate'), (stats.quality_rate * 100).toFixed(1) + ' %', `${tag}: quality rate`);
	ok(stats.ratings_total > 0 && stats.high_quality > 0 && Object.keys(stats.redactions).length > 0,
		`${tag}: the store has ratings, high-quality examples and redactions to show`);
}

export async function dashboardTests(browser, srv, keys) {
	const page = await newPage(browser, LAPTOP);
	const encodings = {};
	page.on('response', async (r) => { encodings[new URL(r.url()).pathname] = (await r.allHeaders())['content-encoding'] || ''; });
	await page.goto(srv.url + '/?refresh=1');
	await page.waitForSelector('#signin-panel:not([hidden])');
	ok(await page.isHidden('#main'), 'figures hidden before sign-in');
	eq(await axeProblems(page), [], 'sign-in page: no serious accessibility problems (axe)');
	eq(encodings['/assets/dashboard.js'], 'gzip', 'the dashboard bundle came gzipped');

	// a wrong key is refused with a message (the 401 shows in the console: expected)
	await page.fill('#apikey', 'not-a-key');
	await page.press('#apikey', 'Enter');
	await page.waitForFunction(() => document.getElementById('signin-error').textContent.length > 0);
	ok(await page.isVisible('#signin-panel'), 'wrong key: sign-in form still shown');
	ok(await page.evaluate(() => sessionStorage.getItem('cerberus.admin_key')) === null, 'wrong key: not kept');
	// an ingest key is not an admin key
	await page.fill('#apikey', keys.ingest);
	await page.press('#apikey', 'Enter');
	await page.waitForFunction(() => /admin/.test(document.getElementById('signin-error').textContent));
	ok(true);
	page.problems.length = 0;

	// keyboard only: Tab from the top of the page to the key field, type, Enter
	await page.reload();
	await page.waitForSelector('#signin-panel:not([hidden])');
	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	let reached = false;
	for (let i = 0; i < 8 && !reached; i++) {
		await page.keyboard.press('Tab');
		reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'apikey');
	}
	ok(reached, 'keyboard: Tab reaches the key field');
	await page.keyboard.type(keys.admin);
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => window.cerberusDashboard.refreshes > 0);
	ok(await page.isVisible('#main'), 'signed in: figures shown');
	eq(await page.evaluate(() => sessionStorage.getItem('cerberus.admin_key')), keys.admin, 'key kept in sessionStorage');
	ok(await page.evaluate(() => localStorage.length === 0 && !document.cookie), 'key not in localStorage or cookies');

	let stats = (await api(srv, 'GET', '/v1/stats', keys.admin)).json;
	let progress = (await api(srv, 'GET', '/v1/progress', keys.admin)).json;
	await checkCharts(page, stats, progress, 'laptop');
	eq(await axeProblems(page), [], 'dashboard: no serious accessibility problems (axe)');
	await page.screenshot({ path: join(SHOTS, 'dashboard-laptop.png'), fullPage: true });

	// refresh without reloading: new conversations show up on their own
	await page.evaluate(() => { window.notReloaded = true; });
	const more = cerberus(['synth', '--count', '7', '--seed', '66', '--start', '5000']).trim().split('\n').map((l) => JSON.parse(l));
	const post = await api(srv, 'POST', '/v1/conversations', keys.ingest, { conversations: more });
	ok(post.status === 201 || post.status === 207, 'refresh: more conversations posted', post.status + ' ' + post.text.slice(0, 200));
	const want = stats.conversations + 7;
	await page.waitForFunction((n) => window.cerberusDashboard.stats.conversations === n, want, { timeout: 15000 });
	stats = (await api(srv, 'GET', '/v1/stats', keys.admin)).json;
	progress = (await api(srv, 'GET', '/v1/progress', keys.admin)).json;
	await page.waitForTimeout(1200); // one more refresh, so the page and the API agree
	eq(await page.textContent('#t-conversations'), new Intl.NumberFormat('en-US').format(want), 'refresh: tile updated in place');
	await checkCharts(page, stats, progress, 'refreshed');
	ok(await page.evaluate(() => window.notReloaded === true), 'refresh: page not reloaded');
	eq(page.problems, [], 'dashboard: no console errors');

	// the refresh button and sign-out work from the keyboard
	await page.focus('#signout');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#signin-panel:not([hidden])');
	ok(await page.evaluate(() => sessionStorage.getItem('cerberus.admin_key')) === null, 'sign-out forgets the key');
	await page.close();

	// phone-sized window: one column, nothing wider than the screen
	const phone = await newPage(browser, PHONE);
	await phone.goto(srv.url + '/');
	await phone.fill('#apikey', keys.admin);
	await phone.click('#signin button[type=submit]');
	await phone.waitForFunction(() => window.cerberusDashboard.refreshes > 0);
	await checkCharts(phone, stats, progress, 'phone');
	eq(await axeProblems(phone), [], 'phone: no serious accessibility problems (axe)');
	const widest = await phone.evaluate(() => document.documentElement.scrollWidth);
	ok(widest <= PHONE.width, 'phone: no horizontal scrolling', `${widest}px`);
	const cols = await phone.evaluate(() => getComputedStyle(document.getElementById('charts')).gridTemplateColumns.split(' ').length);
	eq(cols, 1, 'phone: charts in one column');
	await phone.screenshot({ path: join(SHOTS, 'dashboard-phone.png'), fullPage: true });
	eq(phone.problems, [], 'phone: no console errors');
	await phone.close();
}

// --public-dashboard: the figures without a key.
export async function publicDashboardTests(browser, store) {
	const srv = await startServer(store, ['--public-dashboard']);
	try {
		const page = await newPage(browser, LAPTOP);
		await page.goto(srv.url + '/?refresh=1');
		await page.waitForFunction(() => window.cerberusDashboard.refreshes > 0);
		ok(await page.isHidden('#signin-panel'), 'public: no sign-in form');
		ok(await page.isHidden('#signout'), 'public: no sign-out button');
		const stats = (await api(srv, 'GET', '/v1/stats')).json;
		const progress = (await api(srv, 'GET', '/v1/progress')).json;
		await checkCharts(page, stats, progress, 'public');
		eq(page.problems, [], 'public: no console errors');

		// the server goes away: the last figures stay, with a banner
		await srv.stop();
		await page.waitForSelector('#load-error:not([hidden])', { timeout: 15000 });
		ok(/cannot load/i.test(await page.textContent('#load-error')), 'server stopped: the banner says so');
		eq(await page.textContent('#t-conversations'), new Intl.NumberFormat('en-US').format(stats.conversations),
			'server stopped: the last figures stay');
		await page.close();
	} finally {
		await srv.stop();
	}
}
