/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Bench-only: put a test-run frame back the way it was before the program
 * under test changed it, so that every repetition of BPF_PROG_TEST_RUN
 * (which reuses one frame and does not reset it) does the real work.
 *
 * The restore parameters come from user space per measured path: how far
 * the program moved the head and the tail, and how many leading octets it
 * rewrote (copied back from bench_tmpl). Each wrapper counts the verdict of
 * every repetition in bench_verdicts, so user space can prove that all N
 * repetitions took the path being timed.
 */
#ifndef XMIP_BENCH_RESTORE_H
#define XMIP_BENCH_RESTORE_H

#define BENCH_TMPL_MAX 128
#define BENCH_VERDICT_SLOTS 16       /* XDP_* / TC_ACT_* values; slot 15: restore failed */
#define BENCH_RESTORE_FAILED 15

struct bench_tmpl {
	__s32 head_fix;              /* bpf_xdp_adjust_head() offset that undoes the program's */
	__s32 tail_fix;              /* bpf_xdp_adjust_tail() offset, idem */
	__u32 restore_len;           /* leading octets to copy back from b[] (<= 128) */
	__u32 vary_n;                /* scale runs: rewrite the destination's last word ... */
	__u32 vary_off;              /* ... at this frame offset ... */
	__u32 vary_base;             /* ... to htonl(vary_base + random % vary_n), or with */
	__u32 vary_zipf;             /* 1: vary_base + bench_zipf[random % BENCH_ZIPF_N] */
	__u8  b[BENCH_TMPL_MAX];     /* the frame's first octets as the test run gave them */
};

#define BENCH_ZIPF_N 65536

/* Binding indices drawn (by user space) from a Zipf distribution: the scale runs' destinations. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BENCH_ZIPF_N);
	__type(key, __u32);
	__type(value, __u32);
} bench_zipf SEC(".maps");

/* Restore parameters and template of the path being timed (one entry). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_tmpl);
} bench_tmpl SEC(".maps");

/* Verdict of every repetition, by value (and restore failures). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BENCH_VERDICT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} bench_verdicts SEC(".maps");

static __always_inline void bench_count_verdict(__u32 v)
{
	__u64 *c;

	if (v >= BENCH_VERDICT_SLOTS)
		v = BENCH_RESTORE_FAILED;
	c = bpf_map_lookup_elem(&bench_verdicts, &v);
	if (c)
		*c += 1;
}

/* Copy the template back (and vary the destination). 0, or -1. */
static __always_inline int bench_rewrite_xdp(struct xdp_md *ctx, struct bench_tmpl *t)
{
	__u32 len = t->restore_len;

	if (len > BENCH_TMPL_MAX)
		return -1;
	if (len && bpf_xdp_store_bytes(ctx, 0, t->b, len))
		return -1;
	if (t->vary_n) {
		__u32 r = bpf_get_prandom_u32(), i = r % t->vary_n, k = r % BENCH_ZIPF_N, *z;
		__u32 w;

		/* Both branches look the same up, so the rewrite-only run that is
		 * subtracted costs what this one does. */
		z = bpf_map_lookup_elem(&bench_zipf, &k);
		if (z && t->vary_zipf)
			i = *z;
		w = bpf_htonl(t->vary_base + i);

		if (bpf_xdp_store_bytes(ctx, t->vary_off & 0xfff, &w, sizeof(w)))
			return -1;
	}
	return 0;
}

/* Undo what the program did to the frame: head, tail, leading octets. */
static __always_inline int bench_restore_xdp(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct bench_tmpl *t = bpf_map_lookup_elem(&bench_tmpl, &zero);

	if (!t)
		return -1;
	/* Metadata the program left (the HA marks what it passes, 4 octets). */
	{
		void *meta = (void *)(long)ctx->data_meta, *data = (void *)(long)ctx->data;

		if (meta + 4 <= data && bpf_xdp_adjust_meta(ctx, 4))
			return -1;
	}
	if (t->head_fix && bpf_xdp_adjust_head(ctx, t->head_fix))
		return -1;
	if (t->tail_fix && bpf_xdp_adjust_tail(ctx, t->tail_fix))
		return -1;
	return bench_rewrite_xdp(ctx, t);
}

/* The restore's share alone: the same template copy, no head/tail move. */
static __always_inline int bench_rewrite_only_xdp(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct bench_tmpl *t = bpf_map_lookup_elem(&bench_tmpl, &zero);

	if (!t)
		return -1;
	return bench_rewrite_xdp(ctx, t);
}

#endif /* XMIP_BENCH_RESTORE_H */
