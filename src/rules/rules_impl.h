/* Internal to src/rules: the ruleset's layout and its code -> rules index. */
#ifndef YB_RULES_IMPL_H
#define YB_RULES_IMPL_H

#include "yibao/rules.h"

typedef struct rl_ref {
	uint32_t rule;  /* index into rules */
	int32_t next;   /* next ref of the same code, -1 none */
} rl_ref;

typedef struct rl_slot {
	const char *codg; /* NULL: empty */
	int32_t first;
} rl_slot;

struct yb_ruleset {
	yb_rule *rules;
	size_t n, cap;
	rl_slot *slot;    /* open addressing, n_slots a power of two */
	size_t n_slots;
	rl_ref *refs;
	size_t n_refs;
};

uint64_t yb_rl_hash(const char *s);
/* First ref of the rules naming codg, or -1. */
int32_t yb_rl_item_rules(const yb_ruleset *rs, const char *codg);

#endif
