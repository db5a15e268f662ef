/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Wire formats shared by the BPF datapath and the agent: Mobile IPv6
 * (RFC 6275), its authentication options (RFC 4283, RFC 4285) and the
 * extension headers the datapath has to recognise before the kernel
 * (which lacks CONFIG_IPV6_MIP6) drops them.
 *
 * Plain constants and packed structs only; multi-octet fields are in
 * network byte order.
 */
#ifndef XMIP_WIRE_H
#define XMIP_WIRE_H

#define XMIP_IPPROTO_HOPOPTS  0
#ifndef XMIP_IPPROTO_IPIP
#define XMIP_IPPROTO_IPIP     4    /* IPv4-in-IP, RFC 2003 */
#endif
#define XMIP_IPPROTO_TCP      6
#define XMIP_IPPROTO_UDP      17
#define XMIP_IPPROTO_IPV6     41   /* IPv6-in-IPv6, RFC 2473 */
#define XMIP_IPPROTO_ROUTING  43
#define XMIP_IPPROTO_FRAGMENT 44
#define XMIP_IPPROTO_ICMPV6   58
#define XMIP_IPPROTO_NONE     59
#define XMIP_IPPROTO_DSTOPTS  60
#define XMIP_IPPROTO_MH       135  /* Mobility Header, RFC 6275 §6.1 */

#define XMIP_IPV6_MIN_MTU 1280
#define XMIP_IP4_MIN_MTU  68     /* RFC 791: every IPv4 host takes 68; RFC 1191 §3: no path MTU below */

/* Destination option: Home Address (RFC 6275 §6.3), alignment 8n+6. */
#define XMIP_OPT_HOME_ADDRESS     0xC9
#define XMIP_OPT_HOME_ADDRESS_LEN 16

/* Type 2 routing header (RFC 6275 §6.4). */
#define XMIP_RH_TYPE2        2
#define XMIP_RH2_HDRLEN      2
#define XMIP_RH2_SEGS_LEFT   1

/* Mobility Header types (RFC 6275 §6.1.2 ff). */
enum xmip_mh_type {
	XMIP_MH_BRR  = 0,
	XMIP_MH_HOTI = 1,
	XMIP_MH_COTI = 2,
	XMIP_MH_HOT  = 3,
	XMIP_MH_COT  = 4,
	XMIP_MH_BU   = 5,
	XMIP_MH_BA   = 6,
	XMIP_MH_BE   = 7,
};

/* Binding Update flags, host order of the 16-bit field. */
#define XMIP_BU_F_A 0x8000  /* acknowledge */
#define XMIP_BU_F_H 0x4000  /* home registration */
#define XMIP_BU_F_L 0x2000  /* link-local address compatibility */
#define XMIP_BU_F_K 0x1000  /* key management mobility capability */
#define XMIP_BU_F_M 0x0800  /* MAP registration (RFC 5380) */
#define XMIP_BU_F_R 0x0400  /* mobile router (NEMO, RFC 3963) */
#define XMIP_BU_F_P 0x0200  /* proxy registration (RFC 5213) */
#define XMIP_BU_F_F 0x0100  /* force UDP encapsulation (RFC 5555) */
#define XMIP_BU_F_T 0x0080  /* TLV-header format (RFC 5555) */

/* Binding Acknowledgement flags (8-bit field). */
#define XMIP_BA_F_K 0x80
#define XMIP_BA_F_R 0x40
#define XMIP_BA_F_P 0x20
#define XMIP_BA_F_T 0x10

/* Binding Acknowledgement status (RFC 6275 §6.1.8, RFC 3963, RFC 4285). */
enum xmip_ba_status {
	XMIP_BA_ACCEPTED               = 0,
	XMIP_BA_ACCEPTED_PREFIX_DISCOVERY = 1,
	XMIP_BA_UNSPECIFIED            = 128,
	XMIP_BA_PROHIBITED             = 129,
	XMIP_BA_INSUFFICIENT_RESOURCES = 130,
	XMIP_BA_HOME_REG_NOT_SUPPORTED = 131,
	XMIP_BA_NOT_HOME_SUBNET        = 132,
	XMIP_BA_NOT_HA_FOR_MN          = 133,
	XMIP_BA_DAD_FAILED             = 134,
	XMIP_BA_SEQ_OUT_OF_WINDOW      = 135,
	XMIP_BA_EXPIRED_HOME_NONCE     = 136,
	XMIP_BA_EXPIRED_COA_NONCE      = 137,
	XMIP_BA_EXPIRED_NONCES         = 138,
	XMIP_BA_REG_TYPE_CHANGE        = 139,
	XMIP_BA_MIPV6_ID_MISMATCH      = 144,
	XMIP_BA_MIPV6_MESG_ID_REQD     = 145,
	XMIP_BA_MIPV6_AUTH_FAIL        = 146,
	/* RFC 3963 §6.6 (140 is XMIP_BA_MR_OP_NOT_PERMITTED, ha_policy.h) */
	XMIP_BA_INVALID_PREFIX         = 141,  /* a prefix of the BU is not one we can forward */
	XMIP_BA_NOT_AUTHORIZED_FOR_PREFIX = 142, /* a prefix of the BU is not this MR's */
	XMIP_BA_FORWARDING_SETUP_FAILED = 143, /* implicit mode, no prefix configured for the MR */
};

/* Binding Error status (RFC 6275 §6.1.9). */
#define XMIP_BE_UNKNOWN_HAO_BINDING 1
#define XMIP_BE_UNRECOGNISED_MH     2

/* Mobility options (RFC 6275 §6.2, RFC 4283, RFC 4285, RFC 3963, RFC 5555). */
enum xmip_mh_opt {
	XMIP_MOPT_PAD1          = 0,
	XMIP_MOPT_PADN          = 1,
	XMIP_MOPT_REFRESH_ADV   = 2,   /* 2n */
	XMIP_MOPT_ALT_COA       = 3,   /* 8n+6 */
	XMIP_MOPT_NONCE_IDX     = 4,   /* 2n */
	XMIP_MOPT_AUTH_DATA     = 5,   /* 8n+2, must be last */
	XMIP_MOPT_MOB_NET_PREFIX = 6,  /* 8n+4 */
	XMIP_MOPT_MN_ID         = 8,   /* no alignment; subtype 1 = NAI */
	XMIP_MOPT_AUTH          = 9,   /* 4n+1; subtype 1 = MN-HA */
	XMIP_MOPT_MESG_ID       = 10,  /* 8n+2; 64-bit timestamp */
	XMIP_MOPT_IPV4_HOA      = 29,
	XMIP_MOPT_IPV4_ACK      = 30,
	XMIP_MOPT_NAT_DETECT    = 31,
	XMIP_MOPT_IPV4_COA      = 32,
};

#define XMIP_MNID_SUBTYPE_NAI       1
#define XMIP_AUTH_SUBTYPE_MN_HA     1
#define XMIP_AUTH_HMAC_SHA1_96_LEN  12

/* The fixed part common to every Mobility Header message. */
struct xmip_mh {
	__u8  payload_proto;   /* must be 59 */
	__u8  hdr_len;         /* 8-octet units, excluding the first 8 */
	__u8  type;
	__u8  reserved;
	__u16 checksum;
} __attribute__((packed));

/* Home Address destination option as it appears in the packet. */
struct xmip_hao {
	__u8 type;             /* 0xC9 */
	__u8 len;              /* 16 */
	__u8 hoa[16];
} __attribute__((packed));

/* Type 2 routing header, always 24 octets. */
struct xmip_rh2 {
	__u8  nexthdr;
	__u8  hdrlen;          /* 2 */
	__u8  type;            /* 2 */
	__u8  segments_left;   /* 1 */
	__u32 reserved;
	__u8  hoa[16];
} __attribute__((packed));

/* Mobile Network Prefix option (RFC 3963 §4.3), alignment 8n+4:
 * type 6, length 18, reserved, prefix length, the prefix (16 octets). */
#define XMIP_MNP_OPT_LEN 18

struct xmip_mnp_opt {
	__u8 type;             /* XMIP_MOPT_MOB_NET_PREFIX */
	__u8 len;              /* 18 */
	__u8 reserved;
	__u8 plen;
	__u8 prefix[16];
} __attribute__((packed));

/* ICMPv6 messages of Mobile IPv6 (RFC 6275 §6.5-§6.8). */
#define XMIP_ICMP6_HAAD_REQUEST 144   /* Home Agent Address Discovery Request */
#define XMIP_ICMP6_HAAD_REPLY   145   /* ... Reply: the home agents' addresses */
#define XMIP_ICMP6_MPS          146   /* Mobile Prefix Solicitation */
#define XMIP_ICMP6_MPA          147   /* Mobile Prefix Advertisement */
#define XMIP_MPA_F_M            0x80  /* MPA managed address configuration */
#define XMIP_MPA_F_O            0x40  /* MPA other stateful configuration */

#endif /* XMIP_WIRE_H */
