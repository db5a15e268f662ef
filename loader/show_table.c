// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the `xmip show` printers of the roles' pinned tables share
 * (show_mip4.c, show_ntm.c): walk the table from its pin in the map's order
 * and hand each entry to the role's printer, under a heading (text) or in a
 * JSON array. The printers know the entries; this knows only their sizes.
 */
#include "show_table.h"

#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pins.h"

/* Each entry of the pinned table; n entries, or -1 (no table, or no memory). */
static int walk(const struct xmip_show_table *t, const char *instance, xmip_show_entry_fn cb,
		void *arg)
{
	char err[600];
	int fd = xmip_map_open(instance, t->map, err, sizeof(err)), n = 0;
	/* Allocated, not char arrays: the printers read them as the map's structs. */
	void *k, *next, *v, *prev = NULL;

	if (fd < 0)
		return -1;
	k = calloc(1, t->key_size);
	next = calloc(1, t->key_size);
	v = calloc(1, t->val_size);
	if (!k || !next || !v)
		n = -1;
	while (n >= 0 && bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(k, next, t->key_size);
		prev = k;
		if (bpf_map_lookup_elem(fd, k, v) == 0) {
			cb(k, v, arg);
			n++;
		}
	}
	free(k);
	free(next);
	free(v);
	close(fd);
	return n;
}

void xmip_show_table_text(const struct xmip_show_table *t, const char *instance)
{
	printf("    %s\n", t->heading);
	if (walk(t, instance, t->text, NULL) <= 0)
		printf("    %14s  (none)\n", "");
}

void xmip_show_table_json(const struct xmip_show_table *t, struct xmip_json *j,
			  const char *instance)
{
	xmip_json_key(j, t->json_key);
	xmip_json_arr_open(j);
	walk(t, instance, t->json, j);
	xmip_json_arr_close(j);
}
