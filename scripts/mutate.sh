#!/usr/bin/env bash
# mutate.sh — mutation testing of the suite's own packages (issue #17), run by `make mutate`
# and by the weekly workflow .github/workflows/mutation.yml.
#
# For each target package it runs gremlins (pinned below) once as a dry run (the list of
# every mutant) and once for real under `nice -n 19` and a wall-clock budget; the real
# run's log streams one line per tested mutant, so a package cut by its budget still
# reports every mutant it tested and counts the rest as "not run (budget)". Then
# `go run ./mutation/score` folds the logs and mutation/equivalent.txt (mutants proven
# equivalent, with the reason) into the score table of docs/mutation.md.
#
# Environment: MUTATE_OUT (logs, default mutation/out, git-ignored), MUTATE_PKGS (a
# subset, e.g. "ulp ref"), MUTATE_WORKERS (default 2), MUTATE_BUDGET_SCALE (multiplies
# every budget, e.g. 3 on a dedicated CI runner), MUTATE_TIMEOUT_COEFFICIENT (gremlins'
# per-mutant timeout as a multiple of the clean run, default 10), MUTATE_SAMPLE=N (test
# a uniform sample of N mutants per package with mutation/layers instead of gremlins'
# file-by-file run: an unbiased estimate when the budget cannot cover a package).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
GREMLINS_VERSION=v0.6.0
OUT=${MUTATE_OUT:-mutation/out}
WORKERS=${MUTATE_WORKERS:-2}
SCALE=${MUTATE_BUDGET_SCALE:-1}

# package  budget(s)  files excluded (regexp on the path): fused without the SIMD file (not
# built without GOEXPERIMENT=simd), impls only its contract judge; the codec is cases/jsonl
targets=(
	"fused  720 row_simd\\.go"
	"ulp    240 ^$"
	"ref    540 ^$"
	"props  540 ^$"
	"impls  240 (^|/)(batch|impl|reference)\\.go$|builtin/"
	"cases/jsonl  300 libcompare/"
)

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
GREMLINS="$OUT/gremlins"
if [ ! -x "$GREMLINS" ]; then
	GOBIN="$OUT" "$GO" install "github.com/go-gremlins/gremlins/cmd/gremlins@$GREMLINS_VERSION"
fi
# gremlins copies the module into temporary work trees; keep them under OUT so a run cut
# by its budget leaves nothing behind in /tmp.
MTMP="$OUT/tmp"

want=${MUTATE_PKGS:-fused ulp ref props impls cases/jsonl}
for t in "${targets[@]}"; do
	read -r pkg budget exclude <<<"$t"
	name=${pkg//\//-} # the log's name: cases/jsonl → cases-jsonl
	case " $want " in *" $pkg "*) ;; *) continue ;; esac
	budget=$((budget * SCALE))
	rm -rf "$MTMP"; mkdir -p "$MTMP"
	echo "== $pkg: budget ${budget}s, excluded: $exclude" >&2
	TMPDIR="$MTMP" nice -n 19 "$GREMLINS" unleash --dry-run -E "$exclude" "./$pkg" >"$OUT/$name.dry.log" 2>&1 ||
		echo "   $pkg: dry run failed, see $OUT/$name.dry.log" >&2
	start=$(date +%s)
	rc=0
	# -count=1: gremlins times each mutant's test run at a multiple of the coverage run's
	# wall time, which must then be a real run (with compilation), not a cached result.
	# At the budget, timeout SIGKILLs gremlins' whole process group at once (its go test
	# children too): a gentler signal kills the children first, and gremlins (which
	# ignores SIGTERM) then logs the mutants in flight as LIVED.
	if [ -n "${MUTATE_SAMPLE:-}" ]; then
		# A uniform sample of MUTATE_SAMPLE mutants of the dry run, one at a time
		# (mutation/layers -sample-pkg), for a machine too busy for the full run.
		"$GO" build -o "$OUT/layers" ./mutation/layers
		TMPDIR="$MTMP" timeout -s KILL "$budget" nice -n 19 "$OUT/layers" -sample-pkg "$pkg" -log "$OUT/$name.dry.log" \
			-sample "$MUTATE_SAMPLE" -budget "$((budget - 30))s" >"$OUT/$name.log" 2>&1 || rc=$?
	else
		GOFLAGS=-count=1 TMPDIR="$MTMP" timeout -s KILL "$budget" nice -n 19 "$GREMLINS" unleash --workers "$WORKERS" --timeout-coefficient "${MUTATE_TIMEOUT_COEFFICIENT:-10}" \
			-E "$exclude" "./$pkg" >"$OUT/$name.log" 2>&1 || rc=$?
	fi
	echo "   $pkg: exit $rc after $(($(date +%s) - start))s (137: budget reached)" >&2
	rm -rf "$MTMP"
done
read -r -a pkgs <<<"$want"
"$GO" run ./mutation/score -equivalent mutation/equivalent.txt -logs "$OUT" "${pkgs[@]}"
