// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NEMO basic support (RFC 3963) and home agent discovery (RFC 6275 §10.5,
 * §11.4): the Mobile Network Prefix option (bytes and alignment against
 * Scapy, parse, bad length), the HA's decision for a mobile router's BU
 * (every status 139-143, implicit and explicit mode, the R flag in the
 * BA, deregistration), the Home-Agents anycast address (RFC 2526), and
 * the ICMPv6 messages 144-147 (bytes against Scapy, parse, malformed).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"
#include "dhaad.h"
#include "ha_policy.h"
#include "mh.h"
#include "mip6_vectors.h"
#include "nemo_vectors.h"

#define NOW_BOOT_NS (1000ULL * 1000000000ULL)

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct xmip_mnp P(const char *s, uint8_t plen)
{
	struct xmip_mnp m = { .prefix = A(s), .plen = plen };

	return m;
}

/* ------------------------------------------------ Mobile Network Prefix option */

static const struct xmip_mnp two_mnps[2] = {
	{ .plen = 48 }, { .plen = 65 },
};

static struct xmip_bu_fields nemo_fields(struct xmip_mnp *mnp, size_t n)
{
	struct xmip_bu_fields f = {
		.seq = V_SEQ, .flags = XMIP_BU_F_A | XMIP_BU_F_H | XMIP_BU_F_R,
		.lifetime_units = V_LIFETIME_UNITS, .nai = V_NAI, .nai_len = strlen(V_NAI),
		.has_mesg_id = true, .mesg_id = V_MESG_ID, .has_auth = true, .spi = V_SPI,
		.mnp = mnp, .n_mnp = n,
	};
	return f;
}

static void test_mnp_bu_bytes_match_scapy(void **state)
{
	struct xmip_mnp mnp[2] = { two_mnps[0], two_mnps[1] };
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);
	struct xmip_mn_ha_sa sa = { .spi = V_SPI, .key = v_key, .key_len = sizeof(v_key) };
	struct xmip_bu_fields f;
	uint8_t buf[512];
	int len;

	(void)state;
	mnp[0].prefix = A("2001:db8:100::");
	mnp[1].prefix = A("2001:db8:200:8000::");
	f = nemo_fields(mnp, 2);
	len = xmip_pkt_build_bu(buf, sizeof(buf), &coa, &ha, &hoa, &f, &sa);
	assert_int_equal(len, sizeof(v_nemo_bu));
	/* Same options at the same offsets (8n+4 for each MNP), same
	 * authenticator, same MH checksum. */
	assert_memory_equal(buf, v_nemo_bu, sizeof(v_nemo_bu));
}

static void test_mnp_bu_parse(void **state)
{
	struct xmip_pkt p;

	(void)state;
	assert_int_equal(xmip_pkt_parse(v_nemo_bu, sizeof(v_nemo_bu), &p), XMIP_PARSE_OK);
	assert_true(p.msg.bu_flags & XMIP_BU_F_R);
	assert_int_equal(p.msg.opts.n_mnp, 2);
	assert_int_equal(p.msg.opts.mnp[0].plen, 48);
	assert_memory_equal(&p.msg.opts.mnp[0].prefix, A("2001:db8:100::").s6_addr, 16);
	assert_int_equal(p.msg.opts.mnp[1].plen, 65);
	assert_memory_equal(&p.msg.opts.mnp[1].prefix, A("2001:db8:200:8000::").s6_addr, 16);
	/* Option offsets in the MH: 36 and 60, both 8n+4 (RFC 3963 §4.3). */
	assert_int_equal(p.mh[36], XMIP_MOPT_MOB_NET_PREFIX);
	assert_int_equal(p.mh[60], XMIP_MOPT_MOB_NET_PREFIX);
	assert_true(p.msg.opts.has_auth && p.msg.opts.auth_is_last);
	assert_true(xmip_auth_verify(v_key, sizeof(v_key), &p.src, &p.hao, p.mh, p.mh_len,
				     p.msg.opts.auth_opt_off));
}

static void test_mnp_bad_length_and_too_many(void **state)
{
	uint8_t mh[200];
	struct xmip_mh_msg m;
	struct xmip_mnp many[XMIP_MH_MAX_MNP + 1];
	struct xmip_bu_fields f;
	int len;

	(void)state;
	memcpy(mh, v_nemo_bu + 64, sizeof(v_nemo_bu) - 64);
	assert_int_equal(xmip_mh_parse(mh, sizeof(v_nemo_bu) - 64, &m), XMIP_PARSE_OK);
	mh[37] = 17;                       /* MNP option length must be 18 */
	assert_int_equal(xmip_mh_parse(mh, sizeof(v_nemo_bu) - 64, &m), XMIP_PARSE_BAD_OPTION);
	/* the builder refuses more options than a parser keeps */
	for (size_t i = 0; i < XMIP_MH_MAX_MNP + 1; i++)
		many[i] = P("2001:db8:100::", 64);
	f = nemo_fields(many, XMIP_MH_MAX_MNP + 1);
	f.has_auth = false;
	assert_int_equal(xmip_mh_build_bu(mh, sizeof(mh), &f, NULL), -1);
	f.n_mnp = 2;
	len = xmip_mh_build_bu(mh, sizeof(mh), &f, NULL);
	assert_true(len > 0);
	assert_int_equal(len % 8, 0);
}

/* ------------------------------------------------ the HA's decision */

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
	mns[0].mnp[0] = P("2001:db8:100::", 48);       /* the prefix table (§6.1.2) */
	mns[0].n_mnp = 1;
	strcpy(mns[1].nai, "mn2@example.org");         /* a router with no prefix */
	mns[1].hoa = A("2001:db8:1::200");
	mns[1].spi = V_SPI;
	memcpy(mns[1].key, v_key, sizeof(v_key));
	mns[1].key_len = sizeof(v_key);
	conf.role = XMIP_ROLE_HA;
	conf.address = A(V_HA);
	conf.home_prefix = A("2001:db8:1::");
	conf.home_plen = 64;
	conf.max_lifetime_s = 600;
	conf.mesg_id_window_s = 7;
	conf.mobile_routers = true;
	conf.mns = mns;
	conf.n_mns = 2;
	now_rt_ns = (uint64_t)xmip_ntp_to_unix_ns(V_MESG_ID);
	return 0;
}

struct knobs {
	uint16_t flags, lifetime;
	const char *nai, *hoa;
	struct xmip_mnp mnp[XMIP_MH_MAX_MNP];
	size_t n_mnp;
};

static struct knobs mr(void)
{
	struct knobs k = { .flags = XMIP_BU_F_A | XMIP_BU_F_H | XMIP_BU_F_R,
			   .lifetime = V_LIFETIME_UNITS, .nai = V_NAI, .hoa = V_HOA };
	return k;
}

static uint8_t pkt_buf[512];

static struct xmip_ha_decision decide(const struct knobs *k, const struct xmip_binding *cur)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(k->hoa);
	struct xmip_mn_ha_sa sa = { .spi = V_SPI, .key = v_key, .key_len = sizeof(v_key) };
	struct xmip_mnp mnp[XMIP_MH_MAX_MNP];
	struct xmip_bu_fields f;
	struct xmip_ha_decision d;
	struct xmip_pkt p;
	int len;

	memcpy(mnp, k->mnp, sizeof(mnp));
	f = nemo_fields(mnp, k->n_mnp);
	f.flags = k->flags;
	f.lifetime_units = k->lifetime;
	f.nai = k->nai;
	f.nai_len = strlen(k->nai);
	len = xmip_pkt_build_bu(pkt_buf, sizeof(pkt_buf), &coa, &ha, &hoa, &f, &sa);
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(pkt_buf, (size_t)len, &p), XMIP_PARSE_OK);
	assert_int_equal(xmip_ha_decide(&conf, &p, XMIP_PARSE_OK, 3, cur, NULL, now_rt_ns,
					NOW_BOOT_NS, &d), 0);
	return d;
}

static void assert_refused(const struct xmip_ha_decision *d, uint8_t status)
{
	assert_true(d->send_ba);
	assert_int_equal(d->ba.status, status);
	assert_int_equal(d->ba.lifetime_units, 0);
	assert_false(d->ba.flags & XMIP_BA_F_R);
	assert_int_equal(d->binding_op, XMIP_HA_BINDING_KEEP);
	assert_false(d->nemo);
	assert_false(d->replay_write);
}

/* The BA as it goes out: status and R flag as the MR reads them. */
static struct xmip_pkt ba_of(const struct xmip_ha_decision *d)
{
	static uint8_t buf[512];
	struct xmip_pkt p;
	int len = xmip_ha_build_ba(d, buf, sizeof(buf));

	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(buf, (size_t)len, &p), XMIP_PARSE_OK);
	assert_int_equal(p.msg.type, XMIP_MH_BA);
	return p;
}

/* The whole BA, byte for byte, against the one Scapy built and Python signed. */
static void assert_ba_bytes(const struct xmip_ha_decision *d, const uint8_t *want, size_t n)
{
	uint8_t buf[512];
	int len = xmip_ha_build_ba(d, buf, sizeof(buf));

	assert_int_equal(len, n);
	assert_memory_equal(buf, want, n);
}

static void test_explicit_accepted(void **state)
{
	struct knobs k = mr();
	struct xmip_ha_decision d;
	struct xmip_pkt ba;

	(void)state;
	k.mnp[0] = P("2001:db8:100:5::", 64);     /* inside the configured /48 */
	k.mnp[1] = P("2001:db8:100::", 48);       /* the configured one itself */
	k.n_mnp = 2;
	d = decide(&k, NULL);
	assert_int_equal(d.ba.status, XMIP_BA_ACCEPTED);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_WRITE);
	assert_true(d.nemo);
	assert_int_equal(d.n_mnp, 2);
	assert_int_equal(d.mnp[0].plen, 64);
	assert_memory_equal(&d.mnp[0].prefix, A("2001:db8:100:5::").s6_addr, 16);
	assert_true(d.binding.bu_flags & XMIP_BU_F_R);
	ba = ba_of(&d);
	assert_int_equal(ba.msg.ba_status, 0);
	assert_true(ba.msg.ba_flags & XMIP_BA_F_R);     /* RFC 3963 §6.6 */
	assert_ba_bytes(&d, v_ba_r_accepted, sizeof(v_ba_r_accepted));
}

static void test_implicit_uses_configuration(void **state)
{
	struct knobs k = mr();
	struct xmip_ha_decision d = decide(&k, NULL);

	(void)state;
	assert_int_equal(d.ba.status, XMIP_BA_ACCEPTED);
	assert_true(d.nemo);
	assert_int_equal(d.n_mnp, 1);
	assert_int_equal(d.mnp[0].plen, 48);
	assert_memory_equal(&d.mnp[0].prefix, A("2001:db8:100::").s6_addr, 16);
	assert_true(ba_of(&d).msg.ba_flags & XMIP_BA_F_R);
}

static void test_140_not_permitted(void **state)
{
	struct knobs k = mr();
	struct xmip_ha_decision d;

	(void)state;
	conf.mobile_routers = false;               /* §6.6: not configured for routers */
	d = decide(&k, NULL);
	assert_refused(&d, XMIP_BA_MR_OP_NOT_PERMITTED);
	assert_int_equal(ba_of(&d).msg.ba_status, 140);
	conf.mobile_routers = true;
	k.flags = XMIP_BU_F_A | XMIP_BU_F_R;       /* §6.2: R without H */
	d = decide(&k, NULL);
	assert_refused(&d, XMIP_BA_MR_OP_NOT_PERMITTED);
	/* a mobile node's BU is unaffected by mobile-routers = no */
	conf.mobile_routers = false;
	k = mr();
	k.flags &= (uint16_t)~XMIP_BU_F_R;
	d = decide(&k, NULL);
	assert_int_equal(d.ba.status, XMIP_BA_ACCEPTED);
	assert_false(d.nemo);
	assert_false(ba_of(&d).msg.ba_flags & XMIP_BA_F_R);
}

static void test_141_invalid_prefix(void **state)
{
	static const struct { const char *p; uint8_t plen; } bad[] = {
		{ "2001:db8:100::", 0 },       /* no length */
		{ "2001:db8:100::", 129 },     /* past 128 */
		{ "ff0e::", 16 },              /* multicast */
		{ "fe80::", 64 },              /* link-local */
		{ "2001:db8:1::", 64 },        /* the home prefix */
		{ "2001:db8::", 32 },          /* holds the home prefix */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct knobs k = mr();
		struct xmip_ha_decision d;

		k.mnp[0] = P("2001:db8:100::", 64);
		k.mnp[1] = P(bad[i].p, bad[i].plen);
		k.n_mnp = 2;
		d = decide(&k, NULL);
		assert_refused(&d, XMIP_BA_INVALID_PREFIX);
		assert_int_equal(ba_of(&d).msg.ba_status, 141);
		assert_ba_bytes(&d, v_ba_141, sizeof(v_ba_141));
	}
}

static void test_142_not_authorized(void **state)
{
	struct knobs k = mr();
	struct xmip_ha_decision d;

	(void)state;
	k.mnp[0] = P("2001:db8:100::", 64);
	k.mnp[1] = P("2001:db8:300::", 48);       /* someone else's */
	k.n_mnp = 2;
	d = decide(&k, NULL);
	assert_refused(&d, XMIP_BA_NOT_AUTHORIZED_FOR_PREFIX);
	assert_ba_bytes(&d, v_ba_142, sizeof(v_ba_142));
	/* wider than the configured /48 it contains */
	k.mnp[1] = P("2001:db8:100::", 44);
	d = decide(&k, NULL);
	assert_refused(&d, XMIP_BA_NOT_AUTHORIZED_FOR_PREFIX);
	/* a router with no prefix configured may claim none explicitly */
	k = mr();
	k.nai = "mn2@example.org";
	k.hoa = "2001:db8:1::200";
	k.mnp[0] = P("2001:db8:100::", 64);
	k.n_mnp = 1;
	d = decide(&k, NULL);
	assert_refused(&d, XMIP_BA_NOT_AUTHORIZED_FOR_PREFIX);
	assert_int_equal(ba_of(&d).msg.ba_status, 142);
}

static void test_143_forwarding_setup_failed(void **state)
{
	struct knobs k = mr();
	struct xmip_ha_decision d;

	(void)state;
	k.nai = "mn2@example.org";                /* implicit mode, nothing configured */
	k.hoa = "2001:db8:1::200";
	d = decide(&k, NULL);
	assert_refused(&d, XMIP_BA_FORWARDING_SETUP_FAILED);
	assert_int_equal(ba_of(&d).msg.ba_status, 143);
}

/* 143 for a router whose HoA and key are those of the vectors. */
static void test_143_bytes(void **state)
{
	struct knobs k = mr();
	struct xmip_ha_decision d;

	(void)state;
	mns[0].n_mnp = 0;
	d = decide(&k, NULL);
	assert_refused(&d, XMIP_BA_FORWARDING_SETUP_FAILED);
	assert_ba_bytes(&d, v_ba_143, sizeof(v_ba_143));
}

static void test_139_type_change_and_dereg(void **state)
{
	struct knobs k = mr();
	struct xmip_ha_decision d1, d;
	struct xmip_binding mn_binding;

	(void)state;
	/* a binding made by a mobile node (no R), then a BU with R: 139 */
	k.flags &= (uint16_t)~XMIP_BU_F_R;
	d1 = decide(&k, NULL);
	assert_int_equal(d1.ba.status, 0);
	mn_binding = d1.binding;
	mn_binding.seq = V_SEQ - 1;
	k = mr();
	d = decide(&k, &mn_binding);
	assert_refused(&d, XMIP_BA_REG_TYPE_CHANGE);
	/* ... and the other way round */
	k.flags &= (uint16_t)~XMIP_BU_F_R;
	mn_binding.bu_flags |= XMIP_BU_F_R;
	d = decide(&k, &mn_binding);
	assert_refused(&d, XMIP_BA_REG_TYPE_CHANGE);
	/* a deregistration ignores R and any prefix options (§6.2, §6.7) */
	k = mr();
	k.lifetime = 0;
	k.mnp[0] = P("2001:db8:300::", 48);
	k.n_mnp = 1;
	mn_binding.bu_flags &= (uint16_t)~XMIP_BU_F_R;
	d = decide(&k, &mn_binding);
	assert_int_equal(d.ba.status, XMIP_BA_ACCEPTED);
	assert_int_equal(d.binding_op, XMIP_HA_BINDING_DELETE);
}

/* ------------------------------------------------ DHAAD, MPS/MPA */

static void test_anycast_addresses(void **state)
{
	struct in6_addr out, p = A("2001:db8:1::");

	(void)state;
	assert_int_equal(xmip_ha_anycast(&p, 64, &out), 0);
	assert_memory_equal(&out, A(N_ANY64).s6_addr, 16);
	assert_int_equal(xmip_ha_anycast(&p, 48, &out), 0);
	assert_memory_equal(&out, A(N_ANY48).s6_addr, 16);
	p = A("2001:db8:1:10::");
	assert_int_equal(xmip_ha_anycast(&p, 60, &out), 0);
	assert_memory_equal(&out, A(N_ANY60).s6_addr, 16);
	assert_int_equal(xmip_ha_anycast(&p, 0, &out), -1);
	assert_int_equal(xmip_ha_anycast(&p, 122, &out), -1);
}

static void test_icmp_bytes_match_scapy(void **state)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA), any = A(N_ANY64);
	struct in6_addr list[2] = { A(V_HA), A(N_HA2) };
	struct xmip_mpa_prefix pi = { .prefix = A("2001:db8:1::"), .plen = 64,
				      .flags = XMIP_PI_F_L | XMIP_PI_F_A,
				      .valid_s = 2592000, .preferred_s = 604800 };
	uint8_t buf[256];

	(void)state;
	assert_int_equal(xmip_haad_build_request(buf, sizeof(buf), &coa, &any, 0x1234, false),
			 sizeof(v_haad_req));
	assert_memory_equal(buf, v_haad_req, sizeof(v_haad_req));
	assert_int_equal(xmip_haad_build_request(buf, sizeof(buf), &coa, &any, 0x1235, true),
			 sizeof(v_haad_req_r));
	assert_memory_equal(buf, v_haad_req_r, sizeof(v_haad_req_r));
	assert_int_equal(xmip_haad_build_reply(buf, sizeof(buf), &ha, &coa, 0x1234, false, list, 2),
			 sizeof(v_haad_rep));
	assert_memory_equal(buf, v_haad_rep, sizeof(v_haad_rep));
	assert_int_equal(xmip_haad_build_reply(buf, sizeof(buf), &ha, &coa, 0x1235, true, list, 1),
			 sizeof(v_haad_rep_r));
	assert_memory_equal(buf, v_haad_rep_r, sizeof(v_haad_rep_r));
	assert_int_equal(xmip_mps_build(buf, sizeof(buf), &hoa, &ha, 0x4321), sizeof(v_mps));
	assert_memory_equal(buf, v_mps, sizeof(v_mps));
	assert_int_equal(xmip_mpa_build(buf, sizeof(buf), &ha, &hoa, 0x4321, &pi, 1), sizeof(v_mpa));
	assert_memory_equal(buf, v_mpa, sizeof(v_mpa));
	/* too small a buffer, a bad prefix length */
	assert_int_equal(xmip_haad_build_reply(buf, 60, &ha, &coa, 1, false, list, 2), -1);
	pi.plen = 129;
	assert_int_equal(xmip_mpa_build(buf, sizeof(buf), &ha, &hoa, 1, &pi, 1), -1);
}

static void test_icmp_parse(void **state)
{
	static struct xmip_icmp6_mip m;

	(void)state;
	assert_int_equal(xmip_icmp6_mip_parse(v_haad_req + 40, sizeof(v_haad_req) - 40, &m), 0);
	assert_int_equal(m.type, XMIP_ICMP6_HAAD_REQUEST);
	assert_int_equal(m.id, 0x1234);
	assert_false(m.r);
	assert_int_equal(xmip_icmp6_mip_parse(v_haad_req_r + 40, sizeof(v_haad_req_r) - 40, &m), 0);
	assert_true(m.r);
	assert_int_equal(xmip_icmp6_mip_parse(v_haad_rep + 40, sizeof(v_haad_rep) - 40, &m), 0);
	assert_int_equal(m.type, XMIP_ICMP6_HAAD_REPLY);
	assert_int_equal(m.n_addrs, 2);
	assert_memory_equal(&m.addrs[0], A(V_HA).s6_addr, 16);
	assert_memory_equal(&m.addrs[1], A(N_HA2).s6_addr, 16);
	assert_int_equal(xmip_icmp6_mip_parse(v_haad_rep_r + 40, sizeof(v_haad_rep_r) - 40, &m), 0);
	assert_true(m.r);
	assert_int_equal(m.n_addrs, 1);
	assert_int_equal(xmip_icmp6_mip_parse(v_mps + 40, sizeof(v_mps) - 40, &m), 0);
	assert_int_equal(m.type, XMIP_ICMP6_MPS);
	assert_int_equal(m.id, 0x4321);
	assert_int_equal(xmip_icmp6_mip_parse(v_mpa + 40, sizeof(v_mpa) - 40, &m), 0);
	assert_int_equal(m.type, XMIP_ICMP6_MPA);
	assert_int_equal(m.n_prefixes, 1);
	assert_int_equal(m.prefixes[0].plen, 64);
	assert_int_equal(m.prefixes[0].flags, XMIP_PI_F_L | XMIP_PI_F_A);
	assert_int_equal(m.prefixes[0].valid_s, 2592000);
	assert_int_equal(m.prefixes[0].preferred_s, 604800);
	assert_memory_equal(&m.prefixes[0].prefix, A("2001:db8:1::").s6_addr, 16);
}

static void test_icmp_malformed(void **state)
{
	static struct xmip_icmp6_mip m;
	uint8_t b[128];

	(void)state;
	assert_int_equal(xmip_icmp6_mip_parse(v_haad_req + 40, 7, &m), XMIP_ICMP6_MIP_TRUNCATED);
	memcpy(b, v_haad_rep + 40, sizeof(v_haad_rep) - 40);
	assert_int_equal(xmip_icmp6_mip_parse(b, sizeof(v_haad_rep) - 41, &m),
			 XMIP_ICMP6_MIP_BAD_LENGTH);           /* 31 octets of addresses */
	b[1] = 1;
	assert_int_equal(xmip_icmp6_mip_parse(b, sizeof(v_haad_rep) - 40, &m),
			 XMIP_ICMP6_MIP_BAD_CODE);
	b[0] = 128;                                    /* an echo request */
	assert_int_equal(xmip_icmp6_mip_parse(b, sizeof(v_haad_rep) - 40, &m),
			 XMIP_ICMP6_MIP_NOT_OURS);
	memcpy(b, v_mpa + 40, sizeof(v_mpa) - 40);
	b[9] = 0;                                      /* option length 0 (RFC 4861 §4.6) */
	assert_int_equal(xmip_icmp6_mip_parse(b, sizeof(v_mpa) - 40, &m), XMIP_ICMP6_MIP_BAD_OPTION);
	b[9] = 5;                                      /* past the end */
	assert_int_equal(xmip_icmp6_mip_parse(b, sizeof(v_mpa) - 40, &m), XMIP_ICMP6_MIP_BAD_OPTION);
	/* an unknown option of good length is skipped */
	b[8] = 200;
	b[9] = 4;
	assert_int_equal(xmip_icmp6_mip_parse(b, sizeof(v_mpa) - 40, &m), 0);
	assert_int_equal(m.n_prefixes, 0);
}

static void test_reply_order_by_preference(void **state)
{
	int32_t pref[4] = { 0, 10, 5, 10 };

	(void)state;
	for (uint32_t rnd = 0; rnd < 64; rnd++) {
		size_t idx[4] = { 0, 1, 2, 3 };

		xmip_haad_order(pref, idx, 4, rnd * 0x9e3779b9u);
		assert_true((idx[0] == 1 && idx[1] == 3) || (idx[0] == 3 && idx[1] == 1));
		assert_int_equal(idx[2], 2);
		assert_int_equal(idx[3], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mnp_bu_bytes_match_scapy),
		cmocka_unit_test(test_mnp_bu_parse),
		cmocka_unit_test(test_mnp_bad_length_and_too_many),
		cmocka_unit_test_setup(test_explicit_accepted, setup),
		cmocka_unit_test_setup(test_implicit_uses_configuration, setup),
		cmocka_unit_test_setup(test_140_not_permitted, setup),
		cmocka_unit_test_setup(test_141_invalid_prefix, setup),
		cmocka_unit_test_setup(test_142_not_authorized, setup),
		cmocka_unit_test_setup(test_143_forwarding_setup_failed, setup),
		cmocka_unit_test_setup(test_143_bytes, setup),
		cmocka_unit_test_setup(test_139_type_change_and_dereg, setup),
		cmocka_unit_test(test_anycast_addresses),
		cmocka_unit_test(test_icmp_bytes_match_scapy),
		cmocka_unit_test(test_icmp_parse),
		cmocka_unit_test(test_icmp_malformed),
		cmocka_unit_test(test_reply_order_by_preference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
