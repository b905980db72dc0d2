/* xUA ASP state machines, RFC 4666 / RFC 3868 §4.3.1 and §4.3.4 (ASPUP/ASPDN/BEAT,
 * ASPAC/ASPIA), as state x event tables (xua_int.h) for both sides: answering (SGP, IPSP
 * server) and requesting (ASP, IPSP client); BEAT and MGMT reception (§3.8). */

#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include "xua_int.h"

#define MAX_RC 64

static void t_ack_cb(void *data);
static void t_beat_cb(void *data);

void xua_asp_init_timers(struct sg_m3ua_asp *asp)
{
	sg_timer_setup(&asp->t_ack, t_ack_cb, asp);
	sg_timer_setup(&asp->t_beat, t_beat_cb, asp);
	sg_timer_setup(&asp->t_reg, xua_t_reg_cb, asp);
}

static void diag_err(struct sg_m3ua_asp *asp, enum sg_xua_err code, const struct sg_xua_msg *msg)
{
	xua_tx_err(asp, code, NULL, NULL, msg->buf, msg->len);
}

/* ---- BEAT (§3.5.5, §4.3.4.6) ---- */

void xua_beat_start(struct sg_m3ua_asp *asp)
{
	asp->beat_out = 0;
	if (asp->m->cfg.beat_ms)
		sg_timer_start_ms(&asp->t_beat, asp->m->cfg.beat_ms);
}

/* a BEAT with sequence number and time (§3.5.5: the data is ours to choose) */
static int beat_send(struct sg_m3ua_asp *asp)
{
	struct msgb *msg;
	uint8_t hb[8];

	asp->beat_seq++;
	osmo_store32be(asp->beat_seq, hb);
	osmo_store32be((uint32_t)(sg_now() / SG_NS_PER_MS), hb + 4);
	msg = sg_xua_msg_new(SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_BEAT);
	if (!msg)
		return -ENOMEM;
	sg_xua_put(msg, SG_XUA_IEI_HEARTBEAT_DATA, sizeof(hb), hb);
	sg_xua_finish(msg);
	return xua_tx(asp, 0, msg);
}

static void t_beat_cb(void *data)
{
	struct sg_m3ua_asp *asp = data;

	if (!asp->conn)
		return;
	if (asp->beat_out >= asp->m->cfg.beat_max_lost) {
		LOGA(asp, LOGL_NOTICE, "%u BEATs unanswered: closing the association\n",
		     asp->beat_out);
		sg_ctr_inc(asp->ctr, ASP_CTR_BEAT_LOST);
		if (asp->m->tops.close)
			asp->m->tops.close(asp->m->tctx, asp);
		sg_m3ua_asp_conn_down(asp);
		return;
	}
	asp->beat_out++;
	beat_send(asp);
	sg_timer_start_ms(&asp->t_beat, asp->m->cfg.beat_ms);
}

int sg_m3ua_asp_beat(struct sg_m3ua_asp *asp)
{
	if (!asp->conn)
		return -ENOTCONN;
	return beat_send(asp);
}

static void rx_beat(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	const struct sg_xua_param *p = sg_xua_find(msg, SG_XUA_IEI_HEARTBEAT_DATA, 0);
	struct msgb *ack = sg_xua_msg_new(SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_BEAT_ACK);

	if (!ack)
		return;
	/* §3.5.6: the Heartbeat Data is echoed unchanged */
	if (p)
		sg_xua_put(ack, SG_XUA_IEI_HEARTBEAT_DATA, p->len, p->val);
	sg_xua_finish(ack);
	xua_tx(asp, 0, ack);
}

/* ---- helpers ---- */

/* The ASs the peer is a member of on the given side; returns how many (up to max). */
static unsigned int asp_ass(struct sg_m3ua_asp *asp, bool client, struct sg_m3ua_as **out,
			    unsigned int max)
{
	struct sg_m3ua_as *as;
	unsigned int n = 0;

	llist_for_each_entry(as, &asp->m->ass, list) {
		if (as->client != client || !xua_memb(as, asp))
			continue;
		if (n < max)
			out[n] = as;
		n++;
	}
	return n;
}

/* Collect the target ASs of an ASPAC/ASPIA (server side).  Sends the ERR itself and returns
 * -1 on an Invalid Routing Context / No Configured AS. */
static int srv_targets(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg, bool aspac,
		       struct sg_m3ua_as **t, unsigned int *nt)
{
	uint32_t rc[MAX_RC], bad[MAX_RC];
	int n = sg_xua_get_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, MAX_RC);
	unsigned int nbad = 0;

	*nt = 0;
	if (n > 0) {
		for (int i = 0; i < n; i++) {
			struct sg_m3ua_as *as = sg_m3ua_as_by_rc(asp->m, rc[i]);

			if (!as || as->client || !xua_memb(as, asp))
				bad[nbad++] = rc[i];
			else
				t[(*nt)++] = as;
		}
		if (nbad) {
			/* §4.3.4.3: the whole request is refused (doc/m3ua.md) */
			xua_tx_err_rcs(asp, SG_XUA_ERR_INVALID_ROUTING_CTX, bad, nbad, msg->buf,
					msg->len);
			return -1;
		}
		return 0;
	}
	n = asp_ass(asp, false, t, MAX_RC);
	if (n == 0 || (aspac && n > 1 && asp->m->cfg.aspac_norc == SG_M3UA_ASPAC_NORC_ERR)) {
		diag_err(asp, SG_XUA_ERR_NO_CONFGD_AS_FOR_ASP, msg);
		return -1;
	}
	*nt = n > MAX_RC ? MAX_RC : n;
	return 0;
}

static const uint32_t *asp_id_of(const struct sg_m3ua_asp *asp)
{
	if (asp->has_peer_id)
		return &asp->peer_id;
	return NULL;
}

/* ---- server side: ASPUP / ASPDN (§4.3.4.1, §4.3.4.2) ---- */

static void srv_aspup(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	struct sg_m3ua_as *t[MAX_RC];
	struct sg_m3ua_asp *o;
	struct msgb *ack;
	uint32_t id;
	bool has_id = sg_xua_get_u32(msg, SG_XUA_IEI_ASP_ID, &id);
	bool was_active = asp->state == SG_M3UA_ASP_ACTIVE;
	unsigned int nt;

	if (asp->blocked) {
		diag_err(asp, SG_XUA_ERR_REFUSED_MGMT_BLOCKING, msg);
		return;
	}
	if (!has_id && m->cfg.asp_id_required) {
		diag_err(asp, SG_XUA_ERR_ASP_ID_REQUIRED, msg);
		return;
	}
	if (has_id) {
		bool expect = asp->cfg.has_asp_id && !asp->cli;

		if (expect && id != asp->cfg.asp_id) {
			diag_err(asp, SG_XUA_ERR_INVALID_ASP_ID, msg);
			return;
		}
		llist_for_each_entry(o, &m->asps, list) {
			if (o != asp && o->has_peer_id && o->peer_id == id &&
			    o->state != SG_M3UA_ASP_DOWN) {
				diag_err(asp, SG_XUA_ERR_INVALID_ASP_ID, msg);
				return;
			}
		}
		asp->has_peer_id = true;
		asp->peer_id = id;
	}
	if (was_active)
		/* §4.3.4.1: ASPUP while ACTIVE: ERR Unexpected Message, the ASP is INACTIVE */
		diag_err(asp, SG_XUA_ERR_UNEXPECTED_MSG, msg);

	ack = sg_xua_msg_new(SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_UP_ACK);
	if (!ack)
		return;
	sg_xua_finish(ack);
	xua_tx(asp, 0, ack);

	nt = asp_ass(asp, false, t, MAX_RC);
	for (unsigned int i = 0; i < nt && i < MAX_RC; i++) {
		struct sg_m3ua_memb *mb = xua_memb(t[i], asp);
		enum sg_m3ua_as_state before = t[i]->state;

		mb->st = SG_M3UA_ASP_INACTIVE;
		xua_as_update(t[i], asp, was_active);
		/* the peer learns the AS state even when it did not change (M3-NTFY-01) */
		if (t[i]->state == before && before != SG_M3UA_AS_DOWN)
			xua_tx_ntfy(asp, SG_XUA_NTFY_T_STATCHG,
				     before == SG_M3UA_AS_ACTIVE ? SG_XUA_NTFY_I_AS_ACT :
				     before == SG_M3UA_AS_PENDING ? SG_XUA_NTFY_I_AS_PEND :
				     SG_XUA_NTFY_I_AS_INACT, t[i], NULL);
	}
	xua_asp_set_state(asp, SG_M3UA_ASP_INACTIVE);
}

static void srv_down(struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_as *t[MAX_RC];
	unsigned int nt = asp_ass(asp, false, t, MAX_RC);

	for (unsigned int i = 0; i < nt && i < MAX_RC; i++)
		xua_memb(t[i], asp)->st = SG_M3UA_ASP_DOWN;
	xua_asp_set_state(asp, SG_M3UA_ASP_DOWN);
	for (unsigned int i = 0; i < nt && i < MAX_RC; i++)
		xua_as_update(t[i], asp, false);
}

static void srv_aspdn(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct msgb *ack = sg_xua_msg_new(SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_DOWN_ACK);

	(void)msg;
	if (!ack)
		return;
	/* §4.3.4.2: acknowledged in every state (ETSI m3ua-sgp-aspsm-o-004) */
	sg_xua_finish(ack);
	xua_tx(asp, 0, ack);
	srv_down(asp);
}

/* ---- server side: ASPAC / ASPIA (§4.3.4.3, §4.3.4.4) ---- */

static void srv_aspac(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua_as *t[MAX_RC];
	unsigned int nt;
	uint32_t tmt = 0, rc[MAX_RC];
	bool has_tmt = sg_xua_get_u32(msg, SG_XUA_IEI_TRAFFIC_MODE, &tmt);
	int nrc;
	struct msgb *ack;

	if (asp->blocked) {
		diag_err(asp, SG_XUA_ERR_REFUSED_MGMT_BLOCKING, msg);
		return;
	}
	if (has_tmt && (tmt < SG_M3UA_TMT_OVERRIDE || tmt > SG_M3UA_TMT_BROADCAST)) {
		diag_err(asp, SG_XUA_ERR_UNSUPP_TRAFFIC_MODE, msg);
		return;
	}
	if (srv_targets(asp, msg, true, t, &nt) < 0)
		return;
	/* traffic mode: must match the AS's configured mode, or the mode in effect (M3-TM-04) */
	for (unsigned int i = 0; i < nt; i++) {
		struct sg_m3ua_as *as = t[i];
		bool others = false;

		if (!has_tmt)
			continue;
		if (as->tmt != SG_M3UA_TMT_NONE && as->tmt != tmt) {
			diag_err(asp, SG_XUA_ERR_UNSUPP_TRAFFIC_MODE, msg);
			return;
		}
		for (unsigned int j = 0; j < as->nmemb; j++)
			if (as->memb[j].asp != asp && as->memb[j].st == SG_M3UA_ASP_ACTIVE)
				others = true;
		if (as->tmt == SG_M3UA_TMT_NONE && others && as->cur_tmt != tmt) {
			diag_err(asp, SG_XUA_ERR_UNSUPP_TRAFFIC_MODE, msg);
			return;
		}
	}
	for (unsigned int i = 0; i < nt; i++) {
		struct sg_m3ua_as *as = t[i];
		struct sg_m3ua_memb *mb = xua_memb(as, asp);
		bool others = false;

		for (unsigned int j = 0; j < as->nmemb; j++)
			if (as->memb[j].asp != asp && as->memb[j].st == SG_M3UA_ASP_ACTIVE)
				others = true;
		if (!others)
			as->cur_tmt = as->tmt != SG_M3UA_TMT_NONE ? as->tmt :
				      has_tmt ? (enum sg_m3ua_tmt)tmt : SG_M3UA_TMT_OVERRIDE;
		if (mb->st != SG_M3UA_ASP_ACTIVE)
			mb->act_seq = ++asp->m->act_seq;
		mb->st = SG_M3UA_ASP_ACTIVE;
		if (as->cur_tmt != SG_M3UA_TMT_OVERRIDE)
			continue;
		/* override (§4.3.4.3): the previously active ASP is displaced */
		for (unsigned int j = 0; j < as->nmemb; j++) {
			struct sg_m3ua_memb *o = &as->memb[j];

			if (o->asp == asp || o->st != SG_M3UA_ASP_ACTIVE)
				continue;
			o->st = SG_M3UA_ASP_INACTIVE;
			xua_tx_ntfy(o->asp, SG_XUA_NTFY_T_OTHER, SG_XUA_NTFY_I_OT_ALT_ASP_ACT, as,
				     asp_id_of(asp));
			xua_asp_recompute(o->asp);
		}
	}
	ack = sg_xua_msg_new(SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_ACT_ACK);
	if (!ack)
		return;
	if (has_tmt)
		sg_xua_put_u32(ack, SG_XUA_IEI_TRAFFIC_MODE, tmt);
	nrc = sg_xua_get_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, MAX_RC);
	if (nrc > 0)
		sg_xua_put_u32_list(ack, SG_XUA_IEI_ROUTE_CTX, rc, nrc);
	sg_xua_finish(ack);
	xua_tx(asp, 0, ack);
	xua_asp_set_state(asp, SG_M3UA_ASP_ACTIVE);
	for (unsigned int i = 0; i < nt; i++)
		xua_as_update(t[i], asp, false);
}

static void srv_inactivate(struct sg_m3ua_asp *asp, struct sg_m3ua_as **t, unsigned int nt,
			   const uint32_t *rc, int nrc)
{
	struct msgb *ack = sg_xua_msg_new(SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_INACT_ACK);

	for (unsigned int i = 0; i < nt; i++) {
		struct sg_m3ua_memb *mb = xua_memb(t[i], asp);

		if (mb->st == SG_M3UA_ASP_ACTIVE)
			mb->st = SG_M3UA_ASP_INACTIVE;
	}
	if (ack) {
		if (nrc > 0)
			sg_xua_put_u32_list(ack, SG_XUA_IEI_ROUTE_CTX, rc, nrc);
		sg_xua_finish(ack);
		xua_tx(asp, 0, ack);
	}
	xua_asp_recompute(asp);
	for (unsigned int i = 0; i < nt; i++)
		xua_as_update(t[i], asp, false);
}

static void srv_aspia(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua_as *t[MAX_RC];
	unsigned int nt;
	uint32_t rc[MAX_RC];
	int nrc;

	if (srv_targets(asp, msg, false, t, &nt) < 0)
		return;
	nrc = sg_xua_get_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, MAX_RC);
	srv_inactivate(asp, t, nt, rc, nrc);
}

/* ---- client side (we are the ASP): §4.3.4.1-4 from the ASP's end ---- */

static void cli_send(struct sg_m3ua_asp *asp, uint8_t cls, uint8_t type)
{
	struct msgb *msg = sg_xua_msg_new(cls, type);
	uint32_t rc[MAX_RC];
	unsigned int n;

	if (!msg)
		return;
	if (cls == SG_XUA_CLS_ASPSM && type == SG_XUA_ASPSM_UP && asp->cfg.has_asp_id)
		sg_xua_put_u32(msg, SG_XUA_IEI_ASP_ID, asp->cfg.asp_id);
	if (cls == SG_XUA_CLS_ASPTM) {
		if (type == SG_XUA_ASPTM_ACT && asp->cfg.tmt != SG_M3UA_TMT_NONE)
			sg_xua_put_u32(msg, SG_XUA_IEI_TRAFFIC_MODE, asp->cfg.tmt);
		n = xua_asp_rcs(asp, true, false, rc, MAX_RC);
		if (n)
			sg_xua_put_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, n);
	}
	sg_xua_finish(msg);
	asp->req_cls = cls;
	asp->req_type = type;
	xua_tx(asp, 0, msg);
	sg_timer_start_ms(&asp->t_ack, asp->m->cfg.t_ack_ms);
}

static void t_ack_cb(void *data)
{
	struct sg_m3ua_asp *asp = data;

	if (!asp->conn || !asp->req_cls)
		return;
	/* T(ack) (§4.3.4.1): the request is sent again until it is acknowledged */
	asp->req_tries++;
	LOGA(asp, LOGL_NOTICE, "T(ack) expired: %s again\n",
	     asp->m->proto->msg_name(asp->req_cls, asp->req_type));
	cli_send(asp, asp->req_cls, asp->req_type);
}

void xua_asp_client_start(struct sg_m3ua_asp *asp)
{
	if (!asp->conn || !asp->cli)
		return;
	asp->req_tries = 0;
	cli_send(asp, SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_UP);
}

void xua_asp_client_activate(struct sg_m3ua_asp *asp)
{
	if (!asp->conn || asp->lstate != SG_M3UA_ASP_INACTIVE || asp->blocked || asp->stopping)
		return;
	asp->req_tries = 0;
	cli_send(asp, SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_ACT);
}

static void cli_set_lact(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg, bool act)
{
	struct sg_m3ua_as *t[MAX_RC];
	uint32_t rc[MAX_RC];
	int nrc = msg ? sg_xua_get_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, MAX_RC) : -1;
	unsigned int nt = asp_ass(asp, true, t, MAX_RC);

	for (unsigned int i = 0; i < nt && i < MAX_RC; i++) {
		bool hit = nrc <= 0;

		for (int j = 0; j < nrc; j++)
			if (t[i]->has_rc && t[i]->rc == rc[j])
				hit = true;
		if (hit)
			xua_memb(t[i], asp)->lact = act;
	}
	for (unsigned int i = 0; i < nt && i < MAX_RC; i++)
		xua_as_update(t[i], asp, false);
}

/* the ACK answers the request we sent (ASPUP/ASPDN +3 = their ACKs; ASPAC/ASPIA +2) */
static bool cli_solicited(const struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	return asp->req_cls == msg->cls &&
	       asp->req_type + (msg->cls == SG_XUA_CLS_ASPSM ? 3 : 2) == msg->type;
}

static void cli_req_done(struct sg_m3ua_asp *asp)
{
	sg_timer_stop(&asp->t_ack);
	asp->req_cls = asp->req_type = 0;
}

/* An ACK that must answer our request: it ends the request (true); unsolicited, it is an
 * Unexpected Message (false). */
static bool cli_take_ack(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	if (!cli_solicited(asp, msg)) {
		diag_err(asp, SG_XUA_ERR_UNEXPECTED_MSG, msg);
		return false;
	}
	cli_req_done(asp);
	return true;
}

/* ASPUP ACK (§4.3.4.1): up; then register our keys (§4.4.1) or activate */
static void h_cli_up_ack(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	if (!cli_take_ack(asp, msg))
		return;
	xua_asp_set_lstate(asp, SG_M3UA_ASP_INACTIVE);
	if (asp->stopping) {
		cli_send(asp, SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_DOWN);
		return;
	}
	if (asp->cfg.register_keys)
		xua_asp_register(asp);
	else
		xua_asp_client_activate(asp);
}

/* ASPDN ACK (§4.3.4.2), in every state */
static void h_cli_down_ack(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	bool solicited = cli_solicited(asp, msg);

	if (solicited)
		cli_req_done(asp);
	cli_set_lact(asp, NULL, false);
	xua_asp_set_lstate(asp, SG_M3UA_ASP_DOWN);
	/* unsolicited (the SGP took us down) or an answer to ASPUP: try again after T(ack)
	 * unless we are stopping (ETSI m3ua-asp-aspsm-o-001: no ASPAC follows) */
	if (!solicited && !asp->stopping && asp->conn) {
		asp->req_cls = SG_XUA_CLS_ASPSM;
		asp->req_type = SG_XUA_ASPSM_UP;
		sg_timer_start_ms(&asp->t_ack, asp->m->cfg.t_ack_ms);
	}
}

/* ASPAC ACK (§4.3.4.3) while up */
static void h_cli_act_ack(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	if (!cli_take_ack(asp, msg))
		return;
	xua_asp_set_lstate(asp, SG_M3UA_ASP_ACTIVE);
	cli_set_lact(asp, msg, true);
}

/* ASPIA ACK (§4.3.4.4) while up, solicited or not (the SGP's management blocking) */
static void h_cli_inact_ack(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	if (cli_solicited(asp, msg))
		cli_req_done(asp);
	xua_asp_set_lstate(asp, SG_M3UA_ASP_INACTIVE);
	cli_set_lact(asp, NULL, false);
	if (asp->stopping)
		cli_send(asp, SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_DOWN);
}

/* ---- the tables ---- */

typedef void (*asp_fn)(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg);

const struct value_string xua_asp_event_names[] = {
	{ XUA_ASP_EV_RX_ASPUP, "RX_ASPUP" },
	{ XUA_ASP_EV_RX_ASPDN, "RX_ASPDN" },
	{ XUA_ASP_EV_RX_ASPAC, "RX_ASPAC" },
	{ XUA_ASP_EV_RX_ASPIA, "RX_ASPIA" },
	{ XUA_ASP_EV_BLOCK, "BLOCK" },
	{ XUA_ASP_EV_RX_ASPUP_ACK, "RX_ASPUP_ACK" },
	{ XUA_ASP_EV_RX_ASPDN_ACK, "RX_ASPDN_ACK" },
	{ XUA_ASP_EV_RX_ASPAC_ACK, "RX_ASPAC_ACK" },
	{ XUA_ASP_EV_RX_ASPIA_ACK, "RX_ASPIA_ACK" },
	{ 0, NULL }
};

/* §4.3.4.3, §4.3.4.4: ASPAC/ASPIA from an ASP that is not up; an ACK we cannot be waiting for */
static void h_unexpected(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	diag_err(asp, SG_XUA_ERR_UNEXPECTED_MSG, msg);
}

/* management blocking of a peer that is up: per cfg.block, an unsolicited ASPDN ACK (the peer
 * is DOWN) or, when it is active, an unsolicited ASPIA ACK (it is INACTIVE) */
static void h_srv_block(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua_as *t[MAX_RC];
	struct msgb *ack;
	unsigned int nt;

	(void)msg;
	if (!asp->conn)
		return;
	if (asp->m->cfg.block == SG_M3UA_BLOCK_ASPDN_ACK) {
		ack = sg_xua_msg_new(SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_DOWN_ACK);
		if (ack) {
			sg_xua_finish(ack);
			xua_tx(asp, 0, ack);
		}
		srv_down(asp);
	} else if (asp->state == SG_M3UA_ASP_ACTIVE) {
		nt = asp_ass(asp, false, t, MAX_RC);
		srv_inactivate(asp, t, nt > MAX_RC ? MAX_RC : nt, NULL, 0);
	}
}

#define S_DOWN SG_M3UA_ASP_DOWN
#define S_INACT SG_M3UA_ASP_INACTIVE
#define S_ACT SG_M3UA_ASP_ACTIVE

/* Server machine: the peer's state at us (§4.3.1 Figure 3, the SGP's view), one row per state,
 * one column per event in the order of enum xua_asp_event; NULL means "ignore".  ASPUP and
 * ASPDN are answered in every state (ASPUP while active: ERR Unexpected Message first, then the
 * peer is INACTIVE; ETSI m3ua-sgp-aspsm-o-004 for ASPDN). */
#define N_SRV_EV XUA_ASP_EV_RX_ASPUP_ACK
static const asp_fn srv_table[S_ACT + 1][N_SRV_EV] = {
	/*	     RX_ASPUP   RX_ASPDN   RX_ASPAC      RX_ASPIA      BLOCK */
	[S_DOWN] =  { srv_aspup, srv_aspdn, h_unexpected, h_unexpected, NULL },
	[S_INACT] = { srv_aspup, srv_aspdn, srv_aspac,    srv_aspia,    h_srv_block },
	[S_ACT] =   { srv_aspup, srv_aspdn, srv_aspac,    srv_aspia,    h_srv_block },
};

/* Client machine: our state at the peer (§4.3.1 from the ASP's end), the same way.  ASPDN ACK
 * is taken in every state; ASPAC/ASPIA ACK while we are down are unexpected. */
#define N_CLI_EV (_XUA_ASP_EV_MAX - XUA_ASP_EV_RX_ASPUP_ACK)
static const asp_fn cli_table[S_ACT + 1][N_CLI_EV] = {
	/*	     RX_ASPUP_ACK  RX_ASPDN_ACK    RX_ASPAC_ACK   RX_ASPIA_ACK */
	[S_DOWN] =  { h_cli_up_ack, h_cli_down_ack, h_unexpected,  h_unexpected },
	[S_INACT] = { h_cli_up_ack, h_cli_down_ack, h_cli_act_ack, h_cli_inact_ack },
	[S_ACT] =   { h_cli_up_ack, h_cli_down_ack, h_cli_act_ack, h_cli_inact_ack },
};
#undef S_DOWN
#undef S_INACT
#undef S_ACT

void xua_asp_event(struct sg_m3ua_asp *asp, enum xua_asp_event ev, const struct sg_xua_msg *msg)
{
	bool srv_ev = ev < XUA_ASP_EV_RX_ASPUP_ACK;
	enum sg_m3ua_asp_state st = srv_ev ? asp->state : asp->lstate;
	asp_fn fn;

	OSMO_ASSERT(ev < _XUA_ASP_EV_MAX && st <= SG_M3UA_ASP_ACTIVE);
	if (srv_ev ? !asp->srv : !asp->cli) {
		/* the peer does not run this machine: we neither answer nor send requests */
		LOGA(asp, LOGL_DEBUG, "no %s machine: %s\n", srv_ev ? "server" : "client",
		     get_value_string(xua_asp_event_names, ev));
		if (msg)
			h_unexpected(asp, msg);
		return;
	}
	fn = srv_ev ? srv_table[st][ev] : cli_table[st][ev - N_SRV_EV];
	LOGA(asp, LOGL_DEBUG, "%s %s: %s%s\n", srv_ev ? "server" : "client",
	     get_value_string(sg_m3ua_asp_state_names, st),
	     get_value_string(xua_asp_event_names, ev), fn ? "" : " ignored");
	if (fn)
		fn(asp, msg);
}

/* ---- reception: message -> event ---- */

static const struct {
	uint8_t cls, type;
	enum xua_asp_event ev;
} msg_events[] = {
	{ SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_UP, XUA_ASP_EV_RX_ASPUP },
	{ SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_DOWN, XUA_ASP_EV_RX_ASPDN },
	{ SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_UP_ACK, XUA_ASP_EV_RX_ASPUP_ACK },
	{ SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_DOWN_ACK, XUA_ASP_EV_RX_ASPDN_ACK },
	{ SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_ACT, XUA_ASP_EV_RX_ASPAC },
	{ SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_INACT, XUA_ASP_EV_RX_ASPIA },
	{ SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_ACT_ACK, XUA_ASP_EV_RX_ASPAC_ACK },
	{ SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_INACT_ACK, XUA_ASP_EV_RX_ASPIA_ACK },
};

static void rx_event(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(msg_events); i++) {
		if (msg_events[i].cls == msg->cls && msg_events[i].type == msg->type) {
			xua_asp_event(asp, msg_events[i].ev, msg);
			return;
		}
	}
	diag_err(asp, SG_XUA_ERR_UNSUPP_MSG_TYPE, msg);
}

void xua_rx_aspsm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg)
{
	/* BEAT and its ACK: any stream, any state, either side (§3.5.5, §4.3.4.6) */
	if (msg->type == SG_XUA_ASPSM_BEAT) {
		rx_beat(asp, msg);
		return;
	}
	if (msg->type == SG_XUA_ASPSM_BEAT_ACK) {
		asp->beat_out = 0;
		return;
	}
	/* §4.3.4 / M3-TR-02: the other ASPSM messages travel on stream 0 */
	if (stream != 0) {
		diag_err(asp, SG_XUA_ERR_INVALID_STREAM_ID, msg);
		return;
	}
	rx_event(asp, msg);
}

void xua_rx_asptm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg)
{
	(void)stream;	/* ASPTM may use the stream of its Routing Context (§4.3.4.3) */
	rx_event(asp, msg);
}

void xua_rx_mgmt(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg)
{
	uint32_t v, rc[MAX_RC];
	int nrc;

	(void)stream;
	switch (msg->type) {
	case SG_XUA_MGMT_ERR:
		sg_ctr_inc(asp->ctr, ASP_CTR_RX_ERR);
		if (sg_xua_get_u32(msg, SG_XUA_IEI_ERR_CODE, &v))
			LOGA(asp, LOGL_NOTICE, "rx ERR %s\n", sg_xua_err_name(v));
		/* never answered (§3.8.1) */
		break;
	case SG_XUA_MGMT_NTFY:
		sg_ctr_inc(asp->ctr, ASP_CTR_RX_NTFY);
		if (!sg_xua_get_u32(msg, SG_XUA_IEI_STATUS, &v))
			break;
		nrc = sg_xua_get_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, MAX_RC);
		LOGA(asp, LOGL_INFO, "rx NTFY type %u info %u\n", v >> 16, v & 0xffff);
		if (asp->m->uops.ntfy_ind)
			asp->m->uops.ntfy_ind(asp->m->uctx, asp, v >> 16, v & 0xffff, rc,
					     nrc > 0 ? nrc : 0);
		break;
	default:
		diag_err(asp, SG_XUA_ERR_UNSUPP_MSG_TYPE, msg);
		break;
	}
}

/* ---- management ---- */

int sg_m3ua_asp_block(struct sg_m3ua_asp *asp)
{
	if (asp->blocked)
		return 0;
	asp->blocked = true;
	LOGA(asp, LOGL_NOTICE, "blocked\n");
	if (asp->cli && asp->conn && asp->lstate == SG_M3UA_ASP_ACTIVE)
		cli_send(asp, SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_INACT);
	if (asp->srv)
		xua_asp_event(asp, XUA_ASP_EV_BLOCK, NULL);
	return 0;
}

int sg_m3ua_asp_unblock(struct sg_m3ua_asp *asp)
{
	if (!asp->blocked)
		return 0;
	asp->blocked = false;
	LOGA(asp, LOGL_NOTICE, "unblocked\n");
	if (asp->cli && asp->conn) {
		if (asp->lstate == SG_M3UA_ASP_INACTIVE)
			xua_asp_client_activate(asp);
		else if (asp->lstate == SG_M3UA_ASP_DOWN && !asp->req_cls)
			xua_asp_client_start(asp);
	}
	return 0;
}

int sg_m3ua_asp_stop(struct sg_m3ua_asp *asp)
{
	if (!asp->cli)
		return -EINVAL;
	if (!asp->conn)
		return -ENOTCONN;
	asp->stopping = true;
	if (asp->lstate == SG_M3UA_ASP_ACTIVE)
		cli_send(asp, SG_XUA_CLS_ASPTM, SG_XUA_ASPTM_INACT);
	else if (asp->lstate == SG_M3UA_ASP_INACTIVE)
		cli_send(asp, SG_XUA_CLS_ASPSM, SG_XUA_ASPSM_DOWN);
	return 0;
}
