/* libFuzzer target: MTP2 SU decoder (Q.703 §2, Annex A) and a link in service fed any SUs. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/mtp2.h>
#include <sg/timer.h>

#include "fuzz.h"

/*
 * Input: byte 0 selects the configuration (bit 0 Annex A 12-bit sequence
 * numbers, bit 1 PCR, bit 2 EIM).  The rest is a list of records:
 *   0 len su[len]   a received SU (also decoded standalone in both formats)
 *   1 ev            an errored SU / octet counting event / loss of alignment
 *   2 ms            advance virtual time by ms * 8 milliseconds
 *   3 prim [fsnc]   a level 3 request (fsnc for RETRIEVAL_REQ)
 *   4 n             the transmitter pulls n SUs
 *   5 len           level 3 sends an MSU of len octets
 *   6 on            adapter alarm on/off
 *   7 mode          receive congestion hook
 * Each input starts from a fresh link brought into service (emergency
 * proving) so that every run is reproducible.
 */

/* The counter group is plain memory here (sg/rt/counter.c also serves JSON,
 * which this target does not link). */
struct sg_ctr_group *sg_ctr_group_alloc(void *ctx, const struct sg_ctr_group_desc *desc)
{
	struct sg_ctr_group *g = talloc_zero_size(ctx, sizeof(*g) + desc->num * sizeof(uint64_t));

	if (g)
		g->desc = desc;
	return g;
}

static unsigned long n_ind;

static void ind_cb(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		   const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	n_ind++;
	if (msg) {
		/* an MSU handed up is SIO+SIF, within the limits */
		if (msgb_l3len(msg) < 3 || msgb_l3len(msg) > SG_MTP2_MAX_SIF + 1)
			abort();
		msgb_free(msg);
	}
}

static void check_decode(const uint8_t *su, size_t len, bool ext)
{
	struct sg_mtp2_su d;
	uint8_t buf[SG_MTP2_SU_MAX];
	size_t n;

	if (sg_mtp2_su_decode(&d, su, len, ext, SG_MTP2_MAX_SIF) != SG_MTP2_SU_OK)
		return;
	if (d.type == SG_MTP2_SU_MSU &&
	    (d.payload < su || d.payload + d.payload_len != su + len || d.payload_len < 3))
		abort();
	/* re-encoding a decoded SU gives the same header fields back */
	n = sg_mtp2_su_encode(buf, sizeof(buf), &d, ext);
	if (n != len)
		abort();
	if (d.type == SG_MTP2_SU_MSU && memcmp(buf + n - d.payload_len, d.payload, d.payload_len))
		abort();
}

static void feed_lssu(struct sg_mtp2_link *l, bool ext, uint8_t st)
{
	struct sg_mtp2_su su = { .type = SG_MTP2_SU_LSSU, .status = st, .bsn = ext ? 4095 : 127,
				 .fsn = ext ? 4095 : 127, .bib = true, .fib = true };
	uint8_t buf[16];
	size_t n = sg_mtp2_su_encode(buf, sizeof(buf), &su, ext);

	sg_mtp2_rx_su(l, buf, n);
}

static struct sg_mtp2_link *bring_up(void *ctx, const struct sg_mtp2_cfg *cfg)
{
	struct sg_mtp2_link *l = sg_mtp2_link_alloc(ctx, cfg, ind_cb, NULL);
	struct sg_mtp2_su su = { .type = SG_MTP2_SU_FISU, .bsn = cfg->ext_seq ? 4095 : 127,
				 .fsn = cfg->ext_seq ? 4095 : 127, .bib = true, .fib = true };
	uint8_t buf[16];

	if (!l)
		abort();
	sg_mtp2_l3_req(l, SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(l, SG_MTP2_START, NULL, NULL);
	feed_lssu(l, cfg->ext_seq, SG_MTP2_SIE);
	feed_lssu(l, cfg->ext_seq, SG_MTP2_SIE);
	sg_clock_advance_ms(700);
	sg_mtp2_rx_su(l, buf, sg_mtp2_su_encode(buf, sizeof(buf), &su, cfg->ext_seq));
	if (sg_mtp2_lsc_state(l) != SG_MTP2_LSC_IN_SERVICE)
		abort();
	return l;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	struct sg_mtp2_cfg cfg;
	struct sg_mtp2_link *l;
	uint8_t out[SG_MTP2_SU_MAX];
	void *ctx;
	size_t i = 1;

	if (!init) {
		sg_log_init(NULL, SG_LOG_STDERR, false);
		if (osmo_stderr_target)
			log_set_log_level(osmo_stderr_target, 0);
		sg_log_set_level(DMTP2, LOGL_FATAL);
		init = true;
	}
	if (size < 1)
		return 0;
	sg_clock_virtual(0);
	ctx = talloc_named_const(NULL, 0, "fuzz");
	sg_mtp2_cfg_defaults(&cfg);
	cfg.ext_seq = data[0] & 1;
	cfg.ec = data[0] & 2 ? SG_MTP2_EC_PCR : SG_MTP2_EC_BASIC;
	cfg.eim = data[0] & 4;
	l = bring_up(ctx, &cfg);

	while (i < size) {
		uint8_t op = data[i++] % 8, arg;
		struct sg_mtp2_param p = {};
		struct msgb *m;
		size_t len, k;

		if (i >= size)
			break;
		arg = data[i++];
		switch (op) {
		case 0:
			len = arg;
			if (len > size - i)
				len = size - i;
			check_decode(data + i, len, false);
			check_decode(data + i, len, true);
			sg_mtp2_rx_su(l, data + i, len);
			i += len;
			break;
		case 1:
			sg_mtp2_rx_event(l, arg % 3);
			break;
		case 2:
			sg_clock_advance_ms((uint64_t)arg * 8);
			break;
		case 3:
			if (i < size)
				p.fsnc = data[i++] | (arg & 0xf0) << 4;
			arg %= SG_MTP2_CONGESTION + 1;
			if (arg == SG_MTP2_DATA)
				break;
			sg_mtp2_l3_req(l, arg, &p, NULL);
			break;
		case 4:
			for (k = 0; k < arg; k++) {
				struct sg_mtp2_su d;

				len = sg_mtp2_tx_next(l, out, sizeof(out));
				if (!len || sg_mtp2_su_decode(&d, out, len, cfg.ext_seq,
							      SG_MTP2_MAX_SIF) != SG_MTP2_SU_OK)
					abort();
			}
			break;
		case 5:
			m = msgb_alloc(300, "fuzz msu");
			m->l3h = msgb_put(m, arg);
			memset(m->l3h, arg, arg);
			sg_mtp2_l3_req(l, SG_MTP2_DATA, NULL, m);
			break;
		case 6:
			sg_mtp2_link_alarm(l, arg & 1);
			break;
		case 7:
			sg_mtp2_force_rx_congestion(l, arg % 3);
			break;
		}
	}
	sg_mtp2_link_free(l);
	talloc_free(ctx);
	return fz_end_no_timers();
}
