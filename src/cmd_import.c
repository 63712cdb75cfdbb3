/* cmd_import.c - placeholder until its owner lands the command. */
#include <stdio.h>

#include "cli.h"

int
lh_cmd_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Error: litehcl import is not available in this build\n", stderr);
	return 1;
}
