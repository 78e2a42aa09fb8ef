/* yibao: entry point and subcommand dispatch. */
#include "cli.h"
#include "yibao/error.h"
#include "yibao/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"calc", cmd_calc, "settle visits under a policy, in memory (docs/calc.md)"},
	{"policy", cmd_policy, "policy check FILE...: validate policy and catalogue files"},
	{"load", cmd_load, "load --db PATH FILE.jsonl...: institutions, persons, bindings, catalogue"},
	{"settle", cmd_settle, "settle --db PATH [FILE]: settle one visit durably"},
	{"cancel", cmd_cancel, "cancel --db PATH --setl-id ID --msgid M --fixmedins-code C"},
	{"check", cmd_check, "check --db PATH: verify every invariant of the store"},
	{"copy", cmd_copy, "copy --from PATH --to URL: a SQLite store into an empty PostgreSQL one"},
	{"serve", cmd_serve, "serve --db PATH --listen ADDR:PORT: the national interface over HTTP"},
	{"screen", cmd_screen, "screen --in DIR --out FILE.jsonl [--report F.html] [--sample 5%]: supervision rules in batch"},
	{"gen", cmd_gen, "gen --persons N --seed S --out DIR [--fraud-rate R]: a synthetic city with injected fraud"},
	{"enrol", cmd_enrol, "enrol calc|benefit|remote|chronic|bind|check FILE: enrolment rules (docs/enrolment.md); enrol register --db PATH FILE"},
	{"retire", cmd_retire, "retire check FILE | --db PATH PSN_NO: employees' medical retirement (N6)"},
	{"pay", cmd_pay, "pay reconcile --enrolments F.json --payments F.csv | pay import --db PATH F.csv: the tax system's payment file"},
	{"call", cmd_call, "call --url URL --fixmedins-code C --secret S FILE...: sign and send messages"},
	{"staff", cmd_staff, "staff add --db PATH --id ID --role ROLE: staff accounts of the administration API"},
};

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("yibao: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage(FILE *f)
{
	size_t i;
	fputs("usage: yibao <command> [options]\n\ncommands:\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout);
	/* every command that may append to the audit log signs with the same
	 * key: $YIBAO_AUDIT_KEY_FILE (serve and check also take --audit-key) */
	if (yb_audit_key_load(NULL) < 0) {
		cli_error("%s", yb_error_msg());
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	return usage(stderr);
}
