/* yibao calc [--policy FILE] [--catalogue FILE] [INPUT.json | -] */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/ledger.h"

#include <stdio.h>
#include <string.h>

#define MAX_CALC_INPUT (256u << 20)

int cmd_calc(int argc, char **argv)
{
	yb_calc_opts opts = {NULL, NULL};
	yb_buf in = YB_BUF_INIT, out = YB_BUF_INIT;
	const char *file = "-";
	int i, rc, code = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
			opts.policy_path = argv[++i];
		else if (strcmp(argv[i], "--catalogue") == 0 && i + 1 < argc)
			opts.catalogue_path = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("calc: unknown option '%s'\nusage: yibao calc [--policy FILE] [--catalogue FILE] [INPUT.json]", argv[i]);
			return 2;
		} else
			file = argv[i];
	}
	if ((rc = yb_buf_read_file(&in, file, MAX_CALC_INPUT)) < 0) {
		cli_error("calc: %s", yb_error_msg());
		code = 2;
		goto done;
	}
	if ((rc = yb_calc(&out, in.ptr, in.len, &opts)) < 0) {
		cli_error("calc: %s", yb_error_msg());
		code = rc == YB_EINVALID || rc == YB_ENOTFOUND || rc == YB_EOVERFLOW ? 2 : 1;
		goto done;
	}
	fwrite(out.ptr, 1, out.len, stdout);
	if (fflush(stdout) != 0)
		code = 1;
done:
	yb_buf_free(&in);
	yb_buf_free(&out);
	return code;
}
