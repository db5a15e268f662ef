// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip binding show`'s Mobile IPv4 rows (docs/mip4.md, "Datapath"): the
 * records the HA agent writes into xmip_bindings (agentd/mip4/dp.c): home
 * address, the tunnel's end (the foreign agent's care-of address, the
 * co-located one, or the NAT's address), the NAT's port with RFC 3519,
 * encapsulation, FA or co-located, reverse tunnel, lifetime, remaining
 * (JSON: also the learnt path MTU to the tunnel end).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "family_names.h"
#include "json.h"

#include "cmd_binding_mip4.h"

void xmip_binding_show_mip4(const char *instance, const uint8_t hoa[16],
			    const struct xmip_binding *b, uint64_t now, struct xmip_json *j,
			    bool *header_done)
{
	char h[INET_ADDRSTRLEN], end[INET_ADDRSTRLEN], port[8] = "-";
	uint64_t left = b->expires_ns > now ? (b->expires_ns - now) / 1000000000ull : 0;
	uint16_t nport = (uint16_t)(b->coa[XMIP_FW_UDP_PORT_OFF] << 8 |
				    b->coa[XMIP_FW_UDP_PORT_OFF + 1]);
	bool coloc = b->bu_flags & XMIP_MIP4_REC_COLOCATED;
	bool rev = b->bu_flags & XMIP_MIP4_REC_REVERSE;
	bool nat = b->bu_flags & XMIP_MIP4_REC_NAT;

	inet_ntop(AF_INET, hoa + 12, h, sizeof(h));
	inet_ntop(AF_INET, b->coa + 12, end, sizeof(end));
	if (nport)
		snprintf(port, sizeof(port), "%u", nport);
	if (!j) {
		if (!*header_done) {
			printf("%-10s %-15s %-15s %-8s %-7s %-10s %-7s %8s %9s\n", "INSTANCE",
			       "HOME ADDRESS", "TUNNEL END", "NAT PORT", "ENCAP", "VIA", "REVERSE",
			       "LIFETIME", "REMAINING");
			*header_done = true;
		}
		printf("%-10s %-15s %-15s %-8s %-7s %-10s %-7s %8u %9" PRIu64 "\n", instance, h, end,
		       port, xmip_encap_name(b->encap), coloc ? "co-located" : "fa",
		       rev ? "yes" : "no", b->lifetime_s, left);
		return;
	}
	xmip_json_obj_open(j);
	xmip_json_key(j, "instance");
	xmip_json_str(j, instance);
	xmip_json_key(j, "family");
	xmip_json_str(j, "mip4");
	xmip_json_key(j, "hoa");
	xmip_json_str(j, h);
	/* the care-of address of an FA or a co-located node, or behind a NAT the NAT's */
	xmip_json_key(j, "tunnel_end");
	xmip_json_str(j, end);
	xmip_json_key(j, "nat_port");
	xmip_json_u64(j, nport);
	xmip_json_key(j, "nat");
	xmip_json_bool(j, nat);
	xmip_json_key(j, "encap");
	xmip_json_str(j, xmip_encap_name(b->encap));
	xmip_json_key(j, "udp");
	xmip_json_bool(j, nport != 0);
	xmip_json_key(j, "via");
	xmip_json_str(j, coloc ? "co-located" : "fa");
	xmip_json_key(j, "reverse");
	xmip_json_bool(j, rev);
	xmip_json_key(j, "lifetime");
	xmip_json_u64(j, b->lifetime_s);
	xmip_json_key(j, "remaining");
	xmip_json_u64(j, left);
	/* The tunnel's MTU soft state (RFC 2003 §5.1): the path MTU to the tunnel
	 * end a Fragmentation Needed taught (outer packets); 0: none. */
	xmip_json_key(j, "path_mtu");
	xmip_json_u64(j, b->path_mtu);
	xmip_json_obj_close(j);
}
