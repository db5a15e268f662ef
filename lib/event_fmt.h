/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Events of the monitor socket (include/xmip_events.h): names, checking a record, text and JSON. */
#ifndef XMIP_EVENT_FMT_H
#define XMIP_EVENT_FMT_H

#include <stddef.h>
#include <stdio.h>

#include "json.h"
#include "xmip_events.h"

/* "registered"; "unknown" for a type this build does not know. */
const char *xmip_event_type_name(unsigned int type);

/*
 * A record as read from the socket (buf, len) into *out: a record from an
 * older sender (shorter) is zero-filled, a newer one (longer) cut to what
 * we know; strings are NUL-terminated. 0, or -1 if it is not a record.
 */
int xmip_event_decode(const void *buf, size_t len, struct xmip_event *out);

/* One line: "HH:MM:SS.mmm INSTANCE FAMILY ROLE TYPE field value ...\n". */
void xmip_event_print_text(FILE *f, const char *instance, const struct xmip_event *ev);
/* One JSON object (the caller ends the document). */
void xmip_event_json(struct xmip_json *j, const char *instance, const struct xmip_event *ev);

#endif
