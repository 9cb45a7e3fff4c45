/*
 * ingest: one conversation record from JSON text to the store.
 *
 * Order matters for privacy: the record is parsed, then every text is
 * scrubbed and the identifiers pseudonymized in memory; only then is
 * anything handed to the store. A failure anywhere before the write
 * refuses the record (fail closed).
 *
 * The work is split in two so that callers can parallelise the expensive
 * part: pipeline_prepare (pure, thread-safe) and pipeline_store_prepared
 * (the store's thread).
 */
#include "pipeline/pipeline.h"
#include "core/lang.h"
#include "util/buf.h"
#include "util/hex.h"
#include "util/utf8.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static unsigned redactions_total(const struct scrub_counts *c)
{
	unsigned n = 0;

	for (unsigned t = 0; t < SCRUB_NTYPES; t++)
		n += c->n[t];
	return n;
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

/* "c-" and 24 hex digits: the time in milliseconds (6 bytes) then 6 random
 * bytes, so that new ids land at the end of the id index instead of on a
 * random page of it (one page written per commit instead of one per row). */
static int new_conversation_id(char out[CONV_ID_MAX + 1])
{
	unsigned char r[12];
	struct timespec ts;
	uint64_t ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 5; i >= 0; i--, ms >>= 8)
		r[i] = (unsigned char)ms;
	if (RAND_bytes(r + 6, 6) != 1)
		return -1;
	memcpy(out, "c-", 2);
	hex_encode(r, sizeof(r), out + 2);
	return 0;
}

static void take(struct buf_pair *dst, struct buf *src)
{
	dst->len = src->len;
	dst->data = buf_detach(src);
}

void ingest_prep_release(struct ingest_prep *prep)
{
	free(prep->model);
	free(prep->messages.data);
	free(prep->extra.data);
	free(prep->langs.data);
	free(prep->frameworks.data);
	free(prep->reds.data);
	memset(prep, 0, sizeof(*prep));
}

static int prep_fail(struct ingest_prep *prep, int rc, const char *msg)
{
	snprintf(prep->err, sizeof(prep->err), "%s", msg);
	return prep->rc = rc;
}

int pipeline_prepare(const struct pipeline *p, const char *json, size_t len, struct ingest_prep *prep)
{
	struct conversation c;
	struct lang_result lr;
	struct buf msgs, extra, langs, fws, reds;
	size_t bad;
	bool pii = false;
	struct scrub_ctx *ctx = NULL;
	int rc;

	memset(prep, 0, sizeof(*prep));
	if (!utf8_valid(json, len, &bad)) {
		snprintf(prep->err, sizeof(prep->err), "invalid UTF-8 at byte %zu", bad + 1);
		return prep->rc = PIPE_EINPUT;
	}
	if (conv_parse(json, len, &c, prep->err, sizeof(prep->err)))
		return prep->rc = PIPE_EINPUT;

	buf_init(&msgs, 0);
	buf_init(&extra, 0);
	buf_init(&langs, 4096);
	buf_init(&fws, 4096);
	buf_init(&reds, 4096);
	/* one replacement context per conversation, keyed with the store key:
	 * the same value gets the same placeholder in every turn; the mapping
	 * lives only in memory and is wiped when the context is freed */
	ctx = scrub_ctx_new(p->scrub, p->scrub_mode, p->key.k, PSEUDO_KEY_LEN);
	/* the re-scan (quality criterion "pii") only matters when something was
	 * replaced: a text without findings is unchanged, and the scan of the
	 * same text finds the same (nothing) */
	if (!ctx || conv_scrub_ctx(&c, ctx, &prep->redactions) ||
	    (redactions_total(&prep->redactions) && conv_has_pii(&c, p->scrub, &pii))) {
		rc = prep_fail(prep, PIPE_ESCRUB, "scrubbing failed; record refused");
		goto out;
	}
	if (pseudo_id(&p->key, c.user_id, strlen(c.user_id), prep->user_ps) ||
	    (c.session_id && pseudo_id(&p->key, c.session_id, strlen(c.session_id), prep->session_ps))) {
		rc = prep_fail(prep, PIPE_ESCRUB, "pseudonymization failed; record refused");
		goto out;
	}
	prep->has_session = c.session_id != NULL;
	if (c.id) {
		/* an id is stored and echoed as it is: it must not carry PII */
		struct scrub_findings idf = { 0 };
		int frc = scrub_find(p->scrub, c.id, strlen(c.id), &idf);
		size_t nf = idf.n;
		enum scrub_type ft = nf ? idf.v[0].type : SCRUB_EMAIL;
		scrub_findings_release(&idf);
		if (frc || nf) {
			snprintf(prep->err, sizeof(prep->err), "field 'conversation_id': looks like personal data (%s)",
				 frc ? "scrubber failed" : scrub_type_name(ft));
			rc = prep->rc = frc ? PIPE_ESCRUB : PIPE_EINPUT;
			goto out;
		}
		snprintf(prep->conversation_id, sizeof(prep->conversation_id), "%s", c.id);
		prep->id_given = true;
	} else if (new_conversation_id(prep->conversation_id)) {
		rc = prep_fail(prep, PIPE_ESCRUB, "cannot generate a conversation id");
		goto out;
	}
	detect(&c, &lr);
	if (conv_messages_json(&c, &msgs) || conv_extra_json(&c, &extra) ||
	    join_names(&langs, lr.langs, lang_name) || join_names(&fws, lr.frameworks, framework_name) ||
	    redactions_string(&reds, &prep->redactions) || (c.model && !(prep->model = strdup(c.model)))) {
		rc = prep_fail(prep, PIPE_ENOMEM, "out of memory");
		goto out;
	}
	take(&prep->messages, &msgs);
	if (extra.len)
		take(&prep->extra, &extra);
	take(&prep->langs, &langs);
	take(&prep->frameworks, &fws);
	take(&prep->reds, &reds);
	prep->created_at = c.created_at;
	prep->has_created_at = c.has_created_at;
	prep->n_messages = (long)c.nmessages;
	prep->response_chars = (long)conv_response_chars(&c);
	prep->flags = (conv_complete(&c) ? 0 : CONV_F_INCOMPLETE) | (pii ? CONV_F_PII : 0) |
		      (c.context && *c.context ? CONV_F_CONTEXT : 0);
	rc = PIPE_OK;
out:
	scrub_ctx_free(ctx);
	conv_release(&c);
	buf_release(&msgs);
	buf_release(&extra);
	buf_release(&langs);
	buf_release(&fws);
	buf_release(&reds);
	if (rc)
		prep->rc = rc;
	return rc;
}

int pipeline_store_prepared(struct pipeline *p, const struct ingest_prep *prep, struct ingest_result *res,
			    char *err, size_t errlen)
{
	struct store_conv sc;
	struct store_conv_info info = { 0 };
	struct quality_input qi;
	struct quality_thresholds qt;
	bool exists = false;
	int rc;

	memset(res, 0, sizeof(*res));
	if (prep->rc) {
		snprintf(err, errlen, "%s", prep->err);
		return prep->rc;
	}
	memcpy(res->conversation_id, prep->conversation_id, sizeof(res->conversation_id));
	res->redactions = prep->redactions;
	if (prep->id_given) {
		rc = store_find_conversation(p->st, prep->conversation_id, &info);
		if (rc == STORE_OK) {
			exists = true;
		} else if (rc != STORE_ENOTFOUND) {
			snprintf(err, errlen, "%s", store_errmsg(p->st));
			return PIPE_ESTORE;
		}
	}
	memset(&qi, 0, sizeof(qi));
	qi.response_chars = prep->response_chars;
	qi.flags = prep->flags;
	if (exists) {
		qi.rating_sum = info.rating_sum;
		qi.rating_count = info.rating_count;
	}
	quality_thresholds_default(&qt);
	res->reasons = quality_reasons(&qi, &qt);
	res->replaced = exists;

	memset(&sc, 0, sizeof(sc));
	sc.conversation_id = prep->conversation_id;
	sc.user_pseudo = prep->user_ps;
	sc.session_pseudo = prep->has_session ? prep->session_ps : NULL;
	sc.ingested_at = pipeline_now(p);
	sc.created_at = prep->has_created_at ? prep->created_at : sc.ingested_at;
	sc.model = prep->model;
	sc.n_messages = prep->n_messages;
	sc.response_chars = prep->response_chars;
	sc.flags = prep->flags;
	sc.reasons = res->reasons;
	sc.langs = prep->langs.data;
	sc.frameworks = prep->frameworks.data;
	sc.redactions = prep->reds.data;
	sc.messages = prep->messages.data;
	sc.messages_len = prep->messages.len;
	sc.extra = prep->extra.data;
	sc.extra_len = prep->extra.len;
	if (store_put_conversation(p->st, &sc, exists)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	return PIPE_OK;
}

int pipeline_ingest(struct pipeline *p, const char *json, size_t len, struct ingest_result *res, char *err,
		    size_t errlen)
{
	struct ingest_prep prep;
	int rc;

	pipeline_prepare(p, json, len, &prep);
	rc = pipeline_store_prepared(p, &prep, res, err, errlen);
	ingest_prep_release(&prep);
	return rc;
}

struct prep_job {
	const struct pipeline *p;
	const char *const *json;
	const size_t *len;
	struct ingest_prep *prep;
	size_t from, to;
};

static void *prep_worker(void *arg)
{
	struct prep_job *j = arg;

	for (size_t i = j->from; i < j->to; i++)
		pipeline_prepare(j->p, j->json[i], j->len[i], &j->prep[i]);
	return NULL;
}

#define PREP_MAX_THREADS 16

void pipeline_prepare_many(const struct pipeline *p, const char *const *json, const size_t *len,
			   struct ingest_prep *prep, size_t n, int nthreads)
{
	struct prep_job jobs[PREP_MAX_THREADS];
	pthread_t tid[PREP_MAX_THREADS];
	bool started[PREP_MAX_THREADS] = { false };
	size_t t, per;

	if (n == 0)
		return;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > PREP_MAX_THREADS)
		nthreads = PREP_MAX_THREADS;
	if ((size_t)nthreads > n)
		nthreads = (int)n;
	per = (n + (size_t)nthreads - 1) / (size_t)nthreads;
	for (t = 0; t < (size_t)nthreads; t++) {
		jobs[t] = (struct prep_job){ p, json, len, prep, t * per, (t + 1) * per < n ? (t + 1) * per : n };
		/* the caller's thread takes the first share; others get a thread
		 * each, or are done inline when no thread can be had */
		if (t > 0 && pthread_create(&tid[t], NULL, prep_worker, &jobs[t]) == 0)
			started[t] = true;
	}
	prep_worker(&jobs[0]);
	for (t = 1; t < (size_t)nthreads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			prep_worker(&jobs[t]);
	}
}
