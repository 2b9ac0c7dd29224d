#!/bin/sh
# Documentation stays true to the binary: every finding code registered in
# src/report/codes.c is explained in README.md and docs/migcheck.1, every
# command of 'migcheck --help' and every long option of its '--help' is in
# the man page, every configuration key of the key table is in both and in
# docs/config.md and every key they document exists, every exit status is
# documented, the man page formats without warnings, and the bash
# completion completes commands and options.
#
# When this fails after you added or changed a command, option or help text:
# build, run 'python3 docs/update-man.py build/migcheck' (it rewrites the
# synopsis and options of each command in docs/migcheck.1, and README.md's
# command reference, from --help) and
# describe anything new in the prose. After a change to src/report/codes.c:
# run 'python3 docs/update-codes.py'. A new config key: add it to the key
# table (src/config/keys.c; 'migcheck --list-config-keys' prints it), then
# document it in docs/migcheck.1 CONFIGURATION, README.md and docs/config.md
# (a folder's key in the [migrations "<dir>"] entry of each).
. "$(dirname "$0")/lib.sh"

README=$MIGCHECK_SRC/README.md
MANPAGE=$MIGCHECK_SRC/docs/migcheck.1
COMPLETION=$MIGCHECK_SRC/docs/migcheck.bash-completion

# The man page as plain words: comments dropped, roff escapes for '-' and
# fonts removed.
man_words () {
	sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/--/g' "$MANPAGE"
}

registered_codes () {
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", MC_SEV_.*/\1/p' "$MIGCHECK_SRC/src/report/codes.c"
}

commands () {
	"$MIGCHECK" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# Commands of the table that are still stubs (their help says so): the
# documentation may describe them only as planned.
planned_commands () {
	for c in $(commands); do
		"$MIGCHECK" "$c" --help 2>/dev/null | grep -q 'Not implemented yet' && echo "$c"
	done
	return 0
}

# man_words without the sections of planned commands and the finding codes.
man_words_implemented () {
	man_words | awk -v planned=" $(planned_commands | tr '\n' ' ') " '
		/^\.SS "?migcheck / {
			name = $3; gsub(/"/, "", name)
			skip = index(planned, " " name " ") > 0
		}
		/^\.SH/ { skip = 0 }
		# generated from codes.c, whose fixes may name options to come
		/^\.SH "?FINDING CODES/ { skip = 1 }
		!skip'
}

every_code_documented () {
	registered_codes >codes &&
	[ "$(wc -l <codes)" -ge 20 ] || { echo "# could not read the codes from codes.c"; return 1; }
	man_words >man.txt &&
	missing=0 &&
	while read -r code; do
		grep -q -e "\`$code\`" "$README" ||
			{ echo "# README.md does not document finding code '$code'"; missing=1; }
		grep -q -e "$code" man.txt ||
			{ echo "# docs/migcheck.1 does not document finding code '$code'"; missing=1; }
	done <codes &&
	[ "$missing" = 0 ]
}
run_test 'every finding code is in README.md and the man page' every_code_documented

every_command_in_man_page () {
	commands >cmds &&
	[ "$(wc -l <cmds)" -ge 8 ] || { echo "# could not read the command list"; return 1; }
	man_words >man.txt &&
	missing=0 &&
	while read -r c; do
		grep -q -e "^\.SS \"\{0,1\}migcheck $c\b" -e "^\.SS \"\{0,1\}$c\b" man.txt ||
			{ echo "# docs/migcheck.1 has no '.SS' section for command '$c'"; missing=1; }
		grep -q -e "migcheck $c" "$README" ||
			{ echo "# README.md never shows 'migcheck $c'"; missing=1; }
	done <cmds &&
	[ "$missing" = 0 ]
}
run_test 'every command has a section in the man page' every_command_in_man_page

every_option_in_man_page () {
	man_words >man.txt &&
	"$MIGCHECK" --help >global &&
	commands >cmds &&
	missing=0 &&
	for c in $(cat cmds); do
		"$MIGCHECK" "$c" --help >"help-$c" 2>/dev/null || continue
		for opt in $(grep -o -e '--[a-z][a-z-]*' "help-$c" global | sed 's/^[^:]*://' | sort -u); do
			grep -q -e "$opt\b" man.txt ||
				{ echo "# docs/migcheck.1 does not document '$opt' (from 'migcheck $c --help')"; missing=1; }
		done
	done &&
	[ "$missing" = 0 ]
}
run_test 'every long option of every --help is in the man page' every_option_in_man_page

no_option_that_does_not_exist () {
	man_words_implemented >man.txt &&
	"$MIGCHECK" --help >all-help &&
	for c in $(commands); do "$MIGCHECK" "$c" --help >>all-help 2>/dev/null || true; done &&
	grep -o -e '--[a-z][a-z-]*' all-help | sort -u >known &&
	missing=0 &&
	# options of migcheck itself: in .B/.BR/.BI/.RB lines and synopses;
	# examples of other programs (git fetch --depth) are in .nf blocks
	# and lines showing a git command ('.B git commit --no-verify')
	for opt in $(sed -e '/^\.nf/,/^\.fi/d' -e '/^\.B[IR]* "\{0,1\}git /d' man.txt |
	             grep -o -e '--[a-z][a-z-]*' | sort -u); do
		grep -qx -e "$opt" known ||
			{ echo "# docs/migcheck.1 documents '$opt', which no 'migcheck --help' has (mark it planned in a '.\\\" planned:' comment)"; missing=1; }
	done &&
	[ "$missing" = 0 ]
}
run_test 'the man page documents no option the binary lacks' no_option_that_does_not_exist

planned_is_said () {
	planned_commands >planned &&
	man_words >man.txt &&
	missing=0 &&
	for c in $(commands); do
		sed -n "/^\.SS \"\{0,1\}migcheck $c\b/,/^\.S[SH]/p" man.txt | sed '$d' >section
		if grep -qx "$c" planned; then
			grep -q 'Planned' section ||
				{ echo "# 'migcheck $c' is not implemented: its man page section must say 'Planned'"; missing=1; }
			grep '^Planned' "$README" | grep -qF "\`migcheck $c\`" ||
				{ echo "# 'migcheck $c' is not implemented: README.md's 'Planned' line must list it"; missing=1; }
		else
			! grep -q 'Planned' section ||
				{ echo "# 'migcheck $c' is implemented now: drop 'Planned' from its man page section"; missing=1; }
			! { grep '^Planned' "$README" | grep -qF "\`migcheck $c\`"; } ||
				{ echo "# 'migcheck $c' is implemented now: drop it from README.md's 'Planned' line"; missing=1; }
		fi
	done &&
	[ "$missing" = 0 ]
}
run_test 'commands that are stubs are documented as planned, and only those' planned_is_said

# The configuration keys, from the key table (src/config/keys.c):
# "section.key", a folder's "migrations.<dir>.<key>" and "severity.<code>".
config_keys () {
	"$MIGCHECK" --list-config-keys | cut -f1
}

# The man page's CONFIGURATION section, as plain words.
man_configuration () {
	man_words | sed -n '/^\.SH "\{0,1\}CONFIGURATION/,/^\.SH/p' | sed '1d;$d'
}

# The headings of CONFIGURATION's entries: each .TP's next line, one key
# a line ("runner.up", "runner.down"; "severity.<code>").
man_config_headings () {
	man_configuration | sed -n '/^\.TP/{n;p;}' |
		sed -e 's/^\.BI severity\. code$/severity.<code>/' -e 's/^\.BR* //' -e 's/"[^"]*"//g' |
		tr ' ' '\n' | grep -e '^[a-z][a-zA-Z]*\.[a-zA-Z<>.]*$'
}

# The keys in the first column of README.md's configuration table.
readme_config_keys () {
	sed -n 's/^| \(`[a-z][a-zA-Z]*\.[^|]*\) |.*/\1/p' "$README" |
		tr ',' '\n' | sed -n 's/^ *`\([^`]*\)` *$/\1/p'
}

every_config_key_documented () {
	config_keys >keys &&
	[ "$(wc -l <keys)" -ge 20 ] || { echo "# could not read the keys from 'migcheck --list-config-keys'"; return 1; }
	man_configuration >config.txt &&
	man_config_headings >headings &&
	# the [migrations "<dir>"] paragraph, where a folder's keys are named
	sed -n '/^\.B migrations\.<dir>\.<key>$/,/^\.TP/p' config.txt >folder.txt &&
	grep '^| `migrations\.<dir>\.<key>`' "$README" >folder.md &&
	missing=0 &&
	while read -r key; do
		case $key in
		migrations.\<dir\>.*)
			k=${key#migrations.<dir>.}
			grep -q -e "^\.BR* $k\b" folder.txt ||
				{ echo "# docs/migcheck.1 CONFIGURATION 'migrations.<dir>.<key>' does not name '$k'"; missing=1; }
			grep -qF -e "\`$k\`" folder.md ||
				{ echo "# README.md's 'migrations.<dir>.<key>' row does not name '$k'"; missing=1; } ;;
		*)
			grep -qxF -e "$key" headings ||
				{ echo "# docs/migcheck.1 CONFIGURATION does not document '$key'"; missing=1; }
			grep -qF -e "\`$key\`" "$README" ||
				{ echo "# README.md does not document config key '$key'"; missing=1; } ;;
		esac
	done <keys &&
	[ "$missing" = 0 ]
}
run_test 'every configuration key is in the man page and README.md' every_config_key_documented

every_config_key_in_config_md () {
	config_keys >keys &&
	[ "$(wc -l <keys)" -ge 20 ] &&
	missing=0 &&
	while read -r key; do
		case $key in
		migrations.\<dir\>.*)
			k=${key#migrations.<dir>.}
			grep -q -e "\`migrations.<dir>.$k\`" -e "\`\.$k\`" "$MIGCHECK_SRC/docs/config.md" ||
				{ echo "# docs/config.md does not document the folder key '$k'"; missing=1; } ;;
		*)
			grep -qF -e "\`$key\`" "$MIGCHECK_SRC/docs/config.md" ||
				{ echo "# docs/config.md does not document config key '$key'"; missing=1; } ;;
		esac
	done <keys &&
	[ "$missing" = 0 ]
}
run_test 'every configuration key, [migrations "<dir>"] ones too, is in docs/config.md' every_config_key_in_config_md

no_config_key_that_does_not_exist () {
	config_keys >keys &&
	[ "$(wc -l <keys)" -ge 20 ] &&
	echo 'migrations.<dir>.<key>' >>keys &&
	man_config_headings >headings &&
	readme_config_keys >readme &&
	[ "$(wc -l <headings)" -ge 15 ] && [ "$(wc -l <readme)" -ge 15 ] ||
		{ echo "# could not read the documented keys"; return 1; }
	missing=0 &&
	while read -r key; do
		grep -qxF -e "$key" keys ||
			{ echo "# docs/migcheck.1 CONFIGURATION documents '$key', which is not in src/config/keys.c"; missing=1; }
	done <headings &&
	while read -r key; do
		grep -qxF -e "$key" keys ||
			{ echo "# README.md's configuration table documents '$key', which is not in src/config/keys.c"; missing=1; }
	done <readme &&
	[ "$missing" = 0 ]
}
run_test 'every documented configuration key exists' no_config_key_that_does_not_exist

commands_in_docs_exist () {
	python3 "$MIGCHECK_SRC/tests/e2e/docs_commands.py" "$MIGCHECK" "$README" \
		"$MIGCHECK_SRC"/docs/recipes/*.md "$MIGCHECK_SRC"/docs/*.md
}
run_test 'every migcheck command line in README.md and the recipes exists' commands_in_docs_exist

man_page_matches_help () {
	python3 "$MIGCHECK_SRC/docs/update-man.py" "$MIGCHECK" --check
}
run_test 'the man page'"'"'s synopses and options match every --help' man_page_matches_help

installs_docs () {
	build=$(dirname "${MIGCHECK_WRAPPED:-$MIGCHECK}") &&
	[ -f "$build/cmake_install.cmake" ] || { echo "# no cmake_install.cmake next to $MIGCHECK"; return 1; }
	cmake --install "$build" --prefix "$PWD/prefix" >install.log 2>&1 ||
		{ sed 's/^/# /' install.log; return 1; }
	[ -x prefix/bin/migcheck ] &&
	cmp "$MANPAGE" prefix/share/man/man1/migcheck.1 &&
	cmp "$COMPLETION" prefix/share/bash-completion/completions/migcheck
}
run_test 'cmake --install puts the binary, man page and bash completion in place' installs_docs

recipes_match_hook_snippets () {
	init_repo &&
	"$MIGCHECK" hooks snippets >snippets || { echo "# 'migcheck hooks snippets' failed"; return 1; }
	cat "$MIGCHECK_SRC"/docs/recipes/*.md >recipes &&
	missing=0 &&
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		grep -qF -e "$line" recipes ||
			{ echo "# docs/recipes lack this line of 'migcheck hooks snippets': $line"; missing=1; }
	done <snippets &&
	[ "$missing" = 0 ]
}
run_test 'the hook recipes show what '"'"'migcheck hooks snippets'"'"' prints' recipes_match_hook_snippets

code_reference_up_to_date () {
	python3 "$MIGCHECK_SRC/docs/update-codes.py" --check
}
run_test 'the finding-code references match src/report/codes.c' code_reference_up_to_date

every_exit_status_documented () {
	man_words >man.txt &&
	sed -n 's/^#define MC_EXIT_[A-Z]* *\([0-9]*\).*/\1/p' "$MIGCHECK_SRC/src/cli/exit.h" >codes &&
	[ "$(wc -l <codes)" -ge 4 ] &&
	sed -n '/^\.SH "\{0,1\}EXIT STATUS/,/^\.SH/p' man.txt >exit.txt &&
	missing=0 &&
	while read -r n; do
		grep -q -e "^$n\$" -e "^\.B $n\$" -e "^\.IP $n\b" exit.txt ||
			{ echo "# docs/migcheck.1 EXIT STATUS does not list $n"; missing=1; }
		grep -q -e "^| $n |" "$README" ||
			{ echo "# README.md exit-status table does not list $n"; missing=1; }
	done <codes &&
	[ "$missing" = 0 ]
}
run_test 'every exit status is in the man page and README.md' every_exit_status_documented

man_page_formats_cleanly () {
	command -v groff >/dev/null 2>&1 || { echo "# groff is missing: apt-get install groff-base"; return 1; }
	LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MANPAGE" 2>warnings &&
	[ ! -s warnings ] || { sed 's/^/# /' warnings; return 1; }
}
run_test 'the man page formats without groff warnings' man_page_formats_cleanly

readme_starts_with_setup () {
	sed -n '/^    \.\/install\.sh/p' "$README" | head -2 >first &&
	expect_equal first '    ./install.sh            # installs build deps and PostgreSQL (apt), builds, installs migcheck + hooks
    ./install.sh --test     # same set-up, then builds and runs the whole test suite' &&
	first_code=$(grep -n '^    ' "$README" | head -1 | cut -d: -f2-) &&
	[ "$first_code" = '    ./install.sh            # installs build deps and PostgreSQL (apt), builds, installs migcheck + hooks' ]
}
run_test 'README.md starts with the two set-up commands' readme_starts_with_setup

# complete LINE [PROGRAM]: what the bash completion offers for LINE (cursor
# at the end), asking PROGRAM (default the binary) for its help texts.
complete_line () {
	bash -c '
		. "$1"
		__t0090_prog=$3
		migcheck () { "$__t0090_prog" "$@"; }
		read -ra COMP_WORDS <<<"$2"
		case $2 in *" ") COMP_WORDS+=("") ;; esac
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2 COMP_POINT=${#2}
		_migcheck migcheck "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' sh "$COMPLETION" "$1" "${2:-$MIGCHECK}"
}

completion_commands () {
	complete_line 'migcheck ro' >out &&
	expect_equal out 'roundtrip' &&
	complete_line 'migcheck ' >out &&
	for c in $(commands); do expect_grep "^$c\$" out || return 1; done &&
	complete_line 'migcheck help ch' >out &&
	expect_equal out 'check' &&
	complete_line 'migcheck -C . --format json ro' >out &&
	expect_equal out 'roundtrip'
}
run_test 'bash completion completes command names' completion_commands

completion_global_options () {
	complete_line 'migcheck --for' >out &&
	expect_equal out '--format' &&
	complete_line 'migcheck --format ' >out &&
	for f in text json junit sarif github markdown; do expect_grep "^$f\$" out || return 1; done &&
	complete_line 'migcheck --color al' >out &&
	expect_equal out 'always' &&
	complete_line 'migcheck init --dialect s' >out &&
	expect_equal out 'sqlite' &&
	complete_line 'migcheck init --migration-format go' >out &&
	expect_equal out 'golang-migrate
goose'
}
run_test 'bash completion completes global options and their values' completion_global_options

# A stand-in whose 'check --help' lists options, so the completion's reading
# of help texts is tested whatever the real commands offer today.
completion_command_options () {
	cat >fake <<-'FAKE'
	#!/bin/sh
	case "$*" in
	"--help") printf 'usage: migcheck <command>\ncommands:\n  check        Static checks\n  hooks        Hooks\n\n' ;;
	"check --help") printf 'usage: migcheck check\n      --staged          staged\n      --range <a>..<b>  range\n  -h, --help            help\n' ;;
	esac
	FAKE
	chmod +x fake &&
	complete_line 'migcheck check --st' "$PWD/fake" >out &&
	expect_equal out '--staged' &&
	complete_line 'migcheck --format json check --r' "$PWD/fake" >out &&
	expect_equal out '--range' &&
	complete_line 'migcheck check -' "$PWD/fake" >out &&
	expect_grep '^-h$' out && expect_grep '^--help$' out &&
	complete_line 'migcheck hooks in' "$PWD/fake" >out &&
	expect_equal out 'install'
}
run_test 'bash completion offers the options a command'"'"'s --help lists' completion_command_options

finish
