/* yibao copy: moves a SQLite store into an empty PostgreSQL store, row for
 * row. Both schemas have the same tables and columns (schema_sqlite.h and
 * schema_pg.h are kept in step), so the copy needs no knowledge of them:
 * tables go in the order SQLite created them (a table is created after the
 * tables it references), each with COPY FROM STDIN, all in one PostgreSQL
 * transaction; then the sequences that number settlements and visits move
 * past the copied numbers. Either the whole store arrives or nothing. */
#include "yibao/copy.h"
#include "yibao/error.h"
#include "yibao/store.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The URL without the parameters only yibao reads (writers=, sharded=). */
static void libpq_url(char *out, size_t n, const char *url)
{
	const char *q = strchr(url, '?'), *p;
	size_t used;

	snprintf(out, n, "%.*s", q ? (int)(q - url) : (int)strlen(url), url);
	for (p = q ? q + 1 : ""; *p;) {
		size_t len = strcspn(p, "&");
		if (len && strncmp(p, "writers=", 8) != 0 && strncmp(p, "sharded=", 8) != 0) {
			used = strlen(out);
			snprintf(out + used, n - used, "%c%.*s", strchr(out, '?') ? '&' : '?', (int)len, p);
		}
		p += len + (p[len] == '&');
	}
}

static int pg_exec(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	int rc = ok ? 0 : yb_error_set(YB_ERROR, "%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
	return rc;
}

/* Appends a value in COPY's text format: backslash escapes, \N for NULL. */
static void put_field(yb_buf *b, sqlite3_stmt *s, int i)
{
	const unsigned char *t;
	int k, n;

	if (sqlite3_column_type(s, i) == SQLITE_NULL) {
		yb_buf_put(b, "\\N", 2);
		return;
	}
	t = sqlite3_column_text(s, i);
	n = sqlite3_column_bytes(s, i);
	for (k = 0; k < n; k++) {
		switch (t[k]) {
		case '\\': yb_buf_put(b, "\\\\", 2); break;
		case '\t': yb_buf_put(b, "\\t", 2); break;
		case '\n': yb_buf_put(b, "\\n", 2); break;
		case '\r': yb_buf_put(b, "\\r", 2); break;
		default: yb_buf_putc(b, (char)t[k]);
		}
	}
}

static int copy_table(sqlite3 *db, PGconn *pg, const char *table, long *rows)
{
	char sql[256];
	sqlite3_stmt *s = NULL;
	yb_buf cols = YB_BUF_INIT, line = YB_BUF_INIT;
	PGresult *r;
	int i, n, rc = 0, step;

	*rows = 0;
	/* rows a migration seeds (audit_head, the shipped catalogue) give way
	 * to the source's */
	snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", table);
	if ((rc = pg_exec(pg, sql)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", table);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return yb_error_set(YB_ERROR, "%s: %s", table, sqlite3_errmsg(db));
	n = sqlite3_column_count(s);
	for (i = 0; i < n; i++)
		yb_buf_printf(&cols, "%s\"%s\"", i ? "," : "", sqlite3_column_name(s, i));
	yb_buf_printf(&line, "COPY \"%s\" (%s) FROM STDIN", table, cols.ptr);
	r = PQexec(pg, line.ptr);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = yb_error_set(YB_ERROR, "%s: %s", table, PQerrorMessage(pg));
		PQclear(r);
		goto done;
	}
	PQclear(r);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		yb_buf_clear(&line);
		for (i = 0; i < n; i++) {
			if (i)
				yb_buf_putc(&line, '\t');
			put_field(&line, s, i);
		}
		yb_buf_putc(&line, '\n');
		if (line.oom || PQputCopyData(pg, line.ptr, (int)line.len) != 1) {
			rc = yb_error_set(YB_ERROR, "%s: %s", table, line.oom ? "out of memory" : PQerrorMessage(pg));
			break;
		}
		(*rows)++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = yb_error_set(YB_ERROR, "%s: %s", table, sqlite3_errmsg(db));
	if (PQputCopyEnd(pg, rc ? "copy abandoned" : NULL) != 1 && !rc)
		rc = yb_error_set(YB_ERROR, "%s: %s", table, PQerrorMessage(pg));
	while ((r = PQgetResult(pg))) {
		if (!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = yb_error_set(YB_ERROR, "%s: %s", table, PQresultErrorMessage(r));
		PQclear(r);
	}
done:
	sqlite3_finalize(s);
	yb_buf_free(&cols);
	yb_buf_free(&line);
	return rc;
}

/* The destination must hold no person, institution or settlement: a copy
 * never merges two stores. */
static int refuse_nonempty(PGconn *pg)
{
	static const char *const probe =
		"SELECT (SELECT count(*) FROM psn) + (SELECT count(*) FROM fixmedins)"
		" + (SELECT count(*) FROM setl)";
	PGresult *r = PQexec(pg, probe);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = yb_error_set(YB_ERROR, "--to: %s", PQerrorMessage(pg));
	else if (strcmp(PQgetvalue(r, 0, 0), "0") != 0)
		rc = yb_error_set(YB_EREFUSED, "--to: the destination store is not empty (it has persons, institutions or settlements)");
	PQclear(r);
	return rc;
}

/* Tables of the SQLite file in creation order. */
static int table_names(sqlite3 *db, char (**out)[64], int *n)
{
	sqlite3_stmt *s;
	char (*v)[64] = NULL;
	int cap = 0;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'"
			       " AND name NOT LIKE 'sqlite_%' ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return yb_error_set(YB_ERROR, "source: %s", sqlite3_errmsg(db));
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (*n == cap) {
			char (*p)[64] = realloc(v, (size_t)(cap = cap ? cap * 2 : 64) * 64);
			if (!p) {
				free(v);
				sqlite3_finalize(s);
				return yb_error_set(YB_ENOMEM, "out of memory");
			}
			v = p;
		}
		snprintf(v[(*n)++], 64, "%s", (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	*out = v;
	return 0;
}

int yb_store_copy(const char *from, const char *to, yb_buf *report)
{
	char url[4096], sql[256];
	char (*tables)[64] = NULL;
	yb_store *st = NULL;
	sqlite3 *db = NULL;
	PGconn *pg = NULL;
	int i, n = 0, rc;
	long rows, total = 0;

	if (strncmp(to, "postgresql://", 13) != 0 && strncmp(to, "postgres://", 11) != 0)
		return yb_error_set(YB_EINVALID, "--to: a postgresql:// URL");
	/* opening both through the store brings both schemas to this
	 * binary's version, so their tables and columns match */
	if ((rc = yb_store_open(&st, from)) < 0)
		return yb_error_prefix(rc, "--from");
	yb_store_close(st);
	if ((rc = yb_store_open(&st, to)) < 0)
		return yb_error_prefix(rc, "--to");
	yb_store_close(st);

	if (sqlite3_open_v2(from, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = yb_error_set(YB_ERROR, "--from: %s", sqlite3_errmsg(db));
		goto done;
	}
	libpq_url(url, sizeof(url), to);
	pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		rc = yb_error_set(YB_ERROR, "--to: %s", PQerrorMessage(pg));
		goto done;
	}
	PQsetNoticeProcessor(pg, NULL, NULL);
	if ((rc = pg_exec(pg, "BEGIN")) < 0 || (rc = refuse_nonempty(pg)) < 0 ||
	    (rc = table_names(db, &tables, &n)) < 0)
		goto done;
	/* a read transaction: one consistent snapshot of the source */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < n; i++) {
		if ((rc = copy_table(db, pg, tables[i], &rows)) < 0)
			goto done;
		total += rows;
		yb_buf_printf(report, "%-16s %ld rows\n", tables[i], rows);
	}
	snprintf(sql, sizeof(sql), "SELECT setval('setl_seq', coalesce(max(seq), 0) + 1, false) FROM setl");
	if ((rc = pg_exec(pg, sql)) < 0)
		goto done;
	snprintf(sql, sizeof(sql), "SELECT setval('mdtrt_seq', coalesce(max(seq), 0) + 1, false) FROM mdtrt");
	if ((rc = pg_exec(pg, sql)) < 0 || (rc = pg_exec(pg, "COMMIT")) < 0)
		goto done;
	yb_buf_printf(report, "copied %ld rows of %d tables from %s\n", total, n, from);
done:
	if (rc < 0 && pg && PQstatus(pg) == CONNECTION_OK)
		PQclear(PQexec(pg, "ROLLBACK"));
	free(tables);
	PQfinish(pg);
	sqlite3_close(db);
	return rc;
}
