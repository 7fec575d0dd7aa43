# The two commands of the README: `make demo` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all setup build demo test test-asan bench clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p out
	@for f in input/*.json; do \
	  ./$(BUILD)/briefing render "$$f" -o "out/$$(basename "$$f" .json).pdf" || exit 1; \
	  echo "wrote out/$$(basename "$$f" .json).pdf"; \
	done

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@./$(BUILD)/bench_render input/*.json

clean:
	rm -rf $(BUILD) build-asan out
