/* Reading visits and fee lines from NHSA-shaped JSON, and writing
 * settlement results with the NHSA field names. Shared by calc, the ledger
 * commands and the server so that every door reads and writes alike. */
#include "yibao/ledger.h"
#include "yibao/rules.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --------------------------------------------------------------- reading */

/* A numeric code ("11", 11) within [min, max]. */
static int get_code_int(const yb_json *o, const yb_jpath *p, const char *key,
			int required, int min, int max, int *out)
{
	char buf[8] = "";
	int64_t v;
	int rc = yb_jget_code(o, p, key, required, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (!buf[0])
		return 0;
	if (yb_decimal_parse(&v, buf, strlen(buf), 0) < 0 || v < min || v > max)
		return yb_jpath_error(p, key, "not a valid code");
	*out = (int)v;
	return 0;
}

static int get_admdvs(const yb_json *o, const yb_jpath *p, const char *key,
		      int required, char out[7])
{
	int rc = yb_jget_code(o, p, key, required, out, 7);
	size_t i;

	if (rc < 0 || !out[0])
		return rc;
	for (i = 0; out[i]; i++)
		if (out[i] < '0' || out[i] > '9')
			break;
	if (i != 6 || out[i])
		return yb_jpath_error(p, key, "not a 6-digit region code");
	return 0;
}

int yb_read_feeline(yb_feeline_in *out, const yb_json *o, const yb_jpath *p)
{
	yb_feeline *l = &out->line;
	char lv[4] = "";
	int present = 0;
	int64_t v;
	int rc;

	memset(out, 0, sizeof(*out));
	if (o->type != YB_JSON_OBJECT)
		return yb_jpath_error(p, NULL, "not an object");
	if ((rc = yb_jget_str(o, p, "feedetl_sn", 1, 30, &l->feedetl_sn)) < 0 ||
	    (rc = yb_jget_str(o, p, "med_list_codg", 1, YB_CODE_MAX - 1, &l->med_list_codg)) < 0 ||
	    (rc = yb_jget_decimal(o, p, "det_item_fee_sumamt", 1, YB_SCALE_MONEY, &l->sumamt, NULL)) < 0)
		return rc;
	if (l->sumamt < 0)
		return yb_jpath_error(p, "det_item_fee_sumamt", "negative amount");
	if (l->sumamt > 1000000000000LL) /* 10^10 yuan: no single line is that dear */
		return yb_jpath_error(p, "det_item_fee_sumamt", "amount out of range");
	l->cnt = 10000;
	if ((rc = yb_jget_decimal(o, p, "cnt", 0, YB_SCALE_COUNT, &l->cnt, NULL)) < 0)
		return rc;
	if (l->cnt <= 0 || l->cnt > 100000000000LL)
		return yb_jpath_error(p, "cnt", "not a positive count");
	if ((rc = yb_jget_decimal(o, p, "pric", 0, YB_SCALE_PRICE, &l->pric, &present)) < 0)
		return rc;
	if (!present) {
		int ovf = 0;
		l->pric = yb_muldiv_round(l->sumamt, 100000000, l->cnt, &ovf);
		/* a unit price that does not fit would read as 0 and slip
		 * under every price cap (CL2) */
		if (ovf)
			return yb_jpath_error(p, "pric", "absent, and det_item_fee_sumamt / cnt is out of range");
	} else if (l->pric < 0) {
		return yb_jpath_error(p, "pric", "negative price");
	}
	if ((rc = yb_jget_code(o, p, "chrgitm_lv", 0, lv, sizeof(lv))) < 0)
		return rc;
	if (lv[0] && !(out->lv = yb_class_parse(lv)))
		return yb_jpath_error(p, "chrgitm_lv", "not 01, 02 or 03");
	out->has_lv = lv[0] != 0;
	if ((rc = yb_jget_decimal(o, p, "selfpay_prop", 0, YB_SCALE_RATIO, &v, &out->has_prop)) < 0)
		return rc;
	if (out->has_prop && (v < 0 || v > YB_BP_ONE))
		return yb_jpath_error(p, "selfpay_prop", "ratio outside 0..1");
	out->prop_bp = (int32_t)v;
	if ((rc = yb_jget_decimal(o, p, "pric_uplmt_amt", 0, YB_SCALE_PRICE, &out->cap, &out->has_cap)) < 0)
		return rc;
	if (out->has_cap && out->cap < 0)
		return yb_jpath_error(p, "pric_uplmt_amt", "negative price");
	return 0;
}

void yb_resolve_feeline(yb_feeline_in *in, const yb_catalogue *cat, yb_date on,
			int overrides)
{
	yb_feeline *l = &in->line;
	const yb_cat_item *it = yb_catalogue_find(cat, l->med_list_codg, on);

	l->known = it != NULL;
	l->chrgitm_lv = it ? it->chrgitm_lv : YB_CLASS_C;
	l->selfpay_bp = it ? it->selfpay_bp : 0;
	l->pric_uplmt = it ? it->pric_uplmt : -1;
	l->flags = it ? it->flags : 0;
	if (!overrides)
		return;
	if (in->has_lv) {
		l->known = 1;
		l->chrgitm_lv = in->lv;
	}
	if (in->has_prop)
		l->selfpay_bp = in->prop_bp;
	if (in->has_cap)
		l->pric_uplmt = in->cap;
}

int yb_read_fixmedins(yb_visit *v, const yb_json *o, const yb_jpath *p)
{
	int rc;

	v->hosp_lv = 0;
	v->prim_flag = 0;
	if ((rc = yb_jget_str(o, p, "fixmedins_code", 1, 30, &v->fixmedins_code)) < 0 ||
	    (rc = get_code_int(o, p, "fixmedins_type", 1, 1, 2, &v->fixmedins_type)) < 0 ||
	    (rc = get_code_int(o, p, "hosp_lv", 0, 0, 3, &v->hosp_lv)) < 0 ||
	    (rc = get_code_int(o, p, "prim_flag", 0, 0, 1, &v->prim_flag)) < 0 ||
	    (rc = get_admdvs(o, p, "admdvs", 1, v->admdvs)) < 0)
		return rc;
	return 0;
}

int yb_read_mdtrt(yb_visit *v, const yb_json *o, const yb_jpath *p)
{
	int rc, acct = 0, mid = 0, dscg_way = 0;

	v->dise_codg = "";
	v->endtime = 0;
	if ((rc = yb_jget_str(o, p, "mdtrt_id", 1, 30, &v->mdtrt_id)) < 0 ||
	    (rc = get_code_int(o, p, "med_type", 1, 1, 999, &v->med_type)) < 0 ||
	    (rc = yb_jget_datetime(o, p, "begntime", 1, &v->begntime)) < 0 ||
	    (rc = yb_jget_datetime(o, p, "endtime", 0, &v->endtime)) < 0 ||
	    (rc = get_code_int(o, p, "acct_used_flag", 0, 0, 1, &acct)) < 0 ||
	    (rc = get_code_int(o, p, "mid_setl_flag", 0, 0, 1, &mid)) < 0 ||
	    (rc = get_code_int(o, p, "dscg_way", 0, 1, 9, &dscg_way)) < 0 ||
	    (rc = yb_jget_str(o, p, "dise_codg", 0, YB_CODE_MAX - 1, &v->dise_codg)) < 0)
		return rc;
	if (v->endtime && v->endtime < v->begntime)
		return yb_jpath_error(p, "endtime", "before begntime");
	if (mid && !yb_med_type_inpatient(v->med_type))
		return yb_jpath_error(p, "mid_setl_flag", "only an inpatient stay (med_type 21-28) settles mid-stay");
	v->acct_used = acct;
	v->mid_setl = mid;
	return 0;
}

int yb_read_oth_scheme(yb_visit *v, const yb_json *o, const yb_jpath *p)
{
	int rc = yb_jget_decimal(o, p, "oth_scheme_pay", 0, YB_SCALE_MONEY, &v->oth_scheme_pay, NULL);
	if (rc < 0)
		return rc;
	if (v->oth_scheme_pay < 0)
		return yb_jpath_error(p, "oth_scheme_pay", "negative amount");
	return 0;
}

int yb_read_idet(yb_identity *out, size_t cap, size_t *n, const yb_policy *pol,
		 const yb_json *o, const yb_jpath *p)
{
	const yb_json *arr, *e;
	yb_jpath ap = YB_JPATH_KEY(p, "idet");
	int rc;

	*n = 0;
	if ((rc = yb_jget_array(o, p, "idet", 0, &arr)) < 0 || !arr)
		return rc;
	if (arr->len > cap)
		return yb_jpath_error(p, "idet", "more than %zu identities", cap);
	for (e = arr->child; e; e = e->next) {
		yb_jpath ip = YB_JPATH_INDEX(&ap, *n);
		yb_identity *x = &out[*n];
		char type[32] = "";
		if ((rc = yb_jget_code(e, &ip, "idet_type", 1, type, sizeof(type))) < 0 ||
		    (rc = yb_jget_date(e, &ip, "begndate", 1, &x->begndate)) < 0)
			return rc;
		x->enddate = YB_DATE_MAX;
		if ((rc = yb_jget_date(e, &ip, "enddate", 0, &x->enddate)) < 0)
			return rc;
		if ((x->type = yb_policy_identity(pol, type)) < 0)
			return yb_jpath_error(&ip, "idet_type", "not an identity of policy %s", pol->admdvs);
		(*n)++;
	}
	return 0;
}

/* --------------------------------------------------------------- writing */

const char *yb_cvlserv_flag(const char *psn_type)
{
	return psn_type && strcmp(psn_type, "1102") == 0 ? "1" : "0";
}

const char *yb_fund_pay_type_name(const char *type)
{
	static const struct { const char *code, *name; } names[] = {
		{"310100", "职工基本医疗保险统筹基金"}, {"310200", "职工基本医疗保险个人账户基金"},
		{"310201", "职工基本医疗保险个人账户共济基金"},
		{"320100", "公务员医疗补助资金"}, {"330100", "职工大额医疗费用补助"},
		{"370100", "企业补充医疗保险"}, {"390100", "城乡居民基本医疗保险基金"},
		{"390200", "城乡居民大病医疗保险资金"}, {"510100", "生育基金"},
		{"610100", "医疗救助基金"}, {"999996", "医院负担"}, {"999997", "其他基金"},
	};
	size_t i;

	for (i = 0; type && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].code, type) == 0)
			return names[i].name;
	return "";
}

void yb_setlinfo_of(yb_setlinfo *si, const yb_settlement *s, const yb_visit *v,
		    const yb_person *psn)
{
	memset(si, 0, sizeof(*si));
	si->mdtrt_id = v->mdtrt_id;
	si->psn_no = psn->psn_no;
	si->psn_type = psn->psn_type;
	si->gend = psn->gend;
	si->brdy = psn->brdy;
	si->age = psn->brdy != YB_DATE_NONE ? s->age : 0;
	si->insutype = psn->insutype;
	si->med_type = v->med_type;
	si->clr_optins = v->admdvs;
	yb_setl_amounts_from(si->amt, s);
	si->pool_prop = s->pool_prop_selfpay;
	si->balc = s->balc;
	si->setl_proc_info = s->setl_proc_info;
}

static const char *str0(const char *s)
{
	return s ? s : "";
}

void yb_write_setlinfo(yb_jw *w, const char *key, const yb_setlinfo *si)
{
	static const int before_prop[] = {
		YB_A_MEDFEE_SUMAMT, YB_A_FULAMT_OWNPAY_AMT, YB_A_OVERLMT_SELFPAY, YB_A_PRESELFPAY_AMT,
		YB_A_INSCP_SCP_AMT, YB_A_ACT_PAY_DEDC, YB_A_HIFP_PAY};
	static const int after_prop[] = {
		YB_A_CVLSERV_PAY, YB_A_HIFES_PAY, YB_A_HIFMI_PAY, YB_A_HIFOB_PAY, YB_A_MAF_PAY,
		YB_A_OTH_PAY, YB_A_FUND_PAY_SUMAMT, YB_A_PSN_PART_AMT, YB_A_ACCT_PAY,
		YB_A_PSN_CASH_PAY, YB_A_HOSP_PART_AMT};
	const char *certno = str0(si->certno);
	char buf[32];
	size_t k;

	yb_jw_obj(w, key);
	yb_jw_str(w, "mdtrt_id", str0(si->mdtrt_id));
	yb_jw_str(w, "setl_id", si->setl_id);
	if (si->refd_setl_id)
		yb_jw_str(w, "refd_setl_id", si->refd_setl_id);
	yb_jw_str(w, "psn_no", str0(si->psn_no));
	yb_jw_str(w, "psn_name", str0(si->psn_name));
	/* the store's certificate is the ID number (居民身份证, 01) */
	yb_jw_str(w, "psn_cert_type", certno[0] ? "01" : "");
	yb_jw_str(w, "certno", certno);
	buf[0] = si->gend;
	buf[1] = '\0';
	yb_jw_str(w, "gend", buf);
	yb_jw_str(w, "naty", ""); /* the store has no ethnicity */
	if (si->brdy != YB_DATE_NONE)
		yb_date_format(buf, si->brdy);
	else
		buf[0] = '\0';
	yb_jw_str(w, "brdy", buf);
	yb_jw_int(w, "age", si->age);
	snprintf(buf, sizeof(buf), "%d", si->insutype);
	yb_jw_str(w, "insutype", buf);
	yb_jw_str(w, "psn_type", str0(si->psn_type));
	yb_jw_str(w, "cvlserv_flag", yb_cvlserv_flag(si->psn_type));
	yb_jw_str(w, "setl_time", str0(si->setl_time));
	yb_jw_str(w, "mdtrt_cert_type", str0(si->mdtrt_cert_type));
	snprintf(buf, sizeof(buf), "%d", si->med_type);
	yb_jw_str(w, "med_type", buf);
	for (k = 0; k < sizeof(before_prop) / sizeof(before_prop[0]); k++)
		yb_jw_money(w, yb_setl_amount_names[before_prop[k]], si->amt[before_prop[k]]);
	yb_jw_ratio(w, "pool_prop_selfpay", si->pool_prop);
	for (k = 0; k < sizeof(after_prop) / sizeof(after_prop[0]); k++)
		yb_jw_money(w, yb_setl_amount_names[after_prop[k]], si->amt[after_prop[k]]);
	yb_jw_money(w, "balc", si->balc);
	yb_jw_money(w, "acct_mulaid_pay", si->amt[YB_A_ACCT_MULAID_PAY]);
	yb_jw_str(w, "medins_setl_id", str0(si->medins_setl_id));
	yb_jw_str(w, "clr_optins", str0(si->clr_optins));
	yb_jw_str(w, "clr_way", "1");
	yb_jw_str(w, "clr_type", yb_med_type_inpatient(si->med_type) ? "21" : "11");
	yb_jw_str(w, "setl_proc_info", str0(si->setl_proc_info));
	yb_jw_end(w, '}');
}

static void write_fund_row(yb_jw *w, const char *type, const char *name, yb_money inscp,
			   yb_money lmt, yb_money pay, const char *info)
{
	yb_jw_obj(w, NULL);
	yb_jw_str(w, "fund_pay_type", type);
	yb_jw_str(w, "fund_pay_type_name", name && *name ? name : yb_fund_pay_type_name(type));
	yb_jw_money(w, "inscp_scp_amt", inscp);
	yb_jw_money(w, "crt_payb_lmt_amt", lmt);
	yb_jw_money(w, "fund_payamt", pay);
	yb_jw_str(w, "setl_proc_info", str0(info));
	yb_jw_end(w, '}');
}

/* The pooled funds (they sum to fund_pay_sumamt), then what the platform
 * lists beside them, each only when it holds money: the own account
 * (310200) and the family mutual-aid accounts (310201), which sum to
 * acct_pay, and the hospital's part (999996), hosp_part_amt. HIS total
 * setldetail by fund_pay_type, so the pooled total stays fund_pay_sumamt. */
void yb_write_setldetail(yb_jw *w, const char *key, const yb_fund_pay *funds, int n_funds,
			 const yb_money amt[YB_A_COUNT])
{
	const yb_money own = amt[YB_A_ACCT_PAY] - amt[YB_A_ACCT_MULAID_PAY];
	const yb_money inscp = amt[YB_A_INSCP_SCP_AMT];
	int k;

	yb_jw_arr(w, key);
	for (k = 0; k < n_funds; k++)
		write_fund_row(w, funds[k].fund_pay_type, funds[k].fund_pay_type_name,
			       funds[k].inscp_scp_amt, funds[k].crt_payb_lmt_amt, funds[k].fund_payamt,
			       funds[k].setl_proc_info);
	if (own)
		write_fund_row(w, "310200", NULL, inscp, 0, own, "A2: the own personal account");
	if (amt[YB_A_ACCT_MULAID_PAY])
		write_fund_row(w, "310201", NULL, inscp, 0, amt[YB_A_ACCT_MULAID_PAY],
			       "A2: family mutual-aid accounts");
	if (amt[YB_A_HOSP_PART_AMT])
		write_fund_row(w, "999996", NULL, inscp, 0, amt[YB_A_HOSP_PART_AMT], "borne by the hospital");
	yb_jw_end(w, ']');
}

/* ------------------------------------------------------ a line's facts */

/* The platform writes 999999 (scale 6 here) for an item with no price cap,
 * and for one it does not know; a typed client cannot read null. */
#define PRIC_UPLMT_NONE (999999LL * 1000000LL)

void yb_write_line_cap(yb_jw *w, int64_t pric_uplmt)
{
	yb_jw_dec(w, "pric_uplmt_amt", pric_uplmt >= 0 ? pric_uplmt : PRIC_UPLMT_NONE, YB_SCALE_PRICE);
}

/* 医疗收费项目类别 as far as the store knows it: the general consultation
 * fee by its flag, drugs and materials by the first letter of the national
 * code (X western drug, Z patent drug, T herbal pieces, C consumable);
 * every other service is 14 (other): the catalogue does not say which. */
static const char *med_chrgitm_type(const char *med_list_codg, uint32_t flags)
{
	if (flags & YB_ITEM_CONSULT)
		return "12";
	switch (med_list_codg ? med_list_codg[0] : '\0') {
	case 'X': return "09";
	case 'Z': return "11";
	case 'T': return "10";
	case 'C': return "08";
	default: return "14";
	}
}

void yb_write_line_class(yb_jw *w, const char *med_list_codg, int known, int chrgitm_lv,
			 uint32_t flags, const char *memo)
{
	static const char *const flag_keys[] = {
		"bas_medn_flag", "hi_nego_drug_flag", "chld_medc_flag", "list_sp_item_flag",
		"lmt_used_flag", "drt_reim_flag"};
	size_t k;

	yb_jw_str(w, "chrgitm_lv", !known ? "03" : chrgitm_lv == YB_CLASS_A ? "01"
				   : chrgitm_lv == YB_CLASS_B ? "02" : "03");
	yb_jw_str(w, "med_chrgitm_type", med_chrgitm_type(med_list_codg, flags));
	/* the catalogue holds none of these: "0" (docs/interface.md) */
	for (k = 0; k < sizeof(flag_keys) / sizeof(flag_keys[0]); k++)
		yb_jw_str(w, flag_keys[k], "0");
	yb_jw_str(w, "memo", memo);
	yb_jw_null(w, "exp_content");
}

void yb_write_settlement(yb_jw *w, const yb_setlinfo *si, const yb_settlement *s,
			 const yb_line_result *lines, const yb_visit *v)
{
	size_t i;

	yb_write_setlinfo(w, "setlinfo", si);
	yb_write_setldetail(w, "setldetail", s->funds, s->n_funds, si->amt);
	yb_jw_arr(w, "result");
	for (i = 0; i < v->n_lines; i++) {
		const yb_feeline *l = &v->lines[i];
		const yb_line_result *r = &lines[i];
		yb_jw_obj(w, NULL);
		yb_jw_str(w, "feedetl_sn", l->feedetl_sn);
		yb_jw_str(w, "med_list_codg", l->med_list_codg);
		yb_jw_money(w, "det_item_fee_sumamt", l->sumamt);
		yb_jw_dec(w, "cnt", l->cnt, YB_SCALE_COUNT);
		yb_jw_dec(w, "pric", l->pric, YB_SCALE_PRICE);
		yb_write_line_cap(w, l->pric_uplmt);
		yb_jw_ratio(w, "selfpay_prop", r->selfpay_bp);
		yb_jw_money(w, "fulamt_ownpay_amt", r->fulamt_ownpay_amt);
		yb_jw_money(w, "overlmt_amt", r->overlmt_amt);
		yb_jw_money(w, "preselfpay_amt", r->preselfpay_amt);
		yb_jw_money(w, "inscp_scp_amt", r->inscp_scp_amt);
		yb_write_line_class(w, l->med_list_codg, l->known, l->chrgitm_lv, l->flags, r->rule);
		yb_jw_end(w, '}');
	}
	yb_jw_end(w, ']');
}

/* ---------------------------------------------------------- policy files */

static int try_dir(char *out, size_t n, const char *dir)
{
	if (access(dir, R_OK | X_OK) != 0)
		return 0;
	snprintf(out, n, "%s", dir);
	return 1;
}

int yb_policy_dir(char *out, size_t n)
{
	const char *env = getenv("YIBAO_POLICY_DIR");
	char exe[4096], dir[4200];
	ssize_t len;

	if (env && try_dir(out, n, env))
		return 0;
	if (try_dir(out, n, "policies"))
		return 0;
	/* beside the binary: <root>/build/yibao -> <root>/policies, or an
	 * installed <prefix>/bin/yibao -> <prefix>/share/yibao/policies */
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		char *slash;
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(dir, sizeof(dir), "%s/../policies", exe);
		if (try_dir(out, n, dir))
			return 0;
		snprintf(dir, sizeof(dir), "%s/../share/yibao/policies", exe);
		if (try_dir(out, n, dir))
			return 0;
	}
	return yb_error_set(YB_ENOTFOUND, "no policies folder (set YIBAO_POLICY_DIR)");
}

int yb_policy_path(char *out, size_t n, const char *admdvs)
{
	char dir[4096];

	if (strlen(admdvs) != 6 || strspn(admdvs, "0123456789") != 6)
		return yb_error_set(YB_EINVALID, "admdvs: not a 6-digit region code");
	if (yb_policy_dir(dir, sizeof(dir)) == 0) {
		snprintf(out, n, "%s/%s.json", dir, admdvs);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return yb_error_set(YB_ENOTFOUND, "admdvs: no policy file %s.json (set YIBAO_POLICY_DIR or use --policy)", admdvs);
}

/* ------------------------------------------------- traceability codes */

#define TRAC_TEXT_MAX 4000 /* the codes of one line, as text */
#define TRAC_CODES_MAX (TRAC_TEXT_MAX / 2 + 1)

typedef struct code_list {
	const char *s[TRAC_CODES_MAX];
	size_t len[TRAC_CODES_MAX];
	size_t n, text;          /* codes, and their length as ',' joined text */
} code_list;

/* Adds the codes of s (n bytes, several joined by ',' in drug_trac_codg). */
static int add_codes(code_list *c, const char *s, size_t n, const yb_jpath *p, const char *key)
{
	size_t i = 0;

	while (i < n) {
		const char *comma = memchr(s + i, ',', n - i);
		size_t end = comma ? (size_t)(comma - s) : n;
		if (end - i >= YB_TRAC_CODE_MAX)
			return yb_jpath_error(p, key, "a code longer than %d characters", YB_TRAC_CODE_MAX - 1);
		if (end > i) { /* "A,,B": no empty code */
			c->text += (c->n ? 1 : 0) + end - i;
			if (c->text > TRAC_TEXT_MAX)
				return yb_jpath_error(p, key, "more than %d characters of codes", TRAC_TEXT_MAX);
			c->s[c->n] = s + i;
			c->len[c->n++] = end - i;
		}
		i = end + 1;
	}
	return 0;
}

int yb_read_trac_codes(yb_trac_codes *out, const yb_json *o, const yb_jpath *p)
{
	yb_jpath ap = YB_JPATH_KEY(p, "drugtracinfo");
	const yb_json *arr = NULL, *e;
	const yb_json *c1 = yb_json_get(o, "drug_trac_codg"), *c2 = yb_json_get(o, "drugtracinfo");
	const char *one = NULL;
	code_list *c;
	size_t i = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	/* most lines carry no code: nothing to read, nothing to allocate */
	if ((!c1 || c1->type == YB_JSON_NULL || (c1->type == YB_JSON_STRING && c1->len == 0)) &&
	    (!c2 || c2->type == YB_JSON_NULL))
		return 0;
	if (!(c = malloc(sizeof(*c))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	c->n = c->text = 0;
	if ((rc = yb_jget_str(o, p, "drug_trac_codg", 0, TRAC_TEXT_MAX, &one)) < 0 ||
	    (rc = yb_jget_array(o, p, "drugtracinfo", 0, &arr)) < 0 ||
	    (one && (rc = add_codes(c, one, strlen(one), p, "drug_trac_codg")) < 0))
		goto done;
	for (e = arr ? arr->child : NULL; e; e = e->next, i++) {
		yb_jpath ep = YB_JPATH_INDEX(&ap, i);
		if ((rc = yb_jget_str(e, &ep, "drug_trac_codg", 1, YB_TRAC_CODE_MAX - 1, &one)) < 0)
			goto done;
		if (strchr(one, ',')) {
			rc = yb_jpath_error(&ep, "drug_trac_codg", "a code holds no comma");
			goto done;
		}
		if ((rc = add_codes(c, one, strlen(one), p, "drugtracinfo")) < 0)
			goto done;
	}
	rc = yb_trac_codes_pack(out, c->s, c->len, c->n);
done:
	free(c);
	return rc;
}
