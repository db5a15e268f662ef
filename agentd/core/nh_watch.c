// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nh_watch.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "fwsync.h"
#include "log.h"
#include "loop.h"
#include "netlink.h"
#include "nh_gen.h"
#include "xmip_maps.h"

struct xmip_nh_watch {
	struct xmip_loop *loop;
	int               mon;   /* netlink monitor, -1 if none */
	uint64_t         *gen;   /* xmip_nh_gen, mmapped; NULL if none */
	struct xmip_fwsync *fw;  /* the fast-path table's next hops; NULL: none */
	int               seen;  /* events of the batch being read */
};

static void bump(struct xmip_nh_watch *w, const char *why)
{
	uint64_t gen = xmip_nh_gen_bump_mapped(w->gen);

	log_debug("next-hop generation %llu (%s)", (unsigned long long)gen, why);
}

static int on_msg(const struct nlmsghdr *h, void *arg)
{
	struct xmip_nh_watch *w = arg;

	switch (h->nlmsg_type) {
	case RTM_NEWADDR: case RTM_DELADDR:
	case RTM_NEWLINK: case RTM_DELLINK:
	case RTM_NEWROUTE: case RTM_DELROUTE:
	case RTM_NEWNEIGH: case RTM_DELNEIGH:
	case RTM_NEWNETCONF: case RTM_DELNETCONF:
		w->seen++;
		if (w->fw)
			xmip_fwsync_on_netlink(w->fw, h);
	}
	return 0;
}

static void on_netlink(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_nh_watch *w = arg;

	(void)loop;
	(void)events;
	w->seen = 0;
	if (xmip_nl_monitor_walk(fd, on_msg, w)) {
		w->seen++;   /* lost events: assume everything changed */
		if (w->fw)
			xmip_fwsync_on_lost(w->fw);
	}
	if (w->seen > 0 && w->gen)
		bump(w, "neighbour/route/link change");
}

struct xmip_nh_watch *xmip_nh_watch_new(struct xmip_loop *loop, int nh_gen_fd,
				       struct xmip_fwsync *fw)
{
	struct xmip_nh_watch *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return NULL;
	w->loop = loop;
	w->mon = -1;
	w->fw = fw;
	if (nh_gen_fd < 0) {
		log_warn("%s not pinned (instance attached by an older xmip?): the datapath's "
			 "next-hop cache is not invalidated on changes; re-run `xmip attach`",
			 XMIP_MAP_NH_GEN);
		if (!fw)
			return w;
	} else if ((rc = xmip_nh_gen_map(nh_gen_fd, &w->gen))) {
		log_err("mapping %s: %s", XMIP_MAP_NH_GEN, strerror(-rc));
		goto fail;
	}
	w->mon = xmip_nl_nexthop_monitor_open();
	if (w->mon < 0) {
		log_err("next-hop monitor: %s", strerror(-w->mon));
		goto fail;
	}
	if (xmip_loop_add_fd(loop, w->mon, EPOLLIN, on_netlink, w)) {
		close(w->mon);
		w->mon = -1;
		goto fail;
	}
	/* Subscribed first: a change from here on bumps again. */
	if (w->gen)
		bump(w, "agent start");
	return w;
fail:
	xmip_nh_watch_free(w);
	return NULL;
}

void xmip_nh_watch_free(struct xmip_nh_watch *w)
{
	if (!w)
		return;
	if (w->mon >= 0) {
		xmip_loop_del_fd(w->loop, w->mon);
		close(w->mon);
	}
	xmip_nh_gen_unmap(w->gen);
	free(w);
}
