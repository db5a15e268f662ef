// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Mobile IPv4 binding record the HA agent writes for the datapath
 * (agentd/mip4/dp.c, docs/mip4.md "Datapath"): encapsulation, the tunnel's
 * end with the NAT's port in octets 8-9 (XMIP_FW_UDP_PORT_OFF), the flags in
 * bu_flags; the fast-path slot gets XMIP_FW_F_REVERSE from T only for Mobile
 * IPv4 records (lib/fwtable.c); the FA's/node's encapsulation from M and G.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "fwtable.h"
#include "mip4_binding.h"
#include "mip4_node_dp.h"
#include "xmip_maps.h"
#include "xmip_wire_mip4.h"

static struct xmip_mip4_hb hb(uint8_t encap, uint8_t flags, uint16_t dport)
{
	struct xmip_mip4_hb b = {
		.hoa = { 10, 1, 0, 100 }, .coa = { 192, 168, 7, 100 }, .dst = { 203, 0, 113, 2 },
		.src = { 10, 1, 0, 2 }, .encap = encap, .flags = flags, .dport = dport,
		.lifetime_s = 120, .id = 0x1122334455667788ull, .expires_ns = 5000000000ull,
	};

	return b;
}

static void test_ipip_via_fa(void **state)
{
	struct xmip_mip4_hb b = hb(XMIP_MIP4_ENCAP_IPIP, XMIP_MIP4_BF_REVERSE, 0);
	static const uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 2 };
	struct xmip_binding r;

	(void)state;
	assert_int_equal(xmip_mip4_dp_record(&b, &r), 0);
	assert_int_equal(r.encap, XMIP_ENCAP_MIP4_IPIP);
	assert_memory_equal(r.coa, want, 16);
	assert_int_equal(r.bu_flags, XMIP_MIP4_REC_REVERSE);
	assert_int_equal(r.seq, 0x7788);
	assert_int_equal(r.lifetime_s, 120);
	assert_true(r.expires_ns == 5000000000ull);
}

static void test_udp_behind_a_nat(void **state)
{
	struct xmip_mip4_hb b = hb(XMIP_MIP4_ENCAP_GRE, XMIP_MIP4_BF_UDP | XMIP_MIP4_BF_COLOCATED |
				   XMIP_MIP4_BF_REVERSE, 4660);
	struct xmip_binding r;

	(void)state;
	assert_int_equal(xmip_mip4_dp_record(&b, &r), 0);
	assert_int_equal(r.encap, XMIP_ENCAP_MIP4_GRE);
	/* ::PORT:ffff:a.b.c.d, the port in network order at XMIP_FW_UDP_PORT_OFF */
	assert_int_equal(r.coa[XMIP_FW_UDP_PORT_OFF], 0x12);
	assert_int_equal(r.coa[XMIP_FW_UDP_PORT_OFF + 1], 0x34);
	assert_int_equal(r.coa[10], 0xff);
	assert_int_equal(r.coa[15], 2);
	assert_int_equal(r.bu_flags, XMIP_MIP4_REC_UDP | XMIP_MIP4_REC_NAT | XMIP_MIP4_REC_COLOCATED |
			 XMIP_MIP4_REC_REVERSE);
	/* forced (F): UDP without a NAT seen */
	b.flags |= XMIP_MIP4_BF_FORCED;
	assert_int_equal(xmip_mip4_dp_record(&b, &r), 0);
	assert_false(r.bu_flags & XMIP_MIP4_REC_NAT);
	/* never a UDP binding without the port */
	b.dport = 0;
	assert_int_not_equal(xmip_mip4_dp_record(&b, &r), 0);
}

static void test_minimal_infinite_and_unknown(void **state)
{
	struct xmip_mip4_hb b = hb(XMIP_MIP4_ENCAP_MINENC, 0, 0);
	struct xmip_binding r;

	(void)state;
	b.lifetime_s = XMIP_MIP4_LIFETIME_INFINITE;
	assert_int_equal(xmip_mip4_dp_record(&b, &r), 0);
	assert_int_equal(r.encap, XMIP_ENCAP_MIP4_MINENC);
	assert_true(r.expires_ns == UINT64_MAX);
	b.encap = XMIP_MIP4_ENCAP_NONE;
	assert_int_not_equal(xmip_mip4_dp_record(&b, &r), 0);
}

static void test_slot_reverse_flag(void **state)
{
	struct xmip_mip4_hb b = hb(XMIP_MIP4_ENCAP_IPIP, XMIP_MIP4_BF_REVERSE, 0);
	uint8_t key[16] = { [10] = 0xff, [11] = 0xff, 10, 1, 0, 100 };
	struct xmip_fw_entry e;
	struct xmip_binding r;

	(void)state;
	assert_int_equal(xmip_mip4_dp_record(&b, &r), 0);
	xmip_fw_entry_init(&e, key, &r, 1234);
	assert_int_equal(e.flags, XMIP_FW_F_REVERSE);
	assert_int_equal(e.encap, XMIP_ENCAP_MIP4_IPIP);
	/* without T, and for another family's record with the same bit: no flag */
	r.bu_flags = 0;
	xmip_fw_entry_init(&e, key, &r, 1234);
	assert_int_equal(e.flags, 0);
	r.bu_flags = XMIP_MIP4_REC_REVERSE;
	r.encap = XMIP_ENCAP_IP4;
	xmip_fw_entry_init(&e, key, &r, 1234);
	assert_int_equal(e.flags, 0);
}

static void test_set_without_maps_logs_only(void **state)
{
	struct xmip_mip4_dp *dp = xmip_mip4_dp_open(NULL, NULL);
	struct xmip_mip4_hb b[2] = { hb(XMIP_MIP4_ENCAP_IPIP, 0, 0), hb(XMIP_MIP4_ENCAP_GRE, 0, 0) };
	static const uint8_t hoa[4] = { 10, 1, 0, 100 };

	(void)state;
	assert_non_null(dp);
	b[1].id++;   /* the later registration is the one the datapath carries */
	assert_int_equal(xmip_mip4_dp_set(dp, hoa, b, 2), 0);
	assert_int_equal(xmip_mip4_dp_set(dp, hoa, NULL, 0), 0);
	b[0].encap = XMIP_MIP4_ENCAP_NONE;
	b[1].encap = XMIP_MIP4_ENCAP_NONE;
	assert_int_not_equal(xmip_mip4_dp_set(dp, hoa, b, 2), 0);
	xmip_mip4_dp_close(dp);
}

static void test_node_encap_from_flags(void **state)
{
	(void)state;
	assert_int_equal(xmip_mip4_node_dp_encap(0), XMIP_ENCAP_MIP4_IPIP);
	assert_int_equal(xmip_mip4_node_dp_encap(XMIP_MIP4_F_G), XMIP_ENCAP_MIP4_GRE);
	assert_int_equal(xmip_mip4_node_dp_encap(XMIP_MIP4_F_M), XMIP_ENCAP_MIP4_MINENC);
	assert_int_equal(xmip_mip4_node_dp_encap(XMIP_MIP4_F_M | XMIP_MIP4_F_G |
						 XMIP_MIP4_F_T), XMIP_ENCAP_MIP4_MINENC);
	/* no map (not attached): nothing to do, no error */
	assert_int_equal(xmip_mip4_node_dp_set(-1, (const uint8_t *)"\x0a\x01\x00\x64", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipip_via_fa),
		cmocka_unit_test(test_udp_behind_a_nat),
		cmocka_unit_test(test_minimal_infinite_and_unknown),
		cmocka_unit_test(test_slot_reverse_flag),
		cmocka_unit_test(test_set_without_maps_logs_only),
		cmocka_unit_test(test_node_encap_from_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
