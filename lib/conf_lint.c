// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Warnings about values that are valid but risky, for `xmip check` (the
 * reader calls this once the whole file is valid). One row per rule;
 * a family adds its rules here.
 */
#include "conf_section.h"

#include <netinet/in.h>

#define KEY_MIN_OCTETS     16   /* below: guessable; RFC 4285 HMAC-SHA1 keys are 20 octets */
#define MESG_ID_WINDOW_MAX 60   /* s: beyond, a captured BU replays for that long (RFC 4285 §6.1) */
#define MIP4_REPLAY_MAX    60   /* s: beyond, a captured request replays that long (RFC 5944 §5.7.1) */

static void short_key(struct xmip_conf_parser *p, const struct xmip_conf_section *s, size_t n,
		      const struct xmip_mn_entry *e, const char *who)
{
	if (e->key_len && e->key_len < KEY_MIN_OCTETS)
		xmip_conf_warn(p, xmip_conf_key_line(p, s, n, "key"), "key",
			       "%zu octets%s%s%s is short: use at least %d (20 for HMAC-SHA1, RFC 4285)",
			       e->key_len, who ? " in [mn " : "", who ? who : "", who ? "]" : "",
			       KEY_MIN_OCTETS);
}

/* Lifetimes travel in units of 4 s (RFC 6275 §6.1.7): anything else is rounded down. */
static void lifetime_units(struct xmip_conf_parser *p, const char *key, uint32_t v)
{
	if (v % 4)
		xmip_conf_warn(p, xmip_conf_key_line(p, &xmip_conf_mip6, 0, key), key,
			       "%u s is not a multiple of 4: the Mobility Header carries lifetimes in "
			       "units of 4 s (RFC 6275 §6.1.7), so %u s is what is sent", v, v / 4 * 4);
}

static bool loopback(const union xmip_sockaddr *a)
{
	if (a->sa.sa_family == AF_INET)
		return (ntohl(a->in.sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&a->in6.sin6_addr);
}

/* [ro] learn-max, -idle, -hold-down say how to learn correspondents: nothing while it is off. */
static void learn_unused(struct xmip_conf_parser *p, const struct xmip_conf *c)
{
	static const char *const keys[] = { "learn-max", "learn-idle", "learn-hold-down" };

	if (c->ro.learn)
		return;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int line = xmip_conf_key_line(p, &xmip_conf_ro, 0, keys[i]);

		if (line)
			xmip_conf_warn(p, line, keys[i], "has no effect: learn-correspondents is no "
				       "(only the configured correspondents are route-optimised)");
	}
}

void xmip_conf_lint(struct xmip_conf_parser *p, const struct xmip_conf *c)
{
	if (c->role == XMIP_ROLE_MN) {
		short_key(p, &xmip_conf_mip6, 0, &c->self, NULL);
		lifetime_units(p, "lifetime", c->lifetime_s);
		learn_unused(p, c);
	}
	if (c->role == XMIP_ROLE_HA) {
		for (size_t i = 0; i < c->n_mns; i++)
			short_key(p, &xmip_conf_mn, i, &c->mns[i], c->mns[i].nai);
		lifetime_units(p, "max-lifetime", c->max_lifetime_s);
		if (c->mesg_id_window_s > MESG_ID_WINDOW_MAX)
			xmip_conf_warn(p, xmip_conf_key_line(p, &xmip_conf_mip6, 0, "mesg-id-window"),
				       "mesg-id-window", "%u s: a captured Binding Update stays "
				       "replayable for that long (RFC 4285 §6.1); keep clocks in step "
				       "and this under %d s", c->mesg_id_window_s, MESG_ID_WINDOW_MAX);
		if (!c->n_mns)
			xmip_conf_warn(p, 0, NULL, "no [mn NAI] section: every Binding Update will be "
				       "refused (status 133, not home agent for this mobile node)");
	}
	/* Mobile IPv4 ([mip4]: on role ha only when the section is there). */
	if (xmip_conf_has_section(c, "mip4")) {
		const struct xmip_mip4_conf *m = &c->mip4;

		if (c->role == XMIP_ROLE_HA && m->replay_window_s > MIP4_REPLAY_MAX)
			xmip_conf_warn(p, xmip_conf_key_line(p, &xmip_conf_mip4, 0, "replay-window"),
				       "replay-window", "%u s: a captured Registration Request stays "
				       "replayable for that long when its node has no newer one "
				       "(timestamps, RFC 5944 §5.7.1); keep clocks in step and this "
				       "under %d s", m->replay_window_s, MIP4_REPLAY_MAX);
		if (c->role == XMIP_ROLE_HA && !m->n_mns)
			xmip_conf_warn(p, xmip_conf_section_line(p, &xmip_conf_mip4, 0), NULL,
				       "no [mip4-mn ID] section: every Mobile IPv4 Registration Request "
				       "is silently discarded (no security association, RFC 5944 "
				       "§3.8.2.1)");
	}
	if (c->metrics_on && !loopback(&c->metrics_addr))
		xmip_conf_warn(p, xmip_conf_key_line(p, &xmip_conf_agent, 0, "metrics"), "metrics",
			       "not a loopback address: the metrics (home addresses counted, "
			       "refusals) are served without authentication to whoever reaches it");
}
