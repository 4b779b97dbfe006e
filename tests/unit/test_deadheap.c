/*
 * Unit tests for deadheap.c: a randomized run against a brute-force model
 * (an array of (key, due) searched whole), and the hostile cases: removing
 * a key that is not there, moving a deadline to the same time, equal due
 * times in key order, an empty heap, keys that collide in the index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "deadheap.h"

#define NKEYS 300

struct model {
	int has[NKEYS];
	int64_t due[NKEYS];
};

/* The model's earliest (due, key); 0 when empty. */
static int model_min(const struct model *m, int64_t *due, int64_t *key)
{
	int found = 0;
	for (int k = 0; k < NKEYS; k++)
		if (m->has[k] && (!found || m->due[k] < *due)) {
			*due = m->due[k];
			*key = k * 7919LL - 1000;
			found = 1;
		}
	return found;
}

static int64_t key_of(int k)
{
	return k * 7919LL - 1000;	/* negative and spread, as no job id is */
}

static void test_random_vs_model(void **state)
{
	(void)state;
	struct deadheap h;
	struct model m = { { 0 }, { 0 } };
	size_t live = 0;
	unsigned seed = 12345;
	deadheap_init(&h);
	for (int step = 0; step < 200000; step++) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = seed >> 8;
		int k = (int)(r % NKEYS);
		int op = (int)((r / NKEYS) % 10);
		int64_t due = (int64_t)((r / 3000) % 50);	/* few values: many ties */
		if (op < 5) {
			assert_int_equal(deadheap_set(&h, key_of(k), due), 0);
			live += !m.has[k];
			m.has[k] = 1;
			m.due[k] = due;
		} else if (op < 7) {
			assert_int_equal(deadheap_remove(&h, key_of(k)), m.has[k]);
			live -= m.has[k];
			m.has[k] = 0;
		} else if (op < 8) {
			int64_t d = -1, md, mk, k2;
			int got = deadheap_pop(&h, &d, &k2);
			int want = model_min(&m, &md, &mk);
			assert_int_equal(got, want);
			if (want) {
				assert_int_equal(d, md);
				assert_int_equal(k2, mk);
				m.has[(k2 + 1000) / 7919] = 0;
				live--;
			}
		} else {
			int64_t d;
			int got = deadheap_get(&h, key_of(k), &d);
			assert_int_equal(got, m.has[k]);
			if (got)
				assert_int_equal(d, m.due[k]);
		}
		assert_int_equal(deadheap_len(&h), live);
		int64_t pd, pk, md, mk;
		int got = deadheap_peek(&h, &pd, &pk);
		assert_int_equal(got, model_min(&m, &md, &mk));
		if (got) {
			assert_int_equal(pd, md);
			assert_int_equal(pk, mk);
		}
	}
	deadheap_clear(&h);
}

static void test_empty(void **state)
{
	(void)state;
	struct deadheap h;
	int64_t d = 7, k = 7;
	deadheap_init(&h);
	assert_int_equal(deadheap_peek(&h, &d, &k), 0);
	assert_int_equal(deadheap_pop(&h, &d, &k), 0);
	assert_int_equal(deadheap_get(&h, 1, &d), 0);
	assert_int_equal(deadheap_remove(&h, 1), 0);
	assert_int_equal(deadheap_len(&h), 0);
	assert_int_equal(d, 7);
	deadheap_clear(&h);
	deadheap_clear(&h);	/* twice: a no-op */
	assert_int_equal(deadheap_set(&h, 5, 5), 0);	/* usable after a clear */
	assert_int_equal(deadheap_len(&h), 1);
	deadheap_clear(&h);
}

static void test_missing_and_same_time(void **state)
{
	(void)state;
	struct deadheap h;
	int64_t d, k;
	deadheap_init(&h);
	assert_int_equal(deadheap_set(&h, 10, 100), 0);
	assert_int_equal(deadheap_set(&h, 20, 50), 0);
	assert_int_equal(deadheap_remove(&h, 30), 0);	/* not there */
	assert_int_equal(deadheap_remove(&h, INT64_MIN), 0);
	assert_int_equal(deadheap_len(&h), 2);
	assert_int_equal(deadheap_set(&h, 20, 50), 0);	/* the same time: one entry */
	assert_int_equal(deadheap_len(&h), 2);
	assert_int_equal(deadheap_remove(&h, 20), 1);
	assert_int_equal(deadheap_remove(&h, 20), 0);	/* twice */
	assert_int_equal(deadheap_pop(&h, &d, &k), 1);
	assert_int_equal(k, 10);
	assert_int_equal(d, 100);
	assert_int_equal(deadheap_pop(&h, &d, &k), 0);
	deadheap_clear(&h);
}

static void test_ties_by_key(void **state)
{
	(void)state;
	struct deadheap h;
	int64_t d, k;
	deadheap_init(&h);
	for (int64_t key = 40; key > 0; key--)
		assert_int_equal(deadheap_set(&h, key * 3 % 41, 7), 0);
	assert_int_equal(deadheap_set(&h, INT64_MAX, INT64_MIN), 0);
	assert_int_equal(deadheap_set(&h, INT64_MIN, INT64_MAX), 0);
	assert_int_equal(deadheap_pop(&h, &d, &k), 1);
	assert_int_equal(k, INT64_MAX);
	for (int64_t want = 1; want <= 40; want++) {
		assert_int_equal(deadheap_pop(&h, &d, &k), 1);
		assert_int_equal(d, 7);
		assert_int_equal(k, want);
	}
	assert_int_equal(deadheap_pop(&h, &d, &k), 1);
	assert_int_equal(k, INT64_MIN);
	deadheap_clear(&h);
}

/* Keys that land on one home slot: removal must keep the rest findable. */
static void test_index_collisions(void **state)
{
	(void)state;
	struct deadheap h;
	int64_t d;
	deadheap_init(&h);
	for (int64_t key = 0; key < 2000; key++)
		assert_int_equal(deadheap_set(&h, key << 32, key), 0);
	for (int64_t key = 0; key < 2000; key += 2)
		assert_int_equal(deadheap_remove(&h, key << 32), 1);
	for (int64_t key = 0; key < 2000; key++) {
		assert_int_equal(deadheap_get(&h, key << 32, &d), key % 2);
		if (key % 2)
			assert_int_equal(d, key);
	}
	deadheap_clear(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_vs_model),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_missing_and_same_time),
		cmocka_unit_test(test_ties_by_key),
		cmocka_unit_test(test_index_collisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
