/* Management API registry: collections, the API's schema, requests run on owner threads. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <osmocom/core/utils.h>

#include <sg/log.h>
#include "mgmt_int.h"

/*
 * A request for a collection owned by another thread travels as a job:
 *
 *   mgmt thread                      owner thread
 *   mgmt_dispatch()  --call-->       mgmt_job_run(): callback, body freed
 *   mgmt_job_reply() <--call--       (result moves to the mgmt thread)
 *
 * The job is plain malloc'd memory (talloc trees are per thread) with two
 * references: the management thread's (held while a connection waits for
 * it) and the in-flight one (travelling with the call).  JSON objects move
 * wholly with the job and are freed by the thread holding them.  When the
 * connection gives up (timeout, shutdown, client gone) the job is abandoned:
 * the management reference is dropped and a late reply is simply freed.
 */
struct mgmt_job {
	/* set before posting, read-only afterwards */
	struct sg_thread *reply_to;
	struct sg_mgmt_collection c;	/* callbacks and priv */
	enum mgmt_op op;
	char coll[MGMT_SEG_MAX];	/* c.name etc. point into the sg_mgmt: unused */
	char item[MGMT_SEG_MAX];
	char cmd[MGMT_SEG_MAX];
	char owner_name[SG_NAME_MAX];

	/* belong to the thread holding the job */
	struct json_object *body;
	struct json_object *result;
	int status;
	/* partitioned list: parts still to ask, and the items so far
	 * (management thread only) */
	unsigned int next_part;
	struct json_object *acc;

	atomic_bool cancelled;
	atomic_uint refs;

	/* management thread only */
	struct sg_mgmt *m;
	struct mgmt_conn *conn;		/* NULL once abandoned */
	struct llist_head list;		/* in m->jobs while conn is set */
	struct sg_timer timer;
};

void sg_mgmt_err_set(struct sg_mgmt_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->status = (status >= 400 && status <= 599) ? status : 500;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
}

struct json_object *mgmt_error_json(int status, const char *fmt, ...)
{
	struct json_object *doc, *e;
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);

	doc = json_object_new_object();
	e = json_object_new_object();
	if (!doc || !e)
		goto oom;
	if (json_object_object_add(e, "status", json_object_new_int(status)) ||
	    json_object_object_add(e, "reason", json_object_new_string(reason)))
		goto oom;
	if (json_object_object_add(doc, "error", e)) {
		json_object_put(e);
		json_object_put(doc);
		return NULL;
	}
	return doc;
oom:
	json_object_put(e);
	json_object_put(doc);
	return NULL;
}

/* Collection and command names: 1..MGMT_SEG_MAX-1 of [a-z0-9_-], starting
 * with a letter. */
bool mgmt_name_valid(const char *name)
{
	size_t i, len;

	if (!name)
		return false;
	len = strlen(name);
	if (len == 0 || len >= MGMT_SEG_MAX || name[0] < 'a' || name[0] > 'z')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

const struct mgmt_coll *mgmt_coll_find(const struct sg_mgmt *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->num_colls; i++) {
		if (!strcmp(m->colls[i].c.name, name))
			return &m->colls[i];
	}
	return NULL;
}

const struct sg_mgmt_cmd_desc *mgmt_cmd_find(const struct mgmt_coll *mc, const char *cmd)
{
	unsigned int i;

	for (i = 0; i < mc->num_cmds; i++) {
		if (!strcmp(mc->c.commands[i].name, cmd))
			return &mc->c.commands[i];
	}
	return NULL;
}

int sg_mgmt_register(struct sg_mgmt *m, const struct sg_mgmt_collection *c)
{
	struct sg_mgmt_cmd_desc *cmds = NULL;
	struct mgmt_coll *colls, *mc;
	unsigned int i, n = 0;

	if (!m || !c)
		return -EINVAL;
	if (m->started)
		return -EBUSY;
	if (!mgmt_name_valid(c->name)) {
		LOGP(DMGMT, LOGL_ERROR, "collection name '%s' invalid\n", c->name ? c->name : "");
		return -EINVAL;
	}
	if (!strcmp(c->name, "status") || !strcmp(c->name, "config") ||
	    mgmt_coll_find(m, c->name)) {
		LOGP(DMGMT, LOGL_ERROR, "collection name '%s' already in use\n", c->name);
		return -EEXIST;
	}
	for (n = 0; c->commands && c->commands[n].name; n++) {
		if (n >= MGMT_MAX_CMDS || !mgmt_name_valid(c->commands[n].name)) {
			LOGP(DMGMT, LOGL_ERROR, "collection '%s': invalid command table\n",
			     c->name);
			return -EINVAL;
		}
	}

	colls = talloc_realloc(m, m->colls, struct mgmt_coll, m->num_colls + 1);
	if (!colls)
		return -ENOMEM;
	m->colls = colls;
	mc = &colls[m->num_colls];
	memset(mc, 0, sizeof(*mc));
	mc->c = *c;
	mc->c.name = talloc_strdup(colls, c->name);
	mc->c.description = talloc_strdup(colls, c->description ? c->description : "");
	if (!mc->c.name || !mc->c.description)
		goto oom;
	if (n) {
		cmds = talloc_zero_array(colls, struct sg_mgmt_cmd_desc, n + 1);
		if (!cmds)
			goto oom;
		for (i = 0; i < n; i++) {
			const char *d = c->commands[i].description;

			cmds[i].name = talloc_strdup(cmds, c->commands[i].name);
			cmds[i].description = talloc_strdup(cmds, d ? d : "");
			if (!cmds[i].name || !cmds[i].description)
				goto oom;
		}
	}
	mc->c.commands = cmds;
	mc->num_cmds = n;
	if (c->num_parts) {
		struct sg_mgmt_part *parts;

		if (!c->parts || !c->route) {
			LOGP(DMGMT, LOGL_ERROR, "collection '%s': parts without route()\n",
			     c->name);
			return -EINVAL;
		}
		parts = talloc_memdup(colls, c->parts, c->num_parts * sizeof(*parts));
		if (!parts)
			goto oom;
		mc->c.parts = parts;
		/* answered by several threads: none of them is "the" owner */
		mc->c.owner = c->parts[0].owner;
	}
	/* the thread's name is fixed at its allocation: read it once, here */
	OSMO_STRLCPY_ARRAY(mc->owner_name, c->owner ? sg_thread_name(c->owner) : "mgmt");
	m->num_colls++;
	LOGP(DMGMT, LOGL_DEBUG, "collection '%s' registered (owner %s)\n",
	     mc->c.name, mc->owner_name);
	return 0;

oom:
	/* the strings stay on colls until the sg_mgmt is freed: harmless */
	talloc_free(cmds);
	return -ENOMEM;
}

/* ---- the API's own schema (GET /api/v1) ---- */

static int add_route(struct json_object *arr, const char *method, const char *path,
		     const char *desc)
{
	struct json_object *r = json_object_new_object();

	if (!r)
		return -ENOMEM;
	json_object_object_add(r, "method", json_object_new_string(method));
	json_object_object_add(r, "path", json_object_new_string(path));
	json_object_object_add(r, "description", json_object_new_string(desc));
	if (json_object_array_add(arr, r)) {
		json_object_put(r);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *coll_json(const struct mgmt_coll *mc)
{
	const struct sg_mgmt_collection *c = &mc->c;
	struct json_object *o, *ops, *cmds;
	char path[sizeof(MGMT_PREFIX) + 2 * MGMT_SEG_MAX + 16];
	unsigned int i;
	int rc = 0;

	o = json_object_new_object();
	ops = json_object_new_array();
	cmds = json_object_new_array();
	if (!o || !ops || !cmds)
		goto err;
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "description", json_object_new_string(c->description));
	snprintf(path, sizeof(path), MGMT_PREFIX "/%s", c->name);
	json_object_object_add(o, "path", json_object_new_string(path));

	if (c->list)
		rc |= add_route(ops, "GET", path, "list the items");
	snprintf(path, sizeof(path), MGMT_PREFIX "/%s/{item}", c->name);
	if (c->get)
		rc |= add_route(ops, "GET", path, "one item, with its counters");
	if (c->set)
		rc |= add_route(ops, "PUT", path, "change an item (JSON object body)");
	if (c->command) {
		snprintf(path, sizeof(path), MGMT_PREFIX "/%s/{item}/{command}", c->name);
		rc |= add_route(ops, "POST", path, "run a command (optional JSON object body)");
	}
	for (i = 0; i < mc->num_cmds; i++) {
		struct json_object *cmd = json_object_new_object();

		if (!cmd)
			goto err;
		json_object_object_add(cmd, "name", json_object_new_string(c->commands[i].name));
		json_object_object_add(cmd, "description",
				       json_object_new_string(c->commands[i].description));
		snprintf(path, sizeof(path), MGMT_PREFIX "/%s/{item}/%s", c->name,
			 c->commands[i].name);
		json_object_object_add(cmd, "method", json_object_new_string("POST"));
		json_object_object_add(cmd, "path", json_object_new_string(path));
		if (json_object_array_add(cmds, cmd)) {
			json_object_put(cmd);
			goto err;
		}
	}
	if (rc)
		goto err;
	json_object_object_add(o, "operations", ops);
	json_object_object_add(o, "commands", cmds);
	return o;
err:
	json_object_put(cmds);
	json_object_put(ops);
	json_object_put(o);
	return NULL;
}

struct json_object *mgmt_index_json(const struct sg_mgmt *m)
{
	struct json_object *doc, *routes, *colls;
	unsigned int i;
	int rc = 0;

	doc = json_object_new_object();
	routes = json_object_new_array();
	colls = json_object_new_array();
	if (!doc || !routes || !colls)
		goto err;
	rc |= add_route(routes, "GET", MGMT_PREFIX, "this index: routes and collections");
	rc |= add_route(routes, "GET", MGMT_PREFIX "/status",
			"name, version, uptime, threads and server counters");
	rc |= add_route(routes, "GET", MGMT_PREFIX "/config", "the running configuration");
	if (rc)
		goto err;
	for (i = 0; i < m->num_colls; i++) {
		struct json_object *c = coll_json(&m->colls[i]);

		if (!c)
			goto err;
		if (json_object_array_add(colls, c)) {
			json_object_put(c);
			goto err;
		}
	}
	json_object_object_add(doc, "api", json_object_new_string("sigtran-sg management"));
	json_object_object_add(doc, "version", json_object_new_string("v1"));
	json_object_object_add(doc, "routes", routes);
	json_object_object_add(doc, "collections", colls);
	return doc;
err:
	json_object_put(colls);
	json_object_put(routes);
	json_object_put(doc);
	return NULL;
}

/* ---- running callbacks ---- */

static const char *op_name(enum mgmt_op op)
{
	switch (op) {
	case MGMT_OP_LIST:
		return "list";
	case MGMT_OP_GET:
		return "get";
	case MGMT_OP_SET:
		return "set";
	case MGMT_OP_COMMAND:
		return "command";
	}
	return "?";
}

/* Run on the collection's owner thread (or the management thread for its
 * own collections).  body is borrowed.  Returns the HTTP status; *out is the
 * answer or an error document (NULL when out of memory). */
static int run_op(const struct sg_mgmt_collection *c, const char *name, enum mgmt_op op,
		  const char *item, const char *cmd, struct json_object *body,
		  struct json_object **out)
{
	struct sg_mgmt_err err = { 0 };
	struct json_object *res = NULL;
	bool have_cb = false;

	switch (op) {
	case MGMT_OP_LIST:
		if ((have_cb = c->list))
			res = c->list(c->priv, &err);
		break;
	case MGMT_OP_GET:
		if ((have_cb = c->get))
			res = c->get(c->priv, item, &err);
		break;
	case MGMT_OP_SET:
		if ((have_cb = c->set))
			res = c->set(c->priv, item, body, &err);
		break;
	case MGMT_OP_COMMAND:
		if ((have_cb = c->command))
			res = c->command(c->priv, item, cmd, body, &err);
		break;
	}
	if (res) {
		*out = res;
		return 200;
	}
	if (!have_cb)
		sg_mgmt_err_set(&err, 405, "'%s' has no %s operation", name, op_name(op));
	else if (err.status < 400 || err.status > 599)
		sg_mgmt_err_set(&err, 500, "%s on '%s' failed", op_name(op), name);
	*out = mgmt_error_json(err.status, "%s", err.reason[0] ? err.reason : "failed");
	return err.status;
}

static void job_put(struct mgmt_job *job)
{
	if (atomic_fetch_sub(&job->refs, 1) == 1) {
		/* whoever held the JSON objects has freed them already */
		OSMO_ASSERT(!job->body && !job->result);
		free(job);
	}
}

static void job_reply(void *arg);

/* On the owner thread. */
static void job_run(void *arg)
{
	struct mgmt_job *job = arg;
	int rc;

	if (atomic_load(&job->cancelled)) {
		/* nobody waits: don't apply a change the client was told failed */
		job->status = 503;
		job->result = NULL;
	} else {
		job->status = run_op(&job->c, job->coll, job->op, job->item[0] ? job->item : NULL,
				     job->cmd[0] ? job->cmd : NULL, job->body, &job->result);
	}
	json_object_put(job->body);
	job->body = NULL;

	rc = sg_thread_call(job->reply_to, job_reply, job);
	if (rc < 0) {
		/* the management thread is gone or full: its side times out */
		json_object_put(job->result);
		job->result = NULL;
		job_put(job);
	}
	/* else the job belongs to the management thread again: don't touch it */
}

static void job_unlink(struct mgmt_job *job)
{
	sg_timer_stop(&job->timer);
	llist_del(&job->list);
	job->conn = NULL;
}

/* On the management thread. */
static void job_reply(void *arg)
{
	struct mgmt_job *job = arg;

	if (job->conn && job->c.num_parts && job->op == MGMT_OP_LIST && job->status == 200 &&
	    json_object_is_type(job->result, json_type_array)) {
		/* gather this part's items, then ask the next part */
		if (!job->acc)
			job->acc = json_object_new_array();
		for (size_t i = 0; job->acc && i < json_object_array_length(job->result); i++)
			json_object_array_add(job->acc, json_object_get(
				json_object_array_get_idx(job->result, i)));
		json_object_put(job->result);
		job->result = NULL;
		if (job->next_part < job->c.num_parts) {
			const struct sg_mgmt_part *p = &job->c.parts[job->next_part++];

			job->c.priv = p->priv;
			OSMO_STRLCPY_ARRAY(job->owner_name, sg_thread_name(p->owner));
			/* the in-flight reference travels on with the call */
			if (sg_thread_call(p->owner, job_run, job) == 0)
				return;
			job->status = 503;
			json_object_put(job->acc);
			job->acc = mgmt_error_json(503, "thread '%s' owning part of '%s' is "
						   "unavailable", job->owner_name, job->coll);
		}
		job->result = job->acc;
		job->acc = NULL;
	}
	if (job->conn) {
		struct mgmt_conn *conn = job->conn;
		struct sg_mgmt *m = job->m;
		struct json_object *res = job->result;
		int status = job->status;

		job->result = NULL;
		job_unlink(job);
		job_put(job);		/* the connection's reference */
		mgmt_http_complete(m, conn, status, res);
	} else {
		/* abandoned: the answer came too late */
		json_object_put(job->result);
		job->result = NULL;
		json_object_put(job->acc);
		job->acc = NULL;
	}
	job_put(job);			/* the in-flight reference */
}

void mgmt_job_abandon(struct mgmt_job *job)
{
	atomic_store(&job->cancelled, true);
	job_unlink(job);
	job_put(job);
}

static void job_timeout(void *data)
{
	struct mgmt_job *job = data;
	struct mgmt_conn *conn = job->conn;
	struct sg_mgmt *m = job->m;
	struct json_object *err;

	sg_ctr_inc(m->ctrs, MGMT_CTR_CALL_TIMEOUT);
	LOGP(DMGMT, LOGL_NOTICE, "%s on '%s': thread '%s' did not answer within %u ms\n",
	     op_name(job->op), job->coll, job->owner_name, m->call_timeout_ms);
	err = mgmt_error_json(503, "thread '%s' did not answer within %u ms",
			      job->owner_name, m->call_timeout_ms);
	mgmt_job_abandon(job);	/* may free job */
	mgmt_http_complete(m, conn, 503, err);
}

void mgmt_jobs_fail_all(struct sg_mgmt *m, const char *reason)
{
	struct mgmt_job *job, *tmp;

	llist_for_each_entry_safe(job, tmp, &m->jobs, list) {
		struct mgmt_conn *conn = job->conn;

		mgmt_job_abandon(job);
		mgmt_http_complete(m, conn, 503, mgmt_error_json(503, "%s", reason));
	}
}

static const char *call_errstr(int rc)
{
	switch (rc) {
	case -ENOSPC:
		return "mailbox full";
	case -ESHUTDOWN:
		return "thread stopped";
	case -ENOMEM:
		return "out of memory";
	default:
		return "mailbox refused";
	}
}

int mgmt_dispatch(struct sg_mgmt *m, const struct mgmt_coll *mc, enum mgmt_op op,
		  const char *item, const char *cmd, struct json_object *body,
		  struct mgmt_conn *conn, struct mgmt_job **jobp, struct json_object **out)
{
	struct mgmt_job *job;
	int rc, status;

	*jobp = NULL;
	*out = NULL;
	if (!mc->c.owner || mc->c.owner == m->thread) {
		status = run_op(&mc->c, mc->c.name, op, item, cmd, body, out);
		json_object_put(body);
		return status;
	}

	job = calloc(1, sizeof(*job));
	if (!job) {
		json_object_put(body);
		*out = mgmt_error_json(500, "out of memory");
		return 500;
	}
	job->reply_to = m->thread;
	job->c = mc->c;
	job->op = op;
	if (mc->c.num_parts) {
		int part = 0;

		if (op != MGMT_OP_LIST) {
			part = mc->c.route(mc->c.route_priv, item);
			if (part < 0 || (unsigned int)part >= mc->c.num_parts) {
				json_object_put(body);
				free(job);
				*out = mgmt_error_json(404, "no item '%s' in '%s'", item,
						       mc->c.name);
				return 404;
			}
		}
		job->c.owner = mc->c.parts[part].owner;
		job->c.priv = mc->c.parts[part].priv;
		job->next_part = part + 1;
	}
	OSMO_STRLCPY_ARRAY(job->coll, mc->c.name);
	if (item)
		OSMO_STRLCPY_ARRAY(job->item, item);
	if (cmd)
		OSMO_STRLCPY_ARRAY(job->cmd, cmd);
	OSMO_STRLCPY_ARRAY(job->owner_name, sg_thread_name(job->c.owner));
	job->body = body;
	atomic_init(&job->cancelled, false);
	atomic_init(&job->refs, 2);
	job->m = m;
	job->conn = conn;
	INIT_LLIST_HEAD(&job->list);
	sg_timer_setup(&job->timer, job_timeout, job);

	sg_ctr_inc(m->ctrs, MGMT_CTR_CALL_REMOTE);
	/* From here on the owner thread may hold the job: only the
	 * management-only fields (list, timer) may be written. */
	rc = sg_thread_call(job->c.owner, job_run, job);
	if (rc < 0) {
		/* fn will never run: the job is still ours alone */
		sg_ctr_inc(m->ctrs, MGMT_CTR_CALL_REFUSED);
		LOGP(DMGMT, LOGL_NOTICE, "%s on '%s': thread '%s' refused the call: %s\n",
		     op_name(op), mc->c.name, mc->owner_name, call_errstr(rc));
		json_object_put(job->body);
		free(job);
		*out = mgmt_error_json(503, "thread '%s' owning '%s' is unavailable: %s",
				       mc->owner_name, mc->c.name, call_errstr(rc));
		return 503;
	}
	llist_add_tail(&job->list, &m->jobs);
	sg_timer_start_ms(&job->timer, m->call_timeout_ms);
	*jobp = job;
	return 0;
}
