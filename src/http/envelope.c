/* The request and response envelopes of the national interface (NHSA.md,
 * "Transport and envelope"). Clients send codes as strings or numbers;
 * both are accepted wherever a code or an id is read. */
#include "yibao/http.h"
#include "yibao/error.h"
#include "yibao/nhsa.h"

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
	if (strspn(e->infno, "0123456789") != strlen(e->infno) || strlen(e->infno) < 4) {
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
		if (t->type != YB_JSON_STRING || yb_datetime_parse(&e->inf_time, t->str, t->len) < 0)
			return yb_error_set(YB_EINVALID, "inf_time: not a time (yyyy-MM-dd HH:mm:ss)");
	}
	if ((rc = yb_jget_object(root, NULL, "input", 1, &e->input)) < 0)
		return rc;
	return 0;
}

void yb_envelope_free(yb_envelope *e)
{
	yb_json_free(e->doc);
	e->doc = NULL;
	e->input = NULL;
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

void yb_envelope_reply(yb_buf *out, const yb_reply *r)
{
	yb_buf_clear(out);
	yb_envelope_append(out, r);
}

void yb_envelope_append(yb_buf *out, const yb_reply *r)
{
	char refid[31], received[18], responded[18];
	yb_now now;
	yb_jw w;

	yb_now_get(&now);
	txn_serial_id(refid, r->admdvs, now.local);
	yb_now_compact(received, r->received ? r->received : &now);
	yb_now_compact(responded, &now);
	yb_jw_init(&w, out);
	yb_jw_obj(&w, NULL);
	yb_jw_int(&w, "infcode", r->infcode);
	yb_jw_str(&w, "inf_refmsgid", refid);
	yb_jw_str(&w, "refmsg_time", received);
	yb_jw_str(&w, "respond_time", responded);
	if (r->err_msg)
		yb_jw_strn(&w, "err_msg", r->err_msg, yb_utf8_cut(r->err_msg, YB_ERR_MSG_MAX));
	else
		yb_jw_null(&w, "err_msg");
	if (r->warn_msg && r->warn_msg[0])
		yb_jw_strn(&w, "warn_msg", r->warn_msg, yb_utf8_cut(r->warn_msg, YB_ERR_MSG_MAX));
	else
		yb_jw_null(&w, "warn_msg");
	if (r->output && r->node) {
		yb_jw_obj(&w, "output");
		yb_jw_raw(&w, r->node, r->output, r->output_len);
		yb_jw_end(&w, '}');
	} else if (r->output)
		yb_jw_raw(&w, "output", r->output, r->output_len);
	else
		yb_jw_null(&w, "output");
	yb_jw_end(&w, '}');
}
