/* Temporary: the operations of migration 3 on PostgreSQL, until they join
 * store_pg.c. Each refuses with a clear message. */
#include "store_impl.h"
#include "yibao/error.h"

#define NYB return yb_error_set(YB_ERROR, "PostgreSQL: visits and fee lines not built yet")

static int put_psn_reg(yb_conn *c, const yb_psn_reg_rec *r) { (void)c; (void)r; NYB; }
static int get_psn_regs(yb_conn *c, const char *p, yb_psn_reg_rec *o, size_t cap, size_t *n) { (void)c; (void)p; (void)o; (void)cap; *n = 0; return 0; }
static int next_mdtrt_id(yb_conn *c, char o[YB_ID_MAX]) { (void)c; (void)o; NYB; }
static int put_mdtrt(yb_conn *c, const yb_mdtrt_rec *r) { (void)c; (void)r; NYB; }
static int upd_mdtrt(yb_conn *c, const yb_mdtrt_rec *r) { (void)c; (void)r; NYB; }
static int get_mdtrt(yb_conn *c, const char *p, const char *d, yb_mdtrt_rec *o) { (void)c; (void)p; (void)d; (void)o; return YB_ENOTFOUND; }
static int each_mdtrt(yb_conn *c, const char *p, int (*fn)(const yb_mdtrt_rec *, void *), void *a) { (void)c; (void)p; (void)fn; (void)a; return 0; }
static int find_stay(yb_conn *c, const char *p, yb_datetime t, const char *x, yb_mdtrt_rec *o) { (void)c; (void)p; (void)t; (void)x; (void)o; return YB_ENOTFOUND; }
static int put_fee(yb_conn *c, const char *p, const char *d, const yb_fee_row *r) { (void)c; (void)p; (void)d; (void)r; NYB; }
static int each_fee(yb_conn *c, const char *p, const char *d, int (*fn)(const yb_fee_row *, void *), void *a) { (void)c; (void)p; (void)d; (void)fn; (void)a; return 0; }
static int set_fee_setl(yb_conn *c, const char *p, const char *d, const char *sn, const char *s) { (void)c; (void)p; (void)d; (void)sn; (void)s; NYB; }
static int unsettle_fees(yb_conn *c, const char *p, const char *s) { (void)c; (void)p; (void)s; return 0; }
static int del_fee(yb_conn *c, const char *p, const char *d, const char *sn) { (void)c; (void)p; (void)d; (void)sn; NYB; }
static int get_idem_rec(yb_conn *c, const char *p, const char *f, const char *m, yb_idem_rec *r, yb_buf *b) { (void)c; (void)p; (void)f; (void)m; (void)r; (void)b; NYB; }
static int put_idem_rec(yb_conn *c, const yb_idem_rec *r, const char *b) { (void)c; (void)r; (void)b; NYB; }
static int set_idem_state(yb_conn *c, const char *p, const char *f, const char *m, int s) { (void)c; (void)p; (void)f; (void)m; (void)s; NYB; }
static int each_setl(yb_conn *c, const char *p, const char *d, int (*fn)(const yb_setl_row *, int, void *), void *a) { (void)c; (void)p; (void)d; (void)fn; (void)a; return 0; }
static int get_setl_funds(yb_conn *c, const char *p, const char *s, yb_fund_pay *o, int *n) { (void)c; (void)p; (void)s; (void)o; *n = 0; return 0; }
static int find_setl_by_msgid(yb_conn *c, const char *p, const char *f, const char *m, char s[YB_ID_MAX]) { (void)c; (void)p; (void)f; (void)m; (void)s; return YB_ENOTFOUND; }
static int reconcile(yb_conn *c, const char *f, int i, int t, yb_datetime a, yb_datetime b, yb_recon_rows *o) { (void)c; (void)f; (void)i; (void)t; (void)a; (void)b; (void)o; NYB; }

const yb_store_visit_ops yb_store_pg_visit_ops = {
	put_psn_reg, get_psn_regs, next_mdtrt_id, put_mdtrt, upd_mdtrt, get_mdtrt,
	each_mdtrt, find_stay, put_fee, each_fee, set_fee_setl, unsettle_fees, del_fee,
	get_idem_rec, put_idem_rec, set_idem_state, each_setl, get_setl_funds,
	find_setl_by_msgid, reconcile,
};
