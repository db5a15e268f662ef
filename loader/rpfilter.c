// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reverse-path filtering where a DSMIPv6 or Mobile IPv4 home agent
 * decapsulates IPv4 (rpfilter.h). The datapath takes the tunnel headers off an IPv4 packet
 * from a mobile node's IPv4 home address and passes it up on the interface
 * the tunnel came in on (the uplink), and the kernel forwards it. Its
 * source is in the home subnet, on-link on the home interface: a strict
 * reverse-path filter (RFC 3704 §2.2, rp_filter = 1) on the uplink drops
 * it. Loose mode (§2.3, rp_filter = 2) passes it and still drops sources
 * with no route at all. Linux applies max(all, interface), so 2 on the
 * interface is loose whatever `all` says, and no other interface changes.
 * On an interface without an IPv4 address (an IPv6-only uplink carrying
 * IPv4-in-IPv6) Linux drops such a packet in either mode: there only 0
 * passes it, possible only while `all` is 0; else we say so. What we
 * changed is kept in XMIP_RUN_DIR/<instance>.rp_filter ("ifname previous
 * set" lines) and put back at detach, unless someone set another value
 * since.
 */
#include "rpfilter.h"

#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "msg.h"
#include "netlink.h"
#include "xmip_events.h"

#define RPF_MAX XMIP_CONF_MAX_IFS

struct rpf_ent {
	char ifname[32];
	int  prev;   /* the value before attach */
	int  set;    /* what attach set: 2, or 0 */
};

int xmip_rpf_target(int all, int ifv, bool has_ipv4)
{
	int eff = all > ifv ? all : ifv;

	if (eff == 0)
		return XMIP_RPF_KEEP;
	if (has_ipv4)
		return eff == 1 ? 2 : XMIP_RPF_KEEP;
	/* No IPv4 address: the kernel (__fib_validate_source, "last_resort")
	 * drops any source not routed through the interface under either
	 * mode; only off (0) passes, and `all` must allow it. */
	return all == 0 ? 0 : XMIP_RPF_CANNOT;
}

static bool has_ipv4(const char *ifname)
{
	struct ifaddrs *ifa, *i;
	bool yes = false;

	if (getifaddrs(&ifa))
		return true;   /* unknown: do the least (loose) */
	for (i = ifa; i && !yes; i = i->ifa_next)
		yes = i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, ifname);
	freeifaddrs(ifa);
	return yes;
}

bool xmip_rpf_wanted(const struct xmip_conf *conf)
{
	if (conf->role != XMIP_ROLE_HA)
		return false;
	/* A Mobile IPv4 HA decapsulates reverse tunnels (RFC 3024) the same
	 * way: the inner source is a home address of the home subnet. */
	if (xmip_conf_has_section(conf, "mip4"))
		return true;
	if (!conf->dsmip.on)
		return false;
	if (conf->dsmip.has_pool)
		return true;
	for (size_t i = 0; i < conf->n_mns; i++)
		if (conf->mns[i].has_ipv4_hoa)
			return true;
	return false;
}

static int read_rpf(const char *ifname)
{
	char path[128];
	int v = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", ifname);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	if (fscanf(fp, "%d", &v) != 1)
		v = -1;
	fclose(fp);
	return v;
}

static void state_path(const char *instance, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.rp_filter", XMIP_RUN_DIR, instance);
}

static int load(const char *instance, struct rpf_ent *e)
{
	char path[160];
	int n = 0;
	FILE *fp;

	state_path(instance, path, sizeof(path));
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	while (n < RPF_MAX && fscanf(fp, "%31s %d %d", e[n].ifname, &e[n].prev, &e[n].set) == 3)
		if (e[n].prev >= 0 && e[n].prev <= 2 && e[n].set >= 0 && e[n].set <= 2)
			n++;
	fclose(fp);
	return n;
}

static void store(const char *instance, const struct rpf_ent *e, int n)
{
	char path[160], tmp[176];
	FILE *fp;

	state_path(instance, path, sizeof(path));
	if (!n) {
		unlink(path);
		return;
	}
	mkdir(XMIP_RUN_DIR, 0755);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (!fp) {
		xmip_msg("%s: %s: rp_filter will not be restored at detach", tmp, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++)
		fprintf(fp, "%s %d %d\n", e[i].ifname, e[i].prev, e[i].set);
	if (fclose(fp) || rename(tmp, path))
		xmip_msg("%s: %s: rp_filter will not be restored at detach", path, strerror(errno));
}

static void put_back(const struct rpf_ent *e)
{
	char v[4];

	if (read_rpf(e->ifname) != e->set)
		return;   /* gone, or someone set another value since: theirs */
	snprintf(v, sizeof(v), "%d", e->prev);
	if (xmip_sysctl_ipv4_conf(e->ifname, "rp_filter", v) == 0)
		xmip_msg("%s: rp_filter %d restored", e->ifname, e->prev);
}

void xmip_rpf_attach(const struct xmip_conf *conf)
{
	struct rpf_ent e[RPF_MAX];
	bool want = xmip_rpf_wanted(conf);
	int n = load(conf->instance, e), kept = 0, all = read_rpf("all");

	/* Set by an earlier attach, no longer needed (interface or IPv4 home addresses gone). */
	for (int i = 0; i < n; i++) {
		bool still = false;

		for (int k = 0; want && k < conf->n_ifs; k++)
			still |= !strcmp(conf->ifnames[k], e[i].ifname);
		if (still)
			e[kept++] = e[i];
		else
			put_back(&e[i]);
	}
	n = kept;
	for (int k = 0; want && k < conf->n_ifs && n < RPF_MAX; k++) {
		const char *ifn = conf->ifnames[k];
		int v = read_rpf(ifn), to;
		bool known = false, v4 = has_ipv4(ifn);
		char val[4];

		for (int i = 0; i < n; i++)
			known |= !strcmp(e[i].ifname, ifn);
		if (known || v < 0)
			continue;
		to = xmip_rpf_target(all, v, v4);
		if (to == XMIP_RPF_CANNOT) {
			xmip_msg("%s: has no IPv4 address and net.ipv4.conf.all.rp_filter is %d: "
				 "IPv4 from mobile nodes' IPv4 home addresses decapsulated here is "
				 "dropped (set all to 0, or give %s an IPv4 address)", ifn, all, ifn);
			continue;
		}
		snprintf(val, sizeof(val), "%d", to);
		if (to == XMIP_RPF_KEEP || xmip_sysctl_ipv4_conf(ifn, "rp_filter", val))
			continue;
		xmip_msg("%s: rp_filter %d (all: %d) set to %d (%s): IPv4 from mobile nodes' IPv4 "
			 "home addresses is decapsulated here; restored at detach", ifn, v, all, to,
			 to == 2 ? "loose, RFC 3704 §2.3" :
			 "off: no IPv4 address here, where any mode drops it");
		snprintf(e[n].ifname, sizeof(e[n].ifname), "%s", ifn);
		e[n].set = to;
		e[n++].prev = v;
	}
	store(conf->instance, e, n);
}

void xmip_rpf_detach(const char *instance)
{
	struct rpf_ent e[RPF_MAX];
	int n = load(instance, e);

	for (int i = 0; i < n; i++)
		put_back(&e[i]);
	store(instance, e, 0);
}
