# infogain — every target is reproducible from a fresh clone; see README.md.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 30s
REPORT_DIR  ?= reports/latest
PYTHON      ?= /usr/bin/python3

.PHONY: all build build-fast test test-short test-pure test-simd vet lint fmt-check report report-example gate gate-update \
        fuzz props-full bench bench-peers ref-tables ci mutate

all: build

## build: the infogain binary (pure Go; see build-fast for the vector exp)
build:
	$(GO) build -o infogain ./cmd/infogain

## test: the whole suite, as CI runs it: pure-Go build, then the SIMD build of fused
test: test-pure test-simd

test-pure:
	$(GO) test ./...

test-simd:
	GOEXPERIMENT=simd $(GO) test ./fused/...

## test-short: the quick suite (testing.Short shrinks case counts)
test-short:
	$(GO) test -short ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

lint:
	$(GO) run $(STATICCHECK) ./...

## ref-tables: regenerate the mpmath golden tables of ref/testdata (needs Debian python3-mpmath)
ref-tables:
	$(PYTHON) scripts/gen_ref_tables.py

ci: fmt-check vet test

## report: the main job — full stability report into $(REPORT_DIR) (reports/latest)
report:
	$(GO) run ./cmd/infogain report --out $(REPORT_DIR) --size full

## report-example: regenerate the committed reports/example (gate size)
report-example:
	$(GO) run ./cmd/infogain report --out reports/example --size gate

## gate: exit 1 with a (-want +got) diff on any regression against reports/baseline.json
gate:
	$(GO) run ./cmd/infogain gate

## gate-update: after an intended change; commit reports/baseline.json
gate-update:
	$(GO) run ./cmd/infogain gate --update

## build-fast: the binary with fused's AVX-512F vector loops (GOEXPERIMENT=simd; runtime CPU check, pure-Go fallback)
build-fast:
	GOEXPERIMENT=simd $(GO) build -o infogain ./cmd/infogain

## fuzz: every fuzz target in turn for FUZZTIME (go test -fuzz takes one target at a time):
## fuzz/fuzz.sh runs the ./fuzz targets, then the codec's own, then the SIMD-vs-Go target of fused
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) ./fuzz/fuzz.sh
	$(GO) test ./cases -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cases -run '^$$' -fuzz '^FuzzDecodeBatch$$' -fuzztime $(FUZZTIME)
	GOEXPERIMENT=simd $(GO) test ./fused -run '^$$' -fuzz '^FuzzSIMDMatchesGo$$' -fuzztime $(FUZZTIME)

## props-full: the property battery at 5000 cases per property, many-classes included
props-full:
	$(GO) test ./props -count=1 -props.tests=5000 -props.maxc=100000

## bench: fused forward+backward at the issue's shapes, benchstat-friendly (pure Go and SIMD)
bench:
	$(GO) test ./fused -run '^$$' -bench FwdBwd -count 6
	GOEXPERIMENT=simd $(GO) test ./fused -run '^$$' -bench FwdBwd -count 6

## bench-peers: fused against real PyTorch (Debian python3-torch, installed if missing), same run, ratios
bench-peers:
	$(PYTHON) scripts/bench_peers.py

## mutate: mutation testing (gremlins, pinned in the script) of fused, ulp, ref, props, the contract judge and the codec,
## each under nice -n 19 and a time budget; prints the score table of docs/mutation.md (MUTATE_* knobs: scripts/mutate.sh)
mutate:
	GO=$(GO) bash scripts/mutate.sh
