/* cmd_plan.c - placeholder until its owner lands the command. */
#include <stdio.h>

#include "cli.h"

int
lh_cmd_plan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Error: litehcl plan is not available in this build\n", stderr);
	return 1;
}
/* cmd_plan.c - placeholder until its owner lands the command. */
#include <stdio.h>

#include "cli.h"

int
lh_cmd_apply(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Error: litehcl apply is not available in this build\n", stderr);
	return 1;
}
/* cmd_plan.c - placeholder until its owner lands the command. */
#include <stdio.h>

#include "cli.h"

int
lh_cmd_destroy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Error: litehcl destroy is not available in this build\n", stderr);
	return 1;
}
