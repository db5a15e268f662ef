// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The writers' side of xmip_fwtable (fwtable.h has the protocol). */
#include "fwtable.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "pins.h"

#define SLOT_BYTES sizeof(struct xmip_fw_slot)

size_t xmip_fwt_map_bytes(uint32_t elements)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n = (size_t)elements * SLOT_BYTES;

	return (n + page - 1) / page * page;
}

uint32_t xmip_fwt_slots_for(uint32_t max_bindings)
{
	/* Load at most 1/4: linear probing then keeps every key within its
	 * window of 16 (simulated: at 1M keys in 4M slots the largest
	 * displacement is about 10; at load 1/2 hundreds of keys need more). */
	uint64_t want = (uint64_t)max_bindings * 4, n = 64;

	while (n < want && n < (1u << 30))
		n <<= 1;
	return (uint32_t)n;
}

static uint64_t mono_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void real_sleep_ms(void *arg, uint32_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	(void)arg;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static bool hdr_ok(const struct xmip_fw_hdr *h, uint32_t nslots)
{
	return h->magic == XMIP_FW_MAGIC && h->version == XMIP_FW_VERSION &&
	       h->nslots == nslots && nslots && !(nslots & (nslots - 1));
}

static struct xmip_fwt *wrap(void *mem, void *map, size_t map_len, int lock_fd, char *err,
			     size_t errlen, uint32_t want_slots)
{
	struct xmip_fwt *t;
	struct xmip_fw_hdr *h = mem;

	if (!hdr_ok(h, want_slots ? want_slots : h->nslots)) {
		snprintf(err, errlen, "%s: no valid header (magic %#x version %u, %u slots)",
			 XMIP_MAP_FWTABLE, h->magic, h->version, h->nslots);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->hdr = h;
	t->slot = (struct xmip_fw_slot *)mem + 1;
	t->nslots = h->nslots;
	t->mask = h->nslots - 1;
	t->seed = h->seed;
	t->map = map;
	t->map_len = map_len;
	t->lock_fd = lock_fd;
	t->now_ms = mono_ms;
	t->sleep_ms = real_sleep_ms;
	t->quarantine_ms = XMIP_FW_QUARANTINE_MS;
	return t;
}

struct xmip_fwt *xmip_fwt_map(int map_fd, int lock_fd, char *err, size_t errlen)
{
	struct bpf_map_info mi = { 0 };
	uint32_t len = sizeof(mi);
	struct xmip_fwt *t;
	size_t bytes;
	void *p;

	if (bpf_obj_get_info_by_fd(map_fd, &mi, &len)) {
		snprintf(err, errlen, "%s: %s", XMIP_MAP_FWTABLE, strerror(errno));
		return NULL;
	}
	if (mi.type != BPF_MAP_TYPE_ARRAY || mi.value_size != SLOT_BYTES || mi.max_entries < 2 ||
	    !(mi.map_flags & BPF_F_MMAPABLE)) {
		snprintf(err, errlen, "%s: not an mmapable array of %zu-octet slots", XMIP_MAP_FWTABLE,
			 SLOT_BYTES);
		return NULL;
	}
	bytes = xmip_fwt_map_bytes(mi.max_entries);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", XMIP_MAP_FWTABLE, strerror(errno));
		return NULL;
	}
	t = wrap(p, p, bytes, lock_fd, err, errlen, mi.max_entries - 1);
	if (!t)
		munmap(p, bytes);
	return t;
}

struct xmip_fwt *xmip_fwt_from_mem(void *mem, char *err, size_t errlen)
{
	return wrap(mem, NULL, 0, -1, err, errlen, 0);
}

void xmip_fwt_close(struct xmip_fwt *t)
{
	if (!t)
		return;
	while (t->locked)
		xmip_fwt_unlock(t);
	if (t->own_lock_fd && t->lock_fd >= 0)
		close(t->lock_fd);
	if (t->map)
		munmap(t->map, t->map_len);
	free(t);
}

void xmip_fwt_format_mem(void *mem, uint32_t nslots, uint32_t seed, uint32_t hz)
{
	struct xmip_fw_hdr *h = mem;

	memset(mem, 0, (size_t)(nslots + 1) * SLOT_BYTES);
	h->nslots = nslots;
	h->seed = seed;
	h->hz = hz;
	h->version = XMIP_FW_VERSION;
	__atomic_store_n(&h->magic, XMIP_FW_MAGIC, __ATOMIC_RELEASE);
}

int xmip_fwt_format(int map_fd, uint32_t nslots, uint32_t hz, uint32_t want_seed, uint32_t *seed)
{
	size_t bytes = xmip_fwt_map_bytes(nslots + 1);
	struct xmip_fw_hdr *h;
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	uint32_t s = want_seed;

	if (p == MAP_FAILED)
		return -errno;
	h = p;
	if (hdr_ok(h, nslots)) {
		/* A table an earlier attach made: keep it (and its slots), note HZ. */
		if (hz)
			h->hz = hz;
		*seed = h->seed;
		munmap(p, bytes);
		return 0;
	}
	if (!s && getrandom(&s, sizeof(s), 0) != sizeof(s))
		s = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	xmip_fwt_format_mem(p, nslots, s, hz);
	*seed = s;
	munmap(p, bytes);
	return 0;
}

int xmip_fwt_peek(int map_fd, struct xmip_fw_hdr *hdr)
{
	uint32_t zero = 0;
	struct bpf_map_info mi = { 0 };
	uint32_t len = sizeof(mi);

	if (bpf_obj_get_info_by_fd(map_fd, &mi, &len))
		return -errno;
	if (mi.value_size != SLOT_BYTES || mi.max_entries < 2)
		return -EINVAL;
	if (bpf_map_lookup_elem(map_fd, &zero, hdr))
		return -errno;
	return hdr_ok(hdr, mi.max_entries - 1) ? 0 : -ENOENT;
}

int xmip_fwt_lock(struct xmip_fwt *t)
{
	if (t->locked++ || t->lock_fd < 0)
		return 0;
	while (flock(t->lock_fd, LOCK_EX)) {
		if (errno != EINTR) {
			int e = errno;

			t->locked--;
			return -e;
		}
	}
	return 0;
}

void xmip_fwt_unlock(struct xmip_fwt *t)
{
	if (!t->locked || --t->locked || t->lock_fd < 0)
		return;
	flock(t->lock_fd, LOCK_UN);
}

uint32_t xmip_fwt_home(const struct xmip_fwt *t, const uint8_t key[16])
{
	uint32_t w[4];

	memcpy(w, key, 16);
	return xmip_fw_hash(w, t->seed) & t->mask;
}

static uint8_t state_of(const struct xmip_fw_slot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

static void set_state(struct xmip_fw_slot *s, uint8_t st)
{
	__atomic_store_n(&s->state, st, __ATOMIC_RELEASE);
}

static bool key_is(const struct xmip_fw_slot *s, const uint8_t key[16])
{
	return memcmp(s->key, key, 16) == 0;
}

static uint16_t age_ms(const struct xmip_fwt *t, const struct xmip_fw_slot *s)
{
	/* 16-bit milliseconds, wrap-safe for ages under 65 s; an older slot
	 * may look young once in a while, which only delays its reuse. */
	return (uint16_t)((uint16_t)t->now_ms(t->now_arg) - s->retired_ms);
}

static void retire(struct xmip_fwt *t, struct xmip_fw_slot *s, uint8_t st)
{
	s->retired_ms = (uint16_t)t->now_ms(t->now_arg);   /* a field no reader reads */
	set_state(s, st);
}

/*
 * A DEAD slot p may become EMPTY (where lookups stop) when no chain
 * crosses it: no slot after it in the next XMIP_FW_PROBE - 1 that a
 * reader may still look for (VALID, REPLACED) has its home at or before p.
 */
static void try_empty(struct xmip_fwt *t, uint32_t p)
{
	if (t->slot[p].state != XMIP_FW_DEAD)
		return;
	for (uint32_t j = 1; j < XMIP_FW_PROBE; j++) {
		uint32_t q = (p + j) & t->mask;
		const struct xmip_fw_slot *s = &t->slot[q];
		uint8_t st = s->state;

		if (st == XMIP_FW_EMPTY)
			break;
		if (st != XMIP_FW_VALID && st != XMIP_FW_REPLACED)
			continue;
		if (((q - xmip_fwt_home(t, s->key)) & t->mask) >= j)
			return;   /* its chain runs through p */
	}
	set_state(&t->slot[p], XMIP_FW_EMPTY);
	/* A tombstone before p may have been kept for a chain ending here. */
	for (uint32_t j = 1; j < XMIP_FW_PROBE; j++) {
		uint32_t q = (p - j) & t->mask;

		if (t->slot[q].state != XMIP_FW_DEAD)
			break;
		try_empty(t, q);
		if (t->slot[q].state != XMIP_FW_EMPTY)
			break;
	}
}

/* A retired slot whose quarantine is over becomes reusable. */
static bool reclaim(struct xmip_fwt *t, uint32_t i)
{
	struct xmip_fw_slot *s = &t->slot[i];

	if ((s->state != XMIP_FW_REPLACED && s->state != XMIP_FW_DELETED) ||
	    age_ms(t, s) < t->quarantine_ms)
		return false;
	set_state(s, XMIP_FW_DEAD);
	try_empty(t, i);
	return true;
}

static void fill(struct xmip_fw_slot *s, const struct xmip_fw_entry *e)
{
	/* The slot is EMPTY or DEAD: no reader uses its fields. */
	s->flags = e->flags;
	s->encap = e->encap;
	s->pad = 0;
	s->mtu = e->mtu;
	memcpy(s->key, e->key, 16);
	memcpy(s->coa, e->coa, 16);
	s->expires = e->expires;
	s->ifindex = e->ifindex;
	memcpy(s->smac, e->smac, 6);
	memcpy(s->dmac, e->dmac, 6);
}

static void to_entry(const struct xmip_fw_slot *s, struct xmip_fw_entry *e)
{
	memcpy(e->key, s->key, 16);
	memcpy(e->coa, s->coa, 16);
	e->expires = s->expires;
	e->ifindex = s->ifindex;
	memcpy(e->smac, s->smac, 6);
	memcpy(e->dmac, s->dmac, 6);
	e->mtu = s->mtu;
	e->flags = s->flags;
	e->encap = s->encap;
}

static bool key_zero(const uint8_t key[16])
{
	static const uint8_t zero[16];

	return memcmp(key, zero, 16) == 0;
}

/* One pass over key's window: its VALID slot, a free slot, the shortest quarantine left. */
struct scan {
	int      old, free;
	uint32_t wait_ms;    /* 0: nothing in quarantine */
};

static void scan_window(struct xmip_fwt *t, const uint8_t key[16], struct scan *sc)
{
	uint32_t h = xmip_fwt_home(t, key);

	sc->old = sc->free = -1;
	sc->wait_ms = 0;
	for (uint32_t i = 0; i < XMIP_FW_PROBE; i++) {
		uint32_t idx = (h + i) & t->mask;
		struct xmip_fw_slot *s = &t->slot[idx];

		switch (s->state) {
		case XMIP_FW_VALID:
			if (key_is(s, key))
				sc->old = (int)idx;
			break;
		case XMIP_FW_REPLACED:
		case XMIP_FW_DELETED:
			if (reclaim(t, idx)) {
				if (sc->free < 0)
					sc->free = (int)idx;
			} else {
				uint32_t left = t->quarantine_ms - age_ms(t, s);

				if (!sc->wait_ms || left < sc->wait_ms)
					sc->wait_ms = left;
			}
			break;
		case XMIP_FW_DEAD:
			if (sc->free < 0)
				sc->free = (int)idx;
			break;
		default:   /* EMPTY: no chain runs past it */
			if (sc->free < 0)
				sc->free = (int)idx;
			return;
		}
	}
}

/* Everything but the expiry the same: a refresh. */
static bool only_expiry_differs(const struct xmip_fw_slot *s, const struct xmip_fw_entry *e)
{
	return s->flags == e->flags && s->encap == e->encap && s->mtu == e->mtu &&
	       !memcmp(s->coa, e->coa, 16) && s->ifindex == e->ifindex &&
	       !memcmp(s->smac, e->smac, 6) && !memcmp(s->dmac, e->dmac, 6);
}

int xmip_fwt_put(struct xmip_fwt *t, const struct xmip_fw_entry *e)
{
	struct scan sc;
	int rc = 0;

	if (key_zero(e->key))
		return -EINVAL;
	if ((rc = xmip_fwt_lock(t)))
		return rc;
	for (;;) {
		scan_window(t, e->key, &sc);
		/*
		 * A refresh (a BU renewing the same binding) changes only the
		 * expiry: one aligned 8-octet store, which every 64-bit CPU
		 * makes single-copy atomic and the reader loads in one go. A
		 * reader gets the old or the new expiry beside fields that are
		 * the same in both: one whole version either way, without
		 * spending a slot on it.
		 */
		if (sc.old >= 0 && only_expiry_differs(&t->slot[sc.old], e)) {
			__atomic_store_n(&t->slot[sc.old].expires, e->expires, __ATOMIC_RELEASE);
			t->hdr->gen++;
			goto out;
		}
		if (sc.free >= 0)
			break;
		if (sc.wait_ms) {
			/* Only quarantine stands in the way: it ends within 100 ms. */
			t->waits++;
			t->sleep_ms(t->now_arg, sc.wait_ms);
			continue;
		}
		if (sc.old < 0) {
			rc = -ENOSPC;
			goto out;
		}
		/*
		 * The key is there and its window is full of live slots: no
		 * second slot for the new version. Retire the old one as
		 * REPLACED (readers keep using it, whole) and reuse it once
		 * out of quarantine; in between readers find the old version.
		 */
		retire(t, &t->slot[sc.old], XMIP_FW_REPLACED);
	}
	{
		struct xmip_fw_slot *s = &t->slot[sc.free];

		fill(s, e);
		set_state(s, XMIP_FW_VALID);
		if (sc.old >= 0)
			retire(t, &t->slot[sc.old], XMIP_FW_REPLACED);
		t->hdr->gen++;
	}
out:
	xmip_fwt_unlock(t);
	return rc;
}

int xmip_fwt_del(struct xmip_fwt *t, const uint8_t key[16])
{
	uint32_t h = xmip_fwt_home(t, key);
	int rc, found = 0;

	if ((rc = xmip_fwt_lock(t)))
		return rc;
	for (uint32_t i = 0; i < XMIP_FW_PROBE; i++) {
		struct xmip_fw_slot *s = &t->slot[(h + i) & t->mask];

		if (s->state == XMIP_FW_EMPTY)
			break;
		if ((s->state != XMIP_FW_VALID && s->state != XMIP_FW_REPLACED) || !key_is(s, key))
			continue;
		/* Older versions too: a reader falls back to a REPLACED one. The
		 * quarantine restarts now, the last moment a reader could take it. */
		found |= s->state == XMIP_FW_VALID;
		retire(t, s, XMIP_FW_DELETED);
	}
	if (found)
		t->hdr->gen++;
	xmip_fwt_unlock(t);
	return found ? 0 : -ENOENT;
}

int xmip_fwt_get(const struct xmip_fwt *t, const uint8_t key[16], struct xmip_fw_entry *e)
{
	uint32_t h = xmip_fwt_home(t, key);
	int fallback = -1;

	/* As the datapath does it (bpf/lib/fwtable.h). */
	for (uint32_t i = 0; i < XMIP_FW_PROBE; i++) {
		uint32_t idx = (h + i) & t->mask;
		const struct xmip_fw_slot *s = &t->slot[idx];
		uint8_t st = state_of(s);

		if (st == XMIP_FW_EMPTY)
			break;
		if (st == XMIP_FW_VALID && key_is(s, key)) {
			to_entry(s, e);
			return 0;
		}
		if (st == XMIP_FW_REPLACED && fallback < 0 && key_is(s, key))
			fallback = (int)idx;
	}
	if (fallback < 0)
		return -ENOENT;
	to_entry(&t->slot[fallback], e);
	return 0;
}

unsigned int xmip_fwt_reap(struct xmip_fwt *t)
{
	unsigned int n = 0;

	if (xmip_fwt_lock(t))
		return 0;
	for (uint32_t i = 0; i < t->nslots; i++)
		n += reclaim(t, i);
	for (uint32_t i = 0; i < t->nslots; i++)
		try_empty(t, i);
	xmip_fwt_unlock(t);
	return n;
}

void xmip_fwt_census(const struct xmip_fwt *t, unsigned int count[5])
{
	memset(count, 0, 5 * sizeof(count[0]));
	for (uint32_t i = 0; i < t->nslots; i++) {
		uint8_t st = t->slot[i].state;

		if (st <= XMIP_FW_DEAD)
			count[st]++;
	}
}

void xmip_fwt_set_lease(struct xmip_fwt *t, uint64_t until)
{
	__atomic_store_n(&t->hdr->nh_lease, until, __ATOMIC_RELEASE);
}

struct xmip_fwt *xmip_fwt_open(const char *instance, char *err, size_t errlen)
{
	char dir[256];
	struct xmip_fwt *t;
	int fd, dfd;

	fd = xmip_map_open(instance, XMIP_MAP_FWTABLE, err, errlen);
	if (fd < 0)
		return NULL;
	if (xmip_pin_dir(instance, dir, sizeof(dir)) ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		close(fd);
		return NULL;
	}
	t = xmip_fwt_map(fd, dfd, err, errlen);
	close(fd);   /* the mapping keeps the map */
	if (!t) {
		close(dfd);
		return NULL;
	}
	t->own_lock_fd = true;
	return t;
}

void xmip_fw_entry_init(struct xmip_fw_entry *e, const uint8_t key[16],
			const struct xmip_binding *b, uint64_t expires)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, 16);
	memcpy(e->coa, b->coa, 16);
	e->expires = expires;
	e->encap = b->encap;
	e->mtu = b->path_mtu;
	/* Mobile IPv4: T granted, the datapath accepts the reverse tunnel (RFC 3024). */
	if (b->encap >= XMIP_ENCAP_MIP4_IPIP && b->encap <= XMIP_ENCAP_MIP4_GRE &&
	    (b->bu_flags & XMIP_MIP4_REC_REVERSE))
		e->flags |= XMIP_FW_F_REVERSE;
}
