// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness: an ICMPv6 message of types 144-147 as the HA's or
 * the MN's raw ICMPv6 socket receives it (xmip_icmp6_mip_parse; RFC 6275
 * §6.5-§6.8, RFC 3963 §7). Properties: nothing read past size (ASan), no
 * undefined behaviour (UBSan), deterministic; what parses is one of the
 * four types with code 0 and the identifier on the wire; a reply's
 * address count is its remaining length / 16 (at most the kept maximum)
 * and the addresses are those on the wire; a reply or request re-built
 * from the parsed fields is the same message; each kept Prefix
 * Information option is one on the wire.
 */
#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhaad.h"
#include "xmip_wire.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xmip_icmp6_mip m, again;
	static const struct in6_addr src = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	static const struct in6_addr dst = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
	static uint8_t out[1400];
	enum xmip_icmp6_mip_err e = xmip_icmp6_mip_parse(data, size, &m);
	int len;

	CHECK(xmip_icmp6_mip_parse(data, size, &again) == e && !memcmp(&m, &again, sizeof(m)));
	if (e != XMIP_ICMP6_MIP_OK)
		return 0;
	CHECK(size >= 8 && data[1] == 0 && data[0] == m.type);
	CHECK(m.type >= XMIP_ICMP6_HAAD_REQUEST && m.type <= XMIP_ICMP6_MPA);
	CHECK(m.id == (uint16_t)(data[4] << 8 | data[5]));
	switch (m.type) {
	case XMIP_ICMP6_HAAD_REPLY:
		CHECK((size - 8) % 16 == 0);
		CHECK(m.n_addrs == ((size - 8) / 16 < XMIP_HAAD_MAX_ADDRS ? (size - 8) / 16 :
				    XMIP_HAAD_MAX_ADDRS));
		for (size_t i = 0; i < m.n_addrs; i++)
			CHECK(!memcmp(m.addrs[i].s6_addr, data + 8 + 16 * i, 16));
		len = xmip_haad_build_reply(out, sizeof(out), &src, &dst, m.id, m.r, m.addrs,
					    m.n_addrs);
		CHECK(len == (int)(48 + 16 * m.n_addrs));
		CHECK(xmip_icmp6_mip_parse(out + 40, (size_t)len - 40, &again) == 0 &&
		      again.n_addrs == m.n_addrs && again.r == m.r && again.id == m.id &&
		      !memcmp(again.addrs, m.addrs, m.n_addrs * 16));
		break;
	case XMIP_ICMP6_HAAD_REQUEST:
		len = xmip_haad_build_request(out, sizeof(out), &src, &dst, m.id, m.r);
		CHECK(len == 48 && out[40] == data[0] && out[44] == data[4] && out[45] == data[5] &&
		      (out[46] & XMIP_HAAD_F_R) == (data[6] & XMIP_HAAD_F_R));
		break;
	default:
		/* every option of the message lies inside it (RFC 4861 §4.6) */
		CHECK(m.n_prefixes <= XMIP_MPA_MAX_PREFIXES);
		for (size_t i = 0; i < m.n_prefixes; i++) {
			bool found = false;

			for (size_t off = 8; off + 32 <= size && !found; off += 8)
				found = data[off] == 3 && data[off + 1] == 4 &&
					data[off + 2] == m.prefixes[i].plen &&
					!memcmp(data + off + 16, m.prefixes[i].prefix.s6_addr, 16);
			CHECK(found);
		}
		if (m.type == XMIP_ICMP6_MPS)
			CHECK(m.n_prefixes == 0 || data[0] == XMIP_ICMP6_MPS);
	}
	return 0;
}
