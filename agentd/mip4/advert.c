// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Agent Advertisements (RFC 5944 §2.1, §2.3; RFC 1256 §3). */
#include "mip4_advert.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

static const uint8_t all_systems[4] = { 224, 0, 0, 1 };
static const uint8_t limited_bcast[4] = { 255, 255, 255, 255 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void send_one(struct xmip_mip4_advertiser *a, struct xmip_mip4_adv_if *ai,
		     const uint8_t dmac[6], const uint8_t dst[4])
{
	struct xmip_mip4_adv adv = {
		.code = XMIP_MIP4_ADV_CODE_ROUTER, .lifetime = a->lifetime, .seq = a->seq,
		.reg_lifetime = a->reg_lifetime, .flags = a->flags, .n_coa = a->n_coa,
	};
	uint8_t icmp[512], frame[XMIP_MIP4_FRAME_MAX], smac[6], addr[4], plen = 32;
	int n, fl;

	if (xmip_l2_if_mac(ai->ifindex, smac) || xmip_mip4_if_addr4(ai->ifindex, addr, &plen)) {
		log_debug("mip4: no address on ifindex %u yet: no advertisement", ai->ifindex);
		return;
	}
	/* §2.3.1: only our own address, and its prefix length (§2.1.2). */
	adv.n_rtr = 1;
	memcpy(adv.rtr[0], addr, 4);
	adv.has_prefix_len = true;
	adv.prefix_len[0] = plen;
	memcpy(adv.coa, a->coa, (size_t)a->n_coa * 4);
	n = xmip_mip4_adv_build(icmp, sizeof(icmp), &adv);
	if (n < 0)
		return;
	/* §2.1: TTL 1. */
	fl = xmip_mip4_frame_build_ip(frame, sizeof(frame), dmac, smac, addr, dst, 1, 1, 0, 0,
				      (uint16_t)rand(), icmp, (size_t)n);
	if (fl < 0 || xmip_l2_send(a->fd, ai->ifindex, frame, (size_t)fl)) {
		log_warn("mip4: advertisement on ifindex %u not sent", ai->ifindex);
		return;
	}
	a->sent++;
	a->seq = xmip_mip4_adv_seq_next(a->seq);
}

static void periodic(void *obj)
{
	struct xmip_mip4_adv_if *ai = obj;
	struct xmip_mip4_advertiser *a = ai->a;
	uint8_t mac[6];
	uint64_t ms;

	xmip_mip4_mcast_mac(all_systems, mac);
	send_one(a, ai, mac, all_systems);
	/* Slightly randomised around the interval (RFC 1256 §3.6: against synchronisation). */
	ms = (uint64_t)a->interval_s * 1000;
	ms = ms - ms / 10 + (uint64_t)rand() % (ms / 5 + 1);
	xmip_mip4_timer_in_ms(&ai->t, ms);
}

void xmip_mip4_adv_start(struct xmip_mip4_advertiser *a, struct xmip_family *f, int fd,
			 const uint32_t *ifindexes, size_t n)
{
	a->fd = fd;
	a->n_ifs = 0;
	for (size_t i = 0; i < n && a->n_ifs < XMIP_MIP4_ADV_IFS; i++) {
		struct xmip_mip4_adv_if *ai = &a->ifs[a->n_ifs++];

		memset(ai, 0, sizeof(*ai));
		ai->a = a;
		ai->ifindex = ifindexes[i];
		xmip_mip4_timer_init(f, &ai->t, periodic, ai);
		if (a->interval_s)
			xmip_mip4_timer_in_ms(&ai->t, 100 + (uint64_t)rand() % 400);
	}
}

void xmip_mip4_adv_solicited(struct xmip_mip4_advertiser *a, uint32_t ifindex,
			     const uint8_t smac[6], const uint8_t src[4])
{
	static const uint8_t any[4];
	uint64_t now = xmip_now_ns();

	for (size_t i = 0; i < a->n_ifs; i++) {
		struct xmip_mip4_adv_if *ai = &a->ifs[i];

		if (ai->ifindex != ifindex)
			continue;
		/* §2.3: the rate of our answers is limited (10 a second per link). */
		if (now - ai->last_answer_ns < 100000000ull)
			return;
		ai->last_answer_ns = now;
		a->solicited++;
		/* §2.1: to the solicitor's link-layer address; its IP source if it has one. */
		send_one(a, ai, memcmp(smac, bcast_mac, 6) ? smac : bcast_mac,
			 memcmp(src, any, 4) ? src : limited_bcast);
		return;
	}
}

void xmip_mip4_adv_stop(struct xmip_mip4_advertiser *a)
{
	for (size_t i = 0; i < a->n_ifs; i++)
		xmip_mip4_timer_cancel(&a->ifs[i].t);
	a->n_ifs = 0;
}
