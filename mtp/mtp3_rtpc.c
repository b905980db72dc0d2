/* MTP3 route management: TFP/TFR/TFA (RTPC), route set test (RSRT), Q.704 §13, Figs. 38-46. */

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
 * When a destination's best usable route gets better (TFA, TFR elsewhere, a linkset
 * recovers) its traffic is held for T6 and then sent on the new route: controlled rerouting
 * (§8); when it gets worse the traffic moves at once: forced rerouting (§7).  Traffic for an
 * adjacent SP coming back from an alternative linkset to its own linkset is held for T3
 * instead: changeback by time-controlled diversion (§6.4).
 * As an STP:
 *  - a received MSU for an inaccessible destination is answered with TFP to the adjacent SP
 *    it came from (response method, §13.2.2), at most once per T8 for each destination;
 *    with cfg.tfp_unknown also one for a destination we have no route to at all (else it
 *    is only discarded); either is counted per link and linkset (routing:inaccessible_dpc,
 *    routing:unknown_dpc) and logged once per episode, not per MSU (mtp3_rtpc_unroutable);
 *  - a destination becoming inaccessible (accessible) is broadcast with TFP (TFA) to every
 *    adjacent SP with an available linkset (§13.2.2 broadcast, §13.3);
 *  - when traffic to a destination starts to go via an adjacent STP, that STP gets a
 *    preventive TFP (§13.2.2 i), and the STP used before gets a TFA;
 *  - a restarting adjacent SP gets TFPs for every inaccessible destination (and the
 *    preventive ones) before our TRA (§9.5; at the end of our own restart, mtp3_tprc.c);
 *  - RST/RSR are answered with the current status (§13.5.4).
 *  - national option cfg.tfr (§13.4): when the routing to a destination becomes restricted
 *    (its normal route, the entries of the lowest priority, is unusable and the traffic takes
 *    a lower-priority alternative, or only routes restricted by TFR are left), T11 starts;
 *    when it runs out and the routing is still restricted, TFR is broadcast to every adjacent
 *    SP with an available linkset except the destination and the linkset now used (it has
 *    the preventive TFP).  Normal routing back before T11: nothing is sent; after the TFR:
 *    TFA to the same SPs.  A destination that was inaccessible and comes back over
 *    restricted routing only is broadcast as TFR at once instead of TFA.
 */

static unsigned int tx_ctr(uint8_t heading);

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

/* to every available adjacent SP except the destination itself and "except" */
static void broadcast(struct sg_mtp3 *m, uint32_t dest, uint8_t heading,
		      const struct sg_mtp3_linkset *except);

static void t11_cb(void *data)
{
	struct mtp3_route *rt = data;
	struct sg_mtp3 *m = rt->e[0].ls->m;

	if (rt->best < 0 || !mtp3_rt_restricted_routing(rt) || rt->tfr_sent || m->restarting)
		return;
	LOGPM(m, LOGL_NOTICE, "routing to %u restricted for T11: TFR broadcast\n", rt->dpc);
	rt->tfr_sent = true;
	broadcast(m, rt->dpc, SG_MTP3_TFR, rt->via);
}

static void t6_cb(void *data)
{
	struct mtp3_route *rt = data;
	struct sg_mtp3 *m = rt->e[0].ls->m;
	struct llist_head q;
	struct msgb *msg;

	rt->cr_hold = false;
	INIT_LLIST_HEAD(&q);
	llist_splice_init(&rt->cr_q, &q);
	LOGPM(m, LOGL_INFO, "%s to %u: %s expired, traffic restarted\n",
	      rt->cr_t == SG_MTP3_T3 ? "time-controlled diversion" : "controlled rerouting",
	      rt->dpc, get_value_string(sg_mtp3_timer_names, rt->cr_t));
	while ((msg = msgb_dequeue(&q))) {
		struct sg_mtp3_hdr h;

		if (sg_mtp3_hdr_decode(&h, &m->fmt, msgb_l3(msg), msgb_l3len(msg))) {
			msgb_free(msg);
			continue;
		}
		mtp3_hmrt_route(m, &h, msg);
	}
}

/* ---- received MSUs that cannot be routed (Q.704 §2.3, §13.2.2 response method) ---- */

static const char *const unr_what[] = {
	[MTP3_UNR_UNKNOWN] = "no route",
	[MTP3_UNR_INACCESSIBLE] = "inaccessible",
	[MTP3_UNR_FOREIGN] = "not ours, no transfer",
};

static void unr_log_suppressed(struct mtp3_unr *u)
{
	if (u->suppressed)
		LOGPM(u->m, LOGL_NOTICE, "%llu more MSUs for DPC %u (%s) discarded\n",
		      (unsigned long long)u->suppressed, u->dpc, unr_what[u->kind]);
	u->suppressed = 0;
	u->periods = 0;
}

static void unr_t8_cb(void *data)
{
	struct mtp3_unr *u = data;

	/* inhibition over: the next unroutable MSU may trigger a TFP again */
	u->tfp_sent = false;
	if (u->busy) {
		/* MSUs keep coming: the episode goes on, a summary line now and then */
		u->busy = false;
		if (++u->periods >= MTP3_UNR_LOG_PERIODS)
			unr_log_suppressed(u);
		sg_timer_start_ms(&u->t8, mtp3_t(u->m, SG_MTP3_T8));
		return;
	}
	/* quiet for T8: the episode is over */
	unr_log_suppressed(u);
	u->in_use = false;
}

void mtp3_rtpc_unr_init(struct sg_mtp3 *m, struct mtp3_unr *u, uint32_t dpc)
{
	u->m = m;
	u->dpc = dpc;
	sg_timer_setup(&u->t8, unr_t8_cb, u);
}

void mtp3_rtpc_init(struct sg_mtp3 *m)
{
	for (unsigned int i = 0; i < MTP3_MAX_UNR; i++)
		mtp3_rtpc_unr_init(m, &m->unr[i], 0);
}

void mtp3_rtpc_fini(struct sg_mtp3 *m)
{
	for (unsigned int i = 0; i < MTP3_MAX_UNR; i++)
		sg_timer_stop(&m->unr[i].t8);
}

/* the entry of a DPC without a route; NULL when MTP3_MAX_UNR DPCs are tracked already */
static struct mtp3_unr *unr_get(struct sg_mtp3 *m, uint32_t dpc)
{
	struct mtp3_unr *free = NULL;

	for (unsigned int i = 0; i < MTP3_MAX_UNR; i++) {
		struct mtp3_unr *u = &m->unr[i];

		if (u->in_use && u->dpc == dpc)
			return u;
		if (!u->in_use && !free)
			free = u;
	}
	if (free) {
		free->in_use = true;
		free->dpc = dpc;
		free->tfp_sent = free->busy = false;
		free->periods = 0;
		free->suppressed = 0;
	}
	return free;
}

void mtp3_rtpc_unroutable(struct sg_mtp3_link *l, const struct sg_mtp3_hdr *h,
			  struct mtp3_route *rt, enum mtp3_unr_kind kind)
{
	static const unsigned int ctr[] = {
		[MTP3_UNR_UNKNOWN] = SG_MTP3_CTR_UNKNOWN_DPC,
		[MTP3_UNR_INACCESSIBLE] = SG_MTP3_CTR_INACCESSIBLE_DPC,
		[MTP3_UNR_FOREIGN] = SG_MTP3_CTR_FOREIGN_DPC,
	};
	struct sg_mtp3_linkset *ls = l->ls;
	struct sg_mtp3 *m = ls->m;
	struct mtp3_unr *u = rt ? &rt->unr : unr_get(m, h->label.dpc);
	/* Q.704 §13.2.2: an STP answers with TFP (never a management message, never during
	 * its own restart); for a DPC it has no route to only when configured so */
	bool tfp = m->cfg.stp && !m->restarting && h->si != SG_MTP3_SI_SNM &&
		   (kind == MTP3_UNR_INACCESSIBLE ||
		    (kind == MTP3_UNR_UNKNOWN && m->cfg.tfp_unknown));
	bool first;

	mtp3_ctr(l, ls, m, ctr[kind], 1);
	if (!u) {
		/* more DPCs at once than tracked: counted, neither logged nor answered */
		return;
	}
	u->kind = kind;
	first = !sg_timer_pending(&u->t8);
	if (tfp && !u->tfp_sent) {
		struct sg_mtp3_snm s = { .heading = SG_MTP3_TFP, .dest = h->label.dpc };

		/* to the adjacent SP the MSU came from, on the linkset it came in on */
		if (mtp3_snm_tx_ls(ls, NULL, &s) == 0) {
			u->tfp_sent = true;
			u->busy = false;
			sg_timer_start_ms(&u->t8, mtp3_t(m, SG_MTP3_T8));
			mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_TFP_TX, 1);
			mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_TFP_RESPONSE, 1);
			if (rt)
				sg_ctr_inc(rt->ctr, SG_MTP3_CTR_TFP_TX);
		} else {
			tfp = false;
		}
	} else {
		tfp = false;
	}
	if (first) {
		if (!tfp)
			sg_timer_start_ms(&u->t8, mtp3_t(m, SG_MTP3_T8));
		LOGPL(l, LOGL_NOTICE, "MSU for DPC %u (%s) from OPC %u, SI %s: discarded%s\n",
		      h->label.dpc, unr_what[kind], h->label.opc,
		      get_value_string(sg_mtp3_si_names, h->si),
		      tfp ? ", TFP to the adjacent SP (response method)" : "");
		return;
	}
	if (!tfp)
		u->busy = true;
	u->suppressed++;
}

void mtp3_rtpc_entry_init(struct mtp3_rt_entry *e)
{
	sg_timer_setup(&e->t10, t10_cb, e);
}

void mtp3_rtpc_route_init(struct sg_mtp3 *m, struct mtp3_route *rt)
{
	mtp3_rtpc_unr_init(m, &rt->unr, rt->dpc);
	sg_timer_setup(&rt->t6, t6_cb, rt);
	sg_timer_setup(&rt->t11, t11_cb, rt);
	mtp3_rtcc_route_init(rt);
	INIT_LLIST_HEAD(&rt->cr_q);
	rt->best = -1;
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

		if (mtp3_is_local(m, s->dest)) {
			st = SG_MTP3_ROUTE_AVAILABLE;
		} else if (m->cfg.stp && (rt = mtp3_route_find(m, s->dest))) {
			st = dest_status(m, s->dest, ls);
			/* cfg.tfr: the status we broadcast (TFR) */
			if (st == SG_MTP3_ROUTE_AVAILABLE && m->cfg.tfr && rt->tfr_sent &&
			    rt->via != ls)
				st = SG_MTP3_ROUTE_RESTRICTED;
		} else {
			LOGPLS(ls, LOGL_INFO, "%s for %u: not an STP for it, ignored\n",
			       get_value_string(sg_mtp3_snm_type_names, s->heading), s->dest);
			return;
		}
		/* Q.704 §13.5.4: answer with the current status */
		if (st == SG_MTP3_ROUTE_PROHIBITED && s->heading == SG_MTP3_RST)
			return;
		snm_to_ls(ls, reply[st], s->dest);
		mtp3_ctr(NULL, ls, m, tx_ctr(reply[st]), 1);
		return;
	}
	rt = mtp3_route_find(m, s->dest);
	for (unsigned int i = 0; rt && i < rt->n; i++)
		if (rt->e[i].ls == ls)
			e = &rt->e[i];
	if (!e || s->dest == ls->adj_pc || mtp3_is_local(m, s->dest)) {
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

/* class of an entry: lower is better (status first, then priority) */
static int entry_class(const struct mtp3_rt_entry *e)
{
	enum sg_mtp3_route_status st = e->rt->dpc == e->ls->adj_pc ? SG_MTP3_ROUTE_AVAILABLE :
				       e->status;

	return (int)st * 0x10000 + (int)(e->prio & 0xffff);
}

static int route_best(const struct mtp3_route *rt, struct sg_mtp3_linkset **via)
{
	int best = -1;

	*via = NULL;
	for (unsigned int i = 0; i < rt->n; i++) {
		int c;

		if (!mtp3_rt_entry_usable(&rt->e[i]))
			continue;
		c = entry_class(&rt->e[i]);
		if (best < 0 || c < best) {
			best = c;
			*via = rt->e[i].ls;
		}
	}
	return best;
}

/* Is the entry of ls still usable?  Then moving away from it is controlled rerouting (TFA,
 * TFR, a better linkset recovers: §8), else forced rerouting (§7). */
static bool old_usable(const struct mtp3_route *rt, const struct sg_mtp3_linkset *ls)
{
	for (unsigned int i = 0; i < rt->n; i++)
		if (rt->e[i].ls == ls)
			return mtp3_rt_entry_usable(&rt->e[i]);
	return false;
}

static unsigned int tx_ctr(uint8_t heading)
{
	switch (heading) {
	case SG_MTP3_TFP:
		return SG_MTP3_CTR_TFP_TX;
	case SG_MTP3_TFR:
		return SG_MTP3_CTR_TFR_TX;
	default:
		return SG_MTP3_CTR_TFA_TX;
	}
}

static void broadcast2(struct sg_mtp3 *m, uint32_t dest, uint8_t heading,
		       const struct sg_mtp3_linkset *except, const struct sg_mtp3_linkset *except2)
{
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list) {
		if (ls->adj_pc == dest || ls == except || ls == except2 ||
		    !sg_mtp3_linkset_available(ls))
			continue;
		snm_to_ls(ls, heading, dest);
		mtp3_ctr(NULL, ls, m, tx_ctr(heading), 1);
	}
}

static void broadcast(struct sg_mtp3 *m, uint32_t dest, uint8_t heading,
		      const struct sg_mtp3_linkset *except)
{
	broadcast2(m, dest, heading, except, NULL);
}

bool mtp3_rt_restricted_routing(const struct mtp3_route *rt)
{
	unsigned int normal = ~0u;

	if (rt->best < 0)
		return false;
	for (unsigned int i = 0; i < rt->n; i++)
		if (rt->e[i].prio < normal)
			normal = rt->e[i].prio;
	/* only restricted routes usable, or the best usable one is not a normal route */
	return rt->best >= 0x10000 || (unsigned int)(rt->best & 0xffff) > normal;
}

/* cfg.tfr (§13.4): T11, TFR and the TFA that ends it.  After rt->best/via are updated;
 * became_acc: the destination was inaccessible until now (its TFA/TFR broadcast is ours). */
static void tfr_update(struct sg_mtp3 *m, struct mtp3_route *rt,
		       const struct sg_mtp3_linkset *old_via, bool became_acc)
{
	bool r = mtp3_rt_restricted_routing(rt);

	if (rt->best < 0) {
		/* inaccessible: TFP broadcast by the caller */
		sg_timer_stop(&rt->t11);
		rt->tfr_sent = false;
		return;
	}
	if (became_acc) {
		sg_timer_stop(&rt->t11);
		rt->tfr_sent = r;
		broadcast(m, rt->dpc, r ? SG_MTP3_TFR : SG_MTP3_TFA, rt->via);
		return;
	}
	if (r) {
		if (!rt->tfr_sent && !sg_timer_pending(&rt->t11)) {
			LOGPM(m, LOGL_INFO, "routing to %u restricted: T11 started\n", rt->dpc);
			sg_timer_start_ms(&rt->t11, mtp3_t(m, SG_MTP3_T11));
		}
		return;
	}
	if (sg_timer_pending(&rt->t11)) {
		LOGPM(m, LOGL_INFO, "routing to %u normal again before T11: no TFR\n", rt->dpc);
		sg_timer_stop(&rt->t11);
	}
	if (rt->tfr_sent) {
		rt->tfr_sent = false;
		LOGPM(m, LOGL_NOTICE, "routing to %u normal again: TFA broadcast\n", rt->dpc);
		/* the linkset traffic left has its TFA from the rerouting already */
		broadcast2(m, rt->dpc, SG_MTP3_TFA, rt->via,
			   old_via != rt->via ? old_via : NULL);
	}
}

void mtp3_rtpc_local_dest(struct sg_mtp3 *m, uint32_t pc, bool accessible)
{
	if (!m->cfg.stp || m->restarting)
		return;
	broadcast(m, pc, accessible ? SG_MTP3_TFA : SG_MTP3_TFP, NULL);
}

void mtp3_rtpc_ls_up(struct sg_mtp3_linkset *ls)
{
	struct sg_mtp3 *m = ls->m;
	struct mtp3_route *rt;

	if (!m->cfg.stp)
		return;
	/* local point codes (ASs behind the SG) that are inaccessible: preventive TFP */
	for (unsigned int i = 0; i < m->nalias; i++)
		if (!m->alias[i].accessible) {
			snm_to_ls(ls, SG_MTP3_TFP, m->alias[i].pc);
			mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_TFP_TX, 1);
		}
	llist_for_each_entry(rt, &m->routes, list) {
		bool via_ls = false;

		for (unsigned int i = 0; i < rt->n; i++)
			if (rt->e[i].ls == ls)
				via_ls = true;
		if (rt->dpc == ls->adj_pc)
			continue;
		/* inaccessible destinations; destinations reached via ls: preventive TFP (when
		 * ls is not in use yet, rtpc_update sends it once it is) */
		if ((rt->best < 0 && !via_ls) || (rt->best >= 0 && rt->via == ls)) {
			snm_to_ls(ls, SG_MTP3_TFP, rt->dpc);
			mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_TFP_TX, 1);
		}
		/* cfg.tfr: destinations whose routing is restricted (TFR broadcast) */
		else if (rt->best >= 0 && rt->tfr_sent && !via_ls) {
			snm_to_ls(ls, SG_MTP3_TFR, rt->dpc);
			mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_TFR_TX, 1);
		}
	}
}

/* accessible over restricted routes only */
static bool route_restricted(const struct mtp3_route *rt)
{
	bool restricted = false;

	for (unsigned int i = 0; i < rt->n; i++) {
		const struct mtp3_rt_entry *e = &rt->e[i];

		if (!mtp3_rt_entry_usable(e))
			continue;
		if (e->status != SG_MTP3_ROUTE_RESTRICTED || rt->dpc == e->ls->adj_pc)
			return false;
		restricted = true;
	}
	return restricted;
}

void mtp3_rtpc_update(struct sg_mtp3 *m)
{
	struct mtp3_route *rt;

	llist_for_each_entry(rt, &m->routes, list) {
		struct sg_mtp3_linkset *via, *old_via = rt->via;
		int best = route_best(rt, &via);
		bool acc = best >= 0;
		struct sg_mtp_param p = { .dpc = rt->dpc, .ni = m->cfg.ni };

		if (m->restarting) {
			/* own restart (mtp3_tprc.c): nothing is told before it ends */
			rt->best = best;
			rt->via = via;
			continue;
		}
		if (old_via && via && via != old_via && old_usable(rt, old_via)) {
			/* traffic back onto the destination's own linkset from an alternative
			 * one (via an STP): changeback with time-controlled diversion, held for
			 * T3 (Q.704 §6.4: no CBD/CBA across linksets); else controlled
			 * rerouting, held for T6 (§8.2); then it goes the new way */
			bool cb = via->adj_pc == rt->dpc;
			unsigned int c = cb ? SG_MTP3_CTR_CHANGEBACK :
					      SG_MTP3_CTR_CONTROLLED_REROUTE;

			if (!rt->cr_hold)
				rt->cr_t = cb ? SG_MTP3_T3 : SG_MTP3_T6;
			LOGPM(m, LOGL_INFO, "%s to %u: %s -> %s (%s)\n",
			      cb ? "time-controlled diversion" : "controlled rerouting", rt->dpc,
			      old_via->name, via->name,
			      get_value_string(sg_mtp3_timer_names, rt->cr_t));
			sg_ctr_inc(rt->ctr, c);
			sg_ctr_inc(m->ctr, c);
			rt->cr_hold = true;
			if (!sg_timer_pending(&rt->t6))
				sg_timer_start_ms(&rt->t6, mtp3_t(m, rt->cr_t));
		}
		rt->best = best;
		rt->via = via;
		if (m->cfg.stp && acc && via != old_via) {
			if (via->adj_pc != rt->dpc) {
				snm_to_ls(via, SG_MTP3_TFP, rt->dpc);
				mtp3_ctr(NULL, via, m, SG_MTP3_CTR_TFP_TX, 1);
			}
			if (old_via && old_via->adj_pc != rt->dpc &&
			    sg_mtp3_linkset_available(old_via)) {
				snm_to_ls(old_via, SG_MTP3_TFA, rt->dpc);
				mtp3_ctr(NULL, old_via, m, SG_MTP3_CTR_TFA_TX, 1);
			}
		}
		if (m->cfg.stp && m->cfg.tfr)
			tfr_update(m, rt, old_via, acc && !rt->accessible);
		if (acc == rt->accessible) {
			/* national option: a destination reached only over restricted routes
			 * (TFR) is told to the users as MTP-STATUS(restricted); back to normal
			 * routing as a repeated MTP-RESUME (a gateway maps them to DRST/DAVA) */
			bool restr = acc && route_restricted(rt);

			if (acc && restr != rt->restricted) {
				rt->restricted = restr;
				if (restr) {
					p.cause = SG_MTP_STATUS_RESTRICTED;
					mtp3_users_ind_all(m, SG_MTP_STATUS, &p);
				} else {
					mtp3_users_ind_all(m, SG_MTP_RESUME, &p);
				}
			}
			continue;
		}
		rt->accessible = acc;
		rt->restricted = acc && route_restricted(rt);
		LOGPM(m, LOGL_NOTICE, "destination %u %s\n", rt->dpc,
		      acc ? "accessible: MTP-RESUME" : "inaccessible: MTP-PAUSE");
		if (!acc) {
			sg_ctr_inc(rt->ctr, SG_MTP3_CTR_ROUTE_UNAVAIL);
			sg_ctr_inc(m->ctr, SG_MTP3_CTR_ROUTE_UNAVAIL);
		}
		if (m->cfg.stp && !(m->cfg.tfr && acc))
			broadcast(m, rt->dpc, acc ? SG_MTP3_TFA : SG_MTP3_TFP, acc ? via : NULL);
		mtp3_users_ind_all(m, acc ? SG_MTP_RESUME : SG_MTP_PAUSE, &p);
	}
}

void mtp3_rtpc_restart_end(struct sg_mtp3 *m, bool users)
{
	struct mtp3_route *rt;

	llist_for_each_entry(rt, &m->routes, list) {
		struct sg_mtp_param p = { .dpc = rt->dpc, .ni = m->cfg.ni };

		if (!users) {
			rt->best = route_best(rt, &rt->via);
			continue;
		}
		rt->accessible = rt->best >= 0;
		LOGPM(m, LOGL_NOTICE, "destination %u %s\n", rt->dpc,
		      rt->accessible ? "accessible: MTP-RESUME" : "inaccessible: MTP-PAUSE");
		if (!rt->accessible) {
			sg_ctr_inc(rt->ctr, SG_MTP3_CTR_ROUTE_UNAVAIL);
			sg_ctr_inc(m->ctr, SG_MTP3_CTR_ROUTE_UNAVAIL);
		}
		mtp3_users_ind_all(m, rt->accessible ? SG_MTP_RESUME : SG_MTP_PAUSE, &p);
	}
}
