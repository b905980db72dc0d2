/* libFuzzer target: the M3UA layer with its state, RFC 4666 §4 (sg/sigtran/m3ua_*.c): SGP, ASP
 * and IPSP peers fed a sequence of events (messages on streams, association changes, time
 * passing). */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <talloc.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>

#include <sg/log.h>
#include <sg/m3ua.h>
#include <sg/m3ua_sg.h>
#include <sg/timer.h>

#include "fuzz.h"

/*
 * One M3UA layer per input, configured from the input's first octet (RKM mode, BEAT, ASP
 * Identifier required, network appearance, DAUD and ASPAC policies, blocking mode), with five
 * peers as sgd would have them: two ASPs we are the SGP for, one SGP we are an ASP of (it
 * registers its key by REG REQ), an IPSP server and an IPSP double exchange peer, and four
 * Application Servers.  The rest of the input is a list of events (see the EV_ values), the
 * main one a message received from a peer on a stream.  The layer's transport is captured:
 * every message it sends must decode without error (sg_m3ua_decode), and whatever it asks to
 * close is taken down after the event, as sgd's glue does when the association is gone.  The
 * virtual clock runs the layer's timers (T(r), T(ack), BEAT).  At the end of each input the
 * layer is freed: no timer may remain, and LeakSanitizer sees every buffer.
 *
 * Seeds: fuzz/corpus/m3ua_layer/, made by fuzz/mkcorpus_m3ua_layer.c from the message
 * sequences of tests/conformance/m3ua_test.c (ASPUP/ASPAC/DATA/REG/DAUD/BEAT...).
 */

#define NPEERS 5
#define MAX_EVENTS 256
#define LAST_MAX 1024

enum {
	EV_RX,		/* peer, stream, len16, octets: a message from the peer */
	EV_UP,		/* peer, in_streams, out_streams: association up */
	EV_DOWN,	/* peer: association lost */
	EV_RESTART,	/* peer: SCTP restart */
	EV_TIME,	/* ms16: time passes */
	EV_BLOCK,	/* peer */
	EV_UNBLOCK,	/* peer */
	EV_STOP,	/* peer: orderly stop (ASP role) */
	EV_DEREG,	/* peer: deregister our keys (ASP role) */
	EV_SS7,		/* dpc16 opc16 si sls ni len8 octets: an MSU from the SS7 side */
	EV_SSNM,	/* type, mask, pc16, cong, user: SSNM to the peers (SGP) */
	EV_DAUD,	/* peer, mask, pc16: DAUD to an SGP (ASP role) */
	EV_REFLECT,	/* from, to, stream: what the layer last sent to one peer, from another */
	EV_RK_ADD,	/* rc8 dpc16 si: a routing key added at run time (API) */
	EV_RK_DEL,	/* rc8 */
	EV_JSON,	/* which: one of the management views */
	_EV_NUM
};

struct peer {
	struct sg_m3ua_asp *asp;
	bool close_req;
	uint16_t last_stream;
	uint16_t last_len;
	uint8_t last[LAST_MAX];
};

static struct {
	struct sg_m3ua *m;
	struct peer p[NPEERS];
	unsigned int depth;	/* data_ind relaying */
	unsigned int views;	/* management views built in this input */
} F;

/* what the callbacks read, so that nothing is optimized away */
uint32_t sink;

static struct peer *peer_of(struct sg_m3ua_asp *asp)
{
	return sg_m3ua_asp_user(asp);
}

static int op_send(void *priv, struct sg_m3ua_asp *asp, uint16_t stream, struct msgb *msg)
{
	struct peer *p = peer_of(asp);
	struct sg_m3ua_decode_err err;
	struct sg_m3ua_msg m;
	size_t len = msgb_length(msg);

	(void)priv;
	/* what we send must be a well-formed M3UA message */
	if (sg_m3ua_decode(&m, msg->data, len, &err)) {
		fprintf(stderr, "sent %s that does not decode: 0x%02x tag 0x%04x %s:",
			sg_m3ua_msg_name(len > 3 ? msg->data[2] : 0, len > 3 ? msg->data[3] : 0),
			err.code, err.tag, err.reason);
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, " %02x", msg->data[i]);
		fprintf(stderr, "\n");
		abort();
	}
	if (p && len <= LAST_MAX) {
		memcpy(p->last, msg->data, len);
		p->last_len = (uint16_t)len;
		p->last_stream = stream;
	}
	msgb_free(msg);
	return 0;
}

static void op_close(void *priv, struct sg_m3ua_asp *asp)
{
	(void)priv;
	peer_of(asp)->close_req = true;
}

static void op_data(void *priv, struct sg_m3ua_as *as, struct sg_m3ua_asp *asp,
		    const struct sg_m3ua_pdata *pd)
{
	struct sg_m3ua_as *to;

	(void)priv;
	(void)asp;
	if (pd->len && !pd->data)
		abort();
	/* an SG relaying between its ASs by routing key, once */
	if (F.depth)
		return;
	F.depth++;
	to = sg_m3ua_route_ssn(F.m, pd, -1);
	if (!to)
		to = sg_m3ua_route_remote(F.m, pd);
	if (to && to != as)
		sg_m3ua_send_data(F.m, to, pd);
	F.depth--;
}

static void op_as_state(void *priv, struct sg_m3ua_as *as, enum sg_m3ua_as_state old,
			enum sg_m3ua_as_state st)
{
	(void)priv;
	(void)as;
	/* (on deletion the AS reports DOWN while it still holds its last state) */
	if (st > SG_M3UA_AS_PENDING || old > SG_M3UA_AS_PENDING || st == old)
		abort();
}

static void op_asp_state(void *priv, struct sg_m3ua_asp *asp, enum sg_m3ua_asp_state old,
			 enum sg_m3ua_asp_state st)
{
	(void)priv;
	(void)asp;
	if (st > SG_M3UA_ASP_ACTIVE || old > SG_M3UA_ASP_ACTIVE)
		abort();
}

/* A few destinations with each status, as MTP3 would report them */
static int op_dest(void *priv, uint32_t pc, uint8_t mask, struct sg_m3ua_dest_status *o)
{
	(void)priv;
	if (mask)
		return -1;
	switch (pc % 8) {
	case 0:
		o->state = SG_M3UA_DEST_AVAILABLE;
		return 0;
	case 1:
		o->state = SG_M3UA_DEST_UNAVAILABLE;
		return 0;
	case 2:
		o->state = SG_M3UA_DEST_RESTRICTED;
		return 0;
	case 3:
		o->state = SG_M3UA_DEST_AVAILABLE;
		o->cong_level = 2;
		return 0;
	case 4:
		o->state = SG_M3UA_DEST_AVAILABLE;
		o->upu_si = 1 << 5;
		o->upu_cause = SG_M3UA_DUPU_UNEQUIPPED;
		return 0;
	default:
		return -1;
	}
}

static void op_ssnm(void *priv, struct sg_m3ua_asp *asp, uint8_t type, const uint32_t *pcs,
		    unsigned int n, const struct sg_m3ua_ssnm_extra *x)
{
	(void)priv;
	(void)asp;
	(void)type;
	(void)x;
	/* each PC is read (ASan checks the array) */
	for (unsigned int i = 0; i < n; i++)
		sink += pcs[i];
}

static void op_ntfy(void *priv, struct sg_m3ua_asp *asp, uint16_t type, uint16_t info,
		    const uint32_t *rc, unsigned int nrc)
{
	(void)priv;
	(void)asp;
	(void)type;
	(void)info;
	for (unsigned int i = 0; i < nrc; i++)
		sink += rc[i];
}

static void op_reg(void *priv, struct sg_m3ua_asp *asp, struct sg_m3ua_as *as,
		   enum sg_m3ua_reg_status status, uint32_t rc)
{
	(void)priv;
	(void)asp;
	(void)as;
	(void)status;
	(void)rc;
}

static const struct sg_xua_transport_ops tops = {
	.send = op_send,
	.close = op_close,
};
static const struct sg_xua_user_ops uops = {
	.data_ind = op_data,
	.as_state = op_as_state,
	.asp_state = op_asp_state,
	.dest_status = op_dest,
	.ssnm_ind = op_ssnm,
	.ntfy_ind = op_ntfy,
	.reg_ind = op_reg,
};

static void add_peer(unsigned int i, const char *name, enum sg_m3ua_role role, uint8_t flags)
{
	struct sg_m3ua_asp_cfg ac = { 0 };

	ac.name = name;
	ac.role = role;
	ac.may_register = true;
	switch (i) {
	case 0:
		ac.nallowed = 1;
		ac.allowed[0] = (struct sg_m3ua_pc_mask){ 256, 2 };
		ac.has_asp_id = flags & 0x10;
		ac.asp_id = 0x0a0b0c0d;
		break;
	case 1:
		ac.blocked = flags & 0x80;
		break;
	case 2:
		ac.tmt = SG_M3UA_TMT_LOADSHARE;
		ac.register_keys = true;
		ac.has_asp_id = true;
		ac.asp_id = 7;
		break;
	case 4:
		ac.ipsp_double = true;
		break;
	}
	F.p[i].asp = sg_m3ua_asp_add(F.m, &ac);
	if (!F.p[i].asp)
		abort();
	sg_m3ua_asp_set_user(F.p[i].asp, &F.p[i]);
}

static void add_as(const char *name, uint32_t rc, uint32_t dpc, enum sg_m3ua_tmt tmt,
		   const char *a0, const char *a1, uint8_t si, uint32_t opc)
{
	struct sg_m3ua_as_cfg a = { 0 };

	a.name = name;
	a.has_rc = rc != 0;
	a.rc = rc;
	a.tmt = tmt;
	a.min_asps = 1;
	a.asps[a.nasps++] = a0;
	if (a1)
		a.asps[a.nasps++] = a1;
	a.rk.ndpc = 1;
	a.rk.dpc[0].pc = dpc;
	if (si) {
		a.rk.nsi = 1;
		a.rk.si[0] = si;
	}
	if (opc) {
		a.rk.nopc = 1;
		a.rk.opc[0].pc = opc;
	}
	if (!sg_m3ua_as_add(F.m, &a))
		abort();
}

static void setup(uint8_t flags)
{
	struct sg_m3ua_cfg cfg;

	memset(&F, 0, sizeof(F));
	sg_clock_virtual(0);
	sg_m3ua_cfg_defaults(&cfg);
	cfg.name = "fz";
	cfg.local_pc = 1;
	cfg.rkm = flags % 3 == 0 ? SG_M3UA_RKM_OFF :
		  flags % 3 == 1 ? SG_M3UA_RKM_STATIC : SG_M3UA_RKM_DYNAMIC;
	cfg.nprov = 1;
	cfg.prov[0] = (struct sg_m3ua_pc_mask){ 256, 4 };
	cfg.max_dynamic = 4;
	cfg.beat_ms = flags & 0x04 ? 1000 : 0;
	cfg.asp_id_required = flags & 0x08;
	cfg.has_na = flags & 0x20;
	cfg.na = 7;
	cfg.daud_unknown = flags & 0x40 ? SG_M3UA_DAUD_UNKNOWN_ERR : SG_M3UA_DAUD_UNKNOWN_DUNA;
	cfg.aspac_norc = flags & 0x40 ? SG_M3UA_ASPAC_NORC_ERR : SG_M3UA_ASPAC_NORC_ALL;
	cfg.ssnm_to = flags & 0x80 ? SG_M3UA_SSNM_TO_UP : SG_M3UA_SSNM_TO_ACTIVE;
	cfg.block = flags & 0x10 ? SG_M3UA_BLOCK_ASPDN_ACK : SG_M3UA_BLOCK_ASPIA_ACK;
	cfg.pending_max = 4;
	cfg.asp_snm_inactive = flags & 0x20;
	F.m = sg_m3ua_alloc(NULL, &cfg, &tops, NULL, &uops, NULL);
	if (!F.m)
		abort();
	add_peer(0, "asp1", SG_M3UA_ROLE_SGP, flags);
	add_peer(1, "asp2", SG_M3UA_ROLE_SGP, flags);
	add_peer(2, "sgp1", SG_M3UA_ROLE_ASP, flags);
	add_peer(3, "ipsp1", SG_M3UA_ROLE_IPSP, flags);
	add_peer(4, "ipsp2", SG_M3UA_ROLE_IPSP, flags);
	add_as("as1", 1, 100, flags & 0x02 ? SG_M3UA_TMT_OVERRIDE : SG_M3UA_TMT_LOADSHARE,
	       "asp1", "asp2", 0, 0);
	add_as("as2", 2, 200, SG_M3UA_TMT_NONE, "asp2", NULL, 5, 300);
	add_as("as3", 0, 400, SG_M3UA_TMT_LOADSHARE, "sgp1", NULL, 0, 0);
	add_as("as4", 4, 500, SG_M3UA_TMT_NONE, "ipsp1", "ipsp2", 0, 0);
}

/* Closing as the glue does: the association is gone after the event that asked for it */
static void closes(void)
{
	for (unsigned int i = 0; i < NPEERS; i++) {
		if (!F.p[i].close_req)
			continue;
		F.p[i].close_req = false;
		sg_m3ua_asp_conn_down(F.p[i].asp);
	}
}

static void ev_ss7(struct fz_in *in)
{
	uint8_t si, sls, ni, len, buf[255];
	uint16_t dpc, opc;
	struct sg_m3ua_pdata pd;
	struct sg_m3ua_as *as;

	if (!fz_get16(in, &dpc) || !fz_get16(in, &opc) || !fz_get8(in, &si) || !fz_get8(in, &sls) ||
	    !fz_get8(in, &ni) || !fz_get8(in, &len))
		return;
	if (len > in->n)
		len = (uint8_t)in->n;
	memcpy(buf, in->d, len);
	in->d += len;
	in->n -= len;
	pd = (struct sg_m3ua_pdata){ .opc = opc, .dpc = dpc, .si = si & 15, .ni = ni & 3,
				     .mp = ni >> 2 & 3, .sls = sls & 15, .data = buf, .len = len };
	as = sg_m3ua_route_ssn(F.m, &pd, sls & 0x80 ? -1 : sls >> 4);
	if (!as)
		as = sg_m3ua_route_remote(F.m, &pd);
	if (as)
		sg_m3ua_send_data(F.m, as, &pd);
}

static void ev_ssnm(struct fz_in *in)
{
	static const char *const infos[] = { NULL, "fuzz" };
	struct sg_m3ua_ssnm_extra x = { 0 };
	uint8_t type, mask, cong, user;
	uint16_t pc;
	uint32_t pcs[2];

	if (!fz_get8(in, &type) || !fz_get8(in, &mask) || !fz_get16(in, &pc) ||
	    !fz_get8(in, &cong) || !fz_get8(in, &user))
		return;
	pcs[0] = (uint32_t)(mask & 0x1f) << 24 | pc;
	pcs[1] = pc + 1;
	x.has_cong = cong & 0x80;
	x.cong_level = cong & 3;
	x.has_concerned = cong & 0x40;
	x.concerned_dpc = pc ^ 0x55;
	x.user = user & 15;
	x.cause = user >> 4 & 3;
	x.info = infos[cong >> 5 & 1];
	sg_m3ua_ssnm_send(F.m, type % 7, pcs, 1 + (cong >> 4 & 1), &x);
}

static void ev_rk_add(struct fz_in *in)
{
	struct sg_m3ua_as_cfg a = { 0 };
	uint8_t rc, si;
	uint16_t dpc;
	char name[16];

	if (!fz_get8(in, &rc) || !fz_get16(in, &dpc) || !fz_get8(in, &si))
		return;
	snprintf(name, sizeof(name), "rk%u", rc);
	a.name = name;
	a.has_rc = rc != 0;
	a.rc = rc;
	a.tmt = si >> 4 & 3;
	a.min_asps = 1;
	a.asps[a.nasps++] = si & 0x40 ? "asp2" : "asp1";
	a.rk.ndpc = 1;
	a.rk.dpc[0].pc = dpc & 0x3fff;
	a.rk.dpc[0].mask = dpc >> 14;
	if (si & 0x80) {
		a.rk.nsi = 1;
		a.rk.si[0] = si & 15;
	}
	sg_m3ua_rk_add(F.m, &a);
}

/* one of the management views (each one allocates much: one at a time) */
static void ev_json(uint8_t which)
{
	switch (which % 4) {
	case 0:
		json_object_put(sg_m3ua_asps_json(F.m));
		break;
	case 1:
		json_object_put(sg_m3ua_as_json(F.m));
		break;
	case 2:
		json_object_put(sg_m3ua_rks_json(F.m));
		break;
	default:
		json_object_put(sg_m3ua_counters_json(F.m));
		break;
	}
}

static void event(struct fz_in *in)
{
	uint8_t ev, a, b, c;
	uint16_t v;
	struct peer *p;

	if (!fz_get8(in, &ev))
		return;
	switch (ev % _EV_NUM) {
	case EV_RX:
		if (!fz_get8(in, &a) || !fz_get8(in, &b) || !fz_get16(in, &v))
			return;
		if (v > in->n)
			v = (uint16_t)in->n;
		sg_m3ua_asp_rx(F.p[a % NPEERS].asp, b, in->d, v);
		in->d += v;
		in->n -= v;
		break;
	case EV_UP:
		if (!fz_get8(in, &a) || !fz_get8(in, &b) || !fz_get8(in, &c))
			return;
		sg_m3ua_asp_conn_up(F.p[a % NPEERS].asp, b, c);
		break;
	case EV_DOWN:
		if (fz_get8(in, &a))
			sg_m3ua_asp_conn_down(F.p[a % NPEERS].asp);
		break;
	case EV_RESTART:
		if (fz_get8(in, &a))
			sg_m3ua_asp_conn_restart(F.p[a % NPEERS].asp);
		break;
	case EV_TIME:
		if (fz_get16(in, &v))
			sg_clock_advance_ms(v);
		break;
	case EV_BLOCK:
		if (fz_get8(in, &a))
			sg_m3ua_asp_block(F.p[a % NPEERS].asp);
		break;
	case EV_UNBLOCK:
		if (fz_get8(in, &a))
			sg_m3ua_asp_unblock(F.p[a % NPEERS].asp);
		break;
	case EV_STOP:
		if (fz_get8(in, &a))
			sg_m3ua_asp_stop(F.p[a % NPEERS].asp);
		break;
	case EV_DEREG:
		if (fz_get8(in, &a))
			sg_m3ua_asp_deregister(F.p[a % NPEERS].asp);
		break;
	case EV_SS7:
		ev_ss7(in);
		break;
	case EV_SSNM:
		ev_ssnm(in);
		break;
	case EV_DAUD:
		if (fz_get8(in, &a) && fz_get8(in, &b) && fz_get16(in, &v)) {
			uint32_t pc = (uint32_t)(b & 0x1f) << 24 | v;

			sg_m3ua_daud_send(F.p[a % NPEERS].asp, &pc, 1);
		}
		break;
	case EV_REFLECT:
		if (!fz_get8(in, &a) || !fz_get8(in, &b) || !fz_get8(in, &c))
			return;
		p = &F.p[a % NPEERS];
		if (p->last_len) {
			uint8_t copy[LAST_MAX];
			uint16_t len = p->last_len;

			/* the layer may send to p again while it handles this */
			memcpy(copy, p->last, len);
			sg_m3ua_asp_rx(F.p[b % NPEERS].asp, c & 1 ? c : p->last_stream, copy, len);
		}
		break;
	case EV_RK_ADD:
		ev_rk_add(in);
		break;
	case EV_RK_DEL:
		if (fz_get8(in, &a))
			sg_m3ua_rk_del(F.m, a);
		break;
	case EV_JSON:
		/* the views read state: a few per input (they were much of the target's time) */
		if (fz_get8(in, &a) && F.views++ < 4)
			ev_json(a);
		break;
	}
	closes();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* FUZZ_LOG=1: the layer's log, to see what an input does */
	fz_log_init(DM3UA);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fz_run_events(data, size, setup, event, MAX_EVENTS))
		return 0;
	sg_m3ua_free(F.m);
	/* every timer of the layer is gone with it */
	return fz_end_no_timers();
}
