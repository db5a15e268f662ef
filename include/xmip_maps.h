/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Map keys and values shared by the BPF programs, the loader/CLI and the
 * agent. Every map is pinned under /sys/fs/bpf/xmip/<instance>/<map name>,
 * so a restarted agent finds its bindings where it left them.
 *
 * Addresses are stored as 16 raw octets (network order) rather than
 * struct in6_addr, so `bpftool map dump` prints one array per address
 * instead of three views of a union.
 */
#ifndef XMIP_MAPS_H
#define XMIP_MAPS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define XMIP_PIN_ROOT "/sys/fs/bpf/xmip"

/*
 * Pinned map names (the C identifiers of the maps in bpf/). Each role's
 * object carries only the maps its programs use (docs/DESIGN.md, "Map set
 * per role"): HA bindings, replay, ident, nexthops, nh_gen, signal, stats; MN
 * mn_state, signal, stats.
 */
#define XMIP_MAP_BINDINGS "xmip_bindings"
#define XMIP_MAP_MN_STATE "xmip_mn_state"
#define XMIP_MAP_STATS    "xmip_stats"
#define XMIP_MAP_SIGNAL   "xmip_signal"
#define XMIP_MAP_REPLAY   "xmip_replay"
#define XMIP_MAP_NEXTHOPS "xmip_nexthops"
#define XMIP_MAP_NH_GEN   "xmip_nh_gen"
#define XMIP_MAP_IDENT    "xmip_ident"
/*
 * The .rodata map of the programs `xmip attach` loaded last, pinned by it
 * under this name: the instance's static configuration (struct
 * xmip_ha_conf or xmip_mn_conf, in the variable of that name), read by
 * `xmip show`; `bpftool map dump pinned .../xmip_rodata` prints it with
 * field names. Replaced on every attach.
 */
#define XMIP_PIN_RODATA   "xmip_rodata"
#define XMIP_RODATA_HA    "xmip_ha_conf"   /* the variable's name in the HA's .rodata */
#define XMIP_RODATA_MN    "xmip_mn_conf"   /* ... in the MN's */

#define XMIP_DEFAULT_MAX_BINDINGS 65536
#define XMIP_SIGNAL_RINGBUF_BYTES (256 * 1024)
#define XMIP_NEXTHOPS_MAX 65536   /* next-hop cache entries (LRU, per CPU) */

/* Roles a datapath instance can play. */
enum xmip_role {
	XMIP_ROLE_NONE = 0,
	XMIP_ROLE_HA   = 1,
	XMIP_ROLE_MN   = 2,
	XMIP_ROLE_DC   = 3,   /* NTMobile Direction Coordinator: no datapath */
	XMIP_ROLE_NTM  = 4,   /* NTMobile node: signalling (its tc datapath comes later) */
	XMIP_ROLE_CN   = 5,   /* correspondent node with route optimisation (RFC 6275 §9) */
};

/*
 * Static configuration of a datapath instance: load-time constants
 * (`const volatile` in the role's .rodata), set by `xmip attach` through
 * the skeleton before the programs load. Changing them means attaching
 * again, which swaps the programs atomically (bpf_link_update). A program
 * whose configuration was never set (ready 0) passes everything.
 */
struct xmip_ha_conf {
	__u8  self_addr[16];   /* the HA's own address (home link) */
	__u8  home_prefix[16]; /* home subnet prefix */
	__u8  home_plen;       /* home subnet prefix length */
	__u8  ready;           /* 1: set by xmip attach */
	__u16 tunnel_mtu;      /* largest inner packet the tunnel carries (0: FIB decides) */
	__u32 pad;
};

struct xmip_mn_conf {
	__u8  hoa[16];         /* the MN's home address */
	__u8  home_prefix[16]; /* home subnet prefix */
	__u8  home_plen;       /* home subnet prefix length */
	__u8  ready;           /* 1: set by xmip attach */
	__u16 tunnel_mtu;      /* what attach computed (shown; the agent sizes the HoA's routes) */
	__u32 pad;
};

/*
 * xmip_mn_state, HASH of one element (key XMIP_MN_STATE_KEY): the MN's
 * run-time state, which changes while traffic runs (every move). The agent
 * replaces the element whole with one bpf_map_update_elem, never edits it
 * in place: a CPU reading it sees the old or the new state, never a mix
 * (docs/DESIGN.md, "Atomic updates"). Absent: at home, no care-of address.
 */
#define XMIP_MN_STATE_KEY 0
#define XMIP_MN_F_AWAY    0x1  /* away from home: tunnel HoA traffic to the HA */

struct xmip_mn_runstate {
	__u8  coa[16];         /* current care-of address (:: at home) */
	__u8  ha[16];          /* the home agent's address */
	__u32 coa_ifindex;     /* interface holding the CoA */
	__u32 flags;           /* XMIP_MN_F_* */
};

/* xmip_bindings, HASH: the HA's binding cache, keyed by home address. */
struct xmip_binding_key {
	__u8 hoa[16];
};

struct xmip_binding {
	__u8  coa[16];         /* where the datapath tunnels packets for the HoA */
	__u64 expires_ns;      /* CLOCK_BOOTTIME; the agent removes it then */
	__u32 lifetime_s;      /* granted lifetime, seconds */
	__u16 seq;             /* sequence number of the accepted BU */
	__u16 bu_flags;        /* XMIP_BU_F_* of the accepted BU */
	__u32 ifindex;         /* interface the BU arrived on (proxy ND) */
	__u8  encap;           /* enum xmip_encap: how the datapath reaches the CoA */
	__u8  pad[3];
};

/*
 * How a binding's packets are carried to its care-of address; the HA's
 * entry hands a packet for a bound home address to the handler of this
 * encapsulation. 0 is what bindings written before the field existed hold
 * (the field was padding), so it must stay IPv6-in-IPv6.
 */
enum xmip_encap {
	XMIP_ENCAP_IP6IP6 = 0,   /* IPv6-in-IPv6 (RFC 2473), Mobile IPv6 home registration */
	XMIP_ENCAP_RH2    = 1,   /* correspondent binding (RFC 6275 §9.3.2): the node's own
				  * packets to the HoA get a type-2 routing header and go to
				  * the CoA; never used to intercept others' packets */
};

/*
 * xmip_replay, HASH keyed by home address: agent-only state that must
 * outlive both a binding (deregistration) and the agent process, so that
 * an old BU cannot be replayed after either.
 */
struct xmip_replay_state {
	__u64 last_mesg_id;    /* RFC 4285 timestamp of the last accepted BU */
	__u16 last_seq;        /* last accepted sequence number */
	__u16 seq_valid;       /* 1 once a BU has been accepted */
	__u32 pad;
};

/*
 * xmip_ident, HASH keyed by home address: agent-only, whom each binding
 * was made for: the mobile node's NAI (a 64-bit FNV-1a hash and its
 * length) and SPI. A restarted agent keeps only the bindings whose home
 * address, NAI and SPI its configuration still has together; a binding
 * without a record (made by an agent older than the map) is kept when its
 * home address is still configured, and recorded then.
 */
struct xmip_ident {
	__u64 nai_hash;        /* FNV-1a 64 of the NAI's octets */
	__u32 spi;             /* RFC 4285 SPI of the MN-HA association */
	__u16 nai_len;         /* octets of the NAI */
	__u16 pad;
};

/*
 * xmip_nexthops, LRU_PERCPU_HASH: the answers of bpf_fib_lookup, so the
 * datapath need not ask the FIB for every packet. Keyed by everything the
 * FIB decision depends on that varies per packet here: destination, source
 * (source-specific routes, `ip -6 rule from`) and arrival interface (iif
 * rules, per-interface forwarding). Per CPU: each CPU writes only its own
 * copy, so a reader never sees a half-written entry.
 */
struct xmip_nh_key {
	__u8  dst[16];
	__u8  src[16];
	__u32 ifindex;         /* arrival interface of the packet */
};

struct xmip_nh {
	__u64 gen;             /* xmip_nh_gen when filled; used only while equal */
	__u64 filled;          /* jiffies when filled; too old -> asked again */
	__u32 ifindex;         /* output interface (0: empty slot, never used) */
	__u16 mtu;             /* route MTU the FIB reported; larger packets re-ask */
	__u16 pad;
	__u8  smac[6];         /* output interface's MAC */
	__u8  dmac[6];         /* next hop's MAC */
	__u32 pad2;            /* explicit: no uninitialised padding */
};

/*
 * Safety net for when no agent runs (nobody bumps the generation): a cached
 * next hop is used for at most this many jiffies (2.5 s at HZ=1000, 10 s at
 * HZ=250, 25 s at HZ=100). bpf_jiffies64 is inlined by the verifier: free.
 */
#define XMIP_NH_MAX_AGE_JIFFIES 2500

/*
 * xmip_nh_gen, ARRAY of one __u64: the next-hop generation. Bumped (one
 * aligned 8-octet write) by the HA agent on every neighbour, route or link
 * change and by `xmip attach`; a cached next hop of another generation is
 * ignored. Never 0 once bumped (values are CLOCK_BOOTTIME ns, increasing).
 */
#define XMIP_NH_GEN_KEY 0

/*
 * Mobility families. A ring-buffer record names the family whose agent
 * code gets it (agentd/core dispatches by this id, agentd/core/family.h);
 * values are fixed (they are in ring records): append only.
 */
enum xmip_family_id {
	XMIP_FAMILY_NONE   = 0,
	XMIP_FAMILY_MIP6   = 1,   /* Mobile IPv6 home registration (RFC 6275, RFC 4285) */
	/* planned: DSMIPv6 (UDP 4191, RFC 5555) = 2, Mobile IPv4 (UDP 434,
	 * RFC 5944) = 3 */
	XMIP_FAMILY_NTM    = 4,   /* NTMobile (docs/ntmobile.md): DC, node; relay later */
	XMIP_FAMILY_RO     = 5,   /* route optimisation (RFC 6275 §5.2, §9): correspondent */
	XMIP_FAMILY__MAX   = 255,  /* the record's family field is one octet of use */
};

/*
 * xmip_signal, RINGBUF: signalling the kernel cannot deliver (Mobility
 * Header packets with HAO or type-2 routing header, protocol 135), handed
 * to the agent whole, from the IP header on. Each record starts with a
 * small header (the fixed part of this struct, hdr_len octets): the
 * family, so the agent dispatches by table, the arrival interface and the
 * packet length. Records are variable-size: hdr_len + len octets (the
 * ring rounds each up to 8), so a 100-octet BU takes about 120 octets of
 * the ring, not a whole XMIP_SIGNAL_MAX_PKT slot; a reader takes the
 * packet from hdr_len on and never reads past the record's size.
 */
#define XMIP_SIGNAL_MAX_PKT 1280
struct xmip_signal_event {
	__u16 family;          /* enum xmip_family_id */
	__u16 hdr_len;         /* octets before pkt (this header); lets the header grow */
	__u32 ifindex;         /* interface the packet arrived on */
	__u32 len;             /* octets of pkt that are valid */
	__u8  pkt[XMIP_SIGNAL_MAX_PKT];
};
#define XMIP_SIGNAL_HDR_LEN 12   /* offsetof(struct xmip_signal_event, pkt) */
_Static_assert(__builtin_offsetof(struct xmip_signal_event, pkt) == XMIP_SIGNAL_HDR_LEN,
	       "xmip_signal_event: XMIP_SIGNAL_HDR_LEN");

/*
 * xmip_stats, PERCPU_ARRAY indexed by enum xmip_stat: one counter per
 * outcome, fallback and drop reason. The X-macro keeps the enum and the
 * names the CLI prints in one place.
 */
#define XMIP_STAT_LIST(X) \
	X(PASS_NOT_IPV6,        "pass: not IPv6 (left to the kernel)") \
	X(PASS_NOT_OURS,        "pass: IPv6 not for a binding or the HA") \
	X(PASS_NOT_READY,       "pass: instance not configured yet") \
	X(ENCAP_OK,             "encapsulated to a care-of address") \
	X(DECAP_OK,             "decapsulated a reverse-tunnelled packet") \
	X(SIGNAL_TO_AGENT,      "Mobility Header handed to the agent") \
	X(PTB_SENT,             "ICMPv6 Packet Too Big sent") \
	X(FALLBACK_FIB_NO_NEIGH,"fallback to kernel: no neighbour entry") \
	X(FALLBACK_FIB_OTHER,   "fallback to kernel: FIB lookup not forwardable") \
	X(FALLBACK_HOP_LIMIT,   "fallback to kernel: hop limit exhausted") \
	X(FALLBACK_LOCAL,       "fallback to kernel: decapsulated packet is local") \
	X(DROP_MALFORMED,       "drop: truncated or malformed header") \
	X(DROP_SPOOFED_COA,     "drop: reverse tunnel outer source is not the CoA") \
	X(DROP_UNKNOWN_HOA,     "drop: reverse tunnel inner source has no binding") \
	X(DROP_SIGNAL_NO_ROOM,  "drop: signalling ring buffer full (agent down?)") \
	X(DROP_SIGNAL_TOO_BIG,  "drop: signalling packet larger than the ring slot") \
	X(DROP_ADJUST_FAILED,   "drop: head or tail adjustment failed") \
	X(DROP_FIB_BLACKHOLE,   "drop: FIB says blackhole, unreachable or prohibited") \
	X(DROP_DECAP_NOT_HA,    "drop: MN tunnel packet not from its home agent") \
	X(MN_ENCAP_OK,          "MN: encapsulated to the home agent") \
	X(MN_DECAP_OK,          "MN: decapsulated a packet from the home agent") \
	X(FWD_XDP_TX,           "forwarded back out of the arrival interface (XDP_TX)") \
	X(FWD_REDIRECT,         "forwarded to another interface (redirect)") \
	X(FWD_SAME_DEV,         "tc: next hop rewritten, left on its device") \
	X(PASS_MN_AT_HOME,      "MN: at home, HoA traffic sent without a tunnel") \
	X(DROP_NO_PTB_FOR_ICMP_ERR, "drop: too big for the tunnel, and an ICMPv6 error (no PTB for it)") \
	X(FWD_REDIRECT_NEIGH,   "tc: outer header routed by the kernel (bpf_redirect_neigh)") \
	X(PASS_ND_FOR_HOA,      "pass: Neighbour Discovery to a bound HoA (kernel proxy answers)") \
	X(PASS_BINDING_EXPIRED, "pass: binding past its lifetime, not used (agent not running?)") \
	X(DROP_BINDING_EXPIRED, "drop: reverse tunnel for a binding past its lifetime") \
	X(NH_HIT,               "next-hop cache hit (no FIB lookup)") \
	X(NH_MISS,              "next-hop cache miss or stale generation (FIB lookup)") \
	X(NH_FILL_FAILED,       "next-hop cache: storing a FIB answer failed") \
	X(DROP_BAD_COA,         "drop: binding's CoA is multicast, link-local, loopback, unspecified, the HA or in the home prefix") \
	X(DROP_NO_PTB_BAD_SRC,  "drop: too big for the tunnel, source the HA itself, multicast or unspecified (no PTB)") \
	X(DROP_PTB_RATE_LIMITED,"drop: too big for the tunnel, Packet Too Big rate limit reached (RFC 4443 2.4(f))") \
	X(DROP_INNER_SCOPE,     "drop: tunnelled packet to a multicast, link-local, loopback or unspecified destination") \
	X(DROP_TUNNELLED_ND,    "drop: Neighbour Discovery (or MN: hop limit 255) inside a tunnel (would pass as on-link)") \
	X(DROP_TUNNELLED_MH,    "drop: Mobility Header to the HA inside the reverse tunnel") \
	X(DROP_DECAP_NOT_HOA,   "drop: MN tunnel packet whose inner destination is not the HoA") \
	X(PASS_FRAGMENT,        "pass: fragmented signalling or tunnel packet (kernel reassembles)") \
	X(FALLBACK_SRC_SCOPE,   "fallback to kernel: source link-local, multicast, loopback or unspecified (not tunnelled)") \
	X(RETUNNEL_OK,          "reverse-tunnelled packet for another bound HoA, tunnelled on to its CoA") \
	X(DROP_ENCAP_UNKNOWN,   "drop: binding's encapsulation unknown to this datapath (agent newer than the programs?)") \
	X(DROP_SIGNAL_RATE_LIMITED, "drop: signalling over its source's rate limit (per /64, per IPv4 address)") \
	X(SIGNAL_SRC_NEW,       "signalling from a source without a rate-limit bucket: bucket made") \
	X(SIGNAL_WAKEUP_FORCED, "signalling ring: agent woken early, XMIP_SIGNAL_WAKEUP_BYTES pending") \
	X(RO_RH2_OK,            "CN: type-2 routing header inserted, sent to the care-of address") \
	X(RO_HAO_RESTORED,      "CN: Home Address option from the bound CoA removed, source = HoA") \
	X(RO_PASS_NO_BINDING,   "CN: packet to an address without a correspondent binding, sent as it is") \
	X(RO_PASS_OTHER_SRC,    "CN: to a bound HoA from another address than the CN's, sent as it is") \
	X(RO_PASS_MH_ND,        "CN: Mobility Header or Neighbour Discovery to a bound HoA, sent as it is (RFC 6275 6.1, 9.3.2)") \
	X(RO_FALLBACK_LAYOUT,   "CN: to a bound HoA with a routing or Hop-by-Hop header, sent as it is (via the home agent)") \
	X(RO_FALLBACK_TOO_BIG,  "CN: to a bound HoA, no room for the routing header (MTU, UDP GSO), sent as it is") \
	X(RO_DROP_HAO_NO_BINDING, "CN: drop: Home Address option without a binding, or not from its CoA (Binding Error 1)") \
	X(RO_DROP_HAO_BAD_HOA,  "CN: drop: Home Address option with a home address that is not unicast routable") \
	X(RO_DROP_HAO_LAYOUT,   "CN: drop: Home Address option not alone in the first Destination Options header") \
	X(RO_DROP_RH2_TO_CN,    "CN: drop: type-2 routing header to the CN (it is no mobile node)")

enum xmip_stat {
#define XMIP_STAT_ENUM(name, desc) XMIP_STAT_##name,
	XMIP_STAT_LIST(XMIP_STAT_ENUM)
#undef XMIP_STAT_ENUM
	XMIP_STAT__MAX
};

/*
 * Slots in xmip_stats. Larger than the list so that a build which appends
 * counters can re-attach over the maps an older build pinned (a pinned
 * map is reused only if its size matches) without losing its bindings.
 */
#define XMIP_STAT_SLOTS 128
_Static_assert(XMIP_STAT__MAX <= XMIP_STAT_SLOTS, "xmip_stats: raise XMIP_STAT_SLOTS");

#endif /* XMIP_MAPS_H */
