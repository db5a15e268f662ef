/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The CLI's one way of telling the operator something: "xmip: ..." on
 * stderr. In JSON mode (-j) errors are JSON, as bpftool does: the last
 * message before a failing exit becomes {"error": "..."} on stdout, and
 * the messages before it (progress, warnings) still go to stderr.
 */
#ifndef XMIP_MSG_H
#define XMIP_MSG_H

#include <stdarg.h>
#include <stdbool.h>

/* Prints "xmip: <formatted message>\n" on stderr (progress, warnings and errors alike). */
void xmip_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xmip_vmsg(const char *fmt, va_list ap);

/* JSON mode: hold each message until the next one or the exit decides what it was. */
void xmip_msg_json(bool on);
bool xmip_msg_json_mode(void);
/* At exit: in JSON mode with rc != 0, {"error": "<last message>"} on stdout. Returns rc. */
int  xmip_msg_finish(int rc);

#endif
