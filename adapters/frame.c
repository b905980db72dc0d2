/* frame adapter driver: HDLC frames (SU + 2 FCS octets) over an AF_UNIX SOCK_SEQPACKET socket. */

/*
 * One signalling link per span: each record on the socket is one HDLC frame,
 * the signal unit followed by 2 FCS octets, with neither flags nor bit
 * stuffing.  That is DAHDI's HDLC convention and libss7's (which appends
 * 00 00 and strips the last 2 octets without checking them), so libss7 given
 * the other end of the socket talks to us directly.
 *
 * The span either listens at its path and takes one peer at a time, or
 * connects to it.  While no peer is connected the span is in SG_ALARM_LOS and
 * frames to send are discarded, as a line without a far end would; a
 * connecting span retries with a doubling back-off.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <json-c/json.h>
#include <osmocom/core/select.h>
#include <talloc.h>

#include <sg/adapter.h>
#include <sg/counter.h>
#include <sg/log.h>
#include <sg/schema.h>
#include <sg/timer.h>

#define LOGPFS(fs, lvl, fmt, args...) \
	LOGP(DADP, lvl, "frame span %s: " fmt, (fs)->span->name, ## args)

/* SU (Q.703 basic or Annex A, up to 512 octets) + FCS */
#define FRAME_MAX		(512 + 2)
/* shorter cannot hold an SU (3 octets at least) and its FCS */
#define FRAME_MIN		(3 + 2)
#define BACKOFF_MIN_MS		100
#define BACKOFF_MAX_MS		5000
#define MAX_READS_PER_WAKE	32

enum frame_ctr {
	FRAME_CTR_RX_FRAMES,
	FRAME_CTR_RX_OCTETS,
	FRAME_CTR_TX_FRAMES,
	FRAME_CTR_TX_OCTETS,
	FRAME_CTR_TX_BUSY,
	FRAME_CTR_TX_DISCARDED,
	FRAME_CTR_TX_REFUSED,
	FRAME_CTR_RX_OVERSIZE,
	FRAME_CTR_RX_SHORT,
	FRAME_CTR_CONN_UP,
	FRAME_CTR_CONN_DOWN,
	FRAME_CTR_CONN_FAIL,
	FRAME_CTR_CONN_REFUSED,
	FRAME_CTR_ERR_IO,
	_FRAME_CTR_MAX
};

static const struct sg_ctr_desc frame_ctr_desc[] = {
	[FRAME_CTR_RX_FRAMES] = { "rx:frames", "Frames received" },
	[FRAME_CTR_RX_OCTETS] = { "rx:octets", "Octets of received frames (incl. FCS)" },
	[FRAME_CTR_TX_FRAMES] = { "tx:frames", "Frames sent" },
	[FRAME_CTR_TX_OCTETS] = { "tx:octets", "Octets of sent frames (incl. FCS)" },
	[FRAME_CTR_TX_BUSY] = { "tx:busy", "Frames refused because the socket was full" },
	[FRAME_CTR_TX_DISCARDED] = { "tx:discarded", "Frames discarded while no peer was there" },
	[FRAME_CTR_TX_REFUSED] = { "tx:refused", "Frames refused for their length" },
	[FRAME_CTR_RX_OVERSIZE] = { "rx:oversize", "Received frames over 514 octets, dropped" },
	[FRAME_CTR_RX_SHORT] = { "rx:short", "Received frames shorter than 5 octets, dropped" },
	[FRAME_CTR_CONN_UP] = { "conn:up", "Peer connections established" },
	[FRAME_CTR_CONN_DOWN] = { "conn:down", "Peer connections lost" },
	[FRAME_CTR_CONN_FAIL] = { "conn:failed", "Connection attempts that failed" },
	[FRAME_CTR_CONN_REFUSED] = { "conn:refused", "Extra peers turned away (one at a time)" },
	[FRAME_CTR_ERR_IO] = { "error:io", "Socket errors" },
};

static const struct sg_ctr_group_desc frame_ctr_group = {
	.name = "frame_span",
	.num = _FRAME_CTR_MAX,
	.ctr = frame_ctr_desc,
};

/* settings: a span's "frame" section (doc/config.md) */
struct frame_cfg {
	char path[108];			/* sockaddr_un.sun_path */
	bool listen;			/* listen on path (else connect to it) */
};

static const struct sg_field frame_fields[] = {
	{ "path", SG_FT_STRING, true, 1, 107 },
	{ "listen", SG_FT_BOOL, false },
	{ NULL }
};

static const struct sg_schema frame_schema = { "frame", frame_fields };

static int frame_cfg_parse(void *cfg, struct json_object *o, enum sg_span_type type,
			   const char *path, char *err, size_t errlen)
{
	struct frame_cfg *c = cfg;

	snprintf(c->path, sizeof(c->path), "%s", sg_json_str(o, "path", ""));
	c->listen = sg_json_bool(o, "listen", false);
	return 0;
}

struct frame_span {
	struct sg_span *span;
	struct sg_chan *chan;		/* the one channel, or NULL */
	struct osmo_fd listen_ofd;	/* listen mode */
	struct osmo_fd conn_ofd;	/* the peer (fd -1 when none) */
	struct sg_timer retry;		/* connect mode: next attempt */
	unsigned int backoff_ms;
	uint8_t buf[FRAME_MAX + 1];
};

static const struct frame_cfg *frame_cfg(const struct sg_span *span)
{
	return span->drv_cfg;
}

static inline void ctr_inc(struct frame_span *fs, enum frame_ctr c)
{
	sg_ctr_inc(fs->span->ctr, c);
}

static int make_addr(const struct frame_span *fs, struct sockaddr_un *sun)
{
	const char *path = frame_cfg(fs->span)->path;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (!path[0] || strlen(path) >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	memcpy(sun->sun_path, path, strlen(path));
	return 0;
}

static void report_error(struct frame_span *fs, enum sg_adapter_error err)
{
	if (fs->chan && fs->chan->ops && fs->chan->ops->rx_error)
		fs->chan->ops->rx_error(fs->chan->user, err);
}

static void schedule_retry(struct frame_span *fs)
{
	if (frame_cfg(fs->span)->listen)
		return;
	sg_timer_start_ms(&fs->retry, fs->backoff_ms);
	fs->backoff_ms *= 2;
	if (fs->backoff_ms > BACKOFF_MAX_MS)
		fs->backoff_ms = BACKOFF_MAX_MS;
}

static void conn_drop(struct frame_span *fs, const char *why)
{
	if (fs->conn_ofd.fd < 0)
		return;
	LOGPFS(fs, LOGL_NOTICE, "peer gone (%s)\n", why);
	osmo_fd_unregister(&fs->conn_ofd);
	close(fs->conn_ofd.fd);
	fs->conn_ofd.fd = -1;
	ctr_inc(fs, FRAME_CTR_CONN_DOWN);
	schedule_retry(fs);
	sg_span_set_alarms(fs->span, SG_ALARM_LOS);
}

/* Returns false when the connection or the span's channel went away. */
static bool conn_read_one(struct frame_span *fs)
{
	struct iovec iov = { .iov_base = fs->buf, .iov_len = sizeof(fs->buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fs->conn_ofd.fd, &mh, MSG_DONTWAIT);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return false;
		ctr_inc(fs, FRAME_CTR_ERR_IO);
		conn_drop(fs, strerror(errno));
		return false;
	}
	if (n == 0) {
		/* end of file, or an empty record: only the former leaves HUP behind */
		struct pollfd p = { .fd = fs->conn_ofd.fd, .events = POLLIN | POLLRDHUP };

		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP | POLLERR))) {
			conn_drop(fs, "end of file");
			return false;
		}
	}
	if ((mh.msg_flags & MSG_TRUNC) || n > FRAME_MAX) {
		ctr_inc(fs, FRAME_CTR_RX_OVERSIZE);
		LOGPFS(fs, LOGL_INFO, "frame longer than %d octets dropped\n", FRAME_MAX);
		report_error(fs, SG_ADAPTER_ERR_LENGTH);
		return true;
	}
	if (n < FRAME_MIN) {
		ctr_inc(fs, FRAME_CTR_RX_SHORT);
		LOGPFS(fs, LOGL_INFO, "frame of %zd octets dropped\n", n);
		report_error(fs, SG_ADAPTER_ERR_LENGTH);
		return true;
	}
	ctr_inc(fs, FRAME_CTR_RX_FRAMES);
	sg_ctr_add(fs->span->ctr, FRAME_CTR_RX_OCTETS, n);
	if (fs->chan && fs->chan->ops && fs->chan->ops->rx_frame)
		fs->chan->ops->rx_frame(fs->chan->user, fs->buf, n);
	return true;
}

static int conn_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct frame_span *fs = ofd->data;

	if (what & OSMO_FD_READ) {
		for (unsigned int i = 0; i < MAX_READS_PER_WAKE; i++) {
			if (!conn_read_one(fs) || fs->conn_ofd.fd < 0)
				return 0;
		}
	}
	if ((what & OSMO_FD_WRITE) && fs->conn_ofd.fd >= 0) {
		osmo_fd_write_disable(&fs->conn_ofd);
		if (fs->chan && fs->chan->ops && fs->chan->ops->tx_ready)
			fs->chan->ops->tx_ready(fs->chan->user);
	}
	return 0;
}

static void conn_up(struct frame_span *fs, int fd)
{
	osmo_fd_setup(&fs->conn_ofd, fd, OSMO_FD_READ, conn_cb, fs, 0);
	if (osmo_fd_register(&fs->conn_ofd) < 0) {
		LOGPFS(fs, LOGL_ERROR, "cannot register the peer's fd\n");
		close(fd);
		fs->conn_ofd.fd = -1;
		ctr_inc(fs, FRAME_CTR_CONN_FAIL);
		schedule_retry(fs);
		return;
	}
	fs->backoff_ms = BACKOFF_MIN_MS;
	ctr_inc(fs, FRAME_CTR_CONN_UP);
	LOGPFS(fs, LOGL_NOTICE, "peer connected on %s\n", frame_cfg(fs->span)->path);
	sg_span_set_alarms(fs->span, SG_ALARM_NONE);
}

static void retry_cb(void *data)
{
	struct frame_span *fs = data;
	struct sockaddr_un sun;
	int fd, rc;

	if (fs->conn_ofd.fd >= 0)
		return;
	rc = make_addr(fs, &sun);
	if (rc < 0)
		return;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ctr_inc(fs, FRAME_CTR_CONN_FAIL);
		schedule_retry(fs);
		return;
	}
	/* AF_UNIX connects at once or fails at once (EAGAIN: backlog full) */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		LOGPFS(fs, LOGL_DEBUG, "connect %s: %s, next attempt in %u ms\n", sun.sun_path,
		       strerror(errno), fs->backoff_ms);
		close(fd);
		ctr_inc(fs, FRAME_CTR_CONN_FAIL);
		schedule_retry(fs);
		return;
	}
	conn_up(fs, fd);
}

static int listen_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct frame_span *fs = ofd->data;
	int fd = accept4(ofd->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			ctr_inc(fs, FRAME_CTR_ERR_IO);
		return 0;
	}
	if (fs->conn_ofd.fd >= 0) {
		/* one link per span: the newcomer sees end of file */
		LOGPFS(fs, LOGL_NOTICE, "a second peer is turned away\n");
		ctr_inc(fs, FRAME_CTR_CONN_REFUSED);
		close(fd);
		return 0;
	}
	conn_up(fs, fd);
	return 0;
}

static int start_listen(struct frame_span *fs)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc;

	rc = make_addr(fs, &sun);
	if (rc < 0)
		return rc;
	/* a socket left by an earlier run is ours to replace; anything else is not */
	if (lstat(sun.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(sun.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
		rc = -errno;
		LOGPFS(fs, LOGL_ERROR, "listen on %s: %s\n", sun.sun_path, strerror(errno));
		close(fd);
		return rc;
	}
	osmo_fd_setup(&fs->listen_ofd, fd, OSMO_FD_READ, listen_cb, fs, 0);
	if (osmo_fd_register(&fs->listen_ofd) < 0) {
		close(fd);
		unlink(sun.sun_path);
		fs->listen_ofd.fd = -1;
		return -EIO;
	}
	return 0;
}

static int frame_span_open(struct sg_span *span)
{
	const struct frame_cfg *cfg = frame_cfg(span);
	struct frame_span *fs;
	struct sockaddr_un sun;
	int rc;

	fs = talloc_zero(span->ctx, struct frame_span);
	if (!fs)
		return -ENOMEM;
	fs->span = span;
	fs->listen_ofd.fd = -1;
	fs->conn_ofd.fd = -1;
	fs->backoff_ms = BACKOFF_MIN_MS;
	sg_timer_setup(&fs->retry, retry_cb, fs);
	rc = make_addr(fs, &sun);
	if (rc < 0) {
		LOGPFS(fs, LOGL_ERROR, "path '%s' is empty or too long\n", cfg->path);
		talloc_free(fs);
		return rc;
	}
	span->ctr = sg_ctr_group_alloc(span->ctx, &frame_ctr_group);
	if (!span->ctr) {
		talloc_free(fs);
		return -ENOMEM;
	}
	span->drv_priv = fs;
	/* no far end until a peer is connected */
	sg_span_set_alarms(span, SG_ALARM_LOS);
	if (cfg->listen) {
		rc = start_listen(fs);
		if (rc < 0) {
			span->drv_priv = NULL;
			talloc_free(fs);
			return rc;
		}
		LOGPFS(fs, LOGL_INFO, "listening on %s\n", cfg->path);
	} else {
		LOGPFS(fs, LOGL_INFO, "connecting to %s\n", cfg->path);
		retry_cb(fs);
	}
	return 0;
}

static void frame_span_close(struct sg_span *span)
{
	struct frame_span *fs = span->drv_priv;

	if (!fs)
		return;
	sg_timer_stop(&fs->retry);
	if (fs->conn_ofd.fd >= 0) {
		osmo_fd_unregister(&fs->conn_ofd);
		close(fs->conn_ofd.fd);
	}
	if (fs->listen_ofd.fd >= 0) {
		osmo_fd_unregister(&fs->listen_ofd);
		close(fs->listen_ofd.fd);
		unlink(frame_cfg(span)->path);
	}
	span->drv_priv = NULL;
	talloc_free(fs);
}

static int frame_chan_open(struct sg_chan *chan)
{
	struct frame_span *fs = chan->span->drv_priv;

	if (fs->chan) {
		LOGPFS(fs, LOGL_ERROR, "one link per span: timeslot %u is in use already\n",
		       fs->chan->ts);
		return -EBUSY;
	}
	fs->chan = chan;
	chan->drv_priv = fs;
	/* tell the new user where the line stands */
	if (chan->ops && chan->ops->alarm && chan->span->alarms)
		chan->ops->alarm(chan->user, chan->span->alarms);
	return 0;
}

static void frame_chan_close(struct sg_chan *chan)
{
	struct frame_span *fs = chan->span->drv_priv;

	if (fs && fs->chan == chan)
		fs->chan = NULL;
	chan->drv_priv = NULL;
}

static int frame_chan_tx_frame(struct sg_chan *chan, const uint8_t *frame, size_t len)
{
	struct frame_span *fs = chan->drv_priv;
	ssize_t rc;

	if (len < FRAME_MIN || len > FRAME_MAX) {
		ctr_inc(fs, FRAME_CTR_TX_REFUSED);
		return -EMSGSIZE;
	}
	if (fs->conn_ofd.fd < 0) {
		ctr_inc(fs, FRAME_CTR_TX_DISCARDED);
		return 0;
	}
	rc = send(fs->conn_ofd.fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (rc < 0) {
		if (errno == EAGAIN) {
			ctr_inc(fs, FRAME_CTR_TX_BUSY);
			osmo_fd_write_enable(&fs->conn_ofd);
			return -EAGAIN;
		}
		ctr_inc(fs, FRAME_CTR_ERR_IO);
		ctr_inc(fs, FRAME_CTR_TX_DISCARDED);
		conn_drop(fs, strerror(errno));
		return 0;
	}
	ctr_inc(fs, FRAME_CTR_TX_FRAMES);
	sg_ctr_add(fs->span->ctr, FRAME_CTR_TX_OCTETS, len);
	return 0;
}

static bool frame_supports(const struct sg_span *span, enum sg_adapter_mode mode)
{
	return mode == SG_ADAPTER_MODE_FRAMES;
}

static struct json_object *frame_span_info(const struct sg_span *span)
{
	const struct frame_span *fs = span->drv_priv;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "driver", json_object_new_string("frame"));
	json_object_object_add(o, "path", json_object_new_string(frame_cfg(span)->path));
	json_object_object_add(o, "role", json_object_new_string(frame_cfg(span)->listen ?
								 "listen" : "connect"));
	json_object_object_add(o, "connected", json_object_new_boolean(fs->conn_ofd.fd >= 0));
	if (!frame_cfg(span)->listen && fs->conn_ofd.fd < 0)
		json_object_object_add(o, "retry_in_ms", json_object_new_int64(
			sg_timer_remaining_ns(&fs->retry) / SG_NS_PER_MS));
	json_object_object_add(o, "timeslot", fs->chan ? json_object_new_int(fs->chan->ts) :
			       NULL);
	return o;
}

struct sg_adapter_driver sg_frame_driver = {
	.name = "frame",
	.description = "HDLC frames (SU + 2 FCS octets) over an AF_UNIX SOCK_SEQPACKET socket",
	.schema = &frame_schema,
	.cfg_size = sizeof(struct frame_cfg),
	.cfg_parse = frame_cfg_parse,
	.span_open = frame_span_open,
	.span_close = frame_span_close,
	.chan_open = frame_chan_open,
	.chan_close = frame_chan_close,
	.chan_tx_frame = frame_chan_tx_frame,
	.supports = frame_supports,
	.span_info = frame_span_info,
};
