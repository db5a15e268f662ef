/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the Mobile IPv4 roles share at run time (rt.c): timers through the
 * core, the UDP 434 socket, interface addresses, address text, counters
 * in JSON, and the state/dump file writer.
 */
#ifndef XMIP_MIP4_RT_H
#define XMIP_MIP4_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "family.h"

/* A timer of the family: the core calls fn(obj) when it is due. */
struct xmip_mip4_timer {
	struct xmip_family_timer ft;
	void (*fn)(void *obj);
	void *obj;
};
void xmip_mip4_timer_init(struct xmip_family *f, struct xmip_mip4_timer *t,
			  void (*fn)(void *obj), void *obj);
void xmip_mip4_timer_at(struct xmip_mip4_timer *t, uint64_t deadline_ns);   /* CLOCK_BOOTTIME */
void xmip_mip4_timer_in_ms(struct xmip_mip4_timer *t, uint64_t ms);
void xmip_mip4_timer_cancel(struct xmip_mip4_timer *t);

/* UDP port 434 on every address, with IP_PKTINFO (and IP_RECVERR for an FA). */
int  xmip_mip4_udp_open(bool recverr);
struct xmip_mip4_udp_meta {
	uint8_t  src[4], dst[4];
	uint16_t sport;
	uint32_t ifindex;
};
/* One datagram (0: none pending; too long ones are dropped and reported as 0). */
ssize_t xmip_mip4_udp_recv(int fd, uint8_t *buf, size_t cap, struct xmip_mip4_udp_meta *m);
/* Send from src (0.0.0.0: the kernel chooses) to dst:dport. 0 or -errno. */
int  xmip_mip4_udp_send(int fd, const uint8_t src[4], const uint8_t dst[4], uint16_t dport,
			const uint8_t *buf, size_t len);

/* The first IPv4 address of ifindex and its prefix length. 0 or -ENOENT. */
int  xmip_mip4_if_addr4(uint32_t ifindex, uint8_t addr[4], uint8_t *plen);
/* The interface holding addr. 0 if none. */
uint32_t xmip_mip4_if_of_addr4(const uint8_t addr[4]);
/* Whether addr is one of this host's. */
bool xmip_mip4_is_local4(const uint8_t addr[4]);

/* "a.b.c.d" into a rotating static buffer: up to 6 in one expression. */
const char *xmip_mip4_ntoa(const uint8_t a[4]);
/* "aa:bb:cc:dd:ee:ff", likewise. */
const char *xmip_mip4_mac_str(const uint8_t m[6]);

/* Write path whole (temporary file, fsync, rename), mode 0600. 0 or -1 (logged). */
int  xmip_mip4_write_file(const char *path, void (*write)(FILE *f, void *arg), void *arg);

/* CLOCK_REALTIME seconds. */
uint64_t xmip_mip4_rt_s(void);

#endif /* XMIP_MIP4_RT_H */
