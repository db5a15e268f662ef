/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `xmip show` of a role's pinned table, entry by entry, as text or JSON (show_table.c). */
#ifndef XMIP_SHOW_TABLE_H
#define XMIP_SHOW_TABLE_H

#include <stddef.h>

#include "json.h"

/* Prints one entry (key, value: the map's own types); arg: the JSON writer, or NULL. */
typedef void (*xmip_show_entry_fn)(const void *key, const void *val, void *arg);

struct xmip_show_table {
	const char *map;		/* its pin name (XMIP_MAP_...) */
	size_t key_size, val_size;	/* the map's, as the role's header declares them */
	const char *heading;		/* text: the line above the entries */
	const char *json_key;		/* JSON: the array's key */
	xmip_show_entry_fn text, json;
};

/* The heading, then a line per entry; "(none)" for an empty or missing table. */
void xmip_show_table_text(const struct xmip_show_table *t, const char *instance);
/* "json_key": [ an object per entry ] (empty for a missing table). */
void xmip_show_table_json(const struct xmip_show_table *t, struct xmip_json *j,
			  const char *instance);

#endif /* XMIP_SHOW_TABLE_H */
