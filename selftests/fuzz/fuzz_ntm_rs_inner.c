// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the relay agent's tunnel-data parser and first-packet
 * translation (agentd/ntm/ntm_rs_flow.c): the datagram is the UDP payload an
 * RS-N flow's first packet arrives in (anyone can send one).
 *
 * Input: one octet (which octet of the inner packet the mutation property
 * changes, and by what), then the datagram.
 *
 * Properties (checksums recomputed here, RFC 1071, not by the code under test):
 *  - never reads past len (ASan: the input is copied to a buffer of exactly
 *    len octets); an accepted packet lies inside the datagram (offset 8,
 *    length from its own header), is IPv4 or IPv6 of a protocol the relay
 *    translates, with the ports or echo identifier on the wire;
 *  - accepted => its checksums verify (IPv4 header; TCP, UDP - IPv4's 0
 *    excepted - and ICMP, with the pseudo-header where the protocol has one);
 *  - the same datagram with one octet of the inner packet's checksummed part
 *    (IPv4: all of it but a UDP datagram without checksum; IPv6: from the
 *    addresses on, but the payload length) changed is never accepted (a damaged packet is never given a right
 *    checksum by the translation);
 *  - the translation keeps the length, writes the addresses and port it was
 *    given, lowers the TTL/hop limit by one, and its checksums verify.
 */
#include "fuzz_common.h"

#include "ntm_rs.h"

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static bool verifies(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* The inner packet's checksums, from its own header fields. */
static bool ref_csum_ok(const uint8_t *ip, size_t len)
{
	bool v6 = ip[0] >> 4 == 6;
	size_t hl = v6 ? 40 : 20, l4len = len - hl;
	uint8_t proto = v6 ? ip[6] : ip[9];
	uint32_t sum = 0;

	if (!v6 && !verifies(sum16(ip, 20, 0)))
		return false;
	if (!v6 && proto == 17 && ip[hl + 6] == 0 && ip[hl + 7] == 0)
		return true;
	if (proto != 1) {
		sum = v6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);
		sum += (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff) + proto;
	}
	return verifies(sum16(ip + hl, l4len, sum));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t src[16] = { [10] = 0xff, [11] = 0xff, 203, 0, 113, 30 };
	static const uint8_t dst[16] = { [10] = 0xff, [11] = 0xff, 198, 51, 100, 80 };
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct xmip_ntm_rs_inner in, in2;
	uint8_t *buf, mut;

	if (size < 1)
		return 0;
	mut = data[0];
	data++;
	size--;
	buf = malloc(size ? size : 1);
	FUZZ_CHECK(buf);
	if (size)
		memcpy(buf, data, size);
	if (xmip_ntm_rs_inner_parse(buf, size, &in) == 0) {
		const uint8_t *ip = buf + in.off;
		size_t hl = in.v6 ? 40 : 20;
		uint8_t ttl = in.v6 ? ip[7] : ip[8];

		FUZZ_CHECK(in.off == 8 && in.off + in.len <= size);
		FUZZ_CHECK(in.proto == 6 || in.proto == 17 || in.proto == (in.v6 ? 58 : 1));
		FUZZ_CHECK(in.len >= (in.v6 ? 48u : 28u));
		FUZZ_CHECK(in.v6 == (ip[0] >> 4 == 6) && in.proto == (in.v6 ? ip[6] : ip[9]));
		FUZZ_CHECK(in.sport == (in.proto == 6 || in.proto == 17 ?
					(ip[hl] << 8 | ip[hl + 1]) : (ip[hl + 4] << 8 | ip[hl + 5])));
		FUZZ_CHECK(ref_csum_ok(ip, in.len), "accepted a packet whose checksum does not verify");
		/* one octet of the checksummed part changed: never accepted */
		{
			size_t from = in.v6 ? 8 : 0;   /* IPv6: addresses on (the rest is not summed) */
			size_t pos = in.off + from + (size_t)(mut % 61) * 7919 % (in.len - from);
			uint8_t *m = malloc(size);
			bool v4_udp_csum = !in.v6 && in.proto == 17 && pos >= in.off + hl &&
					   (pos == in.off + hl + 6 || pos == in.off + hl + 7 ||
					    (!ip[hl + 6] && !ip[hl + 7]));
			bool v6_len = in.v6 && (pos == in.off + 4 || pos == in.off + 5);

			FUZZ_CHECK(m);
			memcpy(m, buf, size);
			m[pos] ^= (uint8_t)(mut | 1);
			/* not summed as such: IPv4 UDP's checksum field and, without one (0), its
			 * whole datagram (RFC 768); IPv6's payload length
			 * (it changes which octets are the packet: a different packet, judged afresh) */
			if (!v4_udp_csum && !v6_len)
				FUZZ_CHECK(xmip_ntm_rs_inner_parse(m, size, &in2) != 0,
					   "octet %zu changed and still accepted", pos - in.off);
			free(m);
		}
		if (xmip_ntm_rs_inner_nat(buf + in.off, size - in.off, &in, in.v6 ? src6 : src, 50007,
					  in.v6 ? dst6 : dst) == 0) {
			if (in.v6)
				FUZZ_CHECK(!memcmp(ip + 8, src6, 16) && !memcmp(ip + 24, dst6, 16) &&
					   ip[7] == ttl - 1);
			else
				FUZZ_CHECK(!memcmp(ip + 12, src + 12, 4) && !memcmp(ip + 16, dst + 12, 4) &&
					   ip[8] == ttl - 1);
			FUZZ_CHECK((in.proto == 6 || in.proto == 17 ? (ip[hl] << 8 | ip[hl + 1]) :
				    (ip[hl + 4] << 8 | ip[hl + 5])) == 50007);
			FUZZ_CHECK(ref_csum_ok(ip, in.len), "the translation's checksum does not verify");
		} else {
			FUZZ_CHECK(ttl <= 1);
		}
	}
	free(buf);
	return 0;
}
