/* main.c - placeholder until the emulator lands. */
#include <stdio.h>

int
main(void)
{
	fputs("litellm-emu: not built yet\n", stderr);
	return 1;
}
