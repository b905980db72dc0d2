/* Two signalling link terminals (HDLC + MTP2) on a simulated cable: alignment, MSUs, errors, alarms, traces. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>

#include <sg/adapter.h>
#include <sg/hdlc.h>
#include <sg/log.h>
#include <sg/slt.h>
#include <sg/timer.h>
#include "cu_main.h"
#include "cu_log.h"
#include "tshark.h"

/*
 * The "wire" test driver joins span "a" and span "b" back to back: every
 * 1 ms of virtual time it moves one millisecond of line octets of each open
 * timeslot from one span to the other (8 octets for 64 kbit/s, 248 for a
 * whole-E1 Annex A channel), optionally flipping bits at a given rate or
 * cutting the line.  In frame mode it carries frames, delivered on the next
 * tick.  The SLT, HDLC and MTP2 code under test is the real code.
 */
struct wire_frame {
	uint8_t data[300];
	size_t len;
};

static struct {
	struct sg_span *span[2];
	struct sg_timer tick;
	bool frames;		/* offer frame mode instead of bitstream */
	double ber;		/* bit error rate applied towards span a */
	uint64_t rng;
	bool cut;		/* line cut: receivers see all ones */
	struct wire_frame q[2][256];	/* [to span] */
	unsigned int qn[2];
	uint64_t octets;
} W;

static int span_idx(const struct sg_span *span)
{
	return span->name[0] == 'a' ? 0 : 1;
}

static void wire_tick(void *data)
{
	static uint8_t buf[32 * 8];

	for (unsigned int ts = 0; ts <= SG_SPAN_MAX_TS; ts++) {
		struct sg_chan *c[2] = { W.span[0] ? W.span[0]->chan[ts] : NULL,
					 W.span[1] ? W.span[1]->chan[ts] : NULL };

		if (!c[0] || !c[1] || c[0]->mode != SG_ADAPTER_MODE_BITS)
			continue;
		for (int from = 0; from < 2; from++) {
			size_t n = 8 * sg_chan_rate_octets(c[from]->rate);

			c[from]->ops->tx_bits(c[from]->user, buf, n);
			if (W.cut)
				memset(buf, 0xff, n);
			else if (W.ber > 0 && from == 1)
				sg_hdlc_corrupt(buf, n, W.ber, &W.rng);
			c[!from]->ops->rx_bits(c[!from]->user, buf, n);
			W.octets += n;
		}
	}
	for (int to = 0; to < 2; to++) {
		struct sg_chan *c = W.span[to] ? W.span[to]->chan[16] : NULL;
		unsigned int n = W.qn[to];

		W.qn[to] = 0;
		for (unsigned int i = 0; c && i < n; i++)
			if (!W.cut)
				c->ops->rx_frame(c->user, W.q[to][i].data, W.q[to][i].len);
	}
	sg_timer_start_ms(&W.tick, 1);
}

static int wire_span_open(struct sg_span *span)
{
	W.span[span_idx(span)] = span;
	if (!sg_timer_pending(&W.tick))
		sg_timer_start_ms(&W.tick, 1);
	return 0;
}

static void wire_span_close(struct sg_span *span)
{
	W.span[span_idx(span)] = NULL;
	if (!W.span[0] && !W.span[1])
		sg_timer_stop(&W.tick);
}

static bool wire_supports(const struct sg_span *span, enum sg_adapter_mode mode)
{
	return W.frames ? mode == SG_ADAPTER_MODE_FRAMES : mode == SG_ADAPTER_MODE_BITS;
}

static int wire_tx_frame(struct sg_chan *chan, const uint8_t *frame, size_t len)
{
	int to = !span_idx(chan->span);

	if (W.qn[to] == 256)
		return -EAGAIN;
	CU_ASSERT_FATAL(len <= sizeof(W.q[to][0].data));
	memcpy(W.q[to][W.qn[to]].data, frame, len);
	W.q[to][W.qn[to]++].len = len;
	return 0;
}

static struct sg_adapter_driver wire_driver = {
	.name = "wire",		/* stands in for a card; no settings of its own */
	.span_open = wire_span_open,
	.span_close = wire_span_close,
	.supports = wire_supports,
	.chan_tx_frame = wire_tx_frame,
};

/* ---- the two ends ---- */

struct end {
	struct sg_slt *slt;
	bool in_service;
	uint64_t in_service_at;
	unsigned int oos;
	uint8_t oos_reason;
	unsigned int rx_msu;
	uint32_t next_rx;	/* MSU sequence expected */
	unsigned int bad_msu;
};

static struct end E[2];

static void ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	struct end *e = priv;

	switch (prim) {
	case SG_MTP2_IN_SERVICE:
		e->in_service = true;
		e->in_service_at = sg_now();
		break;
	case SG_MTP2_OUT_OF_SERVICE:
		e->in_service = false;
		e->oos++;
		e->oos_reason = param->reason;
		break;
	case SG_MTP2_DATA: {
		uint8_t *p = msgb_l3(msg) ? msgb_l3(msg) : msg->data;
		uint32_t seq;

		/* SIO 0x85 (national, SI 5) + 4-octet label + 4-octet sequence */
		if (msgb_l3len(msg) != 13 || p[0] != 0x85) {
			e->bad_msu++;
		} else {
			memcpy(&seq, p + 9, 4);
			if (seq != e->next_rx)
				e->bad_msu++;
			e->next_rx = seq + 1;
		}
		e->rx_msu++;
		break;
	}
	default:
		break;
	}
	msgb_free(msg);
}

static void send_msu(struct end *e, uint32_t seq)
{
	struct msgb *msg = sg_msgb_alloc(128, "msu");

	msgb_reserve(msg, 16);
	msg->l3h = msgb_put(msg, 13);
	msg->l3h[0] = 0x85;
	memset(msg->l3h + 1, 0x11, 8);
	memcpy(msg->l3h + 9, &seq, 4);
	CU_ASSERT_EQUAL(sg_mtp2_l3_req(sg_slt_mtp2(e->slt), SG_MTP2_DATA, NULL, msg), 0);
}

static struct sg_span *spans[2];

static void teardown(void);

static void setup(unsigned int ts, bool annex_a, bool frames)
{
	char err[256];

	/* a test that failed fatally left its ends behind */
	if (E[0].slt || E[1].slt || spans[0] || spans[1])
		teardown();
	sg_timer_stop(&W.tick);
	memset(&W, 0, sizeof(W));
	memset(E, 0, sizeof(E));
	W.frames = frames;
	W.rng = 0x1234567;
	sg_clock_virtual(0);
	sg_timer_setup(&W.tick, wire_tick, NULL);
	for (int i = 0; i < 2; i++) {
		struct sg_slt_cfg scfg = { .name = i ? "b" : "a", .link_id = i, .ts = ts,
					   .annex_a = annex_a };

		struct sg_span_cfg span_cfg = { .name = i ? "b" : "a", .type = SG_SPAN_E1,
						.driver = "wire" };

		spans[i] = sg_span_open(NULL, &span_cfg, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(spans[i]);
		E[i].slt = sg_slt_open(NULL, spans[i], &scfg, ind, &E[i], err, sizeof(err));
		if (!E[i].slt)
			fprintf(stderr, "%s\n", err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(E[i].slt);
	}
}

static void teardown(void)
{
	for (int i = 0; i < 2; i++) {
		sg_slt_close(E[i].slt);
		E[i].slt = NULL;
		sg_span_close(spans[i]);
		spans[i] = NULL;
	}
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	sg_clock_monotonic();
}

static void start_both(bool emergency)
{
	for (int i = 0; i < 2; i++) {
		if (emergency)
			sg_mtp2_l3_req(sg_slt_mtp2(E[i].slt), SG_MTP2_EMERGENCY, NULL, NULL);
		sg_mtp2_l3_req(sg_slt_mtp2(E[i].slt), SG_MTP2_START, NULL, NULL);
	}
}

/* advance in 1 ms steps until both ends are in service or limit_ms passed */
static bool run_until_in_service(unsigned int limit_ms)
{
	for (unsigned int t = 0; t < limit_ms; t++) {
		if (E[0].in_service && E[1].in_service)
			return true;
		sg_clock_advance_ms(1);
	}
	if (getenv("SLT_DEBUG"))
		for (int i = 0; i < 2; i++) {
			struct json_object *o = sg_slt_to_json(E[i].slt, true);

			fprintf(stderr, "%s\n", json_object_to_json_string(o));
			json_object_put(o);
		}
	return E[0].in_service && E[1].in_service;
}

static void exchange_msus(unsigned int n)
{
	for (uint32_t i = 0; i < n; i++) {
		send_msu(&E[0], i);
		send_msu(&E[1], i);
		if (i % 8 == 7)
			sg_clock_advance_ms(10);
	}
	sg_clock_advance_ms(2000);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(E[i].rx_msu, n);
		CU_ASSERT_EQUAL(E[i].bad_msu, 0);
		CU_ASSERT_TRUE(E[i].in_service);
		CU_ASSERT_EQUAL(sg_mtp2_rtb_len(sg_slt_mtp2(E[i].slt)), 0);
	}
}

/* Q.703 §7: normal alignment through our HDLC at 64 kbit/s: in service after
 * the normal proving period (T4 = Pn, 8.2 s by default), then MSUs flow. */
static void test_align_64k_and_msus(void)
{
	setup(16, false, false);
	start_both(false);
	CU_ASSERT_TRUE_FATAL(run_until_in_service(20000));
	for (int i = 0; i < 2; i++) {
		CU_ASSERT(E[i].in_service_at >= 8200 * SG_NS_PER_MS);
		CU_ASSERT(E[i].in_service_at <= 9500 * SG_NS_PER_MS);
	}
	exchange_msus(200);
	/* fill-in: the line carried roughly 8000 octets/s each way */
	CU_ASSERT(W.octets > 2 * 8000 * 10);
	teardown();
}

/* Q.703 §7.3: emergency proving (Pe = 0.5 s). */
static void test_align_emergency(void)
{
	setup(16, false, false);
	start_both(true);
	CU_ASSERT_TRUE_FATAL(run_until_in_service(5000));
	for (int i = 0; i < 2; i++)
		CU_ASSERT(E[i].in_service_at <= 1500 * SG_NS_PER_MS);
	teardown();
}

/* Q.703 §10.2: a high error rate takes the link out of service through
 * SUERM; the HDLC reports the errored SUs. */
static void test_suerm_takes_link_down(void)
{
	setup(16, false, false);
	start_both(true);
	CU_ASSERT_TRUE_FATAL(run_until_in_service(5000));
	/* errors on the line towards A only: A's SUERM must count them; a
	 * bit error rate of 1e-2 hits nearly every SU: SUERM's count rises
	 * by one per errored SU and reaches T = 64 within about 64 SUs
	 * (Q.703 §10.2), i.e. well under a second at 64 kbit/s */
	W.ber = 1e-2;
	for (unsigned int t = 0; t < 5000 && E[0].in_service; t++)
		sg_clock_advance_ms(1);
	CU_ASSERT_FALSE(E[0].in_service);
	CU_ASSERT_EQUAL(E[0].oos_reason, SG_MTP2_OOS_SUERM);
	CU_ASSERT(sg_now() - E[0].in_service_at < 1000 * SG_NS_PER_MS);
	teardown();
}

/* Q.703 §1.7: an adapter alarm (line fault) is a link failure. */
static void test_alarm_is_link_failure(void)
{
	setup(16, false, false);
	start_both(true);
	CU_ASSERT_TRUE_FATAL(run_until_in_service(5000));
	sg_span_set_alarms(spans[0], SG_ALARM_LOS);
	sg_clock_advance_ms(1);
	CU_ASSERT_FALSE(E[0].in_service);
	CU_ASSERT_EQUAL(E[0].oos_reason, SG_MTP2_OOS_LINK_FAIL);
	/* B sees SIOS from A and goes out of service too (Q.703 §11.1.3) */
	sg_clock_advance_ms(100);
	CU_ASSERT_FALSE(E[1].in_service);
	sg_span_set_alarms(spans[0], 0);
	teardown();
}

/* Q.703 Annex A: a whole-E1 link (1.984 Mbit/s), 12-bit sequence numbers
 * and EIM, comes into service and carries MSUs. */
static void test_annex_a_whole_e1(void)
{
	setup(0, true, false);
	start_both(false);
	CU_ASSERT_TRUE_FATAL(run_until_in_service(120000));
	exchange_msus(500);
	teardown();
}

/* Frame mode (a card doing HDLC): FISU/LSSU repeated, alignment, MSUs. */
static void test_frame_mode(void)
{
	setup(16, false, true);
	CU_ASSERT_EQUAL(sg_slt_mode(E[0].slt), SG_ADAPTER_MODE_FRAMES);
	start_both(true);
	CU_ASSERT_TRUE_FATAL(run_until_in_service(5000));
	exchange_msus(100);
	teardown();
}

/* The pcap trace is LINKTYPE_MTP2_WITH_PHDR; tshark (if installed) reads
 * it without a malformed frame. */
static void test_trace_pcap(void)
{
	char path[] = "/tmp/sg-slt-XXXXXX.pcap";
	int fd = mkstemps(path, 5);
	FILE *f;
	long size;

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	setup(16, false, false);
	CU_ASSERT_EQUAL(sg_slt_trace_start(E[0].slt, path, false), 0);
	start_both(true);
	CU_ASSERT_TRUE_FATAL(run_until_in_service(5000));
	exchange_msus(20);
	teardown();	/* closes the trace */
	f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	CU_ASSERT(size > 24 + 40 * 16);	/* header + at least the 40 MSUs */
	if (tshark_available()) {
		CU_ASSERT(tshark_count(path, "", "mtp2") >= 40);
		CU_ASSERT_EQUAL(tshark_malformed(path, ""), 0);
	}
	unlink(path);
}

static int init(void)
{
	if (cu_log_init(DMTP2, "SLT_DEBUG", LOGL_ERROR) < 0)
		return -1;
	sg_log_set_level(DADP, LOGL_ERROR);
	return sg_adapter_driver_register(&wire_driver);
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "64 kbit/s: normal alignment within Pn..T4+, then 200 MSUs each way",
		  test_align_64k_and_msus },
		{ "64 kbit/s: emergency alignment within Pe", test_align_emergency },
		{ "bit errors: SUERM takes the link out of service", test_suerm_takes_link_down },
		{ "adapter alarm: link failure", test_alarm_is_link_failure },
		{ "Annex A whole E1: in service, 500 MSUs each way", test_annex_a_whole_e1 },
		{ "frame mode: in service, 100 MSUs each way", test_frame_mode },
		{ "pcap trace readable by tshark, 0 malformed", test_trace_pcap },
		{ NULL, NULL }
	};

	return cu_run_suite("slt", tests, init, cu_log_fini);
}
