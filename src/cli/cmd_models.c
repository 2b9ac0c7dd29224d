/*
 * cmd_models.c: 'migcheck models' (not implemented yet; see the issue that builds it).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util/banned.h"

int cmd_models(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: migcheck models\nNot implemented yet.\n", stdout);
		return MC_EXIT_OK;
	}
	return cli_error(MC_EXIT_USAGE, "'models' is not implemented yet");
}
