/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The CLI's one way of telling the operator something: "xmip: ..." on stderr. */
#ifndef XMIP_MSG_H
#define XMIP_MSG_H

/* Prints "xmip: <formatted message>\n" on stderr (progress, warnings and errors alike). */
void xmip_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
