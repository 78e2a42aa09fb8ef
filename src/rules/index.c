/* An in-memory history view (rules.h, yb_rl_index): settlements added in
 * order, answered through the yb_rules_history callbacks. `screen` keeps one
 * per person (reset between persons); tests keep one per case with code
 * history on. Memory: the person's settlements, the lines of tracked items,
 * and (track_codes) one state per code. */
#include "yibao/rules.h"
#include "yibao/error.h"

#include <stdlib.h>
#include <string.h>

#include "rules_impl.h"

/* A chain of blocks: strings never move once copied. */
typedef struct ablock {
	struct ablock *prev;
	size_t used, cap;
	char data[];
} ablock;

typedef struct arena {
	ablock *head;
} arena;

static const char *arena_str(arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	ablock *b = a->head;

	if (!b || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->prev = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	memcpy(b->data + b->used, s, n);
	b->used += n;
	return b->data + b->used - n;
}

/* Keeps the newest block, emptied. */
static void arena_reset(arena *a)
{
	ablock *b, *prev;

	if (!a->head)
		return;
	for (b = a->head->prev; b; b = prev) {
		prev = b->prev;
		free(b);
	}
	a->head->prev = NULL;
	a->head->used = 0;
}

static void arena_free(arena *a)
{
	arena_reset(a);
	free(a->head);
	a->head = NULL;
}

typedef struct past_rec {
	yb_rl_past p;
	const char *psn_no;
} past_rec;

typedef struct iline {
	const char *psn_no;
	const char *codg;
	yb_date day;
	int64_t cnt;
} iline;

typedef struct code_rec {
	const char *code; /* NULL: empty slot */
	yb_rl_trac t;
} code_rec;

struct yb_rl_index {
	const yb_ruleset *rs;
	int track_codes;
	arena strs;          /* the person's strings */
	arena code_strs;     /* kept across resets */
	past_rec *past;
	size_t n_past, cap_past;
	iline *il;
	size_t n_il, cap_il;
	yb_rl_past *ans;
	size_t cap_ans;
	code_rec *codes;
	size_t n_codes, cap_codes; /* cap a power of two */
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if (!(p = realloc(*v, c * size)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	*v = p;
	*cap = c;
	return 0;
}

int yb_rl_index_new(yb_rl_index **out, const yb_ruleset *rs, int track_codes)
{
	yb_rl_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return yb_error_set(YB_ENOMEM, "out of memory");
	ix->rs = rs;
	ix->track_codes = track_codes;
	*out = ix;
	return 0;
}

void yb_rl_index_free(yb_rl_index *ix)
{
	if (!ix)
		return;
	arena_free(&ix->strs);
	arena_free(&ix->code_strs);
	free(ix->past);
	free(ix->il);
	free(ix->ans);
	free(ix->codes);
	free(ix);
}

void yb_rl_index_reset(yb_rl_index *ix)
{
	ix->n_past = 0;
	ix->n_il = 0;
	arena_reset(&ix->strs);
}

size_t yb_rl_index_size(const yb_rl_index *ix)
{
	return ix->n_past;
}

/* ------------------------------------------------------------- codes */

static code_rec *code_slot(yb_rl_index *ix, const char *code, int create)
{
	size_t j;

	if (create && (ix->n_codes + 1) * 2 > ix->cap_codes) {
		size_t cap = ix->cap_codes ? ix->cap_codes * 2 : 1024, i;
		code_rec *v = calloc(cap, sizeof(*v));
		if (!v)
			return NULL;
		for (i = 0; i < ix->cap_codes; i++)
			if (ix->codes[i].code) {
				size_t k = yb_rl_hash(ix->codes[i].code) & (cap - 1);
				while (v[k].code)
					k = (k + 1) & (cap - 1);
				v[k] = ix->codes[i];
			}
		free(ix->codes);
		ix->codes = v;
		ix->cap_codes = cap;
	}
	if (!ix->cap_codes)
		return NULL;
	j = yb_rl_hash(code) & (ix->cap_codes - 1);
	while (ix->codes[j].code) {
		if (!strcmp(ix->codes[j].code, code))
			return &ix->codes[j];
		j = (j + 1) & (ix->cap_codes - 1);
	}
	if (!create)
		return NULL;
	if (!(ix->codes[j].code = arena_str(&ix->code_strs, code)))
		return NULL;
	memset(&ix->codes[j].t, 0, sizeof(ix->codes[j].t));
	ix->n_codes++;
	return &ix->codes[j];
}

int yb_rl_index_stock(yb_rl_index *ix, const char *code, const char *med_list_codg,
		      int64_t pack_qty)
{
	code_rec *c = code_slot(ix, code, 1);

	if (!c || !(c->t.med_list_codg = arena_str(&ix->code_strs, med_list_codg)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	c->t.pack_qty = pack_qty;
	return 0;
}

/* ------------------------------------------------------------- add */

int yb_rl_index_add(yb_rl_index *ix, const yb_rl_setl *s)
{
	yb_date day = yb_datetime_date(s->begntime);
	past_rec *r;
	size_t i;

	if (grow((void **)&ix->past, &ix->cap_past, ix->n_past + 1, sizeof(*ix->past)) < 0)
		return YB_ENOMEM;
	r = &ix->past[ix->n_past];
	memset(r, 0, sizeof(*r));
	if (!(r->p.setl_id = arena_str(&ix->strs, s->setl_id)) ||
	    !(r->p.mdtrt_id = arena_str(&ix->strs, s->mdtrt_id ? s->mdtrt_id : "")) ||
	    !(r->p.fixmedins_code = arena_str(&ix->strs, s->fixmedins_code)) ||
	    !(r->psn_no = arena_str(&ix->strs, s->psn_no)))
		return yb_error_set(YB_ENOMEM, "out of memory");
	r->p.med_type = s->med_type;
	r->p.begn = day;
	r->p.end = s->endtime ? yb_datetime_date(s->endtime) : day;
	r->p.fingerprint = yb_rules_fingerprint(s->lines, s->n_lines);
	r->p.medfee_sumamt = s->medfee_sumamt;
	ix->n_past++;
	for (i = 0; i < s->n_lines; i++) {
		const yb_rl_line *ln = &s->lines[i];
		yb_date d = ln->fee_ocur_time ? yb_datetime_date(ln->fee_ocur_time) : day;
		if (yb_ruleset_tracks_item(ix->rs, ln->med_list_codg)) {
			iline *l;
			if (grow((void **)&ix->il, &ix->cap_il, ix->n_il + 1, sizeof(*ix->il)) < 0)
				return YB_ENOMEM;
			l = &ix->il[ix->n_il];
			l->psn_no = r->psn_no;
			if (!(l->codg = arena_str(&ix->strs, ln->med_list_codg)))
				return yb_error_set(YB_ENOMEM, "out of memory");
			l->day = d;
			l->cnt = ln->cnt;
			ix->n_il++;
		}
		if (ix->track_codes && ln->drug_trac_codg && *ln->drug_trac_codg) {
			code_rec *c = code_slot(ix, ln->drug_trac_codg, 1);
			const char *sid, *fix;
			if (!c || !(sid = arena_str(&ix->code_strs, s->setl_id)) ||
			    !(fix = arena_str(&ix->code_strs, s->fixmedins_code)))
				return yb_error_set(YB_ENOMEM, "out of memory");
			yb_rl_trac_update(&c->t, ln, sid, fix, d);
		}
	}
	return 0;
}

/* ------------------------------------------------------------- view */

static int v_settlements(void *ctx, const char *psn_no, yb_date from, yb_date to,
			 const yb_rl_past **out, size_t *n)
{
	yb_rl_index *ix = ctx;
	size_t i, k = 0;

	for (i = 0; i < ix->n_past; i++) {
		const past_rec *r = &ix->past[i];
		if (r->p.begn > to || r->p.end < from || strcmp(r->psn_no, psn_no))
			continue;
		if (grow((void **)&ix->ans, &ix->cap_ans, k + 1, sizeof(*ix->ans)) < 0)
			return YB_ENOMEM;
		ix->ans[k++] = r->p;
	}
	*out = ix->ans;
	*n = k;
	return 0;
}

static int v_item_cnt(void *ctx, const char *psn_no, const char *codg, yb_date from,
		      yb_date to, int64_t *cnt)
{
	yb_rl_index *ix = ctx;
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < ix->n_il; i++) {
		const iline *l = &ix->il[i];
		if (l->day >= from && l->day <= to && !strcmp(l->codg, codg) &&
		    !strcmp(l->psn_no, psn_no))
			sum += l->cnt;
	}
	*cnt = sum;
	return 0;
}

static int v_trac(void *ctx, const char *code, const char *fixmedins_code, yb_rl_trac *out)
{
	yb_rl_index *ix = ctx;
	code_rec *c = code_slot(ix, code, 0);

	(void)fixmedins_code;
	if (c)
		*out = c->t;
	else
		memset(out, 0, sizeof(*out));
	return 0;
}

void yb_rl_index_view(yb_rl_index *ix, yb_rules_history *h)
{
	memset(h, 0, sizeof(*h));
	h->ctx = ix;
	h->settlements = v_settlements;
	h->item_cnt = v_item_cnt;
	if (ix->track_codes)
		h->trac = v_trac;
}
