/* Configuration checks that belong to the layers: MTP2 and MTP3 timer names and ranges, MTP2
 * congestion thresholds. */

#include <stdio.h>
#include <string.h>

#include <sg/config.h>
#include <sg/mgmt.h>
#include <sg/mtp2.h>
#include <sg/mtp3_core.h>

#include "daemon.h"
#include "tdm.h"

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
