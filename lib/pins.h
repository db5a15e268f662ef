/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where an instance's BPF objects are pinned, and opening them (shared by CLI and agent). */
#ifndef XMIP_PINS_H
#define XMIP_PINS_H

#include <stdbool.h>
#include <stddef.h>

/* Prefix of the pinned XDP link of one interface: link_xdp_<ifname>. */
#define XMIP_PIN_LINK_XDP "link_xdp_"

/* 1 if name is a usable instance name (letters, digits, '-', '_'; < XMIP_INSTANCE_MAX). */
bool xmip_instance_name_ok(const char *name);

/* "/sys/fs/bpf/xmip/<instance>"; -1 (and err) if the name is not valid or too long. */
int xmip_pin_dir(const char *instance, char *buf, size_t len);

/* "/sys/fs/bpf/xmip/<instance>/<name>". */
int xmip_pin_path(const char *instance, const char *name, char *buf, size_t len);

/*
 * 0 if the instance is attached (its pin directory and xmip_stats exist),
 * else -1 with "instance 'x' is not attached: run xmip attach -c ..." in err.
 */
int xmip_instance_check(const char *instance, char *err, size_t errlen);

/* fd of the pinned map <name> of the instance, or -1 with a message in err. */
int xmip_map_open(const char *instance, const char *name, char *err, size_t errlen);

/*
 * Fill names[] with the attached instances (subdirectories of the pin root),
 * sorted; returns how many, or -1 with err.
 */
int xmip_instances_list(char names[][32], int max, char *err, size_t errlen);

/* 0 if bpffs is mounted at /sys/fs/bpf, mounting it when it is not; else -1 and err. */
int xmip_bpffs_ensure(char *err, size_t errlen);

#endif
