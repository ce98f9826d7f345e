"""Regenerates the Keras imdb.npz fixtures and their golden load_data outputs.

    python3 -m venv /tmp/kenv && /tmp/kenv/bin/pip install numpy keras
    /tmp/kenv/bin/python Tests/RecurTests/Scripts/make_keras_imdb_npz.py

Writes, under Tests/RecurTests/Fixtures/:
  keras_imdb.npz            - stored as Keras's imdb.npz is: x_* object arrays of Python int
                              lists (pickled by NumPy), y_* int64; zip-deflated (np.savez_compressed)
  keras_imdb_py2.npz        - the same arrays pickled as Python 2 wrote them (protocol 2, GLOBAL
                              opcodes, BINPUT memo, str as SHORT_BINSTRING), which is how the real
                              imdb.npz was made; not compressed
  keras_imdb_protocol2.npz  - Python 3's protocol 2 (bytes spelled as _codecs.encode(...)); not compressed
  keras_imdb_load_data.json - keras.datasets.imdb.load_data's output on keras_imdb.npz for several
                              option sets, computed by Keras's own source (its get_file stubbed to
                              return the fixture path, so nothing is downloaded)
"""
import importlib.util
import io
import json
import os
import pickle
import struct
import sys
import types
import zipfile

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Fixtures")


def make_arrays():
    rng = np.random.RandomState(2024)
    def reviews(n):
        x = np.empty(n, dtype=object)
        for i in range(n):
            length = int(rng.randint(1, 16))
            x[i] = [int(w) for w in rng.randint(1, 40, size=length)]
        return x
    x_train, x_test = reviews(12), reviews(7)
    # Indices that need BININT2 and BININT in the pickle, as the real vocabulary (88,584 words) does.
    x_train[3] = x_train[3] + [300, 88584]
    x_test[2] = [70000] + x_test[2]
    y_train = rng.randint(0, 2, size=12).astype(np.int64)
    y_test = rng.randint(0, 2, size=7).astype(np.int64)
    return dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


class Python2Pickler(pickle._Pickler):
    """Protocol 2 as Python 2's cPickle wrote it: byte strings and (ASCII) str as BINSTRING."""

    def save_binstring(self, obj):
        data = obj.encode("ascii") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[bytes] = save_binstring
    dispatch[str] = save_binstring


def npy_bytes(array, pickler=None):
    out = io.BytesIO()
    if pickler is None or not array.dtype.hasobject:
        npformat.write_array(out, array, allow_pickle=True)
    else:
        npformat.write_array_header_1_0(out, npformat.header_data_from_array_1_0(array))
        pickle_out = io.BytesIO()
        pickler(pickle_out, protocol=2).dump(array)
        data = pickle_out.getvalue()
        if pickler is Python2Pickler:
            # NumPy 1.x, which wrote the real file, named the module numpy.core.multiarray.
            data = data.replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")
        out.write(data)
    return out.getvalue()


def load_keras_imdb_module(npz_path):
    """keras/src/datasets/imdb.py from the installed keras (with its own npz_utils and
    python_utils), its other imports stubbed."""
    spec = importlib.util.find_spec("keras")
    root = os.path.join(os.path.dirname(spec.origin), "src")
    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m
    for name in ["keras", "keras.src", "keras.src.utils", "keras.src.datasets"]:
        module(name, __path__=[])
    module("keras.src.api_export", keras_export=lambda *a, **k: (lambda f: f))
    module("keras.src.utils.file_utils", get_file=lambda *a, **k: npz_path)
    for name, file in [("keras.src.utils.python_utils", "utils/python_utils.py"),
                       ("keras.src.datasets.npz_utils", "datasets/npz_utils.py")]:
        if not os.path.exists(os.path.join(root, file)):
            continue  # older Keras: np.load(allow_pickle=True) instead of npz_utils
        file_spec = importlib.util.spec_from_file_location(name, os.path.join(root, file))
        loaded = importlib.util.module_from_spec(file_spec)
        sys.modules[name] = loaded
        file_spec.loader.exec_module(loaded)
        setattr(sys.modules[name.rsplit(".", 1)[0]], name.rsplit(".", 1)[1], loaded)
    imdb_spec = importlib.util.spec_from_file_location("keras_imdb", os.path.join(root, "datasets", "imdb.py"))
    imdb = importlib.util.module_from_spec(imdb_spec)
    imdb_spec.loader.exec_module(imdb)
    return imdb


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    arrays = make_arrays()
    main_path = os.path.join(FIXTURES, "keras_imdb.npz")
    np.savez_compressed(main_path, **arrays)
    for file, pickler in [("keras_imdb_py2.npz", Python2Pickler), ("keras_imdb_protocol2.npz", pickle.Pickler)]:
        with zipfile.ZipFile(os.path.join(FIXTURES, file), "w", zipfile.ZIP_STORED) as z:
            for name, array in arrays.items():
                z.writestr(name + ".npy", npy_bytes(array, pickler))

    imdb = load_keras_imdb_module(os.path.abspath(main_path))
    cases = [
        {},
        {"num_words": 20},
        {"num_words": 30, "skip_top": 5},
        {"maxlen": 10},
        {"start_char": None},
        {"num_words": 20, "oov_char": None},
        {"seed": 7},
        {"start_char": None, "index_from": 0, "num_words": 25},
    ]
    goldens = []
    for options in cases:
        (x_train, y_train), (x_test, y_test) = imdb.load_data(**options)
        goldens.append({
            "options": options,
            "x_train": [[int(w) for w in x] for x in x_train], "y_train": [int(y) for y in y_train],
            "x_test": [[int(w) for w in x] for x in x_test], "y_test": [int(y) for y in y_test],
        })
    raw = {k: ([list(map(int, x)) for x in v] if v.dtype == object else list(map(int, v))) for k, v in arrays.items()}
    with open(os.path.join(FIXTURES, "keras_imdb_load_data.json"), "w") as f:
        json.dump({"raw": raw, "shuffle_seed113": shuffles(), "cases": goldens}, f, indent=None, separators=(",", ":"))
        f.write("\n")


def shuffles():
    """np.random.RandomState(113).shuffle on arange(10) then arange(7), and seed 5 on 25000."""
    r = np.random.RandomState(113)
    a, b = np.arange(10), np.arange(7)
    r.shuffle(a)
    r.shuffle(b)
    c = np.arange(25000)
    np.random.RandomState(5).shuffle(c)
    return {"first": a.tolist(), "second": b.tolist(), "seed5_25000_head": c[:8].tolist(),
            "seed5_25000_weighted_sum": int((c * np.arange(25000)).sum())}


if __name__ == "__main__":
    main()
