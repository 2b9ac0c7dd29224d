/*
 * cmd_list.c: 'migcheck list' (not implemented yet; see the issue that builds it).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util/banned.h"

int cmd_list(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: migcheck list\nNot implemented yet.\n", stdout);
		return MC_EXIT_OK;
	}
	return cli_error(MC_EXIT_USAGE, "'list' is not implemented yet");
}
