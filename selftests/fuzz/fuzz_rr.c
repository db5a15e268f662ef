// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for route optimisation's parsers and the
 * correspondent's decisions on untrusted packets: the input is a whole
 * IPv6 packet as the datapath hands it to the agent (xmip_signal record,
 * from the IPv6 header on). ASan and UBSan catch reads past len; the
 * harness asserts properties:
 *  - an RR message that parses (HoTI, CoTI, HoT, CoT, BRR) is rebuilt
 *    octet for octet from its fields (checksum and reserved octets aside);
 *  - BU/BA options: Binding Authorization Data said to be last ends the
 *    message exactly, and its authenticator lies inside it;
 *  - a BU is only ever accepted (cached or deleted) when its authenticator
 *    verifies with the Kbm of the nonces its indices name, and the BA we
 *    build for any decision parses back, its checksum and authenticator
 *    right;
 *  - a HoT/CoT we answer parses back and echoes the cookie, to the source;
 *  - a Home Address report names the wire source of the packet.
 * Seeds (selftests/fuzz/rr/) are the unit vectors, written by
 * selftests/unit/gen_rr_vectors.py --seeds: their BUs verify, so the
 * accepting paths are covered from the start.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cn_policy.h"
#include "mip6/mh.h"
#include "mip6/mh_rr.h"
#include "rr_crypto.h"
#include "rr_nonce.h"
#include "rr_vectors.h"

#define NS  1000000000ull
#define T0  (1000 * NS)
#define IVL (30 * NS)

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct script {
	uint8_t buf[2 + 2 * (8 + 20)];
	size_t pos;
};

static int scripted(void *out, size_t len, void *arg)
{
	struct script *s = arg;

	if (s->pos + len > sizeof(s->buf))
		return -1;
	memcpy(out, s->buf + s->pos, len);
	s->pos += len;
	return 0;
}

/* The nonce table of the vectors: index RRV_NONCE_INDEX at T0, the next at T0 + IVL. */
static void vector_nonces(struct xmip_rr_nonces *t, struct script *s)
{
	uint16_t idx = RRV_NONCE_INDEX;

	memset(s, 0, sizeof(*s));
	memcpy(s->buf, &idx, 2);
	memcpy(s->buf + 2, rrv_nonce, 8);
	memcpy(s->buf + 10, rrv_kcn, 20);
	memcpy(s->buf + 30, rrv_nonce2, 8);
	memcpy(s->buf + 38, rrv_kcn2, 20);
	CHECK(xmip_rr_nonces_init(t, IVL, 240 * NS, scripted, s) == 0);
	CHECK(xmip_rr_nonce_current(t, T0));
	CHECK(xmip_rr_nonce_current(t, T0 + IVL));
}

static void check_rr_roundtrip(const struct xmip_pkt *p, const struct xmip_rr_msg *m)
{
	uint8_t mh[32], want[32];
	int n = -1;

	if (p->mh_len > sizeof(want))
		return;
	switch (m->type) {
	case XMIP_MH_HOTI:
	case XMIP_MH_COTI:
		n = xmip_rr_build_init(mh, sizeof(mh), m->type, m->cookie);
		break;
	case XMIP_MH_HOT:
	case XMIP_MH_COT:
		n = xmip_rr_build_test(mh, sizeof(mh), m->type, m->nonce_index, m->cookie, m->token);
		break;
	case XMIP_MH_BRR:
		n = xmip_rr_build_brr(mh, sizeof(mh));
		break;
	}
	CHECK(n > 0);
	if ((size_t)n != p->mh_len)
		return;   /* options or padding: not ours to rebuild */
	memcpy(want, p->mh, p->mh_len);
	want[3] = 0;                       /* Reserved */
	want[4] = want[5] = 0;             /* checksum */
	if (m->type == XMIP_MH_HOTI || m->type == XMIP_MH_COTI || m->type == XMIP_MH_BRR)
		want[6] = want[7] = 0;     /* Reserved */
	CHECK(memcmp(mh, want, (size_t)n) == 0);
}

static void check_ba(const struct xmip_cn_decision *d, const struct in6_addr *self)
{
	uint8_t out[256];
	struct xmip_rr_opts o;
	struct xmip_pkt bp;
	int n;

	n = xmip_cn_build_ba(d, self, out, sizeof(out));
	CHECK(n > 0);
	CHECK(xmip_pkt_parse(out, (size_t)n, &bp) == XMIP_PARSE_OK);
	CHECK(bp.msg.type == XMIP_MH_BA && bp.msg.ba_status == d->status);
	CHECK(bp.msg.seq == d->ba_seq);
	CHECK(bp.has_rh2 == d->ba_rh2);
	CHECK(xmip_rr_opts_parse(bp.mh, bp.mh_len, &o) == XMIP_PARSE_OK);
	CHECK(o.has_auth_data == d->ba_auth);
	if (d->ba_auth)
		CHECK(xmip_rr_auth_verify(d->kbm, &d->auth_coa, self, bp.mh, bp.mh_len, o.auth_off));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xmip_rr_nonces t;
	static struct script s;
	static int ready;
	struct in6_addr self, src, hao;
	struct xmip_cn_decision d;
	struct xmip_cn_state st;
	struct xmip_rr_opts o;
	struct xmip_rr_msg m;
	enum xmip_parse_err e;
	struct xmip_pkt p;
	uint8_t out[256];
	int n;

	if (!ready) {
		vector_nonces(&t, &s);
		ready = 1;
	}
	inet_pton(AF_INET6, RRV_CN, &self);

	if (xmip_cn_hao_report(data, size, &src, &hao))
		CHECK(size >= 40 && memcmp(&src, data + 8, 16) == 0);

	e = xmip_pkt_parse(data, size, &p);
	if (e == XMIP_PARSE_UNKNOWN_MH_TYPE || (e == XMIP_PARSE_OK && p.msg.type == XMIP_MH_BRR)) {
		if (xmip_rr_parse(p.mh, p.mh_len, &m) != XMIP_PARSE_OK)
			return 0;
		check_rr_roundtrip(&p, &m);
		n = xmip_cn_answer_init(&p, &m, &t, &self, T0 + IVL, out, sizeof(out));
		CHECK(n >= 0);
		if (n > 0) {
			struct xmip_rr_msg am;
			struct xmip_pkt ap;

			CHECK(m.type == XMIP_MH_HOTI || m.type == XMIP_MH_COTI);
			CHECK(xmip_pkt_parse(out, (size_t)n, &ap) == XMIP_PARSE_UNKNOWN_MH_TYPE);
			CHECK(xmip_rr_parse(ap.mh, ap.mh_len, &am) == XMIP_PARSE_OK);
			CHECK(am.type == (m.type == XMIP_MH_HOTI ? XMIP_MH_HOT : XMIP_MH_COT));
			CHECK(memcmp(am.cookie, m.cookie, 8) == 0);
			/* Only ever to the address the init came from (§5.2.5). */
			CHECK(memcmp(&ap.dst, &p.src, 16) == 0 && !ap.has_rh2);
		}
		return 0;
	}
	if (e != XMIP_PARSE_OK || (p.msg.type != XMIP_MH_BU && p.msg.type != XMIP_MH_BA))
		return 0;
	if (xmip_rr_opts_parse(p.mh, p.mh_len, &o) == XMIP_PARSE_OK && o.has_auth_data) {
		CHECK(o.auth_off >= 14 && o.auth_off + o.auth_data_len <= p.mh_len);
		if (o.auth_data_last)
			CHECK(o.auth_off + o.auth_data_len == p.mh_len);
	}
	if (p.msg.type != XMIP_MH_BU)
		return 0;
	/* The decision with no state, then with a binding of sequence number 7. */
	for (int i = 0; i < 2; i++) {
		struct xmip_cn_params prm = { .self = self, .max_lifetime_s = 420 };

		memset(&st, 0, sizeof(st));
		if (i) {
			st.has_binding = true;
			st.binding.seq = 7;
			st.binding.encap = XMIP_ENCAP_RH2;
		}
		xmip_cn_decide_bu(&p, &t, &st, &prm, T0 + IVL + NS, &d);
		if (d.action == XMIP_CN_CACHE || d.action == XMIP_CN_DELETE) {
			struct xmip_rr_opts bo;

			CHECK(xmip_rr_opts_parse(p.mh, p.mh_len, &bo) == XMIP_PARSE_OK);
			CHECK(bo.has_nonce_idx && bo.auth_data_last);
			CHECK(xmip_rr_auth_verify(d.kbm, &d.auth_coa, &self, p.mh, p.mh_len,
						  bo.auth_off));
			CHECK(!(p.msg.bu_flags & XMIP_BU_F_H));
			if (d.action == XMIP_CN_CACHE)
				CHECK(d.binding.lifetime_s <= 420 && d.binding.encap == XMIP_ENCAP_RH2);
		}
		if (d.action == XMIP_CN_DISCARD)
			CHECK(!d.send_ba);
		if (d.send_ba)
			check_ba(&d, &self);
	}
	return 0;
}
