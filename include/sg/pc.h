/* Signalling point codes (sg/rt/pc.c): the variants and their usual notations. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The point-code variant of a signalling point: ITU 14 bit (Q.708), ANSI and China 24 bit,
 * Japan TTC 16 bit. */
enum sg_pc_variant { SG_PC_ITU, SG_PC_ANSI, SG_PC_CHINA, SG_PC_TTC };

/* Point codes: "3-8-3" (ITU, 14 bit), "8-8-8" (ANSI and China, 24 bit),
 * "5-4-7" (Japan TTC, 16 bit), or a plain decimal integer.  Each part is
 * range-checked.  Returns 0, -EINVAL (syntax) or -ERANGE. */
int sg_pc_parse(const char *s, enum sg_pc_variant v, uint32_t *pc);
/* Format in the variant's usual notation; returns buf. */
char *sg_pc_format(char *buf, size_t len, uint32_t pc, enum sg_pc_variant v);
unsigned int sg_pc_bits(enum sg_pc_variant v);
