/* cmd_hcl2json.c - placeholder until its owner lands the command. */
#include <stdio.h>

#include "cli.h"

int
lh_cmd_hcl2json(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Error: litehcl hcl2json is not available in this build\n", stderr);
	return 1;
}
