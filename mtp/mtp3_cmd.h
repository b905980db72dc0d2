/* MTP3 decide, then act: command lists of changeover (TCOC, Q.704 §5), changeback (TCBC, §6)
 * and signalling link management (SLM, §12). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sg/l2_sap.h>
#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

/*
 * Each of the three procedures handles an event in two steps (the way Linux SCTP's state
 * functions queue side effects for sm_sideeffect.c):
 *   decide: mtp3_{tcoc,tcbc,slm}_decide(facts, event, cmds), a pure function of the link's
 *           procedure state and the facts it reads (a snapshot taken by the caller), that
 *           appends what to do to a command list: no I/O, no timers, no log, no counter;
 *   act:    mtp3_act(link, cmds) carries the list out in order (the only place where these
 *           procedures change state, start timers, talk to MTP2 or send messages).
 * An event for another procedure is a command too (MTP3_CMD_TO_*): acting on it runs that
 * procedure's decide and act.  tests/unit/test_mtp3_decide.c renders the lists as text
 * (mtp3_cmds_render) and compares them with the expected trace of each Q.704 scenario.
 */

#define MTP3_CMDS_MAX		24
#define MTP3_SLS_WORDS		4	/* 256 SLS (ANSI 8-bit) */

/* A set of SLS values */
struct mtp3_sls_set {
	uint64_t w[MTP3_SLS_WORDS];
};

static inline void mtp3_sls_add(struct mtp3_sls_set *s, unsigned int sls)
{
	s->w[sls / 64] |= 1ULL << (sls % 64);
}

static inline bool mtp3_sls_has(const struct mtp3_sls_set *s, unsigned int sls)
{
	return s->w[sls / 64] & (1ULL << (sls % 64));
}

static inline bool mtp3_sls_empty(const struct mtp3_sls_set *s)
{
	for (unsigned int i = 0; i < MTP3_SLS_WORDS; i++)
		if (s->w[i])
			return false;
	return true;
}

/* How a network management message goes out */
enum mtp3_via {
	MTP3_VIA_CO,		/* another link of the linkset, else via an STP (§5.2, §5.4.1) */
	MTP3_VIA_LINK,		/* on the link itself (CBD behind the diverted traffic, CBA) */
	MTP3_VIA_LINKSET,	/* any available link of the linkset */
};

enum mtp3_cmd_type {
	/* state of the link's procedures */
	MTP3_CMD_LINK_STATE,	/* .state: signalling link state (SLM, logged) */
	MTP3_CMD_ACTIVE,	/* .flag: link activated by management */
	MTP3_CMD_RESTART_PENDING, /* .flag: restart deferred until the changeover ends */
	MTP3_CMD_CO_STATE,	/* .state: changeover state (logged) */
	MTP3_CMD_CO_ORDER,	/* .snm: COO/XCO (FSN) or ECO received, answered with the BSNT */
	MTP3_CMD_CO_DIVERT,	/* the changeover is a diversion for a remote processor outage */
	MTP3_CMD_CO_DONE,	/* .flag: changeover over (with buffer updating): counted, logged */
	MTP3_CMD_CB_BEGIN,	/* .snm.cbc: changeback pending with this code */
	MTP3_CMD_CB_RETRY,	/* second changeback attempt */
	MTP3_CMD_CB_DONE,	/* .why: changeback over: counted, logged */
	MTP3_CMD_CB_CANCEL,	/* changeback abandoned */
	/* timers, MTP2, messages */
	MTP3_CMD_START_TIMER,	/* .timer */
	MTP3_CMD_STOP_TIMER,	/* .timer */
	MTP3_CMD_L2,		/* .l2: request to MTP2 */
	MTP3_CMD_SEND,		/* .snm: network management message */
	/* traffic of the linkset */
	MTP3_CMD_HOLD,		/* .sls: hold these SLS (their MSUs are queued) */
	MTP3_CMD_RESUME,	/* .sls: held SLS carry on on this link (outage over before T1) */
	MTP3_CMD_RELEASE,	/* .flag (changeback): the link's held SLS go to their links now,
				 * retrieved MSUs first, then the queued ones */
	MTP3_CMD_REBALANCE,	/* SLS without a link get one; changebacks start */
	/* the other procedures */
	MTP3_CMD_TO_TCOC,	/* .to.ev: enum mtp3_co_event for changeover control */
	MTP3_CMD_TO_TCBC,	/* .to.ev: enum mtp3_cb_event for changeback control */
	MTP3_CMD_TO_SLM,	/* .to: enum mtp3_slm_event (and why) for link management */
	MTP3_CMD_SLT,		/* .flag: signalling link test started / stopped (SLTC, Q.707) */
	MTP3_CMD_LS_UPDATE,	/* linkset availability, TRA, routes (Q.704 §9, §13) */
	MTP3_CMD_TLAC_CHECK,	/* the linkset lost an uninhibited link (§10.3) */
	MTP3_CMD_COUNT,		/* .ctr: enum sg_mtp3_ctr, on the link, its linkset, the SP */
	MTP3_CMD_LOG,		/* .log: "what: why" */
};

struct mtp3_cmd {
	enum mtp3_cmd_type type;
	union {
		int state;
		bool flag;
		enum sg_mtp3_timer timer;
		unsigned int ctr;
		const char *why;
		struct {
			enum sg_mtp2_prim prim;
			uint16_t fsnc;		/* RETRIEVAL REQUEST AND FSNC */
		} l2;
		struct {
			uint8_t heading;	/* enum sg_mtp3_snm_type */
			uint8_t slc;
			uint8_t cbc;
			uint16_t fsn;
			enum mtp3_via via;
		} snm;
		struct {
			int ev;
			const char *why;
		} to;
		struct {
			int level;
			const char *what, *why;
		} log;
		struct mtp3_sls_set sls;
	};
};

struct mtp3_cmds {
	const char *proc;		/* "TCOC", "TCBC", "SLM" (debug log of mtp3_act) */
	unsigned int n;
	struct mtp3_cmd cmd[MTP3_CMDS_MAX];
};

/* A new zeroed command at the end of c (more than MTP3_CMDS_MAX: a bug, aborts). */
struct mtp3_cmd *mtp3_cmd_add(struct mtp3_cmds *c, enum mtp3_cmd_type type);
void mtp3_cmd_timer(struct mtp3_cmds *c, bool start, enum sg_mtp3_timer t);
void mtp3_cmd_l2(struct mtp3_cmds *c, enum sg_mtp2_prim prim, uint16_t fsnc);
void mtp3_cmd_state(struct mtp3_cmds *c, enum mtp3_cmd_type type, int state);
void mtp3_cmd_flag(struct mtp3_cmds *c, enum mtp3_cmd_type type, bool flag);
void mtp3_cmd_to(struct mtp3_cmds *c, enum mtp3_cmd_type type, int ev, const char *why);
void mtp3_cmd_log(struct mtp3_cmds *c, int level, const char *what, const char *why);

/* One command as a line of text ("send COO slc=1 fsn=12 via=co", "start T2"); all of them,
 * one per line.  Return buf. */
char *mtp3_cmd_render(const struct mtp3_cmd *cmd, char *buf, size_t size);
char *mtp3_cmds_render(const struct mtp3_cmds *c, char *buf, size_t size);

struct sg_mtp3_link;
/* Carry out c for link l, in order. */
void mtp3_act(struct sg_mtp3_link *l, const struct mtp3_cmds *c);

/* ---- changeover control (TCOC), mtp3_tcoc.c ---- */

enum mtp3_co_event {
	MTP3_CO_EV_START,		/* the available link failed (§5.1) */
	MTP3_CO_EV_BLOCKED,		/* remote processor outage: diversion (§5.3.3) */
	MTP3_CO_EV_UNBLOCKED,		/* remote processor recovered */
	MTP3_CO_EV_BSNT,		/* MTP2: BSNT (.fsn) */
	MTP3_CO_EV_NO_BSNT,		/* MTP2: BSNT not retrievable */
	MTP3_CO_EV_RETRIEVAL_COMPLETE,
	MTP3_CO_EV_RETRIEVAL_NOT_POSSIBLE,
	MTP3_CO_EV_TIMEOUT,		/* T1 or T2 ran out */
	MTP3_CO_EV_RX,			/* COO/COA/XCO/XCA/ECO/ECA (.heading, .fsn) for the link */
};

struct mtp3_co_ev {
	enum mtp3_co_event type;
	uint8_t heading;
	uint32_t fsn;
};

struct mtp3_co_facts {
	enum sg_mtp3_co_state co;
	enum sg_mtp3_link_state state;
	uint8_t slc;
	bool ext_seq;			/* XCO/XCA, 12-bit FSN */
	bool blocked;			/* the changeover is a processor outage diversion */
	bool order_rx;			/* COO/XCO/ECO received */
	bool order_fsn_valid;		/* ... with an FSN (not ECO) */
	uint16_t order_fsn;
	bool active, restart_pending;
	bool path;			/* changeover messages can go (other link or STP) */
	struct mtp3_sls_set carried;	/* SLS the link carries */
	struct mtp3_sls_set held;	/* ... and holds */
};

void mtp3_tcoc_decide(const struct mtp3_co_facts *f, const struct mtp3_co_ev *ev,
		      struct mtp3_cmds *c);
void mtp3_tcoc_event(struct sg_mtp3_link *l, const struct mtp3_co_ev *ev);

/* ---- changeback control (TCBC), mtp3_tcbc.c ---- */

enum mtp3_cb_event {
	MTP3_CB_EV_START,		/* SLS carried away from their links: bring them back */
	MTP3_CB_EV_TIMEOUT,		/* T4 or T5 ran out */
	MTP3_CB_EV_CBD,			/* CBD (.slc, .cbc) received on the link */
	MTP3_CB_EV_CBA,			/* CBA (.cbc) */
	MTP3_CB_EV_CANCEL,		/* the link is no longer available */
};

struct mtp3_cb_ev {
	enum mtp3_cb_event type;
	uint8_t slc;
	uint8_t cbc;
};

struct mtp3_cb_facts {
	enum sg_mtp3_link_state state;
	bool pending;
	uint8_t cbc;
	unsigned int tries;
	uint8_t next_cbc;		/* the SP's next changeback code */
	struct mtp3_sls_set move;	/* SLS carried here that belong on another link */
	int to_slc;			/* the link the first of them goes to, -1: none */
	int retry_slc;			/* T4: SLC for the repeated CBD, -1: no SLS held here */
};

void mtp3_tcbc_decide(const struct mtp3_cb_facts *f, const struct mtp3_cb_ev *ev,
		      struct mtp3_cmds *c);
void mtp3_tcbc_event(struct sg_mtp3_link *l, const struct mtp3_cb_ev *ev);

/* ---- signalling link management (SLM), mtp3_slm.c ---- */

enum mtp3_slm_event {
	MTP3_SLM_EV_START,		/* (re)start the link: alignment (§12.2) */
	MTP3_SLM_EV_ACTIVATE,		/* management */
	MTP3_SLM_EV_DEACTIVATE,
	MTP3_SLM_EV_T17,
	MTP3_SLM_EV_IN_SERVICE,		/* MTP2 */
	MTP3_SLM_EV_OUT_OF_SERVICE,	/* MTP2 (.why: the reason) */
	MTP3_SLM_EV_FAILED,		/* link test failed, COO received (.why) */
	MTP3_SLM_EV_AVAILABLE,		/* signalling link test passed */
	MTP3_SLM_EV_RPO,		/* MTP2: remote processor outage */
	MTP3_SLM_EV_RPR,		/* MTP2: remote processor recovered */
};

struct mtp3_slm_ev {
	enum mtp3_slm_event type;
	const char *why;
};

struct mtp3_slm_facts {
	enum sg_mtp3_link_state state;
	bool active;
	bool restart_pending;
	bool t17_running;
	bool co_running;		/* a changeover is in progress */
	bool cb_pending;
	bool other_avail;		/* another link of the linkset is available */
};

void mtp3_slm_decide(const struct mtp3_slm_facts *f, const struct mtp3_slm_ev *ev,
		     struct mtp3_cmds *c);
void mtp3_slm_event(struct sg_mtp3_link *l, const struct mtp3_slm_ev *ev);
