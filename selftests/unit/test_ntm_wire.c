// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NTMobile codec, keys and replay windows (agentd/ntm/): every message
 * type built, parsed and rebuilt to the same bytes; the examples of
 * docs/ntmobile.md read out of the document and checked against the
 * fields it documents, their MACs and wrapped keys; every length check
 * (each truncation, Length field, too long); reserved octets, options
 * (order, placement, critical, values); field ranges; a changed octet
 * anywhere is never accepted; RFC 5869 and RFC 3394 test vectors.
 *
 * XMIP_NTM_PRINT_EXAMPLES=1 prints the examples in the document's format
 * instead of testing (how the dumps in the document were made).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ntm_crypto.h"
#include "ntm_examples.h"
#include "ntm_replay.h"
#include "ntm_wire.h"

#define DOC "docs/ntmobile.md"

struct built {
	const char *name;
	enum ex_key key;
	struct xmip_ntm_keys k;
	struct xmip_ntm_msg m;
	uint8_t buf[XMIP_NTM_MAX_MSG];
	size_t len;
};

static bool build_example(int i, struct built *b)
{
	b->name = ex_fill(i, &b->m, &b->key);
	if (!b->name)
		return false;
	ex_keys(b->key, &b->k);
	ex_wrap(&b->m, &b->k);
	assert_int_equal(xmip_ntm_build(&b->m, b->k.mac, b->buf, sizeof(b->buf), &b->len),
			 XMIP_NTM_E_OK);
	return true;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* ---- every example: build, parse, rebuild ---- */

static void test_examples_roundtrip(void **state)
{
	struct built *b = malloc(sizeof(*b));
	int n = 0, seen_types = 0;

	(void)state;
	for (int i = 0; build_example(i, b); i++, n++) {
		struct xmip_ntm_msg *p = malloc(sizeof(*p));
		uint8_t again[XMIP_NTM_MAX_MSG];
		char d1[4096], d2[4096];
		size_t len2;

		assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_OK);
		assert_true(xmip_ntm_mac_ok(b->k.mac, b->buf, b->len));
		assert_int_equal(p->h.length, b->len);
		assert_int_equal(xmip_ntm_describe(&b->m, d1, sizeof(d1)), 0);
		assert_int_equal(xmip_ntm_describe(p, d2, sizeof(d2)), 0);
		assert_string_equal(d1, d2);
		assert_int_equal(xmip_ntm_build(p, b->k.mac, again, sizeof(again), &len2), 0);
		assert_int_equal(len2, b->len);
		assert_memory_equal(again, b->buf, b->len);
		seen_types |= 1 << b->m.h.type;
		free(p);
	}
	/* one example at least of every type */
	for (int t = 1; t <= XMIP_NTM_TYPE__MAX; t++)
		if (!(seen_types & (1 << t)))
			fail_msg("no example of type %d", t);
	assert_true(n >= XMIP_NTM_TYPE__MAX);
	free(b);
}

/* ---- the document's examples ---- */

struct doc_ex {
	char   name[64];
	char   fields[4096];
	char   mac_key[65], kek[65], path_key[65];
	uint8_t bytes[XMIP_NTM_MAX_MSG];
	size_t len;
};

static char *read_doc(size_t *len)
{
	FILE *f = fopen(DOC, "r");
	char *buf = malloc(1 << 20);

	if (!f)
		fail_msg("cannot open %s (run from the repository root)", DOC);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Parse the ```ntm-example blocks; returns how many. */
static int doc_examples(struct doc_ex *ex, int max)
{
	size_t len;
	char *doc = read_doc(&len), *save = NULL, *line;
	int n = 0;
	bool in = false;

	for (line = strtok_r(doc, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!in) {
			if (strncmp(line, "```ntm-example", 14) == 0) {
				assert_true(n < max);
				memset(&ex[n], 0, sizeof(ex[n]));
				in = true;
			}
			continue;
		}
		if (strncmp(line, "```", 3) == 0) {
			in = false;
			n++;
		} else if (sscanf(line, "name: %63s", ex[n].name) == 1) {
		} else if (sscanf(line, "mac-key: %64s", ex[n].mac_key) == 1) {
		} else if (sscanf(line, "kek: %64s", ex[n].kek) == 1) {
		} else if (sscanf(line, "path-key: %64s", ex[n].path_key) == 1) {
		} else if (strncmp(line, "fields: ", 8) == 0) {
			snprintf(ex[n].fields, sizeof(ex[n].fields), "%s", line + 8);
		} else {
			unsigned off, v;
			int used;
			char *p = line;

			if (sscanf(p, "%4x:%n", &off, &used) != 1)
				fail_msg("%s: unexpected line in example %s: '%s'", DOC, ex[n].name, line);
			assert_int_equal(off, ex[n].len);    /* offsets count the octets */
			p += used;
			while (sscanf(p, " %2x%n", &v, &used) == 1) {
				assert_true(ex[n].len < sizeof(ex[n].bytes));
				ex[n].bytes[ex[n].len++] = (uint8_t)v;
				p += used;
			}
		}
	}
	free(doc);
	return n;
}

static void test_doc_examples(void **state)
{
	struct doc_ex *ex = calloc(32, sizeof(*ex));
	struct built *b = malloc(sizeof(*b));
	struct xmip_ntm_msg *p = malloc(sizeof(*p));
	int n = doc_examples(ex, 32), matched = 0;

	(void)state;
	for (int i = 0; build_example(i, b); i++) {
		struct doc_ex *d = NULL;
		uint8_t again[XMIP_NTM_MAX_MSG], key[32];
		char got[4096], h[65];
		size_t len2;

		for (int j = 0; j < n; j++)
			if (strcmp(ex[j].name, b->name) == 0)
				d = &ex[j];
		if (!d)
			fail_msg("%s has no example '%s'", DOC, b->name);
		matched++;
		/* The documented keys are the ones the derivations give. */
		hex(b->k.mac, 32, h);
		assert_string_equal(d->mac_key, h);
		/* Decodes, to the documented values, with a good MAC. */
		assert_int_equal(xmip_ntm_parse(d->bytes, d->len, p), XMIP_NTM_E_OK);
		assert_true(xmip_ntm_mac_ok(b->k.mac, d->bytes, d->len));
		assert_int_equal(xmip_ntm_describe(p, got, sizeof(got)), 0);
		if (strcmp(got, d->fields))
			fail_msg("example %s decodes to\n  %s\nthe document says\n  %s", d->name, got,
				 d->fields);
		/* Re-encodes to the same bytes; the same bytes as our builder. */
		assert_int_equal(xmip_ntm_build(p, b->k.mac, again, sizeof(again), &len2), 0);
		assert_int_equal(len2, d->len);
		assert_memory_equal(again, d->bytes, d->len);
		assert_int_equal(b->len, d->len);
		assert_memory_equal(b->buf, d->bytes, d->len);
		/* A carried path key unwraps with the documented kek to the documented key. */
		if (p->h.type == XMIP_NTM_ROUTE_DIR || p->h.type == XMIP_NTM_RELAY_REQ) {
			const uint8_t *w = p->h.type == XMIP_NTM_ROUTE_DIR ? p->u.route_dir.wkey
									  : p->u.relay_req.wkey;

			hex(b->k.kek, 32, h);
			assert_string_equal(d->kek, h);
			assert_int_equal(xmip_ntm_unwrap(b->k.kek, w, key), 0);
			hex(key, 32, h);
			assert_string_equal(d->path_key, h);
		}
	}
	assert_int_equal(matched, n);   /* and no example in the document we do not check */
	free(p);
	free(b);
	free(ex);
}

/* ---- length checks ---- */

static void set_len(uint8_t *buf, size_t len)
{
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
}

static void test_truncation(void **state)
{
	struct built *b = malloc(sizeof(*b));
	struct xmip_ntm_msg *p = malloc(sizeof(*p));

	(void)state;
	for (int i = 0; build_example(i, b); i++) {
		for (size_t cut = 0; cut < b->len; cut++) {
			uint8_t *c = malloc(cut ? cut : 1);   /* exactly cut octets: ASan sees overreads */
			int rc;

			memcpy(c, b->buf, cut);
			rc = xmip_ntm_parse(c, cut, p);
			assert_int_not_equal(rc, XMIP_NTM_E_OK);
			if (cut >= XMIP_NTM_HDR_LEN + XMIP_NTM_MAC_LEN)
				assert_int_equal(rc, XMIP_NTM_E_LENGTH);
			/* Length patched to match: still never a valid message under the key. */
			if (cut >= 4) {
				set_len(c, cut);
				rc = xmip_ntm_parse(c, cut, p);
				assert_false(rc == XMIP_NTM_E_OK && xmip_ntm_mac_ok(b->k.mac, c, cut));
			}
			free(c);
		}
	}
	free(p);
	free(b);
}

static void test_length_field_and_limits(void **state)
{
	struct built *b = malloc(sizeof(*b));
	struct xmip_ntm_msg *p = malloc(sizeof(*p));
	uint8_t big[XMIP_NTM_MAX_MSG + 1];

	(void)state;
	build_example(0, b);
	set_len(b->buf, b->len + 1);
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_LENGTH);
	set_len(b->buf, b->len - 1);
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_LENGTH);
	set_len(b->buf, b->len);
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_OK);
	memset(big, 0, sizeof(big));
	memcpy(big, b->buf, b->len);
	set_len(big, sizeof(big));
	assert_int_equal(xmip_ntm_parse(big, sizeof(big), p), XMIP_NTM_E_TOO_LONG);
	assert_int_equal(xmip_ntm_parse(b->buf, 0, p), XMIP_NTM_E_SHORT);
	assert_int_equal(xmip_ntm_parse(b->buf, 63, p), XMIP_NTM_E_SHORT);
	/* Version and kind: 0x11 is tunnel data, 0x20 a future version. */
	for (unsigned v = 0; v < 256; v++) {
		if (v == XMIP_NTM_V_CONTROL)
			continue;
		b->buf[0] = (uint8_t)v;
		assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_VERSION);
	}
	b->buf[0] = XMIP_NTM_V_CONTROL;
	for (unsigned t = 0; t < 256; t++) {
		b->buf[1] = (uint8_t)t;
		if (t >= 1 && t <= XMIP_NTM_TYPE__MAX)
			assert_int_not_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_TYPE);
		else
			assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_TYPE);
	}
	free(p);
	free(b);
}

/* Each type with exactly its fixed body: a shorter one is BODY_SHORT. */
static void test_body_short(void **state)
{
	struct xmip_ntm_msg *p = malloc(sizeof(*p));
	uint8_t buf[XMIP_NTM_MAX_MSG];

	(void)state;
	for (int t = 1; t <= XMIP_NTM_TYPE__MAX; t++) {
		size_t body = xmip_ntm_body_len(t);

		assert_true(body > 0 && body % 4 == 0);
		for (size_t n = 0; n < body; n += 2) {
			size_t len = XMIP_NTM_HDR_LEN + n + XMIP_NTM_MAC_LEN;

			memset(buf, 0, sizeof(buf));
			buf[0] = XMIP_NTM_V_CONTROL;
			buf[1] = (uint8_t)t;
			set_len(buf, len);
			assert_int_equal(xmip_ntm_parse(buf, len, p), XMIP_NTM_E_BODY_SHORT);
		}
	}
	free(p);
}

static void test_build_nospace(void **state)
{
	struct built *b = malloc(sizeof(*b));
	uint8_t out[XMIP_NTM_MAX_MSG];

	(void)state;
	for (int i = 0; build_example(i, b); i++)
		for (size_t cap = 0; cap < b->len; cap++) {
			size_t n = 99;

			assert_int_equal(xmip_ntm_build(&b->m, b->k.mac, out, cap, &n),
					 XMIP_NTM_E_NOSPACE);
			assert_int_equal(n, 0);
		}
	free(b);
}

/* ---- a changed octet is never accepted ---- */

static void test_any_change_rejected(void **state)
{
	struct built *b = malloc(sizeof(*b));
	struct xmip_ntm_msg *p = malloc(sizeof(*p));

	(void)state;
	for (int i = 0; build_example(i, b); i++)
		for (size_t at = 0; at < b->len; at++) {
			static const uint8_t flips[] = { 0x01, 0x80, 0xff };

			for (size_t f = 0; f < sizeof(flips); f++) {
				b->buf[at] ^= flips[f];
				assert_false(xmip_ntm_parse(b->buf, b->len, p) == XMIP_NTM_E_OK &&
					     xmip_ntm_mac_ok(b->k.mac, b->buf, b->len));
				b->buf[at] ^= flips[f];
			}
		}
	/* and the right MAC under another key is wrong */
	build_example(0, b);
	{
		struct xmip_ntm_keys other;

		ex_keys(EX_K_DD, &other);
		assert_false(xmip_ntm_mac_ok(other.mac, b->buf, b->len));
		assert_true(xmip_ntm_mac_ok(b->k.mac, b->buf, b->len));
	}
	free(p);
	free(b);
}

/* ---- reserved octets and padding ---- */

static void test_reserved(void **state)
{
	struct built *b = malloc(sizeof(*b));
	struct xmip_ntm_msg *p = malloc(sizeof(*p));
	/* type, offset of a reserved octet from the start of the message */
	static const struct { int ex; size_t off; } r[] = {
		{ 0, 6 }, { 0, 7 },                      /* header */
		{ 0, 32 + 2 }, { 0, 32 + 24 + 18 },      /* REG_REQ reserved, claimed.reserved */
		{ 0, 32 + 44 + 4 + 12 },                 /* FQDN "mn.a.example" (12) padding: none... */
		{ 2, 32 + 4 }, { 2, 32 + 7 },            /* KA */
		{ 3, 32 + 6 },                           /* KA_RESP */
		{ 4, 32 + 2 },                           /* DIR_REQ */
		{ 7, 32 + 3 },                           /* DIR_RESP */
		{ 5, 32 + 2 },                           /* INFO_REQ nodeinfo */
		{ 6, 32 + 2 },                           /* INFO_RESP */
		{ 10, 32 + 5 }, { 10, 32 + 12 },         /* RELAY_REQ */
		{ 11, 32 + 6 },                          /* RELAY_RESP */
		{ 8, 32 + 6 }, { 8, 32 + 12 },           /* ROUTE_DIR */
		{ 9, 32 + 6 },                           /* ROUTE_ACK */
		{ 12, 32 + 4 },                          /* TUN_REQ */
		{ 13, 32 + 6 },                          /* TUN_RESP */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		build_example(r[i].ex, b);
		if (r[i].off >= b->len - XMIP_NTM_MAC_LEN)
			continue;
		/* "mn.a.example" is 12 octets: no padding; that entry checks the next option's header */
		if (r[i].ex == 0 && r[i].off == 32 + 44 + 4 + 12)
			continue;
		b->buf[r[i].off] = 0x40;
		assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_RESERVED);
	}
	/* option padding: "cn.b.example" is 12 octets; use the 3-octet unknown option of example 14 */
	build_example(14, b);
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_OK);
	/* options: REAL_ADDR(4+20) at 32+44, then 0x0042 (4+3+1 pad) */
	assert_int_equal(b->buf[32 + 44 + 24], 0x00);
	assert_int_equal(b->buf[32 + 44 + 25], 0x42);
	b->buf[32 + 44 + 24 + 4 + 3] = 1;
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_RESERVED);
	free(p);
	free(b);
}

/* ---- options ---- */

/* Build example ex with its options replaced by opts (raw), MAC zero. */
static size_t with_opts(int ex, const uint8_t *opts, size_t olen, uint8_t *out)
{
	struct built *b = malloc(sizeof(*b));
	size_t fixed, len;

	build_example(ex, b);
	fixed = XMIP_NTM_HDR_LEN + xmip_ntm_body_len(b->m.h.type);
	memcpy(out, b->buf, fixed);
	if (olen)
		memcpy(out + fixed, opts, olen);
	len = fixed + olen + XMIP_NTM_MAC_LEN;
	memset(out + fixed + olen, 0, XMIP_NTM_MAC_LEN);
	set_len(out, len);
	free(b);
	return len;
}

#define OPT(t, ...) 0x80, (t), 0x00, sizeof((uint8_t[]){ __VA_ARGS__ }), __VA_ARGS__

static void test_options(void **state)
{
	struct xmip_ntm_msg *p = malloc(sizeof(*p));
	uint8_t buf[XMIP_NTM_MAX_MSG];
	size_t n;

	(void)state;
	{	/* a well-formed FQDN, for reference */
		const uint8_t o[] = { OPT(0x01, 'a', '.', 'b', 'c') };

		n = with_opts(0, o, sizeof(o), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OK);
		assert_string_equal(p->node_fqdn, "a.bc");
	}
	{	/* missing required */
		n = with_opts(0, NULL, 0, buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_MISSING);
	}
	{	/* Target FQDN is not carried by a Registration Request */
		const uint8_t o[] = { OPT(0x01, 'a', '.', 'b', 'c'), OPT(0x02, 'x', '.', 'y', 'z') };

		n = with_opts(0, o, sizeof(o), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_UNEXPECTED);
	}
	{	/* out of order and repeated */
		const uint8_t o1[] = { OPT(0x02, 'x', '.', 'y', 'z'), OPT(0x01, 'a', '.', 'b', 'c') };
		const uint8_t o2[] = { OPT(0x01, 'a', '.', 'b', 'c'), OPT(0x01, 'a', '.', 'b', 'c') };

		n = with_opts(5, o1, sizeof(o1), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_ORDER);
		n = with_opts(0, o2, sizeof(o2), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_ORDER);
	}
	{	/* unknown critical; unknown non-critical is kept */
		const uint8_t o1[] = { OPT(0x01, 'a', '.', 'b', 'c'), OPT(0x77, 1, 2, 3, 4) };
		const uint8_t o2[] = { 0x00, 0x77, 0x00, 0x02, 9, 9, 0, 0, OPT(0x01, 'a', '.', 'b', 'c') };

		n = with_opts(0, o1, sizeof(o1), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_CRITICAL);
		n = with_opts(0, o2, sizeof(o2), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OK);
		assert_int_equal(p->n_unknown, 1);
		assert_int_equal(p->unknown[0].type, 0x77);
		assert_int_equal(p->unknown[0].len, 2);
	}
	{	/* an unknown type 0 repeated is out of order too (found by fuzz_ntm_wire) */
		const uint8_t o[] = { 0, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0, 0,
				      OPT(0x01, 'a', '.', 'b', 'c') };

		n = with_opts(0, o, sizeof(o), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_ORDER);
	}
	{	/* truncated option header, truncated value */
		const uint8_t o1[] = { OPT(0x01, 'a', '.', 'b', 'c'), 0x00, 0x05 };
		const uint8_t o2[] = { 0x80, 0x01, 0x00, 0x09, 'a', '.', 'b', 'c' };

		n = with_opts(0, o1, sizeof(o1), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_TRUNC);
		n = with_opts(0, o2, sizeof(o2), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_TRUNC);
	}
	{	/* bad FQDNs */
		const uint8_t bad[][8] = {
			{ OPT(0x01, 'A', '.', 'b', 'c') }, { OPT(0x01, 'a', '.', 'b', '.') },
			{ OPT(0x01, 'a', '.', '.', 'c') }, { OPT(0x01, '-', 'a', '.', 'c') },
			{ OPT(0x01, 'a', '-', '.', 'c') }, { OPT(0x01, 'a', 0, 'b', 'c') },
			{ OPT(0x01, 'a', '_', 'b', 'c') }, { 0x80, 0x01, 0x00, 0x00 },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			n = with_opts(0, bad[i], (size_t)(bad[i][3] == 0 ? 4 : 8), buf);
			assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_BAD);
		}
	}
	{	/* Real Address: 20 octets exactly, at most 4 */
		uint8_t o[4 + 21 + 3 + 8];

		memset(o, 0, sizeof(o));
		o[0] = 0x00; o[1] = 0x03; o[2] = 0x00; o[3] = 21;
		memcpy(o + 28, (uint8_t[]){ OPT(0x01, 'a', '.', 'b', 'c') }, 8);
		n = with_opts(0, o, sizeof(o), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_BAD);
	}
	{
		uint8_t o[5 * 24 + 8];

		memset(o, 0, sizeof(o));
		for (int i = 0; i < 5; i++) {
			o[i * 24 + 1] = 0x03;
			o[i * 24 + 3] = 20;
		}
		memcpy(o + 120, (uint8_t[]){ OPT(0x01, 'a', '.', 'b', 'c') }, 8);
		n = with_opts(0, o, 4 * 24, buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_MISSING);
		memmove(o + 96, o + 120, 8);
		n = with_opts(0, o, 4 * 24 + 8, buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OK);
		assert_int_equal(p->n_real, 4);
		memset(o, 0, sizeof(o));
		for (int i = 0; i < 5; i++) {
			o[i * 24 + 1] = 0x03;
			o[i * 24 + 3] = 20;
		}
		memcpy(o + 120, (uint8_t[]){ OPT(0x01, 'a', '.', 'b', 'c') }, 8);
		n = with_opts(0, o, sizeof(o), buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OPT_BAD);
	}
	{	/* the longest FQDN (253) passes, 254 does not; a 64-octet label does not */
		uint8_t o[4 + 256];
		char name[255];

		for (int i = 0; i < 254; i++)
			name[i] = (i % 2) ? '.' : 'a';
		name[252] = 'a';
		memset(o, 0, sizeof(o));
		o[0] = 0x80; o[1] = 0x01; o[2] = 0; o[3] = 253;
		memcpy(o + 4, name, 253);
		n = with_opts(0, o, 4 + 256, buf);
		assert_int_equal(xmip_ntm_parse(buf, n, p), XMIP_NTM_E_OK);
		assert_false(xmip_ntm_fqdn_valid(name, 254));
		memset(name, 'a', 64);
		assert_false(xmip_ntm_fqdn_valid(name, 64));
		assert_true(xmip_ntm_fqdn_valid(name, 63));
	}
	free(p);
}

/* ---- field ranges, in both directions ---- */

static void test_fields(void **state)
{
	struct built *b = malloc(sizeof(*b));
	struct xmip_ntm_msg *p = malloc(sizeof(*p));
	uint8_t out[XMIP_NTM_MAX_MSG];
	size_t n;

	(void)state;
	build_example(8, b);   /* route direction, direct, path 0x2a5f1c03 */
	b->m.u.route_dir.mode = 0;
	assert_int_equal(xmip_ntm_build(&b->m, NULL, out, sizeof(out), &n), XMIP_NTM_E_FIELD);
	b->m.u.route_dir.mode = XMIP_NTM_MODE_RS_N;   /* path id without the RS-N bit */
	assert_int_equal(xmip_ntm_build(&b->m, NULL, out, sizeof(out), &n), XMIP_NTM_E_FIELD);
	b->m.u.route_dir.mode = XMIP_NTM_MODE_DIRECT;
	b->m.u.route_dir.role = 3;
	assert_int_equal(xmip_ntm_build(&b->m, NULL, out, sizeof(out), &n), XMIP_NTM_E_FIELD);
	/* on the wire: mode at body+4, role at body+5 */
	build_example(8, b);
	b->buf[32 + 4] = 4;
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_FIELD);
	b->buf[32 + 4] = XMIP_NTM_MODE_DIRECT;
	b->buf[32 + 5] = 0;
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_FIELD);
	b->buf[32 + 5] = XMIP_NTM_ROLE_INITIATOR;
	b->buf[32] |= 0x80;                        /* RS-N bit on a direct path */
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_FIELD);
	build_example(10, b);                      /* relay direction RS-N */
	b->buf[32 + 4] = XMIP_NTM_MODE_DIRECT;     /* a relay is never direct */
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_FIELD);
	build_example(12, b);                      /* tunnel request: path id 0 */
	memset(b->buf + 32, 0, 4);
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_FIELD);
	build_example(7, b);                       /* direction response: mode 9 */
	b->buf[32 + 2] = 9;
	assert_int_equal(xmip_ntm_parse(b->buf, b->len, p), XMIP_NTM_E_FIELD);
	/* a failed Direction Response needs no path */
	build_example(7, b);
	b->m.u.dir_resp.status = XMIP_NTM_ERR_NO_DC;
	b->m.u.dir_resp.mode = XMIP_NTM_MODE_NONE;
	b->m.u.dir_resp.path_id = 0;
	assert_int_equal(xmip_ntm_build(&b->m, NULL, out, sizeof(out), &n), XMIP_NTM_E_OK);
	assert_int_equal(xmip_ntm_parse(out, n, p), XMIP_NTM_E_OK);
	free(p);
	free(b);
}

/* ---- keys ---- */

static void unhex(const char *s, uint8_t *out)
{
	for (size_t i = 0; s[2 * i]; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
}

static void test_hkdf_rfc5869(void **state)
{
	/* RFC 5869 A.1 (SHA-256) */
	uint8_t ikm[22], salt[13], info[10], prk[32], okm[42], want_prk[32], want_okm[42];

	(void)state;
	memset(ikm, 0x0b, sizeof(ikm));
	for (int i = 0; i < 13; i++)
		salt[i] = (uint8_t)i;
	for (int i = 0; i < 10; i++)
		info[i] = (uint8_t)(0xf0 + i);
	unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", want_prk);
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	      "34007208d5b887185865", want_okm);
	xmip_ntm_hkdf_extract(salt, sizeof(salt), ikm, sizeof(ikm), prk);
	assert_memory_equal(prk, want_prk, 32);
	assert_int_equal(xmip_ntm_hkdf_expand(prk, info, sizeof(info), okm, sizeof(okm)), 0);
	assert_memory_equal(okm, want_okm, 42);
}

static void test_keywrap_rfc3394(void **state)
{
	/* RFC 3394 4.6: 256 bits of key data with a 256-bit KEK */
	uint8_t kek[32], key[32], out[40], want[40], back[32];

	(void)state;
	unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", kek);
	unhex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f", key);
	unhex("28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43b"
	      "fb988b9b7a02dd21", want);
	assert_int_equal(xmip_ntm_wrap(kek, key, out), 0);
	assert_memory_equal(out, want, 40);
	assert_int_equal(xmip_ntm_unwrap(kek, out, back), 0);
	assert_memory_equal(back, key, 32);
	out[5] ^= 1;                               /* the integrity check catches a change */
	assert_int_equal(xmip_ntm_unwrap(kek, out, back), -1);
	out[5] ^= 1;
	kek[0] ^= 1;                               /* and the wrong KEK */
	assert_int_equal(xmip_ntm_unwrap(kek, out, back), -1);
}

static void test_sender_id(void **state)
{
	(void)state;
	/* printf %s mn.a.example | sha256sum | cut -c1-16 */
	assert_int_equal(xmip_ntm_sender_id("mn.a.example"), 0xf083180f255e98e9ull);
	assert_int_not_equal(xmip_ntm_sender_id("a.example"), xmip_ntm_sender_id("b.example"));
}

/* ---- replay ---- */

static void test_seqwin(void **state)
{
	struct xmip_ntm_seqwin w = { 0 };

	(void)state;
	assert_false(xmip_ntm_seqwin_ok(&w, 0));
	assert_true(xmip_ntm_seqwin_ok(&w, 1));
	xmip_ntm_seqwin_commit(&w, 1);
	assert_false(xmip_ntm_seqwin_ok(&w, 1));          /* replay */
	assert_true(xmip_ntm_seqwin_ok(&w, 5));
	xmip_ntm_seqwin_commit(&w, 5);
	assert_true(xmip_ntm_seqwin_ok(&w, 3));           /* late but new */
	xmip_ntm_seqwin_commit(&w, 3);
	assert_false(xmip_ntm_seqwin_ok(&w, 3));
	assert_false(xmip_ntm_seqwin_ok(&w, 5));
	assert_true(xmip_ntm_seqwin_ok(&w, 4));
	xmip_ntm_seqwin_commit(&w, 100);
	assert_true(xmip_ntm_seqwin_ok(&w, 37));          /* 100 - 63: still in the window */
	assert_false(xmip_ntm_seqwin_ok(&w, 36));         /* 100 - 64: too old */
	assert_false(xmip_ntm_seqwin_ok(&w, 5));
	xmip_ntm_seqwin_commit(&w, 37);
	assert_false(xmip_ntm_seqwin_ok(&w, 37));
	xmip_ntm_seqwin_commit(&w, 1000);                 /* a jump clears the window */
	assert_false(xmip_ntm_seqwin_ok(&w, 100));
	assert_true(xmip_ntm_seqwin_ok(&w, 999));
	assert_false(xmip_ntm_seqwin_ok(&w, 1000));
	xmip_ntm_seqwin_commit(&w, UINT32_MAX);
	assert_false(xmip_ntm_seqwin_ok(&w, UINT32_MAX));
}

static void test_timestamps(void **state)
{
	struct xmip_ntm_tsfloor f = { 0 };
	uint64_t last = 0;

	(void)state;
	assert_true(xmip_ntm_ts_in_window(1000000, 1000000, 0));
	assert_true(xmip_ntm_ts_in_window(100000000, 70000000, 30000000));
	assert_false(xmip_ntm_ts_in_window(100000000, 69999999, 30000000));
	assert_true(xmip_ntm_ts_in_window(100000000, 130000000, 30000000));
	assert_false(xmip_ntm_ts_in_window(100000000, 130000001, 30000000));
	assert_false(xmip_ntm_ts_in_window(UINT64_MAX, 0, 30000000));
	assert_true(xmip_ntm_tsfloor_ok(&f, 1));
	xmip_ntm_tsfloor_commit(&f, 50);
	assert_false(xmip_ntm_tsfloor_ok(&f, 50));        /* the same message again */
	assert_false(xmip_ntm_tsfloor_ok(&f, 49));        /* an older one */
	assert_true(xmip_ntm_tsfloor_ok(&f, 51));
	/* a sender never repeats a timestamp, even with a clock that stands still or steps back */
	assert_int_equal(xmip_ntm_next_ts(&last, 10), 10);
	assert_int_equal(xmip_ntm_next_ts(&last, 10), 11);
	assert_int_equal(xmip_ntm_next_ts(&last, 5), 12);
	assert_int_equal(xmip_ntm_next_ts(&last, 20), 20);
}

/* ---- the document's format, for writing it ---- */

static void print_examples(void)
{
	struct built *b = malloc(sizeof(*b));
	struct xmip_ntm_msg *p = malloc(sizeof(*p));

	for (int i = 0; build_example(i, b); i++) {
		char d[4096], h[65];

		xmip_ntm_parse(b->buf, b->len, p);
		xmip_ntm_describe(p, d, sizeof(d));
		printf("```ntm-example\nname: %s\n", b->name);
		hex(b->k.mac, 32, h);
		printf("mac-key: %s\n", h);
		if (p->h.type == XMIP_NTM_ROUTE_DIR || p->h.type == XMIP_NTM_RELAY_REQ) {
			hex(b->k.kek, 32, h);
			printf("kek: %s\n", h);
			hex(ex_path_key, 32, h);
			printf("path-key: %s\n", h);
		}
		printf("fields: %s\n", d);
		for (size_t o = 0; o < b->len; o += 16) {
			printf("%04zx:", o);
			for (size_t j = o; j < b->len && j < o + 16; j++)
				printf(" %02x", b->buf[j]);
			printf("\n");
		}
		printf("```\n\n");
	}
	free(p);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_roundtrip),
		cmocka_unit_test(test_doc_examples),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_length_field_and_limits),
		cmocka_unit_test(test_body_short),
		cmocka_unit_test(test_build_nospace),
		cmocka_unit_test(test_any_change_rejected),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_hkdf_rfc5869),
		cmocka_unit_test(test_keywrap_rfc3394),
		cmocka_unit_test(test_sender_id),
		cmocka_unit_test(test_seqwin),
		cmocka_unit_test(test_timestamps),
	};

	if (getenv("XMIP_NTM_PRINT_EXAMPLES")) {
		print_examples();
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
