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

/*
 * Octets of the valid UTF-8 sequence at s (1 to 4), 0 if none starts there
 * (RFC 3629 section 4: no overlong forms, no surrogates, nothing past
 * U+10FFFF). The string ends at its NUL, which no continuation octet is.
 */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * A JSON string (RFC 8259 section 7) that any JSON reader accepts whatever
 * the octets: strings may come from the wire (an NAI, a name), so invalid
 * UTF-8 becomes U+FFFD rather than a document jq refuses.
 */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (n == 0)
			fputs("\\ufffd", f);
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
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
