/* Unit tests of the configuration loader and point-code notation. */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include <sg/adapter.h>
#include <sg/config.h>
#include <sg/log.h>
#include "../../sg/config/config_schema.h"
#include "cu_main.h"

static struct sg_config *parse(const char *json, char *err, size_t len)
{
	err[0] = '\0';
	return sg_config_parse(NULL, json, "test.json", err, len);
}

static void test_pc_notation(void)
{
	uint32_t pc;
	char buf[32];

	CU_ASSERT_EQUAL(sg_pc_parse("1-2-3", SG_PC_ITU, &pc), 0);
	CU_ASSERT_EQUAL(pc, (1 << 11) | (2 << 3) | 3);
	CU_ASSERT_STRING_EQUAL(sg_pc_format(buf, sizeof(buf), pc, SG_PC_ITU), "1-2-3");
	CU_ASSERT_EQUAL(sg_pc_parse("7-255-7", SG_PC_ITU, &pc), 0);
	CU_ASSERT_EQUAL(pc, 16383);
	CU_ASSERT_EQUAL(sg_pc_parse("8-0-0", SG_PC_ITU, &pc), -ERANGE);
	CU_ASSERT_EQUAL(sg_pc_parse("16384", SG_PC_ITU, &pc), -ERANGE);
	CU_ASSERT_EQUAL(sg_pc_parse("16383", SG_PC_ITU, &pc), 0);
	CU_ASSERT_EQUAL(sg_pc_parse("1-2", SG_PC_ITU, &pc), -EINVAL);
	CU_ASSERT_EQUAL(sg_pc_parse("1-2-3-4", SG_PC_ITU, &pc), -EINVAL);
	CU_ASSERT_EQUAL(sg_pc_parse("a-b-c", SG_PC_ITU, &pc), -EINVAL);
	CU_ASSERT_EQUAL(sg_pc_parse("", SG_PC_ITU, &pc), -EINVAL);
	CU_ASSERT_EQUAL(sg_pc_parse("-1", SG_PC_ITU, &pc), -EINVAL);
	CU_ASSERT_EQUAL(sg_pc_parse("254-10-3", SG_PC_ANSI, &pc), 0);
	CU_ASSERT_EQUAL(pc, (254 << 16) | (10 << 8) | 3);
	CU_ASSERT_STRING_EQUAL(sg_pc_format(buf, sizeof(buf), pc, SG_PC_ANSI), "254-10-3");
	CU_ASSERT_EQUAL(sg_pc_parse("256-0-0", SG_PC_ANSI, &pc), -ERANGE);
	CU_ASSERT_EQUAL(sg_pc_parse("31-15-127", SG_PC_TTC, &pc), 0);
	CU_ASSERT_EQUAL(pc, 0xffff);
	CU_ASSERT_EQUAL(sg_pc_bits(SG_PC_CHINA), 24);
}

static void test_good_config_values(void)
{
	char err[256];
	struct sg_config *cfg = parse(
		"{ \"node\": { \"name\": \"n1\" },"
		"  \"log\": { \"level\": \"info\", \"categories\": { \"mtp2\": \"debug\" } },"
		"  \"management\": { \"listen\": \"::1\", \"port\": 0 },"
		"  \"threads\": { \"tdm\": 2, \"tdm_rt_priority\": 40 },"
		"  \"signalling_points\": [ { \"name\": \"a\", \"variant\": \"ansi\","
		"      \"pc\": \"1-2-3\", \"ni\": \"national\", \"stp\": true,"
		"      \"sls_bits\": 5, \"transfer_restricted\": true,"
		"      \"unknown_dpc_tfp\": true } ],"
		"  \"spans\": [ { \"name\": \"t1a\", \"type\": \"t1\", \"driver\": \"pw\","
		"      \"thread\": 1, \"pw\": { \"local\": \"[::1]:5000\","
		"      \"remote\": \"127.0.0.1:5001\", \"frames_per_packet\": 16 } } ],"
		"  \"linksets\": [ { \"name\": \"ls\", \"sp\": \"a\", \"adjacent_pc\": 66052,"
		"      \"links\": [ { \"name\": \"l\", \"slc\": 15, \"span\": \"t1a\","
		"      \"timeslot\": 24 } ] } ],"
		"  \"routes\": [ { \"dpc\": \"9-9-9\", \"linkset\": \"ls\", \"priority\": 3 } ] }",
		err, sizeof(err));

	if (!cfg)
		fprintf(stderr, "unexpected error: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_STRING_EQUAL(cfg->node_name, "n1");
	CU_ASSERT_EQUAL(cfg->log_level, LOGL_INFO);
	CU_ASSERT_EQUAL(cfg->log_cat_level[DMTP2], LOGL_DEBUG);
	CU_ASSERT_EQUAL(cfg->log_cat_level[DMTP3], -1);
	CU_ASSERT_TRUE(cfg->mgmt_loopback);
	CU_ASSERT_EQUAL(cfg->mgmt_port, 0);
	CU_ASSERT_EQUAL(cfg->tdm_threads, 2);
	CU_ASSERT_EQUAL(cfg->num_sps, 1);
	CU_ASSERT_EQUAL(cfg->sps[0].variant, SG_PC_ANSI);
	CU_ASSERT_EQUAL(cfg->sps[0].pc, 0x010203);
	CU_ASSERT_EQUAL(cfg->sps[0].ni, 2);
	CU_ASSERT_EQUAL(cfg->spans[0].type, SG_SPAN_T1);
	CU_ASSERT_EQUAL(cfg->spans[0].thread, 1);
	/* the pw section is the pw driver's: its values are tested in test_pw */
	CU_ASSERT_STRING_EQUAL(cfg->spans[0].driver, "pw");
	CU_ASSERT_PTR_NOT_NULL(cfg->spans[0].drv_cfg);
	CU_ASSERT_EQUAL(cfg->linksets[0].adjacent_pc, 66052);
	CU_ASSERT_EQUAL(cfg->linksets[0].links[0].slc, 15);
	CU_ASSERT_EQUAL(cfg->linksets[0].links[0].span, 0);
	CU_ASSERT_EQUAL(cfg->linksets[0].links[0].timeslot, 24);
	CU_ASSERT_TRUE(cfg->sps[0].stp);
	CU_ASSERT_EQUAL(cfg->sps[0].sls_bits, 5);
	CU_ASSERT_TRUE(cfg->sps[0].tfr);
	CU_ASSERT_TRUE(cfg->sps[0].tfp_unknown);
	CU_ASSERT_FALSE(cfg->sps[0].cong_prio);
	CU_ASSERT_EQUAL(cfg->tdm_rt_priority, 40);
	CU_ASSERT_EQUAL(cfg->num_routes, 1);
	CU_ASSERT_EQUAL(cfg->routes[0].dpc, 0x090909);
	CU_ASSERT_EQUAL(cfg->routes[0].linkset, 0);
	CU_ASSERT_EQUAL(cfg->routes[0].priority, 3);
	sg_config_free(cfg);
}

static void test_defaults(void)
{
	char err[256];
	struct sg_config *cfg = parse("{}", err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_STRING_EQUAL(cfg->mgmt_listen, "127.0.0.1");
	CU_ASSERT_EQUAL(cfg->mgmt_port, 8080);
	CU_ASSERT_STRING_EQUAL(cfg->mgmt_token, "");
	CU_ASSERT_EQUAL(cfg->tdm_threads, 1);
	CU_ASSERT_EQUAL(cfg->log_target, SG_LOG_STDERR);
	CU_ASSERT_EQUAL(cfg->num_spans, 0);
	/* the shipped dead-peer supervision (issue 10; doc/sctp.md, doc/m3ua.md) */
	CU_ASSERT_EQUAL(cfg->sctp.rto_initial_ms, 1000);
	CU_ASSERT_EQUAL(cfg->sctp.rto_min_ms, 300);
	CU_ASSERT_EQUAL(cfg->sctp.rto_max_ms, 1000);
	CU_ASSERT_TRUE(cfg->sctp.heartbeat);
	CU_ASSERT_EQUAL(cfg->sctp.heartbeat_ms, 1000);
	CU_ASSERT_EQUAL(cfg->sctp.path_max_retrans, 3);
	CU_ASSERT_EQUAL(cfg->sctp.assoc_max_retrans, 3);
	sg_config_free(cfg);
	cfg = parse("{ \"signalling_points\": [ { \"name\": \"a\", \"pc\": 1 } ],"
		    "  \"m3ua\": { } }", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->m3ua.beat_ms, 1000);
	CU_ASSERT_EQUAL(cfg->m3ua.beat_max_lost, 3);
	sg_config_free(cfg);
	/* RTO defaults not set move into the range the set values give (RFC 4960 §6.3.1) */
	cfg = parse("{ \"sctp\": { \"rto_max_ms\": 500 } }", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->sctp.rto_min_ms, 300);
	CU_ASSERT_EQUAL(cfg->sctp.rto_initial_ms, 500);
	CU_ASSERT_EQUAL(cfg->sctp.rto_max_ms, 500);
	sg_config_free(cfg);
	cfg = parse("{ \"sctp\": { \"rto_min_ms\": 2000 } }", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->sctp.rto_initial_ms, 2000);
	CU_ASSERT_EQUAL(cfg->sctp.rto_max_ms, 2000);
	sg_config_free(cfg);
	cfg = parse("{ \"sctp\": { \"rto_initial_ms\": 5000 } }", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->sctp.rto_min_ms, 300);
	CU_ASSERT_EQUAL(cfg->sctp.rto_max_ms, 5000);
	sg_config_free(cfg);
	/* heartbeat off: no interval, and setting one is still an error */
	cfg = parse("{ \"sctp\": { \"heartbeat\": false } }", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->sctp.heartbeat_ms, 0);
	sg_config_free(cfg);
	cfg = parse("{ \"sctp\": { \"heartbeat\": false, \"heartbeat_ms\": 500 } }", err,
		    sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	sg_config_free(cfg);
	/* a signalling point's options are off unless set */
	cfg = parse("{ \"signalling_points\": [ { \"name\": \"a\", \"pc\": 1,"
		    "  \"stp\": true } ] }", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_FALSE(cfg->sps[0].tfp_unknown);
	CU_ASSERT_FALSE(cfg->sps[0].tfr);
	CU_ASSERT_TRUE(cfg->sps[0].restart);
	sg_config_free(cfg);
}

/* Each broken document is refused with the JSON path of the fault. */
static void test_errors_name_the_path(void)
{
	static const struct { const char *json, *msg; } cases[] = {
		{ "{ \"management\": { \"port\": 70000 } }",
		  "management.port: 70000 is out of range 0..65535" },
		{ "{ \"management\": { \"port\": 1.5 } }",
		  "management.port: expected an integer, got a number" },
		{ "{ \"log\": { \"timestamps\": \"yes\" } }",
		  "log.timestamps: expected true or false, got a string" },
		{ "{ \"nodes\": {} }",
		  "nodes: unknown key in config (allowed: node, log, management, threads, "
		  "signalling_points, spans, linksets, routes, sctp, m3ua, translations)" },
		{ "{ \"spans\": {} }", "spans: expected an array, got an object" },
		{ "{ \"spans\": [ 5 ] }", "spans[0]: expected an object, got an integer" },
		{ "{ \"management\": { \"listen\": \"10.0.0.1\", \"token\": \"0123456789abcdef\" },"
		  "  \"spans\": [ { \"name\": \"s\", \"driver\": \"frame\","
		  "  \"frame\": { \"path\": \"\" } } ] }",
		  "spans[0].frame.path: length 0 is out of range 1..107" },
		{ "{ \"signalling_points\": [ { \"name\": \"x\", \"pc\": true } ] }",
		  "signalling_points[0].pc: expected a point code (\"a-b-c\" or an integer), "
		  "got a boolean" },
		{ "{ \"signalling_points\": [ { \"name\": \"x\", \"pc\": 1 },"
		  "  { \"name\": \"x\", \"pc\": 2 } ] }",
		  "signalling_points[1].name: duplicate name 'x' (first at signalling_points[0])" },
		{ "{ \"management\": { \"listen\": \"192.0.2.1\" } }",
		  "management.token: required when management.listen (192.0.2.1) is not a "
		  "loopback address" },
		{ "{\n\n  \"node\": nul }", "test.json:3:14: JSON syntax error: null expected" },
		{ "{ \"signalling_points\": [ { \"name\": \"x\", \"pc\": 1,"
		  "  \"unknown_dpc_tfp\": \"yes\" } ] }",
		  "signalling_points[0].unknown_dpc_tfp: expected true or false, got a string" },
		{ "{ \"signalling_points\": [ { \"name\": \"x\", \"pc\": 1, \"stp\": true },"
		  "  { \"name\": \"y\", \"pc\": 2, \"unknown_dpc_tfp\": true } ] }",
		  "signalling_points[1].unknown_dpc_tfp: needs \"stp\": true" },
		/* duplicate keys (json-c would keep the last one), escapes decoded */
		{ "{ \"node\": {}, \"log\": {}, \"node\": {} }",
		  "(top level): duplicate key 'node' (again at test.json:1:26)" },
		{ "{ \"spans\": [ {}, { \"name\": \"a\",\n \"n\\u0061me\": \"b\" } ] }",
		  "spans[1]: duplicate key 'name' (again at test.json:2:2)" },
		{ "{ \"signalling_points\": [ { \"name\": \"x\", \"pc\": 1,"
		  "  \"timers\": { \"t1\": 800, \"t1\": 900 } } ] }",
		  "signalling_points[0].timers: duplicate key 't1'" },
		{ "{ \"x\\u0000y\": 1 }",
		  "(top level): a key contains a control character (0x00 at offset 1)" },
		/* a pseudowire to itself: the same address (as binary) and port */
		{ "{ \"spans\": [ { \"name\": \"s\", \"driver\": \"pw\", \"pw\": {"
		  "  \"local\": \"127.0.0.1:5000\", \"remote\": \"127.0.0.1:5000\" } } ] }",
		  "spans[0].pw.remote: equals pw.local (127.0.0.1:5000)" },
		{ "{ \"spans\": [ { \"name\": \"s\", \"driver\": \"pw\", \"pw\": {"
		  "  \"local\": \"[::ffff:1]:7\", \"remote\": \"[0:0::ffff:0001]:07\" } } ] }",
		  "spans[0].pw.remote: equals pw.local ([::ffff:1]:7)" },
		/* control characters, escaped (JSON lets them in that way), in any string */
		{ "{ \"management\": { \"token\": \"0123456789abcdef\\u0000x\" } }",
		  "management.token: contains a control character (0x00 at offset 16)" },
		{ "{ \"spans\": [ { \"name\": \"d\", \"driver\": \"dahdi\","
		  "  \"dahdi\": { \"span\": 1, \"device\": \"/dev/x\\t\" } } ] }",
		  "spans[0].dahdi.device: contains a control character (0x09 at offset 6)" },
		{ "{ \"signalling_points\": [ { \"name\": \"x\", \"pc\": \"1-2-3\\r\" } ] }",
		  "signalling_points[0].pc: contains a control character (0x0d at offset 5)" },
		{ "{ \"node\": { \"name\": \"a\\u007fb\" } }",
		  "node.name: contains a control character (0x7f at offset 1)" },
		{ "{ \"node\": { \"na\\nme\": \"a\" } }",
		  "node: a key contains a control character (0x0a at offset 2)" },
	};
	char err[512];

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sg_config *cfg = parse(cases[i].json, err, sizeof(err));

		CU_ASSERT_PTR_NULL(cfg);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg))) {
			fprintf(stderr, "case %u:\n  got      %s\n  expected %s\n", i, err,
				cases[i].msg);
			CU_FAIL("wrong error message");
		}
		sg_config_free(cfg);
	}
}

/* The API's PUT bodies are checked by the same schema code: no control characters there
 * either (PUT /api/v1/translations/<name>, body as a translations[] entry) */
static void test_api_body_control_characters(void)
{
	struct json_object *body = json_tokener_parse(
		"{ \"name\": \"t\", \"tdm\": { \"pc\": \"1-1-1\\n\" }, \"ip\": { \"pc\": 5 } }");
	char err[256] = "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	CU_ASSERT_EQUAL(sg_schema_validate(&sg_config_xlate_schema, body, "", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "tdm.pc: contains a control character (0x0a at offset 5)");
	json_object_put(body);
}

/* the same address with another port, or another address with the same port, is no loop */
static void test_pw_not_a_loop(void)
{
	static const char *const pairs[][2] = {
		{ "127.0.0.1:5000", "127.0.0.1:5001" },
		{ "127.0.0.1:5000", "127.0.0.2:5000" },
		{ "[::1]:5000", "127.0.0.1:5000" },
	};
	char json[512], err[256];

	for (unsigned int i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct sg_config *cfg;

		snprintf(json, sizeof(json), "{ \"spans\": [ { \"name\": \"s\", \"driver\": "
			 "\"pw\", \"pw\": { \"local\": \"%s\", \"remote\": \"%s\" } } ] }",
			 pairs[i][0], pairs[i][1]);
		cfg = parse(json, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL(cfg);
		if (!cfg)
			fprintf(stderr, "%s -> %s: %s\n", pairs[i][0], pairs[i][1], err);
		sg_config_free(cfg);
	}
}

static void test_load_missing_file(void)
{
	char err[256];

	CU_ASSERT_PTR_NULL(sg_config_load(NULL, "/nonexistent/sgd.json", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/sgd.json: cannot open: No such file or directory");
}

/* only regular files: a directory was read as a file "larger than 4194304 bytes" */
static void test_load_directory(void)
{
	char err[256];

	CU_ASSERT_PTR_NULL(sg_config_load(NULL, "/", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "/: not a regular file (a directory)");
}

/* ---- doc/config.md against the schema ---- */

static char *read_doc(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = talloc_zero_size(NULL, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		TALLOC_FREE(buf);
	fclose(f);
	return buf;
}

/* every key of schema s (and of its sub-schemas) is named in doc as `key` (`key[]`) */
static unsigned int undocumented(const struct sg_schema *s, const char *doc, const char *path)
{
	unsigned int n = 0;
	char quoted[80], array[80], sub[256];

	for (const struct sg_field *f = s->fields; f->key; f++) {
		snprintf(quoted, sizeof(quoted), "`%s`", f->key);
		snprintf(array, sizeof(array), "`%s[]`", f->key);
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", f->key);
		if (!strstr(doc, quoted) && !(f->type == SG_FT_ARRAY && strstr(doc, array))) {
			printf("\n  doc/config.md does not name %s", sub);
			n++;
		}
		if (f->sub)
			n += undocumented(f->sub, doc, sub);
	}
	/* sections other modules own (a span's driver sections): their keys too */
	for (unsigned int i = 0; s->section; i++) {
		const struct sg_schema *ss;
		const char *key;

		ss = s->section(i, &key);
		if (!ss)
			break;
		snprintf(quoted, sizeof(quoted), "`%s`", key);
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
		if (!strstr(doc, quoted)) {
			printf("\n  doc/config.md does not name %s", sub);
			n++;
		}
		n += undocumented(ss, doc, sub);
	}
	return n;
}

/* doc/config.md describes every key the schema accepts, and its top-level table lists
 * exactly the schema's top-level keys (a stale doc is how operators get lost) */
static void test_doc_matches_schema(void)
{
	char *doc = read_doc("doc/config.md");
	const char *top, *end, *row;
	unsigned int rows = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	sg_adapter_register_builtin();
	CU_ASSERT_EQUAL(undocumented(&sg_config_schema, doc, ""), 0);

	top = strstr(doc, "\n## Top level\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(top);
	end = strstr(top + 1, "\n## ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	for (const struct sg_field *f = sg_config_schema.fields; f->key; f++) {
		char want[80];
		const char *at;

		snprintf(want, sizeof(want), "\n| `%s` |", f->key);
		at = strstr(top, want);
		if (!at || at > end)
			printf("\n  the top-level table lacks %s", f->key);
		CU_ASSERT(at && at < end);
	}
	/* and no row for a key the schema does not have */
	for (row = strstr(top, "\n| `"); row && row < end; row = strstr(row + 1, "\n| `")) {
		char key[64] = "";
		bool known = false;

		sscanf(row, "\n| `%63[^`]`", key);
		for (const struct sg_field *f = sg_config_schema.fields; f->key; f++)
			known |= strcmp(f->key, key) == 0;
		if (!known)
			printf("\n  the top-level table lists %s, which the schema refuses", key);
		CU_ASSERT(known);
		rows++;
	}
	CU_ASSERT(rows > 0);
	talloc_free(doc);
}

/* ---- a driver's section is the driver's ---- */

/* A driver this test registers, with a setting of its own; doc/config.md does not know it,
 * so it is registered by the last test. */
struct knob_cfg {
	int knob;
	enum sg_span_type type;
};

static const struct sg_field knob_fields[] = {
	{ "knob", SG_FT_INT, true, 1, 10 },
	{ NULL }
};

static const struct sg_schema knob_schema = { "knob", knob_fields };

static int knob_cfg_parse(void *cfg, struct json_object *o, enum sg_span_type type,
			  const char *path, char *err, size_t errlen)
{
	struct knob_cfg *c = cfg;

	c->knob = sg_json_int(o, "knob", 0);
	c->type = type;
	if (c->knob == 7) {	/* what only the driver knows */
		snprintf(err, errlen, "%s.knob: 7 is not a knob position", path);
		return -EINVAL;
	}
	return 0;
}

static int knob_span_open(struct sg_span *span)
{
	const struct knob_cfg *c = span->drv_cfg;

	return c && c->knob >= 1 ? 0 : -EINVAL;
}

static struct sg_adapter_driver knob_driver = {
	.name = "knob",
	.description = "a test's driver",
	.schema = &knob_schema,
	.cfg_size = sizeof(struct knob_cfg),
	.cfg_parse = knob_cfg_parse,
	.span_open = knob_span_open,
};

static struct sg_config *knob_span(const char *span, char *err, size_t errlen)
{
	char json[256];

	snprintf(json, sizeof(json), "{ \"spans\": [ { \"name\": \"k\", \"type\": \"t1\", %s } ] }",
		 span);
	return parse(json, err, errlen);
}

/* The loader asks the registry: a driver's section is checked against the schema the driver
 * registered and parsed by the driver's function; an unregistered driver is refused. */
static void test_driver_registers_its_section(void)
{
	static const struct { const char *span, *msg; } cases[] = {
		{ "\"driver\": \"knob\", \"knob\": { \"knob\": 11 }",
		  "spans[0].knob.knob: 11 is out of range 1..10" },
		{ "\"driver\": \"knob\", \"knob\": { \"knob\": 7 }",
		  "spans[0].knob.knob: 7 is not a knob position" },
		{ "\"driver\": \"knob\", \"knob\": { \"knobs\": 1 }",
		  "spans[0].knob.knobs: unknown key in knob (allowed: knob)" },
		{ "\"driver\": \"knob\"",
		  "spans[0].knob: required key is missing (driver is 'knob')" },
		{ "\"driver\": \"knob\", \"knob\": { \"knob\": 1 }, "
		  "\"frame\": { \"path\": \"x\" }",
		  "spans[0].frame: section does not match driver 'knob'" },
		{ "\"driver\": \"pw\", \"knob\": { \"knob\": 1 }, "
		  "\"pw\": { \"local\": \"127.0.0.1:1\", \"remote\": \"127.0.0.1:2\" }",
		  "spans[0].knob: section does not match driver 'pw'" },
		{ "\"driver\": \"knobs\"",
		  "spans[0].driver: no driver 'knobs' (registered: pw, dahdi, frame, knob)" },
		{ "\"driver\": \"knob\", \"knob\": { \"knob\": 1 }, \"colour\": 1",
		  "spans[0].colour: unknown key in span (allowed: name, type, driver, thread, "
		  "pw, dahdi, frame, knob)" },
	};
	struct sg_config *cfg;
	const struct knob_cfg *kc;
	struct sg_span *span;
	char err[256];

	/* not registered: neither the driver nor its section is known */
	cfg = knob_span("\"driver\": \"knob\"", err, sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_STRING_EQUAL(err, "spans[0].driver: no driver 'knob' (registered: pw, dahdi, "
			       "frame)");
	cfg = knob_span("\"driver\": \"knob\", \"knob\": { \"knob\": 3 }", err, sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_STRING_EQUAL(err, "spans[0].knob: unknown key in span (allowed: name, type, "
			       "driver, thread, pw, dahdi, frame)");

	CU_ASSERT_EQUAL_FATAL(sg_adapter_driver_register(&knob_driver), 0);
	cfg = knob_span("\"driver\": \"knob\", \"knob\": { \"knob\": 3 }", err, sizeof(err));
	if (!cfg)
		fprintf(stderr, "unexpected error: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_STRING_EQUAL(cfg->spans[0].driver, "knob");
	kc = cfg->spans[0].drv_cfg;
	CU_ASSERT_PTR_NOT_NULL_FATAL(kc);
	CU_ASSERT_EQUAL(kc->knob, 3);
	CU_ASSERT_EQUAL(kc->type, SG_SPAN_T1);
	/* and a span opens with those settings */
	span = sg_span_open(NULL, &(struct sg_span_cfg){ .name = cfg->spans[0].name,
		.type = cfg->spans[0].type, .driver = cfg->spans[0].driver,
		.drv_cfg = cfg->spans[0].drv_cfg }, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(span);
	CU_ASSERT_PTR_EQUAL(span->drv_cfg, kc);
	CU_ASSERT_PTR_EQUAL(span->drv, &knob_driver);
	sg_span_close(span);
	sg_config_free(cfg);

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg = knob_span(cases[i].span, err, sizeof(err));
		CU_ASSERT_PTR_NULL(cfg);
		if (strcmp(err, cases[i].msg)) {
			fprintf(stderr, "case %u:\n  got      %s\n  expected %s\n", i, err,
				cases[i].msg);
			CU_FAIL("wrong error message");
		}
		sg_config_free(cfg);
	}
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "point-code notations: ITU 3-8-3, ANSI 8-8-8, TTC 5-4-7, integers",
		  test_pc_notation },
		{ "a valid config yields the values it says", test_good_config_values },
		{ "defaults of an empty config", test_defaults },
		{ "errors name the JSON path of the fault", test_errors_name_the_path },
		{ "API bodies: control characters are refused", test_api_body_control_characters },
		{ "a pseudowire between two endpoints is no loop", test_pw_not_a_loop },
		{ "a missing file is reported with its name", test_load_missing_file },
		{ "a directory is refused as not a regular file", test_load_directory },
		{ "doc/config.md names every key of the schema", test_doc_matches_schema },
		/* last: the driver it registers stays registered */
		{ "a driver's span section is the driver's, from the registry",
		  test_driver_registers_its_section },
		{ NULL, NULL }
	};

	return cu_run_suite("config", tests, NULL, NULL);
}
