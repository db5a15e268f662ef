// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include "addr.h"
#include "csum.h"
#include "log.h"
#include "netlink.h"

#define NA_LEN (sizeof(struct nd_neighbor_advert) + 8)  /* + TLLA option */

size_t xmip_nd_build_na(uint8_t *buf, size_t cap, const struct in6_addr *target,
			const uint8_t mac[6])
{
	struct nd_neighbor_advert na;
	uint8_t *opt = buf + sizeof(na);

	if (cap < NA_LEN)
		return 0;
	memset(&na, 0, sizeof(na));
	na.nd_na_type = ND_NEIGHBOR_ADVERT;
	na.nd_na_code = 0;
	na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;  /* already network order */
	na.nd_na_target = *target;
	memcpy(buf, &na, sizeof(na));
	opt[0] = ND_OPT_TARGET_LINKADDR;
	opt[1] = 1;  /* 8 octets */
	memcpy(opt + 2, mac, 6);
	return NA_LEN;
}

static int send_unsolicited_na(const char *ifname, const struct in6_addr *target, bool router);

int xmip_nd_send_unsolicited_na(const char *ifname, const struct in6_addr *target)
{
	return send_unsolicited_na(ifname, target, false);
}

int xmip_nd_send_unsolicited_na_router(const char *ifname, const struct in6_addr *target)
{
	return send_unsolicited_na(ifname, target, true);
}

static int send_unsolicited_na(const char *ifname, const struct in6_addr *target, bool router)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	uint8_t buf[NA_LEN], mac[6];
	unsigned int ifindex = if_nametoindex(ifname);
	int hops = 255, fd, rc;

	if (!ifindex)
		return -ENODEV;
	rc = xmip_if_hwaddr(ifname, mac);
	if (rc) {
		log_warn("unsolicited NA on %s: no MAC: %s", ifname, strerror(-rc));
		return rc;
	}
	xmip_nd_build_na(buf, sizeof(buf), target, mac);
	if (router)
		((struct nd_neighbor_advert *)buf)->nd_na_flags_reserved |= ND_NA_FLAG_ROUTER;
	/* A raw ICMPv6 socket: the kernel computes the checksum and the source. */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0) {
		rc = -errno;   /* EPERM without CAP_NET_RAW: say so, it is not silent */
		log_warn("unsolicited NA for %s on %s: socket: %s", xmip_ip6str(target), ifname,
			 strerror(-rc));
		return rc;
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0) {
		rc = -errno;
		goto out;
	}
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = ifindex;
	if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		rc = -errno;
out:
	if (rc)
		log_warn("unsolicited NA for %s on %s: %s", xmip_ip6str(target), ifname,
			 strerror(-rc));
	else
		log_info("unsolicited NA for %s on %s (Override%s)", xmip_ip6str(target), ifname,
			 router ? ", Router" : "");
	close(fd);
	return rc;
}

#define ND_OPT_NONCE 14   /* RFC 7527 */
#define NS_LEN       24   /* type, code, checksum, reserved, target */

static bool is_solicited_node(const struct in6_addr *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

int xmip_nd_parse(const uint8_t *icmp, size_t len, const struct in6_addr *src,
		  const struct in6_addr *dst, uint8_t hop_limit, struct xmip_nd_msg *out)
{
	static const struct in6_addr any;
	size_t pos = NS_LEN;

	memset(out, 0, sizeof(*out));
	if (len < NS_LEN || hop_limit != 255 || icmp[1] != 0)
		return -1;
	if (icmp[0] != XMIP_ND_NS && icmp[0] != XMIP_ND_NA)
		return -1;
	out->type = icmp[0];
	out->src = *src;
	out->dst = *dst;
	memcpy(&out->target, icmp + 8, 16);
	if (out->target.s6_addr[0] == 0xff)
		return -1;
	if (out->type == XMIP_ND_NA)
		out->na_flags = icmp[4] & 0xe0;
	while (pos < len) {
		size_t olen;

		if (len - pos < 2 || icmp[pos + 1] == 0)
			return -1;
		olen = (size_t)icmp[pos + 1] * 8;
		if (olen > len - pos)
			return -1;
		if ((out->type == XMIP_ND_NS && icmp[pos] == ND_OPT_SOURCE_LINKADDR) ||
		    (out->type == XMIP_ND_NA && icmp[pos] == ND_OPT_TARGET_LINKADDR))
			out->has_lladdr = true;
		if (out->type == XMIP_ND_NS && icmp[pos] == ND_OPT_NONCE && olen >= 8) {
			out->has_nonce = true;
			memcpy(out->nonce, icmp + pos + 2, XMIP_ND_NONCE_LEN);
		}
		pos += olen;
	}
	if (out->type == XMIP_ND_NS && xmip_addr_eq(src, &any) &&
	    (!is_solicited_node(dst) || out->has_lladdr))
		return -1;
	if (out->type == XMIP_ND_NA && dst->s6_addr[0] == 0xff && (out->na_flags & 0x40))
		return -1;
	return 0;
}

size_t xmip_nd_build_dad_ns(uint8_t *buf, size_t cap, const struct in6_addr *target,
			    const uint8_t nonce[XMIP_ND_NONCE_LEN])
{
	const size_t icmp_len = NS_LEN + 8, len = 40 + icmp_len;
	static const struct in6_addr any;
	struct in6_addr dst;
	uint8_t *icmp = buf + 40;
	uint16_t ck;

	if (cap < len)
		return 0;
	xmip_addr_solicited_node(target, &dst);
	memset(buf, 0, len);
	buf[0] = 0x60;
	buf[5] = (uint8_t)icmp_len;
	buf[6] = IPPROTO_ICMPV6;
	buf[7] = 255;                       /* RFC 4861 §7.1.1 */
	memcpy(buf + 24, &dst, 16);         /* source :: (RFC 4862 §5.4.2) */
	icmp[0] = XMIP_ND_NS;
	memcpy(icmp + 8, target, 16);
	icmp[NS_LEN] = ND_OPT_NONCE;
	icmp[NS_LEN + 1] = 1;
	memcpy(icmp + NS_LEN + 2, nonce, XMIP_ND_NONCE_LEN);
	ck = xmip_csum_ip6(&any, &dst, IPPROTO_ICMPV6, icmp, icmp_len);
	icmp[2] = (uint8_t)(ck >> 8);
	icmp[3] = (uint8_t)ck;
	return len;
}

int xmip_nd_listen_open(void)
{
	struct icmp6_filter filt;
	int on = 1, fd;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_SOLICIT, &filt);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_ADVERT, &filt);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int xmip_nd_listen_group(int fd, uint32_t ifindex, const struct in6_addr *group, bool join)
{
	struct ipv6_mreq mr = { .ipv6mr_multiaddr = *group, .ipv6mr_interface = ifindex };

	if (setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &mr,
		       sizeof(mr)) < 0)
		return -errno;
	return 0;
}

int xmip_nd_listen_recv(int fd, struct xmip_nd_msg *out, uint32_t *ifindex)
{
	uint8_t buf[1500];
	union {
		struct cmsghdr hdr;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	} control;
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			      .msg_iovlen = 1, .msg_control = control.b,
			      .msg_controllen = sizeof(control.b) };
	struct in6_addr dst = { 0 };
	struct cmsghdr *cm;
	int hops = -1;
	ssize_t n;

	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	*ifindex = 0;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			dst = pi.ipi6_addr;
			*ifindex = pi.ipi6_ifindex;
		} else if (cm->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
		}
	}
	if (hops < 0 || hops > 255 || !*ifindex)
		return 2;
	return xmip_nd_parse(buf, (size_t)n, &from.sin6_addr, &dst, (uint8_t)hops, out) ? 2 : 1;
}
