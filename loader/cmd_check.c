// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip check -c FILE`: validate a configuration without touching the
 * system (no bpffs, no interface, no map is looked at). Every error names
 * file, line and key; warnings name risky values (lib/conf_lint.c).
 * Exit status: 0 valid, 3 valid with warnings, 2 invalid (or usage),
 * 1 the file cannot be read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "json.h"
#include "msg.h"

#define XMIP_EXIT_CHECK_WARNINGS 3

struct diag_list {
	struct xmip_conf_diag *d;   /* strings copied */
	size_t n;
	size_t errors, warnings;
};

static void collect(const struct xmip_conf_diag *d, void *arg)
{
	struct diag_list *l = arg;
	struct xmip_conf_diag *n = realloc(l->d, (l->n + 1) * sizeof(*n));

	if (!n)
		return;
	l->d = n;
	n[l->n] = *d;
	n[l->n].key = d->key ? strdup(d->key) : NULL;
	n[l->n].msg = strdup(d->msg);
	n[l->n].path = (const char *)(uintptr_t)l->n;   /* arrival order, for a stable sort */
	l->n++;
	if (d->severity == XMIP_CONF_ERROR)
		l->errors++;
	else
		l->warnings++;
}

/* By line, errors first on a line; stable otherwise (the order they were found). */
static int by_line(const void *a, const void *b)
{
	const struct xmip_conf_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	return x->path < y->path ? -1 : x->path > y->path;
}

static void print_json(const struct xmip_cli_opts *o, const char *path, const struct diag_list *l)
{
	struct xmip_json j;

	xmip_json_init(&j, stdout, o->pretty);
	xmip_json_obj_open(&j);
	xmip_json_key(&j, "file");
	xmip_json_str(&j, path);
	xmip_json_key(&j, "valid");
	xmip_json_bool(&j, l->errors == 0);
	for (int sev = XMIP_CONF_ERROR; sev <= XMIP_CONF_WARNING; sev++) {
		xmip_json_key(&j, sev == XMIP_CONF_ERROR ? "errors" : "warnings");
		xmip_json_arr_open(&j);
		for (size_t i = 0; i < l->n; i++) {
			const struct xmip_conf_diag *d = &l->d[i];

			if ((int)d->severity != sev)
				continue;
			xmip_json_obj_open(&j);
			xmip_json_key(&j, "line");
			xmip_json_u64(&j, (uint64_t)d->line);
			xmip_json_key(&j, "key");
			if (d->key)
				xmip_json_str(&j, d->key);
			else
				xmip_json_null(&j);
			xmip_json_key(&j, "message");
			xmip_json_str(&j, d->msg ? d->msg : "");
			xmip_json_obj_close(&j);
		}
		xmip_json_arr_close(&j);
	}
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
}

int xmip_cmd_check(const struct xmip_cli_opts *o, int argc, char **argv)
{
	struct diag_list l = { 0 };
	const char *path = o->conf_path;
	char err[600];
	int rc;

	if (argc == 1 && !path)
		path = argv[0];   /* xmip check FILE reads as well as -c FILE */
	else if (argc)
		return xmip_cli_usage_error("check ", "unexpected argument '%s'", argv[0]);
	if (!path)
		return xmip_cli_usage_error("check ", "which file? xmip check -c FILE");
	if (xmip_conf_check(path, collect, &l, err, sizeof(err)) < 0) {
		xmip_msg("%s", err);
		return 1;
	}
	if (l.n)
		qsort(l.d, l.n, sizeof(*l.d), by_line);
	if (o->json) {
		print_json(o, path, &l);
	} else {
		for (size_t i = 0; i < l.n; i++) {
			const struct xmip_conf_diag *d = &l.d[i];

			if (d->line)
				printf("%s:%d: ", path, d->line);
			else
				printf("%s: ", path);
			/* Warnings name their key first; errors already do. */
			printf("%s: %s%s%s\n", d->severity == XMIP_CONF_ERROR ? "error" : "warning",
			       d->severity == XMIP_CONF_WARNING && d->key ? d->key : "",
			       d->severity == XMIP_CONF_WARNING && d->key ? ": " : "", d->msg);
		}
		printf("%s: %s (%zu error%s, %zu warning%s)\n", path,
		       l.errors ? "invalid" : "valid", l.errors, l.errors == 1 ? "" : "s",
		       l.warnings, l.warnings == 1 ? "" : "s");
	}
	rc = l.errors ? XMIP_EXIT_USAGE : l.warnings ? XMIP_EXIT_CHECK_WARNINGS : 0;
	for (size_t i = 0; i < l.n; i++) {
		free((char *)l.d[i].key);
		free((char *)l.d[i].msg);
	}
	free(l.d);
	/* The report is the output, in JSON too: not an {"error"} object as well. */
	if (rc && o->json)
		xmip_msg_json(false);
	return rc;
}
