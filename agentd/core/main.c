// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xmip-agentd: the control plane of one xmip instance (Mobile IPv6, Mobile IPv4, NTMobile). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core.h"
#include "events.h"
#include "families.h"
#include "log.h"
#include "loop.h"
#include "maps.h"
#include "metrics.h"
#include "privs.h"

static void usage(FILE *out)
{
	fputs(
"NAME\n"
"    xmip-agentd - Mobile IPv6, Mobile IPv4 and NTMobile signalling daemon\n"
"\n"
"SYNOPSIS\n"
"    xmip-agentd -c CONF [-f] [-v]\n"
"    xmip-agentd -h\n"
"\n"
"DESCRIPTION\n"
"    The control plane of one xmip instance. It opens the maps that\n"
"    `xmip attach -c CONF` pinned under /sys/fs/bpf/xmip/<instance>/ (it\n"
"    never loads BPF programs itself), receives Mobility Header packets\n"
"    from the datapath through the xmip_signal ring buffer, and answers\n"
"    through a raw IPv6 socket.\n"
"\n"
"    role = ha   Authenticates Binding Updates (RFC 4285 MN-HA, Mesg-ID),\n"
"                checks them as RFC 6275 9.2, 9.5.1 and 10.3 say (sequence\n"
"                numbers count while a binding exists; a duplicate of the\n"
"                accepted BU gets 135, a replay after its Mesg-ID window\n"
"                no answer; a care-of address the datapath would refuse\n"
"                gets 129), runs duplicate address detection on the home\n"
"                link before a first registration (dad-transmits x\n"
"                dad-retrans-ms, 1 s by default; 134 if the address is in\n"
"                use), writes the binding cache (xmip_bindings), replay\n"
"                state (xmip_replay) and whom each binding is for\n"
"                (xmip_ident), adds proxy neighbour entries for each\n"
"                registered home address (and its link-local address with\n"
"                the L flag) and sends unsolicited NAs, answers with a\n"
"                Binding Acknowledgement (refusals rate-limited per\n"
"                source), sends ICMPv6 Parameter Problem for a malformed\n"
"                Mobility Header, and removes bindings when their\n"
"                lifetime ends. Keeps the datapath's fast-path table\n"
"                (xmip_fwtable) in step: each binding's slot with the next\n"
"                hop of its CoA (route and neighbour, followed over\n"
"                netlink), its path MTU (lowered by Packet Too Big from\n"
"                the tunnel path) and expiry; renews the next-hop lease\n"
"                every second. Relays Destination Unreachable and Time\n"
"                Exceeded from the tunnel path to the inner packet's\n"
"                source (RFC 2473 8). On start keeps only the bindings\n"
"                whose home address, NAI and SPI are still configured\n"
"                together.\n"
"                Makes the host an IPv6 router: forwarding=1 and\n"
"                proxy_ndp=1 on its interfaces and in net.ipv6.conf.all.\n"
"    role = mn   Keeps the home address on lo, watches the addresses of\n"
"                the configured interfaces, writes the care-of address to\n"
"                xmip_mn_state and registers it with the home agent (BU,\n"
"                retransmitted after 1, 2, 4 ... 32 s until acknowledged,\n"
"                refreshed before it expires; a new sequence number and\n"
"                Mesg-ID for every retransmission); deregisters and announces\n"
"                the home address (unsolicited NA) when back home.\n"
"                While away, routes packets from the home address by\n"
"                policy (ip -6 rule: from HoA lookup 4191, and from CoA\n"
"                to HA lookup 4191; table 4191 holds a default route via\n"
"                the CoA interface's router with mtu = link MTU - 40), so\n"
"                the tunnel overhead never makes a packet too big (lowered\n"
"                further by a Packet Too Big about the tunnel).\n"
"    role = dc   NTMobile Direction Coordinator (docs/ntmobile.md): UDP\n"
"                49600; registers NTM nodes (HMAC-SHA-256, pre-shared\n"
"                node keys), detects NATs, assigns virtual IPv4/IPv6\n"
"                addresses from its pools, finds a peer's DC by the DNS\n"
"                TXT record _ntm.<name>, asks it (Information Request),\n"
"                decides direct / RS-S / RS-N and directs the nodes\n"
"                (Route Direction) and the relay (Relay Direction). No\n"
"                datapath and no pinned maps; its registrations survive a\n"
"                restart in state-file.\n"
"    [mip4]      On role ha, a [mip4] section adds the Mobile IPv4 home\n"
"                agent (RFC 5944) beside Mobile IPv6 on the same instance:\n"
"                Registration Requests on UDP 434 (HMAC-MD5 MN-HA, FA-HA\n"
"                when configured, timestamp Identification, S/B/D/M/G/T,\n"
"                RFC 3519 UDP tunnelling through NATs), the binding list\n"
"                kept in state-file, proxy ARP for bound home addresses\n"
"                and gratuitous ARP (AF_PACKET on the home link), Agent\n"
"                Advertisements with the H bit.\n"
"    role = fa   Mobile IPv4 foreign agent: Agent Advertisements on its\n"
"                interfaces and answers to solicitations, relays\n"
"                registrations (codes 64-99 for its own denials), keeps a\n"
"                visitor list. Its datapath is not built yet.\n"
"    role = mn4  Mobile IPv4 mobile node: agent discovery, registration\n"
"                through a foreign agent or with a co-located address\n"
"                (UDP tunnel request behind a NAT), retransmission with\n"
"                back-off, deregistration and gratuitous ARP at home. Its\n"
"                datapath is not built yet. With dump-file ([mip4]), each\n"
"                Mobile IPv4 role writes its state as JSON after changes.\n"
"    role = ntm  NTMobile node signalling: registers with its DC, sends\n"
"                Keep Alives, asks for directions (connect = FQDN), takes\n"
"                Route Directions and runs Tunnel Request/Response. Its\n"
"                tunnel datapath is not built yet: tunnels are logged.\n"
"    role = cn   Correspondent node with route optimisation (RFC 6275\n"
"                §5.2, §9): answers Home and Care-of Test Init with Home\n"
"                and Care-of Tests (a 20-octet node key Kcn and a nonce\n"
"                from the CSPRNG, new every [ro] nonce-interval, each\n"
"                accepted nonce-lifetime), checks Binding Updates (Nonce\n"
"                Indices, Binding Authorization Data last, the\n"
"                authenticator from Kbm, sequence window; 131, 135-139\n"
"                otherwise) and answers with an authenticated BA, keeps\n"
"                the correspondent bindings in xmip_bindings (encap RH2,\n"
"                at most max-lifetime, 420 s), sends Binding Refresh\n"
"                Requests before a binding in use expires, and Binding\n"
"                Errors (status 1 for a Home Address option without a\n"
"                binding, 2 for an unknown MH type), rate-limited\n"
"                (rr-rate, be-rate).\n"
"    With dump-file set ([dc] or [ntm]), the state is written there as\n"
"    JSON after every change.\n"
"\n"
"    Roles ha, mn and cn: all state that must outlive the process is in\n"
"    the pinned maps: a restarted agent rebuilds its timers from them and\n"
"    loses no binding (a correspondent's node keys and nonces are not\n"
"    kept: tokens from before a restart are worthless, RFC 6275 §5.2.1).\n"
"\n"
"    Live events (registered, refreshed, deregistered, expired, refused\n"
"    with the BA status) go to `xmip monitor` through the socket\n"
"    /run/xmip/<instance>.sock (root only). With `metrics = ADDR:PORT` in\n"
"    CONF (off by default) the agent serves Prometheus metrics at\n"
"    http://ADDR:PORT/metrics from a thread of its own (docs/metrics.md).\n"
"\n"
"    Once set up, every role keeps only CAP_NET_ADMIN and CAP_NET_RAW\n"
"    (and sets no_new_privs); the metrics thread starts after that, so\n"
"    a metrics port below 1024 cannot be bound (that would need\n"
"    CAP_NET_BIND_SERVICE): use one from 1024 on, like the examples' 9741.\n"
"\n"
"OPTIONS\n"
"    -c, --config CONF  configuration file (see docs/DESIGN.md), the one\n"
"                       given to `xmip attach`\n"
"    -f, --foreground   stay in the foreground and log to stderr (under\n"
"                       systemd, with sd-daemon priority prefixes <3>..<7>\n"
"                       the journal keeps); without it the agent detaches\n"
"                       once set up and logs to syslog (facility daemon)\n"
"    -v, --verbose      also log debug messages\n"
"    -h, --help         show this text\n"
"\n"
"SIGNALS\n"
"    SIGTERM, SIGINT    exit, leaving the maps, bindings, proxy entries,\n"
"                       addresses and policy routes in place: the datapath keeps\n"
"                       forwarding and the next agent takes over\n"
"    SIGHUP             logged; restart the agent to reload CONF\n"
"\n"
"EXIT STATUS\n"
"    0 after SIGTERM/SIGINT; 1 on a configuration error, when the\n"
"    instance is not attached (roles ha, mn, cn), when another agent of the\n"
"    instance runs or the metrics address cannot be bound; 2 on a usage\n"
"    error.\n"
"\n"
"EXAMPLE\n"
"    xmip attach -c /etc/xmip/home.conf\n"
"    xmip-agentd -c /etc/xmip/home.conf -f -v\n", out);
}

/*
 * Become a daemon in two steps so the shell still learns whether set-up
 * worked: the parent waits on a pipe for one octet from the child (sent by
 * detach_done) and exits 0, or 1 when the pipe closes without it.
 */
/* Roles with a datapath have pinned maps to open; dc has none, ntm none yet. */
static bool role_has_maps(int role)
{
	return role == XMIP_ROLE_HA || role == XMIP_ROLE_MN || role == XMIP_ROLE_CN;
}

static int detach_start(int *ready_fd)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0) {
		log_err("pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	*ready_fd = p[1];
	return 0;
}

static void detach_done(int ready_fd)
{
	int null = open("/dev/null", O_RDWR);

	if (chdir("/") < 0)
		log_warn("chdir /: %s", strerror(errno));
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	if (write(ready_fd, "1", 1) != 1)
		log_warn("could not tell the parent we are ready");
	close(ready_fd);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = NULL;
	bool foreground = false, verbose = false;
	struct xmip_agent_maps maps;
	struct xmip_conf conf;
	struct xmip_loop *loop = NULL;
	struct xmip_core core;
	char err[512];
	int opt, rc = 1, ready_fd = -1;

	while ((opt = getopt_long(argc, argv, "c:fvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'f': foreground = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default:  usage(stderr); return 2;
		}
	}
	if (!path || optind != argc) {
		fprintf(stderr, "xmip-agentd: %s\n", path ? "unexpected argument" : "-c CONF is required");
		fprintf(stderr, "usage: xmip-agentd -c CONF [-f] [-v]   (-h for help)\n");
		return 2;
	}
	if (xmip_conf_load(path, &conf, err, sizeof(err))) {
		fprintf(stderr, "xmip-agentd: %s\n", err);
		return 1;
	}
	maps = (struct xmip_agent_maps){ .bindings = -1, .mn_state = -1, .replay = -1,
					.signal = -1, .nh_gen = -1, .fw = NULL };
	if (role_has_maps(conf.role) &&
	    xmip_maps_open(conf.instance, conf.role, &maps, err, sizeof(err))) {
		fprintf(stderr, "xmip-agentd: instance '%s' is not attached: %s\n", conf.instance, err);
		goto out_conf;
	}

	/* Until daemonised, set-up errors go to the terminal that started us. */
	xmip_log_init("xmip-agentd", true, verbose);
	/*
	 * Fork before creating the loop: a signalfd watched by epoll wakes the
	 * process that registered it, so it must not cross a fork.
	 */
	if (!foreground && detach_start(&ready_fd))
		goto out_maps;
	loop = xmip_loop_new();
	if (!loop)
		goto out_maps;
	/* Operations (docs/metrics.md, xmip monitor): before the families, which report to them. */
	xmip_metrics_set_role(conf.role);
	if (xmip_events_open(loop, NULL, conf.instance, conf.role) == -2)
		goto out_ops;
	/* The role's families on one loop, ring buffer and raw socket. */
	xmip_core_init(&core, loop, &conf, &maps);
	if (xmip_core_open_sockets(&core) ||
	    xmip_core_start(&core, xmip_families, xmip_n_families)) {
		xmip_core_stop(&core);
		goto out_ops;
	}
	/* Set up: maps, sockets and sysctls are done. Keep only what the
	 * loop needs (privs.h). */
	if (xmip_privs_drop()) {
		xmip_core_stop(&core);
		goto out_ops;
	}
	/*
	 * Only now the metrics thread: capabilities are per thread, and one
	 * started before the drop would keep all of root's. Its listening
	 * socket is bound with what is left, so a port below 1024 is refused
	 * (no CAP_NET_BIND_SERVICE; privs.h).
	 */
	if (conf.metrics_on && xmip_metrics_http_start(&conf.metrics_addr.sa, conf.instance,
						       conf.role)) {
		xmip_core_stop(&core);
		goto out_ops;
	}
	if (!foreground) {
		xmip_log_init("xmip-agentd", false, verbose);
		detach_done(ready_fd);
	}
	log_info("instance %s: %s agent running", conf.instance,
		 conf.role == XMIP_ROLE_HA ? "home" : conf.role == XMIP_ROLE_MN ? "mobile node" :
		 conf.role == XMIP_ROLE_DC ? "direction coordinator" :
		 conf.role == XMIP_ROLE_FA ? "Mobile IPv4 foreign" :
		 conf.role == XMIP_ROLE_MN4 ? "Mobile IPv4 mobile node" :
		 conf.role == XMIP_ROLE_RS ? "relay server" :
		 conf.role == XMIP_ROLE_CN ? "correspondent node" : "NTM node");
	rc = xmip_loop_run(loop) < 0 ? 1 : 0;
	log_info("instance %s: agent stopped; maps and bindings left in place", conf.instance);
	xmip_core_stop(&core);
out_ops:
	xmip_metrics_http_stop();
	xmip_events_close();
	xmip_loop_free(loop);
out_maps:
	xmip_maps_close(&maps);
out_conf:
	xmip_conf_free(&conf);
	return rc;
}
