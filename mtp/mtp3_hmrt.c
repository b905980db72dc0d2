/* MTP3 message routing (HMRT), Q.704 §2.3, §4 and Fig. 26: route, linkset and SLS load sharing. */

#include <errno.h>
#include <string.h>

#include <sg/mtp3.h>
#include <sg/mtp2.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * Load sharing (Q.704 §2.3.5, §4.2): a route picks, among its usable
 * linksets of the best priority (available before restricted), one by the
 * SLS (range partition, so that the lower SLS bits still spread over the
 * links of that linkset).  In the linkset, cur[sls] is the link carrying the
 * SLS; it only changes through changeover (Q.704 §5) and changeback (§6),
 * which hold the SLS (queue its MSUs) while they run, so that every SLS
 * stays in sequence.  An SLS's home link is links[sls % nlinks]; when that is
 * not available the SLS goes to the available links in turn.
 *
 * ANSI (T1.111.4 §2.2 and §5; 8-bit SLS, or 5-bit with the sls5 option) differs in two points:
 *  - in a combined linkset the least significant SLS bit selects the linkset (cand[sls % n],
 *    i.e. sls & 1 for the usual two linksets) and the remaining bits the link in it;
 *  - every MSU this node routes (originated or transferred) leaves with its SLS rotated one
 *    bit to the right, the old LSB becoming the MSB of the 5- or 8-bit field (8-bit:
 *    0x01 -> 0x80, 0x02 -> 0x01; 5-bit: 0x01 -> 0x10), so that the next node selects with a
 *    bit this node did not use.  The rotation follows the linkset selection.
 * Source: the rule as cited from T1.111.4 (its text was not available to us), details as in
 * the Oracle vSTP user guide, SLS Rotation, §2.12 ("SLS rotation follows the link selection",
 * "ANSI mandated outgoing 5 bit rotation"); see doc/mtp3.md.
 * In a linkset, cur[], held[] and the hold queues are indexed by the transmitted (rotated)
 * SLS, the one changeover and forced rerouting read back from the MSU; with 2^k links,
 * rot(sls) % nlinks == (sls >> 1) % nlinks: the remaining bits select the link.  An MSU
 * rerouted after it was given to a linkset (forced rerouting) is not rotated again.  ITU,
 * China and TTC: no rotation, range partition as above.
 */

static bool sls_ansi(const struct sg_mtp3 *m)
{
	return m->cfg.variant == SG_PC_ANSI;
}

/* ANSI SLS rotation: one bit right, the LSB to the MSB of the 5- or 8-bit field */
static uint8_t sls_rotate(const struct sg_mtp3 *m, uint8_t sls)
{
	unsigned int s = sls % m->nsls;

	return (s >> 1) | ((s & 1) ? m->nsls >> 1 : 0);
}

static int hmrt_route(struct sg_mtp3 *m, const struct sg_mtp3_hdr *h, struct msgb *msg,
		      bool rotate, struct sg_mtp3_link *rx);

int mtp3_link_tx(struct sg_mtp3_link *l, struct msgb *msg)
{
	struct sg_mtp3_linkset *ls = l->ls;
	size_t len = msgb_l3(msg) ? (size_t)msgb_l3len(msg) : msgb_length(msg);

	if (!l->ops) {
		msgb_free(msg);
		return -ENOTCONN;
	}
	int rc;

	rc = l->ops->req(l->l2_priv, SG_MTP2_DATA, NULL, msg);
	if (rc == -ENOSPC) {
		/* the transport to MTP2 is full (sgd: the TDM thread's mailbox): the MSU is lost
		 * here, counted; MTP2's congestion indication is on its way */
		mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_TX_L2_REFUSED, 1);
		return rc;
	}
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_TX_MSU, 1);
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_TX_OCTETS, len);
	return rc;
}

struct sg_mtp3_link *mtp3_ls_desired(struct sg_mtp3_linkset *ls, unsigned int sls)
{
	struct sg_mtp3_link *avail[MTP3_MAX_LINKS], *home;
	unsigned int n = 0;

	if (!ls->nlinks)
		return NULL;
	home = ls->links[sls % ls->nlinks];
	if (mtp3_link_traffic(home))
		return home;
	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (mtp3_link_traffic(ls->links[i]))
			avail[n++] = ls->links[i];
	return n ? avail[(sls / ls->nlinks) % n] : NULL;
}

/* Queue an MSU of a held SLS (bounded: a hold that never ends must not eat the memory). */
static int hold(struct sg_mtp3_linkset *ls, unsigned int sls, struct msgb *msg)
{
	if (ls->hold_n[sls] >= MTP3_HOLD_MAX) {
		mtp3_ctr(NULL, ls, ls->m, SG_MTP3_CTR_ROUTING_FAIL, 1);
		msgb_free(msg);
		return -ENOBUFS;
	}
	ls->hold_n[sls]++;
	msgb_enqueue(&ls->hold_q[sls], msg);
	return 0;
}

int mtp3_ls_tx(struct sg_mtp3_linkset *ls, uint8_t sls, struct msgb *msg)
{
	struct sg_mtp3_link *l;

	sls %= ls->m->nsls;
	if (ls->held[sls])
		return hold(ls, sls, msg);
	l = ls->cur[sls];
	/* an SLS on an inhibited link stays there until the changeback procedure moves it */
	if (!l || l->state != SG_MTP3_LINK_AVAILABLE) {
		/* not yet assigned (first link of the linkset): take the desired one */
		l = mtp3_ls_desired(ls, sls);
		if (!l && mtp3_ls_num_avail(ls)) {
			/* only inhibited links left: they are being uninhibited (Q.704 §10.3),
			 * hold the SLS until then (mtp3_ls_rebalance releases it) */
			ls->cur[sls] = NULL;
			ls->held[sls] = true;
			return hold(ls, sls, msg);
		}
		if (!l) {
			mtp3_ctr(NULL, ls, ls->m, SG_MTP3_CTR_ROUTING_FAIL, 1);
			msgb_free(msg);
			return -EHOSTUNREACH;
		}
		ls->cur[sls] = l;
	}
	return mtp3_link_tx(l, msg);
}

/* Send queued and retrieved MSUs of a released SLS: to its (new) link, or, when the linkset
 * has none left, through routing again (forced rerouting, Q.704 §7). */
static void ls_tx_released(struct sg_mtp3_linkset *ls, unsigned int sls, struct msgb *msg)
{
	struct sg_mtp3 *m = ls->m;
	struct sg_mtp3_hdr h;

	if (ls->cur[sls]) {
		mtp3_link_tx(ls->cur[sls], msg);
		return;
	}
	if (sg_mtp3_hdr_decode(&h, &m->fmt, msgb_l3(msg), msgb_l3len(msg))) {
		mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_ROUTING_FAIL, 1);
		msgb_free(msg);
		return;
	}
	hmrt_route(m, &h, msg, false, NULL);
}

/* from == NULL: the SLS held for want of a link (cur NULL) */
void mtp3_ls_release(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *from, bool cb_only)
{
	struct sg_mtp3 *m = ls->m;
	struct llist_head q[MTP3_MAX_SLS];
	bool rel[MTP3_MAX_SLS] = { false };
	struct msgb *msg, *tmp;

	/* release first (so that routing does not queue them again), keep the queues aside */
	for (unsigned int s = 0; s < m->nsls; s++) {
		INIT_LLIST_HEAD(&q[s]);
		if (ls->cur[s] != from || (cb_only && !ls->held[s]))
			continue;
		rel[s] = true;
		ls->cur[s] = mtp3_ls_desired(ls, s);
		ls->held[s] = false;
		llist_splice_init(&ls->hold_q[s], &q[s]);
		ls->hold_n[s] = 0;
	}
	/* retrieved MSUs first: they are older than anything queued */
	if (from) {
		llist_for_each_entry_safe(msg, tmp, &from->retrieved, list) {
			struct sg_mtp3_hdr h;

			llist_del(&msg->list);
			if (sg_mtp3_hdr_decode(&h, &m->fmt, msgb_l3(msg), msgb_l3len(msg)) ||
			    h.si == SG_MTP3_SI_MTN || h.si == SG_MTP3_SI_MTNS ||
			    (h.si == SG_MTP3_SI_SNM && h.label.dpc == ls->adj_pc)) {
				/* link-oriented management of the failed link: obsolete */
				msgb_free(msg);
				continue;
			}
			ls_tx_released(ls, h.label.sls % m->nsls, msg);
		}
	}
	for (unsigned int s = 0; s < m->nsls; s++) {
		if (!rel[s])
			continue;
		while ((msg = msgb_dequeue(&q[s])))
			ls_tx_released(ls, s, msg);
	}
}

/* Linkset lost its last link: every queue goes through routing again. */
void mtp3_ls_flush_all(struct sg_mtp3_linkset *ls)
{
	for (unsigned int s = 0; s < ls->m->nsls; s++)
		if (!ls->held[s] && ls->cur[s] && ls->cur[s]->state != SG_MTP3_LINK_AVAILABLE)
			ls->cur[s] = NULL;
}

void mtp3_ls_rebalance(struct sg_mtp3_linkset *ls)
{
	struct sg_mtp3 *m = ls->m;
	bool waiting = false;

	/* SLS held for want of an uninhibited link (mtp3_ls_tx): release them once there is
	 * one again, or once the linkset is down (they are routed elsewhere then) */
	for (unsigned int s = 0; s < m->nsls; s++)
		if (ls->held[s] && !ls->cur[s])
			waiting = true;
	if (waiting && (mtp3_ls_desired(ls, 0) || !mtp3_ls_num_avail(ls)))
		mtp3_ls_release(ls, NULL, true);

	for (unsigned int s = 0; s < m->nsls; s++) {
		struct sg_mtp3_link *d;

		if (ls->held[s])
			continue;
		d = mtp3_ls_desired(ls, s);
		if (!ls->cur[s] || ls->cur[s]->state != SG_MTP3_LINK_AVAILABLE)
			ls->cur[s] = d;
	}
	/* SLS away from their desired link: changeback from the link carrying them */
	for (unsigned int i = 0; i < ls->nlinks; i++) {
		struct sg_mtp3_link *l = ls->links[i];

		if (l->state == SG_MTP3_LINK_AVAILABLE && !l->cb_pending &&
		    l->co == SG_MTP3_CO_NONE)
			mtp3_tcbc_start(l);
	}
}

/* Pick the linkset for (dpc, sls); NULL when the destination is inaccessible. */
static struct sg_mtp3_linkset *route_select(struct sg_mtp3 *m, uint32_t dpc, uint8_t sls)
{
	struct mtp3_route *rt = mtp3_route_find(m, dpc);
	struct sg_mtp3_linkset *cand[MTP3_MAX_RT_LS];
	unsigned int n = 0, best_prio = ~0u;
	enum sg_mtp3_route_status best_st = SG_MTP3_ROUTE_PROHIBITED;

	if (!rt)
		return NULL;
	for (unsigned int i = 0; i < rt->n; i++) {
		const struct mtp3_rt_entry *e = &rt->e[i];

		if (!mtp3_rt_entry_usable(e))
			continue;
		if (e->status < best_st || (e->status == best_st && e->prio < best_prio)) {
			best_st = e->status;
			best_prio = e->prio;
			n = 0;
		}
		if (e->status == best_st && e->prio == best_prio)
			cand[n++] = e->ls;
	}
	if (!n)
		return NULL;
	/* ANSI: the least significant bit (the low bits for more than two linksets) */
	if (sls_ansi(m))
		return cand[(sls % m->nsls) % n];
	return cand[(sls % m->nsls) * n / m->nsls];
}

/* Hand the MSU to the linkset with the SLS it is sent with (rotated in ANSI). */
static int hmrt_ls_tx(struct sg_mtp3_linkset *ls, const struct sg_mtp3_hdr *h, uint8_t sls,
		      struct msgb *msg)
{
	struct sg_mtp3 *m = ls->m;
	unsigned int hl = sg_mtp3_hdr_len(m->cfg.variant);
	struct sg_mtp3_hdr th = *h;

	if (sls_ansi(m) && sls != h->label.sls) {
		th.label.sls = sls;
		if (!msgb_l3(msg) || msgb_l3len(msg) < hl ||
		    sg_mtp3_hdr_encode(msgb_l3(msg), hl, &m->fmt, &th) != hl) {
			mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_ROUTING_FAIL, 1);
			msgb_free(msg);
			return -EINVAL;
		}
	}
	return mtp3_ls_tx(ls, sls, msg);
}

/* rotate: the MSU is routed by this node for the first time (ANSI SLS rotation); rx: the
 * link a transit MSU was received on (STP), NULL for our own and for re-routed MSUs */
static int hmrt_route(struct sg_mtp3 *m, const struct sg_mtp3_hdr *h, struct msgb *msg,
		      bool rotate, struct sg_mtp3_link *rx)
{
	struct mtp3_route *rt = mtp3_route_find(m, h->label.dpc);
	struct sg_mtp3_linkset *ls;
	struct sg_mtp3_link *l;
	/* the SLS the MSU leaves with, which indexes the linkset's cur[] and held[] */
	uint8_t sls = rotate && sls_ansi(m) ? sls_rotate(m, h->label.sls) : h->label.sls % m->nsls;

	/* own MTP restart (Q.704 §9.2): no user traffic before it ends */
	if (m->restarting && h->si > SG_MTP3_SI_MTNS) {
		LOGPM(m, LOGL_INFO, "MSU to %u (SI %u) during MTP restart: discarded\n",
		      h->label.dpc, h->si);
		mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_ROUTING_FAIL, 1);
		msgb_free(msg);
		return -EHOSTUNREACH;
	}
	/* an SLS held by the time-controlled changeover of a linkset that has no link left
	 * (Q.704 §5.6.2) keeps its place in the queue: traffic waits for T1 rather than
	 * overtaking it on another linkset (held SLS of usable linksets: mtp3_ls_tx) */
	for (unsigned int i = 0; rt && i < rt->n; i++)
		if (!mtp3_rt_entry_usable(&rt->e[i]) && rt->e[i].ls->held[sls])
			return hmrt_ls_tx(rt->e[i].ls, h, sls, msg);
	/* controlled rerouting in progress: wait for T6 (Q.704 §8.2) */
	if (rt && rt->cr_hold) {
		msgb_enqueue(&rt->cr_q, msg);
		return 0;
	}
	ls = route_select(m, h->label.dpc, h->label.sls);

	if (!ls) {
		mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_ROUTING_FAIL, 1);
		if (rt)
			sg_ctr_inc(rt->ctr, SG_MTP3_CTR_ROUTING_FAIL);
		/* received (STP): per-linkset counter, rate-limited log, response-method TFP */
		if (rx)
			mtp3_rtpc_unroutable(rx, h, rt,
					     rt ? MTP3_UNR_INACCESSIBLE : MTP3_UNR_UNKNOWN);
		else
			LOGPM(m, LOGL_INFO, "no route to %u (SI %u): discarded\n", h->label.dpc,
			      h->si);
		msgb_free(msg);
		return -EHOSTUNREACH;
	}
	l = ls->held[sls] ? NULL : ls->cur[sls];
	/* Q.704 §3.8, §11.2, §13.6-§13.7: congestion status, priorities, TFC (mtp3_rtcc.c) */
	if (l && l->cong_level && mtp3_rtcc_congested(m, rt, h, l)) {
		msgb_free(msg);
		return -ENOBUFS;
	}
	return hmrt_ls_tx(ls, h, sls, msg);
}

int mtp3_hmrt_route(struct sg_mtp3 *m, const struct sg_mtp3_hdr *h, struct msgb *msg)
{
	return hmrt_route(m, h, msg, true, NULL);
}

int mtp3_hmrt_transit(struct sg_mtp3_link *rx, const struct sg_mtp3_hdr *h, struct msgb *msg)
{
	return hmrt_route(rx->ls->m, h, msg, true, rx);
}

struct msgb *mtp3_snm_msu(struct sg_mtp3 *m, uint32_t dpc, uint8_t sls, const struct sg_mtp3_snm *s)
{
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_SNM, .ni = m->cfg.ni,
				 .label = { .dpc = dpc, .opc = m->cfg.pc, .sls = sls } };
	struct msgb *msg = mtp3_msu_alloc("mtp3 snm");
	size_t n;

	if (!msg)
		return NULL;
	n = sg_mtp3_snm_msu_encode(msg->tail, msgb_tailroom(msg), &m->fmt, &h, s);
	if (!n) {
		LOGPM(m, LOGL_ERROR, "cannot encode %s\n",
		      get_value_string(sg_mtp3_snm_type_names, s->heading));
		msgb_free(msg);
		return NULL;
	}
	msg->l3h = msgb_put(msg, n);
	msg->l4h = msg->l3h + sg_mtp3_hdr_len(m->cfg.variant);
	return msg;
}

/* The link of ls for a management message to its adjacent SP: an uninhibited one if there is
 * one (inhibited links carry management traffic too), never "avoid"; NULL: none. */
static struct sg_mtp3_link *snm_link(struct sg_mtp3_linkset *ls, const struct sg_mtp3_link *avoid)
{
	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (ls->links[i] != avoid && mtp3_link_traffic(ls->links[i]))
			return ls->links[i];
	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (ls->links[i] != avoid && ls->links[i]->state == SG_MTP3_LINK_AVAILABLE)
			return ls->links[i];
	return NULL;
}

/* The best usable route to the adjacent SP of ls through another linkset (an STP, Q.704 §5.2,
 * §5.4.1); NULL: none. */
static struct mtp3_rt_entry *alt_entry(struct sg_mtp3_linkset *ls)
{
	struct mtp3_route *rt = mtp3_route_find(ls->m, ls->adj_pc);
	struct mtp3_rt_entry *best = NULL;

	for (unsigned int i = 0; rt && i < rt->n; i++) {
		struct mtp3_rt_entry *e = &rt->e[i];

		if (e->ls == ls || !mtp3_rt_entry_usable(e))
			continue;
		if (!best || e->status < best->status ||
		    (e->status == best->status && e->prio < best->prio))
			best = e;
	}
	return best;
}

bool mtp3_snm_path(struct sg_mtp3_linkset *ls, const struct sg_mtp3_link *avoid)
{
	return snm_link(ls, avoid) || alt_entry(ls);
}

int mtp3_snm_tx_ls(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *avoid,
		   const struct sg_mtp3_snm *s)
{
	struct sg_mtp3_link *l = snm_link(ls, avoid);
	struct msgb *msg;

	if (!l)
		return -EHOSTUNREACH;
	msg = mtp3_snm_msu(ls->m, ls->adj_pc,
			   sg_mtp3_snm_link_oriented(s->heading) ? s->slc : l->slc, s);
	if (!msg)
		return -EINVAL;
	LOGPL(l, LOGL_INFO, "tx %s\n", get_value_string(sg_mtp3_snm_type_names, s->heading));
	mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_SNM_TX, 1);
	return mtp3_link_tx(l, msg);
}

int mtp3_snm_tx_alt(struct sg_mtp3_linkset *ls, const struct sg_mtp3_snm *s)
{
	struct sg_mtp3 *m = ls->m;
	struct mtp3_rt_entry *best = alt_entry(ls);
	struct msgb *msg;
	uint8_t sls;

	if (!best)
		return -EHOSTUNREACH;
	sls = sg_mtp3_snm_link_oriented(s->heading) ? s->slc : 0;
	msg = mtp3_snm_msu(m, ls->adj_pc, sls, s);
	if (!msg)
		return -EINVAL;
	LOGPLS(ls, LOGL_INFO, "tx %s via linkset %s\n",
	       get_value_string(sg_mtp3_snm_type_names, s->heading), best->ls->name);
	mtp3_ctr(NULL, ls, m, SG_MTP3_CTR_SNM_TX, 1);
	return mtp3_ls_tx(best->ls, sls, msg);
}

int sg_mtp3_transfer_req(struct sg_mtp3 *m, const struct sg_mtp_param *p, struct msgb *msg)
{
	return mtp3_transfer(m, p, m->cfg.pc, msg);
}

int mtp3_transfer(struct sg_mtp3 *m, const struct sg_mtp_param *p, uint32_t opc, struct msgb *msg)
{
	struct sg_mtp3_hdr h = { .si = p->si, .ni = m->cfg.ni, .prio = p->prio,
				 .label = { .dpc = p->dpc, .opc = opc,
					    .sls = p->sls % m->nsls } };
	unsigned int hl = sg_mtp3_hdr_len(m->cfg.variant);
	uint8_t *up = msgb_l4(msg) ? msgb_l4(msg) : msg->data;

	if (p->si <= SG_MTP3_SI_MTNS || p->si >= MTP3_MAX_USERS || up < msg->head + hl ||
	    msg->tail - up > SG_MTP2_MAX_SIF + 1 - (int)hl) {
		msgb_free(msg);
		return -EINVAL;
	}
	msg->data = up - hl;
	msg->len = msg->tail - msg->data;
	msg->l3h = msg->data;
	msg->l4h = up;
	if (sg_mtp3_hdr_encode(msg->l3h, hl, &m->fmt, &h) != hl) {
		msgb_free(msg);
		return -EINVAL;
	}
	if (mtp3_rtcc_rs_congested(m, &h)) {
		msgb_free(msg);
		return -ENOBUFS;
	}
	return mtp3_hmrt_route(m, &h, msg);
}
