/* The JSON configuration: schema validation and the parsed, immutable result. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include <sg/adapter.h>		/* enum sg_span_type */
#include <sg/mgmt.h>
#include <sg/name.h>
#include <sg/pc.h>

struct sg_cfg_sp {
	char name[SG_NAME_MAX];
	enum sg_pc_variant variant;
	uint32_t pc;
	uint8_t ni;
	bool stp;			/* MTP transfer function (Q.704 §2.4) */
	bool restart;			/* MTP restart procedure (Q.704 §9), default on */
	bool tfr;			/* national option: TFR broadcast (Q.704 §13.4, T11) */
	bool tfp_unknown;		/* STP: TFP in answer to MSUs for a DPC without a route
					 * (Q.704 §13.2.2 response method, T8) */
	bool cong_prio;			/* national option: congestion levels 1..3 and message
					 * priorities (Q.704 §3.8.2.2); off: international */
	struct json_object *timers;	/* MTP3 timers {"t1": ms, ...} or NULL (in root) */
	uint8_t sls_bits;		/* ITU 4; ANSI 5 or 8 (default 8); China 4 or 8; TTC 4 or 5 */
};

/* A route to a destination over a linkset (Q.704 §2.3); the adjacent PC of
 * every linkset is a route of priority 0 without being listed. */
struct sg_cfg_route {
	uint32_t dpc;
	int linkset;			/* index into sg_config.linksets */
	unsigned int priority;		/* lower is preferred; equal: load sharing */
};

/* A span's common part; the rest is its driver's (include/sg/adapter.h): the driver's
 * section, checked against the schema the driver registered and parsed by the driver. */
struct sg_cfg_span {
	char name[SG_NAME_MAX];
	enum sg_span_type type;		/* include/sg/adapter.h */
	char driver[SG_NAME_MAX];	/* a registered adapter driver */
	unsigned int thread;		/* index of the TDM thread that owns it */
	const void *drv_cfg;		/* the driver's settings (NULL: it has none), on the config */
};

struct sg_cfg_link {
	char name[SG_NAME_MAX];
	unsigned int slc;
	int span;			/* index into sg_config.spans */
	unsigned int timeslot;		/* 1..31 (E1) or 1..24 (T1); 0 = whole span (Annex A) */
	bool rate_56k;			/* T1 DS0A, 7 bits per octet */
	bool pcr;			/* preventive cyclic retransmission (Q.703 §6) */
	char trace[256];		/* pcap file name in trace_dir, empty: no trace */
	struct json_object *timers;	/* MTP2 timers {"t2": ms, ...} or NULL (in root) */
	struct json_object *congestion;	/* MTP2 thresholds {"onset": [..], "abatement": [..],
					 * "discard": n} or NULL (in root) */
};

struct sg_cfg_linkset {
	char name[SG_NAME_MAX];
	int sp;				/* index into sg_config.sps */
	uint32_t adjacent_pc;
	unsigned int num_links;
	struct sg_cfg_link *links;
};

/* ---- SCTP, M3UA, point-code translation ---- */

#define SG_CFG_MAX_ADDRS 8

struct sg_cfg_addrs {
	unsigned int n;
	char addr[SG_CFG_MAX_ADDRS][48];	/* numeric IPv4 / IPv6 */
};

enum sg_cfg_sctp_transport { SG_CFG_SCTP_AUTO, SG_CFG_SCTP_KERNEL, SG_CFG_SCTP_USRSCTP };

/* Shipped SCTP timers and counters (RFC 4960 §15 names), chosen so that a dead peer is noticed
 * within seconds, not minutes (issue 10; doc/sctp.md "Dead peer detection" gives the bounds).
 * An RTO default not set in the config is moved into [rto_min_ms, rto_max_ms] as set. */
#define SG_CFG_SCTP_RTO_INITIAL_MS	1000
#define SG_CFG_SCTP_RTO_MIN_MS		300
#define SG_CFG_SCTP_RTO_MAX_MS		1000
#define SG_CFG_SCTP_HB_INTERVAL_MS	1000
#define SG_CFG_SCTP_PATH_MAX_RETRANS	3
#define SG_CFG_SCTP_ASSOC_MAX_RETRANS	3
/* Shipped M3UA BEAT supervision (RFC 4666 §4.3.4.6): a dead peer is closed at most
 * (beat_max_lost + 1) * beat_ms after its last answer (doc/m3ua.md) */
#define SG_CFG_M3UA_BEAT_MS		1000
#define SG_CFG_M3UA_BEAT_MAX_LOST	3

struct sg_cfg_sctp {
	enum sg_cfg_sctp_transport transport;
	uint16_t udp_port;		/* usrsctp: local UDP encapsulation port (RFC 6951) */
	bool usrsctp_raw;		/* usrsctp native mode (raw IP, needs root) */
	uint32_t send_queue_max;	/* messages queued per association when the socket is full */
	uint32_t rx_max;		/* largest message accepted */
	uint16_t streams;		/* outbound streams requested / inbound accepted */
	uint16_t max_init_attempts;	/* 0: transport default */
	uint32_t max_init_timeo_ms;	/* 0: transport default */
	bool nodelay;
	bool heartbeat;			/* false: no HEARTBEATs */
	uint32_t heartbeat_ms;		/* 0: transport default */
	uint32_t path_max_retrans, assoc_max_retrans;
	uint32_t rto_initial_ms, rto_min_ms, rto_max_ms;
	uint32_t reconnect_ms;		/* client associations: delay before a new attempt */
};

enum sg_cfg_m3ua_role { SG_CFG_ROLE_SGP, SG_CFG_ROLE_ASP, SG_CFG_ROLE_IPSP, SG_CFG_ROLE_IPSP_DOUBLE };

struct sg_cfg_m3ua_asp {
	char name[SG_NAME_MAX];
	enum sg_cfg_m3ua_role role;	/* our role on this association */
	bool has_asp_id;
	uint32_t asp_id;
	struct sg_cfg_addrs remote;
	uint16_t remote_port;		/* 0: any (role sgp) */
	uint16_t remote_udp_port;	/* usrsctp: the peer's UDP encapsulation port */
	struct sg_cfg_addrs local;
	uint16_t local_port;
	bool blocked;
	bool may_register;		/* dynamic RKM allowed for this ASP */
	unsigned int nallowed;		/* DPCs it may register dynamically (0: any provisioned) */
	uint32_t allowed[16];
};

#define SG_CFG_RK_MAX 16
struct sg_cfg_cic_range { uint32_t opc; uint16_t from, to; };

struct sg_cfg_rk {
	unsigned int ndpc; uint32_t dpc[8];
	unsigned int nopc; uint32_t opc[SG_CFG_RK_MAX];
	unsigned int nsi; uint8_t si[SG_CFG_RK_MAX];
	unsigned int nssn; uint8_t ssn[SG_CFG_RK_MAX];
	unsigned int ncic; struct sg_cfg_cic_range cic[8];
	bool has_na; uint32_t na;
};

struct sg_cfg_m3ua_as {
	char name[SG_NAME_MAX];
	bool has_rc;
	uint32_t rc;
	int traffic_mode;		/* 1 override, 2 loadshare, 3 broadcast (RFC 4666 §3.5.1) */
	unsigned int min_asps;
	uint32_t recovery_ms;		/* 0: m3ua.timers.recovery_ms */
	unsigned int nasps;
	int asps[16];			/* indices into sg_cfg_m3ua.asps */
	struct sg_cfg_rk rk;
};

struct sg_cfg_m3ua {
	bool enabled;			/* an "m3ua" section exists */
	int sp;				/* index into sg_config.sps */
	struct sg_cfg_addrs listen;
	uint16_t listen_port;
	uint32_t recovery_ms, ack_ms, beat_ms;
	unsigned int beat_max_lost;
	uint32_t aspup_ms;		/* an accepted association must send ASPUP within (0: no limit) */
	enum sg_cfg_rkm_mode { SG_CFG_RKM_OFF, SG_CFG_RKM_STATIC, SG_CFG_RKM_DYNAMIC } rkm_mode;
	unsigned int nprov; uint32_t provisioned[64];
	unsigned int max_dynamic;
	uint32_t rc_base;		/* first RC of dynamic ASs */
	/* policies (doc/m3ua.md): indices into the names of the schema's enums */
	int aspac_norc, ssnm_to, daud_unknown, block;	/* 0: the layer's default */
	unsigned int pending_max;
	bool asp_audit, asp_snm_inactive;
	bool asp_id_required;
	bool has_na; uint32_t na;
	unsigned int num_asps;
	struct sg_cfg_m3ua_asp *asps;
	unsigned int num_as;
	struct sg_cfg_m3ua_as *as;
};

/* A point-code translation rule: (NI, PC) on the TDM side <-> (NI, PC) on the IP side. */
struct sg_cfg_xlate {
	char name[SG_NAME_MAX];
	uint8_t tdm_ni, ip_ni;
	uint32_t tdm_pc, ip_pc;
};

struct sg_config {
	char *path;			/* file it was loaded from */
	struct json_object *root;	/* the validated document (running config) */
	char node_name[SG_NAME_MAX];
	/* log */
	int log_target;			/* enum sg_log_target_kind */
	bool log_timestamps;
	int log_level;			/* default level for every category */
	int log_cat_level[32];		/* per category, -1 = default */
	/* management */
	char mgmt_listen[64];
	uint16_t mgmt_port;
	char mgmt_token[128];		/* empty: none */
	bool mgmt_loopback;		/* listen address is a loopback address */
	char trace_dir[256];		/* pcap traces go here only; empty: traces off */
	unsigned int mgmt_max_conns;	/* connections at once */
	unsigned int mgmt_max_conns_per_addr;	/* from one client address */
	unsigned int mgmt_header_timeout_ms;	/* request line and headers complete within */
	unsigned int mgmt_request_timeout_ms;	/* whole request (headers and body) within */
	/* threads */
	unsigned int tdm_threads;
	unsigned int tdm_rt_priority;	/* SCHED_FIFO priority of the TDM threads, 0: normal */
	/* objects */
	unsigned int num_sps;
	struct sg_cfg_sp *sps;
	unsigned int num_spans;
	struct sg_cfg_span *spans;
	unsigned int num_linksets;
	struct sg_cfg_linkset *linksets;
	unsigned int num_routes;
	struct sg_cfg_route *routes;
	struct sg_cfg_sctp sctp;
	struct sg_cfg_m3ua m3ua;
	unsigned int num_xlates;
	struct sg_cfg_xlate *xlates;
};

/* Is name a trace file name sgd may create in management.trace_dir: 1..SG_TRACE_NAME_MAX
 * characters of A-Z a-z 0-9 . _ - +, not starting with '.', without "..", so no '/' or
 * control character?  NULL if so, else why not. */
#define SG_TRACE_NAME_MAX 128
const char *sg_trace_name_check(const char *name);

/* Load and validate a config file.  On error returns NULL and writes one line
 * to err: "<json path>: <what is wrong>" (or "<file>: <parse error>"). */
struct sg_config *sg_config_load(void *ctx, const char *path, char *err, size_t errlen);
/* Same from a string (tests); name is used in messages. */
struct sg_config *sg_config_parse(void *ctx, const char *json, const char *name,
				  char *err, size_t errlen);
void sg_config_free(struct sg_config *cfg);

/* The management server's parameters from cfg (borrowing its strings and document): what
 * sgd gives sg_mgmt_alloc(), with the version and the threads still to fill in. */
void sg_config_mgmt_params(const struct sg_config *cfg, struct sg_mgmt_params *p);

/* One m3ua.as[] / translations[] entry, already checked against its schema
 * (sg_config_as_schema, sg_config_xlate_schema): the values, ASP names and point codes of cfg's
 * M3UA signalling point.  Errors name the JSON path below path ("" for an API request body).
 * 0 or -EINVAL.  Used by the config and by the API's runtime additions. */
int sg_config_parse_as(const struct sg_config *cfg, struct json_object *o, const char *path,
		       struct sg_cfg_m3ua_as *as, char *err, size_t errlen);
int sg_config_parse_xlate(const struct sg_config *cfg, struct json_object *o, const char *path,
			  struct sg_cfg_xlate *x, char *err, size_t errlen);

