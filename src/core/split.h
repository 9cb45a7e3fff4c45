/*
 * split: deterministic, stable train/validation assignment.
 *
 * A key (the conversation id) goes to validation when
 * hash64(seed, key) mod 1,000,000 < fraction * 1,000,000. The decision for
 * one key depends on nothing else, so adding rows never moves an example
 * between the two files, and the same seed always gives the same split.
 * hash64 is FNV-1a over the seed's 8 little-endian bytes and the key,
 * finished with the splitmix64 mixer so that nearby keys spread well.
 */
#ifndef CERBERUS_SPLIT_H
#define CERBERUS_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t split_hash64(uint64_t seed, const char *key, size_t len);
bool split_is_validation(uint64_t seed, double fraction, const char *key, size_t len);

#endif
