/* Every answer of the national interface, built by one pure function
 * (yb_answer_write) from the envelope's stamp, the messages and the
 * output: the first answer and a retry's answer (from the idempotency
 * record's output and stamp) are the same bytes. */
#include "txn.h"
#include "yibao/messages.h"

#include <stdio.h>
#include <string.h>

void yb_stamp_format(char out[YB_STAMP_MAX], const yb_stamp *s)
{
	snprintf(out, YB_STAMP_MAX, "%s|%s|%s", s->inf_refmsgid, s->refmsg_time, s->respond_time);
}

/* Copies the field of text up to '|' (or the end) into f. */
static const char *field(const char *text, char *f, size_t cap, int last)
{
	size_t n = strcspn(text, "|");

	if (n >= cap || (!last && text[n] != '|') || (last && text[n]))
		return NULL;
	memcpy(f, text, n);
	f[n] = '\0';
	return text + n + (last ? 0 : 1);
}

int yb_stamp_parse(yb_stamp *s, const char *text)
{
	if (!text || !*text ||
	    !(text = field(text, s->inf_refmsgid, sizeof(s->inf_refmsgid), 0)) ||
	    !(text = field(text, s->refmsg_time, sizeof(s->refmsg_time), 0)) ||
	    !field(text, s->respond_time, sizeof(s->respond_time), 1))
		return -1;
	return 0;
}

size_t yb_utf8_cut(const char *msg, size_t max)
{
	size_t n = strlen(msg);

	if (n <= max)
		return n;
	n = max;
	/* step back over continuation bytes to the start of a character */
	while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
		n--;
	return n;
}

void yb_answer_write(yb_buf *out, const yb_answer *a)
{
	yb_jw w;

	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	yb_jw_int(&w, "infcode", a->infcode);
	yb_jw_str(&w, "inf_refmsgid", a->stamp->inf_refmsgid);
	yb_jw_str(&w, "refmsg_time", a->stamp->refmsg_time);
	yb_jw_str(&w, "respond_time", a->stamp->respond_time);
	/* the platform's answers carry both, empty: nothing is encrypted or
	 * signed in an answer (docs/interface.md, "The response envelope") */
	yb_jw_str(&w, "enctype", "");
	yb_jw_str(&w, "signtype", "");
	if (a->err_msg)
		yb_jw_strn(&w, "err_msg", a->err_msg, yb_utf8_cut(a->err_msg, YB_ERR_MSG_MAX));
	else
		yb_jw_null(&w, "err_msg");
	if (a->warn_msg && a->warn_msg[0])
		yb_jw_strn(&w, "warn_msg", a->warn_msg, yb_utf8_cut(a->warn_msg, YB_ERR_MSG_MAX));
	else
		yb_jw_null(&w, "warn_msg");
	if (a->output && a->node) {
		yb_jw_obj(&w, "output");
		yb_jw_raw(&w, a->node, a->output, a->output_len);
		yb_jw_end(&w, '}');
	} else if (a->output) {
		yb_jw_raw(&w, "output", a->output, a->output_len);
	} else {
		yb_jw_null(&w, "output");
	}
	yb_jw_end(&w, '}');
}

/* warn_msg in Chinese: each of its "; "-separated warnings translated. */
static void warn_zh(char *out, size_t n, const char *en)
{
	size_t used = 0;

	out[0] = '\0';
	while (*en && used + 1 < n) {
		char one[TXN_WARN_MAX + 1];
		size_t len = strcspn(en, ";");
		snprintf(one, sizeof(one), "%.*s", (int)len, en);
		if (used)
			used += (size_t)snprintf(out + used, n - used, "；");
		if (used < n)
			used += yb_msg_zh(out + used, n - used, 0, one);
		en += len;
		while (*en == ';' || *en == ' ')
			en++;
	}
}

void txn_answer(yb_buf *body, const txn_ctx *c, const yb_stamp *own, const yb_buf *out)
{
	const yb_stamp *stamp = own;
	char warn[4 * YB_ERR_MSG_MAX];
	yb_stamp kept;
	yb_answer a;

	if (c->content_type) {
		/* a file (9102): the body is the file, no envelope */
		yb_buf_put(body, out->ptr ? out->ptr : "", out->len);
		return;
	}
	if (c->answer.replayed && c->answer.as_sent) {
		/* a record from before migration 6: the answer as it was sent */
		yb_buf_put(body, out->ptr ? out->ptr : "", out->len);
		return;
	}
	if (c->answer.replayed && yb_stamp_parse(&kept, c->answer.stamp) == 0)
		stamp = &kept;
	warn_zh(warn, sizeof(warn), c->warn);
	memset(&a, 0, sizeof(a));
	a.infcode = 0;
	a.stamp = stamp;
	a.warn_msg = warn;
	a.output = out->ptr ? out->ptr : "{}";
	a.output_len = out->ptr ? out->len : 2;
	a.node = c->node;
	yb_answer_write(body, &a);
}
