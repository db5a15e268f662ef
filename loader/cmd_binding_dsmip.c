// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip binding show`'s DSMIPv6 rows: the bindings the HA agent keeps in
 * XMIP_RUN_DIR/<instance>.dsmip (include/xmip_dsmip.h; docs/dsmip.md):
 * IPv6 and IPv4 home addresses, care-of address, NAT address and port,
 * encapsulation, keepalive, lifetime left.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "cli.h"
#include "family_names.h"
#include "fwtable.h"
#include "json.h"
#include "xmip_dsmip.h"
#include "xmip_events.h"
#include "xmip_wire.h"

#include "cmd_binding_dsmip.h"
#include "cmd_binding_nemo.h"

static void addr_str(const uint8_t a[16], char *buf)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(a, mapped, 12) == 0)
		inet_ntop(AF_INET, a + 12, buf, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static const char *encap_name(unsigned int e)
{
	return e == XMIP_DSMIP_ENCAP_IPV4 ? "ipv4" : e == XMIP_DSMIP_ENCAP_UDP4 ? "udp4" :
	       e == XMIP_DSMIP_ENCAP_UDP6 ? "udp6" : e == XMIP_DSMIP_ENCAP_IP6 ? "ip6" : "none";
}

/*
 * The encapsulation the datapath uses for key: read from its slot of
 * xmip_fwtable (what packets get), "none" without a slot (e.g. udp6,
 * which the datapath does not carry). *nh: the slot has a prepared next hop.
 */
static const char *table_encap(struct xmip_fwt *t, const uint8_t key[16], bool *nh)
{
	struct xmip_fw_entry e;

	*nh = false;
	if (!t || xmip_fwt_get(t, key, &e))
		return "none";
	*nh = e.flags & XMIP_FW_F_NH;
	return xmip_encap_name(e.encap);
}

int xmip_binding_show_dsmip(const char *instance, const uint8_t *hoa_pfx, unsigned int hoa_len,
			    struct xmip_json *j, bool *header_done)
{
	struct xmip_dsmip_state_hdr h;
	struct xmip_fwt *t;
	struct timespec ts;
	char path[160], err[256];
	uint64_t now;
	int shown = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.dsmip", XMIP_RUN_DIR, instance);
	fp = fopen(path, "r");
	if (!fp)
		return 0;                    /* no DSMIPv6 agent ever ran here */
	if (fread(&h, sizeof(h), 1, fp) != 1 || h.magic != XMIP_DSMIP_STATE_MAGIC ||
	    h.rec_size != sizeof(struct xmip_dsmip_binding)) {
		fclose(fp);
		return 0;
	}
	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	t = xmip_fwt_open(instance, err, sizeof(err));   /* NULL: not attached: "none" */
	for (uint32_t i = 0; i < h.n; i++) {
		char hoa[INET6_ADDRSTRLEN], v4[INET6_ADDRSTRLEN] = "-", coa[INET6_ADDRSTRLEN],
		     nat[INET6_ADDRSTRLEN] = "-", ka[16] = "-";
		struct xmip_dsmip_binding b;
		uint64_t left;
		bool natted, nh;
		const char *dp;

		if (fread(&b, sizeof(b), 1, fp) != 1)
			break;
		if (hoa_pfx && !xmip_in_prefix(b.hoa, hoa_pfx, hoa_len))
			continue;
		left = b.expires_ns > now ? (b.expires_ns - now) / 1000000000ull : 0;
		natted = b.flags & XMIP_DSMIP_B_NAT;
		addr_str(b.hoa, hoa);
		addr_str(b.coa, coa);
		if (b.flags & XMIP_DSMIP_B_IPV4_HOA)
			addr_str(b.ipv4_hoa, v4);
		if (natted)
			addr_str(b.observed_addr, nat);
		if (b.keepalive_s != XMIP_DSMIP_REFRESH_NONE)
			snprintf(ka, sizeof(ka), "%u", b.keepalive_s);
		dp = table_encap(t, b.hoa, &nh);
		/* A mobile router's (RFC 3963): the prefixes forwarded to it. */
		char mnp[XMIP_MNP_SHOW_MAX][XMIP_MNP_STR];
		int n_mnp = (b.bu_flags & XMIP_BU_F_R) ?
			    xmip_binding_mnps(instance, b.hoa, mnp, XMIP_MNP_SHOW_MAX) : 0;

		shown++;
		if (!j) {
			if (!*header_done) {
				printf("%-10s %-24s %-15s %-24s %-21s %-5s %9s %8s %9s\n", "INSTANCE",
				       "HOME ADDRESS", "IPV4 HOME", "CARE-OF ADDRESS", "NAT ADDRESS:PORT",
				       "ENCAP", "KEEPALIVE", "LIFETIME", "REMAINING");
				*header_done = true;
			}
			char natp[INET6_ADDRSTRLEN + 8];

			if (natted)
				snprintf(natp, sizeof(natp), "%s:%u", nat, b.observed_port);
			else
				snprintf(natp, sizeof(natp), "-");
			printf("%-10s %-24s %-15s %-24s %-21s %-5s %9s %8u %9" PRIu64 "\n", instance, hoa,
			       v4, coa, natp, dp, ka, b.lifetime_s, left);
			for (int m = 0; m < n_mnp; m++)
				printf("%-10s   mobile network prefix %s\n", "", mnp[m]);
			continue;
		}
		xmip_json_obj_open(j);
		xmip_json_key(j, "instance");
		xmip_json_str(j, instance);
		xmip_json_key(j, "family");
		xmip_json_str(j, "dsmip");
		xmip_json_key(j, "hoa");
		xmip_json_str(j, hoa);
		xmip_json_key(j, "ipv4_hoa");
		if (b.flags & XMIP_DSMIP_B_IPV4_HOA)
			xmip_json_str(j, v4);
		else
			xmip_json_null(j);
		xmip_json_key(j, "coa");
		xmip_json_str(j, coa);
		xmip_json_key(j, "observed_addr");
		addr_str(b.observed_addr, nat);
		xmip_json_str(j, nat);
		xmip_json_key(j, "observed_port");
		xmip_json_u64(j, b.observed_port);
		xmip_json_key(j, "nat");
		xmip_json_bool(j, natted);
		/* encap: what the datapath's table says; decided: what the agent chose. */
		xmip_json_key(j, "encap");
		xmip_json_str(j, dp);
		xmip_json_key(j, "decided_encap");
		xmip_json_str(j, encap_name(b.encap));
		xmip_json_key(j, "next_hop");
		xmip_json_bool(j, nh);
		xmip_json_key(j, "keepalive");
		if (b.keepalive_s != XMIP_DSMIP_REFRESH_NONE)
			xmip_json_u64(j, b.keepalive_s);
		else
			xmip_json_null(j);
		xmip_json_key(j, "lifetime");
		xmip_json_u64(j, b.lifetime_s);
		xmip_json_key(j, "remaining");
		xmip_json_u64(j, left);
		xmip_json_key(j, "seq");
		xmip_json_u64(j, b.seq);
		if (b.bu_flags & XMIP_BU_F_R) {
			xmip_json_key(j, "mobile_network_prefixes");
			xmip_json_arr_open(j);
			for (int m = 0; m < n_mnp; m++)
				xmip_json_str(j, mnp[m]);
			xmip_json_arr_close(j);
		}
		xmip_json_obj_close(j);
	}
	fclose(fp);
	xmip_fwt_close(t);
	return shown;
}
