# yibao build. `make` builds build/yibao; `make check` builds and runs every
# test; `make SANITIZER=address` (or undefined, or address,undefined) builds
# into build/<sanitizer>/ so sanitized and plain objects never mix.

CC      ?= cc
comma   := ,
BUILD   ?= build
ifneq ($(SANITIZER),)
BUILD   := build/$(subst $(comma),-,$(SANITIZER))
SANFLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

OPT     ?= -O2 -g
CFLAGS  += -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
           -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla -Wno-format-truncation \
           -Iinclude $(OPT) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS  += -lsqlite3 -lmicrohttpd -lcrypto -lpthread -lm
# staff passwords of the administration API (src/admin/admin_staff.c)
LDLIBS  += -largon2
# the PostgreSQL backend (src/store/store_pg.c): Debian's libpq-dev
CFLAGS  += -I/usr/include/postgresql
LDLIBS  += -lpq
# The ledger judges every settlement by the rules beside the policies
# (docs/rules.md); the tests written before the rules (whose data reuse
# traceability codes freely) run without them (`make run` and the rules'
# own tests keep them).
RULES_FREE := unit golden property fuzz-replay cli-test lint ledger-test crashtest \
              crashtest-short faulttest integration enroll-test admin-test pg-test \
              bench-http bench-pg migration6-test
$(RULES_FREE): export YIBAO_RULES_DIR ?= none

LIB_SRC  := $(wildcard src/util/*.c src/policy/*.c src/engine/*.c src/rules/*.c src/enroll/*.c src/store/*.c src/ledger/*.c src/admin/*.c src/nhsa/*.c src/http/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
BENCH_SRC := $(wildcard bench/*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libyibao.a
BIN      := $(BUILD)/yibao
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
TOOL_BIN := $(BUILD)/tests/golden $(BUILD)/tests/property

# keep intermediate objects (tests, fuzz, bench) so a second make rebuilds nothing
.SECONDARY:

.PHONY: all check test unit golden property fuzz-replay cli-test lint bench fuzz run deps clean
all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/golden: $(BUILD)/tests/golden.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/property: $(BUILD)/tests/property.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Under gcc each fuzz target links with a driver that replays its corpus;
# `make fuzz` builds real libFuzzer binaries with clang.
$(BUILD)/tests/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---------------------------------------------------------------- tests
# `make check` first installs missing Debian packages (scripts/install-deps.sh),
# then runs every test; `make test` runs them without the package step.
check: deps
	@$(MAKE) --no-print-directory test

test: $(BIN) unit golden property fuzz-replay cli-test lint ledger-test migration6-test \
      crashtest-short faulttest integration enroll-test admin-test realtime-test rules-test pg-test
	@$(MAKE) --no-print-directory scan
	@echo "make check: all tests passed"

# Personal data in clear (issue 12 F6, docs/admin-api.md "Personal data"):
# the tests that start `yibao serve` keep its log and every answer in
# YIBAO_SCAN_DIR (tests/masking/collect.sh); `make test` ends by scanning
# them all for an ID number or a test person's name outside the written
# exceptions. SCANNED: the scripts a full run must have left there.
export YIBAO_SCAN_DIR ?= $(abspath $(BUILD))/scan
SCANNED := server flows admin e2e realtime server.pg flows.pg admin.pg e2e.pg realtime.pg
.PHONY: scan
scan:
	sh tests/masking/scan.sh --require "$(SCANNED)" $(YIBAO_SCAN_DIR)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

golden: $(BUILD)/tests/golden $(BIN)
	$(BUILD)/tests/golden tests/cases/*.json

property: $(BUILD)/tests/property
	$(BUILD)/tests/property 100000

fuzz-replay: $(FUZZ_BIN)
	@set -e; for t in $(FUZZ_BIN); do n=$${t##*/fuzz_}; \
	  echo "== $$t tests/fuzz/corpus/$$n"; $$t tests/fuzz/corpus/$$n; done

cli-test: $(BIN)
	YIBAO=$(BIN) sh tests/cli.sh

lint:
	sh tests/lint.sh
	sh tests/lint_test.sh
	sh tests/messages_test.sh

# the real `yibao serve` over loopback: envelope, limits, gateway refusals,
# retries, SIGTERM (tests/integration/server_test.sh), the HIS flows kept
# as data in tests/integration/flows/ (run by tests/integration/flow.c),
# then the connection limits (limits_test.sh, about 20 s)
.PHONY: integration
FLOW_BIN := $(BUILD)/tests/flow
$(FLOW_BIN): $(BUILD)/tests/integration/flow.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# no null where an answer has a number (issue 13): run over the flows' answers
CHECK_BIN := $(BUILD)/tests/answer_check
$(CHECK_BIN): $(BUILD)/tests/integration/answer_check.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)


# the connection limits under a flood from loopback addresses, with probes
# from another (tests/integration/limits_test.sh, tests/integration/flood.c)
FLOOD_BIN := $(BUILD)/tests/flood
$(FLOOD_BIN): $(BUILD)/tests/integration/flood.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)


integration: $(BIN) $(FLOW_BIN) $(CHECK_BIN) $(FLOOD_BIN)
	YIBAO=$(BIN) sh tests/integration/server_test.sh
	YIBAO=$(BIN) FLOW=$(FLOW_BIN) sh tests/integration/flows_test.sh
	YIBAO=$(BIN) FLOOD=$(FLOOD_BIN) sh tests/integration/limits_test.sh

# enrolment, contributions and registrations (issue 8): the golden cases of
# tests/enroll/cases, the cmocka tests and the CLI tests (< 20 s)
.PHONY: enroll-test
ENROLL_BIN := $(BUILD)/tests/enroll_golden $(BUILD)/tests/enroll_unit
$(BUILD)/tests/enroll_golden: $(BUILD)/tests/enroll/golden_enrol.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/enroll_unit: $(BUILD)/tests/enroll/test_enrol.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

enroll-test: $(BIN) $(ENROLL_BIN)
	$(BUILD)/tests/enroll_unit
	$(BUILD)/tests/enroll_golden --require N1,N2,N3,N4,N5,N6,N7,A1,CD6,OE5,OE8 \
	  tests/enroll/cases/*.json
	YIBAO=$(BIN) sh tests/enroll/cli.sh

# the administration API (issue 8, docs/admin-api.md): the real server over
# loopback with curl - roles, refusals, the audit log after each change -
# and a person enrolled, paid and registered through it settling through
# the national interface (tests/admin/*.sh), and the login lock-out under
# bursts of concurrent logins from chosen loopback addresses
# (tests/admin/lockout_test.sh with login_client.c)
.PHONY: admin-test
LOGIN_CLIENT := $(BUILD)/tests/login_client
$(LOGIN_CLIENT): $(BUILD)/tests/admin/login_client.o
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread

admin-test: $(BIN) $(LOGIN_CLIENT)
	YIBAO=$(BIN) sh tests/admin/admin_test.sh
	YIBAO=$(BIN) sh tests/admin/e2e_test.sh
	YIBAO=$(BIN) LOGIN_CLIENT=$(LOGIN_CLIENT) sh tests/admin/lockout_test.sh

# ledger, crash and write-failure tests (issue 3); crashtest-short is the
# short crash test for `make check`, crashtest the long one (50 kills)
.PHONY: ledger-test crashtest crashtest-short faulttest
CRASH_DRIVER := $(BUILD)/tests/crash_driver
$(CRASH_DRIVER): $(BUILD)/tests/crash/crash_driver.o $(BUILD)/tests/crash/faultvfs.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the visit API of ledger.h (issues 4 and 6) driven directly: run by
# ledger-test on SQLite and by pg-test on PostgreSQL
VISIT_TEST := $(BUILD)/tests/visit_test
$(VISIT_TEST): $(BUILD)/tests/ledger/visit_test.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

ledger-test: $(BIN) $(VISIT_TEST)
	YIBAO=$(BIN) VISIT_TEST=$(VISIT_TEST) sh tests/ledger/ledger_test.sh

pg-test: $(VISIT_TEST)

# a store written before migration 6 (tests/ledger/fixtures/migration6/):
# the new server replays its answers and yibao settle its outputs byte for byte
.PHONY: migration6-test
migration6-test: $(BIN) $(BUILD)/tests/msgzh
	YIBAO=$(BIN) MSGZH=$(BUILD)/tests/msgzh sh tests/ledger/migration6_test.sh

crashtest: $(BIN) $(CRASH_DRIVER)
	YIBAO=$(BIN) DRIVER=$(CRASH_DRIVER) sh tests/crash/crashtest.sh 50

crashtest-short: $(BIN) $(CRASH_DRIVER)
	YIBAO=$(BIN) DRIVER=$(CRASH_DRIVER) sh tests/crash/crashtest.sh 5

faulttest: $(BIN) $(CRASH_DRIVER)
	YIBAO=$(BIN) DRIVER=$(CRASH_DRIVER) sh tests/crash/faulttest.sh

# PostgreSQL: the ledger and crash tests against a throwaway server, the
# single-shard proof (tests/pg/pg_test.sh; installs PostgreSQL if missing)
.PHONY: pg-test bench-pg
pg-test: $(BIN) $(CRASH_DRIVER) $(FLOW_BIN) $(CHECK_BIN) $(LOGIN_CLIENT)
	YIBAO=$(BIN) DRIVER=$(CRASH_DRIVER) FLOW=$(FLOW_BIN) LOGIN_CLIENT=$(LOGIN_CLIENT) sh tests/pg/pg_test.sh

# -------------------------------------------------------------- benches
bench: $(BENCH_BIN)
	$(BUILD)/bench/engine
	$(BUILD)/bench/ledger
	@$(MAKE) --no-print-directory bench-http

# complete outpatient settlements per second through `yibao serve` over
# loopback, driven by wrk (bench/http.sh, bench/http.lua)
.PHONY: bench-http
bench-http: $(BIN) $(BUILD)/bench/gen_people
	YIBAO=$(BIN) GEN=$(BUILD)/bench/gen_people sh bench/http.sh

# the latency of normal requests while `yibao serve` is flooded from
# loopback addresses (bench/flood.sh, tests/integration/flood.c)
.PHONY: bench-flood
bench-flood: $(BIN) $(FLOOD_BIN)
	YIBAO=$(BIN) FLOOD=$(FLOOD_BIN) sh bench/flood.sh

# settlements/s on PostgreSQL and pgbench on the same server, alternating
# (bench/pg.c); a throwaway server unless YIBAO_PG_URL answers
bench-pg: $(BUILD)/bench/pg
	sh -c '. tests/pg/pg_env.sh && $(BUILD)/bench/pg --db "$$YIBAO_PG_URL"'

# ---- rules: begin (issue 7: supervision rules, yibao gen and screen; docs/rules.md)
# rules-test: the golden rule cases, the rule-file fuzz corpus, and gen +
# screen end to end (injected fraud all found, clean data silent, SQLite's
# SQL agreeing; DuckDB's too when bench/screen-duckdb/node_modules is there)
.PHONY: rules-test bench-screen
$(BUILD)/tests/rules_test: $(BUILD)/tests/rules/rules_test.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the rules inside the settlement transaction, and screen --db agreeing
# with them on the same store (issue 7 phase B)
.PHONY: realtime-test
realtime-test: $(BIN) $(FLOW_BIN)
	YIBAO=$(BIN) FLOW=$(FLOW_BIN) sh tests/rules/realtime_test.sh
	YIBAO=$(BIN) sh tests/rules/store_screen_test.sh 40

rules-test: $(BIN) $(BUILD)/tests/rules_test $(BUILD)/tests/fuzz_rules
	$(BUILD)/tests/rules_test rules tests/rules/cases/*.json
	$(BUILD)/tests/fuzz_rules tests/fuzz/corpus/rules
	YIBAO=$(BIN) sh tests/rules/screen_test.sh

# yibao screen against DuckDB and SQLite over BENCH_SCREEN_LINES fee lines
# (docs/performance.md, "Screening"); DuckDB from npm in bench/screen-duckdb
# (SQLite on a prefix of BENCH_SCREEN_SQLITE_LINES: the whole set would take it hours)
BENCH_SCREEN_LINES ?= 100000000
BENCH_SCREEN_SQLITE_LINES ?= 10000000
BENCH_SCREEN_DIR ?= $(BUILD)/bench-screen
bench-screen: $(BIN) $(BUILD)/bench/screen
	@[ -d bench/screen-duckdb/node_modules/@duckdb ] || (cd bench/screen-duckdb && npm install --no-audit --no-fund)
	$(BUILD)/bench/screen --yibao $(BIN) --lines $(BENCH_SCREEN_LINES) \
	  --sqlite-lines $(BENCH_SCREEN_SQLITE_LINES) --dir $(BENCH_SCREEN_DIR)
# ---- rules: end

# ------------------------------------------------------- libFuzzer runs
FUZZ_TIME ?= 60
fuzz:
	CFLAGS=-Wno-unknown-warning-option $(MAKE) CC=clang BUILD=build/fuzz \
	  SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  build/fuzz/libyibao.a
	@mkdir -p build/fuzz/bin build/fuzz/crashes; fail=0; for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); c=$${n#fuzz_}; \
	  clang $(CFLAGS) -Wno-unknown-warning-option -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all $$f build/fuzz/libyibao.a -o build/fuzz/bin/$$n $(LDLIBS) || exit 1; \
	  mkdir -p build/fuzz/corpus/$$c; echo "== $$n, $(FUZZ_TIME) s"; \
	  build/fuzz/bin/$$n -max_total_time=$(FUZZ_TIME) -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/crashes/$$n- build/fuzz/corpus/$$c tests/fuzz/corpus/$$c || fail=1; \
	done; exit $$fail

# -------------------------------------------------------------- the demo
run: deps
	@$(MAKE) --no-print-directory $(BIN)
	sh scripts/run-demo.sh $(BIN)

deps:
	sh scripts/install-deps.sh

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# tests/tools/msgzh: the message catalogue's Chinese of English messages
# read from stdin (for writing a test's expected err_msg)
$(BUILD)/tests/msgzh: $(BUILD)/tests/tools/msgzh.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
