// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Capabilities after set-up (see privs.h): capset and prctl, no libcap. */
#include "privs.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

uint64_t xmip_privs_keep_mask(void)
{
	return 1ull << CAP_NET_ADMIN | 1ull << CAP_NET_RAW;
}

/* The highest capability this kernel knows (it may know more than our headers). */
static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &n) != 1 || n < 0 || n > 63)
			n = CAP_LAST_CAP;
		fclose(f);
	}
	return n;
}

int xmip_privs_drop(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	uint64_t keep = xmip_privs_keep_mask(), prm;
	int top = last_cap();

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data)) {
		log_err("capget: %s", strerror(errno));
		return -1;
	}
	prm = (uint64_t)data[1].permitted << 32 | data[0].permitted;

	/* While CAP_SETPCAP is still ours: root's uid 0 must not bring
	 * capabilities back through execve (SECBIT_NOROOT), and no execve may
	 * get any we drop now (bounding set). Without CAP_SETPCAP (started
	 * with fewer capabilities) these steps are skipped. */
	if (prm & (1ull << CAP_SETPCAP)) {
		if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0))
			log_warn("securebits: %s", strerror(errno));
		for (int c = 0; c <= top; c++)
			if (!(keep & (1ull << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) &&
			    errno != EINVAL)
				log_warn("dropping capability %d from the bounding set: %s", c,
					 strerror(errno));
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		log_warn("clearing ambient capabilities: %s", strerror(errno));

	keep &= prm;
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data)) {
		log_err("capset: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		log_err("no_new_privs: %s", strerror(errno));
		return -1;
	}
	log_debug("capabilities after set-up: 0x%llx (CAP_NET_ADMIN, CAP_NET_RAW)",
		  (unsigned long long)keep);
	return 0;
}
