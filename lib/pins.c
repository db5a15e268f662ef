// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Pin paths of an instance and opening what is pinned there. */
#include "pins.h"

#include <bpf/bpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "config.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#define BPFFS_MOUNT "/sys/fs/bpf"

bool xmip_instance_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= XMIP_INSTANCE_MAX)
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '-' && *name != '_')
			return false;
	return true;
}

int xmip_pin_dir(const char *instance, char *buf, size_t len)
{
	int n;

	if (!xmip_instance_name_ok(instance))
		return -1;
	n = snprintf(buf, len, "%s/%s", XMIP_PIN_ROOT, instance);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int xmip_pin_path(const char *instance, const char *name, char *buf, size_t len)
{
	int n;

	if (!xmip_instance_name_ok(instance))
		return -1;
	n = snprintf(buf, len, "%s/%s/%s", XMIP_PIN_ROOT, instance, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void not_attached(const char *instance, char *err, size_t errlen)
{
	snprintf(err, errlen, "instance '%s' is not attached: run xmip attach -c /etc/xmip/%s.conf",
		 instance, instance);
}

int xmip_instance_check(const char *instance, char *err, size_t errlen)
{
	char path[256];
	struct stat st;

	if (!xmip_instance_name_ok(instance)) {
		snprintf(err, errlen, "'%s' is not a valid instance name", instance);
		return -1;
	}
	/* Every role's object has the counters: their pin marks an attached instance. */
	if (xmip_pin_path(instance, XMIP_MAP_STATS, path, sizeof(path)) || stat(path, &st)) {
		if (errno == EACCES || errno == EPERM)
			snprintf(err, errlen, "%s: %s (run as root)", path, strerror(errno));
		else
			not_attached(instance, err, errlen);
		return -1;
	}
	return 0;
}

int xmip_map_open(const char *instance, const char *name, char *err, size_t errlen)
{
	char path[256];
	int fd;

	if (xmip_instance_check(instance, err, errlen))
		return -1;
	if (xmip_pin_path(instance, name, path, sizeof(path))) {
		snprintf(err, errlen, "map name '%s' too long", name);
		return -1;
	}
	fd = bpf_obj_get(path);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			snprintf(err, errlen, "%s: map missing (instance '%s' half attached? "
				 "run xmip detach -i %s and attach again)", path, instance, instance);
		else
			snprintf(err, errlen, "%s: %s%s", path, strerror(e),
				 e == EPERM || e == EACCES ? " (run as root)" : "");
		return -1;
	}
	return fd;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

int xmip_instances_list(char names[][32], int max, char *err, size_t errlen)
{
	DIR *d = opendir(XMIP_PIN_ROOT);
	struct dirent *de;
	int n = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", XMIP_PIN_ROOT, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) && n < max) {
		if (de->d_type != DT_DIR || !xmip_instance_name_ok(de->d_name))
			continue;
		snprintf(names[n++], 32, "%.31s", de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	return n;
}

/*
 * True unless we provably share PID 1's mount namespace: under `ip netns
 * exec` (a private namespace with a fresh /sys) a bpffs we mount dies with us.
 */
static bool maybe_private_mount_ns(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/mnt", &self) || stat("/proc/1/ns/mnt", &init))
		return true;
	return self.st_ino != init.st_ino || self.st_dev != init.st_dev;
}

int xmip_bpffs_ensure(char *err, size_t errlen)
{
	struct statfs sfs;

	if (statfs(BPFFS_MOUNT, &sfs) == 0 && sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir(BPFFS_MOUNT, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "bpffs is not mounted and %s cannot be created: %s",
			 BPFFS_MOUNT, strerror(errno));
		return -1;
	}
	if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
		snprintf(err, errlen, "bpffs is not mounted at %s and mounting it failed: %s "
			 "(try: mount -t bpf bpf %s)", BPFFS_MOUNT, strerror(errno), BPFFS_MOUNT);
		return -1;
	}
	fprintf(stderr, "xmip: bpffs was not mounted; mounted it at %s\n", BPFFS_MOUNT);
	if (maybe_private_mount_ns())
		fprintf(stderr, "xmip: warning: this may be a private mount namespace (ip netns "
			"exec?): pins in a bpffs mounted there vanish with it and the programs "
			"detach; use nsenter --net=/run/netns/NAME instead\n");
	return 0;
}
