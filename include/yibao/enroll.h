/* Enrolment, contributions and registrations: the bureau's own rules
 * (N1-N7, A1, CD6, OE5, OE8 of POLICY.md) as pure functions over facts the
 * caller supplies. Nothing here reads a clock, a file or a store, except
 * yb_enrol_policy_load(), which reads the enrolment policy file
 * (policies/<admdvs>.enrol.json, docs/enrolment.md).
 *
 * Ownership: a yb_enrol_policy owns everything it points to and is
 * immutable once loaded (share it between threads freely). Every other
 * struct is the caller's; its strings are borrowed from the caller's input
 * and must outlive the call. Results are written into caller-owned structs,
 * only on success. */
#ifndef YB_ENROLL_H
#define YB_ENROLL_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/buf.h"
#include "yibao/date.h"
#include "yibao/json.h"
#include "yibao/money.h"
#include "yibao/policy.h"

#define YB_ENROL_NAME 32         /* names of identities, groups, types */
#define YB_ENROL_MAX_NAMES 16    /* identities, groups, channels, relations */
#define YB_ENROL_MAX_CAMPAIGNS 16
#define YB_ENROL_MAX_TOPUPS 16
#define YB_ENROL_MAX_REASONS 16
#define YB_ENROL_MAX_PAYMENTS 64 /* payments considered for one person */
#define YB_ENROL_MAX_HISTORY 64  /* insurance records of one person */
#define YB_ENROL_MAX_SPANS 600   /* contribution spans of one person */
#define YB_ENROL_MAX_BINDINGS 64 /* an initiator's bindings, past ones included */
#define YB_ENROL_MAX_APPS 64     /* chronic-disease applications of one person */

/* ------------------------------------------------------------- months */

/* A calendar month as year * 12 + (month - 1): 2000-01 is 24000. */
typedef int32_t yb_month;
#define YB_MONTH_NONE INT32_MIN

yb_month yb_month_of(yb_date day);
yb_date yb_month_first(yb_month m);
yb_date yb_month_last(yb_month m);
/* "YYYY-MM" (also "YYYYMM"). */
int yb_month_parse(yb_month *out, const char *s, size_t len);
/* Writes "YYYY-MM" (8 bytes with NUL). */
void yb_month_format(char *buf, yb_month m);
/* The day `months` calendar months after `day`; a day that month lacks
 * becomes its last day (2024-02-29 + 12 months = 2025-02-28). Civil Code
 * art. 202: a period counted in months ends on the corresponding day. */
yb_date yb_date_add_months(yb_date day, int months);

/* ------------------------------------------------- working-day calendar
 *
 * Weekends, public holidays and the make-up working days (调休) of the
 * State Council's yearly schedule, for the years the policy lists; asking
 * about another year is an error, never a silent guess. */
typedef struct yb_workcal {
	uint8_t weekend;          /* bit d set: weekday d is a rest day (0 Monday .. 6 Sunday) */
	int first_year, last_year;/* the years the lists describe; 0 = none */
	const yb_date *holidays;  /* sorted */
	size_t n_holidays;
	const yb_date *workdays;  /* sorted: weekend days that are working days */
	size_t n_workdays;
} yb_workcal;

/* 1 working day, 0 rest day, or YB_ENOTFOUND outside the calendar's years. */
int yb_workcal_is_workday(const yb_workcal *cal, yb_date day);
/* The n-th working day after `from` (from itself not counted, Civil Code
 * art. 201), n >= 1. */
int yb_workcal_add(yb_date *out, const yb_workcal *cal, yb_date from, int n);

/* ------------------------------------------------------------- policy */

/* N1 grounds of residents' enrolment. */
enum {
	YB_GROUND_LOCAL_HUKOU,       /* local household registration */
	YB_GROUND_RESIDENCE_PERMIT,  /* non-local, residence permit, not insured at origin */
	YB_GROUND_MIGRANT_WORKER,    /* works in the city, employees' insurance hard */
	YB_GROUND_STUDENT,           /* at a school in the city */
	YB_GROUND_NEWBORN_GUARDIAN,  /* a newborn whose guardian qualifies (local choice) */
	YB_GROUNDS
};
const char *yb_ground_name(int ground);

/* A campaign's extension of the payment window for one group (N3). */
typedef struct yb_enrol_ext {
	int group;                /* index into policy->group */
	yb_date until;            /* last day, inclusive */
	int cover_from_payment;   /* 0: covered from benefit_from; 1: from the day after payment */
} yb_enrol_ext;

/* One benefit year of residents' insurance (N3, N4). */
typedef struct yb_campaign {
	int year;
	char rules[64];
	int has_window;           /* 0: a past year kept for newborns (N5) only */
	yb_datetime open;         /* first second of the window */
	yb_date deadline;         /* last day of the window, inclusive */
	yb_enrol_ext ext[YB_ENROL_MAX_NAMES];
	int n_ext;
	yb_date benefit_from, benefit_to;
	yb_money contribution;
	yb_money subsidy[YB_ENROL_MAX_NAMES]; /* by identity; 0 when none */
} yb_campaign;

/* The top-up rate of a period: amount = round(base * rate) * months. */
typedef struct yb_topup {
	yb_month from;
	yb_money monthly_base;
	int32_t rate_bp;
} yb_topup;

/* Who may hold a remote-care registration type, and what it gives (OE8). */
typedef struct yb_remote_rule {
	char name[YB_ENROL_NAME];
	uint32_t line;
	int months;               /* validity; 0 = until cancelled */
	int outpatient_pooling;   /* 0: no outpatient pooling outside the city */
	char insutype[8][4];      /* "310", ...; empty = any */
	int n_insutype;
	char psn_type[8][8];      /* patterns, "12*"; empty = any */
	int n_psn_type;
} yb_remote_rule;

typedef struct yb_enrol_policy {
	char admdvs[7];
	char name[64];
	char version[32];
	/* names declared by the file; everything else refers to them by index */
	char identity[YB_ENROL_MAX_NAMES][YB_ENROL_NAME];
	int n_identities;
	uint32_t line_identity[YB_ENROL_MAX_NAMES]; /* lines, for the cross-check */
	uint32_t line_admdvs, line_chronic;
	char group[YB_ENROL_MAX_NAMES][YB_ENROL_NAME];
	int n_groups;
	/* residents (N1-N5) */
	uint32_t grounds;         /* bit per YB_GROUND_* accepted */
	int employee_insutype[8]; /* N2: these count as employees' insurance */
	int n_employee_insutype;
	int resident_insutype;    /* 390 */
	int newborn_days;         /* N5: paid within this many days of birth ... */
	int newborn_late_months;  /* ... or later, up to this age in months */
	yb_campaign campaigns[YB_ENROL_MAX_CAMPAIGNS];
	int n_campaigns;
	/* employees (OE5, N6) */
	yb_month system_start;    /* 2000-01: earlier working years are deemed */
	int years_men, years_women, min_actual_years;
	int due_month_covered;    /* OE5: a month within its payment term is covered */
	int late_payment_restores;/* OE5: paying arrears restores the months' benefits */
	yb_topup topups[YB_ENROL_MAX_TOPUPS];
	int n_topups;
	/* remote care (N7, OE8) */
	int remote_working_days;
	yb_remote_rule remote[YB_ENROL_MAX_NAMES];
	int n_remote;
	char channel[YB_ENROL_MAX_NAMES][YB_ENROL_NAME];
	int n_channels;
	/* chronic disease (CD6) */
	char chronic_list[YB_ENROL_NAME]; /* a disease list of the settlement policy */
	/* family accounts (A1) */
	int max_bound;
	char relation[YB_ENROL_MAX_NAMES][YB_ENROL_NAME];
	int n_relations;
	int initiator_insutype[8];
	int n_initiator_insutype;
	/* the calendar (its arrays are owned by the policy) */
	yb_workcal cal;
} yb_enrol_policy;

/* Loads and validates an enrolment policy. On failure returns YB_EINVALID
 * with every problem in *diag (if given) as "file:line: path: message" and
 * the first one in yb_error_msg(). */
int yb_enrol_policy_load(yb_enrol_policy **out, const char *path, yb_diag *diag);
int yb_enrol_policy_parse(yb_enrol_policy **out, const char *text, size_t len,
			  const char *file, yb_diag *diag);
void yb_enrol_policy_free(yb_enrol_policy *p);
/* Checks the names the two files share: identities, remote-care types and
 * the chronic disease list must be declared in the settlement policy. */
int yb_enrol_policy_crosscheck(const yb_enrol_policy *ep, const yb_policy *sp,
			       const char *file, yb_diag *diag);

int yb_enrol_identity(const yb_enrol_policy *p, const char *name);
int yb_enrol_group(const yb_enrol_policy *p, const char *name);
int yb_enrol_remote_type(const yb_enrol_policy *p, const char *name);
int yb_enrol_relation(const yb_enrol_policy *p, const char *name);
int yb_enrol_channel(const yb_enrol_policy *p, const char *name);
const yb_campaign *yb_enrol_campaign(const yb_enrol_policy *p, int year);

/* ------------------------------------------------------------ reasons */

/* Why a decision came out as it did: a rule id and one sentence. */
typedef struct yb_reason {
	char rule[8];
	char text[200];
} yb_reason;

typedef struct yb_reasons {
	yb_reason r[YB_ENROL_MAX_REASONS];
	int n;
} yb_reasons;

/* --------------------------------------------------- residents (N1-N5) */

/* An assisted identity held for a period (N4); enddate YB_DATE_MAX: open. */
typedef struct yb_enrol_idet {
	int type;                 /* index into policy->identity */
	yb_date begndate, enddate;
} yb_enrol_idet;

/* A period of insurance the person holds or held (N2). */
typedef struct yb_insu_record {
	int insutype;
	char admdvs[7];
	yb_date begndate, enddate;
} yb_insu_record;

/* The facts of a person asking to enrol. */
typedef struct yb_resident {
	const char *certno;
	const char *psn_name;
	yb_date brdy;
	char hukou_admdvs[7];     /* "" when unknown or none yet */
	int residence_permit;     /* holds this city's residence permit */
	int insured_at_origin;    /* in basic medical insurance at the place of origin */
	int migrant_worker;       /* 进城务工, employees' insurance hard */
	int student;              /* at a school in the city */
	int guardian_local;       /* newborn: a guardian qualifies here */
	uint32_t groups;          /* bit per policy group (returning_migrant, ...) */
	const yb_enrol_idet *idet;
	size_t n_idet;
} yb_resident;

/* A contribution payment (from the tax system's file or the request). */
typedef struct yb_contrib_pay {
	const char *pay_id;
	int year;
	yb_money amount;
	yb_datetime paid_time;
	const char *channel;
} yb_contrib_pay;

/* How a payment reached its year's coverage. */
enum {
	YB_ROUTE_NONE,
	YB_ROUTE_WINDOW,          /* in the campaign's window (N3) */
	YB_ROUTE_EXTENSION,       /* in a group's extension (N3) */
	YB_ROUTE_NEWBORN,         /* within the newborn days of birth (N5) */
	YB_ROUTE_NEWBORN_LATE     /* later, before the age limit (N5) */
};
const char *yb_route_name(int route);

/* The state of one year a person must pay. */
enum {
	YB_DUE_PAYABLE,           /* unpaid, still payable */
	YB_DUE_COVERED,           /* paid: coverage from begndate to enddate */
	YB_DUE_LAPSED             /* unpaid and no longer payable: no benefits (N3, N5) */
};
const char *yb_due_status_name(int status);

typedef struct yb_enrol_due {
	int year;
	yb_money contribution, subsidy, amount;
	int identity;             /* the identity whose subsidy applies, or -1 */
	int status;               /* YB_DUE_* */
	yb_date pay_by;           /* last day a payment is accepted */
	int route;                /* YB_ROUTE_* of the payment used */
	int pay;                  /* index of the payment used, or -1 */
	yb_date begndate, enddate;/* coverage when COVERED */
} yb_enrol_due;

/* What became of each payment given. */
enum {
	YB_PAY_MATCHED,           /* bought coverage */
	YB_PAY_MISMATCH,          /* amount differs from what is due (N4) */
	YB_PAY_LATE,              /* outside every route for its year (N3, N5) */
	YB_PAY_DUPLICATE,         /* the year was already paid: refund */
	YB_PAY_NOT_DUE,           /* a year this person does not owe */
	YB_PAY_EARLY,             /* before the window opened, or before birth */
	YB_PAY_REFUSED            /* the person may not enrol (N1, N2) */
};
const char *yb_pay_verdict_name(int verdict);

typedef struct yb_enrol_decision {
	int eligible;             /* N1 and N2 hold */
	int ground;               /* YB_GROUND_*, or -1 */
	int renewal;              /* insured here last year: no registration needed */
	yb_enrol_due dues[2];     /* a newborn may owe two years (N5) */
	int n_dues;
	int verdict[YB_ENROL_MAX_PAYMENTS]; /* per payment given */
	yb_money expected[YB_ENROL_MAX_PAYMENTS]; /* what was due for that payment */
	yb_reasons why;
} yb_enrol_decision;

/* Decides a residents' enrolment for benefit year `year` at time `now`:
 * eligibility (N1), double enrolment (N2), the years due and their amounts
 * (N4, N5), and what each payment bought (N3, N5). Coverage exists only for
 * a year with a matching payment. Payments after `now` are an error. */
int yb_enrol_decide(yb_enrol_decision *out, const yb_enrol_policy *pol, int year,
		    const yb_resident *psn, const yb_insu_record *hist, size_t n_hist,
		    const yb_contrib_pay *pays, size_t n_pays, yb_datetime now);

/* The years due and what the payments bought, for a person already found
 * eligible (the reconciliation of a payment file uses this directly). */
int yb_enrol_dues(yb_enrol_decision *out, const yb_enrol_policy *pol, int year,
		  const yb_resident *psn, const yb_contrib_pay *pays, size_t n_pays,
		  yb_datetime now);

/* ------------------------------------------------- the payment file (N3) */

#define YB_CERTNO_MAX 19
#define YB_PAYID_MAX 41
#define YB_PSN_NAME_MAX 61
#define YB_CHANNEL_MAX 33

typedef struct yb_payline {
	uint32_t line;            /* 1-based line in the file */
	char pay_id[YB_PAYID_MAX];
	char certno[YB_CERTNO_MAX];
	char psn_name[YB_PSN_NAME_MAX];
	int year;
	yb_money amount;
	yb_datetime paid_time;
	char channel[YB_CHANNEL_MAX];
} yb_payline;

typedef struct yb_payreject {
	uint32_t line;
	char msg[128];
} yb_payreject;

typedef struct yb_payfile {
	yb_payline *lines;        /* the well-formed lines */
	size_t n;
	yb_payreject *rejected;   /* one per rejected line, in file order */
	size_t n_rejected;
} yb_payfile;

/* Parses the tax system's export (docs/enrolment.md: UTF-8 CSV, header
 * line, one payment a line). A malformed line is rejected with its line
 * number and the others are kept; a missing or wrong header, or more than
 * max_lines lines, fails the whole file with YB_EINVALID. */
int yb_payfile_parse(yb_payfile *out, const char *text, size_t len,
		     const char *file, size_t max_lines);
void yb_payfile_free(yb_payfile *f);

/* 18-character resident ID number with its ISO 7064 MOD 11-2 check
 * character (x or X). */
int yb_certno_valid(const char *s, size_t len);

/* One registered enrolment the file is reconciled against. */
typedef struct yb_enrolment {
	const char *psn_no;
	yb_resident psn;          /* certno, psn_name, brdy, groups, idet */
	int year;
} yb_enrolment;

/* What became of one line of the file. */
typedef struct yb_payrecon_line {
	size_t pay;               /* index into the payfile's lines */
	int enrolment;            /* index, or -1 when unmatched */
	int verdict;              /* YB_PAY_* */
	yb_money expected;        /* due for that line's year (MISMATCH) */
	int name_differs;         /* the file's name is not the enrolment's */
	yb_date begndate, enddate;/* MATCHED: the coverage bought */
	int route;
} yb_payrecon_line;

typedef struct yb_payrecon {
	yb_payrecon_line *lines;     /* one per payfile line, in file order */
	size_t n_lines;
	int *unpaid;              /* enrolments without coverage for their year */
	size_t n_unpaid;
	yb_enrol_due *unpaid_due; /* their due, parallel to unpaid */
	size_t matched, mismatched, unmatched, duplicates, late, other;
	yb_money amount_matched;
} yb_payrecon;

/* Matches each line of the file to the enrolment with its certno and year
 * and reports unmatched lines, amounts that differ from what is due, late
 * and duplicate payments, and enrolments left unpaid at `now`. */
int yb_payfile_reconcile(yb_payrecon *out, const yb_enrol_policy *pol,
		 const yb_enrolment *enr, size_t n_enr, const yb_payfile *file,
		 yb_datetime now);
void yb_payrecon_free(yb_payrecon *r);

/* -------------------------------------------------- employees (OE5, N6) */

enum {
	YB_MONTH_STOPPED,         /* no contribution owed: not insured, unemployed */
	YB_MONTH_PAID,
	YB_MONTH_DUE,             /* declared, still within its payment term */
	YB_MONTH_ARREARS,         /* owed and unpaid (欠费) */
	YB_MONTH_LATE_PAID        /* arrears paid later (补缴), on paid_date */
};
const char *yb_month_status_name(int status);

typedef struct yb_contrib_span {
	yb_month from, to;        /* inclusive */
	int status;               /* YB_MONTH_* */
	yb_date paid_date;        /* LATE_PAID: when the arrears were paid */
} yb_contrib_span;

typedef struct yb_contrib_history {
	char gend;                /* '1' man, '2' woman */
	int deemed_months;        /* 视同缴费: recognised working time up to 1999-12 */
	const yb_contrib_span *spans; /* sorted, not overlapping */
	size_t n_spans;
	yb_month retired_from;    /* first month of retiree benefits, or YB_MONTH_NONE */
} yb_contrib_history;

/* Validates spans: sorted, not overlapping, none before the system start,
 * LATE_PAID with a paid_date not before its months. */
int yb_contrib_check(const yb_enrol_policy *pol, const yb_contrib_history *h);

/* The status of month m (STOPPED when no span holds it). */
int yb_contrib_month(const yb_contrib_history *h, yb_month m, const yb_contrib_span **span);

typedef struct yb_benefit_state {
	int active;
	yb_month month;
	int status;               /* YB_MONTH_* of the day's month, or -1 retired */
	yb_reasons why;
} yb_benefit_state;

/* OE5: is an employee's benefit active on `day`, from the contribution
 * months? Retirees from their first retiree month on; otherwise the month
 * must be paid (or within its term when the policy says so); arrears paid
 * late restore the month only from the payment day unless the policy says
 * otherwise. */
int yb_employee_active(yb_benefit_state *out, const yb_enrol_policy *pol,
		       const yb_contrib_history *h, yb_date day);

enum { YB_OPTION_TOPUP, YB_OPTION_FLEXIBLE, YB_OPTION_RESIDENTS };

typedef struct yb_retire_check {
	int eligible;
	int approved, years_ok, no_arrears; /* N6 (a), (b), (c) */
	int deemed_months, actual_months, cumulative_months;
	int required_months, required_actual_months;
	int missing_months;       /* what a top-up must buy, arrears paid first */
	yb_month arrears[24];     /* the first arrears months up to the application */
	int n_arrears;            /* all of them, may exceed 24 */
	yb_month apply_month;
	yb_month first_retiree_month; /* eligible: the month after applying */
	yb_money topup_monthly, topup_amount;
	const yb_topup *topup;    /* the policy row used, or NULL */
	yb_month flexible_last;   /* FLEXIBLE: pay through this month, then apply */
	yb_reasons why;
} yb_retire_check;

/* N6 at the application month: (a) retirement approved, (b) cumulative
 * years (deemed + actual from the system start) >= 30 men / 25 women with
 * actual >= 10, (c) no arrears up to and including the application month.
 * Short of (b): the top-up amount and the other two options. */
int yb_retire_check_run(yb_retire_check *out, const yb_enrol_policy *pol,
			const yb_contrib_history *h, int approved, yb_month apply);

/* ------------------------------------------ registrations (N7, CD6, A1) */

typedef struct yb_remote_reg_fact {
	int type;                 /* index into policy->remote */
	char place[7];
	yb_date begndate, enddate;/* enddate YB_DATE_MAX: until cancelled */
} yb_remote_reg_fact;

typedef struct yb_remote_req {
	int insutype;
	const char *psn_type;
	char place[7];            /* the place of care registered */
	int type;
	int channel;
	yb_datetime applied;
	yb_date begndate;         /* YB_DATE_NONE: the application day */
	yb_datetime done;         /* when the bureau finished, or 0 when not yet */
	int has_done;
	const yb_remote_reg_fact *existing;
	size_t n_existing;
} yb_remote_req;

typedef struct yb_remote_decision {
	int accepted;
	yb_date begndate, enddate;/* enddate YB_DATE_MAX: until cancelled */
	yb_date done_by;          /* N7: the last working day to finish */
	int on_time;              /* -1 not finished yet, 0 late, 1 on time */
	int outpatient_pooling;   /* OE8 */
	yb_reasons why;
} yb_remote_decision;

/* N7 / OE8: a remote-care registration: who may hold the type, the period,
 * the place (outside the city), overlaps, and the 2-working-day term. */
int yb_remote_register(yb_remote_decision *out, const yb_enrol_policy *pol,
		       const yb_remote_req *req);

enum { YB_CHRONIC_PENDING, YB_CHRONIC_CONFIRMED, YB_CHRONIC_REFUSED };

typedef struct yb_chronic_app {
	const char *dise_codg;    /* the disease applied for (a list code) */
	yb_date applied;
	int result;               /* YB_CHRONIC_* */
	yb_date decided;          /* the experts' decision day */
} yb_chronic_app;

typedef struct yb_chronic_state {
	int open;                 /* med_type 14 open for the diagnosis on the day */
	int app;                  /* the confirmed application that opens it, or -1 */
	yb_date from;
	yb_reasons why;
} yb_chronic_state;

/* CD6: med_type 14 is open for a diagnosis on `day` only through an
 * application for a disease of the policy's list, confirmed by experts on
 * or before `day`, whose code covers the diagnosis (prefix). */
int yb_chronic_check(yb_chronic_state *out, const yb_enrol_policy *pol,
		     const yb_policy *sp, const yb_chronic_app *apps, size_t n,
		     const char *dise_codg, yb_date day);

enum { YB_BIND, YB_UNBIND };

typedef struct yb_binding {
	const char *psn_no;
	int relation;
	yb_datetime bound;
	yb_datetime unbound;      /* 0 when still bound */
} yb_binding;

typedef struct yb_family_party {
	const char *psn_no;
	int insutype;
	char insu_admdvs[7];
	int insured;              /* insurance active at the time */
	int relation;             /* bound person: index into policy->relation */
} yb_family_party;

typedef struct yb_bind_req {
	int op;                   /* YB_BIND or YB_UNBIND */
	yb_datetime time;
	yb_family_party initiator, psn;
	const yb_binding *bindings; /* the initiator's, past ones included */
	size_t n_bindings;
} yb_bind_req;

typedef struct yb_bind_decision {
	int accepted;
	int active_after;         /* bound persons once the request is done */
	yb_reasons why;
} yb_bind_decision;

/* A1: the initiator is an employee, the bound person a spouse, parent or
 * child, both insured in this city, at most max_bound at once; unbinding
 * ends an active binding. */
int yb_family_bind(yb_bind_decision *out, const yb_enrol_policy *pol,
		   const yb_bind_req *req);

/* ------------------------------------------------------- JSON adapters
 *
 * JSON in, JSON out, for the CLI and the golden tests (docs/enrolment.md
 * gives every input and output). The caller loads the policies: ep always,
 * sp (the settlement policy) for "chronic". op is one of "enrol",
 * "benefit", "retire", "remote", "chronic", "bind". Bad input: YB_EINVALID
 * naming the field. */
int yb_enrol_json(yb_buf *out, const char *op, const yb_json *input,
		  const yb_enrol_policy *ep, const yb_policy *sp);

/* The decisions as JSON, as docs/enrolment.md gives them, written into w
 * under key (NULL at the top or in an array): what the adapters above
 * print, and what the administration API answers with the decisions it
 * asks for with the structs. The payments and requests are the ones the
 * decision was made on. */
void yb_enrol_write_decision(yb_jw *w, const char *key, const yb_enrol_policy *pol, int year,
			     const yb_enrol_decision *d, const yb_contrib_pay *pays, size_t n_pays);
/* The "dues" array of a decision alone. */
void yb_enrol_write_dues(yb_jw *w, const char *key, const yb_enrol_policy *pol,
			 const yb_enrol_decision *d, const yb_contrib_pay *pays);
void yb_enrol_write_retire(yb_jw *w, const char *key, const yb_retire_check *r);
void yb_enrol_write_remote(yb_jw *w, const char *key, const yb_enrol_policy *pol,
			   const yb_remote_req *req, const yb_remote_decision *d);
void yb_enrol_write_bind(yb_jw *w, const char *key, const yb_bind_req *req,
			 const yb_bind_decision *d);

/* Reconciliation report of a payment file against the enrolments JSON
 * ({"year", "now", "enrolments": [...]}); `now` overrides the file's when
 * not 0. */
int yb_payfile_reconcile_json(yb_buf *out, const yb_json *enrolments,
		      const char *csv, size_t csv_len, const char *csv_file,
		      const yb_enrol_policy *ep, yb_datetime now);

#endif
