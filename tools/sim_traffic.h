/* Traffic engine of the simulators (sg-simswitch, sg-simasp): ISUP basic calls per circuit
 * (Q.764 §2 subset) and SCCP UDT echo, as generator and answerer; counters, latency histograms,
 * "key=value" statistics lines.  Independent of the transport (MTP3 or M3UA). */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include <sg/config.h>
#include <sg/counter.h>

#include "isup_sim.h"

/*
 * One struct sim runs on ONE thread: its timers are that thread's sg_timers (the core thread
 * in sg-simswitch, the main loop in sg-simasp) and every function below must be called there,
 * except sim_alloc()/sim_free() and sim_print_stats() which may run on another thread while
 * the owner thread does not run (before it starts, after it stopped).
 */

enum sim_si {
	SIM_SI_SCCP = 3,
	SIM_SI_ISUP = 5,
};

/* The routing label of a message, as the transport gives or takes it. */
struct sim_mtp {
	uint32_t opc, dpc;
	uint8_t si, ni, sls, prio;
};

struct sim_ops {
	/* Send one user part (ISUP message or SCCP UDT) with label h.  Returns 0 or a negative
	 * errno (counted as tx_err).  data is borrowed. */
	int (*send)(void *priv, const struct sim_mtp *h, const uint8_t *data, size_t len);
	/* Optional: is the DPC reachable now?  Polled by the generator; without it the
	 * transport reports with sim_set_reachable(). */
	bool (*reachable)(void *priv, uint32_t dpc);
	/* Optional: the run is over (--count or --duration reached and outstanding calls and
	 * UDTs settled). */
	void (*done)(void *priv);
};

struct sim_cfg {
	enum sg_pc_variant variant;	/* CIC size, SCCP address format and PC size */
	uint32_t opc, dpc;		/* generated traffic: our PC, the peer's */
	uint8_t ni;
	bool generate;
	enum sim_si si;			/* what the generator sends */
	double rate;			/* calls or UDTs per second */
	unsigned int cic_first, cic_last;
	unsigned int hold_ms;		/* answered call held before REL */
	unsigned int answer_timeout_ms;	/* IAM without ANM (Q.764 T7/T9 role); UDT without echo */
	unsigned int rel_timeout_ms;	/* REL without RLC: repeat (Q.764 T1 role) */
	bool answer;			/* answer IAM with ACM+ANM, echo UDTs */
	uint64_t count;			/* generate this many then stop (0: no limit) */
	double duration_s;		/* generate (or run) this long (0: no limit) */
	char called[ISUP_MAX_DIGITS + 1];
	char calling[ISUP_MAX_DIGITS + 1];
	uint8_t ssn;			/* our SSN (calling party) */
	uint8_t remote_ssn;		/* called party SSN */
	unsigned int payload;		/* UDT data octets (21..200) */
	unsigned int sls_bits;		/* SLS = CIC (ISUP) or sequence (SCCP) modulo 2^sls_bits */
	unsigned int stats_interval_ms;	/* 0: no periodic line */
	FILE *out;			/* where stats lines go (default stdout) */
	const char *tag;		/* first word of the periodic lines (default "stats") */
};
void sim_cfg_defaults(struct sim_cfg *c);
/* Parse "FIRST-LAST" or "N"; 0 or -EINVAL. */
int sim_parse_range(const char *s, unsigned int max, unsigned int *first, unsigned int *last);
/* Parse a decimal number within min..max; 0 or -EINVAL. */
int sim_parse_num(const char *s, double min, double max, double *out);

/* ---- command line: the traffic options both simulators take ---- */

/* getopt_long() values of the shared options, above those of the programs' own options */
enum sim_opt {
	SIM_OPT_RATE = 0x1000,
	SIM_OPT_SI,
	SIM_OPT_CIC,
	SIM_OPT_HOLD,
	SIM_OPT_ANSWER_TO,
	SIM_OPT_ANSWER,
	SIM_OPT_COUNT,
	SIM_OPT_DURATION,
	SIM_OPT_STATS,
	SIM_OPT_CALLED,
	SIM_OPT_CALLING,
	SIM_OPT_SSN,
	SIM_OPT_RSSN,
	SIM_OPT_PAYLOAD,
	SIM_OPT_OPC,
	SIM_OPT_DPC,
};

/* The shared entries of a struct option table, for the program's own table. */
#define SIM_TRAFFIC_OPTIONS							\
	{ "rate", required_argument, NULL, SIM_OPT_RATE },			\
	{ "si", required_argument, NULL, SIM_OPT_SI },				\
	{ "cic", required_argument, NULL, SIM_OPT_CIC },			\
	{ "hold-ms", required_argument, NULL, SIM_OPT_HOLD },			\
	{ "answer-timeout-ms", required_argument, NULL, SIM_OPT_ANSWER_TO },	\
	{ "answer", no_argument, NULL, SIM_OPT_ANSWER },			\
	{ "count", required_argument, NULL, SIM_OPT_COUNT },			\
	{ "duration", required_argument, NULL, SIM_OPT_DURATION },		\
	{ "stats-interval", required_argument, NULL, SIM_OPT_STATS },		\
	{ "called", required_argument, NULL, SIM_OPT_CALLED },			\
	{ "calling", required_argument, NULL, SIM_OPT_CALLING },		\
	{ "ssn", required_argument, NULL, SIM_OPT_SSN },			\
	{ "remote-ssn", required_argument, NULL, SIM_OPT_RSSN },		\
	{ "payload", required_argument, NULL, SIM_OPT_PAYLOAD },		\
	{ "opc", required_argument, NULL, SIM_OPT_OPC },			\
	{ "dpc", required_argument, NULL, SIM_OPT_DPC }

/* What the shared options set: cfg (defaults from sim_cfg_defaults() first); --cic, --opc and
 * --dpc kept as given (NULL: not given) until the variant, which bounds the CIC and says how to
 * read a point code, is known: each program reads its point codes itself. */
struct sim_opts {
	struct sim_cfg *cfg;
	const char *cic;
	const char *opc, *dpc;
};
/* Handle getopt_long() value opt with its argument arg (getopt's optarg, borrowed).  Returns
 * false when opt is not a shared option; else true, with *bad set to a message ("--si: isup or
 * sccp") when arg is bad, else to NULL. */
bool sim_traffic_opt(struct sim_opts *o, int opt, const char *arg, const char **bad);
/* After the options, once o->cfg->variant is set: the --cic range against the variant's CICs.
 * Returns 0, or -EINVAL with a message in err. */
int sim_traffic_check(struct sim_opts *o, char *err, size_t len);

/* Latency histogram: log-linear buckets (16 per power of two) of microseconds, ~3 % precision. */
#define SIM_HIST_BUCKETS 640
struct sim_hist {
	uint64_t n, max_us;
	uint32_t b[SIM_HIST_BUCKETS];
};
void sim_hist_add(struct sim_hist *h, uint64_t us);
/* The p-quantile (0 < p <= 1) in microseconds (middle of its bucket); 0 when empty. */
uint64_t sim_hist_quantile(const struct sim_hist *h, double p);

enum sim_ctr {
	SIM_CTR_ATTEMPTS,
	SIM_CTR_ANSWERED,
	SIM_CTR_RELEASED,
	SIM_CTR_FAILED,
	SIM_CTR_TIMEOUTS,
	SIM_CTR_NO_CIC,
	SIM_CTR_DUAL_SEIZURE,
	SIM_CTR_CALLS_IN,
	SIM_CTR_ANSWERED_IN,
	SIM_CTR_REJECTED_IN,
	SIM_CTR_RELEASED_IN,
	SIM_CTR_UDT_TX,
	SIM_CTR_UDT_ECHO_RX,
	SIM_CTR_UDT_LOST,
	SIM_CTR_UDT_RX,
	SIM_CTR_UDT_ECHO_TX,
	SIM_CTR_MSU_TX,
	SIM_CTR_MSU_RX,
	SIM_CTR_TX_ERR,
	SIM_CTR_RX_BAD,
	SIM_CTR_RX_UNEXPECTED,
	_SIM_CTR_MAX
};
extern const struct sg_ctr_group_desc sim_ctr_group_desc;

struct sim;

struct sim *sim_alloc(void *ctx, const struct sim_cfg *cfg, const struct sim_ops *ops, void *priv);
void sim_free(struct sim *s);
/* Start: stats timer, generator (which waits until the DPC is reachable). */
void sim_start(struct sim *s);
/* Stop: timers off, no more traffic (outstanding calls are left as they are). */
void sim_stop(struct sim *s);
/* Management: stop / resume generating new calls (outstanding calls complete normally). */
void sim_gen_pause(struct sim *s, bool pause);
/* The transport's view of the DPC (MTP-PAUSE/RESUME, ASP active or not). */
void sim_set_reachable(struct sim *s, bool up);
/* A received user part with its label (h->si selects ISUP or SCCP).  data is borrowed. */
void sim_rx(struct sim *s, const struct sim_mtp *h, const uint8_t *data, size_t len);
/* Zero the counters and histograms (calls in progress go on). */
void sim_reset(struct sim *s);

bool sim_finished(const struct sim *s);
const struct sg_ctr_group *sim_counters(const struct sim *s);
unsigned int sim_active(const struct sim *s);
const struct sim_hist *sim_setup_hist(const struct sim *s);
const struct sim_hist *sim_rtt_hist(const struct sim *s);

/* One line "TAG t=S key=value ...": with final, the totals since the start under the tag
 * "total"; else the counters and the rates and quantiles of the interval since the last line. */
void sim_print_stats(struct sim *s, FILE *f, bool final);
/* {"name", "mode", "generating", "reachable", "active", "counters", "setup_ms", "rtt_ms"} */
struct json_object *sim_json(struct sim *s);
