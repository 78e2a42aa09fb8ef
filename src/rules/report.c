/* The auditor's report of a batch screen: one self-contained HTML file
 * (inline CSS and SVG, no script, no network), built from the aggregates
 * that screen.c kept while it wrote the findings. */
#include "yibao/rules.h"
#include "yibao/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screen_impl.h"

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

static void money(FILE *f, yb_money v)
{
	char b[40], o[60];
	size_t n = yb_decimal_format(b, v, YB_SCALE_MONEY), i, k = 0, int_len, start = 0;

	/* thousands separators: 1,234,567.89 */
	if (b[0] == '-') {
		o[k++] = '-';
		start = 1;
	}
	int_len = (size_t)(strchr(b, '.') - b) - start;
	for (i = start; i < n; i++) {
		size_t pos = i - start;
		if (pos < int_len && pos > 0 && (int_len - pos) % 3 == 0)
			o[k++] = ',';
		o[k++] = b[i];
	}
	o[k] = '\0';
	fputs(o, f);
}

static void count(FILE *f, uint64_t v)
{
	char b[32], o[48];
	int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v), i, k = 0;

	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			o[k++] = ',';
		o[k++] = b[i];
	}
	o[k] = '\0';
	fputs(o, f);
}

/* One table cell of text, in <code> when code. */
static void cell(FILE *f, const char *s, int code)
{
	fputs(code ? "<td><code>" : "<td>", f);
	esc(f, s);
	fputs(code ? "</code></td>" : "</td>", f);
}

/* The S1 cells of a row: settlements, recovery, fine up to, both. */
static void s1_cells(FILE *f, const char *tag, uint64_t n, yb_money rec, int mult)
{
	fprintf(f, "<%s class=\"n\">", tag);
	count(f, n);
	fprintf(f, "</%s><%s class=\"n\">", tag, tag);
	money(f, rec);
	fprintf(f, "</%s><%s class=\"n\">", tag, tag);
	money(f, rec * mult);
	fprintf(f, "</%s><%s class=\"n\">", tag, tag);
	money(f, rec * (mult + 1));
	fprintf(f, "</%s>", tag);
}

/* A horizontal bar chart: labels and values (fen), largest first. */
static void bars(FILE *f, const char *title, const char *const *labels, const yb_money *v, int n)
{
	yb_money max = 1;
	int i, h = 26 * n + 30;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	fprintf(f, "<figure><svg viewBox=\"0 0 760 %d\" width=\"760\" height=\"%d\" role=\"img\" aria-label=\"", h, h);
	esc(f, title);
	fputs("\">\n", f);
	for (i = 0; i < n; i++) {
		long w = (long)((v[i] * 420) / max);
		int y = 10 + i * 26;
		fprintf(f, "<text x=\"190\" y=\"%d\" text-anchor=\"end\" class=\"l\">", y + 15);
		esc(f, labels[i]);
		fprintf(f, "</text><rect x=\"200\" y=\"%d\" width=\"%ld\" height=\"18\" class=\"b\"/>"
			   "<text x=\"%ld\" y=\"%d\" class=\"v\">", y, w < 1 ? 1 : w, 206 + w, y + 15);
		money(f, v[i]);
		fputs("</text>\n", f);
	}
	fputs("</svg><figcaption>", f);
	esc(f, title);
	fputs("</figcaption></figure>\n", f);
}

static const char CSS[] =
	"body{font:14px/1.45 -apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',sans-serif;"
	"margin:2em auto;max-width:1100px;color:#1b1f24;padding:0 1em}"
	"h1{font-size:22px;margin-bottom:.2em}h2{font-size:17px;margin-top:2em;border-bottom:1px solid #ccd;"
	"padding-bottom:.2em}.sub{color:#57606a}"
	"table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{border-bottom:1px solid #e3e6ea;"
	"padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f5f8}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #dde;border-radius:6px;"
	"padding:10px 14px;min-width:150px}.card b{display:block;font-size:20px}"
	"svg .b{fill:#c0392b}svg .l{font-size:12px;fill:#333}svg .v{font-size:12px;fill:#333}"
	"figure{margin:1em 0}figcaption{color:#57606a;font-size:12px}"
	".sev1{color:#b00020;font-weight:600}.sev2{color:#b35900}.sev3{color:#555}"
	"@media print{body{margin:0}h2{page-break-after:avoid}}";

static int by_amt_desc(const void *a, const void *b, const yb_money *v)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return v[x] < v[y] ? 1 : v[x] > v[y] ? -1 : (x > y) - (x < y);
}

static const yb_money *sort_key;
static int cmp_rule(const void *a, const void *b) { return by_amt_desc(a, b, sort_key); }

int sc_report(screen *sc, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t nr = yb_ruleset_count(sc->rs), i, ni = sc->fix.n;
	uint32_t *ord = NULL;
	yb_money *inst_amt = NULL, *vals = NULL, s1_rec = 0;
	const char **labels = NULL;
	uint64_t s1_n = 0, flagged_inst = 0;
	int mult = sc->fine_multiplier ? sc->fine_multiplier : 5, k, rc = 0;
	char day[32];
	time_t t = time(NULL);

	if (!f)
		return yb_error_set(YB_ERROR, "%s: %s", path, strerror(errno));
	ord = calloc((nr > ni ? nr : ni) + 1, sizeof(*ord));
	inst_amt = calloc(ni + 1, sizeof(*inst_amt));
	vals = calloc((nr > ni ? nr : ni) + 1, sizeof(*vals));
	labels = calloc((nr > ni ? nr : ni) + 1, sizeof(*labels));
	if (!ord || !inst_amt || !vals || !labels) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M", localtime(&t));
	for (i = 0; i < ni; i++) {
		inst_amt[i] = sc->inst[i].vola_amt;
		s1_rec += sc->inst[i].s1_recovery;
		s1_n += sc->inst[i].s1_n;
		flagged_inst += sc->inst[i].findings > 0;
	}

	fputs("<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	      "<title>医保基金监管筛查报告 Fund screening report</title><style>", f);
	fputs(CSS, f);
	fputs("</style></head><body>\n<h1>医保基金监管筛查报告 · Fund supervision screening</h1>\n", f);
	fprintf(f, "<p class=\"sub\">Generated by <code>yibao screen</code> on %s from <code>", day);
	esc(f, sc->o->in_dir);
	fputs("</code> with the rules of <code>", f);
	esc(f, sc->o->rules_dir);
	fputs("</code>. Persons are masked (first 3 and last 2 characters kept). Every finding is a "
	      "suspicion for review, not a verdict (S4).</p>\n", f);

	/* summary cards */
	fputs("<div class=\"cards\">", f);
	fputs("<div class=\"card\">Settlements screened<b>", f);
	count(f, sc->st->judged);
	fputs("</b></div><div class=\"card\">Fee lines<b>", f);
	count(f, sc->st->lines);
	fputs("</b></div><div class=\"card\">Medical fees screened (yuan)<b>", f);
	money(f, sc->st->medfee_sumamt);
	fputs("</b></div><div class=\"card\">Findings<b>", f);
	count(f, sc->st->findings);
	fputs("</b></div><div class=\"card\">Suspect amount (yuan)<b>", f);
	money(f, sc->st->vola_amt);
	fputs("</b></div><div class=\"card\">Institutions with findings<b>", f);
	count(f, flagged_inst);
	fputs("</b></div></div>\n", f);

	/* by rule */
	fputs("<h2>By rule</h2>\n<table><tr><th>Rule</th><th>Name</th><th>Severity</th><th>Action</th>"
	      "<th class=\"n\">Findings</th><th class=\"n\">Suspect amount</th><th class=\"n\">Fund share</th></tr>\n", f);
	for (i = 0; i < nr; i++)
		ord[i] = (uint32_t)i;
	sort_key = sc->rule_amt;
	qsort(ord, nr, sizeof(*ord), cmp_rule);
	for (i = 0; i < nr; i++) {
		const yb_rule *r = yb_ruleset_at(sc->rs, ord[i]);
		fputs("<tr><td><code>", f);
		esc(f, r->id);
		fputs("</code></td><td>", f);
		esc(f, r->name);
		fprintf(f, "</td><td class=\"sev%d\">%d</td><td>%s</td><td class=\"n\">", r->sev_deg, r->sev_deg,
			r->action == YB_ACT_REFUSE ? "refuse" : "warn");
		count(f, sc->rule_n[ord[i]]);
		fputs("</td><td class=\"n\">", f);
		money(f, sc->rule_amt[ord[i]]);
		fputs("</td><td class=\"n\">", f);
		money(f, sc->rule_fund[ord[i]]);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	for (k = 0, i = 0; i < nr && k < 14; i++)
		if (sc->rule_amt[ord[i]] > 0) {
			labels[k] = yb_ruleset_at(sc->rs, ord[i])->id;
			vals[k++] = sc->rule_amt[ord[i]];
		}
	if (k)
		bars(f, "Suspect amount by rule (yuan)", labels, vals, k);

	/* by institution */
	for (i = 0; i < ni; i++)
		ord[i] = (uint32_t)i;
	sort_key = inst_amt;
	qsort(ord, ni, sizeof(*ord), cmp_rule);
	fputs("<h2>Institutions with the most suspect money</h2>\n<table><tr><th>#</th><th>Institution</th>"
	      "<th class=\"n\">Level</th><th class=\"n\">Settlements</th><th class=\"n\">Medical fees</th>"
	      "<th class=\"n\">Findings</th><th class=\"n\">Suspect amount</th><th class=\"n\">Share of fees</th></tr>\n", f);
	for (i = 0, k = 0; i < ni && k < 30; i++) {
		const sc_inst *in = &sc->inst[ord[i]];
		if (!in->findings)
			break;
		fprintf(f, "<tr><td>%d</td><td><code>", ++k);
		esc(f, sc->fix.s[ord[i]]);
		fputs("</code> ", f);
		esc(f, in->name);
		fprintf(f, "</td><td class=\"n\">%d</td><td class=\"n\">", in->hosp_lv);
		count(f, in->judged);
		fputs("</td><td class=\"n\">", f);
		money(f, in->medfee);
		fputs("</td><td class=\"n\">", f);
		count(f, in->findings);
		fputs("</td><td class=\"n\">", f);
		money(f, in->vola_amt);
		fprintf(f, "</td><td class=\"n\">%.2f%%</td></tr>\n",
			in->medfee > 0 ? 100.0 * (double)in->vola_amt / (double)in->medfee : 0.0);
	}
	fputs("</table>\n", f);
	for (i = 0, k = 0; i < ni && k < 12 && sc->inst[ord[i]].findings; i++) {
		labels[k] = sc->fix.s[ord[i]];
		vals[k++] = sc->inst[ord[i]].vola_amt;
	}
	if (k)
		bars(f, "Suspect amount by institution, top 12 (yuan)", labels, vals, k);

	/* S1 penalties */
	fprintf(f, "<h2>S1 duplicate settlements: recovery and fines</h2>\n<p>Recovery is the fund's "
		"share of each duplicate or overlapping settlement (its medical fees where the fund's share "
		"is not in the data). The fine is up to <b>%d&times;</b> the recovery (the rule file's "
		"<code>fine_multiplier</code>; Tongxin county fined 328,500 on 65,700 recovered).</p>\n", mult);
	fputs("<table><tr><th>Institution</th><th class=\"n\">Settlements</th><th class=\"n\">Recovery</th>"
	      "<th class=\"n\">Fine up to</th><th class=\"n\">Recovery + fine up to</th></tr>\n", f);
	for (i = 0; i < ni; i++) {
		const sc_inst *in = &sc->inst[ord[i]];
		if (!in->s1_n)
			continue;
		fputs("<tr><td><code>", f);
		esc(f, sc->fix.s[ord[i]]);
		fputs("</code> ", f);
		esc(f, in->name);
		fputs("</td>", f);
		s1_cells(f, "td", in->s1_n, in->s1_recovery, mult);
		fputs("</tr>\n", f);
	}
	fputs("<tr><th>Total</th>", f);
	s1_cells(f, "th", s1_n, s1_rec, mult);
	fputs("</tr></table>\n", f);

	/* largest findings */
	fputs("<h2>Largest findings</h2>\n<table><tr><th>Rule</th><th>Institution</th><th>Person</th>"
	      "<th>Settlement</th><th>Date</th><th>What</th><th class=\"n\">Amount</th></tr>\n", f);
	for (k = 0; k < sc->n_top; k++) {
		const sc_top *tp = &sc->top[k];
		fputs("<tr>", f);
		cell(f, tp->rule->id, 1);
		cell(f, sc->fix.s[tp->fix], 1);
		cell(f, tp->psn, 1);
		cell(f, tp->setl_id, 1);
		cell(f, tp->date, 0);
		cell(f, tp->cont, 0);
		fputs("<td class=\"n\">", f);
		money(f, tp->amt);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);

	/* S4 sample */
	if (sc->o->sample_path) {
		char share[16];
		yb_decimal_format_trim(share, sc->o->sample_bp, 2, 0);
		fprintf(f, "<h2>S4 re-review sample</h2>\n<p>%s%% of each institution's settlements (rounded up), "
			"drawn with seed %llu: <b>", share, (unsigned long long)sc->o->seed);
		count(f, sc->st->sampled);
		fputs("</b> settlements in <code>", f);
		esc(f, sc->o->sample_path);
		fputs("</code>. The same seed and data draw the same sample.</p>\n", f);
	}
	fprintf(f, "<p class=\"sub\">%llu settlements and %llu fee lines read (%llu coded); %llu stock codes; "
		"%d partitions.</p>\n</body></html>\n",
		(unsigned long long)sc->st->settlements, (unsigned long long)sc->st->lines,
		(unsigned long long)sc->st->coded_lines, (unsigned long long)sc->st->stock, sc->st->partitions);
done:
	if (fclose(f) != 0 && rc == 0)
		rc = yb_error_set(YB_ERROR, "%s: %s", path, strerror(errno));
	free(ord);
	free(inst_amt);
	free(vals);
	free(labels);
	return rc;
}
