/* Fuzz target: policy and catalogue files. Whatever the text, loading
 * either fails with diagnostics or gives tables that the lookups and one
 * small settlement can use: the settlement must keep the identities. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yibao/engine.h"
#include "yibao/policy.h"

/* Settles a fixed two-line visit under each code the policy might match. */
static void settle_under(const yb_policy *pol)
{
	static const int insutypes[] = {310, 390};
	static const int med_types[] = {11, 14, 41};
	yb_feeline lines[2];
	yb_line_result res[2];
	yb_settlement s;
	yb_person psn;
	yb_visit v;
	yb_money acc[YB_MAX_BUCKETS];
	yb_mulaid_acct m = {"M", 5000, 0};
	size_t i, j;

	memset(lines, 0, sizeof(lines));
	lines[0].feedetl_sn = "1";
	lines[0].med_list_codg = "T001700643";
	lines[0].sumamt = 452;
	lines[0].cnt = 10000;
	lines[0].pric = 4520000;
	lines[0].known = 1;
	lines[0].chrgitm_lv = YB_CLASS_B;
	lines[0].selfpay_bp = 500;
	lines[0].pric_uplmt = 4000000;
	lines[0].flags = YB_ITEM_TCM_GRANULE | YB_ITEM_CHECKUP;
	lines[1] = lines[0];
	lines[1].feedetl_sn = "2";
	lines[1].chrgitm_lv = YB_CLASS_A;
	lines[1].flags = 0;
	memset(&psn, 0, sizeof(psn));
	psn.psn_no = "P";
	memcpy(psn.psn_type, "1201", 5);
	psn.brdy = yb_date_from_ymd(1950, 1, 1);
	psn.acct_balc = 100;
	memset(&v, 0, sizeof(v));
	v.fixmedins_code = "H";
	v.fixmedins_type = 1;
	v.hosp_lv = 1;
	v.prim_flag = 1;
	memcpy(v.admdvs, pol->admdvs, sizeof(v.admdvs));
	v.mdtrt_id = "V";
	v.begntime = (yb_datetime)yb_date_from_ymd(2024, 10, 1) * 86400;
	v.acct_used = 1;
	v.dise_codg = "I10";
	v.lines = lines;
	v.n_lines = 2;
	memset(acc, 0, sizeof(acc));
	for (i = 0; i < sizeof(insutypes) / sizeof(insutypes[0]); i++)
		for (j = 0; j < sizeof(med_types) / sizeof(med_types[0]); j++) {
			psn.insutype = insutypes[i];
			v.med_type = med_types[j];
			if (yb_engine_settle(&s, res, pol, &psn, acc, &m, 1, &v) == 0 &&
			    yb_settlement_check(&s) != 0)
				abort(); /* an identity of NHSA.md broke */
		}
}

static void use_policy(const yb_policy *pol)
{
	static const char *const psn_types[] = {"1101", "1201", "1300", "1501", "", "9"};
	size_t i;
	int k;

	for (i = 0; i < sizeof(psn_types) / sizeof(psn_types[0]); i++)
		yb_policy_categories(pol, psn_types[i]);
	for (i = 0; i < pol->n_dise_lists; i++) {
		yb_policy_dise_in(pol, (int)i, "I10.x00");
		yb_policy_dise_in(pol, (int)i, "");
		if (yb_policy_dise_list(pol, pol->dise_lists[i].name) < 0)
			abort();
	}
	for (k = 0; k < pol->n_buckets; k++)
		if (yb_policy_bucket(pol, pol->bucket[k]) != k)
			abort(); /* bucket names are unique */
	for (k = 0; k < pol->n_remote_types; k++)
		yb_policy_remote_type(pol, pol->remote_type[k]);
	settle_under(pol);
}

static void use_catalogue(const yb_catalogue *c)
{
	size_t i, n = yb_catalogue_count(c);

	for (i = 0; i < n; i++) {
		const yb_cat_item *it = yb_catalogue_at(c, i);
		yb_date on = it->begndate == YB_DATE_NONE ? 0 : it->begndate;
		/* an item is found on a day it is valid (maybe as another
		 * version of the same code) */
		if (on <= it->enddate && !yb_catalogue_find(c, it->med_list_codg, on))
			abort();
	}
	yb_catalogue_find(c, "", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yb_diag diag = {0};
	yb_policy *pol = NULL;
	yb_catalogue *cat = NULL;

	if (yb_policy_parse(&pol, (const char *)data, size, "fuzz.json", &diag) == 0) {
		use_policy(pol);
		yb_policy_free(pol);
	}
	yb_diag_free(&diag);
	if (yb_catalogue_parse(&cat, (const char *)data, size, "fuzz.json", &diag) == 0) {
		use_catalogue(cat);
		yb_catalogue_free(cat);
	}
	yb_diag_free(&diag);
	return 0;
}
