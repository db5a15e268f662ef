// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Helpers every xmip verb uses: usage errors, the root check, -c, -i and instance selection. */
#include "cli.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "pins.h"
#include "xmip_maps.h"

int xmip_cli_usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xmip_vmsg(fmt, ap);
	va_end(ap);
	if (!xmip_msg_json_mode())
		fprintf(stderr, "Try 'xmip %s--help'.\n", verb ? verb : "");
	return XMIP_EXIT_USAGE;
}

int xmip_cli_need_root(const char *what)
{
	if (geteuid() == 0)
		return 0;
	xmip_msg("%s needs root (CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN); run it with sudo", what);
	return 1;
}

int xmip_cli_load_conf(const struct xmip_cli_opts *o, struct xmip_conf *conf)
{
	char err[600];

	if (xmip_conf_load(o->conf_path, conf, err, sizeof(err))) {
		xmip_msg("%s", err);
		return XMIP_EXIT_USAGE;
	}
	return 0;
}

int xmip_cli_select_instances(const struct xmip_cli_opts *o, char names[][32], int max)
{
	char err[600];
	int n;

	if (o->conf_path && !o->instance) {
		struct xmip_conf conf;
		int rc = xmip_cli_load_conf(o, &conf);

		if (rc)
			return -rc;
		snprintf(names[0], 32, "%s", conf.instance);
		xmip_conf_free(&conf);
		n = 1;
	} else if (o->instance) {
		snprintf(names[0], 32, "%s", o->instance);
		n = 1;
	} else {
		n = xmip_instances_list(names, max, err, sizeof(err));
		if (n < 0) {
			xmip_msg("%s", err);
			return -1;
		}
		return n;
	}
	if (xmip_instance_check(names[0], err, sizeof(err))) {
		xmip_msg("%s", err);
		return -1;
	}
	return n;
}

int xmip_cli_one_instance(const struct xmip_cli_opts *o, const char *verb, char name[32])
{
	char names[XMIP_CLI_MAX_INSTANCES][32];
	char err[600];
	int n;

	if (o->instance || o->conf_path) {
		n = xmip_cli_select_instances(o, names, XMIP_CLI_MAX_INSTANCES);
		if (n < 0)
			return -n;
		snprintf(name, 32, "%s", names[0]);
		return 0;
	}
	n = xmip_instances_list(names, XMIP_CLI_MAX_INSTANCES, err, sizeof(err));
	if (n != 1)
		return xmip_cli_usage_error(verb, "%s -i INSTANCE is needed (%d instances attached)",
					    verb, n < 0 ? 0 : n);
	snprintf(name, 32, "%s", names[0]);
	return 0;
}

const char *xmip_cli_role_name(int role)
{
	return role == XMIP_ROLE_HA ? "ha" : role == XMIP_ROLE_MN ? "mn" :
	       role == XMIP_ROLE_RS ? "rs" :
	       role == XMIP_ROLE_CN ? "cn" : role == XMIP_ROLE_NTM ? "ntm" :
	       role == XMIP_ROLE_FA ? "fa" : role == XMIP_ROLE_MN4 ? "mn4" : "none";
}

void xmip_cli_addr_str(const uint8_t a[16], char *buf)
{
	inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}
