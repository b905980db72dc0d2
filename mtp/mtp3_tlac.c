/* MTP3 signalling link availability control (TLAC): management inhibiting, Q.704 §10, Fig. 37. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * An inhibited link stays in service and keeps its signalling link tests, but carries no user
 * traffic: its SLS move to the other links of the linkset with the changeback procedure (so
 * in sequence), and come back the same way when it is uninhibited.
 *   local:  sg_mtp3_link_inhibit() -> LIN, T14; LIA: inhibited; LID or T14: refused.
 *           sg_mtp3_link_uninhibit() -> LUN, T12; LUA: uninhibited; T12: LUN once more.
 *   remote: LIN -> LIA when another uninhibited link of the linkset is available, else LID;
 *           LUN -> LUA; LFU -> we start uninhibiting (LUN).
 *   When the last uninhibited link of a linkset fails, an inhibited one is uninhibited:
 *   ours with LUN, the far end's with LFU (T13), §10.3.
 * The acceptance test is per linkset (another uninhibited available link), not over every
 * route of the network.
 * Inhibit test (§10.3.4): while the link is locally inhibited an LLT goes to the far end every
 * T22, while it is remotely inhibited an LRT every T23.  An LLT for a link we do not mark
 * remotely inhibited is answered with LFU (the far end then uninhibits with LUN); an LRT for a
 * link we do not mark locally inhibited with LUN (the far end answers LUA and clears its
 * remote mark).  Matching states: no answer.
 */

static const char *const proc_names[] = { "idle", "wait LIA", "wait LUA", "wait LUN" };

static void inh_send(struct sg_mtp3_link *l, uint8_t heading)
{
	struct sg_mtp3_snm s = { .heading = heading, .slc = l->slc };

	if (mtp3_snm_tx_ls(l->ls, NULL, &s) < 0)
		LOGPL(l, LOGL_NOTICE, "cannot send %s: no available link\n",
		      get_value_string(sg_mtp3_snm_type_names, heading));
}

static bool other_traffic_link(const struct sg_mtp3_link *l)
{
	const struct sg_mtp3_linkset *ls = l->ls;

	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (ls->links[i] != l && mtp3_link_traffic(ls->links[i]))
			return true;
	return false;
}

static void proc_set(struct sg_mtp3_link *l, int proc, enum sg_mtp3_timer t)
{
	LOGPL(l, LOGL_INFO, "inhibiting %s -> %s\n", proc_names[l->inh_proc], proc_names[proc]);
	l->inh_proc = proc;
	if (proc == INH_IDLE)
		sg_timer_stop(&l->t_inh);
	else
		sg_timer_start_ms(&l->t_inh, mtp3_t(l->ls->m, t));
}

/* inhibit test timers follow the inhibition marks (§10.3.4) */
static void inh_test_timers(struct sg_mtp3_link *l)
{
	struct sg_mtp3 *m = l->ls->m;

	if (!(l->inh & SG_MTP3_INH_LOCAL))
		sg_timer_stop(&l->t22);
	else if (!sg_timer_pending(&l->t22))
		sg_timer_start_ms(&l->t22, mtp3_t(m, SG_MTP3_T22));
	if (!(l->inh & SG_MTP3_INH_REMOTE))
		sg_timer_stop(&l->t23);
	else if (!sg_timer_pending(&l->t23))
		sg_timer_start_ms(&l->t23, mtp3_t(m, SG_MTP3_T23));
}

static void inh_test_send(struct sg_mtp3_link *l, uint8_t heading, struct sg_timer *t,
			  enum sg_mtp3_timer tn)
{
	struct sg_mtp3_linkset *ls = l->ls;

	LOGPL(l, LOGL_INFO, "%s expired: tx %s\n", get_value_string(sg_mtp3_timer_names, tn),
	      get_value_string(sg_mtp3_snm_type_names, heading));
	inh_send(l, heading);
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_INHIBIT_TEST, 1);
	sg_timer_start_ms(t, mtp3_t(ls->m, tn));
}

static void t22_cb(void *data)
{
	struct sg_mtp3_link *l = data;

	if (l->inh & SG_MTP3_INH_LOCAL)
		inh_test_send(l, SG_MTP3_LLT, &l->t22, SG_MTP3_T22);
}

static void t23_cb(void *data)
{
	struct sg_mtp3_link *l = data;

	if (l->inh & SG_MTP3_INH_REMOTE)
		inh_test_send(l, SG_MTP3_LRT, &l->t23, SG_MTP3_T23);
}

static void inh_change(struct sg_mtp3_link *l, unsigned int set, unsigned int clear)
{
	struct sg_mtp3_linkset *ls = l->ls;
	unsigned int old = l->inh;

	l->inh = (l->inh | set) & ~clear;
	inh_test_timers(l);
	if (l->inh == old)
		return;
	LOGPL(l, LOGL_NOTICE, "%s%s -> %s%s\n", old & SG_MTP3_INH_LOCAL ? "L" : "-",
	      old & SG_MTP3_INH_REMOTE ? "R" : "-", l->inh & SG_MTP3_INH_LOCAL ? "L" : "-",
	      l->inh & SG_MTP3_INH_REMOTE ? "R" : "-");
	mtp3_ctr(l, ls, ls->m, set ? SG_MTP3_CTR_INHIBIT : SG_MTP3_CTR_UNINHIBIT, 1);
	/* move the user traffic away from / back to the link (changeback procedure) */
	mtp3_ls_rebalance(ls);
}

static void t_inh_cb(void *data)
{
	struct sg_mtp3_link *l = data;
	struct sg_mtp3_linkset *ls = l->ls;

	switch (l->inh_proc) {
	case INH_WAIT_LIA:
		LOGPL(l, LOGL_NOTICE, "no LIA within T14: inhibiting abandoned\n");
		mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_INHIBIT_FAIL, 1);
		proc_set(l, INH_IDLE, 0);
		break;
	case INH_WAIT_LUA:
		if (++l->inh_tries < 2) {
			inh_send(l, SG_MTP3_LUN);
			proc_set(l, INH_WAIT_LUA, SG_MTP3_T12);
			break;
		}
		LOGPL(l, LOGL_NOTICE, "no LUA within T12 twice: uninhibiting abandoned\n");
		proc_set(l, INH_IDLE, 0);
		break;
	case INH_WAIT_LUN:
		if (++l->inh_tries < 2) {
			inh_send(l, SG_MTP3_LFU);
			proc_set(l, INH_WAIT_LUN, SG_MTP3_T13);
			break;
		}
		LOGPL(l, LOGL_NOTICE, "no LUN after LFU: forced uninhibiting abandoned\n");
		proc_set(l, INH_IDLE, 0);
		break;
	default:
		break;
	}
}

void mtp3_tlac_init(struct sg_mtp3_link *l)
{
	sg_timer_setup(&l->t_inh, t_inh_cb, l);
	sg_timer_setup(&l->t22, t22_cb, l);
	sg_timer_setup(&l->t23, t23_cb, l);
	l->inh_proc = INH_IDLE;
}

int sg_mtp3_link_inhibit(struct sg_mtp3_link *l)
{
	if (l->state != SG_MTP3_LINK_AVAILABLE)
		return -ENOTCONN;
	if ((l->inh & SG_MTP3_INH_LOCAL) || l->inh_proc == INH_WAIT_LIA)
		return -EALREADY;
	if (!other_traffic_link(l))
		return -EBUSY;
	inh_send(l, SG_MTP3_LIN);
	proc_set(l, INH_WAIT_LIA, SG_MTP3_T14);
	return 0;
}

int sg_mtp3_link_uninhibit(struct sg_mtp3_link *l)
{
	if (!(l->inh & SG_MTP3_INH_LOCAL))
		return -EALREADY;
	if (l->inh_proc == INH_WAIT_LUA)
		return 0;
	l->inh_tries = 0;
	inh_send(l, SG_MTP3_LUN);
	proc_set(l, INH_WAIT_LUA, SG_MTP3_T12);
	return 0;
}

unsigned int sg_mtp3_link_inhibited(const struct sg_mtp3_link *l)
{
	return l->inh;
}

void mtp3_tlac_check(struct sg_mtp3_linkset *ls)
{
	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (mtp3_link_traffic(ls->links[i]))
			return;
	for (unsigned int i = 0; i < ls->nlinks; i++) {
		struct sg_mtp3_link *l = ls->links[i];

		if (l->state != SG_MTP3_LINK_AVAILABLE || l->inh_proc != INH_IDLE)
			continue;
		if (l->inh & SG_MTP3_INH_LOCAL) {
			LOGPL(l, LOGL_NOTICE, "last usable link: uninhibiting\n");
			sg_mtp3_link_uninhibit(l);
		} else if (l->inh & SG_MTP3_INH_REMOTE) {
			LOGPL(l, LOGL_NOTICE, "last usable link: forced uninhibit (LFU)\n");
			l->inh_tries = 0;
			inh_send(l, SG_MTP3_LFU);
			proc_set(l, INH_WAIT_LUN, SG_MTP3_T13);
		}
	}
}

void mtp3_tlac_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s)
{
	struct sg_mtp3_link *l = mtp3_link_by_slc(ls, s->slc);

	if (!l) {
		LOGPLS(ls, LOGL_NOTICE, "%s for unknown SLC %u: ignored\n",
		       get_value_string(sg_mtp3_snm_type_names, s->heading), s->slc);
		return;
	}
	switch (s->heading) {
	case SG_MTP3_LIN:
		if (l->inh & SG_MTP3_INH_REMOTE ||
		    (l->state == SG_MTP3_LINK_AVAILABLE && other_traffic_link(l))) {
			inh_send(l, SG_MTP3_LIA);
			inh_change(l, SG_MTP3_INH_REMOTE, 0);
		} else {
			LOGPL(l, LOGL_NOTICE, "LIN refused: no other link for the traffic\n");
			inh_send(l, SG_MTP3_LID);
		}
		break;
	case SG_MTP3_LIA:
		if (l->inh_proc != INH_WAIT_LIA)
			goto unexpected;
		proc_set(l, INH_IDLE, 0);
		inh_change(l, SG_MTP3_INH_LOCAL, 0);
		break;
	case SG_MTP3_LID:
		if (l->inh_proc != INH_WAIT_LIA)
			goto unexpected;
		LOGPL(l, LOGL_NOTICE, "inhibiting denied (LID)\n");
		mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_INHIBIT_FAIL, 1);
		proc_set(l, INH_IDLE, 0);
		break;
	case SG_MTP3_LUN:
		/* answered even when not inhibited: the far end's view is then right again */
		inh_send(l, SG_MTP3_LUA);
		if (l->inh_proc == INH_WAIT_LUN)
			proc_set(l, INH_IDLE, 0);
		inh_change(l, 0, SG_MTP3_INH_REMOTE);
		break;
	case SG_MTP3_LUA:
		if (l->inh_proc != INH_WAIT_LUA)
			goto unexpected;
		proc_set(l, INH_IDLE, 0);
		inh_change(l, 0, SG_MTP3_INH_LOCAL);
		break;
	case SG_MTP3_LFU:
		if (l->inh & SG_MTP3_INH_LOCAL)
			sg_mtp3_link_uninhibit(l);
		else
			inh_send(l, SG_MTP3_LUN);	/* §10.3: the far end waits for a LUN */
		break;
	case SG_MTP3_LLT:
		/* §10.3.4: the far end has the link locally inhibited */
		if (l->inh & SG_MTP3_INH_REMOTE)
			break;
		LOGPL(l, LOGL_NOTICE, "LLT for a link not remotely inhibited here: tx LFU\n");
		mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_INHIBIT_MISMATCH, 1);
		inh_send(l, SG_MTP3_LFU);
		break;
	case SG_MTP3_LRT:
		/* §10.3.4: the far end has the link marked remotely inhibited */
		if (l->inh & SG_MTP3_INH_LOCAL)
			break;
		LOGPL(l, LOGL_NOTICE, "LRT for a link not locally inhibited here: tx LUN\n");
		mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_INHIBIT_MISMATCH, 1);
		inh_send(l, SG_MTP3_LUN);
		break;
	default:
		goto unexpected;
	}
	return;
unexpected:
	LOGPL(l, LOGL_INFO, "unexpected %s (%s): ignored\n",
	      get_value_string(sg_mtp3_snm_type_names, s->heading), proc_names[l->inh_proc]);
}
