/* DAHDI emulation (libdahdiemu.so, LD_PRELOAD): the control API for tests, see doc/adapters.md. */
#pragma once

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sg/adapter.h>
#include <sg/thread.h>
#include "../unit/bound.h"

/*
 * A program run with libdahdiemu.so preloaded sees /dev/dahdi/channel (and
 * the path in DAHDI_EMU_DEVICE) as DAHDI's generic channel device, with
 * channels cabled to each other by DAHDI_EMU_LINKS ("1-32,2-33": channel 1
 * to channel 32, ...).  The emulation exports one function, resolved here at
 * run time so that a test links nothing and can tell whether it runs under
 * the emulation at all.
 *
 * Commands (one per call, reply in reply[], 0 or -errno):
 *   links <a>-<b>[,<c>-<d>...]   replace the cabling ("links -" cuts all)
 *   alarm <span> <none|red|yellow|blue|los|recover|loopback|notopen>
 *                                span alarm: DAHDI_EVENT_ALARM / NOALARM to its open
 *                                channels, all ones on its receive side while red,
 *                                LOS or blue
 *   event <chan> <alarm|noalarm|abort|badfcs|overrun|underrun|removed>
 *                                queue one raw DAHDI event on an open channel
 *   corrupt <chan>               a bit error in the next frame (octet) chan receives
 *   abort <chan>                 the next frame chan receives is aborted (7 ones)
 *   sig <chan> <clear|hardhdlc|dchan|mtp2|none>
 *                                the channel's signalling as system.conf would set it
 *                                (takes effect at the next DAHDI_SPECIFY; none: not
 *                                configured, SPECIFY fails with ENXIO)
 *   bundle <first> <last>        system.conf 'clear=first-last': one master (first), whose
 *                                reads and writes interleave all the timeslots; SPECIFY
 *                                on the others fails with EBUSY ("sig" on one undoes it)
 *   remove <span>                the span's device is unplugged: open fds of its channels
 *                                fail with ENODEV (after 5 ms) from now on, poll() gives
 *                                POLLERR; its channels cannot be opened
 *   restore <span>               the device is back (no alarm): its channels open again
 *   nodev <span>                 "calls=.. fds=..": calls made on removed channels' fds
 *                                (all spans), fds of the span's removed channels still open
 *   stats <chan>                 "rx_octets=.. tx_octets=.. rx_frames=.. tx_frames=..
 *                                rx_dropped=.. tx_underruns=.. events=.. open=0|1
 *                                rx_sync=0|1" (rx_sync: an HDLC receiver has found a
 *                                flag; a clear channel is always in sync)
 */
typedef int (*dahdi_emu_ctl_fn)(const char *cmd, char *reply, size_t len);

static inline dahdi_emu_ctl_fn dahdi_emu_ctl_lookup(void)
{
	return (dahdi_emu_ctl_fn)dlsym(RTLD_DEFAULT, "dahdi_emu_ctl");
}

/* Run one command; -ENOSYS when the emulation is not preloaded. */
static inline int dahdi_emu(const char *cmd, char *reply, size_t len)
{
	dahdi_emu_ctl_fn fn = dahdi_emu_ctl_lookup();

	if (!fn)
		return -ENOSYS;
	return fn(cmd, reply, len);
}

/* ---- helpers for tests that run sigtran-sg code over the emulation ---- */

/* E1 numbering of the emulation (DAHDI_EMU_CHANS_PER_SPAN unset): span s holds channels
 * (s - 1) * 31 + 1 .. s * 31, timeslot n of span s is channel (s - 1) * 31 + n. */
#define DAHDI_EMU_E1_CHANS	31

static inline unsigned int dahdi_emu_e1_channel(unsigned int span, unsigned int ts)
{
	return (span - 1) * DAHDI_EMU_E1_CHANS + ts;
}

/* Cable DAHDI span a to DAHDI span b, timeslot n to timeslot n (replaces all cabling). */
static inline int dahdi_emu_cable_e1(unsigned int a, unsigned int b)
{
	char cmd[512];
	size_t off = snprintf(cmd, sizeof(cmd), "links ");

	for (unsigned int ts = 1; ts <= DAHDI_EMU_E1_CHANS; ts++)
		off += snprintf(cmd + off, sizeof(cmd) - off, "%s%u-%u", ts > 1 ? "," : "",
				dahdi_emu_e1_channel(a, ts), dahdi_emu_e1_channel(b, ts));
	return dahdi_emu(cmd, NULL, 0);
}

/* A span config for span dahdi_span of the emulation (whose channels are numbered as on E1
 * spans): hdlc = DAHDI does HDLC (the channels give frames), else clear channel (the
 * channels give line octets).  The driver's settings are allocated on ctx. */
static inline struct sg_span_cfg dahdi_emu_span_cfg(void *ctx, const char *name,
						    enum sg_span_type type,
						    unsigned int dahdi_span, bool hdlc)
{
	char json[128], err[160] = "";
	const void *drv_cfg;

	snprintf(json, sizeof(json), "{ \"span\": %u, \"base_channel\": %u, \"hdlc\": %s }",
		 dahdi_span, dahdi_emu_e1_channel(dahdi_span, 1), hdlc ? "true" : "false");
	drv_cfg = sg_adapter_cfg_json(ctx, "dahdi", json, type, err, sizeof(err));
	if (!drv_cfg)
		fprintf(stderr, "dahdi_emu_span_cfg: %s\n", err);
	return (struct sg_span_cfg){ .name = name, .type = type, .driver = "dahdi",
				     .drv_cfg = drv_cfg };
}

static inline unsigned long long dahdi_emu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Run the calling thread's loop (sg_loop_init() first) until cond(arg) is true or
 * timeout_ms (scaled by SG_TEST_TIMEOUT_SCALE) of real time passed (the emulated line runs on
 * real time); cond may be NULL to just run for timeout_ms (not scaled).  Returns cond's last value (true for NULL). */
static inline bool dahdi_emu_run_until(bool (*cond)(void *), void *arg, unsigned int timeout_ms)
{
	/* a bound on a wait for cond is scaled for loaded machines (tests/unit/bound.h) */
	unsigned long long end = dahdi_emu_now_ms() + (cond ? test_bound_ms(timeout_ms) : timeout_ms);

	while (!(cond && cond(arg))) {
		if (dahdi_emu_now_ms() >= end)
			return cond ? cond(arg) : true;
		sg_loop_once(5);
	}
	return true;
}

/* One counter of "stats <chan>" (rx_octets, tx_frames, ...), 0 if unknown. */
static inline unsigned long long dahdi_emu_stat(unsigned int channo, const char *key)
{
	char cmd[32], reply[256], *p;
	size_t klen = strlen(key);

	snprintf(cmd, sizeof(cmd), "stats %u", channo);
	if (dahdi_emu(cmd, reply, sizeof(reply)) < 0)
		return 0;
	for (p = reply; (p = strstr(p, key)); p += klen)
		if ((p == reply || p[-1] == ' ') && p[klen] == '=')
			return strtoull(p + klen + 1, NULL, 10);
	return 0;
}

static inline bool dahdi_emu_cond_synced(void *arg)
{
	return dahdi_emu_stat((unsigned int)(unsigned long)arg, "rx_sync") == 1;
}

/* Wait (running the loop) until the HDLC receiver of channel channo has found a flag.  As on
 * a real line, a frame sent before the far end's receiver saw one flag is lost: tests that
 * count frames wait for this after opening channels.  Returns false on timeout. */
static inline bool dahdi_emu_wait_synced(unsigned int channo, unsigned int timeout_ms)
{
	return dahdi_emu_run_until(dahdi_emu_cond_synced, (void *)(unsigned long)channo,
				   timeout_ms);
}
