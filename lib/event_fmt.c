// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Monitor events as text and JSON; the record check every reader uses. */
#include "event_fmt.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "family_names.h"
#include "xmip_maps.h"

static const char *const type_names[] = {
#define XMIP_EVENT_NAME(id, name, desc) name,
	XMIP_EVENT_LIST(XMIP_EVENT_NAME)
#undef XMIP_EVENT_NAME
};

const char *xmip_event_type_name(unsigned int type)
{
	return type < XMIP_EV__MAX ? type_names[type] : "unknown";
}

int xmip_event_decode(const void *buf, size_t len, struct xmip_event *out)
{
	const struct xmip_event *in = buf;

	memset(out, 0, sizeof(*out));
	if (len < offsetof(struct xmip_event, fields) || in->version != XMIP_EVENT_VERSION)
		return -1;
	memcpy(out, buf, len < sizeof(*out) ? len : sizeof(*out));
	out->status_name[sizeof(out->status_name) - 1] = '\0';
	out->id[sizeof(out->id) - 1] = '\0';
	return 0;
}

static const char *role_name(unsigned int role)
{
	return role == XMIP_ROLE_HA ? "ha" : role == XMIP_ROLE_MN ? "mn" :
	       role == XMIP_ROLE_CN ? "cn" : "none";
}

/* IPv4-mapped addresses as dotted quads: they stand for IPv4 ones. */
static const char *addr_str(const __u8 a[16], char *buf, size_t len)
{
	static const __u8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return inet_ntop(AF_INET, a + 12, buf, (socklen_t)len) ? buf : "?";
	return inet_ntop(AF_INET6, a, buf, (socklen_t)len) ? buf : "?";
}

static void time_str(__u64 ns, char *buf, size_t len, bool iso)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char hms[32];

	gmtime_r(&s, &tm);
	strftime(hms, sizeof(hms), iso ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03u%s", hms, (unsigned int)(ns % 1000000000ull / 1000000),
		 iso ? "Z" : "");
}

void xmip_event_print_text(FILE *f, const char *instance, const struct xmip_event *ev)
{
	char a[INET6_ADDRSTRLEN], t[48];

	time_str(ev->time_ns, t, sizeof(t), false);
	fprintf(f, "%s %s %s %s %s", t, instance, xmip_fam_name(ev->family),
		role_name(ev->role), xmip_event_type_name(ev->type));
	if (ev->fields & XMIP_EVF_HOA)
		fprintf(f, " hoa %s", addr_str(ev->hoa, a, sizeof(a)));
	if (ev->fields & XMIP_EVF_COA) {
		fprintf(f, " coa %s", addr_str(ev->coa, a, sizeof(a)));
		if (ev->fields & XMIP_EVF_PORTS)
			fprintf(f, " port %u", ev->coa_port);
	}
	if (ev->fields & XMIP_EVF_PREV_COA) {
		fprintf(f, " prev-coa %s", addr_str(ev->prev_coa, a, sizeof(a)));
		if (ev->fields & XMIP_EVF_PORTS)
			fprintf(f, " prev-port %u", ev->prev_port);
	}
	if (ev->fields & XMIP_EVF_PEER)
		fprintf(f, " peer %s", addr_str(ev->peer, a, sizeof(a)));
	if (ev->fields & XMIP_EVF_LIFETIME)
		fprintf(f, " lifetime %u", ev->lifetime_s);
	if (ev->fields & XMIP_EVF_SEQ)
		fprintf(f, " seq %u", ev->seq);
	if (ev->fields & XMIP_EVF_STATUS)
		fprintf(f, " status %u (%s)", ev->status, ev->status_name);
	if (ev->fields & XMIP_EVF_COUNT)
		fprintf(f, " count %u", ev->count);
	if (ev->fields & XMIP_EVF_ID)
		fprintf(f, " id %s", ev->id);
	fputc('\n', f);
}

static void json_addr(struct xmip_json *j, const char *key, const __u8 a[16])
{
	char buf[INET6_ADDRSTRLEN];

	xmip_json_key(j, key);
	xmip_json_str(j, addr_str(a, buf, sizeof(buf)));
}

static void json_u64(struct xmip_json *j, const char *key, __u64 v)
{
	xmip_json_key(j, key);
	xmip_json_u64(j, v);
}

void xmip_event_json(struct xmip_json *j, const char *instance, const struct xmip_event *ev)
{
	char t[48];

	time_str(ev->time_ns, t, sizeof(t), true);
	xmip_json_obj_open(j);
	xmip_json_key(j, "time");
	xmip_json_str(j, t);
	json_u64(j, "time_ns", ev->time_ns);
	xmip_json_key(j, "instance");
	xmip_json_str(j, instance);
	xmip_json_key(j, "family");
	xmip_json_str(j, xmip_fam_name(ev->family));
	xmip_json_key(j, "role");
	xmip_json_str(j, role_name(ev->role));
	xmip_json_key(j, "type");
	xmip_json_str(j, xmip_event_type_name(ev->type));
	if (ev->fields & XMIP_EVF_HOA)
		json_addr(j, "hoa", ev->hoa);
	if (ev->fields & XMIP_EVF_COA)
		json_addr(j, "coa", ev->coa);
	if (ev->fields & XMIP_EVF_PREV_COA)
		json_addr(j, "prev_coa", ev->prev_coa);
	if (ev->fields & XMIP_EVF_PEER)
		json_addr(j, "peer", ev->peer);
	if (ev->fields & XMIP_EVF_PORTS) {
		json_u64(j, "coa_port", ev->coa_port);
		json_u64(j, "prev_port", ev->prev_port);
	}
	if (ev->fields & XMIP_EVF_LIFETIME)
		json_u64(j, "lifetime", ev->lifetime_s);
	if (ev->fields & XMIP_EVF_SEQ)
		json_u64(j, "seq", ev->seq);
	if (ev->fields & XMIP_EVF_STATUS) {
		json_u64(j, "status", ev->status);
		xmip_json_key(j, "status_name");
		xmip_json_str(j, ev->status_name);
	}
	if (ev->fields & XMIP_EVF_COUNT)
		json_u64(j, "count", ev->count);
	if (ev->fields & XMIP_EVF_ID) {
		xmip_json_key(j, "id");
		xmip_json_str(j, ev->id);
	}
	xmip_json_obj_close(j);
}
