/* MTP2 link state control (LSC), Q.703 §1.7, Fig. 8; link object, configuration, L3 primitives. */

#include <errno.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/utils.h>

#include "mtp2_internal.h"

const struct value_string sg_mtp2_lsc_state_names[] = {
	{ SG_MTP2_LSC_POWER_OFF, "POWER_OFF" },
	{ SG_MTP2_LSC_OUT_OF_SERVICE, "OUT_OF_SERVICE" },
	{ SG_MTP2_LSC_INITIAL_ALIGNMENT, "INITIAL_ALIGNMENT" },
	{ SG_MTP2_LSC_ALIGNED_READY, "ALIGNED_READY" },
	{ SG_MTP2_LSC_ALIGNED_NOT_READY, "ALIGNED_NOT_READY" },
	{ SG_MTP2_LSC_IN_SERVICE, "IN_SERVICE" },
	{ SG_MTP2_LSC_PROCESSOR_OUTAGE, "PROCESSOR_OUTAGE" },
	{ 0, NULL }
};

const struct value_string lsc_event_names[] = {
	{ LSC_EV_POWER_ON, "POWER_ON" },
	{ LSC_EV_START, "START" },
	{ LSC_EV_STOP, "STOP" },
	{ LSC_EV_LPO, "LOCAL_PROCESSOR_OUTAGE" },
	{ LSC_EV_LPR, "LOCAL_PROCESSOR_RECOVERED" },
	{ LSC_EV_EMERGENCY, "EMERGENCY" },
	{ LSC_EV_EMERGENCY_CEASES, "EMERGENCY_CEASES" },
	{ LSC_EV_ALIGNMENT_COMPLETE, "ALIGNMENT_COMPLETE" },
	{ LSC_EV_ALIGNMENT_NOT_POSSIBLE, "ALIGNMENT_NOT_POSSIBLE" },
	{ LSC_EV_LINK_FAILURE, "LINK_FAILURE" },
	{ LSC_EV_SIO, "SIO_RECEIVED" },
	{ LSC_EV_SIN, "SIN_RECEIVED" },
	{ LSC_EV_SIE, "SIE_RECEIVED" },
	{ LSC_EV_SIOS, "SIOS_RECEIVED" },
	{ LSC_EV_SIPO, "SIPO_RECEIVED" },
	{ LSC_EV_FISU_MSU, "FISU_MSU_RECEIVED" },
	{ LSC_EV_T1, "T1_EXPIRY" },
	{ LSC_EV_FLUSH_BUFFERS, "FLUSH_BUFFERS" },
	{ LSC_EV_CONTINUE, "CONTINUE" },
	{ LSC_EV_NO_PO, "NO_PROCESSOR_OUTAGE" },
	{ 0, NULL }
};

const struct value_string sg_mtp2_timer_names[] = {
	{ SG_MTP2_T1, "T1" },
	{ SG_MTP2_T2, "T2" },
	{ SG_MTP2_T3, "T3" },
	{ SG_MTP2_T4N, "T4n" },
	{ SG_MTP2_T4E, "T4e" },
	{ SG_MTP2_T5, "T5" },
	{ SG_MTP2_T6, "T6" },
	{ SG_MTP2_T7, "T7" },
	{ SG_MTP2_T8, "T8" },
	{ 0, NULL }
};

const struct value_string sg_mtp2_ec_method_names[] = {
	{ SG_MTP2_EC_BASIC, "basic" },
	{ SG_MTP2_EC_PCR, "pcr" },
	{ 0, NULL }
};

const struct value_string sg_mtp2_rx_cong_names[] = {
	{ SG_MTP2_RXCONG_NONE, "none" },
	{ SG_MTP2_RXCONG_ACCEPT, "accept" },
	{ SG_MTP2_RXCONG_DISCARD, "discard" },
	{ 0, NULL }
};

const struct value_string sg_mtp2_rx_event_names[] = {
	{ SG_MTP2_RX_SU_ERROR, "SU_ERROR" },
	{ SG_MTP2_RX_OCTET_COUNT, "OCTET_COUNT" },
	{ SG_MTP2_RX_LOSS_OF_ALIGN, "LOSS_OF_ALIGNMENT" },
	{ 0, NULL }
};

/* Q.703 §12.3 (64 kbit/s values) and Annex A.12.3 for T8. */
const struct sg_tdef sg_mtp2_timer_defs[_SG_MTP2_T_MAX] = {
	[SG_MTP2_T1] = { "t1", "Alignment ready", 45000, 40000, 50000 },
	[SG_MTP2_T2] = { "t2", "Not aligned", 11500, 5000, 150000 },
	[SG_MTP2_T3] = { "t3", "Aligned", 1000, 1000, 1500 },
	[SG_MTP2_T4N] = { "t4n", "Normal proving period (2^16 octet times)", 8200, 7500, 9500 },
	[SG_MTP2_T4E] = { "t4e", "Emergency proving period (2^12 octet times)", 500, 400, 600 },
	[SG_MTP2_T5] = { "t5", "Sending SIB", 100, 80, 120 },
	[SG_MTP2_T6] = { "t6", "Remote congestion", 4000, 3000, 6000 },
	[SG_MTP2_T7] = { "t7", "Excessive delay of acknowledgement", 1000, 500, 2000 },
	[SG_MTP2_T8] = { "t8", "Errored interval monitor interval (Annex A)", 100, 80, 120 },
};

static const struct sg_ctr_desc mtp2_ctr_desc[_SG_MTP2_CTR_MAX] = {
	[SG_MTP2_CTR_RX_SU] = { "rx:su", "Signal units received (good)" },
	[SG_MTP2_CTR_RX_OCTETS] = { "rx:octets", "Octets of good signal units received" },
	[SG_MTP2_CTR_TX_SU] = { "tx:su", "Signal units transmitted" },
	[SG_MTP2_CTR_TX_OCTETS] = { "tx:octets", "Octets of signal units transmitted" },
	[SG_MTP2_CTR_RX_MSU] = { "rx:msu", "MSUs accepted and delivered to level 3" },
	[SG_MTP2_CTR_RX_MSU_OCTETS] = { "rx:msu:octets", "SIO+SIF octets of MSUs accepted" },
	[SG_MTP2_CTR_TX_MSU] = { "tx:msu", "MSUs transmitted (first transmission)" },
	[SG_MTP2_CTR_TX_MSU_OCTETS] = { "tx:msu:octets", "SIO+SIF octets of MSUs transmitted" },
	[SG_MTP2_CTR_RX_SU_ERR] = { "rx:su:error", "Signal units received in error" },
	[SG_MTP2_CTR_RX_OCTET_COUNT] = { "rx:octet_count", "N-octet intervals in octet counting mode" },
	[SG_MTP2_CTR_RX_NACK] = { "rx:nack", "Negative acknowledgements received" },
	[SG_MTP2_CTR_TX_NACK] = { "tx:nack", "Negative acknowledgements sent" },
	[SG_MTP2_CTR_TX_RETRANS] = { "tx:retrans", "MSUs retransmitted" },
	[SG_MTP2_CTR_TX_RETRANS_OCTETS] = { "tx:retrans:octets", "SIO+SIF octets retransmitted" },
	[SG_MTP2_CTR_RX_DISCARD] = { "rx:msu:discard", "MSUs discarded (sequence, PO, congestion)" },
	[SG_MTP2_CTR_RX_ABN_BSN] = { "rx:abnormal_bsn", "Signal units with abnormal BSN" },
	[SG_MTP2_CTR_RX_ABN_FIB] = { "rx:abnormal_fib", "Signal units with abnormal FIB" },
	[SG_MTP2_CTR_RX_LSSU_INVALID] = { "rx:lssu:invalid", "LSSUs with a spare status" },
	[SG_MTP2_CTR_RX_SIB] = { "rx:sib", "SIBs received" },
	[SG_MTP2_CTR_TX_SIB] = { "tx:sib", "SIBs transmitted" },
	[SG_MTP2_CTR_IN_SERVICE_MS] = { "time:in_service", "Time in service (ms)" },
	[SG_MTP2_CTR_ALIGN_ATTEMPT] = { "align:attempt", "Initial alignment attempts" },
	[SG_MTP2_CTR_ALIGN_FAIL] = { "align:fail", "Alignment failures (alignment not possible)" },
	[SG_MTP2_CTR_PROVING_ABORT] = { "align:proving_abort", "Proving periods aborted by AERM" },
	[SG_MTP2_CTR_LINK_FAIL] = { "fail:total", "Link failures (in service or aligned)" },
	[SG_MTP2_CTR_LINK_FAIL_ERR_RATE] = { "fail:error_rate", "Failures: SUERM/EIM error rate" },
	[SG_MTP2_CTR_LINK_FAIL_ACK] = { "fail:ack_delay", "Failures: excessive delay of ack (T7)" },
	[SG_MTP2_CTR_LINK_FAIL_CONG] = { "fail:congestion", "Failures: excessive congestion (T6)" },
	[SG_MTP2_CTR_LINK_FAIL_SEQ] = { "fail:sequence", "Failures: abnormal BSN/FIB" },
	[SG_MTP2_CTR_LPO] = { "po:local", "Local processor outages" },
	[SG_MTP2_CTR_RPO] = { "po:remote", "Remote processor outages" },
	[SG_MTP2_CTR_RX_CONG] = { "cong:rx", "Receive congestion onsets (SIB sent)" },
	[SG_MTP2_CTR_REMOTE_CONG] = { "cong:remote", "Remote congestion onsets (SIB received)" },
	[SG_MTP2_CTR_TX_DISCARD_CONG] = { "tx:discard:congestion",
		"MSUs from MTP3 discarded: transmit buffers at the discard threshold (Q.704 3.8)" },
	[SG_MTP2_CTR_TX_DISCARD_LEN] = { "tx:discard:length",
		"MSUs from MTP3 refused: SIF length outside 2..m (Q.703 2.3.3)" },
	[SG_MTP2_CTR_CONG_ONSET] = { "cong:onset", "Transmit congestion onsets (level 0 to 1 or more)" },
	[SG_MTP2_CTR_TX_DISCARD_FLUSH] = { "tx:discard:flush",
		"MSUs from MTP3 never sent, discarded by FLUSH BUFFERS (changeover without buffer "
		"updating, Q.704 5.6; processor outage, 5.3)" },
	[SG_MTP2_CTR_TX_DISCARD_UNACKED] = { "tx:discard:unacked",
		"MSUs sent but not acknowledged, discarded from the retransmission buffer (FLUSH "
		"BUFFERS, CLEAR RTB, restart): lost, or received without acknowledgement (Q.704 5.6)" },
};

const struct sg_ctr_group_desc sg_mtp2_ctr_group_desc = {
	.name = "mtp2_link",
	.num = _SG_MTP2_CTR_MAX,
	.ctr = mtp2_ctr_desc,
};

void sg_mtp2_cfg_defaults(struct sg_mtp2_cfg *cfg)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "mtp2";
	cfg->ec = SG_MTP2_EC_BASIC;
	for (i = 0; i < _SG_MTP2_T_MAX; i++)
		cfg->timer_ms[i] = sg_mtp2_timer_defs[i].def_val;
	cfg->max_sif = SG_MTP2_MAX_SIF;
	cfg->n1 = 0;		/* 0: 127 (7-bit) or 4095 (12-bit) */
	cfg->n2 = 8192;
	cfg->m_proving = 5;
	cfg->tin = 4;
	cfg->tie = 1;
	cfg->suerm_t = 64;
	cfg->suerm_d = 256;
	cfg->octet_n = 16;
	cfg->eim_te = 577169;
	cfg->eim_ue = 144292;
	cfg->eim_de = 9308;
	cfg->cong_onset[0] = 500;
	cfg->cong_abate[0] = 400;
	cfg->cong_onset[1] = 1000;
	cfg->cong_abate[1] = 800;
	cfg->cong_onset[2] = 2000;
	cfg->cong_abate[2] = 1600;
	cfg->cong_levels = 3;
	cfg->cong_discard = 2500;
}

int sg_mtp2_cfg_check(const struct sg_mtp2_cfg *cfg, const char **err)
{
	unsigned int i;
	const char *e = NULL;

	for (i = 0; i < _SG_MTP2_T_MAX && !e; i++) {
		uint32_t v = cfg->timer_ms[i];

		if (v && !sg_tdef_in_range(&sg_mtp2_timer_defs[i], v))
			e = "timer out of its Q.703 range";
	}
	if (!e && (cfg->max_sif < 62 || cfg->max_sif > SG_MTP2_MAX_SIF))
		e = "max_sif must be 62..272";
	if (!e && cfg->n1 > (cfg->ext_seq ? 4095 : 127))
		e = "N1 larger than the sequence number space";
	if (!e && (!cfg->m_proving || !cfg->tin || !cfg->tie))
		e = "M, Tin and Tie must be at least 1";
	if (!e && (!cfg->suerm_t || !cfg->suerm_d || !cfg->octet_n))
		e = "SUERM T, D and N must be at least 1";
	if (!e && cfg->eim && (!cfg->eim_te || !cfg->eim_ue))
		e = "EIM Te and Ue must be at least 1";
	if (!e && cfg->ec != SG_MTP2_EC_BASIC && cfg->ec != SG_MTP2_EC_PCR)
		e = "unknown error correction method";
	if (!e && (cfg->cong_levels < 1 || cfg->cong_levels > 3))
		e = "congestion levels must be 1..3";
	for (i = 0; !e && i < cfg->cong_levels; i++) {
		if (!cfg->cong_abate[i] || cfg->cong_abate[i] >= cfg->cong_onset[i])
			e = "congestion abatement must be 1..onset-1 of its level";
		else if (i && cfg->cong_onset[i] <= cfg->cong_onset[i - 1])
			e = "congestion onsets must rise with the level";
	}
	if (!e && cfg->cong_discard <= cfg->cong_onset[cfg->cong_levels - 1])
		e = "congestion discard threshold must be above the top onset";
	if (err)
		*err = e;
	return e ? -EINVAL : 0;
}

/*
 * Entry points nest (a timer callback may indicate to L3, which requests).
 * On leaving the outermost one, push mode sends what changed.
 */
void mtp2_enter(struct sg_mtp2_link *l)
{
	l->depth++;
}

void mtp2_leave(struct sg_mtp2_link *l)
{
	uint8_t buf[SG_MTP2_SU_MAX];
	unsigned int i;
	size_t len;

	OSMO_ASSERT(l->depth > 0);
	if (--l->depth || !l->push_cb)
		return;
	l->depth++;
	for (i = 0; i < 2u * (l->seq_mask + 1u) + 16; i++) {
		bool repeatable;

		len = txc_next(l, buf, sizeof(buf), true);
		OSMO_ASSERT(len > 0);
		/* FISU and LSSU: the driver repeats them; stop when unchanged */
		repeatable = len <= (l->cfg.ext_seq ? 8u : 5u);
		if (repeatable && len == l->push_last_len && !memcmp(buf, l->push_last, len))
			break;
		memcpy(l->push_last, buf, len);
		l->push_last_len = len;
		l->push_cb(l, buf, len, l->push_priv);
	}
	l->depth--;
}

void mtp2_indicate(struct sg_mtp2_link *l, enum sg_mtp2_prim prim,
		   struct sg_mtp2_param *p, struct msgb *msg)
{
	struct sg_mtp2_param dummy = {};

	if (!p)
		p = &dummy;
	p->link_id = l->cfg.link_id;
	if (prim != SG_MTP2_DATA)
		LOGPLINK(l, LOGL_INFO, "-> L3 %s\n", get_value_string(sg_mtp2_prim_names, prim));
	if (l->ind_cb)
		l->ind_cb(l, prim, p, msg, l->priv);
	else
		msgb_free(msg);
}

static void ind_simple(struct sg_mtp2_link *l, enum sg_mtp2_prim prim)
{
	mtp2_indicate(l, prim, NULL, NULL);
}

static void set_state(struct sg_mtp2_link *l, enum sg_mtp2_lsc_state st, enum lsc_event ev)
{
	if (l->state == st)
		return;
	LOGPLINK(l, LOGL_INFO, "LSC %s -> %s (%s)\n",
		 get_value_string(sg_mtp2_lsc_state_names, l->state),
		 get_value_string(sg_mtp2_lsc_state_names, st),
		 get_value_string(lsc_event_names, ev));
	/* time in service: IN SERVICE and PROCESSOR OUTAGE count (Q.752 1.1) */
	if (st == SG_MTP2_LSC_IN_SERVICE || st == SG_MTP2_LSC_PROCESSOR_OUTAGE) {
		if (l->state != SG_MTP2_LSC_IN_SERVICE && l->state != SG_MTP2_LSC_PROCESSOR_OUTAGE)
			l->is_since = sg_now();
	} else if (l->state == SG_MTP2_LSC_IN_SERVICE ||
		   l->state == SG_MTP2_LSC_PROCESSOR_OUTAGE) {
		ctr_add(l, SG_MTP2_CTR_IN_SERVICE_MS, (sg_now() - l->is_since) / SG_NS_PER_MS);
	}
	l->state = st;
}

/* Common exit to OUT OF SERVICE (Fig. 8: stop, link failure, T1, SIO/SIOS). */
static void to_oos(struct sg_mtp2_link *l, enum lsc_event ev, int reason, bool indicate)
{
	struct sg_mtp2_param p = { .reason = reason };
	bool was_aligned = l->state != SG_MTP2_LSC_INITIAL_ALIGNMENT;

	if (l->state != SG_MTP2_LSC_OUT_OF_SERVICE) {
		l->last_oos.count++;
		if ((unsigned int)reason < SG_MTP2_OOS__COUNT)
			l->last_oos.by_reason[reason]++;
		l->last_oos.reason = reason;
		l->last_oos.detail = reason == SG_MTP2_OOS_ALIGN_FAIL ? l->iac.fail_why : NULL;
		l->last_oos.from = l->state;
		l->last_oos.at = sg_now();
	}

	sg_timer_stop(&l->t1);
	iac_stop(l);
	rc_stop(l);
	suerm_stop(l);
	poc_stop(l);
	cc_stop(l);
	txc_stop_timers(l);
	txc_send_lssu(l, SG_MTP2_SIOS);
	l->lpo = false;
	l->emergency = false;
	if (indicate && was_aligned) {
		ctr_inc(l, SG_MTP2_CTR_LINK_FAIL);
		switch (reason) {
		case SG_MTP2_OOS_SUERM:
		case SG_MTP2_OOS_EIM:
			ctr_inc(l, SG_MTP2_CTR_LINK_FAIL_ERR_RATE);
			break;
		case SG_MTP2_OOS_T7:
			ctr_inc(l, SG_MTP2_CTR_LINK_FAIL_ACK);
			break;
		case SG_MTP2_OOS_T6:
			ctr_inc(l, SG_MTP2_CTR_LINK_FAIL_CONG);
			break;
		case SG_MTP2_OOS_ABNORMAL_BSN:
		case SG_MTP2_OOS_ABNORMAL_FIB:
			ctr_inc(l, SG_MTP2_CTR_LINK_FAIL_SEQ);
			break;
		}
	}
	set_state(l, SG_MTP2_LSC_OUT_OF_SERVICE, ev);
	if (indicate) {
		LOGPLINK(l, LOGL_NOTICE, "out of service: %s\n",
			 get_value_string(sg_mtp2_oos_reason_names, reason));
		mtp2_indicate(l, SG_MTP2_OUT_OF_SERVICE, &p, NULL);
	}
}

/* ---- handlers, one per (state, event) cell of Fig. 8 ---- */

typedef void (*lsc_fn)(struct sg_mtp2_link *l, enum lsc_event ev, int reason);

static void h_power_on(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	txc_start(l);
	txc_send_lssu(l, SG_MTP2_SIOS);
	set_state(l, SG_MTP2_LSC_OUT_OF_SERVICE, ev);
}

static void h_flags(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	switch (ev) {
	case LSC_EV_LPO:
		l->lpo = true;
		break;
	case LSC_EV_LPR:
		l->lpo = false;
		break;
	case LSC_EV_EMERGENCY:
		l->emergency = true;
		break;
	case LSC_EV_EMERGENCY_CEASES:
		l->emergency = false;
		break;
	default:
		break;
	}
}

/* OUT OF SERVICE: start */
static void h_oos_start(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	rc_start(l);
	txc_start(l);
	l->was_in_service = false;
	ctr_inc(l, SG_MTP2_CTR_ALIGN_ATTEMPT);
	set_state(l, SG_MTP2_LSC_INITIAL_ALIGNMENT, ev);
	if (l->emergency)
		iac_emergency(l);
	iac_start(l);
}

static void h_flush(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	txc_flush_buffers(l);
}

static void h_ignore(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
}

/* INITIAL ALIGNMENT */
static void h_ia_complete(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	suerm_start(l);
	sg_timer_start_ms(&l->t1, link_timer_ms(l, SG_MTP2_T1));
	if (l->lpo) {
		poc_local_po(l);
		txc_send_lssu(l, SG_MTP2_SIPO);
		rc_accept_msu_fisu(l, false);
		set_state(l, SG_MTP2_LSC_ALIGNED_NOT_READY, ev);
	} else {
		txc_send_fisu(l);
		rc_accept_msu_fisu(l, true);
		set_state(l, SG_MTP2_LSC_ALIGNED_READY, ev);
	}
}

static void h_ia_not_possible(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	ctr_inc(l, SG_MTP2_CTR_ALIGN_FAIL);
	to_oos(l, ev, SG_MTP2_OOS_ALIGN_FAIL, true);
}

static void h_ia_emergency(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	l->emergency = true;
	iac_emergency(l);
}

static void h_ia_emergency_ceases(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	l->emergency = false;
	iac_emergency_ceases(l);
}

static void h_ia_status(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	static const uint8_t st[] = {
		[LSC_EV_SIO] = SG_MTP2_SIO, [LSC_EV_SIN] = SG_MTP2_SIN,
		[LSC_EV_SIE] = SG_MTP2_SIE, [LSC_EV_SIOS] = SG_MTP2_SIOS,
	};

	iac_status_rx(l, st[ev]);
}

static void h_stop(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	to_oos(l, ev, SG_MTP2_OOS_STOP, false);
}

static void h_fail(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	switch (ev) {
	case LSC_EV_SIOS:
		reason = SG_MTP2_OOS_SIOS;
		break;
	case LSC_EV_SIO:
	case LSC_EV_SIN:
	case LSC_EV_SIE:
		reason = SG_MTP2_OOS_SIO_SIN_SIE;
		break;
	case LSC_EV_T1:
		reason = SG_MTP2_OOS_T1;
		break;
	default:
		break;
	}
	to_oos(l, ev, reason, true);
}

/* ALIGNED READY */
static void h_ar_sipo(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	sg_timer_stop(&l->t1);
	txc_rpo(l, true);
	poc_remote_po(l);
	set_state(l, SG_MTP2_LSC_PROCESSOR_OUTAGE, ev);
	ind_simple(l, SG_MTP2_RPO);
}

static void h_ar_fisu_msu(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	sg_timer_stop(&l->t1);
	txc_send_msu(l);
	l->was_in_service = true;
	set_state(l, SG_MTP2_LSC_IN_SERVICE, ev);
	ind_simple(l, SG_MTP2_IN_SERVICE);
}

static void h_ar_lpo(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	l->lpo = true;
	poc_local_po(l);
	txc_send_lssu(l, SG_MTP2_SIPO);
	rc_accept_msu_fisu(l, false);
	set_state(l, SG_MTP2_LSC_ALIGNED_NOT_READY, ev);
}

/* ALIGNED NOT READY */
static void h_anr_lpr(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	l->lpo = false;
	poc_local_recovered(l);
	txc_send_fisu(l);
	rc_accept_msu_fisu(l, true);
	set_state(l, SG_MTP2_LSC_ALIGNED_READY, ev);
}

static void h_anr_fisu_msu(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	sg_timer_stop(&l->t1);
	l->was_in_service = true;
	set_state(l, SG_MTP2_LSC_PROCESSOR_OUTAGE, ev);
	ind_simple(l, SG_MTP2_IN_SERVICE);
}

static void h_anr_sipo(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	sg_timer_stop(&l->t1);
	l->was_in_service = true;
	txc_rpo(l, true);
	poc_remote_po(l);
	set_state(l, SG_MTP2_LSC_PROCESSOR_OUTAGE, ev);
	ind_simple(l, SG_MTP2_RPO);
}

/* IN SERVICE */
static void h_is_lpo(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	l->lpo = true;
	poc_local_po(l);
	txc_send_lssu(l, SG_MTP2_SIPO);
	rc_accept_msu_fisu(l, false);
	set_state(l, SG_MTP2_LSC_PROCESSOR_OUTAGE, ev);
}

static void h_is_sipo(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	txc_rpo(l, true);
	poc_remote_po(l);
	set_state(l, SG_MTP2_LSC_PROCESSOR_OUTAGE, ev);
	ind_simple(l, SG_MTP2_RPO);
}

/* PROCESSOR OUTAGE (Fig. 8 with POC, Fig. 10) */
static void h_po_lpo(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	if (l->lpo)
		return;
	l->lpo = true;
	poc_local_po(l);
	txc_send_lssu(l, SG_MTP2_SIPO);
	rc_accept_msu_fisu(l, false);
}

static void h_po_lpr(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	if (!l->lpo)
		return;
	l->lpo = false;
	/* back to FISU (MSUs stay held while the remote is in outage) */
	txc_send_msu(l);
	rc_accept_msu_fisu(l, true);
	poc_local_recovered(l);
}

static void h_po_sipo(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	if (l->poc.state == SG_MTP2_POC_REMOTE_PO || l->poc.state == SG_MTP2_POC_BOTH_PO)
		return;
	txc_rpo(l, true);
	poc_remote_po(l);
	ind_simple(l, SG_MTP2_RPO);
}

static void h_po_fisu_msu(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	if (l->poc.state != SG_MTP2_POC_REMOTE_PO && l->poc.state != SG_MTP2_POC_BOTH_PO)
		return;
	txc_rpo(l, false);
	ind_simple(l, SG_MTP2_RPR);
	poc_remote_recovered(l);
}

static void h_po_no_po(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	txc_send_msu(l);
	set_state(l, SG_MTP2_LSC_IN_SERVICE, ev);
}

#define S_OOS SG_MTP2_LSC_OUT_OF_SERVICE
#define S_IA SG_MTP2_LSC_INITIAL_ALIGNMENT
#define S_AR SG_MTP2_LSC_ALIGNED_READY
#define S_ANR SG_MTP2_LSC_ALIGNED_NOT_READY
#define S_IS SG_MTP2_LSC_IN_SERVICE
#define S_PO SG_MTP2_LSC_PROCESSOR_OUTAGE

/* State x event table of Fig. 8; an empty cell means "ignore". */
static const lsc_fn lsc_table[_SG_MTP2_LSC_STATE_MAX][_LSC_EV_MAX] = {
	[SG_MTP2_LSC_POWER_OFF] = {
		[LSC_EV_POWER_ON] = h_power_on,
	},
	[S_OOS] = {
		[LSC_EV_START] = h_oos_start,
		[LSC_EV_LPO] = h_flags,
		[LSC_EV_LPR] = h_flags,
		[LSC_EV_EMERGENCY] = h_flags,
		[LSC_EV_EMERGENCY_CEASES] = h_flags,
		[LSC_EV_FLUSH_BUFFERS] = h_flush,
		[LSC_EV_CONTINUE] = h_ignore,
	},
	[S_IA] = {
		[LSC_EV_STOP] = h_stop,
		[LSC_EV_LPO] = h_flags,
		[LSC_EV_LPR] = h_flags,
		[LSC_EV_EMERGENCY] = h_ia_emergency,
		[LSC_EV_EMERGENCY_CEASES] = h_ia_emergency_ceases,
		[LSC_EV_ALIGNMENT_COMPLETE] = h_ia_complete,
		[LSC_EV_ALIGNMENT_NOT_POSSIBLE] = h_ia_not_possible,
		[LSC_EV_LINK_FAILURE] = h_fail,
		[LSC_EV_SIO] = h_ia_status,
		[LSC_EV_SIN] = h_ia_status,
		[LSC_EV_SIE] = h_ia_status,
		[LSC_EV_SIOS] = h_ia_status,
	},
	[S_AR] = {
		[LSC_EV_STOP] = h_stop,
		[LSC_EV_LPO] = h_ar_lpo,
		[LSC_EV_EMERGENCY] = h_flags,
		[LSC_EV_EMERGENCY_CEASES] = h_flags,
		[LSC_EV_LINK_FAILURE] = h_fail,
		[LSC_EV_SIO] = h_fail,
		[LSC_EV_SIOS] = h_fail,
		[LSC_EV_SIPO] = h_ar_sipo,
		[LSC_EV_FISU_MSU] = h_ar_fisu_msu,
		[LSC_EV_T1] = h_fail,
	},
	[S_ANR] = {
		[LSC_EV_STOP] = h_stop,
		[LSC_EV_LPR] = h_anr_lpr,
		[LSC_EV_EMERGENCY] = h_flags,
		[LSC_EV_EMERGENCY_CEASES] = h_flags,
		[LSC_EV_LINK_FAILURE] = h_fail,
		[LSC_EV_SIO] = h_fail,
		[LSC_EV_SIOS] = h_fail,
		[LSC_EV_SIPO] = h_anr_sipo,
		[LSC_EV_FISU_MSU] = h_anr_fisu_msu,
		[LSC_EV_T1] = h_fail,
		[LSC_EV_FLUSH_BUFFERS] = h_flush,
	},
	[S_IS] = {
		[LSC_EV_STOP] = h_stop,
		[LSC_EV_LPO] = h_is_lpo,
		[LSC_EV_LINK_FAILURE] = h_fail,
		[LSC_EV_SIO] = h_fail,
		[LSC_EV_SIN] = h_fail,
		[LSC_EV_SIE] = h_fail,
		[LSC_EV_SIOS] = h_fail,
		[LSC_EV_SIPO] = h_is_sipo,
		[LSC_EV_FLUSH_BUFFERS] = h_ignore,
		[LSC_EV_CONTINUE] = h_ignore,
	},
	[S_PO] = {
		[LSC_EV_STOP] = h_stop,
		[LSC_EV_LPO] = h_po_lpo,
		[LSC_EV_LPR] = h_po_lpr,
		[LSC_EV_LINK_FAILURE] = h_fail,
		[LSC_EV_SIO] = h_fail,
		[LSC_EV_SIN] = h_fail,
		[LSC_EV_SIE] = h_fail,
		[LSC_EV_SIOS] = h_fail,
		[LSC_EV_SIPO] = h_po_sipo,
		[LSC_EV_FISU_MSU] = h_po_fisu_msu,
		[LSC_EV_NO_PO] = h_po_no_po,
		[LSC_EV_FLUSH_BUFFERS] = h_flush,
		[LSC_EV_CONTINUE] = h_ignore,
	},
};

void lsc_event(struct sg_mtp2_link *l, enum lsc_event ev, int reason)
{
	lsc_fn fn;

	OSMO_ASSERT(ev < _LSC_EV_MAX);
	fn = lsc_table[l->state][ev];
	if (!fn) {
		if (ev != LSC_EV_FISU_MSU)
			LOGPLINK(l, LOGL_DEBUG, "LSC %s: %s ignored\n",
				 get_value_string(sg_mtp2_lsc_state_names, l->state),
				 get_value_string(lsc_event_names, ev));
		return;
	}
	fn(l, ev, reason);
}

void mtp2_link_failure(struct sg_mtp2_link *l, enum sg_mtp2_oos_reason reason)
{
	LOGPLINK(l, LOGL_INFO, "link failure: %s\n",
		 get_value_string(sg_mtp2_oos_reason_names, reason));
	lsc_event(l, LSC_EV_LINK_FAILURE, reason);
}

static void t1_cb(void *data)
{
	struct sg_mtp2_link *l = data;

	mtp2_enter(l);
	LOGPLINK(l, LOGL_INFO, "T1 expired\n");
	lsc_event(l, LSC_EV_T1, 0);
	mtp2_leave(l);
}

static int link_destructor(struct sg_mtp2_link *l)
{
	sg_timer_stop(&l->t1);
	iac_stop(l);
	suerm_stop(l);
	aerm_stop(l);
	cc_stop(l);
	txc_stop_timers(l);
	txc_fini(l);
	return 0;
}

struct sg_mtp2_link *sg_mtp2_link_alloc(void *ctx, const struct sg_mtp2_cfg *cfg,
					sg_mtp2_ind_cb_t ind_cb, void *priv)
{
	struct sg_mtp2_cfg def;
	struct sg_mtp2_link *l;
	const char *err;
	unsigned int i;

	if (!cfg) {
		sg_mtp2_cfg_defaults(&def);
		cfg = &def;
	}
	if (sg_mtp2_cfg_check(cfg, &err) < 0) {
		LOGP(DMTP2, LOGL_ERROR, "MTP2(%s) bad configuration: %s\n",
		     cfg->name ? cfg->name : "?", err);
		return NULL;
	}
	l = talloc_zero(ctx, struct sg_mtp2_link);
	if (!l)
		return NULL;
	l->cfg = *cfg;
	l->name = talloc_strdup(l, cfg->name ? cfg->name : "mtp2");
	l->cfg.name = l->name;
	for (i = 0; i < _SG_MTP2_T_MAX; i++)
		if (!l->cfg.timer_ms[i])
			l->cfg.timer_ms[i] = sg_mtp2_timer_defs[i].def_val;
	l->seq_mask = cfg->ext_seq ? 0xfff : 0x7f;
	if (!l->cfg.n1)
		l->cfg.n1 = l->seq_mask;
	l->ind_cb = ind_cb;
	l->priv = priv;
	l->ctr = sg_ctr_group_alloc(l, &sg_mtp2_ctr_group_desc);
	if (!l->ctr || txc_init(l) < 0) {
		talloc_free(l);
		return NULL;
	}
	sg_timer_setup(&l->t1, t1_cb, l);
	iac_init(l);
	em_init(l);
	cc_init(l);
	poc_init(l);
	talloc_set_destructor(l, link_destructor);
	l->state = SG_MTP2_LSC_POWER_OFF;
	lsc_event(l, LSC_EV_POWER_ON, 0);
	return l;
}

void sg_mtp2_link_free(struct sg_mtp2_link *link)
{
	talloc_free(link);
}

int sg_mtp2_set_timer(struct sg_mtp2_link *l, enum sg_mtp2_timer t, uint32_t ms)
{
	if (t >= _SG_MTP2_T_MAX)
		return -EINVAL;
	if (!sg_tdef_in_range(&sg_mtp2_timer_defs[t], ms))
		return -ERANGE;
	l->cfg.timer_ms[t] = ms;
	return 0;
}

uint32_t sg_mtp2_get_timer(const struct sg_mtp2_link *l, enum sg_mtp2_timer t)
{
	return t < _SG_MTP2_T_MAX ? l->cfg.timer_ms[t] : 0;
}

void *sg_mtp2_priv(const struct sg_mtp2_link *l)
{
	return l->priv;
}

const char *sg_mtp2_name(const struct sg_mtp2_link *l)
{
	return l->name;
}

enum sg_mtp2_lsc_state sg_mtp2_lsc_state(const struct sg_mtp2_link *l)
{
	return l->state;
}

const struct sg_mtp2_oos_info *sg_mtp2_last_oos(const struct sg_mtp2_link *l)
{
	return &l->last_oos;
}

struct sg_ctr_group *sg_mtp2_counters(struct sg_mtp2_link *l)
{
	if (l->state == SG_MTP2_LSC_IN_SERVICE || l->state == SG_MTP2_LSC_PROCESSOR_OUTAGE) {
		uint64_t now = sg_now();

		ctr_add(l, SG_MTP2_CTR_IN_SERVICE_MS, (now - l->is_since) / SG_NS_PER_MS);
		/* keep the sub-millisecond remainder for the next update */
		l->is_since = now - (now - l->is_since) % SG_NS_PER_MS;
	}
	return l->ctr;
}

void sg_mtp2_set_tx_push(struct sg_mtp2_link *l, sg_mtp2_tx_push_cb_t cb, void *priv)
{
	l->push_cb = cb;
	l->push_priv = priv;
	l->push_last_len = 0;
	if (cb) {
		mtp2_enter(l);
		mtp2_leave(l);
	}
}

size_t sg_mtp2_tx_next(struct sg_mtp2_link *l, uint8_t *buf, size_t max)
{
	size_t len;

	mtp2_enter(l);
	len = txc_next(l, buf, max, false);
	mtp2_leave(l);
	return len;
}

void sg_mtp2_link_alarm(struct sg_mtp2_link *l, bool active)
{
	mtp2_enter(l);
	if (active && !l->alarm) {
		LOGPLINK(l, LOGL_NOTICE, "adapter alarm: link failure\n");
		mtp2_link_failure(l, SG_MTP2_OOS_LINK_FAIL);
	}
	l->alarm = active;
	mtp2_leave(l);
}

/* Q.704 §5.4/§5.5 changeover support and the Fig. 8 orders from L3. */
int sg_mtp2_l3_req(struct sg_mtp2_link *l, enum sg_mtp2_prim prim,
		   const struct sg_mtp2_param *param, struct msgb *msg)
{
	struct sg_mtp2_param p = {};
	int rc = 0;

	mtp2_enter(l);
	if (prim != SG_MTP2_DATA)
		LOGPLINK(l, LOGL_INFO, "L3 -> %s (LSC %s)\n",
			 get_value_string(sg_mtp2_prim_names, prim),
			 get_value_string(sg_mtp2_lsc_state_names, l->state));
	switch (prim) {
	case SG_MTP2_START:
		lsc_event(l, LSC_EV_START, 0);
		break;
	case SG_MTP2_STOP:
		lsc_event(l, LSC_EV_STOP, 0);
		break;
	case SG_MTP2_EMERGENCY:
		lsc_event(l, LSC_EV_EMERGENCY, 0);
		break;
	case SG_MTP2_EMERGENCY_CEASES:
		lsc_event(l, LSC_EV_EMERGENCY_CEASES, 0);
		break;
	case SG_MTP2_LPO:
		lsc_event(l, LSC_EV_LPO, 0);
		break;
	case SG_MTP2_LPR:
		lsc_event(l, LSC_EV_LPR, 0);
		break;
	case SG_MTP2_FLUSH_BUFFERS:
		lsc_event(l, LSC_EV_FLUSH_BUFFERS, 0);
		break;
	case SG_MTP2_CONTINUE:
		lsc_event(l, LSC_EV_CONTINUE, 0);
		break;
	case SG_MTP2_RETRIEVE_BSNT:
		/* Q.704 §5.4.1: BSNT is the FSN of the last MSU accepted */
		if (l->was_in_service && l->state != SG_MTP2_LSC_IN_SERVICE) {
			p.bsnt = rc_bsnt(l);
			mtp2_indicate(l, SG_MTP2_RETRIEVE_BSNT, &p, NULL);
		} else {
			mtp2_indicate(l, SG_MTP2_BSNT_NOT_RETRIEVABLE, &p, NULL);
		}
		break;
	case SG_MTP2_RETRIEVAL_REQ:
		if (!param || l->state == SG_MTP2_LSC_IN_SERVICE ||
		    txc_retrieve(l, param->fsnc) < 0)
			mtp2_indicate(l, SG_MTP2_RETRIEVAL_NOT_POSSIBLE, &p, NULL);
		break;
	case SG_MTP2_CLEAR_RTB:
		if (l->state == SG_MTP2_LSC_IN_SERVICE)
			rc = -EBUSY;
		else
			txc_discard_rtb(l);
		break;
	case SG_MTP2_DATA:
		if (!msg) {
			rc = -EINVAL;
			break;
		}
		txc_msu_req(l, msg);
		msg = NULL;
		break;
	default:
		rc = -EINVAL;
		break;
	}
	msgb_free(msg);
	mtp2_leave(l);
	return rc;
}
