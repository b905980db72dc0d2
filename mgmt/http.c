/* Management API HTTP server: libmicrohttpd driven by the management thread's select loop. */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <talloc.h>
#include <microhttpd.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>
#include "mgmt_int.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)
/* upper bound of the timer for libmicrohttpd's timeouts */
#define MGMT_MAX_WAIT_MS 3600000ULL

static const struct sg_ctr_desc mgmt_ctr_desc[_MGMT_CTR_MAX] = {
	[MGMT_CTR_REQ] = { "http:requests:total", "HTTP requests received" },
	[MGMT_CTR_2XX] = { "http:responses:2xx", "Requests answered with a 2xx status" },
	[MGMT_CTR_4XX] = { "http:responses:4xx", "Requests answered with a 4xx status" },
	[MGMT_CTR_5XX] = { "http:responses:5xx", "Requests answered with a 5xx status" },
	[MGMT_CTR_AUTH_FAIL] = { "http:auth:failures",
				 "Requests refused for a missing or wrong bearer token" },
	[MGMT_CTR_CALL_REMOTE] = { "api:calls:remote", "Requests forwarded to an owner thread" },
	[MGMT_CTR_CALL_REFUSED] = { "api:calls:refused",
				    "Forwards refused by a full or stopped mailbox" },
	[MGMT_CTR_CALL_TIMEOUT] = { "api:calls:timeout",
				    "Forwards whose owner thread did not answer in time" },
	[MGMT_CTR_CONN_ACCEPTED] = { "http:connections:accepted", "Connections accepted" },
	[MGMT_CTR_CONN_REFUSED] = { "http:connections:refused",
				    "Connections refused at once: their client address had "
				    "management.max_connections_per_address open" },
	[MGMT_CTR_CONN_HDR_TIMEOUT] = { "http:connections:header_timeout",
					"Connections closed: request line and headers not "
					"complete within management.header_timeout_ms" },
	[MGMT_CTR_CONN_REQ_TIMEOUT] = { "http:connections:request_timeout",
					"Connections closed: request body not complete within "
					"management.request_timeout_ms of the request's start" },
};

static const struct sg_ctr_group_desc mgmt_ctrg_desc = {
	.name = "mgmt",
	.num = _MGMT_CTR_MAX,
	.ctr = mgmt_ctr_desc,
};

enum mgmt_route {
	ROUTE_INDEX,
	ROUTE_STATUS,
	ROUTE_CONFIG,
	ROUTE_COLL,
};

enum mgmt_method {
	METHOD_GET,		/* and HEAD */
	METHOD_PUT,
	METHOD_POST,
	METHOD_OTHER,
};

enum mgmt_conn_state {
	CONN_BODY,		/* receiving the request */
	CONN_WAITING,		/* suspended, a job runs on the owner thread */
	CONN_READY,		/* answer known, to be queued */
	CONN_DONE,		/* answer queued */
};

/* A client address, for the per-address connection limit (the port is not part of it). */
struct mgmt_addr {
	sa_family_t family;	/* AF_INET, AF_INET6; 0: not an IP address */
	uint8_t a[16];
};

/*
 * Where a connection is in its current request, for the deadlines.  MHD's own timeout
 * (MGMT_CONN_TIMEOUT_S) is an idle timeout that every byte received resets, so a client
 * trickling a header line every few seconds would hold its connection for ever; these
 * deadlines count from the request's start instead.
 */
enum mgmt_sock_phase {
	SOCK_HEADERS,		/* request line and headers not complete yet */
	SOCK_BODY,		/* headers complete (the access handler has seen them), body */
	SOCK_ANSWER,		/* request complete: waiting for its owner, or answering */
};

/*
 * One TCP connection: MHD's socket context, from MHD_CONNECTION_NOTIFY_STARTED to
 * MHD_CONNECTION_NOTIFY_CLOSED.  Management thread only (MHD runs without threads of its
 * own: every callback comes from MHD_run() on the management thread, and the timer that
 * enforces the deadlines runs there too, so nothing here races).
 */
struct mgmt_sock {
	struct llist_head list;		/* in sg_mgmt.socks */
	int fd;
	struct mgmt_addr addr;
	enum mgmt_sock_phase phase;
	uint64_t start_ns;		/* the current request's start: the connection's
					 * opening, or the end of the previous answer */
	bool shut;			/* shut down by a deadline; MHD closes it next */
};

/* One request; management thread only, freed by the completion callback. */
struct mgmt_conn {
	struct sg_mgmt *m;
	struct MHD_Connection *mhd;
	struct mgmt_sock *sock;	/* NULL when its socket context could not be allocated */
	enum mgmt_conn_state state;
	char method[8];
	char url[96];		/* for log lines only, truncated */

	enum mgmt_route route;
	enum mgmt_method meth;
	const struct mgmt_coll *coll;
	enum mgmt_op op;
	unsigned int depth;
	char seg[MGMT_DEPTH_MAX][MGMT_SEG_MAX];

	/* request body (PUT, POST) */
	bool want_body;
	char *body;
	size_t body_len;
	bool too_large;
	size_t discarded;

	struct mgmt_job *job;	/* while CONN_WAITING */

	/* the answer */
	int status;
	struct json_object *reply;
	const char *raw;	/* pre-serialized answer (config), instead of reply */
	size_t raw_len;
	const char *allow;	/* 405 */
};

/* ---- connections: per-address limit and deadlines ---- */

static bool addr_from_sa(struct mgmt_addr *a, const struct sockaddr *sa, socklen_t len)
{
	memset(a, 0, sizeof(*a));
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		a->family = AF_INET;
		memcpy(a->a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		a->family = AF_INET6;
		memcpy(a->a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

static const char *addr_str(const struct mgmt_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->a, buf, (socklen_t)len))
		snprintf(buf, len, "(unknown address)");
	return buf;
}

static unsigned int socks_from(const struct sg_mgmt *m, const struct mgmt_addr *a)
{
	const struct mgmt_sock *s;
	unsigned int n = 0;

	llist_for_each_entry(s, &m->socks, list) {
		if (s->addr.family == a->family && !memcmp(s->addr.a, a->a, sizeof(a->a)))
			n++;
	}
	return n;
}

/* MHD_OPTION_ACCEPT_POLICY_CALLBACK: called for each accepted socket before MHD makes it a
 * connection; MHD_NO closes it at once.  Every connection MHD keeps is announced right after
 * (MHD_CONNECTION_NOTIFY_STARTED), on the same thread, so the count is exact. */
static enum MHD_Result mgmt_accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct sg_mgmt *m = cls;
	struct mgmt_addr a;
	unsigned int n;
	char buf[INET6_ADDRSTRLEN];

	if (!addr_from_sa(&a, sa, len))
		return MHD_YES;
	n = socks_from(m, &a);
	if (n < m->max_conns_per_addr)
		return MHD_YES;
	sg_ctr_inc(m->ctrs, MGMT_CTR_CONN_REFUSED);
	LOGP_LIMIT(&m->log_refused, DMGMT, LOGL_NOTICE, "connection from %s refused: %u open from "
		   "that address (management.max_connections_per_address)\n",
		   addr_str(&a, buf, sizeof(buf)), n);
	return MHD_NO;
}

/* MHD_OPTION_NOTIFY_CONNECTION: a connection opens or closes. */
static void mgmt_notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
			     enum MHD_ConnectionNotificationCode code)
{
	struct sg_mgmt *m = cls;
	struct mgmt_sock *s = *socket_context;
	const union MHD_ConnectionInfo *ci;

	switch (code) {
	case MHD_CONNECTION_NOTIFY_STARTED:
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		s = calloc(1, sizeof(*s));
		if (!s) {
			/* a connection without deadlines must not stay: MHD closes it */
			LOGP(DMGMT, LOGL_ERROR, "out of memory: closing a new connection\n");
			if (ci)
				shutdown(ci->connect_fd, SHUT_RDWR);
			return;
		}
		s->fd = ci ? ci->connect_fd : -1;
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr)
			addr_from_sa(&s->addr, ci->client_addr,
				     ci->client_addr->sa_family == AF_INET6 ?
				     sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
		s->phase = SOCK_HEADERS;
		s->start_ns = sg_now();
		llist_add_tail(&s->list, &m->socks);
		m->num_socks++;
		*socket_context = s;
		sg_ctr_inc(m->ctrs, MGMT_CTR_CONN_ACCEPTED);
		break;
	case MHD_CONNECTION_NOTIFY_CLOSED:
		if (!s)
			break;
		llist_del(&s->list);
		m->num_socks--;
		free(s);
		*socket_context = NULL;
		break;
	}
}

static struct mgmt_sock *conn_sock(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* The connection's current request starts now (it opened, or its previous answer went out). */
static void sock_request_start(struct mgmt_sock *s)
{
	if (!s)
		return;
	s->phase = SOCK_HEADERS;
	s->start_ns = sg_now();
}

static void sock_phase(struct mgmt_sock *s, enum mgmt_sock_phase phase)
{
	if (s)
		s->phase = phase;
}

/* ns of sg_now() by which the connection must have left its phase; 0: no deadline */
static uint64_t sock_deadline(const struct sg_mgmt *m, const struct mgmt_sock *s)
{
	switch (s->phase) {
	case SOCK_HEADERS:
		return s->start_ns + (uint64_t)m->header_timeout_ms * SG_NS_PER_MS;
	case SOCK_BODY:
		return s->start_ns + (uint64_t)m->request_timeout_ms * SG_NS_PER_MS;
	case SOCK_ANSWER:
		break;
	}
	return 0;
}

/*
 * Shut down every connection past its deadline: MHD, which cannot close a connection on
 * request, then reads its end (the socket is in its epoll set) and closes it in the next
 * MHD_run().  Suspended connections (waiting for an owner thread) have no deadline, so MHD
 * always watches the sockets shut here.  Returns the nearest deadline still ahead (0: none).
 */
static uint64_t mgmt_deadlines(struct sg_mgmt *m)
{
	uint64_t now = sg_now(), next = 0;
	struct mgmt_sock *s;
	char buf[INET6_ADDRSTRLEN];

	llist_for_each_entry(s, &m->socks, list) {
		uint64_t d;
		bool hdr;

		if (s->shut || !(d = sock_deadline(m, s)))
			continue;
		if (d > now) {
			if (!next || d < next)
				next = d;
			continue;
		}
		hdr = s->phase == SOCK_HEADERS;
		s->shut = true;
		if (s->fd >= 0)
			shutdown(s->fd, SHUT_RDWR);
		sg_ctr_inc(m->ctrs, hdr ? MGMT_CTR_CONN_HDR_TIMEOUT : MGMT_CTR_CONN_REQ_TIMEOUT);
		LOGP_LIMIT(&m->log_deadline, DMGMT, LOGL_NOTICE,
			   "connection from %s closed: %s not complete within %u ms "
			   "(management.%s)\n", addr_str(&s->addr, buf, sizeof(buf)),
			   hdr ? "request headers" : "request",
			   hdr ? m->header_timeout_ms : m->request_timeout_ms,
			   hdr ? "header_timeout_ms" : "request_timeout_ms");
	}
	return next;
}

/* ---- event loop glue ---- */

/* One timer for MHD's timeouts and our deadlines, whichever comes first. */
static void mgmt_schedule(struct sg_mgmt *m)
{
	MHD_UNSIGNED_LONG_LONG to;
	uint64_t ms = UINT64_MAX, next;
	bool armed = false;

	if (MHD_get_timeout(m->daemon, &to) == MHD_YES) {
		ms = OSMO_MIN(to, MGMT_MAX_WAIT_MS);
		armed = true;
	}
	next = mgmt_deadlines(m);
	if (next) {
		uint64_t now = sg_now();
		uint64_t d = next > now ? (next - now + SG_NS_PER_MS - 1) / SG_NS_PER_MS : 0;

		ms = OSMO_MIN(ms, d);
		armed = true;
	}
	if (armed)
		sg_timer_start_ms(&m->timer, ms);
	else
		sg_timer_stop(&m->timer);
}

static void mgmt_run(struct sg_mgmt *m)
{
	unsigned int before, i;

	if (!m->daemon)
		return;
	/* At its connection limit MHD takes its listening socket out of its epoll set, and puts
	 * it back only at the start of a run: a run that closed connections is followed by
	 * another, or the connections waiting in the listen backlog would wait for ever (nothing
	 * else wakes the loop up). */
	for (i = 0; i < 4; i++) {
		before = m->num_socks;
		if (MHD_run(m->daemon) != MHD_YES)
			LOGP(DMGMT, LOGL_ERROR, "MHD_run failed\n");
		if (m->num_socks >= before)
			break;
	}
	mgmt_schedule(m);
}

static int mgmt_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	mgmt_run(ofd->data);
	return 0;
}

static void mgmt_timer_cb(void *data)
{
	mgmt_run(data);
}

/*
 * libmicrohttpd's messages.  Those about one connection or request ("Connection socket is
 * closed when reading request ...", also for each connection a deadline shut down, which has
 * its own line) are a client's doing and repeatable at will: info level.  The others (epoll,
 * memory, the listening socket) stay notices.  All pass the rate limit.
 */
__attribute__((format(printf, 2, 0)))
static void mgmt_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct sg_mgmt *m = cls;
	char buf[256];
	size_t len;
	int level;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	level = strcasestr(buf, "connection") || strcasestr(buf, "request") ? LOGL_INFO
									    : LOGL_NOTICE;
	LOGP_LIMIT(&m->log_mhd, DMGMT, level, "libmicrohttpd: %s\n", buf);
}

/* Percent-decode a request path in place (MHD_OPTION_UNESCAPE_CALLBACK).
 * MHD's own decoder turns %00 into a NUL that ends the path early, so that
 * "/api/v1/links/l0%00x" would be served as "/api/v1/links/l0".  Here a
 * decoded control character (%00..%1F, %7F) becomes DEL, which
 * conn_parse_path refuses with 400 like any other control character.
 * A '%' not followed by two hex digits stays as it is (as MHD does). */
static size_t mgmt_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;

	(void)cls;
	(void)c;
	while (*r) {
		if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
			char hex[3] = { r[1], r[2], '\0' };
			unsigned char v = (unsigned char)strtoul(hex, NULL, 16);

			*w++ = (v < 0x20 || v == 0x7f) ? 0x7f : (char)v;
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* ---- answers ---- */

static void conn_answer(struct mgmt_conn *conn, int status, struct json_object *reply)
{
	json_object_put(conn->reply);
	conn->status = status;
	conn->reply = reply;
	conn->raw = NULL;
	conn->state = CONN_READY;
}

__attribute__((format(printf, 3, 4)))
static void conn_error(struct mgmt_conn *conn, int status, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	conn_answer(conn, status, mgmt_error_json(status, "%s", reason));
}

static enum MHD_Result conn_respond(struct mgmt_conn *conn)
{
	static const char oom[] =
		"{\n  \"error\":{\n    \"status\":500,\n    \"reason\":\"out of memory\"\n  }\n}\n";
	struct sg_mgmt *m = conn->m;
	struct MHD_Response *resp = NULL;
	enum MHD_Result ret;
	int status = conn->status;

	if (conn->raw) {
		resp = MHD_create_response_from_buffer(conn->raw_len, (void *)conn->raw,
						       MHD_RESPMEM_PERSISTENT);
	} else if (conn->reply) {
		size_t len;
		const char *s = json_object_to_json_string_length(conn->reply, JSON_FLAGS, &len);
		char *buf = s ? malloc(len + 2) : NULL;

		if (buf) {
			memcpy(buf, s, len);
			buf[len++] = '\n';
			buf[len] = '\0';
			resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
			if (!resp)
				free(buf);
		}
	}
	if (!resp) {
		status = 500;
		resp = MHD_create_response_from_buffer(sizeof(oom) - 1, (void *)oom,
						       MHD_RESPMEM_PERSISTENT);
		if (!resp)
			return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == 405)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					conn->allow ? conn->allow : "");
	if (status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"sigtran-sg\"");
	ret = MHD_queue_response(conn->mhd, status, resp);
	MHD_destroy_response(resp);
	conn->state = CONN_DONE;
	sock_phase(conn->sock, SOCK_ANSWER);

	if (status >= 200 && status < 300)
		sg_ctr_inc(m->ctrs, MGMT_CTR_2XX);
	else if (status >= 400 && status < 500)
		sg_ctr_inc(m->ctrs, MGMT_CTR_4XX);
	else if (status >= 500)
		sg_ctr_inc(m->ctrs, MGMT_CTR_5XX);
	LOGP(DMGMT, status >= 500 ? LOGL_NOTICE : LOGL_DEBUG, "%s %s -> %d\n",
	     conn->method, conn->url, status);
	return ret;
}

void mgmt_http_complete(struct sg_mgmt *m, struct mgmt_conn *conn, int status,
			struct json_object *json)
{
	OSMO_ASSERT(conn->state == CONN_WAITING);
	conn->job = NULL;
	conn_answer(conn, status, json);
	MHD_resume_connection(conn->mhd);
	/* in external polling mode MHD_run() must follow a resume */
	if (!m->stopping)
		mgmt_run(m);
}

/* ---- fixed routes ---- */

/* The connections now and their limits (the defaults filled in). */
static struct json_object *connections_json(const struct sg_mgmt *m)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "open", json_object_new_uint64(m->num_socks));
	json_object_object_add(o, "max_connections", json_object_new_uint64(m->max_conns));
	json_object_object_add(o, "max_connections_per_address",
			       json_object_new_uint64(m->max_conns_per_addr));
	json_object_object_add(o, "header_timeout_ms",
			       json_object_new_uint64(m->header_timeout_ms));
	json_object_object_add(o, "request_timeout_ms",
			       json_object_new_uint64(m->request_timeout_ms));
	return o;
}

static struct json_object *status_json(struct sg_mgmt *m)
{
	struct json_object *doc, *threads, *ctrs, *conns;
	uint64_t up = (sg_now() - m->start_ns) / SG_NS_PER_S;
	unsigned int i;

	doc = json_object_new_object();
	threads = json_object_new_array();
	ctrs = sg_ctr_group_to_json(m->ctrs);
	conns = connections_json(m);
	if (!doc || !threads || !ctrs || !conns)
		goto err;
	for (i = 0; i < m->num_threads; i++) {
		struct json_object *t = json_object_new_object();

		if (!t)
			goto err;
		json_object_object_add(t, "name", json_object_new_string(m->threads[i].name));
		json_object_object_add(t, "role", json_object_new_string(
			get_value_string(sg_thread_role_names, m->threads[i].role)));
		if (json_object_array_add(threads, t)) {
			json_object_put(t);
			goto err;
		}
	}
	json_object_object_add(doc, "name", json_object_new_string(m->node_name));
	json_object_object_add(doc, "version", json_object_new_string(m->version));
	json_object_object_add(doc, "uptime_s", json_object_new_uint64(up));
	json_object_object_add(doc, "config_file", m->config_path ?
			       json_object_new_string(m->config_path) : NULL);
	json_object_object_add(doc, "threads", threads);
	json_object_object_add(doc, "connections", conns);
	json_object_object_add(doc, "counters", ctrs);
	return doc;
err:
	json_object_put(conns);
	json_object_put(ctrs);
	json_object_put(threads);
	json_object_put(doc);
	return NULL;
}

/* ---- request parsing ---- */

/* Constant time in the configured token's length. */
static bool token_ok(const struct sg_mgmt *m, const char *tok, size_t len)
{
	volatile unsigned char diff = 0;
	size_t i;

	diff |= (len != m->token_len);
	for (i = 0; i < m->token_len; i++)
		diff |= (unsigned char)m->token[i] ^ (unsigned char)(i < len ? tok[i] : 0);
	return diff == 0;
}

/* Returns true when authorized; otherwise an answer is set. */
static bool conn_auth(struct mgmt_conn *conn)
{
	struct sg_mgmt *m = conn->m;
	const char *h, *tok;
	size_t len;

	if (!m->token_len)
		return true;
	h = MHD_lookup_connection_value(conn->mhd, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h) {
		sg_ctr_inc(m->ctrs, MGMT_CTR_AUTH_FAIL);
		conn_error(conn, 401, "authorization required: Authorization: Bearer <token>");
		return false;
	}
	if (strncasecmp(h, "Bearer", 6) || (h[6] != ' ' && h[6] != '\t')) {
		sg_ctr_inc(m->ctrs, MGMT_CTR_AUTH_FAIL);
		conn_error(conn, 401, "authorization scheme must be Bearer");
		return false;
	}
	tok = h + 6;
	while (*tok == ' ' || *tok == '\t')
		tok++;
	len = strlen(tok);
	while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
		len--;
	if (!token_ok(m, tok, len)) {
		sg_ctr_inc(m->ctrs, MGMT_CTR_AUTH_FAIL);
		LOGP(DMGMT, LOGL_NOTICE, "%s %s: wrong bearer token\n", conn->method, conn->url);
		conn_error(conn, 401, "invalid token");
		return false;
	}
	return true;
}

/* Split the path below /api/v1 into conn->seg.  Returns true when it is
 * well formed; otherwise an answer (400/404) is set. */
static bool conn_parse_path(struct mgmt_conn *conn, const char *url)
{
	const size_t plen = sizeof(MGMT_PREFIX) - 1;
	const char *p, *q;

	conn->depth = 0;
	if (strncmp(url, MGMT_PREFIX, plen) || (url[plen] && url[plen] != '/')) {
		conn_error(conn, 404, "no route '%.64s' (the API is under " MGMT_PREFIX ")", url);
		return false;
	}
	p = url + plen;
	if (!*p)
		return true;
	p++;
	for (;;) {
		size_t len;

		q = strchr(p, '/');
		len = q ? (size_t)(q - p) : strlen(p);
		if (!len) {
			conn_error(conn, 400, "empty path segment");
			return false;
		}
		if (conn->depth >= MGMT_DEPTH_MAX) {
			conn_error(conn, 400, "path too deep (at most "
				   "<collection>/<item>/<command>)");
			return false;
		}
		if (len >= MGMT_SEG_MAX) {
			conn_error(conn, 400, "path segment longer than %u characters",
				   MGMT_SEG_MAX - 1);
			return false;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char c = p[i];

			if (c < 0x20 || c == 0x7f) {
				conn_error(conn, 400, "control character in path");
				return false;
			}
			if (c <= 0x20 || c >= 0x7f) {
				conn_error(conn, 400, "invalid character in path");
				return false;
			}
		}
		memcpy(conn->seg[conn->depth], p, len);
		conn->seg[conn->depth][len] = '\0';
		conn->depth++;
		if (!q)
			return true;
		p = q + 1;
	}
}

static const char *allow_str(bool get, bool put, bool post)
{
	if (get && put)
		return "GET, HEAD, PUT";
	if (get)
		return "GET, HEAD";
	if (put)
		return "PUT";
	if (post)
		return "POST";
	return "";
}

static bool method_not_allowed(struct mgmt_conn *conn, const char *allow)
{
	if (!allow[0]) {
		/* no method at all: the resource doesn't exist (and an empty
		 * Allow header can't be sent) */
		conn_error(conn, 404, "no route '%.64s' ('%s' offers no method here)",
			   conn->url, conn->seg[0]);
		return false;
	}
	conn->allow = allow;
	conn_error(conn, 405, "method %s not allowed here (allowed: %s)", conn->method, allow);
	return false;
}

/* Map the path and method to a route; false with an answer set when there is none. */
static bool conn_route(struct mgmt_conn *conn)
{
	struct sg_mgmt *m = conn->m;
	const struct sg_mgmt_collection *c;
	const char *name;

	if (conn->depth == 0) {
		conn->route = ROUTE_INDEX;
		if (conn->meth != METHOD_GET)
			return method_not_allowed(conn, allow_str(true, false, false));
		return true;
	}
	name = conn->seg[0];
	if (!strcmp(name, "status") || !strcmp(name, "config")) {
		if (conn->depth > 1) {
			conn_error(conn, 404, "no route '%.64s'", conn->url);
			return false;
		}
		conn->route = name[0] == 's' ? ROUTE_STATUS : ROUTE_CONFIG;
		if (conn->meth != METHOD_GET)
			return method_not_allowed(conn, allow_str(true, false, false));
		return true;
	}
	conn->coll = mgmt_coll_find(m, name);
	if (!conn->coll) {
		conn_error(conn, 404, "no collection '%s'", name);
		return false;
	}
	conn->route = ROUTE_COLL;
	c = &conn->coll->c;
	switch (conn->depth) {
	case 1:
		if (conn->meth != METHOD_GET || !c->list)
			return method_not_allowed(conn, allow_str(c->list, false, false));
		conn->op = MGMT_OP_LIST;
		return true;
	case 2:
		if (conn->meth == METHOD_GET && c->get)
			conn->op = MGMT_OP_GET;
		else if (conn->meth == METHOD_PUT && c->set)
			conn->op = MGMT_OP_SET;
		else
			return method_not_allowed(conn, allow_str(c->get, c->set, false));
		return true;
	default:
		if (conn->coll->num_cmds && !mgmt_cmd_find(conn->coll, conn->seg[2])) {
			conn_error(conn, 404, "no command '%s' in '%s'", conn->seg[2], name);
			return false;
		}
		if (conn->meth != METHOD_POST || !c->command)
			return method_not_allowed(conn, allow_str(false, false, c->command));
		conn->op = MGMT_OP_COMMAND;
		return true;
	}
}

/* Is the media type application/json (parameters such as charset allowed)? */
static bool is_json_type(const char *ct)
{
	static const char json[] = "application/json";
	const size_t n = sizeof(json) - 1;

	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, json, n))
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* Does a Transfer-Encoding value name "chunked"? */
static bool te_chunked(const char *te)
{
	static const char ch[] = "chunked";
	const size_t n = sizeof(ch) - 1;

	for (; *te; te++) {
		if (!strncasecmp(te, ch, n))
			return true;
	}
	return false;
}

/* Header checks of PUT/POST before any body is read. */
static bool conn_check_body_headers(struct mgmt_conn *conn)
{
	const char *cl, *te, *ct;
	bool chunked, has_body;
	unsigned long long len = 0;

	cl = MHD_lookup_connection_value(conn->mhd, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = MHD_lookup_connection_value(conn->mhd, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_TRANSFER_ENCODING);
	ct = MHD_lookup_connection_value(conn->mhd, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_TYPE);
	chunked = te && te_chunked(te);
	if (cl && !chunked) {
		char *end;

		errno = 0;
		len = strtoull(cl, &end, 10);
		if (errno || end == cl || *end || cl[0] == '-') {
			conn_error(conn, 400, "invalid Content-Length");
			return false;
		}
	}
	if (!cl && !chunked && conn->meth == METHOD_PUT) {
		conn_error(conn, 411, "PUT needs a JSON body with a Content-Length");
		return false;
	}
	if (!chunked && len > MGMT_BODY_MAX) {
		conn_error(conn, 413, "request body larger than %u bytes", MGMT_BODY_MAX);
		return false;
	}
	has_body = chunked || len > 0;
	if (has_body && (!ct || !is_json_type(ct))) {
		conn_error(conn, 415, "request body must be application/json");
		return false;
	}
	conn->want_body = true;
	return true;
}

/* First call for a request, headers received.  True when it may go on;
 * false with an answer set. */
static bool conn_begin(struct mgmt_conn *conn, const char *url, const char *method)
{
	if (conn->m->stopping) {
		conn_error(conn, 503, "shutting down");
		return false;
	}
	if (!conn_auth(conn))
		return false;
	if (!strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD))
		conn->meth = METHOD_GET;
	else if (!strcmp(method, MHD_HTTP_METHOD_PUT))
		conn->meth = METHOD_PUT;
	else if (!strcmp(method, MHD_HTTP_METHOD_POST))
		conn->meth = METHOD_POST;
	else
		conn->meth = METHOD_OTHER;
	if (!conn_parse_path(conn, url) || !conn_route(conn))
		return false;
	if (conn->meth == METHOD_PUT || conn->meth == METHOD_POST)
		return conn_check_body_headers(conn);
	return true;
}

/* Upload data; false to drop the connection. */
static bool conn_body_add(struct mgmt_conn *conn, const char *data, size_t len)
{
	char *nb;

	if (!conn->want_body) {
		/* a body on GET: ignored */
		conn->discarded += len;
		return conn->discarded <= MGMT_DISCARD_MAX;
	}
	if (conn->too_large || len > MGMT_BODY_MAX - conn->body_len) {
		/* a chunked body over the limit: read on (bounded) to answer 413 */
		conn->too_large = true;
		conn->discarded += len;
		return conn->discarded <= MGMT_DISCARD_MAX;
	}
	nb = realloc(conn->body, conn->body_len + len + 1);
	if (!nb)
		return false;
	memcpy(nb + conn->body_len, data, len);
	conn->body = nb;
	conn->body_len += len;
	conn->body[conn->body_len] = '\0';
	return true;
}

/* Parse the body: NULL (none) or an object; false with an answer set. */
static bool conn_parse_body(struct mgmt_conn *conn, struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t end, i;

	*out = NULL;
	if (!conn->body_len) {
		if (conn->meth == METHOD_PUT) {
			conn_error(conn, 400, "PUT needs a JSON object body");
			return false;
		}
		return true;
	}
	tok = json_tokener_new_ex(MGMT_JSON_DEPTH);
	if (!tok) {
		conn_error(conn, 500, "out of memory");
		return false;
	}
	obj = json_tokener_parse_ex(tok, conn->body, (int)conn->body_len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!obj && jerr == json_tokener_continue) {
		/* a bare number at the end waits for a terminator: give it one
		 * (the whole body has been consumed then) */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = conn->body_len;
	}
	json_tokener_free(tok);
	if (!obj) {
		if (jerr == json_tokener_continue || jerr == json_tokener_success)
			jerr = json_tokener_error_parse_eof;
		conn_error(conn, 400, "malformed JSON body: %s", json_tokener_error_desc(jerr));
		return false;
	}
	for (i = end; i < conn->body_len; i++) {
		char c = conn->body[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\0') {
			json_object_put(obj);
			conn_error(conn, 400, "malformed JSON body: data after the JSON value");
			return false;
		}
		if (c == '\0') {
			json_object_put(obj);
			conn_error(conn, 400, "malformed JSON body: NUL byte");
			return false;
		}
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		conn_error(conn, 400, "body must be a JSON object");
		return false;
	}
	*out = obj;
	return true;
}

/* The request is complete: answer it, or suspend until its owner answers. */
static void conn_run(struct mgmt_conn *conn)
{
	struct sg_mgmt *m = conn->m;
	struct json_object *body = NULL, *out = NULL;
	struct mgmt_job *job;
	int status;

	switch (conn->route) {
	case ROUTE_INDEX:
		conn_answer(conn, 200, mgmt_index_json(m));
		return;
	case ROUTE_STATUS:
		conn_answer(conn, 200, status_json(m));
		return;
	case ROUTE_CONFIG:
		conn_answer(conn, 200, NULL);
		conn->raw = m->config_json;
		conn->raw_len = m->config_json_len;
		return;
	case ROUTE_COLL:
		break;
	}
	if (conn->too_large) {
		conn_error(conn, 413, "request body larger than %u bytes", MGMT_BODY_MAX);
		return;
	}
	if (conn->want_body && !conn_parse_body(conn, &body))
		return;
	status = mgmt_dispatch(m, conn->coll, conn->op, conn->depth > 1 ? conn->seg[1] : NULL,
			       conn->depth > 2 ? conn->seg[2] : NULL, body, conn, &job, &out);
	if (status) {
		conn_answer(conn, status, out);
		return;
	}
	conn->job = job;
	conn->state = CONN_WAITING;
	/* no deadline while suspended: MHD does not watch the socket then */
	sock_phase(conn->sock, SOCK_ANSWER);
	MHD_suspend_connection(conn->mhd);
}

static enum MHD_Result mgmt_access(void *cls, struct MHD_Connection *mhd, const char *url,
				   const char *method, const char *version,
				   const char *upload_data, size_t *upload_data_size,
				   void **con_cls)
{
	struct sg_mgmt *m = cls;
	struct mgmt_conn *conn = *con_cls;

	if (!conn) {
		conn = calloc(1, sizeof(*conn));
		if (!conn)
			return MHD_NO;
		conn->m = m;
		conn->mhd = mhd;
		conn->state = CONN_BODY;
		/* the first call: the request line and headers are complete */
		conn->sock = conn_sock(mhd);
		sock_phase(conn->sock, SOCK_BODY);
		OSMO_STRLCPY_ARRAY(conn->method, method);
		OSMO_STRLCPY_ARRAY(conn->url, url);
		*con_cls = conn;
		sg_ctr_inc(m->ctrs, MGMT_CTR_REQ);
		if (!conn_begin(conn, url, method))
			return conn_respond(conn);
		return MHD_YES;
	}

	switch (conn->state) {
	case CONN_BODY:
		break;
	case CONN_READY:
		return conn_respond(conn);
	case CONN_WAITING:
	case CONN_DONE:
		/* not expected: MHD doesn't call a suspended or answered request */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		bool ok = conn_body_add(conn, upload_data, *upload_data_size);

		*upload_data_size = 0;
		return ok ? MHD_YES : MHD_NO;
	}
	conn_run(conn);
	if (conn->state == CONN_READY)
		return conn_respond(conn);
	return MHD_YES;
}

static void mgmt_completed(void *cls, struct MHD_Connection *mhd, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	struct mgmt_conn *conn = *con_cls;

	/* a keep-alive connection's next request starts now: its headers have
	 * management.header_timeout_ms from here, also while it idles */
	sock_request_start(conn_sock(mhd));
	if (!conn)
		return;
	if (conn->job)
		mgmt_job_abandon(conn->job);
	json_object_put(conn->reply);
	free(conn->body);
	free(conn);
	*con_cls = NULL;
}

/* ---- life cycle ---- */

/* The config keys whose values are secrets: { object, key }. */
static const char *const config_secrets[][2] = {
	{ "management", "token" },
};

/* Replace each secret that is set by SG_MGMT_SECRET_SHOWN. */
static void config_mask_secrets(struct json_object *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(config_secrets); i++) {
		struct json_object *o, *v;

		if (!json_object_object_get_ex(root, config_secrets[i][0], &o) ||
		    !json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, config_secrets[i][1], &v))
			continue;
		json_object_object_add(o, config_secrets[i][1],
				       json_object_new_string(SG_MGMT_SECRET_SHOWN));
	}
}

struct sg_mgmt *sg_mgmt_alloc(void *ctx, const struct sg_mgmt_params *p,
			      struct sg_thread *mgmt_thread)
{
	struct sg_mgmt *m;
	struct json_object *shown = NULL;
	const char *js = "{}";
	unsigned int i;

	if (!p || !mgmt_thread)
		return NULL;
	m = talloc_zero(ctx, struct sg_mgmt);
	if (!m)
		return NULL;
	m->thread = mgmt_thread;
	INIT_LLIST_HEAD(&m->jobs);
	INIT_LLIST_HEAD(&m->socks);
	m->call_timeout_ms = MGMT_CALL_TIMEOUT_MS;
	/* 0: the documented defaults */
	m->max_conns = p->max_conns ? p->max_conns : SG_MGMT_CONNS_DEFAULT;
	m->max_conns_per_addr = p->max_conns_per_addr ? p->max_conns_per_addr
						      : SG_MGMT_CONNS_PER_ADDR_DEFAULT;
	m->max_conns_per_addr = OSMO_MIN(m->max_conns_per_addr, m->max_conns);
	m->header_timeout_ms = p->header_timeout_ms ? p->header_timeout_ms
						    : SG_MGMT_HEADER_TIMEOUT_MS;
	m->request_timeout_ms = p->request_timeout_ms ? p->request_timeout_ms
						      : SG_MGMT_REQUEST_TIMEOUT_MS;
	m->request_timeout_ms = OSMO_MAX(m->request_timeout_ms, m->header_timeout_ms);
	m->start_ns = sg_now();
	OSMO_STRLCPY_ARRAY(m->listen, p->listen ? p->listen : "");
	m->port = p->port;
	OSMO_STRLCPY_ARRAY(m->token, p->token ? p->token : "");
	m->token_len = strlen(m->token);
	m->loopback = p->loopback;
	OSMO_STRLCPY_ARRAY(m->node_name, p->node_name ? p->node_name : "");

	/* the document belongs to the caller (sgd's main thread): serialize it here, once,
	 * with the secrets masked (GET /api/v1/config shows that they are set, never what
	 * they are) */
	if (p->config) {
		if (json_object_deep_copy(p->config, &shown, NULL) < 0)
			goto err;
		config_mask_secrets(shown);
		js = json_object_to_json_string_ext(shown, JSON_FLAGS);
	}
	m->config_json = talloc_asprintf(m, "%s\n", js ? js : "{}");
	json_object_put(shown);
	shown = NULL;
	m->config_path = p->config_path ? talloc_strdup(m, p->config_path) : NULL;
	m->version = talloc_strdup(m, p->version ? p->version : "unknown");
	if (!m->config_json || (p->config_path && !m->config_path) || !m->version)
		goto err;
	m->config_json_len = strlen(m->config_json);

	if (p->num_threads && p->threads) {
		m->threads = talloc_zero_array(m, struct mgmt_thread_info, p->num_threads);
		if (!m->threads)
			goto err;
		for (i = 0; i < p->num_threads; i++) {
			const char *n = sg_thread_name(p->threads[i]);

			m->threads[i].name = talloc_strdup(m->threads, n ? n : "");
			m->threads[i].role = sg_thread_role(p->threads[i]);
			if (!m->threads[i].name)
				goto err;
		}
		m->num_threads = p->num_threads;
	}

	m->ctrs = sg_ctr_group_alloc(m, &mgmt_ctrg_desc);
	if (!m->ctrs)
		goto err;
	if (mgmt_log_register(m) < 0)
		goto err;
	return m;
err:
	talloc_free(m);
	return NULL;
}

void sg_mgmt_set_call_timeout(struct sg_mgmt *m, unsigned int ms)
{
	if (m && !m->started && ms)
		m->call_timeout_ms = ms;
}

int sg_mgmt_start(struct sg_mgmt *m)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} addr;
	unsigned int flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *di;
	int rc;

	if (!m)
		return -EINVAL;
	if (m->started)
		return -EALREADY;
	OSMO_ASSERT(sg_thread_is_self(m->thread));
	if (!m->loopback && !m->token_len) {
		LOGP(DMGMT, LOGL_ERROR, "refusing to serve the API on %s without a token\n",
		     m->listen);
		return -EACCES;
	}
	memset(&addr, 0, sizeof(addr));
	if (inet_pton(AF_INET, m->listen, &addr.in4.sin_addr) == 1) {
		addr.in4.sin_family = AF_INET;
		addr.in4.sin_port = htons(m->port);
	} else if (inet_pton(AF_INET6, m->listen, &addr.in6.sin6_addr) == 1) {
		addr.in6.sin6_family = AF_INET6;
		addr.in6.sin6_port = htons(m->port);
		flags |= MHD_USE_IPv6;
	} else {
		LOGP(DMGMT, LOGL_ERROR, "listen address '%s' is not a numeric IP address\n",
		     m->listen);
		return -EINVAL;
	}

	errno = 0;
	/* the accept policy callback enforces the per-address limit */
	m->daemon = MHD_start_daemon(flags, m->port, mgmt_accept_policy, m, mgmt_access, m,
		MHD_OPTION_EXTERNAL_LOGGER, mgmt_mhd_log, m,	/* first, to catch all */
		MHD_OPTION_UNESCAPE_CALLBACK, mgmt_unescape, m,
		MHD_OPTION_SOCK_ADDR, &addr.sa,
		MHD_OPTION_CONNECTION_LIMIT, m->max_conns,
		MHD_OPTION_NOTIFY_CONNECTION, mgmt_notify_conn, m,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MGMT_CONN_MEMORY,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)MGMT_CONN_TIMEOUT_S,
		MHD_OPTION_NOTIFY_COMPLETED, mgmt_completed, m,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
		MHD_OPTION_END);
	if (!m->daemon) {
		rc = errno ? -errno : -EIO;
		LOGP(DMGMT, LOGL_ERROR, "cannot serve the API on %s port %u: %s\n",
		     m->listen, m->port, strerror(-rc));
		return rc;
	}
	di = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
	m->bound_port = di ? di->port : m->port;
	di = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di || di->epoll_fd < 0) {
		rc = -EIO;
		goto err_stop;
	}
	osmo_fd_setup(&m->ofd, di->epoll_fd, OSMO_FD_READ, mgmt_fd_cb, m, 0);
	rc = osmo_fd_register(&m->ofd);
	if (rc < 0)
		goto err_stop;
	sg_timer_setup(&m->timer, mgmt_timer_cb, m);
	m->started = true;
	m->stopping = false;
	mgmt_schedule(m);
	LOGP(DMGMT, LOGL_NOTICE, "management API on %s port %u%s\n", m->listen, m->bound_port,
	     m->token_len ? " (token required)" : "");
	return 0;

err_stop:
	MHD_stop_daemon(m->daemon);
	m->daemon = NULL;
	return rc;
}

void sg_mgmt_stop(struct sg_mgmt *m)
{
	if (!m || !m->started)
		return;
	OSMO_ASSERT(sg_thread_is_self(m->thread));
	m->stopping = true;
	/* every suspended connection must be resumed before MHD stops */
	mgmt_jobs_fail_all(m, "shutting down");
	MHD_run(m->daemon);	/* queue (and try to send) those answers */
	sg_timer_stop(&m->timer);
	osmo_fd_unregister(&m->ofd);
	MHD_stop_daemon(m->daemon);	/* closes the epoll fd and the connections */
	m->daemon = NULL;
	OSMO_ASSERT(llist_empty(&m->jobs));
	/* MHD announces each closing (MHD_CONNECTION_NOTIFY_CLOSED); in case one went unsaid */
	while (!llist_empty(&m->socks)) {
		struct mgmt_sock *s = llist_first_entry(&m->socks, struct mgmt_sock, list);

		llist_del(&s->list);
		free(s);
	}
	m->num_socks = 0;
	m->started = false;
	LOGP(DMGMT, LOGL_NOTICE, "management API stopped\n");
}

void sg_mgmt_free(struct sg_mgmt *m)
{
	if (!m)
		return;
	/* stop it on the management thread first */
	OSMO_ASSERT(!m->started);
	talloc_free(m);
}

unsigned int sg_mgmt_port(const struct sg_mgmt *m)
{
	return m ? m->bound_port : 0;
}
