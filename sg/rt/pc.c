/* Signalling point codes: ITU 3-8-3 (Q.708), ANSI/China 8-8-8, Japan TTC 5-4-7, or plain integers. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sg/pc.h>

struct pc_format {
	unsigned int bits;
	unsigned int nparts;
	unsigned int width[3];	/* most significant part first */
};

static const struct pc_format pc_formats[] = {
	[SG_PC_ITU] = { 14, 3, { 3, 8, 3 } },
	[SG_PC_ANSI] = { 24, 3, { 8, 8, 8 } },
	[SG_PC_CHINA] = { 24, 3, { 8, 8, 8 } },
	[SG_PC_TTC] = { 16, 3, { 5, 4, 7 } },
};

unsigned int sg_pc_bits(enum sg_pc_variant v)
{
	return pc_formats[v].bits;
}

static int parse_uint(const char *s, char **end, unsigned long *out)
{
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, end, 10);
	if (errno)
		return -ERANGE;
	return 0;
}

int sg_pc_parse(const char *s, enum sg_pc_variant v, uint32_t *pc)
{
	const struct pc_format *f = &pc_formats[v];
	unsigned long val, acc = 0;
	char *end;
	int rc;

	if (!strchr(s, '-')) {
		rc = parse_uint(s, &end, &val);
		if (rc < 0 || *end)
			return rc < 0 ? rc : -EINVAL;
		if (val >= (1UL << f->bits))
			return -ERANGE;
		*pc = val;
		return 0;
	}
	for (unsigned int i = 0; i < f->nparts; i++) {
		rc = parse_uint(s, &end, &val);
		if (rc < 0)
			return rc;
		if (val >= (1UL << f->width[i]))
			return -ERANGE;
		acc = (acc << f->width[i]) | val;
		if (i + 1 < f->nparts) {
			if (*end != '-')
				return -EINVAL;
			s = end + 1;
		} else if (*end) {
			return -EINVAL;
		}
	}
	*pc = acc;
	return 0;
}

char *sg_pc_format(char *buf, size_t len, uint32_t pc, enum sg_pc_variant v)
{
	const struct pc_format *f = &pc_formats[v];
	unsigned int shift = f->bits, part[3];

	for (unsigned int i = 0; i < f->nparts; i++) {
		shift -= f->width[i];
		part[i] = (pc >> shift) & ((1U << f->width[i]) - 1);
	}
	snprintf(buf, len, "%u-%u-%u", part[0], part[1], part[2]);
	return buf;
}
