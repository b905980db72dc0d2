/* MTP3 changeback control (TCBC), Q.704 §6 and Figs. 31-32: CBD/CBA, T4/T5. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * Changeback runs per alternative link Y (the link carrying traffic away from its home):
 * the SLS to move are held (queued), a changeback declaration with a fresh code is sent on Y
 * itself, behind the last MSU of those SLS; the acknowledgement proves the far end has
 * received them all, so the SLS move to their home link in sequence.  No CBA within T4: the
 * CBD is repeated, and after T5 the traffic moves anyway (§6.5).  Received CBDs are answered
 * with a CBA carrying the same code.  Time-controlled diversion (§6.4, T3) is not needed:
 * changeback only happens within a linkset here.
 */

static void cbd_send(struct sg_mtp3_link *y, uint8_t slc)
{
	struct sg_mtp3_linkset *ls = y->ls;
	struct sg_mtp3_snm s = { .heading = SG_MTP3_CBD, .slc = slc, .cbc = y->cbc };
	struct msgb *msg = mtp3_snm_msu(ls->m, ls->adj_pc, slc, &s);

	if (!msg)
		return;
	LOGPL(y, LOGL_INFO, "tx CBD(SLC %u, code %u)\n", slc, y->cbc);
	mtp3_ctr(y, ls, ls->m, SG_MTP3_CTR_SNM_TX, 1);
	mtp3_link_tx(y, msg);
}

static void cb_complete(struct sg_mtp3_link *y, const char *how)
{
	struct sg_mtp3_linkset *ls = y->ls;

	sg_timer_stop(&y->t_cb);
	y->cb_pending = false;
	LOGPL(y, LOGL_NOTICE, "changeback (code %u) complete: %s\n", y->cbc, how);
	mtp3_ctr(y, ls, ls->m, SG_MTP3_CTR_CHANGEBACK, 1);
	mtp3_ls_release(ls, y, true);
	mtp3_ls_rebalance(ls);
}

static void t_cb_cb(void *data)
{
	struct sg_mtp3_link *y = data;
	struct sg_mtp3_linkset *ls = y->ls;

	if (++y->cb_tries == 1) {
		/* T4 expired: repeat the CBD, supervise with T5 */
		for (unsigned int s = 0; s < ls->m->nsls; s++)
			if (ls->held[s] && ls->cur[s] == y) {
				struct sg_mtp3_link *d = mtp3_ls_desired(ls, s);

				cbd_send(y, d ? d->slc : y->slc);
				break;
			}
		sg_timer_start_ms(&y->t_cb, mtp3_t(ls->m, SG_MTP3_T5));
		return;
	}
	cb_complete(y, "no CBA within T5");
}

void mtp3_tcbc_init(struct sg_mtp3_link *l)
{
	sg_timer_setup(&l->t_cb, t_cb_cb, l);
}

void mtp3_tcbc_start(struct sg_mtp3_link *y)
{
	struct sg_mtp3_linkset *ls = y->ls;
	struct sg_mtp3 *m = ls->m;
	struct sg_mtp3_link *to = NULL;

	for (unsigned int s = 0; s < m->nsls; s++) {
		struct sg_mtp3_link *d;

		if (ls->cur[s] != y || ls->held[s])
			continue;
		d = mtp3_ls_desired(ls, s);
		if (!d || d == y)
			continue;
		ls->held[s] = true;
		if (!to)
			to = d;
	}
	if (!to)
		return;
	y->cb_pending = true;
	y->cb_tries = 0;
	y->cbc = m->next_cbc++;
	cbd_send(y, to->slc);
	sg_timer_start_ms(&y->t_cb, mtp3_t(m, SG_MTP3_T4));
}

void mtp3_tcbc_cancel(struct sg_mtp3_link *y)
{
	sg_timer_stop(&y->t_cb);
	y->cb_pending = false;
}

void mtp3_tcbc_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s)
{
	if (s->heading == SG_MTP3_CBD) {
		struct sg_mtp3_snm a = { .heading = SG_MTP3_CBA, .slc = s->slc, .cbc = s->cbc };
		struct msgb *msg;

		if (rx_link->state == SG_MTP3_LINK_AVAILABLE) {
			msg = mtp3_snm_msu(ls->m, ls->adj_pc, s->slc, &a);
			if (!msg)
				return;
			LOGPL(rx_link, LOGL_INFO, "tx CBA(SLC %u, code %u)\n", s->slc, s->cbc);
			mtp3_ctr(rx_link, ls, ls->m, SG_MTP3_CTR_SNM_TX, 1);
			mtp3_link_tx(rx_link, msg);
		} else {
			mtp3_snm_tx_ls(ls, NULL, &a);
		}
		return;
	}
	for (unsigned int i = 0; i < ls->nlinks; i++) {
		struct sg_mtp3_link *y = ls->links[i];

		if (y->cb_pending && y->cbc == s->cbc) {
			cb_complete(y, "CBA received");
			return;
		}
	}
	LOGPLS(ls, LOGL_INFO, "CBA with unknown code %u: ignored\n", s->cbc);
}
