// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Attach and detach an instance. Everything that must outlive this process
 * is pinned under /sys/fs/bpf/xmip/<instance>/: the maps (by libbpf's
 * pin_root_path, so a re-attach reuses them and keeps the bindings), the
 * programs' .rodata (xmip_rodata: the static configuration, set here
 * through the skeleton before load) and one XDP bpf_link per interface
 * (link_xdp_<ifname>). A re-attach swaps the program inside the existing
 * link with bpf_link_update, which the kernel does atomically: no packet
 * sees an interface without a program, nor half an old configuration.
 * tc filters cannot be pinned; they are found again by their fixed
 * handle/priority on the interfaces that have a pinned link.
 */
#include "attach.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwclock.h"
#include "fwtable.h"
#include "msg.h"
#include "nh_gen.h"
#include "pins.h"
#include "rodata.h"
#include "rpfilter.h"
#include "xmip_cn.skel.h"
#include "xmip_ha.skel.h"
#include "xmip_mip4.skel.h"
#include "xmip_mn.skel.h"
#include "xmip_ntm.h"
#include "xmip_ntm_relay.h"
#include "xmip_rs.skel.h"
#include "xmip_ntm_node.h"
#include "xmip_ntm.skel.h"
#include "netlink.h"

#define LOG_TAIL_LINES 40

/* ---- libbpf output: kept, and shown (tail) only when something fails ---- */

static bool debug_mode;
static char *libbpf_log;
static size_t libbpf_log_len, libbpf_log_cap;

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[4096];
	int n;

	if (debug_mode)
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return n;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (libbpf_log_len + (size_t)n + 1 > libbpf_log_cap) {
		size_t cap = (libbpf_log_cap ? libbpf_log_cap * 2 : 65536) + (size_t)n;
		char *p = realloc(libbpf_log, cap);

		if (!p)
			return 0;
		libbpf_log = p;
		libbpf_log_cap = cap;
	}
	memcpy(libbpf_log + libbpf_log_len, line, (size_t)n + 1);
	libbpf_log_len += (size_t)n;
	return n;
}

void xmip_attach_set_debug(bool debug)
{
	debug_mode = debug;
	libbpf_set_print(print_cb);
}

static void log_reset(void)
{
	libbpf_log_len = 0;
	if (libbpf_log)
		libbpf_log[0] = '\0';
}

/* Print the last lines libbpf reported: for a verifier rejection, the reason is at the end. */
static void log_print_tail(void)
{
	const char *start;
	int lines = 0;

	if (!libbpf_log_len)
		return;
	start = libbpf_log + libbpf_log_len;
	while (start > libbpf_log) {
		if (start[-1] == '\n' && ++lines > LOG_TAIL_LINES && start != libbpf_log + libbpf_log_len)
			break;
		start--;
	}
	fprintf(stderr, "xmip: libbpf/verifier log (last %d lines; -d for all):\n%s%s",
		LOG_TAIL_LINES, start,
		libbpf_log[libbpf_log_len - 1] == '\n' ? "" : "\n");
}

static bool log_contains(const char *s)
{
	return libbpf_log_len && strstr(libbpf_log, s);
}

/* "program 'x'" for the first program libbpf reported as failing to load. */
static const char *rejected_prog(void)
{
	static char name[80];
	const char *p = libbpf_log_len ? strstr(libbpf_log, "prog '") : NULL;
	const char *end = p ? strchr(p + 6, '\'') : NULL;

	if (!p || !end || end - (p + 6) >= 64)
		return "a program";
	snprintf(name, sizeof(name), "program '%.*s'", (int)(end - (p + 6)), p + 6);
	return name;
}

/* ---- the role's object, through its skeleton ---- */

struct role_obj {
	struct xmip_ha *ha;
	struct xmip_mn *mn;
	struct xmip_rs *rs;
	struct xmip_cn *cn;
	struct xmip_ntm *ntm;
	struct xmip_mip4 *m4;         /* FA, MN4: Mobile IPv4 (tc ingress and egress) */
	struct bpf_object *obj;
	struct bpf_program *xdp;
	struct bpf_program *egress;   /* MN, HA, CN: tc egress; NTM: the virtual interface's */
	struct bpf_program *ingress;  /* HA, NTM: tc ingress */
	struct bpf_program *clock;    /* HA: the clock program (lib/fwclock.h) */
	struct bpf_map *bindings, *replay, *ident, *fwtable; /* HA; CN: bindings only */
	struct bpf_map *used;         /* CN only: xmip_ro_used */
	struct bpf_map *state;        /* MN only: xmip_mn_state */
	struct bpf_map *relay, *rs_paths; /* RS only */
	struct bpf_map *rodata;       /* the static configuration */
};

/*
 * Open the role's object and set its static configuration (load-time
 * rodata) from the configuration file; it is frozen when the programs load.
 */
/* What the HA's rodata needs beyond the configuration file. */
struct ha_extra {
	uint32_t mode;            /* XMIP_HA_MODE_* */
	uint32_t fw_slots, fw_seed;
	uint32_t vif_ifindex;     /* NTM: the virtual interface (its rodata) */
};

static int role_open(const struct xmip_conf *conf, const char *pin_dir, uint16_t tunnel_mtu,
		     const struct ha_extra *hx, struct role_obj *ro)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_dir);

	memset(ro, 0, sizeof(*ro));
	if (conf->role == XMIP_ROLE_HA) {
		struct xmip_ha_conf *c;

		ro->ha = xmip_ha__open_opts(&opts);
		if (!ro->ha)
			return -errno;
		ro->obj = ro->ha->obj;
		ro->xdp = ro->ha->progs.xmip_ha_xdp;
		ro->ingress = ro->ha->progs.xmip_ha_tc_in;
		ro->egress = ro->ha->progs.xmip_ha_tc_out;
		ro->clock = ro->ha->progs.xmip_clock;
		ro->bindings = ro->ha->maps.xmip_bindings;
		ro->replay = ro->ha->maps.xmip_replay;
		ro->ident = ro->ha->maps.xmip_ident;
		ro->fwtable = ro->ha->maps.xmip_fwtable;
		ro->rodata = ro->ha->maps.rodata;
		c = (struct xmip_ha_conf *)&ro->ha->rodata->xmip_ha_conf;
		memset(c, 0, sizeof(*c));
		memcpy(c->self_addr, &conf->address, 16);
		memcpy(c->home_prefix, &conf->home_prefix, 16);
		c->home_plen = conf->home_plen;
		c->tunnel_mtu = tunnel_mtu;
		c->mode = hx->mode;
		c->fw_seed = hx->fw_seed;
		c->fw_mask = hx->fw_slots - 1;
		if (conf->dsmip.on)   /* DSMIPv6: IPv4 tunnels from and to this address */
			memcpy(&c->self_addr4, &conf->dsmip.ipv4_address, 4);
		else if (xmip_conf_has_section(conf, "mip4"))
			/* Mobile IPv4 alone: its tunnels start and end at [mip4] address
			 * (with DSMIPv6 too, both use [dsmip] ipv4-address: docs/mip4.md). */
			memcpy(&c->self_addr4, conf->mip4.address, 4);
		c->ready = 1;
		bpf_map__set_max_entries(ro->fwtable, 1 + hx->fw_slots);
	} else if (conf->role == XMIP_ROLE_RS) {
		struct xmip_rs_conf *c;
		const struct xmip_ntm_conf *n = &conf->ntm;

		ro->rs = xmip_rs__open_opts(&opts);
		if (!ro->rs)
			return -errno;
		ro->obj = ro->rs->obj;
		ro->xdp = ro->rs->progs.xmip_rs_xdp;
		ro->relay = ro->rs->maps.xmip_relay;
		ro->rs_paths = ro->rs->maps.xmip_rs_paths;
		ro->rodata = ro->rs->maps.rodata;
		c = (struct xmip_rs_conf *)&ro->rs->rodata->xmip_rs_conf;
		memset(c, 0, sizeof(*c));
		if (n->rs_has6)
			memcpy(c->self6, &n->rs_addr6, 16);
		if (n->rs_has4)
			memcpy(&c->self4, &n->rs_addr4.s6_addr[12], 4);
		c->port = n->port;
		c->pool_lo = n->rs_pool_lo;
		c->pool_hi = n->rs_pool_hi;
		c->ready = 1;
	} else if (conf->role == XMIP_ROLE_FA || conf->role == XMIP_ROLE_MN4) {
		/* Mobile IPv4's far end of the tunnel: the static configuration is the role (for
		 * xmip show, include/xmip_mip4_dp.h); the
		 * agent writes xmip_mip4_tun (include/xmip_mip4_dp.h). */
		ro->m4 = xmip_mip4__open_opts(&opts);
		if (!ro->m4)
			return -errno;
		ro->obj = ro->m4->obj;
		ro->ingress = ro->m4->progs.xmip_mip4_in;
		ro->rodata = ro->m4->maps.rodata;
		{
			struct xmip_mip4_node_conf *m =
				(struct xmip_mip4_node_conf *)&ro->m4->rodata->xmip_mip4_node_conf;

			m->role = (__u32)conf->role;
			m->ready = 1;
		}
		ro->egress = ro->m4->progs.xmip_mip4_out;
	} else if (conf->role == XMIP_ROLE_NTM) {
		struct xmip_ntm_node_conf *c;

		ro->ntm = xmip_ntm__open_opts(&opts);
		if (!ro->ntm)
			return -errno;
		ro->obj = ro->ntm->obj;
		ro->ingress = ro->ntm->progs.xmip_ntm_ingress;
		ro->egress = ro->ntm->progs.xmip_ntm_egress;
		ro->rodata = ro->ntm->maps.rodata;
		c = (struct xmip_ntm_node_conf *)&ro->ntm->rodata->xmip_ntm_node_conf;
		memset(c, 0, sizeof(*c));
		c->port = conf->ntm.port;
		c->vif_ifindex = hx->vif_ifindex;   /* the virtual interface, made before */
		c->ready = 1;
	} else if (conf->role == XMIP_ROLE_CN) {
		struct xmip_cn_conf *c;

		ro->cn = xmip_cn__open_opts(&opts);
		if (!ro->cn)
			return -errno;
		ro->obj = ro->cn->obj;
		ro->xdp = ro->cn->progs.xmip_cn_xdp;
		ro->egress = ro->cn->progs.xmip_cn_egress;
		ro->bindings = ro->cn->maps.xmip_bindings;
		ro->used = ro->cn->maps.xmip_ro_used;
		ro->rodata = ro->cn->maps.rodata;
		c = (struct xmip_cn_conf *)&ro->cn->rodata->xmip_cn_conf;
		memset(c, 0, sizeof(*c));
		memcpy(c->self_addr, &conf->address, 16);
		c->ready = 1;
	} else {
		struct xmip_mn_conf *c;

		ro->mn = xmip_mn__open_opts(&opts);
		if (!ro->mn)
			return -errno;
		ro->obj = ro->mn->obj;
		ro->xdp = ro->mn->progs.xmip_mn_xdp;
		ro->egress = ro->mn->progs.xmip_mn_egress;
		ro->state = ro->mn->maps.xmip_mn_state;
		ro->rodata = ro->mn->maps.rodata;
		c = (struct xmip_mn_conf *)&ro->mn->rodata->xmip_mn_conf;
		memset(c, 0, sizeof(*c));
		memcpy(c->hoa, &conf->self.hoa, 16);
		memcpy(c->home_prefix, &conf->home_prefix, 16);
		c->home_plen = conf->home_plen;
		c->tunnel_mtu = tunnel_mtu;
		c->ready = 1;
	}
	return 0;
}

static int role_load(struct role_obj *ro)
{
	if (ro->rs)
		return xmip_rs__load(ro->rs);
	if (ro->ntm)
		return xmip_ntm__load(ro->ntm);
	if (ro->cn)
		return xmip_cn__load(ro->cn);
	if (ro->m4)
		return xmip_mip4__load(ro->m4);
	return ro->ha ? xmip_ha__load(ro->ha) : xmip_mn__load(ro->mn);
}

static void role_close(struct role_obj *ro)
{
	if (ro->ha)
		xmip_ha__destroy(ro->ha);
	if (ro->mn)
		xmip_mn__destroy(ro->mn);
	if (ro->rs)
		xmip_rs__destroy(ro->rs);
	if (ro->cn)
		xmip_cn__destroy(ro->cn);
	if (ro->ntm)
		xmip_ntm__destroy(ro->ntm);
	if (ro->m4)
		xmip_mip4__destroy(ro->m4);
	memset(ro, 0, sizeof(*ro));
}

/*
 * Size a hash map to max-bindings, unless it is pinned already: then its
 * size wins, because resizing means a new map and losing every binding.
 */
static void size_map(struct bpf_map *map, const char *pin_dir, uint32_t want)
{
	struct bpf_map_info mi = { 0 };
	uint32_t len = sizeof(mi);
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, bpf_map__name(map));
	fd = bpf_obj_get(path);
	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &mi, &len) == 0 &&
	    mi.max_entries != want) {
		xmip_msg("%s: keeping the pinned size %u (max-bindings = %u needs "
			 "xmip detach first, which drops the bindings)",
			 bpf_map__name(map), mi.max_entries, want);
		want = mi.max_entries;
	}
	if (fd >= 0)
		close(fd);
	bpf_map__set_max_entries(map, want);
}

/* ---- interfaces ---- */

static int if_mtu(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int mtu = -1;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

static const char *mode_name(enum xmip_if_mode m)
{
	return m == XMIP_IF_MODE_NATIVE ? "native" : m == XMIP_IF_MODE_GENERIC ? "generic" :
	       m == XMIP_IF_MODE_TC ? "tc" : "unknown";
}

/* In which mode prog_id runs on ifindex. */
static enum xmip_if_mode xdp_mode_of(uint32_t ifindex, uint32_t prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!ifindex || bpf_xdp_query((int)ifindex, 0, &q))
		return XMIP_IF_MODE_UNKNOWN;
	if (q.drv_prog_id == prog_id)
		return XMIP_IF_MODE_NATIVE;
	if (q.skb_prog_id == prog_id)
		return XMIP_IF_MODE_GENERIC;
	return XMIP_IF_MODE_UNKNOWN;
}

static int link_info(int fd, struct bpf_link_info *li)
{
	uint32_t len = sizeof(*li);

	memset(li, 0, sizeof(*li));
	return bpf_obj_get_info_by_fd(fd, li, &len);
}

static int tc_detach_at(uint32_t ifindex, enum bpf_tc_attach_point where)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = where);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = XMIP_TC_HANDLE, .priority = XMIP_TC_PRIORITY);

	if (!ifindex)
		return -ENODEV;
	return bpf_tc_detach(&hook, &o);
}

/* Our tc filters of an interface, egress and ingress; 0 if there was one. */
static int tc_detach(uint32_t ifindex)
{
	int e = tc_detach_at(ifindex, BPF_TC_EGRESS);
	int i = tc_detach_at(ifindex, BPF_TC_INGRESS);

	return e == 0 || i == 0 ? 0 : e;
}

static int tc_attach(const char *ifname, uint32_t ifindex, int prog_fd,
		     enum bpf_tc_attach_point where, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = where);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = XMIP_TC_HANDLE, .priority = XMIP_TC_PRIORITY,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	const char *dir = where == BPF_TC_INGRESS ? "ingress" : "egress";
	int rc = bpf_tc_hook_create(&hook);

	if (rc && rc != -EEXIST) {
		snprintf(err, errlen, "%s: cannot create the clsact qdisc for tc %s: %s",
			 ifname, dir, strerror(-rc));
		return -1;
	}
	rc = bpf_tc_attach(&hook, &o);
	if (rc) {
		snprintf(err, errlen, "%s: tc %s attach failed: %s", ifname, dir, strerror(-rc));
		return -1;
	}
	xmip_msg("%s: tc %s attached (handle %u priority 0x%x)", ifname, dir, XMIP_TC_HANDLE,
		 XMIP_TC_PRIORITY);
	return 0;
}

/*
 * Pin `fd` at pin_dir/name, replacing what is pinned there: pinned under
 * a temporary name, then renamed over it.
 */
static int pin_replace(int fd, const char *pin_dir, const char *name, char *err, size_t errlen)
{
	char path[512], tmp[520];

	snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	snprintf(tmp, sizeof(tmp), "%s_new", path);   /* bpffs refuses dots in names */
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp) || rename(tmp, path)) {
		snprintf(err, errlen, "pinning %s failed: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int link_create(const char *ifname, uint32_t ifindex, int prog_fd,
		       enum xmip_xdp_mode want, bool ha, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int fd;

	lo.flags = want == XMIP_XDP_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(prog_fd, (int)ifindex, BPF_XDP, &lo);
	if (fd >= 0)
		return fd;
	fd = -errno;
	if (fd == -EBUSY || fd == -EEXIST) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);

		bpf_xdp_query((int)ifindex, 0, &q);
		snprintf(err, errlen, "%s: another XDP program (id %u) is attached and was not "
			 "attached by this instance; remove it first "
			 "(ip link set dev %s xdp off, or xmip detach of its instance)",
			 ifname, q.prog_id, ifname);
		return -1;
	}
	if (want == XMIP_XDP_AUTO && ha) {
		/* The HA falls back to tc, which its tc ingress program serves. */
		xmip_msg("%s: native XDP failed (%s); falling back to tc mode", ifname,
			 strerror(-fd));
		return -ENOTSUP;
	}
	if (want == XMIP_XDP_AUTO) {
		xmip_msg("%s: native XDP failed (%s); falling back to generic (SKB) mode, "
			 "which is slower", ifname, strerror(-fd));
		lo.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(prog_fd, (int)ifindex, BPF_XDP, &lo);
		if (fd >= 0)
			return fd;
		fd = -errno;
		snprintf(err, errlen, "%s: generic XDP attach failed too: %s", ifname, strerror(-fd));
		return -1;
	}
	if (want == XMIP_XDP_NATIVE)
		snprintf(err, errlen, "%s: native XDP attach failed: %s (does the driver support "
			 "XDP? set xdp-mode = auto or %s)", ifname, strerror(-fd), ha ? "tc" : "generic");
	else
		snprintf(err, errlen, "%s: generic XDP attach failed: %s", ifname, strerror(-fd));
	return -1;
}

static bool mode_acceptable(enum xmip_if_mode have, enum xmip_xdp_mode want)
{
	if (want == XMIP_XDP_NATIVE)
		return have == XMIP_IF_MODE_NATIVE;
	if (want == XMIP_XDP_GENERIC)
		return have == XMIP_IF_MODE_GENERIC;
	return have != XMIP_IF_MODE_UNKNOWN;
}

/*
 * Attach (or atomically replace) the XDP program of one interface and pin
 * its link. 0; -ENOTSUP when an HA in auto mode takes tc instead; -1 with err.
 */
static int attach_xdp(const char *pin_dir, const char *ifname, uint32_t ifindex, int prog_fd,
		      enum xmip_xdp_mode want, bool ha, char *err, size_t errlen)
{
	struct bpf_link_info li;
	struct bpf_prog_info pi = { 0 };
	uint32_t pi_len = sizeof(pi);
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s%s", pin_dir, XMIP_PIN_LINK_XDP, ifname);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (link_info(fd, &li) == 0 && li.type == BPF_LINK_TYPE_XDP &&
		    li.xdp.ifindex == ifindex) {
			enum xmip_if_mode have = xdp_mode_of(ifindex, li.prog_id);

			if (mode_acceptable(have, want)) {
				if (bpf_link_update(fd, prog_fd, NULL) == 0) {
					bpf_obj_get_info_by_fd(prog_fd, &pi, &pi_len);
					xmip_msg("%s: replaced XDP program in link %u (%s), "
						 "now prog %u", ifname, li.id, mode_name(have), pi.id);
					close(fd);
					return 0;
				}
				xmip_msg("%s: updating link %u failed (%s); re-creating it",
					 ifname, li.id, strerror(errno));
			} else {
				xmip_msg("%s: link %u runs in %s mode but xdp-mode differs; "
					 "re-creating it", ifname, li.id, mode_name(have));
			}
		} else {
			xmip_msg("%s: pinned link is stale (interface gone or re-created); "
				 "re-creating it", ifname);
		}
		bpf_link_detach(fd);
		close(fd);
		unlink(path);
	}

	fd = link_create(ifname, ifindex, prog_fd, want, ha, err, errlen);
	if (fd == -ENOTSUP)
		return fd;
	if (fd < 0)
		return -1;
	if (bpf_obj_pin(fd, path)) {
		snprintf(err, errlen, "%s: pinning the XDP link at %s failed: %s",
			 ifname, path, strerror(errno));
		close(fd); /* the only reference: closing detaches */
		return -1;
	}
	link_info(fd, &li);
	xmip_msg("%s: XDP attached in %s mode (prog %u, link %u)", ifname,
		 mode_name(xdp_mode_of(ifindex, li.prog_id)), li.prog_id, li.id);
	close(fd);
	return 0;
}

/* Detach and unpin one pinned XDP link; returns the ifindex it was on (0 if gone). */
static uint32_t drop_link(const char *path)
{
	struct bpf_link_info li;
	uint32_t ifindex = 0;
	int fd = bpf_obj_get(path);

	if (fd >= 0) {
		if (link_info(fd, &li) == 0 && li.type == BPF_LINK_TYPE_XDP)
			ifindex = li.xdp.ifindex;
		bpf_link_detach(fd); /* forces the detach even if someone holds an fd */
		close(fd);
	}
	unlink(path);
	return ifindex;
}

static bool conf_has_if(const struct xmip_conf *conf, const char *ifname)
{
	for (int i = 0; conf && i < conf->n_ifs; i++)
		if (strcmp(conf->ifnames[i], ifname) == 0)
			return true;
	/* an NTM node's virtual interface is the configuration's too */
	return conf && conf->role == XMIP_ROLE_NTM && !strcmp(conf->ntm.vif, ifname);
}

/* The NTM node's virtual interface's peer: the name with "p" appended. */
static void vif_peer_name(const char *vif, char *out, size_t len)
{
	snprintf(out, len, "%.14sp", vif);
}

/*
 * The NTM node's virtual interface (docs/ntmobile.md, "The node
 * datapath"): a veth pair without ARP/ND, its MTU the smallest real one
 * less the IPv6 tunnel overhead (56: section 8), no IPv6 link-local
 * address (nothing link-scoped crosses a tunnel), up. The agent puts the
 * virtual addresses and the routes to the peers' on it. Its ifindex, or 0
 * with err.
 */
static uint32_t vif_make(const struct xmip_conf *conf, int min_mtu, char *err, size_t errlen)
{
	char peer[IF_NAMESIZE + 1];
	uint32_t mtu = min_mtu > 1280 + 56 ? (uint32_t)min_mtu - 56 : 1280, ifindex, pidx;
	int nl = xmip_nl_open(), rc;

	if (nl < 0) {
		snprintf(err, errlen, "netlink: %s", strerror(-nl));
		return 0;
	}
	vif_peer_name(conf->ntm.vif, peer, sizeof(peer));
	ifindex = if_nametoindex(conf->ntm.vif);
	if (!ifindex) {
		rc = xmip_nl_veth_add(nl, conf->ntm.vif, peer, mtu);
		if (rc) {
			snprintf(err, errlen, "%s: creating the virtual interface failed: %s",
				 conf->ntm.vif, strerror(-rc));
			close(nl);
			return 0;
		}
		xmip_msg("%s: virtual interface created (veth, peer %s, mtu %u)", conf->ntm.vif,
			 peer, mtu);
		ifindex = if_nametoindex(conf->ntm.vif);
	}
	pidx = if_nametoindex(peer);
	/* before it goes up: no IPv6 link-local address (nothing link-scoped is tunnelled) */
	xmip_sysctl_ipv6_conf(conf->ntm.vif, "addr_gen_mode", "1");
	if (pidx)
		xmip_sysctl_ipv6_conf(peer, "disable_ipv6", "1");
	if (!ifindex || xmip_nl_link_set(nl, ifindex, true, mtu) ||
	    (pidx && xmip_nl_link_set(nl, pidx, true, 0))) {
		snprintf(err, errlen, "%s: cannot bring the virtual interface up", conf->ntm.vif);
		close(nl);
		return 0;
	}
	close(nl);
	return ifindex;
}

/* The NTM node's programs: tc ingress on the real interfaces, tc egress on the virtual one, markers. */
static int attach_ntm(const struct role_obj *ro, const struct xmip_conf *conf, const char *pin_dir,
		      const uint32_t *ifindex, uint32_t vif, char *err, size_t errlen)
{
	char name[64], path[512];

	for (int i = 0; i < conf->n_ifs; i++) {
		/* an XDP link of an earlier role on it goes */
		snprintf(path, sizeof(path), "%s/%s%s", pin_dir, XMIP_PIN_LINK_XDP, conf->ifnames[i]);
		if (access(path, F_OK) == 0)
			drop_link(path);
		tc_detach_at(ifindex[i], BPF_TC_EGRESS);
		/* Decapsulated packets come up here from a peer's virtual address
		 * whose route points at the virtual interface: loose reverse-path
		 * filtering (RFC 3704 §2.3) on this interface, not strict. */
		xmip_sysctl_ipv4_conf(conf->ifnames[i], "rp_filter", "2");
		if (tc_attach(conf->ifnames[i], ifindex[i], bpf_program__fd(ro->ingress),
			      BPF_TC_INGRESS, err, errlen))
			return -1;
		snprintf(name, sizeof(name), "%s%s", XMIP_PIN_TC_PREFIX, conf->ifnames[i]);
		if (pin_replace(bpf_program__fd(ro->ingress), pin_dir, name, err, errlen))
			return -1;
	}
	if (tc_attach(conf->ntm.vif, vif, bpf_program__fd(ro->egress), BPF_TC_EGRESS, err, errlen))
		return -1;
	snprintf(name, sizeof(name), "%s%s", XMIP_PIN_TC_PREFIX, conf->ntm.vif);
	return pin_replace(bpf_program__fd(ro->egress), pin_dir, name, err, errlen);
}

/* Links (and HA tc markers) pinned for interfaces the configuration no longer lists. */
static void drop_stale_links(const char *pin_dir, const struct xmip_conf *conf)
{
	DIR *d = opendir(pin_dir);
	struct dirent *de;
	char path[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		bool link = !strncmp(de->d_name, XMIP_PIN_LINK_XDP, strlen(XMIP_PIN_LINK_XDP));
		bool tc = !strncmp(de->d_name, XMIP_PIN_TC_PREFIX, strlen(XMIP_PIN_TC_PREFIX));
		const char *ifname = de->d_name + strlen(link ? XMIP_PIN_LINK_XDP : XMIP_PIN_TC_PREFIX);
		uint32_t ifindex;

		if ((!link && !tc) || conf_has_if(conf, ifname))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		if (link) {
			ifindex = drop_link(path);
		} else {
			ifindex = if_nametoindex(ifname);
			unlink(path);
		}
		tc_detach(ifindex);
		xmip_msg("%s: detached (no longer in the configuration)", ifname);
	}
	closedir(d);
}

/*
 * xmip_config as builds before the per-role maps pinned it (80 octets): an
 * MN's care-of address and away state are carried over from it once, so
 * an upgrade does not stop tunnelling until the agent's next move.
 */
struct old_config {
	uint8_t  self_addr[16], peer_addr[16], hoa[16], home_prefix[16];
	uint8_t  home_plen, role;
	uint16_t tunnel_mtu;
	uint32_t flags, coa_ifindex, pad;
};
#define OLD_CONFIG_PIN    "xmip_config"
#define OLD_CONFIG_AWAY   0x1
#define OLD_CONFIG_READY  0x2

static bool old_config_state(const char *pin_dir, struct xmip_mn_runstate *st)
{
	struct bpf_map_info mi = { 0 };
	uint32_t len = sizeof(mi), zero = 0;
	struct old_config old;
	char path[512];
	bool ok = false;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, OLD_CONFIG_PIN);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	if (bpf_obj_get_info_by_fd(fd, &mi, &len) == 0 && mi.value_size == sizeof(old) &&
	    bpf_map_lookup_elem(fd, &zero, &old) == 0 && old.role == XMIP_ROLE_MN &&
	    (old.flags & OLD_CONFIG_READY)) {
		memset(st, 0, sizeof(*st));
		memcpy(st->coa, old.self_addr, 16);
		memcpy(st->ha, old.peer_addr, 16);
		st->coa_ifindex = old.coa_ifindex;
		st->flags = old.flags & OLD_CONFIG_AWAY ? XMIP_MN_F_AWAY : 0;
		ok = true;
	}
	close(fd);
	return ok;
}

/*
 * The MN's run-time state belongs to the agent (CoA, away, on every move);
 * attach only makes sure there is one, naming the configured home agent:
 * a first attach writes it (from an older build's xmip_config if pinned),
 * a re-attach keeps the agent's CoA and away state and replaces the
 * element whole only if the home agent changed. Never edited in place.
 */
static int seed_state(int fd, const struct xmip_conf *conf, const char *pin_dir)
{
	struct xmip_mn_runstate cur, want;
	uint32_t key = XMIP_MN_STATE_KEY;

	if (bpf_map_lookup_elem(fd, &key, &cur) == 0) {
		if (!memcmp(cur.ha, &conf->home_agent, 16))
			return 0;
		want = cur;
		memcpy(want.ha, &conf->home_agent, 16);
		return bpf_map_update_elem(fd, &key, &want, BPF_EXIST) ? -errno : 0;
	}
	if (old_config_state(pin_dir, &want))
		xmip_msg("carrying the care-of state over from %s (an older build's map)",
			 OLD_CONFIG_PIN);
	else
		memset(&want, 0, sizeof(want));
	memcpy(want.ha, &conf->home_agent, 16);
	return bpf_map_update_elem(fd, &key, &want, BPF_NOEXIST) ? -errno : 0;
}

/* Pin the programs' .rodata as xmip_rodata, replacing the previous attach's. */
static int pin_rodata(struct bpf_map *rodata, const char *pin_dir, char *err, size_t errlen)
{
	return pin_replace(bpf_map__fd(rodata), pin_dir, XMIP_PIN_RODATA, err, errlen);
}

/*
 * Pins of maps this build's object does not have (an older build's
 * xmip_config, an MN's binding cache): nothing reads them any more.
 */
static void drop_stale_pins(const char *pin_dir, struct bpf_object *obj)
{
	DIR *d = opendir(pin_dir);
	struct dirent *de;
	char path[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strncmp(de->d_name, XMIP_PIN_RODATA, strlen(XMIP_PIN_RODATA)) ||
		    !strncmp(de->d_name, XMIP_PIN_LINK_XDP, strlen(XMIP_PIN_LINK_XDP)) ||
		    !strncmp(de->d_name, XMIP_PIN_TC_PREFIX, strlen(XMIP_PIN_TC_PREFIX)) ||
		    !strcmp(de->d_name, XMIP_PIN_CLOCK) ||
		    bpf_object__find_map_by_name(obj, de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		if (unlink(path) == 0)
			xmip_msg("%s: removed (not a map of this build)", de->d_name);
	}
	closedir(d);
}

/*
 * xmip_stats is sized by XMIP_STAT_SLOTS, which grows when the counter list
 * outgrows it. An older build's pin of another size could not be reused
 * and would fail the attach; it holds counters only, so it goes and the
 * new build starts them from zero (the bindings stay).
 */
static void drop_resized_stats(const char *pin_dir)
{
	struct bpf_map_info mi = { 0 };
	__u32 len = sizeof(mi);
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, XMIP_MAP_STATS);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	/* Only the layout an older build made (same type, key and value, fewer
	 * slots) is replaced; any other layout is refused at load, as for every
	 * pinned map. */
	if (!bpf_obj_get_info_by_fd(fd, &mi, &len) && mi.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
	    mi.key_size == sizeof(__u32) && mi.value_size == sizeof(__u64) &&
	    mi.max_entries < XMIP_STAT_SLOTS && unlink(path) == 0)
		xmip_msg("%s: %u counters pinned, this build has %u: counters start from zero",
			 XMIP_MAP_STATS, mi.max_entries, XMIP_STAT_SLOTS);
	close(fd);
}

static int make_dirs(const char *pin_dir, char *err, size_t errlen)
{
	if (mkdir(XMIP_PIN_ROOT, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", XMIP_PIN_ROOT, strerror(errno));
		return -1;
	}
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", pin_dir, strerror(errno));
		return -1;
	}
	/* Root only, even if they existed (made by hand, or by an older
	 * build): whoever can write a pinned map can rewrite bindings
	 * (docs/RELIABILITY.md). The pins themselves are 0600 (bpffs). */
	if (chmod(XMIP_PIN_ROOT, 0700) || chmod(pin_dir, 0700)) {
		snprintf(err, errlen, "%s: chmod 0700: %s", pin_dir, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The HA's fast-path table as it will be: the pinned one keeps its size
 * and seed (its slots are live); a new one is sized to max-bindings and
 * gets a random seed. Both go into the programs' rodata.
 */
static void ha_table_plan(const char *pin_dir, uint32_t max_bindings, struct ha_extra *hx)
{
	struct xmip_fw_hdr h;
	char path[512];
	int fd;

	hx->fw_slots = xmip_fwt_slots_for(max_bindings);
	hx->fw_seed = 0;
	snprintf(path, sizeof(path), "%s/%s", pin_dir, XMIP_MAP_FWTABLE);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (xmip_fwt_peek(fd, &h) == 0) {
			if (h.nslots != hx->fw_slots)
				xmip_msg("%s: keeping the pinned size, %u slots (max-bindings = %u "
					 "needs xmip detach first, which drops the bindings)",
					 XMIP_MAP_FWTABLE, h.nslots, max_bindings);
			hx->fw_slots = h.nslots;
			hx->fw_seed = h.seed;
		}
		close(fd);
	}
	while (!hx->fw_seed && getrandom(&hx->fw_seed, sizeof(hx->fw_seed), 0) != sizeof(hx->fw_seed))
		hx->fw_seed = (uint32_t)getpid();
}

/* After load: the table's header (kept if valid), HZ measured, the clock pinned. */
static int ha_table_setup(const struct role_obj *ro, const char *pin_dir, const struct ha_extra *hx,
			  char *err, size_t errlen)
{
	uint32_t hz = 0, seed = 0;
	int rc;

	rc = xmip_fwclock_measure_hz(bpf_program__fd(ro->clock), &hz);
	if (rc) {
		snprintf(err, errlen, "running the clock program (%s): %s", XMIP_PIN_CLOCK,
			 strerror(-rc));
		return -1;
	}
	rc = xmip_fwt_format(bpf_map__fd(ro->fwtable), hx->fw_slots, hz, hx->fw_seed, &seed);
	if (rc || seed != hx->fw_seed) {
		snprintf(err, errlen, "%s: setting up the table failed: %s", XMIP_MAP_FWTABLE,
			 rc ? strerror(-rc) : "its seed changed under us (another attach?)");
		return -1;
	}
	return pin_replace(bpf_program__fd(ro->clock), pin_dir, XMIP_PIN_CLOCK, err, errlen);
}

/*
 * The HA's programs on one interface: XDP (native, unless xdp-mode = tc or
 * auto found no native XDP), tc ingress and egress always, and the marker
 * pin tc_<ifname>. An XDP link left from an earlier mode is removed.
 */
static int attach_ha_if(const struct role_obj *ro, const char *pin_dir, const char *ifname,
			uint32_t ifindex, enum xmip_xdp_mode want, char *err, size_t errlen)
{
	char name[64], path[512];
	int rc = -ENOTSUP;

	if (want != XMIP_XDP_TC)
		rc = attach_xdp(pin_dir, ifname, ifindex, bpf_program__fd(ro->xdp), want, true,
				err, errlen);
	if (rc == -1)
		return -1;
	if (tc_attach(ifname, ifindex, bpf_program__fd(ro->ingress), BPF_TC_INGRESS, err, errlen) ||
	    tc_attach(ifname, ifindex, bpf_program__fd(ro->egress), BPF_TC_EGRESS, err, errlen))
		return -1;
	if (rc == -ENOTSUP) {
		/* tc mode: no XDP program in front of tc ingress. */
		snprintf(path, sizeof(path), "%s/%s%s", pin_dir, XMIP_PIN_LINK_XDP, ifname);
		if (access(path, F_OK) == 0) {
			drop_link(path);
			xmip_msg("%s: XDP detached (tc mode)", ifname);
		}
		xmip_msg("%s: tc mode (ingress and egress)", ifname);
	}
	snprintf(name, sizeof(name), "%s%s", XMIP_PIN_TC_PREFIX, ifname);
	return pin_replace(bpf_program__fd(ro->ingress), pin_dir, name, err, errlen);
}

/*
 * Mobile IPv4 (FA, MN4): tc ingress and egress on one interface, marked
 * like the HA's (XMIP_PIN_TC_PREFIX) so that detach finds them; any XDP
 * program of an earlier role there goes.
 */
static int attach_m4_if(const struct role_obj *ro, const char *pin_dir, const char *ifname,
			uint32_t ifindex, char *err, size_t errlen)
{
	char name[64], path[512];

	snprintf(path, sizeof(path), "%s/%s%s", pin_dir, XMIP_PIN_LINK_XDP, ifname);
	if (access(path, F_OK) == 0)
		drop_link(path);
	if (tc_attach(ifname, ifindex, bpf_program__fd(ro->ingress), BPF_TC_INGRESS, err, errlen) ||
	    tc_attach(ifname, ifindex, bpf_program__fd(ro->egress), BPF_TC_EGRESS, err, errlen))
		return -1;
	snprintf(name, sizeof(name), "%s%s", XMIP_PIN_TC_PREFIX, ifname);
	return pin_replace(bpf_program__fd(ro->ingress), pin_dir, name, err, errlen);
}

/* The interface holding an IPv4 address (the FA's care-of address), or "" if none. */
static void if_of_addr4(const uint8_t a[4], char *ifname, size_t len)
{
	struct ifaddrs *ifa, *i;

	ifname[0] = '\0';
	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, 4)) {
			snprintf(ifname, len, "%s", i->ifa_name);
			break;
		}
	freeifaddrs(ifa);
}

int xmip_attach(const struct xmip_conf *conf, char *err, size_t errlen)
{
	uint32_t ifindex[XMIP_CONF_MAX_IFS];
	struct role_obj ro = { 0 };
	struct ha_extra hx = { 0 };
	char pin_dir[256];
	uint16_t tunnel_mtu = conf->tunnel_mtu;
	char stats_path[512];
	bool fresh, ha = conf->role == XMIP_ROLE_HA;
	int rc = -1, min_mtu = 0;

	if (xmip_pin_dir(conf->instance, pin_dir, sizeof(pin_dir))) {
		snprintf(err, errlen, "'%s' is not a valid instance name", conf->instance);
		return -1;
	}
	if (ha && conf->xdp_mode == XMIP_XDP_GENERIC) {
		snprintf(err, errlen, "xdp-mode = generic is refused for the home agent: generic "
			 "XDP runs after GRO, on packets that stand for many segments (one IPv6 "
			 "header, CHECKSUM_PARTIAL), which it cannot tunnel correctly; use "
			 "xdp-mode = tc (the same datapath on skbs, GSO-safe), native or auto");
		return -1;
	}
	if (!ha && conf->xdp_mode == XMIP_XDP_TC) {
		snprintf(err, errlen, "xdp-mode = tc is for the home agent; a mobile node "
			 "decapsulates in XDP: native, generic or auto");
		return -1;
	}
	for (int i = 0; i < conf->n_ifs; i++) {
		int mtu;

		ifindex[i] = if_nametoindex(conf->ifnames[i]);
		if (!ifindex[i]) {
			snprintf(err, errlen, "interface '%s' does not exist (in this network "
				 "namespace)", conf->ifnames[i]);
			return -1;
		}
		mtu = if_mtu(conf->ifnames[i]);
		if (mtu > 0 && (min_mtu == 0 || mtu < min_mtu))
			min_mtu = mtu;
	}
	if (!tunnel_mtu && conf->role != XMIP_ROLE_RS && conf->role != XMIP_ROLE_NTM) {
		/* RFC 2473: the tunnel adds a 40-octet IPv6 header to every packet. */
		if (min_mtu - 40 < 1280) {
			snprintf(err, errlen, "smallest interface MTU %d leaves less than 1280 "
				 "octets inside the tunnel; set tunnel-mtu", min_mtu);
			return -1;
		}
		tunnel_mtu = (uint16_t)(min_mtu - 40 > 65535 ? 65535 : min_mtu - 40);
	}

	if (xmip_bpffs_ensure(err, errlen))
		return -1;
	/* A failed first attach is rolled back; a failed re-attach leaves the working one. */
	snprintf(stats_path, sizeof(stats_path), "%s/%s", pin_dir, XMIP_MAP_STATS);
	fresh = access(stats_path, F_OK) != 0;
	if (make_dirs(pin_dir, err, errlen))
		return -1;

	libbpf_set_print(print_cb);
	log_reset();
	if (ha) {
		hx.mode = conf->xdp_mode == XMIP_XDP_TC ? XMIP_HA_MODE_TC : XMIP_HA_MODE_XDP;
		ha_table_plan(pin_dir, conf->max_bindings, &hx);
	}
	if (conf->role == XMIP_ROLE_NTM) {   /* the virtual interface first: its ifindex is rodata */
		hx.vif_ifindex = vif_make(conf, min_mtu, err, errlen);
		if (!hx.vif_ifindex)
			goto out;
	}
	rc = role_open(conf, pin_dir, tunnel_mtu, &hx, &ro);
	if (rc) {
		snprintf(err, errlen, "opening the BPF object failed: %s", strerror(-rc));
		log_print_tail();
		return -1;
	}
	rc = -1;
	if (ro.bindings)
		size_map(ro.bindings, pin_dir, conf->max_bindings);
	if (ro.replay)
		size_map(ro.replay, pin_dir, conf->max_bindings);
	if (ro.ident)
		size_map(ro.ident, pin_dir, conf->max_bindings);
	if (ro.used)
		size_map(ro.used, pin_dir, conf->max_bindings);
	if (ro.relay) {   /* max-paths: sized here, at attach (1M by default) */
		size_map(ro.relay, pin_dir, conf->ntm.rs_max_paths);
		size_map(ro.rs_paths, pin_dir, conf->ntm.rs_max_paths);
	}

	drop_resized_stats(pin_dir);
	if (role_load(&ro)) {
		int e = errno;

		log_print_tail();
		if (log_contains("couldn't reuse pinned map"))
			snprintf(err, errlen, "a map pinned in %s does not match this build's layout; "
				 "xmip detach -i %s first (drops the bindings)", pin_dir, conf->instance);
		else if (log_contains("BEGIN PROG LOAD LOG"))
			snprintf(err, errlen, "the kernel verifier rejected %s (%s); its log "
				 "is above", rejected_prog(), strerror(e));
		else if ((e == EPERM || e == EACCES) && geteuid() != 0)
			snprintf(err, errlen, "loading BPF programs failed: %s (needs root: "
				 "CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)", strerror(e));
		else
			snprintf(err, errlen, "loading the BPF programs failed (%s); the verifier "
				 "log above says why", strerror(e));
		goto out;
	}
	xmip_msg("instance %s: %s programs loaded, maps pinned in %s", conf->instance,
		 ha ? "ha" : conf->role == XMIP_ROLE_RS ? "rs" :
		 conf->role == XMIP_ROLE_CN ? "cn" : conf->role == XMIP_ROLE_NTM ? "ntm" :
		 ro.m4 ? "mip4" : "mn", pin_dir);

	if (ro.state) {
		int e = seed_state(bpf_map__fd(ro.state), conf, pin_dir);

		if (e) {
			snprintf(err, errlen, "writing %s failed: %s", XMIP_MAP_MN_STATE,
				 strerror(-e));
			goto out;
		}
	}
	if (ha && ha_table_setup(&ro, pin_dir, &hx, err, errlen))
		goto out;
	if (ro.rodata && pin_rodata(ro.rodata, pin_dir, err, errlen))
		goto out;
	drop_stale_pins(pin_dir, ro.obj);
	/* Safety net for the next-hop cache of the reverse tunnel: next hops
	 * cached while no agent watched for changes are not trusted after a
	 * (re-)attach. */
	{
		struct bpf_map *gen = bpf_object__find_map_by_name(ro.obj, XMIP_MAP_NH_GEN);
		int e = gen ? xmip_nh_gen_bump(bpf_map__fd(gen), NULL) : -ENOENT;

		if (e && ha)
			xmip_msg("%s: bumping the next-hop generation failed: %s", XMIP_MAP_NH_GEN,
				 strerror(-e));
	}

	if (ro.m4) {
		/* The role's interfaces; the FA's also where its care-of addresses are
		 * (the tunnels from home agents arrive there). */
		for (int i = 0; i < conf->n_ifs; i++)
			if (attach_m4_if(&ro, pin_dir, conf->ifnames[i], ifindex[i], err, errlen))
				goto out;
		for (size_t i = 0; conf->role == XMIP_ROLE_FA && i < conf->mip4.n_coas; i++) {
			char ifn[IF_NAMESIZE];

			if_of_addr4(conf->mip4.coas[i], ifn, sizeof(ifn));
			if (!ifn[0] || conf_has_if(conf, ifn))
				continue;
			if (attach_m4_if(&ro, pin_dir, ifn, if_nametoindex(ifn), err, errlen))
				goto out;
		}
		rc = 0;
		goto out;
	}
	if (conf->role == XMIP_ROLE_NTM &&
	    attach_ntm(&ro, conf, pin_dir, ifindex, hx.vif_ifindex, err, errlen))
		goto out;
	for (int i = 0; conf->role != XMIP_ROLE_NTM && i < conf->n_ifs; i++) {
		if (ha) {
			if (attach_ha_if(&ro, pin_dir, conf->ifnames[i], ifindex[i], conf->xdp_mode,
					 err, errlen))
				goto out;
			continue;
		}
		if (attach_xdp(pin_dir, conf->ifnames[i], ifindex[i], bpf_program__fd(ro.xdp),
			       conf->xdp_mode, false, err, errlen))
			goto out;
		tc_detach_at(ifindex[i], BPF_TC_INGRESS);   /* left over if it was an HA before */
		if (!ro.egress) {   /* RS: no tc program (one left over from an MN or CN goes) */
			tc_detach_at(ifindex[i], BPF_TC_EGRESS);
			continue;
		}
		if (tc_attach(conf->ifnames[i], ifindex[i], bpf_program__fd(ro.egress),
			      BPF_TC_EGRESS, err, errlen))
			goto out;
	}
	drop_stale_links(pin_dir, conf);
	rc = 0;
out:
	role_close(&ro);
	/* DSMIPv6 IPv4 home addresses: loose rp_filter where they are decapsulated. */
	if (rc == 0)
		xmip_rpf_attach(conf);
	if (rc && fresh) {
		char derr[256];

		xmip_msg("rolling back the partial attach of instance %s", conf->instance);
		xmip_detach(conf->instance, conf, derr, sizeof(derr));
	}
	return rc;
}

/* The role an attached instance was loaded for, from its pinned configuration; -1 if unknown. */
static int read_role(const char *pin_dir)
{
	struct xmip_rodata rd;
	char err[600];

	return xmip_rodata_read(pin_dir, &rd, err, sizeof(err)) ? -1 : rd.role;
}

int xmip_detach(const char *instance, const struct xmip_conf *conf, char *err, size_t errlen)
{
	char pin_dir[256], path[512];
	struct dirent *de;
	struct stat st;
	int role, rc = 0;
	DIR *d;

	if (xmip_pin_dir(instance, pin_dir, sizeof(pin_dir))) {
		snprintf(err, errlen, "'%s' is not a valid instance name", instance);
		return -1;
	}
	if (stat(pin_dir, &st)) {
		snprintf(err, errlen, "instance '%s' is not attached (no %s)", instance, pin_dir);
		return -1;
	}
	role = read_role(pin_dir);

	/* Links first, so no program runs on a half-removed instance. */
	d = opendir(pin_dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", pin_dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		const char *ifname;
		uint32_t ifindex;

		if (!strncmp(de->d_name, XMIP_PIN_TC_PREFIX, strlen(XMIP_PIN_TC_PREFIX))) {
			/* The HA's marker: its tc ingress and egress on that interface. */
			ifname = de->d_name + strlen(XMIP_PIN_TC_PREFIX);
			if (tc_detach(if_nametoindex(ifname)) == 0)
				xmip_msg("%s: tc detached", ifname);
			continue;
		}
		if (strncmp(de->d_name, XMIP_PIN_LINK_XDP, strlen(XMIP_PIN_LINK_XDP)))
			continue;
		ifname = de->d_name + strlen(XMIP_PIN_LINK_XDP);
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		ifindex = drop_link(path);
		if (tc_detach(ifindex) == 0)
			xmip_msg("%s: tc detached", ifname);
		xmip_msg("%s: XDP detached", ifname);
	}
	closedir(d);
	for (int i = 0; conf && i < conf->n_ifs; i++)
		tc_detach(if_nametoindex(conf->ifnames[i]));
	xmip_rpf_detach(instance);   /* nothing decapsulates any more */
	if (role == XMIP_ROLE_NTM) {
		/* The NTM node's virtual interface goes with it (and the
		 * virtual addresses and routes the agent put on it). */
		struct xmip_rodata rd;
		char e2[600];
		int nl;

		if (xmip_rodata_read(pin_dir, &rd, e2, sizeof(e2)) == 0 && rd.ntm.vif_ifindex &&
		    (nl = xmip_nl_open()) >= 0) {
			if (xmip_nl_link_del(nl, rd.ntm.vif_ifindex) == 0)
				xmip_msg("virtual interface (ifindex %u) removed", rd.ntm.vif_ifindex);
			close(nl);
		}
	}

	d = opendir(pin_dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", pin_dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		if (unlink(path) && rc == 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = -1;
		}
	}
	closedir(d);
	if (rc == 0 && rmdir(pin_dir)) {
		snprintf(err, errlen, "%s: %s", pin_dir, strerror(errno));
		rc = -1;
	}
	/* The last instance gone: leave bpffs as we found it (fails while others remain). */
	if (rc == 0)
		rmdir(XMIP_PIN_ROOT);
	if (rc == 0)
		xmip_msg("instance %s: detached, pins removed", instance);
	return rc;
}

static void prog_name(uint32_t id, char *buf, size_t len)
{
	struct bpf_prog_info pi = { 0 };
	uint32_t pi_len = sizeof(pi);
	int fd = bpf_prog_get_fd_by_id(id);

	buf[0] = '\0';
	if (fd < 0)
		return;
	if (bpf_obj_get_info_by_fd(fd, &pi, &pi_len) == 0)
		snprintf(buf, len, "%s", pi.name);
	close(fd);
}

static int cmp_if(const void *a, const void *b)
{
	return strcmp(((const struct xmip_if_state *)a)->ifname,
		      ((const struct xmip_if_state *)b)->ifname);
}

static struct xmip_if_state *if_slot(struct xmip_if_state *out, int *n, int max, const char *ifname)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(out[i].ifname, ifname))
			return &out[i];
	if (*n == max)
		return NULL;
	memset(&out[*n], 0, sizeof(out[0]));
	snprintf(out[*n].ifname, sizeof(out[0].ifname), "%s", ifname);
	return &out[(*n)++];
}

static bool tc_query(uint32_t ifindex, enum bpf_tc_attach_point where, uint32_t *prog_id,
		     char *name, size_t name_len)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = where);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = XMIP_TC_HANDLE, .priority = XMIP_TC_PRIORITY);

	if (!ifindex || bpf_tc_query(&hook, &o))
		return false;
	*prog_id = o.prog_id;
	prog_name(o.prog_id, name, name_len);
	return true;
}

int xmip_instance_ifs(const char *instance, struct xmip_if_state *out, int max,
		      char *err, size_t errlen)
{
	char pin_dir[256], path[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (xmip_pin_dir(instance, pin_dir, sizeof(pin_dir)) || !(d = opendir(pin_dir))) {
		snprintf(err, errlen, "instance '%s' is not attached", instance);
		return -1;
	}
	while ((de = readdir(d))) {
		bool link = !strncmp(de->d_name, XMIP_PIN_LINK_XDP, strlen(XMIP_PIN_LINK_XDP));
		bool tc = !strncmp(de->d_name, XMIP_PIN_TC_PREFIX, strlen(XMIP_PIN_TC_PREFIX));
		struct xmip_if_state *s;
		struct bpf_link_info li;
		int fd;

		if (!link && !tc)
			continue;
		s = if_slot(out, &n, max, de->d_name + strlen(link ? XMIP_PIN_LINK_XDP :
								  XMIP_PIN_TC_PREFIX));
		if (!s)
			break;
		if (tc) {
			s->tc_marker = true;
			if (!s->ifindex)
				s->ifindex = if_nametoindex(s->ifname);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		fd = bpf_obj_get(path);
		if (fd >= 0 && link_info(fd, &li) == 0) {
			s->link_id = li.id;
			s->prog_id = li.prog_id;
			s->ifindex = li.type == BPF_LINK_TYPE_XDP ? li.xdp.ifindex : 0;
			s->mode = xdp_mode_of(s->ifindex, s->prog_id);
			prog_name(s->prog_id, s->prog_name, sizeof(s->prog_name));
		}
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	for (int i = 0; i < n; i++) {
		struct xmip_if_state *s = &out[i];

		s->tc_egress = tc_query(s->ifindex, BPF_TC_EGRESS, &s->tc_prog_id, s->tc_prog_name,
					sizeof(s->tc_prog_name));
		s->tc_ingress = tc_query(s->ifindex, BPF_TC_INGRESS, &s->tc_in_prog_id,
					 s->tc_in_prog_name, sizeof(s->tc_in_prog_name));
		/* An HA interface without an XDP link runs in tc mode. */
		if (s->tc_marker && !s->link_id)
			s->mode = s->tc_ingress ? XMIP_IF_MODE_TC : XMIP_IF_MODE_UNKNOWN;
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_if);
	return n;
}
