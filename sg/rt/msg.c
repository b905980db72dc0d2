/* Message buffers that may cross threads, the buffer convention (headroom, tailroom, in-place
 * conversion: include/sg/msg.h), and primitive allocation. */

#include <errno.h>
#include <string.h>
#include <osmocom/core/talloc.h>
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

struct msgb *sg_msgb_new(size_t len, const char *name)
{
	struct msgb *msg;

	if (len > UINT16_MAX - SG_MSGB_HEADROOM - SG_MSGB_TAILROOM)
		return NULL;
	msg = sg_msgb_alloc(SG_MSGB_HEADROOM + len + SG_MSGB_TAILROOM, name);
	if (msg)
		msgb_reserve(msg, SG_MSGB_HEADROOM);
	return msg;
}

/* sg_msgb_room()'s copies, counted from every thread */
static unsigned long n_reallocs;

unsigned long sg_msgb_reallocs(void)
{
	return __atomic_load_n(&n_reallocs, __ATOMIC_RELAXED);
}

/* A layer pointer of old, moved to the same octet of the copy (or cleared when it was
 * not inside the message) */
static uint8_t *moved(const struct msgb *old, uint8_t *p, struct msgb *msg)
{
	if (!p || p < old->data || p > old->tail)
		return NULL;
	return msg->data + (p - old->data);
}

int sg_msgb_room(struct msgb **msgp, size_t head, size_t tail)
{
	struct msgb *old = *msgp, *msg;
	size_t len = msgb_length(old), hr, tr;

	if ((size_t)msgb_headroom(old) >= head && (size_t)msgb_tailroom(old) >= tail &&
	    old->data_len <= head + len + tail + SG_MSGB_SLACK_MAX)
		return 0;
	hr = head > SG_MSGB_HEADROOM ? head : SG_MSGB_HEADROOM;
	tr = tail > SG_MSGB_TAILROOM ? tail : SG_MSGB_TAILROOM;
	if (head > UINT16_MAX || tail > UINT16_MAX || hr + len + tr > UINT16_MAX)
		return -EMSGSIZE;
	msg = sg_msgb_alloc(hr + len + tr, talloc_get_name(old));
	if (!msg)
		return -ENOMEM;
	msgb_reserve(msg, hr);
	memcpy(msgb_put(msg, len), old->data, len);
	msg->l1h = moved(old, old->l1h, msg);
	msg->l2h = moved(old, old->l2h, msg);
	msg->l3h = moved(old, old->l3h, msg);
	msg->l4h = moved(old, old->l4h, msg);
	memcpy(msg->cb, old->cb, sizeof(msg->cb));
	msg->dst = old->dst;
	msgb_free(old);
	*msgp = msg;
	__atomic_fetch_add(&n_reallocs, 1, __ATOMIC_RELAXED);
	return 1;
}

uint8_t *sg_msgb_pull_to(struct msgb *msg, const uint8_t *p)
{
	uint8_t **lh[] = { &msg->l1h, &msg->l2h, &msg->l3h, &msg->l4h };

	if (p < msg->data || p > msg->tail)
		return NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(lh); i++)
		if (*lh[i] && *lh[i] < p)
			*lh[i] = NULL;
	return msgb_pull(msg, p - msg->data);
}

struct msgb *sg_prim_alloc(enum sg_sap sap, unsigned int prim, enum osmo_prim_operation op,
			   size_t param_len, size_t data_len, const char *name)
{
	size_t len = sizeof(struct osmo_prim_hdr) + param_len;
	struct msgb *msg;
	uint8_t *p;

	/* the convention's room around the user data, too (include/sg/msg.h) */
	OSMO_ASSERT(SG_MSGB_HEADROOM + len + data_len + SG_MSGB_TAILROOM <= UINT16_MAX);
	msg = sg_msgb_alloc(SG_MSGB_HEADROOM + len + data_len + SG_MSGB_TAILROOM, name);
	if (!msg)
		return NULL;
	msgb_reserve(msg, SG_MSGB_HEADROOM);
	p = msgb_put(msg, len);
	memset(p, 0, len);
	osmo_prim_init((struct osmo_prim_hdr *)p, sap, prim, op, msg);
	return msg;
}
