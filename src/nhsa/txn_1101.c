/* 1101: person and insurance lookup. A person is found only by a
 * certificate number that equals the one on file: an institution cannot
 * list or guess people by psn_no. Phase 1 knows ID cards only
 * (mdtrt_cert_type 02, or psn_cert_type + certno as some clients send). */
#include "txn.h"
#include "yibao/error.h"
#include "yibao/store.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CERTNO_MAX 30

/* Which certificate the request names: *certno, or an error naming the
 * field. */
static int read_cert(const yb_json *d, const yb_jpath *dp, const char **certno)
{
	char type[4] = "";
	int rc;

	if ((rc = yb_jget_code(d, dp, "mdtrt_cert_type", 0, type, sizeof(type))) < 0)
		return rc;
	if (type[0]) {
		if (strcmp(type, "01") == 0 || strcmp(type, "03") == 0)
			return yb_jpath_error(dp, "mdtrt_cert_type", "%s not supported yet (02, ID card, is)", type);
		if (strcmp(type, "02") != 0 && strcmp(type, "2") != 0)
			return yb_jpath_error(dp, "mdtrt_cert_type", "not 01, 02 or 03");
		return txn_get_id(d, dp, "mdtrt_cert_no", 1, CERTNO_MAX, certno);
	}
	/* psn_cert_type + certno; the type's value varies between clients
	 * (NHSA.md's sample sends "2"), so only its shape is checked */
	if ((rc = yb_jget_code(d, dp, "psn_cert_type", 0, type, sizeof(type))) < 0)
		return rc;
	if ((rc = txn_get_id(d, dp, "certno", 0, CERTNO_MAX, certno)) < 0)
		return rc;
	if (!*certno)
		return yb_jpath_error(dp, "mdtrt_cert_no", "missing (or certno)");
	return 0;
}

static int members_1101(txn_ctx *c, const yb_json *input, yb_jw *out)
{
	yb_jpath ip = YB_JPATH_KEY(NULL, "input");
	yb_jpath dp = YB_JPATH_KEY(&ip, "data");
	const yb_json *d;
	const char *certno = NULL, *name = NULL, *card_sn = NULL;
	yb_datetime when = c->now;
	yb_psn_rec psn;
	yb_psn_rec *p = &psn;
	yb_date on;
	char buf[32];
	int rc;

	if ((rc = yb_jget_object(input, &ip, "data", 1, &d)) < 0 ||
	    (rc = read_cert(d, &dp, &certno)) < 0 ||
	    (rc = txn_get_id(d, &dp, "card_sn", 0, 64, &card_sn)) < 0 ||
	    (rc = txn_get_id(d, &dp, "psn_name", 0, 60, &name)) < 0 ||
	    (rc = yb_jget_datetime(d, &dp, "begntime", 0, &when)) < 0)
		return rc;
	c->subject = certno;
	c->subject_kind = TXN_SUBJ_ID;
	if ((rc = txn_need_ledger(c)) < 0)
		return rc;

	memset(&psn, 0, sizeof(psn));
	on = yb_datetime_date(when);
	rc = yb_ledger_get_psn_by_certno(c->ledger, certno, on, &psn);
	if (rc == YB_ENOTFOUND && strlen(certno) == 18 && (certno[17] == 'x' || certno[17] == 'X')) {
		/* the check character X: clients type it in either case */
		char other[19];
		memcpy(other, certno, 19);
		other[17] = certno[17] == 'x' ? 'X' : 'x';
		rc = yb_ledger_get_psn_by_certno(c->ledger, other, on, &psn);
	}
	/* one answer for "unknown" and "wrong name": the message must not
	 * tell a prober which half was right */
	if (rc == YB_ENOTFOUND || (rc == 0 && strcasecmp(p->certno, certno) != 0) ||
	    (rc == 0 && name && strcmp(name, p->psn_name) != 0))
		return name ? yb_jpath_error(&dp, "mdtrt_cert_no", "no insured person with this certificate and name")
			    : yb_jpath_error(&dp, "mdtrt_cert_no", "no insured person with this certificate");
	if (rc < 0)
		return rc;

	yb_jw_obj(out, "baseinfo");
	yb_jw_str(out, "psn_no", p->psn_no);
	yb_jw_str(out, "psn_cert_type", "01");
	yb_jw_str(out, "certno", p->certno);
	yb_jw_str(out, "psn_name", p->psn_name);
	buf[0] = p->gend;
	buf[1] = '\0';
	yb_jw_str(out, "gend", p->gend ? buf : "");
	yb_jw_str(out, "naty", "");
	if (p->brdy != YB_DATE_NONE) {
		yb_date_format(buf, p->brdy);
		yb_jw_str(out, "brdy", buf);
		yb_jw_int(out, "age", yb_age(p->brdy, on));
	} else {
		yb_jw_str(out, "brdy", "");
		yb_jw_int(out, "age", 0); /* no null in a number: a typed client cannot read it */
	}
	yb_jw_end(out, '}');

	yb_jw_arr(out, "insuinfo");
	if (p->psn_insu_stas) {
		yb_jw_obj(out, NULL);
		yb_jw_money(out, "balc", p->acct_balc);
		snprintf(buf, sizeof(buf), "%d", p->insutype);
		yb_jw_str(out, "insutype", buf);
		yb_jw_str(out, "psn_type", p->psn_type);
		snprintf(buf, sizeof(buf), "%d", p->psn_insu_stas);
		yb_jw_str(out, "psn_insu_stas", buf);
		yb_date_format(buf, p->begndate);
		yb_jw_str(out, "psn_insu_date", buf);
		yb_jw_str(out, "cvlserv_flag", yb_cvlserv_flag(p->psn_type));
		yb_jw_str(out, "insuplc_admdvs", p->insu_admdvs);
		yb_jw_str(out, "emp_name", "");
		yb_jw_end(out, '}');
	}
	yb_jw_end(out, ']');
	yb_jw_arr(out, "idetinfo");
	yb_jw_end(out, ']');
	return 0;
}

int txn_1101(txn_ctx *c, const yb_json *input, yb_buf *out)
{
	return txn_members(c, input, out, members_1101);
}
