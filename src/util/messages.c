/* The message catalogue: what a person reads, in Chinese, from the English
 * message the code sets (yb_error_set). The English stays the program's
 * own (logs, tests, developers); the catalogue (messages_zh.h) maps each
 * format string to its Chinese text.
 *
 * Design notes
 *  1. A message is looked up by the format it was made from, found again
 *     by matching: each conversion (%s, %d, %zu, ...) of a format matches
 *     any text, the rest must be equal. The values matched are the
 *     arguments {1}, {2}, ... of the Chinese text, in the English order.
 *  2. Most messages name a field first, "input.data.psn_no: ...": the
 *     path is split off, the rest looked up, and the path is {f} of the
 *     Chinese text where the field helps the reader ("缺少必填参数 {f}");
 *     a message that says what it is about without it ("参保人员 {1} 在
 *     {2} 无有效参保信息") leaves it out. Field names stay the national
 *     ones: a HIS developer finds them at sight.
 *  3. A message the catalogue lacks is answered with the Chinese words of
 *     its kind (the error code) and the English after them: never nothing.
 *     tests/messages_test.sh keeps the catalogue complete: every format in
 *     src/ must have its entry.
 *  4. A prefix added by yb_error_prefix ("omsgid M...: ") is translated
 *     as a message of its own, then the rest. */
#include "yibao/messages.h"
#include "yibao/error.h"

#include <stdio.h>
#include <string.h>

typedef struct zh_entry {
	const char *en;  /* the English format, without a leading "field: " */
	const char *zh;  /* the Chinese text: {1}.. the values, {f} the field */
} zh_entry;

static const zh_entry catalogue[] = {
#include "messages_zh.h"
};

#define MAX_ARGS 9

typedef struct capture {
	const char *p[MAX_ARGS];
	size_t n[MAX_ARGS];
	int count;
} capture;

/* The length of the conversion at fmt (fmt[0] == '%'), 0 if it is "%%". */
static size_t conversion(const char *fmt)
{
	size_t i = 1;

	if (fmt[1] == '%')
		return 0;
	while (fmt[i] && strchr("-+ #0123456789.*", fmt[i]))
		i++;
	while (fmt[i] && strchr("hlLqjzt", fmt[i]))
		i++;
	return fmt[i] ? i + 1 : i;
}

static int match_tail(const char *fmt, const char *text, size_t n, capture *c, int tail_ok);

/* Matches text (n bytes) against fmt; c gets the values of the conversions.
 * A format whose last conversion follows a ": " of its own ("rule %s
 * (%s): %s", "line %u, column %ld: %s") carries a message there: that
 * value may hold ": ". */
static int match(const char *fmt, const char *text, size_t n, capture *c)
{
	const char *last = strrchr(fmt, '%'), *sep = strstr(fmt, ": ");
	int tail_ok = last && sep && sep < last && last[conversion(last)] == '\0';

	return match_tail(fmt, text, n, c, tail_ok);
}

static int match_tail(const char *fmt, const char *text, size_t n, capture *c, int tail_ok)
{
	while (*fmt) {
		if (*fmt == '%') {
			size_t k = conversion(fmt), len;
			int numeric;
			if (k == 0) { /* "%%" */
				if (!n || *text != '%')
					return 0;
				fmt += 2, text++, n--;
				continue;
			}
			if (c->count >= MAX_ARGS)
				return 0;
			numeric = strchr("diuxX", fmt[k - 1]) != NULL;
			/* shortest first, so a literal after it anchors the value; a
			 * value never holds ": " (ids, dates, amounts, codes do not;
			 * a message nested in another does, and is matched alone) */
			for (len = 0; len <= n; len++) {
				if (len >= 2 && text[len - 2] == ':' && text[len - 1] == ' ' &&
				    !(tail_ok && fmt[k] == '\0'))
					break;
				/* an integer conversion holds a number only */
				if (numeric && len > 0 && !((text[len - 1] >= '0' && text[len - 1] <= '9') ||
							    (len == 1 && text[0] == '-')))
					break;
				int slot = c->count++;
				c->p[slot] = text;
				c->n[slot] = len;
				if (match_tail(fmt + k, text + len, n - len, c, tail_ok))
					return 1;
				c->count = slot;
			}
			return 0;
		}
		if (!n || *fmt != *text)
			return 0;
		fmt++, text++, n--;
	}
	return n == 0;
}

/* The length of a field path with its ": " at s ("input.data.psn_no: "),
 * or 0: letters, digits, '_', '.', and [index]. */
static size_t field_prefix(const char *s)
{
	size_t i = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	while (s[i] && (strchr("._", s[i]) || (s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '[')) {
		if (s[i] == '[') { /* an index: digits, or a format's conversion */
			const char *close = strchr(s + i, ']');
			if (!close || close - (s + i) > 8)
				return 0;
			i = (size_t)(close - s);
		}
		i++;
	}
	return s[i] == ':' && s[i + 1] == ' ' ? i + 2 : 0;
}

/* The catalogue's format without its own leading field ("psn_no: %s ..."
 * or "%s: ...", which the message's path stands for). */
static const char *format_rest(const char *en)
{
	size_t k = field_prefix(en), i;

	if (k)
		return en + k;
	/* a path with conversions in it: "input.%s.mdtrt_cert_no: ", "%s: " */
	for (i = 0; en[i] && (strchr("._%[]", en[i]) || (en[i] >= 'a' && en[i] <= 'z') ||
			      (en[i] >= 'A' && en[i] <= 'Z') || (en[i] >= '0' && en[i] <= '9')); i++)
		;
	if (i && en[i] == ':' && en[i + 1] == ' ' && memchr(en, '%', i))
		return en + i + 2;
	return en;
}

/* 1 if fmt has text of its own besides conversions and punctuation. */
static int has_words(const char *fmt)
{
	while (*fmt) {
		if (*fmt == '%') {
			size_t k = conversion(fmt);
			fmt += k ? k : 2;
			continue;
		}
		if (!strchr(" :.,;()[]'\"", *fmt))
			return 1;
		fmt++;
	}
	return 0;
}

static void put(char **o, char *end, const char *s, size_t n)
{
	size_t room = (size_t)(end - *o);

	if (n > room)
		n = room;
	memcpy(*o, s, n);
	*o += n;
}

static int translate(char **o, char *end, const char *msg, int depth);

/* A value that is itself a message of the catalogue (the JSON parser's
 * words after "line 1, column 17: ") goes in translated. */
static void put_value(char **o, char *end, const char *s, size_t n, int depth)
{
	char value[512], *start = *o;

	if (depth < 2 && n < sizeof(value)) {
		memcpy(value, s, n);
		value[n] = '\0';
		if (translate(o, end, value, depth + 1))
			return;
		*o = start;
	}
	put(o, end, s, n);
}

/* Writes zh with its {1}.. and {f} filled in. */
static void fill(char **o, char *end, const char *zh, const capture *c, const char *field, size_t nf,
		 int depth)
{
	while (*zh) {
		if (zh[0] == '{' && zh[1] == 'f' && zh[2] == '}') {
			put(o, end, field, nf);
			zh += 3;
		} else if (zh[0] == '{' && zh[1] >= '1' && zh[1] <= '9' && zh[2] == '}') {
			int k = zh[1] - '1';
			if (k < c->count)
				put_value(o, end, c->p[k], c->n[k], depth);
			zh += 3;
		} else {
			put(o, end, zh, 1);
			zh++;
		}
	}
}

static const char *kind_words(int code)
{
	switch (code) {
	case YB_EINVALID: return "输入参数有误";
	case YB_ENOTFOUND: return "未找到";
	case YB_EREFUSED: return "不予办理";
	case YB_ECONFLICT: return "与已办理的业务冲突";
	case YB_EEXISTS: return "已存在";
	case YB_EBUSY: return "服务繁忙，请稍后重试";
	case YB_ENOMEM: return "服务器内存不足";
	case YB_EOVERFLOW: return "数值超出范围";
	case 0: return "提示"; /* a warning (warn_msg), not an error */
	default: return "系统内部错误";
	}
}

/* Translates one message (no prefix handling); 1 if the catalogue had it. */
/* A quick test before the match: each run of text of fmt occurs in msg,
 * in order (most formats fail here, at the cost of a strstr or two). */
static int may_match(const char *fmt, const char *msg)
{
	char run[128];

	while (*fmt) {
		size_t n = 0;
		while (*fmt && *fmt != '%' && n + 1 < sizeof(run))
			run[n++] = *fmt++;
		run[n] = '\0';
		if (n) {
			const char *at = strstr(msg, run);
			if (!at)
				return 0;
			msg = at + n;
		}
		if (*fmt == '%') {
			size_t k = conversion(fmt);
			fmt += k ? k : 2;
		}
	}
	return 1;
}

/* The number of characters of fmt that are text, not conversions. */
static size_t literal_len(const char *fmt)
{
	size_t n = 0;

	while (*fmt) {
		if (*fmt == '%') {
			size_t k = conversion(fmt);
			fmt += k ? k : 2;
			n += k ? 0 : 1;
			continue;
		}
		fmt++, n++;
	}
	return n;
}

/* Translates one message (no prefix handling); 1 if the catalogue had it.
 * Of the formats that match, the one with the most text of its own wins
 * ("not a decimal amount (at most 2 decimals)" over "not a decimal %s"),
 * so the catalogue's order does not matter. */
static int translate(char **o, char *end, const char *msg, int depth)
{
	size_t nf = field_prefix(msg), nmsg = strlen(msg), i, best_len = 0;
	const zh_entry *best = NULL;
	capture c, best_c = {{NULL}, {0}, 0};

	for (i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++) {
		const zh_entry *e = &catalogue[i];
		const char *fmt = nf ? format_rest(e->en) : e->en;
		size_t len = literal_len(fmt);
		/* with a field path, the message without it (not under a
		 * format with no words of its own: "postgresql: %s") */
		if (best && len <= best_len)
			continue;
		if ((nf && !has_words(fmt)) || !may_match(fmt, nf ? msg + nf : msg))
			continue;
		c.count = 0;
		if (match(fmt, nf ? msg + nf : msg, nmsg - nf, &c)) {
			best = e;
			best_len = len;
			best_c = c;
		}
	}
	if (!best)
		return 0;
	fill(o, end, best->zh, &best_c, msg, nf ? nf - 2 : 0, depth);
	return 1;
}

size_t yb_msg_zh(char *out, size_t n, int code, const char *msg)
{
	char *o = out, *end = out + (n ? n - 1 : 0);

	if (!n)
		return 0;
	if (!msg || !*msg)
		msg = "";
	if (!translate(&o, end, msg, 0)) {
		/* a message from a lower layer under a prefix of its own: try
		 * the inner message, keep the prefix as it is */
		const char *inner = strstr(msg, ": ");
		size_t nf = field_prefix(msg);
		if (!nf && inner && (o = out, translate(&o, end, inner + 2, 0))) {
			char tmp[1024];
			size_t len = (size_t)(o - out), pre = (size_t)(inner - msg) + 2;
			if (len > sizeof(tmp))
				len = sizeof(tmp);
			memcpy(tmp, out, len);
			o = out;
			put(&o, end, msg, pre);
			put(&o, end, tmp, len);
		} else {
			o = out;
			put(&o, end, kind_words(code), strlen(kind_words(code)));
			put(&o, end, "：", strlen("："));
			put(&o, end, msg, strlen(msg));
		}
	}
	*o = '\0';
	return (size_t)(o - out);
}

int yb_msg_zh_has(const char *fmt)
{
	size_t i;

	for (i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
		if (strcmp(catalogue[i].en, fmt) == 0)
			return 1;
	return 0;
}
