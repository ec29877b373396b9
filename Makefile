# exportrisk — make help lists the targets.
GO       ?= go
BIN      := bin/exportrisk
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build run test lint fmt-check vet policy-test fuzz bench golden help

all: lint build test ## lint, build and test everything

build: ## build bin/exportrisk
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/exportrisk

run: build ## assess Kazakhstan from the shipped fixture
	./$(BIN) assess KAZ

test: lint ## run every test: Go, Rego (with coverage >= 90 %), golden files, a short fuzz run
	$(GO) test -count=1 ./...
	$(MAKE) fuzz FUZZTIME=$(FUZZTIME)

lint: fmt-check vet ## gofmt and go vet (opa fmt and opa check --strict run in the policies tests)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

policy-test: ## run the Rego unit tests with coverage, strict compile and opa fmt checks
	$(GO) test -count=1 -v -run 'Rego|Policies|Format|Strict|Metadata' ./policies/

fuzz: ## fuzz the bundle loader for FUZZTIME (default 10s)
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./indicators/

bench: ## run the benchmarks: one assessment, the whole world, the world history, audit appends and replay
	$(GO) test -run '^$$' -bench . -benchmem ./engine/... ./indicators/importers/

golden: ## rewrite golden files under testdata/ (review the diff before committing)
	$(GO) test ./... -update

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'
