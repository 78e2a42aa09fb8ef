/* Collected diagnostics of policy and catalogue loading. */
#include "yibao/policy_diag.h"
#include "yibao/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void yb_diag_free(yb_diag *d)
{
	if (!d)
		return;
	free(d->text);
	memset(d, 0, sizeof(*d));
}

static void diag_append(yb_diag *d, const char *line)
{
	size_t n = strlen(line), need;
	char *p;

	if (!d)
		return;
	need = d->len + n + 2;
	if (need > d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		while (cap < need)
			cap *= 2;
		if (!(p = realloc(d->text, cap)))
			return;
		d->text = p;
		d->cap = cap;
	}
	memcpy(d->text + d->len, line, n);
	d->len += n;
	d->text[d->len++] = '\n';
	d->text[d->len] = '\0';
	d->count++;
}

int diag_error(pdiag *pd, uint32_t line, const char *msg)
{
	char full[768];

	snprintf(full, sizeof(full), "%s:%u: %s", pd->file, line, msg);
	if (!pd->errors)
		snprintf(pd->first, sizeof(pd->first), "%s", full);
	/* the getters behind later errors overwrite the message: put the
	 * first one back every time */
	yb_error_set(YB_EINVALID, "%s", pd->first);
	pd->errors++;
	diag_append(pd->out, full);
	return YB_EINVALID;
}

int diag_last(pdiag *pd, uint32_t line)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", yb_error_msg());
	return diag_error(pd, line, msg);
}

int diag_at(pdiag *pd, uint32_t line, const yb_jpath *p, const char *key,
	    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yb_jpath_error(p, key, "%s", msg);
	return diag_last(pd, line);
}

uint32_t diag_line(const yb_json *obj, const char *key)
{
	const yb_json *v = yb_json_get(obj, key);
	return v ? v->line : obj ? obj->line : 0;
}

int diag_keys(pdiag *pd, const yb_json *obj, const yb_jpath *p,
	      const char *const *allowed)
{
	const yb_json *c;
	const char *const *a;
	int rc = 0;

	for (c = obj->child; c; c = c->next) {
		/* notes for people reading the file are allowed everywhere */
		if (strcmp(c->key, "note") == 0 || strcmp(c->key, "local_choice") == 0)
			continue;
		for (a = allowed; *a; a++)
			if (strcmp(c->key, *a) == 0)
				break;
		if (!*a)
			rc = diag_at(pd, c->line, p, c->key, "unknown field");
	}
	return rc;
}
