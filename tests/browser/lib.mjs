// Helpers for the browser tests: a store filled with synthetic data, the
// real `cerberus serve` on a free 127.0.0.1 port, Debian's Chromium driven
// headless through playwright-core (no browser download), and a tally.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.CERBERUS_BIN || join(ROOT, 'build', 'cerberus');
export const SHOTS = process.env.CERBERUS_SCREENSHOTS || join(ROOT, 'build', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// playwright-core comes from web/node_modules (npm ci from web/package-lock.json)
const require = createRequire(join(ROOT, 'web', 'package.json'));
export const { chromium } = require('playwright-core');

// --- tally -----------------------------------------------------------------
export const tally = { passed: 0, failed: 0 };

export function ok(cond, what, detail) {
	if (cond) { tally.passed++; return true; }
	tally.failed++;
	console.log(`  FAIL [browser] ${what}${detail === undefined ? '' : ': ' + detail}`);
	return false;
}

export function eq(got, want, what) {
	const g = JSON.stringify(got), w = JSON.stringify(want);
	return ok(g === w, what, `got ${g}, want ${w}`);
}

// Runs one named group; an exception fails it instead of the whole run.
export async function group(name, fn) {
	const before = tally.failed;
	try {
		await fn();
	} catch (e) {
		ok(false, name, e.stack || e.message);
	}
	console.log(`browser ${name}: ${tally.failed === before ? 'ok' : 'FAILED'}`);
}

// --- the store and the server ------------------------------------------------
export function cerberus(args, input) {
	return execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
		maxBuffer: 64 << 20 });
}

export function makeStore() {
	const dir = mkdtempSync(join(tmpdir(), 'cerberus-browser.'));
	const store = join(dir, 'cerberus.db');
	cerberus(['init', '--store', store]);
	const fb = join(dir, 'feedback.jsonl');
	const convs = cerberus(['synth', '--count', '300', '--seed', '6', '--feedback', fb]);
	cerberus(['log', '--store', store], convs);
	cerberus(['feedback', '--store', store, '--file', fb]);
	return { dir, store, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// `apikey create` prints the new key once: the last word of its output.
export function createKey(store, scope) {
	const out = cerberus(['apikey', 'create', '--store', store, '--scope', scope, '--name', `browser-${scope}`]).trim();
	const words = out.split(/\s+/);
	return words[words.length - 1];
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer(store, extra = [], port) {
	port = port || await freePort();
	const url = `http://127.0.0.1:${port}`;
	const proc = spawn(BIN, ['serve', '--store', store, '--listen', `127.0.0.1:${port}`, ...extra],
		{ stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	proc.stderr.on('data', (d) => { stderr += d; });
	const exited = new Promise((r) => proc.on('exit', (code, sig) => r({ code, sig })));
	for (let i = 0; i < 100; i++) {
		if (proc.exitCode !== null) break;
		try {
			const r = await fetch(url + '/healthz');
			if (r.ok) return { url, port, proc, stop: () => stopServer(proc, exited), stderr: () => stderr };
		} catch { /* not listening yet */ }
		await sleep(100);
	}
	proc.kill('SIGKILL');
	throw new Error(`cerberus serve did not start on ${url}: ${stderr.trim()}`);
}

async function stopServer(proc, exited) {
	if (proc.exitCode === null) proc.kill('SIGTERM');
	const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
	const r = await exited;
	clearTimeout(t);
	return r;
}

export async function api(srv, method, path, key, body) {
	const headers = {};
	if (key) headers.Authorization = 'Bearer ' + key;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(srv.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* leave null */ }
	return { status: r.status, json, text, headers: r.headers };
}

// --- the browser -------------------------------------------------------------
export function chromiumPresent() {
	return existsSync(CHROMIUM);
}

export async function launch() {
	mkdirSync(SHOTS, { recursive: true });
	return chromium.launch({ executablePath: CHROMIUM, headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

// A page that records console errors and uncaught exceptions.
export async function newPage(browser, viewport) {
	const page = await browser.newPage({ viewport: viewport || { width: 1366, height: 900 } });
	page.problems = [];
	page.on('console', (m) => { if (m.type() === 'error') page.problems.push('console: ' + m.text()); });
	page.on('pageerror', (e) => page.problems.push('exception: ' + e.message));
	return page;
}

export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

// Accessibility check with axe-core (WCAG 2 A/AA rules): the violations of
// impact serious or critical, as "rule: target" strings. The script is
// evaluated through the DevTools protocol, so the pages' CSP stays on.
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export async function axeProblems(page) {
	await page.evaluate(AXE);
	const r = await page.evaluate(() => window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
	}));
	return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
