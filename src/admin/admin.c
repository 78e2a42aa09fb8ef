/* The administration's core: the clocks, enrolment policies, the unit
 * runner that writes each change with its audit record, and the helpers
 * the operations share (reading requests, writing facts and answers).
 *
 * Design notes
 *  1. A change is one store unit under the audit lock (store.h): facts
 *     read, enroll/ asked, rows written, the audit record appended, one
 *     commit. Every change goes to one store key ("admin"), so under
 *     PostgreSQL they queue on one writer; the audit lock orders them
 *     against other processes too.
 *  2. A unit may run more than once (PostgreSQL's retry of a group after
 *     a deadlock): it starts its answer and its record afresh each time.
 *  3. Two clocks. Decisions use the business clock (yb_admin_now: the
 *     machine's, or a start given for a demo or test of a past campaign,
 *     running on from there); the audit log and sessions the machine's.
 *  4. enroll/ decides with structs, as the ledger calls the engine: the
 *     facts the store holds go to yb_enrol_decide, yb_enrol_dues,
 *     yb_remote_register, yb_family_bind, yb_retire_check_run,
 *     yb_employee_active and yb_contrib_check, and their answers are read
 *     as structs - no JSON between the two. The answers and audit records
 *     carry a decision as enroll/ writes it (yb_enrol_write_*), the writer
 *     `yibao enrol calc|remote|bind|retire` prints with, so an answer here
 *     is the CLI's on the same facts, reasons and all, and the tests of
 *     phase A hold for it. */
#include "admin_impl.h"
#include "yibao/error.h"
#include "yibao/mask.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

yb_datetime admin_wall(void)
{
	return (yb_datetime)time(NULL) + 8 * 3600; /* China Standard Time */
}

yb_datetime yb_admin_now(yb_admin *a)
{
	yb_datetime wall = admin_wall();
	if (!a->o.business_start)
		return wall;
	return a->o.business_start + (wall - a->real_start);
}

int yb_role_parse(const char *name)
{
	if (!name)
		return 0;
	return strcmp(name, "clerk") == 0 ? YB_ROLE_CLERK : strcmp(name, "auditor") == 0 ? YB_ROLE_AUDITOR
	     : strcmp(name, "administrator") == 0 ? YB_ROLE_ADMIN : 0;
}

const char *yb_role_name(int role)
{
	return role == YB_ROLE_CLERK ? "clerk" : role == YB_ROLE_AUDITOR ? "auditor"
	     : role == YB_ROLE_ADMIN ? "administrator" : "none";
}

int admin_staff_init(yb_admin *a); /* admin_staff.c */

int yb_admin_open(yb_admin **out, yb_ledger *l, const yb_admin_opts *o)
{
	yb_admin *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return yb_error_set(YB_ENOMEM, "out of memory");
	a->l = l;
	a->st = yb_ledger_store(l);
	if (o)
		a->o = *o;
	if (a->o.session_ttl <= 0)
		a->o.session_ttl = 8 * 3600;
	if (a->o.session_idle <= 0)
		a->o.session_idle = 30 * 60;
	if (a->o.login_failures <= 0)
		a->o.login_failures = 5;
	if (a->o.addr_failures <= 0)
		a->o.addr_failures = 20;
	if (a->o.lockout <= 0)
		a->o.lockout = 300;
	a->real_start = admin_wall();
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if ((rc = admin_staff_init(a)) < 0) {
		yb_admin_close(a);
		return rc;
	}
	*out = a;
	return 0;
}

void yb_admin_close(yb_admin *a)
{
	int i;

	if (!a)
		return;
	for (i = 0; i < a->n_ep; i++)
		yb_enrol_policy_free(a->ep[i]);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}

int admin_enrol_policy(yb_admin *a, const char *admdvs, const yb_enrol_policy **out)
{
	char dir[4096], path[4300];
	yb_enrol_policy *ep = NULL;
	int i, rc = 0;

	pthread_mutex_lock(&a->mu);
	for (i = 0; i < a->n_ep; i++)
		if (strcmp(a->ep[i]->admdvs, admdvs) == 0) {
			*out = a->ep[i];
			goto done;
		}
	if (a->n_ep == ADMIN_MAX_POLICIES) {
		rc = yb_error_set(YB_ERROR, "too many enrolment policies");
		goto done;
	}
	if ((rc = yb_policy_dir(dir, sizeof(dir))) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/%s.enrol.json", dir, admdvs);
	if ((rc = yb_enrol_policy_load(&ep, path, NULL)) < 0) {
		rc = yb_error_prefix(rc == YB_EINVALID ? YB_ERROR : rc,
				     "admdvs: no enrolment policy for %s", admdvs);
		goto done;
	}
	a->ep[a->n_ep++] = ep;
	*out = ep;
done:
	pthread_mutex_unlock(&a->mu);
	return rc;
}

/* -------------------------------------------------------------- units */

void admin_record(admin_unit *u, const char *action, const char *fmt, ...)
{
	va_list ap;

	snprintf(u->action, sizeof(u->action), "%s", action);
	va_start(ap, fmt);
	vsnprintf(u->object, sizeof(u->object), fmt, ap);
	va_end(ap);
}

static void unit_reset(admin_unit *u)
{
	u->out->len = u->mark;
	if (u->out->ptr)
		u->out->ptr[u->mark] = '\0';
	yb_buf_clear(&u->before);
	yb_buf_clear(&u->after);
	u->action[0] = u->object[0] = '\0';
	u->seq = 0;
}

static int change_work(yb_store_tx *tx, void *arg)
{
	admin_unit *u = arg;
	yb_audit_rec r;
	int rc;

	unit_reset(u); /* note 2 */
	if ((rc = yb_tx_audit_lock(tx)) < 0 || (rc = u->fn(tx, u)) < 0)
		return rc;
	if (!u->action[0])
		return 0;
	if (u->before.oom || u->after.oom || u->out->oom)
		return yb_error_set(YB_ENOMEM, "out of memory");
	memset(&r, 0, sizeof(r));
	r.rec_time = admin_wall();
	snprintf(r.staff_id, sizeof(r.staff_id), "%s", u->who->staff_id);
	snprintf(r.action, sizeof(r.action), "%s", u->action);
	snprintf(r.object, sizeof(r.object), "%s", u->object);
	r.before = u->before.len ? u->before.ptr : "null";
	r.after = u->after.len ? u->after.ptr : "null";
	snprintf(r.request_id, sizeof(r.request_id), "%s", u->who->request_id);
	if ((rc = yb_tx_audit(tx, &r)) < 0)
		return rc;
	u->seq = r.seq;
	return 0;
}

int admin_change(admin_unit *u, int exclusive)
{
	int rc;

	u->mark = u->out->len;
	u->now = yb_admin_now(u->a);
	rc = exclusive ? yb_store_exclusive(u->a->st, change_work, u)
		       : yb_store_submit(u->a->st, "admin", change_work, u);
	if (rc == 0 && u->seq && u->out->len > u->mark && u->out->ptr[u->out->len - 1] == '}') {
		/* the record's seq joins the answer: {..., "audit_seq": N} */
		u->out->len--;
		yb_buf_printf(u->out, "%s\"audit_seq\":%lld}", u->out->len > u->mark + 1 ? "," : "",
			      (long long)u->seq);
	}
	if (rc == 0 && u->out->oom)
		rc = yb_error_set(YB_ENOMEM, "out of memory");
	yb_buf_free(&u->before);
	yb_buf_free(&u->after);
	return rc;
}

static int read_work(yb_store_tx *tx, void *arg)
{
	admin_unit *u = arg;
	unit_reset(u);
	return u->fn(tx, u);
}

int admin_read(admin_unit *u)
{
	int rc;

	u->mark = u->out->len;
	u->now = yb_admin_now(u->a);
	rc = yb_store_read(u->a->st, read_work, u);
	if (rc == 0 && u->out->oom)
		rc = yb_error_set(YB_ENOMEM, "out of memory");
	yb_buf_free(&u->before);
	yb_buf_free(&u->after);
	return rc;
}

/* ---------------------------------------------------- reading requests */

int admin_known(const yb_json *o, const yb_jpath *p, const char *const *keys)
{
	const yb_json *c;
	const char *const *k;

	for (c = o->child; c; c = c->next) {
		for (k = keys; *k && strcmp(*k, c->key) != 0; k++)
			;
		if (!*k)
			return yb_jpath_error(p, c->key, "unknown field");
	}
	return 0;
}

int admin_body(const yb_admin_in *in, const yb_json **out)
{
	if (!in->body || in->body->type != YB_JSON_OBJECT)
		return yb_error_set(YB_EINVALID, "body: a JSON object is required");
	*out = in->body;
	return 0;
}

int admin_field(int rc)
{
	return rc == YB_ENOTFOUND ? YB_EINVALID : rc;
}

int admin_psn_no(const char *s, const char *field)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n == 0 || n >= YB_ID_MAX)
		return yb_error_set(YB_EINVALID, "%s: not a psn_no", field);
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-' || s[i] == '_'))
			return yb_error_set(YB_EINVALID, "%s: not a psn_no", field);
	return 0;
}

int admin_bool(const yb_json *o, const yb_jpath *p, const char *key, int *out)
{
	const yb_json *v = yb_json_get(o, key);

	if (!v || v->type == YB_JSON_NULL)
		return 0;
	if (v->type != YB_JSON_TRUE && v->type != YB_JSON_FALSE)
		return yb_jpath_error(p, key, "not true or false");
	*out = v->type == YB_JSON_TRUE;
	return 0;
}

/* --------------------------------------------------- facts and answers */

void admin_w_date(yb_jw *w, const char *key, yb_date d)
{
	char b[12];

	if (d == YB_DATE_NONE || d == YB_DATE_MAX) {
		yb_jw_null(w, key);
		return;
	}
	yb_date_format(b, d);
	yb_jw_str(w, key, b);
}

void admin_w_time(yb_jw *w, const char *key, yb_datetime t)
{
	char b[24];

	if (!t) {
		yb_jw_null(w, key);
		return;
	}
	yb_datetime_format(b, t);
	yb_jw_str(w, key, b);
}

void admin_w_month(yb_jw *w, const char *key, int32_t m)
{
	char b[8];

	if (m == YB_MONTH_NONE) {
		yb_jw_null(w, key);
		return;
	}
	yb_month_format(b, m);
	yb_jw_str(w, key, b);
}

void admin_w_person(yb_jw *w, const char *key, const yb_psn_facts *f)
{
	char m[96];

	yb_jw_obj(w, key);
	yb_jw_str(w, "psn_no", f->psn_no);
	yb_mask(m, sizeof(m), f->certno, YB_MASK_ID);
	yb_jw_str(w, "certno", m);
	yb_mask(m, sizeof(m), f->psn_name, YB_MASK_NAME);
	yb_jw_str(w, "psn_name", m);
	yb_jw_end(w, '}');
}

int admin_next_name(const char **list, char *name, size_t cap)
{
	const char *comma;

	while (**list == ',')
		(*list)++;
	if (!**list)
		return 0;
	comma = strchr(*list, ',');
	snprintf(name, cap, "%.*s", comma ? (int)(comma - *list) : (int)strlen(*list), *list);
	*list = comma ? comma : *list + strlen(*list);
	return 1;
}

void admin_w_n1(yb_jw *w, const yb_psn_facts *f)
{
	yb_jw_bool(w, "residence_permit", f->residence_permit);
	yb_jw_bool(w, "insured_at_origin", f->insured_at_origin);
	yb_jw_bool(w, "migrant_worker", f->migrant_worker);
	yb_jw_bool(w, "student", f->student);
	yb_jw_bool(w, "guardian_local", f->guardian_local);
}

const char *admin_resident_type(const yb_psn_facts *f, yb_date begndate)
{
	if (f->student || (f->brdy != YB_DATE_NONE && yb_age(f->brdy, begndate) < 18))
		return "1401";
	return "1501";
}
