/* Changeover stress under load (Q.704 §5, §6; Q.782 3.20): per-SLS loss, duplication, order. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/utils.h>

#include <sg/counter.h>
#include <sg/log.h>
#include <sg/mtp3_core.h>
#include <sg/timer.h>

#include "q782_net.h"

/*
 * Two of our MTP3s (A = PC 1, B = PC 2) joined by one linkset of N real MTP2 links (N from
 * the command line, 2..4; default: a 2-link and a 4-link run).  Both send user MSUs
 * continuously, with random SLS and a per-SLS sequence number.  A random process fails an
 * available link at a random end whenever at least one other link is available on both
 * sides and no changeover is running; links are restored by MTP3 itself (T17, alignment,
 * signalling link test, changeback).  One event in four is a management inhibit (or
 * uninhibit) request at a random end instead.  Receivers record every sequence number: an MSU seen
 * twice is duplicated, one arriving after a later one of its SLS is out of sequence, and
 * one never seen by the end is lost.  All three must be 0.  Virtual time.
 */

#define SI_USER 5
#define NSLS 16

struct rxdir {
	uint8_t *seen[NSLS];
	uint32_t cap[NSLS];
	uint32_t max_next[NSLS];	/* one past the highest seq received */
	uint64_t n, dup, ooo;
};

static struct rxdir RX[2];	/* RX[i]: received by instance i */
static struct sg_mtp_user USERS[2];

static void user_cb(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p,
		    struct msgb *msg, void *priv)
{
	struct rxdir *r = priv;
	uint32_t seq;
	unsigned int s;

	if (prim != SG_MTP_TRANSFER || !msg || msgb_l4len(msg) < 4) {
		msgb_free(msg);
		return;
	}
	memcpy(&seq, msgb_l4(msg), 4);
	s = p->sls % NSLS;
	msgb_free(msg);
	if (seq >= r->cap[s]) {
		uint32_t cap = (seq + 1) * 2;

		r->seen[s] = realloc(r->seen[s], cap);
		memset(r->seen[s] + r->cap[s], 0, cap - r->cap[s]);
		r->cap[s] = cap;
	}
	r->n++;
	if (r->seen[s][seq])
		r->dup++;
	else if (seq + 1 < r->max_next[s])
		r->ooo++;
	r->seen[s][seq] = 1;
	if (seq + 1 > r->max_next[s])
		r->max_next[s] = seq + 1;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void send_from(struct sg_mtp3 *m, uint32_t dpc, uint8_t sls, uint32_t seq)
{
	struct sg_mtp_param p = { .dpc = dpc, .sls = sls, .si = SI_USER };
	struct msgb *msg = sg_msgb_alloc(128, "load");

	msgb_reserve(msg, 64);
	msg->l4h = msgb_put(msg, 4);
	memcpy(msg->l4h, &seq, 4);
	sg_mtp3_transfer_req(m, &p, msg);
}

static bool run(unsigned int nlinks, unsigned int failures_wanted)
{
	struct sg_mtp3 *m[2];
	struct sg_mtp3_link *l[2][4];
	struct q_end *e[2][4];
	uint32_t seq[2][NSLS] = { { 0 } };
	unsigned int failures = 0, inhibits = 0, next_fail = 3000;
	uint64_t sent[2] = { 0 }, lost[2] = { 0 }, t;
	bool ok = true;

	memset(RX, 0, sizeof(RX));
	q_net_init();
	for (int i = 0; i < 2; i++) {
		struct sg_mtp3_cfg cfg;
		struct sg_mtp3_linkset *ls;

		sg_mtp3_cfg_defaults(&cfg);
		cfg.name = i ? "B" : "A";
		cfg.pc = 1 + i;
		m[i] = sg_mtp3_alloc(NULL, &cfg);
		USERS[i] = (struct sg_mtp_user){ "costress", user_cb, &RX[i] };
		sg_mtp3_user_register(m[i], SG_MTP_SI_BIT(SI_USER), &USERS[i]);
		ls = sg_mtp3_linkset_add(m[i], "ls", 2 - i);
		for (unsigned int j = 0; j < nlinks; j++) {
			static const char *const names[] = { "l0", "l1", "l2", "l3" };

			l[i][j] = sg_mtp3_link_add(ls, names[j], j);
			e[i][j] = q_end_mtp3(m[i], l[i][j]);
		}
	}
	for (unsigned int j = 0; j < nlinks; j++) {
		struct sg_mtp2_cfg c;

		sg_mtp2_cfg_defaults(&c);
		c.timer_ms[SG_MTP2_T4N] = sg_mtp2_timer_defs[SG_MTP2_T4N].min_val;
		q_cable(e[0][j], e[1][j], &c);
	}
	sg_mtp3_start(m[0]);
	sg_mtp3_start(m[1]);
	q_run(12000);
	if (!sg_mtp3_dpc_accessible(m[0], 2) || !sg_mtp3_dpc_accessible(m[1], 1)) {
		printf("FAIL: %u links: SPs not accessible\n", nlinks);
		ok = false;
		goto out;
	}
	for (t = 0; failures < failures_wanted; t++) {
		/* load: one MSU every 2 ms each way, random SLS */
		if (t % 2 == 0)
			for (int i = 0; i < 2; i++) {
				uint8_t s = rnd(NSLS);

				send_from(m[i], 2 - i, s, seq[i][s]++);
				sent[i]++;
			}
		if (t >= next_fail) {
			unsigned int avail[4], na = 0;
			bool busy = false;

			for (unsigned int j = 0; j < nlinks; j++) {
				if (sg_mtp3_link_co_state(l[0][j]) != SG_MTP3_CO_NONE ||
				    sg_mtp3_link_co_state(l[1][j]) != SG_MTP3_CO_NONE)
					busy = true;
				if (sg_mtp3_link_state(l[0][j]) == SG_MTP3_LINK_AVAILABLE &&
				    sg_mtp3_link_state(l[1][j]) == SG_MTP3_LINK_AVAILABLE)
					avail[na++] = j;
			}
			if (!busy && na >= 2 && rnd(4) == 0) {
				/* management inhibiting moves traffic too (changeback procedure) */
				unsigned int j = avail[rnd(na)];
				int side = rnd(2);

				if (sg_mtp3_link_inhibited(l[side][j]) & SG_MTP3_INH_LOCAL)
					sg_mtp3_link_uninhibit(l[side][j]);
				else if (sg_mtp3_link_inhibit(l[side][j]) == 0)
					inhibits++;
				next_fail = t + 50 + rnd(1000);
			} else if (!busy && na >= 2) {
				q_fail(e[rnd(2)][avail[rnd(na)]]);
				failures++;
				next_fail = t + 50 + rnd(3000);
			}
		}
		q_run(1);
		if (t > 40000000) {
			printf("FAIL: %u links: only %u failures in %llu s\n", nlinks, failures,
			       (unsigned long long)(t / 1000));
			ok = false;
			break;
		}
	}
	/* stop the load, let everything come back and drain */
	q_run(30000);
	for (int i = 0; i < 2; i++) {
		struct rxdir *r = &RX[!i];

		for (unsigned int s = 0; s < NSLS; s++)
			for (uint32_t k = 0; k < seq[i][s]; k++)
				if (k >= r->cap[s] || !r->seen[s][k])
					lost[i]++;
		printf("%u links, %s->%s: %llu MSUs sent, %llu received: lost %llu, duplicated "
		       "%llu, "
		       "out of sequence %llu\n",
		       nlinks, i ? "B" : "A", i ? "A" : "B", (unsigned long long)sent[i],
		       (unsigned long long)r->n, (unsigned long long)lost[i],
		       (unsigned long long)r->dup, (unsigned long long)r->ooo);
		if (lost[i] || r->dup || r->ooo)
			ok = false;
	}
	printf("%u links: %u inhibit requests, routing failures A %llu B %llu\n", nlinks, inhibits,
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[0]), SG_MTP3_CTR_ROUTING_FAIL),
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[1]), SG_MTP3_CTR_ROUTING_FAIL));
	printf("%u links: %u link failures, changeovers A %llu B %llu, changebacks A %llu B %llu, "
	       "MSUs retrieved A %llu B %llu, %.0f s virtual\n", nlinks, failures,
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[0]), SG_MTP3_CTR_CHANGEOVER),
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[1]), SG_MTP3_CTR_CHANGEOVER),
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[0]), SG_MTP3_CTR_CHANGEBACK),
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[1]), SG_MTP3_CTR_CHANGEBACK),
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[0]), SG_MTP3_CTR_CO_RETRIEVED),
	       (unsigned long long)sg_ctr_get(sg_mtp3_counters(m[1]), SG_MTP3_CTR_CO_RETRIEVED),
	       sg_now() / 1e9);
	printf("%s: changeover stress, %u links\n", ok ? "PASS" : "FAIL", nlinks);
out:
	sg_mtp3_free(m[0]);
	sg_mtp3_free(m[1]);
	q_net_fini();
	for (int i = 0; i < 2; i++)
		for (unsigned int s = 0; s < NSLS; s++)
			free(RX[i].seen[s]);
	return ok;
}

int main(int argc, char **argv)
{
	const char *lvl = getenv("Q782_LOG");
	unsigned int failures = argc > 2 ? atoi(argv[2]) : 1000;

	if (argc > 3)
		rng = strtoull(argv[3], NULL, 0) | 1;
	bool ok = true;

	sg_log_init(NULL, SG_LOG_STDERR, false);
	if (osmo_stderr_target)
		log_set_log_level(osmo_stderr_target, 0);
	sg_log_set_level(DMTP2, LOGL_ERROR);
	sg_log_set_level(DMTP3, lvl ? sg_log_level_by_name(lvl) : LOGL_ERROR);
	if (argc > 1) {
		unsigned int n = atoi(argv[1]);

		if (n < 2 || n > 4) {
			fprintf(stderr, "usage: %s [links 2..4 [failures [seed]]]\n", argv[0]);
			return 2;
		}
		ok = run(n, failures);
	} else {
		ok = run(2, failures / 2) && ok;
		ok = run(4, failures) && ok;
	}
	sg_log_fini();
	return ok ? 0 : 1;
}
