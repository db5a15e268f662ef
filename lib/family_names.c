// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Family and encapsulation names: one row each (family_names.h). */
#include "family_names.h"

#include <stdbool.h>
#include <string.h>

#include "xmip_maps.h"

static const struct {
	unsigned int id;
	const char  *name;
	bool         bindings;   /* has bindings (xmip binding show family, xmip_bindings) */
} families[] = {
	{ XMIP_FAMILY_MIP6, "mip6", true },
	{ XMIP_FAMILY_MIP4, "mip4", true },
	{ XMIP_FAMILY_DSMIP, "dsmip", true },
	{ XMIP_FAMILY_NTM, "ntm", false },   /* named in events (relays) and metrics only */
	{ XMIP_FAMILY_RO,   "ro", true },
};

static const struct {
	unsigned int encap;
	unsigned int family;
	const char  *name;
} encaps[] = {
	{ XMIP_ENCAP_IP6IP6, XMIP_FAMILY_MIP6, "ip6ip6" },
	{ XMIP_ENCAP_IP4, XMIP_FAMILY_DSMIP, "ipv4" },    /* IPv6/IPv4-in-IPv4 (41, 4) */
	{ XMIP_ENCAP_UDP4, XMIP_FAMILY_DSMIP, "udp4" },   /* IPv6/IPv4-in-UDP-in-IPv4 */
	{ XMIP_ENCAP_RH2,    XMIP_FAMILY_RO,   "rh2" },
	{ XMIP_ENCAP_MIP4_IPIP,   XMIP_FAMILY_MIP4, "ipip" },      /* RFC 2003 */
	{ XMIP_ENCAP_MIP4_MINENC, XMIP_FAMILY_MIP4, "minimal" },   /* RFC 2004 */
	{ XMIP_ENCAP_MIP4_GRE,    XMIP_FAMILY_MIP4, "gre" },       /* RFC 2784 */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *xmip_fam_name(unsigned int id)
{
	for (size_t i = 0; i < N(families); i++)
		if (families[i].id == id)
			return families[i].name;
	return "unknown";
}

unsigned int xmip_fam_id(const char *name)
{
	for (size_t i = 0; i < N(families); i++)
		if (families[i].bindings && strcmp(families[i].name, name) == 0)
			return families[i].id;
	return XMIP_FAMILY_NONE;
}

unsigned int xmip_fam_at(unsigned int i)
{
	for (size_t k = 0; k < N(families); k++)
		if (families[k].bindings && i-- == 0)
			return families[k].id;
	return XMIP_FAMILY_NONE;
}

const char *xmip_fam_names(void)
{
	static char buf[128];

	if (!buf[0])
		for (size_t i = 0; i < N(families); i++) {
			if (!families[i].bindings)
				continue;
			if (buf[0])
				strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
			strncat(buf, families[i].name, sizeof(buf) - strlen(buf) - 1);
		}
	return buf;
}

unsigned int xmip_encap_family(unsigned int encap)
{
	for (size_t i = 0; i < N(encaps); i++)
		if (encaps[i].encap == encap)
			return encaps[i].family;
	return XMIP_FAMILY_NONE;
}

const char *xmip_encap_name(unsigned int encap)
{
	for (size_t i = 0; i < N(encaps); i++)
		if (encaps[i].encap == encap)
			return encaps[i].name;
	return "unknown";
}
