/* MTP2 congestion control (CC), Q.703 §9: receive congestion, SIB every T5, acks withheld. */

#include "mtp2_internal.h"

static void t5_cb(void *data)
{
	struct sg_mtp2_link *l = data;

	mtp2_enter(l);
	/* §9.3: SIB repeated at intervals of T5 while congestion lasts */
	if (l->rc.cong != SG_MTP2_RXCONG_NONE) {
		if (l->txc.msu_allowed)
			l->txc.sib_pending = true;
		sg_timer_start_ms(&l->rc.t5, link_timer_ms(l, SG_MTP2_T5));
	}
	mtp2_leave(l);
}

void cc_init(struct sg_mtp2_link *l)
{
	sg_timer_setup(&l->rc.t5, t5_cb, l);
	l->rc.cong = SG_MTP2_RXCONG_NONE;
}

void cc_stop(struct sg_mtp2_link *l)
{
	sg_timer_stop(&l->rc.t5);
	l->rc.cong = SG_MTP2_RXCONG_NONE;
	l->txc.sib_pending = false;
}

void cc_set(struct sg_mtp2_link *l, enum sg_mtp2_rx_cong mode)
{
	struct mtp2_rc *rc = &l->rc;

	if (mode == rc->cong)
		return;
	LOGPLINK(l, LOGL_INFO, "CC receive congestion %s -> %s\n",
		 get_value_string(sg_mtp2_rx_cong_names, rc->cong),
		 get_value_string(sg_mtp2_rx_cong_names, mode));
	if (rc->cong == SG_MTP2_RXCONG_NONE) {
		/* §9.2 detection: freeze the BSN, send SIB now and every T5 */
		rc->bsn_frozen = rc_bsn_to_send(l);
		rc->cong = mode;
		ctr_inc(l, SG_MTP2_CTR_RX_CONG);
		if (l->txc.msu_allowed)
			l->txc.sib_pending = true;
		sg_timer_start_ms(&rc->t5, link_timer_ms(l, SG_MTP2_T5));
	} else if (mode == SG_MTP2_RXCONG_NONE) {
		/* §9.4 abatement: stop SIB, acknowledge normally again */
		rc->cong = mode;
		sg_timer_stop(&rc->t5);
		l->txc.sib_pending = false;
	} else {
		rc->cong = mode;
	}
}

void sg_mtp2_force_rx_congestion(struct sg_mtp2_link *l, enum sg_mtp2_rx_cong mode)
{
	mtp2_enter(l);
	cc_set(l, mode);
	mtp2_leave(l);
}
