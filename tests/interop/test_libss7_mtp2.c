/* Interop with Asterisk's libss7: our MTP2 (frame driver) and libss7's MTP2 align and stay in service. */

/*
 * libss7 is an independent MTP2/MTP3/ISUP implementation (see doc/testing.md,
 * "libss7 interop").  It runs in this process on one end of an AF_UNIX
 * SOCK_SEQPACKET connection, in SS7_TRANSPORT_DAHDIMTP2 mode: one frame per
 * read/write, SU + 2 FCS octets, sending only on change (the "driver" is
 * assumed to repeat the last SU).  Our end is a "frame" span (the real
 * adapters/frame.c) with a signalling link terminal (HDLC frames + MTP2)
 * that connects to the socket.  libss7's timers run on the wall clock, so
 * this test runs in real time (about 4 s).
 *
 * Checks: both MTP2s reach in service (our IN_SERVICE indication, libss7's
 * MTP2_LINK_UP event), FISUs keep flowing for 2 s without the link going
 * down, and the pcap trace of our end decodes in tshark with no malformed
 * frame.  libss7's MTP3 stays down (no TRA from us: MTP3 is not ours yet),
 * which does not concern MTP2.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <libss7.h>
#include <osmocom/core/select.h>
#include <talloc.h>

#include <sg/adapter.h>
#include <sg/log.h>
#include <sg/slt.h>
#include <sg/thread.h>
#include <sg/timer.h>
#include "../unit/cu_main.h"
#include "../unit/cu_log.h"
#include "libss7_peer.h"
#include "../unit/tshark.h"

static struct {
	struct ss7 *ss7;
	int listen_fd, fd;
	struct osmo_fd ofd;
	struct sg_timer pace;
	bool mtp2_up, mtp2_down_after_up;
	unsigned int events;
} L;

static struct {
	bool in_service;
	unsigned int oos;
} O;

static void drain_events(void)
{
	ss7_event *ev;

	while ((ev = ss7_check_event(L.ss7))) {
		L.events++;
		if (ev->e == MTP2_LINK_UP)
			L.mtp2_up = true;
		else if (ev->e == MTP2_LINK_DOWN && L.mtp2_up)
			L.mtp2_down_after_up = true;
	}
}

static int ss7_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	ss7_peer_read(L.ss7, ofd, what);
	drain_events();
	return 0;
}

/* every 5 ms: libss7 writes what changed and runs its timers */
static void pace_cb(void *data)
{
	ss7_write(L.ss7, L.fd);
	ss7_peer_run_timers(L.ss7);
	drain_events();
	sg_timer_start_ms(&L.pace, 5);
}

static void ind(struct sg_mtp2_link *link, enum sg_mtp2_prim prim,
		const struct sg_mtp2_param *param, struct msgb *msg, void *priv)
{
	if (prim == SG_MTP2_IN_SERVICE)
		O.in_service = true;
	else if (prim == SG_MTP2_OUT_OF_SERVICE) {
		O.in_service = false;
		O.oos++;
	}
	msgb_free(msg);
}

static void run_ms(unsigned int ms)
{
	uint64_t end = sg_now() + ms * SG_NS_PER_MS;

	while (sg_now() < end)
		sg_loop_once(5);
}

static void test_libss7_mtp2_in_service(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char path[] = "/tmp/sg-ss7-XXXXXX", sock[64], pcap[96], err[256], json[100];
	struct sg_span_cfg scfg = { .name = "ss7", .type = SG_SPAN_E1, .driver = "frame" };
	struct sg_slt_cfg lcfg = { .name = "to-libss7", .ts = 16 };
	struct sg_span *span;
	struct sg_slt *slt;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(path));
	snprintf(sock, sizeof(sock), "%s/link", path);
	snprintf(pcap, sizeof(pcap), "%s/link.pcap", path);

	/* the libss7 side listens */
	L.listen_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CU_ASSERT_FATAL(L.listen_fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	CU_ASSERT_FATAL(bind(L.listen_fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	CU_ASSERT_FATAL(listen(L.listen_fd, 1) == 0);

	/* our side: a frame span connecting to it, one link */
	snprintf(json, sizeof(json), "{ \"path\": \"%s\" }", sock);
	scfg.drv_cfg = sg_adapter_cfg_json(NULL, "frame", json, SG_SPAN_E1, err, sizeof(err));
	span = scfg.drv_cfg ? sg_span_open(NULL, &scfg, err, sizeof(err)) : NULL;
	if (!span)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(span);
	talloc_steal(span->ctx, (void *)scfg.drv_cfg);	/* goes with the span */
	slt = sg_slt_open(NULL, span, &lcfg, ind, NULL, err, sizeof(err));
	if (!slt)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(slt);
	CU_ASSERT_EQUAL(sg_slt_mode(slt), SG_ADAPTER_MODE_FRAMES);
	CU_ASSERT_EQUAL(sg_slt_trace_start(slt, pcap, false), 0);

	/* accept (the frame driver connects from our loop) */
	for (int i = 0; i < 200; i++) {
		struct pollfd p = { .fd = L.listen_fd, .events = POLLIN };

		sg_loop_once(5);
		if (poll(&p, 1, 0) == 1)
			break;
	}
	L.fd = accept(L.listen_fd, NULL, NULL);
	CU_ASSERT_FATAL(L.fd >= 0);

	/* libss7: ITU, national, SLC 0 (doc/testing.md, "libss7 as a peer") */
	L.ss7 = ss7_new(SS7_ITU);
	CU_ASSERT_PTR_NOT_NULL_FATAL(L.ss7);
	ss7_set_message(ss7_msg_cb);
	ss7_set_error(ss7_msg_cb);
	if (getenv("SS7_DEBUG"))
		ss7_set_debug(L.ss7, SS7_DEBUG_MTP2);
	ss7_set_network_ind(L.ss7, SS7_NI_NAT);
	ss7_set_pc(L.ss7, 2);
	CU_ASSERT_EQUAL_FATAL(ss7_add_link(L.ss7, SS7_TRANSPORT_DAHDIMTP2, L.fd, 0, 1), 0);
	osmo_fd_setup(&L.ofd, L.fd, OSMO_FD_READ, ss7_fd_cb, NULL, 0);
	CU_ASSERT_FATAL(osmo_fd_register(&L.ofd) == 0);
	sg_timer_setup(&L.pace, pace_cb, NULL);
	sg_timer_start_ms(&L.pace, 5);

	/* both start; libss7 always proves as in an emergency */
	CU_ASSERT_EQUAL(ss7_start(L.ss7), 0);
	sg_mtp2_l3_req(sg_slt_mtp2(slt), SG_MTP2_EMERGENCY, NULL, NULL);
	sg_mtp2_l3_req(sg_slt_mtp2(slt), SG_MTP2_START, NULL, NULL);

	for (int i = 0; i < 100 && !(O.in_service && L.mtp2_up); i++)
		run_ms(50);
	CU_ASSERT_TRUE(O.in_service);
	CU_ASSERT_TRUE(L.mtp2_up);

	/* FISUs flow; nobody falls out of service */
	run_ms(2000);
	CU_ASSERT_TRUE(O.in_service);
	CU_ASSERT_EQUAL(O.oos, 0);
	CU_ASSERT_FALSE(L.mtp2_down_after_up);
	CU_ASSERT(sg_ctr_get(sg_mtp2_counters(sg_slt_mtp2(slt)), SG_MTP2_CTR_RX_SU) > 10);

	sg_timer_stop(&L.pace);
	osmo_fd_unregister(&L.ofd);
	sg_slt_close(slt);	/* closes the trace */
	sg_span_close(span);
	ss7_destroy(L.ss7);
	close(L.fd);
	close(L.listen_fd);

	if (tshark_available()) {
		int n = tshark_count(pcap, "", "mtp2"), bad = tshark_malformed(pcap, "");

		printf("\n  tshark: %d MTP2 SUs in the trace, %d malformed\n", n, bad);
		CU_ASSERT(n >= 4);	/* SIO, SIE, FISU, ... */
		CU_ASSERT_EQUAL(bad, 0);
	}
	unlink(pcap);
	unlink(sock);
	rmdir(path);
}

static int init(void)
{
	if (cu_log_init(CU_LOG_ALL, "SS7_DEBUG", LOGL_ERROR) < 0)
		return -1;
	sg_adapter_register_builtin();
	return sg_loop_init();
}

int main(void)
{
	static const struct cu_test tests[] = {
		{ "libss7 (DAHDIMTP2 over SOCK_SEQPACKET): MTP2 in service both ends, FISUs flow, "
		  "trace decodes", test_libss7_mtp2_in_service },
		{ NULL, NULL }
	};

	return cu_run_suite("libss7 MTP2 interop", tests, init, cu_log_fini);
}
