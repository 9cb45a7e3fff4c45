/*
 * pipeline: the internal API of Cerberus. The CLI commands and the HTTP
 * handlers both call these functions; they compose the pure core (parse,
 * scrub, pseudonymize, detect, judge, format) with the store.
 *
 * A struct pipeline holds an open store, the pseudonymization key and the
 * scrubber. Errors come back as a PIPE_* code and a one-line message in the
 * caller's buffer; nothing here prints or exits. Messages never contain raw
 * identifiers or unscrubbed text.
 */
#ifndef CERBERUS_PIPELINE_H
#define CERBERUS_PIPELINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conv.h"
#include "core/dedup.h"
#include "core/filter.h"
#include "core/pseudo.h"
#include "core/quality.h"
#include "core/scrub.h"
#include "store/store.h"

enum {
	PIPE_OK = 0,
	PIPE_EINPUT = -1,    /* the record or request is invalid: nothing written */
	PIPE_ENOTFOUND = -2, /* unknown conversation */
	PIPE_ESTORE = -3,    /* the store failed */
	PIPE_EKEY = -4,      /* key missing, malformed or not this store's */
	PIPE_EIO = -5,       /* a file could not be read or written */
	PIPE_ENOMEM = -6,
	PIPE_ESCRUB = -7,    /* scrubbing failed: the record is refused */
};

#define PIPE_DEFAULT_MAX_LINE ((size_t)1 << 20)

struct pipeline_options {
	const char *store_path;  /* NULL: $CERBERUS_STORE, else cerberus.db */
	const char *key_path;    /* NULL: $CERBERUS_KEY_FILE, else beside the store */
	bool create;             /* init: create the store and the key */
	bool durable;            /* fsync every commit */
	bool defer_sync;         /* commits are flushed by a store_syncer (servers) */
	bool readonly;
	int64_t now;             /* the clock (Unix seconds); 0: real time */
	enum scrub_mode scrub_mode; /* what replaces PII in stored text (0: <TYPE_N>) */
};

struct pipeline {
	store *st;
	struct pseudo_key key;
	struct scrubber *scrub;
	enum scrub_mode scrub_mode;  /* placeholders in stored text (0: numbered) */
	char *store_path;
	char *key_path;
	int64_t now;
	bool key_created;        /* init made a new key file */
	bool store_created;
	bool reader;             /* pipeline_open_reader: the scrubber is borrowed */
};

/* Resolve paths, open (or create) the store, load (or create) the key and
 * check it against the store. Returns PIPE_OK with *out set. */
int pipeline_open(const struct pipeline_options *o, struct pipeline **out, char *err, size_t errlen);
void pipeline_close(struct pipeline *p);
/* A second, read-only connection to p's store that shares p's key and
 * scrubber (so p must outlive it): for servers whose readers must not
 * wait for the writer. */
int pipeline_open_reader(const struct pipeline *p, struct pipeline **out, char *err, size_t errlen);
/* The store path pipeline_open would use for o (for messages). */
const char *pipeline_store_path(const struct pipeline_options *o);
int64_t pipeline_now(const struct pipeline *p);

/* Transactions group many ingests or ratings into one commit. */
int pipeline_begin(struct pipeline *p, char *err, size_t errlen);
int pipeline_commit(struct pipeline *p, char *err, size_t errlen);
void pipeline_rollback(struct pipeline *p);

struct ingest_result {
	char conversation_id[CONV_ID_MAX + 1];
	bool replaced;           /* an existing conversation was replaced */
	unsigned reasons;        /* verdict at the default thresholds */
	struct scrub_counts redactions;
};

/*
 * Validate, anonymize, scrub and store one conversation record (JSON text).
 * PIPE_EINPUT or PIPE_ESCRUB: the record was refused and nothing written;
 * PIPE_ESTORE: the store failed and the current transaction must be
 * rolled back.
 */
int pipeline_ingest(struct pipeline *p, const char *json, size_t len, struct ingest_result *res,
		    char *err, size_t errlen);

/*
 * Ingest in two phases, for callers that parallelise: pipeline_prepare does
 * everything that needs no store (validate, scrub, pseudonymize, detect,
 * serialise) and may run on many threads at once for one pipeline;
 * pipeline_store_prepared writes the result and must be called from the
 * thread that owns the store, in the order records should be applied.
 */
struct ingest_prep {
	int rc;                  /* PIPE_OK or the preparation's error */
	char err[256];
	char conversation_id[CONV_ID_MAX + 1];
	bool id_given;
	char user_ps[PSEUDO_HEX_LEN + 1];
	char session_ps[PSEUDO_HEX_LEN + 1];
	bool has_session;
	int64_t created_at;
	bool has_created_at;
	char *model;
	long n_messages, response_chars;
	unsigned flags;
	struct scrub_counts redactions;
	struct buf_pair { char *data; size_t len; } messages, extra, langs, frameworks, reds;
};

int pipeline_prepare(const struct pipeline *p, const char *json, size_t len, struct ingest_prep *prep);
int pipeline_store_prepared(struct pipeline *p, const struct ingest_prep *prep, struct ingest_result *res,
			    char *err, size_t errlen);
void ingest_prep_release(struct ingest_prep *prep);
/* Prepare n records on up to nthreads threads (the caller's included). */
void pipeline_prepare_many(const struct pipeline *p, const char *const *json, const size_t *len,
			   struct ingest_prep *prep, size_t n, int nthreads);

struct feedback_request {
	const char *conversation_id;
	int rating;              /* 1..5 */
	const char *comment;     /* NULL when none; scrubbed before storing */
	const char *user_id;     /* raw, NULL for anonymous; pseudonymized */
};

struct feedback_result {
	bool replaced;           /* the same user had rated it before */
	long rating_count;
	double rating_mean;
	unsigned reasons;
};

int pipeline_feedback(struct pipeline *p, const struct feedback_request *req, struct feedback_result *res,
		      char *err, size_t errlen);
/* Fill req from a parsed feedback object; the strings point into root.
 * PIPE_EINPUT (message in err) when a field is missing or wrongly typed. */
int pipeline_feedback_from_json(json_t *root, struct feedback_request *req, char *err, size_t errlen);
/* Parse a feedback JSON object (a line of `feedback --file`) into req; the
 * strings point into *holder, which the caller json_decref()s. */
int pipeline_feedback_parse(const char *json, size_t len, struct feedback_request *req, json_t **holder,
			    char *err, size_t errlen);

struct stats_options {
	struct quality_thresholds thresholds;
	int days;                /* length of per_day, ending today */
};

/* Compute the statistics object of `cerberus stats --json`. The caller
 * json_decref()s *out. */
int pipeline_stats(struct pipeline *p, const struct stats_options *o, json_t **out, char *err, size_t errlen);

struct progress_options {
	struct quality_thresholds thresholds;
	long goal;
	int window_days;         /* trailing window of the measured rate (7) */
};

/* The object of `cerberus progress --json`. */
int pipeline_progress(struct pipeline *p, const struct progress_options *o, json_t **out, char *err,
		      size_t errlen);

/*
 * Export curation (see README, "Curation"): the four criteria, then the
 * heuristic filters, exact and near duplicates, the per-prompt cap, the
 * leak-free split, decontamination against an evaluation set and the
 * validation-vs-train n-gram check; then the chosen format.
 */
struct export_options {
	const char *out_dir;     /* NULL: analyse only (curate --report), write nothing */
	const char *format;      /* a format_names entry; "openai" */
	unsigned format_flags;   /* enum format_flags */
	double val_fraction;
	uint64_t seed;
	struct quality_thresholds thresholds;
	struct filter_config filters;
	bool exact_dedup;        /* drop exact duplicates (default true) */
	bool near_dedup;         /* drop near duplicates (default true); clusters always group the split */
	struct dedup_params dedup;
	long max_per_prompt;     /* examples (or pairs) kept per normalised prompt; 0: no cap */
	bool split_by_user;      /* one user's examples stay on one side */
	int overlap_n;           /* n-gram size of the overlap checks (13); 0: no validation check */
	double overlap_threshold; /* share of a validation example's n-grams seen in train that drops it */
	const char *decontaminate; /* evaluation set (JSON Lines or text) or NULL */
	long max_tokens;         /* context length the token report counts against */
	int min_rating_gap;      /* preference pairs: chosen - rejected mean rating (2) */
	/* progress of long phases; may be NULL. total is 0 when unknown. */
	void (*progress)(void *ctx, const char *phase, long done, long total);
	void *progress_ctx;
};

/* Defaults for everything above except out_dir. */
void export_options_default(struct export_options *o);

struct export_result {
	long train;
	long validation;
	long considered;         /* rows in the store */
	long rejected;           /* by the four criteria */
	long removed;            /* by curation (filters, duplicates, caps, overlap) */
	long check_errors;       /* OpenAI-check errors found in the output */
	json_t *report;          /* the manifest object (also without out_dir); caller decrefs */
};

int pipeline_export(struct pipeline *p, const struct export_options *o, struct export_result *res, char *err,
		    size_t errlen);

/* One stored conversation as a JSON object: the scrubbed messages, the
 * ratings and the verdict. */
int pipeline_show(struct pipeline *p, const char *conversation_id, const struct quality_thresholds *t,
		  json_t **out, char *err, size_t errlen);

/* The feedback token of a conversation (64 hex): lets whoever received it
 * rate that one conversation without an API key. */
int pipeline_feedback_token(const struct pipeline *p, const char *conversation_id,
			    char out[static PSEUDO_HEX_LEN + 1]);
/* True when token is that conversation's token (compared in constant time). */
bool pipeline_feedback_token_ok(const struct pipeline *p, const char *conversation_id, const char *token,
				size_t token_len);

struct erase_result {
	long conversations;      /* conversations removed (with their text) */
	long ratings;            /* ratings removed: given by the user or of the removed conversations */
};

/* Right to erasure: delete every conversation and rating of the user with
 * raw id user_id (pseudonymized here; never stored or printed). Runs in
 * the caller's transaction, or in one of its own. */
int pipeline_erase_user(struct pipeline *p, const char *user_id, struct erase_result *res, char *err,
			size_t errlen);
/* Retention: delete the conversations created before cutoff (Unix seconds)
 * with their ratings. */
int pipeline_purge(struct pipeline *p, int64_t cutoff, struct erase_result *res, char *err, size_t errlen);

/* API keys. A key is "cbk_" and 64 hex digits of randomness; the store
 * keeps its SHA-256 (pipeline_apikey_hash) and its first characters. */
#define APIKEY_LEN 68
#define APIKEY_PREFIX_LEN 12
enum apikey_scope { APIKEY_NONE = 0, APIKEY_INGEST = 1, APIKEY_ADMIN = 2 };

const char *apikey_scope_name(int scope);
int apikey_scope_from_name(const char *name);   /* APIKEY_NONE when unknown */
/* out = hex(SHA-256(key)). */
void pipeline_apikey_hash(const char *key, size_t len, char out[static PSEUDO_HEX_LEN + 1]);
/* Create a key; the secret comes back in key (shown once, never stored). */
int pipeline_apikey_create(struct pipeline *p, int scope, const char *name, char key[static APIKEY_LEN + 1],
			   int64_t *id, char *err, size_t errlen);
int pipeline_apikey_revoke(struct pipeline *p, int64_t id, char *err, size_t errlen);
/* The keys as a JSON array of {id, name, scope, prefix, created_at, revoked_at}. */
int pipeline_apikey_list(struct pipeline *p, json_t **out, char *err, size_t errlen);

/* The reasons as a JSON array of names. */
json_t *pipeline_reasons_json(unsigned reasons);

#endif
