-- forgot the column: the index goes, users.phone stays
DROP INDEX users_phone_idx;
