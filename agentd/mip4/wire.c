// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mobile IPv4 codec: registration messages (RFC 5944 §3.3-3.5), their
 * extensions (RFC 2794 NAI, RFC 3519 UDP tunnel request/reply, RFC 3024
 * delivery style) and Agent Discovery (§2.1, §2.2 on RFC 1256). Octet by
 * octet, every read checked against len.
 */
#include "mip4_wire.h"

#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

const char *xmip_mip4_strerror(enum xmip_mip4_err e)
{
	static const char *const s[XMIP_MIP4_E__MAX] = {
		[XMIP_MIP4_E_OK] = "ok",
		[XMIP_MIP4_E_SHORT] = "shorter than the fixed part",
		[XMIP_MIP4_E_LONG] = "longer than we accept",
		[XMIP_MIP4_E_TYPE] = "unexpected message type",
		[XMIP_MIP4_E_EXT_TRUNC] = "extension runs past the end",
		[XMIP_MIP4_E_EXT_LEN] = "extension with an impossible length",
		[XMIP_MIP4_E_EXT_UNKNOWN] = "unknown non-skippable extension (RFC 5944 §1.8)",
		[XMIP_MIP4_E_EXT_TOO_MANY] = "too many extensions",
		[XMIP_MIP4_E_CHECKSUM] = "bad ICMP checksum",
		[XMIP_MIP4_E_NOT_AGENT] = "router advertisement without a mobility agent extension",
	};

	return (unsigned)e < XMIP_MIP4_E__MAX ? s[e] : "?";
}

/* ---- registration messages ---- */

enum xmip_mip4_err xmip_mip4_reg_parse_fixed(const uint8_t *msg, size_t len,
					     struct xmip_mip4_reg *m)
{
	size_t fixed;

	memset(m, 0, sizeof(*m));
	m->mn_ha = m->mn_fa = m->fa_ha = m->nai = m->udp_req = m->udp_rep = m->delivery = -1;
	if (len < 1)
		return XMIP_MIP4_E_SHORT;
	if (len > XMIP_MIP4_MAX_MSG)
		return XMIP_MIP4_E_LONG;
	m->type = msg[0];
	if (m->type == XMIP_MIP4_REG_REQUEST)
		fixed = XMIP_MIP4_RRQ_LEN;
	else if (m->type == XMIP_MIP4_REG_REPLY)
		fixed = XMIP_MIP4_RRP_LEN;
	else
		return XMIP_MIP4_E_TYPE;
	if (len < fixed)
		return XMIP_MIP4_E_SHORT;
	m->len = (uint16_t)len;
	if (m->type == XMIP_MIP4_REG_REQUEST) {
		m->flags = msg[1];
		memcpy(m->coa, msg + 12, 4);
	} else {
		m->code = msg[1];
	}
	m->lifetime = rd16(msg + 2);
	memcpy(m->hoa, msg + 4, 4);
	memcpy(m->ha, msg + 8, 4);
	m->id = (uint64_t)rd32(msg + fixed - 8) << 32 | rd32(msg + fixed - 4);
	return XMIP_MIP4_E_OK;
}

static size_t fixed_len(uint8_t type)
{
	return type == XMIP_MIP4_REG_REQUEST ? XMIP_MIP4_RRQ_LEN : XMIP_MIP4_RRP_LEN;
}

/* Which lengths a known extension may have; false: unknown type. */
static bool known_ext(uint8_t type, uint8_t len, bool *len_ok)
{
	switch (type) {
	case XMIP_MIP4_EXT_MN_HA_AUTH:
	case XMIP_MIP4_EXT_MN_FA_AUTH:
	case XMIP_MIP4_EXT_FA_HA_AUTH:
		*len_ok = len >= XMIP_MIP4_SPI_LEN;
		return true;
	case XMIP_MIP4_EXT_NAI:
		*len_ok = len >= 1;
		return true;
	case XMIP_MIP4_EXT_UDP_TUN_REQ:
	case XMIP_MIP4_EXT_UDP_TUN_REP:
		*len_ok = len == XMIP_MIP4_UDP_TUN_EXT_LEN;
		return true;
	case XMIP_MIP4_EXT_ENC_DELIVERY:
		*len_ok = len == 0;
		return true;
	default:
		*len_ok = true;
		return false;
	}
}

static void note(int8_t *first, uint8_t *count, uint8_t idx)
{
	if (*first < 0)
		*first = (int8_t)idx;
	if (count)
		(*count)++;
}

enum xmip_mip4_err xmip_mip4_reg_parse(const uint8_t *msg, size_t len, struct xmip_mip4_reg *m)
{
	enum xmip_mip4_err e = xmip_mip4_reg_parse_fixed(msg, len, m);
	size_t off;

	if (e != XMIP_MIP4_E_OK)
		return e;
	for (off = fixed_len(m->type); off < len;) {
		struct xmip_mip4_ext *x;
		bool len_ok;
		uint8_t idx;

		if (m->n_ext == XMIP_MIP4_MAX_EXT)
			return XMIP_MIP4_E_EXT_TOO_MANY;
		idx = m->n_ext++;
		x = &m->ext[idx];
		x->type = msg[off];
		x->off = (uint16_t)off;
		if (x->type == XMIP_MIP4_EXT_PAD) {
			x->len = 0;
			off++;
			continue;
		}
		if (len - off < 2 || len - off - 2 < msg[off + 1])
			return XMIP_MIP4_E_EXT_TRUNC;
		x->len = msg[off + 1];
		off += 2u + x->len;
		if (!known_ext(x->type, x->len, &len_ok)) {
			if (x->type < XMIP_MIP4_EXT_SKIPPABLE)
				return XMIP_MIP4_E_EXT_UNKNOWN;
			continue;
		}
		if (!len_ok)
			return XMIP_MIP4_E_EXT_LEN;
		switch (x->type) {
		case XMIP_MIP4_EXT_MN_HA_AUTH: note(&m->mn_ha, &m->n_mn_ha, idx); break;
		case XMIP_MIP4_EXT_MN_FA_AUTH: note(&m->mn_fa, &m->n_mn_fa, idx); break;
		case XMIP_MIP4_EXT_FA_HA_AUTH: note(&m->fa_ha, &m->n_fa_ha, idx); break;
		case XMIP_MIP4_EXT_NAI:        note(&m->nai, NULL, idx); break;
		case XMIP_MIP4_EXT_UDP_TUN_REQ: note(&m->udp_req, &m->n_udp_req, idx); break;
		case XMIP_MIP4_EXT_UDP_TUN_REP: note(&m->udp_rep, NULL, idx); break;
		case XMIP_MIP4_EXT_ENC_DELIVERY: note(&m->delivery, NULL, idx); break;
		}
	}
	return XMIP_MIP4_E_OK;
}

void xmip_mip4_auth_view(const uint8_t *msg, const struct xmip_mip4_ext *e,
			 struct xmip_mip4_auth_view *v)
{
	v->spi = rd32(msg + e->off + 2);
	v->auth = msg + e->off + 2 + XMIP_MIP4_SPI_LEN;
	v->auth_len = e->len - XMIP_MIP4_SPI_LEN;
	v->covered = e->off + 2u + XMIP_MIP4_SPI_LEN;
}

void xmip_mip4_udp_req_view(const uint8_t *msg, const struct xmip_mip4_ext *e,
			    struct xmip_mip4_udp_req *r)
{
	const uint8_t *d = msg + e->off + 2;

	r->subtype = d[0];
	r->reserved1 = d[1];
	r->flags = d[2];
	r->encap = d[3];
	r->reserved3 = rd16(d + 4);
}

void xmip_mip4_udp_rep_view(const uint8_t *msg, const struct xmip_mip4_ext *e,
			    struct xmip_mip4_udp_rep *r)
{
	const uint8_t *d = msg + e->off + 2;

	r->subtype = d[0];
	r->code = d[1];
	r->flags = rd16(d + 2);
	r->keepalive = rd16(d + 4);
}

int xmip_mip4_build_fixed(uint8_t *buf, size_t cap, const struct xmip_mip4_reg *m)
{
	size_t fixed;

	if (m->type != XMIP_MIP4_REG_REQUEST && m->type != XMIP_MIP4_REG_REPLY)
		return -1;
	fixed = fixed_len(m->type);
	if (cap < fixed)
		return -1;
	buf[0] = m->type;
	buf[1] = m->type == XMIP_MIP4_REG_REQUEST ? m->flags : m->code;
	wr16(buf + 2, m->lifetime);
	memcpy(buf + 4, m->hoa, 4);
	memcpy(buf + 8, m->ha, 4);
	if (m->type == XMIP_MIP4_REG_REQUEST)
		memcpy(buf + 12, m->coa, 4);
	wr32(buf + fixed - 8, (uint32_t)(m->id >> 32));
	wr32(buf + fixed - 4, (uint32_t)m->id);
	return (int)fixed;
}

int xmip_mip4_put_ext(uint8_t *buf, size_t cap, size_t off, uint8_t type,
		      const void *data, size_t len)
{
	if (type == XMIP_MIP4_EXT_PAD) {
		if (len || off >= cap || off >= XMIP_MIP4_MAX_MSG)
			return -1;
		buf[off] = 0;
		return (int)off + 1;
	}
	if (len > 255 || off > cap || cap - off < 2 + len || off + 2 + len > XMIP_MIP4_MAX_MSG)
		return -1;
	buf[off] = type;
	buf[off + 1] = (uint8_t)len;
	if (len)
		memcpy(buf + off + 2, data, len);
	return (int)(off + 2 + len);
}

int xmip_mip4_put_nai(uint8_t *buf, size_t cap, size_t off, const char *nai)
{
	size_t n = strlen(nai);

	if (n == 0)
		return -1;
	return xmip_mip4_put_ext(buf, cap, off, XMIP_MIP4_EXT_NAI, nai, n);
}

int xmip_mip4_put_udp_req(uint8_t *buf, size_t cap, size_t off, const struct xmip_mip4_udp_req *r)
{
	uint8_t d[XMIP_MIP4_UDP_TUN_EXT_LEN] = { r->subtype, r->reserved1, r->flags, r->encap };

	wr16(d + 4, r->reserved3);
	return xmip_mip4_put_ext(buf, cap, off, XMIP_MIP4_EXT_UDP_TUN_REQ, d, sizeof(d));
}

int xmip_mip4_put_udp_rep(uint8_t *buf, size_t cap, size_t off, const struct xmip_mip4_udp_rep *r)
{
	uint8_t d[XMIP_MIP4_UDP_TUN_EXT_LEN] = { r->subtype, r->code };

	wr16(d + 2, r->flags);
	wr16(d + 4, r->keepalive);
	return xmip_mip4_put_ext(buf, cap, off, XMIP_MIP4_EXT_UDP_TUN_REP, d, sizeof(d));
}

int xmip_mip4_rebuild(uint8_t *buf, size_t cap, const struct xmip_mip4_reg *m,
		      const uint8_t *msg, size_t from, size_t to)
{
	int n = xmip_mip4_build_fixed(buf, cap, m);

	for (size_t i = from; n >= 0 && i < to && i < m->n_ext; i++)
		n = xmip_mip4_put_ext(buf, cap, (size_t)n, m->ext[i].type,
				      msg + m->ext[i].off + 2, m->ext[i].len);
	return n;
}

/* ---- checksums ---- */

uint32_t xmip_mip4_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t xmip_mip4_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ---- Agent Discovery ---- */

#define ICMP_HDR 8

static bool icmp_csum_ok(const uint8_t *icmp, size_t len)
{
	return xmip_mip4_csum_fold(xmip_mip4_csum_add(0, icmp, len)) == 0;
}

enum xmip_mip4_err xmip_mip4_adv_parse(const uint8_t *icmp, size_t len, struct xmip_mip4_adv *a)
{
	size_t entry, off;
	bool agent = false;

	memset(a, 0, sizeof(*a));
	if (len < ICMP_HDR)
		return XMIP_MIP4_E_SHORT;
	if (len > XMIP_MIP4_MAX_MSG)
		return XMIP_MIP4_E_LONG;
	if (icmp[0] != XMIP_MIP4_ICMP_ADVERT)
		return XMIP_MIP4_E_TYPE;
	if (!icmp_csum_ok(icmp, len))
		return XMIP_MIP4_E_CHECKSUM;
	a->code = icmp[1];
	entry = icmp[5];
	a->lifetime = rd16(icmp + 6);
	/* RFC 1256: Addr Entry Size is 2 (words: address + preference). */
	if (entry < 2)
		return XMIP_MIP4_E_EXT_LEN;
	if ((len - ICMP_HDR) / (entry * 4) < icmp[4])
		return XMIP_MIP4_E_SHORT;
	for (size_t i = 0; i < icmp[4]; i++) {
		const uint8_t *r = icmp + ICMP_HDR + i * entry * 4;

		if (a->n_rtr < XMIP_MIP4_ADV_MAX_RTR) {
			memcpy(a->rtr[a->n_rtr], r, 4);
			a->pref[a->n_rtr++] = (int32_t)rd32(r + 4);
		}
	}
	for (off = ICMP_HDR + (size_t)icmp[4] * entry * 4; off < len;) {
		uint8_t type = icmp[off], elen;

		if (type == XMIP_MIP4_ADV_EXT_PAD) {
			off++;
			continue;
		}
		if (len - off < 2 || len - off - 2 < icmp[off + 1])
			return XMIP_MIP4_E_EXT_TRUNC;
		elen = icmp[off + 1];
		if (type == XMIP_MIP4_ADV_EXT_AGENT) {
			const uint8_t *d = icmp + off + 2;

			if (agent || elen < XMIP_MIP4_ADV_AGENT_MIN_LEN ||
			    (elen - XMIP_MIP4_ADV_AGENT_MIN_LEN) % 4)
				return XMIP_MIP4_E_EXT_LEN;
			agent = true;
			a->seq = rd16(d);
			a->reg_lifetime = rd16(d + 2);
			a->flags = rd16(d + 4);
			a->n_coa = (uint8_t)((elen - XMIP_MIP4_ADV_AGENT_MIN_LEN) / 4);
			memcpy(a->coa, d + 6, (size_t)a->n_coa * 4);
		} else if (type == XMIP_MIP4_ADV_EXT_PREFIXLEN) {
			/* §2.1.2: one octet per router address of the ICMP part. */
			if (a->has_prefix_len || elen != icmp[4])
				return XMIP_MIP4_E_EXT_LEN;
			a->has_prefix_len = true;
			memcpy(a->prefix_len, icmp + off + 2,
			       elen < XMIP_MIP4_ADV_MAX_RTR ? elen : XMIP_MIP4_ADV_MAX_RTR);
		} else if (type < XMIP_MIP4_EXT_SKIPPABLE) {
			return XMIP_MIP4_E_EXT_UNKNOWN;
		}
		off += 2u + elen;
	}
	return agent ? XMIP_MIP4_E_OK : XMIP_MIP4_E_NOT_AGENT;
}

int xmip_mip4_adv_build(uint8_t *buf, size_t cap, const struct xmip_mip4_adv *a)
{
	size_t len = ICMP_HDR + (size_t)a->n_rtr * 8, elen;

	if (a->n_rtr > XMIP_MIP4_ADV_MAX_RTR || a->n_coa > XMIP_MIP4_ADV_MAX_COA)
		return -1;
	elen = XMIP_MIP4_ADV_AGENT_MIN_LEN + (size_t)a->n_coa * 4;
	len += 2 + elen + (a->has_prefix_len ? 2u + a->n_rtr : 0);
	if (len % 2)
		len++;   /* §2.1.3 one-octet padding, last */
	if (cap < len)
		return -1;
	memset(buf, 0, len);
	buf[0] = XMIP_MIP4_ICMP_ADVERT;
	buf[1] = a->code;
	buf[4] = a->n_rtr;
	buf[5] = 2;
	wr16(buf + 6, a->lifetime);
	for (size_t i = 0; i < a->n_rtr; i++) {
		memcpy(buf + ICMP_HDR + i * 8, a->rtr[i], 4);
		wr32(buf + ICMP_HDR + i * 8 + 4, (uint32_t)a->pref[i]);
	}
	{
		uint8_t *e = buf + ICMP_HDR + (size_t)a->n_rtr * 8;

		e[0] = XMIP_MIP4_ADV_EXT_AGENT;
		e[1] = (uint8_t)elen;
		wr16(e + 2, a->seq);
		wr16(e + 4, a->reg_lifetime);
		wr16(e + 6, a->flags);
		memcpy(e + 8, a->coa, (size_t)a->n_coa * 4);
		if (a->has_prefix_len) {
			e += 2 + elen;
			e[0] = XMIP_MIP4_ADV_EXT_PREFIXLEN;
			e[1] = a->n_rtr;
			memcpy(e + 2, a->prefix_len, a->n_rtr);
		}
	}
	wr16(buf + 2, xmip_mip4_csum_fold(xmip_mip4_csum_add(0, buf, len)));
	return (int)len;
}

enum xmip_mip4_err xmip_mip4_sol_parse(const uint8_t *icmp, size_t len)
{
	if (len < ICMP_HDR)
		return XMIP_MIP4_E_SHORT;
	if (len > XMIP_MIP4_MAX_MSG)
		return XMIP_MIP4_E_LONG;
	if (icmp[0] != XMIP_MIP4_ICMP_SOLICIT || icmp[1] != 0)
		return XMIP_MIP4_E_TYPE;
	return icmp_csum_ok(icmp, len) ? XMIP_MIP4_E_OK : XMIP_MIP4_E_CHECKSUM;
}

int xmip_mip4_sol_build(uint8_t *buf, size_t cap)
{
	if (cap < ICMP_HDR)
		return -1;
	memset(buf, 0, ICMP_HDR);
	buf[0] = XMIP_MIP4_ICMP_SOLICIT;
	wr16(buf + 2, xmip_mip4_csum_fold(xmip_mip4_csum_add(0, buf, ICMP_HDR)));
	return ICMP_HDR;
}

uint16_t xmip_mip4_adv_seq_next(uint16_t seq)
{
	return seq == 0xffff ? XMIP_MIP4_ADV_SEQ_WRAP_TO : (uint16_t)(seq + 1);
}

const char *xmip_mip4_code_str(uint8_t code)
{
	switch (code) {
	case 0:   return "registration accepted";
	case 1:   return "accepted, simultaneous bindings unsupported";
	case 64:  return "FA: reason unspecified";
	case 65:  return "FA: administratively prohibited";
	case 66:  return "FA: insufficient resources";
	case 67:  return "FA: mobile node failed authentication";
	case 68:  return "FA: home agent failed authentication";
	case 69:  return "FA: requested lifetime too long";
	case 70:  return "FA: poorly formed request";
	case 71:  return "FA: poorly formed reply";
	case 72:  return "FA: requested encapsulation unavailable";
	case 73:  return "FA: VJ compression unavailable";
	case 74:  return "FA: requested reverse tunnel unavailable";
	case 75:  return "FA: reverse tunnel is mandatory and T bit not set";
	case 76:  return "FA: mobile node too distant";
	case 77:  return "FA: invalid care-of address";
	case 78:  return "FA: registration timeout";
	case 79:  return "FA: delivery style not supported";
	case 80:  return "FA: home network unreachable";
	case 81:  return "FA: home agent host unreachable";
	case 82:  return "FA: home agent port unreachable";
	case 88:  return "FA: home agent unreachable";
	case 96:  return "FA: non-zero home address required";
	case 97:  return "FA: missing NAI";
	case 98:  return "FA: missing home agent";
	case 99:  return "FA: missing home address";
	case 194: return "FA: invalid home agent address";
	case 128: return "HA: reason unspecified";
	case 129: return "HA: administratively prohibited";
	case 130: return "HA: insufficient resources";
	case 131: return "HA: mobile node failed authentication";
	case 132: return "HA: foreign agent failed authentication";
	case 133: return "HA: registration identification mismatch";
	case 134: return "HA: poorly formed request";
	case 135: return "HA: too many simultaneous mobility bindings";
	case 136: return "HA: unknown home agent address";
	case 137: return "HA: requested reverse tunnel unavailable";
	case 138: return "HA: reverse tunnel is mandatory and T bit not set";
	case 139: return "HA: requested encapsulation unavailable";
	case 142: return "HA: requested UDP tunnel encapsulation unavailable";
	default:  return "unknown code";
	}
}

/* ---- RFC 3519 §4.9 keepalives ---- */

#define IP4_HDR        20
#define ICMP_ECHO      8
#define ICMP_ECHOREPLY 0

int xmip_mip4_keepalive_build(uint8_t *buf, size_t cap, const uint8_t hoa[4],
			      const uint8_t ha[4], uint16_t id, uint16_t seq)
{
	uint8_t *ip = buf + 4, *icmp = buf + 4 + IP4_HDR;

	if (cap < XMIP_MIP4_KEEPALIVE_LEN)
		return -1;
	memset(buf, 0, XMIP_MIP4_KEEPALIVE_LEN);
	buf[0] = XMIP_MIP4_TUNNEL_DATA;           /* §3.3 */
	buf[1] = XMIP_MIP4_PROTO_IPIP;            /* an IPv4 packet follows */
	ip[0] = 0x45;
	wr16(ip + 2, IP4_HDR + ICMP_HDR);
	wr16(ip + 4, seq);                        /* IP identification: any; the sequence */
	wr16(ip + 6, 0x4000);                     /* DF: never fragmented, 28 octets */
	ip[8] = 64;
	ip[9] = 1;                                /* ICMP */
	memcpy(ip + 12, hoa, 4);
	memcpy(ip + 16, ha, 4);
	wr16(ip + 10, xmip_mip4_csum_fold(xmip_mip4_csum_add(0, ip, IP4_HDR)));
	icmp[0] = ICMP_ECHO;
	wr16(icmp + 4, id);
	wr16(icmp + 6, seq);
	wr16(icmp + 2, xmip_mip4_csum_fold(xmip_mip4_csum_add(0, icmp, ICMP_HDR)));
	return XMIP_MIP4_KEEPALIVE_LEN;
}

bool xmip_mip4_keepalive_reply(const uint8_t *ip, size_t len, const uint8_t hoa[4],
			       const uint8_t ha[4], uint16_t id, uint16_t *seq)
{
	size_t ihl, tot;

	if (len < IP4_HDR || (ip[0] >> 4) != 4)
		return false;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = rd16(ip + 2);
	if (ihl < IP4_HDR || tot > len || tot < ihl + ICMP_HDR || ip[9] != 1 ||
	    (rd16(ip + 6) & 0x3fff) != 0 ||       /* a fragment is not ours */
	    memcmp(ip + 12, ha, 4) || memcmp(ip + 16, hoa, 4))
		return false;
	ip += ihl;
	tot -= ihl;
	if (ip[0] != ICMP_ECHOREPLY || ip[1] != 0 || rd16(ip + 4) != id ||
	    !icmp_csum_ok(ip, tot))
		return false;
	*seq = rd16(ip + 6);
	return true;
}
