// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip_pktrun: run one xmip BPF program on one packet through
 * BPF_PROG_TEST_RUN and report what it did, for the packet tests
 * (selftests/bpf) and the per-packet cost benchmark.
 *
 *   xmip_pktrun -o ha|mn|cn|cls -p xdp|tc -i IN [-w OUT] [-I IFINDEX]
 *               [--self A] [--peer A] [--hoa A] [--mtu N] [--coa-ifindex N]
 *               [--away] [--not-ready] [-b HOA=COA]... [--max-bindings N]
 *               [--expired-binding HOA=COA]... [--binding-encap N]
 *               [--pin-dir DIR] [--netns NAME] [--repeat N | --kernel-repeat N]
 *               [--nh-gen N] [--then IN2]... [--probe-signal] [--batch]
 *               [--no-nh] [--no-lease] [--path-mtu N]
 *               [--ll-binding ADDR=COA]... [--gw-mac MAC] [--fw-seed N] [--gso-size N]
 *               [--mnp PREFIX/LEN=HOA]... (ha, mn: NEMO prefixes in xmip_mnp)
 *   ha: [--self4 A4] (the HA's IPv4 address: DSMIPv6 tunnels)
 *               [--pass]
 *   rs: [--self A6] [--self4 A4] [--rs-port N] [--pool LO-HI]
 *       [--relay FILE] [--rs-path ID]... [--max-bindings N]
 *   ntm: -p tc (ingress, decap) | tc-out (egress, encap); [--rs-port N] the
 *       node's port (49601), [--relay FILE] tunnel entries (struct
 *       xmip_ntm_node_key then struct xmip_ntm_node_val, raw)
 *
 * Prints one JSON object: retval, verdict, out_len, ns_per_packet,
 * the non-zero counters by name, and the ring-buffer events (hex, with
 * each record's size as the ring gave it: records are variable-size).
 * --then IN2 (repeatable) runs more packets once each after IN's --repeat
 * runs, in order, on the same maps (per-source limits, counters and ring
 * carry over); verdict and output are the last run's.
 *
 * HA bindings are written as the agent writes them: the record in
 * xmip_bindings and the slot in xmip_fwtable (lib/fwtable.c), with the
 * CoA's next hop resolved in the namespace over netlink (--no-nh: none,
 * the datapath hands such packets to tc; --no-lease: prepared next hops
 * not trusted, as with no agent running). --path-mtu: every binding's
 * learnt path MTU. --ll-binding: a bound MN's link-local address.
 *
 * --batch (for selftests/bpf/fuzz_bpf.py): IN holds many frames, each a
 * 4-octet little-endian length then the frame; each is run once (from its
 * own bytes) and gets one JSON line instead: index, retval, verdict, the
 * counters that moved for it (deltas), the number of ring-buffer records
 * it produced, whether XDP marked it (the HA's 'decided' mark, taken off
 * the frame), and the output frame in hex when the program may have sent
 * it on (XDP_TX or XDP_REDIRECT) or changed it.
 * -o mn: -b CN=COA (--expired-binding) are elements of xmip_mn_ro, the
 * correspondents holding the MN's binding (route optimisation);
 * --ro-learn sets XMIP_MN_F_RO_LEARN in the state (report new destinations
 * to the ring, xmip_mn_ro_seen); --cn-binding HOA=COA (--cn-expired
 * HOA=COA) are elements of the MN's own correspondent binding cache
 * (xmip_bindings, encap RH2: a peer bound at us, bpf/ro/mn_cn.h), counted
 * in xmip_ro_peers as the agent does (--ro-peers N writes N instead), and the
 * output adds "used" as for -o cn. -o ha:
 * --ha-ro HOA=COA (repeatable) fills xmip_ha_ro (a HoA that sent the HA a
 * Home Address option from COA) and the output adds "ha_ro": the elements
 * after the run, home address -> CoA.
 * -o cn runs the correspondent's programs (bpf/xmip_cn.bpf.c): --self is
 * the CN's address, -b a correspondent binding (encapsulation RH2 unless
 * --binding-encap), and the output adds "used": the home addresses
 * xmip_ro_used marked, with the mark's age in ms. --gso-size N makes the
 * tc skb claim to be GSO (gso_size N, 2 segments). --pass runs "r0 =
 * XDP_PASS (TC_ACT_OK); exit" instead, timed the same way: the
 * benchmark's baseline for a program of the type.
 * -o cls runs the classifier alone (selftests/bpf/progs/xmip_cls_probe.bpf.c,
 * this node's addresses --self and --self4) and adds what it decided.
 *
 * Note on repetitions (measured on this kernel, 6.18): BPF_PROG_TEST_RUN
 * with repeat > 1 does NOT reset an XDP frame between repetitions
 * (net/bpf/test_run.c loops over one xdp_buff): after an encap, runs 2..N
 * see the encapsulated packet. BPF_F_TEST_XDP_LIVE_FRAMES resets the frame
 * pointers but not its bytes (and really transmits the frames). So
 * --repeat N here makes N separate test runs of repeat=1, each from IN,
 * and averages the kernel-measured durations (they exclude the syscall;
 * each includes one ktime_get_ns pair). --kernel-repeat N passes N to the
 * kernel instead: right for programs that leave the packet alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>

#include "fwtable.h"
#include "fwclock.h"
#include "netlink.h"
#include "nexthop.h"
#include "xmip_maps.h"
#include "xmip_ro.h"
#include "xmip_cn.skel.h"
#include "xmip_ha.skel.h"
#include "xmip_mip4_dp.h"     /* its .rodata type, for the skeleton */
#include "xmip_mip4.skel.h"
#include "xmip_mip4_dp.h"
#include "xmip_mn.skel.h"
#include "xmip_ntm.h"
#include "xmip_ntm_relay.h"
#include "xmip_rs.skel.h"
#include "xmip_ntm_node.h"
#include "xmip_ntm.skel.h"
#include "xmip_cls_probe.skel.h"

#define MAX_PKT   16384
#define MAX_BINDS 64
#define MAX_EVENTS 512
#define MAX_THEN   256

static const char *const stat_names[] = {
#define XMIP_STAT_NAME(name, desc) #name,
	XMIP_STAT_LIST(XMIP_STAT_NAME)
#undef XMIP_STAT_NAME
};

struct bind_arg {
	struct xmip_binding_key key;
	struct xmip_binding val;
	bool expired;
	bool linklocal;       /* --ll-binding: the slot of a bound MN's link-local address */
};

struct opts {
	const char *obj, *prog, *in, *out, *pin_dir, *netns, *attach_dev;
	int ifindex, repeat;
	bool not_ready, verbose;
	int kernel_repeat;
	/* --self is the HA's address (ha) or the CoA (mn); --peer the MN's HA. */
	__u8 self[16], peer[16], hoa[16], home_prefix[16];
	__u8 home_plen;
	__u16 tunnel_mtu;
	__u32 coa_ifindex;
	bool away, no_state, ro_learn;
	__be32 self4;
	struct bind_arg binds[MAX_BINDS];
	int n_binds;
	struct bind_arg ha_ro[MAX_BINDS];   /* --ha-ro HOA=COA */
	int n_ha_ro;
	struct bind_arg cn_binds[MAX_BINDS];   /* -o mn: --cn-binding / --cn-expired HOA=COA */
	int n_cn_binds;
	long ro_peers;                         /* -o mn: --ro-peers N (-1: the count of --cn-binding) */
	unsigned int max_bindings;
	bool set_nh_gen;
	__u64 nh_gen;
	const char *then[MAX_THEN];
	int n_then;
	bool probe_signal;
	bool batch;
	bool no_nh, no_lease;
	__u16 path_mtu;
	__u8 gw_mac[6];
	__u32 fw_seed;
	__u32 gso_size;       /* tc: the skb stands for segments of this size (gso_size) */
	__u8 mn_mode;         /* --mn4: DSMIPv6 state of the MN (enum xmip_mn_mode) */
	__be32 mn_coa4, mn_ha4, mn_hoa4;
	__u16 mn_port;        /* our UDP port (4191) */
	bool trivial;         /* --pass: the baseline program instead */
	/* rs */
	__u16 rs_port, pool_lo, pool_hi;
	const char *relay_file;
	__be32 rs_paths[MAX_BINDS];
	int n_rs_paths;
	/* --mnp: mobile network prefixes (RFC 3963) for the LPM trie xmip_mnp */
	struct xmip_mnp_key mnp_key[MAX_BINDS];
	struct xmip_mnp_val mnp_val[MAX_BINDS];
	int n_mnp;
};

struct events {
	int n;
	struct xmip_signal_event ev[MAX_EVENTS];
	size_t size[MAX_EVENTS];   /* the record's size in the ring */
};

static void usage(void)
{
	fprintf(stderr,
		"usage: xmip_pktrun -o ha|mn|cn|cls -p xdp|tc -i IN [-w OUT] [-I IFINDEX]\n"
		"       [--self4 A.B.C.D] (cls: this node's IPv4 address; ha: the HA's, DSMIPv6)\n"
		"       [--self ADDR] [--peer ADDR] [--hoa ADDR] [--mtu N] [--coa-ifindex N]\n"
		"       [--away] [--not-ready] [-b HOA=COA]... [--max-bindings N]\n"
		"       [--expired-binding HOA=COA]... [--binding-encap N]\n"
		"       [--pin-dir DIR] [--netns NAME] [--repeat N | --kernel-repeat N]\n"
		"       [--nh-gen N] [--then IN2]... [--probe-signal] [--batch] [--ro-learn]\n"
		"       [--cn-binding HOA=COA]... [--cn-expired HOA=COA]... [--ro-peers N] (mn)\n"
		"       [--no-nh] [--no-lease] [--path-mtu N] [--ll-binding ADDR=COA]...\n"
		"       [--gw-mac MAC] [--fw-seed N] [--gso-size N] [--pass]\n"
		"       [--mn4 MODE,COA4,HA4,HOA4[,PORT]] (mn: DSMIPv6 state, mode 0 ip6 1 ipv4 2 udp4)\n"
		"ha: --self is the HA's address (rodata); mn: --hoa (rodata), --self the\n"
		"CoA, --peer the HA, --coa-ifindex, --away (the xmip_mn_state element);\n"
		"cn: --self the CN's address (rodata), -b correspondent bindings (RH2).\n"
		"--no-state: mn: write no xmip_mn_state element (as before an agent ran).\n"
		"--binding-encap N: the encapsulation of every binding (default 0; cn: 1).\n"
		"--binding-flags N: every binding's bu_flags (Mobile IPv4: XMIP_MIP4_REC_*).\n"
		"--no-nh / --no-lease / --path-mtu N / --ll-binding ADDR=COA / --gw-mac MAC\n"
		"/ --fw-seed N: see the comment at the top of selftests/tools/xmip_pktrun.c\n"
		"--gso-size N: tc: the skb claims to be GSO (gso_size N, 2 segments).\n"
		"--pass: run \"r0 = XDP_PASS (TC_ACT_OK); exit\" instead, timed the same\n"
		"way (the benchmark's baseline); the object is loaded all the same.\n"
		"--nh-gen N: set the next-hop generation (xmip_nh_gen) before the runs;\n"
		"cached next hops of another generation are looked up again.\n"
		"--attach DEV: instead of a test run, attach the program to DEV (XDP in\n"
		"native mode, tc on egress) and exit, leaving it attached; with --pin-dir\n"
		"the maps stay readable (for real-traffic tests in namespaces).\n"
		"-v: print libbpf debug output and the verifier's statistics per program\n"
		"(XMIP_PKTRUN_VLOG=1 in the environment: the whole verifier log).\n"
		"--netns NAME: run in /run/netns/NAME (a setns of the network namespace\n"
		"only, unlike `ip netns exec`, so /sys/fs/bpf stays visible for pins).\n"
		"--repeat N: N test runs, each from IN; mean kernel-measured ns per run.\n"
		"--probe-signal: cls: hand frames to this node (IPv6 or IPv4) to the\n"
		"signalling path (per-source admission, ring buffer) after classifying.\n"
		"--then IN2: after IN's runs, run IN2 once on the same maps; repeatable;\n"
		"the verdict and OUT are the last run's.\n"
		"--kernel-repeat N: one test run with repeat=N (the kernel does not\n"
		"reset the packet between repetitions: only for read-only programs).\n"
		"--batch: IN is many frames (4-octet little-endian length, frame); one\n"
		"JSON line per frame with its verdict, counter deltas, ring records and,\n"
		"when it may leave, the output frame (not with --then or --repeat).\n"
		"rs: --self/--self4 the relay's addresses, --rs-port (49602), --pool LO-HI\n"
		"(pool ports), --relay FILE: relay entries, each a struct xmip_ntm_relay_key\n"
		"then a struct xmip_ntm_relay_val (raw); --rs-path ID: a directed path\n"
		"(xmip_rs_paths); --max-bindings N sizes the relay table.\n");
	exit(2);
}

static void parse_addr(const char *s, __u8 out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1) {
		fprintf(stderr, "xmip_pktrun: bad IPv6 address '%s'\n", s);
		exit(2);
	}
}

static long parse_num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "xmip_pktrun: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static __u64 boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/* A binding granted 600 s now, or (expired) one whose lifetime ran out. */
static void parse_binding(struct opts *o, char *arg, bool expired, bool linklocal)
{
	char *eq = strchr(arg, '=');
	struct bind_arg *b;

	if (!eq || o->n_binds == MAX_BINDS)
		usage();
	*eq = '\0';
	b = &o->binds[o->n_binds++];
	memset(b, 0, sizeof(*b));
	parse_addr(arg, b->key.hoa);
	parse_addr(eq + 1, b->val.coa);
	b->val.lifetime_s = 600;
	b->val.expires_ns = expired ? boottime_ns() - 1000000000ull :
			    boottime_ns() + 600 * 1000000000ull;
	b->val.bu_flags = 0x4000;   /* H */
	b->expired = expired;
	b->linklocal = linklocal;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "obj", required_argument, NULL, 'o' },
		{ "prog", required_argument, NULL, 'p' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'w' },
		{ "ifindex", required_argument, NULL, 'I' },
		{ "binding", required_argument, NULL, 'b' },
		{ "self", required_argument, NULL, 1 },
		{ "peer", required_argument, NULL, 2 },
		{ "hoa", required_argument, NULL, 3 },
		{ "mtu", required_argument, NULL, 4 },
		{ "coa-ifindex", required_argument, NULL, 5 },
		{ "away", no_argument, NULL, 6 },
		{ "not-ready", no_argument, NULL, 7 },
		{ "max-bindings", required_argument, NULL, 8 },
		{ "pin-dir", required_argument, NULL, 9 },
		{ "repeat", required_argument, NULL, 10 },
		{ "kernel-repeat", required_argument, NULL, 11 },
		{ "home-prefix", required_argument, NULL, 12 },
		{ "netns", required_argument, NULL, 13 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "attach", required_argument, NULL, 14 },
		{ "expired-binding", required_argument, NULL, 15 },
		{ "nh-gen", required_argument, NULL, 16 },
		{ "binding-encap", required_argument, NULL, 17 },
		{ "no-state", no_argument, NULL, 18 },
		{ "self4", required_argument, NULL, 19 },
		{ "then", required_argument, NULL, 20 },
		{ "probe-signal", no_argument, NULL, 21 },
		{ "batch", no_argument, NULL, 22 },
		{ "no-nh", no_argument, NULL, 27 },
		{ "no-lease", no_argument, NULL, 28 },
		{ "path-mtu", required_argument, NULL, 29 },
		{ "ll-binding", required_argument, NULL, 23 },
		{ "gw-mac", required_argument, NULL, 24 },
		{ "fw-seed", required_argument, NULL, 25 },
		{ "gso-size", required_argument, NULL, 26 },
		{ "mn4", required_argument, NULL, 60 },
		{ "rs-port", required_argument, NULL, 30 },
		{ "pool", required_argument, NULL, 31 },
		{ "relay", required_argument, NULL, 32 },
		{ "rs-path", required_argument, NULL, 33 },
		{ "pass", no_argument, NULL, 34 },
		{ "mnp", required_argument, NULL, 61 },
		{ "ha-ro", required_argument, NULL, 35 },
		{ "binding-flags", required_argument, NULL, 62 },
		{ "ro-learn", no_argument, NULL, 63 },
		{ "cn-binding", required_argument, NULL, 70 },
		{ "cn-expired", required_argument, NULL, 71 },
		{ "ro-peers", required_argument, NULL, 72 },
		{ NULL, 0, NULL, 0 },
	};
	long encap = -1, bflags = -1;
	int c;

	memset(o, 0, sizeof(*o));
	o->ro_peers = -1;
	o->repeat = 1;
	o->kernel_repeat = 1;
	o->rs_port = 49602;
	o->pool_lo = 50000;
	o->pool_hi = 59999;
	while ((c = getopt_long(argc, argv, "o:p:i:w:I:b:v", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->obj = optarg; break;
		case 'p': o->prog = optarg; break;
		case 'i': o->in = optarg; break;
		case 'w': o->out = optarg; break;
		case 'I': o->ifindex = parse_num(optarg, 1 << 30); break;
		case 'b': parse_binding(o, optarg, false, false); break;
		case 15: parse_binding(o, optarg, true, false); break;
		case 35: {
			/* --ha-ro HOA=COA: parsed as a binding, kept apart */
			int n = o->n_binds;

			parse_binding(o, optarg, false, false);
			if (o->n_ha_ro >= MAX_BINDS)
				usage();
			o->ha_ro[o->n_ha_ro++] = o->binds[n];
			o->n_binds = n;
			break;
		}
		case 23: parse_binding(o, optarg, false, true); break;
		case 72:
			o->ro_peers = strtol(optarg, NULL, 0);
			break;
		case 70:
		case 71: {
			/* --cn-binding / --cn-expired HOA=COA: a correspondent binding, kept apart */
			int n = o->n_binds;

			parse_binding(o, optarg, c == 71, false);
			if (o->n_cn_binds >= MAX_BINDS)
				usage();
			o->binds[n].val.encap = XMIP_ENCAP_RH2;
			o->binds[n].val.bu_flags = 0;
			o->cn_binds[o->n_cn_binds++] = o->binds[n];
			o->n_binds = n;
			break;
		}
		case 61: {
			/* --mnp PREFIX/LEN=HOA */
			char buf[128], *slash, *eq;
			int n = o->n_mnp;

			if (n >= MAX_BINDS || strlen(optarg) >= sizeof(buf))
				usage();
			strcpy(buf, optarg);
			slash = strchr(buf, '/');
			eq = strchr(buf, '=');
			if (!slash || !eq || eq < slash)
				usage();
			*slash = *eq = '\0';
			memset(&o->mnp_key[n], 0, sizeof(o->mnp_key[n]));
			o->mnp_key[n].prefixlen = parse_num(slash + 1, 128);
			if (inet_pton(AF_INET6, buf, o->mnp_key[n].prefix) != 1 ||
			    inet_pton(AF_INET6, eq + 1, o->mnp_val[n].hoa) != 1)
				usage();
			o->n_mnp++;
			break;
		}
		case 27: o->no_nh = true; break;
		case 28: o->no_lease = true; break;
		case 29: o->path_mtu = parse_num(optarg, 65535); break;
		case 24:
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &o->gw_mac[0],
				   &o->gw_mac[1], &o->gw_mac[2], &o->gw_mac[3], &o->gw_mac[4],
				   &o->gw_mac[5]) != 6)
				usage();
			break;
		case 25: o->fw_seed = parse_num(optarg, 0xffffffffL); break;
		case 26: o->gso_size = parse_num(optarg, 65535); break;
		case 60: {
			/* --mn4 MODE,COA4,HA4,HOA4[,PORT]: 0.0.0.0 for none */
			char c4[32], h4[32], o4[32];
			unsigned int mode, port = 4191;

			if (sscanf(optarg, "%u,%31[0-9.],%31[0-9.],%31[0-9.],%u", &mode, c4, h4, o4,
				   &port) < 4 || mode > 2 || port > 65535 ||
			    inet_pton(AF_INET, c4, &o->mn_coa4) != 1 ||
			    inet_pton(AF_INET, h4, &o->mn_ha4) != 1 ||
			    inet_pton(AF_INET, o4, &o->mn_hoa4) != 1)
				usage();
			o->mn_mode = (__u8)mode;
			o->mn_port = (__u16)port;
			break;
		}
		case 1: parse_addr(optarg, o->self); break;
		case 2: parse_addr(optarg, o->peer); break;
		case 3: parse_addr(optarg, o->hoa); break;
		case 4: o->tunnel_mtu = parse_num(optarg, 65535); break;
		case 5: o->coa_ifindex = parse_num(optarg, 1 << 30); break;
		case 6: o->away = true; break;
		case 63: o->ro_learn = true; break;
		case 7: o->not_ready = true; break;
		case 8: o->max_bindings = parse_num(optarg, 1 << 26); break;
		case 9: o->pin_dir = optarg; break;
		case 10: o->repeat = parse_num(optarg, 1 << 30); break;
		case 11: o->kernel_repeat = parse_num(optarg, 1 << 30); break;
		case 12: {
			char *slash = strchr(optarg, '/');

			if (!slash)
				usage();
			*slash = '\0';
			parse_addr(optarg, o->home_prefix);
			o->home_plen = parse_num(slash + 1, 128);
			break;
		}
		case 13: o->netns = optarg; break;
		case 'v': o->verbose = true; break;
		case 14: o->attach_dev = optarg; break;
		case 16:
			o->nh_gen = parse_num(optarg, 0x7fffffffffffffffL);
			o->set_nh_gen = true;
			break;
		case 17:
			encap = parse_num(optarg, 255);
			break;
		case 62:
			bflags = parse_num(optarg, 0xffff);
			break;
		case 18: o->no_state = true; break;
		case 19:
			if (inet_pton(AF_INET, optarg, &o->self4) != 1)
				usage();
			break;
		case 20:
			if (o->n_then == MAX_THEN)
				usage();
			o->then[o->n_then++] = optarg;
			break;
		case 21: o->probe_signal = true; break;
		case 22: o->batch = true; break;
		case 30: o->rs_port = parse_num(optarg, 65535); break;
		case 31: {
			char *dash = strchr(optarg, '-');

			if (!dash)
				usage();
			*dash = '\0';
			o->pool_lo = parse_num(optarg, 65535);
			o->pool_hi = parse_num(dash + 1, 65535);
			break;
		}
		case 32: o->relay_file = optarg; break;
		case 33:
			if (o->n_rs_paths == MAX_BINDS)
				usage();
			o->rs_paths[o->n_rs_paths++] = htonl((__u32)strtoul(optarg, NULL, 0));
			break;
		case 34: o->trivial = true; break;
		default: usage();
		}
	}
	if (!o->obj || !o->prog || (!o->in && !o->attach_dev) || optind != argc || o->repeat < 1 ||
	    o->kernel_repeat < 1 || (o->repeat > 1 && o->kernel_repeat > 1))
		usage();
	if (strcmp(o->obj, "ha") && strcmp(o->obj, "mn") && strcmp(o->obj, "cls") &&
	    strcmp(o->obj, "rs") && strcmp(o->obj, "cn") && strcmp(o->obj, "ntm") &&
	    strcmp(o->obj, "mip4"))
		usage();
	if (!strcmp(o->obj, "mip4") && !strcmp(o->prog, "xdp"))
		usage();   /* the FA's and the co-located MN's: tc only */
	if (o->batch && (o->n_then || o->repeat > 1 || o->kernel_repeat > 1 || !o->in))
		usage();   /* a batch runs each of its frames once */
	if (!strcmp(o->obj, "cls") && strcmp(o->prog, "xdp"))
		usage();
	if (strcmp(o->prog, "xdp") && strcmp(o->prog, "tc") && strcmp(o->prog, "tc-out"))
		usage();
	if (strcmp(o->obj, "ha") && strcmp(o->obj, "ntm") && strcmp(o->obj, "mip4") &&
	    !strcmp(o->prog, "tc-out"))
		usage();
	if (!strcmp(o->obj, "ntm") && !strcmp(o->prog, "xdp"))
		usage();
	if (!strcmp(o->obj, "rs") && strcmp(o->prog, "xdp"))
		usage();
	if (encap < 0)   /* what the role's agent writes */
		encap = !strcmp(o->obj, "cn") ? XMIP_ENCAP_RH2 : XMIP_ENCAP_IP6IP6;
	for (int i = 0; i < o->n_binds; i++) {
		o->binds[i].val.encap = (__u8)encap;
		if (bflags >= 0)
			o->binds[i].val.bu_flags = (__u16)bflags;   /* e.g. XMIP_MIP4_REC_* */
		o->binds[i].val.path_mtu = o->path_mtu;
		if (!strcmp(o->obj, "cn"))
			o->binds[i].val.seq = 1;   /* as an accepted first BU leaves it */
	}
	if (!o->fw_seed)
		o->fw_seed = 0x5eed1234;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "xmip_pktrun: netns %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int read_file(const char *path, unsigned char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "xmip_pktrun: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*len = fread(buf, 1, cap, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "xmip_pktrun: %s: unreadable or larger than %zu\n", path, cap);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int write_file(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "xmip_pktrun: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static const char *verdict_name(bool xdp, int rv)
{
	if (xdp) {
		switch (rv) {
		case XDP_ABORTED: return "XDP_ABORTED";
		case XDP_DROP: return "XDP_DROP";
		case XDP_PASS: return "XDP_PASS";
		case XDP_TX: return "XDP_TX";
		case XDP_REDIRECT: return "XDP_REDIRECT";
		}
	} else {
		switch (rv) {
		case TC_ACT_OK: return "TC_ACT_OK";
		case TC_ACT_SHOT: return "TC_ACT_SHOT";
		case TC_ACT_REDIRECT: return "TC_ACT_REDIRECT";
		}
	}
	return "UNKNOWN";
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct events *e = ctx;

	if (e->n < MAX_EVENTS && size >= offsetof(struct xmip_signal_event, pkt)) {
		memset(&e->ev[e->n], 0, sizeof(e->ev[0]));
		memcpy(&e->ev[e->n], data, size < sizeof(e->ev[0]) ? size : sizeof(e->ev[0]));
		e->size[e->n++] = size;
	}
	return 0;
}

static void print_stats(int stats_fd)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	bool first = true;
	__u32 k;

	printf(", \"stats\": {");
	if (ncpu <= 0)
		goto out;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		goto out;
	for (k = 0; k < XMIP_STAT__MAX; k++) {
		__u64 sum = 0;
		int c;

		if (bpf_map_lookup_elem(stats_fd, &k, vals))
			continue;
		for (c = 0; c < ncpu; c++)
			sum += vals[c];
		if (!sum)
			continue;
		printf("%s\"%s\": %llu", first ? "" : ", ", stat_names[k],
		       (unsigned long long)sum);
		first = false;
	}
	free(vals);
out:
	printf("}");
}

static void print_events(const struct events *e)
{
	int i;
	__u32 j;

	printf(", \"signal\": [");
	for (i = 0; i < e->n; i++) {
		const struct xmip_signal_event *ev = &e->ev[i];
		__u32 len = ev->len < XMIP_SIGNAL_MAX_PKT ? ev->len : XMIP_SIGNAL_MAX_PKT;

		printf("%s{\"family\": %u, \"hdr_len\": %u, \"ifindex\": %u, \"len\": %u, "
		       "\"size\": %zu, \"pkt\": \"", i ? ", " : "", ev->family, ev->hdr_len,
		       ev->ifindex, ev->len, e->size[i]);
		for (j = 0; j < len; j++)
			printf("%02x", ev->pkt[j]);
		printf("\"}");
	}
	printf("]");
}

/* What the classifier probe decided (selftests/bpf/progs/xmip_cls_probe.bpf.c). */
static void print_cls(int fd)
{
	struct {
		__s32 class, verdict;
		__u16 l3_off, l4_off, l3_len, sport, dport;
		__u8  proto, frag, ip4_opts, pad[3];
		__u8  proto6, has_hao, has_rh2, frag6;
		__u16 l4_off6, hao_off, rh2_off, dstopts_off, dstopts_len;
	} r;
	__u32 zero = 0;

	struct bpf_map_info mi = { 0 };
	__u32 mi_len = sizeof(mi);

	/* struct probe_result: class, verdict, struct xmip_cls (its 30 octets), padding. */
	if (bpf_obj_get_info_by_fd(fd, &mi, &mi_len) || mi.value_size != sizeof(r)) {
		fprintf(stderr, "xmip_pktrun: probe_result is not the layout this tool reads\n");
		exit(1);
	}
	if (bpf_map_lookup_elem(fd, &zero, &r))
		return;
	printf(", \"cls\": {\"class\": %d, \"verdict\": %d, \"l3_off\": %u, \"l4_off\": %u, "
	       "\"l3_len\": %u, \"sport\": %u, \"dport\": %u, \"proto\": %u, \"frag\": %u, "
	       "\"ip4_opts\": %u, \"has_hao\": %u, \"has_rh2\": %u}", r.class, r.verdict,
	       r.l3_off, r.l4_off, r.l3_len, r.sport, r.dport, r.proto, r.frag, r.ip4_opts,
	       r.has_hao, r.has_rh2);
}

/* -o cn: the home addresses xmip_ro_used holds, with the age of their mark in ms. */
static void print_used(int fd)
{
	struct xmip_binding_key k, next;
	void *prev = NULL;
	__u64 now = boottime_ns();
	bool first = true;

	printf(", \"used\": {");
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct xmip_ro_used u;
		char a[INET6_ADDRSTRLEN];

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &u))
			continue;
		inet_ntop(AF_INET6, k.hoa, a, sizeof(a));
		printf("%s\"%s\": %lld", first ? "" : ", ", a,
		       (long long)((__s64)(now - u.last_ns) / 1000000));
		first = false;
	}
	printf("}");
}

/* -o ha: what xmip_ha_ro holds, home address -> CoA. */
static void print_ha_ro(int fd)
{
	struct xmip_binding_key k, next;
	void *prev = NULL;
	bool first = true;

	printf(", \"ha_ro\": {");
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct xmip_ha_ro r;
		char a[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &r))
			continue;
		inet_ntop(AF_INET6, k.hoa, a, sizeof(a));
		inet_ntop(AF_INET6, r.coa, c, sizeof(c));
		printf("%s\"%s\": \"%s\"", first ? "" : ", ", a, c);
		first = false;
	}
	printf("}");
}

/* --pass: "r0 = verdict; exit", the cheapest program of the type (the benchmark's baseline). */
static int trivial_prog(bool xdp)
{
	struct bpf_insn insns[2];

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[0].imm = xdp ? XDP_PASS : TC_ACT_OK;
	insns[1].code = BPF_JMP | BPF_EXIT;
	return bpf_prog_load(xdp ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SCHED_CLS, "trivial", "GPL",
			     insns, 2, NULL);
}

/* The maps and programs of whichever skeleton was loaded. */
struct loaded {
	struct bpf_object *obj;
	struct bpf_map *bindings, *mn_state, *stats, *signal, *nh_gen;  /* NULL: not in the role */
	struct bpf_map *fwtable;
	struct bpf_program *clock;
	__u32 fw_slots;
	struct bpf_map *ro_used;      /* -o cn */
	struct bpf_map *mn_ro;        /* -o mn: correspondents holding our binding */
	struct bpf_map *ha_ro;        /* -o ha: home addresses that sent a HAO */
	struct bpf_program *prog;
	int prog_fd;                  /* prog's, or --pass's trivial program */
	struct bpf_map *cls_result;   /* -o cls */
	struct bpf_map *relay, *rs_paths;  /* -o rs */
	struct bpf_map *ntm_tunnels;       /* -o ntm */
	struct bpf_map *m4tun;        /* -o mip4: xmip_mip4_tun (--relay FILE of key+value records) */
};

static void unpin_all(struct bpf_object *obj)
{
	struct bpf_map *m;

	/* Without a pin directory, keep the test's maps private. */
	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

/* Attach for real: XDP (native) or tc egress, both outliving this process. */
static int attach(const struct opts *o, bool xdp, int prog_fd)
{
	int ifindex = if_nametoindex(o->attach_dev);
	int err;

	if (!ifindex) {
		fprintf(stderr, "xmip_pktrun: %s: %s\n", o->attach_dev, strerror(errno));
		return -1;
	}
	if (xdp) {
		err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	} else {
		/* The HA's "tc" is its ingress program; every other tc program is egress. */
		bool in = !strcmp(o->obj, "ha") && !strcmp(o->prog, "tc");
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = in ? BPF_TC_INGRESS : BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, tco, .prog_fd = prog_fd);

		err = bpf_tc_hook_create(&hook);
		if (err && err != -EEXIST)
			goto fail;
		err = bpf_tc_attach(&hook, &tco);
	}
	if (err)
		goto fail;
	printf("{\"attached\": \"%s\", \"ifindex\": %d, \"prog\": \"%s\"}\n",
	       o->attach_dev, ifindex, o->prog);
	return 0;
fail:
	fprintf(stderr, "xmip_pktrun: attach to %s: %s\n", o->attach_dev, strerror(-err));
	return -1;
}

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static int load(const struct opts *o, struct loaded *l, void **skel_out)
{
	/* Log level 4 (BPF_LOG_STATS): instructions processed, states. */
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = o->pin_dir,
		    .kernel_log_level = o->verbose ? (getenv("XMIP_PKTRUN_VLOG") ? 1 : 4) : 0);

	if (o->verbose)
		libbpf_set_print(print_all);
	int err = 0;

	if (!strcmp(o->obj, "ha")) {
		struct xmip_ha *s = xmip_ha__open_opts(&oo);

		if (!s)
			return -errno;
		*skel_out = s;
		l->obj = s->obj;
		l->bindings = s->maps.xmip_bindings;
		l->stats = s->maps.xmip_stats;
		l->signal = s->maps.xmip_signal;
		l->nh_gen = s->maps.xmip_nh_gen;
		l->fwtable = s->maps.xmip_fwtable;
		l->ha_ro = s->maps.xmip_ha_ro;
		l->clock = s->progs.xmip_clock;
		l->prog = !strcmp(o->prog, "xdp") ? s->progs.xmip_ha_xdp :
			  !strcmp(o->prog, "tc") ? s->progs.xmip_ha_tc_in : s->progs.xmip_ha_tc_out;
		/* The static configuration: load-time rodata, as xmip attach sets it. */
		memcpy(s->rodata->xmip_ha_conf.self_addr, o->self, 16);
		memcpy(s->rodata->xmip_ha_conf.home_prefix, o->home_prefix, 16);
		s->rodata->xmip_ha_conf.home_plen = o->home_plen;
		s->rodata->xmip_ha_conf.tunnel_mtu = o->tunnel_mtu;
		s->rodata->xmip_ha_conf.ready = !o->not_ready;
		s->rodata->xmip_ha_conf.mode = !strcmp(o->prog, "xdp") ? XMIP_HA_MODE_XDP :
								       XMIP_HA_MODE_TC;
		l->fw_slots = xmip_fwt_slots_for(o->max_bindings ? o->max_bindings :
						  XMIP_DEFAULT_MAX_BINDINGS);
		s->rodata->xmip_ha_conf.fw_seed = o->fw_seed;
		s->rodata->xmip_ha_conf.fw_mask = l->fw_slots - 1;
		s->rodata->xmip_ha_conf.self_addr4 = o->self4;   /* DSMIPv6: IPv4 tunnels */
		bpf_map__set_max_entries(l->fwtable, 1 + l->fw_slots);
	} else if (!strcmp(o->obj, "rs")) {
		struct xmip_rs *s = xmip_rs__open_opts(&oo);

		if (!s)
			return -errno;
		*skel_out = s;
		l->obj = s->obj;
		l->stats = s->maps.xmip_stats;
		l->relay = s->maps.xmip_relay;
		l->rs_paths = s->maps.xmip_rs_paths;
		l->prog = s->progs.xmip_rs_xdp;
		memcpy((void *)s->rodata->xmip_rs_conf.self6, o->self, 16);
		s->rodata->xmip_rs_conf.self4 = o->self4;
		s->rodata->xmip_rs_conf.port = o->rs_port;
		s->rodata->xmip_rs_conf.pool_lo = o->pool_lo;
		s->rodata->xmip_rs_conf.pool_hi = o->pool_hi;
		s->rodata->xmip_rs_conf.ready = !o->not_ready;
		if (o->max_bindings && (err = bpf_map__set_max_entries(l->relay, o->max_bindings)))
			return err;
	} else if (!strcmp(o->obj, "ntm")) {
		struct xmip_ntm *s = xmip_ntm__open_opts(&oo);

		if (!s)
			return -errno;
		*skel_out = s;
		l->obj = s->obj;
		l->stats = s->maps.xmip_stats;
		l->ntm_tunnels = s->maps.xmip_ntm_tunnels;
		/* -p tc: the real interfaces' ingress (decap); tc-out: the virtual one's egress */
		l->prog = !strcmp(o->prog, "tc") ? s->progs.xmip_ntm_ingress : s->progs.xmip_ntm_egress;
		s->rodata->xmip_ntm_node_conf.port = o->rs_port == 49602 ? 49601 : o->rs_port;
		s->rodata->xmip_ntm_node_conf.ready = !o->not_ready;
	} else if (!strcmp(o->obj, "cn")) {
		struct xmip_cn *s = xmip_cn__open_opts(&oo);

		if (!s)
			return -errno;
		*skel_out = s;
		l->obj = s->obj;
		l->bindings = s->maps.xmip_bindings;
		l->stats = s->maps.xmip_stats;
		l->signal = s->maps.xmip_signal;
		l->ro_used = s->maps.xmip_ro_used;
		l->prog = !strcmp(o->prog, "xdp") ? s->progs.xmip_cn_xdp : s->progs.xmip_cn_egress;
		memcpy((void *)s->rodata->xmip_cn_conf.self_addr, o->self, 16);
		s->rodata->xmip_cn_conf.ready = !o->not_ready;
	} else if (!strcmp(o->obj, "mip4")) {
		struct xmip_mip4 *s = xmip_mip4__open_opts(&oo);

		if (!s)
			return -errno;
		*skel_out = s;
		l->obj = s->obj;
		l->stats = s->maps.xmip_stats;
		l->m4tun = s->maps.xmip_mip4_tun;
		l->prog = !strcmp(o->prog, "tc") ? s->progs.xmip_mip4_in : s->progs.xmip_mip4_out;
	} else if (!strcmp(o->obj, "cls")) {
		struct xmip_cls_probe *s = xmip_cls_probe__open_opts(&oo);

		if (!s)
			return -errno;
		*skel_out = s;
		l->obj = s->obj;
		l->stats = s->maps.xmip_stats;
		l->cls_result = s->maps.probe_result;
		l->signal = s->maps.xmip_signal;
		l->prog = s->progs.xmip_cls_probe;
		s->rodata->probe_signal = o->probe_signal;
		memcpy((void *)s->rodata->probe_ip6, o->self, 16);
		s->rodata->probe_ip4 = o->self4;
	} else {
		struct xmip_mn *s = xmip_mn__open_opts(&oo);

		if (!s)
			return -errno;
		*skel_out = s;
		l->obj = s->obj;
		l->mn_state = s->maps.xmip_mn_state;
		l->mn_ro = s->maps.xmip_mn_ro;
		l->ro_used = s->maps.xmip_ro_used;
		l->stats = s->maps.xmip_stats;
		l->signal = s->maps.xmip_signal;
		l->prog = !strcmp(o->prog, "xdp") ? s->progs.xmip_mn_xdp : s->progs.xmip_mn_egress;
		memcpy(s->rodata->xmip_mn_conf.hoa, o->hoa, 16);
		memcpy(s->rodata->xmip_mn_conf.home_prefix, o->home_prefix, 16);
		s->rodata->xmip_mn_conf.home_plen = o->home_plen;
		s->rodata->xmip_mn_conf.tunnel_mtu = o->tunnel_mtu;
		s->rodata->xmip_mn_conf.ready = !o->not_ready;
	}
	if (!o->pin_dir)
		unpin_all(l->obj);
	if (o->max_bindings && !l->relay && (!l->bindings ||
				(err = bpf_map__set_max_entries(l->bindings, o->max_bindings))))
		return l->bindings ? err : -EINVAL;
	/* Both programs of an object are loaded: the verifier sees all of them. */
	return bpf_object__load(l->obj);
}

/*
 * The HA's bindings as the agent writes them: the record, and the slot
 * with the next hop resolved here (lib/fwtable.c, lib/nexthop.c).
 */
static int write_bindings(const struct opts *o, const struct loaded *l)
{
	struct xmip_clock_ctx now;
	struct xmip_fwt *t;
	char err[256];
	__u32 seed;
	int nl, rc = -1;

	if (xmip_fwt_format(bpf_map__fd(l->fwtable), l->fw_slots, 250, o->fw_seed, &seed) ||
	    seed != o->fw_seed || xmip_fwclock_sample(bpf_program__fd(l->clock), &now)) {
		fprintf(stderr, "xmip_pktrun: setting up %s: %s\n", XMIP_MAP_FWTABLE, strerror(errno));
		return -1;
	}
	t = xmip_fwt_map(bpf_map__fd(l->fwtable), -1, err, sizeof(err));
	if (!t) {
		fprintf(stderr, "xmip_pktrun: %s\n", err);
		return -1;
	}
	/* No agent renews the lease here: trusted for ever, or never. */
	xmip_fwt_set_lease(t, o->no_lease ? 0 : ~0ull);
	nl = xmip_nl_open();
	for (int i = 0; i < o->n_binds; i++) {
		const struct bind_arg *b = &o->binds[i];
		struct xmip_fw_entry e;
		struct xmip_nh_info nh;
		struct in6_addr coa, self;

		if (!b->linklocal &&
		    bpf_map_update_elem(bpf_map__fd(l->bindings), &b->key, &b->val, BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: adding binding: %s\n", strerror(errno));
			goto out;
		}
		/* Expired: its time is the jiffies sampled before the run. */
		xmip_fw_entry_init(&e, b->key.hoa, &b->val,
				   b->expired ? now.jiffies : now.jiffies + (1ull << 40));
		if (b->linklocal)
			e.flags = XMIP_FW_F_LINKLOCAL;
		memcpy(&coa, b->val.coa, 16);
		memcpy(&self, o->self, 16);
		if (!o->no_nh && !b->linklocal && nl >= 0 &&
		    xmip_nh_resolve(nl, &self, &coa, &nh) == 0)
			xmip_fw_entry_set_nh(&e, &nh);
		if (xmip_fwt_put(t, &e)) {
			fprintf(stderr, "xmip_pktrun: no slot for binding %d\n", i);
			goto out;
		}
	}
	rc = 0;
out:
	if (nl >= 0)
		close(nl);
	xmip_fwt_close(t);
	return rc;
}

/* Ring-buffer records of the current run (on_event fills it). */
static struct events events;

/* Sum over CPUs of every counter, into out[XMIP_STAT__MAX]. */
static void read_stats(int fd, __u64 *out, __u64 *vals, int ncpu)
{
	for (__u32 k = 0; k < XMIP_STAT__MAX; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
}

/* --batch: every frame of IN once, one JSON line each (see the top). */
static int run_batch(const struct opts *o, const struct loaded *l, struct ring_buffer *rb,
		     bool xdp)
{
	static unsigned char in[MAX_PKT], out[MAX_PKT];
	static __u64 before[XMIP_STAT__MAX], after[XMIP_STAT__MAX];
	int ncpu = libbpf_num_possible_cpus(), stats_fd = bpf_map__fd(l->stats);
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));
	FILE *f = fopen(o->in, "rb");
	unsigned char lenb[4];
	long idx = 0;

	if (!f || !vals) {
		fprintf(stderr, "xmip_pktrun: %s: %s\n", o->in, strerror(errno));
		return -1;
	}
	read_stats(stats_fd, before, vals, ncpu);
	while (fread(lenb, 1, 4, f) == 4) {
		__u32 len = lenb[0] | lenb[1] << 8 | lenb[2] << 16 | (__u32)lenb[3] << 24;
		struct xdp_md xctx = { .data = 0, .data_end = len, .ingress_ifindex = o->ifindex };
		/* ingress_ifindex as in a single run: tc programs route by it (fib lookups). */
		struct __sk_buff sctx = { .ifindex = o->ifindex, .ingress_ifindex = o->ifindex,
					  .gso_size = (__u32)o->gso_size,
					  .gso_segs = o->gso_size ? 2 : 0 };
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = in, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
		bool first = true, show, marked;

		if (len > sizeof(in) || fread(in, 1, len, f) != len) {
			fprintf(stderr, "xmip_pktrun: %s: frame %ld truncated\n", o->in, idx);
			return -1;
		}
		if (xdp) {
			t.ctx_in = &xctx;
			t.ctx_size_in = sizeof(xctx);
		} else {
			t.ctx_in = &sctx;
			t.ctx_size_in = sizeof(sctx);
		}
		events.n = 0;
		if (bpf_prog_test_run_opts(l->prog_fd, &t)) {
			/* The kernel refuses some frames itself (too short for an
			 * Ethernet header...): reported, not a program verdict. */
			printf("{\"i\": %ld, \"error\": %d}\n", idx++, errno);
			continue;
		}
		if (rb)
			ring_buffer__consume(rb);
		/* The HA's 'decided' mark in front of a passed frame: off, reported. */
		marked = false;
		if (xdp && t.data_size_out >= 4 && t.retval == XDP_PASS) {
			__u32 m;

			memcpy(&m, out, 4);
			if (m == 0x786d6470u) {   /* XMIP_META_DONE */
				marked = true;
				memmove(out, out + 4, t.data_size_out - 4);
				t.data_size_out -= 4;
			}
		}
		read_stats(stats_fd, after, vals, ncpu);
		printf("{\"i\": %ld, \"retval\": %u, \"verdict\": \"%s\", \"stats\": {", idx++,
		       t.retval, verdict_name(xdp, t.retval));
		for (int k = 0; k < XMIP_STAT__MAX; k++)
			if (after[k] != before[k]) {
				printf("%s\"%s\": %llu", first ? "" : ", ", stat_names[k],
				       (unsigned long long)(after[k] - before[k]));
				first = false;
			}
		memcpy(before, after, sizeof(before));
		printf("}, \"signal\": %d, \"marked\": %s, \"out_len\": %u", events.n,
		       marked ? "true" : "false", t.data_size_out);
		show = (xdp && (t.retval == XDP_TX || t.retval == XDP_REDIRECT)) ||
		       t.data_size_out != len || memcmp(in, out, len);
		if (show) {
			printf(", \"out\": \"");
			for (__u32 j = 0; j < t.data_size_out; j++)
				printf("%02x", out[j]);
			printf("\"");
		}
		printf("}\n");
	}
	fclose(f);
	free(vals);
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char in[1 + MAX_THEN][MAX_PKT], out[MAX_PKT];
	size_t in_lens[1 + MAX_THEN] = { 0 };
	int n_in = 1;
	struct opts o;
	struct loaded l = { 0 };
	void *skel = NULL;
	struct ring_buffer *rb = NULL;
	__u32 zero = 0;
	bool xdp;
	int err, i, rc = 1, trivial_fd = -1;

	parse_args(&o, argc, argv);
	if (o.netns && enter_netns(o.netns))
		return 1;
	xdp = !strcmp(o.prog, "xdp");
	if (o.in && !o.batch && read_file(o.in, in[0], sizeof(in[0]), &in_lens[0]))
		return 1;
	for (i = 0; i < o.n_then; i++, n_in++)
		if (read_file(o.then[i], in[n_in], sizeof(in[n_in]), &in_lens[n_in]))
			return 1;

	err = load(&o, &l, &skel);
	if (err) {
		fprintf(stderr, "xmip_pktrun: loading %s: %s\n", o.obj, strerror(-err));
		goto out;
	}
	if (l.mn_state && !o.no_state) {
		/* The run-time state, as the agent writes it: one element, whole. */
		struct xmip_mn_runstate st = { .coa_ifindex = o.coa_ifindex,
					    .flags = (o.away ? XMIP_MN_F_AWAY : 0) |
						     (o.ro_learn ? XMIP_MN_F_RO_LEARN : 0) };
		__u32 key = XMIP_MN_STATE_KEY;

		memcpy(st.gw_mac, o.gw_mac, 6);
		memcpy(st.coa, o.self, 16);
		memcpy(st.ha, o.peer, 16);
		st.mode = o.mn_mode;
		st.coa4 = o.mn_coa4;
		st.ha4 = o.mn_ha4;
		st.hoa4 = o.mn_hoa4;
		st.sport = htons(o.mn_port ? o.mn_port : 4191);
		st.dport = htons(4191);
		if (bpf_map_update_elem(bpf_map__fd(l.mn_state), &key, &st, BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: writing xmip_mn_state: %s\n", strerror(errno));
			goto out;
		}
	}
	/* -o mn: -b CN=COA are the correspondents holding our binding. */
	for (i = 0; l.mn_ro && i < o.n_binds; i++) {
		struct xmip_mn_ro_entry r = { .lifetime_s = 420 };

		memcpy(r.coa, o.binds[i].val.coa, 16);
		r.expires_ns = o.binds[i].expired ? 1 : boottime_ns() + 3600ull * 1000000000ull;
		if (bpf_map_update_elem(bpf_map__fd(l.mn_ro), &o.binds[i].key, &r, BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: writing xmip_mn_ro: %s\n", strerror(errno));
			goto out;
		}
	}
	if (l.mn_ro)
		o.n_binds = 0;
	for (i = 0; i < o.n_ha_ro; i++) {
		struct xmip_ha_ro r = { .last_ns = boottime_ns() };

		memcpy(r.coa, o.ha_ro[i].val.coa, 16);
		if (!l.ha_ro || bpf_map_update_elem(bpf_map__fd(l.ha_ro), &o.ha_ro[i].key, &r,
						    BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: --ha-ro: %s\n", strerror(errno));
			goto out;
		}
	}
	/* -o mn: peers bound at the MN (its correspondent binding cache). */
	for (i = 0; i < o.n_cn_binds; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(l.obj, "xmip_bindings");

		if (!l.mn_ro || !m || bpf_map_update_elem(bpf_map__fd(m), &o.cn_binds[i].key,
							  &o.cn_binds[i].val, BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: --cn-binding: %s\n",
				m && l.mn_ro ? strerror(errno) : "only -o mn has one");
			goto out;
		}
	}
	/* ... and their count, as the agent publishes it (xmip_ro_peers). */
	if (o.n_cn_binds || o.ro_peers >= 0) {
		struct bpf_map *m = bpf_object__find_map_by_name(l.obj, "xmip_ro_peers");
		__u32 key = 0, n = o.ro_peers >= 0 ? (__u32)o.ro_peers : (__u32)o.n_cn_binds;

		if (!m || bpf_map_update_elem(bpf_map__fd(m), &key, &n, BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: xmip_ro_peers: %s\n",
				m ? strerror(errno) : "absent");
			goto out;
		}
	}
	if (o.n_binds && !l.bindings) {
		fprintf(stderr, "xmip_pktrun: -b: the %s object has no binding cache\n", o.obj);
		goto out;
	}
	for (i = 0; i < o.n_mnp; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(l.obj, "xmip_mnp");

		if (!m || bpf_map_update_elem(bpf_map__fd(m), &o.mnp_key[i], &o.mnp_val[i], BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: --mnp: %s\n", m ? strerror(errno) : "no xmip_mnp map");
			goto out;
		}
	}
	if (l.fwtable && write_bindings(&o, &l))
		goto out;
	/* -o cn: its correspondent binding cache alone (no fast-path table). */
	for (i = 0; !l.fwtable && l.bindings && i < o.n_binds; i++) {
		if (bpf_map_update_elem(bpf_map__fd(l.bindings), &o.binds[i].key,
					&o.binds[i].val, BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: adding binding: %s\n", strerror(errno));
			goto out;
		}
	}
	if (o.relay_file && l.m4tun) {
		/* -o mip4: the tunnels, as the FA's or the MN's agent writes them. */
		static unsigned char tb[1 << 16];
		size_t n = 0, rec = sizeof(struct xmip_mip4_tun_key) + sizeof(struct xmip_mip4_tun);

		if (read_file(o.relay_file, tb, sizeof(tb), &n) || n % rec) {
			fprintf(stderr, "xmip_pktrun: --relay: bad xmip_mip4_tun records\n");
			goto out;
		}
		for (size_t off = 0; off < n; off += rec)
			if (bpf_map_update_elem(bpf_map__fd(l.m4tun), tb + off,
						tb + off + sizeof(struct xmip_mip4_tun_key), BPF_ANY)) {
				fprintf(stderr, "xmip_pktrun: tunnel entry: %s\n", strerror(errno));
				goto out;
			}
	} else if (o.relay_file && l.ntm_tunnels) {
		static unsigned char nb_buf[1 << 16];
		size_t n = 0, rec = sizeof(struct xmip_ntm_node_key) + sizeof(struct xmip_ntm_node_val);

		if (read_file(o.relay_file, nb_buf, sizeof(nb_buf), &n) || n % rec) {
			fprintf(stderr, "xmip_pktrun: --relay: bad tunnel file\n");
			goto out;
		}
		for (size_t off = 0; off < n; off += rec)
			if (bpf_map_update_elem(bpf_map__fd(l.ntm_tunnels), nb_buf + off,
						nb_buf + off + sizeof(struct xmip_ntm_node_key), BPF_ANY)) {
				fprintf(stderr, "xmip_pktrun: tunnel entry: %s\n", strerror(errno));
				goto out;
			}
	} else if (o.relay_file) {
		static unsigned char rb_buf[1 << 20];
		size_t n = 0, rec = sizeof(struct xmip_ntm_relay_key) + sizeof(struct xmip_ntm_relay_val);

		if (!l.relay || read_file(o.relay_file, rb_buf, sizeof(rb_buf), &n) || n % rec) {
			fprintf(stderr, "xmip_pktrun: --relay: not an rs object or bad file\n");
			goto out;
		}
		for (size_t off = 0; off < n; off += rec)
			if (bpf_map_update_elem(bpf_map__fd(l.relay), rb_buf + off,
						rb_buf + off + sizeof(struct xmip_ntm_relay_key), BPF_ANY)) {
				fprintf(stderr, "xmip_pktrun: relay entry: %s\n", strerror(errno));
				goto out;
			}
	}
	for (i = 0; i < o.n_rs_paths; i++) {
		struct xmip_ntm_rs_path p = { .mode = 2 };

		if (!l.rs_paths || bpf_map_update_elem(bpf_map__fd(l.rs_paths), &o.rs_paths[i], &p,
						       BPF_ANY)) {
			fprintf(stderr, "xmip_pktrun: --rs-path: %s\n", strerror(errno));
			goto out;
		}
	}
	if (o.set_nh_gen && (!l.nh_gen ||
			     bpf_map_update_elem(bpf_map__fd(l.nh_gen), &zero, &o.nh_gen, BPF_ANY))) {
		fprintf(stderr, "xmip_pktrun: writing xmip_nh_gen: %s\n", strerror(errno));
		goto out;
	}
	l.prog_fd = bpf_program__fd(l.prog);
	if (o.trivial && (l.prog_fd = trivial_fd = trivial_prog(xdp)) < 0) {
		fprintf(stderr, "xmip_pktrun: trivial program: %s\n", strerror(errno));
		goto out;
	}
	if (o.attach_dev) {
		rc = attach(&o, xdp, l.prog_fd) ? 1 : 0;
		goto out;
	}
	rb = l.signal ? ring_buffer__new(bpf_map__fd(l.signal), on_event, &events, NULL) : NULL;
	if (l.signal && !rb) {
		fprintf(stderr, "xmip_pktrun: ring buffer: %s\n", strerror(errno));
		goto out;
	}
	if (o.batch) {
		rc = run_batch(&o, &l, rb, xdp) ? 1 : 0;
		goto out;
	}

	{
		struct xdp_md xctx = { .data = 0, .ingress_ifindex = o.ifindex };
		struct __sk_buff sctx = { .ifindex = o.ifindex, .ingress_ifindex = o.ifindex,
					  .gso_size = o.gso_size, .gso_segs = o.gso_size ? 2 : 0 };
		LIBBPF_OPTS(bpf_test_run_opts, t);
		unsigned long long total_ns = 0;
		bool marked = false;
		int run, k;

		for (k = 0; k < n_in; k++)
		for (run = 0; run < (k ? 1 : o.repeat); run++) {
			xctx.data_end = in_lens[k];
			sctx.gso_segs = o.gso_size ? (__u32)(in_lens[k] / o.gso_size + 1) : 0;
			memset(&t, 0, sizeof(t));
			t.sz = sizeof(t);
			t.data_in = in[k];
			t.data_size_in = in_lens[k];
			t.data_out = out;
			t.data_size_out = sizeof(out);
			t.repeat = o.kernel_repeat;
			if (xdp) {
				t.ctx_in = &xctx;
				t.ctx_size_in = sizeof(xctx);
			} else {
				t.ctx_in = &sctx;
				t.ctx_size_in = sizeof(sctx);
			}
			err = bpf_prog_test_run_opts(l.prog_fd, &t);
			if (err) {
				fprintf(stderr, "xmip_pktrun: test run: %s\n", strerror(errno));
				goto out;
			}
			total_ns += t.duration;
		}
		if (rb)
			ring_buffer__consume(rb);
		/* XDP hands back its metadata in front of the frame: the HA
		 * marks a packet it decided about before passing it (tc
		 * leaves it alone). Reported, and taken off the frame. */
		if (xdp && t.data_size_out >= 4 && t.retval == XDP_PASS) {
			__u32 m;

			memcpy(&m, out, 4);
			if (m == 0x786d6470u) {   /* XMIP_META_DONE */
				marked = true;
				memmove(out, out + 4, t.data_size_out - 4);
				t.data_size_out -= 4;
			}
		}
		if (o.out && write_file(o.out, out, t.data_size_out))
			goto out;

		printf("{\"retval\": %u, \"verdict\": \"%s\", \"out_len\": %u, "
		       "\"runs\": %d, \"kernel_repeat\": %d, \"ns_per_packet\": %.1f, "
		       "\"marked\": %s",
		       t.retval, verdict_name(xdp, t.retval), t.data_size_out,
		       o.repeat, o.kernel_repeat, (double)total_ns / (o.repeat + n_in - 1),
		       marked ? "true" : "false");
		if (l.nh_gen) {
			__u64 gen = 0;

			bpf_map_lookup_elem(bpf_map__fd(l.nh_gen), &zero, &gen);
			printf(", \"nh_gen\": %llu", (unsigned long long)gen);
		}
		print_stats(bpf_map__fd(l.stats));
		print_events(&events);
		if (l.cls_result)
			print_cls(bpf_map__fd(l.cls_result));
		if (l.ro_used)
			print_used(bpf_map__fd(l.ro_used));
		if (l.ha_ro)
			print_ha_ro(bpf_map__fd(l.ha_ro));
		printf("}\n");
	}
	rc = 0;
out:
	ring_buffer__free(rb);
	if (trivial_fd >= 0)
		close(trivial_fd);
	if (skel && !strcmp(o.obj, "ha"))
		xmip_ha__destroy(skel);
	else if (skel && !strcmp(o.obj, "rs"))
		xmip_rs__destroy(skel);
	else if (skel && !strcmp(o.obj, "cn"))
		xmip_cn__destroy(skel);
	else if (skel && !strcmp(o.obj, "ntm"))
		xmip_ntm__destroy(skel);
	else if (skel && !strcmp(o.obj, "cls"))
		xmip_cls_probe__destroy(skel);
	else if (skel && !strcmp(o.obj, "mip4"))
		xmip_mip4__destroy(skel);
	else if (skel)
		xmip_mn__destroy(skel);
	return rc;
}
