// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The relay's state file and its adoption at start (ntm_rs_int.h), so that
 * an RS agent killed with SIGKILL and restarted loses no path: the XDP
 * relay forwards from the pinned table meanwhile, and the new agent takes
 * the paths back with what the table cannot hold (the keys that check the
 * nodes' Keep Alives and Tunnel Requests, the virtual addresses, the
 * sequence windows). Rewritten whole (temporary file, fsync, rename, mode
 * 0600: it holds path keys). One record per line:
 *
 *   xmip-ntm-rs 1
 *   dc SENDER_HEX FLOOR_US
 *   path ID_HEX MODE KEYS_HEX A_HEX B_HEX GN_HEX EXPIRES_MS
 *   leg ID_HEX SIDE ADDR_HEX PORT SENDER_HEX WIN_TOP WIN_BITS_HEX TX_SEQ
 *
 * (EXPIRES_MS on CLOCK_BOOTTIME: the pinned maps do not outlive a reboot
 * either.)
 */
#include "ntm_rs_int.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* Our sequence numbers jump this far after a restart: a response sent after the last save is never repeated. */
#define TX_SEQ_MARGIN 256

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void hex(FILE *f, const void *v, size_t n)
{
	const uint8_t *p = v;

	fputc(' ', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static int unhex(const char *s, void *v, size_t n)
{
	uint8_t *out = v;

	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (sscanf(s + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	return 0;
}

static void write_state(FILE *f, void *arg)
{
	struct ntm_rs *r = arg;

	fprintf(f, "xmip-ntm-rs 1\n");
	for (size_t i = 0; i < r->n_dcs; i++)
		fprintf(f, "dc %016" PRIx64 " %" PRIu64 "\n", r->dcs[i].id, r->dcs[i].floor.last_us);
	for (size_t i = 0; i < RS_MAX_PATHS; i++) {
		const struct path *p = &r->paths[i];

		if (!p->used)
			continue;
		fprintf(f, "path %08x %u", p->id, p->mode);
		hex(f, &p->k, sizeof(p->k));
		hex(f, &p->a, sizeof(p->a));
		hex(f, &p->b, sizeof(p->b));
		hex(f, &p->gn, sizeof(p->gn));
		fprintf(f, " %" PRIu64 "\n", p->expires_ms);
		for (int l = 0; l < 2; l++) {
			const struct leg *lg = &p->leg[l];

			if (!lg->set)
				continue;
			fprintf(f, "leg %08x %d", p->id, l);
			hex(f, lg->ep.addr, 16);
			fprintf(f, " %u %016" PRIx64 " %u %016" PRIx64 " %u\n", lg->ep.port, lg->sender,
				lg->win.top, lg->win.bits, lg->tx_seq);
		}
	}
}

int xmip_ntm_rs_save(struct ntm_rs *r)
{
	if (!r->nc->state_file[0])
		return 0;
	return xmip_ntm_write_atomic(r->nc->state_file, 0600, write_state, r);
}

static struct path *find(struct ntm_rs *r, uint32_t id)
{
	for (size_t i = 0; i < RS_MAX_PATHS; i++)
		if (r->paths[i].used && r->paths[i].id == id)
			return &r->paths[i];
	return NULL;
}

static struct path *slot(struct ntm_rs *r, uint32_t id)
{
	struct path *p = find(r, id);

	for (size_t i = 0; i < RS_MAX_PATHS && !p; i++)
		if (!r->paths[i].used) {
			p = &r->paths[i];
			memset(p, 0, sizeof(*p));
			p->used = true;
			p->id = id;
		}
	return p;
}

/* The file's records; a line that does not parse is skipped (said once). */
static int load_file(struct ntm_rs *r)
{
	FILE *f = fopen(r->nc->state_file, "r");
	char line[512], k[130], a[41], b[41], gn[41], addr[33];
	unsigned int id, mode, side, port, top, txs;
	uint64_t v1, v2;
	size_t bad = 0, n = 0;

	if (!f)
		return errno == ENOENT ? 0 : -1;
	if (!fgets(line, sizeof(line), f) || strcmp(line, "xmip-ntm-rs 1\n")) {
		log_warn("ntm rs: %s: not a relay state file of this version: ignored", r->nc->state_file);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct path *p;

		if (sscanf(line, "dc %" SCNx64 " %" SCNu64, &v1, &v2) == 2) {
			for (size_t i = 0; i < r->n_dcs; i++)
				if (r->dcs[i].id == v1)
					r->dcs[i].floor.last_us = v2;
		} else if (sscanf(line, "path %x %u %129s %40s %40s %40s %" SCNu64, &id, &mode, k, a, b,
				  gn, &v1) == 7 && (p = slot(r, id))) {
			p->mode = (uint8_t)mode;
			p->expires_ms = v1;
			p->active_ms = now_ms();
			if (unhex(k, &p->k, sizeof(p->k)) || unhex(a, &p->a, sizeof(p->a)) ||
			    unhex(b, &p->b, sizeof(p->b)) || unhex(gn, &p->gn, sizeof(p->gn))) {
				p->used = false;
				bad++;
			} else {
				n++;
			}
		} else if (sscanf(line, "leg %x %u %32s %u %" SCNx64 " %u %" SCNx64 " %u", &id, &side,
				  addr, &port, &v1, &top, &v2, &txs) == 8 && side < 2 && (p = find(r, id))) {
			struct leg *lg = &p->leg[side];

			if (unhex(addr, lg->ep.addr, 16)) {
				bad++;
				continue;
			}
			lg->set = true;
			lg->ep.port = (uint16_t)port;
			lg->sender = v1;
			lg->win.top = top;
			lg->win.bits = v2;
			lg->tx_seq = txs + TX_SEQ_MARGIN;
		} else {
			bad++;
		}
	}
	fclose(f);
	if (bad)
		log_warn("ntm rs: %s: %zu records that do not parse, skipped", r->nc->state_file, bad);
	log_info("ntm rs: %zu paths in %s", n, r->nc->state_file);
	return 0;
}

static void tunnel_key(const struct path *p, int i, uint16_t port, struct xmip_ntm_relay_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->addr, p->leg[i].ep.addr, 16);
	k->path_id = htonl(p->id);
	k->sport = htons(p->leg[i].ep.port);
	k->dport = htons(port);
	k->proto = 17;
	k->kind = XMIP_NTM_RK_TUNNEL;
}

/* The RSN_REV entry of a forward one: found by its pool port, protocol and GN. */
static bool find_rev(struct ntm_rs *r, const struct xmip_ntm_relay_key *fk,
		     const struct xmip_ntm_relay_val *fv, struct xmip_ntm_relay_key *rk)
{
	struct xmip_ntm_relay_key cur, next;
	void *prev = NULL;

	while (bpf_map_get_next_key(r->relay_fd, prev, &next) == 0) {
		cur = next;
		prev = &cur;
		if (cur.kind == XMIP_NTM_RK_RSN_REV && cur.dport == fv->out_sport &&
		    cur.proto == fk->proto && !memcmp(cur.addr, fv->out_dst, 16)) {
			*rk = cur;
			return true;
		}
	}
	return false;
}

int xmip_ntm_rs_adopt(struct ntm_rs *r)
{
	struct xmip_ntm_relay_key k, next, rk;
	struct xmip_ntm_relay_val v;
	struct xmip_ntm_rs_path pv;
	uint32_t nid, nnext;
	void *prev = NULL;
	size_t paths = 0, keyless = 0, flows = 0, dropped = 0;
	struct xmip_ntm_relay_key tk;

	if (r->nc->state_file[0] && load_file(r))
		log_warn("ntm rs: %s: %s", r->nc->state_file, strerror(errno));
	if (r->relay_fd < 0 || r->paths_fd < 0)
		return 0;
	/* The file's paths the table no longer has (a detach, a re-attach) are gone;
	 * a leg whose entry is gone is forgotten (the node's next Tunnel Request sets it). */
	for (size_t i = 0; i < RS_MAX_PATHS; i++) {
		struct path *p = &r->paths[i];

		if (!p->used)
			continue;
		nid = htonl(p->id);
		if (bpf_map_lookup_elem(r->paths_fd, &nid, &pv)) {
			p->used = false;
			dropped++;
			continue;
		}
		for (int l = 0; l < 2; l++) {
			tunnel_key(p, l, r->nc->port, &tk);
			if (p->leg[l].set && bpf_map_lookup_elem(r->relay_fd, &tk, &v))
				p->leg[l].set = false;
		}
		paths++;
	}
	/* The table's paths the file does not know (killed before its first save):
	 * forwarded on without keys, ended by the sweep when idle or at the lifetime
	 * the DC gave (unknown here: the idle time). */
	while (bpf_map_get_next_key(r->paths_fd, prev ? &nid : NULL, &nnext) == 0) {
		struct path *p;

		nid = nnext;
		prev = &nid;
		if (find(r, ntohl(nid)) || bpf_map_lookup_elem(r->paths_fd, &nid, &pv) ||
		    !(p = slot(r, ntohl(nid))))
			continue;
		p->mode = pv.mode;
		p->active_ms = now_ms();
		p->expires_ms = p->active_ms + (uint64_t)r->nc->rs_idle_s * 1000;
		keyless++;
	}
	/* Tunnel legs of keyless paths, and RS-N flows, from the relay entries. */
	prev = NULL;
	while (bpf_map_get_next_key(r->relay_fd, prev, &next) == 0) {
		struct path *p;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(r->relay_fd, &k, &v) || !(p = find(r, ntohl(k.path_id))))
			continue;
		if (k.kind == XMIP_NTM_RK_TUNNEL) {
			int side = p->leg[0].set ? 1 : 0;
			bool known = false;

			for (int l = 0; l < 2; l++)
				known |= p->leg[l].set && !memcmp(p->leg[l].ep.addr, k.addr, 16) &&
					 p->leg[l].ep.port == ntohs(k.sport);
			if (known || p->leg[side].set)
				continue;   /* known from the file, or both sides already there */
			p->leg[side].set = true;
			memcpy(p->leg[side].ep.addr, k.addr, 16);
			p->leg[side].ep.port = ntohs(k.sport);
		} else if (k.kind == XMIP_NTM_RK_RSN_FWD && find_rev(r, &k, &v, &rk)) {
			struct flow *f = NULL;
			uint16_t pool = ntohs(v.out_sport);
			int pidx = k.proto == 6 ? 0 : k.proto == 17 ? 1 : 2;

			for (size_t i = 0; i < RS_MAX_FLOWS && !f; i++)
				if (!r->flows[i].used)
					f = &r->flows[i];
			if (!f)
				break;
			memset(f, 0, sizeof(*f));
			f->used = true;
			f->path_id = p->id;
			f->fwd = k;
			f->rev = rk;
			f->pool = pool;
			f->pidx = (uint8_t)pidx;
			f->active_ms = now_ms();
			r->pool_used[pidx][pool / 8] |= (uint8_t)(1u << (pool % 8));
			flows++;
		}
	}
	if (paths || keyless || flows || dropped)
		log_info("ntm rs: adopted %zu paths (%zu of them without keys: swept when idle), "
			 "%zu flows from the pinned table; %zu paths of the file no longer in it",
			 paths + keyless, keyless, flows, dropped);
	return 0;
}
