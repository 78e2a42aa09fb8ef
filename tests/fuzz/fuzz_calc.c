/* Fuzz target: yibao calc input under the Huaibei policy (run from the
 * repository root). Bad input is an error naming a field (YB_EINVALID,
 * YB_ENOTFOUND, YB_EOVERFLOW); good input gives JSON that reads back. Any
 * other failure, such as a broken identity, aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/ledger.h"

#define POLICY "policies/340600.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int checked;
	yb_calc_opts opts = {POLICY, NULL};
	yb_buf out = YB_BUF_INIT;
	yb_json_doc *doc = NULL;
	int rc;

	if (!checked) {
		/* without the policy every input would fail early and the
		 * run would look clean while testing nothing */
		if (access(POLICY, R_OK) != 0) {
			fprintf(stderr, "fuzz_calc: %s not found: run from the repository root\n", POLICY);
			exit(2);
		}
		checked = 1;
	}
	rc = yb_calc(&out, (const char *)data, size, &opts);
	if (rc == 0) {
		if (yb_json_parse(&doc, out.ptr, out.len, NULL) < 0)
			abort(); /* calc printed something that is not JSON */
		yb_json_free(doc);
	} else if (rc != YB_EINVALID && rc != YB_ENOTFOUND && rc != YB_EOVERFLOW) {
		/* calc checks the identities of NHSA.md after every settlement
		 * and fails with YB_ERROR when one breaks: an engine bug */
		fprintf(stderr, "fuzz_calc: %d %s\n", rc, yb_error_msg());
		abort();
	}
	yb_buf_free(&out);
	return 0;
}
