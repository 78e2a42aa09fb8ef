/* Typed field access over parsed JSON, with errors naming the field path. */
#include "yibao/json.h"
#include "yibao/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static size_t format_path(char *buf, size_t n, const yb_jpath *p)
{
	size_t used = 0;
	int w;

	if (!p || n == 0)
		return 0;
	used = format_path(buf, n, p->parent);
	if (used >= n)
		return used;
	if (p->key)
		w = snprintf(buf + used, n - used, "%s%s", used ? "." : "", p->key);
	else
		w = snprintf(buf + used, n - used, "[%ld]", p->index);
	return w < 0 ? used : used + (size_t)w;
}

void yb_jpath_format(char *buf, size_t n, const yb_jpath *p)
{
	if (n)
		buf[0] = '\0';
	format_path(buf, n, p);
}

int yb_jpath_error(const yb_jpath *p, const char *key, const char *fmt, ...)
{
	char path[256], msg[256];
	va_list ap;
	yb_jpath leaf = YB_JPATH_KEY(p, key);

	yb_jpath_format(path, sizeof(path), key ? &leaf : p);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!path[0])
		return yb_error_set(YB_EINVALID, "%s", msg);
	return yb_error_set(YB_EINVALID, "%s: %s", path, msg);
}

/* The member of a typed getter (number, date, time): also NULL when it is
 * "", which the national platform takes as absent (HIS send "begntime": ""). */
static int typed_member(const yb_json *obj, const yb_jpath *p, const char *key,
			int required, const yb_json **out);

/* The member, or NULL when absent or null; error when required. */
static int member(const yb_json *obj, const yb_jpath *p, const char *key,
		  int required, const yb_json **out)
{
	const yb_json *v = yb_json_get(obj, key);

	*out = NULL;
	if (!v || v->type == YB_JSON_NULL) {
		if (required) {
			yb_jpath_error(p, key, "missing");
			return YB_ENOTFOUND;
		}
		return 0;
	}
	*out = v;
	return 0;
}

static int typed_member(const yb_json *obj, const yb_jpath *p, const char *key,
			int required, const yb_json **out)
{
	int rc = member(obj, p, key, required, out);

	if (rc == 0 && *out && (*out)->type == YB_JSON_STRING && (*out)->len == 0) {
		*out = NULL;
		if (required) {
			yb_jpath_error(p, key, "missing");
			return YB_ENOTFOUND;
		}
	}
	return rc;
}

int yb_jget_str(const yb_json *obj, const yb_jpath *p, const char *key,
		int required, size_t maxlen, const char **out)
{
	const yb_json *v;
	int rc = member(obj, p, key, required, &v);

	if (rc || !v)
		return rc;
	if (v->type != YB_JSON_STRING && v->type != YB_JSON_NUMBER)
		return yb_jpath_error(p, key, "not a string");
	if (v->len > maxlen)
		return yb_jpath_error(p, key, "longer than %zu bytes", maxlen);
	*out = v->str;
	return 0;
}

int yb_jget_code(const yb_json *obj, const yb_jpath *p, const char *key,
		 int required, char *out, size_t cap)
{
	const char *s = NULL;
	int rc = yb_jget_str(obj, p, key, required, cap - 1, &s);

	if (rc || !s)
		return rc;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int yb_jget_decimal(const yb_json *obj, const yb_jpath *p, const char *key,
		    int required, int scale, int64_t *out, int *present)
{
	const yb_json *v;
	int64_t x;
	int rc = typed_member(obj, p, key, required, &v);

	if (present)
		*present = 0;
	if (rc || !v)
		return rc;
	if ((v->type != YB_JSON_NUMBER && v->type != YB_JSON_STRING) ||
	    yb_decimal_parse(&x, v->str, v->len, scale) < 0)
		return yb_jpath_error(p, key, "not a decimal %s",
			scale == YB_SCALE_MONEY ? "amount (at most 2 decimals)" :
			scale == YB_SCALE_RATIO ? "ratio (at most 4 decimals)" :
			scale == YB_SCALE_PRICE ? "price (at most 6 decimals)" :
						  "number");
	*out = x;
	if (present)
		*present = 1;
	return 0;
}

int yb_jget_date(const yb_json *obj, const yb_jpath *p, const char *key,
		 int required, yb_date *out)
{
	const yb_json *v;
	int rc = typed_member(obj, p, key, required, &v);

	if (rc || !v)
		return rc;
	if (v->type != YB_JSON_STRING || yb_date_parse_loose(out, v->str, v->len) < 0)
		return yb_jpath_error(p, key, "not a date (YYYY-MM-DD)");
	return 0;
}

int yb_jget_datetime(const yb_json *obj, const yb_jpath *p, const char *key,
		     int required, yb_datetime *out)
{
	const yb_json *v;
	int rc = typed_member(obj, p, key, required, &v);

	if (rc || !v)
		return rc;
	if (v->type != YB_JSON_STRING || yb_datetime_parse_loose(out, v->str, v->len) < 0)
		return yb_jpath_error(p, key, "not a time (YYYY-MM-DD HH:MM:SS)");
	return 0;
}

static int get_typed(const yb_json *obj, const yb_jpath *p, const char *key,
		     int required, yb_json_type t, const yb_json **out)
{
	const yb_json *v;
	int rc = member(obj, p, key, required, &v);

	*out = NULL;
	if (rc || !v)
		return rc;
	if (v->type != t)
		return yb_jpath_error(p, key, t == YB_JSON_ARRAY ? "not an array" : "not an object");
	*out = v;
	return 0;
}

int yb_jget_array(const yb_json *obj, const yb_jpath *p, const char *key,
		  int required, const yb_json **out)
{
	return get_typed(obj, p, key, required, YB_JSON_ARRAY, out);
}

int yb_jget_object(const yb_json *obj, const yb_jpath *p, const char *key,
		   int required, const yb_json **out)
{
	return get_typed(obj, p, key, required, YB_JSON_OBJECT, out);
}
