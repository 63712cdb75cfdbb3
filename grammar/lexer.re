/* Placeholder lexer until the HCL front end lands. */
#include "parser.h"
int lh_lex_placeholder(const char *p);
int lh_lex_placeholder(const char *p)
{
	/*!re2c
	re2c:yyfill:enable = 0;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = p;
	"\x00" { return TK_EOF_; }
	*      { return -1; }
	*/
}
