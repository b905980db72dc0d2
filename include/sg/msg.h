/* Message buffers and primitives that cross layers and threads. */
#pragma once

#include <stdint.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/prim.h>

/*
 * Buffers: every signalling message travels in a libosmocore msgb.
 *
 * The buffer convention (issue 11 item 8): a message changes protocol in place.  An MSU
 * becomes an M3UA DATA by writing the M3UA headers in front of its user part and the
 * padding behind it, and a DATA becomes an MSU by pulling the M3UA headers and writing SIO
 * and routing label in front of the same octets; SCCP <-> SUA is to work the same way.  The
 * user part is never copied as long as the buffer has room on both sides, so:
 *
 *   SG_MSGB_HEADROOM  octets every allocator reserves in front of the first header it
 *     writes: enough for the largest header stack the gateway writes in front of a payload
 *     it keeps.  M3UA DATA: common header 8 + Network Appearance 8 + Routing Context 8 +
 *     Protocol Data TLV header 4 + OPC, DPC, SI, NI, MP, SLS 12 = 40 (Correlation Id
 *     follows Protocol Data, RFC 4666 §3.3.1: it is tailroom).  SUA CLDT (RFC 3868
 *     §3.3.1.1) in front of its Data: common header 8 + RC 8 + Protocol Class 8 + two
 *     addresses of 52 (header 8, Global Title with 32 digits 28, PC 8, SSN 8) + Sequence
 *     Control 8 + Hop Count 8 + Importance 8 + Message Priority 8 + Correlation Id 8 +
 *     Segmentation 12 + Data TLV header 4 = 184.  SCCP XUDT with ANSI label in front of
 *     its data: about 70.  184 rounded up to a multiple of 64: 192.
 *   SG_MSGB_TAILROOM  octets every allocator leaves behind its payload: TLV padding to
 *     4 octets (3) + an M3UA Correlation Id (8) = 11, rounded up to 16.
 *
 * The per-layer header pointers, set by whoever writes or decodes that header:
 *   l1h  start of the HDLC frame / TDM payload (adapter)
 *   l2h  start of the MTP2 signal unit (BSN octet)
 *   l3h  the network layer's header: the SIO of an MSU (MTP3; the routing label follows),
 *        the common header of an M3UA or SUA message
 *   l4h  the payload a conversion keeps in place: the MTP user part (SCCP, ISUP, ...), i.e.
 *        the octet after the routing label of an MSU, and the same octets after OPC..SLS in
 *        an M3UA DATA's Protocol Data, so MSU <-> DATA keeps l4h's address.  SUA (later):
 *        the value of the Data parameter, which is the user data of the SCCP message;
 *        SCCP -> SUA moves l4h from the SCCP header to that user data and back.
 * A pointer a conversion pulls away is cleared (NULL), never left pointing at stale octets.
 *
 * Writing headers: sg_msgb_room() first makes sure of the room for the whole stack
 * (nothing happens when it is there; otherwise the message is copied once into a buffer
 * with the convention's room and the copy counted, sg_msgb_reallocs()), then msgb_push() /
 * msgb_put() write it; these abort (libosmocore's MSGB_ABORT) rather than overflow, so a
 * miscounted stack is a crash in testing, never a corrupted message.  Reading: pull only
 * what was checked (sg_msgb_pull_to()).
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

#define SG_MSGB_HEADROOM 192
#define SG_MSGB_TAILROOM 16
/* Unused room beyond which sg_msgb_room() moves a message into a buffer of its size (a
 * message kept in a queue must not pin, say, a 64 KiB SCTP receive buffer). */
#define SG_MSGB_SLACK_MAX 1024

/* A top-level msgb (no talloc parent), safe to hand to another thread. */
struct msgb *sg_msgb_alloc(uint16_t size, const char *name);

/* A top-level msgb with the convention: empty (data == tail), SG_MSGB_HEADROOM in front,
 * room for len octets and SG_MSGB_TAILROOM behind.  NULL: no memory, or len too large
 * for a msgb (the total must fit 16 bits). */
struct msgb *sg_msgb_new(size_t len, const char *name);

/*
 * Make sure *msgp has at least head octets in front of msg->data and tail octets behind
 * msg->tail.  Returns 0 when it has (nothing is touched), 1 when the message
 * (msg->data..tail) was copied into a new buffer with MAX(head, SG_MSGB_HEADROOM) in
 * front and MAX(tail, SG_MSGB_TAILROOM) behind: *msgp is the new msgb (the old one is
 * freed), l1h..l4h that pointed into the message point to the same octets of the copy (the
 * others are cleared), cb[] and dst are kept; the copy is counted (sg_msgb_reallocs()).
 * The copy is made as well when the buffer has more than SG_MSGB_SLACK_MAX octets unused
 * beyond what is asked for.  -ENOMEM / -EMSGSIZE (more than a msgb can hold): *msgp is
 * unchanged and still the caller's.
 */
int sg_msgb_room(struct msgb **msgp, size_t head, size_t tail);

/* Pull everything in front of p (msg->data <= p <= msg->tail) off the message: msg->data
 * becomes p; the layer pointers in front of p are cleared.  NULL (and msg unchanged) when p
 * is not inside the message. */
uint8_t *sg_msgb_pull_to(struct msgb *msg, const uint8_t *p);

/* Messages sg_msgb_room() had to copy, since the start of the process (all threads). */
unsigned long sg_msgb_reallocs(void);

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
 * data_len octets of user data; oph is filled in and msg->data points at it.  The
 * convention's headroom and tailroom are reserved around it all. */
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
