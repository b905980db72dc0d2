/* M3UA (RFC 4666) wire format: constants, a zero-copy decoder and an encoder: M3UA's dialect
 * of the xUA codec (include/sg/xua.h), whose types and TLV functions it names for M3UA.
 *
 * The codec knows the syntax of every message (which parameters are
 * mandatory, optional or not allowed, their lengths and value ranges) and
 * nothing about state: whether a routing context is configured, whether an
 * ASP may send a message in its current state, etc. are for the M3UA layer
 * (m3ua_sg.h).  A syntax error is reported as the RFC 4666 §3.8.1 error code
 * the peer must receive in an ERR message.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sg/xua.h>

struct msgb;

#define SG_M3UA_VERSION		SG_XUA_VERSION
#define SG_M3UA_PORT		2905
#define SG_M3UA_PPID		3
#define SG_M3UA_HDR_LEN		SG_XUA_HDR_LEN
/* Largest message we accept or build (RKM with many keys fits easily). */
#define SG_M3UA_MAX_LEN		SG_XUA_MAX_LEN
/* Most parameters one message may carry (more is a Protocol Error). */
#define SG_M3UA_MAX_PARAMS	SG_XUA_MAX_PARAMS

/* Message classes (§3.1.2): the xUA core's and M3UA's transfer class */
enum sg_m3ua_class {
	SG_M3UA_CLS_MGMT = SG_XUA_CLS_MGMT,
	SG_M3UA_CLS_XFER = 1,
	SG_M3UA_CLS_SSNM = SG_XUA_CLS_SSNM,
	SG_M3UA_CLS_ASPSM = SG_XUA_CLS_ASPSM,
	SG_M3UA_CLS_ASPTM = SG_XUA_CLS_ASPTM,
	SG_M3UA_CLS_RKM = SG_XUA_CLS_RKM,
};

/* Message types per class (the xUA core's but DATA) */
enum { SG_M3UA_MGMT_ERR = SG_XUA_MGMT_ERR, SG_M3UA_MGMT_NTFY = SG_XUA_MGMT_NTFY };
enum { SG_M3UA_XFER_DATA = 1 };
enum {
	SG_M3UA_SSNM_DUNA = SG_XUA_SSNM_DUNA, SG_M3UA_SSNM_DAVA = SG_XUA_SSNM_DAVA,
	SG_M3UA_SSNM_DAUD = SG_XUA_SSNM_DAUD, SG_M3UA_SSNM_SCON = SG_XUA_SSNM_SCON,
	SG_M3UA_SSNM_DUPU = SG_XUA_SSNM_DUPU, SG_M3UA_SSNM_DRST = SG_XUA_SSNM_DRST,
};
enum {
	SG_M3UA_ASPSM_UP = SG_XUA_ASPSM_UP, SG_M3UA_ASPSM_DOWN = SG_XUA_ASPSM_DOWN,
	SG_M3UA_ASPSM_BEAT = SG_XUA_ASPSM_BEAT, SG_M3UA_ASPSM_UP_ACK = SG_XUA_ASPSM_UP_ACK,
	SG_M3UA_ASPSM_DOWN_ACK = SG_XUA_ASPSM_DOWN_ACK,
	SG_M3UA_ASPSM_BEAT_ACK = SG_XUA_ASPSM_BEAT_ACK,
};
enum {
	SG_M3UA_ASPTM_ACT = SG_XUA_ASPTM_ACT, SG_M3UA_ASPTM_INACT = SG_XUA_ASPTM_INACT,
	SG_M3UA_ASPTM_ACT_ACK = SG_XUA_ASPTM_ACT_ACK,
	SG_M3UA_ASPTM_INACT_ACK = SG_XUA_ASPTM_INACT_ACK,
};
enum {
	SG_M3UA_RKM_REG_REQ = SG_XUA_RKM_REG_REQ, SG_M3UA_RKM_REG_RSP = SG_XUA_RKM_REG_RSP,
	SG_M3UA_RKM_DEREG_REQ = SG_XUA_RKM_DEREG_REQ, SG_M3UA_RKM_DEREG_RSP = SG_XUA_RKM_DEREG_RSP,
};

/* Parameter tags (§3.2: common 0x0000-0x01ff, the xUA core's; M3UA-specific 0x0200-) */
enum sg_m3ua_tag {
	SG_M3UA_IEI_INFO_STRING = SG_XUA_IEI_INFO_STRING,
	SG_M3UA_IEI_ROUTE_CTX = SG_XUA_IEI_ROUTE_CTX,
	SG_M3UA_IEI_DIAG_INFO = SG_XUA_IEI_DIAG_INFO,
	SG_M3UA_IEI_HEARTBEAT_DATA = SG_XUA_IEI_HEARTBEAT_DATA,
	SG_M3UA_IEI_TRAFFIC_MODE = SG_XUA_IEI_TRAFFIC_MODE,
	SG_M3UA_IEI_ERR_CODE = SG_XUA_IEI_ERR_CODE,
	SG_M3UA_IEI_STATUS = SG_XUA_IEI_STATUS,
	SG_M3UA_IEI_ASP_ID = SG_XUA_IEI_ASP_ID,
	SG_M3UA_IEI_AFFECTED_PC = SG_XUA_IEI_AFFECTED_PC,
	SG_M3UA_IEI_CORR_ID = SG_XUA_IEI_CORR_ID,
	SG_M3UA_IEI_NET_APPEAR = 0x0200,
	SG_M3UA_IEI_USER_CAUSE = 0x0204,
	SG_M3UA_IEI_CONG_IND = 0x0205,
	SG_M3UA_IEI_CONCERNED_DEST = 0x0206,
	SG_M3UA_IEI_ROUTING_KEY = 0x0207,
	SG_M3UA_IEI_REG_RESULT = 0x0208,
	SG_M3UA_IEI_DEREG_RESULT = 0x0209,
	SG_M3UA_IEI_LOCAL_RK_ID = 0x020a,
	SG_M3UA_IEI_DPC = 0x020b,
	SG_M3UA_IEI_SI = 0x020c,
	SG_M3UA_IEI_OPC_LIST = 0x020e,
	SG_M3UA_IEI_CIRCUIT_RANGE = 0x020f,
	SG_M3UA_IEI_PROT_DATA = 0x0210,
	SG_M3UA_IEI_REG_STATUS = 0x0212,
	SG_M3UA_IEI_DEREG_STATUS = 0x0213,
};

/* ERR error codes (§3.8.1): the xUA core's */
#define sg_m3ua_err sg_xua_err
#define SG_M3UA_ERR_NONE			SG_XUA_ERR_NONE
#define SG_M3UA_ERR_INVALID_VERSION		SG_XUA_ERR_INVALID_VERSION
#define SG_M3UA_ERR_UNSUPP_MSG_CLASS		SG_XUA_ERR_UNSUPP_MSG_CLASS
#define SG_M3UA_ERR_UNSUPP_MSG_TYPE		SG_XUA_ERR_UNSUPP_MSG_TYPE
#define SG_M3UA_ERR_UNSUPP_TRAFFIC_MODE		SG_XUA_ERR_UNSUPP_TRAFFIC_MODE
#define SG_M3UA_ERR_UNEXPECTED_MSG		SG_XUA_ERR_UNEXPECTED_MSG
#define SG_M3UA_ERR_PROTOCOL_ERROR		SG_XUA_ERR_PROTOCOL_ERROR
#define SG_M3UA_ERR_INVALID_STREAM_ID		SG_XUA_ERR_INVALID_STREAM_ID
#define SG_M3UA_ERR_REFUSED_MGMT_BLOCKING	SG_XUA_ERR_REFUSED_MGMT_BLOCKING
#define SG_M3UA_ERR_ASP_ID_REQUIRED		SG_XUA_ERR_ASP_ID_REQUIRED
#define SG_M3UA_ERR_INVALID_ASP_ID		SG_XUA_ERR_INVALID_ASP_ID
#define SG_M3UA_ERR_INVALID_PARAM_VAL		SG_XUA_ERR_INVALID_PARAM_VAL
#define SG_M3UA_ERR_PARAM_FIELD_ERR		SG_XUA_ERR_PARAM_FIELD_ERR
#define SG_M3UA_ERR_UNEXPECTED_PARAM		SG_XUA_ERR_UNEXPECTED_PARAM
#define SG_M3UA_ERR_DEST_STATUS_UNKNOWN		SG_XUA_ERR_DEST_STATUS_UNKNOWN
#define SG_M3UA_ERR_INVALID_NET_APPEAR		SG_XUA_ERR_INVALID_NET_APPEAR
#define SG_M3UA_ERR_MISSING_PARAM		SG_XUA_ERR_MISSING_PARAM
#define SG_M3UA_ERR_INVALID_ROUTING_CTX		SG_XUA_ERR_INVALID_ROUTING_CTX
#define SG_M3UA_ERR_NO_CONFGD_AS_FOR_ASP	SG_XUA_ERR_NO_CONFGD_AS_FOR_ASP

/* NTFY status type / information (§3.8.2): the xUA core's */
#define SG_M3UA_NTFY_T_STATCHG		SG_XUA_NTFY_T_STATCHG
#define SG_M3UA_NTFY_T_OTHER		SG_XUA_NTFY_T_OTHER
#define SG_M3UA_NTFY_I_RESERVED		SG_XUA_NTFY_I_RESERVED
#define SG_M3UA_NTFY_I_AS_INACT		SG_XUA_NTFY_I_AS_INACT
#define SG_M3UA_NTFY_I_AS_ACT		SG_XUA_NTFY_I_AS_ACT
#define SG_M3UA_NTFY_I_AS_PEND		SG_XUA_NTFY_I_AS_PEND
#define SG_M3UA_NTFY_I_OT_INS_RESRC	SG_XUA_NTFY_I_OT_INS_RESRC
#define SG_M3UA_NTFY_I_OT_ALT_ASP_ACT	SG_XUA_NTFY_I_OT_ALT_ASP_ACT
#define SG_M3UA_NTFY_I_OT_ASP_FAILURE	SG_XUA_NTFY_I_OT_ASP_FAILURE

/* Traffic mode type (§3.5.1) */
enum sg_m3ua_tmt {
	SG_M3UA_TMT_NONE = 0,	/* not given / not configured */
	SG_M3UA_TMT_OVERRIDE = 1,
	SG_M3UA_TMT_LOADSHARE = 2,
	SG_M3UA_TMT_BROADCAST = 3,
};

/* DUPU cause (§3.4.5) */
enum {
	SG_M3UA_DUPU_UNKNOWN = 0, SG_M3UA_DUPU_UNEQUIPPED = 1, SG_M3UA_DUPU_INACCESSIBLE = 2,
};

/* Registration status (§3.6.2) */
enum sg_m3ua_reg_status {
	SG_M3UA_REG_OK = 0,
	SG_M3UA_REG_ERR_UNKNOWN = 1,
	SG_M3UA_REG_ERR_INVAL_DPC = 2,
	SG_M3UA_REG_ERR_INVAL_NET_APPEAR = 3,
	SG_M3UA_REG_ERR_INVAL_RKEY = 4,
	SG_M3UA_REG_ERR_PERM_DENIED = 5,
	SG_M3UA_REG_ERR_CANT_SUPP_UNQ_RT = 6,
	SG_M3UA_REG_ERR_RKEY_NOT_PROVD = 7,
	SG_M3UA_REG_ERR_INSUFF_RESRC = 8,
	SG_M3UA_REG_ERR_UNSUPP_RK_PARAM = 9,
	SG_M3UA_REG_ERR_INVAL_TRAF_HDL_MODE = 10,
	SG_M3UA_REG_ERR_RKEY_CHG_REFUSED = 11,
	SG_M3UA_REG_ERR_RKEY_ALRDY_REGD = 12,
};

/* Deregistration status (§3.6.4) */
enum sg_m3ua_dereg_status {
	SG_M3UA_DEREG_OK = 0,
	SG_M3UA_DEREG_ERR_UNKNOWN = 1,
	SG_M3UA_DEREG_ERR_INVAL_RCTX = 2,
	SG_M3UA_DEREG_ERR_PERM_DENIED = 3,
	SG_M3UA_DEREG_ERR_NOT_REGD = 4,
	SG_M3UA_DEREG_ERR_ASP_ACTIVE = 5,
};

/* A decoded message and its parameters (valid as long as the buffer it was decoded from), and
 * why a decode failed: the error code for the ERR and the tag at fault (0 when none); the M3UA
 * layer adds RC/NA and diagnostic information.  The xUA core's types. */
#define sg_m3ua_param sg_xua_param
#define sg_m3ua_msg sg_xua_msg
#define sg_m3ua_decode_err sg_xua_decode_err

/*
 * Decode and syntax-check buf[0..len).  Checks, in this order: version,
 * header length against len, class, type within class, parameter TLV
 * framing and padding, then per message type: mandatory parameters present
 * (Missing Parameter), parameters not allowed (Unexpected Parameter), value
 * lengths (Parameter Field Error), and value ranges that need no state
 * (Invalid Parameter Value, Unsupported Traffic Mode Type for an undefined
 * traffic mode).  Unknown tags (in any range) and a second occurrence of a
 * parameter that may appear only once are Unexpected Parameter.  Routing Key
 * contents are not checked here but by sg_m3ua_get_rk() (a bad key gets a
 * REG RSP status, not an ERR); Registration / Deregistration Results are
 * (their sub-parameters must all be there with the right lengths).
 * sg_m3ua_decode allocates nothing and never reads outside buf[0..len).
 * The full order is documented at the top of sg/sigtran/xua_codec.c (the walker), what is
 * M3UA's at the top of sg/sigtran/m3ua_codec.c (the dialect).
 * Returns 0, or -1 with *err filled in.
 */
int sg_m3ua_decode(struct sg_m3ua_msg *m, const uint8_t *buf, size_t len,
		   struct sg_m3ua_decode_err *err);

/* The idx-th (0-based) occurrence of tag, or NULL; a 32-bit value parameter (false when
 * absent or not 4 octets); a list of 32-bit values (Routing Context, Affected Point Code,
 * ...): up to max values into v, returns how many, -1 when absent.  The xUA core's. */
#define sg_m3ua_find sg_xua_find
#define sg_m3ua_get_u32 sg_xua_get_u32
#define sg_m3ua_get_u32_list sg_xua_get_u32_list

/* Affected Point Code entries: mask (high octet) and 24-bit PC */
static inline uint8_t sg_m3ua_apc_mask(uint32_t v) { return v >> 24; }
static inline uint32_t sg_m3ua_apc_pc(uint32_t v) { return v & 0xffffff; }

/* Protocol Data (§3.3.1.1) */
struct sg_m3ua_pdata {
	uint32_t opc, dpc;
	uint8_t si, ni, mp, sls;
	const uint8_t *data;	/* user protocol data */
	uint16_t len;
};
/* Decode the Protocol Data parameter of a DATA message; 0 or -1 (absent or
 * shorter than 12 octets). */
int sg_m3ua_get_pdata(const struct sg_m3ua_msg *m, struct sg_m3ua_pdata *pd);

/* A Routing Key (§3.6.1) as it appears in REG REQ */
#define SG_M3UA_RK_MAX_DPC	8
#define SG_M3UA_RK_MAX_SI	16
#define SG_M3UA_RK_MAX_OPC	16
#define SG_M3UA_RK_MAX_CIC	8
struct sg_m3ua_cic_range { uint32_t opc; uint8_t mask; uint16_t lower, upper; };
struct sg_m3ua_rk {
	uint32_t lrk_id;
	bool has_rctx; uint32_t rctx;
	bool has_tmt; uint32_t tmt;
	bool has_na; uint32_t na;
	unsigned int ndpc; uint32_t dpc[SG_M3UA_RK_MAX_DPC];	/* mask << 24 | pc */
	unsigned int nsi; uint8_t si[SG_M3UA_RK_MAX_SI];
	unsigned int nopc; uint32_t opc[SG_M3UA_RK_MAX_OPC];	/* mask << 24 | pc */
	unsigned int ncic; struct sg_m3ua_cic_range cic[SG_M3UA_RK_MAX_CIC];
	/* §3.6.1: DPC, SI, OPC List and Circuit Range may repeat as groups,
	 * each group opened by a DPC.  *_grp[i] is the index in dpc[] of the
	 * group entry i belongs to (all 0 for a key with one DPC; an SI/OPC/CIC
	 * sent before the first DPC counts for the first group). */
	uint8_t si_grp[SG_M3UA_RK_MAX_SI];
	uint8_t opc_grp[SG_M3UA_RK_MAX_OPC];
	uint8_t cic_grp[SG_M3UA_RK_MAX_CIC];
};
/*
 * Decode the idx-th Routing Key parameter of a REG REQ.  Returns 0, 1 when
 * there is no idx-th key, or -1 with *status set to the registration status
 * the key deserves (Invalid Routing Key when the Local-RK-Identifier or DPC
 * is missing or a sub-parameter is malformed; Unsupported RK Parameter Field
 * for an unknown sub-parameter) and rk->lrk_id filled in if it was present.
 */
int sg_m3ua_get_rk(const struct sg_m3ua_msg *m, unsigned int idx, struct sg_m3ua_rk *rk,
		   enum sg_m3ua_reg_status *status);
/* The same for a Routing Key value (the parameter's value, without its
 * header): 0, or -1 with *status set. */
int sg_m3ua_rk_decode(const uint8_t *val, size_t len, struct sg_m3ua_rk *rk,
		      enum sg_m3ua_reg_status *status);

/* Registration / Deregistration Result (§3.6.2, §3.6.4) from a REG/DEREG RSP */
/* Each returns 0, 1 when there is no idx-th result, -1 when it is malformed
 * (cannot happen for a message sg_m3ua_decode accepted). */
struct sg_m3ua_reg_result { uint32_t lrk_id, status, rctx; };
int sg_m3ua_get_reg_result(const struct sg_m3ua_msg *m, unsigned int idx, struct sg_m3ua_reg_result *r);
struct sg_m3ua_dereg_result { uint32_t rctx, status; };
int sg_m3ua_get_dereg_result(const struct sg_m3ua_msg *m, unsigned int idx, struct sg_m3ua_dereg_result *r);

/*
 * Encoding: start a message, append parameters, finish (sets the length).
 * The msgb comes from sg_msgb_alloc (may cross threads); msg->l3h marks the
 * common header.  Appending never fails below SG_M3UA_MAX_LEN; beyond it the
 * append returns -1 and the message is unchanged.
 */
#define sg_m3ua_msg_new sg_xua_msg_new
/* The same with room for max_len octets from the common header on (at most
 * SG_M3UA_MAX_LEN; appends beyond it return -1): cheaper for the DATA fast
 * path, e.g. max_len = 8 + 8 (RC) + 8 (NA) + 8 (Corr. ID) + 16 + MSU length.
 * It and the TLV appends are the xUA core's. */
#define sg_m3ua_msg_new_len sg_xua_msg_new_len
#define sg_m3ua_put sg_xua_put
#define sg_m3ua_put_u32 sg_xua_put_u32
#define sg_m3ua_put_u32_list sg_xua_put_u32_list
int sg_m3ua_put_pdata(struct msgb *msg, const struct sg_m3ua_pdata *pd);
/* A Routing Key / Registration Result / Deregistration Result parameter with
 * its nested sub-parameters.  sg_m3ua_put_rk refuses (-1) a key without a
 * DPC, with counts beyond the SG_M3UA_RK_MAX_* arrays or group indexes
 * beyond ndpc; it writes the §3.6.1 order: LRK-ID, RC, TMT, DPC #1, NA, then
 * SI, OPC List, Circuit Range of group 1, then DPC #2 and its group, ... */
int sg_m3ua_put_rk(struct msgb *msg, const struct sg_m3ua_rk *rk);
int sg_m3ua_put_reg_result(struct msgb *msg, const struct sg_m3ua_reg_result *r);
int sg_m3ua_put_dereg_result(struct msgb *msg, const struct sg_m3ua_dereg_result *r);
/* Set the common header's length; returns the total length. */
#define sg_m3ua_finish sg_xua_finish

/* Convenience: an ERR with the code, optional RC / NA (pass NULL to omit),
 * and the offending message as Diagnostic Information (diag may be NULL). */
struct msgb *sg_m3ua_err_new(enum sg_m3ua_err code, const uint32_t *rctx, const uint32_t *na,
			     const uint8_t *diag, size_t diag_len);

/* Names for logs and the API */
const char *sg_m3ua_msg_name(uint8_t cls, uint8_t type);	/* "ASPUP", "DATA", ... */
#define sg_m3ua_err_name sg_xua_err_name			/* the xUA core's */
const char *sg_m3ua_tmt_name(enum sg_m3ua_tmt t);
const char *sg_m3ua_tag_name(uint16_t tag);		/* "Protocol Data", ... */
const char *sg_m3ua_reg_status_name(uint32_t status);
const char *sg_m3ua_dereg_status_name(uint32_t status);

/*
 * DATA in place (sg/sigtran/m3ua_data.c), by the buffer convention of include/sg/msg.h: an
 * MTP user part becomes a DATA without being copied, by writing the headers in front of it
 * and the padding behind, and a received DATA gives its user part back by pulling them.
 * The octets are those of the encoder above (sg_m3ua_msg_new_len, sg_m3ua_put_u32 of NA and
 * RC, sg_m3ua_put_pdata, Correlation Id, sg_m3ua_finish): §3.3.1's order NA, RC, Protocol
 * Data, Correlation Id.
 */
/* Room a DATA needs in front of its user part (common header, NA, RC, Protocol Data
 * header with OPC..SLS) and behind it (padding, Correlation Id), at most. */
#define SG_M3UA_DATA_HEAD_MAX	(SG_M3UA_HDR_LEN + 8 + 8 + 4 + 12)
#define SG_M3UA_DATA_TAIL_MAX	(3 + 8)
/*
 * Make *msgp a DATA.  The user part is msgb_l4(*msgp) (msg->data when l4h is unset) up to
 * the tail; whatever is in front of it (an MSU's SIO and routing label) is pulled off.  The
 * label is pd's opc, dpc, si, ni, mp, sls (pd->data and pd->len are not used); na, rc and
 * corr_id are the optional parameters (NULL: absent).  Afterwards msg->data == l3h is the
 * common header, the message is complete, and l4h is the user part: at the same address
 * unless the buffer lacked room, in which case it was copied once into a new msgb
 * (sg_msgb_room(): *msgp replaced, the copy counted).
 * Returns 0 (in place), 1 (copied), -EINVAL (SI, NI or MP out of range, message longer than
 * SG_M3UA_MAX_LEN, l4h outside the message), -ENOMEM; on an error *msgp is unchanged and
 * still the caller's.
 */
int sg_m3ua_data_wrap(struct msgb **msgp, const struct sg_m3ua_pdata *pd, const uint32_t *na,
		      const uint32_t *rc, const uint32_t *corr_id);
/* Make sure *msgp has the room the largest DATA takes around its user part (as above):
 * sg_msgb_room() with what lies in front of the user part counted.  For a caller that wants
 * to know whether the conversion will copy: afterwards sg_m3ua_data_wrap() does not.
 * Returns 0, 1 (copied into a new *msgp), -EINVAL (l4h outside the message), -ENOMEM. */
int sg_m3ua_data_room(struct msgb **msgp);
/*
 * The reverse: msg holds a received DATA and pd was decoded from its octets
 * (sg_m3ua_decode, sg_m3ua_get_pdata; pd->data points into msg).  Everything in front of
 * the user part and behind it (padding, Correlation Id, ...) is taken off: msg->data == l4h
 * is the user part, pd->len octets long, at the address it had; l1h..l3h are cleared.
 * Returns 0, or -EINVAL (msg unchanged) when pd's user part is not inside msg.
 */
int sg_m3ua_data_unwrap(struct msgb *msg, const struct sg_m3ua_pdata *pd);
/*
 * A received DATA's user part as a message of its own, with head octets of room in front
 * (for an MTP3 header): msg unwrapped in place (msg: the buffer pd was decoded from, taken),
 * or pd's user part copied into a new msgb of the convention (msg NULL).  Afterwards
 * msg->data == l4h is the user part.  *copied (copied may be NULL) tells whether msg had to
 * be copied for the room (sg_msgb_room()).  NULL: no memory, or pd is not from msg (msg is
 * freed either way).
 */
struct msgb *sg_m3ua_data_user_part(struct msgb *msg, const struct sg_m3ua_pdata *pd, size_t head,
				    bool *copied);
