/* xUA Application Servers, RFC 4666 / RFC 3868 §4.3.2: the AS state machine as a state x
 * event table (xua_int.h), T(r) recovery with the traffic buffered meanwhile, NTFY of AS state
 * changes (§3.8.2), membership and the traffic modes (§4.3.4.3) DATA is delivered by. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <sg/msg.h>

#include "xua_int.h"

/* ---- membership ---- */

struct sg_m3ua_memb *xua_memb(struct sg_m3ua_as *as, const struct sg_m3ua_asp *asp)
{
	for (unsigned int i = 0; i < as->nmemb; i++)
		if (as->memb[i].asp == asp)
			return &as->memb[i];
	return NULL;
}

struct sg_m3ua_memb *xua_memb_add(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_memb *mb = xua_memb(as, asp);

	if (mb)
		return mb;
	if (as->nmemb >= SG_M3UA_AS_MAX_ASPS)
		return NULL;
	mb = &as->memb[as->nmemb++];
	memset(mb, 0, sizeof(*mb));
	mb->asp = asp;
	mb->st = asp->state == SG_M3UA_ASP_DOWN ? SG_M3UA_ASP_DOWN : SG_M3UA_ASP_INACTIVE;
	return mb;
}

void xua_memb_del(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp)
{
	for (unsigned int i = 0; i < as->nmemb; i++) {
		if (as->memb[i].asp != asp)
			continue;
		memmove(&as->memb[i], &as->memb[i + 1], (as->nmemb - i - 1) * sizeof(as->memb[0]));
		as->nmemb--;
		return;
	}
}

bool xua_memb_active(const struct sg_m3ua_as *as, const struct sg_m3ua_memb *mb)
{
	if (!mb->asp->conn)
		return false;
	if (as->client)
		return mb->lact && mb->asp->lstate == SG_M3UA_ASP_ACTIVE;
	return mb->st == SG_M3UA_ASP_ACTIVE;
}

static bool memb_up(const struct sg_m3ua_as *as, const struct sg_m3ua_memb *mb)
{
	if (!mb->asp->conn)
		return false;
	if (as->client)
		return mb->asp->lstate != SG_M3UA_ASP_DOWN;
	return mb->st != SG_M3UA_ASP_DOWN;
}

unsigned int xua_asp_nas(const struct sg_m3ua_asp *asp, bool client)
{
	struct sg_m3ua_as *as;
	unsigned int n = 0;

	llist_for_each_entry(as, &asp->m->ass, list)
		if (as->client == client && xua_memb(as, asp))
			n++;
	return n;
}

/* The peer's overall state from its per-AS states (server side) */
void xua_asp_recompute(struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_as *as;
	bool act = false;

	if (asp->state == SG_M3UA_ASP_DOWN)
		return;
	llist_for_each_entry(as, &asp->m->ass, list) {
		struct sg_m3ua_memb *mb = xua_memb(as, asp);

		if (mb && !as->client && mb->st == SG_M3UA_ASP_ACTIVE)
			act = true;
	}
	xua_asp_set_state(asp, act ? SG_M3UA_ASP_ACTIVE : SG_M3UA_ASP_INACTIVE);
}

/* ---- DATA towards the AS ---- */

static uint16_t sls_stream(const struct sg_m3ua_asp *asp, uint8_t sls)
{
	/* never stream 0 for DATA when there is another; the same SLS keeps its stream */
	if (asp->out_streams <= 1)
		return 0;
	return 1 + sls % (asp->out_streams - 1);
}

static struct msgb *msg_clone(const struct msgb *msg)
{
	struct msgb *c = sg_msgb_alloc(msgb_length(msg) + SG_MSGB_HEADROOM, "m3ua copy");

	if (!c)
		return NULL;
	msgb_reserve(c, SG_MSGB_HEADROOM / 2);
	c->l3h = msgb_put(c, msgb_length(msg));
	memcpy(c->l3h, msg->data, msgb_length(msg));
	return c;
}

static void tx_data(struct sg_m3ua_as *as, struct sg_m3ua_asp *asp, struct msgb *msg,
		    uint8_t sls, uint16_t octets)
{
	sg_ctr_inc(asp->ctr, ASP_CTR_TX_DATA_MSGS);
	sg_ctr_add(asp->ctr, ASP_CTR_TX_DATA_OCTETS, octets);
	sg_ctr_inc(as->ctr, AS_CTR_TX_DATA_MSGS);
	sg_ctr_add(as->ctr, AS_CTR_TX_DATA_OCTETS, octets);
	xua_tx(asp, sls_stream(asp, sls), msg);
}

/* Deliver one encoded DATA to the active member(s) per traffic mode.  Takes ownership. */
int xua_as_deliver(struct sg_m3ua_as *as, struct msgb *msg, uint8_t sls, uint16_t octets)
{
	struct sg_m3ua_memb *act[SG_M3UA_AS_MAX_ASPS];
	unsigned int n = 0;
	enum sg_m3ua_tmt tmt = as->cur_tmt ? as->cur_tmt : as->tmt;

	for (unsigned int i = 0; i < as->nmemb; i++)
		if (xua_memb_active(as, &as->memb[i]))
			act[n++] = &as->memb[i];
	if (!n) {
		msgb_free(msg);
		return -ENETUNREACH;
	}
	if (as->client && tmt == SG_M3UA_TMT_NONE)
		tmt = SG_M3UA_TMT_LOADSHARE;	/* the SGPs of one SG are equivalent */
	switch (tmt) {
	case SG_M3UA_TMT_BROADCAST:
		for (unsigned int i = 1; i < n; i++) {
			struct msgb *c = msg_clone(msg);

			if (c)
				tx_data(as, act[i]->asp, c, sls, octets);
		}
		tx_data(as, act[0]->asp, msg, sls, octets);
		break;
	case SG_M3UA_TMT_LOADSHARE:
		/* by SLS: one SLS always reaches the same ASP while the set is unchanged */
		tx_data(as, act[sls % n]->asp, msg, sls, octets);
		break;
	default: {
		struct sg_m3ua_memb *best = act[0];

		for (unsigned int i = 1; i < n; i++)
			if (act[i]->act_seq > best->act_seq)
				best = act[i];
		tx_data(as, best->asp, msg, sls, octets);
		break;
	}
	}
	return 0;
}

void xua_as_flush_pending(struct sg_m3ua_as *as)
{
	struct msgb *msg, *tmp;

	llist_for_each_entry_safe(msg, tmp, &as->pending, list) {
		llist_del(&msg->list);
		as->npending--;
		sg_ctr_inc(as->ctr, AS_CTR_PEND_DELIVERED);
		xua_as_deliver(as, msg, msg->cb[0], msg->cb[1]);
	}
}

void xua_as_discard_pending(struct sg_m3ua_as *as)
{
	struct msgb *msg, *tmp;

	llist_for_each_entry_safe(msg, tmp, &as->pending, list) {
		llist_del(&msg->list);
		sg_ctr_inc(as->ctr, AS_CTR_PEND_DISCARDED);
		msgb_free(msg);
	}
	as->npending = 0;
}

/* ---- AS state machine (§4.3.2) ---- */

static void ntfy_members(struct sg_m3ua_as *as, uint16_t info)
{
	if (as->client)
		return;
	for (unsigned int i = 0; i < as->nmemb; i++)
		if (memb_up(as, &as->memb[i]))
			xua_tx_ntfy(as->memb[i].asp, SG_XUA_NTFY_T_STATCHG, info, as, NULL);
}

static void set_state(struct sg_m3ua_as *as, enum sg_m3ua_as_state st)
{
	enum sg_m3ua_as_state old = as->state;

	if (old == st)
		return;
	as->state = st;
	sg_ctr_inc(as->ctr, AS_CTR_STATE_CHG);
	LOGAS(as, LOGL_INFO, "%s -> %s\n", get_value_string(sg_m3ua_as_state_names, old),
	      get_value_string(sg_m3ua_as_state_names, st));
	switch (st) {
	case SG_M3UA_AS_INACTIVE:
		ntfy_members(as, SG_XUA_NTFY_I_AS_INACT);
		break;
	case SG_M3UA_AS_ACTIVE:
		ntfy_members(as, SG_XUA_NTFY_I_AS_ACT);
		break;
	case SG_M3UA_AS_PENDING:
		ntfy_members(as, SG_XUA_NTFY_I_AS_PEND);
		break;
	default:
		break;
	}
	if (as->m->uops.as_state)
		as->m->uops.as_state(as->m->uctx, as, old, st);
}

/* ---- the table ---- */

typedef void (*as_fn)(struct sg_m3ua_as *as, unsigned int nup);

const struct value_string xua_as_event_names[] = {
	{ XUA_AS_EV_ASP_ACTIVE, "ASP_ACTIVE" },
	{ XUA_AS_EV_ASP_INACTIVE, "ASP_INACTIVE" },
	{ XUA_AS_EV_ASP_DOWN, "ASP_DOWN" },
	{ XUA_AS_EV_NO_RECOVERY, "NO_RECOVERY" },
	{ XUA_AS_EV_TR_EXPIRY, "TR_EXPIRY" },
	{ 0, NULL }
};

/* a member is active: AS-ACTIVE */
static void h_active(struct sg_m3ua_as *as, unsigned int nup)
{
	(void)nup;
	set_state(as, SG_M3UA_AS_ACTIVE);
}

/* none is active and none is to be waited for: AS-INACTIVE when one is up, else AS-DOWN; what
 * was buffered during T(r) is dropped, the traffic mode learnt from ASPAC forgotten */
static void h_settle(struct sg_m3ua_as *as, unsigned int nup)
{
	if (as->state == SG_M3UA_AS_PENDING)
		sg_timer_stop(&as->t_r);
	if (as->npending)
		xua_as_discard_pending(as);
	as->cur_tmt = SG_M3UA_TMT_NONE;
	set_state(as, nup ? SG_M3UA_AS_INACTIVE : SG_M3UA_AS_DOWN);
}

/* §4.3.2: the last active ASP went inactive or down: AS-PENDING, T(r) started, traffic buffered */
static void h_pending(struct sg_m3ua_as *as, unsigned int nup)
{
	(void)nup;
	sg_timer_start_ms(&as->t_r, as->t_r_ms ? as->t_r_ms : as->m->cfg.t_r_ms);
	set_state(as, SG_M3UA_AS_PENDING);
}

/* §4.3.2: an ASP became active before T(r) ran out: AS-ACTIVE, the buffered traffic is sent */
static void h_recovered(struct sg_m3ua_as *as, unsigned int nup)
{
	(void)nup;
	sg_timer_stop(&as->t_r);
	set_state(as, SG_M3UA_AS_ACTIVE);
	xua_as_flush_pending(as);
}

/* §4.3.2: T(r) ran out: the buffered traffic is dropped, AS-INACTIVE or AS-DOWN */
static void h_tr_expiry(struct sg_m3ua_as *as, unsigned int nup)
{
	LOGAS(as, LOGL_NOTICE, "T(r) expired: %u buffered MSUs discarded\n", as->npending);
	xua_as_discard_pending(as);
	as->cur_tmt = SG_M3UA_TMT_NONE;
	set_state(as, nup ? SG_M3UA_AS_INACTIVE : SG_M3UA_AS_DOWN);
}

/* State x event table of the AS (§4.3.2 Figure 4): one row per state, one column per event in
 * the order of enum xua_as_event; NULL means "stay". */
static const as_fn as_table[SG_M3UA_AS_PENDING + 1][_XUA_AS_EV_MAX] = {
	/*			  ASP_ACTIVE   ASP_INACTIVE ASP_DOWN   NO_RECOVERY TR_EXPIRY */
	[SG_M3UA_AS_DOWN] =	{ h_active,    h_settle,    h_settle,  h_settle,   NULL },
	[SG_M3UA_AS_INACTIVE] =	{ h_active,    h_settle,    h_settle,  h_settle,   NULL },
	[SG_M3UA_AS_ACTIVE] =	{ h_active,    h_pending,   h_pending, h_settle,   NULL },
	[SG_M3UA_AS_PENDING] =	{ h_recovered, NULL,        NULL,      h_settle,   h_tr_expiry },
};

static unsigned int count_up(const struct sg_m3ua_as *as)
{
	unsigned int nup = 0;

	for (unsigned int i = 0; i < as->nmemb; i++)
		if (memb_up(as, &as->memb[i]))
			nup++;
	return nup;
}

/* nup: the members that are up (the target of AS-PENDING's way out) */
void xua_as_event(struct sg_m3ua_as *as, enum xua_as_event ev, unsigned int nup)
{
	as_fn fn;

	OSMO_ASSERT(ev < _XUA_AS_EV_MAX && as->state <= SG_M3UA_AS_PENDING);
	fn = as_table[as->state][ev];
	LOGAS(as, LOGL_DEBUG, "%s: %s%s\n", get_value_string(sg_m3ua_as_state_names, as->state),
	      get_value_string(xua_as_event_names, ev), fn ? "" : " ignored");
	if (fn)
		fn(as, nup);
}

/*
 * Recompute the AS state after a member changed.  restart: the member that left ACTIVE did so
 * by ASPUP while ACTIVE (it restarted; there is nobody to hold traffic for, so no T(r)).
 */
void xua_as_update(struct sg_m3ua_as *as, struct sg_m3ua_asp *cause, bool restart)
{
	unsigned int nup = count_up(as), nact = 0;
	enum xua_as_event ev;
	enum sg_m3ua_tmt tmt;

	(void)cause;
	for (unsigned int i = 0; i < as->nmemb; i++)
		if (xua_memb_active(as, &as->memb[i]))
			nact++;
	if (nact)
		ev = XUA_AS_EV_ASP_ACTIVE;
	else if (restart || as->client)
		ev = XUA_AS_EV_NO_RECOVERY;
	else
		ev = nup ? XUA_AS_EV_ASP_INACTIVE : XUA_AS_EV_ASP_DOWN;
	xua_as_event(as, ev, nup);

	/* §3.8.2 Insufficient ASP resources active in AS: loadshare/broadcast below n */
	tmt = as->cur_tmt ? as->cur_tmt : as->tmt;
	if (!as->client && as->state == SG_M3UA_AS_ACTIVE && as->min_asps > 1 &&
	    nact < as->min_asps && (tmt == SG_M3UA_TMT_LOADSHARE || tmt == SG_M3UA_TMT_BROADCAST)) {
		if (!as->insufficient) {
			as->insufficient = true;
			for (unsigned int i = 0; i < as->nmemb; i++)
				if (as->memb[i].asp->conn &&
				    as->memb[i].st == SG_M3UA_ASP_INACTIVE)
					xua_tx_ntfy(as->memb[i].asp, SG_XUA_NTFY_T_OTHER,
						     SG_XUA_NTFY_I_OT_INS_RESRC, as, NULL);
		}
	} else {
		as->insufficient = false;
	}
}

static void t_r_cb(void *data)
{
	struct sg_m3ua_as *as = data;

	xua_as_event(as, XUA_AS_EV_TR_EXPIRY, count_up(as));
}

void xua_as_init(struct sg_m3ua_as *as)
{
	INIT_LLIST_HEAD(&as->pending);
	sg_timer_setup(&as->t_r, t_r_cb, as);
}

void xua_as_free(struct sg_m3ua_as *as)
{
	sg_timer_stop(&as->t_r);
	xua_as_discard_pending(as);
	llist_del(&as->list);
	xua_idx_dirty(as->m);
	talloc_free(as);
}
