/* MTP3 congestion: priorities, discarding, TFC (RTCC), RCT, Q.704 §3.8, §11.2, §13.6-§13.9. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * The congestion of a signalling link is its MTP2 transmit buffer occupancy, indicated by MTP2
 * as a level 0..3 (SG_MTP2_CONGESTION, kept in link->cong_level).  HMRT asks here, for every
 * MSU it is about to hand to a congested link, what to do (decide first, then act).  Two
 * variants, chosen by cfg.cong_prio:
 *
 *  - international (Q.704 §3.8.2.1, §13.6): one congestion state, MTP3 discards nothing.  A
 *    local user whose MSU goes out on a congested link gets MTP-STATUS(congestion, DPC)
 *    (§11.2.3.1); an STP answers transit MSUs towards the congested link with a TFC (no
 *    congestion status) to their originator (response method, §13.6.2).
 *  - national option with congestion priorities (§3.8.2.2, §11.2.4, §13.7): levels 1..3 and
 *    message priorities 0..3 (SIO bits F-E).  An MSU whose priority is below the level of its
 *    link is discarded; its originator is told: a local user with MTP-STATUS(congestion, DPC,
 *    level), a remote one with TFC(DPC, status = level).  MSUs at or above the level go on;
 *    a local user still gets MTP-STATUS for them.
 *
 * Above both: MTP2 reports when its buffers reached the discard threshold (cong_discard, Q.704
 * §3.8); until they drain below the top abatement threshold, every user MSU for the link is
 * discarded here (counted as congestion:discard_buffer), whatever its priority, so MTP3 does not
 * keep handing MSUs to a full MTP2; the originator is told as for a priority discard.
 *
 * TFCs are rate limited per destination: the first congested MSU and then every 8th one
 * (counted per destination while its links stay congested) cause a TFC.  MTP's own messages
 * (SI 0..2) are never discarded and never cause a TFC.
 *
 * Route set congestion, national option (cfg.cong_prio, §13.9): a TFC with a congestion
 * status for a destination we route to raises the congestion status of its route set to that
 * value (a lower one is ignored while the test runs) and (re)starts T15.  Meanwhile MSUs of the
 * local users for it whose priority is below the status are discarded (-ENOBUFS,
 * MTP-STATUS(congestion, status)).  At T15 an RCT goes to the destination with the priority
 * one below the status, and T16 starts: a TFC before T16 sets the status to its value (and
 * T15 again); T16 without one lowers the status by one, and while it is not 0 the test is
 * repeated after T15.
 */

#define RTCC_TFC_EVERY	8

static void tfc_send(struct sg_mtp3 *m, struct mtp3_route *rt, const struct sg_mtp3_hdr *h,
		     uint8_t status)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFC, .dest = h->label.dpc,
				 .cong_status = status };
	struct sg_mtp3_hdr th = { .si = SG_MTP3_SI_SNM, .ni = m->cfg.ni,
				  .label = { .dpc = h->label.opc, .opc = m->cfg.pc } };
	struct msgb *msg = mtp3_snm_msu(m, h->label.opc, 0, &s);

	if (!msg)
		return;
	LOGPM(m, LOGL_NOTICE, "TFC(%u, status %u) to %u\n", h->label.dpc, status, h->label.opc);
	mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_TFC_TX, 1);
	mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_SNM_TX, 1);
	sg_ctr_inc(rt->ctr, SG_MTP3_CTR_TFC_TX);
	mtp3_hmrt_route(m, &th, msg);
}

bool mtp3_rtcc_congested(struct sg_mtp3 *m, struct mtp3_route *rt, const struct sg_mtp3_hdr *h,
			 struct sg_mtp3_link *l)
{
	uint8_t level = l->cong_level;
	bool own = mtp3_is_local(m, h->label.opc);
	bool discard, counted, tfc, by_prio;

	/* decide */
	if (!level || h->si <= SG_MTP3_SI_MTNS)
		return false;
	by_prio = m->cfg.cong_prio && h->prio < level;
	discard = by_prio || l->cong_discard;
	counted = !own && m->cfg.stp && (discard || !m->cfg.cong_prio);
	tfc = counted && rt->tfc_cnt % RTCC_TFC_EVERY == 0;

	/* act */
	if (counted)
		rt->tfc_cnt++;
	if (own) {
		/* Q.704 §11.2.3.1, §11.2.4: congestion status to the local user */
		struct sg_mtp_param p = { .dpc = h->label.dpc, .si = h->si, .ni = h->ni,
					  .cause = SG_MTP_STATUS_CONGESTION,
					  .cong_level = level };

		mtp3_user_ind(m, h->si, SG_MTP_STATUS, &p, NULL);
	}
	if (tfc)
		tfc_send(m, rt, h, m->cfg.cong_prio ? level : 0);
	if (discard) {
		enum sg_mtp3_ctr c = by_prio ? SG_MTP3_CTR_CONG_DISCARD
					      : SG_MTP3_CTR_CONG_DISCARD_BUF;

		LOGPL(l, LOGL_DEBUG, "congestion level %u%s: MSU priority %u to %u discarded\n",
		      level, by_prio ? "" : " (buffers full)", h->prio, h->label.dpc);
		mtp3_ctr(l, l->ls, m, c, 1);
		sg_ctr_inc(rt->ctr, c);
	}
	return discard;
}

/* the link's congestion ended: the next congestion episode starts with a TFC again */
void mtp3_rtcc_link_cong(struct sg_mtp3_link *l, uint8_t level, bool discard)
{
	struct sg_mtp3 *m = l->ls->m;
	struct mtp3_route *rt;

	if (discard != l->cong_discard)
		LOGPL(l, LOGL_NOTICE, "MTP2 buffers %s\n",
		      discard ? "full: user MSUs discarded" : "below discard level again");
	l->cong_discard = discard && level;
	if (level == l->cong_level)
		return;
	LOGPL(l, LOGL_NOTICE, "congestion level %u -> %u\n", l->cong_level, level);
	l->cong_level = level;
	if (level)
		return;
	llist_for_each_entry(rt, &m->routes, list)
		rt->tfc_cnt = 0;
}

static void t15_cb(void *data)
{
	struct mtp3_route *rt = data;
	struct sg_mtp3 *m = rt->e[0].ls->m;
	struct sg_mtp3_snm s = { .heading = SG_MTP3_RCT };
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_SNM, .ni = m->cfg.ni,
				 .label = { .dpc = rt->dpc, .opc = m->cfg.pc } };
	struct msgb *msg;

	if (!rt->cong)
		return;
	/* Q.704 §13.9: RCT with the priority just below the congestion status */
	h.prio = rt->cong - 1;
	msg = mtp3_msu_alloc("mtp3 rct");
	if (msg) {
		size_t n = sg_mtp3_snm_msu_encode(msg->tail, msgb_tailroom(msg), &m->fmt, &h, &s);

		if (n) {
			msg->l3h = msgb_put(msg, n);
			msg->l4h = msg->l3h + sg_mtp3_hdr_len(m->cfg.variant);
			LOGPM(m, LOGL_INFO, "RCT(priority %u) to %u, T16\n", h.prio, rt->dpc);
			mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_SNM_TX, 1);
			mtp3_hmrt_route(m, &h, msg);
		} else {
			msgb_free(msg);
		}
	}
	sg_timer_start_ms(&rt->t16, mtp3_t(m, SG_MTP3_T16));
}

static void t16_cb(void *data)
{
	struct mtp3_route *rt = data;
	struct sg_mtp3 *m = rt->e[0].ls->m;

	if (!rt->cong)
		return;
	rt->cong--;
	LOGPM(m, LOGL_NOTICE, "route set %u: no TFC for the RCT, congestion status %u\n", rt->dpc,
	      rt->cong);
	if (rt->cong)
		sg_timer_start_ms(&rt->t15, mtp3_t(m, SG_MTP3_T15));
}

void mtp3_rtcc_route_init(struct mtp3_route *rt)
{
	sg_timer_setup(&rt->t15, t15_cb, rt);
	sg_timer_setup(&rt->t16, t16_cb, rt);
}

void mtp3_rtcc_tfc_rx(struct sg_mtp3 *m, uint32_t dest, uint8_t status)
{
	struct mtp3_route *rt = mtp3_route_find(m, dest);
	bool test = rt && sg_timer_pending(&rt->t16);

	if (!m->cfg.cong_prio || !rt || !status || status > 3)
		return;
	/* decide: a TFC answering the RCT sets the status; otherwise only a higher one counts */
	if (!test && status <= rt->cong)
		return;
	/* act */
	LOGPM(m, LOGL_NOTICE, "route set %u: congestion status %u -> %u, T15\n", dest, rt->cong,
	      status);
	rt->cong = status;
	sg_timer_stop(&rt->t16);
	sg_timer_start_ms(&rt->t15, mtp3_t(m, SG_MTP3_T15));
}

bool mtp3_rtcc_rs_congested(struct sg_mtp3 *m, const struct sg_mtp3_hdr *h)
{
	struct mtp3_route *rt;
	struct sg_mtp_param p = { .dpc = h->label.dpc, .si = h->si, .ni = h->ni,
				  .cause = SG_MTP_STATUS_CONGESTION };

	if (!m->cfg.cong_prio || h->si <= SG_MTP3_SI_MTNS)
		return false;
	rt = mtp3_route_find(m, h->label.dpc);
	if (!rt || h->prio >= rt->cong)
		return false;
	p.cong_level = rt->cong;
	LOGPM(m, LOGL_INFO, "route set %u congestion status %u: MSU priority %u discarded\n",
	      rt->dpc, rt->cong, h->prio);
	mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_CONG_DISCARD, 1);
	sg_ctr_inc(rt->ctr, SG_MTP3_CTR_CONG_DISCARD);
	mtp3_user_ind(m, h->si, SG_MTP_STATUS, &p, NULL);
	return true;
}
