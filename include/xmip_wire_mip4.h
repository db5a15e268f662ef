/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv4 on the wire (RFC 5944, with RFC 3024 reverse tunnelling,
 * RFC 3519 UDP tunnelling and RFC 2794 NAI): port, message types, flags,
 * extension types, reply codes, the Agent Advertisement extension's flags,
 * the encapsulation protocol numbers and the fixed-layout headers a
 * datapath parses (RFC 3519 tunnel data header, RFC 2004 minimal
 * forwarding header). Shared by the agent (agentd/mip4/, which reads and
 * writes registration messages octet by octet) and BPF (the datapath to
 * come), so only constants and fixed layouts live here. Section numbers
 * are RFC 5944's unless another RFC is named.
 */
#ifndef XMIP_WIRE_MIP4_H
#define XMIP_WIRE_MIP4_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define XMIP_MIP4_PORT              434          /* §1.8: registration, and RFC 3519 tunnel data */

/* Message types: octet 0 of the UDP payload on port 434 (§1.8, RFC 3519 §3.3). */
#define XMIP_MIP4_REG_REQUEST       1
#define XMIP_MIP4_REG_REPLY         3
#define XMIP_MIP4_TUNNEL_DATA       4            /* RFC 3519: UDP-tunnelled data and keepalives */

#define XMIP_MIP4_RRQ_LEN           24           /* §3.3: fixed part of a Registration Request */
#define XMIP_MIP4_RRP_LEN           20           /* §3.4: fixed part of a Registration Reply */

/* Registration Request flags, octet 1 (§3.3; T from RFC 3024 §3.2). */
#define XMIP_MIP4_F_S               0x80         /* simultaneous bindings */
#define XMIP_MIP4_F_B               0x40         /* broadcast datagrams */
#define XMIP_MIP4_F_D               0x20         /* decapsulation by the mobile node (co-located) */
#define XMIP_MIP4_F_M               0x10         /* minimal encapsulation (RFC 2004) */
#define XMIP_MIP4_F_G               0x08         /* GRE encapsulation (RFC 2784) */
#define XMIP_MIP4_F_r               0x04         /* sent as zero, ignored on reception */
#define XMIP_MIP4_F_T               0x02         /* reverse tunnel requested (RFC 3024) */
#define XMIP_MIP4_F_x               0x01         /* sent as zero, ignored on reception */

#define XMIP_MIP4_LIFETIME_INFINITE 0xffff       /* §3.3, §3.4 */

/*
 * Extension types in registration messages (§1.8, §3.5). Types 0-127
 * not understood make the receiver drop the whole message; 128-255 are
 * skipped. Every type here is plain Type-Length-Value (§1.9).
 */
#define XMIP_MIP4_EXT_PAD           0            /* one octet, no length */
#define XMIP_MIP4_EXT_MN_HA_AUTH    32           /* §3.5.2 */
#define XMIP_MIP4_EXT_MN_FA_AUTH    33           /* §3.5.3 */
#define XMIP_MIP4_EXT_FA_HA_AUTH    34           /* §3.5.4 */
#define XMIP_MIP4_EXT_UDP_TUN_REP   44           /* RFC 3519 §3.2 (non-skippable) */
#define XMIP_MIP4_EXT_ENC_DELIVERY  130          /* RFC 3024 §3.3: FA consumes it, length 0 */
#define XMIP_MIP4_EXT_NAI           131          /* RFC 2794 §2 */
#define XMIP_MIP4_EXT_UDP_TUN_REQ   144          /* RFC 3519 §3.1 (skippable) */
#define XMIP_MIP4_EXT_SKIPPABLE     128          /* types from here on are skipped if unknown */

/* Authentication extensions: SPI (4) + authenticator; HMAC-MD5 gives 16 octets (§3.5.1). */
#define XMIP_MIP4_SPI_LEN           4
#define XMIP_MIP4_HMAC_MD5_LEN      16
#define XMIP_MIP4_AUTH_EXT_LEN      (XMIP_MIP4_SPI_LEN + XMIP_MIP4_HMAC_MD5_LEN)  /* Length 20 */
#define XMIP_MIP4_SPI_MIN           256          /* §1.6: SPIs 0-255 are reserved */

/* RFC 3519 §3.1 UDP Tunnel Request and §3.2 Reply: Length 6, Sub-Type 0. */
#define XMIP_MIP4_UDP_TUN_EXT_LEN   6
#define XMIP_MIP4_UDP_REQ_F         0x80         /* request: force tunnelling */
#define XMIP_MIP4_UDP_REQ_R         0x40         /* request: co-located, registering through an FA */
#define XMIP_MIP4_UDP_REP_F         0x8000       /* reply: forced (F was set), no NAT needed */
#define XMIP_MIP4_UDP_REP_ACCEPT    0            /* reply code 0..63: will do tunnelling */
#define XMIP_MIP4_UDP_REP_DECLINE   64           /* 64..255: tunnelling declined */
#define XMIP_MIP4_KEEPALIVE_DEFAULT 110          /* RFC 3519 §4.9: K, seconds */
#define XMIP_MIP4_KEEPALIVE_MIN     10           /* RFC 3519 §4.10: never below */

/* Registration Reply codes (§3.4; RFC 3024 §3.4; RFC 2794 §5; RFC 3519 §8). */
enum xmip_mip4_code {
	XMIP_MIP4_ACCEPTED                  = 0,
	XMIP_MIP4_ACCEPTED_NO_SIMUL         = 1,    /* accepted, simultaneous bindings unsupported */
	/* denied by the foreign agent */
	XMIP_MIP4_FA_UNSPECIFIED            = 64,
	XMIP_MIP4_FA_PROHIBITED             = 65,
	XMIP_MIP4_FA_RESOURCES              = 66,
	XMIP_MIP4_FA_MN_AUTH                = 67,
	XMIP_MIP4_FA_HA_AUTH                = 68,
	XMIP_MIP4_FA_LIFETIME_TOO_LONG      = 69,
	XMIP_MIP4_FA_POORLY_FORMED_REQ      = 70,
	XMIP_MIP4_FA_POORLY_FORMED_REP      = 71,
	XMIP_MIP4_FA_ENCAP_UNAVAIL          = 72,
	XMIP_MIP4_FA_VJ_UNAVAIL             = 73,
	XMIP_MIP4_FA_REV_TUN_UNAVAIL        = 74,   /* RFC 3024 */
	XMIP_MIP4_FA_REV_TUN_MANDATORY      = 75,   /* RFC 3024: T bit not set */
	XMIP_MIP4_FA_MN_TOO_DISTANT         = 76,   /* RFC 3024: TTL not 255 */
	XMIP_MIP4_FA_INVALID_COA            = 77,
	XMIP_MIP4_FA_TIMEOUT                = 78,
	XMIP_MIP4_FA_DELIVERY_STYLE         = 79,   /* RFC 3024 */
	XMIP_MIP4_FA_HOME_NET_UNREACH       = 80,   /* ICMP errors received when relaying */
	XMIP_MIP4_FA_HA_HOST_UNREACH        = 81,
	XMIP_MIP4_FA_HA_PORT_UNREACH        = 82,
	XMIP_MIP4_FA_HA_UNREACH             = 88,
	XMIP_MIP4_FA_NONZERO_HOA_REQD       = 96,   /* RFC 2794 */
	XMIP_MIP4_FA_MISSING_NAI            = 97,
	XMIP_MIP4_FA_MISSING_HA             = 98,
	XMIP_MIP4_FA_MISSING_HOA            = 99,
	XMIP_MIP4_FA_INVALID_HA             = 194,  /* §3.7.2: the HA field is the FA itself */
	/* denied by the home agent */
	XMIP_MIP4_HA_UNSPECIFIED            = 128,
	XMIP_MIP4_HA_PROHIBITED             = 129,
	XMIP_MIP4_HA_RESOURCES              = 130,
	XMIP_MIP4_HA_MN_AUTH                = 131,
	XMIP_MIP4_HA_FA_AUTH                = 132,
	XMIP_MIP4_HA_ID_MISMATCH            = 133,
	XMIP_MIP4_HA_POORLY_FORMED          = 134,
	XMIP_MIP4_HA_TOO_MANY_BINDINGS      = 135,
	XMIP_MIP4_HA_UNKNOWN_HA             = 136,
	XMIP_MIP4_HA_REV_TUN_UNAVAIL        = 137,  /* RFC 3024 */
	XMIP_MIP4_HA_REV_TUN_MANDATORY      = 138,  /* RFC 3024 */
	XMIP_MIP4_HA_ENCAP_UNAVAIL          = 139,  /* RFC 3024 */
	XMIP_MIP4_HA_UDP_ENCAP_UNAVAIL      = 142,  /* RFC 3519 §3.5, §8 */
};

/* Whether a code is the home agent's (or FA's) and whether it accepts (§3.4). */
/* §6.4: 0-8 success, 64-127 foreign agent, 128-192 home agent. */
#define XMIP_MIP4_CODE_OK(c)        ((c) <= 8)
#define XMIP_MIP4_CODE_FROM_HA(c)   ((c) <= 8 || ((c) >= 128 && (c) <= 192))

/* ---- Agent Discovery (§2, RFC 1256): ICMP Router Advertisement / Solicitation ---- */
#define XMIP_MIP4_ICMP_ADVERT       9
#define XMIP_MIP4_ICMP_SOLICIT      10
#define XMIP_MIP4_ADV_CODE_ROUTER   0            /* §2.1: also routes common traffic */
#define XMIP_MIP4_ADV_CODE_NOROUTE  16           /* §2.1: does not route common traffic */
#define XMIP_MIP4_ALL_SYSTEMS       0xe0000001   /* 224.0.0.1 (host order) */
#define XMIP_MIP4_ALL_AGENTS        0xe000000b   /* 224.0.0.11: mobility agents (§2.3) */

/* Extension types in ICMP Router Discovery messages (§1.8: a numbering of its own). */
#define XMIP_MIP4_ADV_EXT_PAD       0
#define XMIP_MIP4_ADV_EXT_AGENT     16           /* §2.1.1 Mobility Agent Advertisement */
#define XMIP_MIP4_ADV_EXT_PREFIXLEN 19           /* §2.1.2 Prefix-Lengths */
#define XMIP_MIP4_ADV_AGENT_MIN_LEN 6            /* Length = 6 + 4 * care-of addresses */

/* §2.1.1 flags, the 16 bits after Registration Lifetime (U: RFC 3519 §3.4). */
#define XMIP_MIP4_ADV_R             0x8000       /* registration required */
#define XMIP_MIP4_ADV_B             0x4000       /* busy */
#define XMIP_MIP4_ADV_H             0x2000       /* home agent */
#define XMIP_MIP4_ADV_F             0x1000       /* foreign agent */
#define XMIP_MIP4_ADV_M             0x0800       /* receives minimal encapsulation */
#define XMIP_MIP4_ADV_G             0x0400       /* receives GRE */
#define XMIP_MIP4_ADV_r             0x0200       /* sent as zero */
#define XMIP_MIP4_ADV_T             0x0100       /* reverse tunnelling (RFC 3024) */
#define XMIP_MIP4_ADV_U             0x0080       /* UDP tunnelling (RFC 3519) */
#define XMIP_MIP4_ADV_X             0x0040       /* registration revocation (RFC 3543) */
#define XMIP_MIP4_ADV_I             0x0020       /* regional registration (RFC 4857) */

/* §2.3.2: after 0xffff the sequence goes on at 256, so 0-255 means "rebooted". */
#define XMIP_MIP4_ADV_SEQ_WRAP_TO   256

/* ---- Encapsulations (§4.1; RFC 3519 §3.1.4 uses the same protocol numbers) ---- */
#define XMIP_MIP4_PROTO_IPIP        4            /* RFC 2003, the default */
#define XMIP_MIP4_PROTO_GRE         47           /* RFC 2784 */
#define XMIP_MIP4_PROTO_MINENC      55           /* RFC 2004 */

/*
 * RFC 3519 §3.3 MIP Tunnel Data message header: first 4 octets of the UDP
 * payload of a tunnelled packet on port 434 (then the inner packet, as
 * next_header says). Keepalives (§4.9) are ICMP echo requests carried so.
 */
struct xmip_mip4_tunnel_data {
	__u8  type;            /* XMIP_MIP4_TUNNEL_DATA */
	__u8  next_header;     /* XMIP_MIP4_PROTO_* */
	__u16 reserved;        /* 0 on sending, ignored */
} __attribute__((packed));

/*
 * RFC 2004 §3.1 minimal forwarding header (between the modified IP header
 * and the payload): 8 octets, 12 with the original source (S bit).
 */
#define XMIP_MIP4_MINENC_S          0x80         /* original source address present */
struct xmip_mip4_minenc {
	__u8  protocol;        /* the original IP header's protocol */
	__u8  s_reserved;      /* XMIP_MIP4_MINENC_S | 7 reserved bits */
	__u16 check;           /* one's complement checksum of this header */
	__u32 orig_dst;        /* original destination (the home address) */
	__u32 orig_src;        /* present only with the S bit */
} __attribute__((packed));

#endif /* XMIP_WIRE_MIP4_H */
