// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The netlink replies the agent reads (lib/netlink.c), fed as arbitrary
 * message streams: the agent's own functions run on one end of a
 * SOCK_SEQPACKET socket pair (which, like netlink, keeps datagram
 * boundaries and ignores the destination address of sendto), and the
 * harness plays the kernel on the other end.
 *
 * Input: one octet choosing the call (dump addresses, dump routes, a proxy
 * neighbour, an address, a route and a rule change, the monitor's drain,
 * xmip_nl_route_parse on the bytes alone, xmip_nl_neigh_parse on the bytes
 * alone, and the fast-path table's next-hop queries: xmip_nl_route_get and
 * xmip_nl_neigh_get), then datagrams, each a 2-octet
 * length, a flags octet (bit 0: write the sequence number of the request
 * into every message, as the kernel would, so that the fuzzer gets past
 * the sequence check) and the bytes. After them the harness always sends
 * an ack for the request (a real kernel always ends an answer), so every
 * call must return.
 *
 * Properties:
 *  - every call returns (libFuzzer's timeout catches one that does not);
 *  - a request result is 0 or a negative errno (-4095..-1), never a
 *    positive value nor INT_MIN (callers print strerror(-rc));
 *  - a dump calls back at most once per well-formed message of the
 *    stream that carries the request's sequence number, only for what it
 *    asked (IPv6 addresses, IPv6 routes), with prefix lengths <= 128;
 *  - the monitor counts at most one event per message;
 *  - xmip_nl_route_parse never reads past the length it is given (ASan,
 *    on an exactly sized heap copy) and reports dst_len <= 128;
 *  - xmip_nl_neigh_parse likewise, and accepts only a neighbour message
 *    with an address; a neighbour query that succeeds has one.
 */
#include "fuzz_common.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"

static int sv[2];            /* sv[0]: the agent's end, sv[1]: the "kernel" */
static uint32_t next_seq;    /* lib/netlink.c numbers its requests 1, 2, ... */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int big = 1 << 20;

	(void)argc;
	(void)argv;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		abort();
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return 0;
}

/* What a dump reported, against what the stream held. */
static int n_addr_cb, n_route_cb;

static int on_addr(const struct xmip_nl_addr_info *a, void *arg)
{
	(void)arg;
	n_addr_cb++;
	FUZZ_CHECK(a->plen <= 128, "address with prefix length %u", a->plen);
	return 0;
}

static int on_route(const struct xmip_nl_route_info *r, void *arg)
{
	(void)arg;
	n_route_cb++;
	FUZZ_CHECK(r->dst_len <= 128, "route with prefix length %u", r->dst_len);
	return 0;
}

/* Whole messages of one datagram, walked here without lib/netlink.c. */
static int count_msgs(const uint8_t *d, size_t len, uint32_t seq, int type, int *with_seq)
{
	size_t off = 0;
	int n = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;

		memcpy(&h, d + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			break;
		n++;
		if (h.nlmsg_seq == seq && (type < 0 || h.nlmsg_type == type))
			(*with_seq)++;
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off >= len)
			break;
	}
	return n;
}

static void drain(int fd)
{
	static char buf[70000];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t dgram[65536];
	struct fuzz_in in = { data, size };
	uint8_t op = (uint8_t)fuzz_take(&in, 1) % 11;
	bool request = op < 6 || op >= 9;    /* a request, answered and acked */
	uint32_t seq = request ? ++next_seq : 0;
	int msgs = 0, with_seq = 0, want_type = -1, rc = 0;
	struct in6_addr a = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };

	if (op == 7) {   /* the route parser on the bytes alone */
		struct xmip_nl_route_info r;
		uint8_t *copy = malloc(in.left ? in.left : 1);

		memcpy(copy, in.p, in.left);
		if (!xmip_nl_route_parse(copy, in.left, &r))
			FUZZ_CHECK(r.dst_len <= 128 && in.left >= NLMSG_LENGTH(sizeof(struct rtmsg)));
		free(copy);
		return 0;
	}
	if (op == 8) {   /* the neighbour parser on the bytes alone */
		struct xmip_nl_neigh_info ni;
		uint8_t *copy = malloc(in.left ? in.left : 1);

		memcpy(copy, in.p, in.left);
		if (!xmip_nl_neigh_parse(copy, in.left, &ni))
			FUZZ_CHECK(ni.has_addr && in.left >= NLMSG_LENGTH(sizeof(struct ndmsg)));
		free(copy);
		return 0;
	}
	if (op == 0)
		want_type = RTM_NEWADDR;
	else if (op == 1)
		want_type = RTM_NEWROUTE;

	/* The "kernel" queues the fuzzer's datagrams, then an ack. */
	while (in.left >= 3) {
		size_t len = (size_t)fuzz_take(&in, 2);
		uint8_t flags = (uint8_t)fuzz_take(&in, 1);

		if (len > in.left)
			len = in.left;
		memcpy(dgram, in.p, len);
		in.p += len;
		in.left -= len;
		if (flags & 1) {
			size_t off = 0;

			while (len - off >= sizeof(struct nlmsghdr)) {
				struct nlmsghdr h;

				memcpy(&h, dgram + off, sizeof(h));
				h.nlmsg_seq = seq;
				memcpy(dgram + off, &h, sizeof(h));
				if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off ||
				    NLMSG_ALIGN(h.nlmsg_len) >= len - off)
					break;
				off += NLMSG_ALIGN(h.nlmsg_len);
			}
		}
		msgs += count_msgs(dgram, len, seq, want_type, &with_seq);
		if (send(sv[1], dgram, len, MSG_DONTWAIT) < 0)
			break;
	}
	if (request) {
		struct {
			struct nlmsghdr h;
			struct nlmsgerr e;
		} ack = { .h = { .nlmsg_len = sizeof(ack), .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = seq } };

		if (send(sv[1], &ack, sizeof(ack), MSG_DONTWAIT) < 0)
			abort();
	}

	n_addr_cb = n_route_cb = 0;
	switch (op) {
	case 0:
		rc = xmip_nl_dump_addrs(sv[0], on_addr, NULL);
		FUZZ_CHECK(n_addr_cb <= with_seq, "%d addresses from %d messages", n_addr_cb, with_seq);
		break;
	case 1:
		rc = xmip_nl_dump_routes(sv[0], on_route, NULL);
		FUZZ_CHECK(n_route_cb <= with_seq, "%d routes from %d messages", n_route_cb, with_seq);
		break;
	case 2:
		rc = xmip_nl_proxy_neigh(sv[0], 3, &a, true);
		break;
	case 3:
		rc = xmip_nl_addr(sv[0], 3, &a, 64, 0, false);
		break;
	case 4: {
		struct xmip_nl_route_info r = { .table = 4191, .has_gateway = true, .gateway = a,
						.ifindex = 3, .mtu = 1400 };

		rc = xmip_nl_route(sv[0], &r, true);
		break;
	}
	case 5:
		rc = xmip_nl_rule(sv[0], &a, &a, 4191, 4191, true);
		break;
	case 6: {
		int fl = fcntl(sv[0], F_GETFL);

		fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
		rc = xmip_nl_monitor_drain(sv[0]);
		fcntl(sv[0], F_SETFL, fl);
		FUZZ_CHECK(rc >= 0 && rc <= msgs, "%d events from %d messages", rc, msgs);
		rc = 0;
		break;
	}
	case 9: {
		struct xmip_nl_route_info r;

		rc = xmip_nl_route_get(sv[0], &a, NULL, &r);
		if (!rc)
			FUZZ_CHECK(r.dst_len <= 128, "route get: dst_len %u", r.dst_len);
		break;
	}
	case 10: {
		struct xmip_nl_neigh_info ni;

		rc = xmip_nl_neigh_get(sv[0], 3, &a, &ni);
		if (!rc)
			FUZZ_CHECK(ni.has_addr, "neighbour query: no address");
		break;
	}
	}
	FUZZ_CHECK(rc <= 0 && rc >= -4095, "request result %d", rc);
	drain(sv[0]);   /* what the call did not read (it stopped at an earlier answer) */
	drain(sv[1]);   /* the requests it sent */
	return 0;
}
