/*
 * pipeline: opening a store together with its key and scrubber.
 *
 * The key is 32 random bytes kept outside the store: in $CERBERUS_KEY (64
 * hex digits) or in a key file beside the store (cerberus.db ->
 * cerberus.key), created by init with mode 0600. The store keeps only a
 * fingerprint of the key, so opening it with another key fails loudly
 * instead of silently giving every user a second pseudonym.
 */
#include "pipeline/pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_STORE "cerberus.db"

const char *pipeline_store_path(const struct pipeline_options *o)
{
	const char *env = getenv("CERBERUS_STORE");

	if (o->store_path && *o->store_path)
		return o->store_path;
	return env && *env ? env : DEFAULT_STORE;
}

/* cerberus.db -> cerberus.key; anything without a .db suffix gets .key added. */
static char *derive_key_path(const char *store_path)
{
	size_t len = strlen(store_path);
	size_t base = len >= 3 && !strcmp(store_path + len - 3, ".db") ? len - 3 : len;
	char *p = malloc(base + 5);

	if (p) {
		memcpy(p, store_path, base);
		memcpy(p + base, ".key", 5);
	}
	return p;
}

static int read_key_file(const char *path, struct pseudo_key *key, char *err, size_t errlen)
{
	char text[256];
	struct stat sb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077)) {
		close(fd);
		snprintf(err, errlen, "key file '%s' is accessible by other users (mode %03o); run 'chmod 600 %s'",
			 path, (unsigned)(sb.st_mode & 0777), path);
		return PIPE_EKEY;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0 || pseudo_key_from_hex(text, (size_t)n, key)) {
		snprintf(err, errlen, "key file '%s' is malformed: expected 64 hex digits", path);
		return PIPE_EKEY;
	}
	return PIPE_OK;
}

static int write_key_file(const char *path, struct pseudo_key *key, char *err, size_t errlen)
{
	char hex[PSEUDO_HEX_LEN + 2];
	int fd;

	if (RAND_bytes(key->k, PSEUDO_KEY_LEN) != 1) {
		snprintf(err, errlen, "cannot generate a random key");
		return PIPE_EKEY;
	}
	pseudo_key_to_hex(key, hex);
	hex[PSEUDO_HEX_LEN] = '\n';
	hex[PSEUDO_HEX_LEN + 1] = '\0';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create key file '%s': %s", path, strerror(errno));
		return PIPE_EIO;
	}
	if (write(fd, hex, PSEUDO_HEX_LEN + 1) != PSEUDO_HEX_LEN + 1 || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write key file '%s': %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return PIPE_EIO;
	}
	close(fd);
	return PIPE_OK;
}

static int load_key(struct pipeline *p, const struct pipeline_options *o, bool store_has_key, char *err,
		    size_t errlen)
{
	const char *env = getenv("CERBERUS_KEY");
	const char *kf = o->key_path && *o->key_path ? o->key_path : getenv("CERBERUS_KEY_FILE");
	int rc;

	if (env && *env) {
		if (pseudo_key_from_hex(env, strlen(env), &p->key)) {
			snprintf(err, errlen, "CERBERUS_KEY is malformed: expected 64 hex digits");
			return PIPE_EKEY;
		}
		return PIPE_OK;
	}
	p->key_path = kf && *kf ? strdup(kf) : derive_key_path(p->store_path);
	if (!p->key_path)
		return PIPE_ENOMEM;
	rc = read_key_file(p->key_path, &p->key, err, errlen);
	if (rc != -ENOENT) {
		if (rc < 0 && rc > -4096 && rc != PIPE_EKEY) {
			snprintf(err, errlen, "cannot read key file '%s': %s", p->key_path, strerror(-rc));
			return PIPE_EKEY;
		}
		return rc;
	}
	if (!o->create || store_has_key) {
		snprintf(err, errlen,
			 "key file '%s' not found: set CERBERUS_KEY or --key-file to this store's key%s",
			 p->key_path, store_has_key ? "" : ", or run 'cerberus init'");
		return PIPE_EKEY;
	}
	rc = write_key_file(p->key_path, &p->key, err, errlen);
	if (rc == PIPE_OK)
		p->key_created = true;
	return rc;
}

int pipeline_open(const struct pipeline_options *o, struct pipeline **out, char *err, size_t errlen)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	char fp[PSEUDO_HEX_LEN + 1], *stored = NULL;
	struct stat sb;
	unsigned flags;
	int rc;

	*out = NULL;
	if (!p)
		return PIPE_ENOMEM;
	p->now = o->now;
	p->scrub_mode = o->scrub_mode;
	p->store_path = strdup(pipeline_store_path(o));
	if (!p->store_path) {
		rc = PIPE_ENOMEM;
		goto fail;
	}
	p->store_created = o->create && stat(p->store_path, &sb) != 0;
	flags = (o->create ? STORE_CREATE : 0) | (o->durable ? STORE_DURABLE : 0) |
		(o->defer_sync ? STORE_DEFER_SYNC : 0) | (o->readonly ? STORE_READONLY : 0);
	if (store_open(p->store_path, flags, &p->st, err, errlen)) {
		rc = PIPE_ESTORE;
		goto fail;
	}
	rc = store_meta_get(p->st, "key_fingerprint", &stored);
	if (rc && rc != STORE_ENOTFOUND) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		rc = PIPE_ESTORE;
		goto fail;
	}
	if ((rc = load_key(p, o, stored != NULL, err, errlen)))
		goto fail;
	if (pseudo_key_fingerprint(&p->key, fp)) {
		snprintf(err, errlen, "cannot compute the key fingerprint");
		rc = PIPE_EKEY;
		goto fail;
	}
	if (stored && strcmp(stored, fp)) {
		snprintf(err, errlen, "the key does not belong to store '%s' (its fingerprint differs)",
			 p->store_path);
		rc = PIPE_EKEY;
		goto fail;
	}
	/* the scrubber first: a failure after the fingerprint is written would
	 * leave a store that refuses every key */
	if (!(p->scrub = scrubber_new(err, errlen))) {
		rc = PIPE_ESCRUB;
		goto fail;
	}
	if (!stored && store_meta_set(p->st, "key_fingerprint", fp)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		rc = PIPE_ESTORE;
		goto fail;
	}
	free(stored);
	*out = p;
	return PIPE_OK;
fail:
	free(stored);
	if (p->key_created && p->key_path)
		unlink(p->key_path);
	pipeline_close(p);
	return rc;
}

void pipeline_close(struct pipeline *p)
{
	if (!p)
		return;
	store_close(p->st);
	if (!p->reader)
		scrubber_free(p->scrub);
	free(p->store_path);
	free(p->key_path);
	memset(&p->key, 0, sizeof(p->key));
	free(p);
}

int pipeline_open_reader(const struct pipeline *p, struct pipeline **out, char *err, size_t errlen)
{
	struct pipeline *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r || !(r->store_path = strdup(p->store_path))) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return PIPE_ENOMEM;
	}
	r->reader = true;
	r->key = p->key;
	r->scrub = p->scrub;
	r->scrub_mode = p->scrub_mode;
	r->now = p->now;
	if (store_open(r->store_path, STORE_READONLY, &r->st, err, errlen)) {
		pipeline_close(r);
		return PIPE_ESTORE;
	}
	*out = r;
	return PIPE_OK;
}

int64_t pipeline_now(const struct pipeline *p)
{
	return p->now ? p->now : (int64_t)time(NULL);
}

int pipeline_begin(struct pipeline *p, char *err, size_t errlen)
{
	if (store_begin(p->st)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		return PIPE_ESTORE;
	}
	return PIPE_OK;
}

int pipeline_commit(struct pipeline *p, char *err, size_t errlen)
{
	if (store_commit(p->st)) {
		snprintf(err, errlen, "%s", store_errmsg(p->st));
		store_rollback(p->st);
		return PIPE_ESTORE;
	}
	return PIPE_OK;
}

void pipeline_rollback(struct pipeline *p)
{
	store_rollback(p->st);
}

json_t *pipeline_reasons_json(unsigned reasons)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < Q_NREASONS; i++)
		if (reasons & (1u << i))
			json_array_append_new(a, json_string(quality_reason_name(i)));
	return a;
}
