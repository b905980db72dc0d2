/* The xUA core's internals: what M3UA (RFC 4666) and SUA (RFC 3868) share, the ASP and AS state
 * machines (§4.3.1, §4.3.2 of both), ASPSM/ASPTM/MGMT/RKM/SSNM plumbing.  Not part of the API. */
#pragma once

#include "m3ua_int.h"

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

/* xua_asp_fsm.c */
void xua_asp_event(struct sg_m3ua_asp *asp, enum xua_asp_event ev, const struct sg_m3ua_msg *msg);

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
