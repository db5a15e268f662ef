// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for a monitor event as `xmip monitor` reads it from an
 * agent's socket (lib/event_fmt.c): the input is one SOCK_SEQPACKET
 * message, in a heap buffer of exactly its size (ASan sees any over-read).
 *
 * Properties:
 *  - decoded iff it holds the header up to `fields` and version 1;
 *  - what the record did not carry is zero, what it carried is copied as is
 *    (the strings aside, which end within their fields);
 *  - the text line is one line: printable ASCII only, then '\n';
 *  - the JSON object has no raw control character and is valid UTF-8
 *    (RFC 8259 section 8.1), whatever octets the strings held.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_fmt.h"
#include "json.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s\n", #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 3629: the whole buffer is well-formed UTF-8. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static void check_text(const struct xmip_event *ev)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	CHECK(f);
	xmip_event_print_text(f, "fz", ev);
	fclose(f);
	CHECK(n > 0 && out[n - 1] == '\n');
	for (size_t i = 0; i + 1 < n; i++)
		CHECK(out[i] >= 0x20 && out[i] < 0x7f);
	free(out);
}

static void check_json(const struct xmip_event *ev)
{
	struct xmip_json j;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	CHECK(f);
	xmip_json_init(&j, f, false);
	xmip_event_json(&j, "fz", ev);
	xmip_json_end(&j);
	fclose(f);
	CHECK(n > 2 && out[0] == '{');
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)out[i] >= 0x20 || out[i] == '\n');
	CHECK(utf8_valid((const unsigned char *)out, n));
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct xmip_event ev;
	const size_t head = offsetof(struct xmip_event, fields);
	int rc;

	CHECK(buf);
	memcpy(buf, data, size);
	rc = xmip_event_decode(buf, size, &ev);
	if (size < head || ((const struct xmip_event *)buf)->version != XMIP_EVENT_VERSION) {
		CHECK(rc == -1);
		free(buf);
		return 0;
	}
	CHECK(rc == 0);
	{
		const uint8_t *d = (const uint8_t *)&ev;
		size_t carried = size < sizeof(ev) ? size : sizeof(ev);
		size_t sn = offsetof(struct xmip_event, status_name);

		/* As sent up to the strings; zero after what was carried. */
		CHECK(memcmp(d, buf, carried < sn ? carried : sn) == 0);
		for (size_t i = carried; i < sizeof(ev); i++)
			CHECK(d[i] == 0);
	}
	CHECK(memchr(ev.status_name, 0, sizeof(ev.status_name)));
	CHECK(memchr(ev.id, 0, sizeof(ev.id)));
	check_text(&ev);
	check_json(&ev);
	free(buf);
	return 0;
}
