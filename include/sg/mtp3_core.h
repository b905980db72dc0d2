/* MTP3 signalling point (Q.704, Q.707): instance, linksets, links, routes and their primitives. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <osmocom/core/utils.h>

#include <sg/pc.h>
#include <sg/counter.h>
#include <sg/l2_sap.h>
#include <sg/msg.h>
#include <sg/mtp_sap.h>
#include <sg/tdef.h>

/*
 * One struct sg_mtp3 is the MTP level 3 of one signalling point (own point
 * code, variant, network indicator).  It runs on ONE thread (the core thread
 * in sgd): its timers are that thread's sg_timers, and every function here
 * must be called on it.  There is no locking.
 *
 * Lower side: MTP3 never calls MTP2.  Each link is bound to an l2 "ops"
 * table whose req() hands a request to the link's MTP2 (in sgd: posts an
 * SG_SAP_MTP2 primitive to the TDM thread owning the link).  req() takes
 * ownership of msg (DATA only; NULL otherwise), whatever it returns.  MTP2's
 * indications and confirmations come back through sg_mtp3_l2_ind(), which
 * takes ownership of msg.  Delivery may be asynchronous in both directions:
 * MTP3 never expects an indication inside its own req() call, and requests
 * to one link are issued in order (the transport must keep that order).
 *
 * Upper side: the MTP-user SAP (include/sg/mtp_sap.h).  Users register for
 * a set of service indicators (sg_mtp3_user_register()); MTP-TRANSFER goes
 * to the user of the MSU's SI, PAUSE/RESUME and the STATUS of every user to
 * each registered user once.  Users send with sg_mtp3_transfer_req().
 *
 * Ownership of msgb: "takes" means the callee frees or forwards it, on
 * success and on error alike.
 */

struct sg_mtp3;
struct sg_mtp3_linkset;
struct sg_mtp3_link;

/* ---- configuration ---- */

struct sg_mtp3_cfg {
	const char *name;		/* for logging; copied */
	enum sg_pc_variant variant;
	bool sls5;			/* ANSI/TTC 5-bit SLS option */
	uint32_t pc;			/* own point code */
	uint8_t ni;			/* enum sg_mtp_ni used on every linkset */
	bool stp;			/* transfer function: route MSUs for other DPCs, broadcast
					 * TFP/TFA, answer RST */
	bool restart;			/* Q.704 §9: send TRA on first link of a linkset (default on
					 * through sg_mtp3_cfg_defaults) */
	bool cong_prio;			/* national option, Q.704 §3.8.2.2: congestion levels 1..3
					 * and message priorities 0..3 (discard below the level,
					 * TFC with status); off: international, no discard */
	bool tfr;			/* national option, Q.704 §13.4: an STP whose routing to a
					 * destination becomes restricted broadcasts TFR after T11
					 * (TFA when normal routing resumes); off by default */
	bool tfp_unknown;		/* STP: an MSU received for a DPC without any route is
					 * answered with TFP(DPC) to the adjacent SP it came from,
					 * at most once per T8 per DPC (Q.704 §13.2.2 response
					 * method, as for inaccessible destinations); off: only
					 * discarded and counted (routing:unknown_dpc) */
};
void sg_mtp3_cfg_defaults(struct sg_mtp3_cfg *cfg);

/* Q.704 §16.8 and Q.707 §5 timers, values in milliseconds */
enum sg_mtp3_timer {
	SG_MTP3_T1,		/* delay to avoid mis-sequencing on changeover */
	SG_MTP3_T2,		/* waiting for changeover acknowledgement */
	SG_MTP3_T3,		/* time-controlled diversion delay on changeback */
	SG_MTP3_T4,		/* waiting for changeback acknowledgement (first attempt) */
	SG_MTP3_T5,		/* waiting for changeback acknowledgement (second attempt) */
	SG_MTP3_T6,		/* delay to avoid mis-sequencing on controlled rerouting */
	SG_MTP3_T8,		/* transfer-prohibited inhibition (response method) */
	SG_MTP3_T10,		/* waiting to repeat signalling-route-set-test */
	SG_MTP3_T11,		/* transfer-restricted timer (national option, §13.4) */
	SG_MTP3_T12,		/* uninhibit acknowledgement */
	SG_MTP3_T13,		/* force uninhibit */
	SG_MTP3_T14,		/* inhibition acknowledgement */
	SG_MTP3_T15,		/* repeat signalling-route-set-congestion-test (national) */
	SG_MTP3_T16,		/* route set congestion status update (national) */
	SG_MTP3_T17,		/* delay between link failure and restart */
	SG_MTP3_T18,		/* own restart (STP): link activation, routing data (phase 1) */
	SG_MTP3_T19,		/* restart: ping-pong protection of TFP/TFR/TRA */
	SG_MTP3_T20,		/* own restart: overall restart timer */
	SG_MTP3_T21,		/* adjacent SP restarting: accessible without TRA */
	SG_MTP3_T22,		/* local inhibit test (LLT) */
	SG_MTP3_T23,		/* remote inhibit test (LRT) */
	SG_MTP3_SLT_T1,		/* Q.707: supervision of SLTA */
	SG_MTP3_SLT_T2,		/* Q.707: interval of periodic SLTM */
	_SG_MTP3_T_MAX
};
extern const struct value_string sg_mtp3_timer_names[];

/* Indexed by enum sg_mtp3_timer: names ("t1", "slt_t1"), defaults and spec ranges in
 * milliseconds; the configuration and the API check, set and report them through
 * include/sg/tdef.h. */
extern const struct sg_tdef sg_mtp3_timer_defs[_SG_MTP3_T_MAX];

/* ---- lower side ---- */

struct sg_mtp3_l2_ops {
	/* Hand a request to the link's MTP2; takes ownership of msg. */
	int (*req)(void *l2_priv, enum sg_mtp2_prim prim, const struct sg_mtp2_param *p,
		   struct msgb *msg);
};

/* ---- upper side ---- */

/* MTP3 link state, as seen by MTP3 */
enum sg_mtp3_link_state {
	SG_MTP3_LINK_INACTIVE,		/* deactivated by management */
	SG_MTP3_LINK_ALIGNING,		/* START sent, waiting for IN SERVICE */
	SG_MTP3_LINK_TESTING,		/* in service at L2, signalling link test running */
	SG_MTP3_LINK_AVAILABLE,		/* available for traffic */
	SG_MTP3_LINK_FAILED,		/* out of service, restart after T17 */
	SG_MTP3_LINK_BLOCKED,		/* in service, remote processor outage (Q.704 §3.2.6) */
	_SG_MTP3_LINK_STATE_MAX
};
extern const struct value_string sg_mtp3_link_state_names[];

/* Changeover/changeback state of a link (Q.704 Fig. 28/29) */
enum sg_mtp3_co_state {
	SG_MTP3_CO_NONE,
	SG_MTP3_CO_WAIT_BSNT,		/* RETRIEVE BSNT sent */
	SG_MTP3_CO_WAIT_ACK,		/* COO/ECO sent, T2 running */
	SG_MTP3_CO_WAIT_T1,		/* time-controlled changeover */
	SG_MTP3_CO_RETRIEVING,		/* retrieval of MSUs after FSNC */
	_SG_MTP3_CO_STATE_MAX
};
extern const struct value_string sg_mtp3_co_state_names[];

/* Route status towards one destination (Q.704 §13) */
enum sg_mtp3_route_status {
	SG_MTP3_ROUTE_AVAILABLE,
	SG_MTP3_ROUTE_RESTRICTED,
	SG_MTP3_ROUTE_PROHIBITED,
	_SG_MTP3_ROUTE_STATUS_MAX
};
extern const struct value_string sg_mtp3_route_status_names[];

/* ---- instance ---- */

struct sg_mtp3 *sg_mtp3_alloc(void *ctx, const struct sg_mtp3_cfg *cfg);
/* Stop timers, free queued MSUs, linksets, links and routes (no request to MTP2). */
void sg_mtp3_free(struct sg_mtp3 *m);
const char *sg_mtp3_name(const struct sg_mtp3 *m);
uint32_t sg_mtp3_pc(const struct sg_mtp3 *m);
/* The configuration the instance runs with (name: its own copy). */
const struct sg_mtp3_cfg *sg_mtp3_get_cfg(const struct sg_mtp3 *m);

/* A linkset to the adjacent SP adj_pc; also a route to adj_pc (priority 0). */
struct sg_mtp3_linkset *sg_mtp3_linkset_add(struct sg_mtp3 *m, const char *name, uint32_t adj_pc);
/* A link with signalling link code slc (unique in the linkset, 0..15). */
struct sg_mtp3_link *sg_mtp3_link_add(struct sg_mtp3_linkset *ls, const char *name, uint8_t slc);
/* The link's MTP2 uses extended (12-bit) sequence numbers (Q.703 Annex A): changeover with
 * XCO/XCA instead of COO/COA. */
void sg_mtp3_link_set_ext_seq(struct sg_mtp3_link *l, bool ext_seq);
/* Bind a link to its MTP2; ops is not copied (keep it alive). */
void sg_mtp3_link_bind(struct sg_mtp3_link *l, const struct sg_mtp3_l2_ops *ops, void *l2_priv);
/* Route to dpc over linkset ls; lower prio is preferred, equal priorities share the load
 * (combined linkset).  -EEXIST if present, -ENOSPC when full. */
int sg_mtp3_route_add(struct sg_mtp3 *m, uint32_t dpc, struct sg_mtp3_linkset *ls,
		      unsigned int prio);

struct sg_mtp3_linkset *sg_mtp3_linkset_by_name(struct sg_mtp3 *m, const char *name);
struct sg_mtp3_link *sg_mtp3_link_by_name(struct sg_mtp3 *m, const char *name);
const char *sg_mtp3_link_name(const struct sg_mtp3_link *l);
uint8_t sg_mtp3_link_slc(const struct sg_mtp3_link *l);
enum sg_mtp3_link_state sg_mtp3_link_state(const struct sg_mtp3_link *l);
enum sg_mtp3_co_state sg_mtp3_link_co_state(const struct sg_mtp3_link *l);
bool sg_mtp3_linkset_available(const struct sg_mtp3_linkset *ls);
/* Is dpc accessible (some route available or restricted)? */
bool sg_mtp3_dpc_accessible(struct sg_mtp3 *m, uint32_t dpc);
/* Status of the route to dpc over ls (-ENOENT when there is none). */
int sg_mtp3_route_status(struct sg_mtp3 *m, uint32_t dpc, const struct sg_mtp3_linkset *ls);

/* Further local point codes of this SP: the point codes of ASs behind a signalling gateway
 * (RFC 4666 §1.4.2).  MSUs for them are distributed to the MTP users like those for the own
 * point code (the user sees the DPC); an STP announces their accessibility to the adjacent
 * SPs with TFP/TFA (preventive TFP when a linkset comes up).  add: -EEXIST when the PC is
 * already local or a route/adjacent PC, -ENOSPC beyond 64. */
int sg_mtp3_alias_add(struct sg_mtp3 *m, uint32_t pc, bool accessible);
int sg_mtp3_alias_del(struct sg_mtp3 *m, uint32_t pc);
int sg_mtp3_alias_set_accessible(struct sg_mtp3 *m, uint32_t pc, bool accessible);
bool sg_mtp3_is_local(const struct sg_mtp3 *m, uint32_t pc);

/* Answer an MSU (its label and SI in rx, as delivered by MTP-TRANSFER) with UPU, user part
 * inaccessible or unequipped (Q.704 §11.2.7): for a user that cannot take this one MSU
 * (e.g. the AS behind a gateway is down).  -EINVAL when rx->dpc is not local. */
int sg_mtp3_upu_send(struct sg_mtp3 *m, const struct sg_mtp_param *rx, bool inaccessible);

/* What MTP3 knows of a destination (answers an M3UA DAUD). */
struct sg_mtp3_dest_status {
	bool known;		/* a route set (or a local PC) exists */
	bool local;		/* own PC or alias */
	bool accessible;	/* some route available or restricted */
	bool restricted;	/* accessible only over restricted routes (TFR) */
};
/* 0, or -ENOENT for a destination without a route set (st->known false). */
int sg_mtp3_dest_status(struct sg_mtp3 *m, uint32_t dpc, struct sg_mtp3_dest_status *st);

/* Every destination with a route set, with its status (e.g. to tell a new M3UA ASP which are
 * unavailable). */
void sg_mtp3_foreach_dest(struct sg_mtp3 *m,
			  void (*cb)(uint32_t dpc, const struct sg_mtp3_dest_status *st, void *priv),
			  void *priv);

/* The MTP-user SAP (include/sg/mtp_sap.h).  Register u (kept by pointer) as the user of the
 * service indicators in sis (SG_MTP_SI_BIT(si) each, SI 3..15); registering again adds SIs.
 * -EINVAL: u without prim_cb, sis empty or with SI 0..2; -EBUSY: an SI of sis has another
 * user (nothing registered).  Unregister: the user's SIs are
 * free again (their MSUs are answered with UPU unequipped); -ENOENT when not registered. */
int sg_mtp3_user_register(struct sg_mtp3 *m, uint16_t sis, const struct sg_mtp_user *u);
int sg_mtp3_user_unregister(struct sg_mtp3 *m, const struct sg_mtp_user *u);
/* Take the SIs of sis (3..15) from whichever user has them (it keeps its other SIs), e.g. to
 * hand them to another user: a program built on sgd that takes over SIs from the
 * interworking function (tools/sg-simswitch).  -EINVAL for SI 0..2. */
int sg_mtp3_user_release(struct sg_mtp3 *m, uint16_t sis);
/* A registered user that is momentarily unavailable (UPU "inaccessible", Q.704 §2.4.2). */
int sg_mtp3_user_available(struct sg_mtp3 *m, uint8_t si, bool available);

/* Timers: change at runtime (range checked: -ERANGE). */
int sg_mtp3_set_timer(struct sg_mtp3 *m, enum sg_mtp3_timer t, uint32_t ms);
uint32_t sg_mtp3_get_timer(const struct sg_mtp3 *m, enum sg_mtp3_timer t);

/* Activate every link (Q.704 §12.2.2: emergency alignment while no other link of the
 * linkset is available). */
int sg_mtp3_start(struct sg_mtp3 *m);
/* MTP restart of this signalling point (Q.704 §9.2): activate every link like
 * sg_mtp3_start(), but with the restart phase (T18 for an STP, T20): no TRA, no user traffic
 * and no MTP-PAUSE/RESUME until the adjacent SPs' TRAs (or T18/T20) end it; then TFPs (STP),
 * TRA to every adjacent SP, and MTP-RESUME/PAUSE for every destination.  -EALREADY while
 * restarting; with cfg.restart off the same as sg_mtp3_start(). */
int sg_mtp3_restart(struct sg_mtp3 *m);
bool sg_mtp3_restarting(const struct sg_mtp3 *m);
/* Management: activate / deactivate one link (deactivation does a changeover first when the
 * link carries traffic, then STOP). */
int sg_mtp3_link_activate(struct sg_mtp3_link *l);
int sg_mtp3_link_deactivate(struct sg_mtp3_link *l);

/* Management inhibiting (Q.704 §10): ask the adjacent SP to inhibit (LIN, T14) or uninhibit
 * (LUN, T12) the link.  Inhibiting is refused (-EBUSY) when no other uninhibited link of the
 * linkset is available; -EALREADY when nothing is to do, -ENOTCONN when the link is not
 * available.  The outcome (LIA/LID/no answer) shows in sg_mtp3_link_inhibited() and the
 * counters; user traffic leaves an inhibited link through the changeback procedure. */
int sg_mtp3_link_inhibit(struct sg_mtp3_link *l);
/* Management: run a signalling link test (Q.707 SLTM/SLTA) on an available link now;
 * -EAGAIN if the link is not available, -EBUSY while a test runs. */
int sg_mtp3_link_test(struct sg_mtp3_link *l);
int sg_mtp3_link_uninhibit(struct sg_mtp3_link *l);
/* bit 0: locally inhibited, bit 1: remotely inhibited */
#define SG_MTP3_INH_LOCAL	1
#define SG_MTP3_INH_REMOTE	2
unsigned int sg_mtp3_link_inhibited(const struct sg_mtp3_link *l);

/* MTP2 indication or confirmation for link l; takes ownership of msg. */
void sg_mtp3_l2_ind(struct sg_mtp3 *m, struct sg_mtp3_link *l, enum sg_mtp2_prim prim,
		    const struct sg_mtp2_param *p, struct msgb *msg);

/*
 * MTP-TRANSFER request: p->dpc, p->sls, p->si (3..15), p->prio; opc and ni are the
 * instance's.  msg holds the user part at msgb_l4(msg), or at msg->data when l4h is unset;
 * MTP3 prepends SIO and routing label (keep 16 octets of headroom).  Takes msg.
 * Returns 0, -EHOSTUNREACH (no route: discarded), -ENOBUFS (national congestion option:
 * priority below the congestion level of the link, discarded; MTP-STATUS given), -EINVAL.
 */
int sg_mtp3_transfer_req(struct sg_mtp3 *m, const struct sg_mtp_param *p, struct msgb *msg);
/* The same with p->opc as the OPC (a gateway relaying for the point codes behind it). */
int sg_mtp3_transfer_req_opc(struct sg_mtp3 *m, const struct sg_mtp_param *p, struct msgb *msg);

/* ---- counters (Q.752 style) ---- */
enum sg_mtp3_ctr {
	SG_MTP3_CTR_RX_MSU, /* MSUs received from MTP2 */
	SG_MTP3_CTR_RX_OCTETS,
	SG_MTP3_CTR_TX_MSU, /* MSUs handed to MTP2 */
	SG_MTP3_CTR_TX_OCTETS,
	SG_MTP3_CTR_RX_DISCARD,	  /* received and discarded (bad, NI, not for us) */
	SG_MTP3_CTR_ROUTING_FAIL, /* no route: discarded (Q.752 5.5) */
	SG_MTP3_CTR_TRANSIT,	  /* routed on as STP */
	SG_MTP3_CTR_UPU_TX,
	SG_MTP3_CTR_UPU_RX,
	SG_MTP3_CTR_SNM_RX,
	SG_MTP3_CTR_SNM_TX,
	SG_MTP3_CTR_SLT_FAIL,	     /* signalling link test failed */
	SG_MTP3_CTR_CHANGEOVER,	     /* changeovers done (Q.752 1.10) */
	SG_MTP3_CTR_CHANGEBACK,	     /* changebacks done (Q.752 1.11) */
	SG_MTP3_CTR_LINK_FAIL,	     /* link failures (Q.752 1.2) */
	SG_MTP3_CTR_LINK_UNAVAIL_MS, /* time unavailable (Q.752 2.1) */
	SG_MTP3_CTR_CO_LOST,	     /* retrieved MSUs dropped (arrived outside a changeover) */
	SG_MTP3_CTR_CO_RETRIEVED,    /* MSUs retrieved from MTP2 on changeover (buffer updating) */
	SG_MTP3_CTR_ROUTE_UNAVAIL,   /* route set became unavailable (Q.752 4.2) */
	SG_MTP3_CTR_TFP_TX,
	SG_MTP3_CTR_TFA_TX,
	SG_MTP3_CTR_RST_TX,
	SG_MTP3_CTR_CONTROLLED_REROUTE,	/* controlled reroutings (T6) */
	SG_MTP3_CTR_INHIBIT,		/* link inhibited (locally or remotely) */
	SG_MTP3_CTR_INHIBIT_FAIL,	/* inhibit refused (LID) or not acknowledged (T14) */
	SG_MTP3_CTR_UNINHIBIT,		/* link uninhibited */
	SG_MTP3_CTR_INHIBIT_TEST,	/* inhibit test messages (LLT/LRT) sent */
	SG_MTP3_CTR_INHIBIT_MISMATCH,	/* inhibit test found a mismatch */
	SG_MTP3_CTR_RPO,		/* remote processor outages (link blocked) */
	SG_MTP3_CTR_TFC_TX,		/* TFC messages sent */
	SG_MTP3_CTR_CONG_DISCARD,	/* MSUs discarded for congestion (priority below level) */
	SG_MTP3_CTR_TFR_TX,		/* TFR messages sent (national option, cfg.tfr) */
	SG_MTP3_CTR_UNKNOWN_DPC,	/* received for a DPC without a route (STP): discarded */
	SG_MTP3_CTR_INACCESSIBLE_DPC,	/* received for an inaccessible DPC (STP): discarded */
	SG_MTP3_CTR_FOREIGN_DPC,	/* received for a DPC not ours, not transferred: discarded */
	SG_MTP3_CTR_TFP_RESPONSE,	/* TFPs answering such MSUs (response method, T8) */
	SG_MTP3_CTR_CONG_DISCARD_BUF,	/* user MSUs discarded: their link's MTP2 at its discard
					 * threshold (Q.704 §3.8) */
	SG_MTP3_CTR_TX_L2_REFUSED,	/* MSUs the way to MTP2 refused (its mailbox full):
					 * discarded */
	_SG_MTP3_CTR_MAX
};
extern const struct sg_ctr_group_desc sg_mtp3_ctr_group_desc;

/* Counters of the instance, of a linkset and of a link (same description; unused = 0). */
struct sg_ctr_group *sg_mtp3_counters(struct sg_mtp3 *m);
struct sg_ctr_group *sg_mtp3_linkset_counters(struct sg_mtp3_linkset *ls);
struct sg_ctr_group *sg_mtp3_link_counters(struct sg_mtp3_link *l);

/* ---- management (JSON, new objects, caller owns) ---- */
/* [{"name", "adjacent_pc", "available", "adjacent_accessible", "links": [...],
 *   "counters"}] */
struct json_object *sg_mtp3_linksets_json(struct sg_mtp3 *m);
/* [{"name", "linkset", "slc", "state", "available", "inhibited", "blocked", "changeover",
 *   "counters"}] */
struct json_object *sg_mtp3_links_json(struct sg_mtp3 *m);
/* [{"dpc", "accessible", "routes": [{"linkset", "priority", "status"}]}] */
struct json_object *sg_mtp3_routes_json(struct sg_mtp3 *m);
/* [{"name", "description", "value_ms", "min_ms", "max_ms"}] */
struct json_object *sg_mtp3_timers_json(struct sg_mtp3 *m);
