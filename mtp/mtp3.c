/* MTP3 signalling point instance, linksets, links, routes and management (Q.704 §2, §12-§16). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

const struct value_string sg_mtp3_timer_names[] = {
	{ SG_MTP3_T1, "T1" },
	{ SG_MTP3_T2, "T2" },
	{ SG_MTP3_T3, "T3" },
	{ SG_MTP3_T4, "T4" },
	{ SG_MTP3_T5, "T5" },
	{ SG_MTP3_T6, "T6" },
	{ SG_MTP3_T8, "T8" },
	{ SG_MTP3_T10, "T10" },
	{ SG_MTP3_T11, "T11" },
	{ SG_MTP3_T12, "T12" },
	{ SG_MTP3_T13, "T13" },
	{ SG_MTP3_T14, "T14" },
	{ SG_MTP3_T15, "T15" },
	{ SG_MTP3_T16, "T16" },
	{ SG_MTP3_T17, "T17" },
	{ SG_MTP3_T18, "T18" },
	{ SG_MTP3_T19, "T19" },
	{ SG_MTP3_T20, "T20" },
	{ SG_MTP3_T21, "T21" },
	{ SG_MTP3_T22, "T22" },
	{ SG_MTP3_T23, "T23" },
	{ SG_MTP3_SLT_T1, "SLT-T1" },
	{ SG_MTP3_SLT_T2, "SLT-T2" },
	{ 0, NULL }
};

/*
 * Q.704 §16.8 and Q.707 §5.  Q.704 (1996): T19 67-69 s, T20 59-61 s, T21 63-65 s, T22 and T23
 * 3-6 min (provisional); T18 is implementation and network dependent (§9.2): we allow 2-60 s.
 * The restart values are still to be confirmed against the text (q782.md, Gaps).
 */
const struct sg_tdef sg_mtp3_timer_defs[_SG_MTP3_T_MAX] = {
	[SG_MTP3_T1] = { "t1", "Delay to avoid mis-sequencing on changeover", 800, 500, 1200 },
	[SG_MTP3_T2] = { "t2", "Waiting for changeover acknowledgement", 1400, 700, 2000 },
	[SG_MTP3_T3] = { "t3", "Time-controlled diversion delay on changeback", 800, 500, 1200 },
	[SG_MTP3_T4] = { "t4", "Waiting for changeback acknowledgement (first attempt)",
			 800, 500, 1200 },
	[SG_MTP3_T5] = { "t5", "Waiting for changeback acknowledgement (second attempt)",
			 800, 500, 1200 },
	[SG_MTP3_T6] = { "t6", "Delay to avoid mis-sequencing on controlled rerouting",
			 800, 500, 1200 },
	[SG_MTP3_T8] = { "t8", "Transfer-prohibited inhibition timer", 1000, 800, 1200 },
	[SG_MTP3_T10] = { "t10", "Waiting to repeat signalling-route-set-test", 30000, 30000,
			  60000 },
	[SG_MTP3_T11] = { "t11", "Transfer-restricted timer (national option)", 60000, 30000,
			  90000 },
	[SG_MTP3_T12] = { "t12", "Uninhibit acknowledgement", 1000, 800, 1500 },
	[SG_MTP3_T13] = { "t13", "Force uninhibit", 1000, 800, 1500 },
	[SG_MTP3_T14] = { "t14", "Inhibition acknowledgement", 2500, 2000, 3000 },
	[SG_MTP3_T15] = { "t15", "Repeat signalling-route-set-congestion-test (national option)",
			  2500, 2000, 3000 },
	[SG_MTP3_T16] = { "t16", "Route set congestion status update (national option)", 1700,
			  1400, 2000 },
	[SG_MTP3_T17] = { "t17", "Delay between link failure and restart", 1000, 800, 1500 },
	[SG_MTP3_T18] = { "t18", "Own MTP restart (STP): link activation and routing data",
			  20000, 2000, 60000 },
	[SG_MTP3_T19] = { "t19", "MTP restart: ping-pong protection of TFP/TFR/TRA", 68000,
			  67000, 69000 },
	[SG_MTP3_T20] = { "t20", "Own MTP restart: overall restart timer", 60000, 59000, 61000 },
	[SG_MTP3_T21] = { "t21", "Adjacent SP restarting: accessible without TRA", 64000, 63000,
			  65000 },
	[SG_MTP3_T22] = { "t22", "Local inhibit test (LLT)", 240000, 180000, 360000 },
	[SG_MTP3_T23] = { "t23", "Remote inhibit test (LRT)", 240000, 180000, 360000 },
	[SG_MTP3_SLT_T1] = { "slt_t1", "Supervision of SLTA (Q.707)", 8000, 4000, 12000 },
	[SG_MTP3_SLT_T2] = { "slt_t2", "Interval of periodic SLTM (Q.707)", 60000, 30000, 90000 },
};

const struct value_string sg_mtp3_link_state_names[] = {
	{ SG_MTP3_LINK_INACTIVE, "INACTIVE" },
	{ SG_MTP3_LINK_ALIGNING, "ALIGNING" },
	{ SG_MTP3_LINK_TESTING, "TESTING" },
	{ SG_MTP3_LINK_AVAILABLE, "AVAILABLE" },
	{ SG_MTP3_LINK_FAILED, "FAILED" },
	{ SG_MTP3_LINK_BLOCKED, "BLOCKED" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_co_state_names[] = {
	{ SG_MTP3_CO_NONE, "NONE" },
	{ SG_MTP3_CO_WAIT_BSNT, "WAIT_BSNT" },
	{ SG_MTP3_CO_WAIT_ACK, "WAIT_ACK" },
	{ SG_MTP3_CO_WAIT_T1, "WAIT_T1" },
	{ SG_MTP3_CO_RETRIEVING, "RETRIEVING" },
	{ 0, NULL }
};

const struct value_string sg_mtp3_route_status_names[] = {
	{ SG_MTP3_ROUTE_AVAILABLE, "available" },
	{ SG_MTP3_ROUTE_RESTRICTED, "restricted" },
	{ SG_MTP3_ROUTE_PROHIBITED, "prohibited" },
	{ 0, NULL }
};

static const struct sg_ctr_desc mtp3_ctr_desc[_SG_MTP3_CTR_MAX] = {
	[SG_MTP3_CTR_RX_MSU] = { "rx:msu", "MSUs received from MTP2" },
	[SG_MTP3_CTR_RX_OCTETS] = { "rx:octets", "SIO and SIF octets received" },
	[SG_MTP3_CTR_TX_MSU] = { "tx:msu", "MSUs handed to MTP2" },
	[SG_MTP3_CTR_TX_OCTETS] = { "tx:octets", "SIO and SIF octets sent" },
	[SG_MTP3_CTR_RX_DISCARD] = { "rx:discard", "MSUs received and discarded" },
	[SG_MTP3_CTR_ROUTING_FAIL] = { "routing:fail", "MSUs discarded for lack of a route" },
	[SG_MTP3_CTR_TRANSIT] = { "routing:transit", "MSUs routed on (transfer function)" },
	[SG_MTP3_CTR_UPU_TX] = { "tx:upu", "UPU messages sent" },
	[SG_MTP3_CTR_UPU_RX] = { "rx:upu", "UPU messages received" },
	[SG_MTP3_CTR_SNM_RX] = { "rx:snm", "Network management messages received" },
	[SG_MTP3_CTR_SNM_TX] = { "tx:snm", "Network management messages sent" },
	[SG_MTP3_CTR_SLT_FAIL] = { "slt:fail", "Signalling link tests failed" },
	[SG_MTP3_CTR_CHANGEOVER] = { "changeover", "Changeovers completed" },
	[SG_MTP3_CTR_CHANGEBACK] = { "changeback", "Changebacks completed" },
	[SG_MTP3_CTR_LINK_FAIL] = { "link:fail", "Signalling link failures" },
	[SG_MTP3_CTR_LINK_UNAVAIL_MS] = { "link:unavailable_ms",
					  "Time the link was unavailable (ms)" },
	[SG_MTP3_CTR_CO_LOST] = { "changeover:lost",
				  "Retrieved MSUs dropped (arrived outside a changeover)" },
	[SG_MTP3_CTR_CO_RETRIEVED] = { "changeover:retrieved",
				       "MSUs retrieved from MTP2 on changeover" },
	[SG_MTP3_CTR_ROUTE_UNAVAIL] = { "route:unavailable",
					"Times a destination became inaccessible" },
	[SG_MTP3_CTR_TFP_TX] = { "tx:tfp", "TFP messages sent" },
	[SG_MTP3_CTR_TFA_TX] = { "tx:tfa", "TFA messages sent" },
	[SG_MTP3_CTR_RST_TX] = { "tx:rst", "Route set test messages sent" },
	[SG_MTP3_CTR_CONTROLLED_REROUTE] = { "routing:controlled_reroute",
					     "Controlled reroutings (traffic held for T6)" },
	[SG_MTP3_CTR_INHIBIT] = { "inhibit", "Link inhibited (locally or remotely)" },
	[SG_MTP3_CTR_INHIBIT_FAIL] = { "inhibit:fail",
				       "Inhibit refused (LID) or not acknowledged" },
	[SG_MTP3_CTR_UNINHIBIT] = { "uninhibit", "Link uninhibited" },
	[SG_MTP3_CTR_INHIBIT_TEST] = { "tx:inhibit_test", "Inhibit tests sent (LLT/LRT)" },
	[SG_MTP3_CTR_INHIBIT_MISMATCH] = { "inhibit:mismatch",
					   "Inhibit tests that found a mismatch" },
	[SG_MTP3_CTR_RPO] = { "link:rpo", "Remote processor outages (link blocked)" },
	[SG_MTP3_CTR_TFC_TX] = { "tx:tfc", "TFC messages sent" },
	[SG_MTP3_CTR_TFR_TX] = { "tx:tfr", "TFR messages sent" },
	[SG_MTP3_CTR_CONG_DISCARD] = { "congestion:discard",
				       "MSUs discarded for congestion (priority below the level)" },
	[SG_MTP3_CTR_UNKNOWN_DPC] = { "routing:unknown_dpc",
				      "MSUs received for a DPC without a route (STP), discarded" },
	[SG_MTP3_CTR_INACCESSIBLE_DPC] = { "routing:inaccessible_dpc",
					   "MSUs received for an inaccessible DPC (STP), "
					   "discarded" },
	[SG_MTP3_CTR_FOREIGN_DPC] = { "rx:foreign_dpc",
				      "MSUs received for another DPC and not transferred (no "
				      "transfer function, or link test messages), discarded" },
	[SG_MTP3_CTR_CONG_DISCARD_BUF] = { "congestion:discard_buffer",
					   "User MSUs discarded: the link's MTP2 buffers at their "
					   "discard threshold (Q.704 3.8)" },
	[SG_MTP3_CTR_TX_L2_REFUSED] = { "tx:l2_refused",
					"MSUs discarded: the way to MTP2 (its thread's mailbox) "
					"was full" },
	[SG_MTP3_CTR_TFP_RESPONSE] = { "tx:tfp_response",
				       "TFPs sent in answer to MSUs for an unroutable DPC "
				       "(response method, once per T8 per DPC)" },
};

const struct sg_ctr_group_desc sg_mtp3_ctr_group_desc = {
	.name = "mtp3",
	.num = _SG_MTP3_CTR_MAX,
	.ctr = mtp3_ctr_desc,
};

void sg_mtp3_cfg_defaults(struct sg_mtp3_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "mtp3";
	cfg->variant = SG_PC_ITU;
	cfg->ni = SG_NI_NATIONAL;
	cfg->restart = true;
}

struct msgb *mtp3_msu_alloc(const char *name)
{
	struct msgb *msg = sg_msgb_alloc(SG_MSGB_HEADROOM + 300, name);

	if (msg)
		msgb_reserve(msg, SG_MSGB_HEADROOM);
	return msg;
}

static int mtp3_destructor(struct sg_mtp3 *m)
{
	struct sg_mtp3_linkset *ls;
	struct mtp3_route *rt;

	sg_timer_stop(&m->t18);
	sg_timer_stop(&m->t20);
	mtp3_rtpc_fini(m);
	llist_for_each_entry(rt, &m->routes, list) {
		struct msgb *msg;

		sg_timer_stop(&rt->unr.t8);
		sg_timer_stop(&rt->t6);
		sg_timer_stop(&rt->t11);
		sg_timer_stop(&rt->t15);
		sg_timer_stop(&rt->t16);
		while ((msg = msgb_dequeue(&rt->cr_q)))
			msgb_free(msg);
		for (unsigned int i = 0; i < rt->n; i++)
			sg_timer_stop(&rt->e[i].t10);
	}
	llist_for_each_entry(ls, &m->linksets, list) {
		struct msgb *msg;

		sg_timer_stop(&ls->t21);
		sg_timer_stop(&ls->t19);
		for (unsigned int s = 0; s < MTP3_MAX_SLS; s++)
			while ((msg = msgb_dequeue(&ls->hold_q[s])))
				msgb_free(msg);
		for (unsigned int i = 0; i < ls->nlinks; i++) {
			struct sg_mtp3_link *l = ls->links[i];

			sg_timer_stop(&l->t17);
			sg_timer_stop(&l->slt_t1);
			sg_timer_stop(&l->slt_t2);
			sg_timer_stop(&l->t_co);
			sg_timer_stop(&l->t_cb);
			sg_timer_stop(&l->t_inh);
			sg_timer_stop(&l->t22);
			sg_timer_stop(&l->t23);
			while ((msg = msgb_dequeue(&l->retrieved)))
				msgb_free(msg);
		}
	}
	return 0;
}

struct sg_mtp3 *sg_mtp3_alloc(void *ctx, const struct sg_mtp3_cfg *cfg)
{
	struct sg_mtp3 *m;
	struct sg_mtp3_cfg def;

	if (!cfg) {
		sg_mtp3_cfg_defaults(&def);
		cfg = &def;
	}
	if (cfg->pc >= (1u << sg_pc_bits(cfg->variant)) || cfg->ni > 3)
		return NULL;
	m = talloc_zero(ctx, struct sg_mtp3);
	if (!m)
		return NULL;
	m->cfg = *cfg;
	snprintf(m->name, sizeof(m->name), "%s", cfg->name ? cfg->name : "mtp3");
	m->cfg.name = m->name;
	m->fmt.variant = cfg->variant;
	m->fmt.sls5 = cfg->sls5;
	m->nsls = 1u << sg_mtp3_sls_bits(&m->fmt);
	for (unsigned int i = 0; i < _SG_MTP3_T_MAX; i++)
		m->timer_ms[i] = sg_mtp3_timer_defs[i].def_val;
	INIT_LLIST_HEAD(&m->linksets);
	INIT_LLIST_HEAD(&m->routes);
	m->ctr = sg_ctr_group_alloc(m, &sg_mtp3_ctr_group_desc);
	if (!m->ctr) {
		talloc_free(m);
		return NULL;
	}
	mtp3_tprc_init(m);
	mtp3_rtpc_init(m);
	talloc_set_destructor(m, mtp3_destructor);
	LOGPM(m, LOGL_INFO, "created: %s PC %u NI %s%s\n",
	      get_value_string(sg_mtp3_variant_names, cfg->variant), cfg->pc,
	      get_value_string(sg_mtp3_ni_names, cfg->ni), cfg->stp ? ", STP" : "");
	return m;
}

void sg_mtp3_free(struct sg_mtp3 *m)
{
	talloc_free(m);
}

const char *sg_mtp3_name(const struct sg_mtp3 *m)
{
	return m->name;
}

uint32_t sg_mtp3_pc(const struct sg_mtp3 *m)
{
	return m->cfg.pc;
}

const struct sg_mtp3_cfg *sg_mtp3_get_cfg(const struct sg_mtp3 *m)
{
	return &m->cfg;
}

struct sg_mtp3_linkset *sg_mtp3_linkset_add(struct sg_mtp3 *m, const char *name, uint32_t adj_pc)
{
	struct sg_mtp3_linkset *ls;

	if (adj_pc >= (1u << sg_pc_bits(m->cfg.variant)) || adj_pc == m->cfg.pc ||
	    mtp3_linkset_by_adj(m, adj_pc) || sg_mtp3_linkset_by_name(m, name))
		return NULL;
	ls = talloc_zero(m, struct sg_mtp3_linkset);
	if (!ls)
		return NULL;
	ls->m = m;
	snprintf(ls->name, sizeof(ls->name), "%s", name);
	ls->adj_pc = adj_pc;
	for (unsigned int s = 0; s < MTP3_MAX_SLS; s++)
		INIT_LLIST_HEAD(&ls->hold_q[s]);
	ls->ctr = sg_ctr_group_alloc(ls, &sg_mtp3_ctr_group_desc);
	if (!ls->ctr) {
		talloc_free(ls);
		return NULL;
	}
	mtp3_slm_init_ls(ls);
	mtp3_tprc_init_ls(ls);
	llist_add_tail(&ls->list, &m->linksets);
	if (sg_mtp3_route_add(m, adj_pc, ls, 0) < 0) {
		llist_del(&ls->list);
		talloc_free(ls);
		return NULL;
	}
	return ls;
}

struct sg_mtp3_link *sg_mtp3_link_add(struct sg_mtp3_linkset *ls, const char *name, uint8_t slc)
{
	struct sg_mtp3_link *l;
	unsigned int i;

	if (slc >= MTP3_MAX_LINKS || ls->nlinks >= MTP3_MAX_LINKS || mtp3_link_by_slc(ls, slc) ||
	    sg_mtp3_link_by_name(ls->m, name))
		return NULL;
	l = talloc_zero(ls, struct sg_mtp3_link);
	if (!l)
		return NULL;
	l->ls = ls;
	l->slc = slc;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->ctr = sg_ctr_group_alloc(l, &sg_mtp3_ctr_group_desc);
	if (!l->ctr) {
		talloc_free(l);
		return NULL;
	}
	INIT_LLIST_HEAD(&l->retrieved);
	l->unavail_since = sg_now();
	mtp3_slm_init_link(l);
	mtp3_sltc_init(l);
	mtp3_tcoc_init(l);
	mtp3_tcbc_init(l);
	mtp3_tlac_init(l);
	/* keep the links sorted by SLC: SLS load sharing depends on it */
	for (i = ls->nlinks; i > 0 && ls->links[i - 1]->slc > slc; i--)
		ls->links[i] = ls->links[i - 1];
	ls->links[i] = l;
	ls->nlinks++;
	return l;
}

void sg_mtp3_link_set_ext_seq(struct sg_mtp3_link *l, bool ext_seq)
{
	l->ext_seq = ext_seq;
}

void sg_mtp3_link_bind(struct sg_mtp3_link *l, const struct sg_mtp3_l2_ops *ops, void *l2_priv)
{
	l->ops = ops;
	l->l2_priv = l2_priv;
}

struct mtp3_route *mtp3_route_find(struct sg_mtp3 *m, uint32_t dpc)
{
	struct mtp3_route *rt;

	llist_for_each_entry(rt, &m->routes, list)
		if (rt->dpc == dpc)
			return rt;
	return NULL;
}

int sg_mtp3_route_add(struct sg_mtp3 *m, uint32_t dpc, struct sg_mtp3_linkset *ls,
		      unsigned int prio)
{
	struct mtp3_route *rt = mtp3_route_find(m, dpc);
	struct mtp3_rt_entry *e;

	if (dpc >= (1u << sg_pc_bits(m->cfg.variant)) || dpc == m->cfg.pc || ls->m != m)
		return -EINVAL;
	if (!rt) {
		rt = talloc_zero(m, struct mtp3_route);
		if (!rt)
			return -ENOMEM;
		rt->ctr = sg_ctr_group_alloc(rt, &sg_mtp3_ctr_group_desc);
		if (!rt->ctr) {
			talloc_free(rt);
			return -ENOMEM;
		}
		rt->dpc = dpc;
		mtp3_rtpc_route_init(m, rt);
		llist_add_tail(&rt->list, &m->routes);
	}
	for (unsigned int i = 0; i < rt->n; i++)
		if (rt->e[i].ls == ls)
			return -EEXIST;
	if (rt->n == MTP3_MAX_RT_LS)
		return -ENOSPC;
	e = &rt->e[rt->n++];
	e->ls = ls;
	e->prio = prio;
	e->status = SG_MTP3_ROUTE_AVAILABLE;
	e->rt = rt;
	mtp3_rtpc_entry_init(e);
	LOGPM(m, LOGL_INFO, "route to %u via linkset %s, priority %u\n", dpc, ls->name, prio);
	mtp3_rtpc_update(m);
	return 0;
}

struct sg_mtp3_linkset *sg_mtp3_linkset_by_name(struct sg_mtp3 *m, const char *name)
{
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list)
		if (!strcmp(ls->name, name))
			return ls;
	return NULL;
}

struct sg_mtp3_linkset *mtp3_linkset_by_adj(struct sg_mtp3 *m, uint32_t pc)
{
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list)
		if (ls->adj_pc == pc)
			return ls;
	return NULL;
}

struct sg_mtp3_link *mtp3_link_by_slc(struct sg_mtp3_linkset *ls, uint8_t slc)
{
	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (ls->links[i]->slc == slc)
			return ls->links[i];
	return NULL;
}

struct sg_mtp3_link *sg_mtp3_link_by_name(struct sg_mtp3 *m, const char *name)
{
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list)
		for (unsigned int i = 0; i < ls->nlinks; i++)
			if (!strcmp(ls->links[i]->name, name))
				return ls->links[i];
	return NULL;
}

unsigned int mtp3_ls_num_avail(const struct sg_mtp3_linkset *ls)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ls->nlinks; i++)
		if (ls->links[i]->state == SG_MTP3_LINK_AVAILABLE)
			n++;
	return n;
}

const char *sg_mtp3_link_name(const struct sg_mtp3_link *l)
{
	return l->name;
}

uint8_t sg_mtp3_link_slc(const struct sg_mtp3_link *l)
{
	return l->slc;
}

enum sg_mtp3_link_state sg_mtp3_link_state(const struct sg_mtp3_link *l)
{
	return l->state;
}

enum sg_mtp3_co_state sg_mtp3_link_co_state(const struct sg_mtp3_link *l)
{
	return l->co;
}

bool sg_mtp3_linkset_available(const struct sg_mtp3_linkset *ls)
{
	return mtp3_ls_num_avail(ls) > 0 && ls->adj_accessible;
}

bool sg_mtp3_dpc_accessible(struct sg_mtp3 *m, uint32_t dpc)
{
	struct mtp3_route *rt = mtp3_route_find(m, dpc);

	if (!rt)
		return false;
	for (unsigned int i = 0; i < rt->n; i++)
		if (mtp3_rt_entry_usable(&rt->e[i]))
			return true;
	return false;
}

int sg_mtp3_alias_add(struct sg_mtp3 *m, uint32_t pc, bool accessible)
{
	if (pc >= (1u << sg_pc_bits(m->cfg.variant)))
		return -EINVAL;
	if (mtp3_is_local(m, pc) || mtp3_route_find(m, pc) || mtp3_linkset_by_adj(m, pc))
		return -EEXIST;
	if (m->nalias >= MTP3_MAX_ALIAS)
		return -ENOSPC;
	m->alias[m->nalias].pc = pc;
	m->alias[m->nalias].accessible = accessible;
	m->nalias++;
	return 0;
}

int sg_mtp3_alias_del(struct sg_mtp3 *m, uint32_t pc)
{
	for (unsigned int i = 0; i < m->nalias; i++) {
		if (m->alias[i].pc != pc)
			continue;
		m->alias[i] = m->alias[--m->nalias];
		return 0;
	}
	return -ENOENT;
}

int sg_mtp3_alias_set_accessible(struct sg_mtp3 *m, uint32_t pc, bool accessible)
{
	for (unsigned int i = 0; i < m->nalias; i++) {
		if (m->alias[i].pc != pc)
			continue;
		if (m->alias[i].accessible != accessible) {
			m->alias[i].accessible = accessible;
			mtp3_rtpc_local_dest(m, pc, accessible);
		}
		return 0;
	}
	return -ENOENT;
}

bool sg_mtp3_is_local(const struct sg_mtp3 *m, uint32_t pc)
{
	return mtp3_is_local(m, pc);
}

int sg_mtp3_dest_status(struct sg_mtp3 *m, uint32_t dpc, struct sg_mtp3_dest_status *st)
{
	struct mtp3_route *rt = mtp3_route_find(m, dpc);
	bool avail = false, restricted = false;

	*st = (struct sg_mtp3_dest_status){ 0 };
	if (mtp3_is_local(m, dpc)) {
		st->known = true;
		st->accessible = true;
		st->local = true;
		return 0;
	}
	if (!rt)
		return -ENOENT;
	st->known = true;
	for (unsigned int i = 0; i < rt->n; i++) {
		const struct mtp3_rt_entry *e = &rt->e[i];

		if (!mtp3_rt_entry_usable(e))
			continue;
		if (e->status == SG_MTP3_ROUTE_RESTRICTED && e->rt->dpc != e->ls->adj_pc)
			restricted = true;
		else
			avail = true;
	}
	st->accessible = avail || restricted;
	st->restricted = !avail && restricted;
	return 0;
}

int sg_mtp3_transfer_req_opc(struct sg_mtp3 *m, const struct sg_mtp_param *p, struct msgb *msg)
{
	return mtp3_transfer(m, p, p->opc, msg);
}

int sg_mtp3_route_status(struct sg_mtp3 *m, uint32_t dpc, const struct sg_mtp3_linkset *ls)
{
	struct mtp3_route *rt = mtp3_route_find(m, dpc);

	for (unsigned int i = 0; rt && i < rt->n; i++)
		if (rt->e[i].ls == ls)
			return rt->e[i].status;
	return -ENOENT;
}

int sg_mtp3_set_timer(struct sg_mtp3 *m, enum sg_mtp3_timer t, uint32_t ms)
{
	if (t >= _SG_MTP3_T_MAX)
		return -EINVAL;
	if (!sg_tdef_in_range(&sg_mtp3_timer_defs[t], ms))
		return -ERANGE;
	m->timer_ms[t] = ms;
	LOGPM(m, LOGL_INFO, "timer %s = %u ms\n", get_value_string(sg_mtp3_timer_names, t), ms);
	return 0;
}

uint32_t sg_mtp3_get_timer(const struct sg_mtp3 *m, enum sg_mtp3_timer t)
{
	return t < _SG_MTP3_T_MAX ? m->timer_ms[t] : 0;
}

int sg_mtp3_start(struct sg_mtp3 *m)
{
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list)
		for (unsigned int i = 0; i < ls->nlinks; i++)
			if (!ls->links[i]->ops)
				return -ENOTCONN;
	llist_for_each_entry(ls, &m->linksets, list)
		for (unsigned int i = 0; i < ls->nlinks; i++)
			sg_mtp3_link_activate(ls->links[i]);
	return 0;
}

struct sg_ctr_group *sg_mtp3_counters(struct sg_mtp3 *m)
{
	return m->ctr;
}

struct sg_ctr_group *sg_mtp3_linkset_counters(struct sg_mtp3_linkset *ls)
{
	return ls->ctr;
}

struct sg_ctr_group *sg_mtp3_link_counters(struct sg_mtp3_link *l)
{
	uint64_t now = sg_now();

	if (l->state != SG_MTP3_LINK_AVAILABLE) {
		sg_ctr_add(l->ctr, SG_MTP3_CTR_LINK_UNAVAIL_MS,
			   (now - l->unavail_since) / SG_NS_PER_MS);
		l->unavail_since += (now - l->unavail_since) / SG_NS_PER_MS * SG_NS_PER_MS;
	}
	return l->ctr;
}

/* ---- JSON ---- */

static struct json_object *pc_json(struct sg_mtp3 *m, uint32_t pc)
{
	char buf[32];

	return json_object_new_string(sg_pc_format(buf, sizeof(buf), pc, m->cfg.variant));
}

static struct json_object *link_json(struct sg_mtp3_link *l)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(l->name));
	json_object_object_add(o, "linkset", json_object_new_string(l->ls->name));
	json_object_object_add(o, "slc", json_object_new_int(l->slc));
	json_object_object_add(o, "state", json_object_new_string(
		get_value_string(sg_mtp3_link_state_names, l->state)));
	json_object_object_add(o, "active", json_object_new_boolean(l->active));
	json_object_object_add(o, "available",
			       json_object_new_boolean(l->state == SG_MTP3_LINK_AVAILABLE));
	json_object_object_add(o, "inhibited", json_object_new_boolean(l->inh != 0));
	json_object_object_add(o, "inhibited_local",
			       json_object_new_boolean(l->inh & SG_MTP3_INH_LOCAL));
	json_object_object_add(o, "inhibited_remote",
			       json_object_new_boolean(l->inh & SG_MTP3_INH_REMOTE));
	json_object_object_add(o, "blocked",
			       json_object_new_boolean(l->state == SG_MTP3_LINK_BLOCKED));
	json_object_object_add(o, "changeover", json_object_new_string(
		get_value_string(sg_mtp3_co_state_names, l->co)));
	json_object_object_add(o, "changeback_pending", json_object_new_boolean(l->cb_pending));
	json_object_object_add(o, "congestion", json_object_new_int(l->cong_level));
	json_object_object_add(o, "congestion_discard", json_object_new_boolean(l->cong_discard));
	json_object_object_add(o, "counters", sg_ctr_group_to_json(sg_mtp3_link_counters(l)));
	return o;
}

struct json_object *sg_mtp3_links_json(struct sg_mtp3 *m)
{
	struct json_object *a = json_object_new_array();
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list)
		for (unsigned int i = 0; i < ls->nlinks; i++)
			json_object_array_add(a, link_json(ls->links[i]));
	return a;
}

struct json_object *sg_mtp3_linksets_json(struct sg_mtp3 *m)
{
	struct json_object *a = json_object_new_array();
	struct sg_mtp3_linkset *ls;

	llist_for_each_entry(ls, &m->linksets, list) {
		struct json_object *o = json_object_new_object();
		struct json_object *links = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(ls->name));
		json_object_object_add(o, "adjacent_pc", pc_json(m, ls->adj_pc));
		json_object_object_add(o, "available",
				       json_object_new_boolean(sg_mtp3_linkset_available(ls)));
		json_object_object_add(o, "adjacent_accessible",
				       json_object_new_boolean(ls->adj_accessible));
		json_object_object_add(o, "links_available",
				       json_object_new_int(mtp3_ls_num_avail(ls)));
		for (unsigned int i = 0; i < ls->nlinks; i++)
			json_object_array_add(links, link_json(ls->links[i]));
		json_object_object_add(o, "links", links);
		json_object_object_add(o, "counters", sg_ctr_group_to_json(ls->ctr));
		json_object_array_add(a, o);
	}
	return a;
}

void sg_mtp3_foreach_dest(struct sg_mtp3 *m,
			  void (*cb)(uint32_t dpc, const struct sg_mtp3_dest_status *st, void *priv),
			  void *priv)
{
	struct mtp3_route *rt;

	llist_for_each_entry(rt, &m->routes, list) {
		struct sg_mtp3_dest_status st;

		if (sg_mtp3_dest_status(m, rt->dpc, &st) == 0)
			cb(rt->dpc, &st, priv);
	}
}

struct json_object *sg_mtp3_routes_json(struct sg_mtp3 *m)
{
	struct json_object *a = json_object_new_array();
	struct mtp3_route *rt;

	llist_for_each_entry(rt, &m->routes, list) {
		struct json_object *o = json_object_new_object();
		struct json_object *r = json_object_new_array();

		json_object_object_add(o, "dpc", pc_json(m, rt->dpc));
		json_object_object_add(o, "accessible",
				       json_object_new_boolean(sg_mtp3_dpc_accessible(m, rt->dpc)));
		for (unsigned int i = 0; i < rt->n; i++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "linkset",
					       json_object_new_string(rt->e[i].ls->name));
			json_object_object_add(e, "priority", json_object_new_int(rt->e[i].prio));
			json_object_object_add(e, "status", json_object_new_string(
				get_value_string(sg_mtp3_route_status_names, rt->e[i].status)));
			json_object_object_add(
				e, "usable",
				json_object_new_boolean(mtp3_rt_entry_usable(&rt->e[i])));
			json_object_array_add(r, e);
		}
		json_object_object_add(o, "routes", r);
		json_object_object_add(o, "via",
				       rt->via ? json_object_new_string(rt->via->name) : NULL);
		json_object_object_add(o, "controlled_rerouting",
				       json_object_new_boolean(rt->cr_hold));
		json_object_object_add(o, "counters", sg_ctr_group_to_json(rt->ctr));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *sg_mtp3_timers_json(struct sg_mtp3 *m)
{
	return sg_tdef_table_json(sg_mtp3_timer_defs, _SG_MTP3_T_MAX, m->timer_ms);
}
