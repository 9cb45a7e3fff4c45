/*
 * export: write the high-quality examples as train.jsonl and
 * validation.jsonl plus manifest.json.
 *
 * The store filters rows by the stored verdict inputs, so only candidate
 * bodies are read; rows stream in store order (the same store and options
 * give byte-identical files). Each conversation goes to one file, chosen
 * by split_is_validation(seed, fraction, conversation_id). The counts and
 * the rows are read in one snapshot. All three files are written and synced
 * under temporary names before the first rename, so a failed export leaves
 * the previous dataset as it was (only a crash between the three renames
 * could mix them, and the manifest's checksums would show it).
 */
#include "pipeline/pipeline.h"
#include "pipeline/internal.h"
#include "core/conv.h"
#include "core/format.h"
#include "core/split.h"
#include "util/buf.h"
#include "util/hex.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct out_file {
	const char *name;        /* "train.jsonl" */
	char *path, *tmp;
	FILE *f;
	EVP_MD_CTX *md;
	long lines;
	uint64_t bytes;
	char sha256[65];
};

struct export_ctx {
	const struct export_options *o;
	const struct scrubber *scrub;
	long pii_rescan;         /* rows the re-scan refused */
	struct out_file train, val;
	struct buf line;
	bool failed;
	char err[256];
};

static char *path_join(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;

	if (buf_puts(&b, dir) || buf_puts(&b, "/") || buf_puts(&b, name)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir), *s;
	int rc = 0;

	if (!p)
		return -1;
	for (s = p + 1; *s && !rc; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (!rc && mkdir(p, 0755) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

static int out_open(struct out_file *f, const char *dir, const char *name)
{
	char tmpname[64];

	f->name = name;
	snprintf(tmpname, sizeof(tmpname), ".%s.tmp", name);
	f->path = path_join(dir, name);
	f->tmp = path_join(dir, tmpname);
	f->md = EVP_MD_CTX_new();
	if (!f->path || !f->tmp || !f->md || !EVP_DigestInit_ex(f->md, EVP_sha256(), NULL))
		return -1;
	f->f = fopen(f->tmp, "wb");
	if (!f->f)
		return -1;
	setvbuf(f->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

static int out_write(struct out_file *f, const char *p, size_t n)
{
	if (fwrite(p, 1, n, f->f) != n || !EVP_DigestUpdate(f->md, p, n))
		return -1;
	f->lines++;
	f->bytes += n;
	return 0;
}

static int out_finish(struct out_file *f)
{
	unsigned char d[32];
	unsigned dl = 0;
	int rc = 0;

	if (fflush(f->f) || fsync(fileno(f->f)))
		rc = -1;
	if (fclose(f->f))
		rc = -1;
	f->f = NULL;
	if (rc || !EVP_DigestFinal_ex(f->md, d, &dl))
		return -1;
	hex_encode(d, dl, f->sha256);
	return 0;
}

static void out_release(struct out_file *f, bool remove_tmp)
{
	if (f->f)
		fclose(f->f);
	if (remove_tmp && f->tmp)
		unlink(f->tmp);
	free(f->path);
	free(f->tmp);
	EVP_MD_CTX_free(f->md);
	memset(f, 0, sizeof(*f));
}

static int export_row(void *ctx, const struct store_export_row *r)
{
	struct export_ctx *x = ctx;
	bool val = split_is_validation(x->o->seed, x->o->val_fraction, r->conversation_id,
				       strlen(r->conversation_id));
	bool pii = false, extra_pii = false;

	/* the "no PII" criterion is judged again on the stored text with
	 * today's rules: a conversation stored before a rule existed is
	 * held back, never exported */
	if (conv_json_has_pii(r->messages, r->messages_len, x->scrub, &pii) ||
	    (r->extra_len && conv_json_has_pii(r->extra, r->extra_len, x->scrub, &extra_pii))) {
		snprintf(x->err, sizeof(x->err), "conversation '%s': re-scan for PII failed", r->conversation_id);
		x->failed = true;
		return 1;
	}
	if (pii || extra_pii) {
		x->pii_rescan++;
		return 0;
	}

	buf_reset(&x->line);
	if (format_openai(r->messages, r->messages_len, r->extra, r->extra_len, &x->line)) {
		snprintf(x->err, sizeof(x->err), "conversation '%s': stored text is malformed", r->conversation_id);
		x->failed = true;
		return 1;
	}
	if (out_write(val ? &x->val : &x->train, x->line.data, x->line.len)) {
		snprintf(x->err, sizeof(x->err), "cannot write %s: %s", val ? x->val.path : x->train.path,
			 strerror(errno));
		x->failed = true;
		return 1;
	}
	return 0;
}

static json_t *file_json(const struct out_file *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "lines", json_integer(f->lines));
	json_object_set_new(o, "bytes", json_integer((json_int_t)f->bytes));
	json_object_set_new(o, "sha256", json_string(f->sha256));
	return o;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write the manifest under its temporary name (renamed by the caller). */
static int write_manifest(struct pipeline *p, const struct export_options *o, const struct export_ctx *x,
			  long total, long hq, const long rejected[Q_NREASONS], char *err, size_t errlen)
{
	json_t *m = json_object(), *counts, *rej, *th, *split, *files;
	char *path = path_join(o->out_dir, "manifest.json"), *tmp = path_join(o->out_dir, ".manifest.json.tmp");
	char seed[24];
	int rc = PIPE_EIO;

	json_object_set_new(m, "cerberus_version", json_string(CERBERUS_VERSION));
	json_object_set_new(m, "format", json_string(o->format));
	counts = json_object();
	json_object_set_new(counts, "conversations", json_integer(total));
	json_object_set_new(counts, "high_quality", json_integer(hq));
	json_object_set_new(counts, "exported", json_integer(x->train.lines + x->val.lines));
	json_object_set_new(counts, "train", json_integer(x->train.lines));
	json_object_set_new(counts, "validation", json_integer(x->val.lines));
	rej = json_object();
	for (unsigned i = 0; i < Q_NREASONS; i++)
		json_object_set_new(rej, quality_reason_name(i), json_integer(rejected[i]));
	json_object_set_new(counts, "rejected", rej);
	json_object_set_new(m, "counts", counts);
	th = json_object();
	json_object_set_new(th, "min_rating", json_real(o->thresholds.min_rating));
	json_object_set_new(th, "min_response_chars", json_integer(o->thresholds.min_response_chars));
	json_object_set_new(m, "thresholds", th);
	split = json_object();
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)o->seed);
	json_object_set_new(split, "by", json_string("conversation_id"));
	json_object_set_new(split, "rule", json_string("validation when hash64(seed, conversation_id) mod 1000000 < "
						       "val_fraction * 1000000 (FNV-1a 64 + splitmix64 finaliser)"));
	json_object_set_new(split, "seed", json_string(seed));
	json_object_set_new(split, "val_fraction", json_real(o->val_fraction));
	json_object_set_new(m, "split", split);
	files = json_object();
	json_object_set_new(files, "train.jsonl", file_json(&x->train));
	json_object_set_new(files, "validation.jsonl", file_json(&x->val));
	json_object_set_new(m, "files", files);
	(void)p;
	if (!path || !tmp || json_dump_file(m, tmp, JSON_INDENT(2) | JSON_ENSURE_ASCII) || fsync_path(tmp)) {
		snprintf(err, errlen, "cannot write manifest in '%s': %s", o->out_dir, strerror(errno));
		if (tmp)
			unlink(tmp);
	} else {
		rc = PIPE_OK;
	}
	json_decref(m);
	free(path);
	free(tmp);
	return rc;
}

int pipeline_export(struct pipeline *p, const struct export_options *o, struct export_result *res, char *err,
		    size_t errlen)
{
	struct export_ctx x;
	struct store_export_filter f;
	long total = 0, hq = 0, rejected[Q_NREASONS] = { 0 };
	char *manifest = NULL, *manifest_tmp = NULL;
	bool own = false;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.scrub = p->scrub;
	buf_init(&x.line, 0);
	if (!format_known(o->format)) {
		snprintf(err, errlen, "unknown format '%s'", o->format);
		buf_release(&x.line);
		return PIPE_EINPUT;
	}
	if (!(o->val_fraction >= 0 && o->val_fraction <= 1)) {
		snprintf(err, errlen, "validation fraction must be between 0 and 1");
		buf_release(&x.line);
		return PIPE_EINPUT;
	}
	/* the counts and the rows come from one snapshot of the store */
	own = !store_in_transaction(p->st);
	if (own && store_begin_read(p->st)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	if ((rc = pipeline_count_verdicts(p, &o->thresholds, &total, &hq, rejected, err, errlen)))
		goto out;
	if (mkdir_p(o->out_dir) || out_open(&x.train, o->out_dir, "train.jsonl") ||
	    out_open(&x.val, o->out_dir, "validation.jsonl")) {
		snprintf(err, errlen, "cannot write to '%s': %s", o->out_dir, strerror(errno));
		rc = PIPE_EIO;
		goto out;
	}
	f.flags_mask = CONV_F_INCOMPLETE | CONV_F_PII;
	f.min_response_chars = o->thresholds.min_response_chars;
	f.min_rating = o->thresholds.min_rating;
	rc = store_scan_export(p->st, &f, export_row, &x);
	if (x.failed) {
		snprintf(err, errlen, "%s", x.err);
		rc = PIPE_EIO;
		goto out;
	}
	if (rc) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		rc = PIPE_ESTORE;
		goto out;
	}
	hq -= x.pii_rescan;
	rejected[__builtin_ctz(Q_PII)] += x.pii_rescan;
	if (out_finish(&x.train) || out_finish(&x.val)) {
		snprintf(err, errlen, "cannot write to '%s': %s", o->out_dir, strerror(errno));
		rc = PIPE_EIO;
		goto out;
	}
	/* everything is written and synced before the first rename, so a
	 * failure up to here leaves the previous dataset as it was; the
	 * manifest goes last and its checksums tell files of another export */
	if ((rc = write_manifest(p, o, &x, total, hq, rejected, err, errlen)))
		goto out;
	manifest = path_join(o->out_dir, "manifest.json");
	manifest_tmp = path_join(o->out_dir, ".manifest.json.tmp");
	if (!manifest || !manifest_tmp || rename(x.train.tmp, x.train.path) || rename(x.val.tmp, x.val.path) ||
	    rename(manifest_tmp, manifest) || fsync_path(o->out_dir)) {
		snprintf(err, errlen, "cannot rename into '%s': %s", o->out_dir, strerror(errno));
		if (manifest_tmp)
			unlink(manifest_tmp);
		rc = PIPE_EIO;
		goto out;
	}
	res->train = x.train.lines;
	res->validation = x.val.lines;
	res->considered = total;
	res->rejected = total - hq;
out:
	if (own)
		store_rollback(p->st);  /* a read transaction: nothing to keep */
	out_release(&x.train, rc != PIPE_OK);
	out_release(&x.val, rc != PIPE_OK);
	buf_release(&x.line);
	free(manifest);
	free(manifest_tmp);
	return rc;
}
