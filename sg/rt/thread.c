/* Threads with their own event loop, and eventfd-woken bounded mailboxes with a reserved
 * control lane between them. */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#include <osmocom/core/linuxlist.h>
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

/*
 * The mailbox: one FIFO (so every poster's entries, data and control alike, are handled in the
 * order it posted them), a mutex, and an eventfd that wakes the owner's loop.  Data entries
 * (sg_thread_post, sg_thread_call) are refused once `len` entries wait; control entries
 * (sg_thread_post_ctl) have a reserved lane above that: they are refused only once
 * `len + reserve` entries wait, which a correct system never reaches (see thread.h).
 */
struct mailbox {
	pthread_mutex_t lock;
	struct llist_head list;
	unsigned int depth;		/* entries waiting */
	unsigned int len, reserve;
	struct osmo_fd ofd;		/* eventfd, registered in the owner's loop */
};

/* entries handled per wake-up before timers and other fds get their turn */
#define MAILBOX_BATCH 64

struct sg_thread {
	char name[32];
	enum sg_thread_role role;
	unsigned int mailbox_len;
	unsigned int ctl_reserve;
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
	struct mailbox *mailbox;

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

static void stat_max(uint64_t *ctr, uint64_t v)
{
	uint64_t cur = __atomic_load_n(ctr, __ATOMIC_RELAXED);

	while (v > cur && !__atomic_compare_exchange_n(ctr, &cur, v, true, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
}

/* Take one entry from the mailbox, or NULL when it is empty. */
static struct msgb *mailbox_take(struct sg_thread *t, struct mailbox *mb)
{
	struct msgb *msg = NULL;

	pthread_mutex_lock(&mb->lock);
	if (!llist_empty(&mb->list)) {
		msg = llist_first_entry(&mb->list, struct msgb, list);
		llist_del(&msg->list);
		mb->depth--;
		if (t)
			__atomic_store_n(&t->stats.depth, mb->depth, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&mb->lock);
	return msg;
}

static void mailbox_kick(struct mailbox *mb)
{
	uint64_t one = 1;

	if (write(mb->ofd.fd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN)
		LOGP(DTHR, LOGL_ERROR, "mailbox eventfd write: %s\n", strerror(errno));
}

static int mailbox_read_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sg_thread *t = ofd->data;
	struct mailbox *mb = t->mailbox;
	struct msgb *msg;
	uint64_t v;
	unsigned int n;

	if (read(ofd->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		LOGP(DTHR, LOGL_ERROR, "mailbox eventfd read: %s\n", strerror(errno));
	/* a batch, then timers and other fds (the TDM threads' 1 ms timing) get their turn */
	for (n = 0; n < MAILBOX_BATCH && (msg = mailbox_take(t, mb)); n++)
		dispatch(t, msg);
	if (n == MAILBOX_BATCH) {
		pthread_mutex_lock(&mb->lock);
		if (mb->depth)
			mailbox_kick(mb);
		pthread_mutex_unlock(&mb->lock);
	}
	return 0;
}

static struct mailbox *mailbox_alloc(void *ctx, unsigned int len, unsigned int reserve)
{
	struct mailbox *mb = talloc_zero(ctx, struct mailbox);
	int fd;

	if (!mb)
		return NULL;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0) {
		talloc_free(mb);
		return NULL;
	}
	pthread_mutex_init(&mb->lock, NULL);
	INIT_LLIST_HEAD(&mb->list);
	mb->len = len;
	mb->reserve = reserve;
	osmo_fd_setup(&mb->ofd, fd, OSMO_FD_READ, mailbox_read_cb, NULL, 0);
	return mb;
}

/* Called by the owner once nobody can post any more: frees what is left. */
static void mailbox_free(struct mailbox *mb)
{
	struct msgb *msg;

	if (!mb)
		return;
	while ((msg = mailbox_take(NULL, mb)))
		msgb_free(msg);
	if (mb->ofd.fd >= 0) {
		if (osmo_fd_is_registered(&mb->ofd))
			osmo_fd_unregister(&mb->ofd);
		close(mb->ofd.fd);
	}
	pthread_mutex_destroy(&mb->lock);
	talloc_free(mb);
}

static int post(struct sg_thread *t, struct msgb *msg, bool ctl)
{
	struct mailbox *mb;
	unsigned int depth = 0;
	int rc = 0;

	if (msg->len < sizeof(struct osmo_prim_hdr)) {
		msgb_free(msg);
		return -EINVAL;
	}
	pthread_rwlock_rdlock(&t->post_lock);
	if (!t->accepting) {
		pthread_rwlock_unlock(&t->post_lock);
		__atomic_add_fetch(ctl ? &t->stats.ctl_refused_shutdown
				       : &t->stats.mails_refused_shutdown, 1, __ATOMIC_RELAXED);
		msgb_free(msg);
		return -ESHUTDOWN;
	}
	mb = t->mailbox;
	pthread_mutex_lock(&mb->lock);
	if (mb->depth >= mb->len + (ctl ? mb->reserve : 0)) {
		rc = -ENOSPC;
	} else {
		llist_add_tail(&msg->list, &mb->list);
		depth = ++mb->depth;
		__atomic_store_n(&t->stats.depth, depth, __ATOMIC_RELAXED);
		mailbox_kick(mb);
	}
	pthread_mutex_unlock(&mb->lock);
	pthread_rwlock_unlock(&t->post_lock);
	if (rc < 0) {
		if (ctl) {
			/* the reserve is sized so that this does not happen: say so loudly */
			__atomic_add_fetch(&t->stats.ctl_dropped, 1, __ATOMIC_RELAXED);
			LOGP(DTHR, LOGL_ERROR, "thread %s: control lane full (%u entries), "
			     "primitive lost\n", t->name, mb->len + mb->reserve);
		} else {
			__atomic_add_fetch(&t->stats.mails_dropped, 1, __ATOMIC_RELAXED);
		}
		msgb_free(msg);
		return rc;
	}
	if (ctl)
		__atomic_add_fetch(&t->stats.ctl_posted, 1, __ATOMIC_RELAXED);
	stat_max(&t->stats.depth_max, depth);
	return 0;
}

int sg_thread_post(struct sg_thread *t, struct msgb *msg)
{
	return post(t, msg, false);
}

int sg_thread_post_ctl(struct sg_thread *t, struct msgb *msg)
{
	return post(t, msg, true);
}

unsigned int sg_thread_mailbox_depth(const struct sg_thread *t)
{
	return __atomic_load_n(&t->stats.depth, __ATOMIC_RELAXED);
}

void sg_thread_set_ctl_reserve(struct sg_thread *t, unsigned int reserve)
{
	OSMO_ASSERT(!t->started);
	t->ctl_reserve = reserve;
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
	t->ctl_reserve = SG_THREAD_CTL_RESERVE_DEFAULT;
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
	t->mailbox = mailbox_alloc(NULL, t->mailbox_len, t->ctl_reserve);
	if (!t->mailbox) {
		rc = -ENOMEM;
		goto out_free;
	}
	t->mailbox->ofd.data = t;
	if (osmo_fd_register(&t->mailbox->ofd) < 0) {
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
	while ((msg = mailbox_take(t, t->mailbox)))
		dispatch(t, msg);
	if (t->fini)
		t->fini(t, t->hook_priv);
	LOGP(DTHR, LOGL_INFO, "thread %s stopped\n", t->name);
	rc = 0;
out_free:
	if (stop_registered)
		osmo_fd_unregister(&t->stop_ofd);
	mailbox_free(t->mailbox);
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
	out->mails_refused_shutdown = __atomic_load_n(&t->stats.mails_refused_shutdown,
						      __ATOMIC_RELAXED);
	out->ctl_posted = __atomic_load_n(&t->stats.ctl_posted, __ATOMIC_RELAXED);
	out->ctl_dropped = __atomic_load_n(&t->stats.ctl_dropped, __ATOMIC_RELAXED);
	out->ctl_refused_shutdown = __atomic_load_n(&t->stats.ctl_refused_shutdown,
						    __ATOMIC_RELAXED);
	out->depth = __atomic_load_n(&t->stats.depth, __ATOMIC_RELAXED);
	out->depth_max = __atomic_load_n(&t->stats.depth_max, __ATOMIC_RELAXED);
	out->loop_iterations = __atomic_load_n(&t->stats.loop_iterations, __ATOMIC_RELAXED);
	out->timers_fired = __atomic_load_n(&t->stats.timers_fired, __ATOMIC_RELAXED);
}
