/* M3UA message codec, RFC 4666 §1.3.1 (common header), §3.2 (parameters), §3.3-§3.8 (messages). */

#include <string.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <sg/m3ua.h>
#include <sg/msg.h>

/*
 * Decoding is zero-copy: sg_m3ua_decode() fills a struct sg_m3ua_msg whose
 * parameters point into the caller's buffer, and allocates nothing.
 *
 * Order of the checks (the first failing one gives the ERR code, §3.8.1):
 *  1. no octet at all                                  Protocol Error
 *  2. version != 1                                     Invalid Version (0x01)
 *  3. fewer than 8 octets (common header)              Protocol Error
 *  4. message class not one of 0, 1, 2, 3, 4, 9        Unsupported Message Class (0x03)
 *  5. message type not defined in that class           Unsupported Message Type (0x04)
 *  6. message length field != octets received, or
 *     above SG_M3UA_MAX_LEN                            Protocol Error
 *     Robustness: 1..3 zero octets received beyond the length field are taken as the
 *     padding of the last parameter that the sender left out of the length (§3.2 says
 *     the length includes it) when they complete the length to a multiple of 4.
 *  7. parameter framing, parameter by parameter:
 *     a parameter length field that is wrong: below 4 (0 included), or
 *     larger than the octets left in the message (0xffff included)
 *                                                       Parameter Field Error (0x12)
 *     ("a parameter having a wrong length field", §3.8.1)
 *     fewer than 4 octets left for a parameter header, the padding of a
 *     parameter (to 4 octets, §3.2) running past the message end, more
 *     than SG_M3UA_MAX_PARAMS parameters                Protocol Error
 *  8. a mandatory parameter of the message type absent Missing Parameter (0x16)
 *  9. a parameter the message type does not have (any
 *     unknown tag included), or a second occurrence of
 *     one that may appear once                          Unexpected Parameter (0x13)
 *     Robustness: an INFO String (0..255 octets, once) is accepted in every message,
 *     also in those whose table in RFC 4666 does not list it (DATA, ERR, BEAT,
 *     BEAT-ACK and the four RKM messages); the layer logs it and ignores it.
 * 10. a value length outside the parameter's fixed /
 *     minimum / maximum length, a list not a multiple
 *     of 4 octets, a malformed Registration or
 *     Deregistration Result                             Parameter Field Error (0x12)
 * 11. a value out of its range (first such parameter):
 *     Traffic Mode Type not 1..3                        Unsupported Traffic Mode Type (0x05)
 *     NTFY Status type/information pair undefined, DUPU cause > 2 or user
 *     > 15, Congestion Level > 3, Protocol Data SI > 15, NI > 3 or MP > 3,
 *     Registration status > 12, Deregistration status > 5
 *                                                       Invalid Parameter Value (0x11)
 * Within 8..11 every parameter is looked at once; the error reported is the
 * one of the earliest step, and within a step the first parameter at fault.
 * Parameters may come in any order (§3.2); padding octets are ignored.
 *
 * Routing Key contents (§3.6.1) are checked by sg_m3ua_rk_decode(): an
 * invalid key is answered with a REG RSP status, not an ERR (§4.4.1).
 */

/* ---- byte order ---- */

static inline uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void st16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void st32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static inline size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* ---- per-message parameter tables (§3.3-§3.8) ---- */

/* How a parameter's value is checked: its length, then its range. */
enum pkind {
	K_U32,		/* exactly 4 octets */
	K_LIST,		/* n x 4 octets, n >= 1 (Routing Context, Affected Point Code) */
	K_INFO,		/* INFO String: 0..255 octets (§3.4.1) */
	K_ANY,		/* any length (Heartbeat Data, Diagnostic Information) */
	K_TMT,		/* Traffic Mode Type: 4 octets, 1..3 (§3.5.1) */
	K_STATUS,	/* NTFY Status: 4 octets, type/info pairs of §3.8.2 */
	K_USER_CAUSE,	/* DUPU User/Cause: 4 octets, cause 0..2, user 0..15 (§3.4.5) */
	K_CONG,		/* Congestion Indications: 4 octets, level 0..3 (§3.4.4) */
	K_APC1,		/* DUPU Affected Point Code: exactly one (§3.4.5) */
	K_PDATA,	/* Protocol Data: >= 12 octets, SI/NI/MP ranges (§3.3.1) */
	K_RK,		/* Routing Key: checked by sg_m3ua_rk_decode */
	K_REG_RES,	/* Registration Result (§3.6.2) */
	K_DEREG_RES,	/* Deregistration Result (§3.6.4) */
};

#define R_M	0x01	/* mandatory */
#define R_REP	0x02	/* may appear more than once */

struct prule {
	uint16_t tag;
	uint8_t kind;
	uint8_t flags;
};

#define MAX_RULES 6
struct mspec {
	uint8_t nrules;	/* 0: no such message type */
	struct prule r[MAX_RULES];
};

#define P(t, k, f) { SG_M3UA_IEI_##t, K_##k, f }

/* MGMT (§3.8): ERR's RC/NA/APC are mandatory only in some cases, which
 * depend on the offending message: the codec takes them as optional. */
static const struct mspec mgmt_specs[] = {
	[SG_M3UA_MGMT_ERR] = { 6, { P(ERR_CODE, U32, R_M), P(ROUTE_CTX, LIST, 0),
				    P(NET_APPEAR, U32, 0), P(AFFECTED_PC, LIST, 0),
				    P(DIAG_INFO, ANY, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_MGMT_NTFY] = { 4, { P(STATUS, STATUS, R_M), P(ASP_ID, U32, 0),
				     P(ROUTE_CTX, LIST, 0), P(INFO_STRING, INFO, 0) } },
};

/* XFER (§3.3.1): DATA carries one Routing Context value. */
static const struct mspec xfer_specs[] = {
	[SG_M3UA_XFER_DATA] = { 5, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, U32, 0),
				     P(PROT_DATA, PDATA, R_M), P(CORR_ID, U32, 0),
				     P(INFO_STRING, INFO, 0) } },
};

/* SSNM (§3.4) */
#define SSNM_DUNA_LIKE                                                                         \
	{ 4, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, LIST, 0), P(AFFECTED_PC, LIST, R_M),         \
	       P(INFO_STRING, INFO, 0) } }
static const struct mspec ssnm_specs[] = {
	[SG_M3UA_SSNM_DUNA] = SSNM_DUNA_LIKE,
	[SG_M3UA_SSNM_DAVA] = SSNM_DUNA_LIKE,
	[SG_M3UA_SSNM_DAUD] = SSNM_DUNA_LIKE,
	[SG_M3UA_SSNM_SCON] = { 6, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, LIST, 0),
				     P(AFFECTED_PC, LIST, R_M), P(CONCERNED_DEST, U32, 0),
				     P(CONG_IND, CONG, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_SSNM_DUPU] = { 5, { P(NET_APPEAR, U32, 0), P(ROUTE_CTX, LIST, 0),
				     P(AFFECTED_PC, APC1, R_M), P(USER_CAUSE, USER_CAUSE, R_M),
				     P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_SSNM_DRST] = SSNM_DUNA_LIKE,
};

/* ASPSM (§3.5.1-§3.5.6) */
static const struct mspec aspsm_specs[] = {
	[SG_M3UA_ASPSM_UP] = { 2, { P(ASP_ID, U32, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_DOWN] = { 1, { P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_BEAT] = { 2, { P(HEARTBEAT_DATA, ANY, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_UP_ACK] = { 2, { P(ASP_ID, U32, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_DOWN_ACK] = { 1, { P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPSM_BEAT_ACK] = { 2, { P(HEARTBEAT_DATA, ANY, 0), P(INFO_STRING, INFO, 0) } },
};

/* ASPTM (§3.7) */
static const struct mspec asptm_specs[] = {
	[SG_M3UA_ASPTM_ACT] = { 3, { P(TRAFFIC_MODE, TMT, 0), P(ROUTE_CTX, LIST, 0),
				     P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPTM_INACT] = { 2, { P(ROUTE_CTX, LIST, 0), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPTM_ACT_ACK] = { 3, { P(TRAFFIC_MODE, TMT, 0), P(ROUTE_CTX, LIST, 0),
					 P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_ASPTM_INACT_ACK] = { 2, { P(ROUTE_CTX, LIST, 0), P(INFO_STRING, INFO, 0) } },
};

/* RKM (§3.6); the INFO String is our addition (robustness, see above) */
static const struct mspec rkm_specs[] = {
	[SG_M3UA_RKM_REG_REQ] = { 2, { P(ROUTING_KEY, RK, R_M | R_REP), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_RKM_REG_RSP] = { 2, { P(REG_RESULT, REG_RES, R_M | R_REP),
				       P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_RKM_DEREG_REQ] = { 2, { P(ROUTE_CTX, LIST, R_M), P(INFO_STRING, INFO, 0) } },
	[SG_M3UA_RKM_DEREG_RSP] = { 2, { P(DEREG_RESULT, DEREG_RES, R_M | R_REP),
					 P(INFO_STRING, INFO, 0) } },
};

#undef P
#undef SSNM_DUNA_LIKE

/* 0: unknown class; NULL spec with known class: unknown type */
static const struct mspec *msg_spec(uint8_t cls, uint8_t type, bool *cls_known)
{
	const struct mspec *tab;
	size_t n;

	*cls_known = true;
	switch (cls) {
	case SG_M3UA_CLS_MGMT:
		tab = mgmt_specs;
		n = ARRAY_SIZE(mgmt_specs);
		break;
	case SG_M3UA_CLS_XFER:
		tab = xfer_specs;
		n = ARRAY_SIZE(xfer_specs);
		break;
	case SG_M3UA_CLS_SSNM:
		tab = ssnm_specs;
		n = ARRAY_SIZE(ssnm_specs);
		break;
	case SG_M3UA_CLS_ASPSM:
		tab = aspsm_specs;
		n = ARRAY_SIZE(aspsm_specs);
		break;
	case SG_M3UA_CLS_ASPTM:
		tab = asptm_specs;
		n = ARRAY_SIZE(asptm_specs);
		break;
	case SG_M3UA_CLS_RKM:
		tab = rkm_specs;
		n = ARRAY_SIZE(rkm_specs);
		break;
	default:
		*cls_known = false;
		return NULL;
	}
	if (type >= n || !tab[type].nrules)
		return NULL;
	return &tab[type];
}

/* ---- nested sub-parameters (Routing Key, Registration / Deregistration Result) ---- */

struct sub_iter {
	const uint8_t *v;
	size_t len, off;
};

/* The next sub-parameter: 1, 0 at the end, -1 when malformed.  The padding
 * of the last sub-parameter may be left out of the outer length. */
static int sub_next(struct sub_iter *it, uint16_t *tag, uint16_t *len, const uint8_t **val)
{
	size_t left = it->len - it->off;
	uint16_t plen;

	if (!left)
		return 0;
	if (left < 4)
		return -1;
	plen = ld16(it->v + it->off + 2);
	if (plen < 4 || plen > left)
		return -1;
	*tag = ld16(it->v + it->off);
	*len = plen - 4;
	*val = it->v + it->off + 4;
	it->off += pad4(plen);
	if (it->off > it->len)
		it->off = it->len;
	return 1;
}

/* A result parameter made of n mandatory 4-octet sub-parameters tags[i], each exactly once,
 * into *dst[i] (Registration and Deregistration Results).  0, or the error code. */
static enum sg_m3ua_err u32_subs_parse(const uint8_t *v, size_t len, const uint16_t *tags,
				       uint32_t *const *dst, unsigned int n)
{
	struct sub_iter it = { v, len, 0 };
	unsigned int seen = 0, k;
	const uint8_t *sv;
	uint16_t tag, sl;
	int rc;

	while ((rc = sub_next(&it, &tag, &sl, &sv)) > 0) {
		for (k = 0; k < n && tags[k] != tag; k++)
			;
		if (k == n || (seen & (1u << k)) || sl != 4)
			return SG_M3UA_ERR_PARAM_FIELD_ERR;
		seen |= 1u << k;
		*dst[k] = ld32(sv);
	}
	if (rc < 0 || seen != (1u << n) - 1)
		return SG_M3UA_ERR_PARAM_FIELD_ERR;
	return SG_M3UA_ERR_NONE;
}

/* Registration Result (§3.6.2): LRK-ID, Registration Status, Routing Context. */
static enum sg_m3ua_err reg_result_parse(const uint8_t *v, size_t len, struct sg_m3ua_reg_result *r)
{
	static const uint16_t tags[] = { SG_M3UA_IEI_LOCAL_RK_ID, SG_M3UA_IEI_REG_STATUS,
					 SG_M3UA_IEI_ROUTE_CTX };
	uint32_t *const dst[] = { &r->lrk_id, &r->status, &r->rctx };
	enum sg_m3ua_err e = u32_subs_parse(v, len, tags, dst, 3);

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
	enum sg_m3ua_err e = u32_subs_parse(v, len, tags, dst, 2);

	if (e == SG_M3UA_ERR_NONE && r->status > SG_M3UA_DEREG_ERR_ASP_ACTIVE)
		return SG_M3UA_ERR_INVALID_PARAM_VAL;
	return e;
}

/* ---- value checks ---- */

/* The error a value of kind k deserves: NONE, PARAM_FIELD_ERR (length),
 * INVALID_PARAM_VAL or UNSUPP_TRAFFIC_MODE (range). */
static enum sg_m3ua_err check_value(enum pkind k, const uint8_t *v, uint16_t len)
{
	uint32_t x;

	switch (k) {
	case K_U32:
	case K_APC1:
		return len == 4 ? SG_M3UA_ERR_NONE : SG_M3UA_ERR_PARAM_FIELD_ERR;
	case K_LIST:
		return len >= 4 && !(len & 3) ? SG_M3UA_ERR_NONE : SG_M3UA_ERR_PARAM_FIELD_ERR;
	case K_INFO:
		return len <= 255 ? SG_M3UA_ERR_NONE : SG_M3UA_ERR_PARAM_FIELD_ERR;
	case K_ANY:
	case K_RK:
		return SG_M3UA_ERR_NONE;
	case K_TMT:
		if (len != 4)
			return SG_M3UA_ERR_PARAM_FIELD_ERR;
		x = ld32(v);
		return x >= SG_M3UA_TMT_OVERRIDE && x <= SG_M3UA_TMT_BROADCAST
			       ? SG_M3UA_ERR_NONE
			       : SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE;
	case K_STATUS: {
		uint16_t type, info;

		if (len != 4)
			return SG_M3UA_ERR_PARAM_FIELD_ERR;
		type = ld16(v);
		info = ld16(v + 2);
		if (type == SG_M3UA_NTFY_T_STATCHG && info >= SG_M3UA_NTFY_I_AS_INACT &&
		    info <= SG_M3UA_NTFY_I_AS_PEND)
			return SG_M3UA_ERR_NONE;
		if (type == SG_M3UA_NTFY_T_OTHER && info >= SG_M3UA_NTFY_I_OT_INS_RESRC &&
		    info <= SG_M3UA_NTFY_I_OT_ASP_FAILURE)
			return SG_M3UA_ERR_NONE;
		return SG_M3UA_ERR_INVALID_PARAM_VAL;
	}
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

/* ---- decoder ---- */

static int fail(struct sg_m3ua_decode_err *err, enum sg_m3ua_err code, uint16_t tag,
		const char *reason)
{
	if (err) {
		err->code = code;
		err->tag = tag;
		err->reason = reason;
	}
	return -1;
}

/* The length field hdr_len left out the padding of the last parameter: the 1..3 octets
 * received beyond it are zero and complete it to a multiple of 4 (§3.2). */
static bool pad_tolerated(const uint8_t *buf, uint32_t hdr_len, size_t len)
{
	if (hdr_len < SG_M3UA_HDR_LEN || hdr_len >= len || pad4(hdr_len) != len)
		return false;
	for (size_t i = hdr_len; i < len; i++)
		if (buf[i])
			return false;
	return true;
}

int sg_m3ua_decode(struct sg_m3ua_msg *m, const uint8_t *buf, size_t len,
		   struct sg_m3ua_decode_err *err)
{
	const struct mspec *spec;
	uint8_t cnt[MAX_RULES] = { 0 };
	/* the first parameter at fault per step: unexpected, length, range */
	uint16_t bad_tag[3] = { 0 };
	enum sg_m3ua_err range_code = SG_M3UA_ERR_NONE;
	unsigned int bad = 0;
	bool cls_known;
	size_t off;

	if (!len)
		return fail(err, SG_M3UA_ERR_PROTOCOL_ERROR, 0, "empty message");
	if (buf[0] != SG_M3UA_VERSION)
		return fail(err, SG_M3UA_ERR_INVALID_VERSION, 0, "version is not 1");
	if (len < SG_M3UA_HDR_LEN)
		return fail(err, SG_M3UA_ERR_PROTOCOL_ERROR, 0, "shorter than the common header");
	m->version = buf[0];
	m->cls = buf[2];
	m->type = buf[3];
	m->len = ld32(buf + 4);
	m->nparams = 0;
	m->buf = buf;
	/* class and type before the length: a reserved class or type is answered as such
	 * even when its length field leaves out the padding (ETSI TS 102 381 does that) */
	spec = msg_spec(m->cls, m->type, &cls_known);
	if (!cls_known)
		return fail(err, SG_M3UA_ERR_UNSUPP_MSG_CLASS, 0, "unknown message class");
	if (!spec)
		return fail(err, SG_M3UA_ERR_UNSUPP_MSG_TYPE, 0, "unknown message type");
	if (m->len != len && !pad_tolerated(buf, m->len, len))
		return fail(err, SG_M3UA_ERR_PROTOCOL_ERROR, 0,
			    "message length differs from the octets received");
	/* tolerated padding: the message is what was received, padding included */
	m->len = len;
	if (len > SG_M3UA_MAX_LEN)
		return fail(err, SG_M3UA_ERR_PROTOCOL_ERROR, 0, "message too long");

	for (off = SG_M3UA_HDR_LEN; off < len;) {
		struct sg_m3ua_param *p;
		const struct prule *r = NULL;
		size_t left = len - off;
		uint16_t plen, tag;
		unsigned int i;
		enum sg_m3ua_err e;

		if (left < 4)
			return fail(err, SG_M3UA_ERR_PROTOCOL_ERROR, 0, "truncated parameter header");
		tag = ld16(buf + off);
		plen = ld16(buf + off + 2);
		/* a wrong length field is a Parameter Field Error (§3.8.1), not the
		 * catch-all Protocol Error; parsing stops here all the same */
		if (plen < 4)
			return fail(err, SG_M3UA_ERR_PARAM_FIELD_ERR, tag,
				    "parameter length below 4");
		if (plen > left)
			return fail(err, SG_M3UA_ERR_PARAM_FIELD_ERR, tag,
				    "parameter length beyond the message end");
		if (pad4(plen) > left)
			return fail(err, SG_M3UA_ERR_PROTOCOL_ERROR, tag,
				    "parameter padding runs past the message end");
		if (m->nparams == SG_M3UA_MAX_PARAMS)
			return fail(err, SG_M3UA_ERR_PROTOCOL_ERROR, tag, "too many parameters");
		p = &m->params[m->nparams++];
		p->tag = tag;
		p->len = plen - 4;
		p->val = buf + off + 4;
		off += pad4(plen);

		for (i = 0; i < spec->nrules; i++) {
			if (spec->r[i].tag == tag) {
				r = &spec->r[i];
				break;
			}
		}
		if (!r || (cnt[i] && !(r->flags & R_REP))) {
			if (!(bad & 1)) {
				bad |= 1;
				bad_tag[0] = tag;
			}
			continue;
		}
		cnt[i] = 1;
		if (bad & 2)
			continue;	/* a length error outranks any range error */
		e = check_value(r->kind, p->val, p->len);
		if (e == SG_M3UA_ERR_PARAM_FIELD_ERR) {
			bad |= 2;
			bad_tag[1] = tag;
		} else if (e != SG_M3UA_ERR_NONE && !(bad & 4)) {
			bad |= 4;
			bad_tag[2] = tag;
			range_code = e;
		}
	}

	for (unsigned int i = 0; i < spec->nrules; i++)
		if ((spec->r[i].flags & R_M) && !cnt[i])
			return fail(err, SG_M3UA_ERR_MISSING_PARAM, spec->r[i].tag,
				    "mandatory parameter missing");
	if (bad & 1)
		return fail(err, SG_M3UA_ERR_UNEXPECTED_PARAM, bad_tag[0],
			    "parameter not allowed in this message");
	if (bad & 2)
		return fail(err, SG_M3UA_ERR_PARAM_FIELD_ERR, bad_tag[1],
			    "parameter length out of range");
	if (bad & 4)
		return fail(err, range_code, bad_tag[2], "parameter value out of range");
	if (err) {
		err->code = SG_M3UA_ERR_NONE;
		err->tag = 0;
		err->reason = NULL;
	}
	return 0;
}

/* ---- accessors ---- */

const struct sg_m3ua_param *sg_m3ua_find(const struct sg_m3ua_msg *m, uint16_t tag,
					  unsigned int idx)
{
	for (unsigned int i = 0; i < m->nparams; i++)
		if (m->params[i].tag == tag && !idx--)
			return &m->params[i];
	return NULL;
}

bool sg_m3ua_get_u32(const struct sg_m3ua_msg *m, uint16_t tag, uint32_t *v)
{
	const struct sg_m3ua_param *p = sg_m3ua_find(m, tag, 0);

	if (!p || p->len != 4)
		return false;
	*v = ld32(p->val);
	return true;
}

int sg_m3ua_get_u32_list(const struct sg_m3ua_msg *m, uint16_t tag, uint32_t *v, unsigned int max)
{
	const struct sg_m3ua_param *p = sg_m3ua_find(m, tag, 0);
	unsigned int n;

	if (!p)
		return -1;
	n = p->len / 4;
	if (n > max)
		n = max;
	for (unsigned int i = 0; i < n; i++)
		v[i] = ld32(p->val + 4 * i);
	return (int)n;
}

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
	struct sub_iter it = { val, len, 0 };
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
	while ((rc = sub_next(&it, &tag, &sl, &v)) > 0) {
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

struct msgb *sg_m3ua_msg_new(uint8_t cls, uint8_t type)
{
	return sg_m3ua_msg_new_len(cls, type, SG_M3UA_MAX_LEN);
}

struct msgb *sg_m3ua_msg_new_len(uint8_t cls, uint8_t type, size_t max_len)
{
	struct msgb *msg;
	uint8_t *h;

	if (max_len < SG_M3UA_HDR_LEN)
		max_len = SG_M3UA_HDR_LEN;
	if (max_len > SG_M3UA_MAX_LEN)
		max_len = SG_M3UA_MAX_LEN;
	/* libosmocore zeroes the whole buffer: a small one is cheaper */
	msg = sg_msgb_alloc(SG_MSGB_HEADROOM + max_len, "m3ua");

	if (!msg)
		return NULL;
	msgb_reserve(msg, SG_MSGB_HEADROOM);
	h = msgb_put(msg, SG_M3UA_HDR_LEN);
	msg->l3h = h;
	h[0] = SG_M3UA_VERSION;
	h[1] = 0;
	h[2] = cls;
	h[3] = type;
	st32(h + 4, SG_M3UA_HDR_LEN);
	return msg;
}

/* Append a TLV whose value is assembled by the caller: returns the value's
 * start (len octets, then zeroed padding) or NULL when it does not fit. */
static uint8_t *put_tlv(struct msgb *msg, uint16_t tag, size_t len)
{
	size_t cur = msg->tail - msg->l3h, total = pad4(4 + len);
	uint8_t *p;

	if (len > SG_M3UA_MAX_LEN || cur + total > SG_M3UA_MAX_LEN ||
	    msgb_tailroom(msg) < (int)total)
		return NULL;
	p = msgb_put(msg, total);
	st16(p, tag);
	st16(p + 2, (uint16_t)(4 + len));
	memset(p + 4 + len, 0, total - 4 - len);
	st32(msg->l3h + 4, (uint32_t)(cur + total));
	return p + 4;
}

int sg_m3ua_put(struct msgb *msg, uint16_t tag, uint16_t len, const void *val)
{
	uint8_t *p = put_tlv(msg, tag, len);

	if (!p)
		return -1;
	if (len)
		memcpy(p, val, len);
	return 0;
}

int sg_m3ua_put_u32(struct msgb *msg, uint16_t tag, uint32_t v)
{
	uint8_t *p = put_tlv(msg, tag, 4);

	if (!p)
		return -1;
	st32(p, v);
	return 0;
}

int sg_m3ua_put_u32_list(struct msgb *msg, uint16_t tag, const uint32_t *v, unsigned int n)
{
	uint8_t *p;

	if (!n || n > SG_M3UA_MAX_LEN / 4)
		return -1;
	p = put_tlv(msg, tag, 4 * (size_t)n);
	if (!p)
		return -1;
	for (unsigned int i = 0; i < n; i++)
		st32(p + 4 * i, v[i]);
	return 0;
}

int sg_m3ua_put_pdata(struct msgb *msg, const struct sg_m3ua_pdata *pd)
{
	uint8_t *p;

	if (pd->si > 15 || pd->ni > 3 || pd->mp > 3)
		return -1;
	p = put_tlv(msg, SG_M3UA_IEI_PROT_DATA, 12 + (size_t)pd->len);
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

/* A sub-parameter into buf at *off (the buffer is large enough by
 * construction: see RK_BUF). */
static uint8_t *sub_put(uint8_t *buf, size_t *off, uint16_t tag, size_t len)
{
	uint8_t *p = buf + *off;
	size_t total = pad4(4 + len);

	st16(p, tag);
	st16(p + 2, (uint16_t)(4 + len));
	memset(p + 4 + len, 0, total - 4 - len);
	*off += total;
	return p + 4;
}

static void sub_put_u32(uint8_t *buf, size_t *off, uint16_t tag, uint32_t v)
{
	st32(sub_put(buf, off, tag, 4), v);
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

	sub_put_u32(buf, &off, SG_M3UA_IEI_LOCAL_RK_ID, rk->lrk_id);
	if (rk->has_rctx)
		sub_put_u32(buf, &off, SG_M3UA_IEI_ROUTE_CTX, rk->rctx);
	if (rk->has_tmt)
		sub_put_u32(buf, &off, SG_M3UA_IEI_TRAFFIC_MODE, rk->tmt);
	for (unsigned int g = 0; g < rk->ndpc; g++) {
		unsigned int n;
		uint8_t *p;

		sub_put_u32(buf, &off, SG_M3UA_IEI_DPC, rk->dpc[g]);
		if (!g && rk->has_na)
			sub_put_u32(buf, &off, SG_M3UA_IEI_NET_APPEAR, rk->na);
		n = 0;
		for (unsigned int i = 0; i < rk->nsi; i++)
			n += rk->si_grp[i] == g;
		if (n) {
			p = sub_put(buf, &off, SG_M3UA_IEI_SI, n);
			for (unsigned int i = 0; i < rk->nsi; i++)
				if (rk->si_grp[i] == g)
					*p++ = rk->si[i];
		}
		n = 0;
		for (unsigned int i = 0; i < rk->nopc; i++)
			n += rk->opc_grp[i] == g;
		if (n) {
			p = sub_put(buf, &off, SG_M3UA_IEI_OPC_LIST, 4 * n);
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
			p = sub_put(buf, &off, SG_M3UA_IEI_CIRCUIT_RANGE, 8 * n);
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

	sub_put_u32(buf, &off, SG_M3UA_IEI_LOCAL_RK_ID, r->lrk_id);
	sub_put_u32(buf, &off, SG_M3UA_IEI_REG_STATUS, r->status);
	sub_put_u32(buf, &off, SG_M3UA_IEI_ROUTE_CTX, r->rctx);
	return sg_m3ua_put(msg, SG_M3UA_IEI_REG_RESULT, (uint16_t)off, buf);
}

int sg_m3ua_put_dereg_result(struct msgb *msg, const struct sg_m3ua_dereg_result *r)
{
	uint8_t buf[16];
	size_t off = 0;

	sub_put_u32(buf, &off, SG_M3UA_IEI_ROUTE_CTX, r->rctx);
	sub_put_u32(buf, &off, SG_M3UA_IEI_DEREG_STATUS, r->status);
	return sg_m3ua_put(msg, SG_M3UA_IEI_DEREG_RESULT, (uint16_t)off, buf);
}

unsigned int sg_m3ua_finish(struct msgb *msg)
{
	unsigned int len = msg->tail - msg->l3h;

	st32(msg->l3h + 4, len);
	return len;
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

static const char *const mgmt_names[] = { "ERR", "NTFY" };
static const char *const xfer_names[] = { NULL, "DATA" };
static const char *const ssnm_names[] = { NULL, "DUNA", "DAVA", "DAUD", "SCON", "DUPU", "DRST" };
static const char *const aspsm_names[] = { NULL, "ASPUP", "ASPDN", "BEAT",
					   "ASPUP_ACK", "ASPDN_ACK", "BEAT_ACK" };
static const char *const asptm_names[] = { NULL, "ASPAC", "ASPIA", "ASPAC_ACK", "ASPIA_ACK" };
static const char *const rkm_names[] = { NULL, "REG_REQ", "REG_RSP", "DEREG_REQ", "DEREG_RSP" };

const char *sg_m3ua_msg_name(uint8_t cls, uint8_t type)
{
	const char *const *t;
	size_t n;

	switch (cls) {
	case SG_M3UA_CLS_MGMT:
		t = mgmt_names;
		n = ARRAY_SIZE(mgmt_names);
		break;
	case SG_M3UA_CLS_XFER:
		t = xfer_names;
		n = ARRAY_SIZE(xfer_names);
		break;
	case SG_M3UA_CLS_SSNM:
		t = ssnm_names;
		n = ARRAY_SIZE(ssnm_names);
		break;
	case SG_M3UA_CLS_ASPSM:
		t = aspsm_names;
		n = ARRAY_SIZE(aspsm_names);
		break;
	case SG_M3UA_CLS_ASPTM:
		t = asptm_names;
		n = ARRAY_SIZE(asptm_names);
		break;
	case SG_M3UA_CLS_RKM:
		t = rkm_names;
		n = ARRAY_SIZE(rkm_names);
		break;
	default:
		return "unknown";
	}
	return type < n && t[type] ? t[type] : "unknown";
}

static const struct value_string err_names[] = {
	{ SG_M3UA_ERR_NONE, "none" },
	{ SG_M3UA_ERR_INVALID_VERSION, "Invalid Version" },
	{ SG_M3UA_ERR_UNSUPP_MSG_CLASS, "Unsupported Message Class" },
	{ SG_M3UA_ERR_UNSUPP_MSG_TYPE, "Unsupported Message Type" },
	{ SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE, "Unsupported Traffic Mode Type" },
	{ SG_M3UA_ERR_UNEXPECTED_MSG, "Unexpected Message" },
	{ SG_M3UA_ERR_PROTOCOL_ERROR, "Protocol Error" },
	{ SG_M3UA_ERR_INVALID_STREAM_ID, "Invalid Stream Identifier" },
	{ SG_M3UA_ERR_REFUSED_MGMT_BLOCKING, "Refused - Management Blocking" },
	{ SG_M3UA_ERR_ASP_ID_REQUIRED, "ASP Identifier Required" },
	{ SG_M3UA_ERR_INVALID_ASP_ID, "Invalid ASP Identifier" },
	{ SG_M3UA_ERR_INVALID_PARAM_VAL, "Invalid Parameter Value" },
	{ SG_M3UA_ERR_PARAM_FIELD_ERR, "Parameter Field Error" },
	{ SG_M3UA_ERR_UNEXPECTED_PARAM, "Unexpected Parameter" },
	{ SG_M3UA_ERR_DEST_STATUS_UNKNOWN, "Destination Status Unknown" },
	{ SG_M3UA_ERR_INVALID_NET_APPEAR, "Invalid Network Appearance" },
	{ SG_M3UA_ERR_MISSING_PARAM, "Missing Parameter" },
	{ SG_M3UA_ERR_INVALID_ROUTING_CTX, "Invalid Routing Context" },
	{ SG_M3UA_ERR_NO_CONFGD_AS_FOR_ASP, "No Configured AS for ASP" },
	{ 0, NULL }
};

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

/* get_value_string() formats unknown values into a static buffer, which is
 * not thread safe: unknown values get a constant name. */
static const char *vs_name(const struct value_string *vs, uint32_t v)
{
	const char *s = get_value_string_or_null(vs, v);

	return s ? s : "unknown";
}

const char *sg_m3ua_err_name(enum sg_m3ua_err code)
{
	return vs_name(err_names, code);
}

const char *sg_m3ua_tmt_name(enum sg_m3ua_tmt t)
{
	return vs_name(tmt_names, t);
}

const char *sg_m3ua_tag_name(uint16_t tag)
{
	return vs_name(tag_names, tag);
}

const char *sg_m3ua_reg_status_name(uint32_t status)
{
	return vs_name(reg_status_names, status);
}

const char *sg_m3ua_dereg_status_name(uint32_t status)
{
	return vs_name(dereg_status_names, status);
}
