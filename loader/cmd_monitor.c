// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip monitor`: the live events of the agents (registrations,
 * deregistrations, expiries, refusals with their reason, NAT rebindings,
 * relay paths), one line (or one JSON object, -j) each, as they happen.
 * Reads each agent's monitor socket (include/xmip_events.h); follows an
 * agent across restarts.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "event_fmt.h"
#include "json.h"
#include "msg.h"
#include "pins.h"
#include "xmip_events.h"

#define RETRY_MS 1000

struct mon {
	char name[32];
	int  fd;          /* -1: not connected */
	bool said_gone;   /* "waiting for its agent" said once */
};

static int connect_agent(struct mon *m, int *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.sock", XMIP_RUN_DIR, m->name);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		*err = errno;
		close(fd);
		return -1;
	}
	m->fd = fd;
	return 0;
}

void xmip_monitor_socket_tidy(const char *instance)
{
	struct mon m = { .fd = -1 };
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int err;

	snprintf(m.name, sizeof(m.name), "%s", instance);
	if (connect_agent(&m, &err) == 0) {
		close(m.fd);   /* an agent still runs: its socket stays */
		return;
	}
	if (err == ECONNREFUSED) {
		snprintf(path, sizeof(path), "%s/%s.sock", XMIP_RUN_DIR, instance);
		unlink(path);
	}
}

static void print_event(const struct xmip_cli_opts *o, const struct mon *m,
			const struct xmip_event *ev)
{
	if (o->json) {
		struct xmip_json j;

		/* One object per line, as `ip -j monitor` prints them. */
		xmip_json_init(&j, stdout, false);
		xmip_event_json(&j, m->name, ev);
		xmip_json_end(&j);
	} else {
		xmip_event_print_text(stdout, m->name, ev);
	}
}

/* 0 while connected, -1 when the agent went away. */
static int read_events(const struct xmip_cli_opts *o, struct mon *m)
{
	union {
		struct xmip_event ev;
		char raw[sizeof(struct xmip_event) + 256];
	} buf;
	struct xmip_event ev;

	for (;;) {
		ssize_t n = recv(m->fd, buf.raw, sizeof(buf.raw), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			return -1;
		if (xmip_event_decode(buf.raw, (size_t)n, &ev)) {
			xmip_msg("instance %s: a record of %zd octets that is not an event "
				 "(agent of another version?)", m->name, n);
			continue;
		}
		print_event(o, m, &ev);
	}
}

/* Does /run/xmip/<name>.sock exist (an agent runs, or ran, for it)? */
static bool has_socket(const char *name)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(path, sizeof(path), "%s/%s.sock", XMIP_RUN_DIR, name);
	return access(path, F_OK) == 0;
}

static bool listed(char names[][32], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/*
 * The instances to follow. Roles without a datapath (dc, ntm, fa, mn4) pin
 * nothing, so an instance is one that is attached or has an agent's
 * socket: -c names it from its configuration (attached or not), -i names
 * one that is either, and without both every attached instance and every
 * socket in /run/xmip. Returns how many, or minus the exit status.
 */
static int monitor_select(const struct xmip_cli_opts *o, char names[][32], int max)
{
	char err[600];
	DIR *d;
	struct dirent *de;
	int n;

	if (o->conf_path && !o->instance) {
		struct xmip_conf conf;
		int rc = xmip_cli_load_conf(o, &conf);

		if (rc)
			return -rc;
		snprintf(names[0], 32, "%s", conf.instance);
		xmip_conf_free(&conf);
		return 1;
	}
	if (o->instance) {
		if (!xmip_instance_name_ok(o->instance)) {
			xmip_msg("'%s' is not a valid instance name", o->instance);
			return -1;
		}
		if (!has_socket(o->instance) && xmip_instance_check(o->instance, err, sizeof(err))) {
			xmip_msg("%s, and no agent socket %s/%s.sock", err, XMIP_RUN_DIR, o->instance);
			return -1;
		}
		snprintf(names[0], 32, "%s", o->instance);
		return 1;
	}
	n = xmip_instances_list(names, max, err, sizeof(err));
	if (n < 0) {
		xmip_msg("%s", err);
		return -1;
	}
	if (!(d = opendir(XMIP_RUN_DIR)))
		return n;
	while ((de = readdir(d)) && n < max) {
		size_t l = strlen(de->d_name);
		char name[32];

		if (l <= 5 || l - 5 >= sizeof(name) || strcmp(de->d_name + l - 5, ".sock"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name);
		if (xmip_instance_name_ok(name) && !listed(names, n, name))
			snprintf(names[n++], 32, "%s", name);
	}
	closedir(d);
	return n;
}

int xmip_cmd_monitor(const struct xmip_cli_opts *o, int argc, char **argv)
{
	char names[XMIP_CLI_MAX_INSTANCES][32];
	struct pollfd pfd[XMIP_CLI_MAX_INSTANCES];
	struct mon mons[XMIP_CLI_MAX_INSTANCES];
	int n, connected = 0, first_err = 0;

	if (argc)
		return xmip_cli_usage_error("monitor ", "unexpected argument '%s'", argv[0]);
	n = monitor_select(o, names, XMIP_CLI_MAX_INSTANCES);
	if (n < 0)
		return -n;
	if (n == 0) {
		xmip_msg("no instance attached and no agent running: nothing to monitor");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		int err = 0;

		snprintf(mons[i].name, sizeof(mons[i].name), "%s", names[i]);
		mons[i].fd = -1;
		mons[i].said_gone = false;
		if (connect_agent(&mons[i], &err) == 0) {
			connected++;
		} else {
			first_err = first_err ? first_err : err;
			if (n > 1 && !o->json) {
				xmip_msg("instance %s: no agent running yet (%s)", names[i], strerror(err));
				mons[i].said_gone = true;
			}
		}
	}
	if (!connected) {
		if (first_err == EACCES || first_err == EPERM)
			xmip_msg("%s/%s.sock: %s: the monitor socket is root's; run xmip monitor as root",
				 XMIP_RUN_DIR, names[0], strerror(first_err));
		else
			xmip_msg("no agent running for %s%s (%s/%s.sock: %s): start xmip-agentd",
				 n > 1 ? "any attached instance, e.g. " : "instance ", names[0],
				 XMIP_RUN_DIR, names[0], strerror(first_err));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		bool waiting = false;

		for (int i = 0; i < n; i++) {
			pfd[i].fd = mons[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			waiting |= mons[i].fd < 0;
		}
		if (poll(pfd, (nfds_t)n, waiting ? RETRY_MS : -1) < 0 && errno != EINTR) {
			xmip_msg("poll: %s", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct mon *m = &mons[i];
			int err;

			if (m->fd < 0) {
				if (connect_agent(m, &err) == 0 && !o->json)
					xmip_msg("instance %s: agent connected", m->name);
				if (m->fd >= 0)
					m->said_gone = false;
				continue;
			}
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (read_events(o, m) == 0)
				continue;
			close(m->fd);
			m->fd = -1;
			if (!m->said_gone && !o->json)
				xmip_msg("instance %s: agent stopped; waiting for the next one", m->name);
			m->said_gone = true;
		}
		if (ferror(stdout))
			return 1;
	}
}
