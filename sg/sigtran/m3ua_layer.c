/* M3UA layer (RFC 4666) on the xUA core: its defaults, what it gives the core (its codec
 * dialect, DATA and SSNM reception, MTP3 routing keys in RKM; struct xua_proto), point codes,
 * and the management view of its routing keys. */

#include <string.h>

#include <osmocom/core/utils.h>

#include "m3ua_int.h"

void sg_m3ua_cfg_defaults(struct sg_m3ua_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "m3ua";
	cfg->variant = SG_PC_ITU;
	cfg->t_r_ms = sg_xua_timer_defs[SG_XUA_T_R].def_val;
	cfg->t_ack_ms = sg_xua_timer_defs[SG_XUA_T_ACK].def_val;
	cfg->beat_ms = sg_xua_timer_defs[SG_XUA_T_BEAT].def_val;
	cfg->beat_max_lost = 3;
	cfg->rkm = SG_M3UA_RKM_STATIC;
	cfg->max_dynamic = 16;
	cfg->rc_dynamic_base = 1000;
	cfg->aspac_norc = SG_M3UA_ASPAC_NORC_ALL;
	cfg->ssnm_to = SG_M3UA_SSNM_TO_ACTIVE;
	cfg->daud_unknown = SG_M3UA_DAUD_UNKNOWN_DUNA;
	cfg->block = SG_M3UA_BLOCK_ASPIA_ACK;
	cfg->pending_max = 1024;
	cfg->asp_audit = true;
	cfg->asp_snm_inactive = false;
}

bool m3ua_pc_valid(const struct sg_m3ua *m, uint32_t pc)
{
	unsigned int bits = sg_pc_bits(m->cfg.variant);

	return bits >= 32 || pc < (1u << bits);
}

bool m3ua_pc_match(uint32_t pc, const struct sg_m3ua_pc_mask *pm)
{
	uint32_t msk = pm->mask >= 24 ? 0 : ~((1u << pm->mask) - 1) & 0xffffff;

	return (pc & msk) == (pm->pc & msk);
}

/* ---- management view of the routing keys ---- */

static struct json_object *pcm_json(const struct sg_m3ua_pc_mask *p, unsigned int n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "pc", json_object_new_int64(p[i].pc));
		json_object_object_add(o, "mask", json_object_new_int(p[i].mask));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *rk_json(const struct sg_m3ua_as *as)
{
	const struct sg_m3ua_rkey *rk = &as->rk;
	struct json_object *o = json_object_new_object(), *a;

	if (as->has_rc)
		json_object_object_add(o, "routing_context", json_object_new_int64(as->rc));
	json_object_object_add(o, "as", json_object_new_string(as->name));
	json_object_object_add(o, "dynamic", json_object_new_boolean(as->dynamic));
	json_object_object_add(o, "dpc", pcm_json(rk->dpc, rk->ndpc));
	json_object_object_add(o, "opc", pcm_json(rk->opc, rk->nopc));
	a = json_object_new_array();
	for (unsigned int i = 0; i < rk->nsi; i++)
		json_object_array_add(a, json_object_new_int(rk->si[i]));
	json_object_object_add(o, "si", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < rk->nssn; i++)
		json_object_array_add(a, json_object_new_int(rk->ssn[i]));
	json_object_object_add(o, "ssn", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < rk->ncic; i++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "opc", json_object_new_int64(rk->cic[i].opc));
		json_object_object_add(c, "from", json_object_new_int(rk->cic[i].lo));
		json_object_object_add(c, "to", json_object_new_int(rk->cic[i].hi));
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "cic", a);
	if (rk->has_na)
		json_object_object_add(o, "network_appearance", json_object_new_int64(rk->na));
	return o;
}

struct json_object *sg_m3ua_rks_json(struct sg_m3ua *m)
{
	return xua_as_list_json(m, rk_json);
}

/* ---- M3UA on the xUA core ---- */

static const struct xua_proto m3ua_proto = {
	.name = "m3ua",
	.decode = sg_m3ua_decode,
	.msg_name = sg_m3ua_msg_name,
	.err_new = sg_m3ua_err_new,
	.rx = {
		[SG_M3UA_CLS_MGMT] = xua_rx_mgmt,
		[SG_M3UA_CLS_XFER] = m3ua_rx_data,
		[SG_M3UA_CLS_SSNM] = xua_rx_ssnm,
		[SG_M3UA_CLS_ASPSM] = xua_rx_aspsm,
		[SG_M3UA_CLS_ASPTM] = xua_rx_asptm,
		[SG_M3UA_CLS_RKM] = xua_rx_rkm,
	},
	.reg_req = m3ua_rkm_reg_req,
	.reg_send = m3ua_rkm_reg_send,
	.get_reg_result = sg_m3ua_get_reg_result,
	.get_dereg_result = sg_m3ua_get_dereg_result,
	.put_dereg_result = sg_m3ua_put_dereg_result,
	.ssnm_daud = m3ua_rx_daud,
	.ssnm_ind = m3ua_rx_ssnm_asp,
	.as_cfg_valid = m3ua_as_cfg_valid,
	.idx_rebuild = m3ua_idx_rebuild,
	.rk_json = rk_json,
};

struct sg_m3ua *sg_m3ua_alloc(void *ctx, const struct sg_m3ua_cfg *cfg,
			      const struct sg_xua_transport_ops *tops, void *tctx,
			      const struct sg_xua_user_ops *uops, void *uctx)
{
	return xua_alloc(ctx, &m3ua_proto, cfg, tops, tctx, uops, uctx);
}
