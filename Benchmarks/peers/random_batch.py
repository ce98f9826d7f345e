"""The one batch every step trains on: the same numbers in every framework (fixed seed)."""

import numpy as np

SEED = 0


def random_batch(preset, batch):
    """Token ids in [1, vocab) of shape [batch, maxlen] (no padding) and binary labels [batch]."""
    rng = np.random.default_rng(SEED)
    tokens = rng.integers(1, preset.vocab, size=(batch, preset.maxlen), dtype=np.int64)
    labels = rng.integers(0, 2, size=(batch,), dtype=np.int64)
    return tokens, labels
