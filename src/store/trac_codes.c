/* Traceability codes as arrays (store.h): the one shape of a line's codes
 * above the store, and the one place that turns them into the text the
 * feedetail column and the national interface's drug_trac_codg hold
 * (codes joined by ','), and back.
 *
 * An array owns one block: the n pointers, then the strings they point
 * to, so a copy is one allocation and one free. */
#include "yibao/store.h"
#include "yibao/buf.h"
#include "yibao/error.h"

#include <stdlib.h>
#include <string.h>

int yb_trac_codes_pack(yb_trac_codes *out, const char *const *s, const size_t *len, size_t n)
{
	size_t i, bytes = n * sizeof(char *);
	char **v, *p;

	out->v = NULL;
	out->n = 0;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		bytes += len[i] + 1;
	if (!(v = malloc(bytes)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	p = (char *)(v + n);
	for (i = 0; i < n; i++) {
		memcpy(p, s[i], len[i]);
		p[len[i]] = '\0';
		v[i] = p;
		p += len[i] + 1;
	}
	out->v = (const char *const *)v;
	out->n = n;
	return 0;
}

int yb_trac_codes_dup(yb_trac_codes *out, const yb_trac_codes *in)
{
	size_t *len = malloc((in->n ? in->n : 1) * sizeof(*len));
	size_t i;
	int rc;

	if (!len)
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (i = 0; i < in->n; i++)
		len[i] = strlen(in->v[i]);
	rc = yb_trac_codes_pack(out, in->v, len, in->n);
	free(len);
	return rc;
}

int yb_trac_codes_split(yb_trac_codes *out, const char *text, size_t n)
{
	const char **s;
	size_t *len, k = 0, i = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if (!text || n == 0)
		return 0;
	s = malloc((n / 2 + 1) * sizeof(*s));
	len = malloc((n / 2 + 1) * sizeof(*len));
	if (!s || !len) {
		free(s);
		free(len);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	while (i < n) {
		const char *comma = memchr(text + i, ',', n - i);
		size_t end = comma ? (size_t)(comma - text) : n;
		if (end > i) { /* "A,,B": no empty code */
			s[k] = text + i;
			len[k++] = end - i;
		}
		i = end + 1;
	}
	rc = yb_trac_codes_pack(out, s, len, k);
	free(s);
	free(len);
	return rc;
}

void yb_trac_codes_join(struct yb_buf *b, const yb_trac_codes *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (i)
			yb_buf_putc(b, ',');
		yb_buf_puts(b, c->v[i]);
	}
}

void yb_trac_codes_free(yb_trac_codes *c)
{
	free((void *)c->v);
	c->v = NULL;
	c->n = 0;
}
