/* MTP2 processor outage control (POC), Q.703 §8, Fig. 10: local and remote outage. */

#include <osmocom/core/utils.h>

#include "mtp2_internal.h"

const struct value_string sg_mtp2_poc_state_names[] = {
	{ SG_MTP2_POC_IDLE, "IDLE" },
	{ SG_MTP2_POC_LOCAL_PO, "LOCAL_PROCESSOR_OUTAGE" },
	{ SG_MTP2_POC_REMOTE_PO, "REMOTE_PROCESSOR_OUTAGE" },
	{ SG_MTP2_POC_BOTH_PO, "BOTH_PROCESSORS_OUT" },
	{ 0, NULL }
};

static void poc_set(struct sg_mtp2_link *l, enum sg_mtp2_poc_state st, const char *why)
{
	if (l->poc.state == st)
		return;
	LOGPLINK(l, LOGL_INFO, "POC %s -> %s (%s)\n",
		 get_value_string(sg_mtp2_poc_state_names, l->poc.state),
		 get_value_string(sg_mtp2_poc_state_names, st), why);
	l->poc.state = st;
	if (st == SG_MTP2_POC_IDLE)
		lsc_event(l, LSC_EV_NO_PO, 0);
}

void poc_init(struct sg_mtp2_link *l)
{
	l->poc.state = SG_MTP2_POC_IDLE;
}

void poc_local_po(struct sg_mtp2_link *l)
{
	ctr_inc(l, SG_MTP2_CTR_LPO);
	if (l->poc.state == SG_MTP2_POC_IDLE)
		poc_set(l, SG_MTP2_POC_LOCAL_PO, "local processor outage");
	else if (l->poc.state == SG_MTP2_POC_REMOTE_PO)
		poc_set(l, SG_MTP2_POC_BOTH_PO, "local processor outage");
}

void poc_remote_po(struct sg_mtp2_link *l)
{
	ctr_inc(l, SG_MTP2_CTR_RPO);
	if (l->poc.state == SG_MTP2_POC_IDLE)
		poc_set(l, SG_MTP2_POC_REMOTE_PO, "remote processor outage");
	else if (l->poc.state == SG_MTP2_POC_LOCAL_PO)
		poc_set(l, SG_MTP2_POC_BOTH_PO, "remote processor outage");
}

void poc_local_recovered(struct sg_mtp2_link *l)
{
	if (l->poc.state == SG_MTP2_POC_LOCAL_PO)
		poc_set(l, SG_MTP2_POC_IDLE, "local processor recovered");
	else if (l->poc.state == SG_MTP2_POC_BOTH_PO)
		poc_set(l, SG_MTP2_POC_REMOTE_PO, "local processor recovered");
}

void poc_remote_recovered(struct sg_mtp2_link *l)
{
	if (l->poc.state == SG_MTP2_POC_REMOTE_PO)
		poc_set(l, SG_MTP2_POC_IDLE, "remote processor recovered");
	else if (l->poc.state == SG_MTP2_POC_BOTH_PO)
		poc_set(l, SG_MTP2_POC_LOCAL_PO, "remote processor recovered");
}

/* Link out of service: no outage state survives (Fig. 10 "stop"). */
void poc_stop(struct sg_mtp2_link *l)
{
	if (l->poc.state != SG_MTP2_POC_IDLE)
		LOGPLINK(l, LOGL_INFO, "POC %s -> IDLE (stop)\n",
			 get_value_string(sg_mtp2_poc_state_names, l->poc.state));
	l->poc.state = SG_MTP2_POC_IDLE;
}

enum sg_mtp2_poc_state sg_mtp2_poc_state(const struct sg_mtp2_link *l)
{
	return l->poc.state;
}
