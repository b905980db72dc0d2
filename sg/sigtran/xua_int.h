/* The xUA core's internals: what M3UA (RFC 4666) and SUA (RFC 3868) share: the instance, its
 * peers and ASs (the objects keep the names of M3UA's API, include/sg/m3ua_sg.h, M3UA's face of
 * the core), the ASP and AS state machines (§4.3.1, §4.3.2 of both), ASPSM/ASPTM/MGMT/RKM
 * plumbing.  Not part of the API. */
#pragma once

#include <stdarg.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/timer.h>

#define LOGM(m, lvl, fmt, args...) LOGP(DM3UA, lvl, "%s: " fmt, (m)->name, ##args)
#define LOGA(a, lvl, fmt, args...) LOGP(DM3UA, lvl, "%s/%s: " fmt, (a)->m->name, (a)->name, ##args)
#define LOGAS(s, lvl, fmt, args...) LOGP(DM3UA, lvl, "%s/AS %s: " fmt, (s)->m->name, (s)->name, ##args)

/* per-peer counters */
enum {
	ASP_CTR_RX_MGMT, ASP_CTR_RX_XFER, ASP_CTR_RX_SSNM, ASP_CTR_RX_ASPSM, ASP_CTR_RX_ASPTM,
	ASP_CTR_RX_RKM,
	ASP_CTR_TX_MGMT, ASP_CTR_TX_XFER, ASP_CTR_TX_SSNM, ASP_CTR_TX_ASPSM, ASP_CTR_TX_ASPTM,
	ASP_CTR_TX_RKM,
	ASP_CTR_RX_DATA_MSGS, ASP_CTR_RX_DATA_OCTETS, ASP_CTR_TX_DATA_MSGS, ASP_CTR_TX_DATA_OCTETS,
	ASP_CTR_RX_ERR, ASP_CTR_TX_ERR, ASP_CTR_RX_NTFY, ASP_CTR_TX_NTFY, ASP_CTR_RX_MALFORMED,
	ASP_CTR_BEAT_LOST, ASP_CTR_CONN_UP, ASP_CTR_CONN_DOWN,
	_ASP_CTR_NUM
};
/* per-AS counters */
enum {
	AS_CTR_TX_DATA_MSGS, AS_CTR_TX_DATA_OCTETS, AS_CTR_RX_DATA_MSGS, AS_CTR_RX_DATA_OCTETS,
	AS_CTR_PEND_BUFFERED, AS_CTR_PEND_DELIVERED, AS_CTR_PEND_DISCARDED, AS_CTR_DISC_DOWN,
	AS_CTR_STATE_CHG,
	_AS_CTR_NUM
};
/* layer counters: ERR sent by code (§3.8.1), then a few others */
enum {
	M_CTR_ERR_0x01, M_CTR_ERR_0x03, M_CTR_ERR_0x04, M_CTR_ERR_0x05, M_CTR_ERR_0x06,
	M_CTR_ERR_0x07, M_CTR_ERR_0x09, M_CTR_ERR_0x0d, M_CTR_ERR_0x0e, M_CTR_ERR_0x0f,
	M_CTR_ERR_0x11, M_CTR_ERR_0x12, M_CTR_ERR_0x13, M_CTR_ERR_0x14, M_CTR_ERR_0x15,
	M_CTR_ERR_0x16, M_CTR_ERR_0x19, M_CTR_ERR_0x1a,
	M_CTR_REG_OK, M_CTR_REG_FAIL, M_CTR_DEREG_OK, M_CTR_DEREG_FAIL, M_CTR_NO_ROUTE,
	_M_CTR_NUM
};

struct sg_m3ua {
	char name[SG_M3UA_NAME_MAX];
	struct sg_m3ua_cfg cfg;
	const struct xua_proto *proto;		/* the protocol (xua_int.h) */
	struct sg_xua_transport_ops tops;	/* the transport below (SCTP glue) */
	void *tctx;
	struct sg_xua_user_ops uops;		/* the user above (interworking function) */
	void *uctx;
	struct llist_head asps;
	struct llist_head ass;
	unsigned int ndynamic;
	uint32_t next_rc;
	uint64_t act_seq;		/* activation order counter (override) */
	struct sg_ctr_group *ctr;
	/* lookup indexes over ass, rebuilt when an AS comes, goes or changes its RC
	 * (m3ua_idx_dirty): routing candidates by exact DPC (sorted), ASs with a masked DPC
	 * (always scored), and RC -> AS (open addressing) */
	bool idx_dirty;
	unsigned int ndpc_idx, nwild, rc_size;
	struct m3ua_dpc_ent { uint32_t dpc; struct sg_m3ua_as *as; } *dpc_idx;
	struct sg_m3ua_as **wild;
	struct sg_m3ua_as **rc_tab;
};

struct sg_m3ua_asp {
	struct llist_head list;
	struct sg_m3ua *m;
	char name[SG_M3UA_NAME_MAX];
	struct sg_m3ua_asp_cfg cfg;
	void *user;
	bool srv;			/* we answer ASPUP/ASPAC (SGP, IPSP server, IPSP double) */
	bool cli;			/* we send ASPUP/ASPAC (ASP, IPSP client, IPSP double) */
	bool conn;
	/* log lines a peer can repeat at will: rate-limited (include/sg/log.h) */
	struct sg_log_limit log_rx_bad, log_tx_err;
	uint16_t in_streams, out_streams;
	/* server side: the peer's state at us */
	enum sg_m3ua_asp_state state;
	bool blocked;
	bool has_peer_id;
	uint32_t peer_id;
	/* client side: our state at the peer */
	enum sg_m3ua_asp_state lstate;
	struct sg_timer t_ack;
	struct sg_timer t_reg;		/* REG REQ awaiting its REG RSP (T(ack), §4.4.1) */
	unsigned int reg_tries;
	uint8_t req_cls, req_type;	/* request awaiting its ACK (0/0 none) */
	unsigned int req_tries;
	bool stopping;			/* asp_stop: ASPIA then ASPDN */
	/* BEAT supervision (both sides) */
	struct sg_timer t_beat;
	unsigned int beat_out;		/* BEATs sent and not answered */
	uint32_t beat_seq;
	uint32_t next_lrk;
	struct sg_ctr_group *ctr;
	struct msgb *rx_msg;		/* sg_m3ua_asp_rx_msg(): the buffer being received */
};

struct sg_m3ua_memb {
	struct sg_m3ua_asp *asp;
	enum sg_m3ua_asp_state st;	/* the member's state for this AS (server side) */
	bool lact;			/* client side: we are active for this AS at the peer */
	bool registered;		/* member by RKM */
	uint32_t lrk_id;		/* its Local-RK-Identifier */
	uint64_t act_seq;		/* activation order (override: newest wins) */
};

struct sg_m3ua_as {
	struct llist_head list;
	struct sg_m3ua *m;
	char name[SG_M3UA_NAME_MAX];
	bool has_rc;
	uint32_t rc;
	enum sg_m3ua_tmt tmt;		/* configured (NONE: learnt) */
	enum sg_m3ua_tmt cur_tmt;	/* in effect */
	unsigned int min_asps;
	uint32_t t_r_ms;
	struct sg_m3ua_rkey rk;
	bool dynamic;
	bool client;			/* members are peers we are an ASP towards */
	enum sg_m3ua_as_state state;
	struct sg_m3ua_memb memb[SG_M3UA_AS_MAX_ASPS];
	unsigned int nmemb;
	bool insufficient;		/* NTFY Insufficient ASP resources sent */
	struct sg_timer t_r;
	struct llist_head pending;	/* msgbs (DATA, encoded) buffered during T(r) */
	unsigned int npending;
	unsigned int rr;		/* round robin (SLS-less) */
	/* ASP role registration */
	bool reg_pending;
	uint32_t reg_lrk;
	struct sg_ctr_group *ctr;
	unsigned int order;		/* position in ass (index rebuild): ties go to the first */
};

/* the lookup indexes over the ASs are out of date (xua_idx_fresh() rebuilds them) */
static inline void xua_idx_dirty(struct sg_m3ua *m) { m->idx_dirty = true; }

/*
 * The state machines are state x event tables of handlers, the way mtp/mtp2_lsc.c is written:
 * a cell names the handler of an event in a state, an empty cell means the event is ignored
 * there (logged).  A handler may change the state only through xua_asp_set_state(),
 * xua_asp_set_lstate() or the AS machine's own set_state(), which log every transition with
 * the names of both states.  Each event is logged with the state it met.
 *
 * ASP (RFC 4666 / RFC 3868 §4.3.1), two machines per peer:
 *   server: the peer's state at us (we answer ASPUP/ASPAC: SGP, IPSP server), asp->state
 *   client: our state at the peer (we send ASPUP/ASPAC: ASP, IPSP client), asp->lstate
 * In IPSP double exchange a peer runs both.  An event for a machine the peer does not run
 * (an ASPUP to a pure ASP, an ASPUP ACK to a pure SGP) is an Unexpected Message.
 */
enum xua_asp_event {
	/* server machine */
	XUA_ASP_EV_RX_ASPUP,
	XUA_ASP_EV_RX_ASPDN,
	XUA_ASP_EV_RX_ASPAC,
	XUA_ASP_EV_RX_ASPIA,
	XUA_ASP_EV_BLOCK,		/* management blocking (sg_m3ua_asp_block) */
	/* client machine */
	XUA_ASP_EV_RX_ASPUP_ACK,
	XUA_ASP_EV_RX_ASPDN_ACK,
	XUA_ASP_EV_RX_ASPAC_ACK,
	XUA_ASP_EV_RX_ASPIA_ACK,
	_XUA_ASP_EV_MAX
};
extern const struct value_string xua_asp_event_names[];

/*
 * AS (§4.3.2): DOWN, INACTIVE, ACTIVE, PENDING (T(r) running, traffic buffered).  Events are
 * what the members' states add up to after one of them changed, and T(r).
 */
enum xua_as_event {
	XUA_AS_EV_ASP_ACTIVE,		/* at least one member ASP-ACTIVE */
	XUA_AS_EV_ASP_INACTIVE,		/* none active, at least one ASP-INACTIVE */
	XUA_AS_EV_ASP_DOWN,		/* every member ASP-DOWN */
	XUA_AS_EV_NO_RECOVERY,		/* none active, nothing to hold traffic for: the last
					 * active ASP restarted (ASPUP while active), or the AS
					 * is reached through a remote SGP (we are its ASP) */
	XUA_AS_EV_TR_EXPIRY,		/* T(r) ran out */
	_XUA_AS_EV_MAX
};
extern const struct value_string xua_as_event_names[];

/*
 * What a protocol gives the xUA core (M3UA's: m3ua_proto in m3ua_layer.c): its codec dialect,
 * the handlers of its own message classes, and the protocol-specific pieces of routing key
 * management and of the management view.
 */
typedef void (*xua_rx_fn)(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg);
struct xua_proto {
	const char *name;		/* default instance name, "m3ua" */
	int (*decode)(struct sg_xua_msg *m, const uint8_t *buf, size_t len,
		      struct sg_xua_decode_err *err);
	const char *(*msg_name)(uint8_t cls, uint8_t type);
	/* an ERR with the code, optional RC / NA (the NA tag is the protocol's) and diagnostic */
	struct msgb *(*err_new)(enum sg_xua_err code, const uint32_t *rctx, const uint32_t *na,
				const uint8_t *diag, size_t diag_len);
	/* received messages by class; NULL: Unsupported Message Class.  The core's own handlers
	 * (xua_rx_mgmt, xua_rx_aspsm, xua_rx_asptm, xua_rx_rkm) and the protocol's. */
	xua_rx_fn rx[16];
	/* RKM: a REG REQ at the SGP (answers it); our keys' REG REQ (again: the keys still
	 * pending), whether one was sent; the Registration / Deregistration Results */
	void (*reg_req)(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg);
	bool (*reg_send)(struct sg_m3ua_asp *asp, bool again);
	int (*get_reg_result)(const struct sg_xua_msg *m, unsigned int idx,
			      struct sg_m3ua_reg_result *r);
	int (*get_dereg_result)(const struct sg_xua_msg *m, unsigned int idx,
				struct sg_m3ua_dereg_result *r);
	int (*put_dereg_result)(struct msgb *msg, const struct sg_m3ua_dereg_result *r);
	/* SSNM: a DAUD at the SGP (answers it); DUNA/DAVA/SCON/DUPU/DRST at the ASP */
	void (*ssnm_daud)(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg);
	void (*ssnm_ind)(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg);
	/* ASs: a configured AS's routing key is valid; rebuild the protocol's indexes over the
	 * nas ASs (numbered in as->order) */
	bool (*as_cfg_valid)(const struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg);
	void (*idx_rebuild)(struct sg_m3ua *m, unsigned int nas);
	/* the management view of an AS's routing key */
	struct json_object *(*rk_json)(const struct sg_m3ua_as *as);
};

/* xua_layer.c: a new instance of proto (sg_m3ua_alloc() for M3UA) */
struct sg_m3ua *xua_alloc(void *ctx, const struct xua_proto *proto, const struct sg_m3ua_cfg *cfg,
			  const struct sg_xua_transport_ops *tops, void *tctx,
			  const struct sg_xua_user_ops *uops, void *uctx);
int xua_tx(struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg);
void xua_tx_err(struct sg_m3ua_asp *asp, enum sg_xua_err code, const uint32_t *rc,
		const uint32_t *na, const uint8_t *diag, size_t diag_len);
void xua_tx_err_rcs(struct sg_m3ua_asp *asp, enum sg_xua_err code, const uint32_t *rc,
		    unsigned int nrc, const uint8_t *diag, size_t diag_len);
void xua_tx_ntfy(struct sg_m3ua_asp *asp, uint16_t type, uint16_t info, const struct sg_m3ua_as *as,
		 const uint32_t *asp_id);
void xua_asp_set_state(struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state st);
void xua_asp_set_lstate(struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state st);
/* a JSON array of one(as) for every AS of the instance */
struct json_object *xua_as_list_json(struct sg_m3ua *m,
				     struct json_object *(*one)(const struct sg_m3ua_as *as));

/* xua_asp_fsm.c */
void xua_rx_aspsm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg);
void xua_rx_asptm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg);
void xua_rx_mgmt(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg);
void xua_asp_init_timers(struct sg_m3ua_asp *asp);
void xua_asp_client_start(struct sg_m3ua_asp *asp);
void xua_asp_client_activate(struct sg_m3ua_asp *asp);
void xua_beat_start(struct sg_m3ua_asp *asp);

/* xua_rkm.c */
void xua_rx_rkm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg);
/* ASP side: register our keys (REG REQ), else activate */
void xua_asp_register(struct sg_m3ua_asp *asp);
/* T(ack) of a REG REQ ran out: send the keys still pending again */
void xua_t_reg_cb(void *data);

void xua_asp_event(struct sg_m3ua_asp *asp, enum xua_asp_event ev, const struct sg_xua_msg *msg);

/* xua_as.c: AS objects and lookup */
struct sg_m3ua_as *xua_as_new(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg);
/* the indexes over the ASs up to date */
void xua_idx_fresh(struct sg_m3ua *m);

/* xua_as_fsm.c: the AS machine, membership, traffic modes, the AS-PENDING buffer */
void xua_as_init(struct sg_m3ua_as *as);
void xua_as_event(struct sg_m3ua_as *as, enum xua_as_event ev, unsigned int nup);
/* recompute the AS state after a member changed (restart: ASPUP while active) */
void xua_as_update(struct sg_m3ua_as *as, struct sg_m3ua_asp *cause, bool restart);
struct sg_m3ua_memb *xua_memb(struct sg_m3ua_as *as, const struct sg_m3ua_asp *asp);
struct sg_m3ua_memb *xua_memb_add(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp);
void xua_memb_del(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp);
bool xua_memb_active(const struct sg_m3ua_as *as, const struct sg_m3ua_memb *mb);
/* the peer's overall server-side state from its per-AS states */
void xua_asp_recompute(struct sg_m3ua_asp *asp);
unsigned int xua_asp_nas(const struct sg_m3ua_asp *asp, bool client);
/* one encoded DATA to the active member(s) per traffic mode; takes msg.  0 or -ENETUNREACH */
int xua_as_deliver(struct sg_m3ua_as *as, struct msgb *msg, uint8_t sls, uint16_t octets);
void xua_as_flush_pending(struct sg_m3ua_as *as);
void xua_as_discard_pending(struct sg_m3ua_as *as);
/* T(r) stopped, buffered traffic dropped, out of the instance's list, freed */
void xua_as_free(struct sg_m3ua_as *as);

/* xua_ssnm.c */
void xua_rx_ssnm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg);
/* Is the peer concerned by SGP-side SSNM (not when in skip's AS; any_state: not only when
 * active, per cfg.ssnm_to), and with which RCs (up to 64)? */
bool xua_ssnm_rcs(struct sg_m3ua_asp *asp, const struct sg_m3ua_as *skip, bool any_state,
		  uint32_t *rc, unsigned int *nrc);
/* The RCs of the ASs the peer is in on one side (client: we are their ASP), up to max;
 * dynamic_only: those registered by RKM.  Returns how many. */
unsigned int xua_asp_rcs(struct sg_m3ua_asp *asp, bool client, bool dynamic_only, uint32_t *rc,
			 unsigned int max);
