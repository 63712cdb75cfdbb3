/* cmd_validate.c - placeholder until its owner lands the command. */
#include <stdio.h>

#include "cli.h"

int
lh_cmd_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Error: litehcl validate is not available in this build\n", stderr);
	return 1;
}
