/* Expected-trace tests of MTP3's decisions (mtp/mtp3_cmd.h): changeover (Q.704 §5),
 * changeback (§6) and signalling link management (§12) fed the key Q.704 scenarios; the
 * command lists they return, one line per command, must match the trace written here. */

#include <stdio.h>
#include <string.h>

#include "../../mtp/mtp3_cmd.h"
#include "cu_main.h"

#define TRACE_MAX 4096

/* Compare the rendered command list with the expected lines (NULL-terminated); on a
 * mismatch both traces go to stderr. */
static void check_trace(const char *scenario, const struct mtp3_cmds *c,
			const char *const expect[])
{
	static char got[TRACE_MAX], want[TRACE_MAX];
	size_t n = 0;

	want[0] = '\0';
	for (unsigned int i = 0; expect[i]; i++)
		n += snprintf(want + n, sizeof(want) - n, "%s\n", expect[i]);
	mtp3_cmds_render(c, got, sizeof(got));
	if (strcmp(got, want)) {
		fprintf(stderr, "\n%s: trace differs\n--- expected\n%s--- got\n%s---\n", scenario,
			want, got);
		CU_FAIL(scenario);
		return;
	}
	CU_PASS(scenario);
}

static const char *const nothing[] = { NULL };

/* ---- changeover (TCOC) ---- */

/* link SLC 1 of a linkset, available until now, carrying SLS 1, 5, 9 and 13 */
static struct mtp3_co_facts co_link(enum sg_mtp3_co_state co)
{
	struct mtp3_co_facts f = {
		.co = co, .state = SG_MTP3_LINK_FAILED, .slc = 1, .active = true, .path = true,
	};

	for (unsigned int s = 1; s < 16; s += 4)
		mtp3_sls_add(&f.carried, s);
	return f;
}

static void co_run(const char *scenario, const struct mtp3_co_facts *f,
		   struct mtp3_co_ev ev, const char *const expect[])
{
	struct mtp3_cmds c = { .n = 0 };

	mtp3_tcoc_decide(f, &ev, &c);
	check_trace(scenario, &c, expect);
}

/* §5.2: the link failed: traffic held, BSNT asked for; with the BSNT, COO on another link
 * of the linkset and T2 (§5.2.2) */
static void test_co_initiation(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_NONE);

	co_run("§5.2 changeover initiation", &f, (struct mtp3_co_ev){ MTP3_CO_EV_START },
	       (const char *const[]){ "hold sls=1,5,9,13", "changeover state WAIT_BSNT",
				      "L2 RETRIEVE-BSNT", NULL });
	f = co_link(SG_MTP3_CO_WAIT_BSNT);
	co_run("§5.2 COO with BSNT", &f, (struct mtp3_co_ev){ MTP3_CO_EV_BSNT, .fsn = 12 },
	       (const char *const[]){ "send COO slc=1 fsn=12 via=co", "changeover state WAIT_ACK",
				      "start T2", NULL });
	/* the BSNT is 7 bits: a wider value from MTP2 is cut */
	co_run("§5.2 COO with BSNT (7 bits)", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_BSNT, .fsn = 0x80 + 3 },
	       (const char *const[]){ "send COO slc=1 fsn=3 via=co", "changeover state WAIT_ACK",
				      "start T2", NULL });
	/* Annex A link: XCO with 12-bit FSN */
	f.ext_seq = true;
	co_run("§5.2 XCO with BSNT (12 bits)", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_BSNT, .fsn = 0x1abc },
	       (const char *const[]){ "send XCO slc=1 fsn=2748 via=co", "changeover state WAIT_ACK",
				      "start T2", NULL });
	/* the BSNT answers only the changeover that asked for it */
	f = co_link(SG_MTP3_CO_WAIT_ACK);
	co_run("§5.2 late BSNT ignored", &f, (struct mtp3_co_ev){ MTP3_CO_EV_BSNT, .fsn = 12 },
	       nothing);
}

/* §5.3.2, §5.4: COA received: buffer updating from its FSN, then the held traffic goes to
 * the links now carrying its SLS, retrieved MSUs first */
static void test_co_coa(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_WAIT_ACK);

	co_run("§5.3.2 COA received", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COA, .fsn = 7 },
	       (const char *const[]){ "stop T2", "changeover state RETRIEVING",
				      "L2 RETRIEVAL-REQUEST-AND-FSNC fsnc=7", NULL });
	f = co_link(SG_MTP3_CO_RETRIEVING);
	co_run("§5.4 retrieval complete", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RETRIEVAL_COMPLETE },
	       (const char *const[]){ "changeover state NONE", "changeover done, buffer updating yes",
				      "release held traffic, retrieved MSUs first",
				      "rebalance linkset", NULL });
	/* T17 ran out during the changeover: the link restarts now */
	f.restart_pending = true;
	co_run("§5.4 retrieval complete, restart deferred", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RETRIEVAL_COMPLETE },
	       (const char *const[]){ "changeover state NONE", "changeover done, buffer updating yes",
				      "release held traffic, retrieved MSUs first", "SLM <- start",
				      "rebalance linkset", NULL });
	f = co_link(SG_MTP3_CO_RETRIEVING);
	co_run("§5.4 retrieval not possible", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RETRIEVAL_NOT_POSSIBLE },
	       (const char *const[]){ "L2 FLUSH-BUFFERS", "changeover state NONE",
				      "changeover done, buffer updating no",
				      "release held traffic, retrieved MSUs first",
				      "rebalance linkset", NULL });
	/* §5.7: a COA nobody asked for */
	f = co_link(SG_MTP3_CO_NONE);
	co_run("§5.7 unexpected COA", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COA, .fsn = 7 },
	       (const char *const[]){ "log COA: unexpected in this changeover state, ignored",
				      NULL });
}

/* §5.3.2: the far end starts: its COO makes the available link fail (and the changeover
 * start), and is answered with COA(BSNT) once our BSNT is known */
static void test_co_coo_received(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_NONE);

	f.state = SG_MTP3_LINK_AVAILABLE;
	co_run("§5.3.2 COO on an available link", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5 },
	       (const char *const[]){ "note COO fsn=5", "SLM <- failed: changeover order received",
				      NULL });
	f.state = SG_MTP3_LINK_TESTING;
	co_run("§5.3.2 COO on a link under test", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5 },
	       (const char *const[]){ "note COO fsn=5", "SLM <- failed: changeover order received",
				      "TCOC <- link failed", NULL });
	f = co_link(SG_MTP3_CO_WAIT_BSNT);
	co_run("§5.3.2 COO while waiting for the BSNT", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5 },
	       (const char *const[]){ "note COO fsn=5", NULL });
	f.order_rx = f.order_fsn_valid = true;
	f.order_fsn = 5;
	co_run("§5.3.2 COA answers the COO", &f, (struct mtp3_co_ev){ MTP3_CO_EV_BSNT, .fsn = 40 },
	       (const char *const[]){ "send COA slc=1 fsn=40 via=co", "changeover state RETRIEVING",
				      "L2 RETRIEVAL-REQUEST-AND-FSNC fsnc=5", NULL });
	f = co_link(SG_MTP3_CO_RETRIEVING);
	co_run("§5.3.2 COO while retrieving", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 5 },
	       (const char *const[]){ "log COO: received while retrieving, ignored", NULL });
}

/* §5.4: both ends start at once: the far end's COO acknowledges ours */
static void test_co_crossing(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_WAIT_ACK);

	co_run("§5.4 crossing COO", &f, (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 9 },
	       (const char *const[]){ "stop T2", "changeover state RETRIEVING",
				      "L2 RETRIEVAL-REQUEST-AND-FSNC fsnc=9", NULL });
	f = co_link(SG_MTP3_CO_WAIT_T1);
	co_run("§5.4 COO during time-controlled changeover", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_COO, .fsn = 9 },
	       (const char *const[]){ "stop T1", "changeover state RETRIEVING",
				      "L2 RETRIEVAL-REQUEST-AND-FSNC fsnc=9", NULL });
}

/* §5.6.2: no path to the far end: time-controlled changeover (T1), no buffer updating;
 * §5.2: no COA within T2, the same */
static void test_co_time_controlled(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_WAIT_BSNT);

	f.path = false;
	co_run("§5.6.2 no path: T1", &f, (struct mtp3_co_ev){ MTP3_CO_EV_BSNT, .fsn = 12 },
	       (const char *const[]){ "changeover state WAIT_T1", "start T1", NULL });
	f = co_link(SG_MTP3_CO_WAIT_T1);
	co_run("§5.6.2 T1 expiry", &f, (struct mtp3_co_ev){ MTP3_CO_EV_TIMEOUT },
	       (const char *const[]){ "L2 FLUSH-BUFFERS", "changeover state NONE",
				      "changeover done, buffer updating no",
				      "release held traffic, retrieved MSUs first",
				      "rebalance linkset", NULL });
	f = co_link(SG_MTP3_CO_WAIT_ACK);
	co_run("§5.2 T2 expiry", &f, (struct mtp3_co_ev){ MTP3_CO_EV_TIMEOUT },
	       (const char *const[]){ "L2 FLUSH-BUFFERS", "changeover state NONE",
				      "changeover done, buffer updating no",
				      "release held traffic, retrieved MSUs first",
				      "rebalance linkset", NULL });
	/* a timer that is not ours to handle any more */
	f = co_link(SG_MTP3_CO_RETRIEVING);
	co_run("§5.2 stale timeout", &f, (struct mtp3_co_ev){ MTP3_CO_EV_TIMEOUT }, nothing);
}

/* §5.6.1: BSNT not retrievable: emergency changeover with ECO; ECA: no buffer updating */
static void test_co_emergency(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_WAIT_BSNT);

	co_run("§5.6.1 ECO", &f, (struct mtp3_co_ev){ MTP3_CO_EV_NO_BSNT },
	       (const char *const[]){ "send ECO slc=1 via=co", "changeover state WAIT_ACK",
				      "start T2", NULL });
	f = co_link(SG_MTP3_CO_WAIT_ACK);
	co_run("§5.6.1 ECA received", &f, (struct mtp3_co_ev){ MTP3_CO_EV_RX, SG_MTP3_ECA },
	       (const char *const[]){ "L2 FLUSH-BUFFERS", "stop T2", "changeover state NONE",
				      "changeover done, buffer updating no",
				      "release held traffic, retrieved MSUs first",
				      "rebalance linkset", NULL });
	/* the far end's ECO: answered with COA(BSNT), but no FSN to retrieve from */
	f = co_link(SG_MTP3_CO_WAIT_BSNT);
	f.order_rx = true;
	co_run("§5.6.1 ECO received, answered", &f, (struct mtp3_co_ev){ MTP3_CO_EV_BSNT, .fsn = 3 },
	       (const char *const[]){ "send COA slc=1 fsn=3 via=co", "L2 FLUSH-BUFFERS",
				      "changeover state NONE", "changeover done, buffer updating no",
				      "release held traffic, retrieved MSUs first",
				      "rebalance linkset", NULL });
	/* neither BSNT: ECA */
	co_run("§5.6.1 ECO received, ECA", &f, (struct mtp3_co_ev){ MTP3_CO_EV_NO_BSNT },
	       (const char *const[]){ "send ECA slc=1 via=co", "L2 FLUSH-BUFFERS",
				      "changeover state NONE", "changeover done, buffer updating no",
				      "release held traffic, retrieved MSUs first",
				      "rebalance linkset", NULL });
}

/* §5.3.3, §5.6.2: remote processor outage: time-controlled diversion, given up when the
 * outage ends before T1 (the held SLS stay on the link) */
static void test_co_processor_outage(void)
{
	struct mtp3_co_facts f = co_link(SG_MTP3_CO_NONE);

	f.state = SG_MTP3_LINK_BLOCKED;
	co_run("§5.3.3 diversion on processor outage", &f, (struct mtp3_co_ev){ MTP3_CO_EV_BLOCKED },
	       (const char *const[]){ "hold sls=1,5,9,13", "diversion for processor outage",
				      "changeover state WAIT_T1", "start T1", NULL });
	f.co = SG_MTP3_CO_WAIT_T1;
	f.blocked = true;
	f.held = f.carried;
	co_run("§5.3.3 outage over before T1", &f, (struct mtp3_co_ev){ MTP3_CO_EV_UNBLOCKED },
	       (const char *const[]){ "stop T1", "changeover state NONE", "resume sls=1,5,9,13",
				      NULL });
	/* a real changeover (not a diversion) is not given up */
	f.blocked = false;
	co_run("§5.3.3 recovery during a changeover", &f,
	       (struct mtp3_co_ev){ MTP3_CO_EV_UNBLOCKED }, nothing);
}

/* ---- changeback (TCBC) ---- */

/* the alternative link SLC 0 carries SLS 1 and 3 away from their home, SLC 1 */
static struct mtp3_cb_facts cb_link(void)
{
	struct mtp3_cb_facts f = {
		.state = SG_MTP3_LINK_AVAILABLE, .next_cbc = 4, .to_slc = 1, .retry_slc = -1,
	};

	mtp3_sls_add(&f.move, 1);
	mtp3_sls_add(&f.move, 3);
	return f;
}

static void cb_run(const char *scenario, const struct mtp3_cb_facts *f, struct mtp3_cb_ev ev,
		   const char *const expect[])
{
	struct mtp3_cmds c = { .n = 0 };

	mtp3_tcbc_decide(f, &ev, &c);
	check_trace(scenario, &c, expect);
}

/* §6.2: changeback declaration on the alternative link behind the diverted traffic; the CBA
 * with its code brings the SLS home */
static void test_cb_declaration(void)
{
	struct mtp3_cb_facts f = cb_link();

	cb_run("§6.2 CBD", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_START },
	       (const char *const[]){ "hold sls=1,3", "changeback code=4",
				      "send CBD slc=1 code=4 via=link", "start T4", NULL });
	f.move = (struct mtp3_sls_set){ { 0 } };
	f.to_slc = -1;
	cb_run("§6.2 nothing to bring back", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_START }, nothing);
	f = cb_link();
	f.pending = true;
	f.cbc = 4;
	cb_run("§6.2 CBA received", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_CBA, .cbc = 4 },
	       (const char *const[]){ "stop T4", "changeback done: CBA received",
				      "release held traffic (changeback)", "rebalance linkset", NULL });
	cb_run("§6.2 CBA of another changeback", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_CBA, .cbc = 5 },
	       nothing);
	/* §6.3: the far end's CBD, acknowledged on the link it came on, else on the linkset */
	cb_run("§6.3 CBD received", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_CBD, .slc = 2, .cbc = 9 },
	       (const char *const[]){ "send CBA slc=2 code=9 via=link", NULL });
	f.state = SG_MTP3_LINK_BLOCKED;
	cb_run("§6.3 CBD on an unavailable link", &f,
	       (struct mtp3_cb_ev){ MTP3_CB_EV_CBD, .slc = 2, .cbc = 9 },
	       (const char *const[]){ "send CBA slc=2 code=9 via=linkset", NULL });
	f = cb_link();
	f.pending = true;
	f.cbc = 4;
	f.tries = 1;
	cb_run("§6.2 cancelled: the link failed", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_CANCEL },
	       (const char *const[]){ "stop T5", "changeback cancelled", NULL });
}

/* §6.5: no CBA within T4: the CBD is repeated under T5; no CBA within T5 either: the traffic
 * goes back all the same */
static void test_cb_repeat(void)
{
	struct mtp3_cb_facts f = cb_link();

	f.pending = true;
	f.cbc = 4;
	f.retry_slc = 1;
	cb_run("§6.5 T4 expiry", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_TIMEOUT },
	       (const char *const[]){ "changeback second attempt", "send CBD slc=1 code=4 via=link",
				      "start T5", NULL });
	f.tries = 1;
	cb_run("§6.5 T5 expiry", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_TIMEOUT },
	       (const char *const[]){ "changeback done: no CBA within T5",
				      "release held traffic (changeback)", "rebalance linkset", NULL });
	cb_run("§6.5 CBA during T5", &f, (struct mtp3_cb_ev){ MTP3_CB_EV_CBA, .cbc = 4 },
	       (const char *const[]){ "stop T5", "changeback done: CBA received",
				      "release held traffic (changeback)", "rebalance linkset", NULL });
}

/* ---- signalling link management (SLM) ---- */

static void slm_run(const char *scenario, const struct mtp3_slm_facts *f,
		    struct mtp3_slm_ev ev, const char *const expect[])
{
	struct mtp3_cmds c = { .n = 0 };

	mtp3_slm_decide(f, &ev, &c);
	check_trace(scenario, &c, expect);
}

/* §12.2: activation (emergency alignment while no other link of the linkset is available),
 * in service, link test, available */
static void test_slm_activation(void)
{
	struct mtp3_slm_facts f = { .state = SG_MTP3_LINK_INACTIVE };

	slm_run("§12.2 activation, first link", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_ACTIVATE },
		(const char *const[]){ "active yes", "link state ALIGNING", "L2 EMERGENCY",
				       "L2 START", NULL });
	f.other_avail = true;
	slm_run("§12.2 activation, another link available", &f,
		(struct mtp3_slm_ev){ MTP3_SLM_EV_ACTIVATE },
		(const char *const[]){ "active yes", "link state ALIGNING", "L2 EMERGENCY-CEASES",
				       "L2 START", NULL });
	f = (struct mtp3_slm_facts){ .state = SG_MTP3_LINK_ALIGNING, .active = true };
	slm_run("§12.2 in service: link test", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_IN_SERVICE },
		(const char *const[]){ "link state TESTING", "link test start", NULL });
	slm_run("§12.2 alignment failed: T17", &f,
		(struct mtp3_slm_ev){ MTP3_SLM_EV_OUT_OF_SERVICE, "alignment failure" },
		(const char *const[]){ "link state FAILED", "start T17", NULL });
	f.state = SG_MTP3_LINK_TESTING;
	slm_run("§12.2 link test passed", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_AVAILABLE },
		(const char *const[]){ "link state AVAILABLE", "update linkset", "rebalance linkset",
				       NULL });
	/* MTP2 in service although management deactivated the link */
	f.state = SG_MTP3_LINK_INACTIVE;
	slm_run("§12.2 in service while inactive", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_IN_SERVICE },
		(const char *const[]){ "L2 STOP", NULL });
}

/* §12.2 restoration: a failed available link changes over and restarts after T17, not while
 * its changeover still has to retrieve from MTP2 */
static void test_slm_restoration(void)
{
	struct mtp3_slm_facts f = { .state = SG_MTP3_LINK_AVAILABLE, .active = true,
				    .cb_pending = true };

	slm_run("§12.2 available link fails", &f,
		(struct mtp3_slm_ev){ MTP3_SLM_EV_OUT_OF_SERVICE, "SUERM threshold" },
		(const char *const[]){ "log failed: SUERM threshold", "link state FAILED",
				       "count link:fail", "link test stop", "L2 STOP", "start T17",
				       "TCBC <- cancel", "TCOC <- link failed", "update linkset",
				       "rebalance linkset", "check inhibiting", NULL });
	f = (struct mtp3_slm_facts){ .state = SG_MTP3_LINK_FAILED, .active = true };
	slm_run("§12.2 a failed link fails no more", &f,
		(struct mtp3_slm_ev){ MTP3_SLM_EV_FAILED, "signalling link test failed twice" },
		nothing);
	slm_run("§12.2 T17: restart", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_T17 },
		(const char *const[]){ "link state ALIGNING", "L2 EMERGENCY", "L2 START", NULL });
	f.co_running = true;
	slm_run("§12.2 T17 during changeover: deferred", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_T17 },
		(const char *const[]){ "restart pending yes", NULL });
	f = (struct mtp3_slm_facts){ .state = SG_MTP3_LINK_FAILED, .active = true,
				     .restart_pending = true, .other_avail = true };
	slm_run("§12.2 deferred restart", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_START },
		(const char *const[]){ "restart pending no", "link state ALIGNING",
				       "L2 EMERGENCY-CEASES", "L2 START", NULL });
}

/* §12.2 deactivation: the link's traffic changes over, no restart */
static void test_slm_deactivation(void)
{
	struct mtp3_slm_facts f = { .state = SG_MTP3_LINK_AVAILABLE, .active = true };

	slm_run("§12.2 deactivation of an available link", &f,
		(struct mtp3_slm_ev){ MTP3_SLM_EV_DEACTIVATE },
		(const char *const[]){ "active no", "log failed: deactivated", "link state FAILED",
				       "count link:fail", "link test stop", "L2 STOP",
				       "TCOC <- link failed", "update linkset", "rebalance linkset",
				       "check inhibiting", "link state INACTIVE", NULL });
	f = (struct mtp3_slm_facts){ .state = SG_MTP3_LINK_FAILED, .active = true,
				     .t17_running = true };
	slm_run("§12.2 deactivation of a failed link", &f,
		(struct mtp3_slm_ev){ MTP3_SLM_EV_DEACTIVATE },
		(const char *const[]){ "active no", "stop T17", "L2 STOP", "link state INACTIVE",
				       NULL });
	/* activation again while T17 runs: T17 restarts it */
	slm_run("§12.2 activation while T17 runs", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_ACTIVATE },
		(const char *const[]){ "active yes", NULL });
}

/* §3.2.6: remote processor outage blocks the link; its traffic is diverted (TCOC) */
static void test_slm_processor_outage(void)
{
	struct mtp3_slm_facts f = { .state = SG_MTP3_LINK_AVAILABLE, .active = true };

	slm_run("§3.2.6 remote processor outage", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_RPO },
		(const char *const[]){ "log remote processor outage: link blocked",
				       "link state BLOCKED", "count link:rpo", "link test stop",
				       "TCOC <- remote processor outage", "update linkset",
				       "rebalance linkset", "check inhibiting", NULL });
	f.state = SG_MTP3_LINK_BLOCKED;
	slm_run("§3.2.6 remote processor recovered", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_RPR },
		(const char *const[]){ "log remote processor recovered: link unblocked",
				       "TCOC <- remote processor recovered", "link state AVAILABLE",
				       "update linkset", "rebalance linkset", "link test start",
				       NULL });
	f.state = SG_MTP3_LINK_TESTING;
	slm_run("§3.2.6 outage of a link not available", &f, (struct mtp3_slm_ev){ MTP3_SLM_EV_RPO },
		(const char *const[]){
			"log remote processor outage: ignored, the link is not available", NULL });
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
	{ "COA received, retrieval (5.3.2, 5.4)", test_co_coa },
	{ "COO received (5.3.2)", test_co_coo_received },
	{ "crossing changeover orders (5.4)", test_co_crossing },
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
