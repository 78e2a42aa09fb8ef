/* JSON reader (RFC 8259, strict) into an arena, and a streaming writer.
 *
 * Invariants of the reader:
 *  1. No input makes it read outside [text, text+len) or recurse deeper than
 *     limits->max_depth: nesting is tracked on an explicit stack.
 *  2. Every string is valid UTF-8 after unescaping, and has no NUL byte.
 *  3. A failed parse frees everything it allocated. */
#include "yibao/json.h"
#include "yibao/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================ arena */

typedef struct block {
	struct block *prev;
	size_t used, cap;
	_Alignas(max_align_t) char data[];
} block;

struct yb_json_doc {
	block *head;
	yb_json *root;
};

static void *arena_alloc(yb_json_doc *doc, size_t n)
{
	block *b = doc->head;
	size_t cap;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->cap - b->used < n) {
		cap = n > 32768 ? n : 32768;
		b = malloc(sizeof(block) + cap);
		if (!b)
			return NULL;
		b->prev = doc->head;
		b->used = 0;
		b->cap = cap;
		doc->head = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

void yb_json_free(yb_json_doc *doc)
{
	block *b, *prev;

	if (!doc)
		return;
	for (b = doc->head; b; b = prev) {
		prev = b->prev;
		free(b);
	}
	free(doc);
}

const yb_json *yb_json_root(const yb_json_doc *doc)
{
	return doc->root;
}

/* =============================================================== parser */

typedef struct parser {
	const char *s, *end, *line_start;
	uint32_t line;
	yb_json_doc *doc;
	const yb_json_limits *lim;
	char *scratch; /* string unescape buffer, max_string + 4 bytes */
} parser;

static int perr(parser *p, const char *msg)
{
	return yb_error_set(YB_EINVALID, "line %u, column %ld: %s", p->line,
			    (long)(p->s - p->line_start) + 1, msg);
}

static void skip_ws(parser *p)
{
	while (p->s < p->end) {
		char c = *p->s;
		if (c == '\n') {
			p->line++;
			p->line_start = p->s + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		p->s++;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(parser *p, unsigned *out)
{
	int i, h;
	*out = 0;
	if (p->end - p->s < 4)
		return perr(p, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		if ((h = hexval(p->s[i])) < 0)
			return perr(p, "bad \\u escape");
		*out = *out * 16 + (unsigned)h;
	}
	p->s += 4;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Length of the valid UTF-8 sequence at s (up to end), or 0. */
static size_t utf8_seq(const unsigned char *s, const unsigned char *end)
{
	unsigned c = s[0], cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* Parses a string at p->s (on the opening quote) into the arena. */
static int parse_string(parser *p, const char **out, size_t *outlen)
{
	char *o = p->scratch;
	size_t n = 0, k;
	char *copy;

	p->s++;
	for (;;) {
		unsigned char c;
		if (p->s >= p->end)
			return perr(p, "unterminated string");
		if (n > p->lim->max_string)
			return perr(p, "string too long");
		c = (unsigned char)*p->s;
		if (c == '"') {
			p->s++;
			break;
		}
		if (c < 0x20)
			return perr(p, "control character in string");
		if (c != '\\') {
			k = utf8_seq((const unsigned char *)p->s, (const unsigned char *)p->end);
			if (!k)
				return perr(p, "invalid UTF-8 in string");
			memcpy(o + n, p->s, k);
			n += k;
			p->s += k;
			continue;
		}
		if (++p->s >= p->end)
			return perr(p, "unterminated string");
		c = (unsigned char)*p->s++;
		switch (c) {
		case '"': o[n++] = '"'; break;
		case '\\': o[n++] = '\\'; break;
		case '/': o[n++] = '/'; break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (read_hex4(p, &cp) < 0)
				return YB_EINVALID;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return perr(p, "unpaired surrogate");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u')
					return perr(p, "unpaired surrogate");
				p->s += 2;
				if (read_hex4(p, &lo) < 0)
					return YB_EINVALID;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return perr(p, "unpaired surrogate");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (cp == 0)
				return perr(p, "NUL character in string");
			n += put_utf8(o + n, cp);
			break;
		}
		default:
			return perr(p, "bad escape in string");
		}
	}
	if (n > p->lim->max_string)
		return perr(p, "string too long");
	if (!(copy = arena_alloc(p->doc, n + 1)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	memcpy(copy, p->scratch, n);
	copy[n] = '\0';
	*out = copy;
	*outlen = n;
	return 0;
}

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(parser *p, yb_json *v)
{
	const char *start = p->s;
	char *copy;
	size_t n;

	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s >= p->end || !isdig(*p->s))
		return perr(p, "bad number");
	if (*p->s == '0')
		p->s++;
	else
		while (p->s < p->end && isdig(*p->s))
			p->s++;
	if (p->s < p->end && *p->s == '.') {
		p->s++;
		if (p->s >= p->end || !isdig(*p->s))
			return perr(p, "bad number");
		while (p->s < p->end && isdig(*p->s))
			p->s++;
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (p->s >= p->end || !isdig(*p->s))
			return perr(p, "bad number");
		while (p->s < p->end && isdig(*p->s))
			p->s++;
	}
	n = (size_t)(p->s - start);
	if (n > 64)
		return perr(p, "number too long");
	if (!(copy = arena_alloc(p->doc, n + 1)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	memcpy(copy, start, n);
	copy[n] = '\0';
	v->type = YB_JSON_NUMBER;
	v->str = copy;
	v->len = n;
	return 0;
}

static int parse_literal(parser *p, yb_json *v, const char *word, yb_json_type t)
{
	size_t n = strlen(word);
	if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0)
		return perr(p, "unexpected character");
	p->s += n;
	v->type = t;
	return 0;
}

/* An open array or object on the explicit stack. */
typedef struct frame {
	yb_json *node;
	yb_json *last;
} frame;

static yb_json *new_value(parser *p)
{
	yb_json *v = arena_alloc(p->doc, sizeof(yb_json));
	if (v) {
		memset(v, 0, sizeof(*v));
		v->line = p->line;
	}
	return v;
}

/* 1 if obj already has a member named key (n bytes). */
static int repeated(const yb_json *obj, const char *key, size_t n)
{
	const yb_json *m;

	for (m = obj->child; m; m = m->next)
		if (m->key && strlen(m->key) == n && memcmp(m->key, key, n) == 0)
			return 1;
	return 0;
}

static int parse_document(parser *p)
{
	frame *stack;
	int depth = 0, rc = 0;
	size_t cap = (size_t)p->lim->max_depth + 1;
	const char *key = NULL;
	size_t keylen;

	if (!(stack = malloc(cap * sizeof(frame))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	for (;;) {
		yb_json *v;
		frame *top = depth ? &stack[depth - 1] : NULL;

		/* member name when inside an object */
		skip_ws(p);
		if (top && top->node->type == YB_JSON_OBJECT) {
			if (p->s >= p->end || *p->s != '"') {
				rc = perr(p, "expected a member name");
				goto done;
			}
			if ((rc = parse_string(p, &key, &keylen)) < 0)
				goto done;
			skip_ws(p);
			if (p->s >= p->end || *p->s != ':') {
				rc = perr(p, "expected ':'");
				goto done;
			}
			p->s++;
			skip_ws(p);
		}
		if (p->s >= p->end) {
			rc = perr(p, "unexpected end of input");
			goto done;
		}
		if (!(v = new_value(p))) {
			rc = yb_error_set(YB_ENOMEM, "out of memory");
			goto done;
		}
		if (top && top->node->type == YB_JSON_OBJECT && repeated(top->node, key, keylen)) {
			/* a member twice: which one the sender meant is unknown */
			rc = yb_error_set(YB_EINVALID, "line %u, column %ld: member \"%.*s\" repeated", p->line,
					  (long)(p->s - p->line_start) + 1, (int)(keylen < 64 ? keylen : 64), key);
			goto done;
		}
		if (top) {
			v->key = top->node->type == YB_JSON_OBJECT ? key : NULL;
			if (top->last)
				top->last->next = v;
			else
				top->node->child = v;
			top->last = v;
			top->node->len++;
		} else {
			p->doc->root = v;
		}

		switch (*p->s) {
		case '{':
		case '[':
			v->type = *p->s == '{' ? YB_JSON_OBJECT : YB_JSON_ARRAY;
			p->s++;
			if (depth >= p->lim->max_depth) {
				rc = perr(p, "nested too deeply");
				goto done;
			}
			stack[depth].node = v;
			stack[depth].last = NULL;
			depth++;
			skip_ws(p);
			if (p->s < p->end && *p->s == (v->type == YB_JSON_OBJECT ? '}' : ']')) {
				p->s++;
				depth--;
				break;
			}
			continue; /* read the first member or element */
		case '"':
			v->type = YB_JSON_STRING;
			rc = parse_string(p, &v->str, &v->len);
			break;
		case 't': rc = parse_literal(p, v, "true", YB_JSON_TRUE); break;
		case 'f': rc = parse_literal(p, v, "false", YB_JSON_FALSE); break;
		case 'n': rc = parse_literal(p, v, "null", YB_JSON_NULL); break;
		default: rc = parse_number(p, v); break;
		}
		if (rc < 0)
			goto done;

		/* after a value: ',' continues the container, '}' / ']' closes */
		for (;;) {
			char close;
			skip_ws(p);
			if (!depth)
				goto done;
			close = stack[depth - 1].node->type == YB_JSON_OBJECT ? '}' : ']';
			if (p->s >= p->end) {
				rc = perr(p, "unexpected end of input");
				goto done;
			}
			if (*p->s == ',') {
				p->s++;
				break;
			}
			if (*p->s != close) {
				rc = perr(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
				goto done;
			}
			p->s++;
			depth--;
		}
	}
done:
	free(stack);
	return rc;
}

int yb_json_parse(yb_json_doc **out, const char *text, size_t len,
		  const yb_json_limits *limits)
{
	static const yb_json_limits deflim = YB_JSON_LIMITS_DEFAULT;
	parser p;
	yb_json_doc *doc;
	int rc;

	if (!limits)
		limits = &deflim;
	if (!(doc = calloc(1, sizeof(*doc))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	memset(&p, 0, sizeof(p));
	p.s = p.line_start = text;
	p.end = text + len;
	p.line = 1;
	p.doc = doc;
	p.lim = limits;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p.s += 3;
	/* a string can grow by at most 4 bytes past the limit before the check */
	if (!(p.scratch = malloc(limits->max_string + 8))) {
		yb_json_free(doc);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	rc = parse_document(&p);
	if (!rc) {
		skip_ws(&p);
		if (p.s != p.end)
			rc = perr(&p, "trailing characters after the JSON value");
	}
	free(p.scratch);
	if (rc < 0) {
		yb_json_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

const yb_json *yb_json_get(const yb_json *obj, const char *key)
{
	const yb_json *c;

	if (!obj || obj->type != YB_JSON_OBJECT)
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}
