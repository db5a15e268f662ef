/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * NTMobile on the wire (docs/ntmobile.md): ports, the first octet that
 * tells control from tunnel data, message types, status codes, and the
 * 8-octet tunnel header the node and relay datapaths parse. Shared by the
 * agent (agentd/ntm/) and BPF (the relay and node datapaths), so only
 * constants and the fixed-layout tunnel header live here; the control
 * messages are read and written octet by octet by agentd/ntm/wire.c.
 */
#ifndef XMIP_NTM_H
#define XMIP_NTM_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* UDP ports, from the dynamic range 49152-65535 (RFC 6335 §6: never assigned by IANA). */
#define XMIP_NTM_PORT_DC    49600   /* Direction Coordinator: every message to a DC */
#define XMIP_NTM_PORT_NODE  49601   /* NTM node: signalling and its tunnels, one socket */
#define XMIP_NTM_PORT_RS    49602   /* Relay Server: Relay Direction, Tunnel Req, relayed data */

/* Octet 0 of every NTMobile UDP payload: version (high nibble) and kind (low nibble). */
#define XMIP_NTM_VERSION    1
#define XMIP_NTM_V_CONTROL  0x10    /* version 1, kind 0: a control message (header below) */
#define XMIP_NTM_V_DATA     0x11    /* version 1, kind 1: tunnel data (struct xmip_ntm_tunhdr) */

/* Control message types (octet 1). */
enum xmip_ntm_type {
	XMIP_NTM_REG_REQ    = 1,    /* Registration Request     node -> DC      K_node */
	XMIP_NTM_REG_RESP   = 2,    /* Registration Response    DC -> node      K_node */
	XMIP_NTM_KA         = 3,    /* Keep Alive               node -> DC/RS/peer  K_s / K_path */
	XMIP_NTM_KA_RESP    = 4,    /* Keep Alive Response */
	XMIP_NTM_DIR_REQ    = 5,    /* Direction Request        node -> DC      K_s */
	XMIP_NTM_DIR_RESP   = 6,    /* Direction Response       DC -> node      K_s */
	XMIP_NTM_INFO_REQ   = 7,    /* Information Request      DC -> DC        K_dd */
	XMIP_NTM_INFO_RESP  = 8,    /* Information Response     DC -> DC        K_dd */
	XMIP_NTM_RELAY_REQ  = 9,    /* Relay Direction Request  DC -> RS        K_rs */
	XMIP_NTM_RELAY_RESP = 10,   /* Relay Direction Response RS -> DC        K_rs */
	XMIP_NTM_ROUTE_DIR  = 11,   /* Route Direction          DC -> node (K_s), DC -> DC (K_dd) */
	XMIP_NTM_ROUTE_ACK  = 12,   /* Route Direction Ack      node -> DC (K_s), DC -> DC (K_dd) */
	XMIP_NTM_TUN_REQ    = 13,   /* Tunnel Request           node -> node/RS K_path */
	XMIP_NTM_TUN_RESP   = 14,   /* Tunnel Response          node/RS -> node K_path */
	XMIP_NTM_TYPE__MAX  = 14,
};

/* Status (responses and acks). 0 is success; see docs/ntmobile.md "Status codes". */
enum xmip_ntm_status {
	XMIP_NTM_OK               = 0,
	XMIP_NTM_ERR_UNSPEC       = 1,   /* unspecified failure */
	XMIP_NTM_ERR_MALFORMED    = 2,   /* authenticated but not understood (bad TLV, field) */
	XMIP_NTM_ERR_UNKNOWN_NODE = 3,   /* FQDN not configured at this DC */
	XMIP_NTM_ERR_NOT_REG      = 4,   /* target known but not registered now */
	XMIP_NTM_ERR_NO_DC        = 5,   /* no usable _ntm TXT record and no A/AAAA either */
	XMIP_NTM_ERR_DC_UNREACH   = 6,   /* the peer's DC did not answer */
	XMIP_NTM_ERR_POOL         = 7,   /* virtual address pool exhausted */
	XMIP_NTM_ERR_NO_RELAY     = 8,   /* a relay is needed and none is configured for the mode */
	XMIP_NTM_ERR_RELAY        = 9,   /* the relay refused or did not answer */
	XMIP_NTM_ERR_UNKNOWN_PATH = 10,  /* path id unknown to the receiver */
	XMIP_NTM_ERR_PROHIBITED   = 11,  /* not allowed (e.g. a DC asked about a foreign FQDN) */
	XMIP_NTM_ERR_UNSUPPORTED  = 12,  /* mode or critical option not supported */
	XMIP_NTM_ERR_BAD_PEER     = 13,  /* Tunnel Request's addresses do not match the path */
	XMIP_NTM_STATUS__MAX      = 13,
};

/* Route modes (Direction Response, Relay Direction, Route Direction). */
enum xmip_ntm_mode {
	XMIP_NTM_MODE_NONE   = 0,
	XMIP_NTM_MODE_DIRECT = 1,        /* UDP tunnel between the two nodes */
	XMIP_NTM_MODE_RS_S   = 2,        /* two tunnels joined by a switch-type relay */
	XMIP_NTM_MODE_RS_N   = 3,        /* tunnel to a NAT-type relay, plain IP to a General Node */
};

/*
 * Path identifiers are 32-bit, never 0, chosen at random by the DC that
 * decides the route. The top bit says RS-N, so a relay knows from the
 * tunnel header alone which relay-table key to build (one lookup).
 */
#define XMIP_NTM_PATH_RSN_BIT 0x80000000u

/* Role in a Route Direction: who sends the Tunnel Request. */
#define XMIP_NTM_ROLE_INITIATOR 1
#define XMIP_NTM_ROLE_RESPONDER 2

/*
 * Tunnel data: outer IPv4/IPv6 | UDP | this header | inner IPv4/IPv6
 * packet. 8 octets so the inner packet stays 4-octet aligned.
 */
struct xmip_ntm_tunhdr {
	__u8   ver_kind;   /* XMIP_NTM_V_DATA */
	__u8   next;       /* inner packet: 4 (IPv4) or 41 (IPv6), IP protocol numbers */
	__be16 reserved;   /* 0; a receiver drops a packet with other values */
	__be32 path_id;    /* the path the packet belongs to */
};

#define XMIP_NTM_TUNHDR_LEN 8

#endif /* XMIP_NTM_H */
