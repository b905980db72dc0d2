/* libFuzzer target: the pseudowire packet parser and jitter buffer, RFC 5086 §5.2 control word
 * (adapters/pw.c): UDP payloads from the remote end of a TDM pseudowire. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <osmocom/core/application.h>
#include <talloc.h>

#include <sg/adapter.h>
#include <sg/log.h>
#include <sg/timer.h>

#include "fuzz.h"

#include <sys/socket.h>

/* What the span transmits is not input: its packets are counted as sent, without a system
 * call each (the sendto()s were a third of the target's time). */
static ssize_t fuzz_sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, socklen_t tolen)
{
	(void)fd;
	(void)buf;
	(void)flags;
	(void)to;
	(void)tolen;
	return (ssize_t)len;
}

/* The driver itself, so that its static packet parser can be called without a socket
 * read (fuzz/targets.list builds this file instead of adapters/pw.c). */
#define sendto fuzz_sendto
#include "../adapters/pw.c"
#undef sendto

/*
 * One span per input, opened through the driver (a UDP socket on 127.0.0.1, port chosen by
 * the kernel), its structure from the input's first octets: E1, T1 or unframed E1, frames per
 * packet (1..64), jitter buffer depth; one BITS channel (a timeslot, or the whole E1).  Then
 * events: a datagram from the remote address (pw_rx_packet, what pw_drain hands every
 * datagram it reads from the remote), or time passing by a number of packet periods (the
 * span's tick: transmit, playout, loss of packets, alarms, late-thread catch-up), or the
 * management view.  Each playout must hand the channel fpp octets per timeslot; everything is
 * closed and freed at the end of the input.
 *
 * Seeds: fuzz/corpus/pw/: the packets of tests/unit/test_pw.c (in order, reordered,
 * duplicated, L and R bits, short packets with LEN, a sequence number jump).
 */

#define MAX_PERIODS 48

static unsigned int rx_octets_expected;
/* what the callbacks read, so that nothing is optimized away */
uint8_t sink8;

static void u_rx_bits(void *user, const uint8_t *octets, size_t n)
{
	(void)user;
	if (n != rx_octets_expected)
		abort();
	for (size_t i = 0; i < n; i++)
		sink8 ^= octets[i];
}

static void u_tx_bits(void *user, uint8_t *octets, size_t n)
{
	(void)user;
	memset(octets, 0x7e, n);
}

static void u_alarm(void *user, uint32_t alarms)
{
	(void)user;
	sink8 ^= (uint8_t)alarms;
}

static const struct sg_chan_ops user_ops = {
	.rx_bits = u_rx_bits,
	.tx_bits = u_tx_bits,
	.alarm = u_alarm,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_log_init(DADP);
	sg_clock_virtual(0);
	if (sg_adapter_driver_register(&sg_pw_driver) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_span_cfg cfg = { .name = "pw0", .driver = "pw" };
	struct sg_span *span;
	struct sg_chan *chan;
	struct pw_span *pw;
	char err[256], json[160];
	unsigned int ts, count;
	bool unframed;
	size_t off = 3;
	unsigned int periods = 0, views = 0;

	if (size < 3)
		return 0;
	cfg.type = data[0] & 1 ? SG_SPAN_T1 : SG_SPAN_E1;
	unframed = cfg.type == SG_SPAN_E1 && (data[0] & 2);
	snprintf(json, sizeof(json), "{ \"local\": \"127.0.0.1:0\", \"remote\": \"127.0.0.1:9\", "
		 "\"frames_per_packet\": %u, \"jitter_ms\": %u, \"unframed\": %s }",
		 data[1] % 64 + 1, data[2] % 32 + 1, unframed ? "true" : "false");
	cfg.drv_cfg = sg_adapter_cfg_json(NULL, "pw", json, cfg.type, err, sizeof(err));
	if (!cfg.drv_cfg)
		abort();
	span = sg_span_open(NULL, &cfg, err, sizeof(err));
	if (!span)
		abort();
	talloc_steal(span->ctx, (void *)cfg.drv_cfg);	/* goes with the span */
	pw = to_pw(span);
	/* a timeslot, or the whole E1 (Annex A) */
	if (data[0] & 4) {
		ts = 0;
		count = pw->opf;
		chan = sg_chan_open(span, 0, SG_ADAPTER_MODE_BITS,
				    unframed ? SG_CHAN_2048K : SG_CHAN_1984K, &user_ops, NULL,
				    err, sizeof(err));
	} else {
		ts = (data[0] >> 3) % (cfg.type == SG_SPAN_T1 ? 24 : 31) + 1;
		count = 1;
		chan = sg_chan_open(span, ts, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops, NULL,
				    err, sizeof(err));
	}
	if (!chan && !(cfg.type == SG_SPAN_T1 && ts == 0))
		abort();
	rx_octets_expected = pw->fpp * count;

	while (off < size) {
		uint8_t ev = data[off++];
		size_t len;

		switch (ev & 3) {
		case 0:
		case 1:
			/* a datagram: length in the next octet and the event's bits (to 1023) */
			if (off >= size)
				break;
			len = (size_t)(ev >> 2 & 3) << 8 | data[off++];
			if (len > size - off)
				len = size - off;
			pw_rx_packet(pw, data + off, len);
			off += len;
			break;
		case 2:
			/* 1..32 packet periods, a little late sometimes; each period sends a
			 * packet (a system call): at most MAX_PERIODS per input */
			if (periods >= MAX_PERIODS)
				break;
			periods += (ev >> 2 & 31) + 1;
			sg_clock_advance((uint64_t)((ev >> 2 & 31) + 1) * pw->period_ns +
					 (ev & 0x80 ? pw->period_ns / 3 : 0));
			break;
		default:
			/* the management view reads state: twice per input is enough */
			if (views++ < 2)
				json_object_put(pw_span_info(span));
			break;
		}
	}
	sg_chan_close(chan);
	sg_span_close(span);
	return fz_end_no_timers();
}
