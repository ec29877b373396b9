# exportrisk — make help lists the targets.
GO       ?= go
BIN      := bin/exportrisk
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)

# CI tools, pinned (installed with go install by make ci-tools; .ci/run calls it).
STATICCHECK_VERSION := 2026.2.2
STATICCHECK_MODULE  := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK_MODULE  := golang.org/x/vuln/cmd/govulncheck@v1.10.0
# The Go vulnerability database as published in the golang.org/x/vulndb module (its OSV
# reports), indexed with its own cmd/indexdb into a database govulncheck reads from disk.
VULNDB_VERSION      := v0.0.0-20261105234957-e22db6528018
VULNDB_DIR          ?= $(CURDIR)/.cache/vulndb
# Packages with concurrency (server handlers and sessions, audit appends, world and
# impact workers, the history service's cache of worlds): tested with the race detector.
RACE_PKGS := ./engine/ ./engine/audit/ ./engine/server/ ./engine/policy/impact/ ./engine/history/
# Every fuzz target, as package:Target:budget. Budgets are execution counts (about 2-5 s each
# on a quiet 2-core machine), not durations: a -fuzztime duration races Go's fuzz coordinator
# at its deadline and fails with "context deadline exceeded" and no crasher on a loaded
# machine (go.dev/issue/75804, fixed in Go 1.27). FUZZTIME=30s (or 100000x) overrides every budget.
FUZZ_TARGETS := ./indicators/:FuzzParse:50000x ./indicators/:FuzzCanonicalize:50000x \
	./indicators/safetext/:FuzzEscape:50000x ./engine/:FuzzCompiledMatchesOPA:300x \
	./engine/plan/:FuzzAppendJSONString:50000x ./engine/:FuzzNewInputCanonical:5000x \
	./engine/:FuzzResultCanonical:5000x ./engine/:FuzzBundleFromValue:20000x \
	./engine/plan/:FuzzParseCanonical:20000x \
	./indicators/:FuzzReadJSONNodes:20000x ./indicators/:FuzzMergePatch:20000x
FUZZTIME ?=
SOAKTIME ?= 60s
# make bench: benchmark time, where its files go, and the opa CLI of go.mod's OPA version.
BENCHTIME ?= 2s
BENCH_DIR := bin/bench
OPA_BIN  := bin/tools/opa
OPA_VERSION = $(shell $(GO) list -m -f '{{.Version}}' github.com/open-policy-agent/opa)
# Regal, the Rego linter, pinned in its own module (tools/regal/go.mod, a tool directive) so
# that its OPA never enters the project's go.mod; go tool builds it once into the build cache.
REGAL := $(GO) tool -modfile=tools/regal/go.mod regal

.PHONY: all build run test lint fmt-check vet regal policy-test fuzz fuzz-compiled bench bench-all golden worldmap help race staticcheck vulndb vulncheck ci-tools ci soak

all: lint build test ## lint, build and test everything

build: ## build bin/exportrisk
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/exportrisk

run: build ## assess Kazakhstan from the shipped fixture (creating the audit store on first run)
	./$(BIN) audit init > /dev/null
	./$(BIN) assess KAZ

test: lint ## run every test: Go, Rego (with coverage >= 90 %), golden files, a short fuzz run
	$(GO) test -count=1 ./...
	$(MAKE) fuzz

lint: fmt-check vet regal ## gofmt, go vet and Regal (opa fmt and opa check --strict run in the policies tests)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

regal: ## Regal, the Rego linter (pinned in tools/regal/go.mod), over policies/ with .regal/config.yaml
	$(REGAL) lint --no-color policies

policy-test: ## run the Rego unit tests with coverage, strict compile and opa fmt checks
	$(GO) test -count=1 -v -run 'Rego|Policies|Format|Strict|Metadata|Thresholds' ./policies/

fuzz: ## run every fuzz target for its execution budget (FUZZTIME=30s overrides every budget)
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; budget=$${FUZZTIME:-$${rest#*:}}; \
		echo "fuzz $$name ($$pkg) for $$budget"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $$budget "$$pkg"; \
	done

fuzz-compiled: ## differential fuzzing alone: compiled evaluator vs OPA's interpreter, for FUZZTIME (default 1000x)
	$(GO) test -run '^$$' -fuzz '^FuzzCompiledMatchesOPA$$' -fuzztime $(or $(FUZZTIME),1000x) ./engine/

race: ## the tests of the packages with concurrency, under the race detector
	$(GO) test -count=1 -race $(RACE_PKGS)

ci-tools: ## install the pinned staticcheck and govulncheck (Go module proxy)
	$(GO) install $(STATICCHECK_MODULE)
	$(GO) install $(GOVULNCHECK_MODULE)

staticcheck: ## staticcheck (pinned; make ci-tools installs it)
	staticcheck -version | grep -q '$(STATICCHECK_VERSION)' || { echo "staticcheck $(STATICCHECK_VERSION) wanted: make ci-tools"; exit 1; }
	staticcheck ./...

vulndb: ## build the offline vulnerability database in VULNDB_DIR from golang.org/x/vulndb
	@if [ -f $(VULNDB_DIR)/index/db.json ]; then echo "vulndb: $(VULNDB_DIR) (vulndb $(VULNDB_VERSION))"; exit 0; fi; \
	set -e; src=$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p'); \
	test -d "$$src/data/osv" || { echo "vulndb: no data/osv in golang.org/x/vulndb@$(VULNDB_VERSION)"; exit 1; }; \
	rm -rf $(VULNDB_DIR).tmp; \
	GOFLAGS=-mod=mod $(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$src/data/osv" -out $(VULNDB_DIR).tmp; \
	mv $(VULNDB_DIR).tmp $(VULNDB_DIR); \
	echo "vulndb: $$(ls $(VULNDB_DIR)/ID/*.json | wc -l) reports from golang.org/x/vulndb@$(VULNDB_VERSION) in $(VULNDB_DIR)"

vulncheck: vulndb ## govulncheck against the offline database (make vulndb builds it)
	govulncheck -db file://$(VULNDB_DIR) ./...

ci: test race staticcheck vulncheck ## what CI runs after installing its tools: make test, race, staticcheck, govulncheck

soak: build ## SOAKTIME (60s) of mixed valid and hostile requests to a recording server on loopback (not in make test)
	$(GO) test -count=1 -tags soak -run '^TestSoak$$' -timeout 10m -v ./cmd/exportrisk/ -args -soak.bin=$(CURDIR)/$(BIN) -soak.duration=$(SOAKTIME)

bench: ## benchmarks side by side: compiled evaluator vs OPA's interpreter vs upstream opa (installed), with ratios; the world history
	GOBIN=$(CURDIR)/bin/tools $(GO) install github.com/open-policy-agent/opa@$(OPA_VERSION)
	@mkdir -p $(BENCH_DIR)
	$(GO) run ./cmd/benchtable input $(BENCH_DIR)/kaz-input.json
	$(OPA_BIN) bench --data policies --input $(BENCH_DIR)/kaz-input.json --format gobench --benchmem --metrics=false \
		--count 1 'data.main.assessment' | tee $(BENCH_DIR)/opa.txt
	$(GO) test -run '^$$' -bench 'BenchmarkEvaluate|BenchmarkAssessEvaluators|BenchmarkAssessAll' -benchmem \
		-benchtime $(BENCHTIME) ./engine/ | tee $(BENCH_DIR)/engine.txt
	$(GO) test -run '^$$' -bench 'BenchmarkAssessEveryYear' -benchmem -benchtime 1x ./engine/ | tee $(BENCH_DIR)/years.txt
	$(GO) test -run '^$$' -bench 'BenchmarkImpactEveryYear' -benchmem -benchtime 1x ./engine/policy/impact/ | tee $(BENCH_DIR)/impact.txt
	$(GO) test -run '^$$' -bench 'BenchmarkReplay/embedded/.*/from-store' -benchtime 3x ./engine/audit/ | tee $(BENCH_DIR)/replay.txt
	OPA_BIN=$(CURDIR)/$(OPA_BIN) $(GO) test -run '^$$' -bench 'BenchmarkServeAssessments/country/clients=8$$|BenchmarkOPAServer' \
		-benchtime 5000x ./engine/server/ | tee $(BENCH_DIR)/server.txt
	$(GO) test -run '^$$' -bench 'BenchmarkBuildHistory|BenchmarkAssessHistory|BenchmarkCountryHistory|BenchmarkDiff' -benchmem \
		-benchtime 1x ./engine/history/ ./indicators/importers/ | tee $(BENCH_DIR)/history.txt
	@echo; $(GO) run ./cmd/benchtable table $(BENCH_DIR)/opa.txt $(BENCH_DIR)/engine.txt $(BENCH_DIR)/years.txt $(BENCH_DIR)/impact.txt $(BENCH_DIR)/replay.txt $(BENCH_DIR)/server.txt

bench-all: ## every Go benchmark of the engine packages (audit appends, canonical JSON...)
	$(GO) test -run '^$$' -bench . -benchmem ./engine/... ./indicators/ ./indicators/importers/

golden: ## rewrite every golden file (UPDATE_GOLDEN=1, read by internal/golden); review the diff before committing
	UPDATE_GOLDEN=1 $(GO) test -count=1 ./...

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
