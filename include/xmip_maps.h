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
 * per role"): HA bindings, replay, ident, fwtable, nexthops, nh_gen, signal, stats; MN
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
#define XMIP_MAP_FWTABLE  "xmip_fwtable"
#define XMIP_MAP_MNP      "xmip_mnp"       /* HA: NEMO mobile network prefix -> MR's HoA */
/* The HA's clock program (a BPF_PROG_TYPE_SYSCALL program, pinned by
 * `xmip attach`): run by the writers of xmip_fwtable to read jiffies. */
#define XMIP_PIN_CLOCK    "xmip_clock"
/* Marker pin (the tc ingress program) of an HA interface, in every mode. */
#define XMIP_PIN_TC_PREFIX "tc_"
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
	XMIP_ROLE_NTM  = 4,   /* NTMobile node: signalling and its tc tunnel datapath (xmip_ntm.bpf.c) */
	XMIP_ROLE_FA   = 5,   /* Mobile IPv4 foreign agent: signalling, tc datapath (xmip_mip4.bpf.c) */
	XMIP_ROLE_MN4  = 6,   /* Mobile IPv4 mobile node: signalling, tc datapath when co-located */
	XMIP_ROLE_RS   = 7,   /* NTMobile Relay Server (RS-S and RS-N): XDP relay table */
	XMIP_ROLE_CN   = 8,   /* correspondent node with route optimisation (RFC 6275 §9) */
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
	__u16 tunnel_mtu;      /* largest inner packet the tunnel carries (0: 1280) */
	__u32 mode;            /* XMIP_HA_MODE_*: how the HA is attached */
	__u32 fw_seed;         /* xmip_fwtable's hash seed (its header's, read at attach) */
	__u32 fw_mask;         /* xmip_fwtable's slots - 1 (a power of two - 1) */
	__be32 self_addr4;     /* the HA's IPv4 address ([dsmip] ipv4-address; 0: none):
				* outer source of IPv4 tunnels, destination of reverse ones */
};

/* How the HA's programs are attached (xdp-mode). The tc programs are attached in both. */
#define XMIP_HA_MODE_XDP 0     /* native XDP fast path; tc ingress takes what XDP passes it */
#define XMIP_HA_MODE_TC  1     /* tc ingress alone (drivers without XDP, GSO/GRO traffic) */

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
#define XMIP_MN_F_RO_LEARN 0x2 /* [ro] learn-correspondents: report new destinations (bpf/ro/mn.h) */

struct xmip_mn_runstate {
	__u8  coa[16];         /* current care-of address (:: at home) */
	__u8  ha[16];          /* the home agent's address */
	__u32 coa_ifindex;     /* interface holding the CoA */
	__u32 flags;           /* XMIP_MN_F_* */
	__u8  gw_mac[6];       /* the CoA link's router (next hop to the HA); 0: not known */
	__u16 pad;
	/* DSMIPv6 (RFC 5555, docs/dsmip.md "Mobile node"); appended, all zero = MIPv6 only */
	__u8  mode;            /* enum xmip_mn_mode: how tunnel packets reach the HA */
	__u8  pad2[3];
	__be32 coa4;           /* IPv4 care-of address (modes ipv4, udp4) */
	__be32 ha4;            /* the home agent's IPv4 address (modes ipv4, udp4) */
	__be32 hoa4;           /* IPv4 home address the HA acknowledged; 0: none */
	__be16 sport;          /* udp4: our UDP source port (4191; the NAT maps it) */
	__be16 dport;          /* udp4: the HA's UDP port (4191) */
};

/* How the MN tunnels to its HA, as the last Binding Acknowledgement chose. */
enum xmip_mn_mode {
	XMIP_MN_MODE_IP6  = 0,  /* IPv6 CoA: IPv6-in-IPv6, IPv4-in-IPv6 (RFC 6275, RFC 5555 §4.4.1) */
	XMIP_MN_MODE_IPV4 = 1,  /* IPv4 CoA, no NAT, no F: IPv6-in-IPv4 (41), IPv4-in-IPv4 (4) */
	XMIP_MN_MODE_UDP4 = 2,  /* IPv4 CoA behind a NAT or F: IPv6/IPv4 in UDP 4191 in IPv4 */
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
	__u8  pad;
	__u16 path_mtu;        /* learnt from a Packet Too Big about the tunnel, for the
				* inner packet (RFC 2473 §7); Mobile IPv4 (encap 4-6):
				* the path MTU to the tunnel end, for the outer packet,
				* from a Fragmentation Needed (RFC 2003 §5.1); the
				* datapath takes each packet's overhead off. 0: not learnt */
};

/*
 * How a binding's packets are carried to its care-of address; the HA's
 * entry hands a packet for a bound home address to the handler of this
 * encapsulation. 0 is what bindings written before the field existed hold
 * (the field was padding), so it must stay IPv6-in-IPv6.
 */
enum xmip_encap {
	XMIP_ENCAP_IP6IP6 = 0,   /* IPv6 outer (RFC 2473): IPv6-in-IPv6, Mobile IPv6 home
				  * registration; for an IPv4 key (::ffff:a.b.c.d, an IPv4
				  * home address) IPv4-in-IPv6, next header 4 (RFC 5555 §4.1) */
	XMIP_ENCAP_RH2    = 1,   /* correspondent binding (RFC 6275 §9.3.2): the node's own
				  * packets to the HoA get a type-2 routing header and go to
				  * the CoA; never used to intercept others' packets */
	/* values 2..3 are enum xmip_dsmip_encap's (include/xmip_dsmip.h). */
	XMIP_ENCAP_IP4    = 2,   /* IPv4 outer to an IPv4 CoA (::ffff:a.b.c.d in coa):
				  * IPv6-in-IPv4 (protocol 41) or IPv4-in-IPv4 (4), RFC 5555 §4.1 */
	XMIP_ENCAP_UDP4   = 3,   /* IPv6 or IPv4 in UDP in IPv4 (RFC 5555 §4.1), from
				  * ipv4-address:4191 to the NAT's observed address and port:
				  * coa is ::PORT:ffff:a.b.c.d, XMIP_FW_UDP_PORT_OFF below */
	/* values 4..6: Mobile IPv4 (RFC 5944 §4.1; docs/mip4.md "Datapath"): an IPv4
	 * home address (key ::ffff:a.b.c.d) tunnelled from the HA's IPv4 address
	 * to coa ::ffff:a.b.c.d, or with a UDP port at XMIP_FW_UDP_PORT_OFF inside
	 * UDP 434 and the MIP Tunnel Data header (RFC 3519 §3.3) to the NAT. */
	XMIP_ENCAP_MIP4_IPIP   = 4,   /* IP-in-IP (RFC 2003), protocol 4 */
	XMIP_ENCAP_MIP4_MINENC = 5,   /* minimal encapsulation (RFC 2004), protocol 55, S=1 */
	XMIP_ENCAP_MIP4_GRE    = 6,   /* GRE (RFC 2784), protocol 47, type 0x0800, no options */
};

/*
 * A Mobile IPv4 record (encap XMIP_ENCAP_MIP4_*) in xmip_bindings carries
 * the registration's flags in bu_flags (there is no BU): these bits, none
 * of which is a XMIP_BU_F_* the MIPv6 code reads (F_L is 0x2000). seq is
 * the low 16 bits of the registration's Identification.
 */
#define XMIP_MIP4_REC_REVERSE   0x0001   /* T granted: accept the reverse tunnel (RFC 3024) */
#define XMIP_MIP4_REC_COLOCATED 0x0002   /* D: the MN decapsulates; else the FA at coa */
#define XMIP_MIP4_REC_UDP       0x0004   /* RFC 3519 tunnelling (coa carries the NAT's port) */
#define XMIP_MIP4_REC_NAT       0x0008   /* ... because the HA saw a NAT (else forced, F) */

/*
 * XMIP_ENCAP_UDP4: the tunnel's far end is an IPv4 address *and* a UDP
 * port, and the 64-octet slot has no spare room. The port (network order)
 * sits in octets 8-9 of coa, which are zero in an IPv4-mapped address
 * (::PORT:ffff:a.b.c.d); the binding record (xmip_bindings) carries it the
 * same way. Nothing else uses an address of that form.
 */
#define XMIP_FW_UDP_PORT_OFF 8

/*
 * xmip_mnp, LPM_TRIE: a mobile network prefix registered by a mobile
 * router (RFC 3963 §6.2) -> the router's home address, whose
 * xmip_fwtable slot the datapath then uses (expiry and CoA come from
 * there). Consulted only when the exact home-address lookup misses.
 */
#define XMIP_MNP_MAX 4096
struct xmip_mnp_key {
	__u32 prefixlen;       /* LPM trie: bits of prefix that count */
	__u8  prefix[16];
};

struct xmip_mnp_val {
	__u8  hoa[16];         /* the mobile router's home address */
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
 * xmip_fwtable: the HA datapath's fast-path index of the bindings
 * (docs/DESIGN.md, "The fast-path table"). xmip_bindings stays the
 * authoritative record (agent, CLI, restart, bpftool); this is derived
 * from it by the writers (lib/fwtable.c) and carries, per home address,
 * everything a packet to it needs, prepared by the agent: the CoA, the
 * output interface, source and next-hop MACs, the path MTU, the expiry in
 * jiffies. An open-addressed table in an mmapable ARRAY of 64-octet
 * slots, one cache line each: element 0 is the header, the slots of key
 * k are 1 + ((hash(k) + i) & mask), i < XMIP_FW_PROBE.
 *
 * Writers never change a live slot: a new version goes into a free slot
 * of the window, its state stored last (release); the old one is retired
 * and reused only after XMIP_FW_QUARANTINE_MS. The datapath reads the
 * state, then the key, then copies the fields once.
 */
#define XMIP_FW_MAGIC          0x786d6677u   /* "xmfw" */
#define XMIP_FW_VERSION        1
#define XMIP_FW_PROBE          16            /* slots a key may be placed in */
#define XMIP_FW_QUARANTINE_MS  100           /* a retired slot is not reused before */

/* Slot states. */
#define XMIP_FW_EMPTY     0    /* never used since the last sweep: a lookup stops here */
#define XMIP_FW_VALID     1    /* the current version of its key */
#define XMIP_FW_REPLACED  2    /* an older version, retired by a newer one (quarantine):
				* still whole, used only when no VALID one is found */
#define XMIP_FW_DELETED   3    /* retired by a delete (quarantine): never used */
#define XMIP_FW_DEAD      4    /* reusable; a lookup goes on past it */

/* Slot flags. */
#define XMIP_FW_F_NH        0x01   /* ifindex, smac, dmac hold a resolved next hop */
#define XMIP_FW_F_LINKLOCAL 0x02   /* key is a bound MN's link-local address: not tunnelled,
				    * Destination Unreachable code 3 (RFC 6275 §10.4.2) */
#define XMIP_FW_F_REVERSE   0x04   /* Mobile IPv4: reverse tunnel granted (T, RFC 3024) */

struct xmip_fw_slot {
	__u8  state;           /* XMIP_FW_*; written last by the writer (release) */
	__u8  flags;           /* XMIP_FW_F_* */
	__u8  encap;           /* enum xmip_encap */
	__u8  pad;
	__u16 retired_ms;      /* writer only: CLOCK_MONOTONIC ms (mod 2^16) of retirement */
	__u16 mtu;             /* largest inner packet for this CoA; 0: the instance's */
	__u8  key[16];         /* home address (an IPv4 one as ::ffff:a.b.c.d) */
	__u8  coa[16];         /* outer destination */
	__u64 expires;         /* jiffies (bpf_jiffies64) at which the binding is dead */
	__u32 ifindex;         /* output interface (XMIP_FW_F_NH) */
	__u8  smac[6];         /* its MAC */
	__u8  dmac[6];         /* the next hop's MAC */
};

/* Element 0 of xmip_fwtable. */
struct xmip_fw_hdr {
	__u32 magic;           /* XMIP_FW_MAGIC */
	__u32 version;         /* XMIP_FW_VERSION */
	__u32 nslots;          /* slots after the header, a power of two */
	__u32 seed;            /* hash seed, chosen when the table was made */
	__u64 nh_lease;        /* jiffies until which XMIP_FW_F_NH next hops are trusted:
				* renewed by the HA agent every second; past it, packets
				* take the tc path, where the kernel resolves next hops */
	__u32 hz;              /* kernel HZ (jiffies per second), measured at attach */
	__u32 pad;
	__u64 gen;             /* writes so far (monitoring) */
	__u8  rsvd[24];
};

_Static_assert(sizeof(struct xmip_fw_slot) == 64, "xmip_fw_slot: one cache line");
_Static_assert(sizeof(struct xmip_fw_hdr) == 64, "xmip_fw_hdr: one slot");

/* The table's hash (the datapath and lib/fwtable.c compute it alike): the
 * key as four 32-bit words as they lie in memory, mixed with the seed. */
static inline __attribute__((always_inline)) __u32 xmip_fw_hash(const void *key, __u32 seed)
{
	const __u32 *w = (const __u32 *)key;
	__u64 h = ((__u64)seed << 32 | seed) ^ 0x9e3779b97f4a7c15ull;

	h = (h ^ w[0]) * 0xff51afd7ed558ccdull;
	h = (h ^ w[1]) * 0xc4ceb9fe1a85ec53ull;
	h = (h ^ w[2]) * 0xff51afd7ed558ccdull;
	h = (h ^ w[3]) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (__u32)(h ^ (h >> 32));
}

/* Context of the clock program (SEC("syscall"), run by BPF_PROG_RUN): filled in by it. */
struct xmip_clock_ctx {
	__u64 jiffies;         /* bpf_jiffies64() */
	__u64 mono_ns;         /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 boot_ns;         /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME */
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
	XMIP_FAMILY_DSMIP  = 2,   /* DSMIPv6 (UDP 4191, RFC 5555; include/xmip_dsmip.h) */
	XMIP_FAMILY_MIP4   = 3,   /* Mobile IPv4 (UDP 434, RFC 5944): HA, FA, MN (agentd/mip4/) */
	XMIP_FAMILY_NTM    = 4,   /* NTMobile (docs/ntmobile.md): DC, node; relay later */
	XMIP_FAMILY_RO     = 5,   /* route optimisation (RFC 6275 §5.2, §9): correspondent */
	/* Not a family: a report of the datapath itself for the agent's core,
	 * an ICMPv6 error from the tunnel path quoting one of our tunnel
	 * packets (Packet Too Big: path MTU; Destination Unreachable, Time
	 * Exceeded: relayed), or an ICMP Fragmentation Needed from inside a
	 * Mobile IPv4 tunnel (the tunnel's MTU, RFC 2003 §5.1; the datapath
	 * relays it itself). The record carries the packet from its IPv6 or
	 * IPv4 header on (the version tells), cut at XMIP_ICMP_REPORT_MAX octets. */
	XMIP_FAMILY_ICMP_REPORT = 254,
	/* Not a family either: the MN's tc egress reverse-tunnelled a packet
	 * from the home address to a destination it had not reported yet
	 * (bpf/ro/mn.h, [ro] learn-correspondents); the record carries that
	 * packet's IPv6 header (40 octets). The core hands it to the families'
	 * ro_learn operation. */
	XMIP_FAMILY_RO_LEARN = 253,
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
/* What of an ICMPv6 error an XMIP_FAMILY_ICMP_REPORT record carries: its IPv6
 * and ICMPv6 headers, the quoted tunnel header and the quoted inner packet's
 * first 160 octets. */
#define XMIP_ICMP_REPORT_MAX 256
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
	X(FALLBACK_NH_TO_TC,    "pass: next hop not prepared (or the agent's lease ran out): the original packet to the tc path") \
	X(DU_SENT,              "ICMPv6 Destination Unreachable code 3 sent: packet to a bound MN's link-local address (RFC 6275 10.4.2)") \
	X(DROP_DU_RATE_LIMITED, "drop: packet to a bound MN's link-local address, ICMPv6 error rate limit reached") \
	X(ICMP_TO_AGENT,        "ICMPv6 error (or MIP4: ICMP Fragmentation Needed) from the tunnel path about a tunnel packet, to the agent (path MTU, relay)") \
	X(DROP_ICMP_REPORT_LIMITED, "drop: ICMPv6 error about a tunnel packet over its source's report rate or the per-CPU one (ring full: DROP_SIGNAL_NO_ROOM)") \
	X(PASS_RH_SEGS_LEFT,    "pass: routing header with segments left (not type 2): the HA is not the final destination") \
	X(DROP_EGRESS_TOO_BIG,  "drop: the HA's own packet to a bound HoA is larger than the tunnel MTU") \
	X(EGRESS_ENCAP_OK,      "the HA's own packet to a bound HoA tunnelled to its CoA (tc egress)") \
	X(RS_CONTROL,           "RS: NTMobile control message passed to the agent's socket") \
	X(RS_S_RELAYED,         "RS-S: tunnel packet switched to the path's other leg") \
	X(RS_N_DECAP_NAT,       "RS-N: decapsulated and translated toward the General Node") \
	X(RS_N_REV_NAT,         "RS-N: General Node's packet translated and tunnelled to the node") \
	X(RS_N_ICMP_ERR,        "RS-N: ICMP error about a flow translated and tunnelled to the node") \
	X(RS_N_NEW_FLOW,        "RS-N: first packet of an inner flow passed to the agent (pool port)") \
	X(RS_FIB_LOOKUP,        "RS: relay entry without next-hop MACs, FIB asked") \
	X(DROP_RS_UNKNOWN_PATH, "drop: RS tunnel packet with an unknown path ID") \
	X(DROP_RS_UNKNOWN_SOURCE, "drop: RS tunnel packet of a known path from an unknown source address or port") \
	X(DROP_RS_BAD_TUNNEL,   "drop: RS: not NTMobile (first octet), or bad tunnel header (reserved, next header)") \
	X(DROP_RS_N_NO_FLOW,    "drop: RS-N: packet to a pool port with no flow from that source and port") \
	X(DROP_RS_N_BAD_INNER,  "drop: RS-N: inner addresses are not the path's virtual addresses") \
	X(DROP_RS_N_PROTO,      "drop: RS-N: inner packet not TCP, UDP or ICMP echo (fragment, IPv6 extension header)") \
	X(DROP_RS_TTL,          "drop: RS: TTL or hop limit exhausted") \
	X(DROP_RS_NO_CSUM,      "drop: RS: UDP without checksum cannot be carried over IPv6") \
	X(DROP_RS_BAD_ENTRY,    "drop: RS: relay entry unusable (mixed address families, wrong kind)") \
	X(DROP_SIGNAL_BUDGET,   "drop: signalling for no binding over the per-CPU budget of all such sources") \
	X(MN_ENCAP4_OK,         "MN: encapsulated to the home agent's IPv4 address (IPv4, UDP) or IPv4 in IPv6") \
	X(MN_DECAP4_OK,         "MN: decapsulated an IPv4/UDP (or IPv4-in-IPv6) tunnel packet from the home agent") \
	X(MN_SIGNAL_UDP,        "MN: Binding Acknowledgement in UDP 4191 from the home agent passed to the agent's socket") \
	X(DROP_DECAP4_NOT_HA,   "drop: MN IPv4/UDP tunnel packet not from the home agent's address and port 4191") \
	X(DROP_DECAP4_NOT_HOA,  "drop: MN IPv4 tunnel packet whose inner destination is not a home address") \
	X(PASS_MN_NOT_TUNNEL4,  "pass: IPv4 to the MN's IPv4 care-of address, not a tunnel from the HA (left to the kernel)") \
	X(DSMIP_ENCAP_OK,       "DSMIPv6: packet to a bound HoA tunnelled over IPv4 (41, 4, UDP 4191) or IPv4-in-IPv6") \
	X(DSMIP_DECAP_OK,       "DSMIPv6: reverse-tunnelled packet from an IPv4 CoA (41, 4, UDP 4191) decapsulated, to the kernel") \
	X(DSMIP_SIGNAL_PASS,    "DSMIPv6: UDP 4191 carrying a Mobility Header to the HA (BU, keepalive): to the agent's socket") \
	X(DROP_DSMIP_SPOOFED,   "drop: DSMIPv6 reverse tunnel from an outer address or port that is not the inner source's binding's") \
	X(DROP_DSMIP_UNKNOWN_HOA, "drop: DSMIPv6 reverse tunnel (41, 4, UDP 4191) whose inner source has no live binding") \
	X(DROP_DSMIP_NOT_TUNNEL, "drop: UDP 4191 to the HA neither signalling nor an IPv4/IPv6 packet (bad inner header or length)") \
	X(DROP_DSMIP_TOO_BIG,   "drop: IPv4 packet without DF larger than the tunnel MTU (not fragmented)") \
	X(FRAG_NEEDED_SENT,     "ICMP Fragmentation Needed sent: IPv4 packet with DF larger than the tunnel MTU") \
	X(DROP_FRAG_NEEDED_LIMITED, "drop: IPv4 packet with DF too big for the tunnel, ICMP rate limit reached or no answer possible") \
	X(DROP_DSMIP_ECN,       "drop: outer CE on a not-ECT inner packet at decapsulation (RFC 6040 4.2)") \
	X(RO_RH2_OK,            "CN: type-2 routing header inserted, sent to the care-of address") \
	X(RO_HAO_RESTORED,      "CN: Home Address option from the bound CoA removed, source = HoA") \
	X(RO_PASS_NO_BINDING,   "CN: packet to an address without a correspondent binding, sent as it is") \
	X(RO_PASS_OTHER_SRC,    "CN: to a bound HoA from another address than the CN's, sent as it is") \
	X(RO_PASS_MH_ND,        "CN: Mobility Header or Neighbour Discovery to a bound HoA, sent as it is (RFC 6275 6.1, 9.3.2)") \
	X(RO_FALLBACK_LAYOUT,   "CN: to a bound HoA with a routing or Hop-by-Hop header, sent as it is (via the home agent)") \
	X(RO_FALLBACK_TOO_BIG,  "CN: to a bound HoA, no room for the routing header (MTU, UDP GSO), sent as it is") \
	X(RO_DROP_HAO_NO_BINDING, "CN: drop: Home Address option without a binding, or not from its CoA (Binding Error 1)") \
	X(RO_DROP_HAO_BAD_HOA,  "CN: drop: Home Address option with a home address that is not unicast routable") \
	X(RO_DROP_HAO_LAYOUT,   "CN: drop: Home Address option not alone in one Destination Options header right after the IPv6 header") \
	X(RO_DROP_RH2_TO_CN,    "CN: drop: type-2 routing header to the CN (it is no mobile node)") \
	X(NTM_ENCAP_OK,         "NTM node: packet to a peer virtual address put into its UDP tunnel") \
	X(NTM_DECAP_OK,         "NTM node: tunnel packet of a known tunnel decapsulated, to the kernel") \
	X(NTM_CONTROL,          "NTM node: NTMobile control message passed to the agent's socket") \
	X(NTM_CSUM_ZERO,        "NTM node: outer UDP checksum left zero (GSO packet, or an inner packet whose sum is unknown)") \
	X(DROP_NTM_NO_TUNNEL,   "drop: NTM node: packet on the virtual interface to an address with no tunnel") \
	X(DROP_NTM_BAD_SRC,     "drop: NTM node: packet into a tunnel whose source is not the node's virtual address") \
	X(DROP_NTM_UNKNOWN_TUNNEL, "drop: NTM node: tunnel packet from an unknown address, port or path ID") \
	X(DROP_NTM_BAD_TUNNEL,  "drop: NTM node: bad tunnel header (first octet, reserved, next header)") \
	X(DROP_NTM_SPOOFED,     "drop: NTM node: inner source not the tunnel's peer, or inner destination not ours") \
	X(NEMO_PREFIX_HIT,      "HA: destination or reverse-tunnel inner source in a registered mobile network prefix (RFC 3963), its router's binding used") \
	X(RO_MN_HAO_OK,         "MN: packet to a correspondent with a binding sent from the CoA with a Home Address option (RFC 6275 11.3.1)") \
	X(RO_MN_FALLBACK_TUNNEL, "MN: to a bound correspondent but no room for the Home Address option (MTU, UDP GSO) or a Hop-by-Hop/routing header: tunnelled") \
	X(RO_MN_RH2_RESTORED,   "MN: type-2 routing header carrying our HoA removed, destination = HoA (RFC 6275 11.3.3)") \
	X(RO_MN_DROP_RH2,       "MN: drop: type-2 routing header not carrying our HoA, not right after the IPv6 header, or while at home") \
	X(RO_MN_SIGNAL_TUNNEL,  "MN: our Mobility Header from the HoA (HoTI) reverse-tunnelled through the home agent (RFC 6275 5.2.5)") \
	X(RO_HA_HAO_RESTORED,   "HA: Home Address option from the CoA of a bound home address removed, source = HoA (RFC 6275 9.3.1)") \
	X(RO_HA_DROP_HAO,       "HA: drop: Home Address option without a live home binding from that CoA (Binding Error 1) or not alone right after the IPv6 header") \
	X(RO_HA_RH2_OK,         "HA: its own packet to a HoA that used a Home Address option sent with a type-2 routing header to the CoA") \
	X(MIP4_ENCAP_OK,        "MIP4: packet to a bound IPv4 home address tunnelled (IP-in-IP, minimal, GRE; in UDP 434)") \
	X(MIP4_DECAP_OK,        "MIP4: reverse-tunnelled packet (4, 55, 47, UDP 434 type 4) decapsulated, to the kernel") \
	X(MIP4_SIGNAL_PASS,     "MIP4: UDP 434 to the HA that is not tunnel data (registration): to the agent's socket") \
	X(MIP4_MINENC_AS_IPIP,  "MIP4: minimal encapsulation impossible (fragment, IP options, GSO): IP-in-IP instead (RFC 2004 3)") \
	X(DROP_MIP4_SPOOFED,    "drop: MIP4 reverse tunnel from an outer address or port, or of an encapsulation, not the inner source's binding's") \
	X(DROP_MIP4_UNKNOWN_HOA, "drop: MIP4 reverse tunnel (4, 55, 47, UDP 434) whose inner source has no live binding") \
	X(DROP_MIP4_NO_REVERSE, "drop: MIP4 reverse-tunnelled packet for a binding registered without T (RFC 3024)") \
	X(DROP_MIP4_BAD_TUNNEL, "drop: MIP4 tunnel header malformed (GRE flags or version, minimal checksum, type-4 next header, lengths)") \
	X(MIP4_NODE_DECAP_OK,   "MIP4 MN/FA: tunnel from the home agent decapsulated (MN: up the stack; FA: to the visitor)") \
	X(MIP4_NODE_ENCAP_OK,   "MIP4 MN/FA: packet from a home address reverse-tunnelled to its home agent (RFC 3024)") \
	X(DROP_MIP4_NODE_NOT_HA, "drop: MIP4 MN/FA: tunnel for a registered home address not from its home agent (address, port, encapsulation)") \
	X(PASS_MIP4_NODE,       "pass: MIP4 MN/FA: neither a tunnel for a registered home address nor its reverse-tunnelled traffic") \
	X(MIP4_ICMP_RELAYED,    "MIP4: ICMP error from inside a tunnel relayed to the original sender (RFC 2003 4)") \
	X(PASS_MIP4_ICMP,       "pass: MIP4: ICMP error about a tunnel packet not relayed (code, no binding, rate; quote too short: PASS_MIP4_ICMP_SHORT): to the kernel") \
	X(PASS_MIP4_ICMP_TO_TC, "pass: MIP4: XDP handed an ICMP error about a tunnel packet to tc ingress, which relays it or not") \
	X(RS_CSUM_ZERO,         "RS: tunnel data over IPv6 with a zero UDP checksum accepted (RFC 6935; docs/ntmobile.md section 8)") \
	X(NTM_CSUM_ZERO_RX,     "NTM node: tunnel data over IPv6 with a zero UDP checksum accepted (RFC 6935)") \
	X(DROP_NTM_NO_CSUM,     "drop: NTM node: control message over IPv6 with a zero UDP checksum (RFC 6936 §5)") \
	X(RO_MN_LEARN_REPORT,   "MN: first tunnelled packet from the HoA to a destination without route optimisation reported to the agent (learn a correspondent)") \
	X(RO_MN_LEARN_LIMITED,  "MN: a new destination not reported to the agent: over the per-CPU report rate or the ring full (the next packet tries again)") \
	X(PASS_MIP4_ICMP_SHORT, "pass: MIP4: ICMP error about a tunnel packet whose quote is too short to relay (RFC 2003 5; minimal: forwarding header and 8 octets): to the kernel") \
	X(DROP_MIP4_REDIRECT,   "drop: ICMP Redirect from the HA to a bound IPv4 home address (it would go into the tunnel)")

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
#define XMIP_STAT_SLOTS 256
_Static_assert(XMIP_STAT__MAX <= XMIP_STAT_SLOTS, "xmip_stats: raise XMIP_STAT_SLOTS");

#endif /* XMIP_MAPS_H */
