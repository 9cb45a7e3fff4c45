// Cerberus dashboard: reads /v1/stats and /v1/progress (the same objects as
// `cerberus stats --json` and `cerberus progress --json`) and draws them with
// Chart.js, refreshing in place. Bundled by web/build.mjs and served by
// `cerberus serve` at GET /; nothing is fetched from anywhere else.
import {
	Chart, BarController, LineController, BarElement, LineElement, PointElement,
	CategoryScale, LinearScale, Legend, Tooltip, Filler,
} from 'chart.js';

Chart.register(BarController, LineController, BarElement, LineElement, PointElement,
	CategoryScale, LinearScale, Legend, Tooltip, Filler);

const KEY_SLOT = 'cerberus.admin_key';
const COLORS = ['#2f6fde', '#17a67a', '#e08a1e', '#c62f3b', '#7b4cc9', '#1c9fb5', '#8a8f9c'];
const REJECT_LABELS = {
	low_rating: 'Low rating', short_response: 'Short answer', pii: 'Personal data', incomplete: 'Incomplete',
};

const $ = (id) => document.getElementById(id);
const state = { config: { public_dashboard: false, refresh_seconds: 10 }, charts: {}, timer: 0,
	refreshes: 0, stats: null, progress: null };
// The browser tests read the charts' data from here.
window.cerberusDashboard = state;

const nf = new Intl.NumberFormat('en-US');
const fmtInt = (n) => nf.format(n);
const fmtPct = (r) => (r * 100).toFixed(1) + ' %';

function apiKey() {
	try { return sessionStorage.getItem(KEY_SLOT) || ''; } catch { return ''; }
}

function setKey(k) {
	try {
		if (k) sessionStorage.setItem(KEY_SLOT, k); else sessionStorage.removeItem(KEY_SLOT);
	} catch { /* storage disabled: the key lives only in this page */ }
}

class HttpError extends Error {
	constructor(status, message) { super(message); this.status = status; }
}

async function getJSON(path) {
	const headers = { Accept: 'application/json' };
	const k = apiKey();
	if (k) headers.Authorization = 'Bearer ' + k;
	const res = await fetch(path, { headers, cache: 'no-store' });
	let body = null;
	try { body = await res.json(); } catch { /* not JSON: reported below */ }
	if (!res.ok) {
		const msg = body && body.error && body.error.message ? body.error.message : res.statusText;
		throw new HttpError(res.status, `${path}: ${res.status} ${msg}`);
	}
	if (!body) throw new HttpError(res.status, `${path}: the answer is not JSON`);
	return body;
}

// Sorted [label, count] pairs, biggest first, so the bars read top-down.
function pairs(obj, labels) {
	return Object.entries(obj || {}).map(([k, v]) => [labels ? (labels[k] || k) : k, v])
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function barChart(id, horizontal, color) {
	return new Chart($(id), {
		type: 'bar',
		data: { labels: [], datasets: [{ label: 'Count', data: [], backgroundColor: color }] },
		options: {
			indexAxis: horizontal ? 'y' : 'x', responsive: true, maintainAspectRatio: false,
			animation: false, plugins: { legend: { display: false } },
			scales: {
				[horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
				// every language and framework gets its label
				[horizontal ? 'y' : 'x']: { ticks: { autoSkip: false } },
			},
		},
	});
}

function makeCharts() {
	const c = state.charts;
	c.perDay = new Chart($('c-per-day'), {
		type: 'line',
		data: { labels: [], datasets: [
			{ label: 'Conversations', data: [], borderColor: COLORS[0], backgroundColor: COLORS[0] + '22', fill: true, tension: .25, pointRadius: 2 },
			{ label: 'High-quality examples', data: [], borderColor: COLORS[1], backgroundColor: COLORS[1] + '22', fill: true, tension: .25, pointRadius: 2 },
		] },
		options: {
			responsive: true, maintainAspectRatio: false, animation: false,
			interaction: { mode: 'index', intersect: false },
			scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } } },
		},
	});
	c.ratings = barChart('c-ratings', false, ['#c62f3b', '#e0671e', '#e0b01e', '#7cb342', '#17a67a']);
	c.rejected = barChart('c-rejected', false, COLORS[2]);
	c.languages = barChart('c-languages', true, COLORS[0]);
	c.frameworks = barChart('c-frameworks', true, COLORS[4]);
	c.redactions = barChart('c-redactions', false, COLORS[3]);
}

function setBars(chart, list) {
	chart.data.labels = list.map((p) => p[0]);
	chart.data.datasets[0].data = list.map((p) => p[1]);
	chart.update('none');
}

function renderProgress(p) {
	const pct = Math.max(0, Math.min(100, p.percent));
	$('progress-fill').style.width = pct + '%';
	const bar = $('progress-bar');
	bar.setAttribute('aria-valuenow', pct.toFixed(2));
	bar.setAttribute('aria-valuetext', `${pct.toFixed(2)} percent of the goal`);
	$('p-hq').textContent = fmtInt(p.high_quality);
	$('p-goal').textContent = fmtInt(p.goal);
	$('p-percent').textContent = p.percent.toFixed(2) + ' %';
	$('p-window').textContent = p.window_days;
	$('p-rate').textContent = p.rate_per_day.toFixed(1) + ' / day';
	$('p-eta').textContent = p.remaining === 0 ? 'reached' : (p.eta_date || 'not yet known');
}

function renderStats(s) {
	$('t-conversations').textContent = fmtInt(s.conversations);
	$('t-today').textContent = `${fmtInt(s.collection.today)} today, ${s.collection.avg_7d.toFixed(1)} / day over 7 days`;
	$('t-feedback-rate').textContent = fmtPct(s.feedback_rate);
	$('t-with-feedback').textContent = `${fmtInt(s.with_feedback)} rated conversations`;
	$('t-quality-rate').textContent = fmtPct(s.quality_rate);
	$('t-high-quality').textContent = `${fmtInt(s.high_quality)} high-quality examples`;
	$('t-avg-rating').textContent = s.avg_rating == null ? '–' : s.avg_rating.toFixed(2) + ' ★';
	$('t-ratings-total').textContent = `${fmtInt(s.ratings_total)} ratings`;

	const c = state.charts;
	c.perDay.data.labels = s.per_day.map((d) => d.date);
	c.perDay.data.datasets[0].data = s.per_day.map((d) => d.conversations);
	c.perDay.data.datasets[1].data = s.per_day.map((d) => d.high_quality);
	c.perDay.update('none');
	setBars(c.ratings, ['1', '2', '3', '4', '5'].map((k) => [k + ' ★', s.ratings[k] || 0]));
	setBars(c.rejected, pairs(s.rejected, REJECT_LABELS));
	setBars(c.languages, pairs(s.languages));
	setBars(c.frameworks, pairs(s.frameworks));
	setBars(c.redactions, pairs(s.redactions));
}

function showSignIn(message) {
	clearTimeout(state.timer);
	$('main').hidden = true;
	$('signout').hidden = true;
	$('refresh').hidden = true;
	$('signin-panel').hidden = false;
	$('signin-error').textContent = message || '';
	$('updated').textContent = '';
	$('apikey').focus();
}

async function refresh() {
	const t0 = performance.now();
	clearTimeout(state.timer);
	try {
		const [stats, progress] = await Promise.all([getJSON('/v1/stats'), getJSON('/v1/progress')]);
		state.stats = stats;
		state.progress = progress;
		const first = $('main').hidden;
		$('signin-panel').hidden = true;
		$('main').hidden = false;
		$('refresh').hidden = false;
		$('signout').hidden = state.config.public_dashboard;
		if (!state.charts.perDay) makeCharts();
		renderProgress(progress);
		renderStats(stats);
		$('load-error').hidden = true;
		state.refreshes++;
		state.lastRefreshMs = performance.now() - t0;   // fetch + draw, for bench/web.sh
		$('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
		if (first && document.activeElement === $('apikey')) $('main').focus();
	} catch (e) {
		if (e.status === 401 || e.status === 403) {
			setKey('');
			showSignIn(e.status === 403 ? 'This key is not an admin key.' : 'The key was not accepted.');
			return;
		}
		// The server may be restarting: keep the last figures and say so.
		const box = $('load-error');
		box.textContent = 'Cannot load the figures: ' + (e.status ? e.message : 'the server did not answer') + '. Retrying.';
		box.hidden = false;
		if ($('main').hidden && !state.stats) $('main').hidden = false;
	}
	state.timer = setTimeout(refresh, state.config.refresh_seconds * 1000);
}

// GET /dashboard.json: {"public_dashboard", "refresh_seconds", "scope"},
// scope being that of the key sent ("admin", "ingest" or null).
async function loadConfig() {
	const headers = {};
	if (apiKey()) headers.Authorization = 'Bearer ' + apiKey();
	try {
		const res = await fetch('/dashboard.json', { headers, cache: 'no-store' });
		if (res.ok) Object.assign(state.config, await res.json());
	} catch { /* defaults */ }
	// ?refresh=N overrides the server's interval (for a wall screen, or tests)
	const q = Number(new URLSearchParams(location.search).get('refresh'));
	if (q >= 1 && q <= 3600) state.config.refresh_seconds = q;
	$('interval').textContent = state.config.refresh_seconds;
}

// The figures need an admin key unless the server runs --public-dashboard.
async function signedIn() {
	await loadConfig();
	if (state.config.public_dashboard) return true;
	if (!apiKey()) { showSignIn(''); return false; }
	if (state.config.scope === 'admin') return true;
	const msg = state.config.scope ? 'This key is not an admin key.' : 'The key was not accepted.';
	setKey('');
	showSignIn(msg);
	return false;
}

async function start() {
	$('signin').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const k = $('apikey').value.trim();
		if (!k) return;
		setKey(k);
		$('apikey').value = '';
		$('signin-error').textContent = '';
		if (await signedIn()) refresh();
	});
	$('signout').addEventListener('click', () => { setKey(''); showSignIn(''); });
	$('refresh').addEventListener('click', () => refresh());
	if (await signedIn()) refresh();
}

start();
