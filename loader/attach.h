/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Loading, attaching and detaching an instance's BPF programs; reading back what is attached. */
#ifndef XMIP_ATTACH_H
#define XMIP_ATTACH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* tc filter identity of our programs (MN egress; HA ingress and egress) on every interface. */
#define XMIP_TC_HANDLE   1
#define XMIP_TC_PRIORITY 0x786d /* "xm" */

enum xmip_if_mode {
	XMIP_IF_MODE_UNKNOWN = 0, /* link pinned but the interface is gone */
	XMIP_IF_MODE_NATIVE,
	XMIP_IF_MODE_GENERIC,
	XMIP_IF_MODE_TC,          /* HA: no XDP, tc ingress does everything */
};

/* One interface of an attached instance, as derived from its pins and the kernel. */
struct xmip_if_state {
	char     ifname[IF_NAMESIZE];
	uint32_t ifindex;             /* 0: the interface no longer exists */
	uint32_t link_id;
	uint32_t prog_id;
	char     prog_name[16];
	enum xmip_if_mode mode;
	bool     tc_egress;           /* our tc egress filter is present */
	uint32_t tc_prog_id;
	char     tc_prog_name[16];
	bool     tc_ingress;          /* HA: our tc ingress filter is present */
	uint32_t tc_in_prog_id;
	char     tc_in_prog_name[16];
	bool     tc_marker;           /* HA: the tc_<ifname> pin */
};

/*
 * Route libbpf's messages through xmip: kept quietly for error reports, or
 * all printed with debug (-d). Call once before any libbpf use.
 */
void xmip_attach_set_debug(bool debug);

/*
 * `xmip attach`: load the role's object with its maps pinned under the
 * instance's directory (reusing maps already pinned there), with the
 * static configuration of CONF in their .rodata (pinned as xmip_rodata),
 * seed the MN's xmip_mn_state, attach and pin the XDP link of every interface (replacing the
 * program atomically if a link is pinned already), and the tc filters: the
 * MN's egress, the HA's ingress and egress (HA: XDP unless xdp-mode = tc;
 * the HA's fast-path table set up, its clock program pinned). Progress
 * goes to stderr; returns 0 or -1 with err.
 */
int xmip_attach(const struct xmip_conf *conf, char *err, size_t errlen);

/*
 * `xmip detach`: detach XDP links and tc filters, remove every pin and the
 * instance directory. The interfaces of conf (may be NULL) are also cleaned
 * of our tc filter even if no link is pinned for them.
 */
int xmip_detach(const char *instance, const struct xmip_conf *conf, char *err, size_t errlen);

/* The interfaces of an attached instance, sorted by name; count or -1 with err. */
int xmip_instance_ifs(const char *instance, struct xmip_if_state *out, int max,
		      char *err, size_t errlen);

#endif
