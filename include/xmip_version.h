/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The release both binaries report (xmip -V, xmip_build_info); debian/changelog follows it. */
#ifndef XMIP_VERSION_H
#define XMIP_VERSION_H

#define XMIP_VERSION "0.1.0"

#endif
