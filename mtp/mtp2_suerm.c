/* MTP2 error rate monitors: SUERM Q.703 §10.2 (Fig. 16), AERM §10.3 (Fig. 17), EIM Annex A.10. */

#include "mtp2_internal.h"

static void t8_cb(void *data)
{
	struct sg_mtp2_link *l = data;
	struct mtp2_em *em = &l->em;

	mtp2_enter(l);
	if (!em->eim_on)
		goto out;
	/* Annex A.10.2: leaky bucket over errored intervals of T8 */
	if (em->interval_errored || !em->interval_su) {
		em->ce += l->cfg.eim_ue;
		if (em->ce >= l->cfg.eim_te) {
			em->eim_on = false;
			LOGPLINK(l, LOGL_NOTICE, "EIM threshold reached (Ce=%u)\n", em->ce);
			mtp2_link_failure(l, SG_MTP2_OOS_EIM);
			goto out;
		}
	} else {
		em->ce = em->ce > l->cfg.eim_de ? em->ce - l->cfg.eim_de : 0;
	}
	em->interval_errored = false;
	em->interval_su = false;
	sg_timer_start_ms(&em->t8, link_timer_ms(l, SG_MTP2_T8));
out:
	mtp2_leave(l);
}

void em_init(struct sg_mtp2_link *l)
{
	sg_timer_setup(&l->em.t8, t8_cb, l);
}

void suerm_start(struct sg_mtp2_link *l)
{
	struct mtp2_em *em = &l->em;

	if (l->cfg.eim) {
		em->eim_on = true;
		em->ce = 0;
		em->interval_errored = false;
		em->interval_su = false;
		sg_timer_start_ms(&em->t8, link_timer_ms(l, SG_MTP2_T8));
	} else {
		em->suerm_on = true;
		em->cs = 0;
		em->nsu = 0;
	}
}

void suerm_stop(struct sg_mtp2_link *l)
{
	l->em.suerm_on = false;
	l->em.eim_on = false;
	sg_timer_stop(&l->em.t8);
}

void aerm_start(struct sg_mtp2_link *l, uint8_t ti)
{
	l->em.aerm_on = true;
	l->em.ca = 0;
	l->em.ti = ti;
}

void aerm_stop(struct sg_mtp2_link *l)
{
	l->em.aerm_on = false;
}

/* One SU (good or errored) counted towards the D decrement. */
static void suerm_su(struct sg_mtp2_link *l)
{
	struct mtp2_em *em = &l->em;

	if (++em->nsu >= l->cfg.suerm_d) {
		em->nsu = 0;
		if (em->cs)
			em->cs--;
	}
}

/* Returns true when the link failed. */
static bool suerm_error(struct sg_mtp2_link *l)
{
	struct mtp2_em *em = &l->em;

	if (++em->cs >= l->cfg.suerm_t) {
		em->suerm_on = false;
		LOGPLINK(l, LOGL_NOTICE, "SUERM threshold reached (Cs=%u)\n", em->cs);
		mtp2_link_failure(l, SG_MTP2_OOS_SUERM);
		return true;
	}
	return false;
}

static void aerm_error(struct sg_mtp2_link *l)
{
	struct mtp2_em *em = &l->em;

	/* §10.3: proving is aborted when Ca reaches Ti */
	if (++em->ca >= em->ti) {
		em->aerm_on = false;
		iac_abort_proving(l);
	}
}

void em_su_good(struct sg_mtp2_link *l)
{
	struct mtp2_em *em = &l->em;

	/* §4.1.4: a correct SU ends octet counting */
	em->octet_counting = false;
	if (em->suerm_on)
		suerm_su(l);
	if (em->eim_on)
		em->interval_su = true;
}

void em_su_error(struct sg_mtp2_link *l)
{
	struct mtp2_em *em = &l->em;

	if (em->suerm_on && !suerm_error(l))
		suerm_su(l);
	if (em->eim_on) {
		em->interval_errored = true;
		em->interval_su = true;
	}
	if (em->aerm_on)
		aerm_error(l);
}

/* §10.2.2, §10.3: in octet counting mode every N octets count as an error. */
void em_octet_count(struct sg_mtp2_link *l)
{
	struct mtp2_em *em = &l->em;

	if (em->suerm_on)
		suerm_error(l);
	if (em->eim_on)
		em->interval_errored = true;
	if (em->aerm_on)
		aerm_error(l);
}

uint32_t sg_mtp2_suerm_count(const struct sg_mtp2_link *l)
{
	return l->cfg.eim ? l->em.ce : l->em.cs;
}

uint32_t sg_mtp2_aerm_count(const struct sg_mtp2_link *l)
{
	return l->em.ca;
}
