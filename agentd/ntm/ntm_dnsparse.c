// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A DNS response, from (buf, len), through glibc's ns_initparse/ns_parserr. */
#include "ntm_dns.h"

#include <arpa/nameser.h>
#include <string.h>

/* TXT RDATA: <len><octets> character-strings, joined (RFC 7208 §3.3), bounded by rdlen. */
static int join_txt(const uint8_t *rd, size_t rdlen, char *out, size_t cap, size_t *olen)
{
	size_t at = 0, n = 0;

	while (at < rdlen) {
		size_t l = rd[at++];

		if (l > rdlen - at || n + l >= cap)
			return -1;
		memcpy(out + n, rd + at, l);
		n += l;
		at += l;
	}
	out[n] = '\0';
	*olen = n;
	return 0;
}

int xmip_ntm_dns_parse(const uint8_t *buf, size_t len, uint16_t id, int type,
		       struct xmip_ntm_dns_answer *a)
{
	ns_msg msg;
	int rcode, count;

	memset(a, 0, sizeof(*a));
	if (len > 65535 || ns_initparse(buf, (int)len, &msg) < 0)
		return -1;
	if (ns_msg_id(msg) != id || !ns_msg_getflag(msg, ns_f_qr) || ns_msg_getflag(msg, ns_f_tc))
		return -1;
	rcode = ns_msg_getflag(msg, ns_f_rcode);
	if (rcode == ns_r_nxdomain)
		return 0;
	if (rcode != ns_r_noerror)
		return -1;
	count = ns_msg_count(msg, ns_s_an);
	for (int i = 0; i < count && a->n < XMIP_NTM_DNS_MAX_ANS; i++) {
		const uint8_t *rd;
		size_t rdlen;
		ns_rr rr;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			return -1;
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in)
			continue;   /* a CNAME on the way, say */
		rd = ns_rr_rdata(rr);
		rdlen = ns_rr_rdlen(rr);
		if (type == XMIP_NTM_DNS_TXT) {
			if (join_txt(rd, rdlen, a->txt[a->n], sizeof(a->txt[0]), &a->txt_len[a->n]))
				continue;
		} else if (type == XMIP_NTM_DNS_A && rdlen == 4) {
			memset(a->addr[a->n], 0, 16);
			a->addr[a->n][10] = a->addr[a->n][11] = 0xff;
			memcpy(a->addr[a->n] + 12, rd, 4);
		} else if (type == XMIP_NTM_DNS_AAAA && rdlen == 16) {
			memcpy(a->addr[a->n], rd, 16);
		} else {
			continue;
		}
		a->n++;
	}
	return 0;
}
