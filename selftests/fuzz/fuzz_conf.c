// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The configuration file reader (lib/config.c and the sections' keys,
 * lib/conf_*.c) on arbitrary text. Properties:
 *  - a rejected file has a message "fuzz.conf:LINE: ..." whose line is
 *    within the file;
 *  - an accepted configuration holds only values its keys allow (role,
 *    instance name, interface names and count, prefix length and no bits
 *    past it, tunnel MTU, SPIs >= 256, key lengths, home addresses inside
 *    the home prefix, unique NAIs and home addresses);
 *  - written out again as text (flat keys and [mn NAI] sections, by the
 *    printer below) it parses to the same configuration: nothing the
 *    reader accepted is lost or changed in between.
 */
#include "fuzz_common.h"

#include <arpa/inet.h>
#include <ctype.h>

#include "addr.h"
#include "config.h"

static size_t put(char *b, size_t at, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#include <stdarg.h>

static size_t put(char *b, size_t at, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b + at, at < cap ? cap - at : 0, fmt, ap);
	va_end(ap);
	return at + (size_t)n;
}

static size_t put_hex(char *b, size_t at, size_t cap, const char *key, const uint8_t *v, size_t n)
{
	at = put(b, at, cap, "%s = ", key);
	for (size_t i = 0; i < n; i++)
		at = put(b, at, cap, "%02x", v[i]);
	return put(b, at, cap, "\n");
}

static size_t print_conf(const struct xmip_conf *c, char *b, size_t cap)
{
	static const char *const modes[] = { "auto", "native", "generic" };
	char a[INET6_ADDRSTRLEN];
	size_t at = 0;

	at = put(b, at, cap, "role = %s\ninstance = %s\n", c->role == XMIP_ROLE_HA ? "ha" : "mn",
		 c->instance);
	for (int i = 0; i < c->n_ifs; i++)
		at = put(b, at, cap, "interface = %s\n", c->ifnames[i]);
	at = put(b, at, cap, "xdp-mode = %s\n", modes[c->xdp_mode]);
	at = put(b, at, cap, "home-prefix = %s/%u\n",
		 inet_ntop(AF_INET6, &c->home_prefix, a, sizeof(a)), c->home_plen);
	if (c->tunnel_mtu)
		at = put(b, at, cap, "tunnel-mtu = %u\n", c->tunnel_mtu);
	if (c->role == XMIP_ROLE_HA) {
		at = put(b, at, cap, "address = %s\nmax-bindings = %u\n",
			 inet_ntop(AF_INET6, &c->address, a, sizeof(a)), c->max_bindings);
		at = put(b, at, cap, "[mip6]\nmax-lifetime = %u\nmesg-id-window = %u\n",
			 c->max_lifetime_s, c->mesg_id_window_s);
		for (size_t i = 0; i < c->n_mns; i++) {
			const struct xmip_mn_entry *e = &c->mns[i];

			at = put(b, at, cap, "[mn %s]\nhome-address = %s\nspi = %u\n", e->nai,
				 inet_ntop(AF_INET6, &e->hoa, a, sizeof(a)), e->spi);
			at = put_hex(b, at, cap, "key", e->key, e->key_len);
		}
	} else {
		at = put(b, at, cap, "home-address = %s\n",
			 inet_ntop(AF_INET6, &c->self.hoa, a, sizeof(a)));
		at = put(b, at, cap, "home-agent = %s\nlifetime = %u\nnai = %s\nspi = %u\n",
			 inet_ntop(AF_INET6, &c->home_agent, a, sizeof(a)), c->lifetime_s,
			 c->self.nai, c->self.spi);
		at = put_hex(b, at, cap, "key", c->self.key, c->self.key_len);
	}
	return at;
}

static void check_entry(const struct xmip_conf *c, const struct xmip_mn_entry *e, bool ha)
{
	size_t n = strnlen(e->nai, sizeof(e->nai));

	FUZZ_CHECK(n < sizeof(e->nai) && e->spi >= 256 && e->key_len >= 1 &&
		   e->key_len <= XMIP_CONF_MAX_KEY, "entry nai %zu spi %u key %zu", n, e->spi,
		   e->key_len);
	FUZZ_CHECK(xmip_in_prefix(&e->hoa, &c->home_prefix, c->home_plen),
		   "home address outside the home prefix");
	if (ha)
		FUZZ_CHECK(n >= 1 && !strpbrk(e->nai, " \t"));
}

static void check_valid(const struct xmip_conf *c)
{
	size_t n = strnlen(c->instance, sizeof(c->instance));

	FUZZ_CHECK(c->role == XMIP_ROLE_HA || c->role == XMIP_ROLE_MN);
	FUZZ_CHECK(n >= 1 && n < sizeof(c->instance));
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(isalnum((unsigned char)c->instance[i]) || c->instance[i] == '-' ||
			   c->instance[i] == '_', "instance name '%s'", c->instance);
	FUZZ_CHECK(c->n_ifs >= 1 && c->n_ifs <= XMIP_CONF_MAX_IFS);
	for (int i = 0; i < c->n_ifs; i++) {
		FUZZ_CHECK(strnlen(c->ifnames[i], IF_NAMESIZE) < IF_NAMESIZE && c->ifnames[i][0] &&
			   !strchr(c->ifnames[i], '/'));
		for (int j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c->ifnames[i], c->ifnames[j]), "interface listed twice");
	}
	FUZZ_CHECK(c->home_plen >= 1 && c->home_plen <= 128);
	for (unsigned bit = c->home_plen; bit < 128; bit++)
		FUZZ_CHECK(!(c->home_prefix.s6_addr[bit / 8] & (0x80 >> (bit % 8))));
	FUZZ_CHECK(c->tunnel_mtu == 0 || c->tunnel_mtu >= 1280);
	FUZZ_CHECK(c->xdp_mode <= XMIP_XDP_GENERIC);
	if (c->role == XMIP_ROLE_HA) {
		FUZZ_CHECK(c->max_bindings >= 1 && c->max_lifetime_s >= 4 &&
			   c->max_lifetime_s <= 65535u * 4 && c->mesg_id_window_s <= 3600);
		for (size_t i = 0; i < c->n_mns; i++) {
			check_entry(c, &c->mns[i], true);
			for (size_t j = 0; j < i; j++)
				FUZZ_CHECK(strcmp(c->mns[i].nai, c->mns[j].nai) &&
					   memcmp(&c->mns[i].hoa, &c->mns[j].hoa, 16),
					   "two [mn] with one NAI or home address");
		}
	} else {
		FUZZ_CHECK(c->n_mns == 0 && c->lifetime_s >= 4 && c->lifetime_s <= 65535u * 4);
		check_entry(c, &c->self, false);
	}
}

/* Everything but which sections the text used (flat keys or [mip6]). */
static bool same_conf(const struct xmip_conf *a, const struct xmip_conf *b)
{
	struct xmip_conf x = *a, y = *b;

	if (a->n_mns != b->n_mns ||
	    (a->n_mns && memcmp(a->mns, b->mns, a->n_mns * sizeof(*a->mns))))
		return false;
	x.mns = y.mns = NULL;
	x.sections = y.sections = 0;
	return !memcmp(&x, &y, sizeof(x));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[1 << 20];
	struct xmip_conf c, back;
	char err[512], err2[512];
	size_t lines = 1, n;
	int rc;

	rc = xmip_conf_parse("fuzz.conf", (const char *)data, size, &c, err, sizeof(err));
	if (rc) {
		long line;

		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		FUZZ_CHECK(!strncmp(err, "fuzz.conf:", 10), "error message '%s'", err);
		line = strtol(err + 10, NULL, 10);
		FUZZ_CHECK(line >= 0 && (size_t)line <= lines, "line %ld of %zu: %s", line, lines, err);
		return 0;
	}
	check_valid(&c);
	n = print_conf(&c, text, sizeof(text));
	FUZZ_CHECK(n < sizeof(text));
	rc = xmip_conf_parse("fuzz.conf", text, n, &back, err2, sizeof(err2));
	FUZZ_CHECK(rc == 0, "the configuration written back is refused: %s\n%s", err2, text);
	FUZZ_CHECK(same_conf(&c, &back), "the configuration written back differs:\n%s", text);
	xmip_conf_free(&back);
	xmip_conf_free(&c);
	return 0;
}
