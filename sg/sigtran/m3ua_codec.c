/* M3UA's dialect of the xUA codec, RFC 4666 §3.3-§3.8: its messages and their parameters,
 * Protocol Data, Routing Keys, Registration Results, names. */

#include <string.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <sg/m3ua.h>
#include <sg/msg.h>

#include "xua_codec_int.h"

/*
 * M3UA's dialect of the xUA codec (sg/sigtran/xua_codec.c, include/sg/xua.h): which message
 * classes and types exist, the parameters each may carry (mandatory, optional, repeated), and
 * the checks of the values only M3UA has; the order of the checks is the walker's.  Besides:
 *     Robustness: an INFO String (0..255 octets, once) is accepted in every message,
 *     also in those whose table in RFC 4666 does not list it (DATA, ERR, BEAT,
 *     BEAT-ACK and the four RKM messages); the layer logs it and ignores it.
 *     Value lengths (Parameter Field Error, 0x12): a malformed Registration or
 *     Deregistration Result, a Protocol Data below 12 octets, a DUPU with more than one
 *     Affected Point Code.
 *     Value ranges (Invalid Parameter Value, 0x11): DUPU cause > 2 or user > 15,
 *     Congestion Level > 3, Protocol Data SI > 15, NI > 3 or MP > 3, Registration
 *     status > 12, Deregistration status > 5.
 *
 * Routing Key contents (§3.6.1) are checked by sg_m3ua_rk_decode(): an
 * invalid key is answered with a REG RSP status, not an ERR (§4.4.1).
 */

/* ---- per-message parameter tables (§3.3-§3.8) ---- */

/* How a parameter's value is checked: M3UA's own kinds (the walker's are SG_XUA_K_*). */
enum pkind {
	K_USER_CAUSE = SG_XUA_K_DIALECT, /* DUPU User/Cause: 4 octets, cause 0..2, user 0..15 */
	K_CONG,		/* Congestion Indications: 4 octets, level 0..3 (§3.4.4) */
	K_APC1,		/* DUPU Affected Point Code: exactly one (§3.4.5) */
	K_PDATA,	/* Protocol Data: >= 12 octets, SI/NI/MP ranges (§3.3.1) */
	K_RK,		/* Routing Key: checked by sg_m3ua_rk_decode */
	K_REG_RES,	/* Registration Result (§3.6.2) */
	K_DEREG_RES,	/* Deregistration Result (§3.6.4) */
};

#define R_M	SG_XUA_P_M
#define R_REP	SG_XUA_P_REP

/* a parameter of one of the walker's kinds (P) or of M3UA's own (D) */
#define P(t, k, f) { SG_M3UA_IEI_##t, SG_XUA_K_##k, f }
#define D(t, k, f) { SG_M3UA_IEI_##t, K_##k, f }

/* MGMT (§3.8): ERR's RC/NA/APC are mandatory only in some cases, which
 * depend on the offending message: the codec takes them as optional. */
static const struct sg_xua_mspec mgmt_specs[] = {
	[SG_M3UA_MGMT_ERR] = { 6, { P(ERR_CODE, U32, R_M), P(ROUTE_CTX, LIST, 0),
				    P(NET_APPEAR, U32, 0), P(AFFECTED_PC, LIST, 0),
				    P(DIAG_INFO, ANY, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_MGMT_NTFY] = { 4, { P(STATUS, STATUS, R_M), P(ASP_ID, U32, 0),
				     P(ROUTE_CTX, LIST, 0), P(INFO_STRING, INFO, 0) } },
};

/* XFER (§3.3.1): DATA carries one Routing Context value. */
static const struct sg_xua_mspec xfer_specs[] = {
	[SG_M3UA_XFER_DATA] = { 5, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, U32, 0),
				     D(PROT_DATA, PDATA, R_M), P(CORR_ID, U32, 0),
				     P(INFO_STRING, INFO, 0) } },
};

/* SSNM (§3.4) */
#define SSNM_DUNA_LIKE                                                                         \
	{ 4, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, LIST, 0), P(AFFECTED_PC, LIST, R_M),         \
	       P(INFO_STRING, INFO, 0) } }
static const struct sg_xua_mspec ssnm_specs[] = {
	[SG_M3UA_SSNM_DUNA] = SSNM_DUNA_LIKE,
	[SG_M3UA_SSNM_DAVA] = SSNM_DUNA_LIKE,
	[SG_M3UA_SSNM_DAUD] = SSNM_DUNA_LIKE,
	[SG_M3UA_SSNM_SCON] = { 6, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, LIST, 0),
				     P(AFFECTED_PC, LIST, R_M), P(CONCERNED_DEST, U32, 0),
				     D(CONG_IND, CONG, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_SSNM_DUPU] = { 5, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, LIST, 0),
				     D(AFFECTED_PC, APC1, R_M), D(USER_CAUSE, USER_CAUSE, R_M),
				     P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_SSNM_DRST] = SSNM_DUNA_LIKE,
};

/* ASPSM (§3.5.1-§3.5.6) */
static const struct sg_xua_mspec aspsm_specs[] = {
	[SG_M3UA_ASPSM_UP] = { 2, { P(ASP_ID, U32, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_DOWN] = { 1, { P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_BEAT] = { 2, { P(HEARTBEAT_DATA, ANY, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_UP_ACK] = { 2, { P(ASP_ID, U32, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_DOWN_ACK] = { 1, { P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_BEAT_ACK] = { 2, { P(HEARTBEAT_DATA, ANY, 0), P(INFO_STRING, INFO, 0) } },
};

/* ASPTM (§3.7) */
static const struct sg_xua_mspec asptm_specs[] = {
	[SG_M3UA_ASPTM_ACT] = { 3, { P(TRAFFIC_MODE, TMT, 0), P(ROUTE_CTX, LIST, 0),
				     P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPTM_INACT] = { 2, { P(ROUTE_CTX, LIST, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPTM_ACT_ACK] = { 3, { P(TRAFFIC_MODE, TMT, 0), P(ROUTE_CTX, LIST, 0),
					 P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPTM_INACT_ACK] = { 2, { P(ROUTE_CTX, LIST, 0), P(INFO_STRING, INFO, 0) } },
};

/* RKM (§3.6); the INFO String is our addition (robustness, see above) */
static const struct sg_xua_mspec rkm_specs[] = {
	[SG_M3UA_RKM_REG_REQ] = { 2, { D(ROUTING_KEY, RK, R_M | R_REP), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_RKM_REG_RSP] = { 2, { D(REG_RESULT, REG_RES, R_M | R_REP),
				       P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_RKM_DEREG_REQ] = { 2, { P(ROUTE_CTX, LIST, R_M), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_RKM_DEREG_RSP] = { 2, { D(DEREG_RESULT, DEREG_RES, R_M | R_REP),
					 P(INFO_STRING, INFO, 0) } },
};

#undef P
#undef D
#undef SSNM_DUNA_LIKE

/* the messages' names, by type */
static const char *const mgmt_names[] = { "ERR", "NTFY" };
static const char *const xfer_names[] = { NULL, "DATA" };
static const char *const ssnm_names[] = { NULL, "DUNA", "DAVA", "DAUD", "SCON", "DUPU", "DRST" };
static const char *const aspsm_names[] = { NULL, "ASPUP", "ASPDN", "BEAT",
					   "ASPUP_ACK", "ASPDN_ACK", "BEAT_ACK" };
static const char *const asptm_names[] = { NULL, "ASPAC", "ASPIA", "ASPAC_ACK", "ASPIA_ACK" };
static const char *const rkm_names[] = { NULL, "REG_REQ", "REG_RSP", "DEREG_REQ", "DEREG_RSP" };

/* the dialect's classes, by number (§3.1.2); each name table is as long as its spec table */
#define CLS(x) { x##_specs, ARRAY_SIZE(x##_specs), x##_names }
static const struct sg_xua_class m3ua_classes[] = {
	[SG_M3UA_CLS_MGMT] = CLS(mgmt),
	[SG_M3UA_CLS_XFER] = CLS(xfer),
	[SG_M3UA_CLS_SSNM] = CLS(ssnm),
	[SG_M3UA_CLS_ASPSM] = CLS(aspsm),
	[SG_M3UA_CLS_ASPTM] = CLS(asptm),
	[SG_M3UA_CLS_RKM] = CLS(rkm),
};
#undef CLS

/* ---- Registration / Deregistration Result ---- */

/* Registration Result (§3.6.2): LRK-ID, Registration Status, Routing Context. */
static enum sg_m3ua_err reg_result_parse(const uint8_t *v, size_t len, struct sg_m3ua_reg_result *r)
{
	static const uint16_t tags[] = { SG_M3UA_IEI_LOCAL_RK_ID, SG_M3UA_IEI_REG_STATUS,
					 SG_M3UA_IEI_ROUTE_CTX };
	uint32_t *const dst[] = { &r->lrk_id, &r->status, &r->rctx };
	enum sg_m3ua_err e = sg_xua_u32_subs(v, len, tags, dst, 3);

	if (e == SG_M3UA_ERR_NONE && r->status > SG_M3UA_REG_ERR_RKEY_ALRDY_REGD)
		return SG_M3UA_ERR_INVALID_PARAM_VAL;
	return e;
}

/* Deregistration Result (§3.6.4): Routing Context, Deregistration Status. */
static enum sg_m3ua_err dereg_result_parse(const uint8_t *v, size_t len,
					   struct sg_m3ua_dereg_result *r)
{
	static const uint16_t tags[] = { SG_M3UA_IEI_ROUTE_CTX, SG_M3UA_IEI_DEREG_STATUS };
	uint32_t *const dst[] = { &r->rctx, &r->status };
	enum sg_m3ua_err e = sg_xua_u32_subs(v, len, tags, dst, 2);

	if (e == SG_M3UA_ERR_NONE && r->status > SG_M3UA_DEREG_ERR_ASP_ACTIVE)
		return SG_M3UA_ERR_INVALID_PARAM_VAL;
	return e;
}

/* ---- value checks ---- */

/* The error a value of one of M3UA's own kinds deserves: NONE, PARAM_FIELD_ERR (length)
 * or INVALID_PARAM_VAL (range); the walker checks the others. */
static enum sg_m3ua_err m3ua_check(uint8_t k, const uint8_t *v, uint16_t len)
{
	switch (k) {
	case K_APC1:
		return len == 4 ? SG_M3UA_ERR_NONE : SG_M3UA_ERR_PARAM_FIELD_ERR;
	case K_USER_CAUSE:
		if (len != 4)
			return SG_M3UA_ERR_PARAM_FIELD_ERR;
		return ld16(v) <= SG_M3UA_DUPU_INACCESSIBLE && ld16(v + 2) <= 15
			       ? SG_M3UA_ERR_NONE
			       : SG_M3UA_ERR_INVALID_PARAM_VAL;
	case K_CONG:
		if (len != 4)
			return SG_M3UA_ERR_PARAM_FIELD_ERR;
		/* 24 reserved bits, then the level (§3.4.4) */
		return v[3] <= 3 ? SG_M3UA_ERR_NONE : SG_M3UA_ERR_INVALID_PARAM_VAL;
	case K_RK:
		return SG_M3UA_ERR_NONE;
	case K_PDATA:
		if (len < 12)
			return SG_M3UA_ERR_PARAM_FIELD_ERR;
		return v[8] <= 15 && v[9] <= 3 && v[10] <= 3 ? SG_M3UA_ERR_NONE
							       : SG_M3UA_ERR_INVALID_PARAM_VAL;
	case K_REG_RES: {
		struct sg_m3ua_reg_result r;

		return reg_result_parse(v, len, &r);
	}
	case K_DEREG_RES: {
		struct sg_m3ua_dereg_result r;

		return dereg_result_parse(v, len, &r);
	}
	}
	return SG_M3UA_ERR_PARAM_FIELD_ERR;
}

static const struct sg_xua_dialect m3ua_dialect = {
	.name = "M3UA",
	.cls = m3ua_classes,
	.ncls = ARRAY_SIZE(m3ua_classes),
	.check = m3ua_check,
};

/* ---- decoder ---- */

int sg_m3ua_decode(struct sg_m3ua_msg *m, const uint8_t *buf, size_t len,
		   struct sg_m3ua_decode_err *err)
{
	return sg_xua_decode(&m3ua_dialect, m, buf, len, err);
}

/* ---- accessors ---- */

int sg_m3ua_get_pdata(const struct sg_m3ua_msg *m, struct sg_m3ua_pdata *pd)
{
	const struct sg_m3ua_param *p = sg_m3ua_find(m, SG_M3UA_IEI_PROT_DATA, 0);

	if (!p || p->len < 12)
		return -1;
	pd->opc = ld32(p->val);
	pd->dpc = ld32(p->val + 4);
	pd->si = p->val[8];
	pd->ni = p->val[9];
	pd->mp = p->val[10];
	pd->sls = p->val[11];
	pd->data = p->val + 12;
	pd->len = p->len - 12;
	return 0;
}

static int rk_fail(enum sg_m3ua_reg_status *status, enum sg_m3ua_reg_status s)
{
	if (status)
		*status = s;
	return -1;
}

int sg_m3ua_rk_decode(const uint8_t *val, size_t len, struct sg_m3ua_rk *rk,
		      enum sg_m3ua_reg_status *status)
{
	struct sg_xua_sub_iter it = { val, len, 0 };
	/* error found while walking; the walk goes on to find the LRK-ID */
	enum sg_m3ua_reg_status st = SG_M3UA_REG_OK;
	bool has_lrk = false;
	/* sub-parameters seen in the current DPC group: SI, OPC List, CIC */
	unsigned int grp_seen = 0;
	const uint8_t *v;
	uint16_t tag, sl;
	int rc;

	memset(rk, 0, sizeof(*rk));
	if (status)
		*status = SG_M3UA_REG_OK;
	while ((rc = sg_xua_sub_next(&it, &tag, &sl, &v)) > 0) {
		enum sg_m3ua_reg_status e = SG_M3UA_REG_OK;
		unsigned int grp = rk->ndpc ? rk->ndpc - 1 : 0;

		switch (tag) {
		case SG_M3UA_IEI_LOCAL_RK_ID:
			if (sl != 4 || has_lrk) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			has_lrk = true;
			rk->lrk_id = ld32(v);
			break;
		case SG_M3UA_IEI_ROUTE_CTX:
			if (sl != 4 || rk->has_rctx) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			rk->has_rctx = true;
			rk->rctx = ld32(v);
			break;
		case SG_M3UA_IEI_TRAFFIC_MODE:
			if (sl != 4 || rk->has_tmt) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			rk->has_tmt = true;
			rk->tmt = ld32(v);
			if (rk->tmt < SG_M3UA_TMT_OVERRIDE || rk->tmt > SG_M3UA_TMT_BROADCAST)
				e = SG_M3UA_REG_ERR_INVAL_TRAF_HDL_MODE;
			break;
		case SG_M3UA_IEI_NET_APPEAR:
			if (sl != 4 || rk->has_na) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			rk->has_na = true;
			rk->na = ld32(v);
			break;
		case SG_M3UA_IEI_DPC:
			if (sl != 4) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			if (rk->ndpc == SG_M3UA_RK_MAX_DPC) {
				e = SG_M3UA_REG_ERR_INSUFF_RESRC;
				break;
			}
			rk->dpc[rk->ndpc++] = ld32(v);
			grp_seen = 0;
			break;
		case SG_M3UA_IEI_SI:
			if (!sl || (grp_seen & 1)) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			grp_seen |= 1;
			for (unsigned int i = 0; i < sl && !e; i++) {
				if (v[i] > 15)
					e = SG_M3UA_REG_ERR_INVAL_RKEY;
				else if (rk->nsi == SG_M3UA_RK_MAX_SI)
					e = SG_M3UA_REG_ERR_INSUFF_RESRC;
				else {
					rk->si_grp[rk->nsi] = grp;
					rk->si[rk->nsi++] = v[i];
				}
			}
			break;
		case SG_M3UA_IEI_OPC_LIST:
			if (!sl || (sl & 3) || (grp_seen & 2)) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			grp_seen |= 2;
			for (unsigned int i = 0; i < sl && !e; i += 4) {
				if (rk->nopc == SG_M3UA_RK_MAX_OPC) {
					e = SG_M3UA_REG_ERR_INSUFF_RESRC;
				} else {
					rk->opc_grp[rk->nopc] = grp;
					rk->opc[rk->nopc++] = ld32(v + i);
				}
			}
			break;
		case SG_M3UA_IEI_CIRCUIT_RANGE:
			if (!sl || (sl & 7) || (grp_seen & 4)) {
				e = SG_M3UA_REG_ERR_INVAL_RKEY;
				break;
			}
			grp_seen |= 4;
			for (unsigned int i = 0; i < sl && !e; i += 8) {
				struct sg_m3ua_cic_range *c;

				if (ld16(v + i + 4) > ld16(v + i + 6)) {
					e = SG_M3UA_REG_ERR_INVAL_RKEY;
				} else if (rk->ncic == SG_M3UA_RK_MAX_CIC) {
					e = SG_M3UA_REG_ERR_INSUFF_RESRC;
				} else {
					rk->cic_grp[rk->ncic] = grp;
					c = &rk->cic[rk->ncic++];
					c->mask = v[i];
					c->opc = ld32(v + i) & 0xffffff;
					c->lower = ld16(v + i + 4);
					c->upper = ld16(v + i + 6);
				}
			}
			break;
		default:
			e = SG_M3UA_REG_ERR_UNSUPP_RK_PARAM;
			break;
		}
		if (e && !st)
			st = e;
	}
	if (rc < 0 && !st)
		st = SG_M3UA_REG_ERR_INVAL_RKEY;
	if (!st && (!has_lrk || !rk->ndpc))
		st = SG_M3UA_REG_ERR_INVAL_RKEY;
	if (st)
		return rk_fail(status, st);
	return 0;
}

int sg_m3ua_get_rk(const struct sg_m3ua_msg *m, unsigned int idx, struct sg_m3ua_rk *rk,
		   enum sg_m3ua_reg_status *status)
{
	const struct sg_m3ua_param *p = sg_m3ua_find(m, SG_M3UA_IEI_ROUTING_KEY, idx);

	if (!p) {
		memset(rk, 0, sizeof(*rk));
		if (status)
			*status = SG_M3UA_REG_OK;
		return 1;
	}
	return sg_m3ua_rk_decode(p->val, p->len, rk, status);
}

int sg_m3ua_get_reg_result(const struct sg_m3ua_msg *m, unsigned int idx,
			   struct sg_m3ua_reg_result *r)
{
	const struct sg_m3ua_param *p = sg_m3ua_find(m, SG_M3UA_IEI_REG_RESULT, idx);

	memset(r, 0, sizeof(*r));
	if (!p)
		return 1;
	return reg_result_parse(p->val, p->len, r) == SG_M3UA_ERR_NONE ? 0 : -1;
}

int sg_m3ua_get_dereg_result(const struct sg_m3ua_msg *m, unsigned int idx,
			     struct sg_m3ua_dereg_result *r)
{
	const struct sg_m3ua_param *p = sg_m3ua_find(m, SG_M3UA_IEI_DEREG_RESULT, idx);

	memset(r, 0, sizeof(*r));
	if (!p)
		return 1;
	return dereg_result_parse(p->val, p->len, r) == SG_M3UA_ERR_NONE ? 0 : -1;
}

/* ---- encoder ---- */

int sg_m3ua_put_pdata(struct msgb *msg, const struct sg_m3ua_pdata *pd)
{
	uint8_t *p;

	if (pd->si > 15 || pd->ni > 3 || pd->mp > 3)
		return -1;
	p = sg_xua_put_tlv(msg, SG_M3UA_IEI_PROT_DATA, 12 + (size_t)pd->len);
	if (!p)
		return -1;
	st32(p, pd->opc);
	st32(p + 4, pd->dpc);
	p[8] = pd->si;
	p[9] = pd->ni;
	p[10] = pd->mp;
	p[11] = pd->sls;
	if (pd->len)
		memcpy(p + 12, pd->data, pd->len);
	return 0;
}

/* Largest Routing Key we build: 4 single values, and per DPC group a DPC,
 * an SI, an OPC List and a Circuit Range header, plus every entry. */
#define RK_BUF                                                                                 \
	(4 * 8 + SG_M3UA_RK_MAX_DPC * (8 + 3 * 4 + 3) + SG_M3UA_RK_MAX_SI +                     \
	 4 * SG_M3UA_RK_MAX_OPC + 8 * SG_M3UA_RK_MAX_CIC)

int sg_m3ua_put_rk(struct msgb *msg, const struct sg_m3ua_rk *rk)
{
	uint8_t buf[RK_BUF];
	size_t off = 0;

	if (!rk->ndpc || rk->ndpc > SG_M3UA_RK_MAX_DPC || rk->nsi > SG_M3UA_RK_MAX_SI ||
	    rk->nopc > SG_M3UA_RK_MAX_OPC || rk->ncic > SG_M3UA_RK_MAX_CIC)
		return -1;
	if (rk->has_tmt && (rk->tmt < SG_M3UA_TMT_OVERRIDE || rk->tmt > SG_M3UA_TMT_BROADCAST))
		return -1;
	for (unsigned int i = 0; i < rk->nsi; i++)
		if (rk->si[i] > 15 || rk->si_grp[i] >= rk->ndpc)
			return -1;
	for (unsigned int i = 0; i < rk->nopc; i++)
		if (rk->opc_grp[i] >= rk->ndpc)
			return -1;
	for (unsigned int i = 0; i < rk->ncic; i++)
		if (rk->cic_grp[i] >= rk->ndpc || rk->cic[i].lower > rk->cic[i].upper ||
		    rk->cic[i].opc > 0xffffff)
			return -1;

	sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_LOCAL_RK_ID, rk->lrk_id);
	if (rk->has_rctx)
		sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_ROUTE_CTX, rk->rctx);
	if (rk->has_tmt)
		sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_TRAFFIC_MODE, rk->tmt);
	for (unsigned int g = 0; g < rk->ndpc; g++) {
		unsigned int n;
		uint8_t *p;

		sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_DPC, rk->dpc[g]);
		if (!g && rk->has_na)
			sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_NET_APPEAR, rk->na);
		n = 0;
		for (unsigned int i = 0; i < rk->nsi; i++)
			n += rk->si_grp[i] == g;
		if (n) {
			p = sg_xua_sub_put(buf, &off, SG_M3UA_IEI_SI, n);
			for (unsigned int i = 0; i < rk->nsi; i++)
				if (rk->si_grp[i] == g)
					*p++ = rk->si[i];
		}
		n = 0;
		for (unsigned int i = 0; i < rk->nopc; i++)
			n += rk->opc_grp[i] == g;
		if (n) {
			p = sg_xua_sub_put(buf, &off, SG_M3UA_IEI_OPC_LIST, 4 * n);
			for (unsigned int i = 0; i < rk->nopc; i++)
				if (rk->opc_grp[i] == g) {
					st32(p, rk->opc[i]);
					p += 4;
				}
		}
		n = 0;
		for (unsigned int i = 0; i < rk->ncic; i++)
			n += rk->cic_grp[i] == g;
		if (n) {
			p = sg_xua_sub_put(buf, &off, SG_M3UA_IEI_CIRCUIT_RANGE, 8 * n);
			for (unsigned int i = 0; i < rk->ncic; i++)
				if (rk->cic_grp[i] == g) {
					const struct sg_m3ua_cic_range *c = &rk->cic[i];

					st32(p, (uint32_t)c->mask << 24 | c->opc);
					st16(p + 4, c->lower);
					st16(p + 6, c->upper);
					p += 8;
				}
		}
	}
	return sg_m3ua_put(msg, SG_M3UA_IEI_ROUTING_KEY, (uint16_t)off, buf);
}

int sg_m3ua_put_reg_result(struct msgb *msg, const struct sg_m3ua_reg_result *r)
{
	uint8_t buf[24];
	size_t off = 0;

	sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_LOCAL_RK_ID, r->lrk_id);
	sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_REG_STATUS, r->status);
	sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_ROUTE_CTX, r->rctx);
	return sg_m3ua_put(msg, SG_M3UA_IEI_REG_RESULT, (uint16_t)off, buf);
}

int sg_m3ua_put_dereg_result(struct msgb *msg, const struct sg_m3ua_dereg_result *r)
{
	uint8_t buf[16];
	size_t off = 0;

	sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_ROUTE_CTX, r->rctx);
	sg_xua_sub_put_u32(buf, &off, SG_M3UA_IEI_DEREG_STATUS, r->status);
	return sg_m3ua_put(msg, SG_M3UA_IEI_DEREG_RESULT, (uint16_t)off, buf);
}

struct msgb *sg_m3ua_err_new(enum sg_m3ua_err code, const uint32_t *rctx, const uint32_t *na,
			     const uint8_t *diag, size_t diag_len)
{
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_MGMT, SG_M3UA_MGMT_ERR);

	if (!msg)
		return NULL;
	/* §3.8.1 order: Error Code, Routing Context, Network Appearance,
	 * Affected Point Code, Diagnostic Information */
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ERR_CODE, code);
	if (rctx)
		sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, *rctx);
	if (na)
		sg_m3ua_put_u32(msg, SG_M3UA_IEI_NET_APPEAR, *na);
	if (diag && diag_len) {
		/* as much of the offending message as fits */
		size_t room = SG_M3UA_MAX_LEN - (msg->tail - msg->l3h) - 4;

		if (diag_len > room)
			diag_len = room & ~(size_t)3;
		sg_m3ua_put(msg, SG_M3UA_IEI_DIAG_INFO, (uint16_t)diag_len, diag);
	}
	sg_m3ua_finish(msg);
	return msg;
}

/* ---- names ---- */

const char *sg_m3ua_msg_name(uint8_t cls, uint8_t type)
{
	return sg_xua_msg_name(&m3ua_dialect, cls, type);
}

static const struct value_string tmt_names[] = {
	{ SG_M3UA_TMT_NONE, "none" },
	{ SG_M3UA_TMT_OVERRIDE, "override" },
	{ SG_M3UA_TMT_LOADSHARE, "loadshare" },
	{ SG_M3UA_TMT_BROADCAST, "broadcast" },
	{ 0, NULL }
};

static const struct value_string tag_names[] = {
	{ SG_M3UA_IEI_INFO_STRING, "INFO String" },
	{ SG_M3UA_IEI_ROUTE_CTX, "Routing Context" },
	{ SG_M3UA_IEI_DIAG_INFO, "Diagnostic Information" },
	{ SG_M3UA_IEI_HEARTBEAT_DATA, "Heartbeat Data" },
	{ SG_M3UA_IEI_TRAFFIC_MODE, "Traffic Mode Type" },
	{ SG_M3UA_IEI_ERR_CODE, "Error Code" },
	{ SG_M3UA_IEI_STATUS, "Status" },
	{ SG_M3UA_IEI_ASP_ID, "ASP Identifier" },
	{ SG_M3UA_IEI_AFFECTED_PC, "Affected Point Code" },
	{ SG_M3UA_IEI_CORR_ID, "Correlation ID" },
	{ SG_M3UA_IEI_NET_APPEAR, "Network Appearance" },
	{ SG_M3UA_IEI_USER_CAUSE, "User/Cause" },
	{ SG_M3UA_IEI_CONG_IND, "Congestion Indications" },
	{ SG_M3UA_IEI_CONCERNED_DEST, "Concerned Destination" },
	{ SG_M3UA_IEI_ROUTING_KEY, "Routing Key" },
	{ SG_M3UA_IEI_REG_RESULT, "Registration Result" },
	{ SG_M3UA_IEI_DEREG_RESULT, "Deregistration Result" },
	{ SG_M3UA_IEI_LOCAL_RK_ID, "Local-RK-Identifier" },
	{ SG_M3UA_IEI_DPC, "Destination Point Code" },
	{ SG_M3UA_IEI_SI, "Service Indicators" },
	{ SG_M3UA_IEI_OPC_LIST, "Originating Point Code List" },
	{ SG_M3UA_IEI_CIRCUIT_RANGE, "Circuit Range" },
	{ SG_M3UA_IEI_PROT_DATA, "Protocol Data" },
	{ SG_M3UA_IEI_REG_STATUS, "Registration Status" },
	{ SG_M3UA_IEI_DEREG_STATUS, "Deregistration Status" },
	{ 0, NULL }
};

static const struct value_string reg_status_names[] = {
	{ SG_M3UA_REG_OK, "Successfully Registered" },
	{ SG_M3UA_REG_ERR_UNKNOWN, "Error - Unknown" },
	{ SG_M3UA_REG_ERR_INVAL_DPC, "Error - Invalid DPC" },
	{ SG_M3UA_REG_ERR_INVAL_NET_APPEAR, "Error - Invalid Network Appearance" },
	{ SG_M3UA_REG_ERR_INVAL_RKEY, "Error - Invalid Routing Key" },
	{ SG_M3UA_REG_ERR_PERM_DENIED, "Error - Permission Denied" },
	{ SG_M3UA_REG_ERR_CANT_SUPP_UNQ_RT, "Error - Cannot Support Unique Routing" },
	{ SG_M3UA_REG_ERR_RKEY_NOT_PROVD, "Error - Routing Key not Currently Provisioned" },
	{ SG_M3UA_REG_ERR_INSUFF_RESRC, "Error - Insufficient Resources" },
	{ SG_M3UA_REG_ERR_UNSUPP_RK_PARAM, "Error - Unsupported RK parameter Field" },
	{ SG_M3UA_REG_ERR_INVAL_TRAF_HDL_MODE, "Error - Unsupported/Invalid Traffic Handling Mode" },
	{ SG_M3UA_REG_ERR_RKEY_CHG_REFUSED, "Error - Routing Key Change Refused" },
	{ SG_M3UA_REG_ERR_RKEY_ALRDY_REGD, "Error - Routing Key Already Registered" },
	{ 0, NULL }
};

static const struct value_string dereg_status_names[] = {
	{ SG_M3UA_DEREG_OK, "Successfully Deregistered" },
	{ SG_M3UA_DEREG_ERR_UNKNOWN, "Error - Unknown" },
	{ SG_M3UA_DEREG_ERR_INVAL_RCTX, "Error - Invalid Routing Context" },
	{ SG_M3UA_DEREG_ERR_PERM_DENIED, "Error - Permission Denied" },
	{ SG_M3UA_DEREG_ERR_NOT_REGD, "Error - Not Registered" },
	{ SG_M3UA_DEREG_ERR_ASP_ACTIVE, "Error - ASP Currently Active for Routing Context" },
	{ 0, NULL }
};

const char *sg_m3ua_tmt_name(enum sg_m3ua_tmt t)
{
	return sg_xua_vs_name(tmt_names, t);
}

const char *sg_m3ua_tag_name(uint16_t tag)
{
	return sg_xua_vs_name(tag_names, tag);
}

const char *sg_m3ua_reg_status_name(uint32_t status)
{
	return sg_xua_vs_name(reg_status_names, status);
}

const char *sg_m3ua_dereg_status_name(uint32_t status)
{
	return sg_xua_vs_name(dereg_status_names, status);
}
