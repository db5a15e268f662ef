/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Live events of an agent, as `xmip monitor` receives them: one record per
 * SOCK_SEQPACKET message on the agent's monitor socket
 * (/run/xmip/<instance>.sock, root only). Every family reports through
 * the same record (agentd/core/events.h): a new family adds event types
 * at the end of the list, never a record of its own.
 *
 * Addresses are 16 octets, IPv4 ones as IPv4-mapped IPv6 (::ffff:a.b.c.d),
 * as in the binding cache. Which fields hold something is in `fields`.
 */
#ifndef XMIP_EVENTS_H
#define XMIP_EVENTS_H

#include <linux/types.h>

#define XMIP_EVENT_VERSION 1
#define XMIP_RUN_DIR       "/run/xmip"   /* monitor sockets: <dir>/<instance>.sock */

/*
 * Event types: id, name (text and JSON), what it means. Append only (the
 * numbers are on the socket). Emitted today: MIPv6 HA and MN; the rest
 * are for the families that come (DSMIPv6 NAT, NTMobile relays).
 */
#define XMIP_EVENT_LIST(X) \
	X(LOST,          "lost",          "events dropped because this monitor read too slowly (count)") \
	X(REGISTERED,    "registered",    "a binding was created or moved to a new care-of address") \
	X(REFRESHED,     "refreshed",     "a binding was renewed with the same care-of address") \
	X(DEREGISTERED,  "deregistered",  "a binding was removed on request (the node came home)") \
	X(EXPIRED,       "expired",       "a binding's lifetime ran out") \
	X(REFUSED,       "refused",       "a registration was refused (status, status_name)") \
	X(NAT_REBOUND,   "nat-rebound",   "a binding's NAT mapping (address, port) changed") \
	X(RELAY_PATH_CREATED, "relay-path-created", "a relay path between two nodes was set up") \
	X(RELAY_PATH_REMOVED, "relay-path-removed", "a relay path was torn down")

enum xmip_event_type {
#define XMIP_EVENT_ENUM(id, name, desc) XMIP_EV_##id,
	XMIP_EVENT_LIST(XMIP_EVENT_ENUM)
#undef XMIP_EVENT_ENUM
	XMIP_EV__MAX
};

/* Which fields of struct xmip_event carry a value. */
#define XMIP_EVF_HOA       0x0001  /* hoa: home (or virtual) address */
#define XMIP_EVF_COA       0x0002  /* coa: care-of address (NAT: the observed one) */
#define XMIP_EVF_PREV_COA  0x0004  /* prev_coa: the care-of address before (a move, a rebinding) */
#define XMIP_EVF_PEER      0x0008  /* peer: the other end (relay path, correspondent) */
#define XMIP_EVF_PORTS     0x0010  /* coa_port / prev_port: UDP ports (NAT) */
#define XMIP_EVF_STATUS    0x0020  /* status + status_name: the refusal's reason */
#define XMIP_EVF_LIFETIME  0x0040  /* lifetime_s */
#define XMIP_EVF_SEQ       0x0080  /* seq: sequence number of the message */
#define XMIP_EVF_COUNT     0x0100  /* count: LOST */
#define XMIP_EVF_ID        0x0200  /* id: NAI or another identifier (text) */

struct xmip_event {
	__u16 version;         /* XMIP_EVENT_VERSION */
	__u16 len;             /* sizeof(struct xmip_event) as the sender knows it */
	__u16 type;            /* enum xmip_event_type */
	__u8  family;          /* enum xmip_family_id */
	__u8  role;            /* enum xmip_role */
	__u64 time_ns;         /* CLOCK_REALTIME when emitted */
	__u32 fields;          /* XMIP_EVF_* */
	__u32 lifetime_s;
	__u8  hoa[16];
	__u8  coa[16];
	__u8  prev_coa[16];
	__u8  peer[16];
	__u16 coa_port;
	__u16 prev_port;
	__u16 status;          /* the family's status code (MIPv6: BA status) */
	__u16 seq;
	__u32 count;
	char  status_name[48]; /* NUL-terminated: the status's name, as the family spells it */
	char  id[256];         /* NUL-terminated (an NAI is at most 255 octets) */
};

#endif /* XMIP_EVENTS_H */
