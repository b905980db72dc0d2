/* MTP service primitives to MTP users (Q.701 §8, Q.704 §2.2): TRANSFER, PAUSE, RESUME, STATUS. */
#pragma once

#include <stdint.h>
#include <sg/msg.h>

enum sg_mtp_prim {
	SG_MTP_TRANSFER,	/* req/ind: user data; routing label in param, user part at l4h */
	SG_MTP_PAUSE,		/* ind: affected DPC inaccessible */
	SG_MTP_RESUME,		/* ind: affected DPC accessible */
	SG_MTP_STATUS,		/* ind: congestion or user part unavailable */
};
extern const struct value_string sg_mtp_prim_names[];

enum sg_mtp_status_cause {
	SG_MTP_STATUS_CONGESTION,	/* param: cong_level */
	SG_MTP_STATUS_UPU_UNKNOWN,	/* user part unavailable: unknown */
	SG_MTP_STATUS_UPU_UNEQUIPPED,	/* unequipped remote user */
	SG_MTP_STATUS_UPU_INACCESSIBLE,	/* inaccessible remote user */
	SG_MTP_STATUS_RESTRICTED,	/* (extension) the DPC is reachable over restricted routes
					 * only (TFR, Q.704 §13.4); undone by a repeated RESUME */
};

/* Network indicator values (SIO bits D-C) */
enum sg_mtp_ni {
	SG_NI_INTERNATIONAL = 0,
	SG_NI_INTERNATIONAL_SPARE = 1,
	SG_NI_NATIONAL = 2,
	SG_NI_NATIONAL_SPARE = 3,
};

struct sg_mtp_param {
	uint32_t opc;		/* TRANSFER */
	uint32_t dpc;		/* TRANSFER; PAUSE/RESUME/STATUS: affected DPC */
	uint8_t sls;
	uint8_t si;		/* service indicator; STATUS UPU: affected user part */
	uint8_t ni;		/* enum sg_mtp_ni */
	uint8_t prio;		/* national option: message priority 0..3 */
	uint8_t cause;		/* STATUS: enum sg_mtp_status_cause */
	uint8_t cong_level;	/* STATUS congestion: 0..3 */
};
