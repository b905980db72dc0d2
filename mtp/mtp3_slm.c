/* MTP3 signalling link management (SLM), processor outage, TRA, Q.704 §12, §3.2.6, §9. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_cmd.h"
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
 * meanwhile, see slm_blocked()).
 *
 * Restart (Q.704 §9): when the first link of a linkset becomes available we send our routing
 * data and TRA to the adjacent SP (mtp3_tprc.c; during our own restart only when it ends);
 * the adjacent SP becomes accessible (routes over the linkset usable) when its TRA arrives,
 * or when T21 runs out.  With cfg.restart off the adjacent SP is accessible at once and no
 * TRA is sent.
 */

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

/* ---- decide (mtp3_cmd.h) ---- */

/* §12.2: (re)start: alignment, emergency while no other link of the linkset is available */
static void slm_start(const struct mtp3_slm_facts *f, struct mtp3_cmds *c)
{
	if (f->restart_pending)
		mtp3_cmd_flag(c, MTP3_CMD_RESTART_PENDING, false);
	mtp3_cmd_state(c, MTP3_CMD_LINK_STATE, SG_MTP3_LINK_ALIGNING);
	mtp3_cmd_l2(c, f->other_avail ? SG_MTP2_EMERGENCY_CEASES : SG_MTP2_EMERGENCY, 0);
	mtp3_cmd_l2(c, SG_MTP2_START, 0);
}

/* The link failed (§12.2, restoration after T17): its traffic changes over (§5) when it was
 * available; active: restart after T17. */
static void slm_fail(const struct mtp3_slm_facts *f, const char *why, bool active,
		     struct mtp3_cmds *c)
{
	if (f->state == SG_MTP3_LINK_INACTIVE || f->state == SG_MTP3_LINK_FAILED)
		return;
	mtp3_cmd_log(c, LOGL_NOTICE, "failed", why);
	mtp3_cmd_state(c, MTP3_CMD_LINK_STATE, SG_MTP3_LINK_FAILED);
	mtp3_cmd_add(c, MTP3_CMD_COUNT)->ctr = SG_MTP3_CTR_LINK_FAIL;
	mtp3_cmd_flag(c, MTP3_CMD_SLT, false);
	/* make sure MTP2 is out of service (BSNT retrieval needs it) */
	mtp3_cmd_l2(c, SG_MTP2_STOP, 0);
	if (active)
		mtp3_cmd_timer(c, true, SG_MTP3_T17);
	if (f->cb_pending)
		mtp3_cmd_to(c, MTP3_CMD_TO_TCBC, MTP3_CB_EV_CANCEL, NULL);
	if (f->state == SG_MTP3_LINK_AVAILABLE)
		mtp3_cmd_to(c, MTP3_CMD_TO_TCOC, MTP3_CO_EV_START, NULL);
	mtp3_cmd_add(c, MTP3_CMD_LS_UPDATE);
	mtp3_cmd_add(c, MTP3_CMD_REBALANCE);
	mtp3_cmd_add(c, MTP3_CMD_TLAC_CHECK);
}

static void slm_available(struct mtp3_cmds *c)
{
	mtp3_cmd_state(c, MTP3_CMD_LINK_STATE, SG_MTP3_LINK_AVAILABLE);
	mtp3_cmd_add(c, MTP3_CMD_LS_UPDATE);
	mtp3_cmd_add(c, MTP3_CMD_REBALANCE);
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
static void slm_blocked(const struct mtp3_slm_facts *f, struct mtp3_cmds *c)
{
	if (f->state != SG_MTP3_LINK_AVAILABLE) {
		mtp3_cmd_log(c, LOGL_INFO, "remote processor outage",
			     "ignored, the link is not available");
		return;
	}
	mtp3_cmd_log(c, LOGL_NOTICE, "remote processor outage", "link blocked");
	mtp3_cmd_state(c, MTP3_CMD_LINK_STATE, SG_MTP3_LINK_BLOCKED);
	mtp3_cmd_add(c, MTP3_CMD_COUNT)->ctr = SG_MTP3_CTR_RPO;
	mtp3_cmd_flag(c, MTP3_CMD_SLT, false);
	if (f->cb_pending)
		mtp3_cmd_to(c, MTP3_CMD_TO_TCBC, MTP3_CB_EV_CANCEL, NULL);
	mtp3_cmd_to(c, MTP3_CMD_TO_TCOC, MTP3_CO_EV_BLOCKED, NULL);
	mtp3_cmd_add(c, MTP3_CMD_LS_UPDATE);
	mtp3_cmd_add(c, MTP3_CMD_REBALANCE);
	mtp3_cmd_add(c, MTP3_CMD_TLAC_CHECK);
}

void mtp3_slm_decide(const struct mtp3_slm_facts *f, const struct mtp3_slm_ev *ev,
		     struct mtp3_cmds *c)
{
	switch (ev->type) {
	case MTP3_SLM_EV_ACTIVATE:
		mtp3_cmd_flag(c, MTP3_CMD_ACTIVE, true);
		if (f->state == SG_MTP3_LINK_INACTIVE ||
		    (f->state == SG_MTP3_LINK_FAILED && !f->t17_running && !f->co_running))
			slm_start(f, c);
		break;
	case MTP3_SLM_EV_START:
		slm_start(f, c);
		break;
	case MTP3_SLM_EV_DEACTIVATE:
		mtp3_cmd_flag(c, MTP3_CMD_ACTIVE, false);
		if (f->t17_running)
			mtp3_cmd_timer(c, false, SG_MTP3_T17);
		if (f->restart_pending)
			mtp3_cmd_flag(c, MTP3_CMD_RESTART_PENDING, false);
		if (f->state == SG_MTP3_LINK_INACTIVE)
			break;
		if (f->state == SG_MTP3_LINK_FAILED)
			mtp3_cmd_l2(c, SG_MTP2_STOP, 0);
		else
			slm_fail(f, "deactivated", false, c);
		mtp3_cmd_state(c, MTP3_CMD_LINK_STATE, SG_MTP3_LINK_INACTIVE);
		break;
	case MTP3_SLM_EV_T17:
		if (!f->active || f->state != SG_MTP3_LINK_FAILED)
			break;
		if (f->co_running)
			/* START would clear the retransmission buffer still to be retrieved */
			mtp3_cmd_flag(c, MTP3_CMD_RESTART_PENDING, true);
		else
			slm_start(f, c);
		break;
	case MTP3_SLM_EV_IN_SERVICE:
		if (f->state == SG_MTP3_LINK_ALIGNING) {
			/* Q.707 §2.2: traffic only after a successful link test */
			mtp3_cmd_state(c, MTP3_CMD_LINK_STATE, SG_MTP3_LINK_TESTING);
			mtp3_cmd_flag(c, MTP3_CMD_SLT, true);
		} else if (f->state == SG_MTP3_LINK_INACTIVE) {
			mtp3_cmd_l2(c, SG_MTP2_STOP, 0);
		}
		break;
	case MTP3_SLM_EV_OUT_OF_SERVICE:
		if (f->state == SG_MTP3_LINK_ALIGNING) {
			/* alignment failed: try again after T17 */
			mtp3_cmd_state(c, MTP3_CMD_LINK_STATE, SG_MTP3_LINK_FAILED);
			if (f->active)
				mtp3_cmd_timer(c, true, SG_MTP3_T17);
		} else {
			slm_fail(f, ev->why, f->active, c);
		}
		break;
	case MTP3_SLM_EV_FAILED:
		slm_fail(f, ev->why, f->active, c);
		break;
	case MTP3_SLM_EV_AVAILABLE:
		slm_available(c);
		break;
	case MTP3_SLM_EV_RPO:
		slm_blocked(f, c);
		break;
	case MTP3_SLM_EV_RPR:
		if (f->state != SG_MTP3_LINK_BLOCKED)
			break;
		mtp3_cmd_log(c, LOGL_NOTICE, "remote processor recovered", "link unblocked");
		mtp3_cmd_to(c, MTP3_CMD_TO_TCOC, MTP3_CO_EV_UNBLOCKED, NULL);
		slm_available(c);
		/* periodic signalling link test again, starting with one now (Q.707 §2.2) */
		mtp3_cmd_flag(c, MTP3_CMD_SLT, true);
		break;
	}
}

/* ---- facts, events ---- */

/* Snapshot the facts, decide, act */
void mtp3_slm_event(struct sg_mtp3_link *l, const struct mtp3_slm_ev *ev)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct mtp3_cmds c = { .proc = "SLM" };
	struct mtp3_slm_facts f = {
		.state = l->state,
		.active = l->active,
		.restart_pending = l->restart_pending,
		.t17_running = sg_timer_pending(&l->t17),
		.co_running = l->co != SG_MTP3_CO_NONE,
		.cb_pending = l->cb_pending,
	};

	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (ls->links[i] != l && ls->links[i]->state == SG_MTP3_LINK_AVAILABLE)
			f.other_avail = true;
	mtp3_slm_decide(&f, ev, &c);
	mtp3_act(l, &c);
}

static void slm_ev(struct sg_mtp3_link *l, enum mtp3_slm_event type, const char *why)
{
	mtp3_slm_event(l, &(struct mtp3_slm_ev){ .type = type, .why = why });
}

static void t17_cb(void *data)
{
	slm_ev(data, MTP3_SLM_EV_T17, NULL);
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
	slm_ev(l, MTP3_SLM_EV_AVAILABLE, NULL);
}

void mtp3_slm_link_failed(struct sg_mtp3_link *l, const char *why)
{
	slm_ev(l, MTP3_SLM_EV_FAILED, why);
}

int sg_mtp3_link_activate(struct sg_mtp3_link *l)
{
	if (!l->ops)
		return -ENOTCONN;
	slm_ev(l, MTP3_SLM_EV_ACTIVATE, NULL);
	return 0;
}

int sg_mtp3_link_deactivate(struct sg_mtp3_link *l)
{
	slm_ev(l, MTP3_SLM_EV_DEACTIVATE, NULL);
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
		slm_ev(l, MTP3_SLM_EV_IN_SERVICE, NULL);
		break;
	case SG_MTP2_OUT_OF_SERVICE:
		slm_ev(l, MTP3_SLM_EV_OUT_OF_SERVICE,
		       get_value_string(sg_mtp2_oos_reason_names, p->reason));
		break;
	case SG_MTP2_RETRIEVE_BSNT:
	case SG_MTP2_BSNT_NOT_RETRIEVABLE:
	case SG_MTP2_RETRIEVAL_REQ:
	case SG_MTP2_RETRIEVAL_COMPLETE:
	case SG_MTP2_RETRIEVAL_NOT_POSSIBLE:
		mtp3_tcoc_l2_ind(l, prim, p, msg);
		return;
	case SG_MTP2_RPO:
		slm_ev(l, MTP3_SLM_EV_RPO, NULL);
		break;
	case SG_MTP2_RPR:
		slm_ev(l, MTP3_SLM_EV_RPR, NULL);
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
