/* Declarative schema of the daemon's JSON configuration (doc/config.md), in the terms of
 * include/sg/schema.h; a span's driver section is the driver's own (include/sg/adapter.h). */

#include <sg/adapter.h>
#include <sg/config.h>

#include "config_schema.h"

#define ENUMS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct sg_field node_fields[] = {
	{ "name", SG_FT_NAME, false },
	{ NULL }
};

static const struct sg_field log_level_field = { "level", SG_FT_ENUM, false, 0, 0,
	ENUMS("debug", "info", "notice", "error", "fatal") };

static const struct sg_field log_fields[] = {
	{ "target", SG_FT_ENUM, false, 0, 0, ENUMS("stderr", "syslog") },
	{ "timestamps", SG_FT_BOOL, false },
	{ "level", SG_FT_ENUM, false, 0, 0, ENUMS("debug", "info", "notice", "error", "fatal") },
	{ "categories", SG_FT_MAP, false, .value = &log_level_field },
	{ NULL }
};

static const struct sg_field mgmt_fields[] = {
	{ "listen", SG_FT_IPADDR, false },
	{ "port", SG_FT_INT, false, 0, 65535 },
	{ "token", SG_FT_STRING, false, 16, 127 },
	{ "trace_dir", SG_FT_STRING, false, 1, 255 },
	{ "max_connections", SG_FT_INT, false, 1, SG_MGMT_CONNS_MAX },
	{ "max_connections_per_address", SG_FT_INT, false, 1, SG_MGMT_CONNS_MAX },
	{ "header_timeout_ms", SG_FT_INT, false, 100, 600000 },
	{ "request_timeout_ms", SG_FT_INT, false, 100, 3600000 },
	{ NULL }
};

static const struct sg_field threads_fields[] = {
	{ "tdm", SG_FT_INT, false, 1, 16 },
	{ "tdm_rt_priority", SG_FT_INT, false, 0, 99 },
	{ NULL }
};

/* timer name -> milliseconds; names and ranges are checked by the layer
 * that owns the timers (sg_daemon_check_config) */
static const struct sg_field timer_value_field = { "timer", SG_FT_INT, false, 1, 3600000 };

static const struct sg_field sp_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "variant", SG_FT_ENUM, false, 0, 0, ENUMS("itu", "ansi", "china", "ttc") },
	{ "pc", SG_FT_PC, true },
	{ "ni", SG_FT_ENUM, false, 0, 0,
	  ENUMS("international", "international-spare", "national", "national-spare") },
	{ "stp", SG_FT_BOOL, false },
	{ "sls_bits", SG_FT_INT, false, 4, 8 },
	{ "restart", SG_FT_BOOL, false },
	{ "congestion_priorities", SG_FT_BOOL, false },
	{ "transfer_restricted", SG_FT_BOOL, false },
	{ "unknown_dpc_tfp", SG_FT_BOOL, false },
	{ "timers", SG_FT_MAP, false, .value = &timer_value_field },
	{ NULL }
};

/* A span's common part; its driver's section (spans[i].<driver>) is the driver's, checked
 * against the schema the driver registered (include/sg/adapter.h) */
static const struct sg_field span_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "type", SG_FT_ENUM, false, 0, 0, ENUMS("e1", "t1") },
	{ "driver", SG_FT_NAME, true },
	{ "thread", SG_FT_INT, false, 0, 15 },
	{ NULL }
};

/* The sections of a span: one per registered driver that has settings */
static const struct sg_schema *span_section(unsigned int i, const char **key)
{
	struct sg_adapter_driver *drv = NULL;

	for (;;) {
		drv = sg_adapter_driver_next(drv);
		if (!drv)
			return NULL;
		if (!drv->schema)
			continue;
		if (!i--)
			break;
	}
	*key = drv->name;
	return drv->schema;
}

/* MTP2 transmit congestion thresholds in MSUs (Q.704 §3.8), checked as a set by
 * sg_tdm_link_mtp2_cfg() at load */
static const struct sg_field cong_threshold_item = { "threshold", SG_FT_INT, false, 1, 100000 };

static const struct sg_field link_cong_fields[] = {
	{ "onset", SG_FT_LIST, false, 1, 3, .value = &cong_threshold_item },
	{ "abatement", SG_FT_LIST, false, 1, 3, .value = &cong_threshold_item },
	{ "discard", SG_FT_INT, false, 2, 200000 },
	{ NULL }
};

static const struct sg_schema link_cong_schema = { "congestion", link_cong_fields };

static const struct sg_field link_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "slc", SG_FT_INT, true, 0, 15 },
	{ "span", SG_FT_NAME, true },
	{ "timeslot", SG_FT_INT, false, 0, 31 },
	{ "rate", SG_FT_ENUM, false, 0, 0, ENUMS("64k", "56k") },
	{ "error_correction", SG_FT_ENUM, false, 0, 0, ENUMS("basic", "pcr") },
	{ "trace", SG_FT_STRING, false, 1, 255 },
	{ "timers", SG_FT_MAP, false, .value = &timer_value_field },
	{ "congestion", SG_FT_OBJECT, false, .sub = &link_cong_schema },
	{ NULL }
};

static const struct sg_schema link_schema = { "link", link_fields };

static const struct sg_field route_fields[] = {
	{ "dpc", SG_FT_PC, true },
	{ "linkset", SG_FT_NAME, true },
	{ "priority", SG_FT_INT, false, 0, 15 },
	{ NULL }
};

static const struct sg_schema route_schema = { "route", route_fields };

static const struct sg_field linkset_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "sp", SG_FT_NAME, true },
	{ "adjacent_pc", SG_FT_PC, true },
	{ "links", SG_FT_ARRAY, true, 1, 16, .sub = &link_schema },
	{ NULL }
};

/* ---- SCTP, M3UA, point-code translation (doc/config.md, doc/m3ua.md) ---- */

static const struct sg_field sctp_fields[] = {
	{ "transport", SG_FT_ENUM, false, 0, 0, ENUMS("auto", "kernel", "usrsctp") },
	{ "udp_port", SG_FT_INT, false, 1, 65535 },
	{ "usrsctp_mode", SG_FT_ENUM, false, 0, 0, ENUMS("udp", "raw") },
	{ "send_queue_max", SG_FT_INT, false, 1, 1000000 },
	{ "rx_max", SG_FT_INT, false, 512, 65407 },
	{ "streams", SG_FT_INT, false, 2, 65535 },
	{ "max_init_attempts", SG_FT_INT, false, 0, 255 },
	{ "max_init_timeo_ms", SG_FT_INT, false, 0, 600000 },
	{ "nodelay", SG_FT_BOOL, false },
	{ "heartbeat", SG_FT_BOOL, false },
	{ "heartbeat_ms", SG_FT_INT, false, 0, 3600000 },
	{ "path_max_retrans", SG_FT_INT, false, 1, 255 },
	{ "assoc_max_retrans", SG_FT_INT, false, 1, 255 },
	{ "rto_initial_ms", SG_FT_INT, false, 10, 60000 },
	{ "rto_min_ms", SG_FT_INT, false, 10, 60000 },
	{ "rto_max_ms", SG_FT_INT, false, 10, 600000 },
	{ "reconnect_ms", SG_FT_INT, false, 10, 600000 },
	{ NULL }
};

static const struct sg_field ipaddr_item = { "address", SG_FT_IPADDR, false };
static const struct sg_field pc_item = { "point code", SG_FT_PC, false };
static const struct sg_field si_item = { "si", SG_FT_INT, false, 0, 15 };
static const struct sg_field ssn_item = { "ssn", SG_FT_INT, false, 1, 255 };
static const struct sg_field name_item = { "name", SG_FT_NAME, false };

static const struct sg_field m3ua_listen_fields[] = {
	{ "addresses", SG_FT_LIST, true, 1, 8, .value = &ipaddr_item },
	{ "port", SG_FT_INT, false, 1, 65535 },
	{ NULL }
};

static const struct sg_field m3ua_timer_fields[] = {
	/* ranges: the xUA core's timer table (sg_xua_timer_defs, checked by sgd) */
	{ "recovery_ms", SG_FT_INT, false, 0, 4294967295LL },
	{ "ack_ms", SG_FT_INT, false, 0, 4294967295LL },
	{ "beat_ms", SG_FT_INT, false, 0, 4294967295LL },
	{ "beat_max_lost", SG_FT_INT, false, 1, 100 },
	{ "aspup_ms", SG_FT_INT, false, 0, 600000 },
	{ NULL }
};

static const struct sg_field m3ua_rkm_fields[] = {
	{ "mode", SG_FT_ENUM, false, 0, 0, ENUMS("off", "static", "dynamic") },
	{ "dynamic", SG_FT_BOOL, false },
	{ "provisioned_dpcs", SG_FT_LIST, false, 0, 32, .value = &pc_item },
	{ "max_dynamic", SG_FT_INT, false, 0, 1024 },
	{ "rc_base", SG_FT_INT, false, 0, 4294967295LL },
	{ NULL }
};

/* doc/m3ua.md "Policies"; the first value of each enum is the default */
static const struct sg_field m3ua_policy_fields[] = {
	{ "aspac_without_rc", SG_FT_ENUM, false, 0, 0, ENUMS("all", "error") },
	{ "ssnm_to", SG_FT_ENUM, false, 0, 0, ENUMS("active", "up") },
	{ "daud_unknown", SG_FT_ENUM, false, 0, 0, ENUMS("duna", "error") },
	{ "block", SG_FT_ENUM, false, 0, 0, ENUMS("aspia-ack", "aspdn-ack") },
	{ "pending_max", SG_FT_INT, false, 0, 65535 },
	{ "asp_audit", SG_FT_BOOL, false },
	{ "asp_snm_inactive", SG_FT_BOOL, false },
	{ NULL }
};

static const struct sg_field m3ua_remote_fields[] = {
	{ "addresses", SG_FT_LIST, true, 1, 8, .value = &ipaddr_item },
	{ "port", SG_FT_INT, false, 1, 65535 },
	{ "udp_port", SG_FT_INT, false, 1, 65535 },
	{ NULL }
};

static const struct sg_field m3ua_local_fields[] = {
	{ "addresses", SG_FT_LIST, true, 1, 8, .value = &ipaddr_item },
	{ "port", SG_FT_INT, false, 0, 65535 },
	{ NULL }
};

static const struct sg_schema m3ua_remote_schema = { "remote", m3ua_remote_fields };
static const struct sg_schema m3ua_local_schema = { "local", m3ua_local_fields };

static const struct sg_field m3ua_asp_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "role", SG_FT_ENUM, false, 0, 0, ENUMS("sgp", "asp", "ipsp", "ipsp-double") },
	{ "asp_id", SG_FT_INT, false, 0, 4294967295LL },
	{ "remote", SG_FT_OBJECT, true, .sub = &m3ua_remote_schema },
	{ "local", SG_FT_OBJECT, false, .sub = &m3ua_local_schema },
	{ "blocked", SG_FT_BOOL, false },
	{ "may_register", SG_FT_BOOL, false },
	{ "allowed_dpcs", SG_FT_LIST, false, 0, 16, .value = &pc_item },
	{ NULL }
};

static const struct sg_field cic_fields[] = {
	{ "opc", SG_FT_PC, true },
	{ "from", SG_FT_INT, true, 0, 16383 },
	{ "to", SG_FT_INT, true, 0, 16383 },
	{ NULL }
};

static const struct sg_schema cic_schema = { "circuit range", cic_fields };

static const struct sg_field rk_fields[] = {
	{ "dpc", SG_FT_LIST, true, 1, 8, .value = &pc_item },
	{ "opc", SG_FT_LIST, false, 0, 16, .value = &pc_item },
	{ "si", SG_FT_LIST, false, 0, 16, .value = &si_item },
	{ "ssn", SG_FT_LIST, false, 0, 16, .value = &ssn_item },
	{ "cic", SG_FT_ARRAY, false, 0, 8, .sub = &cic_schema },
	{ "network_appearance", SG_FT_INT, false, 0, 4294967295LL },
	{ NULL }
};

static const struct sg_schema rk_schema = { "routing key", rk_fields };

static const struct sg_field m3ua_as_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "routing_context", SG_FT_INT, false, 0, 4294967295LL },
	{ "traffic_mode", SG_FT_ENUM, false, 0, 0, ENUMS("override", "loadshare", "broadcast") },
	{ "min_asps", SG_FT_INT, false, 1, 64 },
	{ "recovery_ms", SG_FT_INT, false, 0, 4294967295LL },	/* range: sg_xua_timer_defs */
	{ "asps", SG_FT_LIST, true, 1, 16, .value = &name_item },
	{ "routing_key", SG_FT_OBJECT, true, .sub = &rk_schema },
	{ NULL }
};

static const struct sg_schema m3ua_listen_schema = { "listen", m3ua_listen_fields };
static const struct sg_schema m3ua_timer_schema = { "timers", m3ua_timer_fields };
static const struct sg_schema m3ua_rkm_schema = { "rkm", m3ua_rkm_fields };
static const struct sg_schema m3ua_policy_schema = { "policies", m3ua_policy_fields };
static const struct sg_schema m3ua_asp_schema = { "asp", m3ua_asp_fields };
const struct sg_schema sg_config_as_schema = { "as", m3ua_as_fields };

static const struct sg_field m3ua_fields[] = {
	{ "sp", SG_FT_NAME, false },
	{ "listen", SG_FT_OBJECT, false, .sub = &m3ua_listen_schema },
	{ "timers", SG_FT_OBJECT, false, .sub = &m3ua_timer_schema },
	{ "rkm", SG_FT_OBJECT, false, .sub = &m3ua_rkm_schema },
	{ "policies", SG_FT_OBJECT, false, .sub = &m3ua_policy_schema },
	{ "asp_id_required", SG_FT_BOOL, false },
	{ "network_appearance", SG_FT_INT, false, 0, 4294967295LL },
	{ "asps", SG_FT_ARRAY, false, 0, 256, .sub = &m3ua_asp_schema },
	{ "as", SG_FT_ARRAY, false, 0, 256, .sub = &sg_config_as_schema },
	{ NULL }
};

static const struct sg_field xlate_side_fields[] = {
	{ "ni", SG_FT_ENUM, false, 0, 0,
	  ENUMS("international", "international-spare", "national", "national-spare") },
	{ "pc", SG_FT_PC, true },
	{ NULL }
};

static const struct sg_schema xlate_side_schema = { "translation side", xlate_side_fields };

static const struct sg_field xlate_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "tdm", SG_FT_OBJECT, true, .sub = &xlate_side_schema },
	{ "ip", SG_FT_OBJECT, true, .sub = &xlate_side_schema },
	{ NULL }
};

static const struct sg_schema sctp_schema = { "sctp", sctp_fields };
static const struct sg_schema m3ua_schema = { "m3ua", m3ua_fields };
const struct sg_schema sg_config_xlate_schema = { "translation", xlate_fields };

static const struct sg_schema node_schema = { "node", node_fields };
static const struct sg_schema log_schema = { "log", log_fields };
static const struct sg_schema mgmt_schema = { "management", mgmt_fields };
static const struct sg_schema threads_schema = { "threads", threads_fields };
static const struct sg_schema sp_schema = { "signalling point", sp_fields };
static const struct sg_schema span_schema = { "span", span_fields, span_section };
static const struct sg_schema linkset_schema = { "linkset", linkset_fields };

static const struct sg_field top_fields[] = {
	{ "node", SG_FT_OBJECT, false, .sub = &node_schema },
	{ "log", SG_FT_OBJECT, false, .sub = &log_schema },
	{ "management", SG_FT_OBJECT, false, .sub = &mgmt_schema },
	{ "threads", SG_FT_OBJECT, false, .sub = &threads_schema },
	{ "signalling_points", SG_FT_ARRAY, false, 0, 16, .sub = &sp_schema },
	{ "spans", SG_FT_ARRAY, false, 0, 256, .sub = &span_schema },
	{ "linksets", SG_FT_ARRAY, false, 0, 256, .sub = &linkset_schema },
	{ "routes", SG_FT_ARRAY, false, 0, 4096, .sub = &route_schema },
	{ "sctp", SG_FT_OBJECT, false, .sub = &sctp_schema },
	{ "m3ua", SG_FT_OBJECT, false, .sub = &m3ua_schema },
	{ "translations", SG_FT_ARRAY, false, 0, 1024, .sub = &sg_config_xlate_schema },
	{ NULL }
};

const struct sg_schema sg_config_schema = { "config", top_fields };
