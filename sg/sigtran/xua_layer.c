/* xUA layer (RFC 4666 / RFC 3868): instance, peers, transport events, message reception (§3.1,
 * §3.8.1 ERR) dispatched by class to the core and to the protocol (struct xua_proto),
 * transmission, ERR and NTFY (§3.8), counters and the management view of peers and ASs. */

#include <errno.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/msg.h>

#include "xua_int.h"

const struct value_string sg_m3ua_asp_state_names[] = {
	{ SG_M3UA_ASP_DOWN, "ASP-DOWN" },
	{ SG_M3UA_ASP_INACTIVE, "ASP-INACTIVE" },
	{ SG_M3UA_ASP_ACTIVE, "ASP-ACTIVE" },
	{ 0, NULL }
};

const struct value_string sg_m3ua_as_state_names[] = {
	{ SG_M3UA_AS_DOWN, "AS-DOWN" },
	{ SG_M3UA_AS_INACTIVE, "AS-INACTIVE" },
	{ SG_M3UA_AS_ACTIVE, "AS-ACTIVE" },
	{ SG_M3UA_AS_PENDING, "AS-PENDING" },
	{ 0, NULL }
};

const struct value_string sg_m3ua_role_names[] = {
	{ SG_M3UA_ROLE_SGP, "sgp" },
	{ SG_M3UA_ROLE_ASP, "asp" },
	{ SG_M3UA_ROLE_IPSP, "ipsp" },
	{ 0, NULL }
};

static const struct sg_ctr_desc asp_ctr_desc[_ASP_CTR_NUM] = {
	[ASP_CTR_RX_MGMT] = { "rx:mgmt", "MGMT messages received" },
	[ASP_CTR_RX_XFER] = { "rx:xfer", "Transfer messages received" },
	[ASP_CTR_RX_SSNM] = { "rx:ssnm", "SSNM messages received" },
	[ASP_CTR_RX_ASPSM] = { "rx:aspsm", "ASPSM messages received" },
	[ASP_CTR_RX_ASPTM] = { "rx:asptm", "ASPTM messages received" },
	[ASP_CTR_RX_RKM] = { "rx:rkm", "RKM messages received" },
	[ASP_CTR_TX_MGMT] = { "tx:mgmt", "MGMT messages sent" },
	[ASP_CTR_TX_XFER] = { "tx:xfer", "Transfer messages sent" },
	[ASP_CTR_TX_SSNM] = { "tx:ssnm", "SSNM messages sent" },
	[ASP_CTR_TX_ASPSM] = { "tx:aspsm", "ASPSM messages sent" },
	[ASP_CTR_TX_ASPTM] = { "tx:asptm", "ASPTM messages sent" },
	[ASP_CTR_TX_RKM] = { "tx:rkm", "RKM messages sent" },
	[ASP_CTR_RX_DATA_MSGS] = { "rx:data:msgs", "DATA messages received (IP to SS7)" },
	[ASP_CTR_RX_DATA_OCTETS] = { "rx:data:octets", "User data octets received" },
	[ASP_CTR_TX_DATA_MSGS] = { "tx:data:msgs", "DATA messages sent (SS7 to IP)" },
	[ASP_CTR_TX_DATA_OCTETS] = { "tx:data:octets", "User data octets sent" },
	[ASP_CTR_RX_ERR] = { "rx:err", "ERR messages received" },
	[ASP_CTR_TX_ERR] = { "tx:err", "ERR messages sent" },
	[ASP_CTR_RX_NTFY] = { "rx:ntfy", "NTFY messages received" },
	[ASP_CTR_TX_NTFY] = { "tx:ntfy", "NTFY messages sent" },
	[ASP_CTR_RX_MALFORMED] = { "rx:malformed", "Messages refused by the codec" },
	[ASP_CTR_BEAT_LOST] = { "beat:lost", "Associations closed for unanswered BEATs" },
	[ASP_CTR_CONN_UP] = { "conn:up", "Association establishments" },
	[ASP_CTR_CONN_DOWN] = { "conn:down", "Association losses" },
};
static const struct sg_ctr_group_desc asp_ctrg_desc = { "m3ua_asp", _ASP_CTR_NUM, asp_ctr_desc };

static const struct sg_ctr_desc m_ctr_desc[_M_CTR_NUM] = {
	[M_CTR_ERR_0x01] = { "tx:err:0x01", "ERR Invalid Version sent" },
	[M_CTR_ERR_0x03] = { "tx:err:0x03", "ERR Unsupported Message Class sent" },
	[M_CTR_ERR_0x04] = { "tx:err:0x04", "ERR Unsupported Message Type sent" },
	[M_CTR_ERR_0x05] = { "tx:err:0x05", "ERR Unsupported Traffic Mode Type sent" },
	[M_CTR_ERR_0x06] = { "tx:err:0x06", "ERR Unexpected Message sent" },
	[M_CTR_ERR_0x07] = { "tx:err:0x07", "ERR Protocol Error sent" },
	[M_CTR_ERR_0x09] = { "tx:err:0x09", "ERR Invalid Stream Identifier sent" },
	[M_CTR_ERR_0x0d] = { "tx:err:0x0d", "ERR Refused - Management Blocking sent" },
	[M_CTR_ERR_0x0e] = { "tx:err:0x0e", "ERR ASP Identifier Required sent" },
	[M_CTR_ERR_0x0f] = { "tx:err:0x0f", "ERR Invalid ASP Identifier sent" },
	[M_CTR_ERR_0x11] = { "tx:err:0x11", "ERR Invalid Parameter Value sent" },
	[M_CTR_ERR_0x12] = { "tx:err:0x12", "ERR Parameter Field Error sent" },
	[M_CTR_ERR_0x13] = { "tx:err:0x13", "ERR Unexpected Parameter sent" },
	[M_CTR_ERR_0x14] = { "tx:err:0x14", "ERR Destination Status Unknown sent" },
	[M_CTR_ERR_0x15] = { "tx:err:0x15", "ERR Invalid Network Appearance sent" },
	[M_CTR_ERR_0x16] = { "tx:err:0x16", "ERR Missing Parameter sent" },
	[M_CTR_ERR_0x19] = { "tx:err:0x19", "ERR Invalid Routing Context sent" },
	[M_CTR_ERR_0x1a] = { "tx:err:0x1a", "ERR No Configured AS for ASP sent" },
	[M_CTR_REG_OK] = { "rkm:reg:ok", "Routing keys registered" },
	[M_CTR_REG_FAIL] = { "rkm:reg:refused", "Routing key registrations refused" },
	[M_CTR_DEREG_OK] = { "rkm:dereg:ok", "Routing keys deregistered" },
	[M_CTR_DEREG_FAIL] = { "rkm:dereg:refused", "Routing key deregistrations refused" },
	[M_CTR_NO_ROUTE] = { "tx:data:no_as", "SS7 to IP messages no AS could take" },
};
static const struct sg_ctr_group_desc m_ctrg_desc = { "m3ua", _M_CTR_NUM, m_ctr_desc };

static const uint8_t err_codes[] = {
	0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0d, 0x0e, 0x0f, 0x11, 0x12, 0x13, 0x14, 0x15,
	0x16, 0x19, 0x1a,
};

static int xua_free_cb(struct sg_m3ua *m)
{
	struct sg_m3ua_as *as, *as2;
	struct sg_m3ua_asp *asp, *asp2;

	llist_for_each_entry_safe(as, as2, &m->ass, list)
		xua_as_free(as);
	llist_for_each_entry_safe(asp, asp2, &m->asps, list) {
		sg_timer_stop(&asp->t_ack);
		sg_timer_stop(&asp->t_beat);
		sg_timer_stop(&asp->t_reg);
		llist_del(&asp->list);
	}
	return 0;
}

struct sg_m3ua *xua_alloc(void *ctx, const struct xua_proto *proto, const struct sg_m3ua_cfg *cfg,
			  const struct sg_xua_transport_ops *tops, void *tctx,
			  const struct sg_xua_user_ops *uops, void *uctx)
{
	struct sg_m3ua *m;

	if (!cfg || !tops || !tops->send)
		return NULL;
	if (!sg_xua_timer_valid(SG_XUA_T_R, cfg->t_r_ms) ||
	    !sg_xua_timer_valid(SG_XUA_T_ACK, cfg->t_ack_ms) ||
	    !sg_xua_timer_valid(SG_XUA_T_BEAT, cfg->beat_ms) || cfg->beat_max_lost < 1 || cfg->beat_max_lost > 100 || cfg->nprov > SG_M3UA_MAX_PROV ||
	    cfg->max_dynamic > 1024 || cfg->pending_max > 65535)
		return NULL;
	m = talloc_zero(ctx, struct sg_m3ua);
	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->proto = proto;
	osmo_strlcpy(m->name, cfg->name ? cfg->name : proto->name, sizeof(m->name));
	m->cfg.name = m->name;
	m->tops = *tops;
	m->tctx = tctx;
	if (uops)
		m->uops = *uops;
	m->uctx = uctx;
	INIT_LLIST_HEAD(&m->asps);
	INIT_LLIST_HEAD(&m->ass);
	m->next_rc = cfg->rc_dynamic_base;
	m->ctr = sg_ctr_group_alloc(m, &m_ctrg_desc);
	talloc_set_destructor(m, xua_free_cb);
	return m;
}

void sg_m3ua_free(struct sg_m3ua *m)
{
	talloc_free(m);
}

/* ---- helpers ---- */

/* the class's counter: the core's classes, then the protocol's transfer classes (M3UA's DATA,
 * SUA's connectionless and connection-oriented messages) */
static unsigned int cls_ctr(uint8_t cls, bool tx)
{
	unsigned int base = tx ? ASP_CTR_TX_MGMT : ASP_CTR_RX_MGMT;

	switch (cls) {
	case SG_XUA_CLS_MGMT: return base + 0;
	case SG_XUA_CLS_SSNM: return base + 2;
	case SG_XUA_CLS_ASPSM: return base + 3;
	case SG_XUA_CLS_ASPTM: return base + 4;
	case SG_XUA_CLS_RKM: return base + 5;
	default: return base + 1;
	}
}

int xua_tx(struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	const uint8_t *h;

	if (!msg)
		return -ENOMEM;
	if (!asp->conn) {
		msgb_free(msg);
		return -ENOTCONN;
	}
	h = msg->l3h ? msg->l3h : msg->data;
	sg_ctr_inc(asp->ctr, cls_ctr(h[2], true));
	if (h[2] == SG_XUA_CLS_MGMT)
		sg_ctr_inc(asp->ctr, h[3] == SG_XUA_MGMT_ERR ? ASP_CTR_TX_ERR : ASP_CTR_TX_NTFY);
	if (stream && stream >= asp->out_streams)
		stream = asp->out_streams > 1 ? 1 + stream % (asp->out_streams - 1) : 0;
	LOGA(asp, LOGL_DEBUG, "tx %s on stream %u\n", asp->m->proto->msg_name(h[2], h[3]), stream);
	return asp->m->tops.send(asp->m->tctx, asp, stream, msg);
}

static void count_err(struct sg_m3ua *m, enum sg_xua_err code)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(err_codes); i++)
		if (err_codes[i] == code)
			sg_ctr_inc(m->ctr, M_CTR_ERR_0x01 + i);
}

#define DIAG_MAX 1024

void xua_tx_err(struct sg_m3ua_asp *asp, enum sg_xua_err code, const uint32_t *rc,
		 const uint32_t *na, const uint8_t *diag, size_t diag_len)
{
	LOGP_LIMIT(&asp->log_tx_err, DM3UA, LOGL_NOTICE, "%s/%s: tx ERR %s\n", asp->m->name,
		   asp->name, sg_xua_err_name(code));
	count_err(asp->m, code);
	xua_tx(asp, 0, asp->m->proto->err_new(code, rc, na, diag,
					      diag_len > DIAG_MAX ? DIAG_MAX : diag_len));
}

/* ERR carrying a list of Routing Contexts (Invalid Routing Context for several RCs) */
void xua_tx_err_rcs(struct sg_m3ua_asp *asp, enum sg_xua_err code, const uint32_t *rc,
		     unsigned int nrc, const uint8_t *diag, size_t diag_len)
{
	struct msgb *msg = sg_xua_msg_new(SG_XUA_CLS_MGMT, SG_XUA_MGMT_ERR);

	if (!msg)
		return;
	LOGP_LIMIT(&asp->log_tx_err, DM3UA, LOGL_NOTICE, "%s/%s: tx ERR %s\n", asp->m->name,
		   asp->name, sg_xua_err_name(code));
	count_err(asp->m, code);
	sg_xua_put_u32(msg, SG_XUA_IEI_ERR_CODE, code);
	if (nrc)
		sg_xua_put_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, nrc);
	if (diag && diag_len)
		sg_xua_put(msg, SG_XUA_IEI_DIAG_INFO, diag_len > DIAG_MAX ? DIAG_MAX : diag_len,
			    diag);
	sg_xua_finish(msg);
	xua_tx(asp, 0, msg);
}

/* NTFY (§3.8.2): status type/info, the AS's RC when it has one, an ASP Identifier */
void xua_tx_ntfy(struct sg_m3ua_asp *asp, uint16_t type, uint16_t info, const struct sg_m3ua_as *as,
		  const uint32_t *asp_id)
{
	struct msgb *msg = sg_xua_msg_new(SG_XUA_CLS_MGMT, SG_XUA_MGMT_NTFY);

	if (!msg)
		return;
	sg_xua_put_u32(msg, SG_XUA_IEI_STATUS, (uint32_t)type << 16 | info);
	if (asp_id)
		sg_xua_put_u32(msg, SG_XUA_IEI_ASP_ID, *asp_id);
	if (as && as->has_rc)
		sg_xua_put_u32(msg, SG_XUA_IEI_ROUTE_CTX, as->rc);
	sg_xua_finish(msg);
	LOGA(asp, LOGL_INFO, "tx NTFY type %u info %u%s%s\n", type, info, as ? " AS " : "",
	     as ? as->name : "");
	xua_tx(asp, 0, msg);
}

/* One of the peer's two states (xua_int.h: server, client) to st, logged; report: the user
 * sees the change. */
static void set_st(struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state *cur, enum sg_m3ua_asp_state st,
		   const char *which, bool report)
{
	enum sg_m3ua_asp_state old = *cur;

	if (old == st)
		return;
	*cur = st;
	LOGA(asp, LOGL_INFO, "%s%s -> %s\n", which, get_value_string(sg_m3ua_asp_state_names, old),
	     get_value_string(sg_m3ua_asp_state_names, st));
	if (report && asp->m->uops.asp_state)
		asp->m->uops.asp_state(asp->m->uctx, asp, old, st);
}

void xua_asp_set_state(struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state st)
{
	set_st(asp, &asp->state, st, "", asp->srv || !asp->cli);
}

void xua_asp_set_lstate(struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state st)
{
	set_st(asp, &asp->lstate, st, "local ", !asp->srv);
}

/* ---- peers ---- */

struct sg_m3ua_asp *sg_m3ua_asp_add(struct sg_m3ua *m, const struct sg_m3ua_asp_cfg *cfg)
{
	struct sg_m3ua_asp *asp;

	if (!cfg || !cfg->name || !cfg->name[0] || strlen(cfg->name) >= SG_M3UA_NAME_MAX ||
	    sg_m3ua_asp_by_name(m, cfg->name) || cfg->nallowed > SG_M3UA_ASP_MAX_ALLOWED ||
	    cfg->role > SG_M3UA_ROLE_IPSP || cfg->tmt > SG_M3UA_TMT_BROADCAST)
		return NULL;
	asp = talloc_zero(m, struct sg_m3ua_asp);
	if (!asp)
		return NULL;
	asp->m = m;
	asp->cfg = *cfg;
	osmo_strlcpy(asp->name, cfg->name, sizeof(asp->name));
	asp->cfg.name = asp->name;
	switch (cfg->role) {
	case SG_M3UA_ROLE_SGP:
		asp->srv = true;
		break;
	case SG_M3UA_ROLE_ASP:
		asp->cli = true;
		break;
	case SG_M3UA_ROLE_IPSP:
		asp->srv = cfg->ipsp_double || !cfg->ipsp_client;
		asp->cli = cfg->ipsp_double || cfg->ipsp_client;
		break;
	}
	asp->blocked = cfg->blocked;
	asp->state = SG_M3UA_ASP_DOWN;
	asp->lstate = SG_M3UA_ASP_DOWN;
	asp->next_lrk = 1;
	asp->ctr = sg_ctr_group_alloc(asp, &asp_ctrg_desc);
	xua_asp_init_timers(asp);
	llist_add_tail(&asp->list, &m->asps);
	return asp;
}

int sg_m3ua_asp_del(struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_as *as, *as2;

	if (asp->conn || asp->state != SG_M3UA_ASP_DOWN || asp->lstate != SG_M3UA_ASP_DOWN)
		return -EBUSY;
	llist_for_each_entry_safe(as, as2, &asp->m->ass, list)
		xua_memb_del(as, asp);
	sg_timer_stop(&asp->t_ack);
	sg_timer_stop(&asp->t_beat);
	sg_timer_stop(&asp->t_reg);
	llist_del(&asp->list);
	talloc_free(asp);
	return 0;
}

struct sg_m3ua_asp *sg_m3ua_asp_by_name(struct sg_m3ua *m, const char *name)
{
	struct sg_m3ua_asp *asp;

	llist_for_each_entry(asp, &m->asps, list)
		if (!strcmp(asp->name, name))
			return asp;
	return NULL;
}

const char *sg_m3ua_asp_name(const struct sg_m3ua_asp *asp) { return asp->name; }
enum sg_m3ua_role sg_m3ua_asp_role(const struct sg_m3ua_asp *asp) { return asp->cfg.role; }
enum sg_m3ua_asp_state sg_m3ua_asp_state(const struct sg_m3ua_asp *asp)
{
	return asp->srv ? asp->state : asp->lstate;
}
enum sg_m3ua_asp_state sg_m3ua_asp_local_state(const struct sg_m3ua_asp *asp) { return asp->lstate; }
bool sg_m3ua_asp_conn(const struct sg_m3ua_asp *asp) { return asp->conn; }
void sg_m3ua_asp_set_user(struct sg_m3ua_asp *asp, void *user) { asp->user = user; }
void *sg_m3ua_asp_user(const struct sg_m3ua_asp *asp) { return asp->user; }

/* ---- transport events ---- */

void sg_m3ua_asp_conn_up(struct sg_m3ua_asp *asp, uint16_t in_streams, uint16_t out_streams)
{
	if (asp->conn)
		sg_m3ua_asp_conn_down(asp);
	asp->conn = true;
	asp->in_streams = in_streams ? in_streams : 1;
	asp->out_streams = out_streams ? out_streams : 1;
	sg_ctr_inc(asp->ctr, ASP_CTR_CONN_UP);
	LOGA(asp, LOGL_INFO, "association up (%u in, %u out streams)\n", asp->in_streams,
	     asp->out_streams);
	xua_beat_start(asp);
	if (asp->cli)
		xua_asp_client_start(asp);
}

void sg_m3ua_asp_conn_down(struct sg_m3ua_asp *asp)
{
	struct sg_m3ua_as *as;

	if (!asp->conn)
		return;
	asp->conn = false;
	sg_ctr_inc(asp->ctr, ASP_CTR_CONN_DOWN);
	LOGA(asp, LOGL_INFO, "association down\n");
	sg_timer_stop(&asp->t_ack);
	sg_timer_stop(&asp->t_beat);
	sg_timer_stop(&asp->t_reg);
	asp->req_cls = asp->req_type = 0;
	asp->beat_out = 0;
	asp->stopping = false;
	/* §4.3.4.2 / M3-TR-04: the peer is ASP-DOWN in every AS; the other ASPs of each AS get
	 * NTFY(ASP Failure) and the AS state is recomputed (T(r) when it was active). */
	llist_for_each_entry(as, &asp->m->ass, list) {
		struct sg_m3ua_memb *mb = xua_memb(as, asp);

		if (!mb)
			continue;
		mb->lact = false;
		as->reg_pending = false;
		if (mb->st != SG_M3UA_ASP_DOWN) {
			/* §3.8.2 ASP Failure: to the other ASPs of the AS that are up */
			mb->st = SG_M3UA_ASP_DOWN;
			for (unsigned int i = 0; i < as->nmemb; i++) {
				struct sg_m3ua_memb *o = &as->memb[i];

				if (o->asp != asp && o->st != SG_M3UA_ASP_DOWN && o->asp->conn)
					xua_tx_ntfy(o->asp, SG_XUA_NTFY_T_OTHER,
						     SG_XUA_NTFY_I_OT_ASP_FAILURE, as,
						     asp->has_peer_id ? &asp->peer_id :
						     (asp->cfg.has_asp_id ? &asp->cfg.asp_id : NULL));
			}
		}
		xua_as_update(as, asp, false);
	}
	asp->has_peer_id = false;
	xua_asp_set_state(asp, SG_M3UA_ASP_DOWN);
	xua_asp_set_lstate(asp, SG_M3UA_ASP_DOWN);
}

void sg_m3ua_asp_conn_restart(struct sg_m3ua_asp *asp)
{
	uint16_t in = asp->in_streams, out = asp->out_streams;

	sg_m3ua_asp_conn_down(asp);
	sg_m3ua_asp_conn_up(asp, in, out);
}

/* ---- reception ---- */

void sg_m3ua_asp_rx(struct sg_m3ua_asp *asp, uint16_t stream, const uint8_t *buf, size_t len)
{
	struct sg_xua_msg msg;
	struct sg_m3ua_decode_err derr = { 0 };
	const struct sg_xua_param *info;

	if (!asp->conn || !buf)
		return;
	if (asp->m->proto->decode(&msg, buf, len, &derr) < 0) {
		sg_ctr_inc(asp->ctr, ASP_CTR_RX_MALFORMED);
		LOGP_LIMIT(&asp->log_rx_bad, DM3UA, LOGL_NOTICE, "%s/%s: rx malformed message: %s\n",
			   asp->m->name, asp->name, derr.reason ? derr.reason : "?");
		/* never answer an ERR with an ERR (§3.8.1) */
		if (len >= 4 && buf[2] == SG_XUA_CLS_MGMT && buf[3] == SG_XUA_MGMT_ERR)
			return;
		xua_tx_err(asp, derr.code ? derr.code : SG_XUA_ERR_PROTOCOL_ERROR, NULL, NULL,
			    buf, len);
		return;
	}
	sg_ctr_inc(asp->ctr, cls_ctr(msg.cls, false));
	LOGA(asp, LOGL_DEBUG, "rx %s on stream %u\n", asp->m->proto->msg_name(msg.cls, msg.type), stream);
	info = sg_xua_find(&msg, SG_XUA_IEI_INFO_STRING, 0);
	if (info)	/* accepted in any message, only logged (doc/m3ua.md) */
		LOGA(asp, LOGL_INFO, "rx %s with INFO String %s\n",
		     asp->m->proto->msg_name(msg.cls, msg.type),
		     osmo_quote_str((const char *)info->val, info->len));
	if (stream >= asp->in_streams && msg.cls != SG_XUA_CLS_MGMT) {
		xua_tx_err(asp, SG_XUA_ERR_INVALID_STREAM_ID, NULL, NULL, buf, len);
		return;
	}
	if (msg.cls < ARRAY_SIZE(asp->m->proto->rx) && asp->m->proto->rx[msg.cls])
		asp->m->proto->rx[msg.cls](asp, stream, &msg);
	else
		xua_tx_err(asp, SG_XUA_ERR_UNSUPP_MSG_CLASS, NULL, NULL, buf, len);
}

void sg_m3ua_asp_rx_msg(struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	struct msgb *outer = asp->rx_msg;

	/* m3ua_rx_data() hands asp->rx_msg to the user (and clears it) */
	asp->rx_msg = msg;
	sg_m3ua_asp_rx(asp, stream, msg->data, msgb_length(msg));
	if (asp->rx_msg)
		msgb_free(asp->rx_msg);
	asp->rx_msg = outer;
}

/* ---- management view ---- */

struct json_object *sg_m3ua_asp_to_json(const struct sg_m3ua_asp *asp)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct sg_m3ua_as *as;

	json_object_object_add(o, "name", json_object_new_string(asp->name));
	json_object_object_add(o, "role",
			       json_object_new_string(get_value_string(sg_m3ua_role_names,
								       asp->cfg.role)));
	if (asp->cfg.role == SG_M3UA_ROLE_IPSP)
		json_object_object_add(o, "exchange",
				       json_object_new_string(asp->cfg.ipsp_double ? "double" :
							      "single"));
	json_object_object_add(o, "connected", json_object_new_boolean(asp->conn));
	if (asp->srv)
		json_object_object_add(o, "state", json_object_new_string(
			get_value_string(sg_m3ua_asp_state_names, asp->state)));
	if (asp->cli)
		json_object_object_add(o, "local_state", json_object_new_string(
			get_value_string(sg_m3ua_asp_state_names, asp->lstate)));
	json_object_object_add(o, "blocked", json_object_new_boolean(asp->blocked));
	if (asp->has_peer_id)
		json_object_object_add(o, "peer_asp_id", json_object_new_int64(asp->peer_id));
	if (asp->cfg.has_asp_id)
		json_object_object_add(o, "asp_id", json_object_new_int64(asp->cfg.asp_id));
	json_object_object_add(o, "in_streams", json_object_new_int(asp->conn ? asp->in_streams : 0));
	json_object_object_add(o, "out_streams",
			       json_object_new_int(asp->conn ? asp->out_streams : 0));
	llist_for_each_entry(as, &asp->m->ass, list) {
		struct sg_m3ua_memb *mb = xua_memb(as, asp);
		struct json_object *e;

		if (!mb)
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "as", json_object_new_string(as->name));
		if (as->has_rc)
			json_object_object_add(e, "routing_context", json_object_new_int64(as->rc));
		json_object_object_add(e, "state", json_object_new_string(
			as->client ? (mb->lact ? "ASP-ACTIVE" : "ASP-INACTIVE") :
			get_value_string(sg_m3ua_asp_state_names, mb->st)));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "as", a);
	json_object_object_add(o, "counters", sg_ctr_group_to_json(asp->ctr));
	return o;
}

struct json_object *sg_m3ua_as_to_json(const struct sg_m3ua_as *as)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(as->name));
	if (as->has_rc)
		json_object_object_add(o, "routing_context", json_object_new_int64(as->rc));
	json_object_object_add(o, "state", json_object_new_string(
		get_value_string(sg_m3ua_as_state_names, as->state)));
	json_object_object_add(o, "traffic_mode", json_object_new_string(
		sg_m3ua_tmt_name(as->cur_tmt ? as->cur_tmt : as->tmt)));
	json_object_object_add(o, "min_asps", json_object_new_int(as->min_asps));
	json_object_object_add(o, "dynamic", json_object_new_boolean(as->dynamic));
	json_object_object_add(o, "side", json_object_new_string(as->client ? "asp" : "sgp"));
	json_object_object_add(o, "pending_msgs", json_object_new_int(as->npending));
	for (unsigned int i = 0; i < as->nmemb; i++) {
		const struct sg_m3ua_memb *mb = &as->memb[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "asp", json_object_new_string(mb->asp->name));
		json_object_object_add(e, "state", json_object_new_string(
			as->client ? (mb->lact ? "ASP-ACTIVE" : "ASP-INACTIVE") :
			get_value_string(sg_m3ua_asp_state_names, mb->st)));
		json_object_object_add(e, "registered", json_object_new_boolean(mb->registered));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "asps", a);
	json_object_object_add(o, "routing_key", as->m->proto->rk_json(as));
	json_object_object_add(o, "counters", sg_ctr_group_to_json(as->ctr));
	return o;
}

struct json_object *sg_m3ua_asps_json(struct sg_m3ua *m)
{
	struct json_object *a = json_object_new_array();
	struct sg_m3ua_asp *asp;

	llist_for_each_entry(asp, &m->asps, list)
		json_object_array_add(a, sg_m3ua_asp_to_json(asp));
	return a;
}

struct json_object *xua_as_list_json(struct sg_m3ua *m,
				     struct json_object *(*one)(const struct sg_m3ua_as *as))
{
	struct json_object *a = json_object_new_array();
	struct sg_m3ua_as *as;

	llist_for_each_entry(as, &m->ass, list)
		json_object_array_add(a, one(as));
	return a;
}

struct json_object *sg_m3ua_as_json(struct sg_m3ua *m)
{
	return xua_as_list_json(m, sg_m3ua_as_to_json);
}

struct json_object *sg_m3ua_counters_json(struct sg_m3ua *m)
{
	return sg_ctr_group_to_json(m->ctr);
}
