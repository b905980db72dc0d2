/* MTP service primitives to MTP users (Q.701 §8, Q.704 §2.2): TRANSFER, PAUSE, RESUME, STATUS. */
#pragma once

#include <stdint.h>
#include <sg/msg.h>

/*
 * The MTP-user SAP: one entry point per MTP user
 * ===============================================
 *
 * An MTP user (the interworking function towards M3UA, SCCP later, a test's ISUP) is a
 * struct sg_mtp_user: a name and ONE callback that takes every primitive MTP gives it.  It
 * registers with the MTP3 of its signalling point for a set of service indicators
 * (sg_mtp3_user_register(), include/sg/mtp3_core.h: a bit per SI, SI 3..15; SI 0..2 are
 * MTP's own) and sends with sg_mtp3_transfer_req() / sg_mtp3_transfer_req_opc().  An SI has
 * at most one user; a user may have many SIs.
 *
 * What MTP3 gives the user (every call on MTP3's thread, the core thread in sgd, from inside
 * MTP3: the user must not free the MTP3 instance in its callback; it may send):
 *
 *   primitive            when                                             to whom
 *   MTP-TRANSFER.ind     an MSU for a local point code (own PC or alias)  the user of its SI
 *   MTP-PAUSE.ind        p->dpc became inaccessible (Q.704 §7.2.2)        every user, once
 *   MTP-RESUME.ind       p->dpc became accessible again; also "normal     every user, once
 *                        routing again" after STATUS(restricted)
 *   MTP-STATUS.ind       congestion towards p->dpc from a TFC             every user, once
 *                        (p->si 0, Q.704 §13.7.3), restricted routing
 *                        (SG_MTP_STATUS_RESTRICTED, national)
 *   MTP-STATUS.ind       congestion met by one of the user's MSUs         the user of p->si
 *                        (Q.704 §11.2.3.1, §3.8), user part unavailable
 *                        (UPU received, Q.704 §11.2.7: p->si is the
 *                        unavailable remote user)
 *
 * "Every user, once": a user registered for several SIs gets such an indication one time,
 * not once per SI.  The parameters (p) are borrowed for the call.  Ownership of msgb: for
 * TRANSFER the callee takes msg (it frees or forwards it); SIO at msg->l3h, user part at
 * msg->l4h, the routing label decoded in p (opc, dpc, sls, si, ni, prio).  Every other
 * primitive passes msg == NULL.
 *
 * An MSU whose SI has no user is discarded, counted (rx:discard) and answered with UPU
 * "unequipped" to its originator; one whose user said it is unavailable
 * (sg_mtp3_user_available()) with UPU "inaccessible" (Q.704 §2.4.2, §11.2.7).  A user that
 * cannot take one MSU (an AS behind the gateway is down) answers it itself with
 * sg_mtp3_upu_send().
 *
 * (libosmo-sigtran has the same shape: osmo_ss7_user with one prim_cb, dispatched by SI in
 * sccp_instance.c mtp_user_prim_cb.)
 */

enum sg_mtp_prim {
	SG_MTP_TRANSFER,	/* req/ind: user data; routing label in param, user part at l4h */
	SG_MTP_PAUSE,		/* ind: affected DPC inaccessible */
	SG_MTP_RESUME,		/* ind: affected DPC accessible */
	SG_MTP_STATUS,		/* ind: congestion or user part unavailable */
};
extern const struct value_string sg_mtp_prim_names[];

enum sg_mtp_status_cause {
	SG_MTP_STATUS_CONGESTION,	/* param: cong_level */
	SG_MTP_STATUS_UPU_UNKNOWN,	/* user part unavailable: unknown */
	SG_MTP_STATUS_UPU_UNEQUIPPED,	/* unequipped remote user */
	SG_MTP_STATUS_UPU_INACCESSIBLE,	/* inaccessible remote user */
	SG_MTP_STATUS_RESTRICTED,	/* (extension) the DPC is reachable over restricted routes
					 * only (TFR, Q.704 §13.4); undone by a repeated RESUME */
};

/* Network indicator values (SIO bits D-C) */
enum sg_mtp_ni {
	SG_NI_INTERNATIONAL = 0,
	SG_NI_INTERNATIONAL_SPARE = 1,
	SG_NI_NATIONAL = 2,
	SG_NI_NATIONAL_SPARE = 3,
};

struct sg_mtp_param {
	uint32_t opc;		/* TRANSFER */
	uint32_t dpc;		/* TRANSFER; PAUSE/RESUME/STATUS: affected DPC */
	uint8_t sls;
	uint8_t si;		/* service indicator; STATUS UPU: affected user part */
	uint8_t ni;		/* enum sg_mtp_ni */
	uint8_t prio;		/* national option: message priority 0..3 */
	uint8_t cause;		/* STATUS: enum sg_mtp_status_cause */
	uint8_t cong_level;	/* STATUS congestion: 0..3 */
};

struct sg_mtp3;

/* Bit of service indicator si in an SI set; the SIs an MTP user may have (3..15). */
#define SG_MTP_SI_BIT(si)	((uint16_t)(1u << (si)))
#define SG_MTP_SI_USERS		((uint16_t)0xfff8)

/*
 * Every MTP primitive to a user (table above).  m is the MTP3 instance that gives it, p is
 * borrowed, msg is the user's (TRANSFER) or NULL; priv is the user's.
 */
typedef void (*sg_mtp_user_prim_cb)(struct sg_mtp3 *m, enum sg_mtp_prim prim,
				    const struct sg_mtp_param *p, struct msgb *msg, void *priv);

/* An MTP user.  Registered by pointer: keep it alive (and unchanged) until unregistered. */
struct sg_mtp_user {
	const char *name;		/* for logs */
	sg_mtp_user_prim_cb prim_cb;
	void *priv;
};
