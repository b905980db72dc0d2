/* SCCP connectionless service primitives (Q.711 §2, Q.714 §4): N-UNITDATA, N-NOTICE, N-STATE, N-PCSTATE. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sg/msg.h>

enum sg_sccp_prim {
	SG_N_UNITDATA,		/* req/ind: connectionless data, user data at l4h */
	SG_N_NOTICE,		/* ind: data could not be delivered (param: return cause) */
	SG_N_STATE,		/* req/ind: subsystem in/out of service */
	SG_N_PCSTATE,		/* ind: signalling point accessibility */
};
extern const struct value_string sg_sccp_prim_names[];

/* SCCP party address (Q.713 §3.4) in decoded form. */
struct sg_sccp_addr {
	uint8_t presence;	/* SG_SCCP_ADDR_* bits */
	uint8_t ri;		/* routing indicator: 0 route on GT, 1 route on SSN */
	uint32_t pc;
	uint8_t ssn;
	uint8_t gti;		/* global title indicator */
	uint8_t tt;		/* translation type */
	uint8_t np;		/* numbering plan */
	uint8_t es;		/* encoding scheme */
	uint8_t nai;		/* nature of address indicator */
	char digits[33];	/* NUL-terminated BCD digits */
};
#define SG_SCCP_ADDR_PC  (1 << 0)
#define SG_SCCP_ADDR_SSN (1 << 1)
#define SG_SCCP_ADDR_GT  (1 << 2)

enum sg_sccp_state {
	SG_SCCP_USER_IN_SERVICE,
	SG_SCCP_USER_OUT_OF_SERVICE,
	SG_SCCP_SIGNALLING_POINT_ACCESSIBLE,
	SG_SCCP_SIGNALLING_POINT_INACCESSIBLE,
	SG_SCCP_SIGNALLING_POINT_CONGESTED,
};

struct sg_sccp_param {
	struct sg_sccp_addr called;
	struct sg_sccp_addr calling;
	uint8_t protocol_class;		/* 0 or 1 */
	bool return_option;
	uint8_t sequence_control;	/* SLS for class 1 */
	uint8_t importance;
	uint8_t return_cause;		/* N-NOTICE */
	uint32_t affected_pc;		/* N-STATE / N-PCSTATE */
	uint8_t affected_ssn;		/* N-STATE */
	uint8_t state;			/* enum sg_sccp_state */
};
