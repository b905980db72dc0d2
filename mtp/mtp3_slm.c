/* MTP3 signalling link management (SLM), processor outage, TRA, Q.704 §12, §3.2.6, §9. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * Link states (enum sg_mtp3_link_state):
 *   INACTIVE --activate--> ALIGNING --IN SERVICE--> TESTING --SLTA ok--> AVAILABLE
 *   ALIGNING/TESTING/AVAILABLE --OUT OF SERVICE, SLT failed, COO--> FAILED
 *   FAILED --T17--> ALIGNING (deferred until a changeover in progress ends)
 *   any --deactivate--> INACTIVE
 * A link carries traffic only when AVAILABLE, i.e. after a successful signalling link test
 * (Q.707 §2.2).  Emergency alignment is asked for while no other link of the linkset is
 * available (Q.704 §12.2.2).
 *
 * Remote processor outage: AVAILABLE --RPO--> BLOCKED --RPR--> AVAILABLE (traffic diverted
 * meanwhile, see mtp3_slm_link_blocked()).
 *
 * Restart (Q.704 §9): when the first link of a linkset becomes available we send our routing
 * data and TRA to the adjacent SP (mtp3_tprc.c; during our own restart only when it ends);
 * the adjacent SP becomes accessible (routes over the linkset usable) when its TRA arrives,
 * or when T21 runs out.  With cfg.restart off the adjacent SP is accessible at once and no
 * TRA is sent.
 */

static void l2_req(struct sg_mtp3_link *l, enum sg_mtp2_prim prim)
{
	if (l->ops)
		l->ops->req(l->l2_priv, prim, NULL, NULL);
}

void mtp3_slm_set_state(struct sg_mtp3_link *l, enum sg_mtp3_link_state st)
{
	uint64_t now = sg_now();

	if (l->state == st)
		return;
	LOGPL(l, LOGL_NOTICE, "%s -> %s\n", get_value_string(sg_mtp3_link_state_names, l->state),
	      get_value_string(sg_mtp3_link_state_names, st));
	if (l->state != SG_MTP3_LINK_AVAILABLE) {
		sg_ctr_add(l->ctr, SG_MTP3_CTR_LINK_UNAVAIL_MS,
			   (now - l->unavail_since) / SG_NS_PER_MS);
	}
	l->unavail_since = now;
	l->state = st;
}

void mtp3_slm_link_start(struct sg_mtp3_link *l)
{
	struct sg_mtp3_linkset *ls = l->ls;
	bool other = false;

	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (ls->links[i] != l && ls->links[i]->state == SG_MTP3_LINK_AVAILABLE)
			other = true;
	l->restart_pending = false;
	mtp3_slm_set_state(l, SG_MTP3_LINK_ALIGNING);
	l2_req(l, other ? SG_MTP2_EMERGENCY_CEASES : SG_MTP2_EMERGENCY);
	l2_req(l, SG_MTP2_START);
}

static void t17_cb(void *data)
{
	struct sg_mtp3_link *l = data;

	if (!l->active || l->state != SG_MTP3_LINK_FAILED)
		return;
	if (l->co != SG_MTP3_CO_NONE) {
		/* START would clear the retransmission buffer still to be retrieved */
		l->restart_pending = true;
		return;
	}
	mtp3_slm_link_start(l);
}

static void t21_cb(void *data)
{
	struct sg_mtp3_linkset *ls = data;

	LOGPLS(ls, LOGL_NOTICE, "T21 expired without TRA: adjacent SP %u accessible\n", ls->adj_pc);
	mtp3_slm_tra_rx(ls);
}

void mtp3_slm_init_link(struct sg_mtp3_link *l)
{
	sg_timer_setup(&l->t17, t17_cb, l);
	l->state = SG_MTP3_LINK_INACTIVE;
}

void mtp3_slm_init_ls(struct sg_mtp3_linkset *ls)
{
	sg_timer_setup(&ls->t21, t21_cb, ls);
}

void mtp3_slm_tra_rx(struct sg_mtp3_linkset *ls)
{
	sg_timer_stop(&ls->t21);
	if (ls->adj_accessible) {
		mtp3_tprc_unexpected_tra(ls);
		return;
	}
	if (!mtp3_ls_num_avail(ls)) {
		LOGPLS(ls, LOGL_INFO, "TRA while no link is available: ignored\n");
		return;
	}
	LOGPLS(ls, LOGL_NOTICE, "adjacent SP %u accessible (traffic restart allowed)\n",
	       ls->adj_pc);
	ls->adj_accessible = true;
	mtp3_rtpc_update(ls->m);
	mtp3_tprc_check(ls->m);
}

/* Linkset availability changed? (Q.704 §9: TRA; §13: routes) */
void mtp3_ls_update(struct sg_mtp3_linkset *ls)
{
	struct sg_mtp3 *m = ls->m;
	bool avail = mtp3_ls_num_avail(ls) > 0;

	if (avail && !ls->was_available) {
		ls->was_available = true;
		LOGPLS(ls, LOGL_NOTICE, "available\n");
		if (m->cfg.restart) {
			/* routing data and TRA (mtp3_tprc.c; at the end of our own restart) */
			mtp3_tprc_ls_available(ls);
			if (!ls->adj_accessible && !m->restarting)
				sg_timer_start_ms(&ls->t21, mtp3_t(m, SG_MTP3_T21));
		} else {
			ls->adj_accessible = true;
		}
	} else if (!avail && ls->was_available) {
		ls->was_available = false;
		LOGPLS(ls, LOGL_NOTICE, "unavailable\n");
		ls->adj_accessible = false;
		sg_timer_stop(&ls->t21);
		mtp3_rtpc_ls_down(ls);
		mtp3_ls_flush_all(ls);
	}
	mtp3_rtpc_update(m);
}

void mtp3_slm_link_available(struct sg_mtp3_link *l)
{
	mtp3_slm_set_state(l, SG_MTP3_LINK_AVAILABLE);
	mtp3_ls_update(l->ls);
	mtp3_ls_rebalance(l->ls);
}

void mtp3_slm_link_failed(struct sg_mtp3_link *l, const char *why)
{
	struct sg_mtp3_linkset *ls = l->ls;
	enum sg_mtp3_link_state prev = l->state;

	if (prev == SG_MTP3_LINK_INACTIVE || prev == SG_MTP3_LINK_FAILED)
		return;
	LOGPL(l, LOGL_NOTICE, "failed: %s\n", why);
	mtp3_slm_set_state(l, SG_MTP3_LINK_FAILED);
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_LINK_FAIL, 1);
	mtp3_sltc_stop(l);
	/* make sure MTP2 is out of service (BSNT retrieval needs it) */
	l2_req(l, SG_MTP2_STOP);
	if (l->active)
		sg_timer_start_ms(&l->t17, mtp3_t(ls->m, SG_MTP3_T17));
	if (l->cb_pending)
		mtp3_tcbc_cancel(l);
	if (prev == SG_MTP3_LINK_AVAILABLE)
		mtp3_tcoc_start(l);
	mtp3_ls_update(ls);
	mtp3_ls_rebalance(ls);
	mtp3_tlac_check(ls);
}

/*
 * Remote processor outage (Q.704 §3.2.6, §4.3, §5.3.3): the link stays in service at level 2
 * but is blocked, i.e. unavailable to level 3: no user or management traffic, signalling link
 * tests stop.  Its traffic is diverted as after a failure, but without buffer updating (the
 * far end's level 3 cannot take part in a changeover): the SLS it carried are held for T1
 * (time-controlled diversion, §5.6.2), then MTP2's buffers are flushed and the SLS move to
 * the other links of the linkset, or through routing to another linkset (forced rerouting,
 * §7) when none is left.  When the outage ends before T1 the held SLS simply carry on behind
 * the MSUs MTP2 kept; afterwards the link is available again and changeback brings its SLS
 * back (§6).
 */
void mtp3_slm_link_blocked(struct sg_mtp3_link *l)
{
	struct sg_mtp3_linkset *ls = l->ls;

	if (l->state != SG_MTP3_LINK_AVAILABLE) {
		LOGPL(l, LOGL_INFO, "remote processor outage in state %s: ignored\n",
		      get_value_string(sg_mtp3_link_state_names, l->state));
		return;
	}
	LOGPL(l, LOGL_NOTICE, "remote processor outage: link blocked\n");
	mtp3_slm_set_state(l, SG_MTP3_LINK_BLOCKED);
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_RPO, 1);
	mtp3_sltc_stop(l);
	if (l->cb_pending)
		mtp3_tcbc_cancel(l);
	mtp3_tcoc_blocked(l);
	mtp3_ls_update(ls);
	mtp3_ls_rebalance(ls);
	mtp3_tlac_check(ls);
}

void mtp3_slm_link_unblocked(struct sg_mtp3_link *l)
{
	if (l->state != SG_MTP3_LINK_BLOCKED)
		return;
	LOGPL(l, LOGL_NOTICE, "remote processor recovered: link unblocked\n");
	mtp3_tcoc_unblocked(l);
	mtp3_slm_link_available(l);
	/* periodic signalling link test again, starting with one now (Q.707 §2.2) */
	mtp3_sltc_start(l);
}

int sg_mtp3_link_activate(struct sg_mtp3_link *l)
{
	if (!l->ops)
		return -ENOTCONN;
	l->active = true;
	if (l->state == SG_MTP3_LINK_INACTIVE ||
	    (l->state == SG_MTP3_LINK_FAILED && !sg_timer_pending(&l->t17) &&
	     l->co == SG_MTP3_CO_NONE))
		mtp3_slm_link_start(l);
	return 0;
}

int sg_mtp3_link_deactivate(struct sg_mtp3_link *l)
{
	l->active = false;
	sg_timer_stop(&l->t17);
	l->restart_pending = false;
	if (l->state == SG_MTP3_LINK_INACTIVE)
		return 0;
	if (l->state == SG_MTP3_LINK_FAILED)
		l2_req(l, SG_MTP2_STOP);
	else
		mtp3_slm_link_failed(l, "deactivated");
	mtp3_slm_set_state(l, SG_MTP3_LINK_INACTIVE);
	return 0;
}

void sg_mtp3_l2_ind(struct sg_mtp3 *m, struct sg_mtp3_link *l, enum sg_mtp2_prim prim,
		    const struct sg_mtp2_param *p, struct msgb *msg)
{
	static const struct sg_mtp2_param none;

	if (!p)
		p = &none;
	if (prim != SG_MTP2_DATA && prim != SG_MTP2_RETRIEVAL_REQ)
		LOGPL(l, LOGL_INFO, "L2 %s (%s)\n", get_value_string(sg_mtp2_prim_names, prim),
		      get_value_string(sg_mtp3_link_state_names, l->state));
	switch (prim) {
	case SG_MTP2_DATA:
		if (!msg)
			break;
		mtp3_hmdc_rx(l, msg);
		return;
	case SG_MTP2_IN_SERVICE:
		if (l->state == SG_MTP3_LINK_ALIGNING) {
			mtp3_slm_set_state(l, SG_MTP3_LINK_TESTING);
			mtp3_sltc_start(l);
		} else if (l->state == SG_MTP3_LINK_INACTIVE) {
			l2_req(l, SG_MTP2_STOP);
		}
		break;
	case SG_MTP2_OUT_OF_SERVICE:
		if (l->state == SG_MTP3_LINK_ALIGNING) {
			mtp3_slm_set_state(l, SG_MTP3_LINK_FAILED);
			if (l->active)
				sg_timer_start_ms(&l->t17, mtp3_t(m, SG_MTP3_T17));
		} else {
			mtp3_slm_link_failed(l,
					     get_value_string(sg_mtp2_oos_reason_names, p->reason));
		}
		break;
	case SG_MTP2_RETRIEVE_BSNT:
	case SG_MTP2_BSNT_NOT_RETRIEVABLE:
	case SG_MTP2_RETRIEVAL_REQ:
	case SG_MTP2_RETRIEVAL_COMPLETE:
	case SG_MTP2_RETRIEVAL_NOT_POSSIBLE:
		mtp3_tcoc_l2_ind(l, prim, p, msg);
		return;
	case SG_MTP2_RPO:
		mtp3_slm_link_blocked(l);
		break;
	case SG_MTP2_RPR:
		mtp3_slm_link_unblocked(l);
		break;
	case SG_MTP2_CONGESTION:
		/* Q.704 §3.8, §11.2: users and originators are told per MSU (mtp3_rtcc.c) */
		mtp3_rtcc_link_cong(l, p->cong_level > 3 ? 3 : p->cong_level, p->cong_discard);
		break;
	default:
		break;
	}
	msgb_free(msg);
}
