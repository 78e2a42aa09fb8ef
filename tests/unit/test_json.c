/* The JSON reader (strict RFC 8259, bounded), the typed getters with their
 * path-naming messages, and the writer. */
#include "unit.h"

#include <stdlib.h>

#include "yibao/buf.h"

/* Parses text[0..len) with lim (NULL: defaults), expecting YB_EINVALID with
 * a message containing needle. */
static void parse_bad_n(const char *text, size_t len, const yb_json_limits *lim,
			const char *needle)
{
	yb_json_doc *doc = NULL;
	int rc = yb_json_parse(&doc, text, len, lim);

	if (rc != YB_EINVALID || !strstr(yb_error_msg(), needle))
		print_error("input '%.*s': rc %d, message '%s', wanted '%s'\n",
			    (int)len, text, rc, yb_error_msg(), needle);
	assert_int_equal(rc, YB_EINVALID);
	assert_null(doc);
	assert_non_null(strstr(yb_error_msg(), needle));
	assert_non_null(strstr(yb_error_msg(), "line "));
}

static void parse_bad(const char *text, const char *needle)
{
	parse_bad_n(text, strlen(text), NULL, needle);
}

/* Parses a string literal's JSON text and returns the root's string value. */
static const char *string_of(yb_json_doc **doc, const char *text)
{
	const yb_json *v;

	*doc = parse_ok(text);
	v = yb_json_root(*doc);
	assert_int_equal(v->type, YB_JSON_STRING);
	assert_int_equal(strlen(v->str), v->len);
	return v->str;
}

/* ============================================================ reading */

static void values(void **state)
{
	yb_json_doc *doc = parse_ok(
		"{\"a\": 1, \"b\": [true, false, null], \"c\": \"x\", \"d\": -4.52e1, \"e\": {}, \"f\": []}");
	const yb_json *r = yb_json_root(doc), *b;
	(void)state;

	assert_int_equal(r->type, YB_JSON_OBJECT);
	assert_int_equal(r->len, 6);
	assert_null(r->key);
	assert_int_equal(yb_json_get(r, "a")->type, YB_JSON_NUMBER);
	assert_string_equal(yb_json_get(r, "a")->str, "1");
	assert_string_equal(yb_json_get(r, "a")->key, "a");
	b = yb_json_get(r, "b");
	assert_int_equal(b->type, YB_JSON_ARRAY);
	assert_int_equal(b->len, 3);
	assert_int_equal(b->child->type, YB_JSON_TRUE);
	assert_null(b->child->key);
	assert_int_equal(b->child->next->type, YB_JSON_FALSE);
	assert_int_equal(b->child->next->next->type, YB_JSON_NULL);
	assert_null(b->child->next->next->next);
	assert_string_equal(yb_json_get(r, "c")->str, "x");
	/* a number keeps its text: money parses it exactly */
	assert_string_equal(yb_json_get(r, "d")->str, "-4.52e1");
	assert_int_equal(yb_json_get(r, "d")->len, 7);
	assert_int_equal(yb_json_get(r, "e")->type, YB_JSON_OBJECT);
	assert_int_equal(yb_json_get(r, "e")->len, 0);
	assert_null(yb_json_get(r, "e")->child);
	assert_int_equal(yb_json_get(r, "f")->len, 0);
	yb_json_free(doc);
}

static void scalars_at_top(void **state)
{
	static const char *const ok[] = {"0", "-0", "0.5", "10", "-1.5e-3", "1E+2",
		"true", "false", "null", "\"\"", " \t\r\n 7 \n", "[]", "{}",
		"12345678901234567890123456789"};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		yb_json_free(parse_ok(ok[i]));
	yb_json_free(parse_ok("\xEF\xBB\xBF{\"bom\": 1}"));
	yb_json_free(NULL);
}

static void line_numbers(void **state)
{
	yb_json_doc *doc = parse_ok(
		"{\n"                 /* 1 */
		"  \"a\": 1,\n"       /* 2 */
		"  \"b\": [\n"        /* 3 */
		"    2,\n"            /* 4 */
		"\r\n"                /* 5 */
		"    \"x\"\n"         /* 6 */
		"  ],\n"              /* 7 */
		"  \"c\":\n"          /* 8 */
		"    {\"d\": null}\n" /* 9 */
		"}\n");
	const yb_json *r = yb_json_root(doc), *b;
	(void)state;

	assert_int_equal(r->line, 1);
	assert_int_equal(yb_json_get(r, "a")->line, 2);
	b = yb_json_get(r, "b");
	assert_int_equal(b->line, 3);
	assert_int_equal(b->child->line, 4);
	assert_int_equal(b->child->next->line, 6);
	/* a value's line is where the value starts, not its name */
	assert_int_equal(yb_json_get(r, "c")->line, 9);
	assert_int_equal(yb_json_get(yb_json_get(r, "c"), "d")->line, 9);
	yb_json_free(doc);
}

static void error_position(void **state)
{
	(void)state;
	parse_bad("{\n  \"a\": 1,\n  \"b\" 2\n}", "line 3, column 7: expected ':'");
	parse_bad("[1,\n2,\n]", "line 3, column 1");
}

static void get(void **state)
{
	yb_json_doc *doc = parse_ok("{\"a\": 1, \"b\": 2, \"\": 4}");
	yb_json_doc *bad = NULL;
	const yb_json *r = yb_json_root(doc);
	(void)state;

	assert_string_equal(yb_json_get(r, "b")->str, "2");
	assert_string_equal(yb_json_get(r, "a")->str, "1");
	/* a member twice is refused, naming it (issue 14 r1): which one the
	 * sender meant is unknown; the same name in another object is fine */
	assert_fails_exactly(yb_json_parse(&bad, "{\"a\": 1, \"b\": 2, \"a\": 3}", 24, NULL), YB_EINVALID,
			     "line 1, column 23: member \"a\" repeated");
	yb_json_free(bad);
	bad = parse_ok("{\"a\": {\"a\": 1}, \"b\": [{\"a\": 2}, {\"a\": 3}]}");
	yb_json_free(bad);
	assert_string_equal(yb_json_get(r, "")->str, "4");
	assert_null(yb_json_get(r, "c"));
	assert_null(yb_json_get(r, "A"));
	assert_null(yb_json_get(NULL, "a"));
	assert_null(yb_json_get(r->child, "a")); /* not an object */
	yb_json_free(doc);
}

static void escapes(void **state)
{
	yb_json_doc *doc;
	(void)state;

	assert_string_equal(string_of(&doc, "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), "\"\\/\b\f\n\r\t");
	yb_json_free(doc);
	assert_string_equal(string_of(&doc, "\"\\u0041\\u00e9\\u4E2D\""), "A\xc3\xa9\xe4\xb8\xad");
	yb_json_free(doc);
	/* a surrogate pair is one code point: U+1F600 */
	assert_string_equal(string_of(&doc, "\"\\ud83d\\ude00\""), "\xf0\x9f\x98\x80");
	yb_json_free(doc);
	assert_string_equal(string_of(&doc, "\"\\uD834\\uDD1E!\""), "\xf0\x9d\x84\x9e!");
	yb_json_free(doc);
	assert_string_equal(string_of(&doc, "\"\\udbff\\udfff\""), "\xf4\x8f\xbf\xbf");
	yb_json_free(doc);
	/* raw UTF-8 passes as it is */
	assert_string_equal(string_of(&doc, "\"\xe6\xb7\xae\xe5\x8c\x97 Huaibei\""),
			    "\xe6\xb7\xae\xe5\x8c\x97 Huaibei");
	yb_json_free(doc);
	assert_string_equal(string_of(&doc, "\"\xf0\x9f\x98\x80\x7f\""), "\xf0\x9f\x98\x80\x7f");
	yb_json_free(doc);
}

static void rejects_syntax(void **state)
{
	(void)state;
	parse_bad("", "unexpected end of input");
	parse_bad("   \n ", "unexpected end of input");
	parse_bad("[1,]", "line 1");
	parse_bad("[1,2,]", "line 1");
	parse_bad("{\"a\":1,}", "expected a member name");
	parse_bad("{,}", "expected a member name");
	parse_bad("[,1]", "line 1");
	parse_bad("[1 2]", "expected ',' or ']'");
	parse_bad("{\"a\":1 \"b\":2}", "expected ',' or '}'");
	parse_bad("{\"a\" 1}", "expected ':'");
	parse_bad("{a:1}", "expected a member name");
	parse_bad("{'a':1}", "expected a member name");
	parse_bad("[", "unexpected end of input");
	parse_bad("[1", "unexpected end of input");
	parse_bad("{\"a\":", "unexpected end of input");
	parse_bad("{\"a\"", "expected ':'");
	parse_bad("]", "line 1");
	parse_bad("tru", "unexpected character");
	parse_bad("nul", "unexpected character");
	parse_bad("True", "line 1");
	parse_bad("'a'", "line 1");
}

static void rejects_numbers(void **state)
{
	static const char *const bad[] = {"01", "-01", "00", "[01]", "1.", ".5",
		"-", "+1", "1e", "1e+", "1.e5", "-.5", "NaN", "Infinity", "-Infinity",
		"0x10", "1_000"};
	char longnum[80];
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		yb_json_doc *doc = NULL;
		if (yb_json_parse(&doc, bad[i], strlen(bad[i]), NULL) != YB_EINVALID)
			print_error("'%s' parsed\n", bad[i]);
		assert_null(doc);
	}
	/* number text is bounded */
	memset(longnum, '7', sizeof(longnum) - 1);
	longnum[sizeof(longnum) - 1] = '\0';
	parse_bad(longnum, "number too long");
	longnum[64] = '\0';
	yb_json_free(parse_ok(longnum));
}

static void rejects_trailing(void **state)
{
	(void)state;
	parse_bad("1 2", "trailing characters");
	parse_bad("{} x", "trailing characters");
	parse_bad("[]]", "trailing characters");
	parse_bad("nullx", "trailing characters");
	parse_bad("\"a\"\"b\"", "trailing characters");
	parse_bad("{}{}", "trailing characters");
	/* a NUL byte inside the given length is not the end */
	parse_bad_n("[1]\0", 4, NULL, "trailing characters");
}

static void rejects_strings(void **state)
{
	(void)state;
	parse_bad("\"abc", "unterminated string");
	parse_bad("\"abc\\", "unterminated string");
	parse_bad("[\"abc]", "unterminated string");
	parse_bad("\"a\x01z\"", "control character in string");
	parse_bad("\"a\nz\"", "control character in string");
	parse_bad("\"a\tz\"", "control character in string");
	parse_bad_n("\"a\0z\"", 5, NULL, "control character in string");
	parse_bad("\"\\x\"", "bad escape");
	parse_bad("\"\\U0041\"", "bad escape");
	parse_bad("[\"\\u12\"]", "bad \\u escape");
	parse_bad("\"\\u12G4\"", "bad \\u escape");
	parse_bad("\"\\u12", "truncated \\u escape");
	parse_bad("\"\\u0000\"", "NUL character");
}

static void rejects_utf8(void **state)
{
	(void)state;
	parse_bad("\"\xff\"", "invalid UTF-8");
	parse_bad("\"\x80\"", "invalid UTF-8");         /* lone continuation */
	parse_bad("\"\xc0\xaf\"", "invalid UTF-8");     /* overlong '/' */
	parse_bad("\"\xe0\x80\xaf\"", "invalid UTF-8"); /* overlong, 3 bytes */
	parse_bad("\"\xed\xa0\x80\"", "invalid UTF-8"); /* encoded surrogate */
	parse_bad("\"\xf4\x90\x80\x80\"", "invalid UTF-8"); /* above U+10FFFF */
	parse_bad("\"\xf5\x80\x80\x80\"", "invalid UTF-8");
	parse_bad("\"\xe4\xb8\"", "invalid UTF-8");     /* truncated */
	parse_bad("\"\xe4\xb8", "invalid UTF-8");       /* truncated at the end */
	parse_bad("\"\xe4\x41\xad\"", "invalid UTF-8");
	parse_bad("{\"\xff\": 1}", "invalid UTF-8");    /* in a name too */
}

static void rejects_surrogates(void **state)
{
	(void)state;
	parse_bad("\"\\ud800\"", "unpaired surrogate");
	parse_bad("\"\\udbff\"", "unpaired surrogate");
	parse_bad("\"\\udc00\"", "unpaired surrogate");
	parse_bad("\"\\ude00\\ud83d\"", "unpaired surrogate"); /* wrong order */
	parse_bad("\"\\ud800\\u0041\"", "unpaired surrogate");
	parse_bad("\"\\ud800\\ud800\"", "unpaired surrogate");
	parse_bad("\"\\ud800x\"", "unpaired surrogate");
	parse_bad("\"\\ud800\\n\"", "unpaired surrogate");
	parse_bad("\"\\ud800", "unpaired surrogate");
}

/* Returns a malloc'd text of n nested arrays around "1", or of objects. */
static char *nested(int n, int objects)
{
	char *s = malloc((size_t)n * 6 + 2), *o = s;
	int i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		if (objects) {
			memcpy(o, "{\"k\":", 5);
			o += 5;
		} else {
			*o++ = '[';
		}
	}
	*o++ = '1';
	for (i = 0; i < n; i++)
		*o++ = objects ? '}' : ']';
	*o = '\0';
	return s;
}

static void depth_limit(void **state)
{
	static const yb_json_limits three = {3, 100};
	char *s;
	(void)state;

	s = nested(1000, 0);
	parse_bad(s, "nested too deeply");
	free(s);
	s = nested(1000, 1);
	parse_bad(s, "nested too deeply");
	free(s);
	s = nested(65, 0);
	parse_bad(s, "nested too deeply");
	free(s);
	s = nested(64, 0); /* the default limit itself is fine */
	yb_json_free(parse_ok(s));
	free(s);
	s = nested(64, 1);
	yb_json_free(parse_ok(s));
	free(s);
	/* a deep unclosed prefix fails without reading past the limit */
	s = nested(100000, 0);
	s[100000] = '\0';
	parse_bad(s, "nested too deeply");
	free(s);

	parse_bad_n("[[[[1]]]]", 9, &three, "nested too deeply");
	{
		yb_json_doc *doc = NULL;
		assert_int_equal(yb_json_parse(&doc, "[[[1]]]", 7, &three), 0);
		yb_json_free(doc);
		assert_int_equal(yb_json_parse(&doc, "[[],[],[{}]]", 12, &three), 0);
		yb_json_free(doc);
	}
}

static void string_limit(void **state)
{
	static const yb_json_limits eight = {8, 8};
	yb_json_doc *doc = NULL;
	(void)state;

	assert_int_equal(yb_json_parse(&doc, "\"12345678\"", 10, &eight), 0);
	yb_json_free(doc);
	parse_bad_n("\"123456789\"", 11, &eight, "string too long");
	/* the limit counts bytes after unescaping */
	assert_int_equal(yb_json_parse(&doc, "\"\\u4e2d\\u4e2d\"", 14, &eight), 0);
	yb_json_free(doc);
	parse_bad_n("\"\\u4e2d\\u4e2d\\u4e2d\"", 20, &eight, "string too long");
	parse_bad_n("\"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\"", 11, &eight, "string too long");
	parse_bad_n("\"\\ud83d\\ude00\\ud83d\\ude00!\"", 27, &eight, "string too long");
	/* member names too */
	parse_bad_n("{\"123456789\": 1}", 16, &eight, "string too long");
	/* a long string under the default limit */
	{
		size_t n = 65536 + 2;
		char *s = malloc(n + 2);
		assert_non_null(s);
		memset(s, 'a', n);
		s[0] = '"';
		s[n - 1] = '"';
		assert_int_equal(yb_json_parse(&doc, s, n, NULL), 0);
		assert_int_equal(yb_json_root(doc)->len, 65536);
		yb_json_free(doc);
		s[n - 1] = 'a';
		s[n] = '"';
		parse_bad_n(s, n + 1, NULL, "string too long");
		free(s);
	}
}

static void many_values(void **state)
{
	yb_buf b = YB_BUF_INIT;
	yb_json_doc *doc;
	const yb_json *c;
	long i;
	(void)state;

	/* enough values to need several arena blocks */
	yb_buf_putc(&b, '[');
	for (i = 0; i < 20000; i++)
		yb_buf_printf(&b, "%s{\"n\":%ld,\"s\":\"v%ld\"}", i ? "," : "", i, i);
	yb_buf_putc(&b, ']');
	doc = parse_ok(b.ptr);
	assert_int_equal(yb_json_root(doc)->len, 20000);
	for (i = 0, c = yb_json_root(doc)->child; c; c = c->next, i++) {
		char want[32];
		snprintf(want, sizeof(want), "v%ld", i);
		assert_string_equal(yb_json_get(c, "s")->str, want);
	}
	assert_int_equal(i, 20000);
	yb_json_free(doc);
	yb_buf_free(&b);
}

/* ====================================================== typed getters */

static const char *const getters_doc =
	"{\"visits\": [{}, {\"feedetail\": [{\n"
	"  \"det_item_fee_sumamt\": \"4.525\", \"num\": 4.52, \"str\": \"69.6\",\n"
	"  \"ratio\": \"0.00005\", \"price\": 1.0000001, \"bool\": true,\n"
	"  \"name\": \"amoxicillin\", \"code\": 310, \"nul\": null,\n"
	"  \"d\": \"2024-02-30\", \"d2\": \"20240229\", \"dn\": 20240229,\n"
	"  \"t\": \"2024-03-01 09:30:00\", \"t2\": \"2024-03-01 25:00:00\",\n"
	"  \"arr\": [1], \"obj\": {}\n"
	"}]}]}";

/* The chain visits[1].feedetail[0] on the stack, and the line object. */
typedef struct chain {
	yb_jpath visits, v1, fd, f0;
	yb_json_doc *doc;
	const yb_json *line;
} chain;

static int chain_setup(void **state)
{
	static chain c;
	const yb_json *v;
	yb_jpath visits = YB_JPATH_KEY(NULL, "visits");

	c.doc = parse_ok(getters_doc);
	c.visits = visits;
	c.v1 = (yb_jpath)YB_JPATH_INDEX(&c.visits, 1);
	c.fd = (yb_jpath)YB_JPATH_KEY(&c.v1, "feedetail");
	c.f0 = (yb_jpath)YB_JPATH_INDEX(&c.fd, 0);
	v = yb_json_get(yb_json_root(c.doc), "visits")->child->next;
	c.line = yb_json_get(v, "feedetail")->child;
	*state = &c;
	return 0;
}

static int chain_teardown(void **state)
{
	chain *c = *state;
	yb_json_free(c->doc);
	return 0;
}

static void jget_decimal(void **state)
{
	chain *c = *state;
	int64_t x = -7;
	int present = 9;

	assert_fails_exactly(yb_jget_decimal(c->line, &c->f0, "det_item_fee_sumamt", 1,
					     YB_SCALE_MONEY, &x, &present),
		YB_EINVALID,
		"visits[1].feedetail[0].det_item_fee_sumamt: not a decimal amount (at most 2 decimals)");
	assert_int_equal(x, -7);
	assert_int_equal(present, 0);

	assert_int_equal(yb_jget_decimal(c->line, &c->f0, "num", 1, YB_SCALE_MONEY, &x, &present), 0);
	assert_int_equal(x, 452);
	assert_int_equal(present, 1);
	assert_int_equal(yb_jget_decimal(c->line, &c->f0, "str", 1, YB_SCALE_MONEY, &x, NULL), 0);
	assert_int_equal(x, 6960);

	assert_fails_exactly(yb_jget_decimal(c->line, &c->f0, "ratio", 1, YB_SCALE_RATIO, &x, NULL),
		YB_EINVALID, "visits[1].feedetail[0].ratio: not a decimal ratio (at most 4 decimals)");
	assert_fails_exactly(yb_jget_decimal(c->line, &c->f0, "price", 1, YB_SCALE_PRICE, &x, NULL),
		YB_EINVALID, "visits[1].feedetail[0].price: not a decimal price (at most 6 decimals)");
	assert_fails_exactly(yb_jget_decimal(c->line, &c->f0, "bool", 1, YB_SCALE_MONEY, &x, NULL),
		YB_EINVALID, "visits[1].feedetail[0].bool: not a decimal amount (at most 2 decimals)");
	assert_fails_exactly(yb_jget_decimal(c->line, &c->f0, "arr", 0, YB_SCALE_MONEY, &x, NULL),
		YB_EINVALID, "visits[1].feedetail[0].arr: not a decimal amount (at most 2 decimals)");
	assert_fails_exactly(yb_jget_decimal(c->line, &c->f0, "name", 0, 0, &x, NULL),
		YB_EINVALID, "visits[1].feedetail[0].name: not a decimal number");
}

static void jget_missing(void **state)
{
	chain *c = *state;
	int64_t x = -7;
	int present = 9;
	const char *s = "kept";
	yb_date d = 5;
	const yb_json *j = c->line;

	assert_fails_exactly(yb_jget_decimal(c->line, &c->f0, "absent", 1, YB_SCALE_MONEY, &x, &present),
		YB_ENOTFOUND, "visits[1].feedetail[0].absent: missing");
	assert_int_equal(present, 0);
	/* null is absent */
	assert_fails_exactly(yb_jget_str(c->line, &c->f0, "nul", 1, 10, &s),
		YB_ENOTFOUND, "visits[1].feedetail[0].nul: missing");
	/* not required: 0, nothing written */
	present = 9;
	assert_int_equal(yb_jget_decimal(c->line, &c->f0, "absent", 0, YB_SCALE_MONEY, &x, &present), 0);
	assert_int_equal(x, -7);
	assert_int_equal(present, 0);
	assert_int_equal(yb_jget_decimal(c->line, &c->f0, "nul", 0, YB_SCALE_MONEY, &x, NULL), 0);
	assert_int_equal(yb_jget_str(c->line, &c->f0, "nul", 0, 10, &s), 0);
	assert_string_equal(s, "kept");
	assert_int_equal(yb_jget_date(c->line, &c->f0, "absent", 0, &d), 0);
	assert_int_equal(d, 5);
	assert_int_equal(yb_jget_array(c->line, &c->f0, "absent", 0, &j), 0);
	assert_null(j);
	assert_fails_exactly(yb_jget_object(c->line, &c->f0, "absent", 1, &j),
		YB_ENOTFOUND, "visits[1].feedetail[0].absent: missing");
	/* getters on something that is not an object find nothing */
	assert_fails_exactly(yb_jget_str(c->line->child, &c->f0, "name", 1, 10, &s),
		YB_ENOTFOUND, "visits[1].feedetail[0].name: missing");
}

static void jget_str_code(void **state)
{
	chain *c = *state;
	const char *s = NULL;
	char code[8] = "zz";

	assert_int_equal(yb_jget_str(c->line, &c->f0, "name", 1, 11, &s), 0);
	assert_string_equal(s, "amoxicillin");
	assert_fails_exactly(yb_jget_str(c->line, &c->f0, "name", 1, 10, &s),
		YB_EINVALID, "visits[1].feedetail[0].name: longer than 10 bytes");
	/* a number's text serves as a string (codes arrive either way) */
	assert_int_equal(yb_jget_str(c->line, &c->f0, "code", 1, 10, &s), 0);
	assert_string_equal(s, "310");
	assert_fails_exactly(yb_jget_str(c->line, &c->f0, "arr", 1, 10, &s),
		YB_EINVALID, "visits[1].feedetail[0].arr: not a string");
	assert_fails_exactly(yb_jget_str(c->line, &c->f0, "bool", 1, 10, &s),
		YB_EINVALID, "visits[1].feedetail[0].bool: not a string");

	assert_int_equal(yb_jget_code(c->line, &c->f0, "code", 1, code, sizeof(code)), 0);
	assert_string_equal(code, "310");
	assert_int_equal(yb_jget_code(c->line, &c->f0, "code", 1, code, 4), 0);
	assert_string_equal(code, "310");
	memcpy(code, "zz", 3);
	assert_fails_exactly(yb_jget_code(c->line, &c->f0, "code", 1, code, 3),
		YB_EINVALID, "visits[1].feedetail[0].code: longer than 2 bytes");
	assert_string_equal(code, "zz");
	assert_int_equal(yb_jget_code(c->line, &c->f0, "absent", 0, code, sizeof(code)), 0);
	assert_string_equal(code, "zz");
}

static void jget_dates(void **state)
{
	chain *c = *state;
	yb_date d = 5;
	yb_datetime t = 5;

	assert_fails_exactly(yb_jget_date(c->line, &c->f0, "d", 1, &d),
		YB_EINVALID, "visits[1].feedetail[0].d: not a date (YYYY-MM-DD)");
	assert_int_equal(d, 5);
	assert_int_equal(yb_jget_date(c->line, &c->f0, "d2", 1, &d), 0);
	assert_int_equal(d, yb_date_from_ymd(2024, 2, 29));
	/* a date is a string, not a number */
	assert_fails_exactly(yb_jget_date(c->line, &c->f0, "dn", 1, &d),
		YB_EINVALID, "visits[1].feedetail[0].dn: not a date (YYYY-MM-DD)");
	assert_int_equal(yb_jget_datetime(c->line, &c->f0, "t", 1, &t), 0);
	assert_int_equal(t, (yb_datetime)yb_date_from_ymd(2024, 3, 1) * 86400 + 9 * 3600 + 1800);
	assert_fails_exactly(yb_jget_datetime(c->line, &c->f0, "t2", 1, &t),
		YB_EINVALID, "visits[1].feedetail[0].t2: not a time (YYYY-MM-DD HH:MM:SS)");
	assert_fails_exactly(yb_jget_datetime(c->line, &c->f0, "dn", 1, &t),
		YB_EINVALID, "visits[1].feedetail[0].dn: not a time (YYYY-MM-DD HH:MM:SS)");
}

static void jget_containers(void **state)
{
	chain *c = *state;
	const yb_json *j = NULL;

	assert_int_equal(yb_jget_array(c->line, &c->f0, "arr", 1, &j), 0);
	assert_int_equal(j->type, YB_JSON_ARRAY);
	assert_int_equal(yb_jget_object(c->line, &c->f0, "obj", 1, &j), 0);
	assert_int_equal(j->type, YB_JSON_OBJECT);
	assert_fails_exactly(yb_jget_array(c->line, &c->f0, "obj", 1, &j),
		YB_EINVALID, "visits[1].feedetail[0].obj: not an array");
	assert_null(j);
	assert_fails_exactly(yb_jget_object(c->line, &c->f0, "arr", 1, &j),
		YB_EINVALID, "visits[1].feedetail[0].arr: not an object");
	assert_fails_exactly(yb_jget_object(c->line, &c->f0, "name", 0, &j),
		YB_EINVALID, "visits[1].feedetail[0].name: not an object");
}

static void jpath(void **state)
{
	chain *c = *state;
	yb_jpath root = YB_JPATH_INDEX(NULL, 3), k = YB_JPATH_KEY(&root, "a");
	char buf[64];

	yb_jpath_format(buf, sizeof(buf), &c->f0);
	assert_string_equal(buf, "visits[1].feedetail[0]");
	yb_jpath_format(buf, sizeof(buf), NULL);
	assert_string_equal(buf, "");
	yb_jpath_format(buf, sizeof(buf), &k);
	assert_string_equal(buf, "[3].a");
	/* a small buffer truncates and stays terminated */
	memset(buf, 'x', sizeof(buf));
	yb_jpath_format(buf, 10, &c->f0);
	assert_string_equal(buf, "visits[1]");
	yb_jpath_format(buf, 1, &c->f0);
	assert_string_equal(buf, "");

	assert_fails_exactly(yb_jpath_error(NULL, NULL, "bad %d", 7), YB_EINVALID, "bad 7");
	assert_fails_exactly(yb_jpath_error(NULL, "admdvs", "no %s", "policy"),
			     YB_EINVALID, "admdvs: no policy");
	assert_fails_exactly(yb_jpath_error(&c->v1, NULL, "not an object"),
			     YB_EINVALID, "visits[1]: not an object");
}

/* ============================================================ writing */

static void writer_values(void **state)
{
	yb_buf b = YB_BUF_INIT;
	yb_jw w;
	(void)state;

	yb_jw_init(&w, &b);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "s", "x");
	yb_jw_str(&w, "n", NULL);
	yb_jw_int(&w, "i", -5);
	yb_jw_int(&w, "big", INT64_MIN);
	yb_jw_dec(&w, "cnt", 30000, YB_SCALE_COUNT);
	yb_jw_money(&w, "m", 452);
	yb_jw_money(&w, "neg", -1);
	yb_jw_ratio(&w, "r1", 500);
	yb_jw_ratio(&w, "r2", 10000);
	yb_jw_ratio(&w, "r3", 0);
	yb_jw_bool(&w, "t", 1);
	yb_jw_bool(&w, "f", 0);
	yb_jw_null(&w, "z");
	yb_jw_raw(&w, "raw", "[1,2]", 5);
	yb_jw_strn(&w, "cut", "abcdef", 3);
	yb_jw_arr(&w, "a");
	yb_jw_int(&w, NULL, 1);
	yb_jw_obj(&w, NULL);
	yb_jw_end(&w, '}');
	yb_jw_arr(&w, NULL);
	yb_jw_end(&w, ']');
	yb_jw_str(&w, NULL, "y");
	yb_jw_end(&w, ']');
	yb_jw_obj(&w, "o");
	yb_jw_int(&w, "k", 2);
	yb_jw_end(&w, '}');
	yb_jw_end(&w, '}');
	assert_string_equal(b.ptr,
		"{\"s\":\"x\",\"n\":null,\"i\":-5,\"big\":-9223372036854775808,"
		"\"cnt\":3.0000,\"m\":4.52,\"neg\":-0.01,\"r1\":0.05,\"r2\":1,\"r3\":0,"
		"\"t\":true,\"f\":false,\"z\":null,\"raw\":[1,2],\"cut\":\"abc\","
		"\"a\":[1,{},[],\"y\"],\"o\":{\"k\":2}}");
	assert_int_equal(b.len, strlen(b.ptr));
	yb_buf_free(&b);
}

static void writer_escaping(void **state)
{
	yb_buf b = YB_BUF_INIT;
	yb_jw w;
	yb_json_doc *doc;
	const char *s = "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f \xe6\xb7\xae\xe5\x8c\x97";
	(void)state;

	yb_jw_init(&w, &b);
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "k\"\n", s);
	yb_jw_end(&w, '}');
	assert_string_equal(b.ptr,
		"{\"k\\\"\\n\":\"q\\\"b\\\\s/\\n\\r\\t\\u0008\\u000c\\u0001\\u001f\x7f "
		"\xe6\xb7\xae\xe5\x8c\x97\"}");
	/* and it reads back as the same text */
	doc = parse_ok(b.ptr);
	assert_string_equal(yb_json_get(yb_json_root(doc), "k\"\n")->str, s);
	yb_json_free(doc);
	yb_buf_free(&b);

	yb_json_escape(&b, "", 0);
	assert_string_equal(b.ptr, "\"\"");
	yb_buf_free(&b);
}

/* Commas must follow every element, also past 255 of them in one array
 * (a per-level counter of one byte once wrapped to "no value yet"). */
static void writer_many_elements(void **state)
{
	yb_buf b = YB_BUF_INIT;
	yb_jw w;
	yb_json_doc *doc;
	const yb_json *c, *o;
	size_t commas = 0, i;
	int n;
	(void)state;

	yb_jw_init(&w, &b);
	yb_jw_obj(&w, NULL);
	yb_jw_arr(&w, "a");
	for (n = 0; n < 1000; n++)
		yb_jw_int(&w, NULL, n);
	yb_jw_end(&w, ']');
	yb_jw_obj(&w, "o");
	for (n = 0; n < 600; n++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", n);
		yb_jw_arr(&w, key);
		yb_jw_end(&w, ']');
	}
	yb_jw_end(&w, '}');
	yb_jw_int(&w, "after", 1);
	yb_jw_end(&w, '}');
	for (i = 0; i < b.len; i++)
		commas += b.ptr[i] == ',';
	assert_int_equal(commas, 999 + 1 + 599 + 1);

	doc = parse_ok(b.ptr);
	c = yb_json_get(yb_json_root(doc), "a");
	assert_int_equal(c->len, 1000);
	for (n = 0, c = c->child; c; c = c->next, n++) {
		char want[16];
		snprintf(want, sizeof(want), "%d", n);
		assert_string_equal(c->str, want);
	}
	o = yb_json_get(yb_json_root(doc), "o");
	assert_int_equal(o->len, 600);
	assert_non_null(yb_json_get(o, "k599"));
	assert_non_null(yb_json_get(yb_json_root(doc), "after"));
	yb_json_free(doc);
	yb_buf_free(&b);
}

static void writer_value_round_trip(void **state)
{
	static const char *const text =
		"{ \"a\" : [ 1 , -2.50e3 , true , false , null ] ,\n"
		"  \"s\" : \"\\u00e9\\n\\\"\" , \"o\" : { \"x\" : { } , \"y\" : [ [ ] ] } }";
	static const char *const compact =
		"{\"a\":[1,-2.50e3,true,false,null],\"s\":\"\xc3\xa9\\n\\\"\","
		"\"o\":{\"x\":{},\"y\":[[]]}}";
	yb_buf b = YB_BUF_INIT, b2 = YB_BUF_INIT;
	yb_jw w;
	yb_json_doc *doc = parse_ok(text), *doc2;
	(void)state;

	yb_jw_init(&w, &b);
	yb_jw_value(&w, NULL, yb_json_root(doc));
	assert_string_equal(b.ptr, compact);
	doc2 = parse_ok(b.ptr);
	yb_jw_init(&w, &b2);
	yb_jw_arr(&w, NULL);
	yb_jw_value(&w, NULL, yb_json_root(doc2));
	yb_jw_value(&w, NULL, yb_json_root(doc2));
	yb_jw_end(&w, ']');
	assert_int_equal(b2.len, 2 * b.len + 3);
	yb_json_free(doc);
	yb_json_free(doc2);
	yb_buf_free(&b);
	yb_buf_free(&b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values),
		cmocka_unit_test(scalars_at_top),
		cmocka_unit_test(line_numbers),
		cmocka_unit_test(error_position),
		cmocka_unit_test(get),
		cmocka_unit_test(escapes),
		cmocka_unit_test(rejects_syntax),
		cmocka_unit_test(rejects_numbers),
		cmocka_unit_test(rejects_trailing),
		cmocka_unit_test(rejects_strings),
		cmocka_unit_test(rejects_utf8),
		cmocka_unit_test(rejects_surrogates),
		cmocka_unit_test(depth_limit),
		cmocka_unit_test(string_limit),
		cmocka_unit_test(many_values),
		cmocka_unit_test_setup_teardown(jget_decimal, chain_setup, chain_teardown),
		cmocka_unit_test_setup_teardown(jget_missing, chain_setup, chain_teardown),
		cmocka_unit_test_setup_teardown(jget_str_code, chain_setup, chain_teardown),
		cmocka_unit_test_setup_teardown(jget_dates, chain_setup, chain_teardown),
		cmocka_unit_test_setup_teardown(jget_containers, chain_setup, chain_teardown),
		cmocka_unit_test_setup_teardown(jpath, chain_setup, chain_teardown),
		cmocka_unit_test(writer_values),
		cmocka_unit_test(writer_escaping),
		cmocka_unit_test(writer_many_elements),
		cmocka_unit_test(writer_value_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
