/* Declarative schema of the JSON configuration (doc/config.md), and its generic validator. */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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

static const struct sg_field pw_fields[] = {
	{ "local", SG_FT_HOSTPORT, true },
	{ "remote", SG_FT_HOSTPORT, true },
	{ "frames_per_packet", SG_FT_INT, false, 1, 64 },
	{ "jitter_ms", SG_FT_INT, false, 1, 100 },
	{ "unframed", SG_FT_BOOL, false },
	{ NULL }
};

static const struct sg_field dahdi_fields[] = {
	{ "span", SG_FT_INT, true, 1, 255 },
	{ "base_channel", SG_FT_INT, false, 1, 4096 },
	{ "hdlc", SG_FT_BOOL, false },
	{ "device", SG_FT_STRING, false, 1, 107 },
	{ NULL }
};

static const struct sg_field frame_fields[] = {
	{ "path", SG_FT_STRING, true, 1, 107 },
	{ "listen", SG_FT_BOOL, false },
	{ NULL }
};

static const struct sg_schema pw_schema = { "pw", pw_fields };
static const struct sg_schema dahdi_schema = { "dahdi", dahdi_fields };
static const struct sg_schema frame_schema = { "frame", frame_fields };

static const struct sg_field span_fields[] = {
	{ "name", SG_FT_NAME, true },
	{ "type", SG_FT_ENUM, false, 0, 0, ENUMS("e1", "t1") },
	{ "driver", SG_FT_ENUM, true, 0, 0, ENUMS("pw", "dahdi", "frame") },
	{ "thread", SG_FT_INT, false, 0, 15 },
	{ "pw", SG_FT_OBJECT, false, .sub = &pw_schema },
	{ "dahdi", SG_FT_OBJECT, false, .sub = &dahdi_schema },
	{ "frame", SG_FT_OBJECT, false, .sub = &frame_schema },
	{ NULL }
};

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
	{ "recovery_ms", SG_FT_INT, false, 10, 60000 },
	{ "ack_ms", SG_FT_INT, false, 100, 60000 },
	{ "beat_ms", SG_FT_INT, false, 0, 300000 },
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
	{ "recovery_ms", SG_FT_INT, false, 10, 60000 },
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
static const struct sg_schema span_schema = { "span", span_fields };
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

/* ---- helpers ---- */

bool sg_addr_is_numeric(const char *host)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

bool sg_addr_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

int sg_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon, *h = s;
	size_t len;
	char *end;
	unsigned long p;

	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		h = s + 1;
		len = rb - h;
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		len = colon - s;
	}
	if (!len || len >= hostlen)
		return -EINVAL;
	memcpy(host, h, len);
	host[len] = '\0';
	if (!sg_addr_is_numeric(host))
		return -EINVAL;
	if (colon[1] < '0' || colon[1] > '9')
		return -EINVAL;
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || *end || p > 65535)
		return -ERANGE;
	*port = p;
	return 0;
}

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s: ", path[0] ? path : "(top level)");
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *type_name(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "?";
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 31)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* Offset of the first control character (below 0x20, or DEL) in s[0..n), or -1. JSON
 * lets them in through escapes ("\n", "\u0001", "\u0000"); no name, token, address or
 * path of ours has one, and in a log line or an HTTP header they do harm. */
static ssize_t ctrl_at(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return i;
	return -1;
}

static int ctrl_key_fail(char *err, size_t errlen, const char *path, const char *key)
{
	ssize_t at = ctrl_at(key, strlen(key));

	return fail(err, errlen, path, "a key contains a control character (0x%02x at offset "
		    "%zd)", (unsigned char)key[at], at);
}

static void join(char *out, size_t len, const char *path, const char *key)
{
	if (path[0])
		snprintf(out, len, "%s.%s", path, key);
	else
		snprintf(out, len, "%s", key);
}

static int check_field(const struct sg_field *f, struct json_object *v, const char *path,
		       char *err, size_t errlen);

static int check_object(const struct sg_schema *s, struct json_object *obj, const char *path,
			char *err, size_t errlen)
{
	char sub[256];
	int rc;

	if (!json_object_is_type(obj, json_type_object))
		return fail(err, errlen, path, "expected an object, got %s", type_name(obj));

	/* unknown keys first: a misspelt key is the likeliest mistake */
	json_object_object_foreach(obj, key, val) {
		const struct sg_field *f;
		char allowed[400] = "";
		size_t n = 0;

		(void)val;
		if (ctrl_at(key, strlen(key)) >= 0)
			return ctrl_key_fail(err, errlen, path, key);
		for (f = s->fields; f->key; f++)
			if (!strcmp(f->key, key))
				break;
		if (f->key)
			continue;
		for (f = s->fields; f->key; f++) {
			int w = snprintf(allowed + n, sizeof(allowed) - n, "%s%s",
					 n ? ", " : "", f->key);
			if (w < 0 || (size_t)w >= sizeof(allowed) - n)
				break;
			n += w;
		}
		join(sub, sizeof(sub), path, key);
		return fail(err, errlen, sub, "unknown key in %s (allowed: %s)", s->name, allowed);
	}
	for (const struct sg_field *f = s->fields; f->key; f++) {
		struct json_object *v;

		join(sub, sizeof(sub), path, f->key);
		if (!json_object_object_get_ex(obj, f->key, &v)) {
			if (f->required)
				return fail(err, errlen, sub, "required key is missing");
			continue;
		}
		rc = check_field(f, v, sub, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_field(const struct sg_field *f, struct json_object *v, const char *path,
		       char *err, size_t errlen)
{
	char sub[256];
	int64_t i;
	size_t n;
	int rc;

	/* every string, whatever its field's type (a point code, an address, a token...) */
	if (json_object_is_type(v, json_type_string)) {
		const char *cs = json_object_get_string(v);
		ssize_t at = ctrl_at(cs, json_object_get_string_len(v));

		if (at >= 0)
			return fail(err, errlen, path, "contains a control character (0x%02x at "
				    "offset %zd)", (unsigned char)cs[at], at);
	}
	switch (f->type) {
	case SG_FT_OBJECT:
		return check_object(f->sub, v, path, err, errlen);
	case SG_FT_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			return fail(err, errlen, path, "expected an array, got %s", type_name(v));
		n = json_object_array_length(v);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return fail(err, errlen, path, "has %zu items, allowed %" PRId64 "..%" PRId64,
				    n, f->min, f->max);
		for (size_t k = 0; k < n; k++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, k);
			rc = check_object(f->sub, json_object_array_get_idx(v, k), sub, err, errlen);
			if (rc < 0)
				return rc;
		}
		return 0;
	case SG_FT_LIST:
		if (!json_object_is_type(v, json_type_array))
			return fail(err, errlen, path, "expected an array, got %s", type_name(v));
		n = json_object_array_length(v);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return fail(err, errlen, path, "has %zu items, allowed %" PRId64 "..%" PRId64,
				    n, f->min, f->max);
		for (size_t k = 0; k < n; k++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, k);
			rc = check_field(f->value, json_object_array_get_idx(v, k), sub, err, errlen);
			if (rc < 0)
				return rc;
		}
		return 0;
	case SG_FT_MAP:
		if (!json_object_is_type(v, json_type_object))
			return fail(err, errlen, path, "expected an object, got %s", type_name(v));
		json_object_object_foreach(v, key, val) {
			if (ctrl_at(key, strlen(key)) >= 0)
				return ctrl_key_fail(err, errlen, path, key);
			join(sub, sizeof(sub), path, key);
			rc = check_field(f->value, val, sub, err, errlen);
			if (rc < 0)
				return rc;
		}
		return 0;
	case SG_FT_INT:
		if (!json_object_is_type(v, json_type_int))
			return fail(err, errlen, path, "expected an integer, got %s", type_name(v));
		errno = 0;
		i = json_object_get_int64(v);
		if (errno == EINVAL || i < f->min || i > f->max)
			return fail(err, errlen, path, "%s is out of range %" PRId64 "..%" PRId64,
				    json_object_get_string(v), f->min, f->max);
		return 0;
	case SG_FT_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return fail(err, errlen, path, "expected true or false, got %s",
				    type_name(v));
		return 0;
	case SG_FT_PC:
		if (json_object_is_type(v, json_type_int)) {
			if (json_object_get_int64(v) < 0 || json_object_get_int64(v) > 0xffffff)
				return fail(err, errlen, path, "%s is out of range 0..16777215",
					    json_object_get_string(v));
			return 0;
		}
		if (!json_object_is_type(v, json_type_string))
			return fail(err, errlen, path,
				    "expected a point code (\"a-b-c\" or an integer), got %s",
				    type_name(v));
		return 0;
	default:
		break;
	}

	/* string types */
	if (!json_object_is_type(v, json_type_string))
		return fail(err, errlen, path, "expected a string, got %s", type_name(v));
	const char *s = json_object_get_string(v);

	switch (f->type) {
	case SG_FT_STRING:
		n = strlen(s);
		if ((int64_t)n < f->min || (int64_t)n > f->max)
			return fail(err, errlen, path, "length %zu is out of range %" PRId64 "..%"
				    PRId64, n, f->min, f->max);
		return 0;
	case SG_FT_NAME:
		if (!valid_name(s))
			return fail(err, errlen, path, "'%s' is not a valid name "
				    "(1..31 characters of A-Z a-z 0-9 _ - .)", s);
		return 0;
	case SG_FT_ENUM:
		for (const char *const *e = f->enums; *e; e++)
			if (!strcmp(*e, s))
				return 0;
		{
			char allowed[160] = "";
			size_t m = 0;

			for (const char *const *e = f->enums; *e; e++) {
				int w = snprintf(allowed + m, sizeof(allowed) - m, "%s%s",
						 m ? ", " : "", *e);
				if (w < 0 || (size_t)w >= sizeof(allowed) - m)
					break;
				m += w;
			}
			return fail(err, errlen, path, "'%s' is not one of: %s", s, allowed);
		}
	case SG_FT_IPADDR:
		if (!sg_addr_is_numeric(s))
			return fail(err, errlen, path, "'%s' is not a numeric IPv4 or IPv6 address",
				    s);
		return 0;
	case SG_FT_HOSTPORT: {
		char host[64];
		uint16_t port;

		if (sg_parse_hostport(s, host, sizeof(host), &port) < 0)
			return fail(err, errlen, path,
				    "'%s' is not an address:port (e.g. 127.0.0.1:5000 or [::1]:5000)",
				    s);
		return 0;
	}
	default:
		return fail(err, errlen, path, "internal: unhandled schema type %d", f->type);
	}
}

int sg_schema_validate(const struct sg_schema *s, struct json_object *doc, const char *path,
		       char *err, size_t errlen)
{
	return check_object(s, doc, path, err, errlen);
}
