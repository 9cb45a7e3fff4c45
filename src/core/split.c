/* split: hash-based train/validation assignment (see split.h). */
#include "core/split.h"

uint64_t split_hash64(uint64_t seed, const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 8; i++) {
		h ^= (seed >> (8 * i)) & 0xff;
		h *= 0x100000001b3ULL;
	}
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

bool split_is_validation(uint64_t seed, double fraction, const char *key, size_t len)
{
	uint64_t bucket = split_hash64(seed, key, len) % 1000000;

	return (double)bucket < fraction * 1000000.0;
}
