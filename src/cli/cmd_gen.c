/* yibao gen --persons N --seed S --out DIR [--fraud-rate R] [--visits V] [--rules DIR]
 *
 * A synthetic city for screening (docs/rules.md, "The file set"):
 * institutions of each kind and level, persons of each insurance type, a
 * year (2024) of visits and stays with 5-20 fee lines, drug lines with
 * traceability codes and the stock file that maps codes to products, and
 * truth.jsonl: the fraud injected, one case per chosen person, cycling over
 * every rule type so that each type appears.
 *
 * Clean data obeys every rule of the rules folder (the generator reads the
 * same rules and checks each rule-limited item before it bills it), so a
 * screen of --fraud-rate 0 finds nothing, and every injected case is found.
 * Deterministic: the same arguments write the same bytes. */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/rules.h"
#include "yibao/ledger.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define YEAR 2024
#define MAX_EVENTS 256
#define MAX_LINES 24

/* ================================================================ rng */

static uint64_t rng_s;

static uint64_t rnd(void)
{
	uint64_t z = (rng_s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rn(int n) /* 0..n-1 */
{
	return n > 0 ? (int)(rnd() % (uint64_t)n) : 0;
}

static int chance(int per_mille)
{
	return rn(1000) < per_mille;
}

/* ============================================================ output */

typedef struct gout {
	FILE *f;
	char *b;
	size_t len, cap;
	const char *path;
	int err;
} gout;

static int out_open(gout *o, const char *dir, const char *name, char *pathbuf, size_t n)
{
	snprintf(pathbuf, n, "%s/%s", dir, name);
	memset(o, 0, sizeof(*o));
	o->path = pathbuf;
	o->cap = 1 << 20;
	if (!(o->b = malloc(o->cap)))
		return -1;
	if (!(o->f = fopen(pathbuf, "w"))) {
		cli_error("gen: %s: %s", pathbuf, strerror(errno));
		return -1;
	}
	return 0;
}

static void flush(gout *o)
{
	if (o->len && fwrite(o->b, 1, o->len, o->f) != o->len)
		o->err = 1;
	o->len = 0;
}

static void put(gout *o, const char *s, size_t n)
{
	if (o->len + n > o->cap)
		flush(o);
	if (n > o->cap) {
		if (fwrite(s, 1, n, o->f) != n)
			o->err = 1;
		return;
	}
	memcpy(o->b + o->len, s, n);
	o->len += n;
}

static void puts_(gout *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putc_(gout *o, char c)
{
	if (o->len + 1 > o->cap)
		flush(o);
	o->b[o->len++] = c;
}

static void put_u(gout *o, uint64_t v, int width)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < width);
	while (n)
		putc_(o, t[--n]);
}

static void put_dec(gout *o, int64_t v, int scale, int trim)
{
	char t[40];
	size_t n = trim ? yb_decimal_format_trim(t, v, scale, 0) : yb_decimal_format(t, v, scale);
	put(o, t, n);
}

static void put_time(gout *o, yb_datetime t)
{
	char b[24];
	yb_datetime_format(b, t);
	put(o, b, 19);
}

static void put_date(gout *o, yb_date d)
{
	char b[12];
	yb_date_format(b, d);
	put(o, b, 10);
}

static int out_close(gout *o)
{
	int rc = 0;
	flush(o);
	if (o->f && (fclose(o->f) != 0 || o->err)) {
		cli_error("gen: %s: write failed", o->path);
		rc = -1;
	}
	free(o->b);
	return rc;
}

/* ========================================================= catalogue */

typedef struct gitem {
	const char *codg, *name;
	int64_t price;  /* fen (drugs: a box) */
	int pack;       /* drugs: units per box; 0 services */
	const char *lv; /* chrgitm_lv */
	int role;       /* 0 general, 1 inpatient only */
} gitem;

/* Services and drugs in the shape of the national lists (demo prices). */
static const gitem ITEMS[] = {
	{"110200001", "普通门诊诊查费", 1500, 0, "01", 0},
	{"250101015", "血细胞分析", 2500, 0, "01", 0},
	{"250101001", "血红蛋白测定", 800, 0, "01", 0},
	{"250301001", "尿常规", 1200, 0, "01", 0},
	{"250203001", "肝功能", 6000, 0, "01", 0},
	{"250203035", "肾功能", 4500, 0, "01", 0},
	{"210102015", "X线计算机体层(CT)平扫", 18000, 0, "02", 0},
	{"220600001", "彩色多普勒超声", 12000, 0, "02", 0},
	{"310701001", "常规心电图", 2500, 0, "01", 0},
	{"120400001", "静脉输液", 1500, 0, "01", 0},
	{"120100001", "注射", 500, 0, "01", 0},
	{"311201001", "针刺", 3000, 0, "02", 0},
	{"340100001", "康复评定", 6000, 0, "02", 0},
	{"250302004", "糖化血红蛋白测定", 5000, 0, "01", 0},
	{"310905016", "电子胃镜检查", 26000, 0, "02", 0},
	{"210103021", "磁共振平扫", 45000, 0, "02", 0},
	{"250310025", "总前列腺特异性抗原测定", 8000, 0, "01", 0},
	{"311000016", "前列腺按摩", 4000, 0, "02", 0},
	{"270800004", "宫颈细胞学检查", 15000, 0, "02", 0},
	{"311201014", "阴道镜检查", 20000, 0, "02", 0},
	{"120400006", "小儿头皮静脉输液", 2000, 0, "01", 0},
	{"310100035", "小儿智力测定", 6000, 0, "02", 0},
	{"110900001", "床位费", 5000, 0, "01", 1},
	{"120100002", "护理费", 3000, 0, "01", 1},
	{"310701002", "床边心电图", 3500, 0, "01", 1},
	{"XC09AAK063A001010104328", "卡托普利片", 1250, 100, "01", 0},
	{"XA10BAE054A001010100683", "盐酸二甲双胍片", 960, 48, "01", 0},
	{"XC10AAA126A001010101445", "阿托伐他汀钙片", 1890, 28, "01", 0},
	{"XJ01CRA229A001010100512", "阿莫西林克拉维酸钾片", 2340, 12, "02", 0},
	{"XR05CBA072A001010203904", "氨溴索口服溶液", 1500, 10, "02", 0},
	{"XN02BEA012A001010100119", "对乙酰氨基酚片", 620, 20, "01", 0},
	{"XA02BCA211A001010101234", "奥美拉唑肠溶胶囊", 1480, 14, "01", 0},
	{"XC08CAA111A001010101111", "苯磺酸氨氯地平片", 1120, 28, "01", 0},
	{"XJ01DDA163A001010102222", "头孢克肟胶囊", 2860, 6, "02", 0},
	{"XM01AEA071A001010103333", "布洛芬缓释胶囊", 980, 20, "01", 0},
	{"ZA01AAA0201010100123", "感冒清热颗粒", 1650, 10, "02", 0},
	{"ZA04BAA0111010100456", "复方丹参滴丸", 2680, 180, "02", 0},
};
#define N_ITEMS (int)(sizeof(ITEMS) / sizeof(ITEMS[0]))
#define FIRST_DRUG 25

static int item_by_code(const char *codg)
{
	int i;
	for (i = 0; i < N_ITEMS; i++)
		if (!strcmp(ITEMS[i].codg, codg))
			return i;
	return -1;
}

/* Rule facts per item, from the rules folder. */
typedef struct limits {
	char gend;
	int min_age, max_age, min_level;
	int indication;             /* a rule of indication names it */
	const yb_rule *ind;
	const yb_rule *qty[4];
	int n_qty;
	const yb_rule *excl[4];
	int n_excl;
	int limited;                /* named by any rule */
} limits;

static limits LIM[N_ITEMS];

static void read_limits(const yb_ruleset *rs)
{
	size_t i;
	int k, it;

	memset(LIM, 0, sizeof(LIM));
	for (it = 0; it < N_ITEMS; it++)
		LIM[it].min_age = LIM[it].max_age = -1;
	for (i = 0; i < yb_ruleset_count(rs); i++) {
		const yb_rule *r = yb_ruleset_at(rs, i);
		for (k = 0; k < r->n_items; k++) {
			limits *l;
			if ((it = item_by_code(r->items[k])) < 0)
				continue;
			l = &LIM[it];
			l->limited = 1;
			switch (r->type) {
			case YB_RT_ITEM_GENDER: l->gend = r->gend; break;
			case YB_RT_ITEM_AGE: l->min_age = r->min_age; l->max_age = r->max_age; break;
			case YB_RT_ITEM_LEVEL: if (r->min_level > l->min_level) l->min_level = r->min_level; break;
			case YB_RT_ITEM_INDICATION: l->indication = 1; l->ind = r; break;
			case YB_RT_ITEM_QUANTITY: if (l->n_qty < 4) l->qty[l->n_qty++] = r; break;
			case YB_RT_ITEM_EXCLUSIVE: if (l->n_excl < 4) l->excl[l->n_excl++] = r; break;
			default: break;
			}
		}
	}
}

/* ======================================================= institutions */

typedef struct inst {
	char code[16];
	int type, lv, prim;
	const char *kind;
} inst;

static inst *INST;
static int N_INST;
static int *by_kind[3]; /* 0 hospitals/clinics lv>=1 or 0, 1 pharmacies */
static int n_hosp, n_pharm, n_low, n_high;
static int *hosp_idx, *pharm_idx, *low_idx, *high_idx;

static void make_institutions(int n)
{
	int i;
	static const char *const region[] = {"340602", "340603", "340604", "340621"};

	INST = calloc((size_t)n, sizeof(*INST));
	hosp_idx = calloc((size_t)n, sizeof(int));
	pharm_idx = calloc((size_t)n, sizeof(int));
	low_idx = calloc((size_t)n, sizeof(int));
	high_idx = calloc((size_t)n, sizeof(int));
	(void)by_kind;
	(void)region;
	for (i = 0; i < n; i++) {
		inst *in = &INST[i];
		int k = i % 20; /* 1 level-3, 3 level-2, 5 level-1, 3 unrated, 8 pharmacies */
		if (k == 0) { in->type = 1; in->lv = 3; in->kind = "三级医院"; }
		else if (k <= 3) { in->type = 1; in->lv = 2; in->kind = "二级医院"; }
		else if (k <= 8) { in->type = 1; in->lv = 1; in->prim = 1; in->kind = "社区卫生服务中心"; }
		else if (k <= 11) { in->type = 1; in->lv = 0; in->prim = 1; in->kind = "村卫生室"; }
		else { in->type = 2; in->lv = 0; in->kind = "定点零售药店"; }
		snprintf(in->code, sizeof(in->code), "%c3406%07d", in->type == 2 ? 'P' : 'H', i + 1);
		if (in->type == 1) {
			hosp_idx[n_hosp++] = i;
			if (in->lv >= 2)
				high_idx[n_high++] = i;
			else
				low_idx[n_low++] = i;
		} else {
			pharm_idx[n_pharm++] = i;
		}
	}
	N_INST = n;
}

/* ============================================================ persons */

typedef struct line {
	int item;
	int64_t cnt;      /* scale 4 */
	int64_t pric;     /* scale 6 */
	yb_money amt;
	yb_datetime t;
	char code[24];    /* "" none */
	int trdn;
} line;

typedef struct event {
	int inst;
	int med_type;
	yb_date begn, end;   /* end = begn outpatient */
	yb_datetime begntime, endtime;
	const char *dise;
	line lines[MAX_LINES];
	int n;
	int dup_of;          /* copy of this event (-1) */
	int order;           /* creation order, for ties */
	long setl_no;
} event;

typedef struct person {
	long idx;
	char psn_no[20];
	char gend;
	yb_date brdy;
	int insutype;
	const char *psn_type;
	const char *chronic;  /* dise of a chronic condition or NULL */
	event ev[MAX_EVENTS];
	int n_ev;
	/* rule-limited items billed: (day, item, cnt) */
	struct { yb_date day; int item; int64_t cnt; } used[512];
	int n_used;
} person;

typedef struct truth {
	int ev, line;       /* line -1: the settlement */
	const yb_rule *rule;
} truth;

/* state shared across persons */
typedef struct gen {
	const yb_ruleset *rs;
	gout setl, fee, trac, truthf, psn;
	uint64_t code_serial;
	long setl_serial;
	/* split packs open at each pharmacy, per drug */
	struct { char code[24]; int left; } *open; /* [N_INST * N_ITEMS] */
	/* recently sold whole boxes, for cross-person reuse */
	struct { char code[24]; int item; yb_date day; } ring[1024];
	int n_ring;
	long fraud_cycle;
	int fraud_rate_pm;   /* per 100000 */
	long counts[YB_RT_COUNT + 4];
	long lines_out;
	truth tr[16];
	int n_tr;
} gen;

static yb_date D0, D1; /* the year */

static int age_on(const person *p, yb_date d)
{
	return yb_age(p->brdy, d);
}

static void new_code(gen *g, int item, char *out24)
{
	/* 20 digits: "8", the product (2), a serial (17) */
	snprintf(out24, 24, "8%02d%017llu", item % 100, (unsigned long long)++g->code_serial);
}

static void stock(gen *g, const char *code, int item, int inst_i, yb_date day)
{
	puts_(&g->trac, code);
	putc_(&g->trac, ',');
	puts_(&g->trac, ITEMS[item].codg);
	putc_(&g->trac, ',');
	put_u(&g->trac, (uint64_t)ITEMS[item].pack, 1);
	putc_(&g->trac, ',');
	puts_(&g->trac, INST[inst_i].code);
	putc_(&g->trac, ',');
	put_date(&g->trac, day - 10 - rn(60));
	putc_(&g->trac, '\n');
}

static int used_cnt(const person *p, int item, yb_date from, yb_date to)
{
	int64_t s = 0;
	int i;
	for (i = 0; i < p->n_used; i++)
		if (p->used[i].item == item && p->used[i].day >= from && p->used[i].day <= to)
			s += p->used[i].cnt;
	return (int)(s / 10000);
}

/* May this clean visit bill `item` once (cnt 1) on day d? */
static int item_ok(const person *p, const event *e, int item, yb_date d)
{
	const limits *l = &LIM[item];
	int k, j;

	if (!l->limited)
		return 1;
	if (l->gend && p->gend != l->gend)
		return 0;
	if (l->min_age >= 0 && age_on(p, d) < l->min_age)
		return 0;
	if (l->max_age >= 0 && age_on(p, d) > l->max_age)
		return 0;
	if (l->min_level && INST[e->inst].lv < l->min_level)
		return 0;
	if (l->indication) {
		int ok = 0;
		for (k = 0; k < l->ind->n_prefixes; k++)
			if (e->dise && !strncmp(e->dise, l->ind->prefixes[k], strlen(l->ind->prefixes[k])))
				ok = 1;
		if (!ok)
			return 0;
	}
	for (k = 0; k < l->n_qty; k++) {
		const yb_rule *r = l->qty[k];
		int have = 0;
		if (r->max_cnt < 10000)
			return 0;
		for (j = 0; j < e->n; j++)
			if (e->lines[j].item == item)
				have++;
		if (r->period == YB_PERIOD_DAY)
			have += used_cnt(p, item, d, d);
		else if (r->period == YB_PERIOD_YEAR)
			have += used_cnt(p, item, D0, D1);
		else if (r->period == YB_PERIOD_DAYS)
			have += used_cnt(p, item, d - r->period_days + 1, d + r->period_days - 1);
		if ((int64_t)(have + 1) * 10000 > r->max_cnt)
			return 0;
	}
	for (k = 0; k < l->n_excl; k++) {
		const yb_rule *r = l->excl[k];
		int q;
		for (q = 0; q < r->n_items; q++) {
			int other = item_by_code(r->items[q]);
			if (other < 0 || other == item)
				continue;
			for (j = 0; j < e->n; j++)
				if (e->lines[j].item == other)
					return 0;
			if (r->scope == YB_SCOPE_DAY && used_cnt(p, other, d, d) > 0)
				return 0;
		}
	}
	/* the same item twice in a visit: never */
	for (j = 0; j < e->n; j++)
		if (e->lines[j].item == item)
			return 0;
	return 1;
}

static void use(person *p, int item, yb_date d, int64_t cnt)
{
	if (LIM[item].limited && p->n_used < 512) {
		p->used[p->n_used].day = d;
		p->used[p->n_used].item = item;
		p->used[p->n_used].cnt = cnt;
		p->n_used++;
	}
}

static line *add_line(event *e, int item, int64_t cnt, yb_datetime t)
{
	line *l = &e->lines[e->n++];
	int ovf = 0;
	memset(l, 0, sizeof(*l));
	l->item = item;
	l->cnt = cnt;
	l->pric = ITEMS[item].price * 10000;
	l->amt = yb_muldiv_round(l->pric, cnt, 100000000, &ovf);
	l->t = t;
	return l;
}

/* A drug line: whole box with a new code, or (pharmacies) split units of
 * an open pack. Before codes are required some lines carry none. */
/* flags: 1 split sales allowed (pharmacies), 2 remember the code for reuse */
static void add_drug(gen *g, event *e, int item, yb_date d, int flags)
{
	const gitem *it = &ITEMS[item];
	line *l;
	int ovf = 0;

	if ((flags & 1) && it->pack >= 4 && chance(150)) {
		int k = 1 + rn(it->pack / 4), slot = e->inst * N_ITEMS + item;
		l = add_line(e, item, (int64_t)k * 10000, e->begntime);
		l->pric = it->price * 10000 / it->pack;
		l->amt = yb_muldiv_round(it->price, k, it->pack, &ovf);
		if (l->amt < 1)
			l->amt = 1;
		l->trdn = 1;
		if (g->open[slot].left < k) {
			new_code(g, item, g->open[slot].code);
			g->open[slot].left = it->pack;
			stock(g, g->open[slot].code, item, e->inst, d);
		}
		g->open[slot].left -= k;
		memcpy(l->code, g->open[slot].code, sizeof(l->code));
		return;
	}
	l = add_line(e, item, 10000, e->begntime);
	if (d < yb_date_from_ymd(YEAR, 7, 1) && chance(150))
		return; /* no code yet: allowed before codes are required */
	new_code(g, item, l->code);
	stock(g, l->code, item, e->inst, d);
	if (!(flags & 2))
		return;
	if (g->n_ring < 1024) {
		memcpy(g->ring[g->n_ring].code, l->code, 24);
		g->ring[g->n_ring].item = item;
		g->ring[g->n_ring++].day = d;
	} else if (chance(50)) {
		int r = rn(1024);
		memcpy(g->ring[r].code, l->code, 24);
		g->ring[r].item = item;
		g->ring[r].day = d;
	}
}

static const char *const ACUTE[] = {"J06.900", "K29.700", "M54.500", "J20.900", "R51.x00"};

/* Clean lines for an outpatient visit (safe: only items without rules). */
static void fill_outpatient(gen *g, person *p, event *e, int safe)
{
	int n = 5 + rn(16), tries = 0, drugs;
	yb_date d = e->begn;

	if (INST[e->inst].type == 2) {
		while (e->n < n && tries++ < 80) {
			int it = FIRST_DRUG + rn(N_ITEMS - FIRST_DRUG), j, dup = 0;
			for (j = 0; j < e->n; j++)
				dup |= e->lines[j].item == it && !e->lines[j].trdn;
			if (!dup || chance(300))
				add_drug(g, e, it, d, 3);
		}
		return;
	}
	/* consultation first */
	if (item_ok(p, e, 0, d)) {
		add_line(e, 0, 10000, e->begntime);
		use(p, 0, d, 10000);
	}
	drugs = n / 2;
	while (e->n < n - drugs && tries++ < 60) {
		int it = 1 + rn(FIRST_DRUG - 1);
		if (ITEMS[it].role == 1 || (safe && LIM[it].limited) || !item_ok(p, e, it, d))
			continue;
		add_line(e, it, 10000, e->begntime);
		use(p, it, d, 10000);
	}
	tries = 0;
	while (e->n < n && tries++ < 60) {
		int it = FIRST_DRUG + rn(N_ITEMS - FIRST_DRUG), j, dup = 0;
		for (j = 0; j < e->n; j++)
			dup |= e->lines[j].item == it;
		if (!dup)
			add_drug(g, e, it, d, 2);
	}
}

static void fill_stay(gen *g, person *p, event *e)
{
	int days = e->end - e->begn, n = 5 + rn(16), it;
	yb_date d;
	line *l;

	l = add_line(e, 22, (int64_t)days * 10000, e->begntime); /* bed days */
	(void)l;
	add_line(e, 23, (int64_t)days * 10000, e->begntime);
	/* bedside ECG inside the stay, never on the edge days (an outpatient
	 * visit may share those) */
	d = e->begn + 1;
	if (item_ok(p, e, 24, d)) {
		add_line(e, 24, 10000, (yb_datetime)d * 86400 + 9 * 3600);
		use(p, 24, d, 10000);
	}
	while (e->n < n) {
		int k = e->n;
		it = FIRST_DRUG + rn(N_ITEMS - FIRST_DRUG);
		add_drug(g, e, it, e->begn, 0);
		e->lines[k].t = (yb_datetime)(e->begn + 1 + k % (days > 1 ? days - 1 : 1)) * 86400 + 9 * 3600;
		if (e->n < n && chance(300)) {
			it = 3 + rn(3); /* urine, liver, kidney: unlimited */
			add_line(e, it, 10000, (yb_datetime)(e->begn + 1) * 86400 + 8 * 3600);
		}
	}
}

/* ============================================================ events */

static event *new_event(person *p, int inst_i, int med_type, yb_date b, yb_date e_day)
{
	event *e;

	if (p->n_ev >= MAX_EVENTS)
		return NULL;
	e = &p->ev[p->n_ev];
	memset(e, 0, sizeof(*e));
	e->inst = inst_i;
	e->med_type = med_type;
	e->begn = b;
	e->end = e_day;
	e->begntime = (yb_datetime)b * 86400 + (8 + rn(9)) * 3600 + rn(60) * 60;
	e->endtime = med_type >= 21 && med_type <= 29 ? (yb_datetime)e_day * 86400 + 10 * 3600 : 0;
	if (e->endtime)
		e->begntime = (yb_datetime)b * 86400 + 10 * 3600;
	e->dup_of = -1;
	e->order = p->n_ev;
	p->n_ev++;
	return e;
}

/* Is day d free for a new outpatient visit: no visit that day and not
 * inside or on the edge of a stay? */
static int day_free(const person *p, yb_date d)
{
	int i;
	for (i = 0; i < p->n_ev; i++)
		if (d >= p->ev[i].begn && d <= p->ev[i].end)
			return 0;
	return 1;
}

static int free_day(const person *p, yb_date lo, yb_date hi, yb_date *out)
{
	int t;
	if (hi < lo)
		return 0;
	for (t = 0; t < 60; t++) {
		yb_date d = lo + rn(hi - lo + 1);
		if (day_free(p, d)) {
			*out = d;
			return 1;
		}
	}
	return 0;
}

static int stay_of(const person *p)
{
	int i;
	for (i = 0; i < p->n_ev; i++)
		if (p->ev[i].med_type == 21 && p->ev[i].dup_of < 0)
			return i;
	return -1;
}

static int pick(const int *v, int n)
{
	return v[rn(n)];
}

/* The clean year of a person. */
static void make_person(gen *g, person *p, int want_stay, int mean_visits)
{
	int n = 1 + rn(2 * mean_visits - 1), i;
	yb_date days[MAX_EVENTS];
	int nd = 0;

	p->n_ev = 0;
	p->n_used = 0;
	if (want_stay || chance(50)) {
		int len = 3 + rn(10);
		yb_date b = D0 + rn(365 - len - 20);
		event *e = new_event(p, pick(hosp_idx, n_hosp), 21, b, b + len);
		if (INST[e->inst].lv == 0)
			e->inst = pick(high_idx, n_high);
		e->dise = p->chronic ? p->chronic : ACUTE[rn(5)];
		fill_stay(g, p, e);
	}
	for (i = 0; i < n && nd < MAX_EVENTS / 2; i++) {
		yb_date d;
		if (free_day(p, D0, D1, &d)) {
			int j, dupday = 0;
			for (j = 0; j < nd; j++)
				dupday |= days[j] == d;
			if (!dupday)
				days[nd++] = d;
		}
	}
	/* chronological, so that windows of quantity rules see the past */
	for (i = 1; i < nd; i++) {
		yb_date v = days[i];
		int j = i;
		while (j > 0 && days[j - 1] > v) {
			days[j] = days[j - 1];
			j--;
		}
		days[j] = v;
	}
	for (i = 0; i < nd; i++) {
		int pharmacy = chance(200), inst_i = pharmacy ? pick(pharm_idx, n_pharm) : pick(hosp_idx, n_hosp);
		int mt = pharmacy ? 41 : (p->chronic && chance(300) ? 14 : 11);
		event *e = new_event(p, inst_i, mt, days[i], days[i]);
		if (!e)
			break;
		e->dise = pharmacy ? "" : p->chronic && mt == 14 ? p->chronic : chance(300) && p->chronic ? p->chronic : ACUTE[rn(5)];
		if (p->gend == '1' && !pharmacy && chance(40))
			e->dise = "N40.x00";
		if (p->gend == '2' && !pharmacy && chance(40))
			e->dise = "N76.000";
		fill_outpatient(g, p, e, 0);
	}
}

/* ========================================================= injection */

enum {
	F_DUP, F_DUP_STAY, F_OVERLAP, F_OE5, F_READMIT, F_GEND, F_AGE, F_LEVEL, F_IND, F_QTY,
	F_EXCL, F_REUSE_X, F_REUSE_SPLIT, F_REUSE_2PH, F_SWAP, F_MISSING, F_N
};
static const char *const FNAME[F_N] = {"dup_settlement", "dup_stay", "overlap_stay", "outpatient_in_stay",
	"readmission", "item_gender", "item_age", "item_level", "item_indication", "item_quantity",
	"item_exclusive", "trac_reuse", "trac_reuse_split", "trac_reuse_two_pharmacies", "trac_swap",
	"trac_missing"};

static const yb_rule *rule_of(const gen *g, int type, int (*ok)(const yb_rule *, const person *),
			      const person *p)
{
	size_t i;
	for (i = 0; i < yb_ruleset_count(g->rs); i++) {
		const yb_rule *r = yb_ruleset_at(g->rs, i);
		if (r->type == type && r->from <= (type == YB_RT_TRAC_MISSING ? D1 : D0) && r->to >= D1 && (!ok || ok(r, p)) &&
		    (r->n_items == 0 || item_by_code(r->items[0]) >= 0))
			return r;
	}
	return NULL;
}

static int gend_ok(const yb_rule *r, const person *p) { return r->gend != p->gend; }
static int age_ok(const yb_rule *r, const person *p)
{
	return r->max_age >= 0 && yb_age(p->brdy, D0) > r->max_age;
}
static int qty_ok(const yb_rule *r, const person *p)
{
	(void)p;
	return (r->period == YB_PERIOD_VISIT || r->period == YB_PERIOD_DAY) &&
	       !LIM[item_by_code(r->items[0])].indication;
}

static void mark(gen *g, int ev, int line_i, const yb_rule *r)
{
	if (r && g->n_tr < 16) {
		g->tr[g->n_tr].ev = ev;
		g->tr[g->n_tr].line = line_i;
		g->tr[g->n_tr].rule = r;
		g->n_tr++;
	}
}

/* A new clean outpatient visit on a free day in [lo, hi] at inst_i. */
static event *new_visit(gen *g, person *p, int inst_i, yb_date lo, yb_date hi, const char *dise)
{
	yb_date d;
	event *e;

	if (!free_day(p, lo, hi, &d) || !(e = new_event(p, inst_i, INST[inst_i].type == 2 ? 41 : 11, d, d)))
		return NULL;
	e->dise = dise ? dise : INST[inst_i].type == 2 ? "" : ACUTE[rn(5)];
	fill_outpatient(g, p, e, 1);
	return e;
}

/* Adds one line of `item` to e; returns its index. */
static int add_item(event *e, int item, int64_t cnt)
{
	if (e->n >= MAX_LINES)
		e->n = MAX_LINES - 1;
	add_line(e, item, cnt, e->begntime);
	return e->n - 1;
}

static int inject(gen *g, person *p, int kind)
{
	const yb_rule *r;
	event *e, *s;
	int si, li, it;
	yb_date d;

	switch (kind) {
	case F_DUP:
	case F_DUP_STAY: {
		int i, cand = -1;
		if (!(r = rule_of(g, YB_RT_DUP_SETTLEMENT, NULL, p)))
			return 0;
		for (i = 0; i < p->n_ev; i++) {
			event *x = &p->ev[i];
			int split = 0, j;
			for (j = 0; j < x->n; j++) {
				const limits *l = &LIM[x->lines[j].item];
				int q;
				split |= x->lines[j].trdn;
				for (q = 0; q < l->n_qty; q++)
					split |= l->qty[q]->period == YB_PERIOD_YEAR || l->qty[q]->period == YB_PERIOD_DAYS;
			}
			if (split || INST[x->inst].type != 1 || (kind == F_DUP) != (x->med_type < 21))
				continue;
			cand = i;
			break;
		}
		if (cand < 0 || p->n_ev >= MAX_EVENTS)
			return 0;
		e = &p->ev[p->n_ev];
		*e = p->ev[cand];
		e->dup_of = cand;
		e->order = p->n_ev++;
		mark(g, (int)(e - p->ev), -1, r);
		return 1;
	}
	case F_OVERLAP:
		if (!(r = rule_of(g, YB_RT_OVERLAP_STAY, NULL, p)) || (si = stay_of(p)) < 0)
			return 0;
		s = &p->ev[si];
		if (s->end - s->begn < 3)
			return 0;
		it = pick(hosp_idx, n_hosp);
		if (it == s->inst || INST[it].lv == 0)
			it = pick(high_idx, n_high);
		if (it == s->inst)
			return 0;
		if (!(e = new_event(p, it, 21, s->begn + 1, s->end - 1)))
			return 0;
		e->dise = s->dise;
		fill_stay(g, p, e);
		mark(g, (int)(e - p->ev), -1, r);
		return 1;
	case F_OE5:
		if (!(r = rule_of(g, YB_RT_OUTPATIENT_IN_STAY, NULL, p)) || (si = stay_of(p)) < 0)
			return 0;
		s = &p->ev[si];
		d = s->begn + 1 + rn(s->end - s->begn - 1);
		if (!(e = new_event(p, pick(low_idx, n_low), 11, d, d)))
			return 0;
		e->dise = ACUTE[rn(5)];
		fill_outpatient(g, p, e, 1);
		mark(g, (int)(e - p->ev), -1, r);
		return 1;
	case F_READMIT: {
		int k;
		if (!(r = rule_of(g, YB_RT_READMISSION, NULL, p)) || (si = stay_of(p)) < 0)
			return 0;
		s = &p->ev[si];
		for (k = 1 + rn(r->days); k <= r->days; k++) {
			yb_date b = s->end + k, x;
			int ok = b + 4 <= D1;
			for (x = b; ok && x <= b + 3; x++)
				ok = day_free(p, x);
			if (!ok)
				continue;
			if (!(e = new_event(p, s->inst, 21, b, b + 3)))
				return 0;
			e->dise = s->dise;
			fill_stay(g, p, e);
			mark(g, (int)(e - p->ev), -1, r);
			return 1;
		}
		return 0;
	}
	case F_GEND:
	case F_AGE:
	case F_LEVEL:
	case F_IND:
	case F_QTY:
	case F_EXCL: {
		static const int type[] = {YB_RT_ITEM_GENDER, YB_RT_ITEM_AGE, YB_RT_ITEM_LEVEL,
					   YB_RT_ITEM_INDICATION, YB_RT_ITEM_QUANTITY, YB_RT_ITEM_EXCLUSIVE};
		int t = type[kind - F_GEND];
		r = rule_of(g, t, t == YB_RT_ITEM_GENDER ? gend_ok : t == YB_RT_ITEM_AGE ? age_ok
				 : t == YB_RT_ITEM_QUANTITY ? qty_ok : NULL, p);
		if (!r || (t == YB_RT_ITEM_INDICATION && p->chronic && p->chronic[0] == 'E'))
			return 0;
		it = item_by_code(r->items[0]);
		if (!(e = new_visit(g, p, t == YB_RT_ITEM_LEVEL ? pick(low_idx, n_low) : pick(hosp_idx, n_hosp),
				    D0, D1, t == YB_RT_ITEM_INDICATION ? "J06.900" : NULL)))
			return 0;
		if (t == YB_RT_ITEM_LEVEL && INST[e->inst].lv >= r->min_level)
			return 0;
		if (t == YB_RT_ITEM_QUANTITY) {
			li = add_item(e, it, r->max_cnt + 10000);
		} else if (t == YB_RT_ITEM_EXCLUSIVE) {
			int other = item_by_code(r->items[1]);
			if (other < 0)
				return 0;
			add_item(e, it, 10000);
			li = add_item(e, other, 10000);
		} else {
			li = add_item(e, it, 10000);
		}
		mark(g, (int)(e - p->ev), li, r);
		return 1;
	}
	case F_REUSE_X: {
		int k = g->n_ring ? rn(g->n_ring) : -1;
		if (!(r = rule_of(g, YB_RT_TRAC_REUSE, NULL, p)) || k < 0 || g->ring[k].day >= D1)
			return 0;
		if (!(e = new_visit(g, p, pick(pharm_idx, n_pharm), g->ring[k].day + 1, D1, NULL)))
			return 0;
		li = add_item(e, g->ring[k].item, 10000);
		memcpy(e->lines[li].code, g->ring[k].code, 24);
		mark(g, (int)(e - p->ev), li, r);
		return 1;
	}
	case F_REUSE_SPLIT: {
		char code[24];
		int pack;
		line *l;
		if (!(r = rule_of(g, YB_RT_TRAC_REUSE, NULL, p)))
			return 0;
		if (!(e = new_visit(g, p, pick(pharm_idx, n_pharm), D0, D1, NULL)))
			return 0;
		it = FIRST_DRUG + 1; /* metformin, pack 48 */
		pack = ITEMS[it].pack;
		new_code(g, it, code);
		stock(g, code, it, e->inst, e->begn);
		l = &e->lines[add_item(e, it, (int64_t)(pack - 1) * 10000)];
		l->trdn = 1;
		memcpy(l->code, code, 24);
		li = add_item(e, it, 30000);
		e->lines[li].trdn = 1;
		memcpy(e->lines[li].code, code, 24);
		mark(g, (int)(e - p->ev), li, r);
		return 1;
	}
	case F_REUSE_2PH: {
		char code[24];
		event *e2;
		int a = pick(pharm_idx, n_pharm), b = pick(pharm_idx, n_pharm);
		if (!(r = rule_of(g, YB_RT_TRAC_REUSE, NULL, p)) || a == b)
			return 0;
		if (!(e = new_visit(g, p, a, D0, D0 + 180, NULL)) || !(e2 = new_visit(g, p, b, D0 + 181, D1, NULL)))
			return 0;
		it = FIRST_DRUG + 2;
		new_code(g, it, code);
		stock(g, code, it, a, e->begn);
		li = add_item(e, it, 20000);
		e->lines[li].trdn = 1;
		memcpy(e->lines[li].code, code, 24);
		li = add_item(e2, it, 20000);
		e2->lines[li].trdn = 1;
		memcpy(e2->lines[li].code, code, 24);
		mark(g, (int)(e2 - p->ev), li, r);
		return 1;
	}
	case F_SWAP: {
		char code[24];
		if (!(r = rule_of(g, YB_RT_TRAC_SWAP, NULL, p)))
			return 0;
		if (!(e = new_visit(g, p, pick(pharm_idx, n_pharm), D0, D1, NULL)))
			return 0;
		new_code(g, FIRST_DRUG + 5, code); /* paracetamol recorded ... */
		stock(g, code, FIRST_DRUG + 5, e->inst, e->begn);
		li = add_item(e, FIRST_DRUG + 8, 10000); /* ... billed as cefixime */
		memcpy(e->lines[li].code, code, 24);
		mark(g, (int)(e - p->ev), li, r);
		return 1;
	}
	case F_MISSING:
		if (!(r = rule_of(g, YB_RT_TRAC_MISSING, NULL, p)) || r->from > D1)
			return 0;
		if (!(e = new_visit(g, p, pick(hosp_idx, n_hosp), r->from > D0 ? r->from : D0, D1, NULL)))
			return 0;
		li = add_item(e, FIRST_DRUG + 3, 10000); /* no code */
		mark(g, (int)(e - p->ev), li, r);
		return 1;
	}
	return 0;
}

/* ============================================================ writing */

static int ev_cmp(const void *a, const void *b)
{
	const event *x = a, *y = b;
	if (x->begntime != y->begntime)
		return x->begntime < y->begntime ? -1 : 1;
	return x->order - y->order;
}

static void write_person(gen *g, person *p)
{
	int i, j, k, map[MAX_EVENTS];
	static const int ratio[] = {6000, 7000, 5500};
	int ri = p->insutype == 310 ? (!strcmp(p->psn_type, "1201") ? 1 : 0) : 2;
	char fpsn[24];

	for (i = 0; i < p->n_ev; i++)
		p->ev[i].setl_no = i; /* remember creation index */
	qsort(p->ev, (size_t)p->n_ev, sizeof(p->ev[0]), ev_cmp);
	for (i = 0; i < p->n_ev; i++)
		map[p->ev[i].setl_no] = i;
	snprintf(fpsn, sizeof(fpsn), "%s", p->psn_no);
	for (i = 0; i < p->n_ev; i++) {
		event *e = &p->ev[i];
		yb_money sum = 0;
		long no = ++g->setl_serial, mno = e->dup_of >= 0 ? no + 500000000000L : no;
		e->setl_no = no;
		for (j = 0; j < e->n; j++)
			sum += e->lines[j].amt;
		/* setl.csv */
		putc_(&g->setl, 'S');
		put_u(&g->setl, (uint64_t)no, 12);
		puts_(&g->setl, ",M");
		put_u(&g->setl, (uint64_t)mno, 12);
		putc_(&g->setl, ',');
		puts_(&g->setl, fpsn);
		putc_(&g->setl, ',');
		putc_(&g->setl, p->gend);
		putc_(&g->setl, ',');
		put_date(&g->setl, p->brdy);
		putc_(&g->setl, ',');
		put_u(&g->setl, (uint64_t)p->insutype, 1);
		putc_(&g->setl, ',');
		puts_(&g->setl, INST[e->inst].code);
		putc_(&g->setl, ',');
		put_u(&g->setl, (uint64_t)e->med_type, 2);
		putc_(&g->setl, ',');
		put_time(&g->setl, e->begntime);
		putc_(&g->setl, ',');
		if (e->endtime)
			put_time(&g->setl, e->endtime);
		putc_(&g->setl, ',');
		puts_(&g->setl, e->dise ? e->dise : "");
		putc_(&g->setl, ',');
		put_dec(&g->setl, sum, 2, 0);
		putc_(&g->setl, ',');
		put_dec(&g->setl, sum * ratio[ri] / 10000, 2, 0);
		puts_(&g->setl, ",F");
		put_u(&g->setl, (uint64_t)(e->dup_of >= 0 ? no + 900000000000L : no), 12);
		putc_(&g->setl, '\n');
		/* fee.csv */
		for (j = 0; j < e->n; j++) {
			line *l = &e->lines[j];
			putc_(&g->fee, 'S');
			put_u(&g->fee, (uint64_t)no, 12);
			putc_(&g->fee, ',');
			put_u(&g->fee, (uint64_t)j + 1, 1);
			putc_(&g->fee, ',');
			puts_(&g->fee, ITEMS[l->item].codg);
			putc_(&g->fee, ',');
			put_time(&g->fee, l->t);
			putc_(&g->fee, ',');
			put_dec(&g->fee, l->cnt, 4, 1);
			putc_(&g->fee, ',');
			put_dec(&g->fee, l->pric, 6, 1);
			putc_(&g->fee, ',');
			put_dec(&g->fee, l->amt, 2, 0);
			putc_(&g->fee, ',');
			puts_(&g->fee, l->code);
			putc_(&g->fee, ',');
			putc_(&g->fee, l->trdn ? '1' : '0');
			putc_(&g->fee, '\n');
		}
		g->lines_out += e->n;
	}
	/* truth */
	for (k = 0; k < g->n_tr; k++) {
		const truth *t = &g->tr[k];
		const event *e = &p->ev[map[t->ev]];
		puts_(&g->truthf, "{\"rule_id\":\"");
		puts_(&g->truthf, t->rule->id);
		puts_(&g->truthf, "\",\"type\":\"");
		puts_(&g->truthf, yb_rule_type_name(t->rule->type));
		puts_(&g->truthf, "\",\"setl_id\":\"S");
		put_u(&g->truthf, (uint64_t)e->setl_no, 12);
		if (t->line >= 0) {
			puts_(&g->truthf, "\",\"feedetl_sn\":\"");
			put_u(&g->truthf, (uint64_t)t->line + 1, 1);
		}
		puts_(&g->truthf, "\",\"psn_no\":\"");
		puts_(&g->truthf, p->psn_no);
		puts_(&g->truthf, "\",\"fixmedins_code\":\"");
		puts_(&g->truthf, INST[e->inst].code);
		puts_(&g->truthf, "\"}\n");
	}
}

/* An 18-character ID number with its ISO 7064 check character. */
static void certno(char *out, const person *p)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char chk[] = "10X98765432";
	int y, m, d, i, s = 0;

	yb_date_to_ymd(p->brdy, &y, &m, &d);
	snprintf(out, 19, "340602%04d%02d%02d%03d", y, m, d, (int)(p->idx % 500) * 2 + (p->gend == '1'));
	for (i = 0; i < 17; i++)
		s += (out[i] - '0') * w[i];
	out[17] = chk[s % 11];
	out[18] = '\0';
}

static void write_psn(gen *g, const person *p, const person *prev_emp)
{
	char cert[20];
	gout *o = &g->psn;

	certno(cert, p);
	puts_(o, "{\"kind\":\"psn\",\"psn_no\":\"");
	puts_(o, p->psn_no);
	puts_(o, "\",\"certno\":\"");
	puts_(o, cert);
	puts_(o, "\",\"psn_name\":\"参保人");
	put_u(o, (uint64_t)p->idx, 1);
	puts_(o, "\",\"gend\":\"");
	putc_(o, p->gend);
	puts_(o, "\",\"brdy\":\"");
	put_date(o, p->brdy);
	puts_(o, "\",\"insutype\":\"");
	put_u(o, (uint64_t)p->insutype, 1);
	puts_(o, "\",\"psn_type\":\"");
	puts_(o, p->psn_type);
	puts_(o, "\",\"insu_admdvs\":\"340600\",\"begndate\":\"2024-01-01\",\"enddate\":\"2024-12-31\",\"acct_balc\":");
	put_dec(o, p->insutype == 310 ? 50000 + rn(200000) : 0, 2, 0);
	puts_(o, "}\n");
	if (prev_emp && p->insutype == 390) {
		puts_(o, "{\"kind\":\"mulaid\",\"initiator_psn_no\":\"");
		puts_(o, prev_emp->psn_no);
		puts_(o, "\",\"bound_psn_no\":\"");
		puts_(o, p->psn_no);
		puts_(o, "\",\"bind_time\":\"2024-01-05 10:00:00\"}\n");
	}
}

/* fixmedins.csv: the institutions again, for SQL engines that read CSV. */
static void write_inst_csv(gout *o)
{
	int i;
	puts_(o, "fixmedins_code,fixmedins_type,hosp_lv\n");
	for (i = 0; i < N_INST; i++) {
		puts_(o, INST[i].code);
		putc_(o, ',');
		putc_(o, (char)('0' + INST[i].type));
		putc_(o, ',');
		putc_(o, (char)('0' + INST[i].lv));
		putc_(o, '\n');
	}
}

static void write_city(gout *o)
{
	int i;
	for (i = 0; i < N_INST; i++) {
		const inst *in = &INST[i];
		puts_(o, "{\"kind\":\"fixmedins\",\"fixmedins_code\":\"");
		puts_(o, in->code);
		puts_(o, "\",\"fixmedins_name\":\"");
		puts_(o, in->kind);
		put_u(o, (uint64_t)i + 1, 1);
		puts_(o, "\",\"fixmedins_type\":\"");
		putc_(o, (char)('0' + in->type));
		puts_(o, "\",\"hosp_lv\":\"");
		putc_(o, (char)('0' + in->lv));
		puts_(o, "\",\"prim_flag\":\"");
		putc_(o, (char)('0' + in->prim));
		puts_(o, "\",\"admdvs\":\"340602\"}\n");
	}
	for (i = 0; i < N_ITEMS; i++) {
		const gitem *it = &ITEMS[i];
		puts_(o, "{\"kind\":\"catalogue\",\"med_list_codg\":\"");
		puts_(o, it->codg);
		puts_(o, "\",\"med_list_name\":\"");
		puts_(o, it->name);
		puts_(o, "\",\"chrgitm_lv\":\"");
		puts_(o, it->lv);
		puts_(o, "\",\"selfpay_prop\":");
		puts_(o, !strcmp(it->lv, "02") ? "0.1" : "0");
		puts_(o, ",\"pric_uplmt_amt\":999999,\"begndate\":\"2024-01-01\"}\n");
	}
}

/* ============================================================== main */

/* The rules folder, also found beside the policies folder. */
static int rules_dir_of(char *out, size_t n)
{
	char pol[4096];
	return yb_rules_dir(out, n, yb_policy_dir(pol, sizeof(pol)) == 0 ? pol : NULL);
}

static const char USAGE[] =
	"usage: yibao gen --persons N --seed S --out DIR [--fraud-rate R] [--visits V] [--rules DIR]";

int cmd_gen(int argc, char **argv)
{
	long persons = 0, i;
	uint64_t seed = 1;
	const char *dir = NULL, *rules_dir = NULL;
	char rules_buf[4096], p1[1100], p2[1100], p3[1100], p4[1100], p5[1100], p6[1100], p7[1100];
	int mean_visits = 6, i_arg, rc = 0, n_inst;
	int64_t rate = 0; /* scale 6 */
	yb_ruleset *rs = NULL;
	gen *g = NULL;
	person *p = NULL, *prev_emp = NULL, *pp = NULL;
	int bound = 0;
	gout city, icsv;

	for (i_arg = 1; i_arg < argc; i_arg++) {
		const char *a = argv[i_arg], *v = i_arg + 1 < argc ? argv[i_arg + 1] : NULL;
		char *end = NULL;
		if (!v) {
			cli_error("gen: '%s' needs a value\n%s", a, USAGE);
			return 2;
		}
		i_arg++;
		if (!strcmp(a, "--persons"))
			persons = strtol(v, &end, 10);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, &end, 10);
		else if (!strcmp(a, "--visits"))
			mean_visits = (int)strtol(v, &end, 10);
		else if (!strcmp(a, "--out"))
			dir = v;
		else if (!strcmp(a, "--rules"))
			rules_dir = v;
		else if (!strcmp(a, "--fraud-rate")) {
			if (yb_decimal_parse(&rate, v, strlen(v), 6) < 0 || rate < 0 || rate > 1000000) {
				cli_error("gen: --fraud-rate: not a share between 0 and 1");
				return 2;
			}
		} else {
			cli_error("gen: unknown option '%s'\n%s", a, USAGE);
			return 2;
		}
		if (end && *end) {
			cli_error("gen: %s: not a number", a);
			return 2;
		}
	}
	if (!dir || persons <= 0 || mean_visits < 1 || mean_visits > 60) {
		cli_error("gen: --persons (> 0) and --out are required; --visits 1..60\n%s", USAGE);
		return 2;
	}
	if (!rules_dir) {
		if (rules_dir_of(rules_buf, sizeof(rules_buf)) < 0) {
			cli_error("gen: %s", yb_error_msg());
			return 2;
		}
		rules_dir = rules_buf;
	}
	if (yb_rules_load_dir(&rs, rules_dir) < 0) {
		cli_error("gen: %s", yb_error_msg());
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		cli_error("gen: %s: %s", dir, strerror(errno));
		yb_ruleset_free(rs);
		return 1;
	}
	rng_s = seed * 0x2545f4914f6cdd1dull + 1;
	D0 = yb_date_from_ymd(YEAR, 1, 1);
	D1 = yb_date_from_ymd(YEAR, 12, 31);
	read_limits(rs);
	n_inst = (int)(persons / 250);
	if (n_inst < 40)
		n_inst = 40;
	if (n_inst > 20000)
		n_inst = 20000;
	make_institutions(n_inst);
	g = calloc(1, sizeof(*g));
	p = calloc(1, sizeof(*p));
	pp = calloc(1, sizeof(*pp));
	if (!g || !p || !pp || !(g->open = calloc((size_t)n_inst * N_ITEMS, sizeof(*g->open)))) {
		cli_error("gen: out of memory");
		rc = 1;
		goto done;
	}
	g->rs = rs;
	if (out_open(&city, dir, "city.jsonl", p1, sizeof(p1)) < 0 ||
	    out_open(&g->psn, dir, "persons.jsonl", p2, sizeof(p2)) < 0 ||
	    out_open(&g->setl, dir, "setl.csv", p3, sizeof(p3)) < 0 ||
	    out_open(&g->fee, dir, "fee.csv", p4, sizeof(p4)) < 0 ||
	    out_open(&g->trac, dir, "trac.csv", p5, sizeof(p5)) < 0 ||
	    out_open(&g->truthf, dir, "truth.jsonl", p6, sizeof(p6)) < 0 ||
	    out_open(&icsv, dir, "fixmedins.csv", p7, sizeof(p7)) < 0) {
		rc = 1;
		goto done;
	}
	write_city(&city);
	write_inst_csv(&icsv);
	puts_(&g->setl, "setl_id,mdtrt_id,psn_no,gend,brdy,insutype,fixmedins_code,med_type,begntime,endtime,"
			"dise_codg,medfee_sumamt,fund_pay_sumamt,invono\n");
	puts_(&g->fee, "setl_id,feedetl_sn,med_list_codg,fee_ocur_time,cnt,pric,det_item_fee_sumamt,"
		       "drug_trac_codg,trdn_flag\n");
	puts_(&g->trac, "drug_trac_codg,med_list_codg,pack_qty,fixmedins_code,purc_date\n");
	for (i = 0; i < persons; i++) {
		int kind = -1, u = rn(100), fraud;
		memset(p, 0, offsetof(person, ev));
		p->idx = i + 1;
		snprintf(p->psn_no, sizeof(p->psn_no), "3406%010ld", i + 1);
		p->gend = chance(500) ? '1' : '2';
		if (u < 35) {
			p->insutype = 310; p->psn_type = "1101";
			p->brdy = yb_date_from_ymd(1964 + rn(38), 1 + rn(12), 1 + rn(28));
		} else if (u < 50) {
			p->insutype = 310; p->psn_type = "1201";
			p->brdy = yb_date_from_ymd(1939 + rn(25), 1 + rn(12), 1 + rn(28));
		} else if (u < 85) {
			p->insutype = 390; p->psn_type = "1501";
			p->brdy = yb_date_from_ymd(1944 + rn(62), 1 + rn(12), 1 + rn(28));
		} else {
			p->insutype = 390; p->psn_type = "1401";
			p->brdy = yb_date_from_ymd(2010 + rn(13), 1 + rn(12), 1 + rn(28));
		}
		p->chronic = chance(100) ? "E11.900" : chance(150) ? "I10.x00" : NULL;
		fraud = rate > 0 && (int64_t)(rnd() % 1000000) < rate;
		if (fraud)
			kind = (int)(g->fraud_cycle++ % F_N);
		make_person(g, p, kind == F_DUP_STAY || kind == F_OVERLAP || kind == F_OE5 || kind == F_READMIT,
			    mean_visits);
		g->n_tr = 0;
		if (fraud) {
			int t;
			for (t = 0; t < F_N; t++)
				if (inject(g, p, (kind + t) % F_N)) {
					g->counts[(kind + t) % F_N]++;
					break;
				}
		}
		write_person(g, p);
		if (prev_emp && p->insutype == 390 && bound < 7 && chance(100)) {
			write_psn(g, p, prev_emp);
			bound++;
		} else {
			write_psn(g, p, NULL);
		}
		if (p->insutype == 310 && !strcmp(p->psn_type, "1101")) {
			bound = 0;
			person *t = prev_emp ? prev_emp : pp;
			memcpy(t, p, offsetof(person, ev));
			prev_emp = t;
		}
		if ((i & 4095) == 0) {
			flush(&g->setl);
			flush(&g->fee);
		}
	}
	if (out_close(&city) | out_close(&icsv) | out_close(&g->psn) | out_close(&g->setl) | out_close(&g->fee) |
	    out_close(&g->trac) | out_close(&g->truthf))
		rc = 1;
	fprintf(stderr, "gen: %ld persons, %d institutions, %ld settlements, %ld fee lines, %llu codes; fraud:",
		persons, n_inst, g->setl_serial, g->lines_out, (unsigned long long)g->code_serial);
	for (i = 0; i < F_N; i++)
		fprintf(stderr, " %s %ld", FNAME[i], g->counts[i]);
	fputc('\n', stderr);
done:
	if (g)
		free(g->open);
	free(g);
	free(p);
	free(pp);
	free(INST);
	free(hosp_idx);
	free(pharm_idx);
	free(low_idx);
	free(high_idx);
	yb_ruleset_free(rs);
	return rc;
}
