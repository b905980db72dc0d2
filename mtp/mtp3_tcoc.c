/* MTP3 changeover control (TCOC), Q.704 §5 and Figs. 28-30: COO/COA, ECO/ECA, buffer updating. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * When an available link fails, every SLS it carried is held (its MSUs are queued in the
 * linkset) and the changeover runs:
 *   WAIT_BSNT  RETRIEVE BSNT sent to MTP2 (FSN of the last MSU accepted on the failed link)
 *   then, with a COO already received: COA(BSNT) (ECA when BSNT is not retrievable) and
 *   retrieval with the FSN of that COO; else COO(BSNT) (ECO) on another available link of the
 *   linkset, WAIT_ACK with T2; with no other link, time-controlled changeover (WAIT_T1, T1).
 *   COA or a crossing COO: RETRIEVAL REQUEST with FSNC (buffer updating, §5.4), RETRIEVING
 *   until RETRIEVAL COMPLETE.  ECA/ECO, T1, T2 or RETRIEVAL NOT POSSIBLE: no buffer updating.
 * At completion the retrieved MSUs and then the queued ones go, per SLS in order, to the
 * links now carrying those SLS (mtp3_ls_release), so nothing is lost, duplicated or
 * reordered as long as the far end acknowledged with its BSNT.
 * Without buffer updating the failed link's buffers are flushed (FLUSH BUFFERS): their MSUs
 * are lost (Q.704 §5.6: possible loss); our MTP2 can only retrieve from a known FSNC.
 */

static void l2_req(struct sg_mtp3_link *l, enum sg_mtp2_prim prim, const struct sg_mtp2_param *p)
{
	if (l->ops)
		l->ops->req(l->l2_priv, prim, p, NULL);
}

static void co_set(struct sg_mtp3_link *l, enum sg_mtp3_co_state st)
{
	if (l->co == st)
		return;
	LOGPL(l, LOGL_INFO, "changeover %s -> %s\n",
	      get_value_string(sg_mtp3_co_state_names, l->co),
	      get_value_string(sg_mtp3_co_state_names, st));
	l->co = st;
}

static void co_complete(struct sg_mtp3_link *l, bool updated)
{
	struct sg_mtp3_linkset *ls = l->ls;

	sg_timer_stop(&l->t_co);
	co_set(l, SG_MTP3_CO_NONE);
	l->co_blocked = false;
	l->coo_rx = false;
	l->remote_fsn_valid = false;
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_CHANGEOVER, 1);
	LOGPL(l, LOGL_NOTICE, "changeover complete%s\n", updated ? "" : " (no buffer updating)");
	mtp3_ls_release(ls, l, false);
	if (l->restart_pending && l->active && l->state == SG_MTP3_LINK_FAILED)
		mtp3_slm_link_start(l);
	mtp3_ls_rebalance(ls);
}

static void co_no_update(struct sg_mtp3_link *l)
{
	l2_req(l, SG_MTP2_FLUSH_BUFFERS, NULL);
	co_complete(l, false);
}

static uint16_t fsn_mask(const struct sg_mtp3_link *l)
{
	return l->ext_seq ? 0xfff : 0x7f;
}

static void co_retrieve(struct sg_mtp3_link *l, uint16_t fsnc)
{
	struct sg_mtp2_param p = { .fsnc = fsnc };

	sg_timer_stop(&l->t_co);
	co_set(l, SG_MTP3_CO_RETRIEVING);
	l2_req(l, SG_MTP2_RETRIEVAL_REQ, &p);
}

static void t_co_cb(void *data)
{
	struct sg_mtp3_link *l = data;

	LOGPL(l, LOGL_NOTICE, "%s expired\n", l->co == SG_MTP3_CO_WAIT_T1 ? "T1" : "T2");
	co_no_update(l);
}

void mtp3_tcoc_init(struct sg_mtp3_link *l)
{
	sg_timer_setup(&l->t_co, t_co_cb, l);
	l->co = SG_MTP3_CO_NONE;
}

void mtp3_tcoc_start(struct sg_mtp3_link *l)
{
	struct sg_mtp3_linkset *ls = l->ls;

	for (unsigned int s = 0; s < ls->m->nsls; s++)
		if (ls->cur[s] == l)
			ls->held[s] = true;
	co_set(l, SG_MTP3_CO_WAIT_BSNT);
	l2_req(l, SG_MTP2_RETRIEVE_BSNT, NULL);
}

/* Remote processor outage (mtp3_slm.c): time-controlled diversion of the link's SLS, no
 * changeover messages (Q.704 §5.3.3, §5.6.2); T1 expiry flushes MTP2's buffers. */
void mtp3_tcoc_blocked(struct sg_mtp3_link *l)
{
	struct sg_mtp3_linkset *ls = l->ls;

	if (l->co != SG_MTP3_CO_NONE)
		return;
	for (unsigned int s = 0; s < ls->m->nsls; s++)
		if (ls->cur[s] == l)
			ls->held[s] = true;
	l->co_blocked = true;
	co_set(l, SG_MTP3_CO_WAIT_T1);
	sg_timer_start_ms(&l->t_co, mtp3_t(ls->m, SG_MTP3_T1));
}

/* The outage ended while the diversion still waited for T1: the held SLS stay on the link,
 * behind the MSUs MTP2 kept during the outage, so nothing is reordered. */
void mtp3_tcoc_unblocked(struct sg_mtp3_link *l)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct msgb *msg;

	if (!l->co_blocked || l->co != SG_MTP3_CO_WAIT_T1)
		return;
	sg_timer_stop(&l->t_co);
	co_set(l, SG_MTP3_CO_NONE);
	l->co_blocked = false;
	LOGPL(l, LOGL_INFO, "outage over before T1: diversion abandoned\n");
	for (unsigned int s = 0; s < ls->m->nsls; s++) {
		if (ls->cur[s] != l || !ls->held[s])
			continue;
		ls->held[s] = false;
		ls->hold_n[s] = 0;
		while ((msg = msgb_dequeue(&ls->hold_q[s])))
			mtp3_link_tx(l, msg);
	}
}

/* Changeover messages go on another link of the linkset, else on any signalling route to the
 * adjacent SP via another linkset (Q.704 §5.2, §5.4.1). */
static int co_send(struct sg_mtp3_link *l, const struct sg_mtp3_snm *s)
{
	if (mtp3_snm_tx_ls(l->ls, l, s) == 0)
		return 0;
	return mtp3_snm_tx_alt(l->ls, s);
}

/* BSNT known (or not): answer a received COO, or send ours. */
static void co_bsnt(struct sg_mtp3_link *l, bool valid, uint16_t bsnt)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct sg_mtp3_snm s = { .slc = l->slc, .fsn = bsnt & fsn_mask(l) };
	bool path;

	if (l->coo_rx) {
		s.heading = !valid ? SG_MTP3_ECA : l->ext_seq ? SG_MTP3_XCA : SG_MTP3_COA;
		co_send(l, &s);
		if (l->remote_fsn_valid)
			co_retrieve(l, l->remote_fsn);
		else
			co_no_update(l);
		return;
	}
	s.heading = !valid ? SG_MTP3_ECO : l->ext_seq ? SG_MTP3_XCO : SG_MTP3_COO;
	path = co_send(l, &s) == 0;
	if (path) {
		co_set(l, SG_MTP3_CO_WAIT_ACK);
		sg_timer_start_ms(&l->t_co, mtp3_t(ls->m, SG_MTP3_T2));
	} else {
		/* Q.704 §5.6.2 time-controlled changeover: no route to the far end */
		co_set(l, SG_MTP3_CO_WAIT_T1);
		sg_timer_start_ms(&l->t_co, mtp3_t(ls->m, SG_MTP3_T1));
	}
}

void mtp3_tcoc_l2_ind(struct sg_mtp3_link *l, enum sg_mtp2_prim prim,
		      const struct sg_mtp2_param *p, struct msgb *msg)
{
	switch (prim) {
	case SG_MTP2_RETRIEVE_BSNT:
	case SG_MTP2_BSNT_NOT_RETRIEVABLE:
		if (l->co == SG_MTP3_CO_WAIT_BSNT)
			co_bsnt(l, prim == SG_MTP2_RETRIEVE_BSNT, p->bsnt);
		break;
	case SG_MTP2_RETRIEVAL_REQ:
		if (msg && l->co == SG_MTP3_CO_RETRIEVING) {
			mtp3_ctr(l, l->ls, l->ls->m, SG_MTP3_CTR_CO_RETRIEVED, 1);
			msgb_enqueue(&l->retrieved, msg);
			return;
		}
		if (msg)
			mtp3_ctr(l, l->ls, l->ls->m, SG_MTP3_CTR_CO_LOST, 1);
		break;
	case SG_MTP2_RETRIEVAL_COMPLETE:
		if (l->co == SG_MTP3_CO_RETRIEVING)
			co_complete(l, true);
		break;
	case SG_MTP2_RETRIEVAL_NOT_POSSIBLE:
		if (l->co == SG_MTP3_CO_RETRIEVING)
			co_no_update(l);
		break;
	default:
		break;
	}
	msgb_free(msg);
}

void mtp3_tcoc_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s)
{
	struct sg_mtp3_link *l = mtp3_link_by_slc(ls, s->slc);
	bool order = s->heading == SG_MTP3_COO || s->heading == SG_MTP3_ECO ||
		     s->heading == SG_MTP3_XCO;
	bool with_fsn = s->heading != SG_MTP3_ECO && s->heading != SG_MTP3_ECA;

	if (!l) {
		LOGPLS(ls, LOGL_NOTICE, "%s for unknown SLC %u: ignored\n",
		       get_value_string(sg_mtp3_snm_type_names, s->heading), s->slc);
		return;
	}
	if (!order) {
		/* COA/ECA: only an answer to our COO/ECO (Q.704 §5.7: else ignored) */
		if (l->co != SG_MTP3_CO_WAIT_ACK) {
			LOGPL(l, LOGL_INFO, "unexpected %s in changeover state %s: ignored\n",
			      get_value_string(sg_mtp3_snm_type_names, s->heading),
			      get_value_string(sg_mtp3_co_state_names, l->co));
			return;
		}
		if (with_fsn)
			co_retrieve(l, s->fsn & fsn_mask(l));
		else
			co_no_update(l);
		return;
	}
	switch (l->co) {
	case SG_MTP3_CO_NONE:
		l->coo_rx = true;
		l->remote_fsn_valid = with_fsn;
		l->remote_fsn = s->fsn & fsn_mask(l);
		if (l->state == SG_MTP3_LINK_AVAILABLE || l->state == SG_MTP3_LINK_TESTING ||
		    l->state == SG_MTP3_LINK_ALIGNING)
			mtp3_slm_link_failed(l, "changeover order received");
		if (l->co == SG_MTP3_CO_NONE)
			mtp3_tcoc_start(l);
		break;
	case SG_MTP3_CO_WAIT_BSNT:
		l->coo_rx = true;
		l->remote_fsn_valid = with_fsn;
		l->remote_fsn = s->fsn & fsn_mask(l);
		break;
	case SG_MTP3_CO_WAIT_ACK:
	case SG_MTP3_CO_WAIT_T1:
		/* crossing orders (§5.4): the far end's order acknowledges ours */
		if (with_fsn)
			co_retrieve(l, s->fsn & fsn_mask(l));
		else
			co_no_update(l);
		break;
	case SG_MTP3_CO_RETRIEVING:
	default:
		LOGPL(l, LOGL_INFO, "%s while retrieving: ignored\n",
		      get_value_string(sg_mtp3_snm_type_names, s->heading));
		break;
	}
}
