// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NTMobile control messages (docs/ntmobile.md). One description of each
 * body serves both directions: body_xx() walks a cursor that either reads
 * (parse) or writes (build) the same fields in the same order, so the two
 * can never disagree on a layout. Every read is bounds-checked against the
 * cursor's end; the parser additionally checks the whole fixed body fits
 * before walking it.
 */
#include "ntm_wire.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ntm_crypto.h"

struct cur {
	uint8_t *p;        /* parse: the caller's const buffer, never written */
	size_t   end, off;
	bool     write;
	int      err;
};

static void c_fail(struct cur *c, int err)
{
	if (!c->err)
		c->err = err;
}

static bool c_room(struct cur *c, size_t n)
{
	if (c->err)
		return false;
	if (n > c->end - c->off) {
		c_fail(c, c->write ? XMIP_NTM_E_NOSPACE : XMIP_NTM_E_BODY_SHORT);
		return false;
	}
	return true;
}

static void c_bytes(struct cur *c, void *v, size_t n)
{
	if (!c_room(c, n))
		return;
	if (c->write)
		memcpy(c->p + c->off, v, n);
	else
		memcpy(v, c->p + c->off, n);
	c->off += n;
}

static void c_u8(struct cur *c, uint8_t *v)
{
	c_bytes(c, v, 1);
}

static void c_u16(struct cur *c, uint16_t *v)
{
	uint8_t b[2] = { (uint8_t)(*v >> 8), (uint8_t)*v };

	c_bytes(c, b, 2);
	if (!c->write && !c->err)
		*v = (uint16_t)(b[0] << 8 | b[1]);
}

static void c_u32(struct cur *c, uint32_t *v)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(*v >> (24 - 8 * i));
	c_bytes(c, b, 4);
	if (!c->write && !c->err)
		*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void c_u64(struct cur *c, uint64_t *v)
{
	uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;

	c_u32(c, &hi);
	c_u32(c, &lo);
	if (!c->write && !c->err)
		*v = (uint64_t)hi << 32 | lo;
}

/* Reserved octets: written as zero, and must be zero when read. */
static void c_zero(struct cur *c, size_t n)
{
	if (!c_room(c, n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (c->write)
			c->p[c->off + i] = 0;
		else if (c->p[c->off + i])
			c_fail(c, XMIP_NTM_E_RESERVED);
	}
	c->off += n;
}

static void c_ep(struct cur *c, struct xmip_ntm_ep *e)
{
	c_bytes(c, e->addr, 16);
	c_u16(c, &e->port);
	c_zero(c, 2);
}

static void c_va(struct cur *c, struct xmip_ntm_vaddrs *v)
{
	c_bytes(c, v->v4, 4);
	c_bytes(c, v->v6, 16);
}

static void c_nodeinfo(struct cur *c, struct xmip_ntm_nodeinfo *n)
{
	c_u16(c, &n->flags);
	c_zero(c, 2);
	c_va(c, &n->va);
	c_ep(c, &n->ep);
}

/* ---- the types: fixed body, options they carry ---- */

#define O_REAL   (1u << 0)
#define O_NODE   (1u << 1)
#define O_TARGET (1u << 2)

struct type_info {
	const char *name;
	size_t      body;      /* fixed body octets */
	unsigned    allowed;   /* O_* */
	unsigned    required;
};

static const struct type_info types[XMIP_NTM_TYPE__MAX + 1] = {
	[XMIP_NTM_REG_REQ]    = { "Registration Request",     44, O_NODE | O_REAL, O_NODE },
	[XMIP_NTM_REG_RESP]   = { "Registration Response",    68, 0, 0 },
	[XMIP_NTM_KA]         = { "Keep Alive",                8, 0, 0 },
	[XMIP_NTM_KA_RESP]    = { "Keep Alive Response",      28, 0, 0 },
	[XMIP_NTM_DIR_REQ]    = { "Direction Request",         4, O_TARGET, O_TARGET },
	[XMIP_NTM_DIR_RESP]   = { "Direction Response",       28, O_TARGET, O_TARGET },
	[XMIP_NTM_INFO_REQ]   = { "Information Request",      44, O_NODE | O_TARGET, O_NODE | O_TARGET },
	[XMIP_NTM_INFO_RESP]  = { "Information Response",     48, O_TARGET, O_TARGET },
	[XMIP_NTM_RELAY_REQ]  = { "Relay Direction Request", 116, 0, 0 },
	[XMIP_NTM_RELAY_RESP] = { "Relay Direction Response", 28, 0, 0 },
	[XMIP_NTM_ROUTE_DIR]  = { "Route Direction",         116, O_NODE | O_TARGET, O_NODE | O_TARGET },
	[XMIP_NTM_ROUTE_ACK]  = { "Route Direction Ack",       8, 0, 0 },
	[XMIP_NTM_TUN_REQ]    = { "Tunnel Request",           68, 0, 0 },
	[XMIP_NTM_TUN_RESP]   = { "Tunnel Response",          48, 0, 0 },
};

static const struct type_info *type_info(int type)
{
	return type >= 1 && type <= XMIP_NTM_TYPE__MAX ? &types[type] : NULL;
}

size_t xmip_ntm_body_len(int type)
{
	const struct type_info *t = type_info(type);

	return t ? t->body : 0;
}

const char *xmip_ntm_type_name(int type)
{
	const struct type_info *t = type_info(type);

	return t ? t->name : "?";
}

static void body(struct cur *c, struct xmip_ntm_msg *m)
{
	switch (m->h.type) {
	case XMIP_NTM_REG_REQ:
		c_u16(c, &m->u.reg_req.flags);
		c_zero(c, 2);
		c_u32(c, &m->u.reg_req.lifetime);
		c_bytes(c, m->u.reg_req.nonce, XMIP_NTM_NONCE_LEN);
		c_ep(c, &m->u.reg_req.claimed);
		break;
	case XMIP_NTM_REG_RESP:
		c_u16(c, &m->u.reg_resp.status);
		c_u16(c, &m->u.reg_resp.flags);
		c_u32(c, &m->u.reg_resp.lifetime);
		c_bytes(c, m->u.reg_resp.nonce, XMIP_NTM_NONCE_LEN);
		c_ep(c, &m->u.reg_resp.observed);
		c_va(c, &m->u.reg_resp.va);
		c_u16(c, &m->u.reg_resp.keepalive);
		c_u8(c, &m->u.reg_resp.plen4);
		c_u8(c, &m->u.reg_resp.plen6);
		break;
	case XMIP_NTM_KA:
		c_u32(c, &m->u.ka.path_id);
		c_zero(c, 4);
		break;
	case XMIP_NTM_KA_RESP:
		c_u32(c, &m->u.ka_resp.path_id);
		c_u16(c, &m->u.ka_resp.status);
		c_zero(c, 2);
		c_ep(c, &m->u.ka_resp.observed);
		break;
	case XMIP_NTM_DIR_REQ:
		c_u16(c, &m->u.dir_req.flags);
		c_zero(c, 2);
		break;
	case XMIP_NTM_DIR_RESP:
		c_u16(c, &m->u.dir_resp.status);
		c_u8(c, &m->u.dir_resp.mode);
		c_zero(c, 1);
		c_u32(c, &m->u.dir_resp.path_id);
		c_va(c, &m->u.dir_resp.peer);
		break;
	case XMIP_NTM_INFO_REQ:
		c_nodeinfo(c, &m->u.info_req.requester);
		break;
	case XMIP_NTM_INFO_RESP:
		c_u16(c, &m->u.info_resp.status);
		c_zero(c, 2);
		c_nodeinfo(c, &m->u.info_resp.target);
		break;
	case XMIP_NTM_RELAY_REQ:
		c_u32(c, &m->u.relay_req.path_id);
		c_u8(c, &m->u.relay_req.mode);
		c_zero(c, 3);
		c_u32(c, &m->u.relay_req.lifetime);
		c_zero(c, 4);
		c_bytes(c, m->u.relay_req.wkey, XMIP_NTM_WRAPPED_LEN);
		c_va(c, &m->u.relay_req.a);
		c_va(c, &m->u.relay_req.b);
		c_va(c, &m->u.relay_req.gn);
		break;
	case XMIP_NTM_RELAY_RESP:
		c_u32(c, &m->u.relay_resp.path_id);
		c_u16(c, &m->u.relay_resp.status);
		c_zero(c, 2);
		c_ep(c, &m->u.relay_resp.relay);
		break;
	case XMIP_NTM_ROUTE_DIR:
		c_u32(c, &m->u.route_dir.path_id);
		c_u8(c, &m->u.route_dir.mode);
		c_u8(c, &m->u.route_dir.role);
		c_zero(c, 2);
		c_u32(c, &m->u.route_dir.lifetime);
		c_zero(c, 4);
		c_bytes(c, m->u.route_dir.wkey, XMIP_NTM_WRAPPED_LEN);
		c_ep(c, &m->u.route_dir.tunnel);
		c_va(c, &m->u.route_dir.own);
		c_va(c, &m->u.route_dir.peer);
		break;
	case XMIP_NTM_ROUTE_ACK:
		c_u32(c, &m->u.route_ack.path_id);
		c_u16(c, &m->u.route_ack.status);
		c_zero(c, 2);
		break;
	case XMIP_NTM_TUN_REQ:
		c_u32(c, &m->u.tun_req.path_id);
		c_zero(c, 4);
		c_va(c, &m->u.tun_req.sender);
		c_ep(c, &m->u.tun_req.claimed);
		c_va(c, &m->u.tun_req.peer);
		break;
	case XMIP_NTM_TUN_RESP:
		c_u32(c, &m->u.tun_resp.path_id);
		c_u16(c, &m->u.tun_resp.status);
		c_zero(c, 2);
		c_ep(c, &m->u.tun_resp.observed);
		c_va(c, &m->u.tun_resp.responder);
		break;
	default:
		c_fail(c, XMIP_NTM_E_TYPE);
	}
}

/* A path id names its mode's relay-table key: RS-N ids have the top bit, others not. */
static bool path_ok(uint32_t id, uint8_t mode)
{
	return id && !(id & XMIP_NTM_PATH_RSN_BIT) == (mode != XMIP_NTM_MODE_RS_N);
}

/* Ranges the layout alone cannot express; the same for parse and build. */
static int fields_ok(const struct xmip_ntm_msg *m)
{
	switch (m->h.type) {
	case XMIP_NTM_DIR_RESP:
		if (m->u.dir_resp.mode > XMIP_NTM_MODE_RS_N)
			return XMIP_NTM_E_FIELD;
		if (m->u.dir_resp.status == XMIP_NTM_OK &&
		    !path_ok(m->u.dir_resp.path_id, m->u.dir_resp.mode))
			return XMIP_NTM_E_FIELD;
		break;
	case XMIP_NTM_RELAY_REQ:
		if (m->u.relay_req.mode != XMIP_NTM_MODE_RS_S && m->u.relay_req.mode != XMIP_NTM_MODE_RS_N)
			return XMIP_NTM_E_FIELD;
		if (!path_ok(m->u.relay_req.path_id, m->u.relay_req.mode))
			return XMIP_NTM_E_FIELD;
		break;
	case XMIP_NTM_ROUTE_DIR:
		if (m->u.route_dir.mode < XMIP_NTM_MODE_DIRECT || m->u.route_dir.mode > XMIP_NTM_MODE_RS_N ||
		    (m->u.route_dir.role != XMIP_NTM_ROLE_INITIATOR &&
		     m->u.route_dir.role != XMIP_NTM_ROLE_RESPONDER) ||
		    !path_ok(m->u.route_dir.path_id, m->u.route_dir.mode))
			return XMIP_NTM_E_FIELD;
		break;
	case XMIP_NTM_RELAY_RESP:
		if (!m->u.relay_resp.path_id)
			return XMIP_NTM_E_FIELD;
		break;
	case XMIP_NTM_ROUTE_ACK:
		if (!m->u.route_ack.path_id)
			return XMIP_NTM_E_FIELD;
		break;
	case XMIP_NTM_TUN_REQ:
		if (!m->u.tun_req.path_id)
			return XMIP_NTM_E_FIELD;
		break;
	case XMIP_NTM_TUN_RESP:
		if (!m->u.tun_resp.path_id)
			return XMIP_NTM_E_FIELD;
		break;
	}
	return XMIP_NTM_E_OK;
}

bool xmip_ntm_fqdn_valid(const char *name, size_t len)
{
	size_t label = 0;

	if (len < 1 || len > XMIP_NTM_FQDN_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		if (ch == '.') {
			if (label == 0 || name[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
		if (ch == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && name[len - 1] != '-';
}

/* ---- header ---- */

static void header(struct cur *c, struct xmip_ntm_hdr *h)
{
	uint8_t vk = XMIP_NTM_V_CONTROL;

	c_u8(c, &vk);
	if (!c->write && !c->err && vk != XMIP_NTM_V_CONTROL)
		c_fail(c, XMIP_NTM_E_VERSION);
	c_u8(c, &h->type);
	c_u16(c, &h->length);
	c_u16(c, &h->flags);
	c_zero(c, 2);
	c_u64(c, &h->sender);
	c_u32(c, &h->seq);
	c_u32(c, &h->req_seq);
	c_u64(c, &h->ts_us);
}

int xmip_ntm_peek(const uint8_t *buf, size_t len, struct xmip_ntm_hdr *h)
{
	struct cur c = { .p = (uint8_t *)buf, .end = len };

	if (len > XMIP_NTM_MAX_MSG)
		return XMIP_NTM_E_TOO_LONG;
	if (len >= 1 && buf[0] != XMIP_NTM_V_CONTROL)
		return XMIP_NTM_E_VERSION;
	if (len < XMIP_NTM_HDR_LEN + XMIP_NTM_MAC_LEN)
		return XMIP_NTM_E_SHORT;
	header(&c, h);
	if (c.err)
		return c.err;
	if (!type_info(h->type))
		return XMIP_NTM_E_TYPE;
	if (h->length != len)
		return XMIP_NTM_E_LENGTH;
	if (len < XMIP_NTM_HDR_LEN + type_info(h->type)->body + XMIP_NTM_MAC_LEN)
		return XMIP_NTM_E_BODY_SHORT;
	return XMIP_NTM_E_OK;
}

/* ---- options ---- */

static unsigned opt_bit(uint16_t type)
{
	switch (type) {
	case XMIP_NTM_OPT_REAL_ADDR:   return O_REAL;
	case XMIP_NTM_OPT_NODE_FQDN:   return O_NODE;
	case XMIP_NTM_OPT_TARGET_FQDN: return O_TARGET;
	}
	return 0;
}

static int parse_fqdn(const uint8_t *v, uint16_t n, char *out)
{
	if (!xmip_ntm_fqdn_valid((const char *)v, n))
		return XMIP_NTM_E_OPT_BAD;
	memcpy(out, v, n);
	out[n] = '\0';
	return XMIP_NTM_E_OK;
}

static int parse_opts(const uint8_t *buf, size_t off, size_t end, struct xmip_ntm_msg *m,
		      const struct type_info *t)
{
	unsigned seen = 0;
	int32_t prev = -1;   /* previous option type; -1: none yet (type 0 is a valid unknown) */

	while (off < end) {
		uint16_t type, n;
		size_t padded;
		const uint8_t *v;
		unsigned bit;

		if (end - off < 4)
			return XMIP_NTM_E_OPT_TRUNC;
		type = (uint16_t)(buf[off] << 8 | buf[off + 1]);
		n = (uint16_t)(buf[off + 2] << 8 | buf[off + 3]);
		padded = ((size_t)n + 3) & ~(size_t)3;
		if (padded > end - off - 4)
			return XMIP_NTM_E_OPT_TRUNC;
		v = buf + off + 4;
		for (size_t i = n; i < padded; i++)
			if (v[i])
				return XMIP_NTM_E_RESERVED;
		/* Ascending order; only Real Address may repeat. */
		if (prev >= 0 && (type < prev || (type == prev && type != XMIP_NTM_OPT_REAL_ADDR)))
			return XMIP_NTM_E_OPT_ORDER;
		prev = type;
		bit = opt_bit(type);
		if (!bit) {
			if (type & XMIP_NTM_OPT_CRITICAL)
				return XMIP_NTM_E_OPT_CRITICAL;
			if (m->n_unknown == XMIP_NTM_MAX_UNKNOWN)
				return XMIP_NTM_E_OPT_BAD;
			m->unknown[m->n_unknown++] = (struct xmip_ntm_opt_raw){
				.type = type, .len = n, .off = (uint16_t)m->raw_len };
			memcpy(m->raw + m->raw_len, v, n);   /* raw holds a whole message: fits */
			m->raw_len += n;
		} else if (!(t->allowed & bit)) {
			return XMIP_NTM_E_OPT_UNEXPECTED;
		} else if (bit == O_REAL) {
			struct cur c = { .p = (uint8_t *)v, .end = n };

			if (n != 20 || m->n_real == XMIP_NTM_MAX_REAL)
				return XMIP_NTM_E_OPT_BAD;
			c_ep(&c, &m->real[m->n_real++]);
			if (c.err)
				return c.err;
		} else {
			int rc = parse_fqdn(v, n, bit == O_NODE ? m->node_fqdn : m->target_fqdn);

			if (rc)
				return rc;
			if (bit == O_NODE)
				m->has_node_fqdn = true;
			else
				m->has_target_fqdn = true;
		}
		seen |= bit;
		off += 4 + padded;
	}
	if ((seen & t->required) != t->required)
		return XMIP_NTM_E_OPT_MISSING;
	return XMIP_NTM_E_OK;
}

int xmip_ntm_parse(const uint8_t *buf, size_t len, struct xmip_ntm_msg *m)
{
	const struct type_info *t;
	struct cur c;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = xmip_ntm_peek(buf, len, &m->h);
	if (rc)
		return rc;
	t = type_info(m->h.type);
	c = (struct cur){ .p = (uint8_t *)buf, .off = XMIP_NTM_HDR_LEN,
			  .end = len - XMIP_NTM_MAC_LEN };
	body(&c, m);
	if (c.err)
		return c.err;
	rc = fields_ok(m);
	if (rc)
		return rc;
	rc = parse_opts(buf, c.off, len - XMIP_NTM_MAC_LEN, m, t);
	if (rc)
		return rc;
	memcpy(m->mac, buf + len - XMIP_NTM_MAC_LEN, XMIP_NTM_MAC_LEN);
	return XMIP_NTM_E_OK;
}

/* ---- build ---- */

struct opt_out {
	uint16_t       type;
	uint16_t       len;
	const uint8_t *val;       /* NULL: an endpoint, from ep */
	const struct xmip_ntm_ep *ep;
};

static void put_opt(struct cur *c, const struct opt_out *o)
{
	uint16_t type = o->type, n = o->len;
	size_t pad = (4 - (n & 3)) & 3;

	c_u16(c, &type);
	c_u16(c, &n);
	if (o->ep)
		c_ep(c, (struct xmip_ntm_ep *)o->ep);
	else
		c_bytes(c, (void *)o->val, n);
	c_zero(c, pad);
}

static int build_opts(struct cur *c, const struct xmip_ntm_msg *m, const struct type_info *t)
{
	struct opt_out o[XMIP_NTM_MAX_REAL + 2 + XMIP_NTM_MAX_UNKNOWN];
	size_t n = 0;
	unsigned seen = 0;

	if (m->n_real > XMIP_NTM_MAX_REAL || m->n_unknown > XMIP_NTM_MAX_UNKNOWN)
		return XMIP_NTM_E_OPT_BAD;
	for (size_t i = 0; i < m->n_real; i++)
		o[n++] = (struct opt_out){ XMIP_NTM_OPT_REAL_ADDR, 20, NULL, &m->real[i] };
	if (m->has_node_fqdn)
		o[n++] = (struct opt_out){ XMIP_NTM_OPT_NODE_FQDN, (uint16_t)strnlen(m->node_fqdn,
					   sizeof(m->node_fqdn)), (const uint8_t *)m->node_fqdn, NULL };
	if (m->has_target_fqdn)
		o[n++] = (struct opt_out){ XMIP_NTM_OPT_TARGET_FQDN, (uint16_t)strnlen(m->target_fqdn,
					   sizeof(m->target_fqdn)), (const uint8_t *)m->target_fqdn, NULL };
	for (size_t i = 0; i < m->n_unknown; i++) {
		const struct xmip_ntm_opt_raw *u = &m->unknown[i];

		if (opt_bit(u->type) || (u->type & XMIP_NTM_OPT_CRITICAL) ||
		    (size_t)u->off + u->len > sizeof(m->raw))
			return XMIP_NTM_E_OPT_BAD;
		o[n++] = (struct opt_out){ u->type, u->len, m->raw + u->off, NULL };
	}
	/* Ascending type order (stable: Real Addresses keep theirs). */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && o[j - 1].type > o[j].type; j--) {
			struct opt_out tmp = o[j];

			o[j] = o[j - 1];
			o[j - 1] = tmp;
		}
	for (size_t i = 0; i < n; i++) {
		unsigned bit = opt_bit(o[i].type);

		if (i && o[i].type == o[i - 1].type && o[i].type != XMIP_NTM_OPT_REAL_ADDR)
			return XMIP_NTM_E_OPT_ORDER;
		if (bit && !(t->allowed & bit))
			return XMIP_NTM_E_OPT_UNEXPECTED;
		if (bit == O_NODE || bit == O_TARGET) {
			if (!xmip_ntm_fqdn_valid((const char *)o[i].val, o[i].len))
				return XMIP_NTM_E_OPT_BAD;
		}
		seen |= bit;
		put_opt(c, &o[i]);
	}
	if ((seen & t->required) != t->required)
		return XMIP_NTM_E_OPT_MISSING;
	return c->err;
}

int xmip_ntm_build(struct xmip_ntm_msg *m, const uint8_t *mac_key, uint8_t *out, size_t cap,
		   size_t *out_len)
{
	const struct type_info *t = type_info(m->h.type);
	struct cur c = { .p = out, .end = cap < XMIP_NTM_MAX_MSG ? cap : XMIP_NTM_MAX_MSG,
			 .write = true };
	size_t len;
	int rc;

	*out_len = 0;
	if (!t)
		return XMIP_NTM_E_TYPE;
	rc = fields_ok(m);
	if (rc)
		return rc;
	if (c.end < XMIP_NTM_MAC_LEN)
		return XMIP_NTM_E_NOSPACE;
	c.end -= XMIP_NTM_MAC_LEN;      /* room for the MAC stays free */
	header(&c, &m->h);
	body(&c, m);
	if (c.err)
		return c.err;
	rc = build_opts(&c, m, t);
	if (rc)
		return rc;
	len = c.off + XMIP_NTM_MAC_LEN;
	m->h.length = (uint16_t)len;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	if (mac_key)
		xmip_ntm_hmac(mac_key, out, c.off, m->mac);
	else
		memset(m->mac, 0, sizeof(m->mac));
	memcpy(out + c.off, m->mac, XMIP_NTM_MAC_LEN);
	*out_len = len;
	return XMIP_NTM_E_OK;
}

/* ---- names ---- */

const char *xmip_ntm_strerror(int err)
{
	static const char *const s[XMIP_NTM_E__MAX] = {
		[XMIP_NTM_E_OK]             = "ok",
		[XMIP_NTM_E_SHORT]          = "shorter than header and MAC",
		[XMIP_NTM_E_TOO_LONG]       = "longer than 1232 octets",
		[XMIP_NTM_E_VERSION]        = "not an NTMobile version 1 control message",
		[XMIP_NTM_E_TYPE]           = "unknown message type",
		[XMIP_NTM_E_LENGTH]         = "Length field does not match the datagram",
		[XMIP_NTM_E_BODY_SHORT]     = "body shorter than its type's fixed part",
		[XMIP_NTM_E_RESERVED]       = "reserved field or padding not zero",
		[XMIP_NTM_E_OPT_TRUNC]      = "option truncated",
		[XMIP_NTM_E_OPT_ORDER]      = "options out of order or repeated",
		[XMIP_NTM_E_OPT_UNEXPECTED] = "option not valid in this message type",
		[XMIP_NTM_E_OPT_MISSING]    = "required option missing",
		[XMIP_NTM_E_OPT_CRITICAL]   = "unknown critical option",
		[XMIP_NTM_E_OPT_BAD]        = "invalid option value",
		[XMIP_NTM_E_FIELD]          = "field out of range",
		[XMIP_NTM_E_NOSPACE]        = "output buffer too small",
	};

	return err >= 0 && err < XMIP_NTM_E__MAX && s[err] ? s[err] : "unknown error";
}

const char *xmip_ntm_status_name(int status)
{
	static const char *const s[XMIP_NTM_STATUS__MAX + 1] = {
		"ok", "unspecified", "malformed", "unknown node", "not registered", "no dc",
		"dc unreachable", "pool exhausted", "no relay", "relay failed", "unknown path",
		"prohibited", "unsupported", "bad peer",
	};

	return status >= 0 && status <= XMIP_NTM_STATUS__MAX ? s[status] : "?";
}

const char *xmip_ntm_mode_name(int mode)
{
	switch (mode) {
	case XMIP_NTM_MODE_DIRECT: return "direct";
	case XMIP_NTM_MODE_RS_S:   return "rs-s";
	case XMIP_NTM_MODE_RS_N:   return "rs-n";
	}
	return "none";
}

/* ---- describe: key=value text of every field ---- */

bool xmip_ntm_addr_is_v4(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, pfx, 12) == 0;
}

struct out {
	char  *p;
	size_t cap, at;
};

static void o_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void o_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->p + o->at, o->at < o->cap ? o->cap - o->at : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->at += (size_t)n;
}

static void o_hex(struct out *o, const char *k, const uint8_t *v, size_t n)
{
	o_printf(o, " %s=", k);
	for (size_t i = 0; i < n; i++)
		o_printf(o, "%02x", v[i]);
}

static void o_ep(struct out *o, const char *k, const struct xmip_ntm_ep *e)
{
	char a[INET6_ADDRSTRLEN];

	if (xmip_ntm_addr_is_v4(e->addr)) {
		inet_ntop(AF_INET, e->addr + 12, a, sizeof(a));
		o_printf(o, " %s=%s:%u", k, a, e->port);
	} else {
		inet_ntop(AF_INET6, e->addr, a, sizeof(a));
		o_printf(o, " %s=[%s]:%u", k, a, e->port);
	}
}

static void o_va(struct out *o, const char *k, const struct xmip_ntm_vaddrs *v)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET, v->v4, a, sizeof(a));
	inet_ntop(AF_INET6, v->v6, b, sizeof(b));
	o_printf(o, " %s.v4=%s %s.v6=%s", k, a, k, b);
}

static void o_ni(struct out *o, const char *k, const struct xmip_ntm_nodeinfo *n)
{
	char kk[32];

	o_printf(o, " %s.flags=0x%04x", k, n->flags);
	o_va(o, k, &n->va);
	snprintf(kk, sizeof(kk), "%s.ep", k);
	o_ep(o, kk, &n->ep);
}

int xmip_ntm_describe(const struct xmip_ntm_msg *m, char *buf, size_t cap)
{
	struct out o = { .p = buf, .cap = cap };

	if (cap)
		buf[0] = '\0';
	o_printf(&o, "type=%u length=%u flags=0x%04x sender=%016llx seq=%u req_seq=%u ts=%llu",
		 m->h.type, m->h.length, m->h.flags, (unsigned long long)m->h.sender, m->h.seq,
		 m->h.req_seq, (unsigned long long)m->h.ts_us);
	switch (m->h.type) {
	case XMIP_NTM_REG_REQ:
		o_printf(&o, " reg_flags=0x%04x lifetime=%u", m->u.reg_req.flags, m->u.reg_req.lifetime);
		o_hex(&o, "nonce", m->u.reg_req.nonce, XMIP_NTM_NONCE_LEN);
		o_ep(&o, "claimed", &m->u.reg_req.claimed);
		break;
	case XMIP_NTM_REG_RESP:
		o_printf(&o, " status=%u reg_flags=0x%04x lifetime=%u", m->u.reg_resp.status,
			 m->u.reg_resp.flags, m->u.reg_resp.lifetime);
		o_hex(&o, "nonce", m->u.reg_resp.nonce, XMIP_NTM_NONCE_LEN);
		o_ep(&o, "observed", &m->u.reg_resp.observed);
		o_va(&o, "va", &m->u.reg_resp.va);
		o_printf(&o, " keepalive=%u plen4=%u plen6=%u", m->u.reg_resp.keepalive,
			 m->u.reg_resp.plen4, m->u.reg_resp.plen6);
		break;
	case XMIP_NTM_KA:
		o_printf(&o, " path_id=0x%08x", m->u.ka.path_id);
		break;
	case XMIP_NTM_KA_RESP:
		o_printf(&o, " path_id=0x%08x status=%u", m->u.ka_resp.path_id, m->u.ka_resp.status);
		o_ep(&o, "observed", &m->u.ka_resp.observed);
		break;
	case XMIP_NTM_DIR_REQ:
		o_printf(&o, " dir_flags=0x%04x", m->u.dir_req.flags);
		break;
	case XMIP_NTM_DIR_RESP:
		o_printf(&o, " status=%u mode=%u path_id=0x%08x", m->u.dir_resp.status,
			 m->u.dir_resp.mode, m->u.dir_resp.path_id);
		o_va(&o, "peer", &m->u.dir_resp.peer);
		break;
	case XMIP_NTM_INFO_REQ:
		o_ni(&o, "requester", &m->u.info_req.requester);
		break;
	case XMIP_NTM_INFO_RESP:
		o_printf(&o, " status=%u", m->u.info_resp.status);
		o_ni(&o, "target", &m->u.info_resp.target);
		break;
	case XMIP_NTM_RELAY_REQ:
		o_printf(&o, " path_id=0x%08x mode=%u lifetime=%u", m->u.relay_req.path_id,
			 m->u.relay_req.mode, m->u.relay_req.lifetime);
		o_hex(&o, "wkey", m->u.relay_req.wkey, XMIP_NTM_WRAPPED_LEN);
		o_va(&o, "a", &m->u.relay_req.a);
		o_va(&o, "b", &m->u.relay_req.b);
		o_va(&o, "gn", &m->u.relay_req.gn);
		break;
	case XMIP_NTM_RELAY_RESP:
		o_printf(&o, " path_id=0x%08x status=%u", m->u.relay_resp.path_id,
			 m->u.relay_resp.status);
		o_ep(&o, "relay", &m->u.relay_resp.relay);
		break;
	case XMIP_NTM_ROUTE_DIR:
		o_printf(&o, " path_id=0x%08x mode=%u role=%u lifetime=%u", m->u.route_dir.path_id,
			 m->u.route_dir.mode, m->u.route_dir.role, m->u.route_dir.lifetime);
		o_hex(&o, "wkey", m->u.route_dir.wkey, XMIP_NTM_WRAPPED_LEN);
		o_ep(&o, "tunnel", &m->u.route_dir.tunnel);
		o_va(&o, "own", &m->u.route_dir.own);
		o_va(&o, "peer", &m->u.route_dir.peer);
		break;
	case XMIP_NTM_ROUTE_ACK:
		o_printf(&o, " path_id=0x%08x status=%u", m->u.route_ack.path_id,
			 m->u.route_ack.status);
		break;
	case XMIP_NTM_TUN_REQ:
		o_printf(&o, " path_id=0x%08x", m->u.tun_req.path_id);
		o_va(&o, "sender", &m->u.tun_req.sender);
		o_ep(&o, "claimed", &m->u.tun_req.claimed);
		o_va(&o, "peer", &m->u.tun_req.peer);
		break;
	case XMIP_NTM_TUN_RESP:
		o_printf(&o, " path_id=0x%08x status=%u", m->u.tun_resp.path_id,
			 m->u.tun_resp.status);
		o_ep(&o, "observed", &m->u.tun_resp.observed);
		o_va(&o, "responder", &m->u.tun_resp.responder);
		break;
	}
	for (size_t i = 0; i < m->n_real; i++)
		o_ep(&o, "real", &m->real[i]);
	if (m->has_node_fqdn)
		o_printf(&o, " node_fqdn=%s", m->node_fqdn);
	if (m->has_target_fqdn)
		o_printf(&o, " target_fqdn=%s", m->target_fqdn);
	for (size_t i = 0; i < m->n_unknown; i++) {
		char k[24];

		snprintf(k, sizeof(k), "opt_%04x", m->unknown[i].type);
		o_hex(&o, k, m->raw + m->unknown[i].off, m->unknown[i].len);
	}
	o_hex(&o, "mac", m->mac, XMIP_NTM_MAC_LEN);
	return o.at < cap ? 0 : -1;
}
