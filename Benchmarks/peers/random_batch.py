"""The one batch every step trains on: the same numbers in every framework (fixed seed), or the
batch `recur bench` wrote (real reviews) for every framework to read."""

import json

import numpy as np

SEED = 0


def random_batch(preset, batch):
    """Token ids in [1, vocab) of shape [batch, maxlen] (no padding) and binary labels [batch]."""
    rng = np.random.default_rng(SEED)
    tokens = rng.integers(1, preset.vocab, size=(batch, preset.maxlen), dtype=np.int64)
    labels = rng.integers(0, 2, size=(batch,), dtype=np.int64)
    return tokens, labels


def batch_from_file(path, preset, batch):
    """`recur bench`'s batch file: {"tokens": [[id] * maxlen] * batch, "labels": [label] * batch}."""
    with open(path) as file:
        data = json.load(file)
    tokens = np.asarray(data["tokens"], dtype=np.int64)
    labels = np.asarray(data["labels"], dtype=np.int64)
    if tokens.shape != (batch, preset.maxlen) or labels.shape != (batch,):
        raise ValueError(f"{path}: tokens {tokens.shape} and labels {labels.shape}, "
                         f"where {preset.name} at batch {batch} takes ({batch}, {preset.maxlen}) and ({batch},)")
    if tokens.min() < 0 or tokens.max() >= preset.vocab:
        raise ValueError(f"{path}: token ids outside [0, {preset.vocab})")
    return tokens, labels
