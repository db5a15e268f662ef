/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * DSMIPv6 (RFC 5555): the wire constants the Mobility Header codec adds to
 * xmip_wire.h's option numbers, and the binding record the agent keeps for
 * every mobile node registered from an IPv4 (or UDP-encapsulated) care-of
 * address: what the datapath needs to carry that node's packets
 * (xmip_dsmip_dp_set() in agentd/dsmip/dsmip_dp.c hands it over) and what
 * `xmip binding show` prints. docs/dsmip.md explains each field.
 *
 * Multi-octet fields of the wire formats are in network order; the binding
 * record's addresses are 16 octets (IPv4 ones IPv4-mapped, ::ffff:a.b.c.d,
 * as in the binding cache), its ports in host order.
 */
#ifndef XMIP_DSMIP_H
#define XMIP_DSMIP_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define XMIP_DSMIP_UDP_PORT      4191  /* RFC 5555 §8 (IANA) */
#define XMIP_DSMIP_NATKATIMEOUT  110   /* s, RFC 5555 §6 */
#define XMIP_DSMIP_REFRESH_NONE  0xffffffffu /* NAT Detection refresh time: no keepalive needed (§3.2.2) */

/* The four options (type octet in xmip_wire.h) are 8 octets: type, length 6, then 6. */
#define XMIP_DSMIP_OPT_LEN       6
#define XMIP_DSMIP_IPV4_HOA_P    0x02  /* octet after Length: Prefix-len (6 bits), P, reserved (§3.1.1) */
#define XMIP_DSMIP_NAT_F         0x80  /* NAT Detection: octet 2, first bit (§3.2.2) */

/* IPv4 Address Acknowledgement status (RFC 5555 §3.2.1); < 128 is success. */
enum xmip_ipv4_ack_status {
	XMIP_IPV4_ACK_SUCCESS           = 0,
	XMIP_IPV4_ACK_UNSPECIFIED       = 128,
	XMIP_IPV4_ACK_PROHIBITED        = 129,
	XMIP_IPV4_ACK_INCORRECT_HOA     = 130,
	XMIP_IPV4_ACK_INVALID_ADDR      = 131,
	XMIP_IPV4_ACK_NO_DYNAMIC        = 132,
	XMIP_IPV4_ACK_PREFIX_UNAUTH     = 133,
};

/*
 * How the home agent reaches a DSMIPv6 binding's care-of address (RFC 5555
 * §4.1, §4.5.1). Numbered after enum xmip_encap's IPv6-in-IPv6 (0) so the
 * same octet can sit in one binding cache with it.
 */
enum xmip_dsmip_encap {
	XMIP_DSMIP_ENCAP_NONE    = 0,   /* no datapath entry (withdrawn) */
	XMIP_DSMIP_ENCAP_IPV4    = 2,   /* "ipv4": IPv6-in-IPv4 (protocol 41), IPv4-in-IPv4 (4); no NAT, no F */
	XMIP_DSMIP_ENCAP_UDP4    = 3,   /* "udp4": IPv6 or IPv4 in UDP 4191 in IPv4; NAT or F */
	XMIP_DSMIP_ENCAP_UDP6    = 4,   /* "udp6": IPv6 or IPv4 in UDP in IPv6 (F from an IPv6 CoA, §4.4.1) */
	XMIP_DSMIP_ENCAP_IP6     = 5,   /* "ip6": IPv4-in-IPv6 for the IPv4 home address of a MIPv6
					 * registration (§4.4.2, §4.5.1); its IPv6 home address is mip6's */
};

#define XMIP_DSMIP_B_NAT      0x01  /* outer source was not the IPv4 CoA option: a NAT */
#define XMIP_DSMIP_B_FORCED   0x02  /* the MN set F: UDP though no NAT */
#define XMIP_DSMIP_B_IPV4_HOA 0x04  /* ipv4_hoa is bound (IPv4 Address Ack said success) */
#define XMIP_DSMIP_B_DYNAMIC  0x08  /* ipv4_hoa came from the pool */

/*
 * One DSMIPv6 binding, keyed by the IPv6 home address. "observed" is what
 * the HA saw in the outer header of the last accepted Binding Update: the
 * NAT's public address and port behind a NAT (the tunnel's far end), else
 * the care-of address and the MN's source port. The datapath sends to
 * observed_addr:observed_port and accepts reverse-tunnelled packets only
 * from exactly that pair (two MNs behind one NAT differ by port).
 */
struct xmip_dsmip_binding {
	__u8  hoa[16];           /* IPv6 home address (the key) */
	__u8  ipv4_hoa[16];      /* ::ffff:a.b.c.d when XMIP_DSMIP_B_IPV4_HOA, else zero */
	__u8  coa[16];           /* care-of address the MN sent: IPv4 CoA option (mapped) or IPv6 source */
	__u8  observed_addr[16]; /* outer source of the BU: NAT address or the CoA */
	__u8  local_addr[16];    /* the HA's address the BU was sent to (outer source of our packets) */
	__u16 observed_port;     /* outer UDP source port of the BU */
	__u16 local_port;        /* 4191 */
	__u8  encap;             /* enum xmip_dsmip_encap */
	__u8  flags;             /* XMIP_DSMIP_B_* */
	__u8  ipv4_plen;         /* prefix length granted with ipv4_hoa (32) */
	__u8  pad;
	__u32 keepalive_s;       /* NAT Detection refresh time sent (0xffffffff: none needed) */
	__u32 lifetime_s;        /* granted */
	__u16 seq;               /* of the accepted BU */
	__u16 bu_flags;          /* of the accepted BU */
	__u32 ifindex;           /* where the BU arrived */
	__u64 expires_ns;        /* CLOCK_BOOTTIME */
};

/*
 * The file where the HA agent keeps its DSMIPv6 bindings between runs and
 * where `xmip binding show` reads them: XMIP_RUN_DIR/<instance>.dsmip, a
 * header then n records, replaced whole (write to a temporary file,
 * rename) at every change.
 */
#define XMIP_DSMIP_STATE_MAGIC   0x58444d31u   /* "XDM1" */
struct xmip_dsmip_state_hdr {
	__u32 magic;
	__u32 rec_size;          /* sizeof(struct xmip_dsmip_binding) of the writer */
	__u32 n;
	__u32 pad;
};

#endif /* XMIP_DSMIP_H */
