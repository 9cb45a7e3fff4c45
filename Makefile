# Cerberus build. `make` builds build/cerberus; `make test` runs every test
# (unit, end-to-end, then the same under ASan+UBSan, then a short fuzz run);
# `make demo` runs the main job on the bundled sample data.
# `make SANITIZE=1` builds into build-asan/ with ASan+UBSan.

CC      ?= cc
PKGS    := jansson sqlite3 libcrypto libhs libpcre2-8 libmicrohttpd tree-sitter
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

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $< -o $@ $(LDFLAGS) $(LIBA) $(LDLIBS) -lcriterion

unit-bin: $(UNIT_BIN)

deps:
	@bash scripts/install-deps

# One build's unit and end-to-end tests.
check: $(BIN) $(UNIT_BIN)
	@bash tests/run.sh $(BUILD)

test: deps
	@bash tests/run-all.sh

demo: deps $(BIN)
	@bash scripts/demo.sh $(BIN)

# libFuzzer drivers (clang), built into build-fuzz/.
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_LIBSRC := $(filter-out src/main.c,$(SRC))

build-fuzz/%: fuzz/%.c $(FUZZ_LIBSRC)
	@mkdir -p build-fuzz
	clang -std=c11 -D_GNU_SOURCE -DCERBERUS_VERSION='"$(VERSION)"' -g -O1 -Isrc -fsanitize=fuzzer,address,undefined \
	  $(shell pkg-config --cflags $(PKGS)) $< $(FUZZ_LIBSRC) -o $@ $(shell pkg-config --libs $(PKGS)) -lpthread -lm

fuzz: $(FUZZ_BIN)

bench: $(BIN)
	@bash bench/run.sh

# The scrubber's precision, recall and F2 per type on the generated corpus.
eval-scrub: $(BIN)
	@python3 tools/eval_scrub.py $(BIN) --check

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all deps check test demo fuzz bench clean unit-bin eval-scrub
.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
