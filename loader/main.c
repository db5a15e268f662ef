// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip: the operator's CLI. iproute2-style verbs (attach, detach, show,
 * binding show|add|del, relay show|paths, monitor, check); -j/-p for JSON, errors included
 * ({"error": "..."} as bpftool does). Exit status: 0 ok, 1 runtime
 * error, 2 usage error or invalid configuration file (check: also 3).
 *
 * This file parses the options and dispatches to the verb; each verb
 * lives in its own cmd_*.c, the helpers they share in cli.c.
 */
#include <bpf/libbpf.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "cli.h"
#include "config.h"
#include "help.h"
#include "msg.h"
#include "pins.h"

#include "xmip_version.h"

struct verb {
	const char *name;
	int (*run)(const struct xmip_cli_opts *o, int argc, char **argv);
	const char *const *help;
};

static const struct verb verbs[] = {
	{ "attach",  xmip_cmd_attach,  &xmip_help_attach },
	{ "detach",  xmip_cmd_detach,  &xmip_help_detach },
	{ "show",    xmip_cmd_show,    &xmip_help_show },
	{ "binding", xmip_cmd_binding, &xmip_help_binding },
	{ "relay",   xmip_cmd_relay,   &xmip_help_relay },
	{ "monitor", xmip_cmd_monitor, &xmip_help_monitor },
	{ "check",   xmip_cmd_check,   &xmip_help_check },
};

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
	return xmip_msg_finish(run(argc, argv));
}

static int run(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json",     no_argument,       NULL, 'j' },
		{ "pretty",   no_argument,       NULL, 'p' },
		{ "all",      no_argument,       NULL, 'a' },
		{ "debug",    no_argument,       NULL, 'd' },
		{ "instance", required_argument, NULL, 'i' },
		{ "config",   required_argument, NULL, 'c' },
		{ "version",  no_argument,       NULL, 'V' },
		{ "help",     no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xmip_cli_opts o = { 0 };
	const struct verb *v = NULL;
	int c;

	/* -j anywhere makes every error JSON, even one about another option. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json") ||
		    !strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			xmip_msg_json(true);
	opterr = 0;
	/* GNU getopt permutes: options may come before or after the verb. */
	while ((c = getopt_long(argc, argv, ":jpadi:c:Vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j': o.json = true; break;
		case 'p': o.json = o.pretty = true; break;
		case 'a': o.all = true; break;
		case 'd': o.debug = true; break;
		case 'i': o.instance = optarg; break;
		case 'c': o.conf_path = optarg; break;
		case 'h': o.help = true; break;
		case 'V':
			printf("xmip %s (libbpf %s)\n", XMIP_VERSION, libbpf_version_string());
			return 0;
		case ':':
			return xmip_cli_usage_error(NULL, "option '%s' needs an argument",
						    argv[optind - 1]);
		default:
			if (optopt)
				return xmip_cli_usage_error(NULL, "unknown option '-%c'", optopt);
			return xmip_cli_usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	xmip_attach_set_debug(o.debug);
	if (o.instance && !xmip_instance_name_ok(o.instance))
		return xmip_cli_usage_error(NULL, "'%s' is not a valid instance name "
					    "(letters, digits, '-', '_'; at most %d)", o.instance,
					    XMIP_INSTANCE_MAX - 1);

	if (argc == 0 && !o.help && xmip_msg_json_mode())
		return xmip_cli_usage_error(NULL, "no command (attach, detach, show, binding, "
					    "relay, monitor, check, help)");
	if (argc == 0 || !strcmp(argv[0], "help")) {
		const char *topic = argc > 1 ? argv[1] : NULL;

		for (size_t i = 0; topic && i < sizeof(verbs) / sizeof(verbs[0]); i++)
			if (!strcmp(verbs[i].name, topic))
				v = &verbs[i];
		if (topic && !v)
			return xmip_cli_usage_error(NULL, "no help for unknown command '%s'", topic);
		fputs(v ? *v->help : xmip_help_main, argc || o.help ? stdout : stderr);
		return argc || o.help ? 0 : XMIP_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, argv[0]))
			v = &verbs[i];
	if (!v)
		return xmip_cli_usage_error(NULL, "unknown command '%s' (attach, detach, show, "
					    "binding, relay, monitor, check, help)", argv[0]);
	if (o.help && v->run != xmip_cmd_binding && v->run != xmip_cmd_relay) {
		fputs(*v->help, stdout);
		return 0;
	}
	return v->run(&o, argc - 1, argv + 1);
}
