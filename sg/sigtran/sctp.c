/* SCTP transport core: associations, mailboxes between the io and owner threads, send
 * queues, reconnection, management view (RFC 4960 §9 for the shutdown/abort semantics,
 * RFC 6458 for the socket API both backends offer). */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>
#include <sg/msg.h>
#include <sg/thread.h>

#include "sctp_int.h"

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

/* Headroom a received message of rx_max octets still gets (rx_max is at most 65535 less this,
 * doc/sctp.md); below SG_MSGB_HEADROOM only for messages too long for any conversion */
#define SCTP_RX_HEADROOM_MIN 128

#define LOGSCTP(lvl, fmt, args...) LOGP(DSCTP, lvl, fmt, ##args)
#define LOGA(a, lvl, fmt, args...) \
	LOGP(DSCTP, lvl, "assoc %u (%s): " fmt, (a)->id, (a)->ep->name, ##args)

const struct value_string sg_sctp_transport_names[] = {
	{ SG_SCTP_AUTO, "auto" },
	{ SG_SCTP_KERNEL, "kernel" },
	{ SG_SCTP_USRSCTP, "usrsctp" },
	{ 0, NULL }
};

const struct value_string sg_sctp_usrsctp_mode_names[] = {
	{ SG_SCTP_USRSCTP_UDP, "udp" },
	{ SG_SCTP_USRSCTP_RAW, "raw" },
	{ 0, NULL }
};

const struct value_string sg_sctp_down_reason_names[] = {
	{ SG_SCTP_DOWN_SHUTDOWN, "peer-shutdown" },
	{ SG_SCTP_DOWN_CLOSED, "closed" },
	{ SG_SCTP_DOWN_PEER_ABORT, "peer-abort" },
	{ SG_SCTP_DOWN_ABORTED, "aborted" },
	{ SG_SCTP_DOWN_LOST, "lost" },
	{ SG_SCTP_DOWN_RESTART, "restart" },
	{ 0, NULL }
};

const struct value_string sctp_astate_names[] = {
	{ SCTP_A_CONNECTING, "connecting" },
	{ SCTP_A_ESTABLISHED, "established" },
	{ SCTP_A_SHUTTING_DOWN, "shutting-down" },
	{ SCTP_A_CLOSED, "closed" },
	{ 0, NULL }
};

static const struct sg_ctr_desc ep_ctr_desc[_SCTP_EP_CTR_MAX] = {
	[SCTP_EP_ACCEPTED] = { "assoc_accepted", "Associations accepted (ops->accept said yes)" },
	[SCTP_EP_REFUSED] = { "assoc_refused",
			      "Associations refused and aborted (peer not allowed)" },
	[SCTP_EP_CONNECTS] = { "connects", "Outgoing associations established" },
	[SCTP_EP_CONNECT_FAILURES] = { "connect_failures",
				       "Outgoing association attempts that failed" },
	[SCTP_EP_ACCEPT_ERRORS] = { "accept_errors", "Errors accepting or setting up a socket" },
};
static const struct sg_ctr_group_desc ep_ctr_group = {
	.name = "sctp_endpoint", .num = _SCTP_EP_CTR_MAX, .ctr = ep_ctr_desc,
};

static const struct sg_ctr_desc assoc_ctr_desc[_SCTP_A_CTR_MAX] = {
	[SCTP_A_TX_MSGS] = { "tx:msgs", "Messages handed to the SCTP stack" },
	[SCTP_A_TX_BYTES] = { "tx:bytes", "Payload octets handed to the SCTP stack" },
	[SCTP_A_RX_MSGS] = { "rx:msgs", "Messages received" },
	[SCTP_A_RX_BYTES] = { "rx:bytes", "Payload octets received" },
	[SCTP_A_TX_QUEUED] = { "tx:queued",
			       "Messages that waited in the send queue (socket full)" },
	[SCTP_A_TXQ_DROPS] = { "tx:queue_drops", "Messages dropped: send queue full" },
	[SCTP_A_TX_ERRORS] = { "tx:errors", "Messages the stack refused to send" },
	[SCTP_A_RX_OVERSIZE] = { "rx:oversize", "Messages dropped: larger than rx_max" },
	[SCTP_A_RESTARTS] = { "restarts", "Association restarts by the peer (SCTP_RESTART)" },
	[SCTP_A_PATH_CHANGES] = { "path_changes", "Peer address state changes" },
	[SCTP_A_SEND_FAILED] = { "send_failed", "Messages the stack reported as not delivered" },
};
static const struct sg_ctr_group_desc assoc_ctr_group = {
	.name = "sctp_assoc", .num = _SCTP_A_CTR_MAX, .ctr = assoc_ctr_desc,
};

/* ---- addresses ---- */

int sg_sctp_addr_parse(struct sockaddr_storage *ss, const char *str, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!str)
		return -EINVAL;
	if (inet_pton(AF_INET, str, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, str, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

const char *sg_sctp_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "?");
	}
	return buf;
}

static bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

bool sg_sctp_peer_allowed(const struct sockaddr_storage *peers, unsigned int npeers,
			  const struct sockaddr_storage *allowed, unsigned int nallowed)
{
	for (unsigned int i = 0; i < npeers; i++)
		for (unsigned int j = 0; j < nallowed; j++)
			if (addr_equal(&peers[i], &allowed[j]))
				return true;
	return false;
}

size_t sctp_pack_addrs(uint8_t *buf, size_t buflen, const struct sockaddr_storage *a,
		       unsigned int n, uint16_t port)
{
	size_t off = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (a[i].ss_family == AF_INET && off + sizeof(struct sockaddr_in) <= buflen) {
			struct sockaddr_in sin;

			memcpy(&sin, &a[i], sizeof(sin));
			sin.sin_port = htons(port);
			memcpy(buf + off, &sin, sizeof(sin));
			off += sizeof(sin);
		} else if (a[i].ss_family == AF_INET6 &&
			   off + sizeof(struct sockaddr_in6) <= buflen) {
			struct sockaddr_in6 sin6;

			memcpy(&sin6, &a[i], sizeof(sin6));
			sin6.sin6_port = htons(port);
			memcpy(buf + off, &sin6, sizeof(sin6));
			off += sizeof(sin6);
		}
	}
	return off;
}

unsigned int sctp_unpack_addrs(struct sockaddr_storage *out, unsigned int max,
			       const struct sockaddr *in, int n)
{
	const uint8_t *p = (const uint8_t *)in;
	unsigned int k = 0;

	for (int i = 0; i < n && k < max; i++) {
		const struct sockaddr *sa = (const struct sockaddr *)p;
		size_t len;

		if (sa->sa_family == AF_INET)
			len = sizeof(struct sockaddr_in);
		else if (sa->sa_family == AF_INET6)
			len = sizeof(struct sockaddr_in6);
		else
			break;
		memset(&out[k], 0, sizeof(out[k]));
		memcpy(&out[k], p, len);
		k++;
		p += len;
	}
	return k;
}

int sctp_addrs_family(const struct sockaddr_storage *a, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i].ss_family == AF_INET6)
			return AF_INET6;
	return AF_INET;
}

/* ---- transport selection ---- */

bool sg_sctp_kernel_probe(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

enum sg_sctp_transport sg_sctp_transport_select(enum sg_sctp_transport want, bool (*probe)(void))
{
	if (want != SG_SCTP_AUTO)
		return want;
	if (!probe)
		probe = sg_sctp_kernel_probe;
	return probe() ? SG_SCTP_KERNEL : SG_SCTP_USRSCTP;
}

/* ---- the registry of live instances: an item posted to a thread names its
 * instance by number, so an instance freed meanwhile is simply not found ---- */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static LLIST_HEAD(reg_list);
static uint32_t reg_next_inst = 1;
static uint32_t next_assoc_id = 1;
static int next_ep_id = 1;

static struct sg_sctp *reg_find(uint32_t inst)
{
	struct sg_sctp *s, *found = NULL;

	pthread_mutex_lock(&reg_lock);
	llist_for_each_entry(s, &reg_list, reg_list)
		if (s->inst_id == inst) {
			found = s;
			break;
		}
	pthread_mutex_unlock(&reg_lock);
	return found;
}

static uint32_t new_assoc_id(void)
{
	uint32_t id = __atomic_fetch_add(&next_assoc_id, 1, __ATOMIC_RELAXED);

	if (!id)	/* after 2^32 associations: skip 0 */
		id = __atomic_fetch_add(&next_assoc_id, 1, __ATOMIC_RELAXED);
	return id;
}

/* ---- items: requests to the io side, events to the owner ---- */

enum sctp_item_type {
	/* to io */
	I_SEND,
	I_CLOSE,
	I_ABORT,
	I_REFUSE,
	I_RESUME,	/* the owner has caught up: read again (no association) */
	/* to owner */
	E_ACCEPT,
	E_UP,
	E_DATA,
	E_DOWN,
	E_RESTART,
};

struct sctp_item {
	struct llist_head list;		/* local mailbox */
	uint32_t inst;
	enum sctp_item_type type;
	uint32_t id;
	uint16_t stream;
	uint32_t ppid;
	enum sg_sctp_down_reason reason;
	struct sctp_ep *ep;
	struct msgb *msg;
	struct sg_sctp_assoc_info *info;
	size_t rx_bytes;		/* E_DATA: counted in rx_inflight until handed over */
	bool rx_counted;
};

static void item_free(struct sctp_item *it)
{
	msgb_free(it->msg);
	free(it->info);
	free(it);
}

static void io_handle(struct sg_sctp *s, struct sctp_item *it);
static void own_handle(struct sg_sctp *s, struct sctp_item *it);

static void item_dispatch(struct sg_sctp *s, struct sctp_item *it)
{
	if (it->type < E_ACCEPT)
		io_handle(s, it);
	else
		own_handle(s, it);
}

static void item_run(void *arg)
{
	struct sctp_item *it = arg;
	struct sg_sctp *s = reg_find(it->inst);

	if (!s) {
		item_free(it);
		return;
	}
	item_dispatch(s, it);
}

static int local_post(struct sg_sctp *s, struct sctp_item *it)
{
	uint64_t one = 1;

	pthread_mutex_lock(&s->lmb.lock);
	llist_add_tail(&it->list, &s->lmb.q);
	pthread_mutex_unlock(&s->lmb.lock);
	if (write(s->lmb.ofd.fd, &one, sizeof(one)) != sizeof(one))
		LOGSCTP(LOGL_ERROR, "local mailbox wakeup: %s\n", strerror(errno));
	return 0;
}

static int local_mbox_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sg_sctp *s = ofd->data;
	uint32_t inst = s->inst_id;
	uint64_t v;

	if (read(ofd->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		LOGSCTP(LOGL_ERROR, "local mailbox read: %s\n", strerror(errno));
	/* handle what is queued now; an item may free the instance (never
	 * from our own callbacks, but be safe: re-check it is alive) */
	for (;;) {
		struct sctp_item *it = NULL;

		if (!reg_find(inst))
			break;
		pthread_mutex_lock(&s->lmb.lock);
		if (!llist_empty(&s->lmb.q)) {
			it = llist_first_entry(&s->lmb.q, struct sctp_item, list);
			llist_del(&it->list);
		}
		pthread_mutex_unlock(&s->lmb.lock);
		if (!it)
			break;
		item_dispatch(s, it);
	}
	return 0;
}

/* Post an item to a thread (NULL: the local mailbox); takes ownership. */
static int post(struct sg_sctp *s, struct sg_thread *t, struct sctp_item *it)
{
	int rc;

	it->inst = s->inst_id;
	if (!t)
		return local_post(s, it);
	rc = sg_thread_call(t, item_run, it);
	if (rc < 0)
		item_free(it);
	return rc;
}

static struct sctp_item *item_new(enum sctp_item_type type, uint32_t id)
{
	struct sctp_item *it = calloc(1, sizeof(*it));

	if (it) {
		it->type = type;
		it->id = id;
	}
	return it;
}

/* ---- receive backpressure (doc/sctp.md "Receive backpressure") ----
 *
 * The io thread stops reading the association sockets while more than RX_HIGH messages
 * (or RX_HIGH_BYTES) it read have not yet reached the owner's data callback, and reads
 * again once they are down to RX_LOW (RX_LOW_BYTES) and the backlog is empty.  What the
 * peers send meanwhile stays in the socket receive buffers (SO_RCVBUF, SCTP_RCVBUF); once
 * they are full our advertised receive window is 0 and the peers' SCTP stops sending (RFC
 * 4960 §6.2.1): a flooding peer is slowed by flow control instead of being acknowledged
 * and then dropped.  Notifications share the sockets' queues with the data, so they wait
 * as well, for as long as the owner needs to catch up. */
#define RX_HIGH 512
#define RX_LOW 128
#define RX_HIGH_BYTES (1024 * 1024)
#define RX_LOW_BYTES (256 * 1024)
#define RX_RECHECK_MS 5	/* while paused, should the owner's wake-up not get through */

static bool rx_congested(struct sg_sctp *s)
{
	return __atomic_load_n(&s->rx_inflight, __ATOMIC_RELAXED) >= RX_HIGH ||
	       __atomic_load_n(&s->rx_inflight_bytes, __ATOMIC_RELAXED) >= RX_HIGH_BYTES;
}

static bool rx_relieved(struct sg_sctp *s)
{
	return __atomic_load_n(&s->rx_inflight, __ATOMIC_RELAXED) <= RX_LOW &&
	       __atomic_load_n(&s->rx_inflight_bytes, __ATOMIC_RELAXED) <= RX_LOW_BYTES;
}

static struct sctp_item *item_new(enum sctp_item_type type, uint32_t id);

/* A received message leaves the count: handed to the callback or dropped (any thread). */
static void rx_release(struct sg_sctp *s, struct sctp_item *it)
{
	struct sctp_item *wake;

	if (!it->rx_counted)
		return;
	it->rx_counted = false;
	__atomic_sub_fetch(&s->rx_inflight, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&s->rx_inflight_bytes, it->rx_bytes, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&s->rx_paused_flag, __ATOMIC_ACQUIRE) || !rx_relieved(s) ||
	    sg_thread_is_self(s->io) ||
	    __atomic_exchange_n(&s->rx_resume_asked, true, __ATOMIC_ACQ_REL))
		return;
	/* one wake-up per pause; if it cannot be posted, the io side's timer looks again */
	wake = item_new(I_RESUME, 0);
	if (wake)
		post(s, s->io, wake);
}

/* io: stop reading, once the owner is behind */
static void rx_check_pause(struct sg_sctp *s)
{
	if (s->rx_paused || !rx_congested(s))
		return;
	s->rx_paused = true;
	__atomic_store_n(&s->rx_resume_asked, false, __ATOMIC_RELEASE);
	__atomic_store_n(&s->rx_paused_flag, true, __ATOMIC_RELEASE);
	pthread_mutex_lock(&s->lock);
	s->rx_pauses++;
	pthread_mutex_unlock(&s->lock);
	LOGP(DSCTP, LOGL_INFO, "receive paused: %u messages for the owner thread\n",
	     __atomic_load_n(&s->rx_inflight, __ATOMIC_RELAXED));
	/* the sockets are switched off as they become readable (assoc_ready) */
	if (!s->io_dead)
		sg_timer_start_ms(&s->rx_resume_timer, RX_RECHECK_MS);
}

/* io: read again once the owner has caught up */
static void rx_check_resume(struct sg_sctp *s)
{
	struct sctp_assoc *a;

	if (!s->rx_paused)
		return;
	if (!rx_relieved(s) || !llist_empty(&s->backlog)) {
		if (!s->io_dead)
			sg_timer_start_ms(&s->rx_resume_timer, RX_RECHECK_MS);
		return;
	}
	s->rx_paused = false;
	__atomic_store_n(&s->rx_paused_flag, false, __ATOMIC_RELEASE);
	sg_timer_stop(&s->rx_resume_timer);
	pthread_mutex_lock(&s->lock);
	s->rx_resumes++;
	pthread_mutex_unlock(&s->lock);
	LOGP(DSCTP, LOGL_INFO, "receive resumed\n");
	llist_for_each_entry(a, &s->assocs, list)
		if (a->sk.open && a->sk.rx_off && a->state != SCTP_A_CLOSED) {
			a->sk.rx_off = false;
			s->be->want_read(&a->sk, true);
		}
}

static void rx_resume_timer_cb(void *data)
{
	rx_check_resume(data);
}

/* Events for the owner: when its mailbox is full they wait in a backlog on the
 * io side, retried every BACKLOG_RETRY_MS, so that no up/down is ever lost and
 * order is kept; data beyond BACKLOG_MAX waiting events is dropped and counted. */
#define BACKLOG_MAX 16384
#define BACKLOG_RETRY_MS 5

static int post_owner_try(struct sg_sctp *s, struct sctp_item *it)
{
	it->inst = s->inst_id;
	if (!s->owner)
		return local_post(s, it);
	return sg_thread_call(s->owner, item_run, it);	/* it is ours again on error */
}

static void backlog_drop_all(struct sg_sctp *s)
{
	struct sctp_item *it, *tmp;

	llist_for_each_entry_safe(it, tmp, &s->backlog, list) {
		llist_del(&it->list);
		rx_release(s, it);
		item_free(it);
	}
	s->backlog_len = 0;
}

static void backlog_flush(void *data)
{
	struct sg_sctp *s = data;

	while (!llist_empty(&s->backlog)) {
		struct sctp_item *it = llist_first_entry(&s->backlog, struct sctp_item, list);
		int rc;

		llist_del(&it->list);
		rc = post_owner_try(s, it);
		if (rc == -ENOSPC) {
			llist_add(&it->list, &s->backlog);
			sg_timer_start_ms(&s->backlog_timer, BACKLOG_RETRY_MS);
			return;
		}
		s->backlog_len--;
		if (rc < 0) {
			/* the owner thread is gone */
			rx_release(s, it);
			item_free(it);
			backlog_drop_all(s);
			return;
		}
	}
}

static void post_owner(struct sg_sctp *s, struct sctp_item *it)
{
	int rc;

	if (llist_empty(&s->backlog)) {
		rc = post_owner_try(s, it);
		if (rc == 0)
			return;
		if (rc != -ENOSPC) {
			LOGSCTP(LOGL_ERROR, "event for the owner thread lost: %s\n", strerror(-rc));
			rx_release(s, it);
			item_free(it);
			return;
		}
		LOGSCTP(LOGL_NOTICE, "the owner thread's mailbox is full: events wait\n");
	}
	if (it->type == E_DATA && s->backlog_len >= BACKLOG_MAX) {
		pthread_mutex_lock(&s->lock);
		s->rx_owner_drops++;
		pthread_mutex_unlock(&s->lock);
		rx_release(s, it);
		item_free(it);
		return;
	}
	llist_add_tail(&it->list, &s->backlog);
	s->backlog_len++;
	if (!sg_timer_pending(&s->backlog_timer) && !s->io_dead)
		sg_timer_start_ms(&s->backlog_timer, BACKLOG_RETRY_MS);
}

/* Run fn on the io thread and wait for it (setup and teardown only). */
struct io_sync {
	struct sg_sctp *s;
	int (*fn)(struct sg_sctp *s, void *arg);
	void *arg;
	int rc;
	bool done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void io_sync_run(void *arg)
{
	struct io_sync *sy = arg;
	int rc = sy->fn(sy->s, sy->arg);

	pthread_mutex_lock(&sy->lock);
	sy->rc = rc;
	sy->done = true;
	pthread_cond_signal(&sy->cond);
	pthread_mutex_unlock(&sy->lock);
}

static int io_sync(struct sg_sctp *s, int (*fn)(struct sg_sctp *s, void *arg), void *arg)
{
	struct io_sync sy = { .s = s, .fn = fn, .arg = arg };
	int rc;

	if (!s->io || sg_thread_is_self(s->io))
		return fn(s, arg);
	pthread_mutex_init(&sy.lock, NULL);
	pthread_cond_init(&sy.cond, NULL);
	rc = sg_thread_call(s->io, io_sync_run, &sy);
	if (rc == 0) {
		pthread_mutex_lock(&sy.lock);
		while (!sy.done)
			pthread_cond_wait(&sy.cond, &sy.lock);
		rc = sy.rc;
		pthread_mutex_unlock(&sy.lock);
	}
	pthread_cond_destroy(&sy.cond);
	pthread_mutex_destroy(&sy.lock);
	return rc;
}

/* ---- io side: associations ---- */

static void reconnect_cb(void *data);
static void conn_start(struct sg_sctp *s, struct sctp_ep *ep);

static struct sctp_assoc *io_find(struct sg_sctp *s, uint32_t id)
{
	struct sctp_assoc *a;

	/* the list only changes on this thread: no lock needed to read it */
	llist_for_each_entry(a, &s->assocs, list)
		if (a->id == id && a->state != SCTP_A_CLOSED)
			return a;
	return NULL;
}

static struct sctp_assoc *assoc_new(struct sg_sctp *s, struct sctp_ep *ep)
{
	struct sctp_assoc *a = talloc_zero(NULL, struct sctp_assoc);

	if (!a)
		return NULL;
	a->ctr = sg_ctr_group_alloc(a, &assoc_ctr_group);
	if (!a->ctr) {
		talloc_free(a);
		return NULL;
	}
	a->id = new_assoc_id();
	a->ep = ep;
	a->sk.s = s;
	a->sk.kind = SCTP_SK_ASSOC;
	a->sk.fd = -1;
	a->info.assoc_id = a->id;
	a->info.transport = s->transport;
	INIT_LLIST_HEAD(&a->txq);
	a->state = SCTP_A_CONNECTING;
	pthread_mutex_lock(&s->lock);
	llist_add_tail(&a->list, &s->assocs);
	pthread_mutex_unlock(&s->lock);
	return a;
}

static void assoc_ctr_add(struct sg_sctp *s, struct sctp_assoc *a, unsigned int idx, uint64_t n)
{
	pthread_mutex_lock(&s->lock);
	sg_ctr_add(a->ctr, idx, n);
	pthread_mutex_unlock(&s->lock);
}

static void ep_ctr_inc(struct sg_sctp *s, struct sctp_ep *ep, unsigned int idx)
{
	pthread_mutex_lock(&s->lock);
	sg_ctr_inc(ep->ctr, idx);
	pthread_mutex_unlock(&s->lock);
}

static void assoc_set_state(struct sg_sctp *s, struct sctp_assoc *a, enum sctp_astate st)
{
	if (a->state == st)
		return;
	LOGA(a, LOGL_INFO, "%s -> %s\n", get_value_string(sctp_astate_names, a->state),
	     get_value_string(sctp_astate_names, st));
	pthread_mutex_lock(&s->lock);
	a->state = st;
	pthread_mutex_unlock(&s->lock);
}

static void assoc_refresh_info(struct sg_sctp *s, struct sctp_assoc *a)
{
	struct sg_sctp_assoc_info info = { };
	int rc = s->be->info(&a->sk, &info);

	if (rc < 0) {
		LOGA(a, LOGL_NOTICE, "cannot read the association status: %s\n", strerror(-rc));
		return;
	}
	info.assoc_id = a->id;
	info.transport = s->transport;
	pthread_mutex_lock(&s->lock);
	a->info = info;
	pthread_mutex_unlock(&s->lock);
}

static struct sg_sctp_assoc_info *assoc_info_copy(struct sg_sctp *s, struct sctp_assoc *a)
{
	struct sg_sctp_assoc_info *info = malloc(sizeof(*info));

	if (!info)
		return NULL;
	pthread_mutex_lock(&s->lock);
	*info = a->info;
	pthread_mutex_unlock(&s->lock);
	return info;
}

static void txq_flush_all(struct sctp_assoc *a)
{
	struct msgb *msg, *tmp;

	llist_for_each_entry_safe(msg, tmp, &a->txq, list) {
		llist_del(&msg->list);
		msgb_free(msg);
	}
	a->txq_len = 0;
}

/* The association is over: close its socket, tell the owner (if it knew of
 * it), let a connector try again.  The struct is freed by io_reap(). */
static void assoc_end(struct sg_sctp *s, struct sctp_assoc *a, enum sg_sctp_down_reason why,
		      bool abort)
{
	struct sctp_ep *ep = a->ep;

	if (a->state == SCTP_A_CLOSED)
		return;
	LOGA(a, a->reported ? LOGL_NOTICE : LOGL_INFO, "down: %s\n",
	     get_value_string(sg_sctp_down_reason_names, why));
	if (a->sk.open)
		s->be->close(&a->sk, abort, s->io_dead);
	a->sk.open = false;
	txq_flush_all(a);
	msgb_free(a->rx_part);
	a->rx_part = NULL;
	if (ep->is_conn && !a->reported)
		ep_ctr_inc(s, ep, SCTP_EP_CONNECT_FAILURES);
	assoc_set_state(s, a, SCTP_A_CLOSED);
	if (a->reported) {
		struct sctp_item *it = item_new(E_DOWN, a->id);

		if (it) {
			it->reason = why;
			post_owner(s, it);
		}
	}
	if (ep->is_conn && ep->cur == a) {
		ep->cur = NULL;
		pthread_mutex_lock(&s->lock);
		if (ep->cstate != SCTP_CONN_STOPPED)
			ep->cstate = SCTP_CONN_WAIT;
		pthread_mutex_unlock(&s->lock);
		if (ep->cstate != SCTP_CONN_STOPPED && !s->io_dead)
			sg_timer_start_ms(&ep->reconnect, ep->ccfg.reconnect_ms);
	}
}

/* Free associations that ended; only at the end of an io entry point, so
 * nothing up the stack still holds them. */
static void io_reap(struct sg_sctp *s)
{
	struct sctp_assoc *a, *tmp;
	LLIST_HEAD(dead);

	pthread_mutex_lock(&s->lock);
	llist_for_each_entry_safe(a, tmp, &s->assocs, list)
		if (a->state == SCTP_A_CLOSED)
			llist_move_tail(&a->list, &dead);
	pthread_mutex_unlock(&s->lock);
	llist_for_each_entry_safe(a, tmp, &dead, list) {
		llist_del(&a->list);
		talloc_free(a);
	}
}

/* ---- io side: sending ---- */

#define MSG_STREAM(msg) ((msg)->cb[0])
#define MSG_PPID(msg) ((msg)->cb[1])

/* Try to send msg now; true when it is done with (sent or refused), false
 * when the socket is full. */
static bool try_send(struct sg_sctp *s, struct sctp_assoc *a, struct msgb *msg)
{
	int rc = s->be->send(&a->sk, MSG_STREAM(msg), MSG_PPID(msg), msgb_data(msg),
			     msgb_length(msg));

	if (rc == -EAGAIN)
		return false;
	pthread_mutex_lock(&s->lock);
	if (rc < 0) {
		sg_ctr_inc(a->ctr, SCTP_A_TX_ERRORS);
	} else {
		sg_ctr_inc(a->ctr, SCTP_A_TX_MSGS);
		sg_ctr_add(a->ctr, SCTP_A_TX_BYTES, msgb_length(msg));
	}
	pthread_mutex_unlock(&s->lock);
	if (rc < 0)
		LOGA(a, LOGL_ERROR, "send on stream %lu: %s\n", MSG_STREAM(msg), strerror(-rc));
	msgb_free(msg);
	return true;
}

static void io_send(struct sg_sctp *s, struct sctp_assoc *a, struct msgb *msg)
{
	if (llist_empty(&a->txq) && try_send(s, a, msg))
		return;
	if (a->txq_len >= s->cfg.send_queue_max) {
		assoc_ctr_add(s, a, SCTP_A_TXQ_DROPS, 1);
		LOGA(a, LOGL_NOTICE, "send queue full (%u): message dropped\n", a->txq_len);
		msgb_free(msg);
		return;
	}
	llist_add_tail(&msg->list, &a->txq);
	a->txq_len++;
	assoc_ctr_add(s, a, SCTP_A_TX_QUEUED, 1);
	if (!a->sk.want_write)
		s->be->want_write(&a->sk, true);
}

static void txq_flush(struct sg_sctp *s, struct sctp_assoc *a)
{
	while (!llist_empty(&a->txq)) {
		struct msgb *msg = llist_first_entry(&a->txq, struct msgb, list);

		llist_del(&msg->list);
		if (!try_send(s, a, msg)) {
			llist_add(&msg->list, &a->txq);
			return;
		}
		a->txq_len--;
	}
	if (a->sk.want_write)
		s->be->want_write(&a->sk, false);
}

/* ---- io side: receiving ---- */

static void assoc_up(struct sg_sctp *s, struct sctp_assoc *a)
{
	struct sctp_item *it;

	assoc_set_state(s, a, SCTP_A_ESTABLISHED);
	assoc_refresh_info(s, a);
	a->reported = true;
	if (a->ep->is_conn)
		ep_ctr_inc(s, a->ep, SCTP_EP_CONNECTS);
	it = item_new(a->ep->is_conn ? E_UP : E_ACCEPT, a->id);
	if (!it)
		return;
	it->ep = a->ep;
	it->info = assoc_info_copy(s, a);
	if (!it->info) {
		item_free(it);
		return;
	}
	post_owner(s, it);
}

static void rx_notification(struct sg_sctp *s, struct sctp_assoc *a, const struct sctp_rcv *r)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct sctp_item *it;

	switch (r->ntf) {
	case SCTP_NTF_ASSOC_CHANGE:
		switch (r->ac) {
		case SCTP_AC_UP:
			if (a->state == SCTP_A_CONNECTING)
				assoc_up(s, a);
			break;
		case SCTP_AC_RESTART:
			assoc_ctr_add(s, a, SCTP_A_RESTARTS, 1);
			LOGA(a, LOGL_NOTICE, "the peer restarted the association\n");
			assoc_refresh_info(s, a);
			if (!a->reported)
				break;
			it = item_new(E_RESTART, a->id);
			if (!it)
				break;
			it->info = assoc_info_copy(s, a);
			post_owner(s, it);
			break;
		case SCTP_AC_LOST:
			assoc_end(s, a, r->peer_abort ? SG_SCTP_DOWN_PEER_ABORT : SG_SCTP_DOWN_LOST,
				  false);
			break;
		case SCTP_AC_SHUTDOWN_COMP:
			assoc_end(s, a,
				  a->local_close ? SG_SCTP_DOWN_CLOSED : SG_SCTP_DOWN_SHUTDOWN,
				  false);
			break;
		case SCTP_AC_CANT_START:
			assoc_end(s, a, SG_SCTP_DOWN_LOST, false);
			break;
		default:
			break;
		}
		break;
	case SCTP_NTF_PADDR_CHANGE:
		assoc_ctr_add(s, a, SCTP_A_PATH_CHANGES, 1);
		LOGA(a, LOGL_NOTICE, "peer address %s: %s\n",
		     sg_sctp_addr_str(&r->paddr, buf, sizeof(buf)), r->paddr_state_name);
		if (a->state == SCTP_A_ESTABLISHED)
			assoc_refresh_info(s, a);
		break;
	case SCTP_NTF_SHUTDOWN:
		a->peer_shutdown = true;
		assoc_set_state(s, a, SCTP_A_SHUTTING_DOWN);
		break;
	case SCTP_NTF_SEND_FAILED:
		assoc_ctr_add(s, a, SCTP_A_SEND_FAILED, 1);
		break;
	default:
		break;
	}
}

static void rx_data(struct sg_sctp *s, struct sctp_assoc *a, const uint8_t *data, size_t len,
		    const struct sctp_rcv *r)
{
	struct sctp_item *it;
	struct msgb *msg;
	size_t have = a->rx_part ? msgb_length(a->rx_part) : 0;

	/* partial delivery: gather pieces up to rx_max, drop larger messages */
	if (a->rx_discard || have + len > s->cfg.rx_max) {
		if (!a->rx_discard)
			LOGA(a, LOGL_NOTICE, "message on stream %u larger than %u: dropped\n",
			     r->stream, s->cfg.rx_max);
		a->rx_discard = true;
		msgb_free(a->rx_part);
		a->rx_part = NULL;
		if (r->eor) {
			a->rx_discard = false;
			assoc_ctr_add(s, a, SCTP_A_RX_OVERSIZE, 1);
		}
		return;
	}
	if (!a->rx_part) {
		/* a whole message (the common case) gets a buffer of its size; the first piece
		 * of a partial delivery one that can take the largest message */
		size_t size = r->eor ? len : s->cfg.rx_max;
		/* the buffer convention's headroom (include/sg/msg.h), as much as a msgb of the
		 * largest messages leaves (SCTP_RX_HEADROOM_MIN at least): such a message is
		 * no MSU, no conversion will write in front of it */
		size_t head = size > UINT16_MAX - SG_MSGB_HEADROOM ? UINT16_MAX - size :
								     SG_MSGB_HEADROOM;

		a->rx_part = sg_msgb_alloc(head + size, "sctp rx");
		if (!a->rx_part) {
			a->rx_discard = !r->eor;
			return;
		}
		msgb_reserve(a->rx_part, head);
	}
	memcpy(msgb_put(a->rx_part, len), data, len);
	if (!r->eor)
		return;

	msg = a->rx_part;
	a->rx_part = NULL;
	msg->l3h = msg->data;
	pthread_mutex_lock(&s->lock);
	sg_ctr_inc(a->ctr, SCTP_A_RX_MSGS);
	sg_ctr_add(a->ctr, SCTP_A_RX_BYTES, msgb_length(msg));
	pthread_mutex_unlock(&s->lock);
	if (!a->reported) {
		msgb_free(msg);
		return;
	}
	it = item_new(E_DATA, a->id);
	if (!it) {
		msgb_free(msg);
		return;
	}
	it->stream = r->stream;
	it->ppid = r->ppid;
	it->msg = msg;
	it->rx_bytes = msgb_length(msg);
	it->rx_counted = true;
	__atomic_add_fetch(&s->rx_inflight, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->rx_inflight_bytes, it->rx_bytes, __ATOMIC_RELAXED);
	post_owner(s, it);
	rx_check_pause(s);
}

#define RX_BATCH 64	/* messages per wake-up, so that one busy peer cannot starve others */

static void assoc_ready(struct sg_sctp *s, struct sctp_assoc *a, unsigned int what)
{
	if ((what & SCTP_READY_READ) && s->rx_paused && !a->sk.rx_off) {
		/* paused: leave the data in the socket, whose window closes */
		a->sk.rx_off = true;
		s->be->want_read(&a->sk, false);
	}
	if ((what & SCTP_READY_READ) && !s->rx_paused) {
		for (int i = 0; i < RX_BATCH && a->state != SCTP_A_CLOSED && !s->rx_paused; i++) {
			struct sctp_rcv r = { };
			int n = s->be->recv(&a->sk, s->rxbuf, s->rxbuf_len, &r);

			if (n == -EAGAIN)
				break;
			if (n == 0) {
				assoc_end(s, a,
					  a->local_close ? SG_SCTP_DOWN_CLOSED
					  : a->peer_shutdown ? SG_SCTP_DOWN_SHUTDOWN
							     : SG_SCTP_DOWN_LOST, false);
				break;
			}
			if (n < 0) {
				LOGA(a, LOGL_INFO, "receive: %s\n", strerror(-n));
				assoc_end(s, a, SG_SCTP_DOWN_LOST, false);
				break;
			}
			if (r.ntf != SCTP_NTF_NONE)
				rx_notification(s, a, &r);
			else
				rx_data(s, a, s->rxbuf, n, &r);
		}
	}
	if (a->state != SCTP_A_CLOSED && (what & SCTP_READY_WRITE) && !llist_empty(&a->txq))
		txq_flush(s, a);
}

static void listen_ready(struct sg_sctp *s, struct sctp_ep *ep)
{
	for (int i = 0; i < RX_BATCH; i++) {
		struct sctp_assoc *a = assoc_new(s, ep);
		int rc;

		if (!a)
			return;
		rc = s->be->accept(&ep->lsk, &a->sk);
		if (rc < 0) {
			a->state = SCTP_A_CLOSED;	/* never shown: reaped */
			if (rc != -EAGAIN) {
				LOGP(DSCTP, LOGL_ERROR, "endpoint %s: accept: %s\n", ep->name,
				     strerror(-rc));
				ep_ctr_inc(s, ep, SCTP_EP_ACCEPT_ERRORS);
			}
			return;
		}
		a->sk.open = true;
		/* one-to-one: the accepted association is already established */
		assoc_up(s, a);
		LOGA(a, LOGL_INFO, "accepted\n");
		assoc_ready(s, a, SCTP_READY_READ | SCTP_READY_WRITE);
	}
}

void sctp_io_ready(struct sctp_sock *sk, unsigned int what)
{
	struct sg_sctp *s = sk->s;

	if (!sk->open)
		return;
	if (sk->kind == SCTP_SK_LISTEN)
		listen_ready(s, container_of(sk, struct sctp_ep, lsk));
	else
		assoc_ready(s, container_of(sk, struct sctp_assoc, sk), what);
	io_reap(s);
}

void sctp_io_scan(struct sg_sctp *s, unsigned int (*events)(struct sctp_sock *sk))
{
	struct sctp_assoc *a;
	struct sctp_ep *ep;

	/* listeners never leave the list before the instance is freed; assocs leave
	 * it only in io_reap(), after the scan; accepted ones join the tail */
	llist_for_each_entry(ep, &s->io_eps, io_list)
		if (ep->lsk.open && (events(&ep->lsk) & SCTP_READY_READ))
			listen_ready(s, ep);
	llist_for_each_entry(a, &s->assocs, list) {
		unsigned int ev;

		if (a->state == SCTP_A_CLOSED || !a->sk.open)
			continue;
		ev = events(&a->sk);
		if (ev)
			assoc_ready(s, a, ev);
	}
	io_reap(s);
}

/* ---- io side: requests from the owner ---- */

static void io_handle(struct sg_sctp *s, struct sctp_item *it)
{
	struct sctp_assoc *a;

	if (it->type == I_RESUME) {
		__atomic_store_n(&s->rx_resume_asked, false, __ATOMIC_RELEASE);
		item_free(it);
		rx_check_resume(s);
		return;
	}
	a = s->io_up ? io_find(s, it->id) : NULL;
	if (!a) {
		if (it->type == I_SEND) {
			pthread_mutex_lock(&s->lock);
			s->tx_no_assoc++;
			pthread_mutex_unlock(&s->lock);
		}
		item_free(it);
		return;
	}
	switch (it->type) {
	case I_SEND:
		MSG_STREAM(it->msg) = it->stream;
		MSG_PPID(it->msg) = it->ppid;
		io_send(s, a, it->msg);
		it->msg = NULL;
		break;
	case I_CLOSE:
		if (a->state == SCTP_A_ESTABLISHED) {
			int rc;

			a->local_close = true;
			assoc_set_state(s, a, SCTP_A_SHUTTING_DOWN);
			/* queued messages go first: SHUTDOWN waits for them (RFC 4960 §9.2) */
			txq_flush(s, a);
			rc = s->be->shutdown(&a->sk);
			if (rc < 0) {
				LOGA(a, LOGL_NOTICE, "shutdown: %s, aborting\n", strerror(-rc));
				assoc_end(s, a, SG_SCTP_DOWN_ABORTED, true);
			}
		} else if (a->state == SCTP_A_CONNECTING) {
			assoc_end(s, a, SG_SCTP_DOWN_ABORTED, true);
		}
		break;
	case I_ABORT:
	case I_REFUSE:
		assoc_end(s, a, SG_SCTP_DOWN_ABORTED, true);
		break;
	default:
		break;
	}
	item_free(it);
	io_reap(s);
}

/* ---- io side: endpoints ---- */

static int io_init(struct sg_sctp *s, void *arg)
{
	int rc;

	s->rxbuf_len = s->cfg.rx_max;
	s->rxbuf = malloc(s->rxbuf_len);
	if (!s->rxbuf)
		return -ENOMEM;
	INIT_LLIST_HEAD(&s->backlog);
	sg_timer_setup(&s->backlog_timer, backlog_flush, s);
	sg_timer_setup(&s->rx_resume_timer, rx_resume_timer_cb, s);
	rc = s->be->init(s);
	if (rc < 0) {
		free(s->rxbuf);
		s->rxbuf = NULL;
		return rc;
	}
	s->io_up = true;
	return 0;
}

static int io_listen(struct sg_sctp *s, void *arg)
{
	struct sctp_ep *ep = arg;
	const struct sg_sctp_ep_cfg *c = &ep->lcfg;
	int rc;

	ep->lsk.s = s;
	ep->lsk.kind = SCTP_SK_LISTEN;
	ep->lsk.fd = -1;
	rc = s->be->open(s, &ep->lsk, sctp_addrs_family(c->addrs, c->naddrs), &c->params);
	if (rc < 0)
		return rc;
	ep->lsk.open = true;
	rc = s->be->bind(&ep->lsk, c->addrs, c->naddrs, c->port);
	if (rc == 0)
		rc = s->be->listen(&ep->lsk);
	if (rc < 0) {
		s->be->close(&ep->lsk, false, false);
		ep->lsk.open = false;
		return rc;
	}
	pthread_mutex_lock(&s->lock);
	ep->listening = true;
	pthread_mutex_unlock(&s->lock);
	llist_add_tail(&ep->io_list, &s->io_eps);
	/* anything already pending */
	listen_ready(s, ep);
	io_reap(s);
	return 0;
}

static void conn_start(struct sg_sctp *s, struct sctp_ep *ep)
{
	const struct sg_sctp_conn_cfg *c = &ep->ccfg;
	struct sctp_assoc *a;
	int family, rc;

	if (ep->cstate == SCTP_CONN_STOPPED || ep->cur)
		return;
	a = assoc_new(s, ep);
	if (!a) {
		sg_timer_start_ms(&ep->reconnect, c->reconnect_ms);
		return;
	}
	family = sctp_addrs_family(c->remote, c->nremote);
	if (c->nlocal && sctp_addrs_family(c->local, c->nlocal) == AF_INET6)
		family = AF_INET6;
	ep->cur = a;
	pthread_mutex_lock(&s->lock);
	ep->cstate = SCTP_CONN_ACTIVE;
	pthread_mutex_unlock(&s->lock);
	rc = s->be->open(s, &a->sk, family, &c->params);
	if (rc == 0) {
		a->sk.open = true;
		if (c->nlocal || c->local_port)
			rc = s->be->bind(&a->sk, c->local, c->nlocal, c->local_port);
	}
	if (rc == 0)
		rc = s->be->connect(&a->sk, c->remote, c->nremote, c->remote_port,
				    c->remote_udp_port);
	if (rc == -EINPROGRESS)
		rc = 0;
	if (rc < 0) {
		LOGA(a, LOGL_NOTICE, "connect: %s\n", strerror(-rc));
		assoc_end(s, a, SG_SCTP_DOWN_LOST, false);
		return;
	}
	LOGA(a, LOGL_INFO, "connecting\n");
	/* a loopback association may be up already */
	assoc_ready(s, a, SCTP_READY_READ);
}

static void reconnect_cb(void *data)
{
	struct sctp_ep *ep = data;
	struct sg_sctp *s = ep->lsk.s;

	conn_start(s, ep);
	io_reap(s);
}

static int io_connect(struct sg_sctp *s, void *arg)
{
	struct sctp_ep *ep = arg;

	ep->lsk.s = s;	/* the connector's way back to its instance */
	sg_timer_setup(&ep->reconnect, reconnect_cb, ep);
	conn_start(s, ep);
	io_reap(s);
	return 0;
}

static int io_conn_stop(struct sg_sctp *s, void *arg)
{
	struct sctp_ep *ep = arg;

	pthread_mutex_lock(&s->lock);
	ep->cstate = SCTP_CONN_STOPPED;
	pthread_mutex_unlock(&s->lock);
	sg_timer_stop(&ep->reconnect);
	if (ep->cur)
		assoc_end(s, ep->cur, SG_SCTP_DOWN_ABORTED, true);
	io_reap(s);
	return 0;
}

#define TEARDOWN_MS 1000	/* at most, for the peers to complete SHUTDOWN */

/* Real time, also when a test runs the sg clock virtually. */
static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Close everything: associations gracefully (the stacks finish the SHUTDOWN
 * on their own), listeners, then the backend. */
static int io_teardown(struct sg_sctp *s, void *arg)
{
	struct sctp_assoc *a;
	struct sctp_ep *ep;

	if (!s->io_up)
		return 0;
	llist_for_each_entry(ep, &s->eps, list) {
		if (ep->is_conn) {
			pthread_mutex_lock(&s->lock);
			ep->cstate = SCTP_CONN_STOPPED;
			pthread_mutex_unlock(&s->lock);
			if (!s->io_dead)
				sg_timer_stop(&ep->reconnect);
		}
		if (ep->lsk.open) {
			s->be->close(&ep->lsk, false, s->io_dead);
			ep->lsk.open = false;
		}
	}
	/* SHUTDOWN every established association, then read (and drop) what
	 * the peers still send until their SHUTDOWN COMPLETE: closing a socket
	 * with unread data would send ABORT instead (RFC 6458 §4.1.4) */
	llist_for_each_entry(a, &s->assocs, list) {
		if (a->state == SCTP_A_CLOSED)
			continue;
		a->reported = false;	/* no events while freeing */
		if (a->state == SCTP_A_ESTABLISHED) {
			txq_flush(s, a);
			a->local_close = true;
			if (s->be->shutdown(&a->sk) == 0) {
				assoc_set_state(s, a, SCTP_A_SHUTTING_DOWN);
				continue;
			}
		}
		if (a->state != SCTP_A_SHUTTING_DOWN)
			assoc_end(s, a, SG_SCTP_DOWN_CLOSED, a->state == SCTP_A_CONNECTING);
	}
	for (uint64_t end = mono_ms() + TEARDOWN_MS; mono_ms() < end;) {
		bool open = false;

		llist_for_each_entry(a, &s->assocs, list) {
			if (a->state == SCTP_A_CLOSED)
				continue;
			assoc_ready(s, a, SCTP_READY_READ);
			open |= a->state != SCTP_A_CLOSED;
		}
		if (!open)
			break;
		usleep(2000);
	}
	llist_for_each_entry(a, &s->assocs, list)
		if (a->state != SCTP_A_CLOSED)
			assoc_end(s, a, SG_SCTP_DOWN_CLOSED, false);
	io_reap(s);
	if (!s->io_dead) {
		sg_timer_stop(&s->backlog_timer);
		sg_timer_stop(&s->rx_resume_timer);
	}

	backlog_drop_all(s);
	s->be->fini(s, s->io_dead);
	free(s->rxbuf);
	s->rxbuf = NULL;
	s->io_up = false;
	return 0;
}

/* ---- owner side ---- */

struct sctp_own {
	struct llist_head list;
	uint32_t id;
	struct sctp_ep *ep;
	uint16_t out_streams;
};

static struct sctp_own *own_find(struct sg_sctp *s, uint32_t id)
{
	struct sctp_own *o;

	llist_for_each_entry(o, &s->own, list)
		if (o->id == id) {
			/* keep busy associations at the front */
			if (o->list.prev != &s->own)
				llist_move(&o->list, &s->own);
			return o;
		}
	return NULL;
}

static void post_io(struct sg_sctp *s, struct sctp_item *it)
{
	int rc = post(s, s->io, it);

	if (rc < 0)
		LOGSCTP(LOGL_ERROR, "request to the io thread lost: %s\n", strerror(-rc));
}

static void own_handle(struct sg_sctp *s, struct sctp_item *it)
{
	struct sctp_ep *ep = it->ep;
	const struct sg_sctp_ops *ops;
	struct sctp_own *o = NULL;

	switch (it->type) {
	case E_ACCEPT:
	case E_UP:
		ops = ep->ops;
		if (it->type == E_ACCEPT) {
			bool ok = !ops->accept ||
				  ops->accept(ep->priv, it->id, it->info->peer, it->info->npeer);

			ep_ctr_inc(s, ep, ok ? SCTP_EP_ACCEPTED : SCTP_EP_REFUSED);
			if (!ok) {
				char buf[INET6_ADDRSTRLEN + 8] = "?";

				if (it->info->npeer)
					sg_sctp_addr_str(&it->info->peer[0], buf, sizeof(buf));
				LOGP_LIMIT(&ep->log_refused, DSCTP, LOGL_NOTICE,
					   "endpoint %s: association %u from %s refused\n",
					   ep->name, it->id, buf);
				it->type = I_REFUSE;
				free(it->info);
				it->info = NULL;
				post_io(s, it);
				return;
			}
		}
		o = talloc_zero(s->ctx, struct sctp_own);
		if (!o)
			break;
		o->id = it->id;
		o->ep = ep;
		o->out_streams = it->info->out_streams;
		llist_add(&o->list, &s->own);
		if (ops->up)
			ops->up(ep->priv, it->id, it->info);
		break;
	case E_DATA:
		rx_release(s, it);
		o = own_find(s, it->id);
		if (o && o->ep->ops->data) {
			struct msgb *msg = it->msg;

			it->msg = NULL;
			o->ep->ops->data(o->ep->priv, it->id, it->stream, it->ppid, msg);
		}
		break;
	case E_RESTART:
		o = own_find(s, it->id);
		if (!o || !it->info)
			break;
		o->out_streams = it->info->out_streams;
		ops = o->ep->ops;
		if (ops->restart) {
			ops->restart(o->ep->priv, it->id, it->info);
		} else {
			if (ops->down)
				ops->down(o->ep->priv, it->id, SG_SCTP_DOWN_RESTART);
			if (ops->up)
				ops->up(o->ep->priv, it->id, it->info);
		}
		break;
	case E_DOWN:
		o = own_find(s, it->id);
		if (!o)
			break;
		llist_del(&o->list);
		ep = o->ep;
		talloc_free(o);
		if (ep->ops->down)
			ep->ops->down(ep->priv, it->id, it->reason);
		break;
	default:
		break;
	}
	item_free(it);
}

/* ---- API (owner thread) ---- */

struct sg_sctp *sg_sctp_alloc(void *ctx, const struct sg_sctp_cfg *cfg, struct sg_thread *io,
			      struct sg_thread *owner)
{
	struct sg_sctp *s;
	int rc, fd;

	s = talloc_zero(ctx, struct sg_sctp);
	if (!s)
		return NULL;
	s->ctx = ctx;
	s->cfg = *cfg;
	if (!s->cfg.send_queue_max)
		s->cfg.send_queue_max = 1024;
	if (!s->cfg.rx_max || s->cfg.rx_max > UINT16_MAX - SCTP_RX_HEADROOM_MIN)
		s->cfg.rx_max = UINT16_MAX - SCTP_RX_HEADROOM_MIN;
	s->transport = sg_sctp_transport_select(cfg->transport, NULL);
	s->be = s->transport == SG_SCTP_KERNEL ? &sctp_kernel_backend : &sctp_usrsctp_backend;
	s->io = io ? io : sg_thread_self();
	s->owner = owner ? owner : sg_thread_self();
	pthread_mutex_init(&s->lock, NULL);
	INIT_LLIST_HEAD(&s->eps);
	INIT_LLIST_HEAD(&s->assocs);
	INIT_LLIST_HEAD(&s->own);
	INIT_LLIST_HEAD(&s->io_eps);
	INIT_LLIST_HEAD(&s->lmb.q);
	pthread_mutex_init(&s->lmb.lock, NULL);
	s->lmb.ofd.fd = -1;

	if (!s->io || !s->owner) {
		fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd < 0)
			goto err;
		osmo_fd_setup(&s->lmb.ofd, fd, OSMO_FD_READ, local_mbox_cb, s, 0);
		if (osmo_fd_register(&s->lmb.ofd) < 0) {
			close(fd);
			s->lmb.ofd.fd = -1;
			goto err;
		}
		s->local = true;
	}

	pthread_mutex_lock(&reg_lock);
	s->inst_id = reg_next_inst++;
	llist_add_tail(&s->reg_list, &reg_list);
	pthread_mutex_unlock(&reg_lock);

	rc = io_sync(s, io_init, NULL);
	if (rc < 0) {
		LOGSCTP(LOGL_ERROR, "cannot start the %s transport: %s\n",
			get_value_string(sg_sctp_transport_names, s->transport), strerror(-rc));
		pthread_mutex_lock(&reg_lock);
		llist_del(&s->reg_list);
		pthread_mutex_unlock(&reg_lock);
		goto err;
	}
	LOGSCTP(LOGL_INFO, "SCTP transport %s (requested %s)\n",
		get_value_string(sg_sctp_transport_names, s->transport),
		get_value_string(sg_sctp_transport_names, cfg->transport));
	return s;
err:
	if (s->local) {
		osmo_fd_unregister(&s->lmb.ofd);
		close(s->lmb.ofd.fd);
	}
	pthread_mutex_destroy(&s->lmb.lock);
	pthread_mutex_destroy(&s->lock);
	talloc_free(s);
	return NULL;
}

void sg_sctp_free(struct sg_sctp *s)
{
	struct sctp_item *it, *itmp;
	struct sctp_own *o, *otmp;
	struct sctp_ep *ep, *etmp;

	if (!s)
		return;
	/* from now on, items still in flight find no instance and are freed */
	pthread_mutex_lock(&reg_lock);
	llist_del(&s->reg_list);
	pthread_mutex_unlock(&reg_lock);

	if (io_sync(s, io_teardown, NULL) < 0) {
		/* the io thread is gone: its loop and timers with it */
		s->io_dead = true;
		io_teardown(s, NULL);
	}
	if (s->local) {
		osmo_fd_unregister(&s->lmb.ofd);
		close(s->lmb.ofd.fd);
		llist_for_each_entry_safe(it, itmp, &s->lmb.q, list) {
			llist_del(&it->list);
			item_free(it);
		}
	}
	llist_for_each_entry_safe(o, otmp, &s->own, list) {
		llist_del(&o->list);
		talloc_free(o);
	}
	llist_for_each_entry_safe(ep, etmp, &s->eps, list) {
		llist_del(&ep->list);
		talloc_free(ep);
	}
	pthread_mutex_destroy(&s->lmb.lock);
	pthread_mutex_destroy(&s->lock);
	talloc_free(s);
}

enum sg_sctp_transport sg_sctp_transport(const struct sg_sctp *s)
{
	return s->transport;
}

static struct sctp_ep *ep_new(struct sg_sctp *s, const char *name, bool is_conn,
			      const struct sg_sctp_ops *ops, void *priv)
{
	struct sctp_ep *ep = talloc_zero(s->ctx, struct sctp_ep);

	if (!ep)
		return NULL;
	ep->ctr = sg_ctr_group_alloc(ep, &ep_ctr_group);
	if (!ep->ctr) {
		talloc_free(ep);
		return NULL;
	}
	ep->id = __atomic_fetch_add(&next_ep_id, 1, __ATOMIC_RELAXED);
	ep->is_conn = is_conn;
	if (name)
		OSMO_STRLCPY_ARRAY(ep->name, name);
	else
		snprintf(ep->name, sizeof(ep->name), "%s%d", is_conn ? "conn" : "ep", ep->id);
	ep->ops = ops;
	ep->priv = priv;
	ep->lsk.fd = -1;
	return ep;
}

static void ep_add(struct sg_sctp *s, struct sctp_ep *ep)
{
	pthread_mutex_lock(&s->lock);
	llist_add_tail(&ep->list, &s->eps);
	pthread_mutex_unlock(&s->lock);
}

static bool addrs_ok(const struct sockaddr_storage *a, unsigned int n, bool need)
{
	if (n > SG_SCTP_MAX_ADDRS || (need && !n))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (a[i].ss_family != AF_INET && a[i].ss_family != AF_INET6)
			return false;
	return true;
}

int sg_sctp_listen(struct sg_sctp *s, const struct sg_sctp_ep_cfg *cfg)
{
	struct sctp_ep *ep;
	int rc;

	if (!cfg->ops || !addrs_ok(cfg->addrs, cfg->naddrs, true) || !cfg->port)
		return -EINVAL;
	ep = ep_new(s, cfg->name, false, cfg->ops, cfg->priv);
	if (!ep)
		return -ENOMEM;
	ep->lcfg = *cfg;
	ep->lcfg.name = ep->name;
	/* in the list before the io side may accept on it */
	ep_add(s, ep);
	rc = io_sync(s, io_listen, ep);
	if (rc < 0) {
		char buf[INET6_ADDRSTRLEN + 8];

		LOGSCTP(LOGL_ERROR, "endpoint %s: cannot listen on %s (port %u): %s\n", ep->name,
			sg_sctp_addr_str(&cfg->addrs[0], buf, sizeof(buf)), cfg->port,
			strerror(-rc));
		pthread_mutex_lock(&s->lock);
		llist_del(&ep->list);
		pthread_mutex_unlock(&s->lock);
		talloc_free(ep);
		return rc;
	}
	LOGSCTP(LOGL_INFO, "endpoint %s listening on port %u (%u addresses)\n", ep->name,
		cfg->port, cfg->naddrs);
	return ep->id;
}

int sg_sctp_connect(struct sg_sctp *s, const struct sg_sctp_conn_cfg *cfg)
{
	struct sctp_ep *ep;
	int rc;

	if (!cfg->ops || !addrs_ok(cfg->remote, cfg->nremote, true) ||
	    !addrs_ok(cfg->local, cfg->nlocal, false) || !cfg->remote_port)
		return -EINVAL;
	ep = ep_new(s, cfg->name, true, cfg->ops, cfg->priv);
	if (!ep)
		return -ENOMEM;
	ep->ccfg = *cfg;
	ep->ccfg.name = ep->name;
	if (!ep->ccfg.reconnect_ms)
		ep->ccfg.reconnect_ms = 1000;
	ep->cstate = SCTP_CONN_WAIT;
	ep_add(s, ep);
	rc = io_sync(s, io_connect, ep);
	if (rc < 0) {
		pthread_mutex_lock(&s->lock);
		llist_del(&ep->list);
		pthread_mutex_unlock(&s->lock);
		talloc_free(ep);
		return rc;
	}
	return ep->id;
}

int sg_sctp_conn_stop(struct sg_sctp *s, int conn_id)
{
	struct sctp_ep *ep;

	llist_for_each_entry(ep, &s->eps, list)
		if (ep->id == conn_id && ep->is_conn)
			return io_sync(s, io_conn_stop, ep);
	return -ENOENT;
}

int sg_sctp_send(struct sg_sctp *s, uint32_t assoc_id, uint16_t stream, uint32_t ppid,
		 struct msgb *msg)
{
	struct sctp_own *o = own_find(s, assoc_id);
	struct sctp_item *it;
	int rc;

	if (!o) {
		msgb_free(msg);
		return -ENOENT;
	}
	if (stream >= o->out_streams) {
		LOGP(DSCTP, LOGL_ERROR, "assoc %u: stream %u >= %u outbound streams\n", assoc_id,
		     stream, o->out_streams);
		msgb_free(msg);
		return -EINVAL;
	}
	it = item_new(I_SEND, assoc_id);
	if (!it) {
		msgb_free(msg);
		return -ENOMEM;
	}
	it->stream = stream;
	it->ppid = ppid;
	it->msg = msg;
	rc = post(s, s->io, it);
	if (rc < 0) {
		pthread_mutex_lock(&s->lock);
		s->tx_mailbox_full++;
		pthread_mutex_unlock(&s->lock);
	}
	return rc;
}

static int request(struct sg_sctp *s, uint32_t assoc_id, enum sctp_item_type type)
{
	struct sctp_item *it;

	if (!own_find(s, assoc_id))
		return -ENOENT;
	it = item_new(type, assoc_id);
	if (!it)
		return -ENOMEM;
	return post(s, s->io, it);
}

int sg_sctp_close(struct sg_sctp *s, uint32_t assoc_id)
{
	return request(s, assoc_id, I_CLOSE);
}

int sg_sctp_abort(struct sg_sctp *s, uint32_t assoc_id)
{
	return request(s, assoc_id, I_ABORT);
}

/* ---- management view (any thread, under s->lock) ---- */

static struct json_object *addrs_json(const struct sockaddr_storage *a, unsigned int n)
{
	struct json_object *arr = json_object_new_array();
	char buf[INET6_ADDRSTRLEN + 8];

	for (unsigned int i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(sg_sctp_addr_str(&a[i], buf,
										   sizeof(buf))));
	return arr;
}

static struct json_object *assoc_json_locked(struct sg_sctp *s, const struct sctp_assoc *a)
{
	struct json_object *o = json_object_new_object();
	const struct sg_sctp_assoc_info *i = &a->info;
	char buf[INET6_ADDRSTRLEN + 8];

	json_object_object_add(o, "id", json_object_new_uint64(a->id));
	json_object_object_add(o, "state", json_object_new_string(get_value_string(
						   sctp_astate_names, a->state)));
	json_object_object_add(o, "endpoint", json_object_new_string(a->ep->name));
	json_object_object_add(o, "role", json_object_new_string(a->ep->is_conn ? "client"
										 : "server"));
	json_object_object_add(o, "transport",
			       json_object_new_string(get_value_string(sg_sctp_transport_names,
								       s->transport)));
	json_object_object_add(o, "local", addrs_json(i->local, i->nlocal));
	json_object_object_add(o, "peer", addrs_json(i->peer, i->npeer));
	json_object_object_add(o, "local_port",
			       json_object_new_int(i->nlocal ? ntohs(((struct sockaddr_in *)
									 &i->local[0])->sin_port)
							     : 0));
	json_object_object_add(o, "peer_port",
			       json_object_new_int(i->npeer ? ntohs(((struct sockaddr_in *)
									&i->peer[0])->sin_port)
							    : 0));
	json_object_object_add(o, "primary",
			       i->primary.ss_family
				       ? json_object_new_string(sg_sctp_addr_str(&i->primary, buf,
										 sizeof(buf)))
				       : NULL);
	json_object_object_add(o, "in_streams", json_object_new_int(i->in_streams));
	json_object_object_add(o, "out_streams", json_object_new_int(i->out_streams));
	json_object_object_add(o, "counters", sg_ctr_group_to_json(a->ctr));
	return o;
}

struct json_object *sg_sctp_assocs_json(struct sg_sctp *s)
{
	struct json_object *arr = json_object_new_array();
	struct sctp_assoc *a;

	pthread_mutex_lock(&s->lock);
	llist_for_each_entry(a, &s->assocs, list)
		if (a->state != SCTP_A_CLOSED)
			json_object_array_add(arr, assoc_json_locked(s, a));
	pthread_mutex_unlock(&s->lock);
	return arr;
}

struct json_object *sg_sctp_assoc_json(struct sg_sctp *s, uint32_t assoc_id)
{
	struct json_object *o = NULL;
	struct sctp_assoc *a;

	pthread_mutex_lock(&s->lock);
	llist_for_each_entry(a, &s->assocs, list)
		if (a->id == assoc_id && a->state != SCTP_A_CLOSED) {
			o = assoc_json_locked(s, a);
			break;
		}
	pthread_mutex_unlock(&s->lock);
	return o;
}

static const char *conn_state_name(enum sctp_conn_state st)
{
	switch (st) {
	case SCTP_CONN_WAIT:
		return "waiting";
	case SCTP_CONN_ACTIVE:
		return "active";
	default:
		return "stopped";
	}
}

struct json_object *sg_sctp_endpoints_json(struct sg_sctp *s)
{
	struct json_object *arr = json_object_new_array();
	struct sctp_ep *ep;

	pthread_mutex_lock(&s->lock);
	llist_for_each_entry(ep, &s->eps, list) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int(ep->id));
		json_object_object_add(o, "name", json_object_new_string(ep->name));
		json_object_object_add(o, "type", json_object_new_string(ep->is_conn ? "connect"
										     : "listen"));
		if (ep->is_conn) {
			json_object_object_add(o, "state",
					       json_object_new_string(conn_state_name(ep->cstate)));
			json_object_object_add(o, "local", addrs_json(ep->ccfg.local,
								      ep->ccfg.nlocal));
			json_object_object_add(o, "remote", addrs_json(ep->ccfg.remote,
								       ep->ccfg.nremote));
			json_object_object_add(o, "remote_port",
					       json_object_new_int(ep->ccfg.remote_port));
			json_object_object_add(o, "remote_udp_port",
					       json_object_new_int(ep->ccfg.remote_udp_port));
		} else {
			json_object_object_add(o, "state",
					       json_object_new_string(ep->listening ? "listening"
										    : "closed"));
			json_object_object_add(o, "addresses", addrs_json(ep->lcfg.addrs,
									  ep->lcfg.naddrs));
			json_object_object_add(o, "port", json_object_new_int(ep->lcfg.port));
		}
		json_object_object_add(o, "counters", sg_ctr_group_to_json(ep->ctr));
		json_object_array_add(arr, o);
	}
	pthread_mutex_unlock(&s->lock);
	return arr;
}

struct json_object *sg_sctp_json(struct sg_sctp *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "transport",
			       json_object_new_string(get_value_string(sg_sctp_transport_names,
								       s->transport)));
	if (s->transport == SG_SCTP_USRSCTP) {
		json_object_object_add(o, "usrsctp_mode",
				       json_object_new_string(get_value_string(
					       sg_sctp_usrsctp_mode_names, s->cfg.usrsctp_mode)));
		json_object_object_add(o, "udp_port", json_object_new_int(s->cfg.udp_port));
	}
	pthread_mutex_lock(&s->lock);
	json_object_object_add(o, "tx_no_assoc", json_object_new_uint64(s->tx_no_assoc));
	json_object_object_add(o, "tx_mailbox_full", json_object_new_uint64(s->tx_mailbox_full));
	json_object_object_add(o, "rx_owner_drops", json_object_new_uint64(s->rx_owner_drops));
	json_object_object_add(o, "rx_pauses", json_object_new_uint64(s->rx_pauses));
	json_object_object_add(o, "rx_resumes", json_object_new_uint64(s->rx_resumes));
	json_object_object_add(o, "rx_paused",
			       json_object_new_boolean(__atomic_load_n(&s->rx_paused_flag,
								       __ATOMIC_RELAXED)));
	pthread_mutex_unlock(&s->lock);
	json_object_object_add(o, "endpoints", sg_sctp_endpoints_json(s));
	json_object_object_add(o, "assocs", sg_sctp_assocs_json(s));
	return o;
}
