/* MTP2 signalling link, ITU-T Q.703 (incl. Annex A): public interface of one link. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <osmocom/core/utils.h>
#include <sg/counter.h>
#include <sg/l2_sap.h>
#include <sg/msg.h>
#include <sg/tdef.h>

/*
 * One struct sg_mtp2_link is one signalling link terminal (Q.703 Fig. 3):
 * LSC, IAC, TXC, RC, SUERM/AERM/EIM, CC and POC.  Everything runs on the
 * thread that created the link (timers are that thread's sg_timers); there
 * is no locking.
 *
 * Lower side (the DAEDR/DAEDT of Q.703 Fig. 3, i.e. the HDLC engine):
 *   receive:  sg_mtp2_rx_su()     a good SU (CRC checked, FCS removed)
 *             sg_mtp2_rx_event()  an errored SU / an N-octet octet-counting
 *                                 interval / loss of alignment
 *             sg_mtp2_link_alarm() adapter alarm raised or cleared
 *   transmit: pull: sg_mtp2_tx_next() each time a new SU can be started;
 *             it always returns an SU (Q.703 sends FISU/LSSU continuously);
 *             push: sg_mtp2_set_tx_push() for frame drivers that repeat the
 *             last SU by themselves; the link then calls the push callback
 *             for every SU that differs from "repeat the last one".
 *   Buffers passed in are only borrowed for the duration of the call.
 *
 * Upper side (MTP3, Q.704 and l2_sap.h):
 *   sg_mtp2_l3_req(link, prim, param, msg): START, STOP, EMERGENCY, ..., DATA.
 *     For SG_MTP2_DATA msg holds SIO+SIF at msgb_l3(msg) (or at msg->data if
 *     l3h is unset); the link takes ownership of msg (also on error).
 *     Other requests take no msg (pass NULL).
 *   Indications go to the callback given at allocation.  For SG_MTP2_DATA and
 *     SG_MTP2_RETRIEVAL_REQ (a retrieved MSU) the callee takes ownership of
 *     msg (SIO+SIF at l3h); for all other indications msg is NULL.  The
 *     callback may issue requests on the same link (re-entrancy is allowed:
 *     the link has finished its state change before it indicates), but must
 *     not free the link, nor hand retrieved MSUs back to the same link from
 *     within the callback.
 *
 * Glue for the software HDLC (include/sg/hdlc.h): frame() -> sg_mtp2_rx_su,
 * error() -> SG_MTP2_RX_SU_ERROR, ocm_enter() -> SG_MTP2_RX_LOSS_OF_ALIGN
 * (not an error by itself: the lost frame comes through error()),
 * ocm_octets() -> SG_MTP2_RX_OCTET_COUNT.  The transmitter's next_su callback is
 * sg_mtp2_tx_next().  Frame-mode adapters (FCS done in hardware) call
 * sg_mtp2_rx_su() per good frame and use push mode or pull mode.
 *
 * Buffers: on going out of service the TB and RTB are kept for Q.704
 * retrieval (RETRIEVAL_REQ) until CLEAR_RTB / FLUSH_BUFFERS; START clears
 * the RTB (new sequence numbers) but keeps MSUs still waiting in the TB.
 * Every MSU so discarded is counted: never sent (TB) as tx:discard:flush,
 * sent but unacknowledged (RTB) as tx:discard:unacked.
 */

/*
 * Choices made where Q.703 (1996) or the Q.781 checklist leave room:
 *  - SUERM/EIM start at "alignment complete" (Fig. 8), so a line break in
 *    ALIGNED READY/NOT READY is detected by octet counting (Q.781 3.1, 3.3).
 *  - AERM: a proving period is aborted when Ca reaches Ti (Fig. 17); T4
 *    runs on and a complete new period follows ("further proving").
 *  - Basic error correction: a FISU whose FSN differs from the last
 *    accepted MSU is answered with a negative acknowledgement (an MSU was
 *    lost); with PCR nothing is sent (Q.781 9.12).
 *  - SIB received (§9.3): T6 starts once, T7 restarts with every SIB, new
 *    MSUs are held until an acknowledgement ends the remote congestion.
 *  - Remote processor outage: MSUs are held and T7 is stopped until the
 *    remote recovers (FISU/MSU received).
 *  - Local processor recovered: FISUs/MSUs resume at once; CONTINUE is
 *    accepted and needs no action; FLUSH_BUFFERS empties TB and RTB.
 *  - PCR forced retransmission (§6.4) ends early when an acknowledgement
 *    brings the RTB below N1 and N2.
 *  - Receive congestion (the CC test hook) either accepts MSUs without
 *    acknowledging them or discards them; no NACK is sent while congested.
 */

struct sg_mtp2_link;

/* Q.703 Fig. 8, link state control */
enum sg_mtp2_lsc_state {
	SG_MTP2_LSC_POWER_OFF,
	SG_MTP2_LSC_OUT_OF_SERVICE,
	SG_MTP2_LSC_INITIAL_ALIGNMENT,
	SG_MTP2_LSC_ALIGNED_READY,
	SG_MTP2_LSC_ALIGNED_NOT_READY,
	SG_MTP2_LSC_IN_SERVICE,
	SG_MTP2_LSC_PROCESSOR_OUTAGE,
	_SG_MTP2_LSC_STATE_MAX
};
extern const struct value_string sg_mtp2_lsc_state_names[];

/* Q.703 Fig. 9, initial alignment control */
enum sg_mtp2_iac_state {
	SG_MTP2_IAC_IDLE,
	SG_MTP2_IAC_NOT_ALIGNED,
	SG_MTP2_IAC_ALIGNED,
	SG_MTP2_IAC_PROVING,
	_SG_MTP2_IAC_STATE_MAX
};
extern const struct value_string sg_mtp2_iac_state_names[];

/* Q.703 Fig. 10, processor outage control */
enum sg_mtp2_poc_state {
	SG_MTP2_POC_IDLE,
	SG_MTP2_POC_LOCAL_PO,
	SG_MTP2_POC_REMOTE_PO,
	SG_MTP2_POC_BOTH_PO,
	_SG_MTP2_POC_STATE_MAX
};
extern const struct value_string sg_mtp2_poc_state_names[];

/* Q.703 §12.3 (and Annex A T8): timers, values in milliseconds */
enum sg_mtp2_timer {
	SG_MTP2_T1,	/* alignment ready */
	SG_MTP2_T2,	/* not aligned */
	SG_MTP2_T3,	/* aligned */
	SG_MTP2_T4N,	/* normal proving period Pn */
	SG_MTP2_T4E,	/* emergency proving period Pe */
	SG_MTP2_T5,	/* sending SIB */
	SG_MTP2_T6,	/* remote congestion */
	SG_MTP2_T7,	/* excessive delay of acknowledgement */
	SG_MTP2_T8,	/* Annex A: errored interval monitor interval */
	_SG_MTP2_T_MAX
};
extern const struct value_string sg_mtp2_timer_names[];

/* Indexed by enum sg_mtp2_timer: names ("t1", "t4n"), defaults and spec ranges (64 kbit/s
 * links) in milliseconds; the configuration and the API check, set and report them through
 * include/sg/tdef.h. */
extern const struct sg_tdef sg_mtp2_timer_defs[_SG_MTP2_T_MAX];

/* Q.703 §5 and §6 */
enum sg_mtp2_ec_method {
	SG_MTP2_EC_BASIC,	/* basic error correction */
	SG_MTP2_EC_PCR,		/* preventive cyclic retransmission */
};
extern const struct value_string sg_mtp2_ec_method_names[];

/* Receive congestion handling of the CC test hook (Q.703 §9.2/§9.3). */
enum sg_mtp2_rx_cong {
	SG_MTP2_RXCONG_NONE,
	SG_MTP2_RXCONG_ACCEPT,	/* accept MSUs, withhold acknowledgements */
	SG_MTP2_RXCONG_DISCARD,	/* discard MSUs, withhold acknowledgements */
};
extern const struct value_string sg_mtp2_rx_cong_names[];

struct sg_mtp2_cfg {
	const char *name;		/* for logging; copied */
	uint16_t link_id;		/* copied into every indication's param */
	bool ext_seq;			/* Annex A: 12-bit FSN/BSN, 9-bit LI */
	bool eim;			/* Annex A: EIM instead of SUERM */
	enum sg_mtp2_ec_method ec;
	uint32_t timer_ms[_SG_MTP2_T_MAX];	/* 0: default */
	uint16_t max_sif;		/* m, 272 (62 for old 1980 links) */
	uint16_t n1;			/* PCR/RTB: max MSUs held for retransmission */
	uint32_t n2;			/* PCR: max octets in the RTB */
	uint8_t m_proving;		/* M, proving attempts, 5 */
	uint8_t tin, tie;		/* AERM thresholds, 4 and 1 */
	uint16_t suerm_t;		/* SUERM threshold T, 64 */
	uint16_t suerm_d;		/* SUERM decrement interval D, 256 */
	uint16_t octet_n;		/* octet counting: N, 16 */
	uint32_t eim_te, eim_ue, eim_de;	/* Annex A EIM */
	/* Transmit buffer congestion (Q.704 §3.8), in MSUs queued in TB+RTB:
	 * onset/abatement of levels 1..cong_levels (1: the international single
	 * level, §3.8.2.1; 3: national option with levels, §3.8.2.2, and ANSI),
	 * abatement below onset of the same level, onsets rising.  At
	 * cong_discard (above the top onset) new MSUs from L3 are discarded and
	 * counted (tx:discard:congestion): the buffers never hold more. */
	uint32_t cong_onset[3], cong_abate[3];
	uint8_t cong_levels;		/* 1..3, default 3 */
	uint32_t cong_discard;		/* default 2500 */
};

/* Fill cfg with the Q.703 defaults (64 kbit/s, basic error correction). */
void sg_mtp2_cfg_defaults(struct sg_mtp2_cfg *cfg);
/* Check a configuration against the ranges above; returns 0 or -EINVAL and
 * writes a reason to *err (static string) when err != NULL. */
int sg_mtp2_cfg_check(const struct sg_mtp2_cfg *cfg, const char **err);

/*
 * Indication callback: prim is an SG_MTP2_* indication or confirmation.
 * param is valid for the call only; msg (if not NULL) belongs to the callee.
 */
typedef void (*sg_mtp2_ind_cb_t)(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
				 const struct sg_mtp2_param *param, struct msgb *msg,
				 void *priv);

/* Allocate a link (talloc child of ctx) in state OUT OF SERVICE (power on,
 * sending SIOS).  cfg is copied; NULL means defaults.  Returns NULL when the
 * configuration is invalid. */
struct sg_mtp2_link *sg_mtp2_link_alloc(void *ctx, const struct sg_mtp2_cfg *cfg,
					sg_mtp2_ind_cb_t ind_cb, void *priv);
/* Stop timers and free the link and every buffered MSU. */
void sg_mtp2_link_free(struct sg_mtp2_link *link);

/* Change one timer at runtime (Q.703 range checked); -ERANGE otherwise. */
int sg_mtp2_set_timer(struct sg_mtp2_link *link, enum sg_mtp2_timer t, uint32_t ms);
uint32_t sg_mtp2_get_timer(const struct sg_mtp2_link *link, enum sg_mtp2_timer t);
void *sg_mtp2_priv(const struct sg_mtp2_link *link);
const char *sg_mtp2_name(const struct sg_mtp2_link *link);

/* Upper side: level-3 request.  See the ownership note at the top. */
int sg_mtp2_l3_req(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		   const struct sg_mtp2_param *param, struct msgb *msg);

/* Lower side, receive (DAEDR -> RC/SUERM/AERM/EIM). */
enum sg_mtp2_rx_event {
	SG_MTP2_RX_SU_ERROR,		/* SU in error (CRC, abort, not octets, length) */
	SG_MTP2_RX_OCTET_COUNT,		/* N octets received in octet counting mode */
	SG_MTP2_RX_LOSS_OF_ALIGN,	/* entering octet counting mode (§4.1.4); the
					 * lost SU is reported as SU_ERROR */
};
extern const struct value_string sg_mtp2_rx_event_names[];

/* A good SU (BSN first, no flags, no FCS); the buffer is only read. */
void sg_mtp2_rx_su(struct sg_mtp2_link *link, const uint8_t *su, size_t len);
void sg_mtp2_rx_event(struct sg_mtp2_link *link, enum sg_mtp2_rx_event ev);
/* Adapter alarm (LOS, AIS, ...) raised (true) or cleared (false):
 * raising one is a link failure (Q.703 §1.7, LSC "link failure"). */
void sg_mtp2_link_alarm(struct sg_mtp2_link *link, bool active);

/* Lower side, transmit (TXC -> DAEDT).  Writes the SU to send now (without
 * FCS) to buf and returns its length.  max must hold the longest SU of the
 * link (3 or 6 header octets + 1 + m, i.e. the HDLC's max_su; at most
 * SG_MTP2_SU_MAX); a smaller max returns 0 and changes nothing. */
size_t sg_mtp2_tx_next(struct sg_mtp2_link *link, uint8_t *buf, size_t max);

/* Push mode for frame drivers that repeat the last SU: cb is called (from
 * within link processing) with each SU to send; after a FISU or an LSSU
 * the driver repeats it until the next call.  In push mode PCR does no
 * idle-time cyclic retransmission, and one forced retransmission pass per
 * acknowledgement received.  The driver must not also call
 * sg_mtp2_tx_next().  cb == NULL returns to pull mode. */
typedef void (*sg_mtp2_tx_push_cb_t)(struct sg_mtp2_link *link, const uint8_t *su,
				     size_t len, void *priv);
void sg_mtp2_set_tx_push(struct sg_mtp2_link *link, sg_mtp2_tx_push_cb_t cb, void *priv);

/* State and statistics. */
enum sg_mtp2_lsc_state sg_mtp2_lsc_state(const struct sg_mtp2_link *link);
enum sg_mtp2_iac_state sg_mtp2_iac_state(const struct sg_mtp2_link *link);
enum sg_mtp2_poc_state sg_mtp2_poc_state(const struct sg_mtp2_link *link);
/* Why the link last went out of service, for management: every exit from
 * another state to OUT OF SERVICE (the OUT OF SERVICE indication's reason,
 * or SG_MTP2_OOS_STOP for a stop by MTP3) is recorded here. */
struct sg_mtp2_oos_info {
	unsigned int count;		/* exits to OUT OF SERVICE since creation (0: none yet,
					 * the rest is then not valid) */
	enum sg_mtp2_oos_reason reason;
	const char *detail;		/* static; for SG_MTP2_OOS_ALIGN_FAIL which failure
					 * ("T2 expiry", "T3 expiry", "SIOS received",
					 * "M proving periods aborted (AERM)"), else NULL */
	enum sg_mtp2_lsc_state from;	/* the state the link left */
	uint64_t at;			/* sg_now() then */
	unsigned int by_reason[SG_MTP2_OOS__COUNT];	/* exits per reason (count is their sum):
							 * Q.752 table 1 counts failures by cause */
};
const struct sg_mtp2_oos_info *sg_mtp2_last_oos(const struct sg_mtp2_link *link);
/* Counter group (enum sg_mtp2_ctr); "time in service" is brought up to
 * date by this call. */
struct sg_ctr_group *sg_mtp2_counters(struct sg_mtp2_link *link);
/* Current SUERM (or EIM) and AERM counts, for tests and management. */
uint32_t sg_mtp2_suerm_count(const struct sg_mtp2_link *link);
uint32_t sg_mtp2_aerm_count(const struct sg_mtp2_link *link);
/* Transmit congestion level 0..cong_levels last indicated to L3, and whether the
 * buffers are in the discard state (reached cong_discard, not yet below the top
 * level's abatement threshold). */
uint8_t sg_mtp2_cong_level(const struct sg_mtp2_link *link);
bool sg_mtp2_cong_discard(const struct sg_mtp2_link *link);
/* MSUs waiting in the transmission buffer / in the retransmission buffer. */
unsigned int sg_mtp2_tb_len(const struct sg_mtp2_link *link);
unsigned int sg_mtp2_rtb_len(const struct sg_mtp2_link *link);

/* Test hook (and L3 busy hook): force receive congestion on or off
 * (Q.703 §9.2 detection, §9.4 abatement). */
void sg_mtp2_force_rx_congestion(struct sg_mtp2_link *link, enum sg_mtp2_rx_cong mode);

/* Q.752-style per-link counters */
enum sg_mtp2_ctr {
	SG_MTP2_CTR_RX_SU,
	SG_MTP2_CTR_RX_OCTETS,
	SG_MTP2_CTR_TX_SU,
	SG_MTP2_CTR_TX_OCTETS,
	SG_MTP2_CTR_RX_MSU,
	SG_MTP2_CTR_RX_MSU_OCTETS,
	SG_MTP2_CTR_TX_MSU,
	SG_MTP2_CTR_TX_MSU_OCTETS,
	SG_MTP2_CTR_RX_SU_ERR,
	SG_MTP2_CTR_RX_OCTET_COUNT,
	SG_MTP2_CTR_RX_NACK,
	SG_MTP2_CTR_TX_NACK,
	SG_MTP2_CTR_TX_RETRANS,
	SG_MTP2_CTR_TX_RETRANS_OCTETS,
	SG_MTP2_CTR_RX_DISCARD,
	SG_MTP2_CTR_RX_ABN_BSN,
	SG_MTP2_CTR_RX_ABN_FIB,
	SG_MTP2_CTR_RX_LSSU_INVALID,
	SG_MTP2_CTR_RX_SIB,
	SG_MTP2_CTR_TX_SIB,
	SG_MTP2_CTR_IN_SERVICE_MS,
	SG_MTP2_CTR_ALIGN_ATTEMPT,
	SG_MTP2_CTR_ALIGN_FAIL,
	SG_MTP2_CTR_PROVING_ABORT,
	SG_MTP2_CTR_LINK_FAIL,
	SG_MTP2_CTR_LINK_FAIL_ERR_RATE,
	SG_MTP2_CTR_LINK_FAIL_ACK,
	SG_MTP2_CTR_LINK_FAIL_CONG,
	SG_MTP2_CTR_LINK_FAIL_SEQ,
	SG_MTP2_CTR_LPO,
	SG_MTP2_CTR_RPO,
	SG_MTP2_CTR_RX_CONG,
	SG_MTP2_CTR_REMOTE_CONG,
	SG_MTP2_CTR_TX_DISCARD_CONG,	/* MSUs from L3 discarded: TB+RTB at the discard threshold */
	SG_MTP2_CTR_TX_DISCARD_LEN,	/* MSUs from L3 refused: SIF length outside 2..m */
	SG_MTP2_CTR_CONG_ONSET,		/* transmit congestion onsets (level 0 -> 1 or more) */
	SG_MTP2_CTR_TX_DISCARD_FLUSH,	/* MSUs from L3 never sent, discarded by FLUSH BUFFERS */
	SG_MTP2_CTR_TX_DISCARD_UNACKED,	/* sent, unacknowledged MSUs discarded from the RTB */
	_SG_MTP2_CTR_MAX
};
extern const struct sg_ctr_group_desc sg_mtp2_ctr_group_desc;

/*
 * Signal unit codec (Q.703 §2, Annex A.2): FISU, LSSU, MSU with 7-bit
 * (3-octet header) or 12-bit (6-octet header) sequence numbers.
 */
#define SG_MTP2_MAX_SIF		272
#define SG_MTP2_SU_MAX		(6 + 1 + SG_MTP2_MAX_SIF)	/* ext header+SIO+SIF */

enum sg_mtp2_su_type {
	SG_MTP2_SU_FISU,
	SG_MTP2_SU_LSSU,
	SG_MTP2_SU_MSU,
};
extern const struct value_string sg_mtp2_su_type_names[];

/* Q.703 §11.1 status indications (bits CBA of the status field) */
enum sg_mtp2_lssu_status {
	SG_MTP2_SIO = 0,
	SG_MTP2_SIN = 1,
	SG_MTP2_SIE = 2,
	SG_MTP2_SIOS = 3,
	SG_MTP2_SIPO = 4,
	SG_MTP2_SIB = 5,
	/* 6 and 7 are spare: an "invalid LSSU" */
};
extern const struct value_string sg_mtp2_lssu_status_names[];

struct sg_mtp2_su {
	enum sg_mtp2_su_type type;
	uint16_t bsn, fsn;
	bool bib, fib;
	uint16_t li;			/* as received (6 or 9 bits) */
	uint8_t spare;			/* LI octet spare bits (basic: 2 bits) */
	uint8_t status;			/* LSSU: bits CBA of the first SF octet */
	uint8_t sf_len;			/* LSSU: 1 or 2 */
	const uint8_t *payload;		/* MSU: SIO..end of SIF (points into input) */
	uint16_t payload_len;
};

enum sg_mtp2_su_err {
	SG_MTP2_SU_OK = 0,
	SG_MTP2_SU_ERR_SHORT = -1,	/* fewer octets than the header (§4.1.4) */
	SG_MTP2_SU_ERR_LONG = -2,	/* more than m+7 octets (§4.1.4) */
	SG_MTP2_SU_ERR_LI = -3,		/* LI does not match the length (§4.2) */
};
extern const struct value_string sg_mtp2_su_err_names[];

/* Decode su[0..len) (no FCS) into *out; returns SG_MTP2_SU_OK or an error.
 * max_sif is m (272 unless configured otherwise). */
int sg_mtp2_su_decode(struct sg_mtp2_su *out, const uint8_t *su, size_t len,
		      bool ext_seq, uint16_t max_sif);
/* Encode *in into buf; returns the length, or 0 when it does not fit or the
 * payload is longer than SG_MTP2_MAX_SIF + 1.  The LI is computed (in->li
 * is ignored).  For MSUs the payload is copied from in->payload. */
size_t sg_mtp2_su_encode(uint8_t *buf, size_t max, const struct sg_mtp2_su *in, bool ext_seq);
