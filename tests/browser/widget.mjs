// Widget tests on GET /demo: click the fourth star and send, keyboard only
// (Tab, arrows, Enter), and the error state with the server stopped; each
// rating is checked through GET /v1/conversations/{id}.
import { ok, eq, api, newPage, cerberus, SHOTS, startServer, axeProblems } from './lib.mjs';
import { join } from 'node:path';

// A fresh conversation through the API, as the assistant's backend logs one.
async function newConversation(srv, keys, seed) {
	const conv = JSON.parse(cerberus(['synth', '--count', '1', '--seed', String(seed), '--start', '9000']).trim());
	const r = await api(srv, 'POST', '/v1/conversations', keys.ingest, conv);
	if (r.status !== 201) throw new Error(`POST /v1/conversations: ${r.status} ${r.text}`);
	return r.json;
}

async function storedRatings(srv, keys, id) {
	const r = await api(srv, 'GET', '/v1/conversations/' + encodeURIComponent(id), keys.admin);
	if (r.status !== 200) throw new Error(`GET /v1/conversations/${id}: ${r.status} ${r.text}`);
	return r.json.ratings.map((x) => ({ rating: x.rating, comment: x.comment }));
}

function demoURL(srv, c) {
	return `${srv.url}/demo?conversation_id=${encodeURIComponent(c.conversation_id)}&token=${encodeURIComponent(c.feedback_token)}`;
}

const stars = (page) => page.locator('cerberus-rating [role=radio]');
const state = (page) => page.getAttribute('cerberus-rating', 'state');

export async function widgetClickTest(browser, srv, keys) {
	const c = await newConversation(srv, keys, 601);
	const page = await newPage(browser, { width: 800, height: 900 });
	await page.goto(demoURL(srv, c));
	await page.waitForFunction(() => customElements.get('cerberus-rating') !== undefined);
	eq(await stars(page).count(), 5, 'widget: five stars');
	eq(await page.getAttribute('cerberus-rating [role=radiogroup]', 'aria-labelledby'), 'q', 'widget: the star group is labelled');
	eq(await stars(page).nth(3).getAttribute('aria-label'), '4 stars: Very good', 'widget: star labels');
	ok(await page.locator('cerberus-rating button[type=submit]').isDisabled(), 'widget: send disabled before a rating');
	eq(await state(page), 'idle', 'widget: idle state');
	eq(await axeProblems(page), [], 'demo page: no serious accessibility problems (axe)');

	await stars(page).nth(3).click();
	eq(await stars(page).evaluateAll((s) => s.map((b) => b.getAttribute('aria-checked'))),
		['false', 'false', 'false', 'true', 'false'], 'widget: fourth star checked');
	await page.fill('cerberus-rating textarea', 'Clear and it worked first time.');
	eq(await axeProblems(page), [], 'widget with a rating: no serious accessibility problems (axe)');
	await page.screenshot({ path: join(SHOTS, 'widget.png'), fullPage: true });
	await page.click('cerberus-rating button[type=submit]');
	await page.waitForSelector('cerberus-rating [role=status]:not([hidden])');
	eq(await state(page), 'done', 'widget: thank-you state');
	ok(/thank you/i.test(await page.textContent('cerberus-rating [role=status]')), 'widget: thank-you text');
	await page.screenshot({ path: join(SHOTS, 'widget-thanks.png'), fullPage: true });
	eq(await storedRatings(srv, keys, c.conversation_id), [{ rating: 4, comment: 'Clear and it worked first time.' }],
		'widget: rating 4 and the comment stored');
	eq(page.problems, [], 'widget: no console errors');
	await page.close();
}

export async function widgetKeyboardTest(browser, srv, keys) {
	const c = await newConversation(srv, keys, 602);
	const page = await newPage(browser, { width: 800, height: 900 });
	await page.goto(demoURL(srv, c));
	await page.waitForFunction(() => customElements.get('cerberus-rating') !== undefined);
	// Tab from the top of the page until a star has the focus
	let onStar = false;
	for (let i = 0; i < 12 && !onStar; i++) {
		await page.keyboard.press('Tab');
		onStar = await page.evaluate(() => {
			const w = document.querySelector('cerberus-rating');
			const f = w.shadowRoot.activeElement;
			return document.activeElement === w && !!f && f.getAttribute('role') === 'radio';
		});
	}
	ok(onStar, 'keyboard: Tab reaches the stars');
	await page.keyboard.press('ArrowRight'); // 1
	await page.keyboard.press('ArrowRight'); // 2
	await page.keyboard.press('ArrowRight'); // 3
	await page.keyboard.press('ArrowRight'); // 4
	await page.keyboard.press('ArrowRight'); // 5
	await page.keyboard.press('ArrowRight'); // stays 5
	await page.keyboard.press('ArrowLeft');  // 4
	await page.keyboard.press('ArrowLeft');  // 3
	eq(await stars(page).evaluateAll((s) => s.map((b) => b.tabIndex)), [-1, -1, 0, -1, -1], 'keyboard: roving tab index');
	eq(await page.evaluate(() => document.querySelector('cerberus-rating').shadowRoot.activeElement.dataset.value), '3',
		'keyboard: focus follows the rating');
	await page.keyboard.press('Enter');
	await page.waitForSelector('cerberus-rating [role=status]:not([hidden])');
	eq(await storedRatings(srv, keys, c.conversation_id), [{ rating: 3, comment: null }], 'keyboard: rating 3 stored');
	eq(page.problems, [], 'keyboard: no console errors');
	await page.close();
}

// The server goes away after the page loaded: the widget says so and keeps
// the rating; once the server is back, "Try again" stores it.
export async function widgetErrorTest(browser, srv, keys, store) {
	const c = await newConversation(srv, keys, 603);
	const page = await newPage(browser, { width: 800, height: 900 });
	await page.goto(demoURL(srv, c));
	await page.waitForFunction(() => customElements.get('cerberus-rating') !== undefined);
	await srv.stop();
	await stars(page).nth(1).click();
	await page.click('cerberus-rating button[type=submit]');
	await page.waitForSelector('cerberus-rating [role=alert]:not([hidden])');
	eq(await state(page), 'error', 'error: error state');
	ok(/not saved|could not reach/i.test(await page.textContent('cerberus-rating [role=alert]')), 'error: message says the rating was not saved');
	eq(await page.textContent('cerberus-rating button[type=submit]'), 'Try again', 'error: retry offered');
	await page.screenshot({ path: join(SHOTS, 'widget-error.png'), fullPage: true });

	const again = await startServer(store, [], srv.port);
	try {
		await page.click('cerberus-rating button[type=submit]');
		await page.waitForSelector('cerberus-rating [role=status]:not([hidden])');
		eq(await storedRatings(again, keys, c.conversation_id), [{ rating: 2, comment: null }], 'error: retry stores rating 2');

		// a wrong token is refused and shown as an error, nothing stored
		const d = await newConversation(again, keys, 604);
		await page.goto(demoURL(again, { conversation_id: d.conversation_id, feedback_token: 'ab'.repeat(32) }));
		await page.waitForFunction(() => customElements.get('cerberus-rating') !== undefined);
		await stars(page).nth(4).click();
		await page.click('cerberus-rating button[type=submit]');
		await page.waitForSelector('cerberus-rating [role=alert]:not([hidden])');
		ok(/not saved|answered 40/i.test(await page.textContent('cerberus-rating [role=alert]')), 'bad token: error shown');
		eq(await storedRatings(again, keys, d.conversation_id), [], 'bad token: nothing stored');
	} finally {
		await page.close();
	}
	return again;
}

// The README's embedding: a page on another origin loads /widget.js from
// the Cerberus server (started with --cors-origin for that origin) and the
// rating goes through the CORS preflight to /v1/feedback.
export async function widgetCrossOriginTest(browser, store, keys) {
	const { createServer } = await import('node:http');
	const { freePort } = await import('./lib.mjs');
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const srv = await startServer(store, ['--cors-origin', origin]);
	let page = '';
	const host = createServer((req, res) => {
		res.setHeader('Content-Type', 'text/html; charset=utf-8');
		res.end(page);
	});
	await new Promise((r) => host.listen(port, '127.0.0.1', r));
	try {
		const c = await newConversation(srv, keys, 605);
		page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Assistant</title>
<link rel="icon" href="data:,">
<script type="module" src="${srv.url}/widget.js"></script></head><body>
<p>An answer from the assistant.</p>
<cerberus-rating conversation-id="${c.conversation_id}" token="${c.feedback_token}" endpoint="${srv.url}"></cerberus-rating>
</body></html>`;
		const p = await newPage(browser, { width: 800, height: 600 });
		await p.goto(origin + '/');
		await p.waitForFunction(() => customElements.get('cerberus-rating') !== undefined, null, { timeout: 10000 });
		await stars(p).nth(4).click();
		await p.click('cerberus-rating button[type=submit]');
		await p.waitForSelector('cerberus-rating [role=status]:not([hidden])');
		eq(await storedRatings(srv, keys, c.conversation_id), [{ rating: 5, comment: null }], 'cross-origin: rating 5 stored');
		eq(p.problems, [], 'cross-origin: no console errors');
		await p.close();
	} finally {
		await new Promise((r) => host.close(r));
		await srv.stop();
	}
}
