// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Jiffies for user space, through the HA's clock program (fwclock.h). */
#include "fwclock.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "pins.h"

int xmip_fwclock_sample(int prog_fd, struct xmip_clock_ctx *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = c, .ctx_size_in = sizeof(*c));

	memset(c, 0, sizeof(*c));
	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -errno;
	return c->jiffies ? 0 : -EIO;
}

int xmip_fwclock_measure_hz(int prog_fd, uint32_t *hz)
{
	static const uint32_t known[] = { 100, 250, 300, 1000 };
	struct xmip_clock_ctx a, b, c;
	double meas, best = 0;
	int rc;

	/* Two tick edges: from the first change of jiffies to the third. */
	if ((rc = xmip_fwclock_sample(prog_fd, &a)))
		return rc;
	do {
		usleep(200);
		if ((rc = xmip_fwclock_sample(prog_fd, &b)))
			return rc;
	} while (b.jiffies == a.jiffies && b.mono_ns - a.mono_ns < 100000000ull);
	do {
		usleep(200);
		if ((rc = xmip_fwclock_sample(prog_fd, &c)))
			return rc;
	} while (c.jiffies < b.jiffies + 2 && c.mono_ns - b.mono_ns < 200000000ull);
	if (c.jiffies <= b.jiffies)
		return -EIO;
	meas = (double)(c.jiffies - b.jiffies) * 1e9 / (double)(c.mono_ns - b.mono_ns);
	*hz = (uint32_t)(meas + 0.5);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		double d = meas > known[i] ? meas - known[i] : known[i] - meas;

		if (d < known[i] * 0.1 && (!best || d < best)) {
			best = d;
			*hz = known[i];
		}
	}
	return 0;
}

int xmip_fwclock_open(struct xmip_fwclock *c, const char *instance, uint32_t hz)
{
	char path[256];

	memset(c, 0, sizeof(*c));
	c->prog_fd = -1;
	c->hz = hz ? hz : 250;
	if (xmip_pin_path(instance, XMIP_PIN_CLOCK, path, sizeof(path)))
		return -EINVAL;
	c->prog_fd = bpf_obj_get(path);
	return c->prog_fd < 0 ? -errno : 0;
}

void xmip_fwclock_close(struct xmip_fwclock *c)
{
	if (c->prog_fd >= 0)
		close(c->prog_fd);
	c->prog_fd = -1;
}

static void resample(struct xmip_fwclock *c)
{
	struct xmip_clock_ctx s;
	uint64_t now = xmip_now_ns();

	if (c->prog_fd < 0) {
		c->j = c->fixed_j;
		c->boot_ns = now;
		return;
	}
	if (c->j && now - c->boot_ns < 1000000000ull)
		return;
	if (xmip_fwclock_sample(c->prog_fd, &s) == 0) {
		c->j = s.jiffies;
		c->boot_ns = s.boot_ns;
	}
}

uint64_t xmip_fwclock_now(struct xmip_fwclock *c)
{
	return xmip_fwclock_at_boot_ns(c, xmip_now_ns());
}

uint64_t xmip_fwclock_at_boot_ns(struct xmip_fwclock *c, uint64_t boot_ns)
{
	uint64_t d;

	resample(c);
	if (boot_ns <= c->boot_ns) {
		d = (c->boot_ns - boot_ns) * c->hz / 1000000000ull;
		return c->j > d ? c->j - d : 0;
	}
	d = boot_ns - c->boot_ns;
	/* Rounded up: a binding never dies in the datapath before its time. */
	return c->j + (d / 1000000000ull) * c->hz +
	       ((d % 1000000000ull) * c->hz + 999999999ull) / 1000000000ull;
}

uint64_t xmip_fwclock_secs(const struct xmip_fwclock *c, uint64_t secs)
{
	return secs * c->hz;
}
