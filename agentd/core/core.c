// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "config.h"
#include "fwsync.h"
#include "icmp_report.h"
#include "log.h"
#include "maps.h"
#include "netlink.h"
#include "nh_watch.h"
#include "pmtu_age.h"
#include "rawsend.h"
#include "signal_rx.h"

void xmip_core_init(struct xmip_core *c, struct xmip_loop *loop, const struct xmip_conf *conf,
		    struct xmip_agent_maps *maps)
{
	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->conf = conf;
	c->maps = maps;
	c->raw = c->nl = -1;
	xmip_timer_init(&c->age_timer, NULL, NULL);
}

/* hoa's binding forgets its learnt path MTU (if it still has one). */
static void pmtu_forget(struct xmip_core *c, const uint8_t hoa[16])
{
	if (xmip_binding_mtu_forget(c->maps, hoa) == 1)
		log_info("path MTU learnt for home address %s aged out (RFC 1191 §6.3): the "
			 "next error teaches it again", xmip_ip6str((const struct in6_addr *)hoa));
}

static void pmtu_arm(struct xmip_core *c)
{
	uint64_t next = xmip_pmtu_age_next(c->age);

	if (!c->loop)
		return;
	if (next)
		xmip_loop_timer_at(c->loop, &c->age_timer, next);
	else
		xmip_loop_timer_cancel(c->loop, &c->age_timer);
}

static void on_pmtu_age(struct xmip_loop *loop, struct xmip_timer *t, void *arg)
{
	struct xmip_core *c = arg;
	uint8_t hoa[16];

	(void)loop;
	(void)t;
	while (xmip_pmtu_age_due(c->age, xmip_now_ns(), hoa))
		pmtu_forget(c, hoa);
	pmtu_arm(c);
}

void xmip_core_pmtu_learnt(struct xmip_core *c, const uint8_t hoa[16])
{
	uint8_t ev[16];

	if (!c->age) {
		c->age = calloc(1, sizeof(*c->age));
		if (!c->age)
			return;   /* then it stays until the binding's CoA changes */
		xmip_timer_init(&c->age_timer, on_pmtu_age, c);
	}
	if (xmip_pmtu_age_note(c->age, hoa, xmip_now_ns(), XMIP_PMTU_AGE_NS, ev))
		pmtu_forget(c, ev);
	pmtu_arm(c);
}

int xmip_core_icmp6_error(struct xmip_core *c, uint32_t ifindex, uint8_t type, uint8_t code,
			  uint32_t param, const uint8_t *pkt, size_t len)
{
	if (c->raw < 0)
		return -1;
	return xmip_icmp6err_send(&c->icmp, c->raw, ifindex, type, code, param, pkt, len,
				  xmip_now_ns());
}

int xmip_core_open_sockets(struct xmip_core *c)
{
	if (xmip_icmp6err_init(&c->icmp)) {
		log_err("agent: out of memory");
		return -1;
	}
	c->raw = xmip_rawsend_open();
	c->nl = xmip_nl_open();
	if (c->raw < 0 || c->nl < 0) {
		log_err("agent sockets: %s", strerror(-(c->raw < 0 ? c->raw : c->nl)));
		return -1;
	}
	return 0;
}

static bool runs(const struct xmip_family_ops *ops, const struct xmip_conf *conf)
{
	return (ops->roles & XMIP_ROLE_BIT(conf->role)) && (!ops->wanted || ops->wanted(conf));
}

void xmip_core_on_signal(void *core, uint8_t family, uint32_t ifindex,
			 const uint8_t *pkt, size_t len)
{
	xmip_core_dispatch(core, family, ifindex, pkt, len);
}

int xmip_core_start(struct xmip_core *c, const struct xmip_family_ops *const *table, size_t n)
{
	/* (Unit tests run the core without maps: no table then.) */
	if (c->conf->role == XMIP_ROLE_HA && c->maps->bindings >= 0) {
		c->fw = xmip_fwsync_new(c->loop, c->conf, c->maps, c->nl);
		if (!c->fw)
			return -1;
		c->maps->fw = c->fw;
	}
	for (size_t i = 0; i < n; i++) {
		struct xmip_family *f = &c->fams[c->n_fams];

		if (!runs(table[i], c->conf))
			continue;
		if (c->n_fams == XMIP_CORE_MAX_FAMILIES) {
			log_err("more than %d families for one role", XMIP_CORE_MAX_FAMILIES);
			goto fail;
		}
		f->ops = table[i];
		f->core = c;
		f->state = NULL;
		if (f->ops->start(f))
			goto fail;
		c->n_fams++;
	}
	if (!c->n_fams) {
		log_err("no protocol family serves this role");
		return -1;
	}
	for (size_t i = 0; i < c->n_fams; i++)
		if (c->fams[i].ops->adopt && c->fams[i].ops->adopt(&c->fams[i]))
			goto fail;
	/* Only the HA datapath has next hops to keep (bpf/lib/nexthop.h, fwtable.h). */
	if (c->conf->role == XMIP_ROLE_HA) {
		c->nh = xmip_nh_watch_new(c->loop, c->maps->nh_gen, c->fw);
		if (!c->nh)
			goto fail;
		if (c->fw)
			xmip_fwsync_sweep(c->fw);
	}
	if (c->maps->signal >= 0) {
		c->rx = xmip_signal_rx_new(c->loop, c->maps->signal, xmip_core_on_signal, c);
		if (!c->rx)
			goto fail;
	}
	return 0;
fail:
	xmip_core_stop(c);
	return -1;
}

struct xmip_family *xmip_core_family(struct xmip_core *c, const char *name)
{
	for (size_t i = 0; i < c->n_fams; i++)
		if (strcmp(c->fams[i].ops->name, name) == 0)
			return &c->fams[i];
	return NULL;
}

void xmip_core_dispatch(struct xmip_core *c, uint8_t family, uint32_t ifindex,
			const uint8_t *pkt, size_t len)
{
	c->rx_ns = xmip_now_ns();   /* registration latency starts here (metrics.h) */
	/* Not a family: the datapath's own report, the core's to handle. */
	if (family == XMIP_FAMILY_ICMP_REPORT) {
		xmip_icmp_report_handle(c, ifindex, pkt, len);
		return;
	}
	/* The MN datapath's report of a new destination: its IPv6 header. */
	if (family == XMIP_FAMILY_RO_LEARN) {
		struct in6_addr src, dst;

		if (len < 40 || (pkt[0] >> 4) != 6)
			return;
		memcpy(&src, pkt + 8, 16);
		memcpy(&dst, pkt + 24, 16);
		for (size_t i = 0; i < c->n_fams; i++)
			if (c->fams[i].ops->ro_learn)
				c->fams[i].ops->ro_learn(&c->fams[i], &src, &dst);
		return;
	}
	for (size_t i = 0; i < c->n_fams; i++) {
		if (c->fams[i].ops->id == family) {
			c->fams[i].ops->handle(&c->fams[i], ifindex, pkt, len);
			return;
		}
	}
	/* A datapath newer than this agent, or a family this role does not run. */
	if (c->unclaimed++ % 1000 == 0)
		log_warn("signalling record for family %u on ifindex %u: no such family runs "
			 "(%llu so far)", family, ifindex, (unsigned long long)c->unclaimed);
}

void xmip_core_stop(struct xmip_core *c)
{
	xmip_signal_rx_free(c->rx);
	c->rx = NULL;
	xmip_nh_watch_free(c->nh);
	c->nh = NULL;
	while (c->n_fams) {
		struct xmip_family *f = &c->fams[--c->n_fams];

		f->ops->stop(f);
		f->state = NULL;
	}
	if (c->maps)
		c->maps->fw = NULL;
	xmip_fwsync_free(c->fw);
	c->fw = NULL;
	if (c->raw >= 0)
		close(c->raw);
	if (c->nl >= 0)
		close(c->nl);
	c->raw = c->nl = -1;
	xmip_icmp6err_free(&c->icmp);
	if (c->loop)
		xmip_loop_timer_cancel(c->loop, &c->age_timer);
	free(c->age);
	c->age = NULL;
}
