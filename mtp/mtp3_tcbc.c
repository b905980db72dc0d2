/* MTP3 changeback control (TCBC), Q.704 §6 and Figs. 31-32: CBD/CBA, T4/T5. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_cmd.h"
#include "mtp3_core_int.h"

/*
 * Changeback runs per alternative link Y (the link carrying traffic away from its home):
 * the SLS to move are held (queued), a changeback declaration with a fresh code is sent on Y
 * itself, behind the last MSU of those SLS; the acknowledgement proves the far end has
 * received them all, so the SLS move to their home link in sequence.  No CBA within T4: the
 * CBD is repeated, and after T5 the traffic moves anyway (§6.5).  Received CBDs are answered
 * with a CBA carrying the same code.  Time-controlled diversion (§6.4, T3) is not needed:
 * changeback only happens within a linkset here.
 *
 * mtp3_tcbc_decide() decides (a pure function of the link's changeback state and the facts
 * read by cb_facts()), mtp3_act() acts (mtp3_cmd.h).
 */

/* ---- decide ---- */

static void cb_send(uint8_t heading, uint8_t slc, uint8_t cbc, enum mtp3_via via,
		    struct mtp3_cmds *c)
{
	struct mtp3_cmd *cmd = mtp3_cmd_add(c, MTP3_CMD_SEND);

	cmd->snm.heading = heading;
	cmd->snm.slc = slc;
	cmd->snm.cbc = cbc;
	cmd->snm.via = via;
}

static void cb_complete(const char *how, struct mtp3_cmds *c)
{
	mtp3_cmd_add(c, MTP3_CMD_CB_DONE)->why = how;
	mtp3_cmd_flag(c, MTP3_CMD_RELEASE, true);
	mtp3_cmd_add(c, MTP3_CMD_REBALANCE);
}

static enum sg_mtp3_timer cb_timer(const struct mtp3_cb_facts *f)
{
	return f->tries ? SG_MTP3_T5 : SG_MTP3_T4;
}

void mtp3_tcbc_decide(const struct mtp3_cb_facts *f, const struct mtp3_cb_ev *ev,
		      struct mtp3_cmds *c)
{
	switch (ev->type) {
	case MTP3_CB_EV_START:
		/* §6.2: hold the SLS to move, CBD on this link behind their last MSU */
		if (f->to_slc < 0)
			break;
		mtp3_cmd_add(c, MTP3_CMD_HOLD)->sls = f->move;
		mtp3_cmd_add(c, MTP3_CMD_CB_BEGIN)->snm.cbc = f->next_cbc;
		cb_send(SG_MTP3_CBD, f->to_slc, f->next_cbc, MTP3_VIA_LINK, c);
		mtp3_cmd_timer(c, true, SG_MTP3_T4);
		break;
	case MTP3_CB_EV_TIMEOUT:
		if (!f->pending)
			break;
		if (f->tries == 0) {
			/* §6.5: T4 expired: repeat the CBD, supervise with T5 */
			mtp3_cmd_add(c, MTP3_CMD_CB_RETRY);
			if (f->retry_slc >= 0)
				cb_send(SG_MTP3_CBD, f->retry_slc, f->cbc, MTP3_VIA_LINK, c);
			mtp3_cmd_timer(c, true, SG_MTP3_T5);
		} else {
			cb_complete("no CBA within T5", c);
		}
		break;
	case MTP3_CB_EV_CBD:
		/* §6.3: acknowledge with the same code, on the link it came on if we can */
		cb_send(SG_MTP3_CBA, ev->slc, ev->cbc,
			f->state == SG_MTP3_LINK_AVAILABLE ? MTP3_VIA_LINK : MTP3_VIA_LINKSET, c);
		break;
	case MTP3_CB_EV_CBA:
		if (!f->pending || ev->cbc != f->cbc)
			break;
		mtp3_cmd_timer(c, false, cb_timer(f));
		cb_complete("CBA received", c);
		break;
	case MTP3_CB_EV_CANCEL:
		if (!f->pending)
			break;
		mtp3_cmd_timer(c, false, cb_timer(f));
		mtp3_cmd_add(c, MTP3_CMD_CB_CANCEL);
		break;
	}
}

/* ---- facts, events ---- */

static void cb_facts(struct sg_mtp3_link *y, struct mtp3_cb_facts *f)
{
	struct sg_mtp3_linkset *ls = y->ls;
	struct sg_mtp3 *m = ls->m;

	*f = (struct mtp3_cb_facts){
		.state = y->state,
		.pending = y->cb_pending,
		.cbc = y->cbc,
		.tries = y->cb_tries,
		.next_cbc = m->next_cbc,
		.to_slc = -1,
		.retry_slc = -1,
	};
	for (unsigned int s = 0; s < m->nsls; s++) {
		struct sg_mtp3_link *d;

		if (ls->cur[s] != y)
			continue;
		d = mtp3_ls_desired(ls, s);
		if (ls->held[s]) {
			/* the first SLS held here names the link of the repeated CBD */
			if (f->retry_slc < 0)
				f->retry_slc = d ? d->slc : y->slc;
			continue;
		}
		if (!d || d == y)
			continue;
		mtp3_sls_add(&f->move, s);
		if (f->to_slc < 0)
			f->to_slc = d->slc;
	}
}

void mtp3_tcbc_event(struct sg_mtp3_link *y, const struct mtp3_cb_ev *ev)
{
	struct mtp3_cmds c = { .proc = "TCBC" };
	struct mtp3_cb_facts f;

	cb_facts(y, &f);
	mtp3_tcbc_decide(&f, ev, &c);
	mtp3_act(y, &c);
}

static void t_cb_cb(void *data)
{
	mtp3_tcbc_event(data, &(struct mtp3_cb_ev){ .type = MTP3_CB_EV_TIMEOUT });
}

void mtp3_tcbc_init(struct sg_mtp3_link *l)
{
	sg_timer_setup(&l->t_cb, t_cb_cb, l);
}

void mtp3_tcbc_start(struct sg_mtp3_link *y)
{
	mtp3_tcbc_event(y, &(struct mtp3_cb_ev){ .type = MTP3_CB_EV_START });
}

void mtp3_tcbc_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s)
{
	struct mtp3_cb_ev ev = { .type = MTP3_CB_EV_CBA, .slc = s->slc, .cbc = s->cbc };

	if (s->heading == SG_MTP3_CBD) {
		ev.type = MTP3_CB_EV_CBD;
		mtp3_tcbc_event(rx_link, &ev);
		return;
	}
	/* the CBA answers the changeback with its code, whichever link runs it */
	for (unsigned int i = 0; i < ls->nlinks; i++) {
		struct sg_mtp3_link *y = ls->links[i];

		if (y->cb_pending && y->cbc == s->cbc) {
			mtp3_tcbc_event(y, &ev);
			return;
		}
	}
	LOGPLS(ls, LOGL_INFO, "CBA with unknown code %u: ignored\n", s->cbc);
}
