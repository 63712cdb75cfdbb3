/* func.h - the built-in functions of the Terraform language (func_*.c, one file per
 * family: numeric, string, collection, encoding, filesystem, hash/crypto, type
 * conversion, date/time).
 *
 * The evaluator evaluates the arguments (spreading a final `list...` argument) and calls
 * lh_func_call; `try` and `can` are not here: they need unevaluated arguments and are
 * special forms of the evaluator. */
#ifndef LH_FUNC_H
#define LH_FUNC_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "value.h"

typedef struct lh_func_ctx lh_func_ctx;
struct lh_func_ctx {
	lh_arena *a;		/* where results live */
	const char *basedir;	/* directory that relative paths (file, templatefile) use */
	/* templatefile, templatestring: parse text[0..len) as a template named name (for
	 * ranges in messages) and evaluate it with vars (an object or map) as its only
	 * variables.  Provided by the evaluator.  Returns NULL on failure with *err and
	 * *err_arg (0: the template does not parse, 1: vars is unfit, -1: evaluation). */
	lh_value *(*render_template)(lh_func_ctx *c, const char *name, const char *text,
	    size_t len, lh_value *vars, const char **err, int *err_arg);
	void *eval;		/* the evaluator's own context for render_template */
	/* Set by lh_func_call while an implementation runs: an argument was marked
	 * sensitive (unmarked for it), so a message must not quote it. */
	bool sensitive_args;
	/* Out, on failure: */
	int err_arg;		/* index of the offending argument, or -1 for the whole call */
	const char *err;	/* message, a full sentence ("Invalid value for \"number\"
				 * parameter: a number is required.") */
};

/* Calls the built-in function name with n evaluated arguments.  Checks the count and
 * types of the arguments (converting them as Terraform does), propagates unknown
 * (an unknown argument makes an unknown result of the right type where Terraform
 * knows it) and the sensitive mark.  Returns the result, or NULL with c->err and
 * c->err_arg set.  An unknown function name returns NULL with err_arg = -2. */
lh_value *lh_func_call(lh_func_ctx *c, const char *name, lh_value **args, size_t n);
/* A built-in function as lh_func_find finds it by name (NULL: none), and the call of
 * it, as lh_func_call (which is lh_func_find then lh_func_call_def). */
typedef struct lh_fdef lh_fdef;
const lh_fdef *lh_func_find(const char *name);
lh_value *lh_func_call_def(lh_func_ctx *c, const lh_fdef *d, lh_value **args, size_t n);
/* True when name is a built-in function (including the provider:: namespaced form
 * "provider::terraform::..." where supported). */
bool lh_func_exists(const char *name);
/* NULL-terminated list of all function names, sorted (for "did you mean"). */
const char *const *lh_func_names(void);
/* Terraform's "while calling" text of a function: the name as called and its
 * parameters' names, "join(separator, lists...)"; NULL for an unknown function. */
char *lh_func_signature(lh_arena *a, const char *name);
/* A function's signature for Terraform's JSON diagnostics (snippet.function_call): its
 * fixed parameters and, when variadic, the one each further argument takes, each a name
 * and a type (NULL: any, "dynamic"), and its result's type (NULL: "dynamic").  False
 * for an unknown function. */
typedef struct lh_func_sig {
	size_t np;
	struct lh_func_sig_param {
		const char *name;
		const struct lh_type *type;
	} params[4], var;
	bool variadic;
	const struct lh_type *ret;
} lh_func_sig;
bool lh_func_sig_of(const char *name, lh_func_sig *out);

#endif
