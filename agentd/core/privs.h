/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Dropping privileges once the agent is set up (docs/RELIABILITY.md,
 * "Privileges"). Everything that needs more is done by then: the pinned
 * maps are open (their fds need no capability to read, write or poll), the
 * raw IPPROTO_RAW socket is open, the sysctls are written, the `xmip
 * monitor` socket and NTMobile's UDP sockets (DC, node, DNS) are bound,
 * and Mobile IPv4's sockets are open: UDP 434 (bound below 1024, which
 * needs CAP_NET_BIND_SERVICE then) and the AF_PACKET sockets of proxy and
 * gratuitous ARP and agent discovery (CAP_NET_RAW to open; sending and
 * receiving on them needs nothing afterwards).
 * What is left:
 *   CAP_NET_ADMIN  netlink changes at run time (proxy neighbour entries,
 *                  the MN's home address, policy rules and table-4191 route)
 *   CAP_NET_RAW    the ICMPv6 raw sockets opened at run time: each
 *                  unsolicited NA's, and the HA's DAD listener (nd.c)
 * What needs neither: accepting on the monitor socket, the NTMobile
 * state-file and dump-file (written as uid 0, their owner: the directory
 * must be root's, as /var/lib/xmip is; CAP_DAC_OVERRIDE is gone), and the
 * metrics thread, which main() starts after the drop because capabilities
 * are per thread. It binds its TCP port then: ports from 1024 on (the
 * examples' 9741) need nothing, one below would need CAP_NET_BIND_SERVICE
 * and is refused.
 * Every other capability leaves the effective, permitted, inheritable and
 * ambient sets and the bounding set (so no execve can get it back), and
 * PR_SET_NO_NEW_PRIVS is set.
 */
#ifndef XMIP_PRIVS_H
#define XMIP_PRIVS_H

#include <stdint.h>

/* The capabilities the running agent keeps, as a mask of 1 << CAP_*. */
uint64_t xmip_privs_keep_mask(void);

/*
 * Drop everything but xmip_privs_keep_mask() (those the process does not
 * have stay absent). 0, or -1 with a log line when the kernel refused a
 * step that must succeed (capset, no_new_privs).
 */
int xmip_privs_drop(void);

#endif /* XMIP_PRIVS_H */
