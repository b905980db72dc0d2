/* M3UA layer (RFC 4666 §4): SGP, ASP and IPSP state machines, Application Servers and
 * routing keys, RKM (§3.6, §4.4), SSNM (§3.4, §4.5), MGMT ERR/NTFY (§3.8). */
#pragma once

/*
 * The layer is a pure library: no sockets and no threads of its own.  It runs on the caller's
 * thread (sgd's core thread), its timers are sg_timers of that thread (virtual time in tests),
 * and it talks to the outside only through its two interfaces: the transport below (struct
 * sg_xua_transport_ops) and the user above (struct sg_xua_user_ops).  The wire codec is
 * include/sg/m3ua.h.  Policies and state machines are described in doc/m3ua.md.
 *
 * Objects:
 *   struct sg_m3ua      one M3UA instance (one local SG / ASP / IPSP node)
 *   struct sg_m3ua_asp  one peer, i.e. one SCTP association (an "ASP" in RFC terms when we
 *                       are the SGP; the remote SGP when we are the ASP; the peer IPSP)
 *   struct sg_m3ua_as   one Application Server: a routing key, a routing context, a traffic
 *                       mode and its member peers; configured statically or created by RKM
 *
 * Point codes are plain integers (ITU 14 bits, ANSI/China 24 bits, TTC 16 bits); masks are
 * the RFC 4666 mask: the number of low-order bits that are wildcarded (0 = exact PC).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <osmocom/core/utils.h>
#include <sg/pc.h>
#include <sg/m3ua.h>
#include <sg/tdef.h>

struct msgb;
struct sg_m3ua;
struct sg_m3ua_asp;
struct sg_m3ua_as;

/* ---- limits ---- */
#define SG_M3UA_NAME_MAX	32
#define SG_M3UA_AS_MAX_ASPS	16	/* member peers per AS */
#define SG_M3UA_RK_MAX_SSN	16
#define SG_M3UA_MAX_PROV	32	/* provisioned DPC ranges for dynamic registration */
#define SG_M3UA_ASP_MAX_ALLOWED	16	/* per-peer DPC ranges it may register */

/* ---- states (RFC 4666 §4.3.1, §4.3.2) ---- */
enum sg_m3ua_asp_state {
	SG_M3UA_ASP_DOWN,
	SG_M3UA_ASP_INACTIVE,
	SG_M3UA_ASP_ACTIVE,
};
enum sg_m3ua_as_state {
	SG_M3UA_AS_DOWN,
	SG_M3UA_AS_INACTIVE,
	SG_M3UA_AS_ACTIVE,
	SG_M3UA_AS_PENDING,
};
extern const struct value_string sg_m3ua_asp_state_names[];
extern const struct value_string sg_m3ua_as_state_names[];

/* OUR role on one association */
enum sg_m3ua_role {
	SG_M3UA_ROLE_SGP,	/* we are the SGP, the peer is an ASP (it sends ASPUP/ASPAC) */
	SG_M3UA_ROLE_ASP,	/* we are an ASP, the peer is an SGP (we send ASPUP/ASPAC) */
	SG_M3UA_ROLE_IPSP,	/* IP server process, single or double exchange (§4.3.1, §5.7) */
};
extern const struct value_string sg_m3ua_role_names[];

/* ---- policies (doc/m3ua.md "Policies") ---- */

/* ASPAC without Routing Context from a peer that serves several ASs (§4.3.4.3) */
enum sg_m3ua_aspac_norc {
	SG_M3UA_ASPAC_NORC_ALL,	/* activate the peer in every AS it is configured for (default) */
	SG_M3UA_ASPAC_NORC_ERR,	/* ERR No Configured AS for ASP (0x1a) */
};
/* Which peer states receive SSNM (DUNA/DAVA/SCON/DUPU/DRST) from the SGP (§4.5) */
enum sg_m3ua_ssnm_to {
	SG_M3UA_SSNM_TO_ACTIVE,		/* ASP-ACTIVE peers only (default) */
	SG_M3UA_SSNM_TO_UP,		/* ASP-INACTIVE and ASP-ACTIVE peers */
};
/* DAUD for a point code whose status the SGP cannot determine (§4.5.3) */
enum sg_m3ua_daud_unknown {
	SG_M3UA_DAUD_UNKNOWN_DUNA,	/* answer DUNA (default) */
	SG_M3UA_DAUD_UNKNOWN_ERR,	/* ERR Destination Status Unknown (0x14) */
};
/* Blocking (management) of a peer that is ASP-ACTIVE */
enum sg_m3ua_block_mode {
	SG_M3UA_BLOCK_ASPIA_ACK,	/* unsolicited ASPIA-ACK, ASP -> INACTIVE (default; cf.
					 * osmo-stp TC_adm_block_after_act); later ASPAC: ERR 0x0d */
	SG_M3UA_BLOCK_ASPDN_ACK,	/* unsolicited ASPDN-ACK, ASP -> DOWN; later ASPUP: ERR 0x0d */
};
/* Routing key management at the SGP */
enum sg_m3ua_rkm_mode {
	SG_M3UA_RKM_OFF,	/* RKM class refused: ERR Unsupported Message Class (0x03) */
	SG_M3UA_RKM_STATIC,	/* REG accepted only for a key equal to a configured AS's key
				 * the peer is a member of (answered with that AS's RC) (default) */
	SG_M3UA_RKM_DYNAMIC,	/* also: new ASs created for keys whose DPC is provisioned */
};

/* A point code with the RFC 4666 mask (low-order bits wildcarded) */
struct sg_m3ua_pc_mask {
	uint32_t pc;
	uint8_t mask;
};
/* A circuit range of a routing key (§3.6.1 Circuit Range): CICs lo..hi of trunks from opc */
struct sg_m3ua_cic {
	uint32_t opc;
	uint16_t lo, hi;
};

/* Routing key (§1.4.2.2, §3.6.1), SS7 -> IP direction.  Empty lists match anything; a key
 * needs at least one DPC. */
struct sg_m3ua_rkey {
	unsigned int ndpc;
	struct sg_m3ua_pc_mask dpc[SG_M3UA_RK_MAX_DPC];
	unsigned int nopc;
	struct sg_m3ua_pc_mask opc[SG_M3UA_RK_MAX_OPC];
	unsigned int nsi;
	uint8_t si[SG_M3UA_RK_MAX_SI];
	unsigned int nssn;		/* SCCP called-party SSN (SI 3 only) */
	uint8_t ssn[SG_M3UA_RK_MAX_SSN];
	unsigned int ncic;		/* ISUP/TUP-style CIC ranges */
	struct sg_m3ua_cic cic[SG_M3UA_RK_MAX_CIC];
	bool has_na;
	uint32_t na;
};

/* ---- configuration ---- */

/* The xUA core's timers (RFC 4666 / RFC 3868 §4.3.4: T(r) recovery, T(ack) of our own
 * requests, the BEAT interval), named as in sgd's configuration (m3ua.timers), in ms, with
 * their default and range (include/sg/tdef.h); a BEAT interval is 0 (no BEAT) or at least
 * SG_XUA_BEAT_MIN_MS.  The values of an instance are in its struct sg_m3ua_cfg. */
enum sg_xua_timer {
	SG_XUA_T_R,
	SG_XUA_T_ACK,
	SG_XUA_T_BEAT,
	_SG_XUA_T_MAX
};
extern const struct sg_tdef sg_xua_timer_defs[_SG_XUA_T_MAX];
#define SG_XUA_BEAT_MIN_MS	100
/* A timer value in range (BEAT: 0 or from SG_XUA_BEAT_MIN_MS on). */
bool sg_xua_timer_valid(enum sg_xua_timer t, uint32_t ms);

struct sg_m3ua_cfg {
	const char *name;			/* for logs and the API ("m3ua") */
	enum sg_pc_variant variant;		/* PC width for DPC validity (SG_PC_ITU) */
	uint32_t local_pc;			/* our own PC (0: none); a REG for it is refused */
	bool has_na;				/* network appearance in use (false) */
	uint32_t na;
	uint32_t t_r_ms;			/* sg_xua_timer_defs[SG_XUA_T_R] */
	uint32_t t_ack_ms;			/* sg_xua_timer_defs[SG_XUA_T_ACK] */
	uint32_t beat_ms;			/* sg_xua_timer_defs[SG_XUA_T_BEAT] (0: off) */
	unsigned int beat_max_lost;		/* unanswered BEATs that close, 3; 1..100 */
	bool asp_id_required;			/* ASPUP must carry an ASP Identifier (false) */
	enum sg_m3ua_rkm_mode rkm;		/* SG_M3UA_RKM_STATIC */
	unsigned int nprov;			/* DPCs that may be registered dynamically */
	struct sg_m3ua_pc_mask prov[SG_M3UA_MAX_PROV];
	unsigned int max_dynamic;		/* dynamic ASs at most, 16; 0..1024 */
	uint32_t rc_dynamic_base;		/* first RC given to dynamic ASs, 1000 */
	enum sg_m3ua_aspac_norc aspac_norc;	/* SG_M3UA_ASPAC_NORC_ALL */
	enum sg_m3ua_ssnm_to ssnm_to;		/* SG_M3UA_SSNM_TO_ACTIVE */
	enum sg_m3ua_daud_unknown daud_unknown;	/* SG_M3UA_DAUD_UNKNOWN_DUNA */
	enum sg_m3ua_block_mode block;		/* SG_M3UA_BLOCK_ASPIA_ACK */
	unsigned int pending_max;		/* MSUs buffered per AS during T(r), 1024; 0..65535 */
	/* ASP role */
	bool asp_audit;				/* answer DUNA/DRST/SCON/DUPU with DAUD (true) */
	bool asp_snm_inactive;			/* accept SSNM while ASP-INACTIVE (false: ERR 0x06) */
};
/* Fill *cfg with the defaults above. */
void sg_m3ua_cfg_defaults(struct sg_m3ua_cfg *cfg);

struct sg_m3ua_asp_cfg {
	const char *name;
	enum sg_m3ua_role role;			/* OUR role on this association */
	bool ipsp_double;			/* IPSP: double exchange (both send ASPUP/ASPAC) */
	bool ipsp_client;			/* IPSP single exchange: we send ASPUP/ASPAC (else the
						 * peer does and we answer, like an SGP) */
	bool has_asp_id;			/* SGP/IPSP-server side: the ASP-ID the peer must send
						 * (checked when set); ASP/IPSP-client side: ours */
	uint32_t asp_id;
	bool blocked;				/* administratively blocked at start */
	bool may_register;			/* SGP: may use REG/DEREG (true) */
	unsigned int nallowed;			/* SGP: DPCs it may register (0: any provisioned) */
	struct sg_m3ua_pc_mask allowed[SG_M3UA_ASP_MAX_ALLOWED];
	/* ASP role (and IPSP client) */
	enum sg_m3ua_tmt tmt;			/* traffic mode sent in ASPAC (NONE: omitted) */
	bool register_keys;			/* REG REQ for our ASs that have no RC before ASPAC */
};

struct sg_m3ua_as_cfg {
	const char *name;
	bool has_rc;				/* Routing Context; optional when the peer is in one AS */
	uint32_t rc;
	enum sg_m3ua_tmt tmt;			/* NONE: fixed by the first ASPAC, override if none */
	unsigned int min_asps;			/* loadshare: n (§4.3.4.3 Insufficient ASP Resources), 1 */
	uint32_t t_r_ms;			/* 0: the layer's T(r) */
	unsigned int nasps;
	const char *asps[SG_M3UA_AS_MAX_ASPS];	/* member peers (names given to sg_m3ua_asp_add) */
	struct sg_m3ua_rkey rk;
};

/* ---- the transport and the user ---- */

/* Status of an SS7 destination, for DAUD answers (§4.5.3) */
enum sg_m3ua_dest {
	SG_M3UA_DEST_UNKNOWN,		/* not in any routing table */
	SG_M3UA_DEST_AVAILABLE,
	SG_M3UA_DEST_UNAVAILABLE,
	SG_M3UA_DEST_RESTRICTED,
};
struct sg_m3ua_dest_status {
	enum sg_m3ua_dest state;
	uint8_t cong_level;		/* 0 none, 1..3: answer SCON as well */
	uint16_t upu_si;		/* bit si set: user part si unavailable (DUPU) */
	uint8_t upu_cause;		/* SG_M3UA_DUPU_* for every bit of upu_si */
};

/* Extra fields of an SSNM message (sent by sg_m3ua_ssnm_send, received by ssnm_ind) */
struct sg_m3ua_ssnm_extra {
	bool has_cong;
	uint8_t cong_level;		/* SCON Congestion Indications 0..3 */
	bool has_concerned;
	uint32_t concerned_dpc;		/* SCON Concerned Destination */
	uint16_t user;			/* DUPU MTP3-User Identity (SI) */
	uint16_t cause;			/* DUPU cause SG_M3UA_DUPU_* */
	const char *info;		/* Info String or NULL */
	const struct sg_m3ua_as *skip_as; /* send: not to the peers of this AS (M3-SSNM-12) */
	bool has_rc;			/* received: the message's first Routing Context */
	uint32_t rc;
};

/*
 * The two interfaces of an xUA instance.  Below it the transport: the SCTP glue (in sgd the
 * daemon's wiring, sg/sigtran.c) sends and closes associations, and feeds what it receives
 * with the transport events further down (sg_m3ua_asp_conn_up(), sg_m3ua_asp_rx(), ...).
 * Above it the user: the interworking function (sg/iwf/nif.c) takes the data, the AS and
 * peer states, answers DAUD and gets the SSNM.  Each has its own ops and context pointer,
 * given to sg_m3ua_alloc().  Every callback runs on the instance's thread (sgd's core
 * thread), inside the layer's call that caused it.  The names are protocol-neutral: SUA
 * (RFC 3868) is to use the same two interfaces, with its own data callback.
 */

/* Transport below: one association per peer. */
struct sg_xua_transport_ops {
	/* Send msg (one message of the instance's protocol: M3UA, PPID 3) to the peer on
	 * stream.  Required.  Takes ownership of msg, whatever it returns; 0 or -errno. */
	int (*send)(void *tctx, struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg);
	/* Abort the peer's association (BEAT supervision expired, management).  Optional. */
	void (*close)(void *tctx, struct sg_m3ua_asp *asp);
};

/* User above.  Every callback is optional (NULL: not wanted). */
struct sg_xua_user_ops {
	/* DATA from an ACTIVE peer (IP -> SS7).  as is the AS of the Routing Context, or the
	 * only AS the peer is active in; NULL when the DATA had no RC and the peer is active in
	 * several ASs (or in none, IPSP without AS): route by DPC.  pd points into the
	 * received buffer, valid during the call only.  (M3UA's protocol data: the one member
	 * SUA will replace with its own.) */
	void (*data_ind)(void *uctx, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
			 const struct sg_m3ua_pdata *pd);
	/* AS state change (for MTP user availability and SSNM towards the other peers). */
	void (*as_state)(void *uctx, struct sg_m3ua_as *as, enum sg_m3ua_as_state old,
			 enum sg_m3ua_as_state new_state);
	/* Peer state change (logs, API; push SSNM to a newly active peer, M3-SSNM-11). */
	void (*asp_state)(void *uctx, struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state old,
			  enum sg_m3ua_asp_state new_state);
	/* Status of pc for a DAUD.  The layer asks with mask 0 for every PC a masked Affected
	 * Point Code covers (ranges up to 65536 PCs; in wider ones the routing keys' DPCs) and
	 * combines the answers (doc/m3ua.md); only when none is known it asks once with the
	 * DAUD's mask, for an optional aggregate of the whole range.  Returns 0, or -1 when
	 * unknown (same as state UNKNOWN).  NULL: every PC is unknown. */
	int (*dest_status)(void *uctx, uint32_t pc, uint8_t mask, struct sg_m3ua_dest_status *out);
	/* SSNM received as ASP/IPSP: type SG_M3UA_SSNM_*, pcs are mask << 24 | pc. */
	void (*ssnm_ind)(void *uctx, struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *pcs,
			 unsigned int n, const struct sg_m3ua_ssnm_extra *x);
	/* NTFY received (ASP role), for logs/API. */
	void (*ntfy_ind)(void *uctx, struct sg_m3ua_asp *asp, uint16_t type, uint16_t info,
			 const uint32_t *rc, unsigned int nrc);
	/* REG RSP result received (ASP role, register_keys). */
	void (*reg_ind)(void *uctx, struct sg_m3ua_asp *asp, struct sg_m3ua_as *as,
			enum sg_m3ua_reg_status status, uint32_t rc);
	/* DATA as data_ind, with the buffer it arrived in (the transport gave it with
	 * sg_m3ua_asp_rx_msg()): pd points into msg, and the callee takes msg, which it may
	 * turn into an MSU in place (sg_m3ua_data_unwrap(), include/sg/msg.h).  When set, it
	 * is called instead of data_ind for such DATA. */
	void (*data_msg_ind)(void *uctx, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
			     const struct sg_m3ua_pdata *pd, struct msgb *msg);
};

/* ---- instance ---- */

/* A new instance on ctx (talloc) with its transport (tops, required, with send; tctx is
 * passed to its callbacks) and its user (uops may be NULL: no user; uctx is passed to its
 * callbacks).  cfg and both ops are copied (strings too).  NULL: bad cfg or no send. */
struct sg_m3ua *sg_m3ua_alloc(void *ctx, const struct sg_m3ua_cfg *cfg,
			      const struct sg_xua_transport_ops *tops, void *tctx,
			      const struct sg_xua_user_ops *uops, void *uctx);
/* Free everything (no message is sent; timers stopped; buffered MSUs dropped). */
void sg_m3ua_free(struct sg_m3ua *m);

/* ---- peers (ASPs / SGPs / IPSPs) ---- */

/* NULL: duplicate name or invalid cfg. */
struct sg_m3ua_asp *sg_m3ua_asp_add(struct sg_m3ua *m, const struct sg_m3ua_asp_cfg *cfg);
/* Remove a peer (its association should be down); -EBUSY when it is not ASP-DOWN. */
int sg_m3ua_asp_del(struct sg_m3ua_asp *asp);
struct sg_m3ua_asp *sg_m3ua_asp_by_name(struct sg_m3ua *m, const char *name);
const char *sg_m3ua_asp_name(const struct sg_m3ua_asp *asp);
enum sg_m3ua_role sg_m3ua_asp_role(const struct sg_m3ua_asp *asp);
/* The peer's state as we see it (SGP/IPSP server side), or our own state at the peer (ASP
 * role, IPSP client); in IPSP double exchange the peer's state. */
enum sg_m3ua_asp_state sg_m3ua_asp_state(const struct sg_m3ua_asp *asp);
/* IPSP double exchange / ASP role: our state at the peer. */
enum sg_m3ua_asp_state sg_m3ua_asp_local_state(const struct sg_m3ua_asp *asp);
bool sg_m3ua_asp_conn(const struct sg_m3ua_asp *asp);	/* association up */
/* An opaque pointer for the glue (its association). */
void sg_m3ua_asp_set_user(struct sg_m3ua_asp *asp, void *user);
void *sg_m3ua_asp_user(const struct sg_m3ua_asp *asp);

/* Administrative blocking (SGP side).  Block: an ACTIVE peer gets per cfg.block an
 * unsolicited ASPIA-ACK (-> INACTIVE) or ASPDN-ACK (-> DOWN); afterwards its ASPAC (or
 * ASPUP) is refused with ERR Refused - Management Blocking.  ASP role: block sends ASPIA
 * (when active) and stops there; unblock re-activates. */
int sg_m3ua_asp_block(struct sg_m3ua_asp *asp);
int sg_m3ua_asp_unblock(struct sg_m3ua_asp *asp);
/* ASP role / IPSP client: orderly stop (ASPIA if active, then ASPDN) before closing. */
int sg_m3ua_asp_stop(struct sg_m3ua_asp *asp);

/* ---- transport events from the glue ---- */
/* The association is up with these stream counts.  ASP role: sends ASPUP. */
void sg_m3ua_asp_conn_up(struct sg_m3ua_asp *asp, uint16_t in_streams, uint16_t out_streams);
/* One received message (PPID 3) on stream; buf is the caller's, not kept. */
void sg_m3ua_asp_rx(struct sg_m3ua_asp *asp, uint16_t stream, const uint8_t *buf, size_t len);
/* The same with the message's buffer (msg->data..tail), which the layer takes: a DATA's
 * buffer goes on to the user's data_msg_ind when it has one (no copy), else it is freed. */
void sg_m3ua_asp_rx_msg(struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg);
/* Association lost (COMM LOST, SHUTDOWN COMPLETE): the peer is ASP-DOWN (§4.3.4.2). */
void sg_m3ua_asp_conn_down(struct sg_m3ua_asp *asp);
/* SCTP RESTART: as conn_down then conn_up with the same streams. */
void sg_m3ua_asp_conn_restart(struct sg_m3ua_asp *asp);
/* Send one BEAT now (§4.3.4.6), outside the periodic supervision of beat_ms (it does not count
 * as a BEAT lost): the glue's liveness probe of a peer.  -ENOTCONN without an association. */
int sg_m3ua_asp_beat(struct sg_m3ua_asp *asp);

/* ASP role (register_keys): deregister the keys registered by REG REQ (DEREG REQ with their
 * RCs).  Returns how many RCs were sent. */
int sg_m3ua_asp_deregister(struct sg_m3ua_asp *asp);

/* ---- Application Servers and routing keys ---- */

/* NULL: duplicate name/RC, unknown member, bad key. */
struct sg_m3ua_as *sg_m3ua_as_add(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg);
/* Remove an AS.  -EBUSY when a member is ACTIVE in it and !force; with force, active members
 * get NTFY(AS-INACTIVE) semantics: buffered MSUs dropped, AS reported DOWN, then removed. */
int sg_m3ua_as_del(struct sg_m3ua_as *as, bool force);
struct sg_m3ua_as *sg_m3ua_as_by_name(struct sg_m3ua *m, const char *name);
struct sg_m3ua_as *sg_m3ua_as_by_rc(struct sg_m3ua *m, uint32_t rc);
const char *sg_m3ua_as_name(const struct sg_m3ua_as *as);
enum sg_m3ua_as_state sg_m3ua_as_state(const struct sg_m3ua_as *as);
/* false when the AS has no RC */
bool sg_m3ua_as_rc(const struct sg_m3ua_as *as, uint32_t *rc);
enum sg_m3ua_tmt sg_m3ua_as_tmt(const struct sg_m3ua_as *as);
const struct sg_m3ua_rkey *sg_m3ua_as_rkey(const struct sg_m3ua_as *as);
bool sg_m3ua_as_dynamic(const struct sg_m3ua_as *as);
/* reached through the peer (we are its ASP / IPSP client), not served by us */
bool sg_m3ua_as_remote(const struct sg_m3ua_as *as);
/* Runtime routing-key management (API): the same as sg_m3ua_as_add / sg_m3ua_as_del by RC
 * without force (a key whose AS has active peers is refused with -EBUSY). */
struct sg_m3ua_as *sg_m3ua_rk_add(struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg);
int sg_m3ua_rk_del(struct sg_m3ua *m, uint32_t rc);

/* ---- traffic SS7 -> IP ---- */

/* The AS whose routing key matches pd (DPC+mask, OPC, SI, SSN, CIC, NA), most specific key
 * first (doc/m3ua.md "Routing"); ASs in ASP role are not considered.  ssn: the SCCP called
 * party SSN when the glue knows it (-1: take it from pd->data for SI 3 when it can).
 * NULL: no key matches. */
struct sg_m3ua_as *sg_m3ua_route(struct sg_m3ua *m, const struct sg_m3ua_pdata *pd);
struct sg_m3ua_as *sg_m3ua_route_ssn(struct sg_m3ua *m, const struct sg_m3ua_pdata *pd, int ssn);
/* The same over the ASs reached through a remote SGP (we are their ASP): the AS to send pd to
 * when none of ours takes it.  NULL: no key matches. */
struct sg_m3ua_as *sg_m3ua_route_remote(struct sg_m3ua *m, const struct sg_m3ua_pdata *pd);

/* Send pd as DATA to the AS (RC and NA added).  Returns 0 sent, 1 buffered (AS-PENDING,
 * T(r) running), -ENETUNREACH no peer can take it (AS DOWN/INACTIVE), -ENOBUFS pending
 * buffer full, -EINVAL bad arguments.  pd->data is copied. */
int sg_m3ua_send_data(struct sg_m3ua *m, struct sg_m3ua_as *as, const struct sg_m3ua_pdata *pd);
/* The same in place: msg's user part (msgb_l4(msg), or msg->data, up to the tail) becomes
 * the DATA (sg_m3ua_data_wrap(): headers in front, padding behind; copied only when msg
 * lacks room, see SG_M3UA_DATA_HEAD_MAX / _TAIL_MAX); pd gives the label (pd->data and
 * pd->len are not used).  Takes msg, whatever it returns. */
int sg_m3ua_send_data_msg(struct sg_m3ua *m, struct sg_m3ua_as *as,
			  const struct sg_m3ua_pdata *pd, struct msgb *msg);

/* ---- SSNM ---- */

/* SGP: send DUNA/DAVA/SCON/DUPU/DRST about pcs (mask << 24 | pc) to every concerned peer
 * (SGP-side peers in the states cfg.ssnm_to allows, one message per peer carrying the RCs of
 * the ASs it is in).  Returns the number of messages sent, -EINVAL for a type that is none of
 * these, or a DUPU with more than one PC or a User/Cause out of range (§3.4.5). */
int sg_m3ua_ssnm_send(struct sg_m3ua *m, uint8_t type, const uint32_t *pcs, unsigned int n,
		      const struct sg_m3ua_ssnm_extra *x);
/* The same to one peer only (e.g. when it becomes active). */
int sg_m3ua_ssnm_send_asp(struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *pcs,
			  unsigned int n, const struct sg_m3ua_ssnm_extra *x);
/* ASP role: send DAUD for pcs to the SGP. */
int sg_m3ua_daud_send(struct sg_m3ua_asp *asp, const uint32_t *pcs, unsigned int n);

/* ---- management ---- */
struct json_object *sg_m3ua_asps_json(struct sg_m3ua *m);	/* array of peers */
struct json_object *sg_m3ua_as_json(struct sg_m3ua *m);		/* array of ASs */
struct json_object *sg_m3ua_rks_json(struct sg_m3ua *m);	/* array of routing keys */
struct json_object *sg_m3ua_asp_to_json(const struct sg_m3ua_asp *asp);
struct json_object *sg_m3ua_as_to_json(const struct sg_m3ua_as *as);
/* Layer-wide counters */
struct json_object *sg_m3ua_counters_json(struct sg_m3ua *m);
