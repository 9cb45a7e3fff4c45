// Fills the demo widget's attributes from the query string
// (?conversation_id=...&token=...&endpoint=...).
const q = new URLSearchParams(location.search);
const w = document.getElementById('rating');
w.setAttribute('conversation-id', q.get('conversation_id') || 'demo-conversation');
w.setAttribute('token', q.get('token') || '');
w.setAttribute('endpoint', q.get('endpoint') || location.origin);
