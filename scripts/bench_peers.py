#!/usr/bin/python3
"""Side-by-side forward+backward timing: fused (Go) against real PyTorch.

Usage: /usr/bin/python3 scripts/bench_peers.py [--reps N] [--pure-go]
(make bench-peers runs it). Run from the repository root.

What is timed, per (N, C) shape and dtype (float64, float32):
  fused:   BenchmarkFwdBwd in fused/bench_test.go -- fused.Loss over N rows
           (loss and gradient), logits uniform in [-8, 8], soft targets
           (each row of h a probability vector). Built with
           GOEXPERIMENT=simd (the AVX2+FMA vector loops) unless --pure-go.
  PyTorch: torch.nn.functional.cross_entropy(x, target) with soft
           (probability) targets and its backward via torch.autograd.grad,
           same shapes and value distributions, torch.set_num_threads(1).
Both report ns per logit (ns/elem). The two are interleaved rep by rep in
the same run, and the minimum over reps is kept for each (the machine is
shared: the minimum is the least disturbed measurement). The ratio column is
fused / PyTorch: below 1 means fused is faster.

PyTorch is Debian's python3-torch; if it is missing the script installs it
with apt-get (as root, or through sudo).
"""
import argparse
import os
import re
import subprocess
import sys
import time

SHAPES = [(256, 1000), (4096, 10), (64, 32000)]
DTYPES = ["float64", "float32"]


def ensure_torch():
    try:
        import torch  # noqa: F401
        return
    except ImportError:
        pass
    print("bench_peers: PyTorch missing, installing Debian python3-torch", file=sys.stderr)
    cmd = ["apt-get", "install", "-y", "python3-torch"]
    if os.geteuid() != 0:
        cmd = ["sudo"] + cmd
    subprocess.run(cmd, check=True)
    if sys.executable != "/usr/bin/python3":
        print("bench_peers: run with /usr/bin/python3 to use Debian's torch", file=sys.stderr)
    import torch  # noqa: F401


def build_go(pure_go, out):
    env = dict(os.environ)
    if not pure_go:
        env["GOEXPERIMENT"] = "simd"
    subprocess.run(["go", "test", "-c", "-o", out, "./fused"], check=True, env=env)


BENCH_RE = re.compile(r"^BenchmarkFwdBwd/(float\d+)/N=(\d+)/C=(\d+)\S*\s+\d+\s+[\d.]+ ns/op\s+([\d.]+) ns/elem")


def run_go(binary, benchtime):
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", "^BenchmarkFwdBwd$",
                          "-test.benchtime", benchtime], check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = BENCH_RE.match(line)
        if m:
            res[(int(m.group(2)), int(m.group(3)), m.group(1))] = float(m.group(4))
    return res


def torch_inputs(torch, n, c, dtype):
    g = torch.Generator().manual_seed(1)
    x = (torch.rand(n, c, generator=g, dtype=torch.float64) * 16 - 8).to(dtype)
    t = torch.rand(n, c, generator=g, dtype=torch.float64)
    t = (t / t.sum(dim=1, keepdim=True)).to(dtype)
    return x.requires_grad_(True), t


def run_torch(torch, n, c, dtype, min_seconds):
    F = torch.nn.functional
    x, t = torch_inputs(torch, n, c, getattr(torch, dtype))
    # warm up, then time whole batches until min_seconds have passed
    for _ in range(3):
        torch.autograd.grad(F.cross_entropy(x, t), x)
    iters, start = 0, time.perf_counter()
    while True:
        loss = F.cross_entropy(x, t)
        (grad,) = torch.autograd.grad(loss, x)
        iters += 1
        el = time.perf_counter() - start
        if el >= min_seconds:
            break
    return el / iters / (n * c) * 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3, help="interleaved repetitions (min kept)")
    ap.add_argument("--benchtime", default="0.5s", help="go test -benchtime per rep")
    ap.add_argument("--pure-go", action="store_true", help="time the pure-Go loops (no GOEXPERIMENT=simd)")
    args = ap.parse_args()

    ensure_torch()
    import torch
    torch.set_num_threads(1)

    binary = "/tmp/infogain_fused_bench.test"
    build_go(args.pure_go, binary)
    go_best, pt_best = {}, {}
    for rep in range(args.reps):
        for k, v in run_go(binary, args.benchtime).items():
            go_best[k] = min(v, go_best.get(k, float("inf")))
        for n, c in SHAPES:
            for dt in DTYPES:
                v = run_torch(torch, n, c, dt, 0.5)
                pt_best[(n, c, dt)] = min(v, pt_best.get((n, c, dt), float("inf")))
        print(f"bench_peers: rep {rep + 1}/{args.reps} done", file=sys.stderr)

    build = "pure Go" if args.pure_go else "GOEXPERIMENT=simd"
    print(f"forward+backward, ns per logit (min of {args.reps} interleaved reps); "
          f"fused: {build}; PyTorch {torch.__version__}, 1 thread")
    print(f"{'N':>6} {'C':>6} {'dtype':>8} {'fused':>9} {'pytorch':>9} {'fused/pytorch':>14}")
    worst = 0.0
    for n, c in SHAPES:
        for dt in DTYPES:
            g, p = go_best.get((n, c, dt)), pt_best[(n, c, dt)]
            if g is None:
                print(f"{n:>6} {c:>6} {dt:>8} {'missing':>9} {p:9.3f}")
                continue
            worst = max(worst, g / p)
            print(f"{n:>6} {c:>6} {dt:>8} {g:9.3f} {p:9.3f} {g / p:14.2f}")
    print(f"worst ratio {worst:.2f}")


if __name__ == "__main__":
    main()
