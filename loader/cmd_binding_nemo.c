// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip binding show`: the mobile network prefixes a mobile router's binding
 * carries (RFC 3963), read from the instance's pinned LPM trie xmip_mnp
 * (prefix -> the router's home address; docs/DESIGN.md, "NEMO").
 */
#include "cmd_binding_nemo.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pins.h"
#include "xmip_maps.h"

int xmip_binding_mnps(const char *instance, const uint8_t hoa[16],
		      char out[][XMIP_MNP_STR], int max)
{
	struct xmip_mnp_key k, next;
	struct xmip_mnp_val v;
	char err[256], a[INET6_ADDRSTRLEN];
	int fd = xmip_map_open(instance, XMIP_MAP_MNP, err, sizeof(err));
	int n = 0;
	bool first = true;

	if (fd < 0)
		return 0;              /* attached before NEMO, or not an HA: none */
	while (n < max && bpf_map_get_next_key(fd, first ? NULL : &k, &next) == 0) {
		first = false;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &v) || memcmp(v.hoa, hoa, 16))
			continue;
		inet_ntop(AF_INET6, k.prefix, a, sizeof(a));
		snprintf(out[n++], XMIP_MNP_STR, "%s/%u", a, k.prefixlen);
	}
	close(fd);
	return n;
}
