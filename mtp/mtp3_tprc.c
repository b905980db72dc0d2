/* MTP3 signalling point restart control (TPRC), Q.704 §9: own restart (T18, T20) and T19. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * Own MTP restart (Q.704 §9.2), started with sg_mtp3_restart() instead of sg_mtp3_start():
 *   - every link is activated; T20 (overall restart timer) starts, and T18 when we have the
 *     transfer function (phase in which links come up and routing data arrives);
 *   - while restarting we send no TRA and no route management of our own, the users get no
 *     MTP-PAUSE/RESUME and user MSUs (local and transit) are not routed; the adjacent SPs'
 *     TFP/TFR/TFA/TRA are taken in (a TRA makes its SP accessible, no T21);
 *   - phase 1 ends when every linkset is available and every adjacent SP has sent its TRA,
 *     or when T18 (STP) / T20 (SP without transfer function) runs out;
 *   - then the restart ends: to every adjacent SP with an available linkset, an STP first
 *     sends TFP for each destination it cannot reach and the preventive TFPs for those it
 *     reaches via that SP (§9.2, §13.2.2), then TRA; adjacent SPs that sent no TRA are taken
 *     as accessible; the users get MTP-RESUME for every accessible destination and
 *     MTP-PAUSE for every inaccessible one (§9.2: the users' view starts from here).
 *
 * T19 (ping-pong protection, §9.5): each time we send our routing data and TRA to an adjacent
 * SP (end of our restart, or its linkset becoming available) T19 starts for it.  A TRA from
 * an SP that is already accessible is unexpected (§9.4): when T19 is not running we take it
 * as that SP having restarted and answer with our routing data and TRA (T19 again); while
 * T19 runs it is ignored, so two SPs cannot keep answering each other's TRAs.
 */

static void restart_info(struct sg_mtp3_linkset *ls)
{
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TRA };

	mtp3_rtpc_ls_up(ls);
	mtp3_snm_tx_ls(ls, NULL, &s);
	sg_timer_start_ms(&ls->t19, mtp3_t(ls->m, SG_MTP3_T19));
}

void mtp3_tprc_ls_available(struct sg_mtp3_linkset *ls)
{
	if (ls->m->restarting)
		return;		/* our TRA goes out when our own restart ends */
	restart_info(ls);
}

static void restart_end(struct sg_mtp3 *m, const char *why)
{
	struct sg_mtp3_linkset *ls;

	sg_timer_stop(&m->t18);
	sg_timer_stop(&m->t20);
	m->restarting = false;
	LOGPM(m, LOGL_NOTICE, "MTP restart ends (%s)\n", why);
	llist_for_each_entry(ls, &m->linksets, list) {
		if (!mtp3_ls_num_avail(ls))
			continue;
		if (!ls->adj_accessible) {
			LOGPLS(ls, LOGL_NOTICE, "no TRA from %u during the restart: accessible\n",
			       ls->adj_pc);
			ls->adj_accessible = true;
		}
	}
	/* routes first (best/via with every adjacent SP accessible), then the routing data */
	mtp3_rtpc_restart_end(m, false);
	llist_for_each_entry(ls, &m->linksets, list)
		if (mtp3_ls_num_avail(ls))
			restart_info(ls);
	mtp3_rtpc_restart_end(m, true);
	llist_for_each_entry(ls, &m->linksets, list)
		mtp3_ls_rebalance(ls);
}

static void t18_cb(void *data)
{
	restart_end(data, "T18 expired");
}

static void t20_cb(void *data)
{
	restart_end(data, "T20 expired");
}

static void t19_cb(void *data)
{
	struct sg_mtp3_linkset *ls = data;

	LOGPLS(ls, LOGL_INFO, "T19 expired\n");
}

void mtp3_tprc_init(struct sg_mtp3 *m)
{
	sg_timer_setup(&m->t18, t18_cb, m);
	sg_timer_setup(&m->t20, t20_cb, m);
}

void mtp3_tprc_init_ls(struct sg_mtp3_linkset *ls)
{
	sg_timer_setup(&ls->t19, t19_cb, ls);
}

void mtp3_tprc_check(struct sg_mtp3 *m)
{
	struct sg_mtp3_linkset *ls;

	if (!m->restarting)
		return;
	llist_for_each_entry(ls, &m->linksets, list)
		if (ls->nlinks && !sg_mtp3_linkset_available(ls))
			return;
	restart_end(m, "every adjacent SP sent TRA");
}

void mtp3_tprc_unexpected_tra(struct sg_mtp3_linkset *ls)
{
	if (ls->m->restarting)
		return;
	if (sg_timer_pending(&ls->t19)) {
		LOGPLS(ls, LOGL_INFO, "unexpected TRA while T19 runs: ignored\n");
		return;
	}
	LOGPLS(ls, LOGL_NOTICE, "unexpected TRA: adjacent SP %u restarted, tx routing data, TRA\n",
	       ls->adj_pc);
	restart_info(ls);
}

int sg_mtp3_restart(struct sg_mtp3 *m)
{
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list)
		for (unsigned int i = 0; i < ls->nlinks; i++)
			if (!ls->links[i]->ops)
				return -ENOTCONN;
	if (m->restarting)
		return -EALREADY;
	if (!m->cfg.restart)
		return sg_mtp3_start(m);
	LOGPM(m, LOGL_NOTICE, "MTP restart begins\n");
	m->restarting = true;
	sg_timer_start_ms(&m->t20, mtp3_t(m, SG_MTP3_T20));
	if (m->cfg.stp)
		sg_timer_start_ms(&m->t18, mtp3_t(m, SG_MTP3_T18));
	llist_for_each_entry(ls, &m->linksets, list)
		for (unsigned int i = 0; i < ls->nlinks; i++)
			sg_mtp3_link_activate(ls->links[i]);
	return 0;
}

bool sg_mtp3_restarting(const struct sg_mtp3 *m)
{
	return m->restarting;
}
