/*
 * stubs.c: placeholders for the db API while the drivers are written.
 * Every fallible function fails with "not implemented"; removed as the
 * real implementations land.
 */
#include "migcheck/db.h"

#include "migcheck/errors.h"
#include "util/banned.h"

static int nyi(const char *what)
{
	return mc_error_set(MC_ERROR_DB, "%s: not implemented yet", what);
}

void mc_db_exec_error_dispose(mc_db_exec_error *err) { (void)err; }
int mc_db_open(mc_db **out, const char *url) { (void)url; *out = NULL; return nyi("mc_db_open"); }
int mc_db_open_readonly(mc_db **out, const char *url, const mc_db_readonly_opts *opts) { (void)url; (void)opts; *out = NULL; return nyi("mc_db_open_readonly"); }
void mc_db_close(mc_db *db) { (void)db; }
mc_dialect mc_db_engine(const mc_db *db) { (void)db; return MC_DIALECT_UNKNOWN; }
mc_dialect mc_db_url_engine(const char *url) { (void)url; return MC_DIALECT_SQLITE; }
int mc_db_server_version(const mc_db *db) { (void)db; return 0; }
const char *mc_db_display_url(const mc_db *db) { (void)db; return ""; }
int mc_db_in_transaction(const mc_db *db) { (void)db; return 0; }
int mc_db_exec(mc_db *db, const char *sql) { (void)db; (void)sql; return nyi("mc_db_exec"); }
int mc_db_begin(mc_db *db) { (void)db; return nyi("mc_db_begin"); }
int mc_db_commit(mc_db *db) { (void)db; return nyi("mc_db_commit"); }
int mc_db_rollback(mc_db *db) { (void)db; return nyi("mc_db_rollback"); }
int mc_db_exec_script(mc_db *db, const mc_script *s, mc_db_exec_error *err) { (void)db; (void)s; (void)err; return nyi("mc_db_exec_script"); }
int mc_db_query(mc_db_result **out, mc_db *db, const char *sql) { (void)db; (void)sql; *out = NULL; return nyi("mc_db_query"); }
size_t mc_db_result_rows(const mc_db_result *r) { (void)r; return 0; }
size_t mc_db_result_cols(const mc_db_result *r) { (void)r; return 0; }
const char *mc_db_result_colname(const mc_db_result *r, size_t col) { (void)r; (void)col; return NULL; }
const char *mc_db_result_get(const mc_db_result *r, size_t row, size_t col) { (void)r; (void)row; (void)col; return NULL; }
void mc_db_result_free(mc_db_result *r) { (void)r; }
int mc_db_table_exists(int *out, mc_db *db, const char *schema, const char *table) { (void)db; (void)schema; (void)table; *out = 0; return nyi("mc_db_table_exists"); }
int mc_db_snapshot(mc_snapshot **out, mc_db *db, const mc_snapshot_opts *opts) { (void)db; (void)opts; *out = NULL; return nyi("mc_db_snapshot"); }
int mc_url_redact(mc_buf *out, const char *url) { (void)out; (void)url; return nyi("mc_url_redact"); }
void mc_db_signals_install(void) { }
int mc_db_interrupted(void) { return 0; }
int mc_scratch_create(mc_scratch **out, mc_dialect engine, const mc_scratch_opts *opts) { (void)engine; (void)opts; *out = NULL; return nyi("mc_scratch_create"); }
const char *mc_scratch_url(const mc_scratch *s) { (void)s; return ""; }
const char *mc_scratch_display_url(const mc_scratch *s) { (void)s; return ""; }
mc_dialect mc_scratch_engine(const mc_scratch *s) { (void)s; return MC_DIALECT_UNKNOWN; }
int mc_scratch_connect(mc_db **out, mc_scratch *s) { (void)s; *out = NULL; return nyi("mc_scratch_connect"); }
int mc_scratch_reset(mc_scratch *s) { (void)s; return nyi("mc_scratch_reset"); }
int mc_scratch_remove(mc_scratch *s) { (void)s; return nyi("mc_scratch_remove"); }
void mc_scratch_free(mc_scratch *s) { (void)s; }
void mc_scratch_cleanup_all(void) { }
int mc_scratch_cleanup_stale(size_t *dropped, const char *server_url) { (void)server_url; if (dropped) *dropped = 0; return nyi("mc_scratch_cleanup_stale"); }
