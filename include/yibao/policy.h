/* A region's rules, loaded from policies/<admdvs>.json and validated, and
 * the catalogue of billable items. Both are immutable once loaded and may be
 * shared by any number of threads. docs/policy-format.md is the reference. */
#ifndef YB_POLICY_H
#define YB_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "yibao/date.h"
#include "yibao/money.h"

#define YB_MAX_BUCKETS 32     /* accumulator buckets per policy */
#define YB_MAX_CATEGORIES 32  /* person categories per policy */
#define YB_MAX_REMOTE_TYPES 8
#define YB_MAX_IDENTITIES 16  /* assisted identities (特困, 低保, ...) */
#define YB_MAX_TIERS 8
#define YB_CODE_MAX 48        /* med_list_codg, dise_codg and similar */

/* Where a visit happens relative to the person's place of insurance. */
enum {
	YB_PLACE_HOME = 1,       /* inside the pooling region */
	YB_PLACE_REGISTERED = 2, /* elsewhere, at a registered remote-care place */
	YB_PLACE_ELSEWHERE = 4   /* elsewhere, without a registration */
};

/* Catalogue item flags (catalogue "flags"). */
enum {
	YB_ITEM_TCM_GRANULE = 1 << 0, /* 中药配方颗粒 (CL3) */
	YB_ITEM_CHECKUP = 1 << 1,     /* health check-up (OE5) */
	YB_ITEM_VACCINE = 1 << 2,     /* vaccination (OE5) */
	YB_ITEM_PROCURED = 1 << 3,    /* collectively procured, 集采 (CL4) */
	YB_ITEM_CONSULT = 1 << 4      /* general consultation fee, 一般诊疗费 */
};

/* Catalogue classes, chrgitm_lv. */
enum { YB_CLASS_A = 1, YB_CLASS_B = 2, YB_CLASS_C = 3 };

/* A set of small codes (insutype, med_type, ...); empty means "any". */
typedef struct yb_codeset {
	uint64_t bits[16]; /* codes 0..999 */
	int any;
} yb_codeset;

static inline int yb_codeset_has(const yb_codeset *s, int code)
{
	return s->any || (code >= 0 && code < 1024 && (s->bits[code >> 6] >> (code & 63) & 1));
}

/* Fund layers, in the order of IP1: each layer takes what the person
 * still bears in the policy range after the layers before it. */
enum {
	YB_LAYER_BASIC,      /* 统筹基金: hifp_pay */
	YB_LAYER_CRITICAL,   /* 大病保险 / 职工大额: hifmi_pay or hifob_pay */
	YB_LAYER_ASSISTANCE, /* 医疗救助: maf_pay */
	YB_LAYERS
};

/* The setlinfo field a layer pays into. */
enum {
	YB_PAYS_HIFP, YB_PAYS_CVLSERV, YB_PAYS_HIFES, YB_PAYS_HIFMI,
	YB_PAYS_HIFOB, YB_PAYS_MAF, YB_PAYS_OTH
};

/* A tier of a tiered ratio: the part of the year's cumulative base that
 * falls in [from, to) is paid at ratio (critical illness). */
typedef struct yb_tier {
	yb_money from, to; /* to = -1: no upper end */
	int32_t ratio_bp;
} yb_tier;

/* One benefit row: when it applies, and what its fund pays. */
typedef struct yb_benefit {
	char id[32];
	char name[200];
	char rules[64];          /* rule ids cited in setl_proc_info: "OE2 OE3 OE4" */
	yb_date from, to;        /* effective, inclusive */
	/* conditions */
	yb_codeset insutype;     /* 310, 390, ... */
	yb_codeset med_type;
	yb_codeset fixmedins_type; /* 1 institution, 2 pharmacy */
	yb_codeset hosp_lv;      /* 0 unrated, 1, 2, 3 */
	int prim_flag;           /* -1 any, 0 or 1 */
	uint32_t psn_categories; /* bit per category; 0 = any */
	uint32_t places;         /* YB_PLACE_* */
	uint32_t remote_types;   /* registration types accepted for REGISTERED */
	int dise_list;           /* index of a disease list the diagnosis must be in, -1 none */
	uint32_t identities;     /* assisted identities, any of; 0 = anyone */
	/* the benefit */
	int layer;               /* YB_LAYER_* */
	int pays;                /* YB_PAYS_* */
	yb_money deductible;     /* 0 = none */
	int dedc_bucket;         /* -1: per visit or stay, else accumulated in the year */
	yb_money deductible_next;/* for a later stay in the year, when stay_bucket is set */
	int stay_bucket;         /* counts finished stays in the year, -1 none */
	int32_t ratio_bp;
	yb_tier tiers[YB_MAX_TIERS]; /* when n_tiers > 0, replaces ratio */
	int n_tiers;
	int tier_bucket;         /* cumulative base the tiers read */
	yb_money annual_limit;   /* -1 = none */
	int limit_bucket;        /* -1 none */
	char fund_pay_type[8];   /* 310100, 390100, ... */
	char fund_pay_type_name[48];
} yb_benefit;

/* An item rule changes how matching fee lines split (CL3, OE5). */
typedef struct yb_item_rule {
	char rule[16];
	char name[200];
	yb_date from, to;
	uint32_t flags;          /* items having any of these flags */
	yb_codeset insutype;
	yb_codeset med_type;
	int exclude;             /* 1: wholly self-paid */
	int32_t selfpay_bp;      /* else: first self-pay ratio to apply */
} yb_item_rule;

typedef struct yb_disease {
	char code[YB_CODE_MAX];  /* matched as a prefix of dise_codg */
	char name[64];
} yb_disease;

typedef struct yb_disease_list {
	char name[32];
	yb_disease *items;
	size_t n;
} yb_disease_list;

typedef struct yb_category {
	char name[32];
	char patterns[16][8];    /* psn_type codes; a trailing '*' is a prefix */
	int n;
} yb_category;

typedef struct yb_policy {
	char admdvs[7];
	char pool_prefix[7];     /* admdvs without trailing "00" pairs: 3406, 64 */
	char name[64];
	char version[32];
	char catalogue_path[512];
	char bucket[YB_MAX_BUCKETS][32];
	int n_buckets;
	yb_category categories[YB_MAX_CATEGORIES];
	int n_categories;
	char remote_type[YB_MAX_REMOTE_TYPES][32];
	int n_remote_types;
	char identity[YB_MAX_IDENTITIES][32];
	int n_identities;
	yb_benefit *benefits;
	size_t n_benefits;
	yb_item_rule *item_rules;
	size_t n_item_rules;
	yb_disease_list *dise_lists;
	size_t n_dise_lists;
} yb_policy;

/* Diagnostics collected while loading: every error, one per line, as
 * "file:line: path: message". */
typedef struct yb_diag {
	char *text;
	size_t len, cap;
	int count;
} yb_diag;

void yb_diag_free(yb_diag *d);

/* Loads and validates a policy file. On failure returns YB_EINVALID with
 * every problem in *diag (if given) and the first in yb_error_msg(). */
int yb_policy_load(yb_policy **out, const char *path, yb_diag *diag);
int yb_policy_parse(yb_policy **out, const char *text, size_t len,
		    const char *file, yb_diag *diag);
void yb_policy_free(yb_policy *p);

int yb_policy_bucket(const yb_policy *p, const char *name); /* index or -1 */
/* Region codes nest: 340600 is a city, 340621 a county in it, 340000 the
 * province. region covers place when it is place's prefix after dropping
 * region's trailing "00" pairs. Returns the prefix length (0: no). */
int yb_region_covers(const char *region, const char *place);
int yb_policy_remote_type(const yb_policy *p, const char *name);
int yb_policy_identity(const yb_policy *p, const char *name);
/* Bit mask of the categories a psn_type belongs to. */
uint32_t yb_policy_categories(const yb_policy *p, const char *psn_type);
/* The disease list by name, or -1. */
int yb_policy_dise_list(const yb_policy *p, const char *name);
int yb_policy_dise_in(const yb_policy *p, int list, const char *dise_codg);

/* ------------------------------------------------------------ catalogue */

typedef struct yb_cat_item {
	char admdvs[7];          /* region whose list this is ("" everywhere): 就医地目录 */
	char med_list_codg[YB_CODE_MAX];
	char med_list_name[64];
	int chrgitm_lv;          /* YB_CLASS_* */
	int32_t selfpay_bp;
	int64_t pric_uplmt;      /* unit price cap, scale 6 */
	uint32_t flags;          /* YB_ITEM_* */
	yb_date begndate, enddate;
} yb_cat_item;

typedef struct yb_catalogue yb_catalogue;

int yb_catalogue_load(yb_catalogue **out, const char *path, yb_diag *diag);
int yb_catalogue_parse(yb_catalogue **out, const char *text, size_t len,
		       const char *file, yb_diag *diag);
/* Builds a catalogue from items (copied), e.g. read from the store. */
int yb_catalogue_from_items(yb_catalogue **out, const yb_cat_item *items, size_t n);
void yb_catalogue_free(yb_catalogue *c);
/* The item valid on `on`, or NULL. Borrowed. */
const yb_cat_item *yb_catalogue_find(const yb_catalogue *c, const char *codg, yb_date on);
size_t yb_catalogue_count(const yb_catalogue *c);
const yb_cat_item *yb_catalogue_at(const yb_catalogue *c, size_t i);
/* Parses a catalogue "flags" name ("tcm_granule", ...) into a bit; 0 if unknown. */
uint32_t yb_item_flag(const char *name);
/* Parses "01"/"02"/"03" (or "1".."3") into YB_CLASS_*; 0 if invalid. */
int yb_class_parse(const char *s);

#endif
