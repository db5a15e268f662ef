// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip_bench: the BPF side of `make bench` (selftests/bench/bench.py drives it).
 *
 *   xmip_bench pkt -o ha|mn -i IN -w OUT [--netns NS] [-I IFINDEX] [--self A]
 *       [--peer A] [--hoa A] [--mtu N] [-b HOA=COA]... [--fill N --fill-coa A]
 *       [--distinct] [--vary] [--zipf S] [--head-fix N] [--restore-len N] [--drain]
 *       [--tc] [--away] [--coa-ifindex N] [--gw-mac MAC] [--self4 A4 --encap N]
 *       [--expect V] [--repeat R] [--runs K]
 *     Runs the shipped program once on IN (bench_*_once) and writes its
 *     output to OUT (checked by the caller with Scapy), then K times, side by
 *     side: R repetitions of program+restore (bench_*_loop), R of the restore's
 *     template copy alone, R of XDP_PASS. Prints the kernel-measured ns per
 *     repetition of each run, the verdict counts of every timed repetition,
 *     and the binding map's memory (fdinfo memlock).
 *     HA bindings are written as the agent writes them: slots of the
 *     fast-path table (lib/fwtable.c) with the next hop resolved here.
 *     --fill N: N extra bindings 2001:db8:100::/96 + i -> --fill-coa (with
 *     --distinct: each to its own CoA 2001:db8:9:1::/64 + i, the next hop of
 *     --fill-coa); --vary: every repetition targets a random one of them,
 *     uniformly, or with --zipf S drawn from a Zipf distribution of exponent
 *     S (rank i has weight 1 / i^S).
 *     --tc: the MN's tc egress program instead of its XDP ingress (-o mn),
 *     the HA's tc ingress instead of its XDP program (-o ha).
 *
 *   xmip_bench pkt -o rs -i IN -w OUT --self4 A4 [--pool LO-HI] --relay FILE
 *       [--rs-path ID]... [--fill N --fill-path-base B [--fill-tmpl I]]
 *       [--vary [--zipf S]] [--head-fix N] [--restore-len N] [--repeat R] [--runs K]
 *     The relay's XDP program (bench_rs.bpf.c), timed the same way. FILE:
 *     relay entries, each a struct xmip_ntm_relay_key then a struct
 *     xmip_ntm_relay_val (raw, as xmip_pktrun --relay). --fill N: N more
 *     paths copied from entry I of FILE with path ids B + i (key and value),
 *     written with batched updates (bpf_map_update_batch); --vary: every
 *     repetition rewrites the frame's path id (IPv4 outer header) to one of
 *     them, uniformly or Zipf(S)-distributed.
 *
 *   xmip_bench gen --netns NS --dev DEV -i FRAME  --count N [--sources N]
 *     Sends FRAME N times out of DEV with BPF_F_TEST_XDP_LIVE_FRAMES.
 *     --sources N: each frame from a random one of N IPv6 /64s (octets 4..7
 *     of the source, i.e. 2001:db8:00f0:0000::/64 + i, i < N, the rest of
 *     the source as in FRAME); a Mobility Header with a Home Address option
 *     keeps a valid checksum (its pseudo-header takes the HoA, not the source).
 *
 *   xmip_bench attach --netns NS --dev DEV --prog pass|redirect|sink|tc-decap
 *       [--target DEV2] [--hoa A --coa A --coa2 A] [--pin-dir DIR]
 *       [--match4 SRC:SPORT,DST:DPORT,PROTO[,TTL]]
 *     (--match4: the sink's IPv4 class, the relay's output flow, TTL 63;
 *     a tunnel's outer header: TTL 64, and for protocol 41 the "ports" are
 *     the inner IPv6 header's first four octets)
 *
 *   xmip_bench attach --netns NS --dev DEV --prog ntm-node
 *       --tunnel SRC:SPORT,DST:DPORT,PATHID,VIP
 *     A bench-only NTM node end on DEV in tc: egress IPv4 to VIP into the
 *     NTMobile UDP tunnel SRC:SPORT -> DST:DPORT (path PATHID), ingress
 *     tunnel data from DST:DPORT to SPORT stripped.
 *     Attaches a bench_net program (native XDP), left attached; the sink's
 *     counters are pinned in DIR.
 *
 *   xmip_bench sink-read --pin-dir DIR [--reset]
 *
 *   xmip_bench probe --netns NS -I IFINDEX -i FRAME --self A --coa A --hoa A
 *       --target DEV [--repeat R] [--runs K]
 *     Times the encapsulation path's pieces (bench_probe.bpf.c) side by side,
 *     each with the kernel's repeat loop; every repetition's verdict is checked.
 *     Includes the pointer chase (64 dependent loads a repetition over 256 MiB).
 *
 *   xmip_bench prog-stats --netns NS --dev DEV
 *     run_time_ns and run_cnt (kernel.bpf_stats_enabled) of the XDP program
 *     attached to DEV: its time per packet on live traffic.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>

#include "fwtable.h"
#include "netlink.h"
#include "nexthop.h"
#include "xmip_maps.h"
#include "bench_ha.skel.h"
#include "bench_mn.skel.h"
#include "bench_net.skel.h"
#include "bench_probe.skel.h"
#include "xmip_ntm.h"
#include "xmip_ntm_relay.h"
#include "bench_rs.skel.h"

/* The datapath treats a binding past expires_ns as dead; these outlive the run. */
#define NEVER_EXPIRES (~0ull)

#define MAX_PKT 4096
#define MAX_BINDS 16
#define MAX_RUNS 64
#define VERDICT_SLOTS 16
#define SINK_CLASSES 6
#define SINK_TIMES 3
#define FILL_BASE 0x20010db8u   /* 2001:db8:100::/96 */
#define FW_SEED   0x6b656e74u   /* any: the bench writes the table and the rodata */
#define ZIPF_N    65536         /* selftests/bench/bench_restore.h BENCH_ZIPF_N */

/* Mirrors of the bench programs' map values (selftests/bench/). */
struct bench_tmpl {
	__s32 head_fix, tail_fix;
	__u32 restore_len, vary_n, vary_off, vary_base, vary_zipf;
	__u8  b[128];
};

struct bench_net_cfg {
	__u32 redirect_ifindex, pad;
	__u8  hoa[16], coa[16], coa2[16];
	__be32 m4_src, m4_dst;
	__be16 m4_sport, m4_dport;
	__u8  m4_proto, m4_ttl, m4_pad[2];
	__be32 t_src, t_dst;
	__be16 t_sport, t_dport;
	__be32 t_path, t_vip;
};

static const char *const stat_names[] = {
#define XMIP_STAT_NAME(name, desc) #name,
	XMIP_STAT_LIST(XMIP_STAT_NAME)
#undef XMIP_STAT_NAME
};

static bool tc_mode;   /* pkt --tc: the programs under test are tc programs */

struct opts {
	const char *obj, *in, *out, *netns, *dev, *prog, *target, *pin_dir;
	int ifindex, repeat, runs, expect, restore_len, head_fix;
	unsigned int fill, count;
	bool vary, reset, drain, distinct;
	unsigned int sources;
	double zipf;
	/* The role's rodata (--self: HA address or MN CoA, --hoa, --mtu) and MN state. */
	__u8 self[16], peer[16];
	__be32 self4;         /* --self4: the HA's IPv4 address (DSMIPv6 tunnels) */
	int encap;            /* --encap N: every -b binding's enum xmip_encap */
	__u16 tunnel_mtu;
	__u32 coa_ifindex;
	bool away;
	__u8 gw_mac[6];
	__u8 hoa[16], coa[16], coa2[16], fill_coa[16];
	struct { struct xmip_binding_key k; struct xmip_binding v; } binds[MAX_BINDS];
	int n_binds;
	/* -o rs */
	__be32 rs_paths[MAX_BINDS];
	int n_rs_paths, fill_tmpl;
	__u16 pool_lo, pool_hi;
	__u32 fill_path_base;
	const char *relay_file;
	struct { __be32 src, dst; __be16 sport, dport; __u8 proto, ttl; } m4;
	struct { __be32 src, dst, path, vip; __be16 sport, dport; } tun;
};

static void die_usage(void)
{
	fprintf(stderr, "usage: see the comment at the top of selftests/tools/xmip_bench.c\n");
	exit(2);
}

static void addr(const char *s, __u8 out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1) {
		fprintf(stderr, "xmip_bench: bad IPv6 address '%s'\n", s);
		exit(2);
	}
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (!*s || *end) {
		fprintf(stderr, "xmip_bench: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void parse(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "obj", 1, NULL, 'o' }, { "in", 1, NULL, 'i' }, { "out", 1, NULL, 'w' },
		{ "ifindex", 1, NULL, 'I' }, { "binding", 1, NULL, 'b' },
		{ "self", 1, NULL, 1 }, { "peer", 1, NULL, 2 }, { "hoa", 1, NULL, 3 },
		{ "mtu", 1, NULL, 4 }, { "netns", 1, NULL, 5 }, { "fill", 1, NULL, 6 },
		{ "fill-coa", 1, NULL, 7 }, { "vary", 0, NULL, 8 }, { "head-fix", 1, NULL, 9 },
		{ "drain", 0, NULL, 10 }, { "restore-len", 1, NULL, 11 },
		{ "expect", 1, NULL, 12 }, { "repeat", 1, NULL, 13 }, { "runs", 1, NULL, 14 },
		{ "dev", 1, NULL, 15 }, { "count", 1, NULL, 16 }, { "prog", 1, NULL, 17 },
		{ "target", 1, NULL, 18 }, { "coa", 1, NULL, 19 }, { "coa2", 1, NULL, 20 },
		{ "pin-dir", 1, NULL, 21 }, { "reset", 0, NULL, 22 }, { "away", 0, NULL, 23 },
		{ "coa-ifindex", 1, NULL, 24 }, { "tc", 0, NULL, 25 },
		{ "distinct", 0, NULL, 26 }, { "zipf", 1, NULL, 27 }, { "gw-mac", 1, NULL, 28 },
		{ "sources", 1, NULL, 40 },
		{ "self4", 1, NULL, 29 }, { "pool", 1, NULL, 30 }, { "relay", 1, NULL, 31 },
		{ "rs-path", 1, NULL, 32 }, { "fill-path-base", 1, NULL, 33 },
		{ "fill-tmpl", 1, NULL, 34 }, { "match4", 1, NULL, 35 },
		{ "tunnel", 1, NULL, 36 },
		{ "encap", 1, NULL, 41 },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->repeat = 1000;
	o->runs = 1;
	o->pool_lo = XMIP_RS_DEFAULT_POOL_LO;
	o->pool_hi = XMIP_RS_DEFAULT_POOL_HI;
	o->expect = -1;
	while ((c = getopt_long(argc, argv, "o:i:w:I:b:", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->obj = optarg; break;
		case 'i': o->in = optarg; break;
		case 'w': o->out = optarg; break;
		case 'I': o->ifindex = num(optarg); break;
		case 'b': {
			char *eq = strchr(optarg, '=');

			if (!eq || o->n_binds == MAX_BINDS)
				die_usage();
			*eq = '\0';
			addr(optarg, o->binds[o->n_binds].k.hoa);
			addr(eq + 1, o->binds[o->n_binds].v.coa);
			o->binds[o->n_binds].v.expires_ns = NEVER_EXPIRES;
			o->binds[o->n_binds++].v.lifetime_s = 600;
			break;
		}
		case 1: addr(optarg, o->self); break;
		case 2: addr(optarg, o->peer); break;
		case 3: addr(optarg, o->hoa); break;
		case 4: o->tunnel_mtu = num(optarg); break;
		case 5: o->netns = optarg; break;
		case 6: o->fill = num(optarg); break;
		case 7: addr(optarg, o->fill_coa); break;
		case 8: o->vary = true; break;
		case 9: o->head_fix = num(optarg); break;
		case 10: o->drain = true; break;
		case 11: o->restore_len = num(optarg); break;
		case 12: o->expect = num(optarg); break;
		case 13: o->repeat = num(optarg); break;
		case 14: o->runs = num(optarg); break;
		case 15: o->dev = optarg; break;
		case 16: o->count = num(optarg); break;
		case 17: o->prog = optarg; break;
		case 18: o->target = optarg; break;
		case 19: addr(optarg, o->coa); break;
		case 20: addr(optarg, o->coa2); break;
		case 21: o->pin_dir = optarg; break;
		case 22: o->reset = true; break;
		case 23: o->away = true; break;
		case 24: o->coa_ifindex = num(optarg); break;
		case 25: tc_mode = true; break;
		case 26: o->distinct = true; break;
		case 27: o->zipf = atof(optarg); break;
		case 28:
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &o->gw_mac[0], &o->gw_mac[1],
				   &o->gw_mac[2], &o->gw_mac[3], &o->gw_mac[4], &o->gw_mac[5]) != 6)
				die_usage();
			break;
		case 40: o->sources = num(optarg); break;
		case 29:
			if (inet_pton(AF_INET, optarg, &o->self4) != 1)
				die_usage();
			break;
		case 30:
			if (sscanf(optarg, "%hu-%hu", &o->pool_lo, &o->pool_hi) != 2)
				die_usage();
			break;
		case 31: o->relay_file = optarg; break;
		case 32:
			if (o->n_rs_paths == MAX_BINDS)
				die_usage();
			o->rs_paths[o->n_rs_paths++] = htonl((__u32)strtoul(optarg, NULL, 0));
			break;
		case 33: o->fill_path_base = (__u32)strtoul(optarg, NULL, 0); break;
		case 34: o->fill_tmpl = num(optarg); break;
		case 36: {
			char a[32], b[32], v[32];
			unsigned int sp, dp;
			unsigned long pid;

			if (sscanf(optarg, "%31[0-9.]:%u,%31[0-9.]:%u,%li,%31[0-9.]", a, &sp, b, &dp,
				   (long *)&pid, v) != 6 || inet_pton(AF_INET, a, &o->tun.src) != 1 ||
			    inet_pton(AF_INET, b, &o->tun.dst) != 1 ||
			    inet_pton(AF_INET, v, &o->tun.vip) != 1 || sp > 65535 || dp > 65535)
				die_usage();
			o->tun.sport = htons(sp);
			o->tun.dport = htons(dp);
			o->tun.path = htonl((__u32)pid);
			break;
		}
		case 35: {
			char a[32], b[32];
			unsigned int sp, dp, pr, ttl = 63;
			int n = sscanf(optarg, "%31[0-9.]:%u,%31[0-9.]:%u,%u,%u", a, &sp, b, &dp, &pr,
				       &ttl);

			if (n < 5 || inet_pton(AF_INET, a, &o->m4.src) != 1 ||
			    inet_pton(AF_INET, b, &o->m4.dst) != 1 || sp > 65535 || dp > 65535 ||
			    !pr || pr > 255 || !ttl || ttl > 255)
				die_usage();
			o->m4.ttl = ttl;
			o->m4.sport = htons(sp);
			o->m4.dport = htons(dp);
			o->m4.proto = pr;
			break;
		}
		case 41: o->encap = num(optarg); break;
		default: die_usage();
		}
	}
	for (int i = 0; i < o->n_binds; i++)
		o->binds[i].v.encap = (__u8)o->encap;
	if (o->runs < 1 || o->runs > MAX_RUNS || o->repeat < 1 || o->restore_len < 0 ||
	    o->restore_len > 128)
		die_usage();
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "xmip_bench: netns %s: %s\n", name, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int read_frame(const char *path, __u8 *buf, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "xmip_bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*len = fread(buf, 1, MAX_PKT, f);
	fclose(f);
	return *len ? 0 : -1;
}

static int write_frame(const char *path, const __u8 *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "xmip_bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static __u64 sum_percpu(int fd, __u32 key)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 vals[256] = { 0 }, s = 0;

	if (ncpu <= 0 || ncpu > 256 || bpf_map_lookup_elem(fd, &key, vals))
		return 0;
	for (int c = 0; c < ncpu; c++)
		s += vals[c];
	return s;
}

static void zero_percpu(int fd, __u32 n)
{
	__u64 vals[256] = { 0 };

	for (__u32 k = 0; k < n; k++)
		bpf_map_update_elem(fd, &k, vals, BPF_ANY);
}

/* fdinfo "memlock:" of a map: the kernel's own account of its memory. */
static long long map_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* One test run of R repetitions; kernel ns per repetition, or -1. */
static double test_run(int prog_fd, const __u8 *in, size_t len, int ifindex, int repeat,
		       __u8 *out, __u32 *out_len, __u32 *retval)
{
	static __u8 scratch[MAX_PKT + 256];
	struct xdp_md ctx = { .data = 0, .data_end = len, .ingress_ifindex = ifindex };
	struct __sk_buff sctx = { .ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = in, .data_size_in = len,
		    .data_out = out ? out : scratch, .data_size_out = sizeof(scratch),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);

	if (tc_mode) {
		t.ctx_in = &sctx;
		t.ctx_size_in = sizeof(sctx);
	}

	if (out)
		t.data_size_out = MAX_PKT;
	if (bpf_prog_test_run_opts(prog_fd, &t)) {
		fprintf(stderr, "xmip_bench: test run: %s\n", strerror(errno));
		return -1;
	}
	if (out_len)
		*out_len = t.data_size_out;
	if (retval)
		*retval = t.retval;
	/* The HA marks what it passes in XDP metadata, which the test run hands
	 * back in front of the frame (xmip_pktrun does the same). */
	if (out && !tc_mode && t.retval == XDP_PASS && t.data_size_out >= 4) {
		__u32 m;

		memcpy(&m, out, 4);
		if (m == 0x786d6470u) {   /* XMIP_META_DONE */
			memmove(out, out + 4, t.data_size_out - 4);
			if (out_len)
				*out_len = t.data_size_out - 4;
		}
	}
	return t.duration;
}

struct target {
	struct bpf_object *obj;
	struct bpf_map *mn_state, *bindings, *stats, *tmpl, *verdicts;   /* NULL: not in the role */
	struct bpf_map *fwtable, *zipf, *relay, *rs_paths;
	__u32 fw_slots;
	struct bpf_program *once, *loop, *rewrite_only, *pass;
	void *skel;
};

static int load_target(const struct opts *o, struct target *t)
{
	unsigned int max = (o->fill ? o->fill : 0) + MAX_BINDS + 1024;

	if (!strcmp(o->obj, "rs")) {
		struct bench_rs *s = bench_rs__open();

		if (!s)
			return -errno;
		t->skel = s;
		t->obj = s->obj;
		t->stats = s->maps.xmip_stats;
		t->tmpl = s->maps.bench_tmpl;
		t->verdicts = s->maps.bench_verdicts;
		t->zipf = s->maps.bench_zipf;
		t->relay = s->maps.xmip_relay;
		t->rs_paths = s->maps.xmip_rs_paths;
		s->rodata->xmip_rs_conf.self4 = o->self4;
		s->rodata->xmip_rs_conf.port = 49602;
		s->rodata->xmip_rs_conf.pool_lo = o->pool_lo;
		s->rodata->xmip_rs_conf.pool_hi = o->pool_hi;
		s->rodata->xmip_rs_conf.ready = 1;
		/* Sized as attach sizes it for this many paths. */
		if (bpf_map__set_max_entries(t->relay, max) ||
		    bpf_map__set_max_entries(t->rs_paths, max))
			return -EINVAL;
		t->once = s->progs.bench_rs_once;
		t->loop = s->progs.bench_rs_loop;
		t->rewrite_only = s->progs.bench_rs_rewrite_only;
		t->pass = s->progs.bench_rs_pass;
	} else if (!strcmp(o->obj, "ha")) {
		struct bench_ha *s = bench_ha__open();

		if (!s)
			return -errno;
		t->skel = s;
		t->obj = s->obj;
		t->bindings = s->maps.xmip_bindings;
		t->stats = s->maps.xmip_stats;
		t->tmpl = s->maps.bench_tmpl;
		t->verdicts = s->maps.bench_verdicts;
		t->fwtable = s->maps.xmip_fwtable;
		t->zipf = s->maps.bench_zipf;
		memcpy(s->rodata->xmip_ha_conf.self_addr, o->self, 16);
		s->rodata->xmip_ha_conf.tunnel_mtu = o->tunnel_mtu;
		s->rodata->xmip_ha_conf.ready = 1;
		/* Sized as attach sizes it for this many bindings. */
		t->fw_slots = xmip_fwt_slots_for(o->fill + MAX_BINDS);
		s->rodata->xmip_ha_conf.fw_seed = FW_SEED;
		s->rodata->xmip_ha_conf.self_addr4 = o->self4;
		s->rodata->xmip_ha_conf.fw_mask = t->fw_slots - 1;
		bpf_map__set_max_entries(t->fwtable, 1 + t->fw_slots);
		t->once = tc_mode ? s->progs.bench_ha_tc_once : s->progs.bench_ha_once;
		t->loop = tc_mode ? s->progs.bench_ha_tc_counted : s->progs.bench_ha_loop;
		t->rewrite_only = tc_mode ? s->progs.bench_ha_tc_pass : s->progs.bench_ha_rewrite_only;
		t->pass = tc_mode ? NULL : s->progs.bench_ha_pass;
	} else {
		struct bench_mn *s = bench_mn__open();

		if (!s)
			return -errno;
		t->skel = s;
		t->obj = s->obj;
		t->mn_state = s->maps.xmip_mn_state;
		t->stats = s->maps.xmip_stats;
		t->tmpl = s->maps.bench_tmpl;
		t->verdicts = s->maps.bench_verdicts;
		t->zipf = s->maps.bench_zipf;
		memcpy(s->rodata->xmip_mn_conf.hoa, o->hoa, 16);
		s->rodata->xmip_mn_conf.tunnel_mtu = o->tunnel_mtu;
		s->rodata->xmip_mn_conf.ready = 1;
		t->once = tc_mode ? s->progs.bench_mn_tc_once : s->progs.bench_mn_once;
		t->loop = tc_mode ? s->progs.bench_mn_tc_counted : s->progs.bench_mn_loop;
		t->rewrite_only = tc_mode ? s->progs.bench_mn_tc_pass :
					    s->progs.bench_mn_rewrite_only;
		t->pass = NULL;
	}
	{
		struct bpf_map *m;

		bpf_object__for_each_map(m, t->obj)
			bpf_map__set_pin_path(m, NULL);
	}
	if (t->bindings && max > XMIP_DEFAULT_MAX_BINDINGS &&
	    (bpf_map__set_max_entries(t->bindings, max) ||
	     bpf_map__set_max_entries(bpf_object__find_map_by_name(t->obj, "xmip_replay"), max)))
		return -EINVAL;
	return bpf_object__load(t->obj);
}

/*
 * The HA's bindings, as the agent writes them: slots of the fast-path
 * table, the next hop of each CoA resolved here (the bench's namespace has
 * static neighbours). --fill: N more, to --fill-coa or (--distinct) each
 * to its own CoA with --fill-coa's next hop.
 */
static int fill_table(const struct opts *o, const struct target *t)
{
	struct xmip_nh_info nh = { 0 };
	struct in6_addr self, dst;
	struct xmip_fwt *fw;
	char err[256];
	__u32 seed;
	int nl, rc = 0;

	if (xmip_fwt_format(bpf_map__fd(t->fwtable), t->fw_slots, 250, FW_SEED, &seed) ||
	    seed != FW_SEED)
		return -EIO;
	fw = xmip_fwt_map(bpf_map__fd(t->fwtable), -1, err, sizeof(err));
	if (!fw) {
		fprintf(stderr, "xmip_bench: %s\n", err);
		return -EIO;
	}
	xmip_fwt_set_lease(fw, ~0ull);   /* no agent here: prepared next hops trusted */
	memcpy(&self, o->self, 16);
	nl = xmip_nl_open();
	for (int i = 0; i < o->n_binds && !rc; i++) {
		struct xmip_fw_entry e;

		xmip_fw_entry_init(&e, o->binds[i].k.hoa, &o->binds[i].v, ~0ull);
		memcpy(&dst, o->binds[i].v.coa, 16);
		if (nl >= 0 && xmip_nh_resolve(nl, &self, &dst, &nh) == 0)
			xmip_fw_entry_set_nh(&e, &nh);
		rc = xmip_fwt_put(fw, &e);
	}
	if (o->fill) {
		memcpy(&dst, o->fill_coa, 16);
		memset(&nh, 0, sizeof(nh));
		if (nl < 0 || xmip_nh_resolve(nl, &self, &dst, &nh) || !nh.resolved)
			fprintf(stderr, "xmip_bench: no next hop for the fill CoA\n");
	}
	for (unsigned int i = 0; i < o->fill && !rc; i++) {
		__u32 w[4] = { htonl(FILL_BASE), htonl(0x01000000u), 0, htonl(i) };
		struct xmip_fw_entry e = { .expires = ~0ull };

		memcpy(e.key, w, 16);
		memcpy(e.coa, o->fill_coa, 16);
		if (o->distinct) {
			/* 2001:db8:9:1::/64 + i: a CoA per binding. */
			__u32 c[4] = { htonl(0x20010db8u), htonl(0x00090001u), 0, htonl(i + 1) };

			memcpy(e.coa, c, 16);
		}
		xmip_fw_entry_set_nh(&e, &nh);
		rc = xmip_fwt_put(fw, &e);
	}
	if (rc)
		fprintf(stderr, "xmip_bench: filling the table: %s\n", strerror(-rc));
	if (nl >= 0)
		close(nl);
	xmip_fwt_close(fw);
	return rc;
}

/*
 * The relay's entries from --relay FILE, then --fill N paths copied from
 * entry --fill-tmpl with path ids B + i, in batches (one syscall per 8192
 * entries: a million paths load in seconds, as an agent restoring a table
 * would write them), and the directed path ids of --rs-path.
 */
static int fill_relay(const struct opts *o, const struct target *t)
{
	enum { REC = sizeof(struct xmip_ntm_relay_key) + sizeof(struct xmip_ntm_relay_val),
	       BATCH = 8192 };
	static __u8 buf[REC * 64];
	struct xmip_ntm_relay_key *ks = NULL;
	struct xmip_ntm_relay_val *vs = NULL;
	int fd = bpf_map__fd(t->relay), rc = 0;
	size_t n;
	FILE *f;

	if (!o->relay_file || !(f = fopen(o->relay_file, "rb")))
		return -ENOENT;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (!n || n % REC || (size_t)o->fill_tmpl >= n / REC)
		return -EINVAL;
	for (size_t off = 0; off < n; off += REC)
		if (bpf_map_update_elem(fd, buf + off, buf + off + sizeof(*ks), BPF_ANY))
			return -errno;
	for (int i = 0; i < o->n_rs_paths; i++) {
		struct xmip_ntm_rs_path p = { .mode = XMIP_NTM_MODE_RS_S, .legs = 2 };

		if (bpf_map_update_elem(bpf_map__fd(t->rs_paths), &o->rs_paths[i], &p, BPF_ANY))
			return -errno;
	}
	if (!o->fill)
		return 0;
	ks = calloc(BATCH, sizeof(*ks));
	vs = calloc(BATCH, sizeof(*vs));
	if (!ks || !vs) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < o->fill && !rc; i += BATCH) {
		__u32 cnt = o->fill - i < BATCH ? o->fill - i : BATCH;
		LIBBPF_OPTS(bpf_map_batch_opts, bo, .elem_flags = BPF_ANY);

		for (__u32 j = 0; j < cnt; j++) {
			memcpy(&ks[j], buf + (size_t)o->fill_tmpl * REC, sizeof(*ks));
			memcpy(&vs[j], buf + (size_t)o->fill_tmpl * REC + sizeof(*ks), sizeof(*vs));
			ks[j].path_id = vs[j].path_id = htonl(o->fill_path_base + i + j);
		}
		if (bpf_map_update_batch(fd, ks, vs, &cnt, &bo))
			rc = -errno;
	}
out:
	free(ks);
	free(vs);
	return rc;
}

/* ZIPF_N binding indices drawn from Zipf(s) over n (rank i, weight 1/i^s; inverse CDF). */
static int fill_zipf(int fd, unsigned int n, double s)
{
	double *cdf = malloc(sizeof(double) * n), sum = 0;
	unsigned int seed = 7;

	if (!cdf)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		sum += 1.0 / pow(i + 1, s);
		cdf[i] = sum;
	}
	for (__u32 k = 0; k < ZIPF_N; k++) {
		double u = (double)rand_r(&seed) / ((double)RAND_MAX + 1) * sum;
		unsigned int lo = 0, hi = n - 1;

		while (lo < hi) {
			unsigned int mid = lo + (hi - lo) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (bpf_map_update_elem(fd, &k, &lo, BPF_ANY)) {
			free(cdf);
			return -errno;
		}
	}
	free(cdf);
	return 0;
}

static void print_list(const char *name, const double *v, int n)
{
	printf(", \"%s\": [", name);
	for (int i = 0; i < n; i++)
		printf("%s%.2f", i ? ", " : "", v[i]);
	printf("]");
}

static int discard_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

static int cmd_pkt(struct opts *o)
{
	static __u8 in[MAX_PKT], out[MAX_PKT];
	double loop_ns[MAX_RUNS], rew_ns[MAX_RUNS], pass_ns[MAX_RUNS];
	struct target t = { 0 };
	struct ring_buffer *rb = NULL;
	struct bench_tmpl tm = { 0 };
	__u32 zero = 0, out_len = 0, retval = 0;
	size_t len;
	int err, rc = 1;

	if (!o->obj || !o->in || !o->out || read_frame(o->in, in, &len))
		die_usage();
	err = load_target(o, &t);
	if (err) {
		fprintf(stderr, "xmip_bench: loading bench_%s: %s\n", o->obj, strerror(-err));
		goto out;
	}
	if (t.mn_state) {
		struct xmip_mn_runstate st = { .coa_ifindex = o->coa_ifindex,
					    .flags = o->away ? XMIP_MN_F_AWAY : 0 };
		__u32 key = XMIP_MN_STATE_KEY;

		memcpy(st.gw_mac, o->gw_mac, 6);
		memcpy(st.coa, o->self, 16);
		memcpy(st.ha, o->peer, 16);
		if (bpf_map_update_elem(bpf_map__fd(t.mn_state), &key, &st, BPF_ANY))
			goto out;
	}
	if (t.relay && (err = fill_relay(o, &t))) {
		fprintf(stderr, "xmip_bench: relay entries: %s\n", strerror(-err));
		goto out;
	}
	if ((o->n_binds || o->fill) && !t.fwtable && !t.relay)
		goto out;
	if (t.fwtable && (err = fill_table(o, &t)))
		goto out;
	if (o->zipf > 0 && o->fill && (err = fill_zipf(bpf_map__fd(t.zipf), o->fill, o->zipf))) {
		fprintf(stderr, "xmip_bench: Zipf table: %s\n", strerror(-err));
		goto out;
	}

	/* 1. The shipped program once; the caller checks OUT independently. */
	if (test_run(bpf_program__fd(t.once), in, len, o->ifindex, 1, out, &out_len, &retval) < 0)
		goto out;
	if (write_frame(o->out, out, out_len))
		goto out;
	printf("{\"retval\": %u, \"out_len\": %u, \"once_stats\": {", retval, out_len);
	for (__u32 k = 0, first = 1; k < XMIP_STAT__MAX; k++) {
		__u64 v = sum_percpu(bpf_map__fd(t.stats), k);

		if (v) {
			printf("%s\"%s\": %llu", first ? "" : ", ", stat_names[k],
			       (unsigned long long)v);
			first = 0;
		}
	}
	printf("}");
	zero_percpu(bpf_map__fd(t.stats), XMIP_STAT__MAX);

	/* 2. Timed: program+restore, restore's copy alone, XDP_PASS, side by side. */
	tm.head_fix = o->head_fix;
	/* Whatever the program did to the tail, once the head is back. */
	tm.tail_fix = (int)len - ((int)out_len - o->head_fix);
	tm.restore_len = o->restore_len;
	memcpy(tm.b, in, len < sizeof(tm.b) ? len : sizeof(tm.b));
	if (o->vary && o->fill) {
		tm.vary_n = o->fill;
		tm.vary_off = 14 + 24 + 12;   /* last word of the IPv6 destination */
		tm.vary_base = 0;
		if (t.relay) {
			/* the tunnel header's path id behind an IPv4 outer header and UDP */
			tm.vary_off = 14 + 20 + 8 + 4;
			tm.vary_base = o->fill_path_base;
		}
		tm.vary_zipf = o->zipf > 0;
	}
	if (bpf_map_update_elem(bpf_map__fd(t.tmpl), &zero, &tm, BPF_ANY))
		goto out;
	if (o->drain) {
		rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(t.obj, "xmip_signal")),
				      discard_event, NULL, NULL);
		if (!rb)
			goto out;
	}
	for (int r = 0; r < o->runs; r++) {
		/* The signal path hands every packet to the ring: empty it first. */
		if (rb)
			ring_buffer__consume(rb);
		if (tc_mode) {
			/* repeat one-repetition runs of each (see bench_mn.bpf.c) */
			loop_ns[r] = rew_ns[r] = 0;
			for (int i = 0; i < o->repeat; i++) {
				double a = test_run(bpf_program__fd(t.loop), in, len, o->ifindex, 1,
						    NULL, NULL, NULL);
				double b = test_run(bpf_program__fd(t.rewrite_only), in, len,
						    o->ifindex, 1, NULL, NULL, NULL);

				if (a < 0 || b < 0)
					goto out;
				loop_ns[r] += a / o->repeat;
				rew_ns[r] += b / o->repeat;
			}
		} else {
			loop_ns[r] = test_run(bpf_program__fd(t.loop), in, len, o->ifindex,
					      o->repeat, NULL, NULL, NULL);
			rew_ns[r] = test_run(bpf_program__fd(t.rewrite_only), in, len, o->ifindex,
					     o->repeat, NULL, NULL, NULL);
		}
		pass_ns[r] = t.pass ? test_run(bpf_program__fd(t.pass), in, len, o->ifindex,
					       o->repeat, NULL, NULL, NULL) : 0;
		if (loop_ns[r] < 0 || rew_ns[r] < 0 || pass_ns[r] < 0)
			goto out;
	}
	print_list("loop_ns", loop_ns, o->runs);
	print_list("rewrite_ns", rew_ns, o->runs);
	print_list("pass_ns", pass_ns, o->runs);
	printf(", \"repeat\": %d, \"runs\": %d, \"verdicts\": [", o->repeat, o->runs);
	for (__u32 k = 0; k < VERDICT_SLOTS; k++)
		printf("%s%llu", k ? ", " : "",
		       (unsigned long long)sum_percpu(bpf_map__fd(t.verdicts), k));
	printf("], \"loop_stats\": {");
	for (__u32 k = 0, first = 1; k < XMIP_STAT__MAX; k++) {
		__u64 v = sum_percpu(bpf_map__fd(t.stats), k);

		if (v) {
			printf("%s\"%s\": %llu", first ? "" : ", ", stat_names[k],
			       (unsigned long long)v);
			first = 0;
		}
	}
	printf("}, \"bindings\": %u, \"fwtable_memlock\": %lld, \"fwtable_slots\": %u, "
	       "\"relay_memlock\": %lld}\n",
	       o->fill + (unsigned int)o->n_binds,
	       t.fwtable ? map_memlock(bpf_map__fd(t.fwtable)) : 0, t.fw_slots,
	       t.relay ? map_memlock(bpf_map__fd(t.relay)) : 0);
	rc = 0;
out:
	ring_buffer__free(rb);
	if (t.skel && !strcmp(o->obj, "rs"))
		bench_rs__destroy(t.skel);
	else if (t.skel && !strcmp(o->obj, "ha"))
		bench_ha__destroy(t.skel);
	else if (t.skel)
		bench_mn__destroy(t.skel);
	return rc;
}

static int cmd_gen(struct opts *o)
{
	static __u8 in[MAX_PKT];
	struct bench_net *s = NULL;
	struct bench_tmpl tm = { 0 };
	struct timespec a, b;
	__u32 zero = 0;
	size_t len;
	int ifindex, rc = 1;

	if (!o->dev || !o->in || !o->count || read_frame(o->in, in, &len))
		die_usage();
	ifindex = if_nametoindex(o->dev);
	s = bench_net__open_and_load();
	if (!ifindex || !s) {
		fprintf(stderr, "xmip_bench: gen on %s: %s\n", o->dev, strerror(errno));
		goto out;
	}
	tm.restore_len = len < 128 ? len : 128;
	memcpy(tm.b, in, tm.restore_len);
	if (o->sources) {
		if (len < 14 + 40 || in[12] != 0x86 || in[13] != 0xdd)
			die_usage();
		tm.vary_n = o->sources;
		tm.vary_off = 14 + 8 + 4;   /* source octets 4..7: its /64 */
		tm.vary_base = 0x00f00000;  /* 2001:db8:f0:<i>::/64 with a 2001:db8::/32 FRAME */
	}
	if (bpf_map_update_elem(bpf_map__fd(s->maps.bench_tmpl), &zero, &tm, BPF_ANY))
		goto out;
	{
		struct xdp_md ctx = { .data = 0, .data_end = len, .ingress_ifindex = ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = in, .data_size_in = len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = o->count,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 256);

		clock_gettime(CLOCK_MONOTONIC, &a);
		if (bpf_prog_test_run_opts(bpf_program__fd(s->progs.bench_gen), &t)) {
			fprintf(stderr, "xmip_bench: live frames: %s\n", strerror(errno));
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("{\"sent\": %u, \"start_ns\": %lld, \"end_ns\": %lld, \"seconds\": %.6f}\n",
		       o->count, (long long)a.tv_sec * 1000000000LL + a.tv_nsec,
		       (long long)b.tv_sec * 1000000000LL + b.tv_nsec,
		       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	}
	rc = 0;
out:
	bench_net__destroy(s);
	return rc;
}

static int pin_map(struct bpf_map *m, const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	return bpf_map__pin(m, path);
}

static int cmd_attach(struct opts *o)
{
	struct bench_net *s = bench_net__open_and_load();
	struct bench_net_cfg cfg = { 0 };
	struct bpf_program *p;
	__u32 zero = 0;
	int ifindex, rc = 1;

	if (!o->dev || !o->prog)
		die_usage();
	ifindex = if_nametoindex(o->dev);
	if (!s || !ifindex) {
		fprintf(stderr, "xmip_bench: attach %s: %s\n", o->dev, strerror(errno));
		goto out;
	}
	cfg.redirect_ifindex = o->target ? if_nametoindex(o->target) : 0;
	memcpy(cfg.hoa, o->hoa, 16);
	memcpy(cfg.coa, o->coa, 16);
	memcpy(cfg.coa2, o->coa2, 16);
	cfg.m4_src = o->m4.src;
	cfg.m4_dst = o->m4.dst;
	cfg.m4_sport = o->m4.sport;
	cfg.m4_dport = o->m4.dport;
	cfg.m4_proto = o->m4.proto;
	cfg.m4_ttl = o->m4.ttl;
	cfg.t_src = o->tun.src;
	cfg.t_dst = o->tun.dst;
	cfg.t_sport = o->tun.sport;
	cfg.t_dport = o->tun.dport;
	cfg.t_path = o->tun.path;
	cfg.t_vip = o->tun.vip;
	if (bpf_map_update_elem(bpf_map__fd(s->maps.bench_net_cfg), &zero, &cfg, BPF_ANY))
		goto out;
	if (!strcmp(o->prog, "ntm-node")) {
		LIBBPF_OPTS(bpf_tc_hook, eg, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_hook, in, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, te, .prog_fd = bpf_program__fd(s->progs.bench_ntm_encap));
		LIBBPF_OPTS(bpf_tc_opts, ti, .prog_fd = bpf_program__fd(s->progs.bench_ntm_decap));
		int err = bpf_tc_hook_create(&eg);

		if ((err && err != -EEXIST) || (err = bpf_tc_attach(&eg, &te)) ||
		    (err = bpf_tc_attach(&in, &ti))) {
			fprintf(stderr, "xmip_bench: tc attach to %s: %s\n", o->dev, strerror(-err));
			goto out;
		}
		printf("{\"attached\": \"%s\", \"prog\": \"ntm-node\"}\n", o->dev);
		rc = 0;
		goto out;
	}
	if (!strcmp(o->prog, "tc-decap")) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, tco, .prog_fd = bpf_program__fd(s->progs.bench_tc_decap));
		int err = bpf_tc_hook_create(&hook);

		if ((err && err != -EEXIST) || (err = bpf_tc_attach(&hook, &tco))) {
			fprintf(stderr, "xmip_bench: tc attach to %s: %s\n", o->dev, strerror(-err));
			goto out;
		}
		printf("{\"attached\": \"%s\", \"prog\": \"tc-decap\"}\n", o->dev);
		rc = 0;
		goto out;
	}
	if (!strcmp(o->prog, "pass"))
		p = s->progs.bench_pass;
	else if (!strcmp(o->prog, "redirect"))
		p = s->progs.bench_redirect;
	else if (!strcmp(o->prog, "sink"))
		p = s->progs.bench_sink;
	else
		die_usage();
	if (o->pin_dir && (pin_map(s->maps.bench_sink_count, o->pin_dir, "bench_sink_count") ||
			   pin_map(s->maps.bench_sink_time, o->pin_dir, "bench_sink_time") ||
			   pin_map(s->maps.bench_net_cfg, o->pin_dir, "bench_net_cfg"))) {
		fprintf(stderr, "xmip_bench: pinning in %s: %s\n", o->pin_dir, strerror(errno));
		goto out;
	}
	if (bpf_xdp_attach(ifindex, bpf_program__fd(p), XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "xmip_bench: XDP attach to %s: %s\n", o->dev, strerror(errno));
		goto out;
	}
	printf("{\"attached\": \"%s\", \"prog\": \"%s\"}\n", o->dev, o->prog);
	rc = 0;
out:
	bench_net__destroy(s);
	return rc;
}

static int cmd_sink_read(struct opts *o)
{
	char path[512];
	int cfd, tfd;

	if (!o->pin_dir)
		die_usage();
	snprintf(path, sizeof(path), "%s/bench_sink_count", o->pin_dir);
	cfd = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/bench_sink_time", o->pin_dir);
	tfd = bpf_obj_get(path);
	if (cfd < 0 || tfd < 0) {
		fprintf(stderr, "xmip_bench: %s: %s\n", o->pin_dir, strerror(errno));
		return 1;
	}
	printf("{\"count\": [");
	for (__u32 k = 0; k < SINK_CLASSES; k++)
		printf("%s%llu", k ? ", " : "", (unsigned long long)sum_percpu(cfd, k));
	printf("], \"time\": [");
	for (__u32 k = 0; k < SINK_TIMES; k++) {
		__u64 v = 0;

		bpf_map_lookup_elem(tfd, &k, &v);
		printf("%s%llu", k ? ", " : "", (unsigned long long)v);
	}
	printf("]}\n");
	if (o->reset) {
		__u64 z = 0;

		zero_percpu(cfd, SINK_CLASSES);
		for (__u32 k = 0; k < SINK_TIMES; k++)
			bpf_map_update_elem(tfd, &k, &z, BPF_ANY);
	}
	return 0;
}

struct probe_prog {
	const char *name;
	__u32 want;                   /* the verdict that proves the probe did its work */
};

/* A random cycle through all n elements (Sattolo), as `next` indices, written through mmap. */
static int chase_cycle(int fd, __u32 n)
{
	size_t bytes = (size_t)n * 64;
	__u32 *perm = malloc(sizeof(__u32) * n);
	unsigned int seed = 11;
	char *m;

	if (!perm)
		return -ENOMEM;
	m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		free(perm);
		return -errno;
	}
	for (__u32 i = 0; i < n; i++)
		perm[i] = i;
	for (__u32 i = n - 1; i > 0; i--) {
		__u32 j = (__u32)(((unsigned long long)rand_r(&seed) << 16 ^ rand_r(&seed)) % i), x;

		x = perm[i];
		perm[i] = perm[j];
		perm[j] = x;
	}
	/* perm is one cycle: element perm[i] points at perm[i + 1]. */
	for (__u32 i = 0; i < n; i++)
		*(__u32 *)(m + (size_t)perm[i] * 64) = perm[(i + 1) % n];
	munmap(m, bytes);
	free(perm);
	return 0;
}

static int cmd_probe(struct opts *o)
{
	static const struct probe_prog pp[] = {
		{ "probe_pass", XDP_PASS }, { "probe_config_count", XDP_PASS },
		{ "probe_fw_lookup", XDP_PASS }, { "probe_jiffies_lease", XDP_PASS },
		{ "probe_binding_lookup", XDP_PASS }, { "probe_adjust_head_pair", XDP_PASS },
		{ "probe_fib_lookup", XDP_PASS }, { "probe_redirect", XDP_REDIRECT },
		{ "probe_chase_steps", XDP_PASS },
	};
	enum { NP = sizeof(pp) / sizeof(pp[0]) };
	static __u8 in[MAX_PKT];
	double ns[NP][MAX_RUNS];
	struct bench_probe *s = NULL;
	struct { __u8 src[16], dst[16]; __u32 redirect_ifindex, pad; } cfg = { 0 };
	struct xmip_binding_key k;
	struct xmip_binding v = { 0 };
	struct bpf_map *m;
	__u32 zero = 0, slots = xmip_fwt_slots_for(XMIP_DEFAULT_MAX_BINDINGS);
	size_t len;
	int rc = 1;

	if (!o->in || !o->target || read_frame(o->in, in, &len))
		die_usage();
	s = bench_probe__open();
	if (!s) {
		fprintf(stderr, "xmip_bench: opening bench_probe: %s\n", strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(m, s->obj)
		bpf_map__set_pin_path(m, NULL);
	s->rodata->probe_conf.ready = 1;
	s->rodata->probe_conf.fw_seed = FW_SEED;
	s->rodata->probe_conf.fw_mask = slots - 1;
	bpf_map__set_max_entries(s->maps.xmip_fwtable, 1 + slots);
	if (bench_probe__load(s)) {
		fprintf(stderr, "xmip_bench: loading bench_probe: %s\n", strerror(errno));
		goto out;
	}
	memcpy(cfg.src, o->self, 16);
	memcpy(cfg.dst, o->coa, 16);
	cfg.redirect_ifindex = if_nametoindex(o->target);
	memcpy(k.hoa, o->hoa, 16);
	memcpy(v.coa, o->coa, 16);
	v.expires_ns = NEVER_EXPIRES;
	if (bpf_map_update_elem(bpf_map__fd(s->maps.probe_cfg), &zero, &cfg, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(s->maps.probe_bindings), &k, &v, BPF_ANY))
		goto out;
	{
		/* The fast-path table with the one binding, its next hop prepared. */
		struct xmip_fw_entry e = { .expires = ~0ull, .ifindex = cfg.redirect_ifindex,
					   .flags = XMIP_FW_F_NH, .mtu = 1500 };
		struct xmip_fwt *fw;
		char err[256];
		__u32 seed;

		if (xmip_fwt_format(bpf_map__fd(s->maps.xmip_fwtable), slots, 250, FW_SEED, &seed))
			goto out;
		fw = xmip_fwt_map(bpf_map__fd(s->maps.xmip_fwtable), -1, err, sizeof(err));
		if (!fw)
			goto out;
		memcpy(e.key, o->hoa, 16);
		memcpy(e.coa, o->coa, 16);
		xmip_fwt_set_lease(fw, ~0ull);
		rc = xmip_fwt_put(fw, &e);
		xmip_fwt_close(fw);
		if (rc)
			goto out;
		rc = 1;
	}
	if (chase_cycle(bpf_map__fd(s->maps.probe_chase),
			bpf_map__max_entries(s->maps.probe_chase))) {
		fprintf(stderr, "xmip_bench: chase: %s\n", strerror(errno));
		goto out;
	}
	for (int r = 0; r < o->runs; r++) {
		for (int i = 0; i < NP; i++) {
			struct bpf_program *p = bpf_object__find_program_by_name(s->obj, pp[i].name);
			/* The chase takes 64 misses a repetition: fewer repetitions. */
			int rep = !strcmp(pp[i].name, "probe_chase_steps") ?
				  (o->repeat / 64 > 0 ? o->repeat / 64 : 1) : o->repeat;
			__u32 ret = 0;

			ns[i][r] = p ? test_run(bpf_program__fd(p), in, len, o->ifindex, rep,
						NULL, NULL, &ret) : -1;
			if (ns[i][r] < 0)
				goto out;
			if (ret != pp[i].want) {
				fprintf(stderr, "xmip_bench: %s returned %u, not %u\n", pp[i].name, ret,
					pp[i].want);
				goto out;
			}
		}
	}
	printf("{\"repeat\": %d, \"runs\": %d, \"chase_steps\": 64, \"chase_bytes\": %llu",
	       o->repeat, o->runs,
	       (unsigned long long)bpf_map__max_entries(s->maps.probe_chase) * 64);
	for (int i = 0; i < NP; i++)
		print_list(pp[i].name, ns[i], o->runs);
	printf("}\n");
	rc = 0;
out:
	bench_probe__destroy(s);
	return rc;
}

/* run_time_ns / run_cnt of the XDP program on a device (kernel.bpf_stats_enabled). */
static int cmd_prog_stats(struct opts *o)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info pi = { 0 };
	__u32 len = sizeof(pi);
	int ifindex, fd;

	if (!o->dev)
		die_usage();
	ifindex = if_nametoindex(o->dev);
	if (!ifindex || bpf_xdp_query(ifindex, 0, &q) || !q.prog_id) {
		fprintf(stderr, "xmip_bench: no XDP program on %s\n", o->dev);
		return 1;
	}
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &pi, &len)) {
		fprintf(stderr, "xmip_bench: prog %u: %s\n", q.prog_id, strerror(errno));
		return 1;
	}
	close(fd);
	printf("{\"prog_id\": %u, \"name\": \"%s\", \"run_time_ns\": %llu, \"run_cnt\": %llu}\n",
	       q.prog_id, pi.name, (unsigned long long)pi.run_time_ns,
	       (unsigned long long)pi.run_cnt);
	return 0;
}

int main(int argc, char **argv)
{
	static struct opts o;
	const char *cmd;

	if (argc < 2)
		die_usage();
	cmd = argv[1];
	parse(&o, argc - 1, argv + 1);
	if (o.netns && enter_netns(o.netns))
		return 1;
	if (!strcmp(cmd, "pkt"))
		return cmd_pkt(&o);
	if (!strcmp(cmd, "gen"))
		return cmd_gen(&o);
	if (!strcmp(cmd, "attach"))
		return cmd_attach(&o);
	if (!strcmp(cmd, "probe"))
		return cmd_probe(&o);
	if (!strcmp(cmd, "sink-read"))
		return cmd_sink_read(&o);
	if (!strcmp(cmd, "prog-stats"))
		return cmd_prog_stats(&o);
	die_usage();
	return 2;
}
