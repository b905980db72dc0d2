/* Unit tests of the management API: routes, errors, auth, callbacks on their owner thread. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include <sg/config.h>
#include <sg/counter.h>
#include <sg/log.h>
#include <sg/mgmt.h>
#include <sg/thread.h>
#include <sg/timer.h>
#include "cu_main.h"
#include "done.h"

#define IO_TIMEOUT_MS	5000
#define TOKEN		"0123456789abcdef-secret"

/* ---- the test collections ---- */

/* Where the last callback ran. */
static struct {
	pthread_mutex_t lock;
	struct sg_thread *thread;
	pthread_t pthread;
	unsigned int calls;
} seen = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void record_thread(void)
{
	pthread_mutex_lock(&seen.lock);
	seen.thread = sg_thread_self();
	seen.pthread = pthread_self();
	seen.calls++;
	pthread_mutex_unlock(&seen.lock);
}

static void forget_thread(void)
{
	pthread_mutex_lock(&seen.lock);
	seen.thread = NULL;
	seen.calls = 0;
	pthread_mutex_unlock(&seen.lock);
}

/* True when a callback has run since forget_thread(), and only on t. */
static bool ran_on(struct sg_thread *t)
{
	bool ok;

	pthread_mutex_lock(&seen.lock);
	ok = seen.calls > 0 && seen.thread == t &&
	     pthread_equal(seen.pthread, sg_thread_pthread(t));
	pthread_mutex_unlock(&seen.lock);
	return ok;
}

enum { LINK_CTR_RX, LINK_CTR_TX };
static const struct sg_ctr_desc link_ctr_desc[] = {
	[LINK_CTR_RX] = { "rx:su:total", "Signal units received" },
	[LINK_CTR_TX] = { "tx:su:total", "Signal units sent" },
};
static const struct sg_ctr_group_desc link_ctrg_desc = {
	.name = "test_link", .num = ARRAY_SIZE(link_ctr_desc), .ctr = link_ctr_desc,
};

/* Owned by the owner thread once it runs. */
struct test_link {
	const char *name;
	char state[8];
	struct sg_ctr_group *ctrs;
};
static struct test_link links[2] = { { .name = "l0" }, { .name = "l1" } };

/* The "block" command parks the owner thread until the test releases it. */
static struct done block_entered, block_release;
static unsigned int block_count;

static struct test_link *link_find(const char *item, struct sg_mgmt_err *err)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(links); i++) {
		if (item && !strcmp(links[i].name, item))
			return &links[i];
	}
	sg_mgmt_err_set(err, 404, "no link '%s'", item ? item : "");
	return NULL;
}

static struct json_object *link_json(const struct test_link *l, bool counters)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(l->name));
	json_object_object_add(o, "state", json_object_new_string(l->state));
	if (counters)
		json_object_object_add(o, "counters", sg_ctr_group_to_json(l->ctrs));
	return o;
}

static struct json_object *links_list(void *priv, struct sg_mgmt_err *err)
{
	struct json_object *arr = json_object_new_array();

	record_thread();
	for (unsigned int i = 0; i < ARRAY_SIZE(links); i++)
		json_object_array_add(arr, link_json(&links[i], false));
	return arr;
}

static struct json_object *links_get(void *priv, const char *item, struct sg_mgmt_err *err)
{
	struct test_link *l;

	record_thread();
	l = link_find(item, err);
	return l ? link_json(l, true) : NULL;
}

static struct json_object *links_set(void *priv, const char *item, struct json_object *body,
				     struct sg_mgmt_err *err)
{
	struct json_object *st;
	struct test_link *l;
	const char *s;

	record_thread();
	l = link_find(item, err);
	if (!l)
		return NULL;
	if (!json_object_object_get_ex(body, "state", &st) ||
	    !json_object_is_type(st, json_type_string)) {
		sg_mgmt_err_set(err, 400, "\"state\" must be a string");
		return NULL;
	}
	s = json_object_get_string(st);
	if (strcmp(s, "up") && strcmp(s, "down")) {
		sg_mgmt_err_set(err, 400, "state must be \"up\" or \"down\", not '%.16s'", s);
		return NULL;
	}
	OSMO_STRLCPY_ARRAY(l->state, s);
	return link_json(l, true);
}

static struct json_object *links_command(void *priv, const char *item, const char *cmd,
					 struct json_object *args, struct sg_mgmt_err *err)
{
	struct json_object *o;
	struct test_link *l;

	record_thread();
	l = link_find(item, err);
	if (!l)
		return NULL;
	if (!strcmp(cmd, "reset")) {
		for (unsigned int i = 0; i < l->ctrs->desc->num; i++)
			l->ctrs->v[i] = 0;
	} else if (!strcmp(cmd, "block")) {
		block_count++;
		done_signal(&block_entered);
		done_wait(&block_release, block_count);
	} else {
		sg_mgmt_err_set(err, 404, "no command '%s'", cmd);
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "done", json_object_new_string(cmd));
	json_object_object_add(o, "args", json_object_get(args));
	return o;
}

static const struct sg_mgmt_cmd_desc link_cmds[] = {
	{ "reset", "Zero the link's counters" },
	{ "block", "Test only: park the owner thread until the test releases it" },
	{ NULL }
};

static struct json_object *plain_list(void *priv, struct sg_mgmt_err *err)
{
	record_thread();
	return json_object_new_array();
}

/* ---- the system under test ---- */

static void *ctx;
static struct sg_thread *owner_thr, *dead_thr, *mgmt_thr, *mgmt2_thr;
static struct sg_config *cfg, *cfg2;
static struct sg_mgmt *mgmt, *mgmt2;
static unsigned int port, port2;
static uint64_t mgmt_alloc_ns[2];	/* sg_now() just before and just after mgmt's allocation */

static int mgmt_init(struct sg_thread *t, void *priv)
{
	return sg_mgmt_start(priv);
}

static int mgmt_fini(struct sg_thread *t, void *priv)
{
	sg_mgmt_stop(priv);
	return 0;
}

static int register_all(struct sg_mgmt *m, struct sg_thread *mthr)
{
	const struct sg_mgmt_collection links_c = {
		.name = "links",
		.description = "Test links on the owner thread",
		.owner = owner_thr,
		.list = links_list,
		.get = links_get,
		.set = links_set,
		.command = links_command,
		.commands = link_cmds,
	};
	const struct sg_mgmt_collection dead_c = {
		.name = "dead",
		.description = "Owned by a thread the test stops",
		.owner = dead_thr,
		.list = plain_list,
	};
	const struct sg_mgmt_collection local_c = {
		.name = "local",
		.description = "Owned by the management thread",
		.owner = mthr,
		.list = plain_list,
	};

	if (sg_mgmt_register(m, &links_c) || sg_mgmt_register(m, &dead_c) ||
	    sg_mgmt_register(m, &local_c))
		return -1;
	return 0;
}

static int suite_init(void)
{
	static const char json1[] =
		"{ \"node\": { \"name\": \"sg-test\" },\n"
		"  \"management\": { \"listen\": \"127.0.0.1\", \"port\": 0,"
		/* test_concurrent opens 32 connections from 127.0.0.1 at once */
		" \"max_connections_per_address\": 32 } }";
	static const char json2[] =
		"{ \"node\": { \"name\": \"sg-test-2\" },\n"
		"  \"management\": { \"listen\": \"127.0.0.1\", \"port\": 0,"
		" \"token\": \"" TOKEN "\" } }";
	struct sg_thread *threads[3];
	struct sg_mgmt_params p, p2;
	char err[256];

	ctx = talloc_named_const(NULL, 0, "test_mgmt");
	if (sg_log_init(ctx, SG_LOG_STDERR, false) < 0)
		return -1;
	log_enable_multithread();
	done_init(&block_entered);
	done_init(&block_release);
	for (unsigned int i = 0; i < ARRAY_SIZE(links); i++) {
		links[i].ctrs = sg_ctr_group_alloc(ctx, &link_ctrg_desc);
		if (!links[i].ctrs)
			return -1;
		OSMO_STRLCPY_ARRAY(links[i].state, "up");
	}
	links[0].ctrs->v[LINK_CTR_RX] = 5;

	cfg = sg_config_parse(ctx, json1, "test.json", err, sizeof(err));
	cfg2 = sg_config_parse(ctx, json2, "test2.json", err, sizeof(err));
	if (!cfg || !cfg2) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	owner_thr = sg_thread_alloc(ctx, "owner", SG_THREAD_CORE, 64);
	dead_thr = sg_thread_alloc(ctx, "dead", SG_THREAD_OTHER, 64);
	mgmt_thr = sg_thread_alloc(ctx, "mgmt", SG_THREAD_MGMT, 256);
	mgmt2_thr = sg_thread_alloc(ctx, "mgmt2", SG_THREAD_MGMT, 256);
	if (!owner_thr || !dead_thr || !mgmt_thr || !mgmt2_thr)
		return -1;
	threads[0] = mgmt_thr;
	threads[1] = owner_thr;
	threads[2] = dead_thr;

	mgmt_alloc_ns[0] = sg_now();
	sg_config_mgmt_params(cfg, &p);
	p.version = "0.1.0-test";
	p.threads = threads;
	p.num_threads = 3;
	mgmt = sg_mgmt_alloc(ctx, &p, mgmt_thr);
	mgmt_alloc_ns[1] = sg_now();
	sg_config_mgmt_params(cfg2, &p2);
	p2.version = p.version;
	p2.threads = threads;
	p2.num_threads = 2;
	mgmt2 = sg_mgmt_alloc(ctx, &p2, mgmt2_thr);
	if (!mgmt || !mgmt2)
		return -1;
	if (register_all(mgmt, mgmt_thr) || register_all(mgmt2, mgmt2_thr))
		return -1;
	sg_mgmt_set_call_timeout(mgmt2, 200);
	sg_thread_set_hooks(mgmt_thr, mgmt_init, mgmt_fini, mgmt);
	sg_thread_set_hooks(mgmt2_thr, mgmt_init, mgmt_fini, mgmt2);

	if (sg_thread_start(owner_thr) || sg_thread_start(dead_thr) ||
	    sg_thread_start(mgmt_thr) || sg_thread_start(mgmt2_thr))
		return -1;
	port = sg_mgmt_port(mgmt);
	port2 = sg_mgmt_port(mgmt2);
	return port && port2 && port != port2 ? 0 : -1;
}

static int suite_clean(void)
{
	/* release a parked owner (only if a test failed half way) */
	for (unsigned int i = 0; i < 4; i++)
		done_signal(&block_release);
	/* the management threads first: their fini hooks stop the servers */
	sg_thread_stop(mgmt_thr);
	sg_thread_stop(mgmt2_thr);
	sg_thread_stop(owner_thr);
	sg_thread_stop(dead_thr);
	sg_mgmt_free(mgmt);
	sg_mgmt_free(mgmt2);
	sg_thread_free(mgmt_thr);
	sg_thread_free(mgmt2_thr);
	sg_thread_free(owner_thr);
	sg_thread_free(dead_thr);
	sg_config_free(cfg);
	sg_config_free(cfg2);
	sg_log_fini();
	talloc_free(ctx);
	return 0;
}

/* ---- a small blocking HTTP/1.1 client (poll with timeouts) ---- */

struct resp {
	int status;
	char head[4096];
	char *body;
	size_t body_len;
	struct json_object *json;
};

static void resp_free(struct resp *r)
{
	json_object_put(r->json);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static int wait_fd(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int rc = poll(&p, 1, IO_TIMEOUT_MS);

	return rc == 1 ? 0 : -1;
}

/* Connect and send the raw request; returns the socket or -1. */
static int http_send(unsigned int p, const char *req, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(p) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t off = 0;

	if (fd < 0)
		return -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		goto err;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (off < len) {
		ssize_t n;

		if (wait_fd(fd, POLLOUT))
			goto err;
		n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			goto err;
		if (n > 0)
			off += n;
	}
	return fd;
err:
	close(fd);
	return -1;
}

/* Read the whole answer (the server closes: "Connection: close"). */
static int http_recv(int fd, struct resp *r)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap + 1), *sep;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!buf)
		goto out;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb)
				goto out;
			buf = nb;
			cap *= 2;
		}
		if (wait_fd(fd, POLLIN))
			goto out;
		n = recv(fd, buf + len, cap - len, 0);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ECONNRESET && len)
				break;
			goto out;
		}
		len += n;
	}
	buf[len] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1)
		goto out;
	sep = strstr(buf, "\r\n\r\n");
	if (!sep)
		goto out;
	OSMO_STRLCPY_ARRAY(r->head, "\r\n");
	osmo_strlcpy(r->head + 2, buf, OSMO_MIN((size_t)(sep - buf) + 3, sizeof(r->head) - 2));
	r->body_len = len - (sep + 4 - buf);
	r->body = strdup(sep + 4);
	if (!r->body)
		goto out;
	if (r->body_len)
		r->json = json_tokener_parse(r->body);
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

/* A request: body != NULL adds a Content-Length; ctype (may be NULL) the
 * Content-Type; extra holds more header lines ("Name: value\r\n"). */
static int http(unsigned int p, const char *method, const char *path, const char *ctype,
		const char *body, const char *extra, struct resp *r)
{
	size_t blen = body ? strlen(body) : 0;
	size_t cap = strlen(method) + strlen(path) + (ctype ? strlen(ctype) : 0) +
		     (extra ? strlen(extra) : 0) + blen + 256;
	char *req = malloc(cap);
	int fd, len;

	if (!req)
		return -1;
	len = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
		       "%s%s%s%s", method, path,
		       ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
		       extra ? extra : "");
	if (body)
		len += snprintf(req + len, cap - len, "Content-Length: %zu\r\n\r\n%s", blen, body);
	else
		len += snprintf(req + len, cap - len, "\r\n");
	fd = len > 0 && (size_t)len < cap ? http_send(p, req, len) : -1;
	free(req);
	if (fd < 0)
		return -1;
	return http_recv(fd, r);
}

static int get(unsigned int p, const char *path, struct resp *r)
{
	return http(p, "GET", path, NULL, NULL, NULL, r);
}

static int put_json(unsigned int p, const char *path, const char *body, struct resp *r)
{
	return http(p, "PUT", path, "application/json", body, NULL, r);
}

/* A header's value (case-insensitive name), copied to buf; NULL if absent. */
static const char *header(const struct resp *r, const char *name, char *buf, size_t len)
{
	const char *p = r->head;
	size_t n = strlen(name);

	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1, *e;
			size_t vlen;

			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			vlen = e ? (size_t)(e - v) : strlen(v);
			osmo_strlcpy(buf, v, OSMO_MIN(len, vlen + 1));
			return buf;
		}
	}
	return NULL;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The reason of an error document, "" when there is none. */
static const char *err_reason(const struct resp *r)
{
	struct json_object *e = jget(r->json, "error");
	const char *s = e ? jstr(e, "reason") : NULL;

	return s ? s : "";
}

static int err_status(const struct resp *r)
{
	struct json_object *e = jget(r->json, "error");

	return e && jget(e, "status") ? json_object_get_int(jget(e, "status")) : -1;
}

/* Find {"name": name} in an array of objects. */
static struct json_object *find_named(struct json_object *arr, const char *name)
{
	if (!json_object_is_type(arr, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		const char *n = jstr(o, "name");

		if (n && !strcmp(n, name))
			return o;
	}
	return NULL;
}

static int64_t counter(struct json_object *ctrs, const char *name)
{
	struct json_object *c = find_named(ctrs, name);

	return c && jget(c, "value") ? json_object_get_int64(jget(c, "value")) : -1;
}

/* Every answer is a JSON document with a JSON content type ending in '\n'. */
static void check_json_answer(const struct resp *r)
{
	char ct[64];

	CU_ASSERT_PTR_NOT_NULL(header(r, "Content-Type", ct, sizeof(ct)));
	CU_ASSERT_STRING_EQUAL(header(r, "Content-Type", ct, sizeof(ct)) ? ct : "",
			       "application/json");
	CU_ASSERT_PTR_NOT_NULL(r->json);
	CU_ASSERT(r->body_len > 0 && r->body[r->body_len - 1] == '\n');
}

/* An error answer with the status both in HTTP and in the document, whose
 * reason contains 'want'. */
static void check_error(const struct resp *r, int status, const char *want)
{
	CU_ASSERT_EQUAL(r->status, status);
	check_json_answer(r);
	CU_ASSERT_EQUAL(err_status(r), status);
	if (!strstr(err_reason(r), want)) {
		fprintf(stderr, "reason '%s' lacks '%s'\n", err_reason(r), want);
		CU_FAIL("error reason");
	}
}

/* ---- tests: fixed routes ---- */

static void test_status(void)
{
	struct json_object *threads, *t;
	struct resp r;
	uint64_t t0, t1, up_lo, up_hi;
	int64_t up;

	t0 = sg_now();
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/status", &r), 0);
	t1 = sg_now();
	CU_ASSERT_EQUAL(r.status, 200);
	check_json_answer(&r);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "name") ? : "", "sg-test");
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "version") ? : "", "0.1.0-test");
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "config_file") ? : "", "test.json");
	CU_ASSERT(json_object_is_type(jget(r.json, "uptime_s"), json_type_int));
	/* whole seconds since sg_mgmt_alloc(), on the same clock: the server read the clock
	 * between t0 and t1, and started it between the two readings around the allocation
	 * (normally 0 .. 0: the suite has run for a fraction of a second) */
	up = json_object_get_int64(jget(r.json, "uptime_s"));
	up_lo = (t0 - mgmt_alloc_ns[1]) / SG_NS_PER_S;
	up_hi = (t1 - mgmt_alloc_ns[0]) / SG_NS_PER_S;
	if (up < 0 || (uint64_t)up < up_lo || (uint64_t)up > up_hi) {
		fprintf(stderr, "uptime_s %lld, expected %llu..%llu\n", (long long)up,
			(unsigned long long)up_lo, (unsigned long long)up_hi);
		CU_FAIL("uptime_s");
	}
	threads = jget(r.json, "threads");
	CU_ASSERT_EQUAL(json_object_array_length(threads), 3);
	t = find_named(threads, "owner");
	CU_ASSERT_STRING_EQUAL(t ? jstr(t, "role") : "", "core");
	t = find_named(threads, "mgmt");
	CU_ASSERT_STRING_EQUAL(t ? jstr(t, "role") : "", "mgmt");
	CU_ASSERT_EQUAL(counter(jget(r.json, "counters"), "http:requests:total"), 1);
	CU_ASSERT(counter(jget(r.json, "counters"), "http:auth:failures") == 0);
	resp_free(&r);

	/* HEAD: same headers, no body */
	CU_ASSERT_EQUAL_FATAL(http(port, "HEAD", "/api/v1/status", NULL, NULL, NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(r.body_len, 0);
	resp_free(&r);
}

static void test_config(void)
{
	struct json_object *mg;
	struct resp r;

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/config", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	check_json_answer(&r);
	CU_ASSERT_STRING_EQUAL(jstr(jget(r.json, "node"), "name") ? : "", "sg-test");
	mg = jget(r.json, "management");
	CU_ASSERT_STRING_EQUAL(jstr(mg, "listen") ? : "", "127.0.0.1");
	resp_free(&r);
}

static void test_index(void)
{
	struct json_object *colls, *links_o, *cmds, *routes;
	struct resp r;

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	check_json_answer(&r);
	routes = jget(r.json, "routes");
	CU_ASSERT_EQUAL(json_object_array_length(routes), 3);
	colls = jget(r.json, "collections");
	CU_ASSERT_PTR_NOT_NULL(find_named(colls, "log"));
	CU_ASSERT_PTR_NOT_NULL(find_named(colls, "dead"));
	CU_ASSERT_PTR_NOT_NULL(find_named(colls, "local"));
	links_o = find_named(colls, "links");
	CU_ASSERT_PTR_NOT_NULL_FATAL(links_o);
	CU_ASSERT_STRING_EQUAL(jstr(links_o, "description") ? : "",
			       "Test links on the owner thread");
	CU_ASSERT_EQUAL(json_object_array_length(jget(links_o, "operations")), 4);
	cmds = jget(links_o, "commands");
	CU_ASSERT_EQUAL(json_object_array_length(cmds), 2);
	CU_ASSERT_STRING_EQUAL(jstr(find_named(cmds, "reset"), "path") ? : "",
			       "/api/v1/links/{item}/reset");
	CU_ASSERT_STRING_EQUAL(jstr(find_named(cmds, "reset"), "description") ? : "",
			       "Zero the link's counters");
	resp_free(&r);
}

/* ---- tests: collections routed to their owner ---- */

static void test_list_on_owner(void)
{
	struct resp r;

	forget_thread();
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/links", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	check_json_answer(&r);
	CU_ASSERT_EQUAL(json_object_array_length(r.json), 2);
	CU_ASSERT_STRING_EQUAL(jstr(find_named(r.json, "l1"), "state") ? : "", "up");
	CU_ASSERT(ran_on(owner_thr));
	resp_free(&r);

	/* a body on GET is ignored */
	CU_ASSERT_EQUAL_FATAL(http(port, "GET", "/api/v1/links", "text/plain", "ignored", NULL,
				   &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(r.json), 2);
	resp_free(&r);
}

static void test_get_on_owner(void)
{
	struct resp r;

	forget_thread();
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/links/l0", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	check_json_answer(&r);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "name") ? : "", "l0");
	CU_ASSERT_EQUAL(counter(jget(r.json, "counters"), "rx:su:total"), 5);
	CU_ASSERT_EQUAL(counter(jget(r.json, "counters"), "tx:su:total"), 0);
	CU_ASSERT(ran_on(owner_thr));
	resp_free(&r);

	/* item not found, reported by the callback */
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/links/l9", &r), 0);
	check_error(&r, 404, "no link 'l9'");
	resp_free(&r);
}

static void test_set_on_owner(void)
{
	struct resp r;

	forget_thread();
	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/links/l1", "{\"state\":\"down\"}", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	check_json_answer(&r);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "state") ? : "", "down");
	CU_ASSERT(ran_on(owner_thr));
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/links/l1", &r), 0);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "state") ? : "", "down");
	resp_free(&r);

	/* refused by the callback */
	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/links/l1", "{\"state\":\"sideways\"}", &r),
			      0);
	check_error(&r, 400, "state must be");
	resp_free(&r);

	/* a charset parameter is fine */
	CU_ASSERT_EQUAL_FATAL(http(port, "PUT", "/api/v1/links/l1",
				   "application/json; charset=utf-8", "{\"state\":\"up\"}",
				   NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
}

static void test_command_on_owner(void)
{
	struct resp r;

	forget_thread();
	CU_ASSERT_EQUAL_FATAL(http(port, "POST", "/api/v1/links/l0/reset", NULL, NULL, NULL, &r),
			      0);
	CU_ASSERT_EQUAL(r.status, 200);
	check_json_answer(&r);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "done") ? : "", "reset");
	CU_ASSERT(ran_on(owner_thr));
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/links/l0", &r), 0);
	CU_ASSERT_EQUAL(counter(jget(r.json, "counters"), "rx:su:total"), 0);
	resp_free(&r);

	/* with arguments: the object reaches the callback */
	CU_ASSERT_EQUAL_FATAL(http(port, "POST", "/api/v1/links/l1/reset", "application/json",
				   "{\"why\":\"test\"}", NULL, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(jstr(jget(r.json, "args"), "why") ? : "", "test");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port, "POST", "/api/v1/links/l0/explode", NULL, NULL, NULL,
				   &r), 0);
	check_error(&r, 404, "no command 'explode' in 'links'");
	resp_free(&r);
}

static void test_local_collection(void)
{
	struct resp r;

	forget_thread();
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/local", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT(json_object_is_type(r.json, json_type_array));
	CU_ASSERT(ran_on(mgmt_thr));
	resp_free(&r);
}

/* Two requests on one connection, the first one suspended on the owner. */
static void test_keep_alive(void)
{
	static const char req[] =
		"GET /api/v1/links/l0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
		"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	struct resp r;
	const char *second;
	int fd;

	forget_thread();
	fd = http_send(port, req, sizeof(req) - 1);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(http_recv(fd, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT(ran_on(owner_thr));
	/* the first body is the link, the second answer follows it */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"l0\""));
	second = strstr(r.body, "HTTP/1.1 200 OK\r\n");
	CU_ASSERT_PTR_NOT_NULL(second);
	CU_ASSERT_PTR_NOT_NULL(second ? strstr(second, "\"sg-test\"") : NULL);
	resp_free(&r);
}

/* Many requests waiting for the owner at once, answered in any order. */
static void test_concurrent(void)
{
	static const char req[] =
		"GET /api/v1/links/l1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	int fds[32];
	struct resp r;

	for (unsigned int i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = http_send(port, req, sizeof(req) - 1);
		CU_ASSERT_FATAL(fds[i] >= 0);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(fds); i++) {
		CU_ASSERT_EQUAL_FATAL(http_recv(fds[i], &r), 0);
		CU_ASSERT_EQUAL(r.status, 200);
		CU_ASSERT_STRING_EQUAL(jstr(r.json, "name") ? : "", "l1");
		resp_free(&r);
	}
}

/* ---- tests: errors ---- */

static void test_not_found(void)
{
	static const struct {
		const char *path, *reason;
	} cases[] = {
		{ "/api/v1/nope", "no collection 'nope'" },
		{ "/api/v1/nope/x", "no collection 'nope'" },
		{ "/api/v1/status/x", "no route" },
		{ "/api/v1x", "no route" },
		{ "/", "no route" },
		{ "/index.html", "no route" },
		{ "/api/v1/dead/x", "('dead' offers no method here)" },
		{ "/api/v1/dead/x/y", "('dead' offers no method here)" },
	};
	struct resp r;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(get(port, cases[i].path, &r), 0);
		check_error(&r, 404, cases[i].reason);
		resp_free(&r);
	}
}

static void test_method_not_allowed(void)
{
	static const struct {
		const char *method, *path, *allow;
	} cases[] = {
		{ "DELETE", "/api/v1/links/l0", "GET, HEAD, PUT" },
		{ "POST", "/api/v1/status", "GET, HEAD" },
		{ "PUT", "/api/v1/config", "GET, HEAD" },
		{ "POST", "/api/v1", "GET, HEAD" },
		{ "PUT", "/api/v1/links", "GET, HEAD" },
		{ "GET", "/api/v1/links/l0/reset", "POST" },
		{ "PATCH", "/api/v1/log/mtp2", "GET, HEAD, PUT" },
	};
	struct resp r;
	char allow[64];

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(http(port, cases[i].method, cases[i].path, NULL, NULL, NULL,
					   &r), 0);
		check_error(&r, 405, "not allowed");
		CU_ASSERT_PTR_NOT_NULL(header(&r, "Allow", allow, sizeof(allow)));
		CU_ASSERT_STRING_EQUAL(header(&r, "Allow", allow, sizeof(allow)) ? allow : "-",
				       cases[i].allow);
		resp_free(&r);
	}
}

static void test_bad_request(void)
{
	static const struct {
		const char *path, *body, *reason;
	} cases[] = {
		{ "/api/v1/links/l0", "{\"state\": ", "malformed JSON body" },
		{ "/api/v1/links/l0", "{\"state\" \"up\"}", "malformed JSON body: " },
		{ "/api/v1/links/l0", "{} x", "data after the JSON value" },
		{ "/api/v1/links/l0", "[1, 2]", "body must be a JSON object" },
		{ "/api/v1/links/l0", "42", "body must be a JSON object" },
		{ "/api/v1/links/l0", "", "PUT needs a JSON object body" },
		{ "/api/v1//l0", "{}", "empty path segment" },
		{ "/api/v1/", "{}", "empty path segment" },
		{ "/api/v1/links/l0/reset/x", "{}", "path too deep" },
	};
	char longpath[200];
	struct resp r;

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(put_json(port, cases[i].path, cases[i].body, &r), 0);
		check_error(&r, 400, cases[i].reason);
		resp_free(&r);
	}
	/* json-c's own words are passed on */
	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/links/l0", "{\"a\": tru}", &r), 0);
	check_error(&r, 400, "malformed JSON body: ");
	CU_ASSERT(strlen(err_reason(&r)) > strlen("malformed JSON body: "));
	resp_free(&r);

	snprintf(longpath, sizeof(longpath), "/api/v1/links/%0100d", 0);
	CU_ASSERT_EQUAL_FATAL(get(port, longpath, &r), 0);
	check_error(&r, 400, "path segment longer than");
	resp_free(&r);

	/* the link is untouched */
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/links/l0", &r), 0);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "state") ? : "", "up");
	resp_free(&r);
}

static void test_too_large(void)
{
	const size_t chunk = 4096, chunks = 20;
	char *req, *p;
	struct resp r;
	int fd;

	/* announced by Content-Length: refused before the body is read */
	static const char hdr[] =
		"PUT /api/v1/links/l0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
		"Content-Type: application/json\r\nContent-Length: 70000\r\n\r\n";
	fd = http_send(port, hdr, sizeof(hdr) - 1);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(http_recv(fd, &r), 0);
	check_error(&r, 413, "larger than 65536");
	resp_free(&r);

	/* chunked: found out while reading */
	req = malloc(256 + chunks * (chunk + 16));
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	p = req + sprintf(req, "PUT /api/v1/links/l0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			  "Connection: close\r\nContent-Type: application/json\r\n"
			  "Transfer-Encoding: chunked\r\n\r\n");
	for (size_t i = 0; i < chunks; i++) {
		p += sprintf(p, "%zx\r\n", chunk);
		memset(p, ' ', chunk);
		p += chunk;
		p += sprintf(p, "\r\n");
	}
	p += sprintf(p, "0\r\n\r\n");
	fd = http_send(port, req, p - req);
	free(req);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(http_recv(fd, &r), 0);
	check_error(&r, 413, "larger than 65536");
	resp_free(&r);
}

static void test_media_type_and_length(void)
{
	static const char no_len[] =
		"PUT /api/v1/links/l0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
		"Content-Type: application/json\r\n\r\n";
	struct resp r;
	int fd;

	CU_ASSERT_EQUAL_FATAL(http(port, "PUT", "/api/v1/links/l0", "text/plain",
				   "{\"state\":\"down\"}", NULL, &r), 0);
	check_error(&r, 415, "application/json");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port, "POST", "/api/v1/links/l0/reset", NULL, "{}", NULL, &r),
			      0);
	check_error(&r, 415, "application/json");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port, "PUT", "/api/v1/links/l0", "application/jsonx",
				   "{\"state\":\"down\"}", NULL, &r), 0);
	check_error(&r, 415, "application/json");
	resp_free(&r);

	fd = http_send(port, no_len, sizeof(no_len) - 1);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(http_recv(fd, &r), 0);
	check_error(&r, 411, "Content-Length");
	resp_free(&r);
}

/* ---- tests: the log collection (management thread) ---- */

static void test_log_levels(void)
{
	struct json_object *c;
	struct resp r;

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/log", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(json_object_array_length(r.json), _SG_LOG_CAT_MAX);
	c = find_named(r.json, "mtp2");
	CU_ASSERT_STRING_EQUAL(c ? jstr(c, "level") : "", "notice");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/log/mtp2", "{\"level\":\"debug\"}", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "level") ? : "", "debug");
	resp_free(&r);
	CU_ASSERT_EQUAL(sg_log_get_level(DMTP2), LOGL_DEBUG);

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/log", &r), 0);
	c = find_named(r.json, "mtp2");
	CU_ASSERT_STRING_EQUAL(c ? jstr(c, "level") : "", "debug");
	c = find_named(r.json, "mtp3");
	CU_ASSERT_STRING_EQUAL(c ? jstr(c, "level") : "", "notice");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/log/mtp2", &r), 0);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "level") ? : "", "debug");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/log/mtp2", "{\"level\":\"loud\"}", &r), 0);
	check_error(&r, 400, "unknown level 'loud'");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/log/mtp2", "{\"level\":3}", &r), 0);
	check_error(&r, 400, "must be a string");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/log/mtp2", "{\"lvl\":\"info\"}", &r), 0);
	check_error(&r, 400, "unknown member 'lvl'");
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/log/nope", "{\"level\":\"info\"}", &r), 0);
	check_error(&r, 404, "no log category 'nope'");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(put_json(port, "/api/v1/log/mtp2", "{\"level\":\"notice\"}", &r),
			      0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	CU_ASSERT_EQUAL(sg_log_get_level(DMTP2), LOGL_NOTICE);
}

/* ---- tests: owner thread unavailable ---- */

static void test_stopped_owner(void)
{
	struct resp r;

	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/dead", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);

	sg_thread_stop(dead_thr);
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/dead", &r), 0);
	check_error(&r, 503, "thread 'dead' owning 'dead' is unavailable");
	resp_free(&r);

	/* the server goes on */
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/status", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT(counter(jget(r.json, "counters"), "api:calls:refused") == 1);
	CU_ASSERT(counter(jget(r.json, "counters"), "http:responses:5xx") == 1);
	CU_ASSERT(counter(jget(r.json, "counters"), "http:responses:4xx") > 10);
	resp_free(&r);
}

/* ---- tests: the second server, with a token ---- */

static void test_auth(void)
{
	struct resp r;
	char www[64];

	CU_ASSERT_EQUAL_FATAL(get(port2, "/api/v1/status", &r), 0);
	check_error(&r, 401, "authorization required");
	CU_ASSERT_STRING_EQUAL(header(&r, "WWW-Authenticate", www, sizeof(www)) ? : "",
			       "Bearer realm=\"sigtran-sg\"");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port2, "GET", "/api/v1/status", NULL, NULL,
				   "Authorization: Bearer " TOKEN "x\r\n", &r), 0);
	check_error(&r, 401, "invalid token");
	CU_ASSERT_PTR_NOT_NULL(header(&r, "WWW-Authenticate", www, sizeof(www)));
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port2, "GET", "/api/v1/status", NULL, NULL,
				   "Authorization: Bearer 0123456789abcdef-secreT\r\n", &r), 0);
	check_error(&r, 401, "invalid token");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port2, "GET", "/api/v1/status", NULL, NULL,
				   "Authorization: Basic Zm9vOmJhcg==\r\n", &r), 0);
	check_error(&r, 401, "Bearer");
	resp_free(&r);

	/* even unknown routes need the token: nothing is told before */
	CU_ASSERT_EQUAL_FATAL(get(port2, "/api/v1/nope", &r), 0);
	check_error(&r, 401, "authorization required");
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port2, "GET", "/api/v1/status", NULL, NULL,
				   "Authorization: Bearer " TOKEN "\r\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "name") ? : "", "sg-test-2");
	CU_ASSERT_EQUAL(counter(jget(r.json, "counters"), "http:auth:failures"), 5);
	CU_ASSERT_EQUAL(json_object_array_length(jget(r.json, "threads")), 2);
	resp_free(&r);

	CU_ASSERT_EQUAL_FATAL(http(port2, "GET", "/api/v1/links/l0", NULL, NULL,
				   "authorization: bearer " TOKEN "\r\n", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
}

#define AUTH "Authorization: Bearer " TOKEN "\r\n"

static int block_send(unsigned int p)
{
	static const char req[] =
		"POST /api/v1/links/l0/block HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		"Connection: close\r\n" AUTH "\r\n";

	return http_send(p, req, sizeof(req) - 1);
}

/* The owner doesn't answer in time: 503; its late answer is dropped. */
static void test_owner_timeout(void)
{
	struct resp r;
	int fd;

	fd = block_send(port2);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(done_wait(&block_entered, 1));
	CU_ASSERT_EQUAL_FATAL(http_recv(fd, &r), 0);
	check_error(&r, 503, "thread 'owner' did not answer within 200 ms");
	resp_free(&r);

	done_signal(&block_release);
	/* the owner is free again; its stale answer was thrown away */
	CU_ASSERT_EQUAL_FATAL(http(port2, "GET", "/api/v1/links", NULL, NULL, AUTH, &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(http(port2, "GET", "/api/v1/status", NULL, NULL, AUTH, &r), 0);
	CU_ASSERT_EQUAL(counter(jget(r.json, "counters"), "api:calls:timeout"), 1);
	resp_free(&r);
}

/* The server stops while a request waits for its owner: 503, and the owner's
 * answer, arriving after the stop, is freed without harm. */
static void test_stop_with_request_pending(void)
{
	struct resp r;
	int fd;

	fd = block_send(port2);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(done_wait(&block_entered, 2));
	sg_thread_stop(mgmt2_thr);
	CU_ASSERT_EQUAL_FATAL(http_recv(fd, &r), 0);
	check_error(&r, 503, "shutting down");
	resp_free(&r);
	done_signal(&block_release);

	/* the owner thread still serves the first server */
	CU_ASSERT_EQUAL_FATAL(get(port, "/api/v1/links", &r), 0);
	CU_ASSERT_EQUAL(r.status, 200);
	resp_free(&r);
}

/* ---- registry and start-up checks (no network) ---- */

static void test_register_rules(void)
{
	const struct sg_mgmt_collection bad_name = { .name = "Bad Name", .list = plain_list };
	const struct sg_mgmt_collection long_name = {
		.name = "a123456789012345678901234567890123456789012345678901234567890123",
		.list = plain_list,
	};
	const struct sg_mgmt_collection reserved = { .name = "status", .list = plain_list };
	const struct sg_mgmt_collection reserved2 = { .name = "config", .list = plain_list };
	const struct sg_mgmt_collection dup = { .name = "log", .list = plain_list };
	const struct sg_mgmt_cmd_desc bad_cmds[] = { { "ok" }, { "not ok" }, { NULL } };
	const struct sg_mgmt_collection bad_cmd = { .name = "x", .commands = bad_cmds };
	const struct sg_mgmt_collection good = { .name = "good-1", .list = plain_list };
	const struct sg_mgmt_params p = { .listen = "127.0.0.1", .loopback = true };
	struct sg_thread *t = sg_thread_alloc(ctx, "mgmt4", SG_THREAD_MGMT, 16);
	struct sg_mgmt *m;

	/* a running server's registry is immutable */
	CU_ASSERT_EQUAL(sg_mgmt_register(mgmt, &good), -EBUSY);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	m = sg_mgmt_alloc(ctx, &p, t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &bad_name), -EINVAL);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &long_name), -EINVAL);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &bad_cmd), -EINVAL);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &reserved), -EEXIST);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &reserved2), -EEXIST);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &dup), -EEXIST);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &good), 0);
	CU_ASSERT_EQUAL(sg_mgmt_register(m, &good), -EEXIST);
	CU_ASSERT_EQUAL(sg_mgmt_register(NULL, &good), -EINVAL);
	CU_ASSERT_EQUAL(sg_mgmt_port(m), 0);
	sg_mgmt_free(m);
	sg_thread_free(t);
}

static void test_refuse_open_without_token(void)
{
	const struct sg_mgmt_params p = { .listen = "192.0.2.1", .loopback = false };
	struct sg_thread *t = sg_thread_alloc(ctx, "mgmt3", SG_THREAD_MGMT, 16);
	struct sg_mgmt *m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	m = sg_mgmt_alloc(ctx, &p, t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	sg_thread_set_hooks(t, mgmt_init, mgmt_fini, m);
	CU_ASSERT_EQUAL(sg_thread_start(t), -EACCES);
	sg_mgmt_free(m);
	sg_thread_free(t);
}

static const struct cu_test tests[] = {
	{ "status", test_status },
	{ "config", test_config },
	{ "index", test_index },
	{ "list runs on the owner thread", test_list_on_owner },
	{ "get runs on the owner thread", test_get_on_owner },
	{ "set runs on the owner thread", test_set_on_owner },
	{ "command runs on the owner thread", test_command_on_owner },
	{ "management-thread collection", test_local_collection },
	{ "keep-alive with a suspended request", test_keep_alive },
	{ "32 requests waiting at once", test_concurrent },
	{ "404", test_not_found },
	{ "405 with Allow", test_method_not_allowed },
	{ "400", test_bad_request },
	{ "413", test_too_large },
	{ "415 and 411", test_media_type_and_length },
	{ "log levels", test_log_levels },
	{ "stopped owner: 503", test_stopped_owner },
	{ "401 and bearer token", test_auth },
	{ "owner timeout: 503", test_owner_timeout },
	{ "stop with a request pending", test_stop_with_request_pending },
	{ "registry rules", test_register_rules },
	{ "no token off loopback: refused", test_refuse_open_without_token },
	{ NULL }
};

int main(void)
{
	return cu_run_suite("mgmt", tests, suite_init, suite_clean);
}
