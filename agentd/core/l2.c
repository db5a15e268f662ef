// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * AF_PACKET sockets (l2.h), for Mobile IPv4 and DSMIPv6. Each is created with
 * protocol 0 (receiving nothing), gets its classic BPF filter, and only
 * then is bound to its ethertype, so no unfiltered frame is ever queued.
 */
#include "l2.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"

/* Offsets in the frame: Ethernet type 12, IPv4 flags/fragment 20, protocol 23, IHL 14. */
static size_t build_filter(struct sock_filter *f, bool arp, uint16_t udp_dport, int icmp_type)
{
	size_t n = 0;

	if (arp) {
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffff);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
		return n;
	}
	/* 0 */  f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12);
	/* 1 */  f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 11);
	/* 2 */  f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20);
	/* 3 */  f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 9, 0);
	/* 4 */  f[n++] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14);
	/* 5 */  f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23);
	/* 6 */  f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 2);
	/* 7 */  f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16);
	/* 8 */  f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						       udp_dport ? udp_dport : 0x10000u, 3, 4);
	/* 9 */  f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 0, 3);
	/* 10 */ f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_IND, 14);
	/* 11 */ f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						       icmp_type >= 0 ? (uint32_t)icmp_type : 0x100u, 0, 1);
	/* 12 */ f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffff);   /* accept */
	/* 13 */ f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);        /* drop */
	return n;
}

int xmip_l2_open(bool arp, uint16_t udp_dport, int icmp_type)
{
	struct sock_filter f[16];
	struct sock_fprog prog = { .filter = f };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd, one = 1, e;
	char drain[64];

	prog.len = (unsigned short)build_filter(f, arp, udp_dport, icmp_type);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		goto fail;
	sll.sll_protocol = htons(arp ? ETH_P_ARP : ETH_P_IP);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	return fd;
fail:
	e = errno;
	close(fd);
	return -e;
}

ssize_t xmip_l2_recv(int fd, uint8_t *buf, size_t cap, struct xmip_l2_meta *m)
{
	struct sockaddr_ll sll;
	union {
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = {
		.msg_name = &sll, .msg_namelen = sizeof(sll), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	memset(m, 0, sizeof(*m));
	m->ifindex = (uint32_t)sll.sll_ifindex;
	m->pkttype = sll.sll_pkttype;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		/* Checksum left to offload by a sender on this host (veth): nothing to check. */
		m->csum_unverified = (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
	}
	if (msg.msg_flags & MSG_TRUNC)
		return 0;   /* longer than any message we take: ignore */
	return n;
}

int xmip_l2_send(int fd, uint32_t ifindex, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_ifindex = (int)ifindex, .sll_halen = 6,
	};

	memcpy(sll.sll_addr, frame, 6);
	memcpy(&sll.sll_protocol, frame + 12, 2);   /* the ethertype, network order */
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int xmip_l2_if_mac(uint32_t ifindex, uint8_t mac[6])
{
	char name[IF_NAMESIZE];

	if (!if_indextoname(ifindex, name))
		return -errno;
	return xmip_if_hwaddr(name, mac);
}
