"""The implementation protocol of docs/protocol.md, for Python adapters.

serve(evaluate, dtypes) reads cases as JSON lines on stdin and writes one
result line per case, in order, on stdout:

    evaluate(x, h, dtype) -> (loss, grad)

gets the logits and the row h = H[label,:] as lists of Python floats (inf,
-inf and nan included) and the dtype name ("float64" or "float32"; the values
of a float32 case are exactly float32), and returns the loss and the gradient
as floats (for a float32 case, float32 values widened to float). An
exception becomes that case's {"id":…,"error":…} line; a case of a dtype not
in dtypes gets an error line too (declare the dtypes to infogain with
--dtype so that it never sends them).

Output goes out in batches: everything answered is written and flushed
before the adapter blocks reading more input, so the driver's round trip of
many cases costs one write and one flush, and no answer ever waits for input
that has not been sent. stdin's end (EOF) ends the program with status 0.
"""
import json
import math
import os
import sys


def fmt(v):
    """A float as the protocol writes it: shortest round-trip repr, or the
    strings "inf", "-inf", "nan"."""
    if v != v:
        return '"nan"'
    if v == math.inf:
        return '"inf"'
    if v == -math.inf:
        return '"-inf"'
    return repr(float(v))


def result_line(cid, loss, grad):
    return '{"id":%s,"loss":%s,"grad":[%s]}\n' % (
        json.dumps(cid), fmt(loss), ",".join(fmt(g) for g in grad))


def error_line(cid, msg):
    return json.dumps({"id": cid, "error": msg}) + "\n"


def answer(line, evaluate, dtypes):
    """The result line for one case line."""
    try:
        c = json.loads(line)
    except ValueError as err:
        return error_line("", "bad case line: %s" % err)
    cid = c.get("id", "")
    try:
        dtype = c["dtype"]
        if dtype not in dtypes:
            return error_line(cid, "dtype %s not supported (supported: %s)" % (dtype, ", ".join(dtypes)))
        x = [float(v) for v in c["logits"]]  # float("inf"), float("nan") read the strings
        h = [float(v) for v in c["h"]]
        loss, grad = evaluate(x, h, dtype)
        return result_line(cid, loss, grad)
    except Exception as err:  # a case the implementation rejects: its error line
        return error_line(cid, "%s: %s" % (type(err).__name__, err))


def serve(evaluate, dtypes=("float64", "float32")):
    fd = sys.stdin.fileno()
    out = sys.stdout.buffer
    pending = b""
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        pending += chunk
        lines = pending.split(b"\n")
        pending = lines.pop()
        answers = [answer(l, evaluate, dtypes) for l in lines if l.strip()]
        if answers:
            out.write("".join(answers).encode())
            out.flush()
    if pending.strip():
        out.write(answer(pending, evaluate, dtypes).encode())
        out.flush()
