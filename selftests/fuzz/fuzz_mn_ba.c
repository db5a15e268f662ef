// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mobile node's path for one signalling packet: xmip_pkt_parse, then
 * xmip_mn_handle_ba against a pending Binding Update (RFC 6275 §11.7.3,
 * RFC 4285).
 *
 * Input: mode octet (bit 0: re-seal, i.e. write the right authenticator
 * with the MN's key and the right checksum before parsing; bit 1: a BU is
 * pending; bit 2: it is a deregistration), our last sequence number as a
 * signed delta from the packet's (2 octets), our last Mesg-ID minus the
 * packet's in seconds (2); then the packet, from the IPv6 header on.
 *
 * Properties:
 *  - a BA is acted on (any verdict but IGNORE) only if it parses, is a BA,
 *    comes from our home agent, is addressed to our home address (RH2 or
 *    destination), a BU is pending, and its MN-HA authenticator verifies
 *    under our key (recomputed independently over CoA = IPv6 destination,
 *    HoA = final destination);
 *  - ACCEPTED or DEREGISTERED or REJECTED only for the sequence number of
 *    our pending BU and with our Mesg-ID echoed; ACCEPTED only with a
 *    status below 128, and then the lifetime granted is the BA's, the
 *    refresh comes no later than that lifetime, and nothing is pending;
 *  - IGNORE changes nothing in our state;
 *  - a resynchronisation after 144/145 adopts a clock offset the HA's
 *    Mesg-ID gave, after 135 the HA's sequence number.
 */
#include "fuzz_common.h"

#include "config.h"
#include "mh.h"
#include "mn_policy.h"

static const char conf_text[] =
	"role = mn\n"
	"instance = fuzz\n"
	"interface = eth0\n"
	"home-prefix = 2001:db8:1::/64\n"
	"home-address = 2001:db8:1::100\n"
	"home-agent = 2001:db8:1::2\n"
	"nai = mn1@example.org\n"
	"spi = 256\n"
	"key = 0123456789abcdef0123456789abcdef\n";

static struct xmip_conf conf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (xmip_conf_parse("fuzz.conf", conf_text, sizeof(conf_text) - 1, &conf, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	return 0;
}

/* Re-seal a BA: the RH2 (or the destination) is the home address. */
static void reseal(uint8_t *b, size_t len)
{
	struct in6_addr coa, hoa, src;
	struct fuzz_opt opts[64];
	size_t off = 40, mh_len;
	int n;

	if (len < 48)
		return;
	memcpy(&src, b + 8, 16);
	memcpy(&coa, b + 24, 16);
	hoa = coa;
	if (b[6] == 43) {
		if (len < 40 + 24 + 8 || b[41] != 2)
			return;
		memcpy(&hoa, b + 48, 16);
		off = 64;
	} else if (b[6] != 135) {
		return;
	}
	mh_len = ((size_t)b[off + 1] + 1) * 8;
	if (mh_len > len - off || b[off + 2] != XMIP_MH_BA)
		return;
	n = fuzz_walk_options(b + off, 12, mh_len, opts, 64);
	for (int i = 0; i < n; i++)
		if (opts[i].type == 9 && opts[i].len == 17 && b[off + opts[i].off + 2] == 1)
			fuzz_ref_auth_fill(conf.self.key, conf.self.key_len, &coa, &hoa, b + off,
					   opts[i].off);
	fuzz_ref_csum_fill(&src, &hoa, b + off, mh_len);
}

/* pkt: the packet part of the input, copied to a buffer of exactly its size
 * (ASan sees any read past it) that re-sealing may rewrite. */
static int one_input(const uint8_t *data, size_t size, uint8_t *pkt)
{
	struct fuzz_in in = { data, size };
	struct xmip_mn_state st, before;
	struct xmip_mn_ba_result res;
	enum xmip_mn_verdict v;
	struct xmip_pkt p;
	uint8_t mode = (uint8_t)fuzz_take(&in, 1);
	int16_t seq_d = (int16_t)fuzz_take(&in, 2);
	int16_t mid_d = (int16_t)fuzz_take(&in, 2);
	uint64_t now_rt = 1732665699ull * 1000000000ull;
	size_t len = in.left;
	const struct xmip_mh_opts *o = &p.msg.opts;

	if (mode & 1)
		reseal(pkt, len);
	if (xmip_pkt_parse(pkt, len, &p) != XMIP_PARSE_OK)
		return 0;

	xmip_mn_init(&st, (uint16_t)(p.msg.seq + seq_d));
	st.pending = (mode & 2) != 0;
	st.pending_dereg = (mode & 4) != 0;
	st.last_mesg_id = o->mesg_id + ((uint64_t)(int64_t)mid_d << 32);
	st.retrans_ms = 1000;
	memcpy(&st.pending_coa, &p.dst, 16);
	before = st;

	v = xmip_mn_handle_ba(&st, &conf, &p, now_rt, &res);
	if (getenv("FUZZ_VERBOSE"))   /* what each input reached, when replaying seeds */
		fprintf(stderr, "verdict %d: %s\n", v, res.reason);
	if (v == XMIP_MN_BA_IGNORE) {
		FUZZ_CHECK(!memcmp(&st, &before, sizeof(st)), "an ignored BA changed our state");
		return 0;
	}
	FUZZ_CHECK(p.msg.type == XMIP_MH_BA && before.pending);
	FUZZ_CHECK(!memcmp(&p.src, &conf.home_agent, 16), "BA from another node acted on");
	FUZZ_CHECK(!memcmp(&p.mh_dst, &conf.self.hoa, 16), "BA for another home address");
	FUZZ_CHECK(o->has_auth && o->auth_spi == conf.self.spi &&
		   fuzz_ref_auth_ok(conf.self.key, conf.self.key_len, &p.dst, &p.mh_dst, p.mh,
				    p.mh_len, o->auth_opt_off),
		   "acted on a BA whose authenticator does not match");
	switch (v) {
	case XMIP_MN_BA_RESEND:
	case XMIP_MN_BA_RESYNC_WAIT:
		FUZZ_CHECK(p.msg.ba_status == 135 || p.msg.ba_status == 144 || p.msg.ba_status == 145);
		FUZZ_CHECK(o->has_mesg_id);
		if (p.msg.ba_status == 135)
			FUZZ_CHECK(st.seq == p.msg.seq && o->mesg_id == before.last_mesg_id);
		else
			FUZZ_CHECK(p.msg.seq == before.seq && st.last_mesg_id == 0 &&
				   st.clock_offset_ns == xmip_ntp_to_unix_ns(o->mesg_id) - (int64_t)now_rt);
		FUZZ_CHECK(st.pending, "a resynchronisation ended the registration");
		break;
	case XMIP_MN_BA_ACCEPTED:
		FUZZ_CHECK(p.msg.ba_status < 128 && p.msg.lifetime_units > 0 && !before.pending_dereg);
		FUZZ_CHECK(st.registered && st.granted_s == p.msg.lifetime_units * 4u &&
			   res.refresh_after_s <= st.granted_s && res.refresh_after_s >= 1);
		/* fall through */
	case XMIP_MN_BA_DEREGISTERED:
	case XMIP_MN_BA_REJECTED:
		FUZZ_CHECK(p.msg.seq == before.seq && o->has_mesg_id &&
			   o->mesg_id == before.last_mesg_id,
			   "verdict %d for a BA that is not the answer to our BU", v);
		FUZZ_CHECK(!st.pending);
		if (v == XMIP_MN_BA_REJECTED)
			FUZZ_CHECK(p.msg.ba_status >= 128 && !st.registered);
		break;
	default:
		FUZZ_CHECK(0, "verdict %d", v);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size > 5 ? size - 5 : 0;
	uint8_t *pkt = malloc(len ? len : 1);
	int rc;

	if (!pkt)
		return 0;
	memcpy(pkt, data + (size - len), len);
	rc = one_input(data, size, pkt);
	free(pkt);
	return rc;
}
