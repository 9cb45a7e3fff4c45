/* writer: one store writer with group commit (see writer.h). */
#include "http/writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A batch is cut here so that one commit cannot hold answers back for long. */
#define BATCH_MAX 2048

struct writer {
	struct pipeline *p;
	bool threaded, stop;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wjob *head, *tail;
	/* the flush stage */
	struct store_syncer *sy;
	pthread_t sync_tid;
	bool sync_started, sync_stop;
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_cv;
	pthread_cond_t sync_taken;      /* the flush stage took what was committed */
	struct wjob *sync_head, *sync_tail;
	bool failed;                    /* a flush failed: refuse every write */
	char failmsg[256];
	struct writer_stats stats;
	struct wjob *batch[BATCH_MAX];
};

/* Apply one job inside the current transaction. The job's rc is its
 * outcome; the return value is PIPE_ESTORE when the transaction is
 * spoiled and must be rolled back. */
static int apply(struct writer *w, struct wjob *j)
{
	int spoiled = PIPE_OK;

	switch (j->type) {
	case WJ_INGEST:
		j->rc = PIPE_OK;
		for (size_t i = 0; i < j->nitems; i++) {
			struct wjob_item *it = &j->items[i];
			it->rc = pipeline_store_prepared(w->p, &it->prep, &it->res, it->err, sizeof(it->err));
			if (it->rc == PIPE_ESTORE)
				spoiled = j->rc = PIPE_ESTORE;
		}
		break;
	case WJ_FEEDBACK:
		j->rc = pipeline_feedback(w->p, &j->fb, &j->fbres, j->err, sizeof(j->err));
		break;
	case WJ_ERASE:
		j->rc = pipeline_erase_user(w->p, j->user_id, &j->er, j->err, sizeof(j->err));
		break;
	default:
		j->rc = PIPE_EINPUT;
		snprintf(j->err, sizeof(j->err), "unknown job");
		break;
	}
	if (j->rc == PIPE_ESTORE || j->rc == PIPE_ENOMEM)
		spoiled = PIPE_ESTORE;
	return spoiled;
}

/* The store failed: every job of the batch gets the error. */
static void fail_job(struct wjob *j, const char *msg)
{
	j->rc = PIPE_ESTORE;
	snprintf(j->err, sizeof(j->err), "%s", msg);
	for (size_t i = 0; i < j->nitems; i++)
		if (j->items[i].rc == PIPE_OK) {
			j->items[i].rc = PIPE_ESTORE;
			snprintf(j->items[i].err, sizeof(j->items[i].err), "%s", msg);
		}
}

/* Apply jobs[0..n) in one transaction; 0 when committed. */
static int run_batch(struct writer *w, struct wjob **jobs, size_t n, char *err, size_t errlen)
{
	if (pipeline_begin(w->p, err, errlen))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (apply(w, jobs[i])) {
			snprintf(err, errlen, "%s", store_errmsg(w->p->st));
			pipeline_rollback(w->p);
			return -1;
		}
	if (pipeline_commit(w->p, err, errlen))
		return -1;
	__atomic_fetch_add(&w->stats.commits, 1, __ATOMIC_RELAXED);
	return 0;
}

/* Committed (or failed) jobs: answer them, after a flush when there is a
 * flush stage. */
static void hand_off(struct writer *w, struct wjob **jobs, size_t n)
{
	if (!w->sy) {
		for (size_t i = 0; i < n; i++)
			if (jobs[i]->done)
				jobs[i]->done(jobs[i]);
		return;
	}
	pthread_mutex_lock(&w->sync_mu);
	for (size_t i = 0; i < n; i++) {
		jobs[i]->next = NULL;
		if (w->sync_tail)
			w->sync_tail->next = jobs[i];
		else
			w->sync_head = jobs[i];
		w->sync_tail = jobs[i];
	}
	pthread_cond_signal(&w->sync_cv);
	pthread_mutex_unlock(&w->sync_mu);
}

static void *syncer_main(void *arg)
{
	struct writer *w = arg;
	struct wjob *j, *next;

	pthread_mutex_lock(&w->sync_mu);
	for (;;) {
		while (!w->sync_head && !w->sync_stop)
			pthread_cond_wait(&w->sync_cv, &w->sync_mu);
		if (!w->sync_head)
			break;
		j = w->sync_head;
		w->sync_head = w->sync_tail = NULL;
		pthread_cond_signal(&w->sync_taken);
		pthread_mutex_unlock(&w->sync_mu);
		/* one flush for every job taken: all were committed before it */
		if (store_syncer_sync(w->sy)) {
			pthread_mutex_lock(&w->mu);
			if (!w->failed)
				snprintf(w->failmsg, sizeof(w->failmsg), "the store could not be flushed (%.180s); restart the server",
					 w->sy->err);
			__atomic_store_n(&w->failed, true, __ATOMIC_RELEASE);
			pthread_mutex_unlock(&w->mu);
		} else {
			__atomic_fetch_add(&w->stats.syncs, 1, __ATOMIC_RELAXED);
		}
		for (; j; j = next) {
			next = j->next;
			if (__atomic_load_n(&w->failed, __ATOMIC_ACQUIRE))
				fail_job(j, w->failmsg);
			if (j->done)
				j->done(j);
		}
		pthread_mutex_lock(&w->sync_mu);
	}
	pthread_mutex_unlock(&w->sync_mu);
	return NULL;
}

static void process(struct writer *w, struct wjob **jobs, size_t n)
{
	char err[256];

	if (__atomic_load_n(&w->failed, __ATOMIC_ACQUIRE)) {
		for (size_t i = 0; i < n; i++)
			fail_job(jobs[i], w->failmsg);
		hand_off(w, jobs, n);
		return;
	}
	if (run_batch(w, jobs, n, err, sizeof(err))) {
		/* isolate the failure: each job on its own */
		for (size_t i = 0; i < n; i++)
			if (n == 1 || run_batch(w, &jobs[i], 1, err, sizeof(err)))
				fail_job(jobs[i], err);
	}
	__atomic_fetch_add(&w->stats.jobs, n, __ATOMIC_RELAXED);
	hand_off(w, jobs, n);
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct wjob **batch = w->batch;
	size_t n;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head && w->stop)
			break;
		if (w->sy) {
			/* at most one committed batch waits for the flush in
			 * progress: while it waits, requests pile up here and
			 * the next commit takes them all at once */
			pthread_mutex_unlock(&w->mu);
			pthread_mutex_lock(&w->sync_mu);
			while (w->sync_head)
				pthread_cond_wait(&w->sync_taken, &w->sync_mu);
			pthread_mutex_unlock(&w->sync_mu);
			pthread_mutex_lock(&w->mu);
		}
		for (n = 0; w->head && n < BATCH_MAX; n++) {
			batch[n] = w->head;
			w->head = w->head->next;
		}
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->mu);
		process(w, batch, n);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct writer *writer_start(struct pipeline *p, bool threaded, struct store_syncer *sy, char *err, size_t errlen)
{
	struct writer *w = calloc(1, sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->p = p;
	w->threaded = threaded;
	w->sy = threaded ? sy : NULL;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_mutex_init(&w->sync_mu, NULL);
	pthread_cond_init(&w->sync_cv, NULL);
	pthread_cond_init(&w->sync_taken, NULL);
	if (w->sy) {
		if (pthread_create(&w->sync_tid, NULL, syncer_main, w)) {
			snprintf(err, errlen, "cannot start the flush thread");
			goto fail;
		}
		w->sync_started = true;
	}
	if (threaded && pthread_create(&w->tid, NULL, writer_main, w)) {
		snprintf(err, errlen, "cannot start the writer thread");
		goto fail;
	}
	return w;
fail:
	w->threaded = false;
	writer_free(w);
	return NULL;
}

void writer_submit(struct writer *w, struct wjob *j)
{
	j->next = NULL;
	if (!w->threaded) {
		process(w, &j, 1);
		return;
	}
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		/* shutting down: nothing more is written */
		pthread_mutex_unlock(&w->mu);
		fail_job(j, "the server is shutting down");
		if (j->done)
			j->done(j);
		return;
	}
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void writer_stats(struct writer *w, struct writer_stats *out)
{
	out->commits = __atomic_load_n(&w->stats.commits, __ATOMIC_RELAXED);
	out->jobs = __atomic_load_n(&w->stats.jobs, __ATOMIC_RELAXED);
	out->syncs = __atomic_load_n(&w->stats.syncs, __ATOMIC_RELAXED);
}

static void stop_syncer(struct writer *w)
{
	if (!w->sync_started)
		return;
	pthread_mutex_lock(&w->sync_mu);
	w->sync_stop = true;
	pthread_cond_signal(&w->sync_cv);
	pthread_mutex_unlock(&w->sync_mu);
	pthread_join(w->sync_tid, NULL);
	w->sync_started = false;
}

void writer_stop(struct writer *w)
{
	if (!w)
		return;
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		if (w->stop) {
			pthread_mutex_unlock(&w->mu);
			return;
		}
		w->stop = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->tid, NULL);
	}
	/* after the writer: it hands its last batches to the flush stage */
	stop_syncer(w);
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	writer_stop(w);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->sync_mu);
	pthread_cond_destroy(&w->sync_cv);
	pthread_cond_destroy(&w->sync_taken);
	free(w);
}
