// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The MN's registration state: the BU it builds (checked by our parser and
 * by the HA policy), retransmission back-off, refresh time, and its
 * reaction to each BA, including resynchronisation after 135 (sequence)
 * and 144/145 (clock), run end to end against xmip_ha_decide().
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
#include "mn_policy.h"

#define NS 1000000000ULL
#define NOW_BOOT_NS (1000ULL * NS)

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct xmip_conf mn_conf, ha_conf;
static struct xmip_mn_entry ha_mns[1];
static uint64_t t_ha;           /* HA's CLOCK_REALTIME, ns */

/* The HA's maps, as the runtime would keep them. */
static bool have_binding, have_replay;
static struct xmip_binding binding;
static struct xmip_replay_state replay;

static int setup(void **state)
{
	(void)state;
	memset(&mn_conf, 0, sizeof(mn_conf));
	mn_conf.role = XMIP_ROLE_MN;
	mn_conf.home_agent = A(V_HA);
	mn_conf.home_prefix = A("2001:db8:1::");
	mn_conf.home_plen = 64;
	mn_conf.lifetime_s = 60;
	strcpy(mn_conf.self.nai, V_NAI);
	mn_conf.self.hoa = A(V_HOA);
	mn_conf.self.spi = V_SPI;
	memcpy(mn_conf.self.key, v_key, sizeof(v_key));
	mn_conf.self.key_len = sizeof(v_key);

	memset(&ha_conf, 0, sizeof(ha_conf));
	ha_conf.role = XMIP_ROLE_HA;
	ha_conf.address = A(V_HA);
	ha_conf.home_prefix = mn_conf.home_prefix;
	ha_conf.home_plen = 64;
	ha_conf.max_lifetime_s = 600;
	ha_conf.mesg_id_window_s = 7;
	ha_mns[0] = mn_conf.self;
	ha_conf.mns = ha_mns;
	ha_conf.n_mns = 1;

	t_ha = (uint64_t)xmip_ntp_to_unix_ns(V_MESG_ID);
	have_binding = have_replay = false;
	return 0;
}

/* Hand one BU packet to the HA policy, apply its state changes, return
 * the BA packet (length in *ba_len, 0 if none). */
static struct xmip_ha_decision ha_handle(const uint8_t *bu, size_t len, uint8_t *ba,
					 int *ba_len)
{
	struct xmip_ha_decision d;
	struct xmip_pkt p;

	assert_int_equal(xmip_pkt_parse(bu, len, &p), XMIP_PARSE_OK);
	xmip_ha_decide(&ha_conf, &p, XMIP_PARSE_OK, 2, have_binding ? &binding : NULL,
		       have_replay ? &replay : NULL, t_ha, NOW_BOOT_NS, &d);
	if (d.binding_op == XMIP_HA_BINDING_WRITE) {
		binding = d.binding;
		have_binding = true;
	} else if (d.binding_op == XMIP_HA_BINDING_DELETE) {
		have_binding = false;
	}
	if (d.replay_write) {
		replay = d.replay;
		have_replay = true;
	}
	*ba_len = d.send_ba ? xmip_ha_build_ba(&d, ba, 512) : 0;
	return d;
}

static enum xmip_mn_verdict mn_handle(struct xmip_mn_state *st, const uint8_t *ba, int len,
				      uint64_t t_mn, struct xmip_mn_ba_result *res)
{
	struct xmip_pkt p;

	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(ba, (size_t)len, &p), XMIP_PARSE_OK);
	return xmip_mn_handle_ba(st, &mn_conf, &p, t_mn, res);
}

static void test_bu_contents(void **state)
{
	struct xmip_mn_state st;
	struct in6_addr coa = A(V_COA), hoa = A(V_HOA), ha = A(V_HA);
	struct xmip_pkt p;
	uint8_t buf[512];
	int len;

	(void)state;
	xmip_mn_init(&st, 41);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(buf, (size_t)len, &p), XMIP_PARSE_OK);
	assert_true(memcmp(&p.src, &coa, 16) == 0);
	assert_true(memcmp(&p.dst, &ha, 16) == 0);
	assert_true(p.has_hao);
	assert_true(memcmp(&p.hao, &hoa, 16) == 0);
	assert_int_equal(p.msg.type, XMIP_MH_BU);
	assert_int_equal(p.msg.seq, 42);
	assert_int_equal(p.msg.bu_flags, XMIP_BU_F_A | XMIP_BU_F_H);
	assert_int_equal(p.msg.lifetime_units, 15);
	assert_string_equal(p.msg.opts.nai, V_NAI);
	assert_true(p.msg.opts.mesg_id == xmip_ntp_from_unix_ns(t_ha));
	assert_true(p.msg.opts.auth_is_last);
	assert_true(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa, p.mh, p.mh_len,
				     p.msg.opts.auth_opt_off));
	assert_true(st.pending);
	assert_int_equal(st.seq, 42);
	/* Same fields as the Scapy vector → the same bytes. */
	xmip_mn_init(&st, V_SEQ - 1);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false,
			       (uint64_t)xmip_ntp_to_unix_ns(V_MESG_ID), buf, sizeof(buf));
	assert_int_equal(len, sizeof(scapy_bu));
	assert_memory_equal(buf, scapy_bu, sizeof(scapy_bu));
}

static void test_backoff_and_new_numbers(void **state)
{
	/* No binding at the HA yet: RFC 6275 §11.8 InitialBindackTimeoutFirstReg
	 * (1.5 s, §13) first, then doubling up to MAX_BINDACK_TIMEOUT. */
	static const uint32_t want[] = { 1500, 3000, 6000, 12000, 24000, 32000, 32000, 32000 };
	struct xmip_mn_state st;
	struct in6_addr coa = A(V_COA);
	uint64_t last_mesg = 0;
	uint8_t buf[512];
	struct xmip_pkt p;

	(void)state;
	xmip_mn_init(&st, 65534);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		/* clock frozen: Mesg-ID must still increase */
		int len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, i > 0, t_ha, buf,
					   sizeof(buf));

		assert_true(len > 0);
		assert_int_equal(st.retrans_ms, want[i]);
		assert_int_equal(xmip_pkt_parse(buf, (size_t)len, &p), XMIP_PARSE_OK);
		assert_int_equal(p.msg.seq, (uint16_t)(65535 + i));   /* wraps through 0 */
		assert_true(p.msg.opts.mesg_id > last_mesg);
		last_mesg = p.msg.opts.mesg_id;
	}
	/* A new registration (a move) restarts the back-off. */
	assert_true(xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, buf, sizeof(buf)) > 0);
	assert_int_equal(st.retrans_ms, 1500);
	/* With a binding at the HA (a move, a refresh, going home):
	 * INITIAL_BINDACK_TIMEOUT, 1 s. */
	st.registered = true;
	assert_true(xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, buf, sizeof(buf)) > 0);
	assert_int_equal(st.retrans_ms, 1000);
	assert_true(xmip_mn_build_bu(&st, &mn_conf, &coa, false, true, t_ha, buf, sizeof(buf)) > 0);
	assert_int_equal(st.retrans_ms, 2000);
	assert_true(xmip_mn_build_bu(&st, &mn_conf, &mn_conf.self.hoa, true, false, t_ha, buf,
				     sizeof(buf)) > 0);
	assert_int_equal(st.retrans_ms, 1000);
	/* Too small a buffer: -1 and no state change. */
	{
		uint16_t seq = st.seq;

		assert_int_equal(xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, buf, 60), -1);
		assert_int_equal(st.seq, seq);
	}
}

static void test_refresh_time(void **state)
{
	(void)state;
	assert_int_equal(xmip_mn_refresh_after_s(60, 0), 48);
	assert_int_equal(xmip_mn_refresh_after_s(600, 0), 480);
	assert_int_equal(xmip_mn_refresh_after_s(60, 5), 20);    /* advice 20 s sooner */
	assert_int_equal(xmip_mn_refresh_after_s(60, 100), 48);  /* advice later: ignored */
	assert_int_equal(xmip_mn_refresh_after_s(1, 0), 1);
	assert_int_equal(xmip_mn_refresh_after_s(0, 0), 0);
}

static void test_register_end_to_end(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	int len, ba_len;

	(void)state;
	xmip_mn_init(&st, 7);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_true(have_binding);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_ACCEPTED);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.granted_s, 60);
	assert_int_equal(res.refresh_after_s, 48);
	assert_false(st.pending);
	assert_true(st.registered);
	assert_true(memcmp(&st.reg_coa, &coa, 16) == 0);
	/* The same BA again: nothing pending any more. */
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_IGNORE);

	/* Refresh 48 s later, then deregister from home. */
	t_ha += 48 * NS;
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_ACCEPTED);
	t_ha += NS;
	len = xmip_mn_build_bu(&st, &mn_conf, &mn_conf.self.hoa, false, false, t_ha, bu,
			       sizeof(bu));
	ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_false(have_binding);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_DEREGISTERED);
	assert_false(st.registered);
}

static void test_135_resync_seq(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct xmip_ha_decision d;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	int len, ba_len;

	(void)state;
	/* The HA accepted seq 5000 from us before we lost our state (an agent
	 * restart while away): the binding is still there, so the number
	 * counts (RFC 6275 §9.5.1). */
	replay = (struct xmip_replay_state){ .last_seq = 5000, .seq_valid = 1,
					     .last_mesg_id = xmip_ntp_from_unix_ns(t_ha - 100 * NS) };
	have_replay = true;
	binding = (struct xmip_binding){ .seq = 5000, .lifetime_s = 60,
					 .expires_ns = NOW_BOOT_NS + 30 * NS };
	memcpy(binding.coa, &coa, 16);
	have_binding = true;
	xmip_mn_init(&st, 5000 + 40000);        /* behind, modulo 2^16 */
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	d = ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_RESEND);
	assert_int_equal(st.seq, 5000);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	d = ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(d.ba.seq, 5001);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_ACCEPTED);
}

static void test_144_resync_clock(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct xmip_ha_decision d;
	struct in6_addr coa = A(V_COA);
	uint64_t t_mn = t_ha + 100 * NS;        /* our clock is 100 s fast */
	uint8_t bu[512], ba[512];
	int len, ba_len;

	(void)state;
	xmip_mn_init(&st, 1);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_mn, bu, sizeof(bu));
	d = ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, XMIP_BA_MIPV6_ID_MISMATCH);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_mn, &res), XMIP_MN_BA_RESEND);
	assert_true(st.clock_offset_ns < -99 * (int64_t)NS && st.clock_offset_ns > -101 * (int64_t)NS);
	/* Half a second later, the fresh BU lands in the HA's window. */
	t_mn += NS / 2;
	t_ha += NS / 2;
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_mn, bu, sizeof(bu));
	d = ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_mn, &res), XMIP_MN_BA_ACCEPTED);
}

/* A BA built by hand "from the HA", authenticated with the MN's key. */
static int ha_ba(uint8_t *buf, uint8_t status, uint16_t seq, bool mesg, uint64_t mesg_id,
		 const uint8_t *key, size_t key_len)
{
	struct in6_addr ha = A(V_HA), coa = A(V_COA), hoa = A(V_HOA);
	struct xmip_ba_fields f = { .status = status, .seq = seq, .lifetime_units = 15,
				    .has_mesg_id = mesg, .mesg_id = mesg_id,
				    .has_auth = true, .spi = V_SPI };
	struct xmip_mn_ha_sa sa = { .spi = V_SPI, .key = key, .key_len = key_len };

	return xmip_pkt_build_ba(buf, 512, &ha, &coa, &hoa, &f, &sa);
}

static void test_145_resync_clock(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	int len;

	(void)state;
	xmip_mn_init(&st, 1);
	xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	/* HA is 30 s ahead of us. */
	len = ha_ba(ba, XMIP_BA_MIPV6_MESG_ID_REQD, st.seq, true,
		    xmip_ntp_from_unix_ns(t_ha + 30 * NS), v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_RESEND);
	assert_true(st.clock_offset_ns > 29 * (int64_t)NS && st.clock_offset_ns <= 30 * (int64_t)NS);
	assert_true(xmip_mn_mesg_id_now(&st, t_ha) >= xmip_ntp_from_unix_ns(t_ha + 29 * NS));
}

/*
 * RFC 4285 §6: a 144 carries the BU's low 32 bits under the HA's seconds.
 * One with other low bits answers another BU (an old signed 144 replayed
 * at us): ignored, our clock untouched.
 */
static void test_144_must_carry_our_low_bits(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	uint64_t ha_time;
	int len;

	(void)state;
	xmip_mn_init(&st, 1);
	xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	ha_time = xmip_ntp_from_unix_ns(t_ha + 30 * NS);
	len = ha_ba(ba, XMIP_BA_MIPV6_ID_MISMATCH, st.seq, true,
		    (ha_time & ~0xffffffffULL) | ((st.last_mesg_id + 1) & 0xffffffffULL),
		    v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_IGNORE);
	assert_true(st.clock_offset_ns == 0);
	len = ha_ba(ba, XMIP_BA_MIPV6_ID_MISMATCH, st.seq, true,
		    (ha_time & ~0xffffffffULL) | (st.last_mesg_id & 0xffffffffULL),
		    v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_RESEND);
	assert_true(st.clock_offset_ns > 28 * (int64_t)NS && st.clock_offset_ns < 31 * (int64_t)NS);
}

/* link-local-compat = yes: every BU carries L (RFC 6275 §11.7.1). */
static void test_l_flag(void **state)
{
	struct xmip_mn_state st;
	struct in6_addr coa = A(V_COA);
	struct xmip_pkt p;
	uint8_t bu[512];
	int len;

	(void)state;
	xmip_mn_init(&st, 1);
	mn_conf.link_local_compat = true;
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_int_equal(p.msg.bu_flags, XMIP_BU_F_A | XMIP_BU_F_H | XMIP_BU_F_L);
	mn_conf.link_local_compat = false;
}

static void test_ba_checks(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	struct xmip_pkt p;
	int len;

	(void)state;
	xmip_mn_init(&st, 99);
	xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));

	/* Wrong key: ignored, still pending. */
	len = ha_ba(ba, 0, st.seq, true, st.last_mesg_id, v_key, sizeof(v_key) - 1);
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_IGNORE);
	assert_true(st.pending);
	/* Stale seq: ignored. */
	len = ha_ba(ba, 0, (uint16_t)(st.seq - 1), true, st.last_mesg_id, v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_IGNORE);
	/* 135 that does not echo our Mesg-ID: ignored, seq unchanged. */
	len = ha_ba(ba, XMIP_BA_SEQ_OUT_OF_WINDOW, 7, true, st.last_mesg_id + 1, v_key,
		    sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_IGNORE);
	assert_int_equal(st.seq, 100);
	/* From someone other than our HA (valid auth, wrong source). */
	len = ha_ba(ba, 0, st.seq, true, st.last_mesg_id, v_key, sizeof(v_key));
	assert_int_equal(xmip_pkt_parse(ba, (size_t)len, &p), XMIP_PARSE_OK);
	p.src = A("2001:db8:1::3");
	assert_int_equal(xmip_mn_handle_ba(&st, &mn_conf, &p, t_ha, &res), XMIP_MN_BA_IGNORE);
	/* Unauthenticated BA: ignored. */
	{
		struct in6_addr ha = A(V_HA), hoa = A(V_HOA);
		struct xmip_ba_fields f = { .status = 0, .seq = st.seq, .lifetime_units = 15 };

		len = xmip_pkt_build_ba(ba, sizeof(ba), &ha, &coa, &hoa, &f, NULL);
		assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_IGNORE);
	}
	/* Authenticated rejection: give up. */
	len = ha_ba(ba, XMIP_BA_PROHIBITED, st.seq, true, st.last_mesg_id, v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_REJECTED);
	assert_int_equal(res.status, XMIP_BA_PROHIBITED);
	assert_false(st.pending);
}

static void test_ha_auth_fail_is_not_acted_on_blindly(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	struct xmip_ha_decision d;
	int len, ba_len;

	(void)state;
	/* The HA has another key for us: it answers 146, signed with its key,
	 * which we cannot verify, so we keep retrying (no silent success). */
	ha_mns[0].key[0] ^= 0xff;
	xmip_mn_init(&st, 1);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	d = ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, XMIP_BA_MIPV6_AUTH_FAIL);
	assert_false(have_binding);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_IGNORE);
	assert_true(st.pending);
}

/*
 * An attacker who sees our BU (seq in clear) forges one with our NAI, HoA,
 * CoA and seq and a made-up authenticator. The HA answers 146, signed with
 * our key because it knows who we claim to be. That BA has our seq and a
 * valid authenticator, but it is not an answer to our BU: it must not
 * make us give up the registration. Nor may an old, genuine BA accepted
 * for an earlier BU with the same seq (wrap, restart) be taken for ours.
 */
static void test_ba_must_echo_our_mesg_id(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct xmip_ha_decision d;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], forged[512], ba[512];
	struct xmip_pkt p;
	int len, bu_len, ba_len;

	(void)state;
	xmip_mn_init(&st, 41);
	len = bu_len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	assert_true(len > 0);
	memcpy(forged, bu, (size_t)len);
	assert_int_equal(xmip_pkt_parse(forged, (size_t)len, &p), XMIP_PARSE_OK);
	forged[p.mh_off + p.msg.opts.auth_opt_off + 2 + 5] ^= 0x5a;  /* authenticator */
	forged[p.mh_off + 4] = forged[p.mh_off + 5] = 0;
	assert_int_equal(xmip_pkt_parse(forged, (size_t)len, &p), XMIP_PARSE_BAD_CSUM);
	{
		struct in6_addr hoa = A(V_HOA), ha = A(V_HA);

		xmip_mh_set_checksum(&hoa, &ha, forged + p.mh_off, p.mh_len);
	}
	d = ha_handle(forged, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, XMIP_BA_MIPV6_AUTH_FAIL);
	assert_int_equal(d.ba.seq, st.seq);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_IGNORE);
	assert_true(st.pending);

	/* A genuine BA 0 with our seq but an older Mesg-ID: a replay. */
	len = ha_ba(ba, 0, st.seq, true, st.last_mesg_id - 1, v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_IGNORE);
	len = ha_ba(ba, 0, st.seq, false, 0, v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_IGNORE);
	assert_true(st.pending);
	assert_false(st.registered);

	/* The real answer still registers us. */
	d = ha_handle(bu, (size_t)bu_len, ba, &ba_len);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_ACCEPTED);
}

/*
 * The HA accepted a Mesg-ID from our clock while it ran 6 s fast; our
 * clock has since been corrected (or we restarted). Every BU in the next
 * 6 s is answered 144 (not newer than the last accepted), and adopting
 * the HA's time does not help until its clock passes that Mesg-ID. The
 * MN must not answer each 144 with an immediate new BU: that is a BU/BA
 * storm at round-trip speed. One immediate resend, then the retransmission
 * timer with its back-off (RFC 6275 §11.8).
 */
static void test_resync_answers_do_not_storm(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct xmip_ha_decision d;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	unsigned int immediate = 0;
	int len, ba_len;

	(void)state;
	replay = (struct xmip_replay_state){ .last_seq = 10, .seq_valid = 1,
					     .last_mesg_id = xmip_ntp_from_unix_ns(t_ha + 6 * NS) };
	have_replay = true;
	xmip_mn_init(&st, 10);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	for (int round = 0; round < 20; round++) {
		d = ha_handle(bu, (size_t)len, ba, &ba_len);
		assert_int_equal(d.ba.status, XMIP_BA_MIPV6_ID_MISMATCH);
		if (mn_handle(&st, ba, ba_len, t_ha, &res) != XMIP_MN_BA_RESEND)
			break;
		immediate++;
		len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	}
	assert_int_equal(immediate, 1);
	assert_true(st.pending);
	/* The retransmission timer goes on with its back-off ... */
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, true, t_ha, bu, sizeof(bu));
	assert_int_equal(st.retrans_ms, 2 * XMIP_MN_INITIAL_BINDACK_FIRST_REG_MS);
	/* ... and once the HA's clock has passed the old Mesg-ID, it works. */
	t_ha += 7 * NS;
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, true, t_ha, bu, sizeof(bu));
	d = ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, 0);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_ACCEPTED);
	/* The next resynchronisation is immediate again. */
	replay.last_mesg_id = xmip_ntp_from_unix_ns(t_ha + 6 * NS);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
	ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_RESEND);
}

/* An MN that starts at home deregisters; the HA has no binding and says
 * 133 (RFC 6275 §10.3.2). For a deregistration that is the goal reached,
 * not a refusal. */
static void test_dereg_answered_133_means_deregistered(void **state)
{
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct xmip_ha_decision d;
	uint8_t bu[512], ba[512];
	int len, ba_len;

	(void)state;
	xmip_mn_init(&st, 300);
	len = xmip_mn_build_bu(&st, &mn_conf, &mn_conf.self.hoa, true, false, t_ha, bu, sizeof(bu));
	d = ha_handle(bu, (size_t)len, ba, &ba_len);
	assert_int_equal(d.ba.status, XMIP_BA_NOT_HA_FOR_MN);
	assert_int_equal(mn_handle(&st, ba, ba_len, t_ha, &res), XMIP_MN_BA_DEREGISTERED);
	assert_int_equal(res.status, XMIP_BA_NOT_HA_FOR_MN);
	assert_false(st.pending);
	assert_false(st.registered);
	/* A 133 to a registration is still a refusal. */
	{
		struct in6_addr coa = A(V_COA);

		len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, t_ha, bu, sizeof(bu));
		len = ha_ba(ba, XMIP_BA_NOT_HA_FOR_MN, st.seq, true, st.last_mesg_id, v_key,
			    sizeof(v_key));
		assert_int_equal(mn_handle(&st, ba, len, t_ha, &res), XMIP_MN_BA_REJECTED);
	}
}

/* After the NTP era wrap (2036) the MN still reads the HA's time right
 * from a 145 and keeps its Mesg-IDs increasing across the wrap. */
static void test_mesg_id_across_the_ntp_era_wrap(void **state)
{
	const uint64_t wrap_ns = (4294967296ULL - XMIP_NTP_UNIX_OFFSET) * NS;
	struct xmip_mn_state st;
	struct xmip_mn_ba_result res;
	struct in6_addr coa = A(V_COA);
	uint8_t bu[512], ba[512];
	struct xmip_pkt p;
	uint64_t before;
	int len;

	(void)state;
	xmip_mn_init(&st, 1);
	xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, wrap_ns - 40 * NS, bu, sizeof(bu));
	before = st.last_mesg_id;
	/* HA 30 s ahead of us, and past the wrap. */
	len = ha_ba(ba, XMIP_BA_MIPV6_MESG_ID_REQD, st.seq, true,
		    xmip_ntp_from_unix_ns(wrap_ns + 10 * NS), v_key, sizeof(v_key));
	assert_int_equal(mn_handle(&st, ba, len, wrap_ns - 20 * NS, &res), XMIP_MN_BA_RESEND);
	assert_true(st.clock_offset_ns == 30 * (int64_t)NS);
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, false, wrap_ns - 20 * NS, bu,
			       sizeof(bu));
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_true(p.msg.opts.mesg_id == xmip_ntp_from_unix_ns(wrap_ns + 10 * NS));
	assert_true(p.msg.opts.mesg_id < before);          /* numerically, it wrapped */
	/* With a frozen clock the next one is still one tick later. */
	len = xmip_mn_build_bu(&st, &mn_conf, &coa, false, true, wrap_ns - 20 * NS, bu, sizeof(bu));
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_true(p.msg.opts.mesg_id == xmip_ntp_from_unix_ns(wrap_ns + 10 * NS) + 1);
}

/* MAX_UPDATE_RATE (RFC 6275 §11.8, §12): 3 BUs in any one second. */
static void test_max_update_rate(void **state)
{
	struct xmip_mn_state st;
	uint64_t t = 5000 * NS;

	(void)state;
	xmip_mn_init(&st, 1);
	for (int i = 0; i < 3; i++) {
		assert_true(xmip_mn_update_allowed(&st, t + (uint64_t)i * 100000000ULL));
		xmip_mn_update_sent(&st, t + (uint64_t)i * 100000000ULL);
	}
	assert_false(xmip_mn_update_allowed(&st, t + 300000000ULL));
	assert_false(xmip_mn_update_allowed(&st, t + 999999999ULL));
	assert_true(xmip_mn_update_allowed(&st, t + NS));
	xmip_mn_update_sent(&st, t + NS);
	assert_false(xmip_mn_update_allowed(&st, t + NS + 50000000ULL));  /* 2 + 1 in 1 s */
	assert_true(xmip_mn_update_allowed(&st, t + NS + 100000000ULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bu_contents, setup),
		cmocka_unit_test_setup(test_backoff_and_new_numbers, setup),
		cmocka_unit_test_setup(test_refresh_time, setup),
		cmocka_unit_test_setup(test_register_end_to_end, setup),
		cmocka_unit_test_setup(test_135_resync_seq, setup),
		cmocka_unit_test_setup(test_144_resync_clock, setup),
		cmocka_unit_test_setup(test_145_resync_clock, setup),
		cmocka_unit_test_setup(test_144_must_carry_our_low_bits, setup),
		cmocka_unit_test_setup(test_l_flag, setup),
		cmocka_unit_test_setup(test_ba_checks, setup),
		cmocka_unit_test_setup(test_ha_auth_fail_is_not_acted_on_blindly, setup),
		cmocka_unit_test_setup(test_ba_must_echo_our_mesg_id, setup),
		cmocka_unit_test_setup(test_resync_answers_do_not_storm, setup),
		cmocka_unit_test_setup(test_dereg_answered_133_means_deregistered, setup),
		cmocka_unit_test_setup(test_mesg_id_across_the_ntp_era_wrap, setup),
		cmocka_unit_test_setup(test_max_update_rate, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
