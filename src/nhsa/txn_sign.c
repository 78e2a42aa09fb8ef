/* 9001 sign in, 9002 sign out: an operator's working session at an
 * institution. Phase 1 issues a sign_no and does not keep it: later
 * messages may carry any sign_no (docs/interface.md). */
#include "txn.h"
#include "yibao/error.h"

#include <string.h>

static void write_signinoutb(yb_jw *out, const char *sign_no, yb_datetime now)
{
	char when[24];

	yb_datetime_format(when, now);
	yb_jw_obj(out, "signinoutb");
	yb_jw_str(out, "sign_no", sign_no);
	yb_jw_str(out, "sign_time", when);
	yb_jw_end(out, '}');
}

/* input: signIn{opter_no, mac, ip} -> signinoutb{sign_no, sign_time} */
static int members_9001(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath sp = YB_JPATH_KEY(&ip, "signIn");
	const yb_json *s;
	const char *opter_no = NULL, *mac = NULL, *addr = NULL;
	char sign_no[31];
	int rc;

	if ((rc = yb_jget_object(input, &ip, "signIn", 1, &s)) < 0 ||
	    (rc = txn_get_id(s, &sp, "opter_no", 1, 30, &opter_no)) < 0 ||
	    (rc = txn_get_id(s, &sp, "mac", 0, 64, &mac)) < 0 ||
	    (rc = txn_get_id(s, &sp, "ip", 0, 64, &addr)) < 0)
		return rc;
	txn_serial_id(sign_no, c->admdvs, c->now);
	write_signinoutb(out, sign_no, c->now);
	return 0;
}

/* input: signOut{sign_no, opter_no} (some clients: data{...}) ->
 * signinoutb{sign_no, sign_time} */
static int members_9002(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	const char *node = yb_json_get(input, "signOut") ? "signOut" : "data";
	yb_jpath sp = YB_JPATH_KEY(&ip, node);
	const yb_json *s;
	const char *sign_no = NULL, *opter_no = NULL;
	int rc;

	if ((rc = yb_jget_object(input, &ip, node, 1, &s)) < 0)
		return rc == YB_ENOTFOUND ? yb_jpath_error(&ip, "signOut", "missing") : rc;
	if ((rc = txn_get_id(s, &sp, "sign_no", 1, 64, &sign_no)) < 0 ||
	    (rc = txn_get_id(s, &sp, "opter_no", 0, 30, &opter_no)) < 0)
		return rc;
	write_signinoutb(out, sign_no, c->now);
	return 0;
}

int txn_9001(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, members_9001);
}

int txn_9002(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, members_9002);
}
