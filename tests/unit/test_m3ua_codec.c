/* M3UA codec unit tests, RFC 4666 §3: round trips, every ERR code the codec gives, Routing Key
 * decoding, and two independent decoders as oracles (tshark, libosmo-xua). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/msg.h>
#include "cu_main.h"
#include "tshark.h"

#if defined(__has_include)
#if __has_include(<osmocom/sigtran/xua_msg.h>)
#include <osmocom/sigtran/xua_msg.h>
#define HAVE_XUA_MSG_H 1
#endif
#endif

/* ---- the sample messages: one per message type, with every parameter it may carry ---- */

enum ikind { I_U32, I_LIST, I_BYTES, I_PDATA, I_RK, I_REGRES, I_DEREGRES };

struct item {
	uint16_t tag;
	uint8_t kind;
	uint32_t u32;
	const uint32_t *list;
	unsigned int n;
	const void *bytes;
	uint16_t len;
	const struct sg_m3ua_pdata *pd;
	const struct sg_m3ua_rk *rk;
	const struct sg_m3ua_reg_result *rr;
	const struct sg_m3ua_dereg_result *dr;
};

struct sample {
	const char *name;
	uint8_t cls, type;
	unsigned int n;
	struct item it[6];
};

static const uint32_t rc_list[] = { 7, 300 };
static const uint32_t rc_one[] = { 263 };
static const uint32_t dereg_rcs[] = { 100, 101 };
/* ITU PC 0x1234 without mask; ANSI 1-2-3 with mask 8 (a /16 cluster, §3.4.1) */
static const uint32_t apc_list[] = { 0x00001234, 0x08010203 };
static const uint32_t apc_one[] = { 0x00002345 };
static const char info[] = "sigtran-sg";
static const uint8_t hb[] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
static const uint8_t diag[] = { 1, 0, 3, 1, 0, 0, 0, 8, 0xaa, 0xbb, 0xcc };
/* ISUP Reset Circuit (Q.763 §1.3, type 0x12, no parameters) on CIC 1: 3 octets */
static const uint8_t isup[] = { 0x01, 0x00, 0x12 };

static const struct sg_m3ua_pdata pdata = {
	.opc = 0x1234, .dpc = 0x2345, .si = 5, .ni = 2, .mp = 1, .sls = 9,
	.data = isup, .len = sizeof(isup),
};

static const struct sg_m3ua_rk rk1 = {
	.lrk_id = 1, .has_rctx = true, .rctx = 100, .has_tmt = true, .tmt = SG_M3UA_TMT_LOADSHARE,
	.has_na = true, .na = 17,
	.ndpc = 1, .dpc = { 0x2345 },
	.nsi = 2, .si = { 3, 5 },
	.nopc = 1, .opc = { 0x1234 },
	.ncic = 1, .cic = { { .opc = 0x1234, .mask = 0, .lower = 1, .upper = 31 } },
};

/* two DPC groups (§3.6.1): DPC 0x0101 with SI 5 and CICs, DPC 0x0202 with SI 3 and an OPC */
static const struct sg_m3ua_rk rk2 = {
	.lrk_id = 2,
	.ndpc = 2, .dpc = { 0x0101, 0x0202 },
	.nsi = 2, .si = { 5, 3 }, .si_grp = { 0, 1 },
	.nopc = 1, .opc = { 0x0303 }, .opc_grp = { 1 },
	.ncic = 2, .cic = { { 0x0404, 0, 32, 63 }, { 0x0405, 0, 64, 95 } }, .cic_grp = { 0, 0 },
};

static const struct sg_m3ua_reg_result rr1 = { .lrk_id = 1, .status = SG_M3UA_REG_OK, .rctx = 100 };
static const struct sg_m3ua_reg_result rr2 = { .lrk_id = 2, .status = SG_M3UA_REG_ERR_INVAL_RKEY };
static const struct sg_m3ua_dereg_result dr1 = { .rctx = 100, .status = SG_M3UA_DEREG_OK };
static const struct sg_m3ua_dereg_result dr2 = { .rctx = 101,
						 .status = SG_M3UA_DEREG_ERR_INVAL_RCTX };

#define U32(t, v) { .tag = SG_M3UA_IEI_##t, .kind = I_U32, .u32 = (v) }
#define LIST(t, a) { .tag = SG_M3UA_IEI_##t, .kind = I_LIST, .list = (a), .n = ARRAY_SIZE(a) }
#define BYTES(t, b, l) { .tag = SG_M3UA_IEI_##t, .kind = I_BYTES, .bytes = (b), .len = (l) }
#define INFO BYTES(INFO_STRING, info, sizeof(info) - 1)
#define HB BYTES(HEARTBEAT_DATA, hb, sizeof(hb))
#define PDATA { .tag = SG_M3UA_IEI_PROT_DATA, .kind = I_PDATA, .pd = &pdata }
#define RK(r) { .tag = SG_M3UA_IEI_ROUTING_KEY, .kind = I_RK, .rk = &(r) }
#define REGRES(r) { .tag = SG_M3UA_IEI_REG_RESULT, .kind = I_REGRES, .rr = &(r) }
#define DEREGRES(r) { .tag = SG_M3UA_IEI_DEREG_RESULT, .kind = I_DEREGRES, .dr = &(r) }

#define C(c) SG_M3UA_CLS_##c
static const struct sample samples[] = {
	{ "err", C(MGMT), SG_M3UA_MGMT_ERR, 5,
	  { U32(ERR_CODE, SG_M3UA_ERR_INVALID_ROUTING_CTX), LIST(ROUTE_CTX, rc_list),
	    U32(NET_APPEAR, 17), LIST(AFFECTED_PC, apc_list), BYTES(DIAG_INFO, diag, sizeof(diag)) } },
	{ "ntfy", C(MGMT), SG_M3UA_MGMT_NTFY, 4,
	  { U32(STATUS, SG_M3UA_NTFY_T_OTHER << 16 | SG_M3UA_NTFY_I_OT_ALT_ASP_ACT),
	    U32(ASP_ID, 0x0a0b0c0d), LIST(ROUTE_CTX, rc_one), INFO } },
	{ "data", C(XFER), SG_M3UA_XFER_DATA, 4,
	  { U32(NET_APPEAR, 17), U32(ROUTE_CTX, 263), PDATA, U32(CORR_ID, 42) } },
	{ "duna", C(SSNM), SG_M3UA_SSNM_DUNA, 4,
	  { U32(NET_APPEAR, 17), LIST(ROUTE_CTX, rc_list), LIST(AFFECTED_PC, apc_list), INFO } },
	{ "dava", C(SSNM), SG_M3UA_SSNM_DAVA, 2,
	  { LIST(ROUTE_CTX, rc_one), LIST(AFFECTED_PC, apc_list) } },
	{ "daud", C(SSNM), SG_M3UA_SSNM_DAUD, 2, { U32(NET_APPEAR, 17), LIST(AFFECTED_PC, apc_one) } },
	{ "scon", C(SSNM), SG_M3UA_SSNM_SCON, 6,
	  { U32(NET_APPEAR, 17), LIST(ROUTE_CTX, rc_one), LIST(AFFECTED_PC, apc_one),
	    U32(CONCERNED_DEST, 0x3333), U32(CONG_IND, 2), INFO } },
	{ "dupu", C(SSNM), SG_M3UA_SSNM_DUPU, 5,
	  { U32(NET_APPEAR, 17), LIST(ROUTE_CTX, rc_one), LIST(AFFECTED_PC, apc_one),
	    U32(USER_CAUSE, SG_M3UA_DUPU_INACCESSIBLE << 16 | 5), INFO } },
	{ "drst", C(SSNM), SG_M3UA_SSNM_DRST, 2, { LIST(AFFECTED_PC, apc_list), INFO } },
	{ "aspup", C(ASPSM), SG_M3UA_ASPSM_UP, 2, { U32(ASP_ID, 0x0a0b0c0d), INFO } },
	{ "aspdn", C(ASPSM), SG_M3UA_ASPSM_DOWN, 1, { INFO } },
	{ "beat", C(ASPSM), SG_M3UA_ASPSM_BEAT, 1, { HB } },
	{ "aspup_ack", C(ASPSM), SG_M3UA_ASPSM_UP_ACK, 2, { U32(ASP_ID, 0x0a0b0c0d), INFO } },
	{ "aspdn_ack", C(ASPSM), SG_M3UA_ASPSM_DOWN_ACK, 1, { INFO } },
	{ "beat_ack", C(ASPSM), SG_M3UA_ASPSM_BEAT_ACK, 1, { HB } },
	{ "aspac", C(ASPTM), SG_M3UA_ASPTM_ACT, 3,
	  { U32(TRAFFIC_MODE, SG_M3UA_TMT_LOADSHARE), LIST(ROUTE_CTX, rc_list), INFO } },
	{ "aspia", C(ASPTM), SG_M3UA_ASPTM_INACT, 2, { LIST(ROUTE_CTX, rc_list), INFO } },
	{ "aspac_ack", C(ASPTM), SG_M3UA_ASPTM_ACT_ACK, 2,
	  { U32(TRAFFIC_MODE, SG_M3UA_TMT_OVERRIDE), LIST(ROUTE_CTX, rc_one) } },
	{ "aspia_ack", C(ASPTM), SG_M3UA_ASPTM_INACT_ACK, 1, { LIST(ROUTE_CTX, rc_list) } },
	{ "reg_req", C(RKM), SG_M3UA_RKM_REG_REQ, 2, { RK(rk1), RK(rk2) } },
	{ "reg_rsp", C(RKM), SG_M3UA_RKM_REG_RSP, 2, { REGRES(rr1), REGRES(rr2) } },
	{ "dereg_req", C(RKM), SG_M3UA_RKM_DEREG_REQ, 1, { LIST(ROUTE_CTX, dereg_rcs) } },
	{ "dereg_rsp", C(RKM), SG_M3UA_RKM_DEREG_RSP, 2, { DEREGRES(dr1), DEREGRES(dr2) } },
};
#undef C

/* Encode a sample; NULL if an append failed (no CUnit here: the corpus writer uses it). */
static struct msgb *sample_encode(const struct sample *s)
{
	struct msgb *msg = sg_m3ua_msg_new(s->cls, s->type);

	if (!msg)
		return NULL;
	for (unsigned int i = 0; i < s->n; i++) {
		const struct item *it = &s->it[i];
		int rc = -1;

		switch (it->kind) {
		case I_U32:
			rc = sg_m3ua_put_u32(msg, it->tag, it->u32);
			break;
		case I_LIST:
			rc = sg_m3ua_put_u32_list(msg, it->tag, it->list, it->n);
			break;
		case I_BYTES:
			rc = sg_m3ua_put(msg, it->tag, it->len, it->bytes);
			break;
		case I_PDATA:
			rc = sg_m3ua_put_pdata(msg, it->pd);
			break;
		case I_RK:
			rc = sg_m3ua_put_rk(msg, it->rk);
			break;
		case I_REGRES:
			rc = sg_m3ua_put_reg_result(msg, it->rr);
			break;
		case I_DEREGRES:
			rc = sg_m3ua_put_dereg_result(msg, it->dr);
			break;
		}
		if (rc) {
			msgb_free(msg);
			return NULL;
		}
	}
	if (sg_m3ua_finish(msg) != msgb_l3len(msg)) {
		msgb_free(msg);
		return NULL;
	}
	return msg;
}

static struct msgb *sample_build(const struct sample *s)
{
	struct msgb *msg = sample_encode(s);

	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	return msg;
}

static bool rk_eq(const struct sg_m3ua_rk *a, const struct sg_m3ua_rk *b)
{
	if (a->lrk_id != b->lrk_id || a->has_rctx != b->has_rctx || a->has_tmt != b->has_tmt ||
	    a->has_na != b->has_na || a->ndpc != b->ndpc || a->nsi != b->nsi ||
	    a->nopc != b->nopc || a->ncic != b->ncic)
		return false;
	if ((a->has_rctx && a->rctx != b->rctx) || (a->has_tmt && a->tmt != b->tmt) ||
	    (a->has_na && a->na != b->na))
		return false;
	for (unsigned int i = 0; i < a->ndpc; i++)
		if (a->dpc[i] != b->dpc[i])
			return false;
	for (unsigned int i = 0; i < a->nsi; i++)
		if (a->si[i] != b->si[i] || a->si_grp[i] != b->si_grp[i])
			return false;
	for (unsigned int i = 0; i < a->nopc; i++)
		if (a->opc[i] != b->opc[i] || a->opc_grp[i] != b->opc_grp[i])
			return false;
	for (unsigned int i = 0; i < a->ncic; i++)
		if (a->cic[i].opc != b->cic[i].opc || a->cic[i].mask != b->cic[i].mask ||
		    a->cic[i].lower != b->cic[i].lower || a->cic[i].upper != b->cic[i].upper ||
		    a->cic_grp[i] != b->cic_grp[i])
			return false;
	return true;
}

/* Every field of the decoded message is what the sample put in. */
static void sample_verify(const struct sample *s, const struct sg_m3ua_msg *m)
{
	unsigned int rk_idx = 0, rr_idx = 0, dr_idx = 0;
	struct sg_m3ua_reg_result rr;
	struct sg_m3ua_dereg_result dr;
	struct sg_m3ua_rk rk;
	enum sg_m3ua_reg_status st;

	CU_ASSERT_EQUAL(m->version, 1);
	CU_ASSERT_EQUAL(m->cls, s->cls);
	CU_ASSERT_EQUAL(m->type, s->type);
	CU_ASSERT_EQUAL_FATAL(m->nparams, s->n);
	for (unsigned int i = 0; i < s->n; i++) {
		const struct item *it = &s->it[i];
		const struct sg_m3ua_param *p = &m->params[i];
		struct sg_m3ua_pdata pd;
		uint32_t v, l[8];

		CU_ASSERT_EQUAL(p->tag, it->tag);
		switch (it->kind) {
		case I_U32:
			CU_ASSERT(sg_m3ua_get_u32(m, it->tag, &v));
			CU_ASSERT_EQUAL(v, it->u32);
			break;
		case I_LIST:
			CU_ASSERT_EQUAL_FATAL(sg_m3ua_get_u32_list(m, it->tag, l, 8), (int)it->n);
			CU_ASSERT(!memcmp(l, it->list, it->n * 4));
			break;
		case I_BYTES:
			CU_ASSERT_EQUAL(p->len, it->len);
			CU_ASSERT(!memcmp(p->val, it->bytes, it->len));
			break;
		case I_PDATA:
			CU_ASSERT_EQUAL_FATAL(sg_m3ua_get_pdata(m, &pd), 0);
			CU_ASSERT(pd.opc == it->pd->opc && pd.dpc == it->pd->dpc);
			CU_ASSERT(pd.si == it->pd->si && pd.ni == it->pd->ni && pd.mp == it->pd->mp &&
				  pd.sls == it->pd->sls);
			CU_ASSERT_EQUAL_FATAL(pd.len, it->pd->len);
			CU_ASSERT(!memcmp(pd.data, it->pd->data, pd.len));
			break;
		case I_RK:
			CU_ASSERT_EQUAL(sg_m3ua_get_rk(m, rk_idx++, &rk, &st), 0);
			CU_ASSERT_EQUAL(st, SG_M3UA_REG_OK);
			CU_ASSERT(rk_eq(&rk, it->rk));
			break;
		case I_REGRES:
			CU_ASSERT_EQUAL(sg_m3ua_get_reg_result(m, rr_idx++, &rr), 0);
			CU_ASSERT(rr.lrk_id == it->rr->lrk_id && rr.status == it->rr->status &&
				  rr.rctx == it->rr->rctx);
			break;
		case I_DEREGRES:
			CU_ASSERT_EQUAL(sg_m3ua_get_dereg_result(m, dr_idx++, &dr), 0);
			CU_ASSERT(dr.rctx == it->dr->rctx && dr.status == it->dr->status);
			break;
		}
	}
	/* one past the last occurrence: "no such" */
	CU_ASSERT_EQUAL(sg_m3ua_get_rk(m, rk_idx, &rk, &st), 1);
	CU_ASSERT_EQUAL(sg_m3ua_get_reg_result(m, rr_idx, &rr), 1);
	CU_ASSERT_EQUAL(sg_m3ua_get_dereg_result(m, dr_idx, &dr), 1);
}

/* ---- round trips ---- */

static void test_roundtrip_every_message(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(samples); i++) {
		const struct sample *s = &samples[i];
		struct msgb *msg = sample_build(s);
		struct sg_m3ua_decode_err err;
		struct sg_m3ua_msg m;
		const uint8_t *b = msgb_l3(msg);
		unsigned int len = msgb_l3len(msg);
		int rc;

		/* the header: version 1, reserved 0, class, type, length = whole message (§3.1) */
		CU_ASSERT_EQUAL(b[0], 1);
		CU_ASSERT_EQUAL(b[1], 0);
		CU_ASSERT_EQUAL(b[2], s->cls);
		CU_ASSERT_EQUAL(b[3], s->type);
		CU_ASSERT_EQUAL((unsigned int)(b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7]), len);
		CU_ASSERT_EQUAL(len % 4, 0);
		CU_ASSERT_PTR_EQUAL(msg->l3h, msg->data);
		rc = sg_m3ua_decode(&m, b, len, &err);
		if (rc)
			printf("\n  %s: %s (%s)", s->name, sg_m3ua_err_name(err.code), err.reason);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_NONE);
		CU_ASSERT_EQUAL(m.len, len);
		CU_ASSERT_PTR_EQUAL(m.buf, b);
		sample_verify(s, &m);
		CU_ASSERT_STRING_NOT_EQUAL(sg_m3ua_msg_name(s->cls, s->type), "unknown");
		/* every parameter's padding is zero and excluded from its length (§3.2) */
		for (unsigned int j = 0; j < m.nparams; j++) {
			const struct sg_m3ua_param *p = &m.params[j];
			unsigned int pad = (4 - (p->len & 3)) & 3;

			for (unsigned int k = 0; k < pad; k++)
				CU_ASSERT_EQUAL(p->val[p->len + k], 0);
			CU_ASSERT_EQUAL(((p->val[-2] << 8) | p->val[-1]), p->len + 4);
		}
		msgb_free(msg);
	}
}

/* Octets written out by hand from RFC 4666 §3.1, §3.2, §3.3.1 and §3.5.1. */
static void test_golden_bytes(void)
{
	static const uint8_t data[] = {
		1, 0, 1, 1, 0, 0, 0, 44,		/* v1, XFER, DATA, length 44 */
		0x00, 0x06, 0x00, 0x08, 0, 0, 0x01, 0x07,	/* Routing Context 263 */
		0x02, 0x10, 0x00, 0x13,		/* Protocol Data, 4 + 12 + 3 = 19 */
		0, 0, 0x12, 0x34, 0, 0, 0x23, 0x45,	/* OPC, DPC */
		5, 2, 1, 9,			/* SI ISUP, NI national, MP 1, SLS 9 */
		0x01, 0x00, 0x12, 0,		/* ISUP RSC, 1 padding octet */
		0x00, 0x13, 0x00, 0x08, 0, 0, 0, 42,	/* Correlation ID */
	};
	static const uint8_t aspup[] = {
		1, 0, 3, 1, 0, 0, 0, 32,		/* v1, ASPSM, ASPUP, length 32 */
		0x00, 0x11, 0x00, 0x08, 0x0a, 0x0b, 0x0c, 0x0d,	/* ASP Identifier */
		0x00, 0x04, 0x00, 0x0e, 's', 'i', 'g', 't', 'r', 'a', 'n', '-', 's', 'g', 0, 0,
	};
	struct msgb *msg;

	msg = sg_m3ua_msg_new(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);
	CU_ASSERT_EQUAL(sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, 263), 0);
	CU_ASSERT_EQUAL(sg_m3ua_put_pdata(msg, &pdata), 0);
	CU_ASSERT_EQUAL(sg_m3ua_put_u32(msg, SG_M3UA_IEI_CORR_ID, 42), 0);
	CU_ASSERT_EQUAL(sg_m3ua_finish(msg), sizeof(data));
	CU_ASSERT(msgb_l3len(msg) == sizeof(data) && !memcmp(msgb_l3(msg), data, sizeof(data)));
	msgb_free(msg);

	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP);
	CU_ASSERT_EQUAL(sg_m3ua_put_u32(msg, SG_M3UA_IEI_ASP_ID, 0x0a0b0c0d), 0);
	CU_ASSERT_EQUAL(sg_m3ua_put(msg, SG_M3UA_IEI_INFO_STRING, 10, "sigtran-sg"), 0);
	CU_ASSERT_EQUAL(sg_m3ua_finish(msg), sizeof(aspup));
	CU_ASSERT(msgb_l3len(msg) == sizeof(aspup) && !memcmp(msgb_l3(msg), aspup, sizeof(aspup)));
	msgb_free(msg);
}

/* ---- decode errors: one test per ERR code (§3.8.1), exact code and tag ---- */

/* A message from raw parameter octets: header + params, length field = total (or lenfix). */
static size_t mk(uint8_t *out, uint8_t ver, uint8_t cls, uint8_t type, const uint8_t *params,
		 size_t plen)
{
	size_t len = 8 + plen;

	out[0] = ver;
	out[1] = 0;
	out[2] = cls;
	out[3] = type;
	out[4] = len >> 24;
	out[5] = len >> 16;
	out[6] = len >> 8;
	out[7] = len;
	if (plen)
		memcpy(out + 8, params, plen);
	return len;
}

/* Decode from an exactly sized heap copy (so that ASan sees any overread). */
static int dec(const uint8_t *b, size_t len, struct sg_m3ua_decode_err *err)
{
	uint8_t *cp = calloc(1, len ? len : 1);
	struct sg_m3ua_msg m;
	int rc;

	memcpy(cp, b, len);
	memset(err, 0xff, sizeof(*err));
	rc = sg_m3ua_decode(&m, cp, len, err);
	free(cp);
	return rc;
}

static void expect_err(uint8_t cls, uint8_t type, const uint8_t *params, size_t plen,
		       enum sg_m3ua_err code, uint16_t tag)
{
	uint8_t buf[512];
	struct sg_m3ua_decode_err err;
	size_t len = mk(buf, 1, cls, type, params, plen);

	CU_ASSERT_EQUAL(dec(buf, len, &err), -1);
	if (err.code != code || err.tag != tag)
		printf("\n  %s: got %s tag 0x%04x, expected %s tag 0x%04x",
		       sg_m3ua_msg_name(cls, type), sg_m3ua_err_name(err.code), err.tag,
		       sg_m3ua_err_name(code), tag);
	CU_ASSERT_EQUAL(err.code, code);
	CU_ASSERT_EQUAL(err.tag, tag);
	CU_ASSERT_PTR_NOT_NULL(err.reason);
}

static void expect_ok(uint8_t cls, uint8_t type, const uint8_t *params, size_t plen)
{
	uint8_t buf[512];
	struct sg_m3ua_decode_err err;
	size_t len = mk(buf, 1, cls, type, params, plen);

	CU_ASSERT_EQUAL(dec(buf, len, &err), 0);
	if (err.code)
		printf("\n  %s: unexpected %s tag 0x%04x", sg_m3ua_msg_name(cls, type),
		       sg_m3ua_err_name(err.code), err.tag);
}

#define T(t) (SG_M3UA_IEI_##t >> 8), (SG_M3UA_IEI_##t & 0xff)
/* a valid Protocol Data parameter (12 octets of label, no user data) */
#define PD_OK T(PROT_DATA), 0, 16, 0, 0, 0, 1, 0, 0, 0, 2, 3, 2, 0, 0

static void test_err_invalid_version(void)
{
	uint8_t buf[16];
	struct sg_m3ua_decode_err err;
	size_t len;

	/* RFC 4666 §3.8.1 Invalid Version (0x01): checked before anything else */
	for (unsigned int v = 0; v < 256; v++) {
		if (v == 1)
			continue;
		len = mk(buf, v, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP, NULL, 0);
		CU_ASSERT_EQUAL(dec(buf, len, &err), -1);
		CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_INVALID_VERSION);
	}
	/* even a message too short for a header, or with a wrong length */
	buf[0] = 2;
	CU_ASSERT_EQUAL(dec(buf, 3, &err), -1);
	CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_INVALID_VERSION);
	len = mk(buf, 0, 77, 77, NULL, 0);
	buf[7] = 99;
	CU_ASSERT_EQUAL(dec(buf, len, &err), -1);
	CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_INVALID_VERSION);
}

static void test_err_unsupported_message_class(void)
{
	/* RFC 4666 §3.8.1 Unsupported Message Class (0x03): 5..8 and 10.. are not M3UA's
	 * (M2UA MAUP 6, SUA CL/CO 7/8, IIM 10, ...) */
	static const uint8_t bad[] = { 5, 6, 7, 8, 10, 11, 127, 255 };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		expect_err(bad[i], 1, NULL, 0, SG_M3UA_ERR_UNSUPP_MSG_CLASS, 0);
}

static void test_err_unsupported_message_type(void)
{
	/* RFC 4666 §3.8.1 Unsupported Message Type (0x04) */
	static const struct { uint8_t cls, type; } bad[] = {
		{ SG_M3UA_CLS_MGMT, 2 }, { SG_M3UA_CLS_MGMT, 255 }, { SG_M3UA_CLS_XFER, 0 },
		{ SG_M3UA_CLS_XFER, 2 }, { SG_M3UA_CLS_SSNM, 0 }, { SG_M3UA_CLS_SSNM, 7 },
		{ SG_M3UA_CLS_ASPSM, 0 }, { SG_M3UA_CLS_ASPSM, 7 }, { SG_M3UA_CLS_ASPTM, 0 },
		{ SG_M3UA_CLS_ASPTM, 5 }, { SG_M3UA_CLS_RKM, 0 }, { SG_M3UA_CLS_RKM, 5 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		expect_err(bad[i].cls, bad[i].type, NULL, 0, SG_M3UA_ERR_UNSUPP_MSG_TYPE, 0);
}

static void test_err_unsupported_traffic_mode_type(void)
{
	/* RFC 4666 §3.8.1 Unsupported Traffic Mode Type (0x05): ASPAC with a TMT other than
	 * 1 override, 2 loadshare, 3 broadcast */
	static const uint32_t bad[] = { 0, 4, 0x100, 0xffffffff };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		uint8_t p[] = { T(TRAFFIC_MODE), 0, 8, bad[i] >> 24, bad[i] >> 16, bad[i] >> 8,
				bad[i] };

		expect_err(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT, p, sizeof(p),
			   SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE, SG_M3UA_IEI_TRAFFIC_MODE);
		expect_err(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT_ACK, p, sizeof(p),
			   SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE, SG_M3UA_IEI_TRAFFIC_MODE);
	}
	for (uint8_t t = 1; t <= 3; t++) {
		uint8_t p[] = { T(TRAFFIC_MODE), 0, 8, 0, 0, 0, t };

		expect_ok(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT, p, sizeof(p));
	}
}

static void test_err_protocol_error(void)
{
	/* RFC 4666 §3.8.1 Protocol Error (0x07): framing that cannot be parsed */
	uint8_t buf[64] = { 0 };
	struct sg_m3ua_decode_err err;
	size_t len;

	/* nothing, or less than the 8-octet common header */
	CU_ASSERT_EQUAL(dec(buf, 0, &err), -1);
	CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_PROTOCOL_ERROR);
	len = mk(buf, 1, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, NULL, 0);
	for (size_t n = 1; n < 8; n++) {
		CU_ASSERT_EQUAL(dec(buf, n, &err), -1);
		CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_PROTOCOL_ERROR);
	}
	/* message length field larger / smaller than what arrived */
	buf[7] = 12;
	CU_ASSERT_EQUAL(dec(buf, len, &err), -1);
	CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_PROTOCOL_ERROR);
	{
		uint8_t p[] = { T(HEARTBEAT_DATA), 0, 8, 1, 2, 3, 4 };

		len = mk(buf, 1, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, sizeof(p));
		buf[7] = 8;
		CU_ASSERT_EQUAL(dec(buf, len, &err), -1);
		CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_PROTOCOL_ERROR);
		buf[4] = 0x80;	/* absurd length */
		buf[7] = 16;
		CU_ASSERT_EQUAL(dec(buf, len, &err), -1);
		CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_PROTOCOL_ERROR);
	}
	/* a wrong parameter length field (below 4, or beyond the message end) is the
	 * Parameter Field Error of §3.8.1: see test_err_param_length_field */
	/* last parameter without its padding (the message length must include it, §3.2) */
	{
		uint8_t p[] = { T(HEARTBEAT_DATA), 0, 5, 1 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, sizeof(p),
			   SG_M3UA_ERR_PROTOCOL_ERROR, SG_M3UA_IEI_HEARTBEAT_DATA);
	}
	/* 1..3 octets after the last parameter: a truncated parameter header */
	for (size_t extra = 1; extra < 4; extra++) {
		uint8_t p[] = { T(HEARTBEAT_DATA), 0, 8, 1, 2, 3, 4, 0, 0, 0 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, 8 + extra,
			   SG_M3UA_ERR_PROTOCOL_ERROR, 0);
	}
	/* more parameters than SG_M3UA_MAX_PARAMS: a framing limit, found before the
	 * parameters' meaning (these would otherwise be Unexpected Parameter) */
	{
		uint8_t p[4 * (SG_M3UA_MAX_PARAMS + 1)];

		for (unsigned int i = 0; i < SG_M3UA_MAX_PARAMS + 1; i++) {
			p[4 * i] = 0x03;
			p[4 * i + 1] = 0x00;
			p[4 * i + 2] = 0;
			p[4 * i + 3] = 4;
		}
		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, sizeof(p),
			   SG_M3UA_ERR_PROTOCOL_ERROR, 0x0300);
	}
	/* a framing error outranks an earlier unexpected parameter */
	{
		uint8_t p[] = { T(PROT_DATA), 0, 4, T(HEARTBEAT_DATA), 0, 9, 1, 2, 3, 4, 5 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, sizeof(p),
			   SG_M3UA_ERR_PROTOCOL_ERROR, SG_M3UA_IEI_HEARTBEAT_DATA);
	}
}

static void test_err_param_length_field(void)
{
	/* RFC 4666 §3.8.1 Parameter Field Error (0x12): "a parameter having a wrong length
	 * field": below 4 (0..3), beyond the octets left, 0xffff */
	static const uint16_t bad[] = { 0, 1, 2, 3, 12, 9, 0xffff };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		uint8_t p[] = { T(HEARTBEAT_DATA), bad[i] >> 8, bad[i] & 0xff, 1, 2, 3, 4 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_HEARTBEAT_DATA);
	}
	/* it outranks an earlier unexpected parameter, as framing does */
	{
		uint8_t p[] = { T(PROT_DATA), 0, 4, T(HEARTBEAT_DATA), 0, 9, 1, 2, 3, 4 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_HEARTBEAT_DATA);
	}
}

static void test_err_invalid_parameter_value(void)
{
	/* RFC 4666 §3.8.1 Invalid Parameter Value (0x11) */
	/* §3.8.2: Status type 1 with info 2..4, type 2 with info 1..3 */
	static const struct { uint16_t type, info; bool ok; } st[] = {
		{ 1, 1, false }, { 1, 2, true }, { 1, 3, true }, { 1, 4, true }, { 1, 5, false },
		{ 2, 0, false }, { 2, 1, true }, { 2, 3, true }, { 2, 4, false }, { 0, 2, false },
		{ 3, 1, false },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(st); i++) {
		uint8_t p[] = { T(STATUS), 0, 8, 0, st[i].type, 0, st[i].info };

		if (st[i].ok)
			expect_ok(SG_M3UA_CLS_MGMT, SG_M3UA_MGMT_NTFY, p, sizeof(p));
		else
			expect_err(SG_M3UA_CLS_MGMT, SG_M3UA_MGMT_NTFY, p, sizeof(p),
				   SG_M3UA_ERR_INVALID_PARAM_VAL, SG_M3UA_IEI_STATUS);
	}
	/* §3.4.5 DUPU: cause 0..2, user 0..15 */
	for (unsigned int cause = 0; cause < 5; cause++) {
		for (unsigned int user = 0; user < 18; user += 3) {
			uint8_t p[] = { T(AFFECTED_PC), 0, 8, 0, 0, 0x12, 0x34,
					T(USER_CAUSE), 0, 8, 0, cause, 0, user };

			if (cause <= 2 && user <= 15)
				expect_ok(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUPU, p, sizeof(p));
			else
				expect_err(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUPU, p, sizeof(p),
					   SG_M3UA_ERR_INVALID_PARAM_VAL, SG_M3UA_IEI_USER_CAUSE);
		}
	}
	/* §3.4.4 SCON Congestion Level 0..3 */
	for (uint8_t lvl = 0; lvl < 6; lvl++) {
		uint8_t p[] = { T(AFFECTED_PC), 0, 8, 0, 0, 0x12, 0x34,
				T(CONG_IND), 0, 8, 0, 0, 0, lvl };

		if (lvl <= 3)
			expect_ok(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_SCON, p, sizeof(p));
		else
			expect_err(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_SCON, p, sizeof(p),
				   SG_M3UA_ERR_INVALID_PARAM_VAL, SG_M3UA_IEI_CONG_IND);
	}
	/* §3.3.1 Protocol Data: SI 0..15, NI 0..3, MP 0..3 */
	{
		static const uint8_t sinimp[][3] = { { 16, 0, 0 }, { 255, 0, 0 }, { 3, 4, 0 },
						     { 3, 0, 4 }, { 3, 0xff, 0xff } };

		for (unsigned int i = 0; i < ARRAY_SIZE(sinimp); i++) {
			uint8_t p[] = { T(PROT_DATA), 0, 16, 0, 0, 0, 1, 0, 0, 0, 2,
					sinimp[i][0], sinimp[i][1], sinimp[i][2], 0 };

			expect_err(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, p, sizeof(p),
				   SG_M3UA_ERR_INVALID_PARAM_VAL, SG_M3UA_IEI_PROT_DATA);
		}
		uint8_t p[] = { T(PROT_DATA), 0, 16, 0, 0, 0, 1, 0, 0, 0, 2, 15, 3, 3, 0xff };

		expect_ok(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, p, sizeof(p));
	}
	/* §3.6.2 Registration Status 0..12, §3.6.4 Deregistration Status 0..5 */
	{
		uint8_t p[] = { T(REG_RESULT), 0, 28, T(LOCAL_RK_ID), 0, 8, 0, 0, 0, 1,
				T(REG_STATUS), 0, 8, 0, 0, 0, 13, T(ROUTE_CTX), 0, 8, 0, 0, 0, 0 };

		expect_err(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_RSP, p, sizeof(p),
			   SG_M3UA_ERR_INVALID_PARAM_VAL, SG_M3UA_IEI_REG_RESULT);
		p[19] = 12;
		expect_ok(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_RSP, p, sizeof(p));
	}
	{
		uint8_t p[] = { T(DEREG_RESULT), 0, 20, T(ROUTE_CTX), 0, 8, 0, 0, 0, 1,
				T(DEREG_STATUS), 0, 8, 0, 0, 0, 6 };

		expect_err(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_RSP, p, sizeof(p),
			   SG_M3UA_ERR_INVALID_PARAM_VAL, SG_M3UA_IEI_DEREG_RESULT);
		p[19] = 5;
		expect_ok(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_RSP, p, sizeof(p));
	}
}

static void test_err_parameter_field_error(void)
{
	/* RFC 4666 §3.8.1 Parameter Field Error (0x12): a value of the wrong length */
	{	/* ASP Identifier is 4 octets */
		uint8_t p[] = { T(ASP_ID), 0, 7, 1, 2, 3, 0 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_ASP_ID);
	}
	{	/* a Routing Context list is n x 4 octets */
		uint8_t p[] = { T(ROUTE_CTX), 0, 10, 0, 0, 0, 1, 0, 2, 0, 0 };

		expect_err(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_ROUTE_CTX);
	}
	{	/* an empty Routing Context list */
		uint8_t p[] = { T(ROUTE_CTX), 0, 4 };

		expect_err(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_REQ, p, 4,
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_ROUTE_CTX);
	}
	{	/* DATA carries a single Routing Context (§3.3.1) */
		uint8_t p[] = { T(ROUTE_CTX), 0, 12, 0, 0, 0, 1, 0, 0, 0, 2, PD_OK };

		expect_err(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_ROUTE_CTX);
	}
	{	/* Protocol Data shorter than 12 octets */
		uint8_t p[] = { T(PROT_DATA), 0, 15, 0, 0, 0, 1, 0, 0, 0, 2, 3, 2, 0, 0 };

		expect_err(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_PROT_DATA);
	}
	{	/* INFO String longer than 255 octets (§3.4.1) */
		uint8_t p[4 + 256] = { T(INFO_STRING), 0x01, 0x04 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_INFO_STRING);
		p[2] = (4 + 255) >> 8;
		p[3] = (4 + 255) & 0xff;
		expect_ok(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN, p, sizeof(p));
	}
	{	/* DUPU has a single Affected Point Code (§3.4.5) */
		uint8_t p[] = { T(AFFECTED_PC), 0, 12, 0, 0, 0x12, 0x34, 0, 0, 0x12, 0x35,
				T(USER_CAUSE), 0, 8, 0, 1, 0, 5 };

		expect_err(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUPU, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_AFFECTED_PC);
	}
	{	/* a Registration Result without its Registration Status */
		uint8_t p[] = { T(REG_RESULT), 0, 20, T(LOCAL_RK_ID), 0, 8, 0, 0, 0, 1,
				T(ROUTE_CTX), 0, 8, 0, 0, 0, 0 };

		expect_err(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_RSP, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_REG_RESULT);
	}
	{	/* a Deregistration Result with a sub-parameter that overruns it */
		uint8_t p[] = { T(DEREG_RESULT), 0, 20, T(ROUTE_CTX), 0, 8, 0, 0, 0, 1,
				T(DEREG_STATUS), 0, 12, 0, 0, 0, 0 };

		expect_err(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_RSP, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_DEREG_RESULT);
	}
	{	/* a length error outranks a range error in an earlier parameter */
		uint8_t p[] = { T(TRAFFIC_MODE), 0, 8, 0, 0, 0, 9, T(ROUTE_CTX), 0, 6, 1, 2, 0, 0 };

		expect_err(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT, p, sizeof(p),
			   SG_M3UA_ERR_PARAM_FIELD_ERR, SG_M3UA_IEI_ROUTE_CTX);
	}
}

static void test_err_unexpected_parameter(void)
{
	/* RFC 4666 §3.8.1 Unexpected Parameter (0x13) */
	{	/* a known parameter that this message does not have */
		uint8_t p[] = { PD_OK };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP, p, sizeof(p),
			   SG_M3UA_ERR_UNEXPECTED_PARAM, SG_M3UA_IEI_PROT_DATA);
	}
	{	/* unknown tags: common range (0x0001, not used in M3UA), M3UA range, above */
		static const uint16_t tags[] = { 0x0000, 0x0001, 0x0005, 0x0014, 0x0201, 0x020d,
						 0x0211, 0x0214, 0x1234, 0xffff };

		for (unsigned int i = 0; i < ARRAY_SIZE(tags); i++) {
			uint8_t p[] = { tags[i] >> 8, tags[i] & 0xff, 0, 8, 1, 2, 3, 4 };

			expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, p, sizeof(p),
				   SG_M3UA_ERR_UNEXPECTED_PARAM, tags[i]);
		}
	}
	{	/* a parameter that may appear once, twice */
		uint8_t p[] = { T(ROUTE_CTX), 0, 8, 0, 0, 0, 1, T(ROUTE_CTX), 0, 8, 0, 0, 0, 2,
				PD_OK };

		expect_err(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, p, sizeof(p),
			   SG_M3UA_ERR_UNEXPECTED_PARAM, SG_M3UA_IEI_ROUTE_CTX);
	}
	{	/* an unexpected parameter outranks a length error */
		uint8_t p[] = { T(ASP_ID), 0, 5, 1, 0, 0, 0, T(CORR_ID), 0, 8, 0, 0, 0, 1 };

		expect_err(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP, p, sizeof(p),
			   SG_M3UA_ERR_UNEXPECTED_PARAM, SG_M3UA_IEI_CORR_ID);
	}
	{	/* Routing Key may repeat in REG REQ, Routing Context not in DEREG REQ */
		uint8_t p[] = { T(ROUTE_CTX), 0, 8, 0, 0, 0, 1, T(ROUTE_CTX), 0, 8, 0, 0, 0, 2 };

		expect_err(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_REQ, p, sizeof(p),
			   SG_M3UA_ERR_UNEXPECTED_PARAM, SG_M3UA_IEI_ROUTE_CTX);
	}
}

static void test_err_missing_parameter(void)
{
	/* RFC 4666 §3.8.1 Missing Parameter (0x16), with the missing tag */
	static const struct { uint8_t cls, type; uint16_t tag; } mand[] = {
		{ SG_M3UA_CLS_MGMT, SG_M3UA_MGMT_ERR, SG_M3UA_IEI_ERR_CODE },
		{ SG_M3UA_CLS_MGMT, SG_M3UA_MGMT_NTFY, SG_M3UA_IEI_STATUS },
		{ SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA, SG_M3UA_IEI_PROT_DATA },
		{ SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUNA, SG_M3UA_IEI_AFFECTED_PC },
		{ SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DAVA, SG_M3UA_IEI_AFFECTED_PC },
		{ SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DAUD, SG_M3UA_IEI_AFFECTED_PC },
		{ SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_SCON, SG_M3UA_IEI_AFFECTED_PC },
		{ SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUPU, SG_M3UA_IEI_AFFECTED_PC },
		{ SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DRST, SG_M3UA_IEI_AFFECTED_PC },
		{ SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ, SG_M3UA_IEI_ROUTING_KEY },
		{ SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_RSP, SG_M3UA_IEI_REG_RESULT },
		{ SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_REQ, SG_M3UA_IEI_ROUTE_CTX },
		{ SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_RSP, SG_M3UA_IEI_DEREG_RESULT },
	};
	/* an INFO String that none of these allows does not hide the missing one */
	uint8_t info_p[] = { T(INFO_STRING), 0, 5, 'x', 0, 0, 0 };

	for (unsigned int i = 0; i < ARRAY_SIZE(mand); i++) {
		expect_err(mand[i].cls, mand[i].type, NULL, 0, SG_M3UA_ERR_MISSING_PARAM,
			   mand[i].tag);
		expect_err(mand[i].cls, mand[i].type, info_p, sizeof(info_p),
			   SG_M3UA_ERR_MISSING_PARAM, mand[i].tag);
	}
	{	/* DUPU: User/Cause too */
		uint8_t p[] = { T(AFFECTED_PC), 0, 8, 0, 0, 0x12, 0x34 };

		expect_err(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DUPU, p, sizeof(p),
			   SG_M3UA_ERR_MISSING_PARAM, SG_M3UA_IEI_USER_CAUSE);
	}
	/* messages without mandatory parameters decode empty */
	expect_ok(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP, NULL, 0);
	expect_ok(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT, NULL, 0);
	expect_ok(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT_ACK, NULL, 0);
}

/* Osmocom's decoder drops a last parameter that is a bare 4-octet header; ours keeps it. */
static void test_bare_last_parameter(void)
{
	uint8_t p[] = { T(ASP_ID), 0, 8, 0, 0, 0, 1, T(INFO_STRING), 0, 4 };
	uint8_t buf[32];
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_msg m;
	size_t len = mk(buf, 1, SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP, p, sizeof(p));

	CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, buf, len, &err), 0);
	CU_ASSERT_EQUAL_FATAL(m.nparams, 2);
	CU_ASSERT_EQUAL(m.params[1].tag, SG_M3UA_IEI_INFO_STRING);
	CU_ASSERT_EQUAL(m.params[1].len, 0);
}

/* Every prefix of every sample, with the original or a fixed-up length: an error or a
 * message, never a read past the end (the copies are exactly sized for ASan). */
static void test_truncated_inputs(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(samples); i++) {
		struct msgb *msg = sample_build(&samples[i]);
		const uint8_t *b = msgb_l3(msg);
		unsigned int len = msgb_l3len(msg);
		struct sg_m3ua_decode_err err;

		for (unsigned int n = 0; n < len; n++) {
			uint8_t *cp = malloc(n ? n : 1);

			memcpy(cp, b, n);
			CU_ASSERT_EQUAL(dec(cp, n, &err), -1);
			CU_ASSERT_EQUAL(err.code, SG_M3UA_ERR_PROTOCOL_ERROR);
			if (n >= 8) {
				int rc;

				cp[4] = 0;
				cp[5] = 0;
				cp[6] = n >> 8;
				cp[7] = n;
				rc = dec(cp, n, &err);
				/* at a parameter boundary the message may stand (or miss a
				 * mandatory parameter); elsewhere it is a framing error */
				if (rc)
					CU_ASSERT(err.code == SG_M3UA_ERR_PROTOCOL_ERROR ||
						  err.code == SG_M3UA_ERR_PARAM_FIELD_ERR ||
						  err.code == SG_M3UA_ERR_MISSING_PARAM);
			}
			free(cp);
		}
		msgb_free(msg);
	}
}

/* Deterministic garbage after a valid header: whatever decodes re-encodes to the same
 * parameters (padding zeroed) and decodes again. */
static void test_garbage_inputs(void)
{
	uint32_t x = 12345;
	unsigned int ok = 0;

	for (unsigned int iter = 0; iter < 20000; iter++) {
		uint8_t buf[96];
		const struct sample *s = &samples[iter % ARRAY_SIZE(samples)];
		struct sg_m3ua_decode_err err;
		struct sg_m3ua_msg m, m2;
		size_t plen, len;
		struct msgb *msg;

		x = x * 1103515245 + 12345;
		plen = 4 * ((x >> 16) % 20);
		for (size_t k = 0; k < plen; k++) {
			x = x * 1103515245 + 12345;
			buf[8 + k] = (x >> 16) & 0xff;
		}
		/* steer the tags and lengths towards plausible values now and then */
		for (size_t k = 0; k + 4 <= plen; k += 8) {
			if ((x >> (k & 15)) & 1) {
				buf[8 + k] = buf[8 + k] & 1 ? 0x02 : 0x00;
				buf[8 + k + 2] = 0;
				buf[8 + k + 3] = 4 + (buf[8 + k + 3] & 7);
			}
		}
		len = mk(buf, 1, s->cls, s->type, buf + 8, plen);
		if (dec(buf, len, &err))
			continue;
		ok++;
		CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, buf, len, &err), 0);
		msg = sg_m3ua_msg_new(m.cls, m.type);
		for (unsigned int j = 0; j < m.nparams; j++)
			CU_ASSERT_EQUAL(sg_m3ua_put(msg, m.params[j].tag, m.params[j].len,
						    m.params[j].val), 0);
		CU_ASSERT_EQUAL(sg_m3ua_finish(msg), len);
		CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m2, msgb_l3(msg), msgb_l3len(msg), &err), 0);
		CU_ASSERT_EQUAL_FATAL(m2.nparams, m.nparams);
		for (unsigned int j = 0; j < m.nparams; j++)
			CU_ASSERT(m2.params[j].tag == m.params[j].tag &&
				  m2.params[j].len == m.params[j].len &&
				  !memcmp(m2.params[j].val, m.params[j].val, m.params[j].len));
		msgb_free(msg);
	}
	printf("\n  %u garbage messages decoded ", ok);
	CU_ASSERT(ok > 0);
}

/* ---- Routing Key (§3.6.1) ---- */

/* A REG REQ with one Routing Key made of the given sub-parameter octets. */
static int rk_from(const uint8_t *sub, size_t n, struct sg_m3ua_rk *rk,
		   enum sg_m3ua_reg_status *st)
{
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_msg m;
	int rc;

	CU_ASSERT_EQUAL(sg_m3ua_put(msg, SG_M3UA_IEI_ROUTING_KEY, n, sub), 0);
	sg_m3ua_finish(msg);
	/* a bad key is not a syntax error of the message: it gets a REG RSP status */
	CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, msgb_l3(msg), msgb_l3len(msg), &err), 0);
	rc = sg_m3ua_get_rk(&m, 0, rk, st);
	msgb_free(msg);
	return rc;
}

#define LRK(v) T(LOCAL_RK_ID), 0, 8, 0, 0, 0, v
#define DPC(v) T(DPC), 0, 8, 0, 0, 0, v

static void test_rk_groups(void)
{
	/* §3.6.1: DPC, SI, OPC List, Circuit Range repeat as groups opened by a DPC */
	uint8_t sub[] = { LRK(9), DPC(1), T(SI), 0, 6, 5, 3, 0, 0,
			  DPC(2), T(OPC_LIST), 0, 12, 0, 0, 0, 7, 0, 0, 0, 8,
			  T(SI), 0, 5, 13, 0, 0, 0,
			  T(CIRCUIT_RANGE), 0, 12, 0, 0, 0, 7, 0, 1, 0, 31 };
	struct sg_m3ua_rk rk;
	enum sg_m3ua_reg_status st;

	CU_ASSERT_EQUAL_FATAL(rk_from(sub, sizeof(sub), &rk, &st), 0);
	CU_ASSERT_EQUAL(rk.lrk_id, 9);
	CU_ASSERT(rk.ndpc == 2 && rk.dpc[0] == 1 && rk.dpc[1] == 2);
	CU_ASSERT(rk.nsi == 3 && rk.si[0] == 5 && rk.si[1] == 3 && rk.si[2] == 13);
	CU_ASSERT(rk.si_grp[0] == 0 && rk.si_grp[1] == 0 && rk.si_grp[2] == 1);
	CU_ASSERT(rk.nopc == 2 && rk.opc[0] == 7 && rk.opc[1] == 8 && rk.opc_grp[0] == 1 &&
		  rk.opc_grp[1] == 1);
	CU_ASSERT(rk.ncic == 1 && rk.cic[0].opc == 7 && rk.cic[0].lower == 1 &&
		  rk.cic[0].upper == 31 && rk.cic_grp[0] == 1);
	CU_ASSERT(!rk.has_rctx && !rk.has_tmt && !rk.has_na);

	/* re-encoded in the §3.6.1 order, it decodes to the same key */
	{
		struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);
		const struct sg_m3ua_param *p;
		struct sg_m3ua_decode_err err;
		struct sg_m3ua_msg m;
		struct sg_m3ua_rk again;

		CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), 0);
		sg_m3ua_finish(msg);
		CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, msgb_l3(msg), msgb_l3len(msg), &err), 0);
		CU_ASSERT_EQUAL(sg_m3ua_get_rk(&m, 0, &again, &st), 0);
		CU_ASSERT(rk_eq(&rk, &again));
		p = sg_m3ua_find(&m, SG_M3UA_IEI_ROUTING_KEY, 0);
		/* LRK first, then DPC #1 */
		CU_ASSERT(p && p->val[0] == 0x02 && p->val[1] == 0x0a && p->val[8] == 0x02 &&
			  p->val[9] == 0x0b);
		msgb_free(msg);
	}

	/* an SI sent before the first DPC belongs to the first group */
	{
		uint8_t s2[] = { T(SI), 0, 5, 5, 0, 0, 0, LRK(1), DPC(4) };

		CU_ASSERT_EQUAL(rk_from(s2, sizeof(s2), &rk, &st), 0);
		CU_ASSERT(rk.nsi == 1 && rk.si[0] == 5 && rk.si_grp[0] == 0 && rk.ndpc == 1);
	}
	/* the padding of the last sub-parameter may be left out of the Routing Key length */
	{
		uint8_t s3[] = { LRK(1), DPC(4), T(SI), 0, 5, 5 };

		CU_ASSERT_EQUAL(rk_from(s3, sizeof(s3), &rk, &st), 0);
		CU_ASSERT(rk.nsi == 1 && rk.si[0] == 5);
	}
}

static void expect_rk_status(const uint8_t *sub, size_t n, enum sg_m3ua_reg_status want,
			     uint32_t lrk)
{
	struct sg_m3ua_rk rk;
	enum sg_m3ua_reg_status st = SG_M3UA_REG_OK;

	CU_ASSERT_EQUAL(rk_from(sub, n, &rk, &st), -1);
	if (st != want)
		printf("\n  routing key: got status %s, expected %s", sg_m3ua_reg_status_name(st),
		       sg_m3ua_reg_status_name(want));
	CU_ASSERT_EQUAL(st, want);
	CU_ASSERT_EQUAL(rk.lrk_id, lrk);
}

static void test_rk_invalid(void)
{
	/* §3.6.2 statuses for keys that cannot be registered as sent */
	{	/* no Local-RK-Identifier */
		uint8_t s[] = { DPC(1) };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INVAL_RKEY, 0);
	}
	{	/* no DPC: the LRK-ID is still reported, for the REG RSP */
		uint8_t s[] = { LRK(7), T(SI), 0, 5, 5, 0, 0, 0 };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
	}
	{	/* an unknown sub-parameter: Unsupported RK parameter Field */
		uint8_t s[] = { LRK(7), DPC(1), 0x02, 0x0d, 0, 8, 0, 0, 0, 0 };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_UNSUPP_RK_PARAM, 7);
	}
	{	/* Traffic Mode Type 4: Unsupported / Invalid Traffic Handling Mode */
		uint8_t s[] = { LRK(7), T(TRAFFIC_MODE), 0, 8, 0, 0, 0, 4, DPC(1) };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INVAL_TRAF_HDL_MODE, 7);
	}
	{	/* SI above 15 */
		uint8_t s[] = { LRK(7), DPC(1), T(SI), 0, 5, 16, 0, 0, 0 };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
	}
	{	/* a second SI in the same DPC group */
		uint8_t s[] = { LRK(7), DPC(1), T(SI), 0, 5, 3, 0, 0, 0, T(SI), 0, 5, 5, 0, 0, 0 };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
	}
	{	/* CIC range with lower > upper, and one not a multiple of 8 */
		uint8_t s[] = { LRK(7), DPC(1), T(CIRCUIT_RANGE), 0, 12, 0, 0, 0, 1, 0, 9, 0, 8 };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
		s[19] = 10;	/* length 10 */
		expect_rk_status(s, sizeof(s) - 2, SG_M3UA_REG_ERR_INVAL_RKEY, 7);
	}
	{	/* OPC list not a multiple of 4, DPC of 8 octets, two LRK-IDs */
		uint8_t s1[] = { LRK(7), DPC(1), T(OPC_LIST), 0, 6, 0, 1, 0, 0 };
		uint8_t s2[] = { LRK(7), T(DPC), 0, 12, 0, 0, 0, 1, 0, 0, 0, 2 };
		uint8_t s3[] = { LRK(7), LRK(8), DPC(1) };

		expect_rk_status(s1, sizeof(s1), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
		expect_rk_status(s2, sizeof(s2), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
		expect_rk_status(s3, sizeof(s3), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
	}
	{	/* more DPCs than we keep: Insufficient Resources */
		uint8_t s[8 + 8 * (SG_M3UA_RK_MAX_DPC + 1)] = { LRK(7) };

		for (unsigned int i = 0; i <= SG_M3UA_RK_MAX_DPC; i++) {
			uint8_t d[] = { DPC(i) };

			memcpy(s + 8 + 8 * i, d, 8);
		}
		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INSUFF_RESRC, 7);
		{
			struct sg_m3ua_rk rk;
			enum sg_m3ua_reg_status st;

			CU_ASSERT_EQUAL(rk_from(s, sizeof(s) - 8, &rk, &st), 0);
			CU_ASSERT(st == SG_M3UA_REG_OK && rk.ndpc == SG_M3UA_RK_MAX_DPC);
		}
	}
	{	/* broken framing inside the key, an empty key */
		uint8_t s[] = { LRK(7), T(DPC), 0, 2, 0, 0 };

		expect_rk_status(s, sizeof(s), SG_M3UA_REG_ERR_INVAL_RKEY, 7);
		expect_rk_status(s, 0, SG_M3UA_REG_ERR_INVAL_RKEY, 0);
		expect_rk_status(s, 10, SG_M3UA_REG_ERR_INVAL_RKEY, 7);
	}
}

static void test_rk_encoder_refuses(void)
{
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);
	unsigned int len0 = msgb_l3len(msg);
	struct sg_m3ua_rk rk;

	rk = rk1;
	rk.ndpc = 0;
	CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), -1);
	rk = rk1;
	rk.ndpc = SG_M3UA_RK_MAX_DPC + 1;
	CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), -1);
	rk = rk1;
	rk.tmt = 7;
	CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), -1);
	rk = rk1;
	rk.si_grp[0] = 1;
	CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), -1);
	rk = rk1;
	rk.si[1] = 16;
	CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), -1);
	rk = rk1;
	rk.cic[0].lower = 40;
	CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), -1);
	rk = rk1;
	rk.nsi = SG_M3UA_RK_MAX_SI + 1;
	CU_ASSERT_EQUAL(sg_m3ua_put_rk(msg, &rk), -1);
	CU_ASSERT_EQUAL(msgb_l3len(msg), len0);
	msgb_free(msg);
}

/* ---- encoder limits, ERR, names ---- */

static void test_encoder_limits(void)
{
	static uint8_t big[SG_M3UA_MAX_LEN];
	struct msgb *msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT);
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_msg m;
	struct sg_m3ua_pdata pd = pdata;
	unsigned int len;

	/* exactly SG_M3UA_MAX_LEN fits, one parameter more does not, and changes nothing */
	CU_ASSERT_EQUAL(sg_m3ua_put(msg, SG_M3UA_IEI_HEARTBEAT_DATA, SG_M3UA_MAX_LEN - 12, big),
			0);
	CU_ASSERT_EQUAL(msgb_l3len(msg), SG_M3UA_MAX_LEN);
	CU_ASSERT_EQUAL(sg_m3ua_put(msg, SG_M3UA_IEI_INFO_STRING, 0, NULL), -1);
	CU_ASSERT_EQUAL(sg_m3ua_put_u32(msg, SG_M3UA_IEI_ASP_ID, 1), -1);
	CU_ASSERT_EQUAL(msgb_l3len(msg), SG_M3UA_MAX_LEN);
	len = sg_m3ua_finish(msg);
	CU_ASSERT_EQUAL(len, SG_M3UA_MAX_LEN);
	CU_ASSERT_EQUAL(sg_m3ua_decode(&m, msgb_l3(msg), len, &err), 0);
	msgb_free(msg);

	msg = sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT);
	CU_ASSERT_EQUAL(sg_m3ua_put(msg, SG_M3UA_IEI_HEARTBEAT_DATA, SG_M3UA_MAX_LEN - 11, big),
			-1);
	CU_ASSERT_EQUAL(msgb_l3len(msg), 8);
	CU_ASSERT_EQUAL(sg_m3ua_put_u32_list(msg, SG_M3UA_IEI_ROUTE_CTX, rc_list, 0), -1);
	pd.si = 16;
	CU_ASSERT_EQUAL(sg_m3ua_put_pdata(msg, &pd), -1);
	pd = pdata;
	pd.ni = 4;
	CU_ASSERT_EQUAL(sg_m3ua_put_pdata(msg, &pd), -1);
	CU_ASSERT_EQUAL(msgb_l3len(msg), 8);
	/* the header length follows every append even before finish */
	CU_ASSERT_EQUAL(sg_m3ua_put_u32(msg, SG_M3UA_IEI_ASP_ID, 1), 0);
	CU_ASSERT_EQUAL(msg->l3h[7], 16);
	msgb_free(msg);
}

static void test_err_new(void)
{
	static uint8_t huge[SG_M3UA_MAX_LEN + 100];
	uint32_t rc = 5, na = 9, v;
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_msg m;
	const struct sg_m3ua_param *p;
	struct msgb *msg;

	msg = sg_m3ua_err_new(SG_M3UA_ERR_INVALID_ROUTING_CTX, &rc, &na, diag, sizeof(diag));
	CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, msgb_l3(msg), msgb_l3len(msg), &err), 0);
	CU_ASSERT(m.cls == SG_M3UA_CLS_MGMT && m.type == SG_M3UA_MGMT_ERR && m.nparams == 4);
	CU_ASSERT(sg_m3ua_get_u32(&m, SG_M3UA_IEI_ERR_CODE, &v) &&
		  v == SG_M3UA_ERR_INVALID_ROUTING_CTX);
	CU_ASSERT(sg_m3ua_get_u32(&m, SG_M3UA_IEI_ROUTE_CTX, &v) && v == 5);
	CU_ASSERT(sg_m3ua_get_u32(&m, SG_M3UA_IEI_NET_APPEAR, &v) && v == 9);
	p = sg_m3ua_find(&m, SG_M3UA_IEI_DIAG_INFO, 0);
	CU_ASSERT(p && p->len == sizeof(diag) && !memcmp(p->val, diag, sizeof(diag)));
	CU_ASSERT_PTR_NULL(sg_m3ua_find(&m, SG_M3UA_IEI_DIAG_INFO, 1));
	msgb_free(msg);

	msg = sg_m3ua_err_new(SG_M3UA_ERR_PROTOCOL_ERROR, NULL, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, msgb_l3(msg), msgb_l3len(msg), &err), 0);
	CU_ASSERT_EQUAL(m.nparams, 1);
	msgb_free(msg);

	/* an offending message too large to quote whole is cut to fit */
	msg = sg_m3ua_err_new(SG_M3UA_ERR_PROTOCOL_ERROR, &rc, NULL, huge, sizeof(huge));
	CU_ASSERT(msgb_l3len(msg) <= SG_M3UA_MAX_LEN);
	CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, msgb_l3(msg), msgb_l3len(msg), &err), 0);
	p = sg_m3ua_find(&m, SG_M3UA_IEI_DIAG_INFO, 0);
	CU_ASSERT(p && p->len > SG_M3UA_MAX_LEN - 40);
	msgb_free(msg);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(sg_m3ua_msg_name(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA), "DATA");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_msg_name(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP), "ASPUP");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_msg_name(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT_ACK),
			       "BEAT_ACK");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_msg_name(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_RSP),
			       "DEREG_RSP");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_msg_name(SG_M3UA_CLS_SSNM, SG_M3UA_SSNM_DRST), "DRST");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_msg_name(SG_M3UA_CLS_XFER, 0), "unknown");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_msg_name(7, 1), "unknown");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_err_name(SG_M3UA_ERR_MISSING_PARAM), "Missing Parameter");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_err_name(0x42), "unknown");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_tmt_name(SG_M3UA_TMT_LOADSHARE), "loadshare");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_tag_name(SG_M3UA_IEI_PROT_DATA), "Protocol Data");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_reg_status_name(SG_M3UA_REG_ERR_INSUFF_RESRC),
			       "Error - Insufficient Resources");
	CU_ASSERT_STRING_EQUAL(sg_m3ua_dereg_status_name(99), "unknown");
}

/* The xUA core's timer table: the names of sgd's configuration, the defaults an instance
 * starts with, the ranges sg_m3ua_alloc() enforces (BEAT: 0 or 100..300000). */
static int no_send(void *tctx, struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	msgb_free(msg);
	return 0;
}

static void test_xua_timers(void)
{
	static const struct sg_xua_transport_ops tops = { .send = no_send };
	static const struct { enum sg_xua_timer t; uint32_t ms; bool ok; } cases[] = {
		{ SG_XUA_T_R, 9, false }, { SG_XUA_T_R, 10, true }, { SG_XUA_T_R, 60000, true },
		{ SG_XUA_T_R, 60001, false }, { SG_XUA_T_ACK, 99, false },
		{ SG_XUA_T_ACK, 100, true }, { SG_XUA_T_ACK, 60001, false },
		{ SG_XUA_T_BEAT, 0, true }, { SG_XUA_T_BEAT, 50, false },
		{ SG_XUA_T_BEAT, 100, true }, { SG_XUA_T_BEAT, 300000, true },
		{ SG_XUA_T_BEAT, 300001, false },
	};
	struct sg_m3ua_cfg cfg;
	struct sg_m3ua *m;

	CU_ASSERT_EQUAL(sg_tdef_find(sg_xua_timer_defs, _SG_XUA_T_MAX, "recovery_ms"), SG_XUA_T_R);
	CU_ASSERT_EQUAL(sg_tdef_find(sg_xua_timer_defs, _SG_XUA_T_MAX, "ack_ms"), SG_XUA_T_ACK);
	CU_ASSERT_EQUAL(sg_tdef_find(sg_xua_timer_defs, _SG_XUA_T_MAX, "beat_ms"), SG_XUA_T_BEAT);
	sg_m3ua_cfg_defaults(&cfg);
	CU_ASSERT_EQUAL(cfg.t_r_ms, 2000);
	CU_ASSERT_EQUAL(cfg.t_ack_ms, 2000);
	CU_ASSERT_EQUAL(cfg.beat_ms, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL(sg_xua_timer_valid(cases[i].t, cases[i].ms), cases[i].ok);
		sg_m3ua_cfg_defaults(&cfg);
		if (cases[i].t == SG_XUA_T_R)
			cfg.t_r_ms = cases[i].ms;
		else if (cases[i].t == SG_XUA_T_ACK)
			cfg.t_ack_ms = cases[i].ms;
		else
			cfg.beat_ms = cases[i].ms;
		m = sg_m3ua_alloc(NULL, &cfg, &tops, NULL, NULL, NULL);
		CU_ASSERT_EQUAL(m != NULL, cases[i].ok);
		if (m)
			sg_m3ua_free(m);
	}
}

/* ---- oracle 1: tshark (Wireshark's M3UA dissector) ---- */

/* Fields we compare, and what each sample puts into them (in order of occurrence). */
enum tf {
	TF_CLASS, TF_TYPE, TF_RC, TF_NA, TF_APC_MASK, TF_APC_PC, TF_ASP_ID, TF_TMT,
	TF_ST_TYPE, TF_ST_INFO, TF_ERR, TF_CAUSE, TF_USER, TF_CONG, TF_CONC, TF_CORR,
	TF_OPC, TF_DPC, TF_SI, TF_NI, TF_MP, TF_SLS, TF_LRK, TF_RK_DPC, TF_RK_SI, TF_RK_OPC,
	TF_CIC_PC, TF_CIC_LO, TF_CIC_HI, TF_REG_ST, TF_DEREG_ST,
	TF_INFO, TF_HB, TF_DIAG, _TF_N	/* the last three compare as text */
};
static const char *const tf_names[_TF_N] = {
	"m3ua.message_class", "m3ua.message_type", "m3ua.routing_context",
	"m3ua.network_appearance", "m3ua.affected_point_code_mask",
	"m3ua.affected_point_code_pc", "m3ua.asp_identifier", "m3ua.traffic_mode_type",
	"m3ua.status_type", "m3ua.status_info", "m3ua.error_code", "m3ua.unavailability_cause",
	"m3ua.user_identity", "m3ua.congestion_level", "m3ua.concerned_dpc",
	"m3ua.correlation_identifier", "m3ua.protocol_data_opc", "m3ua.protocol_data_dpc",
	"m3ua.protocol_data_si", "m3ua.protocol_data_ni", "m3ua.protocol_data_mp",
	"m3ua.protocol_data_sls", "m3ua.local_rk_identifier", "m3ua.dpc_pc", "m3ua.si",
	"m3ua.opc_list_pc", "m3ua.cic_range_pc", "m3ua.cic_range_lower", "m3ua.cic_range_upper",
	"m3ua.registration_status", "m3ua.deregistration_status", "m3ua.info_string",
	"m3ua.heartbeat_data", "m3ua.diagnostic_information",
};

#define TF_MAX 16
struct tf_exp {
	unsigned int n[_TF_N];
	uint32_t v[_TF_N][TF_MAX];
	char s[_TF_N][256];	/* TF_INFO.. as tshark prints them */
};

/* Append an occurrence of a text field: a string, or octets in hex. */
static void tf_add_text(struct tf_exp *e, enum tf f, const uint8_t *b, unsigned int len, bool hex)
{
	size_t off = strlen(e->s[f]);

	if (off)
		off += snprintf(e->s[f] + off, sizeof(e->s[f]) - off, ",");
	for (unsigned int i = 0; i < len && off < sizeof(e->s[f]); i++)
		off += snprintf(e->s[f] + off, sizeof(e->s[f]) - off, hex ? "%02x" : "%c", b[i]);
}

static void tf_add(struct tf_exp *e, enum tf f, uint32_t v)
{
	if (e->n[f] < TF_MAX)
		e->v[f][e->n[f]++] = v;
}

static void tf_expect(const struct sample *s, struct tf_exp *e)
{
	memset(e, 0, sizeof(*e));
	tf_add(e, TF_CLASS, s->cls);
	tf_add(e, TF_TYPE, s->type);
	for (unsigned int i = 0; i < s->n; i++) {
		const struct item *it = &s->it[i];
		const struct sg_m3ua_rk *rk = it->rk;

		switch (it->tag) {
		case SG_M3UA_IEI_ROUTE_CTX:
			if (it->kind == I_U32)
				tf_add(e, TF_RC, it->u32);
			for (unsigned int j = 0; it->kind == I_LIST && j < it->n; j++)
				tf_add(e, TF_RC, it->list[j]);
			break;
		case SG_M3UA_IEI_NET_APPEAR:
			tf_add(e, TF_NA, it->u32);
			break;
		case SG_M3UA_IEI_AFFECTED_PC:
			for (unsigned int j = 0; j < it->n; j++) {
				tf_add(e, TF_APC_MASK, it->list[j] >> 24);
				tf_add(e, TF_APC_PC, it->list[j] & 0xffffff);
			}
			break;
		case SG_M3UA_IEI_ASP_ID:
			tf_add(e, TF_ASP_ID, it->u32);
			break;
		case SG_M3UA_IEI_TRAFFIC_MODE:
			tf_add(e, TF_TMT, it->u32);
			break;
		case SG_M3UA_IEI_STATUS:
			tf_add(e, TF_ST_TYPE, it->u32 >> 16);
			tf_add(e, TF_ST_INFO, it->u32 & 0xffff);
			break;
		case SG_M3UA_IEI_ERR_CODE:
			tf_add(e, TF_ERR, it->u32);
			break;
		case SG_M3UA_IEI_USER_CAUSE:
			tf_add(e, TF_CAUSE, it->u32 >> 16);
			tf_add(e, TF_USER, it->u32 & 0xffff);
			break;
		case SG_M3UA_IEI_CONG_IND:
			tf_add(e, TF_CONG, it->u32 & 0xff);
			break;
		case SG_M3UA_IEI_CONCERNED_DEST:
			tf_add(e, TF_CONC, it->u32 & 0xffffff);
			break;
		case SG_M3UA_IEI_CORR_ID:
			tf_add(e, TF_CORR, it->u32);
			break;
		case SG_M3UA_IEI_PROT_DATA:
			tf_add(e, TF_OPC, it->pd->opc);
			tf_add(e, TF_DPC, it->pd->dpc);
			tf_add(e, TF_SI, it->pd->si);
			tf_add(e, TF_NI, it->pd->ni);
			tf_add(e, TF_MP, it->pd->mp);
			tf_add(e, TF_SLS, it->pd->sls);
			break;
		case SG_M3UA_IEI_INFO_STRING:
			tf_add_text(e, TF_INFO, it->bytes, it->len, false);
			break;
		case SG_M3UA_IEI_HEARTBEAT_DATA:
			tf_add_text(e, TF_HB, it->bytes, it->len, true);
			break;
		case SG_M3UA_IEI_DIAG_INFO:
			tf_add_text(e, TF_DIAG, it->bytes, it->len, true);
			break;
		case SG_M3UA_IEI_ROUTING_KEY:
			/* in our encoding order: LRK, RC, TMT, then per group DPC (NA), SI, OPC, CIC */
			tf_add(e, TF_LRK, rk->lrk_id);
			if (rk->has_rctx)
				tf_add(e, TF_RC, rk->rctx);
			if (rk->has_tmt)
				tf_add(e, TF_TMT, rk->tmt);
			if (rk->has_na)
				tf_add(e, TF_NA, rk->na);
			for (unsigned int g = 0; g < rk->ndpc; g++) {
				tf_add(e, TF_RK_DPC, rk->dpc[g] & 0xffffff);
				for (unsigned int j = 0; j < rk->nsi; j++)
					if (rk->si_grp[j] == g)
						tf_add(e, TF_RK_SI, rk->si[j]);
				for (unsigned int j = 0; j < rk->nopc; j++)
					if (rk->opc_grp[j] == g)
						tf_add(e, TF_RK_OPC, rk->opc[j] & 0xffffff);
				for (unsigned int j = 0; j < rk->ncic; j++) {
					if (rk->cic_grp[j] != g)
						continue;
					tf_add(e, TF_CIC_PC, rk->cic[j].opc);
					tf_add(e, TF_CIC_LO, rk->cic[j].lower);
					tf_add(e, TF_CIC_HI, rk->cic[j].upper);
				}
			}
			break;
		/* Wireshark shows the sub-parameters of the results with the fields of the
		 * parameters they are */
		case SG_M3UA_IEI_REG_RESULT:
			tf_add(e, TF_LRK, it->rr->lrk_id);
			tf_add(e, TF_REG_ST, it->rr->status);
			tf_add(e, TF_RC, it->rr->rctx);
			break;
		case SG_M3UA_IEI_DEREG_RESULT:
			tf_add(e, TF_RC, it->dr->rctx);
			tf_add(e, TF_DEREG_ST, it->dr->status);
			break;
		}
	}
}

/* Parse "v1,v2,..." (decimal or 0x hex, as tshark prints the field's base). */
static unsigned int tf_parse(const char *s, uint32_t *v, unsigned int max)
{
	unsigned int n = 0;

	while (*s && n < max) {
		char *end;

		v[n++] = (uint32_t)strtoul(s, &end, 0);
		if (end == s)
			return ~0u;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

static void test_tshark(void)
{
	char dir[] = "/tmp/sg-m3ua-XXXXXX", txt[128], pcap[128], cmd[4096], line[8192];
	unsigned int matched = 0;
	FILE *f, *p;
	size_t off;

	if (!tshark_available() || system("command -v text2pcap >/dev/null 2>&1")) {
		printf("\n  SKIP: tshark/text2pcap not found, independent check not run\n  ");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(txt, sizeof(txt), "%s/m3ua.txt", dir);
	snprintf(pcap, sizeof(pcap), "%s/m3ua.pcap", dir);
	f = fopen(txt, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (unsigned int i = 0; i < ARRAY_SIZE(samples); i++) {
		struct msgb *msg = sample_build(&samples[i]);
		const uint8_t *b = msgb_l3(msg);
		unsigned int len = msgb_l3len(msg);

		/* each line's offset is its own */
		for (unsigned int o = 0; o < len; o += 16) {
			fprintf(f, "%06x", o);
			for (unsigned int k = o; k < len && k < o + 16; k++)
				fprintf(f, " %02x", b[k]);
			fprintf(f, "\n");
		}
		fprintf(f, "\n");
		msgb_free(msg);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "text2pcap -q -4 10.0.0.1,10.0.0.2 -S 2905,2905,3 %s %s >/dev/null 2>&1", txt, pcap);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);

	/* nothing Wireshark finds malformed, checksum included */
	CU_ASSERT_EQUAL(tshark_malformed(pcap, "-o 'sctp.checksum:CRC 32c'"), 0);
	CU_ASSERT_EQUAL(tshark_count(pcap, "", "m3ua"), (int)ARRAY_SIZE(samples));

	off = snprintf(cmd, sizeof(cmd), "tshark -n -r %s -T fields -E separator='|' "
			"-E occurrence=a -E aggregator=,", pcap);
	for (unsigned int i = 0; i < _TF_N; i++)
		off += snprintf(cmd + off, sizeof(cmd) - off, " -e '%s'", tf_names[i]);
	snprintf(cmd + off, sizeof(cmd) - off, " 2>/dev/null");
	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (unsigned int i = 0; i < ARRAY_SIZE(samples); i++) {
		const struct sample *s = &samples[i];
		char *fields[_TF_N], *cur;
		struct tf_exp e;
		bool ok = true;

		if (!fgets(line, sizeof(line), p)) {
			CU_FAIL("tshark gave fewer frames");
			break;
		}
		line[strcspn(line, "\n")] = 0;
		cur = line;
		for (unsigned int k = 0; k < _TF_N; k++) {
			fields[k] = cur;
			cur = strchr(cur, '|');
			if (!cur && k + 1 < _TF_N) {
				CU_FAIL("tshark gave a short line");
				ok = false;
				break;
			}
			if (cur)
				*cur++ = 0;
		}
		if (!ok)
			continue;
		tf_expect(s, &e);
		for (unsigned int k = 0; k < _TF_N; k++) {
			uint32_t got[TF_MAX];
			unsigned int n;

			if (k >= TF_INFO) {
				if (strcmp(fields[k], e.s[k])) {
					printf("\n  %s: tshark %s = '%s', expected '%s'", s->name,
					       tf_names[k], fields[k], e.s[k]);
					ok = false;
				}
				continue;
			}
			n = tf_parse(fields[k], got, TF_MAX);
			if (n != e.n[k] || memcmp(got, e.v[k], n * sizeof(uint32_t))) {
				printf("\n  %s: tshark %s = '%s', expected %u values (first %u)",
				       s->name, tf_names[k], fields[k], e.n[k],
				       e.n[k] ? e.v[k][0] : 0);
				ok = false;
			}
		}
		CU_ASSERT(ok);
		matched += ok;
	}
	pclose(p);
	printf("\n  tshark: %u of %zu messages decode as we encoded them ", matched,
	       ARRAY_SIZE(samples));
	CU_ASSERT_EQUAL(matched, ARRAY_SIZE(samples));
	unlink(txt);
	unlink(pcap);
	rmdir(dir);
}

/* ---- oracle 2: libosmo-xua (Osmocom's xUA codec), loaded at run time ---- */

#ifdef HAVE_XUA_MSG_H
struct xua_api {
	void *h;
	struct xua_msg *(*alloc)(void);
	void (*free)(struct xua_msg *);
	int (*add_data)(struct xua_msg *, uint16_t, uint16_t, const uint8_t *);
	int (*add_u32)(struct xua_msg *, uint16_t, uint32_t);
	struct xua_msg *(*from_msg)(const int, uint16_t, uint8_t *);
	struct msgb *(*to_msg)(const int, struct xua_msg *);
	struct xua_msg *(*from_nested)(struct xua_msg_part *);
	struct xua_msg_part *(*find_tag)(const struct xua_msg *, uint16_t);
};

static bool xua_load(struct xua_api *x)
{
	static const char *const libs[] = { "libosmoxua.so.0", "libosmoxua.so" };

	memset(x, 0, sizeof(*x));
	for (unsigned int i = 0; i < ARRAY_SIZE(libs) && !x->h; i++)
		x->h = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
	if (!x->h)
		return false;
	*(void **)&x->alloc = dlsym(x->h, "xua_msg_alloc");
	*(void **)&x->free = dlsym(x->h, "xua_msg_free");
	*(void **)&x->add_data = dlsym(x->h, "xua_msg_add_data");
	*(void **)&x->add_u32 = dlsym(x->h, "xua_msg_add_u32");
	*(void **)&x->from_msg = dlsym(x->h, "xua_from_msg");
	*(void **)&x->to_msg = dlsym(x->h, "xua_to_msg");
	*(void **)&x->from_nested = dlsym(x->h, "xua_from_nested");
	*(void **)&x->find_tag = dlsym(x->h, "xua_msg_find_tag");
	return x->alloc && x->free && x->add_data && x->add_u32 && x->from_msg && x->to_msg &&
	       x->from_nested && x->find_tag;
}

/* osmo's parts, in order, equal our parameters (tag, length, octets). */
static bool xua_parts_eq(const struct xua_msg *xm, const struct sg_m3ua_param *params,
			 unsigned int n)
{
	const struct xua_msg_part *part;
	unsigned int i = 0;

	llist_for_each_entry(part, &xm->headers, entry) {
		if (i == n || part->tag != params[i].tag || part->len != params[i].len ||
		    (part->len && memcmp(part->dat, params[i].val, part->len)))
			return false;
		i++;
	}
	return i == n;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_osmo_xua(void)
{
	struct xua_api x;
	unsigned int ours_by_osmo = 0, osmo_by_ours = 0;

	if (!xua_load(&x)) {
		printf("\n  SKIP: libosmoxua.so.0 not loadable (apt-get install libosmo-sccp-dev)\n  ");
		if (x.h)
			dlclose(x.h);
		return;
	}

	/* (1) osmo decodes every message we encode into the same parameters; DATA's
	 * label, ASPUP's ASP Identifier and REG REQ's nested keys are checked field by field */
	for (unsigned int i = 0; i < ARRAY_SIZE(samples); i++) {
		const struct sample *s = &samples[i];
		struct msgb *msg = sample_build(s);
		struct sg_m3ua_decode_err err;
		struct sg_m3ua_msg m;
		struct xua_msg *xm;
		bool ok;

		CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, msgb_l3(msg), msgb_l3len(msg), &err), 0);
		xm = x.from_msg(1, msgb_l3len(msg), msgb_l3(msg));
		CU_ASSERT_PTR_NOT_NULL_FATAL(xm);
		ok = xm->hdr.version == 1 && xm->hdr.msg_class == s->cls &&
		     xm->hdr.msg_type == s->type && xua_parts_eq(xm, m.params, m.nparams);
		if (s->cls == SG_M3UA_CLS_XFER) {
			struct xua_msg_part *pd = x.find_tag(xm, SG_M3UA_IEI_PROT_DATA);

			ok = ok && pd && pd->len == 12 + pdata.len && be32(pd->dat) == pdata.opc &&
			     be32(pd->dat + 4) == pdata.dpc && pd->dat[8] == pdata.si &&
			     pd->dat[9] == pdata.ni && pd->dat[10] == pdata.mp &&
			     pd->dat[11] == pdata.sls && !memcmp(pd->dat + 12, isup, sizeof(isup));
		}
		if (s->cls == SG_M3UA_CLS_ASPSM && s->type == SG_M3UA_ASPSM_UP) {
			struct xua_msg_part *aid = x.find_tag(xm, SG_M3UA_IEI_ASP_ID);

			ok = ok && aid && aid->len == 4 && be32(aid->dat) == 0x0a0b0c0d;
		}
		if (s->cls == SG_M3UA_CLS_RKM && s->type == SG_M3UA_RKM_REG_REQ) {
			struct xua_msg_part *part;
			unsigned int k = 0;

			llist_for_each_entry(part, &xm->headers, entry) {
				const struct sg_m3ua_rk *rk = k++ ? &rk2 : &rk1;
				struct xua_msg *inner = x.from_nested(part);
				struct xua_msg_part *lrk, *dpc;

				CU_ASSERT_PTR_NOT_NULL_FATAL(inner);
				lrk = x.find_tag(inner, SG_M3UA_IEI_LOCAL_RK_ID);
				dpc = x.find_tag(inner, SG_M3UA_IEI_DPC);
				ok = ok && lrk && be32(lrk->dat) == rk->lrk_id && dpc &&
				     be32(dpc->dat) == rk->dpc[0];
				x.free(inner);
			}
			ok = ok && k == 2;
		}
		if (!ok)
			printf("\n  osmo decodes our %s differently", s->name);
		CU_ASSERT(ok);
		ours_by_osmo += ok;
		x.free(xm);
		msgb_free(msg);
	}

	/* (2) we decode what osmo encodes (xua_to_msg) into the parameters osmo was given */
	for (unsigned int i = 0; i < ARRAY_SIZE(samples); i++) {
		const struct sample *s = &samples[i];
		struct msgb *ours = sample_build(s), *theirs;
		struct sg_m3ua_decode_err err;
		struct sg_m3ua_msg m, mo;
		struct xua_msg *xm = x.alloc();
		int rc;

		CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&mo, msgb_l3(ours), msgb_l3len(ours), &err), 0);
		xm->hdr = XUA_HDR(s->cls, s->type);
		for (unsigned int j = 0; j < mo.nparams; j++)
			x.add_data(xm, mo.params[j].tag, mo.params[j].len, mo.params[j].val);
		theirs = x.to_msg(1, xm);
		CU_ASSERT_PTR_NOT_NULL_FATAL(theirs);
		rc = sg_m3ua_decode(&m, msgb_data(theirs), msgb_length(theirs), &err);
		if (rc)
			printf("\n  osmo's %s: %s (%s)", s->name, sg_m3ua_err_name(err.code),
			       err.reason);
		CU_ASSERT_EQUAL(rc, 0);
		if (!rc) {
			sample_verify(s, &m);
			osmo_by_ours++;
		}
		msgb_free(theirs);
		x.free(xm);
		msgb_free(ours);
	}
	/* and a DATA built by osmo from scratch with its own u32 helper */
	{
		struct xua_msg *xm = x.alloc();
		uint8_t pd[16] = { 0, 0, 0, 7, 0, 0, 0, 9, 3, 0, 0, 0x0f, 0xca, 0xfe, 0xba, 0xbe };
		struct sg_m3ua_decode_err err;
		struct sg_m3ua_pdata d;
		struct sg_m3ua_msg m;
		struct msgb *theirs;
		uint32_t rc = 0;

		xm->hdr = XUA_HDR(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);
		x.add_u32(xm, SG_M3UA_IEI_ROUTE_CTX, 77);
		x.add_data(xm, SG_M3UA_IEI_PROT_DATA, sizeof(pd), pd);
		theirs = x.to_msg(1, xm);
		CU_ASSERT_EQUAL_FATAL(sg_m3ua_decode(&m, msgb_data(theirs), msgb_length(theirs),
						     &err), 0);
		CU_ASSERT(sg_m3ua_get_u32(&m, SG_M3UA_IEI_ROUTE_CTX, &rc) && rc == 77);
		CU_ASSERT_EQUAL_FATAL(sg_m3ua_get_pdata(&m, &d), 0);
		CU_ASSERT(d.opc == 7 && d.dpc == 9 && d.si == 3 && d.ni == 0 && d.mp == 0 &&
			  d.sls == 15 && d.len == 4 && !memcmp(d.data, pd + 12, 4));
		msgb_free(theirs);
		x.free(xm);
	}
	printf("\n  libosmo-xua: %u of %zu of ours decoded alike, %u of %zu of osmo's decoded ",
	       ours_by_osmo, ARRAY_SIZE(samples), osmo_by_ours, ARRAY_SIZE(samples));
	CU_ASSERT_EQUAL(ours_by_osmo, ARRAY_SIZE(samples));
	CU_ASSERT_EQUAL(osmo_by_ours, ARRAY_SIZE(samples));
	/* libosmoxua stays loaded: its libosmocore may hold state until exit */
}
#else
static void test_osmo_xua(void)
{
	printf("\n  SKIP: <osmocom/sigtran/xua_msg.h> not installed (libosmo-sigtran-dev)\n  ");
}
#endif

/* ---- seed corpus for fuzz/fuzz_m3ua.c: test_m3ua_codec --corpus DIR ---- */

static int write_corpus(const char *dir)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(samples); i++) {
		struct msgb *msg = sample_encode(&samples[i]);
		char path[512];
		FILE *f;

		if (!msg)
			return 1;
		snprintf(path, sizeof(path), "%s/%s", dir, samples[i].name);
		f = fopen(path, "wb");
		if (!f || fwrite(msgb_l3(msg), msgb_l3len(msg), 1, f) != 1) {
			perror(path);
			return 1;
		}
		fclose(f);
		msgb_free(msg);
	}
	return 0;
}

static const struct cu_test tests[] = {
	{ "round trip of every message type (RFC 4666 §3.3-§3.8)", test_roundtrip_every_message },
	{ "golden octets of DATA and ASPUP (§3.3.1, §3.5.1)", test_golden_bytes },
	{ "RFC 4666 §3.8.1 Invalid Version", test_err_invalid_version },
	{ "RFC 4666 §3.8.1 Unsupported Message Class", test_err_unsupported_message_class },
	{ "RFC 4666 §3.8.1 Unsupported Message Type", test_err_unsupported_message_type },
	{ "RFC 4666 §3.8.1 Unsupported Traffic Mode Type",
	  test_err_unsupported_traffic_mode_type },
	{ "RFC 4666 §3.8.1 Protocol Error", test_err_protocol_error },
	{ "RFC 4666 §3.8.1 Parameter Field Error: parameter length field",
	  test_err_param_length_field },
	{ "RFC 4666 §3.8.1 Invalid Parameter Value", test_err_invalid_parameter_value },
	{ "RFC 4666 §3.8.1 Parameter Field Error", test_err_parameter_field_error },
	{ "RFC 4666 §3.8.1 Unexpected Parameter", test_err_unexpected_parameter },
	{ "RFC 4666 §3.8.1 Missing Parameter", test_err_missing_parameter },
	{ "§3.2 last parameter with an empty value", test_bare_last_parameter },
	{ "truncated inputs", test_truncated_inputs },
	{ "garbage inputs", test_garbage_inputs },
	{ "RFC 4666 §3.6.1 Routing Key DPC groups", test_rk_groups },
	{ "RFC 4666 §3.6.2 invalid Routing Keys get a status", test_rk_invalid },
	{ "Routing Key encoder refuses bad keys", test_rk_encoder_refuses },
	{ "encoder limits", test_encoder_limits },
	{ "ERR builder (§3.8.1)", test_err_new },
	{ "names", test_names },
	{ "xUA timers (RFC 4666 §4.3.4)", test_xua_timers },
	{ "tshark decodes what we encode", test_tshark },
	{ "libosmo-xua decodes what we encode and vice versa", test_osmo_xua },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--corpus"))
		return write_corpus(argv[2]);
	return cu_run_suite("m3ua_codec", tests, NULL, NULL);
}
