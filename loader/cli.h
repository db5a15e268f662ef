/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the xmip CLI's verbs share: the parsed options, the exit statuses,
 * usage errors, and choosing the instance(s) a verb acts on.
 */
#ifndef XMIP_CLI_H
#define XMIP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Exit status: 0 ok, 1 runtime error, this for a usage error or an invalid configuration file. */
#define XMIP_EXIT_USAGE 2

/* At most this many attached instances are listed by show and binding show. */
#define XMIP_CLI_MAX_INSTANCES 64

/* The command-line options; they may come before or after the verb. */
struct xmip_cli_opts {
	bool json, pretty, all, debug, help;
	const char *instance;  /* -i */
	const char *conf_path; /* -c */
};

/*
 * "xmip: <message>" and "Try 'xmip <verb>--help'." on stderr; returns
 * XMIP_EXIT_USAGE. verb is "" or NULL for the top level, else "name ".
 */
int xmip_cli_usage_error(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 0 when running as root, else 1 after saying that `what` needs root. */
int xmip_cli_need_root(const char *what);

/* Loads -c CONF; 0, or XMIP_EXIT_USAGE (config errors are the operator's input). */
int xmip_cli_load_conf(const struct xmip_cli_opts *o, struct xmip_conf *conf);

/*
 * The instances a read-only verb covers: -i, -c's instance, or every
 * attached one. Returns how many, or minus the exit status.
 */
int xmip_cli_select_instances(const struct xmip_cli_opts *o, char names[][32], int max);

/* For verbs that change one instance: -i, -c, or the only one attached; 0 or the exit status. */
int xmip_cli_one_instance(const struct xmip_cli_opts *o, const char *verb, char name[32]);

/* "ha", "mn", "rs" or "none". */
const char *xmip_cli_role_name(int role);

/* An IPv6 address as text; buf holds INET6_ADDRSTRLEN. */
void xmip_cli_addr_str(const uint8_t a[16], char *buf);

/*
 * The verbs (cmd_attach.c, cmd_show.c, cmd_binding.c): each gets the
 * options and the arguments after the verb, and returns the exit status.
 */
int xmip_cmd_attach(const struct xmip_cli_opts *o, int argc, char **argv);
int xmip_cmd_detach(const struct xmip_cli_opts *o, int argc, char **argv);
int xmip_cmd_show(const struct xmip_cli_opts *o, int argc, char **argv);
/* binding show|add|del; prints its own help for --help (or no subcommand). */
int xmip_cmd_binding(const struct xmip_cli_opts *o, int argc, char **argv);
/* relay show|paths: an RS instance's relay table (cmd_relay.c); its own help like binding. */
int xmip_cmd_relay(const struct xmip_cli_opts *o, int argc, char **argv);
/* The agents' live events (cmd_monitor.c). */
int xmip_cmd_monitor(const struct xmip_cli_opts *o, int argc, char **argv);
/* Remove the instance's monitor socket if no agent listens on it (one killed with SIGKILL). */
void xmip_monitor_socket_tidy(const char *instance);
/* Validate a configuration file without touching the system (cmd_check.c). */
int xmip_cmd_check(const struct xmip_cli_opts *o, int argc, char **argv);

#endif
