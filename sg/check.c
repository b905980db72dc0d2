/* Configuration checks that belong to the layers: MTP2 and MTP3 timer names and ranges, MTP2
 * congestion thresholds. */

#include <stdio.h>
#include <string.h>

#include <sg/config.h>
#include <sg/mgmt.h>
#include <sg/mtp2.h>
#include <sg/mtp3_core.h>

#include "daemon.h"
#include "tdm/tdm.h"

int sg_tdm_link_mtp2_cfg(const struct sg_config *cfg, unsigned int i, unsigned int j,
			 struct sg_mtp2_cfg *out, char *err, size_t errlen)
{
	const struct sg_cfg_sp *sp = &cfg->sps[cfg->linksets[i].sp];
	struct json_object *c = cfg->linksets[i].links[j].congestion, *v;
	const char *why;

	sg_mtp2_cfg_defaults(out);
	out->cong_levels = sp->cong_prio || sp->variant == SG_PC_ANSI ? 3 : 1;
	if (c && json_object_object_get_ex(c, "onset", &v))
		for (size_t k = 0; k < json_object_array_length(v) && k < 3; k++)
			out->cong_onset[k] = json_object_get_int(json_object_array_get_idx(v, k));
	if (c && json_object_object_get_ex(c, "abatement", &v))
		for (size_t k = 0; k < json_object_array_length(v) && k < 3; k++)
			out->cong_abate[k] = json_object_get_int(json_object_array_get_idx(v, k));
	if (c && json_object_object_get_ex(c, "discard", &v))
		out->cong_discard = json_object_get_int(v);
	if (sg_mtp2_cfg_check(out, &why) < 0) {
		snprintf(err, errlen, "linksets[%u].links[%u].congestion: %s (levels in use: %u; "
			 "onset %u/%u/%u, abatement %u/%u/%u, discard %u)", i, j, why,
			 out->cong_levels, out->cong_onset[0], out->cong_onset[1],
			 out->cong_onset[2], out->cong_abate[0], out->cong_abate[1],
			 out->cong_abate[2], out->cong_discard);
		return -1;
	}
	return 0;
}

/* Each timer of obj must be in the table with a value in its range. */
static int check_timers(struct json_object *obj, const char *path, const char *layer,
			unsigned int n, const char *(*name)(unsigned int),
			uint32_t (*min)(unsigned int), uint32_t (*max)(unsigned int),
			char *err, size_t errlen)
{
	if (!obj)
		return 0;
	json_object_object_foreach(obj, key, val) {
		unsigned int t;
		int64_t ms = json_object_get_int64(val);

		for (t = 0; t < n; t++)
			if (!strcmp(name(t), key))
				break;
		if (t == n) {
			char names[256] = "";
			size_t len = 0;

			for (unsigned int i = 0; i < n && len < sizeof(names); i++)
				len += snprintf(names + len, sizeof(names) - len, "%s%s",
						i ? ", " : "", name(i));
			snprintf(err, errlen, "%s.%s: no such %s timer (%s)", path, key, layer,
				 names);
			return -1;
		}
		if (ms < min(t) || ms > max(t)) {
			snprintf(err, errlen, "%s.%s: %lld is out of range %u..%u (ms)", path, key,
				 (long long)ms, min(t), max(t));
			return -1;
		}
	}
	return 0;
}

static const char *m2_name(unsigned int t) { return sg_mtp2_timer_defs[t].name; }
static uint32_t m2_min(unsigned int t) { return sg_mtp2_timer_defs[t].min_ms; }
static uint32_t m2_max(unsigned int t) { return sg_mtp2_timer_defs[t].max_ms; }
static const char *m3_name(unsigned int t) { return sg_mtp3_timer_defs[t].name; }
static uint32_t m3_min(unsigned int t) { return sg_mtp3_timer_defs[t].min_ms; }
static uint32_t m3_max(unsigned int t) { return sg_mtp3_timer_defs[t].max_ms; }

int sg_daemon_check_config(const struct sg_config *cfg, char *err, size_t errlen)
{
	char path[96];

	for (unsigned int i = 0; i < cfg->num_sps; i++) {
		snprintf(path, sizeof(path), "signalling_points[%u].timers", i);
		if (check_timers(cfg->sps[i].timers, path, "MTP3", _SG_MTP3_T_MAX, m3_name, m3_min,
				 m3_max, err, errlen) < 0)
			return -1;
	}
	for (unsigned int i = 0; i < cfg->num_linksets; i++)
		for (unsigned int j = 0; j < cfg->linksets[i].num_links; j++) {
			snprintf(path, sizeof(path), "linksets[%u].links[%u].timers", i, j);
			if (check_timers(cfg->linksets[i].links[j].timers, path, "MTP2",
					 _SG_MTP2_T_MAX, m2_name, m2_min, m2_max, err, errlen) < 0)
				return -1;
			struct sg_mtp2_cfg m2;

			if (sg_tdm_link_mtp2_cfg(cfg, i, j, &m2, err, errlen) < 0)
				return -1;
		}
	return 0;
}
