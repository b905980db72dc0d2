/* MTP2 initial alignment control (IAC), Q.703 §7, Fig. 9: normal and emergency proving. */

#include <osmocom/core/utils.h>

#include "mtp2_internal.h"

const struct value_string sg_mtp2_iac_state_names[] = {
	{ SG_MTP2_IAC_IDLE, "IDLE" },
	{ SG_MTP2_IAC_NOT_ALIGNED, "NOT_ALIGNED" },
	{ SG_MTP2_IAC_ALIGNED, "ALIGNED" },
	{ SG_MTP2_IAC_PROVING, "PROVING" },
	{ 0, NULL }
};

static void iac_set_state(struct sg_mtp2_link *l, enum sg_mtp2_iac_state st, const char *why)
{
	if (l->iac.state == st)
		return;
	LOGPLINK(l, LOGL_INFO, "IAC %s -> %s (%s)\n",
		 get_value_string(sg_mtp2_iac_state_names, l->iac.state),
		 get_value_string(sg_mtp2_iac_state_names, st), why);
	l->iac.state = st;
}

static uint32_t t4_ms(struct sg_mtp2_link *l)
{
	return link_timer_ms(l, l->iac.t4_emergency ? SG_MTP2_T4E : SG_MTP2_T4N);
}

/* Start (or restart) one proving period: T4 and the AERM with Ti. */
static void start_proving(struct sg_mtp2_link *l)
{
	aerm_start(l, l->iac.t4_emergency ? l->cfg.tie : l->cfg.tin);
	l->iac.further_proving = false;
	sg_timer_start_ms(&l->iac.t4, t4_ms(l));
}

static void not_possible(struct sg_mtp2_link *l, const char *why)
{
	sg_timer_stop(&l->iac.t2);
	sg_timer_stop(&l->iac.t3);
	sg_timer_stop(&l->iac.t4);
	aerm_stop(l);
	iac_set_state(l, SG_MTP2_IAC_IDLE, why);
	l->iac.emergency = false;
	l->iac.fail_why = why;
	lsc_event(l, LSC_EV_ALIGNMENT_NOT_POSSIBLE, 0);
}

static void t2_cb(void *data)
{
	struct sg_mtp2_link *l = data;

	mtp2_enter(l);
	/* Q.703 §7.3: no SIO/SIN/SIE within T2 */
	if (l->iac.state == SG_MTP2_IAC_NOT_ALIGNED)
		not_possible(l, "T2 expiry");
	mtp2_leave(l);
}

static void t3_cb(void *data)
{
	struct sg_mtp2_link *l = data;

	mtp2_enter(l);
	/* Q.703 §7.3: no SIN/SIE within T3 */
	if (l->iac.state == SG_MTP2_IAC_ALIGNED)
		not_possible(l, "T3 expiry");
	mtp2_leave(l);
}

static void t4_cb(void *data)
{
	struct sg_mtp2_link *l = data;

	mtp2_enter(l);
	if (l->iac.state != SG_MTP2_IAC_PROVING)
		goto out;
	if (l->iac.further_proving) {
		/* Q.703 §7.4: an aborted period is followed by a new one */
		LOGPLINK(l, LOGL_INFO, "IAC further proving (attempt %u)\n", l->iac.cp + 1);
		start_proving(l);
		goto out;
	}
	/* proving period passed: alignment complete */
	aerm_stop(l);
	iac_set_state(l, SG_MTP2_IAC_IDLE, "T4 expiry, proving passed");
	l->iac.emergency = false;
	lsc_event(l, LSC_EV_ALIGNMENT_COMPLETE, 0);
out:
	mtp2_leave(l);
}

void iac_init(struct sg_mtp2_link *l)
{
	l->iac.state = SG_MTP2_IAC_IDLE;
	sg_timer_setup(&l->iac.t2, t2_cb, l);
	sg_timer_setup(&l->iac.t3, t3_cb, l);
	sg_timer_setup(&l->iac.t4, t4_cb, l);
}

void iac_start(struct sg_mtp2_link *l)
{
	if (l->iac.state != SG_MTP2_IAC_IDLE)
		return;
	l->iac.cp = 0;
	l->iac.further_proving = false;
	l->iac.t4_emergency = false;
	txc_send_lssu(l, SG_MTP2_SIO);
	sg_timer_start_ms(&l->iac.t2, link_timer_ms(l, SG_MTP2_T2));
	iac_set_state(l, SG_MTP2_IAC_NOT_ALIGNED, "start");
}

void iac_stop(struct sg_mtp2_link *l)
{
	sg_timer_stop(&l->iac.t2);
	sg_timer_stop(&l->iac.t3);
	sg_timer_stop(&l->iac.t4);
	aerm_stop(l);
	l->iac.emergency = false;
	iac_set_state(l, SG_MTP2_IAC_IDLE, "stop");
}

/* Q.703 §7.2 and Fig. 9: emergency ordered by L3 */
void iac_emergency(struct sg_mtp2_link *l)
{
	l->iac.emergency = true;
	switch (l->iac.state) {
	case SG_MTP2_IAC_ALIGNED:
		txc_send_lssu(l, SG_MTP2_SIE);
		l->iac.t4_emergency = true;
		break;
	case SG_MTP2_IAC_PROVING:
		txc_send_lssu(l, SG_MTP2_SIE);
		if (!l->iac.t4_emergency) {
			/* switch to the emergency proving period now (1.23) */
			l->iac.t4_emergency = true;
			sg_timer_stop(&l->iac.t4);
			aerm_stop(l);
			start_proving(l);
		}
		break;
	default:
		/* IDLE / NOT ALIGNED: remembered, used when aligned */
		break;
	}
}

/* Emergency ceases: a proving period already running keeps its length;
 * before that, normal alignment (SIN, Pn) is used again. */
void iac_emergency_ceases(struct sg_mtp2_link *l)
{
	l->iac.emergency = false;
	if (l->iac.state == SG_MTP2_IAC_ALIGNED && l->txc.lssu == SG_MTP2_SIE) {
		txc_send_lssu(l, SG_MTP2_SIN);
		l->iac.t4_emergency = l->iac.remote_emergency;
	}
}

/* SIO, SIN or SIE received in NOT ALIGNED: go to ALIGNED (Fig. 9). */
static void to_aligned(struct sg_mtp2_link *l, bool remote_emergency, const char *why)
{
	sg_timer_stop(&l->iac.t2);
	l->iac.remote_emergency = remote_emergency;
	if (l->iac.emergency) {
		txc_send_lssu(l, SG_MTP2_SIE);
		l->iac.t4_emergency = true;
	} else {
		txc_send_lssu(l, SG_MTP2_SIN);
		l->iac.t4_emergency = remote_emergency;
	}
	sg_timer_start_ms(&l->iac.t3, link_timer_ms(l, SG_MTP2_T3));
	iac_set_state(l, SG_MTP2_IAC_ALIGNED, why);
}

void iac_status_rx(struct sg_mtp2_link *l, uint8_t status)
{
	switch (l->iac.state) {
	case SG_MTP2_IAC_NOT_ALIGNED:
		if (status == SG_MTP2_SIO)
			to_aligned(l, false, "SIO received");
		else if (status == SG_MTP2_SIN)
			to_aligned(l, false, "SIN received");	/* 1.17 */
		else if (status == SG_MTP2_SIE)
			to_aligned(l, true, "SIE received");	/* 1.24 */
		/* SIOS: keep sending SIO, T2 keeps running (2.2) */
		break;
	case SG_MTP2_IAC_ALIGNED:
		if (status == SG_MTP2_SIN || status == SG_MTP2_SIE) {
			sg_timer_stop(&l->iac.t3);
			if (status == SG_MTP2_SIE)
				l->iac.t4_emergency = true;
			l->iac.cp = 0;
			start_proving(l);
			iac_set_state(l, SG_MTP2_IAC_PROVING,
				      status == SG_MTP2_SIE ? "SIE received" : "SIN received");
		} else if (status == SG_MTP2_SIOS) {
			not_possible(l, "SIOS received");
		}
		break;
	case SG_MTP2_IAC_PROVING:
		if (status == SG_MTP2_SIO) {
			/* Q.703 §7.3: proving restarts from ALIGNED (1.7) */
			sg_timer_stop(&l->iac.t4);
			aerm_stop(l);
			sg_timer_start_ms(&l->iac.t3, link_timer_ms(l, SG_MTP2_T3));
			iac_set_state(l, SG_MTP2_IAC_ALIGNED, "SIO received");
		} else if (status == SG_MTP2_SIOS) {
			not_possible(l, "SIOS received");
		} else if (status == SG_MTP2_SIE && !l->iac.t4_emergency) {
			/* Q.703 §7.4: remote emergency shortens proving (1.22) */
			l->iac.t4_emergency = true;
			sg_timer_stop(&l->iac.t4);
			aerm_stop(l);
			start_proving(l);
		}
		break;
	default:
		break;
	}
}

/* From AERM: Ca reached Ti during a proving period (Q.703 §10.3, Fig. 9). */
void iac_abort_proving(struct sg_mtp2_link *l)
{
	if (l->iac.state != SG_MTP2_IAC_PROVING)
		return;
	ctr_inc(l, SG_MTP2_CTR_PROVING_ABORT);
	aerm_stop(l);
	l->iac.cp++;
	LOGPLINK(l, LOGL_INFO, "IAC proving aborted (%u of %u)\n", l->iac.cp, l->cfg.m_proving);
	if (l->iac.cp >= l->cfg.m_proving) {
		not_possible(l, "M proving periods aborted (AERM)");
		return;
	}
	/* T4 keeps running; a fresh proving period starts at its expiry */
	l->iac.further_proving = true;
}

enum sg_mtp2_iac_state sg_mtp2_iac_state(const struct sg_mtp2_link *l)
{
	return l->iac.state;
}
