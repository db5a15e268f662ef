/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Live events (include/xmip_events.h) for `xmip monitor`: the agent keeps
 * one SOCK_SEQPACKET listening socket, /run/xmip/<instance>.sock (mode
 * 0600: root only), on its loop; every connected monitor gets every event
 * as one message. A family reports with one call:
 *
 *     xmip_event_emit(&(struct xmip_event){ .type = XMIP_EV_REGISTERED,
 *                     .family = XMIP_FAMILY_MIP6, .fields = ..., ... });
 *
 * The core fills version, length, role and time, counts the event
 * (metrics: xmip_events_total) and sends it. Never blocks: a monitor that
 * reads too slowly loses events and is told how many (XMIP_EV_LOST).
 * Called from the loop's thread only.
 */
#ifndef XMIP_AGENT_EVENTS_H
#define XMIP_AGENT_EVENTS_H

#include "loop.h"
#include "xmip_events.h"

#define XMIP_EVENTS_MAX_CLIENTS 16

/*
 * Listen on XMIP_RUN_DIR/<instance>.sock (dir created 0755, socket 0600;
 * a stale socket of a dead agent is replaced, a live agent's is not).
 * run_dir NULL: XMIP_RUN_DIR. 0; -2 (logged) when another agent of the
 * instance listens there; -1 (logged) on other errors: the agent runs without.
 */
int  xmip_events_open(struct xmip_loop *loop, const char *run_dir, const char *instance,
		      unsigned int role);
void xmip_events_close(void);
/* Send ev to every monitor (ev is copied; its version, len, role and time are set). */
void xmip_event_emit(const struct xmip_event *ev);
/* Monitors connected now (tests). */
unsigned int xmip_events_clients(void);

#endif
