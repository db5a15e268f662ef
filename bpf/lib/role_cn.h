/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every family handler of the correspondent node role shares: its
 * static configuration (load-time rodata, set by `xmip attach`), its
 * binding cache (the correspondent bindings of RFC 6275 §9.1, one map for
 * every family of the role as on the HA: same name, key and value) and
 * when each binding was last used (for Binding Refresh Requests, §9.5.5).
 */
#ifndef XMIP_BPF_ROLE_CN_H
#define XMIP_BPF_ROLE_CN_H

#include "lib/common.h"
#include "xmip_ro.h"
#include "lib/ro_cache.h"

/* The CN's static configuration; `xmip attach` sets it before load (ready 0: pass all). */
const volatile struct xmip_cn_conf xmip_cn_conf = {};

/* The CN's address, copied out of the volatile rodata word by word. */
static __always_inline int xmip_cn_conf_load(__u8 self[16])
{
	const volatile __u32 *s = (const volatile __u32 *)xmip_cn_conf.self_addr;
	__u32 *d = (__u32 *)self;

	if (!xmip_cn_conf.ready)
		return -1;
	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
	d[3] = s[3];
	return 0;
}

#endif /* XMIP_BPF_ROLE_CN_H */
