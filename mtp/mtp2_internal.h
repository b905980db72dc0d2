/* MTP2 internals shared by the Q.703 functional blocks (LSC, IAC, TXC, RC, ...). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/msgb.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/mtp2.h>
#include <sg/timer.h>

#define LOGPLINK(l, level, fmt, args...) \
	LOGP(DMTP2, level, "MTP2(%s) " fmt, (l)->name, ## args)

/* Events into link state control (Q.703 Fig. 8 inputs). */
enum lsc_event {
	LSC_EV_POWER_ON,
	LSC_EV_START,
	LSC_EV_STOP,
	LSC_EV_LPO,		/* local processor outage (L3 or management) */
	LSC_EV_LPR,		/* local processor recovered */
	LSC_EV_EMERGENCY,
	LSC_EV_EMERGENCY_CEASES,
	LSC_EV_ALIGNMENT_COMPLETE,	/* from IAC */
	LSC_EV_ALIGNMENT_NOT_POSSIBLE,	/* from IAC */
	LSC_EV_LINK_FAILURE,	/* RC, SUERM/EIM, TXC (T6/T7), adapter alarm */
	LSC_EV_SIO,		/* status indications received (from RC) */
	LSC_EV_SIN,
	LSC_EV_SIE,
	LSC_EV_SIOS,
	LSC_EV_SIPO,
	LSC_EV_FISU_MSU,	/* correct FISU or MSU received */
	LSC_EV_T1,
	LSC_EV_FLUSH_BUFFERS,
	LSC_EV_CONTINUE,
	LSC_EV_NO_PO,		/* from POC: no processor outage any more */
	_LSC_EV_MAX
};
extern const struct value_string lsc_event_names[];

struct mtp2_txc {
	/* what to send when no MSU: LSSU status, or -1 for FISU */
	int lssu;
	bool msu_allowed;	/* in service: MSUs may be sent */
	bool sib_pending;	/* CC asks for one SIB */
	uint16_t fsnl;		/* FSN of the last new MSU sent */
	uint16_t fsnf;		/* FSN of the oldest unacknowledged MSU */
	uint16_t fsnt;		/* FSN of the last MSU sent (FISUs carry it) */
	bool fib;		/* FIB we send */
	bool retrans;		/* basic: retransmission in progress */
	uint16_t retrans_next;
	bool forced;		/* PCR: forced retransmission in progress */
	bool forced_done;	/* push mode: one forced pass per acknowledgement */
	uint16_t cyc_next;	/* PCR: next MSU of the cyclic/forced pass */
	bool rbusy;		/* remote congestion: SIB received (§9.3) */
	bool rpo_hold;		/* remote processor outage: hold MSUs */
	struct msgb **rtb;	/* indexed by FSN; seq_mod entries */
	unsigned int rtb_cnt;
	uint32_t rtb_octets;
	struct llist_head tb;	/* MSUs waiting for an FSN */
	unsigned int tb_cnt;
	uint8_t cong_level;	/* last level indicated to L3 */
	bool cong_discard;	/* discard state indicated to L3 */
	struct sg_timer t6, t7;
};

struct mtp2_rc {
	bool active;		/* RC started */
	bool accept;		/* accept MSU/FISU (false: reject, PO or aligned not ready) */
	uint16_t fsnx;		/* FSN expected in the next MSU */
	bool bib;		/* BIB we send */
	bool rtr;		/* negative acknowledgement sent, awaiting retransmission */
	bool abn_bsn, abn_fib;	/* 2-out-of-3 rule (§5.3) */
	uint8_t unb, unf;
	bool in_service_seen;	/* an SU was accepted since start: BSNT valid */
	enum sg_mtp2_rx_cong cong;
	uint16_t bsn_frozen;	/* BSN sent while congested */
	struct sg_timer t5;
};

struct mtp2_iac {
	enum sg_mtp2_iac_state state;
	bool emergency;		/* local emergency (from LSC) */
	bool t4_emergency;	/* proving period is Pe */
	bool remote_emergency;	/* SIE received in NOT ALIGNED */
	bool further_proving;
	uint8_t cp;		/* proving attempts aborted */
	const char *fail_why;	/* why alignment was last not possible (static) */
	struct sg_timer t2, t3, t4;
};

struct mtp2_em {
	/* SUERM (§10.2) */
	bool suerm_on;
	uint32_t cs;		/* error count */
	uint32_t nsu;		/* SUs towards the next decrement */
	/* AERM (§10.3) */
	bool aerm_on;
	uint32_t ca;
	uint8_t ti;
	/* EIM (Annex A.10) */
	bool eim_on;
	uint32_t ce;
	bool interval_errored;
	bool interval_su;	/* an SU (good or bad) was received in this interval */
	struct sg_timer t8;
	bool octet_counting;
};

struct mtp2_poc {
	enum sg_mtp2_poc_state state;
};

struct sg_mtp2_link {
	char *name;
	struct sg_mtp2_cfg cfg;
	uint16_t seq_mask;	/* 0x7f or 0xfff */
	sg_mtp2_ind_cb_t ind_cb;
	void *priv;
	sg_mtp2_tx_push_cb_t push_cb;
	void *push_priv;
	uint8_t push_last[SG_MTP2_SU_MAX];
	size_t push_last_len;
	unsigned int depth;	/* entry-point nesting, for push mode */

	enum sg_mtp2_lsc_state state;
	bool lpo;		/* local processor outage requested */
	bool emergency;
	bool alarm;
	bool was_in_service;	/* since the last start */
	uint64_t is_since;	/* sg_now() when in service began */
	struct sg_mtp2_oos_info last_oos;	/* why it last went out of service */
	struct sg_timer t1;

	struct mtp2_txc txc;
	struct mtp2_rc rc;
	struct mtp2_iac iac;
	struct mtp2_em em;
	struct mtp2_poc poc;

	struct sg_ctr_group *ctr;
};

static inline uint16_t seq_add(const struct sg_mtp2_link *l, uint16_t a, int b)
{
	return (uint16_t)(a + b) & l->seq_mask;
}

static inline uint16_t seq_diff(const struct sg_mtp2_link *l, uint16_t a, uint16_t b)
{
	return (uint16_t)(a - b) & l->seq_mask;
}

static inline uint32_t link_timer_ms(const struct sg_mtp2_link *l, enum sg_mtp2_timer t)
{
	return l->cfg.timer_ms[t];
}

static inline void ctr_inc(struct sg_mtp2_link *l, enum sg_mtp2_ctr c)
{
	sg_ctr_inc(l->ctr, c);
}

static inline void ctr_add(struct sg_mtp2_link *l, enum sg_mtp2_ctr c, uint64_t n)
{
	sg_ctr_add(l->ctr, c, n);
}

/* mtp2_lsc.c */
void lsc_event(struct sg_mtp2_link *l, enum lsc_event ev, int reason);
void mtp2_indicate(struct sg_mtp2_link *l, enum sg_mtp2_prim prim,
		   struct sg_mtp2_param *p, struct msgb *msg);
void mtp2_link_failure(struct sg_mtp2_link *l, enum sg_mtp2_oos_reason reason);
void mtp2_enter(struct sg_mtp2_link *l);
void mtp2_leave(struct sg_mtp2_link *l);

/* mtp2_iac.c */
void iac_init(struct sg_mtp2_link *l);
void iac_start(struct sg_mtp2_link *l);
void iac_stop(struct sg_mtp2_link *l);
void iac_emergency(struct sg_mtp2_link *l);
void iac_emergency_ceases(struct sg_mtp2_link *l);
void iac_status_rx(struct sg_mtp2_link *l, uint8_t status);
void iac_abort_proving(struct sg_mtp2_link *l);

/* mtp2_txc.c */
int txc_init(struct sg_mtp2_link *l);
void txc_fini(struct sg_mtp2_link *l);
void txc_start(struct sg_mtp2_link *l);
void txc_send_lssu(struct sg_mtp2_link *l, enum sg_mtp2_lssu_status st);
void txc_send_fisu(struct sg_mtp2_link *l);
void txc_send_msu(struct sg_mtp2_link *l);
void txc_msu_req(struct sg_mtp2_link *l, struct msgb *msg);
bool txc_bsn_valid(struct sg_mtp2_link *l, uint16_t bsn);
void txc_bsnr_bibr(struct sg_mtp2_link *l, uint16_t bsn, bool bib);
void txc_sib_received(struct sg_mtp2_link *l);
void txc_remote_busy_end(struct sg_mtp2_link *l);
void txc_rpo(struct sg_mtp2_link *l, bool rpo);
void txc_flush_buffers(struct sg_mtp2_link *l);
unsigned int txc_clear_rtb(struct sg_mtp2_link *l);
unsigned int txc_clear_tb(struct sg_mtp2_link *l);
void txc_discard_rtb(struct sg_mtp2_link *l);
void txc_stop_timers(struct sg_mtp2_link *l);
int txc_retrieve(struct sg_mtp2_link *l, uint16_t fsnc);
size_t txc_next(struct sg_mtp2_link *l, uint8_t *buf, size_t max, bool push);
void txc_cong_check(struct sg_mtp2_link *l);

/* mtp2_rc.c */
void rc_start(struct sg_mtp2_link *l);
void rc_stop(struct sg_mtp2_link *l);
void rc_accept_msu_fisu(struct sg_mtp2_link *l, bool accept);
uint16_t rc_bsn_to_send(const struct sg_mtp2_link *l);
uint16_t rc_bsnt(const struct sg_mtp2_link *l);

/* mtp2_suerm.c: SUERM, AERM, EIM */
void em_init(struct sg_mtp2_link *l);
void suerm_start(struct sg_mtp2_link *l);
void suerm_stop(struct sg_mtp2_link *l);
void aerm_start(struct sg_mtp2_link *l, uint8_t ti);
void aerm_stop(struct sg_mtp2_link *l);
void em_su_good(struct sg_mtp2_link *l);
void em_su_error(struct sg_mtp2_link *l);
void em_octet_count(struct sg_mtp2_link *l);

/* mtp2_cc.c */
void cc_init(struct sg_mtp2_link *l);
void cc_stop(struct sg_mtp2_link *l);
void cc_set(struct sg_mtp2_link *l, enum sg_mtp2_rx_cong mode);

/* mtp2_poc.c */
void poc_init(struct sg_mtp2_link *l);
void poc_local_po(struct sg_mtp2_link *l);
void poc_remote_po(struct sg_mtp2_link *l);
void poc_local_recovered(struct sg_mtp2_link *l);
void poc_remote_recovered(struct sg_mtp2_link *l);
void poc_stop(struct sg_mtp2_link *l);
