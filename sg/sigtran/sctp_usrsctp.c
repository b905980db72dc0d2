/* SCTP transport backend: userland SCTP (libusrsctp), over UDP (RFC 6951) or raw IP,
 * one-to-one sockets (RFC 6458) driven by upcalls that wake the io thread. */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <usrsctp.h>

#include <osmocom/core/select.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>

#include "sctp_int.h"
#include "sctp_ntf.h"

#define UDP_ENCAPS_PORT_DEFAULT 9899	/* RFC 6951 §5.1: sctp-tunneling */
#define WAKERS 64			/* instances per process */
#define FINISH_TRIES 300		/* usrsctp_finish() every 10 ms, at most 3 s */

/*
 * usrsctp is one stack per process: usrsctp_init() once (with the local UDP
 * port), usrsctp_finish() when the last instance goes.  Its threads call our
 * upcall when a socket becomes readable, writable or connected; the upcall
 * only writes to the eventfd of the socket's instance (found through a slot
 * number, never a pointer that may have died), whose io thread then scans
 * its sockets.  The slot table has its own lock, taken by the upcall (inside
 * usrsctp's locks) and, without calling into usrsctp, by init/fini.
 */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int g_refs;
static bool g_inited;
static uint16_t g_port;
static enum sg_sctp_usrsctp_mode g_mode;

static pthread_rwlock_t w_lock = PTHREAD_RWLOCK_INITIALIZER;
static int w_fd[WAKERS];	/* eventfd + 1; 0: free slot */

struct u_priv {
	int slot;
	struct osmo_fd ofd;
};

static void u_debug(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	LOGP(DSCTP, LOGL_DEBUG, "usrsctp: %s", buf);
}

static void u_upcall(struct socket *so, void *arg, int flags)
{
	unsigned int slot = (uintptr_t)arg;
	uint64_t one = 1;
	int fd;

	if (slot >= WAKERS)
		return;
	pthread_rwlock_rdlock(&w_lock);
	fd = w_fd[slot] - 1;
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		LOGP(DSCTP, LOGL_ERROR, "usrsctp upcall: %s\n", strerror(errno));
	pthread_rwlock_unlock(&w_lock);
}

static unsigned int u_events(struct sctp_sock *sk)
{
	int ev = usrsctp_get_events(sk->so);
	unsigned int r = 0;

	if (ev < 0)
		return 0;
	/* an error is collected by reading */
	if ((ev & (SCTP_EVENT_READ | SCTP_EVENT_ERROR)) && !sk->rx_off)
		r |= SCTP_READY_READ;
	if ((ev & SCTP_EVENT_WRITE) && sk->want_write)
		r |= SCTP_READY_WRITE;
	return r;
}

static int u_waker_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sg_sctp *s = ofd->data;
	struct u_priv *up = s->be_priv;
	struct sctp_assoc *a;
	uint64_t v;

	if (read(ofd->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		LOGP(DSCTP, LOGL_ERROR, "usrsctp waker: %s\n", strerror(errno));
	sctp_io_scan(s, u_events);
	/* upcalls are edge-like: if a socket still has data (the scan reads a
	 * bounded batch per socket), come back */
	llist_for_each_entry(a, &s->assocs, list) {
		if (a->state != SCTP_A_CLOSED && a->sk.open &&
		    (u_events(&a->sk) & SCTP_READY_READ)) {
			uint64_t one = 1;

			if (write(up->ofd.fd, &one, sizeof(one)) < 0)
				LOGP(DSCTP, LOGL_ERROR, "usrsctp rescan: %s\n", strerror(errno));
			break;
		}
	}
	return 0;
}

static bool udp_port_free(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	if (fd < 0)
		return true;	/* let usrsctp find out */
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

static int u_stack_get(const struct sg_sctp_cfg *cfg)
{
	int rc = 0;

	pthread_mutex_lock(&g_lock);
	if (g_inited) {
		if (g_mode != cfg->usrsctp_mode ||
		    (cfg->usrsctp_mode == SG_SCTP_USRSCTP_UDP && g_port != cfg->udp_port)) {
			LOGP(DSCTP, LOGL_ERROR,
			     "usrsctp already runs in %s mode on UDP port %u in this process\n",
			     get_value_string(sg_sctp_usrsctp_mode_names, g_mode), g_port);
			rc = -EBUSY;
			goto out;
		}
		g_refs++;
		goto out;
	}
	if (cfg->usrsctp_mode == SG_SCTP_USRSCTP_RAW) {
		if (geteuid() != 0) {
			LOGP(DSCTP, LOGL_ERROR, "usrsctp raw mode needs root\n");
			rc = -EPERM;
			goto out;
		}
		usrsctp_init(0, NULL, u_debug);
	} else {
		if (!cfg->udp_port) {
			rc = -EINVAL;
			goto out;
		}
		if (!udp_port_free(cfg->udp_port)) {
			LOGP(DSCTP, LOGL_ERROR, "usrsctp: UDP port %u is in use\n", cfg->udp_port);
			rc = -EADDRINUSE;
			goto out;
		}
		usrsctp_init(cfg->udp_port, NULL, u_debug);
	}
	/* as root usrsctp also reads raw SCTP packets, even in UDP mode: never
	 * answer packets of other stacks on this host with ABORT */
	if (geteuid() == 0)
		usrsctp_sysctl_set_sctp_blackhole(2);
	g_inited = true;
	g_port = cfg->usrsctp_mode == SG_SCTP_USRSCTP_UDP ? cfg->udp_port : 0;
	g_mode = cfg->usrsctp_mode;
	g_refs = 1;
	LOGP(DSCTP, LOGL_INFO, "usrsctp started (%s mode, UDP port %u)\n",
	     get_value_string(sg_sctp_usrsctp_mode_names, g_mode), g_port);
out:
	pthread_mutex_unlock(&g_lock);
	return rc;
}

static void u_stack_put(void)
{
	pthread_mutex_lock(&g_lock);
	if (g_refs && --g_refs == 0) {
		int i;

		/* associations closed gracefully finish their SHUTDOWN first */
		for (i = 0; i < FINISH_TRIES; i++) {
			if (usrsctp_finish() == 0)
				break;
			usleep(10000);
		}
		if (i == FINISH_TRIES)
			LOGP(DSCTP, LOGL_ERROR, "usrsctp: associations still open, stack kept\n");
		else
			g_inited = false;
	}
	pthread_mutex_unlock(&g_lock);
}

static int u_init(struct sg_sctp *s)
{
	struct u_priv *up;
	int rc, fd, slot = -1;

	rc = u_stack_get(&s->cfg);
	if (rc < 0)
		return rc;
	up = calloc(1, sizeof(*up));
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!up || fd < 0) {
		rc = -ENOMEM;
		goto err;
	}
	pthread_rwlock_wrlock(&w_lock);
	for (int i = 0; i < WAKERS; i++)
		if (!w_fd[i]) {
			slot = i;
			w_fd[i] = fd + 1;
			break;
		}
	pthread_rwlock_unlock(&w_lock);
	if (slot < 0) {
		rc = -EMFILE;
		goto err;
	}
	up->slot = slot;
	osmo_fd_setup(&up->ofd, fd, OSMO_FD_READ, u_waker_cb, s, 0);
	if (osmo_fd_register(&up->ofd) < 0) {
		pthread_rwlock_wrlock(&w_lock);
		w_fd[slot] = 0;
		pthread_rwlock_unlock(&w_lock);
		rc = -EIO;
		goto err;
	}
	s->be_priv = up;
	return 0;
err:
	if (fd >= 0)
		close(fd);
	free(up);
	u_stack_put();
	return rc;
}

static void u_fini(struct sg_sctp *s, bool io_dead)
{
	struct u_priv *up = s->be_priv;

	if (!up)
		return;
	pthread_rwlock_wrlock(&w_lock);
	w_fd[up->slot] = 0;
	pthread_rwlock_unlock(&w_lock);
	if (!io_dead)
		osmo_fd_unregister(&up->ofd);
	close(up->ofd.fd);
	free(up);
	s->be_priv = NULL;
	u_stack_put();
}

static int uopt(struct socket *so, int level, int opt, const void *v, socklen_t len,
		const char *name)
{
	if (usrsctp_setsockopt(so, level, opt, v, len) < 0) {
		int err = errno;

		LOGP(DSCTP, LOGL_ERROR, "usrsctp_setsockopt(%s): %s\n", name, strerror(err));
		return -err;
	}
	return 0;
}

/* Events and receive info, on new and accepted sockets. */
static int u_setup(struct sg_sctp *s, struct socket *so)
{
	static const uint16_t types[] = {
		SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE, SCTP_SHUTDOWN_EVENT,
		SCTP_SEND_FAILED_EVENT,
	};
	struct u_priv *up = s->be_priv;
	int one = 1, rc;

	if (usrsctp_set_non_blocking(so, 1) < 0)
		return -errno;
	for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
		struct sctp_event ev = { .se_assoc_id = SCTP_FUTURE_ASSOC, .se_type = types[i],
					 .se_on = 1 };

		rc = uopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev), "SCTP_EVENT");
		if (rc < 0)
			return rc;
	}
	rc = uopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &one, sizeof(one), "SCTP_RECVRCVINFO");
	if (rc < 0)
		return rc;
	if (usrsctp_set_upcall(so, u_upcall, (void *)(uintptr_t)up->slot) < 0)
		return -errno;
	return 0;
}

static int u_params(struct socket *so, const struct sg_sctp_params *p)
{
	struct sctp_initmsg im = {
		.sinit_num_ostreams = p->out_streams ? p->out_streams : 16,
		.sinit_max_instreams = p->in_streams ? p->in_streams : 16,
		.sinit_max_attempts = p->max_init_attempts,
		.sinit_max_init_timeo = p->max_init_timeo_ms,
	};
	int nodelay = p->delay ? 0 : 1;
	int rc;

	rc = uopt(so, IPPROTO_SCTP, SCTP_NODELAY, &nodelay, sizeof(nodelay), "SCTP_NODELAY");
	if (rc == 0)
		rc = uopt(so, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im), "SCTP_INITMSG");
	if (rc < 0)
		return rc;
	if (p->rto_initial_ms || p->rto_min_ms || p->rto_max_ms) {
		struct sctp_rtoinfo rto = {
			.srto_assoc_id = SCTP_FUTURE_ASSOC,
			.srto_initial = p->rto_initial_ms,
			.srto_min = p->rto_min_ms,
			.srto_max = p->rto_max_ms,
		};

		rc = uopt(so, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto), "SCTP_RTOINFO");
		if (rc < 0)
			return rc;
	}
	if (p->hb_interval_ms || p->hb_disable || p->path_max_retrans) {
		struct sctp_paddrparams pp = {
			.spp_assoc_id = SCTP_FUTURE_ASSOC,
			.spp_hbinterval = p->hb_interval_ms,
			.spp_pathmaxrxt = p->path_max_retrans,
		};

		if (p->hb_disable)
			pp.spp_flags = SPP_HB_DISABLE;
		else if (p->hb_interval_ms)
			pp.spp_flags = SPP_HB_ENABLE;
		rc = uopt(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp),
			  "SCTP_PEER_ADDR_PARAMS");
		if (rc < 0)
			return rc;
	}
	if (p->assoc_max_retrans) {
		struct sctp_assocparams ap = {
			.sasoc_assoc_id = SCTP_FUTURE_ASSOC,
			.sasoc_asocmaxrxt = p->assoc_max_retrans,
		};

		rc = uopt(so, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap), "SCTP_ASSOCINFO");
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The receive buffer bounds what a peer may have in flight towards us while the io thread
 * does not read (receive backpressure): usrsctp advertises what is left of it as its
 * receive window. */
static int u_rcvbuf(struct socket *so)
{
	int v = SCTP_RCVBUF;

	return uopt(so, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v), "SO_RCVBUF");
}

static int u_open(struct sg_sctp *s, struct sctp_sock *sk, int family,
		  const struct sg_sctp_params *p)
{
	struct socket *so = usrsctp_socket(family, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0,
					   NULL);
	int rc;

	if (!so)
		return -errno;
	rc = u_setup(s, so);
	if (rc == 0)
		rc = u_params(so, p);
	if (rc == 0)
		rc = u_rcvbuf(so);
	if (rc < 0) {
		usrsctp_set_upcall(so, NULL, NULL);
		usrsctp_close(so);
		return rc;
	}
	sk->so = so;
	return 0;
}

static int u_bind(struct sctp_sock *sk, const struct sockaddr_storage *a, unsigned int n,
		  uint16_t port)
{
	uint8_t buf[SG_SCTP_MAX_ADDRS * sizeof(struct sockaddr_in6)];
	size_t first;

	sk->bind_port = port;
	if (!n)
		return 0;	/* never the wildcard: u_connect picks the source address */
	sctp_pack_addrs(buf, sizeof(buf), a, n, port);
	first = a[0].ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					   : sizeof(struct sockaddr_in);
	if (usrsctp_bind(sk->so, (struct sockaddr *)buf, first) < 0)
		return -errno;
	/* the others, on the port the first bind chose */
	if (n > 1) {
		struct sockaddr_storage bound = { };
		struct sockaddr *la;
		int k = usrsctp_getladdrs(sk->so, 0, &la);

		if (k > 0) {
			sctp_unpack_addrs(&bound, 1, la, 1);
			usrsctp_freeladdrs(la);
			port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
		}
		sctp_pack_addrs(buf, sizeof(buf), a + 1, n - 1, port);
		if (usrsctp_bindx(sk->so, (struct sockaddr *)buf, n - 1, SCTP_BINDX_ADD_ADDR) < 0)
			return -errno;
	}
	sk->bound = true;
	return 0;
}

static int u_listen(struct sctp_sock *sk)
{
	return usrsctp_listen(sk->so, 16) < 0 ? -errno : 0;
}

static int u_accept(struct sctp_sock *lsk, struct sctp_sock *nsk)
{
	struct socket *so = usrsctp_accept(lsk->so, NULL, NULL);
	int rc;

	if (!so)
		return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -errno;
	rc = u_setup(lsk->s, so);
	if (rc < 0) {
		usrsctp_set_upcall(so, NULL, NULL);
		usrsctp_close(so);
		return rc;
	}
	nsk->so = so;
	return 0;
}

/* The address the host would send from towards dst (a UDP socket's choice). */
static int source_addr(const struct sockaddr_storage *dst, struct sockaddr_storage *src)
{
	socklen_t len = dst->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						   : sizeof(struct sockaddr_in);
	int fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)dst, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)src, &len) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int u_connect(struct sctp_sock *sk, const struct sockaddr_storage *a, unsigned int n,
		     uint16_t port, uint16_t udp_port)
{
	uint8_t buf[SG_SCTP_MAX_ADDRS * sizeof(struct sockaddr_in6)];
	size_t len;
	int rc;

	if (!sk->bound) {
		struct sockaddr_storage dst = a[0], src = { };

		((struct sockaddr_in *)&dst)->sin_port = htons(port);
		rc = source_addr(&dst, &src);
		if (rc < 0)
			return rc;
		rc = u_bind(sk, &src, 1, sk->bind_port);
		if (rc < 0)
			return rc;
	}
	if (g_mode == SG_SCTP_USRSCTP_UDP) {
		struct sctp_udpencaps ue = {
			.sue_port = htons(udp_port ? udp_port : UDP_ENCAPS_PORT_DEFAULT),
		};

		rc = uopt(sk->so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue, sizeof(ue),
			  "SCTP_REMOTE_UDP_ENCAPS_PORT");
		if (rc < 0)
			return rc;
	}
	len = sctp_pack_addrs(buf, sizeof(buf), a, n, port);
	(void)len;
	if (usrsctp_connectx(sk->so, (struct sockaddr *)buf, n, NULL) < 0)
		return errno == EINPROGRESS ? -EINPROGRESS : -errno;
	return 0;
}

static int u_send(struct sctp_sock *sk, uint16_t stream, uint32_t ppid, const uint8_t *data,
		  size_t len)
{
	struct sctp_sndinfo snd = { .snd_sid = stream, .snd_ppid = htonl(ppid) };
	ssize_t rc = usrsctp_sendv(sk->so, data, len, NULL, 0, &snd, sizeof(snd),
				   SCTP_SENDV_SNDINFO, 0);

	if (rc < 0)
		return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -errno;
	return rc;
}

/* usrsctp: the peer's ABORT chunk (type 6) follows COMM_LOST when it sent one */
static bool sctp_ntf_peer_abort(const uint8_t *buf, size_t n)
{
	return n > sizeof(struct sctp_assoc_change) && buf[sizeof(struct sctp_assoc_change)] == 6;
}

void sctp_usrsctp_notification(const uint8_t *buf, size_t n, struct sctp_rcv *r)
{
	sctp_ntf_parse(buf, n, r);
}

static int u_recv(struct sctp_sock *sk, uint8_t *buf, size_t len, struct sctp_rcv *r)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	struct sctp_rcvinfo rcv = { };
	socklen_t infolen = sizeof(rcv);
	unsigned int infotype = 0;
	int flags = 0;
	ssize_t n = usrsctp_recvv(sk->so, buf, len, (struct sockaddr *)&from, &fromlen, &rcv,
				  &infolen, &infotype, &flags);

	if (n < 0)
		return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -errno;
	if (n == 0)
		return 0;
	r->eor = flags & MSG_EOR;
	if (flags & MSG_NOTIFICATION) {
		sctp_usrsctp_notification(buf, n, r);
		return n;
	}
	r->ntf = SCTP_NTF_NONE;
	if (infotype == SCTP_RECVV_RCVINFO && infolen >= sizeof(rcv)) {
		r->stream = rcv.rcv_sid;
		r->ppid = ntohl(rcv.rcv_ppid);
	}
	return n;
}

static int u_info(struct sctp_sock *sk, struct sg_sctp_assoc_info *info)
{
	struct sctp_status st = { };
	socklen_t sl = sizeof(st);
	struct sockaddr *addrs;
	int n;

	if (usrsctp_getsockopt(sk->so, IPPROTO_SCTP, SCTP_STATUS, &st, &sl) < 0)
		return -errno;
	info->in_streams = st.sstat_instrms;
	info->out_streams = st.sstat_outstrms;
	memcpy(&info->primary, &st.sstat_primary.spinfo_address, sizeof(info->primary));
	n = usrsctp_getpaddrs(sk->so, 0, &addrs);
	if (n > 0) {
		info->npeer = sctp_unpack_addrs(info->peer, SG_SCTP_MAX_ADDRS, addrs, n);
		usrsctp_freepaddrs(addrs);
	}
	n = usrsctp_getladdrs(sk->so, 0, &addrs);
	if (n > 0) {
		info->nlocal = sctp_unpack_addrs(info->local, SG_SCTP_MAX_ADDRS, addrs, n);
		usrsctp_freeladdrs(addrs);
	}
	return 0;
}

static int u_shutdown(struct sctp_sock *sk)
{
	return usrsctp_shutdown(sk->so, SHUT_WR) < 0 ? -errno : 0;
}

static void u_close(struct sctp_sock *sk, bool abort, bool io_dead)
{
	if (!sk->so)
		return;
	usrsctp_set_upcall(sk->so, NULL, NULL);
	if (abort) {
		/* zero linger: close sends ABORT */
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		usrsctp_setsockopt(sk->so, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	usrsctp_close(sk->so);
	sk->so = NULL;
}

static void u_want_write(struct sctp_sock *sk, bool on)
{
	/* the waker scan looks at want_write; a full socket gets an upcall when
	 * SACKs free room */
	sk->want_write = on;
}

/* Receive backpressure: the scan skips a socket with rx_off (u_events), so usrsctp keeps
 * its data and shrinks the window it advertises; on resume a wake-up makes the io thread
 * scan, as usrsctp's upcall for data already there has come and gone. */
static void u_want_read(struct sctp_sock *sk, bool on)
{
	struct u_priv *up = sk->s->be_priv;
	uint64_t one = 1;

	if (on && up && write(up->ofd.fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		LOGP(DSCTP, LOGL_ERROR, "usrsctp resume: %s\n", strerror(errno));
}

const struct sctp_backend sctp_usrsctp_backend = {
	.transport = SG_SCTP_USRSCTP,
	.init = u_init,
	.fini = u_fini,
	.open = u_open,
	.bind = u_bind,
	.listen = u_listen,
	.accept = u_accept,
	.connect = u_connect,
	.send = u_send,
	.recv = u_recv,
	.info = u_info,
	.shutdown = u_shutdown,
	.close = u_close,
	.want_write = u_want_write,
	.want_read = u_want_read,
};
