/* Unit tests of the SCTP transport (include/sg/sctp.h) over usrsctp on loopback (RFC 6951
 * UDP encapsulation): the peer runs in a forked child, since usrsctp allows one UDP port
 * per process.  Ports derive from the PID. */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include <sg/log.h>
#include <sg/msg.h>
#include <sg/sctp.h>
#include <sg/thread.h>
#include "bound.h"
#include "cu_main.h"
#include "cu_log.h"
#include "done.h"

static uint16_t udp_parent, udp_child, sctp_port;
static pid_t child_pid;
static int ctrl_fd = -1;	/* SOCK_SEQPACKET to the child */
static uint64_t sent_msgs, sent_bytes;	/* accepted by sg_sctp_send() in the parent */
/* usrsctp here; TEST_SCTP_TRANSPORT=kernel runs the same tests on kernel SCTP
 * (inside user-mode Linux, tests/uml) */
static enum sg_sctp_transport T = SG_SCTP_USRSCTP;
/* TEST_SCTP_USRSCTP_MODE=raw: usrsctp on raw IP (root only) */
static enum sg_sctp_usrsctp_mode M = SG_SCTP_USRSCTP_UDP;

#define WAIT_MS 8000
#define STREAMS 8
#define RX_MAX 8000	/* the parent's largest message */

/* Run the loop until expr holds or ms (scaled) passed; the value of expr. */
#define WAIT_FOR(expr, ms)                                         \
	({                                                         \
		uint64_t _end = test_now_ms() + test_bound_ms(ms); \
		while (!(expr) && test_now_ms() < _end)            \
			sg_loop_once(10);                          \
		(expr);                                            \
	})

/* Payload: stream (2), sequence (4), length (2), then (seq + i) & 0xff. */
static struct msgb *make_msg(uint16_t stream, uint32_t seq, uint16_t len)
{
	struct msgb *msg = sg_msgb_alloc(SG_MSGB_HEADROOM + len, "test");
	uint8_t *p;

	OSMO_ASSERT(len >= 8);
	msgb_reserve(msg, SG_MSGB_HEADROOM);
	p = msgb_put(msg, len);
	p[0] = stream >> 8;
	p[1] = stream;
	p[2] = seq >> 24;
	p[3] = seq >> 16;
	p[4] = seq >> 8;
	p[5] = seq;
	p[6] = len >> 8;
	p[7] = len;
	for (unsigned int i = 8; i < len; i++)
		p[i] = (seq + i) & 0xff;
	return msg;
}

static bool parse_msg(const struct msgb *msg, uint16_t *stream, uint32_t *seq)
{
	const uint8_t *p = msgb_data(msg);
	unsigned int len = msgb_length(msg);

	if (len < 8 || (unsigned int)((p[6] << 8) | p[7]) != len)
		return false;
	*stream = (p[0] << 8) | p[1];
	*seq = ((uint32_t)p[2] << 24) | (p[3] << 16) | (p[4] << 8) | p[5];
	for (unsigned int i = 8; i < len; i++)
		if (p[i] != ((*seq + i) & 0xff))
			return false;
	return true;
}

/* ==================== the child: an echoing server ==================== */

struct child {
	struct sg_sctp *s;
	struct osmo_fd ctrl;
	bool refuse;
	uint32_t last_id;
	bool quit;
};

static void child_event(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (send(ctrl_fd, buf, n, 0) < 0)
		perror("child: send");
}

static bool c_accept(void *priv, uint32_t id, const struct sockaddr_storage *peers,
		     unsigned int npeers)
{
	struct child *c = priv;
	struct sockaddr_storage lo;

	sg_sctp_addr_parse(&lo, "127.0.0.1", 0);
	if (!sg_sctp_peer_allowed(peers, npeers, &lo, 1))
		return false;
	if (c->refuse)
		child_event("refused %u", id);
	return !c->refuse;
}

static void c_up(void *priv, uint32_t id, const struct sg_sctp_assoc_info *info)
{
	struct child *c = priv;

	c->last_id = id;
	child_event("up %u %u %u", id, info->out_streams, info->in_streams);
}

static void c_data(void *priv, uint32_t id, uint16_t stream, uint32_t ppid, struct msgb *msg)
{
	struct child *c = priv;

	/* echo on the same stream with the same PPID */
	if (sg_sctp_send(c->s, id, stream, ppid, msg) < 0)
		child_event("echo-failed %u", id);
}

static void c_down(void *priv, uint32_t id, enum sg_sctp_down_reason why)
{
	child_event("down %u %s", id, get_value_string(sg_sctp_down_reason_names, why));
}

static const struct sg_sctp_ops child_ops = {
	.accept = c_accept, .up = c_up, .data = c_data, .down = c_down,
};

static int child_ctrl_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct child *c = ofd->data;
	char buf[128];
	ssize_t n = recv(ofd->fd, buf, sizeof(buf) - 1, 0);
	unsigned int cnt, stream, ppid, v;

	if (n <= 0) {
		c->quit = true;
		return 0;
	}
	buf[n] = 0;
	if (sscanf(buf, "refuse %u", &v) == 1) {
		c->refuse = v;
		child_event("ok");
	} else if (!strcmp(buf, "close")) {
		child_event("ok %d", sg_sctp_close(c->s, c->last_id));
	} else if (!strcmp(buf, "abort")) {
		child_event("ok %d", sg_sctp_abort(c->s, c->last_id));
	} else if (sscanf(buf, "send %u %u %u", &cnt, &stream, &ppid) == 3) {
		int rc = 0;

		for (unsigned int i = 0; i < cnt && rc == 0; i++)
			rc = sg_sctp_send(c->s, c->last_id, stream, ppid,
					  make_msg(stream, i, 16 + i % 300));
		child_event("ok %d", rc);
	} else if (sscanf(buf, "big %u %u %u", &cnt, &stream, &ppid) == 3) {
		child_event("ok %d", sg_sctp_send(c->s, c->last_id, stream, ppid,
						  make_msg(stream, 7, cnt)));
	} else if (!strcmp(buf, "json")) {
		struct json_object *j = sg_sctp_json(c->s);
		const char *str = json_object_to_json_string(j);

		if (send(ctrl_fd, str, strlen(str), 0) < 0)
			perror("child: send json");
		json_object_put(j);
	} else if (!strcmp(buf, "quit")) {
		c->quit = true;
	}
	return 0;
}

static int child_main(void)
{
	struct sg_sctp_cfg cfg = {
		.transport = T, .udp_port = udp_child,
		.usrsctp_mode = M,
		.send_queue_max = 100000,	/* the echo never drops */
	};
	struct sg_sctp_ep_cfg ep = {
		.name = "child-server", .naddrs = 1, .port = sctp_port,
		.params = { .out_streams = 16, .in_streams = STREAMS, .rto_initial_ms = 200,
			    .rto_min_ms = 100, .rto_max_ms = 1000, .hb_interval_ms = 1000,
			    .path_max_retrans = 4, .assoc_max_retrans = 8 },
		.ops = &child_ops,
	};
	struct child c = { };
	int rc;

	if (cu_log_init(DSCTP, "TEST_SCTP_DEBUG", LOGL_ERROR) < 0 || sg_loop_init() < 0)
		return 2;
	osmo_fd_setup(&c.ctrl, ctrl_fd, OSMO_FD_READ, child_ctrl_cb, &c, 0);
	osmo_fd_register(&c.ctrl);
	/* no io nor owner thread: everything on this thread's loop */
	c.s = sg_sctp_alloc(NULL, &cfg, NULL, NULL);
	if (!c.s) {
		child_event("fail alloc");
		return 3;
	}
	ep.priv = &c;
	sg_sctp_addr_parse(&ep.addrs[0], "127.0.0.1", 0);
	rc = sg_sctp_listen(c.s, &ep);
	child_event(rc > 0 ? "ready" : "fail listen %d", rc);
	while (!c.quit)
		sg_loop_once(100);
	sg_sctp_free(c.s);
	osmo_fd_unregister(&c.ctrl);
	close(ctrl_fd);
	sg_log_fini();
	return 0;
}

/* ==================== the parent: a client ==================== */

struct rxrec {
	uint16_t stream;
	uint32_t ppid;
	uint32_t seq;
	bool ok;
};

static struct parent {
	struct sg_thread *io;
	struct sg_sctp *s;
	int conn;
	uint32_t id;		/* current association, 0 none */
	unsigned int ups, downs;
	enum sg_sctp_down_reason last_down;
	struct sg_sctp_assoc_info info;
	unsigned int nrx;
	struct rxrec rx[4096];
	/* from the child */
	struct osmo_fd ctrl;
	unsigned int c_ups, c_downs, c_refused, c_oks;
	int c_last_ok;
	char c_last_down[32];
	unsigned int c_out_streams, c_in_streams;
	char *c_json;
	bool c_ready, c_failed;
} P;

static void p_up(void *priv, uint32_t id, const struct sg_sctp_assoc_info *info)
{
	P.id = id;
	P.ups++;
	P.info = *info;
}

static void p_data(void *priv, uint32_t id, uint16_t stream, uint32_t ppid, struct msgb *msg)
{
	struct rxrec *r = &P.rx[P.nrx < ARRAY_SIZE(P.rx) ? P.nrx : ARRAY_SIZE(P.rx) - 1];
	uint16_t st;

	CU_ASSERT_PTR_NOT_NULL(msg->l3h);
	CU_ASSERT_PTR_EQUAL(msg->l3h, msg->data);
	r->ok = parse_msg(msg, &st, &r->seq) && st == stream;
	r->stream = stream;
	r->ppid = ppid;
	P.nrx++;
	msgb_free(msg);
}

static void p_down(void *priv, uint32_t id, enum sg_sctp_down_reason why)
{
	CU_ASSERT_EQUAL(id, P.id);
	P.id = 0;
	P.downs++;
	P.last_down = why;
}

static const struct sg_sctp_ops parent_ops = { .up = p_up, .data = p_data, .down = p_down };

static int parent_ctrl_cb(struct osmo_fd *ofd, unsigned int what)
{
	static char buf[65536];
	ssize_t n = recv(ofd->fd, buf, sizeof(buf) - 1, 0);
	unsigned int id, a, b;
	int v;

	if (n <= 0) {
		P.c_failed = true;
		osmo_fd_unregister(ofd);
		return 0;
	}
	buf[n] = 0;
	if (buf[0] == '{') {
		free(P.c_json);
		P.c_json = strdup(buf);
	} else if (!strcmp(buf, "ready")) {
		P.c_ready = true;
	} else if (!strncmp(buf, "fail", 4)) {
		fprintf(stderr, "child: %s\n", buf);
		P.c_failed = true;
	} else if (sscanf(buf, "up %u %u %u", &id, &a, &b) == 3) {
		P.c_ups++;
		P.c_out_streams = a;
		P.c_in_streams = b;
	} else if (sscanf(buf, "down %u %31s", &id, P.c_last_down) == 2) {
		P.c_downs++;
	} else if (sscanf(buf, "refused %u", &id) == 1) {
		P.c_refused++;
	} else if (!strcmp(buf, "ok") || sscanf(buf, "ok %d", &v) == 1) {
		P.c_last_ok = strcmp(buf, "ok") ? v : 0;
		P.c_oks++;
	}
	return 0;
}

/* Send a command to the child and wait for its "ok". */
static int child_cmd(const char *cmd)
{
	unsigned int oks = P.c_oks;

	if (send(ctrl_fd, cmd, strlen(cmd), 0) < 0)
		return -errno;
	if (!WAIT_FOR(P.c_oks > oks, WAIT_MS))
		return -ETIMEDOUT;
	return P.c_last_ok;
}

static struct json_object *child_json(void)
{
	free(P.c_json);
	P.c_json = NULL;
	if (send(ctrl_fd, "json", 4, 0) < 0 || !WAIT_FOR(P.c_json, WAIT_MS))
		return NULL;
	return json_tokener_parse(P.c_json);
}

/* A counter's value from a "counters" array. */
static int64_t ctr(struct json_object *obj, const char *name)
{
	struct json_object *arr;

	if (!json_object_object_get_ex(obj, "counters", &arr))
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *c = json_object_array_get_idx(arr, i), *n, *v;

		if (json_object_object_get_ex(c, "name", &n) &&
		    json_object_object_get_ex(c, "value", &v) &&
		    !strcmp(json_object_get_string(n), name))
			return json_object_get_int64(v);
	}
	return -1;
}

static const char *jstr(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) ? json_object_get_string(v) : NULL;
}

static int64_t jint(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) ? json_object_get_int64(v) : -1;
}

/* sg_sctp_send() on the parent's current association, counting what it accepted. */
static int psend(uint16_t stream, uint32_t ppid, struct msgb *msg)
{
	unsigned int len = msgb_length(msg);
	int rc = sg_sctp_send(P.s, P.id, stream, ppid, msg);

	if (rc == 0) {
		sent_msgs++;
		sent_bytes += len;
	}
	return rc;
}

/* ---- transport selection ---- */

static bool probe_yes(void)
{
	return true;
}

static bool probe_no(void)
{
	return false;
}

/* `auto` picks kernel SCTP when the probe finds it, usrsctp otherwise; an
 * explicit choice is kept. */
static void test_transport_select(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 132);
	bool kernel = fd >= 0;

	if (fd >= 0)
		close(fd);
	CU_ASSERT_EQUAL(sg_sctp_transport_select(SG_SCTP_AUTO, probe_yes), SG_SCTP_KERNEL);
	CU_ASSERT_EQUAL(sg_sctp_transport_select(SG_SCTP_AUTO, probe_no), SG_SCTP_USRSCTP);
	CU_ASSERT_EQUAL(sg_sctp_transport_select(SG_SCTP_KERNEL, probe_no), SG_SCTP_KERNEL);
	CU_ASSERT_EQUAL(sg_sctp_transport_select(SG_SCTP_USRSCTP, probe_yes), SG_SCTP_USRSCTP);
	/* the real probe agrees with the machine */
	CU_ASSERT_EQUAL(sg_sctp_kernel_probe(), kernel);
	CU_ASSERT_EQUAL(sg_sctp_transport_select(SG_SCTP_AUTO, NULL),
			kernel ? SG_SCTP_KERNEL : SG_SCTP_USRSCTP);
}

static void test_addr_helpers(void)
{
	struct sockaddr_storage a[2], p;
	char buf[64];

	CU_ASSERT_EQUAL(sg_sctp_addr_parse(&a[0], "127.0.0.1", 2905), 0);
	CU_ASSERT_STRING_EQUAL(sg_sctp_addr_str(&a[0], buf, sizeof(buf)), "127.0.0.1:2905");
	CU_ASSERT_EQUAL(sg_sctp_addr_parse(&a[1], "::1", 2905), 0);
	CU_ASSERT_STRING_EQUAL(sg_sctp_addr_str(&a[1], buf, sizeof(buf)), "[::1]:2905");
	CU_ASSERT_EQUAL(sg_sctp_addr_parse(&p, "300.1.1.1", 0), -EINVAL);
	CU_ASSERT_EQUAL(sg_sctp_addr_parse(&p, "host", 0), -EINVAL);
	/* the allow-list compares addresses, not ports */
	sg_sctp_addr_parse(&p, "127.0.0.1", 40000);
	CU_ASSERT_TRUE(sg_sctp_peer_allowed(&p, 1, a, 2));
	sg_sctp_addr_parse(&p, "127.0.0.2", 2905);
	CU_ASSERT_FALSE(sg_sctp_peer_allowed(&p, 1, a, 2));
}

/* ---- over usrsctp ---- */

static struct sg_sctp_conn_cfg conn_cfg(void)
{
	struct sg_sctp_conn_cfg cc = {
		.name = "to-child", .nremote = 1, .remote_port = sctp_port,
		.remote_udp_port = T == SG_SCTP_USRSCTP ? udp_child : 0, .reconnect_ms = 100,
		.params = { .out_streams = STREAMS, .in_streams = 16, .rto_initial_ms = 200,
			    .rto_min_ms = 100, .rto_max_ms = 1000, .hb_interval_ms = 1000,
			    .max_init_attempts = 4 },
		.ops = &parent_ops,
	};

	sg_sctp_addr_parse(&cc.remote[0], "127.0.0.1", 0);
	return cc;
}

/* The client association comes up on both sides with the negotiated streams. */
static void test_assoc_up(void)
{
	struct sg_sctp_cfg cfg = {
		.transport = SG_SCTP_AUTO, .udp_port = udp_parent,
		.usrsctp_mode = M, .rx_max = RX_MAX,
	};
	struct sg_sctp_conn_cfg cc = conn_cfg();
	char buf[64];

	CU_ASSERT_TRUE_FATAL(WAIT_FOR(P.c_ready || P.c_failed, WAIT_MS));
	CU_ASSERT_FALSE_FATAL(P.c_failed);
	/* io on an sctp thread, callbacks here (the owner is this thread) */
	P.io = sg_thread_alloc(NULL, "sctp", SG_THREAD_SCTP, 0);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(P.io), 0);
	/* no kernel SCTP here: auto chooses usrsctp (the kernel is tested in UML) */
	if (sg_sctp_kernel_probe() || T == SG_SCTP_KERNEL)
		cfg.transport = T;
	P.s = sg_sctp_alloc(NULL, &cfg, P.io, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(P.s);
	CU_ASSERT_EQUAL(sg_sctp_transport(P.s), T);

	P.conn = sg_sctp_connect(P.s, &cc);
	CU_ASSERT_TRUE_FATAL(P.conn > 0);
	CU_ASSERT_TRUE_FATAL(WAIT_FOR(P.id && P.c_ups == 1, WAIT_MS));
	CU_ASSERT_EQUAL(P.ups, 1);
	/* streams: ours out 8 vs the child's in 8; the child's out 16 vs our in 16 */
	CU_ASSERT_EQUAL(P.info.out_streams, STREAMS);
	CU_ASSERT_EQUAL(P.info.in_streams, 16);
	CU_ASSERT_EQUAL(P.c_out_streams, 16);
	CU_ASSERT_EQUAL(P.c_in_streams, STREAMS);
	CU_ASSERT_EQUAL(P.info.assoc_id, P.id);
	CU_ASSERT_EQUAL(P.info.transport, T);
	CU_ASSERT_EQUAL_FATAL(P.info.npeer, 1);
	snprintf(buf, sizeof(buf), "127.0.0.1:%u", sctp_port);
	CU_ASSERT_STRING_EQUAL(sg_sctp_addr_str(&P.info.peer[0], buf + 32, 32), buf);
	CU_ASSERT_STRING_EQUAL(sg_sctp_addr_str(&P.info.primary, buf + 32, 32), buf);
	CU_ASSERT_EQUAL(P.info.nlocal, 1);
}

/* A second usrsctp instance in this process must use the same UDP port. */
static void test_one_udp_port_per_process(void)
{
	struct sg_sctp_cfg cfg = {
		.transport = SG_SCTP_USRSCTP, .udp_port = udp_parent + 7,
		.usrsctp_mode = M,
	};
	struct sg_sctp_ep_cfg bad = { .name = "bad", .port = 1, .ops = &parent_ops };

	if (T == SG_SCTP_USRSCTP && M == SG_SCTP_USRSCTP_UDP)
		CU_ASSERT_PTR_NULL(sg_sctp_alloc(NULL, &cfg, P.io, NULL));
	/* and a listener needs an address, a port and callbacks */
	CU_ASSERT_EQUAL(sg_sctp_listen(P.s, &bad), -EINVAL);
	sg_sctp_addr_parse(&bad.addrs[0], "127.0.0.1", 0);
	bad.naddrs = 1;
	bad.ops = NULL;
	CU_ASSERT_EQUAL(sg_sctp_listen(P.s, &bad), -EINVAL);
}

/* Per stream, messages arrive in order with their PPID, both ways (the child
 * echoes on the same stream with the same PPID). */
static void test_streams_order_ppid(void)
{
	unsigned int next[STREAMS] = { 0 };
	const unsigned int per = 50;

	CU_ASSERT_TRUE_FATAL(P.id != 0);
	P.nrx = 0;
	for (unsigned int i = 0; i < per; i++)
		for (uint16_t st = 0; st < STREAMS; st++)
			CU_ASSERT_EQUAL(psend(st, st % 2 ? 4 : 3,
					      make_msg(st, i, 8 + (i * 37 + st) % 700)), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.nrx >= per * STREAMS, WAIT_MS));
	CU_ASSERT_EQUAL(P.nrx, per * STREAMS);
	for (unsigned int i = 0; i < P.nrx && i < ARRAY_SIZE(P.rx); i++) {
		struct rxrec *r = &P.rx[i];

		CU_ASSERT_TRUE(r->ok);
		CU_ASSERT_FATAL(r->stream < STREAMS);
		CU_ASSERT_EQUAL(r->ppid, r->stream % 2 ? 4 : 3);
		CU_ASSERT_EQUAL(r->seq, next[r->stream]);
		next[r->stream] = r->seq + 1;
	}
	for (unsigned int st = 0; st < STREAMS; st++)
		CU_ASSERT_EQUAL(next[st], per);
}

/* Messages the peer originates arrive in order on their stream and PPID. */
static void test_peer_sends(void)
{
	P.nrx = 0;
	CU_ASSERT_EQUAL(child_cmd("send 100 5 4"), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.nrx >= 100, WAIT_MS));
	CU_ASSERT_EQUAL(P.nrx, 100);
	for (unsigned int i = 0; i < P.nrx; i++) {
		CU_ASSERT_TRUE(P.rx[i].ok);
		CU_ASSERT_EQUAL(P.rx[i].stream, 5);
		CU_ASSERT_EQUAL(P.rx[i].ppid, 4);
		CU_ASSERT_EQUAL(P.rx[i].seq, i);
	}
}

/* 1000 messages sent back to back: none lost, none reordered. */
static void test_1000_no_loss(void)
{
	unsigned int bad = 0;

	P.nrx = 0;
	for (unsigned int i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(psend(1, 3, make_msg(1, i, 200)), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.nrx >= 1000, WAIT_MS));
	CU_ASSERT_EQUAL(P.nrx, 1000);
	for (unsigned int i = 0; i < P.nrx && i < 1000; i++)
		if (!P.rx[i].ok || P.rx[i].seq != i || P.rx[i].stream != 1 || P.rx[i].ppid != 3)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
}

/* The full 32-bit PPID range survives both ways (network order on the wire). */
static void test_ppid_range(void)
{
	P.nrx = 0;
	CU_ASSERT_EQUAL(child_cmd("send 1 6 3735928559"), 0);
	CU_ASSERT_EQUAL(psend(7, 0x80000001, make_msg(7, 0, 8)), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.nrx >= 2, WAIT_MS));
	CU_ASSERT_EQUAL(P.nrx, 2);
	for (unsigned int i = 0; i < 2; i++) {
		CU_ASSERT_TRUE(P.rx[i].ok);
		CU_ASSERT_EQUAL(P.rx[i].ppid, P.rx[i].stream == 6 ? 0xdeadbeef : 0x80000001);
	}
}

static struct json_object *parent_assoc_json(void)
{
	return sg_sctp_assoc_json(P.s, P.id);
}

/* Partial delivery: a message of exactly rx_max arrives whole; a larger one
 * is dropped and counted, and the next message is intact. */
static void test_rx_max(void)
{
	struct json_object *a;
	char cmd[64];

	P.nrx = 0;
	snprintf(cmd, sizeof(cmd), "big %u 0 3", RX_MAX);
	CU_ASSERT_EQUAL(child_cmd(cmd), 0);
	snprintf(cmd, sizeof(cmd), "big %u 0 3", RX_MAX * 2 + 100);
	CU_ASSERT_EQUAL(child_cmd(cmd), 0);
	CU_ASSERT_EQUAL(child_cmd("big 100 0 3"), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.nrx >= 2, WAIT_MS));
	WAIT_FOR(false, 50);
	CU_ASSERT_EQUAL(P.nrx, 2);
	CU_ASSERT_TRUE(P.rx[0].ok);
	CU_ASSERT_TRUE(P.rx[1].ok);
	a = parent_assoc_json();
	CU_ASSERT_EQUAL(ctr(a, "rx:oversize"), 1);
	json_object_put(a);
}

/* A burst far beyond the socket buffer: what does not fit waits in the
 * bounded queue (beyond it: dropped and counted); every message handed to
 * the stack arrives, in order. */
static void test_send_queue(void)
{
	struct json_object *a = parent_assoc_json();
	int64_t tx0 = ctr(a, "tx:msgs"), q0 = ctr(a, "tx:queued"), d0 = ctr(a, "tx:queue_drops");
	int64_t tx, d;
	uint32_t last = 0;
	bool order = true;
	const unsigned int n = 3000;

	json_object_put(a);
	P.nrx = 0;
	for (unsigned int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(psend(3, 3, make_msg(3, i, 1000)), 0);
	/* until everything left the queue */
	CU_ASSERT_TRUE(WAIT_FOR(({
		a = parent_assoc_json();
		tx = ctr(a, "tx:msgs") - tx0;
		d = ctr(a, "tx:queue_drops") - d0;
		json_object_put(a);
		tx + d == n; }), WAIT_MS));
	a = parent_assoc_json();
	CU_ASSERT_TRUE(ctr(a, "tx:queued") > q0);	/* the queue was used */
	json_object_put(a);
	sent_msgs -= d;
	CU_ASSERT_TRUE(WAIT_FOR(P.nrx >= tx, WAIT_MS));
	CU_ASSERT_EQUAL(P.nrx, tx);
	for (unsigned int i = 0; i < P.nrx; i++) {
		if (!P.rx[i].ok || (i && P.rx[i].seq <= last))
			order = false;
		last = P.rx[i].seq;
	}
	CU_ASSERT_TRUE(order);
	/* drops are the newest messages: the first ones all arrived */
	CU_ASSERT_EQUAL(P.rx[0].seq, 0);
}

/* A stream beyond the negotiated outbound count is an error, not a crash;
 * the message is freed (LSan checks). */
static void test_stream_out_of_range(void)
{
	CU_ASSERT_EQUAL(sg_sctp_send(P.s, P.id, STREAMS, 3, make_msg(0, 0, 8)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sctp_send(P.s, P.id, 0xffff, 3, make_msg(0, 0, 8)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sctp_send(P.s, 0xfffffff0, 0, 3, make_msg(0, 0, 8)), -ENOENT);
	CU_ASSERT_EQUAL(sg_sctp_close(P.s, 0xfffffff0), -ENOENT);
	CU_ASSERT_EQUAL(sg_sctp_abort(P.s, 0xfffffff0), -ENOENT);
}

/* The management view: association and endpoint, with counters. */
static void test_json(void)
{
	struct json_object *all = sg_sctp_json(P.s), *assocs, *a, *eps, *ep, *cj;
	/* streams test, 1000 test, PPID test (one each way); the peer sent 100 + 1 */
	uint64_t txm = 50 * STREAMS + 1000 + 1, rxm = 50 * STREAMS + 1000 + 1 + 100 + 1;

	CU_ASSERT_EQUAL(sent_msgs, txm);
	char buf[64];

	CU_ASSERT_STRING_EQUAL(jstr(all, "transport"),
			       get_value_string(sg_sctp_transport_names, T));
	if (T == SG_SCTP_USRSCTP && M == SG_SCTP_USRSCTP_UDP)
		CU_ASSERT_EQUAL(jint(all, "udp_port"), udp_parent);
	CU_ASSERT_FATAL(json_object_object_get_ex(all, "assocs", &assocs));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(assocs), 1);
	a = json_object_array_get_idx(assocs, 0);
	CU_ASSERT_EQUAL(jint(a, "id"), P.id);
	CU_ASSERT_STRING_EQUAL(jstr(a, "state"), "established");
	CU_ASSERT_STRING_EQUAL(jstr(a, "transport"), get_value_string(sg_sctp_transport_names, T));
	CU_ASSERT_STRING_EQUAL(jstr(a, "endpoint"), "to-child");
	CU_ASSERT_STRING_EQUAL(jstr(a, "role"), "client");
	CU_ASSERT_EQUAL(jint(a, "peer_port"), sctp_port);
	CU_ASSERT_TRUE(jint(a, "local_port") > 0);
	snprintf(buf, sizeof(buf), "127.0.0.1:%u", sctp_port);
	CU_ASSERT_STRING_EQUAL(jstr(a, "primary"), buf);
	CU_ASSERT_EQUAL(jint(a, "out_streams"), STREAMS);
	CU_ASSERT_EQUAL(jint(a, "in_streams"), 16);
	CU_ASSERT_EQUAL(ctr(a, "tx:msgs"), txm);
	CU_ASSERT_EQUAL(ctr(a, "rx:msgs"), rxm);
	CU_ASSERT_EQUAL(ctr(a, "tx:queue_drops"), 0);
	CU_ASSERT_EQUAL(ctr(a, "tx:bytes"), sent_bytes);
	/* every message came back: the echoes carry the same octets */
	CU_ASSERT_TRUE(ctr(a, "rx:bytes") > (int64_t)sent_bytes);
	CU_ASSERT_EQUAL(ctr(a, "restarts"), 0);
	/* the same object alone */
	cj = sg_sctp_assoc_json(P.s, P.id);
	CU_ASSERT_PTR_NOT_NULL(cj);
	CU_ASSERT_EQUAL(jint(cj, "id"), P.id);
	json_object_put(cj);
	CU_ASSERT_PTR_NULL(sg_sctp_assoc_json(P.s, 0xfffffff0));

	CU_ASSERT_FATAL(json_object_object_get_ex(all, "endpoints", &eps));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(eps), 1);
	ep = json_object_array_get_idx(eps, 0);
	CU_ASSERT_STRING_EQUAL(jstr(ep, "type"), "connect");
	CU_ASSERT_STRING_EQUAL(jstr(ep, "state"), "active");
	CU_ASSERT_EQUAL(ctr(ep, "connects"), 1);
	json_object_put(all);

	/* the server side, in the child */
	all = child_json();
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT_FATAL(json_object_object_get_ex(all, "endpoints", &eps));
	ep = json_object_array_get_idx(eps, 0);
	CU_ASSERT_STRING_EQUAL(jstr(ep, "type"), "listen");
	CU_ASSERT_STRING_EQUAL(jstr(ep, "state"), "listening");
	CU_ASSERT_EQUAL(ctr(ep, "assoc_accepted"), 1);
	CU_ASSERT_EQUAL(ctr(ep, "assoc_refused"), 0);
	CU_ASSERT_FATAL(json_object_object_get_ex(all, "assocs", &assocs));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(assocs), 1);
	a = json_object_array_get_idx(assocs, 0);
	CU_ASSERT_STRING_EQUAL(jstr(a, "role"), "server");
	CU_ASSERT_EQUAL(jint(a, "local_port"), sctp_port);
	CU_ASSERT_EQUAL(ctr(a, "rx:msgs"), txm);
	CU_ASSERT_EQUAL(ctr(a, "tx:msgs"), rxm);
	json_object_put(all);
}

/* One end of the association ends it with end(): it goes down here as why and at the peer
 * as peer_why, and the connector brings a new association up. */
static void end_and_reconnect(int (*end)(void), enum sg_sctp_down_reason why,
			      const char *peer_why)
{
	unsigned int ups = P.ups, c_ups = P.c_ups, downs = P.downs, c_downs = P.c_downs;

	CU_ASSERT_EQUAL(end(), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.downs == downs + 1 && P.c_downs == c_downs + 1, WAIT_MS));
	CU_ASSERT_EQUAL(P.last_down, why);
	CU_ASSERT_STRING_EQUAL(P.c_last_down, peer_why);
	CU_ASSERT_TRUE(WAIT_FOR(P.ups == ups + 1 && P.c_ups == c_ups + 1 && P.id, WAIT_MS));
}

static int peer_close(void)
{
	return child_cmd("close");
}

static int peer_abort(void)
{
	return child_cmd("abort");
}

static int local_close(void)
{
	return sg_sctp_close(P.s, P.id);
}

static int local_abort(void)
{
	return sg_sctp_abort(P.s, P.id);
}

/* The peer shuts down gracefully (RFC 4960 §9.2): down(peer-shutdown) here,
 * down(closed) there; the connector reconnects. */
static void test_peer_close(void)
{
	uint32_t old = P.id;

	end_and_reconnect(peer_close, SG_SCTP_DOWN_SHUTDOWN, "closed");
	CU_ASSERT_NOT_EQUAL(P.id, old);
}

/* We shut down gracefully: down(closed) here, down(peer-shutdown) there. */
static void test_local_close(void)
{
	end_and_reconnect(local_close, SG_SCTP_DOWN_CLOSED, "peer-shutdown");
}

/* The peer aborts (RFC 4960 §9.1): down(peer-abort) here, down(aborted) there. */
static void test_peer_abort(void)
{
	end_and_reconnect(peer_abort, SG_SCTP_DOWN_PEER_ABORT, "aborted");
}

/* We abort: down(aborted) here, down(peer-abort) there. */
static void test_local_abort(void)
{
	end_and_reconnect(local_abort, SG_SCTP_DOWN_ABORTED, "peer-abort");
}

/* A peer the server does not accept is aborted and counted in assoc_refused;
 * the client keeps trying and gets in once the refusal is lifted. */
static void test_refused_then_accepted(void)
{
	struct json_object *all, *eps, *assocs;
	unsigned int c_ups, refused0 = P.c_refused;
	int64_t accepted0, refused;

	all = child_json();
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	json_object_object_get_ex(all, "endpoints", &eps);
	accepted0 = ctr(json_object_array_get_idx(eps, 0), "assoc_accepted");
	json_object_put(all);

	CU_ASSERT_EQUAL(child_cmd("refuse 1"), 0);
	c_ups = P.c_ups;
	CU_ASSERT_EQUAL(sg_sctp_abort(P.s, P.id), 0);
	/* at least two refusals: the client came back after being refused */
	CU_ASSERT_TRUE(WAIT_FOR(P.c_refused >= refused0 + 2, WAIT_MS));
	CU_ASSERT_EQUAL(P.c_ups, c_ups);	/* never up on the server side */
	all = child_json();
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	json_object_object_get_ex(all, "endpoints", &eps);
	refused = ctr(json_object_array_get_idx(eps, 0), "assoc_refused");
	CU_ASSERT_TRUE(refused >= 2);
	CU_ASSERT_EQUAL(ctr(json_object_array_get_idx(eps, 0), "assoc_accepted"), accepted0);
	json_object_put(all);

	CU_ASSERT_EQUAL(child_cmd("refuse 0"), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.c_ups == c_ups + 1 && P.id, WAIT_MS));
	/* and it stays up: a round trip */
	P.nrx = 0;
	CU_ASSERT_EQUAL(sg_sctp_send(P.s, P.id, 2, 3, make_msg(2, 0, 64)), 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.nrx == 1, WAIT_MS));
	CU_ASSERT_TRUE(P.rx[0].ok);
	all = child_json();
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	json_object_object_get_ex(all, "endpoints", &eps);
	CU_ASSERT_EQUAL(ctr(json_object_array_get_idx(eps, 0), "assoc_accepted"), accepted0 + 1);
	/* one count per refusal the child's accept() made */
	CU_ASSERT_EQUAL(ctr(json_object_array_get_idx(eps, 0), "assoc_refused"), P.c_refused);
	json_object_object_get_ex(all, "assocs", &assocs);
	CU_ASSERT_EQUAL(json_object_array_length(assocs), 1);
	json_object_put(all);
}

/* Stopping the connector aborts its association and ends the retries. */
static void test_conn_stop(void)
{
	unsigned int ups = P.ups, downs = P.downs, c_downs = P.c_downs;
	struct json_object *eps, *ep;

	CU_ASSERT_EQUAL(sg_sctp_conn_stop(P.s, P.conn), 0);
	CU_ASSERT_EQUAL(sg_sctp_conn_stop(P.s, 99999), -ENOENT);
	CU_ASSERT_TRUE(WAIT_FOR(P.downs == downs + 1 && P.c_downs == c_downs + 1, WAIT_MS));
	CU_ASSERT_EQUAL(P.last_down, SG_SCTP_DOWN_ABORTED);
	/* three reconnect delays later: still down */
	WAIT_FOR(false, 300);
	CU_ASSERT_EQUAL(P.ups, ups);
	CU_ASSERT_EQUAL(P.id, 0);
	eps = sg_sctp_endpoints_json(P.s);
	ep = json_object_array_get_idx(eps, 0);
	CU_ASSERT_STRING_EQUAL(jstr(ep, "state"), "stopped");
	json_object_put(eps);
}

/* sgd's arrangement: io on the sctp thread, callbacks on a core thread whose
 * mailbox (8 entries) overflows all the time; the io side keeps the events
 * that do not fit and retries, so none is lost and order holds.  The core holds
 * the first message until the io side has paused reading (receive backpressure:
 * more messages read than handed over), then takes them all: reading resumes,
 * nothing is dropped. */
static struct {
	struct sg_thread *core;
	struct sg_sctp *s;
	struct done done;
	uint32_t id;		/* atomics: written on core, read here */
	unsigned int nrx, bad, downs;
	uint32_t next_seq;
	int64_t owner_drops, pauses, resumes;
	bool saw_paused;
} C;

static bool c2_paused(void)
{
	struct json_object *j = sg_sctp_json(C.s), *v;
	bool on = json_object_object_get_ex(j, "rx_paused", &v) && json_object_get_boolean(v);

	json_object_put(j);
	return on;
}

static void c2_up(void *priv, uint32_t id, const struct sg_sctp_assoc_info *info)
{
	CU_ASSERT_TRUE(sg_thread_is_self(C.core));
	__atomic_store_n(&C.id, id, __ATOMIC_RELEASE);
}

static void c2_data(void *priv, uint32_t id, uint16_t stream, uint32_t ppid, struct msgb *msg)
{
	uint16_t st;
	uint32_t seq;

	if (!sg_thread_is_self(C.core) || !parse_msg(msg, &st, &seq) || seq != C.next_seq)
		__atomic_add_fetch(&C.bad, 1, __ATOMIC_RELAXED);
	if (C.nrx == 0) {
		/* a slow core (blocked, not running its loop): the io side must stop reading */
		uint64_t end = test_now_ms() + test_bound_ms(WAIT_MS);

		while (!(C.saw_paused = c2_paused()) && test_now_ms() < end)
			usleep(1000);
	}
	C.next_seq = seq + 1;
	msgb_free(msg);
	__atomic_add_fetch(&C.nrx, 1, __ATOMIC_RELEASE);
}

static void c2_down(void *priv, uint32_t id, enum sg_sctp_down_reason why)
{
	__atomic_add_fetch(&C.downs, 1, __ATOMIC_RELAXED);
}

static const struct sg_sctp_ops c2_ops = { .up = c2_up, .data = c2_data, .down = c2_down };

static void c2_start(void *arg)
{
	struct sg_sctp_cfg cfg = {
		.transport = T, .udp_port = udp_parent, .usrsctp_mode = M,
	};
	struct sg_sctp_conn_cfg cc = conn_cfg();

	cc.name = "threaded";
	cc.ops = &c2_ops;
	/* a second instance shares the process's usrsctp (same UDP port) */
	C.s = sg_sctp_alloc(NULL, &cfg, P.io, C.core);
	if (C.s && sg_sctp_connect(C.s, &cc) <= 0) {
		sg_sctp_free(C.s);
		C.s = NULL;
	}
	done_signal(&C.done);
}

static void c2_stop(void *arg)
{
	struct json_object *j = sg_sctp_json(C.s), *v;

	if (json_object_object_get_ex(j, "rx_owner_drops", &v))
		C.owner_drops = json_object_get_int64(v);
	if (json_object_object_get_ex(j, "rx_pauses", &v))
		C.pauses = json_object_get_int64(v);
	if (json_object_object_get_ex(j, "rx_resumes", &v))
		C.resumes = json_object_get_int64(v);
	json_object_put(j);
	sg_sctp_free(C.s);
	C.s = NULL;
	done_signal(&C.done);
}

static void test_threads_owner_mailbox_full(void)
{
	unsigned int c_downs;
	const unsigned int n = 2000;
	char cmd[64];

	done_init(&C.done);
	C.core = sg_thread_alloc(NULL, "core", SG_THREAD_CORE, 8);
	CU_ASSERT_EQUAL_FATAL(sg_thread_start(C.core), 0);
	CU_ASSERT_EQUAL_FATAL(sg_thread_call(C.core, c2_start, NULL), 0);
	CU_ASSERT_TRUE_FATAL(done_wait(&C.done, 1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(C.s);
	CU_ASSERT_TRUE_FATAL(WAIT_FOR(__atomic_load_n(&C.id, __ATOMIC_ACQUIRE) &&
				      P.c_ups && P.c_out_streams, WAIT_MS));
	/* the child sends to its newest association: this one */
	snprintf(cmd, sizeof(cmd), "send %u 2 3", n);
	CU_ASSERT_EQUAL(child_cmd(cmd), 0);
	CU_ASSERT_TRUE(WAIT_FOR(__atomic_load_n(&C.nrx, __ATOMIC_ACQUIRE) >= n, WAIT_MS));
	CU_ASSERT_EQUAL(__atomic_load_n(&C.nrx, __ATOMIC_ACQUIRE), n);
	CU_ASSERT_EQUAL(__atomic_load_n(&C.bad, __ATOMIC_ACQUIRE), 0);
	c_downs = P.c_downs;
	CU_ASSERT_EQUAL_FATAL(sg_thread_call(C.core, c2_stop, NULL), 0);
	CU_ASSERT_TRUE(done_wait(&C.done, 2));
	CU_ASSERT_EQUAL(C.owner_drops, 0);
	CU_ASSERT_TRUE(C.saw_paused);
	CU_ASSERT_TRUE(C.pauses >= 1);
	CU_ASSERT_EQUAL(C.resumes, C.pauses);
	/* freeing closed it gracefully, without callbacks */
	CU_ASSERT_TRUE(WAIT_FOR(P.c_downs == c_downs + 1, WAIT_MS));
	CU_ASSERT_STRING_EQUAL(P.c_last_down, "peer-shutdown");
	CU_ASSERT_EQUAL(__atomic_load_n(&C.downs, __ATOMIC_ACQUIRE), 0);
	sg_thread_free(C.core);
	C.core = NULL;
}

/* sgd stops the sctp thread before the core thread: an instance freed after
 * its io thread stopped closes its sockets from the owner, gracefully. */
static void test_free_after_io_stopped(void)
{
	struct sg_sctp_cfg cfg = {
		.transport = T, .udp_port = udp_parent, .usrsctp_mode = M,
	};
	struct sg_sctp_conn_cfg cc = conn_cfg();
	struct sg_thread *io2 = sg_thread_alloc(NULL, "sctp2", SG_THREAD_SCTP, 0);
	unsigned int ups = P.ups, c_ups = P.c_ups, c_downs;
	struct sg_sctp *s;

	CU_ASSERT_EQUAL_FATAL(sg_thread_start(io2), 0);
	s = sg_sctp_alloc(NULL, &cfg, io2, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	cc.name = "io-stops";
	CU_ASSERT_TRUE(sg_sctp_connect(s, &cc) > 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.ups == ups + 1 && P.c_ups == c_ups + 1, WAIT_MS));
	c_downs = P.c_downs;
	sg_thread_stop(io2);
	sg_sctp_free(s);
	CU_ASSERT_TRUE(WAIT_FOR(P.c_downs == c_downs + 1, WAIT_MS));
	CU_ASSERT_STRING_EQUAL(P.c_last_down, "peer-shutdown");
	sg_thread_free(io2);
	P.id = 0;
}

/* A fresh connector, then free the instance with the association up: the
 * peer sees it shut down, and nothing leaks (LSan); the child exits 0. */
static void test_free(void)
{
	struct sg_sctp_conn_cfg cc = conn_cfg();
	unsigned int c_downs, c_ups = P.c_ups;
	int status = -1;

	cc.name = "second";
	CU_ASSERT_TRUE(sg_sctp_connect(P.s, &cc) > 0);
	CU_ASSERT_TRUE(WAIT_FOR(P.id && P.c_ups == c_ups + 1, WAIT_MS));
	/* some traffic in flight while freeing */
	for (unsigned int i = 0; i < 20; i++)
		sg_sctp_send(P.s, P.id, 0, 3, make_msg(0, i, 100));
	c_downs = P.c_downs;
	sg_sctp_free(P.s);
	P.s = NULL;
	CU_ASSERT_TRUE(WAIT_FOR(P.c_downs == c_downs + 1, WAIT_MS));
	if (strcmp(P.c_last_down, "peer-shutdown"))
		fprintf(stderr, "child saw: %s\n", P.c_last_down);
	CU_ASSERT_STRING_EQUAL(P.c_last_down, "peer-shutdown");

	if (send(ctrl_fd, "quit", 4, 0) < 0)
		perror("quit");
	CU_ASSERT_EQUAL(waitpid(child_pid, &status, 0), child_pid);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	child_pid = 0;
}

static int suite_init(void)
{
	int sv[2];
	unsigned int base = 20000 + (getpid() % 13000) * 3;
	const char *tr = getenv("TEST_SCTP_TRANSPORT");

	if (tr && !strcmp(tr, "kernel"))
		T = SG_SCTP_KERNEL;
	tr = getenv("TEST_SCTP_USRSCTP_MODE");
	if (tr && !strcmp(tr, "raw"))
		M = SG_SCTP_USRSCTP_RAW;

	udp_parent = base;
	udp_child = base + 1;
	sctp_port = base + 2;
	/* fork before usrsctp starts threads */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	child_pid = fork();
	if (child_pid < 0)
		return -1;
	if (child_pid == 0) {
		close(sv[0]);
		ctrl_fd = sv[1];
		exit(child_main());
	}
	close(sv[1]);
	ctrl_fd = sv[0];
	if (cu_log_init(DSCTP, "TEST_SCTP_DEBUG", LOGL_ERROR) < 0 || sg_loop_init() < 0)
		return -1;
	osmo_fd_setup(&P.ctrl, ctrl_fd, OSMO_FD_READ, parent_ctrl_cb, NULL, 0);
	return osmo_fd_register(&P.ctrl) < 0 ? -1 : 0;
}

static int suite_clean(void)
{
	if (P.s)
		sg_sctp_free(P.s);
	if (child_pid > 0) {
		kill(child_pid, SIGKILL);
		waitpid(child_pid, NULL, 0);
	}
	if (P.io)
		sg_thread_free(P.io);
	if (osmo_fd_is_registered(&P.ctrl))
		osmo_fd_unregister(&P.ctrl);
	close(ctrl_fd);
	free(P.c_json);
	sg_log_fini();
	return 0;
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "transport auto selection (injectable probe)", test_transport_select },
		{ "address helpers and allow-list", test_addr_helpers },
		{ "association up, negotiated streams", test_assoc_up },
		{ "usrsctp: one UDP port per process; bad endpoints",
		  test_one_udp_port_per_process },
		{ "data both ways: order per stream, PPID", test_streams_order_ppid },
		{ "peer-originated data", test_peer_sends },
		{ "1000 messages, no loss", test_1000_no_loss },
		{ "PPID: full 32-bit range", test_ppid_range },
		{ "stream >= outbound streams: -EINVAL", test_stream_out_of_range },
		{ "JSON: association and endpoint counters", test_json },
		{ "rx_max: partial delivery, oversize dropped", test_rx_max },
		{ "send queue: bounded, order kept", test_send_queue },
		{ "peer SHUTDOWN seen as down, reconnect", test_peer_close },
		{ "local SHUTDOWN seen as down by the peer", test_local_close },
		{ "peer ABORT seen as down, reconnect", test_peer_abort },
		{ "local ABORT seen as down by the peer", test_local_abort },
		{ "refused peer counted, reconnects once allowed", test_refused_then_accepted },
		{ "connector stop", test_conn_stop },
		{ "io and owner threads, owner mailbox overflowing",
		  test_threads_owner_mailbox_full },
		{ "free after the io thread stopped", test_free_after_io_stopped },
		{ "free with an association up", test_free },
		{ NULL, NULL }
	};

	return cu_run_suite("sctp", tests, suite_init, suite_clean);
}
