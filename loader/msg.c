// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* "xmip: ..." messages on stderr, or a JSON error object (msg.h). */
#include "msg.h"

#include <stdio.h>

#include "json.h"

static bool json_mode;
static char held[1024];
static bool have_held;

void xmip_msg_json(bool on)
{
	json_mode = on;
}

bool xmip_msg_json_mode(void)
{
	return json_mode;
}

static void flush_held(void)
{
	if (have_held)
		fprintf(stderr, "xmip: %s\n", held);
	have_held = false;
}

void xmip_vmsg(const char *fmt, va_list ap)
{
	if (json_mode) {
		/* The one before was not the last word: it was progress or a warning. */
		flush_held();
		vsnprintf(held, sizeof(held), fmt, ap);
		have_held = true;
		return;
	}
	fputs("xmip: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void xmip_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xmip_vmsg(fmt, ap);
	va_end(ap);
}

int xmip_msg_finish(int rc)
{
	struct xmip_json j;

	if (!json_mode)
		return rc;
	if (rc == 0) {
		flush_held();
		return rc;
	}
	fflush(stdout);
	xmip_json_init(&j, stdout, false);
	xmip_json_obj_open(&j);
	xmip_json_key(&j, "error");
	if (have_held) {
		xmip_json_str(&j, held);
	} else {
		char msg[64];

		snprintf(msg, sizeof(msg), "failed with exit status %d", rc);
		xmip_json_str(&j, msg);
	}
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
	have_held = false;
	return rc;
}
