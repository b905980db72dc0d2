/* Loading the JSON configuration: syntax, schema, then cross-references. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/adapter.h>
#include <sg/config.h>
#include <sg/log.h>
#include "config_schema.h"

#define MAX_CONFIG_SIZE (4 * 1024 * 1024)

static int cfail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *sg_trace_name_check(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > SG_TRACE_NAME_MAX)
		return "a trace file name has 1..128 characters";
	if (name[0] == '.')
		return "a trace file name does not start with '.'";
	if (strstr(name, ".."))
		return "a trace file name has no '..'";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '+'))
			return "a trace file name is a name in management.trace_dir, of A-Z a-z "
			       "0-9 . _ - + (no '/', no control character)";
	}
	return NULL;
}

static int cfail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* values of the validated document (include/sg/schema.h) */
#define str_or sg_json_str
#define int_or sg_json_int
#define bool_or sg_json_bool

static struct json_object *obj_or_null(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int enum_index(const char *s, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

/* Point code in a field already type-checked by the schema. */
static int get_pc(struct json_object *v, enum sg_pc_variant var, const char *path,
		  uint32_t *pc, char *err, size_t errlen)
{
	static const char *const var_names[] = { "itu", "ansi", "china", "ttc" };
	unsigned int bits = sg_pc_bits(var);
	int rc;

	if (json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);

		if (i < 0 || i >= (1LL << bits))
			return cfail(err, errlen, "%s: %lld is out of range 0..%u for %s point codes",
				     path, (long long)i, (1U << bits) - 1, var_names[var]);
		*pc = i;
		return 0;
	}
	rc = sg_pc_parse(json_object_get_string(v), var, pc);
	if (rc < 0)
		return cfail(err, errlen, "%s: '%s' is not a valid %s point code (%s, or an integer "
			     "below %u)", path, json_object_get_string(v), var_names[var],
			     var == SG_PC_ITU ? "3-8-3" : var == SG_PC_TTC ? "5-4-7" : "8-8-8",
			     1U << bits);
	return 0;
}

#define FIND_BY_NAME(arr, num, nm) ({					\
	int __idx = -1;							\
	for (unsigned int __i = 0; __i < (num); __i++)			\
		if (!strcmp((arr)[__i].name, (nm))) { __idx = __i; break; } \
	__idx; })

static int get_addrs(struct json_object *o, const char *key, struct sg_cfg_addrs *a)
{
	struct json_object *arr = obj_or_null(o, key);

	a->n = arr ? json_object_array_length(arr) : 0;
	if (a->n > SG_CFG_MAX_ADDRS)
		a->n = SG_CFG_MAX_ADDRS;
	for (unsigned int i = 0; i < a->n; i++)
		snprintf(a->addr[i], sizeof(a->addr[i]), "%s",
			 json_object_get_string(json_object_array_get_idx(arr, i)));
	return 0;
}

static int get_pc_list(struct json_object *o, const char *key, enum sg_pc_variant var,
		       const char *path, uint32_t *out, unsigned int max, unsigned int *n,
		       char *err, size_t errlen)
{
	struct json_object *arr = obj_or_null(o, key);
	char p[200];
	int rc;

	*n = arr ? json_object_array_length(arr) : 0;
	if (*n > max)
		*n = max;
	for (unsigned int i = 0; i < *n; i++) {
		snprintf(p, sizeof(p), "%s.%s[%u]", path, key, i);
		rc = get_pc(json_object_array_get_idx(arr, i), var, p, &out[i], err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* M3UA point-code lists: each PC once ("path.key[i]: ... twice") */
static int pc_list_unique(struct json_object *o, const char *key, const char *path,
			  const uint32_t *pcs, unsigned int n, char *err, size_t errlen)
{
	struct json_object *arr = obj_or_null(o, key);

	for (unsigned int i = 1; i < n; i++)
		for (unsigned int k = 0; k < i; k++)
			if (pcs[k] == pcs[i])
				return cfail(err, errlen, "%s%s%s[%u]: point code %s appears twice "
					     "(also %s[%u])", path, path[0] ? "." : "", key, i,
					     json_object_get_string(json_object_array_get_idx(arr,
											i)),
					     key, k);
	return 0;
}

/* "path.key" (or "key" at the top of an API request body) */
static void sub_path(char *out, size_t len, const char *path, const char *key)
{
	snprintf(out, len, "%s%s%s", path, path[0] ? "." : "", key);
}

int sg_config_parse_as(const struct sg_config *cfg, struct json_object *o, const char *path,
		       struct sg_cfg_m3ua_as *as, char *err, size_t errlen)
{
	static const char *const tmts[] = { "", "override", "loadshare", "broadcast", NULL };
	const struct sg_cfg_m3ua *mc = &cfg->m3ua;
	enum sg_pc_variant var = cfg->sps[mc->sp].variant;
	struct json_object *rk, *list;
	char p[200];
	int rc;

	memset(as, 0, sizeof(*as));
	snprintf(as->name, sizeof(as->name), "%s", str_or(o, "name", ""));
	as->has_rc = obj_or_null(o, "routing_context") != NULL;
	as->rc = int_or(o, "routing_context", 0);
	as->traffic_mode = enum_index(str_or(o, "traffic_mode", "override"), tmts);
	as->min_asps = int_or(o, "min_asps", 1);
	as->recovery_ms = int_or(o, "recovery_ms", 0);
	list = obj_or_null(o, "asps");
	as->nasps = list ? json_object_array_length(list) : 0;
	if (as->nasps > ARRAY_SIZE(as->asps))
		as->nasps = ARRAY_SIZE(as->asps);
	for (unsigned int k = 0; k < as->nasps; k++) {
		const char *an = json_object_get_string(json_object_array_get_idx(list, k));

		as->asps[k] = FIND_BY_NAME(mc->asps, mc->num_asps, an);
		if (as->asps[k] < 0) {
			sub_path(p, sizeof(p), path, "asps");
			return cfail(err, errlen, "%s[%u]: no ASP named '%s' in m3ua.asps", p, k, an);
		}
	}
	if (as->min_asps > as->nasps) {
		sub_path(p, sizeof(p), path, "min_asps");
		return cfail(err, errlen, "%s: %u is more than the AS's %u ASPs", p, as->min_asps,
			     as->nasps);
	}
	rk = obj_or_null(o, "routing_key");
	sub_path(p, sizeof(p), path, "routing_key");
	rc = get_pc_list(rk, "dpc", var, p, as->rk.dpc, ARRAY_SIZE(as->rk.dpc), &as->rk.ndpc, err,
			 errlen);
	if (rc < 0)
		return rc;
	rc = pc_list_unique(rk, "dpc", p, as->rk.dpc, as->rk.ndpc, err, errlen);
	if (rc < 0)
		return rc;
	rc = get_pc_list(rk, "opc", var, p, as->rk.opc, ARRAY_SIZE(as->rk.opc), &as->rk.nopc, err,
			 errlen);
	if (rc < 0)
		return rc;
	list = obj_or_null(rk, "si");
	as->rk.nsi = list ? json_object_array_length(list) : 0;
	for (unsigned int k = 0; k < as->rk.nsi && k < SG_CFG_RK_MAX; k++) {
		as->rk.si[k] = json_object_get_int(json_object_array_get_idx(list, k));
		if (as->rk.si[k] < 3)
			return cfail(err, errlen, "%s.si[%u]: %u is MTP3's own (SNM, SLTM); user parts "
				     "are 3..15", p, k, as->rk.si[k]);
	}
	list = obj_or_null(rk, "ssn");
	as->rk.nssn = list ? json_object_array_length(list) : 0;
	for (unsigned int k = 0; k < as->rk.nssn && k < SG_CFG_RK_MAX; k++)
		as->rk.ssn[k] = json_object_get_int(json_object_array_get_idx(list, k));
	list = obj_or_null(rk, "cic");
	as->rk.ncic = list ? json_object_array_length(list) : 0;
	for (unsigned int k = 0; k < as->rk.ncic && k < ARRAY_SIZE(as->rk.cic); k++) {
		struct json_object *c = json_object_array_get_idx(list, k);
		char p2[240];

		snprintf(p2, sizeof(p2), "%s.cic[%u].opc", p, k);
		rc = get_pc(obj_or_null(c, "opc"), var, p2, &as->rk.cic[k].opc, err, errlen);
		if (rc < 0)
			return rc;
		as->rk.cic[k].from = int_or(c, "from", 0);
		as->rk.cic[k].to = int_or(c, "to", 0);
		if (as->rk.cic[k].from > as->rk.cic[k].to)
			return cfail(err, errlen, "%s.cic[%u].to: %u is below from (%u)", p, k,
				     as->rk.cic[k].to, as->rk.cic[k].from);
	}
	as->rk.has_na = obj_or_null(rk, "network_appearance") != NULL;
	as->rk.na = int_or(rk, "network_appearance", 0);
	return 0;
}

int sg_config_parse_xlate(const struct sg_config *cfg, struct json_object *o, const char *path,
			  struct sg_cfg_xlate *x, char *err, size_t errlen)
{
	static const char *const nis[] = { "international", "international-spare", "national",
					   "national-spare", NULL };
	int sp = cfg->m3ua.enabled ? cfg->m3ua.sp : 0;
	enum sg_pc_variant var;
	struct json_object *t, *ip;
	char p[200];
	int rc;

	if (!cfg->num_sps)
		return cfail(err, errlen, "translations: needs a signalling point");
	var = cfg->sps[sp].variant;
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", str_or(o, "name", ""));
	t = obj_or_null(o, "tdm");
	ip = obj_or_null(o, "ip");
	x->tdm_ni = enum_index(str_or(t, "ni", nis[cfg->sps[sp].ni]), nis);
	x->ip_ni = enum_index(str_or(ip, "ni", nis[cfg->sps[sp].ni]), nis);
	sub_path(p, sizeof(p), path, "tdm.pc");
	rc = get_pc(obj_or_null(t, "pc"), var, p, &x->tdm_pc, err, errlen);
	if (rc < 0)
		return rc;
	sub_path(p, sizeof(p), path, "ip.pc");
	return get_pc(obj_or_null(ip, "pc"), var, p, &x->ip_pc, err, errlen);
}

/* sctp.rto_*_ms: the values set must satisfy RTO.Min <= RTO.Initial <= RTO.Max (RFC 4960
 * §6.3.1); a value not set takes its default moved into the range the set ones allow, so that
 * setting only rto_max_ms: 500 gives min 300, initial 500, max 500 (doc/config.md). */
static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int rto_from_cfg(struct json_object *o, struct sg_cfg_sctp *sc, char *err, size_t errlen)
{
	bool has_min = obj_or_null(o, "rto_min_ms"), has_max = obj_or_null(o, "rto_max_ms");
	bool has_init = obj_or_null(o, "rto_initial_ms");

	sc->rto_min_ms = int_or(o, "rto_min_ms", SG_CFG_SCTP_RTO_MIN_MS);
	sc->rto_max_ms = int_or(o, "rto_max_ms", SG_CFG_SCTP_RTO_MAX_MS);
	sc->rto_initial_ms = int_or(o, "rto_initial_ms", SG_CFG_SCTP_RTO_INITIAL_MS);
	if (has_min && has_max && sc->rto_min_ms > sc->rto_max_ms)
		return cfail(err, errlen, "sctp.rto_min_ms: %u is above sctp.rto_max_ms (%u)",
			     sc->rto_min_ms, sc->rto_max_ms);
	if (has_init && has_min && sc->rto_initial_ms < sc->rto_min_ms)
		return cfail(err, errlen, "sctp.rto_initial_ms: %u is below sctp.rto_min_ms (%u)",
			     sc->rto_initial_ms, sc->rto_min_ms);
	if (has_init && has_max && sc->rto_initial_ms > sc->rto_max_ms)
		return cfail(err, errlen, "sctp.rto_initial_ms: %u is above sctp.rto_max_ms (%u)",
			     sc->rto_initial_ms, sc->rto_max_ms);
	/* the defaults of those not set, moved inside the bounds the set ones give */
	if (!has_min)
		sc->rto_min_ms = clamp_u32(sc->rto_min_ms, 0,
					   has_init ? sc->rto_initial_ms : sc->rto_max_ms);
	if (!has_max)
		sc->rto_max_ms = clamp_u32(sc->rto_max_ms, has_init ? sc->rto_initial_ms :
								      sc->rto_min_ms,
					   UINT32_MAX);
	if (!has_init)
		sc->rto_initial_ms = clamp_u32(sc->rto_initial_ms, sc->rto_min_ms, sc->rto_max_ms);
	return 0;
}

/* "sctp", "m3ua" and "translations" (doc/config.md) */
static int extract_sigtran(struct sg_config *cfg, char *err, size_t errlen)
{
	static const char *const transports[] = { "auto", "kernel", "usrsctp", NULL };
	static const char *const roles[] = { "sgp", "asp", "ipsp", "ipsp-double", NULL };
	static const char *const rkm_modes[] = { "off", "static", "dynamic", NULL };
	/* policies: the schema's enum values in the order of the layer's enums */
	static const char *const norc[] = { "all", "error", NULL };
	static const char *const ssnm_to[] = { "active", "up", NULL };
	static const char *const daud_unknown[] = { "duna", "error", NULL };
	static const char *const block[] = { "aspia-ack", "aspdn-ack", NULL };
	struct json_object *root = cfg->root, *o, *m, *arr;
	struct sg_cfg_sctp *sc = &cfg->sctp;
	struct sg_cfg_m3ua *mc = &cfg->m3ua;
	enum sg_pc_variant var;
	char path[200];
	int rc;

	o = obj_or_null(root, "sctp");
	sc->transport = enum_index(str_or(o, "transport", "auto"), transports);
	sc->udp_port = int_or(o, "udp_port", 9899);
	sc->usrsctp_raw = !strcmp(str_or(o, "usrsctp_mode", "udp"), "raw");
	sc->send_queue_max = int_or(o, "send_queue_max", 1024);
	sc->rx_max = int_or(o, "rx_max", 65407);
	sc->streams = int_or(o, "streams", 17);
	sc->max_init_attempts = int_or(o, "max_init_attempts", 0);
	sc->max_init_timeo_ms = int_or(o, "max_init_timeo_ms", 0);
	sc->nodelay = bool_or(o, "nodelay", true);
	sc->heartbeat = bool_or(o, "heartbeat", true);
	if (!sc->heartbeat && obj_or_null(o, "heartbeat_ms"))
		return cfail(err, errlen, "sctp.heartbeat_ms: set while sctp.heartbeat is false "
			     "(no HEARTBEATs)");
	sc->heartbeat_ms = int_or(o, "heartbeat_ms",
				  sc->heartbeat ? SG_CFG_SCTP_HB_INTERVAL_MS : 0);
	sc->path_max_retrans = int_or(o, "path_max_retrans", SG_CFG_SCTP_PATH_MAX_RETRANS);
	sc->assoc_max_retrans = int_or(o, "assoc_max_retrans", SG_CFG_SCTP_ASSOC_MAX_RETRANS);
	sc->reconnect_ms = int_or(o, "reconnect_ms", 1000);
	rc = rto_from_cfg(o, sc, err, errlen);
	if (rc < 0)
		return rc;

	m = obj_or_null(root, "m3ua");
	mc->enabled = m != NULL;
	mc->asps = talloc_zero_array(cfg, struct sg_cfg_m3ua_asp, 1);
	mc->as = talloc_zero_array(cfg, struct sg_cfg_m3ua_as, 1);
	if (m) {
		const char *spname = str_or(m, "sp", NULL);

		if (!cfg->num_sps)
			return cfail(err, errlen, "m3ua: needs a signalling point (signalling_points "
				     "is empty)");
		mc->sp = spname ? FIND_BY_NAME(cfg->sps, cfg->num_sps, spname) : 0;
		if (mc->sp < 0)
			return cfail(err, errlen, "m3ua.sp: no signalling point named '%s'", spname);
		var = cfg->sps[mc->sp].variant;
		o = obj_or_null(m, "listen");
		get_addrs(o, "addresses", &mc->listen);
		mc->listen_port = int_or(o, "port", 2905);
		o = obj_or_null(m, "timers");
		mc->recovery_ms = int_or(o, "recovery_ms", 2000);
		mc->ack_ms = int_or(o, "ack_ms", 2000);
		mc->beat_ms = int_or(o, "beat_ms", SG_CFG_M3UA_BEAT_MS);
		mc->beat_max_lost = int_or(o, "beat_max_lost", SG_CFG_M3UA_BEAT_MAX_LOST);
		mc->aspup_ms = int_or(o, "aspup_ms", 10000);
		if (mc->aspup_ms && mc->aspup_ms < 100)
			return cfail(err, errlen, "m3ua.timers.aspup_ms: %u is out of range (0 for no "
				     "limit, or 100..600000)", mc->aspup_ms);
		/* recovery_ms, ack_ms, beat_ms: the xUA core's table checks them (sg/check_config.c) */
		o = obj_or_null(m, "rkm");
		/* "dynamic" (a boolean) is the older spelling of "mode" */
		if (obj_or_null(o, "mode"))
			mc->rkm_mode = enum_index(str_or(o, "mode", "static"), rkm_modes);
		else
			mc->rkm_mode = bool_or(o, "dynamic", false) ? SG_CFG_RKM_DYNAMIC :
								      SG_CFG_RKM_STATIC;
		if (obj_or_null(o, "mode") && obj_or_null(o, "dynamic") &&
		    bool_or(o, "dynamic", false) != (mc->rkm_mode == SG_CFG_RKM_DYNAMIC))
			return cfail(err, errlen, "m3ua.rkm.dynamic: %s contradicts m3ua.rkm.mode "
				     "'%s' (set mode alone)", bool_or(o, "dynamic", false) ?
				     "true" : "false", rkm_modes[mc->rkm_mode]);
		mc->max_dynamic = int_or(o, "max_dynamic", 16);
		mc->rc_base = int_or(o, "rc_base", 1000);
		rc = get_pc_list(o, "provisioned_dpcs", var, "m3ua.rkm", mc->provisioned,
				 ARRAY_SIZE(mc->provisioned), &mc->nprov, err, errlen);
		if (rc < 0)
			return rc;
		rc = pc_list_unique(o, "provisioned_dpcs", "m3ua.rkm", mc->provisioned, mc->nprov,
				    err, errlen);
		if (rc < 0)
			return rc;
		o = obj_or_null(m, "policies");
		mc->aspac_norc = enum_index(str_or(o, "aspac_without_rc", "all"), norc);
		mc->ssnm_to = enum_index(str_or(o, "ssnm_to", "active"), ssnm_to);
		mc->daud_unknown = enum_index(str_or(o, "daud_unknown", "duna"), daud_unknown);
		mc->block = enum_index(str_or(o, "block", "aspia-ack"), block);
		mc->pending_max = int_or(o, "pending_max", 1024);
		mc->asp_audit = bool_or(o, "asp_audit", true);
		mc->asp_snm_inactive = bool_or(o, "asp_snm_inactive", false);
		mc->asp_id_required = bool_or(m, "asp_id_required", false);
		mc->has_na = obj_or_null(m, "network_appearance") != NULL;
		mc->na = int_or(m, "network_appearance", 0);

		arr = obj_or_null(m, "asps");
		mc->num_asps = arr ? json_object_array_length(arr) : 0;
		if (mc->num_asps)
			mc->asps = talloc_zero_array(cfg, struct sg_cfg_m3ua_asp, mc->num_asps);
		for (unsigned int i = 0; i < mc->num_asps; i++) {
			struct sg_cfg_m3ua_asp *a = &mc->asps[i];
			struct json_object *r, *l;

			o = json_object_array_get_idx(arr, i);
			snprintf(a->name, sizeof(a->name), "%s", str_or(o, "name", ""));
			for (unsigned int k = 0; k < i; k++)
				if (!strcmp(mc->asps[k].name, a->name))
					return cfail(err, errlen, "m3ua.asps[%u].name: duplicate ASP "
						     "name '%s' (first at m3ua.asps[%u])", i, a->name, k);
			a->role = enum_index(str_or(o, "role", "sgp"), roles);
			a->has_asp_id = obj_or_null(o, "asp_id") != NULL;
			a->asp_id = int_or(o, "asp_id", 0);
			for (unsigned int k = 0; k < i && a->has_asp_id; k++)
				if (mc->asps[k].has_asp_id && mc->asps[k].asp_id == a->asp_id)
					return cfail(err, errlen, "m3ua.asps[%u].asp_id: ASP identifier "
						     "%u is already used by '%s'", i, a->asp_id,
						     mc->asps[k].name);
			r = obj_or_null(o, "remote");
			get_addrs(r, "addresses", &a->remote);
			a->remote_port = int_or(r, "port", a->role == SG_CFG_ROLE_SGP ? 0 : 2905);
			a->remote_udp_port = int_or(r, "udp_port", 9899);
			l = obj_or_null(o, "local");
			get_addrs(l, "addresses", &a->local);
			a->local_port = int_or(l, "port", 0);
			a->blocked = bool_or(o, "blocked", false);
			a->may_register = bool_or(o, "may_register",
						  mc->rkm_mode == SG_CFG_RKM_DYNAMIC);
			snprintf(path, sizeof(path), "m3ua.asps[%u]", i);
			rc = get_pc_list(o, "allowed_dpcs", var, path, a->allowed,
					 ARRAY_SIZE(a->allowed), &a->nallowed, err, errlen);
			if (rc < 0)
				return rc;
			rc = pc_list_unique(o, "allowed_dpcs", path, a->allowed, a->nallowed, err,
					    errlen);
			if (rc < 0)
				return rc;
			if (a->may_register && mc->rkm_mode == SG_CFG_RKM_OFF &&
			    obj_or_null(o, "may_register"))
				return cfail(err, errlen, "m3ua.asps[%u].may_register: routing-key "
					     "management is off (m3ua.rkm.mode)", i);
			if (a->nallowed && (!a->may_register || mc->rkm_mode != SG_CFG_RKM_DYNAMIC))
				return cfail(err, errlen, "m3ua.asps[%u].allowed_dpcs: only dynamic "
					     "registration uses it, and %s", i,
					     mc->rkm_mode != SG_CFG_RKM_DYNAMIC ?
					     "m3ua.rkm.mode is not 'dynamic'" :
					     "this ASP may not register (may_register)");
			if (a->role == SG_CFG_ROLE_SGP && !mc->listen.n)
				return cfail(err, errlen, "m3ua.asps[%u].role: 'sgp' needs m3ua.listen "
					     "(the ASP connects to us)", i);
			if (a->role == SG_CFG_ROLE_ASP && !obj_or_null(r, "port"))
				return cfail(err, errlen, "m3ua.asps[%u].remote.port: required for role "
					     "'asp' (we connect to the SGP)", i);
		}
		if (mc->asp_id_required)
			for (unsigned int i = 0; i < mc->num_asps; i++)
				if (mc->asps[i].role == SG_CFG_ROLE_SGP && !mc->asps[i].has_asp_id)
					return cfail(err, errlen, "m3ua.asps[%u].asp_id: required "
						     "(m3ua.asp_id_required is true)", i);

		arr = obj_or_null(m, "as");
		mc->num_as = arr ? json_object_array_length(arr) : 0;
		if (mc->num_as)
			mc->as = talloc_zero_array(cfg, struct sg_cfg_m3ua_as, mc->num_as);
		for (unsigned int i = 0; i < mc->num_as; i++) {
			struct sg_cfg_m3ua_as *as = &mc->as[i];

			o = json_object_array_get_idx(arr, i);
			snprintf(path, sizeof(path), "m3ua.as[%u]", i);
			rc = sg_config_parse_as(cfg, o, path, as, err, errlen);
			if (rc < 0)
				return rc;
			for (unsigned int k = 0; k < i; k++) {
				if (!strcmp(mc->as[k].name, as->name))
					return cfail(err, errlen, "m3ua.as[%u].name: duplicate AS name "
						     "'%s' (first at m3ua.as[%u])", i, as->name, k);
				if (as->has_rc && mc->as[k].has_rc && mc->as[k].rc == as->rc)
					return cfail(err, errlen, "m3ua.as[%u].routing_context: %u is "
						     "already used by AS '%s'", i, as->rc,
						     mc->as[k].name);
			}
			if (!as->has_rc && mc->num_as > 1)
				return cfail(err, errlen, "m3ua.as[%u].routing_context: required when "
					     "there is more than one AS", i);
		}
	}

	arr = obj_or_null(root, "translations");
	cfg->num_xlates = arr ? json_object_array_length(arr) : 0;
	cfg->xlates = talloc_zero_array(cfg, struct sg_cfg_xlate, cfg->num_xlates ? cfg->num_xlates : 1);
	for (unsigned int i = 0; i < cfg->num_xlates; i++) {
		struct sg_cfg_xlate *x = &cfg->xlates[i];

		snprintf(path, sizeof(path), "translations[%u]", i);
		rc = sg_config_parse_xlate(cfg, json_object_array_get_idx(arr, i), path, x, err,
					   errlen);
		if (rc < 0)
			return rc;
		for (unsigned int k = 0; k < i; k++) {
			const struct sg_cfg_xlate *y = &cfg->xlates[k];

			if (!strcmp(y->name, x->name))
				return cfail(err, errlen, "translations[%u].name: duplicate name '%s'",
					     i, x->name);
			if (y->tdm_ni == x->tdm_ni && y->tdm_pc == x->tdm_pc)
				return cfail(err, errlen, "translations[%u].tdm: the same TDM (NI, PC) "
					     "is already translated by '%s'", i, y->name);
			if (y->ip_ni == x->ip_ni && y->ip_pc == x->ip_pc)
				return cfail(err, errlen, "translations[%u].ip: the same IP (NI, PC) "
					     "is already translated by '%s'", i, y->name);
		}
	}
	return 0;
}

static int extract(struct sg_config *cfg, char *err, size_t errlen)
{
	static const char *const variants[] = { "itu", "ansi", "china", "ttc", NULL };
	static const char *const nis[] = { "international", "international-spare", "national",
					   "national-spare", NULL };
	struct json_object *root = cfg->root, *o, *arr;
	char path[128];
	int rc;

	/* node */
	o = obj_or_null(root, "node");
	snprintf(cfg->node_name, sizeof(cfg->node_name), "%s", o ? str_or(o, "name", "sgd") : "sgd");

	/* log */
	o = obj_or_null(root, "log");
	cfg->log_target = o && !strcmp(str_or(o, "target", "stderr"), "syslog") ? SG_LOG_SYSLOG
										   : SG_LOG_STDERR;
	cfg->log_timestamps = o ? bool_or(o, "timestamps", true) : true;
	cfg->log_level = sg_log_level_by_name(o ? str_or(o, "level", "notice") : "notice");
	for (unsigned int i = 0; i < ARRAY_SIZE(cfg->log_cat_level); i++)
		cfg->log_cat_level[i] = -1;
	if (o && (arr = obj_or_null(o, "categories"))) {
		json_object_object_foreach(arr, key, val) {
			int cat = sg_log_cat_by_name(key);

			if (cat < 0)
				return cfail(err, errlen, "log.categories.%s: unknown log category",
					     key);
			cfg->log_cat_level[cat] = sg_log_level_by_name(json_object_get_string(val));
		}
	}

	/* management */
	o = obj_or_null(root, "management");
	snprintf(cfg->mgmt_listen, sizeof(cfg->mgmt_listen), "%s",
		 o ? str_or(o, "listen", "127.0.0.1") : "127.0.0.1");
	cfg->mgmt_port = o ? int_or(o, "port", 8080) : 8080;
	snprintf(cfg->mgmt_token, sizeof(cfg->mgmt_token), "%s", o ? str_or(o, "token", "") : "");
	cfg->mgmt_loopback = sg_addr_is_loopback(cfg->mgmt_listen);
	if (!cfg->mgmt_loopback && !cfg->mgmt_token[0])
		return cfail(err, errlen, "management.token: required when management.listen (%s) "
			     "is not a loopback address", cfg->mgmt_listen);

	snprintf(cfg->trace_dir, sizeof(cfg->trace_dir), "%s",
		 o ? str_or(o, "trace_dir", "") : "");
	if (cfg->trace_dir[0]) {
		struct stat st;

		if (cfg->trace_dir[0] != '/')
			return cfail(err, errlen, "management.trace_dir: '%s' is not an absolute "
				     "path", cfg->trace_dir);
		if (stat(cfg->trace_dir, &st) < 0)
			return cfail(err, errlen, "management.trace_dir: '%s': %s", cfg->trace_dir,
				     strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return cfail(err, errlen, "management.trace_dir: '%s' is not a directory",
				     cfg->trace_dir);
	}
	cfg->mgmt_max_conns = o ? int_or(o, "max_connections", SG_MGMT_CONNS_DEFAULT)
				: SG_MGMT_CONNS_DEFAULT;
	cfg->mgmt_max_conns_per_addr = o ? int_or(o, "max_connections_per_address",
						  SG_MGMT_CONNS_PER_ADDR_DEFAULT)
					 : SG_MGMT_CONNS_PER_ADDR_DEFAULT;
	if (cfg->mgmt_max_conns_per_addr > cfg->mgmt_max_conns)
		return cfail(err, errlen, "management.max_connections_per_address: %u is more than "
			     "management.max_connections (%u)", cfg->mgmt_max_conns_per_addr,
			     cfg->mgmt_max_conns);
	cfg->mgmt_header_timeout_ms = o ? int_or(o, "header_timeout_ms", SG_MGMT_HEADER_TIMEOUT_MS)
					: SG_MGMT_HEADER_TIMEOUT_MS;
	cfg->mgmt_request_timeout_ms = o ? int_or(o, "request_timeout_ms",
						  SG_MGMT_REQUEST_TIMEOUT_MS)
					 : SG_MGMT_REQUEST_TIMEOUT_MS;
	if (cfg->mgmt_request_timeout_ms < cfg->mgmt_header_timeout_ms)
		return cfail(err, errlen, "management.request_timeout_ms: %u is less than "
			     "management.header_timeout_ms (%u)", cfg->mgmt_request_timeout_ms,
			     cfg->mgmt_header_timeout_ms);

	/* threads */
	o = obj_or_null(root, "threads");
	cfg->tdm_threads = o ? int_or(o, "tdm", 1) : 1;
	cfg->tdm_rt_priority = o ? int_or(o, "tdm_rt_priority", 0) : 0;

	/* signalling points */
	arr = obj_or_null(root, "signalling_points");
	cfg->num_sps = arr ? json_object_array_length(arr) : 0;
	cfg->sps = talloc_zero_array(cfg, struct sg_cfg_sp, cfg->num_sps ? cfg->num_sps : 1);
	for (unsigned int i = 0; i < cfg->num_sps; i++) {
		struct sg_cfg_sp *sp = &cfg->sps[i];
		int dup;

		o = json_object_array_get_idx(arr, i);
		snprintf(sp->name, sizeof(sp->name), "%s", str_or(o, "name", ""));
		dup = FIND_BY_NAME(cfg->sps, i, sp->name);
		if (dup >= 0)
			return cfail(err, errlen, "signalling_points[%u].name: duplicate name '%s' "
				     "(first at signalling_points[%d])", i, sp->name, dup);
		sp->variant = enum_index(str_or(o, "variant", "itu"), variants);
		sp->ni = enum_index(str_or(o, "ni", "international"), nis);
		sp->stp = bool_or(o, "stp", false);
		sp->restart = bool_or(o, "restart", true);
		sp->cong_prio = bool_or(o, "congestion_priorities", false);
		sp->tfr = bool_or(o, "transfer_restricted", false);
		sp->tfp_unknown = bool_or(o, "unknown_dpc_tfp", false);
		if (sp->tfp_unknown && !sp->stp)
			return cfail(err, errlen, "signalling_points[%u].unknown_dpc_tfp: needs "
				     "\"stp\": true (only an STP answers with TFP)", i);
		sp->timers = obj_or_null(o, "timers");
		sp->sls_bits = int_or(o, "sls_bits", sp->variant == SG_PC_ANSI ? 8 : 4);
		{
			/* SLS widths each variant knows (Q.704 §2.2.4, T1.111.4 §2.2) */
			static const uint8_t ok[][2] = {
				[SG_PC_ITU] = { 4, 4 }, [SG_PC_ANSI] = { 5, 8 },
				[SG_PC_CHINA] = { 4, 8 }, [SG_PC_TTC] = { 4, 5 },
			};

			if (sp->sls_bits != ok[sp->variant][0] && sp->sls_bits != ok[sp->variant][1])
				return cfail(err, errlen, "signalling_points[%u].sls_bits: %u is not "
					     "an SLS width of %s (%u or %u)", i, sp->sls_bits,
					     variants[sp->variant], ok[sp->variant][0],
					     ok[sp->variant][1]);
		}
		snprintf(path, sizeof(path), "signalling_points[%u].pc", i);
		rc = get_pc(obj_or_null(o, "pc"), sp->variant, path, &sp->pc, err, errlen);
		if (rc < 0)
			return rc;
	}

	/* spans */
	arr = obj_or_null(root, "spans");
	cfg->num_spans = arr ? json_object_array_length(arr) : 0;
	cfg->spans = talloc_zero_array(cfg, struct sg_cfg_span, cfg->num_spans ? cfg->num_spans : 1);
	for (unsigned int i = 0; i < cfg->num_spans; i++) {
		struct sg_cfg_span *sp = &cfg->spans[i];
		struct sg_adapter_driver *drv;
		int dup;

		o = json_object_array_get_idx(arr, i);
		snprintf(sp->name, sizeof(sp->name), "%s", str_or(o, "name", ""));
		dup = FIND_BY_NAME(cfg->spans, i, sp->name);
		if (dup >= 0)
			return cfail(err, errlen, "spans[%u].name: duplicate name '%s' (first at "
				     "spans[%d])", i, sp->name, dup);
		sp->type = strcmp(str_or(o, "type", "e1"), "t1") ? SG_SPAN_E1 : SG_SPAN_T1;
		snprintf(sp->driver, sizeof(sp->driver), "%s", str_or(o, "driver", ""));
		sp->thread = int_or(o, "thread", 0);
		if (sp->thread >= cfg->tdm_threads)
			return cfail(err, errlen, "spans[%u].thread: %u is out of range 0..%u "
				     "(threads.tdm is %u)", i, sp->thread, cfg->tdm_threads - 1,
				     cfg->tdm_threads);
		/* the driver's own section must be there, and no other driver's */
		drv = sg_adapter_driver_find(sp->driver);
		if (!drv) {
			char names[200];

			sg_adapter_driver_names(names, sizeof(names));
			return cfail(err, errlen, "spans[%u].driver: no driver '%s' (registered: %s)",
				     i, sp->driver, names);
		}
		for (struct sg_adapter_driver *k = NULL; (k = sg_adapter_driver_next(k)); ) {
			bool present = obj_or_null(o, k->name) != NULL;

			if (k == drv && k->schema && !present)
				return cfail(err, errlen, "spans[%u].%s: required key is missing "
					     "(driver is '%s')", i, k->name, k->name);
			if (k != drv && k->schema && present)
				return cfail(err, errlen, "spans[%u].%s: section does not match "
					     "driver '%s'", i, k->name, sp->driver);
		}
		if (drv->schema) {
			snprintf(path, sizeof(path), "spans[%u].%s", i, sp->driver);
			rc = sg_adapter_cfg_parse(cfg, sp->driver, obj_or_null(o, sp->driver),
						  sp->type, path, &sp->drv_cfg, err, errlen);
			if (rc < 0)
				return rc;
		}
	}

	/* linksets */
	arr = obj_or_null(root, "linksets");
	cfg->num_linksets = arr ? json_object_array_length(arr) : 0;
	cfg->linksets = talloc_zero_array(cfg, struct sg_cfg_linkset,
					  cfg->num_linksets ? cfg->num_linksets : 1);
	for (unsigned int i = 0; i < cfg->num_linksets; i++) {
		struct sg_cfg_linkset *ls = &cfg->linksets[i];
		struct json_object *links;
		int dup;

		o = json_object_array_get_idx(arr, i);
		snprintf(ls->name, sizeof(ls->name), "%s", str_or(o, "name", ""));
		dup = FIND_BY_NAME(cfg->linksets, i, ls->name);
		if (dup >= 0)
			return cfail(err, errlen, "linksets[%u].name: duplicate name '%s' (first at "
				     "linksets[%d])", i, ls->name, dup);
		ls->sp = FIND_BY_NAME(cfg->sps, cfg->num_sps, str_or(o, "sp", ""));
		if (ls->sp < 0)
			return cfail(err, errlen, "linksets[%u].sp: no signalling point named '%s'",
				     i, str_or(o, "sp", ""));
		snprintf(path, sizeof(path), "linksets[%u].adjacent_pc", i);
		rc = get_pc(obj_or_null(o, "adjacent_pc"), cfg->sps[ls->sp].variant, path,
			    &ls->adjacent_pc, err, errlen);
		if (rc < 0)
			return rc;
		if (ls->adjacent_pc == cfg->sps[ls->sp].pc)
			return cfail(err, errlen, "linksets[%u].adjacent_pc: equals the own point "
				     "code of signalling point '%s'", i, cfg->sps[ls->sp].name);
		/* one linkset per adjacent SP (Q.704 §2.3.1): more links go into it */
		for (unsigned int k = 0; k < i; k++)
			if (cfg->linksets[k].sp == ls->sp &&
			    cfg->linksets[k].adjacent_pc == ls->adjacent_pc)
				return cfail(err, errlen, "linksets[%u].adjacent_pc: linkset '%s' "
					     "already goes to this point code (one linkset per "
					     "adjacent signalling point)", i, cfg->linksets[k].name);
		links = obj_or_null(o, "links");
		ls->num_links = json_object_array_length(links);
		ls->links = talloc_zero_array(cfg, struct sg_cfg_link, ls->num_links);
		for (unsigned int j = 0; j < ls->num_links; j++) {
			struct sg_cfg_link *l = &ls->links[j];
			struct json_object *lo = json_object_array_get_idx(links, j);
			const struct sg_cfg_span *span;
			unsigned int max_ts;

			snprintf(l->name, sizeof(l->name), "%s", str_or(lo, "name", ""));
			l->slc = int_or(lo, "slc", 0);
			/* link names are unique in the whole node (the API addresses them
			 * by name); SLCs are unique within their linkset (Q.704 §2.3.4) */
			for (unsigned int pi = 0; pi <= i; pi++) {
				const struct sg_cfg_linkset *pls = &cfg->linksets[pi];
				unsigned int nl = pi == i ? j : pls->num_links;

				for (unsigned int pj = 0; pj < nl; pj++) {
					if (!strcmp(pls->links[pj].name, l->name))
						return cfail(err, errlen, "linksets[%u].links[%u].name: "
							     "duplicate link name '%s' (first at "
							     "linksets[%u].links[%u])", i, j,
							     l->name, pi, pj);
					if (pi == i && pls->links[pj].slc == l->slc)
						return cfail(err, errlen, "linksets[%u].links[%u].slc: "
							     "duplicate SLC %u in linkset '%s' "
							     "(first at links[%u])", i, j, l->slc,
							     ls->name, pj);
				}
			}
			l->span = FIND_BY_NAME(cfg->spans, cfg->num_spans, str_or(lo, "span", ""));
			if (l->span < 0)
				return cfail(err, errlen, "linksets[%u].links[%u].span: no span named "
					     "'%s'", i, j, str_or(lo, "span", ""));
			span = &cfg->spans[l->span];
			max_ts = span->type == SG_SPAN_E1 ? 31 : 24;
			l->timeslot = int_or(lo, "timeslot", 16);
			l->rate_56k = !strcmp(str_or(lo, "rate", "64k"), "56k");
			l->pcr = !strcmp(str_or(lo, "error_correction", "basic"), "pcr");
			snprintf(l->trace, sizeof(l->trace), "%s", str_or(lo, "trace", ""));
			if (l->trace[0]) {
				const char *why = sg_trace_name_check(l->trace);

				if (why)
					return cfail(err, errlen, "linksets[%u].links[%u].trace: "
						     "%s", i, j, why);
				if (!cfg->trace_dir[0])
					return cfail(err, errlen, "linksets[%u].links[%u].trace: "
						     "traces are off (no management.trace_dir)",
						     i, j);
			}
			l->timers = obj_or_null(lo, "timers");
			l->congestion = obj_or_null(lo, "congestion");
			if (l->rate_56k && span->type != SG_SPAN_T1)
				return cfail(err, errlen, "linksets[%u].links[%u].rate: 56k needs a "
					     "T1 span ('%s' is an E1)", i, j, span->name);
			if (l->rate_56k && !l->timeslot)
				return cfail(err, errlen, "linksets[%u].links[%u].rate: 56k is for "
					     "one timeslot, not a whole span", i, j);
			if (!l->timeslot && span->type != SG_SPAN_E1)
				return cfail(err, errlen, "linksets[%u].links[%u].timeslot: 0 (a "
					     "whole-span Annex A link) needs an E1 span", i, j);
			if (l->timeslot > max_ts)
				return cfail(err, errlen, "linksets[%u].links[%u].timeslot: %u is out of "
					     "range 0..%u for %s span '%s'", i, j, l->timeslot,
					     max_ts, span->type == SG_SPAN_E1 ? "E1" : "T1",
					     span->name);
			/* one link per timeslot; timeslot 0 takes the whole span (Annex A) */
			for (unsigned int pi = 0; pi <= i; pi++) {
				const struct sg_cfg_linkset *pls = &cfg->linksets[pi];
				unsigned int nl = pi == i ? j : pls->num_links;

				for (unsigned int pj = 0; pj < nl; pj++) {
					const struct sg_cfg_link *pl = &pls->links[pj];

					if (pl->span == l->span &&
					    (pl->timeslot == l->timeslot || !pl->timeslot ||
					     !l->timeslot))
						return cfail(err, errlen, "linksets[%u].links[%u]."
							     "timeslot: timeslot %u of span '%s' is "
							     "already used by link '%s'", i, j,
							     l->timeslot, span->name, pl->name);
				}
			}
		}
	}
	/* routes */
	arr = obj_or_null(root, "routes");
	cfg->num_routes = arr ? json_object_array_length(arr) : 0;
	cfg->routes = talloc_zero_array(cfg, struct sg_cfg_route, cfg->num_routes ? cfg->num_routes : 1);
	for (unsigned int i = 0; i < cfg->num_routes; i++) {
		struct sg_cfg_route *r = &cfg->routes[i];
		const char *lsname;

		o = json_object_array_get_idx(arr, i);
		lsname = str_or(o, "linkset", "");
		r->linkset = FIND_BY_NAME(cfg->linksets, cfg->num_linksets, lsname);
		if (r->linkset < 0)
			return cfail(err, errlen, "routes[%u].linkset: no linkset named '%s'", i,
				     lsname);
		snprintf(path, sizeof(path), "routes[%u].dpc", i);
		rc = get_pc(obj_or_null(o, "dpc"), cfg->sps[cfg->linksets[r->linkset].sp].variant,
			    path, &r->dpc, err, errlen);
		if (rc < 0)
			return rc;
		r->priority = int_or(o, "priority", 1);
		for (unsigned int k = 0; k < i; k++)
			if (cfg->routes[k].dpc == r->dpc && cfg->routes[k].linkset == r->linkset)
				return cfail(err, errlen, "routes[%u]: duplicate route to %s over "
					     "linkset '%s' (first at routes[%u])", i,
					     json_object_get_string(obj_or_null(o, "dpc")), lsname, k);
	}
	return extract_sigtran(cfg, err, errlen);
}

static void line_col(const char *text, size_t off, unsigned int *line, unsigned int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/*
 * Duplicate keys. json-c keeps the last of two equal keys in an object without a word, so
 * "name" given twice silently loses the first one. The text, already parsed in strict mode
 * (so well-formed), is walked once more: each key is decoded by json-c itself (so "n\u0061me"
 * equals "name") and looked up in a per-object set. Keys with a control character are
 * refused here too, before they could appear in a path.
 */
struct key_scan {
	const char *t;
	size_t len, pos;
	struct json_tokener *tok;
	const char *name;
	char *err;
	size_t errlen;
};

static void ks_ws(struct key_scan *k)
{
	while (k->pos < k->len && strchr(" \t\n\r", k->t[k->pos]) && k->t[k->pos])
		k->pos++;
}

/* k->pos at the opening quote: past the closing one */
static void ks_skip_string(struct key_scan *k)
{
	for (k->pos++; k->pos < k->len && k->t[k->pos] != '"'; k->pos++)
		if (k->t[k->pos] == '\\')
			k->pos++;
	k->pos++;
}

static int ks_value(struct key_scan *k, const char *path, unsigned int depth);

static int ks_object(struct key_scan *k, const char *path, unsigned int depth)
{
	struct json_object *seen = json_object_new_object();
	char sub[256];
	int rc = 0;

	if (!seen)
		return cfail(k->err, k->errlen, "%s: out of memory", k->name);
	k->pos++;
	for (;;) {
		struct json_object *ko;
		const char *key;
		size_t start, klen;
		unsigned int line, col;

		ks_ws(k);
		if (k->pos >= k->len || k->t[k->pos] != '"')
			break;	/* '}' of an empty object */
		start = k->pos;
		ks_skip_string(k);
		json_tokener_reset(k->tok);
		ko = json_tokener_parse_ex(k->tok, k->t + start, k->pos - start);
		if (!ko)
			break;	/* cannot happen after the strict parse */
		key = json_object_get_string(ko);
		klen = json_object_get_string_len(ko);
		for (size_t i = 0; i < klen; i++) {
			if ((unsigned char)key[i] < 0x20 || key[i] == 0x7f) {
				rc = cfail(k->err, k->errlen, "%s: a key contains a control "
					   "character (0x%02x at offset %zu)",
					   path[0] ? path : "(top level)", (unsigned char)key[i],
					   i);
				json_object_put(ko);
				goto out;
			}
		}
		if (json_object_object_get_ex(seen, key, NULL)) {
			line_col(k->t, start, &line, &col);
			rc = cfail(k->err, k->errlen, "%s: duplicate key '%s' (again at %s:%u:%u)",
				   path[0] ? path : "(top level)", key, k->name, line, col);
			json_object_put(ko);
			goto out;
		}
		json_object_object_add(seen, key, NULL);
		sub_path(sub, sizeof(sub), path, key);
		json_object_put(ko);
		ks_ws(k);
		if (k->pos < k->len && k->t[k->pos] == ':')
			k->pos++;
		rc = ks_value(k, sub, depth + 1);
		if (rc < 0)
			goto out;
		ks_ws(k);
		if (k->pos >= k->len || k->t[k->pos] != ',')
			break;
		k->pos++;
	}
	k->pos++;	/* '}' */
out:
	json_object_put(seen);
	return rc;
}

static int ks_value(struct key_scan *k, const char *path, unsigned int depth)
{
	char sub[256];
	int rc;

	ks_ws(k);
	if (k->pos >= k->len || depth > 64)
		return 0;
	switch (k->t[k->pos]) {
	case '{':
		return ks_object(k, path, depth);
	case '[':
		k->pos++;
		for (unsigned int i = 0;; i++) {
			ks_ws(k);
			if (k->pos >= k->len || k->t[k->pos] == ']')
				break;
			snprintf(sub, sizeof(sub), "%s[%u]", path, i);
			rc = ks_value(k, sub, depth + 1);
			if (rc < 0)
				return rc;
			ks_ws(k);
			if (k->pos >= k->len || k->t[k->pos] != ',')
				break;
			k->pos++;
		}
		k->pos++;	/* ']' */
		return 0;
	case '"':
		ks_skip_string(k);
		return 0;
	default:	/* number, true, false, null */
		while (k->pos < k->len && !strchr(",]} \t\n\r", k->t[k->pos]))
			k->pos++;
		return 0;
	}
}

static int check_keys(const char *json, size_t len, const char *name, char *err, size_t errlen)
{
	struct key_scan k = { .t = json, .len = len, .name = name, .err = err, .errlen = errlen };
	int rc;

	k.tok = json_tokener_new();
	if (!k.tok)
		return cfail(err, errlen, "%s: out of memory", name);
	rc = ks_value(&k, "", 0);
	json_tokener_free(k.tok);
	return rc;
}

struct sg_config *sg_config_parse(void *ctx, const char *json, const char *name, char *err,
				  size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct sg_config *cfg;
	enum json_tokener_error jerr;
	struct json_object *root;
	size_t len = strlen(json);
	unsigned int line, col;

	if (!tok) {
		cfail(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	/* strict: no trailing commas, no single quotes, no unescaped control
	 * characters in strings: what other JSON tools reject, we reject */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, json, len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		line_col(json, json_tokener_get_parse_end(tok), &line, &col);
		cfail(err, errlen, "%s:%u:%u: JSON syntax error: %s", name, line, col,
		      jerr == json_tokener_continue ? "unexpected end of file"
						    : json_tokener_error_desc(jerr));
		json_object_put(root);
		json_tokener_free(tok);
		return NULL;
	}
	/* nothing but white space may follow the document */
	for (size_t off = json_tokener_get_parse_end(tok); off < len; off++) {
		if (json[off] != ' ' && json[off] != '\t' && json[off] != '\n' &&
		    json[off] != '\r') {
			line_col(json, off, &line, &col);
			cfail(err, errlen, "%s:%u:%u: JSON syntax error: text after the document",
			      name, line, col);
			json_object_put(root);
			json_tokener_free(tok);
			return NULL;
		}
	}
	json_tokener_free(tok);

	/* a span's driver section is checked against what its driver registered: the built-in
	 * drivers are always known (a program may register more before) */
	sg_adapter_register_builtin();
	if (check_keys(json, len, name, err, errlen) < 0 ||
	    sg_schema_validate(&sg_config_schema, root, "", err, errlen) < 0) {
		json_object_put(root);
		return NULL;
	}
	cfg = talloc_zero(ctx, struct sg_config);
	if (!cfg) {
		json_object_put(root);
		cfail(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	cfg->root = root;
	cfg->path = talloc_strdup(cfg, name);
	if (extract(cfg, err, errlen) < 0) {
		sg_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* What a path that is not a regular file is, for the error message */
static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return "not a file";
}

/* Only a regular file is read: the file is opened without blocking (a FIFO without a
 * writer would hang the loader in open() or read()), then fstat()ed, so that what is
 * checked is what is read. */
struct sg_config *sg_config_load(void *ctx, const char *path, char *err, size_t errlen)
{
	struct sg_config *cfg;
	struct stat st;
	char *buf;
	size_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cfail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		cfail(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		cfail(err, errlen, "%s: not a regular file (%s)", path, file_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	if (st.st_size > MAX_CONFIG_SIZE) {
		cfail(err, errlen, "%s: file is larger than %d bytes", path, MAX_CONFIG_SIZE);
		close(fd);
		return NULL;
	}
	/* one octet more than allowed: a file that grew since fstat() is caught too */
	buf = malloc(MAX_CONFIG_SIZE + 2);
	if (!buf) {
		cfail(err, errlen, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (n <= MAX_CONFIG_SIZE) {
		ssize_t r = read(fd, buf + n, MAX_CONFIG_SIZE + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cfail(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (!r)
			break;
		n += r;
	}
	close(fd);
	if (n > MAX_CONFIG_SIZE) {
		cfail(err, errlen, "%s: file is larger than %d bytes", path, MAX_CONFIG_SIZE);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		cfail(err, errlen, "%s: file contains a NUL byte", path);
		free(buf);
		return NULL;
	}
	cfg = sg_config_parse(ctx, buf, path, err, errlen);
	free(buf);
	return cfg;
}

void sg_config_free(struct sg_config *cfg)
{
	if (!cfg)
		return;
	json_object_put(cfg->root);
	talloc_free(cfg);
}

void sg_config_mgmt_params(const struct sg_config *cfg, struct sg_mgmt_params *p)
{
	*p = (struct sg_mgmt_params){
		.listen = cfg->mgmt_listen,
		.port = cfg->mgmt_port,
		.token = cfg->mgmt_token,
		.loopback = cfg->mgmt_loopback,
		.node_name = cfg->node_name,
		.max_conns = cfg->mgmt_max_conns,
		.max_conns_per_addr = cfg->mgmt_max_conns_per_addr,
		.header_timeout_ms = cfg->mgmt_header_timeout_ms,
		.request_timeout_ms = cfg->mgmt_request_timeout_ms,
		.config = cfg->root,
		.config_path = cfg->path,
	};
}
