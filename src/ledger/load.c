/* yibao load: JSON lines of institutions, persons, mutual-aid bindings,
 * assisted identities, remote-care registrations, chronic-disease
 * confirmations and catalogue items into
 * the store. A file loads whole or not at all (one
 * exclusive transaction); an error names file, line and field. */
#include "ledger_impl.h"
#include "yibao/enroll.h"
#include "yibao/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (1u << 20)

typedef struct load_job {
	yb_ledger *l;
	const char *file;
	FILE *f;
	long lines, counts[8];
	int catalogue_changed;
} load_job;

enum { K_FIXMEDINS, K_PSN, K_MULAID, K_CATALOGUE, K_IDET, K_REMOTE, K_CHRONIC, K_TRAC };

static int digits_only(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789") == n;
}

static int read_fixmedins(yb_store_tx *tx, const yb_json *o)
{
	yb_fixmedins_rec r;
	char t[4] = "", lv[4] = "0", prim[4] = "0";
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = yb_jget_code(o, NULL, "fixmedins_code", 1, r.fixmedins_code, sizeof(r.fixmedins_code))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "fixmedins_name", 1, r.fixmedins_name, sizeof(r.fixmedins_name))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "fixmedins_type", 1, t, sizeof(t))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "hosp_lv", 0, lv, sizeof(lv))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "prim_flag", 0, prim, sizeof(prim))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "admdvs", 1, r.admdvs, sizeof(r.admdvs))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "secret", 0, r.secret, sizeof(r.secret))) < 0)
		return rc;
	if (strcmp(t, "1") && strcmp(t, "2"))
		return yb_jpath_error(NULL, "fixmedins_type", "not 1 (institution) or 2 (pharmacy)");
	if (!digits_only(lv, 1) || lv[0] > '3')
		return yb_jpath_error(NULL, "hosp_lv", "not 0, 1, 2 or 3");
	if (strcmp(prim, "0") && strcmp(prim, "1"))
		return yb_jpath_error(NULL, "prim_flag", "not 0 or 1");
	if (!digits_only(r.admdvs, 6))
		return yb_jpath_error(NULL, "admdvs", "not a 6-digit region code");
	r.fixmedins_type = t[0] - '0';
	r.hosp_lv = lv[0] - '0';
	r.prim_flag = prim[0] - '0';
	return yb_tx_put_fixmedins(tx, &r);
}

static int read_psn(yb_store_tx *tx, const yb_json *o)
{
	yb_psn_rec r;
	char insutype[8] = "", gend[4] = "", stas[4] = "1";
	int rc;

	memset(&r, 0, sizeof(r));
	r.brdy = YB_DATE_NONE;
	r.enddate = YB_DATE_MAX;
	if ((rc = yb_jget_code(o, NULL, "psn_no", 1, r.psn_no, sizeof(r.psn_no))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "certno", 1, r.certno, sizeof(r.certno))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "psn_name", 1, r.psn_name, sizeof(r.psn_name))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "gend", 0, gend, sizeof(gend))) < 0 ||
	    (rc = yb_jget_date(o, NULL, "brdy", 0, &r.brdy)) < 0 ||
	    (rc = yb_jget_code(o, NULL, "insutype", 1, insutype, sizeof(insutype))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "psn_type", 1, r.psn_type, sizeof(r.psn_type))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "insu_admdvs", 1, r.insu_admdvs, sizeof(r.insu_admdvs))) < 0 ||
	    (rc = yb_jget_date(o, NULL, "begndate", 1, &r.begndate)) < 0 ||
	    (rc = yb_jget_date(o, NULL, "enddate", 0, &r.enddate)) < 0 ||
	    (rc = yb_jget_decimal(o, NULL, "acct_balc", 0, YB_SCALE_MONEY, &r.acct_balc, NULL)) < 0 ||
	    (rc = yb_jget_code(o, NULL, "psn_insu_stas", 0, stas, sizeof(stas))) < 0)
		return rc;
	if (!digits_only(insutype, 3))
		return yb_jpath_error(NULL, "insutype", "not an insutype code (310, 390, ...)");
	if (!digits_only(r.insu_admdvs, 6))
		return yb_jpath_error(NULL, "insu_admdvs", "not a 6-digit region code");
	if (r.enddate < r.begndate)
		return yb_jpath_error(NULL, "enddate", "before begndate");
	if (r.acct_balc < 0)
		return yb_jpath_error(NULL, "acct_balc", "negative balance");
	if (strcmp(stas, "1") && strcmp(stas, "2") && strcmp(stas, "4"))
		return yb_jpath_error(NULL, "psn_insu_stas", "not 1 (insured), 2 (paused) or 4 (ended)");
	r.insutype = (int)strtol(insutype, NULL, 10);
	r.gend = gend[0];
	r.psn_insu_stas = stas[0] - '0';
	return yb_tx_put_psn(tx, &r);
}

/* Same city: the region codes agree in their first four digits. */
static int same_city(const char *a, const char *b)
{
	return strncmp(a, b, 4) == 0;
}

static int read_mulaid(yb_store_tx *tx, const yb_json *o)
{
	yb_mulaid_rec r;
	yb_psn_rec init, bound;
	yb_date day;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = yb_jget_code(o, NULL, "initiator_psn_no", 1, r.initiator_psn_no, sizeof(r.initiator_psn_no))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "bound_psn_no", 1, r.bound_psn_no, sizeof(r.bound_psn_no))) < 0 ||
	    (rc = yb_jget_datetime(o, NULL, "bind_time", 1, &r.bind_time)) < 0)
		return rc;
	if (strcmp(r.initiator_psn_no, r.bound_psn_no) == 0)
		return yb_jpath_error(NULL, "bound_psn_no", "a person cannot bind themselves");
	day = yb_datetime_date(r.bind_time);
	if ((rc = yb_tx_get_psn(tx, r.initiator_psn_no, day, &init)) < 0)
		return yb_error_prefix(rc, "initiator_psn_no");
	if ((rc = yb_tx_get_psn(tx, r.bound_psn_no, day, &bound)) < 0)
		return yb_error_prefix(rc, "bound_psn_no");
	if (init.insutype != 310 || init.psn_insu_stas != 1)
		return yb_error_set(YB_EREFUSED, "initiator_psn_no: %s is not an insured employee on the binding day (A1)", r.initiator_psn_no);
	if (bound.psn_insu_stas != 1)
		return yb_error_set(YB_EREFUSED, "bound_psn_no: %s is not insured on the binding day (A1)", r.bound_psn_no);
	if (!same_city(init.insu_admdvs, bound.insu_admdvs))
		return yb_error_set(YB_EREFUSED, "bound_psn_no: %s is insured in %s, not in the initiator's city %s (A1)",
				    r.bound_psn_no, bound.insu_admdvs, init.insu_admdvs);
	return yb_tx_put_mulaid(tx, &r);
}

/* {"kind":"idet","psn_no","idet_type","begndate","enddate"} and
 * {"kind":"remote_reg","psn_no","type","admdvs","begndate","enddate"}: the
 * type must be a name of the policy of the person's place of insurance
 * (as on the day the registration begins). */
static int read_reg(yb_store_tx *tx, load_job *j, const yb_json *o, int remote)
{
	yb_psn_reg_rec r;
	yb_psn_rec p;
	const yb_policy *pol;
	const char *tkey = remote ? "type" : "idet_type";
	int rc;

	memset(&r, 0, sizeof(r));
	r.enddate = YB_DATE_MAX;
	snprintf(r.kind, sizeof(r.kind), "%s", remote ? "remote" : "idet");
	if ((rc = yb_jget_code(o, NULL, "psn_no", 1, r.psn_no, sizeof(r.psn_no))) < 0 ||
	    (rc = yb_jget_code(o, NULL, tkey, 1, r.type, sizeof(r.type))) < 0 ||
	    (remote && (rc = yb_jget_code(o, NULL, "admdvs", 1, r.admdvs, sizeof(r.admdvs))) < 0) ||
	    (rc = yb_jget_date(o, NULL, "begndate", 1, &r.begndate)) < 0 ||
	    (rc = yb_jget_date(o, NULL, "enddate", 0, &r.enddate)) < 0)
		return rc;
	if (remote && !digits_only(r.admdvs, 6))
		return yb_jpath_error(NULL, "admdvs", "not a 6-digit region code");
	if (r.enddate < r.begndate)
		return yb_jpath_error(NULL, "enddate", "before begndate");
	if ((rc = yb_tx_get_psn(tx, r.psn_no, r.begndate, &p)) < 0)
		return rc == YB_ENOTFOUND ? yb_error_set(YB_ENOTFOUND, "psn_no: unknown person %s (load the person first)", r.psn_no) : rc;
	if ((rc = yb_ledger_policy(j->l, p.insu_admdvs, &pol)) < 0)
		return yb_error_prefix(rc, "psn_no: insured in %s", p.insu_admdvs);
	if (remote ? yb_policy_remote_type(pol, r.type) < 0 : yb_policy_identity(pol, r.type) < 0)
		return yb_jpath_error(NULL, tkey, "'%s' is not %s of policy %s", r.type,
				      remote ? "a remote-care type" : "an identity", pol->admdvs);
	return yb_tx_put_psn_reg(tx, &r);
}

/* {"kind":"chronic","psn_no","dise_codg","decided"[,"applied"]}: a
 * chronic-disease application confirmed by the experts on `decided`
 * (CD6: what opens med_type 14 for the disease). */
static int read_chronic(yb_store_tx *tx, const yb_json *o)
{
	yb_chronic_rec r;
	yb_psn_facts f;
	int rc;

	memset(&r, 0, sizeof(r));
	r.applied = YB_DATE_NONE;
	r.result = YB_CHRONIC_CONFIRMED;
	if ((rc = yb_jget_code(o, NULL, "psn_no", 1, r.psn_no, sizeof(r.psn_no))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "dise_codg", 1, r.dise_codg, sizeof(r.dise_codg))) < 0 ||
	    (rc = yb_jget_date(o, NULL, "decided", 1, &r.decided)) < 0 ||
	    (rc = yb_jget_date(o, NULL, "applied", 0, &r.applied)) < 0)
		return rc;
	if (r.applied == YB_DATE_NONE)
		r.applied = r.decided;
	if (r.decided < r.applied)
		return yb_jpath_error(NULL, "decided", "before applied");
	if ((rc = yb_tx_get_facts(tx, r.psn_no, NULL, &f)) < 0)
		return rc == YB_ENOTFOUND ? yb_error_set(YB_ENOTFOUND, "psn_no: unknown person %s (load the person first)", r.psn_no) : rc;
	snprintf(r.channel, sizeof(r.channel), "load");
	snprintf(r.staff_id, sizeof(r.staff_id), "load");
	snprintf(r.decided_by, sizeof(r.decided_by), "load");
	if ((rc = yb_tx_next_id(tx, "chronic", 'C', r.appl_id)) < 0)
		return rc;
	return yb_tx_put_chronic(tx, &r);
}

/* {"kind":"trac","drug_trac_codg","med_list_codg"[,"pack_qty","fixmedins_code",
 * "purc_date"]}: a stock or purchase record of a traceability code (as
 * 3501-3503; trac.csv of the file set, docs/rules.md). */
static int read_trac(yb_store_tx *tx, const yb_json *o)
{
	yb_trac_code_rec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.purc_date = 0;
	if ((rc = yb_jget_code(o, NULL, "drug_trac_codg", 1, r.drug_trac_codg, sizeof(r.drug_trac_codg))) < 0 ||
	    (rc = yb_jget_code(o, NULL, "med_list_codg", 1, r.med_list_codg, sizeof(r.med_list_codg))) < 0 ||
	    (rc = yb_jget_decimal(o, NULL, "pack_qty", 0, 4, &r.pack_qty, NULL)) < 0 ||
	    (rc = yb_jget_code(o, NULL, "fixmedins_code", 0, r.fixmedins_code, sizeof(r.fixmedins_code))) < 0 ||
	    (rc = yb_jget_date(o, NULL, "purc_date", 0, &r.purc_date)) < 0)
		return rc;
	if (r.pack_qty < 0)
		return yb_jpath_error(NULL, "pack_qty", "negative");
	snprintf(r.infno, sizeof(r.infno), "load");
	return yb_tx_put_trac_code(tx, &r);
}

static int read_catalogue(yb_store_tx *tx, const yb_json *o, const char *text, size_t len)
{
	yb_catalogue *cat = NULL;
	yb_buf b = YB_BUF_INIT;
	int rc;

	(void)o;
	/* one item: reuse the catalogue file reader on {"items":[line]} */
	yb_buf_puts(&b, "{\"items\":[");
	yb_buf_put(&b, text, len);
	yb_buf_puts(&b, "]}");
	rc = b.oom ? yb_error_set(YB_ENOMEM, "out of memory")
		   : yb_catalogue_parse(&cat, b.ptr, b.len, "", NULL);
	yb_buf_free(&b);
	if (rc < 0) {
		/* drop the "items[0]" of the reused reader's message */
		const char *m = strstr(yb_error_msg(), "items[0].");
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", m ? m + 9 : yb_error_msg());
		return yb_error_set(YB_EINVALID, "%s", msg);
	}
	rc = yb_tx_put_catalogue(tx, yb_catalogue_at(cat, 0));
	yb_catalogue_free(cat);
	return rc;
}

static int load_line(yb_store_tx *tx, load_job *j, const char *text, size_t len)
{
	static const yb_json_limits lim = {8, 4096};
	yb_json_doc *doc = NULL;
	const yb_json *o;
	char kind[16] = "";
	int rc, k;

	if ((rc = yb_json_parse(&doc, text, len, &lim)) < 0)
		return rc;
	o = yb_json_root(doc);
	if (o->type != YB_JSON_OBJECT) {
		rc = yb_error_set(YB_EINVALID, "not a JSON object");
	} else if ((rc = yb_jget_code(o, NULL, "kind", 1, kind, sizeof(kind))) == 0) {
		k = strcmp(kind, "fixmedins") == 0 ? K_FIXMEDINS : strcmp(kind, "psn") == 0 ? K_PSN
		  : strcmp(kind, "mulaid") == 0 ? K_MULAID : strcmp(kind, "catalogue") == 0 ? K_CATALOGUE
		  : strcmp(kind, "idet") == 0 ? K_IDET : strcmp(kind, "remote_reg") == 0 ? K_REMOTE
		  : strcmp(kind, "chronic") == 0 ? K_CHRONIC : strcmp(kind, "trac") == 0 ? K_TRAC : -1;
		switch (k) {
		case K_FIXMEDINS: rc = read_fixmedins(tx, o); break;
		case K_PSN: rc = read_psn(tx, o); break;
		case K_MULAID: rc = read_mulaid(tx, o); break;
		case K_CATALOGUE: rc = read_catalogue(tx, o, text, len); j->catalogue_changed = 1; break;
		case K_IDET: rc = read_reg(tx, j, o, 0); break;
		case K_REMOTE: rc = read_reg(tx, j, o, 1); break;
		case K_CHRONIC: rc = read_chronic(tx, o); break;
		case K_TRAC: rc = read_trac(tx, o); break;
		default: rc = yb_jpath_error(NULL, "kind", "not fixmedins, psn, mulaid, idet, remote_reg, chronic, trac or catalogue");
		}
		if (rc == 0)
			j->counts[k]++;
	}
	yb_json_free(doc);
	return rc;
}

static int load_work(yb_store_tx *tx, void *arg)
{
	load_job *j = arg;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &cap, j->f)) >= 0) {
		j->lines++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((size_t)n > MAX_LINE) {
			rc = yb_error_set(YB_EINVALID, "%s:%ld: line longer than %u bytes", j->file, j->lines, MAX_LINE);
			break;
		}
		if ((rc = load_line(tx, j, line, (size_t)n)) < 0) {
			rc = yb_error_prefix(rc, "%s:%ld", j->file, j->lines);
			break;
		}
	}
	free(line);
	return rc;
}


int yb_ledger_load_files(yb_ledger *l, char *const *files, int n, yb_buf *report)
{
	int i, rc = 0, changed = 0;

	for (i = 0; i < n && !rc; i++) {
		load_job j;
		memset(&j, 0, sizeof(j));
		j.l = l;
		j.file = files[i];
		if (!(j.f = strcmp(files[i], "-") == 0 ? stdin : fopen(files[i], "r"))) {
			rc = yb_error_set(YB_ENOTFOUND, "%s: cannot open", files[i]);
			break;
		}
		rc = yb_store_exclusive(yb_ledger_store(l), load_work, &j);
		if (j.f != stdin)
			fclose(j.f);
		if (rc == 0) {
			yb_buf_printf(report, "%s: %ld institutions, %ld persons, %ld bindings, %ld catalogue items",
				      files[i], j.counts[K_FIXMEDINS], j.counts[K_PSN], j.counts[K_MULAID],
				      j.counts[K_CATALOGUE]);
			if (j.counts[K_IDET] || j.counts[K_REMOTE])
				yb_buf_printf(report, ", %ld identities, %ld remote-care registrations",
					      j.counts[K_IDET], j.counts[K_REMOTE]);
			if (j.counts[K_CHRONIC])
				yb_buf_printf(report, ", %ld chronic-disease confirmations", j.counts[K_CHRONIC]);
			if (j.counts[K_TRAC])
				yb_buf_printf(report, ", %ld traceability codes", j.counts[K_TRAC]);
			yb_buf_putc(report, '\n');
		}
		if (j.counts[K_FIXMEDINS])
			yb_ledger_forget_fixmedins(l);
		changed |= j.catalogue_changed;
	}
	if (changed) {
		int r2 = yb_ledger_refresh_catalogue(l);
		if (!rc)
			rc = r2;
	}
	return rc;
}
