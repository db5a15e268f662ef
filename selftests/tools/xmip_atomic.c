// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip_atomic: are map updates atomic for the datapath? (docs/DESIGN.md,
 * "Atomic updates"; selftests/bpf/test_atomic.py runs it.)
 *
 * Loads the shipped HA and MN programs (skeletons, maps not pinned), then
 * for --seconds:
 *  - a writer thread replaces the MN's run-time state (xmip_mn_state) and
 *    the HA's binding of --hoa, alternating between version A and version
 *    B, whose every field differs, --rate times a second (0: as fast as it
 *    can), as the agent does: the MN state with one bpf_map_update_elem,
 *    the binding's slot in xmip_fwtable through lib/fwtable.c (a new slot,
 *    the old one retired);
 *  - one reader thread per CPU in --cpus, pinned there, runs the HA's XDP
 *    program on --ha-in and the MN's tc egress program on --mn-in through
 *    BPF_PROG_TEST_RUN, over and over, and compares every frame that comes
 *    out, whole, and its verdict, with what version A gives and what
 *    version B gives (frames Scapy built: --ha-a/--ha-b, --mn-a/--mn-b). A
 *    frame that is neither is "torn": some field of A with some of B.
 * Before the run, each version is written alone and each program's output
 * must be exactly that version's frame, or nothing is measured (exit 3).
 *
 * --inplace-array: the control. The MN state map is made an ARRAY before
 * load (same programs, same lookups), so every write is an in-place copy
 * over the value the datapath reads, and the binding's slot is rewritten
 * in place in the table, field by field, without the protocol: the test
 * must see torn frames then, or it could not see them at all.
 *
 * Prints one JSON object: writes, per CPU the counts of frames of A, of B
 * and torn for each program, and the first torn frame of each (hex).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
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

#include "fwtable.h"
#include "xmip_maps.h"
#include "xmip_ha.skel.h"
#include "xmip_mn.skel.h"

#define MAX_PKT  2048
#define MAX_CPUS 8

struct frame {
	unsigned char b[MAX_PKT];
	size_t len;
};

struct version {
	__u8  coa[16], ha[16];
	__u32 ifindex;
	__u8  smac[6], dmac[6];
	struct xmip_mn_runstate st;
	struct xmip_binding bind;
	struct xmip_fw_entry fw;
	struct frame ha_want, mn_want;
	int ha_rv, mn_rv;
};

struct opts {
	const char *netns;
	double seconds;
	long rate;
	bool inplace;
	int cpus[MAX_CPUS], n_cpus;
	__u8 self[16], hoa[16], home_prefix[16], home_plen;
	__u16 mtu;
	int ha_ifindex, mn_ifindex;
	struct frame ha_in, mn_in;
	struct version v[2];
	uint16_t quarantine_ms;
};

struct count {
	unsigned long ha[3], mn[3];    /* [0] A, [1] B, [2] torn */
	struct frame ha_torn, mn_torn;
	int ha_torn_rv, mn_torn_rv;
	int err;
};

static struct opts o;
static struct count counts[MAX_CPUS];
static int ha_prog, mn_prog, state_fd, bind_fd;
static struct xmip_fwt *fwt;
#define FW_SEED 0x7a7a7a7au
static atomic_bool stop;
static atomic_ulong writes;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "xmip_atomic: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static void addr(const char *s, __u8 out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		die("bad IPv6 address '%s'", s);
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (!*s || *end)
		die("bad number '%s'", s);
	return v;
}

static void read_frame(const char *path, struct frame *f)
{
	FILE *fp = fopen(path, "rb");

	if (!fp)
		die("cannot open %s", path);
	f->len = fread(f->b, 1, sizeof(f->b), fp);
	if (ferror(fp) || !feof(fp) || !f->len)
		die("%s: unreadable, empty or too large", path);
	fclose(fp);
}

static __u64 boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static void mac(const char *s, __u8 out[6])
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0], &out[1], &out[2], &out[3], &out[4],
		   &out[5]) != 6)
		die("bad MAC '%s'", s);
}

/*
 * "COA,HA,IFINDEX,SMAC,DMAC" of one version: the binding of the HoA (its
 * slot: CoA, the next hop's interface and MACs) and the MN state.
 */
static void parse_version(char *arg, struct version *v, int which)
{
	char *f[5];
	int n = 0;

	for (char *t = strtok(arg, ","); t && n < 5; t = strtok(NULL, ","))
		f[n++] = t;
	if (n != 5)
		die("version '%s': want COA,HA,IFINDEX,SMAC,DMAC", arg);
	addr(f[0], v->coa);
	addr(f[1], v->ha);
	v->ifindex = (__u32)num(f[2]);
	mac(f[3], v->smac);
	mac(f[4], v->dmac);
	memset(&v->st, 0, sizeof(v->st));
	memcpy(v->st.coa, v->coa, 16);
	memcpy(v->st.ha, v->ha, 16);
	v->st.coa_ifindex = v->ifindex;
	v->st.flags = XMIP_MN_F_AWAY;   /* both away: the only field that is alike */
	memcpy(v->st.gw_mac, v->dmac, 6);   /* differs too (not the frame's: FIB path) */
	memset(&v->bind, 0, sizeof(v->bind));
	memcpy(v->bind.coa, v->coa, 16);
	/* Every other field different too, and both alive. */
	v->bind.lifetime_s = which ? 300 : 600;
	v->bind.expires_ns = boottime_ns() + (__u64)(which ? 3000 : 6000) * 1000000000ull;
	v->bind.seq = which ? 2000 : 1000;
	v->bind.bu_flags = which ? 0xd000 : 0xc000;
	v->bind.ifindex = which ? 22 : 11;
	memset(&v->fw, 0, sizeof(v->fw));
	memcpy(v->fw.coa, v->coa, 16);
	v->fw.expires = which ? ~0ull - 1 : ~0ull;
	v->fw.ifindex = v->ifindex;
	memcpy(v->fw.smac, v->smac, 6);
	memcpy(v->fw.dmac, v->dmac, 6);
	v->fw.mtu = which ? 1400 : 1450;
	v->fw.flags = XMIP_FW_F_NH;
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", 1, NULL, 'n' }, { "seconds", 1, NULL, 's' }, { "rate", 1, NULL, 'r' },
		{ "inplace-array", 0, NULL, 'x' }, { "cpus", 1, NULL, 'c' },
		{ "self", 1, NULL, 1 }, { "hoa", 1, NULL, 2 }, { "home-prefix", 1, NULL, 3 },
		{ "mtu", 1, NULL, 4 }, { "a", 1, NULL, 5 }, { "b", 1, NULL, 6 },
		{ "ha-in", 1, NULL, 7 }, { "ha-ifindex", 1, NULL, 8 }, { "ha-a", 1, NULL, 9 },
		{ "ha-b", 1, NULL, 10 }, { "ha-rv-a", 1, NULL, 11 }, { "ha-rv-b", 1, NULL, 12 },
		{ "mn-in", 1, NULL, 13 }, { "mn-ifindex", 1, NULL, 14 }, { "mn-a", 1, NULL, 15 },
		{ "mn-b", 1, NULL, 16 }, { "mn-rv-a", 1, NULL, 17 }, { "mn-rv-b", 1, NULL, 18 },
		{ "quarantine-ms", 1, NULL, 19 },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o.seconds = 3;
	o.rate = 5000;
	o.quarantine_ms = XMIP_FW_QUARANTINE_MS;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o.netns = optarg; break;
		case 's': o.seconds = atof(optarg); break;
		case 'r': o.rate = num(optarg); break;
		case 'x': o.inplace = true; break;
		case 'c':
			for (char *t = strtok(optarg, ","); t && o.n_cpus < MAX_CPUS; t = strtok(NULL, ","))
				o.cpus[o.n_cpus++] = (int)num(t);
			break;
		case 1: addr(optarg, o.self); break;
		case 2: addr(optarg, o.hoa); break;
		case 3: {
			char *slash = strchr(optarg, '/');

			if (!slash)
				die("home prefix '%s': want P/L", optarg);
			*slash = '\0';
			addr(optarg, o.home_prefix);
			o.home_plen = (__u8)num(slash + 1);
			break;
		}
		case 4: o.mtu = (__u16)num(optarg); break;
		case 5: parse_version(optarg, &o.v[0], 0); break;
		case 6: parse_version(optarg, &o.v[1], 1); break;
		case 7: read_frame(optarg, &o.ha_in); break;
		case 8: o.ha_ifindex = (int)num(optarg); break;
		case 9: read_frame(optarg, &o.v[0].ha_want); break;
		case 10: read_frame(optarg, &o.v[1].ha_want); break;
		case 11: o.v[0].ha_rv = (int)num(optarg); break;
		case 12: o.v[1].ha_rv = (int)num(optarg); break;
		case 13: read_frame(optarg, &o.mn_in); break;
		case 14: o.mn_ifindex = (int)num(optarg); break;
		case 15: read_frame(optarg, &o.v[0].mn_want); break;
		case 16: read_frame(optarg, &o.v[1].mn_want); break;
		case 17: o.v[0].mn_rv = (int)num(optarg); break;
		case 18: o.v[1].mn_rv = (int)num(optarg); break;
		case 19: o.quarantine_ms = (uint16_t)num(optarg); break;
		default: die("bad option (see the comment at the top of %s)", __FILE__);
		}
	}
	if (!o.n_cpus) {
		o.cpus[0] = 0;
		o.cpus[1] = 1;
		o.n_cpus = 2;
	}
	if (!o.ha_in.len || !o.mn_in.len || !o.v[0].ha_want.len || !o.v[1].ha_want.len ||
	    !o.v[0].mn_want.len || !o.v[1].mn_want.len || optind != argc)
		die("%s", "missing frames (--ha-in, --ha-a, --ha-b, --mn-in, --mn-a, --mn-b)");
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "xmip_atomic: netns %s: %s\n", name, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static void unpin(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

static int load(struct xmip_ha **ha, struct xmip_mn **mn)
{
	struct xmip_ha_conf *hc;
	struct xmip_mn_conf *mc;
	int err;

	*ha = xmip_ha__open();
	*mn = xmip_mn__open();
	if (!*ha || !*mn)
		return -errno;
	unpin((*ha)->obj);
	unpin((*mn)->obj);
	hc = (struct xmip_ha_conf *)&(*ha)->rodata->xmip_ha_conf;
	memcpy(hc->self_addr, o.self, 16);
	memcpy(hc->home_prefix, o.home_prefix, 16);
	hc->home_plen = o.home_plen;
	hc->tunnel_mtu = o.mtu;
	hc->fw_seed = FW_SEED;
	hc->fw_mask = xmip_fwt_slots_for(XMIP_DEFAULT_MAX_BINDINGS) - 1;
	hc->ready = 1;
	mc = (struct xmip_mn_conf *)&(*mn)->rodata->xmip_mn_conf;
	memcpy(mc->hoa, o.hoa, 16);
	memcpy(mc->home_prefix, o.home_prefix, 16);
	mc->home_plen = o.home_plen;
	mc->ready = 1;
	if (o.inplace) {
		/* The control: the same programs over an ARRAY, rewritten in place. */
		err = bpf_map__set_type((*mn)->maps.xmip_mn_state, BPF_MAP_TYPE_ARRAY);
		if (err)
			return err;
	}
	if ((err = xmip_ha__load(*ha)) || (err = xmip_mn__load(*mn)))
		return err;
	ha_prog = bpf_program__fd((*ha)->progs.xmip_ha_xdp);
	mn_prog = bpf_program__fd((*mn)->progs.xmip_mn_egress);
	state_fd = bpf_map__fd((*mn)->maps.xmip_mn_state);
	bind_fd = bpf_map__fd((*ha)->maps.xmip_bindings);
	{
		__u32 seed;
		char err[256];
		int fd = bpf_map__fd((*ha)->maps.xmip_fwtable);

		if ((err[0] = 0, xmip_fwt_format(fd, xmip_fwt_slots_for(XMIP_DEFAULT_MAX_BINDINGS), 250,
						 FW_SEED, &seed)) || seed != FW_SEED)
			return -EIO;
		fwt = xmip_fwt_map(fd, -1, err, sizeof(err));
		if (!fwt)
			return -EIO;
		xmip_fwt_set_lease(fwt, ~0ull);
		/* Slots come back after 2 ms instead of 100: the protocol is
		 * exercised ~50 times as often (a program run is microseconds;
		 * only a reader stalled 2 ms between its state load and its
		 * copy could see a reused slot, and would count as torn). */
		fwt->quarantine_ms = o.quarantine_ms;
		memcpy(o.v[0].fw.key, o.hoa, 16);
		memcpy(o.v[1].fw.key, o.hoa, 16);
	}
	return 0;
}

/*
 * The control's write of a binding: over the live slot, in place, field
 * by field (what the protocol forbids). The first write places it normally.
 */
static int write_inplace(const struct xmip_fw_entry *e)
{
	uint32_t h = xmip_fwt_home(fwt, e->key);

	for (uint32_t i = 0; i < XMIP_FW_PROBE; i++) {
		volatile struct xmip_fw_slot *s = &fwt->slot[(h + i) & fwt->mask];

		if (s->state != XMIP_FW_VALID || memcmp((const void *)s->key, e->key, 16))
			continue;
		for (int k = 0; k < 16; k++)
			s->coa[k] = e->coa[k];
		s->ifindex = e->ifindex;
		for (int k = 0; k < 6; k++) {
			s->smac[k] = e->smac[k];
			s->dmac[k] = e->dmac[k];
		}
		s->mtu = e->mtu;
		s->expires = e->expires;
		return 0;
	}
	return xmip_fwt_put(fwt, e);
}

/* One version, whole: the MN state element and the HoA's binding (record and slot). */
static int write_version(const struct version *v)
{
	struct xmip_binding_key k;
	__u32 key = XMIP_MN_STATE_KEY;

	memcpy(k.hoa, o.hoa, 16);
	if (bpf_map_update_elem(state_fd, &key, &v->st, BPF_ANY) ||
	    bpf_map_update_elem(bind_fd, &k, &v->bind, BPF_ANY))
		return -errno;
	return o.inplace ? write_inplace(&v->fw) : xmip_fwt_put(fwt, &v->fw);
}

/* Run one program once on `in`; the frame that came out and the verdict. */
static int run_once(int prog, bool xdp, int ifindex, const struct frame *in, struct frame *out,
		    int *rv)
{
	struct xdp_md xctx = { .data = 0, .data_end = (__u32)in->len,
			       .ingress_ifindex = (__u32)ifindex };
	struct __sk_buff sctx = { .ifindex = (__u32)ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, t,
		    .data_in = in->b, .data_size_in = (__u32)in->len,
		    .data_out = out->b, .data_size_out = sizeof(out->b), .repeat = 1);

	if (xdp) {
		t.ctx_in = &xctx;
		t.ctx_size_in = sizeof(xctx);
	} else {
		t.ctx_in = &sctx;
		t.ctx_size_in = sizeof(sctx);
	}
	if (bpf_prog_test_run_opts(prog, &t))
		return -errno;
	out->len = t.data_size_out;
	*rv = (int)t.retval;
	return 0;
}

/* 0: version A's frame, 1: B's, 2: neither. */
static int which(const struct frame *got, int rv, bool ha)
{
	for (int i = 0; i < 2; i++) {
		const struct frame *w = ha ? &o.v[i].ha_want : &o.v[i].mn_want;
		int wrv = ha ? o.v[i].ha_rv : o.v[i].mn_rv;

		if (rv == wrv && got->len == w->len && !memcmp(got->b, w->b, w->len))
			return i;
	}
	return 2;
}

static void *reader(void *arg)
{
	struct count *c = arg;
	int cpu = o.cpus[c - counts];
	struct frame out;
	cpu_set_t set;
	int rv, k;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
		c->err = EINVAL;
		return NULL;
	}
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if ((c->err = -run_once(ha_prog, true, o.ha_ifindex, &o.ha_in, &out, &rv)))
			return NULL;
		k = which(&out, rv, true);
		if (k == 2 && !c->ha[2]) {
			c->ha_torn = out;
			c->ha_torn_rv = rv;
		}
		c->ha[k]++;
		if ((c->err = -run_once(mn_prog, false, o.mn_ifindex, &o.mn_in, &out, &rv)))
			return NULL;
		k = which(&out, rv, false);
		if (k == 2 && !c->mn[2]) {
			c->mn_torn = out;
			c->mn_torn_rv = rv;
		}
		c->mn[k]++;
	}
	return NULL;
}

static void *writer(void *arg)
{
	struct timespec next;
	long period_ns = o.rate > 0 ? 1000000000L / o.rate : 0;
	unsigned long i = 0;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (write_version(&o.v[i & 1]))
			break;
		atomic_store_explicit(&writes, ++i, memory_order_relaxed);
		if (period_ns) {
			next.tv_nsec += period_ns;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
	}
	return NULL;
}

static void hex(const struct frame *f)
{
	for (size_t i = 0; i < f->len; i++)
		printf("%02x", f->b[i]);
}

/* Each version alone gives exactly its frames: else the comparison means nothing. */
static int precheck(void)
{
	struct frame out;
	int rv;

	for (int i = 0; i < 2; i++) {
		if (write_version(&o.v[i]))
			return -1;
		for (int p = 0; p < 2; p++) {
			bool ha = p == 0;

			if (run_once(ha ? ha_prog : mn_prog, ha, ha ? o.ha_ifindex : o.mn_ifindex,
				     ha ? &o.ha_in : &o.mn_in, &out, &rv))
				return -1;
			if (which(&out, rv, ha) != i) {
				printf("{\"precheck\": \"version %c, %s program: got verdict %d, "
				       "frame ", 'A' + i, ha ? "HA" : "MN", rv);
				hex(&out);
				printf("\"}\n");
				return -1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct xmip_ha *ha = NULL;
	struct xmip_mn *mn = NULL;
	pthread_t rt[MAX_CPUS], wt;
	int err, rc = 1;

	parse(argc, argv);
	if (o.netns && enter_netns(o.netns))
		return 1;
	err = load(&ha, &mn);
	if (err) {
		fprintf(stderr, "xmip_atomic: loading: %s\n", strerror(-err));
		goto out;
	}
	if (precheck()) {
		rc = 3;
		goto out;
	}
	for (int i = 0; i < o.n_cpus; i++)
		if (pthread_create(&rt[i], NULL, reader, &counts[i]))
			goto out;
	if (pthread_create(&wt, NULL, writer, NULL))
		goto out;
	usleep((useconds_t)(o.seconds * 1e6));
	atomic_store(&stop, true);
	pthread_join(wt, NULL);
	for (int i = 0; i < o.n_cpus; i++)
		pthread_join(rt[i], NULL);

	printf("{\"writes\": %lu, \"seconds\": %.2f, \"rate\": %ld, \"inplace_array\": %s, "
	       "\"quarantine_waits\": %lu, \"cpus\": [", atomic_load(&writes), o.seconds, o.rate,
	       o.inplace ? "true" : "false", fwt ? fwt->waits : 0);
	for (int i = 0; i < o.n_cpus; i++) {
		const struct count *c = &counts[i];

		printf("%s{\"cpu\": %d, \"error\": %d, \"ha\": [%lu, %lu, %lu], \"mn\": [%lu, %lu, %lu]",
		       i ? ", " : "", o.cpus[i], c->err, c->ha[0], c->ha[1], c->ha[2], c->mn[0],
		       c->mn[1], c->mn[2]);
		if (c->ha[2]) {
			printf(", \"ha_torn\": {\"verdict\": %d, \"frame\": \"", c->ha_torn_rv);
			hex(&c->ha_torn);
			printf("\"}");
		}
		if (c->mn[2]) {
			printf(", \"mn_torn\": {\"verdict\": %d, \"frame\": \"", c->mn_torn_rv);
			hex(&c->mn_torn);
			printf("\"}");
		}
		printf("}");
	}
	printf("]}\n");
	rc = 0;
out:
	xmip_fwt_close(fwt);
	xmip_ha__destroy(ha);
	xmip_mn__destroy(mn);
	return rc;
}
