/* The xUA core's timer table (include/sg/m3ua_sg.h): names, defaults and ranges of T(r),
 * T(ack) and the BEAT interval, for the layer and for sgd's configuration check.  A file of
 * its own so that the check links it without the layer. */

#include <stdbool.h>
#include <stdint.h>

#include <sg/m3ua_sg.h>
#include <sg/tdef.h>

/* §4.3.4: the ranges are ours (the RFCs give none); T(r) up to a minute, BEAT up to 5 min */
const struct sg_tdef sg_xua_timer_defs[_SG_XUA_T_MAX] = {
	[SG_XUA_T_R] = { "recovery_ms", "T(r): AS-PENDING recovery, traffic held meanwhile",
			 2000, 10, 60000 },
	[SG_XUA_T_ACK] = { "ack_ms", "T(ack): an unanswered ASPSM/ASPTM/REG request is resent",
			   2000, 100, 60000 },
	[SG_XUA_T_BEAT] = { "beat_ms", "BEAT interval (0: no BEAT)", 0, 0, 300000 },
};

bool sg_xua_timer_valid(enum sg_xua_timer t, uint32_t ms)
{
	if (t >= _SG_XUA_T_MAX || !sg_tdef_in_range(&sg_xua_timer_defs[t], ms))
		return false;
	return t != SG_XUA_T_BEAT || !ms || ms >= SG_XUA_BEAT_MIN_MS;
}
