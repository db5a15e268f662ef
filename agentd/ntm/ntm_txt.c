// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ntm_txt.h"

#include <arpa/inet.h>
#include <string.h>

#define TERM_MAX 300

/* A term's value "addr=..." into 16 octets. */
static int parse_addr(const char *v, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, v, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		return 0;
	}
	return inet_pton(AF_INET6, v, out) == 1 ? 0 : -1;
}

static int parse_port(const char *v, uint16_t *port)
{
	unsigned long n = 0;

	if (!*v || strlen(v) > 5)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		n = n * 10 + (unsigned long)(*v - '0');
	}
	if (n < 1 || n > 65535)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

int xmip_ntm_txt_parse(const char *buf, size_t len, struct xmip_ntm_txt *out)
{
	size_t at = 0;
	bool first = true;

	memset(out, 0, sizeof(*out));
	out->port = XMIP_NTM_PORT_DC;
	while (at < len) {
		char term[TERM_MAX + 1];
		size_t n = 0;
		const char *eq;

		while (at < len && buf[at] != ' ') {
			if (n == TERM_MAX || buf[at] == '\0')
				return first ? 1 : -1;
			term[n++] = buf[at++];
		}
		term[n] = '\0';
		if (at < len)
			at++;                      /* the single space */
		if (first) {
			if (strcmp(term, "v=ntm1") != 0)
				return 1;
			first = false;
			continue;
		}
		eq = strchr(term, '=');
		if (!n || !eq)
			return -1;                 /* an empty term (two spaces) or no '=' */
		if (strncmp(term, "dc=", 3) == 0) {
			if (out->dc[0] || !xmip_ntm_fqdn_valid(eq + 1, strlen(eq + 1)))
				return -1;
			strcpy(out->dc, eq + 1);
		} else if (strncmp(term, "addr=", 5) == 0) {
			if (out->n_addr == 2 || parse_addr(eq + 1, out->addr[out->n_addr]))
				return -1;
			out->n_addr++;
		} else if (strncmp(term, "port=", 5) == 0) {
			if (parse_port(eq + 1, &out->port))
				return -1;
		}                                  /* other terms: a later version's, ignored */
	}
	if (first)
		return 1;
	return out->dc[0] && out->n_addr ? 0 : -1;
}
