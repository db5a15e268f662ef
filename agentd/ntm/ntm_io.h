/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the DC and the node share: one dual-stack UDP socket (IPv4 peers
 * appear as ::ffff:a.b.c.d, the form of every address on our wire), the
 * clock in the wire's unit, counters of what arrived and why it was
 * dropped, and writing a JSON dump atomically.
 */
#ifndef XMIP_NTM_IO_H
#define XMIP_NTM_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "json.h"
#include "ntm_wire.h"

/* Bind [::]:port, IPV6_V6ONLY off, non-blocking. fd or -errno. */
int     xmip_ntm_udp_open(uint16_t port);
/* One datagram and its source. Length, 0 if none, or -errno. */
ssize_t xmip_ntm_recv(int fd, uint8_t *buf, size_t cap, struct xmip_ntm_ep *from);
/* 0 or -errno. */
int     xmip_ntm_send(int fd, const struct xmip_ntm_ep *to, const uint8_t *buf, size_t len);
/* The local address the kernel would use toward to (a connected probe socket). 0 or -errno. */
int     xmip_ntm_local_addr(const struct xmip_ntm_ep *to, uint8_t addr[16]);

/* CLOCK_REALTIME in microseconds: the wire's Timestamp. */
uint64_t xmip_ntm_now_us(void);

/* "203.0.113.1" or "2001:db8::1" (IPv4-mapped printed as IPv4). */
const char *xmip_ntm_addr_str(const uint8_t addr[16], char *buf, size_t len);
/* "203.0.113.1:49601" or "[2001:db8::1]:49601". */
const char *xmip_ntm_ep_str(const struct xmip_ntm_ep *e, char *buf, size_t len);
/* addr as IPv4-mapped from 4 octets. */
void xmip_ntm_map4(const uint8_t v4[4], uint8_t out[16]);
bool xmip_ntm_ep_eq(const struct xmip_ntm_ep *a, const struct xmip_ntm_ep *b);

/* What arrived, by type, and every drop by reason (the dump's "counters"). */
struct xmip_ntm_counters {
	uint64_t rx[XMIP_NTM_TYPE__MAX + 1];
	uint64_t rx_malformed;        /* failed the parser */
	uint64_t rx_unknown_sender;   /* no key for this Sender ID and type */
	uint64_t rx_bad_mac;
	uint64_t rx_stale;            /* timestamp outside the window */
	uint64_t rx_replay;           /* timestamp not newer, or sequence number seen */
	uint64_t rx_unexpected;       /* a response to nothing outstanding, or not for us */
	uint64_t tx[XMIP_NTM_TYPE__MAX + 1];
	uint64_t tx_retrans;
	uint64_t tx_errors;
};
void xmip_ntm_counters_json(struct xmip_json *j, const struct xmip_ntm_counters *c);

/*
 * Rewrite path whole: write(f, arg) into path.tmp, fsync, rename. 0 or -1
 * (logged). mode is the new file's (0600 for secrets).
 */
int xmip_ntm_write_atomic(const char *path, int mode, void (*write)(FILE *f, void *arg), void *arg);

#endif /* XMIP_NTM_IO_H */
