/* xUA routing key management, RFC 4666 / RFC 3868 §3.6 and §4.4: REG/DEREG dispatch, DEREG at
 * the SGP, the registration bookkeeping at the ASP (T(ack) on a REG REQ, results, DEREG of
 * the registered keys).  The keys themselves are the protocol's (struct xua_proto). */

#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include "xua_int.h"

#define MAX_KEYS 64

/* ---- SGP side ---- */

static void srv_dereg(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua *m = asp->m;
	uint32_t rc[MAX_KEYS];
	int n = sg_xua_get_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, MAX_KEYS);
	struct msgb *rsp;

	if (n <= 0) {
		xua_tx_err(asp, SG_XUA_ERR_MISSING_PARAM, NULL, NULL, msg->buf, msg->len);
		return;
	}
	rsp = sg_xua_msg_new(SG_XUA_CLS_RKM, SG_XUA_RKM_DEREG_RSP);
	if (!rsp)
		return;
	for (int i = 0; i < n; i++) {
		struct sg_m3ua_dereg_result res = { .rctx = rc[i] };
		struct sg_m3ua_as *as = sg_m3ua_as_by_rc(m, rc[i]);
		struct sg_m3ua_memb *mb = as && !as->client ? xua_memb(as, asp) : NULL;

		if (!as)
			res.status = SG_M3UA_DEREG_ERR_NOT_REGD;
		else if (!mb)
			res.status = SG_M3UA_DEREG_ERR_INVAL_RCTX;
		else if (!as->dynamic || !mb->registered)
			res.status = SG_M3UA_DEREG_ERR_PERM_DENIED;
		else if (mb->st == SG_M3UA_ASP_ACTIVE)
			res.status = SG_M3UA_DEREG_ERR_ASP_ACTIVE;
		else
			res.status = SG_M3UA_DEREG_OK;
		if (res.status == SG_M3UA_DEREG_OK) {
			xua_memb_del(as, asp);
			if (!as->nmemb)
				sg_m3ua_as_del(as, true);
			else
				xua_as_update(as, asp, false);
		}
		sg_ctr_inc(m->ctr, res.status == SG_M3UA_DEREG_OK ? M_CTR_DEREG_OK :
			   M_CTR_DEREG_FAIL);
		LOGA(asp, LOGL_INFO, "DEREG RC %u: status %u\n", res.rctx, res.status);
		asp->m->proto->put_dereg_result(rsp, &res);
	}
	sg_xua_finish(rsp);
	xua_tx(asp, 0, rsp);
}

/* ---- ASP side ---- */

void xua_asp_register(struct sg_m3ua_asp *asp)
{
	asp->reg_tries = 0;
	if (!asp->m->proto->reg_send(asp, false))
		xua_asp_client_activate(asp);
}

void xua_t_reg_cb(void *data)
{
	struct sg_m3ua_asp *asp = data;

	if (!asp->conn)
		return;
	asp->reg_tries++;
	LOGA(asp, LOGL_NOTICE, "T(ack) expired: REG REQ again (%u)\n", asp->reg_tries);
	if (!asp->m->proto->reg_send(asp, true))
		xua_asp_client_activate(asp);
}

int sg_m3ua_asp_deregister(struct sg_m3ua_asp *asp)
{
	uint32_t rc[MAX_KEYS];
	unsigned int n;
	struct msgb *msg;

	if (!asp->cli || !asp->conn)
		return -EINVAL;
	n = xua_asp_rcs(asp, true, true, rc, MAX_KEYS);
	if (!n)
		return 0;
	msg = sg_xua_msg_new(SG_XUA_CLS_RKM, SG_XUA_RKM_DEREG_REQ);
	if (!msg)
		return -ENOMEM;
	sg_xua_put_u32_list(msg, SG_XUA_IEI_ROUTE_CTX, rc, n);
	sg_xua_finish(msg);
	return xua_tx(asp, 0, msg) < 0 ? -EIO : (int)n;
}

static void cli_reg_rsp(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua_reg_result r;
	bool pending = false;
	struct sg_m3ua_as *as;

	for (unsigned int idx = 0; idx < MAX_KEYS && !asp->m->proto->get_reg_result(msg, idx, &r); idx++) {
		llist_for_each_entry(as, &asp->m->ass, list) {
			if (!as->client || !as->reg_pending || as->reg_lrk != r.lrk_id)
				continue;
			as->reg_pending = false;
			if (r.status == SG_M3UA_REG_OK || r.status == SG_M3UA_REG_ERR_RKEY_ALRDY_REGD) {
				as->has_rc = true;
				as->rc = r.rctx;
				as->dynamic = true;
				xua_idx_dirty(asp->m);
			}
			if (asp->m->uops.reg_ind)
				asp->m->uops.reg_ind(asp->m->uctx, asp, as, r.status, r.rctx);
		}
	}
	llist_for_each_entry(as, &asp->m->ass, list)
		if (as->client && as->reg_pending && xua_memb(as, asp))
			pending = true;
	if (!pending) {
		sg_timer_stop(&asp->t_reg);
		xua_asp_client_activate(asp);
	}
}

static void cli_dereg_rsp(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg)
{
	struct sg_m3ua_dereg_result r;

	for (unsigned int idx = 0; idx < MAX_KEYS && !asp->m->proto->get_dereg_result(msg, idx, &r);
	     idx++) {
		struct sg_m3ua_as *as = sg_m3ua_as_by_rc(asp->m, r.rctx);

		if (as && as->client && r.status == SG_M3UA_DEREG_OK) {
			as->has_rc = false;
			as->dynamic = false;
			xua_idx_dirty(asp->m);
		}
	}
}

void xua_rx_rkm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg)
{
	(void)stream;
	if (asp->m->cfg.rkm == SG_M3UA_RKM_OFF) {
		/* RKM not supported (§3.8.1, ETSI m3ua-sgp-rkm-v-004) */
		xua_tx_err(asp, SG_XUA_ERR_UNSUPP_MSG_CLASS, NULL, NULL, msg->buf, msg->len);
		return;
	}
	switch (msg->type) {
	case SG_XUA_RKM_REG_REQ:
	case SG_XUA_RKM_DEREG_REQ:
		if (!asp->srv || asp->state == SG_M3UA_ASP_DOWN) {
			xua_tx_err(asp, SG_XUA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
			return;
		}
		if (msg->type == SG_XUA_RKM_REG_REQ)
			asp->m->proto->reg_req(asp, msg);
		else
			srv_dereg(asp, msg);
		break;
	case SG_XUA_RKM_REG_RSP:
	case SG_XUA_RKM_DEREG_RSP:
		if (!asp->cli) {
			xua_tx_err(asp, SG_XUA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
			return;
		}
		if (msg->type == SG_XUA_RKM_REG_RSP)
			cli_reg_rsp(asp, msg);
		else
			cli_dereg_rsp(asp, msg);
		break;
	default:
		xua_tx_err(asp, SG_XUA_ERR_UNSUPP_MSG_TYPE, NULL, NULL, msg->buf, msg->len);
		break;
	}
}
