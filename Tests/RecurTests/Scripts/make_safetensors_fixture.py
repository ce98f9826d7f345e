#!/usr/bin/env python3
"""Writes Tests/RecurTests/Fixtures/official-library.safetensors with the official library.

The Swift tests read the committed output; they never run Python. Re-run this after changing
the tensors below (and update SafetensorsInteropTests to match):

    python3 -m venv /tmp/stvenv && /tmp/stvenv/bin/pip install safetensors numpy
    /tmp/stvenv/bin/python Tests/RecurTests/Scripts/make_safetensors_fixture.py

One dtype per tensor, a rank-0 tensor, and a single metadata key, so that the file's bytes do
not depend on hash-map order and the Swift writer can be checked byte for byte against it.
"""
import pathlib

import numpy as np
import safetensors
from safetensors import TensorSpec

FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "official-library.safetensors"

arrays = {
    "dense.kernel": np.array([[0.5, -1.0, 2.25], [3.0, -0.125, 100.0]], dtype="<f4"),
    "dense.bias": np.array([1.5, -2.5], dtype="<f8"),
    "embedding.half": np.array([1.0, -0.5, 65504.0], dtype="<f2"),
    # numpy has no bfloat16: pass the raw bits (1.0, -3.0) and name the dtype by hand.
    "embedding.bf16": np.array([0x3F80, 0xC040], dtype="<u2"),
    "step": np.array([1234567890123], dtype="<i8"),
    "tokens": np.array([0, 1, -2, 2147483647], dtype="<i4"),
    "mask": np.array([True, False, True], dtype=np.bool_),
    "bytes": np.array([7, 255], dtype=np.uint8),
    "scalar": np.array(42.0, dtype="<f4"),
}
dtype_names = {"embedding.bf16": "bfloat16"}

specs = {
    name: TensorSpec(
        dtype=dtype_names.get(name, array.dtype.name),
        shape=list(array.shape),
        data_ptr=array.ctypes.data,
        data_len=array.nbytes,
    )
    for name, array in arrays.items()
}
FIXTURE.write_bytes(bytes(safetensors.serialize(specs, metadata={"format": "pt"})))
print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes)")
