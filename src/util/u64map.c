/* u64map: 64-bit key -> 32-bit value hash map (see u64map.h). */
#include "util/u64map.h"

#include <stdlib.h>
#include <string.h>

void u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void u64map_release(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	u64map_init(m);
}

static size_t slot(const struct u64map *m, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int grow(struct u64map *m)
{
	size_t nc = m->cap ? m->cap * 2 : 1024;
	uint64_t *ok = m->keys;
	uint32_t *ov = m->vals;
	size_t oc = m->cap;

	m->keys = calloc(nc, sizeof(uint64_t));
	m->vals = malloc(nc * sizeof(uint32_t));
	if (!m->keys || !m->vals) {
		free(m->keys);
		free(m->vals);
		m->keys = ok;
		m->vals = ov;
		return -1;
	}
	m->cap = nc;
	for (size_t i = 0; i < oc; i++)
		if (ok[i]) {
			size_t s = slot(m, ok[i]);
			m->keys[s] = ok[i];
			m->vals[s] = ov[i];
		}
	free(ok);
	free(ov);
	return 0;
}

uint32_t *u64map_upsert(struct u64map *m, uint64_t key, uint32_t init, bool *created)
{
	size_t s;

	*created = false;
	if (!key) {
		if (!m->has_zero) {
			m->has_zero = true;
			m->zero_val = init;
			*created = true;
		}
		return &m->zero_val;
	}
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return NULL;
	s = slot(m, key);
	if (!m->keys[s]) {
		m->keys[s] = key;
		m->vals[s] = init;
		m->n++;
		*created = true;
	}
	return &m->vals[s];
}

uint32_t *u64map_get(struct u64map *m, uint64_t key)
{
	size_t s;

	if (!key)
		return m->has_zero ? &m->zero_val : NULL;
	if (!m->cap)
		return NULL;
	s = slot(m, key);
	return m->keys[s] ? &m->vals[s] : NULL;
}
