#!/usr/bin/python3
"""Side-by-side forward+backward timing: fused (Go) against real PyTorch.

Usage: /usr/bin/python3 scripts/bench_peers.py [--reps N] [--benchtime D]
       [--pure-go] [--clock cpu|wall]
(make bench-peers runs it). Run from the repository root.

What is timed, per (N, C) shape and dtype (float64, float32):
  fused:   BenchmarkFwdBwd in fused/bench_test.go -- fused.LossRows over the
           N rows (loss and gradient, bit for bit N calls of fused.Loss),
           logits uniform in [-8, 8], soft targets (each row of h a
           probability vector), in three builds: GOEXPERIMENT=simd
           (AVX-512F vector loops, run-time CPU check), default (what
           `go build` gives: AVX2+FMA assembly for the hot passes, chosen
           at run time, Go fallback) and purego (-tags purego: the Go loops
           alone). --pure-go times default and purego only (no AVX-512F
           needed).
  PyTorch: torch.nn.functional.cross_entropy(x, target) with soft
           (probability) targets and its backward via torch.autograd.grad,
           same shapes and value distributions, torch.set_num_threads(1).
Each reports time per logit. The builds and PyTorch are interleaved rep by
rep in the same run. The clock is CPU time by default (user + system of
the process: Go's cpu-ns/elem metric, Python's time.process_time): on a
shared, overloaded machine wall time measures the scheduler; --clock wall
uses wall time instead. The table shows the minimum over reps of each
side, the ratio of those minima (below 1: fused is faster), and the range
of the per-rep ratios (each rep's fused and PyTorch times measured next to
each other).

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


def build_go(kind, out):
    """kind: "simd" (GOEXPERIMENT=simd), "default" (go build as users get
    it: AVX2+FMA assembly chosen at run time, Go fallback) or "purego"
    (-tags purego: the Go loops alone)."""
    env = dict(os.environ)
    env.pop("GOEXPERIMENT", None)
    cmd = ["go", "test", "-c", "-o", out]
    if kind == "simd":
        env["GOEXPERIMENT"] = "simd"
    if kind == "purego":
        cmd += ["-tags", "purego"]
    subprocess.run(cmd + ["./fused"], check=True, env=env)


BENCH_RE = re.compile(r"^BenchmarkFwdBwd/(float\d+)/N=(\d+)/C=(\d+)\S*\s+\d+\s+(.*)$")
METRIC_RE = re.compile(r"([\d.]+) (\S+)")


def run_go(binary, benchtime, clock):
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", "^BenchmarkFwdBwd$",
                          "-test.benchtime", benchtime], check=True, capture_output=True, text=True).stdout
    unit = "cpu-ns/elem" if clock == "cpu" else "ns/elem"
    res = {}
    for line in out.splitlines():
        m = BENCH_RE.match(line)
        if m:
            metrics = {u: float(v) for v, u in METRIC_RE.findall(m.group(4))}
            if unit in metrics:
                res[(int(m.group(2)), int(m.group(3)), m.group(1))] = metrics[unit]
    return res


def torch_inputs(torch, n, c, dtype):
    g = torch.Generator().manual_seed(1)
    x = (torch.rand(n, c, generator=g, dtype=torch.float64) * 16 - 8).to(dtype)
    t = torch.rand(n, c, generator=g, dtype=torch.float64)
    t = (t / t.sum(dim=1, keepdim=True)).to(dtype)
    return x.requires_grad_(True), t


def run_torch(torch, n, c, dtype, min_seconds, clock):
    F = torch.nn.functional
    x, t = torch_inputs(torch, n, c, getattr(torch, dtype))
    # warm up, then time whole batches until min_seconds of the clock have passed
    for _ in range(3):
        torch.autograd.grad(F.cross_entropy(x, t), x)
    now = time.process_time if clock == "cpu" else time.perf_counter
    iters, start = 0, now()
    while True:
        loss = F.cross_entropy(x, t)
        (grad,) = torch.autograd.grad(loss, x)
        iters += 1
        el = now() - start
        if el >= min_seconds:
            break
    return el / iters / (n * c) * 1e9


def load():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5, help="interleaved repetitions")
    ap.add_argument("--benchtime", default="0.3s", help="go test -benchtime per rep")
    ap.add_argument("--pure-go", action="store_true", help="time the default and purego builds only (no GOEXPERIMENT=simd)")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu", help="CPU time (default) or wall time")
    args = ap.parse_args()

    ensure_torch()
    import torch
    torch.set_num_threads(1)

    builds = [("default", "default"), ("purego", "purego")]
    if not args.pure_go:
        builds.insert(0, ("simd", "simd"))
    binaries = {}
    for name, kind in builds:
        binaries[name] = f"/tmp/infogain_fused_bench_{kind}.test"
        build_go(kind, binaries[name])
    best = {name: {} for name, _ in builds}
    best["pytorch"] = {}
    ratios = {name: {} for name, _ in builds}
    loads = [load()]
    for rep in range(args.reps):
        got = {}
        for name, _ in builds:
            got[name] = run_go(binaries[name], args.benchtime, args.clock)
        for n, c in SHAPES:
            for dt in DTYPES:
                key = (n, c, dt)
                p = run_torch(torch, n, c, dt, 0.3, args.clock)
                best["pytorch"][key] = min(p, best["pytorch"].get(key, float("inf")))
                for name, _ in builds:
                    g = got[name].get(key)
                    if g is None:
                        continue
                    best[name][key] = min(g, best[name].get(key, float("inf")))
                    ratios[name].setdefault(key, []).append(g / p)
        loads.append(load())
        print(f"bench_peers: rep {rep + 1}/{args.reps} done (load {loads[-1]})", file=sys.stderr)

    unit = "CPU ns" if args.clock == "cpu" else "wall ns"
    print(f"forward+backward, {unit} per logit, min of {args.reps} interleaved reps; "
          f"PyTorch {torch.__version__}, 1 thread; load average {loads[0]} .. {loads[-1]}")
    cols = [name for name, _ in builds]
    hdr = f"{'N':>5} {'C':>6} {'dtype':>8}"
    for name in cols:
        hdr += f" {name:>8}"
    hdr += f" {'pytorch':>8}"
    for name in cols:
        hdr += f" {name + '/pt':>11} {'(per rep)':>11}"
    print(hdr)
    worst = {name: 0.0 for name in cols}
    for n, c in SHAPES:
        for dt in DTYPES:
            key = (n, c, dt)
            p = best["pytorch"][key]
            line = f"{n:>5} {c:>6} {dt:>8}"
            for name in cols:
                g = best[name].get(key)
                line += f" {g:8.3f}" if g is not None else f" {'missing':>8}"
            line += f" {p:8.3f}"
            for name in cols:
                g, rs = best[name].get(key), ratios[name].get(key, [])
                if g is None:
                    line += f" {'':>11} {'':>11}"
                    continue
                worst[name] = max(worst[name], g / p)
                line += f" {g / p:11.2f} {min(rs):5.2f}-{max(rs):<5.2f}"
            print(line)
    print("worst ratio: " + ", ".join(f"{name} {worst[name]:.2f}" for name in cols))


if __name__ == "__main__":
    main()
