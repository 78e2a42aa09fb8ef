/* Internal: diagnostics while reading policy and catalogue files. Every
 * error is kept (a policy author fixes them all in one pass); the first one
 * also becomes yb_error_msg(). */
#ifndef YB_POLICY_DIAG_H
#define YB_POLICY_DIAG_H

#include "yibao/json.h"
#include "yibao/policy.h"

typedef struct pdiag {
	const char *file;
	yb_diag *out; /* may be NULL */
	int errors;
	char first[768]; /* the first error, restored as yb_error_msg() */
} pdiag;

int diag_error(pdiag *pd, uint32_t line, const char *msg);
/* Records yb_error_msg() (set by a yb_jget_* call) at line. */
int diag_last(pdiag *pd, uint32_t line);
int diag_at(pdiag *pd, uint32_t line, const yb_jpath *p, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Line of obj[key], or of obj when the key is absent. */
uint32_t diag_line(const yb_json *obj, const char *key);
/* Reports members of obj not in the NULL-terminated allowed list. */
int diag_keys(pdiag *pd, const yb_json *obj, const yb_jpath *p,
	      const char *const *allowed);

/* Runs a yb_jget_* call and records its failure at the member's line. */
#define DIAG_GET(pd, obj, key, call) \
	((call) < 0 ? diag_last((pd), diag_line((obj), (key))) : 0)

#endif
