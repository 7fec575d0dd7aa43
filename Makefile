# The two commands of the README: `make demo` and `make test`.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Seconds each libFuzzer target runs in `make fuzz` (the test suite: 20).
FUZZ_TIME ?= 300
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all setup build build-asan demo test test-fast fuzz bench clean install uninstall golden

all: build

setup:
	@bash scripts/setup.sh

# The release build, with gcc.
build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The same code with clang, AddressSanitizer and UndefinedBehaviorSanitizer.
build-asan: setup
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	  -DBRIEFING_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every report in input/ into out/<id>.pdf with the default template.
demo: build
	@mkdir -p out
	@for f in input/*.json; do \
	  (cd out && ../$(BUILD)/briefing render "../$$f") || exit 1; \
	done
	@ls -l out/*.pdf

# The whole suite, first on the release build, then under the sanitizers
# (with a short run of each fuzz target), then under valgrind memcheck (unit
# tests, one report end to end, the bad cases but the biggest).
test: build build-asan
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE memcheck
	@cd $(ASAN_BUILD) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L memcheck

test-fast: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE memcheck

# Each libFuzzer target (fuzz/) for FUZZ_TIME seconds; the corpus grows in
# $(ASAN_BUILD)/fuzz, crashes land in $(ASAN_BUILD)/fuzz/artifacts-*.
fuzz: build-asan
	@cd $(ASAN_BUILD) && $(SANITIZER_ENV) FUZZ_TIME=$(FUZZ_TIME) \
	  ctest --output-on-failure -j $(JOBS) -L fuzz

# Import speed (raw reports into report JSON), per-report render times (fonts
# loaded once), then `briefing batch` on a
# synthetic national data set (2,850 county reports derived from input/), on one
# thread and on every core, and fresh `briefing render` processes (docs/batch.md);
# then the national set through `briefing mail`, written and sent (docs/mail.md);
# then renders/s over HTTP through `briefing serve` (docs/api.md).
bench: build
	@./$(BUILD)/bench_import tests/import/seeds/*.txt $(wildcard tests/import/corpus/*.txt tests/import/corpus/*.html tests/import/corpus/*.docx)
	@./$(BUILD)/bench_render input/*.json
	@./$(BUILD)/gen_national -o $(BUILD)/national.ndjson input/*.json
	@./$(BUILD)/bench_batch -b $(BUILD)/briefing -o $(BUILD)/bench-out \
	  --fresh input/hengshan-2021.json $(BUILD)/national.ndjson
	@python3 bench/bench_mail.py $(BUILD)/briefing $(BUILD)/national.ndjson $(BUILD)/bench-mail
	@python3 bench/bench_serve.py $(BUILD)/briefing input/hengshan-2021.json

# Accepts the current layouts as the golden ones (tests/golden/*.jsonl): run
# after a deliberate change of layout and commit the files with it.
golden: build
	@bash tests/golden/golden.sh $(BUILD)/briefing --update

# Into PREFIX (default /usr/local): bin/briefing, lib/libbriefing.{so,a} with
# briefing.pc, include/briefing/briefing.h, share/briefing (templates, fonts),
# the manual and the bash completion. `make uninstall PREFIX=...` removes
# what the last install into that build wrote.
PREFIX ?= /usr/local
# What an install wrote, per prefix (cmake --install and cpack rewrite
# $(BUILD)/install_manifest.txt each time, so it cannot be trusted later).
MANIFEST = $(BUILD)/installed-$(shell printf '%s' "$(abspath $(PREFIX))" | md5sum | cut -c1-12).txt
install: build
	@cmake --install $(BUILD) --prefix "$(abspath $(PREFIX))"
	@cp $(BUILD)/install_manifest.txt $(MANIFEST)

# Removes only files of that list that lie under PREFIX.
uninstall:
	@test -f $(MANIFEST) || { echo "make uninstall: nothing installed into $(PREFIX) from $(BUILD)"; exit 1; }
	@p="$(abspath $(PREFIX))/"; while IFS= read -r f || [ -n "$$f" ]; do \
	  case "$$f" in "$$p"*) rm -f "$$f" ;; *) echo "make uninstall: skipped $$f (not under $$p)" ;; esac; \
	done < $(MANIFEST)
	@for d in "$(PREFIX)/share/briefing/templates" "$(PREFIX)/share/briefing/fonts" \
	  "$(PREFIX)/share/briefing" "$(PREFIX)/include/briefing" "$(PREFIX)/lib/pkgconfig" \
	  "$(PREFIX)/lib/briefing"; do rmdir "$$d" 2>/dev/null || true; done
	@rm -f $(MANIFEST)
	@echo "make uninstall: removed what $(BUILD) installed into $(PREFIX)"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out
