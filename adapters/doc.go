// Package adapters holds no Go code of its own: it is the home of the
// programs that put real implementations behind the protocol of
// docs/protocol.md (torch_xent.py: real PyTorch; numpy_naive.py: Caffe's
// naive InfogainLoss in numpy; infogain_protocol.py: their shared Python
// side of the protocol), and of the tests that run them through
// impls.Command. The tests skip, saying why, when /usr/bin/python3 lacks
// torch or numpy (Debian python3-torch, python3-numpy; make adapters-test
// installs them).
package adapters
