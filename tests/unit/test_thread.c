/* Unit tests of threads and mailboxes: primitives are handled on their owner thread. */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/utils.h>

#include <sg/l2_sap.h>
#include <sg/log.h>
#include <sg/mtp_sap.h>
#include <sg/thread.h>
#include <sg/timer.h>
#include "cu_main.h"
#include "cu_log.h"
#include "done.h"

/* ---- a primitive posted from the main thread is handled on the owner ---- */

struct seen {
	struct done done;
	pthread_t handled_on;
	struct sg_thread *self;
	uint32_t dpc;
	unsigned int in_order;
	uint32_t next_seq;
};

static void mtp_handler(struct sg_thread *t, struct msgb *msg, void *priv)
{
	struct seen *s = priv;
	struct sg_mtp_param *p = sg_prim_param(msg);

	s->handled_on = pthread_self();
	s->self = sg_thread_self();
	s->dpc = p->dpc;
	if (p->opc == s->next_seq)
		s->in_order++;
	s->next_seq = p->opc + 1;
	msgb_free(msg);	/* the handler owns the buffer */
	done_signal(&s->done);
}

static struct msgb *transfer(uint32_t opc, uint32_t dpc)
{
	struct msgb *msg = sg_prim_alloc(SG_SAP_MTP, SG_MTP_TRANSFER, PRIM_OP_INDICATION,
					 sizeof(struct sg_mtp_param), 16, "test");
	struct sg_mtp_param *p = sg_prim_param(msg);

	p->opc = opc;
	p->dpc = dpc;
	msg->l4h = msgb_put(msg, 4);
	memcpy(msg->l4h, "ISUP", 4);
	return msg;
}

static void test_post_handled_on_owner(void)
{
	struct sg_thread *t = sg_thread_alloc(NULL, "owner", SG_THREAD_CORE, 0);
	struct seen s = { .next_seq = 0 };

	done_init(&s.done);
	sg_thread_set_handler(t, SG_SAP_MTP, mtp_handler, &s);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);
	CU_ASSERT_EQUAL(sg_thread_post(t, transfer(0, 0x1234)), 0);
	CU_ASSERT_TRUE(done_wait(&s.done, 1));
	CU_ASSERT_TRUE(pthread_equal(s.handled_on, sg_thread_pthread(t)));
	CU_ASSERT_FALSE(pthread_equal(s.handled_on, pthread_self()));
	CU_ASSERT_PTR_EQUAL(s.self, t);
	CU_ASSERT_EQUAL(s.dpc, 0x1234);
	CU_ASSERT_PTR_NULL(sg_thread_self());	/* the test's thread is no sg_thread */
	sg_thread_free(t);
}

/* Many posts from two producer threads: each producer's order is kept. */
struct producer {
	struct sg_thread *to;
	uint32_t base;
	unsigned int n;
	unsigned int refused;
};

static void *producer_main(void *arg)
{
	struct producer *p = arg;

	for (unsigned int i = 0; i < p->n; i++)
		while (sg_thread_post(p->to, transfer(p->base + i, 0)) == -ENOSPC)
			p->refused++;	/* mailbox full: retry */
	return NULL;
}

struct two_seqs {
	struct done done;
	uint32_t next[2];
	unsigned int out_of_order;
	bool wrong_thread;
	struct sg_thread *owner;
};

static void two_handler(struct sg_thread *t, struct msgb *msg, void *priv)
{
	struct two_seqs *s = priv;
	struct sg_mtp_param *p = sg_prim_param(msg);
	unsigned int which = p->opc >= 1000000;

	if (p->opc != s->next[which])
		s->out_of_order++;
	s->next[which] = p->opc + 1;
	if (!sg_thread_is_self(s->owner))
		s->wrong_thread = true;
	msgb_free(msg);
	done_signal(&s->done);
}

static void test_fifo_per_producer(void)
{
	enum { N = 20000 };
	struct sg_thread *t = sg_thread_alloc(NULL, "sink", SG_THREAD_CORE, 64);
	struct two_seqs s = { .next = { 0, 1000000 }, .owner = t };
	struct producer p[2] = { { t, 0, N }, { t, 1000000, N } };
	pthread_t th[2];

	done_init(&s.done);
	sg_thread_set_handler(t, SG_SAP_MTP, two_handler, &s);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, producer_main, &p[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CU_ASSERT_TRUE(done_wait(&s.done, 2 * N));
	CU_ASSERT_EQUAL(s.out_of_order, 0);
	CU_ASSERT_FALSE(s.wrong_thread);
	CU_ASSERT_EQUAL(s.next[0], N);
	CU_ASSERT_EQUAL(s.next[1], 1000000 + N);
	sg_thread_free(t);
}

/* ---- sg_thread_call ---- */

struct call_arg {
	struct done done;
	struct sg_thread *expect;
	bool on_owner;
};

static void call_fn(void *arg)
{
	struct call_arg *a = arg;

	a->on_owner = sg_thread_is_self(a->expect) &&
		      pthread_equal(pthread_self(), sg_thread_pthread(a->expect));
	done_signal(&a->done);
}

static void test_call_runs_on_owner(void)
{
	struct sg_thread *t = sg_thread_alloc(NULL, "callee", SG_THREAD_SCTP, 0);
	struct call_arg a = { .expect = t };

	done_init(&a.done);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);
	CU_ASSERT_EQUAL(sg_thread_call(t, call_fn, &a), 0);
	CU_ASSERT_TRUE(done_wait(&a.done, 1));
	CU_ASSERT_TRUE(a.on_owner);
	sg_thread_free(t);
}

/* ---- a timer scheduled on a thread fires there, woken by its timerfd ---- */

struct timer_arg {
	struct done done;
	struct sg_timer timer;
	struct sg_thread *expect;
	uint64_t started, fired_at;
	bool on_owner;
};

static void timer_fired(void *data)
{
	struct timer_arg *a = data;

	a->fired_at = sg_now();
	a->on_owner = sg_thread_is_self(a->expect);
	done_signal(&a->done);
}

static void timer_start_fn(void *arg)
{
	struct timer_arg *a = arg;

	sg_timer_setup(&a->timer, timer_fired, a);
	a->started = sg_now();
	sg_timer_start_ms(&a->timer, 20);
}

static void test_timer_on_thread(void)
{
	struct sg_thread *t = sg_thread_alloc(NULL, "timers", SG_THREAD_TDM, 0);
	struct timer_arg a = { .expect = t };

	done_init(&a.done);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);
	CU_ASSERT_EQUAL(sg_thread_call(t, timer_start_fn, &a), 0);
	CU_ASSERT_TRUE(done_wait(&a.done, 1));
	CU_ASSERT_TRUE(a.on_owner);
	CU_ASSERT(a.fired_at - a.started >= 20 * SG_NS_PER_MS);
	sg_thread_free(t);
}

/* ---- shutdown: queued work is handled, later posts are refused ---- */

struct gate {
	struct done entered;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool open;
};

static void gate_fn(void *arg)
{
	struct gate *g = arg;

	done_signal(&g->entered);
	pthread_mutex_lock(&g->lock);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->open = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static void *stopper_main(void *arg)
{
	sg_thread_stop(arg);
	return NULL;
}

static void test_mailbox_full_and_shutdown(void)
{
	struct sg_thread *t = sg_thread_alloc(NULL, "small", SG_THREAD_OTHER, 4);
	struct seen s = { .next_seq = 0 };
	struct gate g = { .open = false };
	struct sg_thread_stats st;
	unsigned int accepted = 0, refused = 0;
	pthread_t stopper;

	done_init(&s.done);
	done_init(&g.entered);
	pthread_mutex_init(&g.lock, NULL);
	pthread_cond_init(&g.cond, NULL);
	sg_thread_set_handler(t, SG_SAP_MTP, mtp_handler, &s);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);

	/* block the thread inside a call, then fill its 4-entry mailbox */
	CU_ASSERT_EQUAL(sg_thread_call(t, gate_fn, &g), 0);
	CU_ASSERT_TRUE(done_wait(&g.entered, 1));
	for (uint32_t i = 0; i < 10; i++) {
		int rc = sg_thread_post(t, transfer(accepted, i));

		if (rc == 0)
			accepted++;
		else if (rc == -ENOSPC)
			refused++;
	}
	CU_ASSERT_EQUAL(accepted, 4);
	CU_ASSERT_EQUAL(refused, 6);
	sg_thread_stats_read(t, &st);
	CU_ASSERT_EQUAL(st.mails_dropped, 6);

	/* stop while work is queued: the 4 accepted primitives are still
	 * handled, in order, before the thread exits */
	pthread_create(&stopper, NULL, stopper_main, t);
	gate_open(&g);
	pthread_join(stopper, NULL);
	CU_ASSERT_EQUAL(s.done.count, 4);
	CU_ASSERT_EQUAL(s.in_order, 4);

	/* a stopped thread refuses posts and frees the buffer (ASan checks) */
	CU_ASSERT_EQUAL(sg_thread_post(t, transfer(0, 0)), -ESHUTDOWN);
	CU_ASSERT_EQUAL(sg_thread_call(t, call_fn, NULL), -ESHUTDOWN);
	sg_thread_free(t);
}

/* ---- overload: DATA fills the mailbox, control primitives still get through ---- */

struct lane_rec {
	struct done done;
	unsigned int n;
	enum sg_mtp2_prim prim[64];
	uint16_t tag[64];
};

static void mtp2_rec_handler(struct sg_thread *t, struct msgb *msg, void *priv)
{
	struct lane_rec *r = priv;
	struct sg_mtp2_param *p = sg_prim_param(msg);

	if (r->n < ARRAY_SIZE(r->prim)) {
		r->prim[r->n] = sg_prim_hdr(msg)->primitive;
		r->tag[r->n] = p->link_id;
		r->n++;
	}
	msgb_free(msg);
	done_signal(&r->done);
}

static struct msgb *mtp2_prim(enum sg_mtp2_prim prim, uint16_t tag)
{
	struct msgb *msg = sg_prim_alloc(SG_SAP_MTP2, prim, PRIM_OP_INDICATION,
					 sizeof(struct sg_mtp2_param), 16, "test");
	struct sg_mtp2_param *p = sg_prim_param(msg);

	p->link_id = tag;
	if (prim == SG_MTP2_DATA || prim == SG_MTP2_RETRIEVAL_REQ) {
		msg->l3h = msgb_put(msg, 5);
		memcpy(msg->l3h, "\x83MSU", 5);
	}
	return msg;
}

/* The MTP2 -> MTP3 mailbox of issue 10: received MSUs (data) fill it, and the link-state
 * primitives behind them (congestion, OUT OF SERVICE, retrieved MSUs, RETRIEVAL COMPLETE)
 * are still accepted through the reserved lane and handled in the order they were posted,
 * after the data posted before them; only an exhausted reserve refuses one, counted. */
static void test_control_lane_survives_full_mailbox(void)
{
	struct sg_thread *t = sg_thread_alloc(NULL, "lanes", SG_THREAD_CORE, 8);
	struct lane_rec r = { .n = 0 };
	struct gate g = { .open = false };
	struct sg_thread_stats st;
	/* what we post, in order; ctl: through sg_thread_post_ctl */
	static const struct { enum sg_mtp2_prim prim; bool ctl; } seq[] = {
		{ SG_MTP2_IN_SERVICE, true },
		{ SG_MTP2_DATA, false }, { SG_MTP2_DATA, false }, { SG_MTP2_DATA, false },
		{ SG_MTP2_DATA, false }, { SG_MTP2_DATA, false }, { SG_MTP2_DATA, false },
		{ SG_MTP2_DATA, false },
		/* the mailbox (8) is full now: data is refused, control is not */
		{ SG_MTP2_DATA, false }, { SG_MTP2_DATA, false },
		{ SG_MTP2_CONGESTION, true }, { SG_MTP2_DATA, false },
		{ SG_MTP2_OUT_OF_SERVICE, true }, { SG_MTP2_BSNT_NOT_RETRIEVABLE, true },
		{ SG_MTP2_RETRIEVAL_REQ, true }, { SG_MTP2_RETRIEVAL_REQ, true },
		{ SG_MTP2_RETRIEVAL_COMPLETE, true },
		/* the reserve (6) is exhausted now */
		{ SG_MTP2_RPO, true },
	};
	int rc[ARRAY_SIZE(seq)];
	unsigned int accepted = 0, k = 0;

	done_init(&r.done);
	done_init(&g.entered);
	pthread_mutex_init(&g.lock, NULL);
	pthread_cond_init(&g.cond, NULL);
	sg_thread_set_ctl_reserve(t, 6);
	sg_thread_set_handler(t, SG_SAP_MTP2, mtp2_rec_handler, &r);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);
	CU_ASSERT_EQUAL(sg_thread_call(t, gate_fn, &g), 0);
	CU_ASSERT_TRUE(done_wait(&g.entered, 1));

	for (unsigned int i = 0; i < ARRAY_SIZE(seq); i++) {
		struct msgb *m = mtp2_prim(seq[i].prim, i);

		rc[i] = seq[i].ctl ? sg_thread_post_ctl(t, m) : sg_thread_post(t, m);
		accepted += rc[i] == 0;
	}
	/* 1 control + 7 data fill the 8 entries; the 3 later data posts are refused */
	for (unsigned int i = 1; i <= 7; i++)
		CU_ASSERT_EQUAL(rc[i], 0);
	CU_ASSERT_EQUAL(rc[8], -ENOSPC);
	CU_ASSERT_EQUAL(rc[9], -ENOSPC);
	CU_ASSERT_EQUAL(rc[11], -ENOSPC);
	/* every control primitive up to the reserve got in; the 7th beyond the data did not */
	CU_ASSERT_EQUAL(rc[0], 0);
	CU_ASSERT_EQUAL(rc[10], 0);
	for (unsigned int i = 12; i <= 16; i++)
		CU_ASSERT_EQUAL(rc[i], 0);
	CU_ASSERT_EQUAL(rc[17], -ENOSPC);
	CU_ASSERT_EQUAL(accepted, 14);
	CU_ASSERT_EQUAL(sg_thread_mailbox_depth(t), 14);
	sg_thread_stats_read(t, &st);
	CU_ASSERT_EQUAL(st.mails_dropped, 3);
	CU_ASSERT_EQUAL(st.ctl_posted, 7);
	CU_ASSERT_EQUAL(st.ctl_dropped, 1);
	CU_ASSERT_EQUAL(st.depth_max, 14);

	gate_open(&g);
	CU_ASSERT_TRUE_FATAL(done_wait(&r.done, accepted));
	/* handled exactly in the order posted, data and control interleaved as posted */
	CU_ASSERT_EQUAL(r.n, accepted);
	for (unsigned int i = 0; i < ARRAY_SIZE(seq); i++) {
		if (rc[i])
			continue;
		CU_ASSERT_EQUAL(r.tag[k], i);
		CU_ASSERT_EQUAL(r.prim[k], seq[i].prim);
		k++;
	}
	/* drained: the lanes take posts again */
	CU_ASSERT_EQUAL(sg_thread_post(t, mtp2_prim(SG_MTP2_DATA, 99)), 0);
	CU_ASSERT_TRUE(done_wait(&r.done, accepted + 1));
	sg_thread_free(t);
	/* stopped: both classes refused and counted */
	t = sg_thread_alloc(NULL, "lanes2", SG_THREAD_CORE, 8);
	sg_thread_set_handler(t, SG_SAP_MTP2, mtp2_rec_handler, &r);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);
	sg_thread_stop(t);
	CU_ASSERT_EQUAL(sg_thread_post_ctl(t, mtp2_prim(SG_MTP2_OUT_OF_SERVICE, 0)), -ESHUTDOWN);
	CU_ASSERT_EQUAL(sg_thread_post(t, mtp2_prim(SG_MTP2_DATA, 0)), -ESHUTDOWN);
	sg_thread_stats_read(t, &st);
	CU_ASSERT_EQUAL(st.ctl_refused_shutdown, 1);
	CU_ASSERT_EQUAL(st.mails_refused_shutdown, 1);
	sg_thread_free(t);
}

/* More entries than one wake-up's batch (64): the mailbox re-arms its eventfd, so all are
 * handled, in order, and the depth returns to 0. */
static void test_mailbox_batches(void)
{
	struct sg_thread *t = sg_thread_alloc(NULL, "batches", SG_THREAD_CORE, 1000);
	struct seen s = { .next_seq = 0 };
	struct gate g = { .open = false };

	done_init(&s.done);
	done_init(&g.entered);
	pthread_mutex_init(&g.lock, NULL);
	pthread_cond_init(&g.cond, NULL);
	sg_thread_set_handler(t, SG_SAP_MTP, mtp_handler, &s);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(t), 0);
	CU_ASSERT_EQUAL(sg_thread_call(t, gate_fn, &g), 0);
	CU_ASSERT_TRUE(done_wait(&g.entered, 1));
	for (uint32_t i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(sg_thread_post(t, transfer(i, i)), 0);
	gate_open(&g);
	CU_ASSERT_TRUE(done_wait(&s.done, 1000));
	CU_ASSERT_EQUAL(s.in_order, 1000);
	CU_ASSERT_EQUAL(sg_thread_mailbox_depth(t), 0);
	sg_thread_free(t);
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "a primitive posted from one thread is handled on its owner thread",
		  test_post_handled_on_owner },
		{ "two producers, 40000 posts: per-producer FIFO, all on the owner",
		  test_fifo_per_producer },
		{ "sg_thread_call runs on the owner thread", test_call_runs_on_owner },
		{ "a timer on a thread fires on that thread", test_timer_on_thread },
		{ "full mailbox refuses; stop drains queued work; stopped refuses",
		  test_mailbox_full_and_shutdown },
		{ "control primitives survive a mailbox full of DATA, in posting order",
		  test_control_lane_survives_full_mailbox },
		{ "a backlog larger than one batch is handled completely and in order",
		  test_mailbox_batches },
		{ NULL, NULL }
	};

	return cu_run_suite("thread", tests, cu_log_open, cu_log_fini);
}
