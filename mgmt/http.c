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

/* One request; management thread only, freed by the completion callback. */
struct mgmt_conn {
	struct sg_mgmt *m;
	struct MHD_Connection *mhd;
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

/* ---- event loop glue ---- */

static void mgmt_schedule(struct sg_mgmt *m)
{
	MHD_UNSIGNED_LONG_LONG to;

	if (MHD_get_timeout(m->daemon, &to) == MHD_YES)
		sg_timer_start_ms(&m->timer, OSMO_MIN(to, MGMT_MAX_WAIT_MS));
	else
		sg_timer_stop(&m->timer);
}

static void mgmt_run(struct sg_mgmt *m)
{
	if (!m->daemon)
		return;
	if (MHD_run(m->daemon) != MHD_YES)
		LOGP(DMGMT, LOGL_ERROR, "MHD_run failed\n");
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

__attribute__((format(printf, 2, 0)))
static void mgmt_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];
	size_t len;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	LOGP(DMGMT, LOGL_NOTICE, "libmicrohttpd: %s\n", buf);
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

static struct json_object *status_json(struct sg_mgmt *m)
{
	struct json_object *doc, *threads, *ctrs;
	uint64_t up = (sg_now() - m->start_ns) / SG_NS_PER_S;
	unsigned int i;

	doc = json_object_new_object();
	threads = json_object_new_array();
	ctrs = sg_ctr_group_to_json(m->ctrs);
	if (!doc || !threads || !ctrs)
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
	json_object_object_add(doc, "counters", ctrs);
	return doc;
err:
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

struct sg_mgmt *sg_mgmt_alloc(void *ctx, const struct sg_config *cfg,
			      struct sg_thread *mgmt_thread,
			      const struct sg_mgmt_status_info *info)
{
	struct sg_mgmt *m;
	struct json_object *shown = NULL;
	const char *js = "{}";
	const char *path = NULL;
	unsigned int i;

	if (!cfg || !mgmt_thread)
		return NULL;
	m = talloc_zero(ctx, struct sg_mgmt);
	if (!m)
		return NULL;
	m->thread = mgmt_thread;
	INIT_LLIST_HEAD(&m->jobs);
	m->call_timeout_ms = MGMT_CALL_TIMEOUT_MS;
	m->start_ns = sg_now();
	OSMO_STRLCPY_ARRAY(m->listen, cfg->mgmt_listen);
	m->port = cfg->mgmt_port;
	OSMO_STRLCPY_ARRAY(m->token, cfg->mgmt_token);
	m->token_len = strlen(m->token);
	m->loopback = cfg->mgmt_loopback;
	OSMO_STRLCPY_ARRAY(m->node_name, cfg->node_name);

	/* cfg->root belongs to the main thread: serialize it here, once,
	 * with the secrets masked (GET /api/v1/config shows that they are
	 * set, never what they are) */
	if (cfg->root) {
		if (json_object_deep_copy(cfg->root, &shown, NULL) < 0)
			goto err;
		config_mask_secrets(shown);
		js = json_object_to_json_string_ext(shown, JSON_FLAGS);
	}
	m->config_json = talloc_asprintf(m, "%s\n", js ? js : "{}");
	json_object_put(shown);
	shown = NULL;
	if (info && info->config_path)
		path = info->config_path;
	else
		path = cfg->path;
	m->config_path = path ? talloc_strdup(m, path) : NULL;
	m->version = talloc_strdup(m, info && info->version ? info->version : "unknown");
	if (!m->config_json || (path && !m->config_path) || !m->version)
		goto err;
	m->config_json_len = strlen(m->config_json);

	if (info && info->num_threads && info->threads) {
		m->threads = talloc_zero_array(m, struct mgmt_thread_info, info->num_threads);
		if (!m->threads)
			goto err;
		for (i = 0; i < info->num_threads; i++) {
			const char *n = sg_thread_name(info->threads[i]);

			m->threads[i].name = talloc_strdup(m->threads, n ? n : "");
			m->threads[i].role = sg_thread_role(info->threads[i]);
			if (!m->threads[i].name)
				goto err;
		}
		m->num_threads = info->num_threads;
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
	m->daemon = MHD_start_daemon(flags, m->port, NULL, NULL, mgmt_access, m,
		MHD_OPTION_EXTERNAL_LOGGER, mgmt_mhd_log, m,	/* first, to catch all */
		MHD_OPTION_UNESCAPE_CALLBACK, mgmt_unescape, m,
		MHD_OPTION_SOCK_ADDR, &addr.sa,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MGMT_MAX_CONNS,
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
