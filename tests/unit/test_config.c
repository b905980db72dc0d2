/* Unit tests of the configuration loader and point-code notation. */

#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <sg/config.h>
#include <sg/log.h>
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
	CU_ASSERT_STRING_EQUAL(cfg->spans[0].pw_local, "[::1]:5000");
	CU_ASSERT_EQUAL(cfg->spans[0].pw_frames_per_packet, 16);
	CU_ASSERT_EQUAL(cfg->spans[0].pw_jitter_ms, 4);
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

static void test_load_missing_file(void)
{
	char err[256];

	CU_ASSERT_PTR_NULL(sg_config_load(NULL, "/nonexistent/sgd.json", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/sgd.json: cannot open: No such file or directory");
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "point-code notations: ITU 3-8-3, ANSI 8-8-8, TTC 5-4-7, integers",
		  test_pc_notation },
		{ "a valid config yields the values it says", test_good_config_values },
		{ "defaults of an empty config", test_defaults },
		{ "errors name the JSON path of the fault", test_errors_name_the_path },
		{ "a missing file is reported with its name", test_load_missing_file },
		{ NULL, NULL }
	};

	return cu_run_suite("config", tests, NULL, NULL);
}
