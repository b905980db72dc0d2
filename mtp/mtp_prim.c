/* Names of the MTP service primitives (MTP2<->MTP3 per Q.703/Q.704, MTP<->users per Q.701). */

#include <string.h>
#include <osmocom/core/utils.h>

#include <sg/l2_sap.h>
#include <sg/mtp_sap.h>

const struct value_string sg_mtp2_prim_names[] = {
	{ SG_MTP2_START, "START" },
	{ SG_MTP2_STOP, "STOP" },
	{ SG_MTP2_EMERGENCY, "EMERGENCY" },
	{ SG_MTP2_EMERGENCY_CEASES, "EMERGENCY-CEASES" },
	{ SG_MTP2_LPO, "LOCAL-PROCESSOR-OUTAGE" },
	{ SG_MTP2_LPR, "LOCAL-PROCESSOR-RECOVERED" },
	{ SG_MTP2_FLUSH_BUFFERS, "FLUSH-BUFFERS" },
	{ SG_MTP2_CONTINUE, "CONTINUE" },
	{ SG_MTP2_RETRIEVE_BSNT, "RETRIEVE-BSNT" },
	{ SG_MTP2_RETRIEVAL_REQ, "RETRIEVAL-REQUEST-AND-FSNC" },
	{ SG_MTP2_RETRIEVAL_COMPLETE, "RETRIEVAL-COMPLETE" },
	{ SG_MTP2_RETRIEVAL_NOT_POSSIBLE, "RETRIEVAL-NOT-POSSIBLE" },
	{ SG_MTP2_BSNT_NOT_RETRIEVABLE, "BSNT-NOT-RETRIEVABLE" },
	{ SG_MTP2_CLEAR_RTB, "CLEAR-RTB" },
	{ SG_MTP2_DATA, "DATA" },
	{ SG_MTP2_IN_SERVICE, "IN-SERVICE" },
	{ SG_MTP2_OUT_OF_SERVICE, "OUT-OF-SERVICE" },
	{ SG_MTP2_RPO, "REMOTE-PROCESSOR-OUTAGE" },
	{ SG_MTP2_RPR, "REMOTE-PROCESSOR-RECOVERED" },
	{ SG_MTP2_CONGESTION, "CONGESTION" },
	{ 0, NULL }
};

const struct value_string sg_mtp2_oos_reason_names[] = {
	{ SG_MTP2_OOS_STOP, "stopped by MTP3" },
	{ SG_MTP2_OOS_ALIGN_FAIL, "alignment failure" },
	{ SG_MTP2_OOS_T1, "T1 expired" },
	{ SG_MTP2_OOS_SUERM, "SUERM threshold" },
	{ SG_MTP2_OOS_EIM, "EIM threshold" },
	{ SG_MTP2_OOS_T6, "T6 expired" },
	{ SG_MTP2_OOS_T7, "T7 expired" },
	{ SG_MTP2_OOS_ABNORMAL_BSN, "abnormal BSN" },
	{ SG_MTP2_OOS_ABNORMAL_FIB, "abnormal FIB" },
	{ SG_MTP2_OOS_SIOS, "SIOS received" },
	{ SG_MTP2_OOS_SIO_SIN_SIE, "SIO/SIN/SIE received in service" },
	{ SG_MTP2_OOS_LINK_FAIL, "link failure" },
	{ 0, NULL }
};

const struct value_string sg_mtp2_oos_reason_codes[] = {
	{ SG_MTP2_OOS_STOP, "stop" },
	{ SG_MTP2_OOS_ALIGN_FAIL, "alignment" },
	{ SG_MTP2_OOS_T1, "t1" },
	{ SG_MTP2_OOS_SUERM, "suerm" },
	{ SG_MTP2_OOS_EIM, "eim" },
	{ SG_MTP2_OOS_T6, "t6" },
	{ SG_MTP2_OOS_T7, "t7" },
	{ SG_MTP2_OOS_ABNORMAL_BSN, "abnormal-bsn" },
	{ SG_MTP2_OOS_ABNORMAL_FIB, "abnormal-fib" },
	{ SG_MTP2_OOS_SIOS, "remote-sios" },
	{ SG_MTP2_OOS_SIO_SIN_SIE, "remote-sio" },
	{ SG_MTP2_OOS_LINK_FAIL, "alarm" },
	{ 0, NULL }
};

const struct value_string sg_mtp_prim_names[] = {
	{ SG_MTP_TRANSFER, "MTP-TRANSFER" },
	{ SG_MTP_PAUSE, "MTP-PAUSE" },
	{ SG_MTP_RESUME, "MTP-RESUME" },
	{ SG_MTP_STATUS, "MTP-STATUS" },
	{ 0, NULL }
};

struct msgb *sg_mtp2_prim_wrap(enum sg_mtp2_prim prim, enum osmo_prim_operation op,
			       const struct sg_mtp2_param *param, uint16_t link_id,
			       struct msgb *msg)
{
	const uint8_t *data = NULL;
	struct sg_mtp2_param *pp;
	struct msgb *pm;
	size_t len = 0;

	if (msg) {
		data = msgb_l3(msg) ? msgb_l3(msg) : msg->data;
		len = msg->tail - data;
	}
	pm = sg_prim_alloc(SG_SAP_MTP2, prim, op, sizeof(*pp), len, "mtp2-prim");
	if (pm) {
		pp = sg_prim_param(pm);
		if (param)
			*pp = *param;
		pp->link_id = link_id;
		if (msg) {
			pm->l3h = msgb_put(pm, len);
			memcpy(pm->l3h, data, len);
		}
	}
	msgb_free(msg);
	return pm;
}
