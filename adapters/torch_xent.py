#!/usr/bin/python3
"""Real PyTorch behind the infogain protocol (docs/protocol.md).

Soft-target cross-entropy, the framework's form of the infogain loss with
h = H[label,:] as the target row, differentiated by autograd, in the case's
dtype, on one thread:

    x = torch.tensor(logits, dtype=dtype, requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor(h, dtype=dtype))
    loss.backward()          # gradient: x.grad

This is what peers/torch.go ports (and peers/testdata/torch_golden.py
records). Needs Debian's python3-torch (1.13) and /usr/bin/python3:

    infogain check --cmd '/usr/bin/python3 adapters/torch_xent.py'
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from infogain_protocol import serve  # noqa: E402

torch.set_num_threads(1)
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def evaluate(x, h, dtype):
    dt = DTYPES[dtype]
    xt = torch.tensor(x, dtype=dt, requires_grad=True)
    loss = F.cross_entropy(xt, torch.tensor(h, dtype=dt))
    loss.backward()
    return loss.item(), xt.grad.tolist()


if __name__ == "__main__":
    serve(evaluate)
