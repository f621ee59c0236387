# infogain — every target is reproducible from a fresh clone; see README.md.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
ACTIONLINT  ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
FUZZTIME    ?= 30s
REPORT_DIR  ?= reports/latest
PYTHON      ?= /usr/bin/python3

.PHONY: all build build-fast test test-deps test-short test-pure test-simd test-purego vet lint fmt-check report report-example gate gate-update \
        fuzz props-full bench bench-peers ref-tables ci lint-ci fuzz-build hmat-xcheck-deps hmat-xcheck hmat-values \
        adapters-deps adapters-test check-torch check-numpy-naive \
        mutate

all: build

## build: the infogain binary (default build: fused's AVX2+FMA assembly chosen at run time, Go fallback; see build-fast)
build:
	$(GO) build -o infogain ./cmd/infogain

## test: the whole suite, as CI runs it: installs the Debian packages the cross-language
## tests use (test-deps; without root they are reported and those tests skip, saying why),
## then the default build, fused's SIMD build and its Go-only build (-tags purego)
test: test-deps test-pure test-simd test-purego

## test-deps: protoc, python3-protobuf, numpy and torch for /usr/bin/python3 (hmat
## cross-check, protocol adapters); a failed install is reported, not fatal
test-deps:
	@$(MAKE) --no-print-directory hmat-xcheck-deps adapters-deps || \
		echo "test-deps: could not install the Debian packages; the tests that need them skip and say why"

test-pure:
	$(GO) test ./...

test-simd:
	GOEXPERIMENT=simd $(GO) test ./fused/...

test-purego:
	$(GO) test -tags purego ./fused/...

## test-short: the quick suite (testing.Short shrinks case counts)
test-short:
	$(GO) test -short ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

lint:
	$(GO) run $(STATICCHECK) ./...

## lint-ci: the engine configuration (docs/scale-out.md): GitHub workflows with actionlint
## (shellcheck on their run: steps), .clusterfuzzlite/build.sh with shellcheck (Debian
## package, installed if missing), and every fuzz target builds as a test binary
lint-ci: fuzz-build
	@command -v shellcheck >/dev/null || { apt-get update -qq && apt-get install -y -qq shellcheck; }
	shellcheck .clusterfuzzlite/build.sh
	$(GO) run $(ACTIONLINT)
	$(GO) test ./fuzz -count=1 -run '^TestClusterFuzzLite'

## fuzz-build: the packages with fuzz targets compile as `go test -c` binaries (what
## ClusterFuzzLite's compile_native_go_fuzzer starts from)
fuzz-build:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for p in $$(grep -rl --include='*_test.go' '^func Fuzz.*testing\.F' . | xargs -n1 dirname | sort -u); do \
		echo "go test -c $$p" && $(GO) test -c -o "$$tmp/$$(basename $$p).test" "$$p" || exit 1; \
	done && \
	echo "GOEXPERIMENT=simd go test -c ./fused" && GOEXPERIMENT=simd $(GO) test -c -o "$$tmp/fused-simd.test" ./fused

## ref-tables: regenerate the mpmath golden tables of ref/testdata (needs Debian python3-mpmath)
ref-tables:
	$(PYTHON) scripts/gen_ref_tables.py

## hmat-values: print the mpmath values hmat/build_test.go quotes (needs Debian python3-mpmath)
hmat-values:
	$(PYTHON) scripts/gen_hmat_values.py

## ci: what .ci/run runs after installing: format, vet, lint, engine configuration, the tests, the gate
ci: fmt-check vet lint lint-ci test gate

## report: the main job — full stability report into $(REPORT_DIR) (reports/latest); when
## $(PYTHON) has torch, real PyTorch (adapters/torch_xent.py) is a row beside the port `torch`,
## and the two are compared bit for bit
TORCH_ROW = $(shell $(PYTHON) -c 'import torch' >/dev/null 2>&1 && \
	echo "--cmd 'torch-real=$(PYTHON) adapters/torch_xent.py' --agree torch-real=torch")
report:
	$(GO) run ./cmd/infogain report --out $(REPORT_DIR) --size full $(TORCH_ROW)

## report-example: regenerate the committed reports/example (gate size)
report-example:
	$(GO) run ./cmd/infogain report --out reports/example --size gate

## gate: infogain gate exits 1 with a (-want +got) diff and the cases behind each regression against reports/baseline.json (make itself then exits 2)
gate:
	$(GO) run ./cmd/infogain gate

## gate-update: after an intended change; commit reports/baseline.json
gate-update:
	$(GO) run ./cmd/infogain gate --update

## build-fast: the binary with fused's AVX-512F vector loops (GOEXPERIMENT=simd; run-time CPU check, default loops as fallback)
build-fast:
	GOEXPERIMENT=simd $(GO) build -o infogain ./cmd/infogain

## fuzz: every fuzz target in turn for FUZZTIME (go test -fuzz takes one target at a time):
## fuzz/fuzz.sh runs the ./fuzz targets, then the codec's own, then the SIMD-vs-Go target of fused
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) ./fuzz/fuzz.sh
	$(GO) test ./cases/jsonl -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cases/jsonl -run '^$$' -fuzz '^FuzzDecodeBatch$$' -fuzztime $(FUZZTIME)
	GOEXPERIMENT=simd $(GO) test ./fused -run '^$$' -fuzz '^FuzzSIMDMatchesGo$$' -fuzztime $(FUZZTIME)
	GOEXPERIMENT=simd $(GO) test ./fused -run '^$$' -fuzz '^FuzzLossRowsMatchesLoss$$' -fuzztime $(FUZZTIME)
	for t in CSV JSON NPY BinaryProto; do $(GO) test ./hmat/hfile -run '^$$' -fuzz "^FuzzDecode$$t\$$" -fuzztime $(FUZZTIME) || exit 1; done
	$(GO) test ./impls -run '^$$' -fuzz '^FuzzParseResultLine$$' -fuzztime $(FUZZTIME)
	$(GO) test ./impls -run '^$$' -fuzz '^FuzzCommandDriver$$' -fuzztime $(FUZZTIME)

## props-full: the property battery at 5000 cases per property, many-classes included
props-full:
	$(GO) test ./props -count=1 -props.tests=5000 -props.maxc=100000

## bench: fused forward+backward (LossRows) and the per-row fixed cost (RowOverhead), benchstat-friendly (default, purego and SIMD builds)
bench:
	$(GO) test ./fused -run '^$$' -bench 'FwdBwd|RowOverhead' -count 6
	$(GO) test -tags purego ./fused -run '^$$' -bench 'FwdBwd|RowOverhead' -count 6
	GOEXPERIMENT=simd $(GO) test ./fused -run '^$$' -bench 'FwdBwd|RowOverhead' -count 6

## bench-peers: fused (simd, default and purego builds) against real PyTorch (Debian python3-torch, installed if missing), same run, ratios;
## BENCH_PEERS_ARGS=--pure-go leaves out the simd build (no AVX-512F needed)
bench-peers:
	$(PYTHON) scripts/bench_peers.py $(BENCH_PEERS_ARGS)

## hmat-xcheck-deps: Debian's protoc and python3-protobuf/numpy for the hmat cross-check (installed if missing)
hmat-xcheck-deps:
	@if command -v protoc >/dev/null && $(PYTHON) -c 'import numpy, google.protobuf' 2>/dev/null; then :; else \
	  apt-get update -qq && apt-get install -y -qq protobuf-compiler python3-protobuf python3-numpy; fi

## hmat-xcheck: hmat's binaryproto and .npy files decoded by python3-protobuf (schema from protoc) and numpy, value by value
hmat-xcheck: hmat-xcheck-deps
	$(GO) test ./hmat/hfile -run CrossCheckWithPython -count=1 -v

## adapters-deps: Debian's python3-torch and python3-numpy for $(PYTHON), installed when missing
adapters-deps:
	@$(PYTHON) -c 'import torch, numpy' >/dev/null 2>&1 || { \
		echo "adapters: installing Debian python3-torch python3-numpy"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-torch python3-numpy; }

## adapters-test: the adapters (real PyTorch, numpy naive) through the protocol
adapters-test: adapters-deps
	$(GO) test -count=1 ./adapters

## check-torch: infogain check's verdict on real PyTorch (gate size)
check-torch: adapters-deps
	$(GO) run ./cmd/infogain check --name torch-real --cmd '$(PYTHON) adapters/torch_xent.py'

## check-numpy-naive: infogain check's verdict on Caffe's naive InfogainLoss in numpy (fails, by design)
check-numpy-naive: adapters-deps
	$(GO) run ./cmd/infogain check --name numpy-naive --cmd '$(PYTHON) adapters/numpy_naive.py'

## mutate: mutation testing (gremlins, pinned in the script) of fused, ulp, ref, props, the contract judge and the codec,
## each under nice -n 19 and a time budget; prints the score table of docs/mutation.md (MUTATE_* knobs: scripts/mutate.sh)
mutate:
	GO=$(GO) bash scripts/mutate.sh
