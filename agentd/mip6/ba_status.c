// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Names of Binding Acknowledgement statuses for log lines (RFC 6275 §6.1.8, RFC 3963, RFC 4285). */
#include "mh.h"

const char *xmip_ba_status_name(unsigned int status)
{
	switch (status) {
	case XMIP_BA_ACCEPTED: return "accepted";
	case XMIP_BA_ACCEPTED_PREFIX_DISCOVERY: return "accepted, prefix discovery necessary";
	case XMIP_BA_UNSPECIFIED: return "reason unspecified";
	case XMIP_BA_PROHIBITED: return "administratively prohibited";
	case XMIP_BA_INSUFFICIENT_RESOURCES: return "insufficient resources";
	case XMIP_BA_HOME_REG_NOT_SUPPORTED: return "home registration not supported";
	case XMIP_BA_NOT_HOME_SUBNET: return "not home subnet";
	case XMIP_BA_NOT_HA_FOR_MN: return "not home agent for this mobile node";
	case XMIP_BA_DAD_FAILED: return "duplicate address detection failed";
	case XMIP_BA_SEQ_OUT_OF_WINDOW: return "sequence number out of window";
	case XMIP_BA_EXPIRED_HOME_NONCE: return "expired home nonce index";
	case XMIP_BA_EXPIRED_COA_NONCE: return "expired care-of nonce index";
	case XMIP_BA_EXPIRED_NONCES: return "expired nonces";
	case XMIP_BA_REG_TYPE_CHANGE: return "registration type change disallowed";
	case 140: return "mobile router operation not permitted";
	case 141: return "invalid prefix";
	case 142: return "not authorized for prefix";
	case 143: return "forwarding setup failed";
	case XMIP_BA_MIPV6_ID_MISMATCH: return "MIPV6-ID-MISMATCH";
	case XMIP_BA_MIPV6_MESG_ID_REQD: return "MIPV6-MESG-ID-REQD";
	case XMIP_BA_MIPV6_AUTH_FAIL: return "MIPV6-AUTH-FAIL";
	default: return status < 128 ? "accepted (unknown code)" : "rejected (unknown code)";
	}
}
