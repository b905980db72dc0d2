/* The nodal interworking function (NIF) of the signalling gateway: MTP3 <-> M3UA, with
 * point-code translation (RFC 4666 §1.4, §4.5; Q.704 §2). */
#pragma once

/*
 * The NIF runs on the core thread, between one MTP3 signalling point (the TDM side) and one
 * M3UA instance (the IP side).  It is a pure library (no sockets): the daemon glue
 * (sg/sigtran.c) gives it the transport, tests give it a fake one.
 *
 *   SS7 -> IP   MTP-TRANSFER.ind -> translate OPC/DPC/NI -> routing key -> AS -> DATA
 *               MTP-PAUSE/RESUME/STATUS -> DUNA/DAVA/SCON/DUPU/DRST (affected PC translated)
 *   IP -> SS7   DATA -> translate -> MTP3 routing onto the linksets (OPC kept)
 *               DAUD answered from MTP3's route-set state (through the m3ua layer)
 *   AS state    the point codes of the routing keys (translated to the TDM side) are local
 *               point codes of MTP3 ("aliases", RFC 4666 §1.4.2): accessible while their AS
 *               is ACTIVE or PENDING, announced to the SS7 side with TFA/TFP (STP on).
 *
 * Point-code translation rules map (NI, PC) on the TDM side to (NI, PC) on the IP side and
 * back, one to one.  They apply to the routing label (OPC and DPC), to the affected point
 * codes of SSNM (DUNA/DAVA/SCON/DUPU/DRST/DAUD) and to the routing keys' DPCs (aliases).  A
 * PC without a rule crosses unchanged.  MTP3's own traffic (SNM, SLTM) stays on the TDM
 * side and always uses TDM numbering.
 */

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include <sg/m3ua_sg.h>
#include <sg/name.h>
#include <sg/pc.h>

struct sg_mtp3;
struct sg_nif;

struct sg_nif_cfg {
	enum sg_pc_variant variant;
	uint8_t ni;			/* MTP3's network indicator (TDM side) */
	/* L3-SG-05: an MSU for a routing key whose AS cannot take it (down, or buffer full) is
	 * answered with UPU "inaccessible" (true, default) or silently dropped */
	bool upu_when_unavailable;
	/* an MTP-STATUS congestion is remembered this long for DAUD answers (SCON) */
	uint32_t cong_hold_ms;
	/* the service indicators whose MSUs go to the ASs' routing keys: the SIs the NIF
	 * registers for as an MTP user (SG_MTP_SI_BIT() each; default SG_MTP_SI_USERS, 3..15).
	 * An SI left out is another user's (SCCP is to take SI 3) or unequipped. */
	uint16_t sis;
};
void sg_nif_cfg_defaults(struct sg_nif_cfg *cfg);

struct sg_nif *sg_nif_alloc(void *ctx, struct sg_mtp3 *mtp3, const struct sg_nif_cfg *cfg);
void sg_nif_free(struct sg_nif *nif);

/* The user ops to create the M3UA instance with (user context = the nif), then attach the
 * instance. */
void sg_nif_m3ua_user(struct sg_xua_user_ops *ops);
void sg_nif_set_m3ua(struct sg_nif *nif, struct sg_m3ua *m3ua);
struct sg_m3ua *sg_nif_m3ua(struct sg_nif *nif);

/* Tell the NIF about an AS (static config or API; dynamic RKM ASs are found by themselves):
 * its routing key's DPCs become local point codes of MTP3, whether we serve the AS or reach
 * it through a remote SGP (sg_m3ua_as_remote).  -EEXIST when a DPC clashes with a route or
 * adjacent PC of MTP3. */
int sg_nif_as_add(struct sg_nif *nif, struct sg_m3ua_as *as);
void sg_nif_as_del(struct sg_nif *nif, struct sg_m3ua_as *as);

/* Register with MTP3 as the MTP user of cfg.sis (the MTP-user SAP, include/sg/mtp_sap.h; on
 * the core thread once MTP3 exists).  -EBUSY when another user has one of them. */
int sg_nif_start(struct sg_nif *nif);

/* ---- point-code translation ---- */
struct sg_nif_xlate {
	char name[SG_NAME_MAX];
	uint8_t tdm_ni, ip_ni;
	uint32_t tdm_pc, ip_pc;
};
/* -EEXIST: name or either side already used; -EINVAL: bad PC/NI. */
int sg_nif_xlate_add(struct sg_nif *nif, const struct sg_nif_xlate *x);
int sg_nif_xlate_del(struct sg_nif *nif, const char *name);
/* translate one (NI, PC); returns true when a rule applied */
bool sg_nif_tdm_to_ip(const struct sg_nif *nif, uint8_t *ni, uint32_t *pc);
bool sg_nif_ip_to_tdm(const struct sg_nif *nif, uint8_t *ni, uint32_t *pc);

/* ---- the two directions, exposed for tests and benchmarks ---- */
/* An MSU from MTP3 for a local PC (takes msg; SIO at l3h, user part at l4h, which becomes
 * the DATA in place: include/sg/msg.h). */
void sg_nif_mtp_transfer_ind(struct sg_nif *nif, const struct sg_mtp_param *p, struct msgb *msg);

/* ---- management ---- */
struct json_object *sg_nif_xlates_json(struct sg_nif *nif);
struct json_object *sg_nif_json(struct sg_nif *nif);		/* counters, aliases */

enum sg_nif_ctr {
	SG_NIF_CTR_TDM_TO_IP,		/* MSUs sent as DATA */
	SG_NIF_CTR_TDM_TO_IP_BUF,	/* ... of which buffered (AS pending) */
	SG_NIF_CTR_IP_TO_TDM,		/* DATA sent on as MSUs */
	SG_NIF_CTR_IP_TO_IP,		/* DATA relayed between ASs */
	SG_NIF_CTR_NO_KEY,		/* MSUs matching no routing key */
	SG_NIF_CTR_AS_UNAVAIL,		/* MSUs for an AS that could not take them */
	SG_NIF_CTR_UPU_TX,		/* UPUs caused */
	SG_NIF_CTR_DEST_UNAVAIL,	/* DATA for an inaccessible SS7 destination */
	SG_NIF_CTR_BAD_OPC,		/* DATA whose OPC is not ours nor an AS's */
	SG_NIF_CTR_BAD_NI,		/* DATA with the wrong network indicator */
	SG_NIF_CTR_SIF_TOO_LONG,	/* DATA over 272 octets of SIF (not sent, never cut) */
	SG_NIF_CTR_SSNM_TX,		/* DUNA/DAVA/SCON/DUPU/DRST sent */
	SG_NIF_CTR_SSNM_RX,		/* SSNM received from a remote SGP */
	SG_NIF_CTR_XLATED,		/* point codes translated */
	SG_NIF_CTR_BUF_COPY,		/* conversions that had to copy the message: its buffer
					 * lacked head- or tailroom (include/sg/msg.h) */
	_SG_NIF_CTR_MAX
};
uint64_t sg_nif_ctr(const struct sg_nif *nif, enum sg_nif_ctr c);
