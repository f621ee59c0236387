# infogain — every target is reproducible from a fresh clone; see README.md.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 30s
REPORT_DIR  ?= reports/latest
PYTHON      ?= /usr/bin/python3

.PHONY: all build test test-short test-pure test-simd vet lint fmt-check report report-example gate gate-update \
        fuzz bench bench-peers ref-tables ci

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
