/* parser.y - the HCL 2 native syntax grammar (lemon).
 *
 * Syntax only: every action is one call into the tree constructors of ast.c.  Tokens
 * come from grammar/lexer.re through the driver in parse.c, which drops NEWLINE tokens
 * where HCL ignores them (inside ( ), [ ], ${ }, %{ } and {for ...}), folds runs of
 * newlines into one and ends the input with a NEWLINE, so the grammar sees newlines
 * only where they separate body items or object items.  The first token selects what
 * is parsed: a body (no marker), one expression (XEXPR) or a bare template (XTMPL). */

%name lhParse
%token_prefix TK_
%token_type { lh_tok }
%default_type { lh_node * }
%extra_argument { lh_pctx *p }
%start_symbol main
%stack_size 0

%include {
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "parse_int.h"
}

%syntax_error {
	lh_parse_syntax_error(p, TOKEN);
}
%parse_failure {
	p->error = true;
}
%stack_overflow {
	p->error = true;
}

%token ILLEGAL XEXPR XTMPL.
%token NEWLINE LBRACE RBRACE LBRACKET RBRACKET LPAREN RPAREN COMMA DOT ELLIPSIS.
%token EQUALS FATARROW COLON.
%token OQUOTE CQUOTE OHEREDOC CHEREDOC TLIT TQLIT TINTERP TEND TIF TELSE TENDIF TFOR TENDFOR.
%token NUMBER NSIDENT.

%fallback IDENT TRUE FALSE NULL FOR IN IF.

%right QUESTION COLON.
%left OR.
%left AND.
%left EQ NE.
%left LT LE GT GE.
%left PLUS MINUS.
%left STAR SLASH PERCENT.
%right BANG.

/* ---- start ---- */
main ::= body(B).			{ p->result = lh_ast_body_finish(p, B); }
main ::= XEXPR expr(E).			{ p->result = E; }
main ::= XEXPR expr(E) NEWLINE.		{ p->result = E; }
main ::= XTMPL tparts(T).		{ lh_tok z = {0, 0, 0}; p->result = lh_ast_template(p, z, T, z); }

/* ---- bodies ---- */
body(A) ::= .				{ A = lh_ast_body_new(p); }
body(A) ::= body(B) NEWLINE.		{ A = B; }
body(A) ::= body(B) attr(X) NEWLINE.	{ A = lh_ast_body_add(p, B, X); }
body(A) ::= body(B) block(X) NEWLINE.	{ A = lh_ast_body_add(p, B, X); }

attr(A) ::= IDENT(N) EQUALS expr(E).	{ A = lh_ast_attr(p, N, E); }

%type labels { lh_labels }
labels(A) ::= .				{ memset(&A, 0, sizeof A); }
labels(A) ::= labels(L) IDENT(I).	{ A = lh_ast_labels_add(p, L, I, NULL); }
labels(A) ::= labels(L) template(T).	{ lh_tok z = {0, 0, 0}; A = lh_ast_labels_add(p, L, z, T); }

block(A) ::= IDENT(T) labels(L) LBRACE(O) NEWLINE body(B) RBRACE(C).
	{ A = lh_ast_block(p, T, L, O, B, C); }
block(A) ::= IDENT(T) labels(L) LBRACE(O) RBRACE(C).
	{ A = lh_ast_block(p, T, L, O, NULL, C); }
block(A) ::= IDENT(T) labels(L) LBRACE(O) attr(X) RBRACE(C).
	{ A = lh_ast_block(p, T, L, O, lh_ast_body_add(p, lh_ast_body_new(p), X), C); }

/* ---- expressions ---- */
expr(A) ::= term(X).				{ A = X; }
expr(A) ::= expr(C) QUESTION expr(T) COLON expr(F).	{ A = lh_ast_cond(p, C, T, F); }
expr(A) ::= expr(L) OR expr(R).			{ A = lh_ast_binary(p, L, LH_OP_OR, R); }
expr(A) ::= expr(L) AND expr(R).		{ A = lh_ast_binary(p, L, LH_OP_AND, R); }
expr(A) ::= expr(L) EQ expr(R).			{ A = lh_ast_binary(p, L, LH_OP_EQ, R); }
expr(A) ::= expr(L) NE expr(R).			{ A = lh_ast_binary(p, L, LH_OP_NE, R); }
expr(A) ::= expr(L) LT expr(R).			{ A = lh_ast_binary(p, L, LH_OP_LT, R); }
expr(A) ::= expr(L) LE expr(R).			{ A = lh_ast_binary(p, L, LH_OP_LE, R); }
expr(A) ::= expr(L) GT expr(R).			{ A = lh_ast_binary(p, L, LH_OP_GT, R); }
expr(A) ::= expr(L) GE expr(R).			{ A = lh_ast_binary(p, L, LH_OP_GE, R); }
expr(A) ::= expr(L) PLUS expr(R).		{ A = lh_ast_binary(p, L, LH_OP_ADD, R); }
expr(A) ::= expr(L) MINUS expr(R).		{ A = lh_ast_binary(p, L, LH_OP_SUB, R); }
expr(A) ::= expr(L) STAR expr(R).		{ A = lh_ast_binary(p, L, LH_OP_MUL, R); }
expr(A) ::= expr(L) SLASH expr(R).		{ A = lh_ast_binary(p, L, LH_OP_DIV, R); }
expr(A) ::= expr(L) PERCENT expr(R).		{ A = lh_ast_binary(p, L, LH_OP_MOD, R); }
expr(A) ::= MINUS(O) expr(X). [BANG]		{ A = lh_ast_unary(p, O, LH_OP_NEG, X); }
expr(A) ::= BANG(O) expr(X).			{ A = lh_ast_unary(p, O, LH_OP_NOT, X); }

term(A) ::= NUMBER(T).			{ A = lh_ast_literal(p, T); }
term(A) ::= TRUE(T).			{ A = lh_ast_literal(p, T); }
term(A) ::= FALSE(T).			{ A = lh_ast_literal(p, T); }
term(A) ::= NULL(T).			{ A = lh_ast_literal(p, T); }
term(A) ::= IDENT(T).			{ A = lh_ast_var(p, T); }
term(A) ::= template(T).		{ A = T; }
term(A) ::= LPAREN(O) expr(X) RPAREN(C).	{ A = lh_ast_paren(p, O, X, C); }
term(A) ::= term(X) DOT IDENT(N).	{ A = lh_ast_getattr(p, X, N); }
term(A) ::= term(X) DOT NUMBER(N).	{ A = lh_ast_legacy_index(p, X, N); }
term(A) ::= term(X) DOT STAR(S).	{ A = lh_ast_splat(p, X, false, S); }
term(A) ::= term(X) LBRACKET expr(K) RBRACKET(C).	{ A = lh_ast_index(p, X, K, C); }
term(A) ::= term(X) LBRACKET STAR RBRACKET(C).		{ A = lh_ast_splat(p, X, true, C); }

/* calls */
term(A) ::= IDENT(N) LPAREN(O) args(L) RPAREN(C).		{ A = lh_ast_call(p, N, O, L, C); }
term(A) ::= NSIDENT(N) LPAREN(O) args(L) RPAREN(C).	{ A = lh_ast_call(p, N, O, L, C); }
%type args { lh_list }
%type exprs { lh_list }
args(A) ::= .				{ memset(&A, 0, sizeof A); }
args(A) ::= exprs(L).			{ A = L; }
args(A) ::= exprs(L) COMMA.		{ A = L; }
args(A) ::= exprs(L) ELLIPSIS.		{ A = L; A.expand = true; }
exprs(A) ::= expr(X).			{ lh_list z = {0}; A = lh_ast_list_add(p, z, X, NULL); }
exprs(A) ::= exprs(L) COMMA expr(X).	{ A = lh_ast_list_add(p, L, X, NULL); }

/* tuples */
term(A) ::= LBRACKET(O) RBRACKET(C).			{ lh_list z = {0}; A = lh_ast_tuple(p, O, z, C); }
term(A) ::= LBRACKET(O) exprs(L) RBRACKET(C).		{ A = lh_ast_tuple(p, O, L, C); }
term(A) ::= LBRACKET(O) exprs(L) COMMA RBRACKET(C).	{ A = lh_ast_tuple(p, O, L, C); }

/* objects */
term(A) ::= LBRACE(O) objbody(L) RBRACE(C).	{ A = lh_ast_object(p, O, L, C); }
%type objbody { lh_list }
%type objitems { lh_list }
objbody(A) ::= .			{ memset(&A, 0, sizeof A); }
objbody(A) ::= NEWLINE.			{ memset(&A, 0, sizeof A); }
objbody(A) ::= objitems(L).		{ A = L; }
objbody(A) ::= objitems(L) objsep.	{ A = L; }
objbody(A) ::= NEWLINE objitems(L).	{ A = L; }
objbody(A) ::= NEWLINE objitems(L) objsep.	{ A = L; }
objsep ::= COMMA.
objsep ::= NEWLINE.
objsep ::= COMMA NEWLINE.
objitems(A) ::= expr(K) objassign expr(V).	{ lh_list z = {0}; A = lh_ast_list_add(p, z, K, V); }
objitems(A) ::= objitems(L) objsep expr(K) objassign expr(V).	{ A = lh_ast_list_add(p, L, K, V); }
objassign ::= EQUALS.
objassign ::= COLON.

/* for expressions */
%type forhead { lh_forhead }
forhead(A) ::= FOR IDENT(V) IN expr(C).		{ lh_tok z = {0, 0, 0}; A = lh_ast_forhead(p, z, V, C); }
forhead(A) ::= FOR IDENT(K) COMMA IDENT(V) IN expr(C).	{ A = lh_ast_forhead(p, K, V, C); }
term(A) ::= LBRACKET(O) forhead(H) COLON expr(V) RBRACKET(C).
	{ A = lh_ast_for(p, O, H, NULL, V, false, NULL, C); }
term(A) ::= LBRACKET(O) forhead(H) COLON expr(V) IF expr(I) RBRACKET(C).
	{ A = lh_ast_for(p, O, H, NULL, V, false, I, C); }
term(A) ::= LBRACE(O) forhead(H) COLON expr(K) FATARROW expr(V) RBRACE(C).
	{ A = lh_ast_for(p, O, H, K, V, false, NULL, C); }
term(A) ::= LBRACE(O) forhead(H) COLON expr(K) FATARROW expr(V) IF expr(I) RBRACE(C).
	{ A = lh_ast_for(p, O, H, K, V, false, I, C); }
term(A) ::= LBRACE(O) forhead(H) COLON expr(K) FATARROW expr(V) ELLIPSIS RBRACE(C).
	{ A = lh_ast_for(p, O, H, K, V, true, NULL, C); }
term(A) ::= LBRACE(O) forhead(H) COLON expr(K) FATARROW expr(V) ELLIPSIS IF expr(I) RBRACE(C).
	{ A = lh_ast_for(p, O, H, K, V, true, I, C); }

/* ---- templates ---- */
template(A) ::= OQUOTE(O) tparts(T) CQUOTE(C).		{ A = lh_ast_template(p, O, T, C); }
template(A) ::= OHEREDOC(O) tparts(T) CHEREDOC(C).	{ A = lh_ast_template(p, O, T, C); }

%type tparts { lh_tparts }
%type tpart { lh_tpart }
tparts(A) ::= .				{ memset(&A, 0, sizeof A); }
tparts(A) ::= tparts(L) tpart(X).	{ A = lh_ast_tparts_add(p, L, X); }
tpart(A) ::= TLIT(T).			{ A = lh_ast_tlit(p, T, false); }
tpart(A) ::= TQLIT(T).			{ A = lh_ast_tlit(p, T, true); }
tpart(A) ::= TINTERP(O) expr(E) TEND(C).	{ A = lh_ast_tinterp(p, O, E, C); }
tpart(A) ::= TIF(O) expr(E) TEND(C1) tparts(T) TENDIF(EO) TEND(EC).
	{ lh_tok z = {0, 0, 0}; lh_tparts n = {0}; A = lh_ast_tif(p, O, E, C1, T, z, z, n, EO, EC); }
tpart(A) ::= TIF(O) expr(E) TEND(C1) tparts(T) TELSE(LO) TEND(LC) tparts(F) TENDIF(EO) TEND(EC).
	{ A = lh_ast_tif(p, O, E, C1, T, LO, LC, F, EO, EC); }
tpart(A) ::= TFOR(O) IDENT(V) IN expr(C) TEND(C1) tparts(T) TENDFOR(EO) TEND(EC).
	{ lh_tok z = {0, 0, 0}; A = lh_ast_tfor(p, O, lh_ast_forhead(p, z, V, C), C1, T, EO, EC); }
tpart(A) ::= TFOR(O) IDENT(K) COMMA IDENT(V) IN expr(C) TEND(C1) tparts(T) TENDFOR(EO) TEND(EC).
	{ A = lh_ast_tfor(p, O, lh_ast_forhead(p, K, V, C), C1, T, EO, EC); }
