/* Service access points below MTP3: adapter <-> MTP2, and MTP2 <-> MTP3 (Q.703 §1.5, Q.704 §5-§7). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sg/msg.h>

/*
 * Adapter <-> MTP2 (SAP SG_SAP_ADAPTER)
 * ------------------------------------
 * An adapter delivers, per signalling channel, either a bitstream (for the
 * software HDLC in front of MTP2) or whole HDLC frames (when the hardware or
 * the peer does HDLC).  Frames carry the signal unit followed by 2 FCS octets.
 */
enum sg_adapter_prim {
	SG_ADAPTER_FRAME,	/* ind: received frame, SU+FCS at l1h; req: frame to send */
	SG_ADAPTER_BITS,	/* ind: received octets of bitstream; req: octets to send */
	SG_ADAPTER_ALARM,	/* ind: alarm raised or cleared (struct sg_adapter_alarm_param) */
	SG_ADAPTER_ERROR,	/* ind: frame-level error (struct sg_adapter_error_param) */
};

enum sg_adapter_alarm {
	SG_ALARM_NONE = 0,
	SG_ALARM_LOS = 1 << 0,		/* loss of signal / line break */
	SG_ALARM_LOF = 1 << 1,		/* loss of frame alignment (red) */
	SG_ALARM_AIS = 1 << 2,		/* alarm indication signal (blue) */
	SG_ALARM_RAI = 1 << 3,		/* remote alarm (yellow), pseudowire R bit */
	SG_ALARM_PW_L = 1 << 4,		/* pseudowire L bit: remote attachment circuit fault */
	SG_ALARM_PW_LOSS = 1 << 5,	/* pseudowire packet loss above threshold */
};

struct sg_adapter_alarm_param {
	uint32_t alarms;	/* bit set of enum sg_adapter_alarm now active */
};

enum sg_adapter_error {
	SG_ADAPTER_ERR_ABORT,	/* 7 or more consecutive ones */
	SG_ADAPTER_ERR_FCS,	/* bad frame check sequence */
	SG_ADAPTER_ERR_OVERRUN,	/* receive overrun */
	SG_ADAPTER_ERR_UNDERRUN,/* transmit underrun */
	SG_ADAPTER_ERR_LENGTH,	/* not a whole number of octets / too long */
};

struct sg_adapter_error_param {
	enum sg_adapter_error error;
};

/*
 * MTP2 <-> MTP3 (SAP SG_SAP_MTP2), Q.703 §1.5 and Fig. 3, Q.704 §5.
 * REQ from MTP3 to MTP2, IND/CNF from MTP2 to MTP3.
 */
enum sg_mtp2_prim {
	SG_MTP2_START,			/* req: start (align) the link */
	SG_MTP2_STOP,			/* req: take the link out of service */
	SG_MTP2_EMERGENCY,		/* req: use emergency proving */
	SG_MTP2_EMERGENCY_CEASES,	/* req: back to normal proving */
	SG_MTP2_LPO,			/* req: local processor outage */
	SG_MTP2_LPR,			/* req: local processor recovered */
	SG_MTP2_FLUSH_BUFFERS,		/* req: discard buffers after processor outage */
	SG_MTP2_CONTINUE,		/* req: resume after processor outage */
	SG_MTP2_RETRIEVE_BSNT,		/* req: retrieve BSN of last accepted MSU; cnf: BSNT */
	SG_MTP2_RETRIEVAL_REQ,		/* req: retrieve MSUs after FSNC; ind: one retrieved MSU */
	SG_MTP2_RETRIEVAL_COMPLETE,	/* ind: all retrieved MSUs delivered */
	SG_MTP2_RETRIEVAL_NOT_POSSIBLE,	/* ind: retrieval failed */
	SG_MTP2_BSNT_NOT_RETRIEVABLE,	/* ind: BSNT could not be retrieved */
	SG_MTP2_CLEAR_RTB,		/* req: clear retransmission buffer */
	SG_MTP2_DATA,			/* req: MSU to send; ind: received MSU (SIO at l3h) */
	SG_MTP2_IN_SERVICE,		/* ind */
	SG_MTP2_OUT_OF_SERVICE,		/* ind (param: reason) */
	SG_MTP2_RPO,			/* ind: remote processor outage */
	SG_MTP2_RPR,			/* ind: remote processor recovered */
	SG_MTP2_CONGESTION,		/* ind: link congestion level or discard state changed
					 * (param: cong_level, cong_discard) */
};
extern const struct value_string sg_mtp2_prim_names[];

enum sg_mtp2_oos_reason {
	SG_MTP2_OOS_STOP,		/* by MTP3 */
	SG_MTP2_OOS_ALIGN_FAIL,		/* T2/T3 or proving failures */
	SG_MTP2_OOS_T1,			/* alignment ready timer */
	SG_MTP2_OOS_SUERM,		/* error rate too high */
	SG_MTP2_OOS_EIM,		/* Annex A error interval monitor */
	SG_MTP2_OOS_T6,			/* remote congestion too long */
	SG_MTP2_OOS_T7,			/* excessive acknowledgement delay */
	SG_MTP2_OOS_ABNORMAL_BSN,	/* two abnormal BSNs */
	SG_MTP2_OOS_ABNORMAL_FIB,	/* two abnormal FIBs */
	SG_MTP2_OOS_SIOS,		/* received SIOS */
	SG_MTP2_OOS_SIO_SIN_SIE,	/* received SIO/SIN/SIE while in service */
	SG_MTP2_OOS_LINK_FAIL,		/* adapter alarm */
	SG_MTP2_OOS__COUNT
};
extern const struct value_string sg_mtp2_oos_reason_names[];
/* Short names of the same reasons, for management (the links API): "stop", "alignment", "t1",
 * "suerm", "eim", "t6", "t7", "abnormal-bsn", "abnormal-fib", "remote-sios", "remote-sio",
 * "alarm". */
extern const struct value_string sg_mtp2_oos_reason_codes[];

/* Parameter block of SG_MTP2_* primitives (all use it; unused fields 0). */
struct sg_mtp2_param {
	uint16_t link_id;		/* link index within its owner */
	uint16_t bsnt;			/* RETRIEVE_BSNT cnf */
	uint16_t fsnc;			/* RETRIEVAL_REQ req: FSN of last MSU acked by far end */
	uint8_t reason;			/* OUT_OF_SERVICE: enum sg_mtp2_oos_reason */
	uint8_t cong_level;		/* CONGESTION: 0..3 */
	uint8_t cong_discard;		/* CONGESTION: 1 while MTP2 discards (its buffers reached
					 * the discard threshold, Q.704 §3.8); MTP3 then discards
					 * user MSUs for the link itself instead of sending them */
};

/* An SG_SAP_MTP2 primitive for the mailbox between MTP3 (core thread) and
 * MTP2 (TDM thread): param (may be NULL) with link_id set, and for DATA and
 * retrieved MSUs a copy of the SIO+SIF of msg (at msgb_l3(msg), or at
 * msg->data) at the new buffer's l3h.  Takes msg (freed); NULL when out of
 * memory. */
struct msgb *sg_mtp2_prim_wrap(enum sg_mtp2_prim prim, enum osmo_prim_operation op,
			       const struct sg_mtp2_param *param, uint16_t link_id,
			       struct msgb *msg);
