// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A correspondent's nonces and node keys, with their lifetimes (RFC 6275 §5.2.7). */
#include "rr_nonce.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/random.h>

int xmip_rr_getrandom(void *buf, size_t len, void *arg)
{
	uint8_t *p = buf;

	(void)arg;
	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int xmip_rr_nonces_init(struct xmip_rr_nonces *t, uint64_t interval_ns, uint64_t lifetime_ns,
			xmip_rr_rand_fn rand, void *rand_arg)
{
	memset(t, 0, sizeof(*t));
	t->interval_ns = interval_ns;
	t->lifetime_ns = lifetime_ns;
	t->rand = rand ? rand : xmip_rr_getrandom;
	t->rand_arg = rand_arg;
	/* A random first index: after a restart the old indices mean nothing. */
	return t->rand(&t->next_index, sizeof(t->next_index), t->rand_arg);
}

static struct xmip_rr_nonce *at(struct xmip_rr_nonces *t, size_t i)
{
	return &t->e[(t->head + i) % XMIP_RR_NONCES_MAX];
}

static void drop_oldest(struct xmip_rr_nonces *t)
{
	OPENSSL_cleanse(at(t, 0), sizeof(struct xmip_rr_nonce));
	t->head = (t->head + 1) % XMIP_RR_NONCES_MAX;
	t->count--;
}

const struct xmip_rr_nonce *xmip_rr_nonce_current(struct xmip_rr_nonces *t, uint64_t now_ns)
{
	struct xmip_rr_nonce *n, fresh;

	if (t->count) {
		n = at(t, t->count - 1);
		if (now_ns - n->born_ns < t->interval_ns && now_ns >= n->born_ns)
			return n;
	}
	/* Made first: an RNG failure leaves the table as it was. */
	if (t->rand(fresh.nonce, sizeof(fresh.nonce), t->rand_arg) ||
	    t->rand(fresh.kcn, sizeof(fresh.kcn), t->rand_arg)) {
		OPENSSL_cleanse(&fresh, sizeof(fresh));
		return NULL;
	}
	fresh.index = t->next_index++;
	fresh.born_ns = now_ns;
	if (t->count == XMIP_RR_NONCES_MAX)
		drop_oldest(t);
	n = at(t, t->count);
	*n = fresh;
	OPENSSL_cleanse(&fresh, sizeof(fresh));
	t->count++;
	t->made++;
	return n;
}

const struct xmip_rr_nonce *xmip_rr_nonce_find(const struct xmip_rr_nonces *t, uint16_t index,
					       uint64_t now_ns)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct xmip_rr_nonce *n = &t->e[(t->head + i) % XMIP_RR_NONCES_MAX];

		if (n->index == index)
			return now_ns >= n->born_ns && now_ns - n->born_ns < t->lifetime_ns ? n : NULL;
	}
	return NULL;
}

void xmip_rr_nonces_expire(struct xmip_rr_nonces *t, uint64_t now_ns)
{
	while (t->count && now_ns - at(t, 0)->born_ns >= t->lifetime_ns)
		drop_oldest(t);
}

void xmip_rr_nonces_clear(struct xmip_rr_nonces *t)
{
	while (t->count)
		drop_oldest(t);
}
