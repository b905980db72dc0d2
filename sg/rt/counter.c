/* Described counter groups and their JSON form. */

#include <talloc.h>

#include <sg/counter.h>

struct sg_ctr_group *sg_ctr_group_alloc(void *ctx, const struct sg_ctr_group_desc *desc)
{
	struct sg_ctr_group *g = talloc_zero_size(ctx, sizeof(*g) + desc->num * sizeof(uint64_t));

	if (!g)
		return NULL;
	talloc_set_name_const(g, desc->name);
	g->desc = desc;
	return g;
}

struct json_object *sg_ctr_group_to_json(const struct sg_ctr_group *g)
{
	struct json_object *arr = json_object_new_array_ext(g->desc->num);

	for (unsigned int i = 0; i < g->desc->num; i++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "name", json_object_new_string(g->desc->ctr[i].name));
		json_object_object_add(c, "description",
				       json_object_new_string(g->desc->ctr[i].desc));
		json_object_object_add(c, "value", json_object_new_uint64(g->v[i]));
		json_object_array_add(arr, c);
	}
	return arr;
}
