// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip_bench_bu: the agent's side of `make bench`.
 *
 *   xmip_bench_bu rate --mns K --bus N
 *     Authenticated Binding Updates per second on one core, through the
 *     agent's own code path for a BU that came off the ring buffer
 *     (agentd/mip6/ha.c on_signal): xmip_pkt_parse, binding and replay lookups in
 *     real BPF hash maps, xmip_ha_decide (MN-ID, RFC 4285 authenticator,
 *     Mesg-ID, sequence window), binding + replay writes, building the
 *     authenticated BA. Left out: the ring-buffer read, the raw send of the
 *     BA, proxy ND and the expiry timer of a new binding, logging.
 *     N BUs for K mobile nodes are built beforehand (rounds of increasing
 *     sequence numbers and Mesg-IDs); every one must be accepted.
 *
 *   xmip_bench_bu rate4 --mns K --regs N
 *     Mobile IPv4 registrations per second on one core, through the HA
 *     agent's own code (agentd/mip4/ha.c on_request): xmip_mip4_reg_parse,
 *     the node's lookup, xmip_mip4_ha_decide (MN-HA HMAC-MD5, the §5.7.1
 *     Identification check), the datapath record (agentd/mip4/dp.c's
 *     encoding) written to a real BPF hash map and its fast-path slot,
 *     building the authenticated reply. Left out: the socket read and send,
 *     proxy ARP, the state file, logging. N co-located requests for K nodes,
 *     built beforehand with increasing Identifications; every one must be
 *     accepted (code 0 or 1).
 *
 *   xmip_bench_bu send --netns NS --dev DEV --ha A --coa A --hoa A
 *                      --nai NAI --spi N --key HEX --seq N
 *     Builds one authenticated BU (the MN's builder) and sends it through a
 *     raw socket; prints the CLOCK_MONOTONIC time just before the send.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "config.h"
#include "fwtable.h"
#include "ha_policy.h"
#include "mip4_auth.h"
#include "mip4_binding.h"
#include "mip4_ha_policy.h"
#include "mip4_ident.h"
#include "mip4_wire.h"
#include "mh.h"
#include "mn_policy.h"
#include "rawsend.h"
#include "xmip_maps.h"

#define KEY_HEX "0123456789abcdef0123456789abcdef01234567"
#define HA_ADDR "2001:db8:1::2"
#define BU_MAX 512

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hoa_of(unsigned int i, char *buf, size_t len)
{
	snprintf(buf, len, "2001:db8:1::1:%x:%x", (i >> 16) & 0xffff, i & 0xffff);
}

/* The HA's configuration with K [mn] sections, through the real parser. */
static int ha_conf(unsigned int k, struct xmip_conf *conf)
{
	size_t cap = 256 + (size_t)k * 160, off = 0;
	char *text = malloc(cap), err[256], hoa[64];
	int rc;

	if (!text)
		return -1;
	off += snprintf(text + off, cap - off,
			"role = ha\ninstance = xbn-bu\ninterface = lo\naddress = %s\n"
			"home-prefix = 2001:db8:1::/64\nmax-lifetime = 600\n", HA_ADDR);
	for (unsigned int i = 0; i < k; i++) {
		hoa_of(i, hoa, sizeof(hoa));
		off += snprintf(text + off, cap - off,
				"[mn mn%u@bench.example]\nhome-address = %s\nspi = %u\nkey = %s\n",
				i, hoa, 256 + i, KEY_HEX);
	}
	rc = xmip_conf_parse("bench", text, off, conf, err, sizeof(err));
	if (rc)
		fprintf(stderr, "xmip_bench_bu: %s\n", err);
	free(text);
	return rc;
}

static int mn_conf(unsigned int i, struct xmip_conf *conf)
{
	char text[512], err[256], hoa[64];
	int n;

	hoa_of(i, hoa, sizeof(hoa));
	n = snprintf(text, sizeof(text),
		     "role = mn\ninstance = xbn-mn\ninterface = lo\nhome-address = %s\n"
		     "home-agent = %s\nhome-prefix = 2001:db8:1::/64\nnai = mn%u@bench.example\n"
		     "spi = %u\nkey = %s\nlifetime = 300\n", hoa, HA_ADDR, i, 256 + i, KEY_HEX);
	if (xmip_conf_parse("bench-mn", text, (size_t)n, conf, err, sizeof(err))) {
		fprintf(stderr, "xmip_bench_bu: %s\n", err);
		return -1;
	}
	return 0;
}

struct bu { uint8_t pkt[BU_MAX]; int len; };

static int cmd_rate(unsigned int k, unsigned int n)
{
	struct xmip_conf ha = { 0 };
	struct xmip_mn_state *st = calloc(k, sizeof(*st));
	struct bu *bus = calloc(n, sizeof(*bus));
	struct in6_addr coa;
	unsigned int accepted = 0, other = 0;
	uint64_t t0, t1, now_rt;
	uint8_t ba[XMIP_SIGNAL_MAX_PKT];
	int bfd, rfd, rc = 1;
	/* The datapath's table as the agent writes it (lib/fwtable.c), in memory:
	 * the next hop as a prepared constant (no netlink in this loop). */
	uint32_t slots = xmip_fwt_slots_for(k + 16);
	void *fwmem = calloc(slots + 1, sizeof(struct xmip_fw_slot));
	struct xmip_fwt *fw = NULL;
	char err[128];

	if (!st || !bus || !fwmem || ha_conf(k, &ha))
		return 1;
	xmip_fwt_format_mem(fwmem, slots, 0x1234u, 250);
	fw = xmip_fwt_from_mem(fwmem, err, sizeof(err));
	if (!fw)
		return 1;
	bfd = bpf_map_create(BPF_MAP_TYPE_HASH, "xmip_bindings", sizeof(struct xmip_binding_key),
			     sizeof(struct xmip_binding), k + 16, NULL);
	rfd = bpf_map_create(BPF_MAP_TYPE_HASH, "xmip_replay", sizeof(struct xmip_binding_key),
			     sizeof(struct xmip_replay_state), k + 16, NULL);
	if (bfd < 0 || rfd < 0) {
		fprintf(stderr, "xmip_bench_bu: map create: %s\n", strerror(errno));
		return 1;
	}
	inet_pton(AF_INET6, "2001:db8:9::100", &coa);
	/* Round r gives every MN one BU with a newer seq and Mesg-ID. */
	now_rt = clock_ns(CLOCK_REALTIME);
	for (unsigned int i = 0; i < k; i++)
		xmip_mn_init(&st[i], 1);
	for (unsigned int j = 0; j < n; j++) {
		unsigned int i = j % k;
		struct xmip_conf mc;

		if (mn_conf(i, &mc))
			return 1;
		bus[j].len = xmip_mn_build_bu(&st[i], &mc, &coa, false, false,
					      now_rt + j * 1000ull, bus[j].pkt, BU_MAX);
		xmip_conf_free(&mc);
		if (bus[j].len <= 0) {
			fprintf(stderr, "xmip_bench_bu: building BU %u failed\n", j);
			return 1;
		}
	}

	t0 = clock_ns(CLOCK_MONOTONIC);
	for (unsigned int j = 0; j < n; j++) {
		struct xmip_replay_state replay;
		struct xmip_ha_decision d;
		struct xmip_binding cur;
		struct xmip_pkt p;
		enum xmip_parse_err perr = xmip_pkt_parse(bus[j].pkt, (size_t)bus[j].len, &p);
		int have_cur, have_replay;

		if (perr != XMIP_PARSE_OK) {
			other++;
			continue;
		}
		have_cur = bpf_map_lookup_elem(bfd, p.mh_src.s6_addr, &cur) == 0;
		have_replay = bpf_map_lookup_elem(rfd, p.mh_src.s6_addr, &replay) == 0;
		xmip_ha_decide(&ha, &p, perr, 1, have_cur ? &cur : NULL,
			       have_replay ? &replay : NULL, clock_ns(CLOCK_REALTIME),
			       clock_ns(CLOCK_BOOTTIME), &d);
		if (!d.send_ba || d.ba.status != 0 || d.binding_op != XMIP_HA_BINDING_WRITE) {
			other++;
			continue;
		}
		struct xmip_fw_entry fe;

		xmip_fw_entry_init(&fe, d.binding_key.hoa, &d.binding, d.binding.expires_ns >> 22);
		fe.ifindex = 2;
		fe.flags = XMIP_FW_F_NH;
		if (bpf_map_update_elem(bfd, d.binding_key.hoa, &d.binding, BPF_ANY) ||
		    xmip_fwt_put(fw, &fe) ||
		    (d.replay_write &&
		     bpf_map_update_elem(rfd, d.binding_key.hoa, &d.replay, BPF_ANY)) ||
		    xmip_ha_build_ba(&d, ba, sizeof(ba)) <= 0) {
			other++;
			continue;
		}
		accepted++;
	}
	t1 = clock_ns(CLOCK_MONOTONIC);
	printf("{\"mns\": %u, \"bus\": %u, \"accepted\": %u, \"refused\": %u, "
	       "\"seconds\": %.6f, \"bu_per_s\": %.0f, \"us_per_bu\": %.3f}\n",
	       k, n, accepted, other, (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9),
	       (t1 - t0) / 1e3 / n);
	rc = accepted == n ? 0 : 1;
	xmip_fwt_close(fw);
	free(fwmem);
	xmip_conf_free(&ha);
	free(st);
	free(bus);
	return rc;
}

/* The Mobile IPv4 HA's configuration with K [mip4-mn] sections (home addresses 10.1.x.y). */
static int ha4_conf(unsigned int k, struct xmip_conf *conf)
{
	size_t cap = 512 + (size_t)k * 96, off = 0;
	char *text = malloc(cap), err[256];
	int rc;

	if (!text)
		return -1;
	off += snprintf(text + off, cap - off,
			"role = ha\ninstance = xbn-reg4\ninterface = lo\naddress = %s\n"
			"home-prefix = 2001:db8:1::/64\n[mip4]\naddress = 10.1.0.2\n"
			"home-prefix = 10.1.0.0/16\nmax-lifetime = 600\nmax-bindings = 1\n"
			"advertise-interval = 0\n", HA_ADDR);
	for (unsigned int i = 0; i < k; i++)
		off += snprintf(text + off, cap - off, "[mip4-mn 10.1.%u.%u]\nspi = %u\nkey = %.32s\n",
				1 + i / 250, 1 + i % 250, 256 + i, KEY_HEX);
	rc = xmip_conf_parse("bench4", text, off, conf, err, sizeof(err));
	if (rc)
		fprintf(stderr, "xmip_bench_bu: %s\n", err);
	free(text);
	return rc;
}

struct reg4 { uint8_t pkt[256]; int len; };
struct node4 { bool has_last; uint64_t last_id; struct xmip_mip4_hb b; size_t n_b; };

static int cmd_rate4(unsigned int k, unsigned int n)
{
	struct xmip_conf ha = { 0 };
	struct reg4 *regs = calloc(n, sizeof(*regs));
	struct node4 *nodes = calloc(k, sizeof(*nodes));
	unsigned int accepted = 0, other = 0;
	uint64_t t0, t1, id0;
	uint8_t rep[256];
	uint32_t slots = xmip_fwt_slots_for(k + 16);
	void *fwmem = calloc(slots + 1, sizeof(struct xmip_fw_slot));
	struct xmip_fwt *fw = NULL;
	char err[128];
	int bfd;

	if (!regs || !nodes || !fwmem || ha4_conf(k, &ha))
		return 1;
	xmip_fwt_format_mem(fwmem, slots, 0x1234u, 250);
	fw = xmip_fwt_from_mem(fwmem, err, sizeof(err));
	bfd = bpf_map_create(BPF_MAP_TYPE_HASH, "xmip_bindings", sizeof(struct xmip_binding_key),
			     sizeof(struct xmip_binding), k + 16, NULL);
	if (!fw || bfd < 0) {
		fprintf(stderr, "xmip_bench_bu: %s\n", fw ? strerror(errno) : err);
		return 1;
	}
	/* Identifications from now on, one tick of the fraction apart (§5.7.1: fresh, growing). */
	id0 = xmip_mip4_ntp_now();
	for (unsigned int j = 0; j < n; j++) {
		unsigned int i = j % k;
		struct xmip_mip4_reg m = { .type = XMIP_MIP4_REG_REQUEST, .lifetime = 300,
					   .flags = XMIP_MIP4_F_D | XMIP_MIP4_F_T,
					   .hoa = { 10, 1, (uint8_t)(1 + i / 250), (uint8_t)(1 + i % 250) },
					   .ha = { 10, 1, 0, 2 }, .coa = { 198, 51, 100, 100 } };
		int len;

		m.id = id0 + ((uint64_t)(j + 1) << 12);
		len = xmip_mip4_build_fixed(regs[j].pkt, sizeof(regs[j].pkt), &m);
		if (len > 0)
			len = xmip_mip4_put_auth(regs[j].pkt, sizeof(regs[j].pkt), (size_t)len,
						 XMIP_MIP4_EXT_MN_HA_AUTH, &ha.mip4.mns[i].sa);
		if (len <= 0) {
			fprintf(stderr, "xmip_bench_bu: building request %u failed\n", j);
			return 1;
		}
		regs[j].len = len;
	}
	t0 = clock_ns(CLOCK_MONOTONIC);
	for (unsigned int j = 0; j < n; j++) {
		struct xmip_mip4_ha_req r = { .src = { 198, 51, 100, 100 }, .sport = 434,
					      .dst = { 10, 1, 0, 2 } };
		struct xmip_mip4_ha_state st = { 0 };
		struct xmip_mip4_ha_decision d;
		struct xmip_mip4_reg m;
		struct xmip_binding rec;
		struct xmip_fw_entry fe;
		uint8_t key[16] = { [10] = 0xff, [11] = 0xff };
		struct node4 *nd;

		if (xmip_mip4_reg_parse(regs[j].pkt, (size_t)regs[j].len, &m) != XMIP_MIP4_E_OK) {
			other++;
			continue;
		}
		r.msg = regs[j].pkt;
		r.m = &m;
		st.mn = xmip_mip4_find_mn(&ha.mip4, regs[j].pkt, &m);
		if (!st.mn) {
			other++;
			continue;
		}
		nd = &nodes[st.mn - ha.mip4.mns];
		st.has_last = nd->has_last;
		st.last_id = nd->last_id;
		st.b = &nd->b;
		st.n_b = nd->n_b;
		xmip_mip4_ha_decide(&ha.mip4, xmip_mip4_ntp_now(), &r, &st, &d);
		if (!d.reply || !XMIP_MIP4_CODE_OK(d.code) || d.change != XMIP_MIP4_HA_ADD) {
			other++;
			continue;
		}
		d.nb.expires_ns = clock_ns(CLOCK_BOOTTIME) + (uint64_t)d.lifetime * 1000000000ull;
		memcpy(key + 12, d.nb.hoa, 4);
		if (xmip_mip4_dp_record(&d.nb, &rec) ||
		    bpf_map_update_elem(bfd, key, &rec, BPF_ANY)) {
			other++;
			continue;
		}
		xmip_fw_entry_init(&fe, key, &rec, rec.expires_ns >> 22);
		fe.ifindex = 2;
		fe.flags |= XMIP_FW_F_NH;
		if (xmip_fwt_put(fw, &fe) ||
		    xmip_mip4_ha_build_reply(&ha.mip4, &r, &st, &d, rep, sizeof(rep)) <= 0) {
			other++;
			continue;
		}
		nd->b = d.nb;
		nd->n_b = 1;
		nd->has_last = true;
		nd->last_id = m.id;
		accepted++;
	}
	t1 = clock_ns(CLOCK_MONOTONIC);
	printf("{\"mns\": %u, \"regs\": %u, \"accepted\": %u, \"refused\": %u, "
	       "\"seconds\": %.6f, \"reg_per_s\": %.0f, \"us_per_reg\": %.3f}\n",
	       k, n, accepted, other, (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9),
	       (t1 - t0) / 1e3 / n);
	xmip_fwt_close(fw);
	free(fwmem);
	close(bfd);
	xmip_conf_free(&ha);
	free(regs);
	free(nodes);
	return accepted == n ? 0 : 1;
}

static int cmd_send(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", 1, NULL, 'n' }, { "dev", 1, NULL, 'd' }, { "ha", 1, NULL, 'a' },
		{ "coa", 1, NULL, 'c' }, { "hoa", 1, NULL, 'h' }, { "nai", 1, NULL, 'i' },
		{ "spi", 1, NULL, 's' }, { "key", 1, NULL, 'k' }, { "seq", 1, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *netns = NULL, *dev = NULL, *ha = NULL, *coa_s = NULL, *hoa = NULL,
		   *nai = NULL, *spi = "256", *key = KEY_HEX;
	unsigned int seq = 1;
	char text[768], err[256], path[256];
	struct xmip_conf mc;
	struct xmip_mn_state st;
	struct in6_addr coa;
	uint8_t pkt[BU_MAX];
	uint64_t t;
	int c, n, len, fd, ifindex;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': netns = optarg; break;
		case 'd': dev = optarg; break;
		case 'a': ha = optarg; break;
		case 'c': coa_s = optarg; break;
		case 'h': hoa = optarg; break;
		case 'i': nai = optarg; break;
		case 's': spi = optarg; break;
		case 'k': key = optarg; break;
		case 'q': seq = (unsigned int)strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (!dev || !ha || !coa_s || !hoa || !nai || inet_pton(AF_INET6, coa_s, &coa) != 1)
		return 2;
	if (netns) {
		snprintf(path, sizeof(path), "/run/netns/%s", netns);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET)) {
			fprintf(stderr, "xmip_bench_bu: netns %s: %s\n", netns, strerror(errno));
			return 1;
		}
		close(fd);
	}
	n = snprintf(text, sizeof(text),
		     "role = mn\ninstance = xbn-mn\ninterface = %s\nhome-address = %s\n"
		     "home-agent = %s\nhome-prefix = 2001:db8:1::/64\nnai = %s\nspi = %s\n"
		     "key = %s\nlifetime = 300\n", dev, hoa, ha, nai, spi, key);
	if (xmip_conf_parse("send", text, (size_t)n, &mc, err, sizeof(err))) {
		fprintf(stderr, "xmip_bench_bu: %s\n", err);
		return 1;
	}
	xmip_mn_init(&st, (uint16_t)seq);
	len = xmip_mn_build_bu(&st, &mc, &coa, false, false, clock_ns(CLOCK_REALTIME), pkt,
			       sizeof(pkt));
	fd = xmip_rawsend_open();
	ifindex = (int)if_nametoindex(dev);
	if (len <= 0 || fd < 0 || !ifindex) {
		fprintf(stderr, "xmip_bench_bu: cannot build or send the BU\n");
		return 1;
	}
	t = clock_ns(CLOCK_MONOTONIC);
	if (xmip_rawsend(fd, pkt, (size_t)len, (uint32_t)ifindex) < 0) {
		fprintf(stderr, "xmip_bench_bu: send: %s\n", strerror(errno));
		return 1;
	}
	printf("{\"sent_ns\": %llu, \"seq\": %u, \"len\": %d}\n", (unsigned long long)t,
	       st.seq, len);
	xmip_conf_free(&mc);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "rate")) {
		unsigned int k = 1000, n = 100000;

		for (int i = 2; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--mns"))
				k = (unsigned int)strtoul(argv[i + 1], NULL, 0);
			else if (!strcmp(argv[i], "--bus"))
				n = (unsigned int)strtoul(argv[i + 1], NULL, 0);
		}
		if (!k || !n)
			return 2;
		return cmd_rate(k, n);
	}
	if (argc >= 2 && !strcmp(argv[1], "rate4")) {
		unsigned int k = 1000, n = 100000;

		for (int i = 2; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--mns"))
				k = (unsigned int)strtoul(argv[i + 1], NULL, 0);
			else if (!strcmp(argv[i], "--regs"))
				n = (unsigned int)strtoul(argv[i + 1], NULL, 0);
		}
		if (!k || !n || k > 60000)
			return 2;
		return cmd_rate4(k, n);
	}
	if (argc >= 2 && !strcmp(argv[1], "send"))
		return cmd_send(argc - 1, argv + 1);
	fprintf(stderr, "usage: xmip_bench_bu rate [--mns K] [--bus N] | rate4 [--mns K] [--regs N] | "
		"send ...\n");
	return 2;
}
