/* Message buffers that may cross threads, and primitive allocation. */

#include <string.h>
#include <osmocom/core/utils.h>

#include <sg/msg.h>

const struct value_string sg_sap_names[] = {
	{ SG_SAP_CALL, "call" },
	{ SG_SAP_ADAPTER, "adapter" },
	{ SG_SAP_MTP2, "mtp2" },
	{ SG_SAP_MTP, "mtp" },
	{ SG_SAP_SCCP, "sccp" },
	{ SG_SAP_MGMT, "mgmt" },
	{ 0, NULL }
};

struct msgb *sg_msgb_alloc(uint16_t size, const char *name)
{
	/* NULL parent: a top-level talloc chunk that no other thread's tree
	 * references, so it may be freed on whichever thread owns it. */
	return msgb_alloc_c(NULL, size, name);
}

struct msgb *sg_prim_alloc(enum sg_sap sap, unsigned int prim, enum osmo_prim_operation op,
			   size_t param_len, size_t data_len, const char *name)
{
	size_t len = sizeof(struct osmo_prim_hdr) + param_len;
	struct msgb *msg;
	uint8_t *p;

	OSMO_ASSERT(len + data_len + SG_MSGB_HEADROOM <= UINT16_MAX);
	msg = sg_msgb_alloc(SG_MSGB_HEADROOM + len + data_len, name);
	if (!msg)
		return NULL;
	msgb_reserve(msg, SG_MSGB_HEADROOM);
	p = msgb_put(msg, len);
	memset(p, 0, len);
	osmo_prim_init((struct osmo_prim_hdr *)p, sap, prim, op, msg);
	return msg;
}
