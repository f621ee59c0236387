#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script: compiles every Go native fuzz
# target of the repository into a libFuzzer binary in $OUT with OSS-Fuzz's
# compile_native_go_fuzzer (import path, Fuzz function, binary name).
#
# The list must name every func FuzzXxx(*testing.F) of the repository and
# nothing else: fuzz/clusterfuzzlite_test.go runs this script with stand-ins
# for the OSS-Fuzz helpers and fails on a missing, extra or misspelled
# target. Binary names are the target names in snake case.
#
# FuzzSIMDMatchesGo is built without GOEXPERIMENT=simd: libFuzzer's build
# then compares the pure-Go loops with themselves through the dispatch, a
# weaker check than `make fuzz` runs; the vector loops stay fuzzed there.

module=github.com/infogain-dev/infogain
cd "$SRC/infogain"

# go-118-fuzz-build rewrites the targets to import its testing shim, which
# must therefore be in the module graph.
go get github.com/AdamKorcz/go-118-fuzz-build/testing

build() { # package (relative to the module) and target
	local name
	name=$(printf '%s' "$2" | sed -e 's/^Fuzz//' -e 's/\([a-z0-9]\)\([A-Z]\)/\1_\2/g' | tr '[:upper:]' '[:lower:]')
	compile_native_go_fuzzer "$module/$1" "$2" "fuzz_$name"
}

# ./fuzz: the differential and semantic targets against the reference.
build fuzz FuzzDiff64
build fuzz FuzzDiff32
build fuzz FuzzIdentityH
build fuzz FuzzAllImpls
build fuzz FuzzJSONLines
# ./cases/jsonl: the JSON-lines decoders.
build cases/jsonl FuzzDecode
build cases/jsonl FuzzDecodeBatch
# ./fused: vector loops against the pure-Go loops (see above).
build fused FuzzSIMDMatchesGo
