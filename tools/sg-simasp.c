/* sg-simasp: a simulated M3UA ASP (RFC 4666 §4.3.1 ASP side): SCTP to an SGP, ASPUP, optional
 * REG REQ (§3.6.1), ASPAC, BEAT, DATA with ISUP/SCCP traffic answered or generated (the
 * simulators' traffic engine), SSNM (DUNA/DAVA) followed, ASPIA/ASPDN on SIGINT/SIGTERM. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include <sg/config.h>
#include <sg/counter.h>
#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/sctp.h>
#include <sg/thread.h>
#include <sg/timer.h>

#include "config.h"
#include "sim_traffic.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_CONFIG = 2 };

#define ACK_RETRIES 5		/* requests sent at most this often before giving up */

/* ASP state as the ASP sees it (RFC 4666 §4.3.1), with the pending request */
enum asp_state {
	ASP_DOWN,		/* no association, or association up and ASPUP not yet sent */
	ASP_UP_SENT,		/* ASPUP sent, waiting for ASPUP ACK */
	ASP_INACTIVE,
	ASP_REG_SENT,		/* REG REQ sent, waiting for REG RSP */
	ASP_AC_SENT,		/* ASPAC sent */
	ASP_ACTIVE,
	ASP_IA_SENT,		/* ASPIA sent (shutting down) */
	ASP_DN_SENT,		/* ASPDN sent (shutting down) */
};

static const struct value_string asp_state_names[] = {
	{ ASP_DOWN, "ASP-DOWN" }, { ASP_UP_SENT, "ASPUP-SENT" }, { ASP_INACTIVE, "ASP-INACTIVE" },
	{ ASP_REG_SENT, "REG-SENT" }, { ASP_AC_SENT, "ASPAC-SENT" },
	{ ASP_ACTIVE, "ASP-ACTIVE" }, { ASP_IA_SENT, "ASPIA-SENT" },
	{ ASP_DN_SENT, "ASPDN-SENT" }, { 0, NULL }
};

enum asp_ctr {
	ASP_CTR_ASSOC_UP,
	ASP_CTR_ASSOC_DOWN,
	ASP_CTR_MGMT_TX,
	ASP_CTR_RETRANS,
	ASP_CTR_DATA_TX,
	ASP_CTR_DATA_RX,
	ASP_CTR_ERR_RX,
	ASP_CTR_NTFY_RX,
	ASP_CTR_DUNA_RX,
	ASP_CTR_DAVA_RX,
	ASP_CTR_SCON_RX,
	ASP_CTR_DUPU_RX,
	ASP_CTR_DRST_RX,
	ASP_CTR_DATA_BLOCKED,
	ASP_CTR_DATA_REFUSED,
	ASP_CTR_BEAT_TX,
	ASP_CTR_BEAT_ACK_RX,
	ASP_CTR_BEAT_RX,
	ASP_CTR_BAD_RX,
	ASP_CTR_MALFORMED_TX,
	_ASP_CTR_MAX
};

static const struct sg_ctr_desc asp_ctr_desc[_ASP_CTR_MAX] = {
	[ASP_CTR_ASSOC_UP] = { "assoc_up", "SCTP associations established" },
	[ASP_CTR_ASSOC_DOWN] = { "assoc_down", "SCTP associations lost or closed" },
	[ASP_CTR_MGMT_TX] = { "mgmt_tx", "ASPSM/ASPTM/RKM requests sent" },
	[ASP_CTR_RETRANS] = { "retrans", "Requests repeated for want of an acknowledgement" },
	[ASP_CTR_DATA_TX] = { "data_tx", "DATA messages sent" },
	[ASP_CTR_DATA_RX] = { "data_rx", "DATA messages received" },
	[ASP_CTR_ERR_RX] = { "err_rx", "ERR messages received" },
	[ASP_CTR_NTFY_RX] = { "ntfy_rx", "NTFY messages received" },
	[ASP_CTR_DUNA_RX] = { "duna_rx", "DUNA received" },
	[ASP_CTR_DAVA_RX] = { "dava_rx", "DAVA received" },
	[ASP_CTR_SCON_RX] = { "scon_rx", "SCON received (destination congested)" },
	[ASP_CTR_DUPU_RX] = { "dupu_rx", "DUPU received (user part unavailable)" },
	[ASP_CTR_DRST_RX] = { "drst_rx", "DRST received (destination restricted)" },
	[ASP_CTR_DATA_BLOCKED] = { "data_blocked",
				   "DATA sent (in data_tx) that our SCTP dropped: its send queue "
				   "was full, the SGP's receive window closed" },
	[ASP_CTR_DATA_REFUSED] = { "data_refused",
				   "DATA our SCTP refused at once (not in data_tx)" },
	[ASP_CTR_BEAT_TX] = { "beat_tx", "BEAT sent" },
	[ASP_CTR_BEAT_ACK_RX] = { "beat_ack_rx", "BEAT ACK received with our heartbeat data" },
	[ASP_CTR_BEAT_RX] = { "beat_rx", "BEAT received (answered with BEAT ACK)" },
	[ASP_CTR_BAD_RX] = { "bad_rx", "Messages that do not decode or come unexpected" },
	[ASP_CTR_MALFORMED_TX] = { "malformed_tx", "Malformed messages sent (--malformed)" },
};
static const struct sg_ctr_group_desc asp_ctr_group_desc = {
	"simasp", _ASP_CTR_MAX, asp_ctr_desc
};

struct asp {
	/* options */
	struct sim_cfg scfg;
	struct sg_sctp_cfg sctp_cfg;
	struct sg_sctp_conn_cfg conn;
	bool has_asp_id, has_rc, has_na, reg, silent;
	uint32_t asp_id, rc, na, tmt;
	unsigned int beat_ms, ack_ms;
	unsigned int malformed;		/* malformed DATA to send once active (tests) */

	/* state */
	struct sg_sctp *sctp;
	int conn_id;
	uint32_t assoc;
	bool assoc_up;
	uint16_t out_streams;
	enum asp_state state;
	struct sg_timer t_ack, t_beat, t_malformed;
	unsigned int tries;
	uint32_t beat_seq, beat_acked;
	bool stopping, quit, failed;
	bool blocked;			/* last request: ERR Refused - Management Blocking */
	struct sim *sim;
	struct sg_ctr_group *ctr;
	struct osmo_fd sig_ofd;
	struct sg_m3ua_msg rxm;		/* the message being handled */
	uint64_t q_drops;		/* our association's tx:queue_drops, last read */
	unsigned int scon_level;	/* congestion level of the last SCON */
};

/* DATA our association's send queue dropped: SCTP could not send them as fast as we
 * generated them (the SGP's receive window stayed closed); read from its counters. */
static void update_blocked(struct asp *a)
{
	struct json_object *o, *ctrs;

	if (!a->assoc_up)
		return;
	o = sg_sctp_assoc_json(a->sctp, a->assoc);
	if (o && json_object_object_get_ex(o, "counters", &ctrs)) {
		for (size_t i = 0; i < json_object_array_length(ctrs); i++) {
			struct json_object *c = json_object_array_get_idx(ctrs, i), *n, *v;

			if (json_object_object_get_ex(c, "name", &n) &&
			    json_object_object_get_ex(c, "value", &v) &&
			    !strcmp(json_object_get_string(n), "tx:queue_drops")) {
				uint64_t now = json_object_get_uint64(v);

				if (now > a->q_drops)
					sg_ctr_add(a->ctr, ASP_CTR_DATA_BLOCKED, now - a->q_drops);
				a->q_drops = now;
			}
		}
	}
	json_object_put(o);
}

static void asp_set_state(struct asp *a, enum asp_state st)
{
	if (a->state != st)
		LOGP(DM3UA, LOGL_NOTICE, "simasp: %s -> %s\n",
		     get_value_string(asp_state_names, a->state),
		     get_value_string(asp_state_names, st));
	a->state = st;
	sim_set_reachable(a->sim, st == ASP_ACTIVE);
}

/* ---- sending ---- */

static int asp_send(struct asp *a, struct msgb *msg, uint16_t stream)
{
	if (!a->assoc_up) {
		msgb_free(msg);
		return -ENOTCONN;
	}
	sg_m3ua_finish(msg);
	return sg_sctp_send(a->sctp, a->assoc, stream, SG_M3UA_PPID, msg);
}

static void send_request(struct asp *a);

static void ack_timer_cb(void *data)
{
	struct asp *a = data;

	if (a->tries >= ACK_RETRIES) {
		LOGP(DM3UA, LOGL_ERROR, "simasp: no answer to %u requests in %s\n", a->tries,
		     get_value_string(asp_state_names, a->state));
		if (a->stopping) {
			a->quit = true;
			return;
		}
		a->tries = 0;	/* keep trying, more slowly: the SGP may come back */
	}
	sg_ctr_inc(a->ctr, ASP_CTR_RETRANS);
	send_request(a);
}

/* (Re)send the request of the current state and run T(ack). */
static void send_request(struct asp *a)
{
	struct msgb *msg = NULL;

	switch (a->state) {
	case ASP_UP_SENT:
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP);
		if (msg && a->has_asp_id)
			sg_m3ua_put_u32(msg, SG_M3UA_IEI_ASP_ID, a->asp_id);
		if (msg)
			sg_m3ua_put(msg, SG_M3UA_IEI_INFO_STRING, 9, "sg-simasp");
		break;
	case ASP_REG_SENT: {
		struct sg_m3ua_rk rk = { .lrk_id = 1, .ndpc = 1, .dpc = { a->scfg.opc } };

		/* our own PC as DPC: traffic for us; the SIs we handle */
		rk.nsi = 2;
		rk.si[0] = SIM_SI_ISUP;
		rk.si[1] = SIM_SI_SCCP;
		if (a->tmt) {
			rk.has_tmt = true;
			rk.tmt = a->tmt;
		}
		if (a->has_na) {
			rk.has_na = true;
			rk.na = a->na;
		}
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);
		if (msg && sg_m3ua_put_rk(msg, &rk) < 0) {
			msgb_free(msg);
			msg = NULL;
		}
		break;
	}
	case ASP_AC_SENT:
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT);
		if (msg && a->tmt)
			sg_m3ua_put_u32(msg, SG_M3UA_IEI_TRAFFIC_MODE, a->tmt);
		if (msg && a->has_rc)
			sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, a->rc);
		break;
	case ASP_IA_SENT:
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT);
		if (msg && a->has_rc)
			sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, a->rc);
		break;
	case ASP_DN_SENT:
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN);
		break;
	default:
		sg_timer_stop(&a->t_ack);
		return;
	}
	if (!msg) {
		LOGP(DM3UA, LOGL_ERROR, "simasp: cannot build the request\n");
		return;
	}
	a->tries++;
	sg_ctr_inc(a->ctr, ASP_CTR_MGMT_TX);
	asp_send(a, msg, 0);
	sg_timer_start_ms(&a->t_ack, a->ack_ms);
}

static void request(struct asp *a, enum asp_state st)
{
	asp_set_state(a, st);
	a->tries = 0;
	send_request(a);
}

static void beat_timer_cb(void *data)
{
	struct asp *a = data;
	uint8_t hb[12];
	uint64_t now = sg_now();
	struct msgb *msg;

	if (a->state == ASP_DOWN || !a->assoc_up)
		return;
	if (a->beat_seq - a->beat_acked > 2)
		LOGP(DM3UA, LOGL_NOTICE, "simasp: %u BEATs without BEAT ACK\n",
		     a->beat_seq - a->beat_acked);
	a->beat_seq++;
	for (int i = 0; i < 4; i++)
		hb[i] = a->beat_seq >> (24 - 8 * i);
	for (int i = 0; i < 8; i++)
		hb[4 + i] = now >> (56 - 8 * i);
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT);
	if (msg) {
		sg_m3ua_put(msg, SG_M3UA_IEI_HEARTBEAT_DATA, sizeof(hb), hb);
		if (asp_send(a, msg, 0) == 0)
			sg_ctr_inc(a->ctr, ASP_CTR_BEAT_TX);
	}
	sg_timer_start_ms(&a->t_beat, a->beat_ms);
}

/* --malformed: DATA whose Protocol Data parameter has a length field of 0, which the SGP must
 * answer with ERR Parameter Field Error (RFC 4666 §3.8.1); 100 every 10 ms, so that the SCTP
 * send queue is never the limit */
static void malformed_timer_cb(void *data)
{
	struct asp *a = data;

	for (unsigned int i = 0; i < 100 && a->malformed; i++) {
		struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);
		uint8_t *p;

		if (!msg)
			break;
		p = msgb_put(msg, 4);
		p[0] = SG_M3UA_IEI_PROT_DATA >> 8;
		p[1] = SG_M3UA_IEI_PROT_DATA & 0xff;
		p[2] = p[3] = 0;	/* length 0: below the 4 of the header itself */
		if (asp_send(a, msg, a->out_streams > 1 ? 1 : 0) < 0)
			break;
		sg_ctr_inc(a->ctr, ASP_CTR_MALFORMED_TX);
		a->malformed--;
	}
	if (a->malformed && a->state == ASP_ACTIVE)
		sg_timer_start_ms(&a->t_malformed, 10);
}

/* DATA for the traffic engine (RFC 4666 §3.3.1) */
static int sim_send(void *priv, const struct sim_mtp *h, const uint8_t *data, size_t len)
{
	struct asp *a = priv;
	struct sg_m3ua_pdata pd = { .opc = h->opc, .dpc = h->dpc, .si = h->si, .ni = h->ni,
				    .mp = h->prio, .sls = h->sls, .data = data, .len = len };
	struct msgb *msg;
	uint16_t stream;
	int rc;

	if (a->state != ASP_ACTIVE)
		return -ENOTCONN;
	msg = sg_m3ua_msg_new_len(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, 64 + len);
	if (!msg)
		return -ENOMEM;
	if (a->has_na)
		sg_m3ua_put_u32(msg, SG_M3UA_IEI_NET_APPEAR, a->na);
	if (a->has_rc)
		sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, a->rc);
	if (sg_m3ua_put_pdata(msg, &pd) < 0) {
		msgb_free(msg);
		return -EMSGSIZE;
	}
	/* §1.4.7: stream 0 carries management; spread DATA by SLS over the others, which keeps
	 * the order of each SLS */
	stream = a->out_streams > 1 ? 1 + h->sls % (a->out_streams - 1) : 0;
	rc = asp_send(a, msg, stream);
	if (rc == 0)
		sg_ctr_inc(a->ctr, ASP_CTR_DATA_TX);
	else
		sg_ctr_inc(a->ctr, ASP_CTR_DATA_REFUSED);
	if ((a->ctr->v[ASP_CTR_DATA_TX] & 1023) == 0)
		update_blocked(a);
	return rc;
}

static void begin_stop(struct asp *a);

static void sim_done(void *priv)
{
	begin_stop(priv);
}

static const struct sim_ops sim_ops = { .send = sim_send, .done = sim_done };

/* ---- receiving ---- */

static bool affects_dpc(struct asp *a, const struct sg_m3ua_msg *m)
{
	uint32_t apc[64];
	int n = sg_m3ua_get_u32_list(m, SG_M3UA_IEI_AFFECTED_PC, apc, ARRAY_SIZE(apc));

	for (int i = 0; i < n; i++) {
		uint8_t mask = sg_m3ua_apc_mask(apc[i]);
		uint32_t pc = sg_m3ua_apc_pc(apc[i]);
		uint32_t wild = mask >= 32 ? 0xffffffff : (1u << mask) - 1;

		if ((pc & ~wild) == (a->scfg.dpc & ~wild))
			return true;
	}
	return false;
}

/* NTFY status information (§3.8.2) */
static const struct value_string ntfy_statchg_names[] = {
	{ SG_M3UA_NTFY_I_RESERVED, "reserved" }, { SG_M3UA_NTFY_I_AS_INACT, "AS-INACTIVE" },
	{ SG_M3UA_NTFY_I_AS_ACT, "AS-ACTIVE" }, { SG_M3UA_NTFY_I_AS_PEND, "AS-PENDING" },
	{ 0, NULL }
};
static const struct value_string ntfy_other_names[] = {
	{ SG_M3UA_NTFY_I_OT_INS_RESRC, "insufficient ASP resources active in AS" },
	{ SG_M3UA_NTFY_I_OT_ALT_ASP_ACT, "alternate ASP active" },
	{ SG_M3UA_NTFY_I_OT_ASP_FAILURE, "ASP failure" },
	{ 0, NULL }
};

static void rx_mgmt(struct asp *a, const struct sg_m3ua_msg *m)
{
	uint32_t v;

	if (m->type == SG_M3UA_MGMT_ERR) {
		sg_ctr_inc(a->ctr, ASP_CTR_ERR_RX);
		v = 0;
		sg_m3ua_get_u32(m, SG_M3UA_IEI_ERR_CODE, &v);
		LOGP(DM3UA, LOGL_ERROR, "simasp: ERR from the SGP: %s (0x%02x) in %s\n",
		     sg_m3ua_err_name(v), v, get_value_string(asp_state_names, a->state));
		switch (v) {
		case SG_M3UA_ERR_REFUSED_MGMT_BLOCKING:
			/* the SGP's management blocks us for now (§3.8.1): not a refusal of our
			 * configuration.  Keep repeating the request every T(ack), as an ASP
			 * whose request went unanswered would, until the block is lifted (the
			 * SGP does not tell us when). */
			if ((a->state == ASP_UP_SENT || a->state == ASP_AC_SENT) && !a->stopping) {
				const char *req = a->state == ASP_UP_SENT ? "ASPUP" : "ASPAC";

				if (!a->blocked)
					LOGP(DM3UA, LOGL_NOTICE, "simasp: blocked by the SGP's "
					     "management; repeating %s every %u ms\n", req, a->ack_ms);
				a->blocked = true;
				a->tries = 0;	/* answered: not a silent SGP */
			}
			break;
		/* refusals of our configuration: retrying would not help (§4.3.4.1, §4.3.4.3) */
		case SG_M3UA_ERR_ASP_ID_REQUIRED:
		case SG_M3UA_ERR_INVALID_ASP_ID:
			if (a->state == ASP_UP_SENT) {
				a->failed = true;
				a->quit = true;
			}
			break;
		case SG_M3UA_ERR_NO_CONFGD_AS_FOR_ASP:
		case SG_M3UA_ERR_INVALID_ROUTING_CTX:
		case SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE:
			if (a->state == ASP_AC_SENT && !a->stopping) {
				a->failed = true;
				begin_stop(a);
			}
			break;
		default:
			break;
		}
		return;
	}
	sg_ctr_inc(a->ctr, ASP_CTR_NTFY_RX);
	if (sg_m3ua_get_u32(m, SG_M3UA_IEI_STATUS, &v)) {
		uint16_t type = v >> 16, info = v & 0xffff;

		LOGP(DM3UA, LOGL_NOTICE, "simasp: NTFY %s\n",
		     get_value_string(type == SG_M3UA_NTFY_T_STATCHG ? ntfy_statchg_names
								     : ntfy_other_names, info));
		/* §4.3.4.3: another ASP took over (override): we are inactive now */
		if (type == SG_M3UA_NTFY_T_OTHER && info == SG_M3UA_NTFY_I_OT_ALT_ASP_ACT &&
		    a->state == ASP_ACTIVE)
			asp_set_state(a, ASP_INACTIVE);
	}
}

static void rx_aspsm(struct asp *a, const struct sg_m3ua_msg *m)
{
	const struct sg_m3ua_param *hb;
	struct msgb *msg;

	switch (m->type) {
	case SG_M3UA_ASPSM_UP_ACK:
		if (a->state != ASP_UP_SENT)
			break;
		sg_timer_stop(&a->t_ack);
		a->blocked = false;
		asp_set_state(a, ASP_INACTIVE);
		if (a->stopping)
			request(a, ASP_DN_SENT);
		else if (a->reg && !a->has_rc)
			request(a, ASP_REG_SENT);
		else
			request(a, ASP_AC_SENT);
		return;
	case SG_M3UA_ASPSM_DOWN_ACK:
		sg_timer_stop(&a->t_ack);
		if (a->state == ASP_DN_SENT) {
			asp_set_state(a, ASP_DOWN);
			a->quit = true;
			return;
		}
		/* unsolicited: the SGP put us down (§4.3.4.2); come up again */
		LOGP(DM3UA, LOGL_NOTICE, "simasp: the SGP took the ASP down\n");
		if (!a->stopping)
			request(a, ASP_UP_SENT);
		return;
	case SG_M3UA_ASPSM_BEAT:
		sg_ctr_inc(a->ctr, ASP_CTR_BEAT_RX);
		hb = sg_m3ua_find(m, SG_M3UA_IEI_HEARTBEAT_DATA, 0);
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT_ACK);
		if (msg && hb)
			sg_m3ua_put(msg, SG_M3UA_IEI_HEARTBEAT_DATA, hb->len, hb->val);
		if (msg)
			asp_send(a, msg, 0);
		return;
	case SG_M3UA_ASPSM_BEAT_ACK:
		hb = sg_m3ua_find(m, SG_M3UA_IEI_HEARTBEAT_DATA, 0);
		if (hb && hb->len == 12) {
			uint32_t seq = (uint32_t)hb->val[0] << 24 | hb->val[1] << 16 |
				       hb->val[2] << 8 | hb->val[3];

			if (seq && seq <= a->beat_seq) {
				a->beat_acked = seq;
				sg_ctr_inc(a->ctr, ASP_CTR_BEAT_ACK_RX);
				return;
			}
		}
		break;
	default:
		break;
	}
	sg_ctr_inc(a->ctr, ASP_CTR_BAD_RX);
}

static void rx_asptm(struct asp *a, const struct sg_m3ua_msg *m)
{
	uint32_t rc;

	switch (m->type) {
	case SG_M3UA_ASPTM_ACT_ACK:
		if (a->state != ASP_AC_SENT)
			break;
		sg_timer_stop(&a->t_ack);
		if (!a->has_rc && sg_m3ua_get_u32(m, SG_M3UA_IEI_ROUTE_CTX, &rc)) {
			a->has_rc = true;	/* the SGP told us the RC of our AS */
			a->rc = rc;
		}
		if (a->blocked)
			LOGP(DM3UA, LOGL_NOTICE, "simasp: the SGP lifted the block\n");
		a->blocked = false;
		asp_set_state(a, ASP_ACTIVE);
		if (a->stopping)
			request(a, ASP_IA_SENT);
		else if (a->beat_ms)
			sg_timer_start_ms(&a->t_beat, a->beat_ms);
		if (!a->stopping && a->malformed)
			sg_timer_start_ms(&a->t_malformed, 0);
		return;
	case SG_M3UA_ASPTM_INACT_ACK:
		sg_timer_stop(&a->t_ack);
		if (a->state == ASP_IA_SENT) {
			asp_set_state(a, ASP_INACTIVE);
			request(a, ASP_DN_SENT);
			return;
		}
		/* unsolicited (§4.3.4.4): the SGP deactivated us (e.g. its management blocked
		 * us).  "If the ASP was previously in the ASP-ACTIVE state, the ASP should then
		 * initiate procedures to return itself to its previous state": ASPAC again;
		 * while the block lasts it is refused (ERR Refused - Management Blocking) and
		 * repeated every T(ack). */
		LOGP(DM3UA, LOGL_NOTICE, "simasp: the SGP deactivated the ASP\n");
		if (a->state == ASP_ACTIVE || a->state == ASP_AC_SENT) {
			sg_timer_stop(&a->t_beat);
			asp_set_state(a, ASP_INACTIVE);
			if (!a->stopping)
				request(a, ASP_AC_SENT);
		}
		return;
	default:
		break;
	}
	sg_ctr_inc(a->ctr, ASP_CTR_BAD_RX);
}

static void rx_rkm(struct asp *a, const struct sg_m3ua_msg *m)
{
	struct sg_m3ua_reg_result r;

	if (m->type != SG_M3UA_RKM_REG_RSP || a->state != ASP_REG_SENT) {
		sg_ctr_inc(a->ctr, ASP_CTR_BAD_RX);
		return;
	}
	sg_timer_stop(&a->t_ack);
	if (sg_m3ua_get_reg_result(m, 0, &r) < 0 || r.status != SG_M3UA_REG_OK) {
		LOGP(DM3UA, LOGL_ERROR, "simasp: registration refused: %s\n",
		     sg_m3ua_reg_status_name(r.status));
		a->failed = true;
		begin_stop(a);
		return;
	}
	a->has_rc = true;
	a->rc = r.rctx;
	LOGP(DM3UA, LOGL_NOTICE, "simasp: registered, routing context %" PRIu32 "\n", a->rc);
	request(a, ASP_AC_SENT);
}

static void rx_data(struct asp *a, const struct sg_m3ua_msg *m)
{
	struct sg_m3ua_pdata pd;
	struct sim_mtp h;

	if (sg_m3ua_get_pdata(m, &pd) < 0) {
		sg_ctr_inc(a->ctr, ASP_CTR_BAD_RX);
		return;
	}
	sg_ctr_inc(a->ctr, ASP_CTR_DATA_RX);
	h = (struct sim_mtp){ .opc = pd.opc, .dpc = pd.dpc, .si = pd.si, .ni = pd.ni,
			      .sls = pd.sls, .prio = pd.mp };
	sim_rx(a->sim, &h, pd.data, pd.len);
}

static void rx_ssnm(struct asp *a, const struct sg_m3ua_msg *m)
{
	switch (m->type) {
	case SG_M3UA_SSNM_DUNA:
		sg_ctr_inc(a->ctr, ASP_CTR_DUNA_RX);
		if (affects_dpc(a, m)) {
			LOGP(DM3UA, LOGL_NOTICE, "simasp: DUNA: destination unavailable\n");
			sim_set_reachable(a->sim, false);
		}
		break;
	case SG_M3UA_SSNM_DAVA:
		sg_ctr_inc(a->ctr, ASP_CTR_DAVA_RX);
		if (affects_dpc(a, m) && a->state == ASP_ACTIVE) {
			LOGP(DM3UA, LOGL_NOTICE, "simasp: DAVA: destination available\n");
			sim_set_reachable(a->sim, true);
		}
		break;
	case SG_M3UA_SSNM_SCON: {
		/* RFC 4666 §3.4.5: the congestion level is optional (international networks) */
		uint32_t v;
		unsigned int level = sg_m3ua_get_u32(m, SG_M3UA_IEI_CONG_IND, &v) ? v & 0xff : 1;

		sg_ctr_inc(a->ctr, ASP_CTR_SCON_RX);
		if (level != a->scon_level)
			LOGP(DM3UA, LOGL_NOTICE, "simasp: SCON: destination congested, level %u\n",
			     level);
		a->scon_level = level;
		break;
	}
	case SG_M3UA_SSNM_DUPU:
		sg_ctr_inc(a->ctr, ASP_CTR_DUPU_RX);
		LOGP(DM3UA, LOGL_INFO, "simasp: DUPU received\n");
		break;
	case SG_M3UA_SSNM_DRST:
		sg_ctr_inc(a->ctr, ASP_CTR_DRST_RX);
		LOGP(DM3UA, LOGL_INFO, "simasp: DRST received\n");
		break;
	default:
		LOGP(DM3UA, LOGL_INFO, "simasp: %s received\n", sg_m3ua_msg_name(m->cls, m->type));
		break;
	}
}

/* ---- SCTP callbacks ---- */

static void sctp_up(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info)
{
	struct asp *a = priv;
	char buf[64];

	a->assoc = assoc_id;
	a->assoc_up = true;
	a->out_streams = info->out_streams;
	sg_ctr_inc(a->ctr, ASP_CTR_ASSOC_UP);
	LOGP(DM3UA, LOGL_NOTICE, "simasp: association up to %s (%s, %u/%u streams)\n",
	     sg_sctp_addr_str(&info->primary, buf, sizeof(buf)),
	     get_value_string(sg_sctp_transport_names, info->transport), info->out_streams,
	     info->in_streams);
	if (a->silent)	/* a client that connects and never speaks (tests) */
		return;
	request(a, ASP_UP_SENT);
}

static void sctp_data(void *priv, uint32_t assoc_id, uint16_t stream, uint32_t ppid,
		      struct msgb *msg)
{
	struct asp *a = priv;
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_msg *m = &a->rxm;

	if (sg_m3ua_decode(m, msg->data, msg->len, &err) < 0) {
		LOGP(DM3UA, LOGL_ERROR, "simasp: undecodable message: %s\n", err.reason);
		sg_ctr_inc(a->ctr, ASP_CTR_BAD_RX);
		goto out;
	}
	LOGP(DM3UA, LOGL_DEBUG, "simasp: rx %s on stream %u\n", sg_m3ua_msg_name(m->cls, m->type),
	     stream);
	switch (m->cls) {
	case SG_M3UA_CLS_MGMT:
		rx_mgmt(a, m);
		break;
	case SG_M3UA_CLS_XFER:
		rx_data(a, m);
		break;
	case SG_M3UA_CLS_SSNM:
		rx_ssnm(a, m);
		break;
	case SG_M3UA_CLS_ASPSM:
		rx_aspsm(a, m);
		break;
	case SG_M3UA_CLS_ASPTM:
		rx_asptm(a, m);
		break;
	case SG_M3UA_CLS_RKM:
		rx_rkm(a, m);
		break;
	default:
		sg_ctr_inc(a->ctr, ASP_CTR_BAD_RX);
		break;
	}
out:
	msgb_free(msg);
}

static void sctp_down(void *priv, uint32_t assoc_id, enum sg_sctp_down_reason why)
{
	struct asp *a = priv;

	a->assoc_up = false;
	a->blocked = false;
	sg_ctr_inc(a->ctr, ASP_CTR_ASSOC_DOWN);
	LOGP(DM3UA, LOGL_NOTICE, "simasp: association down: %s\n",
	     get_value_string(sg_sctp_down_reason_names, why));
	sg_timer_stop(&a->t_ack);
	sg_timer_stop(&a->t_beat);
	sg_timer_stop(&a->t_malformed);
	asp_set_state(a, ASP_DOWN);
	if (a->stopping)
		a->quit = true;	/* else the connector reconnects */
}

static const struct sg_sctp_ops sctp_ops = {
	.up = sctp_up,
	.data = sctp_data,
	.down = sctp_down,
};

/* ---- shutdown ---- */

/* Clean shutdown: ASPIA (if active), ASPDN, then the association closes (§4.3.1). */
static void begin_stop(struct asp *a)
{
	if (a->stopping) {
		a->quit = true;	/* second request: go now */
		return;
	}
	a->stopping = true;
	update_blocked(a);
	sim_gen_pause(a->sim, true);
	sg_timer_stop(&a->t_beat);
	switch (a->state) {
	case ASP_ACTIVE:
		request(a, ASP_IA_SENT);
		break;
	case ASP_INACTIVE:
	case ASP_REG_SENT:
	case ASP_AC_SENT:
		request(a, ASP_DN_SENT);
		break;
	case ASP_UP_SENT:
		break;	/* ASPUP ACK then ASPDN */
	default:
		a->quit = true;
		break;
	}
}

static int signal_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct asp *a = ofd->data;
	struct signalfd_siginfo si;

	if (read(ofd->fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	LOGP(DM3UA, LOGL_NOTICE, "simasp: %s: shutting down\n", strsignal(si.ssi_signo));
	begin_stop(a);
	return 0;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sg-simasp --opc PC --dpc PC [options]\n"
		"A simulated M3UA ASP: connects to an SGP over SCTP, ASPUP, (REG REQ), ASPAC,\n"
		"then answers or generates ISUP/SCCP traffic in DATA messages.\n"
		"Connection:\n"
		"  -r, --remote ADDR          SGP address (repeat for multi-homing;\n"
		"                             default 127.0.0.1)\n"
		"  -p, --port N               SGP SCTP port (default 2905)\n"
		"  -l, --local ADDR           local address (repeatable; default: any)\n"
		"      --local-port N         local SCTP port (default: ephemeral)\n"
		"      --transport T          auto | kernel | usrsctp (default auto)\n"
		"      --udp-port N           usrsctp over UDP: our UDP port (default 9900)\n"
		"      --remote-udp-port N    usrsctp over UDP: the SGP's UDP port (default 9899)\n"
		"      --reconnect-ms N       delay before connecting again after a failure or\n"
		"                             refusal (default 1000)\n"
		"M3UA:\n"
		"      --asp-id N             ASP Identifier in ASPUP\n"
		"      --rc N                 routing context in ASPAC and DATA\n"
		"      --reg                  register a routing key (DPC = --opc, SI 3 and 5)\n"
		"                             with REG REQ first, use the RC returned\n"
		"      --traffic-mode M       override | loadshare | broadcast (ASPAC, the key)\n"
		"      --na N                 network appearance\n"
		"      --beat S               send BEAT every S seconds (default 0: none)\n"
		"      --ack-ms N             wait N ms for an acknowledgement (default 2000)\n"
		"      --silent               bring the association up and send nothing (a stale or\n"
		"                             hostile client, for tests)\n"
		"      --flood R              send SCCP UDTs in DATA at R per second (max: as fast\n"
		"                             as our SCTP association takes them), ignoring SCON;\n"
		"                             with --duration; counts SCON/DUPU/DRST received and\n"
		"                             DATA blocked (= --si sccp --rate R)\n"
		"      --malformed N          once active, send N DATA messages with a parameter\n"
		"                             length of 0 (each answered with ERR 0x12; tests)\n"
		"Traffic (same as sg-simswitch):\n"
		"      --variant V            itu | ansi | china | ttc: point codes, CIC, SCCP\n"
		"                             addresses (default itu)\n"
		"      --opc PC --dpc PC      our point code and the far end's (required)\n"
		"      --ni N                 network indicator in DATA (default 2, national)\n"
		"      --answer, --rate N, --si isup|sccp, --cic FIRST-LAST, --hold-ms N,\n"
		"      --answer-timeout-ms N, --count N, --duration S, --stats-interval S,\n"
		"      --called DIGITS, --calling DIGITS, --ssn N, --remote-ssn N, --payload N\n"
		"  -v, --verbose              log M3UA at info (twice: debug)\n"
		"  -V, --version, -h, --help\n"
		"Output: \"stats ...\" lines, and on exit \"asp ...\" and \"total ...\" lines "
		"(key=value).\n"
		"Exit status: 0 normal end, 1 runtime failure (e.g. registration refused), 2 bad "
		"option.\n");
}

enum {
	OPT_LPORT = 256, OPT_TRANSPORT, OPT_UDP, OPT_RUDP, OPT_ASPID, OPT_RC, OPT_REG, OPT_TMT,
	OPT_NA, OPT_BEAT, OPT_ACK, OPT_VARIANT, OPT_NI, OPT_SILENT, OPT_FLOOD,
	OPT_MALFORMED, OPT_RECONNECT,
};

/* Parse the options into a; returns 0, or EXIT_CONFIG after a message, or -1 for "exit 0". */
static int parse_args(struct asp *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "remote", required_argument, NULL, 'r' },
		{ "port", required_argument, NULL, 'p' },
		{ "local", required_argument, NULL, 'l' },
		{ "local-port", required_argument, NULL, OPT_LPORT },
		{ "transport", required_argument, NULL, OPT_TRANSPORT },
		{ "udp-port", required_argument, NULL, OPT_UDP },
		{ "remote-udp-port", required_argument, NULL, OPT_RUDP },
		{ "asp-id", required_argument, NULL, OPT_ASPID },
		{ "rc", required_argument, NULL, OPT_RC },
		{ "reg", no_argument, NULL, OPT_REG },
		{ "silent", no_argument, NULL, OPT_SILENT },
		{ "flood", required_argument, NULL, OPT_FLOOD },
		{ "malformed", required_argument, NULL, OPT_MALFORMED },
		{ "reconnect-ms", required_argument, NULL, OPT_RECONNECT },
		{ "traffic-mode", required_argument, NULL, OPT_TMT },
		{ "na", required_argument, NULL, OPT_NA },
		{ "beat", required_argument, NULL, OPT_BEAT },
		{ "ack-ms", required_argument, NULL, OPT_ACK },
		{ "variant", required_argument, NULL, OPT_VARIANT },
		{ "ni", required_argument, NULL, OPT_NI },
		SIM_TRAFFIC_OPTIONS,
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *remotes[SG_SCTP_MAX_ADDRS], *locals[SG_SCTP_MAX_ADDRS];
	unsigned int nremote = 0, nlocal = 0, verbose = 0;
	struct sim_opts to = { .cfg = &a->scfg };
	char err[128];
	double v;
	int c;

	while ((c = getopt_long(argc, argv, "r:p:l:vVh", opts, NULL)) != -1) {
		const char *bad = NULL;

		switch (c) {
		case 'r':
			if (nremote < SG_SCTP_MAX_ADDRS)
				remotes[nremote++] = optarg;
			else
				bad = "--remote: too many addresses";
			break;
		case 'l':
			if (nlocal < SG_SCTP_MAX_ADDRS)
				locals[nlocal++] = optarg;
			else
				bad = "--local: too many addresses";
			break;
		case 'p':
			if (sim_parse_num(optarg, 1, 65535, &v) < 0)
				bad = "--port: 1..65535";
			a->conn.remote_port = v;
			break;
		case OPT_LPORT:
			if (sim_parse_num(optarg, 0, 65535, &v) < 0)
				bad = "--local-port: 0..65535";
			a->conn.local_port = v;
			break;
		case OPT_TRANSPORT:
			if (!strcmp(optarg, "auto"))
				a->sctp_cfg.transport = SG_SCTP_AUTO;
			else if (!strcmp(optarg, "kernel"))
				a->sctp_cfg.transport = SG_SCTP_KERNEL;
			else if (!strcmp(optarg, "usrsctp"))
				a->sctp_cfg.transport = SG_SCTP_USRSCTP;
			else
				bad = "--transport: auto, kernel or usrsctp";
			break;
		case OPT_UDP:
		case OPT_RUDP:
			if (sim_parse_num(optarg, 1, 65535, &v) < 0)
				bad = "--udp-port/--remote-udp-port: 1..65535";
			if (c == OPT_UDP)
				a->sctp_cfg.udp_port = v;
			else
				a->conn.remote_udp_port = v;
			break;
		case OPT_ASPID:
		case OPT_RC:
		case OPT_NA:
			if (sim_parse_num(optarg, 0, 4294967295.0, &v) < 0)
				bad = "--asp-id/--rc/--na: 0..4294967295";
			if (c == OPT_ASPID) {
				a->has_asp_id = true;
				a->asp_id = v;
			} else if (c == OPT_RC) {
				a->has_rc = true;
				a->rc = v;
			} else {
				a->has_na = true;
				a->na = v;
			}
			break;
		case OPT_REG:
			a->reg = true;
			break;
		case OPT_SILENT:
			a->silent = true;
			break;
		case OPT_FLOOD:
			/* SCCP UDTs (echoed by the far end, so the loss is measured); "max": the
			 * generator's ceiling, so that our SCTP send queue sets the pace and what
			 * it cannot take is counted (data_blocked) */
			if (!sim_traffic_opt(&to, SIM_OPT_SI, "sccp", &bad) ||
			    !sim_traffic_opt(&to, SIM_OPT_RATE,
					     strcmp(optarg, "max") ? optarg : "100000", &bad))
				bad = "--flood: a rate (DATA per second) or max";
			break;
		case OPT_RECONNECT:
			if (sim_parse_num(optarg, 10, 600000, &v) < 0)
				bad = "--reconnect-ms: 10..600000";
			a->conn.reconnect_ms = v;
			break;
		case OPT_MALFORMED:
			if (sim_parse_num(optarg, 0, 10000000, &v) < 0)
				bad = "--malformed: 0..10000000";
			a->malformed = v;
			break;
		case OPT_TMT:
			if (!strcmp(optarg, "override"))
				a->tmt = SG_M3UA_TMT_OVERRIDE;
			else if (!strcmp(optarg, "loadshare"))
				a->tmt = SG_M3UA_TMT_LOADSHARE;
			else if (!strcmp(optarg, "broadcast"))
				a->tmt = SG_M3UA_TMT_BROADCAST;
			else
				bad = "--traffic-mode: override, loadshare or broadcast";
			break;
		case OPT_BEAT:
			if (sim_parse_num(optarg, 0, 3600, &v) < 0)
				bad = "--beat: seconds";
			a->beat_ms = v * 1000;
			break;
		case OPT_ACK:
			if (sim_parse_num(optarg, 10, 60000, &v) < 0)
				bad = "--ack-ms: 10..60000";
			a->ack_ms = v;
			break;
		case OPT_VARIANT:
			if (!strcmp(optarg, "itu"))
				a->scfg.variant = SG_PC_ITU;
			else if (!strcmp(optarg, "ansi"))
				a->scfg.variant = SG_PC_ANSI;
			else if (!strcmp(optarg, "china"))
				a->scfg.variant = SG_PC_CHINA;
			else if (!strcmp(optarg, "ttc"))
				a->scfg.variant = SG_PC_TTC;
			else
				bad = "--variant: itu, ansi, china or ttc";
			break;
		case OPT_NI:
			if (sim_parse_num(optarg, 0, 3, &v) < 0)
				bad = "--ni: 0..3";
			a->scfg.ni = v;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("sg-simasp (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return -1;
		case 'h':
			usage(stdout);
			return -1;
		default:
			if (sim_traffic_opt(&to, c, optarg, &bad))
				break;
			usage(stderr);
			return EXIT_CONFIG;
		}
		if (bad) {
			fprintf(stderr, "sg-simasp: %s (got '%s')\n", bad, optarg);
			return EXIT_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sg-simasp: unexpected argument '%s'\n", argv[optind]);
		return EXIT_CONFIG;
	}
	if (!to.opc || !to.dpc) {
		fprintf(stderr, "sg-simasp: --opc and --dpc are required\n");
		return EXIT_CONFIG;
	}
	if (sg_pc_parse(to.opc, a->scfg.variant, &a->scfg.opc) < 0 ||
	    sg_pc_parse(to.dpc, a->scfg.variant, &a->scfg.dpc) < 0) {
		fprintf(stderr, "sg-simasp: bad point code in --opc %s / --dpc %s\n", to.opc,
			to.dpc);
		return EXIT_CONFIG;
	}
	if (sim_traffic_check(&to, err, sizeof(err)) < 0) {
		fprintf(stderr, "sg-simasp: %s\n", err);
		return EXIT_CONFIG;
	}
	a->scfg.sls_bits = a->scfg.variant == SG_PC_ANSI ? 5 : 4;
	if (!nremote)
		remotes[nremote++] = "127.0.0.1";
	for (unsigned int i = 0; i < nremote; i++)
		if (sg_sctp_addr_parse(&a->conn.remote[i], remotes[i], a->conn.remote_port) < 0) {
			fprintf(stderr, "sg-simasp: --remote: bad address '%s'\n", remotes[i]);
			return EXIT_CONFIG;
		}
	a->conn.nremote = nremote;
	for (unsigned int i = 0; i < nlocal; i++)
		if (sg_sctp_addr_parse(&a->conn.local[i], locals[i], a->conn.local_port) < 0) {
			fprintf(stderr, "sg-simasp: --local: bad address '%s'\n", locals[i]);
			return EXIT_CONFIG;
		}
	a->conn.nlocal = nlocal;
	sg_log_set_level(DM3UA, verbose > 1 ? LOGL_DEBUG : verbose ? LOGL_INFO : LOGL_NOTICE);
	sg_log_set_level(DSCTP, verbose > 1 ? LOGL_DEBUG : verbose ? LOGL_INFO : LOGL_NOTICE);
	sg_log_set_level(DSG, verbose > 1 ? LOGL_DEBUG : LOGL_NOTICE);
	return 0;
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "sg-simasp");
	struct asp *a = talloc_zero(ctx, struct asp);
	sigset_t set;
	int rc, sfd;

	sg_log_init(ctx, SG_LOG_STDERR, true);
	for (unsigned int i = 0; i < _SG_LOG_CAT_MAX; i++)
		sg_log_set_level(i, LOGL_NOTICE);
	sim_cfg_defaults(&a->scfg);
	a->sctp_cfg = (struct sg_sctp_cfg){ .transport = SG_SCTP_AUTO, .udp_port = 9900,
					    .usrsctp_mode = SG_SCTP_USRSCTP_UDP };
	a->conn = (struct sg_sctp_conn_cfg){ .name = "sgp", .remote_port = SG_M3UA_PORT,
					     .remote_udp_port = 9899, .reconnect_ms = 1000,
					     .ops = &sctp_ops, .priv = a };
	a->ack_ms = 2000;
	rc = parse_args(a, argc, argv);
	if (rc) {
		sg_log_fini();
		talloc_free(ctx);
		return rc < 0 ? EXIT_OK : rc;
	}
	rc = EXIT_RUNTIME;

	/* signals through a signalfd in the loop; blocked before usrsctp starts its threads */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sg_loop_init() < 0)
		goto out;
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		goto out;
	osmo_fd_setup(&a->sig_ofd, sfd, OSMO_FD_READ, signal_cb, a, 0);
	osmo_fd_register(&a->sig_ofd);

	a->ctr = sg_ctr_group_alloc(a, &asp_ctr_group_desc);
	a->sim = sim_alloc(a, &a->scfg, &sim_ops, a);
	if (!a->ctr || !a->sim) {
		fprintf(stderr, "sg-simasp: bad traffic parameters\n");
		rc = EXIT_CONFIG;
		goto out_fd;
	}
	sg_timer_setup(&a->t_ack, ack_timer_cb, a);
	sg_timer_setup(&a->t_beat, beat_timer_cb, a);
	sg_timer_setup(&a->t_malformed, malformed_timer_cb, a);
	a->sctp = sg_sctp_alloc(a, &a->sctp_cfg, NULL, NULL);
	if (!a->sctp) {
		fprintf(stderr, "sg-simasp: cannot start SCTP (%s, UDP port %u)\n",
			get_value_string(sg_sctp_transport_names, a->sctp_cfg.transport),
			a->sctp_cfg.udp_port);
		goto out_fd;
	}
	a->conn_id = sg_sctp_connect(a->sctp, &a->conn);
	if (a->conn_id < 0) {
		fprintf(stderr, "sg-simasp: cannot connect: %s\n", strerror(-a->conn_id));
		goto out_sctp;
	}
	sim_start(a->sim);
	while (!a->quit)
		sg_loop_once(1000);
	rc = a->failed ? EXIT_RUNTIME : EXIT_OK;

	sim_stop(a->sim);
	sg_timer_stop(&a->t_ack);
	sg_timer_stop(&a->t_beat);
	sg_timer_stop(&a->t_malformed);
	printf("asp state=%s", get_value_string(asp_state_names, a->state));
	for (unsigned int i = 0; i < _ASP_CTR_MAX; i++)
		printf(" %s=%" PRIu64, asp_ctr_desc[i].name, a->ctr->v[i]);
	printf("\n");
	sim_print_stats(a->sim, stdout, true);
out_sctp:
	sg_sctp_free(a->sctp);
out_fd:
	osmo_fd_unregister(&a->sig_ofd);
	close(a->sig_ofd.fd);
out:
	sg_log_fini();
	talloc_free(ctx);
	return rc;
}
