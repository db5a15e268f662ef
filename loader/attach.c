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
#include <dirent.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "nh_gen.h"
#include "pins.h"
#include "rodata.h"
#include "xmip_cn.skel.h"
#include "xmip_ha.skel.h"
#include "xmip_mn.skel.h"

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
	struct xmip_cn *cn;
	struct bpf_object *obj;
	struct bpf_program *xdp;
	struct bpf_program *egress;   /* MN, CN */
	struct bpf_map *bindings, *replay, *ident; /* HA; CN: bindings only */
	struct bpf_map *used;         /* CN only: xmip_ro_used */
	struct bpf_map *state;        /* MN only: xmip_mn_state */
	struct bpf_map *rodata;       /* the static configuration */
};

/*
 * Open the role's object and set its static configuration (load-time
 * rodata) from the configuration file; it is frozen when the programs load.
 */
static int role_open(const struct xmip_conf *conf, const char *pin_dir, uint16_t tunnel_mtu,
		     struct role_obj *ro)
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
		ro->bindings = ro->ha->maps.xmip_bindings;
		ro->replay = ro->ha->maps.xmip_replay;
		ro->ident = ro->ha->maps.xmip_ident;
		ro->rodata = ro->ha->maps.rodata;
		c = (struct xmip_ha_conf *)&ro->ha->rodata->xmip_ha_conf;
		memset(c, 0, sizeof(*c));
		memcpy(c->self_addr, &conf->address, 16);
		memcpy(c->home_prefix, &conf->home_prefix, 16);
		c->home_plen = conf->home_plen;
		c->tunnel_mtu = tunnel_mtu;
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
	return ro->ha ? xmip_ha__load(ro->ha) : ro->cn ? xmip_cn__load(ro->cn) : xmip_mn__load(ro->mn);
}

static void role_close(struct role_obj *ro)
{
	if (ro->ha)
		xmip_ha__destroy(ro->ha);
	if (ro->mn)
		xmip_mn__destroy(ro->mn);
	if (ro->cn)
		xmip_cn__destroy(ro->cn);
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
	return m == XMIP_IF_MODE_NATIVE ? "native" : m == XMIP_IF_MODE_GENERIC ? "generic" : "unknown";
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

static int tc_detach(uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = XMIP_TC_HANDLE, .priority = XMIP_TC_PRIORITY);

	if (!ifindex)
		return -ENODEV;
	return bpf_tc_detach(&hook, &o);
}

static int tc_attach(const char *ifname, uint32_t ifindex, int prog_fd, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = XMIP_TC_HANDLE, .priority = XMIP_TC_PRIORITY,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int rc = bpf_tc_hook_create(&hook);

	if (rc && rc != -EEXIST) {
		snprintf(err, errlen, "%s: cannot create the clsact qdisc for tc egress: %s",
			 ifname, strerror(-rc));
		return -1;
	}
	rc = bpf_tc_attach(&hook, &o);
	if (rc) {
		snprintf(err, errlen, "%s: tc egress attach failed: %s", ifname, strerror(-rc));
		return -1;
	}
	xmip_msg("%s: tc egress attached (handle %u priority 0x%x)", ifname, XMIP_TC_HANDLE,
		 XMIP_TC_PRIORITY);
	return 0;
}

static int link_create(const char *ifname, uint32_t ifindex, int prog_fd,
		       enum xmip_xdp_mode want, char *err, size_t errlen)
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
			 "XDP? set xdp-mode = auto or generic)", ifname, strerror(-fd));
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

/* Attach (or atomically replace) the XDP program of one interface and pin its link. */
static int attach_xdp(const char *pin_dir, const char *ifname, uint32_t ifindex, int prog_fd,
		      enum xmip_xdp_mode want, char *err, size_t errlen)
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

	fd = link_create(ifname, ifindex, prog_fd, want, err, errlen);
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
	return false;
}

/* Links pinned for interfaces the configuration no longer lists. */
static void drop_stale_links(const char *pin_dir, const struct xmip_conf *conf)
{
	DIR *d = opendir(pin_dir);
	struct dirent *de;
	char path[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *ifname = de->d_name + strlen(XMIP_PIN_LINK_XDP);
		uint32_t ifindex;

		if (strncmp(de->d_name, XMIP_PIN_LINK_XDP, strlen(XMIP_PIN_LINK_XDP)) ||
		    conf_has_if(conf, ifname))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		ifindex = drop_link(path);
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

/*
 * Pin the programs' .rodata as xmip_rodata, replacing the previous
 * attach's: pinned under a temporary name, then renamed over it.
 */
static int pin_rodata(struct bpf_map *rodata, const char *pin_dir, char *err, size_t errlen)
{
	char path[512], tmp[520];

	snprintf(path, sizeof(path), "%s/%s", pin_dir, XMIP_PIN_RODATA);
	snprintf(tmp, sizeof(tmp), "%s_new", path);   /* bpffs refuses dots in names */
	unlink(tmp);
	if (bpf_obj_pin(bpf_map__fd(rodata), tmp) || rename(tmp, path)) {
		snprintf(err, errlen, "pinning the configuration at %s failed: %s", path,
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
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
		    bpf_object__find_map_by_name(obj, de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		if (unlink(path) == 0)
			xmip_msg("%s: removed (not a map of this build)", de->d_name);
	}
	closedir(d);
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

int xmip_attach(const struct xmip_conf *conf, char *err, size_t errlen)
{
	uint32_t ifindex[XMIP_CONF_MAX_IFS];
	struct role_obj ro = { 0 };
	char pin_dir[256];
	uint16_t tunnel_mtu = conf->tunnel_mtu;
	char stats_path[512];
	bool fresh;
	int rc = -1, min_mtu = 0;

	if (xmip_pin_dir(conf->instance, pin_dir, sizeof(pin_dir))) {
		snprintf(err, errlen, "'%s' is not a valid instance name", conf->instance);
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
	if (!tunnel_mtu) {
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
	rc = role_open(conf, pin_dir, tunnel_mtu, &ro);
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
		 conf->role == XMIP_ROLE_HA ? "ha" : conf->role == XMIP_ROLE_CN ? "cn" : "mn", pin_dir);

	if (ro.state) {
		int e = seed_state(bpf_map__fd(ro.state), conf, pin_dir);

		if (e) {
			snprintf(err, errlen, "writing %s failed: %s", XMIP_MAP_MN_STATE,
				 strerror(-e));
			goto out;
		}
	}
	if (pin_rodata(ro.rodata, pin_dir, err, errlen))
		goto out;
	drop_stale_pins(pin_dir, ro.obj);
	/* Safety net for the next-hop cache: next hops cached while no agent
	 * watched for changes are not trusted after a (re-)attach. */
	{
		struct bpf_map *gen = bpf_object__find_map_by_name(ro.obj, XMIP_MAP_NH_GEN);
		int e = gen ? xmip_nh_gen_bump(bpf_map__fd(gen), NULL) : -ENOENT;

		if (e)
			xmip_msg("%s: bumping the next-hop generation failed: %s", XMIP_MAP_NH_GEN,
				 strerror(-e));
	}

	for (int i = 0; i < conf->n_ifs; i++) {
		if (attach_xdp(pin_dir, conf->ifnames[i], ifindex[i], bpf_program__fd(ro.xdp),
			       conf->xdp_mode, err, errlen))
			goto out;
		if (ro.egress) {
			if (tc_attach(conf->ifnames[i], ifindex[i], bpf_program__fd(ro.egress),
				      err, errlen))
				goto out;
		} else {
			tc_detach(ifindex[i]); /* left over if the instance was an MN before */
		}
	}
	drop_stale_links(pin_dir, conf);
	rc = 0;
out:
	role_close(&ro);
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
		uint32_t ifindex;

		if (strncmp(de->d_name, XMIP_PIN_LINK_XDP, strlen(XMIP_PIN_LINK_XDP)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		ifindex = drop_link(path);
		if (role != XMIP_ROLE_HA && tc_detach(ifindex) == 0)
			xmip_msg("%s: tc egress detached", de->d_name + strlen(XMIP_PIN_LINK_XDP));
		xmip_msg("%s: XDP detached", de->d_name + strlen(XMIP_PIN_LINK_XDP));
	}
	closedir(d);
	if (role != XMIP_ROLE_HA) {
		for (int i = 0; conf && i < conf->n_ifs; i++)
			tc_detach(if_nametoindex(conf->ifnames[i]));
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
	while ((de = readdir(d)) && n < max) {
		struct xmip_if_state *s = &out[n];
		struct bpf_link_info li;
		int fd;

		if (strncmp(de->d_name, XMIP_PIN_LINK_XDP, strlen(XMIP_PIN_LINK_XDP)))
			continue;
		memset(s, 0, sizeof(*s));
		snprintf(s->ifname, sizeof(s->ifname), "%s", de->d_name + strlen(XMIP_PIN_LINK_XDP));
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
		if (s->ifindex) {
			LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)s->ifindex,
				    .attach_point = BPF_TC_EGRESS);
			LIBBPF_OPTS(bpf_tc_opts, o, .handle = XMIP_TC_HANDLE,
				    .priority = XMIP_TC_PRIORITY);

			if (bpf_tc_query(&hook, &o) == 0) {
				s->tc_egress = true;
				s->tc_prog_id = o.prog_id;
				prog_name(o.prog_id, s->tc_prog_name, sizeof(s->tc_prog_name));
			}
		}
		n++;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), cmp_if);
	return n;
}
