/* xUA codec, RFC 4666 / RFC 3868 §3.1 (common message header), §3.2 (parameters): the header
 * and TLV walk every xUA protocol shares, driven by a dialect's table of messages
 * (include/sg/xua.h); M3UA's dialect is sg/sigtran/m3ua_codec.c. */

#include <string.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <sg/msg.h>
#include <sg/xua.h>

#include "xua_codec_int.h"

/*
 * Decoding is zero-copy: sg_xua_decode() fills a struct sg_xua_msg whose
 * parameters point into the caller's buffer, and allocates nothing.
 *
 * Order of the checks (the first failing one gives the ERR code, §3.8.1):
 *  1. no octet at all                                  Protocol Error
 *  2. version != 1                                     Invalid Version (0x01)
 *  3. fewer than 8 octets (common header)              Protocol Error
 *  4. message class not in the dialect's table         Unsupported Message Class (0x03)
 *  5. message type not defined in that class           Unsupported Message Type (0x04)
 *  6. message length field != octets received, or
 *     above SG_XUA_MAX_LEN                             Protocol Error
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
 *     than SG_XUA_MAX_PARAMS parameters                 Protocol Error
 *  8. a mandatory parameter of the message type absent Missing Parameter (0x16)
 *  9. a parameter the message type does not have (any
 *     unknown tag included), or a second occurrence of
 *     one that may appear once                          Unexpected Parameter (0x13)
 * 10. a value length outside what its kind allows       Parameter Field Error (0x12)
 * 11. a value out of its range (first such parameter):
 *     Traffic Mode Type not 1..3                        Unsupported Traffic Mode Type (0x05)
 *     NTFY Status type/information pair undefined, and the dialect's own ranges
 *                                                       Invalid Parameter Value (0x11)
 * Within 8..11 every parameter is looked at once; the error reported is the
 * one of the earliest step, and within a step the first parameter at fault.
 * Parameters may come in any order (§3.2); padding octets are ignored.
 * What each message may carry, and the checks of the dialect's own kinds (steps 10
 * and 11), are the dialect's: M3UA's in sg/sigtran/m3ua_codec.c.
 */

/* ---- nested sub-parameters ---- */

/* The next sub-parameter: 1, 0 at the end, -1 when malformed.  The padding
 * of the last sub-parameter may be left out of the outer length. */
int sg_xua_sub_next(struct sg_xua_sub_iter *it, uint16_t *tag, uint16_t *len, const uint8_t **val)
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
enum sg_xua_err sg_xua_u32_subs(const uint8_t *v, size_t len, const uint16_t *tags,
				       uint32_t *const *dst, unsigned int n)
{
	struct sg_xua_sub_iter it = { v, len, 0 };
	unsigned int seen = 0, k;
	const uint8_t *sv;
	uint16_t tag, sl;
	int rc;

	while ((rc = sg_xua_sub_next(&it, &tag, &sl, &sv)) > 0) {
		for (k = 0; k < n && tags[k] != tag; k++)
			;
		if (k == n || (seen & (1u << k)) || sl != 4)
			return SG_XUA_ERR_PARAM_FIELD_ERR;
		seen |= 1u << k;
		*dst[k] = ld32(sv);
	}
	if (rc < 0 || seen != (1u << n) - 1)
		return SG_XUA_ERR_PARAM_FIELD_ERR;
	return SG_XUA_ERR_NONE;
}

/* ---- value checks of the kinds every dialect has ---- */

static enum sg_xua_err check_value(const struct sg_xua_dialect *d, uint8_t k, const uint8_t *v,
				   uint16_t len)
{
	uint32_t x;

	switch (k) {
	case SG_XUA_K_U32:
		return len == 4 ? SG_XUA_ERR_NONE : SG_XUA_ERR_PARAM_FIELD_ERR;
	case SG_XUA_K_LIST:
		return len >= 4 && !(len & 3) ? SG_XUA_ERR_NONE : SG_XUA_ERR_PARAM_FIELD_ERR;
	case SG_XUA_K_INFO:
		return len <= 255 ? SG_XUA_ERR_NONE : SG_XUA_ERR_PARAM_FIELD_ERR;
	case SG_XUA_K_ANY:
		return SG_XUA_ERR_NONE;
	case SG_XUA_K_TMT:
		if (len != 4)
			return SG_XUA_ERR_PARAM_FIELD_ERR;
		x = ld32(v);
		return x >= SG_XUA_TMT_MIN && x <= SG_XUA_TMT_MAX ? SG_XUA_ERR_NONE
								 : SG_XUA_ERR_UNSUPP_TRAFFIC_MODE;
	case SG_XUA_K_STATUS: {
		uint16_t type, info;

		if (len != 4)
			return SG_XUA_ERR_PARAM_FIELD_ERR;
		type = ld16(v);
		info = ld16(v + 2);
		if (type == SG_XUA_NTFY_T_STATCHG && info >= SG_XUA_NTFY_I_AS_INACT &&
		    info <= SG_XUA_NTFY_I_AS_PEND)
			return SG_XUA_ERR_NONE;
		if (type == SG_XUA_NTFY_T_OTHER && info >= SG_XUA_NTFY_I_OT_INS_RESRC &&
		    info <= SG_XUA_NTFY_I_OT_ASP_FAILURE)
			return SG_XUA_ERR_NONE;
		return SG_XUA_ERR_INVALID_PARAM_VAL;
	}
	default:
		return d->check ? d->check(k, v, len) : SG_XUA_ERR_PARAM_FIELD_ERR;
	}
}

/* ---- decoder ---- */

/* The dialect's parameters of a message; NULL with *cls_known false: unknown class; NULL
 * with *cls_known true: unknown type. */
static const struct sg_xua_mspec *msg_spec(const struct sg_xua_dialect *d, uint8_t cls,
					   uint8_t type, bool *cls_known)
{
	const struct sg_xua_class *c;

	*cls_known = cls < d->ncls && d->cls[cls].ntypes;
	if (!*cls_known)
		return NULL;
	c = &d->cls[cls];
	if (type >= c->ntypes || !c->types[type].nrules)
		return NULL;
	return &c->types[type];
}

static int fail(struct sg_xua_decode_err *err, enum sg_xua_err code, uint16_t tag,
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
	if (hdr_len < SG_XUA_HDR_LEN || hdr_len >= len || pad4(hdr_len) != len)
		return false;
	for (size_t i = hdr_len; i < len; i++)
		if (buf[i])
			return false;
	return true;
}

int sg_xua_decode(const struct sg_xua_dialect *d, struct sg_xua_msg *m, const uint8_t *buf,
		  size_t len, struct sg_xua_decode_err *err)
{
	const struct sg_xua_mspec *spec;
	uint8_t cnt[SG_XUA_MAX_RULES] = { 0 };
	/* the first parameter at fault per step: unexpected, length, range */
	uint16_t bad_tag[3] = { 0 };
	enum sg_xua_err range_code = SG_XUA_ERR_NONE;
	unsigned int bad = 0;
	bool cls_known;
	size_t off;

	if (!len)
		return fail(err, SG_XUA_ERR_PROTOCOL_ERROR, 0, "empty message");
	if (buf[0] != SG_XUA_VERSION)
		return fail(err, SG_XUA_ERR_INVALID_VERSION, 0, "version is not 1");
	if (len < SG_XUA_HDR_LEN)
		return fail(err, SG_XUA_ERR_PROTOCOL_ERROR, 0, "shorter than the common header");
	m->version = buf[0];
	m->cls = buf[2];
	m->type = buf[3];
	m->len = ld32(buf + 4);
	m->nparams = 0;
	m->buf = buf;
	/* class and type before the length: a reserved class or type is answered as such
	 * even when its length field leaves out the padding (ETSI TS 102 381 does that) */
	spec = msg_spec(d, m->cls, m->type, &cls_known);
	if (!cls_known)
		return fail(err, SG_XUA_ERR_UNSUPP_MSG_CLASS, 0, "unknown message class");
	if (!spec)
		return fail(err, SG_XUA_ERR_UNSUPP_MSG_TYPE, 0, "unknown message type");
	if (m->len != len && !pad_tolerated(buf, m->len, len))
		return fail(err, SG_XUA_ERR_PROTOCOL_ERROR, 0,
			    "message length differs from the octets received");
	/* tolerated padding: the message is what was received, padding included */
	m->len = len;
	if (len > SG_XUA_MAX_LEN)
		return fail(err, SG_XUA_ERR_PROTOCOL_ERROR, 0, "message too long");

	for (off = SG_XUA_HDR_LEN; off < len;) {
		struct sg_xua_param *p;
		const struct sg_xua_prule *r = NULL;
		size_t left = len - off;
		uint16_t plen, tag;
		unsigned int i;
		enum sg_xua_err e;

		if (left < 4)
			return fail(err, SG_XUA_ERR_PROTOCOL_ERROR, 0, "truncated parameter header");
		tag = ld16(buf + off);
		plen = ld16(buf + off + 2);
		/* a wrong length field is a Parameter Field Error (§3.8.1), not the
		 * catch-all Protocol Error; parsing stops here all the same */
		if (plen < 4)
			return fail(err, SG_XUA_ERR_PARAM_FIELD_ERR, tag,
				    "parameter length below 4");
		if (plen > left)
			return fail(err, SG_XUA_ERR_PARAM_FIELD_ERR, tag,
				    "parameter length beyond the message end");
		if (pad4(plen) > left)
			return fail(err, SG_XUA_ERR_PROTOCOL_ERROR, tag,
				    "parameter padding runs past the message end");
		if (m->nparams == SG_XUA_MAX_PARAMS)
			return fail(err, SG_XUA_ERR_PROTOCOL_ERROR, tag, "too many parameters");
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
		if (!r || (cnt[i] && !(r->flags & SG_XUA_P_REP))) {
			if (!(bad & 1)) {
				bad |= 1;
				bad_tag[0] = tag;
			}
			continue;
		}
		cnt[i] = 1;
		if (bad & 2)
			continue;	/* a length error outranks any range error */
		e = check_value(d, r->kind, p->val, p->len);
		if (e == SG_XUA_ERR_PARAM_FIELD_ERR) {
			bad |= 2;
			bad_tag[1] = tag;
		} else if (e != SG_XUA_ERR_NONE && !(bad & 4)) {
			bad |= 4;
			bad_tag[2] = tag;
			range_code = e;
		}
	}

	for (unsigned int i = 0; i < spec->nrules; i++)
		if ((spec->r[i].flags & SG_XUA_P_M) && !cnt[i])
			return fail(err, SG_XUA_ERR_MISSING_PARAM, spec->r[i].tag,
				    "mandatory parameter missing");
	if (bad & 1)
		return fail(err, SG_XUA_ERR_UNEXPECTED_PARAM, bad_tag[0],
			    "parameter not allowed in this message");
	if (bad & 2)
		return fail(err, SG_XUA_ERR_PARAM_FIELD_ERR, bad_tag[1],
			    "parameter length out of range");
	if (bad & 4)
		return fail(err, range_code, bad_tag[2], "parameter value out of range");
	if (err) {
		err->code = SG_XUA_ERR_NONE;
		err->tag = 0;
		err->reason = NULL;
	}
	return 0;
}

/* ---- accessors ---- */

const struct sg_xua_param *sg_xua_find(const struct sg_xua_msg *m, uint16_t tag,
					  unsigned int idx)
{
	for (unsigned int i = 0; i < m->nparams; i++)
		if (m->params[i].tag == tag && !idx--)
			return &m->params[i];
	return NULL;
}

bool sg_xua_get_u32(const struct sg_xua_msg *m, uint16_t tag, uint32_t *v)
{
	const struct sg_xua_param *p = sg_xua_find(m, tag, 0);

	if (!p || p->len != 4)
		return false;
	*v = ld32(p->val);
	return true;
}

int sg_xua_get_u32_list(const struct sg_xua_msg *m, uint16_t tag, uint32_t *v, unsigned int max)
{
	const struct sg_xua_param *p = sg_xua_find(m, tag, 0);
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

/* ---- encoder ---- */

struct msgb *sg_xua_msg_new(uint8_t cls, uint8_t type)
{
	return sg_xua_msg_new_len(cls, type, SG_XUA_MAX_LEN);
}

struct msgb *sg_xua_msg_new_len(uint8_t cls, uint8_t type, size_t max_len)
{
	struct msgb *msg;
	uint8_t *h;

	if (max_len < SG_XUA_HDR_LEN)
		max_len = SG_XUA_HDR_LEN;
	if (max_len > SG_XUA_MAX_LEN)
		max_len = SG_XUA_MAX_LEN;
	/* libosmocore zeroes the whole buffer: a small one is cheaper */
	msg = sg_msgb_alloc(SG_MSGB_HEADROOM + max_len, "xua");

	if (!msg)
		return NULL;
	msgb_reserve(msg, SG_MSGB_HEADROOM);
	h = msgb_put(msg, SG_XUA_HDR_LEN);
	msg->l3h = h;
	h[0] = SG_XUA_VERSION;
	h[1] = 0;
	h[2] = cls;
	h[3] = type;
	st32(h + 4, SG_XUA_HDR_LEN);
	return msg;
}

/* Append a TLV whose value is assembled by the caller: returns the value's
 * start (len octets, then zeroed padding) or NULL when it does not fit. */
uint8_t *sg_xua_put_tlv(struct msgb *msg, uint16_t tag, size_t len)
{
	size_t cur = msg->tail - msg->l3h, total = pad4(4 + len);
	uint8_t *p;

	if (len > SG_XUA_MAX_LEN || cur + total > SG_XUA_MAX_LEN ||
	    msgb_tailroom(msg) < (int)total)
		return NULL;
	p = msgb_put(msg, total);
	st16(p, tag);
	st16(p + 2, (uint16_t)(4 + len));
	memset(p + 4 + len, 0, total - 4 - len);
	st32(msg->l3h + 4, (uint32_t)(cur + total));
	return p + 4;
}

int sg_xua_put(struct msgb *msg, uint16_t tag, uint16_t len, const void *val)
{
	uint8_t *p = sg_xua_put_tlv(msg, tag, len);

	if (!p)
		return -1;
	if (len)
		memcpy(p, val, len);
	return 0;
}

int sg_xua_put_u32(struct msgb *msg, uint16_t tag, uint32_t v)
{
	uint8_t *p = sg_xua_put_tlv(msg, tag, 4);

	if (!p)
		return -1;
	st32(p, v);
	return 0;
}

int sg_xua_put_u32_list(struct msgb *msg, uint16_t tag, const uint32_t *v, unsigned int n)
{
	uint8_t *p;

	if (!n || n > SG_XUA_MAX_LEN / 4)
		return -1;
	p = sg_xua_put_tlv(msg, tag, 4 * (size_t)n);
	if (!p)
		return -1;
	for (unsigned int i = 0; i < n; i++)
		st32(p + 4 * i, v[i]);
	return 0;
}

/* A sub-parameter into buf at *off (the buffer is large enough by
 * construction: see RK_BUF). */
uint8_t *sg_xua_sub_put(uint8_t *buf, size_t *off, uint16_t tag, size_t len)
{
	uint8_t *p = buf + *off;
	size_t total = pad4(4 + len);

	st16(p, tag);
	st16(p + 2, (uint16_t)(4 + len));
	memset(p + 4 + len, 0, total - 4 - len);
	*off += total;
	return p + 4;
}

void sg_xua_sub_put_u32(uint8_t *buf, size_t *off, uint16_t tag, uint32_t v)
{
	st32(sg_xua_sub_put(buf, off, tag, 4), v);
}

unsigned int sg_xua_finish(struct msgb *msg)
{
	unsigned int len = msg->tail - msg->l3h;

	st32(msg->l3h + 4, len);
	return len;
}

/* ---- names ---- */

static const struct value_string err_names[] = {
	{ SG_XUA_ERR_NONE, "none" },
	{ SG_XUA_ERR_INVALID_VERSION, "Invalid Version" },
	{ SG_XUA_ERR_UNSUPP_MSG_CLASS, "Unsupported Message Class" },
	{ SG_XUA_ERR_UNSUPP_MSG_TYPE, "Unsupported Message Type" },
	{ SG_XUA_ERR_UNSUPP_TRAFFIC_MODE, "Unsupported Traffic Mode Type" },
	{ SG_XUA_ERR_UNEXPECTED_MSG, "Unexpected Message" },
	{ SG_XUA_ERR_PROTOCOL_ERROR, "Protocol Error" },
	{ SG_XUA_ERR_INVALID_STREAM_ID, "Invalid Stream Identifier" },
	{ SG_XUA_ERR_REFUSED_MGMT_BLOCKING, "Refused - Management Blocking" },
	{ SG_XUA_ERR_ASP_ID_REQUIRED, "ASP Identifier Required" },
	{ SG_XUA_ERR_INVALID_ASP_ID, "Invalid ASP Identifier" },
	{ SG_XUA_ERR_INVALID_PARAM_VAL, "Invalid Parameter Value" },
	{ SG_XUA_ERR_PARAM_FIELD_ERR, "Parameter Field Error" },
	{ SG_XUA_ERR_UNEXPECTED_PARAM, "Unexpected Parameter" },
	{ SG_XUA_ERR_DEST_STATUS_UNKNOWN, "Destination Status Unknown" },
	{ SG_XUA_ERR_INVALID_NET_APPEAR, "Invalid Network Appearance" },
	{ SG_XUA_ERR_MISSING_PARAM, "Missing Parameter" },
	{ SG_XUA_ERR_INVALID_ROUTING_CTX, "Invalid Routing Context" },
	{ SG_XUA_ERR_NO_CONFGD_AS_FOR_ASP, "No Configured AS for ASP" },
	{ 0, NULL }
};

const char *sg_xua_msg_name(const struct sg_xua_dialect *d, uint8_t cls, uint8_t type)
{
	const struct sg_xua_class *c = cls < d->ncls ? &d->cls[cls] : NULL;

	if (!c || type >= c->ntypes || !c->names || !c->names[type])
		return "unknown";
	return c->names[type];
}

const char *sg_xua_err_name(enum sg_xua_err code)
{
	return sg_xua_vs_name(err_names, code);
}
