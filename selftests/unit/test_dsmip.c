// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * DSMIPv6 (RFC 5555): the four options and the F flag byte-identical to
 * bytes computed by selftests/unit/gen_dsmip_vectors.py (struct + hmac,
 * not our code), parsed back, every truncation and bad length rejected
 * without reading past len (each input in a heap block of exactly its
 * size: ASan under SANITIZE=1); the outer IPv4/UDP parser; the HA's
 * decision for every BA and IPv4 Address Acknowledgement status, NAT
 * detection, F, and the keying rule (observed address and port; a new
 * port followed only after an authenticated BU).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"
#include "config.h"
#include "dsmip_dp.h"
#include "dsmip_outer.h"
#include "dsmip_policy.h"
#include "dsmip_table.h"
#include "dsmip_vectors.h"
#include "ha_policy.h"
#include "mh.h"

#define NOW_BOOT_NS (1000ULL * 1000000000ULL)

static const uint8_t d_key[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct in_addr A4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr M4(const char *s)
{
	struct in6_addr a;

	xmip_v4_mapped(A4(s), &a);
	return a;
}

/* A pointer to a copy of a (for calls that take addresses); 8 at a time. */
static const struct in6_addr *P6(struct in6_addr a)
{
	static struct in6_addr ring[8];
	static unsigned int i;

	ring[i % 8] = a;
	return &ring[i++ % 8];
}

static enum xmip_parse_err parse_exact(const uint8_t *buf, size_t len, struct xmip_pkt *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum xmip_parse_err err;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	err = xmip_pkt_parse(copy, len, out);
	out->mh = NULL;
	free(copy);
	return err;
}

static const struct xmip_mn_ha_sa d_sa = { .spi = D_SPI, .key = d_key, .key_len = sizeof(d_key) };

static struct xmip_bu_fields bu_fields(uint16_t flags, bool v4hoa, const char *hoa4)
{
	struct xmip_bu_fields f = {
		.seq = D_SEQ, .flags = flags, .lifetime_units = D_LIFE,
		.nai = D_NAI, .nai_len = strlen(D_NAI),
		.has_mesg_id = true, .mesg_id = D_MESG_ID, .has_auth = true, .spi = D_SPI,
		.has_ipv4_coa = true, .ipv4_coa = A4(D_COA4),
	};
	if (v4hoa) {
		f.has_ipv4_hoa = true;
		f.ipv4_hoa_plen = 32;
		f.ipv4_hoa = A4(hoa4);
	}
	return f;
}

/* ---- codec ---------------------------------------------------------------------- */

static void build_bu(const struct xmip_bu_fields *f, uint8_t *buf, size_t cap, int *len)
{
	struct in6_addr hoa = A(D_HOA), ha = A(D_HA), coa = M4(D_COA4);

	*len = xmip_pkt_build_bu_from_hoa(buf, cap, &hoa, &ha, &coa, f, &d_sa);
	assert_true(*len > 0);
}

static void test_bu_bytes(void **state)
{
	uint8_t buf[256];
	struct xmip_bu_fields f;
	int len;

	(void)state;
	f = bu_fields(XMIP_BU_F_A | XMIP_BU_F_H, true, "0.0.0.0");
	build_bu(&f, buf, sizeof(buf), &len);
	assert_int_equal(len, sizeof(d_bu_nat));
	assert_memory_equal(buf, d_bu_nat, sizeof(d_bu_nat));

	f = bu_fields(XMIP_BU_F_A | XMIP_BU_F_H | XMIP_BU_F_F, true, D_V4HOA);
	build_bu(&f, buf, sizeof(buf), &len);
	assert_int_equal(len, sizeof(d_bu_forced));
	assert_memory_equal(buf, d_bu_forced, sizeof(d_bu_forced));

	f = bu_fields(XMIP_BU_F_A | XMIP_BU_F_H, false, NULL);
	build_bu(&f, buf, sizeof(buf), &len);
	assert_int_equal(len, sizeof(d_bu_plain));
	assert_memory_equal(buf, d_bu_plain, sizeof(d_bu_plain));
}

static void test_bu_parse_and_alignment(void **state)
{
	struct xmip_pkt p;
	const struct xmip_mh_opts *o = &p.msg.opts;

	(void)state;
	assert_int_equal(parse_exact(d_bu_forced, sizeof(d_bu_forced), &p), XMIP_PARSE_OK);
	assert_int_equal(p.msg.bu_flags, XMIP_BU_F_A | XMIP_BU_F_H | XMIP_BU_F_F);
	assert_true(o->has_ipv4_hoa);
	assert_int_equal(o->n_ipv4_hoa, 1);
	assert_int_equal(o->ipv4_hoa_plen, 32);
	assert_false(o->ipv4_hoa_p);
	assert_int_equal(o->ipv4_hoa.s_addr, A4(D_V4HOA).s_addr);
	assert_true(o->has_ipv4_coa);
	assert_int_equal(o->ipv4_coa.s_addr, A4(D_COA4).s_addr);
	assert_false(p.has_hao);
	/* Alignment (RFC 5555 §3.1.x: 4n), offsets from the MH start: MN-ID 12..29,
	 * PadN 30, IPv4 HoA at 32, IPv4 CoA at 40, Mesg-ID 8n+2, Auth 8n+5. */
	assert_int_equal(d_bu_forced[40 + 32], XMIP_MOPT_IPV4_HOA);
	assert_int_equal(d_bu_forced[40 + 40], XMIP_MOPT_IPV4_COA);
	assert_int_equal(o->auth_opt_off % 8, 5);
	/* P flag and prefix length bits. */
	{
		uint8_t b[256];
		struct xmip_bu_fields f = bu_fields(XMIP_BU_F_A | XMIP_BU_F_H, true, "0.0.0.0");
		int len;

		f.ipv4_hoa_p = true;
		f.ipv4_hoa_plen = 24;
		build_bu(&f, b, sizeof(b), &len);
		assert_int_equal(b[40 + 34], 24 << 2 | 0x02);
		assert_int_equal(parse_exact(b, (size_t)len, &p), XMIP_PARSE_OK);
		assert_true(o->ipv4_hoa_p);
		assert_int_equal(o->ipv4_hoa_plen, 24);
		f.ipv4_hoa_plen = 64;                    /* 6 bits */
		assert_int_equal(xmip_pkt_build_bu_from_hoa(b, sizeof(b), &p.src, &p.dst, &p.src,
							    &f, &d_sa), -1);
	}
}

static struct xmip_ba_fields ba_fields(bool ack, bool nat)
{
	struct xmip_ba_fields f = {
		.status = 0, .seq = D_SEQ, .lifetime_units = D_LIFE,
		.has_mesg_id = true, .mesg_id = D_MESG_ID, .has_auth = true, .spi = D_SPI,
		.has_nat_detect = true, .nat_f = nat,
		.nat_refresh_s = nat ? 110 : XMIP_DSMIP_REFRESH_NONE,
	};
	if (ack) {
		f.has_ipv4_ack = true;
		f.ipv4_ack_status = 0;
		f.ipv4_ack_plen = 32;
		f.ipv4_ack_hoa = A4(D_V4HOA);
	}
	return f;
}

static void test_ba_bytes_and_parse(void **state)
{
	struct in6_addr ha = A(D_HA), hoa = A(D_HOA), coa = M4(D_COA4);
	struct xmip_ba_fields f = ba_fields(true, true);
	uint8_t buf[256];
	struct xmip_pkt p;
	const struct xmip_mh_opts *o = &p.msg.opts;
	int len;

	(void)state;
	len = xmip_pkt_build_ba_to_hoa(buf, sizeof(buf), &ha, &hoa, &coa, &f, &d_sa);
	assert_int_equal(len, sizeof(d_ba_nat));
	assert_memory_equal(buf, d_ba_nat, sizeof(d_ba_nat));
	f = ba_fields(false, false);
	len = xmip_pkt_build_ba_to_hoa(buf, sizeof(buf), &ha, &hoa, &coa, &f, &d_sa);
	assert_int_equal(len, sizeof(d_ba_nonat));
	assert_memory_equal(buf, d_ba_nonat, sizeof(d_ba_nonat));

	assert_int_equal(parse_exact(d_ba_nat, sizeof(d_ba_nat), &p), XMIP_PARSE_OK);
	assert_true(o->has_ipv4_ack);
	assert_int_equal(o->ipv4_ack_status, 0);
	assert_int_equal(o->ipv4_ack_plen, 32);
	assert_int_equal(o->ipv4_ack_hoa.s_addr, A4(D_V4HOA).s_addr);
	assert_true(o->has_nat_detect);
	assert_true(o->nat_f);
	assert_int_equal(o->nat_refresh_s, 110);
	assert_int_equal(parse_exact(d_ba_nonat, sizeof(d_ba_nonat), &p), XMIP_PARSE_OK);
	assert_false(o->nat_f);
	assert_int_equal(o->nat_refresh_s, XMIP_DSMIP_REFRESH_NONE);
	assert_false(o->has_ipv4_ack);
	/* The authenticator: over ::ffff:CoA | HoA | MH (docs/dsmip.md). */
	{
		uint8_t mh[128];
		size_t mh_len = sizeof(d_ba_nat) - 40;

		memcpy(mh, d_ba_nat + 40, mh_len);
		assert_int_equal(parse_exact(d_ba_nat, sizeof(d_ba_nat), &p), XMIP_PARSE_OK);
		assert_true(xmip_auth_verify(d_key, sizeof(d_key), &coa, &hoa, mh, mh_len,
					     o->auth_opt_off));
		assert_false(xmip_auth_verify(d_key, sizeof(d_key), &hoa, &hoa, mh, mh_len,
					      o->auth_opt_off));
	}
}

/* Every prefix of every vector: an error, never a read past len (ASan). */
static void test_truncations(void **state)
{
	const struct { const uint8_t *b; size_t n; } v[] = {
		{ d_bu_nat, sizeof(d_bu_nat) }, { d_bu_forced, sizeof(d_bu_forced) },
		{ d_ba_nat, sizeof(d_ba_nat) }, { d_ba_nonat, sizeof(d_ba_nonat) },
	};
	struct xmip_pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t n = 0; n < v[i].n; n++)
			assert_int_not_equal(parse_exact(v[i].b, n, &p), XMIP_PARSE_OK);
}

/* A bare MH with one option of the given type and length (checksum not checked). */
static enum xmip_parse_err parse_one_option(uint8_t type, uint8_t olen, int copies)
{
	uint8_t mh[64] = { 59, 0, XMIP_MH_BA };
	size_t pos = 12, total;
	struct xmip_mh_msg m;
	uint8_t *copy;
	enum xmip_parse_err err;

	for (int c = 0; c < copies; c++) {
		mh[pos] = type;
		mh[pos + 1] = olen;
		pos += 2 + olen;
	}
	total = (pos + 7) / 8 * 8;
	for (size_t i = pos; i < total; i++)
		mh[i] = 0;                       /* Pad1 */
	mh[1] = (uint8_t)(total / 8 - 1);
	copy = malloc(total);
	memcpy(copy, mh, total);
	err = xmip_mh_parse(copy, total, &m);
	free(copy);
	return err;
}

static void test_option_lengths(void **state)
{
	const uint8_t types[] = { XMIP_MOPT_IPV4_HOA, XMIP_MOPT_IPV4_ACK, XMIP_MOPT_NAT_DETECT,
				  XMIP_MOPT_IPV4_COA };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		assert_int_equal(parse_one_option(types[i], 6, 1), XMIP_PARSE_OK);
		assert_int_equal(parse_one_option(types[i], 5, 1), XMIP_PARSE_BAD_OPTION);
		assert_int_equal(parse_one_option(types[i], 7, 1), XMIP_PARSE_BAD_OPTION);
		assert_int_equal(parse_one_option(types[i], 40, 1), XMIP_PARSE_BAD_OPTION);
		/* Twice: an error, except the IPv4 Home Address option (§4.4.2). */
		assert_int_equal(parse_one_option(types[i], 6, 2),
				 types[i] == XMIP_MOPT_IPV4_HOA ? XMIP_PARSE_OK : XMIP_PARSE_BAD_OPTION);
	}
}

static void test_outer(void **state)
{
	struct xmip_dsmip_obs obs;
	const uint8_t *inner;
	size_t inner_len;
	uint8_t *copy;

	(void)state;
	memset(&obs, 0, sizeof(obs));
	assert_int_equal(xmip_dsmip_parse_outer(d_outer_bu, sizeof(d_outer_bu), &obs, &inner,
						&inner_len), XMIP_DSMIP_OUTER_OK);
	{
		struct in6_addr want = M4(D_NAT4);

		assert_memory_equal(&obs.peer, &want, 16);
	}
	assert_int_equal(obs.peer_port, D_NATPORT);
	assert_int_equal(obs.local_port, 4191);
	assert_int_equal(inner_len, sizeof(d_bu_nat));
	assert_memory_equal(inner, d_bu_nat, sizeof(d_bu_nat));
	for (size_t n = 0; n < sizeof(d_outer_bu); n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, d_outer_bu, n);
		assert_int_not_equal(xmip_dsmip_parse_outer(copy, n, &obs, &inner, &inner_len),
				     XMIP_DSMIP_OUTER_OK);
		free(copy);
	}
	copy = malloc(sizeof(d_outer_bu));
	memcpy(copy, d_outer_bu, sizeof(d_outer_bu));
	copy[10] ^= 1;                           /* IPv4 header checksum */
	assert_int_equal(xmip_dsmip_parse_outer(copy, sizeof(d_outer_bu), &obs, &inner, &inner_len),
			 XMIP_DSMIP_OUTER_BAD_IP);
	copy[10] ^= 1;
	copy[6] |= 0x20;                         /* MF: a fragment */
	assert_int_not_equal(xmip_dsmip_parse_outer(copy, sizeof(d_outer_bu), &obs, &inner,
						    &inner_len), XMIP_DSMIP_OUTER_OK);
	free(copy);
}

/* ---- the HA's decision ---------------------------------------------------------- */

static struct xmip_conf conf;
static struct xmip_dsmip_table table;
static uint64_t now_rt_ns;

static const char conf_text[] =
	"role = ha\ninstance = t\ninterface = lo\naddress = " D_HA "\n"
	"home-prefix = 2001:db8:1::/64\ndad-transmits = 0\n"
	"[dsmip]\nipv4-address = " D_HA4 "\nipv4-hoa-pool = 192.0.2.0/30\nnat-keepalive = 25\n"
	"[mn " D_NAI "]\nhome-address = " D_HOA "\nspi = 256\nkey = 0123456789abcdef0123456789abcdef\n"
	"[mn mn2@example.org]\nhome-address = 2001:db8:1::200\nspi = 257\n"
	"key = 0123456789abcdef0123456789abcdef\nipv4-home-address = " D_V4HOA "\n"
	"[mn mn3@example.org]\nhome-address = 2001:db8:1::300\nspi = 258\n"
	"key = 0123456789abcdef0123456789abcdef\n"
	"[mn mr@example.org]\nhome-address = 2001:db8:1::400\nspi = 259\n"
	"key = 0123456789abcdef0123456789abcdef\nmobile-network-prefix = 2001:db8:100::/48\n";

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (xmip_conf_parse("t.conf", conf_text, strlen(conf_text), &conf, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	now_rt_ns = (uint64_t)xmip_ntp_to_unix_ns(D_MESG_ID);
	return xmip_dsmip_table_init(&table, 16);
}

static int teardown(void **state)
{
	(void)state;
	xmip_conf_free(&conf);
	xmip_dsmip_table_free(&table);
	return 0;
}

struct knobs {
	const char *hoa, *nai;
	uint32_t spi;
	uint16_t seq, flags, life;
	uint64_t mesg_id;
	bool no_coa, v4hoa, pflag, bad_key, no_mesg_id;
	const char *coa4, *hoa4;
	uint8_t plen;
	const char *peer;
	uint16_t port;
	const char *peer6;       /* set: the BU came in UDP over IPv6 from this address */
	const struct xmip_mnp *mnp;   /* Mobile Network Prefix options (RFC 3963) */
	size_t n_mnp;
};

static struct knobs mn1(void)
{
	return (struct knobs){ .hoa = D_HOA, .nai = D_NAI, .spi = 256, .seq = D_SEQ,
			       .flags = XMIP_BU_F_A | XMIP_BU_F_H, .life = D_LIFE,
			       .mesg_id = D_MESG_ID, .coa4 = D_COA4, .plen = 32,
			       .peer = D_NAT4, .port = D_NATPORT };
}

static uint8_t bu_buf[256];

static struct xmip_dsmip_decision decide_full(const struct knobs *k, const struct xmip_binding *m6,
					      const struct xmip_replay_state *rs)
{
	struct in6_addr hoa = A(k->hoa), ha = A(D_HA), coa = k->peer6 ? A(k->peer6) : M4(k->coa4);
	uint8_t badkey[16] = { 1 };
	struct xmip_mn_ha_sa sa = { .spi = k->spi, .key = k->bad_key ? badkey : d_key, .key_len = 16 };
	struct xmip_bu_fields f = {
		.seq = k->seq, .flags = k->flags, .lifetime_units = k->life,
		.nai = k->nai, .nai_len = strlen(k->nai),
		.has_mesg_id = !k->no_mesg_id, .mesg_id = k->mesg_id, .has_auth = true,
		.spi = k->spi, .has_ipv4_coa = !k->no_coa, .ipv4_coa = A4(k->coa4),
		.has_ipv4_hoa = k->v4hoa, .ipv4_hoa_plen = k->plen, .ipv4_hoa_p = k->pflag,
		.ipv4_hoa = A4(k->hoa4 ? k->hoa4 : "0.0.0.0"),
		.mnp = k->mnp, .n_mnp = k->n_mnp,
	};
	struct xmip_dsmip_obs obs = { .peer = k->peer6 ? A(k->peer6) : M4(k->peer),
				      .peer_port = k->port, .local = k->peer6 ? A(D_HA) : M4(D_HA4),
				      .local_port = 4191, .ifindex = 2 };
	struct xmip_dsmip_decision d;
	struct xmip_pkt p;
	int len = xmip_pkt_build_bu_from_hoa(bu_buf, sizeof(bu_buf), &hoa, &ha, &coa, &f, &sa);

	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(bu_buf, (size_t)len, &p), XMIP_PARSE_OK);
	assert_int_equal(xmip_dsmip_decide(&conf, &p, XMIP_PARSE_OK, &obs, &table, m6, rs,
					   now_rt_ns, NOW_BOOT_NS, &d), 0);
	return d;
}

static struct xmip_dsmip_decision decide(const struct knobs *k)
{
	return decide_full(k, NULL, NULL);
}

/* Apply an accepted decision to the table, as the runtime does. */
static void apply(const struct xmip_dsmip_decision *d)
{
	if (d->evict)
		xmip_dsmip_del(&table, d->evict_hoa);
	if (d->op == XMIP_DSMIP_WRITE)
		assert_int_equal(xmip_dsmip_put(&table, &d->b), 0);
	else if (d->op == XMIP_DSMIP_DELETE)
		xmip_dsmip_del(&table, d->b.hoa);
}

static void assert_refused(const struct xmip_dsmip_decision *d, uint8_t status)
{
	assert_true(d->send_ba);
	assert_int_equal(d->ba.status, status);
	assert_int_equal(d->op, XMIP_DSMIP_KEEP);
	assert_false(d->replay_write);
	assert_false(d->evict);
}

/* The BA parses, goes to the home address, carries what the decision says. */
static struct xmip_pkt ba_of(const struct xmip_dsmip_decision *d)
{
	static uint8_t buf[256];
	struct xmip_pkt p;
	int len = xmip_dsmip_build_ba(d, buf, sizeof(buf));

	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(buf, (size_t)len, &p), XMIP_PARSE_OK);
	assert_int_equal(p.msg.type, XMIP_MH_BA);
	assert_memory_equal(&p.dst, &d->ba_hoa, 16);
	assert_false(p.has_rh2);
	if (d->ba.has_auth)
		assert_true(xmip_auth_verify(d_key, 16, &d->auth_coa, &d->ba_hoa, p.mh, p.mh_len,
					     p.msg.opts.auth_opt_off));
	return p;
}

static void test_accept_nat(void **state)
{
	struct knobs k = mn1();
	struct xmip_dsmip_decision d;
	struct xmip_pkt ba;

	(void)state;
	table.n = 0;
	d = decide(&k);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.op, XMIP_DSMIP_WRITE);
	assert_int_equal(d.b.encap, XMIP_DSMIP_ENCAP_UDP4);
	assert_true(d.b.flags & XMIP_DSMIP_B_NAT);
	assert_int_equal(d.b.observed_port, D_NATPORT);
	assert_memory_equal(d.b.observed_addr, P6(M4(D_NAT4)), 16);
	assert_memory_equal(d.b.coa, P6(M4(D_COA4)), 16);
	assert_int_equal(d.b.keepalive_s, 25);
	ba = ba_of(&d);
	assert_true(ba.msg.opts.has_nat_detect);
	assert_true(ba.msg.opts.nat_f);
	assert_int_equal(ba.msg.opts.nat_refresh_s, 25);
	assert_false(ba.msg.opts.has_ipv4_ack);          /* the BU asked for none */
	assert_int_equal(ba.msg.opts.mesg_id, D_MESG_ID);
}

static void test_accept_no_nat_and_forced(void **state)
{
	struct knobs k = mn1();
	struct xmip_dsmip_decision d;
	struct xmip_pkt ba;

	(void)state;
	table.n = 0;
	k.peer = D_COA4;                 /* outer source == IPv4 CoA option: no NAT */
	d = decide(&k);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.b.encap, XMIP_DSMIP_ENCAP_IPV4);
	assert_int_equal(d.b.flags & (XMIP_DSMIP_B_NAT | XMIP_DSMIP_B_FORCED), 0);
	ba = ba_of(&d);
	assert_true(ba.msg.opts.has_nat_detect);         /* §4.2: always over UDP */
	assert_false(ba.msg.opts.nat_f);
	assert_int_equal(ba.msg.opts.nat_refresh_s, XMIP_DSMIP_REFRESH_NONE);

	k.flags |= XMIP_BU_F_F;          /* F: UDP though no NAT, no keepalive needed */
	d = decide(&k);
	assert_int_equal(d.b.encap, XMIP_DSMIP_ENCAP_UDP4);
	assert_int_equal(d.b.flags & (XMIP_DSMIP_B_NAT | XMIP_DSMIP_B_FORCED), XMIP_DSMIP_B_FORCED);
	ba = ba_of(&d);
	assert_true(ba.msg.opts.nat_f);
	assert_int_equal(ba.msg.opts.nat_refresh_s, XMIP_DSMIP_REFRESH_NONE);
}

static struct knobs mr(void)
{
	struct knobs k = mn1();

	k.hoa = "2001:db8:1::400";
	k.nai = "mr@example.org";
	k.spi = 259;
	k.flags |= XMIP_BU_F_R;
	return k;
}

/*
 * NEMO over an IPv4 care-of address (RFC 5555 §1: "mobile node" means host
 * or router; §4.5 keeps RFC 3963's rules): a router's BU in UDP is decided
 * as over IPv6 (ha_policy.c), statuses 139-143 included, and the accepted
 * one carries R in the BA and the prefixes to forward.
 */
static void test_mobile_router(void **state)
{
	struct xmip_mnp ok[2] = { { .prefix = A("2001:db8:100:1::"), .plen = 64 },
				  { .prefix = A("2001:db8:100:2::5"), .plen = 64 } };
	struct xmip_mnp outside = { .prefix = A("2001:db8:200::"), .plen = 64 };
	struct xmip_mnp home = { .prefix = A("2001:db8:1::"), .plen = 48 };
	struct xmip_mnp wide = { .prefix = A("2001:db8::"), .plen = 32 };
	struct xmip_binding m6 = { .seq = D_SEQ - 1, .bu_flags = XMIP_BU_F_A | XMIP_BU_F_H };
	struct knobs k;
	struct xmip_dsmip_decision d;
	struct xmip_pkt ba;

	(void)state;
	table.n = 0;
	/* explicit mode: the listed prefixes, host bits cleared */
	k = mr(); k.mnp = ok; k.n_mnp = 2;
	d = decide(&k);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.op, XMIP_DSMIP_WRITE);
	assert_true(d.nemo);
	assert_int_equal(d.n_mnp, 2);
	assert_memory_equal(&d.mnp[1].prefix, P6(A("2001:db8:100:2::")), 16);
	assert_int_equal(d.mnp[1].plen, 64);
	assert_true(d.b.bu_flags & XMIP_BU_F_R);
	ba = ba_of(&d);
	assert_true(ba.msg.ba_flags & XMIP_BA_F_R);       /* §6.6 */
	assert_true(ba.msg.opts.has_nat_detect);
	/* implicit mode: the configured ones */
	k = mr();
	d = decide(&k);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.n_mnp, 1);
	assert_memory_equal(&d.mnp[0].prefix, P6(A("2001:db8:100::")), 16);
	assert_int_equal(d.mnp[0].plen, 48);
	/* a mobile node's BA has no R */
	k = mn1();
	d = decide(&k);
	assert_false(d.nemo);
	assert_false(ba_of(&d).msg.ba_flags & XMIP_BA_F_R);
	/* 142 outside its table, 141 over the home prefix or not inside one */
	k = mr(); k.mnp = &outside; k.n_mnp = 1;
	assert_refused((d = decide(&k), &d), XMIP_BA_NOT_AUTHORIZED_FOR_PREFIX);
	assert_false(d.nemo);
	k = mr(); k.mnp = &home; k.n_mnp = 1;
	assert_refused((d = decide(&k), &d), XMIP_BA_INVALID_PREFIX);
	k = mr(); k.mnp = &wide; k.n_mnp = 1;
	assert_refused((d = decide(&k), &d), XMIP_BA_INVALID_PREFIX);
	/* 139: the router's binding (either family's) was made without R, or back */
	k = mr();
	assert_refused((d = decide_full(&k, &m6, NULL), &d), XMIP_BA_REG_TYPE_CHANGE);
	k = mr();
	apply((struct xmip_dsmip_decision[]){ decide(&k) });
	k = mr(); k.flags &= (uint16_t)~XMIP_BU_F_R; k.seq = D_SEQ + 1;
	assert_refused((d = decide(&k), &d), XMIP_BA_REG_TYPE_CHANGE);
	/* a deregistration ignores R (§6.2) */
	k = mr(); k.flags &= (uint16_t)~XMIP_BU_F_R; k.seq = D_SEQ + 1; k.life = 0;
	d = decide(&k);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.op, XMIP_DSMIP_DELETE);
	/* R without H: 140 (§6.2) */
	k = mr(); k.flags = XMIP_BU_F_A | XMIP_BU_F_R;
	assert_refused((d = decide(&k), &d), XMIP_BA_MR_OP_NOT_PERMITTED);
	/* the datapath refusing the prefixes: answered 141, nothing written */
	k = mr(); k.seq = D_SEQ + 2;
	d = decide(&k);
	assert_int_equal(d.ba.status, 0);
	xmip_dsmip_refuse(&d, XMIP_BA_INVALID_PREFIX, "test");
	assert_refused(&d, XMIP_BA_INVALID_PREFIX);
	assert_false(d.nemo);
	assert_false(ba_of(&d).msg.ba_flags & XMIP_BA_F_R);
	table.n = 0;
}

static void test_ba_statuses(void **state)
{
	struct knobs k;
	struct xmip_dsmip_decision d;
	struct xmip_replay_state rs = { .last_mesg_id = D_MESG_ID + (1ULL << 32), .last_seq = D_SEQ,
					.seq_valid = 1 };
	struct xmip_binding m6 = { .seq = D_SEQ + 5 };

	(void)state;
	table.n = 0;
	k = mn1(); k.flags |= XMIP_BU_F_R;           /* a router with no prefixes configured */
	assert_refused((d = decide(&k), &d), XMIP_BA_FORWARDING_SETUP_FAILED);
	conf.mobile_routers = false;
	assert_refused((d = decide(&k), &d), XMIP_BA_MR_OP_NOT_PERMITTED);
	/* signed, Mesg-ID echoed (RFC 3963 §5.4: the router may trust it) */
	assert_true(d.ba.has_auth && d.ba.has_mesg_id && d.ba.mesg_id == D_MESG_ID);
	k.life = 0;                                  /* a deregistration ignores R */
	assert_refused((d = decide(&k), &d), XMIP_BA_NOT_HA_FOR_MN);   /* (no binding) */
	conf.mobile_routers = true;
	k = mn1(); k.hoa = "2001:db8:9::100";
	assert_refused((d = decide(&k), &d), XMIP_BA_NOT_HOME_SUBNET);
	k = mn1(); k.hoa = "2001:db8:1::999";
	assert_refused((d = decide(&k), &d), XMIP_BA_NOT_HA_FOR_MN);
	assert_false(d.ba.has_auth);
	k = mn1(); k.nai = "other@example.org";
	assert_refused((d = decide(&k), &d), XMIP_BA_NOT_HA_FOR_MN);
	k = mn1(); k.bad_key = true;
	assert_refused((d = decide(&k), &d), XMIP_BA_MIPV6_AUTH_FAIL);
	k = mn1(); k.spi = 999;
	assert_refused((d = decide(&k), &d), XMIP_BA_MIPV6_AUTH_FAIL);
	k = mn1(); k.no_mesg_id = true;
	assert_refused((d = decide(&k), &d), XMIP_BA_MIPV6_MESG_ID_REQD);
	k = mn1(); k.mesg_id = D_MESG_ID + (100ULL << 32);     /* outside the 7 s window */
	assert_refused((d = decide(&k), &d), XMIP_BA_MIPV6_ID_MISMATCH);
	k = mn1();                                             /* older than the last accepted */
	d = decide_full(&k, NULL, &rs);
	assert_int_equal(d.ba.status == XMIP_BA_MIPV6_ID_MISMATCH ||
			 d.ba.status == XMIP_BA_SEQ_OUT_OF_WINDOW, 1);
	assert_int_equal(d.op, XMIP_DSMIP_KEEP);
	k = mn1();                                             /* sequence vs the mip6 binding */
	assert_refused((d = decide_full(&k, &m6, NULL), &d), XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(d.ba.seq, D_SEQ + 5);
	k = mn1(); k.life = 0;                                 /* deregistration, no binding */
	assert_refused((d = decide(&k), &d), XMIP_BA_NOT_HA_FOR_MN);
	k = mn1(); k.coa4 = D_HA4; k.peer = D_HA4;             /* the HA's own address */
	assert_refused((d = decide(&k), &d), XMIP_BA_PROHIBITED);
	/* Refusals carry no NAT Detection and change nothing. */
	assert_false(d.ba.has_nat_detect);
	assert_int_equal(table.n, 0);
	/* UDP from an IPv6 care-of address (RFC 5555 §4.1 SHOULD NOT; no
	 * datapath for it): refused, authenticated over the outer source, not
	 * bound with no tunnel. */
	k = mn1(); k.peer6 = "2001:db8:a::100"; k.no_coa = true;
	assert_refused((d = decide(&k), &d), XMIP_BA_PROHIBITED);
	assert_non_null(strstr(d.reason, "IPv6 care-of address"));
	assert_int_equal(table.n, 0);
	k.bad_key = true;                                      /* authentication first */
	assert_refused((d = decide(&k), &d), XMIP_BA_MIPV6_AUTH_FAIL);
}

static void test_discards(void **state)
{
	struct knobs k = mn1();
	struct xmip_dsmip_decision d;
	struct xmip_dsmip_obs obs = { .peer = M4(D_NAT4), .peer_port = 1, .local = M4(D_HA4) };
	struct xmip_pkt p;

	(void)state;
	k.no_coa = true;
	d = decide(&k);
	assert_false(d.send_ba);
	assert_int_equal(d.discard, XMIP_DSMIP_DISCARD_NO_IPV4_COA);
	k = mn1(); k.flags &= (uint16_t)~XMIP_BU_F_H;
	d = decide(&k);
	assert_int_equal(d.discard, XMIP_DSMIP_DISCARD_NOT_HOME_REG);
	k = mn1(); k.coa4 = "224.0.0.1";
	d = decide(&k);
	assert_int_equal(d.discard, XMIP_DSMIP_DISCARD_ADDR);
	/* A BA, or a packet that did not parse: silently discarded. */
	assert_int_equal(xmip_pkt_parse(d_ba_nat, sizeof(d_ba_nat), &p), XMIP_PARSE_OK);
	xmip_dsmip_decide(&conf, &p, XMIP_PARSE_OK, &obs, &table, NULL, NULL, now_rt_ns,
			  NOW_BOOT_NS, &d);
	assert_false(d.send_ba);
	assert_int_equal(d.discard, XMIP_DSMIP_DISCARD_MALFORMED);
	xmip_dsmip_decide(&conf, &p, XMIP_PARSE_BAD_CSUM, &obs, &table, NULL, NULL, now_rt_ns,
			  NOW_BOOT_NS, &d);
	assert_int_equal(d.discard, XMIP_DSMIP_DISCARD_MALFORMED);
	/* The IPv6 case's packet (HAO) sent in UDP: discarded (§4.2). */
	{
		static uint8_t buf[256];
		struct in6_addr coa = A("2001:db8:2::1"), ha = A(D_HA), hoa = A(D_HOA);
		struct xmip_bu_fields f = bu_fields(XMIP_BU_F_A | XMIP_BU_F_H, false, NULL);
		int len = xmip_pkt_build_bu(buf, sizeof(buf), &coa, &ha, &hoa, &f, &d_sa);

		assert_int_equal(xmip_pkt_parse(buf, (size_t)len, &p), XMIP_PARSE_OK);
		xmip_dsmip_decide(&conf, &p, XMIP_PARSE_OK, &obs, &table, NULL, NULL, now_rt_ns,
				  NOW_BOOT_NS, &d);
		assert_int_equal(d.discard, XMIP_DSMIP_DISCARD_HAO);
	}
}

static uint8_t ack_of(const struct knobs *k, struct in_addr *got)
{
	struct xmip_dsmip_decision d = decide(k);
	struct xmip_pkt ba;

	assert_int_equal(d.ba.status, 0);        /* the IPv6 binding is made either way */
	ba = ba_of(&d);
	assert_true(ba.msg.opts.has_ipv4_ack);
	*got = ba.msg.opts.ipv4_ack_hoa;
	if (ba.msg.opts.ipv4_ack_status < 128) {
		assert_int_equal(ba.msg.opts.ipv4_ack_plen, 32);
		assert_true(d.b.flags & XMIP_DSMIP_B_IPV4_HOA);
		assert_memory_equal(d.b.ipv4_hoa + 12, &got->s_addr, 4);
	} else {
		assert_int_equal(ba.msg.opts.ipv4_ack_plen, 0);
		assert_false(d.b.flags & XMIP_DSMIP_B_IPV4_HOA);
	}
	apply(&d);
	return ba.msg.opts.ipv4_ack_status;
}

static void test_ipv4_ack_statuses(void **state)
{
	struct knobs k = mn1(), k2 = mn1(), k3 = mn1();
	struct in_addr got;

	(void)state;
	table.n = 0;
	k.v4hoa = true;                      /* 0.0.0.0 -> dynamic from 192.0.2.0/30: .1, .2 */
	assert_int_equal(ack_of(&k, &got), XMIP_IPV4_ACK_SUCCESS);
	assert_int_equal(got.s_addr, A4("192.0.2.1").s_addr);
	k.seq++;
	k.mesg_id += 1ULL << 30;
	assert_int_equal(ack_of(&k, &got), XMIP_IPV4_ACK_SUCCESS);   /* a refresh keeps it */
	assert_int_equal(got.s_addr, A4("192.0.2.1").s_addr);
	/* mn3: no static address; the pool's other address, then none left. */
	k3.hoa = "2001:db8:1::300"; k3.nai = "mn3@example.org"; k3.spi = 258; k3.v4hoa = true;
	k3.port = 40001;
	assert_int_equal(ack_of(&k3, &got), XMIP_IPV4_ACK_SUCCESS);
	assert_int_equal(got.s_addr, A4("192.0.2.2").s_addr);
	/* mn3 asks for mn1's pool address: 130. */
	k3.seq++; k3.mesg_id += 1ULL << 30; k3.hoa4 = "192.0.2.1";
	assert_int_equal(ack_of(&k3, &got), XMIP_IPV4_ACK_INCORRECT_HOA);
	/* mn2 (static 192.0.2.100): 0.0.0.0 gives the static one, another gives 130. */
	k2.hoa = "2001:db8:1::200"; k2.nai = "mn2@example.org"; k2.spi = 257; k2.v4hoa = true;
	k2.port = 40002;
	assert_int_equal(ack_of(&k2, &got), XMIP_IPV4_ACK_SUCCESS);
	assert_int_equal(got.s_addr, A4(D_V4HOA).s_addr);
	k2.seq++; k2.mesg_id += 1ULL << 30; k2.hoa4 = "192.0.2.101";
	assert_int_equal(ack_of(&k2, &got), XMIP_IPV4_ACK_INCORRECT_HOA);
	assert_int_equal(got.s_addr, A4("192.0.2.101").s_addr);      /* echoed */
	k2.seq++; k2.mesg_id += 1ULL << 30; k2.hoa4 = "224.1.2.3";
	assert_int_equal(ack_of(&k2, &got), XMIP_IPV4_ACK_INVALID_ADDR);
	k2.seq++; k2.mesg_id += 1ULL << 30; k2.hoa4 = D_V4HOA; k2.plen = 0;
	assert_int_equal(ack_of(&k2, &got), XMIP_IPV4_ACK_INVALID_ADDR);   /* §3.1.1 */
	k2.seq++; k2.mesg_id += 1ULL << 30; k2.plen = 24; k2.pflag = true; k2.hoa4 = NULL;
	assert_int_equal(ack_of(&k2, &got), XMIP_IPV4_ACK_PREFIX_UNAUTH);
	/* The pool is empty now: mn3 lost its address with the 130 above (a BU
	 * replaces the bindings, §4.4.2.1), so a new node... use mn3 again. */
	k3.seq++; k3.mesg_id += 1ULL << 30; k3.hoa4 = NULL;
	assert_int_equal(ack_of(&k3, &got), XMIP_IPV4_ACK_SUCCESS);   /* .2 is free again */
	k.seq++; k.mesg_id += 1ULL << 30; k.v4hoa = false;          /* mn1 drops its IPv4 HoA */
	{
		struct xmip_dsmip_decision d = decide(&k);

		assert_false(d.ba.has_ipv4_ack);
		assert_false(d.b.flags & XMIP_DSMIP_B_IPV4_HOA);
		apply(&d);
	}
	/* Two nodes want the one address left (.1): the second gets 132. */
	k3.seq++; k3.mesg_id += 1ULL << 30;
	assert_int_equal(ack_of(&k3, &got), XMIP_IPV4_ACK_SUCCESS);   /* keeps .2 */
	k.seq++; k.mesg_id += 1ULL << 30; k.v4hoa = true;
	assert_int_equal(ack_of(&k, &got), XMIP_IPV4_ACK_SUCCESS);    /* .1 */
	{
		struct xmip_conf saved = conf;

		conf.dsmip.pool_plen = 31;       /* 192.0.2.0/31: .0 and .1, both held now */
		k3.seq++; k3.mesg_id += 1ULL << 30; k3.v4hoa = false;
		apply((struct xmip_dsmip_decision[]){ decide(&k3) });  /* mn3 lets .2 go */
		k3.seq++; k3.mesg_id += 1ULL << 30; k3.v4hoa = true;
		conf.dsmip.pool.s_addr = A4("192.0.2.0").s_addr;
		/* .0 is free in a /31: given; then nothing is left for anyone. */
		assert_int_equal(ack_of(&k3, &got), XMIP_IPV4_ACK_SUCCESS);
		assert_int_equal(got.s_addr, A4("192.0.2.0").s_addr);
		conf.dsmip.has_pool = false;
		k2.seq++; k2.mesg_id += 1ULL << 30; k2.plen = 32; k2.pflag = false;
		{
			/* mn2 has a static address; a node without one and no pool: 132. */
			struct knobs k4 = k3;

			table.n = 0;
			k4.seq++; k4.mesg_id += 1ULL << 30;
			assert_int_equal(ack_of(&k4, &got), XMIP_IPV4_ACK_NO_DYNAMIC);
		}
		conf = saved;
	}
}

static void test_nat_keying_and_rebinding(void **state)
{
	struct knobs a = mn1(), b = mn1();
	struct xmip_dsmip_decision d;
	const struct xmip_dsmip_binding *x;

	(void)state;
	table.n = 0;
	/* Two nodes behind one NAT address: two bindings, told apart by port. */
	b.hoa = "2001:db8:1::300"; b.nai = "mn3@example.org"; b.spi = 258; b.port = 40001;
	d = decide(&a); apply(&d);
	d = decide(&b); apply(&d);
	assert_false(d.evict);
	assert_int_equal(table.n, 2);
	x = xmip_dsmip_find_observed(&table, P6(M4(D_NAT4)), D_NATPORT);
	assert_non_null(x);
	assert_memory_equal(x->hoa, P6(A(D_HOA)), 16);
	x = xmip_dsmip_find_observed(&table, P6(M4(D_NAT4)), 40001);
	assert_non_null(x);
	assert_memory_equal(x->hoa, P6(A("2001:db8:1::300")), 16);

	/* The NAT rebinds mn1 to port 40005: an unauthenticated BU from there moves nothing. */
	a.seq++; a.mesg_id += 1ULL << 30; a.port = 40005; a.bad_key = true;
	d = decide(&a);
	assert_refused(&d, XMIP_BA_MIPV6_AUTH_FAIL);
	apply(&d);
	x = xmip_dsmip_find_hoa(&table, P6(A(D_HOA)));
	assert_int_equal(x->observed_port, D_NATPORT);
	/* A replay of the accepted BU from the new port (same seq, old Mesg-ID): nothing moves. */
	{
		struct knobs r = mn1();
		struct xmip_replay_state rs = { .last_mesg_id = D_MESG_ID, .last_seq = D_SEQ,
						.seq_valid = 1 };

		r.port = 40005;
		d = decide_full(&r, NULL, &rs);
		assert_int_equal(d.op, XMIP_DSMIP_KEEP);
		assert_true(!d.send_ba || d.ba.status >= 128);
	}
	/* The authenticated BU from the new port: followed, reported as a rebinding. */
	a.bad_key = false;
	d = decide(&a);
	assert_int_equal(d.ba.status, 0);
	assert_true(d.rebound);
	assert_false(d.moved);
	assert_int_equal(d.prev.observed_port, D_NATPORT);
	apply(&d);
	x = xmip_dsmip_find_hoa(&table, P6(A(D_HOA)));
	assert_int_equal(x->observed_port, 40005);
	assert_null(xmip_dsmip_find_observed(&table, P6(M4(D_NAT4)), D_NATPORT));
	/* The NAT gives mn1's old mapping... no: gives mn3's port 40001 to mn1
	 * (mn3's mapping lapsed): mn1 takes the pair, mn3's binding is evicted. */
	a.seq++; a.mesg_id += 1ULL << 30; a.port = 40001;
	d = decide(&a);
	assert_true(d.evict);
	assert_memory_equal(d.evict_hoa, P6(A("2001:db8:1::300")), 16);
	apply(&d);
	assert_int_equal(table.n, 1);
	/* A new care-of address: moved, not rebound. */
	a.seq++; a.mesg_id += 1ULL << 30; a.coa4 = "10.0.0.9";
	d = decide(&a);
	assert_true(d.moved);
	assert_false(d.rebound);
	/* Deregistration deletes. */
	apply(&d);
	a.seq++; a.mesg_id += 1ULL << 30; a.life = 0;
	d = decide(&a);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.op, XMIP_DSMIP_DELETE);
	apply(&d);
	assert_int_equal(table.n, 0);
}

/* The datapath record of a binding (dsmip_dp.c): encapsulation and tunnel end in the table's form. */
static void test_dp_record(void **state)
{
	struct xmip_dsmip_binding b;
	struct xmip_binding r;
	static const uint8_t udp_coa[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0xff, 0xff,
					     203, 0, 113, 7 };
	static const uint8_t ip4_coa[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
					     203, 0, 113, 7 };

	(void)state;
	memset(&b, 0, sizeof(b));
	memcpy(b.observed_addr, ip4_coa, 16);
	b.observed_port = 0x1234;
	b.encap = XMIP_DSMIP_ENCAP_UDP4;
	b.bu_flags = XMIP_BU_F_H | XMIP_BU_F_L;
	b.seq = 9;
	b.expires_ns = 123;
	assert_int_equal(xmip_dsmip_dp_record(&b, &r), 0);
	assert_int_equal(r.encap, XMIP_ENCAP_UDP4);
	assert_memory_equal(r.coa, udp_coa, 16);            /* ::PORT:ffff:a.b.c.d */
	assert_int_equal(r.bu_flags, XMIP_BU_F_H);          /* no link-local alias over IPv4 */
	assert_int_equal(r.seq, 9);
	assert_int_equal(r.expires_ns, 123);
	b.encap = XMIP_DSMIP_ENCAP_IPV4;
	assert_int_equal(xmip_dsmip_dp_record(&b, &r), 0);
	assert_int_equal(r.encap, XMIP_ENCAP_IP4);
	assert_memory_equal(r.coa, ip4_coa, 16);
	/* UDP over IPv6 and "none" are not carried by the datapath. */
	b.encap = XMIP_DSMIP_ENCAP_UDP6;
	memset(b.observed_addr, 0, 16);
	b.observed_addr[0] = 0x20;
	assert_int_equal(xmip_dsmip_dp_record(&b, &r), -1);
	b.encap = XMIP_DSMIP_ENCAP_NONE;
	memcpy(b.observed_addr, ip4_coa, 16);
	assert_int_equal(xmip_dsmip_dp_record(&b, &r), -1);
	/* The IPv4 home address of a MIPv6 registration: IPv4-in-IPv6 to the
	 * IPv6 care-of address (the datapath's IP6IP6 record for ::ffff:HoA4). */
	b.encap = XMIP_DSMIP_ENCAP_IP6;
	memset(b.coa, 0, 16);
	b.coa[0] = 0x20;
	b.coa[15] = 0x07;
	assert_int_equal(xmip_dsmip_dp_record(&b, &r), 0);
	assert_int_equal(r.encap, XMIP_ENCAP_IP6IP6);
	assert_memory_equal(r.coa, b.coa, 16);
	assert_int_equal(r.bu_flags, XMIP_BU_F_H);
	memcpy(b.coa, ip4_coa, 16);                           /* never to an IPv4 address */
	assert_int_equal(xmip_dsmip_dp_record(&b, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bu_bytes),
		cmocka_unit_test(test_bu_parse_and_alignment),
		cmocka_unit_test(test_ba_bytes_and_parse),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_option_lengths),
		cmocka_unit_test(test_outer),
		cmocka_unit_test(test_accept_nat),
		cmocka_unit_test(test_accept_no_nat_and_forced),
		cmocka_unit_test(test_ba_statuses),
		cmocka_unit_test(test_mobile_router),
		cmocka_unit_test(test_discards),
		cmocka_unit_test(test_ipv4_ack_statuses),
		cmocka_unit_test(test_nat_keying_and_rebinding),
		cmocka_unit_test(test_dp_record),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
