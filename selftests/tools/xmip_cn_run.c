// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip_cn_run: run one program of the correspondent node's object
 * (bpf/xmip_cn.bpf.c) on one packet through BPF_PROG_TEST_RUN and report
 * what it did, for the CN's packet tests (selftests/bpf/test_cn.py) and
 * its per-packet cost benchmark. The CN's sibling of xmip_pktrun (kept
 * apart while that tool changes under other work; the two can merge).
 *
 *   xmip_cn_run -p xdp|tc -i IN [-w OUT] [-I IFINDEX] --self ADDR
 *               [-b HOA=COA]... [--expired-binding HOA=COA]...
 *               [--binding-encap N] [--not-ready] [--gso-size N]
 *               [--netns NAME] [--repeat N] [--pass] [-v]
 *
 * --pass times a trivial program of the same type (XDP_PASS, TC_ACT_OK)
 * on the same input the same way instead: the benchmark's baseline.
 * Prints one JSON object: retval, verdict, out_len, ns_per_packet, the
 * non-zero counters by name, the ring-buffer records (hex) and the
 * bindings marked used in xmip_ro_used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
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
#include <linux/pkt_cls.h>

#include "xmip_maps.h"
#include "xmip_ro.h"
#include "xmip_cn.skel.h"

#define MAX_PKT    16384
#define MAX_BINDS  64
#define MAX_EVENTS 16

static const char *const stat_names[] = {
#define XMIP_STAT_NAME(name, desc) #name,
	XMIP_STAT_LIST(XMIP_STAT_NAME)
#undef XMIP_STAT_NAME
};

struct bind_arg {
	struct xmip_binding_key key;
	struct xmip_binding val;
};

struct opts {
	const char *prog, *in, *out, *netns;
	int ifindex, repeat;
	bool not_ready, verbose, trivial;
	__u8 self[16];
	struct bind_arg binds[MAX_BINDS];
	int n_binds;
	__u32 gso_size;
};

struct events {
	int n;
	struct {
		struct xmip_signal_event ev;
		size_t size;
	} rec[MAX_EVENTS];
};

static void usage(void)
{
	fprintf(stderr,
		"usage: xmip_cn_run -p xdp|tc -i IN [-w OUT] [-I IFINDEX] --self ADDR\n"
		"       [-b HOA=COA]... [--expired-binding HOA=COA]... [--binding-encap N]\n"
		"       [--not-ready] [--gso-size N] [--netns NAME] [--repeat N] [--pass] [-v]\n"
		"--self: the CN's address (rodata). -b: a binding granted 600 s now, encap\n"
		"RH2 (1) unless --binding-encap. --gso-size: the tc skb claims to be GSO.\n"
		"--netns NAME: run in /run/netns/NAME (setns of the network namespace only).\n"
		"--repeat N: N test runs, each from IN; mean kernel-measured ns per run.\n");
	exit(2);
}

static void parse_addr(const char *s, __u8 out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1) {
		fprintf(stderr, "xmip_cn_run: bad IPv6 address '%s'\n", s);
		exit(2);
	}
}

static long parse_num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "xmip_cn_run: bad number '%s'\n", s);
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

static void parse_binding(struct opts *o, char *arg, bool expired)
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
	b->val.encap = XMIP_ENCAP_RH2;
	b->val.seq = 1;
	b->val.expires_ns = expired ? boottime_ns() - 1000000000ull :
			    boottime_ns() + 600 * 1000000000ull;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "prog", required_argument, NULL, 'p' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'w' },
		{ "ifindex", required_argument, NULL, 'I' },
		{ "binding", required_argument, NULL, 'b' },
		{ "self", required_argument, NULL, 1 },
		{ "expired-binding", required_argument, NULL, 2 },
		{ "binding-encap", required_argument, NULL, 3 },
		{ "not-ready", no_argument, NULL, 4 },
		{ "gso-size", required_argument, NULL, 5 },
		{ "netns", required_argument, NULL, 6 },
		{ "repeat", required_argument, NULL, 7 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "pass", no_argument, NULL, 8 },
		{ NULL, 0, NULL, 0 },
	};
	long encap = -1;
	bool have_self = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->repeat = 1;
	while ((c = getopt_long(argc, argv, "p:i:w:I:b:v", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o->prog = optarg; break;
		case 'i': o->in = optarg; break;
		case 'w': o->out = optarg; break;
		case 'I': o->ifindex = parse_num(optarg, 1 << 30); break;
		case 'b': parse_binding(o, optarg, false); break;
		case 'v': o->verbose = true; break;
		case 1: parse_addr(optarg, o->self); have_self = true; break;
		case 2: parse_binding(o, optarg, true); break;
		case 3: encap = parse_num(optarg, 255); break;
		case 4: o->not_ready = true; break;
		case 5: o->gso_size = parse_num(optarg, 65535); break;
		case 6: o->netns = optarg; break;
		case 7: o->repeat = parse_num(optarg, 1 << 30); break;
		case 8: o->trivial = true; break;
		default: usage();
		}
	}
	if (!o->prog || !o->in || !have_self || optind != argc || o->repeat < 1 ||
	    (strcmp(o->prog, "xdp") && strcmp(o->prog, "tc")))
		usage();
	for (int i = 0; encap >= 0 && i < o->n_binds; i++)
		o->binds[i].val.encap = (__u8)encap;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "xmip_cn_run: netns %s: %s\n", name, strerror(errno));
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
		fprintf(stderr, "xmip_cn_run: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*len = fread(buf, 1, cap, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "xmip_cn_run: %s: unreadable or larger than %zu\n", path, cap);
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
		fprintf(stderr, "xmip_cn_run: %s: %s\n", path, strerror(errno));
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

	if (e->n < MAX_EVENTS) {
		size_t n = size < sizeof(e->rec[0].ev) ? size : sizeof(e->rec[0].ev);

		memset(&e->rec[e->n].ev, 0, sizeof(e->rec[0].ev));
		memcpy(&e->rec[e->n].ev, data, n);
		e->rec[e->n++].size = size;
	}
	return 0;
}

static void print_stats(int stats_fd)
{
	int ncpu = libbpf_num_possible_cpus();
	bool first = true;
	__u64 *vals;

	printf(", \"stats\": {");
	vals = ncpu > 0 ? calloc(ncpu, sizeof(*vals)) : NULL;
	for (__u32 k = 0; vals && k < XMIP_STAT__MAX; k++) {
		__u64 sum = 0;

		if (bpf_map_lookup_elem(stats_fd, &k, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		if (!sum)
			continue;
		printf("%s\"%s\": %llu", first ? "" : ", ", stat_names[k], (unsigned long long)sum);
		first = false;
	}
	free(vals);
	printf("}");
}

static void print_events(const struct events *e)
{
	printf(", \"signal\": [");
	for (int i = 0; i < e->n; i++) {
		const struct xmip_signal_event *ev = &e->rec[i].ev;
		__u32 len = ev->len < XMIP_SIGNAL_MAX_PKT ? ev->len : XMIP_SIGNAL_MAX_PKT;

		printf("%s{\"family\": %u, \"hdr_len\": %u, \"ifindex\": %u, \"len\": %u, "
		       "\"size\": %zu, \"pkt\": \"", i ? ", " : "", ev->family, ev->hdr_len,
		       ev->ifindex, ev->len, e->rec[i].size);
		for (__u32 j = 0; j < len; j++)
			printf("%02x", ev->pkt[j]);
		printf("\"}");
	}
	printf("]");
}

/* The home addresses xmip_ro_used holds, with the age of their mark in ms. */
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

/* "r0 = verdict; exit": the cheapest program of the type, the benchmark's baseline. */
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

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static unsigned char in[MAX_PKT], out[MAX_PKT];
	static struct events events;
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	struct ring_buffer *rb = NULL;
	struct xmip_cn *s = NULL;
	struct bpf_program *prog;
	struct bpf_map *m;
	size_t in_len = 0;
	struct opts o;
	bool xdp;
	int rc = 1, prog_fd, trivial_fd = -1;

	parse_args(&o, argc, argv);
	if (o.netns && enter_netns(o.netns))
		return 1;
	xdp = !strcmp(o.prog, "xdp");
	if (read_file(o.in, in, sizeof(in), &in_len))
		return 1;
	if (o.verbose) {
		oo.kernel_log_level = 4;
		libbpf_set_print(print_all);
	}
	s = xmip_cn__open_opts(&oo);
	if (!s) {
		fprintf(stderr, "xmip_cn_run: open: %s\n", strerror(errno));
		return 1;
	}
	/* The test's maps stay private: no pins. */
	bpf_object__for_each_map(m, s->obj)
		bpf_map__set_pin_path(m, NULL);
	memcpy((void *)s->rodata->xmip_cn_conf.self_addr, o.self, 16);
	s->rodata->xmip_cn_conf.ready = !o.not_ready;
	if (xmip_cn__load(s)) {
		fprintf(stderr, "xmip_cn_run: load: %s\n", strerror(errno));
		goto out;
	}
	for (int i = 0; i < o.n_binds; i++) {
		if (bpf_map_update_elem(bpf_map__fd(s->maps.xmip_bindings), &o.binds[i].key,
					&o.binds[i].val, BPF_ANY)) {
			fprintf(stderr, "xmip_cn_run: adding binding: %s\n", strerror(errno));
			goto out;
		}
	}
	rb = ring_buffer__new(bpf_map__fd(s->maps.xmip_signal), on_event, &events, NULL);
	if (!rb) {
		fprintf(stderr, "xmip_cn_run: ring buffer: %s\n", strerror(errno));
		goto out;
	}
	prog = xdp ? s->progs.xmip_cn_xdp : s->progs.xmip_cn_egress;
	prog_fd = bpf_program__fd(prog);
	if (o.trivial) {
		trivial_fd = prog_fd = trivial_prog(xdp);
		if (prog_fd < 0) {
			fprintf(stderr, "xmip_cn_run: trivial program: %s\n", strerror(errno));
			goto out;
		}
	}
	{
		struct xdp_md xctx = { .data = 0, .data_end = in_len, .ingress_ifindex = o.ifindex };
		struct __sk_buff sctx = { .ifindex = o.ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, t);
		unsigned long long total_ns = 0;

		if (o.gso_size) {
			sctx.gso_size = o.gso_size;
			sctx.gso_segs = 2;
		}
		for (int run = 0; run < o.repeat; run++) {
			memset(&t, 0, sizeof(t));
			t.sz = sizeof(t);
			t.data_in = in;
			t.data_size_in = in_len;
			t.data_out = out;
			t.data_size_out = sizeof(out);
			t.repeat = 1;
			if (xdp) {
				t.ctx_in = &xctx;
				t.ctx_size_in = sizeof(xctx);
			} else {
				t.ctx_in = &sctx;
				t.ctx_size_in = sizeof(sctx);
			}
			if (bpf_prog_test_run_opts(prog_fd, &t)) {
				fprintf(stderr, "xmip_cn_run: test run: %s\n", strerror(errno));
				goto out;
			}
			total_ns += t.duration;
		}
		ring_buffer__consume(rb);
		if (o.out && write_file(o.out, out, t.data_size_out))
			goto out;
		printf("{\"retval\": %u, \"verdict\": \"%s\", \"out_len\": %u, \"runs\": %d, "
		       "\"ns_per_packet\": %.1f", t.retval, verdict_name(xdp, t.retval),
		       t.data_size_out, o.repeat, (double)total_ns / o.repeat);
		print_stats(bpf_map__fd(s->maps.xmip_stats));
		print_events(&events);
		print_used(bpf_map__fd(s->maps.xmip_ro_used));
		printf("}\n");
	}
	rc = 0;
out:
	if (trivial_fd >= 0)
		close(trivial_fd);
	ring_buffer__free(rb);
	xmip_cn__destroy(s);
	return rc;
}
