/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NTMobile control-message codec (docs/ntmobile.md, "Messages"): one
 * decoded form (struct xmip_ntm_msg) for every message, a parser that
 * takes (buf, len) and never reads past len, and a builder that writes
 * the same bytes back (parse -> build is the identity on accepted input:
 * reserved octets and padding must be zero, options come in ascending
 * type order, unknown non-critical options are kept verbatim).
 *
 * The parser checks form only. Whether the message is genuine (HMAC) and
 * fresh (replay) is ntm_crypto.h and ntm_replay.h, which need the key
 * that the sender id and the type select.
 */
#ifndef XMIP_NTM_WIRE_H
#define XMIP_NTM_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xmip_ntm.h"

#define XMIP_NTM_HDR_LEN      32
#define XMIP_NTM_MAC_LEN      32      /* HMAC-SHA-256, untruncated */
#define XMIP_NTM_MAX_MSG      1232    /* fits any path (IPv6 minimum MTU - 48) */
#define XMIP_NTM_FQDN_MAX     253
#define XMIP_NTM_NONCE_LEN    16
#define XMIP_NTM_KEY_LEN      32      /* path keys */
#define XMIP_NTM_WRAPPED_LEN  40      /* RFC 3394 AES-256 key wrap of a 32-octet key */
#define XMIP_NTM_MAX_REAL     4       /* Real Address options in one Registration Request */
#define XMIP_NTM_MAX_UNKNOWN  16      /* unknown non-critical options kept for re-encoding */

/* Option (TLV) types; the top bit set means "critical": a receiver that does not know it rejects the message. */
#define XMIP_NTM_OPT_CRITICAL    0x8000
#define XMIP_NTM_OPT_REAL_ADDR   0x0003   /* an Endpoint: another real address of the node */
#define XMIP_NTM_OPT_NODE_FQDN   0x8001   /* the node the message is from / about */
#define XMIP_NTM_OPT_TARGET_FQDN 0x8002   /* the peer (correspondent) */

/* Registration Request flags */
#define XMIP_NTM_REG_F_UNREACHABLE 0x8000  /* treat me as behind a NAT/firewall even if no NAT is seen */
/* Registration Response and Node Info flags */
#define XMIP_NTM_F_NAT             0x8000  /* a NAT was detected (claimed != observed) */
#define XMIP_NTM_F_UNREACHABLE     0x4000  /* the node asked to be treated as unreachable */

enum xmip_ntm_err {
	XMIP_NTM_E_OK = 0,
	XMIP_NTM_E_SHORT,          /* fewer octets than header + MAC */
	XMIP_NTM_E_TOO_LONG,       /* more than XMIP_NTM_MAX_MSG */
	XMIP_NTM_E_VERSION,        /* octet 0 is not version 1, control */
	XMIP_NTM_E_TYPE,           /* unknown message type */
	XMIP_NTM_E_LENGTH,         /* Length field differs from the datagram length */
	XMIP_NTM_E_BODY_SHORT,     /* shorter than the type's fixed body */
	XMIP_NTM_E_RESERVED,       /* a reserved field or padding is not zero */
	XMIP_NTM_E_OPT_TRUNC,      /* an option runs past the message */
	XMIP_NTM_E_OPT_ORDER,      /* options not in ascending type order, or repeated */
	XMIP_NTM_E_OPT_UNEXPECTED, /* a known option this type does not carry */
	XMIP_NTM_E_OPT_MISSING,    /* a required option is absent */
	XMIP_NTM_E_OPT_CRITICAL,   /* an unknown critical option */
	XMIP_NTM_E_OPT_BAD,        /* an option's value is invalid (FQDN syntax, length) */
	XMIP_NTM_E_FIELD,          /* a field out of range (mode, role, zero path id...) */
	XMIP_NTM_E_NOSPACE,        /* build: the output buffer is too small */
	XMIP_NTM_E__MAX,
};

const char *xmip_ntm_strerror(int err);
const char *xmip_ntm_type_name(int type);      /* "Registration Request"; "?" if unknown */
const char *xmip_ntm_status_name(int status);  /* "ok", "unknown node"... */
const char *xmip_ntm_mode_name(int mode);      /* "direct", "rs-s", "rs-n", "none" */

/* 16-octet address (IPv4 as ::ffff:a.b.c.d) and UDP port: 20 octets on the wire. */
struct xmip_ntm_ep {
	uint8_t  addr[16];
	uint16_t port;
};

/* A node's virtual addresses: 20 octets on the wire, all-zero = none of that family. */
struct xmip_ntm_vaddrs {
	uint8_t v4[4];
	uint8_t v6[16];
};

/* What one DC tells another about a node: 44 octets. */
struct xmip_ntm_nodeinfo {
	uint16_t               flags;   /* XMIP_NTM_F_NAT, XMIP_NTM_F_UNREACHABLE */
	struct xmip_ntm_vaddrs va;
	struct xmip_ntm_ep     ep;      /* real endpoint as its DC sees it */
};

struct xmip_ntm_hdr {
	uint8_t  type;
	uint16_t length;        /* set by the builder */
	uint16_t flags;         /* none defined in version 1; kept as received */
	uint64_t sender;        /* Sender ID: first 8 octets of SHA-256(sender's name) */
	uint32_t seq;
	uint32_t req_seq;       /* responses and acks: the request's seq; else 0 */
	uint64_t ts_us;         /* microseconds since 1970-01-01 UTC */
};

struct xmip_ntm_opt_raw {   /* an unknown non-critical option, kept for re-encoding */
	uint16_t type;
	uint16_t len;
	uint16_t off;           /* into xmip_ntm_msg.raw */
};

struct xmip_ntm_msg {
	struct xmip_ntm_hdr h;
	union {
		struct {
			uint16_t flags;                  /* XMIP_NTM_REG_F_* */
			uint32_t lifetime;               /* seconds requested */
			uint8_t  nonce[XMIP_NTM_NONCE_LEN];
			struct xmip_ntm_ep claimed;      /* local address and port it sends from */
		} reg_req;
		struct {
			uint16_t status;
			uint16_t flags;                  /* XMIP_NTM_F_NAT, _UNREACHABLE */
			uint32_t lifetime;               /* seconds granted */
			uint8_t  nonce[XMIP_NTM_NONCE_LEN];
			struct xmip_ntm_ep observed;     /* source the DC saw */
			struct xmip_ntm_vaddrs va;       /* assigned virtual addresses */
			uint16_t keepalive;              /* seconds between Keep Alives */
			uint8_t  plen4, plen6;           /* prefix lengths of the pools */
		} reg_resp;
		struct {
			uint32_t path_id;                /* 0: to the DC */
		} ka;
		struct {
			uint32_t path_id;
			uint16_t status;
			struct xmip_ntm_ep observed;
		} ka_resp;
		struct {
			uint16_t flags;                  /* none defined */
		} dir_req;
		struct {
			uint16_t status;
			uint8_t  mode;
			uint32_t path_id;
			struct xmip_ntm_vaddrs peer;
		} dir_resp;
		struct {
			struct xmip_ntm_nodeinfo requester;
		} info_req;
		struct {
			uint16_t status;
			struct xmip_ntm_nodeinfo target;
		} info_resp;
		struct {
			uint32_t path_id;
			uint8_t  mode;                   /* RS-S or RS-N */
			uint32_t lifetime;
			uint8_t  wkey[XMIP_NTM_WRAPPED_LEN];
			struct xmip_ntm_vaddrs a;        /* the requesting node */
			struct xmip_ntm_vaddrs b;        /* the peer node; RS-N: the GN's virtual addresses */
			struct xmip_ntm_vaddrs gn;       /* RS-N: the GN's real addresses; RS-S: zero */
		} relay_req;
		struct {
			uint32_t path_id;
			uint16_t status;
			struct xmip_ntm_ep relay;        /* where nodes send tunnel traffic */
		} relay_resp;
		struct {
			uint32_t path_id;
			uint8_t  mode;
			uint8_t  role;                   /* XMIP_NTM_ROLE_* */
			uint32_t lifetime;
			uint8_t  wkey[XMIP_NTM_WRAPPED_LEN];
			struct xmip_ntm_ep tunnel;       /* where to send Tunnel Request and data */
			struct xmip_ntm_vaddrs own;      /* the directed node's virtual addresses */
			struct xmip_ntm_vaddrs peer;
		} route_dir;
		struct {
			uint32_t path_id;
			uint16_t status;
		} route_ack;
		struct {
			uint32_t path_id;
			struct xmip_ntm_vaddrs sender;
			struct xmip_ntm_ep claimed;
			struct xmip_ntm_vaddrs peer;
		} tun_req;
		struct {
			uint32_t path_id;
			uint16_t status;
			struct xmip_ntm_ep observed;     /* the requester's source as the responder saw it */
			struct xmip_ntm_vaddrs responder;
		} tun_resp;
	} u;

	/* Options */
	bool     has_node_fqdn, has_target_fqdn;
	char     node_fqdn[XMIP_NTM_FQDN_MAX + 1];
	char     target_fqdn[XMIP_NTM_FQDN_MAX + 1];
	struct xmip_ntm_ep real[XMIP_NTM_MAX_REAL];
	size_t   n_real;
	struct xmip_ntm_opt_raw unknown[XMIP_NTM_MAX_UNKNOWN];
	size_t   n_unknown;
	uint8_t  raw[XMIP_NTM_MAX_MSG];  /* values of the unknown options */
	size_t   raw_len;

	uint8_t  mac[XMIP_NTM_MAC_LEN];  /* as received (parse) or as written (build) */
};

/* Fixed body length of a type (after the 32-octet header); 0 for an unknown type. */
size_t xmip_ntm_body_len(int type);

/*
 * Parse one UDP payload. Checks version, type, Length == len, the fixed
 * body, reserved octets, options (order, placement, required ones,
 * values). Does not check the MAC. XMIP_NTM_E_OK or an error; *m is
 * undefined on error.
 */
int xmip_ntm_parse(const uint8_t *buf, size_t len, struct xmip_ntm_msg *m);

/* Only the header (for picking the key before a full parse). Same first checks. */
int xmip_ntm_peek(const uint8_t *buf, size_t len, struct xmip_ntm_hdr *h);

/*
 * Build m into out (at most cap octets), m->h.length set to the result,
 * and append HMAC-SHA-256 under mac_key (32 octets; NULL: leave the MAC
 * zero, for tests). Writes *out_len. XMIP_NTM_E_OK or an error (the same
 * form checks as the parser: a message we build always parses).
 */
int xmip_ntm_build(struct xmip_ntm_msg *m, const uint8_t *mac_key, uint8_t *out, size_t cap,
		   size_t *out_len);

/* name is a valid FQDN for NTMobile: 1-253 octets of lower-case a-z 0-9 '-' '.', labels 1-63, no trailing dot. */
bool xmip_ntm_fqdn_valid(const char *name, size_t len);

/* One line of "key=value" pairs naming every field of m (documentation examples, debug logs). */
int xmip_ntm_describe(const struct xmip_ntm_msg *m, char *out, size_t cap);

/* IPv4-mapped helpers for endpoints. */
bool xmip_ntm_addr_is_v4(const uint8_t addr[16]);

#endif /* XMIP_NTM_WIRE_H */
