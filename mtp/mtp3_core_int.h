/* MTP3 core internals shared by the Q.704 functional blocks (mtp/mtp3*.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/msgb.h>

#include <sg/log.h>
#include <sg/mtp3.h>
#include <sg/mtp3_core.h>
#include <sg/timer.h>

#define MTP3_MAX_SLS		256	/* ANSI 8-bit SLS */
#define MTP3_MAX_LINKS		16	/* SLC 0..15 */
#define MTP3_MAX_RT_LS		8	/* linksets per route */
#define MTP3_MAX_USERS		16
#define MTP3_NAME_MAX		32
#define MTP3_HOLD_MAX		8192	/* MSUs queued per held SLS before discarding */
#define MTP3_MAX_UNR		64	/* DPCs without a route tracked at once (T8, log) */
#define MTP3_UNR_LOG_PERIODS	60	/* a flood of unroutable MSUs: a log line every 60 T8 */

#define LOGPM(m, lvl, fmt, args...) LOGP(DMTP3, lvl, "MTP3(%s) " fmt, (m)->name, ## args)
#define LOGPLS(ls, lvl, fmt, args...) \
	LOGP(DMTP3, lvl, "MTP3(%s) linkset %s: " fmt, (ls)->m->name, (ls)->name, ## args)
#define LOGPL(l, lvl, fmt, args...)                                                                \
	LOGP(DMTP3, lvl, "MTP3(%s) link %s/%u: " fmt, (l)->ls->m->name, (l)->name, (l)->slc, ##args)

struct sg_mtp3_link {
	struct sg_mtp3_linkset *ls;
	char name[MTP3_NAME_MAX];
	uint8_t slc;
	const struct sg_mtp3_l2_ops *ops;
	void *l2_priv;
	enum sg_mtp3_link_state state;
	bool active;			/* administratively activated */
	bool restart_pending;		/* T17 ran out during changeover */
	uint8_t cong_level;		/* MTP2 transmit congestion 0..3 */
	bool cong_discard;		/* MTP2 at its discard threshold: user MSUs discarded here */
	struct sg_timer t17;
	uint64_t unavail_since;		/* ns, when not available */
	/* signalling link test control (Q.707) */
	struct sg_timer slt_t1, slt_t2;
	uint8_t slt_pattern[SG_MTP3_SLT_PATTERN_MAX];
	uint8_t slt_len;
	unsigned int slt_tries;
	uint8_t slt_seed;
	/* changeover (Q.704 §5) */
	enum sg_mtp3_co_state co;
	struct sg_timer t_co;		/* T1 or T2 */
	bool co_blocked;		/* T1: diversion for a remote processor outage */
	bool coo_rx;			/* COO/ECO received from the far end */
	bool remote_fsn_valid;		/* COO/COA received (not ECO/ECA) */
	uint16_t remote_fsn;
	bool ext_seq;			/* Annex A link: XCO/XCA, 12-bit FSN */
	struct llist_head retrieved;	/* MSUs retrieved from MTP2 */
	/* changeback, as the link traffic is diverted from (Q.704 §6) */
	bool cb_pending;
	uint8_t cbc;
	unsigned int cb_tries;
	struct sg_timer t_cb;		/* T4, then T5 */
	/* management inhibiting (Q.704 §10) */
	unsigned int inh;		/* SG_MTP3_INH_LOCAL | SG_MTP3_INH_REMOTE */
	enum { INH_IDLE, INH_WAIT_LIA, INH_WAIT_LUA, INH_WAIT_LUN } inh_proc;
	unsigned int inh_tries;
	struct sg_timer t_inh;		/* T14, T12 or T13 */
	struct sg_timer t22, t23;	/* inhibit tests (LLT, LRT) */
	struct sg_ctr_group *ctr;
};

struct sg_mtp3_linkset {
	struct llist_head list;
	struct sg_mtp3 *m;
	char name[MTP3_NAME_MAX];
	uint32_t adj_pc;
	unsigned int nlinks;
	struct sg_mtp3_link *links[MTP3_MAX_LINKS];	/* sorted by SLC */
	bool was_available;
	bool adj_accessible;		/* TRA received (or T21 ran out) */
	struct sg_timer t21;
	struct sg_timer t19;		/* restart data sent: unexpected TRAs ignored */
	/* SLS -> link currently carrying it; held SLS queue their MSUs */
	struct sg_mtp3_link *cur[MTP3_MAX_SLS];
	bool held[MTP3_MAX_SLS];
	struct llist_head hold_q[MTP3_MAX_SLS];
	unsigned int hold_n[MTP3_MAX_SLS];
	struct sg_ctr_group *ctr;
};

/* Why a received MSU could not be routed (counter, log, response-method TFP) */
enum mtp3_unr_kind {
	MTP3_UNR_UNKNOWN,		/* STP, no route to the DPC at all */
	MTP3_UNR_INACCESSIBLE,		/* STP, the DPC's route set is unusable */
	MTP3_UNR_FOREIGN,		/* not our DPC and no transfer function for it */
};

/* Received MSUs for one DPC that could not be routed (mtp3_rtpc.c): the response-method TFP
 * is sent at most once per T8 (Q.704 §13.2.2), and while MSUs keep coming the log has one
 * line per MTP3_UNR_LOG_PERIODS periods.  In a route (inaccessible destination) or in
 * sg_mtp3.unr[] (DPC without a route, or foreign DPC at an SP without transfer function). */
struct mtp3_unr {
	struct sg_mtp3 *m;
	uint32_t dpc;
	bool in_use;			/* sg_mtp3.unr[] entry taken */
	enum mtp3_unr_kind kind;	/* of the last MSU */
	bool tfp_sent;			/* TFP sent in the running T8 period */
	bool busy;			/* more MSUs since T8 was started */
	unsigned int periods;		/* T8 periods since the last log line */
	uint64_t suppressed;		/* MSUs discarded without a log line since then */
	struct sg_timer t8;		/* TFP response-method inhibition, log suppression */
};

struct mtp3_rt_entry {
	struct sg_mtp3_linkset *ls;
	unsigned int prio;
	enum sg_mtp3_route_status status;	/* from TFP/TFR/TFA of ls's adjacent SP */
	struct sg_timer t10;			/* route set test (RST/RSR) */
	struct mtp3_route *rt;
};

struct mtp3_route {
	struct llist_head list;
	uint32_t dpc;
	unsigned int n;
	struct mtp3_rt_entry e[MTP3_MAX_RT_LS];
	bool accessible;		/* as last reported to users */
	bool restricted;		/* accessible over restricted routes only, as reported */
	int best;			/* best usable entry class (status, prio), -1: none */
	struct sg_mtp3_linkset *via;	/* linkset of the best entry (STP: preventive TFP) */
	struct mtp3_unr unr;		/* MSUs received for it while inaccessible (T8) */
	/* controlled rerouting (Q.704 §8): traffic held for T6; changeback by time-controlled
	 * diversion (§6.4): for T3 */
	bool cr_hold;
	enum sg_mtp3_timer cr_t;	/* SG_MTP3_T6 or SG_MTP3_T3 */
	struct sg_timer t6;
	struct llist_head cr_q;
	unsigned int tfc_cnt;		/* congested MSUs (TFC rate limit, mtp3_rtcc.c) */
	/* STP, national option cfg.tfr (Q.704 §13.4): routing restricted, TFR after T11 */
	struct sg_timer t11;
	bool tfr_sent;			/* TFR broadcast: TFA owed when routing is normal */
	/* national option cfg.cong_prio (Q.704 §13.9, mtp3_rtcc.c): congestion status of the
	 * route set from TFC, lowered by the route-set-congestion test (RCT, T15/T16) */
	uint8_t cong;
	struct sg_timer t15, t16;
	struct sg_ctr_group *ctr;
};

#define MTP3_MAX_ALIAS 64

/* The user of one SI (mtp3_hmdt.c); one user may hold several SIs */
struct mtp3_user {
	const struct sg_mtp_user *u;
	bool unavailable;
};

struct sg_mtp3 {
	char name[MTP3_NAME_MAX];
	struct sg_mtp3_cfg cfg;
	struct sg_mtp3_fmt fmt;
	unsigned int nsls;
	uint32_t timer_ms[_SG_MTP3_T_MAX];
	struct llist_head linksets;
	struct llist_head routes;
	struct mtp3_user users[MTP3_MAX_USERS];	/* by SI */
	uint8_t next_cbc;
	/* own MTP restart (Q.704 §9.2, mtp3_tprc.c) */
	bool restarting;
	struct sg_timer t18, t20;
	struct sg_ctr_group *ctr;
	/* further local point codes (ASs behind an SG, RFC 4666 §1.4): MSUs for them go to
	 * the users like those for cfg.pc; accessibility announced to the SS7 side by TFP/TFA */
	unsigned int nalias;
	struct { uint32_t pc; bool accessible; } alias[MTP3_MAX_ALIAS];
	/* received MSUs for DPCs without a route (mtp3_rtpc.c) */
	struct mtp3_unr unr[MTP3_MAX_UNR];
};

static inline bool mtp3_is_local(const struct sg_mtp3 *m, uint32_t pc)
{
	if (pc == m->cfg.pc)
		return true;
	for (unsigned int i = 0; i < m->nalias; i++)
		if (m->alias[i].pc == pc)
			return true;
	return false;
}

static inline uint32_t mtp3_t(const struct sg_mtp3 *m, enum sg_mtp3_timer t)
{
	return m->timer_ms[t];
}

static inline void mtp3_ctr(struct sg_mtp3_link *l, struct sg_mtp3_linkset *ls,
			    struct sg_mtp3 *m, unsigned int idx, uint64_t n)
{
	if (l)
		sg_ctr_add(l->ctr, idx, n);
	if (ls)
		sg_ctr_add(ls->ctr, idx, n);
	if (m)
		sg_ctr_add(m->ctr, idx, n);
}

/* mtp3_hmrt.c: an MSU from a local user with the given OPC */
int mtp3_transfer(struct sg_mtp3 *m, const struct sg_mtp_param *p, uint32_t opc, struct msgb *msg);

/* mtp3.c */
struct mtp3_route *mtp3_route_find(struct sg_mtp3 *m, uint32_t dpc);
struct sg_mtp3_linkset *mtp3_linkset_by_adj(struct sg_mtp3 *m, uint32_t pc);
struct sg_mtp3_link *mtp3_link_by_slc(struct sg_mtp3_linkset *ls, uint8_t slc);
unsigned int mtp3_ls_num_avail(const struct sg_mtp3_linkset *ls);
struct msgb *mtp3_msu_alloc(const char *name);

/* mtp3_hmdc.c: message discrimination; takes msg (SIO at l3h) */
void mtp3_hmdc_rx(struct sg_mtp3_link *l, struct msgb *msg);
/* mtp3_hmdt.c: distribution; takes msg */
void mtp3_hmdt_rx(struct sg_mtp3_link *l, const struct sg_mtp3_hdr *h, struct msgb *msg);
void mtp3_user_ind(struct sg_mtp3 *m, uint8_t si, enum sg_mtp_prim prim,
		   const struct sg_mtp_param *p, struct msgb *msg);
void mtp3_users_ind_all(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p);

/* mtp3_hmrt.c: routing */
/* Route an MSU (SIO at l3h, header in h); takes msg.  0 or -EHOSTUNREACH. */
int mtp3_hmrt_route(struct sg_mtp3 *m, const struct sg_mtp3_hdr *h, struct msgb *msg);
/* The same for an MSU received on link rx for another DPC (transfer function, STP): when it
 * cannot be routed, mtp3_rtpc_unroutable() counts it and may answer with TFP. */
int mtp3_hmrt_transit(struct sg_mtp3_link *rx, const struct sg_mtp3_hdr *h, struct msgb *msg);
/* Send an MSU on one link (bypasses SLS selection); takes msg. */
int mtp3_link_tx(struct sg_mtp3_link *l, struct msgb *msg);
/* Send within a linkset by SLS (held SLS queue); takes msg. */
int mtp3_ls_tx(struct sg_mtp3_linkset *ls, uint8_t sls, struct msgb *msg);
/* The link an SLS should use now (home link if available); NULL when none. */
struct sg_mtp3_link *mtp3_ls_desired(struct sg_mtp3_linkset *ls, unsigned int sls);
/* Give every unassigned SLS its link, start changebacks for SLS away from home. */
void mtp3_ls_rebalance(struct sg_mtp3_linkset *ls);
/* Release held SLS currently on link l: assign desired, flush queues. */
void mtp3_ls_release(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *from, bool cb_only);
void mtp3_ls_flush_all(struct sg_mtp3_linkset *ls);

/* SNM encoding helpers (mtp3_hmrt.c) */
struct msgb *mtp3_snm_msu(struct sg_mtp3 *m, uint32_t dpc, uint8_t sls,
			  const struct sg_mtp3_snm *s);
/* Send an SNM message to the adjacent SP of ls on any available link except "avoid". */
int mtp3_snm_tx_ls(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *avoid,
		   const struct sg_mtp3_snm *s);

/* Send an SNM message to the adjacent SP of ls over another linkset (signalling route via an
 * STP, Q.704 §5.2/§5.4): changeover messages when ls has no link left.  -EHOSTUNREACH when
 * there is no such route. */
int mtp3_snm_tx_alt(struct sg_mtp3_linkset *ls, const struct sg_mtp3_snm *s);
/* Can a changeover message for link avoid go out (another link of ls, or a route via an STP)? */
bool mtp3_snm_path(struct sg_mtp3_linkset *ls, const struct sg_mtp3_link *avoid);

/* mtp3_slm.c: link management (decisions: mtp3_cmd.h) */
void mtp3_slm_link_failed(struct sg_mtp3_link *l, const char *why);
void mtp3_slm_link_available(struct sg_mtp3_link *l);
void mtp3_slm_set_state(struct sg_mtp3_link *l, enum sg_mtp3_link_state st);
void mtp3_ls_update(struct sg_mtp3_linkset *ls);
void mtp3_slm_tra_rx(struct sg_mtp3_linkset *ls);
void mtp3_slm_init_link(struct sg_mtp3_link *l);
void mtp3_slm_init_ls(struct sg_mtp3_linkset *ls);

/* mtp3_sltc.c: signalling link test (Q.707) */
void mtp3_sltc_start(struct sg_mtp3_link *l);
void mtp3_sltc_stop(struct sg_mtp3_link *l);
void mtp3_sltc_rx(struct sg_mtp3_link *l, const struct sg_mtp3_hdr *h, struct msgb *msg);
void mtp3_sltc_init(struct sg_mtp3_link *l);

/* mtp3_tcoc.c: changeover; mtp3_tcbc.c: changeback (decisions and events: mtp3_cmd.h) */
void mtp3_tcoc_init(struct sg_mtp3_link *l);
void mtp3_tcoc_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s);
void mtp3_tcoc_l2_ind(struct sg_mtp3_link *l, enum sg_mtp2_prim prim,
		      const struct sg_mtp2_param *p, struct msgb *msg);
void mtp3_tcbc_init(struct sg_mtp3_link *l);
void mtp3_tcbc_start(struct sg_mtp3_link *from);
void mtp3_tcbc_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s);

/* mtp3_tlac.c: management inhibiting */
void mtp3_tlac_init(struct sg_mtp3_link *l);
void mtp3_tlac_rx(struct sg_mtp3_linkset *ls, struct sg_mtp3_link *rx_link,
		  const struct sg_mtp3_snm *s);
/* a linkset lost an uninhibited link: force uninhibiting of a remotely inhibited one */
void mtp3_tlac_check(struct sg_mtp3_linkset *ls);
/* may the link carry user traffic? */
static inline bool mtp3_link_traffic(const struct sg_mtp3_link *l)
{
	return l->state == SG_MTP3_LINK_AVAILABLE && !l->inh;
}

/* mtp3_tprc.c: own MTP restart, T19 */
void mtp3_tprc_init(struct sg_mtp3 *m);
void mtp3_tprc_init_ls(struct sg_mtp3_linkset *ls);
/* a linkset became available: routing data and TRA to its adjacent SP (not while restarting) */
void mtp3_tprc_ls_available(struct sg_mtp3_linkset *ls);
/* restarting: has phase 1 ended (every linkset available, every TRA received)? */
void mtp3_tprc_check(struct sg_mtp3 *m);
/* TRA from an adjacent SP that is accessible already (Q.704 §9.4, T19) */
void mtp3_tprc_unexpected_tra(struct sg_mtp3_linkset *ls);

/* mtp3_rtcc.c: congestion.  The MSU h goes out on congested link l: tell its originator;
 * true when it must be discarded (priority below the level, or MTP2 at its discard threshold;
 * msg untouched). */
bool mtp3_rtcc_congested(struct sg_mtp3 *m, struct mtp3_route *rt, const struct sg_mtp3_hdr *h,
			 struct sg_mtp3_link *l);
/* MTP2 indicated a new congestion level / discard state for l */
void mtp3_rtcc_link_cong(struct sg_mtp3_link *l, uint8_t level, bool discard);
void mtp3_rtcc_route_init(struct mtp3_route *rt);
/* TFC(dest, status) received (Q.704 §13.9): route set congestion status, RCT test */
void mtp3_rtcc_tfc_rx(struct sg_mtp3 *m, uint32_t dest, uint8_t status);
/* A local user's MSU h: true when its priority is below the congestion status of the route
 * set (national option): discarded by the caller, the user has MTP-STATUS. */
bool mtp3_rtcc_rs_congested(struct sg_mtp3 *m, const struct sg_mtp3_hdr *h);

/* mtp3_rtpc.c: route management */
void mtp3_rtpc_rx(struct sg_mtp3_linkset *ls, const struct sg_mtp3_hdr *h,
		  const struct sg_mtp3_snm *s);
void mtp3_rtpc_update(struct sg_mtp3 *m);
void mtp3_rtpc_ls_down(struct sg_mtp3_linkset *ls);
void mtp3_rtpc_entry_init(struct mtp3_rt_entry *e);
void mtp3_rtpc_route_init(struct sg_mtp3 *m, struct mtp3_route *rt);
/* A local point code (alias) became accessible or not: TFA/TFP to every adjacent SP (STP) */
void mtp3_rtpc_local_dest(struct sg_mtp3 *m, uint32_t pc, bool accessible);
void mtp3_rtpc_init(struct sg_mtp3 *m);
void mtp3_rtpc_fini(struct sg_mtp3 *m);
void mtp3_rtpc_unr_init(struct sg_mtp3 *m, struct mtp3_unr *u, uint32_t dpc);
/* An MSU received on link l for h->label.dpc could not be routed and is discarded (the caller
 * frees it): counted on l, its linkset and the instance by kind, logged (rate limited), and
 * as an STP answered with TFP(dpc) to the adjacent SP it came from, at most once per T8 per
 * destination (Q.704 §13.2.2 response method; for a DPC without a route only with
 * cfg.tfp_unknown).  rt: the DPC's route (MTP3_UNR_INACCESSIBLE), else NULL. */
void mtp3_rtpc_unroutable(struct sg_mtp3_link *l, const struct sg_mtp3_hdr *h,
			  struct mtp3_route *rt, enum mtp3_unr_kind kind);
bool mtp3_rt_entry_usable(const struct mtp3_rt_entry *e);
/* The routing to rt->dpc is restricted (Q.704 §13.4): accessible, but only over a route
 * restricted by TFR or over an alternative of lower priority than the normal route. */
bool mtp3_rt_restricted_routing(const struct mtp3_route *rt);
/* A linkset's first link became available: STP routing information to its adjacent SP
 * (TFP for inaccessible destinations, preventive TFPs) before the TRA, Q.704 §9.5. */
void mtp3_rtpc_ls_up(struct sg_mtp3_linkset *ls);
/* own restart ends: users == false: routes recomputed silently; true: MTP-RESUME/PAUSE for
 * every destination */
void mtp3_rtpc_restart_end(struct sg_mtp3 *m, bool users);
