/*
 * migration_internal.h: what the discovery code shares between its files:
 * the file-name matchers of each format and the section parser used by the
 * single-file formats (dbmate, goose, sql-migrate).
 */
#ifndef MIGCHECK_MIGRATION_INTERNAL_H
#define MIGCHECK_MIGRATION_INTERNAL_H

#include <stddef.h>

#include "migcheck/migration.h"
#include "migcheck/vec.h"

/* Which part of a migration a file holds. */
enum {
	MC_PART_UP = 1,
	MC_PART_DOWN = 2,
	MC_PART_BOTH = 3 /* one file, sections or code inside */
};

/* What a file's name says about it. Strings are owned (mc_free). */
struct mc_name_info {
	mc_format format;
	mc_migration_kind kind;
	char *version;
	char *name;
	char *dialect;        /* popx: "postgres", "sqlite3", ... or NULL */
	const char *language; /* static: NULL for SQL, "go", "java", "js" */
	int part;             /* MC_PART_* */
	int autocommit;       /* popx ".autocommit": no transaction */
};

void mc_name_info__dispose(struct mc_name_info *n);

/*
 * Name matchers, one per format: 1 when base (a file name without folder)
 * fits the format (info filled), 0 when not, MC_ENOMEM.
 */
int mc_fmt_golang_migrate__match(struct mc_name_info *out, const char *base);
int mc_fmt_popx__match(struct mc_name_info *out, const char *base);
int mc_fmt_dbmate__match(struct mc_name_info *out, const char *base);
int mc_fmt_goose__match(struct mc_name_info *out, const char *base);
int mc_fmt_sql_migrate__match(struct mc_name_info *out, const char *base);
int mc_fmt_flyway__match(struct mc_name_info *out, const char *base);
int mc_fmt_plain__match(struct mc_name_info *out, const char *base);
int mc_fmt_sequelize__match(struct mc_name_info *out, const char *base);
/** 1 when the file's down is an empty function (*line: where), else 0. */
int mc_fmt_sequelize__empty_down(const char *s, size_t len, unsigned *line);

/* The matcher of a format; NULL for MC_FORMAT_AUTO. */
typedef int (*mc_fmt__matcher)(struct mc_name_info *out, const char *base);
mc_fmt__matcher mc_format__matcher(mc_format f);

/* popx: 1 when name is a dialect popx knows (postgres, cockroach, mysql,
 * sqlite3, sqlite). */
int mc_fmt_popx__is_dialect(const char *s, size_t len);
/* popx: 1 when base has popx's shape ({version}_..., .up.sql or .down.sql)
 * but not its pattern (a dot in the name), so popx skips the file. */
int mc_fmt_popx__skipped(const char *base);
/* popx: 1 when a file's dialect serves the configured one. */
int mc_fmt_popx__dialect_serves(const char *file_dialect, mc_dialect want);

/* Folders no walk of the work tree enters: dot folders, build output,
 * dependencies (finddirs.c). */
int mc_migration__skip_dir(const char *name);
/* Folders of tests and examples, by their own name (scan.c). */
int mc_migration__test_dir(const char *name);

/* Helpers for the matchers (version.c). */
/* Length of the run of ASCII digits at s. */
size_t mc_version__digits(const char *s);
/* 1 when base ends with suffix. */
int mc_name__ends_with(const char *base, const char *suffix);
/* Fill version/name from [s, s+vlen) and [n, n+nlen); MC_ENOMEM. */
int mc_name_info__set(struct mc_name_info *out,
                      const char *v,
                      size_t vlen,
                      const char *n,
                      size_t nlen);

/* ---- sections (sections.c) ---- */

/* Marker syntax of one single-file format. */
struct mc_sections_syntax {
	const char *prefix;      /* "+goose", "+migrate", "migrate:" */
	const char *display;     /* "-- +goose" for messages */
	int word_needs_space;    /* "+goose Up" vs "migrate:up" */
	int has_blocks;          /* StatementBegin / StatementEnd */
	int has_notx;            /* goose: "-- +goose NO TRANSACTION" */
	int has_envsub;          /* goose: "-- +goose ENVSUB ON|OFF" */
	const char *notx_option; /* after Up/Down: no transaction */
	const char *tx_option;   /* after Up/Down: a transaction, or NULL */
};

extern const struct mc_sections_syntax mc_fmt_goose__syntax;
extern const struct mc_sections_syntax mc_fmt_sql_migrate__syntax;
extern const struct mc_sections_syntax mc_fmt_dbmate__syntax;

struct mc_section {
	int part;      /* MC_PART_UP or MC_PART_DOWN */
	size_t marker; /* offset of the directive line */
	size_t begin,
	        end;   /* content: after the directive line up to the next */
	unsigned line; /* line of begin (1-based) */
	int no_transaction;
};

struct mc_section_problem {
	unsigned line;
	char *message; /* owned */
};

struct mc_sections {
	mc_vec sections;     /* struct mc_section* in file order */
	mc_vec problems;     /* struct mc_section_problem* */
	int no_transaction;  /* file-wide (goose NO TRANSACTION) */
	size_t preamble_end; /* offset of the first directive (or len) */
};

/**
 * Run the section state machine over data (BOM already skipped; offsets
 * and lines count from data). Problems (unknown directive, unbalanced
 * StatementBegin/End) are collected, not returned as errors.
 * @return 0 or MC_ENOMEM
 */
int mc_sections_parse(struct mc_sections *out,
                      const char *data,
                      size_t len,
                      const struct mc_sections_syntax *syn);
void mc_sections_dispose(struct mc_sections *s);
/** 1 when data holds a line that is a directive of syn (used by detection). */
int mc_sections_has_marker(const char *data,
                           size_t len,
                           const struct mc_sections_syntax *syn);

#endif
