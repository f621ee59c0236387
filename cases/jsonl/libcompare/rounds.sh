#!/usr/bin/env bash
# Interleaved benchmark rounds, as measured for cases/jsonl/doc.go: every
# candidate runs once per round (0.3 s each), so that a burst of load from
# other jobs hits all candidates alike; prints the minimum and the median
# over the rounds. Usage: ./rounds.sh [ROUNDS] (default 9).
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-9}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/plain.test" .
GOEXPERIMENT=jsonv2 go test -c -o "$tmp/v2.test" .
run() { # binary pattern
	"$1" -test.run '^$' -test.bench "$2" -test.benchmem -test.benchtime 0.3s | grep '^Benchmark' >>"$tmp/out" || true
}
for _ in $(seq "$rounds"); do
	for C in 100 1000 10000; do
		for cand in scanner encoding-json goccy-go-json go-json-experiment; do
			run "$tmp/plain.test" "^BenchmarkDecode\$/^C=$C\$/^$cand\$"
			[ "$cand" = scanner ] || run "$tmp/plain.test" "^BenchmarkFloor\$/^C=$C\$/^$cand\$"
		done
		run "$tmp/v2.test" "^BenchmarkDecode\$/^C=$C\$/^encoding-json-v2\$"
	done
	for cand in scanner encoding-json goccy-go-json go-json-experiment; do
		run "$tmp/plain.test" "^BenchmarkEncode\$/^C=1000\$/^$cand\$"
	done
	run "$tmp/v2.test" "^BenchmarkEncode\$/^C=1000\$/^encoding-json-v2\$"
done
awk '{ name = $1; sub(/-[0-9]+$/, "", name); v[name] = v[name] " " $3; a[name] = $(NF-1) }
END {
	for (n in v) {
		k = split(substr(v[n], 2), x, " ")
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }
		printf "%-48s min %10.1f µs  median %10.1f µs  %s allocs/op  (%d rounds)\n", n, x[1] / 1000, x[int((k + 1) / 2)] / 1000, a[n], k
	}
}' "$tmp/out" | sort
