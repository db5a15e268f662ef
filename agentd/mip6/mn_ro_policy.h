/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The mobile node's side of route optimisation as pure functions (RFC 6275
 * §5.2, §11.6, §11.7.2): the test init messages, checking the tests that
 * answer them, the Binding Update to a correspondent with Nonce Indices and
 * Binding Authorization Data (last), and checking its Binding
 * Acknowledgement's authenticator. No I/O, no clock reads: times are
 * arguments. mn_ro.c runs them per correspondent; the unit tests run them
 * against the correspondent's own code (agentd/ro/cn_policy.c).
 */
#ifndef XMIP_MN_RO_POLICY_H
#define XMIP_MN_RO_POLICY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mh.h"
#include "mh_rr.h"

/* RFC 6275 §12 (seconds), and the retransmission of test inits (§11.8). */
#define XMIP_MN_RO_TOKEN_LIFETIME_S   210   /* MAX_TOKEN_LIFETIME */
#define XMIP_MN_RO_MAX_LIFETIME_S     420   /* MAX_RR_BINDING_LIFETIME */
#define XMIP_MN_RO_INITIAL_MS         1000  /* first retransmission of HoTI/CoTI/BU */
#define XMIP_MN_RO_MAX_MS             32000 /* MAX_BINDACK_TIMEOUT */
#define XMIP_MN_RO_TRIES              5     /* unanswered sends before the tunnel for good */

/* One test (home or care-of) of one correspondent, as the Binding Update List keeps it. */
struct xmip_mn_rr_test {
	bool     pending;                        /* an init was sent, no test accepted */
	uint8_t  cookie[XMIP_RR_COOKIE_LEN];     /* of the last init sent */
	bool     have;                           /* a keygen token is held */
	uint16_t nonce_index;
	uint8_t  token[XMIP_RR_TOKEN_LEN];
	uint64_t at_ns;                          /* when it was received */
	struct in6_addr addr;                    /* the address it is for (HoA, CoA) */
};

/* A token still usable at now_ns for addr (§5.2.7: MAX_TOKEN_LIFETIME after receipt). */
bool xmip_mn_rr_token_fresh(const struct xmip_mn_rr_test *t, const struct in6_addr *addr,
			    uint64_t now_ns);

/*
 * A HoTI (from hoa) or CoTI (from coa) to cn as a whole packet with a new
 * cookie (cookie: 8 random octets the caller drew; kept in *t, replacing
 * the last: only a test with it is accepted from now on). -1 if t is
 * pending with that very cookie: §11.8, a retransmission MUST use a new
 * one. Returns the packet length or -1.
 */
int xmip_mn_rr_build_init(struct xmip_mn_rr_test *t, uint8_t type, const struct in6_addr *from,
			  const struct in6_addr *cn, const uint8_t cookie[XMIP_RR_COOKIE_LEN],
			  uint8_t *buf, size_t cap);

/*
 * A HoT or CoT (p: parsed by xmip_pkt_parse, XMIP_PARSE_UNKNOWN_MH_TYPE with
 * its type) for the test *t of correspondent cn: from cn, to t->addr
 * (HoT: the HoA; CoT: the CoA), while pending, with its cookie (§11.6.2).
 * Records index and token and returns true; false: silently ignored.
 */
bool xmip_mn_rr_accept_test(struct xmip_mn_rr_test *t, const struct in6_addr *cn,
			    const struct xmip_pkt *p, uint64_t now_ns);

/*
 * The Lifetime (units of 4 s) of a BU registering with a correspondent at
 * now_ns (§11.7.2, §11.7.3): at most MAX_RR_BINDING_LIFETIME (§5.2.6) and
 * at most what remains of the home registration, which ends at
 * home_expires_ns (the accepted home BU's send time plus the lifetime the
 * HA granted; 0: none). Rounded down: 0 when less than 4 s remain (no
 * registration then: a BU with Lifetime 0 is a deletion).
 */
uint16_t xmip_mn_ro_bu_lifetime_units(uint64_t home_expires_ns, uint64_t now_ns);

/* What a correspondent BU says. */
struct xmip_mn_ro_bu {
	struct in6_addr hoa, coa, cn;   /* coa == hoa: deletion from home (§5.2.6) */
	uint16_t seq;
	uint16_t lifetime_units;        /* 0: delete */
	const struct xmip_mn_rr_test *home, *careof;   /* careof unused when deleting */
};

/*
 * The BU as a whole packet (§11.7.2): from coa with a Home Address option
 * (none when coa == hoa), A set, Nonce Indices, Binding Authorization Data
 * last, authenticator First(96, HMAC_SHA1(Kbm, coa | cn | MH)), Kbm =
 * SHA1(home token | care-of token), or SHA1(home token) when deleting.
 * kbm receives Kbm (to check the BA). Returns the length or -1.
 */
int xmip_mn_ro_build_bu(const struct xmip_mn_ro_bu *bu, uint8_t kbm[20], uint8_t *buf,
			size_t cap);

enum xmip_mn_ro_ba {
	XMIP_MN_RO_BA_IGNORE = 0,      /* not for the pending BU, or not authentic */
	XMIP_MN_RO_BA_ACCEPTED,        /* status < 128, authenticated */
	XMIP_MN_RO_BA_NONCE,           /* 136-138: a nonce index expired; tests again */
	XMIP_MN_RO_BA_SEQ,             /* 135, authenticated: seq is the CN's last */
	XMIP_MN_RO_BA_REFUSED,         /* any other refusal: the tunnel */
};

/*
 * A correspondent's BA (parsed) against the pending BU (seq, kbm, the
 * care-of address of the authenticator): from bu->cn, its sequence number
 * (but 135), and, for every status but 136-138 (§9.5.4: no authenticator),
 * Binding Authorization Data last with First(96, HMAC_SHA1(Kbm, coa | cn |
 * BA)). *lifetime_s: what it granted.
 */
enum xmip_mn_ro_ba xmip_mn_ro_check_ba(const struct xmip_mn_ro_bu *bu, const uint8_t kbm[20],
				       const struct xmip_pkt *p, uint32_t *lifetime_s);

/*
 * An ICMPv6 message as a raw ICMPv6 socket gives it (from its type on, n
 * octets, untrusted): true if it is a Parameter Problem code 1
 * (unrecognised Next Header) quoting an IPv6 packet whose next header is
 * the Mobility Header, i.e. a node without Mobility Header support refusing
 * one of our test inits (§11.6.2); *src, *dst: the quoted addresses.
 */
bool xmip_mn_ro_param_problem(const uint8_t *icmp, size_t n, struct in6_addr *src,
			      struct in6_addr *dst);

/*
 * Learning correspondents ([ro] learn-correspondents; docs/DESIGN.md "Agent,
 * MN route optimisation"). The datapath reports the first packet from the
 * home address to each destination; these decide what the agent does.
 */

/* May dst be learnt as a correspondent of the node with home address hoa,
 * home agent ha and home prefix prefix/plen (plen 0: none known)? Not the
 * HA, not multicast, link-local, site-local, loopback, unspecified,
 * IPv4-mapped or -compatible (reached over IPv4), not in the home prefix. */
bool xmip_mn_ro_learnable(const struct in6_addr *dst, const struct in6_addr *hoa,
			  const struct in6_addr *ha, const struct in6_addr *prefix, uint8_t plen);

enum xmip_mn_ro_learn {
	XMIP_MN_RO_LEARN_NEW = 0,      /* start return routability with it */
	XMIP_MN_RO_LEARN_OFF,          /* learning is off, or the node is not away */
	XMIP_MN_RO_LEARN_EXCLUDED,     /* not from the HoA, or not learnable (above) */
	XMIP_MN_RO_LEARN_KNOWN,        /* a configured or learnt correspondent already */
	XMIP_MN_RO_LEARN_HELD,         /* it refused route optimisation: in hold-down */
	XMIP_MN_RO_LEARN_FULL,         /* learn-max learnt correspondents already */
};

struct xmip_mn_ro_learn_in {
	bool                   enabled, away;
	const struct in6_addr *src, *dst;              /* the reported packet's */
	const struct in6_addr *hoa, *ha, *prefix;
	uint8_t                plen;
	bool                   known;                  /* configured, or learnt and not held */
	uint64_t               held_until_ns;          /* learnt, refused: until then (0: not) */
	uint64_t               now_ns;
	unsigned               n_learnt, max;          /* learnt now (held ones count), learn-max */
};

enum xmip_mn_ro_learn xmip_mn_ro_learn_decide(const struct xmip_mn_ro_learn_in *in);
const char *xmip_mn_ro_learn_name(enum xmip_mn_ro_learn d);

/* A learnt correspondent with no packet to it for idle_s: used_ns is the
 * datapath's last use (0: none seen), learnt_ns when it was learnt. */
bool xmip_mn_ro_learnt_idle(uint64_t used_ns, uint64_t learnt_ns, uint64_t now_ns,
			    uint32_t idle_s);

/*
 * What a correspondent gets when the home agent accepts a care-of address
 * (RFC 6275 §11.7.2). IPv6: return routability as needed, then the BU (a
 * correspondent that refused keeps the tunnel: start() knows). IPv4 (RFC
 * 5555 §2.4: no route optimisation from an IPv4-only network, the tunnel
 * carries everything): no care-of test is possible, so a correspondent
 * still holding a binding of ours, which names an IPv6 CoA we left, is told
 * to delete it — a BU from the home address through the tunnel, CoA = HoA,
 * lifetime 0, Kbm from the home token alone (§5.2.6, §6.1.7) — else its
 * packets follow the old CoA until the binding runs out; a learnt one with
 * no binding is forgotten (learning is for IPv6 CoAs), unless in hold-down.
 */
enum xmip_mn_ro_reg {
	XMIP_MN_RO_REG_BIND = 0,       /* IPv6 CoA: tests as needed, then the BU */
	XMIP_MN_RO_REG_DELETE,         /* IPv4 CoA, it holds a binding: delete it from the HoA */
	XMIP_MN_RO_REG_FORGET,         /* IPv4 CoA, learnt, no binding, not held: forgotten */
	XMIP_MN_RO_REG_NONE,           /* IPv4 CoA, nothing there: the tunnel, nothing sent */
};

enum xmip_mn_ro_reg xmip_mn_ro_on_registration(bool coa_v4, bool registered, bool learnt,
					       bool held);

#endif /* XMIP_MN_RO_POLICY_H */
