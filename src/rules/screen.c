/* Batch screening of a file set (`yibao screen`, docs/rules.md).
 *
 * The only file I/O of src/rules: the batch driver around the pure
 * evaluator. Two passes, both streaming:
 *
 *   setl.csv + fee.csv ──person by person──> yb_rules_judge (yb_rl_index)
 *         │                                        └──> findings
 *         └─ coded lines ─┐
 *   trac.csv (stock) ─────┴──> P partition files by hash(code)
 *                                  │ one at a time: sort (code, time, ...)
 *                                  └──> yb_rules_judge_trac ──> findings
 *
 * Invariants:
 *  1. setl.csv is grouped by person and, within a person, ordered by
 *     (begntime, setl_id); fee.csv holds each settlement's lines together,
 *     in setl.csv's order. Both are checked; a violation is an error, never
 *     a silently wrong answer.
 *  2. Memory is one person's history + one partition + per-institution
 *     aggregates + the S4 sample candidates (about 2x the sampled share).
 *  3. Every finding is written to out before the report is built from the
 *     aggregates: the report never sees a finding the JSON lines lack. */
#include "yibao/rules.h"
#include "yibao/buf.h"
#include "yibao/error.h"
#include "yibao/json.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rules_impl.h"
#include "screen_impl.h"

/* ========================================================= dictionary */

int sc_dict_id(sc_dict *d, const char *s, uint32_t *id)
{
	size_t j;

	if ((d->n + 1) * 2 > d->nslot) {
		size_t cap = d->nslot ? d->nslot * 2 : 256, i;
		uint32_t *v = calloc(cap, sizeof(*v));
		if (!v)
			return yb_error_set(YB_ENOMEM, "out of memory");
		for (i = 0; i < d->n; i++) {
			size_t k = yb_rl_hash(d->s[i]) & (cap - 1);
			while (v[k])
				k = (k + 1) & (cap - 1);
			v[k] = (uint32_t)i + 1;
		}
		free(d->slot);
		d->slot = v;
		d->nslot = cap;
	}
	j = yb_rl_hash(s) & (d->nslot - 1);
	while (d->slot[j]) {
		if (!strcmp(d->s[d->slot[j] - 1], s)) {
			*id = d->slot[j] - 1;
			return 0;
		}
		j = (j + 1) & (d->nslot - 1);
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		char **v = realloc(d->s, cap * sizeof(*v));
		if (!v)
			return yb_error_set(YB_ENOMEM, "out of memory");
		d->s = v;
		d->cap = cap;
	}
	if (!(d->s[d->n] = strdup(s)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	d->slot[j] = (uint32_t)d->n + 1;
	*id = (uint32_t)d->n++;
	return 0;
}

void sc_dict_free(sc_dict *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->s[i]);
	free(d->s);
	free(d->slot);
	memset(d, 0, sizeof(*d));
}

/* ============================================================= reader */

#define LR_BUF (4u << 20)

typedef sc_lr lr;

static int lr_open(lr *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->pathbuf, sizeof(r->pathbuf), "%s", path);
	r->path = r->pathbuf;
	if ((r->fd = open(path, O_RDONLY)) < 0)
		return yb_error_set(YB_ENOTFOUND, "%s: %s", path, strerror(errno));
	if (!(r->buf = malloc(LR_BUF + 1))) {
		close(r->fd);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return 0;
}

static void lr_close(lr *r)
{
	if (r->buf)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
}

/* The next line without its newline, NUL-terminated, valid until the next
 * call; *line NULL at the end. */
static int lr_next(lr *r, char **line, size_t *len)
{
	char *nl;

	for (;;) {
		nl = r->end > r->start ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
		if (nl || r->eof)
			break;
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == LR_BUF)
			return yb_error_set(YB_EINVALID, "%s:%ld: line longer than %u bytes",
					    r->path, r->line + 1, LR_BUF);
		{
			ssize_t n = read(r->fd, r->buf + r->end, LR_BUF - r->end);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return yb_error_set(YB_ERROR, "%s: %s", r->path, strerror(errno));
			}
			if (n == 0)
				r->eof = 1;
			r->end += (size_t)n;
		}
	}
	if (!nl) {
		if (r->start == r->end) {
			*line = NULL;
			*len = 0;
			return 0;
		}
		nl = r->buf + r->end; /* a last line without newline */
	}
	*line = r->buf + r->start;
	*len = (size_t)(nl - *line);
	r->consumed += *len + 1;
	r->start = (size_t)(nl - r->buf) + 1;
	if (r->start > r->end)
		r->start = r->end;
	*nl = '\0';
	if (*len && (*line)[*len - 1] == '\r')
		(*line)[--*len] = '\0';
	r->line++;
	return 0;
}

/* Splits a CSV line at commas in place; quotes are not part of the format. */
static int csv_split(char *s, char **f, int max)
{
	int n = 0;

	f[n++] = s;
	for (; *s; s++)
		if (*s == ',') {
			*s = '\0';
			if (n == max)
				return max + 1;
			f[n++] = s + 1;
		}
	return n;
}

static int csv_header(lr *r, const char *want)
{
	char *line;
	size_t len;
	int rc;

	if ((rc = lr_next(r, &line, &len)) < 0)
		return rc;
	if (!line || strcmp(line, want))
		return yb_error_set(YB_EINVALID, "%s:1: the header is not \"%s\"", r->path, want);
	return 0;
}

static int bad_field(lr *r, const char *field, const char *what)
{
	return yb_error_set(YB_EINVALID, "%s:%ld: %s: %s", r->path, r->line, field, what);
}

/* ==================================================== institutions */

static int load_institutions(screen *sc, const char *path)
{
	static const yb_json_limits lim = {8, 4096};
	lr r;
	char *line;
	size_t len;
	int rc;

	if ((rc = lr_open(&r, path)) < 0)
		return rc;
	while ((rc = lr_next(&r, &line, &len)) == 0 && line) {
		yb_json_doc *doc = NULL;
		const yb_json *o;
		char code[64] = "", name[128] = "", lv[4] = "0";
		uint32_t id;
		if (!strstr(line, "\"fixmedins\""))
			continue; /* persons, bindings, catalogue: not needed here */
		if ((rc = yb_json_parse(&doc, line, len, &lim)) < 0) {
			rc = yb_error_prefix(rc, "%s:%ld", path, r.line);
			break;
		}
		o = yb_json_root(doc);
		if (o->type == YB_JSON_OBJECT && yb_json_get(o, "kind") &&
		    !strcmp(yb_json_get(o, "kind")->str ? yb_json_get(o, "kind")->str : "", "fixmedins")) {
			if ((rc = yb_jget_code(o, NULL, "fixmedins_code", 1, code, sizeof(code))) < 0 ||
			    (rc = yb_jget_code(o, NULL, "fixmedins_name", 0, name, sizeof(name))) < 0 ||
			    (rc = yb_jget_code(o, NULL, "hosp_lv", 0, lv, sizeof(lv))) < 0 ||
			    (rc = sc_dict_id(&sc->fix, code, &id)) < 0) {
				yb_json_free(doc);
				rc = yb_error_prefix(rc, "%s:%ld", path, r.line);
				break;
			}
			if ((rc = sc_inst_at(sc, id)) < 0) {
				yb_json_free(doc);
				break;
			}
			sc->inst[id].known = 1;
			sc->inst[id].hosp_lv = lv[0] >= '0' && lv[0] <= '3' ? lv[0] - '0' : 0;
			snprintf(sc->inst[id].name, sizeof(sc->inst[id].name), "%s", name);
		}
		yb_json_free(doc);
	}
	lr_close(&r);
	return rc;
}

int sc_inst_at(screen *sc, uint32_t id)
{
	if (id >= sc->n_inst) {
		size_t cap = sc->n_inst ? sc->n_inst : 64, i;
		sc_inst *v;
		while (cap <= id)
			cap *= 2;
		if (!(v = realloc(sc->inst, cap * sizeof(*v))))
			return yb_error_set(YB_ENOMEM, "out of memory");
		for (i = sc->n_inst; i < cap; i++)
			memset(&v[i], 0, sizeof(v[i]));
		sc->inst = v;
		sc->n_inst = cap;
	}
	return 0;
}

/* ========================================================== partitions */

/* A spilled record: a coded fee line (kind 1) or a stock row (kind 0),
 * followed by its strings (code, setl_id, psn_no, feedetl_sn). The order of
 * arrival is the record's place in its file; the code's hash is computed
 * again when a partition is loaded. */
typedef struct trec {
	uint16_t len;        /* whole record, 8-aligned */
	uint8_t kind;
	uint8_t flags;       /* TR_SPLIT, TR_JUDGE */
	uint8_t lcode, lsetl, lpsn, lsn;
	uint32_t prod;       /* med_list_codg: sales in sc->prod, stock in the stock set's */
	uint32_t fix;        /* institution (sc->fix; 0 for stock) */
	int64_t time;        /* fee_ocur_time */
	int64_t cnt;         /* scale 4; stock: pack_qty */
	int64_t amt;
	int32_t begn_day;    /* the day the settlement's care began */
	uint32_t pad;
} trec;

enum { TR_SPLIT = 1, TR_JUDGE = 2 };

#define TREC_STR(r) ((char *)((r) + 1))

static int part_open(screen *sc, sc_spill *ss, int p)
{
	char path[1100];

	snprintf(path, sizeof(path), "%s/yibao-screen-%ld-%s-%d.part", sc->tmp_dir, (long)getpid(), ss->tag, p);
	if (!(ss->part[p] = fopen(path, "w+b")))
		return yb_error_set(YB_ERROR, "%s: %s", path, strerror(errno));
	unlink(path); /* gone when closed, even after a crash */
	setvbuf(ss->part[p], NULL, _IOFBF, 1 << 18);
	return 0;
}

static int spill(screen *sc, sc_spill *ss, int kind, const char *code, const char *setl_id,
		 const char *psn_no, const char *sn, uint32_t prod, uint32_t fix, int flags,
		 int64_t time, yb_date begn_day, int64_t cnt, int64_t amt)
{
	char rec[sizeof(trec) + 4 * 256 + 8];
	trec *t = (trec *)rec;
	size_t lc = strlen(code), ls = strlen(setl_id), lp = strlen(psn_no), ln = strlen(sn), len;
	char *o = TREC_STR(t);
	int p;

	if (lc > 255 || ls > 255 || lp > 255 || ln > 255)
		return yb_error_set(YB_EINVALID, "a code or id longer than 255 bytes");
	memset(t, 0, sizeof(*t));
	t->kind = (uint8_t)kind;
	t->flags = (uint8_t)flags;
	t->lcode = (uint8_t)lc;
	t->lsetl = (uint8_t)ls;
	t->lpsn = (uint8_t)lp;
	t->lsn = (uint8_t)ln;
	t->prod = prod;
	t->fix = fix;
	t->time = time;
	t->begn_day = begn_day;
	t->cnt = cnt;
	t->amt = amt;
	memcpy(o, code, lc + 1);
	memcpy(o + lc + 1, setl_id, ls + 1);
	memcpy(o + lc + ls + 2, psn_no, lp + 1);
	memcpy(o + lc + ls + lp + 3, sn, ln + 1);
	len = (sizeof(*t) + lc + ls + lp + ln + 4 + 7) & ~(size_t)7;
	t->len = (uint16_t)len;
	p = (int)((yb_rl_hash(code) >> 40) % (uint64_t)sc->n_part);
	if (!ss->part[p] && part_open(sc, ss, p) < 0)
		return YB_ERROR;
	if (fwrite(rec, 1, len, ss->part[p]) != len)
		return yb_error_set(YB_ERROR, "writing a partition: %s", strerror(errno));
	ss->bytes[p] += len;
	return 0;
}

/* =========================================================== findings */

static void mask(char *out, size_t cap, const char *psn)
{
	yb_mask_psn(out, cap, psn);
}

int sc_emit(screen *sc, const yb_finding *f, const char *psn_no, uint32_t fix, yb_date day)
{
	yb_jw w;
	char m[64], date[12];
	const yb_rule *r = f->rule;
	size_t ri = (size_t)(r - yb_ruleset_at(sc->rs, 0));
	sc_inst *in;
	int rc;

	if ((rc = sc_inst_at(sc, fix)) < 0)
		return rc;
	in = &sc->inst[fix];
	yb_buf_clear(&sc->jb);
	yb_jw_init(&w, &sc->jb);
	mask(m, sizeof(m), psn_no);
	yb_date_format(date, day);
	date[10] = '\0';
	yb_jw_obj(&w, NULL);
	yb_jw_str(&w, "rule_id", r->id);
	yb_jw_str(&w, "rule_name", r->name);
	yb_jw_str(&w, "type", yb_rule_type_name(r->type));
	yb_jw_int(&w, "sev_deg", r->sev_deg);
	yb_jw_str(&w, "action", r->action == YB_ACT_REFUSE ? "refuse" : "warn");
	yb_jw_str(&w, "fixmedins_code", sc->fix.s[fix]);
	yb_jw_str(&w, "psn_no", m);
	yb_jw_arr(&w, "setl_ids");
	yb_jw_str(&w, NULL, f->setl_id);
	if (f->other_setl_id[0])
		yb_jw_str(&w, NULL, f->other_setl_id);
	yb_jw_end(&w, ']');
	yb_jw_str(&w, "setl_id", f->setl_id);
	if (f->feedetl_sn)
		yb_jw_str(&w, "feedetl_sn", f->feedetl_sn);
	yb_jw_str(&w, "date", date);
	yb_jw_str(&w, "vola_cont", f->vola_cont);
	yb_jw_money(&w, "vola_amt", f->vola_amt);
	yb_jw_money(&w, "fund_amt", f->fund_amt);
	yb_jw_raw(&w, "vola_evid", f->vola_evid, strlen(f->vola_evid));
	yb_jw_end(&w, '}');
	yb_buf_putc(&sc->jb, '\n');
	if (sc->jb.oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if (fwrite(sc->jb.ptr, 1, sc->jb.len, sc->out) != sc->jb.len)
		return yb_error_set(YB_ERROR, "%s: %s", sc->o->out_path, strerror(errno));
	/* aggregates for the report */
	sc->st->findings++;
	sc->st->vola_amt += f->vola_amt;
	sc->rule_n[ri]++;
	sc->rule_amt[ri] += f->vola_amt;
	sc->rule_fund[ri] += f->fund_amt;
	in->findings++;
	in->vola_amt += f->vola_amt;
	if (r->type == YB_RT_DUP_SETTLEMENT || r->type == YB_RT_OVERLAP_STAY) {
		in->s1_n++;
		in->s1_recovery += f->fund_amt > 0 ? f->fund_amt : f->vola_amt;
		if (r->fine_multiplier > sc->fine_multiplier)
			sc->fine_multiplier = r->fine_multiplier;
	}
	sc_top_add(sc, f, m, fix, date);
	return 0;
}

void sc_top_add(screen *sc, const yb_finding *f, const char *masked, uint32_t fix, const char *date)
{
	sc_top *t;
	int i;

	if (sc->n_top == SC_TOP && sc->top[SC_TOP - 1].amt >= f->vola_amt)
		return;
	i = sc->n_top < SC_TOP ? sc->n_top++ : SC_TOP - 1;
	while (i > 0 && sc->top[i - 1].amt < f->vola_amt) {
		sc->top[i] = sc->top[i - 1];
		i--;
	}
	t = &sc->top[i];
	t->amt = f->vola_amt;
	t->rule = f->rule;
	t->fix = fix;
	snprintf(t->psn, sizeof(t->psn), "%s", masked);
	snprintf(t->setl_id, sizeof(t->setl_id), "%s", f->setl_id);
	snprintf(t->date, sizeof(t->date), "%s", date);
	snprintf(t->cont, sizeof(t->cont), "%s", f->vola_cont);
}

/* ============================================================= sample */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* Keeps a settlement as a sample candidate: its key is below twice the
 * share, or among the institution's 8 smallest keys so far (small strata). */
static int sample_offer(screen *sc, uint32_t fix, const char *setl_id, const char *psn_no)
{
	uint64_t key = mix64(yb_rl_hash(setl_id) ^ mix64(sc->o->seed + 0x5851f42d4c957f2dull));
	uint64_t lim = (uint64_t)((unsigned __int128)(sc->o->sample_bp * 2) * UINT64_MAX / YB_BP_ONE);
	sc_inst *in = &sc->inst[fix];
	sc_cand *c;

	if (key >= lim && in->n_small >= 8 && key >= in->small[7])
		return 0;
	if (key < lim || in->n_small < 8 || key < in->small[7]) {
		int i = in->n_small < 8 ? in->n_small++ : 7;
		if (!(in->n_small == 8 && i == 7 && key >= in->small[7])) {
			while (i > 0 && in->small[i - 1] > key) {
				in->small[i] = in->small[i - 1];
				i--;
			}
			in->small[i] = key;
		}
	}
	if (sc->n_cand == sc->cap_cand) {
		size_t cap = sc->cap_cand ? sc->cap_cand * 2 : 4096;
		sc_cand *v = realloc(sc->cand, cap * sizeof(*v));
		if (!v)
			return yb_error_set(YB_ENOMEM, "out of memory");
		sc->cand = v;
		sc->cap_cand = cap;
	}
	c = &sc->cand[sc->n_cand++];
	c->key = key;
	c->fix = fix;
	snprintf(c->setl_id, sizeof(c->setl_id), "%s", setl_id);
	yb_mask_psn(c->psn, sizeof(c->psn), psn_no);
	return 0;
}

static int cand_cmp(const void *a, const void *b)
{
	const sc_cand *x = a, *y = b;
	if (x->fix != y->fix)
		return x->fix < y->fix ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Per institution: the ceil(share x settlements) candidates with the
 * smallest keys. */
static int sample_write(screen *sc)
{
	FILE *f;
	size_t i = 0;

	qsort(sc->cand, sc->n_cand, sizeof(*sc->cand), cand_cmp);
	if (!(f = fopen(sc->o->sample_path, "w")))
		return yb_error_set(YB_ERROR, "%s: %s", sc->o->sample_path, strerror(errno));
	while (i < sc->n_cand) {
		uint32_t fix = sc->cand[i].fix;
		sc_inst *in = &sc->inst[fix];
		uint64_t need = (in->judged * (uint64_t)sc->o->sample_bp + YB_BP_ONE - 1) / YB_BP_ONE, k = 0;
		for (; i < sc->n_cand && sc->cand[i].fix == fix; i++, k++)
			if (k < need) {
				fprintf(f, "{\"fixmedins_code\":\"%s\",\"setl_id\":\"%s\",\"psn_no\":\"%s\",\"stratum_settlements\":%llu,\"stratum_sampled\":%llu}\n",
					sc->fix.s[fix], sc->cand[i].setl_id, sc->cand[i].psn,
					(unsigned long long)in->judged, (unsigned long long)need);
				in->sampled++;
				sc->st->sampled++;
			}
	}
	if (fclose(f) != 0)
		return yb_error_set(YB_ERROR, "%s: %s", sc->o->sample_path, strerror(errno));
	return 0;
}

/* =========================================================== progress */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(screen *sc, const char *what, uint64_t done, uint64_t total, int final)
{
	double t = now(), el;
	int i, w = 30, fill;
	char bar[64];

	if (!sc->o->progress || (!final && t - sc->last_draw < 0.2))
		return;
	sc->last_draw = t;
	el = t - sc->t0;
	fill = total ? (int)((double)done / (double)total * w) : w;
	if (fill > w)
		fill = w;
	for (i = 0; i < w; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[w] = '\0';
	fprintf(stderr, "\r%-9s [%s] %3d%%  %llu lines  %.0f lines/s  %llu findings ", what, bar,
		total ? (int)(100.0 * (double)done / (double)total) : 100,
		(unsigned long long)sc->st->lines, el > 0 ? (double)sc->st->lines / el : 0.0,
		(unsigned long long)sc->st->findings);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/* ========================================================= pass 1 */

enum { S_SETL_ID, S_MDTRT_ID, S_PSN_NO, S_GEND, S_BRDY, S_INSUTYPE, S_FIXMEDINS, S_MED_TYPE,
       S_BEGNTIME, S_ENDTIME, S_DISE, S_MEDFEE, S_FUND, S_INVONO, S_NCOL };
enum { F_SETL_ID, F_SN, F_CODG, F_TIME, F_CNT, F_PRIC, F_SUMAMT, F_TRAC, F_TRDN, F_NCOL };

static const char SETL_HEADER[] = "setl_id,mdtrt_id,psn_no,gend,brdy,insutype,fixmedins_code,med_type,"
				  "begntime,endtime,dise_codg,medfee_sumamt,fund_pay_sumamt,invono";
static const char FEE_HEADER[] = "setl_id,feedetl_sn,med_list_codg,fee_ocur_time,cnt,pric,"
				 "det_item_fee_sumamt,drug_trac_codg,trdn_flag";
static const char TRAC_HEADER[] = "drug_trac_codg,med_list_codg,pack_qty,fixmedins_code,purc_date";

/* Parses a datetime, remembering the last text (lines of a visit share it). */
static int parse_time(screen *sc, const char *s, yb_datetime *out)
{
	size_t n = strlen(s);

	if (n == sc->last_time_len && !memcmp(s, sc->last_time, n)) {
		*out = sc->last_time_val;
		return 0;
	}
	if (yb_datetime_parse(out, s, n) < 0)
		return YB_EINVALID;
	if (n < sizeof(sc->last_time)) {
		memcpy(sc->last_time, s, n);
		sc->last_time_len = n;
		sc->last_time_val = *out;
	}
	return 0;
}

static int dec(const char *s, int scale, int64_t *out)
{
	return yb_decimal_parse(out, s, strlen(s), scale);
}

/* Reads the fee lines of the settlement setl_id into sc->lines (texts kept
 * in sc->fee_text). A row of another settlement is left pending. */
static int read_lines(screen *sc, const char *setl_id)
{
	char *line, *f[F_NCOL + 1];
	size_t len, i;
	int rc, n;

	sc->n_lines = 0;
	yb_buf_clear(&sc->fee_text);
	sc->n_offs = 0;
	for (;;) {
		if (sc->pending) {
			line = sc->pend.ptr;
			len = sc->pend.len;
		} else {
			if ((rc = lr_next(&sc->fee, &line, &len)) < 0)
				return rc;
			if (!line)
				break;
			if (!len)
				continue;
		}
		/* setl_id is the first field */
		{
			const char *comma = memchr(line, ',', len);
			size_t idl = comma ? (size_t)(comma - line) : len;
			if (idl != strlen(setl_id) || memcmp(line, setl_id, idl)) {
				if (!sc->pending) {
					yb_buf_clear(&sc->pend);
					yb_buf_put(&sc->pend, line, len);
					sc->pending = 1;
					sc->pend_line = sc->fee.line;
				}
				break;
			}
		}
		if (sc->n_offs == sc->cap_offs) {
			size_t cap = sc->cap_offs ? sc->cap_offs * 2 : 64;
			sc_off *v = realloc(sc->offs, cap * sizeof(*v));
			if (!v)
				return yb_error_set(YB_ENOMEM, "out of memory");
			sc->offs = v;
			sc->cap_offs = cap;
		}
		sc->offs[sc->n_offs].off = sc->fee_text.len;
		sc->offs[sc->n_offs++].line = sc->pending ? sc->pend_line : sc->fee.line;
		yb_buf_put(&sc->fee_text, line, len + 1); /* with its NUL */
		sc->pending = 0;
		if (sc->n_offs > 100000)
			return yb_error_set(YB_EINVALID, "%s:%ld: settlement %s has more than 100000 lines",
					    sc->fee.path, sc->fee.line, setl_id);
	}
	if (sc->fee_text.oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	if (sc->n_offs > sc->cap_lines) {
		size_t cap = sc->n_offs * 2;
		yb_rl_line *v = realloc(sc->lines, cap * sizeof(*v));
		if (!v)
			return yb_error_set(YB_ENOMEM, "out of memory");
		sc->lines = v;
		sc->cap_lines = cap;
	}
	for (i = 0; i < sc->n_offs; i++) {
		yb_rl_line *l = &sc->lines[i];
		long ln = sc->offs[i].line;
		n = csv_split(sc->fee_text.ptr + sc->offs[i].off, f, F_NCOL);
		if (n != F_NCOL)
			return yb_error_set(YB_EINVALID, "%s:%ld: %d fields, not %d", sc->fee.path, ln, n, F_NCOL);
		l->feedetl_sn = f[F_SN];
		l->med_list_codg = f[F_CODG];
		l->drug_trac_codg = f[F_TRAC];
		l->trdn_flag = f[F_TRDN][0] == '1';
		l->fee_ocur_time = 0;
		if (f[F_TIME][0] && parse_time(sc, f[F_TIME], &l->fee_ocur_time) < 0)
			return yb_error_set(YB_EINVALID, "%s:%ld: fee_ocur_time: not a time", sc->fee.path, ln);
		if (dec(f[F_CNT], YB_SCALE_COUNT, &l->cnt) < 0)
			return yb_error_set(YB_EINVALID, "%s:%ld: cnt: not a count", sc->fee.path, ln);
		if (dec(f[F_SUMAMT], YB_SCALE_MONEY, &l->sumamt) < 0)
			return yb_error_set(YB_EINVALID, "%s:%ld: det_item_fee_sumamt: not an amount",
					    sc->fee.path, ln);
		if (!f[F_CODG][0])
			return yb_error_set(YB_EINVALID, "%s:%ld: med_list_codg: empty", sc->fee.path, ln);
	}
	sc->n_lines = sc->n_offs;
	return 0;
}

static int judge_one(screen *sc, yb_rl_setl *s, uint32_t fix, int judged)
{
	yb_rules_history h;
	size_t n = 0, i;
	int rc;
	yb_date day = yb_datetime_date(s->begntime);

	if (judged) {
		yb_rl_index_view(sc->ix, &h);
		if ((rc = yb_rules_judge(sc->find, SC_FIND_CAP, &n, sc->rs, s, &h,
					 sc->o->realtime ? YB_RJ_ALL : YB_RJ_SETTLEMENT)) < 0)
			return rc;
		if (n > SC_FIND_CAP) {
			fprintf(stderr, "yibao screen: settlement %s: %zu findings, %d kept\n", s->setl_id, n, SC_FIND_CAP);
			n = SC_FIND_CAP;
		}
		for (i = 0; i < n; i++)
			if ((rc = sc_emit(sc, &sc->find[i], s->psn_no, fix, day)) < 0)
				return rc;
	}
	/* coded lines go to the partitions, judged or not (they are history) */
	for (i = 0; i < s->n_lines; i++) {
		const yb_rl_line *l = &s->lines[i];
		uint32_t prod;
		if (!l->drug_trac_codg || !l->drug_trac_codg[0] || sc->o->realtime)
			continue;
		if ((rc = sc_dict_id(&sc->prod, l->med_list_codg, &prod)) < 0 ||
		    (rc = spill(sc, &sc->sales, 1, l->drug_trac_codg, s->setl_id, s->psn_no, l->feedetl_sn,
				prod, fix, (l->trdn_flag == 1 ? TR_SPLIT : 0) | (judged ? TR_JUDGE : 0),
				l->fee_ocur_time ? l->fee_ocur_time : s->begntime, yb_datetime_date(s->begntime),
				l->cnt, l->sumamt)) < 0)
			return rc;
		sc->st->coded_lines++;
	}
	return yb_rl_index_add(sc->ix, s);
}

/* Person-set check: a person seen before a different one must not return. */
static int seen_person(screen *sc, const char *psn)
{
	uint64_t h = yb_rl_hash(psn) | 1;
	size_t j;

	if ((sc->n_seen + 1) * 2 > sc->cap_seen) {
		size_t cap = sc->cap_seen ? sc->cap_seen * 2 : 1 << 16, i;
		uint64_t *v = calloc(cap, sizeof(*v));
		if (!v)
			return yb_error_set(YB_ENOMEM, "out of memory");
		for (i = 0; i < sc->cap_seen; i++)
			if (sc->seen[i]) {
				size_t k = mix64(sc->seen[i]) & (cap - 1);
				while (v[k])
					k = (k + 1) & (cap - 1);
				v[k] = sc->seen[i];
			}
		free(sc->seen);
		sc->seen = v;
		sc->cap_seen = cap;
	}
	j = mix64(h) & (sc->cap_seen - 1);
	while (sc->seen[j]) {
		if (sc->seen[j] == h)
			return 1;
		j = (j + 1) & (sc->cap_seen - 1);
	}
	sc->seen[j] = h;
	sc->n_seen++;
	return 0;
}

static int pass_persons(screen *sc)
{
	lr *r = &sc->setl;
	char *line, *f[S_NCOL + 1], prev_psn[128] = "", prev_setl[128] = "";
	char row[2048];
	yb_datetime prev_time = 0;
	uint64_t total = sc->bytes_total;
	size_t len;
	int rc, n;

	while ((rc = lr_next(r, &line, &len)) == 0 && line) {
		yb_rl_setl s;
		uint32_t fix;
		yb_date day;
		int judged, c;
		if (!len)
			continue;
		if (len >= sizeof(row))
			return yb_error_set(YB_EINVALID, "%s:%ld: line longer than %zu bytes", r->path, r->line, sizeof(row) - 1);
		memcpy(row, line, len + 1);
		if ((n = csv_split(row, f, S_NCOL)) != S_NCOL)
			return yb_error_set(YB_EINVALID, "%s:%ld: %d fields, not %d", r->path, r->line, n, S_NCOL);
		memset(&s, 0, sizeof(s));
		s.setl_id = f[S_SETL_ID];
		s.mdtrt_id = f[S_MDTRT_ID];
		s.psn_no = f[S_PSN_NO];
		s.fixmedins_code = f[S_FIXMEDINS];
		s.dise_codg = f[S_DISE];
		s.gend = f[S_GEND][0];
		s.brdy = YB_DATE_NONE;
		if (!s.setl_id[0] || !s.psn_no[0] || !s.fixmedins_code[0] || strlen(s.setl_id) >= sizeof(prev_setl) ||
		    strlen(s.psn_no) >= sizeof(prev_psn))
			return bad_field(r, "setl_id, psn_no, fixmedins_code", "empty or too long");
		if (f[S_BRDY][0] && yb_date_parse(&s.brdy, f[S_BRDY], strlen(f[S_BRDY])) < 0)
			return bad_field(r, "brdy", "not a date");
		s.med_type = (int)strtol(f[S_MED_TYPE], NULL, 10);
		if (parse_time(sc, f[S_BEGNTIME], &s.begntime) < 0)
			return bad_field(r, "begntime", "not a time");
		if (f[S_ENDTIME][0] && yb_datetime_parse(&s.endtime, f[S_ENDTIME], strlen(f[S_ENDTIME])) < 0)
			return bad_field(r, "endtime", "not a time");
		if (dec(f[S_MEDFEE], YB_SCALE_MONEY, &s.medfee_sumamt) < 0)
			return bad_field(r, "medfee_sumamt", "not an amount");
		if (f[S_FUND][0] && dec(f[S_FUND], YB_SCALE_MONEY, &s.fund_pay_sumamt) < 0)
			return bad_field(r, "fund_pay_sumamt", "not an amount");
		if ((rc = sc_dict_id(&sc->fix, s.fixmedins_code, &fix)) < 0 || (rc = sc_inst_at(sc, fix)) < 0)
			return rc;
		s.hosp_lv = sc->inst[fix].hosp_lv;
		/* order: grouped by person, then (begntime, setl_id) */
		if (strcmp(s.psn_no, prev_psn)) {
			if ((rc = seen_person(sc, s.psn_no)) < 0)
				return rc;
			if (rc)
				return yb_error_set(YB_EINVALID, "%s:%ld: person %s appears again after others: "
						    "setl.csv must be grouped by psn_no (docs/rules.md)",
						    r->path, r->line, s.psn_no);
			if (!sc->o->realtime)
				yb_rl_index_reset(sc->ix);
			snprintf(prev_psn, sizeof(prev_psn), "%s", s.psn_no);
		} else if (s.begntime < prev_time ||
			   (s.begntime == prev_time && (c = strcmp(s.setl_id, prev_setl)) <= 0)) {
			return yb_error_set(YB_EINVALID, "%s:%ld: settlement %s is before the person's previous one: "
					    "order a person's settlements by begntime, setl_id (docs/rules.md)",
					    r->path, r->line, s.setl_id);
		}
		prev_time = s.begntime;
		snprintf(prev_setl, sizeof(prev_setl), "%s", s.setl_id);
		if ((rc = read_lines(sc, s.setl_id)) < 0)
			return rc;
		s.lines = sc->lines;
		s.n_lines = sc->n_lines;
		sc->st->settlements++;
		sc->st->lines += s.n_lines;
		day = yb_datetime_date(s.begntime);
		if (day > sc->o->to)
			continue;
		judged = day >= sc->o->from;
		if (judged) {
			sc_inst *in = &sc->inst[fix];
			sc->st->judged++;
			sc->st->medfee_sumamt += s.medfee_sumamt;
			in->judged++;
			in->lines += s.n_lines;
			in->medfee += s.medfee_sumamt;
			if (sc->o->sample_path && (rc = sample_offer(sc, fix, s.setl_id, s.psn_no)) < 0)
				return rc;
		}
		if ((rc = judge_one(sc, &s, fix, judged)) < 0)
			return rc;
		if ((sc->st->settlements & 1023) == 0)
			progress(sc, "persons", r->consumed + sc->fee.consumed, total, 0);
	}
	if (rc < 0)
		return rc;
	/* every fee row must have belonged to a settlement */
	if (sc->pending || ((rc = lr_next(&sc->fee, &line, &len)) == 0 && line && len))
		return yb_error_set(YB_EINVALID, "%s:%ld: a line of settlement %.40s that is not in setl.csv "
				    "at this place (fee.csv must follow setl.csv's order)", sc->fee.path,
				    sc->fee.line, sc->pending ? sc->pend.ptr : line);
	progress(sc, "persons", total, total, 1);
	return rc;
}

/* trac.csv into the stock partitions. Runs in a thread of its own beside
 * the person pass: it touches only the stock set (and its dictionary). */
static int pass_stock(screen *sc, const char *path)
{
	sc_spill *ss = &sc->stock;
	lr r;
	char *line, *f[8];
	size_t len;
	int rc, n;

	if ((rc = lr_open(&r, path)) < 0)
		return rc;
	if ((rc = csv_header(&r, TRAC_HEADER)) < 0)
		goto done;
	while ((rc = lr_next(&r, &line, &len)) == 0 && line) {
		int64_t pack;
		uint32_t prod;
		if (!len)
			continue;
		if ((n = csv_split(line, f, 5)) != 5) {
			rc = yb_error_set(YB_EINVALID, "%s:%ld: %d fields, not 5", path, r.line, n);
			break;
		}
		if (!f[0][0] || !f[1][0]) {
			rc = bad_field(&r, "drug_trac_codg, med_list_codg", "empty");
			break;
		}
		if (dec(f[2], YB_SCALE_COUNT, &pack) < 0) {
			rc = bad_field(&r, "pack_qty", "not a count");
			break;
		}
		if (sc->o->realtime) {
			if ((rc = yb_rl_index_stock(sc->ix, f[0], f[1], pack)) < 0)
				break;
		} else if ((rc = sc_dict_id(&ss->prod, f[1], &prod)) < 0 ||
			   (rc = spill(sc, ss, 0, f[0], "", "", "", prod, 0, 0, 0, 0, pack, 0)) < 0) {
			break;
		}
		ss->count++;
	}
done:
	lr_close(&r);
	return rc;
}

typedef struct stock_job {
	screen *sc;
	char path[1024];
	int rc;
	char msg[512];
} stock_job;

static void *stock_thread(void *arg)
{
	stock_job *j = arg;

	j->rc = pass_stock(j->sc, j->path);
	if (j->rc < 0)
		snprintf(j->msg, sizeof(j->msg), "%s", yb_error_msg());
	return NULL;
}

/* ========================================================= pass 2 */

/* Sort keys of a partition: hash and time inline, so that most comparisons
 * never touch the records; seq is the arrival order (stock, then sales). */
typedef struct tkey {
	uint64_t hash;
	int64_t time;
	uint64_t seq;
	trec *r;
} tkey;

static int tkey_cmp(const void *a, const void *b)
{
	const tkey *x = a, *y = b;
	int c;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if ((c = strcmp(TREC_STR(x->r), TREC_STR(y->r))))
		return c;
	if (x->r->kind != y->r->kind)
		return x->r->kind < y->r->kind ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if ((c = strcmp(TREC_STR(x->r) + x->r->lcode + 1, TREC_STR(y->r) + y->r->lcode + 1)))
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Reads back a partition file (and closes it) at data + *used. */
static int read_part(sc_spill *ss, int p, char *data, size_t *used)
{
	FILE *f = ss->part[p];
	size_t bytes = (size_t)ss->bytes[p];

	if (!f)
		return 0;
	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0 || fread(data + *used, 1, bytes, f) != bytes)
		return yb_error_set(YB_ERROR, "reading a partition back: %s", strerror(errno));
	fclose(f);
	ss->part[p] = NULL;
	*used += bytes;
	return 0;
}

/* Findings of a partition, kept until the main thread writes them in
 * partition order (the output does not depend on the threads' timing). */
typedef struct sc_hit {
	yb_finding f;
	char setl_id[64], sn[32], psn[64];
	uint32_t fix;
	yb_date day;
} sc_hit;

typedef struct sc_hits {
	sc_hit *v;
	size_t n, cap;
	int done;
} sc_hits;

static int hit_add(sc_hits *h, const yb_finding *f, const char *psn, uint32_t fix, yb_date day)
{
	sc_hit *x;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		sc_hit *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return yb_error_set(YB_ENOMEM, "out of memory");
		h->v = v;
		h->cap = cap;
	}
	x = &h->v[h->n++];
	x->f = *f;
	snprintf(x->setl_id, sizeof(x->setl_id), "%s", f->setl_id);
	snprintf(x->sn, sizeof(x->sn), "%s", f->feedetl_sn ? f->feedetl_sn : "");
	snprintf(x->psn, sizeof(x->psn), "%s", psn);
	x->f.setl_id = x->setl_id;
	x->f.feedetl_sn = f->feedetl_sn ? x->sn : NULL;
	x->fix = fix;
	x->day = day;
	return 0;
}

/* Sweeps partition p: stock and sales of each code in order, judged with
 * yb_rules_judge_trac. Pure but for reading its own two files. */
static int sweep_partition(screen *sc, int p, yb_finding *find, sc_hits *out)
{
	size_t bytes = (size_t)(sc->stock.bytes[p] + sc->sales.bytes[p]), used = 0, n = 0, i, k;
	char *data;
	tkey *kv;
	trec **v;
	int rc = 0;

	if (!bytes)
		return 0;
	if (!(data = malloc(bytes)))
		return yb_error_set(YB_ENOMEM, "out of memory (partition of %zu bytes)", bytes);
	if ((rc = read_part(&sc->stock, p, data, &used)) < 0 || (rc = read_part(&sc->sales, p, data, &used)) < 0) {
		free(data);
		return rc;
	}
	for (i = 0; i < bytes; i += ((trec *)(data + i))->len)
		n++;
	if (!(kv = malloc((n ? n : 1) * sizeof(*kv)))) {
		free(data);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	for (i = 0, k = 0; i < bytes; i += ((trec *)(data + i))->len, k++) {
		trec *r = (trec *)(data + i);
		kv[k].hash = yb_rl_hash(TREC_STR(r));
		kv[k].time = r->time;
		kv[k].seq = k;
		kv[k].r = r;
	}
	qsort(kv, n, sizeof(*kv), tkey_cmp);
	/* the records in order, over the keys' memory */
	v = (trec **)kv;
	for (i = 0; i < n; i++)
		v[i] = kv[i].r;
	for (i = 0; i < n && rc == 0;) {
		const char *code = TREC_STR(v[i]);
		yb_rl_trac t;
		size_t j = i;
		memset(&t, 0, sizeof(t));
		/* stock rows come first in a code's group: the first one counts */
		if (v[j]->kind == 0) {
			t.med_list_codg = sc->stock.prod.s[v[j]->prod];
			t.pack_qty = v[j]->cnt;
		}
		while (j < n && !strcmp(TREC_STR(v[j]), code) && v[j]->kind == 0)
			j++;
		for (; j < n && !strcmp(TREC_STR(v[j]), code); j++) {
			trec *r = v[j];
			const char *sp = TREC_STR(r) + r->lcode + 1;
			const char *psn = sp + r->lsetl + 1, *sn = psn + r->lpsn + 1;
			yb_rl_line ln;
			yb_rl_setl s;
			memset(&ln, 0, sizeof(ln));
			ln.feedetl_sn = sn;
			ln.med_list_codg = sc->prod.s[r->prod];
			ln.drug_trac_codg = code;
			ln.trdn_flag = r->flags & TR_SPLIT ? 1 : 0;
			ln.fee_ocur_time = r->time;
			ln.cnt = r->cnt;
			ln.sumamt = r->amt;
			if (r->flags & TR_JUDGE) {
				size_t nf = 0, q;
				memset(&s, 0, sizeof(s));
				s.setl_id = sp;
				s.psn_no = psn;
				s.fixmedins_code = sc->fix.s[r->fix];
				s.begntime = (yb_datetime)r->begn_day * 86400;
				s.lines = &ln;
				s.n_lines = 1;
				if ((rc = yb_rules_judge_trac(find, SC_FIND_CAP, &nf, sc->rs, &s, &ln, &t)) < 0)
					break;
				for (q = 0; q < nf && q < SC_FIND_CAP && rc == 0; q++)
					rc = hit_add(out, &find[q], psn, r->fix, yb_datetime_date(r->time));
			}
			yb_rl_trac_update(&t, &ln, sp, sc->fix.s[r->fix], yb_datetime_date(r->time));
		}
		i = j;
	}
	free(kv);
	free(data);
	return rc;
}

/* Workers take partitions in order; the main thread writes each one's
 * findings as soon as it and all before it are done. */
typedef struct sweep {
	screen *sc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int next, rc;
	char msg[512];
	sc_hits *hits;
} sweep;

static void *sweep_thread(void *arg)
{
	sweep *w = arg;
	yb_finding *find = malloc(SC_FIND_CAP * sizeof(*find));
	int p, rc = 0;

	for (;;) {
		sc_hits h = {NULL, 0, 0, 0};
		pthread_mutex_lock(&w->mu);
		p = w->rc < 0 || !find ? w->sc->n_part : w->next++;
		pthread_mutex_unlock(&w->mu);
		if (p >= w->sc->n_part)
			break;
		rc = sweep_partition(w->sc, p, find, &h);
		pthread_mutex_lock(&w->mu);
		w->hits[p] = h;
		w->hits[p].done = 1;
		if (rc < 0 && w->rc == 0) {
			w->rc = rc;
			snprintf(w->msg, sizeof(w->msg), "%s", yb_error_msg());
		}
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	if (!find) {
		pthread_mutex_lock(&w->mu);
		if (w->rc == 0) {
			w->rc = YB_ENOMEM;
			snprintf(w->msg, sizeof(w->msg), "out of memory");
		}
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	free(find);
	return NULL;
}

static int pass_codes(screen *sc)
{
	sweep w;
	pthread_t th[SC_THREADS];
	int nth = 0, p, rc = 0, i;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&w, 0, sizeof(w));
	w.sc = sc;
	if (!(w.hits = calloc((size_t)sc->n_part, sizeof(*w.hits))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	for (i = 0; i < SC_THREADS && i < (cores > 1 ? cores : 1); i++)
		if (pthread_create(&th[nth], NULL, sweep_thread, &w) == 0)
			nth++;
	if (!nth)
		rc = yb_error_set(YB_ERROR, "cannot start a thread");
	for (p = 0; p < sc->n_part && rc == 0; p++) {
		size_t q;
		pthread_mutex_lock(&w.mu);
		while (!w.hits[p].done && w.rc == 0)
			pthread_cond_wait(&w.cv, &w.mu);
		if (w.rc < 0)
			rc = yb_error_set(w.rc, "%s", w.msg);
		pthread_mutex_unlock(&w.mu);
		for (q = 0; q < w.hits[p].n && rc == 0; q++)
			rc = sc_emit(sc, &w.hits[p].v[q].f, w.hits[p].v[q].psn, w.hits[p].v[q].fix, w.hits[p].v[q].day);
		free(w.hits[p].v);
		w.hits[p].v = NULL;
		progress(sc, "codes", (uint64_t)p + 1, (uint64_t)sc->n_part, p + 1 == sc->n_part);
	}
	if (rc < 0) {
		pthread_mutex_lock(&w.mu);
		if (w.rc == 0)
			w.rc = rc;
		pthread_mutex_unlock(&w.mu);
	}
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (p = 0; p < sc->n_part; p++)
		free(w.hits[p].v);
	free(w.hits);
	pthread_mutex_destroy(&w.mu);
	pthread_cond_destroy(&w.cv);
	return rc;
}

/* ========================================================= driver */

static int file_size(const char *path, uint64_t *out)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return yb_error_set(YB_ENOTFOUND, "%s: %s", path, strerror(errno));
	*out = (uint64_t)st.st_size;
	return 0;
}

int yb_screen_run(const yb_screen_opts *o, yb_screen_stats *st)
{
	screen *sc;
	char path[1024];
	uint64_t sz_setl = 0, sz_fee = 0, sz_trac = 0, target;
	double t1;
	int rc, p, have_trac, stock_started = 0;
	stock_job stock;
	pthread_t stock_th;

	memset(st, 0, sizeof(*st));
	memset(&stock, 0, sizeof(stock));
	if (!(sc = calloc(1, sizeof(*sc))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	sc->o = o;
	sc->st = st;
	sc->t0 = now();
	sc->tmp_dir = o->tmp_dir;
	if ((rc = yb_rules_load_dir(&sc->rs, o->rules_dir)) < 0)
		goto done;
	if (!(sc->rule_n = calloc(yb_ruleset_count(sc->rs), sizeof(*sc->rule_n))) ||
	    !(sc->rule_amt = calloc(yb_ruleset_count(sc->rs), sizeof(*sc->rule_amt))) ||
	    !(sc->rule_fund = calloc(yb_ruleset_count(sc->rs), sizeof(*sc->rule_fund)))) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yb_rl_index_new(&sc->ix, sc->rs, o->realtime)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/city.jsonl", o->in_dir);
	if (access(path, R_OK) == 0 && (rc = load_institutions(sc, path)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/setl.csv", o->in_dir);
	if ((rc = file_size(path, &sz_setl)) < 0 || (rc = lr_open(&sc->setl, path)) < 0 ||
	    (rc = csv_header(&sc->setl, SETL_HEADER)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/fee.csv", o->in_dir);
	if ((rc = file_size(path, &sz_fee)) < 0 || (rc = lr_open(&sc->fee, path)) < 0 ||
	    (rc = csv_header(&sc->fee, FEE_HEADER)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/trac.csv", o->in_dir);
	have_trac = access(path, R_OK) == 0;
	if (have_trac)
		file_size(path, &sz_trac);
	sc->bytes_total = sz_setl + sz_fee;
	/* partitions: a coded line spills about 3/4 of a fee.csv row's bytes
	 * (half the rows are coded, a record is about 1.5 rows), a stock row
	 * about 4/3 of its own */
	target = o->part_bytes ? o->part_bytes : (256u << 20);
	sc->n_part = (int)((sz_fee / 4 * 3 + sz_trac / 3 * 4) / target) + 1;
	if (sc->n_part > SC_MAX_PART)
		sc->n_part = SC_MAX_PART;
	st->partitions = sc->n_part;
	if (!(sc->out = fopen(o->out_path, "w"))) {
		rc = yb_error_set(YB_ERROR, "%s: %s", o->out_path, strerror(errno));
		goto done;
	}
	setvbuf(sc->out, NULL, _IOFBF, 1 << 16);
	/* trac.csv spills beside the person pass, in a thread of its own */
	sc->sales.tag = "sales";
	sc->stock.tag = "stock";
	if (have_trac && o->realtime) {
		/* the stock goes into the one history, before any settlement */
		if ((rc = pass_stock(sc, path)) < 0)
			goto done;
	} else if (have_trac) {
		snprintf(stock.path, sizeof(stock.path), "%s", path);
		stock.sc = sc;
		if (pthread_create(&stock_th, NULL, stock_thread, &stock) != 0)
			stock_thread(&stock);
		else
			stock_started = 1;
	}
	rc = pass_persons(sc);
	if (stock_started)
		pthread_join(stock_th, NULL);
	stock_started = 0;
	if (rc < 0)
		goto done;
	if (stock.rc < 0) {
		rc = yb_error_set(stock.rc, "%s", stock.msg);
		goto done;
	}
	st->stock = sc->stock.count;
	t1 = now();
	st->seconds_person = t1 - sc->t0;
	if (!o->realtime && (rc = pass_codes(sc)) < 0)
		goto done;
	st->seconds_codes = now() - t1;
	if (fclose(sc->out) != 0) {
		sc->out = NULL;
		rc = yb_error_set(YB_ERROR, "%s: %s", o->out_path, strerror(errno));
		goto done;
	}
	sc->out = NULL;
	if (o->sample_path && (rc = sample_write(sc)) < 0)
		goto done;
	if (o->report_path)
		rc = sc_report(sc, o->report_path);
done:
	if (sc->out)
		fclose(sc->out);
	if (stock_started)
		pthread_join(stock_th, NULL);
	for (p = 0; p < SC_MAX_PART; p++) {
		if (sc->sales.part[p])
			fclose(sc->sales.part[p]);
		if (sc->stock.part[p])
			fclose(sc->stock.part[p]);
	}
	lr_close(&sc->setl);
	lr_close(&sc->fee);
	yb_rl_index_free(sc->ix);
	yb_ruleset_free(sc->rs);
	sc_dict_free(&sc->fix);
	sc_dict_free(&sc->prod);
	sc_dict_free(&sc->stock.prod);
	yb_buf_free(&sc->jb);
	yb_buf_free(&sc->fee_text);
	yb_buf_free(&sc->pend);
	free(sc->offs);
	free(sc->lines);
	free(sc->seen);
	free(sc->cand);
	free(sc->inst);
	free(sc->rule_n);
	free(sc->rule_amt);
	free(sc->rule_fund);
	free(sc);
	return rc;
}
