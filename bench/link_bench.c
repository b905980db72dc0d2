/* Benchmark: how many 64 kbit/s SS7 links (HDLC + MTP2, FISU fill) one core runs in real time. */

/*
 * N pairs of signalling link terminals (the real sg/tdm/slt.c: software HDLC
 * and MTP2) are cabled back to back by a bench driver that moves 1 ms of
 * line octets (8 per 64 kbit/s timeslot) per tick and per direction, in
 * virtual time.  The links are aligned first, then S simulated seconds of
 * FISU fill (and, with -m, MSU load) are run while the CPU time is
 * measured.  One link runs in real time on a core if it costs less than
 * 1 s of CPU per simulated second, so
 *
 *     links per core = links x simulated seconds / CPU seconds.
 *
 * The same run measures the HDLC alone (encode + decode of the same line
 * octets, without MTP2) as the baseline, and the memory of one link
 * (talloc_total_size of the link and its span).
 *
 *   bench/link_bench [-n PAIRS] [-s SECONDS] [-m MSUS_PER_SECOND]
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>

#include <sg/adapter.h>
#include <sg/hdlc.h>
#include <sg/log.h>
#include <sg/slt.h>
#include <sg/timer.h>

static unsigned int npairs = 500;
static struct sg_span **spans;	/* 2 per pair: [2i] and [2i+1] are cabled */
static struct sg_slt **slts;
static unsigned int in_service;
static struct sg_timer tick;

static void tick_cb(void *data)
{
	uint8_t buf[8];

	for (unsigned int i = 0; i < 2 * npairs; i++) {
		struct sg_chan *from = spans[i]->chan[16], *to = spans[i ^ 1]->chan[16];

		from->ops->tx_bits(from->user, buf, sizeof(buf));
		to->ops->rx_bits(to->user, buf, sizeof(buf));
	}
	sg_timer_start_ms(&tick, 1);
}

static int bench_span_open(struct sg_span *span)
{
	return 0;
}

static bool bench_supports(const struct sg_span *span, enum sg_adapter_mode mode)
{
	return mode == SG_ADAPTER_MODE_BITS;
}

static struct sg_adapter_driver bench_driver = {
	.name = "bench",	/* stands in for a card; no settings of its own */
	.span_open = bench_span_open,
	.supports = bench_supports,
};

static void ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	if (prim == SG_MTP2_IN_SERVICE)
		in_service++;
	else if (prim == SG_MTP2_OUT_OF_SERVICE)
		in_service--;
	msgb_free(msg);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The HDLC alone on the same traffic: a FISU stream, encoded and decoded. */
static size_t fisu_next(void *priv, uint8_t *buf, size_t max)
{
	static const uint8_t fisu[3] = { 0xff, 0xff, 0x00 };

	memcpy(buf, fisu, sizeof(fisu));
	return sizeof(fisu);
}

static double hdlc_only_links_per_core(unsigned int seconds)
{
	struct sg_hdlc_cfg cfg;
	struct sg_hdlc_tx *tx = calloc(1, sizeof(*tx));
	struct sg_hdlc_rx *rx = calloc(1, sizeof(*rx));
	static const struct sg_hdlc_rx_ops ops = { 0 };
	uint8_t buf[8];
	double t0, cpu;
	uint64_t ms = 0;

	sg_hdlc_cfg_q703(&cfg, SG_HDLC_BASIC, 0);
	sg_hdlc_tx_init(tx, &cfg, fisu_next, NULL);
	sg_hdlc_rx_init(rx, &cfg, &ops, NULL);
	t0 = cpu_seconds();
	/* one direction of one link for 'seconds' x npairs x 2 */
	for (ms = 0; ms < (uint64_t)seconds * 1000 * 2 * npairs; ms++) {
		sg_hdlc_tx_fill(tx, buf, sizeof(buf));
		sg_hdlc_rx_feed(rx, buf, sizeof(buf));
	}
	cpu = cpu_seconds() - t0;
	free(tx);
	free(rx);
	return 2.0 * npairs * seconds / cpu;
}

int main(int argc, char **argv)
{
	unsigned int seconds = 10, msu_rate = 0;
	double t0, cpu;
	size_t mem_link;
	char err[256];
	int c;

	while ((c = getopt(argc, argv, "n:s:m:")) != -1) {
		switch (c) {
		case 'n': npairs = atoi(optarg); break;
		case 's': seconds = atoi(optarg); break;
		case 'm': msu_rate = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-n PAIRS] [-s SECONDS] [-m MSUS_PER_SECOND]\n",
				argv[0]);
			return 2;
		}
	}
	sg_log_init(NULL, SG_LOG_STDERR, false);
	for (int i = 0; i < _SG_LOG_CAT_MAX; i++)
		sg_log_set_level(i, LOGL_FATAL);
	sg_adapter_driver_register(&bench_driver);
	sg_clock_virtual(0);

	spans = calloc(2 * npairs, sizeof(*spans));
	slts = calloc(2 * npairs, sizeof(*slts));
	for (unsigned int i = 0; i < 2 * npairs; i++) {
		struct sg_slt_cfg lcfg = { .name = "l", .link_id = i, .ts = 16 };

		char name[16];

		snprintf(name, sizeof(name), "s%u", i);
		spans[i] = sg_span_open(NULL, &(struct sg_span_cfg){ .name = name,
			.type = SG_SPAN_E1, .driver = "bench" }, err, sizeof(err));
		slts[i] = spans[i] ? sg_slt_open(NULL, spans[i], &lcfg, ind, NULL, err,
						 sizeof(err)) : NULL;
		if (!slts[i]) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	/* the SLT and the span are separate talloc trees (the channel hangs
	 * off the span) */
	mem_link = talloc_total_size(slts[0]) + talloc_total_size(spans[0]);

	/* align all (emergency proving), on the same line model */
	sg_timer_setup(&tick, tick_cb, NULL);
	sg_timer_start_ms(&tick, 1);
	for (unsigned int i = 0; i < 2 * npairs; i++) {
		sg_mtp2_l3_req(sg_slt_mtp2(slts[i]), SG_MTP2_EMERGENCY, NULL, NULL);
		sg_mtp2_l3_req(sg_slt_mtp2(slts[i]), SG_MTP2_START, NULL, NULL);
	}
	for (unsigned int t = 0; t < 5000 && in_service < 2 * npairs; t++)
		sg_clock_advance_ms(1);
	if (in_service != 2 * npairs) {
		fprintf(stderr, "only %u of %u links in service\n", in_service, 2 * npairs);
		return 1;
	}

	/* the measured run: FISU fill (plus MSUs at msu_rate per link) */
	t0 = cpu_seconds();
	for (unsigned int ms = 0; ms < seconds * 1000; ms++) {
		/* msu_rate MSUs per second per link, spread over the ms */
		unsigned int k = ((uint64_t)(ms + 1) * msu_rate) / 1000 -
				 ((uint64_t)ms * msu_rate) / 1000;

		while (k--) {
			for (unsigned int i = 0; i < 2 * npairs; i++) {
				struct msgb *msg = sg_msgb_alloc(64, "msu");

				msg->l3h = msgb_put(msg, 50);
				memset(msg->l3h, 0x55, 50);
				msg->l3h[0] = 0x85;
				sg_mtp2_l3_req(sg_slt_mtp2(slts[i]), SG_MTP2_DATA, NULL, msg);
			}
		}
		sg_clock_advance_ms(1);
	}
	cpu = cpu_seconds() - t0;
	if (in_service != 2 * npairs) {
		fprintf(stderr, "links went out of service during the run\n");
		return 1;
	}

	printf("links (HDLC + MTP2, FISU fill, %u MSUs/s of 50 octets per link): "
	       "%u links x %u s simulated in %.3f s CPU\n", msu_rate, 2 * npairs, seconds, cpu);
	printf("  links per core, HDLC + MTP2: %.0f\n", 2.0 * npairs * seconds / cpu);
	{
		double base = hdlc_only_links_per_core(seconds);

		printf("  links per core, HDLC alone (same line octets, baseline): %.0f\n", base);
		printf("  ratio HDLC+MTP2 / HDLC alone: %.3f\n", (2.0 * npairs * seconds / cpu) / base);
	}
	printf("  memory per link (SLT: MTP2 + HDLC rx/tx + counters, and its span): %zu bytes\n",
	       mem_link);

	sg_timer_stop(&tick);
	for (unsigned int i = 0; i < 2 * npairs; i++) {
		sg_slt_close(slts[i]);
		sg_span_close(spans[i]);
	}
	free(slts);
	free(spans);
	sg_log_fini();
	return 0;
}
