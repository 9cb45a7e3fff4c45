/*
 * ingest: one conversation record from JSON text to the store.
 *
 * Order matters for privacy: the record is parsed, then every text is
 * scrubbed and the identifiers pseudonymized in memory; only then is
 * anything handed to the store. A failure anywhere before the write
 * refuses the record (fail closed).
 */
#include "pipeline/pipeline.h"
#include "core/lang.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

static int join_names(struct buf *b, uint64_t bits, const char *(*name)(unsigned))
{
	int rc = 0;

	for (unsigned i = 0; !rc && i < 64; i++) {
		if (!(bits & ((uint64_t)1 << i)) || !name(i))
			continue;
		if (b->len)
			rc = buf_putc(b, ',');
		if (!rc)
			rc = buf_puts(b, name(i));
	}
	return rc;
}

static int redactions_string(struct buf *b, const struct scrub_counts *c)
{
	int rc = 0;

	for (unsigned t = 0; !rc && t < SCRUB_NTYPES; t++) {
		if (!c->n[t])
			continue;
		rc = buf_printf(b, "%s%s=%u", b->len ? "," : "", scrub_type_name((enum scrub_type)t), c->n[t]);
	}
	return rc;
}

static void detect(const struct conversation *c, struct lang_result *lr)
{
	int i;

	memset(lr, 0, sizeof(*lr));
	for (size_t k = 0; k < c->nmessages; k++)
		lang_detect(c->messages[k].content, c->messages[k].content_len, lr);
	if (c->context)
		lang_detect(c->context, strlen(c->context), lr);
	if (c->language && (i = lang_lookup(c->language, strlen(c->language))) >= 0)
		lr->langs |= (uint64_t)1 << i;
	if (c->framework && (i = framework_lookup(c->framework, strlen(c->framework))) >= 0)
		lr->frameworks |= (uint64_t)1 << i;
}

static int new_conversation_id(char out[CONV_ID_MAX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[12];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	memcpy(out, "c-", 2);
	for (size_t i = 0; i < sizeof(r); i++) {
		out[2 + 2 * i] = hex[r[i] >> 4];
		out[3 + 2 * i] = hex[r[i] & 15];
	}
	out[2 + 2 * sizeof(r)] = '\0';
	return 0;
}

int pipeline_ingest(struct pipeline *p, const char *json, size_t len, struct ingest_result *res, char *err,
		    size_t errlen)
{
	struct conversation c;
	struct store_conv sc;
	struct store_conv_info info;
	struct quality_input qi;
	struct quality_thresholds qt;
	struct lang_result lr;
	struct buf msgs, extra, langs, fws, reds;
	char user_ps[PSEUDO_HEX_LEN + 1], session_ps[PSEUDO_HEX_LEN + 1];
	size_t bad;
	bool pii = false, exists = false;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!utf8_valid(json, len, &bad)) {
		snprintf(err, errlen, "invalid UTF-8 at byte %zu", bad + 1);
		return PIPE_EINPUT;
	}
	if (conv_parse(json, len, &c, err, errlen))
		return PIPE_EINPUT;

	buf_init(&msgs, 0);
	buf_init(&extra, 0);
	buf_init(&langs, 4096);
	buf_init(&fws, 4096);
	buf_init(&reds, 4096);

	if (conv_scrub(&c, p->scrub, &res->redactions) || conv_has_pii(&c, p->scrub, &pii)) {
		snprintf(err, errlen, "scrubbing failed; record refused");
		rc = PIPE_ESCRUB;
		goto out;
	}
	if (pseudo_id(&p->key, c.user_id, strlen(c.user_id), user_ps) ||
	    (c.session_id && pseudo_id(&p->key, c.session_id, strlen(c.session_id), session_ps))) {
		snprintf(err, errlen, "pseudonymization failed; record refused");
		rc = PIPE_ESCRUB;
		goto out;
	}
	if (c.id) {
		snprintf(res->conversation_id, sizeof(res->conversation_id), "%s", c.id);
		rc = store_find_conversation(p->st, c.id, &info);
		if (rc == STORE_OK)
			exists = true;
		else if (rc != STORE_ENOTFOUND) {
			snprintf(err, errlen, "%s", store_errmsg(p->st));
			rc = PIPE_ESTORE;
			goto out;
		}
	} else if (new_conversation_id(res->conversation_id)) {
		snprintf(err, errlen, "cannot generate a conversation id");
		rc = PIPE_ESCRUB;
		goto out;
	}

	detect(&c, &lr);
	if (conv_messages_json(&c, &msgs) || conv_extra_json(&c, &extra) ||
	    join_names(&langs, lr.langs, lang_name) || join_names(&fws, lr.frameworks, framework_name) ||
	    redactions_string(&reds, &res->redactions)) {
		snprintf(err, errlen, "out of memory");
		rc = PIPE_ENOMEM;
		goto out;
	}

	memset(&qi, 0, sizeof(qi));
	qi.response_chars = (long)conv_response_chars(&c);
	qi.flags = (conv_complete(&c) ? 0 : CONV_F_INCOMPLETE) | (pii ? CONV_F_PII : 0) |
		   (c.context && *c.context ? CONV_F_CONTEXT : 0);
	if (exists) {
		qi.rating_sum = info.rating_sum;
		qi.rating_count = info.rating_count;
	}
	quality_thresholds_default(&qt);
	res->reasons = quality_reasons(&qi, &qt);
	res->replaced = exists;

	memset(&sc, 0, sizeof(sc));
	sc.conversation_id = res->conversation_id;
	sc.user_pseudo = user_ps;
	sc.session_pseudo = c.session_id ? session_ps : NULL;
	sc.ingested_at = pipeline_now(p);
	sc.created_at = c.has_created_at ? c.created_at : sc.ingested_at;
	sc.model = c.model;
	sc.n_messages = (long)c.nmessages;
	sc.response_chars = qi.response_chars;
	sc.flags = qi.flags;
	sc.reasons = res->reasons;
	sc.langs = buf_cstr(&langs);
	sc.frameworks = buf_cstr(&fws);
	sc.redactions = buf_cstr(&reds);
	sc.messages = buf_cstr(&msgs);
	sc.messages_len = msgs.len;
	sc.extra = extra.len ? buf_cstr(&extra) : NULL;
	sc.extra_len = extra.len;
	if (store_put_conversation(p->st, &sc, exists)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		rc = PIPE_ESTORE;
		goto out;
	}
	rc = PIPE_OK;
out:
	conv_release(&c);
	buf_release(&msgs);
	buf_release(&extra);
	buf_release(&langs);
	buf_release(&fws);
	buf_release(&reds);
	return rc;
}
