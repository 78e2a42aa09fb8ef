/* Shared by the cmocka unit tests: the includes cmocka needs and a few
 * assertions about yibao's error convention (code + message). */
#ifndef YB_TEST_UNIT_H
#define YB_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "yibao/error.h"
#include "yibao/json.h"

/* The call returned `code` and the thread's message contains `needle`. */
#define assert_fails_with(call, code, needle) do { \
	yb_error_clear(); \
	assert_int_equal((call), (code)); \
	assert_non_null(strstr(yb_error_msg(), (needle))); \
} while (0)

/* The call returned `code` and the message is exactly `msg`. */
#define assert_fails_exactly(call, code, msg) do { \
	yb_error_clear(); \
	assert_int_equal((call), (code)); \
	assert_string_equal(yb_error_msg(), (msg)); \
} while (0)

/* Parses a NUL-terminated JSON text that the test expects to be valid. */
static inline yb_json_doc *parse_ok(const char *text)
{
	yb_json_doc *doc = NULL;
	int rc = yb_json_parse(&doc, text, strlen(text), NULL);
	if (rc != 0)
		print_error("unexpected parse error: %s\n", yb_error_msg());
	assert_int_equal(rc, 0);
	assert_non_null(doc);
	return doc;
}

#endif
