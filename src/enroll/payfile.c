/* The tax system's payment export (one line per payment) and its
 * reconciliation against the registered enrolments (N3, N4, N5).
 *
 * The file (docs/enrolment.md): UTF-8, an optional byte-order mark, a
 * header line naming the seven columns (in English or in the tax system's
 * Chinese), then one payment a line; LF or CRLF; RFC 4180 quoting, but a
 * quoted field may not hold a line break. Blank lines are skipped.
 *
 * Invariants of the parser:
 *  1. It never reads outside [text, text+len) and keeps no pointer into it.
 *  2. A malformed line is rejected on its own, with its line number, and the
 *     other lines are kept; only a bad header or too many lines fail the
 *     whole file.
 *  3. A pay_id appears once among the kept lines: a repeat is rejected and
 *     names the line it repeats. */
#include "enroll_int.h"
#include "yibao/error.h"
#include "yibao/mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096
#define NCOLS 7

static const char *const cols_en[NCOLS] = {"pay_id", "certno", "psn_name", "year",
	"amount", "paid_time", "channel"};
static const char *const cols_zh[NCOLS] = {"缴费凭证号", "证件号码", "姓名", "缴费年度",
	"缴费金额", "缴费时间", "缴费渠道"};

/* ------------------------------------------------------------- checks */

int yb_certno_valid(const char *s, size_t len)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[11] = "10X98765432";
	int sum = 0, i;
	char c;

	if (len != 18)
		return 0;
	for (i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	c = s[17] == 'x' ? 'X' : s[17];
	return c == check[sum % 11];
}

/* Valid UTF-8 without control characters. */
static int clean_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p;
		size_t k, i;
		unsigned cp;
		if (c < 0x20 || c == 0x7F)
			return 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 4, cp = c & 0x07;
		else
			return 0;
		if ((size_t)(end - p) < k)
			return 0;
		for (i = 1; i < k; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		p += k;
	}
	return 1;
}

/* ------------------------------------------------------------- fields */

typedef struct field {
	char text[MAX_LINE];
	size_t len;
} field;

/* Splits one line (without its end) into fields; returns the count or -1
 * with *err set. Unquoted fields are trimmed of spaces and tabs. */
static int split(const char *s, size_t n, field *f, int max, const char **err)
{
	size_t i = 0;
	int nf = 0;

	for (;;) {
		field *x;
		if (nf == max) {
			*err = "more than 7 fields";
			return -1;
		}
		x = &f[nf++];
		x->len = 0;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && s[i] == '"') {
			for (i++;; i++) {
				if (i >= n) {
					*err = "unterminated quoted field";
					return -1;
				}
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						x->text[x->len++] = '"';
						i++;
						continue;
					}
					i++;
					break;
				}
				x->text[x->len++] = s[i];
			}
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i < n && s[i] != ',') {
				*err = "text after a quoted field";
				return -1;
			}
		} else {
			while (i < n && s[i] != ',') {
				if (s[i] == '"') {
					*err = "a quote inside an unquoted field";
					return -1;
				}
				x->text[x->len++] = s[i++];
			}
			while (x->len && (x->text[x->len - 1] == ' ' || x->text[x->len - 1] == '\t'))
				x->len--;
		}
		x->text[x->len] = '\0';
		if (i >= n)
			return nf;
		i++; /* the comma */
	}
}

/* Only spaces and tabs (the text is not NUL-terminated: no strspn). */
static int blank(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* A plain amount: digits, optionally '.' and one or two digits. */
static int plain_amount(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	if (!dot)
		return all_digits(s, n);
	return all_digits(s, (size_t)(dot - s)) && n - (size_t)(dot - s) - 1 >= 1 &&
	       n - (size_t)(dot - s) - 1 <= 2 && all_digits(dot + 1, n - (size_t)(dot - s) - 1);
}

static int id_chars(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* Fills one payment from its fields; NULL or the reason it is rejected. */
static const char *read_line(yb_payline *p, const field *f)
{
	int64_t v;

	if (f[0].len == 0 || f[0].len >= YB_PAYID_MAX || !id_chars(f[0].text, f[0].len))
		return "pay_id: 1 to 40 letters, digits, '-' or '_'";
	memcpy(p->pay_id, f[0].text, f[0].len + 1);
	if (!yb_certno_valid(f[1].text, f[1].len))
		return "certno: not an 18-character ID number with a valid check character";
	memcpy(p->certno, f[1].text, 19);
	if (p->certno[17] == 'x')
		p->certno[17] = 'X';
	if (f[2].len == 0 || f[2].len >= YB_PSN_NAME_MAX || !clean_utf8(f[2].text, f[2].len))
		return "psn_name: 1 to 60 bytes of UTF-8 text";
	memcpy(p->psn_name, f[2].text, f[2].len + 1);
	if (f[3].len != 4 || !all_digits(f[3].text, 4) || yb_decimal_parse(&v, f[3].text, 4, 0) < 0 ||
	    v < 1900)
		return "year: not a year (YYYY)";
	p->year = (int)v;
	if (!plain_amount(f[4].text, f[4].len) || yb_decimal_parse(&v, f[4].text, f[4].len, YB_SCALE_MONEY) < 0 ||
	    v > 100000000)
		return "amount: not an amount from 0.00 to 1000000.00 (digits, at most 2 decimals)";
	p->amount = v;
	if ((f[5].len != 19 && f[5].len != 14) || yb_datetime_parse(&p->paid_time, f[5].text, f[5].len) < 0)
		return "paid_time: not a time (YYYY-MM-DD HH:MM:SS)";
	if (f[6].len == 0 || f[6].len >= YB_CHANNEL_MAX || !clean_utf8(f[6].text, f[6].len))
		return "channel: 1 to 32 bytes of UTF-8 text";
	memcpy(p->channel, f[6].text, f[6].len + 1);
	return NULL;
}

static int is_header(const field *f, int nf)
{
	int i, en = nf == NCOLS, zh = nf == NCOLS;

	for (i = 0; i < nf && i < NCOLS; i++) {
		en &= strcmp(f[i].text, cols_en[i]) == 0;
		zh &= strcmp(f[i].text, cols_zh[i]) == 0;
	}
	return en || zh;
}

/* -------------------------------------------------------------- parsing */

void yb_payfile_free(yb_payfile *f)
{
	if (!f)
		return;
	free(f->lines);
	free(f->rejected);
	memset(f, 0, sizeof(*f));
}

/* Records a rejected line; kept in line order by the callers. */
static int reject(yb_payfile *pf, size_t *cap, uint32_t line, const char *msg)
{
	if (pf->n_rejected == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		yb_payreject *r = realloc(pf->rejected, ncap * sizeof(*r));
		if (!r)
			return yb_error_set(YB_ENOMEM, "out of memory");
		pf->rejected = r;
		*cap = ncap;
	}
	pf->rejected[pf->n_rejected].line = line;
	snprintf(pf->rejected[pf->n_rejected].msg, sizeof(pf->rejected[0].msg), "%s", msg);
	pf->n_rejected++;
	return 0;
}

static int cmp_reject(const void *a, const void *b)
{
	uint32_t x = ((const yb_payreject *)a)->line, y = ((const yb_payreject *)b)->line;
	return (x > y) - (x < y);
}

/* Sorts the indices idx[0..n) stably by cmp (a merge sort: files are
 * large, and qsort has no context argument in C11). */
static void sort_idx(size_t *idx, size_t *tmp, size_t n,
		     int (*cmp)(size_t, size_t, const void *), const void *ctx)
{
	size_t w, i;

	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t a = i, am = i + w < n ? i + w : n, b = am;
			size_t bm = i + 2 * w < n ? i + 2 * w : n, o = i;
			while (a < am && b < bm)
				tmp[o++] = cmp(idx[a], idx[b], ctx) <= 0 ? idx[a++] : idx[b++];
			while (a < am)
				tmp[o++] = idx[a++];
			while (b < bm)
				tmp[o++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof(*idx));
	}
}

static int cmp_payid(size_t x, size_t y, const void *ctx)
{
	const yb_payline *l = ctx;
	return strcmp(l[x].pay_id, l[y].pay_id);
}

/* Rejects the later lines of a repeated pay_id and compacts the array. */
static int drop_repeats(yb_payfile *pf, size_t *rcap)
{
	size_t *idx, *tmp, i, n = pf->n, kept = 0;
	uint32_t *repeats; /* line of the first use, for a dropped line; else 0 */

	if (n < 2)
		return 0;
	idx = malloc(n * sizeof(*idx));
	tmp = malloc(n * sizeof(*tmp));
	repeats = calloc(n, sizeof(*repeats));
	if (!idx || !tmp || !repeats) {
		free(idx);
		free(tmp);
		free(repeats);
		return yb_error_set(YB_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		idx[i] = i;
	sort_idx(idx, tmp, n, cmp_payid, pf->lines);
	/* stable: in a run of one pay_id the first in the file comes first */
	for (i = 1; i < n; i++)
		if (strcmp(pf->lines[idx[i]].pay_id, pf->lines[idx[i - 1]].pay_id) == 0)
			repeats[idx[i]] = repeats[idx[i - 1]] ? repeats[idx[i - 1]] : pf->lines[idx[i - 1]].line;
	for (i = 0; i < n; i++) {
		if (repeats[i]) {
			char msg[160];
			snprintf(msg, sizeof(msg), "pay_id %s repeats line %u", pf->lines[i].pay_id, repeats[i]);
			if (reject(pf, rcap, pf->lines[i].line, msg) < 0) {
				free(idx);
				free(tmp);
				free(repeats);
				return YB_ENOMEM;
			}
			continue;
		}
		pf->lines[kept++] = pf->lines[i];
	}
	pf->n = kept;
	free(idx);
	free(tmp);
	free(repeats);
	return 0;
}

int yb_payfile_parse(yb_payfile *out, const char *text, size_t len,
		     const char *file, size_t max_lines)
{
	yb_payfile pf;
	field *f = NULL;
	size_t pos = 0, cap = 0, rcap = 0;
	uint32_t line = 0;
	int have_header = 0, rc = 0;

	memset(&pf, 0, sizeof(pf));
	if (!(f = malloc(NCOLS * sizeof(*f))))
		return yb_error_set(YB_ENOMEM, "out of memory");
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		const char *err = NULL;
		yb_payline p;
		int nf;

		pos += n + (nl ? 1 : 0);
		if (++line > max_lines) {
			rc = yb_error_set(YB_EINVALID, "%s:%u: more than %zu lines", file, line, max_lines);
			goto done;
		}
		if (n && s[n - 1] == '\r')
			n--;
		if (n > MAX_LINE - 1) {
			if (!have_header) {
				rc = yb_error_set(YB_EINVALID, "%s:%u: no header line (%s,...)", file, line, cols_en[0]);
				goto done;
			}
			if ((rc = reject(&pf, &rcap, line, "line longer than 4095 bytes")) < 0)
				goto done;
			continue;
		}
		if (memchr(s, '\0', n))
			err = "a NUL byte";
		else if (blank(s, n))
			continue;
		else if ((nf = split(s, n, f, NCOLS, &err)) >= 0 && !have_header) {
			if (!is_header(f, nf)) {
				rc = yb_error_set(YB_EINVALID, "%s:%u: the first line is not the header "
						  "pay_id,certno,psn_name,year,amount,paid_time,channel "
						  "(or 缴费凭证号,证件号码,姓名,缴费年度,缴费金额,缴费时间,缴费渠道)", file, line);
				goto done;
			}
			have_header = 1;
			continue;
		} else if (nf >= 0 && nf != NCOLS) {
			err = "not 7 fields";
		}
		if (!have_header) {
			rc = yb_error_set(YB_EINVALID, "%s:%u: the first line is not the header (%s)", file, line,
					  err ? err : "?");
			goto done;
		}
		memset(&p, 0, sizeof(p));
		if (!err)
			err = read_line(&p, f);
		if (err) {
			if ((rc = reject(&pf, &rcap, line, err)) < 0)
				goto done;
			continue;
		}
		p.line = line;
		if (pf.n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			yb_payline *l = realloc(pf.lines, ncap * sizeof(*l));
			if (!l) {
				rc = yb_error_set(YB_ENOMEM, "out of memory");
				goto done;
			}
			pf.lines = l;
			cap = ncap;
		}
		pf.lines[pf.n++] = p;
	}
	if (!have_header) {
		rc = yb_error_set(YB_EINVALID, "%s: empty: no header line", file);
		goto done;
	}
	if ((rc = drop_repeats(&pf, &rcap)) == 0 && pf.n_rejected > 1)
		qsort(pf.rejected, pf.n_rejected, sizeof(*pf.rejected), cmp_reject);
done:
	free(f);
	if (rc < 0) {
		yb_payfile_free(&pf);
		return rc;
	}
	*out = pf;
	return 0;
}

/* --------------------------------------------------------- reconciling */

void yb_payrecon_free(yb_payrecon *r)
{
	if (!r)
		return;
	free(r->lines);
	free(r->unpaid);
	free(r->unpaid_due);
	memset(r, 0, sizeof(*r));
}

/* certno equality with the check character in either case */
static int certno_cmp(const char *a, const char *b)
{
	size_t i;
	for (i = 0; a[i] || b[i]; i++) {
		char x = a[i] == 'x' ? 'X' : a[i], y = b[i] == 'x' ? 'X' : b[i];
		if (x != y)
			return (unsigned char)x < (unsigned char)y ? -1 : 1;
	}
	return 0;
}

typedef struct by_cert {
	const yb_enrolment *enr;
	size_t n;
	size_t *idx; /* enrolments sorted by certno */
} by_cert;

static int find_enrolment(const by_cert *bc, const char *certno)
{
	size_t lo = 0, hi = bc->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = certno_cmp(bc->enr[bc->idx[mid]].psn.certno, certno);
		if (c == 0)
			return (int)bc->idx[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int cmp_certno(size_t x, size_t y, const void *ctx)
{
	const yb_enrolment *e = ctx;
	return certno_cmp(e[x].psn.certno, e[y].psn.certno);
}

static int index_enrolments(by_cert *bc, size_t *tmp)
{
	size_t i, a, b;

	for (i = 0; i < bc->n; i++)
		bc->idx[i] = i;
	sort_idx(bc->idx, tmp, bc->n, cmp_certno, bc->enr);
	for (i = 1; i < bc->n; i++)
		if (cmp_certno(bc->idx[i], bc->idx[i - 1], bc->enr) == 0) {
			a = bc->idx[i - 1]; /* stable: the earlier one */
			b = bc->idx[i];
			return yb_error_set(YB_EINVALID, "enrolments[%zu].certno: repeats enrolments[%zu]", b, a);
		}
	return 0;
}

/* Reconciles one enrolment with its lines (their indices in `mine`). */
static int reconcile_one(yb_payrecon *r, const yb_enrol_policy *pol, const yb_enrolment *e, int ei,
			 const yb_payfile *file, const size_t *mine, size_t n, yb_datetime now)
{
	yb_contrib_pay pays[YB_ENROL_MAX_PAYMENTS];
	yb_enrol_decision d;
	size_t i;
	int k, rc, covered = 1;
	char m[32]; /* the certno masked: messages are logged */

	if (n > YB_ENROL_MAX_PAYMENTS) {
		yb_mask(m, sizeof(m), e->psn.certno, YB_MASK_ID);
		return yb_error_set(YB_EINVALID, "enrolments[%d] (certno %s): more than %d payments in the file",
				    ei, m, YB_ENROL_MAX_PAYMENTS);
	}
	for (i = 0; i < n; i++) {
		const yb_payline *l = &file->lines[mine[i]];
		pays[i] = (yb_contrib_pay){l->pay_id, l->year, l->amount, l->paid_time, l->channel};
		if (l->paid_time > now)
			return yb_error_set(YB_EINVALID, "line %u: paid_time after 'now'", l->line);
	}
	if ((rc = yb_enrol_dues(&d, pol, e->year, &e->psn, n ? pays : NULL, n, now)) < 0)
		return yb_error_prefix(rc, "enrolments[%d]", ei);
	for (i = 0; i < n; i++) {
		yb_payrecon_line *rl = &r->lines[mine[i]];
		const yb_payline *l = &file->lines[mine[i]];
		rl->enrolment = ei;
		rl->verdict = d.verdict[i];
		rl->expected = d.expected[i];
		rl->name_differs = e->psn.psn_name && strcmp(e->psn.psn_name, l->psn_name) != 0;
		rl->begndate = rl->enddate = YB_DATE_NONE;
		for (k = 0; k < d.n_dues; k++)
			if (d.dues[k].pay == (int)i) {
				rl->begndate = d.dues[k].begndate;
				rl->enddate = d.dues[k].enddate;
				rl->route = d.dues[k].route;
			}
	}
	for (k = 0; k < d.n_dues; k++)
		if (d.dues[k].status != YB_DUE_COVERED && d.dues[k].year == e->year)
			covered = 0;
	if (!covered) {
		for (k = 0; k < d.n_dues && d.dues[k].year != e->year; k++)
			;
		r->unpaid[r->n_unpaid] = ei;
		r->unpaid_due[r->n_unpaid++] = d.dues[k];
	}
	return 0;
}

int yb_payfile_reconcile(yb_payrecon *out, const yb_enrol_policy *pol,
		 const yb_enrolment *enr, size_t n_enr, const yb_payfile *file,
		 yb_datetime now)
{
	yb_payrecon r;
	by_cert bc = {enr, n_enr, NULL};
	size_t *tmp = NULL, *owner = NULL, *first = NULL, *mine = NULL, i, j;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.n_lines = file->n;
	r.lines = calloc(file->n ? file->n : 1, sizeof(*r.lines));
	r.unpaid = calloc(n_enr ? n_enr : 1, sizeof(*r.unpaid));
	r.unpaid_due = calloc(n_enr ? n_enr : 1, sizeof(*r.unpaid_due));
	bc.idx = calloc(n_enr ? n_enr : 1, sizeof(*bc.idx));
	tmp = calloc((n_enr > file->n ? n_enr : file->n) + 1, sizeof(*tmp));
	owner = calloc(file->n ? file->n : 1, sizeof(*owner));
	first = calloc(n_enr + 1, sizeof(*first));
	mine = calloc(file->n ? file->n : 1, sizeof(*mine));
	if (!r.lines || !r.unpaid || !r.unpaid_due || !bc.idx || !tmp || !owner || !first || !mine) {
		rc = yb_error_set(YB_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = index_enrolments(&bc, tmp)) < 0)
		goto done;
	/* group the lines by enrolment (counting sort, file order kept) */
	for (i = 0; i < file->n; i++) {
		int e = find_enrolment(&bc, file->lines[i].certno);
		r.lines[i].pay = i;
		r.lines[i].enrolment = -1;
		r.lines[i].verdict = YB_PAY_NOT_DUE;
		r.lines[i].begndate = r.lines[i].enddate = YB_DATE_NONE;
		owner[i] = e < 0 ? n_enr : (size_t)e;
		if (e >= 0)
			first[e + 1]++;
	}
	for (i = 0; i < n_enr; i++)
		first[i + 1] += first[i];
	memcpy(tmp, first, (n_enr + 1) * sizeof(*tmp));
	for (i = 0; i < file->n; i++)
		if (owner[i] < n_enr)
			mine[tmp[owner[i]]++] = i;
	for (j = 0; j < n_enr; j++)
		if ((rc = reconcile_one(&r, pol, &enr[j], (int)j, file, mine + first[j],
					first[j + 1] - first[j], now)) < 0)
			goto done;
	for (i = 0; i < file->n; i++) {
		const yb_payrecon_line *rl = &r.lines[i];
		if (rl->enrolment < 0)
			r.unmatched++;
		else if (rl->verdict == YB_PAY_MATCHED) {
			r.matched++;
			if ((rc = yb_money_add(&r.amount_matched, file->lines[i].amount)) < 0)
				goto done;
		} else if (rl->verdict == YB_PAY_MISMATCH)
			r.mismatched++;
		else if (rl->verdict == YB_PAY_DUPLICATE)
			r.duplicates++;
		else if (rl->verdict == YB_PAY_LATE)
			r.late++;
		else
			r.other++;
	}
done:
	free(bc.idx);
	free(tmp);
	free(owner);
	free(first);
	free(mine);
	if (rc < 0) {
		yb_payrecon_free(&r);
		return rc;
	}
	*out = r;
	return 0;
}
