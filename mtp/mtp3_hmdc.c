/* MTP3 message discrimination (HMDC), Q.704 §2.4 and Fig. 24. */

#include <errno.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_core_int.h"

/*
 * Every MSU received from MTP2 comes here (SIO at l3h).  Decide first
 * (decode SIO and label, check the network indicator), then act: for our
 * point code to HMDT, else to HMRT when the transfer function is on, else
 * discard.  A message that cannot be decoded changes no state.
 */
void mtp3_hmdc_rx(struct sg_mtp3_link *l, struct msgb *msg)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct sg_mtp3 *m = ls->m;
	struct sg_mtp3_hdr h;
	uint8_t *p = msgb_l3(msg) ? msgb_l3(msg) : msg->data;
	size_t len = msg->tail - p;
	int rc;

	mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_MSU, 1);
	mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_OCTETS, len);
	msg->l3h = p;
	rc = sg_mtp3_hdr_decode(&h, &m->fmt, p, len);
	if (rc) {
		LOGPL(l, LOGL_NOTICE, "discarding MSU: %s\n",
		      get_value_string(sg_mtp3_err_names, rc));
		goto discard;
	}
	if (h.ni != m->cfg.ni) {
		LOGPL(l, LOGL_NOTICE, "discarding MSU with NI %s\n",
		      get_value_string(sg_mtp3_ni_names, h.ni));
		goto discard;
	}
	msg->l4h = p + sg_mtp3_hdr_len(m->cfg.variant);
	if (mtp3_is_local(m, h.label.dpc)) {
		mtp3_hmdt_rx(l, &h, msg);
		return;
	}
	if (m->cfg.stp && h.si != SG_MTP3_SI_MTN && h.si != SG_MTP3_SI_MTNS) {
		mtp3_ctr(NULL, NULL, m, SG_MTP3_CTR_TRANSIT, 1);
		mtp3_hmrt_transit(l, &h, msg);
		return;
	}
	/* not ours, no transfer function (or a link test message for another SP): counted
	 * (rx:foreign_dpc), logged at most once per T8 per DPC */
	mtp3_rtpc_unroutable(l, &h, NULL, MTP3_UNR_FOREIGN);
discard:
	mtp3_ctr(l, ls, m, SG_MTP3_CTR_RX_DISCARD, 1);
	msgb_free(msg);
}
