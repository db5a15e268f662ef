// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The home agent's whole path for one signalling packet: xmip_pkt_parse,
 * then xmip_ha_decide (RFC 6275 §9.5.1, §10.3.1-2, RFC 4283, RFC 4285),
 * then the BA or BE it asks for, built by xmip_ha_build_ba/be.
 *
 * Input: mode octet (bit 0: re-seal, i.e. write the right authenticator
 * for the configured MN of the packet's home address and the right MH
 * checksum before parsing, so the fuzzer also explores what lies behind
 * authentication; bit 1: the HoA has a binding; bit 2: it has replay
 * state; bit 3: that state is valid), the last accepted sequence number
 * as a signed delta from the packet's (2 octets), the HA's clock minus
 * the BU's Mesg-ID time in seconds (2), the last accepted Mesg-ID minus
 * the BU's in seconds (2); then the packet, from the IPv6 header on.
 *
 * Properties:
 *  - a BU changes state (binding written or deleted, replay state written)
 *    or is acknowledged with status 0 only if the packet's checksum and
 *    its MN-HA authenticator are right, both recomputed here with an
 *    independent implementation and the key of the MN its HAO names, the
 *    MN-ID is that MN's NAI, the Mesg-ID is within the window of the HA's
 *    clock; when a binding exists, the sequence number is newer than the
 *    binding's (RFC 6275 §9.5.1; with none, any number goes); when replay
 *    state exists, the Mesg-ID is newer than the last accepted one, unless
 *    that one is ahead of the HA's clock beyond the window (the wall clock
 *    stepped back): then the decision says "recovered" and the sequence
 *    number is newer than the last accepted one (an exact retransmission
 *    is answered again, changing nothing);
 *  - a binding written is for that home address, inside the home prefix,
 *    to a care-of address that is the packet's source or its Alternate
 *    CoA and not the home address, for at most max-lifetime seconds;
 *  - answers go only to the packet's source (no reflection elsewhere); a
 *    BA built from the decision parses with our parser, carries the
 *    decided status and sequence number and, when authenticated, an
 *    authenticator the MN's key verifies (independently); a BE is status 2;
 *  - nothing is decided for a packet that does not parse.
 */
#include "fuzz_common.h"

#include <arpa/inet.h>

#include "addr.h"
#include "config.h"
#include "ha_policy.h"
#include "mh.h"

static const char conf_text[] =
	"role = ha\n"
	"instance = fuzz\n"
	"interface = eth0\n"
	"address = 2001:db8:1::2\n"
	"home-prefix = 2001:db8:1::/64\n"
	"max-lifetime = 600\n"
	"[mn mn1@example.org]\n"
	"home-address = 2001:db8:1::100\n"
	"spi = 256\n"
	"key = 0123456789abcdef0123456789abcdef\n"
	"[mn mn2@example.org]\n"
	"home-address = 2001:db8:1::101\n"
	"spi = 257\n"
	"key = 00112233445566778899aabbccddeeff00112233\n";

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

/* Where the MH starts, found by walking the extension headers the parser
 * allows (only used to re-seal; the properties use the parser's result
 * only where they re-check it). */
static bool find_mh(const uint8_t *b, size_t len, size_t *off, struct in6_addr *hoa)
{
	size_t o = 40;
	uint8_t nh;

	if (len < 48)
		return false;
	nh = b[6];
	memcpy(hoa, b + 8, 16);
	for (int n = 0; n < 8 && nh != 135; n++) {
		size_t hl;

		if ((nh != 0 && nh != 60 && nh != 43) || len - o < 8)
			return false;
		hl = ((size_t)b[o + 1] + 1) * 8;
		if (hl > len - o)
			return false;
		if (nh == 60 && hl >= 24 && b[o + 6] == 0xc9)
			memcpy(hoa, b + o + 8, 16);
		nh = b[o];
		o += hl;
	}
	if (nh != 135 || len - o < 8)
		return false;
	*off = o;
	return true;
}

static void reseal(uint8_t *b, size_t len)
{
	struct fuzz_opt opts[64];
	struct in6_addr hoa, ha;
	const struct xmip_mn_entry *mn;
	size_t off, mh_len;
	int n;

	if (!find_mh(b, len, &off, &hoa))
		return;
	mh_len = ((size_t)b[off + 1] + 1) * 8;
	if (mh_len > len - off || b[off + 2] != XMIP_MH_BU)
		return;
	mn = xmip_conf_find_mn(&conf, &hoa);
	n = fuzz_walk_options(b + off, 12, mh_len, opts, 64);
	for (int i = 0; mn && i < n; i++)
		if (opts[i].type == 9 && opts[i].len == 17 && b[off + opts[i].off + 2] == 1)
			fuzz_ref_auth_fill(mn->key, mn->key_len, (struct in6_addr *)(b + 8), &hoa,
					   b + off, opts[i].off);
	/* The checksum's destination: an RH2 is not expected in a BU, the
	 * parser's rule decides; use the IPv6 destination. */
	memcpy(&ha, b + 24, 16);
	fuzz_ref_csum_fill(&hoa, &ha, b + off, mh_len);
}

static uint64_t ntp_time_s(uint64_t ntp)
{
	return (uint64_t)xmip_ntp_to_unix_ns(ntp) / 1000000000ull;
}

/* pkt: the packet part of the input, copied to a buffer of exactly its size
 * (ASan sees any read past it) that re-sealing may rewrite. */
static int one_input(const uint8_t *data, size_t size, uint8_t *pkt)
{
	static uint8_t out[4096];
	struct fuzz_in in = { data, size };
	struct xmip_binding cur = { 0 };
	struct xmip_replay_state rs = { 0 };
	struct xmip_ha_decision d;
	const struct xmip_mn_entry *mn;
	struct xmip_pkt p, q;
	enum xmip_parse_err err;
	uint8_t mode = (uint8_t)fuzz_take(&in, 1);
	int16_t seq_d = (int16_t)fuzz_take(&in, 2);
	int16_t skew = (int16_t)fuzz_take(&in, 2);
	int16_t mid_d = (int16_t)fuzz_take(&in, 2);
	uint64_t now_rt, now_boot = 1000ull * 1000000000ull, bu_unix_s;
	size_t len = in.left;
	bool changed, ok_auth;
	struct in6_addr hoa, coa;
	int n;

	if (mode & 1)
		reseal(pkt, len);
	err = xmip_pkt_parse(pkt, len, &p);

	/* The HA's clock: near the BU's Mesg-ID when there is one (so the
	 * window can be hit), in 2024 otherwise. */
	bu_unix_s = 1732665699;
	if (err == XMIP_PARSE_OK && p.msg.opts.has_mesg_id) {
		int64_t t = xmip_ntp_to_unix_ns(p.msg.opts.mesg_id);

		if (t > 0)
			bu_unix_s = (uint64_t)t / 1000000000ull;
	}
	now_rt = (bu_unix_s + (uint64_t)(int64_t)skew) * 1000000000ull;
	if (mode & 4) {
		rs.seq_valid = (mode & 8) ? 1 : 0;
		rs.last_seq = (uint16_t)(p.msg.seq + seq_d);
		rs.last_mesg_id = p.msg.opts.mesg_id + ((uint64_t)(int64_t)mid_d << 32);
	}
	if (mode & 2) {
		if (len >= 24)   /* the current binding's CoA: the packet's source */
			memcpy(cur.coa, pkt + 8, 16);
		cur.seq = rs.last_seq;
		cur.lifetime_s = 60;
		cur.expires_ns = now_boot + 60 * 1000000000ull;
	}

	xmip_ha_decide(&conf, &p, err, 3, (mode & 2) ? &cur : NULL, (mode & 4) ? &rs : NULL,
		       now_rt, now_boot, &d);

	if (getenv("FUZZ_VERBOSE"))   /* what each input reached, when replaying seeds */
		fprintf(stderr, "parse %d: %s (BA %d status %u)\n", err, d.reason, d.send_ba,
			d.ba.status);
	if (err != XMIP_PARSE_OK && err != XMIP_PARSE_UNKNOWN_MH_TYPE) {
		FUZZ_CHECK(!d.send_ba && !d.send_be && d.binding_op == XMIP_HA_BINDING_KEEP &&
			   !d.replay_write && d.proxy_nd == XMIP_HA_PROXY_ND_KEEP,
			   "decided on a packet that does not parse (%d)", err);
		return 0;
	}
	if (d.send_be) {
		FUZZ_CHECK(err == XMIP_PARSE_UNKNOWN_MH_TYPE && !d.send_ba &&
			   !memcmp(&d.be_dst, &p.src, 16) && d.be_status == XMIP_BE_UNRECOGNISED_MH);
		n = xmip_ha_build_be(&d, out, sizeof(out));
		FUZZ_CHECK(n > 0 && xmip_pkt_parse(out, (size_t)n, &q) == XMIP_PARSE_OK &&
			   q.msg.type == XMIP_MH_BE && q.msg.be_status == 2 &&
			   !memcmp(&q.dst, &p.src, 16));
	}
	if (err != XMIP_PARSE_OK) {
		FUZZ_CHECK(d.binding_op == XMIP_HA_BINDING_KEEP && !d.replay_write && !d.send_ba);
		return 0;
	}

	/* Checksum, recomputed independently. */
	FUZZ_CHECK(fuzz_ref_mh_csum(&p.mh_src, &p.mh_dst, p.mh, p.mh_len) == 0);

	changed = d.binding_op != XMIP_HA_BINDING_KEEP || d.replay_write ||
		  d.proxy_nd != XMIP_HA_PROXY_ND_KEEP;
	if (!changed && !(d.send_ba && d.ba.status == XMIP_BA_ACCEPTED))
		goto answers;

	/* Accepted: everything the RFCs require was there and right. */
	FUZZ_CHECK(p.msg.type == XMIP_MH_BU, "state changed by MH type %u", p.msg.type);
	hoa = p.has_hao ? p.hao : p.src;
	mn = xmip_conf_find_mn(&conf, &hoa);
	FUZZ_CHECK(mn, "accepted a BU for an unconfigured home address");
	FUZZ_CHECK(p.msg.bu_flags & XMIP_BU_F_H);
	FUZZ_CHECK(p.msg.opts.has_mnid && p.msg.opts.nai_len == strlen(mn->nai) &&
		   !memcmp(p.msg.opts.nai, mn->nai, p.msg.opts.nai_len), "accepted without the NAI");
	ok_auth = p.msg.opts.has_auth && p.msg.opts.auth_spi == mn->spi &&
		  fuzz_ref_auth_ok(mn->key, mn->key_len, &p.src, &hoa, p.mh, p.mh_len,
				   p.msg.opts.auth_opt_off);
	FUZZ_CHECK(ok_auth, "accepted a BU whose authenticator does not match");
	FUZZ_CHECK(p.msg.opts.has_mesg_id);
	/* An exact retransmission of the last accepted BU is answered again
	 * with its old result whatever the clock says, and changes nothing. */
	if ((mode & 4) && rs.seq_valid && p.msg.seq == rs.last_seq &&
	    p.msg.opts.mesg_id == rs.last_mesg_id) {
		FUZZ_CHECK(!changed, "a retransmission changed state");
		goto answers;
	}
	{
		int64_t dt = (int64_t)ntp_time_s(p.msg.opts.mesg_id) - (int64_t)(now_rt / 1000000000ull);
		uint32_t w = conf.mesg_id_window_s ? conf.mesg_id_window_s : 7;

		FUZZ_CHECK(dt >= -(int64_t)w - 1 && dt <= (int64_t)w + 1,
			   "Mesg-ID %lld s from the HA's clock accepted", (long long)dt);
	}
	if ((mode & 4) && rs.seq_valid) {
		uint32_t w = conf.mesg_id_window_s ? conf.mesg_id_window_s : 7;
		int64_t ahead = (int64_t)(rs.last_mesg_id - xmip_ntp_from_unix_ns(now_rt));

		if ((int64_t)(p.msg.opts.mesg_id - rs.last_mesg_id) > 0) {
			FUZZ_CHECK(!d.recovered, "a newer Mesg-ID called a recovery");
		} else {   /* the clock-stepped-back rule (ha_policy.c, fresh()) */
			FUZZ_CHECK(d.recovered && ahead > (int64_t)((uint64_t)w << 32),
				   "old Mesg-ID accepted though the last one is not ahead of "
				   "the clock beyond the window (%lld s)", (long long)(ahead >> 32));
			FUZZ_CHECK((uint16_t)(p.msg.seq - rs.last_seq) >= 1 &&
				   (uint16_t)(p.msg.seq - rs.last_seq) <= 32767,
				   "old Mesg-ID accepted without a newer sequence number");
		}
	}
	if (mode & 2)
		FUZZ_CHECK((uint16_t)(p.msg.seq - cur.seq) >= 1 &&
			   (uint16_t)(p.msg.seq - cur.seq) <= 32767,
			   "sequence number not newer than the binding's accepted");
	if (d.binding_op == XMIP_HA_BINDING_WRITE) {
		coa = p.msg.opts.has_alt_coa ? p.msg.opts.alt_coa : p.src;
		FUZZ_CHECK(!memcmp(d.binding_key.hoa, &hoa, 16) && !memcmp(d.binding.coa, &coa, 16) &&
			   memcmp(&coa, &hoa, 16) && p.msg.lifetime_units > 0);
		FUZZ_CHECK(d.binding.lifetime_s <= conf.max_lifetime_s && d.binding.lifetime_s >= 4 &&
			   d.binding.expires_ns == now_boot + d.binding.lifetime_s * 1000000000ull);
		FUZZ_CHECK(xmip_in_prefix(&hoa, &conf.home_prefix, conf.home_plen));
	}
	if (d.binding_op == XMIP_HA_BINDING_DELETE)
		FUZZ_CHECK(!memcmp(d.binding_key.hoa, &hoa, 16) && (mode & 2));

answers:
	if (!d.send_ba)
		return 0;
	FUZZ_CHECK(p.msg.type == XMIP_MH_BU && !memcmp(&d.ba_coa, &p.src, 16) &&
		   !memcmp(&d.ba_src, &p.dst, 16), "BA to someone else than the BU's source");
	n = xmip_ha_build_ba(&d, out, sizeof(out));
	FUZZ_CHECK(n > 0, "BA build failed");
	FUZZ_CHECK(xmip_pkt_parse(out, (size_t)n, &q) == XMIP_PARSE_OK, "our BA does not parse");
	FUZZ_CHECK(q.msg.type == XMIP_MH_BA && q.msg.ba_status == d.ba.status &&
		   q.msg.seq == d.ba.seq && !memcmp(&q.dst, &p.src, 16) &&
		   !memcmp(&q.mh_dst, &d.ba_hoa, 16));
	if (d.ba.has_auth) {
		FUZZ_CHECK(d.mn && q.msg.opts.has_auth && q.msg.opts.auth_is_last &&
			   q.msg.opts.auth_spi == d.mn->spi);
		FUZZ_CHECK(fuzz_ref_auth_ok(d.mn->key, d.mn->key_len, &q.dst, &q.mh_dst, q.mh,
					    q.mh_len, q.msg.opts.auth_opt_off),
			   "our BA's authenticator does not verify");
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size > 7 ? size - 7 : 0;
	uint8_t *pkt = malloc(len ? len : 1);
	int rc;

	if (!pkt)
		return 0;
	memcpy(pkt, data + (size - len), len);
	rc = one_input(data, size, pkt);
	free(pkt);
	return rc;
}
