/* One request of the national interface in, one response out: gateway
 * authentication, the envelope and dispatch by infno. No sockets here, so
 * the fuzz target drives it directly.
 *
 * Order of checks (each refusal changes nothing):
 *   headers present -> institution known -> signature -> clock window ->
 *   nonce fresh (remembered)                                    else 401
 *   JSON well-formed, envelope fields valid                     else 200, -1
 *   body fixmedins_code == x-tif-paasid                         else 401
 *   infno known                                                 else 200, -1
 *   transaction: input validated, then the ledger              200, 0 / -1
 * The answer's stamp is fixed before the transaction runs; a durable
 * transaction's output is kept with it and (fixmedins_code, msgid) by the
 * ledger, and the answer is built from them by one pure function
 * (txn_answer): a retry, even after a restart, gets the same bytes. */
#include "yibao/http.h"
#include "yibao/error.h"
#include "yibao/messages.h"
#include "yibao/store.h"
#include "yibao/nhsa.h"

#include <stdlib.h>
#include <string.h>

struct yb_handler {
	yb_ledger *ledger;
	yb_nonce_cache *nc;
	int no_auth;
};

int yb_handler_new(yb_handler **out, yb_ledger *ledger, const yb_handler_opts *o)
{
	yb_handler *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return yb_error_set(YB_ENOMEM, "out of memory");
	h->ledger = ledger;
	h->no_auth = o && o->no_auth;
	if ((rc = yb_nonce_cache_new(&h->nc, o ? o->max_nonces : 0)) < 0) {
		yb_handler_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void yb_handler_free(yb_handler *h)
{
	if (!h)
		return;
	yb_nonce_cache_free(h->nc);
	free(h);
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* A failure envelope with the current error message. */
/* A failure envelope: err_msg in Chinese from the message catalogue (the
 * cashier shows it to the patient); the access log keeps the English. */
static void fail(yb_response *resp, int status, int code, const char *admdvs,
		 const yb_now *received, const char *msg)
{
	char zh[4 * YB_ERR_MSG_MAX];
	yb_reply r;

	if (!msg || !msg[0])
		msg = "internal error";
	yb_msg_zh(zh, sizeof(zh), code, msg);
	memset(&r, 0, sizeof(r));
	r.infcode = -1;
	r.admdvs = admdvs;
	r.received = received;
	r.err_msg = zh;
	yb_envelope_reply(&resp->body, &r);
	resp->status = status;
	resp->infcode = -1;
	copy_str(resp->err, sizeof(resp->err), msg);
	resp->err[yb_utf8_cut(resp->err, YB_ERR_MSG_MAX)] = '\0';
}

void yb_handle_error(yb_response *resp, int status, const char *msg)
{
	fail(resp, status, status < 500 ? YB_EINVALID : YB_ERROR, NULL, NULL, msg);
}

/* HTTP status of a failed transaction: the client's fault or a refusal is
 * still a well-formed answer (200); ours is not. */
static int status_of(int rc)
{
	switch (rc) {
	case YB_EBUSY: return 503;
	case YB_ERROR:
	case YB_ENOMEM: return 500;
	default: return 200;
	}
}

/* Gateway headers and the institution behind them; fills admdvs. */
static int authenticate(yb_handler *h, const yb_request *req, const yb_now *now,
			char admdvs[7], int *status)
{
	const yb_auth_hdr *a = &req->auth;
	int64_t unix_s = now->unix_us / 1000000;
	yb_fixmedins_rec fx;
	int rc;

	*status = 401;
	if (!a->paasid || !a->paasid[0] || !a->timestamp || !a->timestamp[0] ||
	    !a->nonce || !a->nonce[0] || !a->signature || !a->signature[0])
		return yb_auth_check(h->nc, a, NULL, unix_s); /* names the missing one */
	if (strlen(a->paasid) >= sizeof(fx.fixmedins_code))
		return yb_error_set(YB_EREFUSED, "x-tif-paasid: unknown institution");
	if (!h->ledger) {
		*status = 503;
		return yb_error_set(YB_EBUSY, "service unavailable: the ledger is not open");
	}
	memset(&fx, 0, sizeof(fx));
	rc = yb_ledger_get_fixmedins(h->ledger, a->paasid, &fx);
	if (rc == YB_ENOTFOUND)
		return yb_error_set(YB_EREFUSED, "x-tif-paasid: unknown institution");
	if (rc < 0) {
		*status = status_of(rc) == 200 ? 500 : status_of(rc);
		return rc;
	}
	if ((rc = yb_auth_check(h->nc, a, fx.secret, unix_s)) < 0) {
		*status = rc == YB_EREFUSED ? 401 : status_of(rc);
		return rc;
	}
	copy_str(admdvs, 7, fx.admdvs);
	return 0;
}

void yb_handle(yb_handler *h, const yb_request *req, yb_response *resp)
{
	yb_now received;
	yb_envelope env;
	const txn_def *def;
	char admdvs[7] = "", stamp_text[YB_STAMP_MAX];
	yb_buf obuf = YB_BUF_INIT;
	yb_stamp stamp;
	txn_ctx ctx;
	int rc, status;

	yb_now_get(&received);
	yb_error_clear();
	memset(&env, 0, sizeof(env));
	resp->status = 200;
	resp->infcode = 0;
	resp->content_type = NULL;
	resp->infno[0] = resp->msgid[0] = resp->fixmedins_code[0] = '\0';
	resp->subject[0] = resp->err[0] = '\0';
	if (!h->no_auth) {
		copy_str(resp->fixmedins_code, sizeof(resp->fixmedins_code), req->auth.paasid);
		if ((rc = authenticate(h, req, &received, admdvs, &status)) < 0) {
			fail(resp, status, rc, NULL, &received, yb_error_msg());
			return;
		}
	}

	rc = yb_envelope_parse(&env, req->body ? req->body : "", req->len);
	copy_str(resp->infno, sizeof(resp->infno), env.infno);
	copy_str(resp->msgid, sizeof(resp->msgid), env.msgid);
	if (env.fixmedins_code[0] || h->no_auth)
		copy_str(resp->fixmedins_code, sizeof(resp->fixmedins_code), env.fixmedins_code);
	if (!admdvs[0])
		copy_str(admdvs, sizeof(admdvs), env.mdtrtarea_admvs);
	if (rc < 0) {
		fail(resp, status_of(rc), rc, admdvs, &received, yb_error_msg());
		goto done;
	}
	if (!h->no_auth && strcmp(env.fixmedins_code, req->auth.paasid) != 0) {
		rc = yb_error_set(YB_EREFUSED, "fixmedins_code: differs from x-tif-paasid");
		fail(resp, 401, rc, admdvs, &received, yb_error_msg());
		goto done;
	}
	if (!(def = txn_find(env.infno))) {
		rc = yb_error_set(YB_EINVALID, "infno: unknown transaction %s", env.infno);
		fail(resp, 200, rc, admdvs, &received, yb_error_msg());
		goto done;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.ledger = h->ledger;
	ctx.fixmedins_code = env.fixmedins_code;
	ctx.msgid = env.msgid;
	ctx.infno = env.infno;
	ctx.insuplc_admdvs = env.insuplc_admdvs;
	ctx.mdtrtarea_admvs = env.mdtrtarea_admvs;
	ctx.sign_no = env.sign_no;
	ctx.admdvs = admdvs;
	ctx.now = received.local;
	yb_stamp_now(&stamp, admdvs, &received);
	yb_stamp_format(stamp_text, &stamp);
	ctx.stamp = stamp_text;
	ctx.input = env.input;
	rc = def->fn(&ctx, env.input, &obuf);
	if (ctx.subject)
		yb_mask(resp->subject, sizeof(resp->subject), ctx.subject,
			ctx.subject_kind == TXN_SUBJ_NAME ? YB_MASK_NAME : YB_MASK_ID);
	if (rc == 0 && obuf.oom)
		rc = yb_error_set(YB_ENOMEM, "out of memory");
	if (rc < 0) {
		fail(resp, status_of(rc), rc, admdvs, &received, yb_error_msg());
		goto done;
	}
	yb_buf_clear(&resp->body);
	txn_answer(&resp->body, &ctx, &stamp, &obuf);
	resp->content_type = ctx.content_type;
done:
	if (resp->body.oom) {
		yb_buf_free(&resp->body);
		resp->content_type = NULL;
		resp->status = 500;
		resp->infcode = -1;
		yb_buf_puts(&resp->body, "{\"infcode\":-1,\"err_msg\":\"out of memory\"}");
	}
	yb_buf_free(&obuf);
	yb_envelope_free(&env);
}
