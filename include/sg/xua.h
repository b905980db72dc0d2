/* The xUA wire format shared by M3UA (RFC 4666) and SUA (RFC 3868): the common message header
 * (§3.1 of both), the TLV parameter walk (§3.2), the §3.8.1 error codes, and a decoder driven
 * by a per-protocol dialect table.
 *
 * A dialect (M3UA's is in sg/sigtran/m3ua_codec.c, include/sg/m3ua.h) lists for each message
 * class and type the parameters (tags) it may carry, which of them are mandatory or may
 * repeat, and the kind of each value; the walker here checks the header, the TLV framing and
 * the parameter sets, and checks the values of the kinds every xUA protocol has, leaving the
 * others to the dialect's check function.  The error a bad message deserves is the one of the
 * earliest failing step (see sg/sigtran/xua_codec.c for the order).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msgb;

#define SG_XUA_VERSION		1
#define SG_XUA_HDR_LEN		8
/* Largest message we accept or build. */
#define SG_XUA_MAX_LEN		8192
/* Most parameters one message may carry (more is a Protocol Error). */
#define SG_XUA_MAX_PARAMS	64
/* Most parameter rules of one message type in a dialect table. */
#define SG_XUA_MAX_RULES	12

/* The message classes and types the xUA protocols share (§3.1.2 of both; SUA numbers its
 * connectionless and connection-oriented classes 7 and 8, M3UA its transfer class 1) */
enum {
	SG_XUA_CLS_MGMT = 0, SG_XUA_CLS_SSNM = 2, SG_XUA_CLS_ASPSM = 3, SG_XUA_CLS_ASPTM = 4,
	SG_XUA_CLS_RKM = 9,
};
enum { SG_XUA_MGMT_ERR = 0, SG_XUA_MGMT_NTFY = 1 };
enum {
	SG_XUA_SSNM_DUNA = 1, SG_XUA_SSNM_DAVA = 2, SG_XUA_SSNM_DAUD = 3,
	SG_XUA_SSNM_SCON = 4, SG_XUA_SSNM_DUPU = 5, SG_XUA_SSNM_DRST = 6,
};
enum {
	SG_XUA_ASPSM_UP = 1, SG_XUA_ASPSM_DOWN = 2, SG_XUA_ASPSM_BEAT = 3,
	SG_XUA_ASPSM_UP_ACK = 4, SG_XUA_ASPSM_DOWN_ACK = 5, SG_XUA_ASPSM_BEAT_ACK = 6,
};
enum {
	SG_XUA_ASPTM_ACT = 1, SG_XUA_ASPTM_INACT = 2,
	SG_XUA_ASPTM_ACT_ACK = 3, SG_XUA_ASPTM_INACT_ACK = 4,
};
enum {
	SG_XUA_RKM_REG_REQ = 1, SG_XUA_RKM_REG_RSP = 2,
	SG_XUA_RKM_DEREG_REQ = 3, SG_XUA_RKM_DEREG_RSP = 4,
};

/* The common parameter tags (§3.2 of both: 0x0000-0x00ff); each protocol numbers its own
 * from 0x0100 (SUA) or 0x0200 (M3UA) on */
enum {
	SG_XUA_IEI_INFO_STRING = 0x0004,
	SG_XUA_IEI_ROUTE_CTX = 0x0006,
	SG_XUA_IEI_DIAG_INFO = 0x0007,
	SG_XUA_IEI_HEARTBEAT_DATA = 0x0009,
	SG_XUA_IEI_TRAFFIC_MODE = 0x000b,
	SG_XUA_IEI_ERR_CODE = 0x000c,
	SG_XUA_IEI_STATUS = 0x000d,
	SG_XUA_IEI_ASP_ID = 0x0011,
	SG_XUA_IEI_AFFECTED_PC = 0x0012,
	SG_XUA_IEI_CORR_ID = 0x0013,
};

/* ERR error codes (RFC 4666 §3.8.1, RFC 3868 §3.8.1: the same numbers) */
enum sg_xua_err {
	SG_XUA_ERR_NONE = 0x00,
	SG_XUA_ERR_INVALID_VERSION = 0x01,
	SG_XUA_ERR_UNSUPP_MSG_CLASS = 0x03,
	SG_XUA_ERR_UNSUPP_MSG_TYPE = 0x04,
	SG_XUA_ERR_UNSUPP_TRAFFIC_MODE = 0x05,
	SG_XUA_ERR_UNEXPECTED_MSG = 0x06,
	SG_XUA_ERR_PROTOCOL_ERROR = 0x07,
	SG_XUA_ERR_INVALID_STREAM_ID = 0x09,
	SG_XUA_ERR_REFUSED_MGMT_BLOCKING = 0x0d,
	SG_XUA_ERR_ASP_ID_REQUIRED = 0x0e,
	SG_XUA_ERR_INVALID_ASP_ID = 0x0f,
	SG_XUA_ERR_INVALID_PARAM_VAL = 0x11,
	SG_XUA_ERR_PARAM_FIELD_ERR = 0x12,
	SG_XUA_ERR_UNEXPECTED_PARAM = 0x13,
	SG_XUA_ERR_DEST_STATUS_UNKNOWN = 0x14,
	SG_XUA_ERR_INVALID_NET_APPEAR = 0x15,
	SG_XUA_ERR_MISSING_PARAM = 0x16,
	SG_XUA_ERR_INVALID_ROUTING_CTX = 0x19,
	SG_XUA_ERR_NO_CONFGD_AS_FOR_ASP = 0x1a,
};

/* NTFY status type / information (§3.8.2 of both) */
enum { SG_XUA_NTFY_T_STATCHG = 1, SG_XUA_NTFY_T_OTHER = 2 };
enum {
	SG_XUA_NTFY_I_RESERVED = 1, SG_XUA_NTFY_I_AS_INACT = 2,
	SG_XUA_NTFY_I_AS_ACT = 3, SG_XUA_NTFY_I_AS_PEND = 4,
};
enum {
	SG_XUA_NTFY_I_OT_INS_RESRC = 1, SG_XUA_NTFY_I_OT_ALT_ASP_ACT = 2,
	SG_XUA_NTFY_I_OT_ASP_FAILURE = 3,
};
/* Traffic mode types (§3.5.1 / §3.7.1): override, loadshare, broadcast */
enum { SG_XUA_TMT_MIN = 1, SG_XUA_TMT_MAX = 3 };

/* One parameter of a decoded message; val points into the decoded buffer. */
struct sg_xua_param {
	uint16_t tag;
	uint16_t len;		/* value length, without header and padding */
	const uint8_t *val;
};

/* A decoded message.  Valid only as long as the buffer it was decoded from. */
struct sg_xua_msg {
	uint8_t version;
	uint8_t cls;
	uint8_t type;
	uint32_t len;		/* message length from the common header */
	unsigned int nparams;
	struct sg_xua_param params[SG_XUA_MAX_PARAMS];
	const uint8_t *buf;	/* the whole message */
};

/* Why a decode failed: the error code for the ERR and the tag at fault (0 when none). */
struct sg_xua_decode_err {
	enum sg_xua_err code;
	uint16_t tag;
	const char *reason;	/* static text for logs */
};

/* ---- dialects ---- */

/* How the walker checks a parameter's value: the kinds every xUA protocol has; a dialect
 * numbers its own from SG_XUA_K_DIALECT on and checks them in its check function. */
enum sg_xua_kind {
	SG_XUA_K_U32,		/* exactly 4 octets */
	SG_XUA_K_LIST,		/* n x 4 octets, n >= 1 (Routing Context, ...) */
	SG_XUA_K_INFO,		/* INFO String: 0..255 octets */
	SG_XUA_K_ANY,		/* any length (Heartbeat Data, Diagnostic Information) */
	SG_XUA_K_TMT,		/* Traffic Mode Type: 4 octets, 1..3 */
	SG_XUA_K_STATUS,	/* NTFY Status: 4 octets, the type/info pairs of §3.8.2 */
	SG_XUA_K_DIALECT,
};

#define SG_XUA_P_M	0x01	/* mandatory */
#define SG_XUA_P_REP	0x02	/* may appear more than once */

struct sg_xua_prule {
	uint16_t tag;
	uint8_t kind;		/* enum sg_xua_kind or a dialect's kind */
	uint8_t flags;		/* SG_XUA_P_* */
};

/* The parameters of one message type; nrules 0: no such type. */
struct sg_xua_mspec {
	uint8_t nrules;
	struct sg_xua_prule r[SG_XUA_MAX_RULES];
};

/* One message class: its types and their names, indexed by type; ntypes 0: no such class. */
struct sg_xua_class {
	const struct sg_xua_mspec *types;
	unsigned int ntypes;
	const char *const *names;	/* ntypes names ("ASPUP", ...), NULL for a gap */
};

struct sg_xua_dialect {
	const char *name;			/* "M3UA" */
	const struct sg_xua_class *cls;		/* indexed by message class */
	unsigned int ncls;
	/* The error a value of a dialect kind (>= SG_XUA_K_DIALECT) deserves: NONE,
	 * PARAM_FIELD_ERR (its length) or another code (its range). */
	enum sg_xua_err (*check)(uint8_t kind, const uint8_t *v, uint16_t len);
};

/* Decode and syntax-check buf[0..len) against dialect d; allocates nothing and never reads
 * outside buf[0..len).  Returns 0, or -1 with *err filled in. */
int sg_xua_decode(const struct sg_xua_dialect *d, struct sg_xua_msg *m, const uint8_t *buf,
		  size_t len, struct sg_xua_decode_err *err);

/* The idx-th (0-based) occurrence of tag, or NULL. */
const struct sg_xua_param *sg_xua_find(const struct sg_xua_msg *m, uint16_t tag, unsigned int idx);
/* A 32-bit value parameter; false when absent (or not 4 octets). */
bool sg_xua_get_u32(const struct sg_xua_msg *m, uint16_t tag, uint32_t *v);
/* A list of 32-bit values: up to max values into v; returns how many, -1 when absent. */
int sg_xua_get_u32_list(const struct sg_xua_msg *m, uint16_t tag, uint32_t *v, unsigned int max);

/* Nested sub-parameters of a parameter's value (Routing Key, Registration Result, ...). */
struct sg_xua_sub_iter {
	const uint8_t *v;
	size_t len, off;
};
/* The next sub-parameter: 1, 0 at the end, -1 when malformed.  The padding of the last
 * sub-parameter may be left out of the outer length. */
int sg_xua_sub_next(struct sg_xua_sub_iter *it, uint16_t *tag, uint16_t *len, const uint8_t **val);
/* A value made of n mandatory 4-octet sub-parameters tags[i], each exactly once, into *dst[i].
 * NONE or PARAM_FIELD_ERR. */
enum sg_xua_err sg_xua_u32_subs(const uint8_t *v, size_t len, const uint16_t *tags,
				uint32_t *const *dst, unsigned int n);
/* Write a sub-parameter header at buf + *off, advance *off past its padded value and return
 * the value's start (len octets; the padding is zeroed).  The caller sized buf. */
uint8_t *sg_xua_sub_put(uint8_t *buf, size_t *off, uint16_t tag, size_t len);
void sg_xua_sub_put_u32(uint8_t *buf, size_t *off, uint16_t tag, uint32_t v);

/*
 * Encoding: start a message, append parameters, finish (sets the length).  The msgb comes from
 * sg_msgb_alloc (may cross threads); msg->l3h marks the common header.  Appending never fails
 * below max_len (at most SG_XUA_MAX_LEN); beyond it the append returns -1 and the message is
 * unchanged.
 */
struct msgb *sg_xua_msg_new_len(uint8_t cls, uint8_t type, size_t max_len);
/* The same with room for SG_XUA_MAX_LEN octets. */
struct msgb *sg_xua_msg_new(uint8_t cls, uint8_t type);
/* Append a TLV whose value the caller writes: the value's start (len octets, then zeroed
 * padding), or NULL when it does not fit. */
uint8_t *sg_xua_put_tlv(struct msgb *msg, uint16_t tag, size_t len);
int sg_xua_put(struct msgb *msg, uint16_t tag, uint16_t len, const void *val);
int sg_xua_put_u32(struct msgb *msg, uint16_t tag, uint32_t v);
int sg_xua_put_u32_list(struct msgb *msg, uint16_t tag, const uint32_t *v, unsigned int n);
/* Set the common header's length; returns the total length. */
unsigned int sg_xua_finish(struct msgb *msg);

/* A message's name in dialect d ("ASPUP", "DATA", ...; "unknown" when it has none) */
const char *sg_xua_msg_name(const struct sg_xua_dialect *d, uint8_t cls, uint8_t type);
/* "Invalid Version", ... ("unknown" for a code not in §3.8.1) */
const char *sg_xua_err_name(enum sg_xua_err code);
