// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "pmtu_age.h"

#include <string.h>

/* A linear table: at most a few entries live at once (one per path that
 * narrowed in the last 10 minutes), so scans cost less than an index. */

static size_t earliest(const struct xmip_pmtu_age *a)
{
	size_t k = 0;

	for (size_t i = 1; i < a->n; i++)
		if (a->e[i].due_ns < a->e[k].due_ns)
			k = i;
	return k;
}

static void take(struct xmip_pmtu_age *a, size_t i, uint8_t hoa[16])
{
	memcpy(hoa, a->e[i].hoa, 16);
	a->e[i] = a->e[--a->n];
}

int xmip_pmtu_age_note(struct xmip_pmtu_age *a, const uint8_t hoa[16], uint64_t now_ns,
		       uint64_t age_ns, uint8_t evicted[16])
{
	int ev = 0;

	for (size_t i = 0; i < a->n; i++) {
		if (!memcmp(a->e[i].hoa, hoa, 16)) {
			a->e[i].due_ns = now_ns + age_ns;
			return 0;
		}
	}
	if (a->n == XMIP_PMTU_AGE_MAX) {
		take(a, earliest(a), evicted);
		ev = 1;
	}
	memcpy(a->e[a->n].hoa, hoa, 16);
	a->e[a->n++].due_ns = now_ns + age_ns;
	return ev;
}

int xmip_pmtu_age_due(struct xmip_pmtu_age *a, uint64_t now_ns, uint8_t hoa[16])
{
	size_t k;

	if (!a->n)
		return 0;
	k = earliest(a);
	if (a->e[k].due_ns > now_ns)
		return 0;
	take(a, k, hoa);
	return 1;
}

uint64_t xmip_pmtu_age_next(const struct xmip_pmtu_age *a)
{
	return a->n ? a->e[earliest(a)].due_ns : 0;
}
