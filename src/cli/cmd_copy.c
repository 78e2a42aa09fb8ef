/* yibao copy --from PATH --to URL: a SQLite store into PostgreSQL. */
#include "cli.h"
#include "yibao/copy.h"
#include "yibao/error.h"

#include <stdio.h>
#include <string.h>

int cmd_copy(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	yb_buf report = YB_BUF_INIT;
	int i, rc;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--from") == 0)
			from = argv[i + 1];
		else if (strcmp(argv[i], "--to") == 0)
			to = argv[i + 1];
		else
			break;
	}
	if (i != argc || !from || !to) {
		cli_error("usage: yibao copy --from PATH --to postgresql://...");
		return 2;
	}
	rc = yb_store_copy(from, to, &report);
	if (report.ptr)
		fputs(report.ptr, stdout);
	yb_buf_free(&report);
	if (rc < 0) {
		cli_error("copy: %s", yb_error_msg());
		return rc == YB_EINVALID || rc == YB_EREFUSED ? 2 : 1;
	}
	return 0;
}
