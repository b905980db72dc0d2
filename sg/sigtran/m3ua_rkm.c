/* M3UA routing keys in routing key management, RFC 4666 §3.6.1, §4.4: the MTP3 keys (DPC, OPC,
 * SI, CIC) of a REG REQ registered at the SGP (static keys, dynamic ASs for provisioned DPCs)
 * and sent by the ASP; the rest of RKM is the xUA core's (xua_rkm.c). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include "m3ua_int.h"

#define MAX_KEYS 64

static void rk_from_wire(const struct sg_m3ua_rk *w, struct sg_m3ua_rkey *k)
{
	memset(k, 0, sizeof(*k));
	k->ndpc = w->ndpc;
	for (unsigned int i = 0; i < w->ndpc; i++) {
		k->dpc[i].pc = sg_m3ua_apc_pc(w->dpc[i]);
		k->dpc[i].mask = sg_m3ua_apc_mask(w->dpc[i]);
	}
	k->nopc = w->nopc;
	for (unsigned int i = 0; i < w->nopc; i++) {
		k->opc[i].pc = sg_m3ua_apc_pc(w->opc[i]);
		k->opc[i].mask = sg_m3ua_apc_mask(w->opc[i]);
	}
	k->nsi = w->nsi;
	memcpy(k->si, w->si, w->nsi);
	k->ncic = w->ncic;
	for (unsigned int i = 0; i < w->ncic; i++) {
		k->cic[i].opc = w->cic[i].opc;
		k->cic[i].lo = w->cic[i].lower;
		k->cic[i].hi = w->cic[i].upper;
	}
	k->has_na = w->has_na;
	k->na = w->na;
}

static void rk_to_wire(const struct sg_m3ua_rkey *k, struct sg_m3ua_rk *w)
{
	memset(w, 0, sizeof(*w));
	w->ndpc = k->ndpc;
	for (unsigned int i = 0; i < k->ndpc; i++)
		w->dpc[i] = (uint32_t)k->dpc[i].mask << 24 | k->dpc[i].pc;
	w->nopc = k->nopc;
	for (unsigned int i = 0; i < k->nopc; i++)
		w->opc[i] = (uint32_t)k->opc[i].mask << 24 | k->opc[i].pc;
	w->nsi = k->nsi;
	memcpy(w->si, k->si, k->nsi);
	w->ncic = k->ncic;
	for (unsigned int i = 0; i < k->ncic; i++) {
		w->cic[i].opc = k->cic[i].opc;
		w->cic[i].lower = k->cic[i].lo;
		w->cic[i].upper = k->cic[i].hi;
	}
	w->has_na = k->has_na;
	w->na = k->na;
}

static bool pc_in(const struct sg_m3ua_pc_mask *list, unsigned int n, const struct sg_m3ua_pc_mask *p)
{
	for (unsigned int i = 0; i < n; i++) {
		/* the requested range must lie inside one listed range */
		if (p->mask <= list[i].mask && m3ua_pc_match(p->pc, &list[i]))
			return true;
	}
	return false;
}

static uint32_t alloc_rc(struct sg_m3ua *m)
{
	while (sg_m3ua_as_by_rc(m, m->next_rc))
		m->next_rc++;
	return m->next_rc++;
}

/* One routing key of a REG REQ (§4.4.1); fills res */
static void reg_one(struct sg_m3ua_asp *asp, const struct sg_m3ua_rk *w, struct sg_m3ua_reg_result *res)
{
	struct sg_m3ua *m = asp->m;
	struct sg_m3ua_rkey k;
	struct sg_m3ua_as *as, *same = NULL;
	struct sg_m3ua_as_cfg acfg;
	char name[SG_M3UA_NAME_MAX];

	res->lrk_id = w->lrk_id;
	res->rctx = 0;
	rk_from_wire(w, &k);
	if (!k.ndpc) {
		res->status = SG_M3UA_REG_ERR_INVAL_RKEY;
		return;
	}
	for (unsigned int i = 0; i < k.ndpc; i++) {
		if (!m3ua_pc_valid(m, k.dpc[i].pc) || (m->cfg.local_pc && k.dpc[i].mask == 0 &&
						       k.dpc[i].pc == m->cfg.local_pc)) {
			res->status = SG_M3UA_REG_ERR_INVAL_DPC;
			return;
		}
	}
	if (k.has_na && (!m->cfg.has_na || k.na != m->cfg.na)) {
		res->status = SG_M3UA_REG_ERR_INVAL_NET_APPEAR;
		return;
	}
	if (w->has_tmt && (w->tmt < SG_M3UA_TMT_OVERRIDE || w->tmt > SG_M3UA_TMT_BROADCAST)) {
		res->status = SG_M3UA_REG_ERR_INVAL_TRAF_HDL_MODE;
		return;
	}
	if (w->has_rctx) {
		/* modifying a registered key is not supported (§4.4.1) */
		res->status = SG_M3UA_REG_ERR_RKEY_CHG_REFUSED;
		return;
	}
	llist_for_each_entry(as, &m->ass, list)
		if (!as->client && m3ua_rk_equal(&as->rk, &k))
			same = as;
	if (same) {
		struct sg_m3ua_memb *mb = xua_memb(same, asp);
		enum sg_m3ua_tmt cur = same->tmt ? same->tmt : same->cur_tmt;

		if (w->has_tmt && cur != SG_M3UA_TMT_NONE && cur != w->tmt) {
			res->status = SG_M3UA_REG_ERR_INVAL_TRAF_HDL_MODE;
			return;
		}
		if (mb && mb->registered) {
			/* the same key twice: a repetition of the same LRK is "already registered",
			 * a second LRK for it cannot be routed uniquely */
			res->status = mb->lrk_id == w->lrk_id ? SG_M3UA_REG_ERR_RKEY_ALRDY_REGD :
				      SG_M3UA_REG_ERR_CANT_SUPP_UNQ_RT;
			if (res->status == SG_M3UA_REG_ERR_RKEY_ALRDY_REGD)
				res->rctx = same->rc;
			return;
		}
		if (!mb && !same->dynamic) {
			res->status = SG_M3UA_REG_ERR_PERM_DENIED;
			return;
		}
		if (!mb && (!asp->cfg.may_register || m->cfg.rkm != SG_M3UA_RKM_DYNAMIC)) {
			res->status = SG_M3UA_REG_ERR_PERM_DENIED;
			return;
		}
		if (!mb)
			mb = xua_memb_add(same, asp);
		if (!mb) {
			res->status = SG_M3UA_REG_ERR_INSUFF_RESRC;
			return;
		}
		if (!same->has_rc) {
			same->has_rc = true;
			same->rc = alloc_rc(m);
			xua_idx_dirty(m);	/* the RC index must know it */
		}
		mb->registered = true;
		mb->lrk_id = w->lrk_id;
		if (mb->st == SG_M3UA_ASP_DOWN && asp->state != SG_M3UA_ASP_DOWN)
			mb->st = SG_M3UA_ASP_INACTIVE;
		if (w->has_tmt && same->tmt == SG_M3UA_TMT_NONE && same->dynamic)
			same->tmt = w->tmt;
		res->status = SG_M3UA_REG_OK;
		res->rctx = same->rc;
		xua_as_update(same, asp, false);
		return;
	}
	if (k.ncic) {
		/* circuit ranges are not supported in dynamic keys (doc/m3ua.md) */
		res->status = SG_M3UA_REG_ERR_UNSUPP_RK_PARAM;
		return;
	}
	if (m->cfg.rkm != SG_M3UA_RKM_DYNAMIC || !asp->cfg.may_register) {
		res->status = SG_M3UA_REG_ERR_PERM_DENIED;
		return;
	}
	for (unsigned int i = 0; i < k.ndpc; i++) {
		if (asp->cfg.nallowed && !pc_in(asp->cfg.allowed, asp->cfg.nallowed, &k.dpc[i])) {
			res->status = SG_M3UA_REG_ERR_PERM_DENIED;
			return;
		}
	}
	for (unsigned int i = 0; i < k.ndpc; i++) {
		if (!pc_in(m->cfg.prov, m->cfg.nprov, &k.dpc[i])) {
			res->status = SG_M3UA_REG_ERR_RKEY_NOT_PROVD;
			return;
		}
	}
	if (m->ndynamic >= m->cfg.max_dynamic) {
		res->status = SG_M3UA_REG_ERR_INSUFF_RESRC;
		return;
	}
	memset(&acfg, 0, sizeof(acfg));
	acfg.has_rc = true;
	acfg.rc = alloc_rc(m);
	snprintf(name, sizeof(name), "dyn-%u", acfg.rc);
	acfg.name = name;
	acfg.tmt = w->has_tmt ? w->tmt : SG_M3UA_TMT_NONE;
	acfg.min_asps = 1;
	acfg.nasps = 1;
	acfg.asps[0] = asp->name;
	acfg.rk = k;
	as = xua_as_new(m, &acfg);
	if (!as) {
		res->status = SG_M3UA_REG_ERR_INSUFF_RESRC;
		return;
	}
	as->dynamic = true;
	m->ndynamic++;
	as->memb[0].registered = true;
	as->memb[0].lrk_id = w->lrk_id;
	res->status = SG_M3UA_REG_OK;
	res->rctx = as->rc;
	LOGAS(as, LOGL_INFO, "registered by %s, RC %u\n", asp->name, as->rc);
}

/* REG REQ at the SGP (§4.4.1): each Routing Key registered or refused, one REG RSP */
void m3ua_rkm_reg_req(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg)
{
	struct msgb *rsp = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_RSP);

	if (!rsp)
		return;
	for (unsigned int idx = 0; idx < MAX_KEYS; idx++) {
		struct sg_m3ua_rk w;
		struct sg_m3ua_reg_result res = { 0 };
		enum sg_m3ua_reg_status st = SG_M3UA_REG_ERR_INVAL_RKEY;
		int r;

		memset(&w, 0, sizeof(w));
		r = sg_m3ua_get_rk(msg, idx, &w, &st);
		if (r == 1)
			break;
		if (r < 0) {
			res.lrk_id = w.lrk_id;
			res.status = st;
		} else {
			reg_one(asp, &w, &res);
		}
		sg_ctr_inc(asp->m->ctr, res.status == SG_M3UA_REG_OK ? M_CTR_REG_OK : M_CTR_REG_FAIL);
		LOGA(asp, LOGL_INFO, "REG LRK %u: status %u RC %u\n", res.lrk_id, res.status,
		     res.rctx);
		sg_m3ua_put_reg_result(rsp, &res);
	}
	sg_m3ua_finish(rsp);
	xua_tx(asp, 0, rsp);
}

/* ---- ASP side ---- */

/* The REG REQ for our keys without RC: new Local-RK-Identifiers (again: the same ones, for the
 * keys still waiting for their Registration Result).  Returns whether one was sent. */
bool m3ua_rkm_reg_send(struct sg_m3ua_asp *asp, bool again)
{
	struct sg_m3ua_as *as;
	struct msgb *msg = NULL;

	llist_for_each_entry(as, &asp->m->ass, list) {
		struct sg_m3ua_rk w;

		if (!as->client || !xua_memb(as, asp) || as->has_rc || !as->rk.ndpc)
			continue;
		if (again && !as->reg_pending)
			continue;
		if (!msg)
			msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);
		if (!msg)
			return false;
		rk_to_wire(&as->rk, &w);
		if (!again)
			as->reg_lrk = asp->next_lrk++;
		w.lrk_id = as->reg_lrk;
		if (as->tmt != SG_M3UA_TMT_NONE) {
			w.has_tmt = true;
			w.tmt = as->tmt;
		} else if (asp->cfg.tmt != SG_M3UA_TMT_NONE) {
			w.has_tmt = true;
			w.tmt = asp->cfg.tmt;
		}
		sg_m3ua_put_rk(msg, &w);
		as->reg_pending = true;
	}
	if (!msg)
		return false;
	sg_m3ua_finish(msg);
	xua_tx(asp, 0, msg);
	/* T(ack) supervises the REG REQ like our ASPSM/ASPTM requests (§4.4.1) */
	sg_timer_start_ms(&asp->t_reg, asp->m->cfg.t_ack_ms);
	return true;
}
