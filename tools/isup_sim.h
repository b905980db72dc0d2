/* ISUP call control messages for the simulators (ITU Q.763, ANSI T1.113): encoder and checked
 * decoder of IAM, ACM, CON, ANM, REL, RLC and the header of any other message. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <osmocom/core/utils.h>

enum isup_variant {
	ISUP_ITU,	/* Q.763: 12-bit CIC */
	ISUP_ANSI,	/* T1.113: 14-bit CIC, USI mandatory in the IAM */
};

/* Message type codes (Q.763 Table 4) */
enum isup_msg_type {
	ISUP_IAM = 0x01,
	ISUP_SAM = 0x02,
	ISUP_COT = 0x05,
	ISUP_ACM = 0x06,
	ISUP_CON = 0x07,
	ISUP_ANM = 0x09,
	ISUP_REL = 0x0c,
	ISUP_SUS = 0x0d,
	ISUP_RES = 0x0e,
	ISUP_RLC = 0x10,
	ISUP_CCR = 0x11,
	ISUP_RSC = 0x12,
	ISUP_BLO = 0x13,
	ISUP_UBL = 0x14,
	ISUP_BLA = 0x15,
	ISUP_UBA = 0x16,
	ISUP_GRS = 0x17,
	ISUP_CGB = 0x18,
	ISUP_CGU = 0x19,
	ISUP_GRA = 0x29,
	ISUP_CPG = 0x2c,
	ISUP_CFN = 0x2f,
};
extern const struct value_string isup_msg_names[];

/* Parameter codes (Q.763 Table 5) used here */
enum isup_param {
	ISUP_P_END = 0x00,
	ISUP_P_CALLED = 0x04,
	ISUP_P_CALLING = 0x0a,
	ISUP_P_CAUSE = 0x12,
	ISUP_P_USI = 0x1d,
};

/* Cause values (Q.850) used by the simulators */
enum {
	ISUP_CAUSE_NORMAL = 16,		/* normal call clearing */
	ISUP_CAUSE_REJECTED = 21,	/* call rejected */
	ISUP_CAUSE_TIMER = 102,		/* recovery on timer expiry */
};

#define ISUP_MAX_DIGITS 32

/* One message, decoded or to encode.  Only the fields of its type matter. */
struct isup_msg {
	uint16_t cic;
	uint8_t type;
	/* IAM: address signals as hex characters, one per BCD nibble (Q.763 §3.9): '0'-'9',
	 * 'B' = code 11, 'C' = code 12, 'F' = ST */
	char called[ISUP_MAX_DIGITS + 1];
	char calling[ISUP_MAX_DIGITS + 1];	/* optional; empty: absent */
	/* REL (mandatory), RLC (optional) */
	bool has_cause;
	uint8_t cause;				/* Q.850 cause value, 7 bits */
	uint8_t location;			/* Q.850 location, 4 bits */
};

/* Largest CIC of the variant: 4095 (ITU) or 16383 (ANSI). */
unsigned int isup_max_cic(enum isup_variant v);

/* Encode m into buf (the user part after the routing label): CIC, type, parameters.  Returns the
 * length, -ENOSPC when buf is too small, -EINVAL for an unsupported type or bad field. */
int isup_encode(uint8_t *buf, size_t len, enum isup_variant v, const struct isup_msg *m);

/* Decode buf (CIC onwards).  Every type yields cic and type; IAM, ACM, CON, ANM, REL and RLC
 * are checked in full (fixed part present, pointers and lengths inside the message, optional
 * part well formed, called party number present for IAM, cause for REL).  Returns 0, or
 * -EBADMSG with *why set (static text) for a malformed message. */
int isup_decode(const uint8_t *buf, size_t len, enum isup_variant v, struct isup_msg *m,
		const char **why);
