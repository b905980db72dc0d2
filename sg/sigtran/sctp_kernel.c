/* SCTP transport backend: Linux kernel SCTP through lksctp (RFC 6458 sockets API,
 * one-to-one style; notifications per RFC 6458 §6). */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>

#include <osmocom/core/select.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>

#include "sctp_int.h"
#include "sctp_ntf.h"

static int k_init(struct sg_sctp *s)
{
	/* nothing process-wide: each socket is an osmo_fd of the io thread */
	return sg_sctp_kernel_probe() ? 0 : -EPROTONOSUPPORT;
}

static void k_fini(struct sg_sctp *s, bool io_dead)
{
}

static int k_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sctp_sock *sk = ofd->data;
	unsigned int ev = 0;

	if (what & OSMO_FD_READ)
		ev |= SCTP_READY_READ;
	if (what & OSMO_FD_WRITE)
		ev |= SCTP_READY_WRITE;
	sctp_io_ready(sk, ev);
	return 0;
}

static int setopt(int fd, int level, int opt, const void *v, socklen_t len, const char *name)
{
	if (setsockopt(fd, level, opt, v, len) < 0) {
		int err = errno;

		LOGP(DSCTP, LOGL_ERROR, "setsockopt(%s): %s\n", name, strerror(err));
		return -err;
	}
	return 0;
}

/* Options common to new and accepted sockets. */
static int k_setup(int fd, const struct sg_sctp_params *p)
{
	struct sctp_event_subscribe ev = {
		.sctp_data_io_event = 1,
		.sctp_association_event = 1,
		.sctp_address_event = 1,
		.sctp_send_failure_event = 1,
		.sctp_shutdown_event = 1,
	};
	int one = p && p->delay ? 0 : 1;
	int rc;

	rc = setopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev), "SCTP_EVENTS");
	/* accepted sockets (p NULL) inherit SCTP_NODELAY from the listener */
	if (rc == 0 && p)
		rc = setopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one), "SCTP_NODELAY");
	return rc;
}

static int k_params(int fd, const struct sg_sctp_params *p)
{
	struct sctp_initmsg im = {
		.sinit_num_ostreams = p->out_streams ? p->out_streams : 16,
		.sinit_max_instreams = p->in_streams ? p->in_streams : 16,
		.sinit_max_attempts = p->max_init_attempts,
		.sinit_max_init_timeo = p->max_init_timeo_ms,
	};
	int rc;

	rc = setopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im), "SCTP_INITMSG");
	if (rc < 0)
		return rc;
	if (p->rto_initial_ms || p->rto_min_ms || p->rto_max_ms) {
		struct sctp_rtoinfo rto = {
			.srto_initial = p->rto_initial_ms,
			.srto_min = p->rto_min_ms,
			.srto_max = p->rto_max_ms,
		};

		rc = setopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto), "SCTP_RTOINFO");
		if (rc < 0)
			return rc;
	}
	if (p->hb_interval_ms || p->hb_disable || p->path_max_retrans) {
		struct sctp_paddrparams pp = {
			.spp_hbinterval = p->hb_interval_ms,
			.spp_pathmaxrxt = p->path_max_retrans,
		};

		if (p->hb_disable)
			pp.spp_flags = SPP_HB_DISABLE;
		else if (p->hb_interval_ms)
			pp.spp_flags = SPP_HB_ENABLE;
		rc = setopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp),
			    "SCTP_PEER_ADDR_PARAMS");
		if (rc < 0)
			return rc;
	}
	if (p->assoc_max_retrans) {
		struct sctp_assocparams ap = { .sasoc_asocmaxrxt = p->assoc_max_retrans };

		rc = setopt(fd, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap), "SCTP_ASSOCINFO");
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int k_register(struct sctp_sock *sk, int fd)
{
	sk->fd = fd;
	osmo_fd_setup(&sk->ofd, fd, OSMO_FD_READ, k_fd_cb, sk, 0);
	if (osmo_fd_register(&sk->ofd) < 0) {
		close(fd);
		sk->fd = -1;
		return -EIO;
	}
	return 0;
}

/* The receive buffer bounds what a peer may have in flight towards us while the io thread
 * does not read (receive backpressure); Linux doubles the value for its bookkeeping and caps
 * it at net.core.rmem_max. */
static int k_rcvbuf(int fd)
{
	int v = SCTP_RCVBUF;

	return setopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v), "SO_RCVBUF");
}

static int k_open(struct sg_sctp *s, struct sctp_sock *sk, int family,
		  const struct sg_sctp_params *p)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
	int rc;

	if (fd < 0)
		return -errno;
	rc = k_setup(fd, p);
	if (rc == 0)
		rc = k_params(fd, p);
	if (rc == 0)
		rc = k_rcvbuf(fd);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return k_register(sk, fd);
}

static int k_bind(struct sctp_sock *sk, const struct sockaddr_storage *a, unsigned int n,
		  uint16_t port)
{
	uint8_t buf[SG_SCTP_MAX_ADDRS * sizeof(struct sockaddr_in6)];
	size_t len;

	if (!n) {
		/* a local port without addresses: every address of the host */
		struct sockaddr_storage any = { };
		int family = AF_INET;
		socklen_t sl = sizeof(any);

		if (getsockname(sk->fd, (struct sockaddr *)&any, &sl) == 0)
			family = any.ss_family;
		memset(&any, 0, sizeof(any));
		any.ss_family = family;
		len = sctp_pack_addrs(buf, sizeof(buf), &any, 1, port);
		return bind(sk->fd, (struct sockaddr *)buf, len) < 0 ? -errno : 0;
	}
	sctp_pack_addrs(buf, sizeof(buf), a, n, port);
	if (sctp_bindx(sk->fd, (struct sockaddr *)buf, n, SCTP_BINDX_ADD_ADDR) < 0)
		return -errno;
	return 0;
}

static int k_listen(struct sctp_sock *sk)
{
	return listen(sk->fd, 16) < 0 ? -errno : 0;
}

static int k_accept(struct sctp_sock *lsk, struct sctp_sock *nsk)
{
	int fd = accept4(lsk->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int rc;

	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* an accepted socket inherits the listener's options; make sure of the
	 * ones we depend on */
	rc = k_setup(fd, NULL);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return k_register(nsk, fd);
}

static int k_connect(struct sctp_sock *sk, const struct sockaddr_storage *a, unsigned int n,
		     uint16_t port, uint16_t udp_port)
{
	uint8_t buf[SG_SCTP_MAX_ADDRS * sizeof(struct sockaddr_in6)];

#ifdef SCTP_REMOTE_UDP_ENCAPS_PORT
	if (udp_port) {
		/* RFC 6951 towards a usrsctp peer; the kernel needs net.sctp.udp_port */
		struct sctp_udpencaps ue = { .sue_port = htons(udp_port) };

		if (setsockopt(sk->fd, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &ue,
			       sizeof(ue)) < 0)
			LOGP(DSCTP, LOGL_NOTICE, "SCTP_REMOTE_UDP_ENCAPS_PORT: %s\n",
			     strerror(errno));
	}
#endif
	sctp_pack_addrs(buf, sizeof(buf), a, n, port);
	if (sctp_connectx(sk->fd, (struct sockaddr *)buf, n, NULL) < 0)
		return errno == EINPROGRESS ? -EINPROGRESS : -errno;
	return 0;
}

static int k_send(struct sctp_sock *sk, uint16_t stream, uint32_t ppid, const uint8_t *data,
		  size_t len)
{
	int rc = sctp_sendmsg(sk->fd, data, len, NULL, 0, htonl(ppid), 0, stream, 0, 0);

	if (rc < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return rc;
}

/* Linux appends the causes of the peer's ABORT (without its chunk header) to COMM_LOST, if
 * it had any; see k_recv() for the rest */
static bool sctp_ntf_peer_abort(const uint8_t *buf, size_t n)
{
	(void)buf;
	return n > sizeof(struct sctp_assoc_change);
}

void sctp_kernel_notification(const uint8_t *buf, size_t n, struct sctp_rcv *r)
{
	sctp_ntf_parse(buf, n, r);
}

static int k_recv(struct sctp_sock *sk, uint8_t *buf, size_t len, struct sctp_rcv *r)
{
	struct sctp_sndrcvinfo sri = { };
	int flags = 0;
	int n = sctp_recvmsg(sk->fd, buf, len, NULL, NULL, &sri, &flags);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (n == 0)
		return 0;
	r->eor = flags & MSG_EOR;
	if (flags & MSG_NOTIFICATION) {
		sctp_kernel_notification(buf, n, r);
		if (r->ntf == SCTP_NTF_ASSOC_CHANGE && r->ac == SCTP_AC_LOST && !r->peer_abort) {
			/* an ABORT from the peer sets ECONNRESET on the socket,
			 * exhausted retransmissions ETIMEDOUT */
			int err = 0;
			socklen_t el = sizeof(err);

			if (getsockopt(sk->fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0)
				r->peer_abort = err == ECONNRESET;
		}
		return n;
	}
	r->ntf = SCTP_NTF_NONE;
	r->stream = sri.sinfo_stream;
	r->ppid = ntohl(sri.sinfo_ppid);
	return n;
}

static int k_info(struct sctp_sock *sk, struct sg_sctp_assoc_info *info)
{
	struct sctp_status st = { };
	socklen_t sl = sizeof(st);
	struct sockaddr *addrs;
	int n;

	if (getsockopt(sk->fd, IPPROTO_SCTP, SCTP_STATUS, &st, &sl) < 0)
		return -errno;
	info->in_streams = st.sstat_instrms;
	info->out_streams = st.sstat_outstrms;
	memcpy(&info->primary, &st.sstat_primary.spinfo_address, sizeof(info->primary));
	n = sctp_getpaddrs(sk->fd, 0, &addrs);
	if (n > 0) {
		info->npeer = sctp_unpack_addrs(info->peer, SG_SCTP_MAX_ADDRS, addrs, n);
		sctp_freepaddrs(addrs);
	}
	n = sctp_getladdrs(sk->fd, 0, &addrs);
	if (n > 0) {
		info->nlocal = sctp_unpack_addrs(info->local, SG_SCTP_MAX_ADDRS, addrs, n);
		sctp_freeladdrs(addrs);
	}
	return 0;
}

static int k_shutdown(struct sctp_sock *sk)
{
	return shutdown(sk->fd, SHUT_WR) < 0 ? -errno : 0;
}

static void k_close(struct sctp_sock *sk, bool abort, bool io_dead)
{
	if (sk->fd < 0)
		return;
	if (abort) {
		/* close with a zero linger time sends ABORT (RFC 6458 §4.1.4) */
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(sk->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	/* the io thread's fd list dies with the thread: only unregister while
	 * it runs */
	if (!io_dead)
		osmo_fd_unregister(&sk->ofd);
	close(sk->fd);
	sk->fd = -1;
	sk->ofd.fd = -1;
}

static void k_want_write(struct sctp_sock *sk, bool on)
{
	sk->want_write = on;
	if (on)
		osmo_fd_write_enable(&sk->ofd);
	else
		osmo_fd_write_disable(&sk->ofd);
}

/* Receive backpressure: the loop stops watching the socket; select is level-triggered, so
 * data waiting there is seen as soon as it watches again. */
static void k_want_read(struct sctp_sock *sk, bool on)
{
	if (sk->fd < 0)
		return;
	if (on)
		osmo_fd_read_enable(&sk->ofd);
	else
		osmo_fd_read_disable(&sk->ofd);
}

const struct sctp_backend sctp_kernel_backend = {
	.transport = SG_SCTP_KERNEL,
	.init = k_init,
	.fini = k_fini,
	.open = k_open,
	.bind = k_bind,
	.listen = k_listen,
	.accept = k_accept,
	.connect = k_connect,
	.send = k_send,
	.recv = k_recv,
	.info = k_info,
	.shutdown = k_shutdown,
	.close = k_close,
	.want_write = k_want_write,
	.want_read = k_want_read,
};
