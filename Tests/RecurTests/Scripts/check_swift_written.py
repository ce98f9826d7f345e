#!/usr/bin/env python3
"""Loads a file Recur wrote with the official safetensors library and checks its contents.

    mkdir -p /tmp/interop
    RECUR_SAFETENSORS_INTEROP_DIR=/tmp/interop swift test --filter SafetensorsInteropTests
    /tmp/stvenv/bin/python Tests/RecurTests/Scripts/check_swift_written.py /tmp/interop/swift-written.safetensors

The tensors are those of `sampleCheckpoint()` in SafetensorsTestSupport.swift plus "dense.kernel"
from `testWritesAFileForThePythonInteropCheck`.
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

path = sys.argv[1]
tensors = load_file(path)
expected = {
    "dense.kernel": np.arange(12, dtype=np.float32).reshape(3, 4) / 4,
    "embedding.weight": np.array([[0.25, -0.5], [1, 2], [3, 4]], dtype=np.float32),
    "lstm.bias": np.array([1.5, -2.5], dtype=np.float64),
    "tokens": np.array([1, 2, 3], dtype=np.int32),
    "step": np.array(7, dtype=np.int64),
}
assert sorted(tensors) == sorted(expected), sorted(tensors)
for name, want in expected.items():
    got = tensors[name]
    assert got.dtype == want.dtype and got.shape == want.shape, (name, got.dtype, got.shape)
    assert np.array_equal(got, want), (name, got)
with safe_open(path, framework="np") as f:
    metadata = f.metadata()
assert metadata["format"] == "pt", metadata
assert json.loads(metadata["recur.model"]) == {"layers": ["embedding", "lstm"]}, metadata
print(f"OK: the official library (safetensors) loaded {len(tensors)} tensors and metadata {metadata}")
