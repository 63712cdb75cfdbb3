/* cmd_state.c - placeholder until its owner lands the command. */
#include <stdio.h>

#include "cli.h"

int
lh_cmd_state(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Error: litehcl state is not available in this build\n", stderr);
	return 1;
}
