#!/usr/bin/env python3
"""Cross-check hmat's binaryproto and .npy files with independent tools.

Usage: /usr/bin/python3 scripts/hmat_xcheck.py DIR

Decodes every DIR/*.binaryproto with Debian's python3-protobuf, using a
schema compiled by protoc from hmat/caffe_blob.proto (the BlobProto part of
Caffe's caffe.proto), and every DIR/*.npy with numpy.load. For each file it
prints the shape, the dtype, which BlobProto field holds the values, whether
Python's SerializeToString reproduces the file byte for byte, and every
value as its IEEE bit pattern (hex), as one JSON object on stdout. It then
writes each matrix back with the same tools (numpy.save; a BlobProto with
shape 1x1xCxC and data or double_data, as caffe.io.array_to_blobproto
does) to DIR/py-NAME, for hmat to read. hmat/xcheck_test.go runs it and
compares value by value.

Needs: /usr/bin/python3 with python3-numpy and python3-protobuf, and protoc
(Debian protobuf-compiler): make hmat-xcheck installs them.
"""
import importlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO = os.path.join(ROOT, "hmat", "caffe_blob.proto")


def compile_schema(tmp):
    subprocess.run(["protoc", "-I", os.path.dirname(PROTO), "--python_out", tmp, PROTO], check=True)
    sys.path.insert(0, tmp)
    return importlib.import_module("caffe_blob_pb2")


def bits(arr):
    arr = np.ascontiguousarray(arr)
    if arr.dtype == np.float32:
        return ["%08x" % v for v in arr.view(np.uint32).ravel().tolist()]
    return ["%016x" % v for v in arr.view(np.uint64).ravel().tolist()]


def read_proto(pb, path):
    raw = open(path, "rb").read()
    blob = pb.BlobProto()
    blob.ParseFromString(raw)
    dims = list(blob.shape.dim)
    if len(blob.double_data) > 0:
        field, arr = "double_data", np.array(blob.double_data, dtype=np.float64)
    else:
        field, arr = "data", np.array(blob.data, dtype=np.float32)
    return {
        "shape": dims,
        "legacy": [blob.num, blob.channels, blob.height, blob.width],
        "field": field,
        "dtype": str(arr.dtype),
        "reserialized_identical": blob.SerializeToString() == raw,
        "bits": bits(arr),
    }, arr.reshape(dims[-2], dims[-1]) if len(dims) >= 2 else arr


def write_proto(pb, path, arr):
    blob = pb.BlobProto()
    blob.shape.dim.extend([1, 1] + list(arr.shape))
    if arr.dtype == np.float64:
        blob.double_data.extend(arr.ravel().tolist())
    else:
        blob.data.extend(arr.ravel().tolist())
    open(path, "wb").write(blob.SerializeToString())


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    out = {"numpy": np.__version__, "files": {}}
    with tempfile.TemporaryDirectory() as tmp:
        pb = compile_schema(tmp)
        import google.protobuf
        out["protobuf"] = google.protobuf.__version__
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if name.startswith("py-"):
                continue
            if name.endswith(".binaryproto"):
                info, arr = read_proto(pb, path)
                write_proto(pb, os.path.join(d, "py-" + name), arr)
            elif name.endswith(".npy"):
                arr = np.load(path, allow_pickle=False)
                info = {"shape": list(arr.shape), "dtype": str(arr.dtype), "bits": bits(arr)}
                np.save(os.path.join(d, "py-" + name), arr)
            else:
                continue
            out["files"][name] = info
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
