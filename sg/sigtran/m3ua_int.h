/* M3UA layer internals (RFC 4666 §4): what sg/sigtran/m3ua_*.c add to the xUA core
 * (xua_int.h), not part of the API. */
#pragma once

#include "xua_int.h"

/* m3ua_layer.c */
bool m3ua_pc_valid(const struct sg_m3ua *m, uint32_t pc);
bool m3ua_pc_match(uint32_t pc, const struct sg_m3ua_pc_mask *pm);

/* m3ua_as.c */
void m3ua_rx_data(struct sg_m3ua_asp *asp, uint16_t stream, const struct sg_m3ua_msg *msg);
bool m3ua_as_cfg_valid(const struct sg_m3ua *m, const struct sg_m3ua_as_cfg *cfg);
void m3ua_idx_rebuild(struct sg_m3ua *m, unsigned int nas);
bool m3ua_rk_equal(const struct sg_m3ua_rkey *a, const struct sg_m3ua_rkey *b);

/* m3ua_rkm.c: the MTP3 routing keys of RKM */
void m3ua_rkm_reg_req(struct sg_m3ua_asp *asp, const struct sg_m3ua_msg *msg);
bool m3ua_rkm_reg_send(struct sg_m3ua_asp *asp, bool again);

/* m3ua_ssnm.c */
void m3ua_rx_daud(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg);
void m3ua_rx_ssnm_asp(struct sg_m3ua_asp *asp, const struct sg_xua_msg *msg);
