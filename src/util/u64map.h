/*
 * u64map: an open-addressing hash map from 64-bit keys (already hashes)
 * to 32-bit values, for the dedup tables of export. Linear probing, grows
 * at half load; the key 0 is stored beside the table. Not for: keys that
 * are not well mixed (hash them first).
 */
#ifndef CERBERUS_U64MAP_H
#define CERBERUS_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n;          /* cap is a power of two */
	bool has_zero;
	uint32_t zero_val;
};

void u64map_init(struct u64map *m);
void u64map_release(struct u64map *m);
/* The value slot for key, inserting it with *val = init when new. Returns
 * a pointer valid until the next insert, or NULL (memory). *created tells
 * whether it was new. */
uint32_t *u64map_upsert(struct u64map *m, uint64_t key, uint32_t init, bool *created);
/* The value slot for key, or NULL when absent. */
uint32_t *u64map_get(struct u64map *m, uint64_t key);

#endif
