// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the Mobile IPv4 parsers and decisions
 * (agentd/mip4/). Each input is tried as a registration message (UDP
 * payload), an ICMP Agent Advertisement/Solicitation and an Ethernet
 * frame. Properties, checked on every input:
 *  - no parser reads past len (ASan: the input is exactly len octets);
 *  - a registration message that parses rebuilds to the same octets;
 *  - an authentication extension verifies exactly when its SPI is the
 *    association's, it is 20 octets long and its authenticator equals
 *    HMAC-MD5 over the message up to its SPI, computed here: no bad
 *    authenticator is ever accepted; and one re-signed with the key
 *    stops verifying when any octet it covers changes;
 *  - the home agent's decision changes a binding or the replay state only
 *    for a request whose Mobile-Home authenticator verifies and whose
 *    Identification is fresh; its reply parses and verifies;
 *  - the foreign agent's and mobile node's checks never relay or accept
 *    what fails their authentication;
 *  - an advertisement that parses rebuilds to one that parses the same.
 *  - every extension the parser reports lies inside the input, back to
 *    back after the fixed part, and the last one ends where the input does
 *    (lengths never exceed the input; no octet is skipped or read twice).
 * Seeds: selftests/fuzz/mip4/ (Scapy/Python-built messages of the unit
 * tests and messages captured in the end-to-end test). Run: make
 * fuzz-mip4 (one harness of make fuzz; make check-fuzz replays the seeds).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_common.h"
#include "mip4_auth.h"
#include "mip4_fa_policy.h"
#include "mip4_ha_policy.h"
#include "mip4_ident.h"
#include "mip4_l2.h"
#include "mip4_mn_policy.h"
#include "mip4_wire.h"

/* fuzz_common.h's report ("PROPERTY VIOLATED file:line: condition"), as every harness. */
#define CHECK(c) FUZZ_CHECK(c)

#define KEY "00112233445566778899aabbccddeeff"
static const char ha_text[] =
	"role = ha\ninstance = f\ninterface = eth0\naddress = 2001:db8:1::2\n"
	"home-prefix = 2001:db8:1::/64\n[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
	"[mip4-mn 10.1.0.100]\nspi = 4096\nkey = " KEY "\n"
	"[mip4-mn mn4@example.org]\nhome-address = 10.1.0.107\nspi = 4096\nkey = " KEY "\n"
	"[mip4-peer 198.51.100.2]\nspi = 8192\nkey = 0f0e0d0c0b0a09080706050403020100\n";
static const char fa_text[] =
	"role = fa\ninstance = f\ninterface = vis\n[mip4]\ncare-of-address = 198.51.100.2\n"
	"[mip4-mn 10.1.0.100]\nspi = 5000\nkey = " KEY "\n"
	"[mip4-peer 10.1.0.2]\nspi = 8192\nkey = 0f0e0d0c0b0a09080706050403020100\n";
static const char mn_text[] =
	"role = mn4\ninstance = m\ninterface = w\n[mip4]\nhome-address = 10.1.0.100\n"
	"home-agent = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nspi = 4096\nkey = " KEY "\n";

static struct xmip_conf ha_conf, fa_conf, mn_conf;
/* The vectors' Identification is 0xEAF0E58B...: "now" is near it, so seeds can be fresh. */
static const uint64_t NOW = 0xEAF0E58B00000000ull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (xmip_conf_parse("ha", ha_text, sizeof(ha_text) - 1, &ha_conf, err, sizeof(err)) ||
	    xmip_conf_parse("fa", fa_text, sizeof(fa_text) - 1, &fa_conf, err, sizeof(err)) ||
	    xmip_conf_parse("mn", mn_text, sizeof(mn_text) - 1, &mn_conf, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	return 0;
}

/* Our own reading of §3.5.1: does extension e verify under sa? */
static int expect_auth(const uint8_t *msg, const struct xmip_mip4_ext *e,
		       const struct xmip_mip4_sa *sa)
{
	uint8_t md[16];
	uint32_t spi;

	if (e->len != 20)
		return 0;
	spi = (uint32_t)msg[e->off + 2] << 24 | (uint32_t)msg[e->off + 3] << 16 |
	      (uint32_t)msg[e->off + 4] << 8 | msg[e->off + 5];
	if (spi != sa->spi)
		return 0;
	CHECK(xmip_mip4_hmac_md5(sa->key, sa->key_len, msg, e->off + 6u, md) == 0);
	return memcmp(md, msg + e->off + 6, 16) == 0;
}

static void registration(const uint8_t *data, size_t size)
{
	static uint8_t out[XMIP_MIP4_MAX_MSG + 64], signed_[XMIP_MIP4_MAX_MSG + 64];
	const struct xmip_mip4_conf *c = &ha_conf.mip4;
	struct xmip_mip4_reg m, m2;
	int n;

	if (xmip_mip4_reg_parse(data, size, &m) != XMIP_MIP4_E_OK)
		return;
	CHECK(m.len == size);
	/* every extension lies inside the input, after the fixed part, in order, back to
	 * back; the indexes of the ones we act on point at one of their type */
	CHECK(m.n_ext <= XMIP_MIP4_MAX_EXT);
	for (size_t i = 0, at = m.type == XMIP_MIP4_REG_REQUEST ? 24u : 20u; i <= m.n_ext; i++) {
		const struct xmip_mip4_ext *e = &m.ext[i];

		if (i == m.n_ext) {
			CHECK(at == size);   /* the last one ends where the input does */
			break;
		}
		CHECK(e->off == at && data[e->off] == e->type);
		/* one-octet padding (type 0) has no length octet */
		at += e->type == XMIP_MIP4_EXT_PAD ? 1u : 2u + e->len;
		CHECK(at <= size);
		CHECK(e->type == XMIP_MIP4_EXT_PAD ? e->len == 0 : data[e->off + 1] == e->len);
	}
	CHECK(m.mn_ha < 0 || (m.mn_ha < m.n_ext && m.ext[m.mn_ha].type == XMIP_MIP4_EXT_MN_HA_AUTH));
	CHECK(m.nai < (int)m.n_ext);
	/* parse -> build is the identity */
	n = xmip_mip4_rebuild(out, sizeof(out), &m, data, 0, m.n_ext);
	CHECK(n == (int)size && memcmp(out, data, size) == 0);
	/* no authenticator verifies unless it is the right HMAC-MD5 */
	for (int i = 0; i < m.n_ext; i++) {
		const struct xmip_mip4_ext *e = &m.ext[i];

		if (e->type < 32 || e->type > 34)
			continue;
		for (size_t k = 0; k < c->n_mns; k++)
			CHECK(xmip_mip4_auth_ok(data, e, &c->mns[k].sa) ==
			      (bool)expect_auth(data, e, &c->mns[k].sa));
		for (size_t k = 0; k < c->n_peers; k++)
			CHECK(xmip_mip4_auth_ok(data, e, &c->peers[k].sa) ==
			      (bool)expect_auth(data, e, &c->peers[k].sa));
	}
	/* re-signed: verifies; any one changed octet it covers: does not */
	if (m.mn_ha >= 0) {
		size_t off = m.ext[m.mn_ha].off, at;
		uint8_t delta = data[size - 1] ? data[size - 1] : 1;

		n = xmip_mip4_rebuild(signed_, sizeof(signed_), &m, data, 0, (size_t)m.mn_ha);
		CHECK(n == (int)off);
		n = xmip_mip4_put_auth(signed_, sizeof(signed_), off, XMIP_MIP4_EXT_MN_HA_AUTH,
				       &c->mns[0].sa);
		CHECK(n == (int)off + 22);
		CHECK(xmip_mip4_reg_parse(signed_, (size_t)n, &m2) == XMIP_MIP4_E_OK);
		CHECK(xmip_mip4_auth_ok(signed_, &m2.ext[m2.mn_ha], &c->mns[0].sa));
		at = (size_t)data[size / 2] * 7 % (size_t)n;
		signed_[at] ^= delta;
		/* A changed type octet can make an earlier extension the first MN-HA
		 * one, and the input may hold a valid authenticator there: that is
		 * another message. The one we signed must fail. */
		if (xmip_mip4_reg_parse(signed_, (size_t)n, &m2) == XMIP_MIP4_E_OK && m2.mn_ha >= 0 &&
		    m2.ext[m2.mn_ha].off == off)
			CHECK(!xmip_mip4_auth_ok(signed_, &m2.ext[m2.mn_ha], &c->mns[0].sa));
	}
	/* the home agent: only an authenticated, fresh request changes anything */
	if (m.type == XMIP_MIP4_REG_REQUEST) {
		struct xmip_mip4_ha_req r = { .msg = data, .m = &m, .sport = 434,
					      .src = { 198, 51, 100, 2 }, .dst = { 10, 1, 0, 2 } };
		struct xmip_mip4_hb b[2] = { 0 };
		struct xmip_mip4_ha_state st = { .b = b, .n_b = data[0] & 1, .has_last = size & 1,
						 .last_id = NOW };
		struct xmip_mip4_ha_decision d;

		if (size > 24)
			memcpy(r.src, data + 12, 4);   /* sometimes the CoA itself */
		st.mn = xmip_mip4_find_mn(c, data, &m);
		st.fa = xmip_mip4_find_peer(c, r.src);
		xmip_mip4_ha_decide(c, NOW, &r, &st, &d);
		if (d.change != XMIP_MIP4_HA_KEEP || d.record_id) {
			CHECK(st.mn && m.mn_ha >= 0 &&
			      expect_auth(data, &m.ext[m.mn_ha], &st.mn->sa));
			CHECK(xmip_mip4_id_check(m.id, NOW, c->replay_window_s, st.has_last,
						 st.last_id) == XMIP_MIP4_ID_OK);
			CHECK(XMIP_MIP4_CODE_OK(d.code));
		}
		if (d.reply) {
			n = xmip_mip4_ha_build_reply(c, &r, &st, &d, out, sizeof(out));
			CHECK(n > 0 && xmip_mip4_reg_parse(out, (size_t)n, &m2) == XMIP_MIP4_E_OK);
			CHECK(m2.mn_ha >= 0 && xmip_mip4_auth_ok(out, &m2.ext[m2.mn_ha], &st.mn->sa));
			CHECK((uint32_t)m2.id == (uint32_t)m.id);
		}
	}
}

static void foreign_agent(const uint8_t *data, size_t size)
{
	const struct xmip_mip4_conf *c = &fa_conf.mip4;
	static const uint8_t own[1][4] = { { 10, 2, 0, 1 } };
	static uint8_t out[XMIP_MIP4_MAX_MSG + 64];
	struct xmip_mip4_fa_req r = { .msg = data, .len = size, .ttl = data[0] };
	struct xmip_mip4_fa_verdict v;
	struct xmip_mip4_reg m;
	int n;

	r.perr = xmip_mip4_reg_parse(data, size, &m);
	r.m = &m;
	xmip_mip4_fa_check_request(c, own, 1, &r, &v);
	if (v.action == XMIP_MIP4_FA_RELAY) {
		CHECK(r.perr == XMIP_MIP4_E_OK && m.mn_ha >= 0);
		if (v.mnfa)
			CHECK(m.n_mn_fa == 1 && expect_auth(data, &m.ext[m.mn_fa], &v.mnfa->sa));
		n = xmip_mip4_fa_build_relay(c, data, &m, out, sizeof(out));
		CHECK(n > 0 && memcmp(out, data, m.ext[m.mn_ha].off + 2u + m.ext[m.mn_ha].len) == 0);
	} else if (v.action == XMIP_MIP4_FA_DENY && r.perr != XMIP_MIP4_E_SHORT) {
		n = xmip_mip4_fa_build_denial(data, &m, v.code, v.lifetime, v.mnfa, out, sizeof(out));
		CHECK(n > 0);
	}
	if (r.perr == XMIP_MIP4_E_OK && m.type == XMIP_MIP4_REG_REPLY) {
		struct xmip_mip4_fa_pending_view p = { .had_nai = size & 1, .id_low = (uint32_t)m.id };
		struct xmip_mip4_fa_reply_verdict rv;
		const struct xmip_mip4_peer_conf *ha = xmip_mip4_find_peer(c, m.ha);

		xmip_mip4_fa_check_reply(c, data, &m, &p, &rv);
		if (rv.action == XMIP_MIP4_FA_RELAY && ha && m.lifetime)
			CHECK(m.n_fa_ha == 1 && expect_auth(data, &m.ext[m.fa_ha], &ha->sa));
	}
}

static void mobile_node(const uint8_t *data, size_t size)
{
	const struct xmip_mip4_conf *c = &mn_conf.mip4;
	struct xmip_mip4_mn_pending p = { .lifetime = 300 };
	struct xmip_mip4_mn_reply r;
	struct xmip_mip4_reg m;

	if (xmip_mip4_reg_parse(data, size, &m) != XMIP_MIP4_E_OK || m.type != XMIP_MIP4_REG_REPLY)
		return;
	p.id = m.id;
	xmip_mip4_mn_check_reply(c, data, &m, &p, NOW, &r);
	if (r.result != XMIP_MIP4_MN_R_DROP && XMIP_MIP4_CODE_FROM_HA(m.code))
		CHECK(m.n_mn_ha == 1 && expect_auth(data, &m.ext[m.mn_ha], &c->sa));
	if (r.result == XMIP_MIP4_MN_R_ACCEPTED)
		CHECK(r.lifetime <= p.lifetime);
}

static void discovery(const uint8_t *data, size_t size)
{
	static uint8_t out[XMIP_MIP4_MAX_MSG + 64];
	struct xmip_mip4_adv a, b;
	int n;

	(void)xmip_mip4_sol_parse(data, size);
	if (xmip_mip4_adv_parse(data, size, &a) != XMIP_MIP4_E_OK)
		return;
	if (a.n_rtr > XMIP_MIP4_ADV_MAX_RTR || data[4] > XMIP_MIP4_ADV_MAX_RTR)
		return;
	n = xmip_mip4_adv_build(out, sizeof(out), &a);
	CHECK(n > 0);
	CHECK(xmip_mip4_adv_parse(out, (size_t)n, &b) == XMIP_MIP4_E_OK);
	CHECK(b.seq == a.seq && b.flags == a.flags && b.n_coa == a.n_coa &&
	      b.reg_lifetime == a.reg_lifetime && b.lifetime == a.lifetime && b.n_rtr == a.n_rtr &&
	      !memcmp(b.coa, a.coa, (size_t)a.n_coa * 4));
}

static void frames(const uint8_t *data, size_t size)
{
	struct xmip_mip4_ip ip;
	struct xmip_arp arp;

	if (xmip_mip4_frame_ip(data, size, true, &ip) == 0) {
		CHECK(ip.pl_off <= size && ip.pl_len <= size - ip.pl_off);
		if (ip.proto == 17)
			registration(data + ip.pl_off, ip.pl_len);
	}
	(void)xmip_arp_parse(data, size, &arp);
}

/* RFC 3519 §4.9: a packet the node may take for the HA's echo reply; its sequence must be
 * the one in the bytes, and a keepalive built from it must parse back only as a request. */
static void keepalive(const uint8_t *data, size_t size)
{
	static const uint8_t hoa[4] = { 10, 1, 0, 20 }, ha[4] = { 10, 1, 0, 2 };
	uint8_t ka[XMIP_MIP4_KEEPALIVE_LEN];
	uint16_t seq = 0, id;

	if (size < 2)
		return;
	id = (uint16_t)(data[0] << 8 | data[1]);
	if (xmip_mip4_keepalive_reply(data, size, hoa, ha, id, &seq)) {
		size_t ihl = (size_t)(data[0] & 0x0f) * 4;

		CHECK(size >= ihl + 8 && seq == (uint16_t)(data[ihl + 6] << 8 | data[ihl + 7]));
	}
	CHECK(xmip_mip4_keepalive_build(ka, sizeof(ka), hoa, ha, id, seq) == XMIP_MIP4_KEEPALIVE_LEN);
	CHECK(!xmip_mip4_keepalive_reply(ka + 4, sizeof(ka) - 4, hoa, ha, id, &seq));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (size == 0 || size > 4096)
		return 0;
	/* An exact-size copy, so that ASan sees any read past len. */
	copy = malloc(size);
	memcpy(copy, data, size);
	registration(copy, size);
	foreign_agent(copy, size);
	mobile_node(copy, size);
	discovery(copy, size);
	frames(copy, size);
	keepalive(copy, size);
	free(copy);
	return 0;
}
