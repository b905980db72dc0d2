/* The SCTP transport (include/sg/sctp.h) on its kernel backend (lksctp, RFC 6458 one-to-one
 * sockets): association set-up with multi-homing and stream negotiation (RFC 4960 §5.1,
 * §6.4), ordered delivery per stream with PPIDs (§6.5, §6.6), large messages, SHUTDOWN and
 * ABORT seen from both ends (§9.1, §9.2), refusal and reconnection.
 *
 * It needs a kernel with SCTP, so tests/uml/kernel_sctp.sh runs it inside user-mode Linux
 * (the build machines have none); elsewhere it exits 77.  Server and client are two endpoints
 * of one instance in this process, on the guest's loopback (fixed port: the guest has a
 * network of its own). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <osmocom/core/msgb.h>

#include <sg/log.h>
#include <sg/msg.h>
#include <sg/sctp.h>
#include <sg/thread.h>
#include "cu_main.h"
#include "cu_log.h"

#define PORT	   3905
#define WAIT_MS	   5000
#define NMSG	   300
#define BIG	   60000
#define CLIENT_OUT 8 /* the client asks for 8 outbound streams, accepts 16 inbound */
#define CLIENT_IN  16
#define SERVER_OUT 12 /* the server offers 12 outbound, accepts 6 inbound */
#define SERVER_IN  6

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Run the loop until expr holds or ms passed; the value of expr. */
#define WAIT_FOR(expr, ms)                                                                         \
	({                                                                                         \
		uint64_t _end = now_ms() + (ms);                                                   \
		while (!(expr) && now_ms() < _end)                                                 \
			sg_loop_once(10);                                                          \
		(expr);                                                                            \
	})

/* One end of the association, as its callbacks see it. */
struct side {
	const char *name;
	uint32_t id; /* the association, 0 none */
	unsigned int ups, downs, accepts;
	enum sg_sctp_down_reason last_down;
	struct sg_sctp_assoc_info info;
	bool refuse; /* server: refuse peers in accept() */
	/* received data */
	unsigned int nrx, bad;
	uint32_t next_seq[64]; /* per stream: the next sequence number expected */
	unsigned int order_errors;
	uint32_t last_ppid;
	unsigned int last_len;
};

static struct sg_thread *io;
static struct sg_sctp *s;
static int ep_id, conn_id;
static struct side S = {.name = "server"}, C = {.name = "client"};

/* Payload: stream (2), sequence (4), length (4), then (seq + i) & 0xff. */
static struct msgb *make_msg(uint16_t stream, uint32_t seq, unsigned int len)
{
	struct msgb *msg = sg_msgb_alloc(SG_MSGB_HEADROOM + len, "test");
	uint8_t *p;

	OSMO_ASSERT(msg && len >= 10);
	msgb_reserve(msg, SG_MSGB_HEADROOM);
	p = msgb_put(msg, len);
	p[0] = stream >> 8;
	p[1] = stream;
	p[2] = seq >> 24;
	p[3] = seq >> 16;
	p[4] = seq >> 8;
	p[5] = seq;
	p[6] = len >> 24;
	p[7] = len >> 16;
	p[8] = len >> 8;
	p[9] = len;
	for (unsigned int i = 10; i < len; i++)
		p[i] = (seq + i) & 0xff;
	return msg;
}

static bool check_msg(const uint8_t *p, unsigned int len, uint16_t stream, uint32_t *seq)
{
	if (len < 10 || ((p[0] << 8) | p[1]) != stream)
		return false;
	if (((uint32_t)p[6] << 24 | p[7] << 16 | p[8] << 8 | p[9]) != len)
		return false;
	*seq = (uint32_t)p[2] << 24 | p[3] << 16 | p[4] << 8 | p[5];
	for (unsigned int i = 10; i < len; i++)
		if (p[i] != ((*seq + i) & 0xff))
			return false;
	return true;
}

static bool cb_accept(void *priv, uint32_t assoc_id, const struct sockaddr_storage *peers,
		      unsigned int npeers)
{
	struct side *x = priv;

	x->accepts++;
	return !x->refuse;
}

static void cb_up(void *priv, uint32_t assoc_id, const struct sg_sctp_assoc_info *info)
{
	struct side *x = priv;

	x->id = assoc_id;
	x->ups++;
	x->info = *info;
	memset(x->next_seq, 0, sizeof(x->next_seq));
}

static void cb_data(void *priv, uint32_t assoc_id, uint16_t stream, uint32_t ppid, struct msgb *msg)
{
	struct side *x = priv;
	uint32_t seq;

	x->nrx++;
	x->last_ppid = ppid;
	x->last_len = msgb_length(msg);
	if (assoc_id != x->id || stream >= 64 ||
	    !check_msg(msgb_data(msg), msgb_length(msg), stream, &seq)) {
		x->bad++;
	} else {
		if (seq != x->next_seq[stream])
			x->order_errors++;
		x->next_seq[stream] = seq + 1;
	}
	msgb_free(msg);
}

static void cb_down(void *priv, uint32_t assoc_id, enum sg_sctp_down_reason why)
{
	struct side *x = priv;

	if (assoc_id == x->id)
		x->id = 0;
	x->downs++;
	x->last_down = why;
}

static const struct sg_sctp_ops ops = {
	.accept = cb_accept,
	.up = cb_up,
	.data = cb_data,
	.down = cb_down,
};

static bool addr_is(const struct sockaddr_storage *ss, const char *ip)
{
	const struct sockaddr_in *sin = (const void *)ss;
	struct in_addr a;

	return ss->ss_family == AF_INET && inet_pton(AF_INET, ip, &a) == 1 &&
	       sin->sin_addr.s_addr == a.s_addr;
}

static bool has_addr(const struct sockaddr_storage *list, unsigned int n, const char *ip)
{
	for (unsigned int i = 0; i < n; i++)
		if (addr_is(&list[i], ip))
			return true;
	return false;
}

/* The sum of a counter over the endpoints of sg_sctp_json() (counters: [{name, value}]). */
static uint64_t ep_counter(struct json_object *j, const char *name)
{
	struct json_object *eps, *ctrs, *n, *v;
	uint64_t sum = 0;

	if (!json_object_object_get_ex(j, "endpoints", &eps))
		return 0;
	for (size_t i = 0; i < json_object_array_length(eps); i++) {
		if (!json_object_object_get_ex(json_object_array_get_idx(eps, i), "counters",
					       &ctrs))
			continue;
		for (size_t k = 0; k < json_object_array_length(ctrs); k++) {
			struct json_object *c = json_object_array_get_idx(ctrs, k);

			if (json_object_object_get_ex(c, "name", &n) &&
			    !strcmp(json_object_get_string(n), name) &&
			    json_object_object_get_ex(c, "value", &v))
				sum += json_object_get_uint64(v);
		}
	}
	return sum;
}

/* `auto` and `kernel` both give the kernel backend where the kernel has SCTP. */
static void test_kernel_selected(void)
{
	struct sg_sctp_cfg cfg = {.transport = SG_SCTP_AUTO};
	struct sg_sctp *a;

	CU_ASSERT_TRUE(sg_sctp_kernel_probe());
	CU_ASSERT_EQUAL(sg_sctp_transport_select(SG_SCTP_AUTO, NULL), SG_SCTP_KERNEL);
	a = sg_sctp_alloc(NULL, &cfg, io, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(sg_sctp_transport(a), SG_SCTP_KERNEL);
	sg_sctp_free(a);
	CU_ASSERT_EQUAL(sg_sctp_transport(s), SG_SCTP_KERNEL);
}

/* RFC 4960 §5.1, §6.4: the association comes up on both ends; each end's outbound streams
 * are the minimum of its request and the other's inbound limit; the client's two bound
 * addresses are both the server's peer addresses (multi-homing, sctp_bindx). */
static void test_assoc_up(void)
{
	struct sg_sctp_ep_cfg ep = {
		.name = "server",
		.naddrs = 1,
		.port = PORT,
		.params = {.out_streams = SERVER_OUT, .in_streams = SERVER_IN},
		.ops = &ops,
		.priv = &S,
	};
	struct sg_sctp_conn_cfg cc = {
		.name = "client",
		.nlocal = 2,
		.nremote = 1,
		.remote_port = PORT,
		.reconnect_ms = 100,
		.params = {.out_streams = CLIENT_OUT,
			   .in_streams = CLIENT_IN,
			   .rto_initial_ms = 100,
			   .rto_min_ms = 50,
			   .rto_max_ms = 500},
		.ops = &ops,
		.priv = &C,
	};
	char b1[64], b2[64];

	sg_sctp_addr_parse(&ep.addrs[0], "127.0.0.1", 0);
	sg_sctp_addr_parse(&cc.local[0], "127.0.0.2", 0);
	sg_sctp_addr_parse(&cc.local[1], "127.0.0.3", 0);
	sg_sctp_addr_parse(&cc.remote[0], "127.0.0.1", 0);
	ep_id = sg_sctp_listen(s, &ep);
	CU_ASSERT_TRUE_FATAL(ep_id > 0);
	conn_id = sg_sctp_connect(s, &cc);
	CU_ASSERT_TRUE_FATAL(conn_id > 0);
	CU_ASSERT_TRUE_FATAL(WAIT_FOR(S.id && C.id, WAIT_MS));
	CU_ASSERT_EQUAL(S.ups, 1);
	CU_ASSERT_EQUAL(C.ups, 1);
	CU_ASSERT_EQUAL(S.accepts, 1);
	CU_ASSERT_NOT_EQUAL(S.id, C.id);
	CU_ASSERT_EQUAL(C.info.transport, SG_SCTP_KERNEL);
	CU_ASSERT_EQUAL(C.info.out_streams, SERVER_IN); /* min(8, 6) */
	CU_ASSERT_EQUAL(C.info.in_streams, SERVER_OUT); /* min(16, 12) */
	CU_ASSERT_EQUAL(S.info.out_streams, SERVER_OUT);
	CU_ASSERT_EQUAL(S.info.in_streams, SERVER_IN);
	/* multi-homing: the server sees both client addresses, the client one server address */
	CU_ASSERT_EQUAL(S.info.npeer, 2);
	CU_ASSERT_TRUE(has_addr(S.info.peer, S.info.npeer, "127.0.0.2"));
	CU_ASSERT_TRUE(has_addr(S.info.peer, S.info.npeer, "127.0.0.3"));
	CU_ASSERT_EQUAL(C.info.npeer, 1);
	CU_ASSERT_TRUE(has_addr(C.info.peer, C.info.npeer, "127.0.0.1"));
	CU_ASSERT_EQUAL(C.info.nlocal, 2);
	CU_ASSERT_TRUE(has_addr(C.info.local, C.info.nlocal, "127.0.0.2"));
	CU_ASSERT_TRUE(has_addr(C.info.local, C.info.nlocal, "127.0.0.3"));
	printf("\n  client %s -> server %s, streams out %u in %u ",
	       sg_sctp_addr_str(&C.info.local[0], b1, sizeof(b1)),
	       sg_sctp_addr_str(&C.info.primary, b2, sizeof(b2)), C.info.out_streams,
	       C.info.in_streams);
}

/* RFC 4960 §6.5, §6.6: messages of each stream arrive in order, with their PPID, both ways,
 * on every negotiated stream. */
static void test_data_both_ways(void)
{
	unsigned int c0 = C.nrx, s0 = S.nrx;
	uint32_t seq_c[SERVER_IN] = {}, seq_s[SERVER_OUT] = {};

	CU_ASSERT_TRUE_FATAL(S.id && C.id);
	for (unsigned int i = 0; i < NMSG; i++) {
		uint16_t sc = i % SERVER_IN, ss = i % SERVER_OUT;

		CU_ASSERT_EQUAL(sg_sctp_send(s, C.id, sc, 3, make_msg(sc, seq_c[sc]++, 20 + i)), 0);
		CU_ASSERT_EQUAL(sg_sctp_send(s, S.id, ss, 3, make_msg(ss, seq_s[ss]++, 310 - i)),
				0);
	}
	CU_ASSERT_TRUE(WAIT_FOR(S.nrx - s0 == NMSG && C.nrx - c0 == NMSG, WAIT_MS));
	CU_ASSERT_EQUAL(S.nrx - s0, NMSG);
	CU_ASSERT_EQUAL(C.nrx - c0, NMSG);
	CU_ASSERT_EQUAL(S.bad, 0);
	CU_ASSERT_EQUAL(C.bad, 0);
	CU_ASSERT_EQUAL(S.order_errors, 0);
	CU_ASSERT_EQUAL(C.order_errors, 0);
	CU_ASSERT_EQUAL(S.last_ppid, 3);
	for (unsigned int i = 0; i < SERVER_IN; i++)
		CU_ASSERT_EQUAL(S.next_seq[i], seq_c[i]);
	for (unsigned int i = 0; i < SERVER_OUT; i++)
		CU_ASSERT_EQUAL(C.next_seq[i], seq_s[i]);
}

/* A message larger than the path MTU (fragmented by SCTP, possibly read in parts from the
 * socket) is delivered whole, once; the PPID is carried as given (host order in the API). */
static void test_large_message(void)
{
	unsigned int s0 = S.nrx, c0 = C.nrx;

	CU_ASSERT_TRUE_FATAL(S.id && C.id);
	CU_ASSERT_EQUAL(sg_sctp_send(s, C.id, 1, 0x01020304, make_msg(1, S.next_seq[1], BIG)), 0);
	CU_ASSERT_EQUAL(sg_sctp_send(s, S.id, 11, 4, make_msg(11, C.next_seq[11], BIG)), 0);
	CU_ASSERT_TRUE(WAIT_FOR(S.nrx > s0 && C.nrx > c0, WAIT_MS));
	CU_ASSERT_EQUAL(S.nrx - s0, 1);
	CU_ASSERT_EQUAL(C.nrx - c0, 1);
	CU_ASSERT_EQUAL(S.last_len, BIG);
	CU_ASSERT_EQUAL(C.last_len, BIG);
	CU_ASSERT_EQUAL(S.last_ppid, 0x01020304);
	CU_ASSERT_EQUAL(C.last_ppid, 4);
	CU_ASSERT_EQUAL(S.bad + C.bad, 0);
}

/* Streams beyond the negotiated outbound count, unknown associations: errors, no send. */
static void test_bad_sends(void)
{
	CU_ASSERT_TRUE_FATAL(S.id && C.id);
	CU_ASSERT_EQUAL(sg_sctp_send(s, C.id, SERVER_IN, 3, make_msg(0, 0, 10)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sctp_send(s, S.id, SERVER_OUT, 3, make_msg(0, 0, 10)), -EINVAL);
	CU_ASSERT_EQUAL(sg_sctp_send(s, 0x7ffffff0, 0, 3, make_msg(0, 0, 10)), -ENOENT);
}

/* The management view names the kernel transport and counts what went through. */
static void test_json(void)
{
	struct json_object *j = sg_sctp_json(s), *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_TRUE(json_object_object_get_ex(j, "transport", &t) &&
		       !strcmp(json_object_get_string(t), "kernel"));
	CU_ASSERT_TRUE(json_object_object_get_ex(j, "assocs", &t) &&
		       json_object_array_length(t) == 2);
	CU_ASSERT_TRUE(json_object_object_get_ex(j, "endpoints", &t) &&
		       json_object_array_length(t) == 2);
	json_object_put(j);
}

/* The server ends its association with end(), which it sees as server_why and the connector
 * as client_why; the connector reconnects. */
static void end_and_reconnect(int (*end)(struct sg_sctp *, uint32_t),
			      enum sg_sctp_down_reason server_why,
			      enum sg_sctp_down_reason client_why)
{
	unsigned int sd = S.downs, cd = C.downs, cu = C.ups;

	CU_ASSERT_TRUE_FATAL(S.id && C.id);
	CU_ASSERT_EQUAL(end(s, S.id), 0);
	CU_ASSERT_TRUE(WAIT_FOR(S.downs > sd && C.downs > cd, WAIT_MS));
	CU_ASSERT_EQUAL(S.last_down, server_why);
	CU_ASSERT_EQUAL(C.last_down, client_why);
	CU_ASSERT_TRUE(WAIT_FOR(C.ups > cu && S.id && C.id, WAIT_MS));
}

/* RFC 4960 §9.2: a graceful close is SHUTDOWN at the peer; the connector reconnects. */
static void test_close(void)
{
	end_and_reconnect(sg_sctp_close, SG_SCTP_DOWN_CLOSED, SG_SCTP_DOWN_SHUTDOWN);
}

/* RFC 4960 §9.1: an ABORT is seen as such by the peer; the connector reconnects. */
static void test_abort(void)
{
	end_and_reconnect(sg_sctp_abort, SG_SCTP_DOWN_ABORTED, SG_SCTP_DOWN_PEER_ABORT);
	/* data flows again on the new association */
	CU_ASSERT_EQUAL(sg_sctp_send(s, C.id, 0, 3, make_msg(0, 0, 64)), 0);
	CU_ASSERT_TRUE(WAIT_FOR(S.next_seq[0] == 1, WAIT_MS));
}

/* A refused peer is aborted and counted; once allowed, the connector gets in. */
static void test_refused(void)
{
	unsigned int sa = S.accepts, su = S.ups;
	struct json_object *j;
	uint64_t refused;

	CU_ASSERT_TRUE_FATAL(S.id && C.id);
	S.refuse = true;
	CU_ASSERT_EQUAL(sg_sctp_abort(s, S.id), 0);
	CU_ASSERT_TRUE(WAIT_FOR(S.accepts >= sa + 2, WAIT_MS));
	CU_ASSERT_EQUAL(S.id, 0);
	j = sg_sctp_json(s);
	refused = ep_counter(j, "assoc_refused");
	json_object_put(j);
	CU_ASSERT_TRUE(refused >= 2);
	CU_ASSERT_TRUE(refused <= S.accepts - sa);
	S.refuse = false;
	CU_ASSERT_TRUE(WAIT_FOR(S.id && C.id && S.ups > su, WAIT_MS));
	CU_ASSERT_EQUAL(S.ups, su + 1);
}

/* Stopping the connector aborts its association and it does not come back. */
static void test_conn_stop(void)
{
	unsigned int sd = S.downs, su = S.ups;

	CU_ASSERT_TRUE_FATAL(S.id && C.id);
	CU_ASSERT_EQUAL(sg_sctp_conn_stop(s, conn_id), 0);
	CU_ASSERT_TRUE(WAIT_FOR(S.downs > sd, WAIT_MS));
	CU_ASSERT_EQUAL(C.last_down, SG_SCTP_DOWN_ABORTED);
	CU_ASSERT_EQUAL(S.last_down, SG_SCTP_DOWN_PEER_ABORT);
	WAIT_FOR(S.ups > su, 500);
	CU_ASSERT_EQUAL(S.ups, su);
	CU_ASSERT_EQUAL(C.id, 0);
}

static int suite_init(void)
{
	struct sg_sctp_cfg cfg = {.transport = SG_SCTP_KERNEL};

	if (cu_log_init(DSCTP, "TEST_SCTP_DEBUG", LOGL_ERROR) < 0 || sg_loop_init() < 0)
		return -1;
	io = sg_thread_alloc(NULL, "sctp", SG_THREAD_SCTP, 0);
	if (!io || sg_thread_start(io) < 0)
		return -1;
	s = sg_sctp_alloc(NULL, &cfg, io, NULL);
	return s ? 0 : -1;
}

static int suite_clean(void)
{
	if (s)
		sg_sctp_free(s);
	if (io)
		sg_thread_free(io);
	sg_log_fini();
	return 0;
}

int main(void)
{
	static const struct cu_test tests[] = {
		{"kernel backend selected (auto and kernel)", test_kernel_selected},
		{"RFC 4960 5.1: association up, multi-homed, streams negotiated", test_assoc_up},
		{"RFC 4960 6.5/6.6: data both ways, order per stream, PPID", test_data_both_ways},
		{"large message delivered whole", test_large_message},
		{"stream out of range, unknown association", test_bad_sends},
		{"JSON: kernel transport, endpoints, associations", test_json},
		{"RFC 4960 9.2: close is SHUTDOWN at the peer, reconnect", test_close},
		{"RFC 4960 9.1: abort is ABORT at the peer, reconnect", test_abort},
		{"refused peer aborted and counted, then accepted", test_refused},
		{"connector stop aborts, no reconnect", test_conn_stop},
		{NULL, NULL}};

	if (!sg_sctp_kernel_probe()) {
		printf("SKIP: no kernel SCTP here (tests/uml/kernel_sctp.sh runs this in UML)\n");
		return 77;
	}
	return cu_run_suite("sctp-kernel", tests, suite_init, suite_clean);
}
