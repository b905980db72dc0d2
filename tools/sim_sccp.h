/* SCCP unitdata (UDT, Q.713 §4.10) for the simulators: build a class 0 UDT routed on DPC + SSN,
 * decode any UDT with its addresses checked, and build the echo (addresses swapped). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCCP_MSG_UDT	0x09
#define SCCP_MAX_ADDR	32

enum sccp_addr_fmt {
	SCCP_ADDR_ITU,		/* Q.713 §3.4: AI bit 1 PC, bit 2 SSN; PC before SSN */
	SCCP_ADDR_ANSI,		/* T1.112 §3.4: AI bit 1 SSN, bit 2 PC; SSN before PC */
};

/* A decoded address: the raw parameter value and what could be read of it. */
struct sccp_addr {
	uint8_t raw[SCCP_MAX_ADDR];
	uint8_t len;
	bool has_pc, has_ssn, route_on_ssn;
	uint8_t gti;
	uint32_t pc;
	uint8_t ssn;
};

struct sccp_udt {
	uint8_t pclass;		/* protocol class octet (class in bits 1-4, return option bit 8) */
	struct sccp_addr called, calling;
	const uint8_t *data;	/* points into the decoded buffer */
	uint8_t data_len;
};

/* Encode a class 0 UDT (no return on error) from calling (ssn, pc) to called (ssn, pc), both
 * routed on DPC+SSN; pc_bits is 14 (ITU), 16 (TTC) or 24 (ANSI, China): 2 or 3 octets.
 * Returns the length, -ENOSPC or -EINVAL. */
int sccp_udt_encode(uint8_t *buf, size_t len, enum sccp_addr_fmt fmt, unsigned int pc_bits,
		    uint32_t called_pc, uint8_t called_ssn, uint32_t calling_pc,
		    uint8_t calling_ssn, const uint8_t *data, size_t data_len);

/* Decode a UDT: pointers, lengths and both addresses checked.  Returns 0, -ENOTSUP for
 * another message type, -EBADMSG with *why set when malformed. */
int sccp_udt_decode(const uint8_t *buf, size_t len, enum sccp_addr_fmt fmt,
		    unsigned int pc_bits, struct sccp_udt *u, const char **why);

/* The echo of u: a UDT with u's calling address as called and called as calling (raw, so
 * global titles come back as they were), the same class and data.  Returns the length or
 * -ENOSPC. */
int sccp_udt_echo(uint8_t *buf, size_t len, const struct sccp_udt *u);
