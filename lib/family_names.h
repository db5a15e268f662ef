/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Names of the mobility families and of the binding encapsulations, for
 * everything that shows them (CLI filters, events, metrics labels). One
 * row per family and per encapsulation: a new family adds rows here, not
 * code in its users.
 */
#ifndef XMIP_FAMILY_NAMES_H
#define XMIP_FAMILY_NAMES_H

/* "mip6" for XMIP_FAMILY_MIP6; "unknown" otherwise. */
const char *xmip_fam_name(unsigned int id);
/* The id of a family name that has bindings (mip6, mip4, dsmip); 0 (XMIP_FAMILY_NONE) otherwise. */
unsigned int xmip_fam_id(const char *name);
/* The id of the i-th family that has bindings, 0 past the end (for listing them all). */
unsigned int xmip_fam_at(unsigned int i);
/* Every family name that has bindings, comma-separated, for messages. */
const char *xmip_fam_names(void);

/* The family a binding of this encapsulation (enum xmip_encap) belongs to. */
unsigned int xmip_encap_family(unsigned int encap);
/* "ip6ip6"; "unknown" otherwise. */
const char *xmip_encap_name(unsigned int encap);

#endif
