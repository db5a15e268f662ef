// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lib/fwtable.c, the writer of the HA's fast-path table, on a table in
 * plain memory with a clock the test moves: placement in the key's probe
 * window, the probe limit, replace (a new slot, the old one retired and
 * still readable), delete, the 100 ms quarantine before a slot is reused,
 * tombstones that keep chains intact, and the reader's fallback.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"
#include "fwtable.h"

#define SLOTS 64
#define SEED  0x1234abcdu

struct fake_clock {
	uint64_t ms;
	unsigned int sleeps;
	uint32_t slept;
};

static uint64_t fake_now(void *arg)
{
	return ((struct fake_clock *)arg)->ms;
}

static void fake_sleep(void *arg, uint32_t ms)
{
	struct fake_clock *c = arg;

	c->sleeps++;
	c->slept += ms;
	c->ms += ms;
}

struct fix {
	void *mem;
	struct xmip_fwt *t;
	struct fake_clock clk;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	char err[128];

	f->mem = calloc(SLOTS + 1, sizeof(struct xmip_fw_slot));
	xmip_fwt_format_mem(f->mem, SLOTS, SEED, 250);
	f->t = xmip_fwt_from_mem(f->mem, err, sizeof(err));
	assert_non_null(f->t);
	f->clk.ms = 1000;
	f->t->now_ms = fake_now;
	f->t->sleep_ms = fake_sleep;
	f->t->now_arg = &f->clk;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	xmip_fwt_close(f->t);
	free(f->mem);
	free(f);
	return 0;
}

/* The n-th key (2001:db8:1::/64 + i) whose window starts at `home`. */
static void key_at(const struct xmip_fwt *t, uint32_t home, int n, uint8_t key[16])
{
	static const uint8_t base[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0 };

	for (uint32_t i = 1;; i++) {
		memcpy(key, base, 8);
		memset(key + 8, 0, 4);
		key[12] = (uint8_t)(i >> 24);
		key[13] = (uint8_t)(i >> 16);
		key[14] = (uint8_t)(i >> 8);
		key[15] = (uint8_t)i;
		if (xmip_fwt_home(t, key) == home && n-- == 0)
			return;
	}
}

static void entry(struct xmip_fw_entry *e, const uint8_t key[16], uint8_t coa_last)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, 16);
	e->coa[0] = 0x20;
	e->coa[1] = 0x01;
	e->coa[15] = coa_last;
	e->expires = 123456;
	e->ifindex = 7;
	e->mtu = 1400;
	e->flags = XMIP_FW_F_NH;
	memset(e->smac, 0x02, 6);
	memset(e->dmac, coa_last, 6);
}

static const struct xmip_fw_slot *slot(const struct fix *f, uint32_t i)
{
	return &f->t->slot[i & (SLOTS - 1)];
}

static void census_is(const struct fix *f, unsigned int valid, unsigned int replaced,
		      unsigned int deleted, unsigned int dead)
{
	unsigned int c[5];

	xmip_fwt_census(f->t, c);
	assert_int_equal(c[XMIP_FW_VALID], valid);
	assert_int_equal(c[XMIP_FW_REPLACED], replaced);
	assert_int_equal(c[XMIP_FW_DELETED], deleted);
	assert_int_equal(c[XMIP_FW_DEAD], dead);
}

/* The hash the datapath uses: the same function, the table's seed, over the key's words. */
static void test_layout_and_hash(void **state)
{
	struct fix *f = *state;
	uint8_t key[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint32_t w[4];

	assert_int_equal(sizeof(struct xmip_fw_slot), 64);
	assert_int_equal(offsetof(struct xmip_fw_slot, expires) % 8, 0);
	memcpy(w, key, 16);
	assert_int_equal(xmip_fwt_home(f->t, key), xmip_fw_hash(w, SEED) & (SLOTS - 1));
	/* Another seed, another place (for this key: a fixed expectation). */
	assert_int_not_equal(xmip_fw_hash(w, SEED), xmip_fw_hash(w, SEED + 1));
	assert_int_equal(xmip_fwt_slots_for(65536), 262144);
	assert_int_equal(xmip_fwt_slots_for(1000000), 4194304);
	assert_int_equal(xmip_fwt_slots_for(1), 64);
}

static void test_put_places_in_the_home_slot_and_get_finds_it(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t key[16];

	key_at(f->t, 10, 0, key);
	entry(&e, key, 1);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	assert_int_equal(slot(f, 10)->state, XMIP_FW_VALID);
	assert_memory_equal(slot(f, 10)->key, key, 16);
	memset(&got, 0, sizeof(got));
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	assert_memory_equal(&got, &e, sizeof(e));
	census_is(f, 1, 0, 0, 0);
	/* The same again is a replace: the old version is retired, not rewritten. */
	entry(&e, key, 2);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	assert_int_equal(slot(f, 10)->state, XMIP_FW_REPLACED);
	assert_int_equal(slot(f, 10)->coa[15], 1);          /* the old fields untouched */
	assert_int_equal(slot(f, 11)->state, XMIP_FW_VALID);
	assert_int_equal(slot(f, 11)->coa[15], 2);
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	assert_int_equal(got.coa[15], 2);
	census_is(f, 1, 1, 0, 0);
	assert_int_equal(xmip_fwt_put(f->t, &(struct xmip_fw_entry){ 0 }), -EINVAL);
}

static void test_a_refresh_of_the_expiry_alone_is_stored_in_place(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t key[16];

	key_at(f->t, 12, 0, key);
	entry(&e, key, 1);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	e.expires += 5000;
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	/* The same slot, no retired version: only the expiry changed. */
	census_is(f, 1, 0, 0, 0);
	assert_int_equal(slot(f, 12)->expires, 123456 + 5000);
	memset(&got, 0, sizeof(got));   /* the struct's tail padding too */
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	assert_memory_equal(&got, &e, sizeof(e));
	/* Anything else changing (the next hop's MAC): a new slot. */
	e.dmac[5] ^= 1;
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	census_is(f, 1, 1, 0, 0);
	assert_int_equal(slot(f, 13)->dmac[5], e.dmac[5]);
}

static void test_keys_of_one_home_fill_the_window_then_are_refused(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t key[16];

	for (int i = 0; i < XMIP_FW_PROBE; i++) {
		key_at(f->t, 60, i, key);
		entry(&e, key, (uint8_t)i);
		assert_int_equal(xmip_fwt_put(f->t, &e), 0);
		/* The window wraps around the end of the table. */
		assert_int_equal(slot(f, 60 + (uint32_t)i)->state, XMIP_FW_VALID);
	}
	key_at(f->t, 60, XMIP_FW_PROBE, key);
	entry(&e, key, 99);
	assert_int_equal(xmip_fwt_put(f->t, &e), -ENOSPC);
	assert_int_equal(xmip_fwt_get(f->t, key, &got), -ENOENT);
	/* Every one placed is found. */
	for (int i = 0; i < XMIP_FW_PROBE; i++) {
		key_at(f->t, 60, i, key);
		assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
		assert_int_equal(got.coa[15], i);
	}
	assert_int_equal(f->clk.sleeps, 0);
}

static void test_a_retired_slot_waits_out_its_quarantine(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e;
	uint8_t key[16], other[16];

	for (int i = 0; i < XMIP_FW_PROBE; i++) {
		key_at(f->t, 20, i, key);
		entry(&e, key, (uint8_t)i);
		assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	}
	key_at(f->t, 20, 0, key);
	f->clk.ms += 30;
	assert_int_equal(xmip_fwt_del(f->t, key), 0);
	assert_int_equal(slot(f, 20)->state, XMIP_FW_DELETED);
	/* 40 ms later a new key needs that slot: the writer waits the 60 ms left. */
	f->clk.ms += 40;
	key_at(f->t, 20, XMIP_FW_PROBE, other);
	entry(&e, other, 50);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	assert_int_equal(f->clk.sleeps, 1);
	assert_int_equal(f->clk.slept, XMIP_FW_QUARANTINE_MS - 40);
	assert_int_equal(f->t->waits, 1);
	assert_int_equal(slot(f, 20)->state, XMIP_FW_VALID);
	assert_memory_equal(slot(f, 20)->key, other, 16);
}

static void test_replace_in_a_full_window_goes_through_quarantine(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t key[16];

	for (int i = 0; i < XMIP_FW_PROBE; i++) {
		key_at(f->t, 30, i, key);
		entry(&e, key, (uint8_t)i);
		assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	}
	/* No free slot for a second version of key 3: it is retired (readers
	 * keep using it, whole), and rewritten once out of quarantine. */
	key_at(f->t, 30, 3, key);
	entry(&e, key, 33);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	assert_int_equal(f->clk.sleeps, 1);
	assert_int_equal(f->clk.slept, XMIP_FW_QUARANTINE_MS);
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	assert_int_equal(got.coa[15], 33);
	census_is(f, XMIP_FW_PROBE, 0, 0, 0);
}

static void test_delete_retires_every_version(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t key[16];

	key_at(f->t, 5, 0, key);
	entry(&e, key, 1);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	entry(&e, key, 2);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);   /* 5: REPLACED, 6: VALID */
	assert_int_equal(xmip_fwt_del(f->t, key), 0);
	/* Neither the new nor the old version may be found any more. */
	assert_int_equal(xmip_fwt_get(f->t, key, &got), -ENOENT);
	census_is(f, 0, 0, 2, 0);
	assert_int_equal(xmip_fwt_del(f->t, key), -ENOENT);
	/* Not reusable before the quarantine ends; then swept back to EMPTY. */
	f->clk.ms += XMIP_FW_QUARANTINE_MS - 1;
	assert_int_equal(xmip_fwt_reap(f->t), 0);
	f->clk.ms += 1;
	assert_int_equal(xmip_fwt_reap(f->t), 2);
	census_is(f, 0, 0, 0, 0);
}

/* A reader that passed the new version's slot before it was published. */
static void test_the_reader_falls_back_to_the_replaced_version(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t key[16], first[16];

	/* Key A in slot 40, then key B (same home) v1 in 41; A deleted and
	 * reclaimed: 40 is a tombstone (B's chain crosses it). */
	key_at(f->t, 40, 0, first);
	entry(&e, first, 1);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	key_at(f->t, 40, 1, key);
	entry(&e, key, 2);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	assert_int_equal(xmip_fwt_del(f->t, first), 0);
	f->clk.ms += XMIP_FW_QUARANTINE_MS;
	xmip_fwt_reap(f->t);
	assert_int_equal(slot(f, 40)->state, XMIP_FW_DEAD);   /* kept: B is behind it */
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	/* B v2 goes into 40 (before v1), v1 retired in 41. */
	entry(&e, key, 3);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	assert_int_equal(slot(f, 40)->state, XMIP_FW_VALID);
	assert_int_equal(slot(f, 41)->state, XMIP_FW_REPLACED);
	/* What a slow reader sees: 40 before the publication, 41 after the
	 * retirement. It must find v1, whole, not nothing. */
	f->t->slot[40].state = XMIP_FW_DEAD;
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	assert_int_equal(got.coa[15], 2);
	f->t->slot[40].state = XMIP_FW_VALID;
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	assert_int_equal(got.coa[15], 3);
}

static void test_tombstones_become_empty_when_no_chain_crosses(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t a[16], b[16], c[16];

	key_at(f->t, 50, 0, a);
	key_at(f->t, 50, 1, b);
	key_at(f->t, 51, 0, c);
	entry(&e, a, 1);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);   /* 50 */
	entry(&e, b, 2);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);   /* 51 */
	entry(&e, c, 3);
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);   /* 52 (its home 51 taken) */
	assert_int_equal(xmip_fwt_del(f->t, a), 0);
	assert_int_equal(xmip_fwt_del(f->t, b), 0);
	f->clk.ms += XMIP_FW_QUARANTINE_MS;
	xmip_fwt_reap(f->t);
	/* 51 is crossed by c's chain (home 51, at 52): a tombstone. 50 is
	 * crossed by nobody any more... but a lookup for c must not stop at an
	 * EMPTY 51: only slots before every live chain go EMPTY. */
	assert_int_equal(slot(f, 51)->state, XMIP_FW_DEAD);
	assert_int_equal(slot(f, 50)->state, XMIP_FW_EMPTY);
	assert_int_equal(xmip_fwt_get(f->t, c, &got), 0);
	assert_int_equal(xmip_fwt_del(f->t, c), 0);
	f->clk.ms += XMIP_FW_QUARANTINE_MS;
	xmip_fwt_reap(f->t);
	census_is(f, 0, 0, 0, 0);
}

static void test_lease_and_entry_helpers(void **state)
{
	struct fix *f = *state;
	struct xmip_binding b = { .coa = { 0x20, 0x01, [15] = 9 }, .encap = 0, .path_mtu = 1300,
				  .bu_flags = 0x6000 };
	uint8_t hoa[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [8] = 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33,
			    0x44, 0x55 };
	struct xmip_fw_entry e;
	uint8_t ll[16];

	xmip_fwt_set_lease(f->t, 777);
	assert_int_equal(f->t->hdr->nh_lease, 777);
	xmip_fw_entry_init(&e, hoa, &b, 4242);
	assert_memory_equal(e.key, hoa, 16);
	assert_memory_equal(e.coa, b.coa, 16);
	assert_int_equal(e.expires, 4242);
	assert_int_equal(e.mtu, 1300);
	assert_int_equal(e.flags, 0);
	xmip_addr_link_local_of(hoa, ll);
	assert_int_equal(ll[0], 0xfe);
	assert_int_equal(ll[1], 0x80);
	assert_memory_equal(ll + 8, hoa + 8, 8);
	assert_int_equal(ll[2] | ll[3] | ll[4] | ll[5] | ll[6] | ll[7], 0);
}

/*
 * A table with every slot live (issue 13, "binding table full"): a new key
 * is refused with -ENOSPC (the agent answers BA 130) and not one octet of
 * any slot changes, i.e. no live binding is overwritten or evicted, and
 * nobody waits (no quarantine to wait out). A refresh of a key that is in
 * (its expiry) still goes through, in place.
 */
static void test_a_full_table_refuses_a_new_key_and_changes_nothing(void **state)
{
	struct fix *f = *state;
	struct xmip_fw_entry e, got;
	uint8_t key[16], *before;
	size_t bytes = (SLOTS + 1) * sizeof(struct xmip_fw_slot);
	unsigned int placed = 0;

	/* Fill: keys 2001:db8:1::i until every slot is VALID. */
	for (uint32_t i = 1; placed < SLOTS; i++) {
		memset(key, 0, 16);
		key[0] = 0x20, key[1] = 0x01, key[2] = 0x0d, key[3] = 0xb8, key[5] = 1;
		key[12] = (uint8_t)(i >> 24), key[13] = (uint8_t)(i >> 16);
		key[14] = (uint8_t)(i >> 8), key[15] = (uint8_t)i;
		entry(&e, key, (uint8_t)i);
		if (xmip_fwt_put(f->t, &e) == 0)
			placed++;
		assert_true(i < 100000);
	}
	census_is(f, SLOTS, 0, 0, 0);
	before = malloc(bytes);
	memcpy(before, f->mem, bytes);
	/* Any key not in the table, whatever its home slot. */
	for (uint32_t home = 0; home < SLOTS; home++) {
		key_at(f->t, home, 0, key);
		key[6] = 0x77;   /* another /64 than the fill's: never placed */
		entry(&e, key, 200);
		assert_int_equal(xmip_fwt_put(f->t, &e), -ENOSPC);
		assert_int_equal(xmip_fwt_get(f->t, key, &got), -ENOENT);
	}
	/* The header's write count aside, the table is what it was. */
	assert_memory_equal((uint8_t *)f->mem + sizeof(struct xmip_fw_slot),
			    before + sizeof(struct xmip_fw_slot), bytes - sizeof(struct xmip_fw_slot));
	assert_int_equal(f->clk.sleeps, 0);
	/* A refresh of a key that is in: its expiry, in place. */
	memcpy(key, f->t->slot[7].key, 16);
	assert_int_equal(xmip_fwt_get(f->t, key, &got), 0);
	e = got;
	e.expires += 1000;
	assert_int_equal(xmip_fwt_put(f->t, &e), 0);
	assert_int_equal(f->t->slot[7].expires, got.expires + 1000);
	census_is(f, SLOTS, 0, 0, 0);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_and_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_places_in_the_home_slot_and_get_finds_it,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_of_one_home_fill_the_window_then_are_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_refresh_of_the_expiry_alone_is_stored_in_place,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_retired_slot_waits_out_its_quarantine, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_replace_in_a_full_window_goes_through_quarantine,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_retires_every_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_reader_falls_back_to_the_replaced_version,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_tombstones_become_empty_when_no_chain_crosses,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_and_entry_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_full_table_refuses_a_new_key_and_changes_nothing,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
