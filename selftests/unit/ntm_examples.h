/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The example messages of docs/ntmobile.md, as field values. The document's
 * hex dumps were printed from these (XMIP_NTM_PRINT_EXAMPLES=1
 * build/san/tests/test_ntm_wire); test_ntm_wire.c parses the dumps back out
 * of the document and checks them against the fields it documents, the MAC
 * and the wrapped keys. Included by one test file only.
 */
#ifndef XMIP_NTM_EXAMPLES_H
#define XMIP_NTM_EXAMPLES_H

#include <arpa/inet.h>
#include <string.h>

#include "ntm_crypto.h"
#include "ntm_wire.h"

/* The example's secrets (docs/ntmobile.md, "Examples"). */
static const uint8_t ex_psk_node[32] = {  /* 00 01 .. 1f: node mn.a.example <-> DC a.example */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
static const uint8_t ex_psk_dd[32] = {    /* 20 .. 3f: DC a.example <-> DC b.example */
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
};
static const uint8_t ex_psk_rs[32] = {    /* 40 .. 5f: DC a.example <-> RS rs1.a.example */
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
};
static const uint8_t ex_path_key[32] = {  /* 60 .. 7f: the path key of path 0x2a5f1c03 / 0x9b3e0d41 */
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
};
static const uint8_t ex_nonce_node[16] = {
	0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0,
};
static const uint8_t ex_nonce_dc[16] = {
	0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0,
};

#define EX_TS 1767225600000000ull   /* 2026-01-01T00:00:00Z in microseconds */

/* Which secret authenticates an example. */
enum ex_key { EX_K_NODE, EX_K_SESSION, EX_K_DD, EX_K_RS, EX_K_PATH };

static void ex_keys(enum ex_key k, struct xmip_ntm_keys *out)
{
	uint8_t prk[32];

	switch (k) {
	case EX_K_NODE:
		xmip_ntm_psk_prk(ex_psk_node, 32, prk);
		break;
	case EX_K_SESSION: {
		uint8_t nprk[32];

		xmip_ntm_psk_prk(ex_psk_node, 32, nprk);
		xmip_ntm_session_secret(nprk, ex_nonce_node, ex_nonce_dc, prk);
		break;
	}
	case EX_K_DD:
		xmip_ntm_psk_prk(ex_psk_dd, 32, prk);
		break;
	case EX_K_RS:
		xmip_ntm_psk_prk(ex_psk_rs, 32, prk);
		break;
	case EX_K_PATH:
		memcpy(prk, ex_path_key, 32);
		break;
	}
	xmip_ntm_keys_derive(prk, out);
}

static void ex_ep(struct xmip_ntm_ep *e, const char *a, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	if (inet_pton(AF_INET, a, e->addr + 12) == 1) {
		e->addr[10] = e->addr[11] = 0xff;
	} else {
		inet_pton(AF_INET6, a, e->addr);
	}
	e->port = port;
}

static void ex_va(struct xmip_ntm_vaddrs *v, const char *a4, const char *a6)
{
	memset(v, 0, sizeof(*v));
	if (a4)
		inet_pton(AF_INET, a4, v->v4);
	if (a6)
		inet_pton(AF_INET6, a6, v->v6);
}

static void ex_hdr(struct xmip_ntm_msg *m, int type, const char *sender, uint32_t seq,
		   uint32_t req_seq, uint64_t dt_us)
{
	memset(m, 0, sizeof(*m));
	m->h.type = (uint8_t)type;
	m->h.sender = xmip_ntm_sender_id(sender);
	m->h.seq = seq;
	m->h.req_seq = req_seq;
	m->h.ts_us = EX_TS + dt_us;
}

#define EX_VIP4_MN "10.200.0.7"
#define EX_VIP6_MN "fd00:a::7"
#define EX_VIP4_CN "10.201.0.9"
#define EX_VIP6_CN "fd00:b::9"
#define EX_VIP4_GN "10.200.128.1"
#define EX_VIP6_GN "fd00:a::8000:1"

/* Fill example i; returns its name or NULL past the last. *key: its secret; *wrapped: carries a path key. */
static const char *ex_fill(int i, struct xmip_ntm_msg *m, enum ex_key *key)
{
	switch (i) {
	case 0:
		ex_hdr(m, XMIP_NTM_REG_REQ, "mn.a.example", 1, 0, 0);
		m->u.reg_req.lifetime = 600;
		memcpy(m->u.reg_req.nonce, ex_nonce_node, 16);
		ex_ep(&m->u.reg_req.claimed, "192.168.1.2", XMIP_NTM_PORT_NODE);
		m->has_node_fqdn = true;
		strcpy(m->node_fqdn, "mn.a.example");
		*key = EX_K_NODE;
		return "registration-request";
	case 1:
		ex_hdr(m, XMIP_NTM_REG_RESP, "a.example", 7001, 1, 1500);
		m->u.reg_resp.status = XMIP_NTM_OK;
		m->u.reg_resp.flags = XMIP_NTM_F_NAT;
		m->u.reg_resp.lifetime = 600;
		memcpy(m->u.reg_resp.nonce, ex_nonce_dc, 16);
		ex_ep(&m->u.reg_resp.observed, "198.51.100.7", 40001);
		ex_va(&m->u.reg_resp.va, EX_VIP4_MN, EX_VIP6_MN);
		m->u.reg_resp.keepalive = 20;
		m->u.reg_resp.plen4 = 16;
		m->u.reg_resp.plen6 = 64;
		*key = EX_K_NODE;
		return "registration-response";
	case 2:
		ex_hdr(m, XMIP_NTM_KA, "mn.a.example", 1, 0, 20000000);
		*key = EX_K_SESSION;
		return "keep-alive";
	case 3:
		ex_hdr(m, XMIP_NTM_KA_RESP, "a.example", 1, 1, 20001000);
		ex_ep(&m->u.ka_resp.observed, "198.51.100.7", 40001);
		*key = EX_K_SESSION;
		return "keep-alive-response";
	case 4:
		ex_hdr(m, XMIP_NTM_DIR_REQ, "mn.a.example", 2, 0, 30000000);
		m->has_target_fqdn = true;
		strcpy(m->target_fqdn, "cn.b.example");
		*key = EX_K_SESSION;
		return "direction-request";
	case 5:
		ex_hdr(m, XMIP_NTM_INFO_REQ, "a.example", 1, 0, 30002000);
		m->u.info_req.requester.flags = XMIP_NTM_F_NAT;
		ex_va(&m->u.info_req.requester.va, EX_VIP4_MN, EX_VIP6_MN);
		ex_ep(&m->u.info_req.requester.ep, "198.51.100.7", 40001);
		m->has_node_fqdn = m->has_target_fqdn = true;
		strcpy(m->node_fqdn, "mn.a.example");
		strcpy(m->target_fqdn, "cn.b.example");
		*key = EX_K_DD;
		return "information-request";
	case 6:
		ex_hdr(m, XMIP_NTM_INFO_RESP, "b.example", 1, 1, 30003000);
		m->u.info_resp.target.flags = 0;
		ex_va(&m->u.info_resp.target.va, EX_VIP4_CN, EX_VIP6_CN);
		ex_ep(&m->u.info_resp.target.ep, "198.51.100.50", XMIP_NTM_PORT_NODE);
		m->has_target_fqdn = true;
		strcpy(m->target_fqdn, "cn.b.example");
		*key = EX_K_DD;
		return "information-response";
	case 7:
		ex_hdr(m, XMIP_NTM_DIR_RESP, "a.example", 2, 2, 30004000);
		m->u.dir_resp.mode = XMIP_NTM_MODE_DIRECT;
		m->u.dir_resp.path_id = 0x2a5f1c03;
		ex_va(&m->u.dir_resp.peer, EX_VIP4_CN, EX_VIP6_CN);
		m->has_target_fqdn = true;
		strcpy(m->target_fqdn, "cn.b.example");
		*key = EX_K_SESSION;
		return "direction-response";
	case 8:
		ex_hdr(m, XMIP_NTM_ROUTE_DIR, "a.example", 3, 0, 30005000);
		m->u.route_dir.path_id = 0x2a5f1c03;
		m->u.route_dir.mode = XMIP_NTM_MODE_DIRECT;
		m->u.route_dir.role = XMIP_NTM_ROLE_INITIATOR;
		m->u.route_dir.lifetime = 3600;
		ex_ep(&m->u.route_dir.tunnel, "198.51.100.50", XMIP_NTM_PORT_NODE);
		ex_va(&m->u.route_dir.own, EX_VIP4_MN, EX_VIP6_MN);
		ex_va(&m->u.route_dir.peer, EX_VIP4_CN, EX_VIP6_CN);
		m->has_node_fqdn = m->has_target_fqdn = true;
		strcpy(m->node_fqdn, "mn.a.example");
		strcpy(m->target_fqdn, "cn.b.example");
		*key = EX_K_SESSION;    /* wkey: the path key wrapped with the session kek */
		return "route-direction";
	case 9:
		ex_hdr(m, XMIP_NTM_ROUTE_ACK, "mn.a.example", 3, 3, 30006000);
		m->u.route_ack.path_id = 0x2a5f1c03;
		*key = EX_K_SESSION;
		return "route-direction-ack";
	case 10:
		ex_hdr(m, XMIP_NTM_RELAY_REQ, "a.example", 2, 0, 40000000);
		m->u.relay_req.path_id = 0x9b3e0d41;
		m->u.relay_req.mode = XMIP_NTM_MODE_RS_N;
		m->u.relay_req.lifetime = 3600;
		ex_va(&m->u.relay_req.a, EX_VIP4_MN, EX_VIP6_MN);
		ex_va(&m->u.relay_req.b, EX_VIP4_GN, EX_VIP6_GN);
		ex_va(&m->u.relay_req.gn, "198.51.100.80", "2001:db8:80::1");
		*key = EX_K_RS;         /* wkey: the path key wrapped with the DC-RS kek */
		return "relay-direction-request";
	case 11:
		ex_hdr(m, XMIP_NTM_RELAY_RESP, "rs1.a.example", 1, 2, 40001000);
		m->u.relay_resp.path_id = 0x9b3e0d41;
		ex_ep(&m->u.relay_resp.relay, "203.0.113.30", XMIP_NTM_PORT_RS);
		*key = EX_K_RS;
		return "relay-direction-response";
	case 12:
		ex_hdr(m, XMIP_NTM_TUN_REQ, "mn.a.example", 1, 0, 30100000);
		m->u.tun_req.path_id = 0x2a5f1c03;
		ex_va(&m->u.tun_req.sender, EX_VIP4_MN, EX_VIP6_MN);
		ex_ep(&m->u.tun_req.claimed, "192.168.1.2", XMIP_NTM_PORT_NODE);
		ex_va(&m->u.tun_req.peer, EX_VIP4_CN, EX_VIP6_CN);
		*key = EX_K_PATH;
		return "tunnel-request";
	case 13:
		ex_hdr(m, XMIP_NTM_TUN_RESP, "cn.b.example", 1, 1, 30101000);
		m->u.tun_resp.path_id = 0x2a5f1c03;
		ex_ep(&m->u.tun_resp.observed, "198.51.100.7", 40001);
		ex_va(&m->u.tun_resp.responder, EX_VIP4_CN, EX_VIP6_CN);
		*key = EX_K_PATH;
		return "tunnel-response";
	case 14:
		ex_hdr(m, XMIP_NTM_REG_REQ, "mn.a.example", 2, 0, 60000000);
		m->u.reg_req.flags = XMIP_NTM_REG_F_UNREACHABLE;
		m->u.reg_req.lifetime = 600;
		memcpy(m->u.reg_req.nonce, ex_nonce_node, 16);
		ex_ep(&m->u.reg_req.claimed, "2001:db8:1::2", XMIP_NTM_PORT_NODE);
		ex_ep(&m->real[0], "192.168.1.2", XMIP_NTM_PORT_NODE);
		m->n_real = 1;
		m->has_node_fqdn = true;
		strcpy(m->node_fqdn, "mn.a.example");
		/* an option from a later version: non-critical, so skipped and kept */
		m->unknown[0] = (struct xmip_ntm_opt_raw){ .type = 0x0042, .len = 3, .off = 0 };
		memcpy(m->raw, "\x01\x02\x03", 3);
		m->raw_len = 3;
		m->n_unknown = 1;
		*key = EX_K_NODE;
		return "registration-request-options";
	}
	return NULL;
}

/* The path key inside example i's wkey, wrapped with that example's kek (before building). */
static void ex_wrap(struct xmip_ntm_msg *m, const struct xmip_ntm_keys *k)
{
	if (m->h.type == XMIP_NTM_ROUTE_DIR)
		xmip_ntm_wrap(k->kek, ex_path_key, m->u.route_dir.wkey);
	else if (m->h.type == XMIP_NTM_RELAY_REQ)
		xmip_ntm_wrap(k->kek, ex_path_key, m->u.relay_req.wkey);
}

#endif /* XMIP_NTM_EXAMPLES_H */
