/* MTP2 reception control (RC), Q.703 §4, §5.2-5.3, §6.2 (Fig. 14): acceptance, sequencing. */

#include <string.h>
#include <osmocom/core/msgb.h>

#include "mtp2_internal.h"

void rc_start(struct sg_mtp2_link *l)
{
	struct mtp2_rc *rc = &l->rc;

	rc->active = true;
	rc->accept = false;
	/* Q.703 §5.2.1: the last accepted FSN is 127 (4095) after start */
	rc->fsnx = 0;
	rc->bib = true;
	rc->rtr = false;
	rc->abn_bsn = rc->abn_fib = false;
	rc->unb = rc->unf = 0;
	rc->in_service_seen = false;
}

void rc_stop(struct sg_mtp2_link *l)
{
	l->rc.active = false;
	l->rc.accept = false;
}

void rc_accept_msu_fisu(struct sg_mtp2_link *l, bool accept)
{
	l->rc.accept = accept;
}

uint16_t rc_bsnt(const struct sg_mtp2_link *l)
{
	return seq_add(l, l->rc.fsnx, -1);
}

/* Q.703 §9.3: while congested, acknowledgements are withheld. */
uint16_t rc_bsn_to_send(const struct sg_mtp2_link *l)
{
	if (l->rc.cong != SG_MTP2_RXCONG_NONE)
		return l->rc.bsn_frozen;
	return rc_bsnt(l);
}

static void deliver(struct sg_mtp2_link *l, const struct sg_mtp2_su *su)
{
	/* with the room to become an M3UA DATA in place (include/sg/msg.h) */
	struct msgb *msg = sg_msgb_new(su->payload_len, "mtp2 rx msu");

	l->rc.fsnx = seq_add(l, l->rc.fsnx, 1);
	l->rc.in_service_seen = true;
	ctr_inc(l, SG_MTP2_CTR_RX_MSU);
	ctr_add(l, SG_MTP2_CTR_RX_MSU_OCTETS, su->payload_len);
	if (!msg) {
		LOGPLINK(l, LOGL_ERROR, "no memory for a received MSU\n");
		return;
	}
	msg->l3h = msgb_put(msg, su->payload_len);
	memcpy(msg->l3h, su->payload, su->payload_len);
	mtp2_indicate(l, SG_MTP2_DATA, NULL, msg);
}

static void send_nack(struct sg_mtp2_link *l, const char *why)
{
	/* Q.703 §5.2.2: invert BIB, BSN = last accepted FSN */
	l->rc.bib = !l->rc.bib;
	l->rc.rtr = true;
	ctr_inc(l, SG_MTP2_CTR_TX_NACK);
	LOGPLINK(l, LOGL_DEBUG, "NACK (%s), expecting FSN %u\n", why, l->rc.fsnx);
}

static void rx_msu(struct sg_mtp2_link *l, const struct sg_mtp2_su *su)
{
	struct mtp2_rc *rc = &l->rc;

	if (!rc->accept) {
		/* processor outage / aligned not ready: not accepted, not acked */
		ctr_inc(l, SG_MTP2_CTR_RX_DISCARD);
		return;
	}
	if (su->fsn == rc->fsnx) {
		if (rc->cong == SG_MTP2_RXCONG_DISCARD) {
			ctr_inc(l, SG_MTP2_CTR_RX_DISCARD);
			return;
		}
		deliver(l, su);
		return;
	}
	ctr_inc(l, SG_MTP2_CTR_RX_DISCARD);
	/* §6.2: with PCR out-of-sequence MSUs are just discarded */
	if (l->cfg.ec == SG_MTP2_EC_PCR)
		return;
	/* §5.2.2: a duplicate of the last accepted MSU is discarded */
	if (su->fsn == rc_bsnt(l))
		return;
	if (!rc->rtr && rc->cong == SG_MTP2_RXCONG_NONE)
		send_nack(l, "MSU out of sequence");
}

/* A correct FISU or MSU in ALIGNED READY/NOT READY, IN SERVICE, PO. */
static void rx_fisu_msu(struct sg_mtp2_link *l, const struct sg_mtp2_su *su)
{
	struct mtp2_rc *rc = &l->rc;
	enum sg_mtp2_lsc_state st;

	/* §5.3.1: BSN outside the window: discard; two of three -> failure */
	if (!txc_bsn_valid(l, su->bsn)) {
		ctr_inc(l, SG_MTP2_CTR_RX_ABN_BSN);
		LOGPLINK(l, LOGL_INFO, "abnormal BSN %u (window %u..%u)\n", su->bsn,
			 seq_add(l, l->txc.fsnf, -1), l->txc.fsnl);
		if (rc->abn_bsn) {
			mtp2_link_failure(l, SG_MTP2_OOS_ABNORMAL_BSN);
			return;
		}
		rc->abn_bsn = true;
		rc->unb = 0;
		return;
	}
	if (rc->abn_bsn && ++rc->unb >= 2)
		rc->abn_bsn = false;

	if (l->cfg.ec == SG_MTP2_EC_BASIC && su->fib != rc->bib) {
		if (!rc->rtr) {
			/* §5.3.2: FIB inverted without a negative acknowledgement */
			ctr_inc(l, SG_MTP2_CTR_RX_ABN_FIB);
			LOGPLINK(l, LOGL_INFO, "abnormal FIB\n");
			if (rc->abn_fib) {
				mtp2_link_failure(l, SG_MTP2_OOS_ABNORMAL_FIB);
				return;
			}
			rc->abn_fib = true;
			rc->unf = 0;
			return;
		}
		/* retransmission requested but not started yet: discard the SU,
		 * its acknowledgement is still valid */
		txc_bsnr_bibr(l, su->bsn, su->bib);
		lsc_event(l, LSC_EV_FISU_MSU, 0);
		if (su->type == SG_MTP2_SU_MSU)
			ctr_inc(l, SG_MTP2_CTR_RX_DISCARD);
		return;
	}
	if (rc->abn_fib && ++rc->unf >= 2)
		rc->abn_fib = false;
	if (l->cfg.ec == SG_MTP2_EC_BASIC)
		rc->rtr = false;
	txc_bsnr_bibr(l, su->bsn, su->bib);

	/* LSC first (in-service indication before the first MSU, 1.6) */
	lsc_event(l, LSC_EV_FISU_MSU, 0);
	st = l->state;
	if (st != SG_MTP2_LSC_IN_SERVICE && st != SG_MTP2_LSC_PROCESSOR_OUTAGE &&
	    st != SG_MTP2_LSC_ALIGNED_READY && st != SG_MTP2_LSC_ALIGNED_NOT_READY)
		return;
	if (su->type == SG_MTP2_SU_MSU) {
		rx_msu(l, su);
	} else if (l->cfg.ec == SG_MTP2_EC_BASIC && su->fsn != rc_bsnt(l) && rc->accept &&
		   !rc->rtr && rc->cong == SG_MTP2_RXCONG_NONE) {
		/* §5.2.2: a FISU announcing an MSU we have not received */
		send_nack(l, "FISU FSN beyond last accepted");
	}
}

static void rx_lssu(struct sg_mtp2_link *l, const struct sg_mtp2_su *su)
{
	switch (su->status) {
	case SG_MTP2_SIO:
		lsc_event(l, LSC_EV_SIO, 0);
		break;
	case SG_MTP2_SIN:
		lsc_event(l, LSC_EV_SIN, 0);
		break;
	case SG_MTP2_SIE:
		lsc_event(l, LSC_EV_SIE, 0);
		break;
	case SG_MTP2_SIOS:
		lsc_event(l, LSC_EV_SIOS, 0);
		break;
	case SG_MTP2_SIPO:
		lsc_event(l, LSC_EV_SIPO, 0);
		break;
	case SG_MTP2_SIB:
		/* §9.3: only meaningful once the link carries MSUs */
		if (l->state == SG_MTP2_LSC_IN_SERVICE || l->state == SG_MTP2_LSC_PROCESSOR_OUTAGE)
			txc_sib_received(l);
		break;
	default:
		/* §11.1.2 spare status: ignored */
		ctr_inc(l, SG_MTP2_CTR_RX_LSSU_INVALID);
		LOGPLINK(l, LOGL_DEBUG, "invalid LSSU status %u ignored\n", su->status);
		break;
	}
}

void sg_mtp2_rx_su(struct sg_mtp2_link *l, const uint8_t *buf, size_t len)
{
	struct sg_mtp2_su su;
	int rc;

	mtp2_enter(l);
	if (l->state == SG_MTP2_LSC_POWER_OFF)
		goto out;
	rc = sg_mtp2_su_decode(&su, buf, len, l->cfg.ext_seq, l->cfg.max_sif);
	if (rc != SG_MTP2_SU_OK) {
		/* §4.2: length or LI error: the SU is in error */
		ctr_inc(l, SG_MTP2_CTR_RX_SU_ERR);
		em_su_error(l);
		goto out;
	}
	ctr_inc(l, SG_MTP2_CTR_RX_SU);
	ctr_add(l, SG_MTP2_CTR_RX_OCTETS, len);
	em_su_good(l);
	if (l->state == SG_MTP2_LSC_OUT_OF_SERVICE)
		goto out;
	if (su.type == SG_MTP2_SU_LSSU)
		rx_lssu(l, &su);
	else if (l->rc.active && l->state != SG_MTP2_LSC_INITIAL_ALIGNMENT)
		rx_fisu_msu(l, &su);
out:
	mtp2_leave(l);
}

void sg_mtp2_rx_event(struct sg_mtp2_link *l, enum sg_mtp2_rx_event ev)
{
	mtp2_enter(l);
	switch (ev) {
	case SG_MTP2_RX_SU_ERROR:
		ctr_inc(l, SG_MTP2_CTR_RX_SU_ERR);
		em_su_error(l);
		break;
	case SG_MTP2_RX_LOSS_OF_ALIGN:
		/* §4.1.4: octet counting starts; the SU that was being received
		 * is reported separately as SG_MTP2_RX_SU_ERROR */
		LOGPLINK(l, LOGL_DEBUG, "loss of alignment: octet counting\n");
		l->em.octet_counting = true;
		break;
	case SG_MTP2_RX_OCTET_COUNT:
		ctr_inc(l, SG_MTP2_CTR_RX_OCTET_COUNT);
		l->em.octet_counting = true;
		em_octet_count(l);
		break;
	}
	mtp2_leave(l);
}
