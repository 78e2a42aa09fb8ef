/* Internal to the batch screen (screen.c, report.c). */
#ifndef YB_SCREEN_IMPL_H
#define YB_SCREEN_IMPL_H

#include <stdio.h>

#include "yibao/buf.h"
#include "yibao/rules.h"

#define SC_MAX_PART 512
#define SC_FIND_CAP 256 /* findings kept per settlement or coded line */
#define SC_TOP 25       /* the largest findings listed in the report */
#define SC_THREADS 2    /* partition sweepers */

/* Interned strings: institutions and products (bounded sets). */
typedef struct sc_dict {
	char **s;
	size_t n, cap;
	uint32_t *slot; /* id + 1; 0 empty */
	size_t nslot;
} sc_dict;

int sc_dict_id(sc_dict *d, const char *s, uint32_t *id);
void sc_dict_free(sc_dict *d);

typedef struct sc_inst {
	int known, hosp_lv;
	char name[128];
	uint64_t judged, lines, findings, s1_n, sampled;
	yb_money medfee, vola_amt, s1_recovery;
	uint64_t small[8]; /* the smallest sample keys */
	int n_small;
} sc_inst;

typedef struct sc_cand {
	uint64_t key;
	uint32_t fix;
	char setl_id[48];
	char psn[48];
} sc_cand;

typedef struct sc_top {
	yb_money amt;
	const yb_rule *rule;
	uint32_t fix;
	char psn[48], setl_id[48], date[12], cont[YB_VOLA_CONT_MAX];
} sc_top;

/* One set of partition files: coded sales, or stock records. */
typedef struct sc_spill {
	const char *tag;
	FILE *part[SC_MAX_PART];
	uint64_t bytes[SC_MAX_PART];
	sc_dict prod;        /* the stock set's products (sales use screen.prod) */
	uint64_t count;
} sc_spill;

typedef struct sc_off {
	size_t off;
	long line;
} sc_off;

typedef struct sc_lr {
	const char *path;
	char pathbuf[1024]; /* path points here */
	int fd;
	char *buf;
	size_t start, end;
	int eof;
	long line;
	uint64_t consumed;
} sc_lr;

typedef struct screen {
	const yb_screen_opts *o;
	yb_screen_stats *st;
	yb_ruleset *rs;
	yb_rl_index *ix;
	sc_dict fix, prod;
	sc_inst *inst;
	size_t n_inst;
	sc_lr setl, fee;
	/* the current settlement's lines */
	yb_buf fee_text, pend;
	int pending;
	long pend_line;
	sc_off *offs;
	size_t n_offs, cap_offs;
	yb_rl_line *lines;
	size_t n_lines, cap_lines;
	char last_time[32];
	size_t last_time_len;
	yb_datetime last_time_val;
	/* persons seen (grouping check) */
	uint64_t *seen;
	size_t n_seen, cap_seen;
	/* partitions */
	const char *tmp_dir;
	sc_spill sales, stock;
	int n_part;
	/* output and aggregates */
	FILE *out;
	yb_buf jb;
	yb_finding find[SC_FIND_CAP];
	uint64_t *rule_n;
	yb_money *rule_amt, *rule_fund;
	int fine_multiplier;
	sc_top top[SC_TOP];
	int n_top;
	sc_cand *cand;
	size_t n_cand, cap_cand;
	/* progress */
	uint64_t bytes_total;
	double t0, last_draw;
} screen;

int sc_inst_at(screen *sc, uint32_t id);
int sc_emit(screen *sc, const yb_finding *f, const char *psn_no, uint32_t fix, yb_date day);
void sc_top_add(screen *sc, const yb_finding *f, const char *masked, uint32_t fix, const char *date);
int sc_report(screen *sc, const char *path);

#endif
