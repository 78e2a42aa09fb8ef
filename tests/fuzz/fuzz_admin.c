/* Fuzz target: the administration API's JSON bodies (docs/admin-api.md)
 * through its handler, against a real store: a SQLite file in a temporary
 * directory (in /dev/shm when there is one), a few persons, an
 * administrator with a session, the business clock in the 2024 campaign.
 * The first byte of an input picks the route (its value modulo the routes
 * below, 'a' the first), the rest is the body. Whatever the input, the
 * answer must be one JSON object with the request's id, a status among
 * those the API documents (never 500), an "error" string on every refusal,
 * and the store must keep its invariants (checked every 256 inputs and at
 * exit). Changes accumulate in the store: later inputs meet earlier ones'
 * persons, enrolments and payments. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yibao/admin.h"
#include "yibao/error.h"
#include "yibao/json.h"
#include "yibao/http.h"

static const struct {
	const char *method, *path;
} routes[] = {
	{"POST", "/api/v1/enrolments"},
	{"POST", "/api/v1/newborns"},
	{"POST", "/api/v1/persons"},
	{"POST", "/api/v1/payments"},
	{"POST", "/api/v1/payments/import"},
	{"POST", "/api/v1/persons/FA1/contributions"},
	{"POST", "/api/v1/retirement/check"},
	{"POST", "/api/v1/retirement"},
	{"POST", "/api/v1/remote-registrations"},
	{"POST", "/api/v1/chronic-applications"},
	{"POST", "/api/v1/chronic-applications/C000000000001/decision"},
	{"POST", "/api/v1/bindings"},
	{"DELETE", "/api/v1/bindings/FA1/FR1"},
	{"DELETE", "/api/v1/remote-registrations/R000000000001"},
	{"POST", "/api/v1/staff"},
	{"POST", "/api/v1/login"},
	{"GET", "/api/v1/persons/FR1/history"},
	{"GET", "/api/v1/audit"},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

static const char data[] =
	"{\"kind\":\"fixmedins\",\"fixmedins_code\":\"FH1\",\"fixmedins_name\":\"f\",\"fixmedins_type\":\"1\","
	"\"hosp_lv\":\"1\",\"prim_flag\":\"1\",\"admdvs\":\"340603\",\"secret\":\"s\"}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"FA1\",\"certno\":\"340602197508081119\",\"psn_name\":\"a\",\"gend\":\"1\","
	"\"brdy\":\"1975-08-08\",\"insutype\":\"310\",\"psn_type\":\"1101\",\"insu_admdvs\":\"340600\","
	"\"begndate\":\"2023-01-01\",\"enddate\":\"2024-12-31\",\"acct_balc\":100.00}\n"
	"{\"kind\":\"psn\",\"psn_no\":\"FR1\",\"certno\":\"340602197001013010\",\"psn_name\":\"r\",\"gend\":\"2\","
	"\"brdy\":\"1970-01-01\",\"insutype\":\"390\",\"psn_type\":\"1501\",\"insu_admdvs\":\"340600\","
	"\"begndate\":\"2023-01-01\",\"enddate\":\"2024-12-31\"}\n";

static char dir[256];
static yb_ledger *L;
static yb_admin *A;
static yb_admin_api *H;
static char bearer[96];
static const char *query_file;
static unsigned long runs;

static const char *query(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "file") == 0 ? query_file : NULL;
}

static void note(const char *msg, void *arg)
{
	fprintf(stderr, "fuzz_admin: store invariant broken: %s\n", msg);
	(void)arg;
	abort();
}

static int check_store(yb_store_tx *tx, void *arg)
{
	long n = 0;
	(void)arg;
	return yb_tx_check(tx, note, NULL, &n);
}

static void cleanup(void)
{
	static const char *const files[] = {"db", "db-wal", "db-shm", "data.jsonl", NULL};
	char p[300];
	int i;

	if (L && yb_store_read(yb_ledger_store(L), check_store, NULL) < 0)
		fprintf(stderr, "fuzz_admin: check: %s\n", yb_error_msg());
	yb_admin_api_free(H);
	yb_admin_close(A);
	yb_ledger_close(L);
	for (i = 0; files[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void setup(void)
{
	yb_admin_opts o;
	yb_buf out = YB_BUF_INIT, rep = YB_BUF_INIT;
	char path[300], *files[1];
	const char *t;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/yibao-fuzz-admin.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir))
		abort();
	setenv("YIBAO_POLICY_DIR", "policies", 0);
	snprintf(path, sizeof(path), "%s/data.jsonl", dir);
	if (!(f = fopen(path, "w")) || fputs(data, f) < 0 || fclose(f) != 0)
		abort();
	files[0] = path;
	snprintf(path + strlen(dir), sizeof(path) - strlen(dir), "/db");
	if (yb_ledger_open(&L, path) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/data.jsonl", dir);
	memset(&o, 0, sizeof(o));
	yb_datetime_parse(&o.business_start, "2023-10-08 10:00:00", 19);
	o.login_failures = 1000000; /* the fuzzer's logins never lock the administrator */
	if (yb_ledger_load_files(L, files, 1, &rep) < 0 || yb_admin_open(&A, L, &o) < 0 ||
	    yb_admin_api_new(&H, A) < 0 ||
	    yb_admin_staff_add(A, NULL, "admin", "administrator", "fuzz-admin-pw-1", &out) < 0 ||
	    (yb_buf_clear(&out), yb_admin_login(A, "admin", "fuzz-admin-pw-1", NULL, "fuzz", &out)) < 0 ||
	    !(t = strstr(out.ptr, "\"token\":\"")))
		abort();
	snprintf(bearer, sizeof(bearer), "Bearer %.64s", t + 9);
	yb_buf_free(&out);
	yb_buf_free(&rep);
	atexit(cleanup);
}

static void check_reply(const yb_response *r)
{
	static const int ok[] = {200, 400, 401, 403, 404, 405, 409, 413, 422, 429, 503};
	yb_json_doc *doc = NULL;
	const yb_json *root, *err;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]) && ok[i] != r->status; i++)
		;
	if (i == sizeof(ok) / sizeof(ok[0])) {
		fprintf(stderr, "fuzz_admin: status %d: %.*s\n", r->status, (int)r->body.len, r->body.ptr);
		abort();
	}
	if (yb_json_parse(&doc, r->body.ptr, r->body.len, NULL) < 0)
		abort(); /* the answer is not JSON */
	root = yb_json_root(doc);
	if (root->type != YB_JSON_OBJECT || !yb_json_get(root, "request_id"))
		abort();
	err = yb_json_get(root, "error");
	if ((r->status == 200) != !err || (err && (err->type != YB_JSON_STRING || !err->len)))
		abort();
	yb_json_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	yb_admin_request req;
	yb_response r;

	if (!H)
		setup();
	if (size < 1)
		return 0;
	memset(&req, 0, sizeof(req));
	req.method = routes[(in[0] - 'a' + 256u) % N_ROUTES].method;
	req.path = routes[(in[0] - 'a' + 256u) % N_ROUTES].path;
	req.authorization = bearer;
	req.query = query;
	query_file = "fuzz.csv";
	req.body = (const char *)in + 1;
	req.len = size - 1;
	memset(&r, 0, sizeof(r));
	yb_admin_handle(H, &req, &r);
	check_reply(&r);
	yb_buf_free(&r.body);
	if (++runs % 256 == 0 && yb_store_read(yb_ledger_store(L), check_store, NULL) < 0)
		abort();
	return 0;
}
