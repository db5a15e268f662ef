// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The HA's decision for a BU: one test per BA status this slice produces
 * (0, 129, 132, 133, 134, 135, 140, 144, 145, 146), every silent-discard
 * rule (RFC 6275 §6.1.7, §9.5.1), the sequence number rules with and
 * without a binding, Mesg-ID freshness (duplicates, replays, the
 * clock-step recovery), DAD before a first registration, lifetimes,
 * deregistration, Binding Error for unknown MH types, and the BA packet
 * that comes out (parsed back, authenticator checked).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"
#include "ha_policy.h"
#include "mh.h"
#include "mip6_vectors.h"

#define NOW_BOOT_NS (1000ULL * 1000000000ULL)
#define SEC_NTP(s)  ((uint64_t)(s) << 32)

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static const uint8_t key2[20] = { 0x42 };
static struct xmip_mn_entry mns[2];
static struct xmip_conf conf;
static uint64_t now_rt_ns;

static int setup(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof(conf));
	memset(mns, 0, sizeof(mns));
	strcpy(mns[0].nai, V_NAI);
	mns[0].hoa = A(V_HOA);
	mns[0].spi = V_SPI;
	memcpy(mns[0].key, v_key, sizeof(v_key));
	mns[0].key_len = sizeof(v_key);
	strcpy(mns[1].nai, "mn2@example.org");
	mns[1].hoa = A("2001:db8:1::200");
	mns[1].spi = 257;
	memcpy(mns[1].key, key2, sizeof(key2));
	mns[1].key_len = sizeof(key2);
	conf.role = XMIP_ROLE_HA;
	conf.address = A(V_HA);
	conf.home_prefix = A("2001:db8:1::");
	conf.home_plen = 64;
	conf.max_lifetime_s = 600;
	conf.mesg_id_window_s = 7;
	conf.mns = mns;
	conf.n_mns = 2;
	now_rt_ns = (uint64_t)xmip_ntp_to_unix_ns(V_MESG_ID);
	return 0;
}

/* What the MN puts in its BU; defaults are a good registration. */
struct bu_knobs {
	uint16_t seq, flags, lifetime;
	const char *nai;
	bool no_mesg_id;
	uint64_t mesg_id;
	bool no_auth;
	uint32_t spi;
	const uint8_t *key;
	size_t key_len;
	struct in6_addr coa, hoa;
	const struct in6_addr *alt_coa;
};

static struct bu_knobs good_bu(void)
{
	struct bu_knobs k = {
		.seq = V_SEQ, .flags = XMIP_BU_F_A | XMIP_BU_F_H, .lifetime = V_LIFETIME_UNITS,
		.nai = V_NAI, .mesg_id = V_MESG_ID, .spi = V_SPI,
		.key = v_key, .key_len = sizeof(v_key),
		.coa = A(V_COA), .hoa = A(V_HOA),
	};
	return k;
}

static uint8_t pkt_buf[512];

static struct xmip_pkt make_bu(const struct bu_knobs *k)
{
	struct in6_addr ha = A(V_HA);
	struct xmip_bu_fields f = {
		.seq = k->seq, .flags = k->flags, .lifetime_units = k->lifetime,
		.nai = k->nai, .nai_len = k->nai ? strlen(k->nai) : 0,
		.has_mesg_id = !k->no_mesg_id, .mesg_id = k->mesg_id,
		.has_auth = !k->no_auth, .spi = k->spi, .alt_coa = k->alt_coa,
	};
	struct xmip_mn_ha_sa sa = { .spi = k->spi, .key = k->key, .key_len = k->key_len };
	struct xmip_pkt p;
	int len;

	len = xmip_pkt_build_bu(pkt_buf, sizeof(pkt_buf), &k->coa, &ha, &k->hoa, &f, &sa);
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(pkt_buf, (size_t)len, &p), XMIP_PARSE_OK);
	return p;
}

static struct xmip_ha_decision decide(const struct bu_knobs *k, const struct xmip_binding *cur,
				      const struct xmip_replay_state *rs)
{
	struct xmip_pkt p = make_bu(k);
	struct xmip_ha_decision d;

	assert_int_equal(xmip_ha_decide(&conf, &p, XMIP_PARSE_OK, 3, cur, rs, now_rt_ns,
					NOW_BOOT_NS, &d), 0);
	return d;
}

/* A rejection: BA sent with this status, nothing written. */
static void assert_rejected(const struct xmip_ha_decision *d, uint8_t status)
{
	assert_true(d->send_ba);
	assert_int_equal(d->ba.status, status);
	assert_int_equal(d->ba.lifetime_units, 0);
	assert_int_equal(d->binding_op, XMIP_HA_BINDING_KEEP);
	assert_false(d->replay_write);
	assert_int_equal(d->proxy_nd, XMIP_HA_PROXY_ND_KEEP);
}

/* Build the decision's BA, parse it, check who it goes to and its auth. */
static struct xmip_pkt ba_of(const struct xmip_ha_decision *d, bool want_auth)
{
	static uint8_t buf[512];
	struct xmip_pkt p;
	int len = xmip_ha_build_ba(d, buf, sizeof(buf));

	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(buf, (size_t)len, &p), XMIP_PARSE_OK);
	assert_int_equal(p.msg.type, XMIP_MH_BA);
	assert_int_equal(p.msg.opts.has_auth, want_auth);
	if (want_auth)
		assert_true(xmip_auth_verify(v_key, sizeof(v_key), &p.dst, &p.mh_dst,
					     p.mh, p.mh_len, p.msg.opts.auth_opt_off));
	return p;
}

static void test_accept_new_registration(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d = decide(&k, NULL, NULL);
	struct in6_addr coa = A(V_COA), hoa = A(V_HOA), ha = A(V_HA);
	struct xmip_pkt ba;

	(void)state;
	assert_true(d.send_ba);
	assert_int_equal(d.ba.status, XMIP_BA_ACCEPTED);
	assert_int_equal(d.ba.seq, V_SEQ);
	assert_int_equal(d.ba.lifetime_units, V_LIFETIME_UNITS);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_WRITE);
	assert_memory_equal(d.binding_key.hoa, &hoa, 16);
	assert_memory_equal(d.binding.coa, &coa, 16);
	assert_int_equal(d.binding.lifetime_s, 60);
	assert_true(d.binding.expires_ns == NOW_BOOT_NS + 60ULL * 1000000000ULL);
	assert_int_equal(d.binding.seq, V_SEQ);
	assert_int_equal(d.binding.bu_flags, XMIP_BU_F_A | XMIP_BU_F_H);
	assert_int_equal(d.binding.ifindex, 3);
	assert_true(d.replay_write);
	assert_int_equal(d.replay.last_seq, V_SEQ);
	assert_int_equal(d.replay.seq_valid, 1);
	assert_true(d.replay.last_mesg_id == V_MESG_ID);
	assert_int_equal(d.proxy_nd, XMIP_HA_PROXY_ND_START);

	ba = ba_of(&d, true);
	assert_true(memcmp(&ba.src, &ha, 16) == 0);
	assert_true(memcmp(&ba.dst, &coa, 16) == 0);
	assert_true(ba.has_rh2);
	assert_true(memcmp(&ba.rh2_addr, &hoa, 16) == 0);
	assert_int_equal(ba.msg.ba_status, 0);
	assert_int_equal(ba.msg.seq, V_SEQ);
	assert_int_equal(ba.msg.lifetime_units, V_LIFETIME_UNITS);
	assert_true(ba.msg.opts.mesg_id == V_MESG_ID);   /* echoed */
}

/* The Scapy-built BU (independent encoder) is accepted too. */
static void test_accept_scapy_bu(void **state)
{
	struct xmip_ha_decision d;
	struct xmip_pkt p;

	(void)state;
	assert_int_equal(xmip_pkt_parse(scapy_bu, sizeof(scapy_bu), &p), XMIP_PARSE_OK);
	xmip_ha_decide(&conf, &p, XMIP_PARSE_OK, 1, NULL, NULL, now_rt_ns, NOW_BOOT_NS, &d);
	assert_int_equal(d.ba.status, XMIP_BA_ACCEPTED);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_WRITE);
}

static void test_lifetime_clamped_and_rounded(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;

	(void)state;
	k.lifetime = 1000;                       /* 4000 s asked, 600 allowed */
	d = decide(&k, NULL, NULL);
	assert_int_equal(d.ba.lifetime_units, 150);
	assert_int_equal(d.binding.lifetime_s, 600);
	conf.max_lifetime_s = 603;               /* rounded down to 4 s units */
	d = decide(&k, NULL, NULL);
	assert_int_equal(d.ba.lifetime_units, 150);
	assert_int_equal(d.binding.lifetime_s, 600);
	assert_int_equal(xmip_ha_grant_lifetime(3, 600), 3);
	assert_int_equal(xmip_ha_grant_lifetime(65535, 1000000), 65535);
	assert_int_equal(xmip_ha_grant_lifetime(10, 7), 1);
}

static void test_refresh_keeps_proxy_nd(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d1 = decide(&k, NULL, NULL), d2;

	(void)state;
	k.seq++;
	k.mesg_id += SEC_NTP(1);
	k.coa = A("2001:db8:9::1");              /* moved */
	d2 = decide(&k, &d1.binding, &d1.replay);
	assert_int_equal(d2.ba.status, 0);
	assert_int_equal(d2.binding_op, XMIP_HA_BINDING_WRITE);
	assert_int_equal(d2.proxy_nd, XMIP_HA_PROXY_ND_KEEP);
	assert_memory_equal(d2.binding.coa, &k.coa, 16);
}

static void test_deregistration(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d1 = decide(&k, NULL, NULL), d2;
	struct xmip_pkt ba;

	(void)state;
	/* lifetime 0 from the CoA */
	k.seq++;
	k.mesg_id += SEC_NTP(1);
	k.lifetime = 0;
	d2 = decide(&k, &d1.binding, &d1.replay);
	assert_int_equal(d2.ba.status, 0);
	assert_int_equal(d2.ba.lifetime_units, 0);
	assert_int_equal(d2.binding_op, XMIP_HA_BINDING_DELETE);
	assert_int_equal(d2.proxy_nd, XMIP_HA_PROXY_ND_STOP);
	assert_true(d2.replay_write);            /* replay state outlives the binding */

	/* back home: CoA == HoA, no HAO, no RH2 in the BA */
	k = good_bu();
	k.seq += 2;
	k.mesg_id += SEC_NTP(2);
	k.coa = k.hoa;
	d2 = decide(&k, &d1.binding, &d1.replay);
	assert_int_equal(d2.ba.status, 0);
	assert_int_equal(d2.binding_op, XMIP_HA_BINDING_DELETE);
	assert_int_equal(d2.proxy_nd, XMIP_HA_PROXY_ND_STOP);
	ba = ba_of(&d2, true);
	assert_false(ba.has_rh2);
	assert_true(memcmp(&ba.dst, &k.hoa, 16) == 0);
}

/*
 * RFC 6275 §10.3.2: "If the receiving node has no entry marked as a home
 * registration in its Binding Cache for this mobile node, then this node
 * MUST reject the Binding Update and SHOULD return a Binding
 * Acknowledgement [...] 133 (not home agent for this mobile node)."
 * The BA echoes the Mesg-ID so the MN can tie it to its BU.
 */
static void test_deregistration_without_binding_is_133(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;
	struct xmip_pkt ba;

	(void)state;
	k.lifetime = 0;
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HA_FOR_MN);
	assert_int_equal(d.ba.seq, V_SEQ);
	ba = ba_of(&d, true);
	assert_true(ba.msg.opts.has_mesg_id);
	assert_true(ba.msg.opts.mesg_id == V_MESG_ID);
	/* From home (CoA == HoA) likewise. */
	k = good_bu();
	k.coa = k.hoa;
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HA_FOR_MN);
}

/*
 * RFC 4285 §6 Mesg-IDs are 64-bit NTP timestamps, and NTP era 0 ends on
 * 2036-02-07 06:28:16 UTC: then the seconds field wraps to 0 (RFC 4330
 * §3). A HA that compares Mesg-IDs as plain integers refuses every BU
 * after the wrap, forever, because the last accepted one (just before)
 * is numerically larger. Compared as serial numbers they stay ordered.
 */
static void test_mesg_id_across_the_ntp_era_wrap(void **state)
{
	const uint64_t wrap_unix_s = 4294967296ULL - XMIP_NTP_UNIX_OFFSET;
	struct bu_knobs k = good_bu();
	struct xmip_replay_state rs = { .last_seq = V_SEQ - 1, .seq_valid = 1 };
	struct xmip_ha_decision d;

	(void)state;
	now_rt_ns = (wrap_unix_s + 1) * 1000000000ULL;
	rs.last_mesg_id = xmip_ntp_from_unix_ns(now_rt_ns - 3000000000ULL);   /* era 0 */
	k.mesg_id = xmip_ntp_from_unix_ns(now_rt_ns);                         /* era 1 */
	assert_true(k.mesg_id < rs.last_mesg_id);          /* numerically, it wrapped */
	assert_true(xmip_ntp_to_unix_ns(k.mesg_id) == (int64_t)now_rt_ns);
	d = decide(&k, NULL, &rs);
	assert_int_equal(d.ba.status, 0);
	/* ... and the one just before the wrap is still a replay after it. */
	rs = d.replay;
	k.seq++;
	k.mesg_id = xmip_ntp_from_unix_ns(now_rt_ns - 2000000000ULL);
	d = decide(&k, NULL, &rs);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	/* Out of the window across the wrap, both ways. */
	k.mesg_id = xmip_ntp_from_unix_ns(now_rt_ns + 60000000000ULL);
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	now_rt_ns = (wrap_unix_s - 1) * 1000000000ULL;
	k.mesg_id = xmip_ntp_from_unix_ns(now_rt_ns + 2000000000ULL);       /* era 1 */
	d = decide(&k, NULL, NULL);
	assert_int_equal(d.ba.status, 0);
}

/* Silently discarded: no BA, no BE, nothing written. */
static void assert_discarded(const struct xmip_ha_decision *d, enum xmip_ha_discard why)
{
	assert_false(d->send_ba);
	assert_false(d->send_be);
	assert_int_equal(d->discard, why);
	assert_int_equal(d->binding_op, XMIP_HA_BINDING_KEEP);
	assert_false(d->replay_write);
	assert_int_equal(d->proxy_nd, XMIP_HA_PROXY_ND_KEEP);
	assert_false(d->need_dad);
}

/*
 * RFC 6275 §9.5.1: a BU with H clear is a correspondent registration, which
 * must carry Nonce Indices and Binding Authorization Data verified by
 * return routability; this node does not do route optimisation, so it
 * cannot pass those tests: "MUST be silently discarded".
 */
static void test_h_clear_is_discarded(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;

	(void)state;
	k.flags = XMIP_BU_F_A;
	d = decide(&k, NULL, NULL);
	assert_discarded(&d, XMIP_HA_DISCARD_NOT_HOME_REG);
}

/* §9.5.1: "If the Home Registration (H) bit is set, the Nonce Indices
 * mobility option MUST NOT be present" (TAHI HA_2_2_7). */
static void test_nonce_indices_in_home_registration_discarded(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_pkt p = make_bu(&k);
	struct xmip_ha_decision d;

	(void)state;
	p.msg.opts.has_nonce_idx = true;
	xmip_ha_decide(&conf, &p, XMIP_PARSE_OK, 1, NULL, NULL, now_rt_ns, NOW_BOOT_NS, &d);
	assert_discarded(&d, XMIP_HA_DISCARD_NONCE);
	assert_false(xmip_ha_bu_authentic(&conf, &p));
}

/*
 * §10.3.1: "A Home Address destination option MUST be present in the
 * message" of a registration; a deregistration from home may omit it
 * (§10.3.2; TAHI HA_3_1_4). Without one, a BU whose Alternate CoA names
 * another address would register it for its source.
 */
static void test_registration_without_hao_discarded(void **state)
{
	struct bu_knobs k = good_bu();
	struct in6_addr alt = A("2001:db8:9::9");
	struct xmip_ha_decision d, reg;

	(void)state;
	k.coa = k.hoa;                           /* from home: no HAO */
	k.alt_coa = &alt;
	d = decide(&k, NULL, NULL);
	assert_discarded(&d, XMIP_HA_DISCARD_NO_HAO);
	/* A deregistration from home without a HAO is fine (§10.3.2). */
	reg = decide(&(struct bu_knobs){ .seq = V_SEQ, .flags = XMIP_BU_F_A | XMIP_BU_F_H,
					 .lifetime = V_LIFETIME_UNITS, .nai = V_NAI,
					 .mesg_id = V_MESG_ID, .spi = V_SPI, .key = v_key,
					 .key_len = sizeof(v_key), .coa = A(V_COA), .hoa = A(V_HOA) },
		     NULL, NULL);
	k = good_bu();
	k.coa = k.hoa;
	k.seq++;
	k.mesg_id += SEC_NTP(1);
	d = decide(&k, &reg.binding, &reg.replay);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_DELETE);
	k.lifetime = 0;
	k.seq++;
	k.mesg_id += SEC_NTP(1);
	d = decide(&k, &reg.binding, &reg.replay);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_DELETE);
}

/* §9.5.1, §9.3.1: a home address that is not unicast routable (TAHI
 * HA_2_2_9/10/13: link-local or multicast in the HAO). */
static void test_unroutable_home_address_discarded(void **state)
{
	static const char *const bad[] = { "fe80::100", "ff02::1", "::1", "::ffff:192.0.2.1" };
	struct xmip_ha_decision d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bu_knobs k = good_bu();

		k.hoa = A(bad[i]);
		d = decide(&k, NULL, NULL);
		assert_discarded(&d, XMIP_HA_DISCARD_HOA);
		k.flags |= XMIP_BU_F_L;          /* L=1 does not make a link-local HoA valid */
		d = decide(&k, NULL, NULL);
		assert_discarded(&d, XMIP_HA_DISCARD_HOA);
	}
}

/*
 * §6.1.7: "Binding Updates for a care-of address that is not a unicast
 * routable address MUST be silently discarded", whether the CoA is the
 * source or in an Alternate Care-of Address option.
 */
static void test_unroutable_care_of_address_discarded(void **state)
{
	static const char *const bad[] = { "fe80::1", "ff0e::1", "::", "::1", "::ffff:192.0.2.1" };
	struct xmip_ha_decision d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bu_knobs k = good_bu();
		struct in6_addr alt = A(bad[i]);

		k.alt_coa = &alt;
		d = decide(&k, NULL, NULL);
		assert_discarded(&d, XMIP_HA_DISCARD_COA);
	}
}

/*
 * A routable CoA the datapath would still never tunnel to (bpf/mip6/ha.h
 * DROP_BAD_COA): the HA's own address, or one inside the home prefix.
 * Refused in the BA with 129, authenticated, the Mesg-ID echoed; nothing
 * written. Deregistration (CoA == HoA) is not affected.
 */
static void test_coa_the_datapath_refuses_gets_129(void **state)
{
	static const char *const bad[] = { V_HA, "2001:db8:1::77" };
	struct xmip_ha_decision d;
	struct xmip_pkt ba;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct bu_knobs k = good_bu();
		struct in6_addr alt = A(bad[i]);

		k.alt_coa = &alt;
		d = decide(&k, NULL, NULL);
		assert_rejected(&d, XMIP_BA_PROHIBITED);
		assert_false(d.need_dad);
		ba = ba_of(&d, true);
		assert_true(ba.msg.opts.mesg_id == V_MESG_ID);
		/* ... also as a refresh of an existing binding. */
		{
			struct bu_knobs r = good_bu();
			struct xmip_ha_decision d1 = decide(&r, NULL, NULL);

			k.seq++;
			k.mesg_id += SEC_NTP(1);
			d = decide(&k, &d1.binding, &d1.replay);
			assert_rejected(&d, XMIP_BA_PROHIBITED);
		}
	}
}

static void test_140_mobile_router(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;
	struct xmip_pkt ba;

	(void)state;
	k.flags |= XMIP_BU_F_R;
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MR_OP_NOT_PERMITTED);
	/* Signed, the BU's Mesg-ID echoed: the router can act on it (try
	 * another home agent, RFC 3963 §5.4) rather than ignore it. */
	ba = ba_of(&d, true);
	assert_int_equal(ba.msg.ba_status, XMIP_BA_MR_OP_NOT_PERMITTED);
	assert_true(ba.msg.opts.has_mesg_id && ba.msg.opts.mesg_id == V_MESG_ID);
	/* Not identified (another NAI): 133, unsigned, before any 140. */
	k.nai = "other@example.org";
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HA_FOR_MN);
	assert_false(ba_of(&d, false).msg.opts.has_auth);
}

static void test_132_not_home_subnet(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;

	(void)state;
	k.hoa = A("2001:db8:7::100");
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HOME_SUBNET);
	conf.home_plen = 47;                     /* 2001:db8:0::/47 holds ...:1:: but not ...:7:: */
	k.hoa = A(V_HOA);
	d = decide(&k, NULL, NULL);
	assert_int_equal(d.ba.status, 0);
	k.hoa = A("2001:db8:7::100");
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HOME_SUBNET);
}

static void test_133_unknown_mn_or_nai(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;

	(void)state;
	k.hoa = A("2001:db8:1::999");            /* in the prefix, no [mn] */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HA_FOR_MN);
	assert_false(d.ba.has_auth);             /* no key to authenticate with */

	k = good_bu();
	k.nai = "mn2@example.org";               /* another MN's NAI for this HoA */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HA_FOR_MN);

	k.nai = "mn1@example.or";                /* prefix of the right NAI */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HA_FOR_MN);

	k.nai = NULL;                            /* no MN-ID option */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_NOT_HA_FOR_MN);
}

static void test_146_auth_fail(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;

	(void)state;
	k.key = key2;                            /* wrong key */
	k.key_len = sizeof(key2);
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_AUTH_FAIL);
	ba_of(&d, true);                         /* answered with the MN's real key */

	k = good_bu();
	k.spi = 999;                             /* wrong SPI */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_AUTH_FAIL);

	k = good_bu();
	k.no_auth = true;                        /* no authentication option */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_AUTH_FAIL);
}

static void test_146_tampered_after_signing(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_pkt p = make_bu(&k);
	struct xmip_ha_decision d;
	struct in6_addr other = A("2001:db8:66::1");

	(void)state;
	/* An on-path attacker rewrites the source (CoA); with a HAO the MH
	 * checksum does not cover it, only the authenticator does. */
	memcpy(pkt_buf + 8, &other, 16);
	assert_int_equal(xmip_pkt_parse(pkt_buf, 40 + 24 + p.mh_len, &p), XMIP_PARSE_OK);
	xmip_ha_decide(&conf, &p, XMIP_PARSE_OK, 1, NULL, NULL, now_rt_ns, NOW_BOOT_NS, &d);
	assert_rejected(&d, XMIP_BA_MIPV6_AUTH_FAIL);
}

static void test_145_mesg_id_missing(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;
	struct xmip_pkt ba;

	(void)state;
	k.no_mesg_id = true;
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_MESG_ID_REQD);
	assert_true(d.ba.has_mesg_id);
	assert_true(d.ba.mesg_id == xmip_ntp_from_unix_ns(now_rt_ns));   /* HA's time */
	ba = ba_of(&d, true);
	assert_int_equal(ba.msg.seq, V_SEQ);
	assert_true(ba.msg.opts.mesg_id == xmip_ntp_from_unix_ns(now_rt_ns));
}

static void test_144_mesg_id_window_and_replay(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;
	struct xmip_replay_state rs = { .last_mesg_id = V_MESG_ID, .last_seq = V_SEQ - 1,
					.seq_valid = 1 };

	(void)state;
	k.mesg_id = V_MESG_ID - SEC_NTP(8) + 0x1234;   /* 8 s behind, window 7 */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	/* RFC 4285 §6: the HA's time in the high 32 bits, the BU's low 32. */
	assert_true(d.ba.mesg_id >> 32 == xmip_ntp_from_unix_ns(now_rt_ns) >> 32);
	assert_true((d.ba.mesg_id & 0xffffffffULL) == (k.mesg_id & 0xffffffffULL));
	k.mesg_id = V_MESG_ID + SEC_NTP(8);      /* 8 s ahead */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	k.mesg_id = V_MESG_ID + SEC_NTP(7);      /* 7 s ahead: in */
	d = decide(&k, NULL, NULL);
	assert_int_equal(d.ba.status, 0);

	/* Not newer than the last accepted (new seq, same or older Mesg-ID). */
	k.mesg_id = V_MESG_ID;
	d = decide(&k, NULL, &rs);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	k.mesg_id = V_MESG_ID - 1;
	d = decide(&k, NULL, &rs);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	k.mesg_id = V_MESG_ID + 1;
	d = decide(&k, NULL, &rs);
	assert_int_equal(d.ba.status, 0);

	conf.mesg_id_window_s = 0;               /* 0 = default 7 s */
	k.mesg_id = V_MESG_ID + SEC_NTP(8);
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
}

static void test_135_seq_out_of_window(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_replay_state rs = { .last_mesg_id = V_MESG_ID - SEC_NTP(1),
					.last_seq = 2000, .seq_valid = 1 };
	struct xmip_binding cur = { .seq = 2000, .lifetime_s = 60,
				    .expires_ns = NOW_BOOT_NS + 30 * 1000000000ULL };
	struct xmip_ha_decision d;
	struct xmip_pkt ba;

	(void)state;
	memcpy(cur.coa, A("2001:db8:9::9").s6_addr, 16);
	d = decide(&k, &cur, &rs);               /* 1000 after 2000, a binding exists */
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(d.ba.seq, 2000);        /* carries the last accepted */
	ba = ba_of(&d, true);
	assert_int_equal(ba.msg.seq, 2000);
	assert_true(ba.msg.opts.mesg_id == V_MESG_ID);   /* ties it to the BU */

	k.seq = 2000;                            /* equal */
	d = decide(&k, &cur, &rs);
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
	k.seq = 2000 + 32768;                    /* half way round */
	d = decide(&k, &cur, &rs);
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
	k.seq = 2001;
	d = decide(&k, &cur, &rs);
	assert_int_equal(d.ba.status, 0);
	k.seq = 2000 + 32767;                    /* the farthest still newer (TAHI HA_2_5_2) */
	d = decide(&k, &cur, &rs);
	assert_int_equal(d.ba.status, 0);

	cur.seq = rs.last_seq = 65535;           /* wrap */
	k.seq = 0;
	d = decide(&k, &cur, &rs);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.replay.last_seq, 0);
	/* TAHI HA_2_7_2: 32783 then 14 is newer; HA_2_8_3: 32783 then 15 is not. */
	cur.seq = rs.last_seq = 32783;
	k.seq = 14;
	d = decide(&k, &cur, &rs);
	assert_int_equal(d.ba.status, 0);
	k.seq = 15;
	d = decide(&k, &cur, &rs);
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(d.ba.seq, 32783);
}

/*
 * §9.5.1: "If the receiving node has no Binding Cache entry for the
 * indicated home address, it MUST accept any Sequence Number value". The
 * last accepted number (kept in xmip_replay beyond the binding) constrains
 * only while a binding exists; a fresh Mesg-ID is what keeps replays out.
 */
static void test_any_seq_without_a_binding(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_replay_state rs = { .last_mesg_id = V_MESG_ID - SEC_NTP(1),
					.last_seq = 2000, .seq_valid = 1 };
	static const uint16_t seqs[] = { 1000, 2000, 2000 + 32768, 1999, 0 };
	struct xmip_ha_decision d;

	(void)state;
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		k.seq = seqs[i];
		d = decide(&k, NULL, &rs);       /* never registered, deregistered or expired */
		assert_int_equal(d.ba.status, 0);
		assert_int_equal(d.binding_op, XMIP_HA_BINDING_WRITE);
		assert_int_equal(d.binding.seq, seqs[i]);
		assert_int_equal(d.replay.last_seq, seqs[i]);
	}
}

/* A deregistration, then a registration with a lower sequence number
 * (a restarted MN): accepted, the binding is made again. */
static void test_lower_seq_after_deregistration(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision reg, dereg, again;

	(void)state;
	k.seq = 100;
	reg = decide(&k, NULL, NULL);
	k.seq = 101;
	k.mesg_id += SEC_NTP(1);
	k.lifetime = 0;
	dereg = decide(&k, &reg.binding, &reg.replay);
	assert_int_equal(dereg.binding_op, XMIP_HA_BINDING_DELETE);
	k = good_bu();
	k.seq = 7;
	k.mesg_id += SEC_NTP(2);
	again = decide(&k, NULL, &dereg.replay);
	assert_int_equal(again.ba.status, 0);
	assert_int_equal(again.binding_op, XMIP_HA_BINDING_WRITE);
	assert_int_equal(again.binding.seq, 7);
	assert_int_equal(again.proxy_nd, XMIP_HA_PROXY_ND_START);
}

/*
 * §10.3.2's race: a refresh sent from the visited link is delayed past the
 * deregistration sent from home. It must not make the binding again: its
 * Mesg-ID is older than the deregistration's, so it gets 135 with the
 * deregistration's sequence number, and nothing is written.
 */
static void test_delayed_bu_after_deregistration(void **state)
{
	struct bu_knobs k = good_bu(), delayed;
	struct xmip_ha_decision reg, dereg, d;

	(void)state;
	reg = decide(&k, NULL, NULL);
	delayed = k;
	delayed.seq++;
	delayed.mesg_id += SEC_NTP(1);
	k.seq += 2;
	k.mesg_id += SEC_NTP(2);
	k.coa = k.hoa;                           /* from home */
	dereg = decide(&k, &reg.binding, &reg.replay);
	assert_int_equal(dereg.binding_op, XMIP_HA_BINDING_DELETE);
	now_rt_ns += 3ULL * 1000000000ULL;
	d = decide(&delayed, NULL, &dereg.replay);
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(d.ba.seq, k.seq);
	/* Once outside the window, the same BU is a replay: no answer at all. */
	now_rt_ns += 10ULL * 1000000000ULL;
	d = decide(&delayed, NULL, &dereg.replay);
	assert_discarded(&d, XMIP_HA_DISCARD_REPLAY);
}

/*
 * An exact duplicate of the accepted BU (same sequence number, same
 * Mesg-ID) gets 135 carrying the last accepted number (§9.5.1: its number
 * is not greater), changing nothing; the MN uses a new number for every
 * retransmission (§11.8), so only a copy of its BU can be a duplicate.
 * Replayed after its Mesg-ID window, the copy gets no answer at all: a
 * signed one would be a signing oracle for captured traffic (RFC 4285 §6:
 * a conforming MN's timestamps only grow, so it is no fresh BU).
 */
static void test_exact_duplicate_is_135_then_silence(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d1 = decide(&k, NULL, NULL), d2;
	struct xmip_pkt ba;

	(void)state;
	now_rt_ns += 5ULL * 1000000000ULL;
	d2 = decide(&k, &d1.binding, &d1.replay);
	assert_rejected(&d2, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(d2.ba.seq, V_SEQ);
	ba = ba_of(&d2, true);
	assert_true(ba.msg.opts.mesg_id == V_MESG_ID);
	/* The same, another CoA (no HAO rewrite can pass the authenticator,
	 * but the policy does not rely on it): still 135. */
	now_rt_ns += 3ULL * 1000000000ULL;        /* 8 s after: outside the 7 s window */
	d2 = decide(&k, &d1.binding, &d1.replay);
	assert_discarded(&d2, XMIP_HA_DISCARD_REPLAY);
	/* An older captured BU, replayed after its window: silence too. */
	k.seq--;
	k.mesg_id -= SEC_NTP(1);
	d2 = decide(&k, &d1.binding, &d1.replay);
	assert_discarded(&d2, XMIP_HA_DISCARD_REPLAY);
	/* Without a binding (deregistered since) likewise. */
	d2 = decide(&k, NULL, &d1.replay);
	assert_discarded(&d2, XMIP_HA_DISCARD_REPLAY);
}

/*
 * The wall clock stepped back after the last accepted BU: its Mesg-ID is
 * now more than the window ahead of the clock, and an MN on the right time
 * would be refused until the clock caught up. Recovered from: a BU inside
 * the window of the clock, with a sequence number newer than the last
 * accepted, is accepted (and the stored Mesg-ID moves back to it). A replay
 * still fails: older BUs have older numbers, newer ones carry Mesg-IDs
 * beyond the window.
 */
static void test_mesg_id_state_ahead_of_the_clock(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_replay_state ahead = { .last_mesg_id = V_MESG_ID + SEC_NTP(3600),
					   .last_seq = V_SEQ - 1, .seq_valid = 1 };
	struct xmip_binding cur = { .seq = V_SEQ - 1, .lifetime_s = 60,
				    .expires_ns = NOW_BOOT_NS + 30 * 1000000000ULL };
	struct xmip_ha_decision d;

	(void)state;
	memcpy(cur.coa, A(V_COA).s6_addr, 16);
	d = decide(&k, &cur, &ahead);
	assert_int_equal(d.ba.status, 0);
	assert_true(d.recovered);
	assert_true(d.replay_write);
	assert_true(d.replay.last_mesg_id == V_MESG_ID);   /* back on the clock */
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_WRITE);
	/* Without a binding too. */
	d = decide(&k, NULL, &ahead);
	assert_int_equal(d.ba.status, 0);
	assert_true(d.recovered);

	/* A replayed BU sent before the last accepted one: older number. */
	k.seq = V_SEQ - 5;
	d = decide(&k, &cur, &ahead);
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_false(d.recovered);
	d = decide(&k, NULL, &ahead);
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
	/* One sent after it (newer number): its Mesg-ID is ahead of the window. */
	k.seq = V_SEQ + 1;
	k.mesg_id = ahead.last_mesg_id + SEC_NTP(2);
	d = decide(&k, &cur, &ahead);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	/* A stored Mesg-ID only a little ahead (inside the window) is not a step. */
	k = good_bu();
	ahead.last_mesg_id = V_MESG_ID + SEC_NTP(3);
	d = decide(&k, &cur, &ahead);
	assert_rejected(&d, XMIP_BA_MIPV6_ID_MISMATCH);
	assert_false(d.recovered);
	/* After recovering, the recovered BU itself is a duplicate. */
	ahead.last_mesg_id = V_MESG_ID + SEC_NTP(3600);
	d = decide(&k, &cur, &ahead);
	assert_true(d.recovered);
	cur = d.binding;
	d = decide(&k, &cur, &d.replay);
	assert_rejected(&d, XMIP_BA_SEQ_OUT_OF_WINDOW);
}

/* §10.3.1: DAD before answering a first registration only. */
static void test_dad_before_a_first_registration(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d, reg;
	struct xmip_pkt ba;

	(void)state;
	d = decide(&k, NULL, NULL);              /* dad-transmits 0: none */
	assert_false(d.need_dad);
	conf.dad_transmits = 1;
	reg = decide(&k, NULL, NULL);
	assert_true(reg.need_dad);
	assert_false(reg.dad_link_local);
	assert_int_equal(reg.binding_op, XMIP_HA_BINDING_WRITE);   /* once DAD succeeds */
	k.flags |= XMIP_BU_F_L;
	d = decide(&k, NULL, NULL);
	assert_true(d.need_dad);
	assert_true(d.dad_link_local);
	assert_true(d.binding.bu_flags & XMIP_BU_F_L);
	/* A refresh, or a new CoA, for an existing binding: no new DAD. */
	k = good_bu();
	k.seq++;
	k.mesg_id += SEC_NTP(1);
	k.coa = A("2001:db8:9::1");
	d = decide(&k, &reg.binding, &reg.replay);
	assert_int_equal(d.ba.status, 0);
	assert_false(d.need_dad);
	/* A deregistration: none either. */
	k.lifetime = 0;
	d = decide(&k, &reg.binding, &reg.replay);
	assert_false(d.need_dad);
	/* DAD failed: 134, authenticated, the Mesg-ID echoed, nothing written. */
	d = reg;
	xmip_ha_dad_failed(&d, false);
	assert_rejected(&d, XMIP_BA_DAD_FAILED);
	assert_false(d.need_dad);
	ba = ba_of(&d, true);
	assert_int_equal(ba.msg.ba_status, XMIP_BA_DAD_FAILED);
	assert_int_equal(ba.msg.seq, V_SEQ);
	assert_true(ba.msg.opts.mesg_id == V_MESG_ID);
	d = reg;
	xmip_ha_dad_failed(&d, true);
	assert_rejected(&d, XMIP_BA_DAD_FAILED);
}

/* The BUs the HA holds while an earlier one for the HoA is processed. */
static void test_authentic_bu_for_holding(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_pkt p = make_bu(&k);

	(void)state;
	assert_true(xmip_ha_bu_authentic(&conf, &p));
	k.key = key2;
	p = make_bu(&k);
	assert_false(xmip_ha_bu_authentic(&conf, &p));
	k = good_bu();
	k.nai = "mn2@example.org";
	p = make_bu(&k);
	assert_false(xmip_ha_bu_authentic(&conf, &p));
}

/*
 * A restarted agent keeps a binding only if its configuration still gives
 * the home address to the MN (NAI and SPI) the binding was made for
 * (xmip_ident); one without a record (an older agent's) is kept and
 * recorded when the home address is still configured.
 */
static void test_restart_keeps_only_bindings_still_configured(void **state)
{
	struct in6_addr hoa = A(V_HOA), other = A("2001:db8:1::999");
	const struct xmip_mn_entry *mn;
	struct xmip_ident rec, changed;

	(void)state;
	xmip_ha_ident(&mns[0], &rec);
	assert_int_equal(rec.spi, V_SPI);
	assert_int_equal(rec.nai_len, strlen(V_NAI));
	assert_int_equal(xmip_ha_restart_check(&conf, hoa.s6_addr, &rec, &mn), XMIP_HA_RESTART_KEEP);
	assert_ptr_equal(mn, &mns[0]);
	assert_int_equal(xmip_ha_restart_check(&conf, hoa.s6_addr, NULL, &mn),
			 XMIP_HA_RESTART_KEEP_RECORD);
	assert_int_equal(xmip_ha_restart_check(&conf, other.s6_addr, &rec, &mn),
			 XMIP_HA_RESTART_DROP_NO_MN);
	assert_null(mn);
	assert_int_equal(xmip_ha_restart_check(&conf, other.s6_addr, NULL, &mn),
			 XMIP_HA_RESTART_DROP_NO_MN);
	changed = rec;
	changed.spi++;                            /* the [mn] got another SPI */
	assert_int_equal(xmip_ha_restart_check(&conf, hoa.s6_addr, &changed, &mn),
			 XMIP_HA_RESTART_DROP_CHANGED);
	xmip_ha_ident(&mns[1], &changed);         /* made for another NAI */
	changed.spi = V_SPI;
	assert_int_equal(xmip_ha_restart_check(&conf, hoa.s6_addr, &changed, &mn),
			 XMIP_HA_RESTART_DROP_CHANGED);
	/* The configuration changed under the same home address. */
	strcpy(mns[0].nai, "someone-else@example.org");
	assert_int_equal(xmip_ha_restart_check(&conf, hoa.s6_addr, &rec, &mn),
			 XMIP_HA_RESTART_DROP_CHANGED);
}

static void test_a_flag(void **state)
{
	struct bu_knobs k = good_bu();
	struct xmip_ha_decision d;

	(void)state;
	/* §10.3.1: "Regardless of the setting of the Acknowledge (A) bit in
	 * the Binding Update, the home agent MUST return a Binding
	 * Acknowledgement" (TAHI HA_2_1_2); §10.3.2 likewise for a
	 * deregistration (HA_3_1_6). */
	k.flags = XMIP_BU_F_H;
	d = decide(&k, NULL, NULL);
	assert_int_equal(d.ba.status, 0);
	assert_true(d.send_ba);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_WRITE);
	{
		struct bu_knobs dk = k;
		struct xmip_ha_decision dd;

		dk.seq++;
		dk.mesg_id += SEC_NTP(1);
		dk.lifetime = 0;
		dd = decide(&dk, &d.binding, &d.replay);
		assert_true(dd.send_ba);
		assert_int_equal(dd.binding_op, XMIP_HA_BINDING_DELETE);
	}
	k.no_mesg_id = true;                     /* rejected without A: BA anyway */
	d = decide(&k, NULL, NULL);
	assert_rejected(&d, XMIP_BA_MIPV6_MESG_ID_REQD);
}

static void test_unknown_type_gets_binding_error(void **state)
{
	struct xmip_pkt p, be;
	struct xmip_ha_decision d;
	uint8_t pkt[sizeof(scapy_bu)], out[128];
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);
	int len;

	(void)state;
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64 + 2] = 42;
	xmip_mh_set_checksum(&hoa, &ha, pkt + 64, 64);
	assert_int_equal(xmip_pkt_parse(pkt, sizeof(pkt), &p), XMIP_PARSE_UNKNOWN_MH_TYPE);
	xmip_ha_decide(&conf, &p, XMIP_PARSE_UNKNOWN_MH_TYPE, 1, NULL, NULL, now_rt_ns,
		       NOW_BOOT_NS, &d);
	assert_false(d.send_ba);
	assert_true(d.send_be);
	assert_int_equal(d.be_status, XMIP_BE_UNRECOGNISED_MH);
	len = xmip_ha_build_be(&d, out, sizeof(out));
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(out, (size_t)len, &be), XMIP_PARSE_OK);
	assert_true(memcmp(&be.dst, &coa, 16) == 0);
	assert_true(memcmp(&be.src, &ha, 16) == 0);
	assert_int_equal(be.msg.be_status, 2);
	assert_true(memcmp(&be.msg.be_hoa, &hoa, 16) == 0);
}

/*
 * TAHI HA_1_1_1, HA_1_1_5: an unknown MH type from home (no Home Address
 * option) gets Binding Error 2 with the unspecified address as its Home
 * Address field (RFC 6275 §9.3.3), to the source, from the address it was
 * sent to; an existing binding is not consulted.
 */
static void test_unknown_type_from_home_gets_binding_error_with_unspecified_hoa(void **state)
{
	struct xmip_pkt p, be;
	struct xmip_ha_decision d;
	uint8_t pkt[sizeof(scapy_bu) - 24], out[128];
	struct in6_addr ha = A(V_HA), hoa = A(V_HOA), any = IN6ADDR_ANY_INIT;
	int len;

	(void)state;
	/* scapy_bu without its Destination Options header, sent from the HoA. */
	memcpy(pkt, scapy_bu, 40);
	memcpy(pkt + 40, scapy_bu + 64, sizeof(scapy_bu) - 64);
	pkt[5] = sizeof(pkt) - 40;
	pkt[6] = XMIP_IPPROTO_MH;
	memcpy(pkt + 8, hoa.s6_addr, 16);
	pkt[40 + 2] = 0xff;
	xmip_mh_set_checksum(&hoa, &ha, pkt + 40, sizeof(pkt) - 40);
	assert_int_equal(xmip_pkt_parse(pkt, sizeof(pkt), &p), XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_false(p.has_hao);
	xmip_ha_decide(&conf, &p, XMIP_PARSE_UNKNOWN_MH_TYPE, 1, NULL, NULL, now_rt_ns,
		       NOW_BOOT_NS, &d);
	assert_false(d.send_ba);
	assert_true(d.send_be);
	len = xmip_ha_build_be(&d, out, sizeof(out));
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(out, (size_t)len, &be), XMIP_PARSE_OK);
	assert_false(be.has_rh2);
	assert_true(memcmp(&be.dst, &hoa, 16) == 0);
	assert_true(memcmp(&be.src, &ha, 16) == 0);
	assert_int_equal(be.msg.be_status, 2);
	assert_true(memcmp(&be.msg.be_hoa, &any, 16) == 0);
}

static void test_ignored_inputs(void **state)
{
	struct xmip_ha_decision d;
	struct xmip_pkt p;
	struct bu_knobs k = good_bu();

	(void)state;
	/* A BA sent to the HA */
	assert_int_equal(xmip_pkt_parse(scapy_ba, sizeof(scapy_ba), &p), XMIP_PARSE_OK);
	xmip_ha_decide(&conf, &p, XMIP_PARSE_OK, 1, NULL, NULL, now_rt_ns, NOW_BOOT_NS, &d);
	assert_false(d.send_ba);
	assert_false(d.send_be);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_KEEP);
	/* A malformed packet */
	memset(&p, 0, sizeof(p));
	xmip_ha_decide(&conf, &p, XMIP_PARSE_BAD_CSUM, 1, NULL, NULL, now_rt_ns, NOW_BOOT_NS, &d);
	assert_false(d.send_ba);
	assert_false(d.send_be);
	/* A link-local home address */
	k.hoa = A("fe80::1");
	d = decide(&k, NULL, NULL);
	assert_false(d.send_ba);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_KEEP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_accept_new_registration, setup),
		cmocka_unit_test_setup(test_accept_scapy_bu, setup),
		cmocka_unit_test_setup(test_lifetime_clamped_and_rounded, setup),
		cmocka_unit_test_setup(test_refresh_keeps_proxy_nd, setup),
		cmocka_unit_test_setup(test_deregistration, setup),
		cmocka_unit_test_setup(test_deregistration_without_binding_is_133, setup),
		cmocka_unit_test_setup(test_mesg_id_across_the_ntp_era_wrap, setup),
		cmocka_unit_test_setup(test_h_clear_is_discarded, setup),
		cmocka_unit_test_setup(test_nonce_indices_in_home_registration_discarded, setup),
		cmocka_unit_test_setup(test_registration_without_hao_discarded, setup),
		cmocka_unit_test_setup(test_unroutable_home_address_discarded, setup),
		cmocka_unit_test_setup(test_unroutable_care_of_address_discarded, setup),
		cmocka_unit_test_setup(test_coa_the_datapath_refuses_gets_129, setup),
		cmocka_unit_test_setup(test_140_mobile_router, setup),
		cmocka_unit_test_setup(test_132_not_home_subnet, setup),
		cmocka_unit_test_setup(test_133_unknown_mn_or_nai, setup),
		cmocka_unit_test_setup(test_146_auth_fail, setup),
		cmocka_unit_test_setup(test_146_tampered_after_signing, setup),
		cmocka_unit_test_setup(test_145_mesg_id_missing, setup),
		cmocka_unit_test_setup(test_144_mesg_id_window_and_replay, setup),
		cmocka_unit_test_setup(test_135_seq_out_of_window, setup),
		cmocka_unit_test_setup(test_any_seq_without_a_binding, setup),
		cmocka_unit_test_setup(test_lower_seq_after_deregistration, setup),
		cmocka_unit_test_setup(test_delayed_bu_after_deregistration, setup),
		cmocka_unit_test_setup(test_exact_duplicate_is_135_then_silence, setup),
		cmocka_unit_test_setup(test_mesg_id_state_ahead_of_the_clock, setup),
		cmocka_unit_test_setup(test_dad_before_a_first_registration, setup),
		cmocka_unit_test_setup(test_authentic_bu_for_holding, setup),
		cmocka_unit_test_setup(test_restart_keeps_only_bindings_still_configured, setup),
		cmocka_unit_test_setup(test_a_flag, setup),
		cmocka_unit_test_setup(test_unknown_type_gets_binding_error, setup),
		cmocka_unit_test_setup(test_unknown_type_from_home_gets_binding_error_with_unspecified_hoa,
				       setup),
		cmocka_unit_test_setup(test_ignored_inputs, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
