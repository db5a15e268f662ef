// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Names of Binding Acknowledgement statuses for log lines (RFC 6275 §6.1.8, RFC 3963, RFC 4285). */
#include "mh.h"

#include <ctype.h>

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

/* A Mobility Header type as a metrics label value ("binding_update"). */
const char *xmip_mh_type_label(unsigned int type)
{
	static const char *const names[] = {
		[XMIP_MH_BRR] = "binding_refresh_request", [XMIP_MH_HOTI] = "home_test_init",
		[XMIP_MH_COTI] = "care_of_test_init",      [XMIP_MH_HOT] = "home_test",
		[XMIP_MH_COT] = "care_of_test",            [XMIP_MH_BU] = "binding_update",
		[XMIP_MH_BA] = "binding_ack",              [XMIP_MH_BE] = "binding_error",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

/*
 * A BA status as a label value: "sequence_number_out_of_window",
 * "mipv6_auth_fail". Filled once per status and never rewritten, so a
 * metrics row may keep the pointer (metrics.h).
 */
const char *xmip_ba_status_label(unsigned int status)
{
	static char labels[256][48];
	char *l = labels[status & 0xff];

	if (!l[0]) {
		const char *n = xmip_ba_status_name(status & 0xff);
		size_t k = 0;

		for (; *n && k < sizeof(labels[0]) - 1; n++) {
			char c = (char)tolower((unsigned char)*n);

			if (isalnum((unsigned char)c))
				l[k++] = c;
			else if (k && l[k - 1] != '_')
				l[k++] = '_';
		}
		while (k && l[k - 1] == '_')
			k--;
		l[k] = '\0';
	}
	return l;
}
