// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The home agent's mobile network prefixes in the datapath (see nemo.h). */
#include "nemo.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "xmip_maps.h"

static struct xmip_mnp_key key_of(const struct xmip_mnp *p)
{
	struct xmip_mnp_key k = { .prefixlen = p->plen };

	memcpy(k.prefix, p->prefix.s6_addr, 16);
	return k;
}

static bool listed(const struct xmip_mnp_key *k, const struct xmip_mnp *mnp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct xmip_mnp_key w = key_of(&mnp[i]);

		if (w.prefixlen == k->prefixlen && memcmp(w.prefix, k->prefix, 16) == 0)
			return true;
	}
	return false;
}

int xmip_nemo_set(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		  const struct xmip_mnp *mnp, size_t n)
{
	struct xmip_mnp_key k, next, stale[XMIP_MNP_MAX < 256 ? XMIP_MNP_MAX : 256];
	struct xmip_mnp_val v;
	size_t n_stale = 0;
	bool first = true;

	if (m->mnp < 0)
		return n ? -EOPNOTSUPP : 0;
	memcpy(v.hoa, hoa, 16);
	for (size_t i = 0; i < n; i++) {
		k = key_of(&mnp[i]);
		if (bpf_map_update_elem(m->mnp, &k, &v, BPF_ANY)) {
			int e = -errno;

			for (size_t j = 0; j < i; j++) {
				k = key_of(&mnp[j]);
				bpf_map_delete_elem(m->mnp, &k);
			}
			return e;
		}
	}
	/* Collect first, delete after: deleting while walking may skip keys. */
	while (n_stale < sizeof(stale) / sizeof(stale[0]) &&
	       bpf_map_get_next_key(m->mnp, first ? NULL : &k, &next) == 0) {
		struct xmip_mnp_val cur;

		first = false;
		k = next;
		if (bpf_map_lookup_elem(m->mnp, &k, &cur) == 0 && memcmp(cur.hoa, hoa, 16) == 0 &&
		    !listed(&k, mnp, n))
			stale[n_stale++] = k;
	}
	for (size_t i = 0; i < n_stale; i++)
		bpf_map_delete_elem(m->mnp, &stale[i]);
	return 0;
}
