// <cerberus-rating conversation-id="..." token="..." endpoint="https://cerberus.example">
// A five-star rating control for an assistant's answer. It posts
//   {"conversation_id", "rating", "comment"?, "feedback_token"}
// to ENDPOINT/v1/feedback (the token is the one POST /v1/conversations
// returned, so the page needs no secret) and shows a thank-you or an error.
// Keyboard: Tab to the stars, arrow keys (or 1-5) pick, Enter sends.
// Served by `cerberus serve` at GET /widget.js; no dependencies.

const STYLE = `
:host { display: block; font: inherit; color: inherit; max-width: 32rem; }
.box { border: 1px solid #dde1e8; border-radius: 8px; padding: .75rem .9rem; background: #fff; }
.q { margin: 0 0 .4rem; font-weight: 600; }
.stars { display: inline-flex; gap: .15rem; }
.star { font-size: 1.9rem; line-height: 1; width: 2.4rem; height: 2.4rem; padding: 0; border: 0; border-radius: 6px;
	background: transparent; color: #b9bfcb; cursor: pointer; }
.star.on { color: #e6a700; }
.star:focus-visible { outline: 3px solid #2f6fde; outline-offset: 1px; }
.hint { margin: .2rem 0 .5rem; font-size: .85rem; color: #5b6475; min-height: 1.2em; }
label { display: block; font-size: .9rem; margin-bottom: .2rem; }
textarea { width: 100%; box-sizing: border-box; font: inherit; min-height: 3.5rem; border: 1px solid #dde1e8; border-radius: 6px; padding: .4rem; }
.send { margin-top: .5rem; font: inherit; padding: .35rem .9rem; border-radius: 6px; border: 1px solid #2f6fde; background: #2f6fde; color: #fff; cursor: pointer; }
.send:disabled { opacity: .5; cursor: default; }
.send:focus-visible, textarea:focus-visible { outline: 3px solid #2f6fde; outline-offset: 1px; }
.thanks { margin: 0; color: #17754f; font-weight: 600; }
.error { margin: .5rem 0 0; color: #c62f3b; }
[hidden] { display: none !important; }
`;

const WORDS = ['', 'Poor', 'Fair', 'Good', 'Very good', 'Excellent'];
const MAX_COMMENT = 2000;

function feedbackURL(endpoint) {
	const base = (endpoint || '').replace(/\/+$/, '');
	return /\/v1\/feedback$/.test(base) ? base : base + '/v1/feedback';
}

class CerberusRating extends HTMLElement {
	constructor() {
		super();
		this.rating = 0;
		this.state = 'idle'; // idle | sending | done | error
		const root = this.attachShadow({ mode: 'open' });
		root.innerHTML = `<style>${STYLE}</style>
<div class="box" part="box">
  <form part="form" novalidate>
    <p class="q" id="q">Was this answer helpful?</p>
    <div class="stars" role="radiogroup" aria-labelledby="q"></div>
    <p class="hint" id="hint" aria-hidden="true"></p>
    <label for="comment">Comment (optional)</label>
    <textarea id="comment" maxlength="${MAX_COMMENT}"></textarea>
    <button class="send" type="submit" disabled>Send rating</button>
    <p class="error" role="alert" hidden></p>
  </form>
  <p class="thanks" role="status" tabindex="-1" hidden>Thank you for your feedback!</p>
</div>`;
		this.form = root.querySelector('form');
		this.group = root.querySelector('.stars');
		this.hint = root.querySelector('.hint');
		this.comment = root.querySelector('textarea');
		this.send = root.querySelector('.send');
		this.err = root.querySelector('.error');
		this.thanks = root.querySelector('.thanks');
		this.stars = [];
		for (let i = 1; i <= 5; i++) {
			const b = document.createElement('button');
			b.type = 'button';
			b.className = 'star';
			b.textContent = '★';
			b.dataset.value = String(i);
			b.setAttribute('role', 'radio');
			b.setAttribute('aria-checked', 'false');
			b.setAttribute('aria-label', `${i} star${i > 1 ? 's' : ''}: ${WORDS[i]}`);
			b.tabIndex = i === 1 ? 0 : -1;
			b.addEventListener('click', () => this.pick(i, true));
			b.addEventListener('mouseenter', () => this.paint(i));
			b.addEventListener('mouseleave', () => this.paint(this.rating));
			this.stars.push(b);
			this.group.appendChild(b);
		}
		this.group.addEventListener('keydown', (e) => this.onKey(e));
		this.form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
	}

	// The attributes are read when the rating is sent, so a frontend may
	// set them after the element is created.
	connectedCallback() {
		if (!this.hasAttribute('state')) this.setAttribute('state', this.state);
	}

	// Roving tab index: the group is one Tab stop, arrows move inside it
	// and select, as in the WAI-ARIA radio group pattern.
	onKey(e) {
		let v = this.rating || 0;
		switch (e.key) {
		case 'ArrowRight': case 'ArrowUp': v = Math.min(5, v + 1); break;
		case 'ArrowLeft': case 'ArrowDown': v = Math.max(1, v - 1); break;
		case 'Home': v = 1; break;
		case 'End': v = 5; break;
		case '1': case '2': case '3': case '4': case '5': v = Number(e.key); break;
		case 'Enter': e.preventDefault(); if (this.rating) this.submit(); return;
		case ' ': e.preventDefault(); this.pick(Number(e.target.dataset.value) || 1, true); return;
		default: return;
		}
		e.preventDefault();
		this.pick(v, true);
	}

	pick(v, focus) {
		if (this.state === 'sending' || this.state === 'done') return;
		this.rating = v;
		this.stars.forEach((b, i) => {
			b.setAttribute('aria-checked', String(i + 1 === v));
			b.tabIndex = i + 1 === v ? 0 : -1;
		});
		if (focus) this.stars[v - 1].focus();
		this.paint(v);
		this.hint.textContent = `${v} of 5: ${WORDS[v]}`;
		this.send.disabled = false;
	}

	paint(v) {
		this.stars.forEach((b, i) => b.classList.toggle('on', i < v));
	}

	setState(s, message) {
		this.state = s;
		this.send.disabled = s === 'sending' || !this.rating;
		this.send.textContent = s === 'sending' ? 'Sending…' : (s === 'error' ? 'Try again' : 'Send rating');
		this.err.hidden = s !== 'error';
		this.err.textContent = s === 'error' ? message : '';
		if (s === 'done') {
			this.form.hidden = true;
			this.thanks.hidden = false;
			this.thanks.focus();
		}
		this.setAttribute('state', s);
	}

	async submit() {
		if (!this.rating || this.state === 'sending' || this.state === 'done') return;
		const id = this.getAttribute('conversation-id');
		if (!id) { this.setState('error', 'This widget has no conversation-id.'); return; }
		const body = { conversation_id: id, rating: this.rating };
		const comment = this.comment.value.trim();
		if (comment) body.comment = comment;
		const token = this.getAttribute('token');
		if (token) body.feedback_token = token;
		this.setState('sending');
		let res;
		try {
			res = await fetch(feedbackURL(this.getAttribute('endpoint')), {
				method: 'POST', mode: 'cors', credentials: 'omit',
				headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
			});
		} catch {
			this.setState('error', 'Could not reach the server. Your rating was not saved; please try again.');
			return;
		}
		if (res.ok) {
			this.setState('done');
			this.dispatchEvent(new CustomEvent('cerberus-rated', { bubbles: true, composed: true,
				detail: { conversationId: id, rating: this.rating } }));
			return;
		}
		let msg = `The server answered ${res.status}.`;
		try {
			const j = await res.json();
			if (j && j.error && j.error.message) msg = `Not saved: ${j.error.message}.`;
		} catch { /* keep the status line */ }
		this.setState('error', msg);
	}
}

if (!customElements.get('cerberus-rating')) customElements.define('cerberus-rating', CerberusRating);
