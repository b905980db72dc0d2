/* Described counters: every object's counters carry a name and a description. */
#pragma once

#include <stdint.h>
#include <json-c/json.h>

struct sg_ctr_desc {
	const char *name;	/* e.g. "rx:su:total" */
	const char *desc;	/* e.g. "Signal units received" */
};

struct sg_ctr_group_desc {
	const char *name;	/* group type, e.g. "mtp2_link" */
	unsigned int num;
	const struct sg_ctr_desc *ctr;
};

struct sg_ctr_group {
	const struct sg_ctr_group_desc *desc;
	uint64_t v[];		/* desc->num values */
};

/* Allocate a zeroed group on ctx (talloc). */
struct sg_ctr_group *sg_ctr_group_alloc(void *ctx, const struct sg_ctr_group_desc *desc);

static inline void sg_ctr_inc(struct sg_ctr_group *g, unsigned int idx) { g->v[idx]++; }
static inline void sg_ctr_add(struct sg_ctr_group *g, unsigned int idx, uint64_t n) { g->v[idx] += n; }
static inline uint64_t sg_ctr_get(const struct sg_ctr_group *g, unsigned int idx) { return g->v[idx]; }

/* [{"name":..., "description":..., "value":...}, ...] */
struct json_object *sg_ctr_group_to_json(const struct sg_ctr_group *g);
