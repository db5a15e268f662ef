// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Values of configuration keys: numbers, IPv6 addresses and prefixes, hex strings. */
#include "conf_section.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xmip_conf_u32(struct xmip_conf_parser *p, const char *key, const char *val,
		  uint32_t min, uint32_t max, uint32_t *out)
{
	int line = xmip_conf_cur_line(p);
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)val[0]))
		return xmip_conf_fail(p, line, "%s: '%s' is not a number", key, val);
	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno || *end)
		return xmip_conf_fail(p, line, "%s: '%s' is not a number", key, val);
	if (v < min || v > max)
		return xmip_conf_fail(p, line, "%s: %llu is out of range %u..%u", key, v, min, max);
	*out = (uint32_t)v;
	return 0;
}

int xmip_conf_addr6(struct xmip_conf_parser *p, const char *key, const char *val,
		    struct in6_addr *out)
{
	if (inet_pton(AF_INET6, val, out) != 1)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not an IPv6 address",
				      key, val);
	return 0;
}

int xmip_conf_prefix6(struct xmip_conf_parser *p, const char *key, const char *val,
		      struct in6_addr *out, uint8_t *plen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(val, '/');
	int line = xmip_conf_cur_line(p);
	uint32_t len;
	size_t n;

	n = slash ? (size_t)(slash - val) : 0;
	if (n == 0 || n >= sizeof(addr))
		return xmip_conf_fail(p, line, "%s: '%s' is not a prefix (expected ADDRESS/LENGTH)",
				      key, val);
	memcpy(addr, val, n);
	addr[n] = '\0';
	if (xmip_conf_addr6(p, key, addr, out) ||
	    xmip_conf_u32(p, key, slash + 1, 1, 128, &len))
		return -1;
	for (unsigned bit = len; bit < 128; bit++)
		if (out->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return xmip_conf_fail(p, line, "%s: '%s' has bits set after the prefix length",
					      key, val);
	*plen = (uint8_t)len;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int xmip_conf_hex(struct xmip_conf_parser *p, const char *key, const char *val,
		  uint8_t *out, size_t cap, size_t *out_len)
{
	int line = xmip_conf_cur_line(p);
	size_t n = strlen(val);

	if (n == 0 || n % 2)
		return xmip_conf_fail(p, line, "%s: expected an even number of hex digits, got %zu",
				      key, n);
	if (n / 2 > cap)
		return xmip_conf_fail(p, line, "%s: %zu octets is longer than the maximum of %zu",
				      key, n / 2, cap);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(val[i]), lo = hexval(val[i + 1]);

		if (hi < 0 || lo < 0)
			return xmip_conf_fail(p, line, "%s: '%c%c' is not hex", key, val[i],
					      val[i + 1]);
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = n / 2;
	return 0;
}

int xmip_conf_bool(struct xmip_conf_parser *p, const char *key, const char *val, bool *out)
{
	if (!strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "0")) {
		*out = false;
		return 0;
	}
	return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: expected yes or no, not '%s'", key, val);
}
