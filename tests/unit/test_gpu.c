/*
 * test_gpu.c — the one parser and formatter of GPU lists (gpu.c): index
 * lists, UUID lists, and masks over a node's GPU records, with hostile
 * lists (from a node's files or a database edited by hand) refused whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "gpu.h"

static void index_lists(void **state)
{
	(void)state;
	int idx[GPU_MASK_BITS];
	size_t n;
	char buf[64];
	assert_int_equal(gpu_list_parse("", idx, GPU_MASK_BITS, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(gpu_list_parse(NULL, idx, GPU_MASK_BITS, &n), 0);
	assert_int_equal(gpu_list_parse("0,3,63", idx, GPU_MASK_BITS, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(idx[2], 63);
	assert_int_equal(gpu_list_format(idx, n, buf, sizeof buf), 0);
	assert_string_equal(buf, "0,3,63");
	/* Hostile: each refused whole. */
	static const char *bad[] = { "64", "-1", "1,,2", ",1", "1,", " 1", "1 ", "0x1", "1;id",
	    "001", "99999999999999999999", "a", "1,2\n3" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (gpu_list_parse(bad[i], idx, GPU_MASK_BITS, &n) != -1)
			fail_msg("index list \"%s\" accepted", bad[i]);
	/* More items than room. */
	assert_int_equal(gpu_list_parse("1,2,3", idx, 2, &n), -1);
	/* A buffer too small ends what fitted, whole items only. */
	assert_int_equal(gpu_list_format(idx, 3, buf, 4), -1);
	assert_string_equal(buf, "1,2");
}

static void uuid_lists(void **state)
{
	(void)state;
	char u[4][GPU_UUID_MAX];
	size_t n;
	assert_int_equal(gpu_uuids_parse("GPU-a1,MIG-b2,MIG-GPU-c/1/0", u, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(u[1], "MIG-b2");
	assert_string_equal(u[2], "MIG-GPU-c/1/0");
	static const char *bad[] = { "GPU-", "gpu-a", "GPU-a,", ",GPU-a", "GPU-a;id", "GPU-a b",
	    "GPU-a\n", "GPU-$(id)", "GPU-'x'", "XYZ-1", "GPU-a,,GPU-b" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (gpu_uuids_parse(bad[i], u, 4, &n) != -1)
			fail_msg("UUID list \"%s\" accepted", bad[i]);
	char longu[GPU_UUID_MAX + 8];
	memset(longu, 'a', sizeof longu - 1);
	memcpy(longu, "GPU-", 4);
	longu[sizeof longu - 1] = '\0';
	assert_int_equal(gpu_uuids_parse(longu, u, 4, &n), -1);
	assert_int_equal(gpu_uuids_parse("GPU-a,GPU-b,GPU-c,GPU-d,GPU-e", u, 4, &n), -1);
}

/* A node whose GPUs were renumbered: positions, indices and UUIDs differ. */
static const struct gpu_info node[] = {
	{ .index = 1, .uuid = "GPU-b", .mig_index = -1 },
	{ .index = 0, .uuid = "GPU-a", .mig_index = -1 },
	{ .index = 3, .uuid = "GPU-d", .mig_index = -1 },
	{ .index = 2, .uuid = "MIG-c0", .mig_profile = "1g.10gb", .mig_index = 0 },
	{ .index = 2, .uuid = "MIG-c1", .mig_profile = "3g.40gb", .mig_index = 1 },
};
#define NN (sizeof node / sizeof node[0])

static void masks(void **state)
{
	(void)state;
	char buf[256];
	int missing;
	assert_int_equal(gpu_mask_by_indices(node, NN, "0,3"), 0x6);
	/* A MIG device is never picked by its parent's index. */
	assert_int_equal(gpu_mask_by_indices(node, NN, "2"), 0);
	assert_int_equal(gpu_mask_by_indices(node, NN, "0,x"), 0);
	assert_int_equal(gpu_mask_by_uuids(node, NN, "GPU-a,MIG-c1", &missing), 0x12);
	assert_int_equal(missing, 0);
	assert_int_equal(gpu_mask_by_uuids(node, NN, "GPU-a,GPU-z", &missing), 0x2);
	assert_int_equal(missing, 1);
	assert_int_equal(gpu_mask_by_uuids(node, NN, "GPU-a;x", &missing), 0);
	assert_int_equal(missing, -1);
	assert_int_equal(gpu_mask_by_uuids(node, NN, NULL, NULL), 0);
	assert_int_equal(gpu_mask_indices(node, NN, 0x7, buf, sizeof buf), 0);
	assert_string_equal(buf, "1,0,3");
	assert_int_equal(gpu_mask_uuids(node, NN, 0x5, buf, sizeof buf), 0);
	assert_string_equal(buf, "GPU-b,GPU-d");
	assert_int_equal(gpu_mask_visible(node, NN, 0x3, buf, sizeof buf), 0);
	assert_string_equal(buf, "1,0");
	assert_int_equal(gpu_mask_visible(node, NN, 0x18, buf, sizeof buf), 0);
	assert_string_equal(buf, "MIG-c0,MIG-c1");
	/* Bits past the list name nothing. */
	assert_int_equal(gpu_mask_uuids(node, NN, 1ULL << 40, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(gpu_mask_uuids(node, NN, 0x7, buf, 8), -1);
	assert_string_equal(buf, "GPU-b");
	struct gpu_info g = { .mem_total_mb = 100, .mem_used_mb = 30 };
	assert_int_equal(gpu_mem_free_mb(&g), 70);
	g.mem_used_mb = -1;
	assert_int_equal(gpu_mem_free_mb(&g), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(index_lists),
		cmocka_unit_test(uuid_lists),
		cmocka_unit_test(masks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
