# Cerberus build. `make` builds build/cerberus; `make test` runs every test
# (unit, end-to-end, then the same under ASan+UBSan, then a short fuzz run);
# `make demo` runs the main job on the bundled sample data.
# `make SANITIZE=1` builds into build-asan/ with ASan+UBSan.

CC      ?= cc
PKGS    := jansson sqlite3 libcrypto libhs libpcre2-8 libmicrohttpd tree-sitter icu-uc
VERSION := 0.1.0

ifeq ($(SANITIZE),1)
BUILD   ?= build-asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT     ?= -O1 -g
else
BUILD   ?= build
SANFLAGS :=
OPT     ?= -O2 -g
endif

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -Isrc -DCERBERUS_VERSION='"$(VERSION)"' \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS += $(SANFLAGS)

SRC      := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
BIN      := $(BUILD)/cerberus
LIBA     := $(BUILD)/libcerberus.a

# The dashboard and widget (web/src), bundled by web/build.mjs into a C
# file of byte arrays under the build folder and linked into the binary.
WEB_SRC  := $(sort $(wildcard web/src/*)) web/build.mjs web/package-lock.json
WEB_C    := $(BUILD)/gen/web_assets.c
WEB_OBJ  := $(BUILD)/gen/web_assets.o
# tree-sitter grammars for CodeBLEU: C sources from the npm packages pinned in
# grammars/package-lock.json (scripts/install-deps runs npm ci). Compiled once
# into build-grammars/ without sanitizers (third-party tables, shared by every
# build) and archived into the library. Each dir holds parser.c (+ scanner.c).
GRAMMAR_DIRS := python java javascript go c cpp c-sharp php/php ruby rust
GRAMMAR_NM   := grammars/node_modules
# Grammars with an external scanner, listed rather than found with a
# wildcard: on a fresh clone node_modules appears only when `deps` has run,
# after this Makefile was read.
GRAMMAR_SCANNERS := python javascript cpp c-sharp php/php ruby rust
GRAMMAR_OBJ  := $(GRAMMAR_DIRS:%=build-grammars/%/parser.o) $(GRAMMAR_SCANNERS:%=build-grammars/%/scanner.o)

build-grammars/%/parser.o: $(GRAMMAR_NM)/tree-sitter-%/src/parser.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -w -fPIC -I$(dir $<) -c $< -o $@

build-grammars/%/scanner.o: $(GRAMMAR_NM)/tree-sitter-%/src/scanner.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -w -fPIC -I$(dir $<) -c $< -o $@

GRAMMAR_LIB  := build-grammars/libgrammars.a

$(GRAMMAR_NM)/tree-sitter-%/src/parser.c $(GRAMMAR_NM)/tree-sitter-%/src/scanner.c:
	@echo "missing $@: run scripts/install-deps (npm ci in grammars/)" >&2; exit 1

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

%/gen/web_assets.c: $(WEB_SRC)
	@test -d web/node_modules || { echo "web/node_modules is missing: run scripts/install-deps (npm ci in web/)" >&2; exit 1; }
	node web/build.mjs $@

$(WEB_OBJ): $(WEB_C)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ) $(WEB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# q, not r: several members are called parser.o
$(GRAMMAR_LIB): $(GRAMMAR_OBJ)
	@rm -f $@
	ar qcs $@ $^

# The scrubber's Hyperscan database, compiled and serialized at build time
# by tools/hsdb_gen.c (linked into the binary only; see src/core/scrub.c).
HSDB_GEN := $(BUILD)/gen/hsdb-gen
HSDB_C   := $(BUILD)/gen/scrub_hsdb.c
HSDB_OBJ := $(BUILD)/gen/scrub_hsdb.o

$(HSDB_GEN): tools/hsdb_gen.c $(LIBA) $(GRAMMAR_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS) $(LIBA) $(GRAMMAR_LIB) $(LDLIBS)

$(HSDB_C): $(HSDB_GEN)
	$(HSDB_GEN) > $@.tmp && mv $@.tmp $@

$(HSDB_OBJ): $(HSDB_C)
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN): $(MAIN_OBJ) $(LIBA) $(GRAMMAR_LIB) $(HSDB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBA) $(GRAMMAR_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $< -o $@ $(LDFLAGS) $(LIBA) $(GRAMMAR_LIB) $(LDLIBS) -lcriterion

unit-bin: $(UNIT_BIN)

deps:
	@bash scripts/install-deps

# One build's unit and end-to-end tests.
check: $(BIN) $(UNIT_BIN)
	@bash tests/run.sh $(BUILD)

test: deps
	@bash tests/run-all.sh

# A sub-make after `deps`, so that it reads the Makefile with the npm
# packages in place, and builds on every core.
demo: deps
	@$(MAKE) -s -j$$(nproc 2>/dev/null || echo 2) all
	@bash scripts/demo.sh $(BIN)

# libFuzzer drivers (clang), built into build-fuzz/.
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_LIBSRC := $(filter-out src/main.c,$(SRC))

# The library is compiled once with coverage instrumentation
# (fuzzer-no-link) and archived; each driver links against it.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -DCERBERUS_VERSION='"$(VERSION)"' -g -O1 -Isrc \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ := $(FUZZ_LIBSRC:%.c=build-fuzz/obj/%.o) build-fuzz/obj/gen/web_assets.o
FUZZ_LIB := build-fuzz/libcerberus-fuzz.a

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@

build-fuzz/obj/gen/web_assets.o: build-fuzz/gen/web_assets.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build-fuzz/%: fuzz/%.c $(FUZZ_LIB) $(GRAMMAR_LIB)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined $< $(FUZZ_LIB) $(GRAMMAR_LIB) -o $@ \
	  $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

fuzz: $(FUZZ_BIN)

bench: $(BIN)
	@bash bench/run.sh

# The scrubber's precision, recall and F2 per type on the generated corpus.
eval-scrub: $(BIN)
	@python3 tools/eval_scrub.py $(BIN) --check

# The same metric on a held-out corpus written apart from the rules.
scrub-holdout: $(BIN)
	@python3 tools/scrub_holdout.py $(BIN) --check

clean:
	rm -rf build build-asan build-fuzz build-grammars

.PHONY: all deps check test demo fuzz bench clean unit-bin eval-scrub scrub-holdout
.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(WEB_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)
