/* MTP3 changeover control (TCOC), Q.704 §5 and Figs. 28-30: COO/COA, ECO/ECA, buffer updating. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_cmd.h"
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
 *
 * mtp3_tcoc_decide() decides (a pure function of the link's changeover state and the facts
 * snapshot taken by mtp3_tcoc_event()), mtp3_act() acts (mtp3_cmd.h).
 */

/* ---- decide ---- */

static uint16_t fsn_mask(const struct mtp3_co_facts *f)
{
	return f->ext_seq ? 0xfff : 0x7f;
}

static void co_state(const struct mtp3_co_facts *f, enum sg_mtp3_co_state st,
		     struct mtp3_cmds *c)
{
	if (f->co != st)
		mtp3_cmd_state(c, MTP3_CMD_CO_STATE, st);
}

/* stop T1 or T2 if it runs (it does not when it has just run out) */
static void co_stop_timer(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev,
			  struct mtp3_cmds *c)
{
	if (ev->type == MTP3_CO_EV_TIMEOUT)
		return;
	if (f->co == SG_MTP3_CO_WAIT_ACK)
		mtp3_cmd_timer(c, false, SG_MTP3_T2);
	else if (f->co == SG_MTP3_CO_WAIT_T1)
		mtp3_cmd_timer(c, false, SG_MTP3_T1);
}

/* Changeover over: the held traffic goes to the links now carrying its SLS (retrieved MSUs
 * first); a restart of the link deferred by T17 happens now. */
static void co_complete(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev, bool updated,
			struct mtp3_cmds *c)
{
	co_stop_timer(f, ev, c);
	co_state(f, SG_MTP3_CO_NONE, c);
	mtp3_cmd_flag(c, MTP3_CMD_CO_DONE, updated);
	mtp3_cmd_flag(c, MTP3_CMD_RELEASE, false);
	if (f->restart_pending && f->active && f->state == SG_MTP3_LINK_FAILED)
		mtp3_cmd_to(c, MTP3_CMD_TO_SLM, MTP3_SLM_EV_START, NULL);
	mtp3_cmd_add(c, MTP3_CMD_REBALANCE);
}

/* without buffer updating (§5.6): what MTP2 still holds is lost */
static void co_no_update(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev,
			 struct mtp3_cmds *c)
{
	mtp3_cmd_l2(c, SG_MTP2_FLUSH_BUFFERS, 0);
	co_complete(f, ev, false, c);
}

/* buffer updating (§5.4): MTP2 retransmits from the far end's FSN on */
static void co_retrieve(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev, uint16_t fsnc,
			struct mtp3_cmds *c)
{
	co_stop_timer(f, ev, c);
	co_state(f, SG_MTP3_CO_RETRIEVING, c);
	mtp3_cmd_l2(c, SG_MTP2_RETRIEVAL_REQ, fsnc);
}

static void co_send(const struct mtp3_co_facts *f, uint8_t heading, uint16_t fsn,
		    struct mtp3_cmds *c)
{
	struct mtp3_cmd *cmd = mtp3_cmd_add(c, MTP3_CMD_SEND);

	cmd->snm.heading = heading;
	cmd->snm.slc = f->slc;
	cmd->snm.fsn = fsn;
	cmd->snm.via = MTP3_VIA_CO;
}

/* §5.2: hold the link's traffic, ask MTP2 for the BSNT */
static void co_start(const struct mtp3_co_facts *f, struct mtp3_cmds *c)
{
	if (!mtp3_sls_empty(&f->carried))
		mtp3_cmd_add(c, MTP3_CMD_HOLD)->sls = f->carried;
	co_state(f, SG_MTP3_CO_WAIT_BSNT, c);
	mtp3_cmd_l2(c, SG_MTP2_RETRIEVE_BSNT, 0);
}

/* BSNT known (or not): answer a received order (§5.3.2), or send ours (§5.2) */
static void co_bsnt(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev,
		    struct mtp3_cmds *c)
{
	bool valid = ev->type == MTP3_CO_EV_BSNT;
	uint16_t bsnt = ev->fsn & fsn_mask(f);

	if (f->order_rx) {
		if (f->path)
			co_send(f, !valid ? SG_MTP3_ECA : f->ext_seq ? SG_MTP3_XCA : SG_MTP3_COA,
				bsnt, c);
		if (f->order_fsn_valid)
			co_retrieve(f, ev, f->order_fsn, c);
		else
			co_no_update(f, ev, c);
		return;
	}
	if (f->path) {
		co_send(f, !valid ? SG_MTP3_ECO : f->ext_seq ? SG_MTP3_XCO : SG_MTP3_COO, bsnt, c);
		co_state(f, SG_MTP3_CO_WAIT_ACK, c);
		mtp3_cmd_timer(c, true, SG_MTP3_T2);
	} else {
		/* §5.6.2 time-controlled changeover: no route to the far end */
		co_state(f, SG_MTP3_CO_WAIT_T1, c);
		mtp3_cmd_timer(c, true, SG_MTP3_T1);
	}
}

static void co_rx(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev,
		  struct mtp3_cmds *c)
{
	uint8_t h = ev->heading;
	bool order = h == SG_MTP3_COO || h == SG_MTP3_ECO || h == SG_MTP3_XCO;
	bool with_fsn = h != SG_MTP3_ECO && h != SG_MTP3_ECA;
	uint16_t fsn = ev->fsn & fsn_mask(f);
	const char *name = get_value_string(sg_mtp3_snm_type_names, h);
	struct mtp3_cmd *cmd;

	if (!order) {
		/* COA/ECA: only an answer to our COO/ECO (§5.7: else ignored) */
		if (f->co != SG_MTP3_CO_WAIT_ACK)
			mtp3_cmd_log(c, LOGL_INFO, name, "unexpected in this changeover state, ignored");
		else if (with_fsn)
			co_retrieve(f, ev, fsn, c);
		else
			co_no_update(f, ev, c);
		return;
	}
	switch (f->co) {
	case SG_MTP3_CO_NONE:
		/* §5.3.2: the far end started; answered once our BSNT is known */
		cmd = mtp3_cmd_add(c, MTP3_CMD_CO_ORDER);
		cmd->snm.heading = h;
		cmd->snm.fsn = with_fsn ? fsn : 0;
		if (f->state == SG_MTP3_LINK_AVAILABLE || f->state == SG_MTP3_LINK_TESTING ||
		    f->state == SG_MTP3_LINK_ALIGNING)
			mtp3_cmd_to(c, MTP3_CMD_TO_SLM, MTP3_SLM_EV_FAILED,
				    "changeover order received");
		/* an available link's failure starts the changeover itself */
		if (f->state != SG_MTP3_LINK_AVAILABLE)
			mtp3_cmd_to(c, MTP3_CMD_TO_TCOC, MTP3_CO_EV_START, NULL);
		break;
	case SG_MTP3_CO_WAIT_BSNT:
		cmd = mtp3_cmd_add(c, MTP3_CMD_CO_ORDER);
		cmd->snm.heading = h;
		cmd->snm.fsn = with_fsn ? fsn : 0;
		break;
	case SG_MTP3_CO_WAIT_ACK:
	case SG_MTP3_CO_WAIT_T1:
		/* crossing orders (§5.4): the far end's order acknowledges ours */
		if (with_fsn)
			co_retrieve(f, ev, fsn, c);
		else
			co_no_update(f, ev, c);
		break;
	case SG_MTP3_CO_RETRIEVING:
	default:
		mtp3_cmd_log(c, LOGL_INFO, name, "received while retrieving, ignored");
		break;
	}
}

void mtp3_tcoc_decide(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev,
		      struct mtp3_cmds *c)
{
	switch (ev->type) {
	case MTP3_CO_EV_START:
		co_start(f, c);
		break;
	case MTP3_CO_EV_BLOCKED:
		/* remote processor outage (§5.3.3, §5.6.2): time-controlled diversion of the
		 * link's SLS, no changeover messages; T1 expiry flushes MTP2's buffers */
		if (f->co != SG_MTP3_CO_NONE)
			break;
		if (!mtp3_sls_empty(&f->carried))
			mtp3_cmd_add(c, MTP3_CMD_HOLD)->sls = f->carried;
		mtp3_cmd_add(c, MTP3_CMD_CO_DIVERT);
		co_state(f, SG_MTP3_CO_WAIT_T1, c);
		mtp3_cmd_timer(c, true, SG_MTP3_T1);
		break;
	case MTP3_CO_EV_UNBLOCKED:
		/* the outage ended before T1: the held SLS stay on the link */
		if (!f->blocked || f->co != SG_MTP3_CO_WAIT_T1)
			break;
		co_stop_timer(f, ev, c);
		co_state(f, SG_MTP3_CO_NONE, c);
		mtp3_cmd_add(c, MTP3_CMD_RESUME)->sls = f->held;
		break;
	case MTP3_CO_EV_BSNT:
	case MTP3_CO_EV_NO_BSNT:
		if (f->co == SG_MTP3_CO_WAIT_BSNT)
			co_bsnt(f, ev, c);
		break;
	case MTP3_CO_EV_RETRIEVAL_COMPLETE:
		if (f->co == SG_MTP3_CO_RETRIEVING)
			co_complete(f, ev, true, c);
		break;
	case MTP3_CO_EV_RETRIEVAL_NOT_POSSIBLE:
		if (f->co == SG_MTP3_CO_RETRIEVING)
			co_no_update(f, ev, c);
		break;
	case MTP3_CO_EV_TIMEOUT:
		if (f->co == SG_MTP3_CO_WAIT_ACK || f->co == SG_MTP3_CO_WAIT_T1)
			co_no_update(f, ev, c);
		break;
	case MTP3_CO_EV_RX:
		co_rx(f, ev, c);
		break;
	}
}

/* ---- facts, events ---- */

/* Snapshot the facts, decide, act */
void mtp3_tcoc_event(struct sg_mtp3_link *l, const struct mtp3_co_ev *ev)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct mtp3_cmds c = { .proc = "TCOC" };
	struct mtp3_co_facts f = {
		.co = l->co,
		.state = l->state,
		.slc = l->slc,
		.ext_seq = l->ext_seq,
		.blocked = l->co_blocked,
		.order_rx = l->coo_rx,
		.order_fsn_valid = l->remote_fsn_valid,
		.order_fsn = l->remote_fsn,
		.active = l->active,
		.restart_pending = l->restart_pending,
		.path = mtp3_snm_path(ls, l),
	};

	for (unsigned int s = 0; s < ls->m->nsls; s++) {
		if (ls->cur[s] != l)
			continue;
		mtp3_sls_add(&f.carried, s);
		if (ls->held[s])
			mtp3_sls_add(&f.held, s);
	}
	mtp3_tcoc_decide(&f, ev, &c);
	mtp3_act(l, &c);
}

static void t_co_cb(void *data)
{
	struct sg_mtp3_link *l = data;

	LOGPL(l, LOGL_NOTICE, "%s expired\n", l->co == SG_MTP3_CO_WAIT_T1 ? "T1" : "T2");
	mtp3_tcoc_event(l, &(struct mtp3_co_ev){ .type = MTP3_CO_EV_TIMEOUT });
}

void mtp3_tcoc_init(struct sg_mtp3_link *l)
{
	sg_timer_setup(&l->t_co, t_co_cb, l);
	l->co = SG_MTP3_CO_NONE;
}

void mtp3_tcoc_l2_ind(struct sg_mtp3_link *l, enum sg_mtp2_prim prim,
		      const struct sg_mtp2_param *p, struct msgb *msg)
{
	struct mtp3_co_ev ev = { .type = MTP3_CO_EV_BSNT, .fsn = p->bsnt };

	switch (prim) {
	case SG_MTP2_RETRIEVE_BSNT:
		break;
	case SG_MTP2_BSNT_NOT_RETRIEVABLE:
		ev.type = MTP3_CO_EV_NO_BSNT;
		break;
	case SG_MTP2_RETRIEVAL_REQ:
		/* a retrieved MSU: kept for the end of the changeover */
		if (msg && l->co == SG_MTP3_CO_RETRIEVING) {
			mtp3_ctr(l, l->ls, l->ls->m, SG_MTP3_CTR_CO_RETRIEVED, 1);
			msgb_enqueue(&l->retrieved, msg);
			return;
		}
		if (msg)
			mtp3_ctr(l, l->ls, l->ls->m, SG_MTP3_CTR_CO_LOST, 1);
		msgb_free(msg);
		return;
	case SG_MTP2_RETRIEVAL_COMPLETE:
		ev.type = MTP3_CO_EV_RETRIEVAL_COMPLETE;
		break;
	case SG_MTP2_RETRIEVAL_NOT_POSSIBLE:
		ev.type = MTP3_CO_EV_RETRIEVAL_NOT_POSSIBLE;
		break;
	default:
		msgb_free(msg);
		return;
	}
	msgb_free(msg);
	mtp3_tcoc_event(l, &ev);
}

void mtp3_tcoc_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s)
{
	struct sg_mtp3_link *l = mtp3_link_by_slc(ls, s->slc);

	if (!l) {
		LOGPLS(ls, LOGL_NOTICE, "%s for unknown SLC %u: ignored\n",
		       get_value_string(sg_mtp3_snm_type_names, s->heading), s->slc);
		return;
	}
	mtp3_tcoc_event(l, &(struct mtp3_co_ev){ .type = MTP3_CO_EV_RX, .heading = s->heading,
						  .fsn = s->fsn });
}
