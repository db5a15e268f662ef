/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one writer of the HA's fast-path table, xmip_fwtable
 * (include/xmip_maps.h; docs/DESIGN.md, "The fast-path table"): the
 * agent, `xmip binding add/del`, the benchmark and the test tools all
 * write through here. Writers of one instance are serialised by an
 * exclusive flock on the instance's pin directory (bpffs holds no regular
 * files; a directory takes a flock like any file).
 *
 * The protocol, and why the datapath never sees half a slot:
 *  - a change never writes a slot a reader may use (VALID or REPLACED):
 *    the new version is written whole into a free slot (EMPTY or DEAD) of
 *    the key's probe window, and its state is stored last, with release
 *    order (C11 memory_order_release: on arm64 an stlr, on x86 a plain
 *    store after a compiler barrier);
 *  - the old version is then retired (REPLACED by a replace, DELETED by a
 *    delete) by a state store alone; its fields stay as they were;
 *  - a retired slot is reused only XMIP_FW_QUARANTINE_MS (100 ms) after
 *    its retirement, far longer than any run of a BPF program, so a reader
 *    that saw it live has finished its copy long before;
 *  - the reader loads the state, then (ordered after it) the key and the
 *    fields, once.
 * One exception: a refresh, which changes nothing but the expiry, stores
 * the new expiry in place (one aligned 8-octet store, single-copy atomic on
 * 64-bit CPUs, loaded whole by the reader): either expiry beside identical
 * fields is one whole version.
 * A key whose window holds no free slot is refused (-ENOSPC: the agent
 * answers BA 130, insufficient resources); a window blocked only by slots
 * in quarantine waits for the oldest to come out.
 */
#ifndef XMIP_FWTABLE_H
#define XMIP_FWTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xmip_maps.h"

/* One binding as the datapath needs it (a slot's fields, without the slot's own state). */
struct xmip_fw_entry {
	uint8_t  key[16];
	uint8_t  coa[16];
	uint64_t expires;      /* jiffies */
	uint32_t ifindex;      /* with XMIP_FW_F_NH */
	uint8_t  smac[6], dmac[6];
	uint16_t mtu;          /* inner packets for this CoA; 0: the instance's tunnel MTU */
	uint8_t  flags;        /* XMIP_FW_F_* */
	uint8_t  encap;        /* enum xmip_encap */
};

struct xmip_fwt {
	struct xmip_fw_hdr  *hdr;    /* element 0 */
	struct xmip_fw_slot *slot;   /* slot[i] is element 1 + i */
	uint32_t             nslots, mask, seed;
	void                *map;    /* mmap base (NULL: memory given by the caller) */
	size_t               map_len;
	int                  lock_fd;  /* flock'ed around each change; -1: none */
	bool                 own_lock_fd;  /* closed with the table (xmip_fwt_open) */
	int                  locked;   /* nesting of xmip_fwt_lock() */
	/* Quarantine clock, ms; CLOCK_MONOTONIC unless a test sets another. */
	uint64_t           (*now_ms)(void *arg);
	void                *now_arg;
	/* Sleep while a window waits for a slot in quarantine; tests replace it. */
	void               (*sleep_ms)(void *arg, uint32_t ms);
	unsigned long        waits;    /* how often a change waited for a quarantine */
	/* XMIP_FW_QUARANTINE_MS; the atomicity test shortens it to reuse slots faster. */
	uint16_t             quarantine_ms;
};

/* Octets of an mmapable ARRAY of n 64-octet elements (the kernel's page rounding). */
size_t xmip_fwt_map_bytes(uint32_t elements);

/* Slots for max_bindings (four times as many, a power of two, at least 64). */
uint32_t xmip_fwt_slots_for(uint32_t max_bindings);

/*
 * Map the table behind map_fd (an ARRAY of 1 + nslots struct xmip_fw_slot,
 * BPF_F_MMAPABLE) and check its header. lock_fd (-1: none) is the
 * directory to flock; it is the caller's to close. NULL with err.
 */
struct xmip_fwt *xmip_fwt_map(int map_fd, int lock_fd, char *err, size_t errlen);
/* The same over memory the caller owns (unit tests), formatted by xmip_fwt_format_mem. */
struct xmip_fwt *xmip_fwt_from_mem(void *mem, char *err, size_t errlen);
void xmip_fwt_close(struct xmip_fwt *t);

/*
 * Give the table behind map_fd (1 + nslots elements) a header unless it
 * has a valid one of this size: a fresh table gets want_seed (0: a random
 * one). The table's seed is returned in *seed (the datapath's rodata must
 * hold it). 0 or -errno.
 */
int xmip_fwt_format(int map_fd, uint32_t nslots, uint32_t hz, uint32_t want_seed, uint32_t *seed);
/* The header of the table behind map_fd: 0, -ENOENT (none valid yet) or -errno. */
int xmip_fwt_peek(int map_fd, struct xmip_fw_hdr *hdr);
/* Format memory of 1 + nslots slots (unit tests, private maps). */
void xmip_fwt_format_mem(void *mem, uint32_t nslots, uint32_t seed, uint32_t hz);

/* Hold the writers' lock over several changes (the changes take it too; nesting counts). */
int  xmip_fwt_lock(struct xmip_fwt *t);
void xmip_fwt_unlock(struct xmip_fwt *t);

/*
 * Make e the key's current version (insert or replace). 0; -ENOSPC when
 * the key's window has no slot for it; -EINVAL for a key of ::.
 */
int xmip_fwt_put(struct xmip_fwt *t, const struct xmip_fw_entry *e);
/* Retire the key's version(s). 0, or -ENOENT. */
int xmip_fwt_del(struct xmip_fwt *t, const uint8_t key[16]);
/* What the datapath would find for key (VALID first, else a REPLACED one). 0 or -ENOENT. */
int xmip_fwt_get(const struct xmip_fwt *t, const uint8_t key[16], struct xmip_fw_entry *e);
/* Reclaim every slot whose quarantine is over (and sweep tombstones). Returns how many. */
unsigned int xmip_fwt_reap(struct xmip_fwt *t);
/* Slots per state (index XMIP_FW_EMPTY..XMIP_FW_DEAD), for tests and `xmip show`. */
void xmip_fwt_census(const struct xmip_fwt *t, unsigned int count[5]);

/* Where key's window starts (slot index, not element). */
uint32_t xmip_fwt_home(const struct xmip_fwt *t, const uint8_t key[16]);

/* Renew the next-hop lease (xmip_fw_hdr.nh_lease) to `until` jiffies: one 8-octet store. */
void xmip_fwt_set_lease(struct xmip_fwt *t, uint64_t until);

/*
 * The instance's table: open its pinned xmip_fwtable, lock its pin
 * directory. NULL with err (not an HA, attached by an older xmip...).
 */
struct xmip_fwt *xmip_fwt_open(const char *instance, char *err, size_t errlen);

/* The slot of binding b of `key`, no next hop yet: CoA, expiry (jiffies), encapsulation, path MTU. */
void xmip_fw_entry_init(struct xmip_fw_entry *e, const uint8_t key[16],
			const struct xmip_binding *b, uint64_t expires);

#endif /* XMIP_FWTABLE_H */
