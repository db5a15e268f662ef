// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mobile IPv4's sections (docs/mip4.md, "Configuration"): [mip4] for roles
 * ha (optional: its presence turns the family on beside Mobile IPv6), fa
 * and mn4; [mip4-mn ID] (ha: a mobile node it serves; fa: an MN-FA
 * association) and [mip4-peer ADDRESS] (an FA-HA or MN-FA association).
 * Values only: agentd/mip4/ does the protocol.
 */
#include "conf_section.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmip_wire_mip4.h"

#define HA  XMIP_ROLE_BIT(XMIP_ROLE_HA)
#define FA  XMIP_ROLE_BIT(XMIP_ROLE_FA)
#define MN4 XMIP_ROLE_BIT(XMIP_ROLE_MN4)

#define KEY_MIN        16        /* RFC 5944 §5.1: keys of 128 bits or more */
#define LIFETIME_MAX   65534     /* 16-bit field; 65535 would mean "infinite" (§3.3) */

static struct xmip_mip4_conf *M(void *t)
{
	return &((struct xmip_conf *)t)->mip4;
}

static int addr4(struct xmip_conf_parser *p, const char *key, const char *val, uint8_t out[4])
{
	if (inet_pton(AF_INET, val, out) != 1)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not an IPv4 address",
				      key, val);
	return 0;
}

/* A unicast address a node can have: not 0.0.0.0, multicast, broadcast or loopback. */
static int unicast4(struct xmip_conf_parser *p, const char *key, const char *val, uint8_t out[4])
{
	if (addr4(p, key, val, out))
		return -1;
	if (out[0] == 0 || out[0] == 127 || out[0] >= 224)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %s is not a unicast address",
				      key, val);
	return 0;
}

static int prefix4(struct xmip_conf_parser *p, const char *key, const char *val, uint8_t out[4],
		   uint8_t *plen)
{
	char a[INET_ADDRSTRLEN + 1];
	const char *slash = strchr(val, '/');
	uint32_t len;

	if (!slash || slash == val || (size_t)(slash - val) >= sizeof(a))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not a prefix (expected "
				      "ADDRESS/LENGTH such as 10.1.0.0/24)", key, val);
	memcpy(a, val, (size_t)(slash - val));
	a[slash - val] = '\0';
	if (addr4(p, key, a, out) || xmip_conf_u32(p, key, slash + 1, 1, 30, &len))
		return -1;
	for (unsigned b = len; b < 32; b++)
		if (out[b / 8] & (0x80 >> (b % 8)))
			return xmip_conf_fail(p, xmip_conf_cur_line(p),
					      "%s: '%s' has bits set after the prefix length", key, val);
	*plen = (uint8_t)len;
	return 0;
}

static int spi(struct xmip_conf_parser *p, const char *key, const char *val, uint32_t *out)
{
	if (xmip_conf_u32(p, key, val, 0, UINT32_MAX, out))
		return -1;
	if (*out < 256)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %u is reserved (RFC 5944 §1.6: "
				      "use 256 or above)", key, *out);
	return 0;
}

static int key_hex(struct xmip_conf_parser *p, const char *key, const char *val,
		   struct xmip_mip4_sa *sa)
{
	if (xmip_conf_hex(p, key, val, sa->key, sizeof(sa->key), &sa->key_len))
		return -1;
	if (sa->key_len < KEY_MIN)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %zu octets is too short (at "
				      "least %d: RFC 5944 §5.1 asks for 128 bits)", key, sa->key_len,
				      KEY_MIN);
	return 0;
}

static int path(struct xmip_conf_parser *p, const char *key, const char *val, char *out)
{
	if (val[0] != '/' || strlen(val) >= XMIP_MIP4_CONF_PATH)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: expected an absolute path "
				      "shorter than %d characters", key, XMIP_MIP4_CONF_PATH);
	strcpy(out, val);
	return 0;
}

/* "ipip minimal gre" (any order, at least one) into a mask. */
static int encaps(struct xmip_conf_parser *p, const char *key, const char *val, uint32_t *out,
		  bool one)
{
	char buf[128], *save = NULL, *w;
	int n = 0;

	if (strlen(val) >= sizeof(buf))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: too long", key);
	strcpy(buf, val);
	*out = 0;
	for (w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save), n++) {
		if (strcmp(w, "ipip") == 0)
			*out |= XMIP_MIP4_ENC_IPIP;
		else if (strcmp(w, "minimal") == 0)
			*out |= XMIP_MIP4_ENC_MINENC;
		else if (strcmp(w, "gre") == 0)
			*out |= XMIP_MIP4_ENC_GRE;
		else
			return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not ipip, "
					      "minimal or gre", key, w);
	}
	if (one && n != 1)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: name one of ipip, minimal, gre",
				      key);
	return 0;
}

static int choice(struct xmip_conf_parser *p, const char *key, const char *val,
		  const char *const *names, int n, int *out)
{
	for (int i = 0; i < n; i++)
		if (names[i] && strcmp(val, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not one of %s%s%s%s%s", key,
			      val, names[0] ? names[0] : "", n > 1 && names[1] ? ", " : "",
			      n > 1 && names[1] ? names[1] : "", n > 2 && names[2] ? ", " : "",
			      n > 2 && names[2] ? names[2] : "");
}

/* ---- [mip4] ---- */

static int set_address(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return unicast4(p, k, v, M(t)->address);
}

static int set_home_prefix(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return prefix4(p, k, v, M(t)->home_prefix, &M(t)->home_plen);
}

static int set_max_lifetime(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, LIFETIME_MAX, &M(t)->max_lifetime_s);
}

static int set_replay_window(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, 3600, &M(t)->replay_window_s);
}

static int set_max_bindings(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, 16, &M(t)->max_bindings);
}

static int set_keepalive(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, XMIP_MIP4_KEEPALIVE_MIN, 65535, &M(t)->keepalive_s);
}

/* Which values a role may use is checked in mip4_finish (the role may come later). */
static int set_reverse(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	static const char *const names[] = { "no", "yes", "required" };
	int i = 0;

	if (choice(p, k, v, names, 3, &i))
		return -1;
	M(t)->reverse_tunnel = (enum xmip_mip4_rt)i;
	return 0;
}

static int set_udp(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	static const char *const names[] = { "no", "yes", "force" };
	int i = 0;

	if (choice(p, k, v, names, 3, &i))
		return -1;
	M(t)->udp_tunnel = (enum xmip_mip4_udp)i;
	return 0;
}

static int set_encaps(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return encaps(p, k, v, &M(t)->encaps, false);
}

static int set_adv_interval(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 0, 600, &M(t)->advertise_interval_s);
}

static int set_adv_lifetime(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, 9000, &M(t)->advertise_lifetime_s);
}

static int set_state_file(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return path(p, k, v, M(t)->state_file);
}

static int set_dump_file(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return path(p, k, v, M(t)->dump_file);
}

static int set_coa(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	struct xmip_mip4_conf *m = M(t);
	uint8_t a[4];

	if (unicast4(p, k, v, a))
		return -1;
	if (m->n_coas == XMIP_MIP4_CONF_COAS)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: more than %d", k,
				      XMIP_MIP4_CONF_COAS);
	for (size_t i = 0; i < m->n_coas; i++)
		if (memcmp(m->coas[i], a, 4) == 0)
			return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %s is listed twice", k, v);
	memcpy(m->coas[m->n_coas++], a, 4);
	return 0;
}

static int set_max_pending(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, 65536, &M(t)->max_pending);
}

static int set_max_visitors(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, 1u << 20, &M(t)->max_visitors);
}

static int set_reg_required(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	static const char *const yn[] = { "no", "yes" };
	int i = 0;

	if (choice(p, k, v, yn, 2, &i))
		return -1;
	M(t)->registration_required = i;
	return 0;
}

static int set_hoa(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return unicast4(p, k, v, M(t)->hoa);
}

static int set_home_agent(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return unicast4(p, k, v, M(t)->home_agent);
}

static int set_nai(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	if (strlen(v) >= XMIP_MIP4_CONF_ID || strpbrk(v, " \t"))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: expected one NAI (RFC 2794) "
				      "of at most %d octets", k, XMIP_MIP4_CONF_ID - 1);
	strcpy(M(t)->nai, v);
	return 0;
}

static int set_spi(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return spi(p, k, v, &M(t)->sa.spi);
}

static int set_key(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return key_hex(p, k, v, &M(t)->sa);
}

static int set_lifetime(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, LIFETIME_MAX, &M(t)->lifetime_s);
}

static int set_encap(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return encaps(p, k, v, &M(t)->encap, true);
}

static const struct xmip_conf_key mip4_keys[] = {
	{ "address",              HA,            0,   false, set_address },
	{ "home-prefix",          HA | MN4,      MN4, false, set_home_prefix },
	{ "max-lifetime",         HA | FA,       0,   false, set_max_lifetime },
	{ "replay-window",        HA,            0,   false, set_replay_window },
	{ "max-bindings",         HA,            0,   false, set_max_bindings },
	{ "keepalive",            HA,            0,   false, set_keepalive },
	{ "reverse-tunnel",       HA | FA | MN4, 0,   false, set_reverse },
	{ "udp-tunnel",           HA | MN4,      0,   false, set_udp },
	{ "encapsulations",       FA,            0,   false, set_encaps },
	{ "advertise-interval",   HA | FA,       0,   false, set_adv_interval },
	{ "advertise-lifetime",   HA | FA,       0,   false, set_adv_lifetime },
	{ "state-file",           HA,            0,   false, set_state_file },
	{ "dump-file",            HA | FA | MN4, 0,   false, set_dump_file },
	{ "care-of-address",      FA,            FA,  true,  set_coa },
	{ "max-pending",          FA,            0,   false, set_max_pending },
	{ "max-visitors",         FA,            0,   false, set_max_visitors },
	{ "registration-required", FA,           0,   false, set_reg_required },
	{ "home-address",         MN4,           MN4, false, set_hoa },
	{ "home-agent",           MN4,           MN4, false, set_home_agent },
	{ "nai",                  MN4,           0,   false, set_nai },
	{ "spi",                  MN4,           MN4, false, set_spi },
	{ "key",                  MN4,           MN4, false, set_key },
	{ "lifetime",             MN4,           0,   false, set_lifetime },
	{ "encapsulation",        MN4,           0,   false, set_encap },
};

static void mip4_defaults(struct xmip_conf *c)
{
	struct xmip_mip4_conf *m = &c->mip4;

	m->max_lifetime_s = 0;              /* per role in finish: ha 600, fa 1800 */
	m->replay_window_s = 7;             /* §5.7.1 */
	m->max_bindings = 4;
	m->keepalive_s = XMIP_MIP4_KEEPALIVE_DEFAULT;
	m->reverse_tunnel = XMIP_MIP4_RT_YES;
	m->udp_tunnel = XMIP_MIP4_UDP_YES;
	m->encaps = XMIP_MIP4_ENC_ALL;
	m->advertise_interval_s = 3;
	m->max_pending = 16;
	m->max_visitors = 1024;
	m->lifetime_s = 300;
	m->encap = XMIP_MIP4_ENC_IPIP;
}

static bool in_prefix4(const uint8_t a[4], const uint8_t pfx[4], unsigned plen)
{
	for (unsigned b = 0; b < plen; b++)
		if ((a[b / 8] ^ pfx[b / 8]) & (0x80 >> (b % 8)))
			return false;
	return true;
}

static int key_line(struct xmip_conf_parser *p, const char *key)
{
	int l = xmip_conf_key_line(p, &xmip_conf_mip4, 0, key);

	return l ? l : xmip_conf_section_line(p, &xmip_conf_mip4, 0);
}

static int mip4_finish(struct xmip_conf_parser *p, struct xmip_conf *c)
{
	struct xmip_mip4_conf *m = &c->mip4;
	bool used = xmip_conf_has_section(c, "mip4");
	int line = xmip_conf_section_line(p, &xmip_conf_mip4, 0);

	if (c->role == XMIP_ROLE_HA && used) {
		if (!xmip_conf_key_line(p, &xmip_conf_mip4, 0, "address"))
			return xmip_conf_fail(p, line, "[mip4]: missing required key 'address' (the "
					      "home agent's IPv4 address on the home link)");
		if (!xmip_conf_key_line(p, &xmip_conf_mip4, 0, "home-prefix"))
			return xmip_conf_fail(p, line, "[mip4]: missing required key 'home-prefix'");
		if (!in_prefix4(m->address, m->home_prefix, m->home_plen))
			return xmip_conf_fail(p, key_line(p, "address"),
					      "[mip4]: address is not inside home-prefix");
		for (size_t i = 0; i < m->n_mns; i++) {
			if (!m->mns[i].has_hoa)
				return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_mip4_mn, i),
						      "[mip4-mn %s]: missing required key "
						      "'home-address'", m->mns[i].id);
			if (!in_prefix4(m->mns[i].hoa, m->home_prefix, m->home_plen))
				return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_mip4_mn, i),
						      "[mip4-mn %s]: home address is not inside "
						      "home-prefix", m->mns[i].id);
		}
		if (!m->state_file[0])
			snprintf(m->state_file, sizeof(m->state_file), "/var/lib/xmip/%s.mip4",
				 c->instance);
	}
	if (c->role == XMIP_ROLE_HA && !used && (m->n_mns || m->n_peers))
		return xmip_conf_fail(p, xmip_conf_section_line(p, m->n_mns ? &xmip_conf_mip4_mn :
								&xmip_conf_mip4_peer, 0),
				      "[mip4-mn] and [mip4-peer] need a [mip4] section (which turns "
				      "Mobile IPv4 on)");
	if (c->role == XMIP_ROLE_MN4) {
		if (!in_prefix4(m->hoa, m->home_prefix, m->home_plen))
			return xmip_conf_fail(p, key_line(p, "home-address"),
					      "[mip4]: home-address is not inside home-prefix");
		if (m->reverse_tunnel == XMIP_MIP4_RT_REQUIRED)
			return xmip_conf_fail(p, key_line(p, "reverse-tunnel"), "[mip4]: reverse-tunnel "
					      "of a mobile node is no or yes (required is for agents)");
	} else if (m->udp_tunnel == XMIP_MIP4_UDP_FORCE) {
		return xmip_conf_fail(p, key_line(p, "udp-tunnel"), "[mip4]: udp-tunnel = force is "
				      "for a mobile node (role mn4); an agent has no or yes");
	}
	if (!m->max_lifetime_s)
		m->max_lifetime_s = c->role == XMIP_ROLE_FA ? 1800 : 600;
	if (!xmip_conf_key_line(p, &xmip_conf_mip4, 0, "advertise-lifetime"))
		m->advertise_lifetime_s = m->advertise_interval_s ? 3 * m->advertise_interval_s + 1
								   : 1800;
	else if (m->advertise_interval_s && m->advertise_lifetime_s < m->advertise_interval_s)
		return xmip_conf_fail(p, key_line(p, "advertise-lifetime"),
				      "[mip4]: advertise-lifetime is shorter than advertise-interval "
				      "(RFC 5944 §2.1: the interval is at most a third of it)");
	return 0;
}

const struct xmip_conf_section xmip_conf_mip4 = {
	.name     = "mip4",
	.roles    = HA | FA | MN4,
	.keys     = mip4_keys,
	.n_keys   = sizeof(mip4_keys) / sizeof(mip4_keys[0]),
	.defaults = mip4_defaults,
	.finish   = mip4_finish,
};

/* ---- [mip4-mn ID] ---- */

static struct xmip_mip4_mn_conf *E(void *t)
{
	return t;
}

static int set_mn_hoa(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	struct xmip_mip4_mn_conf *e = E(t);
	uint8_t a[4];

	if (unicast4(p, k, v, a))
		return -1;
	if (e->has_hoa && memcmp(a, e->hoa, 4))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %s differs from the section's "
				      "address %s", k, v, e->id);
	memcpy(e->hoa, a, 4);
	e->has_hoa = true;
	return 0;
}

static int set_mn_spi(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return spi(p, k, v, &E(t)->sa.spi);
}

static int set_mn_key(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return key_hex(p, k, v, &E(t)->sa);
}

static int set_mn_encaps(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return encaps(p, k, v, &E(t)->encaps, false);
}

static int set_mn_max_lifetime(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return xmip_conf_u32(p, k, v, 1, LIFETIME_MAX, &E(t)->max_lifetime_s);
}

static const struct xmip_conf_key mn_keys[] = {
	{ "home-address",   HA | FA, 0,       false, set_mn_hoa },
	{ "spi",            HA | FA, HA | FA, false, set_mn_spi },
	{ "key",            HA | FA, HA | FA, false, set_mn_key },
	{ "encapsulations", HA,      0,       false, set_mn_encaps },
	{ "max-lifetime",   HA,      0,       false, set_mn_max_lifetime },
};

static int mn_open(struct xmip_conf_parser *p, struct xmip_conf *c, const char *id, size_t n)
{
	struct xmip_mip4_conf *m = &c->mip4;
	int line = xmip_conf_cur_line(p);
	struct xmip_mip4_mn_conf *mns, *e;

	if (strpbrk(id, " \t") || strlen(id) >= XMIP_MIP4_CONF_ID)
		return xmip_conf_fail(p, line, "[mip4-mn ID]: expected one NAI or home address");
	for (size_t i = 0; i < m->n_mns; i++)
		if (strcmp(m->mns[i].id, id) == 0)
			return xmip_conf_fail(p, line, "[mip4-mn %s]: section is already defined at "
					      "line %d", id,
					      xmip_conf_section_line(p, &xmip_conf_mip4_mn, i));
	mns = realloc(m->mns, (n + 1) * sizeof(*mns));
	if (!mns)
		return xmip_conf_fail(p, line, "out of memory");
	m->mns = mns;
	e = &mns[n];
	memset(e, 0, sizeof(*e));
	strcpy(e->id, id);
	e->encaps = XMIP_MIP4_ENC_ALL;
	if (inet_pton(AF_INET, id, e->hoa) == 1) {
		if (e->hoa[0] == 0 || e->hoa[0] == 127 || e->hoa[0] >= 224)
			return xmip_conf_fail(p, line, "[mip4-mn %s]: not a unicast address", id);
		e->has_hoa = true;
	} else if (!strchr(id, '@') && strchr(id, '.') && strspn(id, "0123456789.") == strlen(id)) {
		return xmip_conf_fail(p, line, "[mip4-mn %s]: not an IPv4 address", id);
	} else {
		e->id_is_nai = true;
	}
	m->n_mns = n + 1;
	return 0;
}

static void *mn_target(struct xmip_conf *c, size_t n)
{
	return &c->mip4.mns[n];
}

/* Two nodes with one home address: the HA could not tell whose request it is. */
static int mn_close(struct xmip_conf_parser *p, struct xmip_conf *c, size_t n)
{
	const struct xmip_mip4_mn_conf *e = &c->mip4.mns[n];

	if (!e->has_hoa)
		return 0;   /* the HA reports it in mip4_finish; the FA matches such a node by NAI */
	for (size_t i = 0; i < n; i++)
		if (c->mip4.mns[i].has_hoa && e->has_hoa && !memcmp(c->mip4.mns[i].hoa, e->hoa, 4))
			return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_mip4_mn, n),
					      "[mip4-mn %s]: home address already used by "
					      "[mip4-mn %s] (line %d)", e->id, c->mip4.mns[i].id,
					      xmip_conf_section_line(p, &xmip_conf_mip4_mn, i));
	return 0;
}

static void mn_free(struct xmip_conf *c)
{
	free(c->mip4.mns);
	c->mip4.mns = NULL;
	c->mip4.n_mns = 0;
}

const struct xmip_conf_section xmip_conf_mip4_mn = {
	.name     = "mip4-mn",
	.arg_name = "ID",
	.roles    = HA | FA,
	.keys     = mn_keys,
	.n_keys   = sizeof(mn_keys) / sizeof(mn_keys[0]),
	.open     = mn_open,
	.target   = mn_target,
	.close    = mn_close,
	.free     = mn_free,
};

/* ---- [mip4-peer ADDRESS] ---- */

static int set_peer_spi(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return spi(p, k, v, &((struct xmip_mip4_peer_conf *)t)->sa.spi);
}

static int set_peer_key(struct xmip_conf_parser *p, void *t, const char *k, const char *v)
{
	return key_hex(p, k, v, &((struct xmip_mip4_peer_conf *)t)->sa);
}

static const struct xmip_conf_key peer_keys[] = {
	{ "spi", HA | FA | MN4, HA | FA | MN4, false, set_peer_spi },
	{ "key", HA | FA | MN4, HA | FA | MN4, false, set_peer_key },
};

static int peer_open(struct xmip_conf_parser *p, struct xmip_conf *c, const char *arg, size_t n)
{
	struct xmip_mip4_conf *m = &c->mip4;
	int line = xmip_conf_cur_line(p);
	struct xmip_mip4_peer_conf *ps;
	uint8_t a[4];

	if (inet_pton(AF_INET, arg, a) != 1 || a[0] == 0 || a[0] == 127 || a[0] >= 224)
		return xmip_conf_fail(p, line, "[mip4-peer %s]: expected the agent's unicast IPv4 "
				      "address", arg);
	for (size_t i = 0; i < m->n_peers; i++)
		if (!memcmp(m->peers[i].addr, a, 4))
			return xmip_conf_fail(p, line, "[mip4-peer %s]: section is already defined at "
					      "line %d", arg,
					      xmip_conf_section_line(p, &xmip_conf_mip4_peer, i));
	ps = realloc(m->peers, (n + 1) * sizeof(*ps));
	if (!ps)
		return xmip_conf_fail(p, line, "out of memory");
	m->peers = ps;
	memset(&ps[n], 0, sizeof(ps[n]));
	memcpy(ps[n].addr, a, 4);
	m->n_peers = n + 1;
	return 0;
}

static void *peer_target(struct xmip_conf *c, size_t n)
{
	return &c->mip4.peers[n];
}

static void peer_free(struct xmip_conf *c)
{
	free(c->mip4.peers);
	c->mip4.peers = NULL;
	c->mip4.n_peers = 0;
}

const struct xmip_conf_section xmip_conf_mip4_peer = {
	.name     = "mip4-peer",
	.arg_name = "ADDRESS",
	.roles    = HA | FA | MN4,
	.keys     = peer_keys,
	.n_keys   = sizeof(peer_keys) / sizeof(peer_keys[0]),
	.open     = peer_open,
	.target   = peer_target,
	.free     = peer_free,
};
