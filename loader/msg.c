// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* "xmip: ..." messages on stderr, shared by the verbs and attach.c. */
#include "msg.h"

#include <stdarg.h>
#include <stdio.h>

void xmip_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("xmip: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
