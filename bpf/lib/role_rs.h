/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the NTMobile Relay Server role shares: its static configuration
 * (load-time rodata set by `xmip attach`), the relay table and the set of
 * directed paths (include/xmip_ntm_relay.h), both replaced whole by the
 * agent (agentd/ntm/ntm_rs.c).
 */
#ifndef XMIP_BPF_ROLE_RS_H
#define XMIP_BPF_ROLE_RS_H

#include "lib/common.h"
#include "xmip_ntm.h"
#include "xmip_ntm_relay.h"

#ifndef XMIP_RS_PATHS_MAX
#define XMIP_RS_PATHS_MAX XMIP_RS_DEFAULT_MAX_PATHS
#endif

/* The relay's static configuration; `xmip attach` sets it before load (ready 0: pass all). */
const volatile struct xmip_rs_conf xmip_rs_conf = {};

/* Relay table: what arrives (outer source, ports, path id / inner flow) -> the other leg; replaced whole by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_RS_PATHS_MAX);
	__type(key, struct xmip_ntm_relay_key);
	__type(value, struct xmip_ntm_relay_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_relay SEC(".maps");

/* Directed paths by path id (network order): read only on a relay-table miss, to tell the drop reason. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_RS_PATHS_MAX);
	__type(key, __be32);
	__type(value, struct xmip_ntm_rs_path);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_rs_paths SEC(".maps");

#endif /* XMIP_BPF_ROLE_RS_H */
