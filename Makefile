# The two commands of the README: `make demo` and `make test`.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all setup build build-asan demo test test-fast bench clean

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

# The whole suite, first on the release build, then under the sanitizers.
test: build build-asan
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

test-fast: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@./$(BUILD)/bench_render input/*.json

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out
