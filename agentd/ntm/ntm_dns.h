/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Asynchronous DNS lookups for the DC (TXT for _ntm records, A and AAAA
 * for General Nodes) on the agent's loop: queries built and answers
 * parsed with glibc's libresolv (res_nmkquery, ns_initparse/ns_parserr),
 * sent over our own UDP socket to the configured server or the first
 * nameserver of /etc/resolv.conf; 2 s timeout, 2 tries.
 */
#ifndef XMIP_NTM_DNS_H
#define XMIP_NTM_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "ntm_wire.h"

#define XMIP_NTM_DNS_MAX_ANS 4
#define XMIP_NTM_DNS_TXT_MAX 1024

enum { XMIP_NTM_DNS_A = 1, XMIP_NTM_DNS_TXT = 16, XMIP_NTM_DNS_AAAA = 28 };

struct xmip_ntm_dns_answer {
	int     n;                                          /* records of the asked type */
	char    txt[XMIP_NTM_DNS_MAX_ANS][XMIP_NTM_DNS_TXT_MAX]; /* TXT: strings joined */
	size_t  txt_len[XMIP_NTM_DNS_MAX_ANS];
	uint8_t addr[XMIP_NTM_DNS_MAX_ANS][16];             /* A (IPv4-mapped) / AAAA */
};

/* ok: 0 answered (a->n may be 0: no such record), -1 no answer in time or a server error. */
typedef void (*xmip_ntm_dns_cb)(void *arg, int ok, const struct xmip_ntm_dns_answer *a);

struct xmip_ntm_dns;

/* server NULL: the first nameserver of /etc/resolv.conf. NULL on failure (logged). */
struct xmip_ntm_dns *xmip_ntm_dns_new(struct xmip_loop *loop, const struct xmip_ntm_ep *server);
void xmip_ntm_dns_free(struct xmip_ntm_dns *d);
/* 0 or -1. cb runs later, from the loop, exactly once (unless cancelled). */
int  xmip_ntm_dns_query(struct xmip_ntm_dns *d, const char *name, int type, xmip_ntm_dns_cb cb,
			void *arg);
/* Forget every query whose arg is arg; their callbacks never run. */
void xmip_ntm_dns_cancel(struct xmip_ntm_dns *d, void *arg);

/*
 * Parse a response (buf, len) to query id for type: 0 with the records in
 * *a (n = 0: NOERROR without them, or NXDOMAIN), -1 if it is not a usable
 * response to that query (wrong id, not a response, truncated, SERVFAIL).
 */
int xmip_ntm_dns_parse(const uint8_t *buf, size_t len, uint16_t id, int type,
		       struct xmip_ntm_dns_answer *a);

#endif /* XMIP_NTM_DNS_H */
