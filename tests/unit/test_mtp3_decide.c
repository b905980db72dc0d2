/* Expected-trace tests of MTP3's decisions (mtp/mtp3_cmd.h): changeover (Q.704 §5),
 * changeback (§6) and signalling link management (§12) fed the key Q.704 scenarios; the
 * command lists they return, one line per command, must match the trace written here. */

#include <stdio.h>
#include <string.h>

#include "../../mtp/mtp3_cmd.h"
#include "cu_main.h"

#define TRACE_MAX 4096

/* Compare the rendered command list with the expected trace (one line per command); on a
 * mismatch both traces go to stderr. */
static void check_trace(const char *scenario, const struct mtp3_cmds *c, const char *want)
{
	static char got[TRACE_MAX];

	mtp3_cmds_render(c, got, sizeof(got));
	if (strcmp(got, want)) {
		fprintf(stderr, "\n%s: trace differs\n--- expected\n%s--- got\n%s---\n", scenario,
			want, got);
		CU_FAIL(scenario);
		return;
	}
	CU_PASS(scenario);
}

/* Feed one event to a decision function, check the commands against the expected lines */
#define EXPECT(decide, scenario, facts, ev, want)                                         \
	do {                                                                              \
		struct mtp3_cmds c_ = { .n = 0 };                                         \
		decide(facts, ev, &c_);                                                   \
		check_trace(scenario, &c_, want);                                         \
	} while (0)
#define CO_EV(...)  (&(const struct mtp3_co_ev){ __VA_ARGS__ })
#define CB_EV(...)  (&(const struct mtp3_cb_ev){ __VA_ARGS__ })
#define SLM_EV(...) (&(const struct mtp3_slm_ev){ __VA_ARGS__ })

/* ---- changeover (TCOC) ---- */

/* the end of every changeover (with buffer updating: "yes") */
#define CO_OVER(updating)                                                                  \
	"changeover state NONE\n"                                                          \
	"changeover done, buffer updating " updating "\n"                                  \
	"release held traffic, retrieved MSUs first\n"

/* ... without buffer updating: what MTP2 still has is lost */
#define CO_FLUSHED "L2 FLUSH-BUFFERS\n" CO_OVER("no") "rebalance linkset\n"

/* buffer updating from the far end's FSN (while the timer runs: "T1", "T2") */
#define CO_RETRIEVAL(timer, fsnc)                                                          \
	"stop " timer "\n"                                                                 \
	"changeover state RETRIEVING\n"                                                    \
	"L2 RETRIEVAL-REQUEST-AND-FSNC fsnc=" fsnc "\n"

/* link SLC 1 of a linkset, available until now, carrying SLS 1, 5, 9 and 13 */
static struct mtp3_co_facts co_link(enum sg_mtp3_co_state co)
{
	struct mtp3_co_facts f = {
		.co = co,
		.state = SG_MTP3_LINK_FAILED,
		.slc = 1,
		.active = true,
		.path = true,
	};

	for (unsigned int s = 1; s < 16; s += 4)
		mtp3_sls_add(&f.carried, s);
	return f;
}

/* §5.2: the link failed: traffic held, BSNT asked for; with the BSNT, COO on another link
 * of the linkset and T2 (§5.2.2) */
static void test_co_initiation(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_NONE);

	EXPECT(mtp3_tcoc_decide, "§5.2 changeover initiation", &f, CO_EV(MTP3_CO_EV_START),
	       "hold sls=1,5,9,13\n"
	       "changeover state WAIT_BSNT\n"
	       "L2 RETRIEVE-BSNT\n");
	f = co_link(SG_MTP3_CO_WAIT_BSNT);
	EXPECT(mtp3_tcoc_decide, "§5.2 COO with BSNT", &f, CO_EV(MTP3_CO_EV_BSNT, .fsn = 12),
	       "send COO slc=1 fsn=12 via=co\n"
	       "changeover state WAIT_ACK\n"
	       "start T2\n");
	/* the BSNT is 7 bits: a wider value from MTP2 is cut */
	EXPECT(mtp3_tcoc_decide, "§5.2 COO with BSNT (7 bits)", &f,
	       CO_EV(MTP3_CO_EV_BSNT, .fsn = 0x80 + 3),
	       "send COO slc=1 fsn=3 via=co\n"
	       "changeover state WAIT_ACK\n"
	       "start T2\n");
	/* Annex A link: XCO with 12-bit FSN */
	f.ext_seq = true;
	EXPECT(mtp3_tcoc_decide, "§5.2 XCO with BSNT (12 bits)", &f,
	       CO_EV(MTP3_CO_EV_BSNT, .fsn = 0x1abc),
	       "send XCO slc=1 fsn=2748 via=co\n"
	       "changeover state WAIT_ACK\n"
	       "start T2\n");
	/* the BSNT answers only the changeover that asked for it */
	f = co_link(SG_MTP3_CO_WAIT_ACK);
	EXPECT(mtp3_tcoc_decide, "§5.2 late BSNT ignored", &f, CO_EV(MTP3_CO_EV_BSNT, .fsn = 12),
	       "");
}

/* §5.3.2, §5.4: COA (or a crossing COO) received: buffer updating from its FSN, then the
 * held traffic goes to the links now carrying its SLS, retrieved MSUs first */
static void test_co_coa(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_WAIT_ACK);

	EXPECT(mtp3_tcoc_decide, "§5.3.2 COA received", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COA, .fsn = 7),
	       CO_RETRIEVAL("T2", "7"));
	/* §5.4: both ends started at once: the far end's COO acknowledges ours */
	EXPECT(mtp3_tcoc_decide, "§5.4 crossing COO", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 9),
	       CO_RETRIEVAL("T2", "9"));
	f.co = SG_MTP3_CO_WAIT_T1;
	EXPECT(mtp3_tcoc_decide, "§5.4 COO during time-controlled changeover", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 9),
	       CO_RETRIEVAL("T1", "9"));
	f = co_link(SG_MTP3_CO_RETRIEVING);
	EXPECT(mtp3_tcoc_decide, "§5.4 retrieval complete", &f,
	       CO_EV(MTP3_CO_EV_RETRIEVAL_COMPLETE),
	       CO_OVER("yes")
	       "rebalance linkset\n");
	/* T17 ran out during the changeover: the link restarts now */
	f.restart_pending = true;
	EXPECT(mtp3_tcoc_decide, "§5.4 retrieval complete, restart deferred", &f,
	       CO_EV(MTP3_CO_EV_RETRIEVAL_COMPLETE),
	       CO_OVER("yes")
	       "SLM <- start\n"
	       "rebalance linkset\n");
	f = co_link(SG_MTP3_CO_RETRIEVING);
	EXPECT(mtp3_tcoc_decide, "§5.4 retrieval not possible", &f,
	       CO_EV(MTP3_CO_EV_RETRIEVAL_NOT_POSSIBLE),
	       CO_FLUSHED);
	/* §5.7: a COA nobody asked for */
	f = co_link(SG_MTP3_CO_NONE);
	EXPECT(mtp3_tcoc_decide, "§5.7 unexpected COA", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COA, .fsn = 7),
	       "log COA: unexpected in this changeover state, ignored\n");
}

/* §5.3.2: the far end starts: its COO makes the available link fail (and the changeover
 * start), and is answered with COA(BSNT) once our BSNT is known */
static void test_co_coo_received(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_NONE);

	f.state = SG_MTP3_LINK_AVAILABLE;
	EXPECT(mtp3_tcoc_decide, "§5.3.2 COO on an available link", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5),
	       "note COO fsn=5\n"
	       "SLM <- failed: changeover order received\n");
	f.state = SG_MTP3_LINK_TESTING;
	EXPECT(mtp3_tcoc_decide, "§5.3.2 COO on a link under test", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5),
	       "note COO fsn=5\n"
	       "SLM <- failed: changeover order received\n"
	       "TCOC <- link failed\n");
	f = co_link(SG_MTP3_CO_WAIT_BSNT);
	EXPECT(mtp3_tcoc_decide, "§5.3.2 COO while waiting for the BSNT", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5), "note COO fsn=5\n");
	f.order_rx = f.order_fsn_valid = true;
	f.order_fsn = 5;
	EXPECT(mtp3_tcoc_decide, "§5.3.2 COA answers the COO", &f,
	       CO_EV(MTP3_CO_EV_BSNT, .fsn = 40),
	       "send COA slc=1 fsn=40 via=co\n"
	       "changeover state RETRIEVING\n"
	       "L2 RETRIEVAL-REQUEST-AND-FSNC fsnc=5\n");
	f = co_link(SG_MTP3_CO_RETRIEVING);
	EXPECT(mtp3_tcoc_decide, "§5.3.2 COO while retrieving", &f,
	       CO_EV(MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5),
	       "log COO: received while retrieving, ignored\n");
}

/* §5.6.2: no path to the far end: time-controlled changeover (T1), no buffer updating;
 * §5.2: no COA within T2, the same */
static void test_co_time_controlled(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_WAIT_BSNT);

	f.path = false;
	EXPECT(mtp3_tcoc_decide, "§5.6.2 no path: T1", &f, CO_EV(MTP3_CO_EV_BSNT, .fsn = 12),
	       "changeover state WAIT_T1\n"
	       "start T1\n");
	f = co_link(SG_MTP3_CO_WAIT_T1);
	EXPECT(mtp3_tcoc_decide, "§5.6.2 T1 expiry", &f, CO_EV(MTP3_CO_EV_TIMEOUT),
	       CO_FLUSHED);
	f = co_link(SG_MTP3_CO_WAIT_ACK);
	EXPECT(mtp3_tcoc_decide, "§5.2 T2 expiry", &f, CO_EV(MTP3_CO_EV_TIMEOUT),
	       CO_FLUSHED);
	/* a timer that is not ours to handle any more */
	f = co_link(SG_MTP3_CO_RETRIEVING);
	EXPECT(mtp3_tcoc_decide, "§5.2 stale timeout", &f, CO_EV(MTP3_CO_EV_TIMEOUT), "");
}

/* §5.6.1: BSNT not retrievable: emergency changeover with ECO; ECA: no buffer updating */
static void test_co_emergency(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_WAIT_BSNT);

	EXPECT(mtp3_tcoc_decide, "§5.6.1 ECO", &f, CO_EV(MTP3_CO_EV_NO_BSNT),
	       "send ECO slc=1 via=co\n"
	       "changeover state WAIT_ACK\n"
	       "start T2\n");
	f = co_link(SG_MTP3_CO_WAIT_ACK);
	EXPECT(mtp3_tcoc_decide, "§5.6.1 ECA received", &f, CO_EV(MTP3_CO_EV_RX, SG_MTP3_ECA),
	       "L2 FLUSH-BUFFERS\n"
	       "stop T2\n"
	       CO_OVER("no")
	       "rebalance linkset\n");
	/* the far end's ECO: answered with COA(BSNT), but no FSN to retrieve from */
	f = co_link(SG_MTP3_CO_WAIT_BSNT);
	f.order_rx = true;
	EXPECT(mtp3_tcoc_decide, "§5.6.1 ECO received, answered", &f,
	       CO_EV(MTP3_CO_EV_BSNT, .fsn = 3),
	       "send COA slc=1 fsn=3 via=co\n"
	       CO_FLUSHED);
	/* neither BSNT: ECA */
	EXPECT(mtp3_tcoc_decide, "§5.6.1 ECO received, ECA", &f, CO_EV(MTP3_CO_EV_NO_BSNT),
	       "send ECA slc=1 via=co\n"
	       CO_FLUSHED);
}

/* §5.3.3, §5.6.2: remote processor outage: time-controlled diversion, given up when the
 * outage ends before T1 (the held SLS stay on the link) */
static void test_co_processor_outage(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_NONE);

	f.state = SG_MTP3_LINK_BLOCKED;
	EXPECT(mtp3_tcoc_decide, "§5.3.3 diversion on processor outage", &f,
	       CO_EV(MTP3_CO_EV_BLOCKED),
	       "hold sls=1,5,9,13\n"
	       "diversion for processor outage\n"
	       "changeover state WAIT_T1\n"
	       "start T1\n");
	f.co = SG_MTP3_CO_WAIT_T1;
	f.blocked = true;
	f.held = f.carried;
	EXPECT(mtp3_tcoc_decide, "§5.3.3 outage over before T1", &f, CO_EV(MTP3_CO_EV_UNBLOCKED),
	       "stop T1\n"
	       "changeover state NONE\n"
	       "resume sls=1,5,9,13\n");
	/* a real changeover (not a diversion) is not given up */
	f.blocked = false;
	EXPECT(mtp3_tcoc_decide, "§5.3.3 recovery during a changeover", &f,
	       CO_EV(MTP3_CO_EV_UNBLOCKED), "");
}

/* ---- changeback (TCBC) ---- */

/* the alternative link SLC 0 carries SLS 1 and 3 away from their home, SLC 1 */
static struct mtp3_cb_facts cb_link(void)
{
	struct mtp3_cb_facts f = {
		.state = SG_MTP3_LINK_AVAILABLE,
		.next_cbc = 4,
		.to_slc = 1,
		.retry_slc = -1,
	};

	mtp3_sls_add(&f.move, 1);
	mtp3_sls_add(&f.move, 3);
	return f;
}

/* §6.2: changeback declaration on the alternative link behind the diverted traffic; the CBA
 * with its code brings the SLS home */
static void test_cb_declaration(void)
{
	struct mtp3_cb_facts f = cb_link();

	EXPECT(mtp3_tcbc_decide, "§6.2 CBD", &f, CB_EV(MTP3_CB_EV_START),
	       "hold sls=1,3\n"
	       "changeback code=4\n"
	       "send CBD slc=1 code=4 via=link\n"
	       "start T4\n");
	f.move = (struct mtp3_sls_set){ { 0 } };
	f.to_slc = -1;
	EXPECT(mtp3_tcbc_decide, "§6.2 nothing to bring back", &f, CB_EV(MTP3_CB_EV_START), "");
	f = cb_link();
	f.pending = true;
	f.cbc = 4;
	EXPECT(mtp3_tcbc_decide, "§6.2 CBA received", &f, CB_EV(MTP3_CB_EV_CBA, .cbc = 4),
	       "stop T4\n"
	       "changeback done: CBA received\n"
	       "release held traffic (changeback)\n"
	       "rebalance linkset\n");
	EXPECT(mtp3_tcbc_decide, "§6.2 CBA of another changeback", &f,
	       CB_EV(MTP3_CB_EV_CBA, .cbc = 5), "");
	/* §6.3: the far end's CBD, acknowledged on the link it came on, else on the linkset */
	EXPECT(mtp3_tcbc_decide, "§6.3 CBD received", &f, CB_EV(MTP3_CB_EV_CBD, .slc = 2, .cbc = 9),
	       "send CBA slc=2 code=9 via=link\n");
	f.state = SG_MTP3_LINK_BLOCKED;
	EXPECT(mtp3_tcbc_decide, "§6.3 CBD on an unavailable link", &f,
	       CB_EV(MTP3_CB_EV_CBD, .slc = 2, .cbc = 9), "send CBA slc=2 code=9 via=linkset\n");
	f = cb_link();
	f.pending = true;
	f.cbc = 4;
	f.tries = 1;
	EXPECT(mtp3_tcbc_decide, "§6.2 cancelled: the link failed", &f, CB_EV(MTP3_CB_EV_CANCEL),
	       "stop T5\n"
	       "changeback cancelled\n");
}

/* §6.5: no CBA within T4: the CBD is repeated under T5; no CBA within T5 either: the traffic
 * goes back all the same */
static void test_cb_repeat(void)
{
	struct mtp3_cb_facts f = cb_link();

	f.pending = true;
	f.cbc = 4;
	f.retry_slc = 1;
	EXPECT(mtp3_tcbc_decide, "§6.5 T4 expiry", &f, CB_EV(MTP3_CB_EV_TIMEOUT),
	       "changeback second attempt\n"
	       "send CBD slc=1 code=4 via=link\n"
	       "start T5\n");
	f.tries = 1;
	EXPECT(mtp3_tcbc_decide, "§6.5 T5 expiry", &f, CB_EV(MTP3_CB_EV_TIMEOUT),
	       "changeback done: no CBA within T5\n"
	       "release held traffic (changeback)\n"
	       "rebalance linkset\n");
	EXPECT(mtp3_tcbc_decide, "§6.5 CBA during T5", &f, CB_EV(MTP3_CB_EV_CBA, .cbc = 4),
	       "stop T5\n"
	       "changeback done: CBA received\n"
	       "release held traffic (changeback)\n"
	       "rebalance linkset\n");
}

/* ---- signalling link management (SLM) ---- */

/* §12.2: activation (emergency alignment while no other link of the linkset is available),
 * in service, link test, available */
static void test_slm_activation(void)
{
	struct mtp3_slm_facts f = { .state = SG_MTP3_LINK_INACTIVE };

	EXPECT(mtp3_slm_decide, "§12.2 activation, first link", &f, SLM_EV(MTP3_SLM_EV_ACTIVATE),
	       "active yes\n"
	       "link state ALIGNING\n"
	       "L2 EMERGENCY\n"
	       "L2 START\n");
	f.other_avail = true;
	EXPECT(mtp3_slm_decide, "§12.2 activation, another link available", &f,
	       SLM_EV(MTP3_SLM_EV_ACTIVATE),
	       "active yes\n"
	       "link state ALIGNING\n"
	       "L2 EMERGENCY-CEASES\n"
	       "L2 START\n");
	f = (struct mtp3_slm_facts){ .state = SG_MTP3_LINK_ALIGNING, .active = true };
	EXPECT(mtp3_slm_decide, "§12.2 in service: link test", &f, SLM_EV(MTP3_SLM_EV_IN_SERVICE),
	       "link state TESTING\n"
	       "link test start\n");
	EXPECT(mtp3_slm_decide, "§12.2 alignment failed: T17", &f,
	       SLM_EV(MTP3_SLM_EV_OUT_OF_SERVICE, "alignment failure"),
	       "link state FAILED\n"
	       "start T17\n");
	f.state = SG_MTP3_LINK_TESTING;
	EXPECT(mtp3_slm_decide, "§12.2 link test passed", &f, SLM_EV(MTP3_SLM_EV_AVAILABLE),
	       "link state AVAILABLE\n"
	       "update linkset\n"
	       "rebalance linkset\n");
	/* MTP2 in service although management deactivated the link */
	f.state = SG_MTP3_LINK_INACTIVE;
	EXPECT(mtp3_slm_decide, "§12.2 in service while inactive", &f,
	       SLM_EV(MTP3_SLM_EV_IN_SERVICE), "L2 STOP\n");
}

/* §12.2 restoration: a failed available link changes over and restarts after T17, not while
 * its changeover still has to retrieve from MTP2 */
static void test_slm_restoration(void)
{
	struct mtp3_slm_facts f = {
		.state = SG_MTP3_LINK_AVAILABLE, .active = true, .cb_pending = true};

	EXPECT(mtp3_slm_decide, "§12.2 available link fails", &f,
	       SLM_EV(MTP3_SLM_EV_OUT_OF_SERVICE, "SUERM threshold"),
	       "log failed: SUERM threshold\n"
	       "link state FAILED\n"
	       "count link:fail\n"
	       "link test stop\n"
	       "L2 STOP\n"
	       "start T17\n"
	       "TCBC <- cancel\n"
	       "TCOC <- link failed\n"
	       "update linkset\n"
	       "rebalance linkset\n"
	       "check inhibiting\n");
	f = (struct mtp3_slm_facts){ .state = SG_MTP3_LINK_FAILED, .active = true };
	EXPECT(mtp3_slm_decide, "§12.2 a failed link fails no more", &f,
	       SLM_EV(MTP3_SLM_EV_FAILED, "signalling link test failed twice"), "");
	EXPECT(mtp3_slm_decide, "§12.2 T17: restart", &f, SLM_EV(MTP3_SLM_EV_T17),
	       "link state ALIGNING\n"
	       "L2 EMERGENCY\n"
	       "L2 START\n");
	f.co_running = true;
	EXPECT(mtp3_slm_decide, "§12.2 T17 during changeover: deferred", &f,
	       SLM_EV(MTP3_SLM_EV_T17), "restart pending yes\n");
	f = (struct mtp3_slm_facts){ .state = SG_MTP3_LINK_FAILED, .active = true,
				     .restart_pending = true, .other_avail = true };
	EXPECT(mtp3_slm_decide, "§12.2 deferred restart", &f, SLM_EV(MTP3_SLM_EV_START),
	       "restart pending no\n"
	       "link state ALIGNING\n"
	       "L2 EMERGENCY-CEASES\n"
	       "L2 START\n");
}

/* §12.2 deactivation: the link's traffic changes over, no restart */
static void test_slm_deactivation(void)
{
	struct mtp3_slm_facts f = { .state = SG_MTP3_LINK_AVAILABLE, .active = true };

	EXPECT(mtp3_slm_decide, "§12.2 deactivation of an available link", &f,
	       SLM_EV(MTP3_SLM_EV_DEACTIVATE),
	       "active no\n"
	       "log failed: deactivated\n"
	       "link state FAILED\n"
	       "count link:fail\n"
	       "link test stop\n"
	       "L2 STOP\n"
	       "TCOC <- link failed\n"
	       "update linkset\n"
	       "rebalance linkset\n"
	       "check inhibiting\n"
	       "link state INACTIVE\n");
	f = (struct mtp3_slm_facts){
		.state = SG_MTP3_LINK_FAILED, .active = true, .t17_running = true};
	EXPECT(mtp3_slm_decide, "§12.2 deactivation of a failed link", &f,
	       SLM_EV(MTP3_SLM_EV_DEACTIVATE),
	       "active no\n"
	       "stop T17\n"
	       "L2 STOP\n"
	       "link state INACTIVE\n");
	/* activation again while T17 runs: T17 restarts it */
	EXPECT(mtp3_slm_decide, "§12.2 activation while T17 runs", &f, SLM_EV(MTP3_SLM_EV_ACTIVATE),
	       "active yes\n");
}

/* §3.2.6: remote processor outage blocks the link; its traffic is diverted (TCOC) */
static void test_slm_processor_outage(void)
{
	struct mtp3_slm_facts f = { .state = SG_MTP3_LINK_AVAILABLE, .active = true };

	EXPECT(mtp3_slm_decide, "§3.2.6 remote processor outage", &f, SLM_EV(MTP3_SLM_EV_RPO),
	       "log remote processor outage: link blocked\n"
	       "link state BLOCKED\n"
	       "count link:rpo\n"
	       "link test stop\n"
	       "TCOC <- remote processor outage\n"
	       "update linkset\n"
	       "rebalance linkset\n"
	       "check inhibiting\n");
	f.state = SG_MTP3_LINK_BLOCKED;
	EXPECT(mtp3_slm_decide, "§3.2.6 remote processor recovered", &f, SLM_EV(MTP3_SLM_EV_RPR),
	       "log remote processor recovered: link unblocked\n"
	       "TCOC <- remote processor recovered\n"
	       "link state AVAILABLE\n"
	       "update linkset\n"
	       "rebalance linkset\n"
	       "link test start\n");
	f.state = SG_MTP3_LINK_TESTING;
	EXPECT(mtp3_slm_decide, "§3.2.6 outage of a link not available", &f,
	       SLM_EV(MTP3_SLM_EV_RPO),
	       "log remote processor outage: ignored, the link is not available\n");
}

/* The test itself: a trace that differs is reported (a list the check must reject) */
static void test_check_rejects(void)
{
	struct mtp3_cmds c = { .n = 0 };
	char buf[256];

	mtp3_cmd_timer(&c, true, SG_MTP3_T2);
	CU_ASSERT_STRING_EQUAL(mtp3_cmds_render(&c, buf, sizeof(buf)), "start T2\n");
	mtp3_cmd_timer(&c, false, SG_MTP3_T1);
	CU_ASSERT_STRING_EQUAL(mtp3_cmds_render(&c, buf, sizeof(buf)), "start T2\nstop T1\n");
	/* a small buffer is cut, not overrun */
	CU_ASSERT_STRING_EQUAL(mtp3_cmds_render(&c, buf, 6), "start");
}

static const struct cu_test tests[] = {
	{ "changeover initiation (5.2)", test_co_initiation },
	{ "COA or crossing COO received, retrieval (5.3.2, 5.4)", test_co_coa },
	{ "COO received (5.3.2)", test_co_coo_received },
	{ "time-controlled changeover T1/T2 (5.6.2, 5.2)", test_co_time_controlled },
	{ "emergency changeover ECO/ECA (5.6.1)", test_co_emergency },
	{ "processor outage diversion (5.3.3)", test_co_processor_outage },
	{ "changeback CBD/CBA (6.2, 6.3)", test_cb_declaration },
	{ "changeback repeated, T4/T5 (6.5)", test_cb_repeat },
	{ "link activation (12.2)", test_slm_activation },
	{ "link restoration, T17 (12.2)", test_slm_restoration },
	{ "link deactivation (12.2)", test_slm_deactivation },
	{ "remote processor outage (3.2.6)", test_slm_processor_outage },
	{ "trace rendering", test_check_rejects },
	{ NULL, NULL }
};

int main(void)
{
	return cu_run_suite("mtp3_decide", tests, NULL, NULL);
}
