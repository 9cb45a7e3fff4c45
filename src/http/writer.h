/*
 * writer: the one thread that writes to the store, with group commit.
 *
 * Request threads do the expensive, store-free work (parse, scrub,
 * pseudonymize) in parallel and queue a job; the writer takes everything
 * queued, applies it in one transaction and commits once, so many requests
 * share one fsync. A job's done() runs after its commit (or failure); only
 * then may the request be answered. If anything in a batch fails in the
 * store, the batch is rolled back and its jobs are retried one by one, so
 * one bad job cannot sink the others.
 *
 * With a store_syncer the commit does not wait for the disk: committed
 * batches go to a second thread that flushes once for all the batches
 * committed meanwhile and only then calls their done(). The writer keeps
 * committing while the disk works, so throughput is not one batch per
 * flush latency. If a flush fails, nothing more is accepted (after a
 * failed fsync the OS may have dropped the data: only a restart, with
 * SQLite's recovery, is safe).
 */
#ifndef CERBERUS_WRITER_H
#define CERBERUS_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/pipeline.h"

enum wjob_type { WJ_NONE, WJ_INGEST, WJ_FEEDBACK, WJ_ERASE };

/* One conversation of an ingest job. */
struct wjob_item {
	struct ingest_prep prep;
	struct ingest_result res;
	int rc;
	char err[256];
};

struct wjob {
	struct wjob *next;
	enum wjob_type type;
	struct wjob_item *items;        /* WJ_INGEST */
	size_t nitems;
	struct feedback_request fb;     /* WJ_FEEDBACK */
	struct feedback_result fbres;
	const char *user_id;            /* WJ_ERASE */
	struct erase_result er;
	int rc;                         /* the job's result (ingest: per item too) */
	char err[256];
	void (*done)(struct wjob *j);   /* called once, from the writer thread */
	void *arg;
};

struct writer_stats {
	uint64_t commits;               /* transactions committed */
	uint64_t jobs;                  /* jobs applied */
	uint64_t syncs;                 /* log flushes (each covers one or more commits) */
};

struct writer;

struct store_syncer;

/* threaded false: writer_submit applies the job at once in the caller.
 * sy (threaded only, may be NULL): the store's syncer, see above. */
struct writer *writer_start(struct pipeline *p, bool threaded, struct store_syncer *sy, char *err, size_t errlen);
void writer_submit(struct writer *w, struct wjob *j);
void writer_stats(struct writer *w, struct writer_stats *out);
/* Apply what is queued and stop the thread; later jobs fail at once
 * ("shutting down"). */
void writer_stop(struct writer *w);
/* Stop (if running) and free. */
void writer_free(struct writer *w);

#endif
