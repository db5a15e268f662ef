// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip attach` and `xmip detach`: check the command line, load -c CONF,
 * and hand over to attach.c, which does the work.
 */
#include <stdbool.h>
#include <string.h>

#include "attach.h"
#include "cli.h"
#include "conf_section.h"
#include "config.h"
#include "msg.h"

int xmip_cmd_attach(const struct xmip_cli_opts *o, int argc, char **argv)
{
	struct xmip_conf conf;
	char err[600];
	int rc;

	if (argc)
		return xmip_cli_usage_error("attach ", "unexpected argument '%s'", argv[0]);
	if (!o->conf_path)
		return xmip_cli_usage_error("attach ", "attach needs -c CONF");
	if (xmip_cli_need_root("attach"))
		return 1;
	if ((rc = xmip_cli_load_conf(o, &conf)))
		return rc;
	if (o->instance && strcmp(o->instance, conf.instance)) {
		xmip_conf_free(&conf);
		return xmip_cli_usage_error("attach ", "-i %s does not match instance = %s in %s",
					    o->instance, conf.instance, o->conf_path);
	}
	/* NTMobile's DC has no datapath; an NTM node without interface = runs
	 * signalling only (its tunnels are logged): say so, succeed. */
	if (conf.role == XMIP_ROLE_DC || (conf.role == XMIP_ROLE_NTM && !conf.n_ifs)) {
		xmip_msg("instance %s: role %s has no datapath to attach%s; nothing done "
			 "(run xmip-agentd -c %s)", conf.instance, xmip_conf_role_name(conf.role),
			 conf.role != XMIP_ROLE_DC ? " in this version" : "", o->conf_path);
		xmip_conf_free(&conf);
		return 0;
	}
	rc = xmip_attach(&conf, err, sizeof(err));
	if (rc)
		xmip_msg("attach failed: %s", err);
	xmip_conf_free(&conf);
	return rc ? 1 : 0;
}

int xmip_cmd_detach(const struct xmip_cli_opts *o, int argc, char **argv)
{
	struct xmip_conf conf = { 0 };
	bool have_conf = false;
	const char *instance = o->instance;
	char err[600];
	int rc;

	if (argc)
		return xmip_cli_usage_error("detach ", "unexpected argument '%s'", argv[0]);
	if (!o->conf_path && !instance)
		return xmip_cli_usage_error("detach ", "detach needs -c CONF or -i INSTANCE");
	if (xmip_cli_need_root("detach"))
		return 1;
	if (o->conf_path) {
		if ((rc = xmip_cli_load_conf(o, &conf)))
			return rc;
		have_conf = true;
		if (instance && strcmp(instance, conf.instance)) {
			xmip_conf_free(&conf);
			return xmip_cli_usage_error("detach ", "-i %s does not match instance = %s "
						    "in %s", instance, conf.instance, o->conf_path);
		}
		instance = conf.instance;
		if (conf.role == XMIP_ROLE_DC || (conf.role == XMIP_ROLE_NTM && !conf.n_ifs)) {
			xmip_msg("instance %s: role %s has no datapath; nothing to detach", instance,
				 xmip_conf_role_name(conf.role));
			xmip_conf_free(&conf);
			return 0;
		}
	}
	rc = xmip_detach(instance, have_conf ? &conf : NULL, err, sizeof(err));
	if (rc)
		xmip_msg("detach failed: %s", err);
	else
		xmip_monitor_socket_tidy(instance);
	xmip_conf_free(&conf);
	return rc ? 1 : 0;
}
