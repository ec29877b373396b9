# exportrisk — make help lists the targets.
GO       ?= go
BIN      := bin/exportrisk
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 10s
BENCHTIME ?= 2s
BENCH_DIR := bin/bench
OPA_BIN  := bin/tools/opa
OPA_VERSION = $(shell $(GO) list -m -f '{{.Version}}' github.com/open-policy-agent/opa)

.PHONY: all build run test lint fmt-check vet policy-test fuzz fuzz-parse fuzz-compiled bench bench-all golden help

all: lint build test ## lint, build and test everything

build: ## build bin/exportrisk
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/exportrisk

run: build ## assess Kazakhstan from the shipped fixture
	./$(BIN) assess KAZ

test: lint ## run every test: Go, Rego (with coverage >= 90 %), golden files, a short fuzz run
	$(GO) test -count=1 ./...
	$(MAKE) fuzz-parse FUZZTIME=$(FUZZTIME)

lint: fmt-check vet ## gofmt and go vet (opa fmt and opa check --strict run in the policies tests)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

policy-test: ## run the Rego unit tests with coverage, strict compile and opa fmt checks
	$(GO) test -count=1 -v -run 'Rego|Policies|Format|Strict|Metadata' ./policies/

fuzz: fuzz-parse fuzz-compiled ## fuzz the bundle loader and the compiled evaluator against OPA's, FUZZTIME each (default 10s)

fuzz-parse: ## fuzz the bundle loader for FUZZTIME
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./indicators/

fuzz-compiled: ## differential fuzzing: compiled evaluator vs OPA's interpreter on fuzzed inputs, for FUZZTIME
	$(GO) test -run '^$$' -fuzz '^FuzzCompiledMatchesOPA$$' -fuzztime $(FUZZTIME) ./engine/

bench: ## benchmarks side by side: compiled evaluator vs OPA's interpreter vs upstream opa (installed), with ratios
	GOBIN=$(CURDIR)/bin/tools $(GO) install github.com/open-policy-agent/opa@$(OPA_VERSION)
	@mkdir -p $(BENCH_DIR)
	$(GO) run ./cmd/benchtable input $(BENCH_DIR)/kaz-input.json
	$(OPA_BIN) bench --data policies --input $(BENCH_DIR)/kaz-input.json --format gobench --benchmem --metrics=false \
		--count 1 'data.main.assessment' | tee $(BENCH_DIR)/opa.txt
	$(GO) test -run '^$$' -bench 'BenchmarkEvaluate|BenchmarkAssessEvaluators|BenchmarkAssessAll' -benchmem \
		-benchtime $(BENCHTIME) ./engine/ | tee $(BENCH_DIR)/engine.txt
	$(GO) test -run '^$$' -bench 'BenchmarkReplay/embedded/.*/from-store' -benchtime 3x ./engine/audit/ | tee $(BENCH_DIR)/replay.txt
	OPA_BIN=$(CURDIR)/$(OPA_BIN) $(GO) test -run '^$$' -bench 'BenchmarkServeAssessments/country/clients=8$$|BenchmarkOPAServer' \
		-benchtime 5000x ./engine/server/ | tee $(BENCH_DIR)/server.txt
	@echo; $(GO) run ./cmd/benchtable table $(BENCH_DIR)/opa.txt $(BENCH_DIR)/engine.txt $(BENCH_DIR)/replay.txt $(BENCH_DIR)/server.txt

bench-all: ## every Go benchmark of the engine packages (audit appends, canonical JSON...)
	$(GO) test -run '^$$' -bench . -benchmem ./engine/... ./indicators/

golden: ## rewrite golden files under testdata/ (review the diff before committing)
	$(GO) test ./... -update

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'
