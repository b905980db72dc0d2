/* Names of the SCCP connectionless service primitives (Q.711 §2). */

#include <osmocom/core/utils.h>

#include <sg/sccp_sap.h>

const struct value_string sg_sccp_prim_names[] = {
	{ SG_N_UNITDATA, "N-UNITDATA" },
	{ SG_N_NOTICE, "N-NOTICE" },
	{ SG_N_STATE, "N-STATE" },
	{ SG_N_PCSTATE, "N-PCSTATE" },
	{ 0, NULL }
};
