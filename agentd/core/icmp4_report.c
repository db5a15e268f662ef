// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "icmp4_report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "core.h"
#include "log.h"
#include "maps.h"
#include "xmip_maps.h"
#include "xmip_wire.h"
#include "xmip_wire_mip4.h"

#define ICMP4_DU          3
#define ICMP4_FRAG_NEEDED 4
#define PROTO_ICMP        1
#define PROTO_IPIP        4
#define PROTO_UDP         17
#define PROTO_GRE         47
#define PROTO_MINENC      55
#define MAX_TUNNEL_BINDINGS 64   /* bindings one short-quote report may lower */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int xmip_icmp4_report_parse(const uint8_t *buf, size_t len, struct xmip_icmp4_report *r)
{
	size_t ihl, q, x;
	uint8_t nh;

	memset(r, 0, sizeof(*r));
	if (len < 20 || buf[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(buf[0] & 15) * 4;
	if (ihl < 20 || buf[9] != PROTO_ICMP || len < ihl + 8 + 20)
		return -EINVAL;
	if (buf[ihl] != ICMP4_DU || buf[ihl + 1] != ICMP4_FRAG_NEEDED)
		return -EINVAL;
	r->from = get32(buf + 12);
	r->to = get32(buf + 16);
	r->mtu = (uint16_t)(buf[ihl + 6] << 8 | buf[ihl + 7]);
	q = ihl + 8;
	/* Our tunnel packets have no options (bpf/mip4/tun.h). */
	if (buf[q] != 0x45)
		return -EINVAL;
	r->quoted_len = (uint16_t)(buf[q + 2] << 8 | buf[q + 3]);
	r->tun_src = get32(buf + q + 12);
	r->tun_dst = get32(buf + q + 16);
	nh = buf[q + 9];
	x = q + 20;
	if (nh == PROTO_UDP) {
		/* RFC 3519 §3.3: UDP from 434, then the MIP Tunnel Data header. */
		if (len < x + 12 || (buf[x] << 8 | buf[x + 1]) != XMIP_MIP4_PORT ||
		    buf[x + 8] != XMIP_MIP4_TUNNEL_DATA)
			return -EINVAL;
		r->port = (uint16_t)(buf[x + 2] << 8 | buf[x + 3]);
		nh = buf[x + 9];
		x += 12;
	}
	if (nh != PROTO_IPIP && nh != PROTO_GRE && nh != PROTO_MINENC)
		return -EINVAL;
	r->proto = nh;
	if (nh == PROTO_MINENC) {
		/* RFC 2004 §3: the forwarding header's second word is the original destination. */
		if (len >= x + 8) {
			r->hoa = get32(buf + x + 4);
			r->has_hoa = true;
		}
		return 0;
	}
	if (nh == PROTO_GRE) {
		if (len >= x + 4 && (buf[x + 2] << 8 | buf[x + 3]) != 0x0800)
			return -EINVAL;
		x += 4;
	}
	if (len >= x + 20 && buf[x] >> 4 == 4) {
		r->hoa = get32(buf + x + 16);
		r->has_hoa = true;
	}
	return 0;
}

uint16_t xmip_icmp4_pmtu(const struct xmip_icmp4_report *r, uint32_t self4, uint32_t hoa,
			 const struct xmip_binding *b)
{
	static const uint8_t mapped[2] = { 0xff, 0xff };
	uint16_t port = htons(r->port);
	uint32_t m;

	if (!self4 || r->tun_src != self4 || (r->has_hoa && r->hoa != hoa))
		return 0;
	if (b->encap < XMIP_ENCAP_MIP4_IPIP || b->encap > XMIP_ENCAP_MIP4_GRE)
		return 0;
	/* The binding's tunnel end: ::[port]:ffff:a.b.c.d (XMIP_FW_UDP_PORT_OFF). */
	if (memcmp(b->coa + 10, mapped, 2) || get32(b->coa + 12) != r->tun_dst ||
	    memcmp(b->coa + XMIP_FW_UDP_PORT_OFF, &port, 2))
		return 0;
	/* RFC 1191 §5: an old router says 0; a value not below the packet's length is no news. */
	if (!r->mtu || r->mtu >= r->quoted_len)
		return 0;
	m = r->mtu < XMIP_PMTU4_FLOOR ? XMIP_PMTU4_FLOOR : r->mtu;
	if (b->path_mtu && m >= b->path_mtu)
		return 0;
	return (uint16_t)m;
}

/* The HA's IPv4 tunnel address, as xmip attach gives the datapath (loader/attach.c). */
static uint32_t self4_of(const struct xmip_conf *conf)
{
	uint32_t a = 0;

	if (conf->dsmip.on)
		memcpy(&a, &conf->dsmip.ipv4_address, 4);
	else if (xmip_conf_has_section(conf, "mip4"))
		memcpy(&a, conf->mip4.address, 4);
	return a;
}

struct tunnel_walk {
	const struct xmip_icmp4_report *r;
	uint32_t self4;
	size_t n;
	uint8_t keys[MAX_TUNNEL_BINDINGS][16];
};

static bool is_v4_key(const uint8_t k[16])
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(k, pfx, 12);
}

static int collect(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	struct tunnel_walk *w = arg;

	if (is_v4_key(hoa) && xmip_icmp4_pmtu(w->r, w->self4, get32(hoa + 12), b) &&
	    w->n < MAX_TUNNEL_BINDINGS)
		memcpy(w->keys[w->n++], hoa, 16);
	return 0;
}

static void lower(struct xmip_core *c, const struct xmip_icmp4_report *r, uint32_t self4,
		  const uint8_t key[16])
{
	char t[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN], f[INET_ADDRSTRLEN];
	struct xmip_binding b;
	uint16_t m;

	if (xmip_binding_get(c->maps, key, &b) || b.expires_ns <= xmip_now_ns())
		return;
	m = xmip_icmp4_pmtu(r, self4, get32(key + 12), &b);
	if (!m)
		return;
	b.path_mtu = m;
	if (xmip_binding_put(c->maps, key, &b))
		return;
	xmip_core_pmtu_learnt(c, key);
	inet_ntop(AF_INET, &r->tun_dst, t, sizeof(t));
	inet_ntop(AF_INET, key + 12, h, sizeof(h));
	inet_ntop(AF_INET, &r->from, f, sizeof(f));
	log_info("mip4: path MTU to tunnel end %s is %u (Fragmentation Needed from %s): DF "
		 "packets to %s larger than that less the tunnel's overhead get Fragmentation "
		 "Needed from the HA (RFC 2003 §5.1)", t, m, f, h);
}

void xmip_icmp4_report_handle(struct xmip_core *c, const uint8_t *pkt, size_t len)
{
	struct xmip_icmp4_report r;
	struct tunnel_walk w = { .r = &r };
	uint8_t key[16] = { [10] = 0xff, [11] = 0xff };

	if (c->conf->role != XMIP_ROLE_HA || c->maps->bindings < 0)
		return;
	if (xmip_icmp4_report_parse(pkt, len, &r)) {
		log_debug("ICMP report of %zu octets not understood", len);
		return;
	}
	w.self4 = self4_of(c->conf);
	if (r.has_hoa) {
		memcpy(key + 12, &r.hoa, 4);
		lower(c, &r, w.self4, key);
		return;
	}
	/* RFC 2003 §5: the quote does not name the inner destination: every
	 * binding through that tunnel end learns it. */
	xmip_binding_foreach(c->maps, collect, &w);
	for (size_t i = 0; i < w.n; i++)
		lower(c, &r, w.self4, w.keys[i]);
}
