// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness: a signalling packet as the datapath hands it to the
 * agent, through the whole home agent path that needs no kernel:
 * xmip_pkt_parse (RFC 6275 §9.2 checks), the Parameter Problem pointer,
 * the HA's decision (with a binding and replay state taken from the input
 * too) and the BA or BE it builds, and the ICMPv6 error it would send.
 * Properties: nothing read past len (ASan), no undefined behaviour
 * (UBSan), and:
 *   - a parsed MH lies inside the packet; a Parameter Problem points
 *     inside the packet, at octet 0 or 1 of the MH;
 *   - a BU is accepted only if its authenticator verifies with the key
 *     of the MN that its home address belongs to;
 *   - every BA or BE the decision asks for can be built and parses back
 *     (checksum, and the authenticator of an authenticated BA).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "auth.h"
#include "config.h"
#include "ha_policy.h"
#include "icmp6err.h"
#include "mh.h"
#include "../unit/mip6_vectors.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static struct xmip_conf conf;
static struct xmip_mn_entry mn;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strcpy(mn.nai, V_NAI);
	inet_pton(AF_INET6, V_HOA, &mn.hoa);
	mn.spi = V_SPI;
	memcpy(mn.key, v_key, sizeof(v_key));
	mn.key_len = sizeof(v_key);
	conf.role = XMIP_ROLE_HA;
	inet_pton(AF_INET6, V_HA, &conf.address);
	inet_pton(AF_INET6, "2001:db8:1::", &conf.home_prefix);
	conf.home_plen = 64;
	conf.max_lifetime_s = 600;
	conf.mesg_id_window_s = 7;
	conf.dad_transmits = 1;
	conf.mns = &mn;
	conf.n_mns = 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xmip_replay_state replay = { 0 };
	struct xmip_binding cur = { 0 };
	struct xmip_ha_decision d;
	enum xmip_parse_err perr;
	struct xmip_pkt p, back;
	uint8_t out[1500], state = 0;
	uint8_t *pkt;
	long ptr;
	int len;

	/* The first octets choose the HoA's state: binding, replay state, their numbers. */
	if (size >= 8) {
		state = data[0];
		cur.seq = (uint16_t)(data[1] << 8 | data[2]);
		replay.last_seq = (uint16_t)(data[3] << 8 | data[4]);
		replay.last_mesg_id = V_MESG_ID + ((uint64_t)(int8_t)data[5] << 32) + data[6];
		replay.seq_valid = 1;
		cur.lifetime_s = 60;
		cur.bu_flags = (uint16_t)(data[7] << 8);
		data += 8;
		size -= 8;
	}
	pkt = malloc(size ? size : 1);      /* exactly size octets: ASan sees one too far */
	CHECK(pkt);
	memcpy(pkt, data, size);
	perr = xmip_pkt_parse(pkt, size, &p);
	if (perr == XMIP_PARSE_OK || perr == XMIP_PARSE_UNKNOWN_MH_TYPE) {
		CHECK(p.mh_off + p.mh_len <= size && p.mh_len % 8 == 0 && p.mh_len >= 8);
		CHECK(p.mh == pkt + p.mh_off);
	}
	ptr = xmip_parse_param_problem(&p, perr);
	if (ptr >= 0) {
		CHECK(perr == XMIP_PARSE_BAD_PAYLOAD_PROTO || perr == XMIP_PARSE_MH_TOO_SHORT);
		CHECK((size_t)ptr < size && ((size_t)ptr == p.mh_off || (size_t)ptr == p.mh_off + 1));
		len = xmip_icmp6_build_error(out, sizeof(out), &p.dst, &p.src, XMIP_ICMP6_PARAM_PROB,
					     0, (uint32_t)ptr, pkt, size);
		CHECK(len >= 48 && len <= 1280);
	}

	xmip_ha_decide(&conf, &p, perr, 1, (state & 1) ? &cur : NULL, (state & 2) ? &replay : NULL,
		       (uint64_t)xmip_ntp_to_unix_ns(V_MESG_ID), 1000000000000ULL, &d);
	if (d.send_ba && d.ba.status < 128) {
		const struct xmip_mh_opts *o = &p.msg.opts;

		CHECK(perr == XMIP_PARSE_OK && p.msg.type == XMIP_MH_BU && d.mn == &mn);
		CHECK(o->has_auth && xmip_auth_verify(mn.key, mn.key_len, &p.src, &d.ba_hoa, p.mh,
						      p.mh_len, o->auth_opt_off));
	}
	if (d.send_ba) {
		len = xmip_ha_build_ba(&d, out, sizeof(out));
		CHECK(len > 0);
		CHECK(xmip_pkt_parse(out, (size_t)len, &back) == XMIP_PARSE_OK);
		CHECK(back.msg.type == XMIP_MH_BA && back.msg.ba_status == d.ba.status);
		if (d.ba.has_auth)
			CHECK(xmip_auth_verify(mn.key, mn.key_len, &back.dst, &back.mh_dst, back.mh,
					       back.mh_len, back.msg.opts.auth_opt_off));
	}
	if (d.send_be) {
		len = xmip_ha_build_be(&d, out, sizeof(out));
		CHECK(len > 0);
		CHECK(xmip_pkt_parse(out, (size_t)len, &back) == XMIP_PARSE_OK);
	}
	if (d.discard)
		CHECK(!d.send_ba && !d.send_be && d.binding_op == XMIP_HA_BINDING_KEEP &&
		      !d.replay_write);
	free(pkt);
	return 0;
}
