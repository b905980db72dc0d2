/* Message buffers and primitives that cross layers and threads. */
#pragma once

#include <stdint.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/prim.h>

/*
 * Buffers: every signalling message travels in a libosmocore msgb.  The
 * per-layer header pointers are used consistently:
 *   l1h  start of the HDLC frame / TDM payload (adapter)
 *   l2h  start of the MTP2 signal unit (BSN octet)
 *   l3h  start of the MTP3 SIO octet (MSU) or M3UA/SUA common header
 *   l4h  start of the user part (SCCP, ISUP, ...) after the routing label
 *
 * Primitives: a msgb whose data starts with a struct osmo_prim_hdr (SAP,
 * primitive, operation), followed by the primitive's parameter struct; the
 * user data (if any) follows in the same msgb with l2h..l4h set.
 *
 * Threads and talloc: talloc is not thread safe, so a buffer that may cross
 * threads must not hang off a talloc tree that another thread touches.
 * sg_msgb_alloc() allocates it as a top-level talloc chunk (no parent):
 * whoever owns it may free it on any thread.  Ownership rules are stated at
 * every entry point: "the callee takes ownership" means the caller must not
 * touch the msgb after the call, whatever the return value.
 */

#define SG_MSGB_HEADROOM 128

/* A top-level msgb (no talloc parent), safe to hand to another thread. */
struct msgb *sg_msgb_alloc(uint16_t size, const char *name);

/* SAP identifiers used in osmo_prim_hdr.sap */
enum sg_sap {
	SG_SAP_CALL = 1,	/* run a function on the owner thread (sg_thread_call) */
	SG_SAP_ADAPTER,		/* adapter <-> MTP2 (l2_sap.h) */
	SG_SAP_MTP2,		/* MTP2 <-> MTP3 (l2_sap.h) */
	SG_SAP_MTP,		/* MTP3 <-> MTP users (mtp_sap.h) */
	SG_SAP_SCCP,		/* SCCP <-> SCCP users (sccp_sap.h) */
	SG_SAP_MGMT,		/* management requests and replies (mgmt.h) */
	_SG_SAP_MAX
};

extern const struct value_string sg_sap_names[];

/* Allocate a primitive msgb with room for a parameter block of param_len and
 * data_len octets of user data; oph is filled in and msg->data points at it. */
struct msgb *sg_prim_alloc(enum sg_sap sap, unsigned int prim,
			   enum osmo_prim_operation op, size_t param_len,
			   size_t data_len, const char *name);
/* The parameter block that follows the osmo_prim_hdr. */
static inline void *sg_prim_param(struct msgb *msg)
{
	return msg->data + sizeof(struct osmo_prim_hdr);
}
static inline struct osmo_prim_hdr *sg_prim_hdr(struct msgb *msg)
{
	return (struct osmo_prim_hdr *)msg->data;
}
