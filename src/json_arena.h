/* json_arena.h - JSON parsed into cJSON nodes that live in an arena.
 *
 * A state of 100,000 instances holds millions of small cJSON nodes; malloc'd one by
 * one they cost a header each and a free each.  Trees made here take their nodes and
 * strings from an lh_arena instead (64 bytes a node, strings packed), object keys
 * shared (lh_intern, flagged cJSON_StringIsConst).  Such a tree is read-only: it must
 * never be given to cJSON_Delete (nor any of its nodes), nor changed; it lives until
 * its arena is freed.  cJSON_Duplicate of it makes an ordinary malloc'd tree.  Numbers
 * carry their exact text as lh_cjson_parse's do (value.h). */
#ifndef LH_JSON_ARENA_H
#define LH_JSON_ARENA_H
#include <stddef.h>

#include <cjson/cJSON.h>

#include "arena.h"

/* Parses text[0..len) as lh_cjson_parse does (cJSON's grammar and limits, a leading
 * UTF-8 BOM skipped, text after the first value ignored), into a.  NULL on a syntax
 * error, *end (may be NULL) then set to where cJSON reports it; on success *end is
 * just after the value. */
cJSON *lh_json_parse_arena(lh_arena *a, const char *text, size_t len, const char **end);

/* As lh_json_parse_arena, calling fn(ctx, elem, ea) as each element of an array that
 * is the value of a member named key at nesting depth `depth` (1: the top object's
 * members) is parsed (a state's resources[i].instances: key "instances", depth 3).  fn
 * may take members out of elem (cJSON_DetachItemViaPointer) and hand their nodes to
 * lh_jeach_recycle (the node alone, not its children: they may be shared), which makes
 * the nodes parsed next.  In such a tree equal strings and equal arrays of a few
 * scalars seen lately share their bytes and elements: it is read-only all the more.  A
 * text this parser refuses - a few that cJSON accepts, see json_arena.c - is parsed
 * whole by cJSON and its tree copied; fn is never called for it. */
typedef struct lh_jeach lh_jeach;
typedef void (*lh_jeach_fn)(void *ctx, cJSON *elem, lh_jeach *ea);
cJSON *lh_json_parse_each(lh_arena *a, const char *text, size_t len, const char **end,
    const char *key, int depth, lh_jeach_fn fn, void *ctx);
void lh_jeach_recycle(lh_jeach *ea, cJSON *node);
/* Where the text stands when fn is called: just past the element it is given.  The
 * parse reads no byte before it again unless it fails (then the whole text may be read
 * once more, to say where it fails): a caller may give the pages of the text before it
 * back (state.c, whose big texts are anonymous mappings). */
const char *lh_jeach_pos(const lh_jeach *ea);
/* Says fn gave text back: a text refused is then not handed to cJSON (which would read
 * it from its start) - NULL, *end where this parser stopped. */
void lh_jeach_text_gone(lh_jeach *ea);

/* Sets n's key (a node of a tree in a): the shared copy of key (lh_intern), flagged
 * constant as this parser's keys are (a cJSON_Duplicate shares it), else a copy in a.
 * key NULL leaves n without one. */
void lh_jarena_key(lh_arena *a, cJSON *n, const char *key);

/* Appends item to o's children, keeping cJSON's layout as it goes (the first child's
 * prev is the last), so building a tree needs no tail pointer of its own. */
void lh_jarena_link(cJSON *o, cJSON *item);

/* A copy of j (deeply) in a. */
cJSON *lh_json_copy_arena(lh_arena *a, const cJSON *j);
/* The same, strings packed end to end in blocks that pk keeps between copies (for
 * many small trees; pk = {arena} to start, and only ever with that arena).  Equal
 * strings and arrays of a few scalars copied lately are shared between such trees, an
 * empty array or object at the top is one node: they are read-only all the more. */
typedef struct lh_jpack {
	lh_arena *a;
	char *blk;
	size_t left;
	struct lh_jshare *share;	/* in a, made at the first copy */
} lh_jpack;
cJSON *lh_json_copy_packed(lh_jpack *pk, const cJSON *j);

/* Scratch memory for trees read once and dropped (an HTTP answer): as an arena, but
 * lh_jscratch_reset gives everything back at once and keeps the memory for the next
 * parse, so answer after answer reuses the same pages. */
typedef struct lh_jscratch lh_jscratch;
lh_jscratch *lh_jscratch_new(void);
void lh_jscratch_reset(lh_jscratch *sc);
void lh_jscratch_free(lh_jscratch *sc);	/* NULL is ignored */
/* As lh_json_parse_arena, into sc (valid until its next reset or free). */
cJSON *lh_json_parse_scratch(lh_jscratch *sc, const char *text, size_t len, const char **end);
/* Bytes of trees sc holds now. */
size_t lh_jscratch_used(const lh_jscratch *sc);

/* As lh_json_parse_arena into a, or lh_json_parse_scratch into sc when a is NULL, on
 * any thread: nothing process-wide is used but lh_intern (which is thread-safe), so a
 * text this parser refuses is not handed to cJSON (whose parser keeps process-wide
 * state): NULL then, for a caller on the main thread to parse it again (the memory
 * the attempt took stays in a until it is freed, or in sc until its reset; *end is
 * then not set). */
cJSON *lh_json_parse_quick(lh_arena *a, lh_jscratch *sc, const char *text, size_t len,
    const char **end);

#endif
