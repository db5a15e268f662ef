// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "cn.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "cn_mtu.h"
#include "cn_policy.h"
#include "core.h"
#include "icmp6err.h"
#include "icmp6sock.h"
#include "log.h"
#include "maps.h"
#include "mip6/mh.h"
#include "mip6/mh_rr.h"
#include "observe.h"
#include "pins.h"
#include "rawsend.h"
#include "ro_rate.h"
#include "rr_nonce.h"
#include "xmip_ro.h"

#define NS                 1000000000ull
#define SWEEP_MS           1000          /* expiry, refresh requests, nonce wiping */
#define ENTRY_BUCKETS      1024          /* power of two */
#define MAX_TOMBSTONES     4096
#define BRR_TRIES          3             /* Binding Refresh Requests per binding and lifetime */
#define BRR_SPACING_NS     (2 * NS)
#define BRR_MIN_ACTIVE_NS  (10 * NS)     /* "in active use": used within max(2 x lead, 10 s) */
#define IPV6_HDR_LEN       40

/*
 * What the agent keeps per home address beside the binding cache: the
 * sequence number of a deleted or expired binding while the nonces that
 * authorised it may still be valid (RFC 6275 §5.2.8, §9.5.3), and the
 * Binding Refresh Requests sent for the binding's current lifetime.
 */
struct hoa_entry {
	struct hoa_entry *next;
	uint8_t           hoa[16];
	bool              tomb;
	uint16_t          tomb_seq;
	uint64_t          tomb_until_ns;
	uint64_t          brr_for_ns;      /* expires_ns of the binding the BRRs are for */
	unsigned          brr_sent;
	uint64_t          brr_last_ns;
	struct xmip_cn_unreach unreach;    /* §9.3.4: Destination Unreachables for the binding */
};

struct xmip_cn {
	struct xmip_family           *f;
	const struct xmip_conf       *conf;
	const struct xmip_agent_maps *maps;
	int                           raw;
	int                           nl;       /* the core's netlink socket (route MTU), -1: none */
	int                           used_fd;  /* xmip_ro_used, -1 if absent */
	int                           peers_fd; /* xmip_ro_peers, -1 if absent */
	uint32_t                      peers;    /* the count last written to it */
	int                           icmp;     /* raw ICMPv6, Destination Unreachable; -1 */
	struct xmip_cn_params         prm;
	struct xmip_rr_nonces         nonces;
	struct xmip_ro_rate           rr_rate, be_rate;
	struct hoa_entry             *buckets[ENTRY_BUCKETS];
	size_t                        n_tombs;
	struct xmip_family_timer      sweep;
	bool                          accept;   /* answers inits and BUs (MN: [ro] accept-bindings) */
};

/*
 * Tell the datapath how many bindings there are (xmip_ro_peers): the MN's
 * tc egress skips its per-packet lookup at 0. Raised before a binding is
 * written, lowered by the sweep after the walk that counted them, so the
 * datapath never skips a live binding for longer than a second.
 */
static void peers_publish(struct xmip_cn *cn, uint32_t n)
{
	uint32_t key = 0;

	if (cn->peers_fd < 0 || n == cn->peers)
		return;
	if (bpf_map_update_elem(cn->peers_fd, &key, &n, BPF_ANY) == 0)
		cn->peers = n;
}

/* ---------------------------------------------------------------- entries */

static unsigned int bucket(const uint8_t hoa[16])
{
	uint32_t h = 2166136261u;  /* FNV-1a */

	for (int i = 0; i < 16; i++)
		h = (h ^ hoa[i]) * 16777619u;
	return h & (ENTRY_BUCKETS - 1);
}

static struct hoa_entry **slot(struct xmip_cn *cn, const uint8_t hoa[16])
{
	struct hoa_entry **pp = &cn->buckets[bucket(hoa)];

	while (*pp && !xmip_addr_eq((*pp)->hoa, hoa))
		pp = &(*pp)->next;
	return pp;
}

static struct hoa_entry *entry(struct xmip_cn *cn, const uint8_t hoa[16], bool create)
{
	struct hoa_entry **pp = slot(cn, hoa);

	if (*pp || !create)
		return *pp;
	*pp = calloc(1, sizeof(**pp));
	if (*pp)
		memcpy((*pp)->hoa, hoa, 16);
	return *pp;
}

static void entry_drop_if_idle(struct xmip_cn *cn, const uint8_t hoa[16])
{
	struct hoa_entry **pp = slot(cn, hoa), *e = *pp;

	if (!e || e->tomb || e->brr_for_ns || e->unreach.n)
		return;
	*pp = e->next;
	free(e);
}

static void tomb_clear(struct xmip_cn *cn, struct hoa_entry *e)
{
	if (e && e->tomb) {
		e->tomb = false;
		cn->n_tombs--;
	}
}

/* Everything forgotten at once, and every nonce with it (§5.2.8: the last measure). */
static void tombs_overflow(struct xmip_cn *cn)
{
	log_warn("more than %d deleted bindings to remember: invalidating every nonce instead "
		 "(RFC 6275 5.2.8); mobile nodes re-run return routability", MAX_TOMBSTONES);
	xmip_rr_nonces_clear(&cn->nonces);
	for (size_t i = 0; i < ENTRY_BUCKETS; i++) {
		for (struct hoa_entry *e = cn->buckets[i]; e; e = e->next)
			e->tomb = false;
	}
	cn->n_tombs = 0;
}

/* Remember the last sequence number of a binding that is gone (§5.2.8, §9.5.3). */
static void tomb_add(struct xmip_cn *cn, const uint8_t hoa[16], uint16_t seq, uint64_t now)
{
	struct hoa_entry *e;

	if (cn->n_tombs >= MAX_TOMBSTONES && !(entry(cn, hoa, false) && entry(cn, hoa, false)->tomb))
		tombs_overflow(cn);
	e = entry(cn, hoa, true);
	if (!e) {
		/* Without memory to remember it, no nonce may stay valid. */
		xmip_rr_nonces_clear(&cn->nonces);
		return;
	}
	if (!e->tomb)
		cn->n_tombs++;
	e->tomb = true;
	e->tomb_seq = seq;
	/* Every nonce used so far was made before now: none is valid after this. */
	e->tomb_until_ns = now + cn->nonces.lifetime_ns;
	e->brr_for_ns = 0;
}

/* ---------------------------------------------------------------- sending */

static bool send_pkt(struct xmip_cn *cn, const uint8_t *pkt, int len, const char *what)
{
	if (len <= 0) {
		log_err("could not build the %s", what);
		return false;
	}
	xmip_rawsend(cn->raw, pkt, (size_t)len, 0);
	return true;
}

/* RFC 6275 §9.3.3: to the wire source, unicast only, rate-limited like ICMPv6. */
static void send_be(struct xmip_cn *cn, const struct in6_addr *dst, uint8_t status,
		    const struct in6_addr *hoa, uint64_t now)
{
	static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
	uint8_t out[128];
	unsigned int more;

	if (IN6_IS_ADDR_MULTICAST(dst) || IN6_IS_ADDR_UNSPECIFIED(dst))
		return;
	if (!xmip_ro_rate_take(&cn->be_rate, now))
		return;
	if (xmip_log_ratelimit(&rl, &more))
		log_info("Binding Error status %u to %s (home address %s)%s", status,
			 xmip_ip6str(dst), hoa ? xmip_ip6str(hoa) : "::",
			 more ? " (earlier ones not logged)" : "");
	if (send_pkt(cn, out, xmip_pkt_build_be(out, sizeof(out), &cn->prm.self, dst, status, hoa),
		     "Binding Error"))
		xmip_ro_observe_sent(XMIP_MH_BE);
}

static void send_brr(struct xmip_cn *cn, const uint8_t hoa[16])
{
	uint8_t mh[XMIP_MH_MIN_BRR_LEN], out[64];
	struct in6_addr dst;
	int len = xmip_rr_build_brr(mh, sizeof(mh));

	memcpy(dst.s6_addr, hoa, 16);
	/* §9.5.5: always to the home address; an MH bypasses the binding cache (§6.1). */
	if (len > 0)
		len = xmip_rr_pkt(out, sizeof(out), &cn->prm.self, &dst, NULL, NULL, mh, (size_t)len);
	if (send_pkt(cn, out, len, "Binding Refresh Request"))
		xmip_ro_observe_sent(XMIP_MH_BRR);
}

/*
 * RFC 6275 §9.2: a Payload Proto other than 59, or a Header Len too short
 * for the type, gets an ICMPv6 Parameter Problem code 0 pointing at the
 * field, straight to the packet's source (no binding looked at): the
 * core's, as the HA's (agentd/mip6/family.c), rate-limited per source and
 * overall there (RFC 4443 §2.4(f)) and by be-rate here, as our other
 * answers to packets anyone can forge. Returns what the log says of it.
 */
static const char *send_param_problem(struct xmip_cn *cn, uint32_t ifindex, const uint8_t *buf,
				      size_t len, long ptr, uint64_t now)
{
	int rc;

	if (!xmip_ro_rate_take(&cn->be_rate, now))
		return "; Parameter Problem rate-limited";
	rc = xmip_core_icmp6_error(cn->f->core, ifindex, XMIP_ICMP6_PARAM_PROB,
				   XMIP_ICMP6_PARAM_PROB_HEADER, (uint32_t)ptr, buf, len);
	return rc > 0 ? "; ICMPv6 Parameter Problem sent" :
	       rc == 0 ? "; Parameter Problem rate-limited" : "";
}

/* ---------------------------------------------------------------- messages */

static void on_init(struct xmip_cn *cn, const struct xmip_pkt *p, uint64_t now)
{
	struct xmip_rr_msg msg;
	uint8_t out[128];
	int len;

	/* The MH must fill the payload (Payload Proto 59) and be well formed. */
	if (p->mh_off + p->mh_len != IPV6_HDR_LEN + (size_t)p->payload_len ||
	    xmip_rr_parse(p->mh, p->mh_len, &msg) != XMIP_PARSE_OK) {
		log_debug("malformed test init from %s ignored", xmip_ip6str(&p->src));
		xmip_ro_observe_malformed();
		return;
	}
	xmip_ro_observe_rx(msg.type);
	if (!cn->accept) {
		/* §8.2: route optimisation administratively disabled. */
		log_debug("test init from %s ignored (accept-bindings = no)", xmip_ip6str(&p->src));
		return;
	}
	if (!xmip_ro_rate_take(&cn->rr_rate, now))
		return;
	len = xmip_cn_answer_init(p, &msg, &cn->nonces, &cn->prm.self, now, out, sizeof(out));
	if (len == 0) {
		log_debug("%s from %s ignored (HAO, RH2 or source not unicast routable)",
			  msg.type == XMIP_MH_HOTI ? "HoTI" : "CoTI", xmip_ip6str(&p->src));
		return;
	}
	log_debug("%s to %s", msg.type == XMIP_MH_HOTI ? "HoT" : "CoT", xmip_ip6str(&p->src));
	if (send_pkt(cn, out, len, msg.type == XMIP_MH_HOTI ? "Home Test" : "Care-of Test"))
		xmip_ro_observe_sent(msg.type == XMIP_MH_HOTI ? XMIP_MH_HOT : XMIP_MH_COT);
}

static void log_refusal(const struct xmip_cn_decision *d, const struct xmip_pkt *p)
{
	/* Anyone can make us refuse: a flood of forged BUs must not flood the log. */
	static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
	unsigned int more;

	if (!xmip_log_ratelimit(&rl, &more))
		return;
	if (d->action == XMIP_CN_DISCARD)
		log_warn("BU from %s seq %u discarded: %s%s", xmip_ip6str(&p->src), p->msg.seq,
			 d->why, more ? " (and earlier refusals not logged)" : "");
	else
		log_warn("BU refused: status %u (%s) HoA %s CoA %s seq %u: %s%s", d->status,
			 xmip_ba_status_name(d->status), xmip_ip6str(&d->hoa), xmip_ip6str(&d->coa),
			 p->msg.seq, d->why, more ? " (and earlier refusals not logged)" : "");
}

static void on_bu(struct xmip_cn *cn, const struct xmip_pkt *p, uint64_t now)
{
	struct xmip_cn_decision d;
	struct xmip_cn_state st = { 0 };
	struct hoa_entry *e;
	struct in6_addr hoa;
	uint8_t out[128];
	bool ba_sent = false;
	int rc;

	xmip_ro_observe_rx(XMIP_MH_BU);
	if (!cn->accept) {
		/* No test was answered, so no BU can be authorised: as if unknown. */
		log_debug("BU from %s ignored (accept-bindings = no)", xmip_ip6str(&p->src));
		return;
	}
	xmip_cn_bu_hoa(p, &hoa);
	st.has_binding = xmip_binding_get(cn->maps, hoa.s6_addr, &st.binding) == 0;
	e = entry(cn, hoa.s6_addr, false);
	if (e && e->tomb && e->tomb_until_ns > now) {
		st.has_tombstone = true;
		st.tombstone_seq = e->tomb_seq;
	}
	xmip_cn_decide_bu(p, &cn->nonces, &st, &cn->prm, now, &d);

	switch (d.action) {
	case XMIP_CN_DISCARD:
	case XMIP_CN_REJECT:
		log_refusal(&d, p);
		break;
	case XMIP_CN_CACHE:
		if (cn->peers == 0 || cn->peers == UINT32_MAX)
			peers_publish(cn, 1);
		rc = xmip_binding_put(cn->maps, hoa.s6_addr, &d.binding);
		if (rc) {
			/* §9.5.2: a cache that is full answers 130, and changes nothing. */
			d.action = XMIP_CN_REJECT;
			d.status = XMIP_BA_INSUFFICIENT_RESOURCES;
			d.send_ba = true;
			d.ba_lifetime_units = 0;
			d.why = rc == -E2BIG ? "binding cache full (max-bindings)" : "binding write failed";
			log_refusal(&d, p);
			break;
		}
		e = entry(cn, hoa.s6_addr, false);
		if (e) {
			tomb_clear(cn, e);
			e->brr_for_ns = 0;
			e->unreach.n = 0;   /* the mobile node is heard from: count afresh */
			entry_drop_if_idle(cn, hoa.s6_addr);
		}
		log_info("%s: HoA %s -> CoA %s lifetime %u s seq %u", d.why, xmip_ip6str(&hoa),
			 xmip_ip6str(&d.coa), d.binding.lifetime_s, d.binding.seq);
		/* Room for the routing header in what the kernel sizes (cn_mtu.h);
		 * made again at each BU: the CoA, its path, the routes may change. */
		xmip_cn_mtu_bind(cn->nl, &hoa, &d.coa);
		break;
	case XMIP_CN_DELETE:
		rc = xmip_binding_del(cn->maps, hoa.s6_addr);
		if (rc && rc != -ENOENT)
			log_err("binding delete for HoA %s: %s", xmip_ip6str(&hoa), strerror(-rc));
		tomb_add(cn, hoa.s6_addr, d.last_seq, now);
		xmip_cn_mtu_unbind(cn->nl, &hoa);
		log_info("binding deleted: HoA %s seq %u", xmip_ip6str(&hoa), d.last_seq);
		break;
	}
	/* Refusals answer forgeable packets: rate-limited. An accepted BU proved both tokens. */
	if (d.send_ba && (d.action != XMIP_CN_REJECT || xmip_ro_rate_take(&cn->rr_rate, now)))
		ba_sent = send_pkt(cn, out, xmip_cn_build_ba(&d, &cn->prm.self, out, sizeof(out)),
				   "Binding Acknowledgement");
	xmip_ro_observe_bu(cn->f, p, &d, st.has_binding ? &st.binding : NULL, ba_sent);
	OPENSSL_cleanse(d.kbm, sizeof(d.kbm));
}

void xmip_cn_handle(struct xmip_cn *cn, uint32_t ifindex, const uint8_t *buf, size_t len)
{
	static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
	struct in6_addr src, hao;
	enum xmip_parse_err perr;
	uint64_t now = xmip_now_ns();
	unsigned int more;
	struct xmip_pkt p;
	long ptr;

	perr = xmip_pkt_parse(buf, len, &p);
	ptr = xmip_cn_param_problem(&p, perr);
	if (ptr >= 0) {
		const char *answer = send_param_problem(cn, ifindex, buf, len, ptr, now);

		if (perr == XMIP_PARSE_UNKNOWN_MH_TYPE)   /* HoTI, CoTI: xmip_rr_parse's verdict */
			perr = p.mh[0] != XMIP_IPPROTO_NONE ? XMIP_PARSE_BAD_PAYLOAD_PROTO :
							       XMIP_PARSE_MH_TOO_SHORT;
		xmip_ro_observe_malformed();
		if (xmip_log_ratelimit(&rl, &more))
			log_warn("MH packet of %zu octets from %s discarded: %s%s%s", len,
				 xmip_ip6str(&p.src), xmip_parse_strerror(perr), answer,
				 more ? " (and earlier ones not logged)" : "");
		return;
	}
	if (perr == XMIP_PARSE_OK && p.msg.type == XMIP_MH_BU) {
		on_bu(cn, &p, now);
		return;
	}
	if (perr == XMIP_PARSE_OK) {
		/* BA, BE, BRR: messages for a mobile node, which the CN is not. */
		xmip_ro_observe_rx(p.msg.type);
		log_debug("MH type %u from %s ignored (not for a correspondent)", p.msg.type,
			  xmip_ip6str(&p.src));
		return;
	}
	if (perr == XMIP_PARSE_UNKNOWN_MH_TYPE) {
		if (p.msg.type == XMIP_MH_HOTI || p.msg.type == XMIP_MH_COTI) {
			on_init(cn, &p, now);
			return;
		}
		xmip_ro_observe_rx(p.msg.type);
		if (p.msg.type > XMIP_MH_BE)   /* §9.2: unknown type -> Binding Error 2 */
			send_be(cn, &p.src, XMIP_BE_UNRECOGNISED_MH, p.has_hao ? &p.hao : NULL, now);
		else
			log_debug("MH type %u from %s ignored (not for a correspondent)", p.msg.type,
				  xmip_ip6str(&p.src));
		return;
	}
	/* The datapath's report of a Home Address option it refused (§9.3.1). */
	if (xmip_cn_hao_report(buf, len, &src, &hao)) {
		send_be(cn, &src, XMIP_BE_UNKNOWN_HAO_BINDING, &hao, now);
		return;
	}
	xmip_ro_observe_malformed();
	if (xmip_log_ratelimit(&rl, &more))
		log_warn("MH packet of %zu octets on ifindex %u discarded: %s%s", len, ifindex,
			 xmip_parse_strerror(perr), more ? " (and earlier ones not logged)" : "");
}

/* ---------------------------------------------------------------- ICMPv6 errors */

/*
 * RFC 6275 §9.3.4: persistent Destination Unreachables about the packets
 * the datapath sends on a binding (from us, to its CoA, a type-2 routing
 * header naming the home address) delete the binding (xmip_cn_unreach_note
 * says when); the mobile node's packets with a Home Address option then
 * get Binding Error 1 and it registers again. The kernel handles the
 * error; the raw socket sees a copy. Forged errors can delete a binding
 * only by naming its home and care-of addresses, and the cost is the route
 * through the home agent.
 */
static void on_unreach(struct xmip_cn *cn, const struct in6_addr *from, const uint8_t *b,
		       size_t n, uint64_t now)
{
	struct xmip_binding bd;
	struct in6_addr coa, hoa;
	struct hoa_entry *e;
	int rc;

	if (!xmip_cn_unreach_quote(b, n, &cn->prm.self, &coa, &hoa) ||
	    xmip_binding_get(cn->maps, hoa.s6_addr, &bd) || bd.encap != XMIP_ENCAP_RH2 ||
	    !xmip_addr_eq(bd.coa, coa.s6_addr))
		return;
	e = entry(cn, hoa.s6_addr, true);
	if (!e || !xmip_cn_unreach_note(&e->unreach, coa.s6_addr, now)) {
		log_debug("Destination Unreachable (code %u) from %s about HoA %s CoA %s: %u",
			  b[1], xmip_ip6str(from), xmip_ip6str(&hoa), xmip_ip6str(&coa),
			  e ? e->unreach.n : 0);
		return;
	}
	rc = xmip_binding_del(cn->maps, hoa.s6_addr);
	if (rc && rc != -ENOENT)
		log_err("binding delete for HoA %s: %s", xmip_ip6str(&hoa), strerror(-rc));
	e->unreach.n = 0;
	tomb_add(cn, hoa.s6_addr, bd.seq, now);
	log_info("binding deleted: HoA %s CoA %s seq %u: %u ICMPv6 Destination Unreachables "
		 "in %llu s (RFC 6275 9.3.4)", xmip_ip6str(&hoa), xmip_ip6str(&coa), bd.seq,
		 XMIP_CN_UNREACH_COUNT, (unsigned long long)(XMIP_CN_UNREACH_SPAN_NS / NS));
}

static void on_icmp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_cn *cn = arg;
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	uint8_t b[512];
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = recvfrom(fd, b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&from, &fl)) >= 0) {
		fl = sizeof(from);
		if (n > 0)
			on_unreach(cn, &from.sin6_addr, b, (size_t)n, xmip_now_ns());
	}
}

static int open_icmp(void)
{
	static const uint8_t types[] = { ICMP6_DST_UNREACH };

	return xmip_icmp6_socket(types, sizeof(types));
}

/* ---------------------------------------------------------------- sweep */

struct sweep_ctx {
	struct xmip_cn *cn;
	uint64_t        now;
	unsigned        live;
};

/* "In active use" (§9.1, §9.5.5): the datapath used it lately (xmip_ro_used). */
static bool in_use(struct xmip_cn *cn, const uint8_t hoa[16], uint64_t now)
{
	uint64_t window = 2ull * cn->conf->ro.brr_lead_s * NS;
	struct xmip_binding_key k;
	struct xmip_ro_used u;

	if (cn->used_fd < 0)
		return false;
	memcpy(k.hoa, hoa, 16);
	if (bpf_map_lookup_elem(cn->used_fd, &k, &u))
		return false;
	if (window < BRR_MIN_ACTIVE_NS)
		window = BRR_MIN_ACTIVE_NS;
	return u.last_ns + window >= now;
}

static int sweep_binding(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	struct sweep_ctx *s = arg;
	struct xmip_cn *cn = s->cn;
	uint64_t lead = (uint64_t)cn->conf->ro.brr_lead_s * NS;
	struct hoa_entry *e;

	if (b->encap != XMIP_ENCAP_RH2)
		return 0;
	/* §9.6: deleted when its lifetime is over (the datapath stopped using it then). */
	if (b->expires_ns <= s->now) {
		struct in6_addr h;

		memcpy(h.s6_addr, hoa, 16);
		xmip_binding_del(cn->maps, hoa);
		xmip_cn_mtu_unbind(cn->nl, &h);
		tomb_add(cn, hoa, b->seq, s->now);
		log_info("binding expired: HoA %s CoA %s seq %u", xmip_ip6str(hoa),
			 xmip_ip6str(b->coa), b->seq);
		xmip_ro_observe_expired(hoa, b);
		return 0;
	}
	s->live++;
	if (!lead || b->expires_ns - s->now > lead || !in_use(cn, hoa, s->now))
		return 0;
	/* §9.5.5: ask the mobile node to refresh, a few times, spaced, rate-limited. */
	e = entry(cn, hoa, true);
	if (!e)
		return 0;
	if (e->brr_for_ns != b->expires_ns) {
		e->brr_for_ns = b->expires_ns;
		e->brr_sent = 0;
		e->brr_last_ns = 0;
	}
	if (e->brr_sent >= BRR_TRIES || (e->brr_sent && s->now - e->brr_last_ns < BRR_SPACING_NS))
		return 0;
	if (!xmip_ro_rate_take(&cn->rr_rate, s->now))
		return 0;
	e->brr_sent++;
	e->brr_last_ns = s->now;
	log_info("Binding Refresh Request %u/%d to HoA %s (binding in use, %llu s left)",
		 e->brr_sent, BRR_TRIES, xmip_ip6str(hoa),
		 (unsigned long long)((b->expires_ns - s->now) / NS));
	send_brr(cn, hoa);
	return 0;
}

static void sweep(struct xmip_cn *cn)
{
	struct sweep_ctx s = { .cn = cn, .now = xmip_now_ns() };
	int rc;

	xmip_rr_nonces_expire(&cn->nonces, s.now);
	for (size_t i = 0; i < ENTRY_BUCKETS; i++) {
		struct hoa_entry **pp = &cn->buckets[i];

		while (*pp) {
			struct hoa_entry *e = *pp;

			if (e->tomb && e->tomb_until_ns <= s.now)
				tomb_clear(cn, e);
			/* BRR state of a binding that is gone or was refreshed. */
			if (e->brr_for_ns && e->brr_for_ns <= s.now)
				e->brr_for_ns = 0;
			/* Errors that stopped coming. */
			if (e->unreach.n && s.now - e->unreach.last_ns > XMIP_CN_UNREACH_GAP_NS)
				e->unreach.n = 0;
			if (!e->tomb && !e->brr_for_ns && !e->unreach.n) {
				*pp = e->next;
				free(e);
				continue;
			}
			pp = &e->next;
		}
	}
	rc = xmip_binding_foreach(cn->maps, sweep_binding, &s);
	if (rc)
		log_err("binding cache walk: %s", strerror(-rc));
	else
		peers_publish(cn, s.live);
	xmip_family_timer_in_ms(&cn->sweep, SWEEP_MS);
}

void xmip_cn_timer(struct xmip_cn *cn, struct xmip_family_timer *t)
{
	if (t == &cn->sweep)
		sweep(cn);
}

/* ---------------------------------------------------------------- life */

struct xmip_cn *xmip_cn_new(struct xmip_family *f)
{
	const struct xmip_conf *conf = f->core->conf;
	struct xmip_cn *cn = calloc(1, sizeof(*cn));
	uint64_t now = xmip_now_ns();
	char err[256];

	if (!cn)
		return NULL;
	cn->icmp = -1;
	cn->peers_fd = -1;
	cn->f = f;
	cn->conf = conf;
	cn->maps = f->core->maps;
	cn->raw = f->core->raw;
	/* A mobile node is a correspondent for its home address (RFC 6275 §9.3),
	 * the one its peers run return routability against; a CN for its address. */
	cn->prm.self = conf->role == XMIP_ROLE_MN ? conf->self.hoa : conf->address;
	/* The route MTU toward bound home addresses (cn_mtu.h): the CN's; a
	 * mobile node's packets from its HoA follow its table 4191 instead. */
	cn->nl = conf->role == XMIP_ROLE_CN ? f->core->nl : -1;
	cn->accept = conf->role != XMIP_ROLE_MN || conf->ro.accept_bindings;
	cn->prm.max_lifetime_s = conf->ro.max_lifetime_s;
	if (cn->maps->bindings < 0) {
		log_err("no binding cache map open (is the instance attached as role %s?)",
			conf->role == XMIP_ROLE_MN ? "mn, by this build" : "cn");
		free(cn);
		return NULL;
	}
	if (xmip_rr_nonces_init(&cn->nonces, (uint64_t)conf->ro.nonce_interval_s * NS,
				(uint64_t)conf->ro.nonce_lifetime_s * NS, NULL, NULL)) {
		log_err("no random numbers for the node key: %s", strerror(errno));
		free(cn);
		return NULL;
	}
	/* Bursts of a second's worth, at least a few. */
	xmip_ro_rate_init(&cn->rr_rate, conf->ro.rr_rate, conf->ro.rr_rate < 4 ? 4 : conf->ro.rr_rate,
			  now);
	xmip_ro_rate_init(&cn->be_rate, conf->ro.be_rate, conf->ro.be_rate < 4 ? 4 : conf->ro.be_rate,
			  now);
	/* Absent (attached by an older build): its datapath does not read it. */
	cn->peers_fd = xmip_map_open(conf->instance, XMIP_MAP_RO_PEERS, err, sizeof(err));
	cn->peers = UINT32_MAX;   /* unknown: the first sweep writes it */
	cn->used_fd = xmip_map_open(conf->instance, XMIP_MAP_RO_USED, err, sizeof(err));
	if (cn->used_fd < 0)
		log_warn("%s: no Binding Refresh Requests (no usage to go by)", err);
	xmip_family_timer_init(f, &cn->sweep, NULL);
	cn->icmp = open_icmp();
	if (cn->icmp >= 0 && xmip_loop_add_fd(f->core->loop, cn->icmp, EPOLLIN, on_icmp, cn)) {
		close(cn->icmp);
		cn->icmp = -1;
	}
	if (cn->icmp < 0)
		log_warn("ICMPv6 socket for Destination Unreachables: %s; bindings are kept "
			 "whatever the path to their care-of address does", strerror(errno));
	if (!cn->accept)
		log_info("correspondent %s: accept-bindings = no (Binding Errors only)",
			 xmip_ip6str(&cn->prm.self));
	else
		log_info("correspondent %s: bindings up to %u s, a new nonce and node key every "
			 "%u s, each accepted %u s", xmip_ip6str(&cn->prm.self),
			 conf->ro.max_lifetime_s, conf->ro.nonce_interval_s,
			 conf->ro.nonce_lifetime_s);
	return cn;
}

static int count_binding(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	(void)hoa;
	if (b->encap == XMIP_ENCAP_RH2)
		(*(unsigned *)arg)++;
	return 0;
}

int xmip_cn_adopt(struct xmip_cn *cn)
{
	unsigned n = 0;

	xmip_binding_foreach(cn->maps, count_binding, &n);
	if (n)
		log_info("%u correspondent bindings left by a previous agent: kept until they "
			 "expire (their nonces died with it: refreshing needs a new RR)", n);
	xmip_cn_mtu_adopt(cn->nl, cn->maps, xmip_now_ns());
	sweep(cn);
	return 0;
}

void xmip_cn_free(struct xmip_cn *cn)
{
	if (!cn)
		return;
	xmip_family_timer_cancel(&cn->sweep);
	if (cn->icmp >= 0) {
		xmip_loop_del_fd(cn->f->core->loop, cn->icmp);
		close(cn->icmp);
	}
	xmip_rr_nonces_clear(&cn->nonces);
	for (size_t i = 0; i < ENTRY_BUCKETS; i++) {
		while (cn->buckets[i]) {
			struct hoa_entry *e = cn->buckets[i];

			cn->buckets[i] = e->next;
			free(e);
		}
	}
	if (cn->used_fd >= 0)
		close(cn->used_fd);
	if (cn->peers_fd >= 0)
		close(cn->peers_fd);
	OPENSSL_cleanse(cn, sizeof(*cn));
	free(cn);
}
