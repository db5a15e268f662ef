// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * DSMIPv6 at the home agent (RFC 5555): a whole IPv4 or IPv6 | UDP |
 * IPv6 | MH packet as a datapath record would carry it, through
 * xmip_dsmip_parse_outer, xmip_pkt_parse and xmip_dsmip_decide, then the
 * BA it asks for.
 *
 * Input: mode octet (bit 0: re-seal: write the right MN-HA authenticator,
 * over the IPv4 Care-of Address option as ::ffff:a.b.c.d | inner source |
 * MH, and the right MH checksum, before parsing, so the fuzzer explores
 * what lies behind authentication; bit 1: the home address already has a
 * DSMIPv6 binding from another outer port), then the packet.
 *
 * Properties:
 *  - the inner packet the outer parser points at lies inside the input;
 *  - a parsed BU or BA re-built from its parsed fields by our builders
 *    parses back to the same fields (RFC 5555 options, F flag, Mesg-ID,
 *    SPI), at our layout (alignment 4n, RFC 5555 §3.1.x, §3.2.x);
 *  - state changes (op WRITE/DELETE) and status 0 only with an
 *    authenticator that an independent HMAC-SHA1 (OpenSSL, fuzz_common.h)
 *    verifies with the key of the [mn] of the inner source and the
 *    IPv4 CoA option's mapped address as care-of address: a bad
 *    authenticator is never accepted, so an unauthenticated packet never
 *    moves a binding;
 *  - a binding written is keyed by the inner source, and observes exactly
 *    the outer source address and port;
 *  - the BA parses, goes to the home address, carries the decided status,
 *    and its authenticator verifies independently;
 *  - a mobile router's accepted registration (R, RFC 3963 over an IPv4
 *    care-of address) has R in its BA and forwards only prefixes inside
 *    the [mn]'s configured ones (mn2 has one), at most XMIP_MH_MAX_MNP;
 *    no other decision forwards any.
 */
#include "fuzz_common.h"

#include <arpa/inet.h>

#include "addr.h"
#include "config.h"
#include "dsmip_outer.h"
#include "dsmip_policy.h"
#include "dsmip_table.h"
#include "mh.h"

static const char conf_text[] =
	"role = ha\ninstance = fuzz\ninterface = eth0\naddress = 2001:db8:1::2\n"
	"home-prefix = 2001:db8:1::/64\nmax-lifetime = 600\n"
	"[dsmip]\nipv4-address = 198.51.100.2\nipv4-hoa-pool = 192.0.2.0/29\n"
	"[mn mn1@example.org]\nhome-address = 2001:db8:1::100\nspi = 256\n"
	"key = 0123456789abcdef0123456789abcdef\n"
	"[mn mn2@example.org]\nhome-address = 2001:db8:1::101\nspi = 257\n"
	"key = 00112233445566778899aabbccddeeff00112233\nipv4-home-address = 192.0.2.100\n"
	"mobile-network-prefix = 2001:db8:100::/48\n";

static struct xmip_conf conf;
static struct xmip_dsmip_table table;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (xmip_conf_parse("fuzz.conf", conf_text, sizeof(conf_text) - 1, &conf, err, sizeof(err)) ||
	    xmip_dsmip_table_init(&table, 4)) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	return 0;
}

/* The care-of address the authenticator covers: the IPv4 CoA option mapped, else the peer. */
static bool auth_coa_of(const uint8_t *mh, size_t mh_len, const struct in6_addr *peer,
			struct in6_addr *coa)
{
	struct fuzz_opt opts[FUZZ_MAX_OPTS];
	int n = fuzz_walk_options(mh, 12, mh_len, opts, FUZZ_MAX_OPTS);

	*coa = *peer;
	if (n < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (opts[i].type == XMIP_MOPT_IPV4_COA && opts[i].len == 6 && xmip_is_v4_mapped(peer)) {
			memset(coa, 0, 10);
			coa->s6_addr[10] = coa->s6_addr[11] = 0xff;
			memcpy(coa->s6_addr + 12, mh + opts[i].off + 4, 4);
			return true;
		}
	return true;
}

static size_t auth_off_of(const uint8_t *mh, size_t mh_len)
{
	struct fuzz_opt opts[FUZZ_MAX_OPTS];
	int n = fuzz_walk_options(mh, 12, mh_len, opts, FUZZ_MAX_OPTS);

	for (int i = 0; i < n; i++)
		if (opts[i].type == XMIP_MOPT_AUTH)
			return opts[i].off;
	return 0;
}

static void reseal(uint8_t *inner, size_t len, const struct in6_addr *peer)
{
	struct in6_addr src, dst, coa;
	const struct xmip_mn_entry *mn;
	size_t mh_len, aoff;
	uint8_t *mh = inner + 40;

	if (len < 48 || inner[6] != 135)
		return;
	mh_len = ((size_t)mh[1] + 1) * 8;
	if (mh_len > len - 40 || mh[2] != XMIP_MH_BU)
		return;
	memcpy(&src, inner + 8, 16);
	memcpy(&dst, inner + 24, 16);
	mn = xmip_conf_find_mn(&conf, &src);
	aoff = auth_off_of(mh, mh_len);
	if (mn && aoff && aoff + 7 + 12 <= mh_len && auth_coa_of(mh, mh_len, peer, &coa) &&
	    mh[aoff + 1] == 17 && mh[aoff + 2] == 1)
		fuzz_ref_auth_fill(mn->key, mn->key_len, &coa, &src, mh, aoff);
	fuzz_ref_csum_fill(&src, &dst, mh, len - 40);
}

static void check_round_trip(const struct xmip_pkt *p)
{
	const struct xmip_mh_opts *o = &p->msg.opts;
	static const uint8_t key[16] = { 1 };
	struct xmip_mn_ha_sa sa = { .spi = o->auth_spi, .key = key, .key_len = sizeof(key) };
	uint8_t buf[1024];
	struct xmip_pkt q;
	int len;

	if (p->msg.type == XMIP_MH_BU) {
		struct xmip_bu_fields f = {
			.seq = p->msg.seq, .flags = p->msg.bu_flags,
			.lifetime_units = p->msg.lifetime_units,
			.nai = o->has_mnid && o->nai_len ? o->nai : NULL, .nai_len = o->nai_len,
			.has_mesg_id = o->has_mesg_id, .mesg_id = o->mesg_id,
			.has_auth = o->has_auth, .spi = o->auth_spi,
			.has_ipv4_hoa = o->has_ipv4_hoa, .ipv4_hoa_plen = o->ipv4_hoa_plen,
			.ipv4_hoa_p = o->ipv4_hoa_p, .ipv4_hoa = o->ipv4_hoa,
			.has_ipv4_coa = o->has_ipv4_coa, .ipv4_coa = o->ipv4_coa,
		};

		len = xmip_pkt_build_bu_from_hoa(buf, sizeof(buf), &p->src, &p->dst, &p->src, &f, &sa);
		if (len < 0)
			return;             /* e.g. an MN-ID that is not an NAI the builder takes */
	} else if (p->msg.type == XMIP_MH_BA) {
		struct xmip_ba_fields f = {
			.status = p->msg.ba_status, .flags = p->msg.ba_flags, .seq = p->msg.seq,
			.lifetime_units = p->msg.lifetime_units,
			.has_mesg_id = o->has_mesg_id, .mesg_id = o->mesg_id,
			.has_refresh = o->has_refresh, .refresh_units = o->refresh_units,
			.has_auth = o->has_auth, .spi = o->auth_spi,
			.has_ipv4_ack = o->has_ipv4_ack, .ipv4_ack_status = o->ipv4_ack_status,
			.ipv4_ack_plen = o->ipv4_ack_plen, .ipv4_ack_hoa = o->ipv4_ack_hoa,
			.has_nat_detect = o->has_nat_detect, .nat_f = o->nat_f,
			.nat_refresh_s = o->nat_refresh_s,
		};

		len = xmip_pkt_build_ba_to_hoa(buf, sizeof(buf), &p->src, &p->dst, &p->dst, &f, &sa);
		FUZZ_CHECK(len > 0, "BA not re-built");
	} else {
		return;
	}
	FUZZ_CHECK(xmip_pkt_parse(buf, (size_t)len, &q) == XMIP_PARSE_OK, "re-built message does not parse");
#define SAME(x) FUZZ_CHECK(q.msg.x == p->msg.x, #x " differs after a round trip")
	SAME(seq); SAME(bu_flags); SAME(ba_status); SAME(lifetime_units);
	SAME(opts.has_mesg_id); SAME(opts.has_auth);
	/* Each builder writes the options of its message (a BA option in a BU is skipped). */
	if (p->msg.type == XMIP_MH_BU) {
		SAME(opts.has_ipv4_hoa); SAME(opts.has_ipv4_coa);
	} else {
		SAME(opts.has_ipv4_ack); SAME(opts.has_nat_detect);
	}
	if (o->has_ipv4_hoa && p->msg.type == XMIP_MH_BU) {
		SAME(opts.ipv4_hoa_plen); SAME(opts.ipv4_hoa_p); SAME(opts.ipv4_hoa.s_addr);
	}
	if (o->has_ipv4_coa && p->msg.type == XMIP_MH_BU)
		SAME(opts.ipv4_coa.s_addr);
	if (o->has_ipv4_ack && p->msg.type == XMIP_MH_BA) {
		SAME(opts.ipv4_ack_status); SAME(opts.ipv4_ack_plen); SAME(opts.ipv4_ack_hoa.s_addr);
	}
	if (o->has_nat_detect && p->msg.type == XMIP_MH_BA) {
		SAME(opts.nat_f); SAME(opts.nat_refresh_s);
	}
	if (o->has_mesg_id)
		SAME(opts.mesg_id);
	if (o->has_auth)
		SAME(opts.auth_spi);
	if (q.msg.opts.has_auth)
		FUZZ_CHECK(q.msg.opts.auth_opt_off % 8 == 5, "authentication option not at 8n+5");
#undef SAME
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xmip_dsmip_obs obs;
	struct xmip_dsmip_decision d;
	const uint8_t *inner;
	size_t inner_len;
	uint8_t mode, *pkt, *in;
	struct xmip_pkt p;
	enum xmip_parse_err perr;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	pkt = malloc(size ? size : 1);
	memcpy(pkt, data, size);
	memset(&obs, 0, sizeof(obs));
	if (xmip_dsmip_parse_outer(pkt, size, &obs, &inner, &inner_len) != XMIP_DSMIP_OUTER_OK) {
		free(pkt);
		return 0;
	}
	FUZZ_CHECK(inner >= pkt && inner_len <= size && (size_t)(inner - pkt) <= size - inner_len,
		   "inner packet outside the input");
	/* The inner packet alone, in a block of exactly its size (ASan sees over-reads). */
	in = malloc(inner_len ? inner_len : 1);
	memcpy(in, inner, inner_len);
	free(pkt);
	if (mode & 1)
		reseal(in, inner_len, &obs.peer);
	perr = xmip_pkt_parse(in, inner_len, &p);
	if (perr == XMIP_PARSE_OK)
		check_round_trip(&p);

	table.n = 0;
	if ((mode & 2) && perr == XMIP_PARSE_OK) {
		struct xmip_dsmip_binding b = { .observed_port = (uint16_t)(obs.peer_port + 1) };

		memcpy(b.hoa, p.src.s6_addr, 16);
		memcpy(b.observed_addr, obs.peer.s6_addr, 16);
		xmip_dsmip_put(&table, &b);
	}
	xmip_dsmip_decide(&conf, &p, perr, &obs, &table, NULL, NULL,
			  (uint64_t)xmip_ntp_to_unix_ns(p.msg.opts.mesg_id), 1000000000ULL, &d);
	if (d.op != XMIP_DSMIP_KEEP || (d.send_ba && d.ba.status == 0)) {
		const struct xmip_mn_entry *mn = xmip_conf_find_mn(&conf, &p.src);
		struct in6_addr coa;

		FUZZ_CHECK(perr == XMIP_PARSE_OK && mn, "state change without a parsed BU of an [mn]");
		FUZZ_CHECK(auth_coa_of(p.mh, p.mh_len, &obs.peer, &coa), "options do not walk");
		FUZZ_CHECK(fuzz_ref_auth_ok(mn->key, mn->key_len, &coa, &p.src, p.mh, p.mh_len,
					    p.msg.opts.auth_opt_off),
			   "accepted with an authenticator the MN's key does not give");
		FUZZ_CHECK(memcmp(d.b.hoa, p.src.s6_addr, 16) == 0, "binding for another address");
		if (d.op == XMIP_DSMIP_WRITE)
			FUZZ_CHECK(memcmp(d.b.observed_addr, obs.peer.s6_addr, 16) == 0 &&
				   d.b.observed_port == obs.peer_port, "binding observes another peer");
	}
	/* NEMO: prefixes only for an accepted router registration, only its own. */
	FUZZ_CHECK(!d.nemo || (d.op == XMIP_DSMIP_WRITE && d.ba.status == 0 &&
			       (d.ba.flags & XMIP_BA_F_R) && d.n_mnp <= XMIP_MH_MAX_MNP),
		   "prefixes forwarded outside an accepted router registration");
	for (unsigned int i = 0; d.nemo && i < d.n_mnp; i++) {
		const struct xmip_mn_entry *mn = xmip_conf_find_mn(&conf, &p.src);
		bool inside = false;

		for (unsigned int j = 0; mn && j < mn->n_mnp; j++)
			inside |= d.mnp[i].plen >= mn->mnp[j].plen &&
				  xmip_in_prefix(&d.mnp[i].prefix, &mn->mnp[j].prefix, mn->mnp[j].plen);
		FUZZ_CHECK(inside, "a prefix forwarded that the router's [mn] does not have");
	}
	if (d.send_ba) {
		uint8_t buf[1024];
		struct xmip_pkt ba;
		int len = xmip_dsmip_build_ba(&d, buf, sizeof(buf));

		FUZZ_CHECK(len > 0, "BA not built");
		FUZZ_CHECK(xmip_pkt_parse(buf, (size_t)len, &ba) == XMIP_PARSE_OK, "our BA does not parse");
		FUZZ_CHECK(memcmp(&ba.dst, &p.src, 16) == 0, "BA not to the home address");
		FUZZ_CHECK(ba.msg.ba_status == d.ba.status, "BA status differs");
		if (d.ba.has_auth)
			FUZZ_CHECK(fuzz_ref_auth_ok(d.mn->key, d.mn->key_len, &d.auth_coa, &p.src, ba.mh,
						    ba.mh_len, ba.msg.opts.auth_opt_off),
				   "BA authenticator wrong");
	}
	free(in);
	return 0;
}
