/* xUA signalling network management plumbing, RFC 4666 / RFC 3868 §4.5: which peers an SGP's
 * SSNM goes to and with which Routing Contexts (§4.5.1), the RCs of a peer's ASs, and the
 * roles' checks on received SSNM; the messages themselves are the protocol's (M3UA's about MTP3
 * point codes in m3ua_ssnm.c). */

#include "xua_int.h"

#define MAX_RC 64

/* Is the peer concerned by SGP-side SSNM, and with which RCs (§4.5.1; doc/m3ua.md)? */
bool xua_ssnm_rcs(struct sg_m3ua_asp *asp, const struct sg_m3ua_as *skip, bool any_state,
		  uint32_t *rc, unsigned int *nrc)
{
	struct sg_m3ua_as *as;
	bool ok = false;

	*nrc = 0;
	if (!asp->srv || !asp->conn || asp->state == SG_M3UA_ASP_DOWN)
		return false;
	if (!any_state && asp->m->cfg.ssnm_to == SG_M3UA_SSNM_TO_ACTIVE &&
	    asp->state != SG_M3UA_ASP_ACTIVE)
		return false;
	llist_for_each_entry(as, &asp->m->ass, list) {
		struct sg_m3ua_memb *mb = xua_memb(as, asp);

		if (!mb || as->client)
			continue;
		if (as == skip)
			return false;
		if (mb->st == SG_M3UA_ASP_DOWN ||
		    (!any_state && asp->m->cfg.ssnm_to == SG_M3UA_SSNM_TO_ACTIVE &&
		     mb->st != SG_M3UA_ASP_ACTIVE))
			continue;
		ok = true;
		if (as->has_rc && *nrc < MAX_RC)
			rc[(*nrc)++] = as->rc;
	}
	/* an IPSP server without AS still gets network state */
	return ok || (asp->cfg.role == SG_M3UA_ROLE_IPSP && !xua_asp_nas(asp, false));
}

unsigned int xua_asp_rcs(struct sg_m3ua_asp *asp, bool client, bool dynamic_only, uint32_t *rc,
			 unsigned int max)
{
	struct sg_m3ua_as *as;
	unsigned int n = 0;

	llist_for_each_entry(as, &asp->m->ass, list)
		if (as->client == client && as->has_rc && (!dynamic_only || as->dynamic) &&
		    xua_memb(as, asp) && n < max)
			rc[n++] = as->rc;
	return n;
}

void xua_rx_ssnm(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_xua_msg *msg)
{
	bool daud = msg->type == SG_XUA_SSNM_DAUD;

	(void)stream;
	if (msg->type < SG_XUA_SSNM_DUNA || msg->type > SG_XUA_SSNM_DRST) {
		xua_tx_err(asp, SG_XUA_ERR_UNSUPP_MSG_TYPE, NULL, NULL, msg->buf, msg->len);
		return;
	}
	/* only an SGP (or IPSP server) answers audits (cf. osmo TC_clnt_no_daud_in_asp); an ASP
	 * never sends the others to its SGP (M3-SSNM-09) */
	if (daud ? !asp->srv : !asp->cli) {
		xua_tx_err(asp, SG_XUA_ERR_UNEXPECTED_MSG, NULL, NULL, msg->buf, msg->len);
		return;
	}
	if (daud)
		asp->m->proto->ssnm_daud(asp, msg);
	else
		asp->m->proto->ssnm_ind(asp, msg);
}
