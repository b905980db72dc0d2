/* MTP3 command lists (decide, then act) of TCOC, TCBC and SLM, Q.704 §5, §6, §12: building,
 * rendering as text, and the one function that carries them out. */

#include <stdio.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <sg/mtp3.h>
#include <sg/mtp3_core.h>

#include "mtp3_cmd.h"
#include "mtp3_core_int.h"

struct mtp3_cmd *mtp3_cmd_add(struct mtp3_cmds *c, enum mtp3_cmd_type type)
{
	struct mtp3_cmd *cmd;

	OSMO_ASSERT(c->n < MTP3_CMDS_MAX);
	cmd = &c->cmd[c->n++];
	memset(cmd, 0, sizeof(*cmd));
	cmd->type = type;
	return cmd;
}

void mtp3_cmd_timer(struct mtp3_cmds *c, bool start, enum sg_mtp3_timer t)
{
	mtp3_cmd_add(c, start ? MTP3_CMD_START_TIMER : MTP3_CMD_STOP_TIMER)->timer = t;
}

void mtp3_cmd_l2(struct mtp3_cmds *c, enum sg_mtp2_prim prim, uint16_t fsnc)
{
	struct mtp3_cmd *cmd = mtp3_cmd_add(c, MTP3_CMD_L2);

	cmd->l2.prim = prim;
	cmd->l2.fsnc = fsnc;
}

void mtp3_cmd_state(struct mtp3_cmds *c, enum mtp3_cmd_type type, int state)
{
	mtp3_cmd_add(c, type)->state = state;
}

void mtp3_cmd_flag(struct mtp3_cmds *c, enum mtp3_cmd_type type, bool flag)
{
	mtp3_cmd_add(c, type)->flag = flag;
}

void mtp3_cmd_to(struct mtp3_cmds *c, enum mtp3_cmd_type type, int ev, const char *why)
{
	struct mtp3_cmd *cmd = mtp3_cmd_add(c, type);

	cmd->to.ev = ev;
	cmd->to.why = why;
}

void mtp3_cmd_log(struct mtp3_cmds *c, int level, const char *what, const char *why)
{
	struct mtp3_cmd *cmd = mtp3_cmd_add(c, MTP3_CMD_LOG);

	cmd->log.level = level;
	cmd->log.what = what;
	cmd->log.why = why;
}

/* ---- rendering ---- */

static const struct value_string co_event_names[] = {
	{ MTP3_CO_EV_START, "link failed" },
	{ MTP3_CO_EV_BLOCKED, "remote processor outage" },
	{ MTP3_CO_EV_UNBLOCKED, "remote processor recovered" },
	{ MTP3_CO_EV_BSNT, "BSNT" },
	{ MTP3_CO_EV_NO_BSNT, "BSNT not retrievable" },
	{ MTP3_CO_EV_RETRIEVAL_COMPLETE, "retrieval complete" },
	{ MTP3_CO_EV_RETRIEVAL_NOT_POSSIBLE, "retrieval not possible" },
	{ MTP3_CO_EV_TIMEOUT, "timeout" },
	{ MTP3_CO_EV_RX, "message" },
	{ 0, NULL }
};

static const struct value_string cb_event_names[] = {
	{ MTP3_CB_EV_START, "start" },
	{ MTP3_CB_EV_TIMEOUT, "timeout" },
	{ MTP3_CB_EV_CBD, "CBD" },
	{ MTP3_CB_EV_CBA, "CBA" },
	{ MTP3_CB_EV_CANCEL, "cancel" },
	{ 0, NULL }
};

static const struct value_string slm_event_names[] = {
	{ MTP3_SLM_EV_START, "start" },
	{ MTP3_SLM_EV_ACTIVATE, "activate" },
	{ MTP3_SLM_EV_DEACTIVATE, "deactivate" },
	{ MTP3_SLM_EV_T17, "T17" },
	{ MTP3_SLM_EV_IN_SERVICE, "in service" },
	{ MTP3_SLM_EV_OUT_OF_SERVICE, "out of service" },
	{ MTP3_SLM_EV_FAILED, "failed" },
	{ MTP3_SLM_EV_AVAILABLE, "available" },
	{ MTP3_SLM_EV_RPO, "remote processor outage" },
	{ MTP3_SLM_EV_RPR, "remote processor recovered" },
	{ 0, NULL }
};

static const struct value_string via_names[] = {
	{ MTP3_VIA_CO, "co" },
	{ MTP3_VIA_LINK, "link" },
	{ MTP3_VIA_LINKSET, "linkset" },
	{ 0, NULL }
};

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* "sls=1,5,9" ("sls=none") */
static void render_sls(const struct mtp3_sls_set *s, const char *what, char *buf, size_t size)
{
	size_t n = snprintf(buf, size, "%s sls=", what);
	bool any = false;

	for (unsigned int i = 0; i < MTP3_SLS_WORDS * 64 && n < size; i++) {
		if (!mtp3_sls_has(s, i))
			continue;
		n += snprintf(buf + n, size - n, "%s%u", any ? "," : "", i);
		any = true;
	}
	if (!any && n < size)
		snprintf(buf + n, size - n, "none");
}

static void render_snm(const struct mtp3_cmd *cmd, char *buf, size_t size)
{
	const char *name = get_value_string(sg_mtp3_snm_type_names, cmd->snm.heading);
	const char *via = get_value_string(via_names, cmd->snm.via);

	switch (cmd->snm.heading) {
	case SG_MTP3_COO:
	case SG_MTP3_COA:
	case SG_MTP3_XCO:
	case SG_MTP3_XCA:
		snprintf(buf, size, "send %s slc=%u fsn=%u via=%s", name, cmd->snm.slc,
			 cmd->snm.fsn, via);
		break;
	case SG_MTP3_CBD:
	case SG_MTP3_CBA:
		snprintf(buf, size, "send %s slc=%u code=%u via=%s", name, cmd->snm.slc,
			 cmd->snm.cbc, via);
		break;
	default:
		snprintf(buf, size, "send %s slc=%u via=%s", name, cmd->snm.slc, via);
		break;
	}
}

static const char *to_event_name(const struct mtp3_cmd *cmd)
{
	switch (cmd->type) {
	case MTP3_CMD_TO_TCOC:
		return get_value_string(co_event_names, cmd->to.ev);
	case MTP3_CMD_TO_TCBC:
		return get_value_string(cb_event_names, cmd->to.ev);
	default:
		return get_value_string(slm_event_names, cmd->to.ev);
	}
}

char *mtp3_cmd_render(const struct mtp3_cmd *cmd, char *buf, size_t size)
{
	static const char *const to_proc[] = {
		[MTP3_CMD_TO_TCOC] = "TCOC", [MTP3_CMD_TO_TCBC] = "TCBC", [MTP3_CMD_TO_SLM] = "SLM",
	};

	switch (cmd->type) {
	case MTP3_CMD_LINK_STATE:
		snprintf(buf, size, "link state %s",
			 get_value_string(sg_mtp3_link_state_names, cmd->state));
		break;
	case MTP3_CMD_ACTIVE:
		snprintf(buf, size, "active %s", yes_no(cmd->flag));
		break;
	case MTP3_CMD_RESTART_PENDING:
		snprintf(buf, size, "restart pending %s", yes_no(cmd->flag));
		break;
	case MTP3_CMD_CO_STATE:
		snprintf(buf, size, "changeover state %s",
			 get_value_string(sg_mtp3_co_state_names, cmd->state));
		break;
	case MTP3_CMD_CO_ORDER:
		if (cmd->snm.heading == SG_MTP3_ECO)
			snprintf(buf, size, "note ECO");
		else
			snprintf(buf, size, "note %s fsn=%u",
				 get_value_string(sg_mtp3_snm_type_names, cmd->snm.heading),
				 cmd->snm.fsn);
		break;
	case MTP3_CMD_CO_DIVERT:
		snprintf(buf, size, "diversion for processor outage");
		break;
	case MTP3_CMD_CO_DONE:
		snprintf(buf, size, "changeover done, buffer updating %s", yes_no(cmd->flag));
		break;
	case MTP3_CMD_CB_BEGIN:
		snprintf(buf, size, "changeback code=%u", cmd->snm.cbc);
		break;
	case MTP3_CMD_CB_RETRY:
		snprintf(buf, size, "changeback second attempt");
		break;
	case MTP3_CMD_CB_DONE:
		snprintf(buf, size, "changeback done: %s", cmd->why);
		break;
	case MTP3_CMD_CB_CANCEL:
		snprintf(buf, size, "changeback cancelled");
		break;
	case MTP3_CMD_START_TIMER:
	case MTP3_CMD_STOP_TIMER:
		snprintf(buf, size, "%s %s", cmd->type == MTP3_CMD_START_TIMER ? "start" : "stop",
			 get_value_string(sg_mtp3_timer_names, cmd->timer));
		break;
	case MTP3_CMD_L2:
		if (cmd->l2.prim == SG_MTP2_RETRIEVAL_REQ)
			snprintf(buf, size, "L2 %s fsnc=%u",
				 get_value_string(sg_mtp2_prim_names, cmd->l2.prim), cmd->l2.fsnc);
		else
			snprintf(buf, size, "L2 %s",
				 get_value_string(sg_mtp2_prim_names, cmd->l2.prim));
		break;
	case MTP3_CMD_SEND:
		render_snm(cmd, buf, size);
		break;
	case MTP3_CMD_HOLD:
		render_sls(&cmd->sls, "hold", buf, size);
		break;
	case MTP3_CMD_RESUME:
		render_sls(&cmd->sls, "resume", buf, size);
		break;
	case MTP3_CMD_RELEASE:
		snprintf(buf, size, "release held traffic%s",
			 cmd->flag ? " (changeback)" : ", retrieved MSUs first");
		break;
	case MTP3_CMD_REBALANCE:
		snprintf(buf, size, "rebalance linkset");
		break;
	case MTP3_CMD_TO_TCOC:
	case MTP3_CMD_TO_TCBC:
	case MTP3_CMD_TO_SLM:
		snprintf(buf, size, "%s <- %s%s%s", to_proc[cmd->type], to_event_name(cmd),
			 cmd->to.why ? ": " : "", cmd->to.why ? cmd->to.why : "");
		break;
	case MTP3_CMD_SLT:
		snprintf(buf, size, "link test %s", cmd->flag ? "start" : "stop");
		break;
	case MTP3_CMD_LS_UPDATE:
		snprintf(buf, size, "update linkset");
		break;
	case MTP3_CMD_TLAC_CHECK:
		snprintf(buf, size, "check inhibiting");
		break;
	case MTP3_CMD_COUNT:
		snprintf(buf, size, "count %s", sg_mtp3_ctr_group_desc.ctr[cmd->ctr].name);
		break;
	case MTP3_CMD_LOG:
		snprintf(buf, size, "log %s: %s", cmd->log.what, cmd->log.why);
		break;
	default:
		snprintf(buf, size, "command %d", cmd->type);
		break;
	}
	return buf;
}

char *mtp3_cmds_render(const struct mtp3_cmds *c, char *buf, size_t size)
{
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned int i = 0; i < c->n && n + 1 < size; i++) {
		mtp3_cmd_render(&c->cmd[i], buf + n, size - n);
		n += strlen(buf + n);
		if (n + 1 < size) {
			buf[n++] = '\n';
			buf[n] = '\0';
		}
	}
	return buf;
}

/* ---- act ---- */

static struct sg_timer *link_timer(struct sg_mtp3_link *l, enum sg_mtp3_timer t)
{
	switch (t) {
	case SG_MTP3_T1:
	case SG_MTP3_T2:
		return &l->t_co;
	case SG_MTP3_T4:
	case SG_MTP3_T5:
		return &l->t_cb;
	case SG_MTP3_T17:
		return &l->t17;
	default:
		OSMO_ASSERT(0);
	}
}

static void act_l2(struct sg_mtp3_link *l, const struct mtp3_cmd *cmd)
{
	struct sg_mtp2_param p = { .fsnc = cmd->l2.fsnc };

	if (l->ops)
		l->ops->req(l->l2_priv, cmd->l2.prim,
			    cmd->l2.prim == SG_MTP2_RETRIEVAL_REQ ? &p : NULL, NULL);
}

static void act_send(struct sg_mtp3_link *l, const struct mtp3_cmd *cmd)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct sg_mtp3_snm s = { .heading = cmd->snm.heading, .slc = cmd->snm.slc,
				 .fsn = cmd->snm.fsn, .cbc = cmd->snm.cbc };
	struct msgb *msg;

	switch (cmd->snm.via) {
	case MTP3_VIA_CO:
		if (mtp3_snm_tx_ls(ls, l, &s) != 0)
			mtp3_snm_tx_alt(ls, &s);
		break;
	case MTP3_VIA_LINK:
		msg = mtp3_snm_msu(ls->m, ls->adj_pc, s.slc, &s);
		if (!msg)
			break;
		LOGPL(l, LOGL_INFO, "tx %s(SLC %u, code %u)\n",
		      get_value_string(sg_mtp3_snm_type_names, s.heading), s.slc, s.cbc);
		mtp3_ctr(l, ls, ls->m, SG_MTP3_CTR_SNM_TX, 1);
		mtp3_link_tx(l, msg);
		break;
	case MTP3_VIA_LINKSET:
		mtp3_snm_tx_ls(ls, NULL, &s);
		break;
	}
}

static void act_co_state(struct sg_mtp3_link *l, enum sg_mtp3_co_state st)
{
	if (l->co == st)
		return;
	LOGPL(l, LOGL_INFO, "changeover %s -> %s\n",
	      get_value_string(sg_mtp3_co_state_names, l->co),
	      get_value_string(sg_mtp3_co_state_names, st));
	l->co = st;
}

/* The outage ended while the diversion still waited for T1: the held SLS stay on the link,
 * behind the MSUs MTP2 kept during the outage, so nothing is reordered. */
static void act_resume(struct sg_mtp3_link *l, const struct mtp3_sls_set *set)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct msgb *msg;

	l->co_blocked = false;
	LOGPL(l, LOGL_INFO, "outage over before T1: diversion abandoned\n");
	for (unsigned int s = 0; s < ls->m->nsls; s++) {
		if (!mtp3_sls_has(set, s))
			continue;
		ls->held[s] = false;
		ls->hold_n[s] = 0;
		while ((msg = msgb_dequeue(&ls->hold_q[s])))
			mtp3_link_tx(l, msg);
	}
}

static void act_one(struct sg_mtp3_link *l, const struct mtp3_cmd *cmd)
{
	struct sg_mtp3_linkset *ls = l->ls;
	struct sg_mtp3 *m = ls->m;

	switch (cmd->type) {
	case MTP3_CMD_LINK_STATE:
		mtp3_slm_set_state(l, cmd->state);
		break;
	case MTP3_CMD_ACTIVE:
		l->active = cmd->flag;
		break;
	case MTP3_CMD_RESTART_PENDING:
		l->restart_pending = cmd->flag;
		break;
	case MTP3_CMD_CO_STATE:
		act_co_state(l, cmd->state);
		break;
	case MTP3_CMD_CO_ORDER:
		l->coo_rx = true;
		l->remote_fsn_valid = cmd->snm.heading != SG_MTP3_ECO;
		l->remote_fsn = cmd->snm.fsn;
		break;
	case MTP3_CMD_CO_DIVERT:
		l->co_blocked = true;
		break;
	case MTP3_CMD_CO_DONE:
		l->co_blocked = false;
		l->coo_rx = false;
		l->remote_fsn_valid = false;
		mtp3_ctr(l, ls, m, SG_MTP3_CTR_CHANGEOVER, 1);
		LOGPL(l, LOGL_NOTICE, "changeover complete%s\n",
		      cmd->flag ? "" : " (no buffer updating)");
		break;
	case MTP3_CMD_CB_BEGIN:
		l->cb_pending = true;
		l->cb_tries = 0;
		l->cbc = cmd->snm.cbc;
		m->next_cbc = cmd->snm.cbc + 1;
		break;
	case MTP3_CMD_CB_DONE:
		l->cb_pending = false;
		LOGPL(l, LOGL_NOTICE, "changeback (code %u) complete: %s\n", l->cbc, cmd->why);
		mtp3_ctr(l, ls, m, SG_MTP3_CTR_CHANGEBACK, 1);
		break;
	case MTP3_CMD_CB_CANCEL:
		l->cb_pending = false;
		break;
	case MTP3_CMD_CB_RETRY:
		l->cb_tries++;
		break;
	case MTP3_CMD_START_TIMER:
		sg_timer_start_ms(link_timer(l, cmd->timer), mtp3_t(m, cmd->timer));
		break;
	case MTP3_CMD_STOP_TIMER:
		sg_timer_stop(link_timer(l, cmd->timer));
		break;
	case MTP3_CMD_L2:
		act_l2(l, cmd);
		break;
	case MTP3_CMD_SEND:
		act_send(l, cmd);
		break;
	case MTP3_CMD_HOLD:
		for (unsigned int s = 0; s < m->nsls; s++)
			if (mtp3_sls_has(&cmd->sls, s))
				ls->held[s] = true;
		break;
	case MTP3_CMD_RESUME:
		act_resume(l, &cmd->sls);
		break;
	case MTP3_CMD_RELEASE:
		mtp3_ls_release(ls, l, cmd->flag);
		break;
	case MTP3_CMD_REBALANCE:
		mtp3_ls_rebalance(ls);
		break;
	case MTP3_CMD_TO_TCOC:
		mtp3_tcoc_event(l, &(struct mtp3_co_ev){ .type = cmd->to.ev });
		break;
	case MTP3_CMD_TO_TCBC:
		mtp3_tcbc_event(l, &(struct mtp3_cb_ev){ .type = cmd->to.ev });
		break;
	case MTP3_CMD_TO_SLM:
		mtp3_slm_event(l, &(struct mtp3_slm_ev){ .type = cmd->to.ev, .why = cmd->to.why });
		break;
	case MTP3_CMD_SLT:
		if (cmd->flag)
			mtp3_sltc_start(l);
		else
			mtp3_sltc_stop(l);
		break;
	case MTP3_CMD_LS_UPDATE:
		mtp3_ls_update(ls);
		break;
	case MTP3_CMD_TLAC_CHECK:
		mtp3_tlac_check(ls);
		break;
	case MTP3_CMD_COUNT:
		mtp3_ctr(l, ls, m, cmd->ctr, 1);
		break;
	case MTP3_CMD_LOG:
		LOGPL(l, cmd->log.level, "%s: %s\n", cmd->log.what, cmd->log.why);
		break;
	}
}

void mtp3_act(struct sg_mtp3_link *l, const struct mtp3_cmds *c)
{
	for (unsigned int i = 0; i < c->n; i++) {
		if (log_check_level(DMTP3, LOGL_DEBUG)) {
			char buf[128];

			LOGPL(l, LOGL_DEBUG, "%s: %s\n", c->proc,
			      mtp3_cmd_render(&c->cmd[i], buf, sizeof(buf)));
		}
		act_one(l, &c->cmd[i]);
	}
}
