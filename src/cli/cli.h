/* The yibao command-line tool: one cmd_<verb>() per subcommand. Each
 * returns the process exit code: 0 done, 1 failure, 2 bad input or usage. */
#ifndef YB_CLI_H
#define YB_CLI_H

int cmd_calc(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_settle(int argc, char **argv);
int cmd_cancel(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_enrol(int argc, char **argv);
int cmd_retire(int argc, char **argv);
int cmd_pay(int argc, char **argv);
/* Validates an enrolment policy file (cmd_enroll.c); 0 or -1. */
int cli_enrol_check(const char *file);
int cmd_call(int argc, char **argv);
/* The administration over a store (cmd_admin.c, docs/admin-api.md). */
int cmd_staff(int argc, char **argv);
int cli_admin_pay_import(int argc, char **argv);
int cli_admin_enrol(int argc, char **argv);
int cli_admin_retire(int argc, char **argv);

/* Prints "yibao: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
