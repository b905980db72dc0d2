/* MTP3 signalling link test control (SLTC), Q.707 §2 and Fig. 1. */

#include <errno.h>
#include <string.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * On IN SERVICE (and every SLT-T2 on an available link) an SLTM with a fresh test pattern is
 * sent on the link itself; an SLTA from the adjacent SP with the same SLC and pattern within
 * SLT-T1 passes the test (the link becomes available).  A missing or wrong SLTA fails one
 * attempt; the test is repeated once, and a second failure restarts the link (Q.707 §2.2).
 * SLTMs from the adjacent SP are answered on the same link, whatever the link's state.
 */

static void sltm_send(struct sg_mtp3_link *l)
{
	struct sg_mtp3 *m = l->ls->m;
	struct sg_mtp3_hdr h = {.si = SG_MTP3_SI_MTN,
				.ni = m->cfg.ni,
				.label = {.dpc = l->ls->adj_pc, .opc = m->cfg.pc, .sls = l->slc}};
	struct sg_mtp3_slt s = { .heading = SG_MTP3_SLTM, .slc = l->slc };
	struct msgb *msg = mtp3_msu_alloc("sltm");
	size_t n;

	if (!msg)
		return;
	l->slt_seed++;
	s.len = 4 + l->slt_seed % 12;
	for (unsigned int i = 0; i < s.len; i++)
		s.pattern[i] = (uint8_t)(0x5a + 17 * l->slt_seed + 31 * i + l->slc);
	memcpy(l->slt_pattern, s.pattern, s.len);
	l->slt_len = s.len;
	n = sg_mtp3_slt_msu_encode(msg->tail, msgb_tailroom(msg), &m->fmt, &h, &s);
	if (!n) {
		msgb_free(msg);
		return;
	}
	msg->l3h = msgb_put(msg, n);
	LOGPL(l, LOGL_INFO, "tx SLTM (attempt %u)\n", l->slt_tries + 1);
	sg_timer_start_ms(&l->slt_t1, mtp3_t(m, SG_MTP3_SLT_T1));
	mtp3_link_tx(l, msg);
}

static void slt_attempt_failed(struct sg_mtp3_link *l, const char *why)
{
	struct sg_mtp3_linkset *ls = l->ls;

	sg_timer_stop(&l->slt_t1);
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_SLT_FAIL, 1);
	LOGPL(l, LOGL_NOTICE, "signalling link test failed: %s\n", why);
	if (++l->slt_tries < 2) {
		sltm_send(l);
		return;
	}
	mtp3_slm_link_failed(l, "signalling link test failed twice");
}

static void slt_t1_cb(void *data)
{
	slt_attempt_failed(data, "no SLTA within T1");
}

static void slt_t2_cb(void *data)
{
	struct sg_mtp3_link *l = data;

	if (l->state != SG_MTP3_LINK_AVAILABLE)
		return;
	l->slt_tries = 0;
	sltm_send(l);
}

void mtp3_sltc_init(struct sg_mtp3_link *l)
{
	sg_timer_setup(&l->slt_t1, slt_t1_cb, l);
	sg_timer_setup(&l->slt_t2, slt_t2_cb, l);
}

void mtp3_sltc_start(struct sg_mtp3_link *l)
{
	l->slt_tries = 0;
	sg_timer_stop(&l->slt_t2);
	sltm_send(l);
}

/* Management: test an available link now (Q.707 §2.2 on demand); the
 * result shows in the link's state and its SLT counters. */
int sg_mtp3_link_test(struct sg_mtp3_link *l)
{
	if (l->state != SG_MTP3_LINK_AVAILABLE)
		return -EAGAIN;
	if (sg_timer_pending(&l->slt_t1))
		return -EBUSY;	/* a test is running */
	sg_timer_stop(&l->slt_t2);
	l->slt_tries = 0;
	sltm_send(l);	/* a good SLTA restarts T2 */
	return 0;
}

void mtp3_sltc_stop(struct sg_mtp3_link *l)
{
	sg_timer_stop(&l->slt_t1);
	sg_timer_stop(&l->slt_t2);
}

void mtp3_sltc_rx(struct sg_mtp3_link *l, const struct sg_mtp3_hdr *h, struct msgb *msg)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct sg_mtp3 *m = ls->m;
	struct sg_mtp3_hdr rh;
	struct sg_mtp3_slt s;
	int rc;

	rc = sg_mtp3_slt_msu_decode(&rh, &s, &m->fmt, msgb_l3(msg), msgb_l3len(msg));
	msgb_free(msg);
	if (rc) {
		LOGPL(l, LOGL_NOTICE, "bad SLT message: %s\n",
		      get_value_string(sg_mtp3_err_names, rc));
		mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_DISCARD, 1);
		return;
	}
	if (s.heading == SG_MTP3_SLTM) {
		struct sg_mtp3_hdr th = { .si = rh.si, .ni = m->cfg.ni,
					  .label = { .dpc = ls->adj_pc, .opc = m->cfg.pc,
						     .sls = s.slc } };
		size_t n;

		if (rh.label.opc != ls->adj_pc || s.slc != l->slc) {
			LOGPL(l, LOGL_NOTICE, "SLTM from %u SLC %u does not match the link: "
			      "not answered\n", rh.label.opc, s.slc);
			mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_DISCARD, 1);
			return;
		}
		msg = mtp3_msu_alloc("slta");
		if (!msg)
			return;
		s.heading = SG_MTP3_SLTA;
		n = sg_mtp3_slt_msu_encode(msg->tail, msgb_tailroom(msg), &m->fmt, &th, &s);
		if (!n) {
			msgb_free(msg);
			return;
		}
		msg->l3h = msgb_put(msg, n);
		LOGPL(l, LOGL_INFO, "rx SLTM: tx SLTA\n");
		mtp3_link_tx(l, msg);
		return;
	}
	if (s.heading != SG_MTP3_SLTA)
		return;
	if (!sg_timer_pending(&l->slt_t1)) {
		LOGPL(l, LOGL_INFO, "unexpected SLTA: ignored\n");
		return;
	}
	if (rh.label.opc != ls->adj_pc || s.slc != l->slc || s.len != l->slt_len ||
	    memcmp(s.pattern, l->slt_pattern, s.len)) {
		slt_attempt_failed(l, "SLTA with wrong OPC, SLC or test pattern");
		return;
	}
	sg_timer_stop(&l->slt_t1);
	LOGPL(l, LOGL_INFO, "signalling link test passed\n");
	sg_timer_start_ms(&l->slt_t2, mtp3_t(m, SG_MTP3_SLT_T2));
	if (l->state == SG_MTP3_LINK_TESTING)
		mtp3_slm_link_available(l);
}
