// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Streaming JSON: commas and indentation tracked per nesting level. */
#include "json.h"

#include <inttypes.h>

void xmip_json_init(struct xmip_json *j, FILE *f, bool pretty)
{
	*j = (struct xmip_json){ .f = f, .pretty = pretty };
}

static void indent(struct xmip_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator before a value (or a key) at the current level. */
static void before_value(struct xmip_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		indent(j);
	j->need_comma[j->depth] = true;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void xmip_json_key(struct xmip_json *j, const char *key)
{
	before_value(j);
	put_string(j->f, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

static void open_container(struct xmip_json *j, char c)
{
	before_value(j);
	fputc(c, j->f);
	if (j->depth < XMIP_JSON_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_container(struct xmip_json *j, char c)
{
	bool had_items = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had_items)
		indent(j);
	fputc(c, j->f);
}

void xmip_json_obj_open(struct xmip_json *j) { open_container(j, '{'); }
void xmip_json_obj_close(struct xmip_json *j) { close_container(j, '}'); }
void xmip_json_arr_open(struct xmip_json *j) { open_container(j, '['); }
void xmip_json_arr_close(struct xmip_json *j) { close_container(j, ']'); }

void xmip_json_str(struct xmip_json *j, const char *s)
{
	before_value(j);
	put_string(j->f, s);
}

void xmip_json_u64(struct xmip_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void xmip_json_i64(struct xmip_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void xmip_json_bool(struct xmip_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void xmip_json_null(struct xmip_json *j)
{
	before_value(j);
	fputs("null", j->f);
}

void xmip_json_end(struct xmip_json *j)
{
	fputc('\n', j->f);
}
