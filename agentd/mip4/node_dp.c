// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The FA's and the co-located MN's side of the datapath (mip4_node_dp.h). */
#include "mip4_node_dp.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mip4_wire.h"
#include "xmip_maps.h"

int xmip_mip4_node_dp_open(const char *instance)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", XMIP_PIN_ROOT, instance, XMIP_MAP_MIP4_TUN);
	fd = bpf_obj_get(path);
	if (fd < 0)
		log_info("mip4: %s: %s: no datapath (run `xmip attach` for tunnelled data); "
			 "signalling only", path, strerror(errno));
	return fd < 0 ? -1 : fd;
}

int xmip_mip4_node_dp_set(int fd, const uint8_t hoa[4], const struct xmip_mip4_tun *t)
{
	struct xmip_mip4_tun_key k;
	char h[INET_ADDRSTRLEN];

	if (fd < 0)
		return 0;
	memcpy(&k.hoa, hoa, 4);
	inet_ntop(AF_INET, hoa, h, sizeof(h));
	if (!t) {
		if (bpf_map_delete_elem(fd, &k) == 0)
			log_info("mip4 datapath: %s: tunnel removed", h);
		return 0;
	}
	if (bpf_map_update_elem(fd, &k, t, BPF_ANY)) {
		int e = errno;

		log_warn("mip4 datapath: %s: %s", h, strerror(e));
		return -e;
	}
	log_info("mip4 datapath: %s: tunnel %s%s%s, encapsulation %u%s", h,
		 t->flags & XMIP_MIP4_TUN_F_FA ? "to the visitor" : "co-located",
		 t->ha_port ? " in UDP 434" : "", t->flags & XMIP_MIP4_TUN_F_REVERSE ?
		 ", reverse tunnel" : "", t->encap, "");
	return 0;
}

uint8_t xmip_mip4_node_dp_encap(uint8_t req_flags)
{
	/* M and G together: minimal (the HA's choice, docs/mip4.md). */
	if (req_flags & XMIP_MIP4_F_M)
		return XMIP_ENCAP_MIP4_MINENC;
	if (req_flags & XMIP_MIP4_F_G)
		return XMIP_ENCAP_MIP4_GRE;
	return XMIP_ENCAP_MIP4_IPIP;
}
