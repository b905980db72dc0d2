/* Two SS7 links (HDLC + MTP2) over the TDM pseudowire on loopback UDP, through an impairing relay. */

/*
 * Span A and span B are "pw" spans on 127.0.0.1.  Each sends to a relay
 * socket of the test, which forwards to the other span and can drop
 * packets or flip bits in their payload: a small network impairment
 * emulator.  The pw driver, the software HDLC, MTP2 and the signalling link
 * terminal are the real code; time is virtual (1 ms steps, then the loop
 * reads what loopback delivered).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <talloc.h>

#include <sg/adapter.h>
#include <sg/hdlc.h>
#include <sg/log.h>
#include <sg/slt.h>
#include <sg/thread.h>
#include <sg/timer.h>
#include "cu_main.h"
#include "cu_log.h"

/* UDP ports, ephemeral ones chosen per test (parallel runs must not collide) */
static uint16_t PORT_A, PORT_B;
static uint16_t PORT_RA;	/* relay: A sends here, it forwards to B */
static uint16_t PORT_RB;	/* relay: B sends here, it forwards to A */

/* A free UDP port on loopback (the kernel's choice; the probe socket is closed). */
static uint16_t free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint16_t port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static struct {
	int fd[2];		/* [0] receives A's packets, [1] B's */
	double loss;		/* packet loss probability, both directions */
	double ber_to_a;	/* bit error rate on the payload towards A */
	uint64_t rng;
	unsigned int dropped, forwarded;
} R;

struct end {
	struct sg_span *span;
	struct sg_slt *slt;
	void *cfg_ctx;			/* the span's pw settings */
	bool in_service;
	uint64_t in_service_at;
	uint8_t oos_reason;
	unsigned int oos, rx_msu;
};
static struct end E[2];

static double rnd(void)
{
	R.rng ^= R.rng << 13;
	R.rng ^= R.rng >> 7;
	R.rng ^= R.rng << 17;
	return (R.rng >> 11) * (1.0 / 9007199254740992.0);
}

static int udp_socket(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	return fd;
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	return ntohs(a.sin_port);
}

/* forward what arrived, impaired; returns packets handled */
static unsigned int relay_pump(void)
{
	const uint16_t to_port[2] = { PORT_B, PORT_A };
	uint8_t buf[2048];
	unsigned int n = 0;

	for (int i = 0; i < 2; i++) {
		ssize_t len;

		while ((len = recv(R.fd[i], buf, sizeof(buf), 0)) > 0) {
			struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(to_port[i]),
						  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

			n++;
			if (R.loss > 0 && rnd() < R.loss) {
				R.dropped++;
				continue;
			}
			/* i == 1: B's packet going to A; leave the control word */
			if (i == 1 && R.ber_to_a > 0 && len > 4)
				sg_hdlc_corrupt(buf + 4, len - 4, R.ber_to_a, &R.rng);
			/* from the socket the receiving span knows as its peer */
			CU_ASSERT(sendto(R.fd[!i], buf, len, 0, (struct sockaddr *)&to,
					 sizeof(to)) == len);
			R.forwarded++;
		}
	}
	return n;
}

/* one millisecond: the spans send (timers), the relay forwards, the spans read */
static void step_ms(unsigned int ms)
{
	while (ms--) {
		sg_clock_advance_ms(1);
		relay_pump();
		sg_loop_once(0);
	}
}

static void ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	struct end *e = priv;

	if (prim == SG_MTP2_IN_SERVICE) {
		e->in_service = true;
		e->in_service_at = sg_now();
	} else if (prim == SG_MTP2_OUT_OF_SERVICE) {
		e->in_service = false;
		e->oos++;
		e->oos_reason = param->reason;
	} else if (prim == SG_MTP2_DATA) {
		e->rx_msu++;
	}
	msgb_free(msg);
}

static void teardown(void);

static void setup_ts(unsigned int ts, bool unframed);

static void setup(void)
{
	setup_ts(16, false);
}

/* ts 0: a Q.703 Annex A link over the whole E1 (1.984 Mbit/s framed, or
 * 2.048 Mbit/s unframed) */
static void setup_ts(unsigned int ts, bool unframed)
{
	char err[256];

	/* a test that failed fatally left its ends behind */
	if (E[0].span || E[1].span || E[0].cfg_ctx || E[1].cfg_ctx)
		teardown();
	memset(&R, 0, sizeof(R));
	memset(E, 0, sizeof(E));
	R.rng = 88172645463325252ULL;
	sg_clock_virtual(1000 * SG_NS_PER_S);
	R.fd[0] = udp_socket(0);
	R.fd[1] = udp_socket(0);
	PORT_RA = bound_port(R.fd[0]);
	PORT_RB = bound_port(R.fd[1]);
	do {
		PORT_A = free_port();
		PORT_B = free_port();
	} while (PORT_A == PORT_B || !PORT_A || !PORT_B);
	for (int i = 0; i < 2; i++) {
		struct sg_slt_cfg scfg = { .name = i ? "b" : "a", .link_id = i, .ts = ts,
					   .annex_a = ts == 0 };
		char name[8], json[160];
		struct sg_span_cfg c = { .name = name, .type = SG_SPAN_E1, .driver = "pw" };

		snprintf(name, sizeof(name), "pw-%c", 'a' + i);
		snprintf(json, sizeof(json), "{ \"local\": \"127.0.0.1:%u\", \"remote\": "
			 "\"127.0.0.1:%u\", \"unframed\": %s }", i ? PORT_B : PORT_A,
			 i ? PORT_RB : PORT_RA, unframed ? "true" : "false");
		E[i].cfg_ctx = talloc_new(NULL);
		c.drv_cfg = sg_adapter_cfg_json(E[i].cfg_ctx, "pw", json, SG_SPAN_E1, err,
						sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(c.drv_cfg);
		E[i].span = sg_span_open(NULL, &c, err, sizeof(err));
		if (!E[i].span)
			fprintf(stderr, "%s\n", err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(E[i].span);
		E[i].slt = sg_slt_open(NULL, E[i].span, &scfg, ind, &E[i], err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(E[i].slt);
	}
}

static void teardown(void)
{
	for (int i = 0; i < 2; i++) {
		sg_slt_close(E[i].slt);
		sg_span_close(E[i].span);
		TALLOC_FREE(E[i].cfg_ctx);
		E[i].slt = NULL;
		E[i].span = NULL;
		close(R.fd[i]);
	}
	sg_clock_monotonic();
}

static bool align(bool emergency, unsigned int limit_ms)
{
	for (int i = 0; i < 2; i++) {
		if (emergency)
			sg_mtp2_l3_req(sg_slt_mtp2(E[i].slt), SG_MTP2_EMERGENCY, NULL, NULL);
		sg_mtp2_l3_req(sg_slt_mtp2(E[i].slt), SG_MTP2_START, NULL, NULL);
	}
	for (unsigned int t = 0; t < limit_ms && !(E[0].in_service && E[1].in_service); t++)
		step_ms(1);
	if (getenv("LINK_DEBUG"))
		fprintf(stderr, "forwarded %u dropped %u, A %s, B %s\n", R.forwarded, R.dropped,
			json_object_to_json_string(sg_slt_to_json(E[0].slt, true)),
			json_object_to_json_string(sg_slt_to_json(E[1].slt, false)));
	return E[0].in_service && E[1].in_service;
}

static void send_msus(struct end *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct msgb *msg = sg_msgb_alloc(64, "msu");

		msg->l3h = msgb_put(msg, 20);
		memset(msg->l3h, 0x5a, 20);
		msg->l3h[0] = 0x83;	/* SIO: national, SCCP */
		sg_mtp2_l3_req(sg_slt_mtp2(e->slt), SG_MTP2_DATA, NULL, msg);
	}
}

/* The link API's "out_of_service" object of end i: "reason text [alarm...] from count", or
 * "null" when MTP2 never took the link out of service. */
static const char *oos_api(int i)
{
	static char buf[256];
	struct json_object *o = sg_slt_to_json(E[i].slt, false), *oos, *v;
	size_t n;

	if (!json_object_object_get_ex(o, "out_of_service", &oos) || !oos) {
		json_object_put(o);
		return "null";
	}
	n = snprintf(buf, sizeof(buf), "%s|%s|",
		     json_object_object_get_ex(oos, "reason", &v) ? json_object_get_string(v) : "?",
		     json_object_object_get_ex(oos, "text", &v) ? json_object_get_string(v) : "?");
	if (json_object_object_get_ex(oos, "alarms", &v))
		for (size_t k = 0; k < json_object_array_length(v) && n < sizeof(buf); k++)
			n += snprintf(buf + n, sizeof(buf) - n, "%s ",
				      json_object_get_string(json_object_array_get_idx(v, k)));
	if (n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "|%s",
			 json_object_object_get_ex(oos, "from", &v) ? json_object_get_string(v)
								    : "?");
	json_object_put(o);
	if (getenv("LINK_DEBUG"))
		fprintf(stderr, "end %c out_of_service: %s\n", 'a' + i, buf);
	return buf;
}

/* Q.703 §7: normal alignment over the pseudowire: in service after Pn
 * (8.2 s) plus the pseudowire's delay, then MSUs cross both ways. */
static void test_pw_align_and_msus(void)
{
	setup();
	CU_ASSERT_TRUE_FATAL(align(false, 20000));
	for (int i = 0; i < 2; i++) {
		uint64_t t = E[i].in_service_at - 1000 * SG_NS_PER_S;

		CU_ASSERT(t >= 8200 * SG_NS_PER_MS && t <= 9500 * SG_NS_PER_MS);
	}
	send_msus(&E[0], 300);
	send_msus(&E[1], 300);
	step_ms(3000);
	CU_ASSERT_EQUAL(E[0].rx_msu, 300);
	CU_ASSERT_EQUAL(E[1].rx_msu, 300);
	CU_ASSERT(R.forwarded > 2 * 11000);
	CU_ASSERT_EQUAL(R.dropped, 0);
	teardown();
}

/* Q.703 §10.2 (SUERM): bit errors on the line towards A make A's SUERM
 * reach its threshold; the link goes out of service with reason SUERM. */
static void test_pw_bit_errors_suerm(void)
{
	setup();
	CU_ASSERT_TRUE_FATAL(align(true, 5000));
	R.ber_to_a = 2e-3;
	for (unsigned int t = 0; t < 10000 && E[0].in_service; t++)
		step_ms(1);
	CU_ASSERT_FALSE(E[0].in_service);
	CU_ASSERT_EQUAL(E[0].oos_reason, SG_MTP2_OOS_SUERM);
	/* the links API says why: SUERM, from IN SERVICE, no alarm */
	CU_ASSERT_STRING_EQUAL(oos_api(0), "suerm|SUERM threshold||IN_SERVICE");
	teardown();
}

/* Packet loss: each lost packet is 1 ms of all-ones on the timeslot (an
 * abort and octet counting for the HDLC): at 20 % loss SUERM (fed by
 * errored SUs and octet counting, Q.703 §10.2) takes the link down. */
static void test_pw_packet_loss_suerm(void)
{
	setup();
	CU_ASSERT_TRUE_FATAL(align(true, 5000));
	R.loss = 0.2;
	for (unsigned int t = 0; t < 10000 && (E[0].in_service || E[1].in_service); t++)
		step_ms(1);
	CU_ASSERT_FALSE(E[0].in_service);
	CU_ASSERT_FALSE(E[1].in_service);
	CU_ASSERT(E[0].oos_reason == SG_MTP2_OOS_SUERM || E[1].oos_reason == SG_MTP2_OOS_SUERM);
	CU_ASSERT(R.dropped > 0);
	teardown();
}

/* A low loss rate (1 in 1000 packets) is absorbed: SUERM's leaky bucket
 * (D = 256) drains faster than the errors come, the link stays up and
 * basic error correction retransmits what was hit. */
static void test_pw_low_loss_survives(void)
{
	setup();
	CU_ASSERT_TRUE_FATAL(align(true, 5000));
	R.loss = 0.001;
	send_msus(&E[0], 200);
	step_ms(20000);
	CU_ASSERT_TRUE(E[0].in_service);
	CU_ASSERT_TRUE(E[1].in_service);
	CU_ASSERT_EQUAL(E[1].rx_msu, 200);
	teardown();
}

/* The peer's pseudowire goes silent: PW_LOSS alarm -> link failure. */
static void test_pw_silence_alarm(void)
{
	setup();
	CU_ASSERT_TRUE_FATAL(align(true, 5000));
	R.loss = 1.0;
	step_ms(100);
	CU_ASSERT_FALSE(E[0].in_service);
	CU_ASSERT_EQUAL(E[0].oos_reason, SG_MTP2_OOS_LINK_FAIL);
	/* the links API names the alarm */
	CU_ASSERT_STRING_EQUAL(oos_api(0), "alarm|link failure|pw-loss |IN_SERVICE");
	teardown();
}

/* The link API's "out_of_service.by_reason" of end i as compact JSON, "null" if none. */
static const char *oos_by_api(int i)
{
	static char buf[256];
	struct json_object *o = sg_slt_to_json(E[i].slt, false), *oos, *by;

	if (json_object_object_get_ex(o, "out_of_service", &oos) && oos &&
	    json_object_object_get_ex(oos, "by_reason", &by))
		snprintf(buf, sizeof(buf), "%s",
			 json_object_to_json_string_ext(by, JSON_C_TO_STRING_PLAIN));
	else
		snprintf(buf, sizeof(buf), "null");
	json_object_put(o);
	return buf;
}

/* The far end is stopped (by its MTP3, e.g. an operator's stop): it sends SIOS (Q.703 §6.2.3)
 * and A goes out of service.  The links API names the reason at both ends: A "remote-sios",
 * B "stop"; before that, neither was ever taken out of service (null). */
static void test_pw_far_end_stop_reason(void)
{
	unsigned int n;

	setup();
	CU_ASSERT_TRUE_FATAL(align(true, 5000));
	CU_ASSERT_STRING_EQUAL(oos_api(0), "null");
	CU_ASSERT_STRING_EQUAL(oos_api(1), "null");
	sg_mtp2_l3_req(sg_slt_mtp2(E[1].slt), SG_MTP2_STOP, NULL, NULL);
	for (unsigned int t = 0; t < 1000 && E[0].in_service; t++)
		step_ms(1);
	CU_ASSERT_FALSE(E[0].in_service);
	CU_ASSERT_EQUAL(E[0].oos_reason, SG_MTP2_OOS_SIOS);
	CU_ASSERT_STRING_EQUAL(oos_api(0), "remote-sios|SIOS received||IN_SERVICE");
	CU_ASSERT_STRING_EQUAL(oos_api(1), "stop|stopped by MTP3||IN_SERVICE");
	/* A restarts alignment; B, stopped, never answers: Q.703 §7.3, T2 expires in
	 * NOT ALIGNED and the reason becomes an alignment failure naming T2 */
	n = E[0].oos;
	sg_mtp2_l3_req(sg_slt_mtp2(E[0].slt), SG_MTP2_START, NULL, NULL);
	for (unsigned int t = 0; t < 200000 && E[0].oos == n; t++)
		step_ms(1);
	CU_ASSERT_EQUAL(E[0].oos_reason, SG_MTP2_OOS_ALIGN_FAIL);
	CU_ASSERT_STRING_EQUAL(oos_api(0),
			       "alignment|alignment failure: T2 expiry||INITIAL_ALIGNMENT");
	/* the counts by reason keep the far end's SIOS the last reason no longer shows */
	CU_ASSERT_STRING_EQUAL(oos_by_api(0), "{\"alignment\":1,\"remote-sios\":1}");
	CU_ASSERT_STRING_EQUAL(oos_by_api(1), "{\"stop\":1}");
	teardown();
}

/* Q.703 Annex A over the pseudowire: the whole E1 carries one link with
 * 12-bit sequence numbers and the errored interval monitor; it aligns
 * (normal proving) and carries MSUs both ways.  Then bit errors make the
 * EIM (not SUERM, which Annex A links do not use) take it down. */
static void test_pw_annex_a(bool unframed)
{
	setup_ts(0, unframed);
	CU_ASSERT_TRUE_FATAL(align(false, 120000));
	send_msus(&E[0], 1000);
	send_msus(&E[1], 1000);
	step_ms(3000);
	CU_ASSERT_EQUAL(E[0].rx_msu, 1000);
	CU_ASSERT_EQUAL(E[1].rx_msu, 1000);
	CU_ASSERT_TRUE(E[0].in_service && E[1].in_service);
	R.ber_to_a = 1e-4;
	for (unsigned int t = 0; t < 60000 && E[0].in_service; t++)
		step_ms(1);
	CU_ASSERT_FALSE(E[0].in_service);
	CU_ASSERT_EQUAL(E[0].oos_reason, SG_MTP2_OOS_EIM);
	teardown();
}

static void test_pw_annex_a_framed(void)
{
	test_pw_annex_a(false);
}

static void test_pw_annex_a_unframed(void)
{
	test_pw_annex_a(true);
}

static int init(void)
{
	if (cu_log_init(CU_LOG_ALL, NULL, LOGL_ERROR) < 0)
		return -1;
	sg_adapter_register_builtin();
	return sg_loop_init();
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "pw: normal alignment (Pn) and 300 MSUs each way", test_pw_align_and_msus },
		{ "pw: bit errors take the link down through SUERM", test_pw_bit_errors_suerm },
		{ "pw: 20% packet loss takes the link down through SUERM",
		  test_pw_packet_loss_suerm },
		{ "pw: 0.1% packet loss is absorbed, no MSU lost", test_pw_low_loss_survives },
		{ "pw: silent peer raises PW_LOSS: link failure", test_pw_silence_alarm },
		{ "pw: far end stopped: SIOS, the out-of-service reason at both ends, then T2",
		  test_pw_far_end_stop_reason },
		{ "pw: Annex A link on a framed E1 (1.984 Mbit/s): in service, 1000 MSUs each "
		  "way, EIM on errors", test_pw_annex_a_framed },
		{ "pw: Annex A link on an unframed E1 (2.048 Mbit/s): in service, 1000 MSUs each "
		  "way, EIM on errors", test_pw_annex_a_unframed },
		{ NULL, NULL }
	};

	return cu_run_suite("link over pw", tests, init, cu_log_fini);
}
