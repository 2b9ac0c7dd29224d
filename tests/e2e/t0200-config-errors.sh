#!/bin/sh
# Configuration: .migcheck and git config migcheck.* errors reach the user
# as one line with file:line and exit 2, before any command runs.
. "$(dirname "$0")/lib.sh"

unknown_key () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n\t# dirr = commented\n\tdirr = db/other\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .migcheck:4: unknown key 'migrations.dirr'"
}
run_test 'unknown key: file:line and exit 2' unknown_key

syntax_error () {
	init_repo &&
	printf '[migrations]\n\tdir = db\n[deploy\n\tref = refs/heads/main\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" check 2>err &&
	expect_equal err "migcheck: .migcheck:3: missing ']' in section header"
}
run_test 'syntax error: the line libgit2 reports, exit 2' syntax_error

bad_value () {
	init_repo &&
	printf '[Migrations]\n  Dir = db\n  DIALECT = mysql\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .migcheck:3: bad value 'mysql' for 'migrations.dialect': expected postgres or sqlite"
}
run_test 'bad value names the key, the value and what is expected' bad_value

bad_folder_runner () {
	init_repo &&
	printf '[migrations]\n\tdir = server/migrations\n[migrations "server/migrations"]\n\trunnerTool = knex\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .migcheck:4: bad value 'knex' for 'migrations.server/migrations.runnerTool': expected sequelize (migcheck's own Sequelize runner) or command (runner.up and runner.down)" &&
	printf '[migrations]\n\tdir = server/migrations\n[migrations "server/migrations"]\n\trunnerTool = sequelize\n\trunnerEnv = 1DB=x\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .migcheck:5: bad value '1DB=x' for 'migrations.server/migrations.runnerEnv': expected NAME=VALUE with a variable name of letters, digits and '_'"
}
run_test 'a folder'"'"'s runnerTool and runnerEnv are checked as runner.tool and runner.env' bad_folder_runner

edited_with_git_config () {
	init_repo &&
	git config -f .migcheck migrations.dir db/migrations &&
	git config -f .migcheck --add migrations.dir db/seeds &&
	git config -f .migcheck migrations.requireDown maybe &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .migcheck:4: bad value 'maybe' for 'migrations.requireDown': expected true or false"
}
run_test 'a .migcheck written by git config -f is read the same way' edited_with_git_config

unknown_severity_code () {
	init_repo &&
	printf '[severity]\n\tmissing-down = warning\n\tmodifed-deployed = off\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .migcheck:3: unknown finding code 'modifed-deployed' in 'severity.modifed-deployed'"
}
run_test 'severity of an unknown finding code' unknown_severity_code

bad_severity () {
	init_repo &&
	printf '[severity]\n\tmissing-down = fatal\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .migcheck:2: bad value 'fatal' for 'severity.missing-down': expected error, warning or off"
}
run_test 'severity value other than error, warning, off' bad_severity

bad_pattern () {
	init_repo &&
	printf '[models]\n\tpattern = [a-\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_grep "^migcheck: .migcheck:2: bad value '\[a-' for 'models.pattern': " err
}
run_test 'models.pattern must be a valid POSIX ERE' bad_pattern

password_not_printed () {
	init_repo &&
	printf '[scratch]\n\tpostgres = mysql://admin:hunter2@db/app\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_grep "^migcheck: .migcheck:2: bad value for 'scratch.postgres'" err &&
	expect_no_grep hunter2 err
}
run_test 'a bad scratch.postgres never prints its password' password_not_printed

env_scratch_url () {
	init_repo &&
	MIGCHECK_SCRATCH_URL='mysql://admin:hunter2@db/app' &&
	export MIGCHECK_SCRATCH_URL &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_grep "^migcheck: bad value for MIGCHECK_SCRATCH_URL" err &&
	expect_no_grep hunter2 err
}
run_test 'MIGCHECK_SCRATCH_URL is validated without printing it' env_scratch_url

git_config_overlay_error () {
	init_repo &&
	printf '[migrations]\n\tdir = db/migrations\n' >.migcheck &&
	git config migcheck.migrations.dialect oracle &&
	line=$(grep -n 'dialect = oracle' .git/config | cut -d: -f1) &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .git/config:$line: bad value 'oracle' for 'migcheck.migrations.dialect': expected postgres or sqlite"
}
run_test 'git config migcheck.<section>.<key> is validated with its line' git_config_overlay_error

git_config_sectionless_key () {
	init_repo &&
	git config migcheck.dir db &&
	line=$(grep -n 'dir = db' .git/config | cut -d: -f1) &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: .git/config:$line: unknown key 'migcheck.dir'"
}
run_test 'git config migcheck.<key> without a section is an unknown key' git_config_sectionless_key

from_subdirectory () {
	init_repo &&
	mkdir -p db/migrations &&
	printf '[deploy]\n\tref = main\n' >.migcheck &&
	expect_code 2 "$MIGCHECK" -C db/migrations list 2>err &&
	expect_grep "^migcheck: .migcheck:2: bad value 'main' for 'deploy.ref'" err
}
run_test 'config is read from the repository root, also from a subfolder' from_subdirectory

config_is_directory () {
	init_repo &&
	mkdir .migcheck &&
	expect_code 2 "$MIGCHECK" list 2>err &&
	expect_equal err "migcheck: cannot read '.migcheck': it is a directory"
}
run_test '.migcheck that is a directory' config_is_directory

help_despite_broken_config () {
	init_repo &&
	printf '[broken\n' >.migcheck &&
	"$MIGCHECK" list --help >out &&
	[ -s out ]
}
run_test '--help works with a broken .migcheck' help_despite_broken_config

bare_reads_head () {
	init_repo src &&
	(cd src && printf '[migrations]\n\tdir = db\n\tdirr = x\n' >.migcheck &&
	 commit_all 'add config') &&
	git clone -q --bare src bare.git &&
	expect_code 2 "$MIGCHECK" -C bare.git check 2>err &&
	expect_equal err "migcheck: HEAD:.migcheck:3: unknown key 'migrations.dirr'"
}
run_test 'a bare repository reads .migcheck from HEAD' bare_reads_head

bare_config_is_a_folder () {
	init_repo src &&
	(cd src && mkdir .migcheck && : >.migcheck/x && commit_all 'a folder') &&
	git clone -q --bare src bare.git &&
	expect_code 2 "$MIGCHECK" -C bare.git check 2>err &&
	expect_equal err "migcheck: cannot read 'HEAD:.migcheck': it is not a file"
}
run_test 'a bare repository whose .migcheck is a folder' bare_config_is_a_folder

bare_without_config () {
	git init -q --bare empty.git &&
	"$MIGCHECK" -C empty.git check 2>err || true &&
	expect_no_grep '\.migcheck' err
}
run_test 'a bare repository with an unborn HEAD has no config, no error' bare_without_config

valid_config () {
	init_repo &&
	printf '%s\n' '# every key' '[migrations]' '	dir = db/migrations' \
		'	format = golang-migrate' '	dialect = sqlite' '	requireDown' \
		'	table = schema_migrations' '[deploy]' '	ref = refs/remotes/origin/main' \
		'	ref = refs/tags/v*' '[models]' '	path = src/models/**' \
		'	pattern = ^src/models/.*\\.js$' '	schema = db/schema.sql' \
		'	command = node scripts/sync.js' '[runner]' '	up = ./up {file}' \
		'	down = ./down {file}' '[scratch]' '	postgres = host=/tmp dbname=postgres' \
		'[drift]' '	ignore = audit_*' '[severity]' '	missing-down = off' >.migcheck &&
	"$MIGCHECK" list >out 2>err || true &&
	expect_no_grep '\.migcheck' err &&
	expect_no_grep 'unknown key\|bad value' err
}
run_test 'a .migcheck using every key loads without a config error' valid_config

finish
