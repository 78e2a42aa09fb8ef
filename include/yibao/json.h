/* A small JSON reader and writer.
 *
 * Why not jansson: jansson turns every number into a double, and amounts of
 * 16 digits with 2 decimals do not survive that. This reader keeps the text
 * of each number so money parses exactly (money.h), bounds depth and string
 * length, and records the line of every value for error messages.
 *
 * A document owns all its values; they live until yb_json_free(). */
#ifndef YB_JSON_H
#define YB_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/money.h"

typedef enum {
	YB_JSON_NULL,
	YB_JSON_FALSE,
	YB_JSON_TRUE,
	YB_JSON_NUMBER, /* str holds the number's text */
	YB_JSON_STRING, /* str holds the unescaped UTF-8 text, NUL-terminated */
	YB_JSON_ARRAY,
	YB_JSON_OBJECT
} yb_json_type;

typedef struct yb_json yb_json;
struct yb_json {
	yb_json_type type;
	uint32_t line;    /* 1-based line where the value starts */
	const char *key;  /* member name when inside an object, else NULL */
	const char *str;  /* string or number text */
	size_t len;       /* length of str, or number of children */
	yb_json *child;   /* first element or member */
	yb_json *next;    /* next sibling */
};

typedef struct yb_json_limits {
	int max_depth;     /* nesting of arrays and objects */
	size_t max_string; /* bytes in one string after unescaping */
} yb_json_limits;

#define YB_JSON_LIMITS_DEFAULT { 64, 65536 }

typedef struct yb_json_doc yb_json_doc;

/* Parses text. On failure returns YB_EINVALID with "line L, column C: ...". */
int yb_json_parse(yb_json_doc **out, const char *text, size_t len,
		  const yb_json_limits *limits);
const yb_json *yb_json_root(const yb_json_doc *doc);
void yb_json_free(yb_json_doc *doc);

/* Member of an object by name, or NULL (also when obj is not an object). */
const yb_json *yb_json_get(const yb_json *obj, const char *key);

/* ---- reading typed fields with error messages that name the field ----
 *
 * A path is a chain on the stack; it is formatted only when an error is
 * reported: "visits[1].feedetail[0].det_item_fee_sumamt". */
typedef struct yb_jpath {
	const struct yb_jpath *parent;
	const char *key; /* member name, or NULL for an array index */
	long index;
} yb_jpath;

#define YB_JPATH_KEY(parent, k) { (parent), (k), -1 }
#define YB_JPATH_INDEX(parent, i) { (parent), NULL, (long)(i) }

/* Writes the path as text into buf (size n). */
void yb_jpath_format(char *buf, size_t n, const yb_jpath *p);
/* Sets YB_EINVALID "path.key: msg" and returns it. */
int yb_jpath_error(const yb_jpath *p, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Each getter reads obj[key]. Absent or null: YB_ENOTFOUND with a
 * "missing" message when required, else 0 leaving *out unchanged (and
 * *present, where there is one, 0). Wrong type or text: YB_EINVALID. */
int yb_jget_str(const yb_json *obj, const yb_jpath *p, const char *key,
		int required, size_t maxlen, const char **out);
/* Copies a code (string, or number text) into out[cap]. */
int yb_jget_code(const yb_json *obj, const yb_jpath *p, const char *key,
		 int required, char *out, size_t cap);
int yb_jget_decimal(const yb_json *obj, const yb_jpath *p, const char *key,
		    int required, int scale, int64_t *out, int *present);
int yb_jget_date(const yb_json *obj, const yb_jpath *p, const char *key,
		 int required, yb_date *out);
int yb_jget_datetime(const yb_json *obj, const yb_jpath *p, const char *key,
		     int required, yb_datetime *out);
/* Returns the array obj[key] (NULL when absent and not required). */
int yb_jget_array(const yb_json *obj, const yb_jpath *p, const char *key,
		  int required, const yb_json **out);
int yb_jget_object(const yb_json *obj, const yb_jpath *p, const char *key,
		   int required, const yb_json **out);

/* ---- writing ----
 * Commas and nesting are tracked; key is NULL inside arrays and at top. */
#define YB_JW_MAX_DEPTH 80 /* above the reader's default depth */
typedef struct yb_jw {
	yb_buf *b;
	int depth;
	unsigned char count[YB_JW_MAX_DEPTH]; /* 1 once a level has a value */
} yb_jw;

void yb_jw_init(yb_jw *w, yb_buf *b);
void yb_jw_obj(yb_jw *w, const char *key);
void yb_jw_arr(yb_jw *w, const char *key);
void yb_jw_end(yb_jw *w, char close); /* close is '}' or ']' */
void yb_jw_str(yb_jw *w, const char *key, const char *val); /* NULL: null */
void yb_jw_strn(yb_jw *w, const char *key, const char *val, size_t n);
void yb_jw_int(yb_jw *w, const char *key, int64_t v);
/* A decimal number with exactly `scale` decimals: money is 2. */
void yb_jw_dec(yb_jw *w, const char *key, int64_t v, int scale);
static inline void yb_jw_money(yb_jw *w, const char *key, yb_money v)
{
	yb_jw_dec(w, key, v, YB_SCALE_MONEY);
}
/* A ratio in basis points, printed trimmed: 0.05, 0.6, 1. */
void yb_jw_ratio(yb_jw *w, const char *key, int32_t bp);
void yb_jw_bool(yb_jw *w, const char *key, int v);
void yb_jw_null(yb_jw *w, const char *key);
/* Writes an already-serialised JSON value. */
void yb_jw_raw(yb_jw *w, const char *key, const char *json, size_t n);
/* Re-serialises a parsed value compactly. */
void yb_jw_value(yb_jw *w, const char *key, const yb_json *v);
void yb_json_escape(yb_buf *b, const char *s, size_t n);

#endif
