/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A raw ICMPv6 socket that the kernel hands only the listed message types
 * (ICMP6_FILTER): each family that listens for ICMPv6 (Parameter Problems
 * quoting our inits, Destination Unreachables for a correspondent's
 * bindings, DHAAD replies) opens one, so none sees the others' traffic.
 */
#ifndef XMIP_ICMP6SOCK_H
#define XMIP_ICMP6SOCK_H

#include <stddef.h>
#include <stdint.h>

/* Non-blocking, close-on-exec; -1 with errno on failure. */
int xmip_icmp6_socket(const uint8_t *types, size_t n_types);

#endif
