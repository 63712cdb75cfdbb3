/* validate.c - request body checks that answer like FastAPI/pydantic: 422 with
 * {"detail":[{"type","loc","msg","input"(,"ctx")}]}, every field error at once, lax
 * coercions (numeric strings, 1.0 as an int, "true" as a bool) accepted.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

void
emu_verr(cJSON *detail, const char *type, const char *where, const char *field, int index,
         const char *msg, const cJSON *input, cJSON *ctx)
{
	cJSON *e = cJSON_CreateObject(), *loc = cJSON_CreateArray();

	emu_oom_check(e);
	emu_oom_check(loc);
	emu_add_str(e, "type", type);
	emu_push(loc, cJSON_CreateString(where));
	if (field)
		emu_push(loc, cJSON_CreateString(field));
	if (index >= 0)
		emu_push(loc, cJSON_CreateNumber(index));
	emu_add(e, "loc", loc);
	emu_add_str(e, "msg", msg);
	emu_add(e, "input", input ? cJSON_Duplicate(input, true) : cJSON_CreateNull());
	if (ctx)
		emu_add(e, "ctx", ctx);
	emu_push(detail, e);
}

void
emu_resp_422(struct emu_resp *resp, cJSON *detail)
{
	cJSON *root = cJSON_CreateObject();

	emu_oom_check(root);
	emu_add(root, "detail", detail);
	emu_resp_json(resp, 422, root);
}

/* Extend the loc of the error just appended with a nested member name. */
static void
last_loc_push(cJSON *detail, const char *sub)
{
	cJSON *e = cJSON_GetArrayItem(detail, cJSON_GetArraySize(detail) - 1);

	emu_push(cJSON_GetObjectItem(e, "loc"), cJSON_CreateString(sub));
}

static const char *const user_roles_text =
	"'proxy_admin', 'proxy_admin_viewer', 'internal_user' or 'internal_user_viewer'";

static bool
is_user_role(const char *s)
{
	return !strcmp(s, "proxy_admin") || !strcmp(s, "proxy_admin_viewer") ||
	       !strcmp(s, "internal_user") || !strcmp(s, "internal_user_viewer");
}

static void
literal_err(cJSON *detail, const char *field, int index, const char *sub, const cJSON *v,
            const char *expected)
{
	char *msg = emu_strf("Input should be %s", expected);
	cJSON *ctx = cJSON_CreateObject();

	emu_oom_check(ctx);
	emu_add_str(ctx, "expected", expected);
	emu_verr(detail, "literal_error", "body", field, index, msg, v, ctx);
	if (sub)   /* nested: loc body, field, index, sub */
		last_loc_push(detail, sub);
	free(msg);
}

static bool
is_numeric_text(const char *s, bool integer)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return false;
	if (integer)
		strtoll(s, &end, 10);
	else
		strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	return *end == 0;
}

static void
check_float(cJSON *detail, const char *f, const cJSON *v)
{
	if (cJSON_IsNumber(v) || cJSON_IsBool(v))
		return;
	if (cJSON_IsString(v)) {
		if (!is_numeric_text(v->valuestring, false))
			emu_verr(detail, "float_parsing", "body", f, -1,
			         "Input should be a valid number, unable to parse string as a number",
			         v, NULL);
		return;
	}
	emu_verr(detail, "float_type", "body", f, -1, "Input should be a valid number", v, NULL);
}

static void
check_int(cJSON *detail, const char *f, const cJSON *v)
{
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble != floor(v->valuedouble))
			emu_verr(detail, "int_from_float", "body", f, -1,
			         "Input should be a valid integer, got a number with a fractional part",
			         v, NULL);
		return;
	}
	if (cJSON_IsBool(v))
		return;
	if (cJSON_IsString(v)) {
		if (!is_numeric_text(v->valuestring, true))
			emu_verr(detail, "int_parsing", "body", f, -1,
			         "Input should be a valid integer, unable to parse string as an integer",
			         v, NULL);
		return;
	}
	emu_verr(detail, "int_type", "body", f, -1, "Input should be a valid integer", v, NULL);
}

static void
check_bool(cJSON *detail, const char *f, const cJSON *v)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "1", "0",
	                                    "t", "f", "y", "n", NULL};

	if (cJSON_IsBool(v))
		return;
	if (cJSON_IsNumber(v) && (v->valuedouble == 0 || v->valuedouble == 1))
		return;
	if (cJSON_IsString(v)) {
		for (int i = 0; words[i]; i++)
			if (strcasecmp(words[i], v->valuestring) == 0)
				return;
		emu_verr(detail, "bool_parsing", "body", f, -1,
		         "Input should be a valid boolean, unable to interpret input", v, NULL);
		return;
	}
	if (cJSON_IsNumber(v)) {
		emu_verr(detail, "bool_parsing", "body", f, -1,
		         "Input should be a valid boolean, unable to interpret input", v, NULL);
		return;
	}
	emu_verr(detail, "bool_type", "body", f, -1, "Input should be a valid boolean", v, NULL);
}

static void
check_member(cJSON *detail, const char *f, int index, const cJSON *v)
{
	const cJSON *role, *uid, *mail;
	static const char *const strs[] = {"user_id", "user_email", NULL};

	if (!cJSON_IsObject(v)) {
		emu_verr(detail, "model_attributes_type", "body", f, index,
		         "Input should be a valid dictionary or object to extract fields from", v,
		         NULL);
		return;
	}
	uid = cJSON_GetObjectItemCaseSensitive(v, "user_id");
	mail = cJSON_GetObjectItemCaseSensitive(v, "user_email");
	if ((!uid || cJSON_IsNull(uid)) && (!mail || cJSON_IsNull(mail))) {
		cJSON *ctx = cJSON_CreateObject();
		emu_oom_check(ctx);
		emu_add(ctx, "error", cJSON_CreateObject());
		emu_verr(detail, "value_error", "body", f, index,
		         "Value error, Either user id or user email must be provided", v, ctx);
		return;
	}
	role = cJSON_GetObjectItemCaseSensitive(v, "role");
	if (!role) {
		emu_verr(detail, "missing", "body", f, index, "Field required", v, NULL);
		last_loc_push(detail, "role");
	}
	for (int i = 0; strs[i]; i++) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(v, strs[i]);
		if (s && !cJSON_IsNull(s) && !cJSON_IsString(s)) {
			emu_verr(detail, "string_type", "body", f, index, "Input should be a valid string",
			         s, NULL);
			last_loc_push(detail, strs[i]);
		}
	}
	if (!role)
		return;
	if (!cJSON_IsString(role) ||
	    (strcmp(role->valuestring, "admin") && strcmp(role->valuestring, "user")))
		literal_err(detail, f, index, "role", role, "'admin' or 'user'");
}

static void
check_field(cJSON *detail, const struct emu_field *fd, const cJSON *v)
{
	const char *f = fd->name;

	if (cJSON_IsNull(v))
		return;
	switch (fd->type) {
	case EMU_F_STR:
		if (!cJSON_IsString(v))
			emu_verr(detail, "string_type", "body", f, -1, "Input should be a valid string",
			         v, NULL);
		break;
	case EMU_F_FLOAT:
		check_float(detail, f, v);
		break;
	case EMU_F_INT:
		check_int(detail, f, v);
		break;
	case EMU_F_BOOL:
		check_bool(detail, f, v);
		break;
	case EMU_F_LIST:
	case EMU_F_STRLIST:
		if (!cJSON_IsArray(v)) {
			emu_verr(detail, "list_type", "body", f, -1, "Input should be a valid list", v,
			         NULL);
			break;
		}
		if (fd->type == EMU_F_STRLIST) {
			int i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++)
				if (!cJSON_IsString(e))
					emu_verr(detail, "string_type", "body", f, i,
					         "Input should be a valid string", e, NULL);
		}
		break;
	case EMU_F_DICT:
		if (!cJSON_IsObject(v))
			emu_verr(detail, "dict_type", "body", f, -1, "Input should be a valid dictionary",
			         v, NULL);
		break;
	case EMU_F_USER_ROLE:
		if (!cJSON_IsString(v) || !is_user_role(v->valuestring))
			literal_err(detail, f, -1, NULL, v, user_roles_text);
		break;
	case EMU_F_TEAM_ROLE:
		if (!cJSON_IsString(v) ||
		    (strcmp(v->valuestring, "admin") && strcmp(v->valuestring, "user")))
			literal_err(detail, f, -1, NULL, v, "'admin' or 'user'");
		break;
	case EMU_F_MEMBER:
		if (cJSON_IsArray(v)) {
			int i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++)
				check_member(detail, f, i, e);
		} else {
			check_member(detail, f, -1, v);
		}
		break;
	case EMU_F_MEMBERS:
		if (!cJSON_IsArray(v)) {
			emu_verr(detail, "list_type", "body", f, -1, "Input should be a valid list", v,
			         NULL);
			break;
		}
		{
			int i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++)
				check_member(detail, f, i, e);
		}
		break;
	case EMU_F_ANY:
		break;
	}
}

bool
emu_validate_body(struct emu_req *req, const struct emu_field *fields, struct emu_resp *resp)
{
	cJSON *detail = cJSON_CreateArray();
	cJSON *input;

	emu_oom_check(detail);
	if (req->body_len == 0 || (req->body_is_json && cJSON_IsNull(req->json))) {
		emu_verr(detail, "missing", "body", NULL, -1, "Field required", NULL, NULL);
		emu_resp_422(resp, detail);
		return false;
	}
	if (!req->body_is_json || !cJSON_IsObject(req->json)) {
		input = req->json ? cJSON_Duplicate(req->json, true) : cJSON_CreateString(req->body);
		emu_verr(detail, "model_attributes_type", "body", NULL, -1,
		         "Input should be a valid dictionary or object to extract fields from", input,
		         NULL);
		cJSON_Delete(input);
		emu_resp_422(resp, detail);
		return false;
	}
	for (const struct emu_field *fd = fields; fd->name; fd++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->json, fd->name);
		if (!v) {
			if (fd->required)
				emu_verr(detail, "missing", "body", fd->name, -1, "Field required", req->json,
				         NULL);
			continue;
		}
		if (fd->required && cJSON_IsNull(v)) {
			/* a required field is not Optional: null is a type error */
			bool list = fd->type == EMU_F_STRLIST || fd->type == EMU_F_LIST;
			emu_verr(detail, list ? "list_type" : "string_type", "body", fd->name, -1,
			         list ? "Input should be a valid list" : "Input should be a valid string",
			         v, NULL);
			continue;
		}
		check_field(detail, fd, v);
	}
	if (cJSON_GetArraySize(detail) > 0) {
		emu_resp_422(resp, detail);
		return false;
	}
	cJSON_Delete(detail);
	return true;
}

bool
emu_validate_id_or_email(struct emu_req *req, struct emu_resp *resp)
{
	const cJSON *b = req->json, *id, *mail;
	cJSON *detail, *ctx;

	if (!cJSON_IsObject(b))
		return true;   /* the body checks that follow answer it */
	id = cJSON_GetObjectItemCaseSensitive(b, "user_id");
	mail = cJSON_GetObjectItemCaseSensitive(b, "user_email");
	if ((id && !cJSON_IsNull(id)) || (mail && !cJSON_IsNull(mail)))
		return true;
	detail = cJSON_CreateArray();
	ctx = cJSON_CreateObject();
	emu_oom_check(detail);
	emu_oom_check(ctx);
	emu_add(ctx, "error", cJSON_CreateObject());
	emu_verr(detail, "value_error", "body", NULL, -1,
	         "Value error, Either user id or user email must be provided", b, ctx);
	emu_resp_422(resp, detail);
	return false;
}
