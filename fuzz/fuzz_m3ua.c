/* libFuzzer target: M3UA message decoder and encoder, RFC 4666 §3 (sg/sigtran/xua_codec.c and
 * m3ua_codec.c). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <osmocom/core/msgb.h>

#include <sg/m3ua.h>

/*
 * Input: one M3UA message.  Whatever decodes must give an error code the codec documents, or
 * else re-encode parameter by parameter into the same octets (padding zeroed) and decode
 * again to the same parameters.  Every accessor runs on it; whatever they decode (Protocol
 * Data, Routing Keys, Registration and Deregistration Results) encodes again and decodes to
 * the same values.
 */

static bool rk_eq(const struct sg_m3ua_rk *a, const struct sg_m3ua_rk *b)
{
	if (a->lrk_id != b->lrk_id || a->has_rctx != b->has_rctx || a->rctx != b->rctx ||
	    a->has_tmt != b->has_tmt || a->tmt != b->tmt || a->has_na != b->has_na ||
	    a->na != b->na || a->ndpc != b->ndpc || a->nsi != b->nsi || a->nopc != b->nopc ||
	    a->ncic != b->ncic)
		return false;
	if (memcmp(a->dpc, b->dpc, a->ndpc * sizeof(a->dpc[0])) ||
	    memcmp(a->si, b->si, a->nsi) || memcmp(a->si_grp, b->si_grp, a->nsi) ||
	    memcmp(a->opc, b->opc, a->nopc * sizeof(a->opc[0])) ||
	    memcmp(a->opc_grp, b->opc_grp, a->nopc) || memcmp(a->cic_grp, b->cic_grp, a->ncic))
		return false;
	for (unsigned int i = 0; i < a->ncic; i++)
		if (a->cic[i].opc != b->cic[i].opc || a->cic[i].mask != b->cic[i].mask ||
		    a->cic[i].lower != b->cic[i].lower || a->cic[i].upper != b->cic[i].upper)
			return false;
	return true;
}

static void decode_again(const struct msgb *msg, struct sg_m3ua_msg *m)
{
	struct sg_m3ua_decode_err err;

	if (sg_m3ua_decode(m, msg->l3h, msgb_l3len(msg), &err))
		abort();
}

static void check_rks(const struct sg_m3ua_msg *m)
{
	for (unsigned int i = 0;; i++) {
		enum sg_m3ua_reg_status st;
		struct sg_m3ua_rk rk, rk2;
		struct sg_m3ua_msg m2;
		struct msgb *msg;
		int rc = sg_m3ua_get_rk(m, i, &rk, &st);

		if (rc == 1)
			return;
		if (rc < 0) {
			if (st == SG_M3UA_REG_OK)
				abort();
			continue;
		}
		if (st != SG_M3UA_REG_OK)
			abort();
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);
		if (sg_m3ua_put_rk(msg, &rk))
			abort();
		sg_m3ua_finish(msg);
		decode_again(msg, &m2);
		if (sg_m3ua_get_rk(&m2, 0, &rk2, &st) || !rk_eq(&rk, &rk2))
			abort();
		msgb_free(msg);
	}
}

static void check_results(const struct sg_m3ua_msg *m)
{
	struct sg_m3ua_reg_result r, r2;
	struct sg_m3ua_dereg_result d, d2;
	struct sg_m3ua_msg m2;
	struct msgb *msg;
	int rc;

	for (unsigned int i = 0; (rc = sg_m3ua_get_reg_result(m, i, &r)) != 1; i++) {
		/* decode checked every result of a REG RSP; elsewhere they are not allowed */
		if (rc)
			abort();
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_RSP);
		if (sg_m3ua_put_reg_result(msg, &r))
			abort();
		sg_m3ua_finish(msg);
		decode_again(msg, &m2);
		if (sg_m3ua_get_reg_result(&m2, 0, &r2) || memcmp(&r, &r2, sizeof(r)))
			abort();
		msgb_free(msg);
	}
	for (unsigned int i = 0; (rc = sg_m3ua_get_dereg_result(m, i, &d)) != 1; i++) {
		if (rc)
			abort();
		msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_RSP);
		if (sg_m3ua_put_dereg_result(msg, &d))
			abort();
		sg_m3ua_finish(msg);
		decode_again(msg, &m2);
		if (sg_m3ua_get_dereg_result(&m2, 0, &d2) || memcmp(&d, &d2, sizeof(d)))
			abort();
		msgb_free(msg);
	}
}

static void check_pdata(const struct sg_m3ua_msg *m)
{
	struct sg_m3ua_pdata pd, pd2;
	struct sg_m3ua_msg m2;
	struct msgb *msg;

	if (sg_m3ua_get_pdata(m, &pd))
		return;
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);
	if (sg_m3ua_put_pdata(msg, &pd))
		abort();
	sg_m3ua_finish(msg);
	decode_again(msg, &m2);
	if (sg_m3ua_get_pdata(&m2, &pd2) || pd.opc != pd2.opc || pd.dpc != pd2.dpc ||
	    pd.si != pd2.si || pd.ni != pd2.ni || pd.mp != pd2.mp || pd.sls != pd2.sls ||
	    pd.len != pd2.len || memcmp(pd.data, pd2.data, pd.len))
		abort();
	msgb_free(msg);
}

static bool known_error(enum sg_m3ua_err e)
{
	switch (e) {
	case SG_M3UA_ERR_INVALID_VERSION:
	case SG_M3UA_ERR_UNSUPP_MSG_CLASS:
	case SG_M3UA_ERR_UNSUPP_MSG_TYPE:
	case SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE:
	case SG_M3UA_ERR_PROTOCOL_ERROR:
	case SG_M3UA_ERR_INVALID_PARAM_VAL:
	case SG_M3UA_ERR_PARAM_FIELD_ERR:
	case SG_M3UA_ERR_UNEXPECTED_PARAM:
	case SG_M3UA_ERR_MISSING_PARAM:
		return true;
	default:
		return false;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_msg m, m2;
	struct msgb *msg, *e;
	uint32_t v, list[8];

	if (sg_m3ua_decode(&m, data, size, &err)) {
		if (!known_error(err.code) || !err.reason)
			abort();
		/* an ERR quoting the input can always be built and decoded */
		e = sg_m3ua_err_new(err.code, NULL, NULL, data, size);
		decode_again(e, &m2);
		msgb_free(e);
		return 0;
	}
	if (m.len != size || m.nparams > SG_M3UA_MAX_PARAMS || !sg_m3ua_msg_name(m.cls, m.type))
		abort();

	/* re-encode every parameter: the same octets but for padding, the same parameters */
	msg = sg_m3ua_msg_new(m.cls, m.type);
	for (unsigned int i = 0; i < m.nparams; i++)
		if (sg_m3ua_put(msg, m.params[i].tag, m.params[i].len, m.params[i].val))
			abort();
	if (sg_m3ua_finish(msg) != size)
		abort();
	decode_again(msg, &m2);
	if (m2.cls != m.cls || m2.type != m.type || m2.nparams != m.nparams)
		abort();
	for (unsigned int i = 0; i < m.nparams; i++)
		if (m2.params[i].tag != m.params[i].tag || m2.params[i].len != m.params[i].len ||
		    memcmp(m2.params[i].val, m.params[i].val, m.params[i].len))
			abort();
	msgb_free(msg);

	/* the accessors on whatever decoded */
	for (unsigned int i = 0; i < m.nparams; i++) {
		const struct sg_m3ua_param *p = &m.params[i];

		if (sg_m3ua_find(&m, p->tag, 0) == NULL)
			abort();
		if (sg_m3ua_get_u32(&m, p->tag, &v) && sg_m3ua_find(&m, p->tag, 0)->len != 4)
			abort();
		if (sg_m3ua_get_u32_list(&m, p->tag, list, 8) < 0)
			abort();
		(void)sg_m3ua_tag_name(p->tag);
	}
	check_pdata(&m);
	check_rks(&m);
	check_results(&m);
	return 0;
}
