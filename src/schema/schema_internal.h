/*
 * schema_internal.h: the snapshot's innards, shared by snapshot.c, diff.c
 * and the catalog readers in src/db/.
 */
#ifndef MIGCHECK_SCHEMA_INTERNAL_H
#define MIGCHECK_SCHEMA_INTERNAL_H

#include <stdint.h>
#include "migcheck/schema.h"

typedef struct {
	char *key;
	char *value;
} mc_attr;

struct mc_object {
	mc_object_kind kind;
	mc_object_kind parent_kind; /* resolved when sorting */
	char *parent;
	char *name;
	unsigned flags;
	mc_attr *attrs; /* sorted by key */
	size_t nattrs, cap;
	uint64_t hash;
};

struct mc_snapshot {
	mc_dialect engine;
	mc_object **objects;
	size_t len, cap;
	mc_object **slots; /* open addressing, power of two */
	size_t nslots;
	int sorted;
};

/** 1 when table is excluded by opts (or the default list). */
int mc_snapshot__excluded(const mc_snapshot_opts *opts, const char *table);
mc_object *mc_snapshot__lookup(const mc_snapshot *s,
                               mc_object_kind kind,
                               const char *parent,
                               const char *name);
const mc_object *mc_snapshot__find_parent(const mc_snapshot *s,
                                          const char *name);
int mc_snapshot__object_cmp(const mc_object *a, const mc_object *b);
/** Sort into canonical order and resolve parent kinds (logically const). */
void mc_snapshot__sort(const mc_snapshot *s);

#endif
