/* The MTP2 parameters of a configured link (congestion thresholds checked by MTP2), which the
 * TDM threads and the configuration check (check_config.c) use. */

#include <stdio.h>
#include <string.h>

#include <sg/config.h>
#include <sg/mgmt.h>
#include <sg/mtp2.h>
#include <sg/mtp3_core.h>
#include <sg/tdef.h>

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
