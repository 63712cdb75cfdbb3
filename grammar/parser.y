/* Placeholder grammar until the HCL front end lands. */
%name lhParse
%token_prefix TK_
%extra_argument { int *ok }
%syntax_error { *ok = 0; }
file ::= EOF_.
