#!/bin/sh
# CLI basics: help, version, unknown commands and options, exit codes.
. "$(dirname "$0")/lib.sh"

version_prints () {
	"$MIGCHECK" --version >out &&
	expect_grep '^migcheck [0-9][0-9.]*$' out
}
run_test '--version prints the version' version_prints

help_lists_commands () {
	"$MIGCHECK" --help >out &&
	for c in init list log check roundtrip drift models gate hooks help; do
		expect_grep "^  $c " out || return 1
	done
}
run_test '--help lists every command' help_lists_commands

every_command_has_help () {
	for c in init list log check roundtrip drift models gate hooks help version; do
		"$MIGCHECK" "$c" --help >out 2>err || { echo "# $c --help failed"; return 1; }
		[ -s out ] || { echo "# $c --help printed nothing"; return 1; }
		[ ! -s err ] || { echo "# $c --help wrote to stderr"; return 1; }
		"$MIGCHECK" help "$c" >out2 || return 1
		cmp -s out out2 || { echo "# help $c differs from $c --help"; return 1; }
	done
}
run_test 'every command answers --help on stdout with exit 0' every_command_has_help

no_command () {
	expect_code 2 "$MIGCHECK" 2>err &&
	expect_grep 'no command given' err
}
run_test 'no command is a usage error (exit 2)' no_command

unknown_command () {
	expect_code 2 "$MIGCHECK" frobnicate 2>err &&
	expect_equal err "migcheck: 'frobnicate' is not a migcheck command; see 'migcheck --help'"
}
run_test 'unknown command names itself (exit 2)' unknown_command

unknown_global_option () {
	expect_code 2 "$MIGCHECK" --bogus list 2>err &&
	expect_grep "^migcheck: unknown option '--bogus'" err
}
run_test 'unknown global option (exit 2)' unknown_global_option

bad_format () {
	expect_code 2 "$MIGCHECK" --format yaml list 2>err &&
	expect_grep "unknown format 'yaml'" err
}
run_test 'unknown --format value (exit 2)' bad_format

bad_color () {
	expect_code 2 "$MIGCHECK" --color sometimes list 2>err &&
	expect_grep "unknown --color value 'sometimes'" err
}
run_test 'unknown --color value (exit 2)' bad_color

not_a_repo () {
	mkdir plain &&
	expect_code 2 "$MIGCHECK" -C plain list 2>err &&
	expect_grep '^migcheck: not a git repository' err
}
run_test 'outside a git repository: exit 2 with a clear message' not_a_repo

bad_dash_c () {
	expect_code 2 "$MIGCHECK" -C does/not/exist list 2>err &&
	expect_equal err "migcheck: cannot change to 'does/not/exist': No such file or directory"
}
run_test '-C to a missing folder (exit 2)' bad_dash_c

finish
