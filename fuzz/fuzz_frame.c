/* libFuzzer target: the frame adapter (adapters/frame.c): records read from its AF_UNIX
 * SOCK_SEQPACKET socket, handed as SU+FCS frames to a signalling link terminal and MTP2. */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>

#include <sg/adapter.h>
#include <sg/log.h>
#include <sg/mtp2.h>
#include <sg/slt.h>
#include <sg/timer.h>

#include "fuzz.h"

/*
 * What the span transmits (FISUs and LSSUs repeated every millisecond of virtual time) is not
 * input, and its send()/recv() pairs were half the target's time: the driver's send() goes to
 * a model of the peer's receive queue instead, which takes FAKE_PEER_QUEUE frames until the
 * peer reads (EAGAIN after that, as a full socket gives) and fails with EPIPE once the peer has
 * closed its end.  The records the peer writes still go through the real socket.
 */
#define FAKE_PEER_QUEUE 64

static struct {
	unsigned int queued;
	bool closed;
} peer;

static ssize_t fuzz_send(int fd, const void *buf, size_t len, int flags)
{
	(void)fd;
	(void)buf;
	(void)flags;
	if (peer.closed) {
		errno = EPIPE;
		return -1;
	}
	if (peer.queued >= FAKE_PEER_QUEUE) {
		errno = EAGAIN;
		return -1;
	}
	peer.queued++;
	return (ssize_t)len;
}

/* The driver itself, so that the target can hand it its peer's socket and call its read
 * callback (fuzz/targets.list builds this file instead of adapters/frame.c). */
#define send fuzz_send
#include "../adapters/frame.c"
#undef send

/*
 * One frame span per input (connect mode; its connection attempt fails, then the target
 * gives it one end of a socketpair as its peer, as conn_up() does after connect()) with a
 * signalling link terminal on it, as sgd sets up a libss7-facing link: MTP2 basic or Annex A
 * (first octet).  Then events: a record the peer writes (any length 0..1023, so also empty,
 * short and oversize ones: MSG_TRUNC), read by the span's socket callback as the event loop
 * would; time passing (the SLT's FISU/LSSU repetition, MTP2's timers; what the span sends
 * goes to a model of the peer's queue, below); an MTP3 request to MTP2 (START, STOP, emergency, processor outage,
 * DATA...); the socket becoming writable; the peer going away (end of file).  Everything is
 * closed and freed at the end; no timer may remain.
 *
 * Seeds: fuzz/corpus/frame/: the alignment of tests/interop/test_libss7_mtp2.c as frames
 * (SIO, SIN, SIE, FISUs, an MSU), and the faults of tests/unit/test_frame.c (empty, short,
 * oversize records, end of file).
 */

static uint8_t sink8;

static void ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim, const struct sg_mtp2_param *p,
		struct msgb *msg, void *priv)
{
	(void)link;
	(void)p;
	(void)priv;
	sink8 ^= (uint8_t)prim;
	if (msg) {
		if (msgb_length(msg))
			sink8 ^= msg->data[0];
		msgb_free(msg);
	}
}

/* the far end reads what the span sent */
static void drain(int fd)
{
	if (fd >= 0)
		peer.queued = 0;
}

static const enum sg_mtp2_prim reqs[] = {
	SG_MTP2_START, SG_MTP2_STOP, SG_MTP2_EMERGENCY, SG_MTP2_EMERGENCY_CEASES, SG_MTP2_LPO,
	SG_MTP2_LPR, SG_MTP2_FLUSH_BUFFERS, SG_MTP2_CONTINUE, SG_MTP2_RETRIEVE_BSNT,
	SG_MTP2_RETRIEVAL_REQ, SG_MTP2_CLEAR_RTB, SG_MTP2_DATA, SG_MTP2_DATA, SG_MTP2_DATA,
	SG_MTP2_START, SG_MTP2_START,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_log_init(FZ_ALL_CATS);
	sg_clock_virtual(0);
	if (sg_adapter_driver_register(&sg_frame_driver) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_span_cfg cfg = { .name = "fr0", .driver = "frame" };
	struct sg_slt_cfg lcfg = { 0 };
	struct sg_span *span;
	struct frame_span *fs;
	struct sg_slt *slt;
	char err[256];
	int sv[2];
	size_t off = 1;
	unsigned int views = 0;

	if (size < 1)
		return 0;
	/* relative, never created: the connection attempt fails, the peer comes from us */
	cfg.drv_cfg = sg_adapter_cfg_json(NULL, "frame",
					  "{ \"path\": \"fuzz-frame-no-such.sock\" }", SG_SPAN_E1,
					  err, sizeof(err));
	if (!cfg.drv_cfg)
		abort();
	span = sg_span_open(NULL, &cfg, err, sizeof(err));
	if (!span)
		abort();
	talloc_steal(span->ctx, (void *)cfg.drv_cfg);	/* goes with the span */
	lcfg.name = "l0";
	lcfg.ts = 1;
	lcfg.annex_a = data[0] & 1;
	slt = sg_slt_open(NULL, span, &lcfg, ind, NULL, err, sizeof(err));
	if (!slt)
		abort();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	fs = span->drv_priv;
	peer.queued = 0;
	peer.closed = false;
	conn_up(fs, sv[0]);

	while (off < size) {
		uint8_t ev = data[off++];
		size_t len;

		switch (ev & 3) {
		case 0:
			/* a record from the peer: length in the next octet and 2 bits of ev */
			if (off >= size)
				break;
			len = (size_t)(ev >> 2 & 3) << 8 | data[off++];
			if (len > size - off)
				len = size - off;
			if (sv[1] >= 0 && send(sv[1], data + off, len, MSG_DONTWAIT) >= 0 &&
			    fs->conn_ofd.fd >= 0)
				conn_cb(&fs->conn_ofd, OSMO_FD_READ);
			off += len;
			break;
		case 1:
			/* 1..64 ms */
			sg_clock_advance_ms((ev >> 2) + 1);
			drain(sv[1]);
			break;
		case 2: {
			enum sg_mtp2_prim p = reqs[ev >> 2 & 15];
			struct sg_mtp2_param param = { .fsnc = ev >> 6 };
			struct msgb *msg = NULL;

			if (p == SG_MTP2_DATA) {
				msg = msgb_alloc(64, "fuzz MSU");
				if (!msg)
					abort();
				memcpy(msgb_put(msg, 8), "\x83\x01\x02\x03\x04\x11\x22\x33", 8);
			}
			sg_mtp2_l3_req(sg_slt_mtp2(slt), p, &param, msg);
			break;
		}
		default:
			if (ev & 4) {
				/* the peer goes away: end of file */
				if (sv[1] >= 0) {
					close(sv[1]);
					sv[1] = -1;
					peer.closed = true;
				}
				if (fs->conn_ofd.fd >= 0)
					conn_cb(&fs->conn_ofd, OSMO_FD_READ);
			} else if (ev & 8) {
				/* the view reads state, it does not change it: twice per input
				 * is enough (building it was half the target's time) */
				if (views++ >= 2)
					break;
				json_object_put(sg_slt_to_json(slt, true));
				json_object_put(frame_span_info(span));
			} else if (fs->conn_ofd.fd >= 0) {
				drain(sv[1]);
				conn_cb(&fs->conn_ofd, OSMO_FD_WRITE);
			}
			break;
		}
	}
	sg_slt_close(slt);
	sg_span_close(span);
	if (sv[1] >= 0)
		close(sv[1]);
	return fz_end_no_timers();
}
