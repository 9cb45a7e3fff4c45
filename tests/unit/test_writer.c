/* Unit tests for the server's writer: group commit across concurrent
 * submitters, answers only after the flush, and errors per job. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/writer.h"
#include "pipeline/pipeline.h"

#define NTHREADS 4
#define PER_THREAD 100

static char dir[64], path[128];
static struct pipeline *p;
static struct store_syncer *sy;
static struct writer *w;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done_count;

static void setup(void)
{
	struct pipeline_options po = { 0 };
	char err[512];

	snprintf(dir, sizeof(dir), "/tmp/cerberus-writer-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/w.db", dir);
	po.store_path = path;
	po.create = true;
	po.defer_sync = true;
	po.now = 1795000000;
	cr_assert_eq(pipeline_open(&po, &p, err, sizeof(err)), PIPE_OK, "%s", err);
	cr_assert_eq(store_syncer_open(p->st, &sy, err, sizeof(err)), STORE_OK, "%s", err);
	w = writer_start(p, true, sy, err, sizeof(err));
	cr_assert_not_null(w, "%s", err);
	done_count = 0;
}

static void teardown(void)
{
	char cmd[128];

	writer_free(w);
	store_syncer_close(sy);
	pipeline_close(p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

TestSuite(writer, .init = setup, .fini = teardown);

static void on_done(struct wjob *j)
{
	pthread_mutex_lock(&mu);
	done_count++;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

struct submitter {
	int id;
	struct wjob jobs[PER_THREAD];
	struct wjob_item items[PER_THREAD];
};

static void *submit_all(void *arg)
{
	struct submitter *s = arg;
	char rec[256];

	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(rec, sizeof(rec), "{\"conversation_id\":\"w-%d-%d\",\"user_id\":\"u%d\",\"question\":\"q\","
			 "\"answer\":\"a\"}", s->id, i, i);
		pipeline_prepare(p, rec, strlen(rec), &s->items[i].prep);
		memset(&s->jobs[i], 0, sizeof(s->jobs[i]));
		s->jobs[i].type = WJ_INGEST;
		s->jobs[i].items = &s->items[i];
		s->jobs[i].nitems = 1;
		s->jobs[i].done = on_done;
		writer_submit(w, &s->jobs[i]);
	}
	return NULL;
}

Test(writer, concurrent_jobs_share_commits)
{
	static struct submitter subs[NTHREADS];
	pthread_t tid[NTHREADS];
	struct writer_stats st;
	struct store_conv_info info;

	for (int t = 0; t < NTHREADS; t++) {
		subs[t].id = t;
		cr_assert_eq(pthread_create(&tid[t], NULL, submit_all, &subs[t]), 0);
	}
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_lock(&mu);
	while (done_count < NTHREADS * PER_THREAD)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	writer_stats(w, &st);
	cr_assert_eq(st.jobs, NTHREADS * PER_THREAD);
	cr_assert_lt(st.commits, st.jobs, "group commit: %llu commits for %llu jobs",
		     (unsigned long long)st.commits, (unsigned long long)st.jobs);
	cr_assert_leq(st.syncs, st.commits);
	cr_assert_geq(st.syncs, 1);
	for (int t = 0; t < NTHREADS; t++)
		for (int i = 0; i < PER_THREAD; i++) {
			char id[32];
			cr_assert_eq(subs[t].jobs[i].rc, PIPE_OK);
			cr_assert_eq(subs[t].items[i].rc, PIPE_OK, "%s", subs[t].items[i].err);
			snprintf(id, sizeof(id), "w-%d-%d", t, i);
			cr_assert_eq(store_find_conversation(p->st, id, &info), STORE_OK, "%s missing", id);
			ingest_prep_release(&subs[t].items[i].prep);
		}
}

Test(writer, errors_stay_with_their_job)
{
	static struct wjob jobs[3];
	static struct wjob_item items[2];
	static const char *recs[2] = { "{\"conversation_id\":\"ok-1\",\"user_id\":\"u\",\"question\":\"q\",\"answer\":\"a\"}",
				       "{\"conversation_id\":\"bad\",\"user_id\":\"u\"}" };

	for (int i = 0; i < 2; i++) {
		pipeline_prepare(p, recs[i], strlen(recs[i]), &items[i].prep);
		jobs[i].type = WJ_INGEST;
		jobs[i].items = &items[i];
		jobs[i].nitems = 1;
		jobs[i].done = on_done;
	}
	/* a rating of an unknown conversation */
	jobs[2].type = WJ_FEEDBACK;
	jobs[2].fb.conversation_id = "nope";
	jobs[2].fb.rating = 4;
	jobs[2].done = on_done;
	for (int i = 0; i < 3; i++)
		writer_submit(w, &jobs[i]);
	pthread_mutex_lock(&mu);
	while (done_count < 3)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	cr_assert_eq(items[0].rc, PIPE_OK);
	cr_assert_eq(items[1].rc, PIPE_EINPUT);
	cr_assert_eq(jobs[2].rc, PIPE_ENOTFOUND);
	cr_assert_eq(store_find_conversation(p->st, "ok-1", &(struct store_conv_info){ 0 }), STORE_OK);
	for (int i = 0; i < 2; i++)
		ingest_prep_release(&items[i].prep);
	/* after stop, jobs fail at once instead of waiting forever */
	writer_stop(w);
	memset(&jobs[0], 0, sizeof(jobs[0]));
	jobs[0].type = WJ_FEEDBACK;
	jobs[0].fb.conversation_id = "ok-1";
	jobs[0].fb.rating = 5;
	jobs[0].done = on_done;
	writer_submit(w, &jobs[0]);
	cr_assert_eq(done_count, 4);
	cr_assert_eq(jobs[0].rc, PIPE_ESTORE);
	cr_assert_not_null(strstr(jobs[0].err, "shutting down"));
}
