/* The request and response envelopes of the national interface (NHSA.md,
 * "Transport and envelope"). Clients send codes as strings or numbers;
 * both are accepted wherever a code or an id is read. */
#include "yibao/http.h"
#include "yibao/error.h"
#include "yibao/nhsa.h"

#include <stdio.h>
#include <string.h>

/* Copies an optional code into out[cap] ("" when absent, null or ""). */
static int get_code(const yb_json *root, const char *key, int required,
		    char *out, size_t cap)
{
	const char *s = NULL;
	int rc = txn_get_id(root, NULL, key, required, cap - 1, &s);

	if (rc < 0)
		return rc;
	if (s)
		memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int get_admdvs(const yb_json *root, const char *key, char out[7])
{
	int rc = get_code(root, key, 0, out, 7);

	if (rc < 0)
		return rc;
	if (out[0] && (strlen(out) != 6 || strspn(out, "0123456789") != 6)) {
		out[0] = '\0';
		return yb_jpath_error(NULL, key, "not a 6-digit region code");
	}
	return 0;
}

/* input: an object, or (as some HIS send it) a string that holds one. */
static int read_input(yb_envelope *e, const yb_json *root)
{
	static const yb_json_limits lim = {YB_HTTP_JSON_DEPTH, YB_HTTP_JSON_STRING};
	const yb_json *v = yb_json_get(root, "input");

	if (v && v->type == YB_JSON_STRING) {
		if (yb_json_parse(&e->input_doc, v->str, v->len, &lim) < 0) {
			char why[256];
			snprintf(why, sizeof(why), "%s", yb_error_msg());
			return yb_error_set(YB_EINVALID, "input: a string that is not a JSON object (%s)", why);
		}
		e->input = yb_json_root(e->input_doc);
		if (e->input->type != YB_JSON_OBJECT)
			return yb_error_set(YB_EINVALID, "input: a string that is not a JSON object");
		return 0;
	}
	return yb_jget_object(root, NULL, "input", 1, &e->input);
}

int yb_envelope_parse(yb_envelope *e, const char *body, size_t len)
{
	static const yb_json_limits lim = {YB_HTTP_JSON_DEPTH, YB_HTTP_JSON_STRING};
	const yb_json *root, *t;
	int rc;

	memset(e, 0, sizeof(*e));
	e->sign_no = "";
	e->opter = "";
	if ((rc = yb_json_parse(&e->doc, body, len, &lim)) < 0)
		return rc;
	root = yb_json_root(e->doc);
	if (root->type != YB_JSON_OBJECT)
		return yb_error_set(YB_EINVALID, "request: not a JSON object");
	if ((rc = get_code(root, "infno", 1, e->infno, sizeof(e->infno))) < 0) {
		if (rc == YB_EINVALID)
			yb_error_set(rc, "infno: not a transaction number");
		return rc;
	}
	/* digits, and a variant's letter at the end ("2203A") */
	if (strspn(e->infno, "0123456789") < 4 ||
	    strspn(e->infno, "0123456789") + strspn(e->infno + strspn(e->infno, "0123456789"),
						    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(e->infno) ||
	    strlen(e->infno) > strspn(e->infno, "0123456789") + 1) {
		e->infno[0] = '\0';
		return yb_error_set(YB_EINVALID, "infno: not a transaction number");
	}
	if ((rc = get_code(root, "msgid", 1, e->msgid, 31)) < 0 ||
	    (rc = get_code(root, "fixmedins_code", 1, e->fixmedins_code, 31)) < 0 ||
	    (rc = get_admdvs(root, "insuplc_admdvs", e->insuplc_admdvs)) < 0 ||
	    (rc = get_admdvs(root, "mdtrtarea_admvs", e->mdtrtarea_admvs)) < 0 ||
	    (rc = txn_get_id(root, NULL, "sign_no", 0, 64, &e->sign_no)) < 0 ||
	    (rc = txn_get_id(root, NULL, "opter", 0, 64, &e->opter)) < 0)
		return rc;
	/* inf_time: "yyyy-MM-dd HH:mm:ss"; "" as absent */
	t = yb_json_get(root, "inf_time");
	if (t && t->type != YB_JSON_NULL && !(t->type == YB_JSON_STRING && t->len == 0)) {
		if (t->type != YB_JSON_STRING || yb_datetime_parse_loose(&e->inf_time, t->str, t->len) < 0)
			return yb_error_set(YB_EINVALID, "inf_time: not a time (yyyy-MM-dd HH:mm:ss)");
	}
	return read_input(e, root);
}

void yb_envelope_free(yb_envelope *e)
{
	yb_json_free(e->doc);
	yb_json_free(e->input_doc);
	e->doc = NULL;
	e->input_doc = NULL;
	e->input = NULL;
}

void yb_stamp_now(yb_stamp *s, const char *admdvs, const yb_now *received)
{
	yb_now now;

	yb_now_get(&now);
	txn_serial_id(s->inf_refmsgid, admdvs, now.local);
	yb_now_compact(s->refmsg_time, received ? received : &now);
	yb_now_compact(s->respond_time, &now);
}

void yb_envelope_reply(yb_buf *out, const yb_reply *r)
{
	yb_stamp st;
	yb_answer a;

	yb_buf_clear(out);
	yb_stamp_now(&st, r->admdvs, r->received);
	memset(&a, 0, sizeof(a));
	a.infcode = r->infcode;
	a.stamp = &st;
	a.err_msg = r->err_msg;
	a.warn_msg = r->warn_msg;
	a.output = r->output;
	a.output_len = r->output_len;
	a.node = r->node;
	yb_answer_write(out, &a);
}
