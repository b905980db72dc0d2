/* Unit tests of the simulators' ISUP (Q.763) and SCCP UDT (Q.713 §4.10) codecs, checked against
 * hand-built octets and Wireshark, and of the traffic engine (Q.764 basic call, UDT echo): two
 * engines back to back over a simulated link in virtual time. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sg/log.h>
#include <sg/timer.h>

#include "cu_main.h"
#include "cu_log.h"
#include "tshark.h"

#include "isup_sim.h"
#include "sim_sccp.h"
#include "sim_traffic.h"

/* ---- ISUP codec ---- */

/* Q.763 Table 32 IAM, ITU: CIC, type, NCI, FCI(2), CPC, TMR, pointers, called party number
 * (odd, national, ISDN plan, 5 digits), optional part: calling party number, end. */
static void test_isup_iam_itu_octets(void)
{
	static const uint8_t want[] = {
		0x2a, 0x01, 0x01,		/* CIC 0x12a, IAM */
		0x00, 0x60, 0x01, 0x0a, 0x00,	/* NCI, FCI, CPC, TMR */
		0x02, 0x07,			/* pointers: called +2, optional +7 */
		0x05, 0x83, 0x10, 0x21, 0x43, 0x05,	/* called 12345 */
		0x0a, 0x04, 0x83, 0x13, 0x89, 0x07,	/* calling 987 (odd) */
		0x00,
	};
	struct isup_msg m = { .cic = 0x12a, .type = ISUP_IAM, .called = "12345",
			      .calling = "987" }, d;
	uint8_t buf[64];
	const char *why;
	int n = isup_encode(buf, sizeof(buf), ISUP_ITU, &m);

	CU_ASSERT_EQUAL_FATAL(n, (int)sizeof(want));
	CU_ASSERT_EQUAL(memcmp(buf, want, n), 0);
	CU_ASSERT_EQUAL(isup_decode(buf, n, ISUP_ITU, &d, &why), 0);
	CU_ASSERT_EQUAL(d.cic, 0x12a);
	CU_ASSERT_EQUAL(d.type, ISUP_IAM);
	CU_ASSERT_STRING_EQUAL(d.called, "12345");
	CU_ASSERT_STRING_EQUAL(d.calling, "987");
}

/* T1.113: 14-bit CIC, no TMR, USI mandatory variable before the called party number */
static void test_isup_iam_ansi(void)
{
	struct isup_msg m = { .cic = 0x3abc, .type = ISUP_IAM, .called = "2125551234" }, d;
	uint8_t buf[64];
	const char *why;
	int n = isup_encode(buf, sizeof(buf), ISUP_ANSI, &m);

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(buf[0], 0xbc);
	CU_ASSERT_EQUAL(buf[1], 0x3a);
	CU_ASSERT_EQUAL(buf[7], 3);	/* USI pointer: after the three pointers */
	CU_ASSERT_EQUAL(buf[10], 3);	/* USI length */
	CU_ASSERT_EQUAL(isup_decode(buf, n, ISUP_ANSI, &d, &why), 0);
	CU_ASSERT_EQUAL(d.cic, 0x3abc);
	CU_ASSERT_STRING_EQUAL(d.called, "2125551234");
	CU_ASSERT_STRING_EQUAL(d.calling, "");
	/* 14 bits do not fit ITU's 12 */
	CU_ASSERT_EQUAL(isup_encode(buf, sizeof(buf), ISUP_ITU, &m), -EINVAL);
}

/* REL: mandatory variable cause indicators (Q.850: ext, coding, location; ext, cause) */
static void test_isup_rel_rlc(void)
{
	static const uint8_t want_rel[] = { 0x05, 0x00, 0x0c, 0x02, 0x00, 0x02, 0x82, 0x90 };
	struct isup_msg m = { .cic = 5, .type = ISUP_REL, .cause = 16, .location = 2,
			      .has_cause = true }, d;
	uint8_t buf[32];
	const char *why;
	int n = isup_encode(buf, sizeof(buf), ISUP_ITU, &m);

	CU_ASSERT_EQUAL_FATAL(n, (int)sizeof(want_rel));
	CU_ASSERT_EQUAL(memcmp(buf, want_rel, n), 0);
	CU_ASSERT_EQUAL(isup_decode(buf, n, ISUP_ITU, &d, &why), 0);
	CU_ASSERT_TRUE(d.has_cause);
	CU_ASSERT_EQUAL(d.cause, 16);
	CU_ASSERT_EQUAL(d.location, 2);
	/* a cause with octet 3a (no extension bit in octet 3) */
	{
		static const uint8_t rel3a[] = { 0x05, 0x00, 0x0c, 0x02, 0x00, 0x03, 0x02, 0x80,
						 0x95 };

		CU_ASSERT_EQUAL(isup_decode(rel3a, sizeof(rel3a), ISUP_ITU, &d, &why), 0);
		CU_ASSERT_EQUAL(d.cause, 21);
	}
	m = (struct isup_msg){ .cic = 5, .type = ISUP_RLC };
	n = isup_encode(buf, sizeof(buf), ISUP_ITU, &m);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(isup_decode(buf, n, ISUP_ITU, &d, &why), 0);
	CU_ASSERT_FALSE(d.has_cause);
	/* ANSI RLC without the optional part pointer is accepted */
	CU_ASSERT_EQUAL(isup_decode(buf, 3, ISUP_ANSI, &d, &why), 0);
	CU_ASSERT_EQUAL(d.type, ISUP_RLC);
	/* an unsupported type is not encoded */
	m.type = ISUP_CPG;
	CU_ASSERT_EQUAL(isup_encode(buf, sizeof(buf), ISUP_ITU, &m), -EINVAL);
	CU_ASSERT_EQUAL(isup_encode(buf, 3, ISUP_ITU, &(struct isup_msg){ .type = ISUP_ACM }),
			-ENOSPC);
}

/* Every truncation of valid messages and corrupted pointers fail cleanly; other message types
 * decode to their header. */
static void test_isup_decode_bad_input(void)
{
	struct isup_msg m = { .cic = 7, .type = ISUP_IAM, .called = "5551234", .calling = "42" }, d;
	uint8_t buf[64];
	const char *why;
	int n = isup_encode(buf, sizeof(buf), ISUP_ITU, &m);

	for (int len = 0; len < n; len++) {
		uint8_t *copy = malloc(len ? len : 1);	/* exact size: ASan sees overreads */

		memcpy(copy, buf, len);
		CU_ASSERT_EQUAL(isup_decode(copy, len, ISUP_ITU, &d, &why), -EBADMSG);
		CU_ASSERT_PTR_NOT_NULL(why);
		free(copy);
	}
	buf[8] = 0;	/* called party pointer zero */
	CU_ASSERT_EQUAL(isup_decode(buf, n, ISUP_ITU, &d, &why), -EBADMSG);
	buf[8] = 200;	/* beyond the message */
	CU_ASSERT_EQUAL(isup_decode(buf, n, ISUP_ITU, &d, &why), -EBADMSG);
	{
		static const uint8_t grs[] = { 0x01, 0x00, 0x17, 0x01, 0x01, 0x1f };

		CU_ASSERT_EQUAL(isup_decode(grs, sizeof(grs), ISUP_ITU, &d, &why), 0);
		CU_ASSERT_EQUAL(d.type, ISUP_GRS);
		CU_ASSERT_EQUAL(d.cic, 1);
	}
	/* random input: never a crash or an overread */
	srandom(42);
	for (int i = 0; i < 20000; i++) {
		size_t len = random() % 40;
		uint8_t *r = malloc(len ? len : 1);

		for (size_t k = 0; k < len; k++)
			r[k] = random();
		if (len > 2)
			r[2] = (uint8_t[]){ 1, 6, 7, 9, 12, 16 }[random() % 6];
		(void)isup_decode(r, len, random() & 1 ? ISUP_ANSI : ISUP_ITU, &d, &why);
		free(r);
	}
}

/* ---- SCCP UDT codec ---- */

static void test_udt_itu_octets(void)
{
	static const uint8_t want[] = {
		0x09, 0x00, 0x03, 0x07, 0x0b,	/* UDT, class 0, pointers */
		0x04, 0x43, 0x03, 0x08, 0x06,	/* called: RI=SSN, PC 0x803, SSN 6 */
		0x04, 0x43, 0x01, 0x00, 0x08,	/* calling: PC 1, SSN 8 */
		0x03, 'a', 'b', 'c',
	};
	struct sccp_udt u;
	uint8_t buf[64], echo[64];
	const char *why;
	int n = sccp_udt_encode(buf, sizeof(buf), SCCP_ADDR_ITU, 14, 0x803, 6, 1, 8,
				(const uint8_t *)"abc", 3);

	CU_ASSERT_EQUAL_FATAL(n, (int)sizeof(want));
	CU_ASSERT_EQUAL(memcmp(buf, want, n), 0);
	CU_ASSERT_EQUAL_FATAL(sccp_udt_decode(buf, n, SCCP_ADDR_ITU, 14, &u, &why), 0);
	CU_ASSERT_EQUAL(u.called.pc, 0x803);
	CU_ASSERT_EQUAL(u.called.ssn, 6);
	CU_ASSERT_EQUAL(u.calling.pc, 1);
	CU_ASSERT_EQUAL(u.calling.ssn, 8);
	CU_ASSERT_EQUAL(u.data_len, 3);
	/* the echo: addresses swapped, same data */
	n = sccp_udt_echo(echo, sizeof(echo), &u);
	CU_ASSERT_EQUAL_FATAL(n, (int)sizeof(want));
	CU_ASSERT_EQUAL_FATAL(sccp_udt_decode(echo, n, SCCP_ADDR_ITU, 14, &u, &why), 0);
	CU_ASSERT_EQUAL(u.called.pc, 1);
	CU_ASSERT_EQUAL(u.called.ssn, 8);
	CU_ASSERT_EQUAL(u.calling.pc, 0x803);
	CU_ASSERT_EQUAL(memcmp(u.data, "abc", 3), 0);
}

/* ANSI: AI bit 1 = SSN, bit 2 = PC, national bit; SSN before a 3-octet PC */
static void test_udt_ansi(void)
{
	struct sccp_udt u;
	uint8_t buf[64];
	const char *why;
	int n = sccp_udt_encode(buf, sizeof(buf), SCCP_ADDR_ANSI, 24, 0x010203, 254, 0x0a0b0c, 7,
				(const uint8_t *)"xy", 2);

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(buf[5], 5);	/* AI, SSN, PC(3) */
	CU_ASSERT_EQUAL(buf[6], 0xc3);
	CU_ASSERT_EQUAL(buf[7], 254);
	CU_ASSERT_EQUAL(buf[8], 0x03);	/* PC member first */
	CU_ASSERT_EQUAL_FATAL(sccp_udt_decode(buf, n, SCCP_ADDR_ANSI, 24, &u, &why), 0);
	CU_ASSERT_EQUAL(u.called.pc, 0x010203);
	CU_ASSERT_EQUAL(u.calling.pc, 0x0a0b0c);
	CU_ASSERT_EQUAL(u.calling.ssn, 7);
	CU_ASSERT_EQUAL(sccp_udt_encode(buf, sizeof(buf), SCCP_ADDR_ITU, 14, 0x4000, 1, 1, 1,
					(const uint8_t *)"x", 1), -EINVAL);
}

static void test_udt_decode_bad_input(void)
{
	struct sccp_udt u;
	uint8_t buf[64];
	const char *why;
	int n = sccp_udt_encode(buf, sizeof(buf), SCCP_ADDR_ITU, 14, 2, 6, 1, 8,
				(const uint8_t *)"hello", 5);

	for (int len = 0; len < n; len++) {
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, buf, len);
		CU_ASSERT_EQUAL(sccp_udt_decode(copy, len, SCCP_ADDR_ITU, 14, &u, &why), -EBADMSG);
		free(copy);
	}
	buf[0] = 0x11;	/* XUDT: not ours */
	CU_ASSERT_EQUAL(sccp_udt_decode(buf, n, SCCP_ADDR_ITU, 14, &u, &why), -ENOTSUP);
	buf[0] = 0x09;
	buf[6] = 0x01;	/* called: route on GT, but no GT, PC only */
	CU_ASSERT_EQUAL(sccp_udt_decode(buf, n, SCCP_ADDR_ITU, 14, &u, &why), -EBADMSG);
	srandom(7);
	for (int i = 0; i < 20000; i++) {
		size_t len = random() % 48;
		uint8_t *r = malloc(len ? len : 1);

		for (size_t k = 0; k < len; k++)
			r[k] = random() % 8 ? random() % 16 : random();
		if (len)
			r[0] = 0x09;
		(void)sccp_udt_decode(r, len, random() & 1 ? SCCP_ADDR_ANSI : SCCP_ADDR_ITU,
				      random() & 1 ? 24 : 14, &u, &why);
		free(r);
	}
}

/* ---- Wireshark as oracle: MTP2 SUs carrying our ISUP and SCCP messages ---- */

static size_t mtp2_su(uint8_t *su, bool ansi, uint8_t si, uint32_t dpc, uint32_t opc,
		      uint8_t sls, const uint8_t *up, size_t len)
{
	size_t n = 0, li;

	su[n++] = 0xff;	/* BSN 127, BIB 1 */
	su[n++] = 0xff;
	li = n++;
	su[n++] = 0x80 | si;	/* NI national */
	if (ansi) {
		for (int i = 0; i < 3; i++)
			su[n++] = dpc >> (8 * i);
		for (int i = 0; i < 3; i++)
			su[n++] = opc >> (8 * i);
		su[n++] = sls;
	} else {
		uint32_t lbl = (dpc & 0x3fff) | (opc & 0x3fff) << 14 | (uint32_t)(sls & 0xf) << 28;

		for (int i = 0; i < 4; i++)
			su[n++] = lbl >> (8 * i);
	}
	memcpy(su + n, up, len);
	n += len;
	su[li] = n - 3 > 63 ? 63 : n - 3;
	return n;
}

/* A classic pcap file of LINKTYPE_MTP2 (140) records, written here so that the oracle does not
 * depend on our own trace code. */
static void pcap_put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static void pcap_header(FILE *f)
{
	pcap_put32(f, 0xa1b2c3d4);
	pcap_put32(f, 0x00040002);	/* version 2.4 (little endian: minor in the high half) */
	pcap_put32(f, 0);
	pcap_put32(f, 0);
	pcap_put32(f, 65535);
	pcap_put32(f, 140);
}

static void pcap_record(FILE *f, const uint8_t *d, size_t len)
{
	static uint32_t sec = 1;

	pcap_put32(f, sec++);
	pcap_put32(f, 0);
	pcap_put32(f, len);
	pcap_put32(f, len);
	fwrite(d, 1, len, f);
}

static void test_tshark_decodes(void)
{
	char path[] = "/tmp/sim_test_XXXXXX.pcap";
	int fd = mkstemps(path, 5);
	FILE *p;
	uint8_t up[128], su[160];
	struct isup_msg m;
	int n;

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	if (!tshark_available()) {
		unlink(path);
		return;
	}
	for (int ansi = 0; ansi < 2; ansi++) {
		enum isup_variant v = ansi ? ISUP_ANSI : ISUP_ITU;
		static const uint8_t types[] = { ISUP_IAM, ISUP_ACM, ISUP_ANM, ISUP_REL, ISUP_RLC };
		const char *opts = ansi ? "-o mtp3.standard:ANSI" : "";

		p = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		pcap_header(p);
		for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
			m = (struct isup_msg){ .cic = 77, .type = types[i], .called = "4912345",
					       .calling = "301", .cause = 16,
					       .has_cause = types[i] == ISUP_REL };
			n = isup_encode(up, sizeof(up), v, &m);
			CU_ASSERT_FATAL(n > 0);
			pcap_record(p, su, mtp2_su(su, ansi, 5, 2, 1, 3, up, n));
		}
		n = sccp_udt_encode(up, sizeof(up), ansi ? SCCP_ADDR_ANSI : SCCP_ADDR_ITU,
				    ansi ? 24 : 14, 2, 6, 1, 8, (const uint8_t *)"payload", 7);
		pcap_record(p, su, mtp2_su(su, ansi, 3, 2, 1, 3, up, n));
		fclose(p);

		CU_ASSERT_EQUAL(tshark_count(path, opts, "isup"), 5);
		CU_ASSERT_EQUAL(tshark_count(path, opts, "isup.cic == 77"), 5);
		CU_ASSERT_EQUAL(tshark_count(path, opts, "isup.message_type == 1"), 1);
		CU_ASSERT_EQUAL(tshark_count(path, opts, "isup.called == \"4912345\""), 1);
		CU_ASSERT_EQUAL(tshark_count(path, opts, "isup.calling == \"301\""), 1);
		CU_ASSERT_EQUAL(tshark_count(path, opts, "isup.cause_indicator == 16"), 1);
		CU_ASSERT_EQUAL(tshark_count(path, opts, "sccp.message_type == 0x09 && "
					     "sccp.called.ssn == 6 && sccp.calling.ssn == 8"), 1);
		CU_ASSERT_EQUAL(tshark_malformed(path, opts), 0);
		if (getenv("SIM_KEEP_PCAP")) {	/* keep the ITU one for a look */
			fprintf(stderr, "pcap: %s\n", path);
			return;
		}
	}
	unlink(path);
}

/* ---- histogram ---- */

static void test_hist(void)
{
	struct sim_hist h;

	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(sim_hist_quantile(&h, 0.5), 0);
	for (unsigned int i = 1; i <= 1000; i++)
		sim_hist_add(&h, i * 100);	/* 0.1 .. 100 ms */
	CU_ASSERT_EQUAL(h.n, 1000);
	CU_ASSERT_EQUAL(h.max_us, 100000);
	/* within the buckets' 1/16 width */
	CU_ASSERT(llabs((long long)sim_hist_quantile(&h, 0.5) - 50000) <= 50000 / 16);
	CU_ASSERT(llabs((long long)sim_hist_quantile(&h, 0.99) - 99000) <= 99000 / 16);
	CU_ASSERT_EQUAL(sim_hist_quantile(&h, 1.0), 100000);
	sim_hist_add(&h, 1ULL << 50);	/* absurd value: last bucket, no overflow */
	CU_ASSERT_EQUAL(h.max_us, 1ULL << 50);
}

/* ---- two engines back to back ---- */

#define WIRE_Q 8192

struct wire_msg {
	uint64_t at;
	struct sim_mtp h;
	uint8_t len;
	uint8_t data[255];
};

/* One direction of a simulated link: fixed delay, optional loss. */
struct wire {
	struct sim **dst;
	uint64_t delay_ns;
	unsigned int drop_every;	/* drop each n-th message (0: none) */
	unsigned int sent, dropped;
	struct wire_msg q[WIRE_Q];
	unsigned int head, tail;
	struct sg_timer t;
	unsigned int done;
};

static void wire_deliver(void *data)
{
	struct wire *w = data;

	while (w->head != w->tail && w->q[w->head % WIRE_Q].at <= sg_now()) {
		struct wire_msg *m = &w->q[w->head % WIRE_Q];

		w->head++;
		sim_rx(*w->dst, &m->h, m->data, m->len);
	}
	if (w->head != w->tail)
		sg_timer_start_ns(&w->t, w->q[w->head % WIRE_Q].at - sg_now());
}

static int wire_send(void *priv, const struct sim_mtp *h, const uint8_t *data, size_t len)
{
	struct wire *w = priv;
	struct wire_msg *m;

	if (w->tail - w->head >= WIRE_Q || len > 255)
		return -ENOBUFS;
	w->sent++;
	if (w->drop_every && w->sent % w->drop_every == 0) {
		w->dropped++;
		return 0;
	}
	m = &w->q[w->tail++ % WIRE_Q];
	m->at = sg_now() + w->delay_ns;
	m->h = *h;
	m->len = len;
	memcpy(m->data, data, len);
	if (!sg_timer_pending(&w->t))
		sg_timer_start_ns(&w->t, w->delay_ns);
	return 0;
}

static void wire_done(void *priv)
{
	((struct wire *)priv)->done++;
}

static const struct sim_ops wire_ops = { .send = wire_send, .done = wire_done };

struct pair {
	struct sim *a, *b;
	struct wire *ab, *ba;
};

static void pair_setup(struct pair *p, const struct sim_cfg *ca, const struct sim_cfg *cb,
		       unsigned int delay_ms)
{
	p->ab = calloc(1, sizeof(*p->ab));
	p->ba = calloc(1, sizeof(*p->ba));
	p->a = sim_alloc(NULL, ca, &wire_ops, p->ab);
	p->b = sim_alloc(NULL, cb, &wire_ops, p->ba);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p->b);
	p->ab->dst = &p->b;
	p->ba->dst = &p->a;
	p->ab->delay_ns = p->ba->delay_ns = delay_ms * SG_NS_PER_MS;
	sg_timer_setup(&p->ab->t, wire_deliver, p->ab);
	sg_timer_setup(&p->ba->t, wire_deliver, p->ba);
	sim_set_reachable(p->a, true);
	sim_set_reachable(p->b, true);
}

static void pair_start(struct pair *p)
{
	sim_start(p->b);
	sim_start(p->a);
}

static void pair_free(struct pair *p)
{
	sim_stop(p->a);
	sim_stop(p->b);
	sg_timer_stop(&p->ab->t);
	sg_timer_stop(&p->ba->t);
	sim_free(p->a);
	sim_free(p->b);
	free(p->ab);
	free(p->ba);
	CU_ASSERT_EQUAL(sg_timers_count(), 0);
}

static uint64_t ctr(struct sim *s, enum sim_ctr c)
{
	return sim_counters(s)->v[c];
}

static void cfg_pair(struct sim_cfg *ca, struct sim_cfg *cb)
{
	sim_cfg_defaults(ca);
	ca->opc = 1;
	ca->dpc = 2;
	ca->generate = true;
	ca->rate = 50;
	ca->count = 200;
	ca->hold_ms = 300;
	ca->stats_interval_ms = 0;
	sim_cfg_defaults(cb);
	cb->opc = 2;
	cb->dpc = 1;
	cb->answer = true;
	cb->stats_interval_ms = 0;
}

/* Q.764 §2.1/§2.3: 200 calls at 50/s, each IAM -> ACM+ANM, held 300 ms, REL -> RLC */
static void test_calls_answered(void)
{
	struct sim_cfg ca, cb;
	struct pair p;
	const struct sim_hist *h;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	pair_setup(&p, &ca, &cb, 10);
	pair_start(&p);
	sg_clock_advance_ms(3000);
	CU_ASSERT(sim_active(p.a) > 0);	/* calls in progress at the rate: ~50/s x 0.33 s */
	CU_ASSERT(sim_active(p.a) <= 20);
	sg_clock_advance_ms(10000);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_ATTEMPTS), 200);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_ANSWERED), 200);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_RELEASED), 200);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_FAILED), 0);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_NO_CIC), 0);
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_CALLS_IN), 200);
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_ANSWERED_IN), 200);
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_RELEASED_IN), 200);
	/* IAM, REL from A; ACM, ANM, RLC from B */
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_MSU_TX), 400);
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_MSU_TX), 600);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_RX_UNEXPECTED) + ctr(p.b, SIM_CTR_RX_UNEXPECTED), 0);
	CU_ASSERT_EQUAL(sim_active(p.a), 0);
	CU_ASSERT_EQUAL(sim_active(p.b), 0);
	CU_ASSERT_TRUE(sim_finished(p.a));
	CU_ASSERT_EQUAL(p.ab->done, 1);
	/* IAM -> ANM is one round trip: 20 ms */
	h = sim_setup_hist(p.a);
	CU_ASSERT_EQUAL(h->n, 200);
	CU_ASSERT(llabs((long long)sim_hist_quantile(h, 0.5) - 20000) <= 20000 / 16);
	CU_ASSERT(llabs((long long)sim_hist_quantile(h, 0.99) - 20000) <= 20000 / 16);
	pair_free(&p);
}

/* More calls than circuits: a call waits for an idle CIC or is not attempted (no_cic) */
static void test_cic_range_exhausted(void)
{
	struct sim_cfg ca, cb;
	struct pair p;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	ca.cic_first = 10;
	ca.cic_last = 14;	/* 5 circuits, 50 calls/s held 300 ms: ~15 busy wanted */
	ca.count = 100;
	pair_setup(&p, &ca, &cb, 10);
	pair_start(&p);
	sg_clock_advance_ms(15000);
	CU_ASSERT(ctr(p.a, SIM_CTR_NO_CIC) > 0);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_ATTEMPTS) + ctr(p.a, SIM_CTR_NO_CIC), 100);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_ANSWERED), ctr(p.a, SIM_CTR_ATTEMPTS));
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_FAILED), 0);
	CU_ASSERT_TRUE(sim_finished(p.a));
	pair_free(&p);
}

/* Without --answer the far end refuses: REL cause 21, RLC; calls counted as failed */
static void test_calls_rejected(void)
{
	struct sim_cfg ca, cb;
	struct pair p;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	cb.answer = false;
	ca.count = 20;
	pair_setup(&p, &ca, &cb, 5);
	pair_start(&p);
	sg_clock_advance_ms(5000);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_ATTEMPTS), 20);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_FAILED), 20);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_ANSWERED), 0);
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_REJECTED_IN), 20);
	CU_ASSERT_EQUAL(sim_active(p.a) + sim_active(p.b), 0);
	pair_free(&p);
}

/* A silent far end: no answer within the timeout -> failed + timeout, REL repeated (T1) and
 * finally the circuit given up */
static void test_no_answer_timeouts(void)
{
	struct sim_cfg ca, cb;
	struct pair p;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	ca.count = 10;
	ca.answer_timeout_ms = 2000;
	ca.rel_timeout_ms = 1000;
	pair_setup(&p, &ca, &cb, 5);
	p.ab->drop_every = 1;	/* everything A sends is lost */
	pair_start(&p);
	sg_clock_advance_ms(1500);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_FAILED), 0);
	sg_clock_advance_ms(20000);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_ATTEMPTS), 10);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_FAILED), 10);
	/* 10 answer timeouts, then 10 releases without RLC after 3 RELs each */
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_TIMEOUTS), 20);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_MSU_TX), 10 + 30);
	CU_ASSERT_EQUAL(sim_active(p.a), 0);
	CU_ASSERT_TRUE(sim_finished(p.a));
	pair_free(&p);
}

/* Both ends generate on the same circuits: dual seizures are resolved (Q.764 §2.10.1.4) and
 * every attempt ends answered or failed, nothing stays busy */
static void test_dual_seizure(void)
{
	struct sim_cfg ca, cb;
	struct pair p;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	ca.cic_first = cb.cic_first = 1;
	ca.cic_last = cb.cic_last = 4;
	ca.answer = true;
	cb.generate = true;
	cb.rate = 50;
	cb.count = 200;
	cb.hold_ms = 100;
	ca.hold_ms = 100;
	pair_setup(&p, &ca, &cb, 15);
	pair_start(&p);
	sg_clock_advance_ms(30000);
	CU_ASSERT(ctr(p.a, SIM_CTR_DUAL_SEIZURE) + ctr(p.b, SIM_CTR_DUAL_SEIZURE) > 0);
	for (int i = 0; i < 2; i++) {
		struct sim *s = i ? p.b : p.a;

		CU_ASSERT_EQUAL(ctr(s, SIM_CTR_ANSWERED) + ctr(s, SIM_CTR_FAILED),
				ctr(s, SIM_CTR_ATTEMPTS));
		CU_ASSERT_EQUAL(ctr(s, SIM_CTR_RELEASED), ctr(s, SIM_CTR_ANSWERED));
		CU_ASSERT_EQUAL(ctr(s, SIM_CTR_TIMEOUTS), 0);
		CU_ASSERT_EQUAL(sim_active(s), 0);
	}
	/* both ends see each dual seizure; only the non-controlling end's call fails */
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_DUAL_SEIZURE), ctr(p.b, SIM_CTR_DUAL_SEIZURE));
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_FAILED) + ctr(p.b, SIM_CTR_FAILED),
			ctr(p.a, SIM_CTR_DUAL_SEIZURE));
	pair_free(&p);
}

/* SCCP: UDTs echoed with swapped addresses; RTT one round trip; losses counted */
static void test_udt_echo(void)
{
	struct sim_cfg ca, cb;
	struct pair p;
	const struct sim_hist *h;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	ca.si = SIM_SI_SCCP;
	ca.rate = 500;
	ca.count = 1000;
	ca.answer_timeout_ms = 1000;
	pair_setup(&p, &ca, &cb, 7);
	p.ba->drop_every = 50;	/* 2 % of the echoes are lost */
	pair_start(&p);
	sg_clock_advance_ms(5000);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_UDT_TX), 1000);
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_UDT_RX), 1000);
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_UDT_ECHO_TX), 1000);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_UDT_ECHO_RX), 980);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_UDT_LOST), 20);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_UDT_RX), 0);	/* echoes are recognised as ours */
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_UDT_ECHO_TX), 0);
	CU_ASSERT_TRUE(sim_finished(p.a));
	h = sim_rtt_hist(p.a);
	CU_ASSERT_EQUAL(h->n, 980);
	CU_ASSERT(llabs((long long)sim_hist_quantile(h, 0.5) - 14000) <= 14000 / 16);
	pair_free(&p);
}

/* Bad input through the engine: counted, never answered, no state change */
static void test_engine_bad_input(void)
{
	struct sim_cfg ca, cb;
	struct pair p;
	struct sim_mtp h = { .opc = 2, .dpc = 1, .si = SIM_SI_ISUP, .sls = 1 };
	static const uint8_t bad_iam[] = { 0x01, 0x00, 0x01, 0x00 };
	static const uint8_t bad_udt[] = { 0x09, 0x00, 0x03, 0x09, 0x09 };

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	ca.generate = false;
	ca.answer = true;
	pair_setup(&p, &ca, &cb, 1);
	pair_start(&p);
	sim_rx(p.a, &h, bad_iam, sizeof(bad_iam));
	h.si = SIM_SI_SCCP;
	sim_rx(p.a, &h, bad_udt, sizeof(bad_udt));
	h.si = 9;
	sim_rx(p.a, &h, bad_udt, sizeof(bad_udt));
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_RX_BAD), 2);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_RX_UNEXPECTED), 1);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_MSU_TX), 0);
	CU_ASSERT_EQUAL(sim_active(p.a), 0);
	pair_free(&p);
}

/* Q.764 §2.9.3.1: RSC on a circuit with an answered call: RLC, the call counts as released */
static void test_reset_circuit(void)
{
	struct sim_cfg ca, cb;
	struct pair p;
	uint8_t rsc[] = { 0, 0, ISUP_RSC };
	struct sim_mtp h = { .opc = 2, .dpc = 1, .si = SIM_SI_ISUP, .ni = 2, .sls = 1 };

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	ca.count = 1;
	ca.hold_ms = 60000;
	pair_setup(&p, &ca, &cb, 5);
	pair_start(&p);
	sg_clock_advance_ms(100);
	CU_ASSERT_EQUAL_FATAL(ctr(p.a, SIM_CTR_ANSWERED), 1);
	CU_ASSERT_EQUAL(sim_active(p.a), 1);
	rsc[0] = ca.cic_first;	/* the first call takes the first circuit */
	sim_rx(p.a, &h, rsc, sizeof(rsc));
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_RELEASED), 1);
	CU_ASSERT_EQUAL(sim_active(p.a), 0);
	CU_ASSERT_EQUAL(ctr(p.a, SIM_CTR_MSU_TX), 2);	/* IAM, RLC */
	sg_clock_advance_ms(100);
	/* B still had the call: the RLC is unexpected there (it did not send RSC) */
	CU_ASSERT_EQUAL(ctr(p.b, SIM_CTR_RX_UNEXPECTED), 1);
	pair_free(&p);
}

/* The stats lines: one per interval, key=value, then the totals */
static void test_stats_lines(void)
{
	struct sim_cfg ca, cb;
	struct pair p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned int lines = 0;

	sg_clock_virtual(1000 * SG_NS_PER_S);
	cfg_pair(&ca, &cb);
	ca.stats_interval_ms = 1000;
	ca.out = f;
	ca.count = 100;
	pair_setup(&p, &ca, &cb, 10);
	pair_start(&p);
	sg_clock_advance_ms(3500);
	sim_print_stats(p.a, f, true);
	fclose(f);
	for (char *s = buf; (s = strchr(s, '\n')); s++)
		lines++;
	CU_ASSERT_EQUAL(lines, 4);
	{
		unsigned long att = 0, ans = 0;
		double rate = 0;
		char *g = strstr(buf, "gen_per_s=");

		CU_ASSERT_EQUAL(sscanf(buf, "stats t=1.0 attempts=%lu answered=%lu", &att, &ans),
				2);
		CU_ASSERT(att >= 50 && att <= 51);	/* 50/s from t=0, the first at once */
		CU_ASSERT(ans >= 49 && ans <= att);
		CU_ASSERT(g && sscanf(g, "gen_per_s=%lf", &rate) == 1 && rate >= 49 && rate <= 51);
	}
	{
		char *q = strstr(buf, " setup_p50_ms=");
		double ms = 0;

		CU_ASSERT(q && sscanf(q, " setup_p50_ms=%lf", &ms) == 1 && ms > 18.7 && ms < 21.3);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "total t=3.5 attempts=100 answered=100 released=100 "
					   "failed=0 timeouts=0"));
	free(buf);
	pair_free(&p);
}

static void test_parse_range(void)
{
	unsigned int a, b;

	CU_ASSERT_EQUAL(sim_parse_range("1-31", 4095, &a, &b), 0);
	CU_ASSERT(a == 1 && b == 31);
	CU_ASSERT_EQUAL(sim_parse_range("7", 4095, &a, &b), 0);
	CU_ASSERT(a == 7 && b == 7);
	CU_ASSERT_EQUAL(sim_parse_range("1-4096", 4095, &a, &b), -EINVAL);
	CU_ASSERT_EQUAL(sim_parse_range("9-2", 4095, &a, &b), -EINVAL);
	CU_ASSERT_EQUAL(sim_parse_range("x", 4095, &a, &b), -EINVAL);
	CU_ASSERT_EQUAL(sim_parse_range("1-", 4095, &a, &b), -EINVAL);
}

/* One shared option by its long name, as getopt_long() would hand it over. */
static bool traffic_opt(struct sim_opts *o, const char *name, const char *arg, const char **bad)
{
	static const struct option opts[] = { SIM_TRAFFIC_OPTIONS, { NULL, 0, NULL, 0 } };

	for (const struct option *op = opts; op->name; op++)
		if (!strcmp(op->name, name))
			return sim_traffic_opt(o, op->val, arg, bad);
	CU_FAIL("no such traffic option");
	return false;
}

static void test_traffic_options(void)
{
	static const struct {
		const char *name, *arg, *bad;
	} bad_args[] = {
		{ "rate", "0", "--rate: a number of calls per second, 0.001..100000" },
		{ "rate", "1e6", "--rate: a number of calls per second, 0.001..100000" },
		{ "rate", "5x", "--rate: a number of calls per second, 0.001..100000" },
		{ "si", "tup", "--si: isup or sccp" },
		{ "hold-ms", "-1", "--hold-ms: milliseconds" },
		{ "answer-timeout-ms", "0", "--answer-timeout-ms: 1..600000" },
		{ "count", "0", "--count: a positive number" },
		{ "duration", "", "--duration: seconds" },
		{ "stats-interval", "86401", "--stats-interval: seconds" },
		{ "called", "", "--called: 1..32 digits" },
		{ "called", "12x", "--called: 1..32 digits" },
		{ "calling", "123456789012345678901234567890123", "--calling: 0..32 digits" },
		{ "ssn", "0", "--ssn/--remote-ssn: 1..255" },
		{ "remote-ssn", "256", "--ssn/--remote-ssn: 1..255" },
		{ "payload", "20", "--payload: 21..200 octets" },
		{ "payload", "201", "--payload: 21..200 octets" },
	};
	struct sim_cfg c, d;
	struct sim_opts o = { .cfg = &c };
	const char *bad;
	char err[64];

	sim_cfg_defaults(&c);
	memcpy(&d, &c, sizeof(d));
	/* a bad argument: its message, the configuration untouched */
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_args); i++) {
		bad = NULL;
		CU_ASSERT(traffic_opt(&o, bad_args[i].name, bad_args[i].arg, &bad));
		CU_ASSERT_STRING_EQUAL(bad ? bad : "(none)", bad_args[i].bad);
		CU_ASSERT(!memcmp(&c, &d, sizeof(c)));
	}
	/* not a traffic option: left to the program */
	CU_ASSERT_FALSE(sim_traffic_opt(&o, 'h', NULL, &bad));
	CU_ASSERT_FALSE(sim_traffic_opt(&o, '?', NULL, &bad));

	/* good arguments */
	CU_ASSERT(traffic_opt(&o, "rate", "2.5", &bad) && !bad);
	CU_ASSERT(c.rate == 2.5 && c.generate);
	CU_ASSERT(traffic_opt(&o, "si", "sccp", &bad) && !bad && c.si == SIM_SI_SCCP);
	CU_ASSERT(traffic_opt(&o, "hold-ms", "0", &bad) && !bad && c.hold_ms == 0);
	CU_ASSERT(traffic_opt(&o, "answer-timeout-ms", "600000", &bad) && !bad);
	CU_ASSERT_EQUAL(c.answer_timeout_ms, 600000);
	CU_ASSERT(traffic_opt(&o, "answer", NULL, &bad) && !bad && c.answer);
	CU_ASSERT(traffic_opt(&o, "count", "300", &bad) && !bad && c.count == 300);
	CU_ASSERT(traffic_opt(&o, "duration", "0.5", &bad) && !bad && c.duration_s == 0.5);
	CU_ASSERT(traffic_opt(&o, "stats-interval", "0.25", &bad) && !bad);
	CU_ASSERT_EQUAL(c.stats_interval_ms, 250);
	CU_ASSERT(traffic_opt(&o, "called", "12B3C4F", &bad) && !bad);
	CU_ASSERT_STRING_EQUAL(c.called, "12B3C4F");
	CU_ASSERT(traffic_opt(&o, "calling", "", &bad) && !bad);
	CU_ASSERT_STRING_EQUAL(c.calling, "");
	CU_ASSERT(traffic_opt(&o, "ssn", "146", &bad) && !bad && c.ssn == 146);
	CU_ASSERT(traffic_opt(&o, "remote-ssn", "7", &bad) && !bad && c.remote_ssn == 7);
	CU_ASSERT(traffic_opt(&o, "payload", "200", &bad) && !bad && c.payload == 200);

	/* --cic waits for the variant: its range is the variant's CICs */
	CU_ASSERT_EQUAL(sim_traffic_check(&o, err, sizeof(err)), 0);
	CU_ASSERT(c.cic_first == 1 && c.cic_last == 31);
	CU_ASSERT(traffic_opt(&o, "cic", "100-10000", &bad) && !bad);
	CU_ASSERT(c.cic_first == 1 && c.cic_last == 31);
	c.variant = SG_PC_ITU;
	CU_ASSERT_EQUAL(sim_traffic_check(&o, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--cic: FIRST-LAST within 0..4095");
	c.variant = SG_PC_ANSI;
	CU_ASSERT_EQUAL(sim_traffic_check(&o, err, sizeof(err)), 0);
	CU_ASSERT(c.cic_first == 100 && c.cic_last == 10000);
	CU_ASSERT(traffic_opt(&o, "cic", "x", &bad) && !bad);
	CU_ASSERT_EQUAL(sim_traffic_check(&o, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--cic: FIRST-LAST within 0..16383");

	/* --opc and --dpc are kept as given, for the program to read with its variant */
	CU_ASSERT(!o.opc && !o.dpc);
	CU_ASSERT(traffic_opt(&o, "opc", "2-100-1", &bad) && !bad);
	CU_ASSERT(traffic_opt(&o, "dpc", "3-0-5", &bad) && !bad);
	CU_ASSERT(o.opc && !strcmp(o.opc, "2-100-1") && o.dpc && !strcmp(o.dpc, "3-0-5"));
}

static int init(void)
{
	return cu_log_init(DSG, "SIM_DEBUG", LOGL_FATAL);
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "Q.763 IAM (ITU): octets and round trip", test_isup_iam_itu_octets },
		{ "T1.113 IAM (ANSI): 14-bit CIC, USI", test_isup_iam_ansi },
		{ "Q.763 REL cause / RLC; encoder limits", test_isup_rel_rlc },
		{ "ISUP decoder: truncated, bad pointers, random input",
		  test_isup_decode_bad_input },
		{ "Q.713 UDT (ITU): octets, decode, echo", test_udt_itu_octets },
		{ "T1.112 UDT (ANSI) addresses", test_udt_ansi },
		{ "UDT decoder: truncated, bad address, random input", test_udt_decode_bad_input },
		{ "Wireshark decodes our ISUP and UDT (ITU and ANSI), 0 malformed",
		  test_tshark_decodes },
		{ "latency histogram quantiles", test_hist },
		{ "Q.764 basic call: 200 calls answered and released", test_calls_answered },
		{ "CIC range exhausted: no_cic, nothing lost", test_cic_range_exhausted },
		{ "Q.764: calls refused (REL 21) count as failed", test_calls_rejected },
		{ "Q.764: no answer -> timeout, REL repeated (T1), circuit freed",
		  test_no_answer_timeouts },
		{ "Q.764 §2.10.1.4 dual seizure", test_dual_seizure },
		{ "Q.714 UDT echo: RTT and loss", test_udt_echo },
		{ "engine: bad input counted, not answered", test_engine_bad_input },
		{ "Q.764 §2.9.3.1 reset circuit on an answered call", test_reset_circuit },
		{ "stats lines: key=value per interval, totals", test_stats_lines },
		{ "CIC range option parsing", test_parse_range },
		{ "traffic options shared by the simulators", test_traffic_options },
		{ NULL, NULL }
	};

	return cu_run_suite("sim", tests, init, cu_log_fini);
}
