/* Fuzz target: one request body of the national interface through the
 * server's handler (envelope, dispatch by infno, every transaction's input
 * validation) with no ledger behind it, so that only validation runs.
 * Whatever the input, the answer must be one JSON envelope: infcode 0 (only
 * 9001/9002 can succeed without a ledger) or -1 with an err_msg of at most
 * 200 bytes, and an HTTP status the server sends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yibao/json.h"
#include "yibao/http.h"

static void check_reply(const yb_response *r)
{
	yb_json_doc *doc = NULL;
	const yb_json *root, *code, *err, *out;

	if (r->status != 200 && r->status != 503 && r->status != 500)
		abort();
	if (yb_json_parse(&doc, r->body.ptr, r->body.len, NULL) < 0)
		abort(); /* the answer is not JSON */
	root = yb_json_root(doc);
	code = yb_json_get(root, "infcode");
	err = yb_json_get(root, "err_msg");
	out = yb_json_get(root, "output");
	if (!code || code->type != YB_JSON_NUMBER || !err || !out)
		abort();
	if (strcmp(code->str, "0") == 0) {
		if (err->type != YB_JSON_NULL || out->type != YB_JSON_OBJECT ||
		    (strcmp(r->infno, "9001") != 0 && strcmp(r->infno, "9002") != 0))
			abort();
	} else if (strcmp(code->str, "-1") == 0) {
		if (err->type != YB_JSON_STRING || err->len == 0 || err->len > YB_ERR_MSG_MAX ||
		    out->type != YB_JSON_NULL)
			abort();
	} else {
		abort();
	}
	yb_json_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static yb_handler *h;
	yb_handler_opts o;
	yb_request req;
	yb_response r;

	if (!h) {
		memset(&o, 0, sizeof(o));
		o.no_auth = 1;
		o.max_nonces = 1024;
		if (yb_handler_new(&h, NULL, &o) < 0)
			abort();
	}
	memset(&req, 0, sizeof(req));
	req.body = (const char *)data;
	req.len = size;
	memset(&r, 0, sizeof(r));
	yb_handle(h, &req, &r);
	check_reply(&r);
	yb_buf_free(&r.body);
	return 0;
}
