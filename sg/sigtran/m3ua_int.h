/* M3UA layer internals (RFC 4666 §4): objects shared by sg/sigtran/m3ua_*.c, not part of the
 * API. */
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

/* m3ua_as.c: the lookup indexes are out of date */
static inline void m3ua_idx_dirty(struct sg_m3ua *m) { m->idx_dirty = true; }

/* m3ua_layer.c */
int m3ua_tx(struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg);
void m3ua_tx_err(struct sg_m3ua_asp *asp, enum sg_m3ua_err code, const uint32_t *rc,
		 const uint32_t *na, const uint8_t *diag, size_t diag_len);
void m3ua_tx_err_rcs(struct sg_m3ua_asp *asp, enum sg_m3ua_err code, const uint32_t *rc,
		     unsigned int nrc, const uint8_t *diag, size_t diag_len);
void m3ua_tx_ntfy(struct sg_m3ua_asp *asp, uint16_t type, uint16_t info, const struct sg_m3ua_as *as,
		  const uint32_t *asp_id);
bool m3ua_pc_valid(const struct sg_m3ua *m, uint32_t pc);
bool m3ua_pc_match(uint32_t pc, const struct sg_m3ua_pc_mask *pm);
void m3ua_asp_set_state(struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state st);
void m3ua_asp_set_lstate(struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state st);

/* m3ua_asp.c */
void m3ua_rx_aspsm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg);
void m3ua_rx_asptm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg);
void m3ua_rx_mgmt(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg);
void m3ua_asp_init_timers(struct sg_m3ua_asp *asp);
/* m3ua_rkm.c: T(ack) of a REG REQ ran out: send the keys still pending again */
void m3ua_t_reg_cb(void *data);
void m3ua_asp_client_start(struct sg_m3ua_asp *asp);
void m3ua_asp_client_activate(struct sg_m3ua_asp *asp);
void m3ua_beat_start(struct sg_m3ua_asp *asp);

/* m3ua_as.c */
struct sg_m3ua_memb *m3ua_memb(struct sg_m3ua_as *as, const struct sg_m3ua_asp *asp);
struct sg_m3ua_memb *m3ua_memb_add(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp);
void m3ua_memb_del(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp);
void m3ua_as_update(struct sg_m3ua_as *as, struct sg_m3ua_asp *cause, bool restart);
void m3ua_asp_recompute(struct sg_m3ua_asp *asp);
unsigned int m3ua_asp_nas(const struct sg_m3ua_asp *asp, bool client);
void m3ua_rx_data(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg);
struct sg_m3ua_as *m3ua_as_new(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg);
void m3ua_as_free(struct sg_m3ua_as *as);
bool m3ua_rk_equal(const struct sg_m3ua_rkey *a, const struct sg_m3ua_rkey *b);
void m3ua_as_flush_pending(struct sg_m3ua_as *as);

/* m3ua_rkm.c */
void m3ua_rx_rkm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg);
void m3ua_asp_register(struct sg_m3ua_asp *asp);

/* m3ua_ssnm.c */
void m3ua_rx_ssnm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg);
