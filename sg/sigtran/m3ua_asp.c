/* M3UA ASP state maintenance and traffic maintenance, RFC 4666 §4.3.4 (ASPUP/ASPDN/BEAT,
 * ASPAC/ASPIA) for both sides: answering (SGP, IPSP server) and requesting (ASP, IPSP client),
 * and MGMT reception (§3.8). */

#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include "m3ua_int.h"

#define MAX_RC 64

static void t_ack_cb(void *data);
static void t_beat_cb(void *data);

void m3ua_asp_init_timers(struct sg_m3ua_asp *asp)
{
	sg_timer_setup(&asp->t_ack, t_ack_cb, asp);
	sg_timer_setup(&asp->t_beat, t_beat_cb, asp);
	sg_timer_setup(&asp->t_reg, m3ua_t_reg_cb, asp);
}

static void diag_err(struct sg_m3ua_asp *asp, enum sg_m3ua_err code, const struct sg_m3ua_msg *msg)
{
	m3ua_tx_err(asp, code, NULL, NULL, msg->buf, msg->len);
}

/* ---- BEAT (§3.5.5, §4.3.4.6) ---- */

void m3ua_beat_start(struct sg_m3ua_asp *asp)
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
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT);
	if (!msg)
		return -ENOMEM;
	sg_m3ua_put(msg, SG_M3UA_IEI_HEARTBEAT_DATA, sizeof(hb), hb);
	sg_m3ua_finish(msg);
	return m3ua_tx(asp, 0, msg);
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

static void rx_beat(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	const struct sg_m3ua_param *p = sg_m3ua_find(msg, SG_M3UA_IEI_HEARTBEAT_DATA, 0);
	struct msgb *ack = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT_ACK);

	if (!ack)
		return;
	/* §3.5.6: the Heartbeat Data is echoed unchanged */
	if (p)
		sg_m3ua_put(ack, SG_M3UA_IEI_HEARTBEAT_DATA, p->len, p->val);
	sg_m3ua_finish(ack);
	m3ua_tx(asp, 0, ack);
}

/* ---- helpers ---- */

/* The ASs the peer is a member of on the given side; returns how many (up to max). */
static unsigned int asp_ass(struct sg_m3ua_asp *asp, bool client, struct sg_m3ua_as **out,
			    unsigned int max)
{
	struct sg_m3ua_as *as;
	unsigned int n = 0;

	llist_for_each_entry(as, &asp->m->ass, list) {
		if (as->client != client || !m3ua_memb(as, asp))
			continue;
		if (n < max)
			out[n] = as;
		n++;
	}
	return n;
}

/* Collect the target ASs of an ASPAC/ASPIA (server side).  Sends the ERR itself and returns
 * -1 on an Invalid Routing Context / No Configured AS. */
static int srv_targets(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg, bool aspac,
		       struct sg_m3ua_as **t, unsigned int *nt)
{
	uint32_t rc[MAX_RC], bad[MAX_RC];
	int n = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, MAX_RC);
	unsigned int nbad = 0;

	*nt = 0;
	if (n > 0) {
		for (int i = 0; i < n; i++) {
			struct sg_m3ua_as *as = sg_m3ua_as_by_rc(asp->m, rc[i]);

			if (!as || as->client || !m3ua_memb(as, asp))
				bad[nbad++] = rc[i];
			else
				t[(*nt)++] = as;
		}
		if (nbad) {
			/* §4.3.4.3: the whole request is refused (doc/m3ua.md) */
			m3ua_tx_err_rcs(asp, SG_M3UA_ERR_INVALID_ROUTING_CTX, bad, nbad, msg->buf,
					msg->len);
			return -1;
		}
		return 0;
	}
	n = asp_ass(asp, false, t, MAX_RC);
	if (n == 0 || (aspac && n > 1 && asp->m->cfg.aspac_norc == SG_M3UA_ASPAC_NORC_ERR)) {
		diag_err(asp, SG_M3UA_ERR_NO_CONFGD_AS_FOR_ASP, msg);
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

static void srv_aspup(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	struct sg_m3ua_as *t[MAX_RC];
	struct sg_m3ua_asp *o;
	struct msgb *ack;
	uint32_t id;
	bool has_id = sg_m3ua_get_u32(msg, SG_M3UA_IEI_ASP_ID, &id);
	bool was_active = asp->state == SG_M3UA_ASP_ACTIVE;
	unsigned int nt;

	if (asp->blocked) {
		diag_err(asp, SG_M3UA_ERR_REFUSED_MGMT_BLOCKING, msg);
		return;
	}
	if (!has_id && m->cfg.asp_id_required) {
		diag_err(asp, SG_M3UA_ERR_ASP_ID_REQUIRED, msg);
		return;
	}
	if (has_id) {
		bool expect = asp->cfg.has_asp_id && !asp->cli;

		if (expect && id != asp->cfg.asp_id) {
			diag_err(asp, SG_M3UA_ERR_INVALID_ASP_ID, msg);
			return;
		}
		llist_for_each_entry(o, &m->asps, list) {
			if (o != asp && o->has_peer_id && o->peer_id == id &&
			    o->state != SG_M3UA_ASP_DOWN) {
				diag_err(asp, SG_M3UA_ERR_INVALID_ASP_ID, msg);
				return;
			}
		}
		asp->has_peer_id = true;
		asp->peer_id = id;
	}
	if (was_active)
		/* §4.3.4.1: ASPUP while ACTIVE: ERR Unexpected Message, the ASP is INACTIVE */
		diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);

	ack = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP_ACK);
	if (!ack)
		return;
	sg_m3ua_finish(ack);
	m3ua_tx(asp, 0, ack);

	nt = asp_ass(asp, false, t, MAX_RC);
	for (unsigned int i = 0; i < nt && i < MAX_RC; i++) {
		struct sg_m3ua_memb *mb = m3ua_memb(t[i], asp);
		enum sg_m3ua_as_state before = t[i]->state;

		mb->st = SG_M3UA_ASP_INACTIVE;
		m3ua_as_update(t[i], asp, was_active);
		/* the peer learns the AS state even when it did not change (M3-NTFY-01) */
		if (t[i]->state == before && before != SG_M3UA_AS_DOWN)
			m3ua_tx_ntfy(asp, SG_M3UA_NTFY_T_STATCHG,
				     before == SG_M3UA_AS_ACTIVE ? SG_M3UA_NTFY_I_AS_ACT :
				     before == SG_M3UA_AS_PENDING ? SG_M3UA_NTFY_I_AS_PEND :
				     SG_M3UA_NTFY_I_AS_INACT, t[i], NULL);
	}
	m3ua_asp_set_state(asp, SG_M3UA_ASP_INACTIVE);
}

static void srv_down(struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_as *t[MAX_RC];
	unsigned int nt = asp_ass(asp, false, t, MAX_RC);

	for (unsigned int i = 0; i < nt && i < MAX_RC; i++)
		m3ua_memb(t[i], asp)->st = SG_M3UA_ASP_DOWN;
	m3ua_asp_set_state(asp, SG_M3UA_ASP_DOWN);
	for (unsigned int i = 0; i < nt && i < MAX_RC; i++)
		m3ua_as_update(t[i], asp, false);
}

static void srv_aspdn(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	struct msgb *ack = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN_ACK);

	(void)msg;
	if (!ack)
		return;
	/* §4.3.4.2: acknowledged in every state (ETSI m3ua-sgp-aspsm-o-004) */
	sg_m3ua_finish(ack);
	m3ua_tx(asp, 0, ack);
	srv_down(asp);
}

/* ---- server side: ASPAC / ASPIA (§4.3.4.3, §4.3.4.4) ---- */

static void srv_aspac(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	struct sg_m3ua_as *t[MAX_RC];
	unsigned int nt;
	uint32_t tmt = 0, rc[MAX_RC];
	bool has_tmt = sg_m3ua_get_u32(msg, SG_M3UA_IEI_TRAFFIC_MODE, &tmt);
	int nrc;
	struct msgb *ack;

	if (asp->state == SG_M3UA_ASP_DOWN) {
		diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		return;
	}
	if (asp->blocked) {
		diag_err(asp, SG_M3UA_ERR_REFUSED_MGMT_BLOCKING, msg);
		return;
	}
	if (has_tmt && (tmt < SG_M3UA_TMT_OVERRIDE || tmt > SG_M3UA_TMT_BROADCAST)) {
		diag_err(asp, SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE, msg);
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
			diag_err(asp, SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE, msg);
			return;
		}
		for (unsigned int j = 0; j < as->nmemb; j++)
			if (as->memb[j].asp != asp && as->memb[j].st == SG_M3UA_ASP_ACTIVE)
				others = true;
		if (as->tmt == SG_M3UA_TMT_NONE && others && as->cur_tmt != tmt) {
			diag_err(asp, SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE, msg);
			return;
		}
	}
	for (unsigned int i = 0; i < nt; i++) {
		struct sg_m3ua_as *as = t[i];
		struct sg_m3ua_memb *mb = m3ua_memb(as, asp);
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
			m3ua_tx_ntfy(o->asp, SG_M3UA_NTFY_T_OTHER, SG_M3UA_NTFY_I_OT_ALT_ASP_ACT, as,
				     asp_id_of(asp));
			m3ua_asp_recompute(o->asp);
		}
	}
	ack = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT_ACK);
	if (!ack)
		return;
	if (has_tmt)
		sg_m3ua_put_u32(ack, SG_M3UA_IEI_TRAFFIC_MODE, tmt);
	nrc = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, MAX_RC);
	if (nrc > 0)
		sg_m3ua_put_u32_list(ack, SG_M3UA_IEI_ROUTE_CTX, rc, nrc);
	sg_m3ua_finish(ack);
	m3ua_tx(asp, 0, ack);
	m3ua_asp_set_state(asp, SG_M3UA_ASP_ACTIVE);
	for (unsigned int i = 0; i < nt; i++)
		m3ua_as_update(t[i], asp, false);
}

static void srv_inactivate(struct sg_m3ua_asp *asp, struct sg_m3ua_as **t, unsigned int nt,
			   const uint32_t *rc, int nrc)
{
	struct msgb *ack = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT_ACK);

	for (unsigned int i = 0; i < nt; i++) {
		struct sg_m3ua_memb *mb = m3ua_memb(t[i], asp);

		if (mb->st == SG_M3UA_ASP_ACTIVE)
			mb->st = SG_M3UA_ASP_INACTIVE;
	}
	if (ack) {
		if (nrc > 0)
			sg_m3ua_put_u32_list(ack, SG_M3UA_IEI_ROUTE_CTX, rc, nrc);
		sg_m3ua_finish(ack);
		m3ua_tx(asp, 0, ack);
	}
	m3ua_asp_recompute(asp);
	for (unsigned int i = 0; i < nt; i++)
		m3ua_as_update(t[i], asp, false);
}

static void srv_aspia(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	struct sg_m3ua_as *t[MAX_RC];
	unsigned int nt;
	uint32_t rc[MAX_RC];
	int nrc;

	if (asp->state == SG_M3UA_ASP_DOWN) {
		diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		return;
	}
	if (srv_targets(asp, msg, false, t, &nt) < 0)
		return;
	nrc = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, MAX_RC);
	srv_inactivate(asp, t, nt, rc, nrc);
}

/* ---- client side (we are the ASP): §4.3.4.1-4 from the ASP's end ---- */

static void cli_send(struct sg_m3ua_asp *asp, uint8_t cls, uint8_t type)
{
	struct msgb *msg = sg_m3ua_msg_new(cls, type);
	struct sg_m3ua_as *t[MAX_RC];
	uint32_t rc[MAX_RC];
	unsigned int n = 0, nt;

	if (!msg)
		return;
	if (cls == SG_M3UA_CLS_ASPSM && type == SG_M3UA_ASPSM_UP && asp->cfg.has_asp_id)
		sg_m3ua_put_u32(msg, SG_M3UA_IEI_ASP_ID, asp->cfg.asp_id);
	if (cls == SG_M3UA_CLS_ASPTM) {
		if (type == SG_M3UA_ASPTM_ACT && asp->cfg.tmt != SG_M3UA_TMT_NONE)
			sg_m3ua_put_u32(msg, SG_M3UA_IEI_TRAFFIC_MODE, asp->cfg.tmt);
		nt = asp_ass(asp, true, t, MAX_RC);
		for (unsigned int i = 0; i < nt && i < MAX_RC; i++)
			if (t[i]->has_rc)
				rc[n++] = t[i]->rc;
		if (n)
			sg_m3ua_put_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, n);
	}
	sg_m3ua_finish(msg);
	asp->req_cls = cls;
	asp->req_type = type;
	m3ua_tx(asp, 0, msg);
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
	     sg_m3ua_msg_name(asp->req_cls, asp->req_type));
	cli_send(asp, asp->req_cls, asp->req_type);
}

void m3ua_asp_client_start(struct sg_m3ua_asp *asp)
{
	if (!asp->conn || !asp->cli)
		return;
	asp->req_tries = 0;
	cli_send(asp, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP);
}

void m3ua_asp_client_activate(struct sg_m3ua_asp *asp)
{
	if (!asp->conn || asp->lstate != SG_M3UA_ASP_INACTIVE || asp->blocked || asp->stopping)
		return;
	asp->req_tries = 0;
	cli_send(asp, SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT);
}

static void cli_set_lact(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg, bool act)
{
	struct sg_m3ua_as *t[MAX_RC];
	uint32_t rc[MAX_RC];
	int nrc = msg ? sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, MAX_RC) : -1;
	unsigned int nt = asp_ass(asp, true, t, MAX_RC);

	for (unsigned int i = 0; i < nt && i < MAX_RC; i++) {
		bool hit = nrc <= 0;

		for (int j = 0; j < nrc; j++)
			if (t[i]->has_rc && t[i]->rc == rc[j])
				hit = true;
		if (hit)
			m3ua_memb(t[i], asp)->lact = act;
	}
	for (unsigned int i = 0; i < nt && i < MAX_RC; i++)
		m3ua_as_update(t[i], asp, false);
}

static void cli_rx_ack(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	/* ASPUP/ASPDN +3 = their ACKs; ASPAC/ASPIA +2 */
	bool solicited = asp->req_cls == msg->cls &&
			 asp->req_type + (msg->cls == SG_M3UA_CLS_ASPSM ? 3 : 2) == msg->type;

	switch (msg->cls << 8 | msg->type) {
	case SG_M3UA_CLS_ASPSM << 8 | SG_M3UA_ASPSM_UP_ACK:
		if (!solicited) {
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
			return;
		}
		sg_timer_stop(&asp->t_ack);
		asp->req_cls = asp->req_type = 0;
		m3ua_asp_set_lstate(asp, SG_M3UA_ASP_INACTIVE);
		if (asp->stopping) {
			cli_send(asp, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN);
			return;
		}
		if (asp->cfg.register_keys)
			m3ua_asp_register(asp);
		else
			m3ua_asp_client_activate(asp);
		break;
	case SG_M3UA_CLS_ASPSM << 8 | SG_M3UA_ASPSM_DOWN_ACK:
		if (solicited) {
			sg_timer_stop(&asp->t_ack);
			asp->req_cls = asp->req_type = 0;
		}
		cli_set_lact(asp, NULL, false);
		m3ua_asp_set_lstate(asp, SG_M3UA_ASP_DOWN);
		/* unsolicited (the SGP took us down) or an answer to ASPUP: try again after T(ack)
		 * unless we are stopping (ETSI m3ua-asp-aspsm-o-001: no ASPAC follows) */
		if (!solicited && !asp->stopping && asp->conn) {
			asp->req_cls = SG_M3UA_CLS_ASPSM;
			asp->req_type = SG_M3UA_ASPSM_UP;
			sg_timer_start_ms(&asp->t_ack, asp->m->cfg.t_ack_ms);
		}
		break;
	case SG_M3UA_CLS_ASPTM << 8 | SG_M3UA_ASPTM_ACT_ACK:
		if (asp->lstate == SG_M3UA_ASP_DOWN || !solicited) {
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
			return;
		}
		sg_timer_stop(&asp->t_ack);
		asp->req_cls = asp->req_type = 0;
		m3ua_asp_set_lstate(asp, SG_M3UA_ASP_ACTIVE);
		cli_set_lact(asp, msg, true);
		break;
	case SG_M3UA_CLS_ASPTM << 8 | SG_M3UA_ASPTM_INACT_ACK:
		if (asp->lstate == SG_M3UA_ASP_DOWN) {
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
			return;
		}
		if (solicited) {
			sg_timer_stop(&asp->t_ack);
			asp->req_cls = asp->req_type = 0;
		}
		m3ua_asp_set_lstate(asp, SG_M3UA_ASP_INACTIVE);
		cli_set_lact(asp, NULL, false);
		if (asp->stopping)
			cli_send(asp, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN);
		break;
	}
}

/* ---- dispatch ---- */

void m3ua_rx_aspsm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg)
{
	/* §4.3.4 / M3-TR-02: ASPSM (other than BEAT) travels on stream 0 */
	if (stream != 0 && msg->type != SG_M3UA_ASPSM_BEAT &&
	    msg->type != SG_M3UA_ASPSM_BEAT_ACK) {
		diag_err(asp, SG_M3UA_ERR_INVALID_STREAM_ID, msg);
		return;
	}
	switch (msg->type) {
	case SG_M3UA_ASPSM_UP:
		if (!asp->srv)
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		else
			srv_aspup(asp, msg);
		break;
	case SG_M3UA_ASPSM_DOWN:
		if (!asp->srv)
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		else
			srv_aspdn(asp, msg);
		break;
	case SG_M3UA_ASPSM_BEAT:
		rx_beat(asp, msg);
		break;
	case SG_M3UA_ASPSM_BEAT_ACK:
		asp->beat_out = 0;
		break;
	case SG_M3UA_ASPSM_UP_ACK:
	case SG_M3UA_ASPSM_DOWN_ACK:
		if (!asp->cli)
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		else
			cli_rx_ack(asp, msg);
		break;
	default:
		diag_err(asp, SG_M3UA_ERR_UNSUPP_MSG_TYPE, msg);
		break;
	}
}

void m3ua_rx_asptm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg)
{
	(void)stream;	/* ASPTM may use the stream of its Routing Context (§4.3.4.3) */
	switch (msg->type) {
	case SG_M3UA_ASPTM_ACT:
		if (!asp->srv)
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		else
			srv_aspac(asp, msg);
		break;
	case SG_M3UA_ASPTM_INACT:
		if (!asp->srv)
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		else
			srv_aspia(asp, msg);
		break;
	case SG_M3UA_ASPTM_ACT_ACK:
	case SG_M3UA_ASPTM_INACT_ACK:
		if (!asp->cli)
			diag_err(asp, SG_M3UA_ERR_UNEXPECTED_MSG, msg);
		else
			cli_rx_ack(asp, msg);
		break;
	default:
		diag_err(asp, SG_M3UA_ERR_UNSUPP_MSG_TYPE, msg);
		break;
	}
}

void m3ua_rx_mgmt(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg)
{
	uint32_t v, rc[MAX_RC];
	int nrc;

	(void)stream;
	switch (msg->type) {
	case SG_M3UA_MGMT_ERR:
		sg_ctr_inc(asp->ctr, ASP_CTR_RX_ERR);
		if (sg_m3ua_get_u32(msg, SG_M3UA_IEI_ERR_CODE, &v))
			LOGA(asp, LOGL_NOTICE, "rx ERR %s\n", sg_m3ua_err_name(v));
		/* never answered (§3.8.1) */
		break;
	case SG_M3UA_MGMT_NTFY:
		sg_ctr_inc(asp->ctr, ASP_CTR_RX_NTFY);
		if (!sg_m3ua_get_u32(msg, SG_M3UA_IEI_STATUS, &v))
			break;
		nrc = sg_m3ua_get_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc, MAX_RC);
		LOGA(asp, LOGL_INFO, "rx NTFY type %u info %u\n", v >> 16, v & 0xffff);
		if (asp->m->uops.ntfy_ind)
			asp->m->uops.ntfy_ind(asp->m->uctx, asp, v >> 16, v & 0xffff, rc,
					     nrc > 0 ? nrc : 0);
		break;
	default:
		diag_err(asp, SG_M3UA_ERR_UNSUPP_MSG_TYPE, msg);
		break;
	}
}

/* ---- management ---- */

int sg_m3ua_asp_block(struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_as *t[MAX_RC];
	struct msgb *msg;
	unsigned int nt;

	if (asp->blocked)
		return 0;
	asp->blocked = true;
	LOGA(asp, LOGL_NOTICE, "blocked\n");
	if (asp->cli && asp->conn && asp->lstate == SG_M3UA_ASP_ACTIVE)
		cli_send(asp, SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT);
	if (!asp->srv || !asp->conn || asp->state == SG_M3UA_ASP_DOWN)
		return 0;
	nt = asp_ass(asp, false, t, MAX_RC);
	if (nt > MAX_RC)
		nt = MAX_RC;
	if (asp->m->cfg.block == SG_M3UA_BLOCK_ASPDN_ACK) {
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN_ACK);
		if (msg) {
			sg_m3ua_finish(msg);
			m3ua_tx(asp, 0, msg);
		}
		srv_down(asp);
	} else if (asp->state == SG_M3UA_ASP_ACTIVE) {
		srv_inactivate(asp, t, nt, NULL, 0);
	}
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
			m3ua_asp_client_activate(asp);
		else if (asp->lstate == SG_M3UA_ASP_DOWN && !asp->req_cls)
			m3ua_asp_client_start(asp);
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
		cli_send(asp, SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT);
	else if (asp->lstate == SG_M3UA_ASP_INACTIVE)
		cli_send(asp, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN);
	return 0;
}
