// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The MN's policy routing requests (lib/netlink.c) as the kernel will
 * read them: "from HoA/128 lookup 4191" must be exclusive (no duplicate
 * rules on a restart) and carry the table as FRA_TABLE (it does not fit the
 * 8-bit field); the route must carry RTA_TABLE and a nested RTAX_MTU.
 * Decoded here by hand, attribute by attribute, not with our parser. Then
 * the parser: dumped routes (plain and multipath) read back, and truncated
 * messages never read past their length (ASan build: exact-size copies).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

struct attr {
	uint16_t       type;
	uint16_t       len;   /* payload */
	const uint8_t *data;
};

/* Walk the attributes at buf[off, end) by hand; returns how many. */
static int walk(const uint8_t *buf, size_t off, size_t end, struct attr *out, int max)
{
	int n = 0;

	while (off + 4 <= end && n < max) {
		uint16_t len, type;

		memcpy(&len, buf + off, 2);
		memcpy(&type, buf + off + 2, 2);
		assert_true(len >= 4 && off + len <= end);
		out[n].type = type;
		out[n].len = (uint16_t)(len - 4);
		out[n].data = buf + off + 4;
		n++;
		off += (len + 3u) & ~3u;
	}
	assert_int_equal(off, end);   /* no trailing garbage, nothing cut */
	return n;
}

static const struct attr *find(const struct attr *a, int n, uint16_t type)
{
	for (int i = 0; i < n; i++)
		if (a[i].type == type)
			return &a[i];
	return NULL;
}

static uint32_t u32_of(const struct attr *a)
{
	uint32_t v;

	assert_non_null(a);
	assert_int_equal(a->len, 4);
	memcpy(&v, a->data, 4);
	return v;
}

static void sample_route(struct xmip_nl_route_info *r)
{
	memset(r, 0, sizeof(*r));
	r->table = 4191;
	r->has_gateway = true;
	inet_pton(AF_INET6, "2001:db8:9::1", &r->gateway);
	r->ifindex = 7;
	r->priority = 1024;
	r->mtu = 1460;
}

static void test_route_request(void **state)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct xmip_nl_route_info r;
	struct attr a[16], m[4];
	struct nlmsghdr h;
	struct rtmsg rtm;
	const struct attr *metrics;
	int len, n, nm;

	(void)state;
	sample_route(&r);
	len = xmip_nl_build_route(buf, sizeof(buf), &r, true);
	assert_true(len > 0);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_len, len);
	assert_int_equal(h.nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(h.nlmsg_flags, NLM_F_CREATE | NLM_F_REPLACE);
	memcpy(&rtm, buf + 16, sizeof(rtm));
	assert_int_equal(rtm.rtm_family, AF_INET6);
	assert_int_equal(rtm.rtm_dst_len, 0);               /* default route */
	assert_int_equal(rtm.rtm_table, RT_TABLE_UNSPEC);   /* 4191 > 255 */
	assert_int_equal(rtm.rtm_type, RTN_UNICAST);
	n = walk(buf, 16 + sizeof(rtm), (size_t)len, a, 16);
	assert_int_equal(u32_of(find(a, n, RTA_TABLE)), 4191);
	assert_int_equal(u32_of(find(a, n, RTA_OIF)), 7);
	assert_int_equal(u32_of(find(a, n, RTA_PRIORITY)), 1024);
	assert_non_null(find(a, n, RTA_GATEWAY));
	assert_int_equal(find(a, n, RTA_GATEWAY)->len, 16);
	assert_memory_equal(find(a, n, RTA_GATEWAY)->data, &r.gateway, 16);
	assert_null(find(a, n, RTA_DST));                  /* ::/0 has none */
	metrics = find(a, n, RTA_METRICS);
	assert_non_null(metrics);
	nm = walk(metrics->data, 0, metrics->len, m, 4);
	assert_int_equal(nm, 1);
	assert_int_equal(m[0].type, RTAX_MTU);
	assert_int_equal(u32_of(&m[0]), 1460);

	/* Delete: same key, no metrics, no create flags. */
	len = xmip_nl_build_route(buf, sizeof(buf), &r, false);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_type, RTM_DELROUTE);
	assert_int_equal(h.nlmsg_flags, 0);
	n = walk(buf, 16 + sizeof(rtm), (size_t)len, a, 16);
	assert_null(find(a, n, RTA_METRICS));
	assert_int_equal(u32_of(find(a, n, RTA_TABLE)), 4191);

	assert_int_equal(xmip_nl_build_route(buf, 64, &r, true), -ENOSPC);
}

static void test_rule_request(void **state)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct fib_rule_hdr frh;
	struct in6_addr hoa;
	struct nlmsghdr h;
	struct attr a[8];
	int len, n;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:1::100", &hoa);
	len = xmip_nl_build_rule(buf, sizeof(buf), &hoa, NULL, 4191, 4191, true);
	assert_true(len > 0);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_len, len);
	assert_int_equal(h.nlmsg_type, RTM_NEWRULE);
	/* EXCL: a restarted agent must get EEXIST, not a second rule. */
	assert_int_equal(h.nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	memcpy(&frh, buf + 16, sizeof(frh));
	assert_int_equal(frh.family, AF_INET6);
	assert_int_equal(frh.src_len, 128);
	assert_int_equal(frh.dst_len, 0);
	assert_int_equal(frh.action, FR_ACT_TO_TBL);
	assert_int_equal(frh.table, RT_TABLE_UNSPEC);
	n = walk(buf, 16 + sizeof(frh), (size_t)len, a, 8);
	assert_int_equal(n, 3);
	assert_non_null(find(a, n, FRA_SRC));
	assert_int_equal(find(a, n, FRA_SRC)->len, 16);
	assert_memory_equal(find(a, n, FRA_SRC)->data, &hoa, 16);
	assert_int_equal(u32_of(find(a, n, FRA_TABLE)), 4191);
	assert_int_equal(u32_of(find(a, n, FRA_PRIORITY)), 4191);

	len = xmip_nl_build_rule(buf, sizeof(buf), &hoa, NULL, 4191, 4191, false);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_type, RTM_DELRULE);
	assert_int_equal(h.nlmsg_flags, 0);

	/* ::ffff:a.b.c.d: an IPv4 rule (the MN's IPv4 home address, RFC 5555) */
	inet_pton(AF_INET6, "::ffff:192.0.2.100", &hoa);
	len = xmip_nl_build_rule(buf, sizeof(buf), &hoa, NULL, 4191, 4191, true);
	assert_true(len > 0);
	memcpy(&frh, buf + 16, sizeof(frh));
	assert_int_equal(frh.family, AF_INET);
	assert_int_equal(frh.src_len, 32);
	n = walk(buf, 16 + sizeof(frh), (size_t)len, a, 8);
	assert_int_equal(find(a, n, FRA_SRC)->len, 4);
	assert_memory_equal(find(a, n, FRA_SRC)->data, &hoa.s6_addr[12], 4);
}

/* A mobile router's prefix rules (agentd/mip6/mn_nemo.c): from a prefix, to a prefix. */
static void test_rule6_prefix_request(void **state)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct fib_rule_hdr frh;
	struct in6_addr p;
	struct nlmsghdr h;
	struct attr a[8];
	int len, n;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:100::", &p);
	len = xmip_nl_build_rule6(buf, sizeof(buf), &p, 48, NULL, 0, 4191, 4191, true);
	assert_true(len > 0);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_type, RTM_NEWRULE);
	assert_int_equal(h.nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	memcpy(&frh, buf + 16, sizeof(frh));
	assert_int_equal(frh.family, AF_INET6);
	assert_int_equal(frh.src_len, 48);
	assert_int_equal(frh.dst_len, 0);
	n = walk(buf, 16 + sizeof(frh), (size_t)len, a, 8);
	assert_int_equal(n, 3);
	assert_memory_equal(find(a, n, FRA_SRC)->data, &p, 16);
	assert_null(find(a, n, FRA_DST));
	assert_int_equal(u32_of(find(a, n, FRA_TABLE)), 4191);

	len = xmip_nl_build_rule6(buf, sizeof(buf), NULL, 0, &p, 64, RT_TABLE_MAIN, 4190, false);
	assert_true(len > 0);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_type, RTM_DELRULE);
	memcpy(&frh, buf + 16, sizeof(frh));
	assert_int_equal(frh.src_len, 0);
	assert_int_equal(frh.dst_len, 64);
	assert_int_equal(frh.table, RT_TABLE_MAIN);
	n = walk(buf, 16 + sizeof(frh), (size_t)len, a, 8);
	assert_null(find(a, n, FRA_SRC));
	assert_memory_equal(find(a, n, FRA_DST)->data, &p, 16);
	assert_int_equal(u32_of(find(a, n, FRA_PRIORITY)), 4190);
	/* no prefix length past 128 */
	assert_true(xmip_nl_build_rule6(buf, sizeof(buf), &p, 129, NULL, 0, 1, 1, true) < 0);
}

/* An IPv4 default route through an IPv6 next hop (RTA_VIA), and through an IPv4 one. */
static void test_route4_request(void **state)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct xmip_nl_route_info r = { .table = 4191, .priority = 1024, .v4 = true,
					.has_gateway = true, .ifindex = 7 };
	const struct attr *via;
	struct rtmsg rtm;
	struct attr a[16];
	int len, n;

	(void)state;
	inet_pton(AF_INET6, "fe80::1", &r.gateway);
	len = xmip_nl_build_route(buf, sizeof(buf), &r, true);
	assert_true(len > 0);
	memcpy(&rtm, buf + 16, sizeof(rtm));
	assert_int_equal(rtm.rtm_family, AF_INET);
	assert_int_equal(rtm.rtm_dst_len, 0);
	n = walk(buf, 16 + sizeof(rtm), (size_t)len, a, 16);
	assert_null(find(a, n, RTA_GATEWAY));
	assert_null(find(a, n, RTA_DST));
	via = find(a, n, RTA_VIA);
	assert_non_null(via);
	assert_int_equal(via->len, 18);
	assert_int_equal(via->data[0] | via->data[1] << 8, AF_INET6);   /* host order */
	assert_memory_equal(via->data + 2, &r.gateway, 16);
	assert_int_equal(u32_of(find(a, n, RTA_OIF)), 7);
	assert_int_equal(u32_of(find(a, n, RTA_TABLE)), 4191);
	inet_pton(AF_INET6, "::ffff:198.51.100.1", &r.gateway);
	len = xmip_nl_build_route(buf, sizeof(buf), &r, true);
	n = walk(buf, 16 + sizeof(rtm), (size_t)len, a, 16);
	assert_null(find(a, n, RTA_VIA));
	assert_int_equal(find(a, n, RTA_GATEWAY)->len, 4);
	assert_memory_equal(find(a, n, RTA_GATEWAY)->data, &r.gateway.s6_addr[12], 4);
}

/* Parse a copy of exactly len octets, so that ASan sees any over-read. */
static int parse_exact(const uint8_t *msg, size_t len, struct xmip_nl_route_info *r)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, msg, len);
	rc = xmip_nl_route_parse(copy, len, r);
	free(copy);
	return rc;
}

static void test_parse_round_trip_and_truncation(void **state)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct xmip_nl_route_info in, out;
	int len;

	(void)state;
	sample_route(&in);
	len = xmip_nl_build_route(buf, sizeof(buf), &in, true);
	assert_int_equal(parse_exact(buf, (size_t)len, &out), 0);
	assert_int_equal(out.table, 4191);
	assert_int_equal(out.dst_len, 0);
	assert_int_equal(out.type, RTN_UNICAST);
	assert_true(out.has_gateway);
	assert_memory_equal(&out.gateway, &in.gateway, 16);
	assert_int_equal(out.ifindex, 7);
	assert_int_equal(out.priority, 1024);
	assert_int_equal(out.mtu, 1460);

	/* Shorter than nlmsg_len says: refused, whatever the cut. */
	for (int cut = 0; cut < len; cut++)
		assert_int_equal(parse_exact(buf, (size_t)cut, &out), -EINVAL);
	/* Not a route. */
	((struct nlmsghdr *)buf)->nlmsg_type = RTM_NEWADDR;
	assert_int_equal(parse_exact(buf, (size_t)len, &out), -EINVAL);
}

static size_t put_attr(uint8_t *buf, size_t off, uint16_t type, const void *data, uint16_t len)
{
	uint16_t l = (uint16_t)(4 + len);

	memcpy(buf + off, &l, 2);
	memcpy(buf + off + 2, &type, 2);
	memcpy(buf + off + 4, data, len);
	return off + ((l + 3u) & ~3u);
}

static void test_parse_multipath_and_bad_attrs(void **state)
{
	uint8_t buf[256] __attribute__((aligned(4))), nh[64];
	struct xmip_nl_route_info out;
	struct in6_addr gw;
	struct rtnexthop rtnh = { .rtnh_ifindex = 9 };
	struct nlmsghdr h = { .nlmsg_type = RTM_NEWROUTE };
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_table = RT_TABLE_MAIN,
			     .rtm_type = RTN_UNICAST };
	size_t off, nhlen;

	(void)state;
	inet_pton(AF_INET6, "fe80::1", &gw);
	memset(buf, 0, sizeof(buf));
	/* One next hop: rtnexthop + RTA_GATEWAY. */
	nhlen = put_attr(nh, sizeof(rtnh), RTA_GATEWAY, &gw, 16);
	rtnh.rtnh_len = (unsigned short)nhlen;
	memcpy(nh, &rtnh, sizeof(rtnh));
	memcpy(buf + 16, &rtm, sizeof(rtm));
	off = put_attr(buf, 16 + sizeof(rtm), RTA_MULTIPATH, nh, (uint16_t)nhlen);
	h.nlmsg_len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(parse_exact(buf, off, &out), 0);
	assert_int_equal(out.table, RT_TABLE_MAIN);
	assert_int_equal(out.ifindex, 9);
	assert_true(out.has_gateway);
	assert_memory_equal(&out.gateway, &gw, 16);

	/* A next hop claiming more than its attribute holds: ignored, no over-read. */
	rtnh.rtnh_len = (unsigned short)(nhlen + 64);
	memcpy(nh, &rtnh, sizeof(rtnh));
	off = put_attr(buf, 16 + sizeof(rtm), RTA_MULTIPATH, nh, (uint16_t)nhlen);
	assert_int_equal(parse_exact(buf, off, &out), 0);
	assert_int_equal(out.ifindex, 0);
	assert_false(out.has_gateway);

	/* An attribute longer than the message: the walk stops there. */
	off = put_attr(buf, 16 + sizeof(rtm), RTA_OIF, &(uint32_t){ 5 }, 4);
	h.nlmsg_len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	buf[16 + sizeof(rtm)] = 200;   /* rta_len */
	assert_int_equal(parse_exact(buf, off, &out), 0);
	assert_int_equal(out.ifindex, 0);
	/* Wrong sizes are not taken. */
	off = put_attr(buf, 16 + sizeof(rtm), RTA_GATEWAY, &gw, 8);
	h.nlmsg_len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(parse_exact(buf, off, &out), 0);
	assert_false(out.has_gateway);
}

/* IPv4 routes (DSMIPv6 care-of addresses): addresses as ::ffff:a.b.c.d, lengths + 96. */
static void test_parse_ipv4(void **state)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct xmip_nl_route_info out;
	struct nlmsghdr h = { .nlmsg_type = RTM_NEWROUTE };
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN,
			     .rtm_type = RTN_UNICAST, .rtm_dst_len = 24 };
	uint8_t dst[4] = { 203, 0, 113, 0 }, gw[4] = { 198, 51, 100, 1 };
	struct in6_addr want_dst, want_gw;
	size_t off;

	(void)state;
	inet_pton(AF_INET6, "::ffff:203.0.113.0", &want_dst);
	inet_pton(AF_INET6, "::ffff:198.51.100.1", &want_gw);
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 16, &rtm, sizeof(rtm));
	off = put_attr(buf, 16 + sizeof(rtm), RTA_DST, dst, 4);
	off = put_attr(buf, off, RTA_GATEWAY, gw, 4);
	off = put_attr(buf, off, RTA_OIF, &(uint32_t){ 3 }, 4);
	h.nlmsg_len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(parse_exact(buf, off, &out), 0);
	assert_int_equal(out.dst_len, 96 + 24);
	assert_memory_equal(&out.dst, &want_dst, 16);
	assert_true(out.has_gateway);
	assert_memory_equal(&out.gateway, &want_gw, 16);
	assert_int_equal(out.ifindex, 3);
	/* An IPv4 prefix longer than 32 is not a route. */
	rtm.rtm_dst_len = 33;
	memcpy(buf + 16, &rtm, sizeof(rtm));
	assert_int_equal(parse_exact(buf, off, &out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_request),
		cmocka_unit_test(test_route4_request),
		cmocka_unit_test(test_rule_request),
		cmocka_unit_test(test_rule6_prefix_request),
		cmocka_unit_test(test_parse_round_trip_and_truncation),
		cmocka_unit_test(test_parse_multipath_and_bad_attrs),
		cmocka_unit_test(test_parse_ipv4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
