// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The next-hop generation (xmip_nh_gen): bumped by the agent and by `xmip attach`. */
#include "nh_gen.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"

int xmip_nh_gen_map(int nh_gen_fd, uint64_t **gen)
{
	void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE, MAP_SHARED,
		       nh_gen_fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	*gen = p;
	return 0;
}

void xmip_nh_gen_unmap(uint64_t *gen)
{
	if (gen)
		munmap(gen, (size_t)sysconf(_SC_PAGESIZE));
}

uint64_t xmip_nh_gen_bump_mapped(uint64_t *gen)
{
	uint64_t now = xmip_now_ns(), cur, next;

	cur = __atomic_load_n(gen, __ATOMIC_RELAXED);
	next = now > cur ? now : cur + 1;
	__atomic_store_n(gen, next, __ATOMIC_RELEASE);
	return next;
}

int xmip_nh_gen_bump(int nh_gen_fd, uint64_t *gen_out)
{
	uint64_t *gen = NULL, next;
	int rc = xmip_nh_gen_map(nh_gen_fd, &gen);

	if (rc)
		return rc;
	next = xmip_nh_gen_bump_mapped(gen);
	xmip_nh_gen_unmap(gen);
	if (gen_out)
		*gen_out = next;
	return 0;
}
