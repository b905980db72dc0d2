/* Configuration checks that belong to the layers: the MTP2, MTP3 and xUA timers by the
 * layers' own timer tables (include/sg/tdef.h), MTP2 congestion thresholds.  In libsgd (not
 * with check.c in libsgtdm.a) because it takes the xUA timer table from the M3UA library. */

#include <stdio.h>
#include <string.h>

#include <sg/config.h>
#include <sg/m3ua_sg.h>
#include <sg/mtp2.h>
#include <sg/mtp3_core.h>
#include <sg/tdef.h>

#include "daemon.h"
#include "tdm/tdm.h"

/* one xUA timer value at path.NAME: the table's range; a BEAT interval is 0 (off) or at
 * least SG_XUA_BEAT_MIN_MS */
static int check_xua_timer(enum sg_xua_timer t, uint32_t ms, const char *path, char *err,
			   size_t errlen)
{
	const struct sg_tdef *d = &sg_xua_timer_defs[t];

	if (sg_xua_timer_valid(t, ms))
		return 0;
	if (t == SG_XUA_T_BEAT) {
		snprintf(err, errlen, "%s.%s: %u is out of range (0 for no BEAT, or %u..%u)", path,
			 d->name, ms, SG_XUA_BEAT_MIN_MS, d->max_val);
		return -1;
	}
	return sg_tdef_check_value(d, ms, path, err, errlen);
}

/* m3ua.timers and each AS's own T(r) (0 there: m3ua.timers.recovery_ms) */
static int check_xua_timers(const struct sg_config *cfg, char *err, size_t errlen)
{
	const struct sg_cfg_m3ua *mc = &cfg->m3ua;
	char path[64];

	if (!mc->enabled)
		return 0;
	if (check_xua_timer(SG_XUA_T_R, mc->recovery_ms, "m3ua.timers", err, errlen) < 0 ||
	    check_xua_timer(SG_XUA_T_ACK, mc->ack_ms, "m3ua.timers", err, errlen) < 0 ||
	    check_xua_timer(SG_XUA_T_BEAT, mc->beat_ms, "m3ua.timers", err, errlen) < 0)
		return -1;
	for (unsigned int i = 0; i < mc->num_as; i++) {
		if (!mc->as[i].recovery_ms)
			continue;
		snprintf(path, sizeof(path), "m3ua.as[%u]", i);
		if (check_xua_timer(SG_XUA_T_R, mc->as[i].recovery_ms, path, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int sg_daemon_check_config(const struct sg_config *cfg, char *err, size_t errlen)
{
	char path[96];

	for (unsigned int i = 0; i < cfg->num_sps; i++) {
		snprintf(path, sizeof(path), "signalling_points[%u].timers", i);
		if (sg_tdef_check(sg_mtp3_timer_defs, _SG_MTP3_T_MAX, "MTP3", cfg->sps[i].timers,
				  path, err, errlen) < 0)
			return -1;
	}
	for (unsigned int i = 0; i < cfg->num_linksets; i++)
		for (unsigned int j = 0; j < cfg->linksets[i].num_links; j++) {
			snprintf(path, sizeof(path), "linksets[%u].links[%u].timers", i, j);
			if (sg_tdef_check(sg_mtp2_timer_defs, _SG_MTP2_T_MAX, "MTP2",
					  cfg->linksets[i].links[j].timers, path, err, errlen) < 0)
				return -1;
			struct sg_mtp2_cfg m2;

			if (sg_tdm_link_mtp2_cfg(cfg, i, j, &m2, err, errlen) < 0)
				return -1;
		}
	return check_xua_timers(cfg, err, errlen);
}
