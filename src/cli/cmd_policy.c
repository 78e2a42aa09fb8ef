/* yibao policy check FILE...: validates policy files (and the catalogue a
 * policy names), printing every error as file:line: path: message. */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/policy.h"

#include <stdio.h>
#include <string.h>

/* A file is a catalogue when its top level has "items". */
static int is_catalogue(const char *path)
{
	FILE *f = fopen(path, "r");
	char head[4096];
	size_t n;

	if (!f)
		return 0;
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = '\0';
	return strstr(head, "\"items\"") != NULL && strstr(head, "\"benefits\"") == NULL;
}

static int check_one(const char *path)
{
	yb_diag diag = {0};
	yb_policy *pol = NULL;
	yb_catalogue *cat = NULL;
	size_t n = strlen(path);
	int rc;

	/* policies/<admdvs>.enrol.json: the enrolment part (docs/enrolment.md) */
	if (n > 11 && strcmp(path + n - 11, ".enrol.json") == 0)
		return cli_enrol_check(path);
	if (is_catalogue(path)) {
		rc = yb_catalogue_load(&cat, path, &diag);
		if (!rc)
			printf("%s: catalogue ok, %zu items\n", path, yb_catalogue_count(cat));
	} else {
		rc = yb_policy_load(&pol, path, &diag);
		if (!rc && pol->catalogue_path[0]) {
			rc = yb_catalogue_load(&cat, pol->catalogue_path, &diag);
			if (rc && !diag.count)
				fprintf(stderr, "%s\n", yb_error_msg());
		}
		if (!rc)
			printf("%s: policy %s %s ok, %zu benefits, %zu item rules, %d buckets, catalogue %zu items\n",
			       path, pol->admdvs, pol->version, pol->n_benefits, pol->n_item_rules,
			       pol->n_buckets, yb_catalogue_count(cat));
	}
	if (diag.count)
		fputs(diag.text, stderr);
	else if (rc)
		fprintf(stderr, "%s\n", yb_error_msg());
	yb_diag_free(&diag);
	yb_policy_free(pol);
	yb_catalogue_free(cat);
	return rc;
}

int cmd_policy(int argc, char **argv)
{
	int i, failed = 0;

	if (argc < 3 || strcmp(argv[1], "check") != 0) {
		cli_error("usage: yibao policy check FILE...");
		return 2;
	}
	for (i = 2; i < argc; i++)
		if (check_one(argv[i]) < 0)
			failed = 1;
	return failed ? 2 : 0;
}
