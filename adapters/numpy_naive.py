#!/usr/bin/python3
"""Caffe's InfogainLoss in its naive form, in numpy, behind the infogain
protocol (docs/protocol.md): the second-language example, and an
implementation the suite must fail.

As Caffe before PR #3855 (a Softmax layer, then InfogainLoss; the Go port
is naive/naive.go), in the case's dtype:

    p_j  = exp(x_j − max x) / Σ_k exp(x_k − max x)      softmax_layer.cpp
    L    = −Σ_j h_j log(max(p_j, 1e-20f))                infogain_loss_layer.cpp
    d_j  = −h_j / max(p_j, 1e-20f)                       its backward
    g_j  = (d_j − Σ_k d_k p_k) · p_j                     softmax backward

1e-20f is Caffe's kLOG_THRESHOLD, a float constant widened to the dtype.
The clamp makes the loss saturate at 46.05… and the gradient of a
confident row vanish. Needs numpy (Debian python3-numpy):

    infogain check --cmd '/usr/bin/python3 adapters/numpy_naive.py'
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from infogain_protocol import serve  # noqa: E402

DTYPES = {"float64": np.float64, "float32": np.float32}
K_LOG_THRESHOLD = np.float32(1e-20)


def evaluate(x, h, dtype):
    dt = DTYPES[dtype]
    x = np.array(x, dtype=dt)
    h = np.array(h, dtype=dt)
    thr = dt(K_LOG_THRESHOLD)
    with np.errstate(all="ignore"):
        p = np.exp(x - x.max())
        p = p / p.sum()
        prob = np.maximum(p, thr)
        loss = -np.sum(h * np.log(prob), dtype=dt)
        d = -h / prob
        g = (d - np.sum(d * p, dtype=dt)) * p
    return float(loss), [float(v) for v in g]


if __name__ == "__main__":
    serve(evaluate)
