# herd — build, test, install.  See README.md.
PREFIX  ?= /usr/local
CC      ?= cc
PKGS     = libssh2 libcrypto sqlite3 zlib
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += $(OPT) $(SAN) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror=implicit-function-declaration \
           -iquote include $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(SAN)
LDLIBS  += $(PKG_LIBS) -lpthread -lm

MAINS    = src/herd.c src/herdd.c
LIB_SRC  = $(filter-out $(MAINS),$(wildcard src/*.c))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
TEST_SRC = $(wildcard tests/unit/test_*.c)
TESTS    = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard fuzz/fuzz_*.c)
FUZZ_RUN = $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
BENCH_SRC = $(wildcard bench/bench_*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps check unit integration torture fuzz-corpus fuzz bench quickstart install install-units clean sanbuild
all: bin/herd bin/herdd

bin/herd bin/herdd: bin/%: $(BUILD)/obj/%.o $(BUILD)/libherd.a
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A sanitizer build lives in its own tree so it never mixes with bin/.
$(BUILD)/bin/%: $(BUILD)/obj/%.o $(BUILD)/libherd.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libherd.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libherd.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libherd.a $(LDLIBS) -lcmocka

# Fuzz targets built with a plain driver that replays the corpus (no clang needed);
# `make fuzz` builds real libFuzzer binaries with clang.
$(BUILD)/fuzz/%: fuzz/%.c fuzz/driver.c $(BUILD)/libherd.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< fuzz/driver.c $(BUILD)/libherd.a $(LDLIBS)

# The benchmark's programs (scripts/bench builds them -O2 for its run);
# built here too by `make check`, so a change that breaks them is seen.
$(BUILD)/bench/%: bench/%.c $(BUILD)/libherd.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libherd.a $(LDLIBS)

# HERD_RERUN: what deps tells the user to run again if apt is busy.
deps:
	@HERD_RERUN="make $(or $(MAKECMDGOALS),deps)" scripts/deps

SANBUILD = $(MAKE) --no-print-directory BUILD=build-san OPT="-O1 -g" \
	   SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

sanbuild:
	$(SANBUILD) build-san/bin/herd build-san/bin/herdd build-san/libherd.a
	$(SANBUILD) $(TESTS:$(BUILD)/%=build-san/%) $(FUZZ_RUN:$(BUILD)/%=build-san/%)

unit: sanbuild
	@scripts/run-unit build-san

integration: sanbuild
	@HERD_BIN=$(CURDIR)/build-san/bin tests/integration/run

# The long fault-injection runs (tests/torture/run says what and how big;
# TORTURE_QUICK=1 for a short pass).  The optimised bin/, not the sanitizer
# build: these sizes need the speed.
torture: all
	@HERD_BIN=$(CURDIR)/bin tests/torture/run

check: deps
	$(MAKE) all $(BENCH_BIN)
	$(MAKE) sanbuild
	@scripts/run-unit build-san
	@HERD_BIN=$(CURDIR)/build-san/bin tests/integration/run

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SAN="-fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libherd.a
	@mkdir -p build-fuzz/fuzz
	for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang -O1 -g -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -iquote include $(PKG_CFLAGS) \
	    -o build-fuzz/fuzz/$$n $$f build-fuzz/libherd.a $(LDLIBS) || exit 1; done

bench: all
	@scripts/bench

# A first look: the compiler's lines (some 35) would bury the demo, so the
# build is quiet and its output shown only when it fails.
QS_LOG = $(BUILD)/quickstart-build.log
quickstart: deps
	@echo "quickstart: building bin/herd and bin/herdd"
	@mkdir -p $(BUILD); if ! $(MAKE) --no-print-directory all >$(QS_LOG) 2>&1; then \
	  cat $(QS_LOG) >&2; echo "quickstart: the build failed (output above, also in $(QS_LOG))" >&2; exit 1; fi
	@scripts/quickstart

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8 \
	  $(DESTDIR)$(PREFIX)/share/doc/herd
	install -m 755 bin/herd bin/herdd $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/herd.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/hosts.ini.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/herdd.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 hosts.example.ini $(DESTDIR)$(PREFIX)/share/doc/herd/
	# Completion, generated from herd's own command table (herd completion).
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	bin/herd completion bash >$(DESTDIR)$(PREFIX)/share/bash-completion/completions/herd
	bin/herd completion zsh >$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_herd
	chmod 644 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/herd \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_herd
	# SLURM_NAMES=1: Slurm's command names as links to herd, in a directory
	# of their own so a user chooses them by PATH (herd(1), SLURM NAMES).
	if [ "$(SLURM_NAMES)" = 1 ]; then \
	  install -d $(DESTDIR)$(PREFIX)/lib/herd/slurm-bin && \
	  for n in sbatch squeue scancel sinfo sacct scontrol srun salloc; do \
	    ln -sf ../../../bin/herd $(DESTDIR)$(PREFIX)/lib/herd/slurm-bin/$$n || exit 1; \
	  done; \
	fi

# Lab mode's system unit (herdd(8), LAB MODE), pointed at $(PREFIX)/bin, run
# as HERD_USER (group HERD_GROUP) with its state in HERD_STATE_DIR (hosts.ini's
# state_dir must say the same).  systemd's StateDirectory= makes only
# directories under /var/lib; another HERD_STATE_DIR is the admin's to make,
# and the unit says so where that line was.  The personal-mode user unit is
# copied by each user: see dist/systemd/herdd-user.service.
SYSTEMD_UNIT_DIR ?= /etc/systemd/system
HERD_USER      ?= herd
HERD_GROUP     ?= $(HERD_USER)
HERD_STATE_DIR ?= /var/lib/herd
install-units:
	@printf '%s\n' '$(HERD_USER)' '$(HERD_GROUP)' | grep -qvx '[A-Za-z0-9_][A-Za-z0-9._-]*' && \
	  { echo "install-units: HERD_USER and HERD_GROUP must be user and group names" >&2; exit 1; }; \
	printf '%s\n' '$(HERD_STATE_DIR)' | grep -qx '/[A-Za-z0-9._/-]*[A-Za-z0-9._-]' || \
	  { echo "install-units: HERD_STATE_DIR must be an absolute path (letters, digits, . _ - /)" >&2; exit 1; }
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	case '$(HERD_STATE_DIR)' in \
	/var/lib/?*) sd='StateDirectory=$(patsubst /var/lib/%,%,$(HERD_STATE_DIR))' ;; \
	*) sd='# No StateDirectory=: it makes only directories under /var/lib.  Make this one with\n# install -d -o $(HERD_USER) -g $(HERD_GROUP) -m 700 $(HERD_STATE_DIR)' ;; \
	esac; \
	sed -e 's#/usr/local/bin/#$(PREFIX)/bin/#g' -e 's#^User=herd$$#User=$(HERD_USER)#' \
	  -e 's#^Group=herd$$#Group=$(HERD_GROUP)#' -e 's#/var/lib/herd#$(HERD_STATE_DIR)#g' \
	  -e "s@^StateDirectory=herd\$$@$$sd@" dist/systemd/herdd.service \
	  >$(DESTDIR)$(SYSTEMD_UNIT_DIR)/herdd.service
	chmod 644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/herdd.service

clean:
	rm -rf build build-san build-fuzz bin

-include $(sort $(wildcard $(BUILD)/obj/*.d build/obj/*.d build-san/obj/*.d $(BUILD)/tests/*.d $(BUILD)/fuzz/*.d build-san/tests/*.d build-san/fuzz/*.d))
