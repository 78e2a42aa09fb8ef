/* Fuzz target: the JSON reader with default and tight limits, the decimal
 * and date parsers on every scalar it reads, and the writer on the tree:
 * what the writer prints must read back and print the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/json.h"
#include "yibao/money.h"

static void scalars(const yb_json *v)
{
	const yb_json *c;
	int64_t x;
	yb_date d;
	yb_datetime t;
	int scale;

	for (; v; v = v->next) {
		if (v->type == YB_JSON_NUMBER || v->type == YB_JSON_STRING) {
			for (scale = 0; scale <= YB_SCALE_PRICE; scale += 2)
				yb_decimal_parse(&x, v->str, v->len, scale);
			yb_date_parse(&d, v->str, v->len);
			yb_datetime_parse(&t, v->str, v->len);
		}
		if (v->type == YB_JSON_OBJECT)
			for (c = v->child; c; c = c->next)
				if (yb_json_get(v, c->key) == NULL)
					abort(); /* every member is found by its name */
		scalars(v->child); /* depth is bounded by the reader */
	}
}

static void print(yb_buf *b, const yb_json *v)
{
	yb_jw w;
	yb_jw_init(&w, b);
	yb_jw_value(&w, NULL, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const yb_json_limits tight = {4, 16};
	yb_json_doc *doc = NULL, *again = NULL;
	yb_buf a = YB_BUF_INIT, b = YB_BUF_INIT;

	if (yb_json_parse(&doc, (const char *)data, size, &tight) == 0)
		yb_json_free(doc);
	doc = NULL;
	if (yb_json_parse(&doc, (const char *)data, size, NULL) < 0)
		return 0;
	scalars(yb_json_root(doc));
	print(&a, yb_json_root(doc));
	if (!a.oom) {
		if (yb_json_parse(&again, a.ptr, a.len, NULL) < 0)
			abort(); /* the writer printed something the reader refuses */
		print(&b, yb_json_root(again));
		if (!b.oom && (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0))
			abort(); /* printing is not stable */
	}
	yb_json_free(again);
	yb_json_free(doc);
	yb_buf_free(&a);
	yb_buf_free(&b);
	return 0;
}
