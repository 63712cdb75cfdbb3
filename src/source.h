/* source.h - source files: bytes, display name, and the line map that turns byte
 * offsets into 1-based line and column (columns counted in characters). */
#ifndef LH_SOURCE_H
#define LH_SOURCE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct lh_diags;

/* A top-level block of a native-syntax file, as diagnostics name it ("in resource
 * "litellm_user" "dev""): its byte range, from the type keyword to past the closing
 * brace (the end of the file when it has none). */
typedef struct lh_srcblock {
	uint32_t start, end;
	const char *header;	/* type and quoted labels: resource "litellm_user" "dev" */
} lh_srcblock;

/* A segment of a parse tree (parse_int.h): an arena holding the parts of some
 * top-level blocks, freed when the last of them is released (lh_parse_release). */
typedef struct lh_treeseg {
	struct lh_arena *a;	/* NULL once freed */
	uint32_t live;		/* blocks in it not released yet */
} lh_treeseg;

/* Where lh_source_load read a file from, and what lh_source_drop_text keeps of it
 * (source.c). */
typedef struct lh_source_file lh_source_file;

typedef struct lh_source {
	const char *name;	/* display name, as the user would write it (main.tf) */
	/* the bytes, followed by a NUL sentinel (not counted); NULL while dropped
	 * (lh_source_drop_text): what reads a source after its parse takes
	 * lh_source_text */
	const char *text;
	size_t len;		/* length of text without the sentinel */
	uint32_t *lines;	/* byte offset of each line start; built lazily (NULL
				 * once dropped: file has its compact form) */
	size_t nlines;		/* entries in lines, 0 until built */
	lh_source_file *file;	/* lh_source_load's file, else NULL */
	/* top-level blocks in source order, recorded by lh_parse_file (syntax errors
	 * too, as HashiCorp's recovering parser keeps them); has_blocks is false for a
	 * source never parsed as a native-syntax body (JSON, an expression) */
	const lh_srcblock *blocks;
	size_t nblocks;
	bool has_blocks;
	/* the segments of its tree (lh_parse_file_segmented), else none */
	lh_treeseg *segs;
	size_t nsegs;
	/* a configuration file's: its tree's strings (the parse's lasting pool, in the
	 * configuration's arena) live as long as the configuration, so that values may
	 * point at its literals instead of copying them (eval.c) */
	bool lasting;
} lh_source;

/* Reads the file at path; name is what diagnostics show (path when NULL).
 * Returns NULL with an error diagnostic when it cannot be read.  Lives in a. */
lh_source *lh_source_load(lh_arena *a, const char *path, const char *name,
    struct lh_diags *d);
/* Wraps text[0..len) (copied into a, NUL-terminated) as a source named name. */
lh_source *lh_source_from_mem(lh_arena *a, const char *name, const char *text,
    size_t len);
/* Forgets the bytes of a big file read by lh_source_load once it is parsed (a
 * configuration of 10,000 blocks is 2.6 MB), keeping its line map and what columns
 * need (the lines with characters beyond ASCII): positions stay exact.  The bytes
 * are read again by lh_source_text, for a diagnostic's snippet, only when the file
 * is still what was parsed (its size, time, inode and a hash of its bytes); else they
 * are gone (the snippet is left out, as Terraform does without a file's source).
 * Sources from memory, JSON ones and small files keep their bytes. */
void lh_source_drop_text(lh_source *s);
/* The bytes of s (NUL-terminated), read again when dropped; NULL when they cannot
 * be had any more (the file changed or went). */
const char *lh_source_text(const lh_source *s);
/* Computes 1-based line and column of byte offset off (clamped to the text).
 * The column counts UTF-8 characters, not bytes. */
void lh_source_pos(const lh_source *s, uint32_t off, int *line, int *col);
/* Returns the start offset of 1-based line and stores its length without the line
 * ending in *len. */
uint32_t lh_source_line(const lh_source *s, int line, size_t *len);

#endif
