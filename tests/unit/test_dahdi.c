/* Tests of the dahdi adapter driver, run under the DAHDI emulation (tests/dahdi_emu, preloaded). */

/*
 * Two E1 spans cabled together by the emulation: DAHDI span 1 (channels
 * 1..31) and span 2 (channels 32..62); timeslot n of one is cabled to
 * timeslot n of the other.  The driver under test is adapters/dahdi.c as sgd
 * runs it; only the kernel below it is emulated.  Run through
 * tests/e2e/dahdi_emu.sh (or tests/dahdi_emu/dahdi-emu-run); without the
 * emulation the program exits 77 (skipped).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <dahdi/user.h>
#include <json-c/json.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/loggingrb.h>
#include <osmocom/core/utils.h>
#include <talloc.h>

#include <sg/adapter.h>
#include <sg/config.h>
#include <sg/hdlc.h>
#include <sg/log.h>
#include <sg/msg.h>
#include <sg/mtp2.h>
#include <sg/slt.h>
#include <sg/thread.h>

#include "../dahdi_emu/dahdi_emu.h"
#include "cu_main.h"

#define MAX_FRAMES	64
#define BITS_NUMBUFS_MAX 32	/* the driver's receive buffers in bitstream mode, 40 octets */
#define FRAME_ROOM	(SG_HDLC_MAX_SU + 2)

/* ---- a simple channel user: records what the driver hands up ---- */

struct user {
	const char *name;
	struct sg_chan *chan;
	/* FRAMES: received frames; transmit queue retried on tx_ready */
	uint8_t rx[MAX_FRAMES][FRAME_ROOM];
	size_t rx_len[MAX_FRAMES];
	unsigned int rx_n;
	uint8_t txq[MAX_FRAMES][FRAME_ROOM];
	size_t txq_len[MAX_FRAMES];
	unsigned int txq_head, txq_n;
	unsigned int tx_ready_calls;
	/* BITS: counting octets out (or tx_fill, when set), everything in */
	uint8_t tx_next;
	int tx_fill;
	uint64_t bits_rx, bits_tx;
	uint8_t *bits_buf;
	size_t bits_len, bits_cap;
	struct sg_hdlc_rx *hrx;		/* software HDLC above BITS (optional) */
	struct sg_hdlc_tx *htx;
	/* errors and alarms */
	unsigned int err[SG_ADAPTER_ERR_LENGTH + 1];
	unsigned int alarm_calls;
	uint32_t alarms;
};

static void u_rx_frame(void *p, const uint8_t *frame, size_t len)
{
	struct user *u = p;

	if (u->rx_n < MAX_FRAMES && len <= FRAME_ROOM) {
		memcpy(u->rx[u->rx_n], frame, len);
		u->rx_len[u->rx_n] = len;
	}
	u->rx_n++;
}

static void u_pump(struct user *u)
{
	while (u->txq_n) {
		unsigned int i = u->txq_head;
		int rc = sg_chan_tx_frame(u->chan, u->txq[i], u->txq_len[i]);

		if (rc == -EAGAIN)
			return;
		CU_ASSERT_EQUAL(rc, 0);
		u->txq_head = (u->txq_head + 1) % MAX_FRAMES;
		u->txq_n--;
	}
}

static void u_tx_ready(void *p)
{
	struct user *u = p;

	u->tx_ready_calls++;
	u_pump(u);
}

static void u_rx_bits(void *p, const uint8_t *o, size_t n)
{
	struct user *u = p;

	u->bits_rx += n;
	if (u->hrx)
		sg_hdlc_rx_feed(u->hrx, o, n);
	if (u->bits_buf) {
		size_t take = n < u->bits_cap - u->bits_len ? n : u->bits_cap - u->bits_len;

		memcpy(u->bits_buf + u->bits_len, o, take);
		u->bits_len += take;
	}
}

static void u_tx_bits(void *p, uint8_t *o, size_t n)
{
	struct user *u = p;

	u->bits_tx += n;
	if (u->htx) {
		sg_hdlc_tx_fill(u->htx, o, n);
		return;
	}
	if (u->tx_fill) {
		memset(o, u->tx_fill, n);
		return;
	}
	/* a counter that never shows 0xff, the idle/underrun octet */
	for (size_t i = 0; i < n; i++) {
		o[i] = u->tx_next;
		u->tx_next = u->tx_next == 0xfe ? 0 : u->tx_next + 1;
	}
}

static void u_rx_error(void *p, enum sg_adapter_error err)
{
	struct user *u = p;

	if (err <= SG_ADAPTER_ERR_LENGTH)
		u->err[err]++;
}

static void u_alarm(void *p, uint32_t alarms)
{
	struct user *u = p;

	u->alarm_calls++;
	u->alarms = alarms;
}

static const struct sg_chan_ops user_ops = {
	.rx_bits = u_rx_bits,
	.tx_bits = u_tx_bits,
	.rx_frame = u_rx_frame,
	.tx_ready = u_tx_ready,
	.rx_error = u_rx_error,
	.alarm = u_alarm,
};

/* Queue one SU (plus 2 octets of FCS room) and try to send. */
static void u_send(struct user *u, const uint8_t *su, size_t len)
{
	unsigned int i = (u->txq_head + u->txq_n) % MAX_FRAMES;

	CU_ASSERT_FATAL(u->txq_n < MAX_FRAMES);
	memcpy(u->txq[i], su, len);
	u->txq[i][len] = 0;
	u->txq[i][len + 1] = 0;
	u->txq_len[i] = len + 2;
	u->txq_n++;
	u_pump(u);
}

/* ---- set-up ---- */

static void *ctx;
static struct sg_span_cfg cfg_a, cfg_b;

#define now_ms dahdi_emu_now_ms
#define run_until dahdi_emu_run_until

static void run_for(unsigned int ms)
{
	run_until(NULL, NULL, ms);
}

static void emu(const char *cmd)
{
	char reply[256];
	int rc = dahdi_emu(cmd, reply, sizeof(reply));

	if (rc < 0)
		fprintf(stderr, "emu '%s': %s\n", cmd, reply);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

#define emu_stat dahdi_emu_stat

struct pair {
	struct sg_span *a, *b;
	struct user *ua, *ub;
};

/* Open both spans and timeslot ts on each in the mode the config implies. */
static void pair_open(struct pair *p, bool hdlc, unsigned int ts)
{
	char err[160];
	enum sg_adapter_mode mode = hdlc ? SG_ADAPTER_MODE_FRAMES : SG_ADAPTER_MODE_BITS;

	cfg_a = dahdi_emu_span_cfg(ctx, "A", SG_SPAN_E1, 1, hdlc);
	cfg_b = dahdi_emu_span_cfg(ctx, "B", SG_SPAN_E1, 2, hdlc);
	p->a = sg_span_open(ctx, &cfg_a, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->a);
	p->b = sg_span_open(ctx, &cfg_b, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->b);
	p->ua = talloc_zero(ctx, struct user);
	p->ub = talloc_zero(ctx, struct user);
	p->ua->name = "A";
	p->ub->name = "B";
	p->ua->chan = sg_chan_open(p->a, ts, mode, SG_CHAN_64K, &user_ops, p->ua, err,
				   sizeof(err));
	if (!p->ua->chan)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->ua->chan);
	p->ub->chan = sg_chan_open(p->b, ts, mode, SG_CHAN_64K, &user_ops, p->ub, err,
				   sizeof(err));
	if (!p->ub->chan)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->ub->chan);
	/* both receivers have seen the idle line (flags) before anything is sent */
	CU_ASSERT_TRUE(dahdi_emu_wait_synced(dahdi_emu_e1_channel(1, ts), 2000));
	CU_ASSERT_TRUE(dahdi_emu_wait_synced(dahdi_emu_e1_channel(2, ts), 2000));
}

static void pair_close(struct pair *p)
{
	sg_span_close(p->a);
	sg_span_close(p->b);
	talloc_free(p->ua);
	talloc_free(p->ub);
}

static int suite_init(void)
{
	ctx = talloc_named_const(NULL, 0, "test_dahdi");
	if (sg_log_init(ctx, SG_LOG_STDERR, false) < 0 || sg_loop_init() < 0)
		return -1;
	if (getenv("TEST_DEBUG"))
		sg_log_set_level(DADP, LOGL_DEBUG);
	if (sg_adapter_driver_register(&sg_dahdi_driver) < 0)
		return -1;
	/* timeslot n of span 1 to timeslot n of span 2 */
	return dahdi_emu_cable_e1(1, 2);
}

static int suite_clean(void)
{
	talloc_free(ctx);
	return 0;
}

/* ---- conditions ---- */

struct want {
	struct user *u;
	unsigned int n;
};

static bool got_frames(void *arg)
{
	struct want *w = arg;

	return w->u->rx_n >= w->n;
}

/* n frames arrived, or n frames and receive errors together (a frame broken on the line) */
static bool got_frames_or_errors(void *arg)
{
	struct want *w = arg;

	return w->u->rx_n + w->u->err[SG_ADAPTER_ERR_FCS] + w->u->err[SG_ADAPTER_ERR_ABORT] >= w->n;
}

static bool got_bits(void *arg)
{
	struct want *w = arg;

	return w->u->bits_len >= w->n;
}

/* a driver counter by name (-1 if the driver has no such counter) */
static long long ctr(const struct sg_span *span, const char *name)
{
	for (unsigned int i = 0; i < span->ctr->desc->num; i++)
		if (!strcmp(span->ctr->desc->ctr[i].name, name))
			return (long long)sg_ctr_get(span->ctr, i);
	return -1;
}

/* what the receiving user and the emulated channel saw, when a test is about to fail */
static void report(const struct user *u, unsigned int channo)
{
	char cmd[32], reply[256];

	snprintf(cmd, sizeof(cmd), "stats %u", channo);
	dahdi_emu(cmd, reply, sizeof(reply));
	fprintf(stderr, "\n  user %s: %u frames, errors abort %u fcs %u overrun %u length %u; "
		"channel %u: %s\n", u->name, u->rx_n, u->err[SG_ADAPTER_ERR_ABORT],
		u->err[SG_ADAPTER_ERR_FCS], u->err[SG_ADAPTER_ERR_OVERRUN],
		u->err[SG_ADAPTER_ERR_LENGTH], channo, reply);
}

static bool fcs_ok(const uint8_t *frame, size_t len)
{
	return sg_hdlc_crc16(SG_HDLC_FCS_INIT, frame, len) == SG_HDLC_FCS_GOOD;
}

static void make_su(uint8_t *su, size_t len, unsigned int seq)
{
	for (size_t i = 0; i < len; i++)
		su[i] = (uint8_t)(seq * 31 + i * 7);
	su[0] = seq;
}

/* ---- tests ---- */

/* HDLC mode: frames of 3..279 octets both ways, intact, each with its real FCS appended */
static void test_frames_both_ways(void)
{
	struct pair p;
	struct want wa, wb;
	uint8_t su[FRAME_ROOM];
	const unsigned int n = 40;
	struct json_object *info, *ch0;
	const char *s;

	pair_open(&p, true, 1);
	CU_ASSERT_EQUAL(p.ua->chan->mode, SG_ADAPTER_MODE_FRAMES);
	for (unsigned int i = 0; i < n; i++) {
		size_t len = 3 + (i * 37) % 277;

		make_su(su, len, i);
		u_send(p.ua, su, len);
		make_su(su, len, 100 + i);
		u_send(p.ub, su, len);
	}
	wa = (struct want){ p.ua, n };
	wb = (struct want){ p.ub, n };
	if (!run_until(got_frames, &wb, 5000))
		report(p.ub, 32);
	if (!run_until(got_frames, &wa, 5000))
		report(p.ua, 1);
	CU_ASSERT_EQUAL(p.ua->rx_n, n);
	CU_ASSERT_EQUAL(p.ub->rx_n, n);
	for (unsigned int i = 0; i < n && i < p.ub->rx_n && i < p.ua->rx_n; i++) {
		size_t len = 3 + (i * 37) % 277;

		make_su(su, len, i);
		CU_ASSERT_EQUAL(p.ub->rx_len[i], len + 2);
		CU_ASSERT_EQUAL(memcmp(p.ub->rx[i], su, len), 0);
		CU_ASSERT_TRUE(fcs_ok(p.ub->rx[i], p.ub->rx_len[i]));
		make_su(su, len, 100 + i);
		CU_ASSERT_EQUAL(p.ua->rx_len[i], len + 2);
		CU_ASSERT_EQUAL(memcmp(p.ua->rx[i], su, len), 0);
		CU_ASSERT_TRUE(fcs_ok(p.ua->rx[i], p.ua->rx_len[i]));
	}
	CU_ASSERT_EQUAL(p.ua->txq_n, 0);
	/* 40 frames > 16 DAHDI buffers: flow control went through tx_ready */
	CU_ASSERT_TRUE(p.ua->tx_ready_calls > 0);
	CU_ASSERT_EQUAL(ctr(p.a, "tx:frames"), n);
	CU_ASSERT_EQUAL(ctr(p.b, "rx:frames"), n);
	CU_ASSERT_EQUAL(emu_stat(32, "rx_frames"), n);
	CU_ASSERT_EQUAL(p.ua->alarms, 0);

	info = p.a->drv->span_info(p.a);
	ch0 = json_object_array_get_idx(json_object_object_get(info, "channels"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ch0);
	s = json_object_get_string(json_object_object_get(ch0, "signalling"));
	CU_ASSERT_STRING_EQUAL(s ? s : "", "clear");
	CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(ch0, "channel")), 1);
	json_object_put(info);
	pair_close(&p);
}

/* A "hardhdlc" channel: the card does HDLC, DAHDI refuses HDLCFCSMODE; frames pass alike */
static void test_hardhdlc(void)
{
	struct pair p;
	struct want w;
	uint8_t su[8] = { 0x80, 0x81, 0x03, 1, 2, 3, 4, 5 };
	struct json_object *info;

	emu("sig 2 hardhdlc");
	emu("sig 33 hardhdlc");
	pair_open(&p, true, 2);
	u_send(p.ua, su, sizeof(su));
	w = (struct want){ p.ub, 1 };
	if (!run_until(got_frames, &w, 2000)) {
		report(p.ub, 33);
		report(p.ua, 2);
	}
	CU_ASSERT_EQUAL(p.ub->rx_n, 1);
	CU_ASSERT_EQUAL(p.ub->rx_len[0], sizeof(su) + 2);
	CU_ASSERT_EQUAL(memcmp(p.ub->rx[0], su, sizeof(su)), 0);
	CU_ASSERT_TRUE(fcs_ok(p.ub->rx[0], p.ub->rx_len[0]));
	info = p.a->drv->span_info(p.a);
	CU_ASSERT_PTR_NOT_NULL(strstr(json_object_to_json_string(info), "hardhdlc"));
	json_object_put(info);
	pair_close(&p);
	emu("sig 2 clear");
	emu("sig 33 clear");
}

/* Clear channel: octets flow at the line's rate (8000/s), in order, without loss */
static void test_bits_rate(void)
{
	struct pair p;
	struct want w;
	uint64_t t0, t1, n0, n1, e0, e1, in_flight;
	double rate;
	size_t first = 0, gaps = 0, bad = 0;
	uint8_t expect;

	pair_open(&p, false, 4);
	CU_ASSERT_EQUAL(p.ua->chan->mode, SG_ADAPTER_MODE_BITS);
	CU_ASSERT_TRUE(p.ua->chan->msb_first);
	p.ub->bits_cap = 16000;
	p.ub->bits_buf = talloc_size(p.ub, p.ub->bits_cap);
	/* settle, then measure the rate over one second */
	run_for(200);
	t0 = now_ms();
	n0 = p.ub->bits_rx;
	e0 = emu_stat(dahdi_emu_e1_channel(2, 4), "rx_octets");
	run_for(1000);
	t1 = now_ms();
	n1 = p.ub->bits_rx;
	e1 = emu_stat(dahdi_emu_e1_channel(2, 4), "rx_octets");
	rate = (double)(n1 - n0) * 1000.0 / (double)(t1 - t0);
	printf("\n  clear channel: %.0f octets/s received, line %llu octets, user %llu\n", rate,
	       (unsigned long long)(e1 - e0), (unsigned long long)(n1 - n0));
	/* no wall clock: every octet the (emulated) line put into DAHDI's buffers reaches the
	 * user, give or take what sat in the buffers at either end of the window */
	in_flight = BITS_NUMBUFS_MAX * 40;
	CU_ASSERT_TRUE(e1 - e0 >= 4000);
	CU_ASSERT_TRUE(n1 - n0 + in_flight >= e1 - e0 && e1 - e0 + in_flight >= n1 - n0);
	/* what A sent arrives in order: a counter, possibly after idle 0xff octets */
	w = (struct want){ p.ub, 8000 };
	CU_ASSERT_TRUE(run_until(got_bits, &w, 3000));
	while (first < p.ub->bits_len && p.ub->bits_buf[first] == 0xff)
		first++;
	CU_ASSERT_TRUE(first < p.ub->bits_len);
	expect = p.ub->bits_buf[first];
	for (size_t i = first; i < p.ub->bits_len; i++) {
		uint8_t o = p.ub->bits_buf[i];

		if (o == 0xff) {
			gaps++;		/* a transmit underrun: idle, nothing lost */
			continue;
		}
		if (o != expect)
			bad++;
		expect = o == 0xfe ? 0 : o + 1;
	}
	printf("  %zu octets checked, %zu idle octets, %zu out of order\n",
	       p.ub->bits_len - first, gaps, bad);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(p.ua->bits_tx > 0);
	printf("  transmit underrun estimate: %lld octets\n", ctr(p.a, "tx:underrun"));
	pair_close(&p);
}

/* Software HDLC over a clear channel on span A, DAHDI's HDLC on span B: they interwork */

struct sw_hdlc {
	struct sg_hdlc_rx rx;
	struct sg_hdlc_tx tx;
	uint8_t su[MAX_FRAMES][SG_HDLC_MAX_SU];
	size_t su_len[MAX_FRAMES];
	unsigned int su_n, su_next;
	unsigned int rx_n, rx_bad;
	const uint8_t *expect[MAX_FRAMES];
	size_t expect_len[MAX_FRAMES];
};

static size_t sw_next_su(void *priv, uint8_t *buf, size_t max)
{
	struct sw_hdlc *h = priv;
	size_t len;

	if (h->su_next == h->su_n)
		return 0;
	len = h->su_len[h->su_next];
	memcpy(buf, h->su[h->su_next++], len);
	return len;
}

static void sw_frame(void *priv, const uint8_t *su, size_t len)
{
	struct sw_hdlc *h = priv;

	if (h->rx_n < MAX_FRAMES && (len != h->expect_len[h->rx_n] ||
				     memcmp(su, h->expect[h->rx_n], len)))
		h->rx_bad++;
	h->rx_n++;
}

static const struct sg_hdlc_rx_ops sw_rx_ops = { .frame = sw_frame };

static bool sw_got(void *arg)
{
	struct sw_hdlc *h = arg;

	return h->rx_n >= h->su_n;
}

static void test_soft_hdlc_interworking(void)
{
	struct sg_span_cfg cb;
	struct sg_span *a, *b;
	struct user *ua, *ub;
	struct sw_hdlc *h;
	struct sg_hdlc_cfg hc;
	struct want w;
	char err[160];
	const unsigned int n = 20;

	cfg_a = dahdi_emu_span_cfg(ctx, "A", SG_SPAN_E1, 1, false);
	cb = dahdi_emu_span_cfg(ctx, "B", SG_SPAN_E1, 2, true);
	a = sg_span_open(ctx, &cfg_a, err, sizeof(err));
	b = sg_span_open(ctx, &cb, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	ua = talloc_zero(ctx, struct user);
	ub = talloc_zero(ctx, struct user);
	ua->name = "A";
	ub->name = "B";
	h = talloc_zero(ctx, struct sw_hdlc);
	CU_ASSERT_EQUAL_FATAL(sg_hdlc_cfg_q703(&hc, SG_HDLC_BASIC, 0), 0);
	/* DAHDI delivers bit 1 of the timeslot in bit 7: the driver says so (msb_first) */
	ua->hrx = &h->rx;
	ua->htx = &h->tx;
	for (unsigned int i = 0; i < n; i++) {
		h->su_len[i] = 3 + (i * 13) % 200;
		make_su(h->su[i], h->su_len[i], i);
	}
	/* the bit order is known once the channel is open; the driver calls tx_bits and
	 * rx_bits from the loop only, so HDLC can be set up now */
	ua->chan = sg_chan_open(a, 5, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops, ua, err,
				sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ua->chan);
	CU_ASSERT_TRUE(ua->chan->msb_first);
	if (ua->chan->msb_first)
		hc.flags |= SG_HDLC_F_MSB_FIRST;
	CU_ASSERT_EQUAL_FATAL(sg_hdlc_rx_init(&h->rx, &hc, &sw_rx_ops, h), 0);
	CU_ASSERT_EQUAL_FATAL(sg_hdlc_tx_init(&h->tx, &hc, sw_next_su, h), 0);
	ub->chan = sg_chan_open(b, 5, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, ub, err,
				sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ub->chan);

	/* A (software HDLC) -> B (DAHDI HDLC), once B has seen A's idle flags. The line runs in
	 * real time: when A's loop is held up longer than DAHDI's buffers last (a loaded
	 * machine), the line runs dry mid-frame and B rightly sees an abort or a bad FCS. Such
	 * a run is repeated, at most 3 times, but only when the emulation counted the
	 * underrun on A's channel: any other error fails the test. */
	CU_ASSERT_TRUE(dahdi_emu_wait_synced(dahdi_emu_e1_channel(2, 5), 2000));
	for (unsigned int attempt = 0; attempt < 3; attempt++) {
		unsigned long long dry = dahdi_emu_stat(dahdi_emu_e1_channel(1, 5), "tx_underruns");
		unsigned int bad;

		ub->rx_n = 0;
		memset(ub->err, 0, sizeof(ub->err));
		h->su_next = 0;
		h->su_n = n;
		w = (struct want){ ub, n };
		run_until(got_frames_or_errors, &w, 5000);
		bad = ub->err[SG_ADAPTER_ERR_FCS] + ub->err[SG_ADAPTER_ERR_ABORT];
		if (ub->rx_n == n && bad == 0)
			break;
		/* wait for the rest of the frames, then judge the run */
		run_for(200);
		fprintf(stderr, "\n  A->B run %u: %u frames, %u errors; A's line ran dry %llu times",
			attempt, ub->rx_n, bad,
			dahdi_emu_stat(dahdi_emu_e1_channel(1, 5), "tx_underruns") - dry);
		CU_ASSERT_FATAL(dahdi_emu_stat(dahdi_emu_e1_channel(1, 5), "tx_underruns") > dry);
	}
	CU_ASSERT_EQUAL(ub->rx_n, n);
	for (unsigned int i = 0; i < n && i < ub->rx_n; i++) {
		CU_ASSERT_EQUAL(ub->rx_len[i], h->su_len[i] + 2);
		CU_ASSERT_EQUAL(memcmp(ub->rx[i], h->su[i], h->su_len[i]), 0);
		CU_ASSERT_TRUE(fcs_ok(ub->rx[i], ub->rx_len[i]));
	}
	CU_ASSERT_EQUAL(ub->err[SG_ADAPTER_ERR_FCS] + ub->err[SG_ADAPTER_ERR_ABORT], 0);

	/* B (DAHDI HDLC) -> A (software HDLC) */
	for (unsigned int i = 0; i < n; i++) {
		h->expect[i] = h->su[i];
		h->expect_len[i] = h->su_len[i];
		u_send(ub, h->su[i], h->su_len[i]);
	}
	h->rx_n = 0;
	if (!run_until(sw_got, h, 5000)) {
		report(ua, 5);
		fprintf(stderr, "  software HDLC: %u frames, %u wrong, errors fcs %llu abort %llu; "
			"driver tx:underrun %lld\n", h->rx_n, h->rx_bad,
			(unsigned long long)h->rx.stats.err[SG_HDLC_RX_ERR_FCS],
			(unsigned long long)h->rx.stats.err[SG_HDLC_RX_ERR_ABORT],
			ctr(a, "tx:underrun"));
	}
	CU_ASSERT_EQUAL(h->rx_n, n);
	CU_ASSERT_EQUAL(h->rx_bad, 0);

	sg_span_close(a);
	sg_span_close(b);
	talloc_free(ua);
	talloc_free(ub);
	talloc_free(h);
}

struct alarm_want {
	struct user *u;
	uint32_t alarms;
	unsigned int calls;
};

static bool got_alarm(void *arg)
{
	struct alarm_want *w = arg;

	return w->u->alarm_calls >= w->calls && w->u->alarms == w->alarms;
}

/* An alarm raised by the emulation reaches the channel's user, and clears */
static void test_alarm(void)
{
	struct pair p;
	struct alarm_want w;
	struct want fw;
	uint8_t su[8] = { 0x80, 0x81, 0x03, 1, 2, 3, 4, 5 };

	pair_open(&p, true, 6);
	CU_ASSERT_EQUAL(p.a->alarms, 0);
	emu("alarm 1 red");
	w = (struct alarm_want){ p.ua, SG_ALARM_LOF, 1 };
	CU_ASSERT_TRUE(run_until(got_alarm, &w, 2000));
	CU_ASSERT_EQUAL(p.a->alarms, SG_ALARM_LOF);
	/* red -> red + LOS: DAHDI sends no event (dahdi_alarm_notify(): none <-> some only);
	 * the driver reads the span status while in alarm and follows */
	emu("alarm 1 los");
	w = (struct alarm_want){ p.ua, SG_ALARM_LOS | SG_ALARM_LOF, 2 };
	CU_ASSERT_TRUE(run_until(got_alarm, &w, 3000));
	CU_ASSERT_EQUAL(ctr(p.a, "event:alarm"), 1);
	/* red has cleared, the card still counts it (RECOVER): loss of frame alignment */
	emu("alarm 1 recover");
	w = (struct alarm_want){ p.ua, SG_ALARM_LOF, 3 };
	CU_ASSERT_TRUE(run_until(got_alarm, &w, 3000));
	emu("alarm 1 none");
	w = (struct alarm_want){ p.ua, SG_ALARM_NONE, 4 };
	CU_ASSERT_TRUE(run_until(got_alarm, &w, 2000));
	CU_ASSERT_EQUAL(p.a->alarms, 0);
	/* the other span saw nothing */
	CU_ASSERT_EQUAL(p.ub->alarm_calls, 0);
	CU_ASSERT_EQUAL(ctr(p.a, "event:alarm"), 1);
	CU_ASSERT_EQUAL(ctr(p.a, "event:noalarm"), 1);

	/* remote alarm on span 2 */
	emu("alarm 2 yellow");
	w = (struct alarm_want){ p.ub, SG_ALARM_RAI, 1 };
	CU_ASSERT_TRUE(run_until(got_alarm, &w, 2000));
	CU_ASSERT_EQUAL(p.b->alarms, SG_ALARM_RAI);
	/* yellow leaves the receiver alone, but while the span is in alarm DAHDI reports no
	 * HDLC errors (__putbuf_chunk(): !ss->span->alarms): the aborted frame is lost
	 * silently, the next one arrives */
	emu("abort 37");
	u_send(p.ua, su, sizeof(su));
	u_send(p.ua, su, sizeof(su));
	fw = (struct want){ p.ub, 1 };
	CU_ASSERT_TRUE(run_until(got_frames, &fw, 2000));
	CU_ASSERT_EQUAL(p.ub->rx_n, 1);
	CU_ASSERT_EQUAL(p.ub->err[SG_ADAPTER_ERR_ABORT], 0);
	CU_ASSERT_EQUAL(ctr(p.b, "event:abort"), 0);
	pair_close(&p);

	/* an alarm present when a channel opens is reported to its user at once */
	pair_open(&p, true, 6);
	CU_ASSERT_EQUAL(p.b->alarms, SG_ALARM_RAI);
	CU_ASSERT_EQUAL(p.ub->alarm_calls, 1);
	CU_ASSERT_EQUAL(p.ub->alarms, SG_ALARM_RAI);
	CU_ASSERT_EQUAL(p.ua->alarm_calls, 0);
	emu("alarm 2 none");
	w = (struct alarm_want){ p.ub, SG_ALARM_NONE, 2 };
	CU_ASSERT_TRUE(run_until(got_alarm, &w, 2000));
	pair_close(&p);
}

struct err_want {
	struct user *u;
	enum sg_adapter_error err;
	unsigned int n;
};

static bool got_err(void *arg)
{
	struct err_want *w = arg;

	return w->u->err[w->err] >= w->n;
}

/* Line errors become DAHDI events, and the events become rx_error */
static void test_errors(void)
{
	struct pair p;
	struct err_want e;
	struct want w;
	uint8_t su[40], big[FRAME_ROOM];

	pair_open(&p, true, 7);
	make_su(su, sizeof(su), 1);

	/* 7 ones inside the next frame channel 38 receives: DAHDI_EVENT_ABORT */
	emu("abort 38");
	u_send(p.ua, su, sizeof(su));
	e = (struct err_want){ p.ub, SG_ADAPTER_ERR_ABORT, 1 };
	CU_ASSERT_TRUE(run_until(got_err, &e, 2000));
	/* a bit error: DAHDI_EVENT_BADFCS */
	emu("corrupt 38");
	u_send(p.ua, su, sizeof(su));
	e = (struct err_want){ p.ub, SG_ADAPTER_ERR_FCS, 1 };
	CU_ASSERT_TRUE(run_until(got_err, &e, 2000));
	/* neither frame was delivered; the next one is */
	u_send(p.ua, su, sizeof(su));
	w = (struct want){ p.ub, 1 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	CU_ASSERT_EQUAL(p.ub->rx_n, 1);
	CU_ASSERT_EQUAL(memcmp(p.ub->rx[0], su, sizeof(su)), 0);
	/* raw events */
	emu("event 38 overrun");
	e = (struct err_want){ p.ub, SG_ADAPTER_ERR_OVERRUN, 1 };
	CU_ASSERT_TRUE(run_until(got_err, &e, 2000));
	emu("event 38 badfcs");
	e = (struct err_want){ p.ub, SG_ADAPTER_ERR_FCS, 2 };
	CU_ASSERT_TRUE(run_until(got_err, &e, 2000));
	CU_ASSERT_EQUAL(p.ub->err[SG_ADAPTER_ERR_ABORT], 1);
	CU_ASSERT_EQUAL(ctr(p.b, "event:abort"), 1);
	CU_ASSERT_EQUAL(ctr(p.b, "event:badfcs"), 2);
	/* a frame that does not fit DAHDI's buffer is refused by the driver */
	memset(big, 0x55, sizeof(big));
	CU_ASSERT_EQUAL(sg_chan_tx_frame(p.ua->chan, big, sizeof(big)), -EMSGSIZE);
	CU_ASSERT_EQUAL(sg_chan_tx_frame(p.ua->chan, big, 2), -EMSGSIZE);
	pair_close(&p);
}

/* What the driver refuses: the whole span, a channel on another DAHDI span, a busy channel */
static void test_refusals(void)
{
	struct sg_span_cfg c;
	struct sg_span *s, *s2;
	struct user u = { 0 };
	char err[160];

	c = dahdi_emu_span_cfg(ctx, "R", SG_SPAN_E1, 1, true);
	s = sg_span_open(ctx, &c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(sg_chan_open(s, 0, SG_ADAPTER_MODE_FRAMES, SG_CHAN_1984K, &user_ops,
					&u, err, sizeof(err)));
	printf("\n  ts 0: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not supported"));
	/* BITS mode is not offered on a span configured for DAHDI's HDLC */
	CU_ASSERT_PTR_NULL(sg_chan_open(s, 1, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops,
					&u, err, sizeof(err)));
	sg_span_close(s);

	/* base channel 1 is on DAHDI span 1, not 3 */
	c.drv_cfg = sg_adapter_cfg_json(ctx, "dahdi", "{ \"span\": 3, \"base_channel\": 1, "
					"\"hdlc\": true }", SG_SPAN_E1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.drv_cfg);
	s = sg_span_open(ctx, &c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(sg_chan_open(s, 1, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops,
					&u, err, sizeof(err)));
	printf("  wrong span: %s\n", err);
	sg_span_close(s);

	/* a DAHDI channel opens once */
	c = dahdi_emu_span_cfg(ctx, "R", SG_SPAN_E1, 1, true);
	s = sg_span_open(ctx, &c, err, sizeof(err));
	s2 = sg_span_open(ctx, &c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
	CU_ASSERT_PTR_NOT_NULL(sg_chan_open(s, 1, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops,
					    &u, err, sizeof(err)));
	CU_ASSERT_PTR_NULL(sg_chan_open(s2, 1, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops,
					&u, err, sizeof(err)));
	printf("  busy: %s\n", err);
	sg_span_close(s);
	sg_span_close(s2);
}

/* T1 at 56 kbit/s: DAHDI_HDLC_RATE 56, 7 bits of each octet carry HDLC; frames pass */
static void test_t1_56k(void)
{
	struct sg_span_cfg ca, cb;
	struct sg_span *a, *b;
	struct user *ua = talloc_zero(ctx, struct user), *ub = talloc_zero(ctx, struct user);
	uint8_t su[60];
	struct want w;
	char err[160];

	ua->name = "TA";
	ub->name = "TB";
	ca = dahdi_emu_span_cfg(ctx, "TA", SG_SPAN_T1, 1, true);
	cb = dahdi_emu_span_cfg(ctx, "TB", SG_SPAN_T1, 2, true);
	a = sg_span_open(ctx, &ca, err, sizeof(err));
	b = sg_span_open(ctx, &cb, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	ua->chan = sg_chan_open(a, 8, SG_ADAPTER_MODE_FRAMES, SG_CHAN_56K, &user_ops, ua, err,
				sizeof(err));
	ub->chan = sg_chan_open(b, 8, SG_ADAPTER_MODE_FRAMES, SG_CHAN_56K, &user_ops, ub, err,
				sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ua->chan);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ub->chan);
	CU_ASSERT_TRUE(dahdi_emu_wait_synced(dahdi_emu_e1_channel(2, 8), 2000));
	for (unsigned int i = 0; i < 10; i++) {
		make_su(su, sizeof(su), i);
		u_send(ua, su, sizeof(su));
	}
	w = (struct want){ ub, 10 };
	if (!run_until(got_frames, &w, 3000))
		report(ub, 39);
	CU_ASSERT_EQUAL(ub->rx_n, 10);
	for (unsigned int i = 0; i < 10 && i < ub->rx_n; i++) {
		make_su(su, sizeof(su), i);
		CU_ASSERT_EQUAL(memcmp(ub->rx[i], su, sizeof(su)), 0);
		CU_ASSERT_TRUE(fcs_ok(ub->rx[i], ub->rx_len[i]));
	}
	sg_span_close(a);
	sg_span_close(b);
	talloc_free(ua);
	talloc_free(ub);
}

/* ---- DAHDI as the kernel behaves: dchan/mtp2, 56k, alarms, removal, bundles ---- */

/* the driver's log, kept in a ring buffer to check what it says */
static struct log_target *log_rb;

static void log_capture_start(void)
{
	if (log_rb)
		log_target_destroy(log_rb);
	log_rb = log_target_create_rb(256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(log_rb);
	log_set_all_filter(log_rb, 1);
	log_set_category_filter(log_rb, DADP, 1, LOGL_DEBUG);
	log_add_target(log_rb);
}

/* log lines since log_capture_start() containing both strings (b may be NULL) */
static unsigned int log_count(const char *a, const char *b)
{
	unsigned int n = 0;

	for (size_t i = 0; log_rb && i < log_target_rb_used_size(log_rb); i++) {
		const char *l = log_target_rb_get(log_rb, i);

		if (l && strstr(l, a) && (!b || strstr(l, b)))
			n++;
	}
	return n;
}

static int raw_open(int channo)
{
	int fd = open("/dev/dahdi/channel", O_RDWR | O_NONBLOCK);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(ioctl(fd, DAHDI_SPECIFY, &channo), 0);
	return fd;
}

/* Item 10: a 'dchan' channel (DAHDI_SIG_HDLCFCS, the usual signalling channel: the kernel's
 * HDLC is on from system.conf and DAHDI_HDLCFCSMODE is refused there) carries frames; an
 * 'mtp2' channel is refused, with a message that names it */
static void test_dchan_mtp2(void)
{
	struct pair p;
	struct want w;
	struct sg_span_cfg c;
	struct sg_span *s;
	struct user *u;
	struct json_object *info, *ch0;
	uint8_t su[20], room[22];
	char err[160];
	const char *sig;
	int fd;

	emu("sig 9 dchan");
	emu("sig 40 dchan");
	pair_open(&p, true, 9);
	make_su(su, sizeof(su), 9);
	u_send(p.ua, su, sizeof(su));
	make_su(su, sizeof(su), 10);
	u_send(p.ub, su, sizeof(su));
	w = (struct want){ p.ub, 1 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	w = (struct want){ p.ua, 1 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	CU_ASSERT_EQUAL(p.ub->rx_n, 1);
	CU_ASSERT_EQUAL(p.ua->rx_n, 1);
	make_su(su, sizeof(su), 9);
	CU_ASSERT_EQUAL(p.ub->rx_len[0], sizeof(su) + 2);
	CU_ASSERT_EQUAL(memcmp(p.ub->rx[0], su, sizeof(su)), 0);
	CU_ASSERT_TRUE(fcs_ok(p.ub->rx[0], p.ub->rx_len[0]));
	make_su(su, sizeof(su), 10);
	CU_ASSERT_EQUAL(memcmp(p.ua->rx[0], su, sizeof(su)), 0);
	CU_ASSERT_TRUE(fcs_ok(p.ua->rx[0], p.ua->rx_len[0]));
	info = p.a->drv->span_info(p.a);
	ch0 = json_object_array_get_idx(json_object_object_get(info, "channels"), 0);
	sig = json_object_get_string(json_object_object_get(ch0, "signalling"));
	CU_ASSERT_STRING_EQUAL(sig ? sig : "", "dchan");
	json_object_put(info);
	pair_close(&p);
	emu("sig 9 clear");
	emu("sig 40 clear");

	/* mtp2: refused, and the log says why */
	emu("sig 10 mtp2");
	log_capture_start();
	c = dahdi_emu_span_cfg(ctx, "M", SG_SPAN_E1, 1, true);
	s = sg_span_open(ctx, &c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	u = talloc_zero(ctx, struct user);
	CU_ASSERT_PTR_NULL(sg_chan_open(s, 10, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops,
					u, err, sizeof(err)));
	CU_ASSERT_EQUAL(log_count("signalling is mtp2", "repeats"), 1);
	sg_span_close(s);

	/* why (the emulation as the kernel): one frame written on an mtp2 channel arrives at
	 * the far end again and again */
	c = dahdi_emu_span_cfg(ctx, "M", SG_SPAN_E1, 2, true);
	s = sg_span_open(ctx, &c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	u->name = "M2";
	u->chan = sg_chan_open(s, 10, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, u, err,
			       sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(u->chan);
	fd = raw_open(10);
	make_su(room, sizeof(su), 11);
	CU_ASSERT_EQUAL(write(fd, room, sizeof(room)), (ssize_t)sizeof(room));
	w = (struct want){ u, 3 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	for (unsigned int i = 0; i < u->rx_n && i < MAX_FRAMES; i++)
		CU_ASSERT_EQUAL(memcmp(u->rx[i], room, sizeof(su)), 0);
	close(fd);
	sg_span_close(s);
	talloc_free(u);
	emu("sig 10 clear");
}

/* Item 12: the 56 kbit/s setting stays with a DAHDI channel across close and open, so the
 * driver sets the rate every time; a hardhdlc channel cannot do 56k and is refused */
static void test_rate_56k_not_sticky(void)
{
	struct sg_span_cfg ca, cb;
	struct sg_span *a, *b;
	struct user *ua = talloc_zero(ctx, struct user), *ub = talloc_zero(ctx, struct user);
	struct sg_chan *chan;
	struct want w;
	uint8_t su[30];
	char err[160];

	ua->name = "TA";
	ub->name = "TB";
	ca = dahdi_emu_span_cfg(ctx, "TA", SG_SPAN_T1, 1, true);
	cb = dahdi_emu_span_cfg(ctx, "TB", SG_SPAN_T1, 2, true);
	a = sg_span_open(ctx, &ca, err, sizeof(err));
	b = sg_span_open(ctx, &cb, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	/* channel 11 is used at 56k once */
	chan = sg_chan_open(a, 11, SG_ADAPTER_MODE_FRAMES, SG_CHAN_56K, &user_ops, ua, err,
			    sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(chan);
	sg_chan_close(chan);
	/* then at 64k, against a 64k far end: frames pass both ways */
	ua->chan = sg_chan_open(a, 11, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, ua, err,
				sizeof(err));
	ub->chan = sg_chan_open(b, 11, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, ub, err,
				sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ua->chan);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ub->chan);
	dahdi_emu_wait_synced(dahdi_emu_e1_channel(2, 11), 1000);
	dahdi_emu_wait_synced(dahdi_emu_e1_channel(1, 11), 1000);
	for (unsigned int i = 0; i < 5; i++) {
		make_su(su, sizeof(su), i);
		u_send(ua, su, sizeof(su));
		u_send(ub, su, sizeof(su));
	}
	w = (struct want){ ub, 5 };
	if (!run_until(got_frames, &w, 2000))
		report(ub, 42);
	w = (struct want){ ua, 5 };
	if (!run_until(got_frames, &w, 2000))
		report(ua, 11);
	CU_ASSERT_EQUAL(ua->rx_n, 5);
	CU_ASSERT_EQUAL(ub->rx_n, 5);
	for (unsigned int i = 0; i < 5 && i < ua->rx_n && i < ub->rx_n; i++) {
		make_su(su, sizeof(su), i);
		CU_ASSERT_EQUAL(memcmp(ub->rx[i], su, sizeof(su)), 0);
		CU_ASSERT_EQUAL(memcmp(ua->rx[i], su, sizeof(su)), 0);
	}

	/* hardhdlc: the card's HDLC ignores DAHDI_HDLC_RATE: 56k is refused, 64k opens */
	emu("sig 12 hardhdlc");
	log_capture_start();
	CU_ASSERT_PTR_NULL(sg_chan_open(a, 12, SG_ADAPTER_MODE_FRAMES, SG_CHAN_56K, &user_ops,
					ua, err, sizeof(err)));
	CU_ASSERT_EQUAL(log_count("hardhdlc", "64 kbit/s only"), 1);
	chan = sg_chan_open(a, 12, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, ua, err,
			    sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(chan);
	sg_chan_close(chan);
	emu("sig 12 clear");
	sg_span_close(a);
	sg_span_close(b);
	talloc_free(ua);
	talloc_free(ub);
}

/* Item 13: every alarm DAHDI reports counts, also RECOVER, LOOPBACK and NOTOPEN, at open */
static void test_alarm_at_open(void)
{
	static const struct {
		const char *name;
		uint32_t want;
	} cases[] = {
		{ "recover", SG_ALARM_LOF }, { "loopback", SG_ALARM_LOS },
		{ "notopen", SG_ALARM_LOS },
	};
	char cmd[64], err[160];

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sg_span_cfg c;
		struct sg_span *s;
		struct user *u = talloc_zero(ctx, struct user);
		struct alarm_want w;

		snprintf(cmd, sizeof(cmd), "alarm 1 %s", cases[i].name);
		emu(cmd);
		c = dahdi_emu_span_cfg(ctx, "AO", SG_SPAN_E1, 1, true);
		s = sg_span_open(ctx, &c, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		u->chan = sg_chan_open(s, 13, SG_ADAPTER_MODE_FRAMES, SG_CHAN_64K, &user_ops, u,
				       err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(u->chan);
		printf("\n  alarm %s at open: 0x%x", cases[i].name, u->alarms);
		CU_ASSERT_EQUAL(u->alarm_calls, 1);
		CU_ASSERT_EQUAL(u->alarms, cases[i].want);
		CU_ASSERT_EQUAL(s->alarms, cases[i].want);
		emu("alarm 1 none");
		w = (struct alarm_want){ u, SG_ALARM_NONE, 2 };
		CU_ASSERT_TRUE(run_until(got_alarm, &w, 2000));
		sg_span_close(s);
		talloc_free(u);
	}
}

struct nodev_want {
	unsigned int span;
	int fds;
};

static int emu_nodev(unsigned int span, unsigned long long *calls)
{
	char cmd[32], reply[128];
	unsigned long long c = 0;
	int fds = -1;

	snprintf(cmd, sizeof(cmd), "nodev %u", span);
	if (dahdi_emu(cmd, reply, sizeof(reply)) < 0 ||
	    sscanf(reply, "calls=%llu fds=%d", &c, &fds) != 2)
		return -1;
	if (calls)
		*calls = c;
	return fds;
}

static bool nodev_fds_are(void *arg)
{
	struct nodev_want *w = arg;

	return emu_nodev(w->span, NULL) == w->fds;
}

/* Item 11: a removed device (the kernel's nodev_fops: ENODEV after 5 ms, forever) is the
 * channel's loss: loss of signal to its user, the fd closed, logged once, reopened on a timer
 * once the device is back */
static void test_removed_device(void)
{
	struct pair p;
	struct alarm_want aw;
	struct nodev_want nw = { 1, 0 };
	struct want w;
	unsigned long long calls0, calls1;
	uint8_t su[16], frame[18];

	pair_open(&p, true, 14);
	log_capture_start();
	emu("remove 1");
	aw = (struct alarm_want){ p.ua, SG_ALARM_LOS, 1 };
	CU_ASSERT_TRUE(run_until(got_alarm, &aw, 2000));
	CU_ASSERT_EQUAL(p.a->alarms, SG_ALARM_LOS);
	/* the driver let go of its fd */
	CU_ASSERT_TRUE(run_until(nodev_fds_are, &nw, 2000));
	CU_ASSERT_EQUAL(ctr(p.a, "chan:lost"), 1);
	CU_ASSERT_EQUAL(ctr(p.a, "error:read"), 0);
	CU_ASSERT_EQUAL(ctr(p.a, "error:write"), 0);
	CU_ASSERT_EQUAL(ctr(p.a, "error:ioctl"), 0);
	/* nothing calls on the dead fd any more, and the loss was logged once */
	emu_nodev(1, &calls0);
	run_for(100);
	emu_nodev(1, &calls1);
	CU_ASSERT_EQUAL(calls1, calls0);
	printf("\n  %llu calls on the removed channel's fd", calls1);
	CU_ASSERT_EQUAL(log_count("(chan 14)", "gone"), 1);
	CU_ASSERT_EQUAL(log_count("(chan 14)", "No such device"), 0);
	/* frames sent meanwhile go nowhere, as on a broken line */
	memset(frame, 0x42, sizeof(frame));
	CU_ASSERT_EQUAL(sg_chan_tx_frame(p.ua->chan, frame, sizeof(frame)), 0);
	CU_ASSERT_EQUAL(ctr(p.a, "tx:discarded"), 1);
	/* span B, on the same thread, is still served */
	CU_ASSERT_EQUAL(p.b->alarms, 0);

	/* the device is back: the channel opens again and the loss of signal clears */
	emu("restore 1");
	aw = (struct alarm_want){ p.ua, SG_ALARM_NONE, 2 };
	CU_ASSERT_TRUE(run_until(got_alarm, &aw, 3000));
	CU_ASSERT_EQUAL(ctr(p.a, "chan:reopened"), 1);
	CU_ASSERT_TRUE(dahdi_emu_wait_synced(dahdi_emu_e1_channel(1, 14), 2000));
	CU_ASSERT_TRUE(dahdi_emu_wait_synced(dahdi_emu_e1_channel(2, 14), 2000));
	make_su(su, sizeof(su), 14);
	u_send(p.ua, su, sizeof(su));
	u_send(p.ub, su, sizeof(su));
	w = (struct want){ p.ub, 1 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	w = (struct want){ p.ua, 1 };
	CU_ASSERT_TRUE(run_until(got_frames, &w, 2000));
	CU_ASSERT_EQUAL(memcmp(p.ua->rx[0], su, sizeof(su)), 0);
	if (p.ub->rx_n)
		CU_ASSERT_EQUAL(memcmp(p.ub->rx[p.ub->rx_n - 1], su, sizeof(su)), 0);
	pair_close(&p);
}

static void wait_real(bool (*cond)(void *), void *arg, unsigned int timeout_ms)
{
	unsigned long long end = now_ms() + timeout_ms;
	struct timespec ms = { 0, 1000000 };

	/* without running the loop: the driver is late meanwhile */
	while (!cond(arg) && now_ms() < end)
		nanosleep(&ms, NULL);
}

static bool tx_underran(void *arg)
{
	return emu_stat((unsigned int)(unsigned long)arg, "tx_underruns") > 0;
}

struct bits_want {
	struct user *u;
	uint64_t n;
};

static bool got_bits_rx(void *arg)
{
	struct bits_want *w = arg;

	return w->u->bits_rx >= w->n;
}

/* The system.conf shapes the driver meets on real cards (as the emulation, after the kernel,
 * presents them): an unconfigured channel and a bundle slave are refused with a message
 * saying why, a bundle master reads its timeslots interleaved; and DAHDI_BUFFER_EVENTS, which
 * stays with a channel across opens, is turned off, so underruns do not become events */
static void test_channel_shapes(void)
{
	struct sg_span_cfg ca, cb;
	struct sg_span *a, *b;
	struct user *um = talloc_zero(ctx, struct user), *ux = talloc_zero(ctx, struct user);
	struct user *ub[3];
	struct bits_want bw;
	struct want w;
	char err[160];
	size_t first = 0, bad = 0, checked = 0;
	int fd, evt = 0, chan21 = dahdi_emu_e1_channel(1, 21);
	uint8_t o;

	ca = dahdi_emu_span_cfg(ctx, "A", SG_SPAN_E1, 1, false);
	cb = dahdi_emu_span_cfg(ctx, "B", SG_SPAN_E1, 2, false);
	a = sg_span_open(ctx, &ca, err, sizeof(err));
	b = sg_span_open(ctx, &cb, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	log_capture_start();

	/* not in system.conf: DAHDI_SPECIFY fails with ENXIO (dahdi_specchan_open()) */
	emu("sig 22 none");
	CU_ASSERT_PTR_NULL(sg_chan_open(a, 22, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops, ux,
					err, sizeof(err)));
	CU_ASSERT_EQUAL(log_count("(chan 22)", "not configured"), 1);
	emu("sig 22 clear");

	/* clear=18-20: 19 is a slave (EBUSY), 18 carries 18, 19 and 20 interleaved */
	emu("bundle 18 20");
	CU_ASSERT_PTR_NULL(sg_chan_open(a, 19, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops, ux,
					err, sizeof(err)));
	CU_ASSERT_EQUAL(log_count("(chan 19)", "bundle"), 1);
	um->name = "master";
	um->bits_cap = 3000;
	um->bits_buf = talloc_size(um, um->bits_cap);
	um->chan = sg_chan_open(a, 18, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops, um, err,
				sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(um->chan);
	for (int i = 0; i < 3; i++) {
		ub[i] = talloc_zero(ctx, struct user);
		ub[i]->tx_fill = 0x11 * (i + 1);
		ub[i]->chan = sg_chan_open(b, 18 + i, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops,
					   ub[i], err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(ub[i]->chan);
	}
	w = (struct want){ um, um->bits_cap };
	CU_ASSERT_TRUE(run_until(got_bits, &w, 3000));
	while (first + 3 <= um->bits_len && !(um->bits_buf[first] == 0x11 &&
	       um->bits_buf[first + 1] == 0x22 && um->bits_buf[first + 2] == 0x33))
		first++;
	CU_ASSERT_TRUE(first + 3 <= um->bits_len);
	for (size_t i = first; i < um->bits_len; i++) {
		o = um->bits_buf[i];
		if (o == 0xff)
			continue;	/* that timeslot idled (an underrun at B) */
		checked++;
		bad += o != 0x11 * ((i - first) % 3 + 1);
	}
	printf("\n  bundle master: %zu octets checked, %zu out of place", checked, bad);
	CU_ASSERT_TRUE(checked > 1000);
	CU_ASSERT_EQUAL(bad, 0);
	sg_chan_close(um->chan);
	for (int i = 0; i < 3; i++) {
		sg_chan_close(ub[i]->chan);
		talloc_free(ub[i]);
	}
	emu("sig 18 clear");

	/* a previous user left DAHDI_BUFFER_EVENTS on: an idle clear channel then has
	 * DAHDI_EVENT_WRITE_UNDERRUN at once */
	fd = raw_open(chan21);
	CU_ASSERT_EQUAL(ioctl(fd, DAHDI_BUFFER_EVENTS, &(int){ 1 }), 0);
	for (unsigned long long end = now_ms() + 1000; now_ms() < end;) {
		uint8_t buf[64];

		if (read(fd, buf, sizeof(buf)) < 0 && errno == ELAST) {
			CU_ASSERT_EQUAL(ioctl(fd, DAHDI_GETEVENT, &evt), 0);
			break;
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	CU_ASSERT_EQUAL(evt, DAHDI_EVENT_WRITE_UNDERRUN);
	close(fd);
	/* the driver turns them off: a stall (the line idles for want of data) is counted,
	 * no event comes */
	ux->name = "X";
	ux->chan = sg_chan_open(a, 21, SG_ADAPTER_MODE_BITS, SG_CHAN_64K, &user_ops, ux, err,
				sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ux->chan);
	bw = (struct bits_want){ ux, 800 };
	CU_ASSERT_TRUE(run_until(got_bits_rx, &bw, 2000));
	wait_real(tx_underran, (void *)(unsigned long)chan21, 2000);
	CU_ASSERT_TRUE(tx_underran((void *)(unsigned long)chan21));
	bw = (struct bits_want){ ux, ux->bits_rx + 800 };
	CU_ASSERT_TRUE(run_until(got_bits_rx, &bw, 2000));
	CU_ASSERT_EQUAL(ctr(a, "event:underrun"), 0);
	CU_ASSERT_EQUAL(ux->err[SG_ADAPTER_ERR_UNDERRUN], 0);
	sg_span_close(a);
	sg_span_close(b);
	talloc_free(um);
	talloc_free(ux);
}

/* The control socket (DAHDI_EMU_CTL) answers as the in-process API does */
static void test_control_socket(void)
{
	const char *path = getenv("DAHDI_EMU_CTL");
	struct sockaddr_un to = { .sun_family = AF_UNIX }, me = { .sun_family = AF_UNIX };
	char reply[512];
	struct pollfd pfd;
	ssize_t n;
	int fd;

	if (!path) {
		printf("\n  DAHDI_EMU_CTL not set: control socket not checked\n");
		return;
	}
	snprintf(to.sun_path, sizeof(to.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t)), 0);
	for (int i = 0; i < 2; i++) {
		const char *cmd = i ? "frobnicate 1" : "stats 1";

		CU_ASSERT_EQUAL(sendto(fd, cmd, strlen(cmd), 0, (struct sockaddr *)&to, sizeof(to)),
				(ssize_t)strlen(cmd));
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		CU_ASSERT_EQUAL_FATAL(poll(&pfd, 1, 2000), 1);
		n = recv(fd, reply, sizeof(reply) - 1, 0);
		CU_ASSERT_FATAL(n > 0);
		reply[n] = 0;
		if (i)
			CU_ASSERT_EQUAL(strncmp(reply, "error: ", 7), 0)
		else
			CU_ASSERT_PTR_NOT_NULL(strstr(reply, "open=0"));
	}
	close(fd);
}

/* ---- MTP2 over the emulation: signalling link terminals on two cabled DAHDI spans ---- */

struct l2end {
	struct sg_span *span;
	struct sg_slt *slt;
	struct sg_span_cfg cfg;
	bool in_service;
	unsigned int oos, rx_msu, rx_bad;
	uint8_t oos_reason;
};

static void l2_ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		   const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	struct l2end *e = priv;

	switch (prim) {
	case SG_MTP2_IN_SERVICE:
		e->in_service = true;
		break;
	case SG_MTP2_OUT_OF_SERVICE:
		e->in_service = false;
		e->oos++;
		e->oos_reason = param->reason;
		break;
	case SG_MTP2_DATA:
		if (!msg || msgb_l3len(msg) != 20 || msg->l3h[0] != 0x83 ||
		    msg->l3h[1] != (e->rx_msu & 0xff))
			e->rx_bad++;
		e->rx_msu++;
		break;
	default:
		break;
	}
	msgb_free(msg);
}

static bool l2_both_in_service(void *arg)
{
	struct l2end *e = arg;

	return e[0].in_service && e[1].in_service;
}

static bool l2_both_down(void *arg)
{
	struct l2end *e = arg;

	return !e[0].in_service && !e[1].in_service;
}

static bool l2_both_got(void *arg)
{
	struct l2end *e = arg;

	return e[0].rx_msu >= 50 && e[1].rx_msu >= 50;
}

/* Emergency alignment (Q.703 §7, proving 0.5 s), then 50 MSUs each way */
static void mtp2_over_emu(bool hdlc, unsigned int ts)
{
	struct l2end e[2];
	char err[160];

	memset(e, 0, sizeof(e));
	for (int i = 0; i < 2; i++) {
		struct sg_slt_cfg scfg = { .name = i ? "b" : "a", .link_id = i, .ts = ts };

		e[i].cfg = dahdi_emu_span_cfg(ctx, i ? "B" : "A", SG_SPAN_E1, i + 1, hdlc);
		e[i].span = sg_span_open(ctx, &e[i].cfg, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(e[i].span);
		e[i].slt = sg_slt_open(ctx, e[i].span, &scfg, l2_ind, &e[i], err, sizeof(err));
		if (!e[i].slt)
			fprintf(stderr, "%s\n", err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e[i].slt);
		CU_ASSERT_EQUAL(sg_slt_mode(e[i].slt), hdlc ? SG_ADAPTER_MODE_FRAMES :
							      SG_ADAPTER_MODE_BITS);
	}
	for (int i = 0; i < 2; i++) {
		sg_mtp2_l3_req(sg_slt_mtp2(e[i].slt), SG_MTP2_EMERGENCY, NULL, NULL);
		sg_mtp2_l3_req(sg_slt_mtp2(e[i].slt), SG_MTP2_START, NULL, NULL);
	}
	CU_ASSERT_TRUE(run_until(l2_both_in_service, e, 5000));
	for (int i = 0; i < 2 && e[0].in_service && e[1].in_service; i++) {
		for (unsigned int k = 0; k < 50; k++) {
			struct msgb *msg = sg_msgb_alloc(64, "msu");

			msg->l3h = msgb_put(msg, 20);
			memset(msg->l3h, 0x5a, 20);
			msg->l3h[0] = 0x83;	/* SIO: national, SCCP */
			msg->l3h[1] = k;
			sg_mtp2_l3_req(sg_slt_mtp2(e[i].slt), SG_MTP2_DATA, NULL, msg);
		}
	}
	CU_ASSERT_TRUE(run_until(l2_both_got, e, 5000));
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(e[i].rx_msu, 50);
		CU_ASSERT_EQUAL(e[i].rx_bad, 0);
		CU_ASSERT_EQUAL(e[i].oos, 0);
		CU_ASSERT_TRUE(e[i].in_service);
	}
	if (getenv("TEST_DEBUG"))
		for (int i = 0; i < 2; i++)
			fprintf(stderr, "%s\n", json_object_to_json_string(
				sg_slt_to_json(e[i].slt, true)));

	/* Q.703 §1.7: a span alarm (red: loss of frame alignment) on A's E1
	 * is a link failure for A's MTP2; once it clears the link realigns */
	CU_ASSERT_EQUAL(dahdi_emu("alarm 1 red", err, sizeof(err)), 0);
	CU_ASSERT_TRUE(run_until(l2_both_down, e, 2000));
	CU_ASSERT_EQUAL(e[0].oos_reason, SG_MTP2_OOS_LINK_FAIL);
	/* B: A's MTP2 sends SIOS after its link failure (Q.703 §1.7) */
	CU_ASSERT_EQUAL(e[1].oos_reason, SG_MTP2_OOS_SIOS);
	CU_ASSERT_EQUAL(dahdi_emu("alarm 1 none", err, sizeof(err)), 0);
	for (int i = 0; i < 2; i++) {
		sg_mtp2_l3_req(sg_slt_mtp2(e[i].slt), SG_MTP2_EMERGENCY, NULL, NULL);
		sg_mtp2_l3_req(sg_slt_mtp2(e[i].slt), SG_MTP2_START, NULL, NULL);
	}
	CU_ASSERT_TRUE(run_until(l2_both_in_service, e, 5000));
	for (int i = 0; i < 2; i++) {
		sg_slt_close(e[i].slt);
		sg_span_close(e[i].span);
	}
}

/* MTP2 with our software HDLC over clear channels */
static void test_mtp2_bits(void)
{
	mtp2_over_emu(false, 16);
}

/* MTP2 over DAHDI's HDLC (frames) */
static void test_mtp2_frames(void)
{
	mtp2_over_emu(true, 17);
}

static const struct cu_test tests[] = {
	{ "frames both ways with FCS", test_frames_both_ways },
	{ "hardhdlc channel", test_hardhdlc },
	{ "clear channel octets at 8000/s", test_bits_rate },
	{ "software HDLC vs DAHDI HDLC", test_soft_hdlc_interworking },
	{ "alarm raised and cleared", test_alarm },
	{ "abort, bad FCS, overrun", test_errors },
	{ "refusals", test_refusals },
	{ "T1 56 kbit/s HDLC", test_t1_56k },
	{ "dchan carries frames, mtp2 is refused by name", test_dchan_mtp2 },
	{ "56 kbit/s does not stick to a channel; hardhdlc refuses it", test_rate_56k_not_sticky },
	{ "RECOVER, LOOPBACK, NOTOPEN at open are alarms", test_alarm_at_open },
	{ "removed device: LOS, fd closed, logged once, reopened", test_removed_device },
	{ "unconfigured, bundled channels; buffer events off", test_channel_shapes },
	{ "control socket", test_control_socket },
	{ "MTP2 aligns, 50 MSUs each way, alarm = link failure, realigns: software HDLC over "
	  "clear channels", test_mtp2_bits },
	{ "MTP2 aligns, 50 MSUs each way, alarm = link failure, realigns: DAHDI HDLC",
	  test_mtp2_frames },
	{ NULL, NULL }
};

int main(void)
{
	if (!dahdi_emu_ctl_lookup()) {
		fprintf(stderr, "test_dahdi: not running under the DAHDI emulation "
			"(tests/dahdi_emu/dahdi-emu-run): skipped\n");
		return 77;
	}
	return cu_run_suite("dahdi driver over the DAHDI emulation", tests, suite_init,
			    suite_clean);
}
