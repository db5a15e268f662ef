/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Helpers the libFuzzer harnesses share (selftests/fuzz/fuzz_<name>.c).
 * They are written apart from the code under test on purpose: the
 * checksum, the option walk and the authenticator below are computed
 * independently, so a harness compares two implementations instead of
 * asking the parser whether the parser was right.
 *
 * FUZZ_CHECK aborts with the property that failed: libFuzzer then keeps the
 * input as a crash artifact, exactly as for a sanitizer report.
 */
#ifndef XMIP_FUZZ_COMMON_H
#define XMIP_FUZZ_COMMON_H

#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...)                                                         \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "\nPROPERTY VIOLATED %s:%d: %s\n  ", __FILE__, \
				__LINE__, #cond);                                     \
			fprintf(stderr, "" __VA_ARGS__);                              \
			fputc('\n', stderr);                                          \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* A cursor over the fuzzer's input, for harnesses that take parameters
 * from its first octets (0 once it is exhausted). */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, size_t n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

/* RFC 1071 internet checksum of the MH with the IPv6 pseudo-header
 * (RFC 8200 §8.1, next header 135), summed octet pair by octet pair. */
static inline uint16_t fuzz_ref_mh_csum(const struct in6_addr *src, const struct in6_addr *dst,
					const uint8_t *mh, size_t len)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (unsigned)(src->s6_addr[i] << 8 | src->s6_addr[i + 1]) +
		       (unsigned)(dst->s6_addr[i] << 8 | dst->s6_addr[i + 1]);
	sum += (len >> 16) + (len & 0xffff) + 135;
	for (i = 0; i < len; i++)
		sum += i & 1 ? mh[i] : (unsigned)mh[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One mobility option as found by fuzz_walk_options. */
struct fuzz_opt {
	uint8_t type, len;
	size_t off;     /* of the type octet, from the start of the MH */
};

#define FUZZ_MAX_OPTS 1100   /* 2048 octets of Pad1 at most */

/*
 * Walk the options of a message laid out from `from` to `len` (RFC 6275
 * §6.2.1): Pad1 is one octet, every other option type + length + data.
 * Returns the number found, or -1 if one overruns the message.
 */
static inline int fuzz_walk_options(const uint8_t *mh, size_t from, size_t len,
				    struct fuzz_opt *opts, int max)
{
	int n = 0;

	while (from < len) {
		if (n == max)
			return -1;
		opts[n].type = mh[from];
		opts[n].off = from;
		if (mh[from] == 0) {
			opts[n].len = 0;
			from++;
		} else {
			if (len - from < 2 || len - from - 2 < mh[from + 1])
				return -1;
			opts[n].len = mh[from + 1];
			from += 2 + (size_t)mh[from + 1];
		}
		n++;
	}
	return n;
}

/* Offset of the fixed part's end (first option) per MH type; 0: unknown. */
static inline size_t fuzz_mh_fixed_len(uint8_t type)
{
	switch (type) {
	case 0: return 8;     /* BRR */
	case 5: return 12;    /* BU */
	case 6: return 12;    /* BA */
	case 7: return 24;    /* BE */
	}
	return 0;
}

/*
 * RFC 4285 §5.1, computed here with OpenSSL directly: HMAC-SHA1(key,
 * coa | hoa | MH up to and including the SPI of the Authentication option
 * at auth_off, checksum as zero), first 96 bits compared with the 12
 * octets that follow the SPI. False if the option is not a whole MN-HA
 * option of length 17.
 */
static inline bool fuzz_ref_auth_ok(const uint8_t *key, size_t key_len,
				    const struct in6_addr *coa, const struct in6_addr *hoa,
				    const uint8_t *mh, size_t mh_len, size_t auth_off)
{
	uint8_t data[32 + 2048], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t cover = auth_off + 7;

	if (auth_off < 6 || mh_len > 2048 || cover + 12 > mh_len || mh[auth_off] != 9 ||
	    mh[auth_off + 1] != 17 || mh[auth_off + 2] != 1)
		return false;
	memcpy(data, coa->s6_addr, 16);
	memcpy(data + 16, hoa->s6_addr, 16);
	memcpy(data + 32, mh, cover);
	data[32 + 4] = data[32 + 5] = 0;
	if (!HMAC(EVP_sha1(), key, (int)key_len, data, 32 + cover, md, &md_len))
		abort();
	return memcmp(md, mh + cover, 12) == 0;
}

/* Write the right authenticator (as fuzz_ref_auth_ok checks it). */
static inline void fuzz_ref_auth_fill(const uint8_t *key, size_t key_len,
				      const struct in6_addr *coa, const struct in6_addr *hoa,
				      uint8_t *mh, size_t auth_off)
{
	uint8_t data[32 + 2048], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t cover = auth_off + 7;

	memcpy(data, coa->s6_addr, 16);
	memcpy(data + 16, hoa->s6_addr, 16);
	memcpy(data + 32, mh, cover);
	data[32 + 4] = data[32 + 5] = 0;
	if (!HMAC(EVP_sha1(), key, (int)key_len, data, 32 + cover, md, &md_len))
		abort();
	memcpy(mh + cover, md, 12);
}

/* Store the right MH checksum. */
static inline void fuzz_ref_csum_fill(const struct in6_addr *src, const struct in6_addr *dst,
				      uint8_t *mh, size_t len)
{
	uint16_t c;

	mh[4] = mh[5] = 0;
	c = fuzz_ref_mh_csum(src, dst, mh, len);
	mh[4] = (uint8_t)(c >> 8);
	mh[5] = (uint8_t)c;
}

#endif /* XMIP_FUZZ_COMMON_H */
