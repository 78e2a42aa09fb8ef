/* Supervision rules (POLICY.md S1, S2, S4, OE5, IP3): rule files as data,
 * and one evaluator that judges ONE settlement against them, given a view of
 * the person's history. The same evaluator runs in real time (inside 2207 /
 * 2304 / 3101, with a history view read from the store) and in batch
 * (`yibao screen`, with an in-memory index over a file set). docs/rules.md is
 * the reference for the rule file, the history interface and the file set.
 *
 * Ownership: a yb_ruleset is immutable once loaded and may be shared by any
 * number of threads. Every string in the evaluator's inputs and in a history
 * view's answers is borrowed for the length of one call; findings copy what
 * they keep, except rule (borrowed from the ruleset) and setl_id / feedetl_sn
 * (borrowed from the settlement judged). */
#ifndef YB_RULES_H
#define YB_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/date.h"
#include "yibao/money.h"
#include "yibao/policy.h"

#define YB_RULE_ID_MAX 32
#define YB_RULE_MAX_ITEMS 64    /* catalogue codes named by one rule */
#define YB_RULE_MAX_PREFIXES 32 /* diagnosis or drug-code prefixes */
#define YB_RULE_PREFIX_MAX 16
#define YB_RULES_MAX 512        /* rules in one ruleset */
#define YB_TRAC_CODE_MAX 64     /* drug_trac_codg: 20 digits today, GS1 longer */
#define YB_VOLA_CONT_MAX 256
#define YB_VOLA_EVID_MAX 768
#define YB_FIND_ID_MAX 40

typedef enum {
	YB_RT_DUP_SETTLEMENT,     /* S1 IP3: the same visit or stay settled twice */
	YB_RT_OVERLAP_STAY,       /* S1: stays at two institutions overlapping */
	YB_RT_OUTPATIENT_IN_STAY, /* OE5: outpatient settled during a stay */
	YB_RT_READMISSION,        /* 分解住院: readmitted to the same institution within N days */
	YB_RT_ITEM_GENDER,
	YB_RT_ITEM_AGE,
	YB_RT_ITEM_LEVEL,
	YB_RT_ITEM_INDICATION,
	YB_RT_ITEM_QUANTITY,
	YB_RT_ITEM_EXCLUSIVE,     /* 重复收费: mutually exclusive items */
	YB_RT_TRAC_REUSE,         /* S2 回流药: a code settled more than once */
	YB_RT_TRAC_SWAP,          /* S2 串换药: code's product differs from the billed item */
	YB_RT_TRAC_MISSING,       /* S2: a drug line without a code */
	YB_RT_COUNT
} yb_rule_type;

enum { YB_ACT_WARN = 1, YB_ACT_REFUSE = 2 };
/* sev_deg as in 3101's result[]: 1 clear violation (明确违规), 2 highly
 * suspect (高度可疑), 3 suspect (可疑). */
enum { YB_PERIOD_VISIT = 1, YB_PERIOD_DAY, YB_PERIOD_DAYS, YB_PERIOD_YEAR };
enum { YB_SCOPE_VISIT = 1, YB_SCOPE_DAY };

typedef struct yb_rule {
	char id[YB_RULE_ID_MAX];
	char name[128];
	char cites[32];          /* POLICY.md ids: "S1 IP3" */
	int type;                /* yb_rule_type */
	int sev_deg;             /* 1..3 */
	int action;              /* YB_ACT_* */
	yb_date from, to;        /* effective on the day care began, inclusive */
	/* parameters (which apply depends on type; docs/rules.md) */
	char items[YB_RULE_MAX_ITEMS][YB_CODE_MAX]; /* med_list_codg */
	int n_items;
	char prefixes[YB_RULE_MAX_PREFIXES][YB_RULE_PREFIX_MAX];
	int n_prefixes;          /* indication: dise_codg prefixes; missing: drug code prefixes */
	char gend;               /* item_gender: '1' male or '2' female only */
	int min_age, max_age;    /* item_age, whole years, inclusive (-1: none) */
	int min_level;           /* item_level: hosp_lv 1..3 */
	int64_t max_cnt;         /* item_quantity, scale 4 */
	int period, period_days; /* item_quantity: YB_PERIOD_* (days for YB_PERIOD_DAYS) */
	int scope;               /* item_exclusive: YB_SCOPE_* */
	int days;                /* readmission: within this many days of discharge */
	int same_day_ok;         /* overlap_stay, outpatient_in_stay: edges are not overlap */
	int fine_multiplier;     /* S1 report: fine up to this many times the recovery */
} yb_rule;

typedef struct yb_ruleset yb_ruleset;

/* Reads every *.json in dir (in name order) into one ruleset. On failure
 * returns YB_EINVALID naming file, line and field (yb_error_msg()). */
int yb_rules_load_dir(yb_ruleset **out, const char *dir);
/* Parses one rule file's text ({"rules":[...]}) into a new ruleset. */
int yb_rules_parse(yb_ruleset **out, const char *text, size_t len, const char *file);
/* Adds one rule file's rules to rs (ids must stay unique). */
int yb_rules_add(yb_ruleset *rs, const char *text, size_t len, const char *file);
void yb_ruleset_free(yb_ruleset *rs);
/* The rules folder: $YIBAO_RULES_DIR, ./rules, then the rules folder beside
 * policy_dir (the policies folder, yb_policy_dir), if given; out gets its
 * canonical path. */
int yb_rules_dir(char *out, size_t n, const char *policy_dir);
size_t yb_ruleset_count(const yb_ruleset *rs);
const yb_rule *yb_ruleset_at(const yb_ruleset *rs, size_t i);
const yb_rule *yb_ruleset_find(const yb_ruleset *rs, const char *id);
/* The rule types' names as in rule files ("dup_settlement", ...). */
const char *yb_rule_type_name(int type);
/* 1 if some rule of type t names codg (so a history must count its lines). */
int yb_ruleset_tracks_item(const yb_ruleset *rs, const char *codg);

/* ------------------------------------------------------------ the input */

typedef struct yb_rl_line {
	const char *feedetl_sn;
	const char *med_list_codg;
	const char *drug_trac_codg; /* NULL or "": none (one code per line; a
				     * line with several codes is judged as one
				     * line per code) */
	int trdn_flag;              /* 1: sold in split units (拆零) */
	yb_datetime fee_ocur_time;  /* 0: the settlement's begntime */
	int64_t cnt;                /* scale 4 */
	yb_money sumamt;            /* det_item_fee_sumamt */
} yb_rl_line;

typedef struct yb_rl_setl {
	const char *setl_id;
	const char *mdtrt_id;
	const char *psn_no;
	const char *fixmedins_code;
	int hosp_lv;                /* 0 unrated, 1..3 */
	int med_type;
	char gend;                  /* '1' male, '2' female */
	yb_date brdy;               /* YB_DATE_NONE: unknown */
	yb_datetime begntime;
	yb_datetime endtime;        /* inpatient discharge; 0: begntime */
	const char *dise_codg;
	yb_money medfee_sumamt;
	yb_money fund_pay_sumamt;
	const yb_rl_line *lines;
	size_t n_lines;
} yb_rl_setl;

/* ----------------------------------------------------- the history view */

/* An earlier settlement of the same person. */
typedef struct yb_rl_past {
	const char *setl_id;
	const char *mdtrt_id;
	const char *fixmedins_code;
	int med_type;
	yb_date begn, end;          /* days of care; end = begn for outpatient */
	uint64_t fingerprint;       /* yb_rules_fingerprint() of its lines */
	yb_money medfee_sumamt;
} yb_rl_past;

/* What is known of a traceability code before the line being judged. */
typedef struct yb_rl_trac {
	const char *med_list_codg;  /* product recorded by stock/purchase (3501-3503); NULL unknown */
	int64_t pack_qty;           /* smallest units in the pack, scale 4; 0 unknown */
	long n_settled;             /* earlier lines that settled the code */
	const char *split_fixmedins;/* every earlier line split (trdn 1) at this one institution; else NULL */
	int64_t split_cnt;          /* their cumulative cnt, scale 4 */
	const char *first_setl_id;  /* the first earlier line's settlement, institution and day */
	const char *first_fixmedins_code;
	yb_date first_date;
} yb_rl_trac;

/* A history view: callbacks over what was settled before the settlement
 * judged. Each returns 0 or a negative code (which the evaluator returns).
 * A NULL callback means "nothing known": the rules that need it do not fire
 * (trac NULL: the code-history rules S2 reuse and swap are not judged). */
typedef struct yb_rules_history {
	void *ctx;
	/* Earlier settlements of psn_no whose days of care meet [from, to];
	 * *out is borrowed until the next call. */
	int (*settlements)(void *ctx, const char *psn_no, yb_date from, yb_date to,
			   const yb_rl_past **out, size_t *n);
	/* Sum of cnt (scale 4) of psn_no's earlier lines of codg dated in
	 * [from, to]; the evaluator asks only for codes of quantity and
	 * exclusive rules (yb_ruleset_tracks_item). */
	int (*item_cnt)(void *ctx, const char *psn_no, const char *codg,
			yb_date from, yb_date to, int64_t *cnt);
	/* What is known of code before now, as seen from fixmedins_code. */
	int (*trac)(void *ctx, const char *code, const char *fixmedins_code, yb_rl_trac *out);
} yb_rules_history;

/* Folds one settled line into a code's state (the rule of S2's split-pack
 * exception lives in yb_rules_judge_trac; this is its bookkeeping). The
 * strings are kept as given: the caller keeps them alive. */
void yb_rl_trac_update(yb_rl_trac *t, const yb_rl_line *ln, const char *setl_id,
		       const char *fixmedins_code, yb_date day);

/* ----------------------------------------------------------- findings */

typedef struct yb_finding {
	const yb_rule *rule;
	const char *setl_id;        /* the settlement judged (borrowed) */
	const char *feedetl_sn;     /* the line, NULL for a settlement finding (borrowed) */
	char other_setl_id[YB_FIND_ID_MAX]; /* the earlier settlement involved, "" none */
	yb_money vola_amt;          /* suspect amount */
	yb_money fund_amt;          /* the fund's share of it where known (S1 recovery) */
	char vola_cont[YB_VOLA_CONT_MAX];
	char vola_evid[YB_VOLA_EVID_MAX]; /* a JSON object */
} yb_finding;

enum {
	YB_RJ_SETTLEMENT = 1 << 0, /* duplicate, stays, readmission, item limits, missing codes */
	YB_RJ_TRAC = 1 << 1,       /* code reuse and swap (needs history->trac) */
	YB_RJ_ALL = 3
};

/* Judges one settlement. Findings go to out[0..cap); *n gets how many
 * there were (it may exceed cap: the rest were dropped). Rules outside
 * their effective period on the day care began do not fire. Returns 0, or a
 * negative code from the history view, or YB_EINVALID for a malformed
 * settlement. Pure: no I/O, no allocation, no globals. */
int yb_rules_judge(yb_finding *out, size_t cap, size_t *n, const yb_ruleset *rs,
		   const yb_rl_setl *s, const yb_rules_history *h, unsigned what);

/* Judges one coded line of s against what is known of its code (reuse and
 * swap). The batch screen calls it directly while sweeping codes in order;
 * yb_rules_judge calls it with what history->trac answers. */
int yb_rules_judge_trac(yb_finding *out, size_t cap, size_t *n, const yb_ruleset *rs,
			const yb_rl_setl *s, const yb_rl_line *ln, const yb_rl_trac *known);

/* An order-free digest of a settlement's lines (item code and amount of
 * each, and their number): two settlements with the same items and amounts
 * have the same fingerprint (S1). */
uint64_t yb_rules_fingerprint(const yb_rl_line *lines, size_t n);

/* 1 if any finding's rule says refuse. */
int yb_findings_refuse(const yb_finding *f, size_t n);

/* ------------------------------------------ an in-memory history index */

/* A history view over settlements added in order: what `screen` uses per
 * person, and what tests use for cases. It counts lines only of the items
 * the ruleset tracks, and, with track_codes, keeps code history too
 * (yb_rl_index_stock gives products). */
typedef struct yb_rl_index yb_rl_index;

int yb_rl_index_new(yb_rl_index **out, const yb_ruleset *rs, int track_codes);
void yb_rl_index_free(yb_rl_index *ix);
/* Forgets every settlement (not the stock): the next person. */
void yb_rl_index_reset(yb_rl_index *ix);
/* Adds a settlement after it was judged (strings are copied). */
int yb_rl_index_add(yb_rl_index *ix, const yb_rl_setl *s);
/* Records code -> product and pack size (3501-3503). */
int yb_rl_index_stock(yb_rl_index *ix, const char *code, const char *med_list_codg,
		      int64_t pack_qty);
/* The view over what was added. */
void yb_rl_index_view(yb_rl_index *ix, yb_rules_history *h);
/* Settlements held (the person's, between resets). */
size_t yb_rl_index_size(const yb_rl_index *ix);

/* psn_no masked for reports: the first 3 and last 2 characters kept,
 * the rest '*' (shorter ids: all but the first character). */
void yb_mask_psn(char *out, size_t cap, const char *psn_no);

/* ------------------------------------------------------ batch screening */

/* `yibao screen` over a file set (docs/rules.md, "The file set"): streams
 * setl.csv and fee.csv person by person through yb_rules_judge with a
 * yb_rl_index per person, spills coded lines and trac.csv into partitions
 * by code, then sweeps each partition in code and time order through
 * yb_rules_judge_trac. Memory is bounded by one person's history, one
 * partition and the institutions; time is linear in the data. */
typedef struct yb_screen_opts {
	const char *in_dir;      /* the file set */
	const char *rules_dir;   /* rule files */
	const char *out_path;    /* findings, JSON lines */
	const char *report_path; /* HTML report, or NULL */
	const char *sample_path; /* S4 sample, JSON lines, or NULL */
	const char *tmp_dir;     /* partitions (default: out_path's folder) */
	yb_date from, to;        /* settlements judged: care began in [from, to] */
	int32_t sample_bp;       /* share of each institution's settlements sampled */
	uint64_t seed;
	int progress;            /* draw a progress bar on stderr */
	size_t part_bytes;       /* target partition size (0: 256 MiB) */
	int realtime;            /* tests: judge every settlement as in real time,
				  * yb_rules_judge(YB_RJ_ALL) over one history of
				  * the whole set in file order (memory grows with
				  * the data; no partitions) */
} yb_screen_opts;

typedef struct yb_screen_stats {
	uint64_t settlements, judged, lines, coded_lines, stock, findings, sampled;
	yb_money medfee_sumamt, vola_amt;
	int partitions;
	double seconds_person, seconds_codes; /* wall time of the two passes */
} yb_screen_stats;

int yb_screen_run(const yb_screen_opts *o, yb_screen_stats *st);

#endif
