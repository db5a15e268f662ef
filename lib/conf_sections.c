// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The sections of the configuration file, one line each: the instance's
 * keys (before any header), then each family's. A new family adds its
 * lib/conf_<family>.c and one line here.
 */
#include "conf_section.h"


const struct xmip_conf_section *const xmip_conf_sections[] = {
	&xmip_conf_instance,
	&xmip_conf_mip6,
	&xmip_conf_mn,
	&xmip_conf_dc, &xmip_conf_ntm_node, &xmip_conf_peer_dc, &xmip_conf_relay, &xmip_conf_ntm,
	&xmip_conf_rs, &xmip_conf_rs_dc,
	&xmip_conf_dsmip,
	&xmip_conf_agent,
	&xmip_conf_mip4, &xmip_conf_mip4_mn, &xmip_conf_mip4_peer,
	&xmip_conf_ro,
};

const size_t xmip_conf_n_sections = sizeof(xmip_conf_sections) / sizeof(xmip_conf_sections[0]);
