/* The settlement engine: a pure function from (policy, person, year-to-date
 * accumulators, accounts, visit with fee lines) to (settlement, per-line
 * results, accumulator deltas, explanation). No I/O, no globals, no
 * allocation: the caller owns every input and output buffer.
 *
 * The order of steps and of rounding is written down in docs/settlement.md;
 * the engine follows it exactly:
 *   1. split each fee line (CL1-CL3, OE5 exclusions)
 *   2. choose the benefit row of the policy (first match wins)
 *   3. funds in the order of IP1: basic pooled fund (deductible, ratio,
 *      annual limit); critical illness and assistance slot in after it
 *   4. accounts (A2, A3): own account first, then initiators' accounts by
 *      binding time
 *   5. cash */
#ifndef YB_ENGINE_H
#define YB_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/date.h"
#include "yibao/money.h"
#include "yibao/policy.h"

#define YB_MAX_MULAID 7 /* A1: at most 7 bound persons per initiator */
#define YB_MAX_FUNDS 8
#define YB_PROC_INFO_MAX 384

typedef struct yb_remote_reg {
	int type;            /* index into policy->remote_type */
	char admdvs[7];      /* place of care registered */
	yb_date begndate, enddate;
} yb_remote_reg;

/* An assisted identity (特困, 低保, ...) held for a period (N4). */
typedef struct yb_identity {
	int type;            /* index into policy->identity */
	yb_date begndate, enddate;
} yb_identity;

typedef struct yb_person {
	const char *psn_no;
	int insutype;        /* 310, 390, ... */
	char psn_type[8];
	char gend;           /* '1' male, '2' female */
	yb_date brdy;
	char insu_admdvs[7]; /* place of insurance */
	yb_money acct_balc;  /* own personal account */
	const yb_remote_reg *remote;
	size_t n_remote;
	const yb_identity *idet;
	size_t n_idet;
} yb_person;

/* An account the person may draw on through family mutual aid (A1-A2): the
 * initiator who bound this person. */
typedef struct yb_mulaid_acct {
	const char *psn_no;
	yb_money balc;
	yb_datetime bind_time;
} yb_mulaid_acct;

/* A fee line with its catalogue facts resolved by the caller (calc from the
 * catalogue file and the line's overrides; the ledger from its catalogue). */
typedef struct yb_feeline {
	const char *feedetl_sn;
	const char *med_list_codg;
	yb_money sumamt;     /* det_item_fee_sumamt */
	int64_t cnt;         /* scale 4 */
	int64_t pric;        /* scale 6 */
	int known;           /* 0: not in the catalogue -> wholly self-paid (CL1) */
	int chrgitm_lv;      /* YB_CLASS_* */
	int32_t selfpay_bp;
	int64_t pric_uplmt;  /* scale 6; -1 = no cap */
	uint32_t flags;      /* YB_ITEM_* */
} yb_feeline;

typedef struct yb_line_result {
	yb_money fulamt_ownpay_amt;
	yb_money overlmt_amt;
	yb_money preselfpay_amt;
	yb_money inscp_scp_amt;
	int32_t selfpay_bp;  /* the ratio applied */
	const char *rule;    /* rule id that decided a self-pay, or NULL */
} yb_line_result;

typedef struct yb_visit {
	const char *fixmedins_code;
	int fixmedins_type;  /* 1 institution, 2 pharmacy */
	int hosp_lv;         /* 0 unrated, 1, 2, 3 */
	int prim_flag;       /* 1 primary-level institution */
	char admdvs[7];      /* where the institution is */
	const char *mdtrt_id;
	int med_type;
	yb_datetime begntime;
	int acct_used;       /* acct_used_flag */
	const char *dise_codg;
	/* inpatient stays (med_type 21-28) */
	yb_datetime endtime;
	int mid_setl;        /* mid_setl_flag: a part of a stay that goes on */
	yb_money prior_dedc; /* deductible borne by earlier parts of this stay */
	/* OE9: what another government scheme already paid on this bill */
	yb_money oth_scheme_pay;
	const yb_feeline *lines;
	size_t n_lines;
	/* CD6: med_type 14 is not opened for this diagnosis by a confirmed
	 * chronic-disease application, so no fund pays (the ledger knows the
	 * applications; calc assumes the diagnosis confirmed) */
	int chronic_closed;
} yb_visit;

typedef struct yb_fund_pay {
	char fund_pay_type[8];
	const char *fund_pay_type_name;
	yb_money inscp_scp_amt;     /* the base this fund worked on */
	yb_money crt_payb_lmt_amt;  /* what was left of its limit before */
	yb_money fund_payamt;
	char setl_proc_info[YB_PROC_INFO_MAX];
} yb_fund_pay;

typedef struct yb_settlement {
	yb_money medfee_sumamt;
	yb_money fulamt_ownpay_amt;
	yb_money overlmt_selfpay;
	yb_money preselfpay_amt;
	yb_money inscp_scp_amt;
	yb_money act_pay_dedc;
	yb_money hifp_pay;
	int32_t pool_prop_selfpay;  /* the pooled-fund ratio, bp */
	yb_money cvlserv_pay;
	yb_money hifes_pay;
	yb_money hifmi_pay;
	yb_money hifob_pay;
	yb_money maf_pay;
	yb_money oth_pay;
	yb_money fund_pay_sumamt;
	yb_money psn_part_amt;
	yb_money acct_pay;          /* includes acct_mulaid_pay */
	yb_money psn_cash_pay;
	yb_money hosp_part_amt;
	yb_money balc;              /* own account after */
	yb_money acct_mulaid_pay;
	int age;
	const yb_benefit *benefit;  /* the basic layer's row; NULL: not covered */
	const yb_benefit *layer[YB_LAYERS]; /* the row applied in each layer */
	yb_fund_pay funds[YB_MAX_FUNDS];
	int n_funds;
	/* accumulator deltas, indexed like policy->bucket */
	yb_money acc_delta[YB_MAX_BUCKETS];
	/* paid from each mutual-aid account, in the caller's order */
	yb_money mulaid_pay[YB_MAX_MULAID];
	char setl_proc_info[YB_PROC_INFO_MAX];
} yb_settlement;

/* Settles one visit. acc holds the year-to-date value of every bucket of
 * the policy (for the visit's year). lines_out has visit->n_lines slots.
 * Returns 0, or YB_EINVALID / YB_EOVERFLOW with a message. */
int yb_engine_settle(yb_settlement *out, yb_line_result *lines_out,
		     const yb_policy *pol, const yb_person *psn,
		     const yb_money *acc, const yb_mulaid_acct *mulaid,
		     size_t n_mulaid, const yb_visit *visit);

/* The row of a layer that applies, or NULL (that layer pays nothing). */
const yb_benefit *yb_engine_benefit(const yb_policy *pol, const yb_person *psn,
				    const yb_visit *visit, int layer, uint32_t *place);

/* Inpatient med_types (21-28): settled per stay, clr_type 21. */
static inline int yb_med_type_inpatient(int med_type)
{
	return med_type >= 21 && med_type <= 29;
}

/* Checks the four identities of NHSA.md; 0 or YB_ECONFLICT naming the one
 * that fails. */
int yb_settlement_check(const yb_settlement *s);

/* Applies a settlement's accumulator deltas to acc (n = pol->n_buckets). */
void yb_engine_apply(yb_money *acc, const yb_settlement *s, int n_buckets);

#endif
