/* Threads with their own event loop, and eventfd-woken mailboxes (osmo_it_q) between them. */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#include <osmocom/core/it_q.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>
#include <sg/thread.h>
#include <sg/timer.h>

const struct value_string sg_thread_role_names[] = {
	{ SG_THREAD_TDM, "tdm" },
	{ SG_THREAD_SCTP, "sctp" },
	{ SG_THREAD_CORE, "core" },
	{ SG_THREAD_MGMT, "mgmt" },
	{ SG_THREAD_OTHER, "other" },
	{ 0, NULL }
};

struct sg_call_param {
	sg_call_fn_t fn;
	void *arg;
};

enum sg_call_prim { SG_CALL_RUN };

struct sg_thread {
	char name[32];
	enum sg_thread_role role;
	unsigned int mailbox_len;
	int rt_priority;		/* SCHED_FIFO priority, 0: normal scheduling */

	pthread_t pthread;
	bool started;

	/* start-up handshake */
	pthread_mutex_t start_lock;
	pthread_cond_t start_cond;
	bool start_done;
	int start_rc;

	/* posters hold it shared while enqueueing; the thread takes it
	 * exclusively to close the mailbox before destroying it */
	pthread_rwlock_t post_lock;
	bool accepting;
	struct osmo_it_q *mailbox;

	/* written by sg_thread_stop() on another thread to wake the loop */
	struct osmo_fd stop_ofd;

	/* below: touched only by the thread itself */
	void *ctx;
	bool quit;
	sg_prim_handler_t handler[_SG_SAP_MAX];
	void *handler_priv[_SG_SAP_MAX];
	sg_thread_hook_t init, fini;
	void *hook_priv;
	struct sg_thread_stats stats;
};

static __thread struct sg_thread *current_thread;

/* ---- per-thread loop: osmo_select + a timerfd for the sg_timers ---- */

struct sg_loop {
	struct osmo_fd timer_ofd;
	uint64_t armed;		/* expiry the timerfd is armed for, 0 = none */
	uint64_t *fired_ctr;
};
static __thread struct sg_loop *loop;

static void loop_arm(void)
{
	struct itimerspec its = { };
	uint64_t next;

	if (!sg_timers_nearest(&next))
		next = 0;
	if (next == loop->armed)
		return;
	loop->armed = next;
	if (next) {
		/* an expiry of 0 would disarm: a due timer fires 1 ns late */
		its.it_value.tv_sec = next / SG_NS_PER_S;
		its.it_value.tv_nsec = next % SG_NS_PER_S;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(loop->timer_ofd.fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		LOGP(DTHR, LOGL_ERROR, "timerfd_settime: %s\n", strerror(errno));
}

static int loop_timer_cb(struct osmo_fd *ofd, unsigned int what)
{
	uint64_t expirations;

	if (read(ofd->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		LOGP(DTHR, LOGL_ERROR, "timerfd read: %s\n", strerror(errno));
	loop->armed = 0;
	return 0;
}

int sg_loop_init(void)
{
	int fd;

	if (loop)
		return 0;
	if (!osmo_ctx && osmo_ctx_init("sg") < 0)
		return -ENOMEM;
	/* libosmocore's fd list is per thread and must be initialised in it */
	osmo_select_init();
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	loop = talloc_zero(NULL, struct sg_loop);
	if (!loop) {
		close(fd);
		return -ENOMEM;
	}
	osmo_fd_setup(&loop->timer_ofd, fd, OSMO_FD_READ, loop_timer_cb, NULL, 0);
	if (osmo_fd_register(&loop->timer_ofd) < 0) {
		close(fd);
		TALLOC_FREE(loop);
		return -EIO;
	}
	return 0;
}

static void loop_fini(void)
{
	if (!loop)
		return;
	osmo_fd_unregister(&loop->timer_ofd);
	close(loop->timer_ofd.fd);
	TALLOC_FREE(loop);
}

/* One iteration: run due timers, wait for fds (blocking or not), run timers. */
static unsigned int loop_iterate(bool block)
{
	unsigned int fired = sg_timers_run();

	loop_arm();
	osmo_select_main_ctx(block ? 0 : 1);
	fired += sg_timers_run();
	loop_arm();
	return fired;
}

static void loop_wakeup_cb(void *data)
{
	*(bool *)data = true;
}

int sg_loop_once(int timeout_ms)
{
	struct sg_timer wake;
	bool woke = false;

	if (!loop)
		return -EINVAL;
	if (timeout_ms == 0) {
		loop_iterate(false);
		return 0;
	}
	sg_timer_setup(&wake, loop_wakeup_cb, &woke);
	if (timeout_ms > 0)
		sg_timer_start_ms(&wake, timeout_ms);
	loop_iterate(true);
	sg_timer_stop(&wake);
	return 0;
}

/* ---- mailbox ---- */

static void dispatch(struct sg_thread *t, struct msgb *msg)
{
	struct osmo_prim_hdr *oph = sg_prim_hdr(msg);

	__atomic_add_fetch(&t->stats.mails_in, 1, __ATOMIC_RELAXED);
	if (oph->sap == SG_SAP_CALL) {
		struct sg_call_param *p = sg_prim_param(msg);

		p->fn(p->arg);
		msgb_free(msg);
		return;
	}
	if (oph->sap < _SG_SAP_MAX && t->handler[oph->sap]) {
		t->handler[oph->sap](t, msg, t->handler_priv[oph->sap]);
		return;
	}
	LOGP(DTHR, LOGL_ERROR, "thread %s: no handler for SAP %s, primitive dropped\n",
	     t->name, get_value_string(sg_sap_names, oph->sap));
	msgb_free(msg);
}

static void mailbox_read_cb(struct osmo_it_q *q, struct llist_head *item)
{
	struct msgb *msg = llist_entry(item, struct msgb, list);

	dispatch(q->data, msg);
}

/* Take one entry from a mailbox, or NULL when it is empty.  libosmocore's
 * dequeue must not be called on an empty queue; we are the only consumer,
 * so a queue seen non-empty stays non-empty until we take from it. */
static struct msgb *mailbox_take(struct osmo_it_q *q)
{
	struct msgb *msg = NULL;
	bool empty;

	pthread_mutex_lock(&q->mutex);
	empty = llist_empty(&q->list);
	pthread_mutex_unlock(&q->mutex);
	if (!empty)
		osmo_it_q_dequeue(q, &msg, list);
	return msg;
}

int sg_thread_post(struct sg_thread *t, struct msgb *msg)
{
	int rc;

	if (msg->len < sizeof(struct osmo_prim_hdr)) {
		msgb_free(msg);
		return -EINVAL;
	}
	pthread_rwlock_rdlock(&t->post_lock);
	if (!t->accepting) {
		pthread_rwlock_unlock(&t->post_lock);
		msgb_free(msg);
		return -ESHUTDOWN;
	}
	rc = osmo_it_q_enqueue(t->mailbox, msg, list);
	pthread_rwlock_unlock(&t->post_lock);
	if (rc < 0) {
		__atomic_add_fetch(&t->stats.mails_dropped, 1, __ATOMIC_RELAXED);
		msgb_free(msg);
		return rc == -ENOSPC ? -ENOSPC : rc;
	}
	return 0;
}

static int post_call(struct sg_thread *t, enum sg_call_prim prim, sg_call_fn_t fn, void *arg)
{
	struct msgb *msg = sg_prim_alloc(SG_SAP_CALL, prim, PRIM_OP_REQUEST,
					 sizeof(struct sg_call_param), 0, "sg_call");
	struct sg_call_param *p;

	if (!msg)
		return -ENOMEM;
	p = sg_prim_param(msg);
	p->fn = fn;
	p->arg = arg;
	return sg_thread_post(t, msg);
}

int sg_thread_call(struct sg_thread *t, sg_call_fn_t fn, void *arg)
{
	return post_call(t, SG_CALL_RUN, fn, arg);
}

/* ---- life cycle ---- */

struct sg_thread *sg_thread_alloc(void *ctx, const char *name, enum sg_thread_role role,
				  unsigned int mailbox_len)
{
	struct sg_thread *t = talloc_zero(ctx, struct sg_thread);

	if (!t)
		return NULL;
	OSMO_STRLCPY_ARRAY(t->name, name);
	t->role = role;
	t->mailbox_len = mailbox_len ? mailbox_len : 4096;
	pthread_mutex_init(&t->start_lock, NULL);
	pthread_cond_init(&t->start_cond, NULL);
	pthread_rwlock_init(&t->post_lock, NULL);
	return t;
}

void sg_thread_set_hooks(struct sg_thread *t, sg_thread_hook_t init, sg_thread_hook_t fini,
			 void *priv)
{
	OSMO_ASSERT(!t->started);
	t->init = init;
	t->fini = fini;
	t->hook_priv = priv;
}

void sg_thread_set_handler(struct sg_thread *t, enum sg_sap sap, sg_prim_handler_t h, void *priv)
{
	OSMO_ASSERT(!t->started);
	OSMO_ASSERT(sap > SG_SAP_CALL && sap < _SG_SAP_MAX);
	t->handler[sap] = h;
	t->handler_priv[sap] = priv;
}

static void start_signal(struct sg_thread *t, int rc)
{
	pthread_mutex_lock(&t->start_lock);
	t->start_rc = rc;
	t->start_done = true;
	pthread_cond_signal(&t->start_cond);
	pthread_mutex_unlock(&t->start_lock);
}

static int stop_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sg_thread *t = ofd->data;
	uint64_t v;

	if (read(ofd->fd, &v, sizeof(v)) == sizeof(v))
		t->quit = true;
	return 0;
}

static void *thread_main(void *arg)
{
	struct sg_thread *t = arg;
	bool stop_registered = false;
	struct msgb *msg;
	int rc;

	current_thread = t;
	pthread_setname_np(pthread_self(), t->name);
	if (t->rt_priority) {
		struct sched_param sp = { .sched_priority = t->rt_priority };
		int e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

		if (e)
			LOGP(DTHR, LOGL_ERROR, "thread %s: real-time priority %d refused (%s); "
			     "running with normal scheduling\n", t->name, t->rt_priority, strerror(e));
		else
			LOGP(DTHR, LOGL_INFO, "thread %s: SCHED_FIFO priority %d\n", t->name,
			     t->rt_priority);
	}
	rc = sg_loop_init();
	if (rc < 0) {
		start_signal(t, rc);
		return NULL;
	}
	t->ctx = talloc_named_const(NULL, 0, t->name);
	/* the eventfd of the mailbox joins this thread's select loop */
	t->mailbox = osmo_it_q_alloc(t->ctx, t->name, t->mailbox_len, mailbox_read_cb, t);
	if (!t->mailbox) {
		rc = -ENOMEM;	/* or a queue of the same name exists */
		goto out_free;
	}
	/* osmo_it_q sets its eventfd up but leaves registering it to us; it
	 * is closed (and unregistered) by osmo_it_q_destroy() */
	if (osmo_fd_register(&t->mailbox->event_ofd) < 0) {
		rc = -EIO;
		goto out_free;
	}
	osmo_fd_setup(&t->stop_ofd, t->stop_ofd.fd, OSMO_FD_READ, stop_cb, t, 0);
	if (osmo_fd_register(&t->stop_ofd) < 0) {
		rc = -EIO;
		goto out_free;
	}
	stop_registered = true;
	if (t->init && (rc = t->init(t, t->hook_priv)) < 0)
		goto out_free;
	pthread_rwlock_wrlock(&t->post_lock);
	t->accepting = true;
	pthread_rwlock_unlock(&t->post_lock);
	start_signal(t, 0);
	LOGP(DTHR, LOGL_INFO, "thread %s (%s) running\n", t->name,
	     get_value_string(sg_thread_role_names, t->role));

	while (!t->quit) {
		unsigned int fired = loop_iterate(true);

		__atomic_add_fetch(&t->stats.timers_fired, fired, __ATOMIC_RELAXED);
		__atomic_add_fetch(&t->stats.loop_iterations, 1, __ATOMIC_RELAXED);
	}

	/* close the mailbox, then handle what was posted before it closed */
	pthread_rwlock_wrlock(&t->post_lock);
	t->accepting = false;
	pthread_rwlock_unlock(&t->post_lock);
	while ((msg = mailbox_take(t->mailbox)))
		dispatch(t, msg);
	if (t->fini)
		t->fini(t, t->hook_priv);
	LOGP(DTHR, LOGL_INFO, "thread %s stopped\n", t->name);
	rc = 0;
out_free:
	if (stop_registered)
		osmo_fd_unregister(&t->stop_ofd);
	if (t->mailbox)
		osmo_it_q_destroy(t->mailbox);
	t->mailbox = NULL;
	TALLOC_FREE(t->ctx);
	loop_fini();
	if (rc < 0)
		start_signal(t, rc);
	/* libosmocore's per-thread contexts */
	talloc_free(osmo_ctx);
	osmo_ctx = NULL;
	current_thread = NULL;
	return NULL;
}

void sg_thread_set_rt_priority(struct sg_thread *t, int prio)
{
	t->rt_priority = prio;
}

int sg_thread_start(struct sg_thread *t)
{
	int rc;

	OSMO_ASSERT(!t->started);
	t->start_done = false;
	t->quit = false;
	t->stop_ofd.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->stop_ofd.fd < 0)
		return -errno;
	rc = pthread_create(&t->pthread, NULL, thread_main, t);
	if (rc) {
		close(t->stop_ofd.fd);
		return -rc;
	}
	pthread_mutex_lock(&t->start_lock);
	while (!t->start_done)
		pthread_cond_wait(&t->start_cond, &t->start_lock);
	rc = t->start_rc;
	pthread_mutex_unlock(&t->start_lock);
	if (rc < 0) {
		pthread_join(t->pthread, NULL);
		close(t->stop_ofd.fd);
		return rc;
	}
	t->started = true;
	return 0;
}

void sg_thread_stop(struct sg_thread *t)
{
	uint64_t one = 1;

	if (!t->started)
		return;

	OSMO_ASSERT(!sg_thread_is_self(t));
	/* not through the mailbox, which may be full */
	if (write(t->stop_ofd.fd, &one, sizeof(one)) != sizeof(one))
		LOGP(DTHR, LOGL_ERROR, "thread %s: cannot signal stop: %s\n", t->name,
		     strerror(errno));
	pthread_join(t->pthread, NULL);
	close(t->stop_ofd.fd);
	t->started = false;
}

void sg_thread_free(struct sg_thread *t)
{
	if (!t)
		return;
	sg_thread_stop(t);
	pthread_rwlock_destroy(&t->post_lock);
	pthread_cond_destroy(&t->start_cond);
	pthread_mutex_destroy(&t->start_lock);
	talloc_free(t);
}

struct sg_thread *sg_thread_self(void)
{
	return current_thread;
}

bool sg_thread_is_self(const struct sg_thread *t)
{
	return t && current_thread == t;
}

const char *sg_thread_name(const struct sg_thread *t)
{
	return t->name;
}

enum sg_thread_role sg_thread_role(const struct sg_thread *t)
{
	return t->role;
}

void *sg_thread_ctx(struct sg_thread *t)
{
	return t->ctx;
}

pthread_t sg_thread_pthread(const struct sg_thread *t)
{
	return t->pthread;
}

void sg_thread_stats_read(const struct sg_thread *t, struct sg_thread_stats *out)
{
	out->mails_in = __atomic_load_n(&t->stats.mails_in, __ATOMIC_RELAXED);
	out->mails_dropped = __atomic_load_n(&t->stats.mails_dropped, __ATOMIC_RELAXED);
	out->loop_iterations = __atomic_load_n(&t->stats.loop_iterations, __ATOMIC_RELAXED);
	out->timers_fired = __atomic_load_n(&t->stats.timers_fired, __ATOMIC_RELAXED);
}
