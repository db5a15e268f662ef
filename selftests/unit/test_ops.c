// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the operations pieces: xmip_conf_check (every error with
 * its line and key, warnings only on a valid file), the monitor record
 * decoder, and the metrics registry's exposition text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "config.h"
#include "event_fmt.h"
#include "metrics.h"
#include "mip4_observe.h"
#include "xmip_events.h"
#include "xmip_maps.h"

struct seen {
	int  n;
	int  line[16];
	int  sev[16];
	char key[16][32];
	char msg[16][256];
};

static void collect(const struct xmip_conf_diag *d, void *arg)
{
	struct seen *s = arg;

	if (s->n == 16)
		return;
	s->line[s->n] = d->line;
	s->sev[s->n] = d->severity;
	snprintf(s->key[s->n], sizeof(s->key[0]), "%s", d->key ? d->key : "");
	snprintf(s->msg[s->n], sizeof(s->msg[0]), "%s", d->msg);
	s->n++;
}

static const char ha[] =
	"role = ha\n"                       /* 1 */
	"instance = home\n"                 /* 2 */
	"interface = eth0\n"                /* 3 */
	"address = 2001:db8:1::2\n"         /* 4 */
	"home-prefix = 2001:db8:1::/64\n"   /* 5 */
	"%s"                                /* 6 */
	"[mn mn1@example.org]\n"            /* 7 */
	"home-address = 2001:db8:1::100\n"  /* 8 */
	"spi = 256\n"                       /* 9 */
	"key = %s\n";                       /* 10 */

static int check(const char *line6, const char *key, struct seen *s)
{
	char buf[1024];

	memset(s, 0, sizeof(*s));
	snprintf(buf, sizeof(buf), ha, line6, key);
	return xmip_conf_check_buf("t.conf", buf, strlen(buf), collect, s);
}

static void test_check_every_error(void **state)
{
	struct seen s;

	(void)state;
	/* Two bad lines: both reported, and no cross-check echoes them. */
	assert_int_equal(check("tunnel-mtu = 99\n", "zz", &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.line[0], 6);
	assert_string_equal(s.key[0], "tunnel-mtu");
	assert_int_equal(s.sev[0], XMIP_CONF_ERROR);
	assert_int_equal(s.line[1], 10);
	assert_string_equal(s.key[1], "key");
	assert_non_null(strstr(s.msg[1], "is not hex"));
}

/* [ro] learn-* without learn-correspondents: valid, one warning per key. */
static void test_check_learn_keys_without_learning(void **state)
{
	static const char mn[] =
		"role = mn\ninstance = m\ninterface = eth0\nhome-address = 2001:db8:1::100\n"
		"home-agent = 2001:db8:1::2\nhome-prefix = 2001:db8:1::/64\nnai = m@x\n"
		"spi = 256\nkey = 00112233445566778899aabbccddeeff01234567\n"
		"[ro]\nlearn-max = 8\nlearn-idle = 30\n%s";     /* lines 10-12, 13 */
	struct seen s;
	char buf[1024];

	(void)state;
	memset(&s, 0, sizeof(s));
	snprintf(buf, sizeof(buf), mn, "");
	assert_int_equal(xmip_conf_check_buf("m.conf", buf, strlen(buf), collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.sev[0], XMIP_CONF_WARNING);
	assert_int_equal(s.line[0], 11);
	assert_string_equal(s.key[0], "learn-max");
	assert_string_equal(s.key[1], "learn-idle");
	assert_non_null(strstr(s.msg[0], "learn-correspondents is no"));
	memset(&s, 0, sizeof(s));
	snprintf(buf, sizeof(buf), mn, "learn-correspondents = yes\n");
	assert_int_equal(xmip_conf_check_buf("m.conf", buf, strlen(buf), collect, &s), 0);
	assert_int_equal(s.n, 0);
}

static void test_check_warnings_only_when_valid(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(check("max-lifetime = 30\n", "00112233445566778899aabbccddeeff", &s), 0);
	assert_int_equal(s.n, 1);               /* 30 s is not a multiple of 4 */
	assert_int_equal(s.sev[0], XMIP_CONF_WARNING);
	assert_int_equal(s.line[0], 6);
	assert_string_equal(s.key[0], "max-lifetime");
	assert_int_equal(check("max-lifetime = 32\n", "00112233", &s), 0);
	assert_int_equal(s.n, 1);               /* a 4-octet key */
	assert_int_equal(s.line[0], 10);
	assert_non_null(strstr(s.msg[0], "4 octets"));
	/* The same risky key in an invalid file: only the error. */
	assert_int_equal(check("max-lifetime = 3\n", "00112233", &s), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.sev[0], XMIP_CONF_ERROR);
	/* A header that fails skips its keys: one error, not one per key. */
	assert_int_equal(check("[bogus]\nfoo = 1\nbar = 2\n", "00112233445566778899aabbccddeeff",
			       &s), 1);
	assert_int_equal(s.line[0], 6);
}

static void test_metrics_key(void **state)
{
	struct xmip_conf c;
	char err[512];
	const char *good = "role = mn\ninstance = m\ninterface = e\nhome-address = 2001:db8:1::100\n"
			   "home-agent = 2001:db8:1::2\nhome-prefix = 2001:db8:1::/64\nnai = a@b\n"
			   "spi = 256\nkey = 00\n[agent]\nmetrics = [::1]:9741\n";
	const char *bad = "role = mn\nmetrics = ::1:9741\n";

	(void)state;
	assert_int_equal(xmip_conf_parse("m.conf", good, strlen(good), &c, err, sizeof(err)), 0);
	assert_true(c.metrics_on);
	assert_int_equal(c.metrics_addr.sa.sa_family, AF_INET6);
	assert_int_equal(ntohs(c.metrics_addr.in6.sin6_port), 9741);
	xmip_conf_free(&c);
	assert_int_equal(xmip_conf_parse("m.conf", bad, strlen(bad), &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "m.conf:2: metrics:"));
}

static void test_event_decode(void **state)
{
	struct xmip_event ev = { .version = XMIP_EVENT_VERSION, .type = XMIP_EV_REFUSED,
				 .fields = XMIP_EVF_STATUS, .status = 146 }, out;
	char big[sizeof(ev) + 100];

	(void)state;
	memset(ev.status_name, 'x', sizeof(ev.status_name));   /* no NUL: cut */
	assert_int_equal(xmip_event_decode(&ev, sizeof(ev), &out), 0);
	assert_int_equal(strlen(out.status_name), sizeof(out.status_name) - 1);
	/* An older, shorter record: the rest is zero. */
	assert_int_equal(xmip_event_decode(&ev, offsetof(struct xmip_event, hoa), &out), 0);
	assert_int_equal(out.status, 0);
	/* A newer, longer one: what we know. */
	memset(big, 0, sizeof(big));
	memcpy(big, &ev, sizeof(ev));
	assert_int_equal(xmip_event_decode(big, sizeof(big), &out), 0);
	assert_int_equal(out.status, 146);
	assert_int_equal(xmip_event_decode(&ev, 3, &out), -1);
	ev.version = 99;
	assert_int_equal(xmip_event_decode(&ev, sizeof(ev), &out), -1);
	assert_string_equal(xmip_event_type_name(XMIP_EV_NAT_REBOUND), "nat-rebound");
	assert_string_equal(xmip_event_type_name(9999), "unknown");
}

/* Strings that came from the wire cannot break a terminal or a JSON reader. */
static void test_event_hostile_strings(void **state)
{
	struct xmip_event ev = { .version = XMIP_EVENT_VERSION, .type = XMIP_EV_REFUSED,
				 .fields = XMIP_EVF_STATUS | XMIP_EVF_ID, .status = 129 };
	struct xmip_json j;
	char *out = NULL;
	size_t n = 0;
	FILE *f;

	(void)state;
	snprintf(ev.status_name, sizeof(ev.status_name), "prohibited)\x1b[2J");
	snprintf(ev.id, sizeof(ev.id), "mn 1\xff\xc3\x28@\xc3\xa9x");
	f = open_memstream(&out, &n);
	xmip_event_print_text(f, "i", &ev);
	fclose(f);
	assert_non_null(strstr(out, " status 129 (prohibited\\x29\\x1b[2J) id mn\\x201\\xff\\xc3(@\\xc3\\xa9x\n"));
	free(out);
	f = open_memstream(&out, &n);
	xmip_json_init(&j, f, false);
	xmip_event_json(&j, "i", &ev);
	xmip_json_end(&j);
	fclose(f);
	/* Control characters escaped, invalid UTF-8 replaced, valid UTF-8 kept. */
	assert_non_null(strstr(out, "\"status_name\":\"prohibited)\\u001b[2J\""));
	assert_non_null(strstr(out, "\"id\":\"mn 1\\ufffd\\ufffd(@\xc3\xa9x\""));
	free(out);
}

static char *render_role(unsigned int role)
{
	struct xmip_metrics_src src = { .instance = "i\"x", .role = role, .stats_fd = -1,
					.bindings_fd = -1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(xmip_metrics_render(f, &src), 0);
	fclose(f);
	return buf;
}

static char *render(void)
{
	return render_role(XMIP_ROLE_HA);
}

static void test_metrics_render(void **state)
{
	char *t;

	(void)state;
	xmip_metrics_set_role(XMIP_ROLE_HA);
	xmip_metrics_message("mip6", "binding_update", "received", NULL);
	xmip_metrics_message("mip6", "binding_update", "received", NULL);
	xmip_metrics_message("mip6", "binding_ack", "sent", "accepted");
	xmip_metrics_latency("mip6", 300000);        /* 0.3 ms */
	xmip_metrics_latency("mip6", 2000000000ull); /* 2 s */
	xmip_metrics_event(XMIP_FAMILY_MIP6, XMIP_EV_REGISTERED);
	t = render();
	assert_non_null(strstr(t, "xmip_signalling_messages_total{family=\"mip6\",role=\"ha\","
				  "type=\"binding_update\",direction=\"received\"} 2\n"));
	assert_non_null(strstr(t, "type=\"binding_ack\",direction=\"sent\",status=\"accepted\"} 1\n"));
	assert_non_null(strstr(t, "xmip_events_total{family=\"mip6\",role=\"ha\",type=\"registered\"} 1\n"));
	/* Cumulative buckets; +Inf and _count agree. */
	assert_non_null(strstr(t, "le=\"0.00025\"} 0\n"));
	assert_non_null(strstr(t, "le=\"0.0005\"} 1\n"));
	assert_non_null(strstr(t, "le=\"1\"} 1\n"));
	assert_non_null(strstr(t, "le=\"2.5\"} 2\n"));
	assert_non_null(strstr(t, "le=\"+Inf\"} 2\n"));
	assert_non_null(strstr(t, "xmip_registration_latency_seconds_count{family=\"mip6\",role=\"ha\"} 2\n"));
	assert_non_null(strstr(t, "xmip_registration_latency_seconds_sum{family=\"mip6\",role=\"ha\"} 2.000300000\n"));
	assert_non_null(strstr(t, "# TYPE xmip_registration_latency_seconds histogram\n"));
	/* Label values escaped. */
	assert_non_null(strstr(t, "xmip_instance=\"i\\\"x\""));
	free(t);
}

/* Mobile IPv4 reports through the same core: its label values, its bindings gauge, its events. */
static void test_mip4_observe(void **state)
{
	struct xmip_mip4_hb nb = { .hoa = { 10, 1, 0, 100 }, .coa = { 198, 51, 100, 2 },
				   .dst = { 198, 51, 100, 2 }, .lifetime_s = 120 };
	struct xmip_mip4_ha_decision d = { .reply = true, .code = 0, .change = XMIP_MIP4_HA_ADD,
					   .nb = nb, .hoa = { 10, 1, 0, 100 } };
	struct xmip_mip4_reg m = { .type = 1, .hoa = { 10, 1, 0, 100 }, .coa = { 198, 51, 100, 2 } };
	char *t;

	(void)state;
	assert_string_equal(xmip_mip4_code_name(131), "mn_auth_failed");
	assert_string_equal(xmip_mip4_code_name(133), "identification_mismatch");
	assert_string_equal(xmip_mip4_code_name(78), "fa_registration_timeout");
	assert_string_equal(xmip_mip4_code_name(200), "other");
	xmip_metrics_set_role(XMIP_ROLE_HA);
	xmip_mip4_observe_ha("10.1.0.100", &m, &d, NULL, 0, &nb, 1, 0, true);
	xmip_mip4_observe_ha_bindings(1);
	d = (struct xmip_mip4_ha_decision){ .reply = true, .code = 131 };
	xmip_mip4_observe_ha("10.1.0.100", &m, &d, &nb, 1, &nb, 1, 0, true);
	xmip_mip4_observe_ha_expired("10.1.0.100", &nb);
	xmip_mip4_observe_ha_bindings(0);
	t = render();
	assert_non_null(strstr(t, "xmip_signalling_messages_total{family=\"mip4\",role=\"ha\","
				  "type=\"registration_request\",direction=\"received\"} 2\n"));
	assert_non_null(strstr(t, "type=\"registration_reply\",direction=\"sent\","
				  "status=\"mn_auth_failed\"} 1\n"));
	assert_non_null(strstr(t, "xmip_events_total{family=\"mip4\",role=\"ha\",type=\"registered\"} 1\n"));
	assert_non_null(strstr(t, "xmip_events_total{family=\"mip4\",role=\"ha\",type=\"refused\"} 1\n"));
	assert_non_null(strstr(t, "xmip_events_total{family=\"mip4\",role=\"ha\",type=\"expired\"} 1\n"));
	/* No binding map here: the family's own count is the series. */
	assert_non_null(strstr(t, "xmip_bindings{family=\"mip4\",role=\"ha\"} 0\n"));
	free(t);
	/* Roles without a datapath are named, not "none" (the registry is the process's:
	 * an agent has one role, so the row counted above goes on). */
	xmip_metrics_set_role(XMIP_ROLE_FA);
	xmip_mip4_observe_fa_request(false);
	t = render_role(XMIP_ROLE_FA);
	assert_non_null(strstr(t, "xmip_signalling_messages_total{family=\"mip4\",role=\"fa\","
				  "type=\"registration_request\",direction=\"received\"} 3\n"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_every_error),
		cmocka_unit_test(test_check_learn_keys_without_learning),
		cmocka_unit_test(test_check_warnings_only_when_valid),
		cmocka_unit_test(test_metrics_key),
		cmocka_unit_test(test_event_decode),
		cmocka_unit_test(test_event_hostile_strings),
		cmocka_unit_test(test_metrics_render),
		cmocka_unit_test(test_mip4_observe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
