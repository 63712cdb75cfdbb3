/* cmd_validate.c - `litehcl validate [-json] [-no-color] [-var ...] [-var-file ...]`:
 * loads the configuration in the working directory and checks everything that can be
 * checked without a server (syntax, blocks, references, types, the resource types'
 * rules),
 * printing Terraform's validate output or its `validate -json` document. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "cmd_common.h"
#include "config.h"
#include "diag.h"
#include "render.h"

/* A JSON string the way Go's encoding/json writes it (<, >, & escaped). */
static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '<': fputs("\\u003c", f); break;
		case '>': fputs("\\u003e", f); break;
		case '&': fputs("\\u0026", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* v as Go's json.MarshalIndent writes it with two spaces, at nesting depth (its lines
 * after the first indented by depth + 1 levels). */
static void
json_indented(FILE *f, const cJSON *v, int depth)
{
	if (cJSON_IsString(v)) {
		json_str(f, v->valuestring);
		return;
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v)) {
		char *t = cJSON_PrintUnformatted(v);
		fputs(t ? t : "null", f);
		free(t);
		return;
	}
	bool obj = cJSON_IsObject(v);
	if (v->child == NULL) {
		fputs(obj ? "{}" : "[]", f);
		return;
	}
	fputc(obj ? '{' : '[', f);
	for (const cJSON *c = v->child; c != NULL; c = c->next) {
		fprintf(f, "%s\n%*s", c == v->child ? "" : ",", 2 * (depth + 1), "");
		if (obj) {
			json_str(f, c->string);
			fputs(": ", f);
		}
		json_indented(f, c, depth + 1);
	}
	fprintf(f, "\n%*s%c", 2 * depth, "", obj ? '}' : ']');
}

static void
json_pos(FILE *f, const lh_source *src, uint32_t off, const char *ind)
{
	int line, col;
	lh_source_pos(src, off, &line, &col);
	fprintf(f, "{\n%s  \"line\": %d,\n%s  \"column\": %d,\n%s  \"byte\": %u\n%s}", ind, line, ind, col, ind, off, ind);
}

static void
print_json(const lh_diags *d)
{
	FILE *f = stdout;
	fprintf(f, "{\n  \"format_version\": \"1.0\",\n  \"valid\": %s,\n  \"error_count\": %d,\n  \"warning_count\": %d,\n  \"diagnostics\": [",
	    d->errors ? "false" : "true", d->errors, d->warnings);
	int i = 0;
	for (const lh_diag *g = d->head; g != NULL; g = g->next, i++) {
		fputs(i ? ",\n    {\n" : "\n    {\n", f);
		fprintf(f, "      \"severity\": \"%s\",\n      \"summary\": ", g->sev == LH_DIAG_ERROR ? "error" : "warning");
		json_str(f, g->summary);
		fputs(",\n      \"detail\": ", f);
		json_str(f, g->detail ? g->detail : "");
		if (g->src != NULL) {
			fputs(",\n      \"range\": {\n        \"filename\": ", f);
			json_str(f, g->src->name);
			fputs(",\n        \"start\": ", f);
			json_pos(f, g->src, g->start, "        ");
			fputs(",\n        \"end\": ", f);
			json_pos(f, g->src, g->end, "        ");
			lh_snippet sn;
			if (!lh_diag_snippet(g, &sn)) {
				fputs("litehcl: out of memory\n", stderr);
				exit(1);
			}
			if (sn.none) {
				/* the file changed since it was read: no snippet (Terraform's
				 * JSON has none without the source) */
				lh_snippet_free(&sn);
				fputs("\n      }\n    }", f);
				continue;
			}
			fputs("\n      },\n      \"snippet\": {\n        \"context\": ", f);
			if (sn.context)
				json_str(f, sn.context);
			else
				fputs("null", f);
			fputs(",\n        \"code\": ", f);
			json_str(f, sn.code);
			lh_snippet_free(&sn);
			fprintf(f, ",\n        \"start_line\": %d,\n        \"highlight_start_offset\": %zu,\n        \"highlight_end_offset\": %zu,\n        \"values\": [",
			    sn.start_line, sn.hs, sn.he);
			for (size_t k = 0; k < g->nvalues; k++) {
				fputs(k ? ",\n          {\n            \"traversal\": " :
				    "\n          {\n            \"traversal\": ", f);
				json_str(f, g->values[k].traversal);
				fputs(",\n            \"statement\": ", f);
				json_str(f, g->values[k].statement);
				fputs("\n          }", f);
			}
			fputs(g->nvalues ? "\n        ]" : "]", f);
			cJSON *fc = lh_render_function_call(g->calling);
			if (fc != NULL) {
				fputs(",\n        \"function_call\": ", f);
				json_indented(f, fc, 4);
				cJSON_Delete(fc);
			}
			fputs("\n      }", f);
		}
		fputs("\n    }", f);
	}
	fputs(i ? "\n  ]\n}\n" : "]\n}\n", f);
}

int
lh_cmd_validate(int argc, char **argv)
{
	bool json = false, no_color = false, help = false, compact = false;
	lh_strlist vars = {0};
	lh_opt opts[] = {
		{"json", LH_OPT_BOOL, &json},
		{"no-color", LH_OPT_BOOL, &no_color},
		{"var", LH_OPT_LIST, &vars},
		{"var-file", LH_OPT_LIST, &vars},
		{"compact-warnings", LH_OPT_BOOL, &compact},	/* accepted, unlisted, as Terraform */
		{NULL, 0, NULL},
	};
	int npos = 0, rc = 1;
	lh_arena *a = NULL;
	if (!lh_cli_parse("validate", opts, argc - 1, argv + 1, &npos, &help))
		goto out;
	if (help) {	/* lh_cli_parse printed it */
		rc = 0;
		goto out;
	}
	if (npos > 0) {
		fprintf(stderr, "Error: unexpected argument: %s\ntry 'litehcl validate -help'\n", argv[1]);
		goto out;
	}
	a = lh_arena_new();
	lh_diags d;
	lh_diags_init(&d, a);
	size_t nin = 0;
	lh_var_input *in = lh_config_var_inputs(a, &vars, 3, &nin);
	lh_config *cfg = lh_config_load_opts(a, ".", in, nin, true, &d);
	if (cfg != NULL) {
		lh_config_release_trees(cfg, true);	/* read no more once validated */
		lh_config_validate(cfg, &d);
	}
	bool color = !json && lh_cli_color(no_color);
	if (json) {
		print_json(&d);
	} else {
		bool warned = d.warnings > 0;
		if (compact && d.errors == 0) {
			lh_cmd_out o = {.json = false, .color = color};
			lh_cmd_print_warnings(&o, &d, true);
		}
		lh_diags_sort(&d);	/* in Terraform's order */
		lh_diags_consolidate(&d);	/* repeated warnings folded, as Terraform does */
		for (const lh_diag *g = d.head; g != NULL; g = g->next) {
			if (g->folded)
				continue;
			/* Terraform's View.Diagnostics: boxes one after the other (the plain
			 * form starts with its blank line) */
			lh_diag_print_one(g->sev == LH_DIAG_ERROR ? stderr : stdout, g, color);
		}
		if (d.errors == 0) {
			/* Terraform wraps the sentence at 78 columns counting the colour codes */
			if (warned && color)
				printf("\033[32m\033[1mSuccess!\033[0m The configuration is valid, but there were some\nvalidation warnings as shown above.\n\033[0m\n");
			else if (warned && !lh_diag_plain())	/* the coloured text, without codes */
				printf("Success! The configuration is valid, but there were some\nvalidation warnings as shown above.\n\n");
			else if (warned)
				printf("Success! The configuration is valid, but there were some validation warnings\nas shown above.\n\n");
			else
				printf("%sSuccess!%s The configuration is valid.\n%s", color ? "\033[32m\033[1m" : "",
				    color ? "\033[0m" : "", "");
		}
	}
	rc = d.errors ? 1 : 0;
out:
	lh_strlist_free(&vars);
	lh_arena_free(a);
	return rc;
}
