/* Signalling link terminal: adapter channel + software HDLC (Q.703 §3, §4) or frames + MTP2. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/config.h>
#include <sg/counter.h>
#include <sg/hdlc.h>
#include <sg/log.h>
#include <sg/pcap.h>
#include <sg/slt.h>
#include <sg/tdef.h>
#include <sg/timer.h>

#define FRAME_QUEUE_LEN 64

enum slt_ctr {
	SLT_CTR_RX_FRAMES,
	SLT_CTR_RX_ERR_FCS,
	SLT_CTR_RX_ERR_ABORT,
	SLT_CTR_RX_ERR_SHORT,
	SLT_CTR_RX_ERR_LONG,
	SLT_CTR_RX_ERR_NONOCTET,
	SLT_CTR_RX_ERR_DRIVER,
	SLT_CTR_OCM_ENTERED,
	SLT_CTR_OCM_EVENTS,
	SLT_CTR_TX_FRAMES,
	SLT_CTR_TX_QUEUE_DROP,
	SLT_CTR_ALARMS,
	SLT_CTR_TRACE_RECORDS,
	SLT_CTR_RX_DISCARD_MTP3,
	_SLT_CTR_MAX
};

static const struct sg_ctr_desc slt_ctr_desc[] = {
	[SLT_CTR_RX_FRAMES] = { "hdlc:rx:frames", "Correct frames received (FCS and length good)" },
	[SLT_CTR_RX_ERR_FCS] = { "hdlc:rx:err:fcs", "Frames with a wrong FCS" },
	[SLT_CTR_RX_ERR_ABORT] = { "hdlc:rx:err:abort", "Frames aborted (7 or more ones)" },
	[SLT_CTR_RX_ERR_SHORT] = { "hdlc:rx:err:short", "Frames too short (Q.703 4.1.4)" },
	[SLT_CTR_RX_ERR_LONG] = { "hdlc:rx:err:long", "Frames too long (Q.703 4.1.4)" },
	[SLT_CTR_RX_ERR_NONOCTET] = { "hdlc:rx:err:nonoctet",
				      "Frames not a whole number of octets" },
	[SLT_CTR_RX_ERR_DRIVER] = { "hdlc:rx:err:driver",
				    "Frame errors reported by the driver or hardware" },
	[SLT_CTR_OCM_ENTERED] = { "hdlc:ocm:entered", "Times octet counting mode was entered" },
	[SLT_CTR_OCM_EVENTS] = { "hdlc:ocm:events", "N-octet intervals counted in octet counting mode" },
	[SLT_CTR_TX_FRAMES] = { "hdlc:tx:frames", "Frames transmitted" },
	[SLT_CTR_TX_QUEUE_DROP] = { "frames:tx:dropped",
				    "Frames dropped because the driver queue was full" },
	[SLT_CTR_ALARMS] = { "adapter:alarms", "Adapter alarms raised on the link's span" },
	[SLT_CTR_TRACE_RECORDS] = { "trace:records", "SUs written to the pcap trace" },
	[SLT_CTR_RX_DISCARD_MTP3] = { "rx:discard:mtp3_busy",
		"Received MSUs discarded: MTP3's mailbox was full (overload)" },
};

static const struct sg_ctr_group_desc slt_ctrg_desc = {
	"slt", ARRAY_SIZE(slt_ctr_desc), slt_ctr_desc
};

struct frame_q {
	uint16_t len;
	uint8_t data[SG_MTP2_SU_MAX + 2];
};

struct sg_slt {
	char name[32];
	struct sg_slt_cfg cfg;
	struct sg_span *span;
	struct sg_chan *chan;
	struct sg_mtp2_link *mtp2;
	struct sg_ctr_group *ctr;
	uint32_t alarms;
	uint32_t fail_alarms;	/* the alarms raised when the line last went into alarm */

	/* BITS mode */
	struct sg_hdlc_rx rx;
	struct sg_hdlc_tx tx;

	/* FRAMES mode: last FISU/LSSU, repeated on a timer; frames waiting
	 * for the driver */
	struct sg_timer repeat;
	uint8_t last_tx[SG_MTP2_SU_MAX + 2];
	size_t last_tx_len;
	struct frame_q *q;
	unsigned int q_head, q_len;

	/* trace */
	struct sg_pcap *pcap;
	bool trace_all_fisu;
	uint8_t trace_last[2][SG_MTP2_SU_MAX];	/* [sent] */
	size_t trace_last_len[2];
};

/* ---- trace ---- */

static bool is_fisu_or_lssu(const struct sg_slt *slt, const uint8_t *su, size_t len)
{
	/* LI is 0 (FISU) or 1..2 (LSSU): Q.703 §2.3.3; Annex A: 9-bit LI */
	unsigned int li = slt->cfg.annex_a ? (len >= 6 ? (su[4] | (su[5] << 8)) & 0x1ff : 0)
					   : (len >= 3 ? su[2] & 0x3f : 0);
	return li <= 2;
}

static void trace(struct sg_slt *slt, bool sent, const uint8_t *su, size_t len)
{
	if (!slt->pcap || len > SG_MTP2_SU_MAX)
		return;
	if (!slt->trace_all_fisu && is_fisu_or_lssu(slt, su, len) &&
	    slt->trace_last_len[sent] == len && !memcmp(slt->trace_last[sent], su, len))
		return;
	memcpy(slt->trace_last[sent], su, len);
	slt->trace_last_len[sent] = len;
	if (sg_pcap_write_mtp2(slt->pcap, sent, slt->cfg.annex_a, slt->cfg.link_id, su, len) < 0) {
		LOGP(DMTP2, LOGL_ERROR, "link %s: trace %s: write failed, trace stopped\n",
		     slt->name, sg_pcap_path(slt->pcap));
		sg_slt_trace_stop(slt);
		return;
	}
	sg_ctr_inc(slt->ctr, SLT_CTR_TRACE_RECORDS);
}

static int trace_begin(struct sg_slt *slt, struct sg_pcap *p, bool all_fisu)
{
	if (!p)
		return -errno;
	slt->pcap = p;
	slt->trace_all_fisu = all_fisu;
	slt->trace_last_len[0] = slt->trace_last_len[1] = 0;
	LOGP(DMTP2, LOGL_NOTICE, "link %s: tracing to %s\n", slt->name, sg_pcap_path(p));
	return 0;
}

int sg_slt_trace_start(struct sg_slt *slt, const char *path, bool all_fisu)
{
	if (slt->pcap)
		return -EBUSY;
	return trace_begin(slt, sg_pcap_open(path, SG_PCAP_LINKTYPE_MTP2_WITH_PHDR), all_fisu);
}

int sg_slt_trace_start_at(struct sg_slt *slt, int dirfd, const char *name, const char *path,
			  bool all_fisu)
{
	if (slt->pcap)
		return -EBUSY;
	return trace_begin(slt, sg_pcap_openat(dirfd, name, path, SG_PCAP_LINKTYPE_MTP2_WITH_PHDR),
			   all_fisu);
}

bool sg_slt_tracing(const struct sg_slt *slt)
{
	return slt->pcap != NULL;
}

const char *sg_slt_trace_path(const struct sg_slt *slt)
{
	return slt->pcap ? sg_pcap_path(slt->pcap) : NULL;
}

void sg_slt_trace_stop(struct sg_slt *slt)
{
	if (!slt->pcap)
		return;
	LOGP(DMTP2, LOGL_NOTICE, "link %s: trace %s stopped (%llu SUs)\n", slt->name,
	     sg_pcap_path(slt->pcap), (unsigned long long)sg_pcap_records(slt->pcap));
	sg_pcap_close(slt->pcap);
	slt->pcap = NULL;
}

/* ---- BITS mode: software HDLC between the line and MTP2 ---- */

static void hdlc_frame(void *priv, const uint8_t *su, size_t len)
{
	struct sg_slt *slt = priv;

	sg_ctr_inc(slt->ctr, SLT_CTR_RX_FRAMES);
	trace(slt, false, su, len);
	sg_mtp2_rx_su(slt->mtp2, su, len);
}

static void hdlc_error(void *priv, enum sg_hdlc_rx_err err, size_t octets)
{
	struct sg_slt *slt = priv;
	static const unsigned int ctr[_NUM_SG_HDLC_RX_ERR] = {
		[SG_HDLC_RX_ERR_FCS] = SLT_CTR_RX_ERR_FCS,
		[SG_HDLC_RX_ERR_ABORT] = SLT_CTR_RX_ERR_ABORT,
		[SG_HDLC_RX_ERR_SHORT] = SLT_CTR_RX_ERR_SHORT,
		[SG_HDLC_RX_ERR_LONG] = SLT_CTR_RX_ERR_LONG,
		[SG_HDLC_RX_ERR_NONOCTET] = SLT_CTR_RX_ERR_NONOCTET,
	};

	if (err < _NUM_SG_HDLC_RX_ERR)
		sg_ctr_inc(slt->ctr, ctr[err]);
	/* Q.703 §4.1.4/§10: an SU in error counts towards SUERM/AERM/EIM */
	sg_mtp2_rx_event(slt->mtp2, SG_MTP2_RX_SU_ERROR);
}

static void hdlc_ocm_enter(void *priv)
{
	struct sg_slt *slt = priv;

	sg_ctr_inc(slt->ctr, SLT_CTR_OCM_ENTERED);
	sg_mtp2_rx_event(slt->mtp2, SG_MTP2_RX_LOSS_OF_ALIGN);
}

static void hdlc_ocm_octets(void *priv)
{
	struct sg_slt *slt = priv;

	sg_ctr_inc(slt->ctr, SLT_CTR_OCM_EVENTS);
	sg_mtp2_rx_event(slt->mtp2, SG_MTP2_RX_OCTET_COUNT);
}

static const struct sg_hdlc_rx_ops hdlc_rx_ops = {
	.frame = hdlc_frame,
	.error = hdlc_error,
	.ocm_enter = hdlc_ocm_enter,
	.ocm_octets = hdlc_ocm_octets,
};

static size_t hdlc_next_su(void *priv, uint8_t *buf, size_t max)
{
	struct sg_slt *slt = priv;
	/* the HDLC's buffer holds this link's longest SU (m + header), which
	 * is what MTP2 needs: it writes straight into it */
	size_t len = sg_mtp2_tx_next(slt->mtp2, buf, max);

	if (len) {
		sg_ctr_inc(slt->ctr, SLT_CTR_TX_FRAMES);
		trace(slt, true, buf, len);
	}
	return len;
}

static void chan_rx_bits(void *user, const uint8_t *octets, size_t n)
{
	struct sg_slt *slt = user;

	sg_hdlc_rx_feed(&slt->rx, octets, n);
}

static void chan_tx_bits(void *user, uint8_t *octets, size_t n)
{
	struct sg_slt *slt = user;

	sg_hdlc_tx_fill(&slt->tx, octets, n);
}

/* ---- FRAMES mode ---- */

static void q_flush(struct sg_slt *slt)
{
	while (slt->q_len) {
		struct frame_q *f = &slt->q[slt->q_head];
		int rc = sg_chan_tx_frame(slt->chan, f->data, f->len);

		if (rc == -EAGAIN)
			return;	/* tx_ready will call us again */
		if (rc < 0)
			LOGP(DMTP2, LOGL_ERROR, "link %s: frame transmit: %s\n", slt->name,
			     strerror(-rc));
		else
			sg_ctr_inc(slt->ctr, SLT_CTR_TX_FRAMES);
		slt->q_head = (slt->q_head + 1) % FRAME_QUEUE_LEN;
		slt->q_len--;
	}
}

static void send_frame(struct sg_slt *slt, const uint8_t *su, size_t len)
{
	struct frame_q *f;
	uint16_t fcs;

	if (slt->q_len == FRAME_QUEUE_LEN) {
		/* the driver is stuck: lose the oldest, as a line error would;
		 * MTP2 error correction recovers an MSU */
		sg_ctr_inc(slt->ctr, SLT_CTR_TX_QUEUE_DROP);
		slt->q_head = (slt->q_head + 1) % FRAME_QUEUE_LEN;
		slt->q_len--;
	}
	f = &slt->q[(slt->q_head + slt->q_len) % FRAME_QUEUE_LEN];
	memcpy(f->data, su, len);
	/* DAHDI's convention: 2 FCS octets follow the SU (a DAHDI card in
	 * HDLC/FCS mode overwrites them; libss7 ignores them) */
	fcs = sg_hdlc_fcs16(su, len);
	f->data[len] = fcs & 0xff;
	f->data[len + 1] = fcs >> 8;
	f->len = len + 2;
	slt->q_len++;
	trace(slt, true, su, len);
	q_flush(slt);
}

static void mtp2_push(struct sg_mtp2_link *link, const uint8_t *su, size_t len, void *priv)
{
	struct sg_slt *slt = priv;

	if (len > SG_MTP2_SU_MAX)
		return;
	send_frame(slt, su, len);
	if (is_fisu_or_lssu(slt, su, len)) {
		memcpy(slt->last_tx, su, len);
		slt->last_tx_len = len;
	}
}

static void repeat_cb(void *data)
{
	struct sg_slt *slt = data;

	/* Q.703 §5.1/§6: FISUs and LSSUs are sent continuously; over a frame
	 * channel we repeat the last one at repeat_ms */
	if (slt->last_tx_len && !slt->q_len)
		send_frame(slt, slt->last_tx, slt->last_tx_len);
	sg_timer_start_ms(&slt->repeat, slt->cfg.repeat_ms);
}

static void chan_rx_frame(void *user, const uint8_t *frame, size_t len)
{
	struct sg_slt *slt = user;

	if (len < 2 + 3) {	/* FCS + the shortest SU */
		sg_ctr_inc(slt->ctr, SLT_CTR_RX_ERR_SHORT);
		sg_mtp2_rx_event(slt->mtp2, SG_MTP2_RX_SU_ERROR);
		return;
	}
	if (len - 2 > SG_MTP2_SU_MAX) {
		sg_ctr_inc(slt->ctr, SLT_CTR_RX_ERR_LONG);
		sg_mtp2_rx_event(slt->mtp2, SG_MTP2_RX_SU_ERROR);
		return;
	}
	/* the FCS was checked by the card (DAHDI reports bad ones as events)
	 * or is not carried (libss7 sends 00 00): strip it */
	sg_ctr_inc(slt->ctr, SLT_CTR_RX_FRAMES);
	trace(slt, false, frame, len - 2);
	sg_mtp2_rx_su(slt->mtp2, frame, len - 2);
}

static void chan_tx_ready(void *user)
{
	q_flush(user);
}

static void chan_rx_error(void *user, enum sg_adapter_error err)
{
	struct sg_slt *slt = user;

	switch (err) {
	case SG_ADAPTER_ERR_FCS:
		sg_ctr_inc(slt->ctr, SLT_CTR_RX_ERR_FCS);
		break;
	case SG_ADAPTER_ERR_ABORT:
		sg_ctr_inc(slt->ctr, SLT_CTR_RX_ERR_ABORT);
		break;
	default:
		sg_ctr_inc(slt->ctr, SLT_CTR_RX_ERR_DRIVER);
		break;
	}
	if (err == SG_ADAPTER_ERR_UNDERRUN)
		return;	/* a transmit problem, not an SU in error */
	sg_mtp2_rx_event(slt->mtp2, SG_MTP2_RX_SU_ERROR);
}

static void chan_alarm(void *user, uint32_t alarms)
{
	struct sg_slt *slt = user;

	if (alarms && !slt->alarms) {
		sg_ctr_inc(slt->ctr, SLT_CTR_ALARMS);
		slt->fail_alarms = alarms;	/* what a link failure now is due to */
	}
	slt->alarms = alarms;
	/* Q.703 §1.7: a line fault is a link failure for LSC */
	sg_mtp2_link_alarm(slt->mtp2, alarms != 0);
}

static const struct sg_chan_ops slt_chan_ops = {
	.rx_bits = chan_rx_bits,
	.tx_bits = chan_tx_bits,
	.rx_frame = chan_rx_frame,
	.tx_ready = chan_tx_ready,
	.rx_error = chan_rx_error,
	.alarm = chan_alarm,
};

/* ---- life cycle ---- */

struct sg_slt *sg_slt_open(void *ctx, struct sg_span *span, const struct sg_slt_cfg *cfg,
			   sg_mtp2_ind_cb_t ind, void *priv, char *err, size_t errlen)
{
	struct sg_slt *slt = talloc_zero(ctx, struct sg_slt);
	struct sg_mtp2_cfg mcfg;
	struct sg_hdlc_cfg hcfg;
	enum sg_chan_rate rate;
	enum sg_adapter_mode mode;

	if (!slt) {
		snprintf(err, errlen, "link %s: out of memory", cfg->name);
		return NULL;
	}
	snprintf(slt->name, sizeof(slt->name), "%s", cfg->name);
	slt->cfg = *cfg;
	slt->cfg.name = slt->name;
	slt->cfg.mtp2 = NULL;
	if (!slt->cfg.repeat_ms)
		slt->cfg.repeat_ms = 5;
	slt->span = span;
	slt->ctr = sg_ctr_group_alloc(slt, &slt_ctrg_desc);

	if (cfg->mtp2)
		mcfg = *cfg->mtp2;
	else
		sg_mtp2_cfg_defaults(&mcfg);
	mcfg.name = slt->name;
	mcfg.link_id = cfg->link_id;
	if (cfg->annex_a) {
		mcfg.ext_seq = true;
		mcfg.eim = true;
	}
	if (cfg->pcr)
		mcfg.ec = SG_MTP2_EC_PCR;
	if (cfg->cong_levels)
		mcfg.cong_levels = cfg->cong_levels;
	slt->mtp2 = sg_mtp2_link_alloc(slt, &mcfg, ind, priv);
	if (!slt->mtp2) {
		snprintf(err, errlen, "link %s: invalid MTP2 configuration", cfg->name);
		goto fail;
	}

	if (cfg->ts == 0)
		rate = span->unframed ? SG_CHAN_2048K : SG_CHAN_1984K;
	else
		rate = cfg->rate_56k ? SG_CHAN_56K : SG_CHAN_64K;
	mode = !span->drv->supports || span->drv->supports(span, SG_ADAPTER_MODE_BITS)
		? SG_ADAPTER_MODE_BITS : SG_ADAPTER_MODE_FRAMES;
	slt->chan = sg_chan_open(span, cfg->ts, mode, rate, &slt_chan_ops, slt, err, errlen);
	if (!slt->chan)
		goto fail;

	if (mode == SG_ADAPTER_MODE_BITS) {
		if (sg_hdlc_cfg_q703(&hcfg, cfg->annex_a ? SG_HDLC_ANNEX_A : SG_HDLC_BASIC,
				     mcfg.max_sif) < 0) {
			snprintf(err, errlen, "link %s: SIF length %u not supported", cfg->name,
				 mcfg.max_sif);
			goto fail;
		}
		if (slt->chan->msb_first)
			hcfg.flags |= SG_HDLC_F_MSB_FIRST;
		if (rate == SG_CHAN_56K)
			hcfg.flags |= SG_HDLC_F_56K;
		if (sg_hdlc_rx_init(&slt->rx, &hcfg, &hdlc_rx_ops, slt) < 0 ||
		    sg_hdlc_tx_init(&slt->tx, &hcfg, hdlc_next_su, slt) < 0) {
			snprintf(err, errlen, "link %s: HDLC configuration refused", cfg->name);
			goto fail;
		}
	} else {
		slt->q = talloc_zero_array(slt, struct frame_q, FRAME_QUEUE_LEN);
		sg_timer_setup(&slt->repeat, repeat_cb, slt);
		sg_mtp2_set_tx_push(slt->mtp2, mtp2_push, slt);
		sg_timer_start_ms(&slt->repeat, slt->cfg.repeat_ms);
	}
	LOGP(DMTP2, LOGL_INFO, "link %s: on span %s timeslot %u, %s mode%s\n", slt->name,
	     span->name, cfg->ts, mode == SG_ADAPTER_MODE_BITS ? "bitstream (software HDLC)"
							       : "frame", cfg->annex_a ? ", Annex A" : "");
	return slt;
fail:
	sg_slt_close(slt);
	return NULL;
}

void sg_slt_close(struct sg_slt *slt)
{
	if (!slt)
		return;
	sg_timer_stop(&slt->repeat);
	sg_slt_trace_stop(slt);
	if (slt->chan)
		sg_chan_close(slt->chan);
	if (slt->mtp2)
		sg_mtp2_link_free(slt->mtp2);
	talloc_free(slt);
}

void sg_slt_count_rx_discard(struct sg_slt *slt)
{
	sg_ctr_inc(slt->ctr, SLT_CTR_RX_DISCARD_MTP3);
}

struct sg_mtp2_link *sg_slt_mtp2(struct sg_slt *slt)
{
	return slt->mtp2;
}

const char *sg_slt_name(const struct sg_slt *slt)
{
	return slt->name;
}

enum sg_adapter_mode sg_slt_mode(const struct sg_slt *slt)
{
	return slt->chan->mode;
}

static const char *const alarm_names[] = { "los", "lof", "ais", "rai", "pw-l", "pw-loss" };

static struct json_object *alarms_to_json(uint32_t bits)
{
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < ARRAY_SIZE(alarm_names); i++)
		if (bits & (1U << i))
			json_object_array_add(a, json_object_new_string(alarm_names[i]));
	return a;
}

/* "out_of_service": why MTP2 last took the link out of service, null if it never did */
static struct json_object *oos_to_json(struct sg_slt *slt)
{
	const struct sg_mtp2_oos_info *oi = sg_mtp2_last_oos(slt->mtp2);
	struct json_object *o, *by;
	const char *text;
	char buf[128];

	if (!oi->count)
		return NULL;
	o = json_object_new_object();
	text = get_value_string(sg_mtp2_oos_reason_names, oi->reason);
	if (oi->detail) {
		snprintf(buf, sizeof(buf), "%s: %s", text, oi->detail);
		text = buf;
	}
	json_object_object_add(o, "reason", json_object_new_string(
		get_value_string(sg_mtp2_oos_reason_codes, oi->reason)));
	json_object_object_add(o, "text", json_object_new_string(text));
	json_object_object_add(o, "alarms", oi->reason == SG_MTP2_OOS_LINK_FAIL ?
				alarms_to_json(slt->fail_alarms) : json_object_new_array());
	json_object_object_add(o, "from", json_object_new_string(
		get_value_string(sg_mtp2_lsc_state_names, oi->from)));
	json_object_object_add(o, "ago_ms", json_object_new_int64(
		(int64_t)((sg_now() - oi->at) / SG_NS_PER_MS)));
	json_object_object_add(o, "count", json_object_new_int64(oi->count));
	/* every reason seen so far, with how often: the last one alone hides a cause
	 * when the link fails again before anyone looks */
	by = json_object_new_object();
	for (unsigned int r = 0; r < SG_MTP2_OOS__COUNT; r++)
		if (oi->by_reason[r])
			json_object_object_add(by, get_value_string(sg_mtp2_oos_reason_codes, r),
					       json_object_new_int64(oi->by_reason[r]));
	json_object_object_add(o, "by_reason", by);
	return o;
}

struct json_object *sg_slt_to_json(struct sg_slt *slt, bool counters)
{
	struct json_object *o = json_object_new_object();
	struct json_object *alarms;

	json_object_object_add(o, "name", json_object_new_string(slt->name));
	json_object_object_add(o, "span", json_object_new_string(slt->span->name));
	json_object_object_add(o, "timeslot", json_object_new_int(slt->cfg.ts));
	json_object_object_add(o, "mode", json_object_new_string(
		slt->chan->mode == SG_ADAPTER_MODE_BITS ? "bitstream" : "frames"));
	json_object_object_add(o, "annex_a", json_object_new_boolean(slt->cfg.annex_a));
	json_object_object_add(o, "state", json_object_new_string(
		get_value_string(sg_mtp2_lsc_state_names, sg_mtp2_lsc_state(slt->mtp2))));
	json_object_object_add(o, "alignment", json_object_new_string(
		get_value_string(sg_mtp2_iac_state_names, sg_mtp2_iac_state(slt->mtp2))));
	json_object_object_add(o, "processor_outage", json_object_new_string(
		get_value_string(sg_mtp2_poc_state_names, sg_mtp2_poc_state(slt->mtp2))));
	alarms = alarms_to_json(slt->alarms);
	json_object_object_add(o, "alarms", alarms);
	json_object_object_add(o, "out_of_service", oos_to_json(slt));
	json_object_object_add(o, "trace", slt->pcap ? json_object_new_string(sg_pcap_path(slt->pcap))
						     : NULL);
	/* Q.704 §3.8: what MTP2 last indicated to MTP3 (the linksets API shows MTP3's view) */
	json_object_object_add(o, "congestion", json_object_new_int(sg_mtp2_cong_level(slt->mtp2)));
	json_object_object_add(o, "congestion_discard",
			       json_object_new_boolean(sg_mtp2_cong_discard(slt->mtp2)));
	json_object_object_add(o, "tx_buffer", json_object_new_int(sg_mtp2_tb_len(slt->mtp2) +
								   sg_mtp2_rtb_len(slt->mtp2)));
	if (counters) {
		struct json_object *arr = sg_ctr_group_to_json(sg_mtp2_counters(slt->mtp2));
		struct json_object *more = sg_ctr_group_to_json(slt->ctr);
		uint32_t timers[_SG_MTP2_T_MAX];

		for (size_t i = 0; i < json_object_array_length(more); i++)
			json_object_array_add(arr, json_object_get(json_object_array_get_idx(more,
											     i)));
		json_object_put(more);
		json_object_object_add(o, "counters", arr);
		for (unsigned int t = 0; t < _SG_MTP2_T_MAX; t++)
			timers[t] = sg_mtp2_get_timer(slt->mtp2, t);
		json_object_object_add(o, "timers_ms", sg_tdef_values_json(sg_mtp2_timer_defs,
									   _SG_MTP2_T_MAX,
									   timers));
	}
	return o;
}
