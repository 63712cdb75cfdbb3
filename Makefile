# litehcl build.  `make` builds build/litehcl and build/litellm-emu.
# Generated C (re2c, lemon) lives under $(BUILD)/gen and is never committed.
#
#   make deps          install the Debian packages the build needs (idempotent)
#   make               build the tool and the emulator
#   make check         run the whole test suite (plain build, then ASan/UBSan build,
#                      then a bounded fuzz run); ends with "N passed, N failed"
#   make demo          start the emulator, apply examples/quickstart and examples/teams, plan again, stop
#   make bench         benchmarks (parse, fmt, evaluate, plan/apply, the network limit,
#                      teams, the emulator, Terraform where installed); not part of check
#   make install PREFIX=/usr/local   the binary, its man page (litehcl.1) and bash
#                      completion (src/litehcl.bash)

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
STD      = -std=c11 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Werror -Wno-unused-parameter
DEPFLAGS = -MMD -MP
INC      = -Isrc -I$(BUILD)/gen -I/usr/include/postgresql
CFLAGS_ALL = $(STD) $(OPT) $(SAN) $(INC) $(CFLAGS)
LIBS     = -lcjson -lpcre2-8 -lyaml -lcrypto -lcrypt -lz -lmpfr -lgmp -ldl -lm
EMU_LIBS = -lmicrohttpd -lcjson -lpthread -lm

ifeq ($(origin CC),default)
CC = cc
endif

GEN_DIR  = $(BUILD)/gen
GEN_C    = $(GEN_DIR)/lexer.c $(GEN_DIR)/parser.c
GEN_H    = $(GEN_DIR)/parser.h
SRC      = $(filter-out src/main.c,$(wildcard src/*.c))
OBJ      = $(SRC:src/%.c=$(BUILD)/obj/%.o) $(GEN_DIR)/lexer.o $(GEN_DIR)/parser.o
EMU_SRC  = $(wildcard tests/emu/*.c)
EMU_OBJ  = $(EMU_SRC:tests/emu/%.c=$(BUILD)/emu/%.o)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)

.PHONY: all deps check test test-plain test-san fuzz bench bench-parse demo install clean

all: $(BUILD)/litehcl $(BUILD)/litellm-emu $(UNIT_BIN)

deps:
	@sh tests/deps.sh

$(GEN_DIR)/lexer.c: grammar/lexer.re $(GEN_H)
	@mkdir -p $(GEN_DIR)
	re2c -W -Werror --utf8 -i -o $@ $<

# lemon writes parser.c and parser.h in one run: one rule makes both, so a parallel
# build never runs lemon twice at once.
$(GEN_DIR)/parser.h: $(GEN_DIR)/parser.c
	@test -f $@ || { rm -f $<; $(MAKE) $<; }

$(GEN_DIR)/parser.c: grammar/parser.y
	@mkdir -p $(GEN_DIR)
	cp grammar/parser.y $(GEN_DIR)/parser.y
	cd $(GEN_DIR) && lemon -s -q parser.y > lemon.out 2>&1; st=$$?; cat lemon.out; \
	  if [ $$st -ne 0 ] || grep -Eq 'conflicts\.+ *[1-9]|parsing conflict' lemon.out; then echo "lemon: conflicts or errors" >&2; rm -f parser.c parser.h; exit 1; fi

# Generated code is compiled without -Werror: its warnings are not ours to fix.
$(GEN_DIR)/%.o: $(GEN_DIR)/%.c
	$(CC) $(CFLAGS_ALL) -Wall -Wno-unused-parameter -Wno-unused-variable -Wno-sign-compare $(DEPFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c $(GEN_H)
	@mkdir -p $(BUILD)/obj
	$(CC) $(CFLAGS_ALL) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/liblitehcl.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/main.o: src/main.c $(GEN_H)
	@mkdir -p $(BUILD)/obj
	$(CC) $(CFLAGS_ALL) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/litehcl: $(BUILD)/obj/main.o $(BUILD)/liblitehcl.a
	$(CC) $(OPT) $(SAN) -o $@ $^ $(LIBS)

$(BUILD)/emu/%.o: tests/emu/%.c
	@mkdir -p $(BUILD)/emu
	$(CC) $(STD) $(OPT) $(SAN) -Itests/emu $(CFLAGS) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/litellm-emu: $(EMU_OBJ)
	$(CC) $(OPT) $(SAN) -o $@ $^ $(EMU_LIBS)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h tests/unit/row_same.h $(BUILD)/liblitehcl.a
	@mkdir -p $(BUILD)/unit
	$(CC) $(CFLAGS_ALL) $(WARN) -o $@ $< $(BUILD)/liblitehcl.a $(LIBS)

# The fuzz targets need clang's libFuzzer.  The sources are compiled once with the
# fuzzer's instrumentation and linked into each target.
FUZZ_CFLAGS = $(STD) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJ = $(SRC:src/%.c=$(BUILD)/fuzz/obj/%.o) $(GEN_C:$(GEN_DIR)/%.c=$(BUILD)/fuzz/obj/%.o)

$(BUILD)/fuzz/obj/%.o: src/%.c $(GEN_H) $(wildcard src/*.h)
	@mkdir -p $(BUILD)/fuzz/obj
	clang $(FUZZ_CFLAGS) $(INC) -c -o $@ $<

$(BUILD)/fuzz/obj/%.o: $(GEN_DIR)/%.c $(GEN_H)
	@mkdir -p $(BUILD)/fuzz/obj
	clang $(FUZZ_CFLAGS) $(INC) -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -Isrc -I$(GEN_DIR) -o $@ $< $(FUZZ_OBJ) $(LIBS)

fuzz: $(BUILD)/fuzz/fuzz_parse $(BUILD)/fuzz/fuzz_fmt $(BUILD)/fuzz/fuzz_state

# The sanitizer build uses clang, so every check also proves the code compiles
# warning-free under both gcc (plain build) and clang.
check:
	$(MAKE) -j$(JOBS) all
	$(MAKE) -j$(JOBS) CC=clang BUILD=build/san OPT="-O1 -g" SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" all
	$(MAKE) -j$(JOBS) fuzz
	sh tests/run.sh

test: check

bench: bench-parse
	sh tests/bench/fmt.sh
	sh tests/bench/eval.sh
	sh tests/bench/plan.sh
	sh tests/bench/network.sh
	sh tests/bench/teams.sh
	sh tests/bench/emu.sh
	sh tests/bench/terraform_peer.sh
	sh tests/bench/scale.sh

bench-parse: all
	sh tests/bench/parse.sh

demo: all
	sh examples/demo.sh

install: $(BUILD)/litehcl
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/litehcl $(DESTDIR)$(PREFIX)/bin/litehcl
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 litehcl.1 $(DESTDIR)$(PREFIX)/share/man/man1/litehcl.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 src/litehcl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/litehcl

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/emu/*.d $(BUILD)/gen/*.d)
