/* Moving a store from one backend to another (yibao copy). */
#ifndef YB_COPY_H
#define YB_COPY_H

#include "yibao/buf.h"

/* Copies the SQLite store at `from` into the empty PostgreSQL store at
 * `to` (created and migrated if needed), in one transaction; report gets a
 * line per table. Refuses a destination that holds any data. */
int yb_store_copy(const char *from, const char *to, yb_buf *report);

#endif
