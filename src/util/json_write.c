/* Streaming JSON writer: the caller says what, the writer places commas. */
#include "yibao/json.h"

#include <stdio.h>
#include <string.h>

void yb_jw_init(yb_jw *w, yb_buf *b)
{
	w->b = b;
	w->depth = 0;
	w->count[0] = 0;
}

void yb_json_escape(yb_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	yb_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		yb_buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': yb_buf_put(b, "\\\"", 2); break;
		case '\\': yb_buf_put(b, "\\\\", 2); break;
		case '\n': yb_buf_put(b, "\\n", 2); break;
		case '\r': yb_buf_put(b, "\\r", 2); break;
		case '\t': yb_buf_put(b, "\\t", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			yb_buf_put(b, u, 6);
		}
		}
	}
	yb_buf_put(b, s + run, n - run);
	yb_buf_putc(b, '"');
}

/* Comma and key before a value at the current level. */
static void prefix(yb_jw *w, const char *key)
{
	if (w->count[w->depth])
		yb_buf_putc(w->b, ',');
	w->count[w->depth] = 1;
	if (key) {
		yb_json_escape(w->b, key, strlen(key));
		yb_buf_putc(w->b, ':');
	}
}

static void open(yb_jw *w, const char *key, char c)
{
	prefix(w, key);
	yb_buf_putc(w->b, c);
	if (w->depth + 1 < YB_JW_MAX_DEPTH)
		w->depth++;
	w->count[w->depth] = 0;
}

void yb_jw_obj(yb_jw *w, const char *key)
{
	open(w, key, '{');
}

void yb_jw_arr(yb_jw *w, const char *key)
{
	open(w, key, '[');
}

void yb_jw_end(yb_jw *w, char close)
{
	yb_buf_putc(w->b, close);
	if (w->depth > 0)
		w->depth--;
}

void yb_jw_strn(yb_jw *w, const char *key, const char *val, size_t n)
{
	prefix(w, key);
	yb_json_escape(w->b, val, n);
}

void yb_jw_str(yb_jw *w, const char *key, const char *val)
{
	if (!val) {
		yb_jw_null(w, key);
		return;
	}
	yb_jw_strn(w, key, val, strlen(val));
}

void yb_jw_int(yb_jw *w, const char *key, int64_t v)
{
	prefix(w, key);
	yb_buf_printf(w->b, "%lld", (long long)v);
}

void yb_jw_dec(yb_jw *w, const char *key, int64_t v, int scale)
{
	char tmp[32];
	size_t n = yb_decimal_format(tmp, v, scale);
	prefix(w, key);
	yb_buf_put(w->b, tmp, n);
}

void yb_jw_ratio(yb_jw *w, const char *key, int32_t bp)
{
	char tmp[32];
	size_t n = yb_decimal_format_trim(tmp, bp, YB_SCALE_RATIO, 0);
	prefix(w, key);
	yb_buf_put(w->b, tmp, n);
}

void yb_jw_bool(yb_jw *w, const char *key, int v)
{
	prefix(w, key);
	yb_buf_puts(w->b, v ? "true" : "false");
}

void yb_jw_null(yb_jw *w, const char *key)
{
	prefix(w, key);
	yb_buf_puts(w->b, "null");
}

void yb_jw_raw(yb_jw *w, const char *key, const char *json, size_t n)
{
	prefix(w, key);
	yb_buf_put(w->b, json, n);
}

void yb_jw_value(yb_jw *w, const char *key, const yb_json *v)
{
	const yb_json *c;

	switch (v->type) {
	case YB_JSON_NULL: yb_jw_null(w, key); break;
	case YB_JSON_FALSE: yb_jw_bool(w, key, 0); break;
	case YB_JSON_TRUE: yb_jw_bool(w, key, 1); break;
	case YB_JSON_NUMBER: yb_jw_raw(w, key, v->str, v->len); break;
	case YB_JSON_STRING: yb_jw_strn(w, key, v->str, v->len); break;
	case YB_JSON_ARRAY:
	case YB_JSON_OBJECT:
		open(w, key, v->type == YB_JSON_ARRAY ? '[' : '{');
		for (c = v->child; c; c = c->next)
			yb_jw_value(w, v->type == YB_JSON_OBJECT ? c->key : NULL, c);
		yb_jw_end(w, v->type == YB_JSON_ARRAY ? ']' : '}');
		break;
	}
}
