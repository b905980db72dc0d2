/* Seed corpus generator for fuzz_m3ua_layer: the message sequences of the M3UA conformance
 * tests (tests/conformance/m3ua_test.c), as event lists for the fuzz target's peers.
 * Build and run from the top source directory:
 *   clang -I include fuzz/mkcorpus_m3ua_layer.c sg/sigtran/xua_codec.c sg/sigtran/m3ua_codec.c sg/rt/msg.c $(pkg-config \
 *       --cflags --libs libosmocore talloc) -o /tmp/mkcorpus && /tmp/mkcorpus fuzz/corpus/m3ua_layer
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/msgb.h>

#include <sg/m3ua.h>

/* events and peers of fuzz/fuzz_m3ua_layer.c */
enum { EV_RX, EV_UP, EV_DOWN, EV_RESTART, EV_TIME, EV_BLOCK, EV_UNBLOCK, EV_STOP, EV_DEREG,
       EV_SS7, EV_SSNM, EV_DAUD, EV_REFLECT, EV_RK_ADD, EV_RK_DEL, EV_JSON };
enum { ASP1, ASP2, SGP1, IPSP1, IPSP2 };

static uint8_t buf[8192];
static size_t len;

static void b8(unsigned int v)
{
	if (len >= sizeof(buf))
		abort();
	buf[len++] = (uint8_t)v;
}

static void b16(unsigned int v)
{
	b8(v >> 8);
	b8(v);
}

static void start(unsigned int flags)
{
	len = 0;
	b8(flags);
}

static void save(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void up(unsigned int peer)
{
	b8(EV_UP);
	b8(peer);
	b8(8);
	b8(8);
}

static void ev(unsigned int e, unsigned int peer)
{
	b8(e);
	b8(peer);
}

static void ms(unsigned int t)
{
	b8(EV_TIME);
	b16(t);
}

/* a message from peer on stream (the message is freed) */
/* EV_RX: the n octets at d from the peer on a stream, as they are */
static void rx_raw(unsigned int peer, unsigned int stream, const uint8_t *d, size_t n)
{
	b8(EV_RX);
	b8(peer);
	b8(stream);
	b16(n);
	for (size_t i = 0; i < n; i++)
		b8(d[i]);
}

static void rx(unsigned int peer, unsigned int stream, struct msgb *msg)
{
	sg_m3ua_finish(msg);
	rx_raw(peer, stream, msg->data, msgb_length(msg));
	msgb_free(msg);
}

static struct msgb *msg(uint8_t cls, uint8_t type)
{
	return sg_m3ua_msg_new(cls, type);
}

static struct msgb *with_rc(struct msgb *m, uint32_t rc)
{
	sg_m3ua_put_u32(m, SG_M3UA_IEI_ROUTE_CTX, rc);
	return m;
}

static struct msgb *aspup(uint32_t asp_id)
{
	struct msgb *m = msg(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP);

	if (asp_id)
		sg_m3ua_put_u32(m, SG_M3UA_IEI_ASP_ID, asp_id);
	return m;
}

static struct msgb *aspac(uint32_t tmt, uint32_t rc)
{
	struct msgb *m = msg(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT);

	if (tmt)
		sg_m3ua_put_u32(m, SG_M3UA_IEI_TRAFFIC_MODE, tmt);
	if (rc)
		with_rc(m, rc);
	return m;
}

static struct msgb *data(uint32_t rc, uint32_t opc, uint32_t dpc, uint8_t si)
{
	static const uint8_t ud[] = { 0x09, 0x01, 0x03, 0x0e, 0x19, 0x0b, 0x12, 0x08, 0x00 };
	struct sg_m3ua_pdata pd = { .opc = opc, .dpc = dpc, .si = si, .ni = 2, .sls = 5,
				    .data = ud, .len = sizeof(ud) };
	struct msgb *m = msg(SG_M3UA_CLS_XFER, SG_M3UA_XFER_DATA);

	if (rc)
		with_rc(m, rc);
	sg_m3ua_put_pdata(m, &pd);
	return m;
}

static struct msgb *ssnm(uint8_t type, uint32_t pc)
{
	struct msgb *m = msg(SG_M3UA_CLS_SSNM, type);

	sg_m3ua_put_u32(m, SG_M3UA_IEI_AFFECTED_PC, pc);
	return m;
}

static struct msgb *reg_req(uint32_t lrk, uint32_t dpc, uint8_t si)
{
	struct sg_m3ua_rk rk = { .lrk_id = lrk, .ndpc = 1, .dpc = { dpc } };
	struct msgb *m = msg(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_REQ);

	if (si) {
		rk.nsi = 1;
		rk.si[0] = si;
	}
	sg_m3ua_put_rk(m, &rk);
	return m;
}

static struct msgb *reg_rsp(uint32_t lrk, uint32_t status, uint32_t rc)
{
	struct sg_m3ua_reg_result r = { .lrk_id = lrk, .status = status, .rctx = rc };
	struct msgb *m = msg(SG_M3UA_CLS_RKM, SG_M3UA_RKM_REG_RSP);

	sg_m3ua_put_reg_result(m, &r);
	return m;
}

static struct msgb *beat(void)
{
	static const uint8_t hb[] = { 0xde, 0xad, 0xbe, 0xef };
	struct msgb *m = msg(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_BEAT);

	sg_m3ua_put(m, SG_M3UA_IEI_HEARTBEAT_DATA, sizeof(hb), hb);
	return m;
}

static struct msgb *ntfy(uint16_t type, uint16_t info)
{
	struct msgb *m = msg(SG_M3UA_CLS_MGMT, SG_M3UA_MGMT_NTFY);

	sg_m3ua_put_u32(m, SG_M3UA_IEI_STATUS, (uint32_t)type << 16 | info);
	return m;
}

static struct msgb *err(uint32_t code)
{
	struct msgb *m = msg(SG_M3UA_CLS_MGMT, SG_M3UA_MGMT_ERR);

	sg_m3ua_put_u32(m, SG_M3UA_IEI_ERR_CODE, code);
	return m;
}

/* an ASP in as1 up and active (SGP side) */
static void asp_active(unsigned int peer, uint32_t rc)
{
	up(peer);
	rx(peer, 0, aspup(peer == ASP1 ? 0x0a0b0c0d : 0));
	rx(peer, 1, aspac(SG_M3UA_TMT_LOADSHARE, rc));
}

static void ss7(uint16_t dpc, uint16_t opc, uint8_t si)
{
	b8(EV_SS7);
	b16(dpc);
	b16(opc);
	b8(si);
	b8(0x83);	/* SLS 3, SSN from the MSU */
	b8(2);
	b8(4);
	b8(0x01);
	b8(0x02);
	b8(0x03);
	b8(0x04);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";

	/* SGP: ASPUP, ASPAC, DATA both ways, DAUD, BEAT, ASPIA, ASPDN (flags: static RKM) */
	start(0x01);
	asp_active(ASP1, 1);
	rx(ASP1, 1, data(1, 100, 200, 5));
	ss7(100, 3, 5);
	rx(ASP1, 0, ssnm(SG_M3UA_SSNM_DAUD, 200));
	rx(ASP1, 0, ssnm(SG_M3UA_SSNM_DAUD, 0x03000000 | 100));
	rx(ASP1, 0, beat());
	rx(ASP1, 0, msg(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT));
	rx(ASP1, 0, msg(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN));
	ev(EV_DOWN, ASP1);
	save(dir, "sgp_basic");

	/* loadshare with two ASPs, failover with T(r) and buffering, BEAT on */
	start(0x05);
	asp_active(ASP1, 1);
	asp_active(ASP2, 0);
	ss7(100, 3, 5);
	ev(EV_DOWN, ASP1);
	ss7(100, 3, 5);
	rx(ASP2, 1, data(1, 100, 200, 3));
	ms(1500);
	ev(EV_DOWN, ASP2);
	ss7(100, 3, 5);
	ss7(100, 3, 5);
	ms(2500);
	ms(5000);
	save(dir, "sgp_failover");

	/* override, blocking, SSNM to the ASPs */
	start(0x92);
	asp_active(ASP1, 1);
	asp_active(ASP2, 1);
	b8(EV_SSNM);
	b8(SG_M3UA_SSNM_DUNA);
	b8(0);
	b16(200);
	b8(0xc2);
	b8(0x15);
	ev(EV_BLOCK, ASP1);
	rx(ASP1, 1, aspac(SG_M3UA_TMT_OVERRIDE, 1));
	ev(EV_UNBLOCK, ASP1);
	rx(ASP1, 1, aspac(SG_M3UA_TMT_OVERRIDE, 1));
	b8(EV_JSON);
	b8(1);
	save(dir, "sgp_override_block");

	/* dynamic registration: REG REQ, ASPAC with the RC given, DATA, DEREG */
	start(0x02);
	up(ASP1);
	rx(ASP1, 0, aspup(0x0a0b0c0d));
	rx(ASP1, 0, reg_req(1, 257, 0));
	rx(ASP1, 0, reg_req(2, 3000, 5));
	rx(ASP1, 1, aspac(SG_M3UA_TMT_LOADSHARE, 1000));
	ss7(257, 3, 3);
	{
		struct msgb *m = msg(SG_M3UA_CLS_RKM, SG_M3UA_RKM_DEREG_REQ);

		with_rc(m, 1000);
		rx(ASP1, 0, msg(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT));
		rx(ASP1, 0, m);
	}
	b8(EV_RK_ADD);
	b8(9);
	b16(900);
	b8(0x85);
	b8(EV_RK_DEL);
	b8(9);
	save(dir, "sgp_rkm");

	/* ASP role: we send ASPUP, REG REQ, ASPAC; the SGP answers; SSNM and NTFY from it */
	start(0x05);
	up(SGP1);
	rx(SGP1, 0, msg(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP_ACK));
	rx(SGP1, 0, reg_rsp(1, SG_M3UA_REG_OK, 77));
	rx(SGP1, 1, with_rc(msg(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT_ACK), 77));
	rx(SGP1, 0, ntfy(SG_M3UA_NTFY_T_STATCHG, SG_M3UA_NTFY_I_AS_ACT));
	rx(SGP1, 0, ssnm(SG_M3UA_SSNM_DUNA, 600));
	rx(SGP1, 0, ssnm(SG_M3UA_SSNM_DAVA, 600));
	rx(SGP1, 1, data(77, 400, 1, 5));
	ss7(400, 3, 5);
	b8(EV_DAUD);
	b8(SGP1);
	b8(0);
	b16(600);
	rx(SGP1, 0, beat());
	ms(1000);
	ms(1000);
	ev(EV_DEREG, SGP1);
	ev(EV_STOP, SGP1);
	rx(SGP1, 0, msg(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_INACT_ACK));
	rx(SGP1, 0, msg(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_DOWN_ACK));
	save(dir, "asp_role");

	/* ASP role without answers: T(ack) retransmissions; an SCTP restart */
	start(0x01);
	up(SGP1);
	ms(2000);
	ms(2000);
	ev(EV_RESTART, SGP1);
	ms(4000);
	save(dir, "asp_tack");

	/* IPSP single exchange (server) and double exchange */
	start(0x01);
	up(IPSP1);
	rx(IPSP1, 0, aspup(0));
	rx(IPSP1, 1, aspac(0, 4));
	rx(IPSP1, 1, data(4, 500, 1, 5));
	up(IPSP2);
	rx(IPSP2, 0, msg(SG_M3UA_CLS_ASPSM, SG_M3UA_ASPSM_UP_ACK));
	rx(IPSP2, 0, aspup(0));
	rx(IPSP2, 1, aspac(0, 4));
	rx(IPSP2, 1, with_rc(msg(SG_M3UA_CLS_ASPTM, SG_M3UA_ASPTM_ACT_ACK), 4));
	ss7(500, 3, 5);
	b8(EV_REFLECT);
	b8(IPSP2);
	b8(IPSP1);
	b8(0);
	save(dir, "ipsp");

	/* faults: ERR answers (bad version, class, type, stream, RC, unexpected message) */
	start(0x28);
	up(ASP1);
	rx(ASP1, 0, aspup(0));
	rx(ASP1, 0, aspup(0x0a0b0c0d));
	rx(ASP1, 1, aspup(0x0a0b0c0d));
	rx(ASP1, 0, aspac(7, 1));
	rx(ASP1, 0, aspac(SG_M3UA_TMT_LOADSHARE, 99));
	rx(ASP1, 0, data(1, 100, 200, 5));
	rx(ASP1, 9, aspac(SG_M3UA_TMT_LOADSHARE, 1));
	rx(ASP1, 0, msg(SG_M3UA_CLS_XFER, 7));
	rx(ASP1, 0, msg(8, 1));
	rx(ASP1, 0, err(SG_M3UA_ERR_INVALID_ROUTING_CTX));
	rx(ASP1, 0, ntfy(SG_M3UA_NTFY_T_OTHER, SG_M3UA_NTFY_I_OT_ASP_FAILURE));
	{
		static const uint8_t v2[] = { 2, 0, 3, 1, 0, 0, 0, 8 };
		static const uint8_t shortlen[] = { 1, 0, 3, 1, 0, 0, 0, 12, 0, 4, 0, 3 };

		rx_raw(ASP1, 0, v2, sizeof(v2));
		rx_raw(ASP1, 0, shortlen, sizeof(shortlen));
	}
	save(dir, "errors");
	return 0;
}
