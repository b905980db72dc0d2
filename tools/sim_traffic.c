/* Traffic engine of the simulators: ISUP basic call control per circuit (Q.764 §2.1 set-up,
 * §2.3 release, §2.9.5/2.9.6 release collisions and T1, §2.10.1.4 dual seizure) and SCCP
 * connectionless UDT echo (Q.714 §4); counters, latency histograms and statistics lines. */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>
#include <sg/timer.h>

#include "sim_sccp.h"
#include "sim_traffic.h"

/* ---- configuration ---- */

void sim_cfg_defaults(struct sim_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->variant = SG_PC_ITU;
	c->ni = 2;
	c->si = SIM_SI_ISUP;
	c->rate = 1;
	c->cic_first = 1;
	c->cic_last = 31;
	c->hold_ms = 1000;
	c->answer_timeout_ms = 5000;
	c->rel_timeout_ms = 4000;
	strcpy(c->called, "1234567");
	strcpy(c->calling, "7654321");
	c->ssn = 8;
	c->remote_ssn = 8;
	c->payload = 32;
	c->sls_bits = 4;
	c->stats_interval_ms = 1000;
}

int sim_parse_range(const char *s, unsigned int max, unsigned int *first, unsigned int *last)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	a = strtoul(s, &end, 10);
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		b = strtoul(end + 1, &end, 10);
	} else {
		b = a;
	}
	if (*end || a > b || b > max)
		return -EINVAL;
	*first = a;
	*last = b;
	return 0;
}

int sim_parse_num(const char *s, double min, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || *out < min || *out > max ? -EINVAL : 0;
}

/* Up to ISUP_MAX_DIGITS address signals: digits, codes 11 and 12 ('B', 'C'), ST ('F'). */
static bool digits_ok(const char *s)
{
	if (strlen(s) > ISUP_MAX_DIGITS)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789ABCFabcf", *s))
			return false;
	return true;
}

/* The numeric shared options: range and the message for an argument outside it */
static const struct {
	int opt;
	double min, max;
	const char *bad;
} sim_num_opts[] = {
	{ SIM_OPT_RATE, 0.001, 100000, "--rate: a number of calls per second, 0.001..100000" },
	{ SIM_OPT_HOLD, 0, 86400000, "--hold-ms: milliseconds" },
	{ SIM_OPT_ANSWER_TO, 1, 600000, "--answer-timeout-ms: 1..600000" },
	{ SIM_OPT_COUNT, 1, 1e15, "--count: a positive number" },
	{ SIM_OPT_DURATION, 0.001, 1e9, "--duration: seconds" },
	{ SIM_OPT_STATS, 0, 86400, "--stats-interval: seconds" },
	{ SIM_OPT_SSN, 1, 255, "--ssn/--remote-ssn: 1..255" },
	{ SIM_OPT_RSSN, 1, 255, "--ssn/--remote-ssn: 1..255" },
	{ SIM_OPT_PAYLOAD, 21, 200, "--payload: 21..200 octets" },
};

bool sim_traffic_opt(struct sim_opts *o, int opt, const char *arg, const char **bad)
{
	struct sim_cfg *c = o->cfg;
	double v = 0;

	*bad = NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(sim_num_opts); i++) {
		if (sim_num_opts[i].opt != opt)
			continue;
		if (sim_parse_num(arg, sim_num_opts[i].min, sim_num_opts[i].max, &v) < 0) {
			*bad = sim_num_opts[i].bad;
			return true;
		}
		break;
	}
	switch (opt) {
	case SIM_OPT_RATE:
		c->rate = v;
		c->generate = true;
		break;
	case SIM_OPT_HOLD:
		c->hold_ms = v;
		break;
	case SIM_OPT_ANSWER_TO:
		c->answer_timeout_ms = v;
		break;
	case SIM_OPT_COUNT:
		c->count = v;
		break;
	case SIM_OPT_DURATION:
		c->duration_s = v;
		break;
	case SIM_OPT_STATS:
		c->stats_interval_ms = v * 1000;
		break;
	case SIM_OPT_SSN:
		c->ssn = v;
		break;
	case SIM_OPT_RSSN:
		c->remote_ssn = v;
		break;
	case SIM_OPT_PAYLOAD:
		c->payload = v;
		break;
	case SIM_OPT_SI:
		if (!strcmp(arg, "isup"))
			c->si = SIM_SI_ISUP;
		else if (!strcmp(arg, "sccp"))
			c->si = SIM_SI_SCCP;
		else
			*bad = "--si: isup or sccp";
		break;
	case SIM_OPT_CIC:
		o->cic = arg;
		break;
	case SIM_OPT_OPC:
		o->opc = arg;
		break;
	case SIM_OPT_DPC:
		o->dpc = arg;
		break;
	case SIM_OPT_ANSWER:
		c->answer = true;
		break;
	case SIM_OPT_CALLED:
		if (!*arg || !digits_ok(arg))
			*bad = "--called: 1..32 digits";
		else
			strcpy(c->called, arg);
		break;
	case SIM_OPT_CALLING:
		if (!digits_ok(arg))
			*bad = "--calling: 0..32 digits";
		else
			strcpy(c->calling, arg);
		break;
	default:
		return false;
	}
	return true;
}

int sim_traffic_check(struct sim_opts *o, char *err, size_t len)
{
	struct sim_cfg *c = o->cfg;
	unsigned int max = isup_max_cic(c->variant == SG_PC_ANSI ? ISUP_ANSI : ISUP_ITU);

	if (o->cic && sim_parse_range(o->cic, max, &c->cic_first, &c->cic_last) < 0) {
		snprintf(err, len, "--cic: FIRST-LAST within 0..%u", max);
		return -EINVAL;
	}
	return 0;
}

/* ---- latency histogram ---- */

static unsigned int hist_idx(uint64_t v)
{
	unsigned int e;

	if (v < 16)
		return v;
	e = 63 - __builtin_clzll(v);	/* >= 4 */
	if (e > 40)
		return SIM_HIST_BUCKETS - 1;
	return 16 * (e - 3) + ((v >> (e - 4)) & 15);
}

static uint64_t hist_mid(unsigned int idx)
{
	unsigned int e, sub;
	uint64_t lo, w;

	if (idx < 16)
		return idx;
	e = idx / 16 + 3;
	sub = idx % 16;
	w = 1ULL << (e - 4);
	lo = (16ULL + sub) << (e - 4);
	return lo + w / 2;
}

void sim_hist_add(struct sim_hist *h, uint64_t us)
{
	h->n++;
	if (us > h->max_us)
		h->max_us = us;
	h->b[hist_idx(us)]++;
}

uint64_t sim_hist_quantile(const struct sim_hist *h, double p)
{
	uint64_t rank, acc = 0;

	if (!h->n)
		return 0;
	rank = (uint64_t)(p * h->n + 0.999999);
	if (rank < 1)
		rank = 1;
	for (unsigned int i = 0; i < SIM_HIST_BUCKETS; i++) {
		acc += h->b[i];
		if (acc >= rank) {
			uint64_t m = hist_mid(i);

			return m > h->max_us ? h->max_us : m;
		}
	}
	return h->max_us;
}

/* ---- counters ---- */

static const struct sg_ctr_desc sim_ctr_desc[_SIM_CTR_MAX] = {
	[SIM_CTR_ATTEMPTS] = { "attempts", "Outgoing calls attempted (IAM sent)" },
	[SIM_CTR_ANSWERED] = { "answered", "Outgoing calls answered (ANM or CON received)" },
	[SIM_CTR_RELEASED] = { "released", "Answered outgoing calls released (RLC, or REL from the "
					   "peer)" },
	[SIM_CTR_FAILED] = { "failed", "Outgoing calls not answered: released or refused by the "
				       "peer, no answer in time, dual seizure lost, send error" },
	[SIM_CTR_TIMEOUTS] = { "timeouts", "No ANM within the answer timeout (also in failed), or "
					   "no RLC after the last REL" },
	[SIM_CTR_NO_CIC] = { "no_cic", "Calls not attempted: no idle circuit in the CIC range" },
	[SIM_CTR_DUAL_SEIZURE] = { "dual_seizures", "IAM received on a circuit we had seized "
						    "(Q.764 §2.10.1.4)" },
	[SIM_CTR_CALLS_IN] = { "calls_in", "Incoming IAMs on an idle circuit" },
	[SIM_CTR_ANSWERED_IN] = { "answered_in", "Incoming calls answered (ACM and ANM sent)" },
	[SIM_CTR_REJECTED_IN] = { "rejected_in", "Incoming calls refused (REL cause 21)" },
	[SIM_CTR_RELEASED_IN] = { "released_in", "Incoming calls released by the caller (RLC "
						 "sent)" },
	[SIM_CTR_UDT_TX] = { "udt_tx", "UDTs sent by the generator" },
	[SIM_CTR_UDT_ECHO_RX] = { "udt_echo_rx", "Echoes of our UDTs received in time" },
	[SIM_CTR_UDT_LOST] = { "udt_lost", "Our UDTs without echo within the answer timeout" },
	[SIM_CTR_UDT_RX] = { "udt_rx", "UDTs received that are not echoes of ours" },
	[SIM_CTR_UDT_ECHO_TX] = { "udt_echo_tx", "Echo UDTs sent" },
	[SIM_CTR_MSU_TX] = { "msu_tx", "Messages sent (ISUP and SCCP)" },
	[SIM_CTR_MSU_RX] = { "msu_rx", "Messages received (ISUP and SCCP)" },
	[SIM_CTR_TX_ERR] = { "tx_err", "Messages the transport refused (no route, congestion, "
				       "AS not active)" },
	[SIM_CTR_RX_BAD] = { "rx_bad", "Received messages that do not decode" },
	[SIM_CTR_RX_UNEXPECTED] = { "rx_unexpected", "Received messages unexpected in the "
						     "circuit's state, late echoes, other types" },
};
const struct sg_ctr_group_desc sim_ctr_group_desc = {
	"sim_traffic", _SIM_CTR_MAX, sim_ctr_desc
};

/* ---- state ---- */

/* Circuit states (Q.764 §2 seen from one end) */
enum cic_state {
	CIC_IDLE,
	CIC_OUT_IAM,		/* IAM sent, waiting for ACM/ANM */
	CIC_OUT_ACM,		/* ACM received, waiting for ANM */
	CIC_OUT_ANSWERED,	/* answered: held for hold_ms */
	CIC_IN_ANSWERED,	/* incoming call answered: waiting for the caller's REL */
	CIC_RELEASING,		/* REL sent, waiting for RLC (T1 role) */
};

static const struct value_string cic_state_names[] = {
	{ CIC_IDLE, "IDLE" }, { CIC_OUT_IAM, "OUT_IAM_SENT" }, { CIC_OUT_ACM, "OUT_ACM" },
	{ CIC_OUT_ANSWERED, "OUT_ANSWERED" }, { CIC_IN_ANSWERED, "IN_ANSWERED" },
	{ CIC_RELEASING, "RELEASING" }, { 0, NULL }
};

#define REL_TRIES 3		/* REL sent at most this often before giving up */
#define UDT_RING 65536		/* outstanding UDTs remembered for echo matching */
#define UDT_MAGIC "SGSIM"
#define UDT_HDR 21		/* magic 5, nonce 4, seq 4, send time 8 */
#define TICK_MAX_NS (20 * SG_NS_PER_MS)
#define TICK_MIN_NS (1 * SG_NS_PER_MS)

struct sim;

struct sim_cic {
	struct sg_timer timer;
	struct sim *s;
	uint16_t cic;
	uint8_t state;		/* enum cic_state */
	uint8_t rel_tries;
	bool outgoing;		/* our call (attempt counted) */
	bool answered;		/* outgoing call answered */
	struct sim_mtp h;	/* label of what we send on this circuit */
	uint64_t t_iam;
};

struct sim {
	struct sim_cfg cfg;
	struct sim_ops ops;
	void *priv;
	enum isup_variant isup;
	enum sccp_addr_fmt sccp_fmt;
	unsigned int pc_bits;
	unsigned int max_cic;
	struct sim_cic *cics;		/* 0..max_cic */
	unsigned int cursor;		/* next CIC the generator tries */
	unsigned int active_out, active_in;

	struct sg_ctr_group *ctr;
	struct sg_ctr_group *ctr_last;	/* at the last periodic line */
	struct sim_hist setup, setup_iv, rtt, rtt_iv;

	bool started, reachable, gen_paused, gen_over, finished;
	uint64_t t_start, t_gen0, t_last_line, t_gen_end;
	uint64_t issued;		/* generator slots used (attempts + no_cic, or UDTs) */
	uint64_t t_sched, sched_base;	/* schedule start (0: paused) and issued then */
	struct sg_timer tick, stats;

	/* UDT echo matching */
	uint32_t nonce;
	uint32_t seq_next, seq_oldest;
	uint64_t *ring;			/* send time of seq % UDT_RING, 0 = none outstanding */
};

static uint32_t nonce_seq;

static void cic_timer_cb(void *data);
static void tick_cb(void *data);
static void stats_cb(void *data);

struct sim *sim_alloc(void *ctx, const struct sim_cfg *cfg, const struct sim_ops *ops, void *priv)
{
	struct sim *s = talloc_zero(ctx, struct sim);

	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (!s->cfg.out)
		s->cfg.out = stdout;
	if (!s->cfg.tag)
		s->cfg.tag = "stats";
	s->ops = *ops;
	s->priv = priv;
	s->isup = cfg->variant == SG_PC_ANSI ? ISUP_ANSI : ISUP_ITU;
	s->sccp_fmt = cfg->variant == SG_PC_ANSI ? SCCP_ADDR_ANSI : SCCP_ADDR_ITU;
	s->pc_bits = sg_pc_bits(cfg->variant);
	s->max_cic = isup_max_cic(s->isup);
	if (s->cfg.cic_last > s->max_cic || s->cfg.cic_first > s->cfg.cic_last ||
	    s->cfg.payload < UDT_HDR || s->cfg.payload > 200 || s->cfg.rate <= 0 ||
	    s->cfg.sls_bits > 8) {
		talloc_free(s);
		return NULL;
	}
	s->cics = talloc_zero_array(s, struct sim_cic, s->max_cic + 1);
	s->ring = talloc_zero_array(s, uint64_t, UDT_RING);
	s->ctr = sg_ctr_group_alloc(s, &sim_ctr_group_desc);
	s->ctr_last = sg_ctr_group_alloc(s, &sim_ctr_group_desc);
	if (!s->cics || !s->ring || !s->ctr || !s->ctr_last) {
		talloc_free(s);
		return NULL;
	}
	for (unsigned int i = 0; i <= s->max_cic; i++) {
		s->cics[i].s = s;
		s->cics[i].cic = i;
		sg_timer_setup(&s->cics[i].timer, cic_timer_cb, &s->cics[i]);
	}
	s->cursor = s->cfg.cic_first;
	/* tells our echoes from the peer's UDTs, also between engines of one process */
	s->nonce = ((uint32_t)getpid() << 16 ^ (uint32_t)time(NULL) ^ nonce_seq++) * 2654435761u;
	sg_timer_setup(&s->tick, tick_cb, s);
	sg_timer_setup(&s->stats, stats_cb, s);
	return s;
}

void sim_free(struct sim *s)
{
	talloc_free(s);
}

static void ctr_inc(struct sim *s, enum sim_ctr c)
{
	sg_ctr_inc(s->ctr, c);
}

static uint8_t sls_of(const struct sim *s, uint32_t v)
{
	return v & ((1u << s->cfg.sls_bits) - 1);
}

static int send_raw(struct sim *s, const struct sim_mtp *h, const uint8_t *data, int len)
{
	int rc;

	if (len < 0) {
		LOGP(DSG, LOGL_ERROR, "sim: cannot encode a message: %s\n", strerror(-len));
		ctr_inc(s, SIM_CTR_TX_ERR);
		return len;
	}
	rc = s->ops.send(s->priv, h, data, len);
	if (rc < 0) {
		ctr_inc(s, SIM_CTR_TX_ERR);
		return rc;
	}
	ctr_inc(s, SIM_CTR_MSU_TX);
	return 0;
}

static int send_isup(struct sim *s, struct sim_cic *c, const struct isup_msg *m)
{
	uint8_t buf[128];

	LOGP(DSG, LOGL_DEBUG, "sim: CIC %u %s: send %s\n", c->cic,
	     get_value_string(cic_state_names, c->state),
	     get_value_string(isup_msg_names, m->type));
	return send_raw(s, &c->h, buf, isup_encode(buf, sizeof(buf), s->isup, m));
}

static int send_simple(struct sim *s, struct sim_cic *c, uint8_t type, uint8_t cause)
{
	struct isup_msg m = { .cic = c->cic, .type = type };

	if (type == ISUP_REL) {
		m.cause = cause;
		m.location = 0;	/* user */
		m.has_cause = true;
	}
	return send_isup(s, c, &m);
}

static void cic_set(struct sim_cic *c, enum cic_state st)
{
	struct sim *s = c->s;

	if (c->state != CIC_IDLE && st == CIC_IDLE) {
		if (c->outgoing)
			s->active_out--;
		else
			s->active_in--;
	}
	if (c->state == CIC_IDLE && st != CIC_IDLE) {
		if (c->outgoing)
			s->active_out++;
		else
			s->active_in++;
	}
	c->state = st;
	if (st == CIC_IDLE) {
		sg_timer_stop(&c->timer);
		c->answered = false;
		c->rel_tries = 0;
	}
}

/* Send REL with cause and wait for RLC (Q.764 §2.3.1 a, T1 started). */
static void cic_release(struct sim_cic *c, uint8_t cause)
{
	struct sim *s = c->s;

	cic_set(c, CIC_RELEASING);
	c->rel_tries = 1;
	send_simple(s, c, ISUP_REL, cause);
	sg_timer_start_ms(&c->timer, s->cfg.rel_timeout_ms);
}

static void cic_timer_cb(void *data)
{
	struct sim_cic *c = data;
	struct sim *s = c->s;

	switch (c->state) {
	case CIC_OUT_IAM:
	case CIC_OUT_ACM:
		/* no answer in time: the call fails, release it (cause 102) */
		ctr_inc(s, SIM_CTR_FAILED);
		ctr_inc(s, SIM_CTR_TIMEOUTS);
		cic_release(c, ISUP_CAUSE_TIMER);
		break;
	case CIC_OUT_ANSWERED:
		/* hold time over: clear normally */
		cic_release(c, ISUP_CAUSE_NORMAL);
		break;
	case CIC_RELEASING:
		/* T1 expiry: repeat REL (Q.764 §2.9.6), finally give the circuit up */
		if (c->rel_tries >= REL_TRIES) {
			LOGP(DSG, LOGL_NOTICE, "sim: CIC %u: no RLC after %u RELs\n", c->cic,
			     c->rel_tries);
			ctr_inc(s, SIM_CTR_TIMEOUTS);
			cic_set(c, CIC_IDLE);
			break;
		}
		c->rel_tries++;
		send_simple(s, c, ISUP_REL, ISUP_CAUSE_NORMAL);
		sg_timer_start_ms(&c->timer, s->cfg.rel_timeout_ms);
		break;
	default:
		break;
	}
}

/* ---- generator ---- */

static struct sim_cic *idle_cic(struct sim *s)
{
	unsigned int n = s->cfg.cic_last - s->cfg.cic_first + 1;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int cic = s->cursor;

		s->cursor = cic >= s->cfg.cic_last ? s->cfg.cic_first : cic + 1;
		if (s->cics[cic].state == CIC_IDLE)
			return &s->cics[cic];
	}
	return NULL;
}

static void gen_call(struct sim *s)
{
	struct sim_cic *c = idle_cic(s);
	struct isup_msg m;

	if (!c) {
		ctr_inc(s, SIM_CTR_NO_CIC);
		return;
	}
	c->outgoing = true;
	c->h = (struct sim_mtp){ .opc = s->cfg.opc, .dpc = s->cfg.dpc, .si = SIM_SI_ISUP,
				 .ni = s->cfg.ni, .sls = sls_of(s, c->cic) };
	memset(&m, 0, sizeof(m));
	m.cic = c->cic;
	m.type = ISUP_IAM;
	strcpy(m.called, s->cfg.called);
	strcpy(m.calling, s->cfg.calling);
	ctr_inc(s, SIM_CTR_ATTEMPTS);
	cic_set(c, CIC_OUT_IAM);
	c->t_iam = sg_now();
	if (send_isup(s, c, &m) < 0) {
		ctr_inc(s, SIM_CTR_FAILED);
		cic_set(c, CIC_IDLE);
		return;
	}
	sg_timer_start_ms(&c->timer, s->cfg.answer_timeout_ms);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Mark outstanding UDTs older than the answer timeout as lost; with force, all of them. */
static void udt_sweep(struct sim *s, bool force)
{
	uint64_t now = sg_now(), to = s->cfg.answer_timeout_ms * SG_NS_PER_MS;

	while (s->seq_oldest != s->seq_next) {
		uint64_t *t = &s->ring[s->seq_oldest % UDT_RING];

		if (*t) {
			if (!force && now - *t < to)
				break;
			ctr_inc(s, SIM_CTR_UDT_LOST);
			*t = 0;
		}
		s->seq_oldest++;
	}
}

static void gen_udt(struct sim *s)
{
	uint8_t data[200], buf[272];
	struct sim_mtp h = { .opc = s->cfg.opc, .dpc = s->cfg.dpc, .si = SIM_SI_SCCP,
			     .ni = s->cfg.ni };
	uint32_t seq = s->seq_next;
	uint64_t now = sg_now();
	int len;

	/* the ring is full: the oldest outstanding UDT counts as lost */
	if (s->seq_next - s->seq_oldest >= UDT_RING) {
		if (s->ring[s->seq_oldest % UDT_RING])
			ctr_inc(s, SIM_CTR_UDT_LOST);
		s->ring[s->seq_oldest % UDT_RING] = 0;
		s->seq_oldest++;
	}
	memcpy(data, UDT_MAGIC, 5);
	put_be32(data + 5, s->nonce);
	put_be32(data + 9, seq);
	put_be32(data + 13, now >> 32);
	put_be32(data + 17, now);
	for (unsigned int i = UDT_HDR; i < s->cfg.payload; i++)
		data[i] = i;
	h.sls = sls_of(s, seq);
	len = sccp_udt_encode(buf, sizeof(buf), s->sccp_fmt, s->pc_bits, s->cfg.dpc,
			      s->cfg.remote_ssn, s->cfg.opc, s->cfg.ssn, data, s->cfg.payload);
	s->seq_next++;
	ctr_inc(s, SIM_CTR_UDT_TX);
	if (send_raw(s, &h, buf, len) < 0)
		return;	/* counted as tx_err, never outstanding */
	s->ring[seq % UDT_RING] = now ? now : 1;
}

static bool gen_limits_reached(struct sim *s, uint64_t now)
{
	if (s->cfg.count && s->issued >= s->cfg.count)
		return true;
	if (s->cfg.duration_s > 0 && s->t_gen0 &&
	    now - s->t_gen0 >= (uint64_t)(s->cfg.duration_s * SG_NS_PER_S))
		return true;
	return false;
}

static uint64_t tick_period(const struct sim *s)
{
	uint64_t p = (uint64_t)(SG_NS_PER_S / s->cfg.rate);

	return p < TICK_MIN_NS ? TICK_MIN_NS : p > TICK_MAX_NS ? TICK_MAX_NS : p;
}

static void check_finished(struct sim *s, uint64_t now)
{
	uint64_t drain = (uint64_t)(s->cfg.answer_timeout_ms + s->cfg.hold_ms +
				    REL_TRIES * s->cfg.rel_timeout_ms) * SG_NS_PER_MS;
	bool settled;

	if (s->finished || !s->gen_over)
		return;
	if (s->cfg.si == SIM_SI_SCCP && s->cfg.generate) {
		udt_sweep(s, false);
		settled = s->seq_oldest == s->seq_next;
	} else {
		settled = !s->active_out;
	}
	if (!settled && now - s->t_gen_end < drain)
		return;
	if (s->cfg.si == SIM_SI_SCCP)
		udt_sweep(s, true);
	s->finished = true;
	sg_timer_stop(&s->tick);
	LOGP(DSG, LOGL_NOTICE, "sim: run complete (%" PRIu64 " generated)\n", s->issued);
	if (s->ops.done)
		s->ops.done(s->priv);
}

static void tick_cb(void *data)
{
	struct sim *s = data;
	uint64_t now = sg_now();

	if (s->ops.reachable)
		s->reachable = s->ops.reachable(s->priv, s->cfg.dpc);

	if (!s->gen_over && !s->cfg.generate) {
		/* answering only: --duration bounds the run */
		if (s->cfg.duration_s > 0 &&
		    now - s->t_start >= (uint64_t)(s->cfg.duration_s * SG_NS_PER_S)) {
			s->gen_over = true;
			s->t_gen_end = now;
		}
	} else if (!s->gen_over) {
		bool go = s->reachable && !s->gen_paused;

		if (go && !s->t_gen0) {
			s->t_gen0 = now;
			LOGP(DSG, LOGL_NOTICE, "sim: destination reachable, generating\n");
		}
		if (go && !s->t_sched) {
			/* (re)start the schedule: no burst for time spent paused */
			s->t_sched = now;
			s->sched_base = s->issued;
		}
		if (!go)
			s->t_sched = 0;
		if (s->t_gen0 && gen_limits_reached(s, now)) {
			s->gen_over = true;
			s->t_gen_end = now;
			LOGP(DSG, LOGL_NOTICE, "sim: generator done, settling\n");
		} else if (go) {
			/* slots due at the configured rate since the schedule started */
			uint64_t due = s->sched_base + 1 +
				       (uint64_t)((double)(now - s->t_sched) * s->cfg.rate /
						  SG_NS_PER_S);

			while (s->issued < due && !gen_limits_reached(s, now)) {
				s->issued++;
				if (s->cfg.si == SIM_SI_SCCP)
					gen_udt(s);
				else
					gen_call(s);
			}
		}
	}
	if (s->cfg.si == SIM_SI_SCCP && s->cfg.generate)
		udt_sweep(s, false);
	check_finished(s, now);
	/* answering without a time limit needs no clock */
	if (!s->cfg.generate && !(s->cfg.duration_s > 0))
		return;
	if (!s->finished && s->started)
		sg_timer_start_ns(&s->tick, tick_period(s));
}

static void stats_cb(void *data)
{
	struct sim *s = data;

	sim_print_stats(s, s->cfg.out, false);
	sg_timer_start_ms(&s->stats, s->cfg.stats_interval_ms);
}

void sim_start(struct sim *s)
{
	s->started = true;
	s->t_start = sg_now();
	s->t_last_line = s->t_start;
	if (s->cfg.stats_interval_ms)
		sg_timer_start_ms(&s->stats, s->cfg.stats_interval_ms);
	tick_cb(s);
}

void sim_stop(struct sim *s)
{
	s->started = false;
	sg_timer_stop(&s->tick);
	sg_timer_stop(&s->stats);
	for (unsigned int i = 0; i <= s->max_cic; i++)
		sg_timer_stop(&s->cics[i].timer);
}

void sim_gen_pause(struct sim *s, bool pause)
{
	s->gen_paused = pause;
}

void sim_set_reachable(struct sim *s, bool up)
{
	if (up != s->reachable)
		LOGP(DSG, LOGL_INFO, "sim: destination %s\n", up ? "reachable" : "unreachable");
	s->reachable = up;
}

void sim_reset(struct sim *s)
{
	memset(s->ctr->v, 0, sizeof(s->ctr->v[0]) * _SIM_CTR_MAX);
	memset(s->ctr_last->v, 0, sizeof(s->ctr_last->v[0]) * _SIM_CTR_MAX);
	memset(&s->setup, 0, sizeof(s->setup));
	memset(&s->setup_iv, 0, sizeof(s->setup_iv));
	memset(&s->rtt, 0, sizeof(s->rtt));
	memset(&s->rtt_iv, 0, sizeof(s->rtt_iv));
}

/* ---- receive: ISUP ---- */

/* Q.764 §2.10.1.4: the exchange with the higher point code controls the even CICs. */
static bool we_control(const struct sim_cic *c, uint32_t our_pc, uint32_t peer_pc)
{
	return (our_pc > peer_pc) == !(c->cic & 1);
}

static void isup_in_iam(struct sim *s, struct sim_cic *c, const struct sim_mtp *h)
{
	if (c->state == CIC_OUT_IAM || c->state == CIC_OUT_ACM) {
		ctr_inc(s, SIM_CTR_DUAL_SEIZURE);
		if (we_control(c, h->dpc, h->opc)) {
			/* ours goes on; the peer backs off */
			return;
		}
		ctr_inc(s, SIM_CTR_FAILED);
		cic_set(c, CIC_IDLE);
	} else if (c->state != CIC_IDLE) {
		ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
		return;
	}
	ctr_inc(s, SIM_CTR_CALLS_IN);
	c->outgoing = false;
	c->h = (struct sim_mtp){ .opc = h->dpc, .dpc = h->opc, .si = h->si, .ni = h->ni,
				 .sls = h->sls };
	if (!s->cfg.answer) {
		ctr_inc(s, SIM_CTR_REJECTED_IN);
		cic_release(c, ISUP_CAUSE_REJECTED);
		return;
	}
	cic_set(c, CIC_IN_ANSWERED);
	if (send_simple(s, c, ISUP_ACM, 0) < 0 || send_simple(s, c, ISUP_ANM, 0) < 0) {
		cic_set(c, CIC_IDLE);
		return;
	}
	ctr_inc(s, SIM_CTR_ANSWERED_IN);
}

static void isup_in_rel(struct sim *s, struct sim_cic *c, const struct sim_mtp *h,
			const struct isup_msg *m)
{
	if (c->state == CIC_IDLE) {
		/* REL on an idle circuit: answer RLC all the same (Q.764 §2.9.5.1) */
		struct sim_mtp rh = { .opc = h->dpc, .dpc = h->opc, .si = h->si, .ni = h->ni,
				      .sls = h->sls };
		uint8_t buf[16];
		struct isup_msg r = { .cic = c->cic, .type = ISUP_RLC };

		ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
		send_raw(s, &rh, buf, isup_encode(buf, sizeof(buf), s->isup, &r));
		return;
	}
	switch (c->state) {
	case CIC_OUT_IAM:
	case CIC_OUT_ACM:
		LOGP(DSG, LOGL_INFO, "sim: CIC %u: call refused, cause %u\n", c->cic, m->cause);
		ctr_inc(s, SIM_CTR_FAILED);
		break;
	case CIC_OUT_ANSWERED:
		ctr_inc(s, SIM_CTR_RELEASED);
		break;
	case CIC_IN_ANSWERED:
		ctr_inc(s, SIM_CTR_RELEASED_IN);
		break;
	case CIC_RELEASING:
		/* both ends released at once (Q.764 §2.9.5.2): RLC, and the circuit is idle */
		if (c->outgoing && c->answered)
			ctr_inc(s, SIM_CTR_RELEASED);
		break;
	default:
		break;
	}
	send_simple(s, c, ISUP_RLC, 0);
	cic_set(c, CIC_IDLE);
}

static void isup_rx(struct sim *s, const struct sim_mtp *h, const uint8_t *data, size_t len)
{
	struct isup_msg m;
	struct sim_cic *c;
	const char *why;

	if (isup_decode(data, len, s->isup, &m, &why) < 0) {
		LOGP(DSG, LOGL_NOTICE, "sim: bad ISUP message from %u: %s\n", h->opc, why);
		ctr_inc(s, SIM_CTR_RX_BAD);
		return;
	}
	c = &s->cics[m.cic];
	LOGP(DSG, LOGL_DEBUG, "sim: CIC %u %s: received %s\n", m.cic,
	     get_value_string(cic_state_names, c->state), get_value_string(isup_msg_names, m.type));
	switch (m.type) {
	case ISUP_IAM:
		isup_in_iam(s, c, h);
		break;
	case ISUP_ACM:
		if (c->state == CIC_OUT_IAM)
			cic_set(c, CIC_OUT_ACM);
		else
			ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
		break;
	case ISUP_ANM:
	case ISUP_CON:
		if (c->state != CIC_OUT_IAM && c->state != CIC_OUT_ACM) {
			ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
			break;
		}
		ctr_inc(s, SIM_CTR_ANSWERED);
		sim_hist_add(&s->setup, (sg_now() - c->t_iam) / 1000);
		sim_hist_add(&s->setup_iv, (sg_now() - c->t_iam) / 1000);
		c->answered = true;
		cic_set(c, CIC_OUT_ANSWERED);
		sg_timer_start_ms(&c->timer, s->cfg.hold_ms);
		break;
	case ISUP_REL:
		isup_in_rel(s, c, h, &m);
		break;
	case ISUP_RLC:
		if (c->state != CIC_RELEASING) {
			ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
			break;
		}
		if (c->outgoing && c->answered)
			ctr_inc(s, SIM_CTR_RELEASED);
		cic_set(c, CIC_IDLE);
		break;
	case ISUP_RSC:
		/* reset circuit (Q.764 §2.9.3.1): the call is gone, answer RLC */
		if ((c->state == CIC_OUT_IAM || c->state == CIC_OUT_ACM) && c->outgoing)
			ctr_inc(s, SIM_CTR_FAILED);
		else if (c->state != CIC_IDLE && c->outgoing && c->answered)
			ctr_inc(s, SIM_CTR_RELEASED);
		else if (c->state == CIC_IN_ANSWERED)
			ctr_inc(s, SIM_CTR_RELEASED_IN);
		c->h = (struct sim_mtp){ .opc = h->dpc, .dpc = h->opc, .si = h->si, .ni = h->ni,
					 .sls = h->sls };
		send_simple(s, c, ISUP_RLC, 0);
		cic_set(c, CIC_IDLE);
		break;
	default:
		ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
		break;
	}
}

/* ---- receive: SCCP ---- */

static void sccp_rx(struct sim *s, const struct sim_mtp *h, const uint8_t *data, size_t len)
{
	struct sccp_udt u;
	const char *why;
	uint8_t buf[300];
	int rc = sccp_udt_decode(data, len, s->sccp_fmt, s->pc_bits, &u, &why);

	if (rc == -ENOTSUP) {
		ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
		return;
	}
	if (rc < 0) {
		LOGP(DSG, LOGL_NOTICE, "sim: bad SCCP UDT from %u: %s\n", h->opc, why);
		ctr_inc(s, SIM_CTR_RX_BAD);
		return;
	}
	/* an echo of one of ours? */
	if (u.data_len >= UDT_HDR && !memcmp(u.data, UDT_MAGIC, 5) &&
	    get_be32(u.data + 5) == s->nonce) {
		uint32_t seq = get_be32(u.data + 9);
		uint64_t t = (uint64_t)get_be32(u.data + 13) << 32 | get_be32(u.data + 17);
		uint64_t *slot = &s->ring[seq % UDT_RING];

		if (seq - s->seq_oldest < s->seq_next - s->seq_oldest && *slot &&
		    (*slot == t || (t == 0 && *slot == 1))) {
			sim_hist_add(&s->rtt, (sg_now() - t) / 1000);
			sim_hist_add(&s->rtt_iv, (sg_now() - t) / 1000);
			ctr_inc(s, SIM_CTR_UDT_ECHO_RX);
			*slot = 0;
		} else {
			ctr_inc(s, SIM_CTR_RX_UNEXPECTED);	/* late or duplicate */
		}
		return;
	}
	ctr_inc(s, SIM_CTR_UDT_RX);
	if (!s->cfg.answer)
		return;
	rc = sccp_udt_echo(buf, sizeof(buf), &u);
	if (send_raw(s, &(struct sim_mtp){ .opc = h->dpc, .dpc = h->opc, .si = h->si,
					   .ni = h->ni, .sls = h->sls },
		     buf, rc) == 0)
		ctr_inc(s, SIM_CTR_UDT_ECHO_TX);
}

void sim_rx(struct sim *s, const struct sim_mtp *h, const uint8_t *data, size_t len)
{
	ctr_inc(s, SIM_CTR_MSU_RX);
	switch (h->si) {
	case SIM_SI_ISUP:
		isup_rx(s, h, data, len);
		break;
	case SIM_SI_SCCP:
		sccp_rx(s, h, data, len);
		break;
	default:
		ctr_inc(s, SIM_CTR_RX_UNEXPECTED);
		break;
	}
}

/* ---- reporting ---- */

bool sim_finished(const struct sim *s)
{
	return s->finished;
}

const struct sg_ctr_group *sim_counters(const struct sim *s)
{
	return s->ctr;
}

unsigned int sim_active(const struct sim *s)
{
	return s->active_out + s->active_in;
}

const struct sim_hist *sim_setup_hist(const struct sim *s)
{
	return &s->setup;
}

const struct sim_hist *sim_rtt_hist(const struct sim *s)
{
	return &s->rtt;
}

static void print_quantiles(FILE *f, const char *name, const struct sim_hist *h)
{
	if (!h->n)
		return;
	fprintf(f, " %s_n=%" PRIu64 " %s_p50_ms=%.3f %s_p99_ms=%.3f %s_max_ms=%.3f", name, h->n,
		name, sim_hist_quantile(h, 0.5) / 1000.0, name, sim_hist_quantile(h, 0.99) / 1000.0,
		name, h->max_us / 1000.0);
}

void sim_print_stats(struct sim *s, FILE *f, bool final)
{
	uint64_t now = sg_now();
	uint64_t since = final ? s->t_start : s->t_last_line;
	const struct sg_ctr_group *base = final ? NULL : s->ctr_last;
	double dt = (now - since) / (double)SG_NS_PER_S;

	fprintf(f, "%s t=%.1f", final ? "total" : s->cfg.tag,
		(now - s->t_start) / (double)SG_NS_PER_S);
	for (unsigned int i = 0; i < _SIM_CTR_MAX; i++)
		fprintf(f, " %s=%" PRIu64, sim_ctr_desc[i].name, s->ctr->v[i]);
	fprintf(f, " active=%u", sim_active(s));
	if (dt > 0) {
		uint64_t tx = s->ctr->v[SIM_CTR_MSU_TX] - (base ? base->v[SIM_CTR_MSU_TX] : 0);
		uint64_t rx = s->ctr->v[SIM_CTR_MSU_RX] - (base ? base->v[SIM_CTR_MSU_RX] : 0);
		uint64_t gen = s->ctr->v[SIM_CTR_ATTEMPTS] + s->ctr->v[SIM_CTR_UDT_TX] -
			       (base ? base->v[SIM_CTR_ATTEMPTS] + base->v[SIM_CTR_UDT_TX] : 0);

		fprintf(f, " gen_per_s=%.1f msu_tx_per_s=%.1f msu_rx_per_s=%.1f", gen / dt,
			tx / dt, rx / dt);
	}
	print_quantiles(f, "setup", final ? &s->setup : &s->setup_iv);
	print_quantiles(f, "rtt", final ? &s->rtt : &s->rtt_iv);
	fputc('\n', f);
	fflush(f);
	if (!final) {
		memcpy(s->ctr_last->v, s->ctr->v, sizeof(s->ctr->v[0]) * _SIM_CTR_MAX);
		memset(&s->setup_iv, 0, sizeof(s->setup_iv));
		memset(&s->rtt_iv, 0, sizeof(s->rtt_iv));
		s->t_last_line = now;
	}
}

static struct json_object *hist_json(const struct sim_hist *h)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "n", json_object_new_int64(h->n));
	json_object_object_add(o, "p50", json_object_new_double(sim_hist_quantile(h, 0.5) / 1e3));
	json_object_object_add(o, "p99", json_object_new_double(sim_hist_quantile(h, 0.99) / 1e3));
	json_object_object_add(o, "max", json_object_new_double(h->max_us / 1e3));
	return o;
}

struct json_object *sim_json(struct sim *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string("sim"));
	json_object_object_add(o, "mode", json_object_new_string(
		s->cfg.si == SIM_SI_SCCP ? "sccp" : "isup"));
	json_object_object_add(o, "generating", json_object_new_boolean(
		s->cfg.generate && s->t_gen0 && !s->gen_over && !s->gen_paused));
	json_object_object_add(o, "answering", json_object_new_boolean(s->cfg.answer));
	json_object_object_add(o, "reachable", json_object_new_boolean(s->reachable));
	json_object_object_add(o, "finished", json_object_new_boolean(s->finished));
	json_object_object_add(o, "active", json_object_new_int(sim_active(s)));
	json_object_object_add(o, "counters", sg_ctr_group_to_json(s->ctr));
	json_object_object_add(o, "setup_ms", hist_json(&s->setup));
	json_object_object_add(o, "rtt_ms", hist_json(&s->rtt));
	return o;
}
