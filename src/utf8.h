/* utf8.h - writing code points as UTF-8: the one encoder every module that builds text
 * (escape decoding in the lexer and JSON readers, string functions, NFC, addresses)
 * uses. */
#ifndef LH_UTF8_H
#define LH_UTF8_H
#include <stddef.h>
#include <stdint.h>

/* Writes code point cp (at most 0x10FFFF; the caller rejects surrogates where it
 * must) as UTF-8 into out and returns the number of bytes written, 1 to 4. */
size_t lh_utf8_encode(uint32_t cp, char out[4]);

/* The value of hexadecimal digit c (either case), or -1 when c is not one. */
static inline int
lh_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
