/* Fuzz target: the enrolment policy parser and the tax system's payment
 * file. Every input goes to both parsers. A policy that loads is used for
 * a few decisions (enrolment, newborn, retirement, a working-day term); a
 * payment file that parses is reconciled against enrolments made from its
 * own lines under a fixed policy. Any broken invariant aborts: coverage
 * inside the benefit year, amounts within the contribution, every line
 * counted once, rejected lines in line order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yibao/enroll.h"

/* A small, valid policy for reconciling (the shipped file's rules). */
static const char fixed_policy[] =
	"{\"format\": \"yibao-enrol/1\", \"admdvs\": \"340600\", \"version\": \"f\","
	" \"identities\": {\"min_living\": \"低保\", \"extreme_poverty\": \"特困\"},"
	" \"groups\": {\"returning_migrant\": \"返乡\"},"
	" \"residents\": {\"insutype\": \"390\", \"employee_insutypes\": [\"310\"],"
	"  \"grounds\": [\"local_hukou\"], \"newborn\": {\"within_days\": 90, \"late_until_months\": 12},"
	"  \"campaigns\": [{\"year\": 2024, \"open\": \"2023-09-15 09:00:00\", \"deadline\": \"2023-12-31\","
	"   \"extensions\": [{\"group\": \"returning_migrant\", \"until\": \"2024-02-28\"}],"
	"   \"benefit_from\": \"2024-01-01\", \"benefit_to\": \"2024-12-31\", \"contribution\": 380,"
	"   \"subsidies\": {\"min_living\": 340, \"extreme_poverty\": 380}},"
	"   {\"year\": 2023, \"benefit_from\": \"2023-01-01\", \"benefit_to\": \"2023-12-31\", \"contribution\": 350}]},"
	" \"employees\": {\"system_start\": \"2000-01\", \"due_month_covered\": true, \"late_payment_restores\": false,"
	"  \"retirement\": {\"years_men\": 30, \"years_women\": 25, \"min_actual_years\": 10},"
	"  \"topup\": [{\"from\": \"2000-01\", \"monthly_base\": 7170, \"rate\": 0.08}]},"
	" \"remote_care\": {\"working_days\": 2, \"channels\": [\"app\"], \"types\": {\"temporary\":"
	"  {\"valid_months\": 6, \"outpatient_pooling\": false}}},"
	" \"chronic\": {\"disease_list\": \"chronic\"},"
	" \"family\": {\"max_bound\": 7, \"relations\": [\"child\"], \"initiator_insutypes\": [\"310\"]},"
	" \"calendar\": {\"weekend\": [\"sat\", \"sun\"], \"first_year\": 2023, \"last_year\": 2025}}";

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_decision(const yb_enrol_policy *p, const yb_enrol_decision *d)
{
	int k;

	for (k = 0; k < d->n_dues; k++) {
		const yb_enrol_due *u = &d->dues[k];
		const yb_campaign *c = yb_enrol_campaign(p, u->year);
		check(c != NULL);
		check(u->amount >= 0 && u->amount <= u->contribution);
		check(u->amount + u->subsidy == u->contribution);
		if (u->status == YB_DUE_COVERED) {
			check(u->begndate >= c->benefit_from && u->begndate <= u->enddate);
			check(u->enddate == c->benefit_to);
		}
	}
}

/* Decisions under a policy that loaded: an adult, a newborn, a retiree. */
static void use_policy(const yb_enrol_policy *p)
{
	yb_resident r;
	yb_contrib_pay pay = {"F1", 0, 0, 0, "app"};
	yb_enrol_decision d;
	yb_contrib_span span = {0, 0, YB_MONTH_PAID, YB_DATE_NONE};
	yb_contrib_history h = {'1', 120, &span, 1, YB_MONTH_NONE};
	yb_retire_check rc;
	yb_benefit_state bs;
	yb_date done;
	int i;

	for (i = 0; i < p->n_campaigns; i++) {
		const yb_campaign *c = &p->campaigns[i];
		yb_datetime now = (yb_datetime)c->benefit_to * 86400;
		memset(&r, 0, sizeof(r));
		memcpy(r.hukou_admdvs, p->admdvs, 7);
		pay.year = c->year;
		pay.amount = c->contribution;
		pay.paid_time = c->has_window ? c->open : (yb_datetime)c->benefit_from * 86400;
		if (pay.paid_time > now)
			now = pay.paid_time;
		if (yb_enrol_decide(&d, p, c->year, &r, NULL, 0, &pay, 1, now) == 0)
			check_decision(p, &d);
		r.brdy = c->benefit_from + 40;
		if (pay.paid_time >= (yb_datetime)r.brdy * 86400 &&
		    yb_enrol_dues(&d, p, c->year, &r, &pay, 1, now) == 0)
			check_decision(p, &d);
	}
	span.from = p->system_start;
	span.to = p->system_start + 200;
	if (yb_retire_check_run(&rc, p, &h, 1, span.to) == 0)
		check(rc.missing_months >= 0 && rc.topup_amount >= 0);
	if (yb_employee_active(&bs, p, &h, yb_month_first(span.to)) == 0)
		check(bs.active == 1);
	if (p->cal.first_year && p->remote_working_days > 0 &&
	    yb_workcal_add(&done, &p->cal, yb_date_from_ymd(p->cal.first_year, 1, 1), p->remote_working_days) == 0)
		check(done > yb_date_from_ymd(p->cal.first_year, 1, 1));
}

static void use_payfile(const yb_payfile *f)
{
	static yb_enrol_policy *p;
	yb_enrolment enr[64];
	yb_payrecon r;
	yb_datetime now = 0;
	size_t i, j, n = 0;

	if (!p && yb_enrol_policy_parse(&p, fixed_policy, sizeof(fixed_policy) - 1, "fixed", NULL) != 0)
		abort();
	for (i = 1; i < f->n_rejected; i++)
		check(f->rejected[i - 1].line < f->rejected[i].line);
	for (i = 0; i < f->n; i++) {
		check(yb_certno_valid(f->lines[i].certno, strlen(f->lines[i].certno)));
		check(f->lines[i].amount >= 0);
		if (f->lines[i].paid_time > now)
			now = f->lines[i].paid_time;
		for (j = 0; j < i && i < 200; j++) /* kept pay_ids are unique */
			check(strcmp(f->lines[i].pay_id, f->lines[j].pay_id) != 0);
	}
	/* every other distinct person of the file is enrolled */
	for (i = 0; i < f->n && n < 64; i += 2) {
		for (j = 0; j < n && strcmp(enr[j].psn.certno, f->lines[i].certno) != 0; j++)
			;
		if (j < n)
			continue;
		memset(&enr[n], 0, sizeof(enr[n]));
		enr[n].psn_no = f->lines[i].pay_id;
		enr[n].psn.certno = f->lines[i].certno;
		enr[n].psn.psn_name = "name";
		enr[n].psn.brdy = n % 3 == 0 ? yb_datetime_date(f->lines[i].paid_time) - 30 : YB_DATE_NONE;
		enr[n].psn.groups = n % 2;
		enr[n].year = 2024;
		n++;
	}
	if (yb_payfile_reconcile(&r, p, enr, n, f, now) == 0) {
		check(r.n_lines == f->n);
		check(r.matched + r.mismatched + r.unmatched + r.duplicates + r.late + r.other == f->n);
		check(r.n_unpaid <= n);
		for (i = 0; i < r.n_lines; i++)
			if (r.lines[i].verdict == YB_PAY_MATCHED && r.lines[i].enrolment >= 0)
				check(r.lines[i].begndate <= r.lines[i].enddate);
		yb_payrecon_free(&r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	yb_enrol_policy *p = NULL;
	yb_diag diag = {0};
	yb_payfile f;

	if (yb_enrol_policy_parse(&p, text, size, "fuzz.enrol.json", &diag) == 0) {
		check(diag.count == 0);
		use_policy(p);
		yb_enrol_policy_free(p);
	} else {
		check(diag.count > 0);
	}
	yb_diag_free(&diag);
	if (yb_payfile_parse(&f, text, size, "fuzz.csv", 100000) == 0) {
		use_payfile(&f);
		yb_payfile_free(&f);
	}
	return 0;
}
