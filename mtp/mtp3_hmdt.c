/* MTP3 message distribution (HMDT), Q.704 §2.4 and Fig. 25; UPU, Q.704 §11.2.7. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/* ---- the MTP-user SAP (include/sg/mtp_sap.h): registration and dispatch ---- */

/* The registered users, each once, in the order of their lowest SI, into to[]; how many. */
static unsigned int users_distinct(const struct sg_mtp3 *m,
				   const struct sg_mtp_user *to[MTP3_MAX_USERS])
{
	unsigned int n = 0;

	for (unsigned int si = 0; si < MTP3_MAX_USERS; si++) {
		const struct sg_mtp_user *u = m->users[si].u;
		bool dup = false;

		for (unsigned int k = 0; u && k < n; k++)
			dup |= to[k] == u;
		if (u && !dup)
			to[n++] = u;
	}
	return n;
}

int sg_mtp3_user_register(struct sg_mtp3 *m, uint16_t sis, const struct sg_mtp_user *u)
{
	if (!u || !u->prim_cb || !sis || (sis & ~SG_MTP_SI_USERS))
		return -EINVAL;
	for (unsigned int si = 0; si < MTP3_MAX_USERS; si++)
		if ((sis & SG_MTP_SI_BIT(si)) && m->users[si].u && m->users[si].u != u)
			return -EBUSY;
	for (unsigned int si = 0; si < MTP3_MAX_USERS; si++) {
		if (!(sis & SG_MTP_SI_BIT(si)) || m->users[si].u == u)
			continue;
		m->users[si] = (struct mtp3_user){ .u = u };
	}
	LOGPM(m, LOGL_INFO, "MTP user %s registered for SIs 0x%04x\n", u->name ? u->name : "?",
	      sis);
	return 0;
}

int sg_mtp3_user_unregister(struct sg_mtp3 *m, const struct sg_mtp_user *u)
{
	int rc = -ENOENT;

	for (unsigned int si = 0; si < MTP3_MAX_USERS; si++) {
		if (!u || m->users[si].u != u)
			continue;
		m->users[si] = (struct mtp3_user){ 0 };
		rc = 0;
	}
	if (rc == 0)
		LOGPM(m, LOGL_INFO, "MTP user %s unregistered\n", u->name ? u->name : "?");
	return rc;
}

int sg_mtp3_user_release(struct sg_mtp3 *m, uint16_t sis)
{
	if (sis & ~SG_MTP_SI_USERS)
		return -EINVAL;
	for (unsigned int si = 0; si < MTP3_MAX_USERS; si++) {
		if (!(sis & SG_MTP_SI_BIT(si)) || !m->users[si].u)
			continue;
		LOGPM(m, LOGL_INFO, "MTP user %s: SI %u released\n",
		      m->users[si].u->name ? m->users[si].u->name : "?", si);
		m->users[si] = (struct mtp3_user){ 0 };
	}
	return 0;
}

int sg_mtp3_user_available(struct sg_mtp3 *m, uint8_t si, bool available)
{
	if (si >= MTP3_MAX_USERS || !m->users[si].u)
		return -EINVAL;
	m->users[si].unavailable = !available;
	return 0;
}

/* An indication for the user of one SI (TRANSFER, STATUS about its own MSUs or its remote
 * peer user); takes msg.  Nobody registered: discarded. */
void mtp3_user_ind(struct sg_mtp3 *m, uint8_t si, enum sg_mtp_prim prim,
		   const struct sg_mtp_param *p, struct msgb *msg)
{
	const struct sg_mtp_user *u = si < MTP3_MAX_USERS ? m->users[si].u : NULL;

	if (!u) {
		msgb_free(msg);
		return;
	}
	u->prim_cb(m, prim, p, msg, u->priv);
}

/* An indication for every user (PAUSE, RESUME, STATUS of a destination): each registered
 * user once, however many SIs it has, in the order of its lowest SI.  The users are taken
 * before the first call, so a callback that registers or unregisters changes the next
 * indication, not this one. */
void mtp3_users_ind_all(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p)
{
	const struct sg_mtp_user *to[MTP3_MAX_USERS];
	unsigned int n = users_distinct(m, to);

	for (unsigned int k = 0; k < n; k++)
		to[k]->prim_cb(m, prim, p, NULL, to[k]->priv);
}

/* Q.704 §2.4.2/§11.2.7: tell the originator that the user part is unavailable. */
static void upu_send(struct sg_mtp3 *m, const struct sg_mtp3_hdr *rx, uint8_t cause)
{
	/* the concerned destination is the MSU's DPC: the own PC, or a local alias (an AS
	 * behind the gateway), which also originates the UPU */
	struct sg_mtp3_snm s = { .heading = SG_MTP3_UPU, .dest = rx->label.dpc, .upu_user = rx->si,
				 .upu_cause = cause };
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_SNM, .ni = m->cfg.ni,
				 .label = { .dpc = rx->label.opc, .opc = rx->label.dpc,
					    .sls = rx->label.sls } };
	struct msgb *msg = mtp3_snm_msu(m, h.label.dpc, h.label.sls, &s);

	if (!msg)
		return;
	LOGPM(m, LOGL_NOTICE, "UPU(%s, %s) to %u\n", get_value_string(sg_mtp3_si_names, rx->si),
	      get_value_string(sg_mtp3_upu_cause_names, cause), rx->label.opc);
	mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_UPU_TX, 1);
	mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_SNM_TX, 1);
	mtp3_hmrt_route(m, &h, msg);
}

int sg_mtp3_upu_send(struct sg_mtp3 *m, const struct sg_mtp_param *rx, bool inaccessible)
{
	struct sg_mtp3_hdr h = { .si = rx->si, .ni = m->cfg.ni,
				 .label = { .dpc = rx->dpc, .opc = rx->opc, .sls = rx->sls } };

	if (!mtp3_is_local(m, rx->dpc))
		return -EINVAL;
	upu_send(m, &h, inaccessible ? SG_MTP3_UPU_INACCESSIBLE : SG_MTP3_UPU_UNEQUIPPED);
	return 0;
}

static bool is_changeover(uint8_t heading)
{
	switch (heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
	case SG_MTP3_ECO:
	case SG_MTP3_ECA:
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		return true;
	}
	return false;
}

static void snm_rx(struct sg_mtp3_link *l, const struct sg_mtp3_hdr *h, struct msgb *msg)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct sg_mtp3 *m = ls->m;
	struct sg_mtp3_snm s;
	int rc;

	rc = sg_mtp3_snm_decode(&s, &m->fmt, &h->label, msgb_l4(msg), msgb_l4len(msg));
	msgb_free(msg);
	mtp3_ctr(l, ls, m, SG_MTP3_CTR_SNM_RX, 1);
	if (rc) {
		LOGPL(l, LOGL_NOTICE, "bad SNM message: %s\n",
		      get_value_string(sg_mtp3_err_names, rc));
		mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_DISCARD, 1);
		return;
	}
	/* changeover messages for a linkset without links may come via an STP (Q.704 §5.2,
	 * §5.4.1): they belong to the linkset to their originator */
	if (h->label.opc != ls->adj_pc && is_changeover(s.heading) &&
	    mtp3_linkset_by_adj(m, h->label.opc)) {
		ls = mtp3_linkset_by_adj(m, h->label.opc);
		LOGPLS(ls, LOGL_INFO, "rx %s via linkset %s\n",
		       get_value_string(sg_mtp3_snm_type_names, s.heading), l->ls->name);
		mtp3_tcoc_rx(ls, NULL, &s);
		return;
	}
	/* network management messages come from the adjacent SP (UPU, TFC: any SP) */
	if (s.heading != SG_MTP3_UPU && s.heading != SG_MTP3_TFC && h->label.opc != ls->adj_pc) {
		LOGPL(l, LOGL_NOTICE, "%s from %u, not the adjacent SP %u: discarded\n",
		      get_value_string(sg_mtp3_snm_type_names, s.heading), h->label.opc,
		      ls->adj_pc);
		mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_DISCARD, 1);
		return;
	}
	LOGPL(l, LOGL_INFO, "rx %s\n", get_value_string(sg_mtp3_snm_type_names, s.heading));
	switch (s.heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
	case SG_MTP3_ECO:
	case SG_MTP3_ECA:
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		mtp3_tcoc_rx(ls, l, &s);
		break;
	case SG_MTP3_CBD:
	case SG_MTP3_CBA:
		mtp3_tcbc_rx(ls, l, &s);
		break;
	case SG_MTP3_LIN:
	case SG_MTP3_LUN:
	case SG_MTP3_LIA:
	case SG_MTP3_LUA:
	case SG_MTP3_LID:
	case SG_MTP3_LFU:
	case SG_MTP3_LLT:
	case SG_MTP3_LRT:
		mtp3_tlac_rx(ls, l, &s);
		break;
	case SG_MTP3_TRA:
		mtp3_slm_tra_rx(ls);
		break;
	case SG_MTP3_TFP:
	case SG_MTP3_TFR:
	case SG_MTP3_TFA:
	case SG_MTP3_RST:
	case SG_MTP3_RSR:
		mtp3_rtpc_rx(ls, h, &s);
		break;
	case SG_MTP3_TFC: {
		/* Q.704 §13.7.3: congestion towards dest; national levels in cong_status */
		struct sg_mtp_param p = { .dpc = s.dest, .ni = m->cfg.ni,
					  .cause = SG_MTP_STATUS_CONGESTION,
					  .cong_level = s.cong_status ? s.cong_status : 1 };

		mtp3_users_ind_all(m, SG_MTP_STATUS, &p);
		mtp3_rtcc_tfc_rx(m, s.dest, s.cong_status);
		break;
	}
	case SG_MTP3_RCT:
		/* Q.704 §13.9: the test message reached its destination: nothing to do */
		break;
	case SG_MTP3_UPU: {
		struct sg_mtp_param p = { .dpc = s.dest, .si = s.upu_user, .ni = m->cfg.ni };

		mtp3_ctr(l, ls, m, SG_MTP3_CTR_UPU_RX, 1);
		switch (s.upu_cause) {
		case SG_MTP3_UPU_UNEQUIPPED:
			p.cause = SG_MTP_STATUS_UPU_UNEQUIPPED;
			break;
		case SG_MTP3_UPU_INACCESSIBLE:
			p.cause = SG_MTP_STATUS_UPU_INACCESSIBLE;
			break;
		default:
			p.cause = SG_MTP_STATUS_UPU_UNKNOWN;
			break;
		}
		mtp3_user_ind(m, s.upu_user, SG_MTP_STATUS, &p, NULL);
		break;
	}
	default:
		/* DLC, ANSI-only headings: not implemented, ignored */
		LOGPL(l, LOGL_INFO, "%s not handled: discarded\n",
		      get_value_string(sg_mtp3_snm_type_names, s.heading));
		mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_DISCARD, 1);
		break;
	}
}

void mtp3_hmdt_rx(struct sg_mtp3_link *l, const struct sg_mtp3_hdr *h, struct msgb *msg)
{
	struct sg_mtp3 *m = l->ls->m;
	struct mtp3_user *u;
	struct sg_mtp_param p;

	switch (h->si) {
	case SG_MTP3_SI_SNM:
		snm_rx(l, h, msg);
		return;
	case SG_MTP3_SI_MTN:
		mtp3_sltc_rx(l, h, msg);
		return;
	case SG_MTP3_SI_MTNS:
		if (m->cfg.variant == SG_PC_ANSI) {
			mtp3_sltc_rx(l, h, msg);
			return;
		}
		break;
	default:
		break;
	}
	/* Q.704 §2.4.2: no user for the SI (unequipped) or one that is unavailable */
	u = &m->users[h->si];
	if (!u->u || u->unavailable) {
		mtp3_ctr(l, l->ls, m, SG_MTP3_CTR_RX_DISCARD, 1);
		upu_send(m, h, u->u ? SG_MTP3_UPU_INACCESSIBLE : SG_MTP3_UPU_UNEQUIPPED);
		msgb_free(msg);
		return;
	}
	p = (struct sg_mtp_param){ .opc = h->label.opc, .dpc = h->label.dpc, .sls = h->label.sls,
				   .si = h->si, .ni = h->ni, .prio = h->prio };
	u->u->prim_cb(m, SG_MTP_TRANSFER, &p, msg, u->u->priv);
}
