/*
 * compare.c: the applied set of a tracking table against the repository.
 *
 * Tools keyed by version (dbmate, goose, Flyway) list every applied one;
 * golang-migrate and Alembic keep only the newest, so everything up to it
 * counts as applied; Sequelize and knex record file names.
 */
#include "migcheck/drift.h"

#include <ctype.h>
#include <string.h>

#include "migcheck/alloc.h"
#include "migcheck/errors.h"
#include "drift_internal.h"
#include "util/banned.h"

/*
 * Versions compare by numeric segments: "001" = "1", and Flyway's
 * "1_1" (file name) = "1.1" (history table).
 */
int mc_drift__version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t la, lb;
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			for (size_t i = 0; i < la; i++)
				if (a[i] != b[i])
					return a[i] < b[i] ? -1 : 1;
			a += la;
			b += lb;
			continue;
		}
		{
			int ca = (*a == '_') ? '.' : (unsigned char)*a;
			int cb = (*b == '_') ? '.' : (unsigned char)*b;
			if (ca != cb)
				return ca < cb ? -1 : 1;
		}
		a++;
		b++;
	}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : (path ? path : "");
}

/* "20240101-x.js" matches "20240101-x.js", "20240101-x" and ".ts" twins. */
static int name_matches(const char *file, const char *recorded)
{
	const char *f = base_name(file);
	const char *fdot = strrchr(f, '.');
	const char *rdot = strrchr(recorded, '.');
	size_t fl = fdot ? (size_t)(fdot - f) : strlen(f);
	size_t rl = rdot ? (size_t)(rdot - recorded) : strlen(recorded);
	if (!strcmp(f, recorded))
		return 1;
	return fl == rl && !strncmp(f, recorded, fl);
}

static const char *migration_file(const mc_migration *m)
{
	if (m->up && m->up->path)
		return m->up->path;
	if (m->down && m->down->path)
		return m->down->path;
	return NULL;
}

static int matches(const mc_migration *m, const mc_drift_applied *a)
{
	if (a->by_name) {
		const char *f = migration_file(m);
		return f && name_matches(f, a->id);
	}
	return m->version && !mc_drift__version_cmp(m->version, a->id);
}

static int counts(const mc_migration *m)
{
	/* repeatable migrations are re-run on change, not tracked by version */
	return m->kind != MC_MIGRATION_REPEATABLE;
}

const mc_migration *mc_drift__dirty_migration(const mc_drift_history *h,
                                              const mc_migration_list *list)
{
	for (size_t i = 0; h && list && i < h->applied.len; i++) {
		const mc_drift_applied *a = h->applied.items[i];
		if (!a->dirty)
			continue;
		for (size_t j = 0; j < list->items.len; j++) {
			const mc_migration *m = list->items.items[j];
			if (counts(m) && matches(m, a))
				return m;
		}
	}
	return NULL;
}

int mc_drift_history_compare(mc_vec *replay,
                             mc_report *report,
                             const mc_drift_history *h,
                             const mc_migration_list *list,
                             unsigned flags)
{
	size_t n = list ? list->items.len : 0;
	unsigned char *state = NULL; /* 0 pending, 1 applied, 2 dirty */
	const char *newest = NULL;
	int error = 0;

	MC_ASSERT_ARG(report && h);
	if (n && !(state = mc_calloc(n, 1)))
		return mc_error_set_oom();
	if ((flags & MC_DRIFT_REQUIRE_APPLIED) &&
	    (error = mc_report_set_severity(report, "pending", MC_SEV_ERROR)) <
	            0)
		goto done;

	for (size_t i = 0; i < h->applied.len; i++) {
		const mc_drift_applied *a = h->applied.items[i];
		size_t hit = (size_t)-1;

		for (size_t j = 0; j < n; j++) {
			const mc_migration *m = list->items.items[j];
			if (counts(m) && matches(m, a)) {
				hit = j;
				break;
			}
		}
		if (h->head_only || a->baseline) {
			/* everything up to the recorded version is applied */
			for (size_t j = 0; j < n; j++) {
				const mc_migration *m = list->items.items[j];
				if (!counts(m) || a->by_name)
					continue;
				if (mc_drift__version_cmp(m->version, a->id) <
				            0 &&
				    !state[j])
					state[j] = 1;
			}
		}
		if (hit == (size_t)-1 && a->baseline && !a->dirty)
			continue; /* a baseline needs no file of its own */
		if (hit == (size_t)-1) {
			error = mc_report_add(
			        report, NULL, "unknown-applied", NULL, 0, a->id,
			        a->detail,
			        "the database records migration '%s' (%s), which is not in the repository",
			        a->id, h->table);
			if (error < 0)
				goto done;
			if (a->dirty &&
			    (error = mc_report_add(
			             report, NULL, "dirty", NULL, 0, a->id,
			             a->detail,
			             "migration '%s' is recorded as failed or half-applied in %s",
			             a->id, h->table)) < 0)
				goto done;
			continue;
		}
		if (a->dirty) {
			const mc_migration *m = list->items.items[hit];
			state[hit] = 2;
			error = mc_report_add(
			        report, NULL, "dirty", migration_file(m), 0,
			        m->version, a->detail,
			        "migration '%s' is recorded as failed or half-applied in %s",
			        a->id, h->table);
			if (error < 0)
				goto done;
		} else {
			state[hit] = 1;
		}
	}

	for (size_t j = n; j-- > 0;) {
		const mc_migration *m = list->items.items[j];
		if (state[j] == 1) {
			newest = m->version;
			break;
		}
	}
	for (size_t j = 0; j < n; j++) {
		const mc_migration *m = list->items.items[j];
		char *detail = NULL;
		if (!counts(m) || state[j])
			continue;
		if (newest && mc_drift__version_cmp(m->version, newest) < 0 &&
		    !(detail = mc_asprintf(
		              "older than '%s', the newest applied migration: "
		              "it was skipped or merged late",
		              newest))) {
			error = mc_error_set_oom();
			goto done;
		}
		error = mc_report_add(
		        report, NULL, "pending", migration_file(m), 0,
		        m->version, detail,
		        "migration '%s' is not applied to the database",
		        m->version);
		mc_free(detail);
		if (error < 0)
			goto done;
	}

	if (replay) {
		for (size_t j = 0; j < n; j++) {
			if (state[j] != 1)
				continue;
			if ((error = mc_vec_push(replay,
			                         list->items.items[j])) < 0)
				goto done;
		}
	}
done:
	mc_free(state);
	return error;
}
