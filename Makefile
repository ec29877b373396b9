# exportrisk — make help lists the targets.
GO       ?= go
BIN      := bin/exportrisk
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build run test lint fmt-check vet policy-test fuzz bench golden worldmap help

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

bench: ## run the benchmarks: one assessment, the whole world, audit appends and replay
	$(GO) test -run '^$$' -bench . -benchmem ./engine/...

golden: ## rewrite golden files under testdata/ (review the diff before committing)
	$(GO) test ./... -update

worldmap: ## rebuild engine/chart/world-110m.json from the npm package world-atlas (needs node and npm; the build and tests do not)
	@tmp=$$(mktemp -d /tmp/exportrisk-worldmap.XXXXXX) && \
	cp engine/chart/worldmap-build/package.json engine/chart/worldmap-build/package-lock.json engine/chart/worldmap-build/project.mjs $$tmp/ && \
	(cd $$tmp && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && \
	node $$tmp/project.mjs indicators/countries/countries.csv > $$tmp/world-110m.json && \
	mv $$tmp/world-110m.json engine/chart/world-110m.json && rm -rf $$tmp && \
	sha256sum engine/chart/world-110m.json | cut -d' ' -f1 > engine/chart/world-110m.json.sha256 && \
	echo "engine/chart/world-110m.json: $$(wc -c < engine/chart/world-110m.json) bytes, sha256 $$(cat engine/chart/world-110m.json.sha256)"

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'
