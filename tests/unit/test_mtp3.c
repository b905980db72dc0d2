/* MTP3 core unit tests: configuration (sgd's builder, sg/tdm/mtp3_config.c), API errors, timers, JSON, and bad input from the network. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>
#include <osmocom/core/application.h>

#include <sg/config.h>
#include <sg/log.h>
#include <sg/mtp3.h>
#include <sg/mtp3_core.h>
#include <sg/timer.h>
#include "../../sg/tdm/core.h"
#include "cu_main.h"

static const struct sg_mtp3_fmt fmt = { .variant = SG_PC_ITU };

/* a synchronous MTP2 stand-in that records the requests */
struct req {
	enum sg_mtp2_prim prim;
	void *priv;		/* l2_priv of the link */
	uint8_t data[300];
	size_t len;
};

static struct {
	struct req r[256];
	unsigned int n;
	bool refuse_user_data;	/* as a full TDM mailbox: user MSUs refused with -ENOSPC */
} R;

static int rec_req(void *priv, enum sg_mtp2_prim prim, const struct sg_mtp2_param *p,
		   struct msgb *msg)
{
	if (R.n < 256) {
		struct req *r = &R.r[R.n++];

		r->prim = prim;
		r->priv = priv;
		r->len = 0;
		if (msg) {
			uint8_t *d = msgb_l3(msg) ? msgb_l3(msg) : msg->data;

			r->len = msg->tail - d;
			if (r->len > sizeof(r->data))
				r->len = sizeof(r->data);
			memcpy(r->data, d, r->len);
		}
	}
	if (R.refuse_user_data && prim == SG_MTP2_DATA && R.n && (R.r[R.n - 1].data[0] & 0x0f) > 2) {
		R.n--;
		msgb_free(msg);
		return -ENOSPC;
	}
	msgb_free(msg);
	return 0;
}

static const struct sg_mtp3_l2_ops rec_ops = { .req = rec_req };

static struct json_object *find(struct json_object *arr, const char *key, const char *val)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *v;

		if (json_object_object_get_ex(o, key, &v) &&
		    !strcmp(json_object_get_string(v), val))
			return o;
	}
	return NULL;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void test_config(void)
{
	char err[256];
	struct sg_config *cfg = sg_config_parse(NULL,
		"{ \"signalling_points\": [ { \"name\": \"a\", \"pc\": \"1-2-3\","
		"      \"ni\": \"national\", \"stp\": true } ],"
		"  \"spans\": [ { \"name\": \"e1\", \"type\": \"e1\", \"driver\": \"pw\","
		"      \"pw\": { \"local\": \"127.0.0.1:5000\","
		"                \"remote\": \"127.0.0.1:5001\" } } ],"
		"  \"linksets\": [ { \"name\": \"ls\", \"sp\": \"a\", \"adjacent_pc\": \"1-2-4\","
		"      \"links\": [ { \"name\": \"l1\", \"slc\": 1, \"span\": \"e1\","
		"                     \"timeslot\": 1 },"
		"                   { \"name\": \"l0\", \"slc\": 0, \"span\": \"e1\","
		"                     \"timeslot\": 2 } ] } ],"
		"  \"routes\": [ { \"dpc\": \"7-7-7\", \"linkset\": \"ls\", \"priority\": 2 } ] }",
		"t.json", err, sizeof(err));
	struct sg_mtp3 *m;
	struct json_object *j, *o, *links;
	uint32_t pc;

	if (!cfg)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	m = sg_core_mtp3_from_config(NULL, cfg, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	sg_pc_parse("1-2-3", SG_PC_ITU, &pc);
	CU_ASSERT_EQUAL(sg_mtp3_pc(m), pc);
	CU_ASSERT_STRING_EQUAL(sg_mtp3_name(m), "a");
	CU_ASSERT_PTR_NULL(sg_core_mtp3_from_config(NULL, cfg, 1));
	/* links unbound: cannot start */
	CU_ASSERT_EQUAL(sg_mtp3_start(m), -ENOTCONN);
	CU_ASSERT_PTR_NOT_NULL(sg_mtp3_link_by_name(m, "l0"));
	CU_ASSERT_EQUAL(sg_mtp3_link_slc(sg_mtp3_link_by_name(m, "l1")), 1);

	j = sg_mtp3_linksets_json(m);
	CU_ASSERT_EQUAL(json_object_array_length(j), 1);
	o = find(j, "name", "ls");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_STRING_EQUAL(jstr(o, "adjacent_pc"), "1-2-4");
	CU_ASSERT_STRING_EQUAL(jstr(o, "available"), "false");
	CU_ASSERT_TRUE(json_object_object_get_ex(o, "links", &links));
	/* sorted by SLC */
	CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(links, 0), "name"), "l0");
	json_object_put(j);

	j = sg_mtp3_links_json(m);
	CU_ASSERT_EQUAL(json_object_array_length(j), 2);
	o = find(j, "name", "l1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_STRING_EQUAL(jstr(o, "state"), "INACTIVE");
	CU_ASSERT_STRING_EQUAL(jstr(o, "inhibited"), "false");
	CU_ASSERT_STRING_EQUAL(jstr(o, "blocked"), "false");
	CU_ASSERT_TRUE(json_object_object_get_ex(o, "counters", NULL));
	json_object_put(j);

	j = sg_mtp3_routes_json(m);
	CU_ASSERT_EQUAL(json_object_array_length(j), 2);
	o = find(j, "dpc", "7-7-7");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_STRING_EQUAL(jstr(o, "accessible"), "false");
	CU_ASSERT_TRUE(json_object_object_get_ex(o, "routes", &links));
	CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(links, 0), "status"), "available");
	CU_ASSERT_STRING_EQUAL(jstr(json_object_array_get_idx(links, 0), "priority"), "2");
	json_object_put(j);

	sg_mtp3_free(m);
	sg_config_free(cfg);
}

/* sgd's builder takes every MTP3 setting of a signalling point from the configuration */
static void test_config_options(void)
{
	static const char *const fmt_cfg =
		"{ \"signalling_points\": ["
		"    { \"name\": \"a\", \"pc\": 100, \"ni\": \"national\", \"stp\": true,"
		"      \"restart\": false, \"congestion_priorities\": true,"
		"      \"transfer_restricted\": true, \"unknown_dpc_tfp\": true,"
		"      \"timers\": %s },"
		"    { \"name\": \"b\", \"variant\": \"ansi\", \"pc\": \"1-2-3\", \"sls_bits\": 5 } ] }";
	char text[1024], err[256];
	struct sg_config *cfg;
	const struct sg_mtp3_cfg *mc;
	struct sg_mtp3 *m;

	sg_clock_virtual(0);
	snprintf(text, sizeof(text), fmt_cfg, "{ \"t2\": 700, \"t11\": 45000, \"slt_t2\": 90000 }");
	cfg = sg_config_parse(NULL, text, "t.json", err, sizeof(err));
	if (!cfg)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);

	m = sg_core_mtp3_from_config(NULL, cfg, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	mc = sg_mtp3_get_cfg(m);
	CU_ASSERT_STRING_EQUAL(mc->name, "a");
	CU_ASSERT_EQUAL(mc->variant, SG_PC_ITU);
	CU_ASSERT_EQUAL(mc->pc, 100);
	CU_ASSERT_EQUAL(mc->ni, SG_NI_NATIONAL);
	CU_ASSERT_TRUE(mc->stp);
	CU_ASSERT_FALSE(mc->sls5);
	CU_ASSERT_FALSE(mc->restart);
	CU_ASSERT_TRUE(mc->cong_prio);
	CU_ASSERT_TRUE(mc->tfr);
	CU_ASSERT_TRUE(mc->tfp_unknown);
	CU_ASSERT_EQUAL(sg_mtp3_get_timer(m, SG_MTP3_T2), 700);
	CU_ASSERT_EQUAL(sg_mtp3_get_timer(m, SG_MTP3_T11), 45000);
	CU_ASSERT_EQUAL(sg_mtp3_get_timer(m, SG_MTP3_SLT_T2), 90000);
	/* the others keep their defaults */
	for (unsigned int t = 0; t < _SG_MTP3_T_MAX; t++)
		if (t != SG_MTP3_T2 && t != SG_MTP3_T11 && t != SG_MTP3_SLT_T2)
			CU_ASSERT_EQUAL(sg_mtp3_get_timer(m, t), sg_mtp3_timer_defs[t].def_val);
	/* without restart, sg_mtp3_restart() is sg_mtp3_start(): no restart phase */
	CU_ASSERT_EQUAL(sg_mtp3_restart(m), 0);
	CU_ASSERT_FALSE(sg_mtp3_restarting(m));
	sg_mtp3_free(m);

	/* the second SP: the defaults (restart on, national options off), ANSI 5-bit SLS */
	m = sg_core_mtp3_from_config(NULL, cfg, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	mc = sg_mtp3_get_cfg(m);
	CU_ASSERT_STRING_EQUAL(mc->name, "b");
	CU_ASSERT_EQUAL(mc->variant, SG_PC_ANSI);
	CU_ASSERT_EQUAL(mc->ni, SG_NI_INTERNATIONAL);
	CU_ASSERT_FALSE(mc->stp);
	CU_ASSERT_TRUE(mc->sls5);
	CU_ASSERT_TRUE(mc->restart);
	CU_ASSERT_FALSE(mc->cong_prio);
	CU_ASSERT_FALSE(mc->tfr);
	CU_ASSERT_FALSE(mc->tfp_unknown);
	for (unsigned int t = 0; t < _SG_MTP3_T_MAX; t++)
		CU_ASSERT_EQUAL(sg_mtp3_get_timer(m, t), sg_mtp3_timer_defs[t].def_val);
	CU_ASSERT_EQUAL(sg_mtp3_restart(m), 0);
	CU_ASSERT_TRUE(sg_mtp3_restarting(m));
	sg_mtp3_free(m);
	CU_ASSERT_PTR_NULL(sg_core_mtp3_from_config(NULL, cfg, 2));
	sg_config_free(cfg);

	/* timers the schema lets through but MTP3's table does not: no instance */
	snprintf(text, sizeof(text), fmt_cfg, "{ \"t99\": 1000 }");
	cfg = sg_config_parse(NULL, text, "t.json", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_PTR_NULL(sg_core_mtp3_from_config(NULL, cfg, 0));
	sg_config_free(cfg);
	snprintf(text, sizeof(text), fmt_cfg, "{ \"t2\": 2001 }");
	cfg = sg_config_parse(NULL, text, "t.json", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_PTR_NULL(sg_core_mtp3_from_config(NULL, cfg, 0));
	sg_config_free(cfg);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	sg_clock_monotonic();
}

static struct sg_mtp3 *alloc_itu(uint32_t pc)
{
	struct sg_mtp3_cfg c;

	sg_mtp3_cfg_defaults(&c);
	c.pc = pc;
	c.name = "t";
	return sg_mtp3_alloc(NULL, &c);
}

static void test_api_errors(void)
{
	struct sg_mtp3 *m = alloc_itu(1);
	struct sg_mtp3_linkset *ls;
	struct sg_mtp_param p = { .dpc = 99, .si = 5 };
	struct msgb *msg;
	struct json_object *j;
	struct sg_mtp3_cfg c;

	sg_mtp3_cfg_defaults(&c);
	c.pc = 1 << 14;
	CU_ASSERT_PTR_NULL(sg_mtp3_alloc(NULL, &c));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ls = sg_mtp3_linkset_add(m, "b", 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ls);
	CU_ASSERT_PTR_NULL(sg_mtp3_linkset_add(m, "b2", 2));	/* same adjacent SP */
	CU_ASSERT_PTR_NULL(sg_mtp3_linkset_add(m, "b", 3));	/* same name */
	CU_ASSERT_PTR_NULL(sg_mtp3_linkset_add(m, "own", 1));	/* own PC */
	CU_ASSERT_PTR_NULL(sg_mtp3_linkset_add(m, "big", 1 << 14));
	CU_ASSERT_PTR_NOT_NULL(sg_mtp3_link_add(ls, "l0", 0));
	CU_ASSERT_PTR_NULL(sg_mtp3_link_add(ls, "l0b", 0));	/* SLC taken */
	CU_ASSERT_PTR_NULL(sg_mtp3_link_add(ls, "l16", 16));
	CU_ASSERT_EQUAL(sg_mtp3_route_add(m, 2, ls, 0), -EEXIST);
	CU_ASSERT_EQUAL(sg_mtp3_route_add(m, 1, ls, 0), -EINVAL);
	CU_ASSERT_EQUAL(sg_mtp3_route_add(m, 1 << 14, ls, 0), -EINVAL);
	CU_ASSERT_EQUAL(sg_mtp3_route_add(m, 9, ls, 1), 0);
	CU_ASSERT_EQUAL(sg_mtp3_route_status(m, 9, ls), SG_MTP3_ROUTE_AVAILABLE);
	CU_ASSERT_EQUAL(sg_mtp3_route_status(m, 10, ls), -ENOENT);
	CU_ASSERT_EQUAL(sg_mtp3_user_available(m, 5, false), -EINVAL);

	/* timers: Q.704 ranges */
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T2, 699), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T2, 2001), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T2, 700), 0);
	CU_ASSERT_EQUAL(sg_mtp3_get_timer(m, SG_MTP3_T2), 700);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_SLT_T1, 3999), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_SLT_T2, 90000), 0);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, _SG_MTP3_T_MAX, 1), -EINVAL);
	for (unsigned int i = 0; i < _SG_MTP3_T_MAX; i++) {
		CU_ASSERT_TRUE(sg_mtp3_timer_defs[i].min_val <= sg_mtp3_timer_defs[i].def_val);
		CU_ASSERT_TRUE(sg_mtp3_timer_defs[i].def_val <= sg_mtp3_timer_defs[i].max_val);
		CU_ASSERT_STRING_NOT_EQUAL(get_value_string(sg_mtp3_timer_names, i), "unknown");
	}
	j = sg_mtp3_timers_json(m);
	CU_ASSERT_EQUAL(json_object_array_length(j), _SG_MTP3_T_MAX);
	CU_ASSERT_STRING_EQUAL(jstr(find(j, "name", "t2"), "value_ms"), "700");
	json_object_put(j);

	/* transfer requests */
	msg = sg_msgb_alloc(64, "t");
	msgb_reserve(msg, 32);
	msgb_put(msg, 4);
	CU_ASSERT_EQUAL(sg_mtp3_transfer_req(m, &p, msg), -EHOSTUNREACH);
	CU_ASSERT_EQUAL(sg_ctr_get(sg_mtp3_counters(m), SG_MTP3_CTR_ROUTING_FAIL), 1);
	p.si = 0;
	msg = sg_msgb_alloc(64, "t");
	msgb_reserve(msg, 32);
	msgb_put(msg, 4);
	CU_ASSERT_EQUAL(sg_mtp3_transfer_req(m, &p, msg), -EINVAL);
	p.si = 5;
	msg = sg_msgb_alloc(64, "t");	/* no headroom for the label */
	msgb_put(msg, 4);
	CU_ASSERT_EQUAL(sg_mtp3_transfer_req(m, &p, msg), -EINVAL);
	sg_mtp3_free(m);
}

/* one link, driven by hand: in service, SLT, then garbage */
static void feed(struct sg_mtp3 *m, struct sg_mtp3_link *l, const uint8_t *d, size_t len)
{
	struct msgb *msg = sg_msgb_alloc(400, "rx");

	msgb_reserve(msg, 16);
	msg->l3h = msgb_put(msg, len);
	memcpy(msg->l3h, d, len);
	sg_mtp3_l2_ind(m, l, SG_MTP2_DATA, NULL, msg);
}

static void test_bad_input(void)
{
	struct sg_mtp3 *m;
	struct sg_mtp3_linkset *ls;
	struct sg_mtp3_link *l;
	struct sg_mtp3_hdr h;
	struct sg_mtp3_slt s;
	uint8_t buf[300];
	uint64_t rng = 12345;
	size_t n;

	sg_clock_virtual(0);
	memset(&R, 0, sizeof(R));
	m = alloc_itu(1);
	ls = sg_mtp3_linkset_add(m, "b", 2);
	l = sg_mtp3_link_add(ls, "l0", 0);
	sg_mtp3_link_bind(l, &rec_ops, NULL);
	CU_ASSERT_EQUAL(sg_mtp3_start(m), 0);
	/* emergency alignment: no other link */
	CU_ASSERT_EQUAL(R.n, 2);
	CU_ASSERT_EQUAL(R.r[0].prim, SG_MTP2_EMERGENCY);
	CU_ASSERT_EQUAL(R.r[1].prim, SG_MTP2_START);
	sg_mtp3_l2_ind(m, l, SG_MTP2_IN_SERVICE, NULL, NULL);
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_TESTING);
	CU_ASSERT_EQUAL_FATAL(R.r[R.n - 1].prim, SG_MTP2_DATA);
	CU_ASSERT_EQUAL_FATAL(sg_mtp3_slt_msu_decode(&h, &s, &fmt, R.r[R.n - 1].data,
						     R.r[R.n - 1].len), 0);
	CU_ASSERT_EQUAL(s.heading, SG_MTP3_SLTM);
	/* answer: available, TRA sent */
	h.label.dpc = 1;
	h.label.opc = 2;
	s.heading = SG_MTP3_SLTA;
	n = sg_mtp3_slt_msu_encode(buf, sizeof(buf), &fmt, &h, &s);
	feed(m, l, buf, n);
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_AVAILABLE);

	/* malformed and unexpected messages leave the state alone */
	{
		static const uint8_t shortmsu[] = { 0x80, 0x01 };
		/* COO heading with no FSN octet; SLTA with LI beyond the message */
		static const uint8_t coo_short[] = { 0x80, 0x01, 0x80, 0x00, 0x00, 0x11 };
		static const uint8_t slta_bad[] = { 0x81, 0x01, 0x80, 0x00, 0x00, 0x21, 0xf0, 1 };
		struct sg_mtp3_snm snm = { .heading = SG_MTP3_COA, .slc = 9, .fsn = 3 };
		struct sg_mtp3_hdr sh = { .si = 0, .ni = 2, .label = { .dpc = 1, .opc = 2 } };
		uint64_t d0 = sg_ctr_get(sg_mtp3_counters(m), SG_MTP3_CTR_RX_DISCARD);

		feed(m, l, shortmsu, sizeof(shortmsu));
		feed(m, l, coo_short, sizeof(coo_short));
		feed(m, l, slta_bad, sizeof(slta_bad));
		CU_ASSERT_EQUAL(sg_ctr_get(sg_mtp3_counters(m), SG_MTP3_CTR_RX_DISCARD), d0 + 3);
		/* COA for an unknown SLC, COA without COO, CBA with unknown code, TFP for an
		 * unknown destination, TFP about the adjacent SP itself */
		feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
		snm.slc = 0;
		feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
		snm = (struct sg_mtp3_snm){ .heading = SG_MTP3_CBA, .cbc = 200 };
		feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
		snm = (struct sg_mtp3_snm){ .heading = SG_MTP3_TFP, .dest = 77 };
		feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
		snm.dest = 2;
		feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
		/* from a non-adjacent SP */
		snm = (struct sg_mtp3_snm){ .heading = SG_MTP3_COO, .slc = 0 };
		sh.label.opc = 5;
		feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
		CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_AVAILABLE);
		CU_ASSERT_EQUAL(sg_mtp3_link_co_state(l), SG_MTP3_CO_NONE);
		CU_ASSERT_EQUAL(sg_mtp3_route_status(m, 2, ls), SG_MTP3_ROUTE_AVAILABLE);
	}
	/* random MSUs from the network (SI 0/1 heavy): no crash, no leak; the state may change
	 * only through well-formed messages, so just check MTP3 still answers consistently */
	for (unsigned int i = 0; i < 20000; i++) {
		size_t len;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		len = 1 + rng % 40;
		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)(rng >> (k % 8 * 8)) ^ (uint8_t)(k * 37);
		buf[0] = (buf[0] & 0xc1) | 0x80;	/* national, SI 0 or 1 */
		if (len > 5 && (i & 1)) {
			/* label DPC 1, OPC 2 (the adjacent SP), random SLS */
			buf[1] = 1;
			buf[2] = 0x80;
			buf[3] = 0;
			buf[4] &= 0xf0;
		}
		feed(m, l, buf, len);
		sg_clock_advance_ms(1);
	}
	sg_mtp3_free(m);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	sg_clock_monotonic();
}

/* own restart, processor outage, inhibit tests: API errors, timer ranges, unexpected input */
static uint64_t lctr(struct sg_mtp3_link *l, enum sg_mtp3_ctr c)
{
	return sg_ctr_get(sg_mtp3_link_counters(l), c);
}

static int user_msu(struct sg_mtp3 *m)
{
	struct sg_mtp_param p = { .dpc = 2, .si = 5 };
	struct msgb *msg = sg_msgb_alloc(64, "t");

	msgb_reserve(msg, 32);
	msg->l4h = msgb_put(msg, 4);
	memset(msg->l4h, 0x11, 4);
	return sg_mtp3_transfer_req(m, &p, msg);
}

/* Q.704 §3.8 and issue 10: MTP3 does not hand MSUs to MTP2 without bound.  A user MSU the
 * transport to MTP2 refuses (a full TDM mailbox) is counted as tx:l2_refused, not tx:msu;
 * while MTP2 reports its discard state, user MSUs for the link are discarded by MTP3
 * (-ENOBUFS, congestion:discard_buffer on the link), and taken again when it ends. */
static void test_q704_3_8_discard_state(void)
{
	struct sg_mtp3 *m;
	struct sg_mtp3_linkset *ls;
	struct sg_mtp3_link *l;
	struct sg_mtp3_hdr h;
	struct sg_mtp3_slt s;
	struct sg_mtp2_param cp = { 0 };
	struct json_object *j;
	uint8_t buf[300];
	uint64_t tx0;

	sg_clock_virtual(0);
	memset(&R, 0, sizeof(R));
	m = alloc_itu(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ls = sg_mtp3_linkset_add(m, "b", 2);
	l = sg_mtp3_link_add(ls, "l0", 0);
	sg_mtp3_link_bind(l, &rec_ops, NULL);
	CU_ASSERT_EQUAL(sg_mtp3_restart(m), 0);
	sg_mtp3_l2_ind(m, l, SG_MTP2_IN_SERVICE, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(sg_mtp3_slt_msu_decode(&h, &s, &fmt, R.r[R.n - 1].data,
						     R.r[R.n - 1].len), 0);
	h.label.dpc = 1;
	h.label.opc = 2;
	s.heading = SG_MTP3_SLTA;
	feed(m, l, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &fmt, &h, &s));
	sg_clock_advance_ms(sg_mtp3_get_timer(m, SG_MTP3_T20) + 10);
	CU_ASSERT_FATAL(sg_mtp3_dpc_accessible(m, 2));
	CU_ASSERT_EQUAL(user_msu(m), 0);

	/* the TDM mailbox is full */
	tx0 = lctr(l, SG_MTP3_CTR_TX_MSU);
	R.refuse_user_data = true;
	CU_ASSERT_EQUAL(user_msu(m), -ENOSPC);
	CU_ASSERT_EQUAL(user_msu(m), -ENOSPC);
	R.refuse_user_data = false;
	CU_ASSERT_EQUAL(lctr(l, SG_MTP3_CTR_TX_L2_REFUSED), 2);
	CU_ASSERT_EQUAL(sg_ctr_get(sg_mtp3_counters(m), SG_MTP3_CTR_TX_L2_REFUSED), 2);
	CU_ASSERT_EQUAL(lctr(l, SG_MTP3_CTR_TX_MSU), tx0);

	/* level 1 without discard (international): the MSU goes on */
	cp.cong_level = 1;
	sg_mtp3_l2_ind(m, l, SG_MTP2_CONGESTION, &cp, NULL);
	R.n = 0;
	CU_ASSERT_EQUAL(user_msu(m), 0);
	CU_ASSERT_EQUAL(R.n, 1);
	/* MTP2 at its discard threshold: discarded by MTP3, counted by cause */
	cp.cong_level = 3;
	cp.cong_discard = 1;
	sg_mtp3_l2_ind(m, l, SG_MTP2_CONGESTION, &cp, NULL);
	j = sg_mtp3_links_json(m);
	CU_ASSERT_STRING_EQUAL(jstr(find(j, "name", "l0"), "congestion_discard"), "true");
	CU_ASSERT_STRING_EQUAL(jstr(find(j, "name", "l0"), "congestion"), "3");
	json_object_put(j);
	R.n = 0;
	for (unsigned int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(user_msu(m), -ENOBUFS);
	CU_ASSERT_EQUAL(R.n, 0);
	CU_ASSERT_EQUAL(lctr(l, SG_MTP3_CTR_CONG_DISCARD_BUF), 5);
	CU_ASSERT_EQUAL(lctr(l, SG_MTP3_CTR_CONG_DISCARD), 0);
	/* MTP's own messages still go: an SLTM from the adjacent SP is answered */
	s.heading = SG_MTP3_SLTM;
	feed(m, l, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &fmt, &h, &s));
	CU_ASSERT_EQUAL(R.n, 1);
	CU_ASSERT_EQUAL(R.r[0].data[0] & 0x0f, SG_MTP3_SI_MTN);
	/* drained below the top abatement: taken again */
	cp.cong_level = 2;
	cp.cong_discard = 0;
	sg_mtp3_l2_ind(m, l, SG_MTP2_CONGESTION, &cp, NULL);
	R.n = 0;
	CU_ASSERT_EQUAL(user_msu(m), 0);
	CU_ASSERT_EQUAL(R.n, 1);
	CU_ASSERT_EQUAL(lctr(l, SG_MTP3_CTR_CONG_DISCARD_BUF), 5);
	sg_mtp3_free(m);
}

static void test_restart_po(void)
{
	struct sg_mtp3 *m;
	struct sg_mtp3_linkset *ls;
	struct sg_mtp3_link *l;
	struct sg_mtp3_hdr h;
	struct sg_mtp3_slt s;
	struct sg_mtp3_snm snm;
	struct sg_mtp3_hdr sh = { .si = 0, .ni = 2, .label = { .dpc = 1, .opc = 2 } };
	struct sg_mtp_param p = { .dpc = 2, .si = 5 };
	struct json_object *j;
	struct msgb *msg;
	uint8_t buf[300];
	uint64_t d0;

	sg_clock_virtual(0);
	memset(&R, 0, sizeof(R));
	m = alloc_itu(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	/* Q.704 §16.8 ranges of the restart and inhibit test timers */
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T19, 66999), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T19, 67000), 0);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T20, 61001), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T22, 179999), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T23, 360001), -ERANGE);
	CU_ASSERT_EQUAL(sg_mtp3_set_timer(m, SG_MTP3_T18, 1999), -ERANGE);
	ls = sg_mtp3_linkset_add(m, "b", 2);
	l = sg_mtp3_link_add(ls, "l0", 0);
	CU_ASSERT_EQUAL(sg_mtp3_restart(m), -ENOTCONN);
	CU_ASSERT_FALSE(sg_mtp3_restarting(m));
	sg_mtp3_link_bind(l, &rec_ops, NULL);
	/* processor outage indications before the link is available: ignored */
	sg_mtp3_l2_ind(m, l, SG_MTP2_RPO, NULL, NULL);
	sg_mtp3_l2_ind(m, l, SG_MTP2_RPR, NULL, NULL);
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_INACTIVE);
	CU_ASSERT_EQUAL(sg_mtp3_restart(m), 0);
	CU_ASSERT_TRUE(sg_mtp3_restarting(m));
	CU_ASSERT_EQUAL(sg_mtp3_restart(m), -EALREADY);
	sg_mtp3_l2_ind(m, l, SG_MTP2_IN_SERVICE, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(sg_mtp3_slt_msu_decode(&h, &s, &fmt, R.r[R.n - 1].data,
						     R.r[R.n - 1].len), 0);
	sg_mtp3_l2_ind(m, l, SG_MTP2_RPO, NULL, NULL);	/* while testing: ignored */
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_TESTING);
	h.label.dpc = 1;
	h.label.opc = 2;
	s.heading = SG_MTP3_SLTA;
	feed(m, l, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), &fmt, &h, &s));
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_AVAILABLE);
	/* restarting: no TRA of ours, no user traffic */
	CU_ASSERT_EQUAL(R.r[R.n - 1].prim, SG_MTP2_DATA);
	CU_ASSERT_EQUAL(R.r[R.n - 1].data[0] & 0x0f, SG_MTP3_SI_MTN);
	msg = sg_msgb_alloc(64, "t");
	msgb_reserve(msg, 32);
	msgb_put(msg, 4);
	CU_ASSERT_EQUAL(sg_mtp3_transfer_req(m, &p, msg), -EHOSTUNREACH);
	/* the discarded MSU counts as routing:fail on the route too, where the API has it */
	j = sg_mtp3_routes_json(m);
	CU_ASSERT_STRING_EQUAL(jstr(find(json_object_object_get(find(j, "dpc", "0-0-2"),
								   "counters"),
					 "name", "routing:fail"), "value"), "1");
	json_object_put(j);
	/* inhibit tests for an unknown SLC, from a non-adjacent SP: no answer, no change */
	d0 = sg_ctr_get(sg_mtp3_counters(m), SG_MTP3_CTR_RX_DISCARD);
	R.n = 0;
	snm = (struct sg_mtp3_snm){ .heading = SG_MTP3_LLT, .slc = 9 };
	feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
	snm.heading = SG_MTP3_LRT;
	sh.label.opc = 5;
	feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
	/* a COA "via an STP" from an SP we have no linkset to */
	snm = (struct sg_mtp3_snm){ .heading = SG_MTP3_COA, .slc = 0, .fsn = 1 };
	feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
	CU_ASSERT_EQUAL(sg_ctr_get(sg_mtp3_counters(m), SG_MTP3_CTR_RX_DISCARD), d0 + 2);
	CU_ASSERT_EQUAL(R.n, 0);
	CU_ASSERT_EQUAL(sg_mtp3_link_co_state(l), SG_MTP3_CO_NONE);
	CU_ASSERT_EQUAL(sg_mtp3_link_inhibited(l), 0);
	/* no TRA from the adjacent SP: T20 ends the restart, TRA goes out */
	sg_clock_advance_ms(sg_mtp3_get_timer(m, SG_MTP3_T20) - 10);
	CU_ASSERT_TRUE(sg_mtp3_restarting(m));
	sg_clock_advance_ms(20);
	CU_ASSERT_FALSE(sg_mtp3_restarting(m));
	CU_ASSERT_TRUE(sg_mtp3_dpc_accessible(m, 2));
	/* remote processor outage of the only link: blocked, "blocked" in the JSON */
	sg_mtp3_l2_ind(m, l, SG_MTP2_RPO, NULL, NULL);
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_BLOCKED);
	CU_ASSERT_FALSE(sg_mtp3_dpc_accessible(m, 2));
	j = sg_mtp3_links_json(m);
	CU_ASSERT_STRING_EQUAL(jstr(find(j, "name", "l0"), "blocked"), "true");
	CU_ASSERT_STRING_EQUAL(jstr(find(j, "name", "l0"), "state"), "BLOCKED");
	json_object_put(j);
	sg_mtp3_l2_ind(m, l, SG_MTP2_RPO, NULL, NULL);	/* again: nothing more */
	CU_ASSERT_EQUAL(sg_ctr_get(sg_mtp3_link_counters(l), SG_MTP3_CTR_RPO), 1);
	sg_clock_advance_ms(2000);
	sg_mtp3_l2_ind(m, l, SG_MTP2_RPR, NULL, NULL);
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_AVAILABLE);
	sg_mtp3_free(m);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	sg_clock_monotonic();
}

/* ---- SLS load sharing: ANSI (T1.111.4 §2.2, §5) LSB linkset selection and rotation; ITU ---- */

enum { SLS_A = 0x010203, SLS_B = 0x010204, SLS_C = 0x010205, SLS_DPC = 0x010299 };
static int sls_tag[6];		/* l2_priv of the links: A 0..3, B 4..5 */

static int sls_link(const struct req *r)
{
	return (int *)r->priv - sls_tag;
}

/* IN SERVICE, then answer the SLTM: the link becomes available */
static void sls_link_up(struct sg_mtp3 *m, const struct sg_mtp3_fmt *f, struct sg_mtp3_link *l)
{
	struct sg_mtp3_hdr h;
	struct sg_mtp3_slt s;
	uint32_t pc;
	uint8_t buf[300];

	R.n = 0;
	sg_mtp3_l2_ind(m, l, SG_MTP2_IN_SERVICE, NULL, NULL);
	CU_ASSERT_FATAL(R.n > 0);
	CU_ASSERT_EQUAL_FATAL(sg_mtp3_slt_msu_decode(&h, &s, f, R.r[R.n - 1].data,
						     R.r[R.n - 1].len), 0);
	pc = h.label.dpc;
	h.label.dpc = h.label.opc;
	h.label.opc = pc;
	s.heading = SG_MTP3_SLTA;
	feed(m, l, buf, sg_mtp3_slt_msu_encode(buf, sizeof(buf), f, &h, &s));
	CU_ASSERT_EQUAL(sg_mtp3_link_state(l), SG_MTP3_LINK_AVAILABLE);
}

/* own PC SLS_A (ITU: 1), linkset "a" to SLS_B (ITU: 2; 4 links, tags 0..3) and "b" to SLS_C
 * (ITU: 3; 2 links, tags 4..5); SLS_DPC (ITU: 99) over both with the same priority (combined
 * linkset) */
static struct sg_mtp3 *sls_setup(const struct sg_mtp3_fmt *f, struct sg_mtp3_link **lk)
{
	static const char *const names[6] = { "a0", "a1", "a2", "a3", "b0", "b1" };
	struct sg_mtp3_linkset *la, *lb;
	struct sg_mtp3_cfg c;
	struct sg_mtp3 *m;
	bool itu = f->variant == SG_PC_ITU;

	sg_mtp3_cfg_defaults(&c);
	c.name = "sls";
	c.variant = f->variant;
	c.sls5 = f->sls5;
	c.pc = itu ? 1 : SLS_A;
	c.restart = false;
	c.stp = true;
	m = sg_mtp3_alloc(NULL, &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	la = sg_mtp3_linkset_add(m, "a", itu ? 2 : SLS_B);
	lb = sg_mtp3_linkset_add(m, "b", itu ? 3 : SLS_C);
	CU_ASSERT_FATAL(la && lb);
	for (unsigned int i = 0; i < 6; i++) {
		lk[i] = sg_mtp3_link_add(i < 4 ? la : lb, names[i], i < 4 ? i : i - 4);
		CU_ASSERT_PTR_NOT_NULL_FATAL(lk[i]);
		sg_mtp3_link_bind(lk[i], &rec_ops, &sls_tag[i]);
	}
	CU_ASSERT_EQUAL(sg_mtp3_route_add(m, itu ? 99 : SLS_DPC, la, 1), 0);
	CU_ASSERT_EQUAL(sg_mtp3_route_add(m, itu ? 99 : SLS_DPC, lb, 1), 0);
	CU_ASSERT_EQUAL(sg_mtp3_start(m), 0);
	for (unsigned int i = 0; i < 6; i++)
		sls_link_up(m, f, lk[i]);
	/* changebacks of the earlier links' SLS end without CBA after T4 + T5 (Q.704 §6.4) */
	sg_clock_advance_ms(5000);
	for (unsigned int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(sg_mtp3_link_co_state(lk[i]), SG_MTP3_CO_NONE);
	CU_ASSERT_TRUE(sg_mtp3_dpc_accessible(m, itu ? 99 : SLS_DPC));
	return m;
}

/* ---- the MTP-user SAP (include/sg/mtp_sap.h) ---- */

struct urec {
	unsigned int n[4];		/* by enum sg_mtp_prim */
	uint8_t si, cause;		/* of the last one */
	uint32_t dpc;
	uint8_t data0;			/* TRANSFER: first octet of the user part */
};
static struct urec U[2];

static void urec_cb(struct sg_mtp3 *m, enum sg_mtp_prim prim, const struct sg_mtp_param *p,
		    struct msgb *msg, void *priv)
{
	struct urec *u = priv;

	(void)m;
	u->n[prim]++;
	u->si = p->si;
	u->cause = p->cause;
	u->dpc = p->dpc;
	CU_ASSERT_EQUAL(msg != NULL, prim == SG_MTP_TRANSFER);
	if (msg) {
		CU_ASSERT_PTR_NOT_NULL(msgb_l3(msg));
		u->data0 = msgb_l4len(msg) ? ((const uint8_t *)msgb_l4(msg))[0] : 0;
	}
	msgb_free(msg);
}

/* an MSU from the adjacent SP 2 to our PC 1 with service indicator si */
static void sap_msu(struct sg_mtp3 *m, struct sg_mtp3_link *l, uint8_t si)
{
	struct sg_mtp3_hdr h = { .si = si, .ni = SG_NI_NATIONAL, .label = { .dpc = 1, .opc = 2 } };
	uint8_t buf[32];
	size_t n = sg_mtp3_hdr_encode(buf, sizeof(buf), &fmt, &h);

	buf[n++] = 0x40 + si;
	feed(m, l, buf, n);
}

/* TFP or TFA about PC 9 from the adjacent SP 2 */
static void sap_tfx(struct sg_mtp3 *m, struct sg_mtp3_link *l, uint8_t heading)
{
	struct sg_mtp3_hdr h = { .si = SG_MTP3_SI_SNM, .ni = SG_NI_NATIONAL,
				 .label = { .dpc = 1, .opc = 2 } };
	struct sg_mtp3_snm s = { .heading = heading, .dest = 9 };
	uint8_t buf[32];

	feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &h, &s));
}

/* the last request to MTP2 is a UPU about user part si with cause */
static void sap_upu_sent(uint8_t si, enum sg_mtp3_upu_cause cause)
{
	struct sg_mtp3_hdr h;
	struct sg_mtp3_snm s;

	CU_ASSERT_FATAL(R.n > 0);
	CU_ASSERT_EQUAL_FATAL(sg_mtp3_snm_msu_decode(&h, &s, &fmt, R.r[R.n - 1].data,
						     R.r[R.n - 1].len), 0);
	CU_ASSERT_EQUAL(s.heading, SG_MTP3_UPU);
	CU_ASSERT_EQUAL(s.upu_user, si);
	CU_ASSERT_EQUAL(s.upu_cause, cause);
	CU_ASSERT_EQUAL(h.label.dpc, 2);
}

/* Users register per SI set with one callback: TRANSFER goes by SI, PAUSE/RESUME and the
 * STATUS of every user reach each user once (a user of two SIs too), STATUS about one user
 * part only its user; an SI nobody took is unequipped (Q.704 §2.4.2: UPU, rx:discard). */
static void test_mtp_user_sap(void)
{
	const struct sg_mtp_user ua = { .name = "a", .prim_cb = urec_cb, .priv = &U[0] };
	const struct sg_mtp_user ub = { .name = "b", .prim_cb = urec_cb, .priv = &U[1] };
	const struct sg_mtp_user nocb = { .name = "x" };
	struct sg_mtp3_hdr sh = { .si = SG_MTP3_SI_SNM, .ni = SG_NI_NATIONAL,
				  .label = { .dpc = 1, .opc = 2 } };
	struct sg_mtp3_snm snm = { .heading = SG_MTP3_UPU, .dest = 2, .upu_user = 4,
				   .upu_cause = SG_MTP3_UPU_INACCESSIBLE };
	struct sg_mtp3_linkset *ls;
	struct sg_mtp3_link *l;
	struct sg_mtp3_cfg c;
	struct sg_mtp3 *m;
	uint8_t buf[64];
	uint64_t d0;

	sg_clock_virtual(0);
	memset(&R, 0, sizeof(R));
	memset(U, 0, sizeof(U));
	sg_mtp3_cfg_defaults(&c);
	c.name = "sap";
	c.pc = 1;
	c.restart = false;
	m = sg_mtp3_alloc(NULL, &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);

	/* registration: SI 3..15 only, one user per SI, again adds SIs */
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(2), &ua), -EINVAL);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, 0, &ua), -EINVAL);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(5), &nocb), -EINVAL);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(5), NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(5), &ua), 0);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(5), &ua), 0);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(3), &ub), 0);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(4) | SG_MTP_SI_BIT(5), &ub),
			-EBUSY);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(4), &ub), 0);
	CU_ASSERT_EQUAL(sg_mtp3_user_unregister(m, &nocb), -ENOENT);
	CU_ASSERT_EQUAL(sg_mtp3_user_available(m, 6, false), -EINVAL);

	ls = sg_mtp3_linkset_add(m, "b", 2);
	l = sg_mtp3_link_add(ls, "l0", 0);
	sg_mtp3_link_bind(l, &rec_ops, NULL);
	CU_ASSERT_EQUAL(sg_mtp3_route_add(m, 9, ls, 0), 0);
	CU_ASSERT_EQUAL(sg_mtp3_start(m), 0);
	sls_link_up(m, &fmt, l);
	memset(U, 0, sizeof(U));

	/* TRANSFER by SI: 5 to a, 3 and 4 to b */
	sap_msu(m, l, 5);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_TRANSFER], 1);
	CU_ASSERT_EQUAL(U[0].si, 5);
	CU_ASSERT_EQUAL(U[0].data0, 0x45);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_TRANSFER], 0);
	sap_msu(m, l, 3);
	sap_msu(m, l, 4);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_TRANSFER], 1);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_TRANSFER], 2);
	CU_ASSERT_EQUAL(U[1].si, 4);
	CU_ASSERT_EQUAL(U[1].data0, 0x44);

	/* SI 6 has no user: unequipped; SI 5 unavailable: inaccessible; both counted */
	d0 = lctr(l, SG_MTP3_CTR_RX_DISCARD);
	sap_msu(m, l, 6);
	sap_upu_sent(6, SG_MTP3_UPU_UNEQUIPPED);
	CU_ASSERT_EQUAL(sg_mtp3_user_available(m, 5, false), 0);
	sap_msu(m, l, 5);
	sap_upu_sent(5, SG_MTP3_UPU_INACCESSIBLE);
	CU_ASSERT_EQUAL(lctr(l, SG_MTP3_CTR_RX_DISCARD), d0 + 2);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_TRANSFER] + U[1].n[SG_MTP_TRANSFER], 3);
	CU_ASSERT_EQUAL(sg_mtp3_user_available(m, 5, true), 0);

	/* STATUS about one remote user part (UPU received for SI 4): its user only */
	feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_STATUS], 1);
	CU_ASSERT_EQUAL(U[1].cause, SG_MTP_STATUS_UPU_INACCESSIBLE);
	CU_ASSERT_EQUAL(U[1].si, 4);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_STATUS], 0);

	/* STATUS of a destination (TFC): every user once */
	snm = (struct sg_mtp3_snm){ .heading = SG_MTP3_TFC, .dest = 9 };
	feed(m, l, buf, sg_mtp3_snm_msu_encode(buf, sizeof(buf), &fmt, &sh, &snm));
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_STATUS], 1);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_STATUS], 2);
	CU_ASSERT_EQUAL(U[1].cause, SG_MTP_STATUS_CONGESTION);
	CU_ASSERT_EQUAL(U[1].dpc, 9);

	/* TFP(9) from the adjacent SP: PAUSE(9) to each user once, b with two SIs too; TFA(9):
	 * RESUME(9) likewise */
	sap_tfx(m, l, SG_MTP3_TFP);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_PAUSE], 1);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_PAUSE], 1);
	CU_ASSERT_EQUAL(U[1].dpc, 9);
	sap_tfx(m, l, SG_MTP3_TFA);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_RESUME], 1);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_RESUME], 1);

	/* b leaves: its SIs are unequipped, its indications stop */
	CU_ASSERT_EQUAL(sg_mtp3_user_unregister(m, &ub), 0);
	sap_msu(m, l, 4);
	sap_upu_sent(4, SG_MTP3_UPU_UNEQUIPPED);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_TRANSFER], 2);
	sap_tfx(m, l, SG_MTP3_TFP);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_PAUSE], 2);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_PAUSE], 1);

	/* SIs taken over: released from a (its only one), then b's */
	CU_ASSERT_EQUAL(sg_mtp3_user_release(m, SG_MTP_SI_BIT(1)), -EINVAL);
	CU_ASSERT_EQUAL(sg_mtp3_user_release(m, SG_MTP_SI_BIT(5)), 0);
	CU_ASSERT_EQUAL(sg_mtp3_user_register(m, SG_MTP_SI_BIT(5), &ub), 0);
	sap_tfx(m, l, SG_MTP3_TFA);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_RESUME], 1);	/* a has no SI left */
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_RESUME], 2);
	sap_msu(m, l, 5);
	CU_ASSERT_EQUAL(U[0].n[SG_MTP_TRANSFER], 1);
	CU_ASSERT_EQUAL(U[1].n[SG_MTP_TRANSFER], 3);
	sg_mtp3_free(m);
}

/* send one user MSU per SLS value to dpc; R holds what went out */
static void sls_send_all(struct sg_mtp3 *m, uint32_t dpc, unsigned int nsls)
{
	R.n = 0;
	for (unsigned int sls = 0; sls < nsls; sls++) {
		struct sg_mtp_param p = { .dpc = dpc, .si = 5, .sls = sls };
		struct msgb *msg = sg_msgb_alloc(64, "t");

		msgb_reserve(msg, 32);
		memset(msgb_put(msg, 4), sls, 4);
		CU_ASSERT_EQUAL(sg_mtp3_transfer_req(m, &p, msg), 0);
	}
	CU_ASSERT_EQUAL(R.n, nsls);
}

static unsigned int rot(unsigned int sls, unsigned int bits)
{
	return (sls >> 1) | ((sls & 1) << (bits - 1));
}

static void sls_ansi(bool sls5)
{
	const struct sg_mtp3_fmt f = { .variant = SG_PC_ANSI, .sls5 = sls5 };
	unsigned int bits = sls5 ? 5 : 8, nsls = 1u << bits, cnt[6] = { 0 };
	struct sg_mtp3_link *lk[6];
	struct sg_mtp3_hdr h;
	struct sg_mtp3 *m;
	uint8_t buf[300];
	size_t hl;

	sg_clock_virtual(0);
	memset(&R, 0, sizeof(R));
	m = sls_setup(&f, lk);

	/* combined linkset: the LSB selects the linkset, the remaining bits the link; the MSU
	 * leaves with its SLS rotated one bit right (LSB to the MSB of the 5/8-bit field) */
	sls_send_all(m, SLS_DPC, nsls);
	for (unsigned int i = 0; i < R.n && i < nsls; i++) {
		const struct req *r = &R.r[i];
		int exp = i & 1 ? 4 + ((i >> 1) & 1) : (i >> 1) & 3;

		CU_ASSERT_EQUAL(r->prim, SG_MTP2_DATA);
		CU_ASSERT_EQUAL(sls_link(r), exp);
		CU_ASSERT_EQUAL_FATAL(sg_mtp3_hdr_decode(&h, &f, r->data, r->len), 0);
		CU_ASSERT_EQUAL(h.label.sls, rot(i, bits));
		CU_ASSERT_EQUAL(h.label.dpc, SLS_DPC);
		CU_ASSERT_EQUAL(h.label.opc, SLS_A);
		CU_ASSERT_EQUAL(h.si, 5);
		/* the 3 spare bits of the 5-bit SLS octet stay 0 */
		CU_ASSERT_EQUAL(r->data[7], rot(i, bits));
		CU_ASSERT_EQUAL(r->data[r->len - 1], i & 0xff);
		cnt[sls_link(r)]++;
	}
	/* half the SLS per linkset, evenly over its links */
	for (unsigned int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(cnt[i], i < 4 ? nsls / 8 : nsls / 4);

	/* single linkset (the adjacent SP): every bit but the LSB selects among its 4 links */
	memset(cnt, 0, sizeof(cnt));
	sls_send_all(m, SLS_B, nsls);
	for (unsigned int i = 0; i < R.n && i < nsls; i++) {
		CU_ASSERT_EQUAL(sls_link(&R.r[i]), (int)((i >> 1) & 3));
		CU_ASSERT_EQUAL_FATAL(sg_mtp3_hdr_decode(&h, &f, R.r[i].data, R.r[i].len), 0);
		CU_ASSERT_EQUAL(h.label.sls, rot(i, bits));
		cnt[sls_link(&R.r[i])]++;
	}
	for (unsigned int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(cnt[i], nsls / 4);

	/* transfer (STP) from C to B: selected by the received SLS, sent on rotated */
	R.n = 0;
	h = (struct sg_mtp3_hdr){ .si = 5, .ni = h.ni,
				  .label = { .dpc = SLS_B, .opc = SLS_C, .sls = 0x13 } };
	hl = sg_mtp3_hdr_encode(buf, sizeof(buf), &f, &h);
	CU_ASSERT_FATAL(hl > 0);
	memset(buf + hl, 0x5a, 4);
	feed(m, lk[4], buf, hl + 4);
	CU_ASSERT_EQUAL_FATAL(R.n, 1);
	CU_ASSERT_EQUAL(sls_link(&R.r[0]), (0x13 >> 1) & 3);
	CU_ASSERT_EQUAL_FATAL(sg_mtp3_hdr_decode(&h, &f, R.r[0].data, R.r[0].len), 0);
	CU_ASSERT_EQUAL(h.label.sls, rot(0x13, bits));
	CU_ASSERT_EQUAL(h.label.opc, SLS_C);
	CU_ASSERT_EQUAL(R.r[0].len, hl + 4);

	sg_mtp3_free(m);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	sg_clock_monotonic();
}

static void test_sls_ansi8(void)
{
	sls_ansi(false);
}

static void test_sls_ansi5(void)
{
	sls_ansi(true);
}

/* ITU (Q.704 §2.3.5): unchanged, range partition over the linksets, SLS not modified */
static void test_sls_itu(void)
{
	struct sg_mtp3_link *lk[6];
	unsigned int cnt[6] = { 0 };
	struct sg_mtp3_hdr h;
	struct sg_mtp3 *m;

	sg_clock_virtual(0);
	memset(&R, 0, sizeof(R));
	m = sls_setup(&fmt, lk);
	sls_send_all(m, 99, 16);
	for (unsigned int i = 0; i < R.n && i < 16; i++) {
		int exp = i < 8 ? (int)(i % 4) : 4 + (int)(i % 2);

		CU_ASSERT_EQUAL(sls_link(&R.r[i]), exp);
		CU_ASSERT_EQUAL_FATAL(sg_mtp3_hdr_decode(&h, &fmt, R.r[i].data, R.r[i].len), 0);
		CU_ASSERT_EQUAL(h.label.sls, i);
		cnt[sls_link(&R.r[i])]++;
	}
	for (unsigned int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(cnt[i], i < 4 ? 2 : 4);
	sg_mtp3_free(m);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
	sg_clock_monotonic();
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "configuration and JSON", test_config },
		{ "configuration: restart, congestion priorities, TFR, TFP, timers",
		  test_config_options },
		{ "API errors, timers, transfer requests", test_api_errors },
		{ "malformed and unexpected messages", test_bad_input },
		{ "restart, processor outage, inhibit test", test_restart_po },
		{ "Q.704 3.8: MTP2 discard state and a refused MSU are discards of MTP3, counted",
		  test_q704_3_8_discard_state },
		{ "ANSI 8-bit SLS: linkset/link selection, rotation", test_sls_ansi8 },
		{ "ANSI 5-bit SLS: linkset/link selection, rotation", test_sls_ansi5 },
		{ "ITU SLS load sharing unchanged", test_sls_itu },
		{ "MTP-user SAP: dispatch by SI, PAUSE/RESUME/STATUS to each user once",
		  test_mtp_user_sap },
		{ NULL, NULL },
	};

	sg_log_init(NULL, SG_LOG_STDERR, false);
	if (osmo_stderr_target)
		log_set_log_level(osmo_stderr_target, 0);
	sg_log_set_level(DMTP3, LOGL_FATAL);
	sg_log_set_level(DMTP2, LOGL_FATAL);
	return cu_run_suite("mtp3", tests, NULL, NULL);
}
