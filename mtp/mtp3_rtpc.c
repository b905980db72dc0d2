/* MTP3 route management: TFP/TFR/TFA received (RTPC), route set test (RSRT), Q.704 §13 and Figs. 38-46. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * Each route entry (destination, linkset) has a status set by the TFP/TFR/TFA messages of the
 * linkset's adjacent SP (the direct route to the adjacent SP itself follows the linkset).  An
 * entry is usable when its linkset has an available link, the adjacent SP is accessible (TRA)
 * and the status is not prohibited.  A destination is accessible when one entry is usable;
 * every change is told to all MTP users with MTP-PAUSE / MTP-RESUME (Q.704 §7.2.6, §8.2.3).
 * Prohibited (restricted) entries are tested every T10 with RST (RSR) to the adjacent SP.
 * As an STP, an MSU for an inaccessible destination is answered with TFP to its originator
 * (response method, §13.2.2), at most once per T8 for each destination.  The broadcast
 * method is not implemented.
 */

static void snm_to_ls(struct sg_mtp3_linkset *ls, uint8_t heading, uint32_t dest)
{
	struct sg_mtp3_snm s = { .heading = heading, .dest = dest };

	mtp3_snm_tx_ls(ls, NULL, &s);
}

bool mtp3_rt_entry_usable(const struct mtp3_rt_entry *e)
{
	const struct sg_mtp3_linkset *ls = e->ls;

	if (!ls->adj_accessible || !mtp3_ls_num_avail(ls))
		return false;
	return e->rt->dpc == ls->adj_pc || e->status != SG_MTP3_ROUTE_PROHIBITED;
}

static void t10_cb(void *data)
{
	struct mtp3_rt_entry *e = data;
	struct sg_mtp3 *m = e->ls->m;

	if (e->status == SG_MTP3_ROUTE_AVAILABLE)
		return;
	if (mtp3_ls_num_avail(e->ls) && e->ls->adj_accessible) {
		snm_to_ls(e->ls, e->status == SG_MTP3_ROUTE_PROHIBITED ? SG_MTP3_RST : SG_MTP3_RSR,
			  e->rt->dpc);
		mtp3_ctr(NULL, e->ls, m, SG_MTP3_CTR_RST_TX, 1);
	}
	sg_timer_start_ms(&e->t10, mtp3_t(m, SG_MTP3_T10));
}

static void t8_cb(void *data)
{
	/* inhibition over: the next unroutable MSU may trigger a TFP again */
}

void mtp3_rtpc_entry_init(struct mtp3_rt_entry *e)
{
	sg_timer_setup(&e->t10, t10_cb, e);
}

void mtp3_rtpc_route_init(struct mtp3_route *rt)
{
	sg_timer_setup(&rt->t8, t8_cb, rt);
}

static void entry_set(struct mtp3_rt_entry *e, enum sg_mtp3_route_status st)
{
	struct sg_mtp3 *m = e->ls->m;

	if (e->status != st)
		LOGPM(m, LOGL_NOTICE, "route to %u via %s: %s -> %s\n", e->rt->dpc, e->ls->name,
		      get_value_string(sg_mtp3_route_status_names, e->status),
		      get_value_string(sg_mtp3_route_status_names, st));
	e->status = st;
	if (st == SG_MTP3_ROUTE_AVAILABLE)
		sg_timer_stop(&e->t10);
	else if (!sg_timer_pending(&e->t10))
		sg_timer_start_ms(&e->t10, mtp3_t(m, SG_MTP3_T10));
}

static enum sg_mtp3_route_status dest_status(struct sg_mtp3 *m, uint32_t dpc,
					     const struct sg_mtp3_linkset *except)
{
	struct mtp3_route *rt = mtp3_route_find(m, dpc);
	enum sg_mtp3_route_status best = SG_MTP3_ROUTE_PROHIBITED;

	for (unsigned int i = 0; rt && i < rt->n; i++) {
		const struct mtp3_rt_entry *e = &rt->e[i];

		if (e->ls == except || !mtp3_rt_entry_usable(e))
			continue;
		if (e->rt->dpc == e->ls->adj_pc)
			return SG_MTP3_ROUTE_AVAILABLE;
		if (e->status < best)
			best = e->status;
	}
	return best;
}

void mtp3_rtpc_rx(struct sg_mtp3_linkset *ls, const struct sg_mtp3_hdr *h,
		  const struct sg_mtp3_snm *s)
{
	struct sg_mtp3 *m = ls->m;
	struct mtp3_route *rt;
	struct mtp3_rt_entry *e = NULL;

	if (s->heading == SG_MTP3_RST || s->heading == SG_MTP3_RSR) {
		enum sg_mtp3_route_status st;
		static const uint8_t reply[] = { SG_MTP3_TFA, SG_MTP3_TFR, SG_MTP3_TFP };

		if (s->dest == m->cfg.pc) {
			st = SG_MTP3_ROUTE_AVAILABLE;
		} else if (m->cfg.stp && mtp3_route_find(m, s->dest)) {
			st = dest_status(m, s->dest, ls);
		} else {
			LOGPLS(ls, LOGL_INFO, "%s for %u: not an STP for it, ignored\n",
			       get_value_string(sg_mtp3_snm_type_names, s->heading), s->dest);
			return;
		}
		/* Q.704 §13.5.4: answer with the current status */
		if (st == SG_MTP3_ROUTE_PROHIBITED && s->heading == SG_MTP3_RST)
			return;
		snm_to_ls(ls, reply[st], s->dest);
		mtp3_ctr(NULL, ls, m, st == SG_MTP3_ROUTE_PROHIBITED ? SG_MTP3_CTR_TFP_TX :
			 SG_MTP3_CTR_TFA_TX, 1);
		return;
	}
	rt = mtp3_route_find(m, s->dest);
	for (unsigned int i = 0; rt && i < rt->n; i++)
		if (rt->e[i].ls == ls)
			e = &rt->e[i];
	if (!e || s->dest == ls->adj_pc || s->dest == m->cfg.pc) {
		LOGPLS(ls, LOGL_INFO, "%s for %u: no route via this linkset, ignored\n",
		       get_value_string(sg_mtp3_snm_type_names, s->heading), s->dest);
		return;
	}
	switch (s->heading) {
	case SG_MTP3_TFP:
		entry_set(e, SG_MTP3_ROUTE_PROHIBITED);
		break;
	case SG_MTP3_TFR:
		entry_set(e, SG_MTP3_ROUTE_RESTRICTED);
		break;
	case SG_MTP3_TFA:
		entry_set(e, SG_MTP3_ROUTE_AVAILABLE);
		break;
	default:
		return;
	}
	mtp3_rtpc_update(m);
}

void mtp3_rtpc_ls_down(struct sg_mtp3_linkset *ls)
{
	struct mtp3_route *rt;

	/* routing data of the adjacent SP is renewed when it restarts (Q.704 §9) */
	llist_for_each_entry(rt, &ls->m->routes, list)
		for (unsigned int i = 0; i < rt->n; i++)
			if (rt->e[i].ls == ls) {
				sg_timer_stop(&rt->e[i].t10);
				rt->e[i].status = SG_MTP3_ROUTE_AVAILABLE;
			}
}

void mtp3_rtpc_update(struct sg_mtp3 *m)
{
	struct mtp3_route *rt;

	llist_for_each_entry(rt, &m->routes, list) {
		bool acc = sg_mtp3_dpc_accessible(m, rt->dpc);
		struct sg_mtp_param p = { .dpc = rt->dpc, .ni = m->cfg.ni };

		if (acc == rt->accessible)
			continue;
		rt->accessible = acc;
		LOGPM(m, LOGL_NOTICE, "destination %u %s\n", rt->dpc,
		      acc ? "accessible: MTP-RESUME" : "inaccessible: MTP-PAUSE");
		if (!acc) {
			sg_ctr_inc(rt->ctr, SG_MTP3_CTR_ROUTE_UNAVAIL);
			sg_ctr_inc(m->ctr, SG_MTP3_CTR_ROUTE_UNAVAIL);
		}
		mtp3_users_ind_all(m, acc ? SG_MTP_RESUME : SG_MTP_PAUSE, &p);
	}
}

void mtp3_rtpc_unroutable(struct sg_mtp3 *m, const struct sg_mtp3_hdr *h)
{
	struct mtp3_route *rt = mtp3_route_find(m, h->label.dpc);
	struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = h->label.dpc };
	struct sg_mtp3_hdr th = { .si = SG_MTP3_SI_SNM, .ni = m->cfg.ni,
				  .label = { .dpc = h->label.opc, .opc = m->cfg.pc } };
	struct msgb *msg;

	/* only as an STP, for a known destination, never about management traffic */
	if (!m->cfg.stp || !rt || h->si == SG_MTP3_SI_SNM || sg_timer_pending(&rt->t8))
		return;
	msg = mtp3_snm_msu(m, h->label.opc, 0, &s);
	if (!msg)
		return;
	sg_timer_start_ms(&rt->t8, mtp3_t(m, SG_MTP3_T8));
	LOGPM(m, LOGL_NOTICE, "TFP(%u) to %u (response method)\n", h->label.dpc, h->label.opc);
	mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_TFP_TX, 1);
	sg_ctr_inc(rt->ctr, SG_MTP3_CTR_TFP_TX);
	mtp3_hmrt_route(m, &th, msg);
}
