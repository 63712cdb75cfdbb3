/* schema.c - lookups over resource schemas (schema.h) and the default comparison.
 * The tables themselves live in one file per resource type (res_user.c). */
#include "schema.h"

#include <string.h>

static const lh_schema *const all[] = {&lh_res_user_schema, NULL};
static const char *const type_names[] = {"litellm_user", NULL};

const lh_schema *
lh_schema_find(const char *type_name)
{
	for (size_t i = 0; all[i] != NULL; i++)
		if (strcmp(all[i]->type_name, type_name) == 0)
			return all[i];
	return NULL;
}

const char *const *
lh_schema_types(void)
{
	return type_names;
}

const lh_attr *
lh_schema_attr(const lh_schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->attrs[i].name, name) == 0)
			return &s->attrs[i];
	return NULL;
}

const char *const *
lh_schema_arg_names(lh_arena *a, const lh_schema *s)
{
	const char **names = lh_arena_alloc(a, (s->n + 1) * sizeof *names);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->attrs[i].mode != LH_ATTR_COMPUTED)
			names[k++] = s->attrs[i].name;
	names[k] = NULL;
	return names;
}

bool
lh_schema_same_default(const lh_value *c, const lh_value *s)
{
	bool cn = lh_val_is_null(c), sn = lh_val_is_null(s);
	if (cn || sn)
		return cn && sn;
	if (c->type->kind == LH_TY_NUMBER && s->type->kind == LH_TY_NUMBER)
		return lh_number_double(c->u.num) == lh_number_double(s->u.num);
	return lh_val_equal(c, s) == 1;
}

bool
lh_schema_same(const lh_attr *at, const lh_value *c, const lh_value *s)
{
	if (at != NULL && at->same != NULL)
		return at->same(c, s);
	return lh_schema_same_default(c, s);
}

lh_value *
lh_schema_to_api(lh_arena *a, const lh_attr *at, lh_value *v)
{
	if (at != NULL && at->to_api != NULL && v != NULL)
		return at->to_api(a, v);
	return v;
}
