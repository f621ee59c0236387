"""Writes torch113.jsonl: PyTorch soft-target cross_entropy loss and autograd
gradient on seeded rows, the golden table of peers/torch_test.go.

Run with Debian's PyTorch 1.13 (python3-torch), from this directory:
    /usr/bin/python3 torch_golden.py > torch113.jsonl
"""
import json
import random

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
rng = random.Random(1701)


def row():
    C = rng.choice([2, 3, 4, 5, 8, 10, 16, 33])
    kind = rng.choice(["moderate", "spread", "offset", "dominant"])
    if kind == "moderate":
        x = [rng.uniform(-0.5, 2) for _ in range(C)]
    elif kind == "spread":
        x = [rng.uniform(-30, 30) for _ in range(C)]
    elif kind == "offset":
        off = 10.0 ** rng.randint(2, 6)
        x = [off + rng.uniform(-3, 3) for _ in range(C)]
    else:
        x = [rng.uniform(-1, 1) for _ in range(C)]
        x[rng.randrange(C)] += rng.uniform(20, 60)
    hk = rng.choice(["onehot", "positive", "probability"])
    if hk == "onehot":
        h = [0.0] * C
        h[rng.randrange(C)] = 1.0
    elif hk == "positive":
        h = [rng.uniform(0.1, 2) for _ in range(C)]
    else:
        h = [rng.random() for _ in range(C)]
        s = sum(h)
        h = [v / s for v in h]
    return kind + "/" + hk, x, h


for i in range(200):
    family, x, h = row()
    for dtype, name in ((torch.float64, "float64"), (torch.float32, "float32")):
        xt = torch.tensor(x, dtype=dtype, requires_grad=True)
        ht = torch.tensor(h, dtype=dtype)
        loss = F.cross_entropy(xt, ht)
        loss.backward()
        print(json.dumps({
            "id": "%d/%s" % (i, family), "dtype": name,
            "x": xt.detach().tolist(), "h": ht.tolist(),
            "loss": loss.item(), "grad": xt.grad.tolist(),
        }))
