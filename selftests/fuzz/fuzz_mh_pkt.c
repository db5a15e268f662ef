// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip_pkt_parse on a whole IPv6 packet as the datapath hands it to the
 * agent (IPv6 header, Hop-by-Hop / Destination Options with the Home
 * Address option, type-2 routing header, Mobility Header). Properties:
 *  - offsets and lengths it reports lie inside the input and inside the
 *    IPv6 payload, and point at what they name (HAO type 0xC9, MH);
 *  - a packet accepted has a right checksum, recomputed independently over
 *    the pseudo-header of the addresses the RFC names (HAO's home address
 *    as source, RH2's as destination: RFC 6275 §6.1.1);
 *  - the same packet with any one octet of its MH changed is never
 *    accepted (a single changed octet always breaks the checksum);
 *  - the message inside has the properties of fuzz_mh.h (fields, re-build);
 *  - a BU or BA re-built whole (xmip_pkt_build_bu/ba with the parsed
 *    addresses) parses back to the same addresses and message.
 */
#include "fuzz_mh.h"

/* A BU (HAO or none) or BA (RH2 or none) re-built whole from what was
 * parsed: it must parse back with the same addresses and message. */
static void check_rebuild_packet(const struct xmip_pkt *p)
{
	static uint8_t out[4096];
	static const uint8_t any_key[1] = { 1 };
	const struct xmip_mh_msg *m = &p->msg;
	const struct xmip_mh_opts *o = &m->opts;
	struct xmip_mn_ha_sa sa = { .spi = o->auth_spi, .key = any_key, .key_len = 1 };
	struct xmip_pkt q;
	int n = -1;

	if (m->type == XMIP_MH_BU && !p->has_rh2 &&
	    (!p->has_hao || memcmp(&p->hao, &p->src, 16))) {
		struct xmip_bu_fields f = {
			.seq = m->seq, .flags = m->bu_flags, .lifetime_units = m->lifetime_units,
			.nai = o->has_mnid ? o->nai : NULL, .nai_len = o->nai_len,
			.has_mesg_id = o->has_mesg_id, .mesg_id = o->mesg_id,
			.alt_coa = o->has_alt_coa ? &o->alt_coa : NULL,
			.has_auth = o->has_auth, .spi = o->auth_spi,
		};

		n = xmip_pkt_build_bu(out, sizeof(out), &p->src, &p->dst, &p->mh_src, &f, &sa);
	} else if (m->type == XMIP_MH_BA && !p->has_hao &&
		   (!p->has_rh2 || memcmp(&p->rh2_addr, &p->dst, 16))) {
		struct xmip_ba_fields f = {
			.status = m->ba_status, .flags = m->ba_flags, .seq = m->seq,
			.lifetime_units = m->lifetime_units, .has_mesg_id = o->has_mesg_id,
			.mesg_id = o->mesg_id, .has_refresh = o->has_refresh,
			.refresh_units = o->refresh_units, .has_auth = o->has_auth,
			.spi = o->auth_spi,
		};

		n = xmip_pkt_build_ba(out, sizeof(out), &p->src, &p->dst, &p->mh_dst, &f, &sa);
	} else {
		return;
	}
	if (n < 0) {
		FUZZ_CHECK(p->mh_len > 1900, "builder refused a packet parsed from %zu octets",
			   p->mh_off + p->mh_len);
		return;
	}
	FUZZ_CHECK(xmip_pkt_parse(out, (size_t)n, &q) == XMIP_PARSE_OK, "re-built packet does not parse");
	FUZZ_CHECK(!memcmp(&q.src, &p->src, 16) && !memcmp(&q.dst, &p->dst, 16) &&
		   !memcmp(&q.mh_src, &p->mh_src, 16) && !memcmp(&q.mh_dst, &p->mh_dst, 16) &&
		   q.has_hao == p->has_hao && q.has_rh2 == p->has_rh2);
	FUZZ_CHECK(q.msg.type == m->type && q.msg.seq == m->seq && q.msg.bu_flags == m->bu_flags &&
		   q.msg.ba_status == m->ba_status && q.msg.lifetime_units == m->lifetime_units &&
		   q.msg.opts.mesg_id == o->mesg_id && q.msg.opts.auth_spi == o->auth_spi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t copy[65536 + 40];
	enum xmip_parse_err err;
	struct xmip_pkt p;
	size_t end, i;

	err = xmip_pkt_parse(data, size, &p);
	if (err != XMIP_PARSE_OK && err != XMIP_PARSE_UNKNOWN_MH_TYPE)
		return 0;

	end = 40 + (size_t)p.payload_len;
	FUZZ_CHECK(size >= 40 && end <= size, "payload %u of %zu", p.payload_len, size);
	/* A known type fills the payload; an unknown one is reported (for the
	 * Binding Error) as soon as its type is read, RFC 6275 §9.2's order. */
	FUZZ_CHECK(p.mh == data + p.mh_off && p.mh_off >= 40 && p.mh_len >= 8 &&
		   (p.mh_off + p.mh_len == end ||
		    (err == XMIP_PARSE_UNKNOWN_MH_TYPE && p.mh_off + p.mh_len <= end)),
		   "MH at %zu+%zu, end %zu", p.mh_off, p.mh_len, end);
	/* An unknown type is judged before Payload Proto (RFC 6275 §9.2's order). */
	FUZZ_CHECK(p.mh_len == ((size_t)p.mh[1] + 1) * 8 && p.msg.type == p.mh[2] &&
		   (p.mh[0] == 59 || err == XMIP_PARSE_UNKNOWN_MH_TYPE));
	FUZZ_CHECK(!memcmp(&p.src, data + 8, 16) && !memcmp(&p.dst, data + 24, 16) &&
		   (data[0] >> 4) == 6);
	if (p.has_hao)
		FUZZ_CHECK(p.hao_off >= 42 && p.hao_off + 18 <= p.mh_off && data[p.hao_off] == 0xc9 &&
			   data[p.hao_off + 1] == 16 && !memcmp(&p.hao, data + p.hao_off + 2, 16));
	FUZZ_CHECK(!memcmp(&p.mh_src, p.has_hao ? &p.hao : &p.src, 16) &&
		   !memcmp(&p.mh_dst, p.has_rh2 ? &p.rh2_addr : &p.dst, 16));
	/* With Payload Proto 59 the sender's checksum covers the rest of the
	 * payload (nothing follows the MH), otherwise the MH alone. */
	FUZZ_CHECK(fuzz_ref_mh_csum(&p.mh_src, &p.mh_dst, p.mh,
				    p.mh[0] == 59 ? end - p.mh_off : p.mh_len) == 0,
		   "accepted with a wrong checksum");

	/* One octet of the MH changed: never accepted. */
	if (size <= sizeof(copy)) {
		enum xmip_parse_err err2;
		struct xmip_pkt q;

		i = p.mh_off + (size * 7919 + data[size - 1]) % p.mh_len;
		memcpy(copy, data, size);
		copy[i] ^= (uint8_t)(1 + data[size / 2] % 255);
		err2 = xmip_pkt_parse(copy, size, &q);
		FUZZ_CHECK(err2 != XMIP_PARSE_OK && err2 != XMIP_PARSE_UNKNOWN_MH_TYPE,
			   "octet %zu of the packet changed, still accepted (%d)", i, err2);
	}
	if (err != XMIP_PARSE_OK)
		return 0;
	fuzz_check_fields(p.mh, p.mh_len, &p.msg);
	fuzz_check_rebuild(p.mh, p.mh_len, &p.msg);
	check_rebuild_packet(&p);
	return 0;
}
