/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A fuzz seed read as a unit test's input (run from the tree's top). */
#ifndef XMIP_TEST_SEED_FILE_H
#define XMIP_TEST_SEED_FILE_H

#include <stdio.h>

static inline size_t load_seed(const char *dir, const char *name, uint8_t *buf, size_t cap)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "selftests/fuzz/%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

#endif
