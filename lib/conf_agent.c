// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The agent's operations keys, flat or in [agent]: where it serves its
 * Prometheus metrics (docs/metrics.md). Off unless asked for.
 */
#include "conf_section.h"

#include <arpa/inet.h>
#include <string.h>

#define HA XMIP_ROLE_BIT(XMIP_ROLE_HA)
#define MN XMIP_ROLE_BIT(XMIP_ROLE_MN)
#define RS XMIP_ROLE_BIT(XMIP_ROLE_RS)   /* the relay: xmip_relay_paths and its datapath counters */
#define CN XMIP_ROLE_BIT(XMIP_ROLE_CN)

/* "127.0.0.1:9741", "[::1]:9741" or "off". */
static int set_metrics(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;
	int line = xmip_conf_cur_line(p);
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = val;
	uint32_t port;
	size_t n;

	if (strcmp(val, "off") == 0 || strcmp(val, "no") == 0) {
		c->metrics_on = false;
		return 0;
	}
	colon = strrchr(val, ':');
	if (!colon || colon == val)
		return xmip_conf_fail(p, line, "%s: '%s' is not ADDRESS:PORT (127.0.0.1:9741, "
				      "[::1]:9741) or off", key, val);
	n = (size_t)(colon - val);
	if (val[0] == '[') {
		if (n < 2 || val[n - 1] != ']')
			return xmip_conf_fail(p, line, "%s: '%s': an IPv6 address goes in brackets, "
					      "[::1]:9741", key, val);
		h = val + 1;
		n -= 2;
	}
	if (n >= sizeof(host))
		return xmip_conf_fail(p, line, "%s: '%s' is not ADDRESS:PORT", key, val);
	memcpy(host, h, n);
	host[n] = '\0';
	if (xmip_conf_u32(p, key, colon + 1, 1, 65535, &port))
		return -1;
	memset(&c->metrics_addr, 0, sizeof(c->metrics_addr));
	if (val[0] == '[' && inet_pton(AF_INET6, host, &c->metrics_addr.in6.sin6_addr) == 1) {
		c->metrics_addr.in6.sin6_family = AF_INET6;
		c->metrics_addr.in6.sin6_port = htons((uint16_t)port);
	} else if (val[0] != '[' && inet_pton(AF_INET, host, &c->metrics_addr.in.sin_addr) == 1) {
		c->metrics_addr.in.sin_family = AF_INET;
		c->metrics_addr.in.sin_port = htons((uint16_t)port);
	} else {
		return xmip_conf_fail(p, line, "%s: '%s' is not an IPv4 address or a bracketed IPv6 "
				      "address", key, host);
	}
	c->metrics_on = true;
	return 0;
}

static const struct xmip_conf_key keys[] = {
	{ "metrics", HA | MN | RS | CN, 0, false, set_metrics },
};

const struct xmip_conf_section xmip_conf_agent = {
	.name   = "agent",
	.flat   = true,
	.roles  = HA | MN | RS | CN,
	.keys   = keys,
	.n_keys = sizeof(keys) / sizeof(keys[0]),
};
