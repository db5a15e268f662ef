// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The DC's state file (docs/ntmobile.md section 19): address assignments
 * and registrations, so that a DC killed and restarted loses no
 * registration. Rewritten whole (temporary file, fsync, rename, mode 0600:
 * it holds session secrets). One record per line:
 *
 *   xmip-ntm-dc 1
 *   vip NAME V4 V6
 *   node FQDN REGISTERED EXPIRES_S EP_ADDR EP_PORT CLAIMED_ADDR CLAIMED_PORT FLAGS
 *        SECRET_HEX TX_RESERVED RX_TOP RX_BITS_HEX REG_FLOOR_US
 */
#include "ntm_dc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void write_state(FILE *f, void *arg)
{
	struct ntm_dc *dc = arg;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	fprintf(f, "xmip-ntm-dc 1\n");
	for (size_t i = 0; i < dc->pool.n; i++) {
		inet_ntop(AF_INET, dc->pool.e[i].v4, a, sizeof(a));
		inet_ntop(AF_INET6, dc->pool.e[i].v6, b, sizeof(b));
		fprintf(f, "vip %s %s %s\n", dc->pool.e[i].name, a, b);
	}
	for (size_t i = 0; i < dc->n_nodes; i++) {
		const struct dc_node *n = &dc->nodes[i];

		if (!n->registered && !n->reg_floor.last_us)
			continue;
		inet_ntop(AF_INET6, n->ep.addr, a, sizeof(a));
		inet_ntop(AF_INET6, n->claimed.addr, b, sizeof(b));
		fprintf(f, "node %s %d %" PRIu64 " %s %u %s %u %u ", n->fqdn, n->registered,
			n->expires_s, a, n->ep.port, b, n->claimed.port, n->flags);
		hex(f, n->secret, 32);
		fprintf(f, " %u %u %" PRIx64 " %" PRIu64 "\n", n->tx_reserved, n->rx.top, n->rx.bits,
			n->reg_floor.last_us);
	}
}

int xmip_ntm_dc_save(struct ntm_dc *dc)
{
	return xmip_ntm_write_atomic(dc->nc->state_file, 0600, write_state, dc);
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sscanf(s + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	return 0;
}

static int load_node(struct ntm_dc *dc, const char *line)
{
	char fqdn[XMIP_NTM_FQDN_MAX + 1], ep[INET6_ADDRSTRLEN + 1], cl[INET6_ADDRSTRLEN + 1], sec[65];
	unsigned reg, epp, clp, flags, txr, top;
	uint64_t exp, bits, floor;
	struct dc_node *n = NULL;

	if (sscanf(line, "node %253s %u %" SCNu64 " %46s %u %46s %u %u %64s %u %u %" SCNx64 " %" SCNu64,
		   fqdn, &reg, &exp, ep, &epp, cl, &clp, &flags, sec, &txr, &top, &bits, &floor) != 13)
		return -1;
	for (size_t i = 0; i < dc->n_nodes; i++)
		if (strcmp(dc->nodes[i].fqdn, fqdn) == 0)
			n = &dc->nodes[i];
	if (!n) {
		log_warn("ntm: state file: %s is no longer configured; dropped", fqdn);
		return 0;
	}
	if (inet_pton(AF_INET6, ep, n->ep.addr) != 1 || inet_pton(AF_INET6, cl, n->claimed.addr) != 1 ||
	    epp > 65535 || clp > 65535 || unhex(sec, n->secret, 32))
		return -1;
	n->registered = reg != 0;
	n->expires_s = exp;
	n->ep.port = (uint16_t)epp;
	n->claimed.port = (uint16_t)clp;
	n->flags = (uint16_t)flags;
	xmip_ntm_keys_derive(n->secret, &n->sk);
	/* never repeat a sequence number the previous run may have used */
	n->tx_seq = txr;
	n->tx_reserved = txr;
	n->rx.top = top;
	n->rx.bits = bits;
	n->reg_floor.last_us = floor;
	return 0;
}

int xmip_ntm_dc_load(struct ntm_dc *dc)
{
	FILE *f = fopen(dc->nc->state_file, "r");
	char line[1024];
	int ln = 0, nodes = 0;

	if (!f) {
		if (errno == ENOENT)
			return 0;    /* a first start */
		log_err("ntm: %s: %s", dc->nc->state_file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[XMIP_NTM_FQDN_MAX + 8], a4[INET_ADDRSTRLEN + 1], a6[INET6_ADDRSTRLEN + 1];
		uint8_t v4[4], v6[16];
		int bad = 0;

		ln++;
		line[strcspn(line, "\n")] = '\0';
		if (ln == 1) {
			bad = strcmp(line, "xmip-ntm-dc 1") != 0;
		} else if (strncmp(line, "vip ", 4) == 0) {
			bad = sscanf(line, "vip %256s %16s %46s", name, a4, a6) != 3 ||
			      inet_pton(AF_INET, a4, v4) != 1 || inet_pton(AF_INET6, a6, v6) != 1 ||
			      xmip_ntm_pool_restore(&dc->pool, name, v4, v6);
		} else if (strncmp(line, "node ", 5) == 0) {
			bad = load_node(dc, line);
			nodes++;
		} else {
			bad = 1;
		}
		if (bad) {
			log_err("ntm: %s:%d: not a valid state line (move the file away to start afresh)",
				dc->nc->state_file, ln);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	/* a node's addresses are its assignment (the vip lines) */
	for (size_t i = 0; i < dc->n_nodes; i++)
		if (dc->nodes[i].registered &&
		    xmip_ntm_pool_get(&dc->pool, dc->nodes[i].fqdn, dc->nodes[i].vip4,
				      dc->nodes[i].vip6) != 0) {
			log_err("ntm: %s: %s is registered but has no address assignment",
				dc->nc->state_file, dc->nodes[i].fqdn);
			return -1;
		}
	log_info("ntm: state from %s: %zu address assignments, %d registrations", dc->nc->state_file,
		 dc->pool.n, nodes);
	return 0;
}
