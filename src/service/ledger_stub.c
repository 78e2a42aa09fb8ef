/* Temporary: the ledger API of service.h before it is built. */
#include "yibao/service.h"
#include "yibao/error.h"
#include "yibao/store.h"

#define NYB return yb_error_set(YB_ERROR, "not built yet")

void yb_ledger_forget_fixmedins(yb_ledger *l) { (void)l; }
int yb_ledger_get_psn_by_certno(yb_ledger *l, const char *c, yb_date on, yb_psn_rec *o) { (void)l; (void)c; (void)on; (void)o; NYB; }
int yb_ledger_register(yb_ledger *l, const yb_ledger_msg *m, const yb_mdtrt_reg *r, yb_buf *o) { (void)l; (void)m; (void)r; (void)o; NYB; }
int yb_ledger_cancel_visit(yb_ledger *l, const yb_ledger_msg *m, const char *p, const char *d, yb_buf *o) { (void)l; (void)m; (void)p; (void)d; (void)o; NYB; }
int yb_ledger_update_visit(yb_ledger *l, const yb_ledger_msg *m, const yb_mdtrt_upd *u, yb_buf *o) { (void)l; (void)m; (void)u; (void)o; NYB; }
int yb_ledger_discharge(yb_ledger *l, const yb_ledger_msg *m, const yb_dscg *d, yb_buf *o) { (void)l; (void)m; (void)d; (void)o; NYB; }
int yb_ledger_cancel_discharge(yb_ledger *l, const yb_ledger_msg *m, const char *p, const char *d, yb_buf *o) { (void)l; (void)m; (void)p; (void)d; (void)o; NYB; }
int yb_read_fee_up(yb_fee_up *out, const yb_json *o, const yb_jpath *p) { (void)out; (void)o; (void)p; NYB; }
int yb_ledger_upload(yb_ledger *l, const yb_ledger_msg *m, const char *p, const char *d, const yb_fee_up *x, size_t n, yb_buf *o) { (void)l; (void)m; (void)p; (void)d; (void)x; (void)n; (void)o; NYB; }
int yb_ledger_cancel_fees(yb_ledger *l, const yb_ledger_msg *m, const char *p, const char *d, const char *b, const char *f, yb_buf *o) { (void)l; (void)m; (void)p; (void)d; (void)b; (void)f; (void)o; NYB; }
int yb_ledger_settle_visit(yb_ledger *l, const yb_ledger_msg *m, const yb_visit_setl *r, yb_buf *o) { (void)l; (void)m; (void)r; (void)o; NYB; }
int yb_ledger_cancel_setl(yb_ledger *l, const yb_ledger_msg *m, const char *s, const char *d, const char *p, yb_buf *o) { (void)l; (void)m; (void)s; (void)d; (void)p; (void)o; NYB; }
int yb_ledger_reverse(yb_ledger *l, const yb_ledger_msg *m, const char *p, const char *om, const char *oi, yb_buf *o) { (void)l; (void)m; (void)p; (void)om; (void)oi; (void)o; NYB; }
int yb_ledger_reconcile(yb_ledger *l, const yb_recon_req *r, yb_recon *o) { (void)l; (void)r; (void)o; NYB; }
int yb_ledger_query_visits(yb_ledger *l, const char *f, const char *p, yb_datetime b, yb_datetime e, yb_buf *o) { (void)l; (void)f; (void)p; (void)b; (void)e; (void)o; NYB; }
int yb_ledger_query_setl(yb_ledger *l, const char *f, const char *p, const char *d, const char *s, yb_buf *o) { (void)l; (void)f; (void)p; (void)d; (void)s; (void)o; NYB; }
int yb_ledger_query_fees(yb_ledger *l, const char *f, const char *p, const char *d, yb_buf *o) { (void)l; (void)f; (void)p; (void)d; (void)o; NYB; }
int yb_ledger_query_accums(yb_ledger *l, const char *p, const char *c, yb_buf *o) { (void)l; (void)p; (void)c; (void)o; NYB; }
