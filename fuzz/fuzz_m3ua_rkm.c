/* libFuzzer target: routing keys from the peer (RKM REG/DEREG REQ, RFC 4666 §3.6, §4.4;
 * sg/sigtran/xua_rkm.c, m3ua_rkm.c) and routing by key (sg_m3ua_route_ssn, m3ua_as.c) against
 * a full scan. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>

#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/timer.h>

#include "fuzz.h"

/* The AS code itself, for its scoring function (rk_score) and SSN extraction: the reference
 * below (fuzz/targets.list builds this file instead of sg/sigtran/m3ua_as.c). */
#include "../sg/sigtran/m3ua_as.c"

/*
 * An SGP (dynamic RKM, DPCs 256..271 provisioned, asp1 allowed 256..259 only, ITU or ANSI
 * from the first octet) with two ASPs up and configured ASs whose keys overlap: exact and
 * masked DPCs, OPC lists, SI, SSN, CIC ranges.  Events: a REG REQ from an ASP carrying one
 * Routing Key parameter whose value is taken from the input (sub-parameters as the peer
 * sends them), a DEREG REQ, ASPAC for a routing context, an AS added or removed at run time
 * (API), and an MSU from the SS7 side to route.  Routing goes through the layer's indexes
 * (sorted exact DPCs, masked keys, RC hash); each result is checked against a scan of every AS
 * with the same scoring (most specific key, ties to the first configured), and
 * sg_m3ua_as_by_rc against a scan of the RCs.
 *
 * Seeds: fuzz/corpus/m3ua_rkm/: the Routing Keys of fuzz/corpus/m3ua/reg_req (the codec
 * test's), keys for provisioned, denied and configured DPCs, and MSUs for each AS.
 */

static struct sg_m3ua *M;
static struct sg_m3ua_asp *A[2];

static int op_send(void *priv, struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	(void)priv;
	(void)asp;
	(void)stream;
	msgb_free(msg);
	return 0;
}

static void op_close(void *priv, struct sg_m3ua_asp *asp)
{
	(void)priv;
	(void)asp;
}

static const struct sg_xua_transport_ops tops = { .send = op_send, .close = op_close };

static void rx(struct sg_m3ua_asp *asp, struct msgb *msg)
{
	sg_m3ua_finish(msg);
	sg_m3ua_asp_rx(asp, msg->data[2] == SG_M3UA_CLS_ASPTM ? 1 : 0, msg->data,
		       msgb_length(msg));
	msgb_free(msg);
}

static void as(const char *name, uint32_t rc, const char *asp, const struct sg_m3ua_rkey *rk)
{
	struct sg_m3ua_as_cfg a = { .name = name, .has_rc = rc != 0, .rc = rc, .min_asps = 1,
				    .nasps = 1, .asps = { asp }, .rk = *rk };

	if (!sg_m3ua_as_add(M, &a))
		abort();
}

static void setup(uint8_t flags)
{
	struct sg_m3ua_cfg cfg;
	struct sg_m3ua_asp_cfg ac = { .role = SG_M3UA_ROLE_SGP, .may_register = true };

	sg_m3ua_cfg_defaults(&cfg);
	cfg.name = "fz";
	cfg.variant = flags & 1 ? SG_PC_ANSI : SG_PC_ITU;
	cfg.local_pc = 1;
	cfg.rkm = SG_M3UA_RKM_DYNAMIC;
	cfg.nprov = 2;
	cfg.prov[0] = (struct sg_m3ua_pc_mask){ 256, 4 };
	cfg.prov[1] = (struct sg_m3ua_pc_mask){ 4096, 0 };
	cfg.max_dynamic = 8;
	cfg.has_na = flags & 2;
	cfg.na = 7;
	M = sg_m3ua_alloc(NULL, &cfg, &tops, NULL, NULL, NULL);
	ac.name = "asp1";
	ac.nallowed = 1;
	ac.allowed[0] = (struct sg_m3ua_pc_mask){ 256, 2 };
	A[0] = sg_m3ua_asp_add(M, &ac);
	ac.name = "asp2";
	ac.nallowed = 0;
	A[1] = sg_m3ua_asp_add(M, &ac);
	if (!M || !A[0] || !A[1])
		abort();
	as("exact", 1, "asp1", &(struct sg_m3ua_rkey){ .ndpc = 1, .dpc = { { 100, 0 } } });
	as("si5", 2, "asp2", &(struct sg_m3ua_rkey){ .ndpc = 1, .dpc = { { 100, 0 } }, .nsi = 1,
						     .si = { 5 } });
	as("ssn8", 3, "asp2", &(struct sg_m3ua_rkey){ .ndpc = 1, .dpc = { { 100, 0 } }, .nsi = 1,
						      .si = { 3 }, .nssn = 2, .ssn = { 8, 146 } });
	as("masked", 4, "asp1", &(struct sg_m3ua_rkey){ .ndpc = 2, .dpc = { { 96, 3 },
									       { 200, 0 } } });
	as("opc", 5, "asp2", &(struct sg_m3ua_rkey){ .ndpc = 1, .dpc = { { 100, 0 } }, .nopc = 2,
						     .opc = { { 50, 0 }, { 64, 4 } } });
	as("cic", 6, "asp1", &(struct sg_m3ua_rkey){ .ndpc = 1, .dpc = { { 100, 0 } }, .nsi = 1,
						     .si = { 5 }, .ncic = 1,
						     .cic = { { 50, 1, 31 } } });
	as("wide", 0, "asp2", &(struct sg_m3ua_rkey){ .ndpc = 1, .dpc = { { 0, 14 } } });
	for (unsigned int i = 0; i < 2; i++) {
		sg_m3ua_asp_conn_up(A[i], 4, 4);
		rx(A[i], sg_m3ua_msg_new(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP));
	}
}

static void ev_reg(struct fz_in *in)
{
	uint8_t peer, len;
	struct msgb *msg;

	if (!fz_get8(in, &peer) || !fz_get8(in, &len))
		return;
	if (len > in->n)
		len = (uint8_t)in->n;
	msg = sg_m3ua_msg_new(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);
	sg_m3ua_put(msg, SG_M3UA_IEI_ROUTING_KEY, len, in->d);
	in->d += len;
	in->n -= len;
	rx(A[peer & 1], msg);
}

/* the layer's choice must be the best score of a full scan, ties to the first AS */
static void ev_route(struct fz_in *in)
{
	uint32_t opc, dpc;
	uint8_t si, ssnb, len;
	struct sg_m3ua_pdata pd = { 0 };
	struct sg_m3ua_as *got, *ref = NULL, *it;
	int ssn, best = -1;

	if (!fz_getn(in, 3, &opc) || !fz_getn(in, 3, &dpc) || !fz_get8(in, &si) ||
	    !fz_get8(in, &ssnb) || !fz_get8(in, &len))
		return;
	if (len > in->n)
		len = (uint8_t)in->n;
	pd.opc = opc;
	pd.dpc = dpc;
	pd.si = si & 15;
	pd.sls = si >> 4;
	pd.data = in->d;
	pd.len = len;
	in->d += len;
	in->n -= len;
	ssn = ssnb == 0xff ? -1 : ssnb;
	got = sg_m3ua_route_ssn(M, &pd, ssn);
	if (ssn < 0)
		ssn = sccp_called_ssn(M, &pd);
	llist_for_each_entry(it, &M->ass, list) {
		int s;

		if (it->client)
			continue;
		s = rk_score(M, &it->rk, &pd, ssn);
		if (s > best) {
			best = s;
			ref = it;
		}
	}
	if (got != ref) {
		fprintf(stderr, "route: layer %s, scan %s\n", got ? got->name : "-",
			ref ? ref->name : "-");
		abort();
	}
	if (got)
		sg_m3ua_send_data(M, got, &pd);
}

static void check_rc(uint32_t rc)
{
	struct sg_m3ua_as *it, *ref = NULL;

	llist_for_each_entry(it, &M->ass, list)
		if (it->has_rc && it->rc == rc && !ref)
			ref = it;
	if (sg_m3ua_as_by_rc(M, rc) != ref) {
		fprintf(stderr, "RC %u: layer %s, scan %s; ASs with it:", rc,
			sg_m3ua_as_by_rc(M, rc) ? sg_m3ua_as_by_rc(M, rc)->name : "-",
			ref ? ref->name : "-");
		llist_for_each_entry(it, &M->ass, list)
			if (it->has_rc && it->rc == rc)
				fprintf(stderr, " %s", it->name);
		fprintf(stderr, "\n");
		abort();
	}
}

/* asp8 rc16: a DEREG REQ or ASPAC (cls, type) from an ASP for one routing context */
static void ev_rc(struct fz_in *in, uint8_t cls, uint8_t type)
{
	struct msgb *msg;
	uint32_t v;
	uint8_t a;

	if (!fz_get8(in, &a) || !fz_getn(in, 2, &v))
		return;
	msg = sg_m3ua_msg_new(cls, type);
	sg_m3ua_put_u32(msg, SG_M3UA_IEI_ROUTE_CTX, v);
	rx(A[a & 1], msg);
	check_rc(v);
}

static void event(struct fz_in *in)
{
	uint8_t ev, a, b;
	uint32_t v;

	if (!fz_get8(in, &ev))
		return;
	switch (ev % 6) {
	case 0:
		ev_reg(in);
		break;
	case 1:
		ev_route(in);
		break;
	case 2:
		ev_rc(in, SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_REQ);
		break;
	case 3:
		ev_rc(in, SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT);
		break;
	case 4: {
		struct sg_m3ua_as_cfg c = { .min_asps = 1, .nasps = 1 };
		char name[16];

		if (!fz_get8(in, &a) || !fz_getn(in, 3, &v) || !fz_get8(in, &b))
			return;
		snprintf(name, sizeof(name), "api%u", a);
		c.name = name;
		c.has_rc = a != 0;
		c.rc = a;
		c.asps[0] = b & 0x80 ? "asp2" : "asp1";
		c.rk.ndpc = 1;
		c.rk.dpc[0] = (struct sg_m3ua_pc_mask){ v & 0xffffff, b & 31 };
		if (b & 0x40) {
			c.rk.nsi = 1;
			c.rk.si[0] = b & 15;
		}
		sg_m3ua_rk_add(M, &c);
		check_rc(a);
		break;
	}
	default:
		if (fz_get8(in, &a)) {
			sg_m3ua_rk_del(M, a);
			check_rc(a);
		}
		break;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_log_init(DM3UA);
	sg_clock_virtual(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fz_run_events(data, size, setup, event, 128))
		return 0;
	sg_m3ua_free(M);
	return fz_end_no_timers();
}
