/*
 * cmd_init.c: 'migcheck init' (not implemented yet; see the issue that builds it).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util/banned.h"

int cmd_init(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: migcheck init\nNot implemented yet.\n", stdout);
		return MC_EXIT_OK;
	}
	return cli_error(MC_EXIT_USAGE, "'init' is not implemented yet");
}
