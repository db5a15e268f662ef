// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "maps.h"

#include "fwsync.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int open_pin(const char *instance, const char *name, int *fd, char *err, size_t errlen)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s/%s", XMIP_PIN_ROOT, instance, name);
	*fd = bpf_obj_get(path);
	if (*fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s%s", path, strerror(e),
			 e == ENOENT ? " (is the instance attached? run `xmip attach -c CONF`)" : "");
		*fd = -1;
		return -e;
	}
	return 0;
}

int xmip_maps_open(const char *instance, int role, struct xmip_agent_maps *m,
		   char *err, size_t errlen)
{
	char ignored[256];
	int rc;

	m->bindings = m->mn_state = m->replay = m->signal = m->nh_gen = m->mnp = -1;
	m->fw = NULL;
	/* Each role's map set (docs/DESIGN.md, "Map set per role"). */
	if ((rc = open_pin(instance, XMIP_MAP_SIGNAL, &m->signal, err, errlen)))
		goto fail;
	if (role == XMIP_ROLE_HA) {
		if ((rc = open_pin(instance, XMIP_MAP_BINDINGS, &m->bindings, err, errlen)) ||
		    (rc = open_pin(instance, XMIP_MAP_REPLAY, &m->replay, err, errlen)))
			goto fail;
		/* Optional: an instance attached before the next-hop cache has none. */
		open_pin(instance, XMIP_MAP_NH_GEN, &m->nh_gen, ignored, sizeof(ignored));
		/* Optional too: NEMO prefixes (RFC 3963), absent before them. */
		open_pin(instance, XMIP_MAP_MNP, &m->mnp, ignored, sizeof(ignored));
	} else if (role == XMIP_ROLE_CN) {
		/* The correspondent's binding cache (RFC 6275 §9.1): same map as the HA's. */
		if ((rc = open_pin(instance, XMIP_MAP_BINDINGS, &m->bindings, err, errlen)))
			goto fail;
	} else if ((rc = open_pin(instance, XMIP_MAP_MN_STATE, &m->mn_state, err, errlen))) {
		goto fail;
	} else {
		/* A mobile router's own prefixes (RFC 3963); absent before them. */
		open_pin(instance, XMIP_MAP_MNP, &m->mnp, ignored, sizeof(ignored));
		/* The MN's correspondent binding cache (a correspondent for its own
		 * home address, RFC 6275 §9.3); absent in an older attach. */
		open_pin(instance, XMIP_MAP_BINDINGS, &m->bindings, ignored, sizeof(ignored));
	}
	return 0;
fail:
	xmip_maps_close(m);
	return rc;
}

void xmip_maps_close(struct xmip_agent_maps *m)
{
	int *fds[] = { &m->bindings, &m->mn_state, &m->replay, &m->signal, &m->nh_gen, &m->mnp };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int ret(int rc)
{
	return rc < 0 ? -errno : 0;
}

int xmip_binding_get(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		     struct xmip_binding *b)
{
	struct xmip_binding_key k;

	memcpy(k.hoa, hoa, 16);
	return ret(bpf_map_lookup_elem(m->bindings, &k, b));
}

static int binding_put(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		       const struct xmip_binding *b, bool keep_mtu)
{
	struct xmip_binding_key k;
	struct xmip_binding old, nb = *b;
	bool had;
	int rc;

	memcpy(k.hoa, hoa, 16);
	had = bpf_map_lookup_elem(m->bindings, &k, &old) == 0;
	/* The path MTU belongs to the path to this CoA (RFC 2473 §7): a new
	 * record for the same CoA (a BU refresh) keeps what a Packet Too Big
	 * taught, unless it says otherwise; a new CoA starts afresh. */
	if (keep_mtu && had && !nb.path_mtu && !memcmp(old.coa, nb.coa, 16))
		nb.path_mtu = old.path_mtu;
	b = &nb;
	if (bpf_map_update_elem(m->bindings, &k, b, BPF_ANY))
		return -errno;
	if (!m->fw)
		return 0;
	rc = xmip_fwsync_put(m->fw, hoa, b, had ? &old : NULL);
	if (rc) {
		/* The datapath could not follow: the record says what it does. */
		if (had)
			bpf_map_update_elem(m->bindings, &k, &old, BPF_ANY);
		else
			bpf_map_delete_elem(m->bindings, &k);
	}
	return rc;
}

int xmip_binding_put(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		     const struct xmip_binding *b)
{
	return binding_put(m, hoa, b, true);
}

int xmip_binding_mtu_forget(const struct xmip_agent_maps *m, const uint8_t hoa[16])
{
	struct xmip_binding b;
	int rc = xmip_binding_get(m, hoa, &b);

	if (rc)
		return rc == -ENOENT ? 0 : rc;
	if (!b.path_mtu)
		return 0;
	b.path_mtu = 0;
	rc = binding_put(m, hoa, &b, false);
	return rc ? rc : 1;
}

int xmip_binding_del(const struct xmip_agent_maps *m, const uint8_t hoa[16])
{
	struct xmip_binding_key k;
	struct xmip_binding old;
	bool had;
	int rc;

	memcpy(k.hoa, hoa, 16);
	had = bpf_map_lookup_elem(m->bindings, &k, &old) == 0;
	rc = ret(bpf_map_delete_elem(m->bindings, &k));
	if (m->fw)
		xmip_fwsync_del(m->fw, hoa, had ? &old : NULL);
	return rc;
}

int xmip_binding_foreach(const struct xmip_agent_maps *m,
			 int (*cb)(const uint8_t hoa[16], const struct xmip_binding *b, void *arg),
			 void *arg)
{
	struct xmip_binding_key key, next;
	struct xmip_binding b;
	int rc;

	/*
	 * Collect the next key before calling cb, so cb may delete the
	 * current entry without restarting the walk.
	 */
	if (bpf_map_get_next_key(m->bindings, NULL, &next))
		return errno == ENOENT ? 0 : -errno;
	for (;;) {
		int more;

		key = next;
		more = bpf_map_get_next_key(m->bindings, &key, &next) == 0;

		if (bpf_map_lookup_elem(m->bindings, &key, &b) == 0) {
			rc = cb(key.hoa, &b, arg);
			if (rc)
				return rc;
		}
		if (!more)
			return 0;
	}
}

int xmip_replay_get(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		    struct xmip_replay_state *r)
{
	struct xmip_binding_key k;

	if (m->replay < 0)
		return -ENOENT;
	memcpy(k.hoa, hoa, 16);
	return ret(bpf_map_lookup_elem(m->replay, &k, r));
}

int xmip_replay_put(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		    const struct xmip_replay_state *r)
{
	struct xmip_binding_key k;

	if (m->replay < 0)
		return -EBADF;
	memcpy(k.hoa, hoa, 16);
	return ret(bpf_map_update_elem(m->replay, &k, r, BPF_ANY));
}

int xmip_mn_state_get(const struct xmip_agent_maps *m, struct xmip_mn_runstate *st)
{
	__u32 key = XMIP_MN_STATE_KEY;

	if (m->mn_state < 0)
		return -EBADF;
	return ret(bpf_map_lookup_elem(m->mn_state, &key, st));
}

int xmip_mn_state_put(const struct xmip_agent_maps *m, const struct xmip_mn_runstate *st)
{
	__u32 key = XMIP_MN_STATE_KEY;

	if (m->mn_state < 0)
		return -EBADF;
	/* One update of the whole element: the kernel links a new element in
	 * place of the old, so the datapath reads one state or the other. */
	return ret(bpf_map_update_elem(m->mn_state, &key, st, BPF_ANY));
}
